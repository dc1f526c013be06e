/*
 * driver_sqlite.c: driver.h on SQLite, and the connection it needs: open,
 * pragmas, the numbered migrations (the schema version is SQLite's
 * user_version), the statement cache, transactions and errors.
 *
 * This and search_sqlite.c's tokenizer are the only files that call
 * SQLite; the store files above speak driver.h. Connections use WAL,
 * foreign keys and a busy timeout, so readers never block the writer and
 * a second process (the CLI adding an article while the server runs)
 * waits instead of failing.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "migrations.h"
#include "sqlite.h"

/* Statement cache slots: a power of two, at least twice the number of
 * db_prepare call sites, so probes stay short. */
#define STMT_SLOTS 1024

struct store {
	sqlite3 *db;
	/* Prepared statements in a hash table keyed by their SQL's address
	 * (a static string's). */
	const char *sql[STMT_SLOTS];
	sqlite3_stmt *stmt[STMT_SLOTS];
	char errmsg[512];
};

#define S(s) ((sqlite3_stmt *)(s))

int db_fail(store *st, const char *what)
{
	snprintf(st->errmsg, sizeof st->errmsg, "%s: %s", what, sqlite3_errmsg(st->db));
	return STORE_ERROR;
}

int db_fail_msg(store *st, const char *msg)
{
	snprintf(st->errmsg, sizeof st->errmsg, "%s", msg);
	return STORE_ERROR;
}

const char *db_error(store *st)
{
	return sqlite3_errmsg(st->db);
}

const char *store_errmsg(store *st)
{
	return st->errmsg;
}

int db_exec(store *st, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(st->errmsg, sizeof st->errmsg, "%s", msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return STORE_ERROR;
	}
	return STORE_OK;
}

/*
 * SQLite reads $1 as a named parameter whose number follows the order of
 * first appearance, so "$2 ... $1" would bind the wrong way round; ?N is
 * SQLite's positional form. Returns a copy of sql with every $N outside
 * quotes and comments written ?N (the same length), or NULL when sql has
 * no '$' at all. The caller frees the copy.
 */
static char *positional(const char *sql)
{
	if (!strchr(sql, '$'))
		return NULL;
	char *out = kb_strdup(sql);
	char quote = 0;
	for (char *p = out; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (p[0] == '-' && p[1] == '-') {
			while (p[1] && p[1] != '\n')
				p++;
		} else if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
			*p = '?';
		}
	}
	return out;
}

db_stmt *db_prepare(store *st, const char *sql)
{
	uint64_t h = (uint64_t)(uintptr_t)sql * 0x9E3779B97F4A7C15u;
	size_t i = (size_t)(h >> 40) & (STMT_SLOTS - 1), probes = 0;
	while (st->sql[i] && st->sql[i] != sql) {
		i = (i + 1) & (STMT_SLOTS - 1);
		if (++probes == STMT_SLOTS / 2)
			kb_fatal("too many statements: raise STMT_SLOTS in driver_sqlite.c");
	}
	if (!st->sql[i]) {
		char *text = positional(sql);
		if (sqlite3_prepare_v3(st->db, text ? text : sql, -1, SQLITE_PREPARE_PERSISTENT, &st->stmt[i],
				       NULL) != SQLITE_OK)
			/* The SQL is ours and fixed: failing to prepare it is a bug. */
			kb_fatal("bad SQL: %s: %s", sqlite3_errmsg(st->db), sql);
		free(text);
		st->sql[i] = sql;
	}
	sqlite3_reset(st->stmt[i]);
	sqlite3_clear_bindings(st->stmt[i]);
	return (db_stmt *)st->stmt[i];
}

void db_bind_int(db_stmt *s, int i, int64_t v)
{
	sqlite3_bind_int64(S(s), i, v);
}

void db_bind_double(db_stmt *s, int i, double v)
{
	sqlite3_bind_double(S(s), i, v);
}

void db_bind_text(db_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(S(s), i, v ? v : "", -1, SQLITE_TRANSIENT);
}

void db_bind_blob(db_stmt *s, int i, const void *v, size_t n)
{
	sqlite3_bind_blob(S(s), i, v, (int)n, SQLITE_TRANSIENT);
}

void db_bind_null(db_stmt *s, int i)
{
	sqlite3_bind_null(S(s), i);
}

int db_step(db_stmt *s)
{
	int rc = sqlite3_step(S(s));
	return rc == SQLITE_ROW ? DB_ROW : rc == SQLITE_DONE ? DB_DONE : DB_ERROR;
}

void db_reset(db_stmt *s)
{
	sqlite3_reset(S(s));
}

int64_t db_col_int(db_stmt *s, int i)
{
	return sqlite3_column_int64(S(s), i);
}

double db_col_double(db_stmt *s, int i)
{
	return sqlite3_column_double(S(s), i);
}

int db_col_is_null(db_stmt *s, int i)
{
	return sqlite3_column_type(S(s), i) == SQLITE_NULL;
}

const char *db_col_peek(db_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(S(s), i);
	return t ? (const char *)t : "";
}

const char *db_col_text(kb_arena *a, db_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(S(s), i);
	return kb_arena_strndup(a, t ? (const char *)t : "", (size_t)sqlite3_column_bytes(S(s), i));
}

const void *db_col_blob(db_stmt *s, int i, size_t *n)
{
	const void *v = sqlite3_column_blob(S(s), i);
	*n = (size_t)sqlite3_column_bytes(S(s), i);
	return v;
}

