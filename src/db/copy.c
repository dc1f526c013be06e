/*
 * copy.c: "khabar copy": a whole site from one database to another, either
 * backend to either (store_copy), and the one list of the schema's tables
 * that says what happens to each (copy_tables), checked against the live
 * schema of both ends before anything is written (store_copy_covers), so a
 * table added later cannot be left behind unnoticed.
 *
 * What it does: the source is read in one snapshot (a read transaction);
 * the destination, which must hold no site, is created or brought up to
 * date by store_open and then written in one transaction, as a bulk load
 * (store_bulk_begin: the change log and the search index's triggers write
 * nothing per row); the search index is rebuilt once, the content version
 * moved past both ends', PostgreSQL's identity sequences set past the
 * copied ids, and every table's count compared with the source's before
 * the commit. Any failure rolls the destination back; a new SQLite file
 * is removed. Rows keep their ids, so links between tables stay as they are.
 *
 * Photos go with the rest: their bytes are rows (media_files). Not here:
 * the command line (src/cli/copy.c) and the media folders, which are
 * caches of those rows (photos made before they were rows are files only:
 * the command says so).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "driver.h"
#include "migrations.h"
#include "ops_store.h"
#include "pg.h"
#include "store_int.h"

/* How many rows a batch of a table read by its key holds: bounded memory
 * on PostgreSQL, whose results arrive whole. */
#define BATCH 500
#define STR_(x) #x
#define STR(x) STR_(x)

/* Positional parameters for an INSERT of n columns. */
#define P1 "$1"
#define P2 P1 ", $2"
#define P3 P2 ", $3"
#define P4 P3 ", $4"
#define P5 P4 ", $5"
#define P6 P5 ", $6"
#define P7 P6 ", $7"
#define P8 P7 ", $8"
#define P9 P8 ", $9"
#define P10 P9 ", $10"
#define P11 P10 ", $11"
#define P12 P11 ", $12"
#define P13 P12 ", $13"
#define P14 P13 ", $14"
#define P15 P14 ", $15"
#define P16 P15 ", $16"
#define P17 P16 ", $17"
#define P18 P17 ", $18"
#define P19 P18 ", $19"
#define P20 P19 ", $20"
#define P21 P20 ", $21"
#define P22 P21 ", $22"
#define P23 P22 ", $23"
#define P24 P23 ", $24"

/*
 * One table of the schema. A copied table has its columns (as both
 * schemas name them) with a type letter each (i integer, t text, b bytes),
 * the SQL that reads it from the source and writes a row to the
 * destination, and its count. A table whose first column is an integer key
 * is read in batches after the last key ($1); the others, whose rows are
 * small, at once. later (1-based, 0: none) is a column that refers to its
 * own table: rows go in with it NULL, and fix_read/fix_write set it after
 * the whole table is in, so no row waits for a parent not yet copied.
 * clear empties the destination's table first: rows a server makes on an
 * empty database, which do not make it a site. A table not copied has only
 * its name and the reason (skip). wipe deletes every row of a copied
 * table: a restore over a site (store_copy_replace) runs them, the last
 * table's first, in the copy's transaction.
 */
typedef struct copy_table {
	const char *name, *cols, *types;
	const char *read, *write, *count;
	int by_key, later;
	int batch; /* rows per batch when by_key; 0: BATCH */
	const char *fix_read, *fix_write, *clear;
	const char *skip, *wipe;
} copy_table;

#define INSERT(t, cols, n) "INSERT INTO " t "(" cols ") VALUES (" P##n ")"
#define KEYED(t, key, cols_, types_, n)                                                                      \
	{                                                                                                    \
		.name = t, .cols = cols_, .types = types_,                                                   \
		.read = "SELECT " cols_ " FROM " t " WHERE " key " > $1 ORDER BY " key " LIMIT " STR(BATCH), \
		.write = INSERT(t, cols_, n), .count = "SELECT count(*) FROM " t, .by_key = 1,               \
		.wipe = "DELETE FROM " t                                                                     \
	}
#define WHOLE(t, cols_, types_, n, order)                                                            \
	{                                                                                            \
		.name = t, .cols = cols_, .types = types_,                                           \
		.read = "SELECT " cols_ " FROM " t " ORDER BY " order, .write = INSERT(t, cols_, n), \
		.count = "SELECT count(*) FROM " t, .wipe = "DELETE FROM " t                         \
	}
