/*
 * search_pg.c: full-text search on PostgreSQL, with the same terms as
 * SQLite's FTS5 index (src/search/terms.h) stored as a tsvector per
 * published article and a GIN index over them (pg_schema.sql).
 *
 * Keeping the index: PostgreSQL cannot run khabar's text engine, so the
 * triggers only note which articles changed (search_dirty) and
 * pg_search_flush writes their terms, in the writer's own transaction,
 * before it commits: the index never disagrees with what is published.
 *
 * Searching: as on SQLite, in three steps that keep a common word fast
 * on a big archive: the newest SEARCH_POOL matches, found through the GIN
 * index; those ranked (ts_rank with the field weights, plus the same
 * recency cost per 30 days of age); and the page's slice, whose extracts
 * search_snippet makes. One statement does the three and counts the matches,
 * and one more reads the page's articles.
 */
#include "search_pg.h"

#include <string.h>

#include "pg_text.h"
#include "store_int.h"

/* Each match's rank, ts_rank's 0..1 scaled to about bm25's range, so the
 * recency setting (bm25 units per 30 days) means the same on both. */
#define RANK_SCALE "20.0"
#define SEARCH_POOL KB_STRINGIFY(STORE_SEARCH_POOL)
#define COUNT_UPTO KB_STRINGIFY(STORE_SEARCH_POOL) " + 1"

/* The next 500 published articles after id $1, as search_source gives
 * them: a rebuild and a check walk the index in these batches. */
static const char source_batch[] = "SELECT id, title, summary, body, tags, category, author "
				   "FROM search_source WHERE id > $1 ORDER BY id LIMIT 500";

/* Appends to doc the tsvector of the search_source row in row (its id in
 * column 0, the fields after it). */
static void row_doc(search_terms *t, pg_stmt *row, kb_buf *doc)
{
	const char *f[PG_FIELDS];
	for (int i = 0; i < PG_FIELDS; i++)
		f[i] = pg_col_text(row, i + 1, NULL);
	pg_tsvector(t, f, doc);
}

/* Appends v to the array literal in arr ("{" first, "}" by the caller),
 * double-quoted with its quotes and backslashes escaped. */
static void array_add(kb_buf *arr, const char *v, size_t n)
{
	kb_buf_puts(arr, arr->len > 1 ? ",\"" : "\"");
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '"' || v[i] == '\\')
			kb_buf_putc(arr, '\\');
		kb_buf_putc(arr, v[i]);
	}
	kb_buf_putc(arr, '"');
}

/* Runs a statement whose rows are search_source rows and writes their
 * documents, all in one statement: a round trip to the server per batch
 * of 500, not per story, which a database across a network would make
 * the larger part of a rebuild. Returns how many, or -1, and the last
 * row's id in *last. */
static int64_t write_rows(pg_conn *c, search_terms *t, pg_stmt *rows, int64_t *last)
{
	static const char upsert[] = "INSERT INTO search(id, doc) "
				     "SELECT * FROM unnest($1::bigint[], $2::tsvector[]) "
				     "ON CONFLICT (id) DO UPDATE SET doc = excluded.doc";
	kb_buf ids = {0}, docs = {0}, doc = {0};
	kb_buf_putc(&ids, '{');
	kb_buf_putc(&docs, '{');
	int64_t n = 0;
	int rc;
	while ((rc = pg_step(rows)) == PG_ROW) {
		*last = pg_col_int(rows, 0);
		kb_buf_printf(&ids, "%s%lld", n ? "," : "", (long long)*last);
		kb_buf_reset(&doc);
		row_doc(t, rows, &doc);
		array_add(&docs, doc.data ? doc.data : "", doc.len);
		n++;
	}
	pg_reset(rows);
	kb_buf_putc(&ids, '}');
	kb_buf_putc(&docs, '}');
	if (rc == PG_DONE && n) {
		pg_stmt *s = pg_prepare(c, upsert);
		pg_bind_text(s, 1, ids.data, ids.len);
		pg_bind_text(s, 2, docs.data, docs.len);
		rc = pg_step(s);
		pg_reset(s);
	}
	kb_buf_free(&ids);
	kb_buf_free(&docs);
	kb_buf_free(&doc);
	return rc == PG_DONE ? n : -1;
}

int pg_search_flush(pg_conn *c, search_terms *t)
{
	/* The dirty marks go in the same statement that reads what they
	 * name; a story that left "published" has no search_source row (its
	 * index row went when it left). */
	static const char dirty[] = "WITH d AS (DELETE FROM search_dirty RETURNING article_id) "
				    "SELECT s.id, s.title, s.summary, s.body, s.tags, s.category, s.author "
				    "FROM search_source s JOIN d ON d.article_id = s.id";
	int64_t last;
	return write_rows(c, t, pg_prepare(c, dirty), &last) < 0 ? -1 : 0;
}

