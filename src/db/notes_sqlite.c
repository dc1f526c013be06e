/*
 * notes_sqlite.c: the store side of corrections and updates
 * (notes_store.h). One SQL text serves SQLite and PostgreSQL. Not here:
 * what a change purges, which the articles' change triggers say when the
 * note moves the story's modified_at.
 */
#include <string.h>

#include "driver.h"
#include "notes_store.h"
#include "store_int.h"

int notes_kind_ok(const char *kind)
{
	return kind && (!strcmp(kind, "correction") || !strcmp(kind, "update"));
}

int notes_store_add(store *st, int64_t article_id, const char *kind, const char *body, int64_t user_id,
		    int64_t now, int64_t *id)
{
	static const char touch[] =
		"UPDATE articles SET modified_at = $2 WHERE id = $1 AND status = 'published'";
	static const char add[] = "INSERT INTO article_notes(article_id, kind, body, at, user_id) "
				  "VALUES($1, $2, $3, $4, $5) RETURNING id";
	if (!notes_kind_ok(kind))
		return db_fail_msg(st, "a note is a correction or an update");
	int own_tx = !db_in_tx(st);
	if (own_tx && db_begin(st))
		return STORE_ERROR;
	db_stmt *s = db_prepare(st, touch);
	db_bind_int(s, 1, article_id);
	db_bind_int(s, 2, now);
	int rc = db_run_one(st, s, "cannot mark the story changed");
	if (!rc) {
		s = db_prepare(st, add);
		db_bind_int(s, 1, article_id);
		db_bind_text(s, 2, kind);
		db_bind_text(s, 3, body);
		db_bind_int(s, 4, now);
		db_bind_int(s, 5, user_id);
		rc = store_insert_id(st, s, "cannot add the note", id);
	}
	if (own_tx) {
		if (rc)
			db_rollback(st);
		else if (db_commit(st))
			rc = STORE_ERROR;
	}
	return rc;
}

/* Runs s (bound) and collects its notes (with title and slug when
 * titled) into *out, *n. */
static int note_rows(store *st, kb_arena *a, db_stmt *s, int titled, kb_note **out, size_t *n)
{
	size_t cap = 8, k = 0;
	kb_note *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (k == cap)
			v = kb_arena_grow(a, v, k, &cap, sizeof *v);
		kb_note *x = &v[k++];
		x->id = db_col_int(s, 0);
		x->article_id = db_col_int(s, 1);
		x->kind = db_col_text(a, s, 2);
		x->body = db_col_text(a, s, 3);
		x->at = db_col_int(s, 4);
		x->user_id = db_col_int(s, 5);
		x->title = titled ? db_col_text(a, s, 6) : "";
		x->slug = titled ? db_col_text(a, s, 7) : "";
	}
	db_reset(s);
	if (rc == DB_ERROR)
		return db_fail(st, "cannot list the notes");
	*out = v;
	*n = k;
	return STORE_OK;
}

const char notes_page_sql[] = "SELECT id, article_id, kind, body, at, user_id FROM article_notes "
			      "WHERE article_id = (SELECT id FROM articles WHERE slug = $1) ORDER BY at, id";

int notes_page_read(store *st, kb_arena *a, db_stmt *s, kb_note **out, size_t *n)
{
	return note_rows(st, a, s, 0, out, n);
}

int notes_store_list(store *st, kb_arena *a, int64_t article_id, kb_note **out, size_t *n)
{
	static const char sql[] = "SELECT id, article_id, kind, body, at, user_id FROM article_notes "
				  "WHERE article_id = $1 ORDER BY at, id";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, article_id);
	return note_rows(st, a, s, 0, out, n);
}

int notes_store_recent(store *st, kb_arena *a, size_t limit, size_t offset, kb_note **out, size_t *n,
		       size_t *total)
{
	static const char count[] =
		"SELECT count(*) FROM article_notes x JOIN articles a ON a.id = x.article_id "
		"WHERE a.status = 'published'";
	static const char sql[] =
		"SELECT x.id, x.article_id, x.kind, x.body, x.at, x.user_id, a.title, a.slug "
		"FROM article_notes x JOIN articles a ON a.id = x.article_id WHERE a.status = 'published' "
		"ORDER BY x.at DESC, x.id DESC LIMIT $1 OFFSET $2";
	db_stmt *s = db_prepare(st, count);
	if (db_one(st, s, "cannot count the notes") != STORE_OK)
		return STORE_ERROR;
	*total = (size_t)db_col_int(s, 0);
	db_reset(s);
	s = db_prepare(st, sql);
	db_bind_int(s, 1, (int64_t)limit);
	db_bind_int(s, 2, (int64_t)offset);
	return note_rows(st, a, s, 1, out, n);
}
