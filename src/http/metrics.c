/*
 * metrics.c: the counters of metrics.h, and their text.
 */
#include <stdatomic.h>
#include <string.h>

#include "../db/ops_store.h"
#include "jobs.h"
#include "metrics.h"
#include "server_int.h"

enum { K_PAGE, K_FEED, K_SITEMAP, K_SEARCH, K_API, K_NEWSROOM, K_MEDIA, K_OTHER, NKINDS };
static const char *const kind_names[NKINDS] = {"page", "feed",     "sitemap", "search",
					       "api",  "newsroom", "media",   "other"};

/* Upper bounds of the latency buckets, in seconds and in ns; +Inf after. */
static const char *const bucket_names[] = {"0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025",
					   "0.05",   "0.1",   "0.25",   "0.5",   "1",    "2.5"};
static const uint64_t bucket_ns[] = {500000,   1000000,   2500000,   5000000,   10000000,   25000000,
				     50000000, 100000000, 250000000, 500000000, 1000000000, 2500000000};
#define NBUCKETS (sizeof bucket_ns / sizeof bucket_ns[0])

typedef struct slot {
	_Atomic uint64_t requests[NKINDS][5]; /* status 1xx..5xx */
	_Atomic uint64_t buckets[NBUCKETS + 1];
	_Atomic uint64_t ns, count;
	_Atomic uint64_t hits, misses;
} __attribute__((aligned(64))) slot;

/* Slot 0 for threads that are no worker; workers 1.. (index + 1). */
#define NSLOTS 257
static slot g_slots[NSLOTS];
static _Thread_local slot *t_slot = &g_slots[0];

void metrics_thread(int index)
{
	t_slot = &g_slots[index >= 0 && index + 1 < NSLOTS ? index + 1 : 0];
}

static void add(_Atomic uint64_t *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static void count(int kind, int status, uint64_t ns)
{
	slot *s = t_slot;
	int cls = status >= 100 && status < 600 ? status / 100 - 1 : 4;
	add(&s->requests[kind][cls], 1);
	size_t b = 0;
	while (b < NBUCKETS && ns > bucket_ns[b])
		b++;
	add(&s->buckets[b], 1);
	add(&s->ns, ns);
	add(&s->count, 1);
}

/* The kind of page a route serves, for the request counts. */
static int route_kind(const kb_route *r)
{
	if (!r)
		return K_OTHER;
	if (r->flags & (R_NEWSROOM | R_AUTH))
		return K_NEWSROOM;
	const char *e = r->edge ? r->edge : "";
	return !strncmp(e, "feed", 4)      ? K_FEED
	       : !strncmp(e, "sitemap", 7) ? K_SITEMAP
	       : !strncmp(e, "search", 6)  ? K_SEARCH
	       : !strncmp(e, "api", 3)     ? K_API
	       : (r->flags & R_CACHE)      ? K_PAGE
					   : K_OTHER;
}

/* The request this thread is answering (one at a time: a handler runs to
 * its end before the event loop takes the next). */
static _Thread_local struct {
	uint64_t t0;
	const kb_route *route;
	int hit, open;
} t_req;

void metrics_begin(uint64_t t0)
{
	t_req.t0 = t0;
	t_req.route = NULL;
	t_req.hit = -1;
	t_req.open = 1;
}

void metrics_note(const kb_route *route, int hit)
{
	t_req.route = route;
	t_req.hit = hit;
}

void metrics_answered(int status)
{
	if (!t_req.open)
		return;
	t_req.open = 0;
	count(route_kind(t_req.route), status, kb_mono_ns() - t_req.t0);
	if (t_req.hit >= 0)
		add(t_req.hit ? &t_slot->hits : &t_slot->misses, 1);
}

void metrics_media(int status, uint64_t ns)
{
	count(K_MEDIA, status, ns);
}

static uint64_t sum(size_t off)
{
	uint64_t n = 0;
	for (size_t i = 0; i < NSLOTS; i++)
		n += atomic_load_explicit((_Atomic uint64_t *)((char *)&g_slots[i] + off),
					  memory_order_relaxed);
	return n;
}

#define SUM(field) sum(offsetof(slot, field))

void metrics_write(kb_buf *out)
{
	kb_buf_puts(out,
		    "# HELP khabar_http_requests_total Requests answered, by route kind and status class.\n"
		    "# TYPE khabar_http_requests_total counter\n");
	for (int k = 0; k < NKINDS; k++)
		for (int c = 0; c < 5; c++) {
			uint64_t n = SUM(requests[k][c]);
			if (n || k == K_PAGE)
				kb_buf_printf(
					out, "khabar_http_requests_total{kind=\"%s\",status=\"%dxx\"} %llu\n",
					kind_names[k], c + 1, (unsigned long long)n);
		}
	kb_buf_puts(out, "# HELP khabar_http_request_duration_seconds Time khabar took over a request, from "
			 "reading its head to handing the answer to the connection.\n"
			 "# TYPE khabar_http_request_duration_seconds histogram\n");
	uint64_t cum = 0;
	for (size_t b = 0; b <= NBUCKETS; b++) {
		cum += SUM(buckets[b]);
		kb_buf_printf(out, "khabar_http_request_duration_seconds_bucket{le=\"%s\"} %llu\n",
			      b < NBUCKETS ? bucket_names[b] : "+Inf", (unsigned long long)cum);
	}
	kb_buf_printf(out,
		      "khabar_http_request_duration_seconds_sum %.6f\n"
		      "khabar_http_request_duration_seconds_count %llu\n",
		      (double)SUM(ns) / 1e9, (unsigned long long)SUM(count));

	size_t bytes = 0, entries = 0;
	uint64_t evictions = 0;
	if (g_cache) {
		cache_stats(g_cache, &bytes, &entries);
		evictions = cache_evictions(g_cache);
	}
	kb_buf_printf(out,
		      "# HELP khabar_cache_hits_total Page-cache lookups that found the page.\n"
		      "# TYPE khabar_cache_hits_total counter\n"
		      "khabar_cache_hits_total %llu\n"
		      "# HELP khabar_cache_misses_total Page-cache lookups that rendered the page.\n"
		      "# TYPE khabar_cache_misses_total counter\n"
		      "khabar_cache_misses_total %llu\n"
		      "# HELP khabar_cache_bytes Bytes the page cache holds.\n"
		      "# TYPE khabar_cache_bytes gauge\n"
		      "khabar_cache_bytes %zu\n"
		      "# HELP khabar_cache_entries Pages the page cache holds.\n"
		      "# TYPE khabar_cache_entries gauge\n"
		      "khabar_cache_entries %zu\n"
		      "# HELP khabar_cache_evictions_total Pages dropped to stay within the cache's budget.\n"
		      "# TYPE khabar_cache_evictions_total counter\n"
		      "khabar_cache_evictions_total %llu\n"
		      "# HELP khabar_db_errors_total Database failures recorded by this process.\n"
		      "# TYPE khabar_db_errors_total counter\n"
		      "khabar_db_errors_total %llu\n",
		      (unsigned long long)SUM(hits), (unsigned long long)SUM(misses), bytes, entries,
		      (unsigned long long)evictions, (unsigned long long)store_error_count());
	jobs_write_metrics(g_jobs, out);
}
