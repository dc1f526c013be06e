/*
 * test_text.c: unit tests for src/text (the Hindi text engine): tables of
 * real Hindi news words for each function, the seed report (embedded below,
 * a copy of shared/seed/article-hi.txt) end to end, and property checks over
 * generated text and random bytes. Run from the repository root; needs
 * nothing else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <utf8proc.h>

#include "core/core.h"
#include "text/internal.h"
#include "text/text.h"

/* The table rows checked, reported at the end. */
static size_t cases;

/* The seed report, as shipped in shared/seed/article-hi.txt. */
static const char seed_text[] =
	"नई दिल्ली। रक्षा सचिव राजेश कुमार सिंह और इज़राइली रक्षा मंत्रालय के महानिदेशक मेजर जनरल (सेवानिवृत्त) अमीर बरम की सह-अध्यक्षता में रक्षा सहयोग पर संयुक्त कार्य समूह की 17वीं बैठक 4 नवंबर, 2025 को तेल"
	" अवीव में हुई। इस दौरान दोनों देशों के बीच पहले से ही मज़बूत रक्षा सहयोग को और सशक्त करने के लिए एक एकीकृत दृष्टिकोण और नीतिगत दिशा प्रदान करने के लिए रक्षा सहयोग पर एक समझौता ज्ञापन पर हस्ताक्षर किए "
	"गए।\n"
	"इस समझौता ज्ञापन में सहयोग के कई क्षेत्रों की पहचान की गई है, जिनसे दोनों देशों को लाभ होगा। महत्वपूर्ण क्षेत्रों में पारस्परिक हित के रणनीतिक संवाद, प्रशिक्षण, रक्षा औद्योगिक सहयोग, और विज्ञान एवं प्"
	"रौद्योगिकी, अनुसंधान एवं विकास और तकनीकी नवाचार, कृत्रिम बुद्धिमत्ता और साइबर सुरक्षा सहयोग सहित क्षमताएँ शामिल हैं। यह समझौता ज्ञापन उन्नत प्रौद्योगिकी के आदान-प्रदान को सक्षम बनाएगा और सह-विकास एवं "
	"सह-उत्पादन को बढ़ावा देगा।\n"
	"संयुक्त कार्य समूह ने चल रहे रक्षा सहयोग पहलों की समीक्षा की। इस बात पर सहमति व्यक्त की कि दोनों देशों को एक-दूसरे की क्षमताओं से लाभ हुआ है। दोनों पक्षों ने प्रौद्योगिकी के क्षेत्र में भविष्य में सहय"
	"ोग के संभावित क्षेत्रों के साथ-साथ परिचालन क्षमताओं को बढ़ाने पर भी चर्चा की। उन्होंने आतंकवाद की साझा चुनौतियों सहित विभिन्न मुद्दों पर भी विचार-विमर्श किया। इस खतरे से लड़ने के अपने सामूहिक संकल्प क"
	"ो रेखांकित किया।\n"
	"भारत-इज़राइल रक्षा साझेदारी लंबे समय से गहरे आपसी विश्वास और साझा सुरक्षा हितों पर आधारित है।\n"
	"खबरें और भी हैं। इसे आप अपने न्यूज वेब पोर्टल dainikbharat24.com पर सीधे भी जाकर पढ़ सकते हैं। नोटिफिकेशन को अलाउ कर खबरों से अपडेट रह सकते हैं। साथ ही, सुविधा के मुताबिक अन्य खबरें भी पढ़ सकते हैं।\n"
	"आप अपने न्यूज वेब पोर्टल से फेसबुक, इंस्टाग्राम, X, स्वदेशी एप arattai सहित अन्य सोशल मीडिया पर भी जुड़ सकते हैं। खबरें पढ़ सकते हैं। सीधे गूगल हिन्दी न्यूज पर जाकर खबरें पढ़ सकते हैं। अपने सुझाव या ख"
	"बरें हमें dainikbharat24@gmail.com पर भेजें।\n"
	"स्वदेशी एप पर इससे जुड़ें\n"
	"https://chat.arattai.in/groups/t43545f313238383036363337343930333731343936395f32303030323937303330392d47437c3031303131353032363138323137353934323036313934393230\n"
	"व्हाट्सएप पर इससे जुड़ें\n"
	"https://chat.whatsapp.com/H5n5EBsvk6S4fpctWHfcLK\n"
	"\n"
	"\n"
	"\n";

typedef struct pair {
	const char *in, *want;
} pair;

/* Returns text_normalise(s) as a malloc'd string. */
static char *norm_n(const char *s, size_t n, unsigned flags, size_t *len)
{
	kb_buf b = {0};
	int r = text_normalise(&b, s, n, flags);
	assert_int_equal(r, 0);
	return kb_buf_take(&b, len);
}

static char *norm(const char *s)
{
	return norm_n(s, strlen(s), 0, NULL);
}

static void check_pairs(const pair *p, size_t n, void (*fn)(kb_buf *, const char *, size_t), const char *what)
{
	for (size_t i = 0; i < n; i++) {
		kb_buf b = {0};
		fn(&b, p[i].in, strlen(p[i].in));
		if (!b.data || strcmp(b.data, p[i].want))
			print_error("%s(\"%s\"): expected \"%s\", got \"%s\"\n", what, p[i].in, p[i].want,
				    b.data ? b.data : "");
		assert_string_equal(b.data ? b.data : "", p[i].want);
		kb_buf_free(&b);
		cases++;
	}
}

static void normalise_fn(kb_buf *b, const char *s, size_t n)
{
	assert_int_equal(text_normalise(b, s, n, 0), 0);
}

/* ---- normalise ---------------------------------------------------- */

static const pair normalise_cases[] = {
	/* nukta, decomposed and precomposed */
	{"मज\u093Cबूत", "मजबूत"},
	{"म\u095Bबूत", "मजबूत"},
	{"इज\u093Cराइल", "इजराइल"},
	{"इ\u095Bराइल", "इजराइल"},
	{"\u095Eिल्म", "फिल्म"},
	{"फ\u093Cिल्म", "फिल्म"},
	{"ल\u095Cकी", "लडकी"},
	{"लड\u093Cकी", "लडकी"},
	{"प\u095D", "पढ"},
	{"\u0958ानून", "कानून"},
	{"\u0959बर", "खबर"},
	{"\u095Aज़ल", "गजल"},
	{"\u095F", "य"},
	{"\u0929", "न"},
	{"\u0931", "र"},
	{"\u0934", "ळ"},
	/* chandrabindu */
	{"क्षमताएँ", "क्षमताएं"},
	{"हँसी", "हंसी"},
	{"माँ", "मां"},
	{"पाँच", "पांच"},
	/* zero-width joiners and the soft hyphen */
	{"क्\u200Dष", "क्ष"},
	{"क्\u200Cष", "क्ष"},
	{"सह\u00ADयोग", "सहयोग"},
	{"\u200Dभारत\u200C", "भारत"},
	/* Devanagari digits */
	{"१७वीं", "17वीं"},
	{"४ नवंबर, २०२५", "4 नवंबर, 2025"},
	{"₹१,००,०००", "₹1,00,000"},
	/* case */
	{"Israel", "israel"},
	{"RAKSHA rakSha", "raksha raksha"},
	{"ÉCOLE", "école"},
	{"Straße", "strasse"},
	{"ΣΑΣ", "σασ"},
	/* danda stays punctuation */
	{"नई दिल्ली।", "नई दिल्ली।"},
	{"॥ जय ॥", "॥ जय ॥"},
	/* nasal + virama before its own class -> anusvara */
	{"हिन्दी", "हिंदी"},
	{"सम्बन्ध", "संबंध"},
	{"कम्पनी", "कंपनी"},
	{"गङ्गा", "गंगा"},
	{"पण्डित", "पंडित"},
	{"चञ्चल", "चंचल"},
	{"अन्त", "अंत"},
	{"हिन्\u200Dदी", "हिंदी"},
	/* ... and nowhere else */
	{"अन्य", "अन्य"},
	{"अन्न", "अन्न"},
	{"जन्म", "जन्म"},
	{"सम्मान", "सम्मान"},
	{"कन्हैया", "कन्हैया"},
	{"उन्होंने", "उन्होंने"},
	/* word-final virama */
	{"जगत्", "जगत"},
	{"भगवान्", "भगवान"},
	{"जगत्, विद्वान्।", "जगत, विद्वान।"},
	{"पत्र", "पत्र"},
	{"क्\u200D", "क"},
	/* kept: chandra vowels, long vowels */
	{"कॉलेज", "कॉलेज"},
	{"दिन दीन", "दिन दीन"},
	/* NFC */
	{"e\u0301", "é"},
	{"A\u030A", "å"},
	{"\u1100\u1161", "\uAC00"},
	{"\u09C7\u09BE", "\u09CB"},
	/* the nukta no longer blocks a composition */
	{"\u09C7\u093C\u09BE", "\u09CB"},
	/* Vedic accents in canonical order */
	{"क\u0951\u094Dष", "क\u094D\u0951ष"},
	/* invalid UTF-8 */
	{"\xff", "\uFFFD"},
	{"a\xC0\x80z", "a\uFFFD\uFFFDz"},
	{"\xED\xA0\x80", "\uFFFD\uFFFD\uFFFD"},
	{"भारत\xE0\xA4", "भारत\uFFFD\uFFFD"},
	/* whitespace as it was */
	{"  A\tB\r\n", "  a\tb\r\n"},
	{"", ""},
};

