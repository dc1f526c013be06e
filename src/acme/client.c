/*
 * client.c: one ACME order (RFC 8555 §7) over libcurl: the directory, a
 * nonce, the account (newAccount finds the one the key already has),
 * newOrder, each authorization's challenge (HTTP-01 answered by the
 * plain listener, or TLS-ALPN-01 by the TLS one, RFC 8737), finalize
 * with a CSR, and the certificate chain. A badNonce answer is tried again
 * with the fresh nonce it carries (§6.5). Every failure ends in one
 * sentence that says what to do. Blocking: the acme job runs it on its
 * own thread, off the request path; a stop signal ends it within a tenth
 * of a second (server_stopping), so it never holds a graceful stop back.
 */
#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../core/crypto.h"
#include "../core/pki.h"
#include "../http/plain.h"
#include "../http/tls.h"
#include "acme.h"

/* How long one order may wait for the CA to validate or issue. */
#define POLL_SECONDS 90

typedef struct client {
	const acme_cfg *cfg;
	CURL *curl;
	EVP_PKEY *key;
	kb_buf jwk;
	char thumb[44];
	char *kid, *nonce;
	char *new_nonce, *new_account, *new_order;
	/* The last response. */
	long status;
	kb_buf body;
	char *location;
	int64_t retry_after;
	char *why;
	int64_t *why_retry;
	int limited; /* the CA said rateLimited */
} client;

static void set_str(char **dst, const char *s, size_t n)
{
	free(*dst);
	*dst = kb_strndup(s, n);
}

/* Keeps the headers ACME reads: Replay-Nonce, Location, Retry-After. */
static size_t on_header(char *p, size_t size, size_t nitems, void *arg)
{
	client *c = arg;
	size_t n = size * nitems, len = n;
	while (len && (p[len - 1] == '\r' || p[len - 1] == '\n'))
		len--;
	static const struct {
		const char *name;
		int which;
	} keep[] = {{"replay-nonce:", 0}, {"location:", 1}, {"retry-after:", 2}};
	for (size_t i = 0; i < KB_COUNT(keep); i++) {
		size_t k = strlen(keep[i].name);
		if (len <= k || strncasecmp(p, keep[i].name, k))
			continue;
		const char *v = p + k;
		size_t vl = len - k;
		while (vl && *v == ' ')
			v++, vl--;
		if (keep[i].which == 0)
			set_str(&c->nonce, v, vl);
		else if (keep[i].which == 1)
			set_str(&c->location, v, vl);
		else
			c->retry_after = strtoll(v, NULL, 10);
	}
	return n;
}

/* Ends a transfer when the server is stopping. */
static int on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	return server_stopping();
}

static size_t on_body(char *p, size_t size, size_t nitems, void *arg)
{
	kb_buf_append(arg, p, size * nitems);
	return size * nitems;
}

/* Says why the order failed (printf-style), once: the first reason is
 * the one that matters. Returns ACME_FAILED. */
static int fail(client *c, const char *fmt, ...) KB_PRINTF(2, 3);
static int fail(client *c, const char *fmt, ...)
{
	if (!c->why[0]) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(c->why, 512, fmt, ap);
		va_end(ap);
	}
	return ACME_FAILED;
}

/* GET (body NULL), HEAD (head set) or POST of a JWS to url. Returns 0
 * with the response in c, or -1 when the CA cannot be reached (said). */
static int request(client *c, const char *url, const char *body, int head)
{
	kb_buf_reset(&c->body);
	free(c->location);
	c->location = NULL;
	c->retry_after = 0;
	CURL *h = c->curl;
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "khabar-acme/1");
	if (c->cfg->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->cfg->ca_file);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, c);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &c->body);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	struct curl_slist *hdrs = NULL;
	if (head) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else if (body) {
		hdrs = curl_slist_append(hdrs, "Content-Type: application/jose+json");
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	}
	CURLcode rc = curl_easy_perform(h);
	curl_slist_free_all(hdrs);
	if (rc != CURLE_OK && server_stopping()) {
		fail(c, "the server is stopping");
		return -1;
	}
	if (rc != CURLE_OK) {
		fail(c,
		     "cannot reach the ACME server at %s: %s (check the network, --acme-directory, and --acme-ca for a test CA)",
		     url, curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &c->status);
	return 0;
}

