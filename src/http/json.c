/*
 * json.c: JSON answers and the one JSON error shape (see json.h).
 */
#include <stdlib.h>

#include "json.h"

int req_json(kb_req *r, json_t *j, int status)
{
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!s)
		return 500;
	kb_buf_reset(&r->body);
	kb_buf_puts(&r->body, s);
	free(s);
	r->content_type = "application/json; charset=utf-8";
	return status;
}

int req_json_error(kb_req *r, int status, const char *message)
{
	return req_json(r, json_pack("{s:{s:i,s:s}}", "error", "status", status, "message", message), status);
}
