/*
 * test_store.c: the SQLite store: migrations, articles with their tags and
 * authors, lists, related news, slugs, redirects and the content version.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/driver.h"
#include "db/store.h"
#include "tempdb.h"

static int setup(void **state)
{
	store *st = tempdb_open("store");
	if (!st)
		return -1;
	const char *cats[][2] = {{"देश", "desh"}, {"रक्षा", "raksha"}, {"खेल", "khel"}};
	for (int i = 0; i < 3; i++)
		if (store_category_add(st, cats[i][0], cats[i][1], i + 1))
			return -1;
	*state = st;
	return 0;
}

static int64_t add(store *st, const char *title, const char *cat, int64_t when, const char **tags,
		   size_t ntags)
{
	kb_article_input in = {
		.title = title,
		.summary = "सार",
		.body = "पहला पैरा\n\nदूसरा पैरा",
		.status = "published",
		.published_at = when,
		.category_slug = cat,
		.author_name = "राजीव शर्मा",
		.tags = tags,
		.ntags = ntags,
		.dateline = "नई दिल्ली",
	};
	int64_t id = 0;
	if (store_article_add(st, &in, &id))
		fail_msg("store_article_add: %s", store_errmsg(st));
	return id;
}

static void migrations_set_the_schema_version(void **state)
{
	store *st = *state;
	assert_int_equal(store_schema_version(st), store_schema_latest());
	/* Opening again is a no-op: nothing to migrate. */
	char *err = NULL;
	store *again = store_open(tempdb_path, 0, &err);
	assert_non_null(again);
	assert_int_equal(store_schema_version(again), store_schema_latest());
	store_close(again);
}

static void article_round_trip_keeps_every_field(void **state)
{
	store *st = *state;
	const char *tags[] = {"इज़राइल", "रक्षा सहयोग", "इज़राइल", ""};
	int64_t id = add(st, "भारत-इज़राइल रक्षा सहयोग", "raksha", 1762261200, tags, 4);
	kb_arena a = {0};
	kb_article art;
	assert_int_equal(store_article_by_id(st, &a, id, &art), STORE_OK);
	assert_string_equal(art.title, "भारत-इज़राइल रक्षा सहयोग");
	assert_string_equal(art.status, "published");
	assert_int_equal(art.published_at, 1762261200);
	assert_int_equal(art.updated_at, 1762261200);
	assert_string_equal(art.category.name, "रक्षा");
	assert_string_equal(art.author.name, "राजीव शर्मा");
	assert_string_equal(art.dateline, "नई दिल्ली");
	assert_string_equal(art.body, "पहला पैरा\n\nदूसरा पैरा");
	assert_int_equal(art.ntags, 2); /* duplicates and empty names dropped */
	/* Slugs are ASCII and found again by slug. */
	for (const char *p = art.slug; *p; p++)
		assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-');
	kb_article again;
	assert_int_equal(store_article_by_slug(st, &a, art.slug, &again), STORE_OK);
	assert_int_equal(again.id, id);
	kb_arena_free(&a);
}

static void same_title_gets_a_distinct_slug(void **state)
{
	store *st = *state;
	int64_t a1 = add(st, "खेल समाचार", "khel", 1000, NULL, 0);
	int64_t a2 = add(st, "खेल समाचार", "khel", 2000, NULL, 0);
	kb_arena a = {0};
	kb_article x, y;
	assert_int_equal(store_article_by_id(st, &a, a1, &x), STORE_OK);
	assert_int_equal(store_article_by_id(st, &a, a2, &y), STORE_OK);
	assert_string_not_equal(x.slug, y.slug);
	char want[256];
	snprintf(want, sizeof want, "%s-2", x.slug);
	assert_string_equal(y.slug, want);
	kb_arena_free(&a);
}

static void a_given_slug_is_made_a_slug(void **state)
{
	store *st = *state;
	const char *given[] = {"\"><script>alert(1)</script>/x?y#z", "bharat-israel-raksha",
			       "javascript:alert(1)"};
	const char *want[] = {"script-alert-1-script-x-y-z", "bharat-israel-raksha", "javascript-alert-1"};
	kb_arena a = {0};
	for (size_t i = 0; i < KB_COUNT(given); i++) {
		kb_article_input in = {.title = "खबर", .status = "published", .slug = given[i]};
		int64_t id;
		assert_int_equal(store_article_add(st, &in, &id), STORE_OK);
		kb_article art;
		assert_int_equal(store_article_by_id(st, &a, id, &art), STORE_OK);
		assert_string_equal(art.slug, want[i]);
	}
	kb_arena_free(&a);
}

