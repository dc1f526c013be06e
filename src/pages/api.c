/*
 * api.c: the public read API, JSON over GET (documented in docs/api.md):
 *
 *   /api/v1/articles       published articles, newest first; filters
 *                          category, tag (slugs) and since (a date); limit
 *                          1-100 (default 20); keyset cursor pagination
 *   /api/v1/articles/{id}  one published article with its body as HTML
 *   /api/v1/categories     the categories in the newsroom's order
 *
 * Responses go through the page cache (ETag, 304) and carry CORS headers:
 * both are route flags applied by the dispatcher, not done here. Errors are
 * {"error": {"status": N, "message": "..."}} via req_json_error().
 *
 * The cursor is opaque to clients; inside it is "PUBLISHED_AT-ID" of the
 * last article of the page, so the next page starts strictly after it even
 * when new stories arrive meanwhile (an offset would repeat stories).
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../render/markdown.h"
#include "../render/paths.h"
#include "pages.h"
#include "seo.h"

#define LIMIT_DEFAULT 20
#define LIMIT_MAX 100

/* See pages.h. */
/* The JSON of article a; with full, its tags and body HTML too. */
static json_t *article_json(kb_req *r, const char *base, const kb_article *a, int full)
{
	kb_arena *ar = &r->arena;
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(a->id));
	json_object_set_new(o, "title", json_string(a->title));
	json_object_set_new(o, "slug", json_string(a->slug));
	json_object_set_new(o, "url",
			    json_string(seo_abs_url(r, base, kb_arena_printf(ar, "/news/%s", a->slug))));
	json_object_set_new(o, "summary", json_string(a->summary));
	json_object_set_new(o, "dateline", json_string(a->dateline));
	json_object_set_new(o, "published_at", json_string(site_iso(r, a->published_at)));
	json_object_set_new(o, "updated_at", json_string(site_iso(r, store_article_modified(a))));
	json_object_set_new(o, "breaking", json_boolean(a->breaking));
	json_object_set_new(
		o, "category",
		a->category.id ? json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)a->category.id, "name",
					   a->category.name, "slug", a->category.slug, "url",
					   seo_abs_url(r, base,
						       kb_arena_printf(ar, "/category/%s", a->category.slug)))
			       : json_null());
	json_object_set_new(
		o, "author",
		a->author.id
			? json_pack("{s:s,s:s,s:s}", "name", a->author.name, "slug", a->author.slug, "url",
				    seo_abs_url(r, base, kb_arena_printf(ar, "/author/%s", a->author.slug)))
			: json_null());
	const char *img = render_article_image(ar, a->image_url, a->media.id, a->media.stem);
	json_object_set_new(o, "image",
			    *img ? json_pack("{s:s,s:s,s:s}", "url", seo_abs_url(r, base, img), "caption",
					     a->image_caption, "credit", a->image_credit)
				 : json_null());
	json_t *tags = json_array();
	for (size_t i = 0; i < a->ntags; i++)
		json_array_append_new(
			tags,
			json_pack("{s:s,s:s,s:s}", "name", a->tags[i].name, "slug", a->tags[i].slug, "url",
				  seo_abs_url(r, base, kb_arena_printf(ar, "/tag/%s", a->tags[i].slug))));
	json_object_set_new(o, "tags", tags);
	if (full) {
		kb_buf html = {0};
		markdown_article(&html, a->body, a->dateline);
		json_object_set_new(o, "body_html", json_string(kb_buf_str(&html)));
		kb_buf_free(&html);
	}
	return o;
}

/* Parses a whole decimal number in [min, max] with no sign, spaces or
 * leading zeros. Returns 0 and *out, or -1. */
static int parse_int(const char *s, long long min, long long max, long long *out)
{
	if (!*s || (s[0] == '0' && s[1]) || s[0] < '0' || s[0] > '9')
		return -1;
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return -1;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/*
 * Parses since: an RFC 3339 date-time ("2025-11-04T18:30:00+05:30", "...Z")
 * or a date ("2025-11-04", midnight in the site's time zone). Returns 0
 * and UTC seconds in *out, or -1.
 */
static int parse_since(const char *s, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, used = 0;
	/* Digits exactly where the format has them: sscanf alone would take
	 * signs and spaces. */
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	for (size_t i = 0; i < sizeof shape - 1 && s[i] && (i < 10 || s[10] == 'T'); i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
			return -1;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 || used != 10)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1970)
		return -1;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d};
	const char *p = s + 10;
	if (!*p) {
		tm.tm_isdst = -1;
		time_t t = mktime(&tm);
		if (t == (time_t)-1)
			return -1;
		*out = (int64_t)t;
		return 0;
	}
	if (*p != 'T' || sscanf(p, "T%2d:%2d:%2d%n", &h, &mi, &sec, &used) != 3 || used != 9)
		return -1;
	p += used;
	if (*p == '.') /* fractions of a second are allowed and ignored */
		while (*++p >= '0' && *p <= '9')
			;
	if (h > 23 || mi > 59 || sec > 60)
		return -1;
	tm.tm_hour = h, tm.tm_min = mi, tm.tm_sec = sec;
	long off = 0;
	if ((*p == 'Z' || *p == 'z') && !p[1]) {
		off = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int oh, om;
		if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2 || oh > 23 || om > 59)
			return -1;
		off = (oh * 60L + om) * 60 * (*p == '-' ? -1 : 1);
	} else {
		return -1;
	}
	*out = (int64_t)timegm(&tm) - off;
	return 0;
}

