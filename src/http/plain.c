/*
 * plain.c: the plain-HTTP listener of a TLS server (--listen-http). It
 * answers ACME HTTP-01 challenges (RFC 8555 §8.3) at
 * /.well-known/acme-challenge/TOKEN and sends every other request to the
 * same URL over HTTPS: 301 for GET and HEAD, 308 for the rest, so a form's
 * POST is not turned into a GET. It serves no page and opens no store.
 */
#define H2O_USE_LIBUV 0
#include <h2o.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../core/core.h"
#include "header.h"
#include "plain.h"
#include "send.h"

#define MAX_TOKENS 16
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char *token, *keyauth;
} g_tok[MAX_TOKENS]; /* under g_mu */
static int g_https_port = 443;

void plain_https_port(int port)
{
	g_https_port = port;
}

int plain_acme_token(const char *token, const char *keyauth)
{
	int rc = keyauth ? -1 : 0;
	pthread_mutex_lock(&g_mu);
	for (size_t i = 0; i < MAX_TOKENS; i++) {
		if (g_tok[i].token && !strcmp(g_tok[i].token, token)) {
			free(g_tok[i].token);
			free(g_tok[i].keyauth);
			g_tok[i].token = g_tok[i].keyauth = NULL;
		}
	}
	for (size_t i = 0; keyauth && rc && i < MAX_TOKENS; i++) {
		if (!g_tok[i].token) {
			g_tok[i].token = kb_strdup(token);
			g_tok[i].keyauth = kb_strdup(keyauth);
			rc = 0;
		}
	}
	pthread_mutex_unlock(&g_mu);
	return rc;
}

/* The key authorization for token[0..n), copied into the request's pool,
 * or NULL. */
static const char *find_token(h2o_req_t *req, const char *token, size_t n)
{
	const char *found = NULL;
	pthread_mutex_lock(&g_mu);
	for (size_t i = 0; i < MAX_TOKENS && !found; i++)
		if (g_tok[i].token && strlen(g_tok[i].token) == n && !memcmp(g_tok[i].token, token, n))
			found = h2o_strdup(&req->pool, g_tok[i].keyauth, SIZE_MAX).base;
	pthread_mutex_unlock(&g_mu);
	return found;
}

size_t plain_host(const char *host, size_t n)
{
	/* "[v6]" or "[v6]:port" */
	if (n && host[0] == '[') {
		const char *end = memchr(host, ']', n);
		if (!end)
			return 0;
		for (const char *p = host + 1; p < end; p++)
			if (!strchr("0123456789abcdefABCDEF:.", *p))
				return 0;
		return (size_t)(end - host) + 1;
	}
	size_t len = 0;
	while (len < n && host[len] != ':') {
		char c = host[len];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.'))
			return 0;
		len++;
	}
	return len < 254 ? len : 0;
}

static void reply(h2o_req_t *req, int status, const char *body)
{
	req->res.status = status;
	req->res.reason = http_reason(status);
	send_add(req, H2O_TOKEN_CONTENT_TYPE, "text/plain; charset=utf-8");
	send_add(req, H2O_TOKEN_CACHE_CONTROL, "no-store");
	h2o_send_inline(req, body, strlen(body));
}

int plain_handler(h2o_handler_t *self, h2o_req_t *req)
{
	static const char acme[] = "/.well-known/acme-challenge/";
	h2o_iovec_t path = req->path_normalized;
	int get = h2o_memis(req->method.base, req->method.len, H2O_STRLIT("GET")) ||
		  h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD"));
	if (get && path.len > sizeof acme - 1 && !memcmp(path.base, acme, sizeof acme - 1)) {
		const char *ka = find_token(req, path.base + sizeof acme - 1, path.len - (sizeof acme - 1));
		if (!ka) {
			reply(req, 404, "no such challenge\n");
			return 0;
		}
		reply(req, 200, ka);
		return 0;
	}
	size_t hl = plain_host(req->authority.base, req->authority.len);
	if (!hl) {
		reply(req, 400, "this site is served over HTTPS: the request needs a valid Host\n");
		return 0;
	}
	char port[16] = "";
	if (g_https_port != 443)
		snprintf(port, sizeof port, ":%d", g_https_port);
	/* The path as the client sent it (already percent-encoded), query
	 * included; h2o refused a request line with control bytes. */
	h2o_iovec_t loc =
		h2o_concat(&req->pool, h2o_iovec_init(H2O_STRLIT("https://")),
			   h2o_iovec_init(req->authority.base, hl), h2o_iovec_init(port, strlen(port)),
			   req->path.len && req->path.base[0] == '/' ? req->path : h2o_iovec_init("/", 1));
	req->res.status = get ? 301 : 308;
	req->res.reason = http_reason(req->res.status);
	send_add(req, H2O_TOKEN_LOCATION, loc.base);
	send_add(req, H2O_TOKEN_CONTENT_TYPE, "text/plain; charset=utf-8");
	h2o_send_inline(req, loc.base, loc.len);
	return 0;
}
