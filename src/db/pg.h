/*
 * pg.h: a PostgreSQL connection as khabar's database driver uses it
 * (libpq underneath): statements prepared once per connection, parameters
 * bound by position ($1, $2...), rows stepped through, one error string.
 * The same shape as SQLite's prepare/bind/step/column, so the store's SQL
 * and code are written once for both.
 *
 * Values travel as text: integers as decimal, booleans as t/f (read as
 * 1/0), bytea in PostgreSQL's hex form (decoded here). A connection is
 * used by one thread at a time.
 */
#ifndef KB_PG_H
#define KB_PG_H

#include <stddef.h>
#include <stdint.h>

typedef struct pg_conn pg_conn;
typedef struct pg_stmt pg_stmt;

/* What pg_step returns. */
enum { PG_ROW = 1, PG_DONE = 0, PG_ERROR = -1 };

/* Whether s names a PostgreSQL database (postgresql:// or postgres://). */
int pg_is_url(const char *s);

/* Connects to url. On failure returns NULL and *err (malloc'd) says in one
 * line what is wrong and what to do, naming the server and database but
 * never a password. statement_timeout_ms 0: none. */
pg_conn *pg_open(const char *url, int statement_timeout_ms, char **err);
void pg_close(pg_conn *c);
/* "host/database" as shown to a person: no user, no password. */
const char *pg_where(pg_conn *c);

/* The last error: "what: PostgreSQL's message" (valid until the next
 * call on c), and its SQLSTATE ("23505": unique_violation), or "". */
const char *pg_errmsg(pg_conn *c);
const char *pg_sqlstate(pg_conn *c);
/* The last error's message alone, without "what: ". */
const char *pg_message(pg_conn *c);
/* Whether the last error was a lost connection (the server restarted or
 * went away); the next call reconnects. */
int pg_lost(pg_conn *c);

/* Runs sql (several statements allowed, no parameters). 0 or -1. */
int pg_exec(pg_conn *c, const char *sql);
/* Whether c is inside a transaction. */
int pg_in_tx(pg_conn *c);

/* sql prepared once per connection, keyed by the string's address (pass a
 * static string), reset and with its parameters cleared. NULL when it
 * cannot be prepared (pg_errmsg says why). */
pg_stmt *pg_prepare(pg_conn *c, const char *sql);
/* Whether sql only reads (a SELECT), so running it again changes
 * nothing. */
int pg_reads_only(const char *sql);
/* Parameters count from 1. Text and blobs are copied. */
void pg_bind_int(pg_stmt *s, int i, int64_t v);
void pg_bind_double(pg_stmt *s, int i, double v);
void pg_bind_text(pg_stmt *s, int i, const char *v, size_t n);
void pg_bind_blob(pg_stmt *s, int i, const void *v, size_t n);
void pg_bind_null(pg_stmt *s, int i);
/* Queues s, a read with its parameters bound, to go to the server with
 * the others queued, in one round trip, at the first pg_step of any of
 * them (pg.c: batches). A write, or a batch already full, is left to run
 * at its own step. */
void pg_send(pg_stmt *s);
/* The first call runs the statement; each returns PG_ROW with the next
 * row, PG_DONE after the last, or PG_ERROR. */
int pg_step(pg_stmt *s);
/* Columns of the current row, counted from 0. Text is NUL-terminated and
 * valid until the next step or reset; NULL reads as "" and 0. */
int pg_col_null(pg_stmt *s, int i);
int64_t pg_col_int(pg_stmt *s, int i);
double pg_col_double(pg_stmt *s, int i);
const char *pg_col_text(pg_stmt *s, int i, size_t *len);
const void *pg_col_blob(pg_stmt *s, int i, size_t *len);
int pg_ncols(pg_stmt *s);
/* Whether s has run since its last reset or rewind. */
int pg_started(pg_stmt *s);
/* Rows the last INSERT, UPDATE or DELETE of s changed. */
int64_t pg_changes(pg_stmt *s);
/* Ends the statement's run (its rows are dropped) and clears its
 * parameters. */
void pg_reset(pg_stmt *s);
/* Ends the statement's run but keeps its parameters, so it can run again. */
void pg_rewind(pg_stmt *s);

/* Waits up to timeout_ms for a notification on a channel c LISTENs to
 * (pg_exec(c, "LISTEN name")). Returns 1 with the channel's payload in
 * *payload (malloc'd), 0 on timeout, -1 when the connection is lost. */
int pg_wait_notify(pg_conn *c, int timeout_ms, char **payload);

#endif
