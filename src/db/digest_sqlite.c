/*
 * digest_sqlite.c: the store side of the email digest (digest_store.h):
 * subscribers and their categories, the digests made, the send queue and
 * what the newsroom counts. Statements are fixed strings prepared once
 * through db_prepare() (driver.h) and bound; the same SQL runs on SQLite
 * and PostgreSQL.
 */
#include <string.h>

#include "digest_store.h"
#include "driver.h"
#include "store_int.h"

/* Replaces subscriber id's categories with cats[0..n) (those that exist). */
static int set_topics(store *st, int64_t id, const int64_t *cats, size_t n)
{
	static const char del_sql[] = "DELETE FROM digest_topics WHERE subscriber_id = $1";
	static const char add_sql[] = "INSERT INTO digest_topics(subscriber_id, category_id) "
				      "SELECT $1, id FROM categories WHERE id = $2 "
				      "AND NOT EXISTS (SELECT 1 FROM digest_topics WHERE subscriber_id = $1 "
				      "AND category_id = $2)";
	db_stmt *s = db_prepare(st, del_sql);
	db_bind_int(s, 1, id);
	if (db_run(st, s, "cannot change the subscriber's categories"))
		return STORE_ERROR;
	for (size_t i = 0; i < n; i++) {
		s = db_prepare(st, add_sql);
		db_bind_int(s, 1, id);
		db_bind_int(s, 2, cats[i]);
		if (db_run(st, s, "cannot change the subscriber's categories"))
			return STORE_ERROR;
	}
	return STORE_OK;
}

int digest_store_signup(store *st, const char *email, const char *frequency, const int64_t *cats,
			size_t ncats, const char *ip, int64_t now, int max, int64_t *id, int *confirmed,
			int *queued)
{
	static const char sent_sql[] = "SELECT count(*) FROM digest_queue WHERE subscriber_id = $1 "
				       "AND digest_id IS NULL AND created_at > $2";
	static const char find_sql[] = "SELECT id, state FROM digest_subscribers WHERE email = $1";
	static const char add_sql[] =
		"INSERT INTO digest_subscribers(email, frequency, ip, created_at, updated_at) "
		"VALUES($1, $2, $3, $4, $4) RETURNING id";
	static const char again_sql[] =
		"UPDATE digest_subscribers SET state = 'pending', frequency = $2, ip = $3, bounces = 0, "
		"updated_at = $4 WHERE id = $1";
	static const char queue_sql[] =
		"INSERT INTO digest_queue(subscriber_id, next_at, created_at) VALUES($1, $2, $2)";
	*confirmed = *queued = 0;
	if (db_begin(st))
		return STORE_ERROR;
	db_stmt *s = db_prepare(st, find_sql);
	db_bind_text(s, 1, email);
	int rc = db_one(st, s, "cannot look the address up");
	if (rc == STORE_ERROR)
		goto fail;
	if (rc == STORE_OK) {
		*id = db_col_int(s, 0);
		*confirmed = !strcmp(db_col_peek(s, 1), "confirmed");
		db_reset(s);
		if (*confirmed) {
			db_rollback(st);
			return STORE_OK;
		}
		s = db_prepare(st, sent_sql);
		db_bind_int(s, 1, *id);
		db_bind_int(s, 2, now - 86400);
		if (db_one(st, s, "cannot count the confirmation mails"))
			goto fail;
		int64_t sent = db_col_int(s, 0);
		db_reset(s);
		if (sent >= max) {
			db_rollback(st);
			return STORE_OK;
		}
		s = db_prepare(st, again_sql);
		db_bind_int(s, 1, *id);
		db_bind_text(s, 2, frequency);
		db_bind_text(s, 3, ip);
		db_bind_int(s, 4, now);
		if (db_run(st, s, "cannot sign the address up"))
			goto fail;
	} else {
		s = db_prepare(st, add_sql);
		db_bind_text(s, 1, email);
		db_bind_text(s, 2, frequency);
		db_bind_text(s, 3, ip);
		db_bind_int(s, 4, now);
		if (store_insert_id(st, s, "cannot sign the address up", id))
			goto fail;
	}
	if (set_topics(st, *id, cats, ncats))
		goto fail;
	s = db_prepare(st, queue_sql);
	db_bind_int(s, 1, *id);
	db_bind_int(s, 2, now);
	if (db_run(st, s, "cannot queue the confirmation mail") || db_commit(st))
		goto fail;
	*queued = 1;
	return STORE_OK;
fail:
	db_rollback(st);
	return STORE_ERROR;
}

