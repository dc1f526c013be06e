/*
 * fuzz_header.c: libFuzzer target for what goes on the wire as a header
 * (src/http/header.c). The first byte picks the builder; the rest is the
 * target, origin or cookie value. The oracle: a Location is plain visible
 * ASCII that starts with one '/' (never "//" or "/\"), or the builder
 * refused it; a cookie either is refused or passes http_value_ok and
 * starts with its own name; a value http_value_ok accepts holds no CR, LF
 * or NUL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/header.h"

static void check_location(const char *loc)
{
	if (!loc)
		return;
	if (loc[0] != '/' || loc[1] == '/' || loc[1] == '\\')
		abort();
	for (const char *p = loc; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '\\')
			abort();
	if (!http_value_ok(loc, strlen(loc)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	kb_arena a = {0};
	/* The input as a C string: cut at its first NUL, as every caller's
	 * strings are. */
	char *s = kb_strndup((const char *)data + 1, size - 1);
	switch (data[0] % 4) {
	case 0: check_location(http_location(&a, s, "https://news.example.com", data[0] & 4)); break;
	case 1: {
		/* The input split at its first '|': origin, then target. */
		char *bar = strchr(s, '|');
		if (bar) {
			*bar = 0;
			check_location(http_location(&a, bar + 1, s, 0));
		}
		break;
	}
	case 2: {
		kb_buf b = {0};
		if (!http_cookie(&b, "kb_session", s, "/newsroom", 60, data[0] & 4) &&
		    (!http_value_ok(b.data, b.len) || strncmp(b.data, "kb_session=", 11)))
			abort();
		if (!http_cookie(&b, s, "v", "/", 0, 0) && !http_value_ok(b.data, b.len))
			abort();
		kb_buf_free(&b);
		break;
	}
	default:
		if (http_value_ok(s, strlen(s)) && strpbrk(s, "\r\n"))
			abort();
		if (!*http_reason((int)(data[0]) * 3))
			abort();
	}
	free(s);
	kb_arena_free(&a);
	return 0;
}
