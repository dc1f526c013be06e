/*
 * push.h: self-hosted Web Push. What khabar sends to readers' browsers
 * through their push services (FCM, Mozilla, Apple...), with no vendor:
 *
 *   push_ece_*       payload encryption, RFC 8291 with aes128gcm (RFC 8188)
 *   push_vapid_*     the server's P-256 key pair and its ES256 JWT (RFC 8292)
 *   push_sub_parse   checks a subscription a browser sent (JSON)
 *   push_alert_*     queues an alert (the newsroom's entry point) and its payload
 *   push_click_*     the click link of each message, signed, and the clicks
 *                    counted in memory and written in batches (click.c)
 *   push_engine_*    the delivery engine: a thread off the request path that
 *                    fans alerts out to subscribers with libcurl (delivery.c)
 *
 * Not here: SQL (src/db/push_sqlite.c, behind src/db/push_store.h) and HTTP
 * pages (src/pages/push.c).
 */
#ifndef KB_PUSH_H
#define KB_PUSH_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"
#include "../core/crypto.h"
#include "../db/push_store.h"
#include "../db/store.h"

/* ---- payload encryption (ece.c) ---- */

/* RFC 8291: one record of 4,096 bytes at most; 86 header bytes, a padding
 * delimiter and the 16-byte tag leave 3,993 bytes of plaintext. */
#define PUSH_RECORD_SIZE 4096
#define PUSH_HEADER_LEN 86
#define PUSH_MAX_PLAINTEXT 3993
#define PUSH_BODY_MAX (PUSH_HEADER_LEN + PUSH_MAX_PLAINTEXT + 1 + 16)

/* Per-thread encryption state (OpenSSL contexts reused message after
 * message). Not shared between threads. */
typedef struct push_ece push_ece;
push_ece *push_ece_new(void);
void push_ece_free(push_ece *e);

/* The values RFC 8291 Appendix A lists, filled when a trace is passed. */
typedef struct push_ece_trace {
	unsigned char ecdh_secret[32], prk_key[32], key_info[144], ikm[32], prk[32];
	unsigned char cek[16], nonce[12], as_public[65];
} push_ece_trace;

/*
 * Encrypts plaintext (at most PUSH_MAX_PLAINTEXT bytes) for the browser
 * whose keys are ua_public (65 bytes, uncompressed P-256) and auth (16
 * bytes), writing the aes128gcm body into out (room for PUSH_BODY_MAX).
 * A fresh sender key pair and salt are drawn for each message, unless salt
 * and as_private (32 bytes) are given (tests reproduce RFC 8291 that way).
 * Returns the body length, or -1 (bad key, or OpenSSL failed).
 */
long push_ece_encrypt(push_ece *e, const unsigned char *ua_public, const unsigned char *auth,
		      const void *plaintext, size_t len, unsigned char *out, const unsigned char *salt,
		      const unsigned char *as_private, push_ece_trace *trace);

/* Whether p[0..n) is an uncompressed P-256 point on the curve (not the
 * point at infinity): what a browser's p256dh key must be. */
int push_p256_point_valid(const unsigned char *p, size_t n);

/* ---- VAPID (vapid.c) ---- */

/* Makes a new P-256 key pair: base64url of the 65-byte public point and of
 * the 32-byte private scalar, both malloc'ed. Returns 0 or -1. */
int push_vapid_generate(char **public_b64, char **private_b64);
/*
 * Signs a VAPID JWT for audience (the push service's origin,
 * "https://fcm.googleapis.com") valid until exp (UTC seconds), subject
 * "mailto:..." or "https://...". ES256 with the signature as raw r||s.
 * Appends "header.claims.signature" to out. Returns 0, or -1 (bad key).
 */
int push_vapid_jwt(kb_buf *out, const char *private_b64, const char *audience, int64_t exp,
		   const char *subject);

/* ---- subscriptions (subscription.c) ---- */

typedef struct push_sub_input {
	const char *endpoint; /* arena-allocated */
	unsigned char p256dh[65], auth[16];
	int all_topics;
	const char **topics; /* category slugs when !all_topics */
	size_t ntopics;
} push_sub_input;

