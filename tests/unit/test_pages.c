/*
 * test_pages.c: the static pages' and menus' stores (pages_store.h,
 * menus_store.h) on either backend
 * (make unit-pg runs it on PostgreSQL): adding with unique slugs, saving
 * with the version check, publishing and unpublishing, what the public
 * side sees (drafts hidden, the footer's order, the sitemap's list), the
 * importer's replacement of an untouched sample, the menus' links, and
 * that every change moves the content version that empties page caches.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "db/menus_store.h"
#include "db/pages_store.h"
#include "tempdb.h"

static int setup(void **state)
{
	store *st = tempdb_open("pages");
	if (!st)
		return -1;
	*state = st;
	return 0;
}

static int64_t add(store *st, const char *slug, const char *title, const char *status, int64_t footer)
{
	kb_page_input in = {
		.slug = slug, .title = title, .body = "पहला *अनुच्छेद*", .status = status, .footer = footer};
	int64_t id = 0;
	assert_int_equal(pages_store_add(st, &in, 0, 1000, &id), STORE_OK);
	assert_true(id > 0);
	return id;
}

static void slugs_are_unique_and_drafts_stay_hidden(void **state)
{
	store *st = *state;
	kb_arena a = {0};
	int64_t id = add(st, "about", "हमारे बारे में", "draft", 1);
	kb_page_input dup = {.slug = "about", .title = "दूसरा", .body = ""};
	int64_t other;
	assert_int_equal(pages_store_add(st, &dup, 0, 1000, &other), STORE_CONFLICT);
	kb_page p;
	assert_int_equal(pages_store_by_slug(st, &a, "about", 1, &p), STORE_NOTFOUND);
	assert_int_equal(pages_store_by_slug(st, &a, "about", 0, &p), STORE_OK);
	assert_int_equal(p.id, id);
	assert_string_equal(p.title, "हमारे बारे में");
	assert_string_equal(p.body, "पहला *अनुच्छेद*");
	assert_string_equal(p.status, "draft");
	assert_int_equal(p.published_at, 0);
	kb_site site;
	assert_int_equal(store_site(st, &a, &site), STORE_OK);
	assert_int_equal(site.nfooter, 0);
	kb_page *v;
	size_t n;
	assert_int_equal(pages_store_list(st, &a, 1, &v, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(pages_store_list(st, &a, 0, &v, &n), STORE_OK);
	assert_int_equal(n, 1);
	kb_arena_free(&a);
}

static void publishing_shows_the_page_in_the_footer_in_order(void **state)
{
	store *st = *state;
	kb_arena a = {0};
	int64_t grievance = add(st, "grievance-officer", "शिकायत अधिकारी", "published", 3);
	int64_t about = add(st, "about", "हमारे बारे में", "draft", 1);
	add(st, "terms", "नियम और शर्तें", "published", 0);
	int64_t v0 = store_content_version(st);
	assert_int_equal(pages_store_set_status(st, about, "published", 7, 2000), STORE_OK);
	assert_true(store_content_version(st) > v0);
	kb_page p;
	assert_int_equal(pages_store_get(st, &a, about, &p), STORE_OK);
	assert_string_equal(p.status, "published");
	assert_int_equal(p.published_at, 2000);
	assert_int_equal(p.updated_by, 7);
	/* The site's footer (store_site): the published pages with a
	 * place, in its order, before the footer menu's links. */
	kb_menu_item f[] = {{"विज्ञापन", "https://ads.example.com"}};
	assert_int_equal(menus_store_set(st, "footer", f, 1), STORE_OK);
	kb_site site;
	assert_int_equal(store_site(st, &a, &site), STORE_OK);
	assert_int_equal(site.nfooter, 3);
	assert_string_equal(site.footer[0].url, "/page/about");
	assert_string_equal(site.footer[0].label, "हमारे बारे में");
	assert_string_equal(site.footer[1].url, "/page/grievance-officer");
	assert_string_equal(site.footer[2].url, "https://ads.example.com");
	assert_int_equal(site.nheader, 0);
	kb_page *v;
	size_t n;
	assert_int_equal(pages_store_list(st, &a, 1, &v, &n), STORE_OK);
	assert_string_equal(v[0].body, ""); /* lists leave bodies out */
	assert_int_equal(n, 3);
	/* Unpublished: gone from the footer, its first publication kept. */
	v0 = store_content_version(st);
	assert_int_equal(pages_store_set_status(st, grievance, "draft", 7, 3000), STORE_OK);
	assert_true(store_content_version(st) > v0);
	assert_int_equal(store_site(st, &a, &site), STORE_OK);
	assert_int_equal(site.nfooter, 2);
	assert_string_equal(site.footer[0].url, "/page/about");
	assert_int_equal(pages_store_set_status(st, 9999, "draft", 7, 3000), STORE_NOTFOUND);
	kb_arena_free(&a);
}

