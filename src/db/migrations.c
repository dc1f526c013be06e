/*
 * migrations.c: the schema, as numbered steps. Step N brings a database from
 * version N-1 to N; the version lives in SQLite's user_version. Steps are
 * only ever appended: a released step never changes.
 *
 * dialect: all of this is SQLite's: types and WITHOUT ROWID, the FTS5
 * table, the triggers (the change log and the search index), strftime for
 * the time and json functions. A PostgreSQL driver needs its own steps.
 */
#include "migrations.h"

/* The change log's trigger bodies (migration 3), kept once here because
 * migration 7 creates the same triggers again with a pause for bulk loads. */
#define NOW "CAST(strftime('%s', 'now') AS INTEGER)"
#define CHANGES_ARTICLES_INS                                                                                \
	"BEGIN INSERT INTO changes(at, tag) VALUES"                                                         \
	"  (" NOW ", 'a:' || new.id), (" NOW ", 'text'), (" NOW ", 'list'),"                                \
	"  (" NOW ", 'c:' || coalesce(new.category_id, 0)), (" NOW ", 'u:' || coalesce(new.author_id, 0));" \
	"END;"
#define CHANGES_ARTICLES_UPD                                                                        \
	"BEGIN"                                                                                     \
	"  INSERT INTO changes(at, tag) VALUES (" NOW ", 'a:' || old.id), (" NOW ", 'text');"       \
	"  INSERT INTO changes(at, tag) SELECT " NOW ", v FROM ("                                   \
	"    SELECT 'list' AS v UNION ALL SELECT 'c:' || coalesce(old.category_id, 0)"              \
	"    UNION ALL SELECT 'c:' || coalesce(new.category_id, 0)"                                 \
	"    UNION ALL SELECT 'u:' || coalesce(old.author_id, 0)"                                   \
	"    UNION ALL SELECT 'u:' || coalesce(new.author_id, 0)"                                   \
	"    UNION ALL SELECT 't:' || tag_id FROM article_tags WHERE article_id = new.id)"          \
	"  WHERE old.status IS NOT new.status OR old.title IS NOT new.title"                        \
	"    OR old.slug IS NOT new.slug OR old.summary IS NOT new.summary"                         \
	"    OR old.published_at IS NOT new.published_at OR old.category_id IS NOT new.category_id" \
	"    OR old.author_id IS NOT new.author_id OR old.image_url IS NOT new.image_url"           \
	"    OR old.media_id IS NOT new.media_id OR old.breaking IS NOT new.breaking;"              \
	"END;"
#define CHANGES_ARTICLES_DEL                                                                \
	"BEGIN INSERT INTO changes(at, tag) SELECT " NOW ", v FROM ("                       \
	"    SELECT 'a:' || old.id AS v UNION ALL SELECT 'text' UNION ALL SELECT 'list'"    \
	"    UNION ALL SELECT 'c:' || coalesce(old.category_id, 0)"                         \
	"    UNION ALL SELECT 'u:' || coalesce(old.author_id, 0)"                           \
	"    UNION ALL SELECT 't:' || tag_id FROM article_tags WHERE article_id = old.id);" \
	"END;"
/* row: "new" after an insert, "old" after a delete. */
#define CHANGES_ARTICLE_TAGS(row)                                                          \
	"BEGIN INSERT INTO changes(at, tag) VALUES (" NOW ", 'a:' || " row ".article_id)," \
	"    (" NOW ", 't:' || " row ".tag_id), (" NOW ", 'text');"                        \
	"END;"
#define BUMP_VERSION "BEGIN UPDATE meta SET value = value + 1 WHERE key = 'content_version'; END;"

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
#define BUMP(t)                                                                                  \
	"CREATE TRIGGER " t "_ins AFTER INSERT ON " t " " BUMP_VERSION "CREATE TRIGGER " t       \
	"_upd AFTER UPDATE ON " t " " BUMP_VERSION "CREATE TRIGGER " t "_del AFTER DELETE ON " t \
	" " BUMP_VERSION
	BUMP("settings") BUMP("categories") BUMP("authors") BUMP("tags") BUMP("articles") BUMP("article_tags")
		BUMP("redirects"),
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
	"CREATE VIRTUAL TABLE search USING fts5(title, summary, body, tags, category, author,"
	"  tokenize = 'khabar');"
	"INSERT INTO search(rowid, title, summary, body, tags, category, author)"
	"  SELECT * FROM search_source;"
#define REINDEX(ids)                                                                             \
	"DELETE FROM search WHERE rowid IN (" ids ");"                                           \
	"INSERT INTO search(rowid, title, summary, body, tags, category, author) SELECT * FROM " \
	"search_source WHERE id IN (" ids ");"
/* A bulk load (demo, import) pauses the triggers with the meta row
	 * search_paused and rebuilds the index once, in the same transaction. */
