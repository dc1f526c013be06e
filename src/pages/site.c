/*
 * site.c: the context every public page shares and the template values
 * made from store records (see site.h). The theme itself (templates,
 * static files, reader-facing dates) is src/render/theme.c. What every
 * page shows around its content (settings, categories, menus: kb_site) is
 * read once per content version by each server thread (site_read).
 */
#include "site.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../render/escape.h"
#include "../render/paths.h"
#include "../text/text.h"
#include "seo.h"

tv *site_date(kb_req *r, int64_t t, unsigned flags)
{
	kb_buf b = {0};
	theme_date(&b, t, flags);
	tv *v = tv_strn(&r->arena, kb_arena_strndup(&r->arena, kb_buf_str(&b), b.len), b.len);
	kb_buf_free(&b);
	return v;
}

void site_iso_date(kb_buf *out, int64_t t)
{
	struct tm tm;
	char s[40];
	kb_localtime(t, &tm);
	size_t n = strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S%z", &tm);
	/* +0530 -> +05:30 */
	kb_buf_append(out, s, n - 2);
	kb_buf_putc(out, ':');
	kb_buf_append(out, s + n - 2, 2);
}

const char *site_iso(kb_req *r, int64_t t)
{
	kb_buf b = {0};
	site_iso_date(&b, t);
	return kb_buf_to_arena(&r->arena, &b);
}

static tv *iso_value(kb_req *r, int64_t t)
{
	kb_buf b = {0};
	site_iso_date(&b, t);
	return tv_str(&r->arena, kb_buf_to_arena(&r->arena, &b));
}

static const char *encode(kb_req *r, const char *s)
{
	kb_buf b = {0};
	url_encode(&b, s, strlen(s));
	const char *out = kb_arena_strndup(&r->arena, kb_buf_str(&b), b.len);
	kb_buf_free(&b);
	return out;
}

tv *site_photo(kb_req *r, const kb_media *m, const char *sizes)
{
	kb_arena *ar = &r->arena;
	if (!m->id || !*m->widths)
		return NULL;
	kb_buf webp = {0}, jpg = {0};
	int largest = 0, middle = 0;
	for (const char *p = m->widths; *p;) {
		int w = atoi(p);
		kb_buf_printf(&webp, "%s/media/%s-%d.webp %dw", webp.len ? ", " : "", m->stem, w, w);
		kb_buf_printf(&jpg, "%s/media/%s-%d.jpg %dw", jpg.len ? ", " : "", m->stem, w, w);
		if (w <= 1024)
			middle = w;
		largest = w;
		p += strcspn(p, ",");
		p += *p == ',';
	}
	tv *o = tv_obj(ar);
	tv_set(o, "webp", tv_strn(ar, kb_arena_strndup(ar, webp.data, webp.len), webp.len));
	tv_set(o, "jpg", tv_strn(ar, kb_arena_strndup(ar, jpg.data, jpg.len), jpg.len));
	tv_set(o, "src", tv_strf(ar, "/media/%s-%d.jpg", m->stem, middle ? middle : largest));
	tv_set_str(o, "sizes", sizes);
	/* The largest derivative's size: the browser reserves the space
	 * (aspect ratio) before the image arrives, so nothing shifts. */
	tv_set_int(o, "width", m->width);
	tv_set_int(o, "height", m->height);
	kb_buf_free(&webp);
	kb_buf_free(&jpg);
	return o;
}

