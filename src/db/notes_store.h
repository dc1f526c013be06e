/*
 * notes_store.h: the store API of corrections and updates (implemented in
 * notes_sqlite.c): the dated notes an editor adds to a published story,
 * kind "correction" (सुधार) or "update" (a significant update, अपडेट).
 * Adding one moves the story's modified_at (its dateModified) in the same
 * transaction, which logs the story's change, so its page, the feeds, the
 * sitemaps and the corrections page are rebuilt and purged at the edge.
 * Not here: rendering (src/pages/article.c, src/pages/corrections.c), the
 * newsroom's form (src/newsroom/notes.c).
 */
#ifndef KB_NOTES_STORE_H
#define KB_NOTES_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"
#include "store.h"

/* A note; on the corrections page also its story's title and slug. */
typedef struct kb_note {
	int64_t id, article_id, at, user_id;
	const char *kind, *body;
	const char *title, *slug; /* notes_store_recent only, else "" */
} kb_note;

/* Whether kind is one a note may have. */
int notes_kind_ok(const char *kind);
/* Adds a note of kind to published story article_id at now by user_id,
 * moving the story's modified_at to now; *id its id. STORE_NOTFOUND when
 * no published story has that id (nothing written). */
int notes_store_add(store *st, int64_t article_id, const char *kind, const char *body, int64_t user_id,
		    int64_t now, int64_t *id);
/* A story's notes, oldest first. */
int notes_store_list(store *st, kb_arena *a, int64_t article_id, kb_note **out, size_t *n);
/* The newest notes of published stories, newest first, limit from
 * offset, with *total all of them (the corrections page). */
int notes_store_recent(store *st, kb_arena *a, size_t limit, size_t offset, kb_note **out, size_t *n,
		       size_t *total);

#endif