/* Parses a cursor "PUBLISHED_AT-ID". Returns 0, or -1 when malformed. */
static int parse_cursor(kb_req *r, const char *s, int64_t *at, int64_t *id)
{
	const char *dash = strchr(s, '-');
	if (!dash)
		return -1;
	long long a, b;
	char *first = kb_arena_strndup(&r->arena, s, (size_t)(dash - s));
	if (parse_int(first, 1, INT64_MAX, &a) || parse_int(dash + 1, 1, INT64_MAX, &b))
		return -1;
	*at = a, *id = b;
	return 0;
}

int api_articles(kb_req *r)
{
	static const char *const names[] = {"category", "tag", "since", "limit", "cursor"};
	const char *v[KB_COUNT(names)];
	for (size_t i = 0; i < KB_COUNT(names); i++)
		if (req_query_check(r, names[i], &v[i]))
			return req_json_error(r, 400,
					      kb_arena_printf(&r->arena, "%s is not valid UTF-8", names[i]));
	const char *cat = v[0], *tag = v[1], *since = v[2], *limit = v[3], *cursor = v[4];

	kb_article_seek q = {.limit = LIMIT_DEFAULT, .with_tags = 1};
	if (limit) {
		long long l;
		if (parse_int(limit, 1, LIMIT_MAX, &l))
			return req_json_error(r, 400, "limit must be a whole number from 1 to 100");
		q.limit = (size_t)l;
	}
	if (cursor && parse_cursor(r, cursor, &q.before_at, &q.before_id))
		return req_json_error(r, 400, "cursor is not one this API gave out");
	if (since && parse_since(since, &q.since))
		return req_json_error(r, 400,
				      "since must be a date (2025-11-04) or an RFC 3339 date-time "
				      "(2025-11-04T18:30:00+05:30)");
	if (cat) {
		kb_category c;
		int rc = store_category_by_slug(r->db, &r->arena, cat, &c);
		if (rc == STORE_NOTFOUND)
			return req_json_error(r, 404, "no category has this slug");
		if (rc)
			return 500;
		q.category_id = c.id;
	}
	if (tag) {
		kb_tag t;
		int rc = store_tag_by_slug(r->db, &r->arena, tag, &t);
		if (rc == STORE_NOTFOUND)
			return req_json_error(r, 404, "no tag has this slug");
		if (rc)
			return 500;
		q.tag_id = t.id;
	}
	kb_settings s;
	if (store_settings(r->db, &r->arena, &s))
		return 500;
	/* One more than asked tells whether there is a next page. */
	size_t want = q.limit;
	q.limit = want + 1;
	kb_article *list;
	size_t n;
	if (store_article_seek(r->db, &r->arena, &q, &list, &n))
		return 500;
	int more = n > want;
	if (more)
		n = want;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, article_json(r, s.base_url, &list[i], 0));
	json_t *next = more ? json_string(kb_arena_printf(&r->arena, "%lld-%lld",
							  (long long)list[n - 1].published_at,
							  (long long)list[n - 1].id))
			    : json_null();
	return req_json(r, json_pack("{s:o,s:o}", "articles", arr, "next_cursor", next), 200);
}

int api_article(kb_req *r)
{
	long long id;
	if (parse_int(r->param[0], 1, INT64_MAX, &id))
		return req_json_error(r, 404, "no published article has this id");
	kb_article a;
	int rc = store_article_by_id(r->db, &r->arena, id, &a);
	if (rc == STORE_NOTFOUND || (!rc && strcmp(a.status, "published")))
		return req_json_error(r, 404, "no published article has this id");
	if (rc)
		return 500;
	kb_settings s;
	if (store_settings(r->db, &r->arena, &s))
		return 500;
	return req_json(r, json_pack("{s:o}", "article", article_json(r, s.base_url, &a, 1)), 200);
}

int api_categories(kb_req *r)
{
	kb_category *cats;
	size_t n;
	kb_settings s;
	if (store_settings(r->db, &r->arena, &s) || store_category_list(r->db, &r->arena, &cats, &n))
		return 500;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		const char *page = kb_arena_printf(&r->arena, "/category/%s", cats[i].slug);
		json_array_append_new(
			arr,
			json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)cats[i].id, "name",
				  cats[i].name, "slug", cats[i].slug, "url", seo_abs_url(r, s.base_url, page),
				  "feed",
				  seo_abs_url(r, s.base_url, kb_arena_printf(&r->arena, "%s/feed", page)),
				  "articles",
				  seo_abs_url(r, s.base_url,
					      kb_arena_printf(&r->arena, "/api/v1/articles?category=%s",
							      cats[i].slug))));
	}
	return req_json(r, json_pack("{s:o}", "categories", arr), 200);
}
