/*
 * tips.c: readers' tips in the newsroom: the queue (filtered by status,
 * type and assignee, searched by text, place, name or reference), one tip
 * with its photos and notes, and what is done with it: status, assignee,
 * a note, "create draft from tip" (a draft filled in from it with its
 * photos, then the editor) and delete (editors). Every reader-supplied
 * value reaches the page through the template's escaping only. A
 * grievance (IT Rules 2021) shows the days left to acknowledge and to
 * decide it against the deadlines the admin set, and an editor marks it
 * acknowledged or decided. The form
 * readers fill in is src/pages/tips.c.
 */
#include <stdlib.h>
#include <string.h>

#include "../db/tips_store.h"
#include "../render/escape.h"
#include "../tips/tips.h"
#include "newsroom.h"

#define PER_PAGE 30

static const char *const statuses[] = {"new", "progress", "used", "rejected"};
static const char *const kinds[] = {"news", "suggestion", "complaint", "grievance"};

/* One deadline of grievance g: due days after it came, met at done (0:
 * not yet): {label, done (date) or left (whole days, negative when
 * late), late}. */
static tv *deadline(kb_req *r, const kb_grievance *g, const char *label, const char *days, int64_t done)
{
	kb_arena *a = &r->arena;
	const char *lang = r->user.lang;
	tv *o = tv_obj(a);
	tv_set_str(o, "label", nr_label(lang, label));
	int64_t due = g->received_at + (int64_t)atol(days) * 86400, now = kb_now();
	if (done) {
		tv_set_str(o, "state",
			   kb_arena_printf(a, "%s %s", nr_label(lang, "grievance_done"), nr_date(r, done)));
		tv_set_bool(o, "late", done > due);
		return o;
	}
	/* Whole days: a part of a day left counts as a day; late, the whole
	 * days past the deadline, at least one. */
	int64_t late = (now - due) / 86400;
	int64_t left = due >= now ? (due - now + 86399) / 86400 : -(late > 1 ? late : 1);
	tv_set_bool(o, "late", left < 0);
	tv_set_bool(o, "open", 1);
	tv_set_str(o, "state",
		   left >= 0 ? kb_arena_printf(a, "%lld %s", (long long)left,
					       nr_label(lang, "grievance_days_left"))
			     : kb_arena_printf(a, "%lld %s", (long long)-left,
					       nr_label(lang, "grievance_days_late")));
	return o;
}

/* Adds to o, a grievance's value, its deadlines; 0, or -1 on a store
 * error. */
static int grievance_value(kb_req *r, const kb_tip *t, const kb_settings *s, tv *o)
{
	kb_grievance g;
	int rc = tips_store_grievance(r->db, &r->arena, t->id, &g);
	if (rc == STORE_NOTFOUND)
		return 0;
	if (rc)
		return -1;
	tv *x = tv_obj(&r->arena);
	tv_set(x, "ack", deadline(r, &g, "grievance_ack", s->grievance_ack_days, g.acknowledged_at));
	tv_set(x, "decide", deadline(r, &g, "grievance_decide", s->grievance_decide_days, g.decided_at));
	tv_set_bool(x, "can_ack", !g.acknowledged_at && r->user.role >= ROLE_EDITOR);
	tv_set_bool(x, "can_decide", !g.decided_at && r->user.role >= ROLE_EDITOR);
	tv_set(o, "grievance", x);
	return 0;
}

static int known(const char *v, const char *const *list, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		if (!strcmp(v, list[i]))
			return 1;
	return 0;
}

/* The template value of a tip's row or page. */
static tv *tip_value(kb_req *r, const kb_tip *t)
{
	kb_arena *a = &r->arena;
	const char *lang = r->user.lang;
	tv *o = tv_obj(a);
	tv_set_int(o, "id", t->id);
	tv_set(o, "url", tv_strf(a, "/newsroom/tips/%lld", (long long)t->id));
	tv_set_str(o, "ref", t->ref);
	tv_set_str(o, "name", t->name);
	tv_set_str(o, "contact", t->contact);
	tv_set_str(o, "place", t->place);
	tv_set_str(o, "kind", t->kind);
	tv_set_str(o, "kind_label", nr_label(lang, kb_arena_printf(a, "tip_kind_%s", t->kind)));
	tv_set_str(o, "status", t->status);
	tv_set_str(o, "status_label", nr_label(lang, kb_arena_printf(a, "tip_status_%s", t->status)));
	tv_set_str(o, "body", t->body);
	tv_set_str(o, "headline", tips_headline(a, t->body, 160));
	tv_set_str(o, "when", nr_date(r, t->created_at));
	tv_set_str(o, "assignee", t->assignee_name);
	tv_set_bool(o, "unseen", !t->seen);
	if (t->article_id)
		tv_set(o, "article", tv_strf(a, "/newsroom/articles/%lld", (long long)t->article_id));
	return o;
}

