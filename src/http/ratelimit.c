/*
 * ratelimit.c: per-address sliding windows in memory (see ratelimit.h).
 * A slot is a key and the ring of its last `max` take times; the table of
 * nkeys slots is open addressing with a few probes, the stalest probed
 * slot giving way to a new key.
 */
#include "ratelimit.h"

#include <arpa/inet.h>
#include <string.h>

#include "../core/core.h"

#define PROBES 8

typedef struct slot {
	unsigned char key[16];
	unsigned next, n; /* next: the oldest time once the ring is full */
	int64_t at[];     /* max times */
} slot;

void rate_ip_key(const char *ip, unsigned char key[16])
{
	memset(key, 0, 16);
	struct in_addr v4;
	if (inet_pton(AF_INET, ip, &v4) == 1) {
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &v4, 4);
	} else if (inet_pton(AF_INET6, ip, key) == 1 && !IN6_IS_ADDR_V4MAPPED((struct in6_addr *)key)) {
		memset(key + 8, 0, 8);
	}
}

static size_t stride(const rate_limit *l)
{
	return sizeof(slot) + l->max * sizeof(int64_t);
}

static slot *slot_at(const rate_limit *l, size_t i)
{
	return (slot *)(l->slots + (i % l->nkeys) * stride(l));
}

static size_t hash(const unsigned char key[16])
{
	return (size_t)kb_hash64(key, 16);
}

/* The newest time in s's ring, 0 when empty. */
static int64_t newest(const rate_limit *l, const slot *s)
{
	return s->n ? s->at[(s->next + l->max - 1) % l->max] : 0;
}

/* The slot of key, or the stalest of its probes emptied for it. Under mu. */
static slot *find(rate_limit *l, const unsigned char key[16])
{
	size_t h = hash(key), probes = l->nkeys < PROBES ? l->nkeys : PROBES;
	slot *stale = NULL;
	for (size_t i = 0; i < probes; i++) {
		slot *c = slot_at(l, h + i);
		if (c->n && !memcmp(c->key, key, 16))
			return c;
		if (!stale || newest(l, c) < newest(l, stale))
			stale = c;
	}
	memset(stale, 0, stride(l));
	memcpy(stale->key, key, 16);
	return stale;
}

int64_t rate_take(rate_limit *l, const unsigned char key[16], int64_t now)
{
	pthread_mutex_lock(&l->mu);
	if (!l->slots)
		l->slots = kb_calloc(l->nkeys, stride(l));
	slot *s = find(l, key);
	int64_t wait = 0;
	if (s->n == l->max) {
		int64_t oldest = s->at[s->next];
		wait = oldest + l->window > now ? oldest + l->window - now : 0;
	}
	if (!wait) {
		s->at[s->next] = now;
		s->next = (s->next + 1) % l->max;
		if (s->n < l->max)
			s->n++;
	}
	pthread_mutex_unlock(&l->mu);
	return wait;
}

int64_t rate_take_ip(rate_limit *l, const char *ip, int64_t now)
{
	unsigned char key[16];
	rate_ip_key(ip, key);
	return rate_take(l, key, now);
}

void rate_reset(rate_limit *l)
{
	pthread_mutex_lock(&l->mu);
	if (l->slots)
		memset(l->slots, 0, l->nkeys * stride(l));
	pthread_mutex_unlock(&l->mu);
}
