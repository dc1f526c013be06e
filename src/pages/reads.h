/*
 * reads.h: counting readers of stories for the most-read lists, in
 * memory (reads.c). A story's page asks for /r/ID.gif once it is seen
 * (static/app.js; an <img> in <noscript> without JavaScript); the handler
 * leaves out known bots and prefetches, and notes the read here:
 *
 *  - once per reader and story in READS_WINDOW_S: the reader is a 64-bit
 *    hash of (a secret made at start and never written anywhere, the
 *    day, the address, the User-Agent, the story), kept in a bounded set
 *    for the window; no cookie, and no address is kept, in memory or in
 *    the database;
 *  - counted in (story, hour) totals, sharded by the reader's hash so
 *    the server's threads seldom meet on a lock;
 *  - written by the "reads" job (src/app/app.c) in one transaction per
 *    batch (reads_store_add), and the lists computed every few minutes.
 *
 * The tally itself (reads_tally_*) is plain memory, no clock and no
 * database, so the unit tests drive it with their own times.
 */
#ifndef KB_READS_H
#define KB_READS_H

#include <stddef.h>
#include <stdint.h>

#include "../db/reads_store.h"
#include "../http/http.h"
#include "../render/template.h"

/* One reader's repeat reads of a story within this many seconds count
 * once. */
#define READS_WINDOW_S (30 * 60)

typedef struct reads_tally reads_tally;

/* An empty tally remembering each reader for window seconds. Its memory
 * is bounded: the set of readers holds at most READS_SEEN_MAX (the
 * oldest are forgotten first, so a flood shortens the window rather than
 * growing memory), the totals READS_PENDING_MAX stories-hours between
 * two writes (more are lost, and said so in the log). */
#define READS_SEEN_MAX (1u << 19)
#define READS_PENDING_MAX (1u << 16)
reads_tally *reads_tally_new(int window);
void reads_tally_free(reads_tally *t);

/* Notes a read of article_id by reader (reads_reader) at now (Unix
 * seconds): 1 when it counts, 0 when the reader read it within the
 * window, -1 when it counted but could not be kept (the totals are
 * full). */
int reads_tally_note(reads_tally *t, uint64_t reader, int64_t article_id, int64_t now);
/* Adds n reads of article_id in hour to the totals, with no reader (a
 * batch that could not be written, given back). */
void reads_tally_add(reads_tally *t, int64_t article_id, int64_t hour, int64_t n);
/* Moves the totals out: a malloc'ed array of *n (NULL when none), one
 * per story and hour, sorted by story then hour; the totals are empty
 * after. *lost: reads lost since the last take. */
kb_read_count *reads_tally_take(reads_tally *t, size_t *n, size_t *lost);

/* The reader's hash for a read: secret (32 bytes) and day (Unix time /
 * 86400) make it change daily and unknowable outside this process;
 * address and agent as the request gives them (NULL: ""). Never 0. */
uint64_t reads_reader(const unsigned char secret[32], int64_t day, const char *address, const char *agent,
		      int64_t article_id);

/* Whether agent (NULL: none) is a known bot or a tool rather than a
 * reader's browser: no User-Agent, or one naming a crawler (bot, crawl,
 * spider, slurp, Googlebot, bingbot, facebookexternalhit...), a
 * headless or scripted browser (HeadlessChrome, PhantomJS, Lighthouse,
 * Playwright's own bundles) or an HTTP library (curl, Wget, python-,
 * Go-http-client, okhttp, node-fetch, axios, Java/). */
int reads_is_bot(const char *agent);

/* GET /r/{id}.gif: notes a read of story id (bots, prefetches and bad ids
 * aside) and answers a 1x1 transparent GIF, never stored anywhere. */
int page_read(kb_req *r);
/* The "reads" job's round: writes the totals every flush period
 * (KHABAR_READS_FLUSH_MS, 5 s) and refreshes the lists every refresh
 * period (KHABAR_MOSTREAD_REFRESH_MS, 2 minutes); 0, or -1 on an error
 * it logged (the totals are kept for the next round). */
int reads_step(store *st);
/* The most-read lists of scope (0: the site, else a category) into ctx as
 * "mostread", unless all three are empty; the page depends on mr:SCOPE.
 * lists: those lists already read (a story's page has them from its
 * batch), or NULL to read them. 0, or -1 on a store error. */
int site_mostread(kb_req *r, tv *ctx, int64_t scope, const kb_mostread *lists);

#endif
