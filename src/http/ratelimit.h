/*
 * ratelimit.h: sliding-window limits on what one client address may do,
 * kept in memory: the readers' tips (src/tips/guard.c) and new push
 * subscriptions (src/pages/push.c) count with it. Not here: who counts
 * what, and the answer a refused request gets; those are the pages'.
 *
 * A limit remembers the times of the last `max` takes of each key, as a
 * ring, in a table of a fixed number of keys (bounded memory however many
 * addresses come; a new address replaces the stalest of the few places it
 * may hash to). One mutex per limit makes "is there room? then count" one
 * step, so threads racing each other cannot pass it together. A restart
 * forgets every count, and servers behind a balancer count apart.
 */
#ifndef KB_RATELIMIT_H
#define KB_RATELIMIT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

typedef struct rate_limit {
	unsigned max;   /* takes per window */
	int64_t window; /* seconds */
	size_t nkeys;   /* keys remembered; 1 for one count shared by everyone */
	pthread_mutex_t mu;
	unsigned char *slots; /* allocated at the first take */
} rate_limit;

/* A limit of max takes per window seconds for each of up to nkeys keys,
 * for a static definition: static rate_limit l = RATE_LIMIT(10, 600, 4096); */
#define RATE_LIMIT(max_, window_, nkeys_)                                                              \
	{                                                                                              \
		.max = (max_), .window = (window_), .nkeys = (nkeys_), .mu = PTHREAD_MUTEX_INITIALIZER \
	}

/* A client address ("203.0.113.7", "2001:db8::1", "::ffff:198.51.100.1")
 * as a key: IPv4 mapped into IPv6; IPv6 cut to its /64 (one subscriber's
 * network, which may hand out any address in it), except an IPv4 reader
 * on an IPv6 listener, who keeps the whole address (cut to /64, every
 * IPv4 reader would share one count). Text that is no address gives the
 * all-zero key. */
void rate_ip_key(const char *ip, unsigned char key[16]);

/*
 * Counts one take for key at now (UTC seconds): 0 when there was room,
 * else the seconds until there is (at least 1), and nothing is counted.
 * Thread-safe. rate_take_ip is the same for an address (rate_ip_key).
 */
int64_t rate_take(rate_limit *l, const unsigned char key[16], int64_t now);
int64_t rate_take_ip(rate_limit *l, const char *ip, int64_t now);

/* Forgets every count (tests). */
void rate_reset(rate_limit *l);

#endif
