/*
 * suggest.c: the suggestions index (see suggest.h).
 */
#include "suggest.h"

#include <stdlib.h>
#include <string.h>

#include "../core/core.h"
#include "../text/text.h"

/* At most this many query words count; more are ignored. */
#define MAX_WORDS 6
/* With several query words, the entries of one key looked at (the
 * heaviest first) before the next key: the others filter them. */
#define MAX_RUN 2000

/* Sorted by text, and within one text as the answer wants them (topics,
 * then by weight, heaviest first): the range of a prefix is runs of equal
 * keys, each already in order. */
typedef struct key {
	const char *k; /* in the index's arena */
	uint32_t len, entry;
	int topic;
	int64_t weight;
} key;

typedef struct vocab {
	const char *latin, *word;
	uint32_t latin_len, count;
} vocab;

struct suggest_index {
	kb_arena a;
	suggest_entry *e;
	size_t n;
	key *keys;
	size_t nkeys, cap;
	/* Per entry, the range of its keys in words[] (for the checks). */
	key *words;
	uint32_t *first, *count;
	/* The Devanagari words by Latin key, for "did you mean": each key
	 * once, with the word as first written and how often it occurs. */
	vocab *v;
	size_t nv;
};

/* The two keys of one normalised word: its folded Devanagari form and
 * its Latin key. */
static void word_keys(kb_buf *fold, kb_buf *latin, const char *w, size_t n, text_key_bufs *kb)
{
	kb_buf_reset(fold);
	kb_buf_reset(latin);
	text_loan_fold(fold, w, n);
	text_latin_key_with(latin, w, n, 1, kb);
}

typedef struct tok_ctx {
	const char *s;
	kb_buf norm;
	/* each word's normalised text, one after another */
	kb_buf words;
	size_t nwords;
	size_t off[MAX_WORDS * 8], len[MAX_WORDS * 8];
	size_t start[MAX_WORDS * 8], end[MAX_WORDS * 8]; /* as written in s */
} tok_ctx;

static int on_token(void *ud, const text_token *t)
{
	tok_ctx *c = ud;
	if (c->nwords == KB_COUNT(c->off))
		return 1;
	kb_buf_reset(&c->norm);
	text_normalise(&c->norm, c->s + t->start, t->end - t->start, 0);
	if (!c->norm.len)
		return 0;
	c->off[c->nwords] = c->words.len;
	c->len[c->nwords] = c->norm.len;
	c->start[c->nwords] = t->start;
	c->end[c->nwords] = t->end;
	kb_buf_append(&c->words, c->norm.data, c->norm.len);
	c->nwords++;
	return 0;
}

/* The normalised words of s (at most 48). */
static void words_of(tok_ctx *c, const char *s)
{
	c->s = s;
	c->nwords = 0;
	kb_buf_reset(&c->words);
	text_tokenise(s, strlen(s), on_token, c);
}

static void push_key(key **v, size_t *len, size_t *cap, key k)
{
	if (*len == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		*v = kb_realloc(*v, *cap * sizeof **v);
	}
	(*v)[(*len)++] = k;
}

/* Adds key k[0..n) of entry to the sorted-to-be keys and to the entry's
 * own (one copy of the text for both). */
static void add_key(suggest_index *x, size_t *nw, size_t *wcap, const char *k, size_t n, uint32_t entry)
{
	if (!n)
		return;
	key v = {kb_arena_strndup(&x->a, k, n), (uint32_t)n, entry, x->e[entry].kind != SUGGEST_HEADLINE,
		 x->e[entry].weight};
	push_key(&x->keys, &x->nkeys, &x->cap, v);
	push_key(&x->words, nw, wcap, v);
}

static int key_cmp(const void *pa, const void *pb)
{
	const key *a = pa, *b = pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->k, b->k, n);
	if (c)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	if (a->topic != b->topic)
		return a->topic ? -1 : 1;
	return a->weight > b->weight ? -1 : a->weight < b->weight;
}

