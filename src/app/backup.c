/*
 * backup.c: khabar backup, khabar restore and the server's daily backup
 * (backup.h). The database's copy is the store's (store_backup_into:
 * VACUUM INTO on SQLite, khabar copy's snapshot on PostgreSQL); this file
 * makes the folder around it, the photos, the check, the atomic renames
 * and the pruning of old backups.
 *
 * Why one SQLite file on PostgreSQL too, rather than pg_dump: the copy is
 * read in one REPEATABLE READ snapshot, like pg_dump's, but it is the
 * same kind of backup as SQLite's, so "khabar check" reads it, it
 * restores onto either backend ("khabar restore" runs khabar copy's
 * machinery back), and it needs no pg_dump of the server's major version
 * on the machine. What it costs: a big site takes longer than pg_dump's
 * custom format would (khabar copy's rate), and it holds khabar's tables
 * only (no roles, no extensions, nothing but the site).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../db/ops_store.h"
#include "../http/ops.h"
#include "../media/media.h"
#include "backup.h"

/* Sets *err to the formatted message; returns -1. */
static int fail(char **err, const char *fmt, ...) KB_PRINTF(2, 3);
static int fail(char **err, const char *fmt, ...)
{
	kb_buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	kb_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	*err = kb_buf_take(&b, NULL);
	return -1;
}

static double seconds_since(uint64_t t0)
{
	return (double)(kb_mono_ns() - t0) / 1e9;
}

/* Makes a file durable, and a rename or new name in dir. */
static int sync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* mkdir -p: makes dir and the folders above it that are missing.
 * Returns 0, or -1 (errno says why). */
static int make_dirs(const char *dir)
{
	char *p = kb_strdup(dir);
	int rc = 0;
	for (char *s = p + 1; !rc && *s; s++)
		if (*s == '/') {
			*s = 0;
			rc = mkdir(p, 0750) && errno != EEXIST ? -1 : 0;
			*s = '/';
		}
	if (!rc && mkdir(p, 0750) && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

/* Removes path and everything under it (never following a link). */
static void rm_tree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Copies the file from into the new file to, made durable. Returns its
 * size, or -1 (errno says why; a partial to is removed). */
static int64_t copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (out < 0) {
		int e = errno;
		close(in);
		errno = e;
		return -1;
	}
	char buf[1 << 16];
	int64_t total = 0;
	ssize_t n;
	int rc = 0;
	while (!rc && (n = read(in, buf, sizeof buf)) != 0) {
		if (n < 0) {
			rc = errno == EINTR ? 0 : -1;
			continue;
		}
		for (ssize_t off = 0; !rc && off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0 && errno != EINTR)
				rc = -1;
			else if (w > 0)
				off += w;
		}
		total += n;
	}
	if (!rc && fsync(out))
		rc = -1;
	int e = errno;
	close(in);
	if (close(out))
		rc = -1;
	if (rc) {
		unlink(to);
		errno = e;
		return -1;
	}
	return total;
}

/* Whether the photo file name (in a folder of photos, relative) is held
 * by the database: "STEM-320.webp" is STEM's "320.webp". A name with no
 * stem is an original from before photos lived there: not held. */
static int held(store *st, const char *name)
{
	const char *dash = strchr(name, '-');
	if (!st || !dash || strchr(name, '/') || dash - name > 64)
		return 0;
	char stem[65];
	memcpy(stem, name, (size_t)(dash - name));
	stem[dash - name] = 0;
	return store_media_file_held(st, stem, dash + 1);
}

/*
 * Copies the photo files of the folder from (and its subfolders) into
 * to, which exists: with st, only those the database does not hold;
 * without, all, each through a temporary name and never over a file to
 * has. Hidden files (a server's temporaries) are left. Counts into
 * *files and *bytes. Returns 0, or -1 with the reason in *err.
 */
