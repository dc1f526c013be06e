/*
 * test_search_pg.c: the full-text index on PostgreSQL (src/db/search_pg.c
 * with the schema of pg_schema.c) on a database of the test cluster
 * (KHABAR_PG): kept in step with articles, tags and names by the triggers
 * and the flush, and searched with the reader's query language.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/migrations.h"
#include "db/pg.h"
#include "db/search_pg.h"
#include "search/query.h"

typedef struct fixture {
	pg_conn *c;
	search_terms *t;
	kb_arena a;
} fixture;

static pg_conn *open_url(const char *u)
{
	char *err = NULL;
	pg_conn *c = pg_open(u, 10000, &err);
	if (!c)
		fail_msg("cannot connect: %s", err);
	return c;
}

/* A new database on the cluster, with the schema. */
static int setup(void **state)
{
	const char *u = getenv("KHABAR_PG");
	if (!u || !*u)
		fail_msg("KHABAR_PG is not set: run this through make unit-pg");
	static int n;
	char name[64], sql[128], url[1024];
	snprintf(name, sizeof name, "search_%d_%d", (int)getpid(), ++n);
	pg_conn *admin = open_url(u);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
	assert_int_equal(pg_exec(admin, sql), 0);
	pg_close(admin);
	const char *slash = strchr(u + strlen("postgresql://"), '/'), *q = strchr(u, '?');
	snprintf(url, sizeof url, "%.*s/%s%s", (int)(slash - u), u, name, q ? q : "");
	fixture *f = calloc(1, sizeof *f);
	f->c = open_url(url);
	f->t = search_terms_new();
	kb_buf err = {0};
	if (pg_schema_migrate(f->c, &err))
		fail_msg("schema: %s", err.data);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	pg_close(f->c);
	search_terms_free(f->t);
	kb_arena_free(&f->a);
	free(f);
	return 0;
}

static void run(fixture *f, const char *sql)
{
	if (pg_exec(f->c, sql))
		fail_msg("%s: %s", sql, pg_errmsg(f->c));
}

/* Writes what the triggers marked, as the store does before commit. */
static void flush(fixture *f)
{
	if (pg_search_flush(f->c, f->t))
		fail_msg("flush: %s", pg_errmsg(f->c));
}

/* The ids q finds, best first, as "1 2 3" (and the total). */
static const char *find(fixture *f, const char *typed, size_t *total)
{
	kb_search_query q = {.limit = 20};
	const char *shown;
	search_parse(&f->a, typed, strlen(typed), &q, &shown);
	pg_search_row *rows;
	size_t n, tot;
	if (pg_search_ids(f->c, f->t, &f->a, &q, &rows, &n, &tot))
		fail_msg("search %s: %s", typed, pg_errmsg(f->c));
	kb_buf b = {0};
	for (size_t i = 0; i < n; i++)
		kb_buf_printf(&b, "%s%lld", i ? " " : "", (long long)rows[i].id);
	if (total)
		*total = tot;
	const char *s = kb_arena_strndup(&f->a, b.data ? b.data : "", b.len);
	kb_buf_free(&b);
	return s;
}

static void seed(fixture *f)
{
	run(f,
	    "INSERT INTO categories(id, name, slug) VALUES (1, 'देश', 'desh'), (2, 'खेल', 'khel');"
	    "INSERT INTO authors(id, name, slug) VALUES (1, 'सुनीता शर्मा', 'sunita');"
	    "INSERT INTO articles(id, title, slug, summary, body, status, published_at, created_at, "
	    "updated_at, category_id, author_id) VALUES "
	    "(1, 'भारत-इज़राइल रक्षा सहयोग पर समझौता', 'a1', 'दोनों देशों ने रक्षा क्षेत्र में समझौता किया', "
	    "'लंबी ख़बर का पाठ', 'published', 100, 1, 1, 1, 1),"
	    "(2, 'क्रिकेट में भारत की जीत', 'a2', 'रोमांचक मुक़ाबला', 'खेल की ख़बर', 'published', 200, 1, 1, 2, NULL),"
	    "(3, 'रक्षा बजट का मसौदा', 'a3', '', 'अभी मसौदा है', 'draft', 0, 1, 1, 1, NULL);");
	flush(f);
}

