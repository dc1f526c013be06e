/*
 * tips_sqlite.c: the store side of readers' tips (tips_store.h): tips,
 * their photos and notes, the queue's filters, retention and the mail
 * queue. Statements are fixed strings prepared once through db_prepare()
 * (driver.h) and bound; nothing is formatted. SQL only SQLite takes is
 * marked "dialect:".
 */
#include <string.h>

#include "driver.h"
#include "store_int.h"
#include "tips_store.h"

#define TIP_COLS                                                                              \
	"t.id, t.ref, t.name, t.contact, t.place, t.kind, t.body, t.status, t.ip, "           \
	"coalesce(t.assignee_id, 0), coalesce(t.article_id, 0), t.created_at, t.updated_at, " \
	"coalesce(u.name, ''), t.seen "
#define TIP_FROM "FROM tips t LEFT JOIN users u ON u.id = t.assignee_id "

static void read_tip(kb_arena *a, db_stmt *s, kb_tip *t)
{
	memset(t, 0, sizeof *t);
	t->id = db_col_int(s, 0);
	t->ref = db_col_text(a, s, 1);
	t->name = db_col_text(a, s, 2);
	t->contact = db_col_text(a, s, 3);
	t->place = db_col_text(a, s, 4);
	t->kind = db_col_text(a, s, 5);
	t->body = db_col_text(a, s, 6);
	t->status = db_col_text(a, s, 7);
	t->ip = db_col_text(a, s, 8);
	t->assignee_id = db_col_int(s, 9);
	t->article_id = db_col_int(s, 10);
	t->created_at = db_col_int(s, 11);
	t->updated_at = db_col_int(s, 12);
	t->assignee_name = db_col_text(a, s, 13);
	t->seen = db_col_int(s, 14);
}

int tips_store_duplicate(store *st, const char *digest, int64_t since, int *found)
{
	static const char sql[] = "SELECT 1 FROM tips WHERE digest = $1 AND created_at >= $2 LIMIT 1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, digest);
	db_bind_int(s, 2, since);
	int rc = db_one(st, s, "cannot look for duplicate tips");
	*found = rc == STORE_OK;
	db_reset(s);
	return rc == STORE_ERROR ? STORE_ERROR : STORE_OK;
}

int tips_contact_is_email(const char *c)
{
	const char *at = strchr(c, '@');
	return at && at != c && at[1] && !strchr(at + 1, '@') && strchr(at + 1, '.') &&
	       !strpbrk(c, " \t\r\n<>\",;()[]\\") && strlen(c) <= 254;
}

int tips_store_add(store *st, const kb_tip_input *in, int64_t now, int64_t *id)
{
	static const char sql[] =
		"INSERT INTO tips(ref, name, contact, place, kind, body, digest, ip, created_at, updated_at) "
		"VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id";
	static const char media_sql[] =
		"INSERT INTO tip_media(tip_id, media_id, position) VALUES($1, $2, $3)";
	static const char mail_sql[] =
		"INSERT INTO mail_queue(tip_id, next_at, created_at) VALUES($1, $2, $2)";
	db_stmt *s = db_prepare(st, sql);
	const char *v[] = {in->ref, in->name, in->contact, in->place, in->kind, in->body, in->digest, in->ip};
	for (int i = 0; i < 8; i++)
		db_bind_text(s, i + 1, v[i]);
	db_bind_int(s, 9, now);
	int rc = store_insert_id(st, s, "cannot add the tip", id);
	if (rc == STORE_ERROR && db_unique_violation(st))
		return STORE_CONFLICT;
	if (rc)
		return STORE_ERROR;
	for (size_t i = 0; i < in->nmedia; i++) {
		s = db_prepare(st, media_sql);
		db_bind_int(s, 1, *id);
		db_bind_int(s, 2, in->media[i]);
		db_bind_int(s, 3, (int64_t)i);
		if (db_run(st, s, "cannot add the tip's photo"))
			return STORE_ERROR;
	}
	s = db_prepare(st, mail_sql);
	db_bind_int(s, 1, *id);
	db_bind_int(s, 2, now);
	if (db_run(st, s, "cannot queue the tip's mail"))
		return STORE_ERROR;
	if (strcmp(in->kind, "grievance"))
		return STORE_OK;
	static const char grievance_sql[] =
		"INSERT INTO grievances(tip_id, ref, received_at) VALUES($1, $2, $3)";
	static const char ack_sql[] =
		"INSERT INTO mail_queue(tip_id, next_at, created_at, to_reader) VALUES($1, $2, $2, 1)";
	s = db_prepare(st, grievance_sql);
	db_bind_int(s, 1, *id);
	db_bind_text(s, 2, in->ref);
	db_bind_int(s, 3, now);
	if (db_run(st, s, "cannot record the grievance"))
		return STORE_ERROR;
	if (!tips_contact_is_email(in->contact))
		return STORE_OK;
	s = db_prepare(st, ack_sql);
	db_bind_int(s, 1, *id);
	db_bind_int(s, 2, now);
	return db_run(st, s, "cannot queue the grievance's acknowledgement");
}

