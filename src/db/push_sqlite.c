/*
 * push_sqlite.c: the store side of Web Push (push_store.h): subscriptions,
 * alerts, the delivery queue and the delivery lease. Statements are fixed
 * strings prepared once through db_prepare() (driver.h) and bound; nothing
 * is formatted. SQL only SQLite takes is marked "dialect:".
 *
 * The queue is written in batches, each in one transaction: a claim marks
 * up to a few hundred messages "sending" before any is sent, and results
 * are recorded a few hundred at a time. That keeps SQLite's cost per
 * message to a few row operations, and bounds what a crash can leave in
 * flight to what was claimed and not yet recorded.
 */
#include <stdlib.h>
#include <string.h>

#include "push_store.h"
#include "driver.h"
#include "store_int.h"

/* ---- subscriptions ---- */

static const char sql_sub_upsert[] =
	"INSERT INTO push_subscriptions(endpoint, p256dh, auth, all_topics, created_at, updated_at) "
	"VALUES($1, $2, $3, $4, $5, $5) ON CONFLICT(endpoint) DO UPDATE SET p256dh = excluded.p256dh, "
	"auth = excluded.auth, all_topics = excluded.all_topics, updated_at = excluded.updated_at "
	"RETURNING id";
static const char sql_topics_clear[] = "DELETE FROM push_topics WHERE sub_id = $1";
/* (An INSERT ... SELECT with ON CONFLICT needs its WHERE: SQLite would
 * read the ON as a join's otherwise.) */
static const char sql_topic_add[] = "INSERT INTO push_topics(category_id, sub_id) "
				    "SELECT id, $2 FROM categories WHERE slug = $1 ON CONFLICT DO NOTHING";
static const char sql_category_known[] = "SELECT 1 FROM categories WHERE slug = $1";
static const char sql_sub_delete[] = "DELETE FROM push_subscriptions WHERE endpoint = $1";
static const char sql_sub_delete_id[] = "DELETE FROM push_subscriptions WHERE id = $1";
static const char sql_sub_topics[] =
	"SELECT s.all_topics, c.slug FROM push_subscriptions s LEFT JOIN push_topics t "
	"ON t.sub_id = s.id LEFT JOIN categories c ON c.id = t.category_id WHERE s.endpoint = $1 "
	"ORDER BY c.position, c.id";
static const char sql_sub_count[] = "SELECT count(*) FROM push_subscriptions";

int push_store_subscribe(store *st, const char *endpoint, const unsigned char p256dh[65],
			 const unsigned char auth[16], int all_topics, const char *const *topics,
			 size_t ntopics, const char **bad)
{
	*bad = NULL;
	if (store_begin(st))
		return STORE_ERROR;
	db_stmt *s = db_prepare(st, sql_sub_upsert);
	db_bind_text(s, 1, endpoint);
	db_bind_blob(s, 2, p256dh, 65);
	db_bind_blob(s, 3, auth, 16);
	db_bind_int(s, 4, all_topics);
	db_bind_int(s, 5, kb_now());
	if (db_step(s) != DB_ROW) {
		db_reset(s);
		goto fail;
	}
	int64_t id = db_col_int(s, 0);
	db_step(s);
	db_reset(s);
	s = db_prepare(st, sql_topics_clear);
	db_bind_int(s, 1, id);
	if (db_run(st, s, "cannot update push topics"))
		goto fail;
	for (size_t i = 0; !all_topics && i < ntopics; i++) {
		s = db_prepare(st, sql_topic_add);
		db_bind_text(s, 1, topics[i]);
		db_bind_int(s, 2, id);
		if (db_run(st, s, "cannot add a push topic"))
			goto fail;
		if (!db_changes(st)) {
			/* A duplicate is ignored too; tell it from an unknown slug. */
			db_stmt *c = db_prepare(st, sql_category_known);
			db_bind_text(c, 1, topics[i]);
			int known = db_step(c) == DB_ROW;
			db_reset(c);
			if (!known) {
				*bad = topics[i];
				store_rollback(st);
				return STORE_NOTFOUND;
			}
		}
	}
	if (store_commit(st))
		goto fail;
	return STORE_OK;
fail:
	db_fail(st, "cannot store the subscription");
	store_rollback(st);
	return STORE_ERROR;
}

int push_store_unsubscribe(store *st, const char *endpoint)
{
	db_stmt *s = db_prepare(st, sql_sub_delete);
	db_bind_text(s, 1, endpoint);
	return db_run_one(st, s, "cannot delete the subscription");
}

