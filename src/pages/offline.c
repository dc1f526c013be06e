/*
 * offline.c: what makes the site installable and readable offline, on
 * the server's side:
 *
 *   /manifest.webmanifest  the web app manifest: the site's name, the
 *                          theme's colours (style.css's --brand and --bg),
 *                          icons drawn from the theme's logo at start
 *   /offline               the Hindi page the service worker shows for a
 *                          page it has not kept, with the stories it has
 *   /offline.json          what the service worker keeps when it installs:
 *                          the theme's version, the site's shell (CSS,
 *                          scripts, icons, the home page, /offline) and
 *                          the latest stories
 *
 * All three are reader pages in the page cache. The manifest and the
 * offline page depend only on settings and the theme (a settings change
 * empties the cache; a new theme is a new start); the list follows new
 * stories like the home page.
 *
 * Not here: the service worker itself (static/sw.js, served by push.c with
 * the version at its head), the install bar and the offline page's list
 * of saved stories (static/offline.js).
 */
#include <string.h>

#include "../media/media.h"
#include "pages.h"

/* Stories the service worker keeps at install; the reader's own come on
 * top, up to sw.js's bound. */
#define OFFLINE_STORIES 50

/* The icons made from the theme's logo: file name, size, share of the
 * icon the logo fills (a maskable icon's logo stays in the safe zone, the
 * middle 80%), the manifest's purpose. */
static const struct {
	const char *file;
	int size;
	double scale;
	const char *purpose;
} icons[] = {
	{"icon-192.png", 192, 1.0, "any"},
	{"icon-512.png", 512, 1.0, "any"},
	{"icon-maskable-512.png", 512, 0.8, "maskable"},
};

void offline_make_icons(void)
{
	const char *logo, *type;
	size_t len;
	if (theme_static_named("logo-512x512.png", &logo, &len, &type)) {
		kb_warn("the theme has no logo-512x512.png: the web app manifest has no icons");
		return;
	}
	char bg[8];
	theme_css_colour("brand", "#b3121f", bg, sizeof bg);
	for (size_t i = 0; i < KB_COUNT(icons); i++) {
		kb_buf png = {0};
		char err[256];
		if (media_icon(logo, len, icons[i].size, icons[i].scale, bg, &png, err, sizeof err))
			kb_warn("cannot make %s from the theme's logo: %s", icons[i].file, err);
		else
			theme_add_static(icons[i].file, png.data, png.len);
		kb_buf_free(&png);
	}
}

/* A short name for a launcher's label: the site's name when it is at
 * most 12 characters (code points), else its first word. Arena string. */
static const char *short_name(kb_arena *a, const char *name)
{
	size_t chars = 0;
	for (const char *p = name; *p; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	if (chars <= 12)
		return name;
	size_t word = strcspn(name, " ");
	return kb_arena_strndup(a, name, word);
}

int page_manifest(kb_req *r)
{
	kb_settings s;
	if (store_settings(r->db, &r->arena, &s))
		return 500;
	req_depend(r, "static"); /* settings and the theme: see above */
	char theme[8], bg[8];
	theme_css_colour("brand", "#b3121f", theme, sizeof theme);
	theme_css_colour("bg", "#ffffff", bg, sizeof bg);
	json_t *list = json_array();
	for (size_t i = 0; i < KB_COUNT(icons); i++) {
		const char *url = theme_asset_url(icons[i].file);
		if (!*url)
			continue;
		json_array_append_new(
			list, json_pack("{s:s,s:s,s:s,s:s}", "src", url, "sizes",
					kb_arena_printf(&r->arena, "%dx%d", icons[i].size, icons[i].size),
					"type", "image/png", "purpose", icons[i].purpose));
	}
	json_t *m = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:[s]}", "id", "/", "name",
			      s.name, "short_name", short_name(&r->arena, s.name), "description", s.tagline,
			      "lang", "hi", "dir", "ltr", "start_url", "/?source=pwa", "scope", "/",
			      "display", "standalone", "theme_color", theme, "background_color", bg, "icons",
			      list, "categories", "news");
	int status = req_json(r, m, 200);
	r->content_type = "application/manifest+json; charset=utf-8";
	return status;
}

int page_offline(kb_req *r)
{
	req_depend(r, "static"); /* settings and the theme only */
	tv *ctx = site_context(r, "आप ऑफ़लाइन हैं", "इंटरनेट से जुड़ते ही ताज़ा खबरें फिर मिलेंगी।");
	if (!ctx)
		return 500;
	tv_set_bool(ctx, "noindex", 1);
	return site_render(r, "offline", ctx);
}

int page_offline_list(kb_req *r)
{
	kb_arena *a = &r->arena;
	req_depend(r, "list");
	kb_article *v;
	size_t n;
	kb_article_query q = {.limit = OFFLINE_STORIES};
	if (store_article_list(r->db, a, &q, &v, &n, NULL))
		return 500;
	char version[9];
	theme_version(version);
	/* The shell: what every page needs, then the pages themselves. */
	static const char *const assets[] = {"style.css",  "app.js",   "push.js",
					     "offline.js", "icon.svg", "icon-192.png"};
	json_t *shell = json_array();
	for (size_t i = 0; i < KB_COUNT(assets); i++)
		if (*theme_asset_url(assets[i]))
			json_array_append_new(shell, json_string(theme_asset_url(assets[i])));
	json_array_append_new(shell, json_string("/"));
	json_array_append_new(shell, json_string("/offline"));
	json_t *stories = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(stories,
				      json_pack("{s:s,s:s}", "url", kb_arena_printf(a, "/news/%s", v[i].slug),
						"title", v[i].title));
	return req_json(r, json_pack("{s:s,s:o,s:o}", "version", version, "shell", shell, "stories", stories),
			200);
}
