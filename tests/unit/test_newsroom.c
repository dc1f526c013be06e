/*
 * test_newsroom.c: the newsroom's security and workflow without a socket:
 * password hashing, sessions in the store, CSRF tokens, the role rules of
 * every route in the route table, the form parsers, revisions with the
 * version check, the scheduler's query, push alerts sent from the
 * newsroom (the hourly limit, a scheduled story's alert sent once), and
 * photo jobs' claims on pending photos (each made once, by one server).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/form.h"
#include "app/app.h"
#include "http/http.h"
#include "http/session.h"
#include "core/crypto.h"
#include "push/push.h"
#include "tempdb.h"

/* ---- passwords ---- */

static void password_hash_round_trips_and_is_salted(void **state)
{
	kb_buf a = {0}, b = {0};
	assert_int_equal(kb_password_hash("सही-पासवर्ड-123", &a), 0);
	assert_int_equal(kb_password_hash("सही-पासवर्ड-123", &b), 0);
	assert_non_null(strstr(a.data, "$scrypt$ln=15,r=8,p=1$"));
	/* A fresh salt each time: the same password hashes differently. */
	assert_string_not_equal(a.data, b.data);
	assert_int_equal(kb_password_verify("सही-पासवर्ड-123", a.data), 1);
	assert_int_equal(kb_password_verify("सही-पासवर्ड-123", b.data), 1);
	assert_int_equal(kb_password_verify("सही-पासवर्ड-124", a.data), 0);
	assert_int_equal(kb_password_verify("", a.data), 0);
	kb_buf_free(&a);
	kb_buf_free(&b);
}

static void password_verify_refuses_what_it_cannot_read(void **state)
{
	const char *bad[] = {
		"",
		"plain",
		"$scrypt$ln=15,r=8,p=1$zz$00",
		"$scrypt$ln=15,r=8,p=1$00000000000000000000000000000000",
		"$scrypt$ln=4,r=8,p=1$00000000000000000000000000000000$"
		"0000000000000000000000000000000000000000000000000000000000000000",
		"$scrypt$ln=15,r=1,p=1$00000000000000000000000000000000$"
		"0000000000000000000000000000000000000000000000000000000000000000",
		"$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
	};
	for (size_t i = 0; i < KB_COUNT(bad); i++)
		if (kb_password_verify("x", bad[i]))
			fail_msg("\"%s\" verified", bad[i]);
	assert_int_equal(kb_password_verify("", kb_password_dummy()), 0);
	assert_int_equal(kb_password_verify("password", kb_password_dummy()), 0);
	assert_int_equal(kb_password_verify(NULL, kb_password_dummy()), 0);
}

