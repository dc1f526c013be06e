/*
 * fuzz_clienthello.c: libFuzzer target for the ClientHello extension
 * parsers (src/http/tlsparse.c). The first byte picks the parser. Checks
 * that a name found is NUL-ended inside its buffer with no NUL before,
 * and that nothing reads outside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	/* A copy of exactly size - 1 bytes: overreads are caught. */
	size_t n = size - 1;
	unsigned char *p = malloc(n ? n : 1);
	memcpy(p, data + 1, n);
	if (data[0] & 1) {
		char name[64];
		if (!tls_sni_name(p, n, name, sizeof name) && (!name[0] || strlen(name) >= sizeof name))
			abort();
	} else {
		(void)tls_alpn_offers(p, n, "acme-tls/1");
	}
	free(p);
	return 0;
}