int push_store_sub_topics(store *st, kb_arena *a, const char *endpoint, int *all, const char ***topics,
			  size_t *n)
{
	db_stmt *s = db_prepare(st, sql_sub_topics);
	db_bind_text(s, 1, endpoint);
	size_t cap = 16, len = 0;
	const char **v = kb_arena_alloc(a, cap * sizeof *v);
	int rc, found = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		found = 1;
		*all = db_col_int(s, 0);
		if (db_col_is_null(s, 1))
			continue;
		if (len == cap) {
			const char **w = kb_arena_alloc(a, 2 * cap * sizeof *w);
			memcpy(w, v, len * sizeof *v);
			v = w, cap *= 2;
		}
		v[len++] = db_col_text(a, s, 1);
	}
	db_reset(s);
	*topics = v;
	*n = len;
	if (rc != DB_DONE)
		return db_fail(st, "cannot read the subscription");
	return found ? STORE_OK : STORE_NOTFOUND;
}

int push_store_sub_count(store *st, int64_t *n)
{
	db_stmt *s = db_prepare(st, sql_sub_count);
	int rc = db_step(s);
	*n = rc == DB_ROW ? db_col_int(s, 0) : 0;
	db_reset(s);
	return rc == DB_ROW ? STORE_OK : db_fail(st, "cannot count subscriptions");
}

/* ---- VAPID keys (in settings) ---- */

static const char sql_vapid[] = "SELECT (SELECT value FROM settings WHERE key = 'vapid_public'), "
				"(SELECT value FROM settings WHERE key = 'vapid_private')";

int push_store_vapid(store *st, kb_arena *a, const char **public_b64, const char **private_b64)
{
	db_stmt *s = db_prepare(st, sql_vapid);
	int rc = db_step(s);
	if (rc == DB_ROW) {
		*public_b64 = db_col_text(a, s, 0);
		*private_b64 = db_col_text(a, s, 1);
	}
	db_reset(s);
	return rc == DB_ROW ? STORE_OK : db_fail(st, "cannot read the VAPID keys");
}

int push_store_vapid_set(store *st, const char *public_b64, const char *private_b64)
{
	if (store_begin(st) || store_setting_set(st, "vapid_public", public_b64) ||
	    store_setting_set(st, "vapid_private", private_b64) || store_commit(st)) {
		store_rollback(st);
		return STORE_ERROR;
	}
	return STORE_OK;
}

/* ---- alerts ---- */

#define ALERT_COLS                                                                        \
	"a.id, a.title, a.body, a.url, a.image, a.urgency, a.topic, a.state, "            \
	"coalesce(c.slug, ''), a.category_id, a.ttl, a.created_at, a.cursor, a.max_sub, " \
	"a.queued, a.delivered, a.failed, a.expired, a.clicked, "                         \
	"(SELECT count(*) FROM push_deliveries d WHERE d.alert_id = a.id) "               \
	"FROM push_alerts a LEFT JOIN categories c ON c.id = a.category_id "

static const char sql_alert_add[] =
	"INSERT INTO push_alerts(title, body, url, image, category_id, urgency, ttl, topic, "
	"created_at, max_sub) VALUES($1, $2, $3, $4, $5, $6, $7, coalesce($8, ''), $9, "
	"(SELECT coalesce(max(id), 0) FROM push_subscriptions)) RETURNING id";
static const char sql_alert_topic[] =
	"UPDATE push_alerts SET topic = 'alert-' || id WHERE id = $1 AND topic = ''";
static const char sql_alert_one[] = "SELECT " ALERT_COLS "WHERE a.id = $1";
static const char sql_alert_list[] = "SELECT " ALERT_COLS "ORDER BY a.id DESC LIMIT $1";
static const char sql_alert_active[] = "SELECT " ALERT_COLS "WHERE a.state = 'sending' ORDER BY a.id";
static const char sql_alert_url[] = "SELECT url FROM push_alerts WHERE id = $1";
/* A click of an alert deleted meanwhile is dropped, not a foreign key
 * error that would lose the whole batch. */
static const char sql_click_add[] =
	"INSERT INTO push_clicks(alert_id, sub_id) SELECT $1, $2 "
	"WHERE EXISTS (SELECT 1 FROM push_alerts WHERE id = $1) ON CONFLICT DO NOTHING";
static const char sql_click_count[] = "UPDATE push_alerts SET clicked = clicked + 1 WHERE id = $1";

