/*
 * routes.c: every URL khabar answers, in one table, handed to the server
 * by app.c. The dispatcher (src/http) applies each route's method, flags
 * and role before its handler runs. Order matters only where patterns
 * overlap: first match wins.
 */
#include "../newsroom/newsroom.h"
#include "../pages/pages.h"
#include "../tips/tips.h"
#include "app.h"

/* The newsroom: never cached (-1: no-store), every POST carries the CSRF
 * token, every page but the login needs a user of at least the role. */
#define NR(role) R_NEWSROOM | R_AUTH | R_CSRF, role, NULL, -1
#define REPORTER NR(ROLE_REPORTER)
#define EDITOR NR(ROLE_EDITOR)
#define ADMIN NR(ROLE_ADMIN)

const kb_route app_routes[] = {
	/* method, pattern, handler, flags, role, cache key query, max-age */
	{"GET", "/", page_home, R_CACHE, 0, NULL, 30},
	{"GET", "/news/{slug}", page_article, R_CACHE, 0, NULL, 60},
	{"GET", "/category/{slug}", page_category, R_CACHE, 0, "page", 60},
	{"GET", "/tag/{slug}", page_tag, R_CACHE, 0, "page", 60},
	{"GET", "/author/{slug}", page_author, R_CACHE, 0, "page", 60},
	{"GET", "/static/{file}", page_static, R_CACHE, 0, NULL, 31536000},
	{"GET", "/robots.txt", page_robots, R_CACHE, 0, NULL, 3600},
	/* Feeds: ?full=0 leaves the story out, keeping the summary. */
	{"GET", "/feed", page_feed_rss, R_CACHE, 0, "full", 300},
	{"GET", "/feed/atom", page_feed_atom, R_CACHE, 0, "full", 300},
	{"GET", "/category/{slug}/feed", page_feed_category_rss, R_CACHE, 0, "full", 300},
	{"GET", "/category/{slug}/feed/atom", page_feed_category_atom, R_CACHE, 0, "full", 300},
	{"GET", "/tag/{slug}/feed", page_feed_tag_rss, R_CACHE, 0, "full", 300},
	{"GET", "/tag/{slug}/feed/atom", page_feed_tag_atom, R_CACHE, 0, "full", 300},
	{"GET", "/author/{slug}/feed", page_feed_author_rss, R_CACHE, 0, "full", 300},
	{"GET", "/author/{slug}/feed/atom", page_feed_author_atom, R_CACHE, 0, "full", 300},
	/* Sitemaps. The news sitemap depends on the clock (last two days), not
	 * only on content, so it is built each time: at most 1,000 rows. */
	{"GET", "/sitemap.xml", page_sitemap_index, R_CACHE, 0, NULL, 3600},
	{"GET", "/sitemap-{part}", page_sitemap_part, R_CACHE, 0, NULL, 3600},
	{"GET", "/news-sitemap.xml", page_sitemap_news, 0, 0, NULL, 300},
	/* The public read API (docs/api.md). */
	{"GET", "/api/v1/articles", api_articles, R_CACHE | R_CORS, 0, "category,tag,since,limit,cursor", 60},
	{"GET", "/api/v1/articles/{id}", api_article, R_CACHE | R_CORS, 0, NULL, 60},
	{"GET", "/api/v1/categories", api_categories, R_CACHE | R_CORS, 0, NULL, 300},
	{"GET", "/search", page_search, R_CACHE, 0, "q,category,from,to,page", 60},
	{"GET", "/api/v1/search", api_search, R_CACHE | R_CORS, 0, "q,category,from,to,limit,offset", 60},

	/* The newsroom (src/newsroom/). Logging in is the one POST without a
	 * session: its token is the pre-session one (session.c). */
	{"GET", "/newsroom/login", nr_login_page, R_NEWSROOM, 0, NULL, -1},
	{"POST", "/newsroom/login", nr_login, R_NEWSROOM | R_CSRF, 0, NULL, -1},
	{"GET", "/newsroom/set-password/{token}", nr_set_password_page, R_NEWSROOM | R_SECRET_PATH, 0, NULL,
	 -1},
	{"POST", "/newsroom/set-password/{token}", nr_set_password, R_NEWSROOM | R_CSRF | R_SECRET_PATH, 0,
	 NULL, -1},
	{"POST", "/newsroom/logout", nr_logout, REPORTER},
	{"POST", "/newsroom/logout-everywhere", nr_logout_all, REPORTER},
	{"GET", "/newsroom/account", nr_account_page, REPORTER},
	{"POST", "/newsroom/account", nr_account, REPORTER},
	{"POST", "/newsroom/account/language", nr_lang, REPORTER},
	{"GET", "/newsroom", nr_desk, REPORTER},
	{"GET", "/newsroom/articles/new", nr_editor_new, REPORTER},
	{"POST", "/newsroom/articles/new", nr_create, REPORTER},
	{"GET", "/newsroom/articles/{id}", nr_editor, REPORTER},
	{"POST", "/newsroom/articles/{id}", nr_save, REPORTER},
	{"POST", "/newsroom/articles/{id}/autosave", nr_autosave, REPORTER},
	{"POST", "/newsroom/articles/{id}/submit", nr_submit, REPORTER},
	{"POST", "/newsroom/articles/{id}/publish", nr_publish, EDITOR},
	{"POST", "/newsroom/articles/{id}/schedule", nr_schedule, EDITOR},
	{"POST", "/newsroom/articles/{id}/unpublish", nr_unpublish, EDITOR},
	{"POST", "/newsroom/articles/{id}/return", nr_return, EDITOR},
	{"GET", "/newsroom/articles/{id}/revisions", nr_revisions, REPORTER},
	{"GET", "/newsroom/articles/{id}/diff", nr_diff, REPORTER},
	{"POST", "/newsroom/articles/{id}/restore", nr_restore, REPORTER},
	{"POST", "/newsroom/preview", nr_preview, REPORTER},
	{"GET", "/newsroom/tags.json", nr_tags_json, REPORTER},
	{"GET", "/newsroom/slug.json", nr_slug_json, REPORTER},
	{"GET", "/newsroom/media", nr_library, REPORTER},
	/* Uploads alone may send a 20 MB photo (media_intake says so
	 * clearly up to 24 MB; past that the server closes the request). */
	{"POST", "/newsroom/media", nr_upload, R_NEWSROOM | R_AUTH | R_CSRF, ROLE_REPORTER, NULL, -1,
	 24u << 20},
	{"GET", "/newsroom/media/{id}/status", nr_media_json, REPORTER},
	{"GET", "/newsroom/tips", nr_tips, REPORTER},
	{"GET", "/newsroom/tips/{id}", nr_tip, REPORTER},
	{"POST", "/newsroom/tips/{id}/status", nr_tip_status, REPORTER},
	{"POST", "/newsroom/tips/{id}/assign", nr_tip_assign, REPORTER},
	{"POST", "/newsroom/tips/{id}/note", nr_tip_note, REPORTER},
	{"POST", "/newsroom/tips/{id}/draft", nr_tip_draft, REPORTER},
	{"POST", "/newsroom/tips/{id}/delete", nr_tip_delete, EDITOR},
	{"GET", "/newsroom/categories", nr_categories, EDITOR},
	{"POST", "/newsroom/categories", nr_category_add, EDITOR},
	{"POST", "/newsroom/categories/{id}", nr_category_save, EDITOR},
	{"GET", "/newsroom/tags", nr_tags, EDITOR},
	{"POST", "/newsroom/tags/{id}", nr_tag_save, EDITOR},
	{"GET", "/newsroom/audit", nr_audit, EDITOR},
	{"GET", "/newsroom/alerts", nr_alerts, EDITOR},
	{"GET", "/newsroom/alerts/new", nr_alert_new, EDITOR},
	{"POST", "/newsroom/alerts", nr_alert_send, EDITOR},
	{"GET", "/newsroom/users", nr_users, ADMIN},
	{"POST", "/newsroom/users", nr_user_add, ADMIN},
	{"POST", "/newsroom/users/{id}", nr_user_save, ADMIN},
	{"GET", "/newsroom/settings", nr_settings_page, ADMIN},
	{"POST", "/newsroom/settings", nr_settings, ADMIN},

	/* Readers' tips (tips.c): a reader's POST without a session, so its
	 * token is the pre-session one, its cookie scoped to /tips. Never
	 * cached (the form carries a token and a signed time); a stale token
	 * gets the form again with the reader's text. The body may
	 * hold photos: 24 MiB in all, as for uploads (h2o's limit). */
	{"GET", "/tips", page_tip_form, 0, 0, NULL, -1},
	{"POST", "/tips", page_tip_send, R_CSRF | R_STALE_FORM, 0, NULL, -1, TIPS_MAX_BODY},
	{"GET", "/tips/sent", page_tip_sent, 0, 0, NULL, -1},

	/* Web Push. The POSTs come from readers, who have no session: they
	 * take only application/json from the site's own origin (push.c). */
	{"GET", "/sw.js", page_sw, 0, 0, NULL, 0},
	{"GET", "/push", page_push_manage, R_CACHE, 0, NULL, 300},
	/* A notification's link: one message's, signed, or an alert's alone
	 * (links sent before they were signed: counted nowhere). */
	{"GET", "/push/click/{id}", page_push_click, 0, 0, NULL, 0},
	{"GET", "/push/click/{id}/{sub}/{mac}", page_push_click, 0, 0, NULL, 0},
	{"GET", "/api/v1/push/key", api_push_key, 0, 0, NULL, 300},
	{"POST", "/api/v1/push/subscribe", api_push_subscribe, R_PUBLIC_JSON, 0, NULL, 0},
	{"POST", "/api/v1/push/unsubscribe", api_push_unsubscribe, R_PUBLIC_JSON, 0, NULL, 0},
	{"POST", "/api/v1/push/status", api_push_status, R_PUBLIC_JSON, 0, NULL, 0},
};

const size_t app_nroutes = sizeof app_routes / sizeof app_routes[0];
