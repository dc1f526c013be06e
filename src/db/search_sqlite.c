/*
 * search_sqlite.c: full-text search on SQLite FTS5, with khabar's own
 * tokenizer built on src/text.
 *
 * The tokenizer ("khabar") turns text into the terms FTS5 stores:
 *   - a document word becomes its stem (normalised: nukta, chandrabindu,
 *     digits, case folded; Hindi endings removed), plus the Latin matching
 *     keys of the word and of the stem as colocated synonyms, so रक्षा is
 *     also found as "raksha" and कीमतें as "keemat";
 *   - a query word in Devanagari becomes its stem only; a query word in
 *     Latin letters becomes its Latin key only (which meets the synonyms);
 *   - a prefix query (राज*, rak*) uses the normalised word, not the stem.
 * Offsets are those of the original text, so snippets mark the right bytes.
 *
 * Queries are built from kb_search_query: every term is a quoted FTS5
 * string, so whatever a reader typed (" * : ( ) AND OR NEAR) is text, never
 * syntax.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../text/text.h"
#include "migrations.h"
#include "driver.h"
#include "sqlite.h"
#include "store_int.h"

/*
 * A document word's terms depend on its bytes alone, and a news site uses
 * the same few thousand words over and over, so each tokenizer keeps the
 * terms of recent document words (a direct-mapped cache of CACHE_SLOTS
 * words of up to CACHE_WORD bytes, about 4 MB): an index rebuild keys
 * each common word once instead of at every use. Queries, prefixes and
 * highlights are rare and go the long way.
 */
#define CACHE_SLOTS 16384
#define CACHE_WORD 60
#define CACHE_TERMS 190 /* bytes of terms, as add_term writes them */
/* Bulk work only: a tokenizer gets its cache at its CACHE_AFTER-th
 * document, so a server connection that saves a story now and then never
 * pays the 4 MB. */
#define CACHE_AFTER 256

typedef struct tok_slot {
	uint32_t hash;
	unsigned char wlen, tlen; /* wlen 0: empty */
	char word[CACHE_WORD];
	unsigned char terms[CACHE_TERMS];
} tok_slot;

typedef struct tok_cache {
	tok_slot slot[CACHE_SLOTS];
} tok_cache;

/* One per FTS5 table and connection (so one thread at a time). */
typedef struct tok_inst {
	tok_cache *cache;
	unsigned docs;
} tok_inst;

typedef struct tok_ctx {
	void *fts_ctx;
	int flags;
	int (*emit)(void *, int, const char *, int, int, int);
	const char *text;
	tok_cache *cache; /* NULL: do not cache (not a document) */
	kb_buf norm, stem, key, terms;
	text_key_bufs kb; /* text_latin_key's buffers, kept between words */
	int rc;
} tok_ctx;

/* Whether s has a Devanagari letter (U+0900..U+097F: E0 A4 xx, E0 A5 xx). */
static int has_devanagari(const char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if ((unsigned char)s[i] == 0xE0 &&
		    ((unsigned char)s[i + 1] == 0xA4 || (unsigned char)s[i + 1] == 0xA5))
			return 1;
	return 0;
}

/* Appends one term to c->terms as (colocated flag byte, size_t length,
 * bytes). */
static void add_term(tok_ctx *c, int colocated, const char *p, size_t n)
{
	kb_buf_putc(&c->terms, (char)colocated);
	kb_buf_append(&c->terms, &n, sizeof n);
	kb_buf_append(&c->terms, p, n);
}

