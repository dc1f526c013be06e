/*
 * terms.h: the terms the search index stores for a text, and the terms a
 * query looks for. Both backends index with these (SQLite through its FTS5
 * tokenizer, PostgreSQL as a tsvector), so a story is found by the same
 * words on either.
 *
 *   - a document word becomes its stem (normalised: nukta, chandrabindu,
 *     digits, case folded; Hindi endings removed), plus the Latin matching
 *     keys of the word and of the stem as colocated synonyms (at the same
 *     position), so रक्षा is also found as "raksha" and कीमतें as "keemat";
 *   - a query word in Devanagari becomes its stem only; a query word in
 *     Latin letters becomes its Latin key only (which meets the synonyms);
 *   - a prefix query (राज*, rak*) uses the normalised word, not the stem;
 *   - highlighting (snippets) needs only each word's first term.
 */
#ifndef KB_TERMS_H
#define KB_TERMS_H

#include <stddef.h>

/* The rules' edition: it changes whenever a change to them (or to the
 * text engine under them) changes the terms of some text, and an index
 * built with another edition is built again when a store opens
 * (store_search_terms_check). 2: English and romanised spellings, loanword
 * variants (issue 22). */
#define SEARCH_TERMS_VERSION 2

/* What the text is: flags for search_terms_each. 0 is a document. */
enum {
	TERMS_QUERY = 1 << 0,
	TERMS_PREFIX = 1 << 1, /* with TERMS_QUERY: the word ended in '*' */
	TERMS_HIGHLIGHT = 1 << 2,
	/* A document's terms, but not through the cache: a one-off text
	 * (PostgreSQL's snippets) that should not fill it. */
	TERMS_UNCACHED = 1 << 3,
};

/* The state of one thread's term making: buffers kept between calls and,
 * once it has indexed many documents, a cache of common words' terms. */
typedef struct search_terms search_terms;

/* Called for each term, in order. colocated: the term stands at the same
 * position as the one before (a synonym). start and end are the byte
 * offsets of its word in the text. Returns nonzero to stop. */
typedef int (*search_term_cb)(void *ud, int colocated, const char *term, size_t len, size_t start,
			      size_t end);

search_terms *search_terms_new(void);
void search_terms_free(search_terms *t);
/* Runs cb for every term of text[0..n) (valid UTF-8). Returns the nonzero
 * value that stopped it, or 0. */
int search_terms_each(search_terms *t, unsigned flags, const char *text, size_t n, search_term_cb cb,
		      void *ud);

#endif
