/*
 * test_copy.c: "khabar copy" between SQLite files (src/db/copy.c): a site
 * with stories, tags, a category tree, users, photos, secrets and a push
 * subscription copied value for value (types, bytes, NULLs, Hindi), with
 * its search index and content version sane; a destination that holds a
 * site refused and left alone; a copy that fails leaving no file; bad
 * sources named; and the list of tables checked against the schema, so a
 * table or column added later cannot be left out of the copy unnoticed.
 * With KHABAR_PG (make unit-pg) the same against PostgreSQL: its schema
 * covered, and a site to PostgreSQL and back value for value (bytea,
 * NULLs); without it those tests skip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/pg.h"
#include "db/store.h"
#include "search/query.h"
/* The source is an SQLite file the tests also write with sqlite3 itself. */
#define TEMPDB_SQLITE_ONLY
#include "tempdb.h"

/* The copy's destination, next to the tempdb source. */
static char dst_path[128];

static void dst_remove(void)
{
	static const char *const suffix[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		char p[160];
		snprintf(p, sizeof p, "%s%s", dst_path, suffix[i]);
		unlink(p);
	}
}

static int setup(void **state)
{
	store *st = tempdb_open("copy");
	if (!st)
		return -1;
	snprintf(dst_path, sizeof dst_path, "/tmp/khabar-copy-dst-%d.db", (int)getpid());
	dst_remove();
	*state = st;
	return 0;
}

static int teardown(void **state)
{
	dst_remove();
	return tempdb_teardown(state);
}

/* Runs sql on the file at path with SQLite itself, as another program would. */
static void raw(const char *path, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

/* A small site in st: a category tree, stories (one with no category and
 * Hindi everywhere), tags, users, photos, a secret, settings and a push
 * subscription whose keys hold zero bytes. */
static void make_site(store *st)
{
	assert_int_equal(store_category_add(st, "देश", "desh", 1), 0);
	assert_int_equal(store_category_add(st, "राज्य", "rajya", 2), 0);
	/* The parent has the larger id: the copy cannot simply go in id order. */
	assert_int_equal(store_category_set_parent(st, 1, 2), 0);
	assert_int_equal(store_setting_set(st, "name", "ख़बर पोर्टल"), 0);
	int64_t uid, mid, id;
	assert_int_equal(store_user_add(st, "Sunita", "सुनीता", ROLE_EDITOR, "$hash$", &uid), 0);
	/* A photo made (its derivatives' bytes, zeros among them) and one
	 * still waiting with its original. */
	static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0x00, 0x10, 0x00, 0xD9};
	assert_int_equal(
		store_media_add(st, "abc123", "फ़ोटो.jpg", "image/jpeg", jpeg, sizeof jpeg, uid, &mid), 0);
	const kb_media_file files[] = {{"320.webp", "RIFF\0\0\0\0WEBP", 12},
				       {"social.jpg", jpeg, sizeof jpeg}};
	assert_int_equal(store_media_ready(st, mid, 0, 1600, 900, "320,640,1600", files, 2), 0);
	assert_int_equal(
		store_media_add(st, "def456", "दूसरी.png", "image/png", "\x89PNG\r\n\x1a\n\0", 9, uid, &id),
		0);
	const char *tags[] = {"चुनाव", "मौसम"};
	for (int i = 0; i < 3; i++) {
		char title[128], slug[32];
		snprintf(title, sizeof title, "बिहार में चुनाव की तैयारी %d", i);
		snprintf(slug, sizeof slug, "story-%d", i);
		kb_article_input in = {
			.title = title,
			.slug = slug,
			.summary = "सार: ज़िले में मतदान",
			.body = "पहला पैरा\n\nदूसरा पैरा — “उद्धरण”",
			.status = i == 2 ? "draft" : "published",
			.published_at = 1700000000 + i,
			.category_slug = i ? "desh" : NULL,
			.author_name = "राजीव शर्मा",
			.tags = tags,
			.ntags = i ? 2 : 0,
			.dateline = "पटना",
		};
		assert_int_equal(store_article_add(st, &in, &id), 0);
	}
	unsigned char secret[32], out[32];
	for (size_t i = 0; i < sizeof secret; i++)
		secret[i] = (unsigned char)(i * 37);
	secret[3] = 0;
	assert_int_equal(store_secret(st, "session", secret, sizeof secret, out), 0);
	raw(tempdb_path,
	    "INSERT INTO push_subscriptions(endpoint, p256dh, auth, created_at, updated_at) VALUES "
	    "('https://push.example/1', zeroblob(65), x'00ff00ff00ff00ff00ff00ff00ff00ff', 1, 2);"
	    "INSERT INTO push_topics(category_id, sub_id) VALUES (2, 1);"
	    "INSERT INTO redirects(path, target) VALUES ('/पुराना', '/news/story-0');");
}

