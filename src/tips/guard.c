/*
 * guard.c: the tip form's abuse controls that need no database (see
 * tips.h): sliding-window rate limits kept in memory, the digest that
 * finds a tip sent twice, and reference numbers. The honeypot, the
 * minimum fill time and the size limits are checked by the page
 * (src/pages/tips.c).
 *
 * The limits live in one process's memory: a restart forgets them, and
 * several servers behind a balancer count separately. That is the price
 * of keeping the form's hot path off the database.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <string.h>

#include "../newsroom/auth.h"
#include "../text/text.h"
#include "tips.h"

/* An address's window: the times of its last TIPS_IP_MAX submissions, as
 * a ring (next is the oldest once full). */
typedef struct slot {
	unsigned char key[16];
	int64_t at[TIPS_IP_MAX];
	unsigned next, n;
} slot;

#define SLOTS 4096 /* addresses remembered; probes replace the stalest */
#define PROBES 8

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static slot g_slots[SLOTS];
static int64_t g_all[TIPS_ALL_MAX];
static unsigned g_all_next, g_all_n;

/* ip as 16 bytes: IPv4 mapped, IPv6 cut to its /64 (one subscriber's
 * network, which may hand out any address in it). An IPv4 reader on an
 * IPv6 listener arrives as ::ffff:a.b.c.d and keeps its whole address:
 * cut to /64, every IPv4 reader would share one count. */
static void ip_key(const char *ip, unsigned char key[16])
{
	memset(key, 0, 16);
	struct in_addr v4;
	if (inet_pton(AF_INET, ip, &v4) == 1) {
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &v4, 4);
	} else if (inet_pton(AF_INET6, ip, key) == 1 && !IN6_IS_ADDR_V4MAPPED((struct in6_addr *)key)) {
		memset(key + 8, 0, 8);
	}
}

/* FNV-1a of the key. */
static size_t hash(const unsigned char key[16])
{
	uint64_t h = 1469598103934665603ULL;
	for (int i = 0; i < 16; i++)
		h = (h ^ key[i]) * 1099511628211ULL;
	return (size_t)(h % SLOTS);
}

/* The newest time in a window, 0 when empty. */
static int64_t newest(const int64_t *at, unsigned next, unsigned n, unsigned cap)
{
	return n ? at[(next + cap - 1) % cap] : 0;
}

/* Seconds until a full ring of cap times frees a place in window, or 0
 * when it has room now. */
static int64_t wait_for(const int64_t *at, unsigned next, unsigned n, unsigned cap,
			int64_t window, int64_t now)
{
	if (n < cap)
		return 0;
	int64_t oldest = at[next];
	return oldest + window > now ? oldest + window - now : 0;
}

static void push(int64_t *at, unsigned *next, unsigned *n, unsigned cap, int64_t now)
{
	at[*next] = now;
	*next = (*next + 1) % cap;
	if (*n < cap)
		(*n)++;
}

int64_t tips_rate_take(const char *ip, int64_t now)
{
	unsigned char key[16];
	ip_key(ip, key);
	size_t h = hash(key);
	pthread_mutex_lock(&g_mu);
	/* The address's slot, or the stalest of its probes. */
	slot *s = NULL, *stale = NULL;
	for (size_t i = 0; i < PROBES; i++) {
		slot *c = &g_slots[(h + i) % SLOTS];
		if (c->n && !memcmp(c->key, key, 16)) {
			s = c;
			break;
		}
		if (!stale || newest(c->at, c->next, c->n, TIPS_IP_MAX) <
				      newest(stale->at, stale->next, stale->n, TIPS_IP_MAX))
			stale = c;
	}
	if (!s) {
		s = stale;
		memset(s, 0, sizeof *s);
		memcpy(s->key, key, 16);
	}
	int64_t wait = wait_for(s->at, s->next, s->n, TIPS_IP_MAX, TIPS_IP_WINDOW, now);
	if (!wait)
		push(s->at, &s->next, &s->n, TIPS_IP_MAX, now);
	pthread_mutex_unlock(&g_mu);
	return wait;
}

int64_t tips_rate_take_site(int64_t now)
{
	pthread_mutex_lock(&g_mu);
	int64_t wait = wait_for(g_all, g_all_next, g_all_n, TIPS_ALL_MAX, TIPS_ALL_WINDOW, now);
	if (!wait)
		push(g_all, &g_all_next, &g_all_n, TIPS_ALL_MAX, now);
	pthread_mutex_unlock(&g_mu);
	return wait;
}

void tips_rate_reset(void)
{
	pthread_mutex_lock(&g_mu);
	memset(g_slots, 0, sizeof g_slots);
	g_all_next = g_all_n = 0;
	pthread_mutex_unlock(&g_mu);
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
	auth_sha256_hex(words.data ? words.data : "", words.len, out);
	kb_buf_free(&words);
}

/* No 0/O, 1/I/L: a reference read out on the phone survives. */
static const char ref_chars[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

void tips_new_ref(char out[16])
{
	unsigned char r[8];
	auth_random_bytes(r, sizeof r);
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
