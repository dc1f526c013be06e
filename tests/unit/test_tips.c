/*
 * test_tips.c: readers' tips without a socket: RFC 2047 words and the mail
 * message, the retry backoff, the rate limits' sliding windows, the
 * duplicate digest, reference numbers, the tips store (queue filters,
 * unread count, notes, drafts, deletion that keeps a draft's photos,
 * retention, the mail queue, the settings kept apart from pages) and the
 * tip form's route rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/tips_store.h"
#include "app/app.h"
#include "http/http.h"
#include "http/ratelimit.h"
#include "tempdb.h"
#include "tips/tips.h"

/* Decodes standard base64 s[0..n) into out (NUL-terminated); its length. */
static size_t unbase64(const char *s, size_t n, char *out)
{
	int len = EVP_DecodeBlock((unsigned char *)out, (const unsigned char *)s, (int)n);
	assert_true(len >= 0);
	while (n && s[n - 1] == '=') /* DecodeBlock counts padding as zeros */
		n--, len--;
	out[len] = 0;
	return (size_t)len;
}

/* ---- RFC 2047 and the message ---- */

static void plain_ascii_headers_stay_as_they_are(void **state)
{
	kb_buf b = {0};
	tips_rfc2047(&b, "New tip KH-ABCD-EFGH", 20);
	assert_string_equal(b.data, "New tip KH-ABCD-EFGH");
	kb_buf_reset(&b);
	/* Text that would read as an encoded word is encoded itself. */
	tips_rfc2047(&b, "a =?x?= b", 9);
	assert_string_equal(b.data, "=?UTF-8?B?YSA9P3g/PSBi?=");
	kb_buf_free(&b);
}

static void hindi_headers_become_short_words_that_never_split_a_letter(void **state)
{
	const char *subject = "नई खबर (KH-ABCD-EFGH), सीतापुर: सीतापुर के रामपुर गाँव में नई सड़क धँस गई, "
			      "ग्रामीणों ने ठेकेदार पर घटिया सामग्री का आरोप लगाया";
	kb_buf b = {0}, joined = {0};
	tips_rfc2047(&b, subject, strlen(subject));
	size_t words = 0;
	for (char *line = b.data, *end; line && *line; line = end ? end + 3 : NULL) {
		end = strstr(line, "\r\n ");
		size_t n = end ? (size_t)(end - line) : strlen(line);
		if (n > 75)
			fail_msg("an encoded word of %zu characters (RFC 2047 allows 75)", n);
		if (line == b.data && strlen("Subject: ") + n > 76)
			fail_msg("the first line is %zu characters (RFC 2047 allows 76)",
				 strlen("Subject: ") + n);
		assert_memory_equal(line, "=?UTF-8?B?", 10);
		assert_memory_equal(line + n - 2, "?=", 2);
		char dec[128];
		size_t d = unbase64(line + 10, n - 12, dec);
		if (!kb_utf8_valid(dec, d, NULL))
			fail_msg("word %zu splits a character", words);
		kb_buf_append(&joined, dec, d);
		words++;
	}
	assert_true(words > 3);
	assert_string_equal(joined.data, subject);
	kb_buf_free(&b);
	kb_buf_free(&joined);
}

