/*
 * cache.c: the page cache (see cache.h): a sharded hash table with an LRU
 * list per shard, each behind its own mutex so threads rarely contend.
 *
 * Invalidation. Triggers in the database (migration 3) write, for every
 * change to a published article, the tags it touches into the changes
 * log; the server polls the log (every 0.2 s, and at once after its own
 * writes) and drops the entries that depend on those tags. The tags:
 *
 *   a:ID    the article's own page (any change to it)
 *   c:ID    lists of category ID: its pages, its feeds, and the "related
 *           news" block of every article in it (related = newest in the
 *           same category or sharing a tag)
 *   t:ID    the same for a tag
 *   u:ID    an author's pages
 *   list    what lists every story: the home page
 *   text    what shows stories in full or searches them: feeds,
 *           sitemaps, search, the API (these name no tags, so any
 *           change drops them)
 *
 * An edit that changes only what a card does not show (body, dateline,
 * SEO fields) writes a:ID and text, so the lists, the home page and the
 * other articles' related blocks stay cached; a change to the title,
 * summary, photo, status, category, tags or author writes the list tags
 * too. Related blocks are kept exact rather than left to expire: a story
 * that is unpublished (or corrected) vanishes from every cached page at
 * once, at the cost of re-rendering the articles of its category and
 * tags (about 0.2 ms each) the next time they are read. Drafts touch
 * nothing. Site-wide changes (settings, categories, renames of tags or
 * authors) still move the content version, which empties the cache.
 *
 * Race: a page rendered from data read before a change, stored after
 * the drop, would be stale for good. Every drop moves a generation
 * counter first; cache_make stores only when the generation read before
 * rendering is still current, checked under the shard lock the drop also
 * takes.
 */
#include "cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libdeflate.h>

#include "../core/core.h"

#define SHARDS 16

/* A gzip copy and its length, published together by one pointer. */
typedef struct gzcopy {
	size_t len;
	char bytes[];
} gzcopy;

typedef struct item {
	cache_entry pub; /* first: a cache_entry* is an item* */
	atomic_int refs;
	/* The gzip copy: NULL until made, &no_gzip when it does not pay. */
	_Atomic(struct gzcopy *) gz;
	int stored; /* in its shard (under the shard's lock) */
	char *key;
	char **deps; /* NULL: depends on every change */
	size_t ndeps;
	size_t keylen, cost;
	uint64_t hash;
	struct item *next;                /* hash chain */
	struct item *lru_prev, *lru_next; /* most recent at head */
} item;

typedef struct shard {
	pthread_mutex_t mu;
	item **buckets;
	size_t nbuckets, count, bytes, budget;
	uint64_t evictions; /* entries the budget pushed out */
	item *lru_head, *lru_tail;
} shard;

struct cache {
	shard shards[SHARDS];
	atomic_uint_fast64_t gen;
};

cache *cache_new(size_t budget)
{
	cache *c = kb_calloc(1, sizeof *c);
	for (int i = 0; i < SHARDS; i++) {
		shard *s = &c->shards[i];
		pthread_mutex_init(&s->mu, NULL);
		s->nbuckets = 256;
		s->buckets = kb_calloc(s->nbuckets, sizeof *s->buckets);
		s->budget = budget / SHARDS;
	}
	return c;
}

static gzcopy no_gzip; /* the gz of an entry whose compression does not pay */

static void item_free(item *it)
{
	free((char *)it->pub.body);
	gzcopy *gz = atomic_load(&it->gz);
	if (gz != &no_gzip)
		free(gz);
	free((char *)it->pub.content_type);
	free((char *)it->pub.keys);
	free(it->key);
	for (size_t i = 0; i < it->ndeps; i++)
		free(it->deps[i]);
	free(it->deps);
	free(it);
}

void cache_release(cache_entry *e)
{
	item *it = (item *)e;
	if (e && atomic_fetch_sub(&it->refs, 1) == 1)
		item_free(it);
}

static void lru_unlink(shard *s, item *it)
{
	if (it->lru_prev)
		it->lru_prev->lru_next = it->lru_next;
	else
		s->lru_head = it->lru_next;
	if (it->lru_next)
		it->lru_next->lru_prev = it->lru_prev;
	else
		s->lru_tail = it->lru_prev;
	it->lru_prev = it->lru_next = NULL;
}

