/*
 * test_pg.c: the PostgreSQL connection layer (src/db/pg.c) against a real
 * server: the test cluster of scripts/pg-cluster, whose URL the Makefile
 * passes in KHABAR_PG. Without it the test fails: make test always starts
 * one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/pg.h"

static const char *url(void)
{
	const char *u = getenv("KHABAR_PG");
	if (!u || !*u)
		fail_msg("KHABAR_PG is not set: run this through make unit-pg");
	return u;
}

static pg_conn *connect(void)
{
	char *err = NULL;
	pg_conn *c = pg_open(url(), 5000, &err);
	if (!c)
		fail_msg("cannot connect: %s", err);
	return c;
}

/* url() with its database replaced by name. */
static void url_for(char *out, size_t n, const char *name)
{
	const char *u = url();
	const char *q = strchr(u, '?');
	const char *slash = strchr(u + strlen("postgresql://"), '/');
	assert_non_null(slash);
	snprintf(out, n, "%.*s/%s%s", (int)(slash - u), u, name, q ? q : "");
}

static void urls_are_told_from_paths(void **state)
{
	assert_true(pg_is_url("postgresql://khabar@db/site"));
	assert_true(pg_is_url("postgres://db/site"));
	assert_false(pg_is_url("data/khabar.db"));
	assert_false(pg_is_url("postgresql:/x"));
}

static void bad_connections_say_what_to_do(void **state)
{
	char *err = NULL;
	assert_null(pg_open("postgresql://a b@/?sslmode=nonsense=", 0, &err));
	assert_non_null(strstr(err, "bad PostgreSQL URL"));
	free(err);
	/* libpq quotes the URL it could not read; its password stays out. */
	assert_null(pg_open("postgresql://editor:hunter2@[::1/khabar", 0, &err));
	assert_non_null(strstr(err, "bad PostgreSQL URL"));
	assert_null(strstr(err, "hunter2"));
	free(err);

	char u[1024];
	url_for(u, sizeof u, "no_such_database");
	assert_null(pg_open(u, 0, &err));
	assert_non_null(strstr(err, "no_such_database"));
	assert_non_null(strstr(err, "createdb"));
	assert_null(strchr(err, '\n'));
	free(err);

	assert_null(pg_open("postgresql://khabar:secret-pw@/x?host=/nonexistent/dir&port=1", 0, &err));
	assert_non_null(strstr(err, "check that PostgreSQL runs"));
	assert_null(strstr(err, "secret-pw"));
	free(err);
}

static void values_round_trip(void **state)
{
	pg_conn *c = connect();
	assert_int_equal(pg_exec(c, "CREATE TEMP TABLE t(id bigint, name text, data bytea, x numeric)"), 0);
	static const char ins[] = "INSERT INTO t VALUES ($1, $2, $3, $4)";
	pg_stmt *s = pg_prepare(c, ins);
	pg_bind_int(s, 1, 1234567890123LL);
	pg_bind_text(s, 2, "भारत's \\ \"x\"", strlen("भारत's \\ \"x\""));
	const unsigned char blob[] = {0, 1, 0xff, 0x80, '\\', 'x'};
	pg_bind_blob(s, 3, blob, sizeof blob);
	pg_bind_double(s, 4, 2.75);
	assert_int_equal(pg_step(s), PG_DONE);
	assert_int_equal(pg_changes(s), 1);
	/* The same string: the same statement, parameters cleared. */
	assert_ptr_equal(pg_prepare(c, ins), s);
	pg_bind_int(s, 1, 2);
	pg_bind_null(s, 2);
	pg_bind_null(s, 3);
	pg_bind_null(s, 4);
	assert_int_equal(pg_step(s), PG_DONE);

	static const char sel[] = "SELECT id, name, data, x, id > $1, x * 2 FROM t ORDER BY id DESC";
	s = pg_prepare(c, sel);
	pg_bind_int(s, 1, 5);
	assert_int_equal(pg_step(s), PG_ROW);
	assert_int_equal(pg_ncols(s), 6);
	assert_int_equal(pg_col_int(s, 0), 1234567890123LL);
	assert_string_equal(pg_col_text(s, 1, NULL), "भारत's \\ \"x\"");
	size_t n;
	const void *b = pg_col_blob(s, 2, &n);
	assert_int_equal(n, sizeof blob);
	assert_memory_equal(b, blob, sizeof blob);
	assert_int_equal(pg_col_int(s, 3), 2); /* numeric 2.75, cut */
	assert_true(pg_col_double(s, 3) == 2.75);
	assert_int_equal(pg_col_int(s, 4), 1); /* true */
	assert_int_equal(pg_col_int(s, 5), 5);
	assert_int_equal(pg_step(s), PG_ROW);
	assert_true(pg_col_null(s, 1));
	assert_string_equal(pg_col_text(s, 1, NULL), "");
	assert_int_equal(pg_col_int(s, 4), 0); /* false */
	b = pg_col_blob(s, 2, &n);
	assert_int_equal(n, 0);
	assert_int_equal(pg_step(s), PG_DONE);
	pg_close(c);
}