/* The queue's URL for status (NULL: any) and page, keeping q's other
 * filters (type, search, "mine"). */
static const char *queue_url(kb_req *r, const kb_tip_query *q, const char *status, int page)
{
	kb_buf b = {0};
	kb_buf_puts(&b, "/newsroom/tips?");
	if (status)
		kb_buf_printf(&b, "status=%s&", status);
	if (q->kind)
		kb_buf_printf(&b, "kind=%s&", q->kind);
	if (q->assignee_id)
		kb_buf_puts(&b, "mine=1&");
	if (q->q) {
		kb_buf_puts(&b, "q=");
		url_encode(&b, q->q, strlen(q->q));
		kb_buf_putc(&b, '&');
	}
	if (page > 1)
		kb_buf_printf(&b, "page=%d&", page);
	b.data[--b.len] = 0; /* the last '&' or the '?' */
	const char *url = kb_buf_to_arena(&r->arena, &b);
	return url;
}

/* A filter tab: label, its URL with the other filters kept, current. */
static void tab(kb_req *r, tv *tabs, const kb_tip_query *q, const char *label, const char *status)
{
	tv *t = tv_obj(&r->arena);
	tv_set_str(t, "label", label);
	tv_set_str(t, "url", queue_url(r, q, status, 1));
	tv_set_bool(t, "current", status ? q->status && !strcmp(q->status, status) : !q->status);
	tv_push(tabs, t);
}

int nr_tips(kb_req *r)
{
	kb_arena *a = &r->arena;
	const char *lang = r->user.lang;
	kb_tip_query q = {.limit = PER_PAGE};
	q.status = req_query(r, "status");
	if (!known(q.status, statuses, KB_COUNT(statuses)))
		q.status = NULL;
	q.kind = req_query(r, "kind");
	if (!known(q.kind, kinds, KB_COUNT(kinds)))
		q.kind = NULL;
	const char *mine = req_query(r, "mine");
	if (mine && !strcmp(mine, "1"))
		q.assignee_id = r->user.id;
	q.q = req_query(r, "q");
	if (q.q && (!*q.q || strlen(q.q) > 200))
		q.q = NULL;
	int page = 1;
	const char *p = req_query(r, "page");
	if (p && (page = atoi(p)) < 1)
		page = 1;
	q.offset = (size_t)(page - 1) * PER_PAGE;
	kb_tip *v;
	size_t n, total = 0;
	if (tips_store_list(r->db, a, &q, &v, &n, &total))
		return 500;
	tv *ctx = nr_context(r, "tips", "tips");
	if (!ctx)
		return 500;
	tv *tabs = tv_list(a);
	tab(r, tabs, &q, nr_label(lang, "all"), NULL);
	for (size_t i = 0; i < KB_COUNT(statuses); i++)
		tab(r, tabs, &q, nr_label(lang, kb_arena_printf(a, "tip_status_%s", statuses[i])),
		    statuses[i]);
	tv_set(ctx, "tabs", tabs);
	tv *kl = tv_list(a);
	for (size_t i = 0; i < KB_COUNT(kinds); i++) {
		tv *k = tv_obj(a);
		tv_set_str(k, "key", kinds[i]);
		tv_set_str(k, "label", nr_label(lang, kb_arena_printf(a, "tip_kind_%s", kinds[i])));
		tv_set_bool(k, "selected", q.kind && !strcmp(q.kind, kinds[i]));
		tv_push(kl, k);
	}
	tv_set(ctx, "kinds", kl);
	tv_set_str(ctx, "q", q.q ? q.q : "");
	tv_set_str(ctx, "status", q.status ? q.status : "");
	tv_set_bool(ctx, "mine", q.assignee_id != 0);
	kb_settings s;
	if (store_settings(r->db, a, &s))
		return 500;
	tv *list = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		tv *o = tip_value(r, &v[i]);
		if (!strcmp(v[i].kind, "grievance") && grievance_value(r, &v[i], &s, o))
			return 500;
		tv_push(list, o);
	}
	tv_set(ctx, "tips", list);
	tv_set_int(ctx, "total", (long long)total);
	if (page > 1)
		tv_set_str(ctx, "prev", queue_url(r, &q, q.status, page - 1));
	if ((size_t)page * PER_PAGE < total)
		tv_set_str(ctx, "next", queue_url(r, &q, q.status, page + 1));
	return nr_render(r, "newsroom-tips", ctx, 200);
}

