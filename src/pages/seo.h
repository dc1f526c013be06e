/*
 * seo.h: what a page tells search engines, social networks and feed readers
 * about itself: feed links (<link rel="alternate">), Open Graph and Twitter
 * cards, and for an article the NewsArticle and BreadcrumbList JSON-LD.
 * Also the helpers the feeds, sitemaps and API share: absolute URLs and the
 * images that stand for an article.
 *
 * Not here: the feeds and sitemaps themselves (feeds.c, sitemaps.c) and
 * the JSON API (api.c).
 */
#ifndef KB_SEO_H
#define KB_SEO_H

#include "../db/authors_store.h"
#include "../db/notes_store.h"
#include "../db/store.h"
#include "../http/http.h"
#include "../render/template.h"

#include <jansson.h>

/*
 * Adds to ctx's "page" object what every page has: "feeds" (the site's RSS
 * and Atom, for <link rel="alternate">) and "og" (Open Graph and Twitter
 * card values: site name, type "website", title, description, URL, and the
 * site logo as image). Called by site_context(); s is the site's settings.
 */
void seo_page(kb_req *r, tv *ctx, const kb_settings *s);

/* Adds the feeds of a list page (category, tag or author at r->path, called
 * name) to ctx's page.feeds, after the site's own. */
void seo_subject_feeds(kb_req *r, tv *ctx, const char *name);

/*
 * Makes ctx an article's page for machines: Open Graph type "article" with
 * its image, dates, section and tags, and page.jsonld, the NewsArticle and
 * BreadcrumbList graph as JSON safe inside <script> (emitted raw by
 * head.html). ctx comes from site_context().
 */
struct live_page;
void seo_article(kb_req *r, tv *ctx, const kb_article *a, const kb_site *site,
		 const kb_author_profile *author, const kb_note *notes, size_t nnotes,
		 const struct live_page *live);
/* author (NULL: the byline's name alone) is the story's author as a
 * Person (seo_person); notes[0..nnotes) its corrections and updates, the
 * corrections of which are its "correction" (CorrectionComment); live
 * (NULL: none) makes it a LiveBlogPosting (seo.c). */

/* The home page's JSON-LD: the site's NewsMediaOrganization. */
void seo_home(kb_req *r, tv *ctx, const kb_site *site);
/* An author's page's JSON-LD: a ProfilePage whose mainEntity is p. */
void seo_author(kb_req *r, tv *ctx, const kb_site *site, const kb_author_profile *p);
/* The site's NewsMediaOrganization (a new jansson object): name, URL,
 * logo, and the policies and contact point it has (seo.c says which). */
json_t *seo_organization(kb_req *r, const kb_site *site);
/* Author p as a schema.org Person (a new jansson object): name, page,
 * jobTitle, description, email, image, sameAs (their links), knowsAbout
 * (their areas). */
json_t *seo_person(kb_req *r, const char *base, const kb_author_profile *p);

/* url made absolute against base ("https://x.in", trailing slashes
 * ignored): kept when it already has http(s)://, else base + url. Arena
 * string. */
const char *seo_abs_url(kb_req *r, const char *base, const char *url);

/*
 * The images that stand for an article, absolute, best first, with their
 * size when known (0 when not). A photo from the media library gives its
 * social derivative (1200 px wide, size known); an older stored image_url
 * is used as it is (size unknown). Without
 * a photo, the site logo in 16:9, 4:3 and 1:1, 1200 px wide (static/logo-*).
 * When the media pipeline makes derivatives, this is the one place that
 * changes. Returns the number of images written to out (at most 3).
 */
typedef struct seo_image {
	const char *url;
	int width, height;
} seo_image;
size_t seo_images(kb_req *r, const char *base, const kb_article *a, seo_image out[3]);

/* The site's publisher logo (512x512 PNG), absolute. */
const char *seo_logo_url(kb_req *r, const char *base);

#endif
