/*
 * crypto.h: khabar's cryptography, on OpenSSL: password hashing with
 * scrypt, random bytes and tokens, SHA-256 and HMAC, comparison in
 * constant time, base64url and ES256 signatures (Web Push, ACME). No I/O and no store. In core so that every layer may use
 * it: sessions and CSRF tokens (src/http/session.c), logins and passwords
 * (src/newsroom, khabar user), photo names (src/media), signed push click
 * links (src/push), tip references and mail ids (src/tips).
 */
#ifndef KB_CRYPTO_H
#define KB_CRYPTO_H

#include <stddef.h>

#include "core.h"

/* scrypt cost: N = 2^15, r = 8, p = 1 (32 MiB, about 0.1 s here). */
#define KB_SCRYPT_LOG2N 15

/*
 * Hashes password with a fresh random salt into out, as
 * "$scrypt$ln=15,r=8,p=1$SALTHEX$HASHHEX". Returns 0, or -1 if OpenSSL
 * failed (out of memory).
 */
int kb_password_hash(const char *password, kb_buf *out);

/* Returns 1 when password matches encoded (from kb_password_hash), else
 * 0, also for an encoded string it cannot read. Takes as long for a wrong
 * password as for a right one. */
int kb_password_verify(const char *password, const char *encoded);

/* A hash that matches no password, for spending the same time on logins
 * to accounts that do not exist. */
const char *kb_password_dummy(void);

/* Fills out with 2 * nbytes hex digits of randomness from the OS CSPRNG
 * and a NUL (out must hold 2 * nbytes + 1). Fatal if none is available. */
void kb_random_hex(char *out, size_t nbytes);
/* Fills out with n random bytes. */
void kb_random_bytes(unsigned char *out, size_t n);

/* SHA-256 of s[0..n) as 64 hex digits and a NUL. */
void kb_sha256_hex(const char *s, size_t n, char out[65]);

/* HMAC-SHA-256 of msg under key, as 64 hex digits and a NUL. */
void kb_hmac_hex(const unsigned char *key, size_t keylen, const char *msg, char out[65]);

/* Compares two NUL-terminated strings in time that depends only on their
 * lengths. Returns 1 when equal; NULLs are never equal. */
int kb_secret_equal(const char *a, const char *b);

/* Appends the unpadded base64url (RFC 4648 §5) of p[0..n) to out. */
void b64url_encode(kb_buf *out, const void *p, size_t n);
/* Decodes unpadded (or padded) base64url s[0..len) into out (which has room
 * for cap bytes). Returns the number of bytes, or -1 on a bad character, a
 * bad length or too little room. Standard base64's '+' and '/' are refused. */
long b64url_decode(const char *s, size_t len, unsigned char *out, size_t cap);

/* ES256 (RFC 7518 §3.4): signs msg[0..n) with the P-256 key, SHA-256,
 * into the raw r || s that JWS wants. Returns 0, or -1 (not a P-256 key,
 * or OpenSSL failed). */
typedef struct evp_pkey_st EVP_PKEY;
int kb_es256_sign(EVP_PKEY *key, const void *msg, size_t n, unsigned char raw[64]);

#endif
