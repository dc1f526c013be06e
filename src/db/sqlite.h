/*
 * sqlite.h: what the SQLite backend's files share (store_sqlite.c owns the
 * connection; search_sqlite.c adds the full-text index). Not for use outside
 * src/db/: pages see only store.h.
 */
#ifndef KB_SQLITE_H
#define KB_SQLITE_H

#include <sqlite3.h>

#include "store.h"

/* The columns read_article expects, and the joins they need. A photo
 * counts only once its derivatives are ready. */
#define ARTICLE_COLS                                                                  \
	"a.id, a.title, a.slug, a.summary, CASE WHEN :body THEN a.body ELSE '' END, " \
	"a.status, a.published_at, a.updated_at, "                                    \
	"coalesce(c.id, 0), coalesce(c.name, ''), coalesce(c.slug, ''), "             \
	"coalesce(au.id, 0), coalesce(au.name, ''), coalesce(au.slug, ''), "          \
	"a.image_url, a.image_caption, a.image_credit, a.dateline, a.breaking, "      \
	"a.version, a.publish_at, a.created_at, coalesce(a.owner_id, 0), "            \
	"a.seo_title, a.seo_description, "                                            \
	"coalesce(m.id, 0), coalesce(m.stem, ''), coalesce(m.width, 0), "             \
	"coalesce(m.height, 0), coalesce(m.widths, '') "
/* How many columns ARTICLE_COLS has: a query's own columns follow. */
#define ARTICLE_NCOLS 30
#define ARTICLE_JOINS                                     \
	"LEFT JOIN categories c ON c.id = a.category_id " \
	"LEFT JOIN authors au ON au.id = a.author_id "    \
	"LEFT JOIN media m ON m.id = a.media_id AND m.status = 'ready' "
#define ARTICLE_FROM "FROM articles a " ARTICLE_JOINS
#define PUBLISHED "a.status = 'published' "

/* The connection of a store. */
sqlite3 *sq_db(store *st);
/* sql prepared once per connection (keyed by the string's address, so pass
 * a static string), reset and with bindings cleared. */
sqlite3_stmt *sq_stmt(store *st, const char *sql);
/* Binds v as text, copied; NULL binds "". */
void sq_bind_text(sqlite3_stmt *s, int i, const char *v);
/* Steps a statement that returns no rows and resets it: STORE_OK, or
 * STORE_ERROR with "what: sqlite's message" as the store's error. */
int sq_run(store *st, sqlite3_stmt *s, const char *what);
/* sq_run for a write aimed at one row: STORE_NOTFOUND when it changed none. */
int sq_run_one(store *st, sqlite3_stmt *s, const char *what);
/* Records "what: sqlite's message" as the store's error; returns STORE_ERROR. */
int sq_fail(store *st, const char *what);
void sq_bind_named_int(sqlite3_stmt *s, const char *name, int64_t v);
const char *sq_col_text(kb_arena *a, sqlite3_stmt *s, int i);
/* Reads the ARTICLE_COLS of the current row into r. */
void sq_read_article(kb_arena *a, sqlite3_stmt *s, kb_article *r);

/* What newsroom_sqlite.c shares with store_sqlite.c: a slug not yet
 * taken by an article other than self (kind 'a'), tag ('t') or author
 * ('u'), written into buf; and the id of the tag or author called name,
 * created when new. */
int sq_unique_slug(store *st, const char *base, char kind, int64_t self, kb_buf *buf);
int sq_ensure_named(store *st, char kind, const char *name, int64_t *id);
int sq_exec(store *st, const char *sql);
/* Steps s for one row: STORE_OK with the row (the caller resets s),
 * STORE_NOTFOUND (s reset), or STORE_ERROR with "what: ...". */
int sq_one(store *st, sqlite3_stmt *s, const char *what);
/* Grows an arena array of size-byte elements from *cap to twice that,
 * copying its len elements; returns the new array. */
void *sq_grow(kb_arena *a, void *v, size_t len, size_t *cap, size_t size);
/* Runs a prepared list statement: articles (with tags if asked). */
int sq_article_rows(store *st, kb_arena *a, sqlite3_stmt *s, int with_tags, kb_article **out, size_t *n);
int sq_load_tags(store *st, kb_arena *a, kb_article *r);

/* Registers the "khabar" FTS5 tokenizer on db (search_sqlite.c). Every
 * connection that writes articles needs it: triggers keep the index. */
int search_sqlite_register(sqlite3 *db);

#endif
