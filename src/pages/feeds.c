/*
 * feeds.c: RSS 2.0 and Atom 1.0 feeds of the whole site, a category, a tag
 * and an author: the latest 50 published articles, newest first.
 *
 * Each entry carries the summary and, unless the URL says ?full=0, the full
 * story as HTML (RSS content:encoded, Atom content). The featured image is
 * a Media RSS element (media:content) in both formats. Dates are the
 * site's local time with its offset: RFC 822 in RSS, RFC 3339 in Atom.
 *
 * GUIDs and Atom ids are the article's API URL (/api/v1/articles/ID): they
 * hang on the id, so a corrected headline or a changed slug does not make
 * feed readers show the story twice, and they resolve to something real.
 *
 * Escaping. RSS readers take <title> and <description> as HTML (RSS 2.0
 * never said which; most render them), so khabar's plain-text headline
 * and summary go there HTML-escaped and then XML-escaped: a summary with
 * <img onerror=...> reads as those characters, not as an image. The full
 * story (content:encoded) is HTML by definition: the article page's own
 * sanitised body (markdown_article), XML-escaped once. Atom says what
 * each element holds: titles and summaries are type="text" (XML-escaped
 * once, shown as text), the story is type="html". Names (author,
 * category) are text in both.
 *
 * Not here: the <link rel="alternate"> tags pointing at the feeds (seo.c).
 */
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../render/escape.h"
#include "../render/markdown.h"
#include "../render/paths.h"
#include "pages.h"
#include "seo.h"

#define FEED_ITEMS 50

/* What a feed is about: its title, description and page. */
typedef struct feed_subject {
	const char *title, *description, *page_path;
	kb_article_query q; /* its filter */
} feed_subject;

/* Appends s escaped for XML. */
static void x(kb_buf *out, const char *s)
{
	xml_escape(out, s, strlen(s));
}

/* Appends an element <name>escaped text</name>. */
static void el(kb_buf *out, const char *name, const char *text)
{
	kb_buf_printf(out, "<%s>", name);
	x(out, text);
	kb_buf_printf(out, "</%s>\n", name);
}

/* Appends an RSS element whose text readers render as HTML:
 * <name>text as inert HTML</name>. */
static void el_html(kb_buf *out, const char *name, const char *text)
{
	kb_buf_printf(out, "<%s>", name);
	xml_escape_html_text(out, text, strlen(text));
	kb_buf_printf(out, "</%s>\n", name);
}

/* Appends t as an RFC 822 date in the site's time zone, with English day
 * and month names whatever the process locale: "Tue, 04 Nov 2025 18:30:00
 * +0530". */