/* Every row of every table the copy copies, in both files, value for
 * value: the same type, the same bytes. */
static void assert_same_rows(const char *a_path, const char *b_path)
{
	sqlite3 *a, *b;
	assert_int_equal(sqlite3_open(a_path, &a), SQLITE_OK);
	assert_int_equal(sqlite3_open(b_path, &b), SQLITE_OK);
	sqlite3_stmt *tables;
	assert_int_equal(
		sqlite3_prepare_v2(a,
				   "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = "
				   "'table' AND name NOT LIKE 'sqlite%' AND name NOT IN ('meta', 'changes', "
				   "'push_lease') ORDER BY name",
				   -1, &tables, NULL),
		SQLITE_OK);
	int ntables = 0;
	while (sqlite3_step(tables) == SQLITE_ROW) {
		char sql[160];
		snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" ORDER BY 1, 2",
			 sqlite3_column_text(tables, 0));
		sqlite3_stmt *x, *y;
		assert_int_equal(sqlite3_prepare_v2(a, sql, -1, &x, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(b, sql, -1, &y, NULL), SQLITE_OK);
		int rows = 0, rx, ry;
		while ((rx = sqlite3_step(x)) == SQLITE_ROW) {
			ry = sqlite3_step(y);
			if (ry != SQLITE_ROW)
				fail_msg("%s: the copy has %d rows, the source more", sql, rows);
			for (int c = 0; c < sqlite3_column_count(x); c++) {
				int tx = sqlite3_column_type(x, c), ty = sqlite3_column_type(y, c);
				if (tx != ty)
					fail_msg(
						"%s: row %d column %d: type %d on the source, %d in the copy",
						sql, rows, c, tx, ty);
				int nx = sqlite3_column_bytes(x, c), ny = sqlite3_column_bytes(y, c);
				const void *vx = sqlite3_column_blob(x, c), *vy = sqlite3_column_blob(y, c);
				if (nx != ny || (nx && memcmp(vx, vy, (size_t)nx)))
					fail_msg("%s: row %d column %d differs", sql, rows, c);
			}
			rows++;
		}
		if (sqlite3_step(y) != SQLITE_DONE)
			fail_msg("%s: the copy has more rows than the source (%d)", sql, rows);
		sqlite3_finalize(x);
		sqlite3_finalize(y);
		ntables++;
	}
	sqlite3_finalize(tables);
	assert_true(ntables >= 28);
	sqlite3_close(a);
	sqlite3_close(b);
}

static size_t hits(store *st, const char *words)
{
	kb_arena a = {0};
	kb_search_query q = {.limit = 10};
	const char *shown;
	search_parse(&a, words, strlen(words), &q, &shown);
	kb_search_hit *h;
	size_t n, total;
	assert_int_equal(store_search(st, &a, &q, &h, &n, &total), 0);
	kb_arena_free(&a);
	return total;
}

static void a_site_is_copied_value_for_value(void **state)
{
	store *src = *state;
	make_site(src);
	int64_t version = store_content_version(src);
	char *err = NULL;
	FILE *report = tmpfile();
	if (store_copy(tempdb_path, dst_path, report, &err))
		fail_msg("store_copy: %s", err);
	assert_null(err);
	assert_same_rows(tempdb_path, dst_path);

	/* One line per table, the counts side by side. */
	char line[512];
	int articles = 0, skipped = 0;
	rewind(report);
	while (fgets(line, sizeof line, report)) {
		if (!strncmp(line, "articles ", 9)) {
			articles = 1;
			assert_string_equal(line, "articles                      3          3\n");
		}
		skipped += strstr(line, "not copied:") != NULL;
	}
	fclose(report);
	assert_true(articles);
	assert_int_equal(skipped, 6); /* meta, changes, search, search_dirty, push_lease, rate_hits */

	char *oerr = NULL;
	store *dst = store_open(dst_path, 0, &oerr);
	assert_non_null(dst);
	/* The index is rebuilt: the two published stories, by a word of the
	 * body and by a tag. */
	assert_int_equal(hits(dst, "पैरा"), 2);
	assert_int_equal(hits(dst, "मौसम"), 1);
	/* A server that knew the source's version sees the copy as changed. */
	assert_true(store_content_version(dst) > version);
	/* New rows get new ids. */
	int64_t id;
	kb_article_input in = {.title = "नई ख़बर", .status = "draft"};
	assert_int_equal(store_article_add(dst, &in, &id), 0);
	assert_int_equal(id, 4);
	kb_arena a = {0};
	const char *result;
	assert_int_equal(store_integrity_check(dst, &a, &result), 0);
	assert_string_equal(result, "ok");
	kb_arena_free(&a);
	store_close(dst);
}

