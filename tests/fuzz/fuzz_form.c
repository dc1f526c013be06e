/*
 * fuzz_form.c: libFuzzer target for the POST body and cookie parsers
 * (src/http/form.c). The first byte picks the parser. Checks that every
 * parsed text value is valid UTF-8 without NULs, that file parts point
 * inside the body, and that nothing reads outside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/form.h"

static void check(const kb_form *f, const char *body, size_t n)
{
	for (size_t i = 0; i < f->n; i++) {
		const kb_form_field *x = &f->fields[i];
		if (!x->name || !kb_utf8_valid(x->name, strlen(x->name), NULL))
			abort();
		if (x->filename) {
			if (x->value < body || x->value + x->len > body + n)
				abort();
		} else if (strlen(x->value) != x->len || !kb_utf8_valid(x->value, x->len, NULL)) {
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	kb_arena a = {0};
	kb_form f;
	/* A copy of exactly size - 1 bytes: overreads are caught. */
	size_t n = size - 1;
	char *body = malloc(n ? n : 1);
	memcpy(body, data + 1, n);
	switch (data[0] % 3) {
	case 0:
		if (!form_parse_urlencoded(&a, body, n, &f))
			check(&f, body, n);
		break;
	case 1:
		if (!form_parse_multipart(&a, "multipart/form-data; boundary=XyZ", body, n, &f))
			check(&f, body, n);
		break;
	default: {
		const char *v = cookie_get(&a, body, n, "kb_session");
		if (v && strlen(v) > n)
			abort();
	}
	}
	free(body);
	kb_arena_free(&a);
	return 0;
}
