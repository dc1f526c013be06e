/*
 * test_http.c: the route table and matcher, the page cache, and the article
 * file parser (the parts of request handling that need no socket).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cli/frontmatter.h"
#include "http/http.h"
#include "render/cache.h"

static int h1(kb_req *r) { return 1; }
static int h2(kb_req *r) { return 2; }
static int h3(kb_req *r) { return 3; }

static const kb_route routes[] = {
	{"GET", "/", h1, 0, 0, NULL, 0},
	{"GET", "/news/{slug}", h2, R_CACHE, 0, NULL, 0},
	{"POST", "/news/{slug}", h3, R_AUTH | R_CSRF, ROLE_EDITOR, NULL, 0},
	{"GET", "/a/{x}/b/{y}", h3, 0, 0, NULL, 0},
};

static const kb_route *m(const char *method, const char *path, kb_req *r, int *allowed)
{
	return router_match(routes, KB_COUNT(routes), method, path, strlen(path), r, allowed);
}

static void router_matches_literals_and_params(void **state)
{
	kb_req r = {0};
	int allowed;
	assert_ptr_equal(m("GET", "/", &r, &allowed)->fn, h1);
	const kb_route *rt = m("GET", "/news/bharat-israel", &r, &allowed);
	assert_non_null(rt);
	assert_ptr_equal(rt->fn, h2);
	assert_int_equal(r.nparam, 1);
	assert_string_equal(r.param[0], "bharat-israel");
	rt = m("GET", "/a/1/b/2", &r, &allowed);
	assert_non_null(rt);
	assert_string_equal(r.param[0], "1");
	assert_string_equal(r.param[1], "2");
	kb_arena_free(&r.arena);
}

static void router_rejects_near_misses(void **state)
{
	kb_req r = {0};
	int allowed;
	const char *miss[] = {"/news", "/news/", "/news/a/b", "/newsx/a", "/a/1/b", "//", "/a//b/2"};
	for (size_t i = 0; i < KB_COUNT(miss); i++)
		if (m("GET", miss[i], &r, &allowed))
			fail_msg("\"%s\" matched a route", miss[i]);
	kb_arena_free(&r.arena);
}

static void router_head_is_get_and_other_methods_are_405(void **state)
{
	kb_req r = {0};
	int allowed;
	assert_ptr_equal(m("HEAD", "/news/x", &r, &allowed)->fn, h2);
	assert_ptr_equal(m("POST", "/news/x", &r, &allowed)->fn, h3);
	assert_null(m("DELETE", "/news/x", &r, &allowed));
	assert_int_equal(allowed, 1);
	assert_null(m("DELETE", "/nowhere", &r, &allowed));
	assert_int_equal(allowed, 0);
	kb_arena_free(&r.arena);
}

static void the_plain_error_page_escapes_its_text(void **state)
{
	/* No database: the page that must render when the store fails. */
	kb_req r = {0};
	r.error_text = "<img src=x onerror=alert(1)> & \"";
	page_error(&r, 400);
	kb_buf_putc(&r.body, 0);
	assert_non_null(strstr(r.body.data, "<p>&lt;img src=x onerror=alert(1)&gt; &amp; &quot;</p>"));
	assert_null(strstr(r.body.data, "<img"));
	kb_buf_free(&r.body);
	kb_arena_free(&r.arena);
}

static void every_site_route_declares_a_known_method(void **state)
{
	for (size_t i = 0; i < kb_nroutes; i++) {
		const kb_route *rt = &kb_routes[i];
		assert_true(!strcmp(rt->method, "GET") || !strcmp(rt->method, "POST"));
		assert_true(rt->pattern[0] == '/');
		/* Writes are never cached; routes that need a user say which. */
		if (!strcmp(rt->method, "POST"))
			assert_false(rt->flags & R_CACHE);
		if (rt->flags & R_AUTH)
			assert_true(rt->role > ROLE_NONE);
	}
}

static void cache_serves_fresh_and_drops_stale(void **state)
{
	cache *c = cache_new(1 << 20);
	const char *body = "<p>नमस्ते</p>";
	cache_entry *e = cache_make(c, "/x", 2, 1, 200, "text/html", body, strlen(body), 7, 60, NULL);
	assert_int_equal(e->len, strlen(body));
	assert_int_equal(e->etag[0], '"');
	cache_release(e);
	e = cache_get(c, "/x", 2, 7);
	assert_non_null(e);
	assert_memory_equal(e->body, body, strlen(body));
	cache_release(e);
	assert_null(cache_get(c, "/x", 2, 8)); /* content changed: stale */
	assert_null(cache_get(c, "/x", 2, 7)); /* and gone */
	cache_free(c);
}

static void cache_gzip_round_trips(void **state)
{
	cache *c = cache_new(1 << 20);
	kb_buf b = {0};
	for (int i = 0; i < 200; i++)
		kb_buf_puts(&b, "<p>रक्षा सहयोग पर समझौता ज्ञापन</p>\n");
	cache_entry *e = cache_make(c, "/g", 2, 0, 200, "text/html", b.data, b.len, 1, 60, NULL);
	assert_non_null(e->gz);
	assert_true(e->gzlen < b.len / 4);
	char *out = malloc(b.len + 1);
	z_stream z = {0};
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (unsigned char *)e->gz;
	z.avail_in = (unsigned)e->gzlen;
	z.next_out = (unsigned char *)out;
	z.avail_out = (unsigned)b.len + 1;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.total_out, b.len);
	assert_memory_equal(out, b.data, b.len);
	inflateEnd(&z);
	free(out);
	cache_release(e);
	/* Not stored: a lookup misses. */
	assert_null(cache_get(c, "/g", 2, 1));
	kb_buf_free(&b);
	cache_free(c);
}

