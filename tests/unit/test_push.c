/*
 * test_push.c: Web Push: RFC 8291 Appendix A reproduced byte for byte
 * (every intermediate value and the final message), base64url, VAPID JWTs
 * verified with OpenSSL against the public key, the checks on what a
 * browser sends when it subscribes, the payload and its per-message click
 * link, clicks counted once per message, alert URLs, and the alert of a
 * story (its Topic, urgency, a headline cut to fit). The newsroom's limit
 * and scheduled alerts are tested with the store in test_newsroom.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "push/push.h"
#include "tempdb.h"

/* RFC 8291, Appendix A. */
static const char *const PLAINTEXT = "When I grow up, I want to be a watermelon";
static const char *const AS_PUBLIC =
	"BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
static const char *const AS_PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
static const char *const UA_PUBLIC =
	"BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
static const char *const SALT = "DGv6ra1nlYgDCS1FRnbzlw";
static const char *const AUTH = "BTBZMqHH6r4Tts7J_aSIgg";
static const char *const ECDH_SECRET = "kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs";
static const char *const KEY_INFO =
	"V2ViUHVzaDogaW5mbwAEJXGyvs3942BVGq8e0PTNNmwRzr5VX4m8t7GGpTM5FzFo7OLr4BhZe9MEebhuPI-OztV3ylkY"
	"fpJGmQ22ggCLDgT-M_SrDepxkU21WCP3O1SUj0EwbZIHMtu5pZpTKGSCIA5Zent7wmC6HCJ5mFgJkuk5cwAvMBKiiujw"
	"a7t45ewP";
static const char *const PRK_KEY = "Snr3JMxaHVDXHWJn5wdC52WjpCtd2EIEGBykDcZW32k";
static const char *const IKM = "S4lYMb_L0FxCeq0WhDx813KgSYqU26kOyzWUdsXYyrg";
static const char *const PRK = "09_eUZGrsvxChDCGRCdkLiDXrReGOEVeSCdCcPBSJSc";
static const char *const CEK = "oIhVW04MRdy2XN9CiKLxTg";
static const char *const NONCE = "4h_95klXJ5E_qnoN";
static const char *const MESSAGE =
	"DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS"
	"6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qul"
	"cy4a-fN";

static size_t dec(const char *s, unsigned char *out, size_t cap)
{
	long n = b64url_decode(s, strlen(s), out, cap);
	assert_true(n >= 0);
	return (size_t)n;
}

/* Asserts that bytes p[0..n) encode to the base64url want, naming what. */
static void expect_b64(const char *what, const void *p, size_t n, const char *want)
{
	kb_buf b = {0};
	b64url_encode(&b, p, n);
	const char *got = b.data ? b.data : "";
	if (strcmp(got, want))
		fail_msg("%s: expected %s, got %s", what, want, got);
	kb_buf_free(&b);
}

static void rfc8291_appendix_a(void **state)
{
	unsigned char ua[65], auth[16], salt[16], as_priv[32], out[PUSH_BODY_MAX];
	assert_int_equal(dec(UA_PUBLIC, ua, sizeof ua), 65);
	assert_int_equal(dec(AUTH, auth, sizeof auth), 16);
	assert_int_equal(dec(SALT, salt, sizeof salt), 16);
	assert_int_equal(dec(AS_PRIVATE, as_priv, sizeof as_priv), 32);
	push_ece *e = push_ece_new();
	push_ece_trace t;
	long n = push_ece_encrypt(e, ua, auth, PLAINTEXT, strlen(PLAINTEXT), out, salt, as_priv, &t);
	assert_true(n > 0);
	expect_b64("as_public", t.as_public, 65, AS_PUBLIC);
	expect_b64("ecdh_secret", t.ecdh_secret, 32, ECDH_SECRET);
	expect_b64("key_info", t.key_info, 144, KEY_INFO);
	expect_b64("PRK_key", t.prk_key, 32, PRK_KEY);
	expect_b64("IKM", t.ikm, 32, IKM);
	expect_b64("PRK", t.prk, 32, PRK);
	expect_b64("CEK", t.cek, 16, CEK);
	expect_b64("NONCE", t.nonce, 12, NONCE);
	expect_b64("final message", out, (size_t)n, MESSAGE);
	push_ece_free(e);
}

/* A random key pair per message: two encryptions of the same text differ,
 * and each has the aes128gcm shape. */
