/*
 * test_acme.c: the pure parts of HTTPS and the ACME client: the JWK of
 * RFC 7517's example P-256 key and its RFC 7638 thumbprint, JWS requests
 * (protected header, payload, an ES256 signature OpenSSL verifies),
 * certificate signing requests, self-signed certificates with and
 * without RFC 8737's acmeIdentifier, what a certificate says (expiry,
 * serial, names), the ClientHello extension parsers and the plain
 * listener's Host check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "acme/acme.h"
#include "core/crypto.h"
#include "core/pki.h"
#include "http/plain.h"
#include "http/tls.h"

/* RFC 7517, Appendix A.2's P-256 private key; A.1 gives its public half. */
static const char *const RFC_D = "870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE";
static const char *const RFC_X = "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4";
static const char *const RFC_Y = "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM";

/* The EVP_PKEY of a base64url private scalar. */
static EVP_PKEY *key_from_d(const char *d64)
{
	unsigned char d[32], pt[65];
	assert_int_equal(b64url_decode(d64, strlen(d64), d, sizeof d), 32);
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	EC_POINT *pub = EC_POINT_new(g);
	BIGNUM *k = BN_bin2bn(d, 32, NULL);
	assert_true(EC_POINT_mul(g, pub, k, NULL, NULL, NULL));
	assert_int_equal(EC_POINT_point2oct(g, pub, POINT_CONVERSION_UNCOMPRESSED, pt, 65, NULL), 65);
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
	OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, k);
	OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt, 65);
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *key = NULL;
	assert_int_equal(EVP_PKEY_fromdata_init(ctx), 1);
	assert_int_equal(EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_KEYPAIR, params), 1);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(k);
	EC_POINT_free(pub);
	EC_GROUP_free(g);
	return key;
}

static void test_jwk_and_thumbprint(void **state)
{
	EVP_PKEY *key = key_from_d(RFC_D);
	kb_buf jwk = {0}, want = {0};
	assert_int_equal(acme_jwk(key, &jwk), 0);
	/* RFC 7638 §3: required members only, in lexicographic order, no
	 * white space. */
	kb_buf_printf(&want, "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}", RFC_X, RFC_Y);
	assert_string_equal(kb_buf_str(&jwk), kb_buf_str(&want));
	/* The thumbprint is base64url(SHA-256(that text)). */
	unsigned char md[32];
	unsigned int n;
	EVP_Digest(want.data, want.len, md, &n, EVP_sha256(), NULL);
	kb_buf b64 = {0};
	b64url_encode(&b64, md, 32);
	char thumb[44];
	acme_jwk_thumbprint(kb_buf_str(&jwk), thumb);
	assert_int_equal(strlen(thumb), 43);
	assert_string_equal(thumb, kb_buf_str(&b64));
	kb_buf_free(&jwk);
	kb_buf_free(&want);
	kb_buf_free(&b64);
	EVP_PKEY_free(key);
}

/* Decodes base64url field name of o as a NUL-ended string. */
static char *field_text(json_t *o, const char *name)
{
	const char *v = json_string_value(json_object_get(o, name));
	assert_non_null(v);
	unsigned char *out = malloc(strlen(v) + 1);
	long n = b64url_decode(v, strlen(v), out, strlen(v));
	assert_true(n >= 0);
	out[n] = 0;
	return (char *)out;
}

/* Whether sig64 (raw r || s) is key's ES256 signature of msg. */
static int es256_verifies(EVP_PKEY *key, const char *msg, const char *sig64)
{
	unsigned char raw[64], *der = NULL;
	if (b64url_decode(sig64, strlen(sig64), raw, sizeof raw) != 64)
		return 0;
	ECDSA_SIG *sig = ECDSA_SIG_new();
	ECDSA_SIG_set0(sig, BN_bin2bn(raw, 32, NULL), BN_bin2bn(raw + 32, 32, NULL));
	int len = i2d_ECDSA_SIG(sig, &der);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
		 EVP_DigestVerify(md, der, (size_t)len, (const unsigned char *)msg, strlen(msg)) == 1;
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	return ok;
}

