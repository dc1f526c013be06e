/*
 * routes.c: "khabar routes" prints every URL the server answers, one route
 * a line, tab-separated: method, pattern, flags, least role, the query
 * inputs it declares (a cached route's cache key), its form fields, and
 * its max-age. It reads the route table
 * itself (src/app/routes.c), so what it prints is what the dispatcher
 * applies; the HTTP tests walk it.
 */
#include <stdio.h>
#include <string.h>

#include "../app/app.h"
#include "cli.h"

static const struct {
	unsigned flag;
	const char *name;
} flag_names[] = {
	{R_CACHE, "cache"},
	{R_AUTH, "auth"},
	{R_CSRF, "csrf"},
	{R_CORS, "cors"},
	{R_PUBLIC_JSON, "public-json"},
	{R_STALE_FORM, "stale-form"},
	{R_SECRET_PATH, "secret-path"},
	{R_NEWSROOM, "newsroom"},
	{R_JSON, "json"},
	{R_SIGNED_LINK, "signed-link"},
};

int cmd_routes(int argc, char **argv)
{
	if (argc > 2) {
		fprintf(stderr, "usage: khabar routes   (prints the route table: method, pattern, flags, "
				"role, query inputs, form fields, max-age)\n");
		return 2;
	}
	for (size_t i = 0; i < app_nroutes; i++) {
		const kb_route *rt = &app_routes[i];
		printf("%s\t%s\t", rt->method, rt->pattern);
		int any = 0;
		for (size_t f = 0; f < KB_COUNT(flag_names); f++)
			if (rt->flags & flag_names[f].flag)
				printf("%s%s", any++ ? "," : "", flag_names[f].name);
		printf("%s\t%s\t", any ? "" : "-", rt->flags & R_AUTH ? store_role_name(rt->role) : "-");
		for (size_t q = 0; q < KB_MAX_INPUTS && rt->query[q].name; q++)
			printf("%s%s", q ? "," : "", rt->query[q].name);
		printf("%s\t", rt->query[0].name ? "" : "-");
		for (const kb_input *f = rt->form; f && f->name; f++)
			printf("%s%s", f == rt->form ? "" : ",", f->name);
		printf("%s\t%d\n", rt->form && rt->form->name ? "" : "-", rt->max_age);
	}
	return 0;
}
