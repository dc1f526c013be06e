/*
 * markdown.c: cmark-gfm glue, and an article's body with its dateline
 * (see markdown.h). Each call builds its own parser, so rendering is safe
 * from any thread once markdown_init() ran.
 */
#include "markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

static const char *const extensions[] = {"table", "strikethrough", "autolink"};

void markdown_init(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

void markdown_render(kb_buf *out, const char *md, size_t n)
{
	/* Not CMARK_OPT_UNSAFE: raw HTML becomes a comment, bad URLs are
	 * emptied. CMARK_OPT_SMART gives typographic quotes and dashes. */
	int opts = CMARK_OPT_DEFAULT | CMARK_OPT_SMART;
	cmark_parser *p = cmark_parser_new(opts);
	for (size_t i = 0; i < KB_COUNT(extensions); i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(extensions[i]);
		if (e)
			cmark_parser_attach_syntax_extension(p, e);
	}
	cmark_parser_feed(p, md, n);
	cmark_node *doc = cmark_parser_finish(p);
	char *html = cmark_render_html(doc, opts, cmark_parser_get_syntax_extensions(p));
	kb_buf_puts(out, html);
	free(html);
	cmark_node_free(doc);
	cmark_parser_free(p);
}

void markdown_article(kb_buf *out, const char *body, const char *dateline)
{
	kb_buf md = {0};
	markdown_render(&md, body, strlen(body));
	const char *rest = kb_buf_str(&md);
	if (*dateline) {
		/* The dateline opens the first paragraph, in bold:
		 * "<p><strong>नई दिल्ली।</strong> रक्षा सचिव ..." */
		kb_buf_puts(out, "<p><strong class=\"dateline\">");
		html_escape(out, dateline, strlen(dateline));
		kb_buf_puts(out, "।</strong> ");
		if (!strncmp(rest, "<p>", 3))
			rest += 3;
		else
			kb_buf_puts(out, "</p>\n");
	}
	kb_buf_puts(out, rest);
	kb_buf_free(&md);
}
