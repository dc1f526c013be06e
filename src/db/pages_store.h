/*
 * pages_store.h: the store API of static pages (implemented in
 * pages_sqlite.c): about, contact, the policies, the grievance officer...
 * A page has a slug (its URL, /page/{slug}), a title, a Markdown body, a
 * status (draft or published) and a place among the footer's links. Not
 * here: rendering (src/pages/page.c), the newsroom's forms
 * (src/newsroom/pages.c), audit entries (store_audit_add, by the caller).
 * Any write to a page moves the content version (migration 19), so every
 * cached page, whose footer may name it, is rebuilt.
 */
#ifndef KB_PAGES_STORE_H
#define KB_PAGES_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"
#include "store.h"

/* A page as the store keeps it. footer: its place in the footer's links,
 * 0 when not there. */
typedef struct kb_page {
	int64_t id;
	const char *slug, *title, *body, *status;
	int64_t footer, version, created_at, updated_at, published_at, updated_by;
} kb_page;

/* What a new or saved page holds; strings are copied. status "draft" or
 * "published" (NULL: "draft" for a new page, unchanged for a save). */
typedef struct kb_page_input {
	const char *slug, *title, *body, *status;
	int64_t footer;
} kb_page_input;

/* Adds a page at now by user_id (0: the command line); *id its id.
 * STORE_CONFLICT when the slug is taken. */
int pages_store_add(store *st, const kb_page_input *in, int64_t user_id, int64_t now, int64_t *id);
/* Puts in (title, body, status) in place of the page at in->slug when
 * that page is still a sample khabar init made and nobody touched (a
 * draft at version 1, by nobody): the importer's way to let a site's
 * own privacy policy take the sample's place. *id the page's id;
 * STORE_NOTFOUND when there is no such untouched sample. */
int pages_store_replace_sample(store *st, const kb_page_input *in, int64_t now, int64_t *id);
/* Saves page id's slug, title, body, footer (and status when in->status
 * is set) if its version is still version (0: any), moving the version.
 * STORE_NOTFOUND for an unknown id, STORE_CONFLICT when the slug is taken
 * or someone saved in between. published_at is set the first time the
 * page is published. */
int pages_store_save(store *st, int64_t id, int64_t version, const kb_page_input *in, int64_t user_id,
		     int64_t now);
/* Sets page id's status ("draft" or "published"). STORE_NOTFOUND for an
 * unknown id. */
int pages_store_set_status(store *st, int64_t id, const char *status, int64_t user_id, int64_t now);
/* Deletes page id; STORE_NOTFOUND for an unknown id. */
int pages_store_delete(store *st, int64_t id);

/* Revisions (migration 25): each save keeps the page's text as saved. */
typedef struct kb_page_revision {
	int64_t id, page_id, version, user_id, at;
	const char *kind, *slug, *title, *body, *user_name; /* body: "" in lists */
} kb_page_revision;
/* Keeps page id as it now is as a revision of kind ("save", "restore")
 * by user_id at now. */
int pages_store_revision_add(store *st, int64_t id, int64_t user_id, const char *kind, int64_t now);
/* Page id's revisions, newest first, without their bodies. */
int pages_store_revisions(store *st, kb_arena *a, int64_t id, kb_page_revision **out, size_t *n);
/* One revision; STORE_NOTFOUND when there is none. */
int pages_store_revision_get(store *st, kb_arena *a, int64_t rev_id, kb_page_revision *out);

/* One page by id, or by slug (published only when published_only);
 * strings in a. STORE_NOTFOUND when there is none. */
int pages_store_get(store *st, kb_arena *a, int64_t id, kb_page *out);
int pages_store_by_slug(store *st, kb_arena *a, const char *slug, int published_only, kb_page *out);
/* Every page (bodies left out, ""), in footer order then by title: the
 * newsroom's list; with published_only, the published ones (the sitemap). */
int pages_store_list(store *st, kb_arena *a, int published_only, kb_page **out, size_t *n);
/* The footer's links (published pages with a footer place, in its
 * order) are read with the rest of the site: store_site (store.h). */

#endif
