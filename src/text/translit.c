/*
 * translit.c: text_translit(), Devanagari to the Latin spelling Indian
 * newsrooms use in URLs and Hinglish: भारत -> bharat, समझौता -> samjhauta,
 * रक्षा -> raksha. It is readable, not reversible (ISO 15919 it is not):
 * long and short vowels meet (ी, ि -> i), श and ष are both "sh". Slugs
 * (slug.c) and Latin keys (latin.c) are built on it.
 *
 * A word is cut into units: a consonant with its vowel sign, its inherent
 * vowel (schwa) or a virama; an independent vowel; anything else. Then:
 *
 * - Schwa deletion, right to left: the last schwa of a word goes
 *   (भारत -> bharat), unless the word is one syllable or ends in a conjunct
 *   whose last letter is य, र, व or ज्ञ (कार्य -> karya, मित्र -> mitra,
 *   महत्व -> mahatwa). A medial schwa goes in the context V C_ C V, where
 *   the consonant is not the tail of a conjunct and the next consonant is
 *   single and keeps its vowel: सहयोग -> sahyog, समझौता -> samjhauta,
 *   पहचान -> pahchan; but उपस्थित -> upasthit. A schwa carrying anusvara,
 *   chandrabindu or visarga stays (प्रधानमंत्री -> pradhanmantri).
 * - Anusvara: m before a labial (प फ ब भ म व: नवंबर -> navambar,
 *   संवाद -> samvad), m at the end after a schwa (एवं -> evam), else n
 *   (हिंदी -> hindi, दोनों -> donon). Chandrabindu: n (m before a labial).
 *   Visarga: h.
 * - Nukta letters: ज़ z, फ़ f, ड़ r, ढ़ rh, क़ k, ख़ kh, ग़ g.
 * - Letters: क्ष ksh (by the parts), ज्ञ gy, श/ष sh, छ chh, च ch, व v (w as
 *   the tail of a conjunct: स्वदेशी -> swadeshi, विश्वास -> vishwas).
 * - ए after a or i sounds is "ye": लिए liye, गए gaye, चाहिए chahiye.
 * - Devanagari digits become ASCII digits, danda and ॰ a full stop; other
 *   characters are copied as they are (invalid bytes as U+FFFD).
 *
 * Words in the name table (names.c) take the table's spelling instead:
 * इज़राइल -> israel, सिंह -> singh.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

enum { U_CONS, U_VOWEL, U_OTHER };
enum { V_SCHWA = 0, V_VIRAMA = -1 };

typedef struct unit {
	unsigned char kind, nukta, nasal, visarga, del;
	int32_t c;     /* consonant (base letter), independent vowel, other */
	int32_t vowel; /* U_CONS: V_SCHWA, V_VIRAMA or a vowel sign */
} unit;

#define C_JA 0x091C
#define C_NYA 0x091E
#define C_YA 0x092F
#define C_RA 0x0930
#define C_VA 0x0935
#define VOW_A 0x0905
#define VOW_E 0x090F

/* Latin for consonant c (a base letter), with or without nukta. */
static const char *cons_latin(int32_t c, int nukta)
{
	static const char *const tab[] = {
		"k",  "kh", "g", "gh", "n", "ch", "chh", "j",  "jh", "n",  "t", "th", "d",
		"dh", "n",  "t", "th", "d", "dh", "n",   "n",  "p",  "ph", "b", "bh", "m",
		"y",  "r",  "r", "l",  "l", "l",  "v",   "sh", "sh", "s",  "h",
	};
	if (nukta) {
		switch (c) {
		case 0x091C: return "z";
		case 0x0921: return "r";
		case 0x0922: return "rh";
		case 0x092B: return "f";
		default: break; /* क़ ख़ ग़ य़: as the base letter */
		}
	}
	if (c >= 0x0915 && c <= 0x0939)
		return tab[c - 0x0915];
	switch (c) {
	case 0x0978:
	case 0x097E: return "d";
	case 0x0979: return "z";
	case 0x097A: return "y";
	case 0x097B: return "g";
	case 0x097C: return "j";
	case 0x097F: return "b";
	default: return "";
	}
}

