/*
 * search_sqlite.c: full-text search on SQLite FTS5, with khabar's own
 * tokenizer built on src/text.
 *
 * The tokenizer ("khabar") gives FTS5 the terms of src/search/terms.h;
 * offsets are those of the original text, so snippets mark the right bytes.
 *
 * Queries are built from kb_search_query: every term is a quoted FTS5
 * string, so whatever a reader typed (" * : ( ) AND OR NEAR) is text, never
 * syntax.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../search/terms.h"
#include "driver.h"
#include "migrations.h"
#include "pg_text.h"
#include "search_pg.h"
#include "sqlite.h"
#include "store_int.h"

/* One tokenize call. The tokenizer itself is a search_terms: one per FTS5
 * table and connection (so one thread at a time). */
typedef struct tok_ctx {
	void *fts_ctx;
	int (*emit)(void *, int, const char *, int, int, int);
} tok_ctx;

static int on_term(void *ud, int colocated, const char *term, size_t len, size_t start, size_t end)
{
	tok_ctx *c = ud;
	return c->emit(c->fts_ctx, colocated ? FTS5_TOKEN_COLOCATED : 0, term, (int)len, (int)start,
		       (int)end);
}

static int tok_create(void *ud, const char **argv, int argc, Fts5Tokenizer **out)
{
	*out = (Fts5Tokenizer *)search_terms_new();
	return *out ? SQLITE_OK : SQLITE_NOMEM;
}

static void tok_delete(Fts5Tokenizer *t)
{
	search_terms_free((search_terms *)t);
}

static int tok_tokenize(Fts5Tokenizer *t, void *fts_ctx, int flags, const char *text, int n,
			int (*emit)(void *, int, const char *, int, int, int))
{
	tok_ctx c = {.fts_ctx = fts_ctx, .emit = emit};
	unsigned f = (flags & FTS5_TOKENIZE_QUERY ? TERMS_QUERY : 0) |
		     (flags & FTS5_TOKENIZE_PREFIX ? TERMS_PREFIX : 0) |
		     (flags & FTS5_TOKENIZE_AUX ? TERMS_HIGHLIGHT : 0);
	if (n <= 0)
		return SQLITE_OK;
	size_t mark = sizeof TERMS_EXACT_PREFIX - 1;
	if ((f & TERMS_QUERY) && (size_t)n >= mark && !memcmp(text, TERMS_EXACT_PREFIX, mark)) {
		f |= TERMS_EXACT;
		text += mark;
		n -= (int)mark;
	}
	return search_terms_each((search_terms *)t, f, text, (size_t)n, on_term, &c);
}

