/*
 * store_sqlite.c: the SQLite backend of the store API (store.h).
 *
 * Every statement khabar runs is in the table below, prepared once per
 * connection and bound with parameters: nothing here formats SQL from data
 * (scripts/checks greps for that). Connections use WAL, foreign keys and a
 * busy timeout, so readers never block the writer and a second process (the
 * CLI adding an article while the server runs) waits instead of failing.
 */
#include "store.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../text/text.h"
#include "migrations.h"
#include "sqlite.h"

enum stmt_id {
	S_CONTENT_VERSION,
	S_SETTINGS,
	S_SETTING_SET,
	S_CATEGORIES,
	S_CATEGORY_BY_SLUG,
	S_CATEGORY_ADD,
	S_TAG_BY_SLUG,
	S_TAG_BY_NAME,
	S_TAG_ADD,
	S_AUTHOR_BY_SLUG,
	S_AUTHOR_BY_NAME,
	S_AUTHOR_ADD,
	S_SLUG_TAKEN,
	S_ARTICLE_BY_SLUG,
	S_ARTICLE_BY_ID,
	S_ARTICLE_TAGS,
	S_LIST_ALL,
	S_LIST_CATEGORY,
	S_LIST_TAG,
	S_LIST_AUTHOR,
	S_COUNT_ALL,
	S_COUNT_CATEGORY,
	S_COUNT_TAG,
	S_COUNT_AUTHOR,
	S_RELATED,
	S_ARTICLE_ADD,
	S_ARTICLE_TAG_ADD,
	S_REDIRECT_FIND,
	S_REDIRECT_ADD,
	S_SEEK,
	S_ARTICLE_URLS,
	S_AUTHORS,
	S_COUNT
};