#define LIVE " WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'search_paused') BEGIN "
	"CREATE TRIGGER search_articles_ins AFTER INSERT ON articles" LIVE REINDEX(
		"new.id") " END;"
			  "CREATE TRIGGER search_articles_upd AFTER UPDATE ON articles" LIVE
			  "  DELETE FROM search WHERE rowid = old.id; " REINDEX(
				  "new.id") " END;"
					    "CREATE TRIGGER search_articles_del AFTER DELETE ON articles" LIVE
					    "  DELETE FROM search WHERE rowid = old.id; END;"
					    "CREATE TRIGGER search_article_tags_ins AFTER INSERT ON article_tags" LIVE REINDEX(
						    "new.article_id") " END;"
								      "CREATE TRIGGER search_article_tags_del AFTER DELETE ON article_tags" LIVE REINDEX(
									      "old.article_id") " END;"
												"CREATE TRIGGER search_tags_upd AFTER UPDATE OF name ON tags" LIVE REINDEX(
													"SELECT article_id FROM article_tags WHERE tag_id = new.id") " END;"
																				     "CREATE TRIGGER search_categories_upd AFTER UPDATE OF name ON categories" LIVE
																					     REINDEX("SELECT id FROM articles WHERE category_id = new.id") " END;"
																													   "CREATE TRIGGER search_authors_upd AFTER UPDATE OF name ON authors" LIVE
																														   REINDEX("SELECT id FROM articles WHERE author_id = new.id") " END;",

	/* 3: the newsroom: users, sessions, login throttling, server secrets,
	 * photos, revisions, the audit log, scheduling and the article
	 * version for conflict checks. And fine-grained cache invalidation:
	 * articles no longer bump content_version; their triggers write the
	 * cache dependency tags they touch into "changes" (see
	 * src/render/cache.c), which each server polls. */
	"CREATE TABLE users("
	"  id INTEGER PRIMARY KEY,"
	"  login TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  name TEXT NOT NULL,"
	"  role TEXT NOT NULL CHECK(role IN ('reporter','editor','admin')),"
	"  password TEXT NOT NULL,"
	"  lang TEXT NOT NULL DEFAULT 'hi' CHECK(lang IN ('hi','en')),"
	"  disabled INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE sessions("
	"  token_hash TEXT PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  csrf TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  seen_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  ip TEXT NOT NULL DEFAULT '',"
	"  agent TEXT NOT NULL DEFAULT '') WITHOUT ROWID;"
	"CREATE INDEX sessions_user ON sessions(user_id);"
	"CREATE TABLE login_failures(key TEXT NOT NULL, at INTEGER NOT NULL);"
	"CREATE INDEX login_failures_key ON login_failures(key, at);"
	"CREATE TABLE secrets(name TEXT PRIMARY KEY, value BLOB NOT NULL);"
	"CREATE TABLE media("
	"  id INTEGER PRIMARY KEY,"
	"  stem TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL DEFAULT '',"
	"  user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
	"  status TEXT NOT NULL DEFAULT 'pending' CHECK(status IN ('pending','ready','failed')),"
	"  error TEXT NOT NULL DEFAULT '',"
	"  type TEXT NOT NULL,"
	"  bytes INTEGER NOT NULL,"
	"  width INTEGER NOT NULL DEFAULT 0,"
	"  height INTEGER NOT NULL DEFAULT 0,"
	"  widths TEXT NOT NULL DEFAULT '',"
	"  caption TEXT NOT NULL DEFAULT '',"
	"  credit TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL);"
	"CREATE INDEX media_status ON media(status, id);"
	"ALTER TABLE articles ADD COLUMN version INTEGER NOT NULL DEFAULT 1;"
	"ALTER TABLE articles ADD COLUMN publish_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE articles ADD COLUMN seo_title TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE articles ADD COLUMN seo_description TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE articles ADD COLUMN owner_id INTEGER REFERENCES users(id) ON DELETE SET NULL;"
	"ALTER TABLE articles ADD COLUMN media_id INTEGER REFERENCES media(id) ON DELETE SET NULL;"
	"CREATE INDEX articles_scheduled ON articles(publish_at) WHERE status = 'scheduled';"
	"CREATE INDEX articles_updated ON articles(updated_at DESC);"
	"CREATE INDEX articles_owner ON articles(owner_id, updated_at DESC);"
	"CREATE TABLE revisions("
	"  id INTEGER PRIMARY KEY,"
	"  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
	"  version INTEGER NOT NULL,"
	"  user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
	"  at INTEGER NOT NULL,"
	"  kind TEXT NOT NULL DEFAULT 'save',"
	"  title TEXT NOT NULL,"
	"  summary TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  fields TEXT NOT NULL DEFAULT '{}');"
	"CREATE INDEX revisions_article ON revisions(article_id, id);"
	"CREATE TABLE audit("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
	"  action TEXT NOT NULL,"
	"  article_id INTEGER,"
	"  detail TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX audit_article ON audit(article_id, id);"
	"CREATE TABLE changes(seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL,"
	"  tag TEXT NOT NULL);"
	"CREATE INDEX changes_at ON changes(at);"
	/* Articles and their tags now say what they touch; new authors and
	 * tags have no page yet, so adding one changes nothing cached. */
	"DROP TRIGGER articles_ins; DROP TRIGGER articles_upd; DROP TRIGGER articles_del;"
	"DROP TRIGGER article_tags_ins; DROP TRIGGER article_tags_upd; DROP TRIGGER article_tags_del;"
	"DROP TRIGGER authors_ins; DROP TRIGGER tags_ins;"
	/* A published article's own page ('a:ID') and the feeds, search and
	 * API ('text') show all of it; lists ('list', 'c:', 'u:', 't:') show
	 * only what a card shows, so an edit of the body leaves them alone. */
	"CREATE TRIGGER changes_articles_ins AFTER INSERT ON articles WHEN new.status = 'published' " CHANGES_ARTICLES_INS
	"CREATE TRIGGER changes_articles_upd AFTER UPDATE ON articles"
	"  WHEN old.status = 'published' OR new.status = 'published' " CHANGES_ARTICLES_UPD
	/* BEFORE: the article's tags are still there to be named. */
	"CREATE TRIGGER changes_articles_del BEFORE DELETE ON articles WHEN old.status = 'published' " CHANGES_ARTICLES_DEL
	"CREATE TRIGGER changes_article_tags_ins AFTER INSERT ON article_tags"
	"  WHEN (SELECT status FROM articles WHERE id = new.article_id) = 'published' " CHANGES_ARTICLE_TAGS(
		"new") "CREATE TRIGGER changes_article_tags_del AFTER DELETE ON article_tags"
		       "  WHEN (SELECT status FROM articles WHERE id = old.article_id) = 'published' " CHANGES_ARTICLE_TAGS(
			       "old"),

	/* 4: imports (khabar import wordpress). Categories get their parent;
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

	/* 5: imported authors become newsroom users. A user may stand for an
	 * author (their byline); import_accounts says which user was made for
	 * each imported account, so a second import makes none; set-password
	 * tokens are one-time and kept only as their SHA-256. An imported
	 * user's password is '' (no hash matches it) until they set one.
	 * import_media gets the media row its photo was queued as. */
	"ALTER TABLE users ADD COLUMN author_id INTEGER REFERENCES authors(id) ON DELETE SET NULL;"
	"ALTER TABLE import_accounts ADD COLUMN user_id INTEGER REFERENCES users(id) ON DELETE SET NULL;"
	"ALTER TABLE import_media ADD COLUMN media_id INTEGER REFERENCES media(id) ON DELETE SET NULL;"
	"CREATE TABLE password_tokens("
	"  token_hash TEXT PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  expires_at INTEGER NOT NULL);"
	"CREATE INDEX password_tokens_user ON password_tokens(user_id);",
