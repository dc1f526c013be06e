/*
 * markdown.h: article bodies from Markdown to HTML with cmark-gfm (tables,
 * strikethrough, autolinks). Raw HTML in the source is never passed through,
 * and links with unsafe schemes (javascript:) are dropped by cmark's safe
 * mode, so the output may be emitted raw.
 */
#ifndef KB_MARKDOWN_H
#define KB_MARKDOWN_H

#include "../core/core.h"

/* Registers cmark-gfm's extensions; call once at start, before threads. */
void markdown_init(void);

/* Appends the HTML for md[0..n) to out. */
void markdown_render(kb_buf *out, const char *md, size_t n);

#endif
