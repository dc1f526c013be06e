/*
 * test_http.c: the route table and matcher, the page cache, the rate
 * limiter, and the article file parser (the parts of request handling that
 * need no socket).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include <zlib.h>

#include "cli/frontmatter.h"
#include "http/header.h"
#include "app/app.h"
#include "pages/pages.h"
#include "http/http.h"
#include "http/jobs.h"
#include "http/request.h"
#include "tempdb.h"
#include "http/proxy.h"
#include "render/cache.h"

static int h1(kb_req *r)
{
	return 1;
}
static int h2(kb_req *r)
{
	return 2;
}
static int h3(kb_req *r)
{
	return 3;
}

static const kb_route routes[] = {
	{"GET", "/", h1},
	{"GET", "/news/{slug}", h2, .flags = R_CACHE},
	{"POST", "/news/{slug}", h3, .flags = R_AUTH | R_CSRF, .role = ROLE_EDITOR},
	{"GET", "/a/{x}/b/{y}", h3},
	{"GET", "/{key}.txt", h2},
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
	/* A literal after a placeholder in its segment: the placeholder
	 * takes the rest. */
	rt = m("GET", "/abc-123.txt", &r, &allowed);
	assert_non_null(rt);
	assert_string_equal(r.param[0], "abc-123");
	rt = m("GET", "/a.txt.txt", &r, &allowed);
	assert_non_null(rt);
	assert_string_equal(r.param[0], "a.txt");
	kb_arena_free(&r.arena);
}