static void a_destination_with_a_site_is_refused(void **state)
{
	store *src = *state;
	make_site(src);
	char *err = NULL;
	assert_int_equal(store_copy(tempdb_path, dst_path, NULL, &err), 0);
	raw(dst_path, "UPDATE settings SET value = 'बदला' WHERE key = 'name'");
	/* Into a copy, and into the source itself. */
	const char *targets[] = {dst_path, tempdb_path};
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(store_copy(tempdb_path, targets[i], NULL, &err), STORE_ERROR);
		assert_non_null(strstr(err, "already holds a site"));
		assert_non_null(strstr(err, "articles 3"));
		assert_non_null(strstr(err, "new, empty database"));
		assert_null(strchr(err, '\n'));
		free(err);
	}
	char *oerr = NULL;
	store *dst = store_open(dst_path, 1, &oerr);
	kb_arena a = {0};
	kb_settings set;
	assert_int_equal(store_settings(dst, &a, &set), 0);
	assert_string_equal(set.name, "बदला");
	kb_arena_free(&a);
	store_close(dst);
}

/* A server started on the empty destination made its own secret: that
 * is no site, and the source's secret replaces it (its sessions and
 * forms stay valid). */
static void a_destination_a_server_started_on_is_still_empty(void **state)
{
	store *src = *state;
	make_site(src);
	char *err = NULL;
	store *dst = store_open(dst_path, 0, &err);
	assert_non_null(dst);
	unsigned char mine[32] = {1, 2, 3}, out[32];
	assert_int_equal(store_secret(dst, "csrf", mine, sizeof mine, out), 0);
	store_close(dst);
	if (store_copy(tempdb_path, dst_path, NULL, &err))
		fail_msg("store_copy: %s", err);
	assert_same_rows(tempdb_path, dst_path);
}

/* A source whose rows break a foreign key (written with the checks off):
 * the destination refuses the row, the copy stops and its new file goes. */
static void a_failed_copy_leaves_no_file(void **state)
{
	store *src = *state;
	make_site(src);
	raw(tempdb_path,
	    "PRAGMA foreign_keys = OFF; INSERT INTO sessions(token_hash, user_id, csrf, created_at, "
	    "seen_at, expires_at) VALUES ('t', 99, 'c', 1, 1, 1)");
	char *err = NULL;
	assert_int_equal(store_copy(tempdb_path, dst_path, NULL, &err), STORE_ERROR);
	assert_non_null(strstr(err, "copy failed, nothing written"));
	assert_non_null(strstr(err, "sessions"));
	assert_null(strchr(err, '\n'));
	free(err);
	assert_int_not_equal(access(dst_path, F_OK), 0);
}

static void bad_sources_are_named_and_nothing_is_written(void **state)
{
	char *err = NULL;
	assert_int_equal(store_copy("/nonexistent/site.db", dst_path, NULL, &err), STORE_ERROR);
	assert_non_null(strstr(err, "cannot read the source"));
	free(err);

	/* A file that is not khabar's. */
	raw(dst_path, "CREATE TABLE notes(x)");
	char other[160];
	snprintf(other, sizeof other, "%s-other", dst_path);
	assert_int_equal(store_copy(dst_path, other, NULL, &err), STORE_ERROR);
	assert_non_null(strstr(err, "holds no khabar site"));
	free(err);
	assert_int_not_equal(access(other, F_OK), 0);
	/* ...nor taken as an empty destination. */
	assert_int_equal(store_copy(tempdb_path, dst_path, NULL, &err), STORE_ERROR);
	assert_non_null(strstr(err, "not khabar's"));
	free(err);
	dst_remove();

	/* A schema newer than this khabar's. */
	raw(tempdb_path, "PRAGMA user_version = 999");
	assert_int_equal(store_copy(tempdb_path, dst_path, NULL, &err), STORE_ERROR);
	assert_non_null(strstr(err, "newer than this khabar"));
	assert_non_null(strstr(err, "999"));
	free(err);
	assert_int_not_equal(access(dst_path, F_OK), 0);
}

static void the_table_list_covers_the_schema(void **state)
{
	store *st = *state;
	kb_buf problems = {0};
	assert_int_equal(store_copy_covers(st, &problems), 0);
	if (problems.len)
		fail_msg("the copy's list and the schema differ:\n%s", problems.data);

	/* A table or a column added without telling the list is found. */
	raw(tempdb_path, "CREATE TABLE polls(id INTEGER PRIMARY KEY, question TEXT NOT NULL);"
			 "ALTER TABLE articles ADD COLUMN subtitle TEXT NOT NULL DEFAULT ''");
	assert_int_equal(store_copy_covers(st, &problems), 0);
	assert_non_null(strstr(kb_buf_str(&problems), "table polls"));
	assert_non_null(strstr(kb_buf_str(&problems), "articles.subtitle"));
	kb_buf_free(&problems);
	/* And the copy refuses to run rather than leave them behind. */
	char *err = NULL;
	assert_int_equal(store_copy(tempdb_path, dst_path, NULL, &err), STORE_ERROR);
	assert_non_null(strstr(err, "polls"));
	free(err);
	assert_int_not_equal(access(dst_path, F_OK), 0);
}

