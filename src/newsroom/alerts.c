/*
 * alerts.c: the newsroom's push alerts: the page that sends one by hand
 * (title, text, link, everyone or one category), the history of alerts
 * with their statistics, and nr_article_alert, the "सूचना भेजें" of the
 * editor's publish action (editor.c). Checking, queuing and the hourly
 * limit are src/push's (push_alert_send); sending is the delivery engine's.
 */
#include <string.h>

#include "../push/push.h"
#include "newsroom.h"

#define PER_PAGE 20
/* Field limits in characters, as the form's maxlength counts them: a
 * notification shows two lines or so. The link's in bytes. */
#define MAX_ALERT_TITLE 100
#define MAX_ALERT_TEXT 300
#define MAX_ALERT_LINK 1000

/* The number of characters (code points) in UTF-8 s. */
static size_t chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

const char *nr_alert_refusal(kb_req *r, int rc)
{
	const char *lang = r->user.lang;
	if (rc == PUSH_INVALID)
		return nr_label(lang, "alert_invalid");
	if (rc != PUSH_OVER_LIMIT)
		return nr_label(lang, "alert_failed");
	int64_t limit = 0;
	push_store_hourly_limit(r->db, &limit);
	return kb_arena_printf(&r->arena, "%s (%lld/%s).", nr_label(lang, "alert_limit"), (long long)limit,
			       nr_label(lang, "hour"));
}

int nr_article_alert(kb_req *r, int64_t article_id, const char **why)
{
	kb_article art;
	if (store_article_by_id(r->db, &r->arena, article_id, &art))
		return STORE_ERROR;
	push_alert_input in;
	char topic[PUSH_TOPIC_SIZE];
	push_article_input(&art, &r->arena, &in, topic);
	int64_t id;
	const char *reason;
	int rc = push_alert_send(r->db, &in, r->user.id, art.id, &id, &reason);
	if (rc) {
		kb_warn("alert for article %lld not sent: %s", (long long)art.id, reason);
		*why = nr_alert_refusal(r, rc);
		return rc;
	}
	store_audit_add(r->db, r->user.id, "alert", art.id,
			kb_arena_printf(&r->arena, "#%lld", (long long)id));
	return STORE_OK;
}

/* A target for the form: "all" or a category's slug. */
static tv *category_options(kb_req *r, const char *target, kb_category **cats, size_t *n)
{
	if (store_category_list(r->db, &r->arena, cats, n))
		return NULL;
	tv *list = tv_list(&r->arena);
	for (size_t i = 0; i < *n; i++) {
		tv *c = tv_obj(&r->arena);
		tv_set_str(c, "name", (*cats)[i].name);
		tv_set_str(c, "slug", (*cats)[i].slug);
		tv_set_bool(c, "selected", !strcmp(target, (*cats)[i].slug));
		tv_push(list, c);
	}
	return list;
}

/* The manual alert form with the values given (after a refusal, the
 * editor's own text again) and error above it. */
static int form_page(kb_req *r, const char *title, const char *text, const char *link, const char *target,
		     const char *error, int status)
{
	kb_arena *a = &r->arena;
	tv *ctx = nr_context(r, "alert_new", "alerts");
	if (!ctx)
		return 500;
	kb_category *cats;
	size_t ncats;
	tv *options = category_options(r, target, &cats, &ncats);
	int64_t limit, sent;
	if (!options || push_store_hourly_limit(r->db, &limit) ||
	    push_store_sent_last_hour(r->db, kb_now(), &sent))
		return 500;
	tv *f = tv_obj(a);
	tv_set_str(f, "title", title);
	tv_set_str(f, "text", text);
	tv_set_str(f, "link", link);
	tv_set_bool(f, "everyone", !strcmp(target, "all"));
	tv_set(ctx, "form", f);
	tv_set(ctx, "categories", options);
	if (limit)
		tv_set(ctx, "this_hour", tv_strf(a, "%lld / %lld", (long long)sent, (long long)limit));
	else
		tv_set(ctx, "this_hour",
		       tv_strf(a, "%lld (%s)", (long long)sent, nr_label(r->user.lang, "alert_no_limit")));
	tv_set_bool(ctx, "at_limit", limit && sent >= limit);
	if (error)
		tv_set_str(ctx, "error", error);
	return nr_render(r, "newsroom-alert", ctx, status);
}

int nr_alert_new(kb_req *r)
{
	return form_page(r, "", "", "", "all", NULL, 200);
}

/* Why link cannot be an alert's, as the label of the reason, or NULL: it
 * must be a path on the site ("/news/x", not "//host") or a URL under its
 * base_url (nothing else may go out under the site's name), and an alert's
 * link in any case (push_url_problem: no control byte, which the click
 * redirect would put in a header, no space...). */
