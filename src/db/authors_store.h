/*
 * authors_store.h: the store API of author profiles (implemented in
 * authors_sqlite.c): beyond an author's name and slug, their bio, role
 * (their title at the paper), public email, social links (http(s) URLs,
 * one a line), photo (a media row, shown once ready) and the categories
 * they cover. Any write moves the content version (authors' triggers,
 * migration 1; author_photos' and author_areas', migration 23), so
 * every page naming them is rebuilt. Not here: checking the input (src/newsroom/authors.c
 * does, before it writes), rendering (src/pages/listing.c, article.c).
 */
#ifndef KB_AUTHORS_STORE_H
#define KB_AUTHORS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"
#include "store.h"

/* An author's profile. photo.id is 0 when there is none or it is not
 * ready; photo_id is the stored one either way. areas: the categories
 * covered, in the categories' order. */
typedef struct kb_author_profile {
	int64_t id, photo_id;
	const char *name, *slug, *bio, *role, *email, *links;
	kb_media photo;
	kb_category *areas;
	size_t nareas;
	int64_t stories; /* published stories (authors_store_list only) */
} kb_author_profile;

/* What a save writes; strings are copied. area_ids: category ids (ones
 * that do not exist are left out). */
typedef struct kb_author_input {
	const char *bio, *role, *email, *links;
	int64_t photo_id; /* 0: none */
	const int64_t *area_ids;
	size_t nareas;
} kb_author_input;

/* One profile by id or by slug; strings in a. STORE_NOTFOUND when there
 * is no such author. */
int authors_store_get(store *st, kb_arena *a, int64_t id, kb_author_profile *out);
int authors_store_by_slug(store *st, kb_arena *a, const char *slug, kb_author_profile *out);
/* Every author by name, with their published stories counted and
 * without areas: the newsroom's list. */
int authors_store_list(store *st, kb_arena *a, kb_author_profile **out, size_t *n);
/* Saves in over author id's profile, in one transaction.
 * STORE_NOTFOUND for an unknown id. */
int authors_store_save(store *st, int64_t id, const kb_author_input *in);
/* The author user_id writes as: the one their account stands for, or
 * else the author called name (made when there is none), which the
 * account then stands for. *id its id. With name NULL nothing is made:
 * *id is 0 when the account stands for no author. */
int authors_store_of_user(store *st, int64_t user_id, const char *name, int64_t *id);

#endif