static const char *const stmt_sql[S_COUNT] = {
	[S_CONTENT_VERSION] = "SELECT value FROM meta WHERE key = 'content_version'",
	[S_SETTINGS] = "SELECT key, value FROM settings",
	[S_SETTING_SET] = "INSERT INTO settings(key, value) VALUES(?1, ?2) "
			  "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	[S_CATEGORIES] = "SELECT id, name, slug, position FROM categories ORDER BY position, id",
	[S_CATEGORY_BY_SLUG] = "SELECT id, name, slug, position FROM categories WHERE slug = ?1",
	[S_CATEGORY_ADD] = "INSERT INTO categories(name, slug, position) VALUES(?1, ?2, ?3)",
	[S_TAG_BY_SLUG] = "SELECT id, name, slug FROM tags WHERE slug = ?1",
	[S_TAG_BY_NAME] = "SELECT id FROM tags WHERE name = ?1",
	[S_TAG_ADD] = "INSERT INTO tags(name, slug) VALUES(?1, ?2)",
	[S_AUTHOR_BY_SLUG] = "SELECT id, name, slug, bio FROM authors WHERE slug = ?1",
	[S_AUTHOR_BY_NAME] = "SELECT id FROM authors WHERE name = ?1",
	[S_AUTHOR_ADD] = "INSERT INTO authors(name, slug) VALUES(?1, ?2)",
	[S_SLUG_TAKEN] = "SELECT (SELECT count(*) FROM articles WHERE slug = ?1 AND id != ?3) + "
			 "(SELECT count(*) FROM tags WHERE slug = ?1 AND ?2 = 't') + "
			 "(SELECT count(*) FROM authors WHERE slug = ?1 AND ?2 = 'u')",
	[S_ARTICLE_BY_SLUG] = "SELECT " ARTICLE_COLS ARTICLE_FROM "WHERE a.slug = :slug AND " PUBLISHED,
	[S_ARTICLE_BY_ID] = "SELECT " ARTICLE_COLS ARTICLE_FROM "WHERE a.id = :id",
	[S_ARTICLE_TAGS] = "SELECT t.id, t.name, t.slug FROM article_tags at "
			   "JOIN tags t ON t.id = at.tag_id WHERE at.article_id = ?1 ORDER BY t.name",
	[S_LIST_ALL] = "SELECT " ARTICLE_COLS ARTICLE_FROM "WHERE " PUBLISHED
		       "AND a.id != :exclude ORDER BY a.published_at DESC, a.id DESC "
		       "LIMIT :limit OFFSET :offset",
	[S_LIST_CATEGORY] = "SELECT " ARTICLE_COLS ARTICLE_FROM "WHERE a.category_id = :key AND " PUBLISHED
			    "AND a.id != :exclude ORDER BY a.published_at DESC, a.id DESC "
			    "LIMIT :limit OFFSET :offset",
	[S_LIST_TAG] = "SELECT " ARTICLE_COLS ARTICLE_FROM
		       "JOIN article_tags at ON at.article_id = a.id AND at.tag_id = :key WHERE " PUBLISHED
		       "AND a.id != :exclude ORDER BY a.published_at DESC, a.id DESC "
		       "LIMIT :limit OFFSET :offset",
	[S_LIST_AUTHOR] = "SELECT " ARTICLE_COLS ARTICLE_FROM "WHERE a.author_id = :key AND " PUBLISHED
			  "AND a.id != :exclude ORDER BY a.published_at DESC, a.id DESC "
			  "LIMIT :limit OFFSET :offset",
	[S_COUNT_ALL] = "SELECT count(*) FROM articles a WHERE " PUBLISHED "AND a.id != :exclude",
	[S_COUNT_CATEGORY] = "SELECT count(*) FROM articles a WHERE a.category_id = :key AND " PUBLISHED
			     "AND a.id != :exclude",
	[S_COUNT_TAG] = "SELECT count(*) FROM articles a JOIN article_tags at ON at.article_id = a.id "
			"AND at.tag_id = :key WHERE " PUBLISHED "AND a.id != :exclude",
	[S_COUNT_AUTHOR] = "SELECT count(*) FROM articles a WHERE a.author_id = :key AND " PUBLISHED
			   "AND a.id != :exclude",
	[S_RELATED] = "SELECT " ARTICLE_COLS ARTICLE_FROM "WHERE " PUBLISHED "AND a.id != :id AND "
		      "(a.category_id = :category OR a.id IN (SELECT x.article_id FROM article_tags x "
		      "JOIN article_tags y ON y.tag_id = x.tag_id AND y.article_id = :id)) "
		      "ORDER BY a.published_at DESC, a.id DESC LIMIT :limit",
	[S_ARTICLE_ADD] = "INSERT INTO articles(title, slug, summary, body, status, published_at, "
			  "created_at, updated_at, category_id, author_id, image_url, image_caption, "
			  "image_credit, dateline, breaking, publish_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, "
			  "CASE WHEN ?6 > 0 THEN ?6 ELSE ?7 END, "
			  "(SELECT id FROM categories WHERE slug = ?8), ?9, ?10, ?11, ?12, ?13, ?14, "
			  /* a scheduled story goes live at its date (the scheduler) */
			  "CASE WHEN ?5 = 'scheduled' THEN ?6 ELSE 0 END)",
	[S_ARTICLE_TAG_ADD] = "INSERT OR IGNORE INTO article_tags(article_id, tag_id) VALUES(?1, ?2)",
	[S_REDIRECT_FIND] = "SELECT target, code FROM redirects WHERE path = ?1",
	[S_REDIRECT_ADD] = "INSERT INTO redirects(path, target, code) VALUES(?1, ?2, ?3) "
			   "ON CONFLICT(path) DO UPDATE SET target = excluded.target, code = excluded.code",
	/* Feeds, sitemaps and the public API (store_article_seek and friends). */
	[S_SEEK] =
		"SELECT " ARTICLE_COLS ARTICLE_FROM "WHERE " PUBLISHED
		"AND (:category = 0 OR a.category_id = :category) "
		"AND (:tag = 0 OR a.id IN (SELECT x.article_id FROM article_tags x WHERE x.tag_id = :tag)) "
		"AND a.published_at >= :since "
		"AND (:before_at = 0 OR a.published_at < :before_at "
		"OR (a.published_at = :before_at AND a.id < :before_id)) "
		"ORDER BY a.published_at DESC, a.id DESC LIMIT :limit",
	[S_ARTICLE_URLS] = "SELECT a.slug, a.published_at, a.updated_at FROM articles a WHERE " PUBLISHED
			   "ORDER BY a.id LIMIT :limit OFFSET :offset",
	[S_AUTHORS] = "SELECT u.id, u.name, u.slug, u.bio FROM authors u WHERE EXISTS(SELECT 1 "
		      "FROM articles a WHERE a.author_id = u.id AND " PUBLISHED ") ORDER BY u.id",
};

#define EXTRA_SLOTS 512 /* a power of two */

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmt[S_COUNT];
	/* Statements of the other backend files (search_sqlite.c and the
	 * rest), prepared once each through sq_stmt() and kept in a hash table
	 * by their SQL's address (a static string's). Twice the number of
	 * sq_stmt call sites, so probes stay short. */
	const char *extra_sql[EXTRA_SLOTS];
	sqlite3_stmt *extra[EXTRA_SLOTS];
	char errmsg[512];
};

static int fail(store *st, const char *what)
{
	snprintf(st->errmsg, sizeof st->errmsg, "%s: %s", what, sqlite3_errmsg(st->db));
	return STORE_ERROR;
}

