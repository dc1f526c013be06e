/*
 * fuzz_stem.c: libFuzzer target for text_stem(), on raw bytes and on each
 * normalised token. Checks that the stem is a prefix of the word, at least
 * two code points when it is shorter, and valid UTF-8 when the word is.
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

static void check(const char *w, size_t n)
{
	kb_buf b = {0};
	text_stem(&b, w, n);
	if (b.len > n || memcmp(b.data, w, b.len))
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