tv *site_article(kb_req *r, const kb_article *a, int full)
{
	kb_arena *ar = &r->arena;
	tv *o = tv_obj(ar);
	tv_set_int(o, "id", a->id);
	tv_set_str(o, "title", a->title);
	tv_set_str(o, "summary", a->summary);
	tv_set(o, "url", tv_strf(ar, "/news/%s", a->slug));
	tv_set(o, "date", site_date(r, a->published_at, TEXT_TIME));
	tv_set(o, "iso", iso_value(r, a->published_at));
	tv_set_bool(o, "breaking", a->breaking);
	tv_set_str(o, "image", render_article_image(ar, a->image_url, a->media.id, a->media.stem));
	tv *photo =
		site_photo(r, &a->media,
			   full ? "(min-width: 46rem) 44rem, calc(100vw - 2rem)"
				: "(min-width: 72rem) 23rem, (min-width: 48rem) 33vw, calc(100vw - 2rem)");
	if (photo)
		tv_set(o, "photo", photo);
	if (a->category.id) {
		tv *c = tv_obj(ar);
		tv_set_str(c, "name", a->category.name);
		tv_set(c, "url", tv_strf(ar, "/category/%s", a->category.slug));
		tv_set(o, "category", c);
	}
	if (a->author.id) {
		tv *au = tv_obj(ar);
		tv_set_str(au, "name", a->author.name);
		tv_set(au, "url", tv_strf(ar, "/author/%s", a->author.slug));
		tv_set(o, "author", au);
	}
	if (!full)
		return o;
	tv_set_str(o, "dateline", a->dateline);
	tv_set_str(o, "caption", a->image_caption);
	tv_set_str(o, "credit", a->image_credit);
	if (a->modified_at > a->published_at + 300)
		tv_set(o, "updated", site_date(r, a->modified_at, TEXT_TIME));
	tv *tags = tv_list(ar);
	for (size_t i = 0; i < a->ntags; i++) {
		tv *t = tv_obj(ar);
		tv_set_str(t, "name", a->tags[i].name);
		tv_set(t, "url", tv_strf(ar, "/tag/%s", a->tags[i].slug));
		tv_push(tags, t);
	}
	tv_set(o, "tags", tags);
	return o;
}

tv *site_article_list(kb_req *r, const kb_article *v, size_t n)
{
	tv *l = tv_list(&r->arena);
	for (size_t i = 0; i < n; i++)
		tv_push(l, site_article(r, &v[i], 0));
	return l;
}

int site_page_number(kb_req *r)
{
	const char *p = req_query(r, "page");
	if (!p)
		return 1;
	char *end;
	long v = strtol(p, &end, 10);
	if (!*p || *end || v < 1 || v > 100000)
		return 0;
	return (int)v;
}

void site_pager(kb_req *r, tv *ctx, int page, size_t per_page, size_t total)
{
	size_t pages = total ? (total + per_page - 1) / per_page : 1;
	tv *p = tv_obj(&r->arena);
	tv_set_int(p, "page", page);
	tv_set_int(p, "pages", (long long)pages);
	if (page > 1)
		tv_set(p, "prev",
		       page == 2 ? tv_str(&r->arena, r->path)
				 : tv_strf(&r->arena, "%s?page=%d", r->path, page - 1));
	if ((size_t)page < pages)
		tv_set(p, "next", tv_strf(&r->arena, "%s?page=%d", r->path, page + 1));
	tv_set_bool(p, "show", pages > 1);
	tv_set(ctx, "pager", p);
}

/* The site this thread last read, and the content version it was read
 * at: one server thread serves one database, and every part of kb_site
 * moves the version when it changes (store.h). The version is the one the
 * request started with, read before the site, so what is kept is never
 * older than the version it is kept for. */
static _Thread_local struct {
	store *db;
	int64_t version;
	kb_arena arena;
	kb_site site;
} t_site;

const kb_site *site_read(kb_req *r)
{
	/* Outside a server (commands, tests, benchmarks that set no version)
	 * nothing says when the site changed: read it for this request. */
	if (r->version <= 0) {
		kb_site *s = kb_arena_alloc(&r->arena, sizeof *s);
		return store_site(r->db, &r->arena, s) ? NULL : s;
	}
	if (t_site.db == r->db && t_site.version == r->version)
		return &t_site.site;
	kb_arena_free(&t_site.arena);
	t_site.db = NULL;
	if (store_site(r->db, &t_site.arena, &t_site.site)) {
		kb_arena_free(&t_site.arena);
		return NULL;
	}
	t_site.db = r->db;
	t_site.version = r->version;
	return &t_site.site;
}

tv *site_context(kb_req *r, const char *title, const char *description)
{
	const kb_site *site = site_read(r);
	return site ? site_context_of(r, site, title, description) : NULL;
}