#define SKIPPED(t, why)                \
	{                              \
		.name = t, .skip = why \
	}

#define CATEGORY_COLS "id, name, slug, position, parent_id"
#define MEDIA_FILE_COLS "id, media_id, name, bytes"
#define MEDIA_BATCH 8

/* In the order of their foreign keys: a table comes after every table it
 * refers to. Every table of both schemas is here, copied or not. */
static const copy_table copy_tables[] = {
	WHOLE("settings", "key, value", "tt", 2, "key"),
	KEYED("authors", "id", "id, name, slug, bio, role, email, links", "itttttt", 7),
	KEYED("tags", "id", "id, name, slug", "itt", 3),
	{.name = "categories",
	 .cols = CATEGORY_COLS,
	 .types = "ittii",
	 .read = "SELECT " CATEGORY_COLS " FROM categories ORDER BY id",
	 .write = INSERT("categories", CATEGORY_COLS, 5),
	 .count = "SELECT count(*) FROM categories",
	 .later = 5,
	 .fix_read = "SELECT id, parent_id FROM categories WHERE parent_id IS NOT NULL ORDER BY id",
	 .fix_write = "UPDATE categories SET parent_id = $2 WHERE id = $1",
	 .wipe = "DELETE FROM categories"},
	WHOLE("author_areas", "author_id, category_id", "ii", 2, "author_id, category_id"),
	KEYED("users", "id", "id, login, name, role, password, lang, disabled, created_at, author_id",
	      "itttttiii", 9),
	KEYED("media", "id",
	      "id, stem, name, user_id, status, error, type, bytes, width, height, widths, caption, credit, "
	      "created_at, claim, claim_until, claim_pid, claim_host",
	      "ittitttiiitttiiiit", 18),
	/* A photo's bytes: an original may be 20 MB, so a few at a time. */
	{.name = "media_files",
	 .cols = MEDIA_FILE_COLS,
	 .types = "iitb",
	 .read = "SELECT " MEDIA_FILE_COLS
		 " FROM media_files WHERE id > $1 ORDER BY id LIMIT " STR(MEDIA_BATCH),
	 .write = INSERT("media_files", MEDIA_FILE_COLS, 4),
	 .count = "SELECT count(*) FROM media_files",
	 .by_key = 1,
	 .batch = MEDIA_BATCH,
	 .wipe = "DELETE FROM media_files"},
	KEYED("author_photos", "author_id", "author_id, media_id", "ii", 2),
	KEYED("articles", "id",
	      "id, title, slug, summary, body, status, published_at, created_at, updated_at, category_id, "
	      "author_id, image_url, image_caption, image_credit, dateline, breaking, version, publish_at, "
	      "seo_title, seo_description, owner_id, media_id, sticky, modified_at",
	      "itttttiiiiittttiiittiiii", 24),
	KEYED("article_notes", "id", "id, article_id, kind, body, at, user_id", "iittii", 6),
	WHOLE("article_tags", "article_id, tag_id, published_at", "iii", 3, "article_id, tag_id"),
	WHOLE("redirects", "path, target, code", "tti", 3, "path"),
	WHOLE("sessions", "token_hash, user_id, csrf, created_at, seen_at, expires_at, ip, agent", "titiiitt",
	      8, "token_hash"),
	/* A server started on the empty database has made its own. */
	{.name = "secrets",
	 .cols = "name, value",
	 .types = "tb",
	 .read = "SELECT name, value FROM secrets ORDER BY name",
	 .write = INSERT("secrets", "name, value", 2),
	 .count = "SELECT count(*) FROM secrets",
	 .clear = "DELETE FROM secrets",
	 .wipe = "DELETE FROM secrets"},
	KEYED("revisions", "id", "id, article_id, version, user_id, at, kind, title, summary, body, fields",
	      "iiiiittttt", 10),
	KEYED("audit", "id", "id, at, user_id, action, article_id, detail", "iiitit", 6),
	WHOLE("import_accounts", "source, login, email, display_name, author_id, user_id", "ttttii", 6,
	      "source, login"),
	KEYED("import_media", "article_id", "article_id, path, alt, caption, media_id", "ittti", 5),
	WHOLE("password_tokens", "token_hash, user_id, expires_at", "tii", 3, "token_hash"),
	KEYED("push_subscriptions", "id", "id, endpoint, p256dh, auth, all_topics, created_at, updated_at",
	      "itbbiii", 7),
	WHOLE("push_topics", "category_id, sub_id", "ii", 2, "category_id, sub_id"),
	KEYED("push_alerts", "id",
	      "id, title, body, url, image, category_id, urgency, ttl, topic, created_at, state, cursor, max_sub, "
	      "queued, delivered, failed, expired, clicked, user_id, article_id",
	      "ittttitititiiiiiiiii", 20),
	WHOLE("push_deliveries", "alert_id, sub_id, state, attempt, tries, next_at", "iiiiii", 6,
	      "alert_id, sub_id"),
	KEYED("push_scheduled", "article_id", "article_id, user_id, created_at", "iii", 3),
	WHOLE("push_clicks", "alert_id, sub_id", "ii", 2, "alert_id, sub_id"),
	KEYED("tips", "id",
	      "id, ref, name, contact, place, kind, body, digest, ip, status, assignee_id, article_id, seen, "
	      "created_at, updated_at",
	      "itttttttttiiiii", 15),
	WHOLE("tip_media", "tip_id, media_id, position, kept", "iiii", 4, "tip_id, media_id"),
	KEYED("tip_notes", "id", "id, tip_id, user_id, body, created_at", "iiiti", 5),
	KEYED("mail_queue", "id", "id, tip_id, tries, next_at, error, created_at, to_reader", "iiiitii", 7),
	KEYED("grievances", "id", "id, tip_id, ref, received_at, acknowledged_at, decided_at", "iitiii", 6),
	KEYED("pages", "id",
	      "id, slug, title, body, status, footer, version, created_at, updated_at, published_at, updated_by",
	      "ittttiiiiii", 11),
	KEYED("page_revisions", "id", "id, page_id, version, user_id, at, kind, slug, title, body",
	      "iiiiitttt", 9),
	KEYED("menu_items", "id", "id, menu, position, label, url", "ititt", 5),
	KEYED("live_coverage", "article_id", "article_id, started_at, ends_at, closed_at, seq, user_id",
	      "iiiiii", 6),
	KEYED("live_entries", "id",
	      "id, article_id, seq, body, link, media_id, pinned, key_event, deleted, user_id, created_at, "
	      "updated_at",
	      "iiittiiiiiii", 12),
	WHOLE("article_reads", "article_id, hour, reads", "iii", 3, "article_id, hour"),
	WHOLE("mostread_lists", "scope, period, position, article_id", "iiii", 4, "scope, period, position"),
	KEYED("digest_subscribers", "id",
	      "id, email, state, frequency, bounces, ip, created_at, confirmed_at, unsubscribed_at, updated_at",
	      "itttitiiii", 10),
	WHOLE("digest_topics", "subscriber_id, category_id", "ii", 2, "subscriber_id, category_id"),
	KEYED("digests", "id",
	      "id, kind, day, alert_id, since, upto, title, body, url, category_id, created_at",
	      "itiiiitttii", 11),
	KEYED("digest_queue", "id",
	      "id, digest_id, subscriber_id, state, tries, next_at, claimed_at, sent_at, error, created_at",
	      "iiitiiiiti", 10),
	KEYED("login_failures", "id", "id, account, address, fresh, at", "ittii", 5),
	WHOLE("login_known", "account, address, at", "tti", 3, "account, address"),
	SKIPPED("meta", "bookkeeping of the database itself (schema version, search edition); "
			"its content version is moved past the source's"),
	SKIPPED("changes", "the page cache's log of recent changes; the destination starts its own"),
	SKIPPED("search", "the search index, rebuilt from the copied stories"),
	SKIPPED("search_dirty", "stories waiting to be indexed; the rebuild indexes them all"),
	SKIPPED("push_lease", "which running process delivers push alerts; the destination's is free"),
	SKIPPED("rate_hits", "per-address counts of the last hour; the destination starts afresh"),
};

