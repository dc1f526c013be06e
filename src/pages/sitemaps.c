/*
 * sitemaps.c: the sitemaps search engines read.
 *
 *   /sitemap.xml        the index: the pages sitemap, one article sitemap
 *                       per 50,000 published articles, and the news sitemap
 *   /sitemap-pages.xml  home, categories, authors with published stories and
 *                       the published static pages (/page/{slug})
 *   /sitemap-N.xml      published articles N*50,000-49,999 .. N*50,000 in id
 *                       order, so a file's contents stay put as news arrives
 *   /news-sitemap.xml   Google News: articles of the last two days, at most
 *                       1,000, with publication name, language, date, title
 *
 * Tag pages are left out: they are many and thin, and every article they
 * list is in the article sitemaps already. Not here: robots.txt (static.c),
 * which points at the index and the news sitemap.
 */
#include <stdlib.h>
#include <string.h>

#include "../db/pages_store.h"
#include "../render/escape.h"
#include "pages.h"
#include "seo.h"

#define PER_SITEMAP 50000
#define NEWS_MAX 1000
#define NEWS_WINDOW (2 * 24 * 3600)

static void x(kb_buf *out, const char *s)
{
	xml_escape(out, s, strlen(s));
}

/* Appends <url><loc>base+path</loc>[<lastmod>]</url>; lastmod 0 = none. */
static void url_entry(kb_req *r, kb_buf *out, const char *base, const char *path, int64_t lastmod)
{
	kb_buf_puts(out, "<url><loc>");
	x(out, seo_abs_url(r, base, path));
	kb_buf_puts(out, "</loc>");
	if (lastmod) {
		kb_buf_puts(out, "<lastmod>");
		site_iso_date(out, lastmod);
		kb_buf_puts(out, "</lastmod>");
	}
	kb_buf_puts(out, "</url>\n");
}

static const char urlset_open[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
				  "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";

int page_sitemap_index(kb_req *r)
{
	kb_settings s;
	int64_t count;
	if (store_settings(r->db, &r->arena, &s) || store_article_count(r->db, &count))
		return 500;
	kb_buf *out = &r->body;
	kb_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			 "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	kb_buf_puts(out, "<sitemap><loc>");
	x(out, seo_abs_url(r, s.base_url, "/sitemap-pages.xml"));
	kb_buf_puts(out, "</loc></sitemap>\n");
	int64_t parts = (count + PER_SITEMAP - 1) / PER_SITEMAP;
	for (int64_t i = 1; i <= parts; i++) {
		kb_buf_puts(out, "<sitemap><loc>");
		x(out,
		  seo_abs_url(r, s.base_url, kb_arena_printf(&r->arena, "/sitemap-%lld.xml", (long long)i)));
		kb_buf_puts(out, "</loc></sitemap>\n");
	}
	kb_buf_puts(out, "<sitemap><loc>");
	x(out, seo_abs_url(r, s.base_url, "/news-sitemap.xml"));
	kb_buf_puts(out, "</loc></sitemap>\n</sitemapindex>\n");
	r->content_type = "application/xml; charset=utf-8";
	return 200;
}

/* The pages sitemap: home, categories, authors, static pages. */
static int pages_sitemap(kb_req *r, const kb_settings *s)
{
	kb_category *cats;
	kb_author *authors;
	kb_page *pages;
	size_t ncats, nauthors, npages;
	if (store_category_list(r->db, &r->arena, &cats, &ncats) ||
	    store_author_list(r->db, &r->arena, &authors, &nauthors) ||
	    pages_store_list(r->db, &r->arena, 1, &pages, &npages))
		return 500;
	kb_buf *out = &r->body;
	kb_buf_puts(out, urlset_open);
	url_entry(r, out, s->base_url, "/", 0);
	for (size_t i = 0; i < ncats; i++)
		url_entry(r, out, s->base_url, kb_arena_printf(&r->arena, "/category/%s", cats[i].slug), 0);
	for (size_t i = 0; i < nauthors; i++)
		url_entry(r, out, s->base_url, kb_arena_printf(&r->arena, "/author/%s", authors[i].slug), 0);
	for (size_t i = 0; i < npages; i++)
		url_entry(r, out, s->base_url, kb_arena_printf(&r->arena, "/page/%s", pages[i].slug),
			  pages[i].updated_at);
	kb_buf_puts(out, "</urlset>\n");
	return 200;
}

int page_sitemap_part(kb_req *r)
{
	kb_settings s;
	if (store_settings(r->db, &r->arena, &s))
		return 500;
	const char *part = r->param[0]; /* "pages.xml" or "N.xml" */
	r->content_type = NULL;
	int status;
	if (!strcmp(part, "pages.xml")) {
		status = pages_sitemap(r, &s);
	} else {
		/* Digits without a leading zero, then ".xml": one URL per file. */
		char *end;
		long n = strtol(part, &end, 10);
		if (part[0] < '1' || part[0] > '9' || strcmp(end, ".xml") || n < 1 || n > 100000)
			return 404;
		kb_article_url *v;
		size_t count;
		if (store_article_urls(r->db, &r->arena, (size_t)(n - 1) * PER_SITEMAP, PER_SITEMAP, &v,
				       &count))
			return 500;
		if (!count)
			return 404; /* a sitemap must list at least one URL */
		kb_buf *out = &r->body;
		kb_buf_puts(out, urlset_open);
		for (size_t i = 0; i < count; i++) {
			int64_t mod = v[i].modified_at > v[i].published_at ? v[i].modified_at
									   : v[i].published_at;
			url_entry(r, out, s.base_url, kb_arena_printf(&r->arena, "/news/%s", v[i].slug), mod);
		}
		kb_buf_puts(out, "</urlset>\n");
		status = 200;
	}
	if (status == 200)
		r->content_type = "application/xml; charset=utf-8";
	return status;
}

int page_sitemap_news(kb_req *r)
{
	kb_settings s;
	if (store_settings(r->db, &r->arena, &s))
		return 500;
	kb_article_seek q = {.since = kb_now() - NEWS_WINDOW, .limit = NEWS_MAX};
	kb_article *v;
	size_t n;
	if (store_article_seek(r->db, &r->arena, &q, &v, &n))
		return 500;
	kb_buf *out = &r->body;
	kb_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			 "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
			 "xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n");
	/* Google wants the language as an ISO 639 code: Hindi is "hi". */
	const char *lang = *s.language ? s.language : "hi";
	for (size_t i = 0; i < n; i++) {
		const kb_article *a = &v[i];
		kb_buf_puts(out, "<url><loc>");
		x(out, seo_abs_url(r, s.base_url, kb_arena_printf(&r->arena, "/news/%s", a->slug)));
		kb_buf_puts(out, "</loc>\n<news:news><news:publication><news:name>");
		x(out, s.name);
		kb_buf_puts(out, "</news:name><news:language>");
		x(out, lang);
		kb_buf_puts(out, "</news:language></news:publication>\n<news:publication_date>");
		site_iso_date(out, a->published_at);
		kb_buf_puts(out, "</news:publication_date>\n<news:title>");
		x(out, a->title);
		kb_buf_puts(out, "</news:title></news:news></url>\n");
	}
	kb_buf_puts(out, "</urlset>\n");
	r->content_type = "application/xml; charset=utf-8";
	return 200;
}
