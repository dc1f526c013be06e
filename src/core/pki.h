/*
 * pki.h: keys and certificates on OpenSSL, as HTTPS and ACME need them:
 * P-256 keys in PEM, self-signed certificates (the placeholder served
 * until a real one arrives, and RFC 8737's TLS-ALPN-01 challenge
 * certificate), certificate signing requests, and what a certificate
 * says (its expiry, serial and names). Buffers in, buffers out: no files,
 * no sockets, so the unit tests check all of it.
 */
#ifndef KB_PKI_H
#define KB_PKI_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"

typedef struct evp_pkey_st EVP_PKEY;

/* A new P-256 key pair, or NULL if OpenSSL failed. EVP_PKEY_free it. */
EVP_PKEY *pki_key_new(void);
/* Appends key's private key as PEM (PKCS #8) to out. Returns 0 or -1. */
int pki_key_pem(EVP_PKEY *key, kb_buf *out);
/* Reads a private key from PEM pem[0..n). NULL if it holds none. */
EVP_PKEY *pki_key_read(const char *pem, size_t n);

/*
 * A self-signed certificate for the DNS names names[0..n) (the first is
 * also its subject), valid from an hour ago for days days, signed by key
 * and appended as PEM to out. With acme_id (32 bytes: SHA-256 of a key
 * authorization), it carries RFC 8737's critical acmeIdentifier extension:
 * the TLS-ALPN-01 challenge certificate. Returns 0 or -1.
 */
int pki_self_signed(EVP_PKEY *key, const char *const *names, size_t n, int days, const unsigned char *acme_id,
		    kb_buf *out);

/* A certificate signing request (PKCS #10, DER) for names[0..n), in the
 * subjectAltName extension, signed by key; appended to out. Returns 0 or -1. */
int pki_csr_der(EVP_PKEY *key, const char *const *names, size_t n, kb_buf *out);

/* What the first certificate of PEM pem[0..n) says: its expiry (UTC
 * seconds) in *not_after, its serial as lower-case hex in serial (may be
 * NULL; room for 80 bytes). Returns 0, or -1 when pem holds no certificate. */
int pki_cert_info(const char *pem, size_t n, int64_t *not_after, char *serial);
/* Whether the first certificate of pem[0..n) names every one of
 * names[0..count) among its DNS subjectAltNames (1), or not (0). */
int pki_cert_covers(const char *pem, size_t n, const char *const *names, size_t count);

#endif
