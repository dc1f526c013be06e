/*
 * query.c: the search box's little language (see query.h).
 */
#include "query.h"

#include <string.h>

#include "../text/text.h"

static int count_word(void *ud, const text_token *t)
{
	(*(size_t *)ud)++;
	return 0;
}

/* Whether s has at least one word the tokenizer would index. */
static int has_word(const char *s, size_t n)
{
	size_t k = 0;
	text_tokenise(s, n, count_word, &k);
	return k > 0;
}

/* Byte length of the first max characters of s[0..n). */
static size_t cut_chars(const char *s, size_t n, size_t max)
{
	size_t i = 0, chars = 0;
	while (i < n && chars < max) {
		i++;
		while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	return i;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

size_t search_parse(kb_arena *a, const char *s, size_t n, kb_search_query *q, const char **shown)
{
	n = strnlen(s, n); /* a NUL ends the text (the server refuses them) */
	n = cut_chars(s, n, SEARCH_MAX_CHARS);
	while (n && is_space(*s))
		s++, n--;
	while (n && is_space(s[n - 1]))
		n--;
	*shown = kb_arena_strndup(a, s, n);

	size_t cap = 8, len = 0, pos = 0;
	kb_search_term *v = kb_arena_alloc(a, cap * sizeof *v);
	size_t i = 0;
	while (i < n) {
		while (i < n && is_space(s[i]))
			i++;
		if (i >= n)
			break;
		kb_search_term t = {0};
		if (s[i] == '-' && i + 1 < n && !is_space(s[i + 1])) {
			t.negate = 1;
			i++;
		}
		size_t start, end;
		if (s[i] == '"') {
			start = ++i;
			while (i < n && s[i] != '"')
				i++;
			end = i;
			if (i < n)
				i++; /* the closing quote; an unclosed one runs to the end */
			t.phrase = 1;
		} else {
			start = i;
			while (i < n && !is_space(s[i]) && s[i] != '"')
				i++;
			end = i;
			while (end > start && s[end - 1] == '*')
				end--, t.prefix = 1;
		}
		if (!has_word(s + start, end - start))
			continue;
		/* Quotes inside a word are dropped: they would end the phrase. */
		kb_buf b = {0};
		for (size_t k = start; k < end; k++)
			if (s[k] != '"')
				kb_buf_putc(&b, s[k]);
		t.text = kb_arena_strndup(a, kb_buf_str(&b), b.len);
		kb_buf_free(&b);
		if (len == cap) {
			kb_search_term *w = kb_arena_alloc(a, 2 * cap * sizeof *w);
			memcpy(w, v, len * sizeof *v);
			v = w, cap *= 2;
		}
		v[len++] = t;
		pos += !t.negate;
	}
	q->terms = v;
	q->nterms = len;
	return pos;
}
