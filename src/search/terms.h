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
 *     the stem's key, where it differs from the word's, is marked with a
 *     leading '~' ("~kimat"), so the word's own key is its exact form;
 *   - a query word in Devanagari becomes its stem only; a query word in
 *     Latin letters becomes its Latin key, plain and marked, as colocated
 *     alternatives (which meet both synonyms);
 *   - a Devanagari document word also carries its exact form, the
 *     normalised word marked with a leading '=' ("=भारतीय"), colocated;
 *     a query asks for it beside the stem (TERMS_EXACT), so the stories
 *     with the form the reader typed rank above those with only its stem
 *     (भारतीय over भारत), and the matches stay the stem's; a Latin query
 *     word's exact form is its plain key, which only stories with a word
 *     of that form hold ("bharat": भारत over भारतीय, whose stem has it);
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
 * variants (issue 22). 3: exact forms. 4: stems' Latin keys marked. */
#define SEARCH_TERMS_VERSION 4

/* What the text is: flags for search_terms_each. 0 is a document. */
enum {
	TERMS_QUERY = 1 << 0,
	TERMS_PREFIX = 1 << 1, /* with TERMS_QUERY: the word ended in '*' */
	TERMS_HIGHLIGHT = 1 << 2,
	/* A document's terms, but not through the cache: a one-off text
	 * (PostgreSQL's snippets) that should not fill it. */
	TERMS_UNCACHED = 1 << 3,
	/* With TERMS_QUERY: a word's exact form alone: for a Devanagari
	 * word "=" and the normalised word, for a Latin one its plain key. */
	TERMS_EXACT = 1 << 4,
};
/* What marks an exact form's term, and a stem's Latin key. */
#define TERMS_EXACT_MARK '='
#define TERMS_STEM_KEY_MARK '~'
/* A query text that starts with this (U+E000, for private use) asks for
 * exact forms: how a backend's tokenizer is told (FTS5 passes no flags of
 * ours). */
#define TERMS_EXACT_PREFIX "\xEE\x80\x80"

/* The state of one thread's term making: buffers kept between calls and,
 * once it has indexed many documents, a cache of common words' terms. */
typedef struct search_terms search_terms;

/* Called for each term, in order. colocated: the term stands at the same
 * position as the one before (a synonym). start and end are the byte
 * offsets of its word in the text. Returns nonzero to stop. */
typedef int (*search_term_cb)(void *ud, int colocated, const char *term, size_t len, size_t start,
			      size_t end);

/* Whether s[0..n) has a Devanagari letter (the words that have exact
 * forms). */
int search_has_devanagari(const char *s, size_t n);

search_terms *search_terms_new(void);
void search_terms_free(search_terms *t);
/* Runs cb for every term of text[0..n) (valid UTF-8). Returns the nonzero
 * value that stopped it, or 0. */
int search_terms_each(search_terms *t, unsigned flags, const char *text, size_t n, search_term_cb cb,
		      void *ud);

#endif
