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
#undef LIVE
#undef REINDEX
	/* Number 3 is reserved for the newsroom (accounts, editor, publish
	 * flow), built on another branch. Until it lands push is 3 here; it is
	 * one entry so that it becomes 4 by moving below the newsroom's. */

	/* 3 (4 after the newsroom's): Web Push (push_store.h): subscriptions with their topics (categories;
	 * all_topics for everything), alerts with their statistics and the
	 * fan-out cursor, the delivery queue (only messages in flight or waiting
	 * for a retry have rows: a delivered one is deleted and counted), and
	 * the lease that lets one process at a time deliver. */
	"CREATE TABLE push_subscriptions("
	"  id INTEGER PRIMARY KEY,"
	"  endpoint TEXT NOT NULL UNIQUE,"
	"  p256dh BLOB NOT NULL CHECK(length(p256dh) = 65),"
	"  auth BLOB NOT NULL CHECK(length(auth) = 16),"
	"  all_topics INTEGER NOT NULL DEFAULT 1,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"CREATE TABLE push_topics("
	"  category_id INTEGER NOT NULL REFERENCES categories(id) ON DELETE CASCADE,"
	"  sub_id INTEGER NOT NULL REFERENCES push_subscriptions(id) ON DELETE CASCADE,"
	"  PRIMARY KEY(category_id, sub_id)) WITHOUT ROWID;"
	"CREATE INDEX push_topics_sub ON push_topics(sub_id);"
	"CREATE TABLE push_alerts("
	"  id INTEGER PRIMARY KEY,"
	"  title TEXT NOT NULL,"
	"  body TEXT NOT NULL DEFAULT '',"
	"  url TEXT NOT NULL,"
	"  image TEXT NOT NULL DEFAULT '',"
	"  category_id INTEGER NOT NULL DEFAULT 0," /* 0: everyone; no FK, history stays */
	"  urgency TEXT NOT NULL DEFAULT 'normal' CHECK(urgency IN ('very-low','low','normal','high')),"
	"  ttl INTEGER NOT NULL,"
	"  topic TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'sending' CHECK(state IN ('sending','done')),"
	"  cursor INTEGER NOT NULL DEFAULT 0,"
	"  max_sub INTEGER NOT NULL,"
	"  queued INTEGER NOT NULL DEFAULT 0,"
	"  delivered INTEGER NOT NULL DEFAULT 0,"
	"  failed INTEGER NOT NULL DEFAULT 0,"
	"  expired INTEGER NOT NULL DEFAULT 0,"
	"  clicked INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX push_alerts_state ON push_alerts(state, id);"
	"CREATE TABLE push_deliveries("
	"  alert_id INTEGER NOT NULL REFERENCES push_alerts(id) ON DELETE CASCADE,"
	"  sub_id INTEGER NOT NULL," /* the subscription may go; the row then expires */
	"  state INTEGER NOT NULL," /* 1 sending, 2 waiting for a retry */
	"  attempt INTEGER NOT NULL," /* the run that claimed it */
	"  tries INTEGER NOT NULL DEFAULT 1,"
	"  next_at INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY(alert_id, sub_id)) WITHOUT ROWID;"
	"CREATE TABLE push_lease(id INTEGER PRIMARY KEY CHECK(id = 1), owner INTEGER NOT NULL,"
	"  until INTEGER NOT NULL, pid INTEGER NOT NULL DEFAULT 0, host TEXT NOT NULL DEFAULT '');"
	"INSERT INTO push_lease(id, owner, until) VALUES(1, 0, 0);",
};

const int kb_migrations_count = (int)(sizeof kb_migrations / sizeof kb_migrations[0]);
