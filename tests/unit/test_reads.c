/*
 * test_reads.c: the most-read lists. The tally in memory (reads.h): a
 * reader's repeat reads within the window counted once, again after it;
 * totals merged per story and hour whatever shard they sat in; a batch
 * given back after a failed write; the reader's hash changing with the
 * day and the story; the bots left out. And the store (reads_store.h) on
 * either backend (make unit-pg runs it on PostgreSQL): batches adding
 * up, stories not published left out, the lists per period and scope in
 * order, a refresh that finds the same lists writing and logging
 * nothing, old buckets pruned, and the totals editors see.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "db/reads_store.h"
#include "pages/reads.h"
#include "tempdb.h"

#define NOW 1764763200 /* an hour's start */

static void a_reload_in_the_window_counts_once(void **state)
{
	reads_tally *t = reads_tally_new(1800);
	assert_int_equal(reads_tally_note(t, 42, 7, NOW), 1);
	assert_int_equal(reads_tally_note(t, 42, 7, NOW + 60), 0);
	assert_int_equal(reads_tally_note(t, 42, 7, NOW + 1799), 0);
	/* Another reader, another story: counted. */
	assert_int_equal(reads_tally_note(t, 43, 7, NOW + 60), 1);
	/* Past the window (from the first read) the reader counts again. */
	assert_int_equal(reads_tally_note(t, 42, 7, NOW + 1800), 1);
	size_t n, lost;
	kb_read_count *v = reads_tally_take(t, &n, &lost);
	assert_int_equal(n, 1);
	assert_int_equal(lost, 0);
	assert_int_equal(v[0].article_id, 7);
	assert_int_equal(v[0].hour, NOW / 3600);
	assert_int_equal(v[0].n, 3);
	free(v);
	/* Taken: empty, and the readers are still remembered. */
	assert_null(reads_tally_take(t, &n, &lost));
	assert_int_equal(n, 0);
	assert_int_equal(reads_tally_note(t, 43, 7, NOW + 120), 0);
	reads_tally_free(t);
}

static void totals_are_merged_per_story_and_hour(void **state)
{
	reads_tally *t = reads_tally_new(1800);
	/* Readers 1..100 fall in every shard. */
	for (uint64_t r = 1; r <= 100; r++) {
		assert_int_equal(reads_tally_note(t, r * 7919, 5, NOW + 10), 1);
		assert_int_equal(reads_tally_note(t, r * 7919, 3, NOW + 3600), 1);
	}
	reads_tally_add(t, 5, NOW / 3600, 11); /* a batch given back */
	size_t n, lost;
	kb_read_count *v = reads_tally_take(t, &n, &lost);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].article_id, 3);
	assert_int_equal(v[0].hour, NOW / 3600 + 1);
	assert_int_equal(v[0].n, 100);
	assert_int_equal(v[1].article_id, 5);
	assert_int_equal(v[1].n, 111);
	free(v);
	reads_tally_free(t);
}

static void the_reader_hash_changes_with_day_story_and_agent(void **state)
{
	unsigned char secret[32] = {1, 2, 3}, other[32] = {9};
	uint64_t h = reads_reader(secret, 100, "10.0.0.1", "Mozilla/5.0", 7);
	assert_true(h != 0);
	assert_true(h == reads_reader(secret, 100, "10.0.0.1", "Mozilla/5.0", 7));
	assert_true(h != reads_reader(secret, 101, "10.0.0.1", "Mozilla/5.0", 7));
	assert_true(h != reads_reader(secret, 100, "10.0.0.1", "Mozilla/5.0", 8));
	assert_true(h != reads_reader(secret, 100, "10.0.0.2", "Mozilla/5.0", 7));
	assert_true(h != reads_reader(secret, 100, "10.0.0.1", "Mozilla/5.1", 7));
	assert_true(h != reads_reader(other, 100, "10.0.0.1", "Mozilla/5.0", 7));
	assert_true(reads_reader(secret, 100, NULL, NULL, 7) != 0);
}