static void the_message_is_crlf_with_a_base64_utf8_body(void **state)
{
	const char *body =
		"पहली पंक्ति\nदूसरी पंक्ति, काफ़ी लंबी ताकि base64 की कई पंक्तियाँ बनें और हर पंक्ति 76 अक्षरों की हो।";
	tips_mail m = {.from = "desk@news.example",
		       .from_name = "दैनिक भारत",
		       .to = "desk@news.example",
		       .subject = "नई खबर",
		       .body = body,
		       .message_id = "<x@news.example>",
		       .date = 0};
	kb_buf b = {0};
	tips_mail_build(&b, &m);
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] == '\n' && (i == 0 || b.data[i - 1] != '\r'))
			fail_msg("a bare LF at byte %zu", i);
	assert_non_null(strstr(b.data, "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"));
	assert_non_null(strstr(b.data, "From: =?UTF-8?B?"));
	assert_non_null(strstr(b.data, "<desk@news.example>\r\nTo: <desk@news.example>\r\n"));
	assert_non_null(strstr(b.data, "Subject: =?UTF-8?B?4KSo4KSIIOCkluCkrOCksA==?=\r\n"));
	assert_non_null(strstr(b.data, "Content-Type: text/plain; charset=UTF-8\r\n"));
	/* An ASCII name with an address's special characters goes in quotes. */
	kb_buf q = {0};
	m.from_name = "Dainik \"Khabar\", Delhi: 24x7";
	tips_mail_build(&q, &m);
	assert_non_null(
		strstr(q.data, "From: \"Dainik \\\"Khabar\\\", Delhi: 24x7\" <desk@news.example>\r\n"));
	kb_buf_free(&q);
	char *text = strstr(b.data, "\r\n\r\n") + 4;
	kb_buf enc = {0};
	for (char *line = text, *end; *line; line = end + 2) {
		end = strstr(line, "\r\n");
		assert_non_null(end);
		assert_true(end - line <= 76);
		kb_buf_append(&enc, line, (size_t)(end - line));
	}
	char dec[1024];
	unbase64(enc.data, enc.len, dec);
	assert_string_equal(
		dec,
		"पहली पंक्ति\r\nदूसरी पंक्ति, काफ़ी लंबी ताकि base64 की कई पंक्तियाँ बनें और हर पंक्ति 76 अक्षरों की हो।");
	kb_buf_free(&enc);
	kb_buf_free(&b);
}

static void headlines_are_the_first_sentence_cut_at_a_space(void **state)
{
	kb_arena a = {0};
	assert_string_equal(tips_headline(&a, "गोदाम में आग लगी। कोई घायल नहीं।", 200), "गोदाम में आग लगी।");
	assert_string_equal(tips_headline(&a, "Fire in the market. Nobody hurt", 200), "Fire in the market.");
	assert_string_equal(tips_headline(&a, "पहली पंक्ति\nदूसरी", 200), "पहली पंक्ति");
	assert_string_equal(tips_headline(&a, "गोदाम में आग लगी", 26), "गोदाम में…");
	/* No space to cut at: a whole character, never half of one. */
	assert_string_equal(tips_headline(&a, "गोदामगोदाम", 8), "गो…");
	kb_arena_free(&a);
}

static void retries_back_off_then_give_up(void **state)
{
	assert_int_equal(tips_mail_backoff(1, 30), 30);
	assert_int_equal(tips_mail_backoff(2, 30), 60);
	assert_int_equal(tips_mail_backoff(5, 30), 480);
	assert_int_equal(tips_mail_backoff(9, 30), 7680);
	assert_int_equal(tips_mail_backoff(8, 3600), 6 * 3600); /* the cap */
	assert_int_equal(tips_mail_backoff(TIPS_MAIL_TRIES, 30), 0);
}

/* ---- abuse controls ---- */

static void one_address_gets_ten_in_ten_minutes(void **state)
{
	store *st = *state;
	int64_t t = 1000000;
	for (int i = 0; i < TIPS_IP_MAX; i++)
		assert_int_equal(tips_rate_take(st, "203.0.113.7", t + i), 0);
	/* The 11th waits until the first leaves the window. */
	assert_int_equal(tips_rate_take(st, "203.0.113.7", t + 100), TIPS_IP_WINDOW - 100);
	assert_int_equal(tips_rate_take(st, "203.0.113.7", t + TIPS_IP_WINDOW - 1), 1);
	/* Others are not held up by it. */
	assert_int_equal(tips_rate_take(st, "203.0.113.8", t + 100), 0);
	/* Refusals are not counted: once the window moves on, one more. */
	assert_int_equal(tips_rate_take(st, "203.0.113.7", t + TIPS_IP_WINDOW), 0);
	assert_true(tips_rate_take(st, "203.0.113.7", t + TIPS_IP_WINDOW) > 0);
}