/* The response body as JSON, or NULL. json_decref it. */
static json_t *body_json(client *c)
{
	return json_loadb(c->body.data ? c->body.data : "", c->body.len, 0, NULL);
}

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* A problem document's type without "urn:ietf:params:acme:error:". */
static const char *problem_type(json_t *p)
{
	const char *t = jstr(p, "type");
	static const char urn[] = "urn:ietf:params:acme:error:";
	if (!t)
		return "";
	return strncmp(t, urn, sizeof urn - 1) ? t : t + sizeof urn - 1;
}

/* An error answer from the CA, explained. Returns ACME_RATE_LIMITED or
 * ACME_FAILED. */
static int ca_refused(client *c, const char *what)
{
	json_t *p = body_json(c);
	const char *type = problem_type(p), *detail = jstr(p, "detail");
	int rc = ACME_FAILED;
	if (!strcmp(type, "rateLimited")) {
		fail(c,
		     "the CA is rate-limiting this site (%s): %s. khabar goes on with the certificate it has and tries again later; to experiment, use a staging directory (--acme-directory)",
		     what, detail ? detail : "");
		*c->why_retry = c->retry_after;
		c->limited = 1;
		rc = ACME_RATE_LIMITED;
	} else {
		fail(c, "the CA refused %s (HTTP %ld, %s): %s", what, c->status,
		     *type ? type : "no problem type", detail ? detail : "no detail");
	}
	json_decref(p);
	return rc;
}

/* A fresh nonce when the last response left none. */
static int get_nonce(client *c)
{
	if (c->nonce)
		return 0;
	if (request(c, c->new_nonce, NULL, 1))
		return -1;
	if (!c->nonce)
		return fail(c, "the ACME server gave no nonce at %s", c->new_nonce), -1;
	return 0;
}

/*
 * POSTs payload ("" for POST-as-GET) to url as a JWS, signed by the
 * account (by kid once known). A badNonce answer is tried again, up to
 * ten times. Returns 0 with the response in c (any status), or -1.
 */
static int post(client *c, const char *url, const char *payload)
{
	for (int attempt = 0; attempt < 10; attempt++) {
		if (get_nonce(c))
			return -1;
		kb_buf jws = {0};
		char *nonce = c->nonce;
		c->nonce = NULL; /* each nonce is good once */
		int rc = acme_jws(&jws, c->key, kb_buf_str(&c->jwk), c->kid, nonce, url, payload);
		free(nonce);
		if (rc) {
			kb_buf_free(&jws);
			return fail(c, "cannot sign a request with the account key"), -1;
		}
		rc = request(c, url, kb_buf_str(&jws), 0);
		kb_buf_free(&jws);
		if (rc)
			return -1;
		if (c->status != 400)
			return 0;
		json_t *p = body_json(c);
		int bad_nonce = !strcmp(problem_type(p), "badNonce");
		json_decref(p);
		if (!bad_nonce)
			return 0;
	}
	return 0;
}

static int directory(client *c)
{
	if (request(c, c->cfg->directory, NULL, 0))
		return -1;
	json_t *d = body_json(c);
	const char *nn = jstr(d, "newNonce"), *na = jstr(d, "newAccount"), *no = jstr(d, "newOrder");
	if (c->status != 200 || !nn || !na || !no) {
		json_decref(d);
		return fail(c, "%s is not an ACME directory (HTTP %ld): check --acme-directory",
			    c->cfg->directory, c->status),
		       -1;
	}
	c->new_nonce = kb_strdup(nn);
	c->new_account = kb_strdup(na);
	c->new_order = kb_strdup(no);
	json_decref(d);
	return 0;
}

/* newAccount: made, or found for this key. Sets c->kid. */
static int account(client *c)
{
	json_t *req = json_pack("{s:b}", "termsOfServiceAgreed", 1);
	if (c->cfg->email && *c->cfg->email) {
		char mailto[320];
		snprintf(mailto, sizeof mailto, "mailto:%s", c->cfg->email);
		json_object_set_new(req, "contact", json_pack("[s]", mailto));
	}
	char *payload = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	int rc = post(c, c->new_account, payload);
	free(payload);
	if (rc)
		return -1;
	if ((c->status != 200 && c->status != 201) || !c->location)
		return ca_refused(c, "the account"), -1;
	c->kid = kb_strdup(c->location);
	return 0;
}

/* Polls url (POST-as-GET) until its status is neither "pending" nor
 * "processing" (nor "ready", unless stop_at_ready), for POLL_SECONDS at
 * most. Returns the object (json_decref it) or NULL (said why). */
