/*
 * live.c: the newsroom's live coverage and the breaking ticker. An editor
 * turns a published story into live coverage (start, planned end) and
 * closes it; writers post entries from a phone (one textarea, a photo, a
 * link, post), edit, delete, pin them and mark key events; an editor may
 * push a key event to the story's category subscribers, within the hourly
 * limit (push_alert_send). The ticker is three settings (text, link, end),
 * so setting or clearing it empties every cache and purges the edge as
 * any setting does; nr_live_step ends it, and coverage past its planned
 * end, from the scheduler.
 *
 * Not here: the store (db/live_store.h), the reader's page (pages/live.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/live_store.h"
#include "../media/media.h"
#include "../push/push.h"
#include "../render/escape.h"
#include "../render/paths.h"
#include "newsroom.h"

#define MAX_ENTRY 5000
#define MAX_LINK 1000
#define MAX_TICKER 800 /* bytes: about 200 Devanagari characters */

/* A coverage for the templates. */
static tv *live_value(kb_req *r, const kb_live *l)
{
	kb_arena *a = &r->arena;
	tv *o = tv_obj(a);
	tv_set_int(o, "id", l->article_id);
	tv_set_bool(o, "open", live_is_open(l, kb_now()));
	tv_set_str(o, "started", nr_date(r, l->started_at));
	tv_set_str(o, "starts", nr_local_input(r, l->started_at));
	tv_set_str(o, "ends", l->ends_at ? nr_local_input(r, l->ends_at) : "");
	if (l->title) {
		tv_set_str(o, "title", l->title);
		tv_set(o, "url", tv_strf(a, "/news/%s", l->slug));
	}
	return o;
}

/* The ticker's state and form, for editors. */
static int ticker_value(kb_req *r, tv *ctx)
{
	kb_settings s;
	if (store_settings(r->db, &r->arena, &s))
		return -1;
	tv *t = tv_obj(&r->arena);
	int64_t until = *s.ticker_until ? strtoll(s.ticker_until, NULL, 10) : 0;
	if (*s.ticker_text && (!until || kb_now() < until)) {
		tv_set_str(t, "text", s.ticker_text);
		tv_set_str(t, "url", s.ticker_url);
		if (until)
			tv_set_str(t, "until", nr_date(r, until));
	}
	tv_set(ctx, "ticker", t);
	return 0;
}

/* A message to show from ?msg= after a redirect (GET routes only). */
static void message(kb_req *r, tv *ctx)
{
	const char *m = strcmp(r->method, "POST") ? req_query(r, "msg") : NULL;
	if (!m || !*m)
		return;
	if (!strcmp(m, "posted") || !strcmp(m, "alert_sent"))
		tv_set_str(ctx, "message",
			   nr_label(r->user.lang, !strcmp(m, "posted") ? "live_posted" : "alert_sent"));
	else if (!strcmp(m, "limit"))
		tv_set_str(ctx, "error", nr_alert_refusal(r, PUSH_OVER_LIMIT));
	else if (!strcmp(m, "invalid"))
		tv_set_str(ctx, "error", nr_alert_refusal(r, PUSH_INVALID));
}

int nr_live_index(kb_req *r)
{
	tv *ctx = nr_context(r, "live_title", "live");
	if (!ctx)
		return 500;
	kb_live *v;
	size_t n;
	if (live_store_list(r->db, &r->arena, &v, &n) || ticker_value(r, ctx))
		return 500;
	tv *list = tv_list(&r->arena);
	for (size_t i = 0; i < n; i++)
		tv_push(list, live_value(r, &v[i]));
	tv_set(ctx, "coverage", list);
	message(r, ctx);
	return nr_render(r, "newsroom-live", ctx, 200);
}

/* The live desk of story id, with error (NULL: none) and the entry form
 * holding body and link again after a refusal. */
