/*
 * import_sqlite.c: the store functions bulk imports need (store.h, "Bulk
 * imports"): find-or-add for categories, tags and authors, redirects that
 * never overwrite, and the import tables of migration 3. Like the rest of
 * the store: statements prepared once (db_prepare, driver.h) and bound,
 * never built from data. Each function writes nothing when there is nothing new, so a
 * repeated import leaves the database (and its content version) as it was.
 */
#include <string.h>

#include "../text/text.h"
#include "driver.h"
#include "store_int.h"

static int category_by_name(store *st, kb_arena *a, const char *name, kb_category *out)
{
	static const char sql[] = "SELECT id, name, slug, position FROM categories WHERE name = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, name);
	int rc = db_step(s);
	if (rc == DB_ROW) {
		out->id = db_col_int(s, 0);
		out->name = db_col_text(a, s, 1);
		out->slug = db_col_text(a, s, 2);
		out->position = db_col_int(s, 3);
	}
	db_reset(s);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOTFOUND : db_fail(st, "cannot read category");
}

int store_category_ensure(store *st, kb_arena *a, const char *name, kb_category *out, int *created)
{
	*created = 0;
	int rc = category_by_name(st, a, name, out);
	if (rc != STORE_NOTFOUND)
		return rc;
	static const char taken_sql[] = "SELECT count(*) FROM categories WHERE slug = $1";
	static const char last_sql[] = "SELECT coalesce(max(position), 0) FROM categories";
	kb_buf base = {0}, slug = {0};
	text_slug(&base, name, strlen(name), 40);
	for (int i = 1;; i++) {
		kb_buf_reset(&slug);
		kb_buf_puts(&slug, base.data);
		if (i > 1)
			kb_buf_printf(&slug, "-%d", i);
		db_stmt *s = db_prepare(st, taken_sql);
		db_bind_text(s, 1, slug.data);
		int step = db_step(s);
		int64_t taken = step == DB_ROW ? db_col_int(s, 0) : -1;
		db_reset(s);
		if (taken < 0) {
			rc = db_fail(st, "cannot check slug");
			goto out;
		}
		if (!taken)
			break;
	}
	db_stmt *s = db_prepare(st, last_sql);
	int pos = db_step(s) == DB_ROW ? db_col_int(s, 0) + 1 : 1;
	db_reset(s);
	rc = store_category_add(st, name, slug.data, pos);
	if (!rc) {
		rc = category_by_name(st, a, name, out);
		*created = rc == STORE_OK;
	}
out:
	kb_buf_free(&base);
	kb_buf_free(&slug);
	return rc;
}

int store_category_set_parent(store *st, int64_t id, int64_t parent_id)
{
	static const char sql[] = "UPDATE categories SET parent_id = nullif($2, 0) "
				  "WHERE id = $1 AND parent_id IS DISTINCT FROM nullif($2, 0) AND id != $2";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, parent_id);
	return db_run(st, s, "cannot set the category's parent");
}

/* Tag ('t') or author ('u') by name: id and slug. */
static int named(store *st, kb_arena *a, char kind, const char *name, int64_t *id, const char **slug)
{
	static const char tag_sql[] = "SELECT id, slug FROM tags WHERE name = $1";
	static const char author_sql[] = "SELECT id, slug FROM authors WHERE name = $1";
	db_stmt *s = db_prepare(st, kind == 't' ? tag_sql : author_sql);
	db_bind_text(s, 1, name);
	int rc = db_step(s);
	if (rc == DB_ROW) {
		*id = db_col_int(s, 0);
		*slug = db_col_text(a, s, 1);
	}
	db_reset(s);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOTFOUND : db_fail(st, "cannot look up name");
}

static int ensure(store *st, kb_arena *a, char kind, const char *name, int64_t *id, const char **slug,
		  int *created)
{
	*created = 0;
	int rc = named(st, a, kind, name, id, slug);
	if (rc != STORE_NOTFOUND)
		return rc;
	if (store_ensure_named(st, kind, name, id))
		return STORE_ERROR;
	*created = 1;
	return named(st, a, kind, name, id, slug) == STORE_OK ? STORE_OK : STORE_ERROR;
}

int store_tag_ensure(store *st, kb_arena *a, const char *name, kb_tag *out, int *created)
{
	out->name = kb_arena_strdup(a, name);
	return ensure(st, a, 't', name, &out->id, &out->slug, created);
}

int store_author_ensure(store *st, kb_arena *a, const char *name, kb_author *out, int *created)
{
	out->name = kb_arena_strdup(a, name);
	out->bio = "";
	return ensure(st, a, 'u', name, &out->id, &out->slug, created);
}

int store_redirect_add_new(store *st, const char *path, const char *target, int code, int *added)
{
	static const char sql[] =
		"INSERT INTO redirects(path, target, code) VALUES($1, $2, $3) ON CONFLICT(path) DO NOTHING";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, path);
	db_bind_text(s, 2, target);
	db_bind_int(s, 3, code);
	int rc = db_run(st, s, "cannot add redirect");
	*added = !rc && db_changes(st) > 0;
	return rc;
}

