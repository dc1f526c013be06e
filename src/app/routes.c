/*
 * routes.c: every URL khabar answers, in one table, handed to the server
 * by app.c. The dispatcher (src/http) applies each route's method, flags
 * and role before its handler runs. Order matters only where patterns
 * overlap: first match wins.
 */
#include "../newsroom/newsroom.h"
#include "../pages/pages.h"
#include "../pages/reads.h"
#include "../tips/tips.h"
#include "app.h"

/*
 * Each route names its fields. The kinds, one macro each:
 *   PUBLIC(age)  a reader's page, kept in the page cache, max-age seconds
 *   API(age)     the same for the JSON API: CORS, JSON errors
 *   NR(role)     a newsroom page: the session loaded, never cached
 *                (no-store), every POST carrying the CSRF token, a user of
 *                at least the role
 * and .query lists the query inputs the handler reads (kb_input); on a
 * cached route they are its cache key. FORM(...) lists a POST's form
 * fields the same way; a route with none takes no form (the CSRF token
 * aside, which is the dispatcher's). .edge names the kind of page among
 * the keys caches in front may purge it by (src/http/edge.h), where its
 * dependency tags do not say it already (feeds, sitemaps, search, API).
 */
#define PUBLIC(age) .flags = R_CACHE, .max_age = (age)
#define API(age) .flags = R_CACHE | R_CORS | R_JSON, .max_age = (age)
#define NR(r) .flags = R_NEWSROOM | R_AUTH | R_CSRF, .role = (r), .max_age = -1
#define REPORTER NR(ROLE_REPORTER)
#define EDITOR NR(ROLE_EDITOR)
#define ADMIN NR(ROLE_ADMIN)

#define PAGE           \
	{              \
		"page" \
	}
#define FULL                       \
	{                          \
		"full", input_flag \
	}
/* An editor's page shown again after a POST may carry an alert's result. */
#define ALERT .query = {{"alert"}}

/* Left as written: clang-format cannot lay out a brace list that ends a
 * macro. */
/* clang-format off */
#define FORM(...) .form = (const kb_input[]){__VA_ARGS__, {NULL}}
/* The story editor's form (editor.c's read_form), which a transition
 * (submit, publish...) may also carry to save first. */
#define ARTICLE_FIELDS                                                                 \
	{"title"}, {"summary"}, {"body"}, {"category"}, {"tags"}, {"dateline"},        \
	{"author"}, {"caption"}, {"credit"}, {"slug"}, {"seo_title"},                  \
	{"seo_description"}, {"breaking"}, {"significant"}, {"media_id", input_id},      \
	{"version", input_id}
#define ARTICLE_FORM FORM(ARTICLE_FIELDS)
#define TRANSITION_FORM FORM(ARTICLE_FIELDS, {"notify"})
/* The page editor's form (pages.c's read_form). */
#define PAGE_FORM FORM({"title"}, {"slug"}, {"body"}, {"footer"}, {"version", input_id})
/* The settings page's fields (admin.c's site_keys and mail_keys, then the
 * ones it reads apart). */
#define SETTINGS_FORM                                                                  \
	FORM({"name"}, {"tagline"}, {"logo"}, {"email"}, {"facebook"}, {"instagram"},  \
	     {"x"}, {"arattai"}, {"whatsapp"}, {"google_news"},                        \
	     {"push_hourly_limit", input_id}, {"tips_email"}, {"smtp_host"},           \
	     {"smtp_port"}, {"smtp_user"}, {"tips_retention_days"},                    \
	     {"smtp_password"}, {"smtp_starttls"}, {"edge_purge"}, {"edge_purge_url"}, \
	     {"edge_purge_header"}, {"edge_purge_token"}, {"indexnow_endpoints"},     \
	     {"indexnow_key"}, {"websub_hub"}, {"phone"}, {"ownership_url"},              \
	     {"grievance_ack_days"}, {"grievance_decide_days"}, {"grievance_report"},    \
	     {"backup_time"}, {"backup_keep"}, {"backup_dir"}, {"metrics_token"},   \
	     {"digest_time"}, {"digest_rate"}, {"digest_bounces"})
