/*
 * acme.c: the server's certificate under --https: its private folder,
 * what is served at start, and the "acme" job that obtains and renews it
 * (see acme.h). The folder holds three files, each 0600 in a 0700 folder:
 *
 *   account.key  the ACME account's P-256 key (made on first use)
 *   cert.pem     the certificate chain the CA issued
 *   cert.key     its private key (a new one for every certificate)
 *
 * A new certificate is written key first, then chain, each replaced
 * whole (kb_write_file), and handed to tls.c for new connections: no
 * restart. State lives in this file and is touched only by the job's
 * thread, but for the SIGHUP flag.
 */
#include <errno.h>
#include <openssl/evp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../core/pki.h"
#include "../http/tls.h"
#include "acme.h"

#define MAX_DOMAINS 100
#define HALF_DAY (12 * 3600)

static struct {
	acme_cfg cfg;
	const char *domains[MAX_DOMAINS];
	char *account, *cert, *key; /* the files' paths */
	int64_t renew_before;       /* seconds */
	int64_t not_after;          /* of the certificate served; 0: the placeholder */
	int64_t next_try;           /* no attempt before this (UTC seconds) */
	int64_t backoff;            /* the last wait after a failure, seconds */
	int on;
} g;
static atomic_int g_hup;

/* Splits --https's list into g.domains (lower case). Returns 0, or -1
 * with err set. */
static int parse_domains(const char *list, char *err)
{
	char *copy = kb_strdup(list), *save = NULL;
	for (char *d = strtok_r(copy, ", ", &save); d; d = strtok_r(NULL, ", ", &save)) {
		size_t n = strlen(d);
		for (size_t i = 0; i < n; i++)
			d[i] = (char)(d[i] >= 'A' && d[i] <= 'Z' ? d[i] - 'A' + 'a' : d[i]);
		int dotted = strchr(d, '.') || !strcmp(d, "localhost");
		if (n > 253 || !kb_ascii_name(d, n, ".-") || d[0] == '.' || d[0] == '-' || !dotted) {
			snprintf(err, 512, "--https: \"%s\" is not a domain name such as news.example.com",
				 d);
			free(copy);
			return -1;
		}
		if (g.cfg.ndomains == MAX_DOMAINS) {
			snprintf(err, 512, "--https: at most %d domains", MAX_DOMAINS);
			free(copy);
			return -1;
		}
		g.domains[g.cfg.ndomains++] = kb_strdup(d);
	}
	free(copy);
	if (!g.cfg.ndomains) {
		snprintf(err, 512, "--https needs a domain name, such as --https news.example.com");
		return -1;
	}
	g.cfg.domains = g.domains;
	return 0;
}

/* The private folder: made 0700, or made 0700 again. */
static int private_dir(const char *dir, char *err)
{
	if (mkdir(dir, 0700) && errno != EEXIST) {
		snprintf(err, 512,
			 "cannot make the certificate folder %s: %s (choose another with --acme-dir)", dir,
			 strerror(errno));
		return -1;
	}
	struct stat sb;
	if (stat(dir, &sb) || !S_ISDIR(sb.st_mode) || ((sb.st_mode & 077) && chmod(dir, 0700))) {
		snprintf(err, 512, "cannot keep certificates private in %s: %s", dir,
			 errno ? strerror(errno) : "not a folder");
		return -1;
	}
	return 0;
}

/* Whether the kept certificate (g.cert) covers the domains: then its
 * expiry goes to g.not_after. */
static int kept_cert_fits(void)
{
	kb_buf pem = {0};
	int64_t na = 0;
	int ok = !kb_read_file(g.cert, &pem) && !access(g.key, R_OK) &&
		 !pki_cert_info(pem.data, pem.len, &na, NULL) &&
		 pki_cert_covers(pem.data, pem.len, g.domains, g.cfg.ndomains);
	kb_buf_free(&pem);
	if (ok)
		g.not_after = na;
	return ok;
}

int acme_prepare(const acme_opts *a, server_opts *o, char *err)
{
	if (parse_domains(a->domains, err))
		return -1;
	g.cfg.directory = a->directory ? a->directory : ACME_LETSENCRYPT;
	g.cfg.ca_file = a->ca_file;
	g.cfg.email = a->email;
	if (a->challenge && strcmp(a->challenge, "http-01") && strcmp(a->challenge, "tls-alpn-01")) {
		snprintf(err, 512, "--acme-challenge must be http-01 or tls-alpn-01, not \"%s\"",
			 a->challenge);
		return -1;
	}
	int plain = o->listen_http && *o->listen_http;
	g.cfg.http01 = a->challenge ? !strcmp(a->challenge, "http-01") : plain;
	if (g.cfg.http01 && !plain) {
		snprintf(err, 512,
			 "--acme-challenge http-01 needs the plain listener (--listen-http ADDR:80)");
		return -1;
	}
	g.renew_before = (int64_t)a->renew_days * 86400;

	kb_arena ar = {0};
	const char *dir = a->dir;
	if (!dir) {
		const char *slash = strrchr(o->db_path, '/');
		dir = store_is_url(o->db_path) ? "data/acme"
		      : slash ? kb_arena_printf(&ar, "%.*s/acme", (int)(slash - o->db_path), o->db_path)
			      : "acme";
	}
	int rc = private_dir(dir, err);
	if (!rc) {
		kb_buf b = {0};
		kb_buf_printf(&b, "%s/account.key", dir);
		g.account = kb_buf_take(&b, NULL);
		kb_buf_printf(&b, "%s/cert.pem", dir);
		g.cert = kb_buf_take(&b, NULL);
		kb_buf_printf(&b, "%s/cert.key", dir);
		g.key = kb_buf_take(&b, NULL);
		if (kept_cert_fits()) {
			o->tls_cert = g.cert;
			o->tls_key = g.key;
			kb_info("ACME: serving the certificate kept in %s", g.cert);
		} else {
			o->tls_names = g.domains;
			o->ntls_names = g.cfg.ndomains;
			kb_info("ACME: no certificate for %s in %s yet: a self-signed one until the CA issues it",
				g.domains[0], dir);
		}
		g.on = 1;
	}
	kb_arena_free(&ar);
	return rc;
}

