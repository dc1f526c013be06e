/*
 * tempdb.h: a new database for each store test, brought up to date by
 * store_open (every migration runs), and removed afterwards. One per test
 * binary at a time.
 *
 * SQLite: /tmp/khabar-NAME-PID.db, removed with its -wal and -shm files.
 * With KHABAR_PG set (make unit-pg: the libpq URL of a throwaway
 * cluster), a new database on that cluster instead, tempdb_NAME_PID_N,
 * dropped afterwards: the same tests then run on PostgreSQL. A test file
 * that is SQLite's by nature (it reaches into sqlite3 itself) defines
 * TEMPDB_SQLITE_ONLY before including this, and keeps SQLite.
 */
#ifndef KB_TEST_TEMPDB_H
#define KB_TEST_TEMPDB_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/pg.h"
#include "db/store.h"

/* The database's path or URL, for a test that opens it again. */
static char tempdb_path[1024];
/* On PostgreSQL: the database's name, to drop it ("" on SQLite). */
static char tempdb_pg_name[128];

/* The cluster's URL when the tests run on PostgreSQL, else NULL. */
static const char *tempdb_pg(void)
{
#ifdef TEMPDB_SQLITE_ONLY
	return NULL;
#else
	const char *u = getenv("KHABAR_PG");
	return u && *u ? u : NULL;
#endif
}

/* Runs sql on the cluster's own database; 0, or -1 with the reason printed. */
static int tempdb_pg_admin(const char *sql)
{
	char *err = NULL;
	pg_conn *c = pg_open(tempdb_pg(), 10000, &err);
	if (!c) {
		fprintf(stderr, "tempdb: %s\n", err);
		free(err);
		return -1;
	}
	int rc = pg_exec(c, sql);
	if (rc)
		fprintf(stderr, "tempdb: %s: %s\n", sql, pg_errmsg(c));
	pg_close(c);
	return rc ? -1 : 0;
}

static void tempdb_remove(void)
{
	if (tempdb_pg_name[0]) {
		char sql[192];
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", tempdb_pg_name);
		tempdb_pg_admin(sql);
		tempdb_pg_name[0] = '\0';
		return;
	}
	static const char *const suffix[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		char p[sizeof tempdb_path + 8];
		snprintf(p, sizeof p, "%s%s", tempdb_path, suffix[i]);
		unlink(p);
	}
}

/* Makes tempdb_path a new, empty database named for name: a file path, or
 * a new database's URL on the cluster. 0, or -1 with the reason printed. */
static int tempdb_make(const char *name)
{
	const char *u = tempdb_pg();
	if (!u) {
		snprintf(tempdb_path, sizeof tempdb_path, "/tmp/khabar-%s-%d.db", name, (int)getpid());
		tempdb_remove();
		return 0;
	}
	static int n;
	snprintf(tempdb_pg_name, sizeof tempdb_pg_name, "tempdb_%s_%d_%d", name, (int)getpid(), ++n);
	char sql[192];
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", tempdb_pg_name);
	if (tempdb_pg_admin(sql)) {
		tempdb_pg_name[0] = '\0';
		return -1;
	}
	/* The cluster's URL with its database replaced:
	 * postgresql://user@host/db?query. */
	const char *slash = strchr(u + strlen("postgresql://"), '/'), *q = strchr(u, '?');
	if (!slash || (q && q < slash))
		slash = q ? q : u + strlen(u);
	snprintf(tempdb_path, sizeof tempdb_path, "%.*s/%s%s", (int)(slash - u), u, tempdb_pg_name,
		 q ? q : "");
	return 0;
}

/* The store, or NULL with the reason printed. */
static store *tempdb_open(const char *name)
{
	if (tempdb_make(name))
		return NULL;
	char *err = NULL;
	store *st = store_open(tempdb_path, 0, &err);
	if (!st)
		fprintf(stderr, "%s\n", err);
	return st;
}

static int tempdb_teardown(void **state)
{
	store_close(*state);
	tempdb_remove();
	return 0;
}

/* Whether the tests run on PostgreSQL. */
static inline int tempdb_on_pg(void)
{
	return tempdb_pg() != NULL;
}
#endif
