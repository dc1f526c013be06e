/*
 * article.c: one story: headline, summary, dateline, byline, Hindi date,
 * body (Markdown), its corrections and updates, tags, the author's box,
 * share row, related news and follow links; for live coverage its entries
 * too (live.c).
 */
#include <string.h>

#include "../render/markdown.h"
#include "pages.h"
#include "reads.h"
#include "seo.h"

int page_article(kb_req *r)
{
	kb_arena *a = &r->arena;
	/* The page's reads in one go (one round trip on PostgreSQL), and
	 * the site around it, which a server thread has mostly read already. */
	const kb_site *site = site_read(r);
	if (!site)
		return 500;
	kb_article_page pg;
	int rc = store_article_page(r->db, a, r->param[0], &pg);
	if (rc == STORE_NOTFOUND)
		return 404;
	if (rc)
		return 500;
	kb_article art = pg.article;
	/* Cached until this article changes, or the lists its related
	 * news comes from (its category and tags; see cache.c). */
	req_depend(r, "a:%lld", (long long)art.id);
	req_depend(r, "c:%lld", (long long)art.category.id);
	for (size_t i = 0; i < art.ntags; i++)
		req_depend(r, "t:%lld", (long long)art.tags[i].id);
	tv *ctx = site_context_of(r, site, art.title, art.summary);
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

	/* Corrections and updates, oldest first, as they happened; the
	 * author's box (a profile change moves the content version). */
	tv *nl = tv_list(a);
	for (size_t i = 0; i < pg.nnotes; i++)
		tv_push(nl, site_note(r, &pg.notes[i]));
	tv_set(o, "notes", nl);
	if (pg.author)
		tv_set(ctx, "author_box", site_author(r, pg.author));

	tv_set(ctx, "related", site_article_list(r, pg.related, pg.nrelated));
	tv_set_bool(ctx, "is_article", 1);
	/* The most read of its category (the site's for a story in none):
	 * its related news's neighbours, purged with them (c:ID). */
	if (site_mostread(r, ctx, art.category.id, pg.mostread))
		return 500;
	/* Live coverage: its entries under the story (live.c). */
	live_page live;
	rc = pg.live ? live_load(r, art.id, &live) : STORE_NOTFOUND;
	if (rc && rc != STORE_NOTFOUND)
		return 500;
	if (!rc)
		live_context(r, ctx, &live, canonical->s);
	seo_article(r, ctx, &art, site, pg.author, pg.notes, pg.nnotes, rc ? NULL : &live);
	return site_render(r, "article", ctx);
}
