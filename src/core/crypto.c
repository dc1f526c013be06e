/*
 * crypto.c: passwords, tokens and MACs on OpenSSL (see crypto.h).
 */
#include "crypto.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#define SALT_BYTES 16
#define HASH_BYTES 32
#define SCRYPT_R 8
#define SCRYPT_P 1

static void hex(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = 0;
}

/* Reads exactly n bytes of lower-case hex from s; returns 0 or -1. */
static int unhex(const char *s, size_t len, unsigned char *out, size_t n)
{
	if (len != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned v = 0;
		for (int k = 0; k < 2; k++) {
			char c = s[2 * i + k];
			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else
				return -1;
		}
		out[i] = (unsigned char)v;
	}
	return 0;
}

void kb_random_bytes(unsigned char *out, size_t n)
{
	if (RAND_bytes(out, (int)n) != 1)
		kb_fatal("no randomness available from OpenSSL's RAND_bytes");
}

void kb_random_hex(char *out, size_t nbytes)
{
	unsigned char buf[64];
	if (nbytes > sizeof buf)
		kb_fatal("kb_random_hex: %zu bytes is more than %zu", nbytes, sizeof buf);
	kb_random_bytes(buf, nbytes);
	hex(buf, nbytes, out);
}

static int scrypt(const char *password, const unsigned char *salt, int log2n, unsigned char *key)
{
	uint64_t n = (uint64_t)1 << log2n;
	/* Memory needed is 128 * r * N (32 MiB at N = 2^15), plus slack. */
	uint64_t maxmem = 128 * SCRYPT_R * n + (1u << 20);
	return EVP_PBE_scrypt(password, strlen(password), salt, SALT_BYTES, n, SCRYPT_R, SCRYPT_P, maxmem,
			      key, HASH_BYTES) == 1
		       ? 0
		       : -1;
}

int kb_password_hash(const char *password, kb_buf *out)
{
	unsigned char salt[SALT_BYTES], key[HASH_BYTES];
	char salthex[2 * SALT_BYTES + 1], keyhex[2 * HASH_BYTES + 1];
	kb_random_bytes(salt, sizeof salt);
	if (scrypt(password, salt, KB_SCRYPT_LOG2N, key))
		return -1;
	hex(salt, sizeof salt, salthex);
	hex(key, sizeof key, keyhex);
	kb_buf_printf(out, "$scrypt$ln=%d,r=%d,p=%d$%s$%s", KB_SCRYPT_LOG2N, SCRYPT_R, SCRYPT_P, salthex,
		      keyhex);
	OPENSSL_cleanse(key, sizeof key);
	return 0;
}

const char *kb_password_dummy(void)
{
	/* A valid encoding whose key no password produces in practice. */
	return "$scrypt$ln=15,r=8,p=1$00000000000000000000000000000000$"
	       "0000000000000000000000000000000000000000000000000000000000000000";
}

int kb_password_verify(const char *password, const char *encoded)
{
	int log2n, r, p, used = 0;
	if (!password || !encoded ||
	    sscanf(encoded, "$scrypt$ln=%d,r=%d,p=%d$%n", &log2n, &r, &p, &used) != 3 || !used)
		return 0;
	/* Hashes this build did not make are refused, not trusted. */
	if (log2n < 10 || log2n > 20 || r != SCRYPT_R || p != SCRYPT_P)
		return 0;
	const char *salthex = encoded + used;
	const char *dollar = strchr(salthex, '$');
	unsigned char salt[SALT_BYTES], want[HASH_BYTES], got[HASH_BYTES];
	if (!dollar || unhex(salthex, (size_t)(dollar - salthex), salt, sizeof salt) ||
	    unhex(dollar + 1, strlen(dollar + 1), want, sizeof want))
		return 0;
	if (scrypt(password, salt, log2n, got))
		return 0;
	int ok = CRYPTO_memcmp(got, want, sizeof got) == 0;
	OPENSSL_cleanse(got, sizeof got);
	return ok;
}