/* Dependent vowel signs (matras), the Devanagari ones only. */
static int is_vowel_sign(int32_t c)
{
	return c == 0x093A || c == 0x093B || (c >= 0x093E && c <= 0x094C) || c == 0x094E || c == 0x094F ||
	       (c >= 0x0955 && c <= 0x0957) || c == 0x0962 || c == 0x0963;
}

/* Independent vowel letters. */
static int is_indep_vowel(int32_t c)
{
	return (c >= 0x0904 && c <= 0x0914) || c == 0x0960 || c == 0x0961 || (c >= 0x0972 && c <= 0x0977);
}

/* Latin for a vowel sign or an independent vowel. */
static const char *vowel_latin(int32_t v)
{
	switch (v) {
	case 0x093E:
	case 0x0904:
	case 0x0905:
	case 0x0906:
	case 0x0972: return "a";
	case 0x093F:
	case 0x0940:
	case 0x0907:
	case 0x0908: return "i";
	case 0x0941:
	case 0x0942:
	case 0x0956:
	case 0x0957:
	case 0x0909:
	case 0x090A:
	case 0x0976:
	case 0x0977: return "u";
	case 0x0943:
	case 0x0944:
	case 0x090B:
	case 0x0960: return "ri";
	case 0x0962:
	case 0x0963:
	case 0x090C:
	case 0x0961: return "li";
	case 0x0945:
	case 0x0946:
	case 0x0947:
	case 0x094E:
	case 0x0955:
	case 0x090D:
	case 0x090E:
	case 0x090F: return "e";
	case 0x0948:
	case 0x0910: return "ai";
	case 0x093A:
	case 0x093B:
	case 0x0949:
	case 0x094A:
	case 0x094B:
	case 0x0911:
	case 0x0912:
	case 0x0913:
	case 0x0973:
	case 0x0974: return "o";
	case 0x094C:
	case 0x094F:
	case 0x0914:
	case 0x0975: return "au";
	default: return "";
	}
}

/* प फ ब भ म, and व, before which anusvara reads m. */
static int is_labial(int32_t c)
{
	return (c >= 0x092A && c <= 0x092E) || c == C_VA;
}

/* True when unit i is the second or later consonant of a conjunct. */
static int is_tail(const unit *u, size_t i)
{
	return i > 0 && u[i - 1].kind == U_CONS && u[i - 1].vowel == V_VIRAMA;
}

/* True when unit u is pronounced with a vowel (not a half consonant, not a
 * deleted schwa). */
static int has_vowel(const unit *u)
{
	if (u->kind == U_VOWEL)
		return 1;
	return u->kind == U_CONS && u->vowel != V_VIRAMA && !u->del;
}

/* True when unit u ends in an a or i sound, after which ए reads "ye". */
static int ends_a_or_i(const unit *u)
{
	if (u->nasal || u->visarga)
		return 0;
	int32_t v = u->kind == U_CONS ? u->vowel : u->c;
	if (u->kind == U_CONS && v == V_SCHWA)
		return !u->del;
	return v == 0x093E || v == 0x093F || v == 0x0940 || v == 0x0905 || v == 0x0906 || v == 0x0907 ||
	       v == 0x0908;
}

