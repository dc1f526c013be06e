/*
 * test_pg_text.c: the tsvector and tsquery literals and the snippets of the
 * PostgreSQL backend (src/db/pg_text.c), without a server: the literals'
 * shape, the terms they carry (the same as SQLite's FTS5 index gets), and
 * quoting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "db/pg_text.h"
#include "search/query.h"

/* The first term search_terms gives text under flags, in a. */
static int first_term(void *ud, int colocated, const char *term, size_t len, size_t start, size_t end)
{
	kb_buf *b = ud;
	kb_buf_append(b, term, len);
	return 1;
}

static const char *term_of(search_terms *t, unsigned flags, const char *text, kb_buf *b)
{
	kb_buf_reset(b);
	search_terms_each(t, flags, text, strlen(text), first_term, b);
	return b->data;
}

static const char *query(search_terms *t, kb_arena *a, const char *typed, int any, int *pos)
{
	kb_search_query q = {0};
	const char *shown;
	search_parse(a, typed, strlen(typed), &q, &shown);
	q.any = any;
	kb_buf out = {0};
	*pos = pg_tsquery(t, &q, &out);
	const char *s = kb_arena_strndup(a, out.data ? out.data : "", out.len);
	kb_buf_free(&out);
	return s;
}

static void a_tsvector_weighs_fields_and_carries_latin_synonyms(void **state)
{
	search_terms *t = search_terms_new();
	const char *f[PG_FIELDS] = {"रक्षा समझौता", "सारांश", "लंबी ख़बर", "भारत", "देश", "संवाददाता"};
	kb_buf v = {0}, b = {0};
	pg_tsvector(t, f, &v);
	char want[256];
	/* The title's first word: its stem at position 1, weight A, and its
	 * Latin key at the same position. */
	snprintf(want, sizeof want, "'%s':1A", term_of(t, TERMS_QUERY, "रक्षा", &b));
	assert_non_null(strstr(v.data, want));
	snprintf(want, sizeof want, "'%s':1A", term_of(t, TERMS_QUERY, "raksha", &b));
	assert_non_null(strstr(v.data, want));
	snprintf(want, sizeof want, "'%s':", term_of(t, TERMS_QUERY, "समझौता", &b));
	assert_non_null(strstr(v.data, want));
	/* The body is last and weighs least; the tags weigh as the summary. */
	snprintf(want, sizeof want, "'%s':", term_of(t, TERMS_QUERY, "ख़बर", &b));
	char *body = strstr(v.data, want);
	assert_non_null(body);
	assert_non_null(strchr(body, 'D'));
	snprintf(want, sizeof want, "'%s':", term_of(t, TERMS_QUERY, "भारत", &b));
	char *tag = strstr(v.data, want);
	assert_non_null(tag);
	assert_int_equal(strcspn(tag + strlen(want), "ABCD"), strspn(tag + strlen(want), "0123456789"));
	assert_int_equal(tag[strlen(want) + strspn(tag + strlen(want), "0123456789")], 'B');
	kb_buf_free(&v);
	kb_buf_free(&b);
	search_terms_free(t);
}

static void no_phrase_spans_two_fields(void **state)
{
	search_terms *t = search_terms_new();
	const char *f[PG_FIELDS] = {"एक", "दो", NULL, NULL, NULL, NULL};
	kb_buf v = {0}, b = {0};
	pg_tsvector(t, f, &v);
	char want[128];
	snprintf(want, sizeof want, "'%s':1A", term_of(t, TERMS_QUERY, "एक", &b));
	assert_non_null(strstr(v.data, want));
	/* दो is not at position 2, so 'एक' <-> 'दो' cannot match. */
	snprintf(want, sizeof want, "'%s':2B", term_of(t, TERMS_QUERY, "दो", &b));
	assert_null(strstr(v.data, want));
	kb_buf_free(&v);
	kb_buf_free(&b);
	search_terms_free(t);
}

static void a_very_long_body_is_cut_to_what_postgresql_takes(void **state)
{
	search_terms *t = search_terms_new();
	kb_buf body = {0};
	for (int i = 0; i < 200000; i++)
		kb_buf_printf(&body, "क%d ", i % 4000);
	const char *f[PG_FIELDS] = {"शीर्षक", "", body.data, "", "", ""};
	kb_buf v = {0};
	pg_tsvector(t, f, &v);
	assert_true(v.len <= PG_TSVECTOR_MAX);
	assert_true(v.len > PG_TSVECTOR_MAX / 2);
	/* Positions stop at PostgreSQL's largest. */
	assert_null(strstr(v.data, ":16384"));
	assert_non_null(strstr(v.data, ":16383D"));
	assert_non_null(strstr(v.data, ":1A")); /* the title, first, whole */
	kb_buf_free(&v);
	kb_buf_free(&body);
	search_terms_free(t);
}

