/*
 * dispatch.c: what a request gets. dispatch() is libh2o's handler for
 * every path but /media:
 *
 *   bounds on the head -> decode and check the path -> WordPress query
 *   redirects -> router_match (405, old paths, trailing slashes, 404) ->
 *   check_rules: declared query inputs, the session (newsroom routes), the
 *   body limit and the form, R_PUBLIC_JSON's origin checks, router_guard
 *   (role, CSRF), then the declared form fields -> the page cache (key:
 *   the path and the declared query inputs) or the handler -> send.c.
 *
 * Errors are pages made by server_opts.error_page (a JSON error when the
 * handler wrote one), never kept in the page cache; a database out of
 * reach is a 503 that says so. The rules live in the route table
 * (http.h's kb_route); this file applies them, once, in this order.
 */
#define H2O_USE_LIBUV 0
#include <h2o.h>

#include <stdatomic.h>
#include <string.h>
#include <strings.h>

#include "../render/cache.h"
#include "../render/escape.h"
#include "edge.h"
#include "header.h"
#include "http.h"
#include "json.h"
#include "metrics.h"
#include "request.h"
#include "send.h"
#include "server_int.h"
#include "session.h"

/* The most bytes a request line and headers may take. */
#define MAX_HEAD (16 * 1024)

/* Renders the error page for status into r and makes it an entry. */
static cache_entry *error_entry(kb_req *r, int status);

/* The entry for r's body as an error of status, never kept in the page
 * cache: private when asked or when the response must be, else public
 * for 10 seconds, named "any text" (and the route's kind) at the edge,
 * so any change purges it (a story's 404 until it is published). */
static cache_entry *error_make(kb_req *r, int status, const char *type, int private)
{
	private = private || send_private(r);
	cache_deps d = {.keys = private ? NULL
					: edge_keys(&r->arena, r->route ? r->route->edge : NULL, NULL, 0)};
	return cache_make(g_cache, "", 0, 0, status, type, kb_buf_str(&r->body), r->body.len, r->version,
			  private ? -1 : 10, &d);
}

/* The entry for an error status: the body the handler (or a check) wrote
 * with its own type (a JSON error), never cached, or else the error
 * page. */
static cache_entry *status_entry(kb_req *r, int status)
{
	/* The database is out of reach (restarting, say): a 503 that says
	 * so and when to try again, instead of a 500. A write that failed so
	 * was rolled back whole: nothing of it is kept. */
	if (status >= 500 && r->db && store_unavailable(r->db)) {
		status = 503;
		send_add_str(r->raw, "retry-after", "5");
		r->max_age = -1;
		if (r->content_type && !strncmp(r->content_type, "text/plain", 10) && r->body.len) {
			/* A plain text answer says what failed (/healthz). */
		} else if (r->content_type && strstr(r->content_type, "json")) {
			kb_buf_reset(&r->body);
			req_json_error(r, 503,
				       "the database cannot be reached just now; try again in a few seconds");
		} else {
			kb_buf_reset(&r->body);
			r->content_type = NULL;
			r->error_text = strcmp(r->method, "POST")
						? "डेटाबेस से संपर्क अभी टूटा हुआ है। कुछ सेकंड बाद पेज फिर खोलें।"
						: "डेटाबेस से संपर्क अभी टूटा हुआ है, इसलिए आपका बदलाव सहेजा नहीं गया। "
						  "कुछ सेकंड बाद फिर भेजें।";
		}
	}
	if (!(r->content_type && r->body.len))
		return error_entry(r, status);
	return error_make(r, status, r->content_type, r->max_age < 0);
}

/* Renders the error page for status into r and makes it an entry. */
static cache_entry *error_entry(kb_req *r, int status)
{
	kb_buf_reset(&r->body);
	r->content_type = NULL;
	g_opts->error_page(r, status);
	/* Newsroom errors are for one person: never kept by a proxy
	 * (error_make's private_response). */
	return error_make(r, status, "text/html; charset=utf-8", 0);
}

