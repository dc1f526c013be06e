/*
 * store_sqlite.c: the store API (store.h) for the public site: settings,
 * categories, tags, authors, articles and their lists, redirects, feeds.
 *
 * Every statement is a static string next to the function that runs it,
 * written with $1-style parameters, prepared once per connection through
 * driver.h (db_prepare) and bound: nothing here formats SQL from data
 * (scripts/checks greps for that), and nothing here calls SQLite. The
 * connection itself (open, pragmas, migrations) is driver_sqlite.c's.
 */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../text/text.h"
#include "driver.h"
#include "store_int.h"

int store_begin(store *st)
{
	return db_begin(st);
}

int store_commit(store *st)
{
	return db_commit(st);
}

void store_rollback(store *st)
{
	db_rollback(st);
}

int store_insert_id(store *st, db_stmt *s, const char *what, int64_t *id)
{
	int rc = db_one(st, s, what);
	if (rc == STORE_OK) {
		*id = db_col_int(s, 0);
		db_reset(s);
	}
	return rc;
}

int64_t store_content_version(store *st)
{
	static const char sql[] = "SELECT value FROM meta WHERE key = 'content_version'";
	db_stmt *s = db_prepare(st, sql);
	int64_t v = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
	db_reset(s);
	return v;
}

int store_ping(store *st)
{
	static const char sql[] = "SELECT value FROM meta WHERE key = 'content_version'";
	db_stmt *s = db_prepare(st, sql);
	int rc = db_step(s);
	db_reset(s);
	return rc == DB_ROW ? STORE_OK : db_fail(st, "cannot read the database");
}

/* Reads the rows of s (key, value) into the n fields keys name in out. */
static int settings_read(store *st, kb_arena *a, db_stmt *s, const store_setting_key *keys, size_t n,
			 void *out, const char *what)
{
	for (size_t i = 0; i < n; i++)
		*(const char **)((char *)out + keys[i].off) = keys[i].fallback;
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		const char *k = db_col_peek(s, 0);
		for (size_t i = 0; i < n; i++)
			if (!strcmp(k, keys[i].key))
				*(const char **)((char *)out + keys[i].off) = db_col_text(a, s, 1);
	}
	db_reset(s);
	return rc == DB_DONE ? STORE_OK : db_fail(st, what);
}

static const char settings_sql[] = "SELECT key, value FROM settings";

int store_settings_load(store *st, kb_arena *a, const store_setting_key *keys, size_t n, void *out,
			const char *what)
{
	return settings_read(st, a, db_prepare(st, settings_sql), keys, n, out, what);
}

/* The site's settings (kb_settings) and their values when unset. */
static const store_setting_key site_keys[] = {
	{"name", "खबर", offsetof(kb_settings, name)},
	{"tagline", "", offsetof(kb_settings, tagline)},
	{"base_url", "http://127.0.0.1:8080", offsetof(kb_settings, base_url)},
	{"language", "hi", offsetof(kb_settings, language)},
	{"timezone", "Asia/Kolkata", offsetof(kb_settings, timezone)},
	{"email", "", offsetof(kb_settings, email)},
	{"logo", "", offsetof(kb_settings, logo)},
	{"facebook", "", offsetof(kb_settings, facebook)},
	{"instagram", "", offsetof(kb_settings, instagram)},
	{"x", "", offsetof(kb_settings, x)},
	{"arattai", "", offsetof(kb_settings, arattai)},
	{"whatsapp", "", offsetof(kb_settings, whatsapp)},
	{"google_news", "", offsetof(kb_settings, google_news)},
	{"search_recency", "0.5", offsetof(kb_settings, search_recency)},
	{"digits", "ascii", offsetof(kb_settings, digits)},
	{"websub_hub", "", offsetof(kb_settings, websub_hub)},
	{"phone", "", offsetof(kb_settings, phone)},
	{"ownership_url", "", offsetof(kb_settings, ownership_url)},
	{"grievance_ack_days", "1", offsetof(kb_settings, grievance_ack_days)},
	{"grievance_decide_days", "15", offsetof(kb_settings, grievance_decide_days)},
	{"grievance_report", "no", offsetof(kb_settings, grievance_report)},
	{"ticker_text", "", offsetof(kb_settings, ticker_text)},
	{"ticker_url", "", offsetof(kb_settings, ticker_url)},
	{"ticker_until", "", offsetof(kb_settings, ticker_until)},
};

