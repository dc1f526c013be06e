/*
 * fuzz_latin_key.c: libFuzzer target for text_latin_key(). Checks that the
 * key is lower-case ASCII letters and digits, and that a word and its
 * normalised form, and a Latin word and its upper-case form, get one key.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/internal.h"
#include "text/text.h"

static void key(kb_buf *b, const char *s, size_t n)
{
	kb_buf_reset(b);
	text_latin_key(b, s, n);
	for (size_t i = 0; i < b->len; i++) {
		char c = b->data[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	kb_buf k1 = {0}, k2 = {0}, nb = {0};
	key(&k1, s, size);
	text_normalise(&nb, s, size, 0);
	key(&k2, nb.data, nb.len);
	if (k1.len != k2.len || memcmp(k1.data, k2.data, k1.len))
		abort();
	int ascii = 1;
	for (size_t i = 0; i < size; i++)
		ascii &= data[i] < 0x80;
	if (ascii) {
		char *up = malloc(size + 1);
		for (size_t i = 0; i < size; i++)
			up[i] = (char)(data[i] >= 'a' && data[i] <= 'z' ? data[i] - 32 : data[i]);
		key(&k2, up, size);
		if (k1.len != k2.len || memcmp(k1.data, k2.data, k1.len))
			abort();
		free(up);
	}
	kb_buf_free(&k1);
	kb_buf_free(&k2);
	kb_buf_free(&nb);
	return 0;
}