tv *site_context_of(kb_req *r, const kb_site *site, const char *title, const char *description)
{
	kb_arena *a = &r->arena;
	kb_settings s = site->settings;
	tv *ctx = tv_obj(a);
	tv *site_v = tv_obj(a);
	tv_set_str(site_v, "name", s.name);
	tv_set_str(site_v, "tagline", s.tagline);
	tv_set_str(site_v, "email", s.email);
	tv_set_str(site_v, "logo", s.logo);
	if (*s.email)
		tv_set(site_v, "mailto", tv_strf(a, "mailto:%s", s.email));
	tv_set_str(site_v, "base_url", s.base_url);
	static const struct {
		const char *key, *label;
		size_t off;
	} follow[] = {
		{"facebook", "फेसबुक", offsetof(kb_settings, facebook)},
		{"instagram", "इंस्टाग्राम", offsetof(kb_settings, instagram)},
		{"x", "X", offsetof(kb_settings, x)},
		{"arattai", "अरट्टई", offsetof(kb_settings, arattai)},
		{"whatsapp", "व्हाट्सएप", offsetof(kb_settings, whatsapp)},
		{"google_news", "गूगल न्यूज़", offsetof(kb_settings, google_news)},
	};
	tv *fl = tv_obj(a);
	int any = 0;
	for (size_t i = 0; i < KB_COUNT(follow); i++) {
		const char *url = *(const char *const *)((const char *)&s + follow[i].off);
		if (url && *url) {
			tv_set_str(fl, follow[i].key, url);
			any = 1;
		}
	}
	tv_set(site_v, "follow", fl);
	tv_set_bool(site_v, "has_follow", any);
	tv_set(ctx, "site", site_v);
	/* The breaking ticker, while it runs: its end clears it (the
	 * scheduler), which empties every cache as any setting does. */
	int64_t until = *s.ticker_until ? strtoll(s.ticker_until, NULL, 10) : 0;
	if (*s.ticker_text && (!until || kb_now() < until)) {
		tv *t = tv_obj(a);
		tv_set_str(t, "text", s.ticker_text);
		tv_set_str(t, "url", s.ticker_url);
		tv_set(ctx, "ticker", t);
	}

	tv *nav = tv_list(a);
	for (size_t i = 0; i < site->ncats; i++) {
		tv *c = tv_obj(a);
		tv_set_str(c, "name", site->cats[i].name);
		tv_set_str(c, "slug", site->cats[i].slug);
		tv_set(c, "url", tv_strf(a, "/category/%s", site->cats[i].slug));
		tv_push(nav, c);
	}
	tv_set(ctx, "nav", nav);

	/* The menus: the header's links, when the newsroom made some, stand
	 * in for the categories (nav stays the categories: search's filter
	 * lists them); the footer's, the static pages then the menu's. */
	tv *foot = tv_list(a);
	for (size_t i = 0; i < site->nfooter; i++) {
		tv *l = tv_obj(a);
		tv_set_str(l, "title", site->footer[i].label);
		tv_set_str(l, "url", site->footer[i].url);
		tv_push(foot, l);
	}
	tv_set(ctx, "foot_links", foot);
	if (site->nheader) {
		tv *menu = tv_list(a);
		for (size_t i = 0; i < site->nheader; i++) {
			tv *l = tv_obj(a);
			tv_set_str(l, "name", site->header[i].label);
			tv_set_str(l, "url", site->header[i].url);
			tv_push(menu, l);
		}
		tv_set(ctx, "menu", menu);
	}

	tv *as = tv_obj(a);
	tv_set_str(as, "css", theme_asset_url("style.css"));
	tv_set_str(as, "js", theme_asset_url("app.js"));
	tv_set_str(as, "push", theme_asset_url("push.js"));
	tv_set_str(as, "icon", theme_asset_url("icon.svg"));
	tv_set_str(as, "offline", theme_asset_url("offline.js"));
	tv_set_str(as, "touch_icon", theme_asset_url("icon-192.png"));
	char colour[8];
	theme_css_colour("brand", "#b3121f", colour, sizeof colour);
	tv_set_str(as, "theme_color", kb_arena_strdup(a, colour));
	tv_set(ctx, "asset", as);

	tv *page = tv_obj(a);
	tv_set_str(page, "title", title);
	tv_set_str(page, "description", description && *description ? description : s.tagline);
	tv_set(page, "canonical", tv_strf(a, "%s%s", s.base_url, r->path ? r->path : "/"));
	tv_set(ctx, "page", page);
	seo_page(r, ctx, &s);
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	tv_set_int(ctx, "year", tm.tm_year + 1900);
	return ctx;
}

