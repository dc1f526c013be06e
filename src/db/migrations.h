/* migrations.h: the numbered schema steps (see migrations.c). */
#ifndef KB_MIGRATIONS_H
#define KB_MIGRATIONS_H

#include "../core/core.h"
extern const char *const kb_migrations[];

/* The full-text table, as migration 9 made it and a rebuild makes it
 * again: an index only, whose text FTS5 reads from the view search_source
 * (published articles with their tags, category and author) for snippets
 * and deletes, so no story is stored twice. Migration 2 made it with a
 * copy of its own. */
#define SEARCH_TABLE_SQL                                                                       \
	"CREATE VIRTUAL TABLE search USING fts5(title, summary, body, tags, category, author," \
	"  tokenize = 'khabar', content = 'search_source', content_rowid = 'id')"
extern const int kb_migrations_count;

/* PostgreSQL (pg_schema.c): a new database is made, in one transaction, at
 * version KB_PG_BASELINE, the schema SQLite's first KB_PG_BASELINE steps
 * give; each later step is written for both backends. */
#define KB_PG_BASELINE 13
extern const char kb_pg_schema[];
/* The newest PostgreSQL schema version this khabar knows. */
int pg_schema_latest(void);
/* Brings c's database to pg_schema_latest() in one transaction (a new
 * database gets the whole schema). 0, or -1 with the reason in err. */
struct pg_conn;
int pg_schema_migrate(struct pg_conn *c, kb_buf *err);
#endif
