/*
 * ratelimit.c: per-address sliding windows (see ratelimit.h): the key of
 * an address, and the take, which the store counts.
 */
#include "ratelimit.h"

#include <arpa/inet.h>
#include <string.h>

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

int64_t rate_take(store *st, const char *bucket, const char *ip, int64_t max, int64_t window, int64_t now)
{
	unsigned char key[16] = {0};
	if (ip)
		rate_ip_key(ip, key);
	int64_t wait;
	return store_rate_take(st, bucket, key, max, window, now, &wait) ? -1 : wait;
}
