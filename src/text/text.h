/*
 * text.h: khabar's Hindi text engine. Normalisation for matching, word
 * tokens with byte offsets, a light stemmer, Devanagari-to-Latin
 * transliteration, Latin matching keys, URL slugs and Hindi formatting of
 * dates and numbers.
 *
 * Pure functions over byte strings: no I/O, no global mutable state, safe to
 * call from any thread. Output goes to a caller-owned kb_buf, which is
 * appended to (not reset); the caller frees it.
 *
 * Input is UTF-8. Unless a function says otherwise, invalid UTF-8 sequences
 * are read as U+FFFD (lenient); functions that take TEXT_STRICT return -1
 * instead and leave the output as it was.
 */
#ifndef KB_TEXT_H
#define KB_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../core/core.h"

enum {
	TEXT_STRICT = 1 << 0,      /* invalid UTF-8 is an error, not U+FFFD */
	TEXT_DEVA_DIGITS = 1 << 1, /* format: write digits as ० १ २ ... */
	TEXT_WEEKDAY = 1 << 2,     /* format_date: prefix "मंगलवार, " */
	TEXT_TIME = 1 << 3,        /* format_date: append ", 14:30 IST" */
	TEXT_MONTH = 1 << 4,       /* format_date: the month alone, "नवंबर 2025" */
};

/*
 * Normalises s[0..n) for matching and appends it to out: NFC, then the
 * folding rules documented in normalise.c (nukta removed, chandrabindu to
 * anusvara, ZWJ/ZWNJ/soft hyphen removed, Devanagari digits to ASCII, Latin
 * case-folded, ...). Idempotent. The output is never longer than
 * TEXT_NORMALISE_BOUND(n) bytes.
 * Returns 0, or -1 for invalid UTF-8 under TEXT_STRICT.
 */
#define TEXT_NORMALISE_BOUND(n) (3 * (n) + 3)
int text_normalise(kb_buf *out, const char *s, size_t n, unsigned flags);

/*
 * A word found by text_tokenise: bytes s[start..end) of the original input
 * (not normalised). Devanagari combining marks, virama and nukta stay inside
 * the word; hyphenated compounds (भारत-इज़राइल) give each part as a token.
 */
typedef struct text_token {
	size_t start, end;
} text_token;

/*
 * Calls cb for each word of s[0..n) in order. cb returns 0 to go on, non-zero
 * to stop (text_tokenise then returns that value). Returns 0 when all words
 * were seen. Invalid UTF-8 bytes are separators.
 */
typedef int (*text_token_cb)(void *ud, const text_token *tok);
int text_tokenise(const char *s, size_t n, text_token_cb cb, void *ud);

/*
 * Appends the stem of one already-normalised word (output of text_normalise
 * on a token) to out: Hindi plural, oblique and case endings removed
 * (ों, ें, ाएं, ियों, ाओं, ...), then the loanword spellings folded as
 * text_loan_fold does. Latin and digit words are copied unchanged. The
 * stem is never longer than the word, and where it differs from the word's
 * first bytes it is only by text_loan_fold's substitutions (3 bytes for 3).
 */
void text_stem(kb_buf *out, const char *word, size_t n);

/*
 * Appends word[0..n) (normalised) to out with the spellings of loanwords
 * folded that Hindi news mixes: ॉ -> ा, ऑ -> आ, ै -> े, ऐ -> ए, and
 * ी -> ि, ू -> ु before a final consonant, in words of four code points or
 * more (डॉक्टर/डाक्टर, ऑक्सीजन/आक्सीजन, सेंटर/सैंटर, वैक्सीन/वैक्सिन).
 * text_stem applies it; a caller that matches a prefix against stems
 * (राज*) should apply it to the prefix.
 */
void text_loan_fold(kb_buf *out, const char *word, size_t n);

/*
 * Appends a readable Latin transliteration of s[0..n) to out, the way Indian
 * newsrooms write Hindi in URLs and Hinglish (schwa deletion: रक्षा ->
 * raksha, सचिव -> sachiv, भारत -> bharat; ज़ -> z). Lower case. Characters
 * that are not Devanagari are copied as they are.
 */
void text_translit(kb_buf *out, const char *s, size_t n);

/*
 * Appends the Latin matching key of one word to out. A Devanagari word and a
 * reader's Latin spelling of it get the same key ("raksha", "rakshaa",
 * "rakSha" and रक्षा all match); English-origin names are bridged through a
 * table ("israel" and इज़राइल). The key is lower-case ASCII.
 */
void text_latin_key(kb_buf *out, const char *word, size_t n);

/*
 * The same, for callers that key many words (the search tokenizer): the
 * working buffers come from k and are kept for the next call (free them
 * with text_key_bufs_free), and normalised = 1 says word is already the
 * output of text_normalise, which is then not done again. Same key.
 */
typedef struct text_key_bufs {
	kb_buf w, a, b;
} text_key_bufs;
void text_latin_key_with(kb_buf *out, const char *word, size_t n, int normalised, text_key_bufs *k);
void text_key_bufs_free(text_key_bufs *k);

/*
 * Appends a URL slug for a title: lower-case ASCII letters, digits and single
 * hyphens, at most max bytes (max 0 means 80), cut at a word boundary, never
 * empty (falls back to "khabar"). Devanagari is transliterated.
 */
void text_slug(kb_buf *out, const char *title, size_t n, size_t max);

/*
 * Appends a Hindi date for the broken-down local time tm: "4 नवंबर, 2025";
 * with TEXT_WEEKDAY "मंगलवार, 4 नवंबर, 2025"; with TEXT_TIME
 * "4 नवंबर, 2025, 14:30 IST" where the zone abbreviation is tz_abbr (omitted
 * when NULL). TEXT_DEVA_DIGITS writes the digits in Devanagari.
 */
void text_format_date(kb_buf *out, const struct tm *tm, const char *tz_abbr, unsigned flags);

/* Appends a relative time for an age in seconds: "अभी", "5 मिनट पहले",
 * "3 घंटे पहले", "2 दिन पहले". Negative ages read as "अभी". */
void text_format_relative(kb_buf *out, int64_t age_seconds, unsigned flags);

/* Appends n with Indian digit grouping: 1,00,000 and -12,34,567. */
void text_format_int(kb_buf *out, long long n, unsigned flags);

#endif