/* ---- the schema as the database has it ---- */

/* A column of a table of the live schema, with its type letter as in
 * copy_table ('?': a type the copy does not move). */
typedef struct schema_col {
	const char *table, *name;
	char type;
} schema_col;

/* dialect: SQLite lists its tables with pragma_table_list (FTS5's shadow
 * tables have a type of their own, so only the index itself shows) and
 * their columns with pragma_table_info; PostgreSQL with
 * information_schema, the tables of the connection's schema. */
static const char schema_sqlite[] =
	"SELECT t.name, c.name, upper(c.type) FROM pragma_table_list t JOIN pragma_table_info(t.name) c "
	"WHERE t.schema = 'main' AND t.type IN ('table', 'virtual') AND t.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
	"ORDER BY t.name, c.cid";
static const char schema_pg[] =
	"SELECT c.table_name, c.column_name, c.udt_name FROM information_schema.columns c "
	"JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
	"WHERE t.table_schema = current_schema() AND t.table_type = 'BASE TABLE' "
	"ORDER BY c.table_name, c.ordinal_position";

static char type_letter(const char *t)
{
	static const struct {
		const char *name;
		char letter;
	} types[] = {{"INTEGER", 'i'}, {"int8", 'i'}, {"TEXT", 't'}, {"text", 't'},
		     {"citext", 't'},  {"BLOB", 'b'}, {"bytea", 'b'}};
	for (size_t i = 0; i < KB_COUNT(types); i++)
		if (!strcmp(t, types[i].name))
			return types[i].letter;
	return '?';
}

