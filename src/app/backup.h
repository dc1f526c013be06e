/*
 * backup.h: backups of a whole site, made while it serves, and putting
 * one back. A backup is a folder:
 *
 *   DEST/khabar.db   the database as one SQLite file (on either backend)
 *   DEST/media/      the photo files the database does not hold (those
 *                    made before photos lived in it); the rest come back
 *                    from the database into any server's folder
 *
 * It is written as DEST.partial-PID and renamed to DEST once whole and
 * checked (khabar check's integrity checks), so a folder called DEST is
 * always a complete backup. "khabar backup" and "khabar restore" are the
 * commands (src/cli/backup.c); the server's "backup" job makes one a day
 * when the settings ask (backup_time, backup_keep, backup_dir: ops.h).
 */
#ifndef KB_BACKUP_H
#define KB_BACKUP_H

#include "../core/core.h"
#include "../db/store.h"

/*
 * Backs up the site on st (opened on db, a path or URL) and its photo
 * folder media_dir into the new folder dest. Returns 0 with one line in
 * report (what, its size, the check, the time), or -1 with the reason in
 * *err (free() it), leaving no dest and nothing partial behind.
 */
int backup_make(store *st, const char *db, const char *media_dir, const char *dest, kb_buf *report,
		char **err);

/*
 * Puts the backup folder src back as the site at db (a file or a URL)
 * with its photos in media_dir. Refuses, writing nothing, when db holds a
 * site, or (SQLite) a process has db open, unless force. Atomic: an
 * SQLite file is made and checked beside db, then renamed over it; a
 * PostgreSQL database is written (and its old site deleted) in one
 * transaction. Returns 0 with a line in report, 2 when refused, -1 on a
 * failure, both with the reason in *err (free() it).
 */
int backup_restore(const char *src, const char *db, const char *media_dir, int force, kb_buf *report,
		   char **err);

/* The server's scheduled backups: backup_setup tells the job where the
 * database and the photos are (before the jobs start); backup_step is
 * the job's step (jobs.h): at backup_time each day one server makes a
 * backup into backup_dir and prunes all but the newest backup_keep. */
void backup_setup(const char *db, const char *media_dir);
int backup_step(store *st);

#endif