static void fresh_keys_each_message(void **state)
{
	unsigned char ua[65], auth[16], a[PUSH_BODY_MAX], b[PUSH_BODY_MAX];
	dec(UA_PUBLIC, ua, sizeof ua);
	dec(AUTH, auth, sizeof auth);
	push_ece *e = push_ece_new();
	long na = push_ece_encrypt(e, ua, auth, "x", 1, a, NULL, NULL, NULL);
	long nb = push_ece_encrypt(e, ua, auth, "x", 1, b, NULL, NULL, NULL);
	assert_int_equal(na, 86 + 1 + 1 + 16);
	assert_int_equal(nb, na);
	assert_memory_not_equal(a, b, 16);           /* salt */
	assert_memory_not_equal(a + 21, b + 21, 65); /* sender key */
	assert_int_equal(a[20], 65);
	assert_int_equal((a[18] << 8) | a[19], 4096);
	/* The largest payload fits one 4,096-byte record; one more is refused. */
	static char big[PUSH_MAX_PLAINTEXT + 1];
	memset(big, 'a', sizeof big);
	unsigned char *o = malloc(PUSH_BODY_MAX);
	assert_int_equal(push_ece_encrypt(e, ua, auth, big, PUSH_MAX_PLAINTEXT, o, NULL, NULL, NULL),
			 4096); /* the whole body is 4,096 bytes */
	assert_int_equal(push_ece_encrypt(e, ua, auth, big, PUSH_MAX_PLAINTEXT + 1, o, NULL, NULL, NULL), -1);
	/* A point that is not on the curve is refused. */
	ua[64] ^= 1;
	assert_int_equal(push_ece_encrypt(e, ua, auth, "x", 1, o, NULL, NULL, NULL), -1);
	free(o);
	push_ece_free(e);
}

static void base64url(void **state)
{
	unsigned char b[8];
	expect_b64("empty", "", 0, "");
	expect_b64("one", "\xfb", 1, "-w");
	expect_b64("two", "\xfb\xff", 2, "-_8");
	assert_int_equal(b64url_decode("-_8", 3, b, sizeof b), 2);
	assert_int_equal(b64url_decode("-_8=", 4, b, sizeof b), 2);
	assert_int_equal(b64url_decode("+/8", 3, b, sizeof b), -1);           /* standard alphabet */
	assert_int_equal(b64url_decode("a", 1, b, sizeof b), -1);             /* impossible length */
	assert_int_equal(b64url_decode("-_9", 3, b, sizeof b), -1);           /* stray low bits */
	assert_int_equal(b64url_decode("AAAAAAAAAAAA", 12, b, sizeof b), -1); /* 9 > 8 bytes */
}

/* Verifies a JWT's ES256 signature with OpenSSL and the base64url public
 * key, the way a push service does. Returns 1 when valid. */
static int verify_jwt(const char *jwt, const char *public_b64)
{
	const char *dot2 = strrchr(jwt, '.');
	unsigned char pt[65], raw[64], der[80];
	if (!dot2 || dec(public_b64, pt, sizeof pt) != 65)
		return 0;
	long n = b64url_decode(dot2 + 1, strlen(dot2 + 1), raw, sizeof raw);
	if (n != 64)
		return 0;
	ECDSA_SIG *sig = ECDSA_SIG_new();
	ECDSA_SIG_set0(sig, BN_bin2bn(raw, 32, NULL), BN_bin2bn(raw + 32, 32, NULL));
	unsigned char *p = der;
	int dlen = i2d_ECDSA_SIG(sig, &p);
	ECDSA_SIG_free(sig);
	OSSL_PARAM params[] = {
		OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0),
		OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pt, 65),
		OSSL_PARAM_END,
	};
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *pkey = NULL;
	assert_true(EVP_PKEY_fromdata_init(pc) > 0);
	assert_true(EVP_PKEY_fromdata(pc, &pkey, EVP_PKEY_PUBLIC_KEY, params) > 0);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = EVP_DigestVerifyInit_ex(md, NULL, "SHA256", NULL, NULL, pkey, NULL) == 1 &&
		 EVP_DigestVerify(md, der, (size_t)dlen, (const unsigned char *)jwt, (size_t)(dot2 - jwt)) ==
			 1;
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(pc);
	return ok;
}

