/*
 * admin.c: the editors' pages (categories, tags, the audit log) and the
 * admins' (users, site settings). Each change is written to the audit log.
 */
#include <stdlib.h>
#include <string.h>

#include "../db/tips_store.h"

#include "../core/crypto.h"
#include "../http/edge.h"
#include "../http/ops.h"
#include "../push/push.h"
#include "../render/escape.h"
#include "../text/text.h"
#include "../tips/tips.h"
#include "newsroom.h"

/* A slug from what was typed, or made from the name when nothing was. */
static const char *slug_of(kb_req *r, const char *typed, const char *name)
{
	const char *from = typed && *typed ? typed : name;
	kb_buf b = {0};
	text_slug(&b, from, strlen(from), 60);
	const char *s = kb_arena_strndup(&r->arena, kb_buf_str(&b), b.len);
	kb_buf_free(&b);
	return s;
}

static int categories_page(kb_req *r, const char *error, int status)
{
	kb_arena *a = &r->arena;
	kb_category *v;
	size_t n;
	if (store_category_list(r->db, a, &v, &n))
		return 500;
	tv *ctx = nr_context(r, "categories", "categories");
	if (!ctx)
		return 500;
	tv *list = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		tv *o = tv_obj(a);
		tv_set_int(o, "id", v[i].id);
		tv_set_str(o, "name", v[i].name);
		tv_set_str(o, "slug", v[i].slug);
		tv_set_int(o, "position", v[i].position);
		tv_push(list, o);
	}
	tv_set(ctx, "categories", list);
	tv_set_int(ctx, "next_position", (long long)n + 1);
	if (error)
		tv_set_str(ctx, "error", error);
	return nr_render(r, "newsroom-categories", ctx, status);
}

int nr_categories(kb_req *r)
{
	return categories_page(r, NULL, 200);
}

int nr_category_add(kb_req *r)
{
	const char *name = req_form(r, "name"), *slug = req_form(r, "slug");
	const char *pos = req_form(r, "position");
	if (!name || !*name || strlen(name) > 200)
		return categories_page(r, nr_label(r->user.lang, "need_title"), 400);
	slug = slug_of(r, slug, name);
	if (!*slug || store_category_add(r->db, name, slug, pos ? atoi(pos) : 99))
		return categories_page(r, nr_label(r->user.lang, "user_exists"), 409);
	if (store_audit_add(r->db, r->user.id, "category", 0, name))
		return 500;
	return nr_redirect(r, "/newsroom/categories");
}

int nr_category_save(kb_req *r)
{
	const char *name = req_form(r, "name"), *slug = req_form(r, "slug");
	const char *pos = req_form(r, "position");
	if (!name || !*name || strlen(name) > 200)
		return categories_page(r, nr_label(r->user.lang, "need_title"), 400);
	int rc = store_category_update(r->db, nr_param_id(r, 0), name, slug_of(r, slug, name),
				       pos ? atoi(pos) : 0);
	if (rc == STORE_NOTFOUND)
		return 404;
	if (rc == STORE_CONFLICT)
		return categories_page(r, nr_label(r->user.lang, "user_exists"), 409);
	if (rc || store_audit_add(r->db, r->user.id, "category", 0, name))
		return 500;
	return nr_redirect(r, "/newsroom/categories");
}

int nr_tags(kb_req *r)
{
	kb_arena *a = &r->arena;
	kb_tag *v;
	int64_t *counts;
	size_t n;
	if (store_tag_list(r->db, a, &v, &counts, &n))
		return 500;
	tv *ctx = nr_context(r, "tags", "tags");
	if (!ctx)
		return 500;
	tv *list = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		tv *o = tv_obj(a);
		tv_set_int(o, "id", v[i].id);
		tv_set_str(o, "name", v[i].name);
		tv_set_str(o, "slug", v[i].slug);
		tv_set_int(o, "count", counts[i]);
		tv_push(list, o);
	}
	tv_set(ctx, "tags", list);
	return nr_render(r, "newsroom-tags", ctx, 200);
}

int nr_tag_save(kb_req *r)
{
	const char *name = req_form(r, "name"), *slug = req_form(r, "slug");
	if (!name || !*name || strlen(name) > 200)
		return 400;
	int rc = store_tag_rename(r->db, nr_param_id(r, 0), name, slug_of(r, slug, name));
	if (rc == STORE_NOTFOUND)
		return 404;
	if (rc == STORE_CONFLICT) {
		r->error_text = "इस नाम या URL का टैग पहले से है।";
		return 409;
	}
	if (rc || store_audit_add(r->db, r->user.id, "tag", 0, name))
		return 500;
	return nr_redirect(r, "/newsroom/tags");
}

