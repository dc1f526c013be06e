/*
 * fuzz_normalise.c: libFuzzer target for text_normalise(). Checks that the
 * output is valid UTF-8, within TEXT_NORMALISE_BOUND, idempotent, equal on
 * the fast and the slow path, and that TEXT_STRICT fails exactly on invalid
 * input and then leaves the buffer alone.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/internal.h"
#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	kb_buf a = {0}, b = {0}, slow = {0}, strict = {0};
	if (text_normalise(&a, s, size, 0))
		abort();
	if (!kb_utf8_valid(a.data, a.len, NULL))
		abort();
	if (a.len > TEXT_NORMALISE_BOUND(size))
		abort();
	text_normalise(&b, a.data, a.len, 0);
	if (b.len != a.len || memcmp(a.data, b.data, a.len))
		abort(); /* not idempotent */
	text_normalise(&slow, s, size, TEXT_NORM_SLOW_);
	if (slow.len != a.len || memcmp(a.data, slow.data, a.len))
		abort(); /* fast path differs from utf8proc's */
	kb_buf_puts(&strict, "x");
	int r = text_normalise(&strict, s, size, TEXT_STRICT);
	if (kb_utf8_valid(s, size, NULL)) {
		if (r != 0 || strict.len != a.len + 1 || memcmp(strict.data + 1, a.data, a.len))
			abort();
	} else if (r != -1 || strict.len != 1 || strcmp(strict.data, "x")) {
		abort();
	}
	kb_buf_free(&a);
	kb_buf_free(&b);
	kb_buf_free(&slow);
	kb_buf_free(&strict);
	return 0;
}