static int g_https;

void store_base_url_https(int on)
{
	g_https = on;
}

/* A server on TLS shows an http:// base URL as https:// (tls.c). */
static void base_url_scheme(kb_arena *a, kb_settings *s)
{
	if (g_https && !strncmp(s->base_url, "http://", 7))
		s->base_url = kb_arena_printf(a, "https://%s", s->base_url + 7);
}

int store_settings(store *st, kb_arena *a, kb_settings *out)
{
	int rc = store_settings_load(st, a, site_keys, KB_COUNT(site_keys), out, "cannot read settings");
	if (!rc)
		base_url_scheme(a, out);
	return rc;
}

int store_edge_settings(store *st, kb_arena *a, kb_edge_settings *out)
{
	static const store_setting_key keys[] = {
#define K(k, f) {k, "", offsetof(kb_edge_settings, f)}
		K("edge_purge", purge),
		K("edge_purge_url", purge_url),
		K("edge_purge_header", purge_header),
		K("edge_purge_token", purge_token),
		K("indexnow_endpoints", indexnow_endpoints),
		K("indexnow_key", indexnow_key),
		K("websub_hub", websub_hub),
#undef K
	};
	return store_settings_load(st, a, keys, KB_COUNT(keys), out, "cannot read the edge settings");
}

int store_setting_set(store *st, const char *key, const char *value)
{
	static const char sql[] = "INSERT INTO settings(key, value) VALUES($1, $2) "
				  "ON CONFLICT(key) DO UPDATE SET value = excluded.value";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, key);
	db_bind_text(s, 2, value);
	return db_run(st, s, "cannot save setting");
}

static void read_category(kb_arena *a, db_stmt *s, kb_category *c)
{
	c->id = db_col_int(s, 0);
	c->name = db_col_text(a, s, 1);
	c->slug = db_col_text(a, s, 2);
	c->position = (int)db_col_int(s, 3);
}

static const char categories_sql[] = "SELECT id, name, slug, position FROM categories ORDER BY position, id";

/* The categories s gives (categories_sql's columns), in order. */
static int categories_read(store *st, kb_arena *a, db_stmt *s, kb_category **out, size_t *n)
{
	size_t cap = 16, len = 0;
	kb_category *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap)
			v = kb_arena_grow(a, v, len, &cap, sizeof *v);
		read_category(a, s, &v[len++]);
	}
	db_reset(s);
	*out = v;
	*n = len;
	return rc == DB_DONE ? STORE_OK : db_fail(st, "cannot list categories");
}

int store_category_list(store *st, kb_arena *a, kb_category **out, size_t *n)
{
	return categories_read(st, a, db_prepare(st, categories_sql), out, n);
}

int store_category_by_slug(store *st, kb_arena *a, const char *slug, kb_category *out)
{
	static const char sql[] = "SELECT id, name, slug, position FROM categories WHERE slug = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, slug);
	int rc = db_one(st, s, "cannot read category");
	if (rc == STORE_OK) {
		read_category(a, s, out);
		db_reset(s);
	}
	return rc;
}

int store_category_add(store *st, const char *name, const char *slug, int position)
{
	static const char sql[] = "INSERT INTO categories(name, slug, position) VALUES($1, $2, $3)";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, name);
	db_bind_text(s, 2, slug);
	db_bind_int(s, 3, position);
	return db_run(st, s, "cannot add category");
}

int store_tag_by_slug(store *st, kb_arena *a, const char *slug, kb_tag *out)
{
	static const char sql[] = "SELECT id, name, slug FROM tags WHERE slug = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, slug);
	int rc = db_one(st, s, "cannot read tag");
	if (rc == STORE_OK) {
		out->id = db_col_int(s, 0);
		out->name = db_col_text(a, s, 1);
		out->slug = db_col_text(a, s, 2);
		db_reset(s);
	}
	return rc;
}

int store_author_by_slug(store *st, kb_arena *a, const char *slug, kb_author *out)
{
	static const char sql[] = "SELECT id, name, slug, bio FROM authors WHERE slug = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, slug);
	int rc = db_one(st, s, "cannot read author");
	if (rc == STORE_OK) {
		out->id = db_col_int(s, 0);
		out->name = db_col_text(a, s, 1);
		out->slug = db_col_text(a, s, 2);
		out->bio = db_col_text(a, s, 3);
		db_reset(s);
	}
	return rc;
}

