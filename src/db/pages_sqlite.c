/*
 * pages_sqlite.c: the store side of static pages (pages_store.h). The
 * statements are fixed strings prepared once through db_prepare()
 * (driver.h) and bound; the same SQL serves SQLite and PostgreSQL. Not
 * here: the cache's part, which migration 19's triggers play.
 */
#include <string.h>

#include "driver.h"
#include "pages_store.h"
#include "store_int.h"

/* $1: with the body (0 or 1). */
#define PAGE_COLS                                                                                         \
	"id, slug, title, CASE WHEN $1 <> 0 THEN body ELSE '' END, status, footer, version, created_at, " \
	"updated_at, published_at, updated_by "

static void read_page(kb_arena *a, db_stmt *s, kb_page *p)
{
	memset(p, 0, sizeof *p);
	p->id = db_col_int(s, 0);
	p->slug = db_col_text(a, s, 1);
	p->title = db_col_text(a, s, 2);
	p->body = db_col_text(a, s, 3);
	p->status = db_col_text(a, s, 4);
	p->footer = db_col_int(s, 5);
	p->version = db_col_int(s, 6);
	p->created_at = db_col_int(s, 7);
	p->updated_at = db_col_int(s, 8);
	p->published_at = db_col_int(s, 9);
	p->updated_by = db_col_int(s, 10);
}

/* The status to store: "published" or "draft". */
static const char *status_of(const char *s)
{
	return s && !strcmp(s, "published") ? "published" : "draft";
}

int pages_store_add(store *st, const kb_page_input *in, int64_t user_id, int64_t now, int64_t *id)
{
	static const char sql[] =
		"INSERT INTO pages(slug, title, body, status, footer, created_at, updated_at, published_at, "
		"updated_by) VALUES($1, $2, $3, $4, $5, $6, $6, CASE WHEN $4 = 'published' THEN $6 ELSE 0 END, $7) "
		"ON CONFLICT (slug) DO NOTHING RETURNING id";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, in->slug);
	db_bind_text(s, 2, in->title);
	db_bind_text(s, 3, in->body);
	db_bind_text(s, 4, status_of(in->status));
	db_bind_int(s, 5, in->footer);
	db_bind_int(s, 6, now);
	db_bind_int(s, 7, user_id);
	int rc = store_insert_id(st, s, "cannot add the page", id);
	return rc == STORE_NOTFOUND ? STORE_CONFLICT : rc;
}

int pages_store_replace_sample(store *st, const kb_page_input *in, int64_t now, int64_t *id)
{
	static const char sql[] =
		"UPDATE pages SET title = $2, body = $3, status = $4, version = version + 1, updated_at = $5, "
		"published_at = CASE WHEN $4 = 'published' THEN $5 ELSE 0 END "
		"WHERE slug = $1 AND status = 'draft' AND version = 1 AND updated_by = 0 RETURNING id";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, in->slug);
	db_bind_text(s, 2, in->title);
	db_bind_text(s, 3, in->body);
	db_bind_text(s, 4, status_of(in->status));
	db_bind_int(s, 5, now);
	return store_insert_id(st, s, "cannot replace the sample page", id);
}

int pages_store_save(store *st, int64_t id, int64_t version, const kb_page_input *in, int64_t user_id,
		     int64_t now)
{
	/* $4: the status, "" to keep it. */
	static const char sql[] =
		"UPDATE pages SET slug = $2, title = $3, body = $5, footer = $6, "
		"status = CASE WHEN $4 = '' THEN status ELSE $4 END, "
		"published_at = CASE WHEN published_at = 0 AND (CASE WHEN $4 = '' THEN status ELSE $4 END) = "
		"'published' THEN $7 ELSE published_at END, "
		"version = version + 1, updated_at = $7, updated_by = $8 "
		"WHERE id = $1 AND ($9 = 0 OR version = $9)";
	static const char exists[] = "SELECT 1 FROM pages WHERE id = $1";
	static const char taken[] = "SELECT 1 FROM pages WHERE slug = $1 AND id <> $2";
	db_stmt *s = db_prepare(st, exists);
	db_bind_int(s, 1, id);
	int rc = db_one(st, s, "cannot look up the page");
	db_reset(s);
	if (rc)
		return rc;
	s = db_prepare(st, taken);
	db_bind_text(s, 1, in->slug);
	db_bind_int(s, 2, id);
	rc = db_one(st, s, "cannot look up the page's slug");
	db_reset(s);
	if (rc == STORE_OK)
		return STORE_CONFLICT;
	if (rc == STORE_ERROR)
		return rc;
	s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, in->slug);
	db_bind_text(s, 3, in->title);
	db_bind_text(s, 4, in->status ? status_of(in->status) : "");
	db_bind_text(s, 5, in->body);
	db_bind_int(s, 6, in->footer);
	db_bind_int(s, 7, now);
	db_bind_int(s, 8, user_id);
	db_bind_int(s, 9, version);
	/* The page is there: no row changed means its version moved. */
	rc = db_run_one(st, s, "cannot save the page");
	return rc == STORE_NOTFOUND ? STORE_CONFLICT : rc;
}

int pages_store_set_status(store *st, int64_t id, const char *status, int64_t user_id, int64_t now)
{
	static const char sql[] =
		"UPDATE pages SET status = $2, version = version + 1, updated_at = $3, updated_by = $4, "
		"published_at = CASE WHEN published_at = 0 AND $2 = 'published' THEN $3 ELSE published_at END "
		"WHERE id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, status_of(status));
	db_bind_int(s, 3, now);
	db_bind_int(s, 4, user_id);
	return db_run_one(st, s, "cannot change the page's status");
}

