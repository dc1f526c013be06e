/*
 * tls.h: the TLS side of "khabar serve" (tls.c): the OpenSSL context every
 * new connection on a TLS listener gets, swapped whole when the
 * certificate changes (SIGHUP, a renewal), and RFC 8737's TLS-ALPN-01
 * challenge certificates, answered to a validator that asks for
 * "acme-tls/1". Modern settings only: TLS 1.2 and 1.3, ECDHE with AEAD
 * ciphers, HTTP/2 and HTTP/1.1 by ALPN.
 */
#ifndef KB_TLS_H
#define KB_TLS_H

#include <openssl/ssl.h>
#include <stddef.h>

/*
 * Turns TLS on, serving cert (a PEM chain) with key (PEM) or, with cert
 * NULL, a self-signed placeholder for names[0..n) until tls_use_files
 * names real files. Returns 0, or -1 with a message in err (256 bytes).
 */
int tls_start(const char *cert, const char *key, const char *const *names, size_t n, char *err);
/* Whether tls_start ran: the listeners speak TLS. */
int tls_on(void);
/* The context for a new connection, referenced; give it back with
 * SSL_CTX_free when the connection closes (h2o makes the SSL from it
 * only when the first bytes arrive). */
SSL_CTX *tls_ctx_get(void);
/* Serves cert and key from now on (new connections; open ones keep
 * theirs), and reads them again on tls_reload. Returns 0, or -1 with a
 * message in err (256 bytes), the old certificate still served. */
int tls_use_files(const char *cert, const char *key, char *err);
/* Reads the files again (SIGHUP). Returns 0, or -1 having logged why
 * (the old certificate goes on). Nothing to read: 0. */
int tls_reload(void);
/* Sets (cert_pem and key_pem) or clears (NULL) the TLS-ALPN-01
 * certificate for DNS name name. Returns 0 or -1. */
int tls_alpn_challenge(const char *name, const char *cert_pem, const char *key_pem);
/* Frees what tls_start made. */
void tls_stop(void);

/* Pure parsers of a ClientHello's extensions (tlsparse.c; the unit tests
 * and tests/fuzz/fuzz_clienthello.c run them alone): whether the ALPN
 * extension's body p[0..n) offers proto, and the host name of a
 * server_name extension's body (into out, cap bytes, NUL ended; -1 when
 * there is none that fits). */
int tls_alpn_offers(const unsigned char *p, size_t n, const char *proto);
int tls_sni_name(const unsigned char *p, size_t n, char *out, size_t cap);

#endif
