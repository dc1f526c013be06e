/*
 * router.c: matches a request path against the route table. Patterns are
 * literal segments and {name} placeholders, each matching one non-empty
 * segment, or the non-empty start of one when a literal follows it in the
 * segment ("/{key}.txt" takes "abc" of "/abc.txt"). The table is small (tens of routes), so a linear scan is the
 * simplest thing that is fast enough.
 */
#include <string.h>

#include "http.h"

/* Matches path against pattern, filling r->param. Returns 1 on a match. */
static int match(const char *pat, const char *path, size_t len, kb_req *r)
{
	size_t np = 0, i = 0;
	const char *p = pat;
	while (*p) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			if (!close)
				return 0;
			size_t start = i;
			while (i < len && path[i] != '/')
				i++;
			/* A literal after the placeholder in its segment ends
			 * the segment: the placeholder takes what comes before. */
			size_t tail = strcspn(close + 1, "/{");
			if (i - start < tail || memcmp(path + i - tail, close + 1, tail))
				return 0;
			i -= tail;
			if (i == start || np == KB_MAX_PARAMS)
				return 0;
			if (r)
				r->param[np] = kb_arena_strndup(&r->arena, path + start, i - start);
			np++;
			p = close + 1;
		} else {
			if (i >= len || path[i] != *p)
				return 0;
			i++, p++;
		}
	}
	if (i != len)
		return 0;
	if (r)
		r->nparam = np;
	return 1;
}

const kb_route *router_match(const kb_route *routes, size_t n, const char *method, const char *path,
			     size_t len, kb_req *r, int *allowed)
{
	int is_head = !strcmp(method, "HEAD");
	*allowed = 0;
	for (size_t i = 0; i < n; i++) {
		const kb_route *rt = &routes[i];
		int same = !strcmp(rt->method, method) || (is_head && !strcmp(rt->method, "GET"));
		if (!match(rt->pattern, path, len, NULL))
			continue;
		if (!same) {
			*allowed = 1;
			continue;
		}
		match(rt->pattern, path, len, r);
		return rt;
	}
	return NULL;
}

const kb_route *router_lookup(const kb_route *routes, size_t n, const char *path, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (match(routes[i].pattern, path, len, NULL))
			return &routes[i];
	return NULL;
}

int router_is_newsroom(const kb_route *rt)
{
	return (rt->flags & (R_NEWSROOM | R_AUTH | R_CSRF)) != 0;
}

int router_guard(const kb_route *rt, const char *method, int role, int csrf_ok, int *token_only)
{
	int post = !strcmp(method, "POST");
	if (token_only)
		*token_only = 0;
	if ((rt->flags & R_AUTH) && role == ROLE_NONE)
		return 401;
	if ((rt->flags & R_AUTH) && role < rt->role)
		return 403;
	/* The unit tests check that every POST route has R_CSRF. */
	if (post && (rt->flags & R_CSRF) && !csrf_ok) {
		if (token_only)
			*token_only = 1;
		return 403;
	}
	return 0;
}