/*
 * Parses and checks what the reader's browser sent:
 *   {"subscription": {"endpoint": "https://...", "keys": {"p256dh": "...",
 *    "auth": "..."}}, "topics": ["all"] | ["raksha", "khel"]}
 * (the subscription object is PushSubscription.toJSON()). With need_keys 0
 * only the endpoint is required (unsubscribe, status). Returns 0, or -1
 * with a reason a developer can act on in *why (a static string).
 */
int push_sub_parse(kb_arena *a, const char *json, size_t len, int need_keys, push_sub_input *out,
		   const char **why);
/* Whether endpoint is an https URL of a push service khabar will post to
 * (see subscription.c for the rule and the test override). */
int push_endpoint_allowed(const char *endpoint, const char **why);

/* ---- alerts (alert.c) ---- */

/*
 * Queues an alert for every subscriber of category_id (0: every
 * subscriber); the delivery engine does the rest. in->url is a site path
 * ("/news/slug") or an absolute URL on the site; image may be "" or NULL.
 * urgency: "very-low", "low", "normal" or "high" (breaking news); ttl in
 * seconds (0: one day); topic: a key of up to 32 characters [A-Za-z0-9_-]
 * that makes a later alert with the same topic replace this one while it is
 * still pending on a device (NULL: "alert-ID"). Returns 0 with the new id,
 * or STORE_ERROR with the reason in *why (a static string or the store's
 * message).
 */
int push_alert_create(store *st, const push_alert_input *in, int64_t *id, const char **why);

/* Whether u may be an alert's link or image: a site path ("/news/x", not
 * "//host" or "/\host") or an absolute http(s) URL of at most PUSH_URL_MAX
 * bytes, in valid UTF-8 with no control byte (CR, LF, tab...: the link
 * ends up in a Location header), space, quote, angle bracket or backslash.
 * NULL when it may, else why not (a static English sentence). The bound
 * keeps a payload with the longest title and image within its record. */
#define PUSH_URL_MAX 2000
const char *push_url_problem(const char *u);

/*
 * The JSON the service worker reads, trimmed to PUSH_MAX_PLAINTEXT - reserve
 * bytes (the summary first, then the title). click_url is the click link;
 * "url" is the last member, so push_payload_end can lengthen it by up to
 * reserve bytes for each subscriber. Appends to out.
 */
void push_payload_json(kb_buf *out, int64_t id, const char *title, const char *body, const char *click_url,
		       const char *image, const char *tag, size_t reserve);
/* Writes payload (len bytes, from push_payload_json) into out with tail
 * (characters that need no JSON escaping) added to the end of its "url";
 * out has room for len + tlen bytes. Returns the new length. */
size_t push_payload_end(unsigned char *out, const char *payload, size_t len, const char *tail, size_t tlen);

/* ---- the newsroom's alerts (alert.c) ---- */

/* What push_alert_send returns besides STORE_OK and STORE_ERROR. */
enum { PUSH_OVER_LIMIT = 10, PUSH_INVALID = 11 };
/* Room for a Topic: 32 characters and the NUL. */
#define PUSH_TOPIC_SIZE 33

/* The Topic of a story's alerts, "article-ID": the same story sent again
 * replaces its alert still waiting on a device. */
void push_article_topic(char out[PUSH_TOPIC_SIZE], int64_t article_id);
/* The alert of a published story: headline, summary, its URL, its photo,
 * its category (subscribers of it and of everything), urgency high when
 * breaking, its topic (written into topic, which in points to). */
void push_article_input(const kb_article *art, kb_arena *a, push_alert_input *in,
			char topic[PUSH_TOPIC_SIZE]);
/*
 * Queues an alert sent from the newsroom by user_id (for article_id, or
 * 0), within the site's hourly limit (the setting push_hourly_limit).
 * Returns STORE_OK with the new id; PUSH_OVER_LIMIT or PUSH_INVALID (bad
 * input) with nothing queued; STORE_ERROR. *why says why in English (the
 * newsroom shows its own words for the first two).
 */
/* What runs after each alert the newsroom queues (push_alert_send and
 * the scheduler's), with the alert as queued: the email digest's
 * breaking mails hang here (app.c sets it before any thread starts).
 * NULL: nothing. */
