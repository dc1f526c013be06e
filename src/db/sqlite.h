/*
 * sqlite.h: what only the SQLite driver's files share (driver_sqlite.c
 * owns the connection; search_sqlite.c registers the FTS5 tokenizer on
 * it). The store files speak driver.h; pages see only store.h.
 */
#ifndef KB_SQLITE_H
#define KB_SQLITE_H

#include <sqlite3.h>

#include "store.h"

/* The SQLite connection of a store (for the tokenizer and the tests). */
sqlite3 *sq_db(store *st);

/* Registers the "khabar" FTS5 tokenizer on db (search_sqlite.c). Every
 * connection that writes articles needs it: triggers keep the index. */
int search_sqlite_register(sqlite3 *db);

#endif