#undef REINDEX

	/* 6: Web Push (push_store.h): subscriptions with their topics (categories;
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
	"  sub_id INTEGER NOT NULL,"  /* the subscription may go; the row then expires */
	"  state INTEGER NOT NULL,"   /* 1 sending, 2 waiting for a retry */
	"  attempt INTEGER NOT NULL," /* the run that claimed it */
	"  tries INTEGER NOT NULL DEFAULT 1,"
	"  next_at INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY(alert_id, sub_id)) WITHOUT ROWID;"
	"CREATE TABLE push_lease(id INTEGER PRIMARY KEY CHECK(id = 1), owner INTEGER NOT NULL,"
	"  until INTEGER NOT NULL, pid INTEGER NOT NULL DEFAULT 0, host TEXT NOT NULL DEFAULT '');"
	"INSERT INTO push_lease(id, owner, until) VALUES(1, 0, 0);",

/* 7: bulk loads (import, demo) pause the change log and the redirects'
	 * version bumps as they pause the search index: with the meta row
	 * bulk_load present, inside the loader's one transaction, these
	 * triggers write nothing (13 change rows per imported story were a
	 * third of an import's time). The loader moves the content version
	 * once at the end instead, which empties every server's page cache. */
#define QUIET " NOT EXISTS (SELECT 1 FROM meta WHERE key = 'bulk_load') "
	"DROP TRIGGER changes_articles_ins; DROP TRIGGER changes_articles_upd;"
	"DROP TRIGGER changes_articles_del; DROP TRIGGER changes_article_tags_ins;"
	"DROP TRIGGER changes_article_tags_del;"
	"DROP TRIGGER redirects_ins; DROP TRIGGER redirects_upd; DROP TRIGGER redirects_del;"
	"CREATE TRIGGER changes_articles_ins AFTER INSERT ON articles"
	"  WHEN new.status = 'published' AND" QUIET CHANGES_ARTICLES_INS
	"CREATE TRIGGER changes_articles_upd AFTER UPDATE ON articles"
	"  WHEN (old.status = 'published' OR new.status = 'published') AND" QUIET CHANGES_ARTICLES_UPD
	"CREATE TRIGGER changes_articles_del BEFORE DELETE ON articles"
	"  WHEN old.status = 'published' AND" QUIET CHANGES_ARTICLES_DEL
	"CREATE TRIGGER changes_article_tags_ins AFTER INSERT ON article_tags"
	"  WHEN" QUIET
	"AND (SELECT status FROM articles WHERE id = new.article_id) = 'published' " CHANGES_ARTICLE_TAGS(
		"new") "CREATE TRIGGER changes_article_tags_del AFTER DELETE ON article_tags"
		       "  WHEN" QUIET
		       "AND (SELECT status FROM articles WHERE id = old.article_id) = 'published' " CHANGES_ARTICLE_TAGS(
			       "old") "CREATE TRIGGER redirects_ins AFTER INSERT ON redirects WHEN" QUIET
			       BUMP_VERSION
				      "CREATE TRIGGER redirects_upd AFTER UPDATE ON redirects WHEN" QUIET
					      BUMP_VERSION
				      "CREATE TRIGGER redirects_del AFTER DELETE ON redirects WHEN" QUIET
					      BUMP_VERSION,
#undef QUIET

	/* 8: the newsroom's alerts (push_store.h): who sent each alert and for
	 * which story (0: the command line, or no story), the index the hourly
	 * limit counts with, and the alerts a scheduled story sends when it goes
	 * live (one row per story, gone once its alert is queued). */
	"ALTER TABLE push_alerts ADD COLUMN user_id INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE push_alerts ADD COLUMN article_id INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX push_alerts_created ON push_alerts(created_at);"
	"CREATE TABLE push_scheduled("
	"  article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,"
	"  user_id INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL);",

	/* 9: the search index stops keeping its own copy of every story (it
	 * was as big as the articles table): FTS5 now reads the text from
	 * search_source when it makes a snippet or removes a row. Removing
	 * must then see the text as it was indexed, so each change is a pair:
	 * a BEFORE trigger takes the row out while the old text is still
	 * there, an AFTER trigger puts the new one in. Both sides of a pair
	 * fire on the same changes (for articles, of the columns the view
	 * reads). The rebuild at the end of this step takes about 0.2 s per
	 * 1,000 stories. */
	"DROP TRIGGER search_articles_ins; DROP TRIGGER search_articles_upd;"
	"DROP TRIGGER search_articles_del; DROP TRIGGER search_article_tags_ins;"
	"DROP TRIGGER search_article_tags_del; DROP TRIGGER search_tags_upd;"
	"DROP TRIGGER search_categories_upd; DROP TRIGGER search_authors_upd;"
	"DROP TABLE search;" SEARCH_TABLE_SQL ";"
	"INSERT INTO search(rowid, title, summary, body, tags, category, author)"
	"  SELECT * FROM search_source;"