static void vapid_jwt_verifies(void **state)
{
	char *pub, *priv;
	assert_int_equal(push_vapid_generate(&pub, &priv), 0);
	assert_int_equal(strlen(pub), 87);
	assert_int_equal(strlen(priv), 43);
	kb_buf jwt = {0};
	assert_int_equal(push_vapid_jwt(&jwt, priv, "https://fcm.googleapis.com", 1700000000,
					"mailto:desk@example.com"),
			 0);
	/* Three parts; the header and claims decode to what RFC 8292 wants. */
	char *d1 = strchr(jwt.data, '.'), *d2 = strrchr(jwt.data, '.');
	assert_non_null(d1);
	assert_ptr_not_equal(d1, d2);
	unsigned char text[256];
	long n = b64url_decode(jwt.data, (size_t)(d1 - jwt.data), text, sizeof text - 1);
	assert_true(n > 0);
	text[n] = 0;
	assert_string_equal((char *)text, "{\"typ\":\"JWT\",\"alg\":\"ES256\"}");
	n = b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), text, sizeof text - 1);
	assert_true(n > 0);
	text[n] = 0;
	assert_string_equal((char *)text, "{\"aud\":\"https://fcm.googleapis.com\",\"exp\":1700000000,"
					  "\"sub\":\"mailto:desk@example.com\"}");
	/* Raw r||s (86 characters), not DER, and valid for the public key. */
	assert_int_equal(strlen(d2 + 1), 86);
	assert_true(verify_jwt(jwt.data, pub));
	/* Another key's signature does not verify. */
	assert_false(verify_jwt(jwt.data, AS_PUBLIC));
	jwt.data[d1 - jwt.data + 5] ^= 1; /* tampered claims */
	assert_false(verify_jwt(jwt.data, pub));
	kb_buf_free(&jwt);
	assert_int_equal(push_vapid_jwt(&jwt, "short", "https://a.b", 1, "mailto:x@y"), -1);
	kb_buf_free(&jwt);
	free(pub);
	free(priv);
}

/* What a browser sends when it subscribes: each bad case is refused with
 * its reason, the good ones parse. */
static void subscription_checks(void **state)
{
	kb_arena a = {0};
	push_sub_input in;
	const char *why;
	char ok[512];
	snprintf(ok, sizeof ok,
		 "{\"subscription\":{\"endpoint\":\"https://fcm.googleapis.com/fcm/send/abc\","
		 "\"keys\":{\"p256dh\":\"%s\",\"auth\":\"%s\"}},\"topics\":[\"raksha\",\"khel\"]}",
		 UA_PUBLIC, AUTH);
	assert_int_equal(push_sub_parse(&a, ok, strlen(ok), 1, &in, &why), 0);
	assert_string_equal(in.endpoint, "https://fcm.googleapis.com/fcm/send/abc");
	assert_int_equal(in.all_topics, 0);
	assert_int_equal(in.ntopics, 2);
	assert_string_equal(in.topics[1], "khel");

	static const struct {
		const char *json, *reason;
	} bad[] = {
		{"not json", "not a JSON object"},
		{"[1]", "not a JSON object"},
		{"{\"subscription\":{}}", "endpoint is missing"},
		{"{\"endpoint\":\"http://fcm.googleapis.com/x\"}", "https://"},
		{"{\"endpoint\":\"https://evil.example/x\"}", "not on a known push service"},
		{"{\"endpoint\":\"https://fcm.googleapis.com:8443/x\"}", "standard https port"},
		{"{\"endpoint\":\"https://user@fcm.googleapis.com/x\"}", "user information"},
		{"{\"endpoint\":\"https://fcm.googleapis.com/a b\"}", "cannot have"},
		{"{\"endpoint\":\"https://fcm.googleapis.com/x\",\"keys\":{}}", "required strings"},
		/* 65 bytes with the 04 prefix, but (4, 4...) is not on the curve. */
		{"{\"endpoint\":\"https://fcm.googleapis.com/x\",\"keys\":{\"p256dh\":"
		 "\"BAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ\","
		 "\"auth\":\"BTBZMqHH6r4Tts7J_aSIgg\"}}",
		 "not a point on the P-256 curve"},
		{"{\"endpoint\":\"https://fcm.googleapis.com/x\",\"keys\":{\"p256dh\":\"AAAA\","
		 "\"auth\":\"BTBZMqHH6r4Tts7J_aSIgg\"}}",
		 "65-byte uncompressed"},
	};
	for (size_t i = 0; i < KB_COUNT(bad); i++) {
		why = "";
		if (push_sub_parse(&a, bad[i].json, strlen(bad[i].json), 1, &in, &why) != -1 ||
		    !strstr(why, bad[i].reason))
			fail_msg("%s: expected a refusal with \"%s\", got \"%s\"", bad[i].json, bad[i].reason,
				 why);
	}
	/* The auth secret must be exactly 16 bytes. */
	char short_auth[512];
	snprintf(short_auth, sizeof short_auth,
		 "{\"endpoint\":\"https://updates.push.services.mozilla.com/wpush/v2/x\","
		 "\"keys\":{\"p256dh\":\"%s\",\"auth\":\"BTBZMqHH6r4Tts7J\"}}",
		 UA_PUBLIC);
	assert_int_equal(push_sub_parse(&a, short_auth, strlen(short_auth), 1, &in, &why), -1);
	assert_non_null(strstr(why, "exactly 16 bytes"));
	/* Subdomains of Apple's and Microsoft's services are push services. */
	assert_true(push_endpoint_allowed("https://web.push.apple.com/QGx", &why));
	assert_true(push_endpoint_allowed("https://wns2-par02p.notify.windows.com/w/?token=x", &why));
	assert_false(push_endpoint_allowed("https://push.apple.com.evil.example/x", &why));
	kb_arena_free(&a);
}

