/*
 * test_purge.c: edge caching without a network: the keys and
 * Cache-Control a response gets (src/http/edge.c), the checks of the edge
 * settings, and the purge queue's batching, collapsing and backoff
 * (src/app/purge.c); instant indexing's queues of URLs, URLs and bodies
 * (src/app/indexing.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "app/indexing.h"
#include "app/purge.h"
#include "http/edge.h"

static void keys_name_the_deps_or_text_and_always_any(void **state)
{
	kb_arena a = {0};
	const char *deps[] = {"a:12", "c:3", "t:5", "c:3"};
	assert_string_equal(edge_keys(&a, NULL, deps, 4), "any a:12 c:3 t:5");
	/* No tags: it depends on every change, as in the page cache. */
	assert_string_equal(edge_keys(&a, "feed", NULL, 0), "any text feed");
	assert_string_equal(edge_keys(&a, "api search", NULL, 0), "any text api search");
	const char *list[] = {"list"};
	assert_string_equal(edge_keys(&a, NULL, list, 1), "any list");
	assert_string_equal(edge_cache_tag(&a, "any a:12 c:3"), "any,a:12,c:3");
	kb_arena_free(&a);
}

static void cache_control_is_public_with_edge_time_or_private(void **state)
{
	char cc[160];
	edge_cache_control(cc, sizeof cc, 60, 200);
	assert_string_equal(
		cc, "public, max-age=60, s-maxage=600, stale-while-revalidate=60, stale-if-error=86400");
	edge_cache_control(cc, sizeof cc, 300, 200);
	assert_string_equal(
		cc, "public, max-age=300, s-maxage=3000, stale-while-revalidate=60, stale-if-error=86400");
	edge_cache_control(cc, sizeof cc, -1, 200);
	assert_string_equal(cc, "private, no-store");
	edge_cache_control(cc, sizeof cc, 31536000, 200);
	assert_string_equal(cc, "public, max-age=31536000, immutable");
	edge_cache_control(cc, sizeof cc, 10, 404);
	assert_string_equal(cc, "public, max-age=10");
	assert_int_equal(edge_s_maxage(2), 2);
	assert_int_equal(edge_s_maxage(30), 600);
	assert_int_equal(edge_s_maxage(3600), 36000);
	assert_int_equal(edge_s_maxage(86400), 86400);
}

static void edge_urls_are_http_without_credentials(void **state)
{
	const char *good[] = {"http://127.0.0.1:6081", "https://cdn.example.com/purge?zone=9",
			      "http://[::1]:6081/", "http://varnish"};
	const char *bad[] = {"",
			     "ftp://x",
			     "http://",
			     "http://user:pw@host/",
			     "http://host:0",
			     "http://host:70000",
			     "http://ho st",
			     "http://host/a b",
			     "http://host/#x",
			     "javascript:alert(1)",
			     "http://host:80x",
			     "http://[::1"};
	for (size_t i = 0; i < KB_COUNT(good); i++)
		if (!edge_url_ok(good[i]))
			fail_msg("%s refused", good[i]);
	for (size_t i = 0; i < KB_COUNT(bad); i++)
		if (edge_url_ok(bad[i]))
			fail_msg("%s accepted", bad[i]);
	const edge_setting *list = edge_setting_find("edge_purge");
	assert_non_null(list);
	assert_true(list->valid(""));
	assert_true(list->valid("http://127.0.0.1:6081, http://127.0.0.1:6082"));
	assert_false(list->valid("http://127.0.0.1:6081, nonsense"));
	const edge_setting *hdr = edge_setting_find("edge_purge_header");
	assert_true(hdr->valid("Fastly-Key"));
	assert_false(hdr->valid("Bad Header"));
	const edge_setting *tok = edge_setting_find("edge_purge_token");
	assert_true(tok->secret);
	assert_false(tok->valid("a\r\nX-Evil: 1"));
	assert_null(edge_setting_find("edge_nothing"));

	kb_arena a = {0};
	const char *items[3];
	assert_int_equal(edge_url_list(&a, " http://a:1 ,,http://b:2 ", items, 3), 2);
	assert_string_equal(items[0], "http://a:1");
	assert_string_equal(items[1], "http://b:2");
	assert_int_equal(edge_url_list(&a, "http://a,http://b,http://c,http://d", items, 3), -1);
	kb_arena_free(&a);
}

static void a_queue_keeps_each_key_once_in_order(void **state)
{
	purge_queue q = {0};
	kb_arena a = {0};
	assert_true(purge_queue_empty(&q));
	const char *k1[] = {"a:1", "text", "list"}, *k2[] = {"list", "c:4", "a:1"};
	purge_queue_add(&q, k1, 3);
	purge_queue_add(&q, k2, 3);
	assert_string_equal(purge_queue_keys(&a, &q), "a:1 text list c:4");
	assert_string_equal(purge_queue_json(&a, &q), "{\"tags\":[\"a:1\",\"text\",\"list\",\"c:4\"]}");
	assert_true(purge_queue_due(&q, 0));
	purge_queue merged = {0};
	purge_queue_merge(&merged, &q);
	assert_string_equal(purge_queue_keys(&a, &merged), "a:1 text list c:4");
	purge_queue_free(&merged);
	assert_int_equal(purge_queue_sent(&q), 0);
	assert_true(purge_queue_empty(&q));
	kb_arena_free(&a);
}

