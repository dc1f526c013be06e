/*
 * home.c: the front page: the lead story, the latest news, and the newest
 * stories of each category in the order the newsroom set.
 */
#include "pages.h"
#include "reads.h"
#include "seo.h"

#define LATEST 10
#define PER_CATEGORY 4

int page_home(kb_req *r)
{
	kb_arena *a = &r->arena;
	req_depend(r, "list");
	const kb_site *site = site_read(r);
	tv *ctx = site ? site_context_of(r, site, NULL, NULL) : NULL;
	if (!ctx)
		return 500;
	kb_article *latest, sticky;
	size_t n;
	/* A sticky story (WordPress's "stick to the front page") leads;
	 * otherwise the newest. */
	int st = store_article_sticky(r->db, a, &sticky);
	if (st == STORE_ERROR)
		return 500;
	kb_article_query q = {.limit = LATEST + 1, .exclude_id = st == STORE_OK ? sticky.id : 0};
	if (store_article_list(r->db, a, &q, &latest, &n, NULL))
		return 500;
	if (st == STORE_OK) {
		tv_set(ctx, "lead", site_article(r, &sticky, 0));
		tv_set(ctx, "latest", site_article_list(r, latest, n > LATEST ? LATEST : n));
	} else if (n) {
		tv_set(ctx, "lead", site_article(r, &latest[0], 0));
		tv_set(ctx, "latest", site_article_list(r, latest + 1, n - 1));
	}
	const kb_category *cats = site->cats;
	size_t ncats = site->ncats;
	tv *sections = tv_list(a);
	for (size_t i = 0; i < ncats; i++) {
		kb_article *v;
		size_t k;
		kb_article_query cq = {.category_id = cats[i].id, .limit = PER_CATEGORY};
		if (store_article_list(r->db, a, &cq, &v, &k, NULL))
			return 500;
		if (!k)
			continue;
		tv *s = tv_obj(a);
		tv_set_str(s, "name", cats[i].name);
		tv_set(s, "url", tv_strf(a, "/category/%s", cats[i].slug));
		tv_set(s, "articles", site_article_list(r, v, k));
		tv_push(sections, s);
	}
	tv_set(ctx, "sections", sections);
	if (site_mostread(r, ctx, 0, NULL))
		return 500;
	tv_set_bool(ctx, "is_home", 1);
	/* The site as an organisation, for search engines. */
	seo_home(r, ctx, site);
	return site_render(r, "home", ctx);
}
