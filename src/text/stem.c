/*
 * stem.c: text_stem(), a light Hindi stemmer for nouns and adjectives: it
 * removes one plural, oblique or gender ending so that क्षमता, क्षमताएं and
 * क्षमताओं meet at क्षमत. It does not conjugate verbs (Lucene's HindiStemmer
 * also strips ने, ना, ता, कर ..., which turns सेना, नेता, खबर-like nouns
 * into fragments) and it expects text_normalise() output (so ाएँ arrives
 * as ाएं and no nukta is left).
 *
 * The longest matching suffix is removed, once, and only when at least
 * MIN_STEM code points remain. Two code points keep दल (दलों), रात (रातें)
 * and देश whole, and stop के, की, में, से, थी from losing their vowel.
 *
 * | suffix | example                          | why                                  |
 * |--------|----------------------------------|--------------------------------------|
 * | ाइयों  | लड़ाइयों -> लड                   | oblique plural of nouns in ाई        |
 * | ाइयां  | लड़ाइयां -> लड                   | plural of nouns in ाई                |
 * | ियों   | नीतियों, लड़कियों -> नीत, लडक    | oblique plural of nouns in ि/ी       |
 * | ियां   | नीतियां -> नीत                   | plural of nouns in ि/ी               |
 * | ाओं    | क्षमताओं, नेताओं -> क्षमत, नेत  | oblique plural of nouns in ा         |
 * | ाएं    | क्षमताएं, सेनाएं -> क्षमत, सेन  | plural of feminine nouns in ा        |
 * | ुओं    | वस्तुओं, हिंदुओं -> वस्त, हिंद  | oblique plural of nouns in ु/ू       |
 * | ुएं    | वस्तुएं -> वस्त                  | plural of feminine nouns in ु        |
 * | ों     | देशों, पहलों, खबरों -> देश ...   | oblique plural, the commonest ending |
 * | ें     | खबरें, बातें -> खबर, बात         | plural of feminine nouns             |
 * | ीं     | 17वीं, 17वें, 17वां... -> 17व    | feminine plural / ordinal            |
 * | ाई     | लड़ाई, कार्रवाई -> लड, कार्रव   | abstract nouns: pairs with ाइयों     |
 * | ा      | क्षमता, नेता, मामला -> stem      | singular in ा (meets its plurals)    |
 * | ी      | लड़की, बड़ी -> लडक, बड           | feminine singular in ी               |
 * | ि      | नीति, शक्ति -> नीत, शक्त         | singular in ि (meets ियां, ियों)     |
 * | ु ू    | वस्तु, हिंदू -> वस्त, हिंद       | singular in ु/ू (meets ुओं)          |
 * | े      | मामले, हमले, बड़े -> मामल ...    | masculine oblique/plural in े       |
 *
 * The stem then folds the loanword spellings Hindi news mixes: ॉ -> ा,
 * ऑ -> आ (डॉलर/डालर, ऑक्सीजन/आक्सीजन, ऑर्डर/आर्डर), ै -> े, ऐ -> ए
 * (सेंटर/सैंटर, मेक्सिको/मैक्सिको, इंटरनेशनल/इंटरनैशनल) and ी -> ि, ू -> ु
 * before a final consonant with two code points before them (वैक्सीन/
 * वैक्सिन, मानसून/मॉनसून, ज़रूर/ज़रुर), in stems of four code points or
 * more only: कॉफी/काफी, बॉल/बाल, दीन/दिन, सीख/सिख stay apart. Measured
 * on the 15,990 words of hunspell-hi: 125 more words share a stem, nearly
 * all such variants (बैंड/बेंड, band and bend, is one that is not).
 *
 * Not removed: ो, ै, ां alone (यहां would become यह), independent vowels.
 * A few frequent words are kept whole because removing the ending would
 * make them another common word: पहले/पहला/पहली (पहल, initiative),
 * आगे (आग, fire), बारे (बार, times), सभी (सभा, assembly).
 */
#include "internal.h"

#include <string.h>

#define MIN_STEM 2

typedef struct suffix {
	const char *s;
	unsigned char len; /* bytes */
} suffix;

#define SFX(x)                   \
	{                        \
		x, sizeof(x) - 1 \
	}

