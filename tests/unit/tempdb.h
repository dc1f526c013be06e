/*
 * tempdb.h: a new database for each store test, /tmp/khabar-NAME-PID.db,
 * brought up to date by store_open (every migration runs), and removed
 * with its -wal and -shm files afterwards. One per test binary.
 */
#ifndef KB_TEST_TEMPDB_H
#define KB_TEST_TEMPDB_H
#include <stdio.h>
#include <unistd.h>

#include "db/store.h"

static char tempdb_path[96];

static void tempdb_remove(void)
{
	static const char *const suffix[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		char p[120];
		snprintf(p, sizeof p, "%s%s", tempdb_path, suffix[i]);
		unlink(p);
	}
}

/* The store, or NULL with the reason printed. */
static store *tempdb_open(const char *name)
{
	snprintf(tempdb_path, sizeof tempdb_path, "/tmp/khabar-%s-%d.db", name, (int)getpid());
	tempdb_remove();
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
#endif