/* Returns the prepared statement id, reset and with bindings cleared. */
static sqlite3_stmt *stmt(store *st, enum stmt_id id)
{
	sqlite3_stmt *s = st->stmt[id];
	if (!s) {
		if (sqlite3_prepare_v3(st->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) !=
		    SQLITE_OK)
			/* The SQL is ours and fixed: failing to prepare it is a bug. */
			kb_fatal("bad SQL (statement %d): %s", (int)id, sqlite3_errmsg(st->db));
		st->stmt[id] = s;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	sqlite3_bind_text(s, i, v ? v : "", -1, SQLITE_TRANSIENT);
}

static void bind_named_int(sqlite3_stmt *s, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(s, name);
	if (i > 0)
		sqlite3_bind_int64(s, i, v);
}

static const char *col_text(kb_arena *a, sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return kb_arena_strndup(a, t ? (const char *)t : "", (size_t)sqlite3_column_bytes(s, i));
}

static int exec(store *st, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(st->errmsg, sizeof st->errmsg, "%s", msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return STORE_ERROR;
	}
	return STORE_OK;
}

int store_schema_latest(void)
{
	return kb_migrations_count;
}

int store_schema_version(store *st)
{
	sqlite3_stmt *s;
	int v = -1;
	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int(s, 0);
		sqlite3_finalize(s);
	}
	return v;
}

/* Applies each missing migration in its own transaction. user_version is
 * set inside the same transaction, so a failed step leaves no trace. */
static int migrate(store *st)
{
	int v = store_schema_version(st);
	if (v < 0)
		return fail(st, "cannot read the schema version");
	if (v > kb_migrations_count) {
		snprintf(st->errmsg, sizeof st->errmsg,
			 "the database has schema version %d, newer than this khabar knows (%d): "
			 "upgrade khabar",
			 v, kb_migrations_count);
		return STORE_ERROR;
	}
	for (; v < kb_migrations_count; v++) {
		char pragma[64];
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
		if (exec(st, "BEGIN IMMEDIATE") || exec(st, kb_migrations[v]) || exec(st, pragma) ||
		    exec(st, "COMMIT")) {
			char msg[600];
			snprintf(msg, sizeof msg, "migration %d failed: %.500s", v + 1, st->errmsg);
			exec(st, "ROLLBACK");
			snprintf(st->errmsg, sizeof st->errmsg, "%.500s", msg);
			return STORE_ERROR;
		}
	}
	return STORE_OK;
}

static char *open_error(const char *path, sqlite3 *db, const char *what)
{
	kb_buf b = {0};
	int sys = db ? sqlite3_system_errno(db) : 0;
	kb_buf_printf(&b, "cannot %s %s: %s", what, path, db ? sqlite3_errmsg(db) : "out of memory");
	if (sys)
		kb_buf_printf(&b, " (%s)", strerror(sys));
	return kb_buf_take(&b, NULL);
}

store *store_open(const char *path, int readonly, char **err)
{
	sqlite3 *db = NULL;
	int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	flags |= SQLITE_OPEN_NOMUTEX; /* one connection per thread */
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK || search_sqlite_register(db)) {
		*err = open_error(path, db, "open");
		sqlite3_close(db);
		return NULL;
	}
	store *st = kb_calloc(1, sizeof *st);
	st->db = db;
	sqlite3_busy_timeout(db, 5000);
	sqlite3_extended_result_codes(db, 1);
	if (!readonly && sqlite3_db_readonly(db, "main") == 1) {
		kb_buf b = {0};
		kb_buf_printf(&b, "cannot write %s: the file is read-only", path);
		*err = kb_buf_take(&b, NULL);
		store_close(st);
		return NULL;
	}
	if (exec(st, "PRAGMA foreign_keys = ON") || (!readonly && exec(st, "PRAGMA journal_mode = WAL")) ||
	    exec(st, "PRAGMA synchronous = NORMAL") ||
	    /* 8 MB of page cache per connection holds the hot part of the
	     * search index. (A memory map measured no faster here and would
	     * count the mapped file in the server's resident size.) */
	    exec(st, "PRAGMA cache_size = -8000")) {
		*err = open_error(path, db, readonly ? "read" : "write");
		store_close(st);
		return NULL;
	}
	/* Probe for write access now, so "serve" fails at start with a clear
	 * message rather than at the first write. */
	if (!readonly && (exec(st, "BEGIN IMMEDIATE") || exec(st, "ROLLBACK"))) {
		*err = open_error(path, db, "write");
		store_close(st);
		return NULL;
	}
	if (!readonly && migrate(st)) {
		kb_buf b = {0};
		kb_buf_printf(&b, "cannot set up %s: %s", path, st->errmsg);
		*err = kb_buf_take(&b, NULL);
		store_close(st);
		return NULL;
	}
	return st;
}

void store_close(store *st)
{
	if (!st)
		return;
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	for (size_t i = 0; i < KB_COUNT(st->extra); i++)
		sqlite3_finalize(st->extra[i]);
	sqlite3_close(st->db);
	free(st);
}

