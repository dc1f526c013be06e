/*
 * suggest.h: suggestions as a reader types in the search box (issue 22,
 * class 6): after two or three letters, in Devanagari or Latin, the
 * headlines and topics (tags, categories, authors) whose words begin with
 * what was typed, in Hindi, answered from memory.
 *
 * An index is built once from its entries and never changes (a new one
 * replaces it, src/pages/suggest.c): a sorted array of every entry word's
 * keys, each word keyed twice, as the reader may type it: its normalised
 * Devanagari form with loanword spellings folded (वैक्सीन and वैक्सिन
 * meet), and its Latin matching key (text_latin_key: "raksha", "rakshaa"
 * and रक्षा are one). A query's words are keyed the same way; an entry
 * matches when each query word is the beginning of one of its keys. The
 * most selective query word's range is found by binary search and the
 * others checked per candidate, so a query costs a few hundred
 * comparisons on a site of 100,000 stories, not a scan.
 */
#ifndef KB_SUGGEST_H
#define KB_SUGGEST_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"

enum { SUGGEST_HEADLINE, SUGGEST_TAG, SUGGEST_CATEGORY, SUGGEST_AUTHOR };

/* One suggestion as given to suggest_build: what the reader sees, where
 * it leads, its kind, and a weight (higher first: a topic's number of
 * stories, a headline's publication time). */
typedef struct suggest_entry {
	const char *text, *url;
	int kind;
	int64_t weight;
} suggest_entry;

typedef struct suggest_index suggest_index;

/* Builds an index of e[0..n) (copied: the caller's strings may go). */
suggest_index *suggest_build(const suggest_entry *e, size_t n);
void suggest_free(suggest_index *x);
/* Entries in x. */
size_t suggest_size(const suggest_index *x);

/*
 * The best entries for the typed text q (valid UTF-8, any length; fewer
 * than two letters in all gives none): topics first, then headlines, each
 * by weight. Fills out[0..max) with pointers into x (valid while x is) and
 * returns how many.
 */
size_t suggest_query(const suggest_index *x, const char *q, size_t n, const suggest_entry **out, size_t max);

/*
 * "Did you mean" (issue 22, class 7), for a query in Latin letters that
 * found nothing: each word is replaced by the Devanagari word of the index
 * whose Latin key is nearest to its own (at most one edit for a word of 4
 * to 6 letters, two for a longer one, none for a shorter; ties go to the
 * commoner word; a word with none near stays as typed), and the Hindi
 * query is appended to out. Returns 1 when
 * there is one and some word was misspelt; 0 (out untouched) otherwise.
 */
int suggest_correct(const suggest_index *x, const char *q, size_t n, kb_buf *out);

#endif
