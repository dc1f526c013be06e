/*
 * acme.h: khabar's own ACME client (RFC 8555), for "khabar serve --https":
 * it obtains the site's certificate from a CA such as Let's Encrypt,
 * keeps it and the account key in a private folder beside the database,
 * and renews it in the background, without a restart.
 *
 *   acme_jwk_*, acme_jws    the account key as a JWK, its thumbprint
 *                           (RFC 7638) and ES256-signed requests (jws.c)
 *   acme_order              one whole order over libcurl: account, order,
 *                           authorizations by HTTP-01 or TLS-ALPN-01
 *                           (RFC 8737), finalize with a CSR, download
 *                           (client.c)
 *   acme_prepare, acme_job  the folder, the certificate served at start,
 *                           and the background job that renews (acme.c)
 *
 * The challenges themselves are answered by src/http (plain.c for
 * HTTP-01, tls.c for TLS-ALPN-01); nothing here listens.
 */
#ifndef KB_ACME_H
#define KB_ACME_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"
#include "../http/http.h"
#include "../http/jobs.h"

typedef struct evp_pkey_st EVP_PKEY;

/* ---- JWS (jws.c) ---- */

/* Appends key's public half as the JWK RFC 7638 hashes: members in
 * lexicographic order, no white space. Returns 0, or -1 for a key that is
 * not P-256. */
int acme_jwk(EVP_PKEY *key, kb_buf *out);
/* The JWK thumbprint of jwk (acme_jwk's text): base64url SHA-256, 43
 * characters and a NUL. */
void acme_jwk_thumbprint(const char *jwk, char out[44]);
/*
 * Appends the flattened JWS JSON (RFC 8555 §6.2) for payload (""
 * for POST-as-GET) to url with nonce, signed ES256 by key, naming the
 * account by kid, or with kid NULL by its jwk. Returns 0 or -1.
 */
int acme_jws(kb_buf *out, EVP_PKEY *key, const char *jwk, const char *kid, const char *nonce, const char *url,
	     const char *payload);

/* ---- one order (client.c) ---- */

typedef struct acme_cfg {
	const char *directory; /* the CA's directory URL */
	const char *ca_file;   /* a root to trust for the CA's HTTPS; NULL: the system's */
	const char *email;     /* the account's contact; NULL: none */
	const char *const *domains;
	size_t ndomains;
	int http01; /* answer HTTP-01 (a plain listener runs), else TLS-ALPN-01 */
} acme_cfg;

/* What went wrong, for what the caller does next. */
enum { ACME_OK, ACME_FAILED, ACME_RATE_LIMITED };

/*
 * Runs one order for cfg's domains with the account key, and on success
 * puts the certificate chain (PEM) in cert_pem, for the private key
 * cert_key (which the CSR carries). On failure says why and what to do in
 * why (at most 512 bytes) and, when the CA named one, how long to wait
 * (*retry_after, seconds; else 0). Returns ACME_OK, ACME_FAILED or
 * ACME_RATE_LIMITED.
 */
int acme_order(const acme_cfg *cfg, EVP_PKEY *account, EVP_PKEY *cert_key, kb_buf *cert_pem, char *why,
	       int64_t *retry_after);

/* ---- the server's certificate (acme.c) ---- */

typedef struct acme_opts {
	const char *domains;   /* --https: "a.example,www.a.example"; NULL: ACME is off */
	const char *directory; /* --acme-directory */
	const char *ca_file;   /* --acme-ca */
	const char *email;     /* --acme-email */
	const char *dir;       /* --acme-dir; NULL: "acme" beside a database file, data/acme */
	int renew_days;        /* --acme-renew-before: renew this many days before expiry */
	const char *challenge; /* --acme-challenge: "http-01", "tls-alpn-01"; NULL: by the listeners */
} acme_opts;

#define ACME_LETSENCRYPT "https://acme-v02.api.letsencrypt.org/directory"

/*
 * Before the server starts: checks a's domains, makes the private folder
 * (0700; files 0600), and sets o's TLS to the certificate kept there when
 * it covers the domains, else to a placeholder for them. Returns 0, or -1
 * with what to do in err (512 bytes).
 */
int acme_prepare(const acme_opts *a, server_opts *o, char *err);
/* The background job ("acme"): obtains the certificate when missing or
 * within renew_days of expiry, looking every minute; after a success it
 * looks again in 12 hours, after a failure sooner, backing off from a
 * minute to 12 hours (longer when the CA says so). */
extern const server_job acme_job;
/* SIGHUP: look at the certificate at once, renewing it if it is due. */
void acme_hup(void);

#endif
