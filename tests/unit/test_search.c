/*
 * test_search.c: the query reader (src/search/query.c) and the full-text
 * index kept in step with articles (src/db/search_sqlite.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/store.h"
#include "db/sqlite.h"
/* SQLite's index by nature (it reads FTS5 through sqlite3 itself):
 * PostgreSQL's is tested in test_search_pg.c. */
#define TEMPDB_SQLITE_ONLY
#include "tempdb.h"
#include "search/query.h"
#include "search/suggest.h"

static void parse_reads_words_phrases_negation_and_prefix(void **state)
{
	kb_arena a = {0};
	kb_search_query q = {0};
	const char *shown;
	const char *in = "  रक्षा \"समझौता ज्ञापन\" -इज़राइल राज* ";
	size_t pos = search_parse(&a, in, strlen(in), &q, &shown);
	assert_int_equal(pos, 3);
	assert_int_equal(q.nterms, 4);
	assert_string_equal(shown, "रक्षा \"समझौता ज्ञापन\" -इज़राइल राज*");
	assert_string_equal(q.terms[0].text, "रक्षा");
	assert_string_equal(q.terms[1].text, "समझौता ज्ञापन");
	assert_true(q.terms[1].phrase);
	assert_string_equal(q.terms[2].text, "इज़राइल");
	assert_true(q.terms[2].negate);
	assert_string_equal(q.terms[3].text, "राज");
	assert_true(q.terms[3].prefix);
	kb_arena_free(&a);
}

static void parse_takes_syntax_characters_as_text(void **state)
{
	const struct {
		const char *in;
		size_t terms;
	} cases[] = {
		{"\"", 0},  {"*", 0},         {"()", 0},     {":", 0},    {"- -", 0},
		{"AND", 1}, {"NEAR(a b)", 2}, {"\"रक्षा", 1}, {"a\"b", 2}, {"title:x", 1},
	};
	for (size_t i = 0; i < KB_COUNT(cases); i++) {
		kb_arena a = {0};
		kb_search_query q = {0};
		const char *shown;
		search_parse(&a, cases[i].in, strlen(cases[i].in), &q, &shown);
		if (q.nterms != cases[i].terms)
			fail_msg("\"%s\": expected %zu terms, got %zu", cases[i].in, cases[i].terms,
				 q.nterms);
		for (size_t k = 0; k < q.nterms; k++)
			assert_null(strchr(q.terms[k].text, '"'));
		kb_arena_free(&a);
	}
}