void store_row_article(kb_arena *a, db_stmt *s, kb_article *r)
{
	memset(r, 0, sizeof *r);
	r->id = db_col_int(s, 0);
	r->title = db_col_text(a, s, 1);
	r->slug = db_col_text(a, s, 2);
	r->summary = db_col_text(a, s, 3);
	r->body = db_col_text(a, s, 4);
	r->status = db_col_text(a, s, 5);
	r->published_at = db_col_int(s, 6);
	r->updated_at = db_col_int(s, 7);
	r->category.id = db_col_int(s, 8);
	r->category.name = db_col_text(a, s, 9);
	r->category.slug = db_col_text(a, s, 10);
	r->author.id = db_col_int(s, 11);
	r->author.name = db_col_text(a, s, 12);
	r->author.slug = db_col_text(a, s, 13);
	r->author.bio = "";
	r->image_url = db_col_text(a, s, 14);
	r->image_caption = db_col_text(a, s, 15);
	r->image_credit = db_col_text(a, s, 16);
	r->dateline = db_col_text(a, s, 17);
	r->breaking = (int)db_col_int(s, 18);
	r->version = db_col_int(s, 19);
	r->publish_at = db_col_int(s, 20);
	r->created_at = db_col_int(s, 21);
	r->owner_id = db_col_int(s, 22);
	r->seo_title = db_col_text(a, s, 23);
	r->seo_description = db_col_text(a, s, 24);
	r->media.id = db_col_int(s, 25);
	r->media.stem = db_col_text(a, s, 26);
	r->media.width = (int)db_col_int(s, 27);
	r->media.height = (int)db_col_int(s, 28);
	r->media.widths = db_col_text(a, s, 29);
	r->modified_at = db_col_int(s, 30);
	r->media.caption = r->image_caption;
	r->media.credit = r->image_credit;
}

/* The tags s gives (id, name, slug), into r. */
static int tags_read(store *st, kb_arena *a, db_stmt *s, kb_article *r)
{
	size_t cap = 8, len = 0;
	kb_tag *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap)
			v = kb_arena_grow(a, v, len, &cap, sizeof *v);
		v[len].id = db_col_int(s, 0);
		v[len].name = db_col_text(a, s, 1);
		v[len].slug = db_col_text(a, s, 2);
		len++;
	}
	db_reset(s);
	r->tags = v;
	r->ntags = len;
	return rc == DB_DONE ? STORE_OK : db_fail(st, "cannot read tags");
}

int store_load_tags(store *st, kb_arena *a, kb_article *r)
{
	static const char sql[] = "SELECT t.id, t.name, t.slug FROM article_tags at "
				  "JOIN tags t ON t.id = at.tag_id WHERE at.article_id = $1 ORDER BY t.name";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, r->id);
	return tags_read(st, a, s, r);
}

/* One article with its body (not its tags), from s with its $2 bound. */
static int article_read(store *st, kb_arena *a, db_stmt *s, kb_article *out)
{
	int rc = db_one(st, s, "cannot read article");
	if (rc != STORE_OK)
		return rc;
	store_row_article(a, s, out);
	db_reset(s);
	return STORE_OK;
}

/* One article with its body and tags, from s with its $2 bound. */
static int article_one(store *st, kb_arena *a, db_stmt *s, kb_article *out)
{
	db_bind_int(s, 1, 1);
	int rc = article_read(st, a, s, out);
	return rc ? rc : store_load_tags(st, a, out);
}

static const char by_slug_sql[] = "SELECT " ARTICLE_COLS ARTICLE_FROM "WHERE a.slug = $2 AND " PUBLISHED;

int store_article_by_slug(store *st, kb_arena *a, const char *slug, kb_article *out)
{
	db_stmt *s = db_prepare(st, by_slug_sql);
	db_bind_text(s, 2, slug);
	return article_one(st, a, s, out);
}

int store_article_by_id(store *st, kb_arena *a, int64_t id, kb_article *out)
{
	static const char sql[] = "SELECT " ARTICLE_COLS ARTICLE_FROM "WHERE a.id = $2";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 2, id);
	return article_one(st, a, s, out);
}

