/*
 * server.c: khabar's glue to libh2o. It owns the listening socket, one event
 * loop per worker thread, the page cache, graceful shutdown and the access
 * log, and turns a kb_req (http.h) into a response on the wire. What it
 * hides from page code: h2o types, headers, compression, ETags and 304s.
 *
 * Request path: on_req -> decode and check the path -> router_match ->
 * newsroom routes: session from the cookie, body limit, form parsing ->
 * shared rules (router_guard: role, CSRF) -> page cache or handler -> send.
 *
 * Off the request path, thread 0 applies the changes log to the cache
 * (every 0.2 s); every other background job is the caller's, handed over
 * in server_opts.jobs and run by jobs.c. The server knows no page: the
 * route table and the error page come in server_opts too (src/app/), and
 * so does whoever is told of each change after the cache (on_change: the
 * edge purge).
 *
 * Caches in front: every response says whether it is public (the route
 * is, no session, no cookie set, not a POST) or private, no-store; a
 * public one names what it shows as edge keys (edge.h) in xkey,
 * Surrogate-Key and Cache-Tag.
 */
#define H2O_USE_LIBUV 0
#include <h2o.h>

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../render/cache.h"
#include "../render/escape.h"
#include "edge.h"
#include "header.h"
#include "http.h"
#include "jobs.h"
#include "json.h"
#include "request.h"
#include "session.h"

/* The most bytes a request line and headers may take. */
#define MAX_HEAD (16 * 1024)

static h2o_globalconf_t g_conf;
static cache *g_cache;
static const server_opts *g_opts;
static atomic_int g_stop;
static _Atomic int64_t g_version;
static _Thread_local store *t_db;
/* The changes log: the last seq applied to the cache, under g_changes_mu
 * (any thread may apply changes after its own write). */
static pthread_mutex_t g_changes_mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t g_seq;
/* The background jobs (jobs.h): started before the workers, stopped
 * after them, so requests always find them. */
static job_runner *g_jobs;

/* Tells server_opts.on_change of tags[0..n) (n 0: everything). */
static void tell_change(const char *const *tags, size_t n)
{
	if (g_opts && g_opts->on_change)
		g_opts->on_change(tags, n);
}

void server_content_changed(store *st)
{
	/* Several threads call this with their own connections; one that read
	 * an older version must not move it back (entries built before a
	 * site-wide change would count as current again). The one that
	 * moves it tells of the change. */
	int64_t v = store_content_version(st), cur = atomic_load(&g_version);
	while (v > cur) {
		if (atomic_compare_exchange_weak(&g_version, &cur, v)) {
			tell_change(NULL, 0);
			break;
		}
	}
	if (!g_cache)
		return;
	pthread_mutex_lock(&g_changes_mu);
	for (;;) {
		kb_arena a = {0};
		const char **tags;
		int64_t *seqs, first;
		size_t n;
		if (store_changes_since(st, &a, g_seq, 1000, &tags, &seqs, &n, &first)) {
			kb_warn("cannot read the changes log: %s", store_errmsg(st));
			kb_arena_free(&a);
			break;
		}
		if (first > g_seq + 1 && n) {
			/* Changes were pruned before this server saw them
			 * (it was stopped or stalled): start afresh. */
			cache_clear(g_cache);
			tell_change(NULL, 0);
		} else if (n) {
			cache_drop_tags(g_cache, tags, n);
			tell_change(tags, n);
		}
		if (n)
			g_seq = seqs[n - 1];
		kb_arena_free(&a);
		if (n < 1000)
			break;
	}
	pthread_mutex_unlock(&g_changes_mu);
}

/* On PostgreSQL, the server's own job: other processes' changes arrive as
 * notices (LISTEN), each followed by one look at the log, so nothing
 * polls. After a lost connection the cache starts afresh: what was
 * announced meanwhile is gone. */
static int listen_step(store *st)
{
	int rc = store_wait_change(st, 1000);
	if (rc == STORE_ERROR) {
		kb_warn("%s (trying again)", store_errmsg(st));
		return -1;
	}
	if (rc == STORE_LISTENING_AGAIN) {
		kb_info("listening for changes again: the page cache starts afresh");
		cache_clear(g_cache);
		tell_change(NULL, 0);
	}
	if (rc)
		server_content_changed(st);
	return 1; /* it waited already */
}

