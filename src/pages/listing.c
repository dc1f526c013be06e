/*
 * listing.c: the paginated lists of a category, a tag and an author. They
 * differ only in how the subject is looked up and which filter is set; an
 * author's page also shows their profile, with its Person JSON-LD.
 */
#include "pages.h"
#include "reads.h"
#include "seo.h"

#define PER_PAGE 20

/* Renders the list page for one subject; q has its filter set. author:
 * the subject's profile on an author's page, else NULL. */
static int list_page(kb_req *r, const char *kind, const char *name, const char *about, kb_article_query q,
		     const kb_author_profile *author)
{
	kb_arena *a = &r->arena;
	int page = site_page_number(r);
	if (!page)
		return 404;
	q.limit = PER_PAGE;
	q.offset = (size_t)(page - 1) * PER_PAGE;
	kb_article *v;
	size_t n, total;
	if (store_article_list(r->db, a, &q, &v, &n, &total))
		return 500;
	if (page > 1 && !n)
		return 404;
	const char *title = page > 1 ? kb_arena_printf(a, "%s - पेज %d", name, page) : name;
	tv *ctx = site_context(r, title, about);
	if (!ctx)
		return 500;
	seo_subject_feeds(r, ctx, name);
	tv *s = tv_obj(a);
	tv_set_str(s, "kind", kind);
	tv_set_str(s, "name", name);
	tv_set_str(s, "about", about);
	tv_set_int(s, "total", (long long)total);
	tv_set(ctx, "subject", s);
	tv_set(ctx, "articles", site_article_list(r, v, n));
	site_pager(r, ctx, page, PER_PAGE, total);
	/* A category's page: its most read. */
	if (q.category_id && site_mostread(r, ctx, q.category_id, NULL))
		return 500;
	if (author) {
		tv_set(ctx, "profile", site_author(r, author));
		const kb_site *site = site_read(r); /* read already, for ctx */
		if (!site)
			return 500;
		seo_author(r, ctx, site, author);
	}
	return site_render(r, "list", ctx);
}

int page_category(kb_req *r)
{
	kb_category c;
	int rc = store_category_by_slug(r->db, &r->arena, r->param[0], &c);
	if (rc)
		return rc == STORE_NOTFOUND ? 404 : 500;
	req_depend(r, "c:%lld", (long long)c.id);
	const char *about = kb_arena_printf(&r->arena, "%s की ताज़ा खबरें", c.name);
	return list_page(r, "श्रेणी", c.name, about, (kb_article_query){.category_id = c.id}, NULL);
}

int page_tag(kb_req *r)
{
	kb_tag t;
	int rc = store_tag_by_slug(r->db, &r->arena, r->param[0], &t);
	if (rc)
		return rc == STORE_NOTFOUND ? 404 : 500;
	req_depend(r, "t:%lld", (long long)t.id);
	const char *about = kb_arena_printf(&r->arena, "%s से जुड़ी खबरें", t.name);
	return list_page(r, "टैग", t.name, about, (kb_article_query){.tag_id = t.id}, NULL);
}

int page_author(kb_req *r)
{
	kb_author_profile au;
	int rc = authors_store_by_slug(r->db, &r->arena, r->param[0], &au);
	if (rc)
		return rc == STORE_NOTFOUND ? 404 : 500;
	req_depend(r, "u:%lld", (long long)au.id);
	const char *about = *au.bio ? au.bio : kb_arena_printf(&r->arena, "%s की खबरें", au.name);
	return list_page(r, "लेखक", au.name, about, (kb_article_query){.author_id = au.id}, &au);
}