static void router_rejects_near_misses(void **state)
{
	kb_req r = {0};
	int allowed;
	const char *miss[] = {"/news",   "/news/", "/news/a/b", "/newsx/a",   "/a/1/b",  "//",
			      "/a//b/2", "/.txt",  "/abc.tx",   "/abc.txt/x", "/a/b.txt"};
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
	for (size_t i = 0; i < app_nroutes; i++) {
		const kb_route *rt = &app_routes[i];
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
	size_t gzlen = 0, again_len = 0;
	const char *gz = cache_gz(c, e, &gzlen);
	assert_non_null(gz);
	assert_true(gzlen < b.len / 4);
	/* Made once, then the same copy. */
	assert_ptr_equal(cache_gz(c, e, &again_len), gz);
	assert_int_equal(again_len, gzlen);
	char *out = malloc(b.len + 1);
	z_stream z = {0};
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (unsigned char *)gz;
	z.avail_in = (unsigned)gzlen;
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

	/* A stored entry has no gzip copy until one is asked for; then its
	 * bytes count in the budget. A short body or one that does not
	 * shrink has none. */
	cache_entry *s = cache_make(c, "/s", 2, 1, 200, "text/html", b.data, b.len, 1, 60, NULL);
	size_t before, after, n;
	cache_stats(c, &before, &n);
	assert_non_null(cache_gz(c, s, &gzlen));
	cache_stats(c, &after, &n);
	assert_int_equal(after, before + gzlen);
	cache_release(s);
	cache_entry *tiny = cache_make(c, "/t", 2, 1, 200, "text/html", "<p>छोटा</p>", strlen("<p>छोटा</p>"),
				       1, 60, NULL);
	assert_null(cache_gz(c, tiny, &gzlen));
	cache_release(tiny);
	unsigned char noise[4096];
	uint64_t x = 88172645463325252ULL;
	for (size_t i = 0; i < sizeof noise; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		noise[i] = (unsigned char)x;
	}
	cache_entry *rnd =
		cache_make(c, "/r", 2, 1, 200, "image/webp", (char *)noise, sizeof noise, 1, 60, NULL);
	assert_null(cache_gz(c, rnd, &gzlen));
	assert_null(cache_gz(c, rnd, &gzlen)); /* and known not to pay */
	cache_release(rnd);
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
		cache_release(
			cache_make(c, key, (size_t)n, 1, 200, "text/html", body, sizeof body, 1, 60, NULL));
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

static void header_values_refuse_control_bytes(void **state)
{
	const char *ok[] = {"/newsroom", "kb_session=ab; Path=/; HttpOnly", "a\tb", "इज़राइल", ""};
	for (size_t i = 0; i < KB_COUNT(ok); i++)
		if (!http_value_ok(ok[i], strlen(ok[i])))
			fail_msg("refused a good value \"%s\"", ok[i]);
	const char *bad[] = {"/x\r\nSet-Cookie: a=b", "/x\nb", "/x\rb", "a\x7f", "a\x01b", "\x1b[31m"};
	for (size_t i = 0; i < KB_COUNT(bad); i++)
		if (http_value_ok(bad[i], strlen(bad[i])))
			fail_msg("accepted value %zu with a control byte", i);
	assert_false(http_value_ok("a\0b", 3));
	assert_true(http_name_ok("set-cookie", 10));
	assert_false(http_name_ok("set cookie", 10));
	assert_false(http_name_ok("x:y", 3));
	assert_false(http_name_ok("", 0));
}

static void locations_stay_on_the_site(void **state)
{
	kb_arena a = {0};
	const char *origin = "https://news.example.com";
	struct {
		const char *target;
		int is_path;
		const char *want; /* NULL: refused */
	} cases[] = {
		{"/news/x", 0, "/news/x"},
		{"/tips/sent?ref=AB12", 0, "/tips/sent?ref=AB12"},
		{"/tips/sent?ref=AB12", 1, "/tips/sent%3Fref=AB12"},
		{"/newsroom\r\nSet-Cookie: kb_session=evil", 0,
		 "/newsroom%0D%0ASet-Cookie:%20kb_session=evil"},
		{"/news/इज़राइल", 1, "/news/%E0%A4%87%E0%A4%9C%E0%A4%BC%E0%A4%B0%E0%A4%BE%E0%A4%87%E0%A4%B2"},
		{"/50%", 1, "/50%25"},
		{"/a\\b", 0, "/a%5Cb"},
		{"/\t/evil.example", 0, "/%09/evil.example"},
		{"https://news.example.com/news/x", 0, "/news/x"},
		{"https://NEWS.example.com", 0, "/"},
		{"https://news.example.com?x=1", 0, "/?x=1"},
		{"//evil.example", 1, NULL},
		{"//evil.example", 0, NULL},
		{"/\\evil.example", 0, NULL},
		{"https://evil.example/", 0, NULL},
		{"https://news.example.com.evil.example/", 0, NULL},
		{"https://news.example.com@evil.example/", 0, NULL},
		{"javascript:alert(1)", 0, NULL},
		{"evil.example", 0, NULL},
		{"", 0, NULL},
	};
	for (size_t i = 0; i < KB_COUNT(cases); i++) {
		const char *got = http_location(&a, cases[i].target, origin, cases[i].is_path);
		if (!cases[i].want && got)
			fail_msg("case %zu: expected a refusal, got \"%s\"", i, got);
		if (cases[i].want && (!got || strcmp(got, cases[i].want)))
			fail_msg("case %zu: expected \"%s\", got \"%s\"", i, cases[i].want,
				 got ? got : "(refused)");
	}
	/* Without an origin an absolute URL is never followed. */
	assert_null(http_location(&a, "https://news.example.com/x", "", 0));
	assert_null(http_location(&a, "https://news.example.com/x", NULL, 0));
	kb_arena_free(&a);
}

static void reason_phrases_name_every_status(void **state)
{
	assert_string_equal(http_reason(401), "Unauthorized");
	assert_string_equal(http_reason(413), "Content Too Large");
	assert_string_equal(http_reason(500), "Internal Server Error");
	/* No redirect or error is ever sent as "OK"; unknown codes get their
	 * class's phrase. */
	for (int s = 300; s < 600; s++)
		if (!strcmp(http_reason(s), "OK"))
			fail_msg("status %d has the reason phrase OK", s);
	assert_string_equal(http_reason(499), "Bad Request");
	assert_string_equal(http_reason(299), "OK");
}

static void cookies_refuse_what_would_split_them(void **state)
{
	kb_buf b = {0};
	assert_int_equal(http_cookie(&b, "kb_session", "abc123", "/newsroom", 0, 1), 0);
	assert_string_equal(b.data, "kb_session=abc123; Path=/newsroom; HttpOnly; SameSite=Lax; Secure");
	kb_buf_reset(&b);
	assert_int_equal(http_cookie(&b, "kb_session", NULL, "/newsroom", 0, 0), 0);
	assert_string_equal(b.data, "kb_session=; Path=/newsroom; HttpOnly; SameSite=Lax; Max-Age=0");
	kb_buf_reset(&b);
	const char *bad[] = {"a;Path=/", "a\r\nSet-Cookie: b=c", "a b", "a,b", "\"a\"", "इ"};
	for (size_t i = 0; i < KB_COUNT(bad); i++)
		if (!http_cookie(&b, "k", bad[i], "/", 0, 0))
			fail_msg("accepted cookie value %zu: \"%s\"", i, b.data);
	assert_int_equal(http_cookie(&b, "a=b", "v", "/", 0, 0), -1);
	assert_int_equal(http_cookie(&b, "k", "v", "/x; Domain=evil", 0, 0), -1);
	assert_int_equal(b.len, 0);
	kb_buf_free(&b);
}

/* ---- the background job runner (jobs.c) ---- */

static atomic_int job_steps, job_more;

static int counting_step(store *st)
{
	assert_non_null(st); /* every job has its own connection */
	/* job_more rounds in a row report work left: they run back to back.
	 * Read before the count moves, so a test that saw the count knows
	 * the round has read job_more. */
	int more = atomic_fetch_sub(&job_more, 1) > 0;
	atomic_fetch_add(&job_steps, 1);
	return more;
}

/* Waits (at most 10 s: a stuck runner fails, a slow machine does not)
 * until job_steps reaches n. */
static int steps_reach(int n)
{
	for (int i = 0; i < 1000 && atomic_load(&job_steps) < n; i++)
		usleep(10000);
	return atomic_load(&job_steps) >= n;
}

static int jobs_setup(void **state)
{
	*state = tempdb_open("jobs");
	return *state ? 0 : -1;
}

static void jobs_run_at_start_when_woken_and_while_they_have_work(void **state)
{
	/* A period far longer than the test: every step below comes from
	 * the start, a wake-up or work left, never from the clock. */
	static const server_job jobs[] = {{"count", counting_step, 600000}};
	atomic_store(&job_steps, 0);
	atomic_store(&job_more, 0);
	job_runner *jr = jobs_start(jobs, 1, tempdb_path);
	assert_non_null(jr);
	assert_true(steps_reach(1));
	jobs_wake(jr, "someone-else"); /* not this job: nothing runs */
	jobs_wake(jr, "count");
	assert_true(steps_reach(2));
	atomic_store(&job_more, 3); /* this round and three more */
	jobs_wake(jr, "count");
	assert_true(steps_reach(6));
	jobs_stop(jr);
	assert_int_equal(atomic_load(&job_steps), 6); /* no final step asked */
}

static void a_final_step_runs_after_the_stop(void **state)
{
	static const server_job jobs[] = {{"count", counting_step, 600000, .final_step = 1}};
	atomic_store(&job_steps, 0);
	atomic_store(&job_more, 0);
	job_runner *jr = jobs_start(jobs, 1, tempdb_path);
	assert_true(steps_reach(1));
	jobs_stop(jr);
	assert_int_equal(atomic_load(&job_steps), 2);
	jobs_wake(NULL, "count"); /* no server: ignored */
}

static void every_route_declares_its_inputs_once(void **state)
{
	size_t inputs = 0;
	for (size_t i = 0; i < app_nroutes; i++) {
		const kb_route *rt = &app_routes[i];
		for (size_t a = 0; a < KB_MAX_INPUTS && rt->query[a].name; a++, inputs++) {
			if (!*rt->query[a].name || strpbrk(rt->query[a].name, "&=?# "))
				fail_msg("%s %s: an input named \"%s\"", rt->method, rt->pattern,
					 rt->query[a].name);
			for (size_t b = 0; b < a; b++)
				if (!strcmp(rt->query[a].name, rt->query[b].name))
					fail_msg("%s %s declares %s twice", rt->method, rt->pattern,
						 rt->query[a].name);
		}
		for (const kb_input *f = rt->form; f && f->name; f++, inputs++) {
			if (strcmp(rt->method, "POST"))
				fail_msg("%s %s declares a form but takes none", rt->method, rt->pattern);
			for (const kb_input *g = rt->form; g < f; g++)
				if (!strcmp(f->name, g->name))
					fail_msg("%s %s declares the field %s twice", rt->method, rt->pattern,
						 f->name);
		}
		/* JSON errors only where JSON is answered. */
		if ((rt->flags & R_JSON) && strncmp(rt->pattern, "/api/", 5))
			fail_msg("%s %s answers JSON errors outside /api/", rt->method, rt->pattern);
	}
	assert_true(inputs > 30);
	assert_int_equal(input_flag("0"), 1);
	assert_int_equal(input_flag("1"), 1);
	assert_int_equal(input_flag("2"), 0);
	assert_int_equal(input_flag(""), 0);
	assert_int_equal(input_flag("10"), 0);
}

static int h_form(kb_req *r)
{
	return 200;
}

/* A handler's form reads: declared fields answer, an undeclared one is
 * counted as the bug it is (the test servers abort on it), repeated fields
 * come one after another, and input_id takes only short runs of digits. */
static void form_fields_are_read_as_declared(void **state)
{
	static const kb_input fields[] = {{"title"}, {"photo"}, {NULL}};
	static const kb_route rt = {"POST", "/x", h_form, .form = fields};
	kb_form_field f[] = {
		{.name = "title", .value = "शीर्षक", .len = 18},
		{.name = "photo", .value = "a", .len = 1, .filename = "a.jpg", .type = ""},
		{.name = "other", .value = "x", .len = 1},
		{.name = "photo", .value = "b", .len = 1, .filename = "b.jpg", .type = ""},
	};
	kb_req r = {.method = "POST", .route = &rt, .form = {f, KB_COUNT(f)}};
	unsigned before = req_undeclared_reads();
	assert_string_equal(req_form(&r, "title"), "शीर्षक");
	assert_null(req_form(&r, "photo")); /* a file is no text */
	size_t i = 0;
	const kb_form_field *p = req_field_next(&r, "photo", &i);
	assert_non_null(p);
	assert_string_equal(p->filename, "a.jpg");
	p = req_field_next(&r, "photo", &i);
	assert_non_null(p);
	assert_string_equal(p->filename, "b.jpg");
	assert_null(req_field_next(&r, "photo", &i));
	assert_int_equal(req_undeclared_reads(), before);
	/* Sent but not declared: the value is there, the read is a bug. */
	assert_string_equal(req_form(&r, "other"), "x");
	assert_int_equal(req_undeclared_reads(), before + 1);
	assert_null(req_field(&r, "nothing"));
	assert_int_equal(req_undeclared_reads(), before + 2);

	assert_int_equal(input_id(""), 1);
	assert_int_equal(input_id("0"), 1);
	assert_int_equal(input_id("123456789012345678"), 1);
	assert_int_equal(input_id("1234567890123456789"), 0);
	assert_int_equal(input_id("-1"), 0);
	assert_int_equal(input_id("1e3"), 0);
	assert_int_equal(input_id("12 "), 0);
}

/* The hash under cache keys, ETags and fingerprinted file names is FNV-1a
 * (64 bits): its published values. */
static void the_hash_is_fnv1a(void **state)
{
	assert_true(kb_hash64("", 0) == 0xcbf29ce484222325ULL);
	assert_true(kb_hash64("a", 1) == 0xaf63dc4c8601ec8cULL);
	assert_true(kb_hash64("foobar", 6) == 0x85944171f73967e8ULL);
}

/* Networks: IPv4 and IPv6 prefixes, an address alone, and the typing
 * mistakes refused; containment at the prefix's edges. */
static void trusted_networks_parse_and_contain(void **state)
{
	kb_net n;
	unsigned char a[16];
	assert_int_equal(net_parse("10.0.0.0/8", &n), 0);
	assert_int_equal(addr_parse("10.255.1.2", 10, a), 0);
	assert_true(net_contains(&n, a));
	assert_int_equal(addr_parse("11.0.0.1", 8, a), 0);
	assert_false(net_contains(&n, a));
	/* IPv4 networks never hold IPv6 addresses that merely share bytes. */
	assert_int_equal(addr_parse("::a00:1", 7, a), 0);
	assert_false(net_contains(&n, a));
	assert_int_equal(net_parse("192.168.1.5", &n), 0);
	assert_int_equal(addr_parse(" 192.168.1.5 ", 13, a), 0);
	assert_true(net_contains(&n, a));
	assert_int_equal(addr_parse("192.168.1.6", 11, a), 0);
	assert_false(net_contains(&n, a));
	assert_int_equal(net_parse("172.16.0.0/12", &n), 0);
	assert_int_equal(addr_parse("172.31.255.255", 14, a), 0);
	assert_true(net_contains(&n, a));
	assert_int_equal(addr_parse("172.32.0.0", 10, a), 0);
	assert_false(net_contains(&n, a));
	assert_int_equal(net_parse("fd00::/8", &n), 0);
	assert_int_equal(addr_parse("[fdab::1]", 9, a), 0);
	assert_true(net_contains(&n, a));
	assert_int_equal(addr_parse("fe00::1", 7, a), 0);
	assert_false(net_contains(&n, a));
	assert_int_equal(net_parse("0.0.0.0/0", &n), 0);
	assert_int_equal(addr_parse("8.8.8.8", 7, a), 0);
	assert_true(net_contains(&n, a));
	const char *bad[] = {"",         "10.0.0.1/8",  "10.0.0.0/33", "10.0.0.0/",
			     "10.0.0/8", "::1/129",     "10.0.0.0/-1", "10.0.0.0/8x",
			     "[::1]",    "example.com", "10.0.0.0/+8"};
	for (size_t i = 0; i < KB_COUNT(bad); i++)
		assert_int_equal(net_parse(bad[i], &n), -1);
	assert_int_equal(addr_parse("1.2.3", 5, a), -1);
	assert_int_equal(addr_parse("", 0, a), -1);
}

static void text_of(const unsigned char a[16], char *out)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (!memcmp(a, mapped, 12))
		sprintf(out, "%d.%d.%d.%d", a[12], a[13], a[14], a[15]);
	else
		strcpy(out, "v6");
}

/* The reader behind proxies: the rightmost address that is not a trusted
 * proxy; an untrusted peer's header is never read; garbage ends the walk. */
static void the_reader_behind_trusted_proxies(void **state)
{
	const char *nets[] = {"127.0.0.0/8", "10.0.0.0/8"};
	const char *bad = NULL;
	assert_int_equal(proxy_trust(nets, 2, &bad), 0);
	unsigned char varnish[16], stranger[16], out[16];
	char t[64];
	assert_int_equal(addr_parse("127.0.0.1", 9, varnish), 0);
	assert_int_equal(addr_parse("203.0.113.9", 11, stranger), 0);
	struct {
		const unsigned char *peer;
		const char *xff, *want;
	} cases[] = {
		{varnish, NULL, "127.0.0.1"},
		{varnish, "198.51.100.7", "198.51.100.7"},
		/* A reader who forges the head of the list gets it ignored. */
		{varnish, "6.6.6.6, 198.51.100.7", "198.51.100.7"},
		/* A CDN, then a trusted load balancer. */
		{varnish, "198.51.100.7, 10.1.2.3", "198.51.100.7"},
		{varnish, "10.9.9.9, 10.1.2.3", "10.9.9.9"},
		{varnish, "junk, 198.51.100.7", "198.51.100.7"},
		{varnish, "198.51.100.7, junk", "127.0.0.1"},
		{varnish, "", "127.0.0.1"},
		{varnish, "[2001:db8::1]", "v6"},
		/* Not a trusted peer: its header is only text. */
		{stranger, "198.51.100.7", "203.0.113.9"},
	};
	for (size_t i = 0; i < KB_COUNT(cases); i++) {
		proxy_client(cases[i].peer, cases[i].xff, out);
		text_of(out, t);
		assert_string_equal(t, cases[i].want);
	}
	const char *wrong[] = {"127.0.0.0/8", "10.0.0.1/8"};
	assert_int_equal(proxy_trust(wrong, 2, &bad), -1);
	assert_string_equal(bad, "10.0.0.1/8");
	/* A failed call trusts nobody. */
	proxy_client(varnish, "198.51.100.7", out);
	text_of(out, t);
	assert_string_equal(t, "127.0.0.1");
	assert_int_equal(proxy_trust(NULL, 0, &bad), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(router_matches_literals_and_params),
		cmocka_unit_test(every_route_declares_its_inputs_once),
		cmocka_unit_test(form_fields_are_read_as_declared),
		cmocka_unit_test(the_hash_is_fnv1a),
		cmocka_unit_test_setup_teardown(jobs_run_at_start_when_woken_and_while_they_have_work,
						jobs_setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(a_final_step_runs_after_the_stop, jobs_setup,
						tempdb_teardown),
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
		cmocka_unit_test(header_values_refuse_control_bytes),
		cmocka_unit_test(locations_stay_on_the_site),
		cmocka_unit_test(reason_phrases_name_every_status),
		cmocka_unit_test(cookies_refuse_what_would_split_them),
		cmocka_unit_test(trusted_networks_parse_and_contain),
		cmocka_unit_test(the_reader_behind_trusted_proxies),
	};
	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
