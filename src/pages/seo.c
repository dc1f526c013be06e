/*
 * seo.c: feed links, Open Graph and Twitter cards for every page, and the
 * NewsArticle + BreadcrumbList JSON-LD of an article (see seo.h).
 *
 * The JSON-LD is built with jansson, so quoting is jansson's; what jansson
 * does not do is make JSON safe inside <script>: seo_script_json() turns
 * every < > & into \u escapes. Those bytes can only occur inside JSON
 * strings, so the result is the same JSON, and "</script>" or "<!--" in a
 * headline cannot end the script block.
 *
 * The site's NewsMediaOrganization (the article's publisher, and the home
 * page's own graph) names its policies only when their pages are
 * published: publishingPrinciples the editorial policy, correctionsPolicy
 * the corrections policy, ownershipFundingInfo the ownership_url setting
 * or else the about page; contactPoint the email and phone settings.
 * An author with a profile is a Person with sameAs (their social links),
 * on their page (a ProfilePage) and as a story's author.
 */
#include "seo.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../db/authors_store.h"
#include "../render/paths.h"
#include "pages.h"
#include "site.h"

const char *seo_abs_url(kb_req *r, const char *base, const char *url)
{
	if (!strncmp(url, "https://", 8) || !strncmp(url, "http://", 7))
		return url;
	size_t bl = strlen(base);
	while (bl && base[bl - 1] == '/')
		bl--;
	return kb_arena_printf(&r->arena, "%.*s%s%s", (int)bl, base, *url == '/' ? "" : "/", url);
}

const char *seo_logo_url(kb_req *r, const char *base)
{
	return seo_abs_url(r, base, theme_asset_url("logo-512x512.png"));
}

size_t seo_images(kb_req *r, const char *base, const kb_article *a, seo_image out[3])
{
	const char *img = a ? render_article_image(&r->arena, a->image_url, a->media.id, a->media.stem)
			    : NULL;
	if (a && a->media.id && a->media.width) {
		/* The photo's social derivative: 1200 px wide, or the photo's
		 * own width when it is narrower. */
		int w = a->media.width < 1200 ? a->media.width : 1200;
		int h = (int)((double)a->media.height * w / a->media.width + 0.5);
		out[0] = (seo_image){seo_abs_url(r, base, img), w, h};
		return 1;
	}
	if (img && *img) {
		out[0] = (seo_image){seo_abs_url(r, base, img), 0, 0};
		return 1;
	}
	static const struct {
		const char *file;
		int w, h;
	} logos[] = {
		{"logo-1200x675.png", 1200, 675},   /* 16:9 */
		{"logo-1200x900.png", 1200, 900},   /* 4:3 */
		{"logo-1200x1200.png", 1200, 1200}, /* 1:1 */
	};
	for (size_t i = 0; i < KB_COUNT(logos); i++)
		out[i] = (seo_image){seo_abs_url(r, base, theme_asset_url(logos[i].file)), logos[i].w,
				     logos[i].h};
	return KB_COUNT(logos);
}

/* "@handle" from an X (or Twitter) profile URL, or NULL. */
static const char *x_handle(kb_req *r, const char *url)
{
	static const char *const hosts[] = {"https://x.com/", "https://twitter.com/", "https://www.x.com/",
					    "https://www.twitter.com/"};
	for (size_t i = 0; i < KB_COUNT(hosts); i++) {
		size_t n = strlen(hosts[i]);
		if (strncmp(url, hosts[i], n))
			continue;
		const char *h = url + n;
		size_t len = strcspn(h, "/?#");
		if (!len)
			return NULL;
		for (size_t k = 0; k < len; k++)
			if (!(h[k] == '_' || (h[k] >= '0' && h[k] <= '9') || (h[k] >= 'a' && h[k] <= 'z') ||
			      (h[k] >= 'A' && h[k] <= 'Z')))
				return NULL;
		return kb_arena_printf(&r->arena, "@%.*s", (int)len, h);
	}
	return NULL;
}

