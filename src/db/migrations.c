/*
 * migrations.c: the schema, as numbered steps. Step N brings a database from
 * version N-1 to N; the version lives in SQLite's user_version. Steps are
 * only ever appended: a released step never changes.
 */
#include "migrations.h"

const char *const kb_migrations[] = {
	/* 1: the foundation: settings, categories, authors, tags, articles. */
	"CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	"INSERT INTO meta VALUES('content_version', 1);"
	"CREATE TABLE categories("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  slug TEXT NOT NULL UNIQUE,"
	"  position INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE authors("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  slug TEXT NOT NULL UNIQUE,"
	"  bio TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE tags("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  slug TEXT NOT NULL UNIQUE);"
	"CREATE TABLE articles("
	"  id INTEGER PRIMARY KEY,"
	"  title TEXT NOT NULL,"
	"  slug TEXT NOT NULL UNIQUE,"
	"  summary TEXT NOT NULL DEFAULT '',"
	"  body TEXT NOT NULL DEFAULT '',"
	"  status TEXT NOT NULL DEFAULT 'draft' CHECK(status IN"
	"    ('draft','review','scheduled','published','unpublished')),"
	"  published_at INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  category_id INTEGER REFERENCES categories(id) ON DELETE SET NULL,"
	"  author_id INTEGER REFERENCES authors(id) ON DELETE SET NULL,"
	"  image_url TEXT NOT NULL DEFAULT '',"
	"  image_caption TEXT NOT NULL DEFAULT '',"
	"  image_credit TEXT NOT NULL DEFAULT '',"
	"  dateline TEXT NOT NULL DEFAULT '',"
	"  breaking INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX articles_published ON articles(status, published_at DESC);"
	"CREATE INDEX articles_category ON articles(category_id, status, published_at DESC);"
	"CREATE INDEX articles_author ON articles(author_id, status, published_at DESC);"
	"CREATE TABLE article_tags("
	"  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
	"  tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,"
	"  PRIMARY KEY(article_id, tag_id)) WITHOUT ROWID;"
	"CREATE INDEX article_tags_tag ON article_tags(tag_id, article_id);"
	"CREATE TABLE redirects("
	"  path TEXT PRIMARY KEY,"
	"  target TEXT NOT NULL,"
	"  code INTEGER NOT NULL DEFAULT 301 CHECK(code IN (301, 302, 308)));"
	/* Any change to what pages show bumps content_version, so every
	 * server process sees it, whichever process wrote. */
#define BUMP(t)                                                                        \
	"CREATE TRIGGER " t "_ins AFTER INSERT ON " t " BEGIN UPDATE meta SET value = value + 1 " \
	"WHERE key = 'content_version'; END;"                                          \
	"CREATE TRIGGER " t "_upd AFTER UPDATE ON " t " BEGIN UPDATE meta SET value = value + 1 " \
	"WHERE key = 'content_version'; END;"                                          \
	"CREATE TRIGGER " t "_del AFTER DELETE ON " t " BEGIN UPDATE meta SET value = value + 1 " \
	"WHERE key = 'content_version'; END;"
	BUMP("settings") BUMP("categories") BUMP("authors") BUMP("tags") BUMP("articles")
		BUMP("article_tags") BUMP("redirects"),
#undef BUMP

	/* 2: full-text search. One row per published article, tokenised by
	 * khabar's Hindi tokenizer (search_sqlite.c); triggers keep it in step
	 * with articles, tags, categories and authors inside the writer's own
	 * transaction, so the index never disagrees with what is published. */
	"CREATE VIEW search_source AS SELECT a.id, a.title, a.summary, a.body,"
	"  coalesce((SELECT group_concat(t.name, ', ') FROM article_tags x"
	"    JOIN tags t ON t.id = x.tag_id WHERE x.article_id = a.id), '') AS tags,"
	"  coalesce(c.name, '') AS category, coalesce(au.name, '') AS author"
	"  FROM articles a LEFT JOIN categories c ON c.id = a.category_id"
	"  LEFT JOIN authors au ON au.id = a.author_id WHERE a.status = 'published';"
	SEARCH_TABLE_SQL ";"
	"INSERT INTO search(rowid, title, summary, body, tags, category, author)"
	"  SELECT * FROM search_source;"
#define REINDEX(ids)                                                                           \
	"DELETE FROM search WHERE rowid IN (" ids ");"                                         \
	"INSERT INTO search(rowid, title, summary, body, tags, category, author) SELECT * FROM " \
	"search_source WHERE id IN (" ids ");"
	/* A bulk load (demo, import) pauses the triggers with the meta row
	 * search_paused and rebuilds the index once, in the same transaction. */
#define LIVE " WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'search_paused') BEGIN "
	"CREATE TRIGGER search_articles_ins AFTER INSERT ON articles" LIVE REINDEX("new.id") " END;"
	"CREATE TRIGGER search_articles_upd AFTER UPDATE ON articles" LIVE
	"  DELETE FROM search WHERE rowid = old.id; " REINDEX("new.id") " END;"
	"CREATE TRIGGER search_articles_del AFTER DELETE ON articles" LIVE
	"  DELETE FROM search WHERE rowid = old.id; END;"
	"CREATE TRIGGER search_article_tags_ins AFTER INSERT ON article_tags" LIVE
	REINDEX("new.article_id") " END;"
	"CREATE TRIGGER search_article_tags_del AFTER DELETE ON article_tags" LIVE
	REINDEX("old.article_id") " END;"
	"CREATE TRIGGER search_tags_upd AFTER UPDATE OF name ON tags" LIVE
	REINDEX("SELECT article_id FROM article_tags WHERE tag_id = new.id") " END;"
	"CREATE TRIGGER search_categories_upd AFTER UPDATE OF name ON categories" LIVE
	REINDEX("SELECT id FROM articles WHERE category_id = new.id") " END;"
	"CREATE TRIGGER search_authors_upd AFTER UPDATE OF name ON authors" LIVE
	REINDEX("SELECT id FROM articles WHERE author_id = new.id") " END;",

	/* 3: imports (khabar import wordpress). Categories get their parent;
	 * articles a sticky flag (WordPress's "stick to the front page");
	 * import_accounts keeps what a user account needs for each imported
	 * author until users exist (password-less accounts and set-password
	 * links are made from it then); import_media keeps each imported
	 * featured image, copied next to the database, until the media
	 * pipeline makes its sizes. One step, so it can be renumbered whole. */
	"ALTER TABLE categories ADD COLUMN parent_id INTEGER REFERENCES categories(id) ON DELETE SET NULL;"
	"ALTER TABLE articles ADD COLUMN sticky INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE import_accounts("
	"  source TEXT NOT NULL,"
	"  login TEXT NOT NULL,"
	"  email TEXT NOT NULL DEFAULT '',"
	"  display_name TEXT NOT NULL DEFAULT '',"
	"  author_id INTEGER REFERENCES authors(id) ON DELETE CASCADE,"
	"  PRIMARY KEY(source, login));"
	"CREATE TABLE import_media("
	"  article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,"
	"  path TEXT NOT NULL,"
	"  alt TEXT NOT NULL DEFAULT '',"
	"  caption TEXT NOT NULL DEFAULT '');",
#undef LIVE
#undef REINDEX
};

const int kb_migrations_count = (int)(sizeof kb_migrations / sizeof kb_migrations[0]);