static void read_alert(kb_arena *a, db_stmt *s, push_alert *r)
{
	r->id = db_col_int(s, 0);
	r->title = db_col_text(a, s, 1);
	r->body = db_col_text(a, s, 2);
	r->url = db_col_text(a, s, 3);
	r->image = db_col_text(a, s, 4);
	r->urgency = db_col_text(a, s, 5);
	r->topic = db_col_text(a, s, 6);
	r->state = db_col_text(a, s, 7);
	r->category = db_col_text(a, s, 8);
	r->category_id = db_col_int(s, 9);
	r->ttl = db_col_int(s, 10);
	r->created_at = db_col_int(s, 11);
	r->expires_at = r->created_at + r->ttl;
	r->cursor = db_col_int(s, 12);
	r->max_sub = db_col_int(s, 13);
	r->queued = db_col_int(s, 14);
	r->delivered = db_col_int(s, 15);
	r->failed = db_col_int(s, 16);
	r->expired = db_col_int(s, 17);
	r->clicked = db_col_int(s, 18);
	r->pending = db_col_int(s, 19);
}

/* Inserts the alert (and its default Topic) inside the caller's
 * transaction: its id in *id. */
static int insert_alert(store *st, const push_alert_input *in, int64_t now, int64_t *id)
{
	db_stmt *s = db_prepare(st, sql_alert_add);
	db_bind_text(s, 1, in->title);
	db_bind_text(s, 2, in->body);
	db_bind_text(s, 3, in->url);
	db_bind_text(s, 4, in->image);
	db_bind_int(s, 5, in->category_id);
	db_bind_text(s, 6, in->urgency);
	db_bind_int(s, 7, in->ttl);
	if (in->topic)
		db_bind_text(s, 8, in->topic);
	db_bind_int(s, 9, now);
	if (store_insert_id(st, s, "cannot add the alert", id))
		return STORE_ERROR;
	s = db_prepare(st, sql_alert_topic);
	db_bind_int(s, 1, *id);
	return db_run(st, s, "cannot add the alert");
}

int push_store_alert_add(store *st, const push_alert_input *in, int64_t *id)
{
	if (store_begin(st))
		return STORE_ERROR;
	if (insert_alert(st, in, kb_now(), id) || store_commit(st)) {
		store_rollback(st);
		return STORE_ERROR;
	}
	return STORE_OK;
}

static int alert_rows(store *st, kb_arena *a, db_stmt *s, push_alert **out, size_t *n)
{
	size_t cap = 8, len = 0;
	push_alert *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap) {
			push_alert *w = kb_arena_alloc(a, 2 * cap * sizeof *w);
			memcpy(w, v, len * sizeof *v);
			v = w, cap *= 2;
		}
		read_alert(a, s, &v[len++]);
	}
	db_reset(s);
	*out = v;
	*n = len;
	return rc == DB_DONE ? STORE_OK : db_fail(st, "cannot read alerts");
}

int push_store_alert(store *st, kb_arena *a, int64_t id, push_alert *out)
{
	db_stmt *s = db_prepare(st, sql_alert_one);
	db_bind_int(s, 1, id);
	push_alert *v;
	size_t n;
	if (alert_rows(st, a, s, &v, &n))
		return STORE_ERROR;
	if (!n)
		return STORE_NOTFOUND;
	*out = v[0];
	return STORE_OK;
}

int push_store_alerts(store *st, kb_arena *a, size_t limit, push_alert **out, size_t *n)
{
	db_stmt *s = db_prepare(st, sql_alert_list);
	db_bind_int(s, 1, (int64_t)limit);
	return alert_rows(st, a, s, out, n);
}

int push_store_alerts_active(store *st, kb_arena *a, push_alert **out, size_t *n)
{
	return alert_rows(st, a, db_prepare(st, sql_alert_active), out, n);
}

int push_store_alert_url(store *st, kb_arena *a, int64_t id, const char **url)
{
	db_stmt *s = db_prepare(st, sql_alert_url);
	db_bind_int(s, 1, id);
	int rc = db_one(st, s, "cannot read the alert");
	if (rc == STORE_OK) {
		*url = db_col_text(a, s, 0);
		db_reset(s);
	}
	return rc;
}

