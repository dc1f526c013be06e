/*
 * ops.h: the operator's settings: scheduled backups (backup_time,
 * backup_keep, backup_dir; the job is src/app/backup.c), the token
 * that opens /metrics to other hosts (metrics_token), and the email
 * digest's time, rate and bounce limit (src/digest/). One table of keys
 * with their checks, written once for "khabar settings" and the
 * newsroom's settings page, in edge.h's shape. Pure: no I/O.
 */
#ifndef KB_OPS_H
#define KB_OPS_H

#include "../db/ops_store.h"
#include "edge.h"

extern const edge_setting ops_settings[];
extern const size_t ops_nsettings;

/* The operator's setting called key, or NULL. */
const edge_setting *ops_setting_find(const char *key);
/* Its value in os (store_ops_settings). */
const char *ops_setting_value(const kb_ops_settings *os, const edge_setting *e);

/* backup_time as minutes after midnight, or -1 when it is empty (no
 * scheduled backups) or not HH:MM. */
int ops_backup_minute(const char *v);
/* backup_keep as a number, 7 when empty. */
int ops_backup_keep(const char *v);
/* digest_rate (mails a minute) as a number, 60 when empty; digest_bounces
 * (hard bounces in a row that disable an address), 3 when empty. */
int ops_digest_rate(const char *v);
int ops_digest_bounces(const char *v);

#endif
