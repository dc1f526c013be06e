/*
 * store_int.h: what the store's files share beyond driver.h: the columns
 * every article query reads, the row readers, slugs, names and the
 * settings loader, on driver.h alone (no SQLite calls). Not for use
 * outside src/db/: pages see only store.h.
 */
#ifndef KB_STORE_INT_H
#define KB_STORE_INT_H

#include "driver.h"
#include "store.h"

/* The columns store_row_article expects, and the joins they need. $1 is
 * always "with the body" (0 or 1): an article query's own parameters
 * start at $2. A photo counts only once its derivatives are ready. */
#define ARTICLE_COLS                                                                    \
	"a.id, a.title, a.slug, a.summary, CASE WHEN $1 <> 0 THEN a.body ELSE '' END, " \
	"a.status, a.published_at, a.updated_at, "                                      \
	"coalesce(c.id, 0), coalesce(c.name, ''), coalesce(c.slug, ''), "               \
	"coalesce(au.id, 0), coalesce(au.name, ''), coalesce(au.slug, ''), "            \
	"a.image_url, a.image_caption, a.image_credit, a.dateline, a.breaking, "        \
	"a.version, a.publish_at, a.created_at, coalesce(a.owner_id, 0), "              \
	"a.seo_title, a.seo_description, "                                              \
	"coalesce(m.id, 0), coalesce(m.stem, ''), coalesce(m.width, 0), "               \
	"coalesce(m.height, 0), coalesce(m.widths, ''), a.modified_at "
/* How many columns ARTICLE_COLS has: a query's own columns follow. */
#define ARTICLE_NCOLS 31
#define ARTICLE_JOINS                                     \
	"LEFT JOIN categories c ON c.id = a.category_id " \
	"LEFT JOIN authors au ON au.id = a.author_id "    \
	"LEFT JOIN media m ON m.id = a.media_id AND m.status = 'ready' "
#define ARTICLE_FROM "FROM articles a " ARTICLE_JOINS
#define PUBLISHED "a.status = 'published' "

/* Reads the ARTICLE_COLS of the current row into r. */
void store_row_article(kb_arena *a, db_stmt *s, kb_article *r);
/* Runs a prepared list statement: articles (with tags if asked). */
int store_article_rows(store *st, kb_arena *a, db_stmt *s, int with_tags, kb_article **out, size_t *n);
int store_load_tags(store *st, kb_arena *a, kb_article *r);

/* A slug not yet taken by an article other than self (kind 'a'), tag
 * ('t') or author ('u'), written into buf; and the id of the tag or
 * author called name, created when new. */
int store_unique_slug(store *st, const char *base, char kind, int64_t self, kb_buf *buf);
int store_ensure_named(store *st, char kind, const char *name, int64_t *id);

/* Runs s, an INSERT ... RETURNING id: STORE_OK with the new row's id in
 * *id, STORE_NOTFOUND when it added none (ON CONFLICT DO NOTHING), or
 * STORE_ERROR with "what: message". */
int store_insert_id(store *st, db_stmt *s, const char *what, int64_t *id);

/* store_site's menus (menus_sqlite.c): the statement, sent with the
 * settings and categories, and the reader of its rows. */
extern const char menus_site_sql[];
int menus_site_read(store *st, kb_arena *a, db_stmt *s, kb_site *out);

/* store_site's published pages (pages_sqlite.c), as menus'. */
extern const char pages_site_sql[];
int pages_site_read(store *st, kb_arena *a, db_stmt *s, kb_site *out);

/* store_article_page's notes and author (notes_sqlite.c, authors_sqlite.c):
 * the statements, each with the story's slug as $1, and their readers.
 * authors_page_read reads the profile and then its areas; *out NULL when
 * the story has no author. */
struct kb_note;
struct kb_author_profile;
extern const char notes_page_sql[], authors_page_sql[], authors_page_areas_sql[];
int notes_page_read(store *st, kb_arena *a, db_stmt *s, struct kb_note **out, size_t *n);
int authors_page_read(store *st, kb_arena *a, db_stmt *profile, db_stmt *areas,
		      struct kb_author_profile **out);
/* Its most-read lists (reads_sqlite.c): the statement, with ARTICLE_COLS's
 * $1 and the story's slug as $2, and its reader. */
struct kb_mostread;
extern const char reads_page_sql[];
int reads_page_read(store *st, kb_arena *a, db_stmt *s, struct kb_mostread **out);

/* One setting a settings struct holds: its key, the value it has when
 * the table has none, and the offset of its const char * field. */
typedef struct store_setting_key {
	const char *key, *fallback;
	size_t off;
} store_setting_key;
/* Fills the n fields keys name in out (a struct of const char *) from
 * the settings table, copies in a; what says what failed. */
int store_settings_load(store *st, kb_arena *a, const store_setting_key *keys, size_t n, void *out,
			const char *what);

#endif