static void ipv6_addresses_count_by_their_64(void **state)
{
	store *st = *state;
	char ip[64];
	for (int i = 0; i < TIPS_IP_MAX; i++) {
		snprintf(ip, sizeof ip, "2001:db8:1:2::%x", i + 1);
		assert_int_equal(tips_rate_take(st, ip, 5000), 0);
	}
	assert_true(tips_rate_take(st, "2001:db8:1:2:ffff::9", 5000) > 0);
	assert_int_equal(tips_rate_take(st, "2001:db8:1:3::1", 5000), 0);
	/* IPv4 readers on an IPv6 listener (::ffff:a.b.c.d) count apart. */
	for (int i = 0; i < TIPS_IP_MAX; i++)
		assert_int_equal(tips_rate_take(st, "::ffff:198.51.100.1", 5000), 0);
	assert_true(tips_rate_take(st, "::ffff:198.51.100.1", 5000) > 0);
	assert_int_equal(tips_rate_take(st, "::ffff:198.51.100.2", 5000), 0);
	assert_true(tips_rate_take(st, "198.51.100.1", 5000) > 0); /* the same reader */
}

static void the_whole_site_has_a_limit_too(void **state)
{
	store *st = *state;
	for (int i = 0; i < TIPS_ALL_MAX; i++)
		assert_int_equal(tips_rate_take_site(st, 7000 + i / 10), 0);
	assert_int_equal(tips_rate_take_site(st, 7100), TIPS_ALL_WINDOW - 100);
	/* An address's own count is apart from the site's. */
	assert_int_equal(tips_rate_take(st, "192.0.2.1", 7100), 0);
}

/* The counts are the database's: takes through one connection (one
 * server) hold at another, and a bucket counts apart from the others. */
static void limits_are_shared_by_every_server(void **state)
{
	store *st = *state;
	char *err = NULL;
	store *other = store_open(tempdb_path, 0, &err);
	assert_non_null(other);
	for (int i = 0; i < 20; i++)
		assert_int_equal(rate_take(i % 2 ? st : other, "push_subs", "192.0.2.1", 20, 3600, 1000 + i),
				 0);
	assert_int_equal(rate_take(other, "push_subs", "192.0.2.1", 20, 3600, 1100), 3600 - 100);
	assert_int_equal(rate_take(st, "push_subs", "192.0.2.1", 20, 3600, 1100), 3600 - 100);
	assert_int_equal(rate_take(st, "tips", "192.0.2.1", 20, 3600, 1100), 0);
	/* A refusal is not counted: the first take leaves at 4600. */
	assert_int_equal(rate_take(other, "push_subs", "192.0.2.1", 20, 3600, 4599), 1);
	assert_int_equal(rate_take(other, "push_subs", "192.0.2.1", 20, 3600, 4600), 0);
	assert_true(rate_take(st, "push_subs", "192.0.2.1", 20, 3600, 4600) > 0);
	/* Pruning a day on forgets them. */
	assert_int_equal(store_prune(st, 4600 + 2 * 86400), STORE_OK);
	assert_int_equal(rate_take(st, "push_subs", "192.0.2.1", 20, 3600, 4600), 0);
	/* A /64 is one key; an IPv4 address seen on an IPv6 listener is itself. */
	unsigned char a[16], b[16];
	rate_ip_key("2001:db8:1:2::1", a);
	rate_ip_key("2001:db8:1:2:ffff::9", b);
	assert_memory_equal(a, b, 16);
	rate_ip_key("::ffff:192.0.2.1", a);
	rate_ip_key("192.0.2.1", b);
	assert_memory_equal(a, b, 16);
	store_close(other);
}

typedef struct race {
	int passed, failed;
} race;

