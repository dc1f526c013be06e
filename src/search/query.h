/*
 * query.h: reads what a reader typed into the search box. Words must all
 * match; "a phrase" matches in order; -word excludes; word* matches a
 * prefix. Everything else (: ( ) AND OR NEAR ^ +) is plain text: a reader
 * can never cause a syntax error. Knows nothing of SQL, FTS5 or the store:
 * the query types are declared here and the store includes them.
 */
#ifndef KB_QUERY_H
#define KB_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"

/*
 * A query is a list of terms that must all match (or any of them, with
 * .any); a term is a word, a phrase or a word prefix, and may be negated.
 * search_parse makes one from what a reader typed; the store's
 * store_search (src/db/store.h) runs it.
 */
typedef struct kb_search_term {
	const char *text; /* as typed; the backend tokenises it */
	int phrase, negate, prefix;
} kb_search_term;

typedef struct kb_search_query {
	const kb_search_term *terms;
	size_t nterms;
	int any;             /* match any positive term instead of all */
	int64_t category_id; /* 0 = any */
	int64_t from, to;    /* published_at range, UTC seconds; 0 = open */
	size_t limit, offset;
	double recency; /* bm25 units a story loses per 30 days of age */
} kb_search_query;

/* The longest query read, in characters; the rest is cut. */
#define SEARCH_MAX_CHARS 200

/*
 * Parses s[0..n) (valid UTF-8) into q->terms (allocated in a), leaving the
 * other fields of q alone. Terms with no letter or digit are dropped. The
 * text actually searched (cut to SEARCH_MAX_CHARS, trimmed) goes to *shown.
 * Returns the number of positive terms.
 */
size_t search_parse(kb_arena *a, const char *s, size_t n, kb_search_query *q, const char **shown);

#endif