static int users_page(kb_req *r, const char *error, int status)
{
	kb_arena *a = &r->arena;
	const char *lang = r->user.lang;
	kb_user *v;
	size_t n;
	if (store_user_list(r->db, a, &v, &n))
		return 500;
	tv *ctx = nr_context(r, "users", "users");
	if (!ctx)
		return 500;
	tv *list = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		tv *o = tv_obj(a);
		tv_set_int(o, "id", v[i].id);
		tv_set_str(o, "login", v[i].login);
		tv_set_str(o, "name", v[i].name);
		tv_set_bool(o, "disabled", v[i].disabled);
		tv_set_bool(o, "self", v[i].id == r->user.id);
		tv *roles = tv_list(a);
		for (int k = ROLE_REPORTER; k <= ROLE_ADMIN; k++) {
			tv *x = tv_obj(a);
			tv_set_str(x, "value", store_role_name(k));
			tv_set_str(x, "label",
				   nr_label(lang, kb_arena_printf(a, "role_%s", store_role_name(k))));
			tv_set_bool(x, "selected", v[i].role == k);
			tv_push(roles, x);
		}
		tv_set(o, "roles", roles);
		tv_push(list, o);
	}
	tv_set(ctx, "users", list);
	if (error)
		tv_set_str(ctx, "error", error);
	return nr_render(r, "newsroom-users", ctx, status);
}

int nr_users(kb_req *r)
{
	return users_page(r, NULL, 200);
}

int nr_user_add(kb_req *r)
{
	const char *lang = r->user.lang;
	const char *login = req_form(r, "login"), *name = req_form(r, "name");
	const char *password = req_form(r, "password");
	int role = store_role_parse(req_form(r, "role"));
	if (!login || !*login || strlen(login) > 60 ||
	    strspn(login, "abcdefghijklmnopqrstuvwxyz"
			  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != strlen(login))
		return users_page(r, nr_label(lang, "username"), 400);
	if (!password || strlen(password) < 10)
		return users_page(r, nr_label(lang, "password_short"), 400);
	if (!role)
		return users_page(r, nr_label(lang, "role"), 400);
	kb_buf h = {0};
	if (kb_password_hash(password, &h)) {
		kb_buf_free(&h);
		return 500;
	}
	int64_t id;
	int rc = store_user_add(r->db, login, name && *name ? name : login, role, h.data, &id);
	kb_buf_free(&h);
	if (rc == STORE_CONFLICT)
		return users_page(r, nr_label(lang, "user_exists"), 409);
	if (rc || store_audit_add(r->db, r->user.id, "user", 0, login))
		return 500;
	return nr_redirect(r, "/newsroom/users");
}

int nr_user_save(kb_req *r)
{
	int64_t id = nr_param_id(r, 0);
	kb_user u;
	int rc = store_user_by_id(r->db, &r->arena, id, &u);
	if (rc)
		return rc == STORE_NOTFOUND ? 404 : 500;
	const char *name = req_form(r, "name");
	int role = store_role_parse(req_form(r, "role"));
	const char *dis = req_form(r, "disabled");
	int disabled = dis && !strcmp(dis, "1");
	/* An admin cannot lock themselves out. */
	if (id == r->user.id)
		role = ROLE_ADMIN, disabled = 0;
	if (!role)
		role = u.role;
	if (store_user_update(r->db, id, name && *name ? name : u.name, role, disabled) ||
	    store_audit_add(r->db, r->user.id, "user", 0, u.login))
		return 500;
	const char *password = req_form(r, "password");
	if (password && *password) {
		if (strlen(password) < 10)
			return users_page(r, nr_label(r->user.lang, "password_short"), 400);
		kb_buf h = {0};
		int bad = kb_password_hash(password, &h) || store_user_set_password(r->db, id, h.data) ||
			  store_session_delete_user(r->db, id);
		kb_buf_free(&h);
		if (bad)
			return 500;
	}
	return nr_redirect(r, "/newsroom/users");
}

/* The settings an admin edits, in the form's order. */
static const struct {
	const char *key, *label;
	int url;
} site_keys[] = {
	{"name", "site_name", 0},
	{"tagline", "tagline", 0},
	{"logo", "logo", 1},
	{"email", "email", 0},
	{"facebook", "Facebook", 1},
	{"instagram", "Instagram", 1},
	{"x", "X", 1},
	{"arattai", "Arattai", 1},
	{"whatsapp", "WhatsApp", 1},
	{"google_news", "Google News", 1},
	{"phone", "phone", 0},
	{"ownership_url", "ownership_url", 1},
};

/* The mail settings, in the form's order (the password is apart). */
static const struct {
	const char *key, *type;
} mail_keys[] = {
	{"tips_email", "email"},           {"smtp_host", "text"},
	{"smtp_port", "number"},           {"smtp_user", "text"},
	{"tips_retention_days", "number"},
};

/* The value of setting e in values, a settings struct (kb_edge_settings,
 * kb_ops_settings) of const char * fields. */
static const char *table_value(const void *values, const edge_setting *e)
{
	return *(const char *const *)((const char *)values + e->off);
}

/* The form's fields for the settings table t[0..n) (edge.h's shape) as
 * list name in ctx, but for the secret, of which only whether it is set
 * goes in (as flag). */
static void table_fields(kb_req *r, tv *ctx, const edge_setting *t, size_t n, const void *values,
			 const char *name, const char *flag)
{
	tv *list = tv_list(&r->arena);
	for (size_t i = 0; i < n; i++) {
		if (t[i].secret) {
			tv_set_bool(ctx, flag, *table_value(values, &t[i]) != 0);
			continue;
		}
		tv *o = tv_obj(&r->arena);
		tv_set_str(o, "key", t[i].key);
		tv_set_str(o, "label", nr_label(r->user.lang, t[i].key));
		tv_set_str(o, "value", table_value(values, &t[i]));
		tv_push(list, o);
	}
	tv_set(ctx, name, list);
}

/* Saves the fields of the settings table t[0..n) that the form carries,
 * each checked as "khabar settings" checks it; an empty secret keeps the
 * saved one. 0, or the status to answer (the caller rolls back). */
static int table_save(kb_req *r, const edge_setting *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *v = req_form(r, t[i].key);
		if (!v || (t[i].secret && !*v))
			continue;
		if (!t[i].valid(v)) {
			r->error_text = kb_arena_printf(&r->arena, "%s: %s", nr_label(r->user.lang, t[i].key),
							nr_label(r->user.lang, "bad_value"));
			return 400;
		}
		if (store_setting_set(r->db, t[i].key, v))
			return 500;
	}
	return 0;
}