int pg_search_rebuild(pg_conn *c, search_terms *t)
{
	if (pg_exec(c, "DELETE FROM search; DELETE FROM search_dirty"))
		return -1;
	for (int64_t after = 0;;) {
		pg_stmt *s = pg_prepare(c, source_batch);
		pg_bind_int(s, 1, after);
		int64_t n = write_rows(c, t, s, &after);
		if (n <= 0)
			return n < 0 ? -1 : 0;
	}
}

/*
 * One statement gives the count and the page, so the matches are found
 * once: m, the matches; cand, the newest SEARCH_POOL of them; page,
 * those ranked and sliced. The count's row (up to one more than the
 * pool: store.h) comes first in a LEFT JOIN, so it is there when the
 * page is empty.
 *
 * Without filters every indexed row is a published article (as on
 * SQLite), so m is just the newest matches (kb_search_newest: the index
 * holds each id, so a common word is not every match found and sorted)
 * and the articles are read for the pool only. With a category
 * or dates each match is looked up by key: a LATERAL with OFFSET 0,
 * which PostgreSQL keeps a nested loop (left to itself it merges or
 * hashes against the whole articles table: a second on 100,000 stories).
 */
#define MATCHES_ALL \
	"m AS MATERIALIZED (SELECT id FROM kb_search_newest($1::tsquery, " COUNT_UPTO ") AS m(id)), "
#define MATCHES_FILTERED                                                                                \
	"m AS MATERIALIZED (SELECT m.id FROM kb_search_match($1::tsquery) AS m(id) CROSS JOIN LATERAL " \
	"  (SELECT 1 FROM articles a WHERE a.id = m.id AND a.status = 'published' "                     \
	"  AND ($2::bigint = 0 OR a.category_id = $2::bigint) "                                         \
	"  AND ($3::bigint = 0 OR a.published_at >= $3::bigint) "                                       \
	"  AND ($4::bigint = 0 OR a.published_at < $4::bigint) OFFSET 0) x), "
/* Ranks are computed for the pool only: ts_rank reads each document,
 * which a common word's every match would cost. */
#define RANKED_PAGE                                                                                 \
	"cand AS MATERIALIZED (SELECT id FROM m ORDER BY id DESC LIMIT " SEARCH_POOL "), "          \
	"page AS (SELECT c.id, -ts_rank('{0.1, 0.2, 0.4, 1.0}', s.doc, $1::tsquery) * " RANK_SCALE  \
	"  + $5::float8 * (($6::bigint - a.published_at) / 2592000.0) AS score, a.summary, a.body " \
	"  FROM cand c JOIN search s ON s.id = c.id JOIN articles a ON a.id = c.id "                \
	"  WHERE a.status = 'published' ORDER BY score, c.id DESC LIMIT $7 OFFSET $8) "             \
	"SELECT n.total, p.id, p.score, p.summary, p.body "                                         \
	"FROM (SELECT count(*) AS total FROM (SELECT 1 FROM m LIMIT " COUNT_UPTO ") x) n "          \
	"LEFT JOIN page p ON true ORDER BY p.score, p.id DESC"
static const char search_all_sql[] = "WITH " MATCHES_ALL RANKED_PAGE;
static const char search_sql[] = "WITH " MATCHES_FILTERED RANKED_PAGE;

int pg_search_ids(pg_conn *c, search_terms *t, kb_arena *a, const kb_search_query *q, pg_search_row **out,
		  size_t *n, size_t *total)
{
	*out = NULL;
	*n = *total = 0;
	kb_buf tsq = {0};
	if (!pg_tsquery(t, q, &tsq)) {
		kb_buf_free(&tsq);
		return 0;
	}
	int filtered = q->category_id || q->from || q->to;
	pg_stmt *s = pg_prepare(c, filtered ? search_sql : search_all_sql);
	pg_bind_text(s, 1, tsq.data, tsq.len);
	pg_bind_int(s, 2, q->category_id);
	pg_bind_int(s, 3, q->from);
	pg_bind_int(s, 4, q->to);
	pg_bind_double(s, 5, q->recency);
	pg_bind_int(s, 6, kb_now());
	pg_bind_int(s, 7, (int64_t)q->limit);
	pg_bind_int(s, 8, (int64_t)q->offset);
	size_t cap = q->limit ? q->limit : 1, len = 0;
	pg_search_row *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = pg_step(s)) == PG_ROW) {
		*total = (size_t)pg_col_int(s, 0);
		if (pg_col_null(s, 1) || len == cap)
			continue; /* the count alone: no page */
		v[len].id = pg_col_int(s, 1);
		v[len].score = pg_col_double(s, 2);
		/* From the summary when the match is there, else from the
		 * body, as on SQLite. */
		v[len].snippet = search_snippet(t, a, q, pg_col_text(s, 3, NULL), 18);
		if (!v[len].snippet)
			v[len].snippet = search_snippet(t, a, q, pg_col_text(s, 4, NULL), 18);
		if (!v[len].snippet)
			v[len].snippet = "";
		len++;
	}
	pg_reset(s);
	kb_buf_free(&tsq);
	if (rc != PG_DONE)
		return -1;
	*out = v;
	*n = len;
	return 0;
}

