/*
 * test_digest.c: the email digest without a socket: its signed links
 * (made, checked, refused when changed, moved to another address or
 * subscriber, or out of date), the composition of its mails (headers,
 * multipart/alternative with a text and an HTML part, Hindi, escaped
 * HTML, canonical links, RFC 8058's headers), and the store: sign-ups and
 * their per-address limit, the daily digest made once with the right
 * stories, breaking mails' daily cap, and the queue's states across a
 * server that died (sending rows queued again, committed ones never).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/digest_store.h"
#include "digest/digest.h"
#include "tempdb.h"

static const unsigned char key[32] = "0123456789abcdef0123456789abcde";

/* ---- tokens ---- */

static void a_token_opens_only_its_own_kind_subscriber_and_address(void **state)
{
	char t[DIGEST_TOKEN_MAX];
	digest_token(key, 'm', 42, "reader@example.com", 0, t);
	assert_int_equal(strncmp(t, "m42.0.", 6), 0);
	assert_int_equal(strlen(t), 6 + 32);
	assert_true(digest_token_valid(key, t, 'm', 42, "reader@example.com", 1796300000));
	assert_false(digest_token_valid(key, t, 'm', 43, "reader@example.com", 1796300000));
	assert_false(digest_token_valid(key, t, 'm', 42, "other@example.com", 1796300000));
	assert_false(digest_token_valid(key, t, 'c', 42, "reader@example.com", 1796300000));
	unsigned char other[32] = "another key, not the site's one";
	assert_false(digest_token_valid(other, t, 'm', 42, "reader@example.com", 1796300000));
	/* Any changed character: refused. */
	for (size_t i = 0; t[i]; i++) {
		char bad[DIGEST_TOKEN_MAX];
		strcpy(bad, t);
		bad[i] = bad[i] == '1' ? '2' : '1';
		char k;
		int64_t id, issued;
		if (!digest_token_parse(bad, &k, &id, &issued) && id == 42 && k == 'm')
			assert_false(digest_token_valid(key, bad, 'm', 42, "reader@example.com", 1796300000));
	}
}

static void a_confirmation_link_lasts_a_week(void **state)
{
	char t[DIGEST_TOKEN_MAX];
	int64_t issued = 1796300000;
	digest_token(key, 'c', 7, "a@b.example", issued, t);
	assert_true(digest_token_valid(key, t, 'c', 7, "a@b.example", issued + 60));
	assert_true(digest_token_valid(key, t, 'c', 7, "a@b.example", issued + DIGEST_CONFIRM_TTL));
	assert_false(digest_token_valid(key, t, 'c', 7, "a@b.example", issued + DIGEST_CONFIRM_TTL + 1));
	assert_false(digest_token_valid(key, t, 'c', 7, "a@b.example", issued - 3600));
}

static void tokens_of_the_wrong_shape_are_refused(void **state)
{
	const char *bad[] = {"",
			     "m",
			     "x1.0.00000000000000000000000000000000",
			     "m.0.00000000000000000000000000000000",
			     "m1..00000000000000000000000000000000",
			     "m1.0.0000",
			     "m1.0.0000000000000000000000000000000G",
			     "m0.0.00000000000000000000000000000000",
			     "m1.0.00000000000000000000000000000000x"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char k;
		int64_t id, issued;
		if (!digest_token_parse(bad[i], &k, &id, &issued))
			fail_msg("parsed \"%s\"", bad[i]);
		assert_false(digest_token_valid(key, bad[i], 'm', 1, "a@b.example", 0));
	}
	char k;
	int64_t id, issued;
	assert_int_equal(digest_token_parse(NULL, &k, &id, &issued), -1);
}

/* ---- composition ---- */

/* Decodes standard base64 s[0..n) (line breaks skipped) into an arena string. */
static const char *unbase64(kb_arena *a, const char *s, size_t n)
{
	char *in = kb_arena_alloc(a, n + 1), *out = kb_arena_alloc(a, n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '\r' && s[i] != '\n')
			in[k++] = s[i];
	int len = EVP_DecodeBlock((unsigned char *)out, (unsigned char *)in, (int)k);
	assert_true(len >= 0);
	while (k && in[k - 1] == '=')
		k--, len--;
	out[len] = 0;
	return out;
}

/* The decoded body of the part of type in message m. */
static const char *part(kb_arena *a, const char *m, const char *type)
{
	char want[64];
	snprintf(want, sizeof want, "Content-Type: %s; charset=UTF-8\r\n", type);
	const char *p = strstr(m, want);
	assert_non_null(p);
	p = strstr(p, "\r\n\r\n") + 4;
	const char *end = strstr(p, "\r\n--=_khabar_");
	assert_non_null(end);
	return unbase64(a, p, (size_t)(end - p));
}