/* A feed link for page.feeds. */
static tv *feed_link(kb_req *r, const char *type, const char *title, const char *url)
{
	tv *f = tv_obj(&r->arena);
	tv_set_str(f, "type", type);
	tv_set_str(f, "title", title);
	tv_set_str(f, "url", url);
	return f;
}

void seo_page(kb_req *r, tv *ctx, const kb_settings *s)
{
	kb_arena *a = &r->arena;
	tv *page = tv_get(ctx, "page");
	tv *feeds = tv_list(a);
	tv_push(feeds, feed_link(r, "application/rss+xml", kb_arena_printf(a, "%s: RSS फ़ीड", s->name),
				 seo_abs_url(r, s->base_url, "/feed")));
	tv_push(feeds, feed_link(r, "application/atom+xml", kb_arena_printf(a, "%s: एटम फ़ीड", s->name),
				 seo_abs_url(r, s->base_url, "/feed/atom")));
	tv_set(page, "feeds", feeds);

	const tv *title = tv_get(page, "title");
	const tv *desc = tv_get(page, "description");
	seo_image img[3];
	seo_images(r, s->base_url, NULL, img);
	tv *og = tv_obj(a);
	tv_set_str(og, "site_name", s->name);
	tv_set_str(og, "type", "website");
	tv_set_str(og, "title", title && title->s && *title->s ? title->s : s->name);
	tv_set_str(og, "description", desc && desc->s ? desc->s : "");
	tv_set(og, "page_url", tv_get(page, "canonical"));
	/* The 16:9 logo: 1200x675 and about 20 KB, well inside WhatsApp's
	 * limits for a link preview. */
	tv_set_str(og, "image", img[0].url);
	tv_set_int(og, "image_width", img[0].width);
	tv_set_int(og, "image_height", img[0].height);
	tv_set_str(og, "image_alt", s->name);
	const char *handle = x_handle(r, s->x);
	if (handle)
		tv_set_str(og, "twitter_site", handle);
	tv_set(page, "og", og);
}

void seo_subject_feeds(kb_req *r, tv *ctx, const char *name)
{
	kb_arena *a = &r->arena;
	const tv *site = tv_get(ctx, "site");
	const char *base = tv_get(site, "base_url")->s;
	tv *feeds = tv_get(tv_get(ctx, "page"), "feeds");
	tv_push(feeds, feed_link(r, "application/rss+xml", kb_arena_printf(a, "%s: RSS फ़ीड", name),
				 seo_abs_url(r, base, kb_arena_printf(a, "%s/feed", r->path))));
	tv_push(feeds, feed_link(r, "application/atom+xml", kb_arena_printf(a, "%s: एटम फ़ीड", name),
				 seo_abs_url(r, base, kb_arena_printf(a, "%s/feed/atom", r->path))));
}

/* Appends json (compact jansson output) with < > & as \u escapes. */
static void seo_script_json(kb_buf *out, const char *json)
{
	for (const char *p = json; *p; p++) {
		if (*p == '<')
			kb_buf_puts(out, "\\u003c");
		else if (*p == '>')
			kb_buf_puts(out, "\\u003e");
		else if (*p == '&')
			kb_buf_puts(out, "\\u0026");
		else
			kb_buf_putc(out, *p);
	}
}

/* A schema.org ImageObject. */
static json_t *image_object(const char *url, int w, int h)
{
	json_t *o = json_pack("{s:s,s:s}", "@type", "ImageObject", "url", url);
	if (w && h) {
		json_object_set_new(o, "width", json_integer(w));
		json_object_set_new(o, "height", json_integer(h));
	}
	return o;
}

/* slug when the site has a published static page of that slug, or NULL. */
static const char *published_page(const kb_site *site, const char *slug)
{
	for (size_t i = 0; i < site->npages; i++)
		if (!strcmp(site->pages[i], slug))
			return site->pages[i];
	return NULL;
}

