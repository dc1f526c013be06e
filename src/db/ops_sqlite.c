/*
 * ops_sqlite.c: the store's side of running a site (ops_store.h): the
 * backup's copy of the database, the scheduled backup's daily claim, the
 * operator's settings and the counts /metrics reads. Both backends, one
 * text where they agree.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ops_store.h"
#include "store_int.h"

int store_backup_into(store *st, const char *db_url, const char *path, char **err)
{
	*err = NULL;
	if (access(path, F_OK) == 0) {
		kb_buf e = {0};
		kb_buf_printf(&e, "%s exists already: a backup goes into a new file", path);
		*err = kb_buf_take(&e, NULL);
		return STORE_ERROR;
	}
	if (db_is_pg(st)) {
		/* dialect: PostgreSQL has no VACUUM INTO; khabar copy's
		 * machinery writes the site into a new SQLite file from one
		 * REPEATABLE READ snapshot, and removes it on failure. */
		return store_copy(db_url, path, NULL, err);
	}
	/* One read transaction of the live file, written out compact; WAL
	 * lets the servers write meanwhile. */
	static const char sql[] = "VACUUM INTO $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, path);
	if (db_run(st, s, "cannot copy the database")) {
		unlink(path);
		*err = kb_strdup(store_errmsg(st));
		return STORE_ERROR;
	}
	return STORE_OK;
}

int store_backup_claim(store *st, int64_t day)
{
	static const char sql[] = "INSERT INTO meta(key, value) VALUES('backup_day', $1) "
				  "ON CONFLICT(key) DO UPDATE SET value = excluded.value "
				  "WHERE meta.value < excluded.value";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, day);
	if (db_run(st, s, "cannot take the day's backup"))
		return STORE_ERROR;
	return db_changes(st) > 0;
}

int store_ops_settings(store *st, kb_arena *a, kb_ops_settings *out)
{
	static const store_setting_key keys[] = {
#define K(k, f) {k, "", offsetof(kb_ops_settings, f)}
		K("backup_time", backup_time),       K("backup_keep", backup_keep),
		K("backup_dir", backup_dir),         K("metrics_token", metrics_token),
		K("digest_time", digest_time),       K("digest_rate", digest_rate),
		K("digest_bounces", digest_bounces),
#undef K
	};
	return store_settings_load(st, a, keys, KB_COUNT(keys), out,
				   "cannot read the backup and metrics settings");
}

int store_ops_counts(store *st, int64_t now, kb_ops_counts *out)
{
	static const char push_sql[] =
		"SELECT (SELECT count(*) FROM push_deliveries), coalesce(sum(delivered), 0), "
		"coalesce(sum(failed), 0), coalesce(sum(expired), 0) FROM push_alerts";
	static const char mail_sql[] =
		"SELECT coalesce(sum(CASE WHEN next_at > 0 THEN 1 ELSE 0 END), 0), "
		"coalesce(sum(CASE WHEN next_at = 0 THEN 1 ELSE 0 END), 0) FROM mail_queue";
	static const char sched_sql[] = "SELECT count(*), coalesce(min(publish_at), 0) FROM articles "
					"WHERE status = 'scheduled' AND publish_at <= $1";
	memset(out, 0, sizeof *out);
	db_stmt *s = db_prepare(st, push_sql);
	if (db_one(st, s, "cannot count the push queue"))
		return STORE_ERROR;
	out->push_queue = db_col_int(s, 0);
	out->push_delivered = db_col_int(s, 1);
	out->push_failed = db_col_int(s, 2);
	out->push_expired = db_col_int(s, 3);
	db_reset(s);
	s = db_prepare(st, mail_sql);
	if (db_one(st, s, "cannot count the mail queue"))
		return STORE_ERROR;
	out->mail_waiting = db_col_int(s, 0);
	out->mail_failed = db_col_int(s, 1);
	db_reset(s);
	s = db_prepare(st, sched_sql);
	db_bind_int(s, 1, now);
	if (db_one(st, s, "cannot count the scheduled stories"))
		return STORE_ERROR;
	out->schedule_overdue = db_col_int(s, 0);
	int64_t oldest = db_col_int(s, 1);
	out->schedule_lag = out->schedule_overdue && oldest ? now - oldest : 0;
	db_reset(s);
	return STORE_OK;
}

int store_media_file_held(store *st, const char *stem, const char *name)
{
	static const char sql[] = "SELECT 1 FROM media m JOIN media_files f ON f.media_id = m.id "
				  "WHERE m.stem = $1 AND f.name = $2";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, stem);
	db_bind_text(s, 2, name);
	int rc = db_one(st, s, "cannot look a photo up");
	if (rc == STORE_OK)
		db_reset(s);
	return rc == STORE_OK ? 1 : rc == STORE_NOTFOUND ? 0 : STORE_ERROR;
}
