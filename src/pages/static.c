/*
 * static.c: the theme's static files under fingerprinted names (cached for a
 * year: a changed file gets a new name), and robots.txt.
 */
#include <string.h>

#include "pages.h"

int page_static(kb_req *r)
{
	const char *data, *type;
	size_t len;
	if (site_static(r->param[0], &data, &len, &type))
		return 404;
	kb_buf_append(&r->body, data, len);
	r->content_type = type;
	r->max_age = 31536000;
	return 200;
}

int page_robots(kb_req *r)
{
	kb_buf_puts(&r->body, "User-agent: *\nDisallow: /newsroom\n");
	r->content_type = "text/plain; charset=utf-8";
	r->max_age = 3600;
	return 200;
}
