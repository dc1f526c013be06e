/*
 * reads.c: counting reads of stories in memory, the beacon that notes
 * them, the job that writes them and the lists pages show (reads.h).
 *
 * The tally is sharded by the reader's hash: each shard has its own lock,
 * its part of the set of recent readers (open addressing, a short probe,
 * the oldest slot reused when the probe finds none free) and its part of
 * the (story, hour) totals waiting to be written (open addressing at most
 * half full, with the list of filled slots so a take does not sweep).
 *
 * Not here: the SQL (src/db/reads_sqlite.c), the templates' markup
 * (templates/mostread.html).
 */
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/crypto.h"
#include "pages.h"
#include "reads.h"

/* ---- the tally ---- */

#define SHARDS 16
#define SEEN_PER (READS_SEEN_MAX / SHARDS)
#define PENDING_PER (READS_PENDING_MAX / SHARDS)
#define PENDING_SLOTS (2 * PENDING_PER)
/* How many slots of the readers' set a note looks at. */
#define PROBE 8

typedef struct seen {
	uint64_t reader; /* 0: empty */
	int64_t at;
} seen;

typedef struct pending {
	int64_t article_id, hour, n; /* article_id 0: empty */
} pending;

typedef struct shard {
	pthread_mutex_t mu;
	seen *seen;
	pending *slots;
	unsigned *used;
	size_t nused, lost;
} shard;

struct reads_tally {
	int window;
	shard s[SHARDS];
};

reads_tally *reads_tally_new(int window)
{
	reads_tally *t = kb_calloc(1, sizeof *t);
	t->window = window;
	for (int i = 0; i < SHARDS; i++) {
		pthread_mutex_init(&t->s[i].mu, NULL);
		/* calloc'ed: the pages come from the system as they are used. */
		t->s[i].seen = kb_calloc(SEEN_PER, sizeof *t->s[i].seen);
		t->s[i].slots = kb_calloc(PENDING_SLOTS, sizeof *t->s[i].slots);
		t->s[i].used = kb_calloc(PENDING_PER, sizeof *t->s[i].used);
	}
	return t;
}

void reads_tally_free(reads_tally *t)
{
	if (!t)
		return;
	for (int i = 0; i < SHARDS; i++) {
		pthread_mutex_destroy(&t->s[i].mu);
		free(t->s[i].seen);
		free(t->s[i].slots);
		free(t->s[i].used);
	}
	free(t);
}

/* Adds n to (article_id, hour) in s, whose lock the caller holds: 0, or
 * -1 when the totals are full (the reads are lost and counted so). */
static int add_locked(shard *s, int64_t article_id, int64_t hour, int64_t n)
{
	uint64_t h = ((uint64_t)article_id * 0x9E3779B97F4A7C15ULL) ^
		     ((uint64_t)hour * 0xC2B2AE3D27D4EB4FULL);
	for (size_t i = (size_t)((h >> 32) % PENDING_SLOTS);; i = (i + 1) % PENDING_SLOTS) {
		pending *p = &s->slots[i];
		if (p->article_id == article_id && p->hour == hour) {
			p->n += n;
			return 0;
		}
		if (p->article_id)
			continue;
		if (s->nused == PENDING_PER) {
			s->lost += (size_t)n;
			return -1;
		}
		*p = (pending){article_id, hour, n};
		s->used[s->nused++] = (unsigned)i;
		return 0;
	}
}

int reads_tally_note(reads_tally *t, uint64_t reader, int64_t article_id, int64_t now)
{
	shard *s = &t->s[reader % SHARDS];
	size_t start = (size_t)((reader >> 8) % SEEN_PER);
	pthread_mutex_lock(&s->mu);
	seen *slot = NULL, *oldest = NULL;
	for (size_t k = 0; k < PROBE; k++) {
		seen *e = &s->seen[(start + k) % SEEN_PER];
		int live = e->reader && now - e->at < t->window;
		if (live && e->reader == reader) {
			pthread_mutex_unlock(&s->mu);
			return 0;
		}
		if (!live && !slot)
			slot = e;
		if (!oldest || e->at < oldest->at)
			oldest = e;
	}
	/* The window starts at the first read: reading on does not extend it. */
	*(slot ? slot : oldest) = (seen){reader, now};
	int rc = add_locked(s, article_id, now / 3600, 1);
	pthread_mutex_unlock(&s->mu);
	return rc ? -1 : 1;
}