/* Splits code points w[0..n) into units; returns how many (at most n). */
static size_t parse(const int32_t *w, size_t n, unit *u)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		int32_t c = w[i];
		if (c == CP_ZWJ || c == CP_ZWNJ || c == CP_SHY)
			continue;
		int nukta = 0;
		int32_t b = tx_nukta_base(c);
		if (b)
			c = b, nukta = 1;
		unit *last = k ? &u[k - 1] : NULL;
		int bare = last && last->kind == U_CONS && last->vowel == V_SCHWA && !last->nasal &&
			   !last->visarga;
		if (tx_is_consonant(c)) {
			u[k++] = (unit){U_CONS, (unsigned char)nukta, 0, 0, 0, c, V_SCHWA};
		} else if (c == DV_NUKTA) {
			if (bare)
				last->nukta = 1;
		} else if (c == DV_VIRAMA) {
			if (bare)
				last->vowel = V_VIRAMA;
		} else if (is_vowel_sign(c)) {
			if (bare)
				last->vowel = c;
			else
				u[k++] = (unit){U_VOWEL, 0, 0, 0, 0, c, 0};
		} else if (c == 0x0900 || c == DV_CANDRABINDU || c == DV_ANUSVARA) {
			unsigned char m = c == DV_ANUSVARA ? 'm' : 'c';
			if (last && last->kind != U_OTHER && !last->nasal &&
			    !(last->kind == U_CONS && last->vowel == V_VIRAMA))
				last->nasal = m;
			else
				u[k++] = (unit){U_OTHER, 0, m, 0, 0, 0, 0};
		} else if (c == DV_VISARGA) {
			if (last && last->kind != U_OTHER && !last->visarga)
				last->visarga = 1;
			else
				u[k++] = (unit){U_OTHER, 0, 0, 1, 0, 0, 0};
		} else if (is_indep_vowel(c)) {
			u[k++] = (unit){U_VOWEL, 0, 0, 0, 0, c, 0};
		} else {
			u[k++] = (unit){U_OTHER, 0, 0, 0, 0, c, 0};
		}
	}
	return k;
}

/* Marks the schwas that are not pronounced (rules in the file comment). */
static void delete_schwas(unit *u, size_t k)
{
	size_t syll = 0;
	for (size_t i = 0; i < k; i++)
		syll += u[i].kind != U_OTHER;
	if (k < 2 || syll < 2)
		return;
	size_t L = k - 1;
	unit *f = &u[L];
	if (f->kind == U_CONS && f->vowel == V_SCHWA && !f->nasal && !f->visarga) {
		int keep = 0;
		if (is_tail(u, L))
			keep = f->c == C_YA || f->c == C_RA || f->c == C_VA ||
			       (f->c == C_NYA && u[L - 1].c == C_JA);
		f->del = !keep;
	}
	for (size_t i = L; i-- > 1;) {
		unit *x = &u[i];
		if (x->kind != U_CONS || x->vowel != V_SCHWA || x->nasal || x->visarga || is_tail(u, i))
			continue;
		const unit *nx = &u[i + 1];
		if (has_vowel(&u[i - 1]) && nx->kind == U_CONS && nx->vowel != V_VIRAMA && !nx->del)
			x->del = 1;
	}
}

/* Appends the Latin of nasal mark m ('m' anusvara, 'c' chandrabindu) on
 * unit i. */
static void put_nasal(kb_buf *out, const unit *u, size_t k, size_t i, int m)
{
	if (i + 1 < k && u[i + 1].kind == U_CONS) {
		kb_buf_putc(out, is_labial(u[i + 1].c) ? 'm' : 'n');
		return;
	}
	int schwa = (u[i].kind == U_CONS && u[i].vowel == V_SCHWA) ||
		    (u[i].kind == U_VOWEL && u[i].c == VOW_A);
	int at_end = i + 1 >= k || u[i + 1].kind == U_OTHER;
	kb_buf_putc(out, m == 'm' && schwa && at_end ? 'm' : 'n');
}

/* Appends the Latin of a code point that is not part of a Devanagari
 * syllable. */
