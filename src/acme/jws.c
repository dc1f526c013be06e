/*
 * jws.c: the account key as a JWK (RFC 7517), its thumbprint (RFC 7638)
 * and the signed requests of RFC 8555 §6.2: flattened JWS JSON, ES256.
 * No I/O: client.c sends what this makes.
 */
#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <string.h>

#include "../core/crypto.h"
#include "acme.h"

int acme_jwk(EVP_PKEY *key, kb_buf *out)
{
	unsigned char pt[65];
	size_t len = 0;
	if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof pt, &len) != 1 ||
	    len != 65 || pt[0] != 4)
		return -1;
	/* RFC 7638 §3.2: the required members, sorted, no white space. */
	kb_buf_puts(out, "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"");
	b64url_encode(out, pt + 1, 32);
	kb_buf_puts(out, "\",\"y\":\"");
	b64url_encode(out, pt + 33, 32);
	kb_buf_puts(out, "\"}");
	return 0;
}

void acme_jwk_thumbprint(const char *jwk, char out[44])
{
	unsigned char md[32];
	unsigned int n = 0;
	if (EVP_Digest(jwk, strlen(jwk), md, &n, EVP_sha256(), NULL) != 1)
		kb_fatal("SHA-256 failed in OpenSSL");
	kb_buf b = {0};
	b64url_encode(&b, md, sizeof md);
	memcpy(out, b.data, 43);
	out[43] = 0;
	kb_buf_free(&b);
}

int acme_jws(kb_buf *out, EVP_PKEY *key, const char *jwk, const char *kid, const char *nonce, const char *url,
	     const char *payload)
{
	json_t *prot = json_pack("{s:s, s:s, s:s}", "alg", "ES256", "nonce", nonce, "url", url);
	json_t *jwk_obj = kid ? NULL : json_loads(jwk, 0, NULL);
	if (!prot || (kid ? json_object_set_new(prot, "kid", json_string(kid))
			  : !jwk_obj || json_object_set_new(prot, "jwk", jwk_obj))) {
		json_decref(prot);
		return -1;
	}
	char *ptext = json_dumps(prot, JSON_COMPACT);
	json_decref(prot);
	if (!ptext)
		return -1;
	kb_buf in = {0};
	b64url_encode(&in, ptext, strlen(ptext));
	free(ptext);
	size_t plen = in.len;
	kb_buf_putc(&in, '.');
	b64url_encode(&in, payload, strlen(payload));
	unsigned char sig[64];
	int rc = -1;
	if (!kb_es256_sign(key, in.data, in.len, sig)) {
		kb_buf_puts(out, "{\"protected\":\"");
		kb_buf_append(out, in.data, plen);
		kb_buf_puts(out, "\",\"payload\":\"");
		kb_buf_append(out, in.data + plen + 1, in.len - plen - 1);
		kb_buf_puts(out, "\",\"signature\":\"");
		b64url_encode(out, sig, sizeof sig);
		kb_buf_puts(out, "\"}");
		rc = 0;
	}
	kb_buf_free(&in);
	return rc;
}