static void a_tsquery_has_phrases_prefixes_and_negations(void **state)
{
	search_terms *t = search_terms_new();
	kb_arena a = {0};
	kb_buf b = {0};
	int pos;
	char want[512];

	/* A Devanagari word: its stem, or its exact form (which ranks). */
	const char *s = query(t, &a, "रक्षा", 0, &pos);
	assert_int_equal(pos, 1);
	char w0[128];
	snprintf(w0, sizeof w0, "%s", term_of(t, TERMS_QUERY, "रक्षा", &b));
	snprintf(want, sizeof want, "('%s' | '%s')", w0, term_of(t, TERMS_QUERY | TERMS_EXACT, "रक्षा", &b));
	assert_string_equal(s, want);
	assert_string_equal(term_of(t, TERMS_QUERY | TERMS_EXACT, "रक्षा", &b), "=रक्षा");
	/* A Latin word: its key plain (a word of that form) or marked (a
	 * stem of that key), or its exact form, the plain key (which ranks). */
	char k[128];
	snprintf(k, sizeof k, "%s", term_of(t, TERMS_QUERY, "raksha", &b));
	assert_string_equal(term_of(t, TERMS_QUERY | TERMS_EXACT, "Raksha", &b), k);
	s = query(t, &a, "Raksha", 0, &pos);
	snprintf(want, sizeof want, "(('%s' | '~%s') | '%s')", k, k, k);
	assert_string_equal(s, want);
	/* A Latin prefix: the words' keys. */
	s = query(t, &a, "raks*", 0, &pos);
	assert_string_equal(s, "'raks':*");

	s = query(t, &a, "\"रक्षा समझौता\" राज* -सौदा", 0, &pos);
	assert_int_equal(pos, 2);
	char w1[128], w2[128], w3[128];
	snprintf(w1, sizeof w1, "%s", term_of(t, TERMS_QUERY, "रक्षा", &b));
	snprintf(w2, sizeof w2, "%s", term_of(t, TERMS_QUERY, "समझौता", &b));
	snprintf(w3, sizeof w3, "%s", term_of(t, TERMS_QUERY, "सौदा", &b));
	snprintf(want, sizeof want, "(('%s' <-> '%s') | ('=रक्षा' <-> '=समझौता')) & 'राज':* & !'%s'", w1, w2,
		 w3);
	assert_string_equal(s, want);

	/* Any of the words, none of the negated ones. */
	s = query(t, &a, "raksha samjhauta -sauda", 1, &pos);
	snprintf(w1, sizeof w1, "%s", term_of(t, TERMS_QUERY, "raksha", &b));
	snprintf(w2, sizeof w2, "%s", term_of(t, TERMS_QUERY, "samjhauta", &b));
	snprintf(w3, sizeof w3, "%s", term_of(t, TERMS_QUERY, "sauda", &b));
	snprintf(want, sizeof want, "((('%s' | '~%s') | '%s') | (('%s' | '~%s') | '%s')) & !('%s' | '~%s')",
		 w1, w1, w1, w2, w2, w2, w3, w3);
	assert_string_equal(s, want);

	/* Nothing positive: nothing to ask. */
	s = query(t, &a, "-रक्षा", 0, &pos);
	assert_int_equal(pos, 0);
	s = query(t, &a, "!!! ***", 0, &pos);
	assert_int_equal(pos, 0);
	kb_buf_free(&b);
	kb_arena_free(&a);
	search_terms_free(t);
}

static void query_syntax_typed_by_a_reader_stays_text(void **state)
{
	search_terms *t = search_terms_new();
	kb_arena a = {0};
	int pos;
	/* tsquery's own operators and quotes, typed: each comes out inside
	 * a quoted lexeme or not at all. */
	const char *s = query(t, &a, "a&b | c:* !d <-> 'e' \\f (g)", 0, &pos);
	assert_true(pos > 0);
	int in_quote = 0;
	for (const char *p = s; *p; p++) {
		if (*p == '\'') {
			if (in_quote && p[1] == '\'') {
				p++;
				continue;
			}
			in_quote = !in_quote;
			continue;
		}
		if (in_quote)
			continue;
		/* Outside lexemes only the operators khabar writes. */
		assert_non_null(strchr(" &|!()<->:*", *p));
	}
	assert_false(in_quote);
	kb_arena_free(&a);
	search_terms_free(t);
}

static void a_snippet_marks_matches_and_cuts_long_text(void **state)
{
	search_terms *t = search_terms_new();
	kb_arena a = {0};
	kb_search_query q = {0};
	const char *shown;
	const char *typed = "रक्षा";
	search_parse(&a, typed, strlen(typed), &q, &shown);

	const char *s = search_snippet(t, &a, &q, "भारत और इज़राइल ने रक्षा सहयोग पर समझौता किया।", 18);
	assert_string_equal(s, "भारत और इज़राइल ने \x01रक्षा\x02 सहयोग पर समझौता किया।");

	/* Found by its Latin key too. */
	const char *typed2 = "raksha";
	search_parse(&a, typed2, strlen(typed2), &q, &shown);
	s = search_snippet(t, &a, &q, "रक्षा सहयोग", 18);
	assert_string_equal(s, "\x01रक्षा\x02 सहयोग");

	kb_buf long_text = {0};
	for (int i = 0; i < 40; i++)
		kb_buf_puts(&long_text, "शब्द ");
	kb_buf_puts(&long_text, "रक्षा सहयोग");
	for (int i = 0; i < 40; i++)
		kb_buf_puts(&long_text, " शब्द");
	s = search_snippet(t, &a, &q, long_text.data, 18);
	assert_non_null(s);
	assert_memory_equal(s, "…", strlen("…"));
	assert_non_null(strstr(s, "\x01रक्षा\x02"));
	assert_string_equal(s + strlen(s) - strlen("…"), "…");

	assert_null(search_snippet(t, &a, &q, "कुछ और", 18));
	kb_buf_free(&long_text);
	kb_arena_free(&a);
	search_terms_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_tsvector_weighs_fields_and_carries_latin_synonyms),
		cmocka_unit_test(no_phrase_spans_two_fields),
		cmocka_unit_test(a_very_long_body_is_cut_to_what_postgresql_takes),
		cmocka_unit_test(a_tsquery_has_phrases_prefixes_and_negations),
		cmocka_unit_test(query_syntax_typed_by_a_reader_stays_text),
		cmocka_unit_test(a_snippet_marks_matches_and_cuts_long_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
