/*
 * cache.h: the page cache. Rendered responses live in memory with a gzip
 * copy and an ETag, keyed by path (plus the query values a route declares),
 * so a breaking-news spike is served without touching SQLite.
 *
 * Staleness: every entry records the store's content version it was built
 * from (store_content_version); a lookup with a newer version treats the
 * entry as missing. Memory is bounded: past the budget, the least recently
 * used entries go.
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
	const char *body, *gz; /* gz is NULL when compression did not pay */
	size_t len, gzlen;
	char etag[24]; /* quoted, e.g. "\"9f8e7d6c5b4a3921\"" */
	int64_t version;
	int max_age; /* Cache-Control max-age to send, seconds */
} cache_entry;

/* A cache holding at most budget bytes of entries. */
cache *cache_new(size_t budget);
void cache_free(cache *c);

/* Returns the entry for key built at version, with a reference the caller
 * must drop with cache_release(); NULL if absent or stale. */
cache_entry *cache_get(cache *c, const char *key, size_t keylen, int64_t version);

/*
 * Makes an entry from a copy of body (compressing it and computing its
 * ETag), stores it under key when store is non-zero (replacing any older
 * one), and returns it with a reference for the caller.
 */
cache_entry *cache_make(cache *c, const char *key, size_t keylen, int store, int status,
			const char *content_type, const char *body, size_t len, int64_t version,
			int max_age);

void cache_release(cache_entry *e);

/* Drops every entry (they stay alive while referenced). */
void cache_clear(cache *c);

/* Bytes held and number of entries, for logs and benchmarks. */
void cache_stats(cache *c, size_t *bytes, size_t *entries);

#endif
