/*
 * fuzz_tokenise.c: libFuzzer target for text_tokenise(). Checks that tokens
 * are non-empty, inside the input, in increasing order without overlap, do
 * not start or end inside a UTF-8 sequence, never contain a space, danda or
 * invalid byte, and that a non-zero callback result stops the walk.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/internal.h"
#include "text/text.h"

typedef struct walk {
	const uint8_t *s;
	size_t n, last_end, count, stop_at;
} walk;

static int check(void *ud, const text_token *t)
{
	walk *w = ud;
	if (t->start >= t->end || t->end > w->n || t->start < w->last_end)
		abort();
	/* decoding within [start, end) fails if either end splits a
	 * sequence, so this also checks the boundaries */
	for (size_t i = t->start; i < t->end;) {
		size_t len;
		int32_t c = tx_decode(w->s + i, t->end - i, &len);
		if (c == TX_BAD || c == ' ' || c == '\n' || c == DV_DANDA || c == DV_DDANDA || c == '-')
			abort();
		i += len;
	}
	w->last_end = t->end;
	w->count++;
	return w->stop_at && w->count == w->stop_at ? 7 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	walk w = {data, size, 0, 0, 0};
	if (text_tokenise((const char *)data, size, check, &w) != 0)
		abort();
	if (w.count) {
		walk w2 = {data, size, 0, 0, (w.count + 1) / 2};
		if (text_tokenise((const char *)data, size, check, &w2) != 7 || w2.count != w2.stop_at)
			abort();
	}
	return 0;
}
