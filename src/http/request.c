/*
 * request.c: what page code asks of a request (http.h's req_* calls):
 * headers, the query and its declared inputs, the body and form, the
 * client's address (behind a trusted proxy, the one it forwards), cookies, extra response headers and cache
 * dependencies. The libh2o request behind it is r->raw.
 */
#define H2O_USE_LIBUV 0
#include <h2o.h>

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../render/escape.h"
#include "header.h"
#include "http.h"
#include "proxy.h"
#include "request.h"

const char *req_header(kb_req *r, const char *name)
{
	h2o_req_t *req = r->raw;
	/* h2o keeps Host (and HTTP/2's :authority) apart from the headers. */
	if (!strcmp(name, "host"))
		return req->authority.base
			       ? kb_arena_strndup(&r->arena, req->authority.base, req->authority.len)
			       : NULL;
	ssize_t i = h2o_find_header_by_str(&req->headers, name, strlen(name), -1);
	if (i < 0)
		return NULL;
	h2o_iovec_t v = req->headers.entries[i].value;
	return kb_arena_strndup(&r->arena, v.base, v.len);
}

/* The input of r's route called name, or NULL when it declares none. */
static const kb_input *declared(const kb_route *rt, const char *name)
{
	for (size_t i = 0; i < KB_MAX_INPUTS && rt->query[i].name; i++)
		if (!strcmp(rt->query[i].name, name))
			return &rt->query[i];
	return NULL;
}

