/*
 * setpassword.c: the page of a set-password link,
 * /newsroom/set-password/{token}. An imported author (or anyone an admin
 * makes a link for with "khabar user link") gets one; it works once, for
 * SESSION_LINK_DAYS days. The token is 256 random bits in the URL; the
 * database keeps only its SHA-256. The form has no session yet, so it
 * carries the login form's pre-session CSRF token. Not here: making the
 * links (session_password_link, src/http/session.c), logging in
 * (login.c), the links' storage (src/db).
 */
#include <stdio.h>
#include <string.h>

#include "../core/crypto.h"
#include "newsroom.h"

/* The SHA-256 of the token in the path, or NULL when it is not one. */
static const char *token_hash(kb_req *r)
{
	const char *t = r->param[0];
	if (!t || strlen(t) != 64 || strspn(t, "0123456789abcdef") != 64)
		return NULL;
	char hash[65];
	kb_sha256_hex(t, 64, hash);
	return kb_arena_strdup(&r->arena, hash);
}

static int form(kb_req *r, const kb_user *u, const char *error, int status)
{
	tv *ctx = nr_context(r, "set_password_title", NULL);
	if (!ctx)
		return 500;
	/* Someone logged in (an admin trying the link) posts with their
	 * session's token, which nr_context has set; others with the
	 * pre-session one, as on the login form. */
	if (!r->session)
		tv_set_str(ctx, "csrf", session_pre_csrf(r));
	tv_set_str(ctx, "action", r->path);
	if (u) {
		tv_set_str(ctx, "name", u->name);
		tv_set_str(ctx, "login", u->login);
	} else {
		tv_set_bool(ctx, "gone", 1);
	}
	if (error)
		tv_set_str(ctx, "error", error);
	return nr_render(r, "newsroom-set-password", ctx, status);
}

int nr_set_password_page(kb_req *r)
{
	const char *hash = token_hash(r);
	kb_user u;
	int rc = hash ? store_password_token_user(r->db, &r->arena, hash, kb_now(), &u) : STORE_NOTFOUND;
	if (rc == STORE_ERROR)
		return 500;
	return rc ? form(r, NULL, NULL, 404) : form(r, &u, NULL, 200);
}

int nr_set_password(kb_req *r)
{
	const char *hash = token_hash(r);
	const char *pw = req_form(r, "password"), *again = req_form(r, "password2");
	kb_user u;
	int rc = hash ? store_password_token_user(r->db, &r->arena, hash, kb_now(), &u) : STORE_NOTFOUND;
	if (rc == STORE_ERROR)
		return 500;
	if (rc)
		return form(r, NULL, NULL, 404);
	/* The same rules as "khabar user password" and the account page. */
	if (!pw || strlen(pw) < 10)
		return form(r, &u, nr_label("hi", "password_short"), 400);
	if (strlen(pw) > 1000)
		return form(r, &u, nr_label("hi", "password_long"), 400);
	if (!again || strcmp(pw, again))
		return form(r, &u, nr_label("hi", "password_mismatch"), 400);
	kb_buf h = {0};
	int64_t id = 0;
	if (kb_password_hash(pw, &h)) {
		kb_buf_free(&h);
		return 500;
	}
	rc = store_password_token_use(r->db, hash, kb_now(), h.data, &id);
	kb_buf_free(&h);
	if (rc == STORE_NOTFOUND) /* another request spent it meanwhile */
		return form(r, NULL, NULL, 404);
	if (rc || store_audit_add(r->db, id, "password_set", 0, req_peer(r)))
		return 500;
	return nr_redirect(r, "/newsroom/login?set=1");
}