int site_render(kb_req *r, const char *name, tv *ctx)
{
	return theme_render(name, ctx, &r->body) ? 500 : 200;
}

tv *site_share(kb_req *r, const char *title, const char *abs_url)
{
	kb_arena *a = &r->arena;
	const char *u = encode(r, abs_url);
	kb_buf both = {0};
	kb_buf_printf(&both, "%s %s", title, abs_url);
	const char *tw = encode(r, both.data);
	kb_buf_free(&both);
	const char *t = encode(r, title);
	tv *s = tv_obj(a);
	tv_set_str(s, "url", abs_url);
	tv_set(s, "whatsapp", tv_strf(a, "https://wa.me/?text=%s", tw));
	tv_set(s, "facebook", tv_strf(a, "https://www.facebook.com/sharer/sharer.php?u=%s", u));
	tv_set(s, "x", tv_strf(a, "https://x.com/intent/tweet?text=%s&url=%s", t, u));
	tv_set(s, "telegram", tv_strf(a, "https://t.me/share/url?url=%s&text=%s", u, t));
	return s;
}

tv *site_author(kb_req *r, const kb_author_profile *p)
{
	kb_arena *a = &r->arena;
	tv *o = tv_obj(a);
	tv_set_str(o, "name", p->name);
	tv_set(o, "url", tv_strf(a, "/author/%s", p->slug));
	tv_set_str(o, "role", p->role);
	tv_set_str(o, "bio", p->bio);
	tv_set_str(o, "email", p->email);
	if (*p->email)
		tv_set(o, "mailto", tv_strf(a, "mailto:%s", p->email));
	tv *links = tv_list(a);
	for (const char *l = p->links; *l;) {
		size_t len = strcspn(l, "\n");
		if (len) {
			/* The link's host, without www., names it. */
			const char *h = strstr(l, "://");
			h = h && (size_t)(h - l) < len ? h + 3 : l;
			if (!strncmp(h, "www.", 4))
				h += 4;
			size_t hl = strcspn(h, "/?#\n");
			tv *x = tv_obj(a);
			tv_set(x, "url", tv_strn(a, kb_arena_strndup(a, l, len), len));
			tv_set(x, "label", tv_strn(a, kb_arena_strndup(a, h, hl), hl));
			tv_push(links, x);
		}
		l += len + (l[len] == '\n');
	}
	tv_set(o, "links", links);
	tv *areas = tv_list(a);
	for (size_t i = 0; i < p->nareas; i++) {
		tv *x = tv_obj(a);
		tv_set_str(x, "name", p->areas[i].name);
		tv_set(x, "url", tv_strf(a, "/category/%s", p->areas[i].slug));
		tv_push(areas, x);
	}
	tv_set(o, "areas", areas);
	tv *photo = site_photo(r, &p->photo, "6rem");
	if (photo)
		tv_set(o, "photo", photo);
	tv_set_bool(o, "has_profile", *p->bio || *p->role || p->photo.id || *p->links || p->nareas);
	return o;
}

tv *site_note(kb_req *r, const kb_note *n)
{
	kb_arena *a = &r->arena;
	tv *o = tv_obj(a);
	int correction = !strcmp(n->kind, "correction");
	tv_set_str(o, "kind", n->kind);
	tv_set_str(o, "label", correction ? "सुधार" : "अपडेट");
	tv_set_bool(o, "correction", correction);
	tv_set_str(o, "body", n->body);
	tv_set(o, "date", site_date(r, n->at, TEXT_TIME));
	tv_set(o, "iso", tv_str(a, site_iso(r, n->at)));
	if (*n->slug) {
		tv_set_str(o, "title", n->title);
		tv_set(o, "url", tv_strf(a, "/news/%s#notes", n->slug));
	}
	return o;
}