json_t *seo_organization(kb_req *r, const kb_site *site)
{
	kb_arena *ar = &r->arena;
	const kb_settings *s = &site->settings;
	const char *base = s->base_url;
	json_t *org = json_pack("{s:s,s:s,s:s,s:o}", "@type", "NewsMediaOrganization", "name", s->name, "url",
				seo_abs_url(r, base, "/"), "logo",
				image_object(seo_logo_url(r, base), 512, 512));
	static const struct {
		const char *prop, *slug;
	} policies[] = {{"publishingPrinciples", "editorial-policy"},
			{"correctionsPolicy", "corrections-policy"},
			{"ownershipFundingInfo", "about"}};
	for (size_t i = 0; i < KB_COUNT(policies); i++) {
		const char *slug = published_page(site, policies[i].slug);
		const char *url = slug ? seo_abs_url(r, base, kb_arena_printf(ar, "/page/%s", slug)) : NULL;
		if (!strcmp(policies[i].prop, "ownershipFundingInfo") && *s->ownership_url)
			url = seo_abs_url(r, base, s->ownership_url);
		if (url)
			json_object_set_new(org, policies[i].prop, json_string(url));
	}
	if (*s->email || *s->phone) {
		json_t *cp =
			json_pack("{s:s,s:s}", "@type", "ContactPoint", "contactType", "customer support");
		if (*s->email)
			json_object_set_new(cp, "email", json_string(s->email));
		if (*s->phone)
			json_object_set_new(cp, "telephone", json_string(s->phone));
		const char *contact = published_page(site, "contact");
		if (contact)
			json_object_set_new(
				cp, "url",
				json_string(seo_abs_url(r, base, kb_arena_printf(ar, "/page/%s", contact))));
		json_object_set_new(org, "contactPoint", cp);
	}
	return org;
}

json_t *seo_person(kb_req *r, const char *base, const kb_author_profile *p)
{
	kb_arena *ar = &r->arena;
	json_t *o = json_pack("{s:s,s:s,s:s}", "@type", "Person", "name", p->name, "url",
			      seo_abs_url(r, base, kb_arena_printf(ar, "/author/%s", p->slug)));
	if (*p->role)
		json_object_set_new(o, "jobTitle", json_string(p->role));
	if (*p->bio)
		json_object_set_new(o, "description", json_string(p->bio));
	if (*p->email)
		json_object_set_new(o, "email", json_string(p->email));
	if (p->photo.id)
		json_object_set_new(
			o, "image",
			json_string(seo_abs_url(r, base,
						render_article_image(ar, "", p->photo.id, p->photo.stem))));
	json_t *same = json_array();
	for (const char *l = p->links; *l;) {
		size_t len = strcspn(l, "\n");
		if (len)
			json_array_append_new(same, json_stringn(l, len));
		l += len + (l[len] == '\n');
	}
	if (json_array_size(same))
		json_object_set_new(o, "sameAs", same);
	else
		json_decref(same);
	if (p->nareas) {
		json_t *knows = json_array();
		for (size_t i = 0; i < p->nareas; i++)
			json_array_append_new(knows, json_string(p->areas[i].name));
		json_object_set_new(o, "knowsAbout", knows);
	}
	return o;
}

/* Sets page.jsonld to graph g (taken), made safe inside <script>. */
static void set_jsonld(kb_req *r, tv *ctx, json_t *g)
{
	char *s = g ? json_dumps(g, JSON_COMPACT) : NULL;
	json_decref(g);
	if (!s)
		return; /* out of memory in jansson: the page stays, without JSON-LD */
	kb_buf b = {0};
	seo_script_json(&b, s);
	free(s);
	tv_set(tv_get(ctx, "page"), "jsonld", tv_html(&r->arena, b.data, b.len));
	kb_buf_free(&b);
}

void seo_home(kb_req *r, tv *ctx, const kb_site *site)
{
	json_t *org = seo_organization(r, site);
	json_object_set_new(org, "@context", json_string("https://schema.org"));
	set_jsonld(r, ctx, org);
}

