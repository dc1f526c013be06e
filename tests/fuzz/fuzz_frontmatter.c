/*
 * fuzz_frontmatter.c: libFuzzer target for fm_parse(), the article file
 * parser of "khabar article add". Checks that a parse either fails with a
 * line inside the input and a message, or gives fields whose values hold
 * no newline and a body that lies inside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/frontmatter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kb_arena a = {0};
	fm_doc d;
	int line = 0;
	char err[256] = "";
	const char *buf = (const char *)data;
	if (fm_parse(&a, buf, size, &d, &line, err, sizeof err)) {
		size_t lines = 1;
		for (size_t i = 0; i < size; i++)
			lines += buf[i] == '\n';
		if (line < 1 || (size_t)line > lines || !err[0])
			abort();
	} else {
		if (d.body < buf || d.body + d.body_len != buf + size)
			abort();
		for (size_t i = 0; i < d.nfields; i++)
			if (strchr(d.fields[i].value, '\n') || !d.fields[i].key[0] ||
			    fm_get(&d, d.fields[i].key) != &d.fields[i])
				abort();
	}
	kb_arena_free(&a);
	return 0;
}