static const digest_mail mail = {
	.site_name = "दैनिक खबर",
	.base_url = "https://khabar.example",
	.from = "desk@khabar.example",
	.to = "reader@example.com",
	.manage_url = "https://khabar.example/digest/manage?t=m1.0.abc",
	.unsubscribe_url = "https://khabar.example/digest/unsubscribe?t=m1.0.abc",
	.mailto = "desk@khabar.example",
	.message_id = "<x1@khabar.example>",
	.date = 1796300000,
};

static void the_daily_digest_is_multipart_hindi_with_one_click_unsubscribe(void **state)
{
	kb_digest_story stories[] = {
		{.title = "संसद में <विधेयक> पारित",
		 .slug = "sansad-vidheyak",
		 .summary = "देर रात \"मतदान\" हुआ",
		 .category = "देश",
		 .breaking = 1},
		{.title = "भारत ने सीरीज़ जीती", .slug = "bharat-series", .summary = "", .category = "खेल"},
	};
	kb_buf b = {0};
	kb_arena a = {0};
	digest_compose_daily(&b, &mail, "3 दिसंबर, 2026", stories, 2);
	const char *m = kb_buf_str(&b);
	assert_non_null(strstr(m, "From: =?UTF-8?B?"));
	assert_non_null(strstr(m, "\r\nTo: <reader@example.com>\r\n"));
	assert_non_null(
		strstr(m, "\r\nList-Unsubscribe: <https://khabar.example/digest/unsubscribe?t=m1.0.abc>,\r\n "
			  "<mailto:desk@khabar.example?subject=unsubscribe>\r\n"));
	assert_non_null(strstr(m, "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
	assert_non_null(strstr(m, "\r\nList-Id: =?UTF-8?B?"));
	assert_non_null(strstr(m, "<digest.khabar.example>\r\n"));
	assert_non_null(strstr(m, "Content-Type: multipart/alternative; boundary=\"=_khabar_"));
	/* The text part before the HTML one: the last is the one preferred. */
	assert_true(strstr(m, "text/plain") < strstr(m, "text/html"));
	assert_non_null(strstr(m, "--\r\n"));
	const char *text = part(&a, m, "text/plain"), *html = part(&a, m, "text/html");
	assert_non_null(strstr(text, "आज की प्रमुख खबरें, 3 दिसंबर, 2026"));
	assert_non_null(strstr(text, "1. [ब्रेकिंग] संसद में <विधेयक> पारित\r\n"));
	assert_non_null(strstr(text, "https://khabar.example/news/sansad-vidheyak\r\n"));
	assert_non_null(
		strstr(text, "2. भारत ने सीरीज़ जीती\r\nhttps://khabar.example/news/bharat-series\r\n"));
	assert_non_null(strstr(text, "सदस्यता छोड़ें: https://khabar.example/digest/unsubscribe?t=m1.0.abc"));
	assert_non_null(strstr(html, "<html lang=\"hi\">"));
	assert_non_null(strstr(html, "संसद में &lt;विधेयक&gt; पारित"));
	assert_null(strstr(html, "<विधेयक>"));
	assert_non_null(strstr(html, "देर रात &quot;मतदान&quot; हुआ"));
	assert_non_null(strstr(html, "href=\"https://khabar.example/news/bharat-series\""));
	assert_non_null(strstr(html, "href=\"https://khabar.example/digest/manage?t=m1.0.abc\""));
	assert_null(strstr(text, "utm_"));
	assert_null(strstr(html, "utm_"));
	/* Nothing fetched from elsewhere. */
	assert_null(strstr(html, "<img"));
	kb_buf_free(&b);
	kb_arena_free(&a);
}

static void a_breaking_mail_links_the_alert_and_a_confirmation_has_no_unsubscribe(void **state)
{
	kb_digest d = {.kind = "breaking", .title = "बड़ी खबर", .body = "विवरण", .url = "/news/badi-khabar"};
	kb_buf b = {0};
	kb_arena a = {0};
	digest_compose_breaking(&b, &mail, &d);
	const char *text = part(&a, kb_buf_str(&b), "text/plain");
	assert_non_null(strstr(text, "बड़ी खबर\r\nविवरण\r\nhttps://khabar.example/news/badi-khabar\r\n"));
	assert_non_null(strstr(kb_buf_str(&b), "List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
	kb_buf_reset(&b);
	digest_mail m = mail;
	m.unsubscribe_url = m.manage_url = NULL;
	digest_compose_confirm(&b, &m, "https://khabar.example/digest/confirm?t=c1.5.abc");
	assert_null(strstr(kb_buf_str(&b), "List-Unsubscribe"));
	text = part(&a, kb_buf_str(&b), "text/plain");
	assert_non_null(strstr(text, "https://khabar.example/digest/confirm?t=c1.5.abc"));
	assert_non_null(strstr(part(&a, kb_buf_str(&b), "text/html"), "सदस्यता की पुष्टि करें"));
	kb_buf_free(&b);
	kb_arena_free(&a);
}

/* ---- the store ---- */

static int setup(void **state)
{
	store *st = tempdb_open("digest");
	if (!st)
		return -1;
	*state = st;
	return 0;
}

/* Signs email up; returns its id. */
static int64_t signup(store *st, const char *email, const char *freq, int64_t now, int *queued)
{
	int64_t id;
	int confirmed, q;
	assert_int_equal(
		digest_store_signup(st, email, freq, NULL, 0, "127.0.0.1", now, 3, &id, &confirmed, &q),
		STORE_OK);
	if (queued)
		*queued = q;
	return id;
}

/* The mails of the newest digest marked sent, as the newsroom counts them. */
static int64_t sent_of_newest(store *st)
{
	kb_arena a = {0};
	kb_digest_sends *s;
	size_t n;
	assert_int_equal(digest_store_sends(st, &a, 10, &s, &n), STORE_OK);
	int64_t v = n ? s[0].sent : 0;
	kb_arena_free(&a);
	return v;
}

static void signups_are_limited_per_address_and_a_confirmed_one_is_left_alone(void **state)
{
	store *st = *state;
	int64_t now = 1796300000;
	int q;
	int64_t id = signup(st, "a@b.example", "daily", now, &q);
	assert_int_equal(q, 1);
	assert_int_equal(signup(st, "a@b.example", "breaking", now + 1, &q), id);
	assert_int_equal(q, 1);
	signup(st, "a@b.example", "daily", now + 2, &q);
	assert_int_equal(q, 1);
	signup(st, "a@b.example", "daily", now + 3, &q);
	assert_int_equal(q, 0); /* the fourth in a day: nothing */
	signup(st, "a@b.example", "daily", now + 86400 + 10, &q);
	assert_int_equal(q, 1); /* a day on */
	assert_int_equal(digest_store_confirm(st, id, now + 86400 + 20), STORE_OK);
	int64_t again;
	int confirmed;
	assert_int_equal(digest_store_signup(st, "a@b.example", "breaking", NULL, 0, "", now + 86400 + 30, 3,
					     &again, &confirmed, &q),
			 STORE_OK);
	assert_int_equal(confirmed, 1);
	assert_int_equal(q, 0);
	kb_arena a = {0};
	kb_subscriber s;
	assert_int_equal(digest_store_get(st, &a, id, &s), STORE_OK);
	assert_string_equal(s.state, "confirmed");
	assert_string_equal(s.frequency, "daily");
	assert_int_equal(digest_store_unsubscribe(st, id, now + 86400 + 40), STORE_OK);
	/* A confirmation link opened after unsubscribing does not undo it. */
	assert_int_equal(digest_store_confirm(st, id, now + 86400 + 50), STORE_NOTFOUND);
	kb_arena_free(&a);
}

static void a_day_has_one_digest_and_breaking_mails_are_capped(void **state)
{
	store *st = *state;
	int64_t now = 1796300000, id, queued;
	int64_t a = signup(st, "a@b.example", "daily", now, NULL),
		b = signup(st, "b@b.example", "breaking", now, NULL);
	signup(st, "pending@b.example", "daily", now, NULL);
	assert_int_equal(digest_store_confirm(st, a, now), STORE_OK);
	assert_int_equal(digest_store_confirm(st, b, now), STORE_OK);
	assert_int_equal(digest_store_make_daily(st, 20261203, now + 100, &id, &queued), STORE_OK);
	assert_int_equal(queued, 1);
	assert_int_equal(digest_store_make_daily(st, 20261203, now + 200, &id, &queued), STORE_CONFLICT);
	for (int i = 1; i <= DIGEST_BREAKING_PER_DAY; i++) {
		assert_int_equal(digest_store_make_breaking(st, i, "खबर", "", "/news/x", 0, 20261203,
							    DIGEST_BREAKING_PER_DAY, now + i, &queued),
				 STORE_OK);
		assert_int_equal(queued, 1);
	}
	assert_int_equal(digest_store_make_breaking(st, 99, "खबर", "", "/news/x", 0, 20261203,
						    DIGEST_BREAKING_PER_DAY, now + 50, &queued),
			 STORE_CONFLICT);
	assert_int_equal(digest_store_make_breaking(st, 99, "खबर", "", "/news/x", 0, 20261204,
						    DIGEST_BREAKING_PER_DAY, now + 86400, &queued),
			 STORE_OK);
}

static void a_dead_servers_mails_go_again_only_if_never_handed_over(void **state)
{
	store *st = *state;
	int64_t now = 1796300000, id, queued;
	int64_t subs[3];
	const char *emails[] = {"a@b.example", "b@b.example", "c@b.example"};
	for (int i = 0; i < 3; i++) {
		subs[i] = signup(st, emails[i], "daily", now, NULL);
		assert_int_equal(digest_store_confirm(st, subs[i], now), STORE_OK);
	}
	assert_int_equal(digest_store_make_daily(st, 20261203, now, &id, &queued), STORE_OK);
	assert_int_equal(queued, 3);
	kb_arena a = {0};
	kb_digest_job j[3];
	/* Three confirmation mails first (the oldest), then the digest's. */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(digest_store_next(st, &a, now, &j[0]), STORE_OK);
		assert_int_equal(j[0].digest.id, 0);
		assert_int_equal(digest_store_finish(st, j[0].id, "skipped", "confirmed already"), STORE_OK);
	}
	for (int i = 0; i < 3; i++) {
		assert_int_equal(digest_store_next(st, &a, now + 1, &j[i]), STORE_OK);
		assert_int_equal(j[i].digest.id, id);
		assert_string_equal(j[i].digest.kind, "daily");
	}
	assert_int_equal(digest_store_next(st, &a, now + 1, &j[0]), STORE_NOTFOUND);
	/* One sent, one handed over, one still connecting: the server dies. */
	assert_int_equal(digest_store_committed(st, j[0].id), STORE_OK);
	assert_int_equal(digest_store_sent(st, j[0].id, j[0].subscriber_id, now + 2), STORE_OK);
	assert_int_equal(digest_store_committed(st, j[1].id), STORE_OK);
	int64_t requeued, unknown;
	/* Within the lease nothing moves (the server may be alive). */
	assert_int_equal(digest_store_recover(st, now + 1 - DIGEST_LEASE, &requeued, &unknown), STORE_OK);
	assert_int_equal(requeued + unknown, 0);
	assert_int_equal(digest_store_recover(st, now + 2, &requeued, &unknown), STORE_OK);
	assert_int_equal(requeued, 1);
	assert_int_equal(unknown, 1);
	kb_digest_job again;
	assert_int_equal(digest_store_next(st, &a, now + 3, &again), STORE_OK);
	assert_int_equal(again.id, j[2].id);
	assert_int_equal(digest_store_next(st, &a, now + 3, &again), STORE_NOTFOUND);
	assert_int_equal(sent_of_newest(st), 1);
	kb_arena_free(&a);
}

static void bounces_in_a_row_disable_an_address_and_a_delivery_forgives_them(void **state)
{
	store *st = *state;
	int64_t now = 1796300000, queued;
	int64_t s = signup(st, "a@b.example", "breaking", now, NULL);
	assert_int_equal(digest_store_confirm(st, s, now), STORE_OK);
	kb_arena a = {0};
	kb_digest_job j;
	assert_int_equal(digest_store_next(st, &a, now, &j), STORE_OK); /* the confirmation */
	assert_int_equal(digest_store_finish(st, j.id, "skipped", ""), STORE_OK);
	for (int i = 1; i <= 4; i++) {
		assert_int_equal(digest_store_make_breaking(st, i, "खबर", "", "/x", 0, 20261200 + i, 5,
							    now + i, &queued),
				 STORE_OK);
		assert_int_equal(queued, i <= 3 ? 1 : 0);
		if (!queued)
			break;
		assert_int_equal(digest_store_next(st, &a, now + i, &j), STORE_OK);
		if (i == 1) {
			assert_int_equal(digest_store_sent(st, j.id, s, now + i), STORE_OK);
			continue;
		}
		assert_int_equal(digest_store_bounced(st, j.id, s, "550 no such user", 2, now + i), STORE_OK);
	}
	kb_subscriber sub;
	assert_int_equal(digest_store_get(st, &a, s, &sub), STORE_OK);
	assert_string_equal(sub.state, "bounced");
	assert_int_equal(sub.bounces, 2);
	kb_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_token_opens_only_its_own_kind_subscriber_and_address),
		cmocka_unit_test(a_confirmation_link_lasts_a_week),
		cmocka_unit_test(tokens_of_the_wrong_shape_are_refused),
		cmocka_unit_test(the_daily_digest_is_multipart_hindi_with_one_click_unsubscribe),
		cmocka_unit_test(a_breaking_mail_links_the_alert_and_a_confirmation_has_no_unsubscribe),
		cmocka_unit_test_setup_teardown(
			signups_are_limited_per_address_and_a_confirmed_one_is_left_alone, setup,
			tempdb_teardown),
		cmocka_unit_test_setup_teardown(a_day_has_one_digest_and_breaking_mails_are_capped, setup,
						tempdb_teardown),
		cmocka_unit_test_setup_teardown(a_dead_servers_mails_go_again_only_if_never_handed_over,
						setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(
			bounces_in_a_row_disable_an_address_and_a_delivery_forgives_them, setup,
			tempdb_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
