/*
 * tls.c: TLS contexts for the listeners (see tls.h). Each connection
 * takes a reference to the context current when it was accepted, so a
 * new certificate is swapped in whole, under g_mu, and the old context
 * lives on until its last connection ends. What is here is OpenSSL
 * configuration; accepting and the handshake itself are libh2o's
 * (server.c hands it the context), and certificates come from files
 * (--tls-cert, or what src/acme stored) or from pki.c.
 *
 * TLS-ALPN-01 (RFC 8737): a validator's ClientHello offers "acme-tls/1"
 * and names the domain; the ClientHello callback then moves that
 * connection to a context of its own, holding the challenge certificate,
 * whose ALPN callback picks "acme-tls/1". Every other connection never
 * sees those certificates.
 */
#define H2O_USE_LIBUV 0
#include <h2o.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../core/core.h"
#include "../core/pki.h"
#include "tls.h"

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static SSL_CTX *g_ctx;       /* under g_mu */
static char *g_cert, *g_key; /* the files g_ctx was read from; NULL: placeholder */
static int g_on;

#define MAX_CHALLENGES 16
static struct {
	char *name;
	SSL_CTX *ctx;
} g_chal[MAX_CHALLENGES]; /* under g_mu */

static const char acme_alpn[] = "acme-tls/1";

/* OpenSSL's last error as text, into err (256 bytes), after what. */
static void ssl_error(char *err, const char *what, const char *file)
{
	char buf[160];
	ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
	snprintf(err, 256, "%s %s: %s", what, file, buf);
	ERR_clear_error();
}

/* The challenge contexts' ALPN: "acme-tls/1", which the client offered. */
static int select_acme(SSL *s, const unsigned char **out, unsigned char *outlen, const unsigned char *in,
		       unsigned int inlen, void *arg)
{
	for (unsigned i = 0; i < inlen;) {
		unsigned len = in[i];
		if (i + 1 + len > inlen)
			break;
		if (len == sizeof acme_alpn - 1 && !memcmp(in + i + 1, acme_alpn, len)) {
			*out = in + i + 1;
			*outlen = (unsigned char)len;
			return SSL_TLSEXT_ERR_OK;
		}
		i += 1 + len;
	}
	return SSL_TLSEXT_ERR_ALERT_FATAL;
}

/* Before the certificate is chosen: a validator asking for acme-tls/1
 * for a name with a pending challenge gets the challenge's context. */
static int on_client_hello(SSL *s, int *alert, void *arg)
{
	const unsigned char *alpn, *sni;
	size_t alpn_len, sni_len;
	char name[256];
	if (!SSL_client_hello_get0_ext(s, TLSEXT_TYPE_application_layer_protocol_negotiation, &alpn,
				       &alpn_len) ||
	    !tls_alpn_offers(alpn, alpn_len, acme_alpn))
		return SSL_CLIENT_HELLO_SUCCESS;
	if (!SSL_client_hello_get0_ext(s, TLSEXT_TYPE_server_name, &sni, &sni_len) ||
	    tls_sni_name(sni, sni_len, name, sizeof name))
		return SSL_CLIENT_HELLO_SUCCESS;
	int found = 0;
	pthread_mutex_lock(&g_mu);
	for (size_t i = 0; i < MAX_CHALLENGES && !found; i++)
		if (g_chal[i].name && !strcasecmp(g_chal[i].name, name))
			found = SSL_set_SSL_CTX(s, g_chal[i].ctx) != NULL;
	pthread_mutex_unlock(&g_mu);
	if (!found)
		kb_warn("a TLS-ALPN-01 validation for %s, which has no challenge pending", name);
	return SSL_CLIENT_HELLO_SUCCESS;
}

/* A context with the house settings and no certificate yet. */
static SSL_CTX *ctx_new(void)
{
	SSL_CTX *c = SSL_CTX_new(TLS_server_method());
	if (!c)
		return NULL;
	SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
	/* TLS 1.2: forward secrecy and AEAD only (Mozilla's "intermediate");
	 * TLS 1.3's own suites are all modern. */
	SSL_CTX_set_cipher_list(c, "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
				   "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
				   "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305");
	SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_session_id_context(c, (const unsigned char *)"khabar", 6);
	return c;
}

/* Puts the PEM certificate chain and key into c. Returns 0 or -1. */
static int ctx_use_pem(SSL_CTX *c, const char *cert_pem, const char *key_pem)
{
	BIO *b = BIO_new_mem_buf(cert_pem, -1);
	X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
	EVP_PKEY *k = pki_key_read(key_pem, strlen(key_pem));
	int rc = x && k && SSL_CTX_use_certificate(c, x) == 1 && SSL_CTX_use_PrivateKey(c, k) == 1 &&
				 SSL_CTX_check_private_key(c) == 1
			 ? 0
			 : -1;
	X509_free(x);
	EVP_PKEY_free(k);
	BIO_free(b);
	return rc;
}

/* A listener's context: ALPN h2, then http/1.1, and the ClientHello
 * callback for TLS-ALPN-01. */
static SSL_CTX *listener_ctx(void)
{
	SSL_CTX *c = ctx_new();
	if (!c)
		return NULL;
	h2o_ssl_register_alpn_protocols(c, h2o_alpn_protocols);
	SSL_CTX_set_client_hello_cb(c, on_client_hello, NULL);
	return c;
}