int push_store_clicks(store *st, const push_click *c, size_t n, size_t *counted)
{
	*counted = 0;
	if (store_begin(st))
		return STORE_ERROR;
	size_t added = 0;
	for (size_t i = 0; i < n; i++) {
		db_stmt *s = db_prepare(st, sql_click_add);
		db_bind_int(s, 1, c[i].alert_id);
		db_bind_int(s, 2, c[i].sub_id);
		if (db_run(st, s, "cannot count a click"))
			goto fail;
		if (!db_changes(st))
			continue; /* counted before, or the alert is gone */
		s = db_prepare(st, sql_click_count);
		db_bind_int(s, 1, c[i].alert_id);
		if (db_run(st, s, "cannot count a click"))
			goto fail;
		added++;
	}
	if (store_commit(st))
		goto fail;
	*counted = added;
	return STORE_OK;
fail:
	store_rollback(st);
	return STORE_ERROR;
}

/* ---- the lease ---- */

static const char sql_lease_get[] = "SELECT owner, until, pid, host FROM push_lease WHERE id = 1";
static const char sql_lease_set[] =
	"UPDATE push_lease SET owner = $1, until = $2, pid = $3, host = $4 WHERE id = 1";
static const char sql_orphans[] =
	"UPDATE push_deliveries SET state = 2, next_at = $2 WHERE state = 1 AND attempt != $1";
/* How long after its lease ran out a holder may still have requests in
 * flight and results to record: it learns of the takeover at its next
 * claim, and a request ends within its 15 s timeout. */
#define ORPHAN_GRACE 60
static const char sql_lease_release[] = "UPDATE push_lease SET until = 0 WHERE owner = $1";

int push_store_lease(store *st, kb_arena *a, int64_t owner, int64_t pid, const char *host, int64_t now,
		     int64_t until, int force, int64_t *holder_pid, const char **holder_host)
{
	if (store_begin(st))
		return STORE_ERROR;
	db_stmt *s = db_prepare(st, sql_lease_get);
	int rc = db_step(s);
	int64_t holder = rc == DB_ROW ? db_col_int(s, 0) : 0;
	int64_t held_until = rc == DB_ROW ? db_col_int(s, 1) : 0;
	if (rc == DB_ROW) {
		*holder_pid = db_col_int(s, 2);
		*holder_host = db_col_text(a, s, 3);
	}
	db_reset(s);
	if (rc != DB_ROW)
		goto fail;
	if (holder != owner && held_until >= now && !force) {
		store_rollback(st);
		return STORE_NOTFOUND;
	}
	int new_holder = holder != owner;
	s = db_prepare(st, sql_lease_set);
	db_bind_int(s, 1, owner);
	db_bind_int(s, 2, until);
	db_bind_int(s, 3, pid);
	db_bind_text(s, 4, host);
	if (db_run(st, s, "cannot take the delivery lease"))
		goto fail;
	if (new_holder) {
		/* Rows another left "sending" are sent again: at once when it
		 * is known dead (force) or long gone, else only once it has
		 * had time to finish them (a holder that stalled, or whose
		 * clock jumped, is still delivering what it claimed, and its
		 * results remove the rows first). */
		s = db_prepare(st, sql_orphans);
		db_bind_int(s, 1, owner);
		db_bind_int(s, 2, force ? 0 : held_until + ORPHAN_GRACE);
		if (db_run(st, s, "cannot recover the queue"))
			goto fail;
	}
	if (store_commit(st))
		goto fail;
	return STORE_OK;
fail:
	db_fail(st, "cannot take the delivery lease");
	store_rollback(st);
	return STORE_ERROR;
}

void push_store_lease_release(store *st, int64_t owner)
{
	db_stmt *s = db_prepare(st, sql_lease_release);
	db_bind_int(s, 1, owner);
	db_run(st, s, "cannot release the delivery lease");
}

/* ---- the queue ---- */

static const char sql_lease_mine[] = "SELECT 1 FROM push_lease WHERE id = 1 AND owner = $1";
static const char sql_claim_retry[] =
	"SELECT d.sub_id, s.endpoint, s.p256dh, s.auth, d.tries FROM push_deliveries d "
	"LEFT JOIN push_subscriptions s ON s.id = d.sub_id "
	"WHERE d.alert_id = $1 AND d.state = 2 AND d.next_at <= $2 LIMIT $3";
static const char sql_mark_retry[] = "UPDATE push_deliveries SET state = 1, attempt = $3, tries = tries + 1 "
				     "WHERE alert_id = $1 AND sub_id = $2";