static void rfc822(kb_buf *out, int64_t t)
{
	static const char days[][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	kb_localtime(t, &tm);
	long off = tm.tm_gmtoff / 60;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	kb_buf_printf(out, "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld", days[tm.tm_wday], tm.tm_mday,
		      months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, sign, off / 60,
		      off % 60);
}

static void rfc3339(kb_buf *out, int64_t t)
{
	site_iso_date(out, t);
}

/* The MIME type of an image, guessed from its URL's extension. */
static const char *image_type(const char *url)
{
	static const struct {
		const char *ext, *type;
	} types[] = {{".jpg", "image/jpeg"},  {".jpeg", "image/jpeg"}, {".png", "image/png"},
		     {".webp", "image/webp"}, {".avif", "image/avif"}, {".gif", "image/gif"}};
	size_t len = strcspn(url, "?#");
	for (size_t i = 0; i < KB_COUNT(types); i++) {
		size_t n = strlen(types[i].ext);
		if (len >= n && !strncasecmp(url + len - n, types[i].ext, n))
			return types[i].type;
	}
	return NULL;
}

/* Appends the Media RSS element of an article's featured image, if any. */
static void media(kb_req *r, kb_buf *out, const char *base, const kb_article *a)
{
	const char *img = render_article_image(&r->arena, a->image_url, a->media.id, a->media.stem);
	if (!*img)
		return;
	const char *url = seo_abs_url(r, base, img);
	const char *type = image_type(url);
	kb_buf_puts(out, "<media:content url=\"");
	x(out, url);
	kb_buf_puts(out, "\" medium=\"image\"");
	if (type)
		kb_buf_printf(out, " type=\"%s\"", type);
	kb_buf_puts(out, ">");
	if (*a->image_caption) {
		kb_buf_puts(out, "<media:description type=\"plain\">");
		x(out, a->image_caption);
		kb_buf_puts(out, "</media:description>");
	}
	if (*a->image_credit) {
		kb_buf_puts(out, "<media:credit>");
		x(out, a->image_credit);
		kb_buf_puts(out, "</media:credit>");
	}
	kb_buf_puts(out, "</media:content>\n");
}

static int64_t modified(const kb_article *a)
{
	return store_article_modified(a);
}

static void rss(kb_req *r, const kb_settings *s, const feed_subject *f, const kb_article *v, size_t n,
		int full)
{
	kb_buf *out = &r->body;
	const char *self = seo_abs_url(r, s->base_url, r->path);
	kb_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			 "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" "
			 "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" "
			 "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
			 "xmlns:media=\"http://search.yahoo.com/mrss/\">\n<channel>\n");
	el_html(out, "title", f->title);
	el(out, "link", seo_abs_url(r, s->base_url, f->page_path));
	el_html(out, "description", f->description);
	el(out, "language", *s->language ? s->language : "hi");
	kb_buf_puts(out, "<atom:link rel=\"self\" type=\"application/rss+xml\" href=\"");
	x(out, self);
	kb_buf_puts(out, "\"/>\n");
	if (*s->websub_hub) {
		/* WebSub: subscribers learn of new items from the hub, which
		 * khabar pings on changes (src/app/purge.h). */
		kb_buf_puts(out, "<atom:link rel=\"hub\" href=\"");
		x(out, s->websub_hub);
		kb_buf_puts(out, "\"/>\n");
	}
	if (n) {
		kb_buf_puts(out, "<lastBuildDate>");
		rfc822(out, modified(&v[0]));
		kb_buf_puts(out, "</lastBuildDate>\n");
	}
	kb_buf_puts(out, "<generator>khabar</generator>\n");
	for (size_t i = 0; i < n; i++) {
		const kb_article *a = &v[i];
		kb_buf_puts(out, "<item>\n");
		el_html(out, "title", a->title);
		el(out, "link", seo_abs_url(r, s->base_url, kb_arena_printf(&r->arena, "/news/%s", a->slug)));
		kb_buf_puts(out, "<guid isPermaLink=\"false\">");
		x(out, seo_abs_url(r, s->base_url,
				   kb_arena_printf(&r->arena, "/api/v1/articles/%lld", (long long)a->id)));
		kb_buf_puts(out, "</guid>\n<pubDate>");
		rfc822(out, a->published_at);
		kb_buf_puts(out, "</pubDate>\n");
		if (a->author.id)
			el(out, "dc:creator", a->author.name);
		if (a->category.id)
			el(out, "category", a->category.name);
		for (size_t k = 0; k < a->ntags; k++)
			el(out, "category", a->tags[k].name);
		el_html(out, "description", a->summary);
		if (full) {
			kb_buf html = {0};
			markdown_article(&html, a->body, a->dateline);
			el(out, "content:encoded", kb_buf_str(&html));
			kb_buf_free(&html);
		}
		media(r, out, s->base_url, a);
		kb_buf_puts(out, "</item>\n");
	}
	kb_buf_puts(out, "</channel>\n</rss>\n");
	r->content_type = "application/rss+xml; charset=utf-8";
}

static void atom(kb_req *r, const kb_settings *s, const feed_subject *f, const kb_article *v, size_t n,
		 int full)
{
	kb_buf *out = &r->body;
	const char *self = seo_abs_url(r, s->base_url, r->path);
	kb_buf_printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			   "<feed xmlns=\"http://www.w3.org/2005/Atom\" "
			   "xmlns:media=\"http://search.yahoo.com/mrss/\" xml:lang=\"");
	x(out, *s->language ? s->language : "hi");
	kb_buf_puts(out, "\">\n");
	el(out, "title", f->title);
	el(out, "subtitle", f->description);
	kb_buf_puts(out, "<link rel=\"alternate\" type=\"text/html\" href=\"");
	x(out, seo_abs_url(r, s->base_url, f->page_path));
	kb_buf_puts(out, "\"/>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
	x(out, self);
	kb_buf_puts(out, "\"/>\n");
	if (*s->websub_hub) {
		kb_buf_puts(out, "<link rel=\"hub\" href=\"");
		x(out, s->websub_hub);
		kb_buf_puts(out, "\"/>\n");
	}
	el(out, "id", self);
	kb_buf_puts(out, "<updated>");
	/* An empty feed is as old as the epoch: a stable value, so its ETag
	 * does not change from one request to the next. */
	rfc3339(out, n ? modified(&v[0]) : 0);
	kb_buf_puts(out, "</updated>\n<author><name>");
	x(out, s->name);
	kb_buf_puts(out, "</name></author>\n");
	el(out, "icon", seo_logo_url(r, s->base_url));
	kb_buf_puts(out, "<generator>khabar</generator>\n");
	for (size_t i = 0; i < n; i++) {
		const kb_article *a = &v[i];
		const char *url =
			seo_abs_url(r, s->base_url, kb_arena_printf(&r->arena, "/news/%s", a->slug));
		kb_buf_puts(out, "<entry>\n");
		el(out, "title", a->title);
		kb_buf_puts(out, "<link rel=\"alternate\" type=\"text/html\" href=\"");
		x(out, url);
		kb_buf_puts(out, "\"/>\n");
		el(out, "id",
		   seo_abs_url(r, s->base_url,
			       kb_arena_printf(&r->arena, "/api/v1/articles/%lld", (long long)a->id)));
		kb_buf_puts(out, "<published>");
		rfc3339(out, a->published_at);
		kb_buf_puts(out, "</published>\n<updated>");
		rfc3339(out, modified(a));
		kb_buf_puts(out, "</updated>\n");
		if (a->author.id) {
			kb_buf_puts(out, "<author><name>");
			x(out, a->author.name);
			kb_buf_puts(out, "</name><uri>");
			x(out, seo_abs_url(r, s->base_url,
					   kb_arena_printf(&r->arena, "/author/%s", a->author.slug)));
			kb_buf_puts(out, "</uri></author>\n");
		}
		if (a->category.id) {
			kb_buf_puts(out, "<category term=\"");
			x(out, a->category.slug);
			kb_buf_puts(out, "\" label=\"");
			x(out, a->category.name);
			kb_buf_puts(out, "\"/>\n");
		}
		if (*a->summary) {
			kb_buf_puts(out, "<summary type=\"text\">");
			x(out, a->summary);
			kb_buf_puts(out, "</summary>\n");
		}
		if (full) {
			kb_buf html = {0};
			markdown_article(&html, a->body, a->dateline);
			kb_buf_puts(out, "<content type=\"html\">");
			x(out, kb_buf_str(&html));
			kb_buf_puts(out, "</content>\n");
			kb_buf_free(&html);
		}
		media(r, out, s->base_url, a);
		kb_buf_puts(out, "</entry>\n");
	}
	kb_buf_puts(out, "</feed>\n");
	r->content_type = "application/atom+xml; charset=utf-8";
}