static int copy_photos(store *st, const char *from, const char *to, int64_t *files, int64_t *bytes,
		       char **err)
{
	DIR *d = opendir(from);
	if (!d)
		return errno == ENOENT
			       ? 0
			       : fail(err, "cannot read the photo folder %s: %s", from, strerror(errno));
	int rc = 0;
	struct dirent *de;
	while (!rc && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		kb_buf src = {0}, dst = {0}, tmp = {0};
		kb_buf_printf(&src, "%s/%s", from, de->d_name);
		kb_buf_printf(&dst, "%s/%s", to, de->d_name);
		struct stat sb;
		if (lstat(src.data, &sb)) {
			rc = fail(err, "cannot read %s: %s", src.data, strerror(errno));
		} else if (S_ISDIR(sb.st_mode)) {
			if (mkdir(dst.data, 0750) && errno != EEXIST)
				rc = fail(err, "cannot make %s: %s", dst.data, strerror(errno));
			else
				rc = copy_photos(NULL, src.data, dst.data, files, bytes, err);
		} else if (S_ISREG(sb.st_mode) && access(dst.data, F_OK) != 0) {
			int h = held(st, de->d_name);
			if (h < 0) {
				rc = fail(err, "cannot look the photo %s up: %s", de->d_name,
					  store_errmsg(st));
			} else if (!h) {
				kb_buf_printf(&tmp, "%s/.%s.%ld", to, de->d_name, (long)getpid());
				int64_t n = copy_file(src.data, tmp.data);
				if (n < 0 || rename(tmp.data, dst.data)) {
					rc = fail(err, "cannot copy %s to %s: %s", src.data, to,
						  strerror(errno));
					unlink(tmp.data);
				} else {
					++*files;
					*bytes += n;
				}
			}
		}
		kb_buf_free(&src);
		kb_buf_free(&dst);
		kb_buf_free(&tmp);
	}
	closedir(d);
	return rc;
}

/* Opens the SQLite file path (bringing its schema up to date) and runs
 * khabar check's integrity checks on it: 0 when "ok", else -1 with what
 * is wrong in *err. */
static int check_file(const char *path, char **err)
{
	char *e = NULL;
	store *c = store_open(path, 0, &e);
	if (!c) {
		fail(err, "cannot open the copy %s: %s", path, e);
		free(e);
		return -1;
	}
	kb_arena a = {0};
	const char *result = NULL;
	int rc = 0;
	if (store_integrity_check(c, &a, &result))
		rc = fail(err, "cannot check the copy %s: %s", path, store_errmsg(c));
	else if (strcmp(result, "ok"))
		rc = fail(err, "the copy %s does not pass khabar check: %s", path, result);
	kb_arena_free(&a);
	store_close(c);
	return rc;
}

static int64_t file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) ? 0 : (int64_t)sb.st_size;
}

int backup_make(store *st, const char *db, const char *media_dir, const char *dest, kb_buf *report,
		char **err)
{
	uint64_t t0 = kb_mono_ns();
	*err = NULL;
	if (access(dest, F_OK) == 0)
		return fail(err, "%s exists already: a backup goes into a new folder", dest);
	kb_buf tmp = {0}, file = {0}, media = {0};
	kb_buf_printf(&tmp, "%s.partial-%ld", dest, (long)getpid());
	kb_buf_printf(&file, "%s/khabar.db", tmp.data);
	kb_buf_printf(&media, "%s/media", tmp.data);
	int64_t files = 0, bytes = 0;
	int rc = 0;
	if (mkdir(tmp.data, 0750) || mkdir(media.data, 0750)) {
		rc = fail(err, "cannot make the backup folder %s: %s", dest, strerror(errno));
		goto out;
	}
	/* It holds password hashes and sessions: for the owner alone. */
	if (store_backup_into(st, db, file.data, err) ||
	    (chmod(file.data, 0600) && fail(err, "cannot make %s private: %s", file.data, strerror(errno))) ||
	    copy_photos(st, media_dir, media.data, &files, &bytes, err) || check_file(file.data, err)) {
		rc = -1;
		goto out;
	}
	if (sync_path(file.data) || sync_path(tmp.data) || rename(tmp.data, dest)) {
		rc = fail(err, "cannot write the backup %s: %s", dest, strerror(errno));
		goto out;
	}
	kb_buf_free(&file);
	kb_buf_printf(&file, "%s/khabar.db", dest);
	kb_buf_printf(report,
		      "backup: %s: database %.1f MB, %lld photo file%s (%.1f MB) not held by the database; "
		      "khabar check: ok; %.2f s",
		      dest, (double)file_size(file.data) / 1e6, (long long)files, files == 1 ? "" : "s",
		      (double)bytes / 1e6, seconds_since(t0));
out:
	if (rc)
		rm_tree(tmp.data);
	kb_buf_free(&tmp);
	kb_buf_free(&file);
	kb_buf_free(&media);
	return rc;
}

/*
 * The process that has the SQLite database db open, or 0 for none.
 * Every connection in WAL mode (khabar's) holds a shared POSIX lock on
 * the "DMS" byte of db-shm (offset 128: SQLite's UNIX_SHM_DMS) for as
 * long as it is open; F_GETLK asks whether a write lock there would be
 * refused, and by whom. A process that has closed it, or died, holds
 * none.
 */