int store_article_rows(store *st, kb_arena *a, db_stmt *s, int with_tags, kb_article **out, size_t *n)
{
	size_t cap = 16, len = 0;
	kb_article *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap)
			v = kb_arena_grow(a, v, len, &cap, sizeof *v);
		store_row_article(a, s, &v[len++]);
	}
	db_reset(s);
	if (rc != DB_DONE)
		return db_fail(st, "cannot list articles");
	for (size_t i = 0; with_tags && i < len; i++)
		if (store_load_tags(st, a, &v[i]))
			return STORE_ERROR;
	*out = v;
	*n = len;
	return STORE_OK;
}

/* The lists of store_article_list: $1 with the body, $2 the category,
 * tag or author, $3 the article left out, $4 the limit and $5 the offset;
 * and their counts ($2 and $3 the same). */
#define LIST_TAIL "AND a.id != $3 ORDER BY a.published_at DESC, a.id DESC LIMIT $4 OFFSET $5"
static const char list_all_sql[] = "SELECT " ARTICLE_COLS ARTICLE_FROM "WHERE " PUBLISHED
				   "AND $2 = 0 " LIST_TAIL;
static const char list_category_sql[] = "SELECT " ARTICLE_COLS ARTICLE_FROM
					"WHERE a.category_id = $2 AND " PUBLISHED LIST_TAIL;
static const char list_tag_sql[] = "SELECT " ARTICLE_COLS ARTICLE_FROM
				   "JOIN article_tags at ON at.article_id = a.id AND at.tag_id = $2 "
				   "WHERE " PUBLISHED LIST_TAIL;
static const char list_author_sql[] = "SELECT " ARTICLE_COLS ARTICLE_FROM
				      "WHERE a.author_id = $2 AND " PUBLISHED LIST_TAIL;
static const char count_all_sql[] = "SELECT count(*) FROM articles a WHERE " PUBLISHED
				    "AND $1 = 0 AND a.id != $2";
static const char count_category_sql[] =
	"SELECT count(*) FROM articles a WHERE a.category_id = $1 AND " PUBLISHED "AND a.id != $2";
static const char count_tag_sql[] = "SELECT count(*) FROM articles a JOIN article_tags at ON "
				    "at.article_id = a.id AND at.tag_id = $1 WHERE " PUBLISHED
				    "AND a.id != $2";
static const char count_author_sql[] = "SELECT count(*) FROM articles a WHERE a.author_id = $1 AND " PUBLISHED
				       "AND a.id != $2";
#undef LIST_TAIL

int store_article_list(store *st, kb_arena *a, const kb_article_query *q, kb_article **out, size_t *n,
		       size_t *total)
{
	const char *list = list_all_sql, *count = count_all_sql;
	int64_t key = 0;
	if (q->category_id)
		list = list_category_sql, count = count_category_sql, key = q->category_id;
	else if (q->tag_id)
		list = list_tag_sql, count = count_tag_sql, key = q->tag_id;
	else if (q->author_id)
		list = list_author_sql, count = count_author_sql, key = q->author_id;

	db_stmt *s = db_prepare(st, list);
	db_bind_int(s, 1, q->with_body);
	db_bind_int(s, 2, key);
	db_bind_int(s, 3, q->exclude_id);
	db_bind_int(s, 4, (int64_t)q->limit);
	db_bind_int(s, 5, (int64_t)q->offset);
	int rc = store_article_rows(st, a, s, q->with_tags, out, n);
	if (rc || !total)
		return rc;
	s = db_prepare(st, count);
	db_bind_int(s, 1, key);
	db_bind_int(s, 2, q->exclude_id);
	if (db_one(st, s, "cannot count articles") != STORE_OK)
		return STORE_ERROR;
	*total = (size_t)db_col_int(s, 0);
	db_reset(s);
	return STORE_OK;
}

/* The tags of the published article slug ($1). */
static const char tags_by_slug_sql[] = "SELECT t.id, t.name, t.slug FROM article_tags at "
				       "JOIN tags t ON t.id = at.tag_id WHERE at.article_id = "
				       "(SELECT a.id FROM articles a WHERE a.slug = $1 AND " PUBLISHED ") "
				       "ORDER BY t.name";

/*
 * The stories related to the article slug ($2): the newest STORE_RELATED
 * published ones in its category or sharing a tag with it. They are among
 * the newest STORE_RELATED of its category and of each of its tags (a story
 * in the answer is in one of those lists, behind at most STORE_RELATED - 1
 * others of the answer), so those lists are all that is read: the
 * category's from articles_category, each tag's from article_tags_newest
 * (migration 29) as the range from the tag's STORE_RELATED-th newest story
 * on (ties let in a few more; the outer ORDER BY and LIMIT settle them).
 * Some twenty index entries, where walking the newest stories and testing
 * each against the article's tags read a few hundred (50 us of a 170 us
 * render on a 10,000-story site). The article is found by its slug, once
 * (x), so this needs nothing read before it and goes in the page's batch.
 */
