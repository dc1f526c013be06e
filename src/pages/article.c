/*
 * article.c: one story: headline, summary, dateline, byline, Hindi date,
 * body (Markdown), tags, share row, related news and follow links.
 */
#include <string.h>

#include "../render/markdown.h"
#include "pages.h"
#include "seo.h"

#define RELATED 6

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
	markdown_article(&html, art.body, art.dateline);
	tv_set(o, "body", tv_html(a, kb_buf_str(&html), html.len));
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