#define GRIEVANCE_COLS "id, coalesce(tip_id, 0), ref, received_at, acknowledged_at, decided_at "

static void read_grievance(kb_arena *a, db_stmt *s, kb_grievance *g)
{
	g->id = db_col_int(s, 0);
	g->tip_id = db_col_int(s, 1);
	g->ref = db_col_text(a, s, 2);
	g->received_at = db_col_int(s, 3);
	g->acknowledged_at = db_col_int(s, 4);
	g->decided_at = db_col_int(s, 5);
}

int tips_store_grievance(store *st, kb_arena *a, int64_t tip_id, kb_grievance *out)
{
	static const char sql[] = "SELECT " GRIEVANCE_COLS "FROM grievances WHERE tip_id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, tip_id);
	int rc = db_one(st, s, "cannot read the grievance");
	if (rc == STORE_OK) {
		read_grievance(a, s, out);
		db_reset(s);
	}
	return rc;
}

int tips_store_grievance_mark(store *st, int64_t tip_id, const char *what, int64_t now)
{
	static const char ack[] = "UPDATE grievances SET acknowledged_at = CASE WHEN acknowledged_at = 0 "
				  "THEN $2 ELSE acknowledged_at END WHERE tip_id = $1";
	static const char decide[] =
		"UPDATE grievances SET decided_at = CASE WHEN decided_at = 0 THEN $2 ELSE decided_at END, "
		"acknowledged_at = CASE WHEN acknowledged_at = 0 THEN $2 ELSE acknowledged_at END "
		"WHERE tip_id = $1";
	db_stmt *s = db_prepare(st, strcmp(what, "decided") ? ack : decide);
	db_bind_int(s, 1, tip_id);
	db_bind_int(s, 2, now);
	return db_run_one(st, s, "cannot mark the grievance");
}

int tips_store_grievances(store *st, kb_arena *a, int64_t since, kb_grievance **out, size_t *n)
{
	static const char sql[] = "SELECT " GRIEVANCE_COLS "FROM grievances WHERE received_at >= $1 "
				  "ORDER BY received_at, id";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, since);
	size_t cap = 16, k = 0;
	kb_grievance *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (k == cap)
			v = kb_arena_grow(a, v, k, &cap, sizeof *v);
		read_grievance(a, s, &v[k++]);
	}
	db_reset(s);
	if (rc != DB_DONE)
		return db_fail(st, "cannot list the grievances");
	*out = v;
	*n = k;
	return STORE_OK;
}