static const char sql_claim_new[] =
	"SELECT s.id, s.endpoint, s.p256dh, s.auth FROM push_subscriptions s "
	"WHERE s.id > $1 AND s.id <= $2 AND ($3 = 0 OR s.all_topics <> 0 OR EXISTS(SELECT 1 FROM "
	"push_topics t WHERE t.category_id = $3 AND t.sub_id = s.id)) ORDER BY s.id LIMIT $4";
/* A new row in place of any old one. */
static const char sql_mark_new[] =
	"INSERT INTO push_deliveries(alert_id, sub_id, state, attempt, tries, next_at) "
	"VALUES($1, $2, 1, $3, 1, 0) ON CONFLICT(alert_id, sub_id) DO UPDATE SET state = 1, "
	"attempt = excluded.attempt, tries = 1, next_at = 0";
static const char sql_cursor[] = "UPDATE push_alerts SET cursor = $2, queued = queued + $3 WHERE id = $1";
static const char sql_delete_row[] = "DELETE FROM push_deliveries WHERE alert_id = $1 AND sub_id = $2";
static const char sql_reschedule[] = "UPDATE push_deliveries SET state = 2, next_at = $3, tries = tries - $4 "
				     "WHERE alert_id = $1 AND sub_id = $2";
static const char sql_count[] = "UPDATE push_alerts SET delivered = delivered + $2, failed = failed + $3, "
				"expired = expired + $4 WHERE id = $1";
static const char sql_close[] =
	"UPDATE push_alerts SET state = 'done' WHERE id = $1 AND state = 'sending' AND cursor >= max_sub "
	"AND NOT EXISTS(SELECT 1 FROM push_deliveries WHERE alert_id = $1)";
static const char sql_next_retry[] = "SELECT min(next_at) FROM push_deliveries WHERE state = 2";

static int read_keys(db_stmt *s, int col, push_job_row *j)
{
	size_t np, na;
	const void *p = db_col_blob(s, col, &np), *k = db_col_blob(s, col + 1, &na);
	if (np != 65 || na != 16)
		return -1;
	memcpy(j->p256dh, p, 65);
	memcpy(j->auth, k, 16);
	return 0;
}

