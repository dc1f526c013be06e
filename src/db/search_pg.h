/*
 * search_pg.h: the PostgreSQL backend's full-text index (search_pg.c).
 * Not for use outside src/db/.
 */
#ifndef KB_SEARCH_PG_H
#define KB_SEARCH_PG_H

#include "../search/terms.h"
#include "pg.h"
#include "store.h"

/* Writes the terms of every article marked in search_dirty. The store
 * calls it before each commit of a transaction that may have marked one. */
int pg_search_flush(pg_conn *c, search_terms *t);
/* Writes the whole index again from search_source (after a bulk load). */
int pg_search_rebuild(pg_conn *c, search_terms *t);

/* Appends to problems a line for each way the index disagrees with the
 * published articles (none: all is well). 0, or -1 on a database error. */
int pg_search_check(pg_conn *c, search_terms *t, kb_buf *problems);

/* One match: the article's id, its score (lower is better) and the
 * extract around the match (\x01 and \x02 marks, or ""). */
typedef struct pg_search_row {
	int64_t id;
	double score;
	const char *snippet;
} pg_search_row;

/* The page of matches q asks for, best first, and their number in *total;
 * the caller reads the articles by id. 0, or -1 (pg_errmsg says why). */
int pg_search_ids(pg_conn *c, search_terms *t, kb_arena *a, const kb_search_query *q, pg_search_row **out,
		  size_t *n, size_t *total);

/* store_search on PostgreSQL (search_sqlite.c hands over to it). */
int store_search_pg(store *st, kb_arena *a, const kb_search_query *q, kb_search_hit **out, size_t *n,
		    size_t *total);

#endif