static void test_jws(void **state)
{
	EVP_PKEY *key = pki_key_new();
	kb_buf jwk = {0}, jws = {0};
	assert_int_equal(acme_jwk(key, &jwk), 0);
	/* newAccount names the key by its JWK. */
	assert_int_equal(acme_jws(&jws, key, kb_buf_str(&jwk), NULL, "n0nce", "https://ca.example/new-acct",
				  "{\"termsOfServiceAgreed\":true}"),
			 0);
	json_t *o = json_loads(kb_buf_str(&jws), 0, NULL);
	assert_non_null(o);
	char *prot = field_text(o, "protected"), *payload = field_text(o, "payload");
	assert_string_equal(payload, "{\"termsOfServiceAgreed\":true}");
	json_t *h = json_loads(prot, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(h, "alg")), "ES256");
	assert_string_equal(json_string_value(json_object_get(h, "nonce")), "n0nce");
	assert_string_equal(json_string_value(json_object_get(h, "url")), "https://ca.example/new-acct");
	assert_string_equal(json_string_value(json_object_get(json_object_get(h, "jwk"), "kty")), "EC");
	assert_null(json_object_get(h, "kid"));
	kb_buf signed_text = {0};
	kb_buf_printf(&signed_text, "%s.%s", json_string_value(json_object_get(o, "protected")),
		      json_string_value(json_object_get(o, "payload")));
	assert_true(es256_verifies(key, kb_buf_str(&signed_text),
				   json_string_value(json_object_get(o, "signature"))));
	/* A changed payload does not verify. */
	kb_buf_puts(&signed_text, "x");
	assert_false(es256_verifies(key, kb_buf_str(&signed_text),
				    json_string_value(json_object_get(o, "signature"))));
	json_decref(h);
	json_decref(o);
	free(prot);
	free(payload);

	/* Later requests name the account by kid; POST-as-GET has an
	 * empty payload. */
	kb_buf_reset(&jws);
	assert_int_equal(acme_jws(&jws, key, kb_buf_str(&jwk), "https://ca.example/acct/1", "n2",
				  "https://ca.example/o/1", ""),
			 0);
	o = json_loads(kb_buf_str(&jws), 0, NULL);
	assert_string_equal(json_string_value(json_object_get(o, "payload")), "");
	prot = field_text(o, "protected");
	h = json_loads(prot, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(h, "kid")), "https://ca.example/acct/1");
	assert_null(json_object_get(h, "jwk"));
	json_decref(h);
	json_decref(o);
	free(prot);
	kb_buf_free(&signed_text);
	kb_buf_free(&jwk);
	kb_buf_free(&jws);
	EVP_PKEY_free(key);
}

/* The DNS names of a GENERAL_NAMES stack, comma-separated. */
static void names_text(GENERAL_NAMES *alt, char *out, size_t cap)
{
	out[0] = 0;
	for (int i = 0; i < sk_GENERAL_NAME_num(alt); i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(alt, i);
		if (g->type == GEN_DNS)
			snprintf(out + strlen(out), cap - strlen(out), "%s%s", i ? "," : "",
				 (const char *)ASN1_STRING_get0_data(g->d.dNSName));
	}
}

static void test_csr(void **state)
{
	EVP_PKEY *key = pki_key_new();
	const char *names[] = {"news.example.com", "www.news.example.com"};
	kb_buf der = {0};
	assert_int_equal(pki_csr_der(key, names, 2, &der), 0);
	const unsigned char *p = (const unsigned char *)der.data;
	X509_REQ *req = d2i_X509_REQ(NULL, &p, (long)der.len);
	assert_non_null(req);
	assert_int_equal(X509_REQ_verify(req, key), 1);
	STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(req);
	GENERAL_NAMES *alt = X509V3_get_d2i(exts, NID_subject_alt_name, NULL, NULL);
	char got[200];
	names_text(alt, got, sizeof got);
	assert_string_equal(got, "news.example.com,www.news.example.com");
	GENERAL_NAMES_free(alt);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_REQ_free(req);
	kb_buf_free(&der);
	assert_int_equal(pki_csr_der(key, names, 0, &der), -1);
	EVP_PKEY_free(key);
}