static void tokens_are_random_hex_and_compare_in_constant_time(void **state)
{
	char a[65], b[65];
	kb_random_hex(a, 32);
	kb_random_hex(b, 32);
	assert_int_equal(strlen(a), 64);
	assert_int_equal(strspn(a, "0123456789abcdef"), 64);
	assert_string_not_equal(a, b);
	assert_int_equal(kb_secret_equal(a, a), 1);
	assert_int_equal(kb_secret_equal(a, b), 0);
	assert_int_equal(kb_secret_equal(a, "short"), 0);
	assert_int_equal(kb_secret_equal(NULL, a), 0);
	char h[65];
	kb_sha256_hex("abc", 3, h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* ---- CSRF ---- */

static void pre_session_tokens_are_bound_to_their_cookie(void **state)
{
	char t1[65], t2[65], t3[65];
	session_pre_token("aaaa", t1);
	session_pre_token("aaaa", t2);
	session_pre_token("aaab", t3);
	assert_string_equal(t1, t2);
	assert_string_not_equal(t1, t3);
	/* The token is a MAC, not the cookie: one cannot be had from the
	 * other. */
	assert_string_not_equal(t1, "aaaa");
}

/* ---- the route table ---- */

static const char *role_name(int role)
{
	return role == ROLE_NONE ? "anonymous" : store_role_name(role);
}

static void every_protected_route_refuses_lower_roles_and_anonymous_users(void **state)
{
	size_t checked = 0;
	for (size_t i = 0; i < app_nroutes; i++) {
		const kb_route *rt = &app_routes[i];
		int post = !strcmp(rt->method, "POST");
		if (!(rt->flags & R_AUTH))
			continue;
		for (int role = ROLE_NONE; role < rt->role; role++) {
			int token_only;
			int got = router_guard(rt, rt->method, role, 0, &token_only);
			/* A low role is refused for its role, whatever the token. */
			if (token_only)
				fail_msg("%s %s: %s refused for the token alone", rt->method, rt->pattern,
					 role_name(role));
			got = router_guard(rt, rt->method, role, 1, NULL);
			if (!got)
				fail_msg("%s %s let %s in (needs %s)", rt->method, rt->pattern,
					 role_name(role), role_name(rt->role));
			int want = role == ROLE_NONE ? 401 : 403;
			if (got != want)
				fail_msg("%s %s for %s: expected %d, got %d", rt->method, rt->pattern,
					 role_name(role), want, got);
			checked++;
		}
		for (int role = rt->role; role <= ROLE_ADMIN; role++) {
			if (router_guard(rt, rt->method, role, 1, NULL))
				fail_msg("%s %s refused %s with a valid token", rt->method, rt->pattern,
					 role_name(role));
			/* Without the CSRF token, even the right role is refused,
			 * for the token (the dispatcher's "stale form" text). */
			int token_only;
			if (post &&
			    (router_guard(rt, rt->method, role, 0, &token_only) != 403 || !token_only))
				fail_msg("%s %s took a POST from %s without a CSRF token", rt->method,
					 rt->pattern, role_name(role));
			checked++;
		}
	}
	assert_true(checked > 100);
	print_message("%zu role and token cases checked\n", checked);
}

static void newsroom_routes_are_private_and_posts_carry_tokens(void **state)
{
	for (size_t i = 0; i < app_nroutes; i++) {
		const kb_route *rt = &app_routes[i];
		int post = !strcmp(rt->method, "POST");
		if (post && !(rt->flags & (R_CSRF | R_PUBLIC_JSON | R_SIGNED_LINK)))
			fail_msg("POST %s has no CSRF check", rt->pattern);
		if (post && (rt->flags & R_SIGNED_LINK) && strncmp(rt->pattern, "/digest/", 8))
			fail_msg("POST %s is authorised by its link: only the digest's unsubscribe may be",
				 rt->pattern);
		if (post && (rt->flags & R_PUBLIC_JSON) && strncmp(rt->pattern, "/api/v1/push/", 13))
			fail_msg("POST %s takes readers' JSON: only push subscriptions may", rt->pattern);
		/* The flag, not the path, makes the dispatcher load the
		 * session: the two must agree. */
		int under = !strncmp(rt->pattern, "/newsroom", 9);
		if (under != !!(rt->flags & R_NEWSROOM))
			fail_msg("%s %s: R_NEWSROOM %s", rt->method, rt->pattern,
				 under ? "missing" : "outside /newsroom");
		if (!under)
			continue;
		if (rt->flags & R_CACHE)
			fail_msg("%s %s is cached", rt->method, rt->pattern);
		if (rt->max_age != -1)
			fail_msg("%s %s is not no-store", rt->method, rt->pattern);
		/* The two pages a person without a session must reach. */
		int login = !strcmp(rt->pattern, "/newsroom/login") ||
			    !strcmp(rt->pattern, "/newsroom/set-password/{token}");
		if (!login && (!(rt->flags & R_AUTH) || rt->role < ROLE_REPORTER))
			fail_msg("%s %s needs no login", rt->method, rt->pattern);
		/* Only uploads may send big bodies: photos, an author's
		 * profile with its photo, and live entries with theirs. */
		if (rt->max_body && strcmp(rt->pattern, "/newsroom/media") &&
		    strcmp(rt->pattern, "/newsroom/authors/{id}") &&
		    strcmp(rt->pattern, "/newsroom/articles/{id}/live/entries"))
			fail_msg("%s %s takes a big body", rt->method, rt->pattern);
	}
	/* Publishing, push alerts and users are not for reporters. */
	int found = 0;
	for (size_t i = 0; i < app_nroutes; i++) {
		const kb_route *rt = &app_routes[i];
		if (strstr(rt->pattern, "/publish") || strstr(rt->pattern, "/schedule") ||
		    strstr(rt->pattern, "/unpublish") || !strcmp(rt->pattern, "/newsroom/categories") ||
		    !strncmp(rt->pattern, "/newsroom/alerts", 16) || strstr(rt->pattern, "/notes") ||
		    !strcmp(rt->pattern, "/newsroom/tips/{id}/grievance") ||
		    !strcmp(rt->pattern, "/newsroom/authors") || !strcmp(rt->pattern, "/newsroom/ticker") ||
		    !strcmp(rt->pattern, "/newsroom/live/entries/{id}/push") ||
		    !strcmp(rt->pattern, "/newsroom/articles/{id}/live/close"))
			assert_int_equal(rt->role, ROLE_EDITOR), found++;
		if (!strncmp(rt->pattern, "/newsroom/users", 15) ||
		    !strncmp(rt->pattern, "/newsroom/settings", 18))
			assert_int_equal(rt->role, ROLE_ADMIN), found++;
	}
	assert_true(found >= 15);
}

static void public_routes_need_nobody(void **state)
{
	for (size_t i = 0; i < app_nroutes; i++) {
		const kb_route *rt = &app_routes[i];
		if (!strncmp(rt->pattern, "/newsroom", 9))
			continue;
		/* Only a reader's form may show itself again on a stale token. */
		if (rt->flags & R_STALE_FORM)
			assert_true((rt->flags & R_CSRF) && !(rt->flags & R_AUTH) && rt->role == 0);
		/* A reader's form (the tip form) still needs its token. */
		assert_int_equal(router_guard(rt, rt->method, ROLE_NONE, 1, NULL), 0);
		if (rt->flags & R_CSRF)
			assert_int_equal(router_guard(rt, rt->method, ROLE_NONE, 0, NULL), 403);
		else
			assert_int_equal(router_guard(rt, rt->method, ROLE_NONE, 0, NULL), 0);
	}
}

/* ---- forms and cookies ---- */

static void urlencoded_forms_decode_and_refuse_bad_bytes(void **state)
{
	kb_arena a = {0};
	kb_form f;
	const char *body = "title=%E0%A4%96%E0%A4%AC%E0%A4%B0+%E0%A4%8F%E0%A4%95&csrf=ab&empty=&flag";
	assert_int_equal(form_parse_urlencoded(&a, body, strlen(body), &f), 0);
	assert_int_equal(f.n, 4);
	assert_string_equal(form_get(&f, "title")->value, "खबर एक");
	assert_string_equal(form_get(&f, "csrf")->value, "ab");
	assert_string_equal(form_get(&f, "empty")->value, "");
	assert_string_equal(form_get(&f, "flag")->value, "");
	assert_null(form_get(&f, "missing"));
	const char *bad[] = {"a=%zz", "a=%E0%A4", "a=%00", "a=%", "%ff=1"};
	for (size_t i = 0; i < KB_COUNT(bad); i++)
		if (!form_parse_urlencoded(&a, bad[i], strlen(bad[i]), &f))
			fail_msg("\"%s\" parsed", bad[i]);
	kb_arena_free(&a);
}

static void multipart_forms_keep_files_as_bytes(void **state)
{
	kb_arena a = {0};
	kb_form f;
	const char *type = "multipart/form-data; boundary=----x7";
	static const char body[] = "------x7\r\n"
				   "Content-Disposition: form-data; name=\"csrf\"\r\n\r\n"
				   "tok\r\n"
				   "------x7\r\n"
				   "Content-Disposition: form-data; name=\"file\"; filename=\"फ़ोटो.jpg\"\r\n"
				   "Content-Type: image/jpeg\r\n\r\n"
				   "\xff\xd8\xff\x00\x01\r\n"
				   "------x7--\r\n";
	assert_int_equal(form_parse_multipart(&a, type, body, sizeof body - 1, &f), 0);
	assert_int_equal(f.n, 2);
	assert_string_equal(form_get(&f, "csrf")->value, "tok");
	const kb_form_field *file = form_get(&f, "file");
	assert_string_equal(file->filename, "फ़ोटो.jpg");
	assert_string_equal(file->type, "image/jpeg");
	assert_int_equal(file->len, 5);
	assert_memory_equal(file->value, "\xff\xd8\xff\x00\x01", 5);
	/* Truncated, unterminated, or text that is not UTF-8: refused. */
	assert_int_equal(form_parse_multipart(&a, type, body, 40, &f), -1);
	assert_int_equal(form_parse_multipart(&a, "multipart/form-data", body, sizeof body - 1, &f), -1);
	static const char latin1[] =
		"------x7\r\nContent-Disposition: form-data; name=\"t\"\r\n\r\n\xe9\r\n------x7--";
	assert_int_equal(form_parse_multipart(&a, type, latin1, sizeof latin1 - 1, &f), -1);
	kb_arena_free(&a);
}

static void cookies_are_found_by_exact_name(void **state)
{
	kb_arena a = {0};
	const char *h = "x_kb_session=no; kb_session=yes; kb_pre=p";
	assert_string_equal(cookie_get(&a, h, strlen(h), "kb_session"), "yes");
	assert_string_equal(cookie_get(&a, h, strlen(h), "kb_pre"), "p");
	assert_null(cookie_get(&a, h, strlen(h), "session"));
	kb_arena_free(&a);
}

/* ---- the store: users, sessions, revisions, scheduling ---- */

static int setup(void **state)
{
	store *st = tempdb_open("nr");
	if (!st)
		return -1;
	if (store_category_add(st, "देश", "desh", 1))
		return -1;
	*state = st;
	return 0;
}

static int64_t add_user(store *st, const char *login, int role)
{
	int64_t id;
	assert_int_equal(store_user_add(st, login, login, role, kb_password_dummy(), &id), STORE_OK);
	return id;
}

static void sessions_live_until_they_end(void **state)
{
	store *st = *state;
	kb_arena a = {0};
	int64_t uid = add_user(st, "ram", ROLE_REPORTER), other = add_user(st, "shyam", ROLE_EDITOR);
	int64_t dup;
	assert_int_equal(store_user_add(st, "RAM", "x", ROLE_ADMIN, "h", &dup), STORE_CONFLICT);
	char h1[65], h2[65], h3[65];
	kb_sha256_hex("t1", 2, h1);
	kb_sha256_hex("t2", 2, h2);
	kb_sha256_hex("t3", 2, h3);
	assert_int_equal(store_session_add(st, h1, uid, "c1", 1000, 2000, "127.0.0.1", "test"), STORE_OK);
	assert_int_equal(store_session_add(st, h2, uid, "c2", 1000, 2000, "127.0.0.1", "test"), STORE_OK);
	assert_int_equal(store_session_add(st, h3, other, "c3", 1000, 2000, "127.0.0.1", "test"), STORE_OK);
	kb_user u;
	const char *csrf;
	int64_t seen;
	assert_int_equal(store_session_get(st, &a, h1, 1500, &u, &csrf, &seen), STORE_OK);
	assert_int_equal(u.id, uid);
	assert_int_equal(u.role, ROLE_REPORTER);
	assert_string_equal(csrf, "c1");
	/* Expired. */
	assert_int_equal(store_session_get(st, &a, h1, 2000, &u, &csrf, &seen), STORE_NOTFOUND);
	/* Touching slides it. */
	assert_int_equal(store_session_touch(st, h1, 1900, 3000), STORE_OK);
	assert_int_equal(store_session_get(st, &a, h1, 2500, &u, &csrf, &seen), STORE_OK);
	assert_int_equal(seen, 1900);
	/* One logout ends one session; "everywhere" ends them all. */
	assert_int_equal(store_session_delete(st, h1), STORE_OK);
	assert_int_equal(store_session_get(st, &a, h1, 1500, &u, &csrf, &seen), STORE_NOTFOUND);
	assert_int_equal(store_session_get(st, &a, h2, 1500, &u, &csrf, &seen), STORE_OK);
	assert_int_equal(store_session_delete_user(st, uid), STORE_OK);
	assert_int_equal(store_session_get(st, &a, h2, 1500, &u, &csrf, &seen), STORE_NOTFOUND);
	assert_int_equal(store_session_get(st, &a, h3, 1500, &u, &csrf, &seen), STORE_OK);
	/* A new password ends the user's other sessions, not the one in use
	 * nor another user's. */
	char h4[65], h5[65];
	kb_sha256_hex("t4", 2, h4);
	kb_sha256_hex("t5", 2, h5);
	assert_int_equal(store_session_add(st, h4, uid, "c4", 1000, 2000, "127.0.0.1", "test"), STORE_OK);
	assert_int_equal(store_session_add(st, h5, uid, "c5", 1000, 2000, "127.0.0.1", "test"), STORE_OK);
	assert_int_equal(store_session_delete_others(st, uid, h4), STORE_OK);
	assert_int_equal(store_session_get(st, &a, h4, 1500, &u, &csrf, &seen), STORE_OK);
	assert_int_equal(store_session_get(st, &a, h5, 1500, &u, &csrf, &seen), STORE_NOTFOUND);
	assert_int_equal(store_session_get(st, &a, h3, 1500, &u, &csrf, &seen), STORE_OK);
	/* Disabling a user ends their sessions, and a disabled user's
	 * session would not be found anyway. */
	assert_int_equal(store_user_update(st, other, "shyam", ROLE_EDITOR, 1), STORE_OK);
	assert_int_equal(store_session_get(st, &a, h3, 1500, &u, &csrf, &seen), STORE_NOTFOUND);
	kb_arena_free(&a);
}

/* The throttle's counts: by account and address together, by address, by
 * account, the fresh ones in their own window; a success takes back its
 * own charge and the address's earlier ones, not later ones or other
 * addresses', and makes the address known. */
static void login_attempts_are_counted_by_account_and_address(void **state)
{
	store *st = *state;
	kb_login_counts c;
	int64_t id, ids[4];
	assert_int_equal(store_login_charge(st, "ram", "1.2.3.4", 0, 100, &ids[0]), STORE_OK);
	assert_int_equal(store_login_charge(st, "ram", "1.2.3.4", 1, 101, &ids[1]), STORE_OK);
	assert_int_equal(store_login_charge(st, "ram", "5.6.7.8", 1, 102, &ids[2]), STORE_OK);
	assert_int_equal(store_login_charge(st, "sita", "1.2.3.4", 0, 103, &ids[3]), STORE_OK);
	assert_int_equal(store_login_counts(st, "ram", "1.2.3.4", 0, 0, 0, &c), STORE_OK);
	assert_int_equal(c.pair, 2);
	assert_int_equal(c.pair_last, 101);
	assert_int_equal(c.address, 3);
	assert_int_equal(c.address_last, 103);
	assert_int_equal(c.account, 3);
	assert_int_equal(c.account_last, 102);
	assert_int_equal(c.fresh, 2);
	assert_int_equal(c.fresh_first, 101);
	assert_false(c.known);
	/* Only what happened at or after since (and fresh_since). */
	assert_int_equal(store_login_counts(st, "ram", "1.2.3.4", 101, 102, 0, &c), STORE_OK);
	assert_int_equal(c.pair, 1);
	assert_int_equal(c.account, 2);
	assert_int_equal(c.address, 2);
	assert_int_equal(c.fresh, 1);
	assert_int_equal(c.fresh_first, 102);
	/* An account or address never seen counts nothing. */
	assert_int_equal(store_login_counts(st, "nobody", "9.9.9.9", 0, 0, 0, &c), STORE_OK);
	assert_int_equal(c.pair + c.address + c.account + c.fresh + c.pair_last + c.fresh_first, 0);

	/* ram gets it right from 1.2.3.4 with charge ids[0]: that charge goes,
	 * the later one stays (an attempt still in flight), 5.6.7.8's too. */
	assert_int_equal(store_login_success(st, "ram", "1.2.3.4", ids[0], 200), STORE_OK);
	assert_int_equal(store_login_counts(st, "ram", "1.2.3.4", 0, 0, 0, &c), STORE_OK);
	assert_int_equal(c.pair, 1);
	assert_int_equal(c.account, 2);
	assert_true(c.known);
	assert_int_equal(store_login_counts(st, "ram", "1.2.3.4", 0, 0, 201, &c), STORE_OK);
	assert_false(c.known);
	assert_int_equal(store_login_counts(st, "ram", "5.6.7.8", 0, 0, 0, &c), STORE_OK);
	assert_false(c.known);
	assert_int_equal(store_login_counts(st, "sita", "1.2.3.4", 0, 0, 0, &c), STORE_OK);
	assert_false(c.known);
	/* A later login moves the known time on. */
	assert_int_equal(store_login_charge(st, "ram", "1.2.3.4", 0, 300, &id), STORE_OK);
	assert_int_equal(store_login_success(st, "ram", "1.2.3.4", id, 300), STORE_OK);
	assert_int_equal(store_login_counts(st, "ram", "1.2.3.4", 0, 0, 201, &c), STORE_OK);
	assert_true(c.known);
	assert_int_equal(c.pair, 0);
}

static void the_second_of_two_concurrent_saves_conflicts_and_loses_nothing(void **state)
{
	store *st = *state;
	kb_arena a = {0};
	int64_t uid = add_user(st, "ram", ROLE_REPORTER), eid = add_user(st, "sita", ROLE_EDITOR);
	kb_article_input in = {
		.title = "पहला शीर्षक", .body = "पहला पाठ", .category_slug = "desh", .owner_id = uid};
	int64_t id = 0, v;
	assert_int_equal(store_article_save(st, &in, 0, uid, "save", &id, &v), STORE_OK);
	assert_int_equal(v, 1);
	/* Both open version 1; the editor saves first. */
	kb_article_input ed = in;
	ed.body = "संपादक का पाठ";
	assert_int_equal(store_article_save(st, &ed, 1, eid, "save", &id, &v), STORE_OK);
	assert_int_equal(v, 2);
	kb_article_input rep = in;
	rep.body = "रिपोर्टर का पाठ";
	assert_int_equal(store_article_save(st, &rep, 1, uid, "save", &id, &v), STORE_CONFLICT);
	kb_article art;
	assert_int_equal(store_article_by_id(st, &a, id, &art), STORE_OK);
	assert_string_equal(art.body, "संपादक का पाठ");
	assert_int_equal(art.version, 2);
	/* The losing edit is kept as a revision. */
	assert_int_equal(store_revision_add_conflict(st, id, uid, &rep), STORE_OK);
	kb_revision *revs;
	size_t n;
	assert_int_equal(store_revision_list(st, &a, id, &revs, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_string_equal(revs[0].kind, "conflict");
	kb_revision full;
	assert_int_equal(store_revision_get(st, &a, revs[0].id, &full), STORE_OK);
	assert_string_equal(full.body, "रिपोर्टर का पाठ");
	/* The fields are JSON (PostgreSQL's json_build_object spaces it
	 * otherwise than SQLite's json_object): read as JSON. */
	json_t *fields = json_loads(full.fields, 0, NULL);
	assert_non_null(fields);
	assert_string_equal(json_string_value(json_object_get(fields, "category")), "desh");
	json_decref(fields);
	kb_arena_free(&a);
}

static void autosaves_in_a_row_keep_one_revision(void **state)
{
	store *st = *state;
	kb_arena a = {0};
	int64_t uid = add_user(st, "ram", ROLE_REPORTER);
	kb_article_input in = {.title = "शीर्षक", .body = "एक", .owner_id = uid};
	int64_t id = 0, v;
	assert_int_equal(store_article_save(st, &in, 0, uid, "save", &id, &v), STORE_OK);
	for (int i = 0; i < 5; i++) {
		in.body = i % 2 ? "दो" : "तीन";
		assert_int_equal(store_article_save(st, &in, v, uid, "autosave", &id, &v), STORE_OK);
	}
	kb_revision *revs;
	size_t n;
	assert_int_equal(store_revision_list(st, &a, id, &revs, &n), STORE_OK);
	assert_int_equal(n, 2); /* the save, then one autosave */
	assert_int_equal(revs[0].version, v);
	kb_arena_free(&a);
}

static void scheduled_articles_go_live_when_due(void **state)
{
	store *st = *state;
	kb_arena a = {0};
	int64_t uid = add_user(st, "sita", ROLE_EDITOR);
	kb_article_input in = {.title = "निर्धारित खबर", .body = "पाठ", .owner_id = uid};
	int64_t id = 0, v;
	assert_int_equal(store_article_save(st, &in, 0, uid, "save", &id, &v), STORE_OK);
	int64_t at = kb_now() + 60;
	assert_int_equal(store_article_transition(st, id, "scheduled", at, uid), STORE_OK);
	int n;
	assert_int_equal(store_publish_due(st, at - 1, &n), STORE_OK);
	assert_int_equal(n, 0);
	kb_article art;
	assert_int_equal(store_article_by_id(st, &a, id, &art), STORE_OK);
	assert_string_equal(art.status, "scheduled");
	assert_int_equal(art.publish_at, at);
	assert_int_equal(store_publish_due(st, at, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_article_by_id(st, &a, id, &art), STORE_OK);
	assert_string_equal(art.status, "published");
	assert_true(art.published_at > 0);
	/* The audit log says the scheduler did it. */
	kb_audit *log;
	size_t nlog;
	assert_int_equal(store_audit_list(st, &a, id, 10, &log, &nlog), STORE_OK);
	assert_true(nlog >= 3);
	assert_string_equal(log[0].action, "publish");
	assert_int_equal(log[0].user_id, 0);
	assert_string_equal(log[1].action, "schedule");
	kb_arena_free(&a);
}

/* ---- push alerts from the newsroom: the hourly limit, scheduled alerts ---- */

static size_t alert_count(store *st)
{
	kb_arena a = {0};
	push_sent *v;
	size_t n, total;
	assert_int_equal(push_store_history(st, &a, 0, 1, &v, &n, &total), STORE_OK);
	kb_arena_free(&a);
	return total;
}

static void hourly_limit_refuses_and_queues_nothing(void **state)
{
	store *st = *state;
	const int64_t t0 = 1800000000;
	kb_clock_fake(t0);
	push_alert_input in = {.title = "सूचना", .url = "/news/x"};
	int64_t id, limit;
	const char *why;
	assert_int_equal(push_store_hourly_limit(st, &limit), STORE_OK);
	assert_int_equal(limit, PUSH_HOURLY_DEFAULT);
	assert_int_equal(store_setting_set(st, "push_hourly_limit", "2"), STORE_OK);
	assert_int_equal(push_alert_send(st, &in, 0, 0, &id, &why), STORE_OK);
	kb_clock_fake(t0 + 1800);
	assert_int_equal(push_alert_send(st, &in, 0, 0, &id, &why), STORE_OK);
	assert_int_equal(alert_count(st), 2);
	/* The third within the hour: refused, and nothing written. */
	assert_int_equal(push_alert_send(st, &in, 0, 0, &id, &why), PUSH_OVER_LIMIT);
	assert_string_equal(why, "the hourly alert limit is reached");
	assert_int_equal(alert_count(st), 2);
	/* An hour after the first, one slot is free again. */
	kb_clock_fake(t0 + 3600);
	assert_int_equal(push_alert_send(st, &in, 0, 0, &id, &why), STORE_OK);
	assert_int_equal(push_alert_send(st, &in, 0, 0, &id, &why), PUSH_OVER_LIMIT);
	/* 0: no limit. Not a number: the default. */
	assert_int_equal(store_setting_set(st, "push_hourly_limit", "0"), STORE_OK);
	for (int i = 0; i < 12; i++)
		assert_int_equal(push_alert_send(st, &in, 0, 0, &id, &why), STORE_OK);
	assert_int_equal(store_setting_set(st, "push_hourly_limit", "दस"), STORE_OK);
	assert_int_equal(push_store_hourly_limit(st, &limit), STORE_OK);
	assert_int_equal(limit, PUSH_HOURLY_DEFAULT);
	/* Bad input is refused before the limit is looked at. */
	push_alert_input bad = {.title = "", .url = "/news/x"};
	size_t before = alert_count(st);
	assert_int_equal(push_alert_send(st, &bad, 0, 0, &id, &why), PUSH_INVALID);
	assert_int_equal(alert_count(st), before);
	kb_clock_fake(0);
}

static void scheduled_alert_goes_once(void **state)
{
	store *st = *state;
	const int64_t t0 = 1800000000;
	kb_clock_fake(t0);
	assert_int_equal(store_setting_set(st, "push_hourly_limit", "0"), STORE_OK);
	kb_article_input in = {.title = "निर्धारित खबर",
			       .body = "पाठ",
			       .summary = "सार",
			       .status = "scheduled",
			       .published_at = t0 + 60,
			       .breaking = 1};
	int64_t article;
	assert_int_equal(store_article_add(st, &in, &article), STORE_OK);
	assert_int_equal(push_store_sched_set(st, article, 0), STORE_OK);
	int yes, n;
	assert_int_equal(push_store_sched_has(st, article, &yes), STORE_OK);
	assert_true(yes);
	/* Not yet live: nothing. */
	assert_int_equal(push_alert_scheduled(st), 0);
	assert_int_equal(alert_count(st), 0);
	kb_clock_fake(t0 + 61);
	assert_int_equal(store_publish_due(st, kb_now(), &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(push_alert_scheduled(st), 1);
	assert_int_equal(push_alert_scheduled(st), 0);
	assert_int_equal(alert_count(st), 1);
	assert_int_equal(push_store_sched_has(st, article, &yes), STORE_OK);
	assert_false(yes);
	kb_arena a = {0};
	push_sent *v;
	size_t got, total;
	assert_int_equal(push_store_history(st, &a, 0, 10, &v, &got, &total), STORE_OK);
	assert_int_equal(got, 1);
	assert_int_equal(v[0].article_id, article);
	assert_string_equal(v[0].alert.title, "निर्धारित खबर");
	assert_string_equal(v[0].alert.urgency, "high");
	char topic[PUSH_TOPIC_SIZE];
	push_article_topic(topic, article);
	assert_string_equal(v[0].alert.topic, topic);
	kb_arena_free(&a);

	/* Two processes racing for one scheduled alert: the second finds it
	 * gone and writes nothing. */
	assert_int_equal(push_store_sched_set(st, article, 0), STORE_OK);
	push_alert_input al = {
		.title = "t", .body = "", .url = "/x", .image = "", .urgency = "normal", .ttl = 60};
	int64_t id;
	assert_int_equal(push_store_alert_send(st, &al, 0, article, 1, 0, kb_now(), &id), STORE_OK);
	assert_int_equal(push_store_alert_send(st, &al, 0, article, 1, 0, kb_now(), &id), STORE_NOTFOUND);
	assert_int_equal(alert_count(st), 2);
	kb_clock_fake(0);
}

/* ---- photos: claims ---- */

/* One photo job of a server: its own connection, as a second server has. */
typedef struct claimer {
	pthread_barrier_t *start;
	int64_t token, now;
	int rc;
	int64_t got;
} claimer;

static void *claim_once(void *arg)
{
	claimer *c = arg;
	char *err = NULL;
	store *st = store_open(tempdb_path, 0, &err);
	if (!st) {
		fprintf(stderr, "%s\n", err);
		c->rc = -100;
		pthread_barrier_wait(c->start);
		return NULL;
	}
	kb_arena a = {0};
	kb_media m;
	pthread_barrier_wait(c->start);
	c->rc = store_media_claim(st, &a, c->token, c->now, c->now + 60, 1000 + c->token, "node", &m);
	c->got = c->rc == STORE_OK ? m.id : 0;
	kb_arena_free(&a);
	store_close(st);
	return NULL;
}

static void two_jobs_one_pending_photo_exactly_one_claims_it(void **state)
{
	store *st = *state;
	/* Rounds of a new pending photo and two claimers let go at once. */
	for (int round = 0; round < 10; round++) {
		char stem[16];
		snprintf(stem, sizeof stem, "race%d", round);
		int64_t id;
		assert_int_equal(store_media_add(st, stem, "p.jpg", "jpeg", "\xff\xd8\xff", 3, 0, &id), 0);
		pthread_barrier_t start;
		pthread_barrier_init(&start, NULL, 2);
		claimer c[2] = {{&start, 1 + 2 * round, 5000, 0, 0}, {&start, 2 + 2 * round, 5000, 0, 0}};
		pthread_t t[2];
		for (int i = 0; i < 2; i++)
			assert_int_equal(pthread_create(&t[i], NULL, claim_once, &c[i]), 0);
		for (int i = 0; i < 2; i++)
			pthread_join(t[i], NULL);
		pthread_barrier_destroy(&start);
		int won = (c[0].rc == STORE_OK) + (c[1].rc == STORE_OK);
		if (won != 1 || (c[0].rc != STORE_OK && c[0].rc != STORE_NOTFOUND) ||
		    (c[1].rc != STORE_OK && c[1].rc != STORE_NOTFOUND))
			fail_msg("round %d: expected one claim, got %d and %d", round, c[0].rc, c[1].rc);
		const claimer *w = c[0].rc == STORE_OK ? &c[0] : &c[1], *l = w == c ? &c[1] : &c[0];
		assert_int_equal(w->got, id);
		/* The loser cannot finish it; the winner does. */
		const kb_media_file f = {"320.jpg", "\xff\xd8\xffJ", 4};
		assert_int_equal(store_media_ready(st, id, l->token, 320, 200, "320", &f, 1), STORE_NOTFOUND);
		assert_int_equal(store_media_ready(st, id, w->token, 320, 200, "320", &f, 1), STORE_OK);
	}
	kb_arena a = {0};
	kb_media m;
	assert_int_equal(store_media_claim(st, &a, 99, 5000, 5060, 1, "node", &m), STORE_NOTFOUND);
	kb_arena_free(&a);
}

static void a_dead_jobs_claim_runs_out_and_the_photo_is_made_once(void **state)
{
	store *st = *state;
	kb_arena a = {0};
	kb_media m;
	int64_t id;
	static const char original[] = "\xff\xd8\xff\0original";
	assert_int_equal(store_media_add(st, "deadbeef", "p.jpg", "jpeg", original, sizeof original, 0, &id),
			 0);
	/* Server A claims it at 1000 for 60 s, and dies making it. */
	assert_int_equal(store_media_claim(st, &a, 7, 1000, 1060, 4242, "host-a", &m), STORE_OK);
	assert_int_equal(m.id, id);
	assert_string_equal(m.stem, "deadbeef");
	/* While the claim holds, nobody else gets it. */
	assert_int_equal(store_media_claim(st, &a, 8, 1059, 1119, 77, "host-b", &m), STORE_NOTFOUND);
	kb_media_claim *v;
	size_t n;
	assert_int_equal(store_media_claims_on(st, &a, "host-a", 1059, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].pid, 4242);
	assert_int_equal(store_media_claims_on(st, &a, "host-b", 1059, &v, &n), 0);
	assert_int_equal(n, 0);
	/* Once it runs out, B takes it, and its original is still there. */
	assert_int_equal(store_media_claim(st, &a, 8, 1060, 1120, 77, "host-b", &m), STORE_OK);
	assert_int_equal(m.id, id);
	kb_buf b = {0};
	assert_int_equal(store_media_original(st, id, &b), STORE_OK);
	assert_int_equal(b.len, sizeof original);
	assert_memory_equal(b.data, original, sizeof original);
	/* A, back to life, finds its work no longer wanted: nothing written. */
	const kb_media_file fa[] = {{"320.jpg", "A", 1}};
	assert_int_equal(store_media_ready(st, id, 7, 320, 200, "320", fa, 1), STORE_NOTFOUND);
	assert_int_equal(store_media_failed(st, id, 7, "A's error"), STORE_NOTFOUND);
	assert_int_equal(store_media_file(st, "deadbeef", "320.jpg", &b), STORE_NOTFOUND);
	/* B finishes: its files, the original gone, ready. */
	const kb_media_file fb[] = {{"320.webp", "RIFF\0B", 6},
				    {"320.jpg",
				     "\xff\xd8"
				     "B",
				     3}};
	assert_int_equal(store_media_ready(st, id, 8, 320, 200, "320", fb, 2), STORE_OK);
	assert_int_equal(store_media_original(st, id, &b), STORE_NOTFOUND);
	assert_int_equal(store_media_file(st, "deadbeef", "320.webp", &b), STORE_OK);
	assert_int_equal(b.len, 6);
	assert_memory_equal(b.data, "RIFF\0B", 6);
	assert_int_equal(store_media_file(st, "deadbeef", "original", &b), STORE_NOTFOUND);
	assert_int_equal(store_media_file(st, "deadbeef", "1600.jpg", &b), STORE_NOTFOUND);
	assert_int_equal(store_media_get(st, &a, id, &m), STORE_OK);
	assert_string_equal(m.status, "ready");
	assert_string_equal(m.widths, "320");
	/* Done is done: no claim takes it again, even much later. */
	assert_int_equal(store_media_claim(st, &a, 9, 99999, 100059, 1, "host-c", &m), STORE_NOTFOUND);

	/* A claim let go (its holder known dead) is free at once; a photo
	 * that cannot be made fails, and its original goes. */
	assert_int_equal(store_media_add(st, "badc0de", "q.png", "png", "\x89PNG", 4, 0, &id), 0);
	assert_int_equal(store_media_claim(st, &a, 10, 2000, 2060, 55, "host-a", &m), STORE_OK);
	assert_int_equal(store_media_unclaim(st, id, 10), STORE_OK);
	assert_int_equal(store_media_claim(st, &a, 11, 2001, 2061, 56, "host-a", &m), STORE_OK);
	assert_int_equal(store_media_failed(st, id, 11, "खराब फ़ाइल"), STORE_OK);
	assert_int_equal(store_media_original(st, id, &b), STORE_NOTFOUND);
	assert_int_equal(store_media_get(st, &a, id, &m), STORE_OK);
	assert_string_equal(m.status, "failed");
	kb_buf_free(&b);
	kb_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(password_hash_round_trips_and_is_salted),
		cmocka_unit_test(password_verify_refuses_what_it_cannot_read),
		cmocka_unit_test(tokens_are_random_hex_and_compare_in_constant_time),
		cmocka_unit_test(pre_session_tokens_are_bound_to_their_cookie),
		cmocka_unit_test(every_protected_route_refuses_lower_roles_and_anonymous_users),
		cmocka_unit_test(newsroom_routes_are_private_and_posts_carry_tokens),
		cmocka_unit_test(public_routes_need_nobody),
		cmocka_unit_test(urlencoded_forms_decode_and_refuse_bad_bytes),
		cmocka_unit_test(multipart_forms_keep_files_as_bytes),
		cmocka_unit_test(cookies_are_found_by_exact_name),
		cmocka_unit_test_setup_teardown(sessions_live_until_they_end, setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(login_attempts_are_counted_by_account_and_address, setup,
						tempdb_teardown),
		cmocka_unit_test_setup_teardown(
			the_second_of_two_concurrent_saves_conflicts_and_loses_nothing, setup,
			tempdb_teardown),
		cmocka_unit_test_setup_teardown(autosaves_in_a_row_keep_one_revision, setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(scheduled_articles_go_live_when_due, setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(hourly_limit_refuses_and_queues_nothing, setup,
						tempdb_teardown),
		cmocka_unit_test_setup_teardown(scheduled_alert_goes_once, setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(two_jobs_one_pending_photo_exactly_one_claims_it, setup,
						tempdb_teardown),
		cmocka_unit_test_setup_teardown(a_dead_jobs_claim_runs_out_and_the_photo_is_made_once, setup,
						tempdb_teardown),
	};
	return cmocka_run_group_tests_name("newsroom", tests, NULL, NULL);
}