/*
 * Appends to key the values of the query inputs the route declares, in
 * the order it declares them, as "?name=value&..." with
 * each value percent-encoded, so no two parameter sets give the same key.
 * Absent parameters add nothing. Returns -1 when one of them is present but
 * undecodable (check_inputs answered 400 for it already).
 */
static int cache_key_query(kb_req *r, kb_buf *key)
{
	char sep = '?';
	for (size_t i = 0; i < KB_MAX_INPUTS && r->route->query[i].name; i++) {
		const char *name = r->route->query[i].name, *v;
		if (req_query_check(r, name, &v))
			return -1;
		if (v) {
			kb_buf_printf(key, "%c%s=", sep, name);
			url_encode(key, v, strlen(v));
			sep = '&';
		}
	}
	return 0;
}
/* The target of a redirect stored for the request's path, with a trailing
 * slash ignored (old WordPress URLs end in one), or NULL. */
static const char *path_redirect(kb_req *r, int *code)
{
	size_t n = r->path_len;
	while (n > 1 && r->path[n - 1] == '/')
		n--;
	const char *p = n == r->path_len ? r->path : kb_arena_strndup(&r->arena, r->path, n);
	const char *target;
	if (store_redirect_find(r->db, &r->arena, p, &target, code) != STORE_OK)
		return NULL;
	return target;
}

/* The target of a redirect stored as "/?p=ID" (or page_id, cat, tag,
 * author, feed) for a request of "/" with that parameter, or NULL. */
static const char *query_redirect(kb_req *r, int *code)
{
	static const char *const names[] = {"p", "page_id", "cat", "tag", "author", "feed"};
	for (size_t i = 0; i < KB_COUNT(names); i++) {
		const char *v, *target;
		if (req_query_check(r, names[i], &v) || !v || !*v)
			continue;
		const char *key = kb_arena_printf(&r->arena, "/?%s=%s", names[i], v);
		if (store_redirect_find(r->db, &r->arena, key, &target, code) == STORE_OK)
			return target;
	}
	return NULL;
}

/* Whether the browser says the request comes from the site's own pages
 * (Sec-Fetch-Site same-origin, or none: typed by the user); a client that
 * sends no such header is taken at its word. */
static int from_own_site(kb_req *r)
{
	const char *site = req_header(r, "sec-fetch-site");
	return !site || !strcmp(site, "same-origin") || !strcmp(site, "none");
}

/*
 * R_PUBLIC_JSON: a reader's POST without a session (push subscriptions)
 * must be JSON (415), which no cross-site form can send, and come from the
 * site's own pages (403): Sec-Fetch-Site, when sent, same-origin, and an
 * Origin that is exactly base_url's (browsers send Origin on every POST;
 * the Host header is not trusted, since a proxy or DNS rebinding makes it
 * anything). The refusal is a JSON error object for a developer, as the
 * routes' own errors are. Returns 0 to go on, or the status written.
 */
static int public_json_check(kb_req *r)
{
	r->max_age = -1;
	const char *ct = req_header(r, "content-type");
	if (!ct || strncasecmp(ct, "application/json", 16) || (ct[16] && ct[16] != ';' && ct[16] != ' '))
		return req_json_error(r, 415, "Content-Type must be application/json");
	if (!from_own_site(r))
		return req_json_error(r, 403, "requests must come from the site's own pages");
	const char *origin = req_header(r, "origin"), *own = req_site_origin(r);
	if (!origin)
		return req_json_error(
			r, 403,
			kb_arena_printf(&r->arena, "the Origin header is required (this site's is %s)", own));
	if (!*own || strcasecmp(origin, own))
		return req_json_error(
			r, 403, kb_arena_printf(&r->arena, "the Origin header is not this site's (%s)", own));
	return 0;
}

/*
 * Applies the shared rules of a route before its handler: the session, the
 * body limit, the form, then role and CSRF (router_guard). Returns 0 to go
 * on, or a status; for 401 on a GET, r->location is the login page.
 */
/* The route's declared query inputs: each present one must decode to
 * UTF-8 and pass its validator. Returns 0, or 400 (a JSON error on R_JSON
 * routes). */
