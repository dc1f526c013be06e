/*
 * send.h: a response on the wire (send.c; dispatch.c uses it).
 */
#ifndef KB_SEND_H
#define KB_SEND_H

#define H2O_USE_LIBUV 0
#include <h2o.h>

#include "../render/cache.h"
#include "http.h"

/* Adds a response header, by h2o token t or by name; a value with a
 * control byte, or a bad name, is refused (logged, not sent). The value
 * is copied into the request's pool. */
void send_add(h2o_req_t *req, const h2o_token_t *t, const char *v);
void send_add_str(h2o_req_t *req, const char *name, const char *v);
/* Whether r's response must be private, no-store whatever its route
 * says: it answers a POST, comes from a newsroom route, or sets a cookie. */
int send_private(kb_req *r);
/* Sends entry e, taking over the caller's reference: 304 when the
 * request's If-None-Match names its ETag, gzip when accepted, no body for
 * HEAD. */
void send_entry(h2o_req_t *req, cache *c, cache_entry *e);
/* Sends a redirect of status to target (a path, or a URL under the site's
 * own origin; is_path: a decoded request path, see http_location), kept
 * max_age seconds at the edge (-1: private). A target off the site is
 * logged and replaced by the home page. */
void send_redirect(kb_req *r, int status, const char *target, int is_path, int max_age);

#endif