int digest_store_get(store *st, kb_arena *a, int64_t id, kb_subscriber *out)
{
	static const char sql[] = "SELECT id, email, state, frequency, bounces, created_at, confirmed_at, "
				  "unsubscribed_at FROM digest_subscribers WHERE id = $1";
	static const char topics_sql[] =
		"SELECT category_id FROM digest_topics WHERE subscriber_id = $1 ORDER BY category_id";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	int rc = db_one(st, s, "cannot read the subscriber");
	if (rc)
		return rc;
	memset(out, 0, sizeof *out);
	out->id = db_col_int(s, 0);
	out->email = db_col_text(a, s, 1);
	out->state = db_col_text(a, s, 2);
	out->frequency = db_col_text(a, s, 3);
	out->bounces = db_col_int(s, 4);
	out->created_at = db_col_int(s, 5);
	out->confirmed_at = db_col_int(s, 6);
	out->unsubscribed_at = db_col_int(s, 7);
	db_reset(s);
	s = db_prepare(st, topics_sql);
	db_bind_int(s, 1, id);
	size_t cap = 8;
	out->categories = kb_arena_alloc(a, cap * sizeof *out->categories);
	while ((rc = db_step(s)) == DB_ROW) {
		if (out->ncategories == cap)
			out->categories = kb_arena_grow(a, out->categories, out->ncategories, &cap,
							sizeof *out->categories);
		out->categories[out->ncategories++] = db_col_int(s, 0);
	}
	db_reset(s);
	return rc == DB_DONE ? STORE_OK : db_fail(st, "cannot read the subscriber's categories");
}

int digest_store_confirm(store *st, int64_t id, int64_t now)
{
	static const char sql[] =
		"UPDATE digest_subscribers SET state = 'confirmed', confirmed_at = $2, updated_at = $2 "
		"WHERE id = $1 AND state = 'pending'";
	static const char check_sql[] =
		"SELECT 1 FROM digest_subscribers WHERE id = $1 AND state = 'confirmed'";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, now);
	int rc = db_run_one(st, s, "cannot confirm the subscriber");
	if (rc != STORE_NOTFOUND)
		return rc;
	s = db_prepare(st, check_sql);
	db_bind_int(s, 1, id);
	rc = db_one(st, s, "cannot read the subscriber");
	if (rc == STORE_OK)
		db_reset(s);
	return rc;
}

int digest_store_set_prefs(store *st, int64_t id, const char *frequency, const int64_t *cats, size_t ncats,
			   int64_t now)
{
	static const char sql[] = "UPDATE digest_subscribers SET frequency = $2, updated_at = $3 "
				  "WHERE id = $1 AND state = 'confirmed'";
	if (db_begin(st))
		return STORE_ERROR;
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, frequency);
	db_bind_int(s, 3, now);
	int rc = db_run_one(st, s, "cannot save the subscriber's choices");
	if (!rc)
		rc = set_topics(st, id, cats, ncats);
	if (!rc && db_commit(st))
		rc = STORE_ERROR;
	if (rc)
		db_rollback(st);
	return rc;
}

int digest_store_unsubscribe(store *st, int64_t id, int64_t now)
{
	static const char sql[] =
		"UPDATE digest_subscribers SET state = 'unsubscribed', unsubscribed_at = $2, updated_at = $2 "
		"WHERE id = $1 AND state <> 'unsubscribed'";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, now);
	return db_run(st, s, "cannot unsubscribe");
}

/* Runs s (an INSERT ... SELECT of queue rows) and gives the rows it made. */
static int queue_rows(store *st, db_stmt *s, int64_t *queued)
{
	if (db_run(st, s, "cannot queue the digest's mails"))
		return STORE_ERROR;
	*queued = db_changes(st);
	return STORE_OK;
}

