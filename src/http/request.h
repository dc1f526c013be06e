/*
 * request.h: the request accessors' parts that only the server uses
 * (request.c; dispatch.c, send.c and server.c).
 */
#ifndef KB_REQUEST_H
#define KB_REQUEST_H

#include "http.h"

/* On: a handler reading a query input or form field its route does not
 * declare ends the process (the tests); off: it is logged as a bug. */
void req_strict_inputs(int on);
/* How many such reads this process has seen (the unit tests). */
unsigned req_undeclared_reads(void);
/* The declared form field of r's route called name, or NULL. */
const kb_input *req_form_input(const kb_route *rt, const char *name);
/* The site's origin ("https://host[:port]") from its base_url setting, or
 * "" when it has none (or the store cannot say). */
const char *req_site_origin(kb_req *r);

#endif
