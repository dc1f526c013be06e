/*
 * vapid.c: the server's identity towards push services (RFC 8292).
 *
 * The key pair is P-256, kept in the site's settings as base64url: the
 * 65-byte uncompressed public point (what browsers get as
 * applicationServerKey) and the 32-byte private scalar. A JWT is signed
 * with ES256 (RFC 7518 §3.4, kb_es256_sign in src/core/crypto.c). The delivery
 * engine signs once per push-service origin and reuses the token until
 * close to its expiry, so signing speed does not matter here; clarity does.
 */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <string.h>

#include "../core/crypto.h"
#include "push.h"

int push_vapid_generate(char **public_b64, char **private_b64)
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	EC_POINT *pub = g ? EC_POINT_new(g) : NULL;
	BIGNUM *k = BN_new();
	unsigned char priv[32], pt[65];
	int rc = -1;
	if (!pub || !k)
		goto out;
	do {
		if (RAND_priv_bytes(priv, 32) != 1 || !BN_bin2bn(priv, 32, k))
			goto out;
	} while (BN_is_zero(k) || BN_cmp(k, EC_GROUP_get0_order(g)) >= 0);
	if (!EC_POINT_mul(g, pub, k, NULL, NULL, NULL) ||
	    EC_POINT_point2oct(g, pub, POINT_CONVERSION_UNCOMPRESSED, pt, 65, NULL) != 65)
		goto out;
	kb_buf b = {0};
	b64url_encode(&b, pt, 65);
	*public_b64 = kb_buf_take(&b, NULL);
	b64url_encode(&b, priv, 32);
	*private_b64 = kb_buf_take(&b, NULL);
	rc = 0;
out:
	OPENSSL_cleanse(priv, sizeof priv);
	BN_clear_free(k);
	EC_POINT_free(pub);
	EC_GROUP_free(g);
	return rc;
}

/* An EVP_PKEY for the private scalar (with its public point, which
 * OpenSSL's EC key management wants). NULL on a bad key. */
static EVP_PKEY *private_key(const char *private_b64)
{
	unsigned char priv[33], pt[65];
	long n = b64url_decode(private_b64, strlen(private_b64), priv, sizeof priv);
	if (n != 32)
		return NULL;
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	EC_POINT *pub = g ? EC_POINT_new(g) : NULL;
	BIGNUM *k = BN_bin2bn(priv, 32, NULL);
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	if (!pub || !k || !bld || BN_is_zero(k) || BN_cmp(k, EC_GROUP_get0_order(g)) >= 0 ||
	    !EC_POINT_mul(g, pub, k, NULL, NULL, NULL) ||
	    EC_POINT_point2oct(g, pub, POINT_CONVERSION_UNCOMPRESSED, pt, 65, NULL) != 65)
		goto out;
	if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, k) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt, 65) ||
	    !(params = OSSL_PARAM_BLD_to_param(bld)))
		goto out;
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params) <= 0)
		pkey = NULL;
out:
	OPENSSL_cleanse(priv, sizeof priv);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(k);
	EC_POINT_free(pub);
	EC_GROUP_free(g);
	return pkey;
}

int push_vapid_jwt(kb_buf *out, const char *private_b64, const char *audience, int64_t exp,
		   const char *subject)
{
	EVP_PKEY *pkey = private_key(private_b64);
	if (!pkey)
		return -1;
	kb_buf in = {0}, claims = {0};
	static const char header[] = "{\"typ\":\"JWT\",\"alg\":\"ES256\"}";
	b64url_encode(&in, header, sizeof header - 1);
	kb_buf_putc(&in, '.');
	/* audience and subject are an origin and a mailto:/https: URL, which
	 * the callers check; escape quotes and backslashes all the same. */
	kb_buf_puts(&claims, "{\"aud\":\"");
	for (const char *p = audience; *p; p++) {
		if (*p == '"' || *p == '\\')
			kb_buf_putc(&claims, '\\');
		kb_buf_putc(&claims, *p);
	}
	kb_buf_printf(&claims, "\",\"exp\":%lld,\"sub\":\"", (long long)exp);
	for (const char *p = subject; *p; p++) {
		if (*p == '"' || *p == '\\')
			kb_buf_putc(&claims, '\\');
		kb_buf_putc(&claims, *p);
	}
	kb_buf_puts(&claims, "\"}");
	b64url_encode(&in, claims.data, claims.len);

	int rc = -1;
	unsigned char raw[64];
	if (!kb_es256_sign(pkey, in.data, in.len, raw)) {
		kb_buf_append(out, in.data, in.len);
		kb_buf_putc(out, '.');
		b64url_encode(out, raw, 64);
		rc = 0;
	}
	EVP_PKEY_free(pkey);
	kb_buf_free(&in);
	kb_buf_free(&claims);
	return rc;
}
