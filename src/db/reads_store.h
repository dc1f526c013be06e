/*
 * reads_store.h: the store API of the most-read lists (implemented in
 * reads_sqlite.c): stories' reads in hourly buckets, added to in batches
 * by each server (src/pages/reads.c counts them in memory), the lists of
 * the most read stories of the last hour, day and week computed from
 * them for the site and each category, and the counts editors see.
 *
 * Nothing here names a reader: a bucket is (story, hour, reads). Reads
 * never touch the articles table, so they move no story's updated_at or
 * dateModified and log no change of the story; only a refresh whose
 * lists came out different logs mr:SCOPE for the pages showing them.
 *
 * Not here: counting and the bots (src/pages/reads.c), rendering.
 */
#ifndef KB_READS_STORE_H
#define KB_READS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"
#include "store.h"

/* The periods of the lists, and how many hourly buckets each spans
 * (reads_store_refresh): the last hour is this hour's bucket and the one
 * before, so a list shortly after the hour is not empty. */
enum { READS_HOUR, READS_DAY, READS_WEEK, READS_PERIODS };
/* How many stories each list holds. */
#define READS_LIST_LEN 5
/* Buckets older than this many hours are pruned (the week and a day). */
#define READS_KEEP_HOURS (8 * 24)

/* Reads of a story in one hour (hour: Unix time / 3600). */
typedef struct kb_read_count {
	int64_t article_id, hour, n;
} kb_read_count;

/* Adds v[0..n) to the buckets, in one transaction (the batch's one
 * write); counts for stories that are not published (deleted, or an id
 * no story has) are left out, *kept says how many were added. Several
 * servers add to the same buckets. */
int reads_store_add(store *st, const kb_read_count *v, size_t n, size_t *kept);

/*
 * Computes the lists of every scope (the site: 0, each category: its id)
 * from the buckets as of hour now_hour, and writes the scopes whose lists
 * differ from the ones kept, logging mr:SCOPE for each; a scope with no
 * reads left loses its lists. Prunes the buckets older than
 * READS_KEEP_HOURS first. *changed: how many scopes changed.
 */
int reads_store_refresh(store *st, int64_t now_hour, int *changed);

/* The lists of one scope: v[p] the published stories of period p, most
 * read first, n[p] of them (at most READS_LIST_LEN each). */
typedef struct kb_mostread {
	kb_article *v[READS_PERIODS];
	size_t n[READS_PERIODS];
} kb_mostread;

/* The lists of scope, in a. (A story's page reads its category's in its
 * batch instead: kb_article_page.mostread.) */
int reads_store_lists(store *st, kb_arena *a, int64_t scope, kb_mostread *out);

/* A story's reads: all kept (the last eight days) and since since_hour. */
typedef struct kb_read_totals {
	int64_t total, recent;
} kb_read_totals;
/* The totals of ids[0..n) into out[0..n). */
int reads_store_totals(store *st, const int64_t *ids, size_t n, int64_t since_hour, kb_read_totals *out);

#endif