static void cache_stays_within_its_budget(void **state)
{
	size_t budget = 256 * 1024;
	cache *c = cache_new(budget);
	char body[4000];
	memset(body, 'x', sizeof body);
	for (int i = 0; i < 1000; i++) {
		char key[16];
		int n = snprintf(key, sizeof key, "/p%d", i);
		body[0] = (char)i;
		cache_release(cache_make(c, key, (size_t)n, 1, 200, "text/html", body, sizeof body, 1, 60, NULL));
	}
	size_t bytes, entries;
	cache_stats(c, &bytes, &entries);
	assert_true(bytes <= budget);
	assert_true(entries > 10);
	/* The newest entry survives; the oldest was evicted. */
	cache_entry *e = cache_get(c, "/p999", 5, 1);
	assert_non_null(e);
	cache_release(e);
	assert_null(cache_get(c, "/p0", 3, 1));
	cache_free(c);
}

static void cache_entry_outlives_replacement(void **state)
{
	cache *c = cache_new(1 << 20);
	cache_entry *old = cache_make(c, "/k", 2, 1, 200, "text/html", "old", 3, 1, 60, NULL);
	cache_entry *neu = cache_make(c, "/k", 2, 1, 200, "text/html", "new", 3, 1, 60, NULL);
	/* The first reference is still readable after replacement. */
	assert_memory_equal(old->body, "old", 3);
	cache_release(old);
	cache_entry *got = cache_get(c, "/k", 2, 1);
	assert_memory_equal(got->body, "new", 3);
	cache_release(got);
	cache_release(neu);
	cache_free(c);
}

static void frontmatter_reads_fields_and_body(void **state)
{
	kb_arena a = {0};
	const char *src = "---\ntitle: भारत-इज़राइल रक्षा सहयोग\ntags: \"a, b\"\n# comment\n\n"
			  "dateline:  नई दिल्ली  \n---\n\nपहला पैरा\n";
	fm_doc d;
	int line;
	char err[128];
	assert_int_equal(fm_parse(&a, src, strlen(src), &d, &line, err, sizeof err), 0);
	assert_int_equal(d.nfields, 3);
	assert_string_equal(fm_get(&d, "title")->value, "भारत-इज़राइल रक्षा सहयोग");
	assert_string_equal(fm_get(&d, "tags")->value, "a, b");
	assert_string_equal(fm_get(&d, "dateline")->value, "नई दिल्ली");
	assert_int_equal(fm_get(&d, "dateline")->line, 6);
	assert_null(fm_get(&d, "summary"));
	assert_memory_equal(d.body, "\nपहला पैरा\n", d.body_len);
	kb_arena_free(&a);
}

static void frontmatter_errors_give_the_line(void **state)
{
	const struct {
		const char *src;
		int line;
		const char *msg;
	} cases[] = {
		{"title: x\n", 1, "expected \"---\""},
		{"---\ntitle: x\nbody\n", 3, "expected \"key: value\""},
		{"---\ntitle: x\n", 2, "never closed"},
		{"---\nTitle: x\n---\n", 2, "lower-case"},
		{"---\ntitle: a\ntitle: b\n---\n", 3, "twice"},
		{"---\n\t: x\n---\n", 2, "expected \"key: value\""},
		{"---\ntitle: ab\xff\n---\n", 2, "invalid UTF-8"},
		{"---\n\ntitle: \xe0\xa4\n---\n", 3, "invalid UTF-8"},
	};
	for (size_t i = 0; i < KB_COUNT(cases); i++) {
		kb_arena a = {0};
		fm_doc d;
		int line = 0;
		char err[160];
		if (fm_parse(&a, cases[i].src, strlen(cases[i].src), &d, &line, err, sizeof err) != -1)
			fail_msg("case %zu parsed", i);
		if (line != cases[i].line || !strstr(err, cases[i].msg))
			fail_msg("case %zu: expected line %d \"%s\", got line %d \"%s\"", i, cases[i].line,
				 cases[i].msg, line, err);
		kb_arena_free(&a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(router_matches_literals_and_params),
		cmocka_unit_test(the_plain_error_page_escapes_its_text),
		cmocka_unit_test(router_rejects_near_misses),
		cmocka_unit_test(router_head_is_get_and_other_methods_are_405),
		cmocka_unit_test(every_site_route_declares_a_known_method),
		cmocka_unit_test(cache_serves_fresh_and_drops_stale),
		cmocka_unit_test(cache_gzip_round_trips),
		cmocka_unit_test(cache_stays_within_its_budget),
		cmocka_unit_test(cache_entry_outlives_replacement),
		cmocka_unit_test(frontmatter_reads_fields_and_body),
		cmocka_unit_test(frontmatter_errors_give_the_line),
	};
	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
