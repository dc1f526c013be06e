/*
 * test_live.c: live coverage's store (live_store.h) on either backend
 * (make unit-pg runs it on PostgreSQL): starting and closing, entries
 * added, edited, pinned and deleted with the seq readers follow, what
 * "since" returns, refusals once closed or past the planned end, the
 * scheduler's closing of what is due, the change log naming the story for
 * each change, and a photo made ready later moving the seq too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "db/live_store.h"
#include "tempdb.h"

static int setup(void **state)
{
	store *st = tempdb_open("live");
	if (!st)
		return -1;
	*state = st;
	return 0;
}

/* A published story; its id. */
static int64_t story(store *st)
{
	kb_article_input in = {.title = "लाइव: मतगणना", .summary = "", .body = "पाठ", .status = "published"};
	int64_t id;
	assert_int_equal(store_article_add(st, &in, &id), STORE_OK);
	return id;
}

/* Whether the change log names tag after seq. */
static int logged(store *st, int64_t seq, const char *tag)
{
	kb_arena a = {0};
	const char **tags;
	int64_t *seqs, first;
	size_t n;
	assert_int_equal(store_changes_since(st, &a, seq, 1000, &tags, &seqs, &n, &first), STORE_OK);
	int found = 0;
	for (size_t i = 0; i < n; i++)
		found |= !strcmp(tags[i], tag);
	kb_arena_free(&a);
	return found;
}

