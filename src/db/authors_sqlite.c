/*
 * authors_sqlite.c: the store side of author profiles (authors_store.h).
 * One SQL text serves SQLite and PostgreSQL. Not here: the cache's part,
 * which the authors' and author_areas' triggers play.
 */
#include <string.h>

#include "authors_store.h"
#include "driver.h"
#include "store_int.h"

/* The photo counts only once its derivatives are ready, as a story's. */
#define PROFILE_COLS                                                                               \
	"au.id, au.name, au.slug, au.bio, au.role, au.email, au.links, coalesce(ap.media_id, 0), " \
	"coalesce(m.id, 0), coalesce(m.stem, ''), coalesce(m.width, 0), coalesce(m.height, 0), "   \
	"coalesce(m.widths, '') "
#define PROFILE_FROM                                                          \
	"FROM authors au LEFT JOIN author_photos ap ON ap.author_id = au.id " \
	"LEFT JOIN media m ON m.id = ap.media_id AND m.status = 'ready' "

static void read_profile(kb_arena *a, db_stmt *s, kb_author_profile *p)
{
	memset(p, 0, sizeof *p);
	p->id = db_col_int(s, 0);
	p->name = db_col_text(a, s, 1);
	p->slug = db_col_text(a, s, 2);
	p->bio = db_col_text(a, s, 3);
	p->role = db_col_text(a, s, 4);
	p->email = db_col_text(a, s, 5);
	p->links = db_col_text(a, s, 6);
	p->photo_id = db_col_int(s, 7);
	p->photo.id = db_col_int(s, 8);
	p->photo.stem = db_col_text(a, s, 9);
	p->photo.width = (int)db_col_int(s, 10);
	p->photo.height = (int)db_col_int(s, 11);
	p->photo.widths = db_col_text(a, s, 12);
	p->photo.caption = p->name;
	p->photo.credit = "";
}

/* The categories an author covers, from s (bound), into p. */
static int areas_read(store *st, kb_arena *a, db_stmt *s, kb_author_profile *p)
{
	size_t cap = 8, k = 0;
	kb_category *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (k == cap)
			v = kb_arena_grow(a, v, k, &cap, sizeof *v);
		v[k].id = db_col_int(s, 0);
		v[k].name = db_col_text(a, s, 1);
		v[k].slug = db_col_text(a, s, 2);
		v[k].position = (int)db_col_int(s, 3);
		k++;
	}
	db_reset(s);
	if (rc == DB_ERROR)
		return db_fail(st, "cannot read the author's areas");
	p->areas = v;
	p->nareas = k;
	return STORE_OK;
}

#define AREAS_SQL(author)                                                           \
	"SELECT c.id, c.name, c.slug, c.position FROM author_areas x "              \
	"JOIN categories c ON c.id = x.category_id WHERE x.author_id = " author " " \
	"ORDER BY c.position, c.id"

/* The categories author p covers, into p. */
static int load_areas(store *st, kb_arena *a, kb_author_profile *p)
{
	static const char sql[] = AREAS_SQL("$1");
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, p->id);
	return areas_read(st, a, s, p);
}

#define AUTHOR_OF "(SELECT author_id FROM articles WHERE slug = $1)"
const char authors_page_sql[] = "SELECT " PROFILE_COLS PROFILE_FROM "WHERE au.id = " AUTHOR_OF;
const char authors_page_areas_sql[] = AREAS_SQL(AUTHOR_OF);
#undef AUTHOR_OF

int authors_page_read(store *st, kb_arena *a, db_stmt *profile, db_stmt *areas, kb_author_profile **out)
{
	*out = NULL;
	int rc = db_one(st, profile, "cannot read the author");
	if (rc == STORE_NOTFOUND)
		return STORE_OK;
	if (rc)
		return rc;
	kb_author_profile *p = kb_arena_alloc(a, sizeof *p);
	read_profile(a, profile, p);
	db_reset(profile);
	if ((rc = areas_read(st, a, areas, p)))
		return rc;
	*out = p;
	return STORE_OK;
}

/* One profile from s (bound), with its areas. */
static int one_profile(store *st, kb_arena *a, db_stmt *s, kb_author_profile *out)
{
	int rc = db_one(st, s, "cannot read the author");
	if (rc != STORE_OK)
		return rc;
	read_profile(a, s, out);
	db_reset(s);
	return load_areas(st, a, out);
}

int authors_store_get(store *st, kb_arena *a, int64_t id, kb_author_profile *out)
{
	static const char sql[] = "SELECT " PROFILE_COLS PROFILE_FROM "WHERE au.id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	return one_profile(st, a, s, out);
}

