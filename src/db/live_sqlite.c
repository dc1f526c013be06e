/*
 * live_sqlite.c: the store side of live coverage (live_store.h). The
 * statements are fixed strings prepared once through db_prepare()
 * (driver.h) and bound; the same SQL serves SQLite and PostgreSQL. Not
 * here: the cache's part, which the articles' change-log triggers play
 * once a change moves the story's updated_at (touch below).
 */
#include <string.h>

#include "driver.h"
#include "live_store.h"
#include "store_int.h"

#define LIVE_COLS "article_id, started_at, ends_at, closed_at, seq, user_id "

static void read_live(db_stmt *s, kb_live *l)
{
	memset(l, 0, sizeof *l);
	l->article_id = db_col_int(s, 0);
	l->started_at = db_col_int(s, 1);
	l->ends_at = db_col_int(s, 2);
	l->closed_at = db_col_int(s, 3);
	l->seq = db_col_int(s, 4);
	l->user_id = db_col_int(s, 5);
}

int live_is_open(const kb_live *l, int64_t now)
{
	return !l->closed_at && (!l->ends_at || now < l->ends_at);
}

/* Moves the story's updated_at, so the change log names its page, its
 * updates and the feeds (a:ID, text); and, the story being published, its
 * dateModified (modified_at): a live entry is news, never a typo's fix. */
static int touch(store *st, int64_t article_id, int64_t now)
{
	static const char sql[] = "UPDATE articles SET updated_at = $2, "
				  "modified_at = CASE WHEN status = 'published' THEN $2 ELSE modified_at END "
				  "WHERE id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, article_id);
	db_bind_int(s, 2, now);
	return db_run(st, s, "cannot mark the story updated");
}

/* Opens a transaction unless the caller has one; *mine says which. */
static int begin(store *st, int *mine)
{
	*mine = !db_in_tx(st);
	return *mine ? db_begin(st) : STORE_OK;
}

/* Ends what begin opened: commit on STORE_OK, else roll back; rc again. */
static int end(store *st, int mine, int rc)
{
	if (!mine)
		return rc;
	if (rc == STORE_OK)
		return db_commit(st) ? db_fail(st, "cannot save the live coverage") : STORE_OK;
	db_rollback(st);
	return rc;
}

int live_store_start(store *st, int64_t article_id, int64_t started_at, int64_t ends_at, int64_t user_id,
		     int64_t now)
{
	static const char exists[] = "SELECT 1 FROM articles WHERE id = $1";
	static const char sql[] =
		"INSERT INTO live_coverage(article_id, started_at, ends_at, closed_at, seq, user_id) "
		"VALUES($1, $2, $3, 0, 1, $4) ON CONFLICT (article_id) DO UPDATE SET "
		"started_at = excluded.started_at, ends_at = excluded.ends_at, closed_at = 0, "
		"seq = live_coverage.seq + 1";
	int mine, rc = begin(st, &mine);
	if (rc)
		return rc;
	db_stmt *s = db_prepare(st, exists);
	db_bind_int(s, 1, article_id);
	rc = db_one(st, s, "cannot look up the story");
	db_reset(s);
	if (!rc) {
		s = db_prepare(st, sql);
		db_bind_int(s, 1, article_id);
		db_bind_int(s, 2, started_at);
		db_bind_int(s, 3, ends_at);
		db_bind_int(s, 4, user_id);
		rc = db_run(st, s, "cannot start the live coverage");
	}
	if (!rc)
		rc = touch(st, article_id, now);
	return end(st, mine, rc);
}

int live_store_close(store *st, int64_t article_id, int64_t now)
{
	static const char sql[] = "UPDATE live_coverage SET closed_at = $2, seq = seq + 1, "
				  "ends_at = CASE WHEN ends_at = 0 OR ends_at > $2 THEN $2 ELSE ends_at END "
				  "WHERE article_id = $1 AND closed_at = 0";
	int mine, rc = begin(st, &mine);
	if (rc)
		return rc;
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, article_id);
	db_bind_int(s, 2, now);
	rc = db_run_one(st, s, "cannot close the live coverage");
	if (!rc)
		rc = touch(st, article_id, now);
	return end(st, mine, rc);
}

int live_store_close_due(store *st, int64_t now, int *n)
{
	static const char due[] = "SELECT article_id FROM live_coverage "
				  "WHERE closed_at = 0 AND ends_at > 0 AND ends_at <= $1 LIMIT 100";
	*n = 0;
	int64_t ids[100];
	size_t k = 0;
	db_stmt *s = db_prepare(st, due);
	db_bind_int(s, 1, now);
	int rc;
	while ((rc = db_step(s)) == DB_ROW && k < KB_COUNT(ids))
		ids[k++] = db_col_int(s, 0);
	db_reset(s);
	if (rc == DB_ERROR)
		return db_fail(st, "cannot find live coverage that is over");
	for (size_t i = 0; i < k; i++) {
		/* closed_at: the planned end, when it passed while no server ran */
		rc = live_store_close(st, ids[i], now);
		if (rc == STORE_NOTFOUND) /* another server closed it */
			continue;
		if (rc)
			return rc;
		(*n)++;
	}
	return STORE_OK;
}

