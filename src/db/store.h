/*
 * store.h: khabar's storage API. Page code and commands see only these
 * types and functions. The store's files talk to the database only through
 * driver.h, whose one implementation today is SQLite's (driver_sqlite.c),
 * so a PostgreSQL driver can be added without touching pages and without a
 * second copy of the store (SQL only SQLite takes is marked "dialect:").
 * No HTML here, no URLs, and no SQL outside src/db/.
 *
 * A store handle is one database connection: use it from one thread at a
 * time (the server opens one per worker thread).
 *
 * Memory: functions that return records take a kb_arena and allocate every
 * string and array in it; the caller frees the arena, never the records.
 *
 * Errors: functions return 0 on success, STORE_NOTFOUND when a lookup finds
 * nothing, and STORE_ERROR on failure with the message in store_errmsg().
 */
#ifndef KB_STORE_H
#define KB_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../core/core.h"
#include "../search/query.h"

/* STORE_CONFLICT: a write's version check failed (someone else saved
 * first) or a unique name is taken. */
enum { STORE_OK = 0, STORE_NOTFOUND = 1, STORE_CONFLICT = 2, STORE_ERROR = -1 };

/* Newsroom roles, each with every right of the ones below it. */
enum { ROLE_NONE = 0, ROLE_REPORTER, ROLE_EDITOR, ROLE_ADMIN };

typedef struct store store;

typedef struct kb_category {
	int64_t id;
	const char *name, *slug;
	int position;
} kb_category;

typedef struct kb_tag {
	int64_t id;
	const char *name, *slug;
} kb_tag;

typedef struct kb_author {
	int64_t id;
	const char *name, *slug, *bio;
} kb_author;

/* An uploaded photo and its derived images (src/media/). Files are
 * /media/STEM-W.webp and /media/STEM-W.jpg for each W in widths, and
 * /media/STEM-social.jpg (1200 px wide). width and height are those of the
 * largest derivative, so the aspect ratio is height / width. */
typedef struct kb_media {
	int64_t id;
	const char *stem, *name, *status, *error, *type, *caption, *credit;
	const char *widths; /* "320,640,1024,1600" */
	int width, height;
	int64_t bytes, created_at, user_id;
	const char *user_name;
} kb_media;

typedef struct kb_article {
	int64_t id;
	const char *title, *slug, *summary, *body; /* body is Markdown */
	const char *status;                        /* draft, review, scheduled, published, unpublished */
	int64_t published_at, updated_at;          /* UTC seconds; 0 = never */
	kb_category category;                      /* id 0 when none */
	kb_author author;                          /* id 0 when none */
	kb_tag *tags;
	size_t ntags;
	const char *image_url, *image_caption, *image_credit;
	const char *dateline;
	int breaking;
	/* The newsroom's side. version counts saves (the conflict check);
	 * publish_at is the time a scheduled article goes live. image_url is
	 * the stored URL only ("" for most photos): render_article_image
	 * (src/render/paths.h) gives the one to show. */
	int64_t version, publish_at, created_at, owner_id;
	const char *seo_title, *seo_description;
	kb_media media; /* id 0 when none (or not ready) */
	/* When a correction, an update or a save marked significant last
	 * changed the story (0: never): what readers and machines are told
	 * as its dateModified (store_article_modified). updated_at moves at
	 * every save, for the newsroom. */
	int64_t modified_at;
} kb_article;

/* A published story's dateModified: its last significant change, or its
 * publication. */
static inline int64_t store_article_modified(const kb_article *a)
{
	return a->modified_at > a->published_at ? a->modified_at : a->published_at;
}