const char *store_errmsg(store *st)
{
	return st->errmsg;
}

int store_begin(store *st)
{
	return exec(st, "BEGIN IMMEDIATE");
}

int store_commit(store *st)
{
	return exec(st, "COMMIT");
}

void store_rollback(store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		exec(st, "ROLLBACK");
}

int64_t store_content_version(store *st)
{
	sqlite3_stmt *s = stmt(st, S_CONTENT_VERSION);
	int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
	sqlite3_reset(s);
	return v;
}

int store_settings(store *st, kb_arena *a, kb_settings *out)
{
	static const struct {
		const char *key, *fallback;
		size_t off;
	} keys[] = {
#define K(k, f, field) {k, f, offsetof(kb_settings, field)}
		K("name", "खबर", name),
		K("tagline", "", tagline),
		K("base_url", "http://127.0.0.1:8080", base_url),
		K("language", "hi", language),
		K("timezone", "Asia/Kolkata", timezone),
		K("email", "", email),
		K("logo", "", logo),
		K("facebook", "", facebook),
		K("instagram", "", instagram),
		K("x", "", x),
		K("arattai", "", arattai),
		K("whatsapp", "", whatsapp),
		K("google_news", "", google_news),
		K("search_recency", "0.5", search_recency),
		K("digits", "ascii", digits),
#undef K
	};
	for (size_t i = 0; i < KB_COUNT(keys); i++)
		*(const char **)((char *)out + keys[i].off) = keys[i].fallback;
	sqlite3_stmt *s = stmt(st, S_SETTINGS);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(s, 0);
		for (size_t i = 0; k && i < KB_COUNT(keys); i++)
			if (!strcmp(k, keys[i].key))
				*(const char **)((char *)out + keys[i].off) = col_text(a, s, 1);
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? STORE_OK : fail(st, "cannot read settings");
}

int store_setting_set(store *st, const char *key, const char *value)
{
	sqlite3_stmt *s = stmt(st, S_SETTING_SET);
	bind_text(s, 1, key);
	bind_text(s, 2, value);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? STORE_OK : fail(st, "cannot save setting");
}

static void read_category(kb_arena *a, sqlite3_stmt *s, kb_category *c)
{
	c->id = sqlite3_column_int64(s, 0);
	c->name = col_text(a, s, 1);
	c->slug = col_text(a, s, 2);
	c->position = sqlite3_column_int(s, 3);
}

int store_category_list(store *st, kb_arena *a, kb_category **out, size_t *n)
{
	sqlite3_stmt *s = stmt(st, S_CATEGORIES);
	size_t cap = 16, len = 0;
	kb_category *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (len == cap) {
			kb_category *w = kb_arena_alloc(a, 2 * cap * sizeof *w);
			memcpy(w, v, len * sizeof *v);
			v = w, cap *= 2;
		}
		read_category(a, s, &v[len++]);
	}
	sqlite3_reset(s);
	*out = v;
	*n = len;
	return rc == SQLITE_DONE ? STORE_OK : fail(st, "cannot list categories");
}

/* Steps a one-row lookup; returns OK, NOTFOUND or ERROR. */
static int step_one(store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? STORE_NOTFOUND : fail(st, what);
}

int store_category_by_slug(store *st, kb_arena *a, const char *slug, kb_category *out)
{
	sqlite3_stmt *s = stmt(st, S_CATEGORY_BY_SLUG);
	bind_text(s, 1, slug);
	int rc = step_one(st, s, "cannot read category");
	if (rc == STORE_OK) {
		read_category(a, s, out);
		sqlite3_reset(s);
	}
	return rc;
}

int store_category_add(store *st, const char *name, const char *slug, int position)
{
	sqlite3_stmt *s = stmt(st, S_CATEGORY_ADD);
	bind_text(s, 1, name);
	bind_text(s, 2, slug);
	sqlite3_bind_int(s, 3, position);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? STORE_OK : fail(st, "cannot add category");
}

int store_tag_by_slug(store *st, kb_arena *a, const char *slug, kb_tag *out)
{
	sqlite3_stmt *s = stmt(st, S_TAG_BY_SLUG);
	bind_text(s, 1, slug);
	int rc = step_one(st, s, "cannot read tag");
	if (rc == STORE_OK) {
		out->id = sqlite3_column_int64(s, 0);
		out->name = col_text(a, s, 1);
		out->slug = col_text(a, s, 2);
		sqlite3_reset(s);
	}
	return rc;
}

