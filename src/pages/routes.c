/*
 * routes.c: every URL khabar answers, in one table. The dispatcher
 * (src/http) applies each route's method, flags and role before its handler
 * runs. Order matters only where patterns overlap: first match wins.
 */
#include "pages.h"

const kb_route kb_routes[] = {
	/* method, pattern, handler, flags, role, cache key query, max-age */
	{"GET", "/", page_home, R_CACHE, 0, NULL, 30},
	{"GET", "/news/{slug}", page_article, R_CACHE, 0, NULL, 60},
	{"GET", "/category/{slug}", page_category, R_CACHE, 0, "page", 60},
	{"GET", "/tag/{slug}", page_tag, R_CACHE, 0, "page", 60},
	{"GET", "/author/{slug}", page_author, R_CACHE, 0, "page", 60},
	{"GET", "/static/{file}", page_static, R_CACHE, 0, NULL, 31536000},
	{"GET", "/robots.txt", page_robots, R_CACHE, 0, NULL, 3600},
	/* Feeds: ?full=0 leaves the story out, keeping the summary. */
	{"GET", "/feed", page_feed_rss, R_CACHE, 0, "full", 300},
	{"GET", "/feed/atom", page_feed_atom, R_CACHE, 0, "full", 300},
	{"GET", "/category/{slug}/feed", page_feed_category_rss, R_CACHE, 0, "full", 300},
	{"GET", "/category/{slug}/feed/atom", page_feed_category_atom, R_CACHE, 0, "full", 300},
	{"GET", "/tag/{slug}/feed", page_feed_tag_rss, R_CACHE, 0, "full", 300},
	{"GET", "/tag/{slug}/feed/atom", page_feed_tag_atom, R_CACHE, 0, "full", 300},
	{"GET", "/author/{slug}/feed", page_feed_author_rss, R_CACHE, 0, "full", 300},
	{"GET", "/author/{slug}/feed/atom", page_feed_author_atom, R_CACHE, 0, "full", 300},
	/* Sitemaps. The news sitemap depends on the clock (last two days), not
	 * only on content, so it is built each time: at most 1,000 rows. */
	{"GET", "/sitemap.xml", page_sitemap_index, R_CACHE, 0, NULL, 3600},
	{"GET", "/sitemap-{part}", page_sitemap_part, R_CACHE, 0, NULL, 3600},
	{"GET", "/news-sitemap.xml", page_sitemap_news, 0, 0, NULL, 300},
	/* The public read API (docs/api.md). */
	{"GET", "/api/v1/articles", api_articles, R_CACHE | R_CORS, 0, "category,tag,since,limit,cursor", 60},
	{"GET", "/api/v1/articles/{id}", api_article, R_CACHE | R_CORS, 0, NULL, 60},
	{"GET", "/api/v1/categories", api_categories, R_CACHE | R_CORS, 0, NULL, 300},
	{"GET", "/search", page_search, R_CACHE, 0, "q,category,from,to,page", 60},
	{"GET", "/api/v1/search", api_search, R_CACHE | R_CORS, 0, "q,category,from,to,limit,offset", 60},
	/* Web Push. The POSTs come from readers, who have no session: they
	 * take only application/json from the site's own origin (push.c). */
	{"GET", "/sw.js", page_sw, 0, 0, NULL, 0},
	{"GET", "/push", page_push_manage, R_CACHE, 0, NULL, 300},
	{"GET", "/push/click/{id}", page_push_click, 0, 0, NULL, 0},
	{"GET", "/api/v1/push/key", api_push_key, 0, 0, NULL, 300},
	{"POST", "/api/v1/push/subscribe", api_push_subscribe, 0, 0, NULL, 0},
	{"POST", "/api/v1/push/unsubscribe", api_push_unsubscribe, 0, 0, NULL, 0},
	{"POST", "/api/v1/push/status", api_push_status, 0, 0, NULL, 0},
};

const size_t kb_nroutes = sizeof kb_routes / sizeof kb_routes[0];
