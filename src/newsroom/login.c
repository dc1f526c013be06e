/*
 * login.c: logging in and out, "log out everywhere", and the account page
 * (language, password). A wrong username and a wrong password get the
 * same answer in the same time. Changing one's password ends one's other
 * sessions (an admin's reset, admin.c, ends them all).
 *
 * Throttling. Guessing must stay slow however many addresses an attacker
 * has, yet no attacker may lock the real user out: a lock that anyone can
 * set is a weapon. So nothing is ever locked; attempts are made to wait,
 * and the wait falls on the guesser. Every attempt on an account (the
 * login as typed, lower-cased, whether or not such a user exists: the
 * answer must not tell) from an address (IPv6 by its /64) passes this gate
 * before its password is checked:
 *
 *   pair     this address on this account: 5 failures a day free, then
 *            each attempt waits 1 minute after the pair's latest failure,
 *            doubling with every further failure, up to an hour. A user's
 *            own typos cost them a minute; an address guessing at one
 *            account gets about 33 tries a day.
 *   address  this address on any account: the same with 20 free, against
 *            one address trying many accounts.
 *   account  this account from every address: the same with 10 free, so
 *            that many addresses together are as slow as one. Two kinds of
 *            address skip this wait, since the real user is on one of
 *            them and an attacker is not:
 *              known  the account logged in from it in the last 30 days
 *                     (the newsroom, a reporter's home): never slowed by
 *                     anyone else's failures;
 *              fresh  fewer than 3 failures on the account today (a new
 *                     phone, a hotel): let in while fewer than 3 fresh
 *                     attempts failed in the past hour, a budget an
 *                     attacker's spare addresses cannot enlarge.
 *
 * So one attacking address slows nobody else (its failures run into its
 * pair's wait, and other addresses stay fresh or known); an attacker with
 * a thousand addresses slows only the real user's first login from a new
 * place, by an hour at most; and an account takes about 38 + 72 guesses
 * a day (the account's own doubling, and the fresh budget), some 40,000 a
 * year, from any number of addresses (plus about 33 a day from an address
 * the account has logged in from, which an attacker must share, a NAT).
 * That is infeasible for any password outside the most common few
 * thousand (the 10 characters required do not rule those out).
 *
 * Atomic: the attempt is charged as a failure before its password is
 * checked, in the same store transaction (BEGIN IMMEDIATE: one writer at a
 * time across threads and processes) that counted the failures before
 * it, so parallel attempts see each other's charges and never pass a
 * limit together. A right password takes its charge back, and its
 * address's earlier failures on the account with it. Failures are kept a
 * day, known addresses 30 days (store_prune).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "../http/header.h"
#include "../core/crypto.h"
#include "newsroom.h"

#define DAY 86400
#define HOUR 3600
#define KNOWN_FOR (30 * DAY) /* a login keeps its address known this long */
#define FIRST_WAIT 60        /* seconds; doubled with each failure beyond the free ones */
#define LONGEST_WAIT HOUR
#define PAIR_FREE 5
#define ADDRESS_FREE 20
#define ACCOUNT_FREE 10
#define FRESH_BELOW 3    /* an address with fewer failures on the account today is fresh */
#define FRESH_PER_HOUR 3 /* fresh attempts that may fail in an hour, past the account's limit */

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

static int login_form(kb_req *r, const char *login, const char *next, const char *error, int status)
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

/* Seconds until a count of n failures, the latest at last, lets the next
 * attempt in: none while n is below free, then FIRST_WAIT after the latest,
 * doubling with each failure beyond free, up to LONGEST_WAIT. */
static int64_t backoff(int64_t n, int free, int64_t last, int64_t now)
{
	if (n < free)
		return 0;
	int64_t wait = n - free >= 6 ? LONGEST_WAIT : FIRST_WAIT << (n - free);
	if (wait > LONGEST_WAIT)
		wait = LONGEST_WAIT;
	return last + wait > now ? last + wait - now : 0;
}

