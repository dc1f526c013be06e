/*
 * common.c: what every newsroom page shares (see newsroom.h): the page
 * context, rendering without caching, JSON answers, redirects and the
 * ownership rule.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../db/tips_store.h"
#include "../render/escape.h"
#include "../render/theme.h"
#include "../text/text.h"
#include "newsroom.h"

/* The navigation: key, path, lowest role that sees it. */
static const struct {
	const char *key, *path;
	int role;
} nav[] = {
	{"desk", "/newsroom", ROLE_REPORTER},
	{"new_article", "/newsroom/articles/new", ROLE_REPORTER},
	{"media", "/newsroom/media", ROLE_REPORTER},
	{"tips", "/newsroom/tips", ROLE_REPORTER},
	{"profile", "/newsroom/profile", ROLE_REPORTER},
	{"authors", "/newsroom/authors", ROLE_EDITOR},
	{"live", "/newsroom/live", ROLE_REPORTER},
	{"categories", "/newsroom/categories", ROLE_EDITOR},
	{"tags", "/newsroom/tags", ROLE_EDITOR},
	{"pages", "/newsroom/pages", ROLE_EDITOR},
	{"menus", "/newsroom/menus", ROLE_EDITOR},
	{"alerts", "/newsroom/alerts", ROLE_EDITOR},
	{"digest", "/newsroom/digest", ROLE_EDITOR},
	{"audit", "/newsroom/audit", ROLE_EDITOR},
	{"users", "/newsroom/users", ROLE_ADMIN},
	{"settings", "/newsroom/settings", ROLE_ADMIN},
};

tv *nr_context(kb_req *r, const char *title, const char *section)
{
	kb_arena *a = &r->arena;
	kb_settings s;
	if (store_settings(r->db, a, &s))
		return NULL;
	const char *lang = r->user.id ? r->user.lang : "hi";
	tv *ctx = tv_obj(a);
	tv *t = nr_labels(a, lang);
	tv_set(ctx, "t", t);
	tv_set_str(ctx, "lang", lang);
	tv_set_str(ctx, "title", nr_label(lang, title));
	tv_set_str(ctx, "site_name", s.name);
	tv_set_str(ctx, "csrf", r->csrf ? r->csrf : "");
	tv_set_str(ctx, "path", r->path);
	if (r->user.id) {
		tv *u = tv_obj(a);
		tv_set_int(u, "id", r->user.id);
		tv_set_str(u, "name", r->user.name);
		tv_set_str(u, "login", r->user.login);
		tv_set_str(u, "role",
			   nr_label(lang, kb_arena_printf(a, "role_%s", store_role_name(r->user.role))));
		tv_set_bool(u, "editor", r->user.role >= ROLE_EDITOR);
		tv_set_bool(u, "admin", r->user.role >= ROLE_ADMIN);
		tv_set(ctx, "user", u);
		/* The unread tips, as a count beside their link. */
		int64_t unseen = 0;
		if (tips_store_unseen(r->db, &unseen))
			return NULL;
		tv *items = tv_list(a);
		for (size_t i = 0; i < KB_COUNT(nav); i++) {
			if (r->user.role < nav[i].role)
				continue;
			tv *it = tv_obj(a);
			if (!strcmp(nav[i].key, "tips") && unseen)
				tv_set_int(it, "count", unseen);
			tv_set_str(it, "label", nr_label(lang, nav[i].key));
			tv_set_str(it, "url", nav[i].path);
			tv_set_bool(it, "current", section && !strcmp(section, nav[i].key));
			tv_push(items, it);
		}
		tv_set(ctx, "nav", items);
	}
	tv *as = tv_obj(a);
	tv_set_str(as, "css", theme_asset_url("newsroom.css"));
	tv_set_str(as, "js", theme_asset_url("newsroom.js"));
	tv_set_str(as, "icon", theme_asset_url("icon.svg"));
	tv_set(ctx, "asset", as);
	return ctx;
}