int tips_store_list(store *st, kb_arena *a, const kb_tip_query *q, kb_tip **out, size_t *n, size_t *total)
{
	/* One statement for every filter: an empty one matches all. A
	 * column holds the words $4 when removing them changes it: the same
	 * in both databases (SQLite has instr, PostgreSQL strpos), and no
	 * character in what was typed is a wildcard. */
#define HAS(col) "replace(lower(" col "), lower($4), '') <> lower(" col ")"
#define TIP_WHERE                                                                   \
	"WHERE ($1 = '' OR t.status = $1) AND ($2 = '' OR t.kind = $2) "            \
	"AND ($3 = 0 OR ($3 < 0 AND t.assignee_id IS NULL) OR t.assignee_id = $3) " \
	"AND ($4 = '' OR " HAS("t.body") " OR " HAS("t.place") " OR " HAS("t.name") " OR " HAS("t.ref") ") "
	static const char sql[] = "SELECT " TIP_COLS TIP_FROM TIP_WHERE
				  "ORDER BY t.created_at DESC, t.id DESC LIMIT $5 OFFSET $6";
	static const char count_sql[] = "SELECT count(*) FROM tips t " TIP_WHERE;
#undef TIP_WHERE
#undef HAS
	const char *sql_of[] = {sql, count_sql};
	size_t cap = 16, len = 0;
	kb_tip *v = kb_arena_alloc(a, cap * sizeof *v);
	for (int pass = 0; pass < 2; pass++) {
		db_stmt *s = db_prepare(st, sql_of[pass]);
		db_bind_text(s, 1, q->status);
		db_bind_text(s, 2, q->kind);
		db_bind_int(s, 3, q->assignee_id);
		db_bind_text(s, 4, q->q);
		if (!pass) {
			db_bind_int(s, 5, (int64_t)q->limit);
			db_bind_int(s, 6, (int64_t)q->offset);
		}
		int rc;
		while ((rc = db_step(s)) == DB_ROW) {
			if (pass) {
				*total = (size_t)db_col_int(s, 0);
				continue;
			}
			if (len == cap)
				v = kb_arena_grow(a, v, len, &cap, sizeof *v);
			read_tip(a, s, &v[len++]);
		}
		db_reset(s);
		if (rc != DB_DONE)
			return db_fail(st, "cannot list tips");
	}
	*out = v;
	*n = len;
	return STORE_OK;
}

int tips_store_get(store *st, kb_arena *a, int64_t id, int mark_seen, kb_tip *out)
{
	static const char sql[] = "SELECT " TIP_COLS TIP_FROM "WHERE t.id = $1";
	static const char media_sql[] = "SELECT media_id FROM tip_media WHERE tip_id = $1 ORDER BY position";
	static const char seen_sql[] = "UPDATE tips SET seen = 1 WHERE id = $1 AND seen = 0";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	int rc = db_one(st, s, "cannot read the tip");
	if (rc)
		return rc;
	read_tip(a, s, out);
	db_reset(s);
	s = db_prepare(st, media_sql);
	db_bind_int(s, 1, id);
	size_t cap = 8;
	out->media = kb_arena_alloc(a, cap * sizeof *out->media);
	while ((rc = db_step(s)) == DB_ROW) {
		if (out->nmedia == cap)
			out->media = kb_arena_grow(a, out->media, out->nmedia, &cap, sizeof *out->media);
		out->media[out->nmedia++] = db_col_int(s, 0);
	}
	db_reset(s);
	if (rc != DB_DONE)
		return db_fail(st, "cannot read the tip's photos");
	if (!mark_seen || out->seen)
		return STORE_OK;
	s = db_prepare(st, seen_sql);
	db_bind_int(s, 1, id);
	return db_run(st, s, "cannot mark the tip seen");
}

int tips_store_notes(store *st, kb_arena *a, int64_t id, kb_tip_note **out, size_t *n)
{
	static const char sql[] = "SELECT n.id, n.created_at, coalesce(u.name, ''), n.body FROM tip_notes n "
				  "LEFT JOIN users u ON u.id = n.user_id WHERE n.tip_id = $1 ORDER BY n.id";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	size_t cap = 8, len = 0;
	kb_tip_note *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap)
			v = kb_arena_grow(a, v, len, &cap, sizeof *v);
		v[len].id = db_col_int(s, 0);
		v[len].at = db_col_int(s, 1);
		v[len].user_name = db_col_text(a, s, 2);
		v[len].body = db_col_text(a, s, 3);
		len++;
	}
	db_reset(s);
	if (rc != DB_DONE)
		return db_fail(st, "cannot read the tip's notes");
	*out = v;
	*n = len;
	return STORE_OK;
}