static void too_many_keys_or_a_change_to_everything_purge_any(void **state)
{
	purge_queue q = {0};
	kb_arena a = {0};
	char name[16];
	for (int i = 0; i < PURGE_MAX_KEYS; i++) {
		snprintf(name, sizeof name, "a:%d", i);
		const char *k = name;
		purge_queue_add(&q, &k, 1);
	}
	assert_int_equal(q.n, PURGE_MAX_KEYS);
	assert_false(q.all);
	const char *one_more = "a:x";
	purge_queue_add(&q, &one_more, 1);
	assert_true(q.all);
	assert_int_equal(q.n, 0);
	assert_string_equal(purge_queue_keys(&a, &q), "any");
	assert_string_equal(purge_queue_json(&a, &q), "{\"tags\":[\"any\"]}");
	/* Once "any", more keys change nothing. */
	purge_queue_add(&q, &one_more, 1);
	assert_string_equal(purge_queue_keys(&a, &q), "any");
	purge_queue_free(&q);

	purge_queue_add(&q, NULL, 0);
	assert_true(q.all);
	purge_queue_free(&q);
	const char *any[] = {"a:1", "any"};
	purge_queue_add(&q, any, 2);
	assert_string_equal(purge_queue_keys(&a, &q), "any");
	purge_queue_free(&q);
	kb_arena_free(&a);
}

static void backoff_doubles_from_half_a_second_to_a_minute(void **state)
{
	const int64_t want[] = {500, 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000};
	for (int i = 0; i < (int)KB_COUNT(want); i++)
		if (purge_backoff_ms(i + 1) != want[i])
			fail_msg("failure %d: expected %lld ms, got %lld", i + 1, (long long)want[i],
				 (long long)purge_backoff_ms(i + 1));
	assert_int_equal(purge_backoff_ms(1000), 60000);
}

static void failures_back_off_then_collapse_to_any_once(void **state)
{
	purge_queue q = {0};
	kb_arena a = {0};
	const char *k[] = {"a:7", "text"};
	purge_queue_add(&q, k, 2);
	int64_t now = 1000000;
	for (int i = 1; i < PURGE_GIVE_UP; i++) {
		assert_int_equal(purge_queue_failed(&q, now), 0);
		assert_int_equal(q.due_ms, now + purge_backoff_ms(i));
		assert_false(purge_queue_due(&q, now + purge_backoff_ms(i) - 1));
		assert_true(purge_queue_due(&q, now + purge_backoff_ms(i)));
		/* What comes meanwhile waits with the rest. */
		const char *more = "c:2";
		purge_queue_add(&q, &more, 1);
		assert_string_equal(purge_queue_keys(&a, &q), "a:7 text c:2");
	}
	/* The PURGE_GIVE_UP'th failure is reported, once, and the queue is
	 * "any" from then on. */
	assert_int_equal(purge_queue_failed(&q, now), 1);
	assert_string_equal(purge_queue_keys(&a, &q), "any");
	assert_int_equal(purge_queue_failed(&q, now), 0);
	assert_int_equal(q.due_ms, now + purge_backoff_ms(PURGE_GIVE_UP + 1));
	/* A success ends the run of failures and says how long it was. */
	assert_int_equal(purge_queue_sent(&q), PURGE_GIVE_UP + 1);
	assert_true(purge_queue_empty(&q));
	assert_int_equal(q.fails, 0);
	assert_int_equal(q.due_ms, 0);
	kb_arena_free(&a);
}

/* IndexNow's and the hub's queues: each URL once, in order, never "any";
 * full at PURGE_MAX_URLS; a give-up keeps the URLs to send later. */
static void a_url_queue_dedups_never_becomes_any_and_keeps_its_urls(void **state)
{
	kb_arena a = {0};
	purge_queue q = {.urls = 1};
	const char *u[] = {"https://x.in/news/a", "https://x.in/news/b", "https://x.in/news/a"};
	purge_queue_add(&q, u, 3);
	purge_queue_add(&q, NULL, 0); /* a change to everything names no story */
	const char *any = EDGE_ANY;
	purge_queue_add(&q, &any, 1);
	assert_false(q.all);
	assert_int_equal(q.n, 2);
	assert_string_equal(indexing_indexnow_json(&a, "x.in", "k3y-0123", "https://x.in/k3y-0123.txt", &q),
			    "{\"host\":\"x.in\",\"key\":\"k3y-0123\",\"keyLocation\":"
			    "\"https://x.in/k3y-0123.txt\",\"urlList\":[\"https://x.in/news/a\","
			    "\"https://x.in/news/b\"]}");
	for (int i = 1; i < PURGE_GIVE_UP; i++)
		assert_int_equal(purge_queue_failed(&q, 0), 0);
	assert_int_equal(purge_queue_failed(&q, 0), 1);
	assert_false(q.all);
	assert_int_equal(q.n, 2);
	assert_int_equal(purge_queue_sent(&q), PURGE_GIVE_UP);
	assert_true(purge_queue_empty(&q));
	assert_true(q.urls); /* still a queue of URLs once empty */
	for (int i = 0; i < PURGE_MAX_URLS + 10; i++) {
		const char *one = kb_arena_printf(&a, "https://x.in/news/%d", i);
		purge_queue_add(&q, &one, 1);
	}
	assert_int_equal(q.n, PURGE_MAX_URLS);
	assert_false(q.all);
	purge_queue_free(&q);
	kb_arena_free(&a);
}