/* Site settings, read as one record. Unset values are "" (never NULL). */
typedef struct kb_settings {
	const char *name, *tagline, *base_url, *language, *timezone, *email, *logo;
	const char *facebook, *instagram, *x, *arattai, *whatsapp, *google_news;
	/* Search ranking: bm25 units a story loses per 30 days of age. */
	const char *search_recency;
	/* "devanagari" to write dates with Devanagari digits, else "ascii". */
	const char *digits;
	/* The WebSub hub the feeds name (rel="hub"), "" for none; also an
	 * edge setting (src/http/edge.h), which checks it. */
	const char *websub_hub;
	/* The organisation's contact phone, and the page or site that says
	 * who owns and funds it (JSON-LD's contactPoint and
	 * ownershipFundingInfo), "" when unset. */
	const char *phone, *ownership_url;
	/* Grievances (IT Rules 2021): days to acknowledge and to decide one
	 * ("1" and "15" by default), and whether the monthly counts are
	 * public ("yes") at /grievances. */
	const char *grievance_ack_days, *grievance_decide_days, *grievance_report;
	/* The breaking ticker (src/newsroom/live.c): its text, its link (a
	 * site path or http(s) URL, "" for none) and the Unix time it ends
	 * ("" for none); shown while text is set and the end is ahead. */
	const char *ticker_text, *ticker_url, *ticker_until;
} kb_settings;

/* What store_article_list returns: published articles, newest first. */
typedef struct kb_article_query {
	int64_t category_id, tag_id, author_id; /* 0 = any */
	int64_t exclude_id;                     /* 0 = none */
	size_t limit, offset;
	int with_body; /* load body too (lists usually do not need it) */
	int with_tags;
} kb_article_query;

/* What a new article needs; strings are copied. tags may be NULL. */
typedef struct kb_article_input {
	const char *title, *slug, *summary, *body, *status;
	int64_t published_at;      /* 0 = now, when status is published */
	const char *category_slug; /* must exist; NULL/"" = none */
	const char *author_name;   /* created when new; NULL/"" = none */
	const char *const *tags;   /* names; created when new */
	size_t ntags;
	const char *image_url, *image_caption, *image_credit;
	const char *dateline;
	int breaking;
	/* Newsroom fields (store_article_save): */
	const char *seo_title, *seo_description;
	int64_t publish_at, media_id, owner_id;
	/* A save the editor marks significant moves a published story's
	 * modified_at (its dateModified); an ordinary one does not, nor does
	 * an autosave. */
	int significant;
	/* Where the article's page is: its path up to the slug ("/news/",
	 * the caller's to say; the store knows no URL). A published article
	 * whose slug changes leaves a redirect from the old path to the new
	 * one in the same transaction. NULL: no redirect. */
	const char *path_prefix;
} kb_article_input;

/* Whether path names a PostgreSQL database (a postgresql:// URL) rather
 * than an SQLite file. */
int store_is_url(const char *path);

/*
 * Opens (creating if needed) the database at path and brings its schema up
 * to date with the numbered migrations. readonly opens an existing database
 * for reading only and skips migrations. Returns NULL on failure with a
 * message a person can act on in *err (free() it).
 */
store *store_open(const char *path, int readonly, char **err);
void store_close(store *st);
const char *store_errmsg(store *st);
/* The schema version the database is at, and the one this binary wants. */
int store_schema_version(store *st);
int store_schema_latest(void);

/*
 * khabar copy: the whole site in from (a file or a postgresql:// URL) into
 * to, which must hold no site (a new file, an empty database, or one with
 * khabar's schema and no rows); to is created or brought up to date first.
 * Every table the site keeps is copied with its ids, in one transaction on
 * to, with the search index rebuilt and each table's count compared with
 * the source's; the tables the copy leaves (caches, the index, the push
 * lease) are listed with the reason. One line per table goes to report
 * (NULL: none). On failure nothing is written (a new file is removed) and
 * *err (free() it) says in one line what is wrong and what to do, naming
 * a PostgreSQL database by host and name, never with a password.
 */
int store_copy(const char *from, const char *to, FILE *report, char **err);
/* Appends to problems a line for each table or column of st's schema that
 * store_copy's list of tables does not know, and each the list has that
 * the schema lacks (none: the list covers the schema). */
int store_copy_covers(store *st, kb_buf *problems);

/* Transactions. Writes done between begin and commit land together or not
 * at all; rollback is safe to call after a failed step. */
int store_begin(store *st);
int store_commit(store *st);
void store_rollback(store *st);

/*
 * A number that changes whenever any content a page can show changes
 * (articles, categories, tags, authors, settings), whoever wrote it. The
 * page cache compares it to decide whether its pages are stale.
 */