static int64_t longer(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* The wait the counts c impose on an attempt at now (0: go on), as the
 * header comment says; *fresh is set when it goes on as a fresh address. */
static int64_t throttle_wait(const kb_login_counts *c, int64_t now, int *fresh)
{
	*fresh = 0;
	int64_t wait = longer(backoff(c->pair, PAIR_FREE, c->pair_last, now),
			      backoff(c->address, ADDRESS_FREE, c->address_last, now));
	int64_t account = c->known ? 0 : backoff(c->account, ACCOUNT_FREE, c->account_last, now);
	if (account && c->pair < FRESH_BELOW) {
		if (c->fresh < FRESH_PER_HOUR) {
			account = 0;
			*fresh = 1;
		} else if (c->fresh_first + HOUR - now < account) {
			account = c->fresh_first + HOUR - now;
		}
	}
	return longer(wait, account);
}

/* The throttle's name for an account: the login, ASCII lower-cased (as
 * store_user_by_login matches it). */
static const char *account_key(kb_req *r, const char *login)
{
	char *k = kb_arena_strdup(&r->arena, login);
	for (char *p = k; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return k;
}

/*
 * Lets an attempt on account from this request's address through the gate
 * (the header comment): counts, decides and, when it may go on, charges it
 * as a failure, all in one transaction. Returns 0 with the charge in
 * *charge (for store_login_success), the seconds to wait, or -1 when the
 * store failed.
 */
static int64_t throttle(kb_req *r, const char *account, int64_t *charge)
{
	const char *address = req_peer_net(r);
	int64_t now = kb_now(), wait = 0;
	kb_login_counts c;
	int fresh;
	if (store_begin(r->db))
		return -1;
	int rc = store_login_counts(r->db, account, address, now - DAY, now - HOUR, now - KNOWN_FOR, &c);
	if (!rc) {
		wait = throttle_wait(&c, now, &fresh);
		if (!wait)
			rc = store_login_charge(r->db, account, address, fresh, now, charge);
	}
	if (rc || store_commit(r->db)) {
		store_rollback(r->db);
		return -1;
	}
	return wait;
}

/* The password of charge was right: the charge goes back. */
static int throttle_passed(kb_req *r, const char *account, int64_t charge)
{
	return store_login_success(r->db, account, req_peer_net(r), charge, kb_now()) ? -1 : 0;
}

/* "Too many failed attempts. Try again in N minutes." in lang, with
 * Retry-After. */
static const char *throttled(kb_req *r, const char *lang, int64_t wait)
{
	req_add_header(r, "retry-after", kb_arena_printf(&r->arena, "%lld", (long long)wait));
	return kb_arena_printf(&r->arena, "%s %lld %s", nr_label(lang, "login_throttled"),
			       (long long)((wait + 59) / 60), nr_label(lang, "login_wait_minutes"));
}

int nr_login(kb_req *r)
{
	const char *login = req_form(r, "login"), *password = req_form(r, "password");
	const char *next = req_form(r, "next");
	if (!login || !password || !*login || strlen(login) > 100 || strlen(password) > 1000)
		return login_form(r, login, next, nr_label("hi", "login_failed"), 401);
	const char *account = account_key(r, login);
	int64_t charge, wait = throttle(r, account, &charge);
	if (wait < 0)
		return 500;
	if (wait)
		return login_form(r, login, next, throttled(r, "hi", wait), 429);

	kb_user u;
	const char *hash = NULL;
	int rc = store_user_by_login(r->db, &r->arena, login, &u, &hash);
	if (rc == STORE_ERROR)
		return 500;
	/* Always spend the KDF's time, found or not. */
	int ok = kb_password_verify(password, rc == STORE_OK ? hash : kb_password_dummy());
	if (rc != STORE_OK || !ok || u.disabled)
		return login_form(r, login, next, nr_label("hi", "login_failed"), 401);
	if (throttle_passed(r, account, charge) || session_start(r, &u) ||
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

/* A new password ends the user's other sessions: whoever knew the old one
 * may have logged in with it. The current password is checked through
 * the login throttle, so a stolen session cannot guess it faster. */
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
		const char *account = account_key(r, r->user.login);
		int64_t charge, wait = throttle(r, account, &charge);
		if (wait < 0)
			return 500;
		if (wait)
			return account_page(r, NULL, throttled(r, r->user.lang, wait), 429);
		const char *hash = NULL;
		kb_user u;
		if (store_user_by_login(r->db, &r->arena, r->user.login, &u, &hash))
			return 500;
		if (!kb_password_verify(cur ? cur : "", hash))
			return account_page(r, NULL, nr_label(r->user.lang, "login_failed"), 400);
		if (throttle_passed(r, account, charge))
			return 500;
		if (strlen(neu) < 10)
			return account_page(r, NULL, nr_label(r->user.lang, "password_short"), 400);
		/* One transaction: never the new password with the old sessions. */
		kb_buf h = {0};
		int bad = kb_password_hash(neu, &h) || store_begin(r->db) ||
			  store_user_set_password(r->db, r->user.id, h.data) ||
			  store_session_delete_others(r->db, r->user.id, r->session) ||
			  store_audit_add(r->db, r->user.id, "password", 0, req_peer(r)) ||
			  store_commit(r->db);
		kb_buf_free(&h);
		if (bad) {
			store_rollback(r->db);
			return 500;
		}
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