#define NUMBER_(n) #n
#define NUMBER(n) NUMBER_(n)
#define RELATED NUMBER(STORE_RELATED)
#define RELATED_LAST 5 /* an OFFSET: the STORE_RELATED-th */
_Static_assert(RELATED_LAST == STORE_RELATED - 1, "RELATED_LAST follows STORE_RELATED");
static const char related_sql[] =
	"WITH x AS (SELECT id, category_id FROM articles WHERE slug = $2 AND status = 'published'), "
	"near AS (SELECT a.id, a.published_at AS p FROM x JOIN articles a ON a.category_id = x.category_id "
	"  AND " PUBLISHED "AND a.id != x.id AND a.published_at >= coalesce((SELECT c.published_at "
	"    FROM articles c WHERE c.category_id = x.category_id AND c.status = 'published' AND c.id != x.id "
	"    ORDER BY c.published_at DESC LIMIT 1 OFFSET " NUMBER(
		RELATED_LAST) "), 0) "
			      "  UNION SELECT t.article_id, t.published_at FROM x JOIN article_tags y ON y.article_id = x.id "
			      "  JOIN article_tags t ON t.tag_id = y.tag_id AND t.published_at IS NOT NULL AND t.article_id != x.id "
			      "  AND t.published_at >= coalesce((SELECT z.published_at FROM article_tags z WHERE z.tag_id = y.tag_id "
			      "    AND z.published_at IS NOT NULL AND z.article_id != x.id "
			      "    ORDER BY z.published_at DESC LIMIT 1 OFFSET " NUMBER(
				      RELATED_LAST) "), 0)), "
						    "top AS (SELECT id, p FROM near ORDER BY p DESC, id DESC LIMIT " RELATED
						    ") "
						    "SELECT " ARTICLE_COLS
						    "FROM top JOIN articles a ON a.id = top.id " ARTICLE_JOINS
						    "ORDER BY top.p DESC, top.id DESC";
#undef RELATED
#undef RELATED_LAST
#undef NUMBER
#undef NUMBER_

int store_article_related(store *st, kb_arena *a, const kb_article *art, kb_article **out, size_t *n)
{
	db_stmt *s = db_prepare(st, related_sql);
	db_bind_int(s, 1, 0);
	db_bind_text(s, 2, art->slug);
	return store_article_rows(st, a, s, 0, out, n);
}

int store_site(store *st, kb_arena *a, kb_site *out)
{
	memset(out, 0, sizeof *out);
	db_stmt *set = db_prepare(st, settings_sql);
	db_stmt *cats = db_prepare(st, categories_sql);
	db_stmt *menus = db_prepare(st, menus_site_sql);
	db_stmt *pages = db_prepare(st, pages_site_sql);
	db_stmt *all[] = {set, cats, menus, pages};
	for (size_t i = 0; i < KB_COUNT(all); i++)
		db_send(all[i]);
	int rc = settings_read(st, a, set, site_keys, KB_COUNT(site_keys), &out->settings,
			       "cannot read settings");
	if (!rc) {
		base_url_scheme(a, &out->settings);
		rc = categories_read(st, a, cats, &out->cats, &out->ncats);
	}
	if (!rc)
		rc = menus_site_read(st, a, menus, out);
	if (!rc)
		rc = pages_site_read(st, a, pages, out);
	/* What was not read (after a failure) is dropped. */
	for (size_t i = 0; i < KB_COUNT(all); i++)
		db_reset(all[i]);
	return rc;
}

