/*
 * digest_store.h: the store API of the email digest (implemented in
 * digest_sqlite.c): subscribers with their categories, the digests made
 * (the day's, or a breaking alert's) and the send queue, one row a mail,
 * whose states guarantee that no one is mailed twice (migration 28 says
 * how). Callers see no SQL; src/digest/, src/pages/digest.c and
 * src/newsroom/digest.c build on this.
 */
#ifndef KB_DIGEST_STORE_H
#define KB_DIGEST_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"
#include "store.h"

/* A reader who signed up. state: pending (not confirmed yet), confirmed,
 * unsubscribed, bounced; frequency: daily or breaking. */
typedef struct kb_subscriber {
	int64_t id;
	const char *email, *state, *frequency;
	int64_t bounces, created_at, confirmed_at, unsubscribed_at;
	int64_t *categories; /* the ids chosen; none: every category */
	size_t ncategories;
} kb_subscriber;

/*
 * A sign-up for email (lower-cased by the caller) with its choices. A new
 * address, or one that unsubscribed or bounced, becomes pending with
 * these choices and gets a confirmation mail queued; a pending one keeps
 * pending with the new choices and gets another (the caller rate-limits
 * per address); a confirmed one is left as it is (a stranger must not
 * change another's choices), *confirmed 1, nothing queued. An address
 * that had max confirmation mails in the day before now gets nothing
 * and is left as it was (*queued 0): repeated sign-ups cannot flood an
 * inbox. In one transaction. *id gets the subscriber.
 */
int digest_store_signup(store *st, const char *email, const char *frequency, const int64_t *cats,
			size_t ncats, const char *ip, int64_t now, int max, int64_t *id, int *confirmed,
			int *queued);
/* Subscriber id with their categories; STORE_NOTFOUND. */
int digest_store_get(store *st, kb_arena *a, int64_t id, kb_subscriber *out);
/* A pending subscriber's link was opened: confirmed at now. STORE_OK too
 * when already confirmed; STORE_NOTFOUND when unsubscribed or bounced (a
 * confirmation link does not undo that). */
int digest_store_confirm(store *st, int64_t id, int64_t now);
/* A confirmed subscriber's new choices, in one transaction;
 * STORE_NOTFOUND when not confirmed. */
int digest_store_set_prefs(store *st, int64_t id, const char *frequency, const int64_t *cats, size_t ncats,
			   int64_t now);
/* Unsubscribes id at now (their mails still queued are skipped); STORE_OK
 * when already unsubscribed. */
int digest_store_unsubscribe(store *st, int64_t id, int64_t now);

/* A digest: the day's (kind daily: stories published in [since, upto))
 * or a breaking alert's (its title, text and link). */
typedef struct kb_digest {
	int64_t id, day, alert_id, since, upto, category_id, created_at;
	const char *kind, *title, *body, *url;
} kb_digest;

/* Makes the daily digest of day (20261203) at now, since the end of the
 * last one (a day back for the first), and queues it for every confirmed
 * daily subscriber, in one transaction. STORE_CONFLICT when that day's
 * was made already (by this server or another on the database). */
int digest_store_make_daily(store *st, int64_t day, int64_t now, int64_t *id, int64_t *queued);
/* Makes the digest of breaking alert alert_id and queues it for every
 * confirmed breaking-only subscriber of its category (0: all), in one
 * transaction. STORE_CONFLICT when day has max breaking digests already,
 * or this alert has one. */
int digest_store_make_breaking(store *st, int64_t alert_id, const char *title, const char *body,
			       const char *url, int64_t category_id, int64_t day, int max, int64_t now,
			       int64_t *queued);

/* A mail to send: a subscriber's copy of digest (digest.id 0: their
 * confirmation mail). */
typedef struct kb_digest_job {
	int64_t id, subscriber_id;
	int tries;
	const char *email, *state; /* the subscriber's address and state now */
	kb_digest digest;
} kb_digest_job;
/* The oldest mail due at now, claimed (state sending) so no other server
 * sends it; STORE_NOTFOUND when none is due or another took it. */
int digest_store_next(store *st, kb_arena *a, int64_t now, kb_digest_job *out);
/* Job id's last bytes are with the SMTP server: from here on it is never
 * sent again, whatever happens. */
int digest_store_committed(store *st, int64_t id);
/* Job id went at now: sent, and its subscriber's bounces start again. */
int digest_store_sent(store *st, int64_t id, int64_t subscriber_id, int64_t now);
/* Job id ends as state: "skipped" (unsubscribed since, nothing new in
 * their categories) or "unknown" (the connection broke after its last
 * bytes: it may have gone, so it never goes again), with error. */
int digest_store_finish(store *st, int64_t id, const char *state, const char *error);
/* The server refused job id for good (5xx): the row is bounced, and the
 * subscriber is too after limit such in a row. */
int digest_store_bounced(store *st, int64_t id, int64_t subscriber_id, const char *error, int limit,
			 int64_t now);
/* Job id failed for now: queued again for next_at, or failed when 0. */
int digest_store_retry(store *st, int64_t id, int64_t next_at, const char *error);
/* Jobs whose server died: sending ones claimed before `before` queued
 * again (the server never had their end of data), committed ones marked
 * unknown (it may have had it: never sent again). The counts in *requeued
 * and *unknown. */
int digest_store_recover(store *st, int64_t before, int64_t *requeued, int64_t *unknown);

/* A story of a digest. */
typedef struct kb_digest_story {
	const char *title, *slug, *summary, *category;
	int64_t published_at;
	int breaking;
} kb_digest_story;
/* Up to limit stories published in [since, upto) in subscriber's
 * categories (all when none), breaking first, then newest first. */
int digest_store_stories(store *st, kb_arena *a, int64_t subscriber_id, int64_t since, int64_t upto,
			 size_t limit, kb_digest_story **out, size_t *n);

/* What the newsroom sees. */
typedef struct kb_digest_stat {
	const char *key; /* a state, a frequency, a category's name */
	int64_t n;
} kb_digest_stat;
typedef struct kb_digest_counts {
	kb_digest_stat *states, *frequencies, *categories; /* of confirmed subscribers */
	size_t nstates, nfrequencies, ncategories;
	int64_t unsubscribed_30d, signed_up_30d;
} kb_digest_counts;
int digest_store_counts(store *st, kb_arena *a, int64_t now, kb_digest_counts *out);
/* The last limit digests, newest first, with their mails by state. */
typedef struct kb_digest_sends {
	kb_digest digest;
	int64_t queued, sent, skipped, bounced, failed, unknown;
} kb_digest_sends;
int digest_store_sends(store *st, kb_arena *a, size_t limit, kb_digest_sends **out, size_t *n);
/* Every confirmed subscriber, oldest first: address, frequency, confirmed
 * time and their categories' slugs (space-separated, "" for all). */
typedef struct kb_digest_export {
	const char *email, *frequency, *slugs;
	int64_t confirmed_at;
} kb_digest_export;
int digest_store_export(store *st, kb_arena *a, kb_digest_export **out, size_t *n);

#endif