static json_t *poll_status(client *c, const char *url, const char *what, int stop_at_ready)
{
	for (int waited = 0; waited <= POLL_SECONDS;) {
		if (post(c, url, ""))
			return NULL;
		json_t *o = body_json(c);
		const char *st = jstr(o, "status");
		if (c->status != 200 || !st) {
			json_decref(o);
			ca_refused(c, what);
			return NULL;
		}
		if (strcmp(st, "pending") && strcmp(st, "processing") &&
		    (stop_at_ready || strcmp(st, "ready")))
			return o;
		json_decref(o);
		int wait = c->retry_after > 0 && c->retry_after < 10 ? (int)c->retry_after : 1;
		for (int i = 0; i < 10 * wait && !server_stopping(); i++)
			usleep(100000);
		if (server_stopping())
			break;
		waited += wait;
	}
	fail(c,
	     server_stopping() ? "the server is stopping (%s)" : "the CA did not finish %s within %d seconds",
	     what, POLL_SECONDS);
	return NULL;
}

/* A failed authorization, in words an operator can act on. */
static void authz_failed(client *c, json_t *authz, const char *domain, const char *kind)
{
	json_t *chs = json_object_get(authz, "challenges"), *ch;
	size_t i;
	const char *type = "", *detail = "no detail";
	json_array_foreach(chs, i, ch)
	{
		json_t *e = json_object_get(ch, "error");
		if (e) {
			type = problem_type(e);
			detail = jstr(e, "detail") ? jstr(e, "detail") : detail;
		}
	}
	fail(c,
	     "the CA could not validate %s by %s (%s: %s). Check that DNS for %s points to this server and that port %s reaches khabar from the internet (a firewall, or another server on it?)",
	     domain, kind, *type ? type : "invalid", detail, domain, c->cfg->http01 ? "80" : "443");
}

/* One authorization: answers its challenge and waits until it is valid.
 * Returns 0 or -1. */
static int authorize(client *c, const char *url)
{
	if (post(c, url, ""))
		return -1;
	json_t *authz = body_json(c);
	const char *st = jstr(authz, "status"), *domain = jstr(json_object_get(authz, "identifier"), "value");
	if (c->status != 200 || !st || !domain) {
		json_decref(authz);
		return ca_refused(c, "an authorization"), -1;
	}
	if (!strcmp(st, "valid")) {
		json_decref(authz);
		return 0;
	}
	const char *kind = c->cfg->http01 ? "http-01" : "tls-alpn-01", *token = NULL, *ch_url = NULL;
	json_t *ch;
	size_t i;
	json_array_foreach(json_object_get(authz, "challenges"), i, ch)
	{
		if (jstr(ch, "type") && !strcmp(jstr(ch, "type"), kind)) {
			token = jstr(ch, "token");
			ch_url = jstr(ch, "url");
		}
	}
	if (!token || !ch_url ||
	    strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") !=
		    strlen(token)) {
		fail(c, "the CA offers no usable %s challenge for %s: try --acme-challenge %s", kind, domain,
		     c->cfg->http01 ? "tls-alpn-01" : "http-01");
		json_decref(authz);
		return -1;
	}
	char *dom = kb_strdup(domain), *tok = kb_strdup(token), *chu = kb_strdup(ch_url);
	json_decref(authz);
	kb_buf keyauth = {0};
	kb_buf_printf(&keyauth, "%s.%s", tok, c->thumb);
	int rc = -1;
	if (c->cfg->http01) {
		rc = plain_acme_token(tok, kb_buf_str(&keyauth));
	} else {
		unsigned char id[32];
		unsigned int n = 0;
		EVP_Digest(keyauth.data, keyauth.len, id, &n, EVP_sha256(), NULL);
		EVP_PKEY *k = pki_key_new();
		kb_buf cert = {0}, key = {0};
		const char *names[] = {dom};
		if (k && !pki_self_signed(k, names, 1, 7, id, &cert) && !pki_key_pem(k, &key))
			rc = tls_alpn_challenge(dom, kb_buf_str(&cert), kb_buf_str(&key));
		EVP_PKEY_free(k);
		kb_buf_free(&cert);
		kb_buf_free(&key);
	}
	if (rc) {
		fail(c, "cannot set up the %s answer for %s", kind, dom);
		goto out;
	}
	rc = -1;
	/* Tell the CA to look, then wait for its verdict. */
	if (post(c, chu, "{}"))
		goto out;
	if (c->status != 200) {
		ca_refused(c, "the challenge");
		goto out;
	}
	json_t *done = poll_status(c, url, "validating the domain", 1);
	if (done && !strcmp(jstr(done, "status"), "valid"))
		rc = 0;
	else if (done)
		authz_failed(c, done, dom, kind);
	json_decref(done);
out:
	if (c->cfg->http01)
		plain_acme_token(tok, NULL);
	else
		tls_alpn_challenge(dom, NULL, NULL);
	kb_buf_free(&keyauth);
	free(dom);
	free(tok);
	free(chu);
	return rc;
}