int pg_search_check(pg_conn *c, search_terms *t, kb_buf *problems)
{
	static const char counts[] =
		"SELECT (SELECT count(*) FROM search_dirty), "
		"(SELECT count(*) FROM search s JOIN articles a ON a.id = s.id WHERE a.status <> 'published'), "
		"(SELECT count(*) FROM articles a WHERE a.status = 'published' "
		"  AND NOT EXISTS (SELECT 1 FROM search s WHERE s.id = a.id))";
	static const char same[] = "SELECT doc = $2::tsvector FROM search WHERE id = $1";
	pg_stmt *s = pg_prepare(c, counts);
	if (pg_step(s) != PG_ROW)
		return -1;
	static const char *const what[] = {"articles waiting to be indexed", "unpublished articles indexed",
					   "published articles not indexed"};
	for (int i = 0; i < 3; i++)
		if (pg_col_int(s, i))
			kb_buf_printf(problems, "%ssearch index: %lld %s", problems->len ? "\n" : "",
				      (long long)pg_col_int(s, i), what[i]);
	pg_reset(s);
	/* Each document against the terms its text gives today. */
	int64_t stale = 0, first = 0;
	for (int64_t after = 0;;) {
		pg_stmt *rows = pg_prepare(c, source_batch);
		pg_bind_int(rows, 1, after);
		int rc, n = 0;
		/* A batch's rows stay in its result while the checks run
		 * (a different statement). */
		while ((rc = pg_step(rows)) == PG_ROW) {
			kb_buf doc = {0};
			row_doc(t, rows, &doc);
			after = pg_col_int(rows, 0);
			pg_stmt *q = pg_prepare(c, same);
			pg_bind_int(q, 1, after);
			pg_bind_text(q, 2, kb_buf_str(&doc), doc.len);
			int qrc = pg_step(q);
			if (qrc == PG_ROW && !pg_col_int(q, 0) && !stale++)
				first = after;
			pg_reset(q);
			kb_buf_free(&doc);
			if (qrc == PG_ERROR) {
				pg_reset(rows);
				return -1;
			}
			n++;
		}
		pg_reset(rows);
		if (rc != PG_DONE)
			return -1;
		if (!n)
			break;
	}
	if (stale)
		kb_buf_printf(problems,
			      "%ssearch index: %lld articles indexed with other text (the first: %lld)",
			      problems->len ? "\n" : "", (long long)stale, (long long)first);
	return 0;
}

int store_search_pg(store *st, kb_arena *a, const kb_search_query *q, kb_search_hit **out, size_t *n,
		    size_t *total)
{
	/* The page's articles in one statement (not one each: a round
	 * trip to the server costs about as much as reading the row). */
	static const char by_ids[] = "SELECT " ARTICLE_COLS ARTICLE_FROM "WHERE a.id = ANY ($2::bigint[])";
	pg_search_row *rows;
	size_t k;
	*out = NULL;
	*n = 0;
	if (pg_search_ids(db_pg(st), db_terms(st), a, q, &rows, &k, total))
		return db_fail(st, "cannot search");
	kb_search_hit *v = kb_arena_alloc(a, (k ? k : 1) * sizeof *v);
	if (!k)
		goto done;
	kb_buf ids = {0};
	kb_buf_putc(&ids, '{');
	for (size_t i = 0; i < k; i++)
		kb_buf_printf(&ids, "%s%lld", i ? "," : "", (long long)rows[i].id);
	kb_buf_putc(&ids, '}');
	db_stmt *s = db_prepare(st, by_ids);
	db_bind_int(s, 1, 0);
	db_bind_text(s, 2, kb_buf_str(&ids));
	kb_buf_free(&ids);
	/* Each row goes to its match's place; a match whose article was
	 * deleted since is left out. */
	kb_article *art = kb_arena_alloc(a, k * sizeof *art);
	char *have = kb_arena_alloc(a, k);
	memset(have, 0, k);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t id = db_col_int(s, 0);
		for (size_t i = 0; i < k; i++)
			if (rows[i].id == id && !have[i]) {
				store_row_article(a, s, &art[i]);
				have[i] = 1;
				break;
			}
	}
	db_reset(s);
	if (rc != DB_DONE)
		return db_fail(st, "cannot search");
	for (size_t i = 0; i < k; i++) {
		if (!have[i])
			continue;
		v[*n].article = art[i];
		v[*n].snippet = rows[i].snippet;
		v[*n].score = rows[i].score;
		(*n)++;
	}
done:
	*out = v;
	return STORE_OK;
}