int authors_store_by_slug(store *st, kb_arena *a, const char *slug, kb_author_profile *out)
{
	static const char sql[] = "SELECT " PROFILE_COLS PROFILE_FROM "WHERE au.slug = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, slug);
	return one_profile(st, a, s, out);
}

int authors_store_list(store *st, kb_arena *a, kb_author_profile **out, size_t *n)
{
	static const char sql[] = "SELECT " PROFILE_COLS ", (SELECT count(*) FROM articles x "
				  "WHERE x.author_id = au.id AND x.status = 'published') " PROFILE_FROM
				  "ORDER BY au.name, au.id";
	db_stmt *s = db_prepare(st, sql);
	size_t cap = 16, k = 0;
	kb_author_profile *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (k == cap)
			v = kb_arena_grow(a, v, k, &cap, sizeof *v);
		read_profile(a, s, &v[k]);
		v[k++].stories = db_col_int(s, 13);
	}
	db_reset(s);
	if (rc == DB_ERROR)
		return db_fail(st, "cannot list the authors");
	*out = v;
	*n = k;
	return STORE_OK;
}

static int save_in_tx(store *st, int64_t id, const kb_author_input *in)
{
	static const char upd[] =
		"UPDATE authors SET bio = $2, role = $3, email = $4, links = $5 WHERE id = $1";
	/* The photo's row changes only when the photo does, so a save that
	 * keeps it moves the content version once (the authors' trigger). */
	static const char photo_del[] = "DELETE FROM author_photos WHERE author_id = $1 AND media_id <> $2";
	static const char photo_add[] = "INSERT INTO author_photos(author_id, media_id) "
					"SELECT $1, id FROM media WHERE id = $2 ON CONFLICT DO NOTHING";
	static const char clear[] = "DELETE FROM author_areas WHERE author_id = $1";
	static const char add[] = "INSERT INTO author_areas(author_id, category_id) "
				  "SELECT $1, id FROM categories WHERE id = $2 ON CONFLICT DO NOTHING";
	db_stmt *s = db_prepare(st, upd);
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, in->bio);
	db_bind_text(s, 3, in->role);
	db_bind_text(s, 4, in->email);
	db_bind_text(s, 5, in->links);
	int rc = db_run_one(st, s, "cannot save the author");
	if (rc)
		return rc;
	s = db_prepare(st, photo_del);
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, in->photo_id);
	if ((rc = db_run(st, s, "cannot save the author's photo")))
		return rc;
	if (in->photo_id) {
		s = db_prepare(st, photo_add);
		db_bind_int(s, 1, id);
		db_bind_int(s, 2, in->photo_id);
		if ((rc = db_run(st, s, "cannot save the author's photo")))
			return rc;
	}
	s = db_prepare(st, clear);
	db_bind_int(s, 1, id);
	if ((rc = db_run(st, s, "cannot save the author's areas")))
		return rc;
	for (size_t i = 0; i < in->nareas && !rc; i++) {
		s = db_prepare(st, add);
		db_bind_int(s, 1, id);
		db_bind_int(s, 2, in->area_ids[i]);
		rc = db_run(st, s, "cannot save the author's areas");
	}
	return rc;
}

int authors_store_save(store *st, int64_t id, const kb_author_input *in)
{
	if (db_begin(st))
		return STORE_ERROR;
	int rc = save_in_tx(st, id, in);
	if (rc)
		db_rollback(st);
	else if (db_commit(st))
		rc = STORE_ERROR;
	return rc;
}

int authors_store_of_user(store *st, int64_t user_id, const char *name, int64_t *id)
{
	static const char mine[] = "SELECT coalesce(author_id, 0) FROM users WHERE id = $1";
	static const char link[] = "UPDATE users SET author_id = $2 WHERE id = $1";
	db_stmt *s = db_prepare(st, mine);
	db_bind_int(s, 1, user_id);
	int rc = db_one(st, s, "cannot read the user");
	if (rc)
		return rc;
	*id = db_col_int(s, 0);
	db_reset(s);
	if (*id || !name)
		return STORE_OK;
	if (db_begin(st))
		return STORE_ERROR;
	rc = store_ensure_named(st, 'u', name, id);
	if (!rc) {
		s = db_prepare(st, link);
		db_bind_int(s, 1, user_id);
		db_bind_int(s, 2, *id);
		rc = db_run(st, s, "cannot link the user to the author");
	}
	if (rc)
		db_rollback(st);
	else if (db_commit(st))
		rc = STORE_ERROR;
	return rc;
}