/* Fills c->terms with the terms of the normalised word c->norm, in order. */
static void word_terms(tok_ctx *c)
{
	int deva = has_devanagari(c->norm.data, c->norm.len);
	int query = (c->flags & FTS5_TOKENIZE_QUERY) != 0;
	int prefix = (c->flags & FTS5_TOKENIZE_PREFIX) != 0;
	kb_buf_reset(&c->stem);
	kb_buf_reset(&c->key);
	if (prefix)
		kb_buf_append(&c->stem, c->norm.data, c->norm.len);
	else
		text_stem(&c->stem, c->norm.data, c->norm.len);

	/* A Latin query word is looked up by its key alone. */
	int stem_out = !(query && !deva) && c->stem.len;
	if (stem_out) {
		add_term(c, 0, c->stem.data, c->stem.len);
		/* A Devanagari query word: its stem. Highlights and snippets
		 * (FTS5_TOKENIZE_AUX) use only the offsets of a word's first
		 * term, never the text of its colocated synonyms. */
		if (query || (c->flags & FTS5_TOKENIZE_AUX))
			return;
	}
	int first = !stem_out;
	/* Documents also carry the Latin keys of the word and of its stem
	 * (कीमतें: "kimaten" and "kimat"), so "keemat" finds कीमतें. */
	text_latin_key_with(&c->key, c->norm.data, c->norm.len, 1, &c->kb);
	size_t k1 = c->key.len;
	if (!query && (c->stem.len != c->norm.len || memcmp(c->stem.data, c->norm.data, c->norm.len)))
		text_latin_key_with(&c->key, c->stem.data, c->stem.len, 0, &c->kb);
	const char *k = c->key.data;
	size_t lens[2] = {k1, c->key.len - k1};
	for (int i = 0; i < 2; i++) {
		const char *kp = i ? k + k1 : k;
		if (!lens[i] || (i && lens[1] == lens[0] && !memcmp(kp, k, lens[0])) ||
		    (stem_out && c->stem.len == lens[i] && !memcmp(kp, c->stem.data, lens[i])))
			continue;
		add_term(c, first ? 0 : 1, kp, lens[i]);
		first = 0;
	}
}

/* Emits the terms t[0..n) (as add_term wrote them) at start..end. */
static int emit_terms(tok_ctx *c, const unsigned char *t, size_t n, int start, int end)
{
	for (size_t i = 0; i < n && c->rc == SQLITE_OK;) {
		int colocated = t[i];
		size_t len;
		memcpy(&len, t + i + 1, sizeof len);
		const char *p = (const char *)t + i + 1 + sizeof len;
		c->rc = c->emit(c->fts_ctx, colocated ? FTS5_TOKEN_COLOCATED : 0, p, (int)len, start, end);
		i += 1 + sizeof len + len;
	}
	return c->rc != SQLITE_OK;
}

static uint32_t word_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static int on_token(void *ud, const text_token *t)
{
	tok_ctx *c = ud;
	const char *word = c->text + t->start;
	size_t wn = t->end - t->start;
	int start = (int)t->start, end = (int)t->end;
	tok_slot *slot = NULL;
	uint32_t h = 0;
	if (c->cache && wn > 0 && wn <= CACHE_WORD) {
		h = word_hash(word, wn);
		slot = &c->cache->slot[h & (CACHE_SLOTS - 1)];
		if (slot->wlen == wn && slot->hash == h && !memcmp(slot->word, word, wn))
			return emit_terms(c, slot->terms, slot->tlen, start, end);
	}
	kb_buf_reset(&c->norm);
	kb_buf_reset(&c->terms);
	text_normalise(&c->norm, word, wn, 0);
	if (c->norm.len)
		word_terms(c);
	if (slot && c->terms.len <= CACHE_TERMS) {
		slot->hash = h;
		slot->wlen = (unsigned char)wn;
		slot->tlen = (unsigned char)c->terms.len;
		memcpy(slot->word, word, wn);
		if (c->terms.len)
			memcpy(slot->terms, c->terms.data, c->terms.len);
	}
	return emit_terms(c, (const unsigned char *)c->terms.data, c->terms.len, start, end);
}

static int tok_create(void *ud, const char **argv, int argc, Fts5Tokenizer **out)
{
	tok_inst *t = calloc(1, sizeof *t);
	*out = (Fts5Tokenizer *)t;
	return t ? SQLITE_OK : SQLITE_NOMEM;
}

static void tok_delete(Fts5Tokenizer *t)
{
	tok_inst *in = (tok_inst *)t;
	if (in)
		free(in->cache);
	free(in);
}