void acme_hup(void)
{
	kb_info("ACME: looking at the certificate now (SIGHUP)");
	atomic_store(&g_hup, 1);
	server_wake("acme");
}

/* The account key, read or made (and kept). NULL after saying why. */
static EVP_PKEY *account_key(void)
{
	kb_buf pem = {0};
	EVP_PKEY *k = NULL;
	if (!kb_read_file(g.account, &pem)) {
		if (!(k = pki_key_read(pem.data, pem.len)))
			kb_warn("ACME: %s holds no private key (PEM): move it away to make a new account",
				g.account);
	} else if (!(k = pki_key_new()) || pki_key_pem(k, &pem) ||
		   kb_write_file(g.account, pem.data, pem.len, 0600)) {
		kb_warn("ACME: cannot keep a new account key in %s: %s", g.account, strerror(errno));
		EVP_PKEY_free(k);
		k = NULL;
	}
	kb_buf_free(&pem);
	return k;
}

/* Keeps the new certificate and serves it. Returns 0, or -1 having said why. */
static int keep_cert(EVP_PKEY *key, const kb_buf *chain)
{
	kb_buf kp = {0};
	char err[256], serial[80];
	int64_t na;
	int rc = -1;
	if (pki_key_pem(key, &kp) || pki_cert_info(chain->data, chain->len, &na, serial))
		kb_warn("ACME: the CA's certificate cannot be read");
	else if (kb_write_file(g.key, kp.data, kp.len, 0600) ||
		 kb_write_file(g.cert, chain->data, chain->len, 0600))
		kb_warn("ACME: cannot keep the certificate in %s: %s", g.cert, strerror(errno));
	else if (tls_use_files(g.cert, g.key, err))
		kb_warn("ACME: %s", err);
	else
		rc = 0;
	if (!rc) {
		g.not_after = na;
		char when[32];
		time_t t = (time_t)na;
		struct tm tm;
		strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", gmtime_r(&t, &tm));
		kb_info("ACME: serving a new certificate for %s (serial %s, valid until %s)", g.domains[0],
			serial, when);
	}
	kb_buf_free(&kp);
	return rc;
}

/* One look: an order when the certificate is missing or due and no
 * backoff holds it back. */
static int acme_step(store *st)
{
	if (!g.on)
		return 0;
	int64_t now = (int64_t)time(NULL);
	if (atomic_exchange(&g_hup, 0))
		g.next_try = 0;
	int due = !g.not_after || now >= g.not_after - g.renew_before;
	if (!due || now < g.next_try)
		return 0;
	kb_info("ACME: %s a certificate for %s from %s", g.not_after ? "renewing" : "obtaining", g.domains[0],
		g.cfg.directory);
	EVP_PKEY *account = account_key(), *key = account ? pki_key_new() : NULL;
	kb_buf chain = {0};
	char why[512] = "cannot make the keys";
	int64_t retry = 0;
	int rc = key ? acme_order(&g.cfg, account, key, &chain, why, &retry) : ACME_FAILED;
	if (rc == ACME_OK && !keep_cert(key, &chain)) {
		g.backoff = 0;
		g.next_try = now + HALF_DAY;
	} else {
		/* A minute, doubling to half a day; a CA's rate limit waits
		 * at least an hour, or as long as it says. */
		g.backoff = g.backoff ? g.backoff * 2 : 60;
		if (g.backoff > HALF_DAY)
			g.backoff = HALF_DAY;
		if (rc == ACME_RATE_LIMITED && g.backoff < 3600)
			g.backoff = 3600;
		if (retry > g.backoff)
			g.backoff = retry;
		g.next_try = now + g.backoff;
		if (server_stopping())
			kb_info("ACME: the order is left off, as the server stops");
		else if (rc != ACME_OK)
			kb_warn("ACME: %s. %s; trying again in %lld minutes", why,
				g.not_after ? "Still serving the current certificate"
					    : "Serving a self-signed placeholder",
				(long long)(g.backoff / 60));
	}
	kb_buf_free(&chain);
	EVP_PKEY_free(key);
	EVP_PKEY_free(account);
	return rc == ACME_OK ? 0 : -1;
}

const server_job acme_job = {"acme", acme_step, 60000};