static void published_stories_are_found_by_their_words(void **state)
{
	fixture *f = *state;
	seed(f);
	size_t total;
	assert_string_equal(find(f, "रक्षा", &total), "1");
	assert_int_equal(total, 1);
	/* Inflected, in Latin letters, by a prefix, a phrase, a negation. */
	assert_string_equal(find(f, "raksha", NULL), "1");
	assert_string_equal(find(f, "भारत", NULL), "2 1");
	assert_string_equal(find(f, "भार*", NULL), "2 1");
	assert_string_equal(find(f, "\"रक्षा सहयोग\"", NULL), "1");
	assert_string_equal(find(f, "\"सहयोग रक्षा\"", NULL), "");
	assert_string_equal(find(f, "भारत -क्रिकेट", NULL), "1");
	/* Category and author names are indexed. */
	assert_string_equal(find(f, "सुनीता", NULL), "1");
	assert_string_equal(find(f, "खेल", NULL), "2");
	/* The draft is not. */
	assert_string_equal(find(f, "मसौदा", NULL), "");
}

static void a_title_match_ranks_above_a_body_match(void **state)
{
	fixture *f = *state;
	run(f,
	    "INSERT INTO articles(id, title, slug, body, status, published_at, created_at, updated_at) VALUES "
	    "(1, 'बाढ़ से तबाही', 'b1', 'नदी का पानी', 'published', 100, 1, 1),"
	    "(2, 'मौसम का हाल', 'b2', 'कहीं बाढ़ की आशंका', 'published', 100, 1, 1);");
	flush(f);
	assert_string_equal(find(f, "बाढ़", NULL), "1 2");
}

static void the_index_follows_edits_renames_and_unpublishing(void **state)
{
	fixture *f = *state;
	seed(f);
	run(f, "UPDATE articles SET title = 'नया शीर्षक चुनाव' WHERE id = 2");
	flush(f);
	assert_string_equal(find(f, "चुनाव", NULL), "2");
	assert_string_equal(find(f, "क्रिकेट", NULL), "");
	/* A tag added, a category renamed. */
	run(f, "INSERT INTO tags(id, name, slug) VALUES (1, 'सीमा', 'seema');"
	       "INSERT INTO article_tags VALUES (1, 1)");
	flush(f);
	assert_string_equal(find(f, "सीमा", NULL), "1");
	run(f, "UPDATE categories SET name = 'राष्ट्र' WHERE id = 1");
	flush(f);
	assert_string_equal(find(f, "राष्ट्र", NULL), "1");
	/* Publishing the draft, unpublishing a story, deleting one. */
	run(f, "UPDATE articles SET status = 'published', published_at = 300 WHERE id = 3");
	flush(f);
	assert_string_equal(find(f, "मसौदा", NULL), "3");
	run(f, "UPDATE articles SET status = 'unpublished' WHERE id = 3");
	assert_string_equal(find(f, "मसौदा", NULL), "");
	run(f, "DELETE FROM articles WHERE id = 1");
	flush(f);
	assert_string_equal(find(f, "सीमा", NULL), "");
	/* The check finds nothing wrong, then a document changed behind the
	 * index's back, and a story published with the triggers paused. */
	kb_buf problems = {0};
	assert_int_equal(pg_search_check(f->c, f->t, &problems), 0);
	assert_int_equal(problems.len, 0);
	run(f, "UPDATE search SET doc = 'x'::tsvector WHERE id = 2");
	run(f, "INSERT INTO meta VALUES ('search_paused', 1);"
	       "INSERT INTO articles(id, title, slug, status, created_at, updated_at) VALUES "
	       "(9, 'छिपी ख़बर', 'a9', 'published', 1, 1);"
	       "DELETE FROM meta WHERE key = 'search_paused'");
	assert_int_equal(pg_search_check(f->c, f->t, &problems), 0);
	assert_non_null(strstr(problems.data, "1 published articles not indexed"));
	assert_non_null(strstr(problems.data, "1 articles indexed with other text (the first: 2)"));
	kb_buf_free(&problems);
	/* A rebuild mends both and gives the same answers. */
	assert_int_equal(pg_search_rebuild(f->c, f->t), 0);
	assert_string_equal(find(f, "चुनाव", NULL), "2");
	assert_string_equal(find(f, "भारत", NULL), "");
	assert_string_equal(find(f, "छिपी", NULL), "9");
	kb_buf ok = {0};
	assert_int_equal(pg_search_check(f->c, f->t, &ok), 0);
	assert_int_equal(ok.len, 0);
}