/* A payload over 3,993 bytes, less the room kept for the click link's
 * tail, loses summary first, then title, and stays valid UTF-8 JSON; the
 * tail then ends its "url", which comes last. */
static void payload_trimmed(void **state)
{
	kb_buf body = {0}, out = {0};
	for (int i = 0; i < 1500; i++)
		kb_buf_puts(&body, "सार ");
	push_payload_json(&out, 7, "शीर्षक", body.data, "https://k.example/push/click/7/", "", "alert-7",
			  PUSH_CLICK_TAIL_MAX);
	assert_true(out.len <= PUSH_MAX_PLAINTEXT - PUSH_CLICK_TAIL_MAX);
	assert_true(kb_utf8_valid(out.data, out.len, NULL));
	assert_non_null(strstr(out.data, "\"title\":\"शीर्षक\""));
	assert_non_null(strstr(out.data, "…\",\"image\""));
	/* The longest tail still fits one record. */
	char tail[PUSH_CLICK_TAIL_MAX + 1];
	memset(tail, '9', PUSH_CLICK_TAIL_MAX);
	tail[PUSH_CLICK_TAIL_MAX] = 0;
	unsigned char plain[PUSH_MAX_PLAINTEXT];
	size_t n = push_payload_end(plain, out.data, out.len, tail, PUSH_CLICK_TAIL_MAX);
	assert_true(n <= PUSH_MAX_PLAINTEXT);
	kb_buf_reset(&out);
	push_payload_json(&out, 7, body.data, "सार", "https://k.example/push/click/7/", "", "alert-7", 0);
	assert_true(out.len <= PUSH_MAX_PLAINTEXT);
	assert_non_null(strstr(out.data, "\"body\":\"\""));
	kb_buf_reset(&out);
	push_payload_json(&out, 7, "छोटा", "सार", "/push/click/7/", "", "t", PUSH_CLICK_TAIL_MAX);
	assert_string_equal(
		out.data,
		"{\"id\":7,\"title\":\"छोटा\",\"body\":\"सार\",\"image\":\"\",\"tag\":\"t\",\"url\":\"/push/click/7/\"}");
	n = push_payload_end(plain, out.data, out.len, "12/ab", 5);
	assert_int_equal(n, out.len + 5);
	assert_memory_equal(
		plain,
		"{\"id\":7,\"title\":\"छोटा\",\"body\":\"सार\",\"image\":\"\",\"tag\":\"t\",\"url\":\"/push/click/7/12/ab\"}",
		n);
	kb_buf_free(&body);
	kb_buf_free(&out);
}

/* A message's click link names its subscription and is signed: changing
 * the alert, the subscription or a digit of the MAC makes it invalid. */
