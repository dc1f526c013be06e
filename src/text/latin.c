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
 * 0. English spelling to the sounds Hindi news writes for it, by rule, so
 *    that "oxygen", "mobile", "station" meet ऑक्सीजन, मोबाइल, स्टेशन
 *    without a table row (the table is for the irregular words). Doubled
 *    vowels fold first (aa -> a, ee -> i, oo -> u). Then: c before e, i, y
 *    -> s, else k (ck -> k, ch stays); qu -> kv; -tion, -sion -> shan,
 *    -ation -> eshan; soft g at the end (energy, oxygen -> jan, logic);
 *    igh(t) -> ai (night, flight); oa -> o (goal); ea -> i (leader), but
 *    -ead, -ealth -> e (head, health); ow -> o at the end (show), au
 *    before n, d, l (lockdown), av before a vowel (power); y between
 *    consonants or at the end -> i (system, city); wor before a
 *    consonant -> war (network, password); -dge -> j (bridge); er
 *    before a consonant -> ar (terminal, service). The silent final e of
 *    V C e (or V C en, मिलें beside मिले): o_e -> o (phone, vote), u_e
 *    -> u, i_e -> ai (mobile, price, online) but -ice, -ive, -ine after
 *    another syllable are short (office, active, vaccine), a_e -> e only
 *    in one syllable after a cluster (state, plane, stage), else the e
 *    stays (page, rate: Hindi's jate, bane, sake look the same); c and g
 *    there are s and j (price, stage), and so is s after o, u (dose,
 *    close, use). Unstressed final -er, -or, -el, -em -> a (doctor,
 *    hotel, system) and -ator -> etar (ventilator). A transliteration rarely has these letter patterns;
 *    where it has (छोटे "chhote" -> chhot), both sides fold alike, and
 *    the dropped final e only meets what the stem key already met.
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
 * 6. a final 'a' goes (raksha/raksh) when two letters remain (before
 *    step 4, whose context it is: vidyalaya, vidyalay).
 * 7. ...or, in a word of two syllables or more, a final n after e, o, u
 *    or in -hin goes, for nasal vowels typed with or without n (donon,
 *    dono; karen, kare; nahin, nahi). Not after a (maan/maa would meet
 *    kisan/kisa) nor after i elsewhere (sachin/sachchi, line/lai).
 *
 * ांव at the end, typed aon or anv (gaon, gaanv: गाँव), keys as anv.
 *
 * The order is 0, 1-3, the ांव rule, then 6 or 7, then 4 and 5.
 *
 * Also ड़ typed as r before k meets its d (sarak, sadak; larki, ladki):
 * an r after a vowel before k or ak is d. Wider r/d merges cost too much
 * (bar/bad, par/pad). Aspirates keep their h: dropping it after k g t d
 * b j merges a quarter more stems of hunspell-hi's 15,990 words (बस and
 * भाषा, कर and खारा, छोटा and चौथा), so kh and k stay apart.
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

/* True when s[0..n) ends with the string t. */
static int ends_with(const char *s, size_t n, const char *t)
{
	size_t k = strlen(t);
	return n >= k && !memcmp(s + n - k, t, k);
}

/* Number of vowel groups (syllables, roughly) in s[0..n). */
static size_t vowel_groups(const char *s, size_t n)
{
	size_t g = 0;
	for (size_t i = 0; i < n; i++)
		g += is_vowel(s[i]) && (i == 0 || !is_vowel(s[i - 1]));
	return g;
}

/*
 * Step 0 on s[0..n) into d, with v (n bytes) as scratch; returns the
 * length (at most n). English
 * spelling to the sounds Hindi writes, applied to every word (a
 * transliteration never has these letter patterns, or has them in a way
 * that keys alike from both sides). The rules are in the file comment.
 */