/* Every column of every table st's schema has, by table, in a. */
static int schema_read(store *st, kb_arena *a, schema_col **out, size_t *n)
{
	db_stmt *s = db_prepare(st, db_is_pg(st) ? schema_pg : schema_sqlite);
	schema_col *v = NULL;
	size_t len = 0, cap = 0;
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		v = kb_arena_grow(a, v, len, &cap, sizeof *v);
		v[len].table = db_col_text(a, s, 0);
		v[len].name = db_col_text(a, s, 1);
		v[len].type = type_letter(db_col_peek(s, 2));
		len++;
	}
	db_reset(s);
	if (rc != DB_DONE)
		return db_fail(st, "cannot read the schema");
	*out = v;
	*n = len;
	return STORE_OK;
}

/* The list's entry for table, or NULL. */
static const copy_table *listed(const char *table)
{
	for (size_t i = 0; i < KB_COUNT(copy_tables); i++)
		if (!strcmp(copy_tables[i].name, table))
			return &copy_tables[i];
	return NULL;
}

/* The position of name in cols ("a, b, c"), or -1; and the number of
 * columns in *count. */
static int col_index(const char *cols, const char *name, int *count)
{
	size_t n = name ? strlen(name) : 0;
	int found = -1, i = 0;
	for (const char *p = cols;; i++) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (found < 0 && name && len == n && !memcmp(p, name, n))
			found = i;
		if (!e)
			break;
		p = e + 2;
	}
	if (count)
		*count = i + 1;
	return found;
}

static int has_table(const schema_col *v, size_t n, const char *table)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].table, table))
			return 1;
	return 0;
}

/* The ith column name of cols, copied into a. */
static const char *col_name(kb_arena *a, const char *cols, int i)
{
	const char *p = cols;
	for (; i > 0; i--)
		p = strchr(p, ',') + 2;
	const char *e = strchr(p, ',');
	return kb_arena_strndup(a, p, e ? (size_t)(e - p) : strlen(p));
}