int store_author_by_slug(store *st, kb_arena *a, const char *slug, kb_author *out)
{
	sqlite3_stmt *s = stmt(st, S_AUTHOR_BY_SLUG);
	bind_text(s, 1, slug);
	int rc = step_one(st, s, "cannot read author");
	if (rc == STORE_OK) {
		out->id = sqlite3_column_int64(s, 0);
		out->name = col_text(a, s, 1);
		out->slug = col_text(a, s, 2);
		out->bio = col_text(a, s, 3);
		sqlite3_reset(s);
	}
	return rc;
}

static void read_article(kb_arena *a, sqlite3_stmt *s, kb_article *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(s, 0);
	r->title = col_text(a, s, 1);
	r->slug = col_text(a, s, 2);
	r->summary = col_text(a, s, 3);
	r->body = col_text(a, s, 4);
	r->status = col_text(a, s, 5);
	r->published_at = sqlite3_column_int64(s, 6);
	r->updated_at = sqlite3_column_int64(s, 7);
	r->category.id = sqlite3_column_int64(s, 8);
	r->category.name = col_text(a, s, 9);
	r->category.slug = col_text(a, s, 10);
	r->author.id = sqlite3_column_int64(s, 11);
	r->author.name = col_text(a, s, 12);
	r->author.slug = col_text(a, s, 13);
	r->author.bio = "";
	r->image_url = col_text(a, s, 14);
	r->image_caption = col_text(a, s, 15);
	r->image_credit = col_text(a, s, 16);
	r->dateline = col_text(a, s, 17);
	r->breaking = sqlite3_column_int(s, 18);
	r->version = sqlite3_column_int64(s, 19);
	r->publish_at = sqlite3_column_int64(s, 20);
	r->created_at = sqlite3_column_int64(s, 21);
	r->owner_id = sqlite3_column_int64(s, 22);
	r->seo_title = col_text(a, s, 23);
	r->seo_description = col_text(a, s, 24);
	r->media.id = sqlite3_column_int64(s, 25);
	r->media.stem = col_text(a, s, 26);
	r->media.width = sqlite3_column_int(s, 27);
	r->media.height = sqlite3_column_int(s, 28);
	r->media.widths = col_text(a, s, 29);
	r->media.caption = r->image_caption;
	r->media.credit = r->image_credit;
	/* Feeds, the API and social cards use image_url: a photo's social
	 * derivative stands in when there is no stored URL. */
	if (r->media.id && !*r->image_url)
		r->image_url = kb_arena_printf(a, "/media/%s-social.jpg", r->media.stem);
}

static int load_tags(store *st, kb_arena *a, kb_article *r)
{
	sqlite3_stmt *s = stmt(st, S_ARTICLE_TAGS);
	sqlite3_bind_int64(s, 1, r->id);
	size_t cap = 8, len = 0;
	kb_tag *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (len == cap) {
			kb_tag *w = kb_arena_alloc(a, 2 * cap * sizeof *w);
			memcpy(w, v, len * sizeof *v);
			v = w, cap *= 2;
		}
		v[len].id = sqlite3_column_int64(s, 0);
		v[len].name = col_text(a, s, 1);
		v[len].slug = col_text(a, s, 2);
		len++;
	}
	sqlite3_reset(s);
	r->tags = v;
	r->ntags = len;
	return rc == SQLITE_DONE ? STORE_OK : fail(st, "cannot read tags");
}

static int article_one(store *st, kb_arena *a, sqlite3_stmt *s, kb_article *out)
{
	bind_named_int(s, ":body", 1);
	int rc = step_one(st, s, "cannot read article");
	if (rc != STORE_OK)
		return rc;
	read_article(a, s, out);
	sqlite3_reset(s);
	return load_tags(st, a, out);
}

int store_article_by_slug(store *st, kb_arena *a, const char *slug, kb_article *out)
{
	sqlite3_stmt *s = stmt(st, S_ARTICLE_BY_SLUG);
	bind_text(s, sqlite3_bind_parameter_index(s, ":slug"), slug);
	return article_one(st, a, s, out);
}

int store_article_by_id(store *st, kb_arena *a, int64_t id, kb_article *out)
{
	sqlite3_stmt *s = stmt(st, S_ARTICLE_BY_ID);
	bind_named_int(s, ":id", id);
	return article_one(st, a, s, out);
}

/* Runs a list statement whose parameters are already bound. */
static int article_rows(store *st, kb_arena *a, sqlite3_stmt *s, int with_tags, kb_article **out, size_t *n)
{
	size_t cap = 16, len = 0;
	kb_article *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (len == cap) {
			kb_article *w = kb_arena_alloc(a, 2 * cap * sizeof *w);
			memcpy(w, v, len * sizeof *v);
			v = w, cap *= 2;
		}
		read_article(a, s, &v[len++]);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return fail(st, "cannot list articles");
	for (size_t i = 0; with_tags && i < len; i++)
		if (load_tags(st, a, &v[i]))
			return STORE_ERROR;
	*out = v;
	*n = len;
	return STORE_OK;
}

