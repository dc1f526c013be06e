/*
 * http.h: what page code sees of HTTP. A kb_req carries the parsed request
 * (method, decoded path, query, route parameters), the thread's store
 * handle and the response being built; page functions fill the response and
 * return a status. They never see libh2o, sockets or headers on the wire:
 * server.c turns the result into bytes, and router.c applies the shared rules
 * (method, role, CSRF, caching) before any handler runs.
 */
#ifndef KB_HTTP_H
#define KB_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"
#include "../db/store.h"

typedef struct kb_req kb_req;
typedef int (*kb_handler)(kb_req *r);

/* Route flags: the dispatcher enforces them, so a handler cannot forget. */
enum {
	R_CACHE = 1 << 0, /* GET response kept in the page cache */
	R_AUTH = 1 << 1,  /* needs a logged-in user with at least .role */
	R_CSRF = 1 << 2,  /* POST must carry the session's CSRF token */
	R_CORS = 1 << 3,  /* GET/HEAD answer with access-control-allow-origin: * */
};

enum { ROLE_NONE = 0, ROLE_REPORTER, ROLE_EDITOR, ROLE_ADMIN };

typedef struct kb_route {
	const char *method;  /* "GET" also answers HEAD */
	const char *pattern; /* "/news/{slug}": {name} matches one segment */
	kb_handler fn;
	unsigned flags;
	int role;		 /* with R_AUTH */
	const char *cache_query; /* query parameters in the cache key: "page" or "a,b,c" */
	int max_age;		 /* Cache-Control max-age, seconds */
} kb_route;

#define KB_MAX_PARAMS 4

struct kb_req {
	kb_arena arena; /* everything per request; freed after the response */
	const char *method;
	const char *path; /* percent-decoded, valid UTF-8, NUL-terminated */
	size_t path_len;
	const char *query; /* raw query string without '?', "" if none */
	const char *param[KB_MAX_PARAMS];
	size_t nparam;
	const kb_route *route;
	store *db;
	int64_t version; /* content version the response is built from */

	/* The response. A handler returning an error status gets the theme's
	 * error page, unless it set content_type and a body of its own (the
	 * JSON API's error objects). */
	int status;
	const char *content_type; /* default text/html; charset=utf-8 */
	kb_buf body;
	const char *location; /* for 3xx */
	int max_age;	      /* -1: no-store */

	void *raw; /* the server's own request object */
};

/* The route table and the error page, both defined by src/pages. */
extern const kb_route kb_routes[];
extern const size_t kb_nroutes;
/* Fills r's body with the page for an error status (404, 500...). */
void page_error(kb_req *r, int status);

/* Returns the decoded value of query parameter name (arena-allocated), or
 * NULL when absent or not valid UTF-8. */
const char *req_query(kb_req *r, const char *name);
/* Like req_query, but tells a bad value from an absent one: returns -1 when
 * the parameter is there but undecodable or not UTF-8 (the caller answers
 * 400), else 0 with the value or NULL in *out. */
int req_query_check(kb_req *r, const char *name, const char **out);
/* Returns a request header's value (arena-allocated), or NULL. name is
 * lower-case; "host" gives the request's authority (Host or :authority). */
const char *req_header(kb_req *r, const char *name);

/* The request body (h2o's entity, at most the server's max_body bytes):
 * its bytes and length; "" and 0 when there is none. Not NUL-terminated
 * beyond *len. */
const char *req_body(kb_req *r, size_t *len);

/*
 * Finds the route for method and path. Fills r->param. Returns the route,
 * or NULL with *allowed set to 1 when the path exists under another method
 * (the caller answers 405).
 */
const kb_route *router_match(const kb_route *routes, size_t n, const char *method,
			     const char *path, size_t len, kb_req *r, int *allowed);

/* Server options for "khabar serve". */
typedef struct server_opts {
	const char *listen; /* "127.0.0.1:8080" */
	const char *db_path;
	const char *theme_dir; /* NULL: built-in theme */
	const char *access_log; /* path, "-" for stdout, "" for none */
	int threads;		 /* 0: number of cores */
	size_t cache_bytes;
	size_t max_body;
} server_opts;

/* Runs the server until SIGTERM/SIGINT; returns the exit status. */
int server_run(const server_opts *o);

/* Tells every thread that content changed (after an in-process write). */
void server_content_changed(store *st);

#endif