static void lru_push(shard *s, item *it)
{
	it->lru_prev = NULL;
	it->lru_next = s->lru_head;
	if (s->lru_head)
		s->lru_head->lru_prev = it;
	s->lru_head = it;
	if (!s->lru_tail)
		s->lru_tail = it;
}

/* Removes it from the shard and drops the shard's reference. */
static void shard_remove(shard *s, item *it)
{
	item **pp = &s->buckets[it->hash % s->nbuckets];
	while (*pp && *pp != it)
		pp = &(*pp)->next;
	if (*pp)
		*pp = it->next;
	lru_unlink(s, it);
	it->stored = 0;
	s->count--;
	s->bytes -= it->cost;
	cache_release(&it->pub);
}

static item *shard_find(shard *s, uint64_t h, const char *key, size_t keylen)
{
	for (item *it = s->buckets[h % s->nbuckets]; it; it = it->next)
		if (it->hash == h && it->keylen == keylen && !memcmp(it->key, key, keylen))
			return it;
	return NULL;
}

cache_entry *cache_get(cache *c, const char *key, size_t keylen, int64_t version)
{
	uint64_t h = kb_hash64(key, keylen);
	shard *s = &c->shards[h % SHARDS];
	pthread_mutex_lock(&s->mu);
	item *it = shard_find(s, h, key, keylen);
	if (it && it->pub.version != version) {
		shard_remove(s, it);
		it = NULL;
	}
	if (it) {
		lru_unlink(s, it);
		lru_push(s, it);
		atomic_fetch_add(&it->refs, 1);
	}
	pthread_mutex_unlock(&s->mu);
	return it ? &it->pub : NULL;
}

/* gzip-compresses p into a malloc'd copy; returns NULL if it would not
 * save at least a tenth of the bytes. */
static gzcopy *gzip(const char *p, size_t n)
{
	if (n < CACHE_GZIP_MIN)
		return NULL;
	/* libdeflate at level 4: the bytes zlib's level 4 made, in less than
	 * half its time (a 22 KB Hindi article: 83 us against 181), and a
	 * compressor kept per thread, as it costs more to make than to use. */
	static _Thread_local struct libdeflate_compressor *z;
	if (!z && !(z = libdeflate_alloc_compressor(4)))
		return NULL;
	size_t cap = libdeflate_gzip_compress_bound(z, n);
	gzcopy *g = kb_malloc(sizeof *g + cap);
	g->len = libdeflate_gzip_compress(z, p, n, g->bytes, cap);
	if (!g->len || g->len > n - n / 10) {
		free(g);
		return NULL;
	}
	return g;
}

const char *cache_gz(cache *c, cache_entry *e, size_t *len)
{
	item *it = (item *)e;
	gzcopy *gz = atomic_load_explicit(&it->gz, memory_order_acquire);
	if (!gz) {
		gzcopy *made = gzip(e->body, e->len), *want = made ? made : &no_gzip;
		if (atomic_compare_exchange_strong_explicit(&it->gz, &gz, want, memory_order_acq_rel,
							    memory_order_acquire)) {
			gz = want;
			/* Its bytes count against the shard's budget while the
			 * entry is there; the next insertion evicts for them. */
			shard *s = &c->shards[it->hash % SHARDS];
			pthread_mutex_lock(&s->mu);
			it->cost += want->len;
			if (it->stored)
				s->bytes += want->len;
			pthread_mutex_unlock(&s->mu);
		} else {
			free(made); /* another thread made it first */
		}
	}
	if (gz == &no_gzip)
		return NULL;
	*len = gz->len;
	return gz->bytes;
}

