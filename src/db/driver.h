/*
 * driver.h: the one way src/db/ talks to its database. The store files
 * (store_sqlite.c, newsroom_sqlite.c, push_sqlite.c, tips_sqlite.c,
 * import_sqlite.c, search_sqlite.c) use only these calls; driver_sqlite.c
 * implements them on SQLite, and a libpq driver can implement them again
 * without a second copy of the store. Not for use outside src/db/.
 *
 * SQL is written with PostgreSQL-style positional parameters, $1, $2...,
 * bound by 1-based position; a parameter may appear more than once. Where
 * the dialects must differ the SQL says so in a comment starting
 * "dialect:" (full-text search, triggers, time functions, pragmas).
 *
 * A statement is prepared once per connection, cached by the address of
 * its SQL (so pass a static string), and reused: db_prepare hands it back
 * reset and with its bindings cleared. The text, blobs and values a
 * statement returns are valid until the next db_step or db_reset of it.
 *
 * Errors: calls that fail record "what: the database's message" as the
 * store's error (store_errmsg) and return STORE_ERROR.
 */
#ifndef KB_DRIVER_H
#define KB_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

typedef struct db_stmt db_stmt;

/* What db_step returns. */
enum { DB_DONE = 0, DB_ROW = 1, DB_ERROR = -1 };

/* sql, prepared once per connection (keyed by the string's address),
 * reset and with bindings cleared. SQL that does not prepare is a bug in
 * khabar: it aborts with the database's message. */
db_stmt *db_prepare(store *st, const char *sql);

/* Binding $i (1-based). Text and blobs are copied; NULL text binds "". */
void db_bind_int(db_stmt *s, int i, int64_t v);
void db_bind_double(db_stmt *s, int i, double v);
void db_bind_text(db_stmt *s, int i, const char *v);
void db_bind_blob(db_stmt *s, int i, const void *v, size_t n);
void db_bind_null(db_stmt *s, int i);

/* Announces that s, a read with its parameters bound, will be stepped
 * soon: on PostgreSQL the reads announced together go to the server in
 * one round trip at the first db_step of any of them; on SQLite nothing
 * happens. Step each of them afterwards as usual (or reset it). */
void db_send(db_stmt *s);
/* Steps s: DB_ROW (a row is ready), DB_DONE or DB_ERROR (the message is
 * the connection's until db_fail records it). */
int db_step(db_stmt *s);
/* Ends the use of s (its row and its locks); bindings stay. */
void db_reset(db_stmt *s);

/* Column i (0-based) of the current row. */
int64_t db_col_int(db_stmt *s, int i);
double db_col_double(db_stmt *s, int i);
int db_col_is_null(db_stmt *s, int i);
/* The text of column i copied into a ("" for NULL). */
const char *db_col_text(kb_arena *a, db_stmt *s, int i);
/* The text of column i, not copied ("" for NULL): valid until the next
 * db_step or db_reset of s. */
const char *db_col_peek(db_stmt *s, int i);
/* The bytes of column i, not copied, and their count in *n. */
const void *db_col_blob(db_stmt *s, int i, size_t *n);

/* Steps a statement that returns no rows and resets it: STORE_OK or
 * STORE_ERROR with "what: message". */
int db_run(store *st, db_stmt *s, const char *what);
/* db_run for a write aimed at one row: STORE_NOTFOUND when it changed none. */
int db_run_one(store *st, db_stmt *s, const char *what);
/* Steps s for one row: STORE_OK with the row (the caller resets s),
 * STORE_NOTFOUND (s reset) or STORE_ERROR with "what: message". */
int db_one(store *st, db_stmt *s, const char *what);

/* Runs one or more statements without parameters (schema work, the
 * search index's maintenance); the error is the database's message. */
int db_exec(store *st, const char *sql);
/* Transactions: db_begin takes the write lock at once (SQLite's BEGIN
 * IMMEDIATE), so a transaction never fails halfway for want of it.
 * db_rollback is harmless outside a transaction; db_in_tx says whether
 * one is open (a function that may be called inside one opens its own
 * only when it is not). */
int db_begin(store *st);
/* A read of several statements from one snapshot: on SQLite a deferred
 * transaction, which also takes the file's read lock once rather than for
 * each statement; returns whether one was opened (none inside a
 * transaction, nor on PostgreSQL, whose batch is one round trip), to hand
 * to db_read_end. */
int db_read_begin(store *st);
void db_read_end(store *st, int opened);
int db_commit(store *st);
void db_rollback(store *st);
int db_in_tx(store *st);

/* Rows changed by the last write on st. */
int64_t db_changes(store *st);
/* Whether the last failure on st broke a unique constraint (a primary
 * key's included). */
int db_unique_violation(store *st);

/* Which database st is on: where SQL must differ (full-text search,
 * PRAGMAs), the store picks the dialect's text by it, side by side. */
int db_is_pg(store *st);
/* The PostgreSQL connection of st (NULL on SQLite), and its maker of
 * search terms (search_pg.c). */
struct pg_conn *db_pg(store *st);
struct search_terms *db_terms(store *st);

/* Records "what: the database's message" as st's error; returns
 * STORE_ERROR. */
int db_fail(store *st, const char *what);
/* Records msg as st's error as it is; returns STORE_ERROR. */
int db_fail_msg(store *st, const char *msg);
/* The database's message for the last failure on st. */
const char *db_error(store *st);

#endif
