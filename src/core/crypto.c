/*
 * crypto.c: passwords, tokens and MACs on OpenSSL (see crypto.h).
 */
#include "crypto.h"

#include <openssl/crypto.h>
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
