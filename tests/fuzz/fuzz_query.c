/*
 * fuzz_query.c: libFuzzer target for search_parse(), what a reader types in
 * the search box. Checks that the shown query is at most 200 characters of
 * the input, that no term is empty or holds a double quote (which would end
 * an FTS5 string early), and that the count of positive terms is right.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "search/query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!kb_utf8_valid((const char *)data, size, NULL))
		return 0; /* the server refuses invalid UTF-8 before parsing */
	kb_arena a = {0};
	kb_search_query q = {0};
	const char *shown;
	size_t pos = search_parse(&a, (const char *)data, size, &q, &shown);
	size_t chars = 0, npos = 0;
	for (const char *p = shown; *p; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	if (chars > SEARCH_MAX_CHARS || strlen(shown) > size)
		abort();
	for (size_t i = 0; i < q.nterms; i++) {
		if (!q.terms[i].text[0] || strchr(q.terms[i].text, '"'))
			abort();
		npos += !q.terms[i].negate;
	}
	if (npos != pos)
		abort();
	kb_arena_free(&a);
	return 0;
}
