/* migrations.h: the numbered schema steps (see migrations.c). */
#ifndef KB_MIGRATIONS_H
#define KB_MIGRATIONS_H
extern const char *const kb_migrations[];

/* The full-text table, made by migration 2 and again by a rebuild. */
#define SEARCH_TABLE_SQL                                                                 \
	"CREATE VIRTUAL TABLE search USING fts5(title, summary, body, tags, category, author," \
	"  tokenize = 'khabar')"
extern const int kb_migrations_count;
#endif
