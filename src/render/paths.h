/*
 * paths.h: site paths page code and alerts build from what the store
 * returns (the store returns slugs, ids and photo stems, never URLs).
 */
#ifndef KB_PATHS_H
#define KB_PATHS_H

#include <stdint.h>

#include "../core/core.h"

/* An article's image as feeds, the API, social cards and alerts show it:
 * its stored image_url, or, when that is empty and it has a photo
 * (media_id), the photo's social derivative "/media/STEM-social.jpg"
 * (allocated in a). */
const char *render_article_image(kb_arena *a, const char *image_url, int64_t media_id, const char *stem);

/* The page an embed shows, for a known provider (YouTube, Facebook,
 * Instagram, X), as a link: a player's address becomes the page's
 * ("youtube.com/embed/ID" the watch page). NULL for any other address.
 * The importer turns embeds into such links; live entries' links too.
 * Allocated in a, or src itself. */
const char *render_embed_url(kb_arena *a, const char *src);

#endif