int live_store_get(store *st, int64_t article_id, kb_live *out)
{
	static const char sql[] = "SELECT " LIVE_COLS "FROM live_coverage WHERE article_id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, article_id);
	int rc = db_one(st, s, "cannot read the live coverage");
	if (rc == STORE_OK) {
		read_live(s, out);
		db_reset(s);
	}
	return rc;
}

int live_store_list(store *st, kb_arena *a, kb_live **out, size_t *n)
{
	static const char sql[] =
		"SELECT l.article_id, l.started_at, l.ends_at, l.closed_at, l.seq, l.user_id, "
		"a.title, a.slug FROM live_coverage l JOIN articles a ON a.id = l.article_id "
		"ORDER BY l.closed_at <> 0, l.started_at DESC LIMIT 50";
	size_t cap = 50, k = 0;
	kb_live *v = kb_arena_alloc(a, cap * sizeof *v);
	db_stmt *s = db_prepare(st, sql);
	int rc;
	while ((rc = db_step(s)) == DB_ROW && k < cap) {
		read_live(s, &v[k]);
		v[k].title = db_col_text(a, s, 6);
		v[k].slug = db_col_text(a, s, 7);
		k++;
	}
	db_reset(s);
	if (rc == DB_ERROR)
		return db_fail(st, "cannot list the live coverage");
	*out = v;
	*n = k;
	return STORE_OK;
}

#define ENTRY_COLS                                                                                    \
	"e.id, e.article_id, e.seq, coalesce(e.media_id, 0), e.user_id, e.created_at, e.updated_at, " \
	"e.body, e.link, coalesce(u.name, ''), e.pinned, e.key_event, e.deleted, coalesce(m.id, 0), " \
	"coalesce(m.stem, ''), coalesce(m.width, 0), coalesce(m.height, 0), coalesce(m.widths, ''), " \
	"coalesce(m.caption, '') "
#define ENTRY_FROM                                                   \
	"FROM live_entries e LEFT JOIN users u ON u.id = e.user_id " \
	"LEFT JOIN media m ON m.id = e.media_id AND m.status = 'ready' "

static void read_entry(kb_arena *a, db_stmt *s, kb_live_entry *e)
{
	memset(e, 0, sizeof *e);
	e->id = db_col_int(s, 0);
	e->article_id = db_col_int(s, 1);
	e->seq = db_col_int(s, 2);
	e->media_id = db_col_int(s, 3);
	e->user_id = db_col_int(s, 4);
	e->created_at = db_col_int(s, 5);
	e->updated_at = db_col_int(s, 6);
	e->body = db_col_text(a, s, 7);
	e->link = db_col_text(a, s, 8);
	e->user_name = db_col_text(a, s, 9);
	e->pinned = (int)db_col_int(s, 10);
	e->key_event = (int)db_col_int(s, 11);
	e->deleted = (int)db_col_int(s, 12);
	e->media.id = db_col_int(s, 13);
	e->media.stem = db_col_text(a, s, 14);
	e->media.width = (int)db_col_int(s, 15);
	e->media.height = (int)db_col_int(s, 16);
	e->media.widths = db_col_text(a, s, 17);
	e->media.caption = db_col_text(a, s, 18);
	e->media.name = e->media.credit = "";
}

int live_store_entries(store *st, kb_arena *a, int64_t article_id, int64_t since, kb_live_entry **out,
		       size_t *n)
{
	static const char sql[] = "SELECT " ENTRY_COLS ENTRY_FROM
				  "WHERE e.article_id = $1 AND e.seq > $2 AND ($2 > 0 OR e.deleted = 0) "
				  "ORDER BY e.pinned DESC, e.created_at DESC, e.id DESC";
	size_t cap = 16, k = 0;
	kb_live_entry *v = kb_arena_alloc(a, cap * sizeof *v);
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, article_id);
	db_bind_int(s, 2, since);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (k == cap) {
			kb_live_entry *w = kb_arena_alloc(a, 2 * cap * sizeof *w);
			memcpy(w, v, cap * sizeof *v);
			v = w;
			cap *= 2;
		}
		read_entry(a, s, &v[k++]);
	}
	db_reset(s);
	if (rc == DB_ERROR)
		return db_fail(st, "cannot read the live entries");
	*out = v;
	*n = k;
	return STORE_OK;
}