int digest_store_make_daily(store *st, int64_t day, int64_t now, int64_t *id, int64_t *queued)
{
	static const char sql[] =
		"INSERT INTO digests(kind, day, since, upto, created_at) VALUES('daily', $1, "
		"coalesce((SELECT max(upto) FROM digests WHERE kind = 'daily'), $2 - 86400), $2, $2) RETURNING id";
	static const char queue_sql[] =
		"INSERT INTO digest_queue(digest_id, subscriber_id, next_at, created_at) "
		"SELECT $1, id, $2, $2 FROM digest_subscribers "
		"WHERE state = 'confirmed' AND frequency = 'daily' ORDER BY id";
	if (db_begin(st))
		return STORE_ERROR;
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, day);
	db_bind_int(s, 2, now);
	int rc = store_insert_id(st, s, "cannot make the daily digest", id);
	if (rc) {
		int dup = db_unique_violation(st);
		db_rollback(st);
		return dup ? STORE_CONFLICT : STORE_ERROR;
	}
	s = db_prepare(st, queue_sql);
	db_bind_int(s, 1, *id);
	db_bind_int(s, 2, now);
	if (queue_rows(st, s, queued) || db_commit(st)) {
		db_rollback(st);
		return STORE_ERROR;
	}
	return STORE_OK;
}

int digest_store_make_breaking(store *st, int64_t alert_id, const char *title, const char *body,
			       const char *url, int64_t category_id, int64_t day, int max, int64_t now,
			       int64_t *queued)
{
	static const char count_sql[] = "SELECT count(*) FROM digests WHERE kind = 'breaking' AND day = $1";
	static const char sql[] =
		"INSERT INTO digests(kind, day, alert_id, title, body, url, category_id, since, upto, created_at) "
		"VALUES('breaking', $1, $2, $3, $4, $5, $6, $7, $7, $7) RETURNING id";
	static const char queue_sql[] =
		"INSERT INTO digest_queue(digest_id, subscriber_id, next_at, created_at) "
		"SELECT $1, s.id, $2, $2 FROM digest_subscribers s "
		"WHERE s.state = 'confirmed' AND s.frequency = 'breaking' AND ($3 = 0 "
		"OR NOT EXISTS (SELECT 1 FROM digest_topics t WHERE t.subscriber_id = s.id) "
		"OR EXISTS (SELECT 1 FROM digest_topics t WHERE t.subscriber_id = s.id AND t.category_id = $3)) "
		"ORDER BY s.id";
	*queued = 0;
	if (db_begin(st))
		return STORE_ERROR;
	db_stmt *s = db_prepare(st, count_sql);
	db_bind_int(s, 1, day);
	int rc = db_one(st, s, "cannot count today's breaking digests");
	int64_t today = rc == STORE_OK ? db_col_int(s, 0) : 0;
	if (rc == STORE_OK)
		db_reset(s);
	if (rc || today >= max) {
		db_rollback(st);
		return rc ? STORE_ERROR : STORE_CONFLICT;
	}
	s = db_prepare(st, sql);
	const char *v[] = {title, body, url};
	db_bind_int(s, 1, day);
	db_bind_int(s, 2, alert_id);
	for (int i = 0; i < 3; i++)
		db_bind_text(s, i + 3, v[i]);
	db_bind_int(s, 6, category_id);
	db_bind_int(s, 7, now);
	int64_t id;
	if (store_insert_id(st, s, "cannot make the breaking digest", &id)) {
		int dup = db_unique_violation(st);
		db_rollback(st);
		return dup ? STORE_CONFLICT : STORE_ERROR;
	}
	s = db_prepare(st, queue_sql);
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, now);
	db_bind_int(s, 3, category_id);
	if (queue_rows(st, s, queued) || db_commit(st)) {
		db_rollback(st);
		return STORE_ERROR;
	}
	return STORE_OK;
}