/* Looks up the subject of a feed from r->param[0]. Returns 0, or the
 * status to answer (404 for an unknown slug). */
static int subject(kb_req *r, int kind, const kb_settings *s, feed_subject *f)
{
	kb_arena *a = &r->arena;
	int rc = 0;
	memset(f, 0, sizeof *f);
	switch (kind) {
	case FEED_SITE:
		f->title = s->name;
		f->description = *s->tagline ? s->tagline : s->name;
		f->page_path = "/";
		return 0;
	case FEED_CATEGORY: {
		kb_category c;
		rc = store_category_by_slug(r->db, a, r->param[0], &c);
		if (rc)
			break;
		f->title = kb_arena_printf(a, "%s: %s", s->name, c.name);
		f->description = kb_arena_printf(a, "%s की ताज़ा खबरें", c.name);
		f->page_path = kb_arena_printf(a, "/category/%s", c.slug);
		f->q.category_id = c.id;
		return 0;
	}
	case FEED_TAG: {
		kb_tag t;
		rc = store_tag_by_slug(r->db, a, r->param[0], &t);
		if (rc)
			break;
		f->title = kb_arena_printf(a, "%s: %s", s->name, t.name);
		f->description = kb_arena_printf(a, "%s से जुड़ी खबरें", t.name);
		f->page_path = kb_arena_printf(a, "/tag/%s", t.slug);
		f->q.tag_id = t.id;
		return 0;
	}
	default: {
		kb_author au;
		rc = store_author_by_slug(r->db, a, r->param[0], &au);
		if (rc)
			break;
		f->title = kb_arena_printf(a, "%s: %s", s->name, au.name);
		f->description = *au.bio ? au.bio : kb_arena_printf(a, "%s की खबरें", au.name);
		f->page_path = kb_arena_printf(a, "/author/%s", au.slug);
		f->q.author_id = au.id;
		return 0;
	}
	}
	return rc == STORE_NOTFOUND ? 404 : 500;
}

/* Builds the feed of one subject kind in RSS or Atom. */
static int feed(kb_req *r, int kind, int is_atom)
{
	kb_settings s;
	if (store_settings(r->db, &r->arena, &s))
		return 500;
	/* "0" or "1" (the route's validator says so). */
	const char *full_arg = req_query(r, "full");
	int full = !full_arg || strcmp(full_arg, "0");
	feed_subject f;
	int status = subject(r, kind, &s, &f);
	if (status)
		return status;
	f.q.limit = FEED_ITEMS;
	f.q.with_body = full;
	f.q.with_tags = 1;
	kb_article *v;
	size_t n;
	if (store_article_list(r->db, &r->arena, &f.q, &v, &n, NULL))
		return 500;
	(is_atom ? atom : rss)(r, &s, &f, v, n, full);
	return 200;
}

int page_feed(kb_req *r)
{
	return feed(r, r->route->arg / 2, r->route->arg % 2);
}
