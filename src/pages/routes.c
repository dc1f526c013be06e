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
};

const size_t kb_nroutes = sizeof kb_routes / sizeof kb_routes[0];
