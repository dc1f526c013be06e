/*
 * driver.c: driver.h on both databases, side by side: SQLite (the embedded
 * default) and PostgreSQL through pg.c (a --db that is a postgresql://
 * URL). The statement cache, transactions and errors are here; each call
 * goes to the connection the store has.
 *
 * SQLite: connections use WAL, foreign keys and a busy timeout, so readers
 * never block the writer and a second process (the CLI adding an article
 * while the server runs) waits instead of failing; the schema version is
 * SQLite's user_version and migrations.c has the steps.
 *
 * PostgreSQL: the schema is pg_schema.c's, its version in meta. The search
 * index's terms are written by khabar (search_pg.c), so every transaction
 * that may have changed a story's text writes them before it commits, and
 * a single statement that may have is run inside one (touches_text).
 *
 * This, search_sqlite.c's tokenizer and the PostgreSQL files (pg.c,
 * search_pg.c, pg_schema.c) are the only files that call a database
 * library; the store files above speak driver.h.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../search/terms.h"
#include "driver.h"
#include "migrations.h"
#include "pg.h"
#include "search_pg.h"
#include "sqlite.h"

/* Statement cache slots: a power of two, at least twice the number of
 * db_prepare call sites, so probes stay short. */
#define STMT_SLOTS 1024

/* A prepared statement of either kind. */
struct db_stmt {
	store *st;
	sqlite3_stmt *sq;
	pg_stmt *pg;
	/* PostgreSQL: a write that may change what the search index holds
	 * (it names one of the indexed tables), and a statement that only
	 * reads (it leaves db_changes alone, as on SQLite). */
	int touches_text, reads;
};

struct store {
	sqlite3 *db;  /* SQLite, or NULL */
	pg_conn *pgc; /* PostgreSQL, or NULL */
	/* Prepared statements in a hash table keyed by their SQL's address
	 * (a static string's). */
	const char *sql[STMT_SLOTS];
	db_stmt *stmt[STMT_SLOTS];
	/* PostgreSQL: rows the last write changed, and the term maker for
	 * the search index. */
	int64_t changes;
	search_terms *terms;
	/* LISTEN khabar_changes: 0 not yet, 1 on, 2 was on before the
	 * connection was lost. */
	int listening;
	char errmsg[512];
};

#define S(s) ((s)->sq)
#define PG(s) ((s)->pg)

/* Every failure recorded on any connection: /metrics' database errors. */
static atomic_uint_fast64_t g_db_errors;

uint64_t store_error_count(void)
{
	return atomic_load_explicit(&g_db_errors, memory_order_relaxed);
}

int db_fail(store *st, const char *what)
{
	atomic_fetch_add_explicit(&g_db_errors, 1, memory_order_relaxed);
	snprintf(st->errmsg, sizeof st->errmsg, "%s: %s", what, db_error(st));
	return STORE_ERROR;
}

int db_fail_msg(store *st, const char *msg)
{
	atomic_fetch_add_explicit(&g_db_errors, 1, memory_order_relaxed);
	snprintf(st->errmsg, sizeof st->errmsg, "%s", msg);
	return STORE_ERROR;
}

const char *db_error(store *st)
{
	return st->pgc ? pg_message(st->pgc) : sqlite3_errmsg(st->db);
}

const char *store_errmsg(store *st)
{
	return st->errmsg;
}

int db_is_pg(store *st)
{
	return st->pgc != NULL;
}