const kb_input *req_form_input(const kb_route *rt, const char *name)
{
	for (const kb_input *f = rt->form; f && f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

/* Set from KHABAR_STRICT_INPUTS (the tests): a handler reading an input
 * its route does not declare ends the server, so the test fails. */
static int g_strict_inputs;
static atomic_uint g_undeclared;

void req_strict_inputs(int on)
{
	g_strict_inputs = on;
}

unsigned req_undeclared_reads(void)
{
	return atomic_load(&g_undeclared);
}

/* A handler reads an input its route does not declare: a query input's
 * value might be missing from the cache key, so a cached page could answer
 * for another; a form field escapes its validator. kind: "query input" or
 * "form field". */
static void undeclared(kb_req *r, const char *kind, const char *name)
{
	atomic_fetch_add(&g_undeclared, 1);
	kb_warn("bug: %s %s reads the %s \"%s\", which its route does not declare", r->method,
		r->route->pattern, kind, name);
	if (g_strict_inputs)
		abort();
}

int req_query_check(kb_req *r, const char *name, const char **out)
{
	if (r->route && !declared(r->route, name))
		undeclared(r, "query input", name);
	size_t nlen = strlen(name);
	const char *q = r->query;
	*out = NULL;
	while (*q) {
		const char *amp = strchr(q, '&');
		size_t len = amp ? (size_t)(amp - q) : strlen(q);
		const char *eq = memchr(q, '=', len);
		size_t klen = eq ? (size_t)(eq - q) : len;
		if (klen == nlen && !memcmp(q, name, nlen)) {
			kb_buf b = {0};
			const char *v = eq ? eq + 1 : q + len;
			size_t vlen = eq ? len - klen - 1 : 0;
			int ok = !url_decode(&b, v, vlen, 1) && kb_utf8_valid(kb_buf_str(&b), b.len, NULL) &&
				 !memchr(kb_buf_str(&b), 0, b.len);
			if (ok)
				*out = kb_arena_strndup(&r->arena, kb_buf_str(&b), b.len);
			kb_buf_free(&b);
			return ok ? 0 : -1;
		}
		q += len + (amp != NULL);
	}
	return 0;
}

const char *req_body(kb_req *r, size_t *len)
{
	h2o_req_t *req = r->raw;
	*len = req->entity.base ? req->entity.len : 0;
	return req->entity.base ? req->entity.base : "";
}

const char *req_query(kb_req *r, const char *name)
{
	const char *v;
	return req_query_check(r, name, &v) ? NULL : v;
}

const char *req_authority(kb_req *r)
{
	h2o_req_t *req = r->raw;
	return kb_arena_strndup(&r->arena, req->authority.base, req->authority.len);
}

const kb_form_field *req_field(kb_req *r, const char *name)
{
	if (r->route && !req_form_input(r->route, name))
		undeclared(r, "form field", name);
	return form_get(&r->form, name);
}

const char *req_form(kb_req *r, const char *name)
{
	const kb_form_field *f = req_field(r, name);
	return f && !f->filename ? f->value : NULL;
}

const kb_form_field *req_field_next(kb_req *r, const char *name, size_t *i)
{
	if (r->route && !*i && !req_form_input(r->route, name))
		undeclared(r, "form field", name);
	while (*i < r->form.n) {
		const kb_form_field *f = &r->form.fields[(*i)++];
		if (!strcmp(f->name, name))
			return f;
	}
	return NULL;
}

void req_add_header(kb_req *r, const char *name, const char *value)
{
	if (r->nheaders == KB_COUNT(r->headers))
		kb_fatal("too many extra headers on one response (%s)", name);
	r->headers[r->nheaders].name = name;
	r->headers[r->nheaders].value = value;
	r->nheaders++;
}

const char *req_site_origin(kb_req *r)
{
	kb_settings s;
	if (store_settings(r->db, &r->arena, &s) || !s.base_url)
		return "";
	const char *host = strstr(s.base_url, "://");
	if (!host)
		return "";
	return kb_arena_strndup(&r->arena, s.base_url,
				(size_t)(host + 3 - s.base_url) + strcspn(host + 3, "/?#"));
}

/* The connection's peer as 16 bytes (IPv4 as IPv4-mapped IPv6); 0, or
 * -1 when it has no IP address. */
static int socket_peer(kb_req *r, unsigned char a[16])
{
	h2o_req_t *req = r->raw;
	struct sockaddr_storage ss;
	socklen_t len = req->conn->callbacks->get_peername(req->conn, (struct sockaddr *)&ss);
	if (len && ss.ss_family == AF_INET) {
		memset(a, 0, 10);
		a[10] = a[11] = 0xff;
		memcpy(a + 12, &((struct sockaddr_in *)&ss)->sin_addr, 4);
		return 0;
	}
	if (len && ss.ss_family == AF_INET6) {
		memcpy(a, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
		return 0;
	}
	return -1;
}

/* Whether the connection comes from a proxy named by --trust-proxy. */
static int from_trusted_proxy(kb_req *r)
{
	unsigned char a[16];
	return !socket_peer(r, a) && proxy_trusted(a);
}

int req_is_tls(kb_req *r)
{
	h2o_req_t *req = r->raw;
	if (req->scheme == &H2O_URL_SCHEME_HTTPS)
		return 1;
	/* The scheme a trusted proxy was reached by: the first value (the
	 * reader's hop) of X-Forwarded-Proto. */
	const char *fwd = from_trusted_proxy(r) ? req_header(r, "x-forwarded-proto") : NULL;
	if (fwd && !strncasecmp(fwd, "https", 5) && (!fwd[5] || fwd[5] == ',' || fwd[5] == ' '))
		return 1;
	/* A site whose URL is https is read over TLS, whatever the hop to
	 * this server (a proxy that does not say so). */
	return !strncasecmp(req_site_origin(r), "https://", 8);
}

void req_set_cookie(kb_req *r, const char *name, const char *value, int max_age)
{
	req_set_cookie_at(r, "/newsroom", name, value, max_age);
}

void req_set_cookie_at(kb_req *r, const char *path, const char *name, const char *value, int max_age)
{
	kb_buf b = {0};
	if (http_cookie(&b, name, value, path, max_age, req_is_tls(r)))
		kb_warn("refusing to set cookie %s: its name, value or path has bytes a cookie cannot hold",
			name);
	else
		req_add_header(r, "set-cookie", kb_buf_to_arena(&r->arena, &b));
}

/* The reader's address as text: the connection's peer, or behind a
 * trusted proxy the address X-Forwarded-For names (proxy_client). With
 * net set, as the network one client holds: an IPv6 address cut to its
 * /64 ("2001:db8:1:2::/64"), which one subscriber may fill with any
 * address. IPv4 (also IPv4-mapped) is written as IPv4. */
static const char *peer(kb_req *r, int net)
{
	unsigned char sock[16], a[16];
	if (socket_peer(r, sock))
		return "";
	const char *xff = NULL;
	if (proxy_trusted(sock)) {
		/* Every X-Forwarded-For header, in order, as one list. */
		h2o_req_t *req = r->raw;
		kb_buf all = {0};
		for (ssize_t i = -1;
		     (i = h2o_find_header(&req->headers, H2O_TOKEN_X_FORWARDED_FOR, i)) >= 0;) {
			h2o_iovec_t v = req->headers.entries[i].value;
			if (all.len)
				kb_buf_putc(&all, ',');
			kb_buf_append(&all, v.base, v.len);
		}
		xff = all.len ? kb_buf_to_arena(&r->arena, &all) : NULL;
		kb_buf_free(&all);
	}
	proxy_client(sock, xff, a);
	char host[INET6_ADDRSTRLEN + 4] = "";
	if (IN6_IS_ADDR_V4MAPPED((struct in6_addr *)a)) {
		inet_ntop(AF_INET, a + 12, host, sizeof host);
	} else {
		if (net)
			memset(a + 8, 0, 8);
		inet_ntop(AF_INET6, a, host, sizeof host);
		if (net)
			strcat(host, "/64");
	}
	return kb_arena_strdup(&r->arena, host);
}

const char *req_peer(kb_req *r)
{
	return peer(r, 0);
}

const char *req_peer_net(kb_req *r)
{
	return peer(r, 1);
}

void req_depend(kb_req *r, const char *fmt, ...)
{
	if (r->ndeps == r->depcap) {
		size_t cap = r->depcap ? 2 * r->depcap : 8;
		const char **v = kb_arena_alloc(&r->arena, cap * sizeof *v);
		if (r->ndeps)
			memcpy(v, r->deps, r->ndeps * sizeof *v);
		r->deps = v;
		r->depcap = cap;
	}
	va_list ap;
	va_start(ap, fmt);
	kb_buf b = {0};
	kb_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	r->deps[r->ndeps++] = kb_buf_to_arena(&r->arena, &b);
}