static void click_links_are_signed_per_message(void **state)
{
	unsigned char key[32], other[32];
	memset(key, 7, sizeof key);
	memset(other, 8, sizeof other);
	char tail[PUSH_CLICK_TAIL_MAX + 1];
	size_t n = push_click_tail(tail, key, 12, 345);
	assert_int_equal(n, strlen("345/") + PUSH_CLICK_MAC_LEN);
	assert_int_equal(strncmp(tail, "345/", 4), 0);
	const char *mac = tail + 4;
	assert_int_equal(strspn(mac, "0123456789abcdef"), PUSH_CLICK_MAC_LEN);
	assert_true(push_click_valid(key, 12, 345, mac));
	assert_false(push_click_valid(key, 13, 345, mac));
	assert_false(push_click_valid(key, 12, 346, mac));
	assert_false(push_click_valid(other, 12, 345, mac));
	char forged[PUSH_CLICK_MAC_LEN + 1];
	memcpy(forged, mac, sizeof forged);
	forged[5] = forged[5] == '0' ? '1' : '0';
	assert_false(push_click_valid(key, 12, 345, forged));
	forged[PUSH_CLICK_MAC_LEN - 1] = 0;
	assert_false(push_click_valid(key, 12, 345, forged)); /* one digit short */
	assert_false(push_click_valid(key, 12, 345, ""));
	/* The largest ids fit the room kept for them. */
	n = push_click_tail(tail, key, INT64_MAX, INT64_MAX);
	assert_true(n <= PUSH_CLICK_TAIL_MAX);
	assert_true(push_click_valid(key, INT64_MAX, INT64_MAX, strchr(tail, '/') + 1));
}

/* Clicks noted in memory are written in one go, each message once ever:
 * fifty clicks on one link count one, a second subscriber's another, the
 * same links after the write nothing, an unknown alert nothing. The
 * store's secret is made once and kept. */
static void clicks_count_once_per_message(void **state)
{
	store *st = *state;
	push_alert_input in = {
		.title = "शीर्षक", .body = "", .url = "/news/x", .image = "", .urgency = "normal", .ttl = 60};
	int64_t id;
	assert_int_equal(push_store_alert_add(st, &in, &id), STORE_OK);
	unsigned char k1[32], k2[32];
	assert_int_equal(push_click_secret(st, k1), 0);
	assert_int_equal(push_click_secret(st, k2), 0);
	assert_memory_equal(k1, k2, 32);
	for (int i = 0; i < 50; i++)
		assert_int_equal(push_click_note(id, 7), 0);
	assert_int_equal(push_click_note(id, 8), 0);
	assert_int_equal(push_click_note(id + 100, 7), 0);
	assert_int_equal(push_click_flush(st), 2);
	kb_arena a = {0};
	push_alert al;
	assert_int_equal(push_store_alert(st, &a, id, &al), STORE_OK);
	assert_int_equal(al.clicked, 2);
	push_click_note(id, 7);
	push_click_note(id, 8);
	assert_int_equal(push_click_flush(st), 0);
	assert_int_equal(push_click_flush(st), 0); /* nothing waits */
	assert_int_equal(push_store_alert(st, &a, id, &al), STORE_OK);
	assert_int_equal(al.clicked, 2);
	const char *url;
	assert_int_equal(push_store_alert_url(st, &a, id, &url), STORE_OK);
	assert_string_equal(url, "/news/x");
	assert_int_equal(push_store_alert_url(st, &a, id + 100, &url), STORE_NOTFOUND);
	kb_arena_free(&a);
}

/* The set of waiting clicks is bounded: past PUSH_CLICK_PENDING distinct
 * ones a click is refused (lost, and said), never memory without end. */
static void waiting_clicks_are_bounded(void **state)
{
	store *st = *state;
	for (int64_t i = 0; i < PUSH_CLICK_PENDING; i++)
		assert_int_equal(push_click_note(1000000 + i, 1), 0);
	assert_int_equal(push_click_note(1, 1), -1);
	assert_int_equal(push_click_note(1000000, 1), 0); /* already waiting */
	assert_int_equal(push_click_flush(st), 0);        /* no such alerts */
	assert_int_equal(push_click_note(1, 1), 0);
	assert_int_equal(push_click_flush(st), 0);
}

/* Two processes and one delivery lease: once another took the lease over
 * (the first stalled), the first can claim nothing more, its messages in
 * flight wait a minute past its lease before the second sends them again,
 * and a message both delivered is counted once, by whichever result
 * removed its row. */
