/*
 * session.c: newsroom sessions, CSRF tokens and set-password links (see
 * session.h and http.h).
 *
 * A session is 256 random bits in an HttpOnly, SameSite=Lax cookie (Secure
 * under TLS) scoped to /newsroom, so public pages never see it and stay
 * cacheable. The store keeps only its SHA-256, so a copy of the database
 * logs nobody in. Each session has its own random CSRF token, which every
 * form carries and the dispatcher compares in constant time.
 *
 * Before login there is no session, so the login form gets a signed double
 * submit token: a random value in a cookie, and in the form its HMAC under
 * a server secret kept in the database. A cross-site page can neither
 * read the cookie nor compute the HMAC. Together with the Origin check
 * this also stops login CSRF (logging a victim into the attacker's
 * account).
 */
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/crypto.h"

static unsigned char g_secret[32];

int session_init(store *st)
{
	unsigned char fresh[sizeof g_secret];
	kb_random_bytes(fresh, sizeof fresh);
	return store_secret(st, "csrf", fresh, sizeof fresh, g_secret) ? -1 : 0;
}

/* A cookie value that could be one of ours: 64 lower-case hex digits. */
static int token_shaped(const char *t)
{
	if (!t || strlen(t) != 64)
		return 0;
	for (const char *p = t; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}

static const char *cookie(kb_req *r, const char *name)
{
	const char *h = req_header(r, "cookie");
	return h ? cookie_get(&r->arena, h, strlen(h), name) : NULL;
}

int session_load(kb_req *r)
{
	const char *token = cookie(r, SESSION_COOKIE);
	if (!token_shaped(token))
		return 0;
	char hash[65];
	kb_sha256_hex(token, strlen(token), hash);
	int64_t now = kb_now(), seen;
	const char *csrf;
	kb_user u;
	int rc = store_session_get(r->db, &r->arena, hash, now, &u, &csrf, &seen);
	if (rc == STORE_NOTFOUND)
		return 0;
	if (rc)
		return -1;
	r->user = u;
	r->csrf = csrf;
	r->session = kb_arena_strdup(&r->arena, hash);
	/* Slide the session, writing at most every five minutes. */
	if (now - seen > 300 && store_session_touch(r->db, hash, now, now + SESSION_IDLE))
		return -1;
	return 0;
}

void session_pre_token(const char *value, char out[65])
{
	kb_buf m = {0};
	kb_buf_printf(&m, "pre:%s", value);
	kb_hmac_hex(g_secret, sizeof g_secret, m.data, out);
	kb_buf_free(&m);
}

/* Whether the Origin header, when there is one, names this site. */
static int same_origin(kb_req *r)
{
	const char *origin = req_header(r, "origin");
	if (!origin)
		return 1; /* old browsers; SameSite and the token still hold */
	const char *host = req_authority(r);
	const char *p = strstr(origin, "://");
	return host && p && !strcmp(p + 3, host);
}

int session_csrf_ok(kb_req *r)
{
	if (!same_origin(r))
		return 0;
	/* The token is the dispatcher's own field, on every form. */
	const kb_form_field *f = form_get(&r->form, "csrf");
	const char *token = f && !f->filename ? f->value : NULL;
	if (!token)
		token = req_header(r, "x-csrf-token");
	if (!token)
		return 0;
	if (r->session)
		return kb_secret_equal(token, r->csrf);
	const char *pre = cookie(r, PRE_COOKIE);
	if (!token_shaped(pre))
		return 0;
	char want[65];
	session_pre_token(pre, want);
	return kb_secret_equal(token, want);
}

const char *session_pre_csrf(kb_req *r)
{
	return session_pre_csrf_at(r, "/newsroom");
}

const char *session_pre_csrf_at(kb_req *r, const char *path)
{
	const char *pre = cookie(r, PRE_COOKIE);
	if (!token_shaped(pre)) {
		char fresh[65];
		kb_random_hex(fresh, 32);
		pre = kb_arena_strdup(&r->arena, fresh);
		req_set_cookie_at(r, path, PRE_COOKIE, pre, 0);
	}
	char token[65];
	session_pre_token(pre, token);
	return kb_arena_strdup(&r->arena, token);
}

/* The signature of a form stamp's time. */
static void stamp_mac(long long t, char out[65])
{
	char m[40];
	snprintf(m, sizeof m, "stamp:%lld", t);
	kb_hmac_hex(g_secret, sizeof g_secret, m, out);
}

const char *session_stamp(kb_req *r, int64_t now)
{
	char mac[65];
	stamp_mac((long long)now, mac);
	return kb_arena_printf(&r->arena, "%lld.%s", (long long)now, mac);
}

int64_t session_stamp_time(const char *stamp)
{
	char *end;
	long long t = stamp ? strtoll(stamp, &end, 10) : 0;
	if (!stamp || t <= 0 || *end != '.')
		return 0;
	char mac[65];
	stamp_mac(t, mac);
	return kb_secret_equal(end + 1, mac) ? (int64_t)t : 0;
}

int session_start(kb_req *r, const kb_user *u)
{
	char token[65], hash[65], csrf[65];
	kb_random_hex(token, 32);
	kb_random_hex(csrf, 32);
	kb_sha256_hex(token, 64, hash);
	int64_t now = kb_now();
	const char *agent = req_header(r, "user-agent");
	/* A session that was open in this browser ends: no fixation. */
	if (r->session && store_session_delete(r->db, r->session))
		return -1;
	if (store_session_add(r->db, hash, u->id, csrf, now, now + SESSION_IDLE, req_peer(r),
			      agent ? agent : ""))
		return -1;
	req_set_cookie(r, SESSION_COOKIE, kb_arena_strdup(&r->arena, token), 30 * 86400);
	req_set_cookie(r, PRE_COOKIE, NULL, 0);
	r->user = *u;
	r->csrf = kb_arena_strdup(&r->arena, csrf);
	r->session = kb_arena_strdup(&r->arena, hash);
	return 0;
}

int session_end(kb_req *r, int everywhere)
{
	int rc = 0;
	if (everywhere && r->user.id)
		rc = store_session_delete_user(r->db, r->user.id);
	else if (r->session)
		rc = store_session_delete(r->db, r->session);
	req_set_cookie(r, SESSION_COOKIE, NULL, 0);
	r->session = NULL;
	r->csrf = NULL;
	memset(&r->user, 0, sizeof r->user);
	return rc ? -1 : 0;
}

int session_password_link(store *st, int64_t user_id, int64_t now, kb_buf *path)
{
	char token[65], hash[65];
	kb_random_hex(token, 32);
	kb_sha256_hex(token, 64, hash);
	if (store_password_token_add(st, hash, user_id, now + SESSION_LINK_DAYS * 86400))
		return -1;
	kb_buf_printf(path, "/newsroom/set-password/%s", token);
	return 0;
}