static void indexing_builds_absolute_urls_hosts_and_pings(void **state)
{
	kb_arena a = {0};
	assert_string_equal(indexing_abs_url(&a, "https://khabar.example.in/", "/news/x"),
			    "https://khabar.example.in/news/x");
	assert_string_equal(indexing_abs_url(&a, "http://127.0.0.1:8080", "/feed"),
			    "http://127.0.0.1:8080/feed");
	assert_string_equal(indexing_host(&a, "https://khabar.example.in/"), "khabar.example.in");
	assert_string_equal(indexing_host(&a, "http://127.0.0.1:8080"), "127.0.0.1:8080");
	assert_string_equal(indexing_host(&a, "ftp://x"), "");
	assert_int_equal(indexing_tag_id("a:12", "a:"), 12);
	assert_int_equal(indexing_tag_id("c:3", "a:"), 0);
	assert_int_equal(indexing_tag_id("a:", "a:"), 0);
	assert_int_equal(indexing_tag_id("a:1x", "a:"), 0);
	purge_queue q = {.urls = 1};
	const char *u[] = {"https://x.in/feed", "https://x.in/category/khel/feed?x=1&y"};
	purge_queue_add(&q, u, 2);
	assert_string_equal(indexing_websub_form(&a, &q),
			    "hub.mode=publish&hub.url=https%3A%2F%2Fx.in%2Ffeed"
			    "&hub.url=https%3A%2F%2Fx.in%2Fcategory%2Fkhel%2Ffeed%3Fx%3D1%26y");
	purge_queue_free(&q);
	/* Keys: made at random, and the check of the setting. */
	const char *k1 = indexing_new_key(&a), *k2 = indexing_new_key(&a);
	assert_int_equal(strlen(k1), 32);
	assert_string_not_equal(k1, k2);
	assert_true(edge_key_ok(k1));
	assert_true(edge_key_ok("abcd-123"));
	assert_false(edge_key_ok("abc-123"));      /* 7: too short */
	assert_false(edge_key_ok("abcd_1234"));    /* '_' is not allowed */
	assert_false(edge_key_ok("abcd/../1234")); /* nor a path */
	char long_key[130];
	memset(long_key, 'k', 129);
	long_key[129] = 0;
	assert_false(edge_key_ok(long_key));
	long_key[128] = 0;
	assert_true(edge_key_ok(long_key));
	const edge_setting *e = edge_setting_find("indexnow_key");
	assert_non_null(e);
	assert_true(e->valid(""));
	assert_false(e->valid("short"));
	assert_true(edge_setting_find("indexnow_endpoints")
			    ->valid("https://api.indexnow.org/indexnow, http://127.0.0.1:9/x"));
	assert_false(edge_setting_find("websub_hub")->valid("ftp://hub"));
	kb_arena_free(&a);
}

/* The route table's side of it: a kind among the edge keys only on a
 * reader's GET, never on the newsroom's routes, and the health check
 * private and out of the page cache. */
static void only_public_gets_name_an_edge_kind(void **state)
{
	int health = 0;
	for (size_t i = 0; i < app_nroutes; i++) {
		const kb_route *rt = &app_routes[i];
		if (rt->edge && (strcmp(rt->method, "GET") || rt->max_age < 0 ||
				 (rt->flags & (R_NEWSROOM | R_AUTH | R_CSRF))))
			fail_msg("%s %s names the edge kind %s but is not a public GET", rt->method,
				 rt->pattern, rt->edge);
		if (!strcmp(rt->pattern, "/healthz")) {
			health = 1;
			assert_int_equal(rt->max_age, -1);
			assert_false(rt->flags & R_CACHE);
		}
	}
	assert_true(health);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keys_name_the_deps_or_text_and_always_any),
		cmocka_unit_test(cache_control_is_public_with_edge_time_or_private),
		cmocka_unit_test(edge_urls_are_http_without_credentials),
		cmocka_unit_test(a_queue_keeps_each_key_once_in_order),
		cmocka_unit_test(too_many_keys_or_a_change_to_everything_purge_any),
		cmocka_unit_test(backoff_doubles_from_half_a_second_to_a_minute),
		cmocka_unit_test(failures_back_off_then_collapse_to_any_once),
		cmocka_unit_test(a_url_queue_dedups_never_becomes_any_and_keeps_its_urls),
		cmocka_unit_test(indexing_builds_absolute_urls_hosts_and_pings),
		cmocka_unit_test(only_public_gets_name_an_edge_kind),
	};
	return cmocka_run_group_tests_name("purge", tests, NULL, NULL);
}
