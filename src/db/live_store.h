/*
 * live_store.h: the store API of live coverage (implemented in
 * live_sqlite.c): a published story an editor turns into a live blog,
 * with a start and a planned end, and the short timestamped entries
 * writers post to it (Markdown text, a photo, a link), which may be
 * edited, deleted, pinned and marked as key events. Closing ends the
 * updates; the page stays.
 *
 * Every change moves the coverage's seq and gives the entry it touched
 * that seq, so a reader who has seen seq N asks for what changed after
 * N (a deleted entry comes back as deleted). Every change also moves
 * the story's updated_at, which the change log turns into the tags a:ID
 * and text: the story's page, its updates and the feeds are rebuilt.
 *
 * Not here: rendering (src/pages/live.c), the newsroom's forms
 * (src/newsroom/live.c), audit entries (the caller's).
 */
#ifndef KB_LIVE_STORE_H
#define KB_LIVE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"
#include "store.h"

/* A story's live coverage. ends_at is the planned end (0: none);
 * closed_at when it was closed (0: open). */
typedef struct kb_live {
	int64_t article_id, started_at, ends_at, closed_at, seq, user_id;
	const char *title, *slug; /* the story's (live_store_list) */
} kb_live;

/* One entry. media is the photo once ready (id 0 otherwise); media_id
 * the one attached, ready or not. */
typedef struct kb_live_entry {
	int64_t id, article_id, seq, media_id, user_id, created_at, updated_at;
	const char *body, *link, *user_name;
	int pinned, key_event, deleted;
	kb_media media;
} kb_live_entry;

/* What a new or edited entry holds; strings are copied. media_id 0:
 * none (an edit keeps the photo it had when media_id is -1). */
typedef struct kb_live_input {
	const char *body, *link;
	int64_t media_id;
	int pinned, key_event;
} kb_live_input;

/* Whether the coverage is open at now: not closed, and its planned end
 * (if any) not passed. */
int live_is_open(const kb_live *l, int64_t now);

/* Makes article_id live coverage from started_at to ends_at (0: no
 * planned end) by user_id, or sets those times again and opens it when
 * it is already (a closed one reopens). STORE_NOTFOUND for no such
 * article. */
int live_store_start(store *st, int64_t article_id, int64_t started_at, int64_t ends_at, int64_t user_id,
		     int64_t now);
/* Closes article_id's coverage at now (ends_at becomes now when it was
 * later or none). STORE_NOTFOUND when it is not open. */
int live_store_close(store *st, int64_t article_id, int64_t now);
/* Closes every open coverage whose planned end passed; *n how many (the
 * scheduler, every second). */
int live_store_close_due(store *st, int64_t now, int *n);

/* article_id's coverage; STORE_NOTFOUND when it has none. */
int live_store_get(store *st, int64_t article_id, kb_live *out);
/* The coverages, open ones first, then the newest (at most 50), with
 * their stories' titles and slugs in a. */
int live_store_list(store *st, kb_arena *a, kb_live **out, size_t *n);

/* The entries of article_id changed after seq since (0: every entry not
 * deleted; after a seq, deleted ones too, with no text), pinned first,
 * then newest first; strings in a. */
int live_store_entries(store *st, kb_arena *a, int64_t article_id, int64_t since, kb_live_entry **out,
		       size_t *n);
/* One entry (deleted or not). STORE_NOTFOUND when there is none. */
int live_store_entry(store *st, kb_arena *a, int64_t id, kb_live_entry *out);

/* Adds an entry to article_id's coverage at now; *id its id.
 * STORE_CONFLICT when the coverage is closed or over, STORE_NOTFOUND when
 * there is none. */
int live_store_entry_add(store *st, int64_t article_id, const kb_live_input *in, int64_t user_id, int64_t now,
			 int64_t *id);
/* Saves entry id's text, link, photo and flags. STORE_NOTFOUND for an
 * unknown or deleted entry, STORE_CONFLICT when the coverage is closed. */
int live_store_entry_save(store *st, int64_t id, const kb_live_input *in, int64_t now);
/* Deletes entry id (its text and photo go; the row stays for readers
 * following). The same answers as live_store_entry_save. */
int live_store_entry_delete(store *st, int64_t id, int64_t now);

#endif