static void bots_and_tools_are_not_readers(void **state)
{
	static const char *const bots[] = {
		NULL,
		"",
		"curl/7.88.1",
		"Wget/1.21",
		"python-requests/2.31",
		"Go-http-client/1.1",
		"node",
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
		"Mozilla/5.0 (compatible; YandexBot/3.0)",
		"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.0)",
		"Mozilla/5.0 (compatible; SemrushCrawler)",
		"Mozilla/5.0 (compatible; Baiduspider/2.0)",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36",
		"Mozilla/5.0 (Linux; Android 11; moto g power) Chrome-Lighthouse",
		"facebookexternalhit/1.1",
		"Mozilla/5.0 (compatible; facebookexternalhit/1.1)",
	};
	for (size_t i = 0; i < sizeof bots / sizeof bots[0]; i++)
		if (!reads_is_bot(bots[i]))
			fail_msg("expected a bot: %s", bots[i] ? bots[i] : "(none)");
	static const char *const readers[] = {
		"Mozilla/5.0 (Linux; Android 13; SM-A146B) AppleWebKit/537.36 (KHTML, like Gecko) "
		"Chrome/120.0.0.0 Mobile Safari/537.36",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
		"Version/17.1 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
		"Mozilla/5.0 (Linux; U; Android 10; en-US; RMX1971) AppleWebKit/537.36 (KHTML, like Gecko) "
		"Version/4.0 Chrome/78.0 UCBrowser/13.4 Mobile Safari/537.36",
	};
	for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++)
		if (reads_is_bot(readers[i]))
			fail_msg("expected a reader: %s", readers[i]);
}

/* ---- the store ---- */

static int setup(void **state)
{
	store *st = tempdb_open("reads");
	if (!st)
		return -1;
	*state = st;
	return 0;
}

static int64_t story(store *st, const char *title, const char *category, const char *status)
{
	kb_article_input in = {
		.title = title, .summary = "", .body = "पाठ", .status = status, .category_slug = category};
	int64_t id;
	assert_int_equal(store_article_add(st, &in, &id), STORE_OK);
	return id;
}

/* How many changes the log holds after seq naming tag. */
static int logged(store *st, int64_t seq, const char *tag)
{
	kb_arena a = {0};
	const char **tags;
	int64_t *seqs, first;
	size_t n;
	assert_int_equal(store_changes_since(st, &a, seq, 1000, &tags, &seqs, &n, &first), STORE_OK);
	int found = 0;
	for (size_t i = 0; i < n; i++)
		found += !strcmp(tags[i], tag);
	kb_arena_free(&a);
	return found;
}

