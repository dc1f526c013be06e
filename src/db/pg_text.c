/*
 * pg_text.c: tsvector and tsquery literals and snippets for the
 * PostgreSQL backend (pg_text.h).
 */
#include "pg_text.h"

#include <string.h>

/* PostgreSQL's limits: a lexeme of at most 2046 bytes, positions 1..16383
 * (larger ones it sets to 16383). */
#define LEXEME_MAX 2046
#define POS_MAX 16383
/* Positions left empty between two fields, so no phrase spans them. */
#define FIELD_GAP 2

/* Appends p[0..n) as a quoted lexeme: '...' with ' and \ doubled. */
static void lexeme(kb_buf *out, const char *p, size_t n)
{
	kb_buf_putc(out, '\'');
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\'' || p[i] == '\\')
			kb_buf_putc(out, p[i]);
		kb_buf_putc(out, p[i]);
	}
	kb_buf_putc(out, '\'');
}

typedef struct vec {
	kb_buf *out;
	size_t base; /* where the literal starts in out */
	int pos;
	char weight;
} vec;

static int vec_term(void *ud, int colocated, const char *term, size_t len, size_t start, size_t end)
{
	vec *v = ud;
	if (!colocated && v->pos < POS_MAX)
		v->pos++;
	if (!len || len > LEXEME_MAX)
		return 0;
	if (v->out->len - v->base + 2 * len + 16 > PG_TSVECTOR_MAX)
		return 1;
	if (v->out->len > v->base)
		kb_buf_putc(v->out, ' ');
	lexeme(v->out, term, len);
	kb_buf_printf(v->out, ":%d%c", v->pos, v->weight);
	return 0;
}

void pg_tsvector(search_terms *t, const char *const fields[PG_FIELDS], kb_buf *out)
{
	/* search_source's order is title, summary, body, tags, category,
	 * author; the body goes last, so that the positions it may run out
	 * of are its own. */
	static const int order[PG_FIELDS] = {0, 1, 3, 4, 5, 2};
	static const char weight[PG_FIELDS] = {'A', 'B', 'D', 'B', 'C', 'C'};
	vec v = {.out = out, .base = out->len};
	for (int i = 0; i < PG_FIELDS; i++) {
		const char *f = fields[order[i]];
		if (!f || !*f)
			continue;
		v.weight = weight[order[i]];
		if (search_terms_each(t, 0, f, strlen(f), vec_term, &v))
			break;
		v.pos = v.pos + FIELD_GAP < POS_MAX ? v.pos + FIELD_GAP : POS_MAX;
	}
}

/* A query word: its terms (alternatives, usually one), each a (start,
 * length) in the query's term buffer. */
typedef struct qword {
	size_t first, n; /* its alternatives: alt[first..first+n) */
} qword;

typedef struct qalt {
	size_t off, len;
} qalt;

/* The words of one query term, as search_terms gives them. */
typedef struct qterm {
	kb_arena *a;
	kb_buf text; /* the terms' bytes */
	qword *w;
	qalt *alt;
	size_t nw, walloc, nalt, altalloc;
} qterm;

static int qterm_add(void *ud, int colocated, const char *term, size_t len, size_t start, size_t end)
{
	qterm *q = ud;
	if (!len || len > LEXEME_MAX)
		return 0;
	if (!colocated || !q->nw) {
		q->w = kb_arena_grow(q->a, q->w, q->nw, &q->walloc, sizeof *q->w);
		q->w[q->nw++] = (qword){.first = q->nalt, .n = 0};
	}
	q->alt = kb_arena_grow(q->a, q->alt, q->nalt, &q->altalloc, sizeof *q->alt);
	q->alt[q->nalt++] = (qalt){.off = q->text.len, .len = len};
	q->w[q->nw - 1].n++;
	kb_buf_append(&q->text, term, len);
	return 0;
}

/* Reads term's words into qt (reset first); exact: their exact forms
 * (terms.h). */
