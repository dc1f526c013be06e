/*
 * fuzz_slug.c: libFuzzer target for text_slug(). The first input byte picks
 * max (0 means the default 80). Checks that the slug is non-empty, at most
 * max bytes, only a-z, 0-9 and '-', with no leading, trailing or double
 * hyphen, and that text_slug appends to what the buffer held.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	size_t max = data[0] % 100, lim = max ? max : 80;
	kb_buf b = {0};
	kb_buf_puts(&b, "/a/");
	text_slug(&b, (const char *)data + 1, size - 1, max);
	if (memcmp(b.data, "/a/", 3))
		abort();
	const char *s = b.data + 3;
	size_t n = b.len - 3;
	if (n == 0 || n > lim || s[0] == '-' || s[n - 1] == '-')
		abort();
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			abort();
		if (c == '-' && s[i + 1] == '-')
			abort();
	}
	kb_buf_free(&b);
	return 0;
}
