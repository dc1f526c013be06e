/*
 * tlsparse.c: the two ClientHello extensions tls.c reads to answer
 * TLS-ALPN-01 (RFC 7301's ALPN list, RFC 6066's server_name), parsed from
 * their bytes: no OpenSSL state, no I/O, so tests/fuzz/fuzz_clienthello.c
 * runs them alone.
 */
#include <string.h>

#include "tls.h"

int tls_alpn_offers(const unsigned char *p, size_t n, const char *proto)
{
	size_t want = strlen(proto);
	if (n < 2 || (size_t)(p[0] << 8 | p[1]) != n - 2)
		return 0;
	for (size_t i = 2; i < n;) {
		size_t len = p[i++];
		if (len > n - i)
			return 0;
		if (len == want && !memcmp(p + i, proto, want))
			return 1;
		i += len;
	}
	return 0;
}

int tls_sni_name(const unsigned char *p, size_t n, char *out, size_t cap)
{
	/* ServerNameList: length(2), then entries of type(1) length(2) name. */
	if (n < 2 || (size_t)(p[0] << 8 | p[1]) != n - 2)
		return -1;
	for (size_t i = 2; i + 3 <= n;) {
		unsigned type = p[i];
		size_t len = (size_t)(p[i + 1] << 8 | p[i + 2]);
		i += 3;
		if (len > n - i)
			return -1;
		if (type == 0) {
			if (!len || len >= cap || memchr(p + i, 0, len))
				return -1;
			memcpy(out, p + i, len);
			out[len] = 0;
			return 0;
		}
		i += len;
	}
	return -1;
}