/* Runs s (which returns one integer) into *v. */
static int count(store *st, db_stmt *s, int64_t *v, const char *what)
{
	int rc = db_one(st, s, what);
	*v = rc == STORE_OK ? db_col_int(s, 0) : 0;
	db_reset(s);
	return rc == STORE_ERROR ? STORE_ERROR : STORE_OK;
}

int tips_store_unseen(store *st, int64_t *n)
{
	static const char sql[] = "SELECT count(*) FROM tips WHERE seen = 0";
	return count(st, db_prepare(st, sql), n, "cannot count unread tips");
}

/* Runs an UPDATE of one tip; STORE_NOTFOUND when it changed nothing. */
int tips_store_set_status(store *st, int64_t id, const char *status)
{
	static const char sql[] = "UPDATE tips SET status = $2, updated_at = $3 WHERE id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, status);
	db_bind_int(s, 3, kb_now());
	return db_run_one(st, s, "cannot change the tip's status");
}

int tips_store_assign(store *st, int64_t id, int64_t assignee_id)
{
	static const char sql[] = "UPDATE tips SET assignee_id = (SELECT id FROM users WHERE id = $2), "
				  "updated_at = $3 WHERE id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, assignee_id);
	db_bind_int(s, 3, kb_now());
	return db_run_one(st, s, "cannot assign the tip");
}

int tips_store_note_add(store *st, int64_t id, int64_t user_id, const char *body)
{
	static const char sql[] = "INSERT INTO tip_notes(tip_id, user_id, body, created_at) "
				  "SELECT id, nullif($2, 0), $3, $4 FROM tips WHERE id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, user_id);
	db_bind_text(s, 3, body);
	db_bind_int(s, 4, kb_now());
	return db_run_one(st, s, "cannot add the note");
}

int tips_store_drafted(store *st, int64_t id, int64_t article_id)
{
	static const char sql[] =
		"UPDATE tips SET article_id = $2, updated_at = $3, "
		"status = CASE WHEN status = 'new' THEN 'progress' ELSE status END WHERE id = $1";
	static const char keep_sql[] = "UPDATE tip_media SET kept = 1 WHERE tip_id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, article_id);
	db_bind_int(s, 3, kb_now());
	int rc = db_run_one(st, s, "cannot link the tip to its draft");
	if (rc)
		return rc;
	s = db_prepare(st, keep_sql);
	db_bind_int(s, 1, id);
	return db_run(st, s, "cannot keep the tip's photos");
}

int tips_store_delete(store *st, kb_arena *a, int64_t id, kb_tip_photo **photos, size_t *n)
{
	static const char photos_sql[] =
		"SELECT m.stem, m.widths, m.status FROM tip_media tm "
		"JOIN media m ON m.id = tm.media_id WHERE tm.tip_id = $1 AND tm.kept = 0";
	static const char media_sql[] = "DELETE FROM media WHERE id IN "
					"(SELECT media_id FROM tip_media WHERE tip_id = $1 AND kept = 0)";
	static const char tip_sql[] = "DELETE FROM tips WHERE id = $1";
	if (store_begin(st))
		return STORE_ERROR;
	db_stmt *s = db_prepare(st, photos_sql);
	db_bind_int(s, 1, id);
	size_t cap = 8, len = 0;
	kb_tip_photo *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap)
			v = kb_arena_grow(a, v, len, &cap, sizeof *v);
		v[len].stem = db_col_text(a, s, 0);
		v[len].widths = db_col_text(a, s, 1);
		v[len].status = db_col_text(a, s, 2);
		len++;
	}
	db_reset(s);
	if (rc != DB_DONE) {
		db_fail(st, "cannot read the tip's photos");
		goto fail;
	}
	s = db_prepare(st, media_sql);
	db_bind_int(s, 1, id);
	if (db_run(st, s, "cannot delete the tip's photos"))
		goto fail;
	s = db_prepare(st, tip_sql);
	db_bind_int(s, 1, id);
	rc = db_run_one(st, s, "cannot delete the tip");
	if (rc == STORE_NOTFOUND) {
		store_rollback(st);
		return STORE_NOTFOUND;
	}
	if (rc || store_commit(st))
		goto fail;
	*photos = v;
	*n = len;
	return STORE_OK;