int store_article_list(store *st, kb_arena *a, const kb_article_query *q, kb_article **out, size_t *n,
		       size_t *total)
{
	enum stmt_id list = S_LIST_ALL, count = S_COUNT_ALL;
	int64_t key = 0;
	if (q->category_id)
		list = S_LIST_CATEGORY, count = S_COUNT_CATEGORY, key = q->category_id;
	else if (q->tag_id)
		list = S_LIST_TAG, count = S_COUNT_TAG, key = q->tag_id;
	else if (q->author_id)
		list = S_LIST_AUTHOR, count = S_COUNT_AUTHOR, key = q->author_id;

	sqlite3_stmt *s = stmt(st, list);
	bind_named_int(s, ":key", key);
	bind_named_int(s, ":exclude", q->exclude_id);
	bind_named_int(s, ":limit", (int64_t)q->limit);
	bind_named_int(s, ":offset", (int64_t)q->offset);
	bind_named_int(s, ":body", q->with_body);
	int rc = article_rows(st, a, s, q->with_tags, out, n);
	if (rc || !total)
		return rc;
	s = stmt(st, count);
	bind_named_int(s, ":key", key);
	bind_named_int(s, ":exclude", q->exclude_id);
	if (step_one(st, s, "cannot count articles") != STORE_OK)
		return STORE_ERROR;
	*total = (size_t)sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return STORE_OK;
}

int store_article_related(store *st, kb_arena *a, const kb_article *art, size_t limit, kb_article **out,
			  size_t *n)
{
	sqlite3_stmt *s = stmt(st, S_RELATED);
	bind_named_int(s, ":id", art->id);
	bind_named_int(s, ":category", art->category.id ? art->category.id : -1);
	bind_named_int(s, ":limit", (int64_t)limit);
	return article_rows(st, a, s, 0, out, n);
}

int store_article_count(store *st, int64_t *n)
{
	sqlite3_stmt *s = stmt(st, S_COUNT_ALL);
	bind_named_int(s, ":exclude", 0);
	if (step_one(st, s, "cannot count articles") != STORE_OK)
		return STORE_ERROR;
	*n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return STORE_OK;
}

/*
 * Writes into *slug_out (in buf) a slug not yet used by an article (kind 'a'),
 * tag ('t') or author ('u'), by appending -2, -3... to base.
 */
static int unique_slug(store *st, const char *base, char kind, kb_buf *buf)
{
	return sq_unique_slug(st, base, kind, 0, buf);
}

int sq_unique_slug(store *st, const char *base, char kind, int64_t self, kb_buf *buf)
{
	for (int i = 1;; i++) {
		kb_buf_reset(buf);
		kb_buf_puts(buf, base);
		if (i > 1)
			kb_buf_printf(buf, "-%d", i);
		sqlite3_stmt *s = stmt(st, S_SLUG_TAKEN);
		bind_text(s, 1, buf->data);
		char k[2] = {kind, 0};
		bind_text(s, 2, k);
		sqlite3_bind_int64(s, 3, self);
		if (step_one(st, s, "cannot check slug") != STORE_OK)
			return STORE_ERROR;
		int64_t taken = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
		if (!taken)
			return STORE_OK;
	}
}

/* Finds or creates the tag or author called name; *id gets its row id. */
int sq_ensure_named(store *st, char kind, const char *name, int64_t *id)
{
	sqlite3_stmt *s = stmt(st, kind == 't' ? S_TAG_BY_NAME : S_AUTHOR_BY_NAME);
	bind_text(s, 1, name);
	int rc = step_one(st, s, "cannot look up name");
	if (rc == STORE_OK) {
		*id = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
		return STORE_OK;
	}
	if (rc == STORE_ERROR)
		return rc;
	kb_buf base = {0}, slug = {0};
	text_slug(&base, name, strlen(name), 60);
	rc = unique_slug(st, base.data, kind, &slug);
	if (rc == STORE_OK) {
		s = stmt(st, kind == 't' ? S_TAG_ADD : S_AUTHOR_ADD);
		bind_text(s, 1, name);
		bind_text(s, 2, slug.data);
		rc = sqlite3_step(s) == SQLITE_DONE ? STORE_OK : fail(st, "cannot add name");
		sqlite3_reset(s);
		*id = sqlite3_last_insert_rowid(st->db);
	}
	kb_buf_free(&base);
	kb_buf_free(&slug);
	return rc;
}