int search_sqlite_register(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_pointer(s, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(s);
	sqlite3_finalize(s);
	if (!api)
		return -1;
	static fts5_tokenizer tok = {tok_create, tok_delete, tok_tokenize};
	return api->xCreateTokenizer(api, "khabar", NULL, &tok, NULL) == SQLITE_OK ? 0 : -1;
}

/* Appends term as an FTS5 string: "..." with quotes doubled; exact:
 * asking for its exact forms (terms.h). */
static void fts_string_as(kb_buf *b, const kb_search_term *t, int exact)
{
	kb_buf_putc(b, '"');
	if (exact)
		kb_buf_puts(b, TERMS_EXACT_PREFIX);
	for (const char *p = t->text; *p; p++) {
		if (*p == '"')
			kb_buf_putc(b, '"');
		kb_buf_putc(b, *p);
	}
	kb_buf_putc(b, '"');
	if (t->prefix)
		kb_buf_putc(b, '*');
}

static void fts_string(kb_buf *b, const kb_search_term *t)
{
	fts_string_as(b, t, 0);
}

/* Builds the MATCH expression; returns 0 if q has no positive term. */
static int build_match(const kb_search_query *q, kb_buf *b)
{
	int pos = 0;
	kb_buf_putc(b, '(');
	for (size_t i = 0; i < q->nterms; i++) {
		if (q->terms[i].negate)
			continue;
		if (pos++)
			kb_buf_puts(b, q->any ? " OR " : " AND ");
		/* A word or phrase: its stems (or Latin keys), or its exact
		 * forms, which only stories the first matches have: the matches
		 * are the first's, and bm25 counts the exact forms on top. */
		const kb_search_term *t = &q->terms[i];
		if (!t->prefix) {
			kb_buf_putc(b, '(');
			fts_string(b, t);
			kb_buf_puts(b, " OR ");
			fts_string_as(b, t, 1);
			kb_buf_putc(b, ')');
		} else {
			fts_string(b, t);
		}
	}
	kb_buf_putc(b, ')');
	for (size_t i = 0; pos && i < q->nterms; i++) {
		if (!q->terms[i].negate)
			continue;
		kb_buf_puts(b, " NOT ");
		fts_string(b, &q->terms[i]);
	}
	return pos;
}

#define SEARCH_WHERE                                                                 \
	"WHERE search MATCH $2 AND " PUBLISHED "AND ($3 = 0 OR a.category_id = $3) " \
	"AND ($4 = 0 OR a.published_at >= $4) AND ($5 = 0 OR a.published_at < $5) "

/*
 * Title first, then summary and tags; body weighs least. Recency: every
 * 30 days of age cost $6 bm25 units, so between equal matches the
 * newer story wins, and a much better match still wins over a newer one.
 *
 * Three steps keep a common word fast on a big archive:
 *  1. cand: the newest SEARCH_POOL matches (FTS5 walks its index by rowid,
 *     newest first, and stops), each with its bm25. Articles get rowids in
 *     the order they are added, so for news these are the recent ones; a
 *     query with fewer matches is ranked exactly.
 *  2. top: those ranked with recency; the page's slice.
 *  3. extracts for that slice only, made here (search_snippet, as on
 *     PostgreSQL) from the summary when the match is there, else from
 *     the body. Not FTS5's snippet(): that needs the MATCH again for each
 *     row, and a prefix's MATCH merges the lists of every word it starts
 *     (raj*: 2.5 ms each, 25 ms a page).
 * CROSS JOIN keeps the full-text index as the outer loop; otherwise SQLite
 * may walk the articles and run the MATCH once for each.
 */
#define SEARCH_POOL KB_STRINGIFY(STORE_SEARCH_POOL)
#define COUNT_UPTO KB_STRINGIFY(STORE_SEARCH_POOL) " + 1"
/* dialect: FTS5's bm25. */
static const char search_sql[] =
	"WITH cand AS (SELECT search.rowid AS id, bm25(search, 10.0, 4.0, 1.0, 3.0, 2.0, 2.0) AS b, "
	"  a.published_at AS t FROM search CROSS JOIN articles a ON a.id = search.rowid " SEARCH_WHERE
	"  ORDER BY search.rowid DESC LIMIT " SEARCH_POOL "), "
	"top AS (SELECT id, b + $6 * (($7 - t) / 2592000.0) AS score FROM cand "
	"  ORDER BY score LIMIT $8 OFFSET $9) "
	"SELECT " ARTICLE_COLS ", top.score FROM top CROSS JOIN articles a ON a.id = top.id " ARTICLE_JOINS
	"ORDER BY top.score";
/* Without filters every indexed row is a published article: no join. */
static const char count_sql[] = "SELECT count(*) FROM (SELECT 1 FROM search CROSS JOIN articles a "
				"ON a.id = search.rowid " SEARCH_WHERE " LIMIT " COUNT_UPTO ")";
static const char count_all_sql[] =
	"SELECT count(*) FROM (SELECT 1 FROM search WHERE search MATCH $2 LIMIT " COUNT_UPTO ")";

/* Binds the match ($2) and the filters ($3 to $5). The counts use no $1
 * (ARTICLE_COLS's) and count_all_sql no filter: SQLite takes a binding a
 * statement does not use. (dialect: all of MATCH, bm25 and snippet are
 * FTS5's; PostgreSQL would need its own text of these statements.) */
static void bind_query(db_stmt *s, const kb_search_query *q, const char *match)
{
	db_bind_text(s, 2, match);
	db_bind_int(s, 3, q->category_id);
	db_bind_int(s, 4, q->from);
	db_bind_int(s, 5, q->to);
}

static int search_once(store *st, kb_arena *a, const kb_search_query *q, kb_search_hit **out, size_t *n,
		       size_t *total)
{
	*out = NULL;
	*n = 0;
	*total = 0;
	if (db_is_pg(st))
		return store_search_pg(st, a, q, out, n, total);
	kb_buf match = {0};
	if (!build_match(q, &match)) {
		kb_buf_free(&match);
		return STORE_OK;
	}
	int filtered = q->category_id || q->from || q->to;
	db_stmt *s = db_prepare(st, filtered ? count_sql : count_all_sql);
	bind_query(s, q, match.data);
	int rc = db_step(s);
	if (rc == DB_ROW)
		*total = (size_t)db_col_int(s, 0);
	db_reset(s);
	if (rc != DB_ROW) {
		kb_buf_free(&match);
		return db_fail(st, "cannot search");
	}
	size_t cap = q->limit ? q->limit : 1, len = 0;
	kb_search_hit *v = kb_arena_alloc(a, cap * sizeof *v);
	if (*total > q->offset) {
		s = db_prepare(st, search_sql);
		bind_query(s, q, match.data);
		db_bind_int(s, 1, 1); /* with the body, for extracts */
		db_bind_double(s, 6, q->recency);
		db_bind_int(s, 7, kb_now());
		db_bind_int(s, 8, (int64_t)q->limit);
		db_bind_int(s, 9, (int64_t)q->offset);
		while (len < cap && (rc = db_step(s)) == DB_ROW) {
			kb_article *art = &v[len].article;
			store_row_article(a, s, art);
			v[len].snippet = search_snippet(db_terms(st), a, q, art->summary, 18);
			if (!v[len].snippet)
				v[len].snippet = search_snippet(db_terms(st), a, q, art->body, 18);
			if (!v[len].snippet)
				v[len].snippet = "";
			art->body = ""; /* hits come without the body (store.h) */
			v[len].score = db_col_double(s, ARTICLE_NCOLS);
			len++;
		}
		db_reset(s);
		if (rc != DB_ROW && rc != DB_DONE) {
			kb_buf_free(&match);
			return db_fail(st, "cannot search");
		}
	}
	kb_buf_free(&match);
	*out = v;
	*n = len;
	return STORE_OK;
}

int store_search_pause(store *st)
{
	static const char sql[] =
		"INSERT INTO meta(key, value) VALUES('search_paused', 1) ON CONFLICT DO NOTHING";
	db_stmt *s = db_prepare(st, sql);
	int rc = db_step(s);
	db_reset(s);
	return rc == DB_DONE ? STORE_OK : db_fail(st, "cannot pause the search index");
}

int store_search_rebuild(store *st)
{
	/* Dropping the table is much faster than deleting its rows, which
	 * FTS5 does by tokenising every old row again. */
	static const char *const steps[] = {
		"DROP TABLE search",
		SEARCH_TABLE_SQL,
		("INSERT INTO search(rowid, title, summary, body, tags, category, author) "
		 "SELECT * FROM search_source"),
		"DELETE FROM meta WHERE key = 'search_paused'",
	};
	static const char resume[] = "DELETE FROM meta WHERE key = 'search_paused'";
	int own_tx = !db_in_tx(st);
	if (own_tx && store_begin(st))
		return STORE_ERROR;
	if (db_is_pg(st)) {
		/* dialect: on PostgreSQL khabar writes the terms itself. */
		if (pg_search_rebuild(db_pg(st), db_terms(st)) ||
		    db_run(st, db_prepare(st, resume), "cannot rebuild the search index")) {
			db_fail(st, "cannot rebuild the search index");
			if (own_tx)
				store_rollback(st);
			return STORE_ERROR;
		}
		return own_tx ? store_commit(st) : STORE_OK;
	}
	for (size_t i = 0; i < KB_COUNT(steps); i++) {
		if (db_exec(st, steps[i])) {
			db_fail(st, "cannot rebuild the search index");
			if (own_tx)
				store_rollback(st);
			return STORE_ERROR;
		}
	}
	return own_tx ? store_commit(st) : STORE_OK;
}

int store_bulk_begin(store *st)
{
	static const char sql[] =
		"INSERT INTO meta(key, value) VALUES('bulk_load', 1) ON CONFLICT DO NOTHING";
	if (store_search_pause(st))
		return STORE_ERROR;
	return db_run(st, db_prepare(st, sql), "cannot pause the change log");
}

int store_bulk_end(store *st)
{
	static const char *const sql[] = {
		"DELETE FROM meta WHERE key = 'bulk_load'",
		"UPDATE meta SET value = value + 1 WHERE key = 'content_version'",
	};
	if (store_search_rebuild(st))
		return STORE_ERROR;
	for (size_t i = 0; i < KB_COUNT(sql); i++)
		if (db_run(st, db_prepare(st, sql[i]), "cannot resume the change log"))
			return STORE_ERROR;
	return STORE_OK;
}

int store_search_terms_check(store *st)
{
	/* meta's search_terms names the edition the index was built with; a
	 * database from before it was kept has the first. */
	static const char get[] = "SELECT coalesce((SELECT value FROM meta WHERE key = 'search_terms'), 1)";
	static const char set[] = "INSERT INTO meta(key, value) VALUES('search_terms', $1) "
				  "ON CONFLICT(key) DO UPDATE SET value = excluded.value";
	db_stmt *s = db_prepare(st, get);
	if (db_one(st, s, "cannot read the search index's edition"))
		return STORE_ERROR;
	int64_t v = db_col_int(s, 0);
	db_reset(s);
	if (v == SEARCH_TERMS_VERSION)
		return STORE_OK;
	if (store_begin(st))
		return STORE_ERROR;
	s = db_prepare(st, set);
	db_bind_int(s, 1, SEARCH_TERMS_VERSION);
	if (store_search_rebuild(st) || db_run(st, s, "cannot record the search index's edition")) {
		store_rollback(st);
		return STORE_ERROR;
	}
	return store_commit(st);
}

/* The most phrase matches put first (see store_search). */
#define PHRASE_POOL 300

/* Whether q is two or three words typed in Latin letters and nothing
 * else (no phrase, prefix, exclusion or "any"). */
static int latin_words(const kb_search_query *q)
{
	if (q->any || q->nterms < 2 || q->nterms > 3)
		return 0;
	for (size_t i = 0; i < q->nterms; i++) {
		const kb_search_term *t = &q->terms[i];
		if (t->phrase || t->negate || t->prefix || !*t->text)
			return 0;
		for (const char *c = t->text; *c; c++)
			if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
				return 0;
	}
	return 1;
}

/*
 * Names and phrases typed in Latin ("virat kohli", "lal kila", issue 22
 * class 5): the stories with the words side by side, in that order, come
 * first (ranked among themselves), then the others that have them all, as
 * ranked. The count is the plain query's. The phrase's matches are taken
 * up to PHRASE_POOL (a phrase that common is what the results show
 * anyway); the page is cut from the two lists joined.
 */
int store_search(store *st, kb_arena *a, const kb_search_query *q, kb_search_hit **out, size_t *n,
		 size_t *total)
{
	if (!latin_words(q) || !q->limit)
		return search_once(st, a, q, out, n, total);
	kb_buf text = {0};
	for (size_t i = 0; i < q->nterms; i++) {
		if (i)
			kb_buf_putc(&text, ' ');
		kb_buf_puts(&text, q->terms[i].text);
	}
	kb_search_term phrase = {.text = kb_buf_to_arena(a, &text), .phrase = 1};
	kb_search_query pq = *q;
	pq.terms = &phrase;
	pq.nterms = 1;
	pq.offset = 0;
	pq.limit = q->offset + q->limit < PHRASE_POOL ? q->offset + q->limit : PHRASE_POOL;
	kb_search_hit *ph, *all;
	size_t np, nall, ptotal;
	if (search_once(st, a, &pq, &ph, &np, &ptotal))
		return STORE_ERROR;
	if (!np)
		return search_once(st, a, q, out, n, total);
	kb_search_query aq = *q;
	aq.offset = 0;
	aq.limit = q->offset + q->limit + np;
	if (search_once(st, a, &aq, &all, &nall, total))
		return STORE_ERROR;
	kb_search_hit *v = kb_arena_alloc(a, q->limit * sizeof *v);
	size_t got = 0, at = 0;
	for (size_t i = 0; i < np + nall && got < q->limit; i++) {
		const kb_search_hit *h = i < np ? &ph[i] : &all[i - np];
		if (i >= np) {
			int seen = 0;
			for (size_t j = 0; j < np && !seen; j++)
				seen = ph[j].article.id == h->article.id;
			if (seen)
				continue;
		}
		if (at++ >= q->offset)
			v[got++] = *h;
	}
	*out = v;
	*n = got;
	return STORE_OK;
}
