/*
 * digest.h: the email digest behind the pages: the signed links of its
 * mails (token.c), the mails themselves, Hindi, multipart/alternative
 * with a text and an HTML part and RFC 8058's one-click unsubscribe
 * headers (compose.c, pure: no I/O), and the job of "khabar serve" that
 * makes the day's digest at digest_time, the breaking alerts' mails, and
 * sends the queue through the tips' SMTP code at digest_rate a minute,
 * counting hard bounces (worker.c). The reader's pages are
 * src/pages/digest.c, the newsroom's src/newsroom/digest.c, storage
 * src/db/digest_store.h.
 */
#ifndef KB_DIGEST_H
#define KB_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"
#include "../db/digest_store.h"

/* A sign-up's limits: per address (IPv6 by its /64) and per email
 * address (confirmation mails to one address in a day). */
#define DIGEST_IP_MAX 10
#define DIGEST_IP_WINDOW 600
#define DIGEST_ADDR_MAX 3
#define DIGEST_ADDR_WINDOW 86400
/* A confirmation link is good for a week. */
#define DIGEST_CONFIRM_TTL (7 * 86400)
/* Stories in a daily digest, and breaking mails a day at most. */
#define DIGEST_STORIES 10
#define DIGEST_BREAKING_PER_DAY 5
/* A claimed mail whose server has not finished it after this long is
 * taken to be a dead server's (a send times out after 70 s). */
#define DIGEST_LEASE 120

/* ---- signed links (token.c) ---- */

/* What a token opens: 'c' confirms a sign-up, 'm' manages (preferences
 * and unsubscribe, in every mail). */
#define DIGEST_TOKEN_MAX 96
/* The key tokens are signed with: the site's secret "digest", made the
 * first time (store_secret), kept in memory after. 0, or -1. */
int digest_key(store *st, unsigned char key[32]);
/* The token of kind for subscriber id at address email, issued at
 * issued (0 for 'm': it never expires), into out: "c12.1764740000.MAC"
 * with 32 hex digits of HMAC-SHA-256 over all of it and the address. */
void digest_token(const unsigned char key[32], char kind, int64_t id, const char *email, int64_t issued,
		  char out[DIGEST_TOKEN_MAX]);
/* Reads a token's kind, subscriber and time without checking it: 0, or
 * -1 when it is not shaped like one. */
int digest_token_parse(const char *token, char *kind, int64_t *id, int64_t *issued);
/* Whether token is a genuine one of kind for (id, email), and for 'c' not
 * older than DIGEST_CONFIRM_TTL at now. Constant time in the MAC. */
int digest_token_valid(const unsigned char key[32], const char *token, char kind, int64_t id,
		       const char *email, int64_t now);

/* ---- the mails (compose.c) ---- */

/* What a mail needs besides its stories. */
typedef struct digest_mail {
	const char *site_name, *base_url; /* base_url without a trailing slash */
	const char *from, *to;
	const char *manage_url;      /* the preferences page, signed */
	const char *unsubscribe_url; /* the one-click URL, signed */
	const char *mailto;          /* an address for mailto: unsubscribes ("" none) */
	const char *message_id;
	int64_t date;
} digest_mail;

/* The daily digest of stories[0..n) for m->to, dated day_label
 * ("3 दिसंबर 2026"): RFC 5322 with List-Unsubscribe (the URL and the
 * mailto) and List-Unsubscribe-Post, multipart/alternative, the text
 * part first, both base64 UTF-8; every link the story's canonical URL
 * (base_url/news/slug), nothing else added. Appends to out. */
void digest_compose_daily(kb_buf *out, const digest_mail *m, const char *day_label,
			  const kb_digest_story *stories, size_t n);
/* A breaking alert's mail: its title as the subject, its text and link
 * (a site path is made absolute). */
void digest_compose_breaking(kb_buf *out, const digest_mail *m, const kb_digest *d);
/* The confirmation mail: the one mail an unconfirmed address gets, with
 * the link that confirms (no List-Unsubscribe: there is nothing yet). */
void digest_compose_confirm(kb_buf *out, const digest_mail *m, const char *confirm_url);

/* ---- the job (worker.c) ---- */

/*
 * One round of the digest job of "khabar serve" (its own store
 * connection, woken after a sign-up or an alert): gives dead servers'
 * claimed mails back (digest_store_recover), makes the day's digest once
 * its time has come, then sends the mails due, as many as digest_rate
 * allows in about a second. Returns > 0 when it sent and may have more,
 * 0 when idle, -1 on a store error.
 */
int digest_step(store *st);
/* Queues breaking alert alert_id's mail for breaking-only subscribers
 * (at most DIGEST_BREAKING_PER_DAY a day; more are logged and dropped).
 * Called where the newsroom's alerts are queued (src/push/alert.c). */
void digest_breaking(store *st, int64_t alert_id, const char *title, const char *body, const char *url,
		     int64_t category_id);
/* Today's date in the site's time zone as a number, 20261203. */
int64_t digest_today(int64_t now, int *minute);

#endif
