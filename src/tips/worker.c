/*
 * worker.c: what happens to tips off the request path (see tips.h): the
 * mail queue, sent over SMTP with libcurl (STARTTLS when set, or SMTPS on
 * port 465) and retried with backoff, and retention, which deletes tips
 * older than the setting with their photos (the rows, which hold their
 * bytes, and this server's copies of the files): tips_step, a job of
 * "khabar serve" (src/app/) with its own store connection; a request only
 * queues.
 */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../media/media.h"
#include "../core/crypto.h"
#include "tips.h"

int tips_delete(store *st, int64_t id)
{
	kb_arena a = {0};
	kb_tip_photo *photos;
	size_t n;
	int rc = tips_store_delete(st, &a, id, &photos, &n);
	/* Rows first, files after: a crash between leaves stray files,
	 * never a row that names missing ones. */
	for (size_t i = 0; !rc && i < n; i++)
		media_remove(photos[i].stem, photos[i].widths);
	kb_arena_free(&a);
	return rc;
}

/* Feeds the message to libcurl. */
typedef struct reader {
	const char *p;
	size_t left;
	void (*last_bytes)(void *ud);
	void *ud;
} reader;

static size_t read_cb(char *buf, size_t size, size_t nitems, void *ud)
{
	reader *r = ud;
	size_t n = size * nitems < r->left ? size * nitems : r->left;
	memcpy(buf, r->p, n);
	r->p += n;
	r->left -= n;
	if (!r->left && n && r->last_bytes)
		r->last_bytes(r->ud);
	return n;
}

const char *tips_mail_from(const kb_mail_settings *ms)
{
	return *ms->user && strchr(ms->user, '@') ? ms->user : ms->to;
}

int tips_smtp_send(const kb_mail_settings *ms, const char *from, const char *to, const kb_buf *message,
		   void (*last_bytes)(void *ud), void *ud, long *code, char *err, size_t errlen)
{
	*code = 0;
	CURL *h = curl_easy_init();
	if (!h) {
		snprintf(err, errlen, "cannot start libcurl");
		return -1;
	}
	const char *port = *ms->port ? ms->port : "25";
	int smtps = !strcmp(port, "465");
	char url[600];
	snprintf(url, sizeof url, "%s://%s:%s", smtps ? "smtps" : "smtp", ms->host, port);
	char rcpt_addr[300], from_addr[300];
	snprintf(rcpt_addr, sizeof rcpt_addr, "<%s>", to);
	snprintf(from_addr, sizeof from_addr, "<%s>", from);
	struct curl_slist *rcpt = curl_slist_append(NULL, rcpt_addr);
	reader rd = {message->data, message->len, last_bytes, ud};
	char curl_err[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from_addr);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, &rd);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)message->len);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_err);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	/* A login is never sent in the clear: with a user set, TLS is
	 * required (STARTTLS, or SMTPS on 465) whatever smtp_starttls says.
	 * Without one, "yes" requires it and "no" still tries it. */
	curl_easy_setopt(h, CURLOPT_USE_SSL,
			 (long)(*ms->user || !strcmp(ms->starttls, "yes") ? CURLUSESSL_ALL : CURLUSESSL_TRY));
	if (*ms->user) {
		curl_easy_setopt(h, CURLOPT_USERNAME, ms->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, ms->password);
	}
	CURLcode rc = curl_easy_perform(h);
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s", *curl_err ? curl_err : curl_easy_strerror(rc));
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, code);
	}
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(h);
	return rc == CURLE_OK ? 0 : -1;
}

/* Sends one due message; 1 if one was sent, 0 if none was due or it
 * failed (and was rescheduled), -1 on a store error. */
static int mail_one(store *st, int64_t now)
{
	kb_mail_job job;
	int rc = tips_store_mail_next(st, now, &job);
	if (rc)
		return rc == STORE_NOTFOUND ? 0 : -1;
	kb_arena a = {0};
	kb_mail_settings ms;
	kb_settings site;
	kb_tip tip;
	char err[CURL_ERROR_SIZE + 64] = "";
	int sent = 0;
	if (tips_store_mail_settings(st, &a, &ms) || store_settings(st, &a, &site) ||
	    (rc = tips_store_get(st, &a, job.tip_id, 0, &tip)) == STORE_ERROR) {
		kb_arena_free(&a);
		return -1;
	}
	/* A grievance's acknowledgement goes to the reader, from the
	 * newsroom's address. */
	const char *to = ms.to;
	if (rc == STORE_OK && job.to_reader)
		to = tips_contact_is_email(tip.contact) ? tip.contact : "";
	if (rc == STORE_NOTFOUND || !*ms.host || !*ms.to || !*to) {
		/* The tip went first, or mail is not set up: nothing to send,
		 * and nothing to retry (the newsroom's header counts it). */
		sent = 1;
		ms.to = "";
	} else {
		const char *subject, *body;
		if (job.to_reader)
			tips_ack_text(&a, &tip, &site, &subject, &body);
		else
			tips_mail_text(&a, &tip, site.base_url, &subject, &body);
		char mid[33];
		kb_random_hex(mid, 16);
		const char *at = strchr(ms.to, '@');
		const char *from = tips_mail_from(&ms);
		tips_mail m = {.from = from,
			       .from_name = ms.from_name,
			       .to = to,
			       .subject = subject,
			       .body = body,
			       .date = now,
			       .message_id = kb_arena_printf(&a, "<%s@%s>", mid, at ? at + 1 : "khabar")};
		kb_buf msg = {0};
		tips_mail_build(&msg, &m);
		long code;
		sent = !tips_smtp_send(&ms, from, to, &msg, NULL, NULL, &code, err, sizeof err);
		kb_buf_free(&msg);
	}
	if (sent) {
		rc = tips_store_mail_sent(st, job.id);
		if (!rc && *ms.to)
			kb_info("tip %lld: mail sent to %s", (long long)job.tip_id,
				job.to_reader ? "the reader" : ms.to);
	} else {
		const char *env = getenv("KHABAR_TIPS_MAIL_RETRY_S");
		int64_t first = env && atoi(env) > 0 ? atoi(env) : 30;
		int64_t wait = tips_mail_backoff(job.tries + 1, first);
		kb_warn("tip %lld: mail not sent (try %d%s): %s", (long long)job.tip_id, job.tries + 1,
			wait ? "" : ", giving up", err);
		rc = tips_store_mail_retry(st, job.id, wait ? now + wait : 0, err);
	}
	kb_arena_free(&a);
	return rc ? -1 : sent;
}

/* Deletes up to 100 tips past the retention setting; returns how many. */
static int retention(store *st, int64_t now)
{
	kb_arena a = {0};
	kb_mail_settings ms;
	int64_t *ids;
	size_t n = 0;
	long days = 0;
	if (!tips_store_mail_settings(st, &a, &ms))
		days = atol(ms.retention_days);
	if (days > 0 && tips_store_expired(st, &a, now - days * 86400, 100, &ids, &n))
		n = 0;
	int done = 0;
	for (size_t i = 0; i < n; i++)
		done += tips_delete(st, ids[i]) == STORE_OK;
	if (done)
		kb_info("retention: deleted %d tip%s older than %ld days", done, done == 1 ? "" : "s", days);
	kb_arena_free(&a);
	return done;
}

int tips_step(store *st)
{
	int rc = mail_one(st, kb_now());
	if (rc < 0)
		kb_warn("mail queue: %s", store_errmsg(st));
	if (rc > 0)
		return rc;
	int deleted = retention(st, kb_now());
	return deleted > 0 ? deleted : rc;
}
