/*
 * metrics.h: the server's counters for /metrics (Prometheus' text format,
 * version 0.0.4): requests by route kind and status class, their latency
 * as a histogram, the page cache's hits, misses, bytes and evictions, the
 * background jobs' rounds, errors and lag, and the database's errors.
 *
 * Cheap on the request path: each worker thread counts into a slot of
 * its own (relaxed atomic adds on a cache line no other thread writes),
 * with no lock; a scrape sums the slots. Not here: the access rule and
 * what the database counts (src/pages/metrics.c).
 */
#ifndef KB_METRICS_H
#define KB_METRICS_H

#include <stdint.h>

#include "http.h"

/* Binds the calling thread to slot index (a worker's; others share one). */
void metrics_thread(int index);

/* A request dispatch() answers, counted the moment its answer is handed
 * to the connection (so a client holding the answer sees it counted):
 * metrics_begin() when its head is read (t0, kb_mono_ns), metrics_note()
 * once its route (NULL: none matched) and page-cache lookup (1 a hit, 0 a
 * miss, -1 not cached) are known, metrics_answered() by whatever sends the
 * answer; a second metrics_answered() for the same request does nothing. */
void metrics_begin(uint64_t t0);
void metrics_note(const kb_route *route, int hit);
void metrics_answered(int status);
/* The same for a photo under /media/ (h2o's file handler). */
void metrics_media(int status, uint64_t ns);

/* Appends every counter above, summed over the threads, to out. */
void metrics_write(kb_buf *out);

/* What /metrics answers with. */
#define METRICS_TYPE "text/plain; version=0.0.4; charset=utf-8"

#endif