static int vocab_cmp(const void *pa, const void *pb)
{
	const vocab *a = pa, *b = pb;
	size_t n = a->latin_len < b->latin_len ? a->latin_len : b->latin_len;
	int c = memcmp(a->latin, b->latin, n);
	return c ? c : a->latin_len < b->latin_len ? -1 : a->latin_len > b->latin_len;
}

/* One row per Latin key, counting its words (the first written kept). */
static void vocab_collapse(suggest_index *x)
{
	if (!x->nv)
		return;
	/* qsort is not stable: keep the first written by its place. */
	for (size_t i = 0; i < x->nv; i++)
		x->v[i].count = (uint32_t)i;
	qsort(x->v, x->nv, sizeof *x->v, vocab_cmp);
	size_t o = 0;
	for (size_t i = 0; i < x->nv;) {
		size_t j = i;
		vocab best = x->v[i];
		while (j < x->nv && !vocab_cmp(&x->v[i], &x->v[j])) {
			if (x->v[j].count < best.count)
				best = x->v[j];
			j++;
		}
		best.count = (uint32_t)(j - i);
		x->v[o++] = best;
		i = j;
	}
	x->nv = o;
}

suggest_index *suggest_build(const suggest_entry *e, size_t n)
{
	suggest_index *x = kb_calloc(1, sizeof *x);
	x->e = kb_arena_alloc(&x->a, (n ? n : 1) * sizeof *x->e);
	x->first = kb_calloc(n ? n : 1, sizeof *x->first);
	x->count = kb_calloc(n ? n : 1, sizeof *x->count);
	size_t nw = 0, wcap = 0, vcap = 0;
	tok_ctx c = {0};
	kb_buf fold = {0}, latin = {0};
	text_key_bufs kb = {0};
	for (size_t i = 0; i < n; i++) {
		suggest_entry *d = &x->e[x->n];
		d->text = kb_arena_strdup(&x->a, e[i].text);
		d->url = kb_arena_strdup(&x->a, e[i].url);
		d->kind = e[i].kind;
		d->weight = e[i].weight;
		uint32_t id = (uint32_t)x->n++;
		x->first[id] = (uint32_t)nw;
		words_of(&c, e[i].text);
		for (size_t w = 0; w < c.nwords; w++) {
			word_keys(&fold, &latin, c.words.data + c.off[w], c.len[w], &kb);
			add_key(x, &nw, &wcap, fold.data, fold.len, id);
			if (latin.len && (latin.len != fold.len || memcmp(latin.data, fold.data, fold.len))) {
				add_key(x, &nw, &wcap, latin.data, latin.len, id);
				if (x->nv == vcap) {
					vcap = vcap ? vcap * 2 : 1024;
					x->v = kb_realloc(x->v, vcap * sizeof *x->v);
				}
				x->v[x->nv++] = (vocab){x->keys[x->nkeys - 1].k,
							kb_arena_strndup(&x->a, e[i].text + c.start[w],
									 c.end[w] - c.start[w]),
							(uint32_t)latin.len, 1};
			}
		}
		x->count[id] = (uint32_t)(nw - x->first[id]);
	}
	if (x->nkeys)
		qsort(x->keys, x->nkeys, sizeof *x->keys, key_cmp);
	vocab_collapse(x);
	kb_buf_free(&fold);
	kb_buf_free(&latin);
	kb_buf_free(&c.norm);
	kb_buf_free(&c.words);
	text_key_bufs_free(&kb);
	return x;
}

void suggest_free(suggest_index *x)
{
	if (!x)
		return;
	free(x->keys);
	free(x->words);
	free(x->v);
	free(x->first);
	free(x->count);
	kb_arena_free(&x->a);
	free(x);
}

size_t suggest_size(const suggest_index *x)
{
	return x ? x->n : 0;
}