static void a_lease_taken_over_claims_nothing_and_counts_once(void **state)
{
	store *st = *state;
	unsigned char p256dh[65] = {4}, auth[16] = {1};
	char ep[64];
	for (int i = 0; i < 3; i++) {
		snprintf(ep, sizeof ep, "https://push.example/sub-%d", i);
		const char *bad = NULL;
		assert_int_equal(push_store_subscribe(st, ep, p256dh, auth, 1, NULL, 0, &bad), STORE_OK);
	}
	push_alert_input in = {
		.title = "शीर्षक", .body = "", .url = "/news/x", .image = "", .urgency = "high", .ttl = 600};
	int64_t id, pid;
	assert_int_equal(push_store_alert_add(st, &in, &id), STORE_OK);
	kb_arena a = {0};
	const char *host;
	push_alert *al;
	size_t na, n1, n2;
	push_job_row *r1, *r2;
	assert_int_equal(push_store_lease(st, &a, 1, 101, "h", 1000, 1030, 0, &pid, &host), STORE_OK);
	assert_int_equal(push_store_alerts_active(st, &a, &al, &na), STORE_OK);
	assert_int_equal(na, 1);
	assert_int_equal(push_store_claim(st, &a, &al[0], 1, 1000, 10, &r1, &n1), STORE_OK);
	assert_int_equal(n1, 3);
	/* Process 2 takes the lease over once it has run out. */
	assert_int_equal(push_store_lease(st, &a, 2, 102, "h", 1020, 1050, 0, &pid, &host), STORE_NOTFOUND);
	assert_int_equal(push_store_lease(st, &a, 2, 102, "h", 1031, 1061, 0, &pid, &host), STORE_OK);
	assert_int_equal(push_store_claim(st, &a, &al[0], 1, 1031, 10, &r2, &n2), STORE_NOTFOUND);
	assert_int_equal(n2, 0);
	/* The first's messages in flight are the second's to send again, once
	 * the first has had a minute past its lease to finish them. */
	assert_int_equal(push_store_alerts_active(st, &a, &al, &na), STORE_OK);
	assert_int_equal(push_store_claim(st, &a, &al[0], 2, 1031, 10, &r2, &n2), STORE_OK);
	assert_int_equal(n2, 0);
	assert_int_equal(push_store_lease(st, &a, 2, 102, "h", 1089, 1119, 0, &pid, &host), STORE_OK);
	assert_int_equal(push_store_claim(st, &a, &al[0], 2, 1089, 10, &r2, &n2), STORE_OK);
	assert_int_equal(n2, 0);
	assert_int_equal(push_store_claim(st, &a, &al[0], 2, 1090, 10, &r2, &n2), STORE_OK);
	assert_int_equal(n2, 3);
	/* Both deliver everything; the first's results land first. */
	push_result res[3];
	for (int i = 0; i < 3; i++)
		res[i] = (push_result){.alert_id = id, .sub_id = r1[i].sub_id, .kind = PUSH_R_DELIVERED};
	assert_int_equal(push_store_results(st, res, 2, 1032), STORE_OK);
	for (int i = 0; i < 3; i++)
		res[i].sub_id = r2[i].sub_id;
	assert_int_equal(push_store_results(st, res, 3, 1033), STORE_OK);
	res[0].sub_id = r1[2].sub_id;
	assert_int_equal(push_store_results(st, res, 1, 1034), STORE_OK);
	push_alert one;
	assert_int_equal(push_store_alert(st, &a, id, &one), STORE_OK);
	assert_int_equal(one.delivered, 3);
	assert_int_equal(one.failed + one.expired, 0);
	assert_string_equal(one.state, "done");
	kb_arena_free(&a);
}

static int setup(void **state)
{
	store *st = tempdb_open("push");
	*state = st;
	return st ? 0 : -1;
}

/* An alert's link or image: a site path or an http(s) URL, and never a
 * control byte, which the click redirect would put into a header. */