int64_t store_content_version(store *st);
/* Whether st can read the database now: reads the content version's row
 * (on PostgreSQL reconnecting first when the connection was lost).
 * STORE_OK, or STORE_ERROR with the reason in store_errmsg. /healthz. */
int store_ping(store *st);

int store_settings(store *st, kb_arena *a, kb_settings *out);
/* A server that speaks TLS itself (khabar serve --https, --tls-cert) turns
 * this on: from then on store_settings gives an http:// base_url as
 * https://, so the site's links, feeds and canonical URLs follow. */
void store_base_url_https(int on);
int store_setting_set(store *st, const char *key, const char *value);
/* The edge purge's and instant indexing's settings (src/http/edge.h), ""
 * when unset. Kept out of kb_settings so the token never reaches a page. */
typedef struct kb_edge_settings {
	const char *purge, *purge_url, *purge_header, *purge_token;
	const char *indexnow_endpoints, *indexnow_key, *websub_hub;
} kb_edge_settings;
int store_edge_settings(store *st, kb_arena *a, kb_edge_settings *out);

int store_category_list(store *st, kb_arena *a, kb_category **out, size_t *n);
int store_category_by_slug(store *st, kb_arena *a, const char *slug, kb_category *out);
int store_category_add(store *st, const char *name, const char *slug, int position);

int store_tag_by_slug(store *st, kb_arena *a, const char *slug, kb_tag *out);
int store_author_by_slug(store *st, kb_arena *a, const char *slug, kb_author *out);

/* A published article by its slug. */
int store_article_by_slug(store *st, kb_arena *a, const char *slug, kb_article *out);
/* Any article by id, whatever its status. */
int store_article_by_id(store *st, kb_arena *a, int64_t id, kb_article *out);
/* Published articles matching q, newest first; *total (if not NULL) gets the
 * number of matches ignoring limit and offset. */
int store_article_list(store *st, kb_arena *a, const kb_article_query *q, kb_article **out, size_t *n,
		       size_t *total);
/* How many related stories an article's page shows. A constant in the SQL,
 * not a parameter: PostgreSQL plans "LIMIT $n" for a tenth of the table,
 * so it would plan the statement again at every run (0.3 ms) rather than
 * keep one plan. */
#define STORE_RELATED 6
/* Up to STORE_RELATED published articles related to art: same category
 * or a shared tag, newest first, art itself excluded. */
int store_article_related(store *st, kb_arena *a, const kb_article *art, kb_article **out, size_t *n);
/* Everything an article's page reads: the site's settings and
 * categories, the published article with its tags and its related
 * stories. */
/* A link of the header's or footer's menu (menus_store.h): its label
 * and URL (a site path or an http(s) URL). */
typedef struct kb_menu_item {
	const char *label, *url;
} kb_menu_item;

/* What every public page shows around its own content: the settings, the
 * categories (navigation), the header's links (the newsroom's menu; none:
 * the categories stand in) and the footer's (the published static pages
 * with a footer place, as /page/SLUG, then the footer menu's links). */
typedef struct kb_site {
	kb_settings settings;
	kb_category *cats;
	size_t ncats;
	kb_menu_item *header, *footer;
	size_t nheader, nfooter;
	/* The slugs of the published static pages the site's JSON-LD names
	 * (its policies, about, contact: seo.c). */
	const char **pages;
	size_t npages;
} kb_site;
/* Reads all of kb_site in one round trip on PostgreSQL (four statements
 * in one batch). Every part of it moves the content version when it
 * changes, so a server may keep it for as long as the version stands
 * (src/pages/site.c does, per thread). */
int store_site(store *st, kb_arena *a, kb_site *out);

struct kb_note;
struct kb_author_profile;
typedef struct kb_article_page {
	kb_article article;
	kb_article *related;
	size_t nrelated;
	/* Its corrections and updates, oldest first (notes_store.h), and
	 * its author's profile (authors_store.h; NULL: no author). */
	struct kb_note *notes;
	size_t nnotes;
	struct kb_author_profile *author;
	/* Whether it is live coverage (live_store.h), whose entries the
	 * page then reads: only a live story pays for them. */
	int live;
	/* The most-read lists of its category (reads_store.h). */
	struct kb_mostread *mostread;
} kb_article_page;
/* The published article slug with its tags, related news, notes and
 * author's profile, and whether it is live, read in one round trip on
 * PostgreSQL (eight statements
 * in one batch); the same reads as store_article_by_slug,
 * store_article_related, notes_store_list and authors_store_get.
 * STORE_NOTFOUND when no published article has that slug. */
