/*
 * pg_text.h: what the PostgreSQL backend writes into the search index and
 * asks of it, as text PostgreSQL reads without its own parser: a tsvector
 * literal of khabar's terms (src/search/terms.h) and a tsquery literal of a
 * reader's query, plus the extract around the matches that SQLite's FTS5
 * makes with snippet(). Pure functions, so the unit tests and a fuzz
 * target check them without a server: whatever a reader types, the
 * literal is well formed.
 */
#ifndef KB_PG_TEXT_H
#define KB_PG_TEXT_H

#include "../search/terms.h"
#include "../search/query.h"

/* The indexed fields of an article, in search_source's order, and the
 * tsvector weight of each: title A, summary B, body D, tags B, category
 * and author C (FTS5's bm25 weights 10, 4, 1, 3, 2, 2, roughly). */
enum { PG_FIELDS = 6 };

/* The longest tsvector literal written: PostgreSQL refuses a tsvector over
 * 1 MiB, and the literal is never smaller than the value. Terms past it
 * (in the body of a very long story) are left out. */
#define PG_TSVECTOR_MAX 1000000

/* Appends to out the tsvector literal of fields[0..PG_FIELDS) (any may be
 * NULL), positions counted across fields with a gap between them so that
 * no phrase spans two. */
void pg_tsvector(search_terms *t, const char *const fields[PG_FIELDS], kb_buf *out);

/* Appends to out the tsquery literal of q's terms: each term a phrase of
 * its words ('a' <-> 'b', a prefix 'a':*), the positive ones joined by &
 * (| with q->any), then & !(...) for each negated one. Returns the number
 * of positive terms written; 0: the query matches nothing (out is then
 * not a query). */
int pg_tsquery(search_terms *t, const kb_search_query *q, kb_buf *out);

/*
 * An extract of text around the words q matches, as SQLite's
 * snippet(search, col, char(1), char(2), '…', 18) gives: at most
 * `words` words, \x01 before and \x02 after each matched word, '…' where
 * text was cut. Returns NULL (nothing allocated) when no word of text
 * matches, else the extract in a.
 */
const char *search_snippet(search_terms *t, kb_arena *a, const kb_search_query *q, const char *text,
			   size_t words);

#endif