static void entries_move_the_seq_and_readers_see_each_change(void **state)
{
	store *st = *state;
	kb_arena a = {0};
	int64_t id = story(st), e1, e2, mark;
	char tag[32];
	snprintf(tag, sizeof tag, "a:%lld", (long long)id);
	kb_live_input in = {.body = "पहला रुझान"};
	assert_int_equal(live_store_entry_add(st, id, &in, 0, 1000, &e1), STORE_NOTFOUND);
	assert_int_equal(live_store_start(st, id, 1000, 0, 7, 1000), STORE_OK);
	assert_int_equal(live_store_start(st, 999999, 1000, 0, 7, 1000), STORE_NOTFOUND);
	kb_live l;
	assert_int_equal(live_store_get(st, id, &l), STORE_OK);
	assert_int_equal(l.seq, 1);
	assert_true(live_is_open(&l, 2000));
	assert_int_equal(store_changes_last(st, &mark), STORE_OK);
	assert_int_equal(live_store_entry_add(st, id, &in, 7, 1100, &e1), STORE_OK);
	assert_true(logged(st, mark, tag));    /* the story's page and updates */
	assert_true(logged(st, mark, "text")); /* the feeds */
	kb_live_input second = {.body = "दूसरा", .link = "https://x.com/a/status/1", .key_event = 1};
	assert_int_equal(live_store_entry_add(st, id, &second, 7, 1200, &e2), STORE_OK);
	kb_live_entry *v;
	size_t n;
	assert_int_equal(live_store_entries(st, &a, id, 0, &v, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, e2); /* newest first */
	assert_int_equal(v[0].seq, 3);
	assert_true(v[0].key_event);
	assert_string_equal(v[0].link, "https://x.com/a/status/1");
	assert_int_equal(live_store_entries(st, &a, id, 3, &v, &n), STORE_OK);
	assert_int_equal(n, 0);
	/* Pinning the older one puts it first, and it alone changed. */
	kb_live_input pin = {.body = "पहला रुझान", .media_id = -1, .pinned = 1};
	assert_int_equal(live_store_entry_save(st, e1, &pin, 1300), STORE_OK);
	assert_int_equal(live_store_entries(st, &a, id, 3, &v, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, e1);
	assert_int_equal(v[0].seq, 4);
	assert_int_equal(live_store_entries(st, &a, id, 0, &v, &n), STORE_OK);
	assert_int_equal(v[0].id, e1);
	/* A deleted entry: gone from the page, reported to followers. */
	assert_int_equal(live_store_entry_delete(st, e2, 1400), STORE_OK);
	assert_int_equal(live_store_entry_delete(st, e2, 1400), STORE_NOTFOUND);
	assert_int_equal(live_store_entries(st, &a, id, 0, &v, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(live_store_entries(st, &a, id, 4, &v, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_true(v[0].deleted);
	assert_string_equal(v[0].body, "");
	kb_arena_free(&a);
}

static void closed_or_over_coverage_takes_no_more(void **state)
{
	store *st = *state;
	kb_arena a = {0};
	int64_t id = story(st), other = story(st), e;
	kb_live_input in = {.body = "अपडेट"};
	assert_int_equal(live_store_start(st, id, 1000, 0, 0, 1000), STORE_OK);
	assert_int_equal(live_store_entry_add(st, id, &in, 0, 1100, &e), STORE_OK);
	assert_int_equal(live_store_close(st, id, 1200), STORE_OK);
	assert_int_equal(live_store_close(st, id, 1300), STORE_NOTFOUND);
	assert_int_equal(live_store_entry_add(st, id, &in, 0, 1300, &e), STORE_CONFLICT);
	assert_int_equal(live_store_entry_save(st, e, &in, 1300), STORE_CONFLICT);
	kb_live l;
	assert_int_equal(live_store_get(st, id, &l), STORE_OK);
	assert_int_equal(l.closed_at, 1200);
	assert_int_equal(l.ends_at, 1200);
	/* A planned end: refused after it, closed by the scheduler. */
	assert_int_equal(live_store_start(st, other, 1000, 2000, 0, 1000), STORE_OK);
	assert_int_equal(live_store_entry_add(st, other, &in, 0, 2000, &e), STORE_CONFLICT);
	int n;
	assert_int_equal(live_store_close_due(st, 1999, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(live_store_close_due(st, 2001, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(live_store_get(st, other, &l), STORE_OK);
	assert_int_equal(l.closed_at, 2001);
	assert_int_equal(l.ends_at, 2000);
	kb_live *list;
	size_t k;
	assert_int_equal(live_store_list(st, &a, &list, &k), STORE_OK);
	assert_int_equal(k, 2);
	assert_string_equal(list[0].title, "लाइव: मतगणना");
	/* Started again, it is open. */
	assert_int_equal(live_store_start(st, id, 1000, 0, 0, 3000), STORE_OK);
	assert_int_equal(live_store_entry_add(st, id, &in, 0, 3000, &e), STORE_OK);
	kb_arena_free(&a);
}

static void a_photo_made_later_moves_its_entry(void **state)
{
	store *st = *state;
	kb_arena a = {0};
	int64_t id = story(st), photo, e, mark;
	assert_int_equal(
		store_media_add(st, "0123456789abcdef0123456789abcdef", "p.jpg", "jpeg", "x", 1, 0, &photo),
		STORE_OK);
	assert_int_equal(live_store_start(st, id, 1000, 0, 0, 1000), STORE_OK);
	kb_live_input in = {.body = "तस्वीर", .media_id = photo};
	assert_int_equal(live_store_entry_add(st, id, &in, 0, 1100, &e), STORE_OK);
	kb_live_entry *v;
	size_t n;
	assert_int_equal(live_store_entries(st, &a, id, 0, &v, &n), STORE_OK);
	assert_int_equal(v[0].media_id, photo);
	assert_int_equal(v[0].media.id, 0); /* not ready yet */
	int64_t seq = v[0].seq;
	assert_int_equal(store_changes_last(st, &mark), STORE_OK);
	kb_media_file f = {.name = "320.jpg", .data = "y", .len = 1};
	assert_int_equal(store_media_ready(st, photo, 0, 320, 200, "320", &f, 1), STORE_OK);
	assert_int_equal(live_store_entries(st, &a, id, seq, &v, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].media.id, photo);
	assert_string_equal(v[0].media.widths, "320");
	char tag[32];
	snprintf(tag, sizeof tag, "a:%lld", (long long)id);
	assert_true(logged(st, mark, tag));
	kb_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(entries_move_the_seq_and_readers_see_each_change, setup,
						tempdb_teardown),
		cmocka_unit_test_setup_teardown(closed_or_over_coverage_takes_no_more, setup,
						tempdb_teardown),
		cmocka_unit_test_setup_teardown(a_photo_made_later_moves_its_entry, setup, tempdb_teardown),
	};
	return cmocka_run_group_tests_name("live", tests, NULL, NULL);
}