int store_article_page(store *st, kb_arena *a, const char *slug, kb_article_page *out);
/*
 * Adds an article (with its author and tags) in one transaction. The slug is
 * text_slug() of in->slug, or of the title when in->slug is empty, made
 * unique by appending -2, -3... Returns 0 and the new id in *id.
 */
int store_article_add(store *st, const kb_article_input *in, int64_t *id);
/* Sets an article's status (draft, review, scheduled, published,
 * unpublished); publishing stamps published_at if it was never set.
 * Returns STORE_NOTFOUND for an unknown id. */
int store_article_set_status(store *st, int64_t id, const char *status);
/* Deletes an article with its tags; STORE_NOTFOUND for an unknown id. */
int store_article_delete(store *st, int64_t id);
/* Number of published articles. */
int store_article_count(store *st, int64_t *n);

/* ---- the newsroom (newsroom_sqlite.c) ---- */

typedef struct kb_user {
	int64_t id;
	const char *login, *name, *lang; /* lang: "hi" or "en" */
	int role;                        /* ROLE_* */
	int disabled;
	int64_t created_at;
} kb_user;

/* "reporter" <-> ROLE_REPORTER...; role_parse returns ROLE_NONE for
 * anything else. */
const char *store_role_name(int role);
int store_role_parse(const char *name);

/* Adds a user; STORE_CONFLICT when the login is taken. pwhash is the
 * encoded KDF output (src/core/crypto.h). */
int store_user_add(store *st, const char *login, const char *name, int role, const char *pwhash, int64_t *id);
/* A user by login (case-insensitive), with the password hash in *pwhash
 * (may be NULL). Disabled users are found too: the caller decides. */
int store_user_by_login(store *st, kb_arena *a, const char *login, kb_user *out, const char **pwhash);
int store_user_by_id(store *st, kb_arena *a, int64_t id, kb_user *out);
int store_user_list(store *st, kb_arena *a, kb_user **out, size_t *n);
/* Changes a user's name, role and disabled flag; disabling also ends all
 * their sessions. */
int store_user_update(store *st, int64_t id, const char *name, int role, int disabled);
int store_user_set_lang(store *st, int64_t id, const char *lang);
int store_user_set_password(store *st, int64_t id, const char *pwhash);

/* Sessions, keyed by the SHA-256 (hex) of the cookie's token, so the
 * database never holds a usable token. */
int store_session_add(store *st, const char *token_hash, int64_t user_id, const char *csrf, int64_t now,
		      int64_t expires_at, const char *ip, const char *agent);
/* The live session's user (not disabled, not expired at now), its CSRF
 * token and when it was last seen. */
int store_session_get(store *st, kb_arena *a, const char *token_hash, int64_t now, kb_user *user,
		      const char **csrf, int64_t *seen_at);
/* Slides the session: seen now, expiring at expires_at. */
int store_session_touch(store *st, const char *token_hash, int64_t now, int64_t expires_at);
int store_session_delete(store *st, const char *token_hash);
/* Ends every session of a user ("log out everywhere"). */
int store_session_delete_user(store *st, int64_t user_id);
/* Ends every session of a user but the one with token_hash (the one in
 * use, after a change of password). */
int store_session_delete_others(store *st, int64_t user_id, const char *token_hash);

/* Set-password links: only the token's SHA-256 (hex) is kept. Adding one
 * replaces the user's older links. token_user finds the user of a live
 * link (not expired at now, user not disabled). token_use spends it: the
 * user's links are dropped, the password set and their sessions ended;
 * STORE_NOTFOUND for an unknown, used or expired token. */
int store_password_token_add(store *st, const char *token_hash, int64_t user_id, int64_t expires_at);
int store_password_token_user(store *st, kb_arena *a, const char *token_hash, int64_t now, kb_user *out);
int store_password_token_use(store *st, const char *token_hash, int64_t now, const char *pwhash,
			     int64_t *user_id);