static int settings_page(kb_req *r, const char *message, int status)
{
	kb_arena *a = &r->arena;
	kb_settings s;
	if (store_settings(r->db, a, &s))
		return 500;
	tv *ctx = nr_context(r, "settings", "settings");
	if (!ctx)
		return 500;
	const char *values[] = {s.name, s.tagline, s.logo,     s.email,       s.facebook, s.instagram,
				s.x,    s.arattai, s.whatsapp, s.google_news, s.phone,    s.ownership_url};
	tv *list = tv_list(a);
	for (size_t i = 0; i < KB_COUNT(site_keys); i++) {
		tv *o = tv_obj(a);
		tv_set_str(o, "key", site_keys[i].key);
		tv_set_str(o, "label", nr_label(r->user.lang, site_keys[i].label));
		tv_set_str(o, "value", values[i]);
		tv_set_str(o, "type",
			   site_keys[i].url                     ? "url"
			   : !strcmp(site_keys[i].key, "email") ? "email"
								: "text");
		tv_push(list, o);
	}
	tv_set(ctx, "fields", list);
	tv_set_str(ctx, "grievance_ack_days", s.grievance_ack_days);
	tv_set_str(ctx, "grievance_decide_days", s.grievance_decide_days);
	tv_set_bool(ctx, "grievance_report", !strcmp(s.grievance_report, "yes"));
	/* The monthly counts the box publishes, for the admin to see first. */
	tips_month *months;
	size_t nm;
	if (tips_grievance_months(r->db, a, kb_now(), 12, &months, &nm))
		return 500;
	list = tv_list(a);
	for (size_t i = 0; i < nm; i++) {
		tv *o = tv_obj(a);
		tv_set_str(o, "month", months[i].label);
		tv_set_int(o, "received", months[i].received);
		tv_set_int(o, "decided", months[i].decided);
		tv_set_int(o, "pending", months[i].pending);
		tv_push(list, o);
	}
	tv_set(ctx, "grievance_months", list);
	int64_t limit;
	if (push_store_hourly_limit(r->db, &limit))
		return 500;
	tv_set_int(ctx, "push_hourly_limit", limit);
	/* Mail: the password is never sent back, only whether one is set. */
	kb_mail_settings ms;
	if (tips_store_mail_settings(r->db, a, &ms))
		return 500;
	const char *mail_values[] = {ms.to, ms.host, ms.port, ms.user, ms.retention_days};
	list = tv_list(a);
	/* The last, retention, comes after the password in the form. */
	for (size_t i = 0; i + 1 < KB_COUNT(mail_keys); i++) {
		tv *o = tv_obj(a);
		tv_set_str(o, "key", mail_keys[i].key);
		tv_set_str(o, "label", nr_label(r->user.lang, mail_keys[i].key));
		tv_set_str(o, "value", mail_values[i]);
		tv_set_str(o, "type", mail_keys[i].type);
		tv_push(list, o);
	}
	tv_set(ctx, "mail_fields", list);
	tv_set_str(ctx, "retention_days", ms.retention_days);
	tv_set_bool(ctx, "smtp_password_set", *ms.password != 0);
	tv_set_bool(ctx, "smtp_starttls", !strcmp(ms.starttls, "yes"));
	/* The edge purge (src/http/edge.h) and the backups and metrics
	 * (src/http/ops.h): their tokens, like the password, are never sent
	 * back. */
	kb_edge_settings es;
	kb_ops_settings os;
	if (store_edge_settings(r->db, a, &es) || store_ops_settings(r->db, a, &os))
		return 500;
	table_fields(r, ctx, edge_settings, edge_nsettings, &es, "edge_fields", "edge_token_set");
	table_fields(r, ctx, ops_settings, ops_nsettings, &os, "ops_fields", "metrics_token_set");
	if (message)
		tv_set_str(ctx, "message", message);
	return nr_render(r, "newsroom-settings", ctx, status);
}

