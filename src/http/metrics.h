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

/* Counts one answered request of route (NULL: none matched), its status
 * and the nanoseconds it took; cache is 1 for a page-cache hit, 0 for a
 * miss, -1 when the route is not cached. */
void metrics_request(const kb_route *route, int status, uint64_t ns, int hit);
/* The same for a photo under /media/ (h2o's file handler). */
void metrics_media(int status, uint64_t ns);

/* Appends every counter above, summed over the threads, to out. */
void metrics_write(kb_buf *out);

/* What /metrics answers with. */
#define METRICS_TYPE "text/plain; version=0.0.4; charset=utf-8"

#endif