/* Login throttling (the policy is src/newsroom/login.c's). Every attempt
 * is charged as a failure of an account (the login as typed, lower-cased,
 * whether or not such a user exists) from an address before its password
 * is checked; a right password takes the charge back. */
typedef struct kb_login_counts {
	int64_t pair, pair_last;       /* this address on this account: how many, the latest's time */
	int64_t address, address_last; /* this address on any account */
	int64_t account, account_last; /* this account from any address */
	int64_t fresh,
		fresh_first; /* the account's charges let in as fresh since fresh_since: how many, the oldest's time */
	int known;           /* this address logged in to this account since known_since */
} kb_login_counts;
/* The failures at or after since (fresh ones at or after fresh_since) and
 * whether the address is known. Call it and store_login_charge inside one
 * store_begin() ... store_commit(), so that no other attempt, in any
 * thread or process, comes between the count and the charge. */
int store_login_counts(store *st, const char *account, const char *address, int64_t since,
		       int64_t fresh_since, int64_t known_since, kb_login_counts *c);
/* Charges an attempt as a failure at now; *id names it for
 * store_login_success. */
int store_login_charge(store *st, const char *account, const char *address, int fresh, int64_t now,
		       int64_t *id);
/* The password of charge id was right: it and the address's earlier
 * failures on the account go, and the address is known to the account as
 * of now. */
int store_login_success(store *st, const char *account, const char *address, int64_t id, int64_t now);

/* The server secret called name: the stored one, or candidate (len bytes)
 * stored now if there is none. *out gets len bytes. */
int store_secret(store *st, const char *name, const unsigned char *candidate, size_t len, unsigned char *out);

/*
 * Saves an article from the newsroom in one transaction: adds it when
 * *id is 0, else updates it if its version is still expected_version
 * (STORE_CONFLICT if not: someone else saved in between, nothing written).
 * Replaces its tags, makes its slug unique (from the title when in->slug
 * is empty), keeps a revision of kind ("save", "autosave", "restore")
 * by user_id, and writes the audit log. Autosaves by the same user in a
 * row replace each other's revision. *id and *version get the result.
 * in->status is left as it is on update (transitions do that).
 */
int store_article_save(store *st, const kb_article_input *in, int64_t expected_version, int64_t user_id,
		       const char *kind, int64_t *id, int64_t *version);

/*
 * Moves an article to status ("review", "published", "scheduled",
 * "unpublished", "draft"), bumping its version, with an audit entry for
 * user_id (0: the scheduler). Publishing stamps published_at (now) when
 * it was never published; scheduling sets publish_at. Returns
 * STORE_NOTFOUND for an unknown id.
 */
int store_article_transition(store *st, int64_t id, const char *status, int64_t publish_at, int64_t user_id);
/* Publishes every scheduled article whose time has come (publish_at <=
 * now), in one transaction; *n gets how many. */
int store_publish_due(store *st, int64_t now, int *n);

/* The newsroom's article lists: any status, most recently changed first.
 * status NULL = any; owner_id 0 = anyone's. */
typedef struct kb_desk_query {
	const char *status;
	int64_t owner_id;
	size_t limit, offset;
} kb_desk_query;
int store_desk_list(store *st, kb_arena *a, const kb_desk_query *q, kb_article **out, size_t *n,
		    size_t *total);

typedef struct kb_revision {
	int64_t id, article_id, version, user_id, at;
	const char *kind, *user_name;
	const char *title, *summary, *body;
	const char *fields; /* JSON: the other fields of kb_article_input */
} kb_revision;
/* An article's revisions, newest first, without title/summary/body. */
int store_revision_list(store *st, kb_arena *a, int64_t article_id, kb_revision **out, size_t *n);
int store_revision_get(store *st, kb_arena *a, int64_t id, kb_revision *out);
/* Keeps an edit that lost a version conflict, so it is never lost. */
int store_revision_add_conflict(store *st, int64_t article_id, int64_t user_id, const kb_article_input *in);

