/*
 * text_bench.c: throughput of the Hindi text engine on one core, beside
 * utf8proc's bare NFC on the same text. Reads a UTF-8 file, repeats it to
 * about 20 MB and times:
 *
 *   utf8proc NFC        utf8proc_map(COMPOSE | STABLE), the floor to beat
 *   normalise           text_normalise() on the whole text
 *   tokenise            text_tokenise() walking every word
 *   norm+tok+stem       what search indexing does: normalise the text,
 *                       tokenise it, stem every token
 *
 * Usage: text_bench FILE [MEGABYTES]. Prints MB/s (10^6 bytes of input per
 * second), best of three runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "text/text.h"

typedef struct stemctx {
	const char *s;
	kb_buf out;
	size_t words;
} stemctx;

static int count_cb(void *ud, const text_token *t)
{
	(*(size_t *)ud)++;
	return 0;
}

static int stem_cb(void *ud, const text_token *t)
{
	stemctx *c = ud;
	kb_buf_reset(&c->out);
	text_stem(&c->out, c->s + t->start, t->end - t->start);
	c->words++;
	return 0;
}

static double secs(void)
{
	return (double)kb_mono_ns() / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: text_bench FILE [MEGABYTES]\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	kb_buf seed = {0};
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		kb_buf_append(&seed, chunk, got);
	fclose(f);
	if (!seed.len) {
		fprintf(stderr, "%s: empty\n", argv[1]);
		return 1;
	}
	size_t want = (size_t)(argc > 2 ? atof(argv[2]) : 20) * 1000000;
	kb_buf text = {0};
	while (text.len < want)
		kb_buf_append(&text, seed.data, seed.len);
	double mb = (double)text.len / 1e6;

	double best[4] = {1e9, 1e9, 1e9, 1e9};
	size_t words = 0;
	for (int run = 0; run < 3; run++) {
		double t0 = secs();
		utf8proc_uint8_t *dst = NULL;
		utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)text.data,
						  (utf8proc_ssize_t)text.len, &dst,
						  UTF8PROC_COMPOSE | UTF8PROC_STABLE);
		double t1 = secs();
		if (r < 0) {
			fprintf(stderr, "utf8proc_map: %s\n", utf8proc_errmsg(r));
			return 1;
		}
		free(dst);

		kb_buf n = {0};
		double t2 = secs();
		text_normalise(&n, text.data, text.len, 0);
		double t3 = secs();
		kb_buf_free(&n);

		size_t count = 0;
		double t4 = secs();
		text_tokenise(text.data, text.len, count_cb, &count);
		double t5 = secs();

		double t6 = secs();
		kb_buf all = {0};
		text_normalise(&all, text.data, text.len, 0);
		stemctx c = {all.data, {0}, 0};
		text_tokenise(all.data, all.len, stem_cb, &c);
		double t7 = secs();
		words = c.words;
		kb_buf_free(&c.out);
		kb_buf_free(&all);

		double d[4] = {t1 - t0, t3 - t2, t5 - t4, t7 - t6};
		for (int i = 0; i < 4; i++)
			if (d[i] < best[i])
				best[i] = d[i];
	}
	printf("text: %.1f MB of %s (%zu words), one core, best of 3\n", mb, argv[1], words);
	printf("  %-28s %8.1f MB/s\n", "utf8proc NFC (bare)", mb / best[0]);
	printf("  %-28s %8.1f MB/s\n", "text_normalise", mb / best[1]);
	printf("  %-28s %8.1f MB/s\n", "text_tokenise", mb / best[2]);
	printf("  %-28s %8.1f MB/s\n", "normalise + tokenise + stem", mb / best[3]);
	kb_buf_free(&seed);
	kb_buf_free(&text);
	return 0;
}