/* As on SQLite (test_search.c): the form the reader typed ranks first,
 * though its story is older; the matches are the stem's. */
static void the_exact_form_typed_ranks_first(void **state)
{
	fixture *f = *state;
	run(f,
	    "INSERT INTO articles(id, title, slug, body, status, published_at, created_at, updated_at) VALUES "
	    "(1, 'चुनावी भीड़', 'e1', 'पाठ', 'published', 100, 1, 1),"
	    "(2, 'चुनाव रैली में भीड़', 'e2', 'पाठ', 'published', 100, 1, 1),"
	    "(3, 'लड़का मैदान में', 'e3', 'पाठ', 'published', 100, 1, 1),"
	    "(4, 'लड़के मैदान में', 'e4', 'पाठ', 'published', 100, 1, 1);");
	flush(f);
	assert_string_equal(find(f, "चुनावी", NULL), "1 2");
	assert_string_equal(find(f, "चुनाव", NULL), "2 1");
	assert_string_equal(find(f, "लड़का", NULL), "3 4");
	assert_string_equal(find(f, "लड़के", NULL), "4 3");
	assert_string_equal(find(f, "\"लड़का मैदान\"", NULL), "3 4");
	size_t total;
	find(f, "लड़कों", &total);
	assert_int_equal(total, 2);
	/* Typed in Latin letters, the same order. */
	assert_string_equal(find(f, "chunavi", NULL), "1");
	assert_string_equal(find(f, "chunav", NULL), "2 1");
	assert_string_equal(find(f, "ladka", NULL), "3");
	assert_string_equal(find(f, "ladke", NULL), "4");
	assert_string_equal(find(f, "\"ladka maidan\"", NULL), "3");
	find(f, "-chunav maidan", &total);
	assert_int_equal(total, 2);
}

/* A common word: the newest STORE_SEARCH_POOL matches are ranked and the
 * count stops one past them; a rare word far apart in the archive is
 * still found whole (kb_search_newest widening its window of ids). */
static void the_newest_matches_are_ranked_and_counted_to_one_past_the_pool(void **state)
{
	fixture *f = *state;
	run(f,
	    "INSERT INTO articles(id, title, slug, body, status, published_at, created_at, updated_at) "
	    "SELECT i, 'बारिश का मौसम ' || i, 's' || i, 'पाठ', 'published', i, 1, 1 "
	    "FROM generate_series(60001, 60400) i;"
	    "INSERT INTO articles(id, title, slug, body, status, published_at, created_at, updated_at) VALUES "
	    "(3, 'दुर्लभ तितली', 'r1', '', 'published', 3, 1, 1),"
	    "(50000, 'दुर्लभ तितली फिर दिखी', 'r2', '', 'published', 50000, 1, 1),"
	    "(99999, 'दुर्लभ तितली का घर', 'r3', '', 'published', 99999, 1, 1);");
	flush(f);
	size_t total;
	const char *ids = find(f, "बारिश", &total);
	assert_int_equal(total, STORE_SEARCH_POOL + 1);
	/* Equal matches: the newest first, all from the newest 300. */
	assert_true(!strncmp(ids, "60400 60399 ", 12));
	for (const char *p = ids; *p; p = strchr(p, ' ') ? strchr(p, ' ') + 1 : p + strlen(p))
		assert_true(atol(p) > 60400 - STORE_SEARCH_POOL);
	assert_string_equal(find(f, "तितली", &total), "99999 50000 3");
	assert_int_equal(total, 3);
}

