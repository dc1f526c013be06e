/*
 * fuzz_stem.c: libFuzzer target for text_stem(), on raw bytes and on each
 * normalised token. Checks that the stem is a prefix of the word (up to
 * text_loan_fold's substitutions), at least two code points when it is
 * shorter, and valid UTF-8 when the word is.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/internal.h"
#include "text/text.h"

static size_t cps(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

/* True when the stem's code point s may stand where the word has w: the
 * same, or one of text_loan_fold's substitutions. */
static int folds_to(int32_t w, int32_t s)
{
	return w == s || (w == 0x0949 && s == 0x093E) || (w == 0x0911 && s == 0x0906) ||
	       (w == 0x0948 && s == 0x0947) || (w == 0x0910 && s == 0x090F) || (w == 0x0940 && s == 0x093F) ||
	       (w == 0x0942 && s == 0x0941);
}

/* True when b[0..n) is w[0..n) up to text_loan_fold's substitutions,
 * which replace 3 bytes with 3. */
static int prefix_up_to_folds(const char *b, const char *w, size_t n)
{
	for (size_t i = 0; i < n;) {
		if (b[i] == w[i]) {
			i++;
			continue;
		}
		size_t start = i;
		while (start > 0 && ((unsigned char)w[start] & 0xC0) == 0x80)
			start--;
		size_t lw, lb;
		if (start + 3 > n)
			return 0;
		int32_t cw = tx_decode((const unsigned char *)w + start, 3, &lw);
		int32_t cb = tx_decode((const unsigned char *)b + start, 3, &lb);
		if (lw != 3 || lb != 3 || !folds_to(cw, cb))
			return 0;
		i = start + 3;
	}
	return 1;
}

static void check(const char *w, size_t n)
{
	kb_buf b = {0};
	text_stem(&b, w, n);
	if (b.len > n || !prefix_up_to_folds(b.data, w, b.len))
		abort();
	if (b.len < n && cps(b.data, b.len) < 2)
		abort();
	if (kb_utf8_valid(w, n, NULL) && !kb_utf8_valid(b.data, b.len, NULL))
		abort();
	kb_buf_free(&b);
}

static int each(void *ud, const text_token *t)
{
	const char *s = ud;
	kb_buf a = {0};
	text_normalise(&a, s + t->start, t->end - t->start, 0);
	check(a.data, a.len);
	kb_buf_free(&a);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check((const char *)data, size);
	text_tokenise((const char *)data, size, each, (void *)data);
	return 0;
}
