/*
 * terms.c: a text's search terms (terms.h), built on src/text.
 */
#include "terms.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../text/text.h"

/*
 * A document word's terms depend on its bytes alone, and a news site uses
 * the same few thousand words over and over, so each search_terms keeps the
 * terms of recent document words (a direct-mapped cache of CACHE_SLOTS
 * words of up to CACHE_WORD bytes, about 4 MB): an index rebuild keys each
 * common word once instead of at every use. Queries, prefixes and
 * highlights are rare and go the long way.
 */
#define CACHE_SLOTS 16384
#define CACHE_WORD 60
#define CACHE_TERMS 190 /* bytes of terms, as add_term writes them */
/* Bulk work only: the cache comes at the CACHE_AFTER-th document, so a
 * server connection that saves a story now and then never pays the 4 MB. */
#define CACHE_AFTER 256

typedef struct slot {
	uint32_t hash;
	unsigned char wlen, tlen; /* wlen 0: empty */
	char word[CACHE_WORD];
	unsigned char terms[CACHE_TERMS];
} slot;

struct search_terms {
	slot *cache; /* CACHE_SLOTS of them, or NULL */
	unsigned docs;
	kb_buf norm, stem, key, terms, mark;
	text_key_bufs kb; /* text_latin_key's buffers, kept between words */
};

/* One run of search_terms_each. */
typedef struct run {
	search_terms *t;
	unsigned flags;
	const char *text;
	int cached; /* document words go through the cache */
	search_term_cb cb;
	void *ud;
} run;

search_terms *search_terms_new(void)
{
	return calloc(1, sizeof(search_terms));
}

void search_terms_free(search_terms *t)
{
	if (!t)
		return;
	free(t->cache);
	kb_buf_free(&t->norm);
	kb_buf_free(&t->stem);
	kb_buf_free(&t->key);
	kb_buf_free(&t->terms);
	kb_buf_free(&t->mark);
	text_key_bufs_free(&t->kb);
	free(t);
}

/* Whether s has a Devanagari letter (U+0900..U+097F: E0 A4 xx, E0 A5 xx). */
int search_has_devanagari(const char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if ((unsigned char)s[i] == 0xE0 &&
		    ((unsigned char)s[i + 1] == 0xA4 || (unsigned char)s[i + 1] == 0xA5))
			return 1;
	return 0;
}

/* Appends one term to t->terms as (colocated flag byte, size_t length,
 * bytes). */
static void add_term(search_terms *t, int colocated, const char *p, size_t n)
{
	kb_buf_putc(&t->terms, (char)colocated);
	kb_buf_append(&t->terms, &n, sizeof n);
	kb_buf_append(&t->terms, p, n);
}

/* Appends the exact form of t->norm ('=' and the word) to t->terms. */
static void exact_term(search_terms *t, int colocated)
{
	kb_buf_reset(&t->key);
	kb_buf_putc(&t->key, TERMS_EXACT_MARK);
	kb_buf_append(&t->key, t->norm.data, t->norm.len);
	add_term(t, colocated, t->key.data, t->key.len);
	kb_buf_reset(&t->key);
}

/* Appends a stem's Latin key p[0..n), marked (terms.h). */
static void marked_term(search_terms *t, int colocated, const char *p, size_t n)
{
	kb_buf_reset(&t->mark);
	kb_buf_putc(&t->mark, TERMS_STEM_KEY_MARK);
	kb_buf_append(&t->mark, p, n);
	add_term(t, colocated, t->mark.data, t->mark.len);
}

