/*
 * metrics.c: /metrics, in Prometheus' text format (version 0.0.4): the
 * server's counters (src/http/metrics.h) and what the database counts:
 * the push queue and its outcomes, the tips' mail queue, and stories
 * whose scheduled time has passed unpublished (the scheduler's lag).
 *
 * Answered to a client on loopback that came through no proxy, or to
 * one that sends "Authorization: Bearer TOKEN" with the metrics_token
 * setting (compared in constant time); anyone else gets 403. The token
 * and the database's counts are read at most every 5 seconds, so a
 * scrape costs a few counts now and then, never a query per request.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../core/crypto.h"
#include "../db/ops_store.h"
#include "../http/metrics.h"
#include "pages.h"

#define METRICS_REFRESH_NS 5000000000ull

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static uint64_t g_read_at;
static int g_ok;
static kb_ops_counts g_counts;
static char g_token[256];

/* The token and the counts, read again when older than 5 seconds; 1
 * when the last read worked. */
static int refresh(kb_req *r, kb_ops_counts *c, char token[256])
{
	pthread_mutex_lock(&g_mu);
	uint64_t now = kb_mono_ns();
	if (!g_read_at || now - g_read_at > METRICS_REFRESH_NS) {
		kb_arena a = {0};
		kb_ops_settings os;
		g_ok = !store_ops_settings(r->db, &a, &os) && !store_ops_counts(r->db, kb_now(), &g_counts);
		if (g_ok)
			snprintf(g_token, sizeof g_token, "%s", os.metrics_token);
		kb_arena_free(&a);
		g_read_at = now;
	}
	*c = g_counts;
	memcpy(token, g_token, 256);
	int ok = g_ok;
	pthread_mutex_unlock(&g_mu);
	return ok;
}

/* Whether two tokens are equal, in time that depends on neither: their
 * HMACs (of one length) are compared. */
static int token_equal(const char *a, const char *b)
{
	static const unsigned char key[] = "khabar metrics";
	char ha[65], hb[65];
	kb_hmac_hex(key, sizeof key - 1, a, ha);
	kb_hmac_hex(key, sizeof key - 1, b, hb);
	return kb_secret_equal(ha, hb);
}

/* A client on this machine that no proxy in front relayed. */
static int from_loopback(kb_req *r)
{
	const char *p = req_peer(r);
	int local = !strncmp(p, "127.", 4) || !strcmp(p, "::1");
	return local && !req_header(r, "x-forwarded-for") && !req_header(r, "forwarded") &&
	       !req_header(r, "via");
}

int page_metrics(kb_req *r)
{
	r->max_age = -1;
	r->content_type = "text/plain; charset=utf-8";
	kb_ops_counts c;
	char token[256];
	int ok = refresh(r, &c, token);
	const char *auth = req_header(r, "authorization");
	int bearer = auth && !strncmp(auth, "Bearer ", 7) && *token && token_equal(auth + 7, token);
	if (!bearer && !from_loopback(r)) {
		kb_buf_puts(&r->body, "/metrics answers loopback, or Authorization: Bearer with the "
				      "metrics_token setting\n");
		return 403;
	}
	r->content_type = METRICS_TYPE;
	metrics_write(&r->body);
	kb_buf_printf(&r->body,
		      "# HELP khabar_metrics_db_ok Whether the last read of the database's counts worked.\n"
		      "# TYPE khabar_metrics_db_ok gauge\n"
		      "khabar_metrics_db_ok %d\n"
		      "# HELP khabar_push_queue Push deliveries waiting or in flight.\n"
		      "# TYPE khabar_push_queue gauge\n"
		      "khabar_push_queue %lld\n"
		      "# HELP khabar_push_messages Push messages of the alerts kept, by outcome.\n"
		      "# TYPE khabar_push_messages gauge\n"
		      "khabar_push_messages{outcome=\"delivered\"} %lld\n"
		      "khabar_push_messages{outcome=\"failed\"} %lld\n"
		      "khabar_push_messages{outcome=\"expired\"} %lld\n"
		      "# HELP khabar_mail_queue Tips' mail waiting to be sent, and given up.\n"
		      "# TYPE khabar_mail_queue gauge\n"
		      "khabar_mail_queue{state=\"waiting\"} %lld\n"
		      "khabar_mail_queue{state=\"failed\"} %lld\n"
		      "# HELP khabar_schedule_overdue Scheduled stories past their time, not yet published.\n"
		      "# TYPE khabar_schedule_overdue gauge\n"
		      "khabar_schedule_overdue %lld\n"
		      "# HELP khabar_schedule_lag_seconds How late the oldest of them is.\n"
		      "# TYPE khabar_schedule_lag_seconds gauge\n"
		      "khabar_schedule_lag_seconds %lld\n",
		      ok, (long long)c.push_queue, (long long)c.push_delivered, (long long)c.push_failed,
		      (long long)c.push_expired, (long long)c.mail_waiting, (long long)c.mail_failed,
		      (long long)c.schedule_overdue, (long long)c.schedule_lag);
	return 200;
}
