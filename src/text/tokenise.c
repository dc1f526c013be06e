/*
 * tokenise.c: text_tokenise(), word boundaries in mixed Devanagari, Latin
 * and digit text, reported as byte ranges of the original input. It does not
 * normalise or stem (normalise.c, stem.c).
 *
 * A word is a run of word characters: letters, combining marks (so vowel
 * signs, anusvara, virama and nukta stay in the word) and digits of any
 * script; 17वीं is one word. Inside a word, and only there, ZWJ, ZWNJ and
 * the soft hyphen are kept (they shape a conjunct or hint a line break), and
 * '.' or ',' between two digits (2.5, 1,00,000). Everything else separates:
 * spaces, danda and double danda, the abbreviation sign ॰, hyphens (so
 * भारत-इज़राइल gives भारत and इज़राइल), apostrophes, other punctuation,
 * symbols, and invalid UTF-8 bytes.
 */
#include "internal.h"

#include <utf8proc.h>

enum { C_SEP, C_WORD, C_DIGIT, C_JOIN, C_MIDNUM };

/* The tokeniser's class of code point c (TX_BAD is a separator). */
static int klass(int32_t c)
{
	if (c < 0x80) {
		if (c < 0)
			return C_SEP;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			return C_WORD;
		if (c >= '0' && c <= '9')
			return C_DIGIT;
		if (c == '.' || c == ',')
			return C_MIDNUM;
		return C_SEP;
	}
	if (c >= 0x0900 && c <= 0x097F) {
		if (c >= DV_ZERO && c <= DV_ZERO + 9)
			return C_DIGIT;
		return tx_is_deva_word(c) ? C_WORD : C_SEP;
	}
	if (c == CP_ZWJ || c == CP_ZWNJ || c == CP_SHY)
		return C_JOIN;
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO: return C_WORD;
	case UTF8PROC_CATEGORY_ND: return C_DIGIT;
	default: return C_SEP;
	}
}

/* The class of the first code point at or after byte i that is not a
 * joiner, or C_SEP at the end of the input. */
static int next_class(const unsigned char *s, size_t n, size_t i)
{
	while (i < n) {
		size_t len;
		int k = klass(tx_decode(s + i, n - i, &len));
		if (k != C_JOIN)
			return k;
		i += len;
	}
	return C_SEP;
}

/* Contract in text.h. A joiner or a mid-number mark stays in the word only
 * when a word character (a digit, for "." and ",") follows it. */
int text_tokenise(const char *str, size_t n, text_token_cb cb, void *ud)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	int in_word = 0, last = C_SEP;
	text_token tok = {0, 0};
	while (i < n) {
		size_t len;
		int k;
		if (s[i] < 0x80) {
			k = klass(s[i]);
			len = 1;
		} else {
			k = klass(tx_decode(s + i, n - i, &len));
		}
		if (k == C_JOIN || k == C_MIDNUM) {
			int nk = in_word ? next_class(s, n, i + len) : C_SEP;
			int keep = k == C_JOIN ? (nk == C_WORD || nk == C_DIGIT)
					       : (last == C_DIGIT && nk == C_DIGIT);
			k = keep ? C_JOIN : C_SEP;
		}
		if (k != C_SEP) {
			if (!in_word) {
				in_word = 1;
				tok.start = i;
			}
			if (k != C_JOIN)
				last = k;
		} else if (in_word) {
			in_word = 0;
			tok.end = i;
			int r = cb(ud, &tok);
			if (r)
				return r;
		}
		i += len;
	}
	if (in_word) {
		tok.end = n;
		return cb(ud, &tok);
	}
	return 0;
}