/* Whether v is a valid value of mail setting key. */
static int mail_value_ok(const char *key, const char *v)
{
	if (!strcmp(key, "smtp_port") || !strcmp(key, "tips_retention_days")) {
		char *end;
		long n = strtol(v, &end, 10);
		return !*v || (!*end && n >= 0 && n <= (strcmp(key, "smtp_port") ? 36500 : 65535));
	}
	if (!strcmp(key, "tips_email"))
		return !*v || (strchr(v, '@') && !strpbrk(v, " <>\"\r\n,;"));
	return !strpbrk(v, " \r\n/");
}

int nr_settings_page(kb_req *r)
{
	return settings_page(r, NULL, 200);
}

int nr_settings(kb_req *r)
{
	if (store_begin(r->db))
		return 500;
	for (size_t i = 0; i < KB_COUNT(site_keys); i++) {
		const char *v = req_form(r, site_keys[i].key);
		if (!v)
			continue;
		/* The logo is one of the site's own files: readers' browsers
		 * load nothing from other sites. */
		int foreign_logo = !strcmp(site_keys[i].key, "logo") && *v && (v[0] != '/' || v[1] == '/');
		if (strlen(v) > 500 || foreign_logo ||
		    (site_keys[i].url && *v && !url_is_safe(v, strlen(v))) ||
		    (!strcmp(site_keys[i].key, "name") && !*v)) {
			store_rollback(r->db);
			r->error_text = kb_arena_printf(&r->arena, "%s: %s",
							nr_label(r->user.lang, site_keys[i].label),
							nr_label(r->user.lang, "bad_value"));
			return 400;
		}
		if (store_setting_set(r->db, site_keys[i].key, v)) {
			store_rollback(r->db);
			return 500;
		}
	}
	/* Alerts per hour: a whole number, 0 for no limit. */
	const char *limit = req_form(r, "push_hourly_limit");
	if (limit) {
		size_t n = strlen(limit);
		if (!n || n > 5 || strspn(limit, "0123456789") != n) {
			store_rollback(r->db);
			r->error_text = kb_arena_printf(&r->arena, "%s: %s",
							nr_label(r->user.lang, "push_hourly_limit"),
							nr_label(r->user.lang, "bad_value"));
			return 400;
		}
		if (store_setting_set(r->db, "push_hourly_limit", limit)) {
			store_rollback(r->db);
			return 500;
		}
	}
	/* Grievance deadlines: whole days, 1 to 365; the monthly report is
	 * public when its box is ticked (the form always carries the days). */
	static const char *const days[] = {"grievance_ack_days", "grievance_decide_days"};
	for (size_t i = 0; i < KB_COUNT(days) && req_form(r, days[0]); i++) {
		const char *v = req_form(r, days[i]);
		long d = v && *v && strspn(v, "0123456789") == strlen(v) && strlen(v) < 4 ? atol(v) : 0;
		if (d < 1 || d > 365) {
			store_rollback(r->db);
			r->error_text = kb_arena_printf(&r->arena, "%s: %s", nr_label(r->user.lang, days[i]),
							nr_label(r->user.lang, "bad_value"));
			return 400;
		}
		if (store_setting_set(r->db, days[i], v)) {
			store_rollback(r->db);
			return 500;
		}
	}
	if (req_form(r, days[0]) &&
	    store_setting_set(r->db, "grievance_report", req_form(r, "grievance_report") ? "yes" : "no")) {
		store_rollback(r->db);
		return 500;
	}
	for (size_t i = 0; i < KB_COUNT(mail_keys); i++) {
		const char *v = req_form(r, mail_keys[i].key);
		if (!v)
			continue;
		if (strlen(v) > 200 || !mail_value_ok(mail_keys[i].key, v)) {
			store_rollback(r->db);
			r->error_text = kb_arena_printf(&r->arena, "%s: %s",
							nr_label(r->user.lang, mail_keys[i].key),
							nr_label(r->user.lang, "bad_value"));
			return 400;
		}
		if (store_setting_set(r->db, mail_keys[i].key, v)) {
			store_rollback(r->db);
			return 500;
		}
	}
	/* The edge, backup and metrics settings, checked as "khabar
	 * settings" checks them. */
	int bad = (req_form(r, "edge_purge") ? table_save(r, edge_settings, edge_nsettings) : 0);
	if (!bad)
		bad = table_save(r, ops_settings, ops_nsettings);
	if (bad) {
		store_rollback(r->db);
		return bad;
	}
	/* An empty password field keeps the saved one; the form never holds it. */
	const char *pw = req_form(r, "smtp_password");
	if (req_form(r, "tips_email") &&
	    ((pw && *pw && (strlen(pw) > 500 || store_setting_set(r->db, "smtp_password", pw))) ||
	     store_setting_set(r->db, "smtp_starttls", req_form(r, "smtp_starttls") ? "yes" : "no"))) {
		store_rollback(r->db);
		return strlen(pw ? pw : "") > 500 ? 400 : 500;
	}
	if (store_audit_add(r->db, r->user.id, "settings", 0, "") || store_commit(r->db)) {
		store_rollback(r->db);
		return 500;
	}
	return settings_page(r, nr_label(r->user.lang, "saved_ok"), 200);
}

