/*
 * test_ops.c: the store's side of running a site (src/db/ops_store.h) on
 * SQLite and (make unit-pg, tempdb.h) on PostgreSQL: the daily backup's
 * claim is won once a day, the counts /metrics reads start at zero and
 * see an overdue scheduled story, the database's errors are counted; and
 * the operator's settings' checks (src/http/ops.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "db/driver.h"
#include "db/ops_store.h"
#include "http/ops.h"
#include "tempdb.h"

static int setup(void **state)
{
	store *st = tempdb_open("ops");
	if (!st)
		return -1;
	*state = st;
	return 0;
}

static void one_claim_a_day_however_many_ask(void **state)
{
	store *st = *state;
	char *err = NULL;
	store *other = store_open(tempdb_path, 0, &err);
	assert_non_null(other);
	assert_int_equal(store_backup_claim(st, 20261203), 1);
	assert_int_equal(store_backup_claim(other, 20261203), 0);
	assert_int_equal(store_backup_claim(st, 20261203), 0);
	assert_int_equal(store_backup_claim(st, 20261202), 0); /* never back */
	assert_int_equal(store_backup_claim(other, 20261204), 1);
	store_close(other);
}

static void counts_start_at_zero_and_see_an_overdue_story(void **state)
{
	store *st = *state;
	kb_ops_counts c;
	assert_int_equal(store_ops_counts(st, 1000000, &c), 0);
	assert_int_equal(c.push_queue + c.push_delivered + c.mail_waiting + c.schedule_overdue, 0);
	kb_article_input in = {
		.title = "समय पर खबर", .body = "पाठ", .status = "scheduled", .published_at = 999000};
	int64_t id;
	assert_int_equal(store_article_add(st, &in, &id), 0);
	assert_int_equal(store_ops_counts(st, 1000000, &c), 0);
	assert_int_equal(c.schedule_overdue, 1);
	assert_int_equal(c.schedule_lag, 1000);
	assert_int_equal(store_ops_counts(st, 998000, &c), 0);
	assert_int_equal(c.schedule_overdue, 0);
}

static void errors_are_counted(void **state)
{
	store *st = *state;
	uint64_t before = store_error_count();
	assert_int_equal(db_exec(st, "SELECT * FROM no_such_table"), STORE_ERROR);
	db_fail(st, "the test's failure");
	assert_true(store_error_count() >= before + 1);
}

static void settings_are_checked(void **state)
{
	assert_int_equal(ops_backup_minute("03:30"), 210);
	assert_int_equal(ops_backup_minute("00:00"), 0);
	assert_int_equal(ops_backup_minute("24:00"), -1);
	assert_int_equal(ops_backup_minute("3:30"), -1);
	assert_int_equal(ops_backup_minute(""), -1);
	assert_int_equal(ops_backup_keep(""), 7);
	const edge_setting *keep = ops_setting_find("backup_keep"), *tok = ops_setting_find("metrics_token");
	assert_non_null(keep);
	assert_true(keep->valid("14") && keep->valid("") && !keep->valid("0") && !keep->valid("1000"));
	assert_true(tok->secret && tok->valid("0123456789abcdef") && !tok->valid("short"));
	assert_false(tok->valid("0123456789abcdef\r\nX: y"));
	assert_false(ops_setting_find("backup_dir")->valid("a\nb"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(one_claim_a_day_however_many_ask, setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(counts_start_at_zero_and_see_an_overdue_story, setup,
						tempdb_teardown),
		cmocka_unit_test_setup_teardown(errors_are_counted, setup, tempdb_teardown),
		cmocka_unit_test(settings_are_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