static void put_other(kb_buf *out, int32_t c)
{
	char tmp[4];
	if (c >= DV_ZERO && c <= DV_ZERO + 9)
		kb_buf_putc(out, (char)('0' + c - DV_ZERO));
	else if (c == DV_DANDA || c == DV_DDANDA || c == DV_ABBR)
		kb_buf_putc(out, '.');
	else if (c == 0x0950)
		kb_buf_puts(out, "om");
	else if (!tx_is_deva(c))
		kb_buf_append(out, tmp, tx_encode(tmp, c));
	/* other Devanagari signs (avagraha, accents) are not written */
}

/* Contract in internal.h: parse, delete schwas, write unit by unit. */
void tx_translit_word(kb_buf *out, const int32_t *w, size_t n)
{
	unit local[48];
	unit *u = n <= KB_COUNT(local) ? local : kb_malloc(n * sizeof *u);
	size_t k = parse(w, n, u);
	delete_schwas(u, k);
	for (size_t i = 0; i < k; i++) {
		const unit *x = &u[i];
		if (x->kind == U_CONS) {
			const char *l = cons_latin(x->c, x->nukta);
			if (x->c == C_JA && !x->nukta && x->vowel == V_VIRAMA && i + 1 < k &&
			    u[i + 1].kind == U_CONS && u[i + 1].c == C_NYA)
				l = "g";
			else if (x->c == C_NYA && is_tail(u, i) && u[i - 1].c == C_JA && !u[i - 1].nukta)
				l = "y";
			else if (x->c == C_VA && is_tail(u, i))
				l = "w";
			kb_buf_puts(out, l);
			if (x->vowel == V_SCHWA) {
				if (!x->del)
					kb_buf_putc(out, 'a');
			} else if (x->vowel != V_VIRAMA) {
				kb_buf_puts(out, vowel_latin(x->vowel));
			}
		} else if (x->kind == U_VOWEL) {
			if (x->c == VOW_E && i > 0 && ends_a_or_i(&u[i - 1]))
				kb_buf_putc(out, 'y');
			kb_buf_puts(out, vowel_latin(x->c));
		} else if (x->c) {
			put_other(out, x->c);
		}
		if (x->nasal)
			put_nasal(out, u, k, i, x->nasal);
		if (x->visarga)
			kb_buf_putc(out, 'h');
	}
	if (u != local)
		free(u);
}

/* True for code points that belong to a Devanagari word run. */
static int in_word(int32_t c)
{
	return tx_is_deva_word(c) || c == CP_ZWJ || c == CP_ZWNJ;
}

/* Contract in internal.h: Devanagari runs word by word, the rest copied. */
void tx_translit(kb_buf *out, const char *str, size_t n, int use_names)
{
	const unsigned char *s = (const unsigned char *)str;
	int32_t local[64];
	size_t i = 0;
	while (i < n) {
		size_t len;
		int32_t c = tx_decode(s + i, n - i, &len);
		if (!tx_is_deva_word(c)) {
			if (c == TX_BAD)
				kb_buf_puts(out, "\xEF\xBF\xBD");
			else if (tx_is_deva(c))
				put_other(out, c);
			else
				kb_buf_append(out, s + i, len);
			i += len;
			continue;
		}
		size_t j = i, k = 0;
		while (j < n) {
			int32_t d = tx_decode(s + j, n - j, &len);
			if (!in_word(d))
				break;
			j += len;
			k++;
		}
		int row = use_names ? tx_name_lookup_word(str + i, j - i) : -1;
		if (row >= 0) {
			kb_buf_puts(out, tx_name_latin(row));
		} else {
			int32_t *w = k <= KB_COUNT(local) ? local : kb_malloc(k * sizeof *w);
			size_t m = 0;
			for (size_t p = i; p < j; p += len)
				w[m++] = tx_decode(s + p, j - p, &len);
			tx_translit_word(out, w, m);
			if (w != local)
				free(w);
		}
		i = j;
	}
	tx_terminate(out);
}

/* Contract in text.h. */
void text_translit(kb_buf *out, const char *s, size_t n)
{
	tx_translit(out, s, n, 1);
}