int pages_store_delete(store *st, int64_t id)
{
	static const char sql[] = "DELETE FROM pages WHERE id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	return db_run_one(st, s, "cannot delete the page");
}

/* Reads one page from s (bound): STORE_OK, STORE_NOTFOUND or STORE_ERROR. */
static int one_page(store *st, kb_arena *a, db_stmt *s, kb_page *out)
{
	int rc = db_one(st, s, "cannot read the page");
	if (rc == STORE_OK) {
		read_page(a, s, out);
		db_reset(s);
	}
	return rc;
}

int pages_store_get(store *st, kb_arena *a, int64_t id, kb_page *out)
{
	static const char sql[] = "SELECT " PAGE_COLS "FROM pages WHERE id = $2";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, 1);
	db_bind_int(s, 2, id);
	return one_page(st, a, s, out);
}

int pages_store_by_slug(store *st, kb_arena *a, const char *slug, int published_only, kb_page *out)
{
	static const char sql[] = "SELECT " PAGE_COLS
				  "FROM pages WHERE slug = $2 AND ($3 = 0 OR status = 'published')";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, 1);
	db_bind_text(s, 2, slug);
	db_bind_int(s, 3, published_only);
	return one_page(st, a, s, out);
}

/* Runs s (bound) and collects its pages into *out, *n. */
static int page_rows(store *st, kb_arena *a, db_stmt *s, kb_page **out, size_t *n)
{
	size_t cap = 8, k = 0;
	kb_page *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (k == cap) {
			kb_page *w = kb_arena_alloc(a, 2 * cap * sizeof *w);
			memcpy(w, v, cap * sizeof *v);
			v = w;
			cap *= 2;
		}
		read_page(a, s, &v[k++]);
	}
	db_reset(s);
	if (rc == DB_ERROR)
		return db_fail(st, "cannot list the pages");
	*out = v;
	*n = k;
	return STORE_OK;
}

int pages_store_list(store *st, kb_arena *a, int published_only, kb_page **out, size_t *n)
{
	static const char sql[] = "SELECT " PAGE_COLS "FROM pages WHERE $2 = 0 OR status = 'published' "
				  "ORDER BY footer = 0, footer, title, id";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, 0);
	db_bind_int(s, 2, published_only);
	return page_rows(st, a, s, out, n);
}

int pages_store_revision_add(store *st, int64_t id, int64_t user_id, const char *kind, int64_t now)
{
	static const char sql[] =
		"INSERT INTO page_revisions(page_id, version, user_id, at, kind, slug, title, body) "
		"SELECT id, version, $2, $3, $4, slug, title, body FROM pages WHERE id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, user_id);
	db_bind_int(s, 3, now);
	db_bind_text(s, 4, kind);
	return db_run_one(st, s, "cannot keep the page's revision");
}

/* $1: with the body (0 or 1). */
#define REVISION_COLS                                                                            \
	"r.id, r.page_id, r.version, r.user_id, r.at, r.kind, r.slug, r.title, "                 \
	"CASE WHEN $1 <> 0 THEN r.body ELSE '' END, coalesce(u.name, '') FROM page_revisions r " \
	"LEFT JOIN users u ON u.id = r.user_id "

static void read_revision(kb_arena *a, db_stmt *s, kb_page_revision *v)
{
	v->id = db_col_int(s, 0);
	v->page_id = db_col_int(s, 1);
	v->version = db_col_int(s, 2);
	v->user_id = db_col_int(s, 3);
	v->at = db_col_int(s, 4);
	v->kind = db_col_text(a, s, 5);
	v->slug = db_col_text(a, s, 6);
	v->title = db_col_text(a, s, 7);
	v->body = db_col_text(a, s, 8);
	v->user_name = db_col_text(a, s, 9);
}

int pages_store_revisions(store *st, kb_arena *a, int64_t id, kb_page_revision **out, size_t *n)
{
	static const char sql[] = "SELECT " REVISION_COLS "WHERE r.page_id = $2 ORDER BY r.id DESC";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, 0);
	db_bind_int(s, 2, id);
	size_t cap = 8, k = 0;
	kb_page_revision *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (k == cap)
			v = kb_arena_grow(a, v, k, &cap, sizeof *v);
		read_revision(a, s, &v[k++]);
	}
	db_reset(s);
	if (rc == DB_ERROR)
		return db_fail(st, "cannot list the page's revisions");
	*out = v;
	*n = k;
	return STORE_OK;
}

int pages_store_revision_get(store *st, kb_arena *a, int64_t rev_id, kb_page_revision *out)
{
	static const char sql[] = "SELECT " REVISION_COLS "WHERE r.id = $2";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, 1);
	db_bind_int(s, 2, rev_id);
	int rc = db_one(st, s, "cannot read the page's revision");
	if (rc == STORE_OK) {
		read_revision(a, s, out);
		db_reset(s);
	}
	return rc;
}

const char pages_site_sql[] = "SELECT slug FROM pages WHERE status = 'published' ORDER BY slug";

int pages_site_read(store *st, kb_arena *a, db_stmt *s, kb_site *out)
{
	size_t cap = 8, k = 0;
	const char **v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (k == cap)
			v = kb_arena_grow(a, v, k, &cap, sizeof *v);
		v[k++] = db_col_text(a, s, 0);
	}
	db_reset(s);
	if (rc == DB_ERROR)
		return db_fail(st, "cannot list the published pages");
	out->pages = v;
	out->npages = k;
	return STORE_OK;
}