int store_article_page(store *st, kb_arena *a, const char *slug, kb_article_page *out)
{
	memset(out, 0, sizeof *out);
	db_stmt *art = db_prepare(st, by_slug_sql);
	db_bind_int(art, 1, 1);
	db_bind_text(art, 2, slug);
	db_stmt *tags = db_prepare(st, tags_by_slug_sql);
	db_bind_text(tags, 1, slug);
	db_stmt *rel = db_prepare(st, related_sql);
	db_bind_int(rel, 1, 0);
	db_bind_text(rel, 2, slug);
	db_stmt *notes = db_prepare(st, notes_page_sql);
	db_bind_text(notes, 1, slug);
	db_stmt *author = db_prepare(st, authors_page_sql);
	db_bind_text(author, 1, slug);
	db_stmt *areas = db_prepare(st, authors_page_areas_sql);
	db_bind_text(areas, 1, slug);
	static const char live_sql[] = "SELECT count(*) FROM live_coverage WHERE article_id = "
				       "(SELECT a.id FROM articles a WHERE a.slug = $1 AND " PUBLISHED ")";
	db_stmt *live = db_prepare(st, live_sql);
	db_bind_text(live, 1, slug);
	db_stmt *mostread = db_prepare(st, reads_page_sql);
	db_bind_int(mostread, 1, 0);
	db_bind_text(mostread, 2, slug);
	db_stmt *all[] = {art, tags, rel, notes, author, areas, live, mostread};
	int snap = db_read_begin(st);
	for (size_t i = 0; i < KB_COUNT(all); i++)
		db_send(all[i]);
	int rc = article_read(st, a, art, &out->article);
	if (!rc)
		rc = tags_read(st, a, tags, &out->article);
	if (!rc)
		rc = store_article_rows(st, a, rel, 0, &out->related, &out->nrelated);
	if (!rc)
		rc = notes_page_read(st, a, notes, &out->notes, &out->nnotes);
	if (!rc)
		rc = authors_page_read(st, a, author, areas, &out->author);
	if (!rc) {
		if (db_step(live) == DB_ROW)
			out->live = db_col_int(live, 0) > 0;
		else
			rc = db_fail(st, "cannot read the story's live coverage");
	}
	if (!rc)
		rc = reads_page_read(st, a, mostread, &out->mostread);
	/* What was not read (a failure, or no such article) is dropped. */
	for (size_t i = 0; i < KB_COUNT(all); i++)
		db_reset(all[i]);
	db_read_end(st, snap);
	return rc;
}

int store_article_count(store *st, int64_t *n)
{
	db_stmt *s = db_prepare(st, count_all_sql);
	db_bind_int(s, 1, 0);
	db_bind_int(s, 2, 0);
	if (db_one(st, s, "cannot count articles") != STORE_OK)
		return STORE_ERROR;
	*n = db_col_int(s, 0);
	db_reset(s);
	return STORE_OK;
}

/*
 * Writes into buf a slug not yet used by an article other than self (kind
 * 'a'), tag ('t') or author ('u'), by appending -2, -3... to base.
 */
int store_unique_slug(store *st, const char *base, char kind, int64_t self, kb_buf *buf)
{
	static const char sql[] = "SELECT (SELECT count(*) FROM articles WHERE slug = $1 AND id != $3) + "
				  "(SELECT count(*) FROM tags WHERE slug = $1 AND $2 = 't') + "
				  "(SELECT count(*) FROM authors WHERE slug = $1 AND $2 = 'u')";
	for (int i = 1;; i++) {
		kb_buf_reset(buf);
		kb_buf_puts(buf, base);
		if (i > 1)
			kb_buf_printf(buf, "-%d", i);
		db_stmt *s = db_prepare(st, sql);
		db_bind_text(s, 1, buf->data);
		char k[2] = {kind, 0};
		db_bind_text(s, 2, k);
		db_bind_int(s, 3, self);
		if (db_one(st, s, "cannot check slug") != STORE_OK)
			return STORE_ERROR;
		int64_t taken = db_col_int(s, 0);
		db_reset(s);
		if (!taken)
			return STORE_OK;
	}
}

/* Finds or creates the tag or author called name; *id gets its row id. */
int store_ensure_named(store *st, char kind, const char *name, int64_t *id)
{
	static const char tag_sql[] = "SELECT id FROM tags WHERE name = $1";
	static const char author_sql[] = "SELECT id FROM authors WHERE name = $1";
	static const char tag_add_sql[] = "INSERT INTO tags(name, slug) VALUES($1, $2) RETURNING id";
	static const char author_add_sql[] = "INSERT INTO authors(name, slug) VALUES($1, $2) RETURNING id";
	db_stmt *s = db_prepare(st, kind == 't' ? tag_sql : author_sql);
	db_bind_text(s, 1, name);
	int rc = db_one(st, s, "cannot look up name");
	if (rc == STORE_OK) {
		*id = db_col_int(s, 0);
		db_reset(s);
		return STORE_OK;
	}
	if (rc == STORE_ERROR)
		return rc;
	kb_buf base = {0}, slug = {0};
	text_slug(&base, name, strlen(name), 60);
	rc = store_unique_slug(st, base.data, kind, 0, &slug);
	if (rc == STORE_OK) {
		s = db_prepare(st, kind == 't' ? tag_add_sql : author_add_sql);
		db_bind_text(s, 1, name);
		db_bind_text(s, 2, slug.data);
		rc = store_insert_id(st, s, "cannot add name", id);
	}
	kb_buf_free(&base);
	kb_buf_free(&slug);
	return rc;
}

