/*
 * push_store.h: the store API of Web Push (implemented in push_sqlite.c):
 * subscriptions and their topics, alerts with their statistics, the delivery
 * queue and the lease that lets one process at a time deliver. Callers see
 * no SQL; src/push/ builds on this.
 *
 * The queue: an alert fans out lazily. Its cursor is the highest
 * subscription id already claimed, up to max_sub (the highest id when it
 * was created, so later subscribers are not sent old news). A claimed
 * message is a push_deliveries row in state "sending" stamped with the
 * claiming run's attempt id; a 2xx deletes the row (and counts it), a retry
 * puts it in state "retry" with a time. Rows still "sending" at start-up
 * belong to a run that died: they are sent again (see README, Push).
 */
#ifndef KB_PUSH_STORE_H
#define KB_PUSH_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"
#include "store.h"

/* What a new alert needs (push_alert_create in src/push/push.h). */
typedef struct push_alert_input {
	const char *title, *body, *url, *image;
	int64_t category_id; /* 0: every subscriber */
	const char *urgency; /* very-low, low, normal, high */
	int64_t ttl;         /* seconds */
	const char *topic;   /* NULL: "alert-ID" */
} push_alert_input;

typedef struct push_alert {
	int64_t id;
	const char *title, *body, *url, *image, *urgency, *topic, *state;
	const char *category; /* slug, "" for everyone */
	int64_t category_id, ttl, created_at, expires_at, cursor, max_sub;
	int64_t queued, delivered, failed, expired, clicked, pending;
} push_alert;

/* One message to send: a subscription's keys, claimed for an alert. */
typedef struct push_job_row {
	int64_t alert_id, sub_id;
	const char *endpoint;
	unsigned char p256dh[65], auth[16];
	int tries;
} push_job_row;

/* What happened to one message. */
enum { PUSH_R_DELIVERED, PUSH_R_RETRY, PUSH_R_DEFER, PUSH_R_GONE, PUSH_R_FAILED, PUSH_R_EXPIRED };
typedef struct push_result {
	int64_t alert_id, sub_id;
	int kind;
	int64_t next_at; /* for RETRY and DEFER */
} push_result;

/* Adds a subscription or, for a known endpoint, replaces its keys and
 * topics (slugs of categories; unknown slugs are refused with
 * STORE_NOTFOUND and *bad set to the slug). One transaction. */
int push_store_subscribe(store *st, const char *endpoint, const unsigned char p256dh[65],
			 const unsigned char auth[16], int all_topics, const char *const *topics,
			 size_t ntopics, const char **bad);
/* Deletes the subscription of endpoint; STORE_NOTFOUND when unknown. */
int push_store_unsubscribe(store *st, const char *endpoint);
/* The topics of endpoint's subscription: *all, or category slugs.
 * STORE_NOTFOUND when unknown. */
int push_store_sub_topics(store *st, kb_arena *a, const char *endpoint, int *all, const char ***topics,
			  size_t *n);
/* Number of subscriptions. */
int push_store_sub_count(store *st, int64_t *n);

/* The VAPID key pair kept in settings; "" when absent. */
int push_store_vapid(store *st, kb_arena *a, const char **public_b64, const char **private_b64);
int push_store_vapid_set(store *st, const char *public_b64, const char *private_b64);

/* Inserts an alert (cursor 0, max_sub = the highest subscription id now).
 * The caller has checked the input. topic NULL: "alert-ID". */
int push_store_alert_add(store *st, const push_alert_input *in, int64_t *id);
/* One alert by id; recent alerts, newest first. */
int push_store_alert(store *st, kb_arena *a, int64_t id, push_alert *out);
int push_store_alerts(store *st, kb_arena *a, size_t limit, push_alert **out, size_t *n);
/* Alerts still being sent, oldest first. */
int push_store_alerts_active(store *st, kb_arena *a, push_alert **out, size_t *n);
/* The url of alert id (STORE_NOTFOUND when unknown): where its click
 * link leads. */
int push_store_alert_url(store *st, kb_arena *a, int64_t id, const char **url);