void kb_sha256_hex(const char *s, size_t n, char out[65])
{
	unsigned char md[32];
	unsigned int len = 0;
	if (EVP_Digest(s, n, md, &len, EVP_sha256(), NULL) != 1 || len != 32)
		kb_fatal("SHA-256 failed in OpenSSL");
	hex(md, 32, out);
}

void kb_hmac_hex(const unsigned char *key, size_t keylen, const char *msg, char out[65])
{
	unsigned char md[32];
	unsigned int len = 0;
	if (!HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)msg, strlen(msg), md, &len) ||
	    len != 32)
		kb_fatal("HMAC-SHA-256 failed in OpenSSL");
	hex(md, 32, out);
}

int kb_secret_equal(const char *a, const char *b)
{
	if (!a || !b)
		return 0;
	size_t n = strlen(a);
	if (n != strlen(b))
		return 0;
	return CRYPTO_memcmp(a, b, n) == 0;
}

/* ---- base64url (RFC 4648 §5), as Web Push and JWS use it ---- */

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void b64url_encode(kb_buf *out, const void *p, size_t n)
{
	const unsigned char *s = p;
	kb_buf_reserve(out, (n + 2) / 3 * 4 + 1);
	out->data[out->len] = 0; /* terminated even when n is 0 */
	size_t i = 0;
	for (; i + 3 <= n; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8 | s[i + 2];
		char q[4] = {b64chars[v >> 18], b64chars[(v >> 12) & 63], b64chars[(v >> 6) & 63],
			     b64chars[v & 63]};
		kb_buf_append(out, q, 4);
	}
	if (n - i == 1) {
		unsigned v = (unsigned)s[i] << 16;
		char q[2] = {b64chars[v >> 18], b64chars[(v >> 12) & 63]};
		kb_buf_append(out, q, 2);
	} else if (n - i == 2) {
		unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8;
		char q[3] = {b64chars[v >> 18], b64chars[(v >> 12) & 63], b64chars[(v >> 6) & 63]};
		kb_buf_append(out, q, 3);
	}
}

long b64url_decode(const char *s, size_t len, unsigned char *out, size_t cap)
{
	while (len && s[len - 1] == '=')
		len--;
	if (len % 4 == 1)
		return -1;
	size_t n = 0;
	unsigned v = 0, bits = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int d = c >= 'A' && c <= 'Z'   ? c - 'A'
			: c >= 'a' && c <= 'z' ? c - 'a' + 26
			: c >= '0' && c <= '9' ? c - '0' + 52
			: c == '-'             ? 62
			: c == '_'             ? 63
					       : -1;
		if (d < 0)
			return -1;
		v = v << 6 | (unsigned)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == cap)
				return -1;
			out[n++] = (unsigned char)(v >> bits);
			v &= (1u << bits) - 1;
		}
	}
	if (v) /* leftover bits must be zero: one encoding per value */
		return -1;
	return (long)n;
}

int kb_es256_sign(EVP_PKEY *key, const void *msg, size_t n, unsigned char raw[64])
{
	/* OpenSSL gives a DER ECDSA-Sig-Value; JWS wants the raw 64 bytes
	 * r || s (RFC 7518 §3.4). */
	unsigned char der[80];
	size_t derlen = sizeof der;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	ECDSA_SIG *sig = NULL;
	const unsigned char *p = der;
	int rc = -1;
	if (md && EVP_DigestSignInit_ex(md, NULL, "SHA256", NULL, NULL, key, NULL) == 1 &&
	    EVP_DigestSign(md, der, &derlen, msg, n) == 1 && (sig = d2i_ECDSA_SIG(NULL, &p, (long)derlen)) &&
	    BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, 32) == 32 &&
	    BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + 32, 32) == 32)
		rc = 0;
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(md);
	return rc;
}