void seo_author(kb_req *r, tv *ctx, const kb_site *site, const kb_author_profile *p)
{
	const char *url = tv_get(tv_get(ctx, "page"), "canonical")->s;
	set_jsonld(r, ctx,
		   json_pack("{s:s,s:s,s:s,s:o}", "@context", "https://schema.org", "@type", "ProfilePage",
			     "url", url, "mainEntity", seo_person(r, site->settings.base_url, p)));
}

/* qsort: live entries newest first. */
static int newest_first(const void *x, const void *y)
{
	const kb_live_entry *a = *(const kb_live_entry *const *)x, *b = *(const kb_live_entry *const *)y;
	if (a->created_at != b->created_at)
		return a->created_at < b->created_at ? 1 : -1;
	return a->id < b->id ? 1 : a->id > b->id ? -1 : 0;
}

/* What makes a story's JSON-LD a LiveBlogPosting: its coverage's start
 * and end (the planned one, or when it closed) and its newest entries,
 * each a BlogPosting at its anchor. */
static void live_graph(kb_req *r, json_t *art, const live_page *lp, const char *url)
{
	kb_arena *ar = &r->arena;
	json_object_set_new(art, "coverageStartTime", json_string(site_iso(r, lp->live.started_at)));
	int64_t end = lp->live.closed_at ? lp->live.closed_at : lp->live.ends_at;
	if (end)
		json_object_set_new(art, "coverageEndTime", json_string(site_iso(r, end)));
	json_t *ups = json_array();
	/* newest first, pinned or not */
	const kb_live_entry **v = kb_arena_alloc(ar, (lp->n ? lp->n : 1) * sizeof *v);
	for (size_t i = 0; i < lp->n; i++)
		v[i] = &lp->entries[i];
	qsort(v, lp->n, sizeof *v, newest_first);
	for (size_t i = 0; i < lp->n && i < 50; i++) {
		const kb_live_entry *e = v[i];
		const char *at = kb_arena_printf(ar, "%s#e-%lld", url, (long long)e->id);
		json_t *u = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "@type", "BlogPosting", "@id", at,
				      "url", at, "headline", live_headline(ar, e->body), "datePublished",
				      site_iso(r, e->created_at), "dateModified", site_iso(r, e->updated_at),
				      "articleBody", e->body);
		json_array_append_new(ups, u);
	}
	json_object_set_new(art, "liveBlogUpdate", ups);
}

/* The NewsArticle (or LiveBlogPosting, with lp) + BreadcrumbList graph of
 * article a at url. */