static void parse_cuts_at_200_characters(void **state)
{
	kb_buf b = {0};
	for (int i = 0; i < 150; i++)
		kb_buf_puts(&b, "रक "); /* 3 characters, 7 bytes each time */
	kb_arena a = {0};
	kb_search_query q = {0};
	const char *shown;
	search_parse(&a, b.data, b.len, &q, &shown);
	size_t chars = 0;
	for (const char *p = shown; *p; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	assert_true(chars <= SEARCH_MAX_CHARS);
	assert_true(chars >= SEARCH_MAX_CHARS - 3);
	kb_arena_free(&a);
	kb_buf_free(&b);
}

static int setup(void **state)
{
	store *st = tempdb_open("search");
	if (!st || store_category_add(st, "रक्षा", "raksha", 1))
		return -1;
	*state = st;
	return 0;
}

static size_t hits(store *st, const char *text)
{
	kb_arena a = {0};
	kb_search_query q = {.limit = 10};
	const char *shown;
	search_parse(&a, text, strlen(text), &q, &shown);
	kb_search_hit *h;
	size_t n, total;
	assert_int_equal(store_search(st, &a, &q, &h, &n, &total), STORE_OK);
	kb_arena_free(&a);
	return total;
}

/* The title of q's best hit ("" for none), in a. */
static const char *best(store *st, kb_arena *a, const char *text)
{
	kb_search_query q = {.limit = 10};
	const char *shown;
	search_parse(a, text, strlen(text), &q, &shown);
	kb_search_hit *h;
	size_t n, total;
	assert_int_equal(store_search(st, a, &q, &h, &n, &total), STORE_OK);
	return n ? h[0].article.title : "";
}

/* Where the stem merges two words (an adjective and its noun, a verb's
 * forms), the story with the form the reader typed ranks first, though
 * it is the older one; the matches are the stem's. */
static void the_exact_form_typed_ranks_first(void **state)
{
	store *st = *state;
	const char *titles[] = {"चुनावी भीड़", "चुनाव रैली में भीड़", "लड़का मैदान में", "लड़के मैदान में"};
	for (size_t i = 0; i < KB_COUNT(titles); i++) {
		kb_article_input in = {.title = titles[i], .body = "पाठ", .status = "published"};
		int64_t id;
		assert_int_equal(store_article_add(st, &in, &id), STORE_OK);
	}
	kb_arena a = {0};
	assert_string_equal(best(st, &a, "चुनावी"), titles[0]);
	assert_string_equal(best(st, &a, "चुनाव"), titles[1]);
	assert_string_equal(best(st, &a, "लड़का"), titles[2]);
	assert_string_equal(best(st, &a, "लड़के"), titles[3]);
	assert_string_equal(best(st, &a, "\"लड़का मैदान\""), titles[2]);
	assert_int_equal(hits(st, "चुनावी"), 2);
	assert_int_equal(hits(st, "लड़कों"), 2); /* a third form: the stem's matches */
	/* Typed in Latin letters, the same: the form whose key the reader
	 * typed first, the stem's other forms still found. */
	assert_string_equal(best(st, &a, "chunavi"), titles[0]);
	assert_string_equal(best(st, &a, "chunav"), titles[1]);
	assert_string_equal(best(st, &a, "ladka"), titles[2]);
	assert_string_equal(best(st, &a, "ladke"), titles[3]);
	assert_string_equal(best(st, &a, "\"ladka maidan\""), titles[2]);
	assert_int_equal(hits(st, "chunav"), 2);
	assert_int_equal(hits(st, "-chunav maidan"), 2);
	kb_arena_free(&a);
}

/* A common word is counted to one past what a reader can page through
 * (store.h), with a filter or without; a rarer one exactly. */
static void counts_stop_one_past_the_pool(void **state)
{
	store *st = *state;
	assert_int_equal(store_begin(st), STORE_OK);
	for (int i = 0; i < STORE_SEARCH_POOL + 5; i++) {
		char title[64];
		snprintf(title, sizeof title, "बारिश से राहत %d", i);
		kb_article_input in = {.title = title,
				       .body = i % 100 ? "पाठ" : "ओले गिरे",
				       .status = "published",
				       .category_slug = "raksha"};
		int64_t id;
		assert_int_equal(store_article_add(st, &in, &id), STORE_OK);
	}
	assert_int_equal(store_commit(st), STORE_OK);
	assert_int_equal(hits(st, "बारिश"), STORE_SEARCH_POOL + 1);
	assert_int_equal(hits(st, "ओले"), 4);
	kb_arena a = {0};
	kb_search_query q = {.limit = 10, .category_id = 1};
	const char *shown;
	search_parse(&a, "बारिश", strlen("बारिश"), &q, &shown);
	kb_category *cats;
	size_t ncats;
	assert_int_equal(store_category_list(st, &a, &cats, &ncats), STORE_OK);
	q.category_id = cats[0].id;
	kb_search_hit *h;
	size_t n, total;
	assert_int_equal(store_search(st, &a, &q, &h, &n, &total), STORE_OK);
	assert_int_equal(total, STORE_SEARCH_POOL + 1);
	assert_int_equal(n, 10);
	kb_arena_free(&a);
}

static void index_follows_publish_unpublish_and_delete(void **state)
{
	store *st = *state;
	const char *tags[] = {"ड्रोन"};
	kb_article_input in = {.title = "इज़राइल से हेरॉन ड्रोन पहुँचे",
			       .body = "वायुसेना को नए ड्रोन मिले।",
			       .status = "draft",
			       .category_slug = "raksha",
			       .author_name = "राजीव शर्मा",
			       .tags = tags,
			       .ntags = 1};
	int64_t id;
	assert_int_equal(store_article_add(st, &in, &id), STORE_OK);
	assert_int_equal(hits(st, "हेरॉन"), 0); /* drafts are not searchable */
	assert_int_equal(store_article_set_status(st, id, "published"), STORE_OK);
	assert_int_equal(hits(st, "हेरॉन"), 1);
	assert_int_equal(hits(st, "इजराइल"), 1);        /* nukta */
	assert_int_equal(hits(st, "israel"), 1);        /* Latin key */
	assert_int_equal(hits(st, "ड्रोनों"), 1);         /* stem */
	assert_int_equal(hits(st, "पहुंचे"), 1);           /* chandrabindu */
	assert_int_equal(hits(st, "राजीव"), 1);         /* author */
	assert_int_equal(hits(st, "रक्षा"), 1);          /* category */
	assert_int_equal(hits(st, "\"हेरॉन ड्रोन\""), 1); /* phrase in order */
	assert_int_equal(hits(st, "\"ड्रोन हेरॉन\""), 0);
	assert_int_equal(hits(st, "हेरॉन -वायुसेना"), 0);

	/* A rolled-back change leaves the index as it was. */
	assert_int_equal(store_begin(st), STORE_OK);
	assert_int_equal(store_article_set_status(st, id, "unpublished"), STORE_OK);
	assert_int_equal(hits(st, "हेरॉन"), 0);
	store_rollback(st);
	assert_int_equal(hits(st, "हेरॉन"), 1);

	assert_int_equal(store_article_set_status(st, id, "unpublished"), STORE_OK);
	assert_int_equal(hits(st, "हेरॉन"), 0);
	assert_int_equal(store_article_set_status(st, id, "published"), STORE_OK);
	assert_int_equal(store_article_delete(st, id), STORE_OK);
	assert_int_equal(hits(st, "हेरॉन"), 0);
	assert_int_equal(store_article_delete(st, id), STORE_NOTFOUND);
}

static void rebuild_gives_the_same_answers(void **state)
{
	store *st = *state;
	kb_article_input in = {.title = "साइबर ठगी पर पुलिस की कार्रवाई", .status = "published"};
	int64_t id;
	assert_int_equal(store_article_add(st, &in, &id), STORE_OK);
	assert_int_equal(hits(st, "cyber police"), 1);
	assert_int_equal(store_search_rebuild(st), STORE_OK);
	assert_int_equal(hits(st, "cyber police"), 1);
	assert_int_equal(hits(st, "ठगी"), 1);
}

/* An index built under older term rules is built again when the store
 * opens: a story indexed while the triggers were paused (as old terms
 * would be: missing) is found after the reopen, and the edition is
 * recorded. */
static void an_index_of_older_terms_is_rebuilt_at_open(void **state)
{
	store *st = *state;
	assert_int_equal(store_search_pause(st), STORE_OK);
	kb_article_input in = {.title = "पुराने नियमों की खबर", .status = "published"};
	int64_t id;
	assert_int_equal(store_article_add(st, &in, &id), STORE_OK);
	assert_int_equal(sqlite3_exec(sq_db(st),
				      "DELETE FROM meta WHERE key = 'search_paused';"
				      "UPDATE meta SET value = 1 WHERE key = 'search_terms'",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(hits(st, "नियमों"), 0);
	store_close(st);
	char *err = NULL;
	*state = st = store_open(tempdb_path, 0, &err);
	assert_non_null(st);
	assert_int_equal(hits(st, "नियमों"), 1);
	/* Recorded: the next open does not build it again. */
	assert_int_equal(store_search_pause(st), STORE_OK);
	kb_article_input later = {.title = "बिना सूची की खबर", .status = "published"};
	assert_int_equal(store_article_add(st, &later, &id), STORE_OK);
	assert_int_equal(
		sqlite3_exec(sq_db(st), "DELETE FROM meta WHERE key = 'search_paused'", NULL, NULL, NULL),
		SQLITE_OK);
	store_close(st);
	*state = st = store_open(tempdb_path, 0, &err);
	assert_int_equal(hits(st, "सूची"), 0);
	assert_int_equal(store_search_rebuild(st), STORE_OK);
}

static void a_paused_bulk_load_is_indexed_by_the_rebuild(void **state)
{
	store *st = *state;
	assert_int_equal(store_begin(st), STORE_OK);
	assert_int_equal(store_search_pause(st), STORE_OK);
	kb_article_input in = {.title = "थोक में जोड़ी गई खबर", .status = "published"};
	int64_t id;
	assert_int_equal(store_article_add(st, &in, &id), STORE_OK);
	assert_int_equal(hits(st, "थोक"), 0); /* paused: not indexed yet */
	assert_int_equal(store_search_rebuild(st), STORE_OK);
	assert_int_equal(hits(st, "थोक"), 1);
	assert_int_equal(store_commit(st), STORE_OK);
	/* The pause ended with the rebuild: later changes are indexed. */
	in.title = "बाद की खबर";
	assert_int_equal(store_article_add(st, &in, &id), STORE_OK);
	assert_int_equal(hits(st, "बाद"), 1);
}

/* The index holds no copy of the text: FTS5 reads it from search_source,
 * so every change must take a row out while its old text is still there.
 * After each kind of change the old words are gone, the new ones found,
 * and FTS5's own check finds the index matching the text. */
static void assert_index_sound(store *st)
{
	kb_arena a = {0};
	const char *result;
	assert_int_equal(store_integrity_check(st, &a, &result), STORE_OK);
	assert_string_equal(result, "ok");
	kb_arena_free(&a);
}

static void index_stays_exact_through_edits_and_renames(void **state)
{
	store *st = *state;
	const char *tags[] = {"बाढ़", "राहत"};
	kb_article_input in = {.title = "पटना में बाढ़ का पानी उतरा",
			       .body = "गंगा का जलस्तर घटा।",
			       .status = "published",
			       .category_slug = "raksha",
			       .author_name = "सीमा",
			       .tags = tags,
			       .ntags = 2};
	int64_t id = 0, version;
	assert_int_equal(store_article_save(st, &in, 0, 0, "save", &id, &version), STORE_OK);
	assert_int_equal(store_article_set_status(st, id, "published"), STORE_OK);
	assert_int_equal(hits(st, "पटना"), 1);
	assert_index_sound(st);

	/* An edit of title, body and tags. */
	const char *tags2[] = {"राहत", "नाव"};
	in.title = "गया में बाढ़ का पानी उतरा";
	in.body = "फल्गु का जलस्तर घटा।";
	in.tags = tags2;
	kb_arena a = {0};
	kb_article art;
	assert_int_equal(store_article_by_id(st, &a, id, &art), STORE_OK);
	int saved = store_article_save(st, &in, art.version, 0, "save", &id, &version);
	if (saved)
		fail_msg("save: %s", store_errmsg(st));
	assert_int_equal(hits(st, "पटना"), 0);
	assert_int_equal(hits(st, "गंगा"), 0);
	assert_int_equal(hits(st, "फल्गु"), 1);
	assert_int_equal(hits(st, "नाव"), 1);
	assert_index_sound(st);

	/* Renames of a tag and of the category. */
	kb_tag t;
	kb_category c;
	assert_int_equal(store_tag_by_slug(st, &a, "nav", &t), STORE_OK);
	assert_int_equal(store_tag_rename(st, t.id, "स्टीमर", "steamer"), STORE_OK);
	assert_int_equal(hits(st, "नाव"), 0);
	assert_int_equal(hits(st, "स्टीमर"), 1);
	assert_int_equal(store_category_by_slug(st, &a, "raksha", &c), STORE_OK);
	assert_int_equal(store_category_update(st, c.id, "बिहार", "bihar", 1), STORE_OK);
	assert_int_equal(hits(st, "बिहार"), 1);
	assert_int_equal(hits(st, "रक्षा"), 0);
	assert_index_sound(st);

	/* Unpublish, publish again, delete. */
	assert_int_equal(store_article_set_status(st, id, "unpublished"), STORE_OK);
	assert_int_equal(hits(st, "फल्गु"), 0);
	assert_index_sound(st);
	assert_int_equal(store_article_set_status(st, id, "published"), STORE_OK);
	assert_int_equal(hits(st, "फल्गु"), 1);
	assert_int_equal(store_article_delete(st, id), STORE_OK);
	assert_int_equal(hits(st, "फल्गु"), 0);
	assert_index_sound(st);
	kb_arena_free(&a);
}

/* The check sees an index that has drifted from the text (here: a title
 * changed behind the paused triggers), and a rebuild mends it. Deleting a
 * category, a tag or an author (migration 11 cascades first, while the
 * name is still there) leaves the index exact. Raw SQL through the
 * store's own connection, where the tokenizer is registered. */
static void the_check_finds_a_drifted_index_and_deletes_keep_it_exact(void **state)
{
	store *st = *state;
	const char *tags[] = {"नदी"};
	kb_article_input in = {.title = "कोसी में उफान",
			       .body = "पानी बढ़ा।",
			       .status = "published",
			       .category_slug = "raksha",
			       .author_name = "अमर",
			       .tags = tags,
			       .ntags = 1};
	int64_t id;
	assert_int_equal(store_article_add(st, &in, &id), STORE_OK);
	assert_index_sound(st);
	sqlite3 *db = sq_db(st);
	assert_int_equal(sqlite3_exec(db,
				      "INSERT INTO meta(key, value) VALUES('search_paused', 1);"
				      "UPDATE articles SET title = 'बदला हुआ शीर्षक';"
				      "DELETE FROM meta WHERE key = 'search_paused'",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	kb_arena a = {0};
	const char *result;
	assert_int_equal(store_integrity_check(st, &a, &result), STORE_OK);
	assert_non_null(strstr(result, "search index"));
	assert_int_equal(store_search_rebuild(st), STORE_OK);
	assert_index_sound(st);

	assert_int_equal(sqlite3_exec(db, "DELETE FROM tags", NULL, NULL, NULL), SQLITE_OK);
	assert_index_sound(st);
	assert_int_equal(hits(st, "नदी"), 0);
	assert_int_equal(sqlite3_exec(db, "DELETE FROM authors", NULL, NULL, NULL), SQLITE_OK);
	assert_index_sound(st);
	assert_int_equal(hits(st, "अमर"), 0);
	assert_int_equal(sqlite3_exec(db, "DELETE FROM categories", NULL, NULL, NULL), SQLITE_OK);
	assert_index_sound(st);
	assert_int_equal(hits(st, "रक्षा"), 0);
	assert_int_equal(hits(st, "शीर्षक"), 1);
	kb_arena_free(&a);
}

/* store_bulk_begin also pauses the change log and the redirects' version
 * bumps; store_bulk_end moves the content version once, and afterwards
 * every trigger writes again. A rollback ends the pause too. */
static void a_bulk_load_writes_no_change_log_and_moves_the_version_once(void **state)
{
	store *st = *state;
	int64_t seq0, seq, id;
	kb_article_input in = {.title = "थोक में जोड़ी गई खबर", .status = "published"};
	assert_int_equal(store_changes_last(st, &seq0), STORE_OK);
	int64_t v0 = store_content_version(st);

	assert_int_equal(store_begin(st), STORE_OK);
	assert_int_equal(store_bulk_begin(st), STORE_OK);
	for (int i = 0; i < 3; i++) {
		char path[32];
		snprintf(path, sizeof path, "/?p=%d", i);
		assert_int_equal(store_article_add(st, &in, &id), STORE_OK);
		assert_int_equal(store_redirect_add(st, path, "/news/x", 301), STORE_OK);
	}
	assert_int_equal(store_changes_last(st, &seq), STORE_OK);
	assert_int_equal(seq, seq0);
	assert_int_equal(store_content_version(st), v0);
	assert_int_equal(store_bulk_end(st), STORE_OK);
	assert_int_equal(store_commit(st), STORE_OK);
	assert_int_equal(store_content_version(st), v0 + 1);
	assert_int_equal(hits(st, "थोक"), 3);

	assert_int_equal(store_article_add(st, &in, &id), STORE_OK);
	assert_int_equal(store_changes_last(st, &seq), STORE_OK);
	assert_true(seq > seq0);
	assert_int_equal(store_redirect_add(st, "/?p=9", "/news/x", 301), STORE_OK);
	assert_int_equal(store_content_version(st), v0 + 2);

	assert_int_equal(store_begin(st), STORE_OK);
	assert_int_equal(store_bulk_begin(st), STORE_OK);
	store_rollback(st);
	int64_t seq1;
	assert_int_equal(store_article_add(st, &in, &id), STORE_OK);
	assert_int_equal(store_changes_last(st, &seq1), STORE_OK);
	assert_true(seq1 > seq);
}

/* ---- suggestions (search/suggest.h) ---- */

static size_t ask(const suggest_index *x, const char *q, const suggest_entry **got)
{
	return suggest_query(x, q, strlen(q), got, 8);
}

static int has_text(const suggest_entry **got, size_t n, const char *text)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(got[i]->text, text))
			return 1;
	return 0;
}

/* Typed in Devanagari or Latin, two letters on: topics first, then
 * headlines by recency; every word must begin a word of the entry; a
 * loanword spelt either way; nothing for one letter or a stranger. */
static void suggestions_as_the_reader_types(void **state)
{
	const suggest_entry e[] = {
		{"भारत-इज़राइल रक्षा सहयोग पर समझौता ज्ञापन पर हस्ताक्षर", "/news/a", SUGGEST_HEADLINE, 300},
		{"राजस्थान में वैक्सीन की दूसरी खुराक शुरू", "/news/b", SUGGEST_HEADLINE, 200},
		{"दिल्ली की सड़कों पर ऑक्सीजन सिलेंडर की कमी", "/news/c", SUGGEST_HEADLINE, 100},
		{"रक्षा मंत्री ने सीमा का दौरा किया", "/news/d", SUGGEST_HEADLINE, 400},
		{"रक्षा", "/category/raksha", SUGGEST_CATEGORY, 2},
		{"राजनीति", "/category/rajniti", SUGGEST_CATEGORY, 50},
		{"इज़राइल", "/tag/israel", SUGGEST_TAG, 7},
	};
	suggest_index *x = suggest_build(e, KB_COUNT(e));
	assert_int_equal(suggest_size(x), KB_COUNT(e));
	const suggest_entry *got[8];
	size_t n = ask(x, "रक्", got);
	assert_int_equal(n, 3);
	assert_string_equal(got[0]->text, "रक्षा");   /* the topic first */
	assert_string_equal(got[1]->url, "/news/d"); /* then the newer headline */
	assert_string_equal(got[2]->url, "/news/a");
	/* The same in Latin letters, however spelt. */
	for (const char *q = "raksha\0rakshaa\0raks\0RAKSHA\0"; *q; q += strlen(q) + 1) {
		n = ask(x, q, got);
		assert_int_equal(n, 3);
		assert_string_equal(got[0]->text, "रक्षा");
	}
	/* Two words: both must begin words of the entry. */
	n = ask(x, "raksha saha", got);
	assert_int_equal(n, 1);
	assert_string_equal(got[0]->url, "/news/a");
	n = ask(x, "रक्षा मंत्री", got);
	assert_int_equal(n, 1);
	assert_string_equal(got[0]->url, "/news/d");
	/* A name through the table, a loanword spelt either way, a nukta
	 * typed or not. */
	n = ask(x, "israel", got);
	assert_true(has_text(got, n, "इज़राइल") && has_text(got, n, e[0].text));
	n = ask(x, "वैक्सिन", got);
	assert_int_equal(n, 1);
	assert_string_equal(got[0]->url, "/news/b");
	n = ask(x, "आक्सीजन", got);
	assert_int_equal(n, 1);
	n = ask(x, "इजरा", got);
	assert_true(has_text(got, n, "इज़राइल"));
	n = ask(x, "oxygen", got);
	assert_true(has_text(got, n, e[2].text));
	/* Too short, or nothing like it. */
	assert_int_equal(ask(x, "र", got), 0);
	assert_int_equal(ask(x, "r", got), 0);
	assert_int_equal(ask(x, "", got), 0);
	assert_int_equal(ask(x, "क्रिकेट", got), 0);
	assert_int_equal(ask(x, "raksha cricket", got), 0);
	suggest_free(x);
	/* An empty index answers nothing. */
	x = suggest_build(NULL, 0);
	assert_int_equal(ask(x, "raksha", got), 0);
	suggest_free(x);
}

/* "Did you mean": a Latin word a letter or two off becomes the Hindi word
 * whose key is nearest (a swap is one edit), the commoner on a tie; an
 * unknown word stays as typed; nothing when every word was right, when
 * the query is Devanagari, or when nothing is near. */
static void did_you_mean_proposes_the_hindi_word(void **state)
{
	const suggest_entry e[] = {
		{"रक्षा मंत्रालय ने सीमा पर नई चौकियाँ बनाईं", "/news/a", SUGGEST_HEADLINE, 3},
		{"रक्षा सौदे पर संसद में बहस", "/news/b", SUGGEST_HEADLINE, 2},
		{"इज़राइल के राजदूत से मुलाक़ात", "/news/c", SUGGEST_HEADLINE, 1},
		{"किसान आंदोलन का तीसरा दिन", "/news/d", SUGGEST_HEADLINE, 1},
	};
	suggest_index *x = suggest_build(e, KB_COUNT(e));
	struct {
		const char *q, *want;
	} cases[] = {
		{"rakhsa", "रक्षा"},
		{"rkasha mantralya", "रक्षा मंत्रालय"},
		{"israil", "इज़राइल"},
		{"kisaan andolam", "किसान आंदोलन"},
		{"rakhsa sachiv", "रक्षा sachiv"},
	};
	for (size_t i = 0; i < KB_COUNT(cases); i++) {
		kb_buf b = {0};
		assert_int_equal(suggest_correct(x, cases[i].q, strlen(cases[i].q), &b), 1);
		assert_string_equal(kb_buf_str(&b), cases[i].want);
		kb_buf_free(&b);
	}
	const char *none[] = {"raksha", "raksha mantralay", "रकशा", "zzzzzz", "rak", "", "2024"};
	for (size_t i = 0; i < KB_COUNT(none); i++) {
		kb_buf b = {0};
		kb_buf_puts(&b, "x");
		assert_int_equal(suggest_correct(x, none[i], strlen(none[i]), &b), 0);
		assert_string_equal(kb_buf_str(&b), "x"); /* untouched */
		kb_buf_free(&b);
	}
	suggest_free(x);
}

/* A site's worth: 100,000 headlines and the eight best for a two-letter
 * prefix, the most common case. Printed, not asserted (timings drift). */
static void suggestions_at_a_hundred_thousand(void **state)
{
	static const char *const words[] = {"रक्षा", "राजनीति", "क्रिकेट", "वैक्सीन", "दिल्ली", "सरकार", "चुनाव",
					    "मंत्री", "बाज़ार",   "किसान", "मौसम",  "अदालत", "पुलिस",  "राज्य"};
	size_t n = 100000;
	suggest_entry *e = malloc(n * sizeof *e);
	char(*text)[160] = malloc(n * sizeof *text);
	for (size_t i = 0; i < n; i++) {
		snprintf(text[i], sizeof text[i], "%s %s %s पर खबर %zu", words[i % 14], words[(i / 14) % 14],
			 words[(i / 196) % 14], i);
		e[i] = (suggest_entry){text[i], "/news/x", SUGGEST_HEADLINE, (int64_t)i};
	}
	struct timespec t0, t1, t2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	suggest_index *x = suggest_build(e, n);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	const suggest_entry *got[8];
	size_t found = 0;
	for (int i = 0; i < 100; i++)
		found += ask(x, i % 2 ? "रा" : "ra", got);
	clock_gettime(CLOCK_MONOTONIC, &t2);
	assert_int_equal(found, 800);
	/* The newest first. */
	ask(x, "रा", got);
	assert_true(got[0]->weight > got[7]->weight && got[0]->weight > 99000);
	double build = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	double each = ((double)(t2.tv_sec - t1.tv_sec) * 1e3 + (double)(t2.tv_nsec - t1.tv_nsec) / 1e6) / 100;
	printf("# suggestions, 100,000 headlines: built in %.0f ms; a two-letter prefix in %.2f ms\n", build,
	       each);
	suggest_free(x);
	free(text);
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(suggestions_as_the_reader_types),
		cmocka_unit_test(suggestions_at_a_hundred_thousand),
		cmocka_unit_test(did_you_mean_proposes_the_hindi_word),
		cmocka_unit_test(parse_reads_words_phrases_negation_and_prefix),
		cmocka_unit_test(parse_takes_syntax_characters_as_text),
		cmocka_unit_test(parse_cuts_at_200_characters),
		cmocka_unit_test_setup_teardown(counts_stop_one_past_the_pool, setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(the_exact_form_typed_ranks_first, setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(index_follows_publish_unpublish_and_delete, setup,
						tempdb_teardown),
		cmocka_unit_test_setup_teardown(rebuild_gives_the_same_answers, setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(an_index_of_older_terms_is_rebuilt_at_open, setup,
						tempdb_teardown),
		cmocka_unit_test_setup_teardown(a_paused_bulk_load_is_indexed_by_the_rebuild, setup,
						tempdb_teardown),
		cmocka_unit_test_setup_teardown(index_stays_exact_through_edits_and_renames, setup,
						tempdb_teardown),
		cmocka_unit_test_setup_teardown(the_check_finds_a_drifted_index_and_deletes_keep_it_exact,
						setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(a_bulk_load_writes_no_change_log_and_moves_the_version_once,
						setup, tempdb_teardown),
	};
	return cmocka_run_group_tests_name("search", tests, NULL, NULL);
}
