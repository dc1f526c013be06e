/*
 * pages.h: the public page handlers, one file each (home.c, article.c,
 * listing.c, static.c, errors.c). Each takes a kb_req, fills its body and
 * returns an HTTP status; routes.c maps paths to them.
 */
#ifndef KB_PAGES_H
#define KB_PAGES_H

#include "../http/http.h"
#include "site.h"

int page_home(kb_req *r);
int page_article(kb_req *r);
int page_category(kb_req *r);
int page_tag(kb_req *r);
int page_author(kb_req *r);
int page_static(kb_req *r);
int page_robots(kb_req *r);

#endif