static void qterm_read_as(search_terms *t, const kb_search_term *term, int exact, qterm *qt)
{
	kb_buf_reset(&qt->text);
	qt->nw = qt->nalt = 0;
	unsigned flags = TERMS_QUERY | (term->prefix ? TERMS_PREFIX : 0) | (exact ? TERMS_EXACT : 0);
	search_terms_each(t, flags, term->text, strlen(term->text), qterm_add, qt);
}

static void qterm_read(search_terms *t, const kb_search_term *term, qterm *qt)
{
	qterm_read_as(t, term, 0, qt);
}

/* Appends qt as a tsquery phrase; prefix: its last word is a prefix. */
static void qterm_write(const qterm *qt, int prefix, kb_buf *out)
{
	if (qt->nw > 1)
		kb_buf_putc(out, '(');
	for (size_t i = 0; i < qt->nw; i++) {
		if (i)
			kb_buf_puts(out, " <-> ");
		const qword *w = &qt->w[i];
		if (w->n > 1)
			kb_buf_putc(out, '(');
		for (size_t j = 0; j < w->n; j++) {
			const qalt *x = &qt->alt[w->first + j];
			if (j)
				kb_buf_puts(out, " | ");
			lexeme(out, qt->text.data + x->off, x->len);
			if (prefix && i + 1 == qt->nw)
				kb_buf_puts(out, ":*");
		}
		if (w->n > 1)
			kb_buf_putc(out, ')');
	}
	if (qt->nw > 1)
		kb_buf_putc(out, ')');
}

int pg_tsquery(search_terms *t, const kb_search_query *q, kb_buf *out)
{
	kb_arena a = {0};
	qterm qt = {.a = &a}, ex = {.a = &a};
	kb_buf yes = {0}, no = {0};
	int pos = 0;
	for (size_t i = 0; i < q->nterms; i++) {
		qterm_read(t, &q->terms[i], &qt);
		if (!qt.nw)
			continue;
		if (q->terms[i].negate) {
			kb_buf_puts(&no, " & !");
			qterm_write(&qt, q->terms[i].prefix, &no);
			continue;
		}
		if (pos++)
			kb_buf_puts(&yes, q->any ? " | " : " & ");
		/* Its stems, or its exact forms, as on SQLite (build_match):
		 * the same matches, and ts_rank counts the exact forms on top. */
		const kb_search_term *term = &q->terms[i];
		if (!term->prefix)
			qterm_read_as(t, term, 1, &ex);
		else
			ex.nw = 0;
		if (ex.nw == qt.nw && ex.nw) {
			kb_buf_putc(&yes, '(');
			qterm_write(&qt, 0, &yes);
			kb_buf_puts(&yes, " | ");
			qterm_write(&ex, 0, &yes);
			kb_buf_putc(&yes, ')');
		} else {
			qterm_write(&qt, term->prefix, &yes);
		}
	}
	if (pos) {
		/* ( a | b ) & !c: the negations bind to the whole. */
		int wrap = q->any && pos > 1 && no.len;
		if (wrap)
			kb_buf_putc(out, '(');
		kb_buf_append(out, yes.data, yes.len);
		if (wrap)
			kb_buf_putc(out, ')');
		if (no.len)
			kb_buf_append(out, no.data, no.len);
	}
	kb_buf_free(&yes);
	kb_buf_free(&no);
	kb_buf_free(&qt.text);
	kb_buf_free(&ex.text);
	kb_arena_free(&a);
	return pos;
}

/* Appends p[0..n) leaving out the bytes that mark matches, so a text
 * that holds them (an odd import) cannot unbalance the marks. */
static void plain(kb_buf *b, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != '\x01' && p[i] != '\x02')
			kb_buf_putc(b, p[i]);
}

/* The words of a text, for a snippet. */
typedef struct sword {
	size_t start, end;
	int match;
} sword;

typedef struct snip {
	kb_arena *a;
	const kb_search_query *q;
	/* The query's positive words: their terms, and whether each is a
	 * prefix (the last word of a term with '*'). */
	qterm want;
	unsigned char *prefix; /* per alternative */
	sword *w;
	size_t nw, walloc;
} snip;

