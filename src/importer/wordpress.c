/*
 * wordpress.c: a WordPress export onto khabar's store. The reader (wxr.c)
 * hands over one record at a time; this file decides what each becomes and
 * which old URLs point at it. It does no parsing of XML and no printing
 * beyond the progress line (the report is printed by src/cli/import.c).
 *
 * Decisions (README, "Moving from WordPress", says the same for owners):
 * - One transaction for the whole file: a broken file or a failed write
 *   leaves the database as it was. The search index and the cache's change
 *   log are paused at the first new article (store_bulk_begin); the index
 *   is rebuilt once at the end and every cached page dropped.
 * - Idempotence: every imported post gets the redirect "/?p=ID"; a post
 *   whose "/?p=ID" exists was imported before and is skipped. Categories,
 *   tags and authors are found by name before being added; redirects never
 *   overwrite. A second run of the same file writes nothing.
 * - Status: publish -> published, draft -> draft, pending -> review,
 *   future -> scheduled (at its date), private -> draft (it was not public).
 *   trash, auto-draft and inherit are skipped.
 * - Dates: post_date_gmt (UTC); a draft's "0000-00-00" means no date.
 * - Pages become static pages (pages_store.h) at /page/SLUG, the slug
 *   made from post_name (Hindi ones transliterated, as for articles):
 *   published if they were, else drafts. A page whose slug is one of
 *   khabar init's samples that nobody has touched takes its place (the
 *   site's own privacy policy over the sample); another taken slug gets
 *   -2, -3... Pages are not in the footer until an editor puts them there.
 * - Categories: a khabar article has one category: the first WordPress
 *   category other than the default "Uncategorized" (which is not
 *   imported); the others become tags. Parents are kept.
 * - Post bodies become Markdown (html_md.c says why).
 * - Authors go into the authors table by display name, and their accounts
 *   (login, email, display name) into import_accounts; at the end each
 *   account without a user gets a password-less reporter standing for the
 *   author and a one-time set-password link (make_users), made by the
 *   caller's import_opts.password_link.
 * - Featured images: _thumbnail_id -> the attachment -> its file under
 *   --media-dir, queued like an upload (media_intake: its bytes into the
 *   database) and set as the article's photo; a server's photo job makes
 *   the sizes. import_media records it. A missing file, or
 *   one that is not a photo, is reported by name.
 * - Old URLs, stored percent-decoded without the trailing slash (the
 *   server decodes and strips before looking up): the permalink of each
 *   post (its <link>) and /POST_NAME, /?p=ID (and /?page_id=ID), each
 *   category (also by its parent path), tag and author page with their
 *   feeds, /?cat=, /?tag=, /?author=, and the site's feed variants.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../db/pages_store.h"
#include "../media/media.h"
#include "../render/escape.h"
#include "../text/text.h"
#include "importer.h"

/* ---- a small string map for terms, authors and attachments ---- */

typedef struct smap {
	const char **keys;
	void **vals;
	size_t cap, n;
} smap;

static size_t slot(const smap *m, const char *k)
{
	size_t i = (size_t)kb_hash64(k, strlen(k)) & (m->cap - 1);
	while (m->keys[i] && strcmp(m->keys[i], k))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void *smap_get(const smap *m, const char *k)
{
	if (!m->cap)
		return NULL;
	size_t i = slot(m, k);
	return m->keys[i] ? m->vals[i] : NULL;
}

/* key must outlive the map (arena). */
static void smap_put(smap *m, const char *k, void *v)
{
	if (2 * (m->n + 1) > m->cap) {
		smap old = *m;
		m->cap = old.cap ? 2 * old.cap : 64;
		m->keys = kb_calloc(m->cap, sizeof *m->keys);
		m->vals = kb_calloc(m->cap, sizeof *m->vals);
		m->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.keys[i])
				smap_put(m, old.keys[i], old.vals[i]);
		free(old.keys);
		free(old.vals);
	}
	size_t i = slot(m, k);
	if (!m->keys[i])
		m->n++;
	m->keys[i] = k;
	m->vals[i] = v;
}

