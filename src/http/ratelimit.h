/*
 * ratelimit.h: sliding-window limits on what one reader's address may do,
 * counted in the database (store_rate_take), so they hold whichever
 * server answers and across restarts: the readers' tips (src/pages/tips.c
 * through src/tips/guard.c) and new push subscriptions (src/pages/push.c)
 * count with it. Not here: who counts what, and the answer a refused
 * request gets; those are the pages'.
 */
#ifndef KB_RATELIMIT_H
#define KB_RATELIMIT_H

#include <stdint.h>

#include "../db/store.h"

/* A client address ("203.0.113.7", "2001:db8::1", "::ffff:198.51.100.1")
 * as a key: IPv4 mapped into IPv6; IPv6 cut to its /64 (one subscriber's
 * network, which may hand out any address in it), except an IPv4 reader
 * on an IPv6 listener, who keeps the whole address (cut to /64, every
 * IPv4 reader would share one count). Text that is no address gives the
 * all-zero key, which is also everyone's (ip NULL below). */
void rate_ip_key(const char *ip, unsigned char key[16]);

/*
 * Counts one take of bucket for the address ip (NULL: one count for
 * everyone) at now (UTC seconds), at most max per window seconds: 0 when
 * there was room, else the seconds until there is (at least 1), and
 * nothing is counted; -1 when the store failed (store_errmsg).
 */
int64_t rate_take(store *st, const char *bucket, const char *ip, int64_t max, int64_t window, int64_t now);

#endif