static void saving_checks_the_version_and_the_slug(void **state)
{
	store *st = *state;
	kb_arena a = {0};
	int64_t id = add(st, "contact", "संपर्क", "draft", 2);
	add(st, "terms", "नियम और शर्तें", "draft", 0);
	kb_page p;
	assert_int_equal(pages_store_get(st, &a, id, &p), STORE_OK);
	kb_page_input in = {.slug = "sampark", .title = "संपर्क करें", .body = "ईमेल: a@b.in", .footer = 4};
	int64_t v0 = store_content_version(st);
	assert_int_equal(pages_store_save(st, id, p.version, &in, 3, 5000), STORE_OK);
	assert_true(store_content_version(st) > v0);
	/* A second save from the same old version lost the race. */
	assert_int_equal(pages_store_save(st, id, p.version, &in, 3, 5001), STORE_CONFLICT);
	kb_page q;
	assert_int_equal(pages_store_get(st, &a, id, &q), STORE_OK);
	assert_int_equal(q.version, p.version + 1);
	assert_string_equal(q.slug, "sampark");
	assert_string_equal(q.body, "ईमेल: a@b.in");
	assert_string_equal(q.status, "draft"); /* no status: kept */
	assert_int_equal(q.footer, 4);
	in.slug = "terms";
	assert_int_equal(pages_store_save(st, id, 0, &in, 3, 5002), STORE_CONFLICT);
	in.slug = "sampark";
	in.status = "published";
	assert_int_equal(pages_store_save(st, id, 0, &in, 3, 5003), STORE_OK);
	assert_int_equal(pages_store_by_slug(st, &a, "sampark", 1, &q), STORE_OK);
	assert_int_equal(q.published_at, 5003);
	assert_int_equal(pages_store_save(st, 9999, 0, &in, 3, 5004), STORE_NOTFOUND);
	assert_int_equal(pages_store_delete(st, id), STORE_OK);
	assert_int_equal(pages_store_get(st, &a, id, &q), STORE_NOTFOUND);
	kb_arena_free(&a);
}

static void an_untouched_sample_may_be_replaced_once(void **state)
{
	store *st = *state;
	kb_arena a = {0};
	int64_t id = add(st, "privacy-policy", "गोपनीयता नीति", "draft", 6);
	kb_page_input in = {
		.slug = "privacy-policy", .title = "Privacy Policy", .body = "ours", .status = "published"};
	int64_t got = 0;
	assert_int_equal(pages_store_replace_sample(st, &in, 4000, &got), STORE_OK);
	assert_int_equal(got, id);
	kb_page p;
	assert_int_equal(pages_store_by_slug(st, &a, "privacy-policy", 1, &p), STORE_OK);
	assert_string_equal(p.title, "Privacy Policy");
	assert_int_equal(p.footer, 6);
	/* No longer a sample: a second replacement finds none. */
	assert_int_equal(pages_store_replace_sample(st, &in, 4001, &got), STORE_NOTFOUND);
	/* Nor is a page an editor saved. */
	int64_t other = add(st, "terms", "नियम", "draft", 0);
	kb_page_input ed = {.slug = "terms", .title = "नियम", .body = "x"};
	assert_int_equal(pages_store_save(st, other, 0, &ed, 5, 4002), STORE_OK);
	in.slug = "terms";
	assert_int_equal(pages_store_replace_sample(st, &in, 4003, &got), STORE_NOTFOUND);
	kb_arena_free(&a);
}

static void menus_keep_their_order_and_replace_whole(void **state)
{
	store *st = *state;
	kb_arena a = {0};
	kb_menu_item h[] = {{"खेल", "/category/khel"}, {"हमारे बारे में", "/page/about"}};
	kb_menu_item f[] = {{"विज्ञापन", "https://ads.example.com"}};
	int64_t v0 = store_content_version(st);
	assert_int_equal(menus_store_set(st, "header", h, 2), STORE_OK);
	assert_int_equal(menus_store_set(st, "footer", f, 1), STORE_OK);
	assert_true(store_content_version(st) > v0);
	kb_menu_item *mh, *mf;
	size_t nh, nf;
	assert_int_equal(menus_store_both(st, &a, &mh, &nh, &mf, &nf), STORE_OK);
	assert_int_equal(nh, 2);
	assert_int_equal(nf, 1);
	assert_string_equal(mh[0].label, "खेल");
	assert_string_equal(mh[1].url, "/page/about");
	assert_string_equal(mf[0].url, "https://ads.example.com");
	/* Set again in the other order: the old links go. */
	kb_menu_item rev[] = {h[1], h[0]};
	assert_int_equal(menus_store_set(st, "header", rev, 2), STORE_OK);
	assert_int_equal(menus_store_get(st, &a, "header", &mh, &nh), STORE_OK);
	assert_int_equal(nh, 2);
	assert_string_equal(mh[0].label, "हमारे बारे में");
	assert_int_equal(menus_store_set(st, "header", NULL, 0), STORE_OK);
	assert_int_equal(menus_store_get(st, &a, "header", &mh, &nh), STORE_OK);
	assert_int_equal(nh, 0);
	assert_int_equal(menus_store_get(st, &a, "footer", &mf, &nf), STORE_OK);
	assert_int_equal(nf, 1);
	kb_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(slugs_are_unique_and_drafts_stay_hidden, setup,
						tempdb_teardown),
		cmocka_unit_test_setup_teardown(publishing_shows_the_page_in_the_footer_in_order, setup,
						tempdb_teardown),
		cmocka_unit_test_setup_teardown(saving_checks_the_version_and_the_slug, setup,
						tempdb_teardown),
		cmocka_unit_test_setup_teardown(an_untouched_sample_may_be_replaced_once, setup,
						tempdb_teardown),
		cmocka_unit_test_setup_teardown(menus_keep_their_order_and_replace_whole, setup,
						tempdb_teardown),
	};
	return cmocka_run_group_tests_name("pages", tests, NULL, NULL);
}