static void smap_free(smap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

/* ---- state ---- */

typedef struct cat {
	const char *slug; /* khabar's */
	const char *path; /* WordPress's, decoded: "parent/child" */
	int64_t id;
} cat;

typedef struct attachment {
	const char *file, *alt, *caption;
} attachment;

typedef struct thumb {
	int64_t article_id;
	const char *post_id, *attachment_id;
} thumb;

typedef struct wp {
	store *st;
	const import_opts *o;
	import_report *r;
	char *err;
	size_t errlen;
	kb_arena keep; /* maps' keys and values, for the whole run */
	smap cats, tags, authors, attachments;
	thumb *thumbs; /* featured images to resolve at the end */
	size_t nthumbs, capthumbs;
	int paused;
	/* skipped post types, with counts */
	const char *types[16];
	size_t type_count[16];
	size_t ntypes;
	uint64_t t0, last_progress;
} wp;

static int db_fail(wp *w)
{
	snprintf(w->err, w->errlen, "%s", store_errmsg(w->st));
	return -1;
}

/* Decodes a WordPress slug or path ("%e0%a4%a6%e0%a5%87%e0%a4%b6") into the
 * arena; NULL when it is not valid percent-encoding of UTF-8. */
static const char *decode(kb_arena *a, const char *s, size_t n)
{
	kb_buf b = {0};
	const char *r = NULL;
	if (!url_decode(&b, s, n, 0) && kb_utf8_valid(kb_buf_str(&b), b.len, NULL) &&
	    !memchr(kb_buf_str(&b), 0, b.len))
		r = kb_arena_strndup(a, kb_buf_str(&b), b.len);
	kb_buf_free(&b);
	return r;
}

/* Adds the redirect path -> target (paths as the server looks them up:
 * decoded, no trailing slash); counts it when new. */
static int redirect(wp *w, const char *path, const char *target)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	kb_arena a = {0};
	const char *p = kb_arena_strndup(&a, path, n);
	int added = 0, rc = 0;
	if (n && p[0] == '/' && strcmp(p, target) && strcmp(p, "/")) {
		rc = store_redirect_add_new(w->st, p, target, 301, &added);
		w->r->redirects += (size_t)added;
	}
	kb_arena_free(&a);
	return rc ? db_fail(w) : 0;
}

/* The path of a URL ("http://host/a/b/?x" -> "/a/b/?x"), or NULL. */
static const char *url_path(const char *u)
{
	const char *p = strstr(u, "://");
	if (!p)
		return *u == '/' ? u : NULL;
	p = strchr(p + 3, '/');
	return p;
}

/* "2025-11-05 10:00:00" as UTC seconds; 0 for WordPress's zero date or
 * anything unreadable. */
