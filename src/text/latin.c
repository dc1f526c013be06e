/*
 * latin.c: text_latin_key(), the key that lets a reader's Latin spelling
 * find a Devanagari word: "raksha", "rakshaa", "rakSha" and रक्षा all key
 * to "raks". Also tx_ascii_fold(), shared with slug.c. It does not decide
 * what is a word (tokenise.c) and does not stem (callers may key a stem).
 *
 * The word is normalised first (so ज़ and ज, "Israel" and "israel" meet).
 * If it has Devanagari it is transliterated (translit.c, without its name
 * table); otherwise it is folded to lower-case ASCII (accents stripped).
 * A word of the name table (names.c), in either script ("israel",
 * इज़राइल, "police", पुलिस), is replaced by the transliteration of the
 * row's Devanagari, so "israel", "izrail" and इज़राइल all meet, as do
 * "police", "pulis" and पुलिस. Both then go through the same steps, so they
 * meet whenever the reader's spelling and the transliteration differ only
 * in what the steps fold:
 *
 * 1. letters: ch/chh -> c, c (alone) -> k, sh -> s, ph -> f, w -> v,
 *    z -> j, q -> k, x -> ks, rh -> dh (बाढ़: barh, badh). (श/ष/स and च/छ are spelled every which way;
 *    ज़ is dropped by normalisation, so z must meet j.)
 * 2. vowels: ee -> i, oo -> u, au/ou -> o, ei -> e (mazboot, mazbut;
 *    samjhauta, samjhouta, samjhota; mein, men).
 * 3. doubled letters collapse: aa -> a, ii -> i, mm -> m (bhaarat,
 *    sammelan/samelan); digits are left alone. iye -> ie (liye, lie;
 *    kiye, kie).
 * 4. schwa: an 'a' between single consonants with vowels on both sides goes,
 *    right to left, as in Hindi (sahayog -> sahyog, samajhauta ->
 *    samjhauta), since readers spell some schwas the transliteration drops.
 * 5. m before a consonant -> n (anusvara is m or n by the next letter:
 *    samvad/sanvad, samjhauta/sanjhauta).
 * 6. a final 'a' goes (raksha/raksh) when two letters remain.
 *
 * Only letters a-z and digits come out.
 */
#include "internal.h"

#include <string.h>
#include <utf8proc.h>

/* Lower-case ASCII letter or digit: what a key is made of. */
static int is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Contract in internal.h. */
void tx_ascii_fold(kb_buf *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	kb_buf_reserve(out, n);
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		if (c < 0x80) {
			if (c >= 'A' && c <= 'Z')
				c += 32;
			if (is_alnum((int)c))
				kb_buf_putc(out, (char)c);
			i++;
			continue;
		}
		size_t len;
		int32_t cp = tx_decode(s + i, n - i, &len);
		i += len;
		if (cp == TX_BAD)
			continue;
		if (cp >= DV_ZERO && cp <= DV_ZERO + 9) {
			kb_buf_putc(out, (char)('0' + cp - DV_ZERO));
			continue;
		}
		int32_t tmp[32];
		utf8proc_ssize_t r = utf8proc_decompose_char(
			cp, tmp, (utf8proc_ssize_t)KB_COUNT(tmp),
			UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK, NULL);
		if (r < 0 || r > (utf8proc_ssize_t)KB_COUNT(tmp))
			continue;
		for (utf8proc_ssize_t k = 0; k < r; k++) {
			int32_t d = tmp[k];
			if (d >= 'A' && d <= 'Z')
				d += 32;
			if (d < 0x80 && is_alnum(d))
				kb_buf_putc(out, (char)d);
		}
	}
	tx_terminate(out);
}

/* Latin vowel letters (y is a consonant here). */
static int is_vowel(int c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* Latin consonant letters. */
static int is_cons(int c)
{
	return c >= 'a' && c <= 'z' && !is_vowel(c);
}

/* Steps 1-3 on s[0..n) (lower-case ASCII letters and digits) into d;
 * returns the length (at most 2n: x -> ks). */
static size_t spell_fold(const char *s, size_t n, char *d)
{
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		char c = s[i], nx = i + 1 < n ? s[i + 1] : 0;
		char nx2 = i + 2 < n ? s[i + 2] : 0;
		char e = c;
		size_t step = 1;
		switch (c) {
		case 'c':
			if (nx == 'h')
				step = nx2 == 'h' ? 3 : 2;
			else
				e = 'k';
			break;
		case 's':
			if (nx == 'h')
				step = 2;
			break;
		case 'p':
			if (nx == 'h')
				e = 'f', step = 2;
			break;
		case 'r':
			/* ढ़ is "rh" to readers (barh) but "dh" once the
			 * nukta is gone (बाढ़ -> बाढ). */
			if (nx == 'h')
				e = 'd';
			break;
		case 'w': e = 'v'; break;
		case 'z': e = 'j'; break;
		case 'q': e = 'k'; break;
		case 'x':
			d[o++] = 'k';
			e = 's';
			break;
		case 'e':
			if (nx == 'e')
				e = 'i', step = 2;
			else if (nx == 'i')
				step = 2;
			break;
		case 'o':
			if (nx == 'o')
				e = 'u', step = 2;
			else if (nx == 'u')
				step = 2;
			break;
		case 'a':
			if (nx == 'u')
				e = 'o', step = 2;
			break;
		default: break;
		}
		d[o++] = e;
		i += step;
	}
	/* step 3: collapse doubled letters; iye -> ie */
	size_t w = 0;
	for (size_t i = 0; i < o; i++) {
		char c = d[i];
		if (w && c == d[w - 1] && c >= 'a' && c <= 'z')
			continue;
		if (c == 'y' && w && d[w - 1] == 'i' && i + 1 < o && d[i + 1] == 'e')
			continue;
		d[w++] = c;
	}
	return w;
}