int store_article_set_imported(store *st, int64_t id, int64_t updated_at, int sticky)
{
	static const char sql[] =
		"UPDATE articles SET updated_at = CASE WHEN $2 > 0 THEN $2 ELSE updated_at END, "
		"created_at = CASE WHEN $2 > 0 AND $2 < created_at THEN $2 ELSE created_at END, "
		"modified_at = CASE WHEN status = 'published' AND $2 > published_at THEN $2 ELSE modified_at END, "
		"sticky = $3 WHERE id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, updated_at);
	db_bind_int(s, 3, sticky ? 1 : 0);
	return db_run(st, s, "cannot update the imported article");
}

int store_account_pending_add(store *st, const char *source, const char *login, const char *email,
			      const char *display_name, int64_t author_id)
{
	static const char sql[] =
		"INSERT INTO import_accounts(source, login, email, display_name, author_id) "
		"VALUES($1, $2, $3, $4, nullif($5, 0)) ON CONFLICT(source, login) DO NOTHING";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, source);
	db_bind_text(s, 2, login);
	db_bind_text(s, 3, email);
	db_bind_text(s, 4, display_name);
	db_bind_int(s, 5, author_id);
	return db_run(st, s, "cannot keep the author's account");
}

int store_account_unlinked(store *st, kb_arena *a, const char *source, kb_import_account **out, size_t *n)
{
	static const char sql[] =
		"SELECT login, email, display_name, coalesce(author_id, 0) FROM import_accounts "
		"WHERE source = $1 AND user_id IS NULL ORDER BY login";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, source);
	size_t cap = 8, len = 0;
	kb_import_account *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap) {
			kb_import_account *w = kb_arena_alloc(a, 2 * cap * sizeof *v);
			memcpy(w, v, len * sizeof *v);
			v = w;
			cap *= 2;
		}
		v[len].login = db_col_text(a, s, 0);
		v[len].email = db_col_text(a, s, 1);
		v[len].display_name = db_col_text(a, s, 2);
		v[len].author_id = db_col_int(s, 3);
		len++;
	}
	db_reset(s);
	*out = v;
	*n = len;
	return rc == DB_DONE ? STORE_OK : db_fail(st, "cannot read the imported accounts");
}

int store_user_add_imported(store *st, const char *login, const char *name, int64_t author_id, int64_t *id)
{
	static const char sql[] =
		"INSERT INTO users(login, name, role, password, author_id, created_at) "
		"VALUES($1, $2, 'reporter', '', nullif($3, 0), $4) ON CONFLICT(login) DO NOTHING RETURNING id";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, login);
	db_bind_text(s, 2, name);
	db_bind_int(s, 3, author_id);
	db_bind_int(s, 4, kb_now());
	int rc = store_insert_id(st, s, "cannot add the imported author's user", id);
	return rc == STORE_NOTFOUND ? STORE_CONFLICT : rc;
}

int store_account_link(store *st, const char *source, const char *login, int64_t user_id)
{
	static const char sql[] = "UPDATE import_accounts SET user_id = $3 WHERE source = $1 AND login = $2";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, source);
	db_bind_text(s, 2, login);
	db_bind_int(s, 3, user_id);
	return db_run(st, s, "cannot link the imported account");
}

int store_media_pending_add(store *st, int64_t article_id, const char *path, const char *alt,
			    const char *caption, int64_t media_id)
{
	static const char sql[] =
		"INSERT INTO import_media(article_id, path, alt, caption, media_id) VALUES($1, $2, $3, $4, $5) "
		"ON CONFLICT(article_id) DO UPDATE SET path = excluded.path, alt = excluded.alt, "
		"caption = excluded.caption, media_id = excluded.media_id";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, article_id);
	db_bind_text(s, 2, path);
	db_bind_text(s, 3, alt);
	db_bind_text(s, 4, caption);
	db_bind_int(s, 5, media_id);
	return db_run(st, s, "cannot record the featured image");
}

int store_article_set_media(store *st, int64_t id, int64_t media_id, const char *caption)
{
	static const char sql[] =
		"UPDATE articles SET media_id = $2, "
		"image_caption = CASE WHEN image_caption = '' THEN $3 ELSE image_caption END "
		"WHERE id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, media_id);
	db_bind_text(s, 3, caption);
	return db_run(st, s, "cannot set the article's photo");
}

int store_article_sticky(store *st, kb_arena *a, kb_article *out)
{
	static const char sql[] = "SELECT " ARTICLE_COLS ARTICLE_FROM "WHERE a.sticky = 1 AND " PUBLISHED
				  "ORDER BY a.published_at DESC, a.id DESC LIMIT 1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, 0);
	int rc = db_step(s);
	if (rc == DB_ROW)
		store_row_article(a, s, out);
	db_reset(s);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOTFOUND : db_fail(st, "cannot read articles");
}

int store_article_slug(store *st, kb_arena *a, int64_t id, const char **slug)
{
	static const char sql[] = "SELECT slug FROM articles WHERE id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	int rc = db_step(s);
	if (rc == DB_ROW)
		*slug = db_col_text(a, s, 0);
	db_reset(s);
	return rc == DB_ROW ? STORE_OK : rc == DB_DONE ? STORE_NOTFOUND : db_fail(st, "cannot read article");
}