static int64_t gmt(const char *s)
{
	struct tm tm = {0};
	int y, mo, d, h, mi, sec;
	if (sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6 || y < 1970 || mo < 1 ||
	    mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return 0;
	tm.tm_year = y - 1900, tm.tm_mon = mo - 1, tm.tm_mday = d;
	tm.tm_hour = h, tm.tm_min = mi, tm.tm_sec = sec;
	return (int64_t)timegm(&tm);
}

/* ---- progress ---- */

static void progress(void *ud, uint64_t bytes)
{
	wp *w = ud;
	w->r->items++;
	w->r->bytes = bytes;
	if (!w->o->progress)
		return;
	uint64_t now = kb_mono_ns();
	if (now - w->last_progress < 250000000ULL)
		return;
	w->last_progress = now;
	double secs = (double)(now - w->t0) / 1e9;
	size_t done = w->r->posts + w->r->pages + w->r->skipped[SKIP_ALREADY];
	double rate = secs > 0 ? (double)done / secs : 0;
	double frac = w->r->total_bytes ? (double)bytes / (double)w->r->total_bytes : 0;
	long left = frac > 0.001 ? (long)(secs / frac - secs) : -1;
	fprintf(w->o->progress,
		"\rkhabar import: %zu posts, %zu pages, %zu skipped; %.0f%% of %.1f MB; %.0f/s", w->r->posts,
		w->r->pages,
		w->r->skipped[SKIP_ALREADY] + w->r->skipped[SKIP_TYPE] + w->r->skipped[SKIP_STATUS],
		frac * 100, (double)w->r->total_bytes / 1e6, rate);
	if (left >= 0)
		fprintf(w->o->progress, "; %ld:%02ld left   ", left / 60, left % 60);
	fflush(w->o->progress);
}

/* ---- records ---- */

static int on_author(void *ud, const wxr_author *au)
{
	wp *w = ud;
	kb_arena a = {0};
	const char *name = *au->display_name ? au->display_name : au->login;
	if (!*name) {
		kb_arena_free(&a);
		return 0;
	}
	kb_author k;
	int created, rc = store_author_ensure(w->st, &a, name, &k, &created);
	if (!rc)
		rc = store_account_pending_add(w->st, "wordpress", au->login, au->email, name, k.id);
	if (rc) {
		kb_arena_free(&a);
		return db_fail(w);
	}
	w->r->authors += (size_t)created;
	smap_put(&w->authors, kb_arena_strdup(&w->keep, au->login), kb_arena_strdup(&w->keep, name));
	/* WordPress's author URLs use the nicename: the login, lower case,
	 * spaces as hyphens (the export has no nicename of its own). */
	kb_buf nice = {0};
	for (const char *p = au->login; *p; p++)
		kb_buf_putc(&nice, *p == ' ' ? '-' : (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : *p);
	const char *target = kb_arena_printf(&a, "/author/%s", k.slug);
	int bad = nice.len && (redirect(w, kb_arena_printf(&a, "/author/%s", nice.data), target) ||
			       redirect(w, kb_arena_printf(&a, "/author/%s/feed", nice.data),
					kb_arena_printf(&a, "%s/feed", target)));
	if (!bad && *au->id)
		bad = redirect(w, kb_arena_printf(&a, "/?author=%s", au->id), target);
	kb_buf_free(&nice);
	kb_arena_free(&a);
	return bad ? -1 : 0;
}

static int on_term(void *ud, const wxr_term *t)
{
	wp *w = ud;
	kb_arena a = {0};
	int rc = 0;
	const char *dec = decode(&a, t->slug, strlen(t->slug));
	if (!dec || !*dec || !*t->name)
		goto out;
	if (t->is_tag) {
		kb_tag k;
		int created;
		if (store_tag_ensure(w->st, &a, t->name, &k, &created)) {
			rc = db_fail(w);
			goto out;
		}
		w->r->tags += (size_t)created;
		const char *target = kb_arena_printf(&a, "/tag/%s", k.slug);
		rc = redirect(w, kb_arena_printf(&a, "/tag/%s", dec), target) ||
		     redirect(w, kb_arena_printf(&a, "/tag/%s/feed", dec),
			      kb_arena_printf(&a, "%s/feed", target)) ||
		     redirect(w, kb_arena_printf(&a, "/?tag=%s", dec), target);
		goto out;
	}
	if (!strcmp(t->slug, "uncategorized")) {
		/* WordPress's default category: not a section of the site. */
		w->r->skipped[SKIP_DEFAULT_CAT]++;
		rc = redirect(w, "/category/uncategorized", "/");
		goto out;
	}
	kb_category k;
	int created;
	if (store_category_ensure(w->st, &a, t->name, &k, &created)) {
		rc = db_fail(w);
		goto out;
	}
	w->r->categories += (size_t)created;
	cat *parent = *t->parent_slug ? smap_get(&w->cats, t->parent_slug) : NULL;
	if (parent && store_category_set_parent(w->st, k.id, parent->id)) {
		rc = db_fail(w);
		goto out;
	}
	cat *c = kb_arena_alloc(&w->keep, sizeof *c);
	c->id = k.id;
	c->slug = kb_arena_strdup(&w->keep, k.slug);
	c->path = parent ? kb_arena_printf(&w->keep, "%s/%s", parent->path, dec)
			 : kb_arena_strdup(&w->keep, dec);
	smap_put(&w->cats, kb_arena_strdup(&w->keep, t->slug), c);
	const char *target = kb_arena_printf(&a, "/category/%s", k.slug);
	const char *feed = kb_arena_printf(&a, "%s/feed", target);
	rc = redirect(w, kb_arena_printf(&a, "/category/%s", dec), target) ||
	     redirect(w, kb_arena_printf(&a, "/category/%s/feed", dec), feed) ||
	     (parent && (redirect(w, kb_arena_printf(&a, "/category/%s", c->path), target) ||
			 redirect(w, kb_arena_printf(&a, "/category/%s/feed", c->path), feed))) ||
	     (*t->id && redirect(w, kb_arena_printf(&a, "/?cat=%s", t->id), target));
out:
	kb_arena_free(&a);
	return rc ? -1 : 0;
}

static void skip_type(wp *w, const char *type)
{
	w->r->skipped[SKIP_TYPE]++;
	for (size_t i = 0; i < w->ntypes; i++)
		if (!strcmp(w->types[i], type)) {
			w->type_count[i]++;
			return;
		}
	if (w->ntypes < KB_COUNT(w->types)) {
		w->types[w->ntypes] = kb_arena_strdup(&w->keep, *type ? type : "(none)");
		w->type_count[w->ntypes++] = 1;
	}
}

static const char *map_status(const char *s)
{
	static const char *const map[][2] = {
		{"publish", "published"}, {"draft", "draft"},   {"pending", "review"},
		{"future", "scheduled"},  {"private", "draft"},
	};
	for (size_t i = 0; i < KB_COUNT(map); i++)
		if (!strcmp(s, map[i][0]))
			return map[i][1];
	return NULL;
}

static int post_redirects(wp *w, kb_arena *a, const wxr_item *it, const char *target, int page)
{
	if (redirect(w, kb_arena_printf(a, "/?p=%s", it->post_id), target))
		return -1;
	if (page && redirect(w, kb_arena_printf(a, "/?page_id=%s", it->post_id), target))
		return -1;
	const char *p = url_path(it->link);
	if (p && !strchr(p, '?') && !strchr(p, '#')) {
		const char *dec = decode(a, p, strlen(p));
		if (dec && redirect(w, dec, target))
			return -1;
	}
	if (*it->post_name) {
		const char *dec = decode(a, it->post_name, strlen(it->post_name));
		if (dec && !strchr(dec, '/') && *dec && redirect(w, kb_arena_printf(a, "/%s", dec), target))
			return -1;
	}
	return 0;
}

/* On the reading thread (wxr_handler.prepare): a post's or page's HTML
 * converted before on_item sees it, while on_item stores the one before.
 * Pure: it reads nothing of the import's state. */
static void prepare(void *ud, wxr_item *it, kb_arena *a)
{
	if ((strcmp(it->post_type, "post") && strcmp(it->post_type, "page")) || !map_status(it->status))
		return;
	kb_buf b = {0};
	import_html_to_md(&b, it->content, strlen(it->content));
	it->body_md = kb_arena_strndup(a, kb_buf_str(&b), b.len);
	kb_buf_reset(&b);
	import_html_to_text(&b, it->excerpt, strlen(it->excerpt));
	it->summary_text = kb_arena_strndup(a, kb_buf_str(&b), b.len);
	kb_buf_free(&b);
}

/* Stores a WordPress page as a static page with body (Markdown) and
 * status (khabar's), and points its old URLs at it. 0, or -1 (the
 * store's error recorded by the caller). */
static int import_page(wp *w, kb_arena *a, const wxr_item *it, const char *body, const char *status)
{
	const char *name = *it->post_name ? decode(a, it->post_name, strlen(it->post_name)) : NULL;
	const char *from = name && *name ? name : it->title;
	kb_buf base = {0};
	text_slug(&base, from, strlen(from), 60);
	if (!base.len)
		text_slug(&base, it->title, strlen(it->title), 60);
	if (!base.len)
		kb_buf_printf(&base, "page-%s", it->post_id);
	int64_t when = gmt(it->post_date_gmt);
	kb_page_input in = {
		.title = *it->title ? it->title : "बिना शीर्षक",
		.body = body,
		.status = strcmp(status, "published") ? "draft" : "published",
		.slug = kb_arena_strndup(a, kb_buf_str(&base), base.len),
	};
	int64_t id;
	int rc = pages_store_add(w->st, &in, 0, when ? when : kb_now(), &id);
	if (rc == STORE_CONFLICT) {
		rc = pages_store_replace_sample(w->st, &in, when ? when : kb_now(), &id);
		for (int i = 2; rc == STORE_NOTFOUND && i < 1000; i++) {
			in.slug = kb_arena_printf(a, "%s-%d", kb_buf_str(&base), i);
			rc = pages_store_add(w->st, &in, 0, when ? when : kb_now(), &id);
			if (rc == STORE_CONFLICT)
				rc = STORE_NOTFOUND;
		}
	}
	kb_buf_free(&base);
	if (rc)
		return -1;
	return post_redirects(w, a, it, kb_arena_printf(a, "/page/%s", in.slug), 1);
}

static int on_item(void *ud, const wxr_item *it)
{
	wp *w = ud;
	import_report *r = w->r;
	r->skipped[SKIP_COMMENTS] += it->ncomments;
	if (!strcmp(it->post_type, "attachment")) {
		r->attachments++;
		attachment *at = kb_arena_alloc(&w->keep, sizeof *at);
		const char *file = it->attached_file;
		if (!*file) { /* older exports: the file only in the URL */
			const char *u = strstr(it->attachment_url, "/uploads/");
			file = u ? u + 9 : "";
		}
		at->file = kb_arena_strdup(&w->keep, file);
		at->alt = kb_arena_strdup(&w->keep, it->image_alt);
		at->caption = kb_arena_strdup(&w->keep, it->excerpt);
		smap_put(&w->attachments, kb_arena_strdup(&w->keep, it->post_id), at);
		return 0;
	}
	int page = !strcmp(it->post_type, "page");
	if (!page && strcmp(it->post_type, "post")) {
		skip_type(w, it->post_type);
		return 0;
	}
	const char *status = map_status(it->status);
	if (!status) {
		r->skipped[SKIP_STATUS]++;
		return 0;
	}
	if (!*it->title && !*it->content) {
		r->skipped[SKIP_EMPTY]++;
		return 0;
	}
	kb_arena a = {0};
	const char *target, *slug;
	int code, rc = -1;
	const char *key = kb_arena_printf(&a, "/?p=%s", it->post_id);
	int found = store_redirect_find(w->st, &a, key, &target, &code);
	if (found == STORE_OK) {
		r->skipped[SKIP_ALREADY]++;
		kb_arena_free(&a);
		return 0;
	}
	if (found == STORE_ERROR)
		goto db;
	if (!w->paused) {
		if (store_bulk_begin(w->st))
			goto db;
		w->paused = 1;
	}
	kb_buf body = {0}, summary = {0};
	if (!it->body_md) { /* not read ahead */
		import_html_to_md(&body, it->content, strlen(it->content));
		import_html_to_text(&summary, it->excerpt, strlen(it->excerpt));
	}
	const char *body_md = it->body_md ? it->body_md : kb_buf_str(&body);
	const char *summary_text = it->summary_text ? it->summary_text : kb_buf_str(&summary);
	if (page) {
		if (import_page(w, &a, it, body_md, status))
			goto db_free;
		r->pages++;
		rc = 0;
		goto out_free;
	}

	/* One category; the others become tags. */
	const char *category = NULL;
	const char **tags = kb_arena_alloc(&a, (it->nterms + 1) * sizeof *tags);
	size_t ntags = 0;
	for (size_t i = 0; i < it->nterms; i++) {
		const wxr_item_term *t = &it->terms[i];
		if (t->is_tag) {
			tags[ntags++] = t->name;
			continue;
		}
		if (page || !strcmp(t->slug, "uncategorized"))
			continue;
		cat *c = smap_get(&w->cats, t->slug);
		if (!c && *t->name) { /* not declared in the header: by name */
			kb_category k;
			int created;
			if (store_category_ensure(w->st, &a, t->name, &k, &created))
				goto db_free;
			r->categories += (size_t)created;
			c = kb_arena_alloc(&w->keep, sizeof *c);
			c->id = k.id;
			c->slug = kb_arena_strdup(&w->keep, k.slug);
			c->path = "";
			smap_put(&w->cats, kb_arena_strdup(&w->keep, t->slug), c);
		}
		if (!c)
			continue;
		if (!category)
			category = c->slug;
		else
			tags[ntags++] = t->name;
	}
	const char *author = smap_get(&w->authors, it->creator);
	if (!author && *it->creator)
		author = it->creator;
	kb_article_input in = {
		.title = *it->title ? it->title : "बिना शीर्षक",
		.summary = summary_text,
		.body = body_md,
		.status = page ? "draft" : status,
		.published_at = gmt(it->post_date_gmt),
		.category_slug = category,
		.author_name = author,
		.tags = tags,
		.ntags = ntags,
	};
	if (!in.published_at && !strcmp(in.status, "published"))
		in.published_at = gmt(it->post_date); /* no GMT date: take the local one */
	int64_t id;
	if (store_article_add(w->st, &in, &id) ||
	    store_article_set_imported(w->st, id, gmt(it->modified_gmt), it->sticky) ||
	    store_article_slug(w->st, &a, id, &slug))
		goto db_free;
	if (post_redirects(w, &a, it, kb_arena_printf(&a, "/news/%s", slug), page))
		goto out_free;
	if (page)
		r->pages++;
	else
		r->posts++;
	if (!page && strcmp(in.status, "published"))
		r->drafts++;
	if (*it->thumbnail_id) {
		if (w->nthumbs == w->capthumbs) {
			w->capthumbs = w->capthumbs ? 2 * w->capthumbs : 64;
			w->thumbs = kb_realloc(w->thumbs, w->capthumbs * sizeof *w->thumbs);
		}
		thumb *t = &w->thumbs[w->nthumbs++];
		t->article_id = id;
		t->post_id = kb_arena_strdup(&w->keep, it->post_id);
		t->attachment_id = kb_arena_strdup(&w->keep, it->thumbnail_id);
	}
	rc = 0;
	goto out_free;
db_free:
	db_fail(w);
out_free:
	kb_buf_free(&body);
	kb_buf_free(&summary);
	kb_arena_free(&a);
	return rc;
db:
	kb_arena_free(&a);
	return db_fail(w);
}

/* ---- featured images ---- */

/* A relative path inside the uploads folder: no "..", not absolute. */
static int safe_rel(const char *p)
{
	if (!*p || *p == '/')
		return 0;
	for (const char *s = p; *s; s++)
		if (s[0] == '.' && s[1] == '.' && (s == p || s[-1] == '/') && (s[2] == '/' || !s[2]))
			return 0;
	return 1;
}

/* Reads the whole file at path into out (at most max + 1 bytes, so a
 * bigger file is seen as too big without reading it all). */
static int slurp(const char *path, size_t max, kb_buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char buf[65536];
	ssize_t n;
	while (out->len <= max && (n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return -1;
		}
		kb_buf_append(out, buf, (size_t)n);
	}
	close(fd);
	return 0;
}

static int resolve_images(wp *w)
{
	import_report *r = w->r;
	for (size_t i = 0; i < w->nthumbs; i++) {
		const thumb *t = &w->thumbs[i];
		attachment *at = smap_get(&w->attachments, t->attachment_id);
		kb_arena a = {0};
		if (!at || !safe_rel(at->file)) {
			r->images_missing++;
			kb_buf_printf(&r->missing, "post %s: featured image %s is not in the export\n",
				      t->post_id, t->attachment_id);
		} else if (!w->o->media_dir) {
			r->images_missing++;
			kb_buf_printf(&r->missing, "post %s: %s not copied: no --media-dir given\n",
				      t->post_id, at->file);
		} else {
			/* Queued exactly like an upload (media_intake: checked, recorded
			 * pending with its bytes, in the import's transaction); a
			 * server's photo job makes the sizes and strips the metadata. */
			const char *from = kb_arena_printf(&a, "%s/%s", w->o->media_dir, at->file);
			const char *base = strrchr(at->file, '/');
			struct stat sb;
			kb_buf bytes = {0};
			char why[300];
			int64_t media_id = 0;
			int status = 0;
			if (stat(from, &sb) || !S_ISREG(sb.st_mode)) {
				r->images_missing++;
				kb_buf_printf(&r->missing, "post %s: missing file %s\n", t->post_id, from);
			} else if (slurp(from, MEDIA_MAX_BYTES, &bytes)) {
				snprintf(w->err, w->errlen, "cannot read %s: %s", from, strerror(errno));
				kb_buf_free(&bytes);
				kb_arena_free(&a);
				return -1;
			} else if ((status = media_intake(w->st, 0, base ? base + 1 : at->file, bytes.data,
							  bytes.len, &media_id, why, sizeof why)) == 500) {
				snprintf(w->err, w->errlen, "cannot queue %s for the photo pipeline: %s",
					 from, why);
				kb_buf_free(&bytes);
				kb_arena_free(&a);
				return -1;
			} else if (status) {
				r->images_missing++;
				kb_buf_printf(&r->missing, "post %s: %s is not a usable photo: %s\n",
					      t->post_id, from, why);
			} else if (store_media_pending_add(w->st, t->article_id, at->file, at->alt,
							   at->caption, media_id) ||
				   store_article_set_media(w->st, t->article_id, media_id, at->caption)) {
				kb_buf_free(&bytes);
				kb_arena_free(&a);
				return db_fail(w);
			} else {
				r->images++;
			}
			kb_buf_free(&bytes);
		}
		kb_arena_free(&a);
	}
	return 0;
}

/* ---- authors' accounts ---- */

/* A newsroom login from a WordPress one: what "khabar user" accepts
 * (a-z, A-Z, 0-9, '.', '_', '-'; at most 50 here, so a suffix fits),
 * other bytes as '-'. */
static void login_from(kb_buf *out, const char *wp_login)
{
	for (const char *p = wp_login; *p && out->len < 50; p++) {
		unsigned char c = (unsigned char)*p;
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			 c == '.' || c == '_' || c == '-';
		kb_buf_putc(out, ok ? (char)c : '-');
	}
	if (!out->len)
		kb_buf_puts(out, "author");
}

/* Makes a password-less reporter for each imported account that has no
 * user yet, standing for its author, and a set-password link for each
 * (in r->links). A login already taken by another user gets "-wp" (then
 * "-wp2"...) rather than that user: a link must never reach an account
 * the import did not make. */
static int make_users(wp *w)
{
	import_report *r = w->r;
	kb_arena a = {0};
	kb_import_account *v;
	size_t n;
	int rc = store_account_unlinked(w->st, &a, "wordpress", &v, &n) ? -1 : 0;
	for (size_t i = 0; !rc && i < n; i++) {
		kb_buf login = {0}, path = {0};
		login_from(&login, v[i].login);
		size_t base = login.len;
		int64_t id = 0;
		int st = STORE_CONFLICT;
		for (int k = 1; st == STORE_CONFLICT && k < 10; k++) {
			if (k > 1) {
				login.len = base;
				login.data[base] = 0;
				kb_buf_printf(&login, k == 2 ? "-wp" : "-wp%d", k - 1);
			}
			st = store_user_add_imported(w->st, login.data,
						     *v[i].display_name ? v[i].display_name : login.data,
						     v[i].author_id, &id);
		}
		if (st == STORE_CONFLICT) {
			kb_buf_printf(&r->links, "%s: no user made: its login is taken\n", v[i].login);
		} else if (st || store_account_link(w->st, "wordpress", v[i].login, id) ||
			   w->o->password_link(w->st, id, kb_now(), &path)) {
			rc = -1;
		} else {
			r->users++;
			kb_buf_printf(&r->links, "%s: %s%s\n", login.data,
				      w->o->base_url ? w->o->base_url : "", path.data);
		}
		kb_buf_free(&login);
		kb_buf_free(&path);
	}
	kb_arena_free(&a);
	return rc ? db_fail(w) : 0;
}

/* ---- the whole run ---- */

int import_wordpress(store *st, const import_opts *o, import_report *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	wp w = {.st = st, .o = o, .r = r, .err = err, .errlen = errlen};
	w.t0 = kb_mono_ns();
	struct stat sb;
	if (stat(o->file, &sb)) {
		snprintf(err, errlen, "cannot read %s: %s", o->file, strerror(errno));
		return -1;
	}
	r->total_bytes = (uint64_t)sb.st_size;
	wxr_handler h = {&w, on_author, on_term, on_item, progress, prepare};
	int rc = store_begin(st) ? db_fail(&w) : 0;
	if (!rc) {
		char xerr[400];
		int x = wxr_read(o->file, &h, xerr, sizeof xerr);
		if (x > 0)
			snprintf(err, errlen, "%s: %s", o->file, xerr);
		rc = x ? -1 : 0;
	}
	if (!rc)
		rc = resolve_images(&w);
	if (!rc)
		rc = make_users(&w);
	/* The site's own feeds under WordPress's other names. */
	static const char *const feeds[][2] = {
		{"/feed/rss2", "/feed"},     {"/feed/rss", "/feed"},   {"/feed/rdf", "/feed"},
		{"/comments/feed", "/feed"}, {"/?feed=rss2", "/feed"}, {"/?feed=atom", "/feed/atom"},
	};
	for (size_t i = 0; !rc && i < KB_COUNT(feeds); i++)
		rc = redirect(&w, feeds[i][0], feeds[i][1]);
	uint64_t t_index = kb_mono_ns();
	if (!rc && w.paused && store_bulk_end(st))
		rc = db_fail(&w);
	r->index_seconds = (double)(kb_mono_ns() - t_index) / 1e9;
	if (!rc && store_commit(st))
		rc = db_fail(&w);
	if (rc)
		store_rollback(st);
	if (o->progress && r->items)
		fputc('\n', o->progress);
	for (size_t i = 0; i < w.ntypes; i++)
		kb_buf_printf(&r->skipped_types, "%s%s %zu", i ? ", " : "", w.types[i], w.type_count[i]);
	r->seconds = (double)(kb_mono_ns() - w.t0) / 1e9;
	smap_free(&w.cats);
	smap_free(&w.tags);
	smap_free(&w.authors);
	smap_free(&w.attachments);
	free(w.thumbs);
	kb_arena_free(&w.keep);
	return rc;
}

void import_report_free(import_report *r)
{
	kb_buf_free(&r->skipped_types);
	kb_buf_free(&r->missing);
	kb_buf_free(&r->links);
}