int db_run(store *st, db_stmt *s, const char *what)
{
	int rc = sqlite3_step(S(s));
	sqlite3_reset(S(s));
	return rc == SQLITE_DONE ? STORE_OK : db_fail(st, what);
}

int db_run_one(store *st, db_stmt *s, const char *what)
{
	if (db_run(st, s, what))
		return STORE_ERROR;
	return sqlite3_changes(st->db) ? STORE_OK : STORE_NOTFOUND;
}

int db_one(store *st, db_stmt *s, const char *what)
{
	int rc = sqlite3_step(S(s));
	if (rc == SQLITE_ROW)
		return STORE_OK;
	sqlite3_reset(S(s));
	return rc == SQLITE_DONE ? STORE_NOTFOUND : db_fail(st, what);
}

int db_begin(store *st)
{
	/* dialect: PostgreSQL's BEGIN takes row locks as it goes. */
	return db_exec(st, "BEGIN IMMEDIATE");
}

int db_commit(store *st)
{
	return db_exec(st, "COMMIT");
}

void db_rollback(store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		db_exec(st, "ROLLBACK");
}

int db_in_tx(store *st)
{
	return !sqlite3_get_autocommit(st->db);
}

int64_t db_changes(store *st)
{
	return sqlite3_changes(st->db);
}

int db_unique_violation(store *st)
{
	int rc = sqlite3_extended_errcode(st->db);
	return rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY;
}

sqlite3 *sq_db(store *st)
{
	return st->db;
}

/* ---- the connection ---- */

int store_schema_latest(void)
{
	return kb_migrations_count;
}

int store_schema_version(store *st)
{
	/* dialect: the schema version is SQLite's user_version. */
	sqlite3_stmt *s;
	int v = -1;
	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int(s, 0);
		sqlite3_finalize(s);
	}
	return v;
}

/* Applies each missing migration in its own transaction. user_version is
 * set inside the same transaction, so a failed step leaves no trace. */
static int migrate(store *st)
{
	int v = store_schema_version(st);
	if (v < 0)
		return db_fail(st, "cannot read the schema version");
	if (v > kb_migrations_count) {
		snprintf(st->errmsg, sizeof st->errmsg,
			 "the database has schema version %d, newer than this khabar knows (%d): "
			 "upgrade khabar",
			 v, kb_migrations_count);
		return STORE_ERROR;
	}
	for (; v < kb_migrations_count; v++) {
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
		if (db_exec(st, "BEGIN IMMEDIATE") || db_exec(st, kb_migrations[v]) || db_exec(st, pragma) ||
		    db_exec(st, "COMMIT")) {
			char msg[600];
			snprintf(msg, sizeof msg, "migration %d failed: %.500s", v + 1, st->errmsg);
			db_exec(st, "ROLLBACK");
			snprintf(st->errmsg, sizeof st->errmsg, "%.500s", msg);
			return STORE_ERROR;
		}
	}
	return STORE_OK;
}

static char *open_error(const char *path, sqlite3 *db, const char *what)
{
	kb_buf b = {0};
	int sys = db ? sqlite3_system_errno(db) : 0;
	kb_buf_printf(&b, "cannot %s %s: %s", what, path, db ? sqlite3_errmsg(db) : "out of memory");
	if (sys)
		kb_buf_printf(&b, " (%s)", strerror(sys));
	return kb_buf_take(&b, NULL);
}

store *store_open(const char *path, int readonly, char **err)
{
	sqlite3 *db = NULL;
	int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	flags |= SQLITE_OPEN_NOMUTEX; /* one connection per thread */
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK || search_sqlite_register(db)) {
		*err = open_error(path, db, "open");
		sqlite3_close(db);
		return NULL;
	}
	store *st = kb_calloc(1, sizeof *st);
	st->db = db;
	sqlite3_busy_timeout(db, 5000);
	sqlite3_extended_result_codes(db, 1);
	if (!readonly && sqlite3_db_readonly(db, "main") == 1) {
		kb_buf b = {0};
		kb_buf_printf(&b, "cannot write %s: the file is read-only", path);
		*err = kb_buf_take(&b, NULL);
		store_close(st);
		return NULL;
	}
	if (db_exec(st, "PRAGMA foreign_keys = ON") ||
	    (!readonly && db_exec(st, "PRAGMA journal_mode = WAL")) ||
	    db_exec(st, "PRAGMA synchronous = NORMAL") ||
	    /* 8 MB of page cache per connection holds the hot part of the
	     * search index. (A memory map measured no faster here and would
	     * count the mapped file in the server's resident size.) */
	    db_exec(st, "PRAGMA cache_size = -8000")) {
		*err = open_error(path, db, readonly ? "read" : "write");
		store_close(st);
		return NULL;
	}
	/* Probe for write access now, so "serve" fails at start with a clear
	 * message rather than at the first write. */
	if (!readonly && (db_exec(st, "BEGIN IMMEDIATE") || db_exec(st, "ROLLBACK"))) {
		*err = open_error(path, db, "write");
		store_close(st);
		return NULL;
	}
	if (!readonly && migrate(st)) {
		kb_buf b = {0};
		kb_buf_printf(&b, "cannot set up %s: %s", path, st->errmsg);
		*err = kb_buf_take(&b, NULL);
		store_close(st);
		return NULL;
	}
	return st;
}

void store_close(store *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < STMT_SLOTS; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_close(st->db);
	free(st);
}