int digest_store_next(store *st, kb_arena *a, int64_t now, kb_digest_job *out)
{
	static const char sql[] =
		"SELECT q.id, q.subscriber_id, q.tries, s.email, s.state, coalesce(d.id, 0), coalesce(d.kind, ''), "
		"coalesce(d.day, 0), coalesce(d.alert_id, 0), coalesce(d.since, 0), coalesce(d.upto, 0), "
		"coalesce(d.title, ''), coalesce(d.body, ''), coalesce(d.url, ''), coalesce(d.category_id, 0), "
		"coalesce(d.created_at, 0) FROM digest_queue q "
		"JOIN digest_subscribers s ON s.id = q.subscriber_id LEFT JOIN digests d ON d.id = q.digest_id "
		"WHERE q.state = 'queued' AND q.next_at <= $1 ORDER BY q.next_at, q.id LIMIT 1";
	static const char claim_sql[] =
		"UPDATE digest_queue SET state = 'sending', claimed_at = $2 WHERE id = $1 AND state = 'queued'";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, now);
	int rc = db_one(st, s, "cannot read the digest queue");
	if (rc)
		return rc;
	memset(out, 0, sizeof *out);
	out->id = db_col_int(s, 0);
	out->subscriber_id = db_col_int(s, 1);
	out->tries = (int)db_col_int(s, 2);
	out->email = db_col_text(a, s, 3);
	out->state = db_col_text(a, s, 4);
	kb_digest *d = &out->digest;
	d->id = db_col_int(s, 5);
	d->kind = db_col_text(a, s, 6);
	d->day = db_col_int(s, 7);
	d->alert_id = db_col_int(s, 8);
	d->since = db_col_int(s, 9);
	d->upto = db_col_int(s, 10);
	d->title = db_col_text(a, s, 11);
	d->body = db_col_text(a, s, 12);
	d->url = db_col_text(a, s, 13);
	d->category_id = db_col_int(s, 14);
	d->created_at = db_col_int(s, 15);
	db_reset(s);
	/* Claimed with a write that only one server's can make: another on
	 * the same database finds it taken and sends nothing. */
	s = db_prepare(st, claim_sql);
	db_bind_int(s, 1, out->id);
	db_bind_int(s, 2, now);
	return db_run_one(st, s, "cannot claim the mail");
}

int digest_store_committed(store *st, int64_t id)
{
	static const char sql[] =
		"UPDATE digest_queue SET state = 'committed' WHERE id = $1 AND state = 'sending'";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	return db_run(st, s, "cannot mark the mail handed over");
}

int digest_store_sent(store *st, int64_t id, int64_t subscriber_id, int64_t now)
{
	static const char sql[] =
		"UPDATE digest_queue SET state = 'sent', sent_at = $2, error = '' WHERE id = $1";
	static const char sub_sql[] =
		"UPDATE digest_subscribers SET bounces = 0 WHERE id = $1 AND bounces > 0";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, now);
	if (db_run(st, s, "cannot mark the mail sent"))
		return STORE_ERROR;
	s = db_prepare(st, sub_sql);
	db_bind_int(s, 1, subscriber_id);
	return db_run(st, s, "cannot mark the mail sent");
}

int digest_store_finish(store *st, int64_t id, const char *state, const char *error)
{
	static const char sql[] =
		"UPDATE digest_queue SET state = $2, error = substr($3, 1, 500) WHERE id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, state);
	db_bind_text(s, 3, error);
	return db_run(st, s, "cannot end the mail");
}

int digest_store_bounced(store *st, int64_t id, int64_t subscriber_id, const char *error, int limit,
			 int64_t now)
{
	static const char sql[] =
		"UPDATE digest_queue SET state = 'bounced', tries = tries + 1, error = substr($2, 1, 500) WHERE id = $1";
	static const char sub_sql[] =
		"UPDATE digest_subscribers SET bounces = bounces + 1, updated_at = $3, "
		"state = CASE WHEN bounces + 1 >= $2 AND state IN ('confirmed', 'pending') THEN 'bounced' "
		"ELSE state END WHERE id = $1";
	if (db_begin(st))
		return STORE_ERROR;
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, error);
	if (db_run(st, s, "cannot mark the mail bounced"))
		goto fail;
	s = db_prepare(st, sub_sql);
	db_bind_int(s, 1, subscriber_id);
	db_bind_int(s, 2, limit);
	db_bind_int(s, 3, now);
	if (db_run(st, s, "cannot count the bounce") || db_commit(st))
		goto fail;
	return STORE_OK;
fail:
	db_rollback(st);
	return STORE_ERROR;
}

int digest_store_retry(store *st, int64_t id, int64_t next_at, const char *error)
{
	static const char sql[] =
		"UPDATE digest_queue SET tries = tries + 1, next_at = $2, error = substr($3, 1, 500), "
		"state = CASE WHEN $2 = 0 THEN 'failed' ELSE 'queued' END WHERE id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, next_at);
	db_bind_text(s, 3, error);
	return db_run(st, s, "cannot reschedule the mail");
}

