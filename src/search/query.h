/*
 * query.h: reads what a reader typed into the search box. Words must all
 * match; "a phrase" matches in order; -word excludes; word* matches a
 * prefix. Everything else (: ( ) AND OR NEAR ^ +) is plain text: a reader
 * can never cause a syntax error. Knows nothing of SQL or FTS5.
 */
#ifndef KB_QUERY_H
#define KB_QUERY_H

#include "../db/store.h"

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