static json_t *article_graph(kb_req *r, const kb_article *a, const kb_site *site,
			     const kb_author_profile *author, const kb_note *notes, size_t nnotes,
			     const live_page *lp, const char *url, const char *desc)
{
	const char *base = site->settings.base_url, *name = site->settings.name;
	kb_arena *ar = &r->arena;
	json_t *art = json_object();
	json_object_set_new(art, "@type", json_string(lp ? "LiveBlogPosting" : "NewsArticle"));
	json_object_set_new(art, "@id", json_string(kb_arena_printf(ar, "%s#article", url)));
	json_object_set_new(art, "mainEntityOfPage", json_pack("{s:s,s:s}", "@type", "WebPage", "@id", url));
	json_object_set_new(art, "url", json_string(url));
	json_object_set_new(art, "headline", json_string(a->title));
	if (desc && *desc)
		json_object_set_new(art, "description", json_string(desc));
	json_object_set_new(art, "inLanguage", json_string("hi"));
	seo_image img[3];
	size_t n = seo_images(r, base, a, img);
	json_t *imgs = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(imgs, image_object(img[i].url, img[i].width, img[i].height));
	json_object_set_new(art, "image", imgs);
	json_object_set_new(art, "datePublished", json_string(site_iso(r, a->published_at)));
	json_object_set_new(art, "dateModified", json_string(site_iso(r, store_article_modified(a))));
	json_t *org = seo_organization(r, site);
	if (author)
		json_object_set_new(art, "author", json_pack("[o]", seo_person(r, base, author)));
	else if (a->author.id)
		json_object_set_new(
			art, "author",
			json_pack("[{s:s,s:s,s:s}]", "@type", "Person", "name", a->author.name, "url",
				  seo_abs_url(r, base, kb_arena_printf(ar, "/author/%s", a->author.slug))));
	else
		json_object_set_new(art, "author",
				    json_pack("[{s:s,s:s,s:s}]", "@type", "Organization", "name", name, "url",
					      seo_abs_url(r, base, "/")));
	json_object_set_new(art, "publisher", org);
	if (a->category.id)
		json_object_set_new(art, "articleSection", json_string(a->category.name));
	if (a->ntags) {
		json_t *kw = json_array();
		for (size_t i = 0; i < a->ntags; i++)
			json_array_append_new(kw, json_string(a->tags[i].name));
		json_object_set_new(art, "keywords", kw);
	}
	json_object_set_new(art, "isAccessibleForFree", json_true());
	/* Its corrections, as schema.org's CorrectionComment. */
	json_t *fixes = json_array();
	for (size_t i = 0; i < nnotes; i++)
		if (!strcmp(notes[i].kind, "correction"))
			json_array_append_new(fixes, json_pack("{s:s,s:s,s:s}", "@type", "CorrectionComment",
							       "text", notes[i].body, "datePublished",
							       site_iso(r, notes[i].at)));
	if (json_array_size(fixes))
		json_object_set_new(art, "correction", fixes);
	else
		json_decref(fixes);
	if (lp)
		live_graph(r, art, lp, url);

	json_t *items = json_array();
	json_array_append_new(items, json_pack("{s:s,s:i,s:s,s:s}", "@type", "ListItem", "position", 1,
					       "name", "होम", "item", seo_abs_url(r, base, "/")));
	int pos = 2;
	if (a->category.id)
		json_array_append_new(
			items, json_pack("{s:s,s:i,s:s,s:s}", "@type", "ListItem", "position", pos++, "name",
					 a->category.name, "item",
					 seo_abs_url(r, base,
						     kb_arena_printf(ar, "/category/%s", a->category.slug))));
	json_array_append_new(items, json_pack("{s:s,s:i,s:s,s:s}", "@type", "ListItem", "position", pos,
					       "name", a->title, "item", url));
	json_t *crumbs = json_pack("{s:s,s:o}", "@type", "BreadcrumbList", "itemListElement", items);

	return json_pack("{s:s,s:[o,o]}", "@context", "https://schema.org", "@graph", art, crumbs);
}

void seo_article(kb_req *r, tv *ctx, const kb_article *a, const kb_site *site,
		 const kb_author_profile *author, const kb_note *notes, size_t nnotes, const live_page *live)
{
	kb_arena *ar = &r->arena;
	const char *base = site->settings.base_url;
	tv *page = tv_get(ctx, "page");
	const char *url = tv_get(page, "canonical")->s;
	const tv *desc = tv_get(page, "description");

	tv *og = tv_get(page, "og");
	tv_set_str(og, "type", "article");
	seo_image img[3];
	seo_images(r, base, a, img);
	tv_set_str(og, "image", img[0].url);
	tv_set_int(og, "image_width", img[0].width);
	tv_set_int(og, "image_height", img[0].height);
	tv_set_str(og, "image_alt", *a->image_caption ? a->image_caption : a->title);
	tv_set_str(og, "published", site_iso(r, a->published_at));
	tv_set_str(og, "modified", site_iso(r, store_article_modified(a)));
	if (a->category.id)
		tv_set_str(og, "section", a->category.name);
	tv *tags = tv_list(ar);
	for (size_t i = 0; i < a->ntags; i++)
		tv_push(tags, tv_str(ar, a->tags[i].name));
	tv_set(og, "tags", tags);

	set_jsonld(
		r, ctx,
		article_graph(r, a, site, author, notes, nnotes, live, url, desc && desc->s ? desc->s : ""));
}
