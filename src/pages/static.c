/*
 * static.c: the theme's static files under fingerprinted names (cached for a
 * year: a changed file gets a new name), robots.txt (which lists the
 * sitemaps), and IndexNow's key file (/{key}.txt, src/app/purge.h).
 */
#include <string.h>

#include "pages.h"
#include "seo.h"

int page_static(kb_req *r)
{
	const char *data, *type;
	size_t len;
	if (theme_static(r->param[0], &data, &len, &type))
		return 404;
	kb_buf_append(&r->body, data, len);
	req_depend(r, "static"); /* no content change touches it */
	r->content_type = type;
	r->max_age = 31536000;
	return 200;
}

int page_indexnow_key(kb_req *r)
{
	kb_edge_settings es;
	if (store_edge_settings(r->db, &r->arena, &es))
		return 500;
	req_depend(r, "static"); /* only settings, which empty the cache */
	if (!*es.indexnow_key || strcmp(r->param[0], es.indexnow_key))
		return 404;
	kb_buf_puts(&r->body, es.indexnow_key);
	r->content_type = "text/plain; charset=utf-8";
	r->max_age = 3600;
	return 200;
}

int page_robots(kb_req *r)
{
	kb_settings s;
	if (store_settings(r->db, &r->arena, &s))
		return 500;
	req_depend(r, "static"); /* only settings, which empty the cache */
	kb_buf_puts(&r->body, "User-agent: *\nDisallow: /newsroom\n\n");
	/* Crawlers find every article and the news of the last two days. */
	kb_buf_printf(&r->body, "Sitemap: %s\nSitemap: %s\n", seo_abs_url(r, s.base_url, "/sitemap.xml"),
		      seo_abs_url(r, s.base_url, "/news-sitemap.xml"));
	r->content_type = "text/plain; charset=utf-8";
	r->max_age = 3600;
	return 200;
}