static size_t english_fold(const char *s, size_t n, char *d, char *v)
{
	/* doubled vowels first, so "aage" and "age" (आगे) go the same way */
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i], nx = i + 1 < n ? s[i + 1] : 0;
		if ((c == 'a' || c == 'i' || c == 'u') && nx == c)
			continue;
		if (c == 'e' && nx == 'e')
			c = 'i', i++;
		else if (c == 'o' && nx == 'o')
			c = 'u', i++;
		v[m++] = c;
	}
	/* the silent final e: V C e at the end, V a single vowel letter; a
	 * nasal n after it (मिलें "milen", मिले "mile") goes with it */
	size_t tail = 0; /* letters of v the magic-e rule rewrote at the end */
	char mag[4];
	const char *out = NULL;
	size_t nas = m >= 5 && v[m - 1] == 'n' && vowel_groups(v, m - 1) >= 2;
	m -= nas;
	if (m >= 3 && v[m - 1] == 'e' && is_cons(v[m - 2]) && is_vowel(v[m - 3]) &&
	    (m == 3 || !is_vowel(v[m - 4])) && !strchr("hwyrx", v[m - 2])) {
		char vw = v[m - 3], c = v[m - 2];
		size_t syl = vowel_groups(v, m - 3);
		switch (vw) {
		case 'a':
			/* state, plane, space: one syllable after a cluster;
			 * Hindi's jate, bane, sake keep their a */
			if (m == 5 && !nas && is_cons(v[0]) && is_cons(v[1]) && !strchr("hy", v[1]))
				out = "e";
			break;
		case 'o':
		case 'u': out = vw == 'o' ? "o" : "u"; break;
		case 'e': out = "e"; break;
		case 'i':
			/* -ice, -ive, -ine after another syllable are short
			 * (office, active, vaccine), but not -line, -fine */
			out = "ai";
			if (syl > 0 && (c == 'c' || c == 'v' || c == 'n') && !ends_with(v, m, "line") &&
			    !ends_with(v, m, "fine") && !ends_with(v, m, "mine") &&
			    !ends_with(v, m, "wine") && !ends_with(v, m, "nine"))
				out = "i";
			break;
		default: break;
		}
	}
	if (out) {
		char c = v[m - 2];
		if (c == 'c')
			c = 's';
		else if (c == 'g' || (c == 's' && (v[m - 3] == 'o' || v[m - 3] == 'u')))
			c = 'j'; /* page; dose, close, use */
		size_t k = strlen(out);
		memcpy(mag, out, k);
		mag[k] = c;
		m -= 3;
		memcpy(v + m, mag, k + 1);
		m += k + 1;
		tail = k + 1;
	} else {
		m += nas;
	}
	size_t o = 0;
	for (size_t i = 0; i < m;) {
		char c = v[i], nx = i + 1 < m ? v[i + 1] : 0;
		char nx2 = i + 2 < m ? v[i + 2] : 0, nx3 = i + 3 < m ? v[i + 3] : 0;
		int in_tail = i >= m - tail;
		if (in_tail) {
			d[o++] = c;
			i++;
			continue;
		}
		switch (c) {
		case 'c':
			if (nx == 'h') {
				d[o++] = 'c';
				i++;
				continue;
			}
			if (nx == 'k') /* ck */
				i++;
			d[o++] = nx == 'e' || nx == 'i' || nx == 'y' ? 's' : 'k';
			i++;
			continue;
		case 'q':
			if (nx == 'u') {
				d[o++] = 'k';
				d[o++] = 'v';
				i += 2;
				continue;
			}
			break;
		case 't':
		case 's':
			/* -tion, -sion: station -> steshan, mission -> mishan */
			if (nx == 'i' && nx2 == 'o' && nx3 == 'n') {
				if (o && d[o - 1] == 'a' && c == 't')
					d[o - 1] = 'e';
				memcpy(d + o, "shan", 4);
				o += 4;
				i += 4;
				continue;
			}
			break;
		case 'g':
			/* soft g at the end: energy, oxygen, logic */
			if ((nx == 'y' && i + 2 == m) || (nx == 'e' && nx2 == 'n' && i + 3 == m) ||
			    (nx == 'i' && nx2 == 'c' && i + 3 == m)) {
				d[o++] = 'j';
				if (nx == 'e') {
					d[o++] = 'a';
					d[o++] = 'n';
					i += 3;
					continue;
				}
				i++;
				continue;
			}
			break;
		case 'i':
			/* night, flight, high */
			if (nx == 'g' && nx2 == 'h' && (i + 3 == m || nx3 == 't')) {
				d[o++] = 'a';
				d[o++] = 'i';
				i += 3;
				continue;
			}
			break;
		case 'o':
			if (nx == 'a') { /* goal, coach, loan */
				d[o++] = 'o';
				i += 2;
				continue;
			}
			if (nx == 'w') { /* show; down, town; power */
				if (i + 2 == m) {
					d[o++] = 'o';
				} else if (nx2 == 'n' || nx2 == 'd' || nx2 == 'l') {
					d[o++] = 'a';
					d[o++] = 'u';
				} else {
					d[o++] = 'a';
					d[o++] = 'v';
				}
				i += 2;
				continue;
			}
			break;
		case 'e':
			if (nx == 'a') { /* team, leader; head, health */
				int short_e = (nx2 == 'd' && i + 3 == m) || (nx2 == 'l' && nx3 == 't');
				d[o++] = short_e ? 'e' : 'i';
				i += 2;
				continue;
			}
			break;
		case 'w':
			/* work, world, network: वर्क */
			if (nx == 'o' && nx2 == 'r' && is_cons(nx3)) {
				d[o++] = 'w';
				d[o++] = 'a';
				i += 2;
				continue;
			}
			break;
		case 'd':
			/* bridge, judge: ज */
			if (nx == 'g' && nx2 == 'e' && i + 3 == m) {
				d[o++] = 'j';
				i += 3;
				continue;
			}
			break;
		case 'y':
			/* y between consonants or at the end: system, city */
			if (o && is_cons(d[o - 1]) && !is_vowel(nx)) {
				d[o++] = 'i';
				i++;
				continue;
			}
			break;
		default: break;
		}
		d[o++] = c;
		i++;
	}
	/* er before a consonant is अर (terminal, internet, service) */
	for (size_t i = 1; i + 2 < o; i++)
		if (d[i] == 'e' && d[i + 1] == 'r' && is_cons(d[i + 2]) && is_cons(d[i - 1]))
			d[i] = 'a';
	/* unstressed final -er, -or, -el, -em: doctor, computer, hotel,
	 * system; -ator: ventilator, operator */
	if (o >= 4 && strchr("rlm", d[o - 1]) && (d[o - 2] == 'e' || (d[o - 2] == 'o' && d[o - 1] == 'r')) &&
	    is_cons(d[o - 3]) && vowel_groups(d, o - 2) > 0) {
		d[o - 2] = 'a';
		if (o >= 5 && d[o - 1] == 'r' && d[o - 3] == 't' && d[o - 4] == 'a' &&
		    vowel_groups(d, o - 4) > 0)
			d[o - 4] = 'e';
	}
	return o;
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
	kb_buf_reserve(b, 6 * a->len + 6);
	char *d = b->data, *t = b->data + 2 * a->len + 2, *e = b->data + 4 * a->len + 4;
	size_t m = english_fold(a->data, a->len, e, e + a->len + 1);
	/* ड़ typed as r before k: sarak, sadak; larki, ladki */
	for (size_t i = 1; i + 1 < m; i++)
		if (e[i] == 'r' && is_vowel(e[i - 1]) &&
		    (e[i + 1] == 'k' || (e[i + 1] == 'a' && i + 2 < m && e[i + 2] == 'k')))
			e[i] = 'd';
	m = spell_fold(e, m, d);
	/* ांव at the end is typed aon or anv (gaon, ganv; paon, panv) */
	if (m >= 3 && d[m - 3] == 'a' && d[m - 2] == 'o' && d[m - 1] == 'n') {
		d[m - 2] = 'n';
		d[m - 1] = 'v';
	}
	/* step 7: a final nasal after e, o, u (and -hin) goes in a word of
	 * two syllables or more: donon, dono; karen, kare; nahin, nahi */
	if (m > 3 && d[m - 1] == 'n' && is_cons(d[m - 3]) && vowel_groups(d, m - 2) > 0 &&
	    (strchr("eou", d[m - 2]) || (d[m - 2] == 'i' && d[m - 3] == 'h')))
		m--;
	/* step 6, before the schwas, whose context it is: vidyalaya */
	else if (m > 2 && d[m - 1] == 'a')
		m--;
	m = schwa_fold(d, m, t);
	/* step 5 */
	for (size_t i = 0; i + 1 < m; i++)
		if (d[i] == 'm' && is_cons(d[i + 1]))
			d[i] = 'n';
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
