/*
 * cache.h: the page cache. Rendered responses live in memory with an ETag
 * and, once a client that takes gzip has asked for one, a gzip copy, keyed by path (plus the query values a route declares),
 * so a breaking-news spike is served without touching SQLite.
 *
 * Staleness, two ways:
 *  - every entry records the store's content version it was built from
 *    (store_content_version, moved by site-wide changes: settings,
 *    categories, renames); a lookup with a newer version treats the entry
 *    as missing, so such a change empties the cache in effect;
 *  - every entry names what it shows as dependency tags ("a:12" an
 *    article, "c:3" a category's list, "list", "text"...; see cache.c for
 *    the full scheme). A change to an article drops exactly the entries
 *    that depend on a tag it touched (cache_drop_tags). An entry that
 *    names no tags depends on every change.
 *
 * Memory is bounded: past the budget, the least recently used entries go.
 *
 * Entries are reference-counted and immutable once made, so a response can
 * be sent from an entry's bytes while another thread replaces it.
 */
#ifndef KB_CACHE_H
#define KB_CACHE_H

#include <stddef.h>
#include <stdint.h>

typedef struct cache cache;

typedef struct cache_entry {
	int status;
	const char *content_type;
	const char *body;
	size_t len;
	char etag[24]; /* quoted, e.g. "\"9f8e7d6c5b4a3921\"" */
	int64_t version;
	int max_age; /* Cache-Control max-age to send, seconds */
	/* What it shows, named for the caches in front (src/http/edge.h):
	 * the xkey header's value, "" for none. */
	const char *keys;
} cache_entry;

/* What an entry depends on: tags[0..n) (copied), or every change when n
 * is 0; and gen, the cache_generation() read before rendering began: an
 * entry rendered before a drop that it should have suffered is not
 * stored. keys (copied; NULL: none) becomes the entry's keys. */
typedef struct cache_deps {
	const char *const *tags;
	size_t n;
	uint64_t gen;
	const char *keys;
} cache_deps;

/* The entry's gzip copy and its length, or NULL when compression does not
 * pay. Made by the first caller that needs one (compressing only what a
 * client will take: a crawler or a bot that does not ask for gzip costs no
 * compression), then kept with the entry and counted in the budget. */
const char *cache_gz(cache *c, cache_entry *e, size_t *len);
/* Bodies shorter than this are never compressed. */
#define CACHE_GZIP_MIN 256

/* A cache holding at most budget bytes of entries. */
cache *cache_new(size_t budget);
void cache_free(cache *c);

/* Returns the entry for key built at version, with a reference the caller
 * must drop with cache_release(); NULL if absent or stale. */
cache_entry *cache_get(cache *c, const char *key, size_t keylen, int64_t version);

/*
 * Makes an entry from a copy of body (compressing it and computing its
 * ETag), stores it under key when store is non-zero (replacing any older
 * one) unless deps->gen is out of date, and returns it with a reference
 * for the caller. deps may be NULL (depends on everything, gen not
 * checked, no keys); an entry not stored may pass deps for its keys
 * alone.
 */
cache_entry *cache_make(cache *c, const char *key, size_t keylen, int store, int status,
			const char *content_type, const char *body, size_t len, int64_t version, int max_age,
			const cache_deps *deps);

/* A counter moved by every drop and clear (see cache_deps.gen). */
uint64_t cache_generation(cache *c);

/* Drops the entries that depend on any of tags[0..n), and those that
 * depend on every change. Returns how many went. */
size_t cache_drop_tags(cache *c, const char *const *tags, size_t n);

void cache_release(cache_entry *e);

/* Drops every entry (they stay alive while referenced). */
void cache_clear(cache *c);

/* Bytes held and number of entries, for logs and benchmarks. */
void cache_stats(cache *c, size_t *bytes, size_t *entries);
/* Entries dropped so far to stay within the budget (LRU). */
uint64_t cache_evictions(cache *c);

#endif