static long sqlite_user(const char *db)
{
	kb_buf shm = {0};
	kb_buf_printf(&shm, "%s-shm", db);
	int fd = open(shm.data, O_RDONLY | O_CLOEXEC);
	kb_buf_free(&shm);
	if (fd < 0)
		return 0;
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 128, .l_len = 1};
	long pid = 0;
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
		pid = fl.l_pid > 0 ? (long)fl.l_pid : -1;
	close(fd);
	return pid;
}

/* Restore onto an SQLite file: see backup_restore. */
static int restore_file(const char *from, const char *db, int force, char **err)
{
	int exists = file_size(db) > 0;
	long pid = sqlite_user(db);
	if (pid && !force) {
		fail(err,
		     "%s is open in process %ld (a khabar serve?): stop it first, or restore with --force "
		     "(that process's later writes are lost; restart it at once)",
		     db, pid);
		return 2;
	}
	if (exists && !force) {
		fail(err,
		     "%s holds a site already: khabar restore replaces it whole only with --force (take a "
		     "backup of it first)",
		     db);
		return 2;
	}
	kb_buf tmp = {0};
	kb_buf_printf(&tmp, "%s.restore-%ld", db, (long)getpid());
	int rc = 0;
	const char *slash = strrchr(db, '/');
	char *dir = slash ? kb_strndup(db, (size_t)(slash - db + (slash == db))) : kb_strdup(".");
	if (make_dirs(dir)) {
		rc = fail(err, "cannot make the folder %s: %s", dir, strerror(errno));
		goto out;
	}
	if (copy_file(from, tmp.data) < 0) {
		rc = fail(err, "cannot copy %s beside %s: %s", from, db, strerror(errno));
		goto out;
	}
	if (check_file(tmp.data, err) || sync_path(tmp.data)) {
		rc = -1;
		goto out;
	}
	/* A database nobody has open may still have a WAL from a crash:
	 * opening and closing it folds that in, so no stale -wal is left to
	 * be read with the new file. */
	if (exists && !pid) {
		char *e = NULL;
		store *old = store_open(db, 0, &e);
		free(e);
		if (old)
			store_close(old);
	}
	if (rename(tmp.data, db)) {
		rc = fail(err, "cannot put the restored database at %s: %s", db, strerror(errno));
		goto out;
	}
	/* Only with --force over a running server: its WAL and shared
	 * memory belong to the old file, which it keeps open. */
	kb_buf side = {0};
	kb_buf_printf(&side, "%s-wal", db);
	unlink(side.data);
	kb_buf_reset(&side);
	kb_buf_printf(&side, "%s-shm", db);
	unlink(side.data);
	kb_buf_free(&side);
	sync_path(dir);
out:
	if (rc)
		unlink(tmp.data);
	kb_buf_free(&tmp);
	free(dir);
	return rc;
}

/* Restore onto PostgreSQL: see backup_restore. The backup may be of an
 * older khabar, so a copy of it in the temporary folder, brought up to
 * date and checked, is what goes in, in one transaction on the server:
 * the site is replaced whole, or left as it was. */
static int restore_server(const char *from, const char *db, int force, char **err)
{
	const char *tmpdir = getenv("TMPDIR");
	kb_buf tmp = {0};
	kb_buf_printf(&tmp, "%s/khabar-restore-%ld.db", tmpdir && *tmpdir ? tmpdir : "/tmp", (long)getpid());
	int rc = 0;
	if (copy_file(from, tmp.data) < 0)
		rc = fail(err, "cannot copy %s into %s: %s", from, tmp.data, strerror(errno));
	else if (check_file(tmp.data, err))
		rc = -1;
	else if ((rc = (force ? store_copy_replace : store_copy)(tmp.data, db, NULL, err)) && *err &&
		 strstr(*err, "already holds a site")) {
		char *why = *err;
		fail(err, "%s; khabar restore replaces it whole only with --force", why);
		free(why);
		rc = 2;
	}
	static const char *const suffix[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < KB_COUNT(suffix); i++) {
		kb_buf p = {0};
		kb_buf_printf(&p, "%s%s", tmp.data, suffix[i]);
		unlink(p.data);
		kb_buf_free(&p);
	}
	kb_buf_free(&tmp);
	return rc;
}