/* Start of the consonant unit that ends at s[p] (a consonant, "kh"-style
 * pairs counted as one), or p+1 if s[p] is not a consonant. */
static size_t unit_start(const char *s, size_t p)
{
	if (!is_cons(s[p]))
		return p + 1;
	if (s[p] == 'h' && p > 0 && is_cons(s[p - 1]) && s[p - 1] != 'h')
		return p - 1;
	return p;
}

/* Step 4 on s[0..n) in place; returns the new length. Works right to left
 * on a reversed copy, so it is linear. */
static size_t schwa_fold(char *s, size_t n, char *tmp)
{
	size_t r = 0; /* tmp[0..r) is the processed tail, reversed */
	for (size_t p = n; p-- > 0;) {
		char c = s[p];
		if (c == 'a' && p > 0 && r >= 2) {
			size_t st = unit_start(s, p - 1);
			/* the consonant after: tmp[r-1], maybe 'h' at tmp[r-2] */
			size_t q = r - 1;
			int ok = st <= p - 1 && st > 0 && is_vowel(s[st - 1]) && is_cons(tmp[q]);
			if (ok && tmp[q] != 'h' && tmp[q - 1] == 'h')
				q--;
			ok = ok && q > 0 && is_vowel(tmp[q - 1]);
			if (ok)
				continue;
		}
		tmp[r++] = c;
	}
	for (size_t i = 0; i < r; i++)
		s[i] = tmp[r - 1 - i];
	return r;
}

/* True when s[0..n) contains a Devanagari code point. */
static int has_deva(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i + 2 < n; i++) {
		size_t len;
		if (u[i] == 0xE0 && tx_is_deva(tx_decode(u + i, n - i, &len)))
			return 1;
	}
	return 0;
}

/* Appends the Latin of name table row's Devanagari to out, folded. The
 * first row with the same English spelling stands for all of them, so
 * एप and ऐप key alike. */
static void name_latin(kb_buf *out, int row, kb_buf *tmp)
{
	const char *l = tx_name_latin(row);
	const char *d = tx_name_deva(tx_name_by_latin(l, strlen(l)));
	kb_buf_reset(tmp);
	tx_translit(tmp, d, strlen(d), 0);
	tx_ascii_fold(out, tmp->data, tmp->len);
}

/* Contract in text.h; the steps are in the file comment. */
void text_latin_key_with(kb_buf *out, const char *word, size_t n, int normalised, text_key_bufs *k)
{
	/* Everything starts from the normalised word, so a word and its
	 * normalised form (and upper and lower case) always key alike;
	 * normalising is idempotent, so a caller that has done it may say so. */
	kb_buf *a = &k->a, *b = &k->b;
	kb_buf_reset(a);
	kb_buf_reset(b);
	const char *w = word;
	size_t wn = n;
	if (!normalised) {
		kb_buf_reset(&k->w);
		text_normalise(&k->w, word, n, 0);
		w = kb_buf_str(&k->w);
		wn = k->w.len;
	}
	if (has_deva(w, wn)) {
		int row = tx_name_by_deva(w, wn);
		if (row >= 0) {
			name_latin(a, row, b);
		} else {
			tx_translit(b, w, wn, 0);
			tx_ascii_fold(a, b->data, b->len);
		}
	} else {
		tx_ascii_fold(a, w, wn);
		int row = tx_name_by_latin(a->data, a->len);
		if (row >= 0) {
			kb_buf_reset(a);
			name_latin(a, row, b);
		}
	}
	kb_buf_reset(b);
	kb_buf_reserve(b, 4 * a->len + 4);
	char *d = b->data, *t = b->data + 2 * a->len + 2;
	size_t m = spell_fold(a->data, a->len, d);
	m = schwa_fold(d, m, t);
	/* step 5 */
	for (size_t i = 0; i + 1 < m; i++)
		if (d[i] == 'm' && is_cons(d[i + 1]))
			d[i] = 'n';
	/* step 6 */
	if (m > 2 && d[m - 1] == 'a')
		m--;
	kb_buf_append(out, d, m);
}

void text_key_bufs_free(text_key_bufs *k)
{
	kb_buf_free(&k->w);
	kb_buf_free(&k->a);
	kb_buf_free(&k->b);
}

void text_latin_key(kb_buf *out, const char *word, size_t n)
{
	text_key_bufs k = {0};
	text_latin_key_with(out, word, n, 0, &k);
	text_key_bufs_free(&k);
}