int push_store_claim(store *st, kb_arena *a, const push_alert *alert, int64_t attempt, int64_t now,
		     size_t limit, push_job_row **out, size_t *n)
{
	push_job_row *v = kb_arena_alloc(a, (limit ? limit : 1) * sizeof *v);
	size_t len = 0, gone = 0;
	*n = 0;
	if (store_begin(st))
		return STORE_ERROR;
	/* Only the lease's holder claims, checked in the claim's own
	 * transaction: a process whose lease another took over (it stalled,
	 * or its clock jumped) learns it here, before it sends anything more. */
	db_stmt *s = db_prepare(st, sql_lease_mine);
	db_bind_int(s, 1, attempt);
	int rc = db_step(s);
	db_reset(s);
	if (rc != DB_ROW) {
		store_rollback(st);
		return rc == DB_DONE ? STORE_NOTFOUND : db_fail(st, "cannot read the delivery lease");
	}
	/* Retries that are due, first. */
	s = db_prepare(st, sql_claim_retry);
	db_bind_int(s, 1, alert->id);
	db_bind_int(s, 2, now);
	db_bind_int(s, 3, (int64_t)limit);
	int64_t *gone_ids = kb_arena_alloc(a, (limit ? limit : 1) * sizeof *gone_ids);
	while ((rc = db_step(s)) == DB_ROW) {
		push_job_row *j = &v[len];
		j->alert_id = alert->id;
		j->sub_id = db_col_int(s, 0);
		if (db_col_is_null(s, 1) || read_keys(s, 2, j)) {
			gone_ids[gone++] = j->sub_id;
			continue;
		}
		j->endpoint = db_col_text(a, s, 1);
		j->tries = db_col_int(s, 4) + 1;
		len++;
	}
	db_reset(s);
	if (rc != DB_DONE)
		goto fail;
	for (size_t i = 0; i < len; i++) {
		s = db_prepare(st, sql_mark_retry);
		db_bind_int(s, 1, alert->id);
		db_bind_int(s, 2, v[i].sub_id);
		db_bind_int(s, 3, attempt);
		if (db_run(st, s, "cannot claim a retry"))
			goto fail;
	}
	for (size_t i = 0; i < gone; i++) {
		s = db_prepare(st, sql_delete_row);
		db_bind_int(s, 1, alert->id);
		db_bind_int(s, 2, gone_ids[i]);
		if (db_run(st, s, "cannot drop a message"))
			goto fail;
	}
	/* Then subscribers past the cursor. */
	size_t fresh = 0;
	int64_t cursor = alert->cursor;
	if (len < limit && cursor < alert->max_sub) {
		s = db_prepare(st, sql_claim_new);
		db_bind_int(s, 1, cursor);
		db_bind_int(s, 2, alert->max_sub);
		db_bind_int(s, 3, alert->category_id);
		db_bind_int(s, 4, (int64_t)(limit - len));
		size_t start = len;
		while ((rc = db_step(s)) == DB_ROW) {
			push_job_row *j = &v[len];
			j->alert_id = alert->id;
			j->sub_id = db_col_int(s, 0);
			cursor = j->sub_id;
			if (read_keys(s, 2, j))
				continue;
			j->endpoint = db_col_text(a, s, 1);
			j->tries = 1;
			len++;
		}
		db_reset(s);
		if (rc != DB_DONE)
			goto fail;
		fresh = len - start;
		/* Fewer than asked: nobody else matches up to max_sub. */
		if (len < limit)
			cursor = alert->max_sub;
		for (size_t i = start; i < len; i++) {
			s = db_prepare(st, sql_mark_new);
			db_bind_int(s, 1, alert->id);
			db_bind_int(s, 2, v[i].sub_id);
			db_bind_int(s, 3, attempt);
			if (db_run(st, s, "cannot claim a message"))
				goto fail;
		}
	}
	s = db_prepare(st, sql_cursor);
	db_bind_int(s, 1, alert->id);
	db_bind_int(s, 2, cursor);
	db_bind_int(s, 3, (int64_t)fresh);
	if (db_run(st, s, "cannot move the cursor"))
		goto fail;
	if (gone) {
		s = db_prepare(st, sql_count);
		db_bind_int(s, 1, alert->id);
		db_bind_int(s, 2, 0);
		db_bind_int(s, 3, 0);
		db_bind_int(s, 4, (int64_t)gone);
		if (db_run(st, s, "cannot count"))
			goto fail;
	}
	s = db_prepare(st, sql_close);
	db_bind_int(s, 1, alert->id);
	if (db_run(st, s, "cannot close the alert") || store_commit(st))
		goto fail;
	*out = v;
	*n = len;
	return STORE_OK;
fail:
	db_fail(st, "cannot claim messages");
	store_rollback(st);
	return STORE_ERROR;
}

/* Per-alert counters gathered from one batch of results. */
typedef struct tally {
	int64_t alert_id, delivered, failed, expired;
} tally;

int push_store_results(store *st, const push_result *r, size_t n, int64_t now)
{
	tally t[32];
	size_t nt = 0;
	if (store_begin(st))
		return STORE_ERROR;
	for (size_t i = 0; i < n; i++) {
		db_stmt *s;
		int k = r[i].kind;
		if (k == PUSH_R_RETRY || k == PUSH_R_DEFER) {
			s = db_prepare(st, sql_reschedule);
			db_bind_int(s, 3, r[i].next_at);
			db_bind_int(s, 4, k == PUSH_R_DEFER); /* a deferral is not a try */
		} else {
			s = db_prepare(st, sql_delete_row);
		}
		db_bind_int(s, 1, r[i].alert_id);
		db_bind_int(s, 2, r[i].sub_id);
		if (db_run(st, s, "cannot record a result"))
			goto fail;
		/* A row already gone was finished by another process (one that
		 * took the lease over while this one still had the message in
		 * flight): counted once, by whoever removed it. */
		int removed = db_changes(st) > 0;
		if (k == PUSH_R_GONE) {
			s = db_prepare(st, sql_sub_delete_id);
			db_bind_int(s, 1, r[i].sub_id);
			if (db_run(st, s, "cannot delete a subscription"))
				goto fail;
		}
		if (k == PUSH_R_RETRY || k == PUSH_R_DEFER || !removed)
			continue;
		size_t j = 0;
		while (j < nt && t[j].alert_id != r[i].alert_id)
			j++;
		if (j == nt) {
			if (nt == KB_COUNT(t)) { /* flush the counters so far */
				for (size_t m = 0; m < nt; m++) {
					s = db_prepare(st, sql_count);
					db_bind_int(s, 1, t[m].alert_id);
					db_bind_int(s, 2, t[m].delivered);
					db_bind_int(s, 3, t[m].failed);
					db_bind_int(s, 4, t[m].expired);
					if (db_run(st, s, "cannot count"))
						goto fail;
				}
				nt = j = 0;
			}
			t[nt++] = (tally){.alert_id = r[i].alert_id};
		}
		if (k == PUSH_R_DELIVERED)
			t[j].delivered++;
		else if (k == PUSH_R_FAILED)
			t[j].failed++;
		else
			t[j].expired++; /* GONE and EXPIRED */
	}
	for (size_t m = 0; m < nt; m++) {
		db_stmt *s = db_prepare(st, sql_count);
		db_bind_int(s, 1, t[m].alert_id);
		db_bind_int(s, 2, t[m].delivered);
		db_bind_int(s, 3, t[m].failed);
		db_bind_int(s, 4, t[m].expired);
		if (db_run(st, s, "cannot count"))
			goto fail;
		s = db_prepare(st, sql_close);
		db_bind_int(s, 1, t[m].alert_id);
		if (db_run(st, s, "cannot close the alert"))
			goto fail;
	}
	if (store_commit(st))
		goto fail;
	(void)now;
	return STORE_OK;
fail:
	store_rollback(st);
	return STORE_ERROR;
}

