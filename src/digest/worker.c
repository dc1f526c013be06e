/*
 * worker.c: the digest job of "khabar serve" (see digest.h): the day's
 * digest made once at digest_time, breaking alerts' mails queued, and the
 * queue sent one mail after another at digest_rate a minute through the
 * tips' SMTP code (src/tips/worker.c), with its own store connection.
 *
 * No one is mailed twice, whatever stops the server: a mail is claimed
 * (sending) before its connection opens and marked committed as its last
 * bytes go to libcurl, before the end of data ("."), which is when an
 * SMTP server takes a message. A server that dies leaves the row as it
 * was; after DIGEST_LEASE any server gives a sending row back to the
 * queue (the message never arrived whole, so a server discarded it) and
 * marks a committed one unknown, never to be sent again (it may have
 * arrived). The price is that a mail whose connection broke between its
 * last bytes and the server's answer may be lost; it is counted.
 *
 * Replies: 5xx at RCPT or after DATA is a hard bounce (digest_bounces in a
 * row disable the address); 4xx and broken connections are retried with
 * the tips' backoff.
 */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/crypto.h"
#include "../http/ops.h"
#include "../text/text.h"
#include "../tips/tips.h"
#include "digest.h"

int64_t digest_today(int64_t now, int *minute)
{
	time_t t = (time_t)now;
	struct tm tm;
	localtime_r(&t, &tm);
	if (minute)
		*minute = tm.tm_hour * 60 + tm.tm_min;
	return (int64_t)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

/* Per server: the day whose digest is known made, when the queue was
 * last recovered, and when the next mail may go (the rate). The job's
 * one thread alone touches them. */
static int64_t g_made_day, g_recovered;
static uint64_t g_next_ns;

void digest_breaking(store *st, int64_t alert_id, const char *title, const char *body, const char *url,
		     int64_t category_id)
{
	int64_t now = kb_now(), queued;
	int rc = digest_store_make_breaking(st, alert_id, title, body ? body : "", url ? url : "",
					    category_id, digest_today(now, NULL), DIGEST_BREAKING_PER_DAY,
					    now, &queued);
	if (rc == STORE_CONFLICT)
		kb_warn("digest: alert %lld not mailed: %d breaking mails went today already",
			(long long)alert_id, DIGEST_BREAKING_PER_DAY);
	else if (rc)
		kb_warn("digest: cannot queue alert %lld's mail: %s", (long long)alert_id, store_errmsg(st));
	else if (queued)
		kb_info("digest: alert %lld queued for %lld breaking-news subscriber%s", (long long)alert_id,
			(long long)queued, queued == 1 ? "" : "s");
}

/* Makes the day's digest once its time has come. */
static int make_daily(store *st, const kb_ops_settings *os, int64_t now)
{
	int at = ops_backup_minute(os->digest_time), minute;
	int64_t day = digest_today(now, &minute);
	if (at < 0 || minute < at || g_made_day == day)
		return 0;
	int64_t id, queued;
	int rc = digest_store_make_daily(st, day, now, &id, &queued);
	if (rc == STORE_OK)
		kb_info("digest: %lld's digest (#%lld) queued for %lld subscriber%s", (long long)day,
			(long long)id, (long long)queued, queued == 1 ? "" : "s");
	if (rc == STORE_OK || rc == STORE_CONFLICT)
		g_made_day = day;
	return rc == STORE_ERROR ? -1 : 0;
}

typedef struct commit_ctx {
	store *st;
	int64_t id;
	int done;
} commit_ctx;

/* libcurl hands the message's last bytes on: from now on it may arrive. */
static void committed(void *ud)
{
	commit_ctx *c = ud;
	if (digest_store_committed(c->st, c->id))
		kb_warn("digest: %s", store_errmsg(c->st));
	c->done = 1;
}

/* The links of subscriber (id, email) into m. */
static void links(kb_arena *a, digest_mail *m, const unsigned char key[32], int64_t id, const char *email)
{
	char t[DIGEST_TOKEN_MAX];
	digest_token(key, 'm', id, email, 0, t);
	m->manage_url = kb_arena_printf(a, "%s/digest/manage?t=%s", m->base_url, t);
	m->unsubscribe_url = kb_arena_printf(a, "%s/digest/unsubscribe?t=%s", m->base_url, t);
}

/* Builds job's mail into msg; 0, or 1 when there is nothing to send
 * (*why says so), -1 on a store error. */
static int build(store *st, kb_arena *a, const kb_digest_job *job, digest_mail *m,
		 const unsigned char key[32], int64_t now, kb_buf *msg, const char **why)
{
	const kb_digest *d = &job->digest;
	if (!d->id) {
		if (strcmp(job->state, "pending")) {
			*why = "the address is not waiting for confirmation";
			return 1;
		}
		char t[DIGEST_TOKEN_MAX];
		digest_token(key, 'c', job->subscriber_id, job->email, now, t);
		digest_compose_confirm(msg, m, kb_arena_printf(a, "%s/digest/confirm?t=%s", m->base_url, t));
		return 0;
	}
	if (strcmp(job->state, "confirmed")) {
		*why = "no longer subscribed";
		return 1;
	}
	links(a, m, key, job->subscriber_id, job->email);
	if (!strcmp(d->kind, "breaking")) {
		digest_compose_breaking(msg, m, d);
		return 0;
	}
	kb_digest_story *stories;
	size_t n;
	if (digest_store_stories(st, a, job->subscriber_id, d->since, d->upto, DIGEST_STORIES, &stories, &n))
		return -1;
	if (!n) {
		*why = "no new story in the subscriber's categories";
		return 1;
	}
	time_t t = (time_t)d->created_at;
	struct tm tm;
	localtime_r(&t, &tm);
	kb_buf day = {0};
	text_format_date(&day, &tm, NULL, 0);
	digest_compose_daily(msg, m, kb_buf_str(&day), stories, n);
	kb_buf_free(&day);
	return 0;
}

/* Sends one mail that is due: 1 if one went (or bounced: the server
 * was spoken to), 2 if one was settled without a mail, 0 if none was
 * due or it failed (and was rescheduled), -1 on a store error. */
static int send_one(store *st, const kb_ops_settings *os, int64_t now)
{
	kb_arena a = {0};
	kb_digest_job job;
	int rc = digest_store_next(st, &a, now, &job);
	if (rc) {
		kb_arena_free(&a);
		return rc == STORE_NOTFOUND ? 0 : -1;
	}
	kb_mail_settings ms;
	kb_settings site;
	unsigned char key[32];
	if (tips_store_mail_settings(st, &a, &ms) || store_settings(st, &a, &site) || digest_key(st, key)) {
		kb_arena_free(&a);
		return -1;
	}
	const char *from = tips_mail_from(&ms);
	char mid[33];
	kb_random_hex(mid, 16);
	const char *at = strchr(from, '@');
	digest_mail m = {.site_name = site.name,
			 .base_url = site.base_url,
			 .from = from,
			 .to = job.email,
			 .mailto = ms.to,
			 .date = now,
			 .message_id = kb_arena_printf(&a, "<%s@%s>", mid, at ? at + 1 : "khabar")};
	size_t bl = strlen(m.base_url);
	if (bl && m.base_url[bl - 1] == '/')
		m.base_url = kb_arena_strndup(&a, m.base_url, bl - 1);
	kb_buf msg = {0};
	const char *why = "";
	int did;
	if (!*ms.host || !*from) {
		/* Mail is not set up: try again in ten minutes. */
		rc = digest_store_retry(st, job.id, now + 600, "the SMTP settings are not set");
		did = 0;
	} else if ((rc = build(st, &a, &job, &m, key, now, &msg, &why)) != 0) {
		did = rc < 0 ? -1 : 2;
		rc = rc < 0 ? rc : digest_store_finish(st, job.id, "skipped", why);
	} else {
		char err[CURL_ERROR_SIZE + 64] = "";
		long code;
		commit_ctx c = {st, job.id, 0};
		if (!tips_smtp_send(&ms, from, job.email, &msg, committed, &c, &code, err, sizeof err)) {
			rc = digest_store_sent(st, job.id, job.subscriber_id, now);
			did = 1;
		} else if (code >= 500 && code < 600) {
			int limit = ops_digest_bounces(os->digest_bounces);
			kb_warn("digest: mail %lld to subscriber %lld bounced (%ld): %s", (long long)job.id,
				(long long)job.subscriber_id, code, err);
			rc = digest_store_bounced(st, job.id, job.subscriber_id, err, limit, now);
			did = 1;
		} else if (c.done && !code) {
			/* The last bytes went and the answer never came: it may
			 * have arrived, so it never goes again. */
			kb_warn("digest: mail %lld may not have arrived: %s", (long long)job.id, err);
			rc = digest_store_finish(st, job.id, "unknown", err);
			did = 0;
		} else {
			const char *env = getenv("KHABAR_TIPS_MAIL_RETRY_S");
			int64_t first = env && atoi(env) > 0 ? atoi(env) : 30;
			int64_t wait = tips_mail_backoff(job.tries + 1, first);
			kb_warn("digest: mail %lld not sent (try %d%s): %s", (long long)job.id, job.tries + 1,
				wait ? "" : ", giving up", err);
			rc = digest_store_retry(st, job.id, wait ? now + wait : 0, err);
			did = 0;
		}
	}
	kb_buf_free(&msg);
	kb_arena_free(&a);
	return rc ? -1 : did;
}

int digest_step(store *st)
{
	int64_t now = kb_now();
	kb_arena a = {0};
	kb_ops_settings os;
	int rc = store_ops_settings(st, &a, &os);
	if (!rc && now - g_recovered >= 10) {
		int64_t requeued, unknown;
		rc = digest_store_recover(st, now - DIGEST_LEASE, &requeued, &unknown);
		if (!rc && (requeued || unknown))
			kb_warn("digest: %lld mail%s of a stopped server queued again, %lld that may have gone "
				"marked unknown",
				(long long)requeued, requeued == 1 ? "" : "s", (long long)unknown);
		g_recovered = now;
	}
	if (!rc)
		rc = make_daily(st, &os, now);
	if (rc) {
		kb_warn("digest: %s", store_errmsg(st));
		kb_arena_free(&a);
		return -1;
	}
	/* The rate: one mail each 60/digest_rate seconds. A wait of more
	 * than a quarter second is the job's period's. */
	uint64_t gap = 60000000000ull / (uint64_t)ops_digest_rate(os.digest_rate);
	uint64_t start = kb_mono_ns();
	if (g_next_ns > start) {
		uint64_t wait = g_next_ns - start;
		if (wait > 250000000ull) {
			kb_arena_free(&a);
			return 0;
		}
		struct timespec ts = {(time_t)(wait / 1000000000ull), (long)(wait % 1000000000ull)};
		nanosleep(&ts, NULL);
		start = g_next_ns;
	}
	int did = send_one(st, &os, kb_now());
	if (did < 0)
		kb_warn("digest queue: %s", store_errmsg(st));
	if (did == 1)
		g_next_ns = start + gap;
	kb_arena_free(&a);
	return did;
}
