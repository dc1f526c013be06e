/*
 * login.c: logging in and out, "log out everywhere", and the account page
 * (language, password). Logins are throttled per account and per address;
 * a wrong username and a wrong password get the same answer in the same
 * time.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "../http/header.h"
#include "../newsroom/auth.h"
#include "newsroom.h"

/* Failures allowed in the window before logins are refused. */
#define WINDOW (15 * 60)
#define MAX_PER_ACCOUNT 5
#define MAX_PER_ADDRESS 20

/* Where to go after login: a newsroom path, never another site, and
 * nothing a header could be split with (the dispatcher's redirect refuses
 * those too: this keeps the login form's hidden field clean). */
static const char *next_path(const char *next)
{
	if (!next || strncmp(next, "/newsroom", 9) || !strchr("/?#", next[9]) || strstr(next, "//") ||
	    strchr(next, '\\') || !http_value_ok(next, strlen(next)) || strchr(next, '\t'))
		return "/newsroom";
	return next;
}

static int login_form(kb_req *r, const char *login, const char *next, const char *error,
		      int status)
{
	tv *ctx = nr_context(r, "login_title", NULL);
	if (!ctx)
		return 500;
	tv_set_str(ctx, "csrf", session_pre_csrf(r));
	tv_set_str(ctx, "login", login ? login : "");
	tv_set_str(ctx, "next", next_path(next));
	if (error)
		tv_set_str(ctx, "error", error);
	else if (req_query(r, "set"))
		tv_set_str(ctx, "message", nr_label("hi", "set_password_done"));
	return nr_render(r, "newsroom-login", ctx, status);
}

int nr_login_page(kb_req *r)
{
	if (r->user.id)
		return nr_redirect(r, "%s", next_path(req_query(r, "next")));
	return login_form(r, NULL, req_query(r, "next"), NULL, 200);
}

int nr_login(kb_req *r)
{
	const char *login = req_form(r, "login"), *password = req_form(r, "password");
	const char *next = req_form(r, "next");
	if (!login || !password || !*login || strlen(login) > 100 || strlen(password) > 1000)
		return login_form(r, login, next, nr_label("hi", "login_failed"), 401);
	int64_t now = kb_now(), ip_fails, user_fails;
	kb_buf lower = {0};
	kb_buf_puts(&lower, "user:");
	for (const char *p = login; *p; p++)
		kb_buf_putc(&lower, (char)tolower((unsigned char)*p));
	const char *ip_key = kb_arena_printf(&r->arena, "ip:%s", req_peer(r));
	const char *user_key = kb_arena_strndup(&r->arena, lower.data, lower.len);
	kb_buf_free(&lower);
	if (store_login_failures(r->db, ip_key, now - WINDOW, &ip_fails) ||
	    store_login_failures(r->db, user_key, now - WINDOW, &user_fails))
		return 500;
	if (ip_fails >= MAX_PER_ADDRESS || user_fails >= MAX_PER_ACCOUNT)
		return login_form(r, login, next, nr_label("hi", "login_throttled"), 429);

	kb_user u;
	const char *hash = NULL;
	int rc = store_user_by_login(r->db, &r->arena, login, &u, &hash);
	if (rc == STORE_ERROR)
		return 500;
	/* Always spend the KDF's time, found or not. */
	int ok = auth_password_verify(password, rc == STORE_OK ? hash : auth_dummy_hash());
	if (rc != STORE_OK || !ok || u.disabled) {
		if (store_login_failure_add(r->db, ip_key, now) ||
		    store_login_failure_add(r->db, user_key, now))
			return 500;
		return login_form(r, login, next, nr_label("hi", "login_failed"), 401);
	}
	if (store_login_failures_clear(r->db, user_key) || session_start(r, &u) ||
	    store_audit_add(r->db, u.id, "login", 0, req_peer(r)))
		return 500;
	return nr_redirect(r, "%s", next_path(next));
}

int nr_logout(kb_req *r)
{
	int64_t id = r->user.id;
	if (store_audit_add(r->db, id, "logout", 0, "") || session_end(r, 0))
		return 500;
	return nr_redirect(r, "/newsroom/login");
}

int nr_logout_all(kb_req *r)
{
	int64_t id = r->user.id;
	if (store_audit_add(r->db, id, "logout_all", 0, "") || session_end(r, 1))
		return 500;
	return nr_redirect(r, "/newsroom/login");
}

static int account_page(kb_req *r, const char *message, const char *error, int status)
{
	tv *ctx = nr_context(r, "account", "account");
	if (!ctx)
		return 500;
	tv_set_bool(ctx, "lang_hi", !strcmp(r->user.lang, "hi"));
	tv_set_bool(ctx, "lang_en", !strcmp(r->user.lang, "en"));
	if (message)
		tv_set_str(ctx, "message", message);
	if (error)
		tv_set_str(ctx, "error", error);
	return nr_render(r, "newsroom-account", ctx, status);
}

int nr_account_page(kb_req *r)
{
	return account_page(r, NULL, NULL, 200);
}

int nr_account(kb_req *r)
{
	const char *lang = req_form(r, "lang");
	const char *cur = req_form(r, "current_password"), *neu = req_form(r, "new_password");
	if (lang && (!strcmp(lang, "hi") || !strcmp(lang, "en"))) {
		if (store_user_set_lang(r->db, r->user.id, lang))
			return 500;
		r->user.lang = lang;
	}
	if (neu && *neu) {
		const char *hash = NULL;
		kb_user u;
		if (store_user_by_login(r->db, &r->arena, r->user.login, &u, &hash))
			return 500;
		if (!auth_password_verify(cur ? cur : "", hash))
			return account_page(r, NULL, nr_label(r->user.lang, "login_failed"), 400);
		if (strlen(neu) < 10)
			return account_page(r, NULL, nr_label(r->user.lang, "password_short"), 400);
		kb_buf h = {0};
		int bad = auth_password_hash(neu, &h) || store_user_set_password(r->db, r->user.id, h.data);
		kb_buf_free(&h);
		if (bad)
			return 500;
	}
	return account_page(r, nr_label(r->user.lang, "saved_ok"), NULL, 200);
}

int nr_lang(kb_req *r)
{
	const char *lang = strcmp(r->user.lang, "en") ? "en" : "hi";
	if (store_user_set_lang(r->db, r->user.id, lang))
		return 500;
	const char *back = req_form(r, "back");
	return nr_redirect(r, "%s", next_path(back));
}
