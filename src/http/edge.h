/*
 * edge.h: what khabar tells the caches in front of it (Varnish, a CDN),
 * and the settings that name them. Three things, all pure (buffers in,
 * buffers out), so the unit tests check them without a server:
 *
 *  - the keys a public response names in its xkey, Surrogate-Key and
 *    Cache-Tag headers: the page cache's own dependency tags (cache.h:
 *    a:ID, c:ID, t:ID, u:ID, list, static), "text" for a response that
 *    depends on every change (feeds, sitemaps, search, the API, error
 *    pages: the page cache names no tags for them), the route's kind
 *    (feed, sitemap, search, api), and "any" on every one, so purging
 *    "any" purges the whole edge;
 *  - the Cache-Control value for a response, public or private;
 *  - the edge settings (edge_purge, edge_purge_url, edge_purge_header,
 *    edge_purge_token) and instant indexing's (indexnow_endpoints,
 *    indexnow_key, websub_hub: src/app/purge.h), their checks written once for "khabar settings"
 *    and the newsroom's settings page, and the parsing of edge_purge's
 *    list for the purge job (src/app/purge.c).
 *
 * Not here: sending purges (src/app/purge.c), or which routes are public
 * (the route table, src/app/routes.c).
 */
#ifndef KB_EDGE_H
#define KB_EDGE_H

#include <stddef.h>

#include "../core/core.h"
#include "../db/store.h"

/* The key every public response carries: purging it empties the edge. */
#define EDGE_ANY "any"
/* The key of a response that depends on every content change (as a page
 * cache entry with no tags does): a purge of any change names it. */
#define EDGE_TEXT "text"

/*
 * The keys of a public response, space-separated, in a: "any", then
 * deps[0..n) (the page cache's tags, duplicates left out) or "text" when
 * n is 0, then kind (one or more space-separated names, NULL for none).
 */
const char *edge_keys(kb_arena *a, const char *kind, const char *const *deps, size_t n);

/* keys (space-separated) with commas instead, for Cache-Tag; in a. */
const char *edge_cache_tag(kb_arena *a, const char *keys);

/*
 * Writes into buf (of size n; 160 bytes are plenty) the Cache-Control for
 * a response of status that browsers may keep max_age seconds:
 *   max_age < 0          "private, no-store"
 *   max_age >= 30 days   "public, max-age=M, immutable" (fingerprinted)
 *   status 200           "public, max-age=M, s-maxage=S,
 *                         stale-while-revalidate=60, stale-if-error=86400"
 *                        with S = edge_s_maxage(M)
 *   other statuses       "public, max-age=M" (errors, redirects: short
 *                        or fixed, no stale copies)
 */
void edge_cache_control(char *buf, size_t n, int max_age, int status);

/* How long the edge keeps a page browsers keep max_age seconds: ten
 * times as long, at least 10 minutes, at most a day; under 10 s (a live
 * story's updates) as long as browsers do. The edge is purged
 * on every change, so its copy is fresh for as long as the purges
 * arrive; the bound limits what a purge that never arrived leaves. */
int edge_s_maxage(int max_age);

/*
 * Splits a comma-separated list (edge_purge) into its trimmed, non-empty
 * items, in a: returns how many (at most max) with the items in out[].
 * Returns -1 when there are more than max.
 */
int edge_url_list(kb_arena *a, const char *list, const char **out, int max);

/* The most Varnish addresses edge_purge may list. */
#define EDGE_MAX_TARGETS 16

/* Whether v is a purge target's URL: http:// or https://, a host name,
 * IPv4 or [IPv6] address, an optional port (1-65535), an optional path of
 * visible ASCII; no user:password@ (a secret belongs in edge_purge_token,
 * which is never printed), no '#', no spaces; at most 500 bytes. */
int edge_url_ok(const char *v);

/* Whether v is an IndexNow key: 8 to 128 of a-z, A-Z, 0-9 and '-'. */
int edge_key_ok(const char *v);

/* One edge setting: its key, a line of help, the check of a value
 * (1: acceptable; "" always is, turning the feature off or taking the
 * default), and whether it is a secret (never listed or shown: the form
 * only says whether it is set). */
typedef struct edge_setting {
	const char *key, *help;
	int (*valid)(const char *v);
	int secret;
	size_t off; /* of its field in kb_edge_settings */
} edge_setting;

extern const edge_setting edge_settings[];
extern const size_t edge_nsettings;

/* The edge setting called key, or NULL. */
const edge_setting *edge_setting_find(const char *key);
/* Its value in es (store_edge_settings). */
const char *edge_setting_value(const kb_edge_settings *es, const edge_setting *e);

/* The purge header when edge_purge_header is empty. */
#define EDGE_DEFAULT_HEADER "Authorization"

#endif