/* newOrder through the download. */
static int order(client *c, EVP_PKEY *cert_key, kb_buf *cert_pem)
{
	json_t *ids = json_array();
	for (size_t i = 0; i < c->cfg->ndomains; i++)
		json_array_append_new(ids,
				      json_pack("{s:s, s:s}", "type", "dns", "value", c->cfg->domains[i]));
	json_t *req = json_pack("{s:o}", "identifiers", ids);
	char *payload = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	int rc = post(c, c->new_order, payload);
	free(payload);
	if (rc)
		return ACME_FAILED;
	if (c->status != 201 || !c->location)
		return ca_refused(c, "the order");
	char *order_url = kb_strdup(c->location);
	json_t *o = body_json(c);
	const char *fin = jstr(o, "finalize");
	char *finalize = fin ? kb_strdup(fin) : NULL;
	json_t *auths = json_object_get(o, "authorizations"), *a;
	size_t i;
	rc = finalize && json_array_size(auths) ? ACME_OK : fail(c, "the CA's order has no authorizations");
	json_array_foreach(auths, i, a)
	{
		if (rc == ACME_OK && (!json_string_value(a) || authorize(c, json_string_value(a))))
			rc = ACME_FAILED;
	}
	json_decref(o);
	kb_buf csr = {0}, csr64 = {0};
	json_t *done = NULL;
	if (rc == ACME_OK && pki_csr_der(cert_key, c->cfg->domains, c->cfg->ndomains, &csr))
		rc = fail(c, "cannot make the certificate signing request");
	if (rc == ACME_OK) {
		b64url_encode(&csr64, csr.data, csr.len);
		kb_buf body = {0};
		kb_buf_printf(&body, "{\"csr\":\"%s\"}", kb_buf_str(&csr64));
		if (post(c, finalize, kb_buf_str(&body)))
			rc = ACME_FAILED;
		else if (c->status != 200)
			rc = ca_refused(c, "to finalize the order");
		kb_buf_free(&body);
	}
	if (rc == ACME_OK && !(done = poll_status(c, order_url, "issuing the certificate", 0)))
		rc = ACME_FAILED;
	const char *cert_url = done ? jstr(done, "certificate") : NULL;
	if (rc == ACME_OK && (strcmp(jstr(done, "status"), "valid") || !cert_url))
		rc = fail(c, "the order ended %s, with no certificate", jstr(done, "status"));
	if (rc == ACME_OK) {
		if (post(c, cert_url, ""))
			rc = ACME_FAILED;
		else if (c->status != 200 || !c->body.len ||
			 !memmem(c->body.data, c->body.len, "BEGIN CERTIFICATE", 17))
			rc = ca_refused(c, "the certificate download");
		else
			kb_buf_append(cert_pem, c->body.data, c->body.len);
	}
	json_decref(done);
	kb_buf_free(&csr);
	kb_buf_free(&csr64);
	free(finalize);
	free(order_url);
	return rc;
}

int acme_order(const acme_cfg *cfg, EVP_PKEY *account_key, EVP_PKEY *cert_key, kb_buf *cert_pem, char *why,
	       int64_t *retry_after)
{
	client c = {.cfg = cfg, .key = account_key, .why = why, .why_retry = retry_after};
	why[0] = 0;
	*retry_after = 0;
	int rc = ACME_FAILED;
	if (!(c.curl = curl_easy_init()) || acme_jwk(account_key, &c.jwk)) {
		fail(&c, "cannot start the ACME client (libcurl, or an account key that is not P-256)");
		goto out;
	}
	acme_jwk_thumbprint(kb_buf_str(&c.jwk), c.thumb);
	if (directory(&c))
		goto out;
	if (account(&c))
		goto out;
	rc = order(&c, cert_key, cert_pem);
out:
	if (rc != ACME_OK && c.limited)
		rc = ACME_RATE_LIMITED;
	if (c.curl)
		curl_easy_cleanup(c.curl);
	kb_buf_free(&c.jwk);
	kb_buf_free(&c.body);
	free(c.kid);
	free(c.nonce);
	free(c.location);
	free(c.new_nonce);
	free(c.new_account);
	free(c.new_order);
	return rc;
}