static void unknown_category_stores_nothing(void **state)
{
	store *st = *state;
	int64_t before = 0, after = 0;
	assert_int_equal(store_article_count(st, &before), 0);
	kb_article_input in = {.title = "x", .status = "published", .category_slug = "nope"};
	int64_t id;
	assert_int_equal(store_article_add(st, &in, &id), STORE_ERROR);
	assert_non_null(strstr(store_errmsg(st), "nope"));
	assert_int_equal(store_article_count(st, &after), 0);
	assert_int_equal(before, after);
}

static void lists_are_newest_first_and_filtered(void **state)
{
	store *st = *state;
	const char *t1[] = {"क्रिकेट"};
	add(st, "पुरानी खबर", "desh", 100, NULL, 0);
	add(st, "नई खबर", "desh", 300, t1, 1);
	add(st, "बीच की खबर", "khel", 200, t1, 1);
	kb_arena a = {0};
	kb_article *v;
	size_t n, total;
	kb_article_query q = {.limit = 10};
	assert_int_equal(store_article_list(st, &a, &q, &v, &n, &total), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(total, 3);
	assert_string_equal(v[0].title, "नई खबर");
	assert_string_equal(v[2].title, "पुरानी खबर");
	assert_string_equal(v[0].body, ""); /* lists skip the body unless asked */

	kb_category c;
	assert_int_equal(store_category_by_slug(st, &a, "khel", &c), STORE_OK);
	q = (kb_article_query){.category_id = c.id, .limit = 10};
	assert_int_equal(store_article_list(st, &a, &q, &v, &n, &total), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].title, "बीच की खबर");

	q = (kb_article_query){.limit = 1, .offset = 1};
	assert_int_equal(store_article_list(st, &a, &q, &v, &n, &total), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(total, 3);
	assert_string_equal(v[0].title, "बीच की खबर");

	/* Related: same category or a shared tag, never itself. */
	kb_article *all;
	size_t nall;
	q = (kb_article_query){.limit = 10};
	store_article_list(st, &a, &q, &all, &nall, NULL);
	kb_article newest;
	assert_int_equal(store_article_by_id(st, &a, all[0].id, &newest), STORE_OK);
	assert_int_equal(store_article_related(st, &a, &newest, &v, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].title, "बीच की खबर"); /* shares the tag */
	assert_string_equal(v[1].title, "पुरानी खबर");  /* shares the category */
	kb_arena_free(&a);
}

/* The article page's reads, in one batch on PostgreSQL, give what the
 * separate calls give; a slug of no published story is not found, and
 * the connection goes on as before either way. */
static void an_article_page_reads_what_the_separate_calls_read(void **state)
{
	store *st = *state;
	const char *t1[] = {"क्रिकेट", "हॉकी"};
	add(st, "पुरानी खबर", "desh", 100, NULL, 0);
	add(st, "बीच की खबर", "khel", 200, t1, 1);
	add(st, "नई खबर", "desh", 300, t1, 2);
	kb_arena a = {0};
	kb_article *all;
	size_t nall;
	kb_article_query q = {.limit = 10};
	assert_int_equal(store_article_list(st, &a, &q, &all, &nall, NULL), STORE_OK);
	kb_article one;
	assert_int_equal(store_article_by_slug(st, &a, all[0].slug, &one), STORE_OK);
	kb_settings set;
	kb_category *cats;
	size_t ncats;
	assert_int_equal(store_settings(st, &a, &set), STORE_OK);
	assert_int_equal(store_category_list(st, &a, &cats, &ncats), STORE_OK);

	for (int round = 0; round < 2; round++) {
		kb_article_page p;
		assert_int_equal(store_article_page(st, &a, one.slug, &p), STORE_OK);
		assert_int_equal(p.article.id, one.id);
		assert_string_equal(p.article.body, one.body);
		assert_int_equal(p.article.ntags, 2);
		assert_string_equal(p.article.tags[0].name, one.tags[0].name);
		assert_string_equal(p.article.tags[1].name, one.tags[1].name);
		kb_site site;
		assert_int_equal(store_site(st, &a, &site), STORE_OK);
		assert_string_equal(site.settings.name, set.name);
		assert_string_equal(site.settings.base_url, set.base_url);
		assert_int_equal(site.ncats, ncats);
		assert_string_equal(site.cats[0].slug, cats[0].slug);
		assert_int_equal(site.nheader + site.nfooter, 0);
		assert_int_equal(p.nrelated, 2);
		assert_string_equal(p.related[0].title, "बीच की खबर");
		assert_string_equal(p.related[1].title, "पुरानी खबर");
		assert_int_equal(store_article_page(st, &a, "no-such-story", &p), STORE_NOTFOUND);
	}
	kb_article_input in = {.title = "मसौदा पन्ना", .status = "draft"};
	int64_t id;
	assert_int_equal(store_article_add(st, &in, &id), STORE_OK);
	kb_article draft;
	assert_int_equal(store_article_by_id(st, &a, id, &draft), STORE_OK);
	kb_article_page p;
	assert_int_equal(store_article_page(st, &a, draft.slug, &p), STORE_NOTFOUND);
	assert_int_equal(store_article_by_slug(st, &a, one.slug, &one), STORE_OK);
	kb_arena_free(&a);
}

static void drafts_are_not_public(void **state)
{
	store *st = *state;
	kb_article_input in = {.title = "मसौदा", .status = "draft"};
	int64_t id;
	assert_int_equal(store_article_add(st, &in, &id), STORE_OK);
	kb_arena a = {0};
	kb_article art;
	assert_int_equal(store_article_by_id(st, &a, id, &art), STORE_OK);
	assert_int_equal(store_article_by_slug(st, &a, art.slug, &art), STORE_NOTFOUND);
	int64_t n;
	assert_int_equal(store_article_count(st, &n), 0);
	kb_arena_free(&a);
}

/* Returns the tags written to the changes log after seq, joined by " ". */
static char *changes_after(store *st, int64_t seq, kb_arena *a)
{
	const char **tags;
	int64_t *seqs, first;
	size_t n;
	assert_int_equal(store_changes_since(st, a, seq, 1000, &tags, &seqs, &n, &first), STORE_OK);
	kb_buf b = {0};
	for (size_t i = 0; i < n; i++)
		kb_buf_printf(&b, " %s", tags[i]);
	kb_buf_putc(&b, ' ');
	char *s = kb_arena_strdup(a, b.data);
	kb_buf_free(&b);
	return s;
}

static void site_wide_changes_move_the_content_version(void **state)
{
	store *st = *state;
	int64_t v0 = store_content_version(st);
	assert_int_equal(store_setting_set(st, "name", "नया नाम"), STORE_OK);
	int64_t v1 = store_content_version(st);
	assert_true(v1 > v0);
	assert_int_equal(store_category_add(st, "विज्ञान", "vigyan", 9), STORE_OK);
	assert_true(store_content_version(st) > v1);
}

static void article_changes_name_the_pages_they_touch(void **state)
{
	store *st = *state;
	kb_arena a = {0};
	int64_t v0 = store_content_version(st), seq;
	assert_int_equal(store_changes_last(st, &seq), STORE_OK);
	const char *tags[] = {"इज़राइल"};
	int64_t id = add(st, "एक", "desh", 10, tags, 1);
	/* Articles do not flush the whole cache any more. */
	assert_int_equal(store_content_version(st), v0);
	kb_article art;
	assert_int_equal(store_article_by_id(st, &a, id, &art), STORE_OK);
	char *got = changes_after(st, seq, &a);
	char want[64];
	snprintf(want, sizeof want, " a:%lld ", (long long)id);
	if (!strstr(got, want) || !strstr(got, " list ") || !strstr(got, " text ") || !strstr(got, " t:"))
		fail_msg("publishing: expected a:ID, list, text and t:TAG, got \"%s\"", got);

	/* A draft changes nothing public. */
	assert_int_equal(store_changes_last(st, &seq), STORE_OK);
	kb_article_input d = {.title = "मसौदा", .body = "x", .status = "draft"};
	int64_t did;
	assert_int_equal(store_article_add(st, &d, &did), STORE_OK);
	assert_string_equal(changes_after(st, seq, &a), " ");

	/* An edit of the body alone touches the page and the full-text
	 * views, not the lists. */
	assert_int_equal(store_changes_last(st, &seq), STORE_OK);
	kb_article_input in = {.title = "एक",
			       .slug = art.slug,
			       .body = "नया पाठ",
			       .summary = "सार",
			       .category_slug = "desh",
			       .author_name = "राजीव शर्मा",
			       .tags = tags,
			       .ntags = 1};
	int64_t version;
	assert_int_equal(store_article_save(st, &in, art.version, 0, "save", &id, &version), STORE_OK);
	got = changes_after(st, seq, &a);
	if (!strstr(got, want) || strstr(got, " list ") || strstr(got, " c:") || strstr(got, " t:"))
		fail_msg("body edit: expected a:ID and no list tags, got \"%s\"", got);
	kb_arena_free(&a);
}

static void settings_have_defaults(void **state)
{
	store *st = *state;
	kb_arena a = {0};
	kb_settings s;
	assert_int_equal(store_settings(st, &a, &s), STORE_OK);
	assert_string_equal(s.language, "hi");
	assert_string_equal(s.timezone, "Asia/Kolkata");
	assert_string_equal(s.facebook, "");
	store_setting_set(st, "facebook", "https://facebook.com/x");
	assert_int_equal(store_settings(st, &a, &s), STORE_OK);
	assert_string_equal(s.facebook, "https://facebook.com/x");
	kb_arena_free(&a);
}

static void redirects_are_found_by_path(void **state)
{
	store *st = *state;
	kb_arena a = {0};
	const char *target;
	int code;
	assert_int_equal(store_redirect_find(st, &a, "/old", &target, &code), STORE_NOTFOUND);
	assert_int_equal(store_redirect_add(st, "/भारत-इज़राइल", "/news/bharat-israel", 301), STORE_OK);
	assert_int_equal(store_redirect_find(st, &a, "/भारत-इज़राइल", &target, &code), STORE_OK);
	assert_string_equal(target, "/news/bharat-israel");
	assert_int_equal(code, 301);
	kb_arena_free(&a);
}

static void open_reports_unwritable_paths(void **state)
{
	char *err = NULL;
	store *st = store_open("/nonexistent-dir/x.db", 0, &err);
	assert_null(st);
	assert_non_null(strstr(err, "/nonexistent-dir/x.db"));
	free(err);
}

/* Related stories, by brute force: every published story but x in its
 * category or sharing a tag, newest first (equal times: higher id first),
 * the first STORE_RELATED. */
static size_t related_by_hand(const kb_article *all, size_t n, const kb_article *x, int64_t *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k < STORE_RELATED; i++) {
		const kb_article *c = &all[i];
		int near = c->id != x->id && c->category.id == x->category.id;
		for (size_t t = 0; c->id != x->id && !near && t < c->ntags; t++)
			for (size_t u = 0; u < x->ntags; u++)
				near |= c->tags[t].id == x->tags[u].id;
		if (near)
			out[k++] = c->id;
	}
	return k;
}

