/*
 * pages.h: the public page handlers. Each takes a kb_req, fills its body
 * and returns an HTTP status; src/app/routes.c maps paths to them.
 *
 *   home.c article.c listing.c  the home page, a story, category/tag/author
 *   page.c                      a static page (/page/{slug}: about, policies)
 *   search.c                    the search page and its API
 *   api.c                       the public read API (docs/api.md)
 *   feeds.c sitemaps.c          RSS and Atom; sitemaps and the news sitemap
 *   seo.c                       canonical URLs, Open Graph, JSON-LD (seo.h)
 *   push.c tips.c               Web Push's reader side; readers' tips
 *   static.c errors.c           static files, robots.txt, the IndexNow key file;
 *                               error pages
 *   health.c                    /healthz: can this node read its database
 *   live.c                      a story's live coverage and its updates
 *   offline.c                   the web app manifest, the offline page and
 *                               what the service worker keeps
 *   site.c                      what every page shares: the page frame,
 *                               pagers, dates, share links (site.h)
 */
#ifndef KB_PAGES_H
#define KB_PAGES_H

#include <jansson.h>

#include "../http/http.h"
#include "../db/live_store.h"
#include "../http/json.h"
#include "site.h"

/* Fills r's body with the Hindi page for an error status (404, 500...);
 * the server shows it for every error (server_opts.error_page). */
void page_error(kb_req *r, int status);

int page_home(kb_req *r);
int page_article(kb_req *r);
int page_category(kb_req *r);
int page_tag(kb_req *r);
int page_author(kb_req *r);
/* A published static page (page.c); 404 for a draft or an unknown slug. */
int page_static_page(kb_req *r);
/* Corrections and updates, newest first (corrections.c). */
int page_corrections(kb_req *r);
/* The monthly grievance counts, when an admin publishes them
 * (grievances.c). */
int page_grievances(kb_req *r);
int page_static(kb_req *r);
int page_robots(kb_req *r);
/* GET /{key}.txt: the IndexNow key as text/plain when key is the site's
 * indexnow_key, else 404. */
int page_indexnow_key(kb_req *r);
/* /healthz (health.c): 200 "ok" when the database can be read, else 503. */
int page_healthz(kb_req *r);
/* /metrics: Prometheus' text, to loopback or the metrics_token (metrics.c). */
int page_metrics(kb_req *r);

/* Feeds (feeds.c): RSS 2.0 and Atom for the site, a category, a tag and an
 * author; 404 for an unknown subject. */
enum { FEED_SITE, FEED_CATEGORY, FEED_TAG, FEED_AUTHOR };
/* The route's arg for a feed of kind (FEED_*), in RSS or in Atom. */
#define FEED_ARG(kind, atom) ((kind)*2 + !!(atom))
int page_feed(kb_req *r);
/* Sitemaps (sitemaps.c): the index, its parts (/sitemap-pages.xml,
 * /sitemap-N.xml) and the Google News sitemap. */
int page_sitemap_index(kb_req *r);
int page_sitemap_part(kb_req *r);
int page_sitemap_news(kb_req *r);
/* The public read API (api.c). */
int api_articles(kb_req *r);
int api_article(kb_req *r);
int api_categories(kb_req *r);
int page_search(kb_req *r);
int api_search(kb_req *r);
/* /api/v1/suggest (suggest.c); suggest_refresh builds its index again
 * when the site changed (the "suggest" job; -1 when the store failed),
 * suggest_stop frees it. */
int api_suggest(kb_req *r);
int suggest_refresh(store *st);
void suggest_stop(void);
/* The Hindi query a Latin one that found nothing was likely meant to be
 * (suggest_correct), or NULL. */
const char *suggest_did_you_mean(kb_req *r, const char *q);

/* Web Push (push.c): the service worker at /sw.js, the server's public
 * key, subscribe / unsubscribe / status (JSON POSTs from the reader's own
 * pages), the page to manage a subscription, and the click-tracking
 * redirect of a notification. */
int page_sw(kb_req *r);
int page_push_manage(kb_req *r);
int page_push_click(kb_req *r);
int api_push_key(kb_req *r);
int api_push_subscribe(kb_req *r);
int api_push_unsubscribe(kb_req *r);
int api_push_status(kb_req *r);

/*
 * Live coverage (live.c). live_load reads article_id's coverage and its
 * entries (STORE_NOTFOUND: it has none); live_context puts them in ctx as
 * "live" (key events, pinned entries, the others newest first) for the
 * story at page (its absolute URL). page_live_since answers
 * /live/{id}/since/{N}.json: the seq now, whether still open, the
 * entries changed after N rendered (deleted ones as such) and the key
 * events again (null when no entry changed); 404 for N past the seq.
 */
typedef struct live_page {
	kb_live live;
	kb_live_entry *entries;
	size_t n;
} live_page;
int live_load(kb_req *r, int64_t article_id, live_page *out);
void live_context(kb_req *r, tv *ctx, const live_page *lp, const char *page);
int page_live_since(kb_req *r);
/* An entry's headline: its first line without Markdown marks, at most
 * 100 characters (cut with an ellipsis). Arena string. */
const char *live_headline(kb_arena *a, const char *body);

/* Installable and offline (offline.c): the web app manifest, the Hindi
 * offline page, and /offline.json, the shell and the latest stories the
 * service worker keeps. offline_make_icons draws the manifest's icons
 * from the theme's logo into the theme's static files (a warning, and
 * no icons, when it cannot); call it once after theme_init, with
 * libvips started. */
void offline_make_icons(void);
int page_manifest(kb_req *r);
int page_offline(kb_req *r);
int page_offline_list(kb_req *r);

/* Readers' tips (tips.c): the form, sending it, the confirmation. */
int page_tip_form(kb_req *r);
int page_tip_send(kb_req *r);
int page_tip_sent(kb_req *r);
/* The email digest (digest.c): signing up, the confirmation link, the
 * preferences page and unsubscribing. */
int page_digest_form(kb_req *r);
int page_digest_signup(kb_req *r);
int page_digest_sent(kb_req *r);
int page_digest_confirm_page(kb_req *r);
int page_digest_confirm(kb_req *r);
int page_digest_manage(kb_req *r);
int page_digest_save(kb_req *r);
int page_digest_unsubscribe_page(kb_req *r);
int page_digest_unsubscribe(kb_req *r);

#endif