static void lists_follow_the_counts_and_change_only_when_they_differ(void **state)
{
	store *st = *state;
	kb_arena a = {0};
	assert_int_equal(store_category_add(st, "देश", "desh", 1), STORE_OK);
	assert_int_equal(store_category_add(st, "खेल", "khel", 2), STORE_OK);
	kb_category desh, khel;
	assert_int_equal(store_category_by_slug(st, &a, "desh", &desh), STORE_OK);
	assert_int_equal(store_category_by_slug(st, &a, "khel", &khel), STORE_OK);
	int64_t x = story(st, "एक", "desh", "published"), y = story(st, "दो", "desh", "published");
	int64_t z = story(st, "तीन", "khel", "published"), d = story(st, "मसौदा", "khel", "draft");
	int64_t h = NOW / 3600;
	/* Two servers' batches on the same buckets add up; the draft and a
	 * story that does not exist add nothing. */
	kb_read_count b1[] = {{x, h, 3}, {y, h, 5}, {d, h, 50}, {999999, h, 9}};
	kb_read_count b2[] = {{x, h, 4}, {z, h - 30, 20}, {y, h - 100, 100}};
	size_t kept;
	assert_int_equal(reads_store_add(st, b1, 4, &kept), STORE_OK);
	assert_int_equal(kept, 2);
	assert_int_equal(reads_store_add(st, b2, 3, &kept), STORE_OK);
	assert_int_equal(kept, 3);

	int64_t mark;
	assert_int_equal(store_changes_last(st, &mark), STORE_OK);
	int changed;
	assert_int_equal(reads_store_refresh(st, h, &changed), STORE_OK);
	assert_int_equal(changed, 3); /* the site, देश and खेल */
	assert_int_equal(logged(st, mark, "mr:0"), 1);
	char tag[32];
	snprintf(tag, sizeof tag, "mr:%lld", (long long)desh.id);
	assert_int_equal(logged(st, mark, tag), 1);

	kb_mostread m;
	assert_int_equal(reads_store_lists(st, &a, 0, &m), STORE_OK);
	/* The hour: x 7, y 5. The day adds z (20, 30 hours ago: no). The
	 * week: y 105, z 20, x 7. */
	assert_int_equal(m.n[READS_HOUR], 2);
	assert_int_equal(m.v[READS_HOUR][0].id, x);
	assert_int_equal(m.v[READS_HOUR][1].id, y);
	assert_int_equal(m.n[READS_DAY], 2);
	assert_int_equal(m.n[READS_WEEK], 3);
	assert_int_equal(m.v[READS_WEEK][0].id, y);
	assert_int_equal(m.v[READS_WEEK][1].id, z);
	assert_int_equal(m.v[READS_WEEK][2].id, x);
	assert_string_equal(m.v[READS_WEEK][1].title, "तीन");
	assert_int_equal(reads_store_lists(st, &a, khel.id, &m), STORE_OK);
	assert_int_equal(m.n[READS_HOUR], 0);
	assert_int_equal(m.n[READS_WEEK], 1);
	assert_int_equal(m.v[READS_WEEK][0].id, z);

	/* More reads that leave the order as it was: nothing written. */
	kb_read_count b3[] = {{x, h, 10}, {y, h, 10}};
	assert_int_equal(reads_store_add(st, b3, 2, &kept), STORE_OK);
	assert_int_equal(store_changes_last(st, &mark), STORE_OK);
	assert_int_equal(reads_store_refresh(st, h, &changed), STORE_OK);
	assert_int_equal(changed, 0);
	assert_int_equal(logged(st, mark, "mr:0"), 0);
	/* An order that changes: that scope alone. */
	kb_read_count b4[] = {{y, h, 30}};
	assert_int_equal(reads_store_add(st, b4, 1, &kept), STORE_OK);
	assert_int_equal(reads_store_refresh(st, h, &changed), STORE_OK);
	assert_int_equal(changed, 2); /* the site and देश */
	assert_int_equal(reads_store_lists(st, &a, desh.id, &m), STORE_OK);
	assert_int_equal(m.v[READS_HOUR][0].id, y);

	/* The editors' totals: all kept and the last 24 hours. */
	int64_t ids[] = {x, y, z, d};
	kb_read_totals t[4];
	assert_int_equal(reads_store_totals(st, ids, 4, h - 23, t), STORE_OK);
	assert_int_equal(t[0].total, 17);
	assert_int_equal(t[0].recent, 17);
	assert_int_equal(t[1].total, 145);
	assert_int_equal(t[1].recent, 45);
	assert_int_equal(t[2].total, 20);
	assert_int_equal(t[2].recent, 0);
	assert_int_equal(t[3].total, 0);

	/* Eight days on the buckets are pruned and the lists emptied. */
	assert_int_equal(reads_store_refresh(st, h + READS_KEEP_HOURS + 200, &changed), STORE_OK);
	assert_int_equal(changed, 3);
	assert_int_equal(reads_store_totals(st, ids, 4, 0, t), STORE_OK);
	assert_int_equal(t[0].total + t[1].total + t[2].total, 0);
	assert_int_equal(reads_store_lists(st, &a, 0, &m), STORE_OK);
	assert_int_equal(m.n[READS_HOUR] + m.n[READS_DAY] + m.n[READS_WEEK], 0);
	kb_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_reload_in_the_window_counts_once),
		cmocka_unit_test(totals_are_merged_per_story_and_hour),
		cmocka_unit_test(the_reader_hash_changes_with_day_story_and_agent),
		cmocka_unit_test(bots_and_tools_are_not_readers),
		cmocka_unit_test_setup_teardown(lists_follow_the_counts_and_change_only_when_they_differ,
						setup, tempdb_teardown),
	};
	return cmocka_run_group_tests_name("reads", tests, NULL, NULL);
}
