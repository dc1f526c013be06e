/*
 * fuzz_html.c: libFuzzer target for the importer's HTML to Markdown
 * conversion (import_html_to_md) and excerpt text (import_html_to_text).
 * Checks that the Markdown is valid UTF-8 when the input is, and that,
 * rendered as khabar renders bodies, it never yields a script, an iframe or
 * a javascript: link.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "importer/importer.h"
#include "render/markdown.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready)
		markdown_init(), ready = 1;
	const char *s = (const char *)data;
	kb_buf b = {0}, t = {0}, h = {0};
	import_html_to_md(&b, s, size);
	import_html_to_text(&t, s, size);
	if (b.len && kb_utf8_valid(s, size, NULL) && !kb_utf8_valid(b.data, b.len, NULL))
		abort();
	/* What readers get: the Markdown through khabar's safe renderer. */
	markdown_render(&h, b.data ? b.data : "", b.len);
	if (h.len &&
	    (memmem(h.data, h.len, "<script", 7) || memmem(h.data, h.len, "href=\"javascript:", 18) ||
	     memmem(h.data, h.len, "src=\"javascript:", 17) || memmem(h.data, h.len, "<iframe", 7)))
		abort();
	kb_buf_free(&b);
	kb_buf_free(&t);
	kb_buf_free(&h);
	return 0;
}
