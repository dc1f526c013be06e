/*
 * importer.h: bringing another site's content into khabar. Today that is
 * WordPress: its export file (WXR) read as a stream (wxr.c), post HTML
 * turned into khabar's Markdown (html_md.c), and the mapping of posts,
 * terms, authors and old URLs onto the store (wordpress.c). The command
 * line, the progress line and the printed report live in src/cli/import.c.
 */
#ifndef KB_IMPORTER_H
#define KB_IMPORTER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../core/core.h"
#include "../db/store.h"

/* ---- HTML to Markdown (html_md.c; no I/O, safe from any thread) ---- */

/*
 * Appends to out the Markdown for an HTML fragment (a post body), keeping
 * only what a news story needs: paragraphs, links, emphasis, headings
 * (h1-h6 become levels 2-4), lists, blockquotes, images with alt text,
 * figures with their caption, tables (as GFM tables), code and line breaks.
 * Scripts, styles, forms, event attributes and iframes go; embeds of
 * YouTube, X/Twitter, Facebook and Instagram become plain links; WordPress
 * block comments are dropped. Text without <p> (the classic editor) gets
 * paragraphs at blank lines, as WordPress's wpautop would. Links and
 * images keep only http(s), mailto and site-relative URLs. Every character
 * Markdown would read as syntax is escaped, so the result renders to the
 * same text. Never fails: bad HTML is read as browsers would.
 */
void import_html_to_md(kb_buf *out, const char *html, size_t n);

/* Appends the text of an HTML fragment (an excerpt), tags dropped and
 * white space collapsed. */
void import_html_to_text(kb_buf *out, const char *html, size_t n);

/* ---- the WXR reader (wxr.c) ---- */

typedef struct wxr_author {
	const char *id, *login, *email, *display_name, *first_name, *last_name;
} wxr_author;

/* A category (<wp:category>) or tag (<wp:tag>). Slugs are as in the file
 * (often percent-encoded UTF-8). */
typedef struct wxr_term {
	int is_tag;
	const char *id, *slug, *parent_slug, *name;
} wxr_term;

/* A category or tag an item is filed under. */
typedef struct wxr_item_term {
	int is_tag;
	const char *slug, *name;
} wxr_item_term;

typedef struct wxr_item {
	const char *title, *link, *pub_date, *creator, *content, *excerpt;
	const char *post_id, *post_date, *post_date_gmt, *modified_gmt;
	const char *post_name, *status, *post_type, *parent;
	const char *attachment_url, *attached_file, *image_alt; /* attachments */
	const char *thumbnail_id;                               /* posts */
	int sticky;
	size_t ncomments;
	wxr_item_term *terms;
	size_t nterms;
	/* Left NULL by the reader; the handler's prepare may fill them. */
	const char *body_md, *summary_text;
} wxr_item;

/* What the reader calls; each returns 0 to go on or -1 to stop (the reader
 * then returns -1 with the callback's own message left to the caller).
 * Records live in an arena cleared after each call. */
typedef struct wxr_handler {
	void *ud;
	int (*author)(void *ud, const wxr_author *a);
	int (*term)(void *ud, const wxr_term *t);
	int (*item)(void *ud, const wxr_item *it);
	/* Called after every record with the bytes read so far; may be NULL. */
	void (*progress)(void *ud, uint64_t bytes);
	/* May be NULL. When set, the file is read ahead on a second thread,
	 * which calls prepare on each item (allocating in a, the item's own
	 * arena) before item sees it; the other callbacks still run on the
	 * caller's thread, in file order. prepare runs alongside them, so it
	 * must touch nothing they change (converting the HTML is its job). */
	void (*prepare)(void *ud, wxr_item *it, kb_arena *a);
} wxr_handler;

/*
 * Reads the WXR file at path as a stream (libxml2's xmlReader, one record
 * expanded at a time), so memory stays flat however big the file. Returns
 * 0; 1 when the file is not XML or not a WordPress export, declares an
 * entity or names an outside DTD (refused before any record is read), or
 * passes libxml2's size limits, with "line N: message" in err (the first
 * error, with its line); or -1 when a callback stopped it.
 */
int wxr_read(const char *path, const wxr_handler *h, char *err, size_t errlen);

/* ---- WordPress to khabar (wordpress.c) ---- */

typedef struct import_opts {
	const char *file;
	const char *media_dir; /* wp-content/uploads, or NULL */
	FILE *progress;        /* progress line target, or NULL */
	const char *base_url;  /* the site's, for the set-password links */
	/* Makes the set-password link of a new user, appending its path to
	 * path; 0, or -1 on a store error. khabar import passes
	 * session_password_link (src/http/session.h). */
	int (*password_link)(store *st, int64_t user_id, int64_t now, kb_buf *path);
} import_opts;

/* Why something was not imported: one counter per reason. */
enum import_skip {
	SKIP_ALREADY,     /* imported by an earlier run */
	SKIP_TYPE,        /* a post type khabar has no place for */
	SKIP_STATUS,      /* trash, auto-draft, inherit... */
	SKIP_EMPTY,       /* no title and no body */
	SKIP_COMMENTS,    /* comments are not imported */
	SKIP_DEFAULT_CAT, /* WordPress's "Uncategorized" */
	SKIP_COUNT
};

typedef struct import_report {
	size_t posts, pages, drafts, authors, categories, tags, redirects;
	size_t attachments, images, images_missing;
	size_t skipped[SKIP_COUNT];
	/* Types skipped, "nav_menu_item 12, wp_block 3" (at most a few). */
	kb_buf skipped_types;
	/* Authors' new users: "login: URL" of each set-password link. */
	size_t users;
	kb_buf links;
	/* One line per featured image not found under --media-dir. */
	kb_buf missing;
	size_t items; /* records read, for the rate */
	double seconds;
	double index_seconds; /* of which building the search index */
	uint64_t bytes, total_bytes;
} import_report;

/*
 * Imports the export at o->file into st in one transaction, with the
 * search index rebuilt once at the end. Running it again on the same file
 * changes nothing; a later export adds only the new posts. On any error
 * nothing is stored and -1 is returned with the reason in err (the line,
 * for a broken file); else 0 with the counts in *r (free with
 * import_report_free).
 */
int import_wordpress(store *st, const import_opts *o, import_report *r, char *err, size_t errlen);
void import_report_free(import_report *r);

#endif