static int tok_tokenize(Fts5Tokenizer *t, void *fts_ctx, int flags, const char *text, int n,
			int (*emit)(void *, int, const char *, int, int, int))
{
	tok_inst *in = (tok_inst *)t;
	tok_ctx c = {.fts_ctx = fts_ctx, .flags = flags, .emit = emit, .text = text, .rc = SQLITE_OK};
	if (flags == FTS5_TOKENIZE_DOCUMENT) {
		if (!in->cache && ++in->docs >= CACHE_AFTER)
			in->cache = calloc(1, sizeof *in->cache); /* NULL: go on without */
		c.cache = in->cache;
	}
	if (n > 0)
		text_tokenise(text, (size_t)n, on_token, &c);
	kb_buf_free(&c.norm);
	kb_buf_free(&c.stem);
	kb_buf_free(&c.key);
	kb_buf_free(&c.terms);
	text_key_bufs_free(&c.kb);
	return c.rc;
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

/* Appends term as an FTS5 string: "..." with quotes doubled. */
static void fts_string(kb_buf *b, const kb_search_term *t)
{
	kb_buf_putc(b, '"');
	for (const char *p = t->text; *p; p++) {
		if (*p == '"')
			kb_buf_putc(b, '"');
		kb_buf_putc(b, *p);
	}
	kb_buf_putc(b, '"');
	if (t->prefix)
		kb_buf_putc(b, '*');
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
		fts_string(b, &q->terms[i]);
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
 *  3. extracts for that slice only: from the summary when the match is
 *     there (short, so cheap to tokenise again), else from the body.
 * CROSS JOIN keeps the full-text index as the outer loop; otherwise SQLite
 * may walk the articles and run the MATCH once for each.
 */
#define SEARCH_POOL "300"
/* dialect: FTS5's snippet and bm25, and char() for the marks. */
#define SUMMARY_SNIPPET "snippet(search, 1, char(1), char(2), '…', 18)"
static const char search_sql[] =
	"WITH cand AS (SELECT search.rowid AS id, bm25(search, 10.0, 4.0, 1.0, 3.0, 2.0, 2.0) AS b, "
	"  a.published_at AS t FROM search CROSS JOIN articles a ON a.id = search.rowid " SEARCH_WHERE
	"  ORDER BY search.rowid DESC LIMIT " SEARCH_POOL "), "
	"top AS (SELECT id, b + $6 * (($7 - t) / 2592000.0) AS score FROM cand "
	"  ORDER BY score LIMIT $8 OFFSET $9) "
	"SELECT " ARTICLE_COLS ", CASE WHEN instr(" SUMMARY_SNIPPET ", char(1)) > 0 "
	"  THEN " SUMMARY_SNIPPET " ELSE snippet(search, 2, char(1), char(2), '…', 18) END, top.score "
	"FROM top CROSS JOIN search ON search.rowid = top.id CROSS JOIN articles a ON a.id = top.id " ARTICLE_JOINS
	"WHERE search MATCH $2 ORDER BY top.score";
/* Without filters every indexed row is a published article: no join. */
static const char count_sql[] =
	"SELECT count(*) FROM search CROSS JOIN articles a ON a.id = search.rowid " SEARCH_WHERE;
static const char count_all_sql[] = "SELECT count(*) FROM search WHERE search MATCH $2";

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

int store_search(store *st, kb_arena *a, const kb_search_query *q, kb_search_hit **out, size_t *n,
		 size_t *total)
{
	*out = NULL;
	*n = 0;
	*total = 0;
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
		db_bind_int(s, 1, 0);
		db_bind_double(s, 6, q->recency);
		db_bind_int(s, 7, kb_now());
		db_bind_int(s, 8, (int64_t)q->limit);
		db_bind_int(s, 9, (int64_t)q->offset);
		while (len < cap && (rc = db_step(s)) == DB_ROW) {
			store_row_article(a, s, &v[len].article);
			v[len].snippet = db_col_text(a, s, ARTICLE_NCOLS);
			v[len].score = db_col_double(s, ARTICLE_NCOLS + 1);
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
	int own_tx = !db_in_tx(st);
	if (own_tx && store_begin(st))
		return STORE_ERROR;
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