static void snippets_mark_the_match(void **state)
{
	fixture *f = *state;
	seed(f);
	kb_search_query q = {.limit = 5};
	const char *shown;
	search_parse(&f->a, "समझौता", strlen("समझौता"), &q, &shown);
	pg_search_row *rows;
	size_t n, total;
	assert_int_equal(pg_search_ids(f->c, f->t, &f->a, &q, &rows, &n, &total), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].snippet, "दोनों देशों ने रक्षा क्षेत्र में \x01समझौता\x02 किया");
}

static void whatever_a_reader_types_is_a_query_or_nothing(void **state)
{
	fixture *f = *state;
	seed(f);
	static const char *const typed[] = {
		"'",       "''",    "\\", "a'b", "!",    "& | !",
		"<->",     ":*",    "(",  ")",   "\"",   "रक्षा'); DROP TABLE articles; --",
		"a:*:*",   "*",     "-",  "--x", "\"\"", "राज** -*",
		"x <2> y", "'\\''",
	};
	for (size_t i = 0; i < sizeof typed / sizeof typed[0]; i++)
		find(f, typed[i], NULL);
	assert_string_equal(find(f, "रक्षा", NULL), "1");
}

static void the_schema_is_made_once_and_a_newer_one_refused(void **state)
{
	fixture *f = *state;
	kb_buf err = {0};
	assert_int_equal(pg_schema_migrate(f->c, &err), 0);
	static const char version[] = "SELECT value FROM meta WHERE key = 'schema_version'";
	pg_stmt *s = pg_prepare(f->c, version);
	assert_int_equal(pg_step(s), PG_ROW);
	assert_int_equal(pg_col_int(s, 0), pg_schema_latest());
	pg_reset(s);
	/* Both backends number their steps alike: the same latest version. */
	assert_int_equal(pg_schema_latest(), kb_migrations_count);
	/* A database made at the baseline takes the later steps: 14 makes
	 * content_version bumps notify. */
	run(f,
	    "CREATE OR REPLACE FUNCTION kb_bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; "
	    "END $$");
	/* As a database at 13 is: without the tables later steps make (18
	 * runs again harmlessly; 17 would not). */
	run(f, "DROP TABLE rate_hits");
	run(f, "UPDATE meta SET value = 13 WHERE key = 'schema_version'");
	assert_int_equal(pg_schema_migrate(f->c, &err), 0);
	assert_int_equal(pg_step(s), PG_ROW);
	assert_int_equal(pg_col_int(s, 0), pg_schema_latest());
	pg_reset(s);
	static const char notifies[] =
		"SELECT prosrc LIKE '%pg_notify%' FROM pg_proc WHERE proname = 'kb_bump'";
	pg_stmt *n = pg_prepare(f->c, notifies);
	assert_int_equal(pg_step(n), PG_ROW);
	assert_int_equal(pg_col_int(n, 0), 1);
	pg_reset(n);
	run(f, "UPDATE meta SET value = value + 1 WHERE key = 'schema_version'");
	assert_int_equal(pg_schema_migrate(f->c, &err), -1);
	assert_non_null(strstr(err.data, "newer than this khabar knows"));
	assert_false(pg_in_tx(f->c));
	kb_buf_free(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(published_stories_are_found_by_their_words, setup, teardown),
		cmocka_unit_test_setup_teardown(a_title_match_ranks_above_a_body_match, setup, teardown),
		cmocka_unit_test_setup_teardown(the_index_follows_edits_renames_and_unpublishing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			the_newest_matches_are_ranked_and_counted_to_one_past_the_pool, setup, teardown),
		cmocka_unit_test_setup_teardown(the_exact_form_typed_ranks_first, setup, teardown),
		cmocka_unit_test_setup_teardown(snippets_mark_the_match, setup, teardown),
		cmocka_unit_test_setup_teardown(whatever_a_reader_types_is_a_query_or_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(the_schema_is_made_once_and_a_newer_one_refused, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