static int check_inputs(kb_req *r)
{
	const kb_route *rt = r->route;
	for (size_t i = 0; i < KB_MAX_INPUTS && rt->query[i].name; i++) {
		const char *v;
		int bad = req_query_check(r, rt->query[i].name, &v);
		if (!bad && v && rt->query[i].valid && !rt->query[i].valid(v))
			bad = 1;
		if (!bad)
			continue;
		if (rt->flags & R_JSON)
			return req_json_error(r, 400,
					      kb_arena_printf(&r->arena, "%s is not valid%s",
							      rt->query[i].name, v ? "" : " UTF-8"));
		r->error_text =
			kb_arena_printf(&r->arena, "पते में \"%s\" का मान सही नहीं है।", rt->query[i].name);
		return 400;
	}
	return 0;
}

int input_flag(const char *v)
{
	return !strcmp(v, "0") || !strcmp(v, "1");
}

int input_id(const char *v)
{
	size_t n = strspn(v, "0123456789");
	return !v[n] && n <= 18;
}

/* The route's declared form fields that have a validator: a text field
 * present must pass it (a file part is the handler's to check). Returns
 * 0, or 400 (JSON on R_JSON routes). Runs once the guards let the POST
 * through, so a stranger learns nothing of a form from its errors. */
static int check_form(kb_req *r)
{
	for (const kb_input *f = r->route->form; f && f->name; f++) {
		const kb_form_field *v = f->valid ? form_get(&r->form, f->name) : NULL;
		if (!v || v->filename || f->valid(v->value))
			continue;
		if (r->route->flags & R_JSON)
			return req_json_error(r, 400, kb_arena_printf(&r->arena, "%s is not valid", f->name));
		r->error_text = kb_arena_printf(&r->arena, "फ़ॉर्म में \"%s\" का मान सही नहीं है।", f->name);
		return 400;
	}
	return 0;
}

static int check_rules(kb_req *r)
{
	const kb_route *rt = r->route;
	h2o_req_t *req = r->raw;
	int post = !strcmp(r->method, "POST");
	int refused = check_inputs(r);
	if (refused)
		return refused;
	if (router_is_newsroom(r->route) && session_load(r)) {
		kb_warn("cannot read session: %s", store_errmsg(r->db));
		return 500;
	}
	if (post) {
		size_t limit = rt->max_body ? rt->max_body : KB_MAX_BODY;
		if (req->entity.len > limit)
			return 413;
		const char *type = req_header(r, "content-type");
		int bad = 0;
		if (type && !strncasecmp(type, "application/x-www-form-urlencoded", 33))
			bad = form_parse_urlencoded(&r->arena, req->entity.base, req->entity.len, &r->form);
		else if (type && !strncasecmp(type, "multipart/form-data", 19))
			bad = form_parse_multipart(&r->arena, type, req->entity.base, req->entity.len,
						   &r->form);
		if (bad) {
			r->error_text = "भेजा गया फ़ॉर्म पढ़ा नहीं जा सका। पेज दोबारा खोलकर फिर कोशिश करें।";
			return 400;
		}
	}
	if (post && (rt->flags & R_PUBLIC_JSON)) {
		if ((refused = public_json_check(r)))
			return refused;
	}
	int csrf_ok = post ? session_csrf_ok(r) : 1, token_only;
	int status = router_guard(rt, r->method, r->user.role, csrf_ok, &token_only);
	/* Only the token failed, on a reader's form sent from the site's own
	 * page (a stale tab): the handler shows the form again. A cross-site
	 * POST gets the plain 403, not a form filled in by another site. */
	if (token_only && (rt->flags & R_STALE_FORM) && from_own_site(r)) {
		r->stale_form = 1;
		return 0;
	}
	if (status == 401 && !post) {
		kb_buf loc = {0};
		kb_buf_puts(&loc, "/newsroom/login?next=");
		url_encode(&loc, r->path, r->path_len);
		r->location = kb_buf_to_arena(&r->arena, &loc);
		return 303;
	}
	if (status == 401 || token_only) {
		/* Logged out, or the form's token is stale. */
		/* A reader's form (no login there) is only ever stale. */
		r->error_text = r->session || !(rt->flags & R_AUTH)
					? "यह फ़ॉर्म पुराना हो गया है या किसी और साइट से भेजा गया है। "
					  "पेज दोबारा खोलकर फिर कोशिश करें।"
					: "आप लॉग इन नहीं हैं, या फ़ॉर्म पुराना हो गया है। कृपया दोबारा "
					  "लॉग इन करके फिर कोशिश करें।";
		return 403;
	}
	if (status == 403)
		r->error_text = "आपकी भूमिका में यह काम करने की अनुमति नहीं है।";
	if (!status && post)
		status = check_form(r);
	return status;
}