cache_entry *cache_make(cache *c, const char *key, size_t keylen, int store, int status,
			const char *content_type, const char *body, size_t len, int64_t version, int max_age,
			const cache_deps *deps)
{
	item *it = kb_calloc(1, sizeof *it);
	it->pub.status = status;
	it->pub.content_type = kb_strdup(content_type);
	it->pub.body = kb_strndup(body, len);
	it->pub.len = len;
	/* The ETag: the body's CRC-32 (libdeflate's, a few GB/s) and its
	 * length, which change together with the bytes. */
	snprintf(it->pub.etag, sizeof it->pub.etag, "\"%08x%08zx\"", (unsigned)libdeflate_crc32(0, body, len),
		 len);
	it->pub.version = version;
	it->pub.max_age = max_age;
	it->pub.keys = kb_strdup(deps && deps->keys ? deps->keys : "");
	it->key = kb_strndup(key, keylen);
	it->keylen = keylen;
	it->hash = kb_hash64(key, keylen);
	it->cost = sizeof *it + keylen + len + strlen(it->pub.keys);
	atomic_init(&it->refs, 1); /* the caller's */
	if (!store)
		return &it->pub;
	if (deps && deps->n) {
		it->deps = kb_calloc(deps->n, sizeof *it->deps);
		for (size_t i = 0; i < deps->n; i++) {
			it->deps[i] = kb_strdup(deps->tags[i]);
			it->cost += strlen(deps->tags[i]) + 1 + sizeof(char *);
		}
		it->ndeps = deps->n;
	}

	shard *s = &c->shards[it->hash % SHARDS];
	pthread_mutex_lock(&s->mu);
	if (deps && atomic_load(&c->gen) != deps->gen) {
		/* A drop happened while this was rendered: it may be stale. */
		pthread_mutex_unlock(&s->mu);
		return &it->pub;
	}
	item *old = shard_find(s, it->hash, key, keylen);
	if (old)
		shard_remove(s, old);
	if (it->cost <= s->budget) {
		atomic_fetch_add(&it->refs, 1); /* the shard's */
		size_t b = it->hash % s->nbuckets;
		it->next = s->buckets[b];
		s->buckets[b] = it;
		lru_push(s, it);
		it->stored = 1;
		s->count++;
		s->bytes += it->cost;
		while (s->bytes > s->budget && s->lru_tail && s->lru_tail != it) {
			shard_remove(s, s->lru_tail);
			s->evictions++;
		}
	}
	pthread_mutex_unlock(&s->mu);
	return &it->pub;
}

uint64_t cache_generation(cache *c)
{
	return atomic_load(&c->gen);
}

static int depends(const item *it, const char *const *tags, size_t n)
{
	if (!it->deps)
		return 1;
	for (size_t i = 0; i < it->ndeps; i++)
		for (size_t k = 0; k < n; k++)
			if (!strcmp(it->deps[i], tags[k]))
				return 1;
	return 0;
}

size_t cache_drop_tags(cache *c, const char *const *tags, size_t n)
{
	size_t dropped = 0;
	atomic_fetch_add(&c->gen, 1);
	for (int i = 0; i < SHARDS; i++) {
		shard *s = &c->shards[i];
		pthread_mutex_lock(&s->mu);
		for (item *it = s->lru_head, *next; it; it = next) {
			next = it->lru_next;
			if (depends(it, tags, n)) {
				shard_remove(s, it);
				dropped++;
			}
		}
		pthread_mutex_unlock(&s->mu);
	}
	return dropped;
}

void cache_clear(cache *c)
{
	atomic_fetch_add(&c->gen, 1);
	for (int i = 0; i < SHARDS; i++) {
		shard *s = &c->shards[i];
		pthread_mutex_lock(&s->mu);
		while (s->lru_head)
			shard_remove(s, s->lru_head);
		pthread_mutex_unlock(&s->mu);
	}
}

void cache_free(cache *c)
{
	if (!c)
		return;
	cache_clear(c);
	for (int i = 0; i < SHARDS; i++) {
		pthread_mutex_destroy(&c->shards[i].mu);
		free(c->shards[i].buckets);
	}
	free(c);
}

void cache_stats(cache *c, size_t *bytes, size_t *entries)
{
	*bytes = *entries = 0;
	for (int i = 0; i < SHARDS; i++) {
		shard *s = &c->shards[i];
		pthread_mutex_lock(&s->mu);
		*bytes += s->bytes;
		*entries += s->count;
		pthread_mutex_unlock(&s->mu);
	}
}

uint64_t cache_evictions(cache *c)
{
	uint64_t n = 0;
	for (int i = 0; i < SHARDS; i++) {
		shard *s = &c->shards[i];
		pthread_mutex_lock(&s->mu);
		n += s->evictions;
		pthread_mutex_unlock(&s->mu);
	}
	return n;
}