int store_article_add(store *st, const kb_article_input *in, int64_t *id)
{
	kb_buf slug = {0};
	int64_t author = 0;
	int own_tx = sqlite3_get_autocommit(st->db);
	if (own_tx && store_begin(st))
		return STORE_ERROR;
	int rc = STORE_OK;
	if (in->category_slug && *in->category_slug) {
		kb_arena a = {0};
		kb_category c;
		rc = store_category_by_slug(st, &a, in->category_slug, &c);
		kb_arena_free(&a);
		if (rc == STORE_NOTFOUND) {
			snprintf(st->errmsg, sizeof st->errmsg, "no category with slug \"%s\"",
				 in->category_slug);
			rc = STORE_ERROR;
		}
	}
	if (!rc && in->author_name && *in->author_name)
		rc = sq_ensure_named(st, 'u', in->author_name, &author);
	if (!rc) {
		/* A given slug is made a slug too, as the newsroom does: what
		 * an article file says becomes a URL path and goes into hrefs,
		 * sitemaps and feeds, so it holds only a-z, 0-9 and '-'. */
		kb_buf base = {0};
		const char *from = in->slug && *in->slug ? in->slug : in->title;
		text_slug(&base, from, strlen(from), 80);
		rc = unique_slug(st, base.data, 'a', &slug);
		kb_buf_free(&base);
	}
	if (!rc) {
		const char *status = in->status && *in->status ? in->status : "draft";
		int64_t now = kb_now();
		int64_t pub = in->published_at;
		if (!pub && !strcmp(status, "published"))
			pub = now;
		sqlite3_stmt *s = stmt(st, S_ARTICLE_ADD);
		bind_text(s, 1, in->title);
		bind_text(s, 2, slug.data);
		bind_text(s, 3, in->summary);
		bind_text(s, 4, in->body);
		bind_text(s, 5, status);
		sqlite3_bind_int64(s, 6, pub);
		sqlite3_bind_int64(s, 7, now);
		bind_text(s, 8, in->category_slug);
		if (author)
			sqlite3_bind_int64(s, 9, author);
		bind_text(s, 10, in->image_url);
		bind_text(s, 11, in->image_caption);
		bind_text(s, 12, in->image_credit);
		bind_text(s, 13, in->dateline);
		sqlite3_bind_int(s, 14, in->breaking ? 1 : 0);
		rc = sqlite3_step(s) == SQLITE_DONE ? STORE_OK : fail(st, "cannot add article");
		sqlite3_reset(s);
		*id = sqlite3_last_insert_rowid(st->db);
	}
	for (size_t i = 0; !rc && i < in->ntags; i++) {
		int64_t tag;
		if (!in->tags[i][0])
			continue;
		rc = sq_ensure_named(st, 't', in->tags[i], &tag);
		if (!rc) {
			sqlite3_stmt *s = stmt(st, S_ARTICLE_TAG_ADD);
			sqlite3_bind_int64(s, 1, *id);
			sqlite3_bind_int64(s, 2, tag);
			rc = sqlite3_step(s) == SQLITE_DONE ? STORE_OK : fail(st, "cannot tag article");
			sqlite3_reset(s);
		}
	}
	kb_buf_free(&slug);
	if (own_tx) {
		if (rc)
			store_rollback(st);
		else if (store_commit(st))
			rc = STORE_ERROR;
	}
	return rc;
}

int store_article_set_status(store *st, int64_t id, const char *status)
{
	static const char sql[] =
		"UPDATE articles SET status = ?2, updated_at = ?3, published_at = CASE "
		"WHEN ?2 = 'published' AND published_at = 0 THEN ?3 ELSE published_at END WHERE id = ?1";
	sqlite3_stmt *s = sq_stmt(st, sql);
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, status);
	sqlite3_bind_int64(s, 3, kb_now());
	return sq_run_one(st, s, "cannot change the article's status");
}

int store_article_delete(store *st, int64_t id)
{
	static const char sql[] = "DELETE FROM articles WHERE id = ?1";
	sqlite3_stmt *s = sq_stmt(st, sql);
	sqlite3_bind_int64(s, 1, id);
	return sq_run_one(st, s, "cannot delete the article");
}

int store_redirect_find(store *st, kb_arena *a, const char *path, const char **target, int *code)
{
	sqlite3_stmt *s = stmt(st, S_REDIRECT_FIND);
	bind_text(s, 1, path);
	int rc = step_one(st, s, "cannot read redirects");
	if (rc == STORE_OK) {
		*target = col_text(a, s, 0);
		*code = sqlite3_column_int(s, 1);
		sqlite3_reset(s);
	}
	return rc;
}

int store_redirect_add(store *st, const char *path, const char *target, int code)
{
	sqlite3_stmt *s = stmt(st, S_REDIRECT_ADD);
	bind_text(s, 1, path);
	bind_text(s, 2, target);
	sqlite3_bind_int(s, 3, code);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? STORE_OK : fail(st, "cannot add redirect");
}

/* ---- for the other backend files (sqlite.h) ---- */

