/*
 * auth.h: the newsroom's cryptography, on OpenSSL: password hashing with
 * scrypt, random tokens, SHA-256 and HMAC for session and CSRF tokens, and
 * comparison in constant time. No I/O and no store: the dispatcher
 * (src/http/server.c) and the login pages put these together.
 */
#ifndef KB_AUTH_H
#define KB_AUTH_H

#include <stddef.h>

#include "../core/core.h"

/* scrypt cost: N = 2^15, r = 8, p = 1 (32 MiB, about 0.1 s here). */
#define AUTH_SCRYPT_LOG2N 15

/*
 * Hashes password with a fresh random salt into out, as
 * "$scrypt$ln=15,r=8,p=1$SALTHEX$HASHHEX". Returns 0, or -1 if OpenSSL
 * failed (out of memory).
 */
int auth_password_hash(const char *password, kb_buf *out);

/* Returns 1 when password matches encoded (from auth_password_hash), else
 * 0, also for an encoded string it cannot read. Takes as long for a wrong
 * password as for a right one. */
int auth_password_verify(const char *password, const char *encoded);

/* A hash that matches no password, for spending the same time on logins
 * to accounts that do not exist. */
const char *auth_dummy_hash(void);

/* Fills out with 2 * nbytes hex digits of randomness from the OS CSPRNG
 * and a NUL (out must hold 2 * nbytes + 1). Fatal if none is available. */
void auth_random_hex(char *out, size_t nbytes);
/* Fills out with n random bytes. */
void auth_random_bytes(unsigned char *out, size_t n);

/* SHA-256 of s[0..n) as 64 hex digits and a NUL. */
void auth_sha256_hex(const char *s, size_t n, char out[65]);

/* HMAC-SHA-256 of msg under key, as 64 hex digits and a NUL. */
void auth_hmac_hex(const unsigned char *key, size_t keylen, const char *msg, char out[65]);

/* Compares two NUL-terminated strings in time that depends only on their
 * lengths. Returns 1 when equal; NULLs are never equal. */
int auth_equal(const char *a, const char *b);

#endif