typedef struct kb_audit {
	int64_t id, at, user_id, article_id;
	const char *action, *detail, *user_name, *article_title;
} kb_audit;
int store_audit_add(store *st, int64_t user_id, const char *action, int64_t article_id, const char *detail);
/* Newest first; article_id 0 = all. */
int store_audit_list(store *st, kb_arena *a, int64_t article_id, size_t limit, kb_audit **out, size_t *n);

/* Tags whose name or slug starts with prefix, most used first. */
int store_tag_suggest(store *st, kb_arena *a, const char *prefix, size_t limit, kb_tag **out, size_t *n);
/* Every tag with its number of articles in *counts (arena array). */
int store_tag_list(store *st, kb_arena *a, kb_tag **out, int64_t **counts, size_t *n);
int store_tag_rename(store *st, int64_t id, const char *name, const char *slug);
int store_category_update(store *st, int64_t id, const char *name, const char *slug, int position);

/*
 * Photos. Their bytes live in the database (media_files), so any server
 * serves any photo: the upload's as "original" until its derivatives
 * replace it, then each derivative by its name after the stem ("320.webp",
 * "1600.jpg", "social.jpg").
 *
 * store_media_add records an upload waiting to be processed, with its
 * bytes p[0..n), in one transaction (its own, or the caller's if one is
 * open).
 */
int store_media_add(store *st, const char *stem, const char *name, const char *type, const void *p, size_t n,
		    int64_t user_id, int64_t *id);
int store_media_get(store *st, kb_arena *a, int64_t id, kb_media *out);
/* Newest first; a tip's photos only once a draft took them over. */
int store_media_list(store *st, kb_arena *a, size_t limit, size_t offset, kb_media **out, size_t *n,
		     size_t *total);
/*
 * Claims the oldest pending photo that no claim holds at now (none, or one
 * whose until has passed): marks it with the token claim until until, for
 * process pid on host. One statement, so of two servers asking at once
 * exactly one gets a given photo. STORE_OK with its id, stem, name and
 * type in *out (the rest zero), or STORE_NOTFOUND.
 */
int store_media_claim(store *st, kb_arena *a, int64_t claim, int64_t now, int64_t until, int64_t pid,
		      const char *host, kb_media *out);
/* The claims on pending photos held at now by processes on host (at most
 * 100, an arena array), for a server that looks for the claims of its own
 * machine's dead processes. */
typedef struct kb_media_claim {
	int64_t id, claim, pid;
} kb_media_claim;
int store_media_claims_on(store *st, kb_arena *a, const char *host, int64_t now, kb_media_claim **out,
			  size_t *n);
/* Lets go of photo id's claim if it is still the token claim. */
int store_media_unclaim(store *st, int64_t id, int64_t claim);
/* The bytes of photo id's original into out: STORE_NOTFOUND when none is
 * stored (an upload from before photos lived in the database). */
int store_media_original(store *st, int64_t id, kb_buf *out);
typedef struct kb_media_file {
	const char *name; /* "320.webp", "social.jpg" */
	const void *data;
	size_t len;
} kb_media_file;
/*
 * Photo id is made: in one transaction, its files[0..n) are stored, its
 * original deleted and it is marked ready, if it is still pending under
 * the token claim (0 for a photo never claimed). STORE_NOTFOUND, and
 * nothing written, when it is not: deleted meanwhile (a reader's tip
 * deleted while its photo was being made) or taken over by another
 * server once the claim ran out.
 */
int store_media_ready(store *st, int64_t id, int64_t claim, int width, int height, const char *widths,
		      const kb_media_file *files, size_t n);
/* As store_media_ready, for a photo that cannot be made: marked failed
 * with error, its original deleted. */
int store_media_failed(store *st, int64_t id, int64_t claim, const char *error);
/* The bytes of the file name ("320.webp") of the ready photo stem into
 * out, or STORE_NOTFOUND. */
int store_media_file(store *st, const char *stem, const char *name, kb_buf *out);

/* Cache invalidation: the changes log written by triggers (see
 * src/render/cache.c). store_changes_last gives the newest seq (0 when
 * empty); store_changes_since the tags after seq, oldest first, at most
 * limit, with *first the oldest seq still in the log (to notice a gap). */
int store_changes_last(store *st, int64_t *seq);
int store_changes_since(store *st, kb_arena *a, int64_t seq, size_t limit, const char ***tags, int64_t **seqs,
			size_t *n, int64_t *first);