static const server_job listen_job = {"changes", listen_step, 1000};
static job_runner *g_listen;

void server_wake(const char *job)
{
	jobs_wake(g_jobs, job);
}

/* ---- sending ---- */

/*
 * The one place a response header is added: by h2o token t, or by name.
 * A value with a control byte (CR, LF...) would end the header line and
 * add headers of its own; it is refused here, whoever built it, and the
 * response goes out without it. h2o keeps a pointer to the value, so it
 * is copied into the request's pool: a value in a buffer on the stack,
 * or in a cache entry released before the response is written, stays.
 */
static void put_header(h2o_req_t *req, const h2o_token_t *t, const char *name, const char *v)
{
	size_t n = strlen(v);
	if (!http_value_ok(v, n) || (!t && !http_name_ok(name, strlen(name)))) {
		kb_warn("refusing a response header %s with control bytes or a bad name",
			t ? t->buf.base : "(by name)");
		return;
	}
	const char *copy = h2o_strdup(&req->pool, v, n).base;
	if (t)
		h2o_add_header(&req->pool, &req->res.headers, t, NULL, copy, n);
	else
		h2o_add_header_by_str(&req->pool, &req->res.headers, name, strlen(name), 0, NULL, copy, n);
}

static void add(h2o_req_t *req, const h2o_token_t *t, const char *v)
{
	put_header(req, t, NULL, v);
}

static void add_str(h2o_req_t *req, const char *name, const char *v)
{
	put_header(req, NULL, name, v);
}

static void set_status(h2o_req_t *req, int status)
{
	req->res.status = status;
	req->res.reason = http_reason(status);
}

static int accepts_gzip(h2o_req_t *req)
{
	ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_ACCEPT_ENCODING, -1);
	if (i < 0)
		return 0;
	h2o_iovec_t v = req->headers.entries[i].value;
	return memmem(v.base, v.len, "gzip", 4) != NULL;
}

/* Whether If-None-Match lists etag (or is "*"). */
static int etag_matches(h2o_req_t *req, const char *etag)
{
	ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_IF_NONE_MATCH, -1);
	if (i < 0)
		return 0;
	h2o_iovec_t v = req->headers.entries[i].value;
	size_t n = strlen(etag);
	if (v.len == 1 && v.base[0] == '*')
		return 1;
	/* Quoted ETags cannot contain commas; a substring match is exact
	 * enough, and also accepts the weak form W/"..." sent back by
	 * proxies that recompress. */
	return memmem(v.base, v.len, etag, n) != NULL;
}

typedef struct hold {
	cache_entry *e;
} hold;

static void hold_dispose(void *p)
{
	cache_release(((hold *)p)->e);
}

static void common_headers(h2o_req_t *req)
{
	add_str(req, "x-content-type-options", "nosniff");
	add_str(req, "referrer-policy", "strict-origin-when-cross-origin");
}

/* Cache-Control for a response of status kept max_age seconds (-1:
 * private), and for a public one its edge keys (space-separated; NULL or
 * "": none) in the three headers the caches in front read: xkey
 * (Varnish), Surrogate-Key (Fastly and its kind) and Cache-Tag
 * (Cloudflare and its kind, comma-separated). */
static void cache_headers(h2o_req_t *req, int max_age, int status, const char *keys)
{
	char cc[160];
	edge_cache_control(cc, sizeof cc, max_age, status);
	add(req, H2O_TOKEN_CACHE_CONTROL, cc);
	if (max_age < 0 || !keys || !*keys)
		return;
	add_str(req, "xkey", keys);
	add_str(req, "surrogate-key", keys);
	kb_arena a = {0};
	add_str(req, "cache-tag", edge_cache_tag(&a, keys));
	kb_arena_free(&a);
}