static void errors_carry_the_sqlstate(void **state)
{
	pg_conn *c = connect();
	assert_int_equal(pg_exec(c, "CREATE TEMP TABLE u(k text PRIMARY KEY)"), 0);
	static const char ins[] = "INSERT INTO u VALUES ($1)";
	pg_stmt *s = pg_prepare(c, ins);
	pg_bind_text(s, 1, "a", 1);
	assert_int_equal(pg_step(s), PG_DONE);
	s = pg_prepare(c, ins);
	pg_bind_text(s, 1, "a", 1);
	assert_int_equal(pg_step(s), PG_ERROR);
	assert_string_equal(pg_sqlstate(c), "23505");
	assert_non_null(strstr(pg_errmsg(c), "duplicate key"));
	assert_false(pg_lost(c));
	static const char bad[] = "SELEKT 1";
	assert_int_equal(pg_step(pg_prepare(c, bad)), PG_ERROR);
	assert_string_equal(pg_sqlstate(c), "42601");
	pg_close(c);
}

static void a_slow_statement_is_stopped(void **state)
{
	char *err = NULL;
	pg_conn *c = pg_open(url(), 100, &err);
	assert_non_null(c);
	static const char slow[] = "SELECT pg_sleep(5)";
	assert_int_equal(pg_step(pg_prepare(c, slow)), PG_ERROR);
	assert_string_equal(pg_sqlstate(c), "57014");
	pg_close(c);
}

/* Ends c's server process from another connection, as a restart would. */
static void kill_backend(pg_conn *c)
{
	static const char pid_sql[] = "SELECT pg_backend_pid()";
	pg_stmt *s = pg_prepare(c, pid_sql);
	assert_int_equal(pg_step(s), PG_ROW);
	int64_t pid = pg_col_int(s, 0);
	pg_reset(s);
	pg_conn *k = connect();
	static const char kill_sql[] = "SELECT pg_terminate_backend($1::int)";
	s = pg_prepare(k, kill_sql);
	pg_bind_int(s, 1, pid);
	assert_int_equal(pg_step(s), PG_ROW);
	pg_close(k);
}

static void a_lost_connection_is_found_again(void **state)
{
	pg_conn *c = connect();
	static const char one[] = "SELECT 41 + $1";
	kill_backend(c);
	/* A read is tried again on a new connection. */
	pg_stmt *s = pg_prepare(c, one);
	pg_bind_int(s, 1, 1);
	assert_int_equal(pg_step(s), PG_ROW);
	assert_int_equal(pg_col_int(s, 0), 42);
	pg_reset(s);

	/* A write is not: it fails, saying so, and the next call works. */
	assert_int_equal(pg_exec(c, "CREATE TABLE IF NOT EXISTS lost_test(n int)"), 0);
	kill_backend(c);
	static const char w[] = "INSERT INTO lost_test VALUES ($1)";
	s = pg_prepare(c, w);
	pg_bind_int(s, 1, 7);
	assert_int_equal(pg_step(s), PG_ERROR);
	assert_true(pg_lost(c));
	s = pg_prepare(c, w);
	pg_bind_int(s, 1, 8);
	assert_int_equal(pg_step(s), PG_DONE);
	static const char count[] = "SELECT count(*) FROM lost_test WHERE n = 7";
	s = pg_prepare(c, count);
	assert_int_equal(pg_step(s), PG_ROW);
	assert_int_equal(pg_col_int(s, 0), 0);
	pg_reset(s);
	assert_int_equal(pg_exec(c, "DROP TABLE lost_test"), 0);
	pg_close(c);
}

static void notifications_arrive(void **state)
{
	pg_conn *a = connect(), *b = connect();
	char *payload = NULL;
	assert_int_equal(pg_exec(a, "LISTEN khabar_test"), 0);
	assert_int_equal(pg_wait_notify(a, 10, &payload), 0);
	assert_int_equal(pg_exec(b, "NOTIFY khabar_test, 'a:1 t:2'"), 0);
	assert_int_equal(pg_wait_notify(a, 5000, &payload), 1);
	assert_string_equal(payload, "a:1 t:2");
	free(payload);
	pg_close(a);
	pg_close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(urls_are_told_from_paths),
		cmocka_unit_test(bad_connections_say_what_to_do),
		cmocka_unit_test(values_round_trip),
		cmocka_unit_test(errors_carry_the_sqlstate),
		cmocka_unit_test(a_slow_statement_is_stopped),
		cmocka_unit_test(a_lost_connection_is_found_again),
		cmocka_unit_test(notifications_arrive),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