/* clang-format on */

/* The feeds' one handler serves each subject in each format. */
#define FEED(kind, atom) page_feed, PUBLIC(300), .query = {FULL}, .arg = FEED_ARG(kind, atom), .edge = "feed"

const kb_route app_routes[] = {
	{"GET", "/", page_home, PUBLIC(30)},
	{"GET", "/news/{slug}", page_article, PUBLIC(60)},
	/* A live story's updates after seq N (live.c): what every reader
	 * following it polls, from the page cache, 2 s anywhere. */
	{"GET", "/live/{id}/since/{n}", page_live_since, PUBLIC(2), .edge = "live"},
	{"GET", "/category/{slug}", page_category, PUBLIC(60), .query = {PAGE}},
	{"GET", "/tag/{slug}", page_tag, PUBLIC(60), .query = {PAGE}},
	{"GET", "/author/{slug}", page_author, PUBLIC(60), .query = {PAGE}},
	/* Static pages (about, policies): any change to one moves the content
	 * version (they are in every footer), so no dependency tags. */
	{"GET", "/page/{slug}", page_static_page, PUBLIC(300)},
	/* Corrections and updates: any story's change rebuilds it. */
	{"GET", "/corrections", page_corrections, PUBLIC(300), .query = {PAGE}},
	/* The monthly grievance counts (IT Rules 2021), when published: a
	 * grievance changes no story, so it is built each time. */
	{"GET", "/grievances", page_grievances, .max_age = 300},
	{"GET", "/static/{file}", page_static, PUBLIC(31536000)},
	{"GET", "/robots.txt", page_robots, PUBLIC(3600)},
	/* Installable and offline (offline.c): the manifest, the page the
	 * service worker shows for what it has not kept, and what it keeps. */
	{"GET", "/manifest.webmanifest", page_manifest, PUBLIC(3600)},
	{"GET", "/offline", page_offline, PUBLIC(300)},
	{"GET", "/offline.json", page_offline_list, PUBLIC(60)},
	/* IndexNow's key file; any other /NAME.txt is not found. */
	{"GET", "/{key}.txt", page_indexnow_key, PUBLIC(3600)},
	/* Feeds: ?full=0 leaves the story out, keeping the summary. */
	{"GET", "/feed", FEED(FEED_SITE, 0)},
	{"GET", "/feed/atom", FEED(FEED_SITE, 1)},
	{"GET", "/category/{slug}/feed", FEED(FEED_CATEGORY, 0)},
	{"GET", "/category/{slug}/feed/atom", FEED(FEED_CATEGORY, 1)},
	{"GET", "/tag/{slug}/feed", FEED(FEED_TAG, 0)},
	{"GET", "/tag/{slug}/feed/atom", FEED(FEED_TAG, 1)},
	{"GET", "/author/{slug}/feed", FEED(FEED_AUTHOR, 0)},
	{"GET", "/author/{slug}/feed/atom", FEED(FEED_AUTHOR, 1)},
	/* Sitemaps. The news sitemap depends on the clock (last two days), not
	 * only on content, so it is built each time: at most 1,000 rows. */
	{"GET", "/sitemap.xml", page_sitemap_index, PUBLIC(3600), .edge = "sitemap"},
	{"GET", "/sitemap-{part}", page_sitemap_part, PUBLIC(3600), .edge = "sitemap"},
	{"GET", "/news-sitemap.xml", page_sitemap_news, .max_age = 300, .edge = "sitemap"},
	/* The public read API (docs/api.md). */
	{"GET", "/api/v1/articles", api_articles, API(60),
	 .query = {{"category"}, {"tag"}, {"since"}, {"limit"}, {"cursor"}}, .edge = "api"},
	{"GET", "/api/v1/articles/{id}", api_article, API(60), .edge = "api"},
	{"GET", "/api/v1/categories", api_categories, API(300), .edge = "api"},
	{"GET", "/search", page_search, PUBLIC(60), .query = {{"q"}, {"category"}, {"from"}, {"to"}, PAGE},
	 .edge = "search"},
	{"GET", "/api/v1/search", api_search, API(60),
	 .query = {{"q"}, {"category"}, {"from"}, {"to"}, {"limit"}, {"offset"}}, .edge = "api search"},
	/* What the search box offers as the reader types: from memory, not
	 * the page cache; a minute at the edge. */
	{"GET", "/api/v1/suggest", api_suggest, .flags = R_CORS | R_JSON, .max_age = 60, .query = {{"q"}},
	 .edge = "api search"},
	/* For load balancers and Varnish's probes: never cached anywhere. */
	{"GET", "/healthz", page_healthz, .max_age = -1},
	{"GET", "/metrics", page_metrics, .max_age = -1},

	/* The newsroom (src/newsroom/). Logging in is the one POST without a
	 * session: its token is the pre-session one (session.c). */
	{"GET", "/newsroom/login", nr_login_page, .flags = R_NEWSROOM, .max_age = -1,
	 .query = {{"next"}, {"set"}}},
	{"POST", "/newsroom/login", nr_login, .flags = R_NEWSROOM | R_CSRF, .max_age = -1, .query = {{"set"}},
	 FORM({"login"}, {"password"}, {"next"})},
	{"GET", "/newsroom/set-password/{token}", nr_set_password_page, .flags = R_NEWSROOM | R_SECRET_PATH,
	 .max_age = -1},
	{"POST", "/newsroom/set-password/{token}", nr_set_password,
	 .flags = R_NEWSROOM | R_CSRF | R_SECRET_PATH, .max_age = -1, FORM({"password"}, {"password2"})},
	{"POST", "/newsroom/logout", nr_logout, REPORTER},
	{"POST", "/newsroom/logout-everywhere", nr_logout_all, REPORTER},
	{"GET", "/newsroom/account", nr_account_page, REPORTER},
	{"POST", "/newsroom/account", nr_account, REPORTER,
	 FORM({"lang"}, {"current_password"}, {"new_password"})},
	{"POST", "/newsroom/account/language", nr_lang, REPORTER, FORM({"back"})},
	{"GET", "/newsroom", nr_desk, REPORTER, .query = {{"status"}, {"mine"}, {"all"}, PAGE}},
	{"GET", "/newsroom/articles/new", nr_editor_new, REPORTER, ALERT},
	{"POST", "/newsroom/articles/new", nr_create, REPORTER, ALERT, ARTICLE_FORM},
	{"GET", "/newsroom/articles/{id}", nr_editor, REPORTER, ALERT},
	{"POST", "/newsroom/articles/{id}", nr_save, REPORTER, ALERT, ARTICLE_FORM},
	{"POST", "/newsroom/articles/{id}/autosave", nr_autosave, REPORTER, ALERT, ARTICLE_FORM},
	{"POST", "/newsroom/articles/{id}/submit", nr_submit, REPORTER, ALERT, TRANSITION_FORM},
	{"POST", "/newsroom/articles/{id}/publish", nr_publish, EDITOR, ALERT, TRANSITION_FORM},
	{"POST", "/newsroom/articles/{id}/schedule", nr_schedule, EDITOR, ALERT,
	 FORM(ARTICLE_FIELDS, {"notify"}, {"publish_at"})},
	{"POST", "/newsroom/articles/{id}/unpublish", nr_unpublish, EDITOR, ALERT, TRANSITION_FORM},
	{"POST", "/newsroom/articles/{id}/return", nr_return, EDITOR, ALERT, TRANSITION_FORM},
	/* A correction or significant update on a published story. */
	{"POST", "/newsroom/articles/{id}/notes", nr_note_add, EDITOR, FORM({"kind"}, {"note"})},
	{"GET", "/newsroom/articles/{id}/revisions", nr_revisions, REPORTER},
	{"GET", "/newsroom/articles/{id}/diff", nr_diff, REPORTER, .query = {{"from"}, {"to"}}},
	{"POST", "/newsroom/articles/{id}/restore", nr_restore, REPORTER, ALERT,
	 FORM({"revision", input_id})},
	{"POST", "/newsroom/preview", nr_preview, REPORTER, FORM({"body"}, {"dateline"})},
	{"GET", "/newsroom/tags.json", nr_tags_json, REPORTER, .query = {{"q"}}},
	{"GET", "/newsroom/slug.json", nr_slug_json, REPORTER, .query = {{"title"}}},
	{"GET", "/newsroom/media", nr_library, REPORTER, .query = {{"error"}, PAGE}},
	/* Uploads alone may send a 20 MB photo (media_intake says so
	 * clearly up to 24 MB; past that the server closes the request). */
	{"POST", "/newsroom/media", nr_upload, REPORTER, .max_body = 24u << 20, FORM({"file"})},
	{"GET", "/newsroom/media/{id}/status", nr_media_json, REPORTER},
	{"GET", "/newsroom/tips", nr_tips, REPORTER, .query = {{"status"}, {"kind"}, {"mine"}, {"q"}, PAGE}},
	{"GET", "/newsroom/tips/{id}", nr_tip, REPORTER},
	{"POST", "/newsroom/tips/{id}/status", nr_tip_status, REPORTER, FORM({"status"})},
	{"POST", "/newsroom/tips/{id}/assign", nr_tip_assign, REPORTER, FORM({"assignee"})},
	{"POST", "/newsroom/tips/{id}/grievance", nr_tip_grievance, EDITOR, FORM({"mark"})},
	{"POST", "/newsroom/tips/{id}/note", nr_tip_note, REPORTER, FORM({"note"})},
	{"POST", "/newsroom/tips/{id}/draft", nr_tip_draft, REPORTER},
	{"POST", "/newsroom/tips/{id}/delete", nr_tip_delete, EDITOR},
	{"GET", "/newsroom/categories", nr_categories, EDITOR},
	{"POST", "/newsroom/categories", nr_category_add, EDITOR, FORM({"name"}, {"slug"}, {"position"})},
	{"POST", "/newsroom/categories/{id}", nr_category_save, EDITOR,
	 FORM({"name"}, {"slug"}, {"position"})},
	{"GET", "/newsroom/tags", nr_tags, EDITOR},
	{"POST", "/newsroom/tags/{id}", nr_tag_save, EDITOR, FORM({"name"}, {"slug"})},
	/* Author profiles (authors.c): editors edit every one; a reporter
	 * only their own, which the handler checks. The form may carry a
	 * photo (20 MB, as uploads). */
	{"GET", "/newsroom/authors", nr_authors, EDITOR},
	{"GET", "/newsroom/profile", nr_profile, REPORTER},
	{"GET", "/newsroom/authors/{id}", nr_author, REPORTER, .query = {{"saved"}}},
	{"POST", "/newsroom/authors/{id}", nr_author_save, REPORTER, .max_body = 24u << 20,
	 FORM({"bio"}, {"role"}, {"email"}, {"links"}, {"area", input_id}, {"photo"}, {"remove_photo"})},
	/* Static pages (pages.c): publish and unpublish save the form first. */
	{"GET", "/newsroom/pages", nr_pages, EDITOR},
	{"GET", "/newsroom/pages/new", nr_page_new, EDITOR},
	{"POST", "/newsroom/pages/new", nr_page_create, EDITOR, PAGE_FORM},
	{"GET", "/newsroom/pages/{id}", nr_page_edit, EDITOR},
	{"POST", "/newsroom/pages/{id}", nr_page_save, EDITOR, PAGE_FORM},
	{"POST", "/newsroom/pages/{id}/publish", nr_page_publish, EDITOR, PAGE_FORM},
	{"POST", "/newsroom/pages/{id}/unpublish", nr_page_unpublish, EDITOR, PAGE_FORM},
	/* A page's revision back (a new save), and deleting a page. */
	{"POST", "/newsroom/pages/{id}/restore", nr_page_restore, EDITOR, FORM({"revision", input_id})},
	{"POST", "/newsroom/pages/{id}/delete", nr_page_delete, EDITOR},
	/* The header's and footer's links (menus.c): a link per line. */
	{"GET", "/newsroom/menus", nr_menus, EDITOR},
	{"POST", "/newsroom/menus", nr_menus_save, EDITOR, FORM({"header"}, {"footer"})},
	{"GET", "/newsroom/audit", nr_audit, EDITOR, .query = {{"article"}}},
	{"GET", "/newsroom/alerts", nr_alerts, EDITOR, .query = {{"sent"}, PAGE}},
	{"GET", "/newsroom/alerts/new", nr_alert_new, EDITOR},
	{"POST", "/newsroom/alerts", nr_alert_send, EDITOR, FORM({"title"}, {"text"}, {"link"}, {"target"})},
	/* Live coverage (live.c): writers post from a phone, with a photo
	 * (a body as big as an upload's); editors start and close it, push
	 * a key event and set the site-wide ticker. */
	{"GET", "/newsroom/live", nr_live_index, REPORTER, .query = {{"msg"}}},
	{"POST", "/newsroom/ticker", nr_ticker, EDITOR,
	 FORM({"text"}, {"url"}, {"minutes", input_id}, {"clear"}, {"back"})},
	{"GET", "/newsroom/articles/{id}/live", nr_live_desk, REPORTER, .query = {{"msg"}}},
	{"POST", "/newsroom/articles/{id}/live", nr_live_start, EDITOR, FORM({"starts"}, {"ends"})},
	{"POST", "/newsroom/articles/{id}/live/close", nr_live_close, EDITOR},
	{"POST", "/newsroom/articles/{id}/live/entries", nr_live_post, REPORTER, .max_body = 24u << 20,
	 FORM({"body"}, {"link"}, {"photo"}, {"pin"}, {"key"})},
	{"POST", "/newsroom/live/entries/{id}", nr_live_entry_save, REPORTER,
	 FORM({"body"}, {"link"}, {"pin"}, {"key"})},
	{"POST", "/newsroom/live/entries/{id}/pin", nr_live_entry_flag, REPORTER, .arg = 0, FORM({"on"})},
	{"POST", "/newsroom/live/entries/{id}/key", nr_live_entry_flag, REPORTER, .arg = 1, FORM({"on"})},
	{"POST", "/newsroom/live/entries/{id}/delete", nr_live_entry_delete, REPORTER},
	{"POST", "/newsroom/live/entries/{id}/push", nr_live_entry_push, EDITOR},
	{"GET", "/newsroom/users", nr_users, ADMIN},
	{"POST", "/newsroom/users", nr_user_add, ADMIN, FORM({"login"}, {"name"}, {"password"}, {"role"})},
	{"POST", "/newsroom/users/{id}", nr_user_save, ADMIN,
	 FORM({"name"}, {"role"}, {"disabled"}, {"password"})},
	{"GET", "/newsroom/settings", nr_settings_page, ADMIN},
	{"POST", "/newsroom/settings", nr_settings, ADMIN, SETTINGS_FORM},

	/* Readers' tips (tips.c): a reader's POST without a session, so its
	 * token is the pre-session one, its cookie scoped to /tips. Never
	 * cached (the form carries a token and a signed time); a stale token
	 * gets the form again with the reader's text. The body may
	 * hold photos: 24 MiB in all, as for uploads (h2o's limit). */
	{"GET", "/tips", page_tip_form, .max_age = -1, .query = {{"kind"}}},
	{"POST", "/tips", page_tip_send, .flags = R_CSRF | R_STALE_FORM, .max_age = -1,
	 .max_body = TIPS_MAX_BODY,
	 FORM({"name"}, {"contact"}, {"place"}, {"kind"}, {"body"}, {"consent"}, {"photo"},
	      /* the trap for bots, and the form's signed time */
	      {"website"}, {"stamp"})},
	{"GET", "/tips/sent", page_tip_sent, .max_age = -1, .query = {{"ref"}, {"kind"}}},

	/* The email digest (digest.c): the sign-up is a reader's form as the
	 * tips' is (pre-session token, its cookie scoped to /digest, a stale
	 * token gets the form again). The links of its mails carry a signed
	 * token (kept out of the access log): a GET shows, a POST acts (a
	 * link scanner's GET confirms nothing); the one-click unsubscribe's
	 * POST (RFC 8058) comes from a mail program with no cookie, so there
	 * and for confirming the token alone is the authority. */
	{"GET", "/digest", page_digest_form, .max_age = -1, .query = {{"email"}}},
	{"POST", "/digest", page_digest_signup, .flags = R_CSRF | R_STALE_FORM, .max_age = -1,
	 FORM({"email"}, {"frequency"}, {"category", input_id}, {"website"}, {"stamp"})},
	{"GET", "/digest/sent", page_digest_sent, .max_age = -1},
	{"GET", "/digest/confirm", page_digest_confirm_page, .flags = R_SECRET_PATH, .max_age = -1,
	 .query = {{"t"}}},
	{"POST", "/digest/confirm", page_digest_confirm, .flags = R_SIGNED_LINK | R_SECRET_PATH,
	 .max_age = -1, .query = {{"t"}}},
	{"GET", "/digest/manage", page_digest_manage, .flags = R_SECRET_PATH, .max_age = -1,
	 .query = {{"t"}}},
	{"POST", "/digest/manage", page_digest_save, .flags = R_CSRF | R_STALE_FORM | R_SECRET_PATH,
	 .max_age = -1, FORM({"t"}, {"frequency"}, {"category", input_id})},
	{"GET", "/digest/unsubscribe", page_digest_unsubscribe_page, .flags = R_SECRET_PATH, .max_age = -1,
	 .query = {{"t"}}},
	{"POST", "/digest/unsubscribe", page_digest_unsubscribe, .flags = R_SIGNED_LINK | R_SECRET_PATH,
	 .max_age = -1, .query = {{"t"}}, FORM({"List-Unsubscribe"})},
	/* The newsroom's view of it (src/newsroom/digest.c). */
	{"GET", "/newsroom/digest", nr_digest, EDITOR},
	{"GET", "/newsroom/digest/subscribers.csv", nr_digest_export, ADMIN},

	/* Web Push. The POSTs come from readers, who have no session: they
	 * take only application/json from the site's own origin (the
	 * dispatcher's R_PUBLIC_JSON checks). */
	{"GET", "/sw.js", page_sw},
	{"GET", "/push", page_push_manage, PUBLIC(300)},
	/* A notification's link: one message's, signed, or an alert's alone
	 * (links sent before they were signed: counted nowhere). */
	{"GET", "/push/click/{id}", page_push_click},
	{"GET", "/push/click/{id}/{sub}/{mac}", page_push_click},
	/* A story's read, noted for the most-read lists (src/pages/reads.h):
	 * asked for by the story's page once seen, never stored anywhere. */
	{"GET", "/r/{id}.gif", page_read, .max_age = -1},
	{"GET", "/api/v1/push/key", api_push_key, .flags = R_JSON, .max_age = 300},
	{"POST", "/api/v1/push/subscribe", api_push_subscribe, .flags = R_PUBLIC_JSON | R_JSON},
	{"POST", "/api/v1/push/unsubscribe", api_push_unsubscribe, .flags = R_PUBLIC_JSON | R_JSON},
	{"POST", "/api/v1/push/status", api_push_status, .flags = R_PUBLIC_JSON | R_JSON},
};

const size_t app_nroutes = sizeof app_routes / sizeof app_routes[0];