int backup_restore(const char *src, const char *db, const char *media_dir, int force, kb_buf *report,
		   char **err)
{
	uint64_t t0 = kb_mono_ns();
	*err = NULL;
	kb_buf from = {0}, photos = {0};
	kb_buf_printf(&from, "%s/khabar.db", src);
	kb_buf_printf(&photos, "%s/media", src);
	int64_t files = 0, bytes = 0;
	int rc = 0;
	if (access(from.data, R_OK)) {
		rc = fail(err, "%s is not a khabar backup: it has no readable khabar.db (%s)", src,
			  strerror(errno));
		goto out;
	}
	if (store_is_url(db)) {
		rc = restore_server(from.data, db, force, err);
	} else {
		rc = restore_file(from.data, db, force, err);
	}
	if (rc)
		goto out;
	if (make_dirs(media_dir)) {
		rc = fail(err, "the database is restored, but not the photos: cannot make %s: %s", media_dir,
			  strerror(errno));
		goto out;
	}
	if (copy_photos(NULL, photos.data, media_dir, &files, &bytes, err)) {
		char *why = *err;
		fail(err, "the database is restored, but not every photo: %s", why);
		free(why);
		rc = -1;
		goto out;
	}
	kb_buf_printf(report, "restore: %s into %s; %lld photo file%s (%.1f MB) into %s; %s; %.2f s", src,
		      store_is_url(db) ? "the PostgreSQL database" : db, (long long)files,
		      files == 1 ? "" : "s", (double)bytes / 1e6, media_dir,
		      store_is_url(db) ? "khabar check: ok, every table's count equal to the backup's"
				       : "khabar check: ok",
		      seconds_since(t0));
out:
	kb_buf_free(&from);
	kb_buf_free(&photos);
	return rc;
}

/* ---- the daily backup ---- */

static const char *g_db, *g_media;

void backup_setup(const char *db, const char *media_dir)
{
	g_db = db;
	g_media = media_dir;
}

/* The backups' folder when backup_dir is empty: backups/ beside an
 * SQLite file, data/backups for a database on a server. */
static const char *default_dir(kb_arena *a, const char *db)
{
	if (store_is_url(db))
		return "data/backups";
	const char *slash = strrchr(db, '/');
	return slash ? kb_arena_printf(a, "%.*s/backups", (int)(slash - db), db) : "backups";
}

static int by_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Whether name is a daily backup's: khabar-YYYYMMDD-HHMM. */
static int daily_name(const char *name)
{
	return strlen(name) == 20 && !strncmp(name, "khabar-", 7) && strspn(name + 7, "0123456789") == 8 &&
	       name[15] == '-' && strspn(name + 16, "0123456789") == 4;
}

/* Removes all but the newest keep daily backups in dir. */
static void prune(const char *dir, int keep)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!daily_name(de->d_name))
			continue;
		if (n == cap)
			names = kb_realloc(names, (cap = cap ? cap * 2 : 16) * sizeof *names);
		names[n++] = kb_strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) {
		if (i + (size_t)keep < n) {
			kb_buf p = {0};
			kb_buf_printf(&p, "%s/%s", dir, names[i]);
			rm_tree(p.data);
			kb_info("backup: removed %s (backup_keep is %d)", p.data, keep);
			kb_buf_free(&p);
		}
		free(names[i]);
	}
	free(names);
}

int backup_step(store *st)
{
	kb_arena a = {0};
	kb_ops_settings os;
	if (store_ops_settings(st, &a, &os)) {
		kb_warn("backup: %s", store_errmsg(st));
		kb_arena_free(&a);
		return -1;
	}
	int at = ops_backup_minute(os.backup_time);
	time_t now = (time_t)kb_now();
	struct tm tm;
	localtime_r(&now, &tm);
	int64_t day = (int64_t)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
	int rc = 0;
	/* Today's backup, once its time has come, by whichever server
	 * claims the day first. */
	if (at < 0 || tm.tm_hour * 60 + tm.tm_min < at || (rc = store_backup_claim(st, day)) <= 0) {
		if (rc < 0)
			kb_warn("backup: %s", store_errmsg(st));
		kb_arena_free(&a);
		return rc < 0 ? -1 : 0;
	}
	const char *dir = *os.backup_dir ? os.backup_dir : default_dir(&a, g_db);
	const char *dest =
		kb_arena_printf(&a, "%s/khabar-%08lld-%02d%02d", dir, (long long)day, tm.tm_hour, tm.tm_min);
	kb_buf report = {0};
	char *err = NULL;
	if (make_dirs(dir))
		kb_warn("backup: cannot make the folder %s: %s", dir, strerror(errno));
	else if (backup_make(st, g_db, g_media, dest, &report, &err))
		kb_warn("backup: the daily backup failed: %s", err);
	else
		kb_info("%s", kb_buf_str(&report));
	if (!err)
		prune(dir, ops_backup_keep(os.backup_keep));
	free(err);
	kb_buf_free(&report);
	kb_arena_free(&a);
	return 0;
}
