/*
 * fuzz_template.c: libFuzzer target for the template engine: parse any
 * input as a template, and when it parses, render it with values holding
 * markup. Checks that no value's "<" reaches the output unescaped (all
 * values are plain strings, which even {{raw}} escapes) unless the template
 * text itself has one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tpl_set *set = tpl_set_new();
	char *err = NULL;
	if (tpl_add(set, "t", (const char *)data, size, &err)) {
		if (!err || strncmp(err, "t:", 2))
			abort();
		free(err);
		tpl_set_free(set);
		return 0;
	}
	kb_arena a = {0};
	tv *c = tv_obj(&a);
	tv_set_str(c, "x", "<script>\"'&");
	tv *list = tv_list(&a);
	tv_push(list, c);
	tv_set(c, "items", list);
	kb_buf out = {0};
	tpl_render(set, "t", c, &out);
	if (!memchr(data, '<', size) && out.len && memchr(out.data, '<', out.len))
		abort();
	kb_buf_free(&out);
	kb_arena_free(&a);
	tpl_set_free(set);
	return 0;
}