int live_store_entry(store *st, kb_arena *a, int64_t id, kb_live_entry *out)
{
	static const char sql[] = "SELECT " ENTRY_COLS ENTRY_FROM "WHERE e.id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	int rc = db_one(st, s, "cannot read the live entry");
	if (rc == STORE_OK) {
		read_entry(a, s, out);
		db_reset(s);
	}
	return rc;
}

/* Moves open coverage article_id's seq: the new one in *seq.
 * STORE_CONFLICT when it is closed or over, STORE_NOTFOUND when there is
 * none. */
static int next_seq(store *st, int64_t article_id, int64_t now, int64_t *seq)
{
	static const char sql[] = "UPDATE live_coverage SET seq = seq + 1 WHERE article_id = $1 "
				  "AND closed_at = 0 AND (ends_at = 0 OR ends_at > $2) RETURNING seq";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, article_id);
	db_bind_int(s, 2, now);
	int rc = store_insert_id(st, s, "cannot move the live coverage on", seq);
	if (rc != STORE_NOTFOUND)
		return rc;
	kb_live l;
	rc = live_store_get(st, article_id, &l);
	return rc == STORE_OK ? STORE_CONFLICT : rc;
}

int live_store_entry_add(store *st, int64_t article_id, const kb_live_input *in, int64_t user_id, int64_t now,
			 int64_t *id)
{
	static const char sql[] =
		"INSERT INTO live_entries(article_id, seq, body, link, media_id, pinned, key_event, user_id, "
		"created_at, updated_at) VALUES($1, $2, $3, $4, nullif($5, 0), $6, $7, $8, $9, $9) RETURNING id";
	int64_t seq;
	int mine, rc = begin(st, &mine);
	if (!rc)
		rc = next_seq(st, article_id, now, &seq);
	if (!rc) {
		db_stmt *s = db_prepare(st, sql);
		db_bind_int(s, 1, article_id);
		db_bind_int(s, 2, seq);
		db_bind_text(s, 3, in->body);
		db_bind_text(s, 4, in->link ? in->link : "");
		db_bind_int(s, 5, in->media_id > 0 ? in->media_id : 0);
		db_bind_int(s, 6, !!in->pinned);
		db_bind_int(s, 7, !!in->key_event);
		db_bind_int(s, 8, user_id);
		db_bind_int(s, 9, now);
		rc = store_insert_id(st, s, "cannot add the live entry", id);
	}
	if (!rc)
		rc = touch(st, article_id, now);
	return end(st, mine, rc);
}

/* The story of entry id, if the entry is there and not deleted. */
static int entry_story(store *st, int64_t id, int64_t *article_id)
{
	static const char sql[] = "SELECT article_id FROM live_entries WHERE id = $1 AND deleted = 0";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	int rc = db_one(st, s, "cannot look up the live entry");
	if (rc == STORE_OK) {
		*article_id = db_col_int(s, 0);
		db_reset(s);
	}
	return rc;
}

/* Writes entry id at seq (deleted: with no text or photo). */
static int write_entry(store *st, int64_t id, int64_t seq, const kb_live_input *in, int deleted, int64_t now)
{
	static const char sql[] =
		"UPDATE live_entries SET seq = $2, body = $3, link = $4, "
		"media_id = CASE WHEN $5 < 0 THEN media_id ELSE nullif($5, 0) END, pinned = $6, key_event = $7, "
		"deleted = $8, updated_at = $9 WHERE id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, seq);
	db_bind_text(s, 3, in->body ? in->body : "");
	db_bind_text(s, 4, in->link ? in->link : "");
	db_bind_int(s, 5, in->media_id);
	db_bind_int(s, 6, !!in->pinned);
	db_bind_int(s, 7, !!in->key_event);
	db_bind_int(s, 8, deleted);
	db_bind_int(s, 9, now);
	return db_run_one(st, s, "cannot save the live entry");
}

/* live_store_entry_save and _delete: in, or the deleted entry. */
static int change_entry(store *st, int64_t id, const kb_live_input *in, int deleted, int64_t now)
{
	int64_t article_id, seq;
	int mine, rc = begin(st, &mine);
	if (!rc)
		rc = entry_story(st, id, &article_id);
	if (!rc)
		rc = next_seq(st, article_id, now, &seq);
	if (!rc)
		rc = write_entry(st, id, seq, in, deleted, now);
	if (!rc)
		rc = touch(st, article_id, now);
	return end(st, mine, rc);
}

int live_store_entry_save(store *st, int64_t id, const kb_live_input *in, int64_t now)
{
	return change_entry(st, id, in, 0, now);
}

int live_store_entry_delete(store *st, int64_t id, int64_t now)
{
	const kb_live_input none = {.body = "", .link = "", .media_id = 0};
	return change_entry(st, id, &none, 1, now);
}
