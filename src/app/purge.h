/*
 * purge.h: the edge purge. When content changes, the caches in front of
 * khabar (Varnish, a CDN) drop exactly the responses that show it: the
 * server tells purge_note the change log's tags once its own page cache
 * has applied them (server_opts.on_change), and the "purge" job (app.c),
 * off the request path, sends them as edge keys (src/http/edge.h) to
 * every target the settings name:
 *
 *   edge_purge         Varnish base URLs, comma-separated: a request
 *                      "PURGE /" with the header "xkey-purge: k1 k2 ..."
 *                      (docs/varnish.vcl);
 *   edge_purge_url     a CDN's purge URL: a POST of {"tags": ["k1", ...]}
 *                      with edge_purge_header (default Authorization)
 *                      carrying edge_purge_token (as "Bearer TOKEN" in
 *                      Authorization, as it is in any other header). The
 *                      token is never logged or shown.
 *
 * Keys wait about 100 ms after the first of a batch, so a publish (six or
 * so tags, written by one transaction) goes out as one request per
 * target. Each target has its own queue: a failed request is tried again
 * after 0.5 s, doubling to at most 60 s, with whatever came meanwhile;
 * more than PURGE_MAX_KEYS keys, or a change to everything (settings,
 * categories, a cache started afresh), become the one key "any". After
 * PURGE_GIVE_UP failures in a row the newsroom's activity log (the audit
 * table) says so, and the target's queue becomes "any": whatever it
 * missed, the whole edge is purged once it answers (a Varnish that was
 * down comes back empty anyway); the log says so again when it does.
 * Nothing is dropped while the server runs; at its stop the job tries
 * what waits once more.
 *
 * The same job sends instant indexing's notices (the bodies: indexing.h)
 * to two more kinds of target, with the same batching and backoff:
 *
 *   indexnow_endpoints IndexNow endpoints, comma-separated: a POST of
 *                      {host, key, keyLocation, urlList} naming the
 *                      absolute URL of each story a change names (a:ID:
 *                      a publish, an edit of a published story, an
 *                      unpublish); the key is indexnow_key (made at
 *                      random by "khabar init", or here on first use),
 *                      served at /KEY.txt;
 *   websub_hub         a WebSub hub: a POST of hub.mode=publish with a
 *                      hub.url for /feed, /feed/atom and the story's
 *                      category feeds, on the same changes.
 *
 * Their queues hold URLs (purge_queue.urls): never "any", at most
 * PURGE_MAX_URLS, kept when the activity log is told; an answer of 4xx
 * but 429 drops what was sent and is logged at once (IndexNow: 400 bad
 * request, 403 key not valid, 422 URLs not of the host).
 *
 * Every node purges what it learns, so with several nodes a purge comes
 * after each node's own cache dropped the pages: a refill from a node
 * that had not yet heard of the change is purged again by that node.
 * Every node also tells IndexNow and the hub of each change (they take
 * repeats; which node made the change is not known here).
 *
 * The queue is pure (no I/O) and tested alone (tests/unit/test_purge.c).
 */
#ifndef KB_PURGE_H
#define KB_PURGE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"
#include "../db/store.h"

/* More keys than this in one queue purge "any" instead. */
#define PURGE_MAX_KEYS 256
/* Failures in a row after which the activity log is told, and the queue
 * becomes "any". */
#define PURGE_GIVE_UP 5
/* How long keys wait for the rest of their batch, milliseconds. */
#define PURGE_BATCH_MS 100

/* The most URLs an IndexNow or WebSub queue holds; more are left out
 * (IndexNow takes 10,000 in one request). */
#define PURGE_MAX_URLS 1000

/* Keys waiting for one target (or for the job, before it shares them
 * out). A zeroed queue is empty. */
typedef struct purge_queue {
	char **keys; /* distinct, in order of arrival */
	size_t n, cap;
	int all; /* purge "any" (the keys are then dropped) */
	/* A queue of URLs (IndexNow, WebSub), set before the first add: it
	 * never becomes "any" ("any" and n 0 add nothing), holds at most
	 * PURGE_MAX_URLS, and keeps its URLs when it gives up. */
	int urls;
	int fails;      /* failed tries in a row */
	int64_t due_ms; /* no try before this time (kb_mono_ns() / 1e6) */
} purge_queue;

/* Adds keys[0..n) (copied; duplicates of waiting keys ignored); n 0, a
 * key "any", or more than PURGE_MAX_KEYS in all make the queue "any"
 * (but see urls). */
void purge_queue_add(purge_queue *q, const char *const *keys, size_t n);
/* Adds everything q2 holds to q. */
void purge_queue_merge(purge_queue *q, const purge_queue *q2);
/* Whether nothing waits. */
int purge_queue_empty(const purge_queue *q);
/* Whether a try is due at now_ms: something waits and any backoff is
 * over. */
int purge_queue_due(const purge_queue *q, int64_t now_ms);
/* The keys to send, space-separated ("any" alone when q is "any"), in a. */
const char *purge_queue_keys(kb_arena *a, const purge_queue *q);
/* The same as the JSON body a CDN gets: {"tags":["k1","k2"]}, in a. */
const char *purge_queue_json(kb_arena *a, const purge_queue *q);
/* Appends the keys (or URLs) as a JSON array, ["k1","k2"], to b. */
void purge_queue_json_array(kb_buf *b, const purge_queue *q);
/* The wait after the fails'th failure in a row: 500 ms, doubling, at
 * most 60 s. */
int64_t purge_backoff_ms(int fails);
/* A try failed at now_ms: counts it and sets the next due time. Returns 1
 * when this failure is the PURGE_GIVE_UP'th in a row (the queue is "any"
 * from now on, unless it holds URLs: the caller tells the activity log),
 * else 0. */
int purge_queue_failed(purge_queue *q, int64_t now_ms);
/* A try succeeded: empties q. Returns how many failures in a row it ends
 * (0 when the last try worked too). */
int purge_queue_sent(purge_queue *q);
/* Frees the keys; q is empty again. */
void purge_queue_free(purge_queue *q);

/* server_opts.on_change: tags[0..n) changed (n 0: everything). Any
 * thread; returns at once. */
void purge_note(const char *const *tags, size_t n);
/* The purge job's step (jobs.h), every PURGE_BATCH_MS: shares out what
 * purge_note gathered, re-reads the settings when they may have changed,
 * and sends what is due. Returns 0. */
int purge_step(store *st);

#endif