/* Code points in s[0..n). */
static size_t code_points(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* Whether key k begins with p. */
static int has_prefix(const key *k, const char *p, size_t n)
{
	return k->len >= n && !memcmp(k->k, p, n);
}

/* The first key not below p (as a prefix: exact 0) or, with past set,
 * the first after every key that begins with p (exact 1: that equals p). */
static size_t bound(const key *v, size_t lo, size_t hi, const char *p, size_t n, int past, int exact)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const key *k = &v[mid];
		size_t m = k->len < n ? k->len : n;
		int c = memcmp(k->k, p, m);
		int below = c < 0 || (!c && k->len < n);
		if (past && !c && k->len >= n)
			below = exact ? k->len == n : 1;
		if (below)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether entry id has a key beginning with one of the two keys of a
 * query word. */
static int entry_has(const suggest_index *x, uint32_t id, const char *a, size_t an, const char *b, size_t bn)
{
	for (uint32_t i = 0; i < x->count[id]; i++) {
		const key *k = &x->words[x->first[id] + i];
		if (has_prefix(k, a, an) || (bn && has_prefix(k, b, bn)))
			return 1;
	}
	return 0;
}

/* Topics before headlines, then by weight. */
static int better(const suggest_entry *a, const suggest_entry *b)
{
	int ta = a->kind == SUGGEST_HEADLINE, tb = b->kind == SUGGEST_HEADLINE;
	if (ta != tb)
		return ta < tb;
	return a->weight > b->weight;
}

size_t suggest_query(const suggest_index *x, const char *q, size_t n, const suggest_entry **out, size_t max)
{
	if (!x || !x->nkeys || !max)
		return 0;
	kb_buf qs = {0};
	kb_buf_append(&qs, q, n);
	tok_ctx c = {0};
	words_of(&c, kb_buf_str(&qs));
	kb_buf_free(&qs);
	size_t nw = c.nwords < MAX_WORDS ? c.nwords : MAX_WORDS, letters = 0;
	kb_buf fold[MAX_WORDS] = {{0}}, latin[MAX_WORDS] = {{0}};
	text_key_bufs kb = {0};
	for (size_t w = 0; w < nw; w++) {
		word_keys(&fold[w], &latin[w], c.words.data + c.off[w], c.len[w], &kb);
		letters += code_points(fold[w].data, fold[w].len);
	}
	size_t got = 0;
	if (nw && letters >= 2) {
		/* The most selective word: the fewest keys begin with it. */
		size_t best = 0, best_span = (size_t)-1, lo[2], hi[2];
		for (size_t w = 0; w < nw; w++) {
			size_t span = 0;
			for (int s = 0; s < 2; s++) {
				kb_buf *k = s ? &latin[w] : &fold[w];
				if (!k->len)
					continue;
				size_t l = bound(x->keys, 0, x->nkeys, k->data, k->len, 0, 0);
				span += bound(x->keys, l, x->nkeys, k->data, k->len, 1, 0) - l;
			}
			if (span < best_span)
				best_span = span, best = w;
		}
		for (int s = 0; s < 2; s++) {
			kb_buf *k = s ? &latin[best] : &fold[best];
			lo[s] = hi[s] = 0;
			if (!k->len)
				continue;
			lo[s] = bound(x->keys, 0, x->nkeys, k->data, k->len, 0, 0);
			hi[s] = bound(x->keys, lo[s], x->nkeys, k->data, k->len, 1, 0);
		}
		size_t per_run = nw > 1 ? MAX_RUN : max;
		for (int s = 0; s < 2; s++)
			for (size_t i = lo[s]; i < hi[s];) {
				/* One run of equal keys, its heaviest entries first. */
				const key *run = &x->keys[i];
				size_t end = bound(x->keys, i, hi[s], run->k, run->len, 1, 1);
				size_t take = 0;
				for (size_t j = i; j < end && take < per_run; j++) {
					uint32_t id = x->keys[j].entry;
					const suggest_entry *e = &x->e[id];
					int ok = 1, dup = 0;
					for (size_t m = 0; m < got && !dup; m++)
						dup = out[m] == e;
					for (size_t w = 0; w < nw && ok && !dup; w++)
						if (w != best)
							ok = entry_has(x, id, fold[w].data, fold[w].len,
								       latin[w].data, latin[w].len);
					if (!ok || dup)
						continue;
					take++;
					/* Insert in order, keeping the best max. */
					size_t at = got;
					while (at > 0 && better(e, out[at - 1]))
						at--;
					if (at >= max)
						break; /* the rest of this run weighs less */
					if (got < max)
						got++;
					memmove(&out[at + 1], &out[at], (got - 1 - at) * sizeof *out);
					out[at] = e;
				}
				i = end;
			}
	}
	for (size_t w = 0; w < MAX_WORDS; w++) {
		kb_buf_free(&fold[w]);
		kb_buf_free(&latin[w]);
	}
	kb_buf_free(&c.norm);
	kb_buf_free(&c.words);
	text_key_bufs_free(&kb);
	return got;
}

/* The edit distance of a[0..an) and b[0..bn) (a swap of two neighbours
 * is one edit), or max + 1 once it must exceed max. */
static size_t distance(const char *a, size_t an, const char *b, size_t bn, size_t max)
{
	enum { CAP = 48 };
	if (an >= CAP || bn >= CAP)
		return max + 1;
	if ((an > bn ? an - bn : bn - an) > max)
		return max + 1;
	size_t d[CAP][CAP];
	for (size_t i = 0; i <= an; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= bn; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= an; i++) {
		size_t row_min = (size_t)-1;
		for (size_t j = 1; j <= bn; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
			if (v < row_min)
				row_min = v;
		}
		if (row_min > max)
			return max + 1;
	}
	return d[an][bn];
}

/* Whether w[0..n) is Latin letters only. */
static int latin_word(const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= 'A' && w[i] <= 'Z')))
			return 0;
	return n > 0;
}