int store_article_add(store *st, const kb_article_input *in, int64_t *id)
{
	static const char sql[] =
		"INSERT INTO articles(title, slug, summary, body, status, published_at, "
		"created_at, updated_at, category_id, author_id, image_url, image_caption, "
		"image_credit, dateline, breaking, publish_at) VALUES($1, $2, $3, $4, $5, $6, $7, "
		"CASE WHEN $6 > 0 THEN $6 ELSE $7 END, "
		"(SELECT id FROM categories WHERE slug = $8), $9, $10, $11, $12, $13, $14, "
		/* a scheduled story goes live at its date (the scheduler) */
		"CASE WHEN $5 = 'scheduled' THEN $6 ELSE 0 END) RETURNING id";
	static const char tag_sql[] = "INSERT INTO article_tags(article_id, tag_id) VALUES($1, $2) "
				      "ON CONFLICT DO NOTHING";
	kb_buf slug = {0};
	int64_t author = 0;
	int own_tx = !db_in_tx(st);
	if (own_tx && db_begin(st))
		return STORE_ERROR;
	int rc = STORE_OK;
	if (in->category_slug && *in->category_slug) {
		kb_arena a = {0};
		kb_category c;
		rc = store_category_by_slug(st, &a, in->category_slug, &c);
		kb_arena_free(&a);
		if (rc == STORE_NOTFOUND) {
			kb_buf m = {0};
			kb_buf_printf(&m, "no category with slug \"%s\"", in->category_slug);
			rc = db_fail_msg(st, m.data);
			kb_buf_free(&m);
		}
	}
	if (!rc && in->author_name && *in->author_name)
		rc = store_ensure_named(st, 'u', in->author_name, &author);
	if (!rc) {
		/* A given slug is made a slug too, as the newsroom does: what
		 * an article file says becomes a URL path and goes into hrefs,
		 * sitemaps and feeds, so it holds only a-z, 0-9 and '-'. */
		kb_buf base = {0};
		const char *from = in->slug && *in->slug ? in->slug : in->title;
		text_slug(&base, from, strlen(from), 80);
		rc = store_unique_slug(st, base.data, 'a', 0, &slug);
		kb_buf_free(&base);
	}
	if (!rc) {
		const char *status = in->status && *in->status ? in->status : "draft";
		int64_t now = kb_now();
		int64_t pub = in->published_at;
		if (!pub && !strcmp(status, "published"))
			pub = now;
		db_stmt *s = db_prepare(st, sql);
		db_bind_text(s, 1, in->title);
		db_bind_text(s, 2, slug.data);
		db_bind_text(s, 3, in->summary);
		db_bind_text(s, 4, in->body);
		db_bind_text(s, 5, status);
		db_bind_int(s, 6, pub);
		db_bind_int(s, 7, now);
		db_bind_text(s, 8, in->category_slug);
		if (author)
			db_bind_int(s, 9, author);
		db_bind_text(s, 10, in->image_url);
		db_bind_text(s, 11, in->image_caption);
		db_bind_text(s, 12, in->image_credit);
		db_bind_text(s, 13, in->dateline);
		db_bind_int(s, 14, in->breaking ? 1 : 0);
		rc = store_insert_id(st, s, "cannot add article", id);
	}
	for (size_t i = 0; !rc && i < in->ntags; i++) {
		int64_t tag;
		if (!in->tags[i][0])
			continue;
		rc = store_ensure_named(st, 't', in->tags[i], &tag);
		if (!rc) {
			db_stmt *s = db_prepare(st, tag_sql);
			db_bind_int(s, 1, *id);
			db_bind_int(s, 2, tag);
			rc = db_run(st, s, "cannot tag article");
		}
	}
	kb_buf_free(&slug);
	if (own_tx) {
		if (rc)
			db_rollback(st);
		else if (db_commit(st))
			rc = STORE_ERROR;
	}
	return rc;
}

