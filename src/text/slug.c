/*
 * slug.c: text_slug(), a readable ASCII URL slug for a title:
 * "भारत-इज़राइल रक्षा सहयोग पर समझौता" ->
 * "bharat-israel-raksha-sahyog-par-samjhauta". Words come from
 * tokenise.c, Devanagari is transliterated (translit.c, with the English
 * names of names.c), Latin is lower-cased with accents stripped, anything
 * else is dropped; words are joined by single hyphens. Never percent-encoded:
 * only a-z, 0-9 and '-' come out. It does not make slugs unique (the store
 * does).
 */
#include "internal.h"

typedef struct slug_ctx {
	kb_buf *out;
	const char *title;
	size_t base, max;
	int done;
	kb_buf word, tmp;
} slug_ctx;

/* Appends one word to the slug if it fits whole; the first word is cut to
 * fit if it alone is too long. Stops the tokeniser when the slug is full. */
static int slug_word(void *ud, const text_token *tok)
{
	slug_ctx *c = ud;
	const char *w = c->title + tok->start;
	size_t n = tok->end - tok->start;
	kb_buf_reset(&c->word);
	kb_buf_reset(&c->tmp);
	int deva = 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)w[i] == 0xE0 && i + 1 < n &&
		    ((unsigned char)w[i + 1] == 0xA4 || (unsigned char)w[i + 1] == 0xA5))
			deva = 1;
	if (deva) {
		text_translit(&c->tmp, w, n);
		tx_ascii_fold(&c->word, c->tmp.data, c->tmp.len);
	} else {
		tx_ascii_fold(&c->word, w, n);
	}
	size_t len = c->word.len, used = c->out->len - c->base;
	if (!len)
		return 0;
	if (!used) {
		kb_buf_append(c->out, c->word.data, len < c->max ? len : c->max);
		c->done = 1;
		return len >= c->max;
	}
	if (used + 1 + len > c->max)
		return 1;
	kb_buf_putc(c->out, '-');
	kb_buf_append(c->out, c->word.data, len);
	return 0;
}

/* Contract in text.h. */
void text_slug(kb_buf *out, const char *title, size_t n, size_t max)
{
	if (!max)
		max = 80;
	slug_ctx c = {out, title, out->len, max, 0, {0}, {0}};
	text_tokenise(title, n, slug_word, &c);
	if (!c.done) {
		static const char fallback[] = "khabar";
		size_t len = sizeof fallback - 1;
		kb_buf_append(out, fallback, len < max ? len : max);
	}
	kb_buf_free(&c.word);
	kb_buf_free(&c.tmp);
}