/* Appends a line to problems. */
static void problem(kb_buf *b, const char *fmt, ...) KB_PRINTF(2, 3);
static void problem(kb_buf *b, const char *fmt, ...)
{
	if (b->len)
		kb_buf_putc(b, '\n');
	va_list ap;
	va_start(ap, fmt);
	kb_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/* Appends to problems a line for each way the schema v disagrees with the
 * list: a table or column the list does not know, a copied one the schema
 * lacks, a column of another type. */
static void covers(const schema_col *v, size_t n, kb_arena *a, kb_buf *problems)
{
	for (size_t i = 0; i < n; i++) {
		if (i && !strcmp(v[i].table, v[i - 1].table) && !listed(v[i].table))
			continue;
		const copy_table *t = listed(v[i].table);
		if (!t) {
			problem(problems,
				"table %s is not in copy.c's list of tables: add it, copied or skipped",
				v[i].table);
			continue;
		}
		if (t->skip)
			continue;
		int at = col_index(t->cols, v[i].name, NULL);
		if (at < 0)
			problem(problems, "column %s.%s is not in copy.c's list: add it", t->name, v[i].name);
		else if (t->types[at] != v[i].type)
			problem(problems,
				"column %s.%s is of type '%c' in the schema, '%c' in copy.c's list "
				"(i integer, t text, b bytes)",
				t->name, v[i].name, v[i].type, t->types[at]);
	}
	for (size_t k = 0; k < KB_COUNT(copy_tables); k++) {
		const copy_table *t = &copy_tables[k];
		if (t->skip)
			continue;
		int count;
		col_index(t->cols, NULL, &count);
		if ((size_t)count != strlen(t->types))
			problem(problems, "copy.c's list gives %s %zu types for %d columns", t->name,
				strlen(t->types), count);
		if (!has_table(v, n, t->name)) {
			problem(problems, "table %s of copy.c's list is not in the schema", t->name);
			continue;
		}
		for (int c = 0; c < count; c++) {
			const char *name = col_name(a, t->cols, c);
			int found = 0;
			for (size_t i = 0; i < n && !found; i++)
				found = !strcmp(v[i].table, t->name) && !strcmp(v[i].name, name);
			if (!found)
				problem(problems, "column %s.%s of copy.c's list is not in the schema",
					t->name, name);
		}
	}
}

int store_copy_covers(store *st, kb_buf *problems)
{
	kb_arena a = {0};
	schema_col *v;
	size_t n;
	int rc = schema_read(st, &a, &v, &n);
	if (rc == STORE_OK)
		covers(v, n, &a, problems);
	kb_arena_free(&a);
	return rc;
}

/* ---- counting ---- */

/* Rows of table t on st. */
static int count_rows(store *st, const copy_table *t, int64_t *n)
{
	db_stmt *s = db_prepare(st, t->count);
	if (db_one(st, s, "cannot count rows"))
		return STORE_ERROR;
	*n = db_col_int(s, 0);
	db_reset(s);
	return STORE_OK;
}

/* Appends "articles 20, users 3" to held for each copied table of st that
 * has rows (of those the schema v has: an older one may lack some). */
static int site_rows(store *st, const schema_col *v, size_t n, kb_buf *held)
{
	for (size_t k = 0; k < KB_COUNT(copy_tables); k++) {
		const copy_table *t = &copy_tables[k];
		int64_t rows;
		if (t->skip || t->clear || !has_table(v, n, t->name))
			continue;
		if (count_rows(st, t, &rows))
			return STORE_ERROR;
		if (rows)
			kb_buf_printf(held, "%s%s %lld", held->len ? ", " : "", t->name, (long long)rows);
	}
	return STORE_OK;
}

/* ---- copying ---- */

/* Binds the current row of r (a read of t) as the parameters of w. */
static void bind_row(db_stmt *w, db_stmt *r, const copy_table *t)
{
	for (int c = 0; t->types[c]; c++) {
		if (db_col_is_null(r, c) || t->later == c + 1) {
			db_bind_null(w, c + 1);
			continue;
		}
		switch (t->types[c]) {
		case 'i': db_bind_int(w, c + 1, db_col_int(r, c)); break;
		case 't': db_bind_text(w, c + 1, db_col_peek(r, c)); break;
		default: {
			size_t len;
			const void *v = db_col_blob(r, c, &len);
			/* An empty blob comes back as NULL on SQLite, but is not one. */
			db_bind_blob(w, c + 1, v ? v : "", len);
		}
		}
	}
}

/* Copies the rows of t from src to dst (inside dst's transaction). */
static int copy_rows(store *src, store *dst, const copy_table *t)
{
	char what[96];
	snprintf(what, sizeof what, "cannot write the %s table", t->name);
	if (t->clear && db_exec(dst, t->clear))
		return db_fail(dst, what);
	int64_t after = INT64_MIN;
	for (;;) {
		db_stmt *r = db_prepare(src, t->read);
		if (t->by_key)
			db_bind_int(r, 1, after);
		int rc, rows = 0;
		while ((rc = db_step(r)) == DB_ROW) {
			db_stmt *w = db_prepare(dst, t->write);
			bind_row(w, r, t);
			if (db_run(dst, w, what)) {
				db_reset(r);
				return STORE_ERROR;
			}
			after = db_col_int(r, 0);
			rows++;
		}
		db_reset(r);
		if (rc != DB_DONE) {
			snprintf(what, sizeof what, "cannot read the %s table of the source", t->name);
			db_fail(src, what);
			return db_fail_msg(dst, store_errmsg(src));
		}
		if (!t->by_key || rows < (t->batch ? t->batch : BATCH))
			break;
	}
	if (!t->later)
		return STORE_OK;
	/* The column left NULL: now that every row is there. */
	db_stmt *r = db_prepare(src, t->fix_read);
	int rc;
	while ((rc = db_step(r)) == DB_ROW) {
		db_stmt *w = db_prepare(dst, t->fix_write);
		db_bind_int(w, 1, db_col_int(r, 0));
		db_bind_int(w, 2, db_col_int(r, 1));
		if (db_run(dst, w, what)) {
			db_reset(r);
			return STORE_ERROR;
		}
	}
	db_reset(r);
	if (rc != DB_DONE) {
		db_fail(src, "cannot read the source");
		return db_fail_msg(dst, store_errmsg(src));
	}
	return STORE_OK;
}

/* dialect: PostgreSQL's identity columns draw from sequences the copied
 * ids did not move: each is set past the largest id of its table, so a new
 * row does not collide. (A new SQLite rowid is the largest plus one.) The
 * sequences of every identity column, so a table added later is not
 * forgotten; setval is not undone by a rollback, which only skips ids. */
static const char pg_sequences[] =
	"DO $$ DECLARE r record; BEGIN "
	"FOR r IN SELECT table_name, column_name FROM information_schema.columns "
	"  WHERE table_schema = current_schema() AND is_identity = 'YES' LOOP "
	"  EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L), coalesce(max(%I), 0) + 1, false) "
	"    FROM %I', r.table_name, r.column_name, r.column_name, r.table_name); "
	"END LOOP; END $$";

/* Moves dst's content version past src's (and its own), so a server that
 * knew either sees every page as stale. */
static int content_version_move(store *src, store *dst)
{
	static const char sql[] = "UPDATE meta SET value = $1 WHERE key = 'content_version' AND value < $1";
	int64_t v = store_content_version(src);
	db_stmt *s = db_prepare(dst, sql);
	db_bind_int(s, 1, (v > 0 ? v : 0) + 1);
	return db_run(dst, s, "cannot move the content version");
}

/* The whole copy, inside dst's one transaction, with each table's counts
 * in nsrc and ndst. The caller rolls back on failure. */
static int copy_all(store *src, store *dst, int replace, int64_t *nsrc, int64_t *ndst)
{
	if (store_bulk_begin(dst))
		return STORE_ERROR;
	for (size_t k = KB_COUNT(copy_tables); replace && k-- > 0;)
		if (copy_tables[k].wipe && db_exec(dst, copy_tables[k].wipe))
			return db_fail(dst, "cannot delete the site being replaced");
	for (size_t k = 0; k < KB_COUNT(copy_tables); k++)
		if (!copy_tables[k].skip && copy_rows(src, dst, &copy_tables[k]))
			return STORE_ERROR;
	if (store_bulk_end(dst) || content_version_move(src, dst))
		return STORE_ERROR;
	if (db_is_pg(dst) && db_exec(dst, pg_sequences))
		return db_fail(dst, "cannot move the id sequences");
	for (size_t k = 0; k < KB_COUNT(copy_tables); k++) {
		const copy_table *t = &copy_tables[k];
		if (t->skip)
			continue;
		if (count_rows(src, t, &nsrc[k]))
			return db_fail_msg(dst, store_errmsg(src));
		if (count_rows(dst, t, &ndst[k]))
			return STORE_ERROR;
		if (nsrc[k] != ndst[k]) {
			char msg[160];
			snprintf(msg, sizeof msg, "the %s table has %lld rows on the source but %lld copied",
				 t->name, (long long)nsrc[k], (long long)ndst[k]);
			return db_fail_msg(dst, msg);
		}
	}
	return STORE_OK;
}

/* ---- the two ends ---- */

/* How a database is named to a person: an SQLite file by its path, a
 * PostgreSQL one by host and database, never with its user or password. */
static const char *where(store *st, const char *path)
{
	return db_is_pg(st) ? pg_where(db_pg(st)) : path;
}

/* The schema version this khabar makes on st's backend. */
static int latest(store *st)
{
	return db_is_pg(st) ? pg_schema_latest() : store_schema_latest();
}

/* Problems, one a line, as one line. */
static void one_line(kb_buf *b)
{
	kb_buf out = {0};
	for (size_t i = 0; i < b->len; i++)
		if (b->data[i] == '\n')
			kb_buf_puts(&out, "; ");
		else
			kb_buf_putc(&out, b->data[i]);
	kb_buf_free(b);
	*b = out;
}

/* Opens from for reading and checks that it holds a khabar site this
 * khabar can copy: the store, or NULL with the reason in err. */
static store *open_source(const char *from, kb_arena *a, kb_buf *err)
{
	char *e = NULL;
	store *st = store_open(from, 1, &e);
	if (!st) {
		kb_buf_printf(err, "cannot read the source: %s", e);
		free(e);
		return NULL;
	}
	schema_col *v;
	size_t n;
	kb_buf problems = {0};
	int version;
	if (schema_read(st, a, &v, &n)) {
		kb_buf_printf(err, "cannot read the source %s: %s", where(st, from), store_errmsg(st));
	} else if (!has_table(v, n, "meta")) {
		kb_buf_printf(err,
			      "the source %s holds no khabar site (it has no khabar tables): check --from",
			      where(st, from));
	} else if ((version = store_schema_version(st)) > latest(st)) {
		kb_buf_printf(err,
			      "the source %s has schema version %d, newer than this khabar knows (%d): "
			      "copy with a newer khabar",
			      where(st, from), version, latest(st));
	} else if (version < latest(st)) {
		kb_buf_printf(
			err,
			"the source %s has schema version %d, older than this khabar's (%d): bring it up "
			"to date first (khabar check --db SOURCE does), then copy",
			where(st, from), version, latest(st));
	} else {
		covers(v, n, a, &problems);
		one_line(&problems);
		if (!problems.len)
			return st;
		kb_buf_printf(err, "this khabar cannot copy the source %s: %s", where(st, from),
			      kb_buf_str(&problems));
		kb_buf_free(&problems);
	}
	store_close(st);
	return NULL;
}

/* Whether to may be copied into, looked at without writing to it: a new
 * SQLite file (*created), or a database with no khabar site and nothing
 * else in it. 0, or -1 with the reason in err. */
static int check_destination(const char *to, int replace, int *created, kb_arena *a, kb_buf *err)
{
	*created = !store_is_url(to) && access(to, F_OK) != 0;
	if (*created)
		return 0;
	char *e = NULL;
	store *st = store_open(to, 1, &e);
	if (!st) {
		kb_buf_printf(err, "cannot open the destination: %s", e);
		free(e);
		return -1;
	}
	schema_col *v;
	size_t n;
	kb_buf held = {0};
	int rc = -1, version;
	if (schema_read(st, a, &v, &n)) {
		kb_buf_printf(err, "cannot read the destination %s: %s", where(st, to), store_errmsg(st));
	} else if (!n) {
		rc = 0;
	} else if (!has_table(v, n, "meta")) {
		kb_buf_printf(err,
			      "the destination %s holds tables that are not khabar's (%s...): "
			      "copy into a new, empty database",
			      where(st, to), v[0].table);
	} else if ((version = store_schema_version(st)) > latest(st)) {
		kb_buf_printf(err,
			      "the destination %s has schema version %d, newer than this khabar knows (%d): "
			      "copy with a newer khabar",
			      where(st, to), version, latest(st));
	} else if (site_rows(st, v, n, &held)) {
		kb_buf_printf(err, "cannot read the destination %s: %s", where(st, to), store_errmsg(st));
	} else if (held.len && !replace) {
		kb_buf_printf(err,
			      "the destination %s already holds a site (%s): copy into a new, empty database "
			      "(a new file, or createdb NAME on PostgreSQL), or remove this one first",
			      where(st, to), kb_buf_str(&held));
	} else {
		rc = 0;
	}
	kb_buf_free(&held);
	store_close(st);
	return rc;
}

/* Removes a new SQLite file the copy made, with its companions. */
static void remove_new_file(const char *path)
{
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < KB_COUNT(suffix); i++) {
		kb_buf p = {0};
		kb_buf_printf(&p, "%s%s", path, suffix[i]);
		unlink(kb_buf_str(&p));
		kb_buf_free(&p);
	}
}