/* Adds the handler's extra headers (cookies) to the response. */
static void add_extra(h2o_req_t *req, kb_req *r)
{
	for (size_t i = 0; i < r->nheaders; i++)
		send_add_str(req, r->headers[i].name, r->headers[i].value);
}

/* The access log writes the request line as it came (h2o's %r reads
 * req->input.path); for a path that holds a secret it gets the route's
 * pattern instead, also when a trailing slash kept the route from
 * matching. */
static void hide_secret_path(kb_req *r)
{
	size_t n = r->path_len;
	while (n > 1 && r->path[n - 1] == '/')
		n--;
	const kb_route *rt = r->route ? r->route : router_lookup(g_opts->routes, g_opts->nroutes, r->path, n);
	if (!rt || !(rt->flags & R_SECRET_PATH))
		return;
	/* The pattern with ":name" for each {name} (the log escapes braces),
	 * in the request's pool: the log line is written after r is gone. */
	h2o_req_t *req = r->raw;
	size_t len = strlen(rt->pattern);
	char *p = h2o_mem_alloc_pool(&req->pool, len), *o = p;
	for (const char *c = rt->pattern; *c; c++)
		if (*c == '{')
			*o++ = ':';
		else if (*c != '}')
			*o++ = *c;
	req->input.path = h2o_iovec_init(p, (size_t)(o - p));
}