/*
 * Waits up to timeout_ms for another connection's committed change to be
 * announced (PostgreSQL's LISTEN khabar_changes: the triggers notify with
 * each logged change and each content_version bump). Returns 1 when one
 * was (or, on the first call, may have been: it starts listening and
 * returns at once), 0 when none came, STORE_LISTENING_AGAIN when st listens anew after
 * its connection was lost (announcements in between are gone: the caller
 * empties its caches), or STORE_ERROR (the server is unreachable: wait and
 * call again, which reconnects). A SQLite file announces nothing: the
 * call answers STORE_ERROR at once, and readers look at the log instead.
 */
#define STORE_LISTENING_AGAIN 2
/* Whether st's last failure was losing the database server (PostgreSQL
 * restarting or out of reach; st reconnects on its next statement). A
 * SQLite file is never out of reach. */
int store_unavailable(store *st);
int store_wait_change(store *st, int timeout_ms);
/*
 * A sliding-window limit shared by every process on the database: one take
 * of bucket ("tips", "push_subs"...) for key (16 bytes: an address, or
 * zeros for everyone) at now, when fewer than max were taken in the
 * window seconds before; *wait is then 0. Otherwise nothing is counted and
 * *wait is the seconds until there is room (at least 1). A refusal only
 * reads, so a flood of refused requests writes nothing.
 */
int store_rate_take(store *st, const char *bucket, const unsigned char key[16], int64_t max, int64_t window,
		    int64_t now, int64_t *wait);
/* What the search box suggests from (src/search/suggest.h): the newest
 * `headlines` published stories (kind 0, weight its publication time),
 * and every tag, category and author (kinds 1, 2, 3) with its number of
 * published stories as weight; text a headline or a name, slug for its
 * path. */
typedef struct kb_suggest_row {
	const char *text, *slug;
	int kind;
	int64_t weight;
} kb_suggest_row;
int store_suggest_source(store *st, kb_arena *a, size_t headlines, kb_suggest_row **out, size_t *n);
/* Forgets changes older than before (UTC seconds), login failures and
 * rate-limit takes a day older than that, the addresses accounts logged in
 * from 30 days older, and expired sessions. */
int store_prune(store *st, int64_t before);

/* PRAGMA integrity_check: "ok", or what is wrong, in *result. */
int store_integrity_check(store *st, kb_arena *a, const char **result);

/*
 * Full-text search, for a kb_search_query (src/search/query.h: a list of
 * terms, made by search_parse from what a reader typed).
 */
typedef struct kb_search_hit {
	kb_article article; /* without body and tags */
	/* An extract around the matches, plain text with \x01 before and
	 * \x02 after each matched word (the page turns them into <mark>). */
	const char *snippet;
	double score; /* lower is better */
} kb_search_hit;

/* What a search ranks and a reader pages through, on both backends: the
 * newest STORE_SEARCH_POOL matches. Counting further would cost a common
 * word every match on a big archive, so *total stops one past it:
 * STORE_SEARCH_POOL + 1 reads "more than STORE_SEARCH_POOL". */
#define STORE_SEARCH_POOL 300
/* Published articles matching q, best first; *total gets the number of
 * matches, up to STORE_SEARCH_POOL + 1. A query with no positive term
 * finds nothing. */
int store_search(store *st, kb_arena *a, const kb_search_query *q, kb_search_hit **out, size_t *n,
		 size_t *total);
/* Rebuilds the whole index from the articles and ends a pause; inside the
 * caller's transaction if one is open. */
int store_search_rebuild(store *st);
/* Builds the index again when it was built with other term rules than
 * this khabar's (SEARCH_TERMS_VERSION); store_open calls it. */
int store_search_terms_check(store *st);
/* Stops keeping the index in step, for a bulk load; call inside a
 * transaction that ends with store_search_rebuild(). */
int store_search_pause(store *st);

/* A bulk load (import, demo), inside the caller's one transaction:
 * store_bulk_begin stops keeping the search index, the change log and the
 * redirects' version bumps in step; store_bulk_end rebuilds the index once
 * and moves the content version, which empties every server's page cache.
 * A rollback in between undoes the pause with everything else. */
