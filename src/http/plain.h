/*
 * plain.h: the plain-HTTP listener beside a TLS one (plain.c): ACME
 * HTTP-01 answers and redirects to HTTPS.
 */
#ifndef KB_PLAIN_H
#define KB_PLAIN_H

#define H2O_USE_LIBUV 0
#include <h2o.h>

#include <stddef.h>

/* libh2o's handler for every request on the plain listener. */
int plain_handler(h2o_handler_t *self, h2o_req_t *req);
/* The port the redirects name (443: none). */
void plain_https_port(int port);
/* Answers /.well-known/acme-challenge/token with keyauth from now on, or
 * (keyauth NULL) no longer. Returns 0, or -1 when too many are pending. */
int plain_acme_token(const char *token, const char *keyauth);
/* The length of the host part of a Host header host[0..n) ("a.b",
 * "[::1]"; its ":port" is left out), or 0 when it is not a host name or
 * address a redirect may name. */
size_t plain_host(const char *host, size_t n);

#endif