static void alert_urls_checked(void **state)
{
	static const char *const good[] = {"/news/x", "/", "https://k.example/news/x?a=1#b",
					   "http://k.example", "/category/देश"};
	for (size_t i = 0; i < KB_COUNT(good); i++)
		if (push_url_problem(good[i]))
			fail_msg("%s: expected no problem, got \"%s\"", good[i], push_url_problem(good[i]));
	static const struct {
		const char *url, *reason;
	} bad[] = {
		{"/news/x\r\nSet-Cookie: a=b", "control character"},
		{"/news/x\n", "control character"},
		{"/x\ty", "control character"},
		{"/x\x01", "control character"},
		{"/x\x7f", "control character"},
		{"https://k.example/\x1b[31m", "control character"},
		{"/a b", "space"},
		{"/a\"b", "quote"},
		{"/\\evil.example", "backslash"},
		{"/x\xff", "UTF-8"},
		{"//evil.example/x", "site path"},
		{"javascript:alert(1)", "site path"},
		{"ftp://k.example/x", "site path"},
		{"", "site path"},
	};
	for (size_t i = 0; i < KB_COUNT(bad); i++) {
		const char *why = push_url_problem(bad[i].url);
		if (!why || !strstr(why, bad[i].reason))
			fail_msg("%s: expected a refusal with \"%s\", got \"%s\"", bad[i].url, bad[i].reason,
				 why ? why : "none");
	}
	kb_buf long_url = {0};
	kb_buf_puts(&long_url, "/");
	for (int i = 0; i < PUSH_URL_MAX; i++)
		kb_buf_putc(&long_url, 'x');
	assert_non_null(strstr(push_url_problem(long_url.data), "longer than 2,000 bytes"));
	kb_buf_free(&long_url);
	/* And the alert is refused with that reason. */
	push_alert_input in = {.title = "शीर्षक", .url = "/news/x\r\nLocation: //evil.example"};
	int64_t id;
	const char *why;
	assert_int_equal(push_alert_create(NULL, &in, &id, &why), STORE_ERROR);
	assert_non_null(strstr(why, "control character"));
}

/* ---- the newsroom's alerts ---- */

static void article_topic_and_alert(void **state)
{
	char topic[PUSH_TOPIC_SIZE];
	push_article_topic(topic, 42);
	assert_string_equal(topic, "article-42");
	/* The largest id still makes a Topic push services take (32 at most). */
	push_article_topic(topic, INT64_MAX);
	assert_string_equal(topic, "article-9223372036854775807");

	kb_arena a = {0};
	kb_article art = {.id = 7,
			  .title = "शीर्षक",
			  .summary = "सार",
			  .slug = "sheershak",
			  .image_url = "/media/x-social.jpg",
			  .breaking = 1};
	art.category.id = 9;
	push_alert_input in;
	push_article_input(&art, &a, &in, topic);
	assert_string_equal(in.title, "शीर्षक");
	assert_string_equal(in.body, "सार");
	assert_string_equal(in.url, "/news/sheershak");
	assert_string_equal(in.image, "/media/x-social.jpg");
	assert_int_equal(in.category_id, 9);
	assert_string_equal(in.urgency, "high");
	assert_string_equal(in.topic, "article-7");
	art.breaking = 0;
	push_article_input(&art, &a, &in, topic);
	assert_string_equal(in.urgency, "normal");
	/* A headline longer than an alert takes (500 bytes) is cut at a
	 * character, not refused. */
	kb_buf long_title = {0};
	for (int i = 0; i < 200; i++)
		kb_buf_puts(&long_title, "क");
	art.title = long_title.data;
	push_article_input(&art, &a, &in, topic);
	assert_true(strlen(in.title) <= 500);
	assert_true(kb_utf8_valid(in.title, strlen(in.title), NULL));
	assert_non_null(strstr(in.title, "…"));
	kb_buf_free(&long_title);
	kb_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc8291_appendix_a),
		cmocka_unit_test(fresh_keys_each_message),
		cmocka_unit_test(base64url),
		cmocka_unit_test(vapid_jwt_verifies),
		cmocka_unit_test(subscription_checks),
		cmocka_unit_test(payload_trimmed),
		cmocka_unit_test(click_links_are_signed_per_message),
		cmocka_unit_test_setup_teardown(clicks_count_once_per_message, setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(waiting_clicks_are_bounded, setup, tempdb_teardown),
		cmocka_unit_test_setup_teardown(a_lease_taken_over_claims_nothing_and_counts_once, setup,
						tempdb_teardown),
		cmocka_unit_test(alert_urls_checked),
		cmocka_unit_test(article_topic_and_alert),
	};
	return cmocka_run_group_tests_name("push", tests, NULL, NULL);
}