static int wanted(const snip *s, const char *term, size_t len)
{
	for (size_t i = 0; i < s->want.nalt; i++) {
		const qalt *x = &s->want.alt[i];
		const char *p = s->want.text.data + x->off;
		if (s->prefix[i] ? len >= x->len && !memcmp(term, p, x->len)
				 : len == x->len && !memcmp(term, p, len))
			return 1;
	}
	return 0;
}

static int snip_term(void *ud, int colocated, const char *term, size_t len, size_t start, size_t end)
{
	snip *s = ud;
	if (!colocated || !s->nw) {
		if (s->nw && s->w[s->nw - 1].start == start)
			; /* the same word again (a word with no first term) */
		else {
			s->w = kb_arena_grow(s->a, s->w, s->nw, &s->walloc, sizeof *s->w);
			s->w[s->nw++] = (sword){.start = start, .end = end};
		}
	}
	if (!s->w[s->nw - 1].match && wanted(s, term, len))
		s->w[s->nw - 1].match = 1;
	return 0;
}

const char *search_snippet(search_terms *t, kb_arena *a, const kb_search_query *q, const char *text,
			   size_t words)
{
	if (!text || !*text || !words)
		return NULL;
	kb_arena tmp = {0};
	snip s = {.a = &tmp, .q = q};
	s.want.a = &tmp;
	/* Every positive word the query looks for, with its prefix flag. */
	qterm one = {.a = &tmp};
	size_t pcap = 0;
	for (size_t i = 0; i < q->nterms; i++) {
		if (q->terms[i].negate)
			continue;
		qterm_read(t, &q->terms[i], &one);
		for (size_t j = 0; j < one.nw; j++)
			for (size_t k = 0; k < one.w[j].n; k++) {
				const qalt *x = &one.alt[one.w[j].first + k];
				qterm_add(&s.want, k > 0, one.text.data + x->off, x->len, 0, 0);
				s.prefix = kb_arena_grow(&tmp, s.prefix, s.want.nalt - 1, &pcap, 1);
				s.prefix[s.want.nalt - 1] = q->terms[i].prefix && j + 1 == one.nw;
			}
	}
	kb_buf_free(&one.text);
	const char *res = NULL;
	if (s.want.nalt) {
		search_terms_each(t, TERMS_UNCACHED, text, strlen(text), snip_term, &s);
		/* The window of `words` words with the most matches, earliest
		 * first among equals. */
		size_t best = 0, best_n = 0, n = 0;
		for (size_t i = 0; i < s.nw; i++) {
			n += s.w[i].match;
			if (i >= words)
				n -= s.w[i - words].match;
			size_t from = i + 1 >= words ? i + 1 - words : 0;
			if (n > best_n) {
				best_n = n;
				best = from;
			}
		}
		if (best_n) {
			size_t last = best + words < s.nw ? best + words - 1 : s.nw - 1;
			/* A window at the text's start or end takes it whole. */
			size_t from = best ? s.w[best].start : 0;
			size_t to = last + 1 < s.nw ? s.w[last].end : strlen(text);
			kb_buf b = {0};
			if (best)
				kb_buf_puts(&b, "…");
			size_t at = from;
			for (size_t i = best; i <= last; i++) {
				if (!s.w[i].match)
					continue;
				plain(&b, text + at, s.w[i].start - at);
				kb_buf_putc(&b, '\x01');
				plain(&b, text + s.w[i].start, s.w[i].end - s.w[i].start);
				kb_buf_putc(&b, '\x02');
				at = s.w[i].end;
			}
			plain(&b, text + at, to - at);
			if (last + 1 < s.nw)
				kb_buf_puts(&b, "…");
			res = kb_buf_to_arena(a, &b);
		}
	}
	kb_buf_free(&s.want.text);
	kb_arena_free(&tmp);
	return res;
}
