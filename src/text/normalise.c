/*
 * normalise.c: text_normalise(), the folding that makes two spellings of one
 * Hindi word compare equal: NFC (through utf8proc) plus the folding rules
 * below. It does not split words (tokenise.c) or strip endings (stem.c).
 *
 * Rules, weighed against Lucene's HindiNormalizer (Pingali & Varma, plus
 * Larkey et al.) and IndicNormalizer. "Recall" means a search for one
 * spelling finds the other; "precision" that unrelated words stay apart.
 *
 * | rule                                   | here    | why                                                   |
 * |----------------------------------------|---------|-------------------------------------------------------|
 * | NFC (utf8proc, stable)                 | yes     | one byte form per canonical form; IndicNormalizer's   |
 * |                                        |         | table is mostly NFC's job, and the rest of it (Tamil, |
 * |                                        |         | Malayalam, Gurmukhi spellings) is not Hindi's         |
 * | case folding (utf8proc full casefold)  | yes     | "Israel" = "israel"; all cased scripts, not only      |
 * |                                        |         | Latin: no Hindi text is harmed and Greek/Cyrillic     |
 * |                                        |         | names match too                                       |
 * | nukta removed: ज़->ज, फ़->फ, ड़->ड,  | yes     | मज़बूत/मजबूत, इज़राइल/इजराइल are one word written   |
 * | U+0958..095F, ऩ ऱ ऴ, U+093C         |         | both ways in the same paper; no Hindi minimal pairs    |
 * |                                        |         | worth keeping apart (ज़रा/जरा are rare)                |
 * | chandrabindu -> anusvara               | yes     | हैँ/हैं, माँ/मां, क्षमताएँ/क्षमताएं: a style choice of  |
 * |                                        |         | the writer, not a different word                     |
 * | ZWJ, ZWNJ removed                      | yes     | they only choose the glyph (half form) of a conjunct |
 * | soft hyphen removed                    | yes     | invisible; a hyphenation hint                         |
 * | Devanagari digits -> ASCII             | yes     | १७वीं = 17वीं, ४ नवंबर = 4 नवंबर                     |
 * | danda ।, double danda ॥                | kept    | punctuation: kept as text, and tokenise.c never puts  |
 * |                                        |         | them inside a word                                    |
 * | dead न (न्) -> anusvara (Lucene: any)  | narrow  | only a nasal + virama before a consonant of its own   |
 * |                                        |         | class (ङ्क ञ्च ण्ड न्त म्ब ...): हिन्दी/हिंदी,         |
 * |                                        |         | सम्बन्ध/संबंध, कम्पनी/कंपनी are one word. Lucene's     |
 * |                                        |         | unconditional rule also rewrites अन्य, अन्न, जन्म,     |
 * |                                        |         | which are never spelled with anusvara                 |
 * | virama removed (Lucene: everywhere)    | final   | only at the end of a word: जगत्/जगत, भगवान्/भगवान.   |
 * |                                        | only    | Inside a word the virama is the conjunct (पत्र/पतर), |
 * |                                        |         | and transliteration needs it                         |
 * | chandra/short E, O -> E, O (ॅ ॆ -> े) | no      | ॅ/ॉ mark English vowels: बॉल (ball) vs बोल (speak),  |
 * |                                        |         | कॉल (call) vs कोल (coal); merging hurts precision     |
 * | long -> short vowels (ी->ि, ू->ु, ै->े, | no      | merges real words: दिन/दीन, सुना/सूना, मेल/मैल, बहन/  |
 * | ौ->ो, आ->अ, ई->इ ...)                 |         | बाहन; too costly for a news archive. The Latin key    |
 * |                                        |         | (latin.c) is where spellings are folded that hard    |
 * | vowel-sign decompositions (अ+ा -> आ)  | no      | IndicNormalizer's only Devanagari compositions are    |
 * |                                        |         | visually-confusable misspellings; rare in typed news  |
 *
 * Output is always NFC (composition happens after folding, so removing a
 * nukta or ZWJ never leaves a sequence that NFC would still compose), the
 * folds are idempotent, and the output never grows past
 * TEXT_NORMALISE_BOUND(n): an invalid byte becomes U+FFFD (3 bytes), and no
 * code point grows more than threefold under NFC + casefold.
 *
 * Two paths give the same bytes. Text is cut into chunks at ASCII
 * whitespace (NFC never acts across a space). A chunk of ASCII, Devanagari,
 * ZWJ/ZWNJ/soft hyphen and a few common punctuation marks is folded
 * directly: for it, NFC only means composing or decomposing nukta letters
 * (folded away anyway) and putting combining marks in canonical order, which
 * is checked. Any other chunk goes through utf8proc: decompose + casefold,
 * fold, canonical order, compose.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* A growable array of code points. */
typedef struct cpvec {
	int32_t *v;
	size_t n, cap;
	int heap;
} cpvec;