/* Loads tip id (404 when unknown). */
static int load(kb_req *r, kb_tip *t, int mark_seen)
{
	int rc = tips_store_get(r->db, &r->arena, nr_param_id(r, 0), mark_seen, t);
	return rc == STORE_NOTFOUND ? 404 : rc ? 500 : 0;
}

static int tip_page(kb_req *r, const char *message, int status)
{
	kb_arena *a = &r->arena;
	const char *lang = r->user.lang;
	kb_tip t;
	int rc = load(r, &t, 1);
	if (rc)
		return rc;
	tv *ctx = nr_context(r, "tip", "tips");
	if (!ctx)
		return 500;
	tv *tip = tip_value(r, &t);
	kb_settings s;
	if (store_settings(r->db, a, &s) || (!strcmp(t.kind, "grievance") && grievance_value(r, &t, &s, tip)))
		return 500;
	tv_set(ctx, "tip", tip);
	tv *photos = tv_list(a);
	for (size_t i = 0; i < t.nmedia; i++) {
		kb_media m;
		if (store_media_get(r->db, a, t.media[i], &m))
			continue;
		tv *o = tv_obj(a);
		tv_set_str(o, "name", m.name);
		tv_set_bool(o, "failed", !strcmp(m.status, "failed"));
		nr_photo_small(r, o, &m);
		if (!strcmp(m.status, "ready"))
			tv_set(o, "full", tv_strf(a, "/media/%s-social.jpg", m.stem));
		tv_push(photos, o);
	}
	tv_set(ctx, "photos", photos);
	tv *sl = tv_list(a);
	for (size_t i = 0; i < KB_COUNT(statuses); i++) {
		tv *o = tv_obj(a);
		tv_set_str(o, "key", statuses[i]);
		tv_set_str(o, "label", nr_label(lang, kb_arena_printf(a, "tip_status_%s", statuses[i])));
		tv_set_bool(o, "selected", !strcmp(t.status, statuses[i]));
		tv_push(sl, o);
	}
	tv_set(ctx, "statuses", sl);
	kb_user *users;
	size_t nu;
	if (store_user_list(r->db, a, &users, &nu))
		return 500;
	tv *ul = tv_list(a);
	for (size_t i = 0; i < nu; i++) {
		if (users[i].disabled)
			continue;
		tv *o = tv_obj(a);
		tv_set_int(o, "id", users[i].id);
		tv_set_str(o, "name", users[i].name);
		tv_set_bool(o, "selected", users[i].id == t.assignee_id);
		tv_push(ul, o);
	}
	tv_set(ctx, "users", ul);
	kb_tip_note *notes;
	size_t nn;
	if (tips_store_notes(r->db, a, t.id, &notes, &nn))
		return 500;
	tv *nl = tv_list(a);
	for (size_t i = 0; i < nn; i++) {
		tv *o = tv_obj(a);
		tv_set_str(o, "who", notes[i].user_name);
		tv_set_str(o, "when", nr_date(r, notes[i].at));
		tv_set_str(o, "body", notes[i].body);
		tv_push(nl, o);
	}
	tv_set(ctx, "notes", nl);
	if (message)
		tv_set_str(ctx, "message", message);
	return nr_render(r, "newsroom-tip", ctx, status);
}

int nr_tip(kb_req *r)
{
	return tip_page(r, NULL, 200);
}

/* After a change: back to the tip, or a 404/500. */
static int done(kb_req *r, int rc, const char *action, const kb_tip *t)
{
	if (rc == STORE_NOTFOUND)
		return 404;
	if (rc || store_audit_add(r->db, r->user.id, action, 0, t->ref))
		return 500;
	return nr_redirect(r, "/newsroom/tips/%lld", (long long)t->id);
}