int digest_store_recover(store *st, int64_t before, int64_t *requeued, int64_t *unknown)
{
	static const char sending_sql[] =
		"UPDATE digest_queue SET state = 'queued' WHERE state = 'sending' AND claimed_at < $1";
	static const char committed_sql[] =
		"UPDATE digest_queue SET state = 'unknown' WHERE state = 'committed' AND claimed_at < $1";
	const char *sql[] = {sending_sql, committed_sql};
	int64_t *n[] = {requeued, unknown};
	for (int i = 0; i < 2; i++) {
		db_stmt *s = db_prepare(st, sql[i]);
		db_bind_int(s, 1, before);
		if (db_run(st, s, "cannot recover the digest queue"))
			return STORE_ERROR;
		*n[i] = db_changes(st);
	}
	return STORE_OK;
}

int digest_store_stories(store *st, kb_arena *a, int64_t subscriber_id, int64_t since, int64_t upto,
			 size_t limit, kb_digest_story **out, size_t *n)
{
	static const char sql[] =
		"SELECT a.title, a.slug, a.summary, coalesce(c.name, ''), a.published_at, a.breaking "
		"FROM articles a LEFT JOIN categories c ON c.id = a.category_id "
		"WHERE a.status = 'published' AND a.published_at >= $1 AND a.published_at < $2 "
		"AND (NOT EXISTS (SELECT 1 FROM digest_topics t WHERE t.subscriber_id = $3) "
		"OR a.category_id IN (SELECT category_id FROM digest_topics WHERE subscriber_id = $3)) "
		"ORDER BY a.breaking DESC, a.published_at DESC, a.id DESC LIMIT $4";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, since);
	db_bind_int(s, 2, upto);
	db_bind_int(s, 3, subscriber_id);
	db_bind_int(s, 4, (int64_t)limit);
	size_t cap = 16, len = 0;
	kb_digest_story *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap)
			v = kb_arena_grow(a, v, len, &cap, sizeof *v);
		v[len].title = db_col_text(a, s, 0);
		v[len].slug = db_col_text(a, s, 1);
		v[len].summary = db_col_text(a, s, 2);
		v[len].category = db_col_text(a, s, 3);
		v[len].published_at = db_col_int(s, 4);
		v[len].breaking = (int)db_col_int(s, 5);
		len++;
	}
	db_reset(s);
	if (rc != DB_DONE)
		return db_fail(st, "cannot read the digest's stories");
	*out = v;
	*n = len;
	return STORE_OK;
}

/* Rows of (text, count) from s into an arena array. */
static int stats(store *st, kb_arena *a, db_stmt *s, kb_digest_stat **out, size_t *n)
{
	size_t cap = 8, len = 0;
	kb_digest_stat *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap)
			v = kb_arena_grow(a, v, len, &cap, sizeof *v);
		v[len].key = db_col_text(a, s, 0);
		v[len].n = db_col_int(s, 1);
		len++;
	}
	db_reset(s);
	if (rc != DB_DONE)
		return db_fail(st, "cannot count the subscribers");
	*out = v;
	*n = len;
	return STORE_OK;
}

int digest_store_counts(store *st, kb_arena *a, int64_t now, kb_digest_counts *out)
{
	static const char states_sql[] =
		"SELECT state, count(*) FROM digest_subscribers GROUP BY state ORDER BY state";
	static const char freq_sql[] = "SELECT frequency, count(*) FROM digest_subscribers "
				       "WHERE state = 'confirmed' GROUP BY frequency ORDER BY frequency";
	static const char cat_sql[] =
		"SELECT c.name, count(*) FROM digest_topics t JOIN categories c ON c.id = t.category_id "
		"JOIN digest_subscribers s ON s.id = t.subscriber_id WHERE s.state = 'confirmed' "
		"GROUP BY c.id, c.name, c.position ORDER BY c.position, c.name";
	static const char recent_sql[] =
		"SELECT 'x', (SELECT count(*) FROM digest_subscribers WHERE unsubscribed_at >= $1), "
		"(SELECT count(*) FROM digest_subscribers WHERE created_at >= $1)";
	memset(out, 0, sizeof *out);
	if (stats(st, a, db_prepare(st, states_sql), &out->states, &out->nstates) ||
	    stats(st, a, db_prepare(st, freq_sql), &out->frequencies, &out->nfrequencies) ||
	    stats(st, a, db_prepare(st, cat_sql), &out->categories, &out->ncategories))
		return STORE_ERROR;
	db_stmt *s = db_prepare(st, recent_sql);
	db_bind_int(s, 1, now - 30 * 86400);
	int rc = db_one(st, s, "cannot count the unsubscribes");
	if (rc)
		return STORE_ERROR;
	out->unsubscribed_30d = db_col_int(s, 1);
	out->signed_up_30d = db_col_int(s, 2);
	db_reset(s);
	return STORE_OK;
}