void reads_tally_add(reads_tally *t, int64_t article_id, int64_t hour, int64_t n)
{
	shard *s = &t->s[(uint64_t)article_id % SHARDS];
	pthread_mutex_lock(&s->mu);
	add_locked(s, article_id, hour, n);
	pthread_mutex_unlock(&s->mu);
}

static int by_story_hour(const void *x, const void *y)
{
	const kb_read_count *a = x, *b = y;
	if (a->article_id != b->article_id)
		return a->article_id < b->article_id ? -1 : 1;
	return a->hour < b->hour ? -1 : a->hour > b->hour;
}

kb_read_count *reads_tally_take(reads_tally *t, size_t *n, size_t *lost)
{
	size_t cap = 0, len = 0;
	kb_read_count *v = NULL;
	*lost = 0;
	for (int i = 0; i < SHARDS; i++) {
		shard *s = &t->s[i];
		pthread_mutex_lock(&s->mu);
		if (len + s->nused > cap) {
			cap = (len + s->nused) * 2;
			v = kb_realloc(v, cap * sizeof *v);
		}
		for (size_t k = 0; k < s->nused; k++) {
			pending *p = &s->slots[s->used[k]];
			v[len++] = (kb_read_count){p->article_id, p->hour, p->n};
			*p = (pending){0, 0, 0};
		}
		s->nused = 0;
		*lost += s->lost;
		s->lost = 0;
		pthread_mutex_unlock(&s->mu);
	}
	/* A story's reads may sit in several shards (one per reader): one
	 * row per story and hour. */
	if (len > 1)
		qsort(v, len, sizeof *v, by_story_hour);
	size_t out = 0;
	for (size_t i = 0; i < len; i++)
		if (out && v[out - 1].article_id == v[i].article_id && v[out - 1].hour == v[i].hour)
			v[out - 1].n += v[i].n;
		else
			v[out++] = v[i];
	*n = out;
	if (!out) {
		free(v);
		v = NULL;
	}
	return v;
}

uint64_t reads_reader(const unsigned char secret[32], int64_t day, const char *address, const char *agent,
		      int64_t article_id)
{
	kb_buf b = {0};
	kb_buf_append(&b, secret, 32);
	kb_buf_printf(&b, "%lld:%lld:%s", (long long)day, (long long)article_id, address ? address : "");
	kb_buf_putc(&b, 0);
	if (agent)
		kb_buf_append(&b, agent, strnlen(agent, 1024));
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_Digest(b.data, b.len, md, &mdlen, EVP_sha256(), NULL);
	kb_buf_free(&b);
	uint64_t h;
	memcpy(&h, md, sizeof h);
	return h ? h : 1;
}

int reads_is_bot(const char *agent)
{
	/* Every reader's browser says Mozilla/ (Chrome, Safari, Firefox,
	 * Samsung Internet, UC, Opera's too); tools and libraries mostly do
	 * not (curl, Wget, python-requests, Go, Java, okhttp, node). Of the
	 * ones that do, these name themselves. */
	static const char *const names[] = {
		"bot",       "crawl",     "spider",     "slurp",         "facebookexternalhit",
		"headless",  "phantomjs", "lighthouse", "mediapartners", "preview",
		"fetcher",   "python",    "curl",       "wget",          "scrapy",
		"httpclient"};
	if (!agent || strncmp(agent, "Mozilla/", 8))
		return 1;
	char low[512];
	size_t n = strnlen(agent, sizeof low - 1);
	for (size_t i = 0; i < n; i++)
		low[i] = (char)(agent[i] >= 'A' && agent[i] <= 'Z' ? agent[i] + 32 : agent[i]);
	low[n] = 0;
	for (size_t i = 0; i < KB_COUNT(names); i++)
		if (strstr(low, names[i]))
			return 1;
	return 0;
}

/* ---- the server's tally ---- */

static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static reads_tally *g_tally;
/* Made at start, never written anywhere: readers' hashes cannot be
 * worked back to addresses, nor matched across restarts or servers. */
static unsigned char g_secret[32];

static void tally_init(void)
{
	kb_random_bytes(g_secret, sizeof g_secret);
	g_tally = reads_tally_new(READS_WINDOW_S);
}

static reads_tally *tally(void)
{
	pthread_once(&g_once, tally_init);
	return g_tally;
}

/* A transparent 1x1 GIF. */
static const unsigned char pixel[] = {0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80,
				      0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x21, 0xf9, 0x04,
				      0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01,
				      0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b};

