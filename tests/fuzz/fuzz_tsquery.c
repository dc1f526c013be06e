/*
 * fuzz_tsquery.c: libFuzzer target for the PostgreSQL search literals
 * (src/db/pg_text.c) made from what a reader types. The tsquery must be
 * well formed whatever the input: quotes balanced, outside them only the
 * operators khabar writes, parentheses balanced, no operator at the start
 * or doubled; the first half of the input also goes through the tsvector
 * writer and the snippet maker, whose marks must pair up.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db/pg_text.h"

static void check_tsquery(const char *s)
{
	int depth = 0, quote = 0;
	char last = '&'; /* as if after an operator: a lexeme or ( or ! must come */
	for (const char *p = s; *p; p++) {
		if (quote) {
			if (*p == '\'') {
				if (p[1] == '\'') {
					p++;
					continue;
				}
				quote = 0;
				last = 'w';
			} else if (*p == '\\') {
				if (p[1] != '\\')
					abort(); /* a lone backslash escapes */
				p++;
			}
			continue;
		}
		switch (*p) {
		case '\'':
			if (last == 'w')
				abort(); /* two lexemes with no operator */
			quote = 1;
			break;
		case ' ': break;
		case '(':
			depth++;
			last = '&';
			break;
		case ')':
			if (--depth < 0 || last != 'w')
				abort();
			break;
		case '&':
		case '|':
		case '!':
			if (*p != '!' && last != 'w')
				abort();
			last = '&';
			break;
		case '<':
			if (strncmp(p, "<->", 3) || last != 'w')
				abort();
			p += 2;
			last = '&';
			break;
		case ':':
			if (strncmp(p, ":*", 2) || last != 'w')
				abort();
			p++;
			break;
		default: abort();
		}
	}
	if (quote || depth || last != 'w')
		abort();
}

static search_terms *terms;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!kb_utf8_valid((const char *)data, size, NULL))
		return 0;
	if (!terms)
		terms = search_terms_new();
	kb_arena a = {0};
	kb_search_query q = {0};
	const char *shown;
	search_parse(&a, (const char *)data, size, &q, &shown);
	q.any = size & 1;
	kb_buf out = {0};
	if (pg_tsquery(terms, &q, &out))
		check_tsquery(out.data);
	kb_buf_free(&out);

	char *text = kb_strndup((const char *)data, size);
	const char *fields[PG_FIELDS] = {text, text, text, NULL, "", text};
	pg_tsvector(terms, fields, &out);
	if (out.len > PG_TSVECTOR_MAX)
		abort();
	kb_buf_free(&out);
	const char *snip = search_snippet(terms, &a, &q, text, 18);
	for (int open = 0; snip && *snip; snip++) {
		if (*snip == '\x01' && open++)
			abort();
		if (*snip == '\x02' && !open--)
			abort();
	}
	free(text);
	kb_arena_free(&a);
	return 0;
}
