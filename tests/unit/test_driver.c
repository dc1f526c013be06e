/*
 * test_driver.c: the driver layer (src/db/driver.h), on SQLite and (make
 * unit-pg, tempdb.h) on PostgreSQL, in SQL both take: $N
 * parameters bind by number whatever their order in the SQL, quotes keep
 * their text, statements are cached and come back reset, and errors and
 * one-row lookups say what happened.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "db/driver.h"
#include "tempdb.h"

static int setup(void **state)
{
	store *st = tempdb_open("driver");
	if (!st)
		return -1;
	*state = st;
	return 0;
}

static void parameters_bind_by_number_not_by_first_appearance(void **state)
{
	store *st = *state;
	static const char sql[] = "SELECT $2 || '-' || $1 || '-' || $2";
	kb_arena a = {0};
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, "a");
	db_bind_text(s, 2, "b");
	assert_int_equal(db_one(st, s, "select"), STORE_OK);
	assert_string_equal(db_col_text(&a, s, 0), "b-a-b");
	db_reset(s);
	kb_arena_free(&a);
}

static void a_dollar_in_quotes_is_text(void **state)
{
	store *st = *state;
	static const char sql[] = "SELECT '$1', \"x$1\", $1 FROM (SELECT 1 AS \"x$1\") AS q";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, 42);
	assert_int_equal(db_one(st, s, "select"), STORE_OK);
	assert_string_equal(db_col_peek(s, 0), "$1");
	assert_int_equal(db_col_int(s, 1), 1);
	assert_int_equal(db_col_int(s, 2), 42);
	db_reset(s);
}

static void a_statement_is_prepared_once_and_comes_back_clear(void **state)
{
	store *st = *state;
	static const char sql[] = "SELECT $1 IS NULL";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, 7);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_int(s, 0), 0);
	/* Mid-row, prepared again: the same statement, reset, unbound. */
	db_stmt *again = db_prepare(st, sql);
	assert_ptr_equal(again, s);
	assert_int_equal(db_step(again), DB_ROW);
	assert_int_equal(db_col_int(again, 0), 1);
	assert_true(db_col_is_null(again, 0) == 0);
	assert_int_equal(db_step(again), DB_DONE);
	db_reset(again);
}

static void one_row_lookups_and_errors_say_what_happened(void **state)
{
	store *st = *state;
	static const char none[] = "SELECT 1 WHERE 1 = 0";
	assert_int_equal(db_one(st, db_prepare(st, none), "nothing"), STORE_NOTFOUND);
	assert_int_equal(db_exec(st, "CREATE TABLE t(k TEXT PRIMARY KEY)"), STORE_OK);
	static const char ins[] = "INSERT INTO t(k) VALUES($1)";
	db_stmt *s = db_prepare(st, ins);
	db_bind_text(s, 1, "x");
	assert_int_equal(db_run(st, s, "first"), STORE_OK);
	assert_int_equal(db_changes(st), 1);
	s = db_prepare(st, ins);
	db_bind_text(s, 1, "x");
	assert_int_equal(db_run(st, s, "cannot add k"), STORE_ERROR);
	assert_true(db_unique_violation(st));
	const char *msg = store_errmsg(st);
	if (strncmp(msg, "cannot add k: ", 14))
		fail_msg("expected \"cannot add k: ...\", got \"%s\"", msg);
	/* A blob comes back byte for byte, NUL included. */
	static const char blob[] = "SELECT $1";
	s = db_prepare(st, blob);
	db_bind_blob(s, 1, "a\0b", 3);
	assert_int_equal(db_one(st, s, "blob"), STORE_OK);
	size_t n;
	const void *v = db_col_blob(s, 0, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(v, "a\0b", 3);
	db_reset(s);
}

static void a_rollback_leaves_nothing(void **state)
{
	store *st = *state;
	assert_int_equal(db_exec(st, "CREATE TABLE r(v INTEGER)"), STORE_OK);
	assert_false(db_in_tx(st));
	assert_int_equal(db_begin(st), STORE_OK);
	assert_true(db_in_tx(st));
	assert_int_equal(db_exec(st, "INSERT INTO r VALUES(1)"), STORE_OK);
	db_rollback(st);
	assert_false(db_in_tx(st));
	db_rollback(st); /* harmless outside a transaction */
	static const char count[] = "SELECT count(*) FROM r";
	db_stmt *s = db_prepare(st, count);
	assert_int_equal(db_one(st, s, "count"), STORE_OK);
	assert_int_equal(db_col_int(s, 0), 0);
	db_reset(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(parameters_bind_by_number_not_by_first_appearance, setup,
						tempdb_teardown),
		cmocka_unit_test_setup_teardown(a_dollar_in_quotes_is_text, setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(a_statement_is_prepared_once_and_comes_back_clear, setup,
						tempdb_teardown),
		cmocka_unit_test_setup_teardown(one_row_lookups_and_errors_say_what_happened, setup,
						tempdb_teardown),
		cmocka_unit_test_setup_teardown(a_rollback_leaves_nothing, setup, tempdb_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