/* Sends entry e (taking over the caller's reference). */
static void send_entry(h2o_req_t *req, cache_entry *e)
{
	common_headers(req);
	if (e->status == 200 && etag_matches(req, e->etag)) {
		set_status(req, 304);
		add(req, H2O_TOKEN_ETAG, e->etag);
		cache_headers(req, e->max_age, e->status, e->keys);
		cache_release(e);
		h2o_send_inline(req, "", 0);
		return;
	}
	set_status(req, e->status);
	add(req, H2O_TOKEN_CONTENT_TYPE, e->content_type);
	cache_headers(req, e->max_age, e->status, e->keys);
	if (e->status == 200)
		add(req, H2O_TOKEN_ETAG, e->etag);
	if (strstr(e->content_type, "text/html"))
		add_str(req, "content-security-policy",
			"default-src 'self'; img-src 'self' data:; object-src 'none'; "
			"base-uri 'self'; frame-ancestors 'self'; form-action 'self'");
	h2o_iovec_t body = h2o_iovec_init(e->body, e->len);
	if (e->gz) {
		add(req, H2O_TOKEN_VARY, "accept-encoding");
		if (accepts_gzip(req)) {
			add(req, H2O_TOKEN_CONTENT_ENCODING, "gzip");
			body = h2o_iovec_init(e->gz, e->gzlen);
		}
	}
	req->res.content_length = body.len;
	if (h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD"))) {
		cache_release(e);
		static h2o_generator_t head_gen = {NULL, NULL};
		h2o_start_response(req, &head_gen);
		h2o_send(req, NULL, 0, H2O_SEND_STATE_FINAL);
		return;
	}
	/* Zero copy: the entry stays referenced until the request's pool is
	 * cleared, which happens after the bytes are written. */
	hold *h = h2o_mem_alloc_shared(&req->pool, sizeof *h, hold_dispose);
	h->e = e;
	static h2o_generator_t generator = {NULL, NULL};
	h2o_start_response(req, &generator);
	h2o_send(req, &body, 1, H2O_SEND_STATE_FINAL);
}

/* Whether a route is the newsroom's: it gets sessions, form parsing and
 * private caching. */
static int is_newsroom(kb_req *r)
{
	return r->route->flags & (R_NEWSROOM | R_AUTH | R_CSRF);
}

/* Whether a response must be private, no-store whatever its route says:
 * it answers a POST, comes from a newsroom route (which reads the
 * session), or sets a cookie. The one rule for every way out. */
static int private_response(kb_req *r)
{
	if (!strcmp(r->method, "POST") || (r->route && is_newsroom(r)))
		return 1;
	for (size_t i = 0; i < r->nheaders; i++)
		if (!strcasecmp(r->headers[i].name, "set-cookie"))
			return 1;
	return 0;
}

/*
 * Sends a redirect to target (a path, or a URL under the site's own
 * origin; is_path: a decoded request path, see http_location). A target
 * that would leave the site is a bug or bad stored data, never something
 * to follow: it is logged and the redirect goes to the home page instead.
 */
static void send_redirect(kb_req *r, int status, const char *target, int is_path, int max_age)
{
	h2o_req_t *req = r->raw;
	const char *origin = strstr(target, "://") ? req_site_origin(r) : "";
	const char *location = http_location(&r->arena, target, origin, is_path);
	if (!location) {
		kb_warn("refusing a redirect off the site (status %d): sending the reader home", status);
		location = "/";
		max_age = -1;
	}
	common_headers(req);
	set_status(req, status);
	add(req, H2O_TOKEN_LOCATION, location);
	/* A stored redirect changes with the redirects table, which moves
	 * the content version (a purge of "any"). */
	cache_headers(req, private_response(r) ? -1 : max_age, status, EDGE_ANY " redirect");
	add(req, H2O_TOKEN_CONTENT_TYPE, "text/plain; charset=utf-8");
	h2o_send_inline(req, location, strlen(location));
}

/* ---- dispatch ---- */

/* Renders the error page for status into r and makes it an entry. */
static cache_entry *error_entry(kb_req *r, int status);

/* The entry for r's body as an error of status, never kept in the page
 * cache: private when asked or when the response must be, else public
 * for 10 seconds, named "any text" (and the route's kind) at the edge,
 * so any change purges it (a story's 404 until it is published). */