int nr_render(kb_req *r, const char *name, tv *ctx, int status)
{
	r->max_age = -1;
	r->content_type = "text/html; charset=utf-8";
	return theme_render(name, ctx, &r->body) ? 500 : status;
}

int nr_json(kb_req *r, json_t *j, int status)
{
	r->max_age = -1;
	return req_json(r, j, status);
}

int nr_json_error(kb_req *r, int status, const char *message)
{
	r->max_age = -1;
	return req_json_error(r, status, message);
}

int nr_redirect(kb_req *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kb_buf b = {0};
	kb_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	r->location = kb_buf_to_arena(&r->arena, &b);
	r->max_age = -1;
	return 303;
}

int nr_wants_json(kb_req *r)
{
	const char *accept = req_header(r, "accept");
	return accept && strstr(accept, "application/json");
}

int nr_can_edit(const kb_user *u, const kb_article *a)
{
	if (u->role >= ROLE_EDITOR)
		return 1;
	return u->role == ROLE_REPORTER && a->owner_id == u->id && !strcmp(a->status, "draft");
}

int nr_page(kb_req *r)
{
	const char *p = req_query(r, "page");
	char *end;
	long v = p ? strtol(p, &end, 10) : 1;
	return !p || *end || v < 1 ? 1 : v > 100000 ? 100000 : (int)v;
}

int64_t nr_param_id(kb_req *r, size_t i)
{
	if (i >= r->nparam)
		return 0;
	char *end;
	long long v = strtoll(r->param[i], &end, 10);
	return *end || v <= 0 ? 0 : (int64_t)v;
}

const char *nr_local_input(kb_req *r, int64_t t)
{
	struct tm tm;
	char s[32];
	kb_localtime(t, &tm);
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M", &tm);
	return kb_arena_strdup(&r->arena, s);
}

int nr_parse_local(const char *s, int64_t *out)
{
	/* datetime-local: "2026-01-01T05:31" or with ":SS"; the site's time. */
	return kb_parse_time(s, out);
}

const char *nr_date(kb_req *r, int64_t t)
{
	kb_buf b = {0};
	theme_date(&b, t, TEXT_TIME);
	const char *s = kb_arena_strndup(&r->arena, kb_buf_str(&b), b.len);
	kb_buf_free(&b);
	return s;
}

void nr_photo_small(kb_req *r, tv *o, const kb_media *m)
{
	int ready = !strcmp(m->status, "ready");
	tv_set_bool(o, "ready", ready);
	if (!ready)
		return;
	int w = atoi(m->widths); /* the smallest: widths go up */
	tv_set(o, "thumb", tv_strf(&r->arena, "/media/%s-%d.jpg", m->stem, w));
	tv_set_int(o, "width", w);
	tv_set_int(o, "height", m->width ? (long long)m->height * w / m->width : 0);
}

tv *nr_revision_value(kb_req *r, int64_t id, int64_t version, const char *title, const char *user_name,
		      int64_t at, const char *kind)
{
	kb_arena *a = &r->arena;
	tv *x = tv_obj(a);
	tv_set_int(x, "id", id);
	tv_set_int(x, "version", version);
	tv_set_str(x, "title", title);
	tv_set_str(x, "who", *user_name ? user_name : "—");
	tv_set_str(x, "when", nr_date(r, at));
	tv_set_str(x, "kind", nr_label(r->user.lang, kb_arena_printf(a, "kind_%s", kind)));
	return x;
}

const char *nr_field(kb_req *r, const char *name, size_t max, int *bad)
{
	const char *v = req_form(r, name);
	if (!v)
		return "";
	if (strlen(v) > max)
		*bad = 1;
	/* Browsers send CRLF line ends; the store keeps LF. */
	if (!strchr(v, '\r'))
		return v;
	char *o = kb_arena_strdup(&r->arena, v), *w = o;
	for (const char *p = v; *p; p++)
		if (*p != '\r')
			*w++ = *p;
	*w = 0;
	return o;
}