#define OUT(ids) "DELETE FROM search WHERE rowid IN (" ids "); END;"
#define IN(ids)                                                                                  \
	"INSERT INTO search(rowid, title, summary, body, tags, category, author) SELECT * FROM " \
	"search_source WHERE id IN (" ids "); END;"
#define ARTICLE_TEXT " OF title, summary, body, status, category_id, author_id ON articles"
	"CREATE TRIGGER search_articles_ins AFTER INSERT ON articles" LIVE IN(
		"new.id") "CREATE TRIGGER search_articles_out BEFORE UPDATE" ARTICLE_TEXT LIVE
		OUT("old.id") "CREATE TRIGGER search_articles_in AFTER UPDATE" ARTICLE_TEXT LIVE
			IN("new.id") "CREATE TRIGGER search_articles_del BEFORE DELETE ON articles" LIVE OUT(
				"old.id")
	/* INSERT OR IGNORE of a tag the story has already: the BEFORE side
	 * would fire and the AFTER side not, so it waits for a new pair. */
	"CREATE TRIGGER search_article_tags_ins_out BEFORE INSERT ON article_tags"
	"  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'search_paused')"
	"  AND NOT EXISTS (SELECT 1 FROM article_tags"
	"    WHERE article_id = new.article_id AND tag_id = new.tag_id) BEGIN " OUT(
		"new.article_id") "CREATE TRIGGER search_article_tags_ins_in AFTER INSERT ON article_tags" LIVE
		IN("new.article_id") "CREATE TRIGGER search_article_tags_del_out BEFORE DELETE ON article_tags" LIVE OUT(
			"old.article_id") "CREATE TRIGGER search_article_tags_del_in AFTER DELETE ON article_tags" LIVE
			IN("old.article_id") "CREATE TRIGGER search_tags_out BEFORE UPDATE OF name ON tags" LIVE OUT(
				"SELECT article_id FROM article_tags WHERE tag_id = old.id") "CREATE TRIGGER search_tags_in AFTER UPDATE OF name ON tags" LIVE
				IN("SELECT article_id FROM article_tags WHERE tag_id = new.id") "CREATE TRIGGER search_categories_out BEFORE UPDATE OF name ON categories" LIVE
					OUT("SELECT id FROM articles WHERE category_id = old.id") "CREATE TRIGGER search_categories_in AFTER UPDATE OF name ON categories" LIVE
						IN("SELECT id FROM articles WHERE category_id = new.id") "CREATE TRIGGER search_authors_out BEFORE UPDATE OF name ON authors" LIVE
							OUT("SELECT id FROM articles WHERE author_id = old.id") "CREATE TRIGGER search_authors_in AFTER UPDATE OF name ON authors" LIVE
								IN("SELECT id FROM articles WHERE author_id = new.id"),
