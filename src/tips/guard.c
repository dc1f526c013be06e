/*
 * guard.c: the tip form's abuse controls (see tips.h): the sliding-window
 * rate limits (counted in the database through src/http/ratelimit.c, so
 * every server shares them), the digest that finds a tip sent twice, and
 * reference numbers. The honeypot, the minimum fill time and the size
 * limits are checked by the page (src/pages/tips.c).
 */
#include <string.h>

#include "../http/ratelimit.h"
#include "../core/crypto.h"
#include "../text/text.h"
#include "tips.h"

int64_t tips_rate_take(store *st, const char *ip, int64_t now)
{
	return rate_take(st, "tips", ip, TIPS_IP_MAX, TIPS_IP_WINDOW, now);
}

int64_t tips_rate_take_site(store *st, int64_t now)
{
	return rate_take(st, "tips_site", NULL, TIPS_ALL_MAX, TIPS_ALL_WINDOW, now);
}

typedef struct digest_ctx {
	const char *s;
	kb_buf *words;
} digest_ctx;

static int add_word(void *ud, const text_token *tok)
{
	digest_ctx *c = ud;
	if (c->words->len)
		kb_buf_putc(c->words, ' ');
	text_normalise(c->words, c->s + tok->start, tok->end - tok->start, 0);
	return 0;
}

void tips_digest(const char *text, size_t n, char out[65])
{
	kb_buf words = {0};
	digest_ctx c = {text, &words};
	text_tokenise(text, n, add_word, &c);
	kb_sha256_hex(kb_buf_str(&words), words.len, out);
	kb_buf_free(&words);
}

/* No 0/O, 1/I/L: a reference read out on the phone survives. */
static const char ref_chars[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

void tips_new_ref(char out[16])
{
	unsigned char r[8];
	kb_random_bytes(r, sizeof r);
	memcpy(out, "KH-", 3);
	for (int i = 0; i < 8; i++)
		out[3 + i + (i >= 4)] = ref_chars[r[i] % (sizeof ref_chars - 1)];
	out[7] = '-';
	out[12] = 0;
}

int tips_ref_valid(const char *s)
{
	if (strlen(s) != 12 || strncmp(s, "KH-", 3) || s[7] != '-')
		return 0;
	for (int i = 3; i < 12; i++)
		if (i != 7 && !strchr(ref_chars, s[i]))
			return 0;
	return 1;
}
