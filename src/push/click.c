/*
 * click.c: counting clicks on notifications (see push.h, clicks). The
 * click link of each message carries its subscription and an HMAC of
 * (alert, subscription) under a secret of the site, made by the delivery
 * engine as it encrypts the message; the click page checks it and notes
 * the click here. Noted clicks wait in a set in memory, one entry per
 * message however often its link is opened, until a thread of "khabar
 * serve" writes them, once a second and at a stop; the store counts each
 * message once ever (push_clicks), so a link opened after a write, or on
 * two servers, adds nothing either.
 *
 * Not here: the page (src/pages/push.c) and the SQL (push_sqlite.c).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/crypto.h"
#include "push.h"

/* ---- the link ---- */

static pthread_mutex_t g_key_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned char g_key[32];
static int g_have_key;

int push_click_secret(store *st, unsigned char key[32])
{
	pthread_mutex_lock(&g_key_mu);
	if (!g_have_key) {
		unsigned char fresh[32];
		kb_random_bytes(fresh, sizeof fresh);
		g_have_key = !store_secret(st, "push_click", fresh, sizeof fresh, g_key);
	}
	if (g_have_key)
		memcpy(key, g_key, 32);
	int ok = g_have_key;
	pthread_mutex_unlock(&g_key_mu);
	return ok ? 0 : -1;
}

/* The MAC of (alert, sub): the first PUSH_CLICK_MAC_LEN hex digits of an
 * HMAC-SHA-256 under key, written into out with a NUL. */
static void mac(const unsigned char key[32], int64_t alert, int64_t sub, char out[65])
{
	char msg[64];
	snprintf(msg, sizeof msg, "push-click:%lld:%lld", (long long)alert, (long long)sub);
	kb_hmac_hex(key, 32, msg, out);
	out[PUSH_CLICK_MAC_LEN] = 0;
}

size_t push_click_tail(char out[PUSH_CLICK_TAIL_MAX + 1], const unsigned char key[32], int64_t alert,
		       int64_t sub)
{
	char m[65];
	mac(key, alert, sub, m);
	return (size_t)snprintf(out, PUSH_CLICK_TAIL_MAX + 1, "%lld/%s", (long long)sub, m);
}

int push_click_valid(const unsigned char key[32], int64_t alert, int64_t sub, const char *given)
{
	char m[65];
	mac(key, alert, sub, m);
	return kb_secret_equal(m, given);
}

/* ---- clicks waiting to be written ---- */

/* Open addressing at most half full; used lists the filled slots, so a
 * write empties the set without sweeping it. Alert ids start at 1: an
 * alert of 0 is an empty slot. */
#define SLOTS (2 * PUSH_CLICK_PENDING)

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static push_click *g_set;
static unsigned *g_used;
static size_t g_n;
static int g_lost; /* clicks lost since the last write: said once per write */

int push_click_note(int64_t alert, int64_t sub)
{
	uint64_t h = ((uint64_t)alert * 0x9E3779B97F4A7C15ULL) ^ ((uint64_t)sub * 0xC2B2AE3D27D4EB4FULL);
	int rc = 0;
	pthread_mutex_lock(&g_mu);
	if (!g_set) {
		g_set = kb_calloc(SLOTS, sizeof *g_set);
		g_used = kb_calloc(PUSH_CLICK_PENDING, sizeof *g_used);
	}
	for (size_t i = (size_t)((h >> 32) % SLOTS);; i = (i + 1) % SLOTS) {
		push_click *c = &g_set[i];
		if (c->alert_id == alert && c->sub_id == sub)
			break;
		if (c->alert_id)
			continue;
		if (g_n == PUSH_CLICK_PENDING) {
			g_lost++;
			rc = -1;
			break;
		}
		*c = (push_click){alert, sub};
		g_used[g_n++] = (unsigned)i;
		break;
	}
	pthread_mutex_unlock(&g_mu);
	return rc;
}

/* Moves the noted clicks into a malloc'ed array (*n of them; NULL when
 * none) and empties the set. */
static push_click *take(size_t *n, int *lost)
{
	pthread_mutex_lock(&g_mu);
	push_click *v = g_n ? kb_malloc(g_n * sizeof *v) : NULL;
	for (size_t i = 0; i < g_n; i++) {
		v[i] = g_set[g_used[i]];
		g_set[g_used[i]] = (push_click){0, 0};
	}
	*n = g_n;
	*lost = g_lost;
	g_n = 0;
	g_lost = 0;
	pthread_mutex_unlock(&g_mu);
	return v;
}

long push_click_flush(store *st)
{
	size_t n, counted = 0;
	int lost;
	push_click *v = take(&n, &lost);
	if (lost)
		kb_warn("push: %d clicks lost: %d were already waiting to be counted", lost,
			PUSH_CLICK_PENDING);
	int rc = n ? push_store_clicks(st, v, n, &counted) : STORE_OK;
	if (rc) {
		kb_warn("push: cannot count %zu clicks yet: %s", n, store_errmsg(st));
		for (size_t i = 0; i < n; i++)
			push_click_note(v[i].alert_id, v[i].sub_id);
	}
	free(v);
	return rc ? -1 : (long)counted;
}