int store_article_set_status(store *st, int64_t id, const char *status)
{
	static const char sql[] =
		"UPDATE articles SET status = $2, updated_at = $3, published_at = CASE "
		"WHEN $2 = 'published' AND published_at = 0 THEN $3 ELSE published_at END WHERE id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, status);
	db_bind_int(s, 3, kb_now());
	return db_run_one(st, s, "cannot change the article's status");
}

int store_article_delete(store *st, int64_t id)
{
	static const char sql[] = "DELETE FROM articles WHERE id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	return db_run_one(st, s, "cannot delete the article");
}

int store_redirect_find(store *st, kb_arena *a, const char *path, const char **target, int *code)
{
	static const char sql[] = "SELECT target, code FROM redirects WHERE path = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, path);
	int rc = db_one(st, s, "cannot read redirects");
	if (rc == STORE_OK) {
		*target = db_col_text(a, s, 0);
		*code = (int)db_col_int(s, 1);
		db_reset(s);
	}
	return rc;
}

int store_redirect_add(store *st, const char *path, const char *target, int code)
{
	static const char sql[] =
		"INSERT INTO redirects(path, target, code) VALUES($1, $2, $3) "
		"ON CONFLICT(path) DO UPDATE SET target = excluded.target, code = excluded.code";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, path);
	db_bind_text(s, 2, target);
	db_bind_int(s, 3, code);
	return db_run(st, s, "cannot add redirect");
}

/* ---- feeds, sitemaps and the public API ---- */

int store_article_seek(store *st, kb_arena *a, const kb_article_seek *q, kb_article **out, size_t *n)
{
	static const char sql[] =
		"SELECT " ARTICLE_COLS ARTICLE_FROM "WHERE " PUBLISHED "AND ($2 = 0 OR a.category_id = $2) "
		"AND ($3 = 0 OR a.id IN (SELECT x.article_id FROM article_tags x WHERE x.tag_id = $3)) "
		"AND a.published_at >= $4 "
		"AND ($5 = 0 OR a.published_at < $5 OR (a.published_at = $5 AND a.id < $6)) "
		"ORDER BY a.published_at DESC, a.id DESC LIMIT $7";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, q->with_body);
	db_bind_int(s, 2, q->category_id);
	db_bind_int(s, 3, q->tag_id);
	db_bind_int(s, 4, q->since);
	db_bind_int(s, 5, q->before_at);
	db_bind_int(s, 6, q->before_id);
	db_bind_int(s, 7, (int64_t)q->limit);
	return store_article_rows(st, a, s, q->with_tags, out, n);
}

int store_article_urls(store *st, kb_arena *a, size_t offset, size_t limit, kb_article_url **out, size_t *n)
{
	static const char sql[] =
		"SELECT a.slug, a.published_at, a.modified_at FROM articles a WHERE " PUBLISHED
		"ORDER BY a.id LIMIT $1 OFFSET $2";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, (int64_t)limit);
	db_bind_int(s, 2, (int64_t)offset);
	size_t cap = 256, len = 0;
	kb_article_url *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap)
			v = kb_arena_grow(a, v, len, &cap, sizeof *v);
		v[len].slug = db_col_text(a, s, 0);
		v[len].published_at = db_col_int(s, 1);
		v[len].modified_at = db_col_int(s, 2);
		len++;
	}
	db_reset(s);
	*out = v;
	*n = len;
	return rc == DB_DONE ? STORE_OK : db_fail(st, "cannot list article URLs");
}

int store_author_list(store *st, kb_arena *a, kb_author **out, size_t *n)
{
	static const char sql[] = "SELECT u.id, u.name, u.slug, u.bio FROM authors u WHERE EXISTS(SELECT 1 "
				  "FROM articles a WHERE a.author_id = u.id AND " PUBLISHED ") ORDER BY u.id";
	db_stmt *s = db_prepare(st, sql);
	size_t cap = 16, len = 0;
	kb_author *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap)
			v = kb_arena_grow(a, v, len, &cap, sizeof *v);
		v[len].id = db_col_int(s, 0);
		v[len].name = db_col_text(a, s, 1);
		v[len].slug = db_col_text(a, s, 2);
		v[len].bio = db_col_text(a, s, 3);
		len++;
	}
	db_reset(s);
	*out = v;
	*n = len;
	return rc == DB_DONE ? STORE_OK : db_fail(st, "cannot list authors");
}