/* Makes room for extra more code points in a. */
static void cpvec_reserve(cpvec *a, size_t extra)
{
	if (extra > SIZE_MAX / 8 - a->n)
		kb_fatal("text: input too large");
	size_t need = a->n + extra;
	if (need <= a->cap)
		return;
	size_t cap = a->cap ? a->cap : 64;
	while (cap < need)
		cap *= 2;
	if (a->heap) {
		a->v = kb_realloc(a->v, cap * sizeof *a->v);
	} else {
		int32_t *v = kb_malloc(cap * sizeof *v);
		if (a->n)
			memcpy(v, a->v, a->n * sizeof *v);
		a->v = v;
		a->heap = 1;
	}
	a->cap = cap;
}

/* Canonical combining class: the Devanagari ones inline, others from
 * utf8proc. */
static int ccc_of(int32_t c)
{
	if (c < 0x0300)
		return 0;
	if (c >= 0x0900 && c <= 0x097F) {
		switch (c) {
		case DV_NUKTA: return 7;
		case DV_VIRAMA: return 9;
		case 0x0951:
		case 0x0953:
		case 0x0954: return 230;
		case 0x0952: return 220;
		default: return 0;
		}
	}
	return utf8proc_get_property(c)->combining_class;
}

/* Sorts each run of combining marks by combining class, stably: the
 * canonical ordering step of Unicode normalisation. */
static void canonical_order(int32_t *w, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		int cc = ccc_of(w[i]);
		if (cc == 0)
			continue;
		int32_t c = w[i];
		size_t j = i;
		while (j > 0) {
			int pc = ccc_of(w[j - 1]);
			if (pc <= cc)
				break;
			w[j] = w[j - 1];
			j--;
		}
		w[j] = c;
	}
}

/* The class (first consonant) of a Devanagari nasal, or 0. */
static int32_t nasal_class(int32_t c)
{
	switch (c) {
	case 0x0919: /* ङ */ return 0x0915;
	case 0x091E: /* ञ */ return 0x091A;
	case 0x0923: /* ण */ return 0x091F;
	case 0x0928: /* न */ return 0x0924;
	case 0x092E: /* म */ return 0x092A;
	default: return 0;
	}
}

/* True when consonant c is one of the four stops of the class that starts
 * at first (क ख ग घ for ङ, and so on). */
static int in_class(int32_t c, int32_t first)
{
	return first && c >= first && c < first + 4;
}

/*
 * The context-free folding rules of the table above, on code points
 * w[0..n), in place: nukta, ZWJ, ZWNJ and soft hyphen deleted, nukta
 * letters to their base letters, chandrabindu to anusvara, Devanagari
 * digits to ASCII. Returns the new length (never larger).
 */
static size_t fold_map(int32_t *w, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int32_t c = w[i];
		if (c == DV_NUKTA || c == CP_ZWJ || c == CP_ZWNJ || c == CP_SHY)
			continue;
		int32_t b = tx_nukta_base(c);
		if (b)
			c = b;
		else if (c == DV_CANDRABINDU)
			c = DV_ANUSVARA;
		else if (c >= DV_ZERO && c <= DV_ZERO + 9)
			c = '0' + (c - DV_ZERO);
		w[o++] = c;
	}
	return o;
}

/*
 * The rules that look at neighbours, on fold_map() output in canonical
 * order, in place: a virama not followed by a Devanagari letter or sign is
 * dropped (word-final virama), and nasal + virama before a stop of the
 * nasal's class becomes anusvara. Returns the new length. It removes only
 * viramas (combining marks) and turns a starter into a starter, so the
 * canonical order holds after it, and its output is its own fixed point.
 */
static size_t fold_context(int32_t *w, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int32_t c = w[i];
		if (o && w[o - 1] == DV_VIRAMA) {
			if (!tx_is_deva_word(c)) {
				while (o && w[o - 1] == DV_VIRAMA)
					o--;
			} else if (o >= 2 && tx_is_consonant(c) && in_class(c, nasal_class(w[o - 2]))) {
				w[o - 2] = DV_ANUSVARA;
				o--;
			}
		}
		w[o++] = c;
	}
	while (o && w[o - 1] == DV_VIRAMA)
		o--;
	return o;
}

/* True for the code points the fast path handles: NFC-inert apart from
 * nukta letters and Devanagari mark order, which fold_map() and the order check
 * take care of. */
static int fast_ok(int32_t c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0x0900 && c <= 0x097F)
		return 1;
	switch (c) {
	case 0x00A0: /* no-break space */
	case CP_SHY:
	case CP_ZWNJ:
	case CP_ZWJ:
	case 0x2013: /* – */
	case 0x2014: /* — */
	case 0x2018: /* ‘ */
	case 0x2019: /* ’ */
	case 0x201C: /* “ */
	case 0x201D: /* ” */
	case 0x2026: /* … */
	case 0x20B9: /* ₹ */ return 1;
	default: return 0;
	}
}

