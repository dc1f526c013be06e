/*
 * page.c: a static page at /page/{slug} (about, contact, the policies...):
 * its title and its Markdown body, rendered as a story's body is, in the
 * theme's page.html, with the canonical URL and Open Graph tags every page
 * gets (seo_page). Drafts are not found. The corrections policy links the
 * list of corrections (/corrections); the grievance officer's page the
 * grievance form and, when published, the monthly report. Not here: the sitemap's entries
 * (sitemaps.c), the footer's links (site.c), editing (src/newsroom/pages.c).
 */
#include <string.h>

#include "../db/pages_store.h"
#include "../render/markdown.h"
#include "pages.h"

int page_static_page(kb_req *r)
{
	kb_arena *a = &r->arena;
	kb_page p;
	int rc = pages_store_by_slug(r->db, a, r->param[0], 1, &p);
	if (rc == STORE_NOTFOUND)
		return 404;
	if (rc)
		return 500;
	/* The first paragraph's words would be a better description; the
	 * tagline is what other pages without a summary use. */
	tv *ctx = site_context(r, p.title, NULL);
	if (!ctx)
		return 500;
	tv *o = tv_obj(a);
	tv_set_str(o, "title", p.title);
	tv_set_str(o, "slug", p.slug);
	tv_set(o, "iso", tv_str(a, site_iso(r, p.updated_at)));
	kb_buf d = {0};
	theme_date(&d, p.updated_at, 0);
	tv_set(o, "date", tv_strn(a, kb_arena_strndup(a, kb_buf_str(&d), d.len), d.len));
	kb_buf_free(&d);
	kb_buf html = {0};
	markdown_article(&html, p.body, "");
	tv_set(o, "body", tv_html(a, kb_buf_str(&html), html.len));
	kb_buf_free(&html);
	if (!strcmp(p.slug, "corrections-policy"))
		tv_set_bool(o, "corrections", 1);
	if (!strcmp(p.slug, "grievance-officer")) {
		const kb_site *site = site_read(r); /* read already, for ctx */
		if (!site)
			return 500;
		tv_set_bool(o, "grievance", 1);
		tv_set_bool(o, "grievance_report", !strcmp(site->settings.grievance_report, "yes"));
	}
	tv_set(ctx, "static_page", o);
	return site_render(r, "page", ctx);
}