static cache_entry *error_make(kb_req *r, int status, const char *type, int private)
{
	private = private || private_response(r);
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
		add_str(r->raw, "retry-after", "5");
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
	if (is_newsroom(r) && session_load(r)) {
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
		add_str(req, r->headers[i].name, r->headers[i].value);
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

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
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
	if (!r.route) {
		if (allowed) {
			add(req, H2O_TOKEN_ALLOW, "GET, HEAD");
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
		add_str(req, "access-control-allow-origin", "*");
		add_str(req, "access-control-expose-headers", "ETag");
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
		add_str(req, "x-khabar-cache", e ? "hit" : "miss");
	}
	if (!e) {
		r.max_age = r.route->max_age ? r.route->max_age : 60;
		cache_deps deps = {.gen = cache_generation(g_cache)};
		status = r.route->fn(&r);
		/* A write here is seen by the next request at once. */
		if (!strcmp(r.method, "POST"))
			server_content_changed(r.db);
		if (private_response(&r))
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
	send_entry(req, e);
done:
	kb_buf_free(&path);
	kb_buf_free(&r.body);
	kb_arena_free(&r.arena);
	return 0;
}

/* ---- threads and sockets ---- */

typedef struct worker {
	pthread_t tid;
	int index;
	int fd; /* this thread's dup of the listening socket */
	h2o_context_t ctx;
	h2o_accept_ctx_t accept_ctx;
	h2o_socket_t *listener;
	int ok;
} worker;

static void on_accept(h2o_socket_t *listener, const char *err)
{
	worker *w = listener->data;
	if (err)
		return;
	/* Accept a batch: with several threads on one socket, a thread woken
	 * for a connection another took gets NULL and goes back to sleep. */
	for (int i = 0; i < 16; i++) {
		h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
		if (!sock)
			break;
		h2o_accept(&w->accept_ctx, sock);
	}
}

static int conns_open(worker *w)
{
	return !h2o_linklist_is_empty(&w->ctx.http1._conns) || !h2o_linklist_is_empty(&w->ctx.http2._conns);
}

/* Tests only: kb_now() follows the time (UTC seconds) in the clock file. */
static void read_clock_file(void)
{
	if (!g_opts->clock_file)
		return;
	FILE *f = fopen(g_opts->clock_file, "r");
	long long t = 0;
	if (f) {
		if (fscanf(f, "%lld", &t) == 1 && t > 0)
			kb_clock_fake(t);
		fclose(f);
	}
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	char *err = NULL;
	t_db = store_open(g_opts->db_path, 0, &err);
	if (!t_db) {
		kb_warn("worker %d: %s", w->index, err);
		free(err);
		atomic_store(&g_stop, 1);
		return NULL;
	}
	h2o_context_init(&w->ctx, h2o_evloop_create(), &g_conf);
	w->accept_ctx.ctx = &w->ctx;
	w->accept_ctx.hosts = g_conf.hosts;
	w->listener = h2o_evloop_socket_create(w->ctx.loop, w->fd, H2O_SOCKET_FLAG_DONT_READ);
	w->listener->data = w;
	h2o_socket_read_start(w->listener, on_accept);
	w->ok = 1;

	uint64_t last_poll = 0, last_trim = 0;
	while (!atomic_load(&g_stop)) {
		h2o_evloop_run(w->ctx.loop, 100);
		if (w->index)
			continue;
		/* Thread 0 notices writes by other processes (the CLI, a second
		 * server) on a SQLite file within a fifth of a second; on
		 * PostgreSQL they are announced (listen_step). */
		uint64_t now = kb_mono_ns();
		if (now - last_poll > 200000000ULL) {
			read_clock_file();
			if (!g_listen)
				server_content_changed(t_db);
			last_poll = now;
		}
		/* Rendering frees as much as it allocates, but glibc keeps freed
		 * memory in each thread's arena; hand it back every few seconds
		 * so the resident size follows the page cache, not the peak. */
		if (now - last_trim > 5000000000ULL) {
			malloc_trim(0);
			last_trim = now;
		}
	}

	/* Graceful shutdown: stop accepting, ask open connections to finish
	 * (keep-alive ends, HTTP/2 gets GOAWAY), and give in-flight requests
	 * up to ten seconds. */
	/* Connections already in the listen queue are in flight too: take
	 * them before closing the socket, so they are answered, not reset. */
	h2o_socket_t *late;
	while ((late = h2o_evloop_socket_accept(w->listener)))
		h2o_accept(&w->accept_ctx, late);
	h2o_socket_read_stop(w->listener);
	h2o_socket_close(w->listener);
	h2o_context_request_shutdown(&w->ctx);
	uint64_t deadline = kb_mono_ns() + 10000000000ULL;
	while (conns_open(w) && kb_mono_ns() < deadline)
		h2o_evloop_run(w->ctx.loop, 50);
	store_close(t_db);
	return NULL;
}

/* The access log: one line per request, written with one write() so lines
 * from different threads never mix. h2o's own file logger cannot write to
 * a stdout that is a socket or pipe, so khabar formats with h2o's logconf
 * and writes itself. */
typedef struct access_logger {
	h2o_logger_t super;
	h2o_logconf_t *conf;
	int fd;
} access_logger;

static void log_access(h2o_logger_t *self, h2o_req_t *req)
{
	access_logger *l = (access_logger *)self;
	char buf[4096];
	size_t len = sizeof buf;
	char *line = h2o_log_request(l->conf, req, &len, buf);
	ssize_t w = write(l->fd, line, len);
	(void)w; /* a full disk must not stop the site */
	if (line != buf)
		free(line);
}

static int open_access_log(h2o_pathconf_t *pc, const char *path)
{
	char errbuf[256];
	h2o_logconf_t *conf = h2o_logconf_compile("%h %t \"%r\" %s %b %{duration}x \"%{user-agent}i\"",
						  H2O_LOGCONF_ESCAPE_APACHE, errbuf);
	if (!conf)
		kb_fatal("bad access log format: %s", errbuf);
	int fd = strcmp(path, "-") ? open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644)
				   : STDOUT_FILENO;
	if (fd < 0) {
		fprintf(stderr, "khabar: cannot open access log %s: %s\n", path, strerror(errno));
		return -1;
	}
	access_logger *l = (access_logger *)h2o_create_logger(pc, sizeof *l);
	l->super.log_access = log_access;
	l->conf = conf;
	l->fd = fd;
	return 0;
}

/* Parses "ADDR:PORT" or "[V6]:PORT" or ":PORT". Returns 0 or -1. */
static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	const char *colon = strrchr(s, ':');
	if (!colon || !colon[1])
		return -1;
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port <= 0 || port > 65535)
		return -1;
	char host[128];
	size_t hl = (size_t)(colon - s);
	if (hl >= sizeof host)
		return -1;
	memcpy(host, s, hl);
	host[hl] = 0;
	memset(ss, 0, sizeof *ss);
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		host[hl - 1] = 0;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
			return -1;
		*len = sizeof *a;
		return 0;
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	if (!host[0])
		a->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
		return -1;
	*len = sizeof *a;
	return 0;
}