int nr_tip_status(kb_req *r)
{
	kb_tip t;
	int rc = load(r, &t, 0);
	if (rc)
		return rc;
	const char *s = req_form(r, "status");
	if (!known(s, statuses, KB_COUNT(statuses))) {
		r->error_text = nr_label(r->user.lang, "bad_value");
		return 400;
	}
	return done(r, tips_store_set_status(r->db, t.id, s), "tip_status", &t);
}

int nr_tip_grievance(kb_req *r)
{
	kb_tip t;
	int rc = load(r, &t, 0);
	if (rc)
		return rc;
	const char *mark = req_form(r, "mark");
	if (!mark || (strcmp(mark, "acknowledged") && strcmp(mark, "decided"))) {
		r->error_text = nr_label(r->user.lang, "bad_value");
		return 400;
	}
	rc = tips_store_grievance_mark(r->db, t.id, mark, kb_now());
	return done(r, rc, kb_arena_printf(&r->arena, "grievance_%s", mark), &t);
}

int nr_tip_assign(kb_req *r)
{
	kb_tip t;
	int rc = load(r, &t, 0);
	if (rc)
		return rc;
	const char *who = req_form(r, "assignee");
	int64_t id = who ? strtoll(who, NULL, 10) : 0;
	return done(r, tips_store_assign(r->db, t.id, id > 0 ? id : 0), "tip_assign", &t);
}

int nr_tip_note(kb_req *r)
{
	kb_tip t;
	int rc = load(r, &t, 0);
	if (rc)
		return rc;
	const char *body = req_form(r, "note");
	if (!body || !*body || strlen(body) > 4000) {
		r->error_text = nr_label(r->user.lang, "tip_note_bad");
		return 400;
	}
	return done(r, tips_store_note_add(r->db, t.id, r->user.id, body), "tip_note", &t);
}

int nr_tip_delete(kb_req *r)
{
	kb_tip t;
	int rc = load(r, &t, 0);
	if (rc)
		return rc;
	rc = tips_delete(r->db, t.id);
	if (rc == STORE_NOTFOUND)
		return 404;
	if (rc || store_audit_add(r->db, r->user.id, "tip_delete", 0, t.ref))
		return 500;
	return nr_redirect(r, "/newsroom/tips");
}

/* The widest derivative of m up to 1024 px, for an image in the body. */
static int body_width(const kb_media *m)
{
	int best = 0;
	for (const char *w = m->widths; *w;) {
		int v = atoi(w);
		if (v <= 1024 && v > best)
			best = v;
		w += strcspn(w, ",");
		w += *w == ',';
	}
	return best;
}

int nr_tip_draft(kb_req *r)
{
	kb_arena *a = &r->arena;
	const char *lang = r->user.lang;
	kb_tip t;
	int rc = load(r, &t, 0);
	if (rc)
		return rc;
	/* The reader's words as the body (Markdown: raw HTML in it is never
	 * rendered), the other photos below; the first is the story's photo.
	 * The tip links to the draft; the audit log says who made it. */
	kb_buf body = {0};
	kb_buf_puts(&body, t.body);
	for (size_t i = 1; i < t.nmedia; i++) {
		kb_media m;
		if (store_media_get(r->db, a, t.media[i], &m) || strcmp(m.status, "ready") || !body_width(&m))
			continue;
		kb_buf_printf(&body, "\n\n![%s](/media/%s-%d.jpg)", nr_label(lang, "tip_photo_alt"), m.stem,
			      body_width(&m));
	}
	kb_article_input in = {0};
	in.title = tips_headline(a, t.body, 200);
	in.body = kb_buf_to_arena(a, &body);
	in.status = "draft";
	in.summary = "";
	in.dateline = t.place;
	in.author_name = r->user.name;
	in.owner_id = r->user.id;
	in.media_id = t.nmedia ? t.media[0] : 0;
	in.image_credit = t.nmedia ? nr_label(lang, "tip_photo_credit") : "";
	int64_t id = 0, version;
	/* The draft and the tip's link to it land together. */
	if (store_begin(r->db))
		return 500;
	if (store_article_save(r->db, &in, 0, r->user.id, "save", &id, &version) ||
	    tips_store_drafted(r->db, t.id, id) ||
	    store_audit_add(r->db, r->user.id, "tip_draft", id, t.ref) || store_commit(r->db)) {
		kb_warn("cannot make a draft from tip %s: %s", t.ref, store_errmsg(r->db));
		store_rollback(r->db);
		return 500;
	}
	return nr_redirect(r, "/newsroom/articles/%lld", (long long)id);
}