static int desk_page(kb_req *r, int64_t id, const char *error, const char *body, const char *link, int status)
{
	kb_arena *a = &r->arena;
	kb_article art;
	int rc = store_article_by_id(r->db, a, id, &art);
	if (rc)
		return rc == STORE_NOTFOUND ? 404 : 500;
	tv *ctx = nr_context(r, "live_title", "live");
	if (!ctx || ticker_value(r, ctx))
		return 500;
	tv *ao = tv_obj(a);
	tv_set_int(ao, "id", art.id);
	tv_set_str(ao, "title", art.title);
	tv_set(ao, "url", tv_strf(a, "/news/%s", art.slug));
	tv_set_bool(ao, "published", !strcmp(art.status, "published"));
	tv_set(ctx, "article", ao);
	kb_live l;
	rc = live_store_get(r->db, id, &l);
	if (rc && rc != STORE_NOTFOUND)
		return 500;
	if (!rc) {
		tv_set(ctx, "live", live_value(r, &l));
		kb_live_entry *v;
		size_t n;
		if (live_store_entries(r->db, a, id, 0, &v, &n))
			return 500;
		tv *list = tv_list(a);
		for (size_t i = 0; i < n; i++) {
			tv *o = tv_obj(a);
			tv_set_int(o, "id", v[i].id);
			tv_set_str(o, "body", v[i].body);
			tv_set_str(o, "link", v[i].link);
			tv_set_str(o, "when", nr_date(r, v[i].created_at));
			tv_set_str(o, "by", v[i].user_name);
			tv_set_bool(o, "pinned", v[i].pinned);
			tv_set_bool(o, "key", v[i].key_event);
			tv_set_bool(o, "photo", v[i].media_id != 0);
			tv_set_bool(o, "photo_ready", v[i].media.id != 0);
			tv_push(list, o);
		}
		tv_set(ctx, "entries", list);
	} else {
		int64_t start = kb_now();
		tv *o = tv_obj(a);
		tv_set_str(o, "starts", nr_local_input(r, start));
		tv_set(ctx, "new_live", o);
	}
	tv *f = tv_obj(a);
	tv_set_str(f, "body", body ? body : "");
	tv_set_str(f, "link", link ? link : "");
	tv_set(ctx, "form", f);
	if (error)
		tv_set_str(ctx, "error", error);
	message(r, ctx);
	return nr_render(r, "newsroom-live-desk", ctx, status);
}

int nr_live_desk(kb_req *r)
{
	return desk_page(r, nr_param_id(r, 0), NULL, NULL, NULL, 200);
}

/* A time field of the form in site time: "" is fallback. 0, or -1. */
static int form_time(kb_req *r, const char *name, int64_t fallback, int64_t *out)
{
	const char *v = req_form(r, name);
	if (!v || !*v) {
		*out = fallback;
		return 0;
	}
	return nr_parse_local(v, out);
}

int nr_live_start(kb_req *r)
{
	int64_t id = nr_param_id(r, 0), now = kb_now(), starts, ends;
	const char *lang = r->user.lang;
	kb_article art;
	int rc = store_article_by_id(r->db, &r->arena, id, &art);
	if (rc)
		return rc == STORE_NOTFOUND ? 404 : 500;
	if (strcmp(art.status, "published"))
		return desk_page(r, id, nr_label(lang, "live_not_published"), NULL, NULL, 409);
	if (form_time(r, "starts", now, &starts) || form_time(r, "ends", 0, &ends) ||
	    (ends && ends <= starts))
		return desk_page(r, id, nr_label(lang, "live_bad_time"), NULL, NULL, 400);
	if (live_store_start(r->db, id, starts, ends, r->user.id, now) ||
	    store_audit_add(r->db, r->user.id, "live_start", id, ""))
		return 500;
	return nr_redirect(r, "/newsroom/articles/%lld/live", (long long)id);
}

int nr_live_close(kb_req *r)
{
	int64_t id = nr_param_id(r, 0);
	int rc = live_store_close(r->db, id, kb_now());
	if (rc == STORE_NOTFOUND)
		return desk_page(r, id, nr_label(r->user.lang, "live_over"), NULL, NULL, 409);
	if (rc || store_audit_add(r->db, r->user.id, "live_close", id, ""))
		return 500;
	return nr_redirect(r, "/newsroom/articles/%lld/live", (long long)id);
}

/* The entry form's text and link, checked: 0, or a label key saying what
 * is wrong. *link becomes the page of a known embed (render_embed_url,
 * as the importer makes them), else stays as written. */