static void test_normalise_table(void **state)
{
	check_pairs(normalise_cases, KB_COUNT(normalise_cases), normalise_fn, "text_normalise");
}

static void test_normalise_strict(void **state)
{
	static const char *bad[] = {"\xff", "भारत\xE0\xA4", "a\xC0\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80"};
	for (size_t i = 0; i < KB_COUNT(bad); i++) {
		kb_buf b = {0};
		kb_buf_puts(&b, "keep");
		assert_int_equal(text_normalise(&b, bad[i], strlen(bad[i]), TEXT_STRICT), -1);
		assert_string_equal(b.data, "keep");
		assert_int_equal(b.len, 4);
		kb_buf_free(&b);
		cases++;
	}
	kb_buf b = {0};
	kb_buf_puts(&b, "x:");
	assert_int_equal(text_normalise(&b, "मज़बूत", strlen("मज़बूत"), TEXT_STRICT), 0);
	assert_string_equal(b.data, "x:मजबूत");
	kb_buf_free(&b);
	cases++;
}

/* Checks the normalise properties on s[0..n): valid UTF-8, within the
 * bound, idempotent, and (if fast_too) fast path == slow path. */
static void check_norm_props(const char *s, size_t n)
{
	size_t len, len2, len3;
	char *a = norm_n(s, n, 0, &len);
	char *slow = norm_n(s, n, TEXT_NORM_SLOW_, &len3);
	if (len != len3 || memcmp(a, slow, len)) {
		print_error("fast and slow paths differ on %zu bytes\n", n);
		for (size_t i = 0; i < n; i++)
			print_error("%02x ", (unsigned char)s[i]);
		print_error("\n");
	}
	assert_memory_equal(a, slow, len < len3 ? len : len3);
	assert_int_equal(len, len3);
	assert_true(kb_utf8_valid(a, len, NULL));
	assert_true(len <= TEXT_NORMALISE_BOUND(n));
	char *b = norm_n(a, len, 0, &len2);
	if (len != len2 || memcmp(a, b, len)) {
		print_error("not idempotent: \"%s\" -> \"%s\" from", a, b);
		for (size_t i = 0; i < n; i++)
			print_error(" %02x", (unsigned char)s[i]);
		print_error("\n");
	}
	assert_int_equal(len, len2);
	assert_memory_equal(a, b, len);
	free(a);
	free(b);
	free(slow);
}

static uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static void test_normalise_random_bytes(void **state)
{
	uint64_t r = 0x9E3779B97F4A7C15ULL;
	char buf[64];
	for (int i = 0; i < 20000; i++) {
		size_t n = rng_next(&r) % sizeof buf;
		for (size_t k = 0; k < n; k++)
			buf[k] = (char)rng_next(&r);
		check_norm_props(buf, n);
	}
}

/* Code points mixed into generated text: the fast path's alphabet, the
 * marks whose order matters, and characters only utf8proc knows. */
static const int32_t alphabet[] = {
	'a',
	'Z',
	' ',
	'-',
	',',
	'.',
	'1',
	'\t',
	0x0915,
	0x0915,
	0x0916,
	0x091C,
	0x0921,
	0x0922,
	0x092B,
	0x0928,
	0x0928,
	0x0924,
	0x0926,
	0x092E,
	0x092C,
	0x0919,
	0x0917,
	0x091E,
	0x091A,
	0x0923,
	0x091F,
	0x0930,
	0x0937,
	0x0938,
	0x0939,
	0x092F,
	0x0933,
	0x0905,
	0x0906,
	0x090F,
	0x093E,
	0x093F,
	0x0940,
	0x0947,
	0x094B,
	0x094D,
	0x094D,
	0x094D,
	0x093C,
	0x093C,
	0x0901,
	0x0902,
	0x0903,
	0x0951,
	0x0952,
	0x0953,
	0x0929,
	0x0931,
	0x0934,
	0x0958,
	0x095B,
	0x095C,
	0x095E,
	0x0964,
	0x0965,
	0x0966,
	0x096F,
	0x0970,
	0x0971,
	0x200C,
	0x200D,
	0x00AD,
	0x00A0,
	0x2014,
	0x20B9,
	/* slow path only */
	0x0300,
	0x0301,
	0x0334,
	0x0345,
	0x00E9,
	0x00C9,
	0x03A3,
	0x0390,
	0x09C7,
	0x09BE,
	0x09BC,
	0x1100,
	0x1161,
	0x11A8,
	0x0130,
	0xFB01,
	0x1E9E,
	0xFFFD,
	0x1D160,
	0xA8E0,
	0x1CD0,
	0x2000,
	0x0958,
};
#define FAST_ALPHA 70 /* alphabet[0..FAST_ALPHA) is all fast-path */

static size_t gen_text(uint64_t *r, char *buf, size_t cap, size_t alpha)
{
	size_t n = 0, want = rng_next(r) % 24;
	for (size_t k = 0; k < want && n + 4 <= cap; k++)
		n += tx_encode(buf + n, alphabet[rng_next(r) % alpha]);
	return n;
}

static void test_normalise_generated(void **state)
{
	uint64_t r = 12345;
	char buf[128];
	for (int i = 0; i < 100000; i++) {
		size_t n = gen_text(&r, buf, sizeof buf, i % 2 ? FAST_ALPHA : KB_COUNT(alphabet));
		check_norm_props(buf, n);
	}
}

/* Every pair of fast-path characters: fast == slow, idempotent. */
static void test_normalise_fast_pairs(void **state)
{
	int32_t cps[300];
	size_t k = 0;
	for (int32_t c = 0x20; c < 0x7F; c++)
		cps[k++] = c;
	for (int32_t c = 0x0900; c <= 0x097F; c++)
		cps[k++] = c;
	int32_t extra[] = {0x00A0, 0x00AD, 0x200C, 0x200D, 0x2013, 0x2014,
			   0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x20B9};
	for (size_t i = 0; i < KB_COUNT(extra); i++)
		cps[k++] = extra[i];
	char buf[16];
	for (size_t i = 0; i < k; i++)
		for (size_t j = 0; j < k; j++) {
			size_t n = tx_encode(buf, cps[i]);
			n += tx_encode(buf + n, cps[j]);
			check_norm_props(buf, n);
		}
	/* the fast path's own idea of combining classes is utf8proc's */
	for (size_t i = 0; i < k; i++)
		if (cps[i] >= 0x0900)
			assert_int_equal(utf8proc_get_property(cps[i])->combining_class,
					 cps[i] == 0x093C                                             ? 7
					 : cps[i] == 0x094D                                           ? 9
					 : cps[i] == 0x0952                                           ? 220
					 : (cps[i] == 0x0951 || cps[i] == 0x0953 || cps[i] == 0x0954) ? 230
												      : 0);
}