static const char *link_problem(kb_req *r, const char *link)
{
	for (const char *p = link; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return "alert_bad_link_chars";
	if (push_url_problem(link))
		return "alert_bad_link";
	if (link[0] == '/')
		return NULL;
	kb_settings s;
	if (store_settings(r->db, &r->arena, &s) || !*s.base_url)
		return "alert_bad_link";
	size_t n = strlen(s.base_url);
	while (n && s.base_url[n - 1] == '/')
		n--;
	return !strncmp(link, s.base_url, n) && (link[n] == '/' || !link[n]) ? NULL : "alert_bad_link";
}

int nr_alert_send(kb_req *r)
{
	const char *lang = r->user.lang;
	const char *title = req_form(r, "title"), *text = req_form(r, "text"), *link = req_form(r, "link"),
		   *target = req_form(r, "target");
	title = title ? title : "";
	text = text ? text : "";
	link = link ? link : "";
	target = target && *target ? target : "all";
	const char *error = NULL, *bad;
	int64_t category_id = 0;
	if (!*title || chars(title) > MAX_ALERT_TITLE)
		error = nr_label(lang, "alert_bad_title");
	else if (chars(text) > MAX_ALERT_TEXT)
		error = nr_label(lang, "alert_bad_text");
	else if (!*link || strlen(link) > MAX_ALERT_LINK)
		error = nr_label(lang, "alert_bad_link");
	else if ((bad = link_problem(r, link)))
		error = nr_label(lang, bad);
	else if (strcmp(target, "all")) {
		kb_category c;
		int rc = store_category_by_slug(r->db, &r->arena, target, &c);
		if (rc == STORE_NOTFOUND)
			error = nr_label(lang, "alert_bad_target");
		else if (rc)
			return 500;
		else
			category_id = c.id;
	}
	if (error)
		return form_page(r, title, text, link, target, error, 400);
	push_alert_input in = {.title = title, .body = text, .url = link, .category_id = category_id};
	int64_t id;
	const char *why;
	int rc = push_alert_send(r->db, &in, r->user.id, 0, &id, &why);
	if (rc == PUSH_OVER_LIMIT || rc == PUSH_INVALID)
		return form_page(r, title, text, link, target,
				 kb_arena_printf(&r->arena, "%s: %s", nr_label(lang, "alert_not_sent"),
						 nr_alert_refusal(r, rc)),
				 rc == PUSH_OVER_LIMIT ? 429 : 400);
	if (rc) {
		kb_warn("cannot queue the alert: %s", why);
		return 500;
	}
	store_audit_add(r->db, r->user.id, "alert", 0,
			kb_arena_printf(&r->arena, "#%lld %s", (long long)id, title));
	return nr_redirect(r, "/newsroom/alerts?sent=%lld", (long long)id);
}

/* clicked / delivered as "12.5%", or "—" before anything arrived. */
static tv *click_rate(kb_arena *a, int64_t clicked, int64_t delivered)
{
	if (!delivered)
		return tv_str(a, "—");
	return tv_strf(a, "%.1f%%", 100.0 * (double)clicked / (double)delivered);
}

int nr_alerts(kb_req *r)
{
	kb_arena *a = &r->arena;
	const char *lang = r->user.lang;
	int page = nr_page(r);
	push_sent *v;
	size_t n, total;
	kb_category *cats;
	size_t ncats;
	if (push_store_history(r->db, a, (size_t)(page - 1) * PER_PAGE, PER_PAGE, &v, &n, &total) ||
	    store_category_list(r->db, a, &cats, &ncats))
		return 500;
	tv *ctx = nr_context(r, "alerts", "alerts");
	if (!ctx)
		return 500;
	tv *list = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		const push_alert *al = &v[i].alert;
		tv *o = tv_obj(a);
		tv_set_int(o, "id", al->id);
		tv_set_str(o, "title", al->title);
		tv_set_str(o, "url", al->url);
		tv_set_str(o, "when", nr_date(r, al->created_at));
		const char *target = nr_label(lang, "alert_everyone");
		if (al->category_id) {
			target = *al->category ? al->category : "—";
			for (size_t j = 0; j < ncats; j++)
				if (cats[j].id == al->category_id)
					target = cats[j].name;
		}
		tv_set_str(o, "target", target);
		tv_set_str(o, "by", v[i].user_id ? v[i].sent_by : nr_label(lang, "alert_cli"));
		tv_set_bool(o, "breaking", !strcmp(al->urgency, "high"));
		if (v[i].article_id)
			tv_set(o, "article",
			       tv_strf(a, "/newsroom/articles/%lld", (long long)v[i].article_id));
		tv_set_int(o, "queued", al->queued);
		tv_set_int(o, "delivered", al->delivered);
		tv_set_int(o, "failed", al->failed);
		tv_set_int(o, "expired", al->expired);
		tv_set_int(o, "clicked", al->clicked);
		tv_set(o, "rate", click_rate(a, al->clicked, al->delivered));
		tv_set_bool(o, "sending", !strcmp(al->state, "sending"));
		tv_set_int(o, "pending", al->pending);
		tv_push(list, o);
	}
	tv_set(ctx, "alerts", list);
	const char *sent = req_query(r, "sent");
	if (sent)
		tv_set_str(ctx, "message", nr_label(lang, "alert_sent"));
	if (page > 1)
		tv_set(ctx, "prev", tv_strf(a, "/newsroom/alerts?page=%d", page - 1));
	if ((size_t)page * PER_PAGE < total)
		tv_set(ctx, "next", tv_strf(a, "/newsroom/alerts?page=%d", page + 1));
	return nr_render(r, "newsroom-alerts", ctx, 200);
}
