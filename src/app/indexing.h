/*
 * indexing.h: what instant indexing sends, built from buffers alone so the
 * unit tests check it without a server (tests/unit/test_purge.c):
 * absolute URLs from base_url, the story ids a change names, IndexNow's
 * JSON body (https://www.indexnow.org) and WebSub's publish ping
 * (hub.mode=publish&hub.url=...). The queues, the sending and the retries
 * are the edge purge's (purge.h), whose job sends these too.
 */
#ifndef KB_INDEXING_H
#define KB_INDEXING_H

#include <stdint.h>

#include "../core/core.h"
#include "purge.h"

/* base (base_url; trailing slashes dropped) joined with path ("/news/x"),
 * in a. */
const char *indexing_abs_url(kb_arena *a, const char *base, const char *path);
/* The host (and port, when base names one) of base, in a: what IndexNow
 * calls the host. "" when base is not an http(s) URL. */
const char *indexing_host(kb_arena *a, const char *base);
/* The id of a change log tag prefix:ID ("a:12" with prefix "a:" gives
 * 12), or 0 when tag is not one. */
int64_t indexing_tag_id(const char *tag, const char *prefix);
/* IndexNow's body for the URLs q holds: {"host":...,"key":...,
 * "keyLocation":...,"urlList":[...]}, in a. */
const char *indexing_indexnow_json(kb_arena *a, const char *host, const char *key, const char *key_location,
				   const purge_queue *q);
/* WebSub's publish ping for the feed URLs q holds:
 * hub.mode=publish&hub.url=U1&hub.url=U2 (each percent-encoded), in a. */
const char *indexing_websub_form(kb_arena *a, const purge_queue *q);
/* A new IndexNow key (32 random hex digits), in a. */
const char *indexing_new_key(kb_arena *a);

#endif