static int open_listener(const char *addr)
{
	struct sockaddr_storage ss;
	socklen_t len;
	if (parse_listen(addr, &ss, &len)) {
		fprintf(stderr,
			"khabar: cannot listen on %s: expected ADDRESS:PORT, such as 127.0.0.1:8080\n", addr);
		return -1;
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int on = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) ||
	    bind(fd, (struct sockaddr *)&ss, len) || listen(fd, SOMAXCONN)) {
		int e = errno;
		fprintf(stderr, "khabar: cannot listen on %s: %s%s\n", addr, strerror(e),
			e == EADDRINUSE ? " (is another server running there? pick another with --listen)"
					: "");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* The signals that stop the server gracefully. */
static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
}

void server_block_signals(void)
{
	sigset_t set;
	stop_signals(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int server_run(const server_opts *o)
{
	g_opts = o;
	const char *strict = getenv("KHABAR_STRICT_INPUTS");
	req_strict_inputs(strict && !strcmp(strict, "1"));
	/* The caller blocked SIGINT/SIGTERM before starting any thread
	 * (server_block_signals), so the main loop below alone takes them. */
	sigset_t set, cur;
	stop_signals(&set);
	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	assert(sigismember(&cur, SIGTERM) && sigismember(&cur, SIGINT));
	assert(o->routes && o->nroutes && o->error_page);
	signal(SIGPIPE, SIG_IGN);
	int fd = open_listener(o->listen);
	if (fd < 0)
		return 1;

	char *err = NULL;
	store *st = store_open(o->db_path, 0, &err);
	if (!st) {
		fprintf(stderr, "khabar: %s\n", err);
		free(err);
		close(fd);
		return 1;
	}
	atomic_store(&g_version, store_content_version(st));
	read_clock_file();
	if (o->clock_file)
		kb_warn("the clock is faked from %s: for tests only", o->clock_file);
	if (session_init(st) || store_changes_last(st, &g_seq)) {
		fprintf(stderr, "khabar: cannot start: %s\n", store_errmsg(st));
		store_close(st);
		close(fd);
		return 1;
	}
	store_close(st);

	g_cache = cache_new(o->cache_bytes);
	h2o_config_init(&g_conf);
	g_conf.max_request_entity_size = o->max_body;
	g_conf.http1.req_timeout = 10000;
	g_conf.http2.idle_timeout = 10000;
	g_conf.server_name = h2o_iovec_init(H2O_STRLIT("khabar"));
	h2o_hostconf_t *host =
		h2o_config_register_host(&g_conf, h2o_iovec_init(H2O_STRLIT("default")), 65535);
	if (o->media_dir) {
		/* Derived photos are files: h2o serves them (sendfile, ETag,
		 * ranges). Their names change with their content. */
		h2o_pathconf_t *mc = h2o_config_register_path(host, "/media", 0);
		h2o_mimemap_t *mime = h2o_mimemap_create();
		h2o_mimemap_define_mimetype(mime, "webp", "image/webp", NULL);
		h2o_mimemap_define_mimetype(mime, "jpg", "image/jpeg", NULL);
		static const char *no_index[] = {NULL};
		h2o_file_register(mc, o->media_dir, no_index, mime, 0);
		h2o_mem_release_shared(mime);
		static h2o_iovec_t cc = {H2O_STRLIT("cache-control")},
				   nosniff = {H2O_STRLIT("x-content-type-options")};
		static h2o_headers_command_t cmds[3];
		cmds[0] = (h2o_headers_command_t){
			H2O_HEADERS_CMD_SET, &cc,
			h2o_iovec_init(H2O_STRLIT("public, max-age=31536000, immutable"))};
		cmds[1] = (h2o_headers_command_t){H2O_HEADERS_CMD_SET, &nosniff,
						  h2o_iovec_init(H2O_STRLIT("nosniff"))};
		cmds[2] = (h2o_headers_command_t){H2O_HEADERS_CMD_NULL};
		h2o_headers_register(mc, cmds);
		if (o->access_log && *o->access_log && open_access_log(mc, o->access_log)) {
			close(fd);
			return 1;
		}
	}
	h2o_pathconf_t *pc = h2o_config_register_path(host, "/", 0);
	h2o_handler_t *h = h2o_create_handler(pc, sizeof *h);
	h->on_req = on_req;
	if (o->access_log && *o->access_log && open_access_log(pc, o->access_log)) {
		close(fd);
		return 1;
	}

	int n = o->threads > 0 ? o->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	/* The jobs first: a request may wake one. */
	g_jobs = jobs_start(o->jobs, o->njobs, o->db_path);
	if (!g_jobs)
		kb_fatal("cannot start the background jobs");
	if (store_is_url(o->db_path) && !(g_listen = jobs_start(&listen_job, 1, o->db_path)))
		kb_fatal("cannot start listening for changes");
	worker *ws = kb_calloc((size_t)n, sizeof *ws);
	for (int i = 0; i < n; i++) {
		ws[i].index = i;
		ws[i].fd = i ? dup(fd) : fd;
		if (ws[i].fd < 0 || pthread_create(&ws[i].tid, NULL, worker_main, &ws[i]))
			kb_fatal("cannot start worker thread %d", i);
	}
	kb_info("khabar serving %s on http://%s with %d threads", o->db_path, o->listen, n);

	/* Wait for a signal, or for a worker that could not start. */
	struct timespec tick = {0, 200000000};
	while (!atomic_load(&g_stop)) {
		int sig = sigtimedwait(&set, NULL, &tick);
		if (sig == SIGINT || sig == SIGTERM) {
			kb_info("received %s: finishing requests in flight",
				sig == SIGINT ? "SIGINT" : "SIGTERM");
			atomic_store(&g_stop, 1);
		}
	}
	int failed = 0;
	for (int i = 0; i < n; i++) {
		pthread_join(ws[i].tid, NULL);
		failed |= !ws[i].ok;
	}
	free(ws);
	/* Every request is answered: what they left for the jobs is done
	 * now (final steps), then the jobs end. */
	jobs_stop(g_jobs);
	g_jobs = NULL;
	jobs_stop(g_listen);
	g_listen = NULL;
	cache_free(g_cache);
	kb_info("khabar stopped");
	return failed ? 1 : 0;
}