int dispatch(h2o_handler_t *self, h2o_req_t *req)
{
	metrics_begin(kb_mono_ns());
	kb_req r = {0};
	r.raw = req;
	r.db = t_db;
	r.version = atomic_load(&g_version);
	r.max_age = 60;
	r.method = kb_arena_strndup(&r.arena, req->method.base, req->method.len);
	size_t plen = req->query_at != SIZE_MAX ? req->query_at : req->path.len;
	r.query = req->query_at != SIZE_MAX ? kb_arena_strndup(&r.arena, req->path.base + req->query_at + 1,
							       req->path.len - req->query_at - 1)
					    : "";
	cache_entry *e = NULL;
	kb_buf path = {0};
	int allowed = 0;

	/* h2o bounds a request's head only while it arrives in pieces; the
	 * same limit applies to one that came in a single read. */
	size_t head = req->path.len;
	for (size_t i = 0; i < req->headers.size; i++)
		head += req->headers.entries[i].name->len + req->headers.entries[i].value.len + 4;
	if (head > MAX_HEAD) {
		e = error_entry(&r, 431);
		goto send;
	}

	/* Paths are matched decoded, so /%E0%A4... and /%e0%a4... are the same
	 * path; what cannot be decoded or is not UTF-8 is refused here. */
	if (url_decode(&path, req->path.base, plen, 0) || !path.len || path.data[0] != '/' ||
	    !kb_utf8_valid(path.data, path.len, NULL) || memchr(path.data, 0, path.len)) {
		e = error_entry(&r, 400);
		goto send;
	}
	r.path = kb_arena_strndup(&r.arena, path.data, path.len);
	r.path_len = path.len;

	int get = !strcmp(r.method, "GET") || !strcmp(r.method, "HEAD");
	const char *moved;
	int code;
	/* WordPress's query URLs (/?p=123, /?cat=4...) are redirects, looked
	 * up before the home page (and its cache) answers "/". */
	if (get && r.path_len == 1 && *r.query && (moved = query_redirect(&r, &code))) {
		send_redirect(&r, code, moved, 1, 3600);
		goto done;
	}

	r.route = router_match(g_opts->routes, g_opts->nroutes, r.method, r.path, r.path_len, &r, &allowed);
	hide_secret_path(&r);
	metrics_note(r.route, -1);
	if (!r.route) {
		if (allowed) {
			send_add(req, H2O_TOKEN_ALLOW, "GET, HEAD");
			e = error_entry(&r, 405);
		} else if (get && (moved = path_redirect(&r, &code))) {
			/* Old paths first, so /old-post/ moves in one hop. */
			send_redirect(&r, code, moved, 1, 3600);
			goto done;
		} else if (get && r.path_len > 1 && r.path[r.path_len - 1] == '/' &&
			   http_location(&r.arena, kb_arena_strndup(&r.arena, r.path, r.path_len - 1), "",
					 1)) {
			/* One URL per page: /news/x/ -> /news/x. Not for "//host/"
			 * (or "/%2Fhost/"), which would send the reader away. */
			send_redirect(&r, 301, kb_arena_strndup(&r.arena, r.path, r.path_len - 1), 1, 3600);
			goto done;
		} else {
			e = error_entry(&r, 404);
		}
		goto send;
	}
	int status = check_rules(&r);
	if (status == 303 && r.location) {
		add_extra(req, &r);
		send_redirect(&r, 303, r.location, 0, -1);
		goto done;
	}
	if (status) {
		e = status_entry(&r, status);
		add_extra(req, &r);
		goto send;
	}

	if ((r.route->flags & R_CORS) && strcmp(r.method, "POST")) {
		send_add_str(req, "access-control-allow-origin", "*");
		send_add_str(req, "access-control-expose-headers", "ETag");
	}

	/* The cache key is the path plus the query values the route declares,
	 * so ?utm_source=... does not make a new page. */
	kb_buf key = {0};
	int cacheable = (r.route->flags & R_CACHE) && strcmp(r.method, "POST");
	if (cacheable) {
		kb_buf_append(&key, r.path, r.path_len);
		if (cache_key_query(&r, &key))
			cacheable = 0;
		else
			e = cache_get(g_cache, key.data, key.len, r.version);
		send_add_str(req, "x-khabar-cache", e ? "hit" : "miss");
		metrics_note(r.route, e != NULL);
	}
	if (!e) {
		r.max_age = r.route->max_age ? r.route->max_age : 60;
		cache_deps deps = {.gen = cache_generation(g_cache)};
		status = r.route->fn(&r);
		/* A write here is seen by the next request at once. */
		if (!strcmp(r.method, "POST"))
			server_content_changed(r.db);
		if (send_private(&r))
			r.max_age = -1;
		add_extra(req, &r);
		if (status >= 300 && status < 400 && r.location) {
			send_redirect(&r, status, r.location, 0, r.max_age);
			kb_buf_free(&key);
			goto done;
		}
		if (status == 404 && get && (moved = path_redirect(&r, &code))) {
			/* A route's pattern matched an old path (/category/देश):
			 * the redirects table knows where it went. */
			send_redirect(&r, code, moved, 1, 3600);
			kb_buf_free(&key);
			goto done;
		}
		if (status != 200) {
			e = status_entry(&r, status);
		} else {
			deps.tags = r.deps;
			deps.n = r.ndeps;
			if (r.max_age >= 0)
				deps.keys = edge_keys(&r.arena, r.route->edge, r.deps, r.ndeps);
			e = cache_make(g_cache, kb_buf_str(&key), key.len, cacheable, 200,
				       r.content_type ? r.content_type : "text/html; charset=utf-8",
				       kb_buf_str(&r.body), r.body.len, r.version, r.max_age, &deps);
		}
	}
	kb_buf_free(&key);
send:
	send_entry(req, g_cache, e);
done:
	metrics_answered(req->res.status); /* if nothing above counted it */
	kb_buf_free(&path);
	kb_buf_free(&r.body);
	kb_arena_free(&r.arena);
	return 0;
}