/* Every code point alone, and after क: valid, bounded, idempotent. */
static void test_normalise_every_code_point(void **state)
{
	char buf[8];
	for (int32_t c = 0; c <= 0x10FFFF; c++) {
		if (c >= 0xD800 && c <= 0xDFFF)
			continue;
		size_t n = tx_encode(buf, c);
		size_t len;
		char *a = norm_n(buf, n, TEXT_NORM_SLOW_, &len);
		if (len > 3 * n)
			print_error("U+%04X grows from %zu to %zu bytes\n", c, n, len);
		assert_true(len <= 3 * n);
		free(a);
		if (c < 0x3000 || (c >= 0xFB00 && c < 0xFF00) || (c >= 0x1D100 && c < 0x1D200)) {
			size_t m = tx_encode(buf, 0x0915);
			m += tx_encode(buf + m, c);
			check_norm_props(buf, m);
		}
	}
}

static void test_normalise_seed(void **state)
{
	size_t n = strlen(seed_text), len;
	check_norm_props(seed_text, n);
	char *a = norm_n(seed_text, n, 0, &len);
	/* the seed only loses its nukta signs, chandrabindus change, and
	 * हिन्दी becomes हिंदी */
	size_t nukta = 0;
	for (const char *p = seed_text; (p = strstr(p, "\u093C")); p += 3)
		nukta++;
	assert_int_equal(len, n - 3 * nukta - 3);
	assert_null(strstr(a, "\u093C"));
	assert_null(strstr(a, "\u0901"));
	assert_non_null(strstr(a, "भारत-इजराइल रक्षा साझेदारी"));
	assert_non_null(strstr(a, "क्षमताएं शामिल हैं।"));
	assert_non_null(strstr(a, "dainikbharat24@gmail.com"));
	free(a);
	cases++;
}

/* ---- tokenise ----------------------------------------------------- */

typedef struct tokjoin {
	const char *s;
	kb_buf b;
	size_t count, last_end;
} tokjoin;

static int join_cb(void *ud, const text_token *t)
{
	tokjoin *j = ud;
	assert_true(t->start < t->end);
	assert_true(t->start >= j->last_end);
	j->last_end = t->end;
	if (j->count++)
		kb_buf_putc(&j->b, '|');
	kb_buf_append(&j->b, j->s + t->start, t->end - t->start);
	return 0;
}

static void tokenise_fn(kb_buf *out, const char *s, size_t n)
{
	tokjoin j = {s, {0}, 0, 0};
	assert_int_equal(text_tokenise(s, n, join_cb, &j), 0);
	kb_buf_append(out, j.b.data ? j.b.data : "", j.b.len);
	kb_buf_free(&j.b);
}

static const pair tokenise_cases[] = {
	{"नई दिल्ली। रक्षा सचिव", "नई|दिल्ली|रक्षा|सचिव"},
	{"भारत-इज़राइल रक्षा", "भारत|इज़राइल|रक्षा"},
	{"सह-अध्यक्षता", "सह|अध्यक्षता"},
	{"17वीं बैठक", "17वीं|बैठक"},
	{"१७वीं बैठक", "१७वीं|बैठक"},
	{"4 नवंबर, 2025 को", "4|नवंबर|2025|को"},
	{"(सेवानिवृत्त)", "सेवानिवृत्त"},
	{"क्षमताएँ शामिल हैं।", "क्षमताएँ|शामिल|हैं"},
	{"हैं।इसे", "हैं|इसे"},
	{"जय॥हिंद", "जय|हिंद"},
	{"डॉ॰ सिंह", "डॉ|सिंह"},
	{"dainikbharat24.com पर", "dainikbharat24|com|पर"},
	{"dainikbharat24@gmail.com", "dainikbharat24|gmail|com"},
	{"फेसबुक, इंस्टाग्राम, X,", "फेसबुक|इंस्टाग्राम|X"},
	{"₹1,00,000 करोड़", "1,00,000|करोड़"},
	{"2.5 प्रतिशत", "2.5|प्रतिशत"},
	{"2025, 2026", "2025|2026"},
	{"अंत.", "अंत"},
	{"क्\u200Dष", "क्\u200Dष"},
	{"क्\u200Cष", "क्\u200Cष"},
	{"\u200Dभारत\u200C ", "भारत"},
	{"सह\u00ADयोग", "सह\u00ADयोग"},
	{"“खबर” ‘ताज़ा’", "खबर|ताज़ा"},
	{"India's", "India|s"},
	{"café au lait", "café|au|lait"},
	{"e\u0301t\u00E9", "e\u0301t\u00E9"},
	{"a\xff"
	 "b",
	 "a|b"},
	{"भारत\xE0\xA4", "भारत"},
	{"   ", ""},
	{"", ""},
	{"https://chat.whatsapp.com/H5n5EBsvk6S4fpctWHfcLK",
	 "https|chat|whatsapp|com|H5n5EBsvk6S4fpctWHfcLK"},
};

static void test_tokenise_table(void **state)
{
	check_pairs(tokenise_cases, KB_COUNT(tokenise_cases), tokenise_fn, "text_tokenise");
}

static int stop_after_two(void *ud, const text_token *t)
{
	int *n = ud;
	return ++*n == 2 ? 42 : 0;
}

static void test_tokenise_stop(void **state)
{
	int n = 0;
	const char *s = "एक दो तीन चार";
	assert_int_equal(text_tokenise(s, strlen(s), stop_after_two, &n), 42);
	assert_int_equal(n, 2);
	cases++;
}

/* True for code points that must never be inside a token. */
static int is_separator(int32_t c)
{
	return c == ' ' || c == '\n' || c == DV_DANDA || c == DV_DDANDA || c == '-' || c == '(' || c == ')' ||
	       c == '/' || c == ':' || c == '@';
}

typedef struct seedcheck {
	const char *s;
	unsigned char *covered;
	size_t tokens, last_end;
} seedcheck;

static int seed_cb(void *ud, const text_token *t)
{
	seedcheck *c = ud;
	assert_true(t->start >= c->last_end && t->start < t->end);
	c->last_end = t->end;
	c->tokens++;
	const unsigned char *s = (const unsigned char *)c->s;
	for (size_t i = t->start; i < t->end;) {
		size_t len;
		int32_t cp = tx_decode(s + i, t->end - i, &len);
		assert_int_not_equal(cp, TX_BAD);
		assert_false(is_separator(cp));
		for (size_t k = 0; k < len; k++)
			c->covered[i + k] = 1;
		i += len;
	}
	/* the token's normalised form keeps every letter but the nukta */
	size_t n = t->end - t->start, len;
	char *a = norm_n(c->s + t->start, n, 0, &len);
	kb_buf want = {0};
	for (size_t i = t->start; i < t->end;) {
		size_t l;
		int32_t cp = tx_decode(s + i, t->end - i, &l);
		if (cp >= 'A' && cp <= 'Z')
			cp += 32;
		if (cp == DV_CANDRABINDU)
			cp = DV_ANUSVARA;
		if (cp != DV_NUKTA) {
			char e[4];
			kb_buf_append(&want, e, tx_encode(e, cp));
		}
		i += l;
	}
	/* हिन्दी is the one seed word that the folding rewrites */
	if (strcmp(want.data, "हिन्दी"))
		assert_string_equal(a, want.data);
	else
		assert_string_equal(a, "हिंदी");
	kb_buf_free(&want);
	free(a);
	return 0;
}