static void test_certificates(void **state)
{
	EVP_PKEY *key = pki_key_new();
	const char *names[] = {"news.example.com", "www.news.example.com"};
	kb_buf pem = {0};
	assert_int_equal(pki_self_signed(key, names, 2, 10, NULL, &pem), 0);
	int64_t not_after = 0;
	char serial[80];
	assert_int_equal(pki_cert_info(pem.data, pem.len, &not_after, serial), 0);
	int64_t want = (int64_t)time(NULL) + 10 * 86400;
	assert_true(not_after > want - 60 && not_after <= want + 1);
	assert_true(strlen(serial) >= 16 && strspn(serial, "0123456789abcdef") == strlen(serial));
	assert_true(pki_cert_covers(pem.data, pem.len, names, 2));
	const char *other[] = {"news.example.com", "evil.example.com"};
	assert_false(pki_cert_covers(pem.data, pem.len, other, 2));
	const char *upper[] = {"NEWS.example.com"};
	assert_true(pki_cert_covers(pem.data, pem.len, upper, 1));
	assert_int_equal(pki_cert_info("not pem", 7, &not_after, NULL), -1);

	/* Two certificates for one key differ in serial. */
	kb_buf pem2 = {0};
	char serial2[80];
	assert_int_equal(pki_self_signed(key, names, 1, 10, NULL, &pem2), 0);
	assert_int_equal(pki_cert_info(pem2.data, pem2.len, &not_after, serial2), 0);
	assert_string_not_equal(serial, serial2);

	/* RFC 8737 §3: the TLS-ALPN-01 certificate's acmeIdentifier is
	 * critical and holds the DER OCTET STRING of the SHA-256. */
	unsigned char id[32];
	for (int i = 0; i < 32; i++)
		id[i] = (unsigned char)i;
	kb_buf chal = {0};
	assert_int_equal(pki_self_signed(key, names, 1, 7, id, &chal), 0);
	BIO *b = BIO_new_mem_buf(chal.data, (int)chal.len);
	X509 *c = PEM_read_bio_X509(b, NULL, NULL, NULL);
	assert_non_null(c);
	ASN1_OBJECT *obj = OBJ_txt2obj("1.3.6.1.5.5.7.1.31", 1);
	int at = X509_get_ext_by_OBJ(c, obj, -1);
	assert_true(at >= 0);
	X509_EXTENSION *e = X509_get_ext(c, at);
	assert_int_equal(X509_EXTENSION_get_critical(e), 1);
	ASN1_OCTET_STRING *v = X509_EXTENSION_get_data(e);
	assert_int_equal(ASN1_STRING_length(v), 34);
	const unsigned char *d = ASN1_STRING_get0_data(v);
	assert_int_equal(d[0], 0x04);
	assert_int_equal(d[1], 0x20);
	assert_memory_equal(d + 2, id, 32);
	ASN1_OBJECT_free(obj);
	X509_free(c);
	BIO_free(b);

	/* The key goes out as PEM and comes back. */
	kb_buf kp = {0};
	assert_int_equal(pki_key_pem(key, &kp), 0);
	EVP_PKEY *back = pki_key_read(kp.data, kp.len);
	assert_non_null(back);
	assert_int_equal(EVP_PKEY_eq(key, back), 1);
	assert_null(pki_key_read("junk", 4));
	EVP_PKEY_free(back);
	kb_buf_free(&kp);
	kb_buf_free(&chal);
	kb_buf_free(&pem);
	kb_buf_free(&pem2);
	EVP_PKEY_free(key);
}

static void test_client_hello_parsers(void **state)
{
	/* ALPN: list length, then length-prefixed names. */
	static const unsigned char alpn[] = {0,   14,  2,   'h', '2', 10,  'a', 'c',
					     'm', 'e', '-', 't', 'l', 's', '/', '1'};
	assert_true(tls_alpn_offers(alpn, sizeof alpn, "acme-tls/1"));
	assert_true(tls_alpn_offers(alpn, sizeof alpn, "h2"));
	assert_false(tls_alpn_offers(alpn, sizeof alpn, "http/1.1"));
	/* A name running past the end, or a wrong list length. */
	static const unsigned char bad[] = {0, 4, 9, 'h', '2', 'x'};
	assert_false(tls_alpn_offers(bad, sizeof bad, "h2"));
	assert_false(tls_alpn_offers(alpn, sizeof alpn - 1, "h2"));
	assert_false(tls_alpn_offers(alpn, 1, "h2"));

	static const unsigned char sni[] = {0, 12, 0, 0, 9, 'l', 'o', 'c', 'a', 'l', 'h', 'o', 's', 't'};
	char name[64];
	assert_int_equal(tls_sni_name(sni, sizeof sni, name, sizeof name), 0);
	assert_string_equal(name, "localhost");
	assert_int_equal(tls_sni_name(sni, sizeof sni, name, 5), -1);
	assert_int_equal(tls_sni_name(sni, sizeof sni - 1, name, sizeof name), -1);
	static const unsigned char nul[] = {0, 6, 0, 0, 3, 'a', 0, 'b'};
	assert_int_equal(tls_sni_name(nul, sizeof nul, name, sizeof name), -1);
}

static void test_plain_host(void **state)
{
	assert_int_equal(plain_host("news.example.com", 16), 16);
	assert_int_equal(plain_host("news.example.com:80", 19), 16);
	assert_int_equal(plain_host("[::1]:8080", 10), 5);
	assert_int_equal(plain_host("evil\"host", 9), 0);
	assert_int_equal(plain_host("a/b", 3), 0);
	assert_int_equal(plain_host("[::1", 4), 0);
	assert_int_equal(plain_host("", 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jwk_and_thumbprint),
		cmocka_unit_test(test_jws),
		cmocka_unit_test(test_csr),
		cmocka_unit_test(test_certificates),
		cmocka_unit_test(test_client_hello_parsers),
		cmocka_unit_test(test_plain_host),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
