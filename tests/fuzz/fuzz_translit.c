/*
 * fuzz_translit.c: libFuzzer target for text_translit(). Checks that the
 * output is valid UTF-8, that Devanagari never survives it, and that text
 * without Devanagari or invalid bytes comes out unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/internal.h"
#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	kb_buf b = {0};
	text_translit(&b, s, size);
	if (!kb_utf8_valid(b.data, b.len, NULL))
		abort();
	int deva_in = 0;
	for (size_t i = 0; i < b.len;) {
		size_t len;
		int32_t c = tx_decode((const unsigned char *)b.data + i, b.len - i, &len);
		if (tx_is_deva(c))
			abort();
		i += len;
	}
	for (size_t i = 0; i < size;) {
		size_t len;
		if (tx_is_deva(tx_decode(data + i, size - i, &len)))
			deva_in = 1;
		i += len;
	}
	if (!deva_in && kb_utf8_valid(s, size, NULL) && (b.len != size || memcmp(b.data, s, size)))
		abort();
	kb_buf_free(&b);
	return 0;
}