static void *race_main(void *arg)
{
	race *r = arg;
	char *err = NULL;
	store *st = store_open(tempdb_path, 0, &err);
	if (!st) {
		r->failed = 1;
		free(err);
		return NULL;
	}
	for (int i = 0; i < 10; i++) {
		int64_t w = rate_take(st, "push_subs", "203.0.113.9", 20, 3600, 9000);
		if (w < 0)
			r->failed++;
		else if (!w)
			r->passed++;
	}
	store_close(st);
	return NULL;
}

/* Servers racing for the last places never pass together: exactly max
 * takes succeed, each connection its own, as on several machines. */
static void limits_hold_under_a_race(void **state)
{
	pthread_t t[6];
	race r[6] = {{0}};
	for (int i = 0; i < 6; i++)
		pthread_create(&t[i], NULL, race_main, &r[i]);
	int passed = 0, failed = 0;
	for (int i = 0; i < 6; i++) {
		pthread_join(t[i], NULL);
		passed += r[i].passed;
		failed += r[i].failed;
	}
	assert_int_equal(failed, 0);
	assert_int_equal(passed, 20);
}

static void the_digest_ignores_spacing_punctuation_and_spelling_variants(void **state)
{
	char a[65], b[65], c[65];
	const char *s1 = "नहर का पानी गाँव में घुस गया, फसलें डूबीं।";
	const char *s2 = "  नहर का   पानी गांव में घुस गया... फ़सलें डूबीं!!\n";
	const char *s3 = "नहर का पानी शहर में घुस गया, फसलें डूबीं।";
	tips_digest(s1, strlen(s1), a);
	tips_digest(s2, strlen(s2), b);
	tips_digest(s3, strlen(s3), c);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
}

static void references_are_readable_and_checked(void **state)
{
	char r1[16], r2[16];
	tips_new_ref(r1);
	tips_new_ref(r2);
	assert_true(tips_ref_valid(r1));
	assert_string_not_equal(r1, r2);
	assert_int_equal(strlen(r1), 12);
	const char *bad[] = {"",
			     "KH-ABCD-EFG",
			     "KH-ABCD-EFGHI",
			     "KH-ABCD_EFGH",
			     "KH-ABC0-EFGH",
			     "kh-ABCD-EFGH",
			     "KH-ABCD-EFG<",
			     "XX-ABCD-EFGH"};
	for (size_t i = 0; i < KB_COUNT(bad); i++)
		if (tips_ref_valid(bad[i]))
			fail_msg("\"%s\" passed as a reference", bad[i]);
}

static void the_tip_form_is_a_tokened_public_post(void **state)
{
	int post = 0, get = 0;
	for (size_t i = 0; i < app_nroutes; i++) {
		const kb_route *rt = &app_routes[i];
		if (strncmp(rt->pattern, "/tips", 5))
			continue;
		assert_false(rt->flags & (R_CACHE | R_AUTH));
		assert_int_equal(rt->max_age, -1);
		if (!strcmp(rt->method, "POST")) {
			assert_true(rt->flags & R_CSRF);
			assert_int_equal(rt->max_body, TIPS_MAX_BODY);
			post++;
		} else {
			get++;
		}
	}
	assert_int_equal(post, 1);
	assert_int_equal(get, 2);
}

/* ---- the store ---- */

static int setup(void **state)
{
	store *st = tempdb_open("tips");
	if (!st)
		return -1;
	*state = st;
	return 0;
}

static int64_t add(store *st, const char *ref, const char *kind, const char *body, const char *place,
		   int64_t at, const int64_t *media, size_t nmedia)
{
	char digest[65];
	tips_digest(body, strlen(body), digest);
	kb_tip_input in = {.ref = ref,
			   .name = "",
			   .contact = "",
			   .place = place,
			   .kind = kind,
			   .body = body,
			   .digest = digest,
			   .ip = "127.0.0.1",
			   .media = media,
			   .nmedia = nmedia};
	int64_t id;
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(tips_store_add(st, &in, at, &id), 0);
	assert_int_equal(store_commit(st), 0);
	return id;
}

