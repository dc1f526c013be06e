/*
 * article.c: one story: headline, summary, dateline, byline, Hindi date,
 * body (Markdown), tags, share row, related news and follow links.
 */
#include <string.h>

#include "../render/escape.h"
#include "../render/markdown.h"
#include "pages.h"
#include "seo.h"

#define RELATED 6

void article_body_html(kb_buf *out, const kb_article *art)
{
	kb_buf md = {0};
	markdown_render(&md, art->body, strlen(art->body));
	const char *rest = md.data ? md.data : "";
	if (*art->dateline) {
		/* The dateline opens the first paragraph, in bold:
		 * "<p><strong>नई दिल्ली।</strong> रक्षा सचिव ..." */
		kb_buf_puts(out, "<p><strong class=\"dateline\">");
		html_escape(out, art->dateline, strlen(art->dateline));
		kb_buf_puts(out, "।</strong> ");
		if (!strncmp(rest, "<p>", 3))
			rest += 3;
		else
			kb_buf_puts(out, "</p>\n");
	}
	kb_buf_puts(out, rest);
	kb_buf_free(&md);
}

int page_article(kb_req *r)
{
	kb_arena *a = &r->arena;
	kb_article art;
	int rc = store_article_by_slug(r->db, a, r->param[0], &art);
	if (rc == STORE_NOTFOUND)
		return 404;
	if (rc)
		return 500;
	/* Cached until this article changes, or the lists its related
	 * news comes from (its category and tags; see cache.c). */
	req_depend(r, "a:%lld", (long long)art.id);
	req_depend(r, "c:%lld", (long long)art.category.id);
	for (size_t i = 0; i < art.ntags; i++)
		req_depend(r, "t:%lld", (long long)art.tags[i].id);
	tv *ctx = site_context(r, art.title, art.summary);
	if (!ctx)
		return 500;
	tv *o = site_article(r, &art, 1);
	kb_buf html = {0};
	article_body_html(&html, &art);
	tv_set(o, "body", tv_html(a, html.data ? html.data : "", html.len));
	kb_buf_free(&html);
	tv_set(ctx, "article", o);

	const tv *page = tv_get(ctx, "page");
	const tv *canonical = tv_get(page, "canonical");
	tv_set(ctx, "share", site_share(r, art.title, canonical->s));

	kb_article *rel;
	size_t n;
	if (store_article_related(r->db, a, &art, RELATED, &rel, &n))
		return 500;
	tv_set(ctx, "related", site_article_list(r, rel, n));
	tv_set_bool(ctx, "is_article", 1);
	seo_article(r, ctx, &art);
	return site_render(r, "article", ctx);
}
