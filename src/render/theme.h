/*
 * theme.h: the theme: the templates and static files (built in, or from a
 * theme folder given at start), the fingerprinted URLs of static files,
 * rendering a template by name, and how dates read to people (the site's
 * time zone, Hindi month names, and its choice of digits). Public pages
 * (src/pages/site.c) and the newsroom both render with it. No store and no
 * request: callers hand it a template context and a buffer.
 */
#ifndef KB_THEME_H
#define KB_THEME_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"
#include "template.h"

/*
 * Loads the built-in theme, then overrides from theme_dir (its templates
 * and static/ folders) when not NULL. Fingerprints static files. Returns 0,
 * or -1 with a message naming the file in *err (free() it). Call once at
 * start, before threads.
 */
int theme_init(const char *theme_dir, char **err);
void theme_free(void);

/* A static file by its fingerprinted name ("style.1a2b3c4d.css"): 0 and
 * its bytes, length and content type, or -1. */
int theme_static(const char *name, const char **data, size_t *len, const char **type);
/* A static file by its own name ("sw.js"), for the few served at a fixed
 * URL. */
int theme_static_named(const char *name, const char **data, size_t *len, const char **type);
/* The fingerprinted URL of a static file ("/static/style.1a2b3c4d.css"),
 * or "" when there is none by that name. */
const char *theme_asset_url(const char *name);

/* Adds a static file made at start (the app's icons, drawn from the
 * logo), or replaces one by that name, fingerprinting it like the rest.
 * Call after theme_init and before threads. */
void theme_add_static(const char *name, const void *data, size_t len);
/* The theme's version: 8 hex digits of a hash over every static file's
 * fingerprint, so any changed file (or a new build's) gives a new one.
 * Written to out, which holds at least 9 bytes. The service worker's
 * cache names carry it (src/pages/offline.c). */
void theme_version(char out[9]);
/* The value of the CSS custom property --name as style.css first sets it
 * (its light scheme): "#b3121f" for "brand". Copied into out (size
 * outlen); fallback when style.css has no such colour (a hex colour is
 * all it takes, so nothing else reaches a manifest or a meta tag). */
void theme_css_colour(const char *name, const char *fallback, char *out, size_t outlen);

/* Renders template name with ctx, appended to out. Returns 0, or -1 with
 * out emptied when ctx is NULL (a context that failed to build) or the
 * template fails. */
int theme_render(const char *name, const tv *ctx, kb_buf *out);

/* The site's local time of t, as "4 नवंबर, 2025, 14:30 IST" (flags from
 * text.h), appended to out. Uses the process time zone set by
 * kb_set_timezone() and the digits set by theme_set_digits(). */
void theme_date(kb_buf *out, int64_t t, unsigned flags);
/* Sets the digits of reader-facing dates: "devanagari" (४ नवंबर) or
 * anything else for ASCII (4 नवंबर). Call before threads start. */
void theme_set_digits(const char *digits);

#endif