static void the_queue_filters_searches_and_counts_unread(void **state)
{
	store *st = *state;
	kb_arena a = {0};
	int64_t t1 = add(st, "KH-AAAA-AAAA", "news", "रामपुर में सड़क धँसी", "सीतापुर", 100, NULL, 0);
	add(st, "KH-BBBB-BBBB", "complaint", "बिजली नहीं आ रही", "लखनऊ", 200, NULL, 0);
	add(st, "KH-CCCC-CCCC", "suggestion", "Website par font bada karein", "Delhi", 300, NULL, 0);
	kb_tip *v;
	size_t n, total;
	kb_tip_query q = {.limit = 10};
	assert_int_equal(tips_store_list(st, &a, &q, &v, &n, &total), 0);
	assert_int_equal(n, 3);
	assert_int_equal(total, 3);
	assert_string_equal(v[0].ref, "KH-CCCC-CCCC"); /* newest first */
	q.kind = "complaint";
	assert_int_equal(tips_store_list(st, &a, &q, &v, &n, &total), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].place, "लखनऊ");
	q.kind = NULL;
	q.q = "FONT"; /* ASCII case-insensitively */
	assert_int_equal(tips_store_list(st, &a, &q, &v, &n, &total), 0);
	assert_int_equal(n, 1);
	q.q = "सीतापुर"; /* the place */
	assert_int_equal(tips_store_list(st, &a, &q, &v, &n, &total), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, t1);
	q.q = "kh-bbbb"; /* the reference */
	assert_int_equal(tips_store_list(st, &a, &q, &v, &n, &total), 0);
	assert_int_equal(n, 1);
	q.q = NULL;
	q.limit = 1;
	q.offset = 1;
	assert_int_equal(tips_store_list(st, &a, &q, &v, &n, &total), 0);
	assert_int_equal(n, 1);
	assert_int_equal(total, 3);
	assert_string_equal(v[0].ref, "KH-BBBB-BBBB");

	int64_t unseen;
	assert_int_equal(tips_store_unseen(st, &unseen), 0);
	assert_int_equal(unseen, 3);
	kb_tip t;
	assert_int_equal(tips_store_get(st, &a, t1, 1, &t), 0);
	assert_int_equal(tips_store_unseen(st, &unseen), 0);
	assert_int_equal(unseen, 2);

	assert_int_equal(tips_store_set_status(st, t1, "used"), 0);
	assert_int_equal(tips_store_set_status(st, 999, "used"), STORE_NOTFOUND);
	q = (kb_tip_query){.status = "used", .limit = 10};
	assert_int_equal(tips_store_list(st, &a, &q, &v, &n, &total), 0);
	assert_int_equal(n, 1);
	/* Nobody assigned yet; an unknown user assigns nobody. */
	q = (kb_tip_query){.assignee_id = -1, .limit = 10};
	assert_int_equal(tips_store_list(st, &a, &q, &v, &n, &total), 0);
	assert_int_equal(n, 3);
	assert_int_equal(tips_store_assign(st, t1, 12345), 0);
	assert_int_equal(tips_store_get(st, &a, t1, 0, &t), 0);
	assert_int_equal(t.assignee_id, 0);

	assert_int_equal(tips_store_note_add(st, t1, 0, "पहला नोट"), 0);
	assert_int_equal(tips_store_note_add(st, t1, 0, "दूसरा नोट"), 0);
	assert_int_equal(tips_store_note_add(st, 999, 0, "x"), STORE_NOTFOUND);
	kb_tip_note *notes;
	assert_int_equal(tips_store_notes(st, &a, t1, &notes, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(notes[1].body, "दूसरा नोट");
	kb_arena_free(&a);
}

static void duplicates_and_references_are_unique(void **state)
{
	store *st = *state;
	char digest[65];
	const char *body = "नहर का पानी गाँव में घुस गया";
	add(st, "KH-DDDD-DDDD", "news", body, "बलिया", 1000, NULL, 0);
	tips_digest(body, strlen(body), digest);
	int found;
	assert_int_equal(tips_store_duplicate(st, digest, 900, &found), 0);
	assert_true(found);
	assert_int_equal(tips_store_duplicate(st, digest, 1001, &found), 0);
	assert_false(found);
	kb_tip_input in = {.ref = "KH-DDDD-DDDD", .kind = "news", .body = "x", .digest = "y"};
	int64_t id;
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(tips_store_add(st, &in, 1000, &id), STORE_CONFLICT);
	in.kind = "spam";
	in.ref = "KH-EEEE-EEEE";
	assert_int_equal(tips_store_add(st, &in, 1000, &id), STORE_ERROR);
	store_rollback(st);
}

static void deleting_keeps_only_the_photos_a_draft_took(void **state)
{
	store *st = *state;
	kb_arena a = {0};
	int64_t m[3];
	const char *stems[] = {"aaaa", "bbbb", "cccc"};
	for (int i = 0; i < 3; i++)
		assert_int_equal(store_media_add(st, stems[i], "p.jpg", "jpeg", "\xff\xd8\xff", 3, 0, &m[i]),
				 0);
	int64_t t1 = add(st, "KH-FFFF-FFFF", "news", "एक", "क", 100, m, 2);
	int64_t t2 = add(st, "KH-GGGG-GGGG", "news", "दो", "ख", 100, m + 2, 1);
	/* Tip photos stay out of the media library until a draft takes them. */
	kb_media *lib;
	size_t n, total;
	assert_int_equal(store_media_list(st, &a, 10, 0, &lib, &n, &total), 0);
	assert_int_equal(total, 0);
	kb_article_input art = {.title = "ड्राफ़्ट", .status = "draft", .media_id = m[0]};
	int64_t aid = 0, version;
	if (store_article_save(st, &art, 0, 0, "save", &aid, &version))
		fail_msg("%s", store_errmsg(st));
	assert_int_equal(tips_store_drafted(st, t1, aid), 0);
	kb_tip t;
	assert_int_equal(tips_store_get(st, &a, t1, 0, &t), 0);
	assert_string_equal(t.status, "progress");
	assert_int_equal(t.article_id, aid);
	assert_int_equal(t.nmedia, 2);
	assert_int_equal(store_media_list(st, &a, 10, 0, &lib, &n, &total), 0);
	assert_int_equal(total, 2);

	kb_tip_photo *ph;
	assert_int_equal(tips_store_delete(st, &a, t1, &ph, &n), 0);
	assert_int_equal(n, 0); /* both kept: the draft took them */
	kb_media got;
	assert_int_equal(store_media_get(st, &a, m[0], &got), 0);
	assert_int_equal(tips_store_delete(st, &a, t2, &ph, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ph[0].stem, "cccc");
	assert_int_equal(store_media_get(st, &a, m[2], &got), STORE_NOTFOUND);
	/* The photo worker, finishing a photo deleted meanwhile, is told so
	 * (and removes the files it made). */
	assert_int_equal(store_media_ready(st, m[2], 0, 320, 200, "320", NULL, 0), STORE_NOTFOUND);
	assert_int_equal(store_media_ready(st, m[0], 0, 320, 200, "320", NULL, 0), STORE_OK);
	assert_int_equal(tips_store_delete(st, &a, t2, &ph, &n), STORE_NOTFOUND);
	kb_arena_free(&a);
}

static void retention_finds_old_tips_and_mail_is_queued_once(void **state)
{
	store *st = *state;
	kb_arena a = {0};
	add(st, "KH-HHHH-HHHH", "news", "पुरानी", "क", 100, NULL, 0);
	int64_t fresh = add(st, "KH-JJJJ-JJJJ", "news", "नई", "ख", 5000, NULL, 0);
	int64_t *ids;
	size_t n;
	assert_int_equal(tips_store_expired(st, &a, 1000, 10, &ids, &n), 0);
	assert_int_equal(n, 1);

	kb_mail_job job;
	assert_int_equal(tips_store_mail_next(st, 99, &job), STORE_NOTFOUND);
	assert_int_equal(tips_store_mail_next(st, 100, &job), 0);
	assert_int_equal(job.tries, 0);
	assert_int_equal(tips_store_mail_retry(st, job.id, 200, "connection refused"), 0);
	assert_int_equal(tips_store_mail_next(st, 150, &job), STORE_NOTFOUND);
	assert_int_equal(tips_store_mail_next(st, 200, &job), 0);
	assert_int_equal(job.tries, 1);
	/* Claimed: a second server asking now gets nothing; after the lease
	 * (a sender that died) it is due again. */
	kb_mail_job other;
	assert_int_equal(tips_store_mail_next(st, 200, &other), STORE_NOTFOUND);
	assert_int_equal(tips_store_mail_next(st, 200 + TIPS_MAIL_LEASE, &other), 0);
	assert_int_equal(other.id, job.id);
	assert_int_equal(tips_store_mail_retry(st, job.id, 0, "gave up"), 0);
	int64_t waiting, failed;
	assert_int_equal(tips_store_mail_counts(st, &waiting, &failed), 0);
	assert_int_equal(waiting, 1);
	assert_int_equal(failed, 1);
	assert_int_equal(tips_store_mail_next(st, 10000, &job), 0);
	assert_int_equal(job.tip_id, fresh);
	assert_int_equal(tips_store_mail_sent(st, job.id), 0);
	assert_int_equal(tips_store_mail_next(st, 10000, &job), STORE_NOTFOUND);
	kb_arena_free(&a);
}

static void mail_settings_are_read_apart_from_the_site_settings(void **state)
{
	store *st = *state;
	kb_arena a = {0};
	assert_int_equal(store_setting_set(st, "smtp_password", "s3cret"), 0);
	assert_int_equal(store_setting_set(st, "smtp_host", "mail.example"), 0);
	kb_mail_settings ms;
	assert_int_equal(tips_store_mail_settings(st, &a, &ms), 0);
	assert_string_equal(ms.password, "s3cret");
	assert_string_equal(ms.host, "mail.example");
	assert_string_equal(ms.port, "");
	assert_string_equal(ms.from_name, "");
	kb_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_ascii_headers_stay_as_they_are),
		cmocka_unit_test(hindi_headers_become_short_words_that_never_split_a_letter),
		cmocka_unit_test(the_message_is_crlf_with_a_base64_utf8_body),
		cmocka_unit_test(headlines_are_the_first_sentence_cut_at_a_space),
		cmocka_unit_test(retries_back_off_then_give_up),
		cmocka_unit_test_setup_teardown(one_address_gets_ten_in_ten_minutes, setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(ipv6_addresses_count_by_their_64, setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(the_whole_site_has_a_limit_too, setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(limits_are_shared_by_every_server, setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(limits_hold_under_a_race, setup, tempdb_teardown),
		cmocka_unit_test(the_digest_ignores_spacing_punctuation_and_spelling_variants),
		cmocka_unit_test(references_are_readable_and_checked),
		cmocka_unit_test(the_tip_form_is_a_tokened_public_post),
		cmocka_unit_test_setup_teardown(the_queue_filters_searches_and_counts_unread, setup,
						tempdb_teardown),
		cmocka_unit_test_setup_teardown(duplicates_and_references_are_unique, setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(deleting_keeps_only_the_photos_a_draft_took, setup,
						tempdb_teardown),
		cmocka_unit_test_setup_teardown(retention_finds_old_tips_and_mail_is_queued_once, setup,
						tempdb_teardown),
		cmocka_unit_test_setup_teardown(mail_settings_are_read_apart_from_the_site_settings, setup,
						tempdb_teardown),
	};
	return cmocka_run_group_tests_name("tips", tests, NULL, NULL);
}