/* A click on the notification of alert_id that subscription sub_id got. */
typedef struct push_click {
	int64_t alert_id, sub_id;
} push_click;
/* Counts clicks in one transaction, each pair once ever (a pair counted
 * before, or of an alert deleted since, adds nothing): *counted says how
 * many were new. */
int push_store_clicks(store *st, const push_click *c, size_t n, size_t *counted);

/*
 * Takes or renews the delivery lease for owner (a process pid on host)
 * until `until` (UTC seconds). Returns 0 when owner holds it,
 * STORE_NOTFOUND when another process holds it and force is 0 (then
 * *holder_pid and *holder_host tell which, arena-allocated). A new holder
 * puts rows left "sending" by others back to "retry": due at once with
 * force (the holder is known dead), else a minute after the old lease ran
 * out, so that a holder that was only slow finishes its own.
 */
int push_store_lease(store *st, kb_arena *a, int64_t owner, int64_t pid, const char *host, int64_t now,
		     int64_t until, int force, int64_t *holder_pid, const char **holder_host);
void push_store_lease_release(store *st, int64_t owner);

/*
 * Claims up to limit messages of alert (rows due for a retry first, then
 * new subscribers past the cursor), marking them "sending" with attempt,
 * in one transaction; rows whose subscription is gone are counted expired.
 * Returns 0 with the rows in *out (arena) and *n, STORE_NOTFOUND when
 * attempt no longer holds the delivery lease.
 */
int push_store_claim(store *st, kb_arena *a, const push_alert *alert, int64_t attempt, int64_t now,
		     size_t limit, push_job_row **out, size_t *n);
/* Records results in one transaction: deletes delivered, failed, expired
 * and gone rows (and gone subscriptions), reschedules retries and
 * deferrals, adds to the alerts' counters and closes finished alerts. A
 * result whose row another process already removed counts nothing. */
int push_store_results(store *st, const push_result *r, size_t n, int64_t now);
/* The earliest next_at of a row waiting for a retry (0: none). */
int push_store_next_retry(store *st, int64_t *at);

/* ---- the newsroom's alerts ---- */

/* Alerts per hour when the setting push_hourly_limit was never set. */
#define PUSH_HOURLY_DEFAULT 10

/* An alert as the newsroom's history shows it: who sent it (a user's
 * name, "" for the command line) and for which story (0: none). */
typedef struct push_sent {
	push_alert alert;
	const char *sent_by;
	int64_t user_id, article_id;
} push_sent;

/*
 * Queues an alert sent from the newsroom, in one transaction: refuses it
 * with STORE_CONFLICT (nothing written) when limit > 0 and limit alerts
 * were already created in the hour before now; else inserts it like
 * push_store_alert_add, records user_id and article_id, and deletes the
 * scheduled alert of article_id, if any. With scheduled set, that
 * scheduled alert must still be there: when another process queued it
 * first, STORE_NOTFOUND and nothing written (so it goes exactly once).
 * The caller has checked the input.
 */
int push_store_alert_send(store *st, const push_alert_input *in, int64_t user_id, int64_t article_id,
			  int scheduled, int64_t limit, int64_t now, int64_t *id);
/* How many alerts were created in the hour before now. */
int push_store_sent_last_hour(store *st, int64_t now, int64_t *n);
/* The setting push_hourly_limit (0: no limit); PUSH_HOURLY_DEFAULT when
 * unset or not a number. */
int push_store_hourly_limit(store *st, int64_t *limit);
/* Alerts newest first, with their senders; *total counts them all. */
int push_store_history(store *st, kb_arena *a, size_t offset, size_t limit, push_sent **out, size_t *n,
		       size_t *total);

/* A scheduled story's alert: remembered when it is scheduled with "send a
 * notification" (by user_id), forgotten when it is scheduled without, or
 * leaves the schedule otherwise. */
int push_store_sched_set(store *st, int64_t article_id, int64_t user_id);
int push_store_sched_clear(store *st, int64_t article_id);
/* Whether article_id has a scheduled alert (*yes 0 or 1). */
int push_store_sched_has(store *st, int64_t article_id, int *yes);
/* The scheduled alerts whose story is now published, oldest first:
 * article ids and the users who asked for them (arena arrays). */
int push_store_sched_due(store *st, kb_arena *a, int64_t **articles, int64_t **users, size_t *n);

#endif
