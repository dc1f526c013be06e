/*
 * sqlite.h: what the SQLite backend's files share (store_sqlite.c owns the
 * connection; search_sqlite.c adds the full-text index). Not for use outside
 * src/db/: pages see only store.h.
 */
#ifndef KB_SQLITE_H
#define KB_SQLITE_H

#include <sqlite3.h>

#include "store.h"

/* The columns read_article expects, and the joins they need. */
#define ARTICLE_COLS                                                              \
	"a.id, a.title, a.slug, a.summary, CASE WHEN :body THEN a.body ELSE '' END, " \
	"a.status, a.published_at, a.updated_at, "                                    \
	"coalesce(c.id, 0), coalesce(c.name, ''), coalesce(c.slug, ''), "             \
	"coalesce(au.id, 0), coalesce(au.name, ''), coalesce(au.slug, ''), "          \
	"a.image_url, a.image_caption, a.image_credit, a.dateline, a.breaking "
#define ARTICLE_FROM                                                  \
	"FROM articles a LEFT JOIN categories c ON c.id = a.category_id " \
	"LEFT JOIN authors au ON au.id = a.author_id "
#define PUBLISHED "a.status = 'published' "


/* The connection of a store. */
sqlite3 *sq_db(store *st);
/* sql prepared once per connection (keyed by the string's address, so pass
 * a static string), reset and with bindings cleared. */
sqlite3_stmt *sq_stmt(store *st, const char *sql);
/* Records "what: sqlite's message" as the store's error; returns STORE_ERROR. */
int sq_fail(store *st, const char *what);
void sq_bind_named_int(sqlite3_stmt *s, const char *name, int64_t v);
const char *sq_col_text(kb_arena *a, sqlite3_stmt *s, int i);
/* Reads the ARTICLE_COLS of the current row into r. */
void sq_read_article(kb_arena *a, sqlite3_stmt *s, kb_article *r);

/* Finds or creates the tag ('t') or author ('u') called name, with a slug
 * made from it; *id gets its row id. */
int sq_ensure_named(store *st, char kind, const char *name, int64_t *id);

/* Registers the "khabar" FTS5 tokenizer on db (search_sqlite.c). Every
 * connection that writes articles needs it: triggers keep the index. */
int search_sqlite_register(sqlite3 *db);

#endif
