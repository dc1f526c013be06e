/*
 * site.h: what every public page shares: the root template context (site
 * settings, navigation, follow links, asset URLs), rendering into the
 * response, and helpers that turn store records into template values. The
 * theme they render with (templates, static files, reader-facing dates)
 * is src/render/theme.h, included here.
 */
#ifndef KB_SITE_H
#define KB_SITE_H

#include "../db/authors_store.h"
#include "../db/notes_store.h"
#include "../db/store.h"
#include "../http/http.h"
#include "../render/template.h"
#include "../render/theme.h"

/*
 * The root context every page template gets: site (settings), nav
 * (categories), menu (the header's links, when the newsroom set them),
 * foot_links (static pages with a footer place, then the footer menu), follow links, assets and page fields (title, description,
 * canonical URL from path). Returns NULL with status 500 on a store error.
 */
tv *site_context(kb_req *r, const char *title, const char *description);
/* site_context from the site already read (site_read). */
tv *site_context_of(kb_req *r, const kb_site *site, const char *title, const char *description);
/* The site's settings, categories and menus (store_site): in a server,
 * read once per content version by each thread and kept; elsewhere read
 * into r's arena. NULL on a store error. Valid until this thread's next
 * request. */
const kb_site *site_read(kb_req *r);

/* Renders template name with ctx into r->body; returns 200, or 500. */
int site_render(kb_req *r, const char *name, tv *ctx);

/* A template value for an article in a list (title, url, summary, date,
 * category, breaking) or, with full, for its own page. */
tv *site_article(kb_req *r, const kb_article *a, int full);
tv *site_article_list(kb_req *r, const kb_article *v, size_t n);

/* A photo's responsive image (WebP and JPEG srcsets, a fallback src,
 * width and height) with the given sizes attribute, or NULL when m has
 * none ready. */
tv *site_photo(kb_req *r, const kb_media *m, const char *sizes);

/* A template value for author p's profile: name, url, role, bio, email
 * (with mailto), links ({url, label: the host}), areas ({name, url}),
 * photo, and has_profile when any of it is filled in. */
tv *site_author(kb_req *r, const kb_author_profile *p);

/* A template value for a correction or update: kind, label (सुधार,
 * अपडेट), body, date, iso and, from the corrections page's list, the
 * story's title and url. */
tv *site_note(kb_req *r, const kb_note *n);

/* Share links (WhatsApp, Facebook, X, Telegram) for a page at abs_url. */
tv *site_share(kb_req *r, const char *title, const char *abs_url);

/* Pagination for list pages: reads ?page=, returns the page (1-based), or 0
 * when the value is not a positive number. */
int site_page_number(kb_req *r);
/* Adds a "pager" object (prev/next URLs, numbers) to ctx. */
void site_pager(kb_req *r, tv *ctx, int page, size_t per_page, size_t total);

/* The site's local time of t in ISO 8601 with the offset,
 * "2025-11-04T18:30:00+05:30", appended to out. */
void site_iso_date(kb_buf *out, int64_t t);
/* The same as an arena string of r's. */
const char *site_iso(kb_req *r, int64_t t);
/* t as readers see dates (theme_date with flags: "4 नवंबर, 2025"), as a
 * template value. */
tv *site_date(kb_req *r, int64_t t, unsigned flags);

#endif