/* Longest first: the first match wins. All Devanagari, 3 bytes a code
 * point. */
static const suffix suffixes[] = {
	SFX("ाइयों"), SFX("ाइयां"), SFX("ियों"), SFX("ियां"), SFX("ाओं"), SFX("ाएं"), SFX("ुओं"), SFX("ुएं"), SFX("ों"),
	SFX("ें"),     SFX("ीं"),    SFX("ाई"),  SFX("ा"),   SFX("ी"),  SFX("ि"),  SFX("ु"),  SFX("ू"),  SFX("े"),
};

static const suffix keep_whole[] = {
	SFX("पहले"), SFX("पहला"), SFX("पहली"), SFX("आगे"), SFX("बारे"), SFX("सभी"),
};

/* Number of code points in s[0..n) (counting lead bytes). */
static size_t cp_count(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

/* True when s[0..n) ends with a Devanagari letter or sign. */
static int ends_deva(const char *s, size_t n)
{
	if (n < 3)
		return 0;
	size_t len;
	int32_t c = tx_decode((const unsigned char *)s + n - 3, 3, &len);
	return len == 3 && tx_is_deva_word(c);
}

/* Loanword vowels and the vowel each folds to (3 bytes each). */
static const char swaps[][2][4] = {{"ॉ", "ा"}, {"ऑ", "आ"}, {"ै", "े"}, {"ऐ", "ए"}};

/* Contract in text.h; the rule is in the file comment. */
void text_loan_fold(kb_buf *out, const char *word, size_t n)
{
	/* Short stems keep them: कॉफी/काफी, बॉल/बाल, दीन/दिन, सीख/सिख are
	 * different words. */
	if (cp_count(word, n) < 4) {
		kb_buf_append(out, word, n);
		return;
	}
	kb_buf_reserve(out, n);
	for (size_t i = 0; i < n; i++) {
		const unsigned char *u = (const unsigned char *)word + i;
		if (u[0] != 0xE0 || i + 3 > n) {
			kb_buf_putc(out, word[i]);
			continue;
		}
		size_t k = 0;
		while (k < KB_COUNT(swaps) && memcmp(word + i, swaps[k][0], 3))
			k++;
		if (k < KB_COUNT(swaps)) {
			kb_buf_append(out, swaps[k][1], 3);
			i += 2;
			continue;
		}
		/* ी (E0 A5 80), ू (E0 A5 82) followed by exactly one consonant */
		if (i >= 6 && i + 6 == n && u[0] == 0xE0 && u[1] == 0xA5 && (u[2] == 0x80 || u[2] == 0x82)) {
			size_t len;
			if (tx_is_consonant(tx_decode(u + 3, 3, &len))) {
				kb_buf_append(out, u[2] == 0x80 ? "\xE0\xA4\xBF" : "\xE0\xA5\x81", 3);
				i += 2;
				continue;
			}
		}
		kb_buf_putc(out, word[i]);
	}
	tx_terminate(out);
}

/* Contract in text.h; the suffix table is in the file comment. */
void text_stem(kb_buf *out, const char *word, size_t n)
{
	if (!ends_deva(word, n)) {
		kb_buf_append(out, word, n);
		return;
	}
	for (size_t k = 0; k < KB_COUNT(keep_whole); k++) {
		if (keep_whole[k].len == n && !memcmp(keep_whole[k].s, word, n)) {
			text_loan_fold(out, word, n);
			return;
		}
	}
	for (size_t k = 0; k < KB_COUNT(suffixes); k++) {
		const suffix *x = &suffixes[k];
		/* the last byte differs for most suffixes: test it first */
		if (x->len >= n || x->s[x->len - 1] != word[n - 1] || memcmp(word + n - x->len, x->s, x->len))
			continue;
		size_t stem = n - x->len;
		if (cp_count(word, stem) < MIN_STEM)
			continue;
		/* Never leave a half consonant (virama) at the end. */
		size_t len;
		if (stem >= 3 && tx_decode((const unsigned char *)word + stem - 3, 3, &len) == DV_VIRAMA)
			continue;
		text_loan_fold(out, word, stem);
		return;
	}
	text_loan_fold(out, word, n);
}