/* Appends code points w[0..n) to out as UTF-8. */
static void put_utf8(kb_buf *out, const int32_t *w, size_t n)
{
	kb_buf_reserve(out, 4 * n);
	char *p = out->data + out->len;
	for (size_t i = 0; i < n; i++)
		p += tx_encode(p, w[i]);
	out->len = (size_t)(p - out->data);
	out->data[out->len] = 0;
}

/*
 * The fast path for one chunk s[0..n): returns 1 and appends the result if
 * the chunk is all fast_ok() and its combining marks, leaving out what
 * fold_map() deletes, are already in canonical order; else returns 0 and
 * appends nothing. Then NFD would only split nukta letters, whose nukta
 * fold_map() drops, so folding the text as it stands gives the slow path's
 * bytes. v is scratch space.
 */
static int chunk_fast(kb_buf *out, const unsigned char *s, size_t n, cpvec *v)
{
	v->n = 0;
	cpvec_reserve(v, n);
	int32_t *w = v->v;
	size_t k = 0;
	int last = 0; /* combining class of the last kept code point */
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		if (c < 0x80) {
			w[k++] = (c >= 'A' && c <= 'Z') ? (int32_t)(c + 32) : (int32_t)c;
			last = 0;
			i++;
			continue;
		}
		size_t len;
		int32_t cp = tx_decode(s + i, n - i, &len);
		if (cp == TX_BAD || !fast_ok(cp))
			return 0;
		if (cp != DV_NUKTA && cp != CP_ZWJ && cp != CP_ZWNJ && cp != CP_SHY) {
			int cc = cp >= 0x0900 && cp <= 0x097F ? ccc_of(cp) : 0;
			if (cc && cc < last)
				return 0;
			last = cc;
		}
		w[k++] = cp;
		i += len;
	}
	k = fold_context(w, fold_map(w, k));
	put_utf8(out, w, k);
	return 1;
}

/* The full path for one chunk s[0..n): invalid bytes to U+FFFD, canonical
 * decomposition with casefolding, fold_map(), canonical order,
 * fold_context(), composition. Deleting first matters: a deleted ZWJ or
 * soft hyphen can bring marks together that then need reordering, and the
 * context rules must see the final order. */
static void chunk_slow(kb_buf *out, const unsigned char *s, size_t n, cpvec *v)
{
	v->n = 0;
	cpvec_reserve(v, n + 1);
	for (size_t i = 0; i < n;) {
		size_t len;
		int32_t cp = tx_decode(s + i, n - i, &len);
		if (cp == TX_BAD)
			cp = 0xFFFD;
		i += len;
		int32_t tmp[64];
		utf8proc_ssize_t r = utf8proc_decompose_char(cp, tmp, (utf8proc_ssize_t)KB_COUNT(tmp),
							     UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD, NULL);
		if (r < 0 || r > (utf8proc_ssize_t)KB_COUNT(tmp)) {
			tmp[0] = cp; /* cannot happen: decompositions are short */
			r = 1;
		}
		cpvec_reserve(v, (size_t)r + 1);
		memcpy(v->v + v->n, tmp, (size_t)r * sizeof *tmp);
		v->n += (size_t)r;
	}
	size_t k = fold_map(v->v, v->n);
	canonical_order(v->v, k);
	k = fold_context(v->v, k);
	cpvec_reserve(v, 1); /* utf8proc_reencode writes a terminating NUL */
	utf8proc_ssize_t bytes =
		utf8proc_reencode(v->v, (utf8proc_ssize_t)k, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
	if (bytes < 0)
		kb_fatal("text: utf8proc_reencode: %s", utf8proc_errmsg(bytes));
	kb_buf_append(out, v->v, (size_t)bytes);
}

/* ASCII whitespace: the chunk boundaries (NFC never acts across them). */
static int is_space(unsigned c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Contract in text.h: chunk by chunk, fast path first. */
int text_normalise(kb_buf *out, const char *str, size_t n, unsigned flags)
{
	if ((flags & TEXT_STRICT) && !kb_utf8_valid(str, n, NULL))
		return -1;
	const unsigned char *s = (const unsigned char *)str;
	int32_t local[256];
	cpvec v = {local, 0, KB_COUNT(local), 0};
	kb_buf_reserve(out, n);
	size_t i = 0;
	while (i < n) {
		if (is_space(s[i])) {
			size_t j = i;
			while (j < n && is_space(s[j]))
				j++;
			kb_buf_append(out, s + i, j - i);
			i = j;
			continue;
		}
		size_t j = i;
		while (j < n && !is_space(s[j]))
			j++;
		if ((flags & TEXT_NORM_SLOW_) || !chunk_fast(out, s + i, j - i, &v))
			chunk_slow(out, s + i, j - i, &v);
		i = j;
	}
	if (v.heap)
		free(v.v);
	tx_terminate(out);
	return 0;
}
