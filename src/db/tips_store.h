/*
 * tips_store.h: the store API of readers' tips (implemented in
 * tips_sqlite.c): the tips with their photos and notes, the newsroom's
 * queue, duplicate detection, retention, and the mail queue that tells the
 * newsroom of each new tip. Callers see no SQL; src/pages/tips.c,
 * src/newsroom/tips.c and src/tips/ build on this.
 */
#ifndef KB_TIPS_STORE_H
#define KB_TIPS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"
#include "store.h"

/* A tip as the newsroom sees it. kind: news, suggestion, complaint,
 * grievance (IT Rules 2021: tracked against deadlines, kb_grievance);
 * status: new, progress, used, rejected. */
typedef struct kb_tip {
	int64_t id;
	const char *ref, *name, *contact, *place, *kind, *body, *status, *ip;
	int64_t assignee_id, article_id, created_at, updated_at;
	const char *assignee_name;
	int seen;
	int64_t *media; /* the photos' media ids, in the reader's order */
	size_t nmedia;
} kb_tip;

typedef struct kb_tip_note {
	int64_t id, at;
	const char *user_name, *body;
} kb_tip_note;

/* What a reader sent. digest is the SHA-256 (hex) of the normalised text,
 * for duplicate detection. */
typedef struct kb_tip_input {
	const char *ref, *name, *contact, *place, *kind, *body, *digest, *ip;
	const int64_t *media;
	size_t nmedia;
} kb_tip_input;

/* Whether a tip with digest came in at or after since (*found 1). */
int tips_store_duplicate(store *st, const char *digest, int64_t since, int *found);
/* Whether contact looks like an email address a reader gave (one @,
 * no spaces or header characters): a grievance's acknowledgement is
 * mailed there. */
int tips_contact_is_email(const char *contact);
/* Adds a tip with its photos and queues its mail (and, for a grievance,
 * its record and the reader's acknowledgement when they gave an email
 * address). Call it inside the
 * caller's transaction (the photos' rows and the tip land together);
 * STORE_CONFLICT when the reference is taken (the caller makes another;
 * the transaction goes on). */
int tips_store_add(store *st, const kb_tip_input *in, int64_t now, int64_t *id);

/* The queue: newest first, filtered by status (NULL: any), kind (NULL:
 * any), assignee (0: anyone, -1: nobody) and text q (in the text, place,
 * name or reference; NULL: no filter). */
typedef struct kb_tip_query {
	const char *status, *kind, *q;
	int64_t assignee_id;
	size_t limit, offset;
} kb_tip_query;
int tips_store_list(store *st, kb_arena *a, const kb_tip_query *q, kb_tip **out, size_t *n, size_t *total);
/* One tip with its photos (not its notes); marks it seen when mark_seen. */
int tips_store_get(store *st, kb_arena *a, int64_t id, int mark_seen, kb_tip *out);
int tips_store_notes(store *st, kb_arena *a, int64_t id, kb_tip_note **out, size_t *n);
/* Number of tips nobody in the newsroom has opened yet. */
int tips_store_unseen(store *st, int64_t *n);

int tips_store_set_status(store *st, int64_t id, const char *status);
/* assignee_id 0: nobody. */
int tips_store_assign(store *st, int64_t id, int64_t assignee_id);
int tips_store_note_add(store *st, int64_t id, int64_t user_id, const char *body);
/* Records the draft made from a tip: its article, status "progress" unless
 * it was further on, and its photos kept when the tip goes. */
int tips_store_drafted(store *st, int64_t id, int64_t article_id);

/* A photo to delete with its files (stem and widths of kb_media). */
typedef struct kb_tip_photo {
	const char *stem, *widths, *status;
} kb_tip_photo;
/* Deletes a tip with its notes and mail, and its photos not kept for an
 * article; *photos gets those photos so the caller removes their files.
 * STORE_NOTFOUND for an unknown id. */
int tips_store_delete(store *st, kb_arena *a, int64_t id, kb_tip_photo **photos, size_t *n);
/* The ids of tips created before `before`, at most limit. */
int tips_store_expired(store *st, kb_arena *a, int64_t before, size_t limit, int64_t **ids, size_t *n);

/* The mail queue: one message per tip, built when sent. */
typedef struct kb_mail_job {
	int64_t id, tip_id;
	int tries;
	int to_reader; /* a grievance's acknowledgement, to the reader */
} kb_mail_job;
/* The oldest message due at now, claimed for TIPS_MAIL_LEASE seconds (its
 * send has a 70 s timeout) so that no other server on the database sends
 * it too; STORE_NOTFOUND when none is due or another took it first. */
#define TIPS_MAIL_LEASE 120
int tips_store_mail_next(store *st, int64_t now, kb_mail_job *out);
/* A message went: its row goes. */
int tips_store_mail_sent(store *st, int64_t id);
/* A message failed: retried at next_at, or given up when next_at is 0. */
int tips_store_mail_retry(store *st, int64_t id, int64_t next_at, const char *error);
/* Messages waiting, and given up. */
int tips_store_mail_counts(store *st, int64_t *waiting, int64_t *failed);

/* A grievance (IT Rules 2021): its own record, which outlives the tip
 * (tip_id 0 once retention took it), so the monthly counts stay. Times
 * are 0 until the newsroom acknowledged or decided it. */
typedef struct kb_grievance {
	int64_t id, tip_id, received_at, acknowledged_at, decided_at;
	const char *ref;
} kb_grievance;
/* The grievance of tip tip_id; STORE_NOTFOUND when it is not one. */
int tips_store_grievance(store *st, kb_arena *a, int64_t tip_id, kb_grievance *out);
/* Marks tip tip_id's grievance acknowledged ("acknowledged") or decided
 * ("decided", which also acknowledges it) at now, if it was not yet;
 * STORE_NOTFOUND when the tip is no grievance. */
int tips_store_grievance_mark(store *st, int64_t tip_id, const char *what, int64_t now);
/* Every grievance received at or after since, oldest first: the monthly
 * counts are made from them. */
int tips_store_grievances(store *st, kb_arena *a, int64_t since, kb_grievance **out, size_t *n);

/* The mail settings (smtp_host, smtp_port, smtp_user, smtp_password,
 * smtp_starttls, tips_email) and tips_retention_days, "" when unset. Kept
 * out of kb_settings so the SMTP password never reaches a page. */
typedef struct kb_mail_settings {
	const char *host, *port, *user, *password, *starttls, *to, *from_name, *retention_days;
} kb_mail_settings;
int tips_store_mail_settings(store *st, kb_arena *a, kb_mail_settings *out);

#endif