#undef OUT
#undef IN
#undef ARTICLE_TEXT
#undef LIVE

	/* 10: readers' tips (tips_store.h): the tip with its photos (media
	 * rows; kept marks those a draft took over, which outlive the tip),
	 * the newsroom's notes, and the mail queue (a row per message still
	 * to send or given up on; a sent one is deleted). digest finds
	 * duplicates; seen counts the unread tips in the newsroom's header. */
	"CREATE TABLE tips("
	"  id INTEGER PRIMARY KEY,"
	"  ref TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL DEFAULT '',"
	"  contact TEXT NOT NULL DEFAULT '',"
	"  place TEXT NOT NULL DEFAULT '',"
	"  kind TEXT NOT NULL CHECK(kind IN ('news','suggestion','complaint')),"
	"  body TEXT NOT NULL,"
	"  digest TEXT NOT NULL,"
	"  ip TEXT NOT NULL DEFAULT '',"
	"  status TEXT NOT NULL DEFAULT 'new' CHECK(status IN ('new','progress','used','rejected')),"
	"  assignee_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
	"  article_id INTEGER REFERENCES articles(id) ON DELETE SET NULL,"
	"  seen INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"CREATE INDEX tips_created ON tips(created_at);"
	"CREATE INDEX tips_digest ON tips(digest, created_at);"
	"CREATE INDEX tips_unseen ON tips(seen) WHERE seen = 0;"
	"CREATE TABLE tip_media("
	"  tip_id INTEGER NOT NULL REFERENCES tips(id) ON DELETE CASCADE,"
	"  media_id INTEGER NOT NULL REFERENCES media(id) ON DELETE CASCADE,"
	"  position INTEGER NOT NULL,"
	"  kept INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY(tip_id, media_id)) WITHOUT ROWID;"
	"CREATE INDEX tip_media_media ON tip_media(media_id);"
	"CREATE TABLE tip_notes("
	"  id INTEGER PRIMARY KEY,"
	"  tip_id INTEGER NOT NULL REFERENCES tips(id) ON DELETE CASCADE,"
	"  user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
	"  body TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL);"
	"CREATE INDEX tip_notes_tip ON tip_notes(tip_id, id);"
	"CREATE TABLE mail_queue("
	"  id INTEGER PRIMARY KEY,"
	"  tip_id INTEGER NOT NULL REFERENCES tips(id) ON DELETE CASCADE,"
	"  tries INTEGER NOT NULL DEFAULT 0,"
	"  next_at INTEGER NOT NULL," /* 0: given up */
	"  error TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL);"
	"CREATE INDEX mail_queue_due ON mail_queue(next_at) WHERE next_at > 0;"
	"CREATE INDEX mail_queue_tip ON mail_queue(tip_id);",

	/* 11: deleting a category, an author or a tag. Their foreign keys
	 * would set the articles' column to NULL (or drop the article_tags
	 * rows) after the parent row is gone, so the search triggers would
	 * take a story out with text that no longer has the name in it, and
	 * the external-content index would drift. These do the same first,
	 * while the name is still there; the foreign keys then find nothing
	 * to do. (Nor may INSERT OR REPLACE be used on articles, article_tags,
	 * tags, categories or authors: a replaced row leaves without its
	 * delete triggers.) */
	"CREATE TRIGGER search_categories_del BEFORE DELETE ON categories BEGIN"
	"  UPDATE articles SET category_id = NULL WHERE category_id = old.id; END;"
	"CREATE TRIGGER search_authors_del BEFORE DELETE ON authors BEGIN"
	"  UPDATE articles SET author_id = NULL WHERE author_id = old.id; END;"
	"CREATE TRIGGER search_tags_del BEFORE DELETE ON tags BEGIN"
	"  DELETE FROM article_tags WHERE tag_id = old.id; END;",

	/* 12: login throttling by account and address together (the design is
	 * in src/newsroom/login.c). A row per attempt, charged before its
	 * password is checked, with whether it came in as a fresh address;
	 * and the addresses each account has logged in from. The old rows,
	 * one per key, are a day's worth at most and are dropped. */
	"DROP TABLE login_failures;"
	"CREATE TABLE login_failures("
	"  id INTEGER PRIMARY KEY,"
	"  account TEXT NOT NULL,"
	"  address TEXT NOT NULL,"
	"  fresh INTEGER NOT NULL DEFAULT 0,"
	"  at INTEGER NOT NULL);"
	"CREATE INDEX login_failures_account ON login_failures(account, at);"
	"CREATE INDEX login_failures_address ON login_failures(address, at);"
	"CREATE TABLE login_known("
	"  account TEXT NOT NULL,"
	"  address TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  PRIMARY KEY(account, address)) WITHOUT ROWID;",
	/* 13: clicks on push notifications (push_store_clicks): a row per
	 * alert and subscription whose notification was clicked, so a click
	 * counts once however often its link is opened. */
	"CREATE TABLE push_clicks("
	"  alert_id INTEGER NOT NULL REFERENCES push_alerts(id) ON DELETE CASCADE,"
	"  sub_id INTEGER NOT NULL," /* the subscription may go; its click stays counted */
	"  PRIMARY KEY(alert_id, sub_id)) WITHOUT ROWID;",
	/* 14: site-wide changes (settings, categories...) wake other servers
	 * at once on PostgreSQL (kb_pg_migrations). One SQLite file has no
	 * other servers to wake; its servers look at content_version. */
	"SELECT 1;",
	/* 15: on PostgreSQL, 14's functions bump and notify only for a
	 * statement that touched a row, as the baseline's did (its SQLite
	 * twin's row triggers never fire for none). */
	"SELECT 1;",
	/* 16: on PostgreSQL, a search's matches always come through the
	 * full-text index (kb_pg_migrations); FTS5 has no other way. */
	"SELECT 1;",
	/* 17: per-address limits (tips, push subscriptions) shared by every
	 * server on the database (store_rate_take): a row per take, kept
	 * for the limit's window. */
	"CREATE TABLE rate_hits("
	"  bucket TEXT NOT NULL,"
	"  key BLOB NOT NULL,"
	"  at INTEGER NOT NULL);"
	"CREATE INDEX rate_hits_key ON rate_hits(bucket, key, at);",
	/* 18: photos in the database, so any server serves any photo and
	 * no folder is shared (src/media/media.h). media_files holds a
	 * photo's bytes by name: "original" while it waits, then its
	 * derivatives ("320.webp", "social.jpg"...), which the original
	 * leaves for in one transaction. A server's photo job claims a
	 * pending row for a while (claim, a token; claim_until; who holds
	 * it, so a restart on the same machine takes its own dead claims
	 * back at once). */
	"CREATE TABLE media_files("
	"  id INTEGER PRIMARY KEY,"
	"  media_id INTEGER NOT NULL REFERENCES media(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  bytes BLOB NOT NULL,"
	"  UNIQUE(media_id, name));"
	"ALTER TABLE media ADD COLUMN claim INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE media ADD COLUMN claim_until INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE media ADD COLUMN claim_pid INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE media ADD COLUMN claim_host TEXT NOT NULL DEFAULT '';",