int page_read(kb_req *r)
{
	const char *p = r->param[0];
	int64_t id = 0;
	for (; *p >= '0' && *p <= '9' && id < (INT64_MAX - 9) / 10; p++)
		id = id * 10 + (*p - '0');
	if (*p || !id)
		return 404;
	const char *agent = req_header(r, "user-agent");
	/* A page fetched ahead of a click (Chrome's prerender, a link's
	 * prefetch) is not read yet. */
	const char *purpose = req_header(r, "sec-purpose");
	if (!purpose)
		purpose = req_header(r, "purpose");
	/* HEAD: a tool looking, not a page asking. */
	if (!reads_is_bot(agent) && !(purpose && strstr(purpose, "prefetch")) && strcmp(r->method, "HEAD")) {
		int64_t now = kb_now();
		reads_tally_note(tally(), reads_reader(g_secret, now / 86400, req_peer(r), agent, id), id,
				 now);
	}
	r->content_type = "image/gif";
	r->max_age = -1;
	kb_buf_append(&r->body, pixel, sizeof pixel);
	return 200;
}

/* ---- the job ---- */

/* A period in ms from the environment (the tests shorten them). */
static uint64_t period_ms(const char *name, uint64_t fallback)
{
	const char *v = getenv(name);
	long long ms = v ? atoll(v) : 0;
	return ms > 0 ? (uint64_t)ms : fallback;
}

/* Writes the totals; on a failure they go back into the tally. */
static int flush(store *st)
{
	size_t n, lost, kept;
	kb_read_count *v = reads_tally_take(tally(), &n, &lost);
	if (lost)
		kb_warn("reads: %zu reads lost: more than %u stories and hours were waiting to be written",
			lost, READS_PENDING_MAX);
	int rc = n ? reads_store_add(st, v, n, &kept) : STORE_OK;
	if (rc) {
		kb_warn("reads: cannot write %zu counts yet: %s", n, store_errmsg(st));
		for (size_t i = 0; i < n; i++)
			reads_tally_add(tally(), v[i].article_id, v[i].hour, v[i].n);
	}
	free(v);
	return rc ? -1 : 0;
}

int reads_step(store *st)
{
	/* One thread runs this job: its clocks are its own. */
	static uint64_t last_flush, last_refresh;
	uint64_t now = kb_mono_ns();
	uint64_t every = period_ms("KHABAR_READS_FLUSH_MS", 5000) * 1000000u;
	uint64_t lists = period_ms("KHABAR_MOSTREAD_REFRESH_MS", 120000) * 1000000u;
	int rc = 0;
	if (!last_flush || now - last_flush >= every || server_stopping()) {
		rc = flush(st);
		last_flush = now;
	}
	if (!server_stopping() && (!last_refresh || now - last_refresh >= lists)) {
		int changed = 0;
		if (reads_store_refresh(st, kb_now() / 3600, &changed)) {
			kb_warn("reads: cannot refresh the most-read lists: %s", store_errmsg(st));
			rc = -1;
		} else if (changed) {
			server_content_changed(st);
		}
		last_refresh = now;
	}
	return rc;
}

/* ---- the lists on pages ---- */

int site_mostread(kb_req *r, tv *ctx, int64_t scope, const kb_mostread *lists)
{
	static const char *const keys[READS_PERIODS] = {"hour", "day", "week"};
	static const char *const labels[READS_PERIODS] = {"एक घंटा", "एक दिन", "एक हफ़्ता"};
	kb_arena *a = &r->arena;
	req_depend(r, "mr:%lld", (long long)scope);
	kb_mostread read;
	if (!lists) {
		if (reads_store_lists(r->db, a, scope, &read))
			return -1;
		lists = &read;
	}
	kb_article *const *v = lists->v;
	const size_t *n = lists->n;
	/* The day's list is open at first; the first there is without it. */
	int open = n[READS_DAY] ? READS_DAY : n[READS_HOUR] ? READS_HOUR : READS_WEEK;
	tv *periods = tv_list(a);
	int any = 0;
	for (int p = 0; p < READS_PERIODS; p++) {
		if (!n[p])
			continue;
		tv *o = tv_obj(a);
		tv_set_str(o, "key", keys[p]);
		tv_set_str(o, "label", labels[p]);
		tv_set_bool(o, "open", p == open);
		tv_set(o, "articles", site_article_list(r, v[p], n[p]));
		tv_push(periods, o);
		any = 1;
	}
	if (any) {
		tv *m = tv_obj(a);
		tv_set(m, "periods", periods);
		tv_set(ctx, "mostread", m);
	}
	return 0;
}