/* A context serving the files cert and key, or NULL with err set. */
static SSL_CTX *ctx_from_files(const char *cert, const char *key, char *err)
{
	SSL_CTX *c = listener_ctx();
	if (!c) {
		ssl_error(err, "cannot make a TLS context for", cert);
		return NULL;
	}
	if (SSL_CTX_use_certificate_chain_file(c, cert) != 1) {
		ssl_error(err, "cannot read the certificate (PEM) in", cert);
	} else if (SSL_CTX_use_PrivateKey_file(c, key, SSL_FILETYPE_PEM) != 1) {
		ssl_error(err, "cannot read the private key (PEM) in", key);
	} else if (SSL_CTX_check_private_key(c) != 1) {
		ssl_error(err, "the key does not match the certificate: key", key);
	} else {
		return c;
	}
	SSL_CTX_free(c);
	return NULL;
}

/* A context with a self-signed certificate for names (the placeholder
 * until a real one arrives), or NULL. */
static SSL_CTX *ctx_self_signed(const char *const *names, size_t n)
{
	EVP_PKEY *k = pki_key_new();
	kb_buf cert = {0}, key = {0};
	SSL_CTX *c = NULL;
	if (k && !pki_self_signed(k, names, n, 90, NULL, &cert) && !pki_key_pem(k, &key) &&
	    (c = listener_ctx()) && ctx_use_pem(c, kb_buf_str(&cert), kb_buf_str(&key))) {
		SSL_CTX_free(c);
		c = NULL;
	}
	EVP_PKEY_free(k);
	kb_buf_free(&cert);
	kb_buf_free(&key);
	return c;
}

/* Makes c the context of new connections; the old one is freed when its
 * last connection is. */
static void ctx_swap(SSL_CTX *c)
{
	pthread_mutex_lock(&g_mu);
	SSL_CTX *old = g_ctx;
	g_ctx = c;
	pthread_mutex_unlock(&g_mu);
	SSL_CTX_free(old);
}

int tls_start(const char *cert, const char *key, const char *const *names, size_t n, char *err)
{
	SSL_CTX *c;
	if (cert) {
		c = ctx_from_files(cert, key, err);
		g_cert = kb_strdup(cert);
		g_key = kb_strdup(key);
	} else {
		static const char *const local[] = {"localhost"};
		c = n ? ctx_self_signed(names, n) : ctx_self_signed(local, 1);
		if (!c)
			snprintf(err, 256, "cannot make a placeholder certificate");
	}
	if (!c)
		return -1;
	ctx_swap(c);
	g_on = 1;
	return 0;
}

int tls_on(void)
{
	return g_on;
}

SSL_CTX *tls_ctx_get(void)
{
	pthread_mutex_lock(&g_mu);
	SSL_CTX *c = g_ctx;
	if (c)
		SSL_CTX_up_ref(c);
	pthread_mutex_unlock(&g_mu);
	return c;
}

int tls_use_files(const char *cert, const char *key, char *err)
{
	SSL_CTX *c = ctx_from_files(cert, key, err);
	if (!c)
		return -1;
	pthread_mutex_lock(&g_mu);
	if (!g_cert || strcmp(g_cert, cert) || strcmp(g_key, key)) {
		free(g_cert);
		free(g_key);
		g_cert = kb_strdup(cert);
		g_key = kb_strdup(key);
	}
	pthread_mutex_unlock(&g_mu);
	ctx_swap(c);
	return 0;
}

int tls_reload(void)
{
	pthread_mutex_lock(&g_mu);
	char *cert = g_cert ? kb_strdup(g_cert) : NULL, *key = g_key ? kb_strdup(g_key) : NULL;
	pthread_mutex_unlock(&g_mu);
	if (!cert)
		return 0;
	char err[256];
	int rc = tls_use_files(cert, key, err);
	if (rc)
		kb_warn("%s: still serving the certificate read before", err);
	else
		kb_info("TLS: serving the certificate in %s (read again)", cert);
	free(cert);
	free(key);
	return rc;
}

/* Empties challenge slot i (under g_mu). */
static void chal_clear(size_t i)
{
	SSL_CTX_free(g_chal[i].ctx);
	free(g_chal[i].name);
	g_chal[i].name = NULL;
	g_chal[i].ctx = NULL;
}

int tls_alpn_challenge(const char *name, const char *cert_pem, const char *key_pem)
{
	SSL_CTX *c = NULL;
	if (cert_pem) {
		if (!(c = ctx_new()) || ctx_use_pem(c, cert_pem, key_pem)) {
			SSL_CTX_free(c);
			return -1;
		}
		SSL_CTX_set_alpn_select_cb(c, select_acme, NULL);
	}
	int rc = c ? -1 : 0;
	pthread_mutex_lock(&g_mu);
	for (size_t i = 0; i < MAX_CHALLENGES; i++) {
		if (g_chal[i].name && !strcasecmp(g_chal[i].name, name))
			chal_clear(i);
	}
	for (size_t i = 0; c && i < MAX_CHALLENGES; i++) {
		if (!g_chal[i].name) {
			g_chal[i].name = kb_strdup(name);
			g_chal[i].ctx = c;
			c = NULL;
			rc = 0;
		}
	}
	pthread_mutex_unlock(&g_mu);
	SSL_CTX_free(c);
	return rc;
}

void tls_stop(void)
{
	pthread_mutex_lock(&g_mu);
	for (size_t i = 0; i < MAX_CHALLENGES; i++)
		chal_clear(i);
	pthread_mutex_unlock(&g_mu);
	ctx_swap(NULL);
	free(g_cert);
	free(g_key);
	g_cert = g_key = NULL;
	g_on = 0;
}