#define QUIET " NOT EXISTS (SELECT 1 FROM meta WHERE key = 'bulk_load') "
	/* 19: static pages (pages_store.h): about, contact, the policies...
	 * A page has a slug of its own (/page/{slug}), a Markdown body and a
	 * status, draft or published; footer is its place among the footer's
	 * links (0: not there). Every page shows the footer, so any change to
	 * a page moves the content version, which empties every server's page
	 * cache (its page, the sitemap, the footers) and purges the edge as
	 * settings do; bulk loads (the importer) pause it like redirects'.
	 * updated_by is a user id or 0 (no foreign key: the page outlives an
	 * account). */
	"CREATE TABLE pages("
	"  id INTEGER PRIMARY KEY,"
	"  slug TEXT NOT NULL UNIQUE,"
	"  title TEXT NOT NULL,"
	"  body TEXT NOT NULL DEFAULT '',"
	"  status TEXT NOT NULL DEFAULT 'draft',"
	"  footer INTEGER NOT NULL DEFAULT 0,"
	"  version INTEGER NOT NULL DEFAULT 1,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  published_at INTEGER NOT NULL DEFAULT 0,"
	"  updated_by INTEGER NOT NULL DEFAULT 0);"
	"CREATE TRIGGER pages_ins AFTER INSERT ON pages WHEN" QUIET BUMP_VERSION
	"CREATE TRIGGER pages_upd AFTER UPDATE ON pages WHEN" QUIET BUMP_VERSION
	"CREATE TRIGGER pages_del AFTER DELETE ON pages WHEN" QUIET BUMP_VERSION,
	/* 20: the header's and footer's link lists (menus_store.h), in the
	 * newsroom's order; every page shows them, so a change moves the
	 * content version as 19's pages do. */
	"CREATE TABLE menu_items("
	"  id INTEGER PRIMARY KEY,"
	"  menu TEXT NOT NULL," /* header or footer */
	"  position INTEGER NOT NULL,"
	"  label TEXT NOT NULL,"
	"  url TEXT NOT NULL);"
	"CREATE INDEX menu_items_menu ON menu_items(menu, position);"
	"CREATE TRIGGER menu_items_ins AFTER INSERT ON menu_items WHEN" QUIET BUMP_VERSION
	"CREATE TRIGGER menu_items_upd AFTER UPDATE ON menu_items WHEN" QUIET BUMP_VERSION
	"CREATE TRIGGER menu_items_del AFTER DELETE ON menu_items WHEN" QUIET BUMP_VERSION,
	/* 21: on PostgreSQL, a search's newest matches found without all
	 * of them (kb_pg_migrations); FTS5 walks its index newest first
	 * already. */
	"SELECT 1;",
	/* 22: corrections and updates (issue 19). A story's notes: a dated
	 * correction or significant update an editor adds once it is out,
	 * shown on the story and listed at /corrections. modified_at is the
	 * story's dateModified: moved by a note or by a save the editor marks
	 * significant, never by an ordinary edit (0: never, so its
	 * published_at). Until now every save moved it (as updated_at), so
	 * the published stories keep the time they showed; the backfill runs
	 * quiet (bulk_load) and moves the content version once instead. */
	"ALTER TABLE articles ADD COLUMN modified_at INTEGER NOT NULL DEFAULT 0;"
	"INSERT INTO meta(key, value) VALUES('bulk_load', 1);"
	"UPDATE articles SET modified_at = updated_at WHERE status = 'published' AND updated_at > published_at;"
	"DELETE FROM meta WHERE key = 'bulk_load';"
	"UPDATE meta SET value = value + 1 WHERE key = 'content_version';"
	"CREATE TABLE article_notes("
	"  id INTEGER PRIMARY KEY,"
	"  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL CHECK(kind IN ('correction','update')),"
	"  body TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  user_id INTEGER NOT NULL DEFAULT 0);" /* no foreign key: the note outlives an account */
	"CREATE INDEX article_notes_article ON article_notes(article_id, at);"
	"CREATE INDEX article_notes_at ON article_notes(at);",
	/* 23: author profiles (issue 19): the author's role (their title at
	 * the paper), public email, social links (one http(s) URL a line),
	 * photo (a media row, in a table of its own: media refers to users,
	 * which refer to authors, so "khabar copy" copies it after both) and
	 * the categories they cover. Authors already move the content
	 * version (migration 1); their photos and areas do too. */
	"ALTER TABLE authors ADD COLUMN role TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE authors ADD COLUMN email TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE authors ADD COLUMN links TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE author_photos("
	"  author_id INTEGER PRIMARY KEY REFERENCES authors(id) ON DELETE CASCADE,"
	"  media_id INTEGER NOT NULL REFERENCES media(id) ON DELETE CASCADE);"
	"CREATE INDEX author_photos_media ON author_photos(media_id);"
	"CREATE TRIGGER author_photos_ins AFTER INSERT ON author_photos " BUMP_VERSION
	"CREATE TRIGGER author_photos_del AFTER DELETE ON author_photos " BUMP_VERSION
	"CREATE TABLE author_areas("
	"  author_id INTEGER NOT NULL REFERENCES authors(id) ON DELETE CASCADE,"
	"  category_id INTEGER NOT NULL REFERENCES categories(id) ON DELETE CASCADE,"
	"  PRIMARY KEY(author_id, category_id)) WITHOUT ROWID;"
	"CREATE INDEX author_areas_category ON author_areas(category_id);"
	"CREATE TRIGGER author_areas_ins AFTER INSERT ON author_areas " BUMP_VERSION
	"CREATE TRIGGER author_areas_del AFTER DELETE ON author_areas " BUMP_VERSION,
	/* 24: grievances under India's IT Rules 2021 (issue 19). The tip
	 * form takes the kind "grievance", which tips' CHECK did not allow:
	 * the table is made again with it. Its rows' notes, photos and mail
	 * are kept aside meanwhile, since dropping the old table deletes them
	 * (foreign keys are on inside a migration). Each grievance also gets
	 * a row of its own that outlives the tip (retention deletes tips) so
	 * the monthly counts stay: when it came, when the newsroom
	 * acknowledged and decided it (0: not yet). mail_queue's to_reader
	 * marks the acknowledgement mailed to a reader who gave an email. */
	"CREATE TABLE tips_new("
	"  id INTEGER PRIMARY KEY,"
	"  ref TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL DEFAULT '',"
	"  contact TEXT NOT NULL DEFAULT '',"
	"  place TEXT NOT NULL DEFAULT '',"
	"  kind TEXT NOT NULL CHECK(kind IN ('news','suggestion','complaint','grievance')),"
	"  body TEXT NOT NULL,"
	"  digest TEXT NOT NULL,"
	"  ip TEXT NOT NULL DEFAULT '',"
	"  status TEXT NOT NULL DEFAULT 'new' CHECK(status IN ('new','progress','used','rejected')),"
	"  assignee_id INTEGER REFERENCES users(id) ON DELETE SET NULL,"
	"  article_id INTEGER REFERENCES articles(id) ON DELETE SET NULL,"
	"  seen INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"INSERT INTO tips_new SELECT id, ref, name, contact, place, kind, body, digest, ip, status,"
	"  assignee_id, article_id, seen, created_at, updated_at FROM tips;"
	"CREATE TEMP TABLE keep_tip_media AS SELECT * FROM tip_media;"
	"CREATE TEMP TABLE keep_tip_notes AS SELECT * FROM tip_notes;"
	"CREATE TEMP TABLE keep_mail_queue AS SELECT * FROM mail_queue;"
	"DROP TABLE tips;"
	"ALTER TABLE tips_new RENAME TO tips;"
	"CREATE INDEX tips_created ON tips(created_at);"
	"CREATE INDEX tips_digest ON tips(digest, created_at);"
	"CREATE INDEX tips_unseen ON tips(seen) WHERE seen = 0;"
	"INSERT INTO tip_media SELECT * FROM temp.keep_tip_media;"
	"INSERT INTO tip_notes SELECT * FROM temp.keep_tip_notes;"
	"INSERT INTO mail_queue SELECT * FROM temp.keep_mail_queue;"
	"DROP TABLE temp.keep_tip_media; DROP TABLE temp.keep_tip_notes; DROP TABLE temp.keep_mail_queue;"
	"ALTER TABLE mail_queue ADD COLUMN to_reader INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE grievances("
	"  id INTEGER PRIMARY KEY,"
	"  tip_id INTEGER UNIQUE REFERENCES tips(id) ON DELETE SET NULL,"
	"  ref TEXT NOT NULL,"
	"  received_at INTEGER NOT NULL,"
	"  acknowledged_at INTEGER NOT NULL DEFAULT 0,"
	"  decided_at INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX grievances_received ON grievances(received_at);",
	/* 25: page revisions (issue 19): each save of a static page keeps
	 * its text as stories' revisions do (kind save or restore), so the
	 * page editor lists them and restores one. */
	"CREATE TABLE page_revisions("
	"  id INTEGER PRIMARY KEY,"
	"  page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,"
	"  version INTEGER NOT NULL,"
	"  user_id INTEGER NOT NULL DEFAULT 0,"
	"  at INTEGER NOT NULL,"
	"  kind TEXT NOT NULL DEFAULT 'save',"
	"  slug TEXT NOT NULL,"
	"  title TEXT NOT NULL,"
	"  body TEXT NOT NULL);"
	"CREATE INDEX page_revisions_page ON page_revisions(page_id, id);",
