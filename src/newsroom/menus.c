/*
 * menus.c: the header's and footer's link lists in the newsroom (editors
 * and admins): one form, a box per menu, a link per line as "label | URL",
 * in the order the lines come. A URL is a site path (/page/about,
 * /category/desh, /tips) or an http(s) URL; anything else (javascript:,
 * //host, spaces) is refused with its line, and nothing is saved. The page
 * lists the pages and categories with their paths to copy. Not here: the
 * links on the site (src/pages/site.c), the footer's static pages (their
 * footer place, pages.c).
 */
#include <stdlib.h>
#include <string.h>

#include "../db/menus_store.h"
#include "../db/pages_store.h"
#include "newsroom.h"

#define MAX_LINKS 30
#define MAX_LABEL 100
#define MAX_URL 500

/* Whether u is a link a menu may hold: a site path or an http(s) URL,
 * without spaces or control characters. */
static int good_url(const char *u)
{
	for (const unsigned char *p = (const unsigned char *)u; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '\\' || *p == '"' || *p == '<' || *p == '>')
			return 0;
	if (u[0] == '/')
		return u[1] != '/';
	const char *rest = !strncmp(u, "https://", 8) ? u + 8 : !strncmp(u, "http://", 7) ? u + 7 : NULL;
	return rest && *rest && *rest != '/';
}

/* The text with spaces and tabs trimmed at both ends, in a. */
static const char *trim(kb_arena *a, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return kb_arena_strndup(a, s, n);
}

/* Parses text (a link per line, "label | URL") into *out, *n. 0, or the
 * 1-based number of the first bad line (*why its label key). */
static size_t parse(kb_arena *a, const char *text, kb_menu_item **out, size_t *n, const char **why)
{
	kb_menu_item *v = kb_arena_alloc(a, MAX_LINKS * sizeof *v);
	size_t k = 0, line = 0;
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		line++;
		const char *l = trim(a, p, len);
		p += len + (e ? 1 : 0);
		if (!*l)
			continue;
		const char *bar = strrchr(l, '|');
		if (!bar) {
			*why = "menu_need_bar";
			return line;
		}
		const char *label = trim(a, l, (size_t)(bar - l)), *url = trim(a, bar + 1, strlen(bar + 1));
		if (!*label || strlen(label) > MAX_LABEL) {
			*why = "menu_bad_label";
			return line;
		}
		if (strlen(url) > MAX_URL || !good_url(url)) {
			*why = "menu_bad_url";
			return line;
		}
		if (k == MAX_LINKS) {
			*why = "menu_too_many";
			return line;
		}
		v[k].label = label;
		v[k].url = url;
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}

/* A menu's links as the form's text. */
static const char *as_text(kb_arena *a, const kb_menu_item *v, size_t n)
{
	kb_buf b = {0};
	for (size_t i = 0; i < n; i++)
		kb_buf_printf(&b, "%s | %s\n", v[i].label, v[i].url);
	const char *s = kb_arena_strndup(a, kb_buf_str(&b), b.len);
	kb_buf_free(&b);
	return s;
}

/* The menus page with the texts header and footer (NULL: as stored), an
 * error message (or NULL) and status. */
static int menus_page(kb_req *r, const char *header, const char *footer, const char *error, int status)
{
	kb_arena *a = &r->arena;
	kb_menu_item *h, *f;
	size_t nh, nf;
	kb_page *pages;
	kb_category *cats;
	size_t npages, ncats;
	if (menus_store_both(r->db, a, &h, &nh, &f, &nf) || pages_store_list(r->db, a, 1, &pages, &npages) ||
	    store_category_list(r->db, a, &cats, &ncats))
		return 500;
	tv *ctx = nr_context(r, "menus", "menus");
	if (!ctx)
		return 500;
	tv_set_str(ctx, "header_text", header ? header : as_text(a, h, nh));
	tv_set_str(ctx, "footer_text", footer ? footer : as_text(a, f, nf));
	tv *links = tv_list(a);
	for (size_t i = 0; i < npages; i++) {
		tv *o = tv_obj(a);
		tv_set_str(o, "label", pages[i].title);
		tv_set(o, "path", tv_strf(a, "/page/%s", pages[i].slug));
		tv_push(links, o);
	}
	for (size_t i = 0; i < ncats; i++) {
		tv *o = tv_obj(a);
		tv_set_str(o, "label", cats[i].name);
		tv_set(o, "path", tv_strf(a, "/category/%s", cats[i].slug));
		tv_push(links, o);
	}
	tv_set(ctx, "links", links);
	if (error)
		tv_set_str(ctx, "error", error);
	return nr_render(r, "newsroom-menus", ctx, status);
}

int nr_menus(kb_req *r)
{
	return menus_page(r, NULL, NULL, NULL, 200);
}

int nr_menus_save(kb_req *r)
{
	kb_arena *a = &r->arena;
	const char *text[2] = {req_form(r, "header"), req_form(r, "footer")};
	static const char *const names[2] = {"header", "footer"};
	kb_menu_item *v[2];
	size_t n[2];
	for (int i = 0; i < 2; i++) {
		if (!text[i])
			text[i] = "";
		const char *why = NULL;
		size_t bad = strlen(text[i]) > 64 * 1024 ? 1 : parse(a, text[i], &v[i], &n[i], &why);
		if (bad) {
			const char *lang = r->user.lang;
			const char *msg = kb_arena_printf(a, "%s, %s %zu: %s",
							  nr_label(lang, i ? "menu_footer" : "menu_header"),
							  nr_label(lang, "menu_line"), bad,
							  nr_label(lang, why ? why : "menu_too_many"));
			return menus_page(r, text[0], text[1], msg, 400);
		}
	}
	if (store_begin(r->db))
		return 500;
	int rc = menus_store_set(r->db, names[0], v[0], n[0]) ||
		 menus_store_set(r->db, names[1], v[1], n[1]) ||
		 store_audit_add(r->db, r->user.id, "menu", 0, "");
	if (rc || store_commit(r->db)) {
		store_rollback(r->db);
		return 500;
	}
	return nr_redirect(r, "/newsroom/menus");
}
