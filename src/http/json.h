/*
 * json.h: JSON answers, for the public API and the newsroom's scripts
 * alike, and the one shape of a JSON error (docs/api.md):
 * {"error": {"status": N, "message": "..."}}.
 *
 * Not here: caching. The caller sets r->max_age as for any other answer.
 */
#ifndef KB_HTTP_JSON_H
#define KB_HTTP_JSON_H

#include <jansson.h>

#include "http.h"

/* Makes j the whole body (dropping the caller's reference to j) with a
 * JSON content type; returns status, or 500 when j cannot be written. */
int req_json(kb_req *r, json_t *j, int status);
/* Answers {"error": {"status": status, "message": message}} with status. */
int req_json_error(kb_req *r, int status, const char *message);

#endif
