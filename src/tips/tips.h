/*
 * tips.h: readers' tips behind the pages: the abuse controls (rate limits
 * in memory, the duplicate digest), the mail that tells the newsroom of a
 * new tip (built here, RFC 5322 with an RFC 2047 subject, and sent over
 * SMTP with libcurl by a worker thread, off the request path, retried with
 * backoff), and retention (old tips and their photos deleted by the same
 * thread). The reader's page is src/pages/tips.c; the newsroom's queue
 * src/newsroom/tips.c; storage src/db/tips_store.h.
 */
#ifndef KB_TIPS_H
#define KB_TIPS_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"
#include "../db/tips_store.h"

/* The reader's form. */
#define TIPS_MAX_PHOTOS 5
#define TIPS_MAX_PHOTO_BYTES (10u << 20)
/* The whole request: h2o's limit for the server (24 MiB, as for the
 * newsroom's uploads), so five photos of 10 MB cannot all come at once. */
#define TIPS_MAX_BODY (24u << 20)
#define TIPS_MAX_TEXT 5000 /* characters of the tip */
#define TIPS_MIN_TEXT 10
#define TIPS_MAX_FIELD 100  /* name, contact, place */
#define TIPS_MIN_FILL 3     /* seconds between getting the form and sending it */
#define TIPS_MAX_FILL 86400 /* a form older than a day is stale */
#define TIPS_DUP_WINDOW 86400

/* Rate limits: sliding windows, per address (IPv6 by its /64) and overall. */
#define TIPS_IP_MAX 10
#define TIPS_IP_WINDOW 600
#define TIPS_ALL_MAX 200
#define TIPS_ALL_WINDOW 3600

/*
 * Counts a submission from ip at now against the address's limit (every
 * attempt with a valid token), or tips_rate_take_site against the whole
 * site's (only a tip about to be stored: junk cannot use up the site's
 * allowance and shut the form for everyone). Each returns 0 when it may go
 * on, the seconds until it could (at least 1), or -1 when the store
 * failed; a refused attempt is not counted. The counts are the database's,
 * so every server on it shares them.
 */
int64_t tips_rate_take(store *st, const char *ip, int64_t now);
int64_t tips_rate_take_site(store *st, int64_t now);

/* The SHA-256 (hex) of text normalised for matching, word by word, so
 * spacing, punctuation and spelling variants (nukta, case) do not make a
 * copy look new. */
void tips_digest(const char *text, size_t n, char out[65]);

/* A new reference: "KH-" and 8 characters without look-alikes. */
void tips_new_ref(char out[16]);
/* Whether s is shaped like one. */
int tips_ref_valid(const char *s);

/* RFC 2047: s (UTF-8) as a header value: itself when printable ASCII,
 * else "=?UTF-8?B?...?=" words of at most 75 characters, never splitting
 * a character, folded with CRLF and a space. Appends to out. */
void tips_rfc2047(kb_buf *out, const char *s, size_t n);

/* What a tip's mail says. */
typedef struct tips_mail {
	const char *from, *from_name, *to;
	const char *subject, *body; /* UTF-8 */
	const char *message_id;     /* "<...@host>" */
	int64_t date;
} tips_mail;
/* The message as RFC 5322 text with CRLF lines: UTF-8 body in base64,
 * subject and sender's name RFC 2047 encoded. Appends to out. */
void tips_mail_build(kb_buf *out, const tips_mail *m);
/* The headers every mail of khabar starts with (Date, From, To, Subject,
 * Message-ID, MIME-Version), each ended by CRLF: the caller adds its
 * Content-Type and whatever else, then the body. Appends to out. */
void tips_mail_headers(kb_buf *out, const tips_mail *m);
/* text (UTF-8, "\n" or CRLF lines) in base64 of CRLF lines, lines of 76
 * characters: a body for Content-Transfer-Encoding: base64. Appends. */
void tips_mail_base64(kb_buf *out, const char *text);

/*
 * Sends message from from to to over the SMTP server of ms (STARTTLS
 * when set, SMTPS on port 465) with libcurl. last_bytes, when not NULL,
 * is called with ud as the message's last bytes are handed to libcurl:
 * before the end of data (".") is written, so until then the server
 * cannot have accepted the message (the digest's queue marks it there).
 * Returns 0, or -1 with libcurl's reason in err and the server's last
 * reply code in *code (0 when it never answered: a connection failure).
 */
int tips_smtp_send(const kb_mail_settings *ms, const char *from, const char *to, const kb_buf *message,
		   void (*last_bytes)(void *ud), void *ud, long *code, char *err, size_t errlen);
/* The sender of the site's mails: smtp_user when it is an address, else
 * tips_email. */
const char *tips_mail_from(const kb_mail_settings *ms);
/* A headline from a reader's text: its first sentence (to "।", "?", "!"
 * or ". ") on its first line; over max bytes, cut at a space with "…".
 * Arena string. */
const char *tips_headline(kb_arena *a, const char *s, size_t max);
/* The subject and body of the mail about tip t, into the arena. site is
 * the site's base URL, for the link to the tip. */
void tips_mail_text(kb_arena *a, const kb_tip *t, const char *site, const char **subject, const char **body);

/* How long to wait after `tries` failed tries: first (30 s; tests set
 * KHABAR_TIPS_MAIL_RETRY_S) doubling, at most 6 hours; 0 after
 * TIPS_MAIL_TRIES (give up). */
#define TIPS_MAIL_TRIES 10
int64_t tips_mail_backoff(int tries, int64_t first);
/* One month's grievance counts: received in it, decided in it, and
 * undecided at its end. label: "नवंबर 2026"; start: its first second. */
typedef struct tips_month {
	int64_t start, received, decided, pending;
	const char *label;
} tips_month;
/* The counts of the months of now and the months-1 before it, newest
 * first, into an arena array (grievance.c). */
int tips_grievance_months(store *st, kb_arena *a, int64_t now, int months, tips_month **out, size_t *n);

/* The subject and body of the acknowledgement mailed to the reader who
 * sent grievance t (its reference, the deadlines in site's settings), into
 * the arena. */
void tips_ack_text(kb_arena *a, const kb_tip *t, const kb_settings *site, const char **subject,
		   const char **body);

/*
 * One round of the tips job of "khabar serve" (a background job with its
 * own store connection, woken after a new tip): sends one mail that is
 * due, or else deletes up to 100 tips past the retention setting. Returns
 * what it did (> 0: call again), 0 when there was nothing to do, -1 on a
 * store error.
 */
int tips_step(store *st);

/* Deletes tip id with its photos' files (those not kept for a draft).
 * Returns a store status. */
int tips_delete(store *st, int64_t id);

#endif