void sq_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	bind_text(s, i, v);
}

int sq_run(store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? STORE_OK : fail(st, what);
}

int sq_run_one(store *st, sqlite3_stmt *s, const char *what)
{
	if (sq_run(st, s, what))
		return STORE_ERROR;
	return sqlite3_changes(st->db) ? STORE_OK : STORE_NOTFOUND;
}

int sq_exec(store *st, const char *sql)
{
	return exec(st, sql);
}

int sq_article_rows(store *st, kb_arena *a, sqlite3_stmt *s, int with_tags, kb_article **out, size_t *n)
{
	return article_rows(st, a, s, with_tags, out, n);
}

int sq_load_tags(store *st, kb_arena *a, kb_article *r)
{
	return load_tags(st, a, r);
}

sqlite3 *sq_db(store *st)
{
	return st->db;
}

sqlite3_stmt *sq_stmt(store *st, const char *sql)
{
	uint64_t h = (uint64_t)(uintptr_t)sql * 0x9E3779B97F4A7C15u;
	size_t i = (size_t)(h >> 40) & (EXTRA_SLOTS - 1), probes = 0;
	while (st->extra_sql[i] && st->extra_sql[i] != sql) {
		i = (i + 1) & (EXTRA_SLOTS - 1);
		if (++probes == EXTRA_SLOTS / 2)
			kb_fatal("too many extra statements: raise EXTRA_SLOTS in store_sqlite.c");
	}
	if (!st->extra_sql[i]) {
		if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st->extra[i], NULL) !=
		    SQLITE_OK)
			kb_fatal("bad SQL: %s: %s", sqlite3_errmsg(st->db), sql);
		st->extra_sql[i] = sql;
	}
	sqlite3_reset(st->extra[i]);
	sqlite3_clear_bindings(st->extra[i]);
	return st->extra[i];
}

int sq_fail(store *st, const char *what)
{
	return fail(st, what);
}

void sq_bind_named_int(sqlite3_stmt *s, const char *name, int64_t v)
{
	bind_named_int(s, name, v);
}

const char *sq_col_text(kb_arena *a, sqlite3_stmt *s, int i)
{
	return col_text(a, s, i);
}

void sq_read_article(kb_arena *a, sqlite3_stmt *s, kb_article *r)
{
	read_article(a, s, r);
}

/* ---- feeds, sitemaps and the public API ---- */

int store_article_seek(store *st, kb_arena *a, const kb_article_seek *q, kb_article **out, size_t *n)
{
	sqlite3_stmt *s = stmt(st, S_SEEK);
	bind_named_int(s, ":category", q->category_id);
	bind_named_int(s, ":tag", q->tag_id);
	bind_named_int(s, ":since", q->since);
	bind_named_int(s, ":before_at", q->before_at);
	bind_named_int(s, ":before_id", q->before_id);
	bind_named_int(s, ":limit", (int64_t)q->limit);
	bind_named_int(s, ":body", q->with_body);
	return article_rows(st, a, s, q->with_tags, out, n);
}

int store_article_urls(store *st, kb_arena *a, size_t offset, size_t limit, kb_article_url **out, size_t *n)
{
	sqlite3_stmt *s = stmt(st, S_ARTICLE_URLS);
	bind_named_int(s, ":limit", (int64_t)limit);
	bind_named_int(s, ":offset", (int64_t)offset);
	size_t cap = 256, len = 0;
	kb_article_url *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (len == cap) {
			kb_article_url *w = kb_arena_alloc(a, 2 * cap * sizeof *w);
			memcpy(w, v, len * sizeof *v);
			v = w, cap *= 2;
		}
		v[len].slug = col_text(a, s, 0);
		v[len].published_at = sqlite3_column_int64(s, 1);
		v[len].updated_at = sqlite3_column_int64(s, 2);
		len++;
	}
	sqlite3_reset(s);
	*out = v;
	*n = len;
	return rc == SQLITE_DONE ? STORE_OK : fail(st, "cannot list article URLs");
}

int store_author_list(store *st, kb_arena *a, kb_author **out, size_t *n)
{
	sqlite3_stmt *s = stmt(st, S_AUTHORS);
	size_t cap = 16, len = 0;
	kb_author *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (len == cap) {
			kb_author *w = kb_arena_alloc(a, 2 * cap * sizeof *w);
			memcpy(w, v, len * sizeof *v);
			v = w, cap *= 2;
		}
		v[len].id = sqlite3_column_int64(s, 0);
		v[len].name = col_text(a, s, 1);
		v[len].slug = col_text(a, s, 2);
		v[len].bio = col_text(a, s, 3);
		len++;
	}
	sqlite3_reset(s);
	*out = v;
	*n = len;
	return rc == SQLITE_DONE ? STORE_OK : fail(st, "cannot list authors");
}
