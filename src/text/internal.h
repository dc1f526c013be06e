/*
 * internal.h: helpers shared by the files of src/text only: lenient UTF-8
 * decoding, Devanagari character classes and the English-name table. Not
 * part of the public interface (that is text.h); nothing outside src/text
 * and its tests should include this.
 */
#ifndef KB_TEXT_INTERNAL_H
#define KB_TEXT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "text.h"

/* Private text_normalise flag for tests and fuzzers: skip the fast path, so
 * the two paths can be compared. Kept far from the public flag bits. */
#define TEXT_NORM_SLOW_ (1u << 30)

#define TX_BAD (-1)

/*
 * Decodes one code point from s[0..n), n >= 1. Accepts exactly what
 * kb_utf8_valid() accepts (no overlongs, surrogates or values past
 * U+10FFFF). Sets *len to the bytes used; an invalid sequence uses one byte
 * and returns TX_BAD.
 */
static inline int32_t tx_decode(const unsigned char *s, size_t n, size_t *len)
{
	unsigned c = s[0];
	if (c < 0x80) {
		*len = 1;
		return (int32_t)c;
	}
	*len = 1;
	if (c < 0xC2 || c > 0xF4)
		return TX_BAD;
	if (c < 0xE0) {
		if (n < 2 || (s[1] & 0xC0) != 0x80)
			return TX_BAD;
		*len = 2;
		return (int32_t)(((c & 0x1F) << 6) | (s[1] & 0x3F));
	}
	if (c < 0xF0) {
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return TX_BAD;
		uint32_t cp = ((c & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
		if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))
			return TX_BAD;
		*len = 3;
		return (int32_t)cp;
	}
	if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
		return TX_BAD;
	uint32_t cp = ((c & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) | ((uint32_t)(s[2] & 0x3F) << 6) |
		      (s[3] & 0x3F);
	if (cp < 0x10000 || cp > 0x10FFFF)
		return TX_BAD;
	*len = 4;
	return (int32_t)cp;
}

/* Encodes cp (a valid scalar value) into p; returns the bytes written. */
static inline size_t tx_encode(char *p, int32_t cp)
{
	uint32_t c = (uint32_t)cp;
	if (c < 0x80) {
		p[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		p[0] = (char)(0xC0 | (c >> 6));
		p[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		p[0] = (char)(0xE0 | (c >> 12));
		p[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		p[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	p[0] = (char)(0xF0 | (c >> 18));
	p[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	p[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	p[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* Makes sure out->data is allocated and NUL-terminated, as kb_buf
 * promises, even when nothing was appended after a kb_buf_reserve(). */
static inline void tx_terminate(kb_buf *out)
{
	kb_buf_reserve(out, 0);
	out->data[out->len] = 0;
}

/* Devanagari code points used across the module. */
enum {
	DV_CANDRABINDU = 0x0901,
	DV_ANUSVARA = 0x0902,
	DV_VISARGA = 0x0903,
	DV_NUKTA = 0x093C,
	DV_AVAGRAHA = 0x093D,
	DV_VIRAMA = 0x094D,
	DV_DANDA = 0x0964,
	DV_DDANDA = 0x0965,
	DV_ZERO = 0x0966,
	DV_ABBR = 0x0970,
	CP_ZWNJ = 0x200C,
	CP_ZWJ = 0x200D,
	CP_SHY = 0x00AD,
};

static inline int tx_is_deva(int32_t c)
{
	return c >= 0x0900 && c <= 0x097F;
}

/* Devanagari consonant, including the precomposed nukta letters. */
static inline int tx_is_consonant(int32_t c)
{
	return (c >= 0x0915 && c <= 0x0939) || (c >= 0x0958 && c <= 0x095F) ||
	       (c >= 0x0978 && c <= 0x097F && c != 0x097D);
}

/* Part of a Devanagari word: letters, vowel signs, marks, not danda, digits
 * or the abbreviation sign. */
static inline int tx_is_deva_word(int32_t c)
{
	return (c >= 0x0900 && c <= 0x0963) || (c >= 0x0971 && c <= 0x097F);
}

/* The base letter of a nukta letter (U+0929, U+0931, U+0934, U+0958..095F),
 * or 0 if c is not one. */
static inline int32_t tx_nukta_base(int32_t c)
{
	static const int32_t base958[8] = {0x0915, 0x0916, 0x0917, 0x091C, 0x0921, 0x0922, 0x092B, 0x092F};
	if (c >= 0x0958 && c <= 0x095F)
		return base958[c - 0x0958];
	if (c == 0x0929 || c == 0x0931 || c == 0x0934)
		return c - 1;
	return 0;
}

/*
 * The name table (names.c): English-origin words and newsroom spellings.
 * tx_name_by_deva() takes text_normalise() output, tx_name_by_latin()
 * lower-case ASCII; both return the first matching row or -1.
 */
int tx_name_by_deva(const char *deva, size_t n);
int tx_name_by_latin(const char *latin, size_t n);
const char *tx_name_latin(int row);
const char *tx_name_deva(int row);
int tx_name_count(void);

/*
 * Transliterates one Devanagari word (code points w[0..n), raw or
 * normalised) to lower-case Latin, appending to out. No table lookups.
 */
void tx_translit_word(kb_buf *out, const int32_t *w, size_t n);

/* text_translit(), with or without the name table (names.c). */
void tx_translit(kb_buf *out, const char *s, size_t n, int use_names);

/* Normalises the word s[0..n) (text_normalise, lenient) and looks it up in
 * the name table; returns the row or -1. */
int tx_name_lookup_word(const char *s, size_t n);

/* Appends s[0..n) folded to lower-case ASCII letters and digits: accents
 * stripped (é -> e), everything else dropped (latin.c). */
void tx_ascii_fold(kb_buf *out, const char *s, size_t n);

#endif