int nr_audit(kb_req *r)
{
	kb_arena *a = &r->arena;
	const char *lang = r->user.lang;
	const char *article = req_query(r, "article");
	kb_audit *v;
	size_t n;
	if (store_audit_list(r->db, a, article ? atoll(article) : 0, 200, &v, &n))
		return 500;
	tv *ctx = nr_context(r, "audit", "audit");
	if (!ctx)
		return 500;
	tv *list = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		tv *o = tv_obj(a);
		tv_set_str(o, "when", nr_date(r, v[i].at));
		/* Entries by nobody: the scheduler's, or the edge purge's
		 * (IndexNow's and WebSub's among them: edge_*). */
		const char *nobody = strncmp(v[i].action, "edge_", 5) ? "scheduler" : "system";
		tv_set_str(o, "who", v[i].user_id ? v[i].user_name : nr_label(lang, nobody));
		tv_set_str(o, "what", nr_label(lang, kb_arena_printf(a, "act_%s", v[i].action)));
		tv_set_str(o, "detail", v[i].detail);
		if (v[i].article_id) {
			tv_set_str(o, "article", *v[i].article_title ? v[i].article_title : "—");
			tv_set(o, "url", tv_strf(a, "/newsroom/articles/%lld", (long long)v[i].article_id));
		}
		tv_push(list, o);
	}
	tv_set(ctx, "entries", list);
	return nr_render(r, "newsroom-audit", ctx, 200);
}
