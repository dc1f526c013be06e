/*
 * intake.c: uploads in, derived images out (see media.h). An upload is
 * written to the private incoming folder before its row is committed, and
 * the row says pending until the worker is done, so a crash at any moment
 * leaves either nothing recorded or a pending upload that the next start
 * finishes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/crypto.h"
#include "../db/store.h"
#include "media.h"

static char *g_dir, *g_incoming;

static int mkdir_p(const char *path)
{
	char *p = kb_strdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0755) && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	int rc = mkdir(p, 0755) && errno != EEXIST ? -1 : 0;
	free(p);
	return rc;
}

int media_prepare_dirs(const char *dir, char **err)
{
	kb_buf b = {0};
	kb_buf_printf(&b, "%s-incoming", dir);
	if (mkdir_p(dir) || mkdir_p(b.data)) {
		kb_buf e = {0};
		kb_buf_printf(&e, "cannot create the photo folders %s and %s: %s", dir, b.data,
			      strerror(errno));
		*err = kb_buf_take(&e, NULL);
		kb_buf_free(&b);
		return -1;
	}
	free(g_dir);
	free(g_incoming);
	g_dir = kb_strdup(dir);
	g_incoming = kb_buf_take(&b, NULL);
	return 0;
}

const char *media_default_dir(kb_arena *a, const char *db)
{
	if (store_is_url(db))
		return "data/media";
	const char *slash = strrchr(db, '/');
	return slash ? kb_arena_printf(a, "%.*s/media", (int)(slash - db), db) : "media";
}

const char *media_dir(void)
{
	return g_dir;
}

static char *incoming_path(const char *stem)
{
	kb_buf b = {0};
	kb_buf_printf(&b, "%s/%s", g_incoming, stem);
	return kb_buf_take(&b, NULL);
}

/* Writes p[0..n) to path durably (temporary file, fsync, rename). */
static int write_file(const char *path, const void *p, size_t n)
{
	kb_buf tmp = {0};
	kb_buf_printf(&tmp, "%s.tmp", path);
	int fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int rc = fd < 0 ? -1 : 0;
	for (size_t off = 0; !rc && off < n;) {
		ssize_t w = write(fd, (const char *)p + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			rc = -1;
		else
			off += (size_t)w;
	}
	if (!rc && fsync(fd))
		rc = -1;
	if (fd >= 0 && close(fd))
		rc = -1;
	if (!rc && rename(tmp.data, path))
		rc = -1;
	if (rc)
		unlink(tmp.data);
	kb_buf_free(&tmp);
	return rc;
}

int media_intake(store *st, int64_t user_id, const char *name, const void *p, size_t n, int64_t *id,
		 char *err, size_t errlen)
{
	int w, h;
	if (n > MEDIA_MAX_BYTES) {
		snprintf(err, errlen, "फ़ोटो 20 MB से बड़ी है (%.1f MB)। छोटी फ़ोटो चुनें।", (double)n / (1 << 20));
		return 413;
	}
	if (!n) {
		snprintf(err, errlen, "कोई फ़ाइल नहीं मिली।");
		return 415;
	}
	const char *type = media_sniff(p, n);
	if (!type) {
		snprintf(err, errlen, "यह फ़ाइल फ़ोटो नहीं है। केवल JPEG, PNG या WebP फ़ोटो अपलोड करें।");
		return 415;
	}
	if (media_probe(p, n, &w, &h, err, errlen))
		return 415;
	if (!g_dir) {
		snprintf(err, errlen, "फ़ोटो अपलोड इस सर्वर पर बंद है।");
		return 500;
	}
	char stem[33];
	kb_random_hex(stem, 16);
	char *path = incoming_path(stem);
	if (write_file(path, p, n)) {
		snprintf(err, errlen, "फ़ोटो सहेजी नहीं जा सकी (डिस्क भरी है?)।");
		kb_warn("cannot write %s: %s", path, strerror(errno));
		free(path);
		return 500;
	}
	if (store_media_add(st, stem, name, type, (int64_t)n, user_id, id)) {
		snprintf(err, errlen, "फ़ोटो दर्ज नहीं हो सकी।");
		kb_warn("cannot record upload: %s", store_errmsg(st));
		unlink(path);
		free(path);
		return 500;
	}
	free(path);
	return 0;
}

void media_remove(const char *stem, const char *widths)
{
	if (!g_dir || !*stem || strchr(stem, '/'))
		return;
	kb_buf b = {0};
	kb_buf_printf(&b, "%s/%s", g_incoming, stem);
	unlink(b.data);
	kb_buf_reset(&b);
	kb_buf_printf(&b, "%s/%s-social.jpg", g_dir, stem);
	unlink(b.data);
	for (const char *w = widths; *w;) {
		int width = atoi(w);
		for (int k = 0; k < 2 && width > 0; k++) {
			kb_buf_reset(&b);
			kb_buf_printf(&b, "%s/%s-%d.%s", g_dir, stem, width, k ? "jpg" : "webp");
			unlink(b.data);
		}
		w += strcspn(w, ",");
		w += *w == ',';
	}
	kb_buf_free(&b);
}

int media_work_one(store *st, const char *dir)
{
	kb_arena a = {0};
	kb_media m;
	int rc = store_media_next_pending(st, &a, &m);
	if (rc) {
		if (rc == STORE_ERROR)
			kb_warn("photo worker: %s", store_errmsg(st));
		kb_arena_free(&a);
		return rc == STORE_NOTFOUND ? 0 : -1;
	}
	char *path = incoming_path(m.stem);
	kb_buf data = {0}, widths = {0};
	char err[300] = "";
	int w = 0, h = 0;
	uint64_t t0 = kb_mono_ns();
	if (kb_read_file(path, &data))
		snprintf(err, sizeof err, "अपलोड की गई फ़ाइल नहीं मिली।");
	else if (!media_process(data.data, data.len, dir, m.stem, &w, &h, &widths, err, sizeof err))
		err[0] = 0;
	else if (!*err)
		snprintf(err, sizeof err, "फ़ोटो बनाई नहीं जा सकी।");
	rc = *err ? store_media_failed(st, m.id, err) : store_media_ready(st, m.id, w, h, widths.data);
	if (rc == STORE_NOTFOUND) {
		/* Its row went while it was made: so do its files. */
		media_remove(m.stem, widths.data);
		kb_info("photo %lld was deleted while it was made", (long long)m.id);
		rc = 0;
	} else if (rc) {
		kb_warn("photo worker: %s", store_errmsg(st));
	} else if (*err) {
		kb_warn("photo %lld (%s) failed: %s", (long long)m.id, m.name, err);
	} else {
		kb_info("photo %lld: %s made in %.0f ms (%lld bytes in)", (long long)m.id, widths.data,
			(double)(kb_mono_ns() - t0) / 1e6, (long long)data.len);
	}
	/* Kept while the row says pending, so a crash retries it. */
	if (!rc)
		unlink(path);
	free(path);
	kb_buf_free(&data);
	kb_buf_free(&widths);
	kb_arena_free(&a);
	return rc ? -1 : 1;
}