int push_store_next_retry(store *st, int64_t *at)
{
	db_stmt *s = db_prepare(st, sql_next_retry);
	int rc = db_step(s);
	*at = rc == DB_ROW ? db_col_int(s, 0) : 0;
	db_reset(s);
	return rc == DB_ROW ? STORE_OK : db_fail(st, "cannot read the queue");
}

/* ---- the newsroom's alerts ---- */

static const char sql_sent_hour[] = "SELECT count(*) FROM push_alerts WHERE created_at > $1 - 3600";
static const char sql_alert_sender[] = "UPDATE push_alerts SET user_id = $2, article_id = $3 WHERE id = $1";
static const char sql_sched_delete[] = "DELETE FROM push_scheduled WHERE article_id = $1";
static const char sql_sched_set[] =
	"INSERT INTO push_scheduled(article_id, user_id, created_at) VALUES($1, $2, $3) "
	"ON CONFLICT(article_id) DO UPDATE SET user_id = excluded.user_id, created_at = excluded.created_at";
static const char sql_sched_has[] = "SELECT 1 FROM push_scheduled WHERE article_id = $1";
static const char sql_sched_due[] =
	"SELECT p.article_id, p.user_id FROM push_scheduled p JOIN articles a ON a.id = p.article_id "
	"WHERE a.status = 'published' ORDER BY p.created_at, p.article_id";
static const char sql_hourly_limit[] = "SELECT value FROM settings WHERE key = 'push_hourly_limit'";
static const char sql_history[] =
	"SELECT x.*, coalesce(u.name, ''), p.user_id, p.article_id FROM (SELECT " ALERT_COLS
	"ORDER BY a.id DESC LIMIT $1 OFFSET $2) x JOIN push_alerts p ON p.id = x.id "
	"LEFT JOIN users u ON u.id = p.user_id ORDER BY x.id DESC";
static const char sql_alert_count[] = "SELECT count(*) FROM push_alerts";

/* The one integer a statement returns (bound by the caller) into *v. */
static int one_int(store *st, db_stmt *s, int64_t *v, const char *what)
{
	int rc = db_step(s);
	if (rc == DB_ROW)
		*v = db_col_int(s, 0);
	db_reset(s);
	return rc == DB_ROW ? STORE_OK : db_fail(st, what);
}

int push_store_sent_last_hour(store *st, int64_t now, int64_t *n)
{
	db_stmt *s = db_prepare(st, sql_sent_hour);
	db_bind_int(s, 1, now);
	return one_int(st, s, n, "cannot count the last hour's alerts");
}

int push_store_alert_send(store *st, const push_alert_input *in, int64_t user_id, int64_t article_id,
			  int scheduled, int64_t limit, int64_t now, int64_t *id)
{
	if (store_begin(st))
		return STORE_ERROR;
	db_stmt *s;
	if (article_id) {
		s = db_prepare(st, sql_sched_delete);
		db_bind_int(s, 1, article_id);
		if (db_run(st, s, "cannot clear the scheduled alert"))
			goto fail;
		if (scheduled && !db_changes(st)) {
			store_rollback(st);
			return STORE_NOTFOUND;
		}
	}
	int64_t sent = 0;
	if (push_store_sent_last_hour(st, now, &sent))
		goto fail;
	if (limit > 0 && sent >= limit) {
		store_rollback(st);
		return STORE_CONFLICT;
	}
	if (insert_alert(st, in, now, id))
		goto fail;
	s = db_prepare(st, sql_alert_sender);
	db_bind_int(s, 1, *id);
	db_bind_int(s, 2, user_id);
	db_bind_int(s, 3, article_id);
	if (db_run(st, s, "cannot add the alert"))
		goto fail;
	if (store_commit(st))
		goto fail;
	return STORE_OK;
fail:
	store_rollback(st);
	return STORE_ERROR;
}