static const char *read_entry(kb_req *r, const char **body, const char **link)
{
	int bad = 0, badlink = 0;
	*body = nr_field(r, "body", MAX_ENTRY, &bad);
	*link = nr_field(r, "link", MAX_LINK, &badlink);
	while (**link == ' ')
		(*link)++;
	size_t n = strlen(*link);
	while (n && (*link)[n - 1] == ' ')
		n--;
	*link = kb_arena_strndup(&r->arena, *link, n);
	if (bad)
		return "live_long_body";
	if (!**body || strspn(*body, " \n\t") == strlen(*body))
		return "live_empty_body";
	if (!**link)
		return NULL;
	if (badlink || (strncmp(*link, "https://", 8) && strncmp(*link, "http://", 7)) ||
	    !url_is_safe(*link, n) || strpbrk(*link, " \t\n<>\"'\\"))
		return "live_bad_link";
	for (const char *p = *link; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "live_bad_link";
	const char *e = render_embed_url(&r->arena, *link);
	if (e)
		*link = e;
	return NULL;
}

/* Whether the form's checkbox name is ticked. */
static int ticked(kb_req *r, const char *name)
{
	const char *v = req_form(r, name);
	return v && *v && strcmp(v, "0");
}

int nr_live_post(kb_req *r)
{
	int64_t id = nr_param_id(r, 0), entry, media = 0;
	const char *lang = r->user.lang, *body, *link;
	const char *bad = read_entry(r, &body, &link);
	if (bad)
		return desk_page(r, id, nr_label(lang, bad), body, link, 400);
	kb_live_input in = {
		.body = body, .link = link, .pinned = ticked(r, "pin"), .key_event = ticked(r, "key")};
	const kb_form_field *f = req_field(r, "photo");
	/* The photo and the entry in one transaction: a refused photo
	 * leaves no entry, a refused entry no photo. */
	if (store_begin(r->db))
		return 500;
	if (f && f->filename && *f->filename && f->len) {
		char err[300];
		int status = media_intake(r->db, r->user.id, f->filename, f->value, f->len, &media, err,
					  sizeof err);
		if (status) {
			store_rollback(r->db);
			return desk_page(r, id, kb_arena_strdup(&r->arena, err), body, link, status);
		}
	}
	in.media_id = media;
	int rc = live_store_entry_add(r->db, id, &in, r->user.id, kb_now(), &entry);
	if (rc) {
		store_rollback(r->db);
		if (rc == STORE_ERROR)
			return 500;
		return rc == STORE_CONFLICT
			       ? desk_page(r, id, nr_label(lang, "live_over"), body, link, 409)
			       : desk_page(r, id, nr_label(lang, "live_not_live"), body, link, 404);
	}
	if (store_audit_add(r->db, r->user.id, "live_entry", id,
			    kb_arena_printf(&r->arena, "#%lld", (long long)entry)) ||
	    store_commit(r->db)) {
		store_rollback(r->db);
		return 500;
	}
	if (media)
		server_wake("photos");
	return nr_redirect(r, "/newsroom/articles/%lld/live?msg=posted", (long long)id);
}

/* The entry of the route's id, for a change: 0, or a status. */
static int entry_of(kb_req *r, kb_live_entry *e)
{
	int rc = live_store_entry(r->db, &r->arena, nr_param_id(r, 0), e);
	if (rc)
		return rc == STORE_NOTFOUND ? 404 : 500;
	return e->deleted ? 404 : 0;
}

/* After a change to entry e: STORE_CONFLICT is a closed coverage. */
static int changed(kb_req *r, const kb_live_entry *e, int rc, const char *action)
{
	if (rc == STORE_CONFLICT)
		return desk_page(r, e->article_id, nr_label(r->user.lang, "live_over"), NULL, NULL, 409);
	if (rc == STORE_NOTFOUND)
		return 404;
	if (rc || store_audit_add(r->db, r->user.id, action, e->article_id,
				  kb_arena_printf(&r->arena, "#%lld", (long long)e->id)))
		return 500;
	return nr_redirect(r, "/newsroom/articles/%lld/live#entry-%lld", (long long)e->article_id,
			   (long long)e->id);
}

int nr_live_entry_save(kb_req *r)
{
	kb_live_entry e;
	int st = entry_of(r, &e);
	if (st)
		return st;
	const char *body, *link, *bad = read_entry(r, &body, &link);
	if (bad)
		return desk_page(r, e.article_id, nr_label(r->user.lang, bad), NULL, NULL, 400);
	kb_live_input in = {.body = body,
			    .link = link,
			    .media_id = -1,
			    .pinned = ticked(r, "pin"),
			    .key_event = ticked(r, "key")};
	return changed(r, &e, live_store_entry_save(r->db, e.id, &in, kb_now()), "live_edit");
}

int nr_live_entry_flag(kb_req *r)
{
	kb_live_entry e;
	int st = entry_of(r, &e);
	if (st)
		return st;
	kb_live_input in = {
		.body = e.body, .link = e.link, .media_id = -1, .pinned = e.pinned, .key_event = e.key_event};
	if (r->route->arg)
		in.key_event = ticked(r, "on");
	else
		in.pinned = ticked(r, "on");
	return changed(r, &e, live_store_entry_save(r->db, e.id, &in, kb_now()), "live_edit");
}

int nr_live_entry_delete(kb_req *r)
{
	kb_live_entry e;
	int st = entry_of(r, &e);
	if (st)
		return st;
	return changed(r, &e, live_store_entry_delete(r->db, e.id, kb_now()), "live_delete");
}

int nr_live_entry_push(kb_req *r)
{
	kb_arena *a = &r->arena;
	kb_live_entry e;
	int st = entry_of(r, &e);
	if (st)
		return st;
	if (!e.key_event)
		return desk_page(r, e.article_id, nr_label(r->user.lang, "live_push_key_only"), NULL, NULL,
				 409);
	kb_article art;
	if (store_article_by_id(r->db, a, e.article_id, &art))
		return 500;
	/* The story's alert (its category's subscribers, its topic, so a
	 * newer update replaces one still waiting on a phone), with the
	 * entry's text and its anchor. */
	push_alert_input in;
	char topic[PUSH_TOPIC_SIZE];
	push_article_input(&art, a, &in, topic);
	const char *headline = e.body;
	size_t n = strcspn(headline, "\n");
	if (n > 280) {
		n = 280;
		while (n && ((unsigned char)headline[n] & 0xc0) == 0x80)
			n--;
	}
	in.body = kb_arena_strndup(a, headline, n);
	in.url = kb_arena_printf(a, "/news/%s#e-%lld", art.slug, (long long)e.id);
	in.urgency = "high";
	int64_t alert;
	const char *why;
	int rc = push_alert_send(r->db, &in, r->user.id, art.id, &alert, &why);
	const char *msg = rc == PUSH_OVER_LIMIT ? "limit"
			  : rc == PUSH_INVALID  ? "invalid"
			  : rc                  ? NULL
						: "alert_sent";
	if (!msg)
		return 500;
	if (!rc)
		store_audit_add(r->db, r->user.id, "alert", art.id,
				kb_arena_printf(a, "#%lld", (long long)alert));
	return nr_redirect(r, "/newsroom/articles/%lld/live?msg=%s", (long long)art.id, msg);
}

/* Whether u may be the ticker's link: "" (none), a site path, or an
 * http(s) URL, without spaces or control bytes. */
static int ticker_link_ok(const char *u)
{
	if (!*u)
		return 1;
	for (const char *p = u; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || strchr("<>\"'\\", *p))
			return 0;
	if (u[0] == '/')
		return u[1] != '/';
	return (!strncmp(u, "https://", 8) || !strncmp(u, "http://", 7)) && url_is_safe(u, strlen(u));
}

int nr_ticker(kb_req *r)
{
	int bad = 0;
	const char *text = nr_field(r, "text", MAX_TICKER, &bad), *url = nr_field(r, "url", MAX_LINK, &bad);
	const char *minutes = req_form(r, "minutes");
	char until[24] = "";
	if (!ticked(r, "clear") && *text) {
		long m = minutes && *minutes ? strtol(minutes, NULL, 10) : 60;
		if (bad || strchr(text, '\n') || !ticker_link_ok(url) || m < 1 || m > 1440) {
			r->error_text = nr_label(r->user.lang, "ticker_bad");
			return 400;
		}
		snprintf(until, sizeof until, "%lld", (long long)(kb_now() + m * 60));
	} else {
		text = url = "";
	}
	if (store_begin(r->db))
		return 500;
	if (store_setting_set(r->db, "ticker_text", text) || store_setting_set(r->db, "ticker_url", url) ||
	    store_setting_set(r->db, "ticker_until", until) ||
	    store_audit_add(r->db, r->user.id, "ticker", 0, text) || store_commit(r->db)) {
		store_rollback(r->db);
		return 500;
	}
	const char *back = req_form(r, "back");
	if (back && back[0] == '/' && back[1] != '/' && !strncmp(back, "/newsroom/", 10))
		return nr_redirect(r, "%s", back);
	return nr_redirect(r, "/newsroom/live");
}

int nr_live_step(store *st)
{
	int n = 0;
	if (live_store_close_due(st, kb_now(), &n))
		return -1;
	if (n)
		kb_info("closed %d live coverage%s past its planned end", n, n == 1 ? "" : "s");
	kb_arena a = {0};
	kb_settings s;
	int rc = store_settings(st, &a, &s);
	int64_t until = !rc && *s.ticker_until ? strtoll(s.ticker_until, NULL, 10) : 0;
	if (until && kb_now() >= until) {
		rc = store_begin(st) || store_setting_set(st, "ticker_text", "") ||
		     store_setting_set(st, "ticker_url", "") || store_setting_set(st, "ticker_until", "") ||
		     store_commit(st);
		if (rc)
			store_rollback(st);
		else
			kb_info("the breaking ticker's time is up: cleared");
	}
	kb_arena_free(&a);
	return rc ? -1 : 0;
}
