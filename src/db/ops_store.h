/*
 * ops_store.h: what running a site needs of its database, beside the
 * site's own data: a consistent copy of the whole database into one
 * SQLite file (khabar backup), which server takes today's scheduled
 * backup, the operator's settings, and the few counts /metrics shows
 * (queues, overdue stories, failures). Not here: the backup's folder and
 * photos (src/app/backup.c), the counters kept in memory
 * (src/http/metrics.c).
 */
#ifndef KB_OPS_STORE_H
#define KB_OPS_STORE_H

#include <stdint.h>

#include "store.h"

/*
 * Writes the database st is on, as one moment of it, into the new SQLite
 * file path (which must not exist): on SQLite with VACUUM INTO, one read
 * transaction, so the copy is consistent while servers go on writing (in
 * WAL mode a reader never waits for them, nor they for it); on
 * PostgreSQL with store_copy from db_url, whose source is read in one
 * REPEATABLE READ snapshot. Returns 0, or STORE_ERROR with the reason in
 * *err (free() it); a partial file is removed.
 */
int store_backup_into(store *st, const char *db_url, const char *path, char **err);

/*
 * Takes the scheduled backup of day (a number such as 20261203, the
 * site's date) for the caller: 1 when this caller is the first to ask for
 * that day (it makes the backup), 0 when another server took it already,
 * STORE_ERROR on failure. One atomic write to meta's backup_day row, so
 * of several servers on one database exactly one wins each day.
 */
int store_backup_claim(store *st, int64_t day);

/* The operator's settings (src/http/ops.h checks them), "" when unset. */
typedef struct kb_ops_settings {
	const char *backup_time; /* "03:30" in the site's time zone; "": no scheduled backups */
	const char *backup_keep; /* how many scheduled backups to keep; "": 7 */
	const char *backup_dir;  /* where they go; "": "backups" beside the database */
	const char *metrics_token;
	/* The email digest (src/digest/): the daily one's time in the site's
	 * time zone ("": none), mails sent per minute ("": 60), and hard
	 * bounces in a row that disable an address ("": 3). */
	const char *digest_time, *digest_rate, *digest_bounces;
} kb_ops_settings;
int store_ops_settings(store *st, kb_arena *a, kb_ops_settings *out);

/* What /metrics reads from the database, each one count. */
typedef struct kb_ops_counts {
	int64_t push_queue;                                /* deliveries waiting or in flight */
	int64_t push_delivered, push_failed, push_expired; /* over every alert kept */
	int64_t mail_waiting, mail_failed;                 /* tips' mail */
	int64_t schedule_overdue;                          /* scheduled stories past their time */
	int64_t schedule_lag;                              /* seconds the oldest of them is late, 0: none */
} kb_ops_counts;
int store_ops_counts(store *st, int64_t now, kb_ops_counts *out);

/* Failures recorded on every connection of this process so far. */
uint64_t store_error_count(void);

/* Whether the photo file STEM-NAME ("320.webp") is in the database: 1,
 * 0, or STORE_ERROR. A backup keeps in its folder only the files that
 * are not (photos from before they lived there). */
int store_media_file_held(store *st, const char *stem, const char *name);

/*
 * khabar restore onto a database that holds a site: store_copy, but the
 * destination's site is deleted first in the same transaction, so it is
 * replaced whole or, on any failure, left as it was.
 */
int store_copy_replace(const char *from, const char *to, FILE *report, char **err);

#endif