int push_store_hourly_limit(store *st, int64_t *limit)
{
	db_stmt *s = db_prepare(st, sql_hourly_limit);
	int rc = db_step(s);
	*limit = PUSH_HOURLY_DEFAULT;
	if (rc == DB_ROW) {
		/* Only digits count (fewer than ten of them); anything else
		 * keeps the default. */
		const char *v = db_col_peek(s, 0);
		size_t n = strspn(v, "0123456789");
		if (n && !v[n] && n < 10)
			*limit = strtoll(v, NULL, 10);
		rc = db_step(s);
	}
	db_reset(s);
	return rc == DB_DONE ? STORE_OK : db_fail(st, "cannot read the hourly alert limit");
}

int push_store_history(store *st, kb_arena *a, size_t offset, size_t limit, push_sent **out, size_t *n,
		       size_t *total)
{
	int64_t all = 0;
	if (one_int(st, db_prepare(st, sql_alert_count), &all, "cannot count alerts"))
		return STORE_ERROR;
	*total = (size_t)all;
	db_stmt *s = db_prepare(st, sql_history);
	db_bind_int(s, 1, (int64_t)limit);
	db_bind_int(s, 2, (int64_t)offset);
	push_sent *v = kb_arena_alloc(a, (limit ? limit : 1) * sizeof *v);
	size_t len = 0;
	int rc;
	while ((rc = db_step(s)) == DB_ROW && len < limit) {
		read_alert(a, s, &v[len].alert);
		v[len].sent_by = db_col_text(a, s, 20);
		v[len].user_id = db_col_int(s, 21);
		v[len].article_id = db_col_int(s, 22);
		len++;
	}
	db_reset(s);
	*out = v;
	*n = len;
	return rc == DB_DONE ? STORE_OK : db_fail(st, "cannot read alerts");
}

int push_store_sched_set(store *st, int64_t article_id, int64_t user_id)
{
	db_stmt *s = db_prepare(st, sql_sched_set);
	db_bind_int(s, 1, article_id);
	db_bind_int(s, 2, user_id);
	db_bind_int(s, 3, kb_now());
	return db_run(st, s, "cannot remember the scheduled alert");
}

int push_store_sched_clear(store *st, int64_t article_id)
{
	db_stmt *s = db_prepare(st, sql_sched_delete);
	db_bind_int(s, 1, article_id);
	return db_run(st, s, "cannot clear the scheduled alert");
}

int push_store_sched_has(store *st, int64_t article_id, int *yes)
{
	db_stmt *s = db_prepare(st, sql_sched_has);
	db_bind_int(s, 1, article_id);
	int rc = db_step(s);
	*yes = rc == DB_ROW;
	db_reset(s);
	if (rc != DB_ROW && rc != DB_DONE)
		return db_fail(st, "cannot read the scheduled alert");
	return STORE_OK;
}

int push_store_sched_due(store *st, kb_arena *a, int64_t **articles, int64_t **users, size_t *n)
{
	db_stmt *s = db_prepare(st, sql_sched_due);
	size_t cap = 8, len = 0;
	int64_t *av = kb_arena_alloc(a, cap * sizeof *av), *uv = kb_arena_alloc(a, cap * sizeof *uv);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap) {
			int64_t *aw = kb_arena_alloc(a, 2 * cap * sizeof *aw);
			int64_t *uw = kb_arena_alloc(a, 2 * cap * sizeof *uw);
			memcpy(aw, av, len * sizeof *av);
			memcpy(uw, uv, len * sizeof *uv);
			av = aw, uv = uw, cap *= 2;
		}
		av[len] = db_col_int(s, 0);
		uv[len] = db_col_int(s, 1);
		len++;
	}
	db_reset(s);
	*articles = av;
	*users = uv;
	*n = len;
	return rc == DB_DONE ? STORE_OK : db_fail(st, "cannot read the scheduled alerts");
}