/* The page's related block (read from the indexes of migration 29) is
 * what brute force finds for every story, through equal publication
 * times, unpublishing, new and removed tags and a story moved in time. */
static void related_stories_follow_publishing_tags_and_times(void **state)
{
	store *st = *state;
	const char *tags[] = {"क्रिकेट", "हॉकी", "चुनाव", "बारिश"};
	const char *cats[] = {"desh", "khel"};
	for (int i = 0; i < 40; i++) {
		const char *mine[2] = {tags[i % 4], tags[(i / 4) % 4]};
		char title[64];
		snprintf(title, sizeof title, "खबर %d", i);
		/* Every third story shares its time with another. */
		add(st, title, cats[i % 7 == 0], 1000 + (i % 3 ? i : i - 1) * 60, mine, i % 5 ? 2 : 0);
	}
	static const char *const changes[] = {
		"",
		"UPDATE articles SET status = 'draft' WHERE id IN (39, 37, 30)",
		"DELETE FROM article_tags WHERE article_id IN (38, 36)",
		"INSERT INTO article_tags(article_id, tag_id) SELECT 35, id FROM tags WHERE true ON CONFLICT DO NOTHING",
		"UPDATE articles SET published_at = 99999 WHERE id = 3",
		"UPDATE articles SET status = 'published' WHERE id = 37",
	};
	for (size_t round = 0; round < KB_COUNT(changes); round++) {
		if (*changes[round] && db_exec(st, changes[round]))
			fail_msg("%s: %s", changes[round], store_errmsg(st));
		kb_arena a = {0};
		kb_article *all;
		size_t n;
		kb_article_query q = {.limit = 100, .with_tags = 1};
		assert_int_equal(store_article_list(st, &a, &q, &all, &n, NULL), STORE_OK);
		assert_true(n >= 35);
		for (size_t i = 0; i < n; i++) {
			int64_t want[STORE_RELATED];
			size_t nwant = related_by_hand(all, n, &all[i], want);
			kb_article_page p;
			assert_int_equal(store_article_page(st, &a, all[i].slug, &p), STORE_OK);
			assert_int_equal(p.nrelated, nwant);
			for (size_t k = 0; k < nwant; k++)
				assert_int_equal(p.related[k].id, want[k]);
		}
		kb_arena_free(&a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(migrations_set_the_schema_version, setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(related_stories_follow_publishing_tags_and_times, setup,
						tempdb_teardown),
		cmocka_unit_test_setup_teardown(article_round_trip_keeps_every_field, setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(same_title_gets_a_distinct_slug, setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(a_given_slug_is_made_a_slug, setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(unknown_category_stores_nothing, setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(an_article_page_reads_what_the_separate_calls_read, setup,
						tempdb_teardown),
		cmocka_unit_test_setup_teardown(lists_are_newest_first_and_filtered, setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(drafts_are_not_public, setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(site_wide_changes_move_the_content_version, setup,
						tempdb_teardown),
		cmocka_unit_test_setup_teardown(article_changes_name_the_pages_they_touch, setup,
						tempdb_teardown),
		cmocka_unit_test_setup_teardown(settings_have_defaults, setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(redirects_are_found_by_path, setup, tempdb_teardown),
		cmocka_unit_test(open_reports_unwritable_paths),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
