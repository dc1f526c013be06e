/*
 * token.c: the signed links of the digest's mails (see digest.h): a
 * subscriber's id, a time and an HMAC under a site secret over both and
 * the address, so a link cannot be guessed or moved to another address,
 * and no login is needed. The key comes from the store; the rest is pure.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/crypto.h"
#include "digest.h"

#define MAC_HEX 32

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned char g_key[32];
static int g_have;

int digest_key(store *st, unsigned char key[32])
{
	pthread_mutex_lock(&g_mu);
	if (!g_have) {
		unsigned char fresh[32];
		kb_random_bytes(fresh, sizeof fresh);
		g_have = !store_secret(st, "digest", fresh, sizeof fresh, g_key);
	}
	if (g_have)
		memcpy(key, g_key, 32);
	int ok = g_have;
	pthread_mutex_unlock(&g_mu);
	return ok ? 0 : -1;
}

/* The MAC of (kind, id, issued, email), MAC_HEX hex digits and a NUL. */
static void mac(const unsigned char key[32], char kind, int64_t id, int64_t issued, const char *email,
		char out[65])
{
	kb_buf m = {0};
	kb_buf_printf(&m, "digest:%c:%lld:%lld:%s", kind, (long long)id, (long long)issued, email);
	kb_hmac_hex(key, 32, kb_buf_str(&m), out);
	kb_buf_free(&m);
	out[MAC_HEX] = 0;
}

void digest_token(const unsigned char key[32], char kind, int64_t id, const char *email, int64_t issued,
		  char out[DIGEST_TOKEN_MAX])
{
	char m[65];
	mac(key, kind, id, issued, email, m);
	snprintf(out, DIGEST_TOKEN_MAX, "%c%lld.%lld.%s", kind, (long long)id, (long long)issued, m);
}

int digest_token_parse(const char *token, char *kind, int64_t *id, int64_t *issued)
{
	if (!token || (token[0] != 'c' && token[0] != 'm') || strlen(token) >= DIGEST_TOKEN_MAX)
		return -1;
	const char *p = token + 1;
	size_t n = strspn(p, "0123456789");
	if (!n || n > 18 || p[n] != '.')
		return -1;
	const char *q = p + n + 1;
	size_t k = strspn(q, "0123456789");
	if (!k || k > 18 || q[k] != '.')
		return -1;
	const char *m = q + k + 1;
	if (strlen(m) != MAC_HEX || strspn(m, "0123456789abcdef") != MAC_HEX)
		return -1;
	*kind = token[0];
	*id = strtoll(p, NULL, 10);
	*issued = strtoll(q, NULL, 10);
	return *id > 0 ? 0 : -1;
}

int digest_token_valid(const unsigned char key[32], const char *token, char kind, int64_t id,
		       const char *email, int64_t now)
{
	char k;
	int64_t tid, issued;
	if (digest_token_parse(token, &k, &tid, &issued) || k != kind || tid != id)
		return 0;
	if (kind == 'c' && (issued > now + 300 || now - issued > DIGEST_CONFIRM_TTL))
		return 0;
	if (kind == 'm' && issued)
		return 0;
	char want[65];
	mac(key, kind, id, issued, email, want);
	return kb_secret_equal(strrchr(token, '.') + 1, want);
}