#undef QUIET
	/* 26: live coverage (live_store.h): a story an editor turned into a
	 * live blog (its start, its planned end, when it was closed) and its
	 * short timestamped entries. seq counts the coverage's changes; each
	 * entry keeps the seq of its last change (a deleted one stays as a
	 * row with no text, so readers following since a seq learn of it).
	 * The store moves the story's updated_at with every change, which the
	 * change log's triggers turn into a:ID and text (its page, its
	 * updates, the feeds). An entry's photo made ready later (the photo
	 * job) does the same here. Self-contained: renumber freely. */
	"CREATE TABLE live_coverage("
	"  article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,"
	"  started_at INTEGER NOT NULL,"
	"  ends_at INTEGER NOT NULL DEFAULT 0,"   /* planned end, 0: none */
	"  closed_at INTEGER NOT NULL DEFAULT 0," /* 0: still open */
	"  seq INTEGER NOT NULL DEFAULT 0,"
	"  user_id INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE live_entries("
	"  id INTEGER PRIMARY KEY,"
	"  article_id INTEGER NOT NULL REFERENCES live_coverage(article_id) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL,"
	"  body TEXT NOT NULL DEFAULT '',"
	"  link TEXT NOT NULL DEFAULT '',"
	"  media_id INTEGER REFERENCES media(id) ON DELETE SET NULL,"
	"  pinned INTEGER NOT NULL DEFAULT 0,"
	"  key_event INTEGER NOT NULL DEFAULT 0,"
	"  deleted INTEGER NOT NULL DEFAULT 0,"
	"  user_id INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"CREATE INDEX live_entries_seq ON live_entries(article_id, seq);"
	"CREATE INDEX live_entries_media ON live_entries(media_id) WHERE media_id IS NOT NULL;"
	"CREATE TRIGGER live_media_ready AFTER UPDATE OF status ON media"
	"  WHEN new.status = 'ready' AND old.status <> 'ready'"
	"  AND EXISTS (SELECT 1 FROM live_entries WHERE media_id = new.id) BEGIN"
	"  UPDATE live_coverage SET seq = seq + 1"
	"    WHERE article_id IN (SELECT article_id FROM live_entries WHERE media_id = new.id);"
	"  UPDATE live_entries SET seq = (SELECT c.seq FROM live_coverage c"
	"    WHERE c.article_id = live_entries.article_id) WHERE media_id = new.id;"
	"  UPDATE articles SET updated_at = " NOW
	"    WHERE id IN (SELECT article_id FROM live_entries WHERE media_id = new.id); END;",
	/* 27: most read (reads_store.h). A story's reads in hourly buckets
	 * (hour: Unix time / 3600), added to by each server's batches of the
	 * reads it counted in memory; buckets older than eight days are
	 * pruned. mostread_lists keeps the lists last computed from them, per
	 * scope (0 the site, else a category's id) and period (0 the last
	 * hour, 1 the day, 2 the week), so a refresh that computes the same
	 * lists writes nothing and purges nothing; the store logs mr:SCOPE
	 * when a scope's lists change. Nothing here names a reader.
	 * Self-contained: renumber freely. */
	"CREATE TABLE article_reads("
	"  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
	"  hour INTEGER NOT NULL,"
	"  reads INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY(article_id, hour)) WITHOUT ROWID;"
	"CREATE INDEX article_reads_hour ON article_reads(hour);"
	"CREATE TABLE mostread_lists("
	"  scope INTEGER NOT NULL,"
	"  period INTEGER NOT NULL,"
	"  position INTEGER NOT NULL,"
	"  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
	"  PRIMARY KEY(scope, period, position));"
	"CREATE INDEX mostread_lists_article ON mostread_lists(article_id);",
	/* 28: the email digest (digest_store.h). Readers who signed up
	 * (an address once, lower-cased; pending until the confirmation
	 * link is opened; bounced after digest_bounces hard bounces in a
	 * row), the categories each chose (none: all), each digest made
	 * (the day's, once a day; or a breaking alert's, once an alert) and
	 * the send queue, one row per mail: the confirmation mail
	 * (digest_id NULL) or a subscriber's copy of a digest. A row goes
	 * queued -> sending (claimed) -> committed (its last bytes handed to
	 * the SMTP server, before the end of data) -> sent; a sending row
	 * whose server died is queued again (the server never had the whole
	 * message), a committed one becomes unknown and is never sent again
	 * (no one is mailed twice). Self-contained: renumber freely. */
	"CREATE TABLE digest_subscribers("
	"  id INTEGER PRIMARY KEY,"
	"  email TEXT NOT NULL UNIQUE,"
	"  state TEXT NOT NULL DEFAULT 'pending'"
	"    CHECK(state IN ('pending','confirmed','unsubscribed','bounced')),"
	"  frequency TEXT NOT NULL DEFAULT 'daily' CHECK(frequency IN ('daily','breaking')),"
	"  bounces INTEGER NOT NULL DEFAULT 0,"
	"  ip TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL,"
	"  confirmed_at INTEGER NOT NULL DEFAULT 0,"
	"  unsubscribed_at INTEGER NOT NULL DEFAULT 0,"
	"  updated_at INTEGER NOT NULL);"
	"CREATE INDEX digest_subscribers_state ON digest_subscribers(state, frequency);"
	"CREATE TABLE digest_topics("
	"  subscriber_id INTEGER NOT NULL REFERENCES digest_subscribers(id) ON DELETE CASCADE,"
	"  category_id INTEGER NOT NULL REFERENCES categories(id) ON DELETE CASCADE,"
	"  PRIMARY KEY(subscriber_id, category_id));"
	"CREATE INDEX digest_topics_category ON digest_topics(category_id);"
	"CREATE TABLE digests("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL CHECK(kind IN ('daily','breaking')),"
	"  day INTEGER NOT NULL,"
	"  alert_id INTEGER NOT NULL DEFAULT 0,"
	"  since INTEGER NOT NULL DEFAULT 0,"
	"  upto INTEGER NOT NULL DEFAULT 0,"
	"  title TEXT NOT NULL DEFAULT '',"
	"  body TEXT NOT NULL DEFAULT '',"
	"  url TEXT NOT NULL DEFAULT '',"
	"  category_id INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  UNIQUE(kind, day, alert_id));"
	"CREATE TABLE digest_queue("
	"  id INTEGER PRIMARY KEY,"
	"  digest_id INTEGER REFERENCES digests(id) ON DELETE CASCADE,"
	"  subscriber_id INTEGER NOT NULL REFERENCES digest_subscribers(id) ON DELETE CASCADE,"
	"  state TEXT NOT NULL DEFAULT 'queued' CHECK(state IN"
	"    ('queued','sending','committed','sent','skipped','failed','bounced','unknown')),"
	"  tries INTEGER NOT NULL DEFAULT 0,"
	"  next_at INTEGER NOT NULL,"
	"  claimed_at INTEGER NOT NULL DEFAULT 0,"
	"  sent_at INTEGER NOT NULL DEFAULT 0,"
	"  error TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL,"
	"  UNIQUE(digest_id, subscriber_id));"
	"CREATE INDEX digest_queue_due ON digest_queue(state, next_at);"
	"CREATE INDEX digest_queue_subscriber ON digest_queue(subscriber_id, created_at);",
	/* 29: the article page's related stories from indexes. Each
	 * article_tags row carries its story's published_at while the story
	 * is published (NULL otherwise), kept by the two triggers, so "the
	 * newest stories with tag T" is a short range of article_tags_newest
	 * rather than a sort of every story with the tag, and the related
	 * block (store_sqlite.c, related_sql) reads a few index entries per
	 * tag instead of walking the newest stories testing each. The insert
	 * trigger also fills the column for rows "khabar copy" writes.
	 * Self-contained: renumber freely. */
	"ALTER TABLE article_tags ADD COLUMN published_at INTEGER;"
	"UPDATE article_tags SET published_at = (SELECT a.published_at FROM articles a"
	"  WHERE a.id = article_tags.article_id AND a.status = 'published');"
	"CREATE INDEX article_tags_newest ON article_tags(tag_id, published_at DESC, article_id)"
	"  WHERE published_at IS NOT NULL;"
	"CREATE TRIGGER article_tags_published AFTER INSERT ON article_tags BEGIN"
	"  UPDATE article_tags SET published_at = (SELECT a.published_at FROM articles a"
	"    WHERE a.id = new.article_id AND a.status = 'published')"
	"  WHERE article_id = new.article_id AND tag_id = new.tag_id; END;"
	"CREATE TRIGGER articles_tags_published AFTER UPDATE OF status, published_at ON articles"
	"  WHEN old.status IS NOT new.status OR old.published_at IS NOT new.published_at BEGIN"
	"  UPDATE article_tags SET published_at = CASE WHEN new.status = 'published'"
	"    THEN new.published_at END WHERE article_id = new.id; END;",
};

const int kb_migrations_count = (int)(sizeof kb_migrations / sizeof kb_migrations[0]);