/* Fills t->terms with the terms of the normalised word t->norm, in order. */
static void word_terms(search_terms *t, unsigned flags)
{
	int deva = search_has_devanagari(t->norm.data, t->norm.len);
	int query = (flags & TERMS_QUERY) != 0;
	int prefix = (flags & TERMS_PREFIX) != 0;
	if (query && (flags & TERMS_EXACT)) {
		if (deva) {
			exact_term(t, 0);
		} else if (!prefix) {
			/* A Latin word's exact form: its key, which a story has
			 * plain only for a word of that form (stems' keys are
			 * marked). */
			kb_buf_reset(&t->key);
			text_latin_key_with(&t->key, t->norm.data, t->norm.len, 1, &t->kb);
			if (t->key.len)
				add_term(t, 0, t->key.data, t->key.len);
			kb_buf_reset(&t->key);
		}
		return;
	}
	kb_buf_reset(&t->stem);
	kb_buf_reset(&t->key);
	if (prefix) /* folded as stems are, so ऑक्सी* meets आक्सीजन */
		text_loan_fold(&t->stem, t->norm.data, t->norm.len);
	else
		text_stem(&t->stem, t->norm.data, t->norm.len);

	/* A Latin query word is looked up by its key alone. */
	int stem_out = !(query && !deva) && t->stem.len;
	if (stem_out) {
		add_term(t, 0, t->stem.data, t->stem.len);
		/* A Devanagari query word: its stem. Highlights use only the
		 * offsets of a word's first term, never the text of its
		 * colocated synonyms. */
		if (query || (flags & TERMS_HIGHLIGHT))
			return;
		if (deva)
			exact_term(t, 1);
	}
	int first = !stem_out;
	/* Documents also carry the Latin keys of the word and of its stem
	 * (कीमतें: "kimaten" and "kimat"), so "keemat" finds कीमतें. */
	text_latin_key_with(&t->key, t->norm.data, t->norm.len, 1, &t->kb);
	size_t k1 = t->key.len;
	if (!query && (t->stem.len != t->norm.len || memcmp(t->stem.data, t->norm.data, t->norm.len)))
		text_latin_key_with(&t->key, t->stem.data, t->stem.len, 0, &t->kb);
	const char *k = t->key.data;
	size_t lens[2] = {k1, t->key.len - k1};
	for (int i = 0; i < 2; i++) {
		const char *kp = i ? k + k1 : k;
		if (!lens[i] || (i && lens[1] == lens[0] && !memcmp(kp, k, lens[0])) ||
		    (stem_out && t->stem.len == lens[i] && !memcmp(kp, t->stem.data, lens[i])))
			continue;
		/* The stem's key is marked, so the word's own key stays its
		 * exact form (bharat for भारत, not for भारतीय). */
		if (i)
			marked_term(t, first ? 0 : 1, kp, lens[i]);
		else
			add_term(t, first ? 0 : 1, kp, lens[i]);
		first = 0;
	}
	/* A Latin query word (not a prefix) asks for both: a word of that
	 * key, or a word whose stem has it (TERMS_STEM_KEY_MARK). */
	if (query && !deva && !prefix && lens[0])
		marked_term(t, 1, k, lens[0]);
}

/* Hands the terms p[0..n) (as add_term wrote them) to the callback. */
static int emit_terms(run *r, const unsigned char *p, size_t n, size_t start, size_t end)
{
	for (size_t i = 0; i < n;) {
		int colocated = p[i];
		size_t len;
		memcpy(&len, p + i + 1, sizeof len);
		int rc = r->cb(r->ud, colocated, (const char *)p + i + 1 + sizeof len, len, start, end);
		if (rc)
			return rc;
		i += 1 + sizeof len + len;
	}
	return 0;
}

static int on_token(void *ud, const text_token *tok)
{
	run *r = ud;
	search_terms *t = r->t;
	const char *word = r->text + tok->start;
	size_t wn = tok->end - tok->start;
	slot *s = NULL;
	uint32_t h = 0;
	if (r->cached && wn > 0 && wn <= CACHE_WORD) {
		h = (uint32_t)kb_hash64(word, wn);
		s = &t->cache[h & (CACHE_SLOTS - 1)];
		if (s->wlen == wn && s->hash == h && !memcmp(s->word, word, wn))
			return emit_terms(r, s->terms, s->tlen, tok->start, tok->end);
	}
	kb_buf_reset(&t->norm);
	kb_buf_reset(&t->terms);
	text_normalise(&t->norm, word, wn, 0);
	if (t->norm.len)
		word_terms(t, r->flags);
	if (s && t->terms.len <= CACHE_TERMS) {
		s->hash = h;
		s->wlen = (unsigned char)wn;
		s->tlen = (unsigned char)t->terms.len;
		memcpy(s->word, word, wn);
		if (t->terms.len)
			memcpy(s->terms, t->terms.data, t->terms.len);
	}
	return emit_terms(r, (const unsigned char *)t->terms.data, t->terms.len, tok->start, tok->end);
}

int search_terms_each(search_terms *t, unsigned flags, const char *text, size_t n, search_term_cb cb,
		      void *ud)
{
	if (!flags && !t->cache && ++t->docs >= CACHE_AFTER)
		t->cache = calloc(CACHE_SLOTS, sizeof *t->cache); /* NULL: go on without */
	run r = {.t = t, .flags = flags, .text = text, .cached = !flags && t->cache, .cb = cb, .ud = ud};
	return n ? text_tokenise(text, n, on_token, &r) : 0;
}