int suggest_correct(const suggest_index *x, const char *q, size_t n, kb_buf *out)
{
	if (!x || !x->nv)
		return 0;
	kb_buf qs = {0}, latin = {0}, res = {0};
	kb_buf_append(&qs, q, n);
	tok_ctx c = {0};
	words_of(&c, kb_buf_str(&qs));
	text_key_bufs kb = {0};
	int changed = 0, ok = c.nwords > 0 && c.nwords <= MAX_WORDS;
	for (size_t w = 0; w < c.nwords && ok; w++) {
		const char *word = c.words.data + c.off[w];
		size_t wl = c.len[w];
		if (!latin_word(word, wl)) {
			ok = 0; /* Devanagari or digits: not a misspelling of this kind */
			break;
		}
		kb_buf_reset(&latin);
		text_latin_key_with(&latin, word, wl, 1, &kb);
		/* A short word must be right but for one letter; a longer one
		 * may be two off. */
		size_t max = latin.len < 4 ? 0 : latin.len < 7 ? 1 : 2, best_d = max + 1;
		const vocab *best = NULL;
		for (size_t i = 0; i < x->nv; i++) {
			size_t d = distance(latin.data, latin.len, x->v[i].latin, x->v[i].latin_len, max);
			if (d < best_d || (d == best_d && best && x->v[i].count > best->count))
				best_d = d, best = &x->v[i];
		}
		/* A word the index does not know stays as typed (the search
		 * knows more words than the headlines hold). */
		changed |= best && best_d > 0;
		if (res.len)
			kb_buf_putc(&res, ' ');
		if (best)
			kb_buf_puts(&res, best->word);
		else
			kb_buf_append(&res, word, wl);
	}
	if (ok && changed)
		kb_buf_append(out, res.data, res.len);
	kb_buf_free(&res);
	kb_buf_free(&qs);
	kb_buf_free(&latin);
	kb_buf_free(&c.norm);
	kb_buf_free(&c.words);
	text_key_bufs_free(&kb);
	return ok && changed;
}