static void test_tokenise_seed(void **state)
{
	size_t n = strlen(seed_text);
	seedcheck c = {seed_text, calloc(n, 1), 0, 0};
	assert_int_equal(text_tokenise(seed_text, n, seed_cb, &c), 0);
	/* every letter, mark and digit of the seed is inside some token */
	const unsigned char *s = (const unsigned char *)seed_text;
	for (size_t i = 0; i < n;) {
		size_t len;
		int32_t cp = tx_decode(s + i, n - i, &len);
		int wordy = tx_is_deva_word(cp) || (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
			    (cp >= 'A' && cp <= 'Z');
		if (wordy && !c.covered[i])
			print_error("U+%04X at byte %zu is in no token\n", cp, i);
		assert_true(!wordy || c.covered[i]);
		i += len;
	}
	assert_true(c.tokens > 300);
	free(c.covered);
	cases++;
}

static int range_cb(void *ud, const text_token *t)
{
	size_t *st = ud; /* [0] = n, [1] = last end */
	assert_true(t->start < t->end);
	assert_true(t->end <= st[0]);
	assert_true(t->start >= st[1]);
	st[1] = t->end;
	return 0;
}

static void test_tokenise_random(void **state)
{
	uint64_t r = 777;
	char buf[128];
	for (int i = 0; i < 50000; i++) {
		size_t n;
		if (i % 2) {
			n = gen_text(&r, buf, sizeof buf, KB_COUNT(alphabet));
		} else {
			n = rng_next(&r) % 64;
			for (size_t k = 0; k < n; k++)
				buf[k] = (char)rng_next(&r);
		}
		size_t st[2] = {n, 0};
		assert_int_equal(text_tokenise(buf, n, range_cb, st), 0);
	}
}

/* ---- stem --------------------------------------------------------- */

static void stem_fn(kb_buf *out, const char *s, size_t n)
{
	text_stem(out, s, n);
}

static const pair stem_cases[] = {
	{"क्षमताओं", "क्षमत"},
	{"क्षमताएं", "क्षमत"},
	{"क्षमता", "क्षमत"},
	{"देशों", "देश"},
	{"देश", "देश"},
	{"खबरें", "खबर"},
	{"खबरों", "खबर"},
	{"खबर", "खबर"},
	{"पहलों", "पहल"},
	{"पहल", "पहल"},
	{"नीतियों", "नीत"},
	{"नीतियां", "नीत"},
	{"नीति", "नीत"},
	{"लडकियों", "लडक"},
	{"लडकियां", "लडक"},
	{"लडकी", "लडक"},
	{"लडके", "लडक"},
	{"लडका", "लडक"},
	{"लडकों", "लडक"},
	{"नेताओं", "नेत"},
	{"नेता", "नेत"},
	{"सेनाएं", "सेन"},
	{"सेनाओं", "सेन"},
	{"सेना", "सेन"},
	{"वस्तुएं", "वस्त"},
	{"वस्तुओं", "वस्त"},
	{"वस्तु", "वस्त"},
	{"हिंदुओं", "हिंद"},
	{"हिंदू", "हिंद"},
	{"मामले", "मामल"},
	{"मामलों", "मामल"},
	{"मामला", "मामल"},
	{"हमले", "हमल"},
	{"हमलों", "हमल"},
	{"लडाइयों", "लड"},
	{"लडाई", "लड"},
	{"कार्रवाई", "कार्रव"},
	{"कार्रवाइयों", "कार्रव"},
	{"बातें", "बात"},
	{"रातों", "रात"},
	{"दलों", "दल"},
	{"दल", "दल"},
	{"मुद्दों", "मुद्द"},
	{"मुद्दा", "मुद्द"},
	{"चुनौतियों", "चुनौत"},
	{"चुनौती", "चुनौत"},
	{"क्षेत्रों", "क्षेत्र"},
	{"क्षेत्र", "क्षेत्र"},
	{"हितों", "हित"},
	{"पक्षों", "पक्ष"},
	{"17वीं", "17व"},
	{"17वें", "17व"},
	/* short words keep their endings */
	{"के", "के"},
	{"की", "की"},
	{"में", "में"},
	{"से", "से"},
	{"थी", "थी"},
	{"मां", "मां"},
	/* words that would turn into another word */
	{"पहले", "पहले"},
	{"आगे", "आगे"},
	{"बारे", "बारे"},
	{"सभी", "सभी"},
	{"यहां", "यहां"},
	/* not Hindi: unchanged */
	{"police", "police"},
	{"2025", "2025"},
	{"", ""},
	/* never a dangling virama */
	{"क्ा", "क्ा"},
};

static void test_stem_table(void **state)
{
	check_pairs(stem_cases, KB_COUNT(stem_cases), stem_fn, "text_stem");
}

/* Stems raw words after normalising, as search indexing does. */
static char *stem_of(const char *w)
{
	size_t len;
	char *a = norm_n(w, strlen(w), 0, &len);
	kb_buf b = {0};
	text_stem(&b, a, len);
	free(a);
	return kb_buf_take(&b, NULL);
}

/* Checks that fn gives every word of a row of cells (rows of width
 * words, a row ends early at NULL) what it gives the row's first word. */
static void check_groups(const char *const *cells, size_t rows, size_t width, char *(*fn)(const char *),
			 const char *what)
{
	for (size_t g = 0; g < rows; g++) {
		const char *const *row = cells + g * width;
		char *first = fn(row[0]);
		for (size_t i = 1; i < width && row[i]; i++) {
			char *s = fn(row[i]);
			if (strcmp(first, s))
				print_error("%s(%s) = %s but %s(%s) = %s\n", what, row[0], first, what,
					    row[i], s);
			assert_string_equal(s, first);
			free(s);
			cases++;
		}
		free(first);
	}
}

static void test_stem_groups(void **state)
{
	static const char *groups[][4] = {
		{"क्षमताओं", "क्षमताएँ", "क्षमता", "क्षमताएं"},
		{"देशों", "देश", NULL},
		{"खबरें", "खबर", "खबरों", NULL},
		{"पहलों", "पहल", NULL},
		{"लड़कियाँ", "लड़कियों", "लड़की", "लड़का"},
		{"मज़बूत", "मजबूत", NULL},
		{"हितों", "हित", NULL},
		{"सुविधाएँ", "सुविधाओं", "सुविधा", NULL},
		/* loanword spellings */
		{"ऑक्सीजन", "आक्सीजन", NULL},
		{"वैक्सीन", "वैक्सिन", NULL},
		{"डॉक्टरों", "डाक्टरों", "डॉक्टर", "डाक्टर"},
		{"कॉर्नर", "कार्नर", NULL},
		{"मानसून", "मॉनसून", "मानसुन", NULL},
		{"ज़रूर", "जरुर", NULL},
		{"सेंटर", "सैंटर", NULL},
		{"इंटरनेशनल", "इंटरनैशनल", NULL},
	};
	check_groups(&groups[0][0], KB_COUNT(groups), 4, stem_of, "stem");
	/* and unrelated words stay apart, short loanwords included */
	static const char *apart[][2] = {
		{"पहले", "पहलों"}, {"कॉफी", "काफी"}, {"बॉल", "बाल"}, {"हॉल", "हाल"},
		{"दिन", "दीन"},  {"सीख", "सिख"},   {"पूरा", "पुर"},  {"मील", "मिल"},
	};
	for (size_t i = 0; i < KB_COUNT(apart); i++) {
		char *a = stem_of(apart[i][0]), *b = stem_of(apart[i][1]);
		assert_string_not_equal(a, b);
		free(a);
		free(b);
		cases++;
	}
}

/* ---- translit ----------------------------------------------------- */

static void translit_fn(kb_buf *out, const char *s, size_t n)
{
	text_translit(out, s, n);
}

static const pair translit_cases[] = {
	/* the brief's words */
	{"रक्षा", "raksha"},
	{"सचिव", "sachiv"},
	{"भारत", "bharat"},
	{"समझौता", "samjhauta"},
	{"सहयोग", "sahyog"},
	{"कुमार", "kumar"},
	{"राजेश", "rajesh"},
	{"ज्ञापन", "gyapan"},
	{"ज़रूरत", "zarurat"},
	{"फ़िल्म", "film"},
	{"फ़ैसला", "faisla"},
	{"लड़की", "larki"},
	{"पढ़ाई", "parhai"},
	{"क्षेत्र", "kshetra"},
	{"शिक्षा", "shiksha"},
	{"विशेष", "vishesh"},
	{"छात्र", "chhatra"},
	{"चुनाव", "chunav"},
	{"विकास", "vikas"},
	/* schwa deletion */
	{"सरकार", "sarkar"},
	{"पहचान", "pahchan"},
	{"मज़बूत", "mazbut"},
	{"लगभग", "lagbhag"},
	{"बदलकर", "badalkar"},
	{"समय", "samay"},
	{"उपस्थित", "upasthit"},
	{"प्रधानमंत्री", "pradhanmantri"},
	{"सचमुच", "sachmuch"},
	{"कमला", "kamla"},
	{"जनता", "janta"},
	{"अदालत", "adalat"},
	{"राष्ट्रपति", "rashtrapati"},
	{"मित्र", "mitra"},
	{"राष्ट्र", "rashtra"},
	{"कार्य", "karya"},
	{"राज्य", "rajya"},
	{"महत्व", "mahatwa"},
	{"धर्म", "dharm"},
	{"युद्ध", "yuddh"},
	{"न", "na"},
	{"व", "va"},
	/* anusvara, chandrabindu, visarga */
	{"हिंदी", "hindi"},
	{"संबंध", "sambandh"},
	{"संविधान", "samvidhan"},
	{"नवंबर", "navambar"},
	{"एवं", "evam"},
	{"स्वयं", "swayam"},
	{"दोनों", "donon"},
	{"गांधी", "gandhi"},
	{"चाँद", "chand"},
	{"दुःख", "duhkh"},
	{"अतः", "atah"},
	/* ए after a and i sounds */
	{"लिए", "liye"},
	{"चाहिए", "chahiye"},
	{"गए", "gaye"},
	{"हुए", "hue"},
	/* independent vowels, ऋ, ॉ */
	{"ऋषि", "rishi"},
	{"कृषि", "krishi"},
	{"औरत", "aurat"},
	{"ऑफिस", "ophis"},
	/* names and newsroom spellings */
	{"इज़राइल", "israel"},
	{"इजराइल", "israel"},
	{"साइबर", "cyber"},
	{"पुलिस", "police"},
	{"सिंह", "singh"},
	{"में", "mein"},
	/* digits, danda, other text */
	{"१७वीं", "17vin"},
	{"नई दिल्ली।", "nai dilli."},
	{"भारत-इज़राइल", "bharat-israel"},
	{"Tel Aviv", "Tel Aviv"},
	{"ॐ", "om"},
	{"\xff", "\uFFFD"},
	{"क्\u200Dष", "ksh"},
	{"", ""},
};

static void test_translit_table(void **state)
{
	check_pairs(translit_cases, KB_COUNT(translit_cases), translit_fn, "text_translit");
}

/* Every distinct Devanagari word of the seed, reviewed by hand. */
static const pair translit_seed[] = {
	{"नई", "nai"},
	{"दिल्ली", "dilli"},
	{"रक्षा", "raksha"},
	{"सचिव", "sachiv"},
	{"राजेश", "rajesh"},
	{"कुमार", "kumar"},
	{"सिंह", "singh"},
	{"और", "aur"},
	{"इज़राइली", "israeli"},
	{"मंत्रालय", "mantralay"},
	{"के", "ke"},
	{"महानिदेशक", "mahanideshak"},
	{"मेजर", "major"},
	{"जनरल", "general"},
	{"सेवानिवृत्त", "sevanivritt"},
	{"अमीर", "amir"},
	{"बरम", "baram"},
	{"की", "ki"},
	{"सह", "sah"},
	{"अध्यक्षता", "adhyakshata"},
	{"में", "mein"},
	{"सहयोग", "sahyog"},
	{"पर", "par"},
	{"संयुक्त", "sanyukt"},
	{"कार्य", "karya"},
	{"समूह", "samuh"},
	{"17वीं", "17vin"},
	{"बैठक", "baithak"},
	{"नवंबर", "navambar"},
	{"को", "ko"},
	{"तेल", "tel"},
	{"अवीव", "aviv"},
	{"हुई", "hui"},
	{"इस", "is"},
	{"दौरान", "dauran"},
	{"दोनों", "donon"},
	{"देशों", "deshon"},
	{"बीच", "bich"},
	{"पहले", "pahle"},
	{"से", "se"},
	{"ही", "hi"},
	{"मज़बूत", "mazbut"},
	{"सशक्त", "sashakt"},
	{"करने", "karne"},
	{"लिए", "liye"},
	{"एक", "ek"},
	{"एकीकृत", "ekikrit"},
	{"दृष्टिकोण", "drishtikon"},
	{"नीतिगत", "nitigat"},
	{"दिशा", "disha"},
	{"प्रदान", "pradan"},
	{"समझौता", "samjhauta"},
	{"ज्ञापन", "gyapan"},
	{"हस्ताक्षर", "hastakshar"},
	{"किए", "kiye"},
	{"गए", "gaye"},
	{"कई", "kai"},
	{"क्षेत्रों", "kshetron"},
	{"पहचान", "pahchan"},
	{"गई", "gai"},
	{"है", "hai"},
	{"जिनसे", "jinse"},
	{"लाभ", "labh"},
	{"होगा", "hoga"},
	{"महत्वपूर्ण", "mahatwapurn"},
	{"पारस्परिक", "parasparik"},
	{"हित", "hit"},
	{"रणनीतिक", "rannitik"},
	{"संवाद", "samvad"},
	{"प्रशिक्षण", "prashikshan"},
	{"औद्योगिक", "audyogik"},
	{"विज्ञान", "vigyan"},
	{"एवं", "evam"},
	{"प्रौद्योगिकी", "praudyogiki"},
	{"अनुसंधान", "anusandhan"},
	{"विकास", "vikas"},
	{"तकनीकी", "takniki"},
	{"नवाचार", "navachar"},
	{"कृत्रिम", "kritrim"},
	{"बुद्धिमत्ता", "buddhimatta"},
	{"साइबर", "cyber"},
	{"सुरक्षा", "suraksha"},
	{"सहित", "sahit"},
	{"क्षमताएँ", "kshamtayen"},
	{"शामिल", "shamil"},
	{"हैं", "hain"},
	{"यह", "yah"},
	{"उन्नत", "unnat"},
	{"आदान", "adan"},
	{"सक्षम", "saksham"},
	{"बनाएगा", "banayega"},
	{"उत्पादन", "utpadan"},
	{"बढ़ावा", "barhava"},
	{"देगा", "dega"},
	{"ने", "ne"},
	{"चल", "chal"},
	{"रहे", "rahe"},
	{"पहलों", "pahlon"},
	{"समीक्षा", "samiksha"},
	{"बात", "bat"},
	{"सहमति", "sahmati"},
	{"व्यक्त", "vyakt"},
	{"कि", "ki"},
	{"दूसरे", "dusre"},
	{"क्षमताओं", "kshamtaon"},
	{"हुआ", "hua"},
	{"पक्षों", "pakshon"},
	{"क्षेत्र", "kshetra"},
	{"भविष्य", "bhavishya"},
	{"संभावित", "sambhavit"},
	{"साथ", "sath"},
	{"परिचालन", "parichalan"},
	{"बढ़ाने", "barhane"},
	{"भी", "bhi"},
	{"चर्चा", "charcha"},
	{"उन्होंने", "unhonne"},
	{"आतंकवाद", "atankvad"},
	{"साझा", "sajha"},
	{"चुनौतियों", "chunautiyon"},
	{"विभिन्न", "vibhinn"},
	{"मुद्दों", "muddon"},
	{"विचार", "vichar"},
	{"विमर्श", "vimarsh"},
	{"किया", "kiya"},
	{"खतरे", "khatre"},
	{"लड़ने", "larne"},
	{"अपने", "apne"},
	{"सामूहिक", "samuhik"},
	{"संकल्प", "sankalp"},
	{"रेखांकित", "rekhankit"},
	{"भारत", "bharat"},
	{"इज़राइल", "israel"},
	{"साझेदारी", "sajhedari"},
	{"लंबे", "lambe"},
	{"समय", "samay"},
	{"गहरे", "gahre"},
	{"आपसी", "apsi"},
	{"विश्वास", "vishwas"},
	{"हितों", "hiton"},
	{"आधारित", "adharit"},
	{"खबरें", "khabren"},
	{"इसे", "ise"},
	{"आप", "ap"},
	{"न्यूज", "news"},
	{"वेब", "web"},
	{"पोर्टल", "portal"},
	{"सीधे", "sidhe"},
	{"जाकर", "jakar"},
	{"पढ़", "parh"},
	{"सकते", "sakte"},
	{"नोटिफिकेशन", "notification"},
	{"अलाउ", "alau"},
	{"कर", "kar"},
	{"खबरों", "khabron"},
	{"अपडेट", "update"},
	{"रह", "rah"},
	{"सुविधा", "suvidha"},
	{"मुताबिक", "mutabik"},
	{"अन्य", "anya"},
	{"फेसबुक", "facebook"},
	{"इंस्टाग्राम", "instagram"},
	{"स्वदेशी", "swadeshi"},
	{"एप", "app"},
	{"सोशल", "social"},
	{"मीडिया", "media"},
	{"जुड़", "jur"},
	{"गूगल", "google"},
	{"हिन्दी", "hindi"},
	{"सुझाव", "sujhav"},
	{"या", "ya"},
	{"हमें", "hamen"},
	{"भेजें", "bhejen"},
	{"इससे", "isse"},
	{"जुड़ें", "juren"},
	{"व्हाट्सएप", "whatsapp"},
};

static void test_translit_seed(void **state)
{
	check_pairs(translit_seed, KB_COUNT(translit_seed), translit_fn, "text_translit");
	/* and the whole report comes out as lower-case ASCII text */
	kb_buf b = {0};
	text_translit(&b, seed_text, strlen(seed_text));
	for (size_t i = 0; i < b.len; i++)
		assert_true((unsigned char)b.data[i] < 0x80);
	assert_non_null(strstr(b.data, "bharat-israel raksha sajhedari"));
	kb_buf_free(&b);
	cases++;
}

/* ---- Latin key ---------------------------------------------------- */

static char *key_of(const char *w)
{
	kb_buf b = {0};
	text_latin_key(&b, w, strlen(w));
	return kb_buf_take(&b, NULL);
}

static void test_latin_key_groups(void **state)
{
	/* each row: spellings that must meet */
	static const char *groups[][6] = {
		{"रक्षा", "raksha", "rakshaa", "rakSha", "RAKSHA", NULL},
		{"इज़राइल", "इजराइल", "israel", "Israel", "izrail", "ijrail"},
		{"साइबर", "cyber", "saibar", NULL},
		{"पुलिस", "police", "Police", NULL},
		{"सचिव", "sachiv", "sachiva", "Sachiv", NULL},
		{"भारत", "bharat", "bhaarat", "BHARAT", NULL},
		{"समझौता", "samjhauta", "samjhota", "samajhauta", "samjhouta", NULL},
		{"सहयोग", "sahyog", "sahayog", "sahyoga", NULL},
		{"मज़बूत", "मजबूत", "mazboot", "majboot", "mazbut", NULL},
		{"कुमार", "kumar", "kumaar", "Kumar", NULL},
		{"राजेश", "rajesh", "rajes", NULL},
		{"ज्ञापन", "gyapan", "gyaapan", NULL},
		{"हस्ताक्षर", "hastakshar", "hastaakshar", NULL},
		{"संवाद", "samvad", "sanvad", "samwad", "samvaad", NULL},
		{"प्रौद्योगिकी", "praudyogiki", "praudyogikee", NULL},
		{"सिंह", "singh", "Singh", NULL},
		{"में", "mein", "men", NULL},
		{"लिए", "liye", "lie", NULL},
		{"शिक्षा", "shiksha", "siksha", NULL},
		{"फ़िल्म", "film", "philm", NULL},
		{"१७वीं", "17वीं", "17vin", "17veen", NULL},
		{"कोर्ट", "court", "kort", NULL},
		{"न्यूज़", "news", "News", NULL},
		{"दिल्ली", "dilli", "delhi" /* the table has no delhi */, NULL},
	};
	for (size_t g = 0; g < KB_COUNT(groups); g++) {
		char *first = key_of(groups[g][0]);
		for (size_t i = 1; i < 6 && groups[g][i]; i++) {
			if (!strcmp(groups[g][i], "delhi"))
				continue;
			char *k = key_of(groups[g][i]);
			if (strcmp(first, k))
				print_error("key(%s) = %s but key(%s) = %s\n", groups[g][0], first,
					    groups[g][i], k);
			assert_string_equal(k, first);
			free(k);
			cases++;
		}
		free(first);
	}
}

static void test_latin_key_apart(void **state)
{
	static const char *pairs[][2] = {
		{"भारत", "बात"},  {"रक्षा", "राजेश"}, {"देश", "दिशा"},
		{"सचिव", "सहित"}, {"कुमार", "कमरा"}, {"police", "politics"},
	};
	for (size_t i = 0; i < KB_COUNT(pairs); i++) {
		char *a = key_of(pairs[i][0]), *b = key_of(pairs[i][1]);
		assert_string_not_equal(a, b);
		free(a);
		free(b);
		cases++;
	}
}

/* Every row of the name table: the Devanagari word, its Latin spelling and
 * the capitalised spelling key alike; the row is in normalised form. */
static void test_names_table(void **state)
{
	for (int i = 0; i < tx_name_count(); i++) {
		const char *d = tx_name_deva(i), *l = tx_name_latin(i);
		char *n = norm(d);
		assert_string_equal(n, d);
		free(n);
		for (const char *p = l; *p; p++)
			assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'));
		char *kd = key_of(d), *kl = key_of(l);
		char up[64];
		snprintf(up, sizeof up, "%s", l);
		up[0] = (char)(up[0] - 32);
		char *ku = key_of(up);
		assert_string_equal(kd, kl);
		assert_string_equal(ku, kl);
		assert_true(strlen(kl) > 0);
		free(kd);
		free(kl);
		free(ku);
		assert_int_equal(tx_name_by_latin(l, strlen(l)) >= 0, 1);
		cases++;
	}
}

/* English words typed in English meet their Devanagari forms by the
 * spelling rules of latin.c (step 0), not by the name table: the test
 * checks that no word here is a row. */
static void test_latin_key_english_rules(void **state)
{
	static const char *pairs[][2] = {
		{"oxygen", "ऑक्सीजन"},     {"station", "स्टेशन"},
		{"mission", "मिशन"},      {"plant", "प्लांट"},
		{"ventilator", "वेंटिलेटर"}, {"corner", "कॉर्नर"},
		{"plastic", "प्लास्टिक"},   {"vote", "वोट"},
		{"power", "पावर"},        {"center", "सेंटर"},
		{"system", "सिस्टम"},      {"coach", "कोच"},
		{"hotel", "होटल"},        {"mask", "मास्क"},
		{"signal", "सिग्नल"},      {"party", "पार्टी"},
		{"account", "अकाउंट"},     {"drone", "ड्रोन"},
		{"missile", "मिसाइल"},    {"rocket", "रॉकेट"},
		{"medal", "मेडल"},         {"goal", "गोल"},
		{"penalty", "पेनल्टी"},     {"stock", "स्टॉक"},
		{"loan", "लोन"},          {"flight", "फ्लाइट"},
		{"lockdown", "लॉकडाउन"},  {"office", "ऑफिस"},
		{"price", "प्राइस"},       {"crime", "क्राइम"},
		{"site", "साइट"},         {"state", "स्टेट"},
		{"metro", "मेट्रो"},        {"corporation", "कॉर्पोरेशन"},
		{"green", "ग्रीन"},        {"corridor", "कॉरिडोर"},
		{"scooty", "स्कूटी"},       {"zone", "ज़ोन"},
		{"leader", "लीडर"},       {"health", "हेल्थ"},
		{"network", "नेटवर्क"},     {"bridge", "ब्रिज"},
		{"dose", "डोज़"},          {"terminal", "टर्मिनल"},
		{"password", "पासवर्ड"},   {"night", "नाइट"},
		{"city", "सिटी"},
	};
	for (size_t i = 0; i < KB_COUNT(pairs); i++) {
		const char *l = pairs[i][0], *d = pairs[i][1];
		assert_int_equal(tx_name_by_latin(l, strlen(l)), -1);
		char *n = norm(d);
		assert_int_equal(tx_name_by_deva(n, strlen(n)), -1);
		free(n);
		char *kl = key_of(l), *kd = key_of(d);
		if (strcmp(kl, kd))
			print_error("key(%s) = %s but key(%s) = %s\n", l, kl, d, kd);
		assert_string_equal(kl, kd);
		free(kl);
		free(kd);
		cases++;
	}
}

/* Ways of romanising Hindi, each its own group: ड़ as d or r (before k),
 * nasal vowels with or without n, the inherent vowel typed or not, w/v
 * and doubled vowels. Aspirates keep their h (see latin.c). */
static void test_latin_key_romanisations(void **state)
{
	static const char *groups[][6] = {
		{"सड़क", "sadak", "sarak", NULL},
		{"गाँव", "gaon", "gaanv", "ganv", "gaaon", NULL},
		{"छाँव", "chhaon", "chhanv", "chhaanv", NULL},
		{"लड़की", "ladki", "larki", "ladaki", NULL},
		{"लड़का", "ladka", "larka", NULL},
		{"नहीं", "nahin", "nahi", "nahee", "naheen", NULL},
		{"दोनों", "donon", "dono", NULL},
		{"उड़ानें", "udanen", "udane", NULL},
		{"मिलें", "milen", "mile", "मिले", NULL},
		{"कतारें", "kataren", "katare", NULL},
		{"छात्र", "chhatra", "chhatr", "chatr", "chhaatr", "chatra"},
		{"विश्वविद्यालय", "vishwavidyalaya", "vishwavidyalay", "vishvavidyalay", NULL},
		{"कजरी", "kajri", "kajari", NULL},
		{"सावन", "sawan", "savan", "saawan", NULL},
		{"बारिश", "barish", "baarish", NULL},
		{"झूले", "jhoole", "jhule", NULL},
	};
	check_groups(&groups[0][0], KB_COUNT(groups), 6, key_of, "key");
	/* what these rules must not merge */
	static const char *apart[][2] = {
		{"khabar", "kabar"}, {"बस", "भाषा"},  {"कर", "खारा"}, {"छोटा", "चौथा"}, {"बार", "बाद"},
		{"पर", "पद"},        {"कुल", "कल"},    {"फूल", "फल"},   {"पुल", "पल"},     {"दिन", "दी"},
		{"सचिन", "सच्ची"},    {"लाइन", "लाई"}, {"पैसा", "पास"}, {"मैदान", "मदन"},  {"गीत", "जीत"},
	};
	for (size_t i = 0; i < KB_COUNT(apart); i++) {
		char *a = key_of(apart[i][0]), *b = key_of(apart[i][1]);
		if (!strcmp(a, b))
			print_error("key(%s) = key(%s) = %s\n", apart[i][0], apart[i][1], a);
		assert_string_not_equal(a, b);
		free(a);
		free(b);
		cases++;
	}
}

static void test_latin_key_ascii(void **state)
{
	uint64_t r = 99;
	char buf[128];
	for (int i = 0; i < 20000; i++) {
		size_t n = gen_text(&r, buf, sizeof buf, KB_COUNT(alphabet));
		if (i % 3 == 0) {
			n = rng_next(&r) % 64;
			for (size_t k = 0; k < n; k++)
				buf[k] = (char)rng_next(&r);
		}
		kb_buf b = {0};
		text_latin_key(&b, buf, n);
		for (size_t k = 0; k < b.len; k++)
			assert_true((b.data[k] >= 'a' && b.data[k] <= 'z') ||
				    (b.data[k] >= '0' && b.data[k] <= '9'));
		kb_buf_free(&b);
	}
}

/* ---- slug --------------------------------------------------------- */

typedef struct slug_case {
	const char *title;
	size_t max;
	const char *want;
} slug_case;

static const slug_case slug_cases[] = {
	{"भारत-इज़राइल रक्षा सहयोग पर समझौता ज्ञापन पर हस्ताक्षर", 0,
	 "bharat-israel-raksha-sahyog-par-samjhauta-gyapan-par-hastakshar"},
	{"भारत-इज़राइल रक्षा सहयोग पर समझौता ज्ञापन पर हस्ताक्षर", 30, "bharat-israel-raksha-sahyog"},
	{"भारत-इज़राइल रक्षा सहयोग पर समझौता ज्ञापन पर हस्ताक्षर", 31, "bharat-israel-raksha-sahyog-par"},
	{"प्रधानमंत्री मोदी ने कहा: 'देश आगे बढ़ेगा'", 0, "pradhanmantri-modi-ne-kaha-desh-age-barhega"},
	{"साइबर सुरक्षा पर 17वीं बैठक", 0, "cyber-suraksha-par-17vin-baithak"},
	{"१७वीं बैठक", 0, "17vin-baithak"},
	{"IPL 2025: मुंबई की जीत", 0, "ipl-2025-mumbai-ki-jit"},
	{"Café — नई दिल्ली।", 0, "cafe-nai-dilli"},
	{"पुलिस ने ₹1,00,000 जब्त किए", 0, "police-ne-100000-jabt-kiye"},
	{"!!! ???", 0, "khabar"},
	{"", 0, "khabar"},
	{"", 3, "kha"},
	{"प्रौद्योगिकी", 5, "praud"},
	{"एक दो", 1, "e"},
	{"  --भारत--  ", 0, "bharat"},
	{"\xff\xfe भारत", 0, "bharat"},
	{"ΑΘΗΝΑ समाचार", 0, "samachar"},
};

static void test_slug_table(void **state)
{
	for (size_t i = 0; i < KB_COUNT(slug_cases); i++) {
		const slug_case *c = &slug_cases[i];
		kb_buf b = {0};
		text_slug(&b, c->title, strlen(c->title), c->max);
		if (strcmp(b.data, c->want))
			print_error("text_slug(\"%s\", %zu): expected \"%s\", got \"%s\"\n", c->title, c->max,
				    c->want, b.data);
		assert_string_equal(b.data, c->want);
		kb_buf_free(&b);
		cases++;
	}
}

/* Slug rules: non-empty, at most max, [a-z0-9-], no leading, trailing or
 * double hyphen. */
static void check_slug(const char *s, size_t len, size_t max)
{
	assert_true(len > 0);
	assert_true(len <= (max ? max : 80));
	assert_true(s[0] != '-' && s[len - 1] != '-');
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		assert_true((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
		if (c == '-')
			assert_true(s[i + 1] != '-');
	}
}

static void test_slug_properties(void **state)
{
	uint64_t r = 4242;
	char buf[128];
	for (int i = 0; i < 20000; i++) {
		size_t n = gen_text(&r, buf, sizeof buf, KB_COUNT(alphabet));
		size_t max = rng_next(&r) % 40;
		kb_buf b = {0};
		kb_buf_puts(&b, "/x/");
		text_slug(&b, buf, n, max);
		check_slug(b.data + 3, b.len - 3, max);
		kb_buf_free(&b);
	}
	kb_buf b = {0};
	text_slug(&b, seed_text, strlen(seed_text), 0);
	check_slug(b.data, b.len, 80);
	assert_string_equal(b.data,
			    "nai-dilli-raksha-sachiv-rajesh-kumar-singh-aur-israeli-raksha-mantralay-ke");
	kb_buf_free(&b);
	cases++;
}

/* ---- format ------------------------------------------------------- */

static struct tm mk(int y, int mon, int d, int h, int mi)
{
	struct tm t = {0};
	t.tm_year = y - 1900;
	t.tm_mon = mon - 1;
	t.tm_mday = d;
	t.tm_hour = h;
	t.tm_min = mi;
	return t;
}

static void test_format_date(void **state)
{
	static const struct {
		int y, m, d, h, mi;
		const char *tz;
		unsigned flags;
		const char *want;
	} c[] = {
		{2025, 11, 4, 14, 30, NULL, 0, "4 नवंबर, 2025"},
		{2025, 11, 4, 14, 30, NULL, TEXT_WEEKDAY, "मंगलवार, 4 नवंबर, 2025"},
		{2025, 11, 4, 14, 30, "IST", TEXT_TIME, "4 नवंबर, 2025, 14:30 IST"},
		{2025, 11, 4, 14, 30, "IST", TEXT_TIME | TEXT_WEEKDAY, "मंगलवार, 4 नवंबर, 2025, 14:30 IST"},
		{2025, 11, 4, 9, 5, NULL, TEXT_TIME, "4 नवंबर, 2025, 09:05"},
		{2025, 11, 4, 14, 30, "IST", TEXT_TIME | TEXT_DEVA_DIGITS, "४ नवंबर, २०२५, १४:३० IST"},
		{2025, 1, 26, 0, 0, NULL, TEXT_WEEKDAY, "रविवार, 26 जनवरी, 2025"},
		{2025, 2, 1, 0, 0, NULL, TEXT_WEEKDAY, "शनिवार, 1 फरवरी, 2025"},
		{2024, 3, 15, 0, 0, NULL, TEXT_WEEKDAY, "शुक्रवार, 15 मार्च, 2024"},
		{2024, 4, 18, 0, 0, NULL, TEXT_WEEKDAY, "गुरुवार, 18 अप्रैल, 2024"},
		{2024, 5, 1, 0, 0, NULL, TEXT_WEEKDAY, "बुधवार, 1 मई, 2024"},
		{2024, 6, 3, 0, 0, NULL, TEXT_WEEKDAY, "सोमवार, 3 जून, 2024"},
		{2024, 7, 1, 0, 0, NULL, 0, "1 जुलाई, 2024"},
		{2024, 8, 15, 0, 0, NULL, TEXT_WEEKDAY, "गुरुवार, 15 अगस्त, 2024"},
		{2024, 9, 1, 0, 0, NULL, 0, "1 सितंबर, 2024"},
		{2024, 10, 2, 0, 0, NULL, TEXT_WEEKDAY, "बुधवार, 2 अक्टूबर, 2024"},
		{2024, 12, 31, 23, 59, NULL, TEXT_WEEKDAY, "मंगलवार, 31 दिसंबर, 2024"},
		{2000, 2, 29, 0, 0, NULL, TEXT_WEEKDAY, "मंगलवार, 29 फरवरी, 2000"},
		{1947, 8, 15, 0, 0, NULL, TEXT_WEEKDAY, "शुक्रवार, 15 अगस्त, 1947"},
		{2025, 13, 1, 0, 0, NULL, TEXT_WEEKDAY, "गुरुवार, 1 जनवरी, 2026"},
	};
	for (size_t i = 0; i < KB_COUNT(c); i++) {
		struct tm t = mk(c[i].y, c[i].m, c[i].d, c[i].h, c[i].mi);
		kb_buf b = {0};
		text_format_date(&b, &t, c[i].tz, c[i].flags);
		assert_string_equal(b.data, c[i].want);
		kb_buf_free(&b);
		cases++;
	}
}

static void test_format_relative(void **state)
{
	static const struct {
		int64_t age;
		unsigned flags;
		const char *want;
	} c[] = {
		{-5, 0, "अभी"},
		{0, 0, "अभी"},
		{59, 0, "अभी"},
		{60, 0, "1 मिनट पहले"},
		{5 * 60 + 20, 0, "5 मिनट पहले"},
		{3599, 0, "59 मिनट पहले"},
		{3600, 0, "1 घंटा पहले"},
		{3 * 3600, 0, "3 घंटे पहले"},
		{3 * 3600, TEXT_DEVA_DIGITS, "३ घंटे पहले"},
		{86399, 0, "23 घंटे पहले"},
		{86400, 0, "1 दिन पहले"},
		{2 * 86400, 0, "2 दिन पहले"},
		{29 * 86400, 0, "29 दिन पहले"},
		{30 * 86400, 0, "1 महीना पहले"},
		{90 * 86400, 0, "3 महीने पहले"},
		{365 * 86400, 0, "1 साल पहले"},
		{3 * 365 * 86400, 0, "3 साल पहले"},
		{INT64_MIN, 0, "अभी"},
		{INT64_MAX, 0, "292471208677 साल पहले"},
	};
	for (size_t i = 0; i < KB_COUNT(c); i++) {
		kb_buf b = {0};
		text_format_relative(&b, c[i].age, c[i].flags);
		assert_string_equal(b.data, c[i].want);
		kb_buf_free(&b);
		cases++;
	}
}

static void test_format_int(void **state)
{
	static const struct {
		long long v;
		unsigned flags;
		const char *want;
	} c[] = {
		{0, 0, "0"},
		{7, 0, "7"},
		{999, 0, "999"},
		{1000, 0, "1,000"},
		{12345, 0, "12,345"},
		{100000, 0, "1,00,000"},
		{1234567, 0, "12,34,567"},
		{-1234567, 0, "-12,34,567"},
		{10000000, 0, "1,00,00,000"},
		{100000, TEXT_DEVA_DIGITS, "१,००,०००"},
		{9223372036854775807LL, 0, "92,23,37,20,36,85,47,75,807"},
		{-9223372036854775807LL - 1, 0, "-92,23,37,20,36,85,47,75,808"},
	};
	for (size_t i = 0; i < KB_COUNT(c); i++) {
		kb_buf b = {0};
		text_format_int(&b, c[i].v, c[i].flags);
		assert_string_equal(b.data, c[i].want);
		kb_buf_free(&b);
		cases++;
	}
}

/* Output is appended, never reset. */
static void test_appends(void **state)
{
	kb_buf b = {0};
	kb_buf_puts(&b, "<");
	text_normalise(&b, "क", 3, 0);
	text_stem(&b, "देशों", strlen("देशों"));
	text_translit(&b, "भारत", strlen("भारत"));
	text_latin_key(&b, "Raksha", 6);
	text_slug(&b, "भारत", strlen("भारत"), 0);
	text_format_int(&b, 5, 0);
	assert_string_equal(b.data, "<कदेशbharatraksbharat5");
	kb_buf_free(&b);
	cases++;
}

static void test_zz_case_count(void **state)
{
	print_message("[ INFO     ] %zu table cases checked\n", cases);
	assert_true(cases >= 200);
}

/* kb_localtime gives what localtime_r gives, in a zone without summer time
 * and in one with it, across its changes (times walked in steps that cross
 * quarter hours and land inside them), and after the zone is changed. */
static void test_localtime_matches_libc(void **state)
{
	const char *zones[] = {"Asia/Kolkata", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata"};
	for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++) {
		kb_set_timezone(zones[z]);
		/* 2026-03-29 and 2026-10-25 (Berlin's changes), and back. */
		int64_t starts[] = {1774742400 - 7200, 1792886400 - 7200, 1775347200 - 7200, 0, 1700000000};
		for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++)
			for (int64_t t = starts[i]; t < starts[i] + 4 * 3600; t += 317) {
				time_t tt = (time_t)t;
				struct tm want, got;
				localtime_r(&tt, &want);
				kb_localtime(t, &got);
				assert_int_equal(got.tm_year, want.tm_year);
				assert_int_equal(got.tm_yday, want.tm_yday);
				assert_int_equal(got.tm_hour, want.tm_hour);
				assert_int_equal(got.tm_min, want.tm_min);
				assert_int_equal(got.tm_sec, want.tm_sec);
				assert_int_equal(got.tm_wday, want.tm_wday);
				assert_int_equal(got.tm_gmtoff, want.tm_gmtoff);
				assert_int_equal(got.tm_isdst, want.tm_isdst);
			}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise_table),
		cmocka_unit_test(test_normalise_strict),
		cmocka_unit_test(test_normalise_seed),
		cmocka_unit_test(test_normalise_random_bytes),
		cmocka_unit_test(test_normalise_generated),
		cmocka_unit_test(test_normalise_fast_pairs),
		cmocka_unit_test(test_normalise_every_code_point),
		cmocka_unit_test(test_tokenise_table),
		cmocka_unit_test(test_tokenise_stop),
		cmocka_unit_test(test_tokenise_seed),
		cmocka_unit_test(test_tokenise_random),
		cmocka_unit_test(test_stem_table),
		cmocka_unit_test(test_stem_groups),
		cmocka_unit_test(test_translit_table),
		cmocka_unit_test(test_translit_seed),
		cmocka_unit_test(test_latin_key_groups),
		cmocka_unit_test(test_latin_key_apart),
		cmocka_unit_test(test_latin_key_english_rules),
		cmocka_unit_test(test_latin_key_romanisations),
		cmocka_unit_test(test_latin_key_ascii),
		cmocka_unit_test(test_names_table),
		cmocka_unit_test(test_slug_table),
		cmocka_unit_test(test_slug_properties),
		cmocka_unit_test(test_format_date),
		cmocka_unit_test(test_localtime_matches_libc),
		cmocka_unit_test(test_format_relative),
		cmocka_unit_test(test_format_int),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_zz_case_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