static void print_report(FILE *out, store *src, const char *from, store *dst, const char *to,
			 const int64_t *nsrc, const int64_t *ndst, double seconds)
{
	int64_t rows = 0;
	size_t tables = 0;
	fprintf(out, "khabar copy: %s to %s\n", where(src, from), where(dst, to));
	fprintf(out, "%-20s %10s %10s\n", "table", "source", "copy");
	for (size_t k = 0; k < KB_COUNT(copy_tables); k++) {
		const copy_table *t = &copy_tables[k];
		if (t->skip) {
			fprintf(out, "%-20s not copied: %s\n", t->name, t->skip);
			continue;
		}
		fprintf(out, "%-20s %10lld %10lld\n", t->name, (long long)nsrc[k], (long long)ndst[k]);
		rows += ndst[k];
		tables++;
	}
	fprintf(out, "copied: %lld rows of %zu tables, every count equal; search index rebuilt; %.2f s\n",
		(long long)rows, tables, seconds);
}

/* store_copy, and with replace store_copy_replace. */
static int copy_run(const char *from, const char *to, int replace, FILE *report, char **err)
{
	kb_arena a = {0};
	kb_buf e = {0};
	int created = 0;
	store *dst = NULL;
	int64_t nsrc[KB_COUNT(copy_tables)] = {0}, ndst[KB_COUNT(copy_tables)] = {0};
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	*err = NULL;

	/* Everything that can be said without writing is said first. */
	store *src = open_source(from, &a, &e);
	if (!src || check_destination(to, replace, &created, &a, &e))
		goto fail;
	char *oe = NULL;
	dst = store_open(to, 0, &oe);
	if (!dst) {
		kb_buf_printf(&e, "cannot open the destination: %s", oe);
		free(oe);
		goto fail;
	}
	/* dialect: the source is read in one snapshot, so the copy is of one
	 * moment however its servers go on writing (SQLite's read transaction
	 * begins at the first read). */
	if (db_exec(src, db_is_pg(src) ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN")) {
		kb_buf_printf(&e, "cannot read the source %s: %s", where(src, from), store_errmsg(src));
		goto fail;
	}
	if (store_begin(dst)) {
		kb_buf_printf(&e, "cannot write the destination %s: %s", where(dst, to), store_errmsg(dst));
		goto fail;
	}
	/* Again inside the transaction, now on the schema store_open made:
	 * another process may have written since the look. */
	schema_col *v;
	size_t n;
	kb_buf found = {0};
	if (schema_read(dst, &a, &v, &n) == STORE_OK) {
		covers(v, n, &a, &found);
		one_line(&found);
		if (found.len) {
			kb_buf_printf(&e, "this khabar cannot copy into the destination %s: %s",
				      where(dst, to), kb_buf_str(&found));
		} else if (!replace && site_rows(dst, v, n, &found)) {
			kb_buf_printf(&e, "cannot read the destination %s: %s", where(dst, to),
				      store_errmsg(dst));
		} else if (found.len) {
			kb_buf_printf(&e,
				      "the destination %s already holds a site (%s): copy into a new, empty "
				      "database",
				      where(dst, to), kb_buf_str(&found));
		}
	} else {
		kb_buf_printf(&e, "cannot read the destination %s: %s", where(dst, to), store_errmsg(dst));
	}
	kb_buf_free(&found);
	if (e.len)
		goto fail;
	if (copy_all(src, dst, replace, nsrc, ndst) || store_commit(dst)) {
		if (created)
			kb_buf_printf(&e, "copy failed, nothing written (the new file %s is removed): %s", to,
				      store_errmsg(dst));
		else
			kb_buf_printf(&e, "copy failed, the destination %s is left as it was: %s",
				      where(dst, to), store_errmsg(dst));
		goto fail;
	}
	db_rollback(src);
	/* dialect: a new PostgreSQL database has no statistics for its
	 * planner and no visibility map for index-only scans until
	 * autovacuum comes by; a page rendered meanwhile measured three
	 * times slower (the related stories' query). What is committed
	 * stays committed if this fails. */
	if (db_is_pg(dst) && db_exec(dst, "VACUUM (ANALYZE)") && report)
		fprintf(report,
			"note: VACUUM (ANALYZE) of the destination failed (%s); autovacuum will do it\n",
			store_errmsg(dst));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (report)
		print_report(report, src, from, dst, to, nsrc, ndst,
			     (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	store_close(src);
	store_close(dst);
	kb_arena_free(&a);
	return STORE_OK;
fail:
	if (!e.len)
		kb_buf_printf(&e, "cannot copy: %s", dst ? store_errmsg(dst) : "unknown error");
	if (dst) {
		store_rollback(dst);
		store_close(dst);
	}
	if (created)
		remove_new_file(to);
	if (src) {
		db_rollback(src);
		store_close(src);
	}
	kb_arena_free(&a);
	*err = kb_buf_take(&e, NULL);
	return STORE_ERROR;
}

int store_copy(const char *from, const char *to, FILE *report, char **err)
{
	return copy_run(from, to, 0, report, err);
}

int store_copy_replace(const char *from, const char *to, FILE *report, char **err)
{
	return copy_run(from, to, 1, report, err);
}