typedef void (*push_alert_hook)(store *st, int64_t id, const push_alert_input *in);
void push_set_alert_hook(push_alert_hook fn);
int push_alert_send(store *st, const push_alert_input *in, int64_t user_id, int64_t article_id, int64_t *id,
		    const char **why);
/* The scheduler's part (thread 0 of the server, every second and at
 * start): queues the alert of every story that went live with "send a
 * notification" chosen. The alert and the end of its reminder are one
 * transaction, so each goes exactly once, whenever the server restarts;
 * one over the limit is dropped, with a line in the audit log. Returns
 * how many were queued. */
int push_alert_scheduled(store *st);

/* ---- clicks (click.c) ---- */

/*
 * Each message's click link is /push/click/ALERT/SUB/MAC: MAC signs the
 * alert and the subscription with a secret of the site, so a click counts
 * for the one message it came from and a made-up link counts nothing. The
 * click page notes a click in memory (push_click_note, deduplicated per
 * message); a thread of "khabar serve" writes them in one transaction a
 * second and at a stop, so opening a link costs no database write and
 * each message's click counts once, however often it is opened.
 */
#define PUSH_CLICK_MAC_LEN 32 /* hex digits: 128 bits of HMAC-SHA-256 */
/* The longest "SUB/MAC" a link ends with. */
#define PUSH_CLICK_TAIL_MAX (20 + 1 + PUSH_CLICK_MAC_LEN)

/* The signing secret (32 bytes), made at the first use in the store, so
 * every process on the database signs alike; then kept in memory (one
 * database per process). Returns 0, or -1 on a store error. */
int push_click_secret(store *st, unsigned char key[32]);
/* Writes "SUB/MAC" of sub's message of alert into out (NUL-terminated);
 * returns its length. */
size_t push_click_tail(char out[PUSH_CLICK_TAIL_MAX + 1], const unsigned char key[32], int64_t alert,
		       int64_t sub);
/* Whether mac is the MAC of sub's message of alert. Constant time. */
int push_click_valid(const unsigned char key[32], int64_t alert, int64_t sub, const char *mac);
/* Remembers a click until the next write; the same message again is no new
 * click. Returns 0, or -1 when PUSH_CLICK_PENDING distinct clicks already
 * wait (this one is lost; the writer is stuck). Thread-safe. */
#define PUSH_CLICK_PENDING 16384
int push_click_note(int64_t alert, int64_t sub);
/* Writes the clicks noted since the last write to st, one transaction;
 * on a store error they wait for the next. Returns the number of clicks
 * counted (messages clicked for the first time), or -1. "khabar serve"
 * runs it every second as a job, and once more after the HTTP workers
 * have answered their last request (src/app/). */
long push_click_flush(store *st);

/* ---- delivery (delivery.c) ---- */

typedef struct push_engine push_engine;
typedef struct push_engine_opts {
	const char *db_path;
	int workers; /* encryption threads; 0: one per core */
	int drain;   /* return once nothing is left to send (CLI, benchmark) */
	int quiet;
} push_engine_opts;

/* Totals of one engine run, for the CLI and the benchmark. */
typedef struct push_engine_totals {
	uint64_t sent, delivered, failed, expired, retried, gone;
	double encrypt_cpu_s; /* CPU seconds the encryption threads used */
	double cpu_s;         /* CPU seconds the whole process used meanwhile */
	double wall_s;
} push_engine_totals;

/* Starts the engine on its own thread. Returns NULL after printing why. */
push_engine *push_engine_start(const push_engine_opts *o);
/* Stops it (or, with drain, waits for it to finish): requests in flight
 * finish (a few seconds at most) and their results are recorded; rows not
 * yet sent stay queued. Returns the engine's exit status (0, or 1 when it
 * could not deliver: another process holds the queue). */
int push_engine_stop(push_engine *e, push_engine_totals *totals);
/* Runs the engine on the calling thread until the queue is empty (drain)
 * or a SIGINT/SIGTERM arrives. Returns 0, or 1 after printing why. */
int push_engine_run(const push_engine_opts *o, push_engine_totals *totals);

#endif