int digest_store_sends(store *st, kb_arena *a, size_t limit, kb_digest_sends **out, size_t *n)
{
	static const char sql[] =
		"SELECT d.id, d.kind, d.day, d.title, d.created_at, "
		"(SELECT count(*) FROM digest_queue q WHERE q.digest_id = d.id AND q.state IN "
		"('queued', 'sending', 'committed')), "
		"(SELECT count(*) FROM digest_queue q WHERE q.digest_id = d.id AND q.state = 'sent'), "
		"(SELECT count(*) FROM digest_queue q WHERE q.digest_id = d.id AND q.state = 'skipped'), "
		"(SELECT count(*) FROM digest_queue q WHERE q.digest_id = d.id AND q.state = 'bounced'), "
		"(SELECT count(*) FROM digest_queue q WHERE q.digest_id = d.id AND q.state = 'failed'), "
		"(SELECT count(*) FROM digest_queue q WHERE q.digest_id = d.id AND q.state = 'unknown') "
		"FROM digests d ORDER BY d.id DESC LIMIT $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, (int64_t)limit);
	size_t cap = 16, len = 0;
	kb_digest_sends *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap)
			v = kb_arena_grow(a, v, len, &cap, sizeof *v);
		memset(&v[len], 0, sizeof v[len]);
		v[len].digest.id = db_col_int(s, 0);
		v[len].digest.kind = db_col_text(a, s, 1);
		v[len].digest.day = db_col_int(s, 2);
		v[len].digest.title = db_col_text(a, s, 3);
		v[len].digest.created_at = db_col_int(s, 4);
		int64_t *c[] = {&v[len].queued,  &v[len].sent,   &v[len].skipped,
				&v[len].bounced, &v[len].failed, &v[len].unknown};
		for (int i = 0; i < 6; i++)
			*c[i] = db_col_int(s, 5 + i);
		len++;
	}
	db_reset(s);
	if (rc != DB_DONE)
		return db_fail(st, "cannot list the digests");
	*out = v;
	*n = len;
	return STORE_OK;
}

int digest_store_export(store *st, kb_arena *a, kb_digest_export **out, size_t *n)
{
	static const char sql[] =
		"SELECT s.id, s.email, s.frequency, s.confirmed_at, coalesce(c.slug, '') FROM digest_subscribers s "
		"LEFT JOIN digest_topics t ON t.subscriber_id = s.id LEFT JOIN categories c ON c.id = t.category_id "
		"WHERE s.state = 'confirmed' ORDER BY s.id, c.slug";
	db_stmt *s = db_prepare(st, sql);
	size_t cap = 64, len = 0;
	kb_digest_export *v = kb_arena_alloc(a, cap * sizeof *v);
	int64_t last = 0;
	kb_buf slugs = {0};
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t id = db_col_int(s, 0);
		if (id != last) {
			if (len)
				v[len - 1].slugs = kb_arena_strdup(a, kb_buf_str(&slugs));
			slugs.len = 0;
			if (len == cap)
				v = kb_arena_grow(a, v, len, &cap, sizeof *v);
			v[len].email = db_col_text(a, s, 1);
			v[len].frequency = db_col_text(a, s, 2);
			v[len].confirmed_at = db_col_int(s, 3);
			len++;
			last = id;
		}
		const char *slug = db_col_peek(s, 4);
		if (*slug) {
			if (slugs.len)
				kb_buf_putc(&slugs, ' ');
			kb_buf_puts(&slugs, slug);
		}
	}
	db_reset(s);
	if (len)
		v[len - 1].slugs = kb_arena_strdup(a, kb_buf_str(&slugs));
	kb_buf_free(&slugs);
	if (rc != DB_DONE)
		return db_fail(st, "cannot list the subscribers");
	*out = v;
	*n = len;
	return STORE_OK;
}
