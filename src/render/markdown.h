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

/* Appends an article's body as HTML to out: body (Markdown) rendered,
 * with the dateline (escaped; "" for none) opening the first paragraph
 * in bold. The article page, the feeds, the API and the newsroom's
 * preview all use it, so the preview shows what goes out. */
void markdown_article(kb_buf *out, const char *body, const char *dateline);

#endif