fail:
	store_rollback(st);
	return STORE_ERROR;
}

int tips_store_expired(store *st, kb_arena *a, int64_t before, size_t limit, int64_t **ids, size_t *n)
{
	static const char sql[] = "SELECT id FROM tips WHERE created_at < $1 ORDER BY created_at LIMIT $2";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, before);
	db_bind_int(s, 2, (int64_t)limit);
	size_t cap = 16, len = 0;
	int64_t *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap)
			v = kb_arena_grow(a, v, len, &cap, sizeof *v);
		v[len++] = db_col_int(s, 0);
	}
	db_reset(s);
	if (rc != DB_DONE)
		return db_fail(st, "cannot find old tips");
	*ids = v;
	*n = len;
	return STORE_OK;
}

int tips_store_mail_next(store *st, int64_t now, kb_mail_job *out)
{
	static const char sql[] =
		"SELECT id, tip_id, tries, next_at, to_reader FROM mail_queue WHERE next_at > 0 "
		"AND next_at <= $1 ORDER BY next_at, id LIMIT 1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, now);
	int rc = db_one(st, s, "cannot read the mail queue");
	if (rc)
		return rc;
	out->id = db_col_int(s, 0);
	out->tip_id = db_col_int(s, 1);
	out->tries = db_col_int(s, 2);
	int64_t due = db_col_int(s, 3);
	out->to_reader = (int)db_col_int(s, 4);
	db_reset(s);
	/* Claimed for TIPS_MAIL_LEASE seconds: a second server on the same
	 * database finds it taken (the UPDATE changes nothing) and sends
	 * nothing; a server that dies mid-send leaves it due again after. */
	static const char claim_sql[] = "UPDATE mail_queue SET next_at = $3 WHERE id = $1 AND next_at = $2";
	s = db_prepare(st, claim_sql);
	db_bind_int(s, 1, out->id);
	db_bind_int(s, 2, due);
	db_bind_int(s, 3, now + TIPS_MAIL_LEASE);
	return db_run_one(st, s, "cannot claim the mail");
}

int tips_store_mail_sent(store *st, int64_t id)
{
	static const char sql[] = "DELETE FROM mail_queue WHERE id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	return db_run(st, s, "cannot update the mail queue");
}

int tips_store_mail_retry(store *st, int64_t id, int64_t next_at, const char *error)
{
	static const char sql[] = "UPDATE mail_queue SET tries = tries + 1, next_at = $2, "
				  "error = substr($3, 1, 500) WHERE id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, next_at);
	db_bind_text(s, 3, error);
	return db_run(st, s, "cannot update the mail queue");
}

int tips_store_mail_counts(store *st, int64_t *waiting, int64_t *failed)
{
	static const char sql[] = "SELECT count(*) FROM mail_queue WHERE next_at > 0";
	static const char failed_sql[] = "SELECT count(*) FROM mail_queue WHERE next_at = 0";
	if (count(st, db_prepare(st, sql), waiting, "cannot count mail"))
		return STORE_ERROR;
	return count(st, db_prepare(st, failed_sql), failed, "cannot count mail");
}

int tips_store_mail_settings(store *st, kb_arena *a, kb_mail_settings *out)
{
	static const store_setting_key keys[] = {
#define K(k, f) {k, "", offsetof(kb_mail_settings, f)}
		K("smtp_host", host),         K("smtp_port", port),
		K("smtp_user", user),         K("smtp_password", password),
		K("smtp_starttls", starttls), K("tips_email", to),
		K("name", from_name),         K("tips_retention_days", retention_days),
#undef K
	};
	return store_settings_load(st, a, keys, KB_COUNT(keys), out, "cannot read the mail settings");
}