int store_bulk_begin(store *st);
int store_bulk_end(store *st);

/* An old path that now lives elsewhere: target and HTTP code (301/302). */
int store_redirect_find(store *st, kb_arena *a, const char *path, const char **target, int *code);
int store_redirect_add(store *st, const char *path, const char *target, int code);

/*
 * Bulk imports (src/importer). Each *_ensure finds a record by its name or
 * adds it (with a slug made from the name) and says which in *created, so a
 * second import of the same file adds nothing.
 */
int store_category_ensure(store *st, kb_arena *a, const char *name, kb_category *out, int *created);
/* Sets a category's parent (0: none); writes nothing when it already is. */
int store_category_set_parent(store *st, int64_t id, int64_t parent_id);
int store_tag_ensure(store *st, kb_arena *a, const char *name, kb_tag *out, int *created);
int store_author_ensure(store *st, kb_arena *a, const char *name, kb_author *out, int *created);
/* Adds a redirect unless path has one already (which is kept); *added
 * tells which. */
int store_redirect_add_new(store *st, const char *path, const char *target, int code, int *added);
/* Sets what store_article_add does not take: the time of the last change
 * (0: leave it), which a published story keeps as its dateModified (the
 * old site's word for it), and the sticky flag. */
int store_article_set_imported(store *st, int64_t id, int64_t updated_at, int sticky);
/* Keeps what an imported author's user account will need (source is
 * "wordpress"); an existing (source, login) is left alone. */
int store_account_pending_add(store *st, const char *source, const char *login, const char *email,
			      const char *display_name, int64_t author_id);
/* An imported account that has no newsroom user yet. */
typedef struct kb_import_account {
	const char *login, *email, *display_name;
	int64_t author_id;
} kb_import_account;
/* The accounts of source with no user yet, by login. */
int store_account_unlinked(store *st, kb_arena *a, const char *source, kb_import_account **out, size_t *n);
/* Adds a reporter with no password (none can log in until one is set)
 * standing for author_id (0: none); STORE_CONFLICT when login is taken. */
int store_user_add_imported(store *st, const char *login, const char *name, int64_t author_id, int64_t *id);
/* Records the user made for an imported account. */
int store_account_link(store *st, const char *source, const char *login, int64_t user_id);
/* Records an imported featured image (path inside the WordPress uploads
 * folder) and the media row it was queued as; replaces an earlier one of
 * the same article. */
int store_media_pending_add(store *st, int64_t article_id, const char *path, const char *alt,
			    const char *caption, int64_t media_id);
/* Sets an article's photo, and its caption when it has none. */
int store_article_set_media(store *st, int64_t id, int64_t media_id, const char *caption);
/* The slug of any article by id. */
int store_article_slug(store *st, kb_arena *a, int64_t id, const char **slug);
/* The newest published sticky article, or STORE_NOTFOUND. */
int store_article_sticky(store *st, kb_arena *a, kb_article *out);

/*
 * Feeds, sitemaps and the public API.
 *
 * store_article_seek: published articles newest first (published_at, then
 * id, both descending), filtered, and strictly older than the keyset cursor
 * (before_at, before_id) when before_at is not 0, so paging stays stable
 * while new stories arrive.
 */
typedef struct kb_article_seek {
	int64_t category_id, tag_id;  /* 0 = any */
	int64_t since;                /* published at or after (UTC seconds); 0 = any */
	int64_t before_at, before_id; /* cursor: the last article of the previous page */
	size_t limit;
	int with_body, with_tags;
} kb_article_seek;

int store_article_seek(store *st, kb_arena *a, const kb_article_seek *q, kb_article **out, size_t *n);

/* What a sitemap needs of a published article (modified_at as in
 * kb_article). */
typedef struct kb_article_url {
	const char *slug;
	int64_t published_at, modified_at;
} kb_article_url;

/* Published articles in id order (so a sitemap file keeps its articles as
 * new ones arrive), limit from offset. */
int store_article_urls(store *st, kb_arena *a, size_t offset, size_t limit, kb_article_url **out, size_t *n);
/* Authors with at least one published article, in id order. */
int store_author_list(store *st, kb_arena *a, kb_author **out, size_t *n);

#endif