int db_exec(store *st, const char *sql)
{
	if (st->pgc) {
		if (pg_exec(st->pgc, sql))
			return db_fail_msg(st, pg_message(st->pgc));
		return STORE_OK;
	}
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

/* Whether sql is a write naming a table whose text the search index
 * holds (PostgreSQL: such a write must be followed by pg_search_flush
 * before it commits). Whole words only: "tags" but not "push_tags". */
static int touches_text(const char *sql)
{
	static const char *const tables[] = {"articles", "article_tags", "tags", "categories", "authors"};
	if (pg_reads_only(sql))
		return 0;
	for (size_t i = 0; i < KB_COUNT(tables); i++) {
		size_t n = strlen(tables[i]);
		for (const char *q = strstr(sql, tables[i]); q; q = strstr(q + 1, tables[i])) {
			int before = q == sql || !(q[-1] == '_' || (q[-1] >= 'a' && q[-1] <= 'z'));
			int after = !(q[n] == '_' || (q[n] >= 'a' && q[n] <= 'z'));
			if (before && after)
				return 1;
		}
	}
	return 0;
}

db_stmt *db_prepare(store *st, const char *sql)
{
	uint64_t h = (uint64_t)(uintptr_t)sql * 0x9E3779B97F4A7C15u;
	size_t i = (size_t)(h >> 40) & (STMT_SLOTS - 1), probes = 0;
	while (st->sql[i] && st->sql[i] != sql) {
		i = (i + 1) & (STMT_SLOTS - 1);
		if (++probes == STMT_SLOTS / 2)
			kb_fatal("too many statements: raise STMT_SLOTS in driver.c");
	}
	db_stmt *s = st->stmt[i];
	if (!s) {
		s = kb_calloc(1, sizeof *s);
		s->st = st;
		if (st->pgc) {
			/* PostgreSQL reads $N as it is; the statement goes to the
			 * server at its first step (pg.c). */
			s->pg = pg_prepare(st->pgc, sql);
			s->touches_text = touches_text(sql);
			s->reads = pg_reads_only(sql);
		} else {
			char *text = positional(sql);
			if (sqlite3_prepare_v3(st->db, text ? text : sql, -1, SQLITE_PREPARE_PERSISTENT,
					       &s->sq, NULL) != SQLITE_OK)
				/* The SQL is ours and fixed: failing to prepare it is a bug. */
				kb_fatal("bad SQL: %s: %s", sqlite3_errmsg(st->db), sql);
			free(text);
		}
		st->sql[i] = sql;
		st->stmt[i] = s;
	}
	if (s->pg) {
		pg_reset(s->pg);
	} else {
		sqlite3_reset(s->sq);
		sqlite3_clear_bindings(s->sq);
	}
	return s;
}

void db_bind_int(db_stmt *s, int i, int64_t v)
{
	if (s->pg)
		pg_bind_int(s->pg, i, v);
	else
		sqlite3_bind_int64(S(s), i, v);
}

void db_bind_double(db_stmt *s, int i, double v)
{
	if (s->pg)
		pg_bind_double(s->pg, i, v);
	else
		sqlite3_bind_double(S(s), i, v);
}

void db_bind_text(db_stmt *s, int i, const char *v)
{
	if (s->pg)
		pg_bind_text(s->pg, i, v ? v : "", v ? strlen(v) : 0);
	else
		sqlite3_bind_text(S(s), i, v ? v : "", -1, SQLITE_TRANSIENT);
}

void db_bind_blob(db_stmt *s, int i, const void *v, size_t n)
{
	if (s->pg)
		pg_bind_blob(s->pg, i, v, n);
	else
		sqlite3_bind_blob(S(s), i, v, (int)n, SQLITE_TRANSIENT);
}

void db_bind_null(db_stmt *s, int i)
{
	if (s->pg)
		pg_bind_null(s->pg, i);
	else
		sqlite3_bind_null(S(s), i);
}

search_terms *db_terms(store *st)
{
	if (!st->terms)
		st->terms = search_terms_new();
	return st->terms;
}

/* PostgreSQL: a write outside a transaction that may change indexed text
 * runs inside one, with the index written before it commits. */
static int pg_step_alone(db_stmt *s)
{
	store *st = s->st;
	if (pg_exec(st->pgc, "BEGIN"))
		return DB_ERROR;
	int rc = pg_step(s->pg);
	if (rc == PG_ERROR || pg_search_flush(st->pgc, db_terms(st)) || pg_exec(st->pgc, "COMMIT")) {
		/* Keep the statement's error, not the rollback's. */
		char msg[512];
		snprintf(msg, sizeof msg, "%s", pg_message(st->pgc));
		pg_exec(st->pgc, "ROLLBACK");
		db_fail_msg(st, msg);
		return DB_ERROR;
	}
	return rc;
}

void db_send(db_stmt *s)
{
	if (s->pg && s->reads)
		pg_send(s->pg);
}

int db_step(db_stmt *s)
{
	if (s->pg) {
		int first = !pg_started(s->pg);
		int rc = first && s->touches_text && !pg_in_tx(s->st->pgc) ? pg_step_alone(s)
									   : pg_step(s->pg);
		if (first && rc != DB_ERROR && !s->reads)
			s->st->changes = pg_changes(s->pg);
		return rc;
	}
	int rc = sqlite3_step(S(s));
	return rc == SQLITE_ROW ? DB_ROW : rc == SQLITE_DONE ? DB_DONE : DB_ERROR;
}

void db_reset(db_stmt *s)
{
	if (s->pg)
		pg_rewind(s->pg);
	else
		sqlite3_reset(S(s));
}

int64_t db_col_int(db_stmt *s, int i)
{
	return s->pg ? pg_col_int(s->pg, i) : sqlite3_column_int64(S(s), i);
}

double db_col_double(db_stmt *s, int i)
{
	return s->pg ? pg_col_double(s->pg, i) : sqlite3_column_double(S(s), i);
}

int db_col_is_null(db_stmt *s, int i)
{
	return s->pg ? pg_col_null(s->pg, i) : sqlite3_column_type(S(s), i) == SQLITE_NULL;
}

const char *db_col_peek(db_stmt *s, int i)
{
	if (s->pg)
		return pg_col_text(s->pg, i, NULL);
	const unsigned char *t = sqlite3_column_text(S(s), i);
	return t ? (const char *)t : "";
}

const char *db_col_text(kb_arena *a, db_stmt *s, int i)
{
	if (s->pg) {
		size_t n;
		const char *t = pg_col_text(s->pg, i, &n);
		return kb_arena_strndup(a, t, n);
	}
	const unsigned char *t = sqlite3_column_text(S(s), i);
	return kb_arena_strndup(a, t ? (const char *)t : "", (size_t)sqlite3_column_bytes(S(s), i));
}

const void *db_col_blob(db_stmt *s, int i, size_t *n)
{
	if (s->pg)
		return pg_col_blob(s->pg, i, n);
	const void *v = sqlite3_column_blob(S(s), i);
	*n = (size_t)sqlite3_column_bytes(S(s), i);
	return v;
}

int db_run(store *st, db_stmt *s, const char *what)
{
	int rc = db_step(s);
	db_reset(s);
	return rc == DB_DONE ? STORE_OK : db_fail(st, what);
}

int db_run_one(store *st, db_stmt *s, const char *what)
{
	if (db_run(st, s, what))
		return STORE_ERROR;
	return db_changes(st) ? STORE_OK : STORE_NOTFOUND;
}

int db_one(store *st, db_stmt *s, const char *what)
{
	int rc = db_step(s);
	if (rc == DB_ROW)
		return STORE_OK;
	db_reset(s);
	return rc == DB_DONE ? STORE_NOTFOUND : db_fail(st, what);
}

int db_read_begin(store *st)
{
	return !st->pgc && !db_in_tx(st) && !db_exec(st, "BEGIN");
}

void db_read_end(store *st, int opened)
{
	if (opened)
		db_exec(st, "COMMIT");
}

int db_begin(store *st)
{
	/* dialect: SQLite takes its one write lock at once. PostgreSQL's
	 * BEGIN takes row locks as it goes, so a store transaction also takes
	 * one lock for the database, held to its end: transactions that read
	 * and then decide (the login throttle, slugs, the push lease) see
	 * each other's work in the same order as on SQLite. The newsroom's
	 * writes are few; readers never take it. */
	return db_exec(st, st->pgc ? "BEGIN; SELECT pg_advisory_xact_lock(7250002)" : "BEGIN IMMEDIATE");
}

int db_commit(store *st)
{
	if (st->pgc && pg_search_flush(st->pgc, db_terms(st))) {
		db_fail(st, "cannot index the changed stories");
		char msg[sizeof st->errmsg];
		snprintf(msg, sizeof msg, "%s", st->errmsg);
		db_rollback(st);
		return db_fail_msg(st, msg);
	}
	return db_exec(st, "COMMIT");
}

void db_rollback(store *st)
{
	if (db_in_tx(st))
		db_exec(st, "ROLLBACK");
}

int db_in_tx(store *st)
{
	return st->pgc ? pg_in_tx(st->pgc) : !sqlite3_get_autocommit(st->db);
}

int64_t db_changes(store *st)
{
	return st->pgc ? st->changes : sqlite3_changes(st->db);
}

int db_unique_violation(store *st)
{
	if (st->pgc)
		return !strcmp(pg_sqlstate(st->pgc), "23505");
	int rc = sqlite3_extended_errcode(st->db);
	return rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY;
}

sqlite3 *sq_db(store *st)
{
	return st->db;
}

pg_conn *db_pg(store *st)
{
	return st->pgc;
}

/* ---- the connection ---- */

int store_schema_latest(void)
{
	return kb_migrations_count;
}

int store_schema_version(store *st)
{
	if (st->pgc) {
		static const char sql[] = "SELECT value FROM meta WHERE key = 'schema_version'";
		db_stmt *q = db_prepare(st, sql);
		int v = db_step(q) == DB_ROW ? (int)db_col_int(q, 0) : -1;
		db_reset(q);
		return v;
	}
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

/* How long one statement may run on PostgreSQL before the server stops
 * it, so a slow query cannot hold a worker; bulk work (import, copy,
 * rebuild) is done by commands, which open with readonly 0 as well, so
 * the limit is generous. */
#define PG_STATEMENT_TIMEOUT_MS 30000

static store *open_pg(const char *url, int readonly, char **err)
{
	pg_conn *c = pg_open(url, PG_STATEMENT_TIMEOUT_MS, err);
	if (!c)
		return NULL;
	store *st = kb_calloc(1, sizeof *st);
	st->pgc = c;
	if (!readonly) {
		kb_buf e = {0};
		if (!pg_schema_migrate(c, &e) && store_search_terms_check(st))
			kb_buf_puts(&e, st->errmsg);
		if (e.len) {
			kb_buf b = {0};
			kb_buf_printf(&b, "cannot set up the database at %s: %s", pg_where(c),
				      kb_buf_str(&e));
			kb_buf_free(&e);
			*err = kb_buf_take(&b, NULL);
			store_close(st);
			return NULL;
		}
		kb_buf_free(&e);
	}
	return st;
}

int store_is_url(const char *path)
{
	return pg_is_url(path);
}

store *store_open(const char *path, int readonly, char **err)
{
	if (pg_is_url(path))
		return open_pg(path, readonly, err);
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
	if (!readonly && (migrate(st) || store_search_terms_check(st))) {
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
		if (st->stmt[i]) {
			sqlite3_finalize(st->stmt[i]->sq);
			free(st->stmt[i]);
		}
	/* pg_close frees its statements. */
	pg_close(st->pgc);
	sqlite3_close(st->db);
	search_terms_free(st->terms);
	free(st);
}

int store_wait_change(store *st, int timeout_ms)
{
	if (!st->pgc)
		return db_fail_msg(st, "a SQLite database announces no changes: read the changes log");
	if (st->listening != 1 || pg_lost(st->pgc)) {
		/* pg_exec reconnects a lost connection; a new session listens
		 * to nothing until told. */
		int again = st->listening != 0;
		st->listening = again ? 2 : 0;
		if (pg_exec(st->pgc, "LISTEN khabar_changes"))
			return db_fail(st, "cannot listen for changes");
		st->listening = 1;
		/* What came before the LISTEN was announced to nobody here:
		 * the caller looks at the log now. */
		return again ? STORE_LISTENING_AGAIN : 1;
	}
	char *payload;
	int rc = pg_wait_notify(st->pgc, timeout_ms, &payload);
	/* Several commits may have been announced: one look at the log
	 * covers them all. */
	if (rc == 1) {
		do
			free(payload);
		while ((rc = pg_wait_notify(st->pgc, 0, &payload)) == 1);
		rc = rc < 0 ? -1 : 1;
	}
	if (rc < 0)
		return db_fail(st, "lost the connection while listening for changes");
	return rc;
}

int store_unavailable(store *st)
{
	return st->pgc && pg_lost(st->pgc);
}