/* A new, empty database on the test cluster (KHABAR_PG): its URL in out;
 * 0 when there is no cluster (the test skips). */
static int pg_new_db(char *out, size_t n)
{
	const char *u = getenv("KHABAR_PG");
	if (!u || !*u)
		return 0;
	static int count;
	char name[64], sql[128];
	snprintf(name, sizeof name, "copy_%d_%d", (int)getpid(), ++count);
	char *err = NULL;
	pg_conn *admin = pg_open(u, 10000, &err);
	if (!admin)
		fail_msg("cannot connect: %s", err);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
	assert_int_equal(pg_exec(admin, sql), 0);
	pg_close(admin);
	const char *slash = strchr(u + strlen("postgresql://"), '/'), *q = strchr(u, '?');
	snprintf(out, n, "%.*s/%s%s", (int)(slash - u), u, name, q ? q : "");
	return 1;
}

static void the_table_list_covers_the_postgresql_schema(void **state)
{
	char url[1024];
	if (!pg_new_db(url, sizeof url))
		skip();
	char *err = NULL;
	store *st = store_open(url, 0, &err);
	if (!st)
		fail_msg("store_open: %s", err);
	kb_buf problems = {0};
	assert_int_equal(store_copy_covers(st, &problems), 0);
	if (problems.len)
		fail_msg("the copy's list and the PostgreSQL schema differ:\n%s", problems.data);
	store_close(st);
}

static void a_site_goes_to_postgresql_and_back_value_for_value(void **state)
{
	char url[1024], url2[1024];
	if (!pg_new_db(url, sizeof url) || !pg_new_db(url2, sizeof url2))
		skip();
	store *src = *state;
	make_site(src);
	char *err = NULL;
	if (store_copy(tempdb_path, url, NULL, &err))
		fail_msg("to PostgreSQL: %s", err);
	if (store_copy(url, url2, NULL, &err))
		fail_msg("PostgreSQL to PostgreSQL: %s", err);
	if (store_copy(url2, dst_path, NULL, &err))
		fail_msg("back: %s", err);
	assert_same_rows(tempdb_path, dst_path);

	/* On PostgreSQL: the index rebuilt, new ids past the copied ones. */
	store *pg = store_open(url2, 0, &err);
	assert_non_null(pg);
	assert_int_equal(hits(pg, "पैरा"), 2);
	int64_t id;
	kb_article_input in = {.title = "नई ख़बर", .status = "draft"};
	assert_int_equal(store_article_add(pg, &in, &id), 0);
	assert_int_equal(id, 4);
	store_close(pg);

	/* A site there is refused, and a copy that fails leaves it alone. */
	assert_int_equal(store_copy(tempdb_path, url, NULL, &err), STORE_ERROR);
	assert_non_null(strstr(err, "already holds a site"));
	free(err);
	char url3[1024];
	assert_true(pg_new_db(url3, sizeof url3));
	raw(tempdb_path,
	    "PRAGMA foreign_keys = OFF; INSERT INTO sessions(token_hash, user_id, csrf, created_at, "
	    "seen_at, expires_at) VALUES ('t', 99, 'c', 1, 1, 1)");
	assert_int_equal(store_copy(tempdb_path, url3, NULL, &err), STORE_ERROR);
	assert_non_null(strstr(err, "left as it was"));
	assert_non_null(strstr(err, "sessions"));
	assert_null(strchr(err, '\n'));
	free(err);
	pg = store_open(url3, 0, &err);
	assert_non_null(pg);
	kb_arena a = {0};
	kb_user u;
	assert_int_equal(store_user_by_login(pg, &a, "sunita", &u, NULL), STORE_NOTFOUND);
	assert_int_equal(store_category_by_slug(pg, &a, "desh", &(kb_category){0}), STORE_NOTFOUND);
	kb_arena_free(&a);
	store_close(pg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_site_is_copied_value_for_value, setup, teardown),
		cmocka_unit_test_setup_teardown(a_destination_with_a_site_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(a_destination_a_server_started_on_is_still_empty, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_failed_copy_leaves_no_file, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_sources_are_named_and_nothing_is_written, setup,
						teardown),
		cmocka_unit_test_setup_teardown(the_table_list_covers_the_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(the_table_list_covers_the_postgresql_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(a_site_goes_to_postgresql_and_back_value_for_value, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
