/*
 * send.c: a response on the wire, from a page cache entry or as a
 * redirect: the headers every response carries, Cache-Control and the
 * edge keys, ETags and 304s, gzip for clients that ask, HEAD, and zero
 * copy from the cache. The one place a response header is added
 * (send_add), so none carries a control byte. Nothing here decides what a
 * request gets: that is dispatch.c.
 */
#define H2O_USE_LIBUV 0
#include <h2o.h>

#include <string.h>
#include <strings.h>

#include "../render/cache.h"
#include "edge.h"
#include "header.h"
#include "metrics.h"
#include "request.h"
#include "send.h"

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

void send_add(h2o_req_t *req, const h2o_token_t *t, const char *v)
{
	put_header(req, t, NULL, v);
}

void send_add_str(h2o_req_t *req, const char *name, const char *v)
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
	send_add_str(req, "x-content-type-options", "nosniff");
	send_add_str(req, "referrer-policy", "strict-origin-when-cross-origin");
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
	send_add(req, H2O_TOKEN_CACHE_CONTROL, cc);
	if (max_age < 0 || !keys || !*keys)
		return;
	send_add_str(req, "xkey", keys);
	send_add_str(req, "surrogate-key", keys);
	kb_arena a = {0};
	send_add_str(req, "cache-tag", edge_cache_tag(&a, keys));
	kb_arena_free(&a);
}

/* Sends entry e of cache c (taking over the caller's reference). */
void send_entry(h2o_req_t *req, cache *c, cache_entry *e)
{
	common_headers(req);
	if (e->status == 200 && etag_matches(req, e->etag)) {
		set_status(req, 304);
		send_add(req, H2O_TOKEN_ETAG, e->etag);
		cache_headers(req, e->max_age, e->status, e->keys);
		cache_release(e);
		metrics_answered(req->res.status);
		h2o_send_inline(req, "", 0);
		return;
	}
	set_status(req, e->status);
	send_add(req, H2O_TOKEN_CONTENT_TYPE, e->content_type);
	cache_headers(req, e->max_age, e->status, e->keys);
	if (e->status == 200)
		send_add(req, H2O_TOKEN_ETAG, e->etag);
	if (strstr(e->content_type, "text/html"))
		send_add_str(req, "content-security-policy",
			     "default-src 'self'; img-src 'self' data:; object-src 'none'; "
			     "base-uri 'self'; frame-ancestors 'self'; form-action 'self'");
	h2o_iovec_t body = h2o_iovec_init(e->body, e->len);
	if (e->len >= CACHE_GZIP_MIN) {
		/* Whether a gzip copy pays is known only once made, so every
		 * answer that could have been compressed varies by it. */
		send_add(req, H2O_TOKEN_VARY, "accept-encoding");
		size_t gzlen;
		const char *gz = accepts_gzip(req) ? cache_gz(c, e, &gzlen) : NULL;
		if (gz) {
			send_add(req, H2O_TOKEN_CONTENT_ENCODING, "gzip");
			body = h2o_iovec_init(gz, gzlen);
		}
	}
	req->res.content_length = body.len;
	metrics_answered(req->res.status);
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

/* Whether a response must be private, no-store whatever its route says:
 * it answers a POST, comes from a newsroom route (which reads the
 * session), or sets a cookie. The one rule for every way out. */
int send_private(kb_req *r)
{
	if (!strcmp(r->method, "POST") || (r->route && router_is_newsroom(r->route)))
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
void send_redirect(kb_req *r, int status, const char *target, int is_path, int max_age)
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
	send_add(req, H2O_TOKEN_LOCATION, location);
	/* A stored redirect changes with the redirects table, which moves
	 * the content version (a purge of "any"). */
	cache_headers(req, send_private(r) ? -1 : max_age, status, EDGE_ANY " redirect");
	send_add(req, H2O_TOKEN_CONTENT_TYPE, "text/plain; charset=utf-8");
	metrics_answered(status);
	h2o_send_inline(req, location, strlen(location));
}
