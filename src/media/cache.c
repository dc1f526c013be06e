/*
 * cache.c: a server's media folder as a cache of the photos' files in the
 * database (see media.h). The server sends what the folder has; for a
 * name it lacks, media_fetch reads the bytes from the database and leaves
 * them in the folder for the next request. Files are immutable (a new
 * photo has a new stem), so a cached copy is never stale; one of a photo
 * deleted on another server stays until the folder is emptied, which is
 * always safe: every file comes back from the database when asked for.
 *
 * Not here: sending (src/http/server.c), making the files (intake.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "media.h"

/* Splits name into a stem of lowercase letters and digits and what comes
 * after its first '-': "W.webp" or "W.jpg" (W 1 to 5 digits) or
 * "social.jpg". Anything else (a dot, a slash, an original) is no photo's
 * file. Returns the suffix, with the stem in stem[0..65), or NULL. */
static const char *split_name(const char *name, char stem[65])
{
	size_t n = strspn(name, "0123456789abcdefghijklmnopqrstuvwxyz");
	if (!n || n > 64 || name[n] != '-')
		return NULL;
	const char *suffix = name + n + 1;
	size_t digits = strspn(suffix, "0123456789");
	int ok = !strcmp(suffix, "social.jpg") ||
		 (digits >= 1 && digits <= 5 &&
		  (!strcmp(suffix + digits, ".webp") || !strcmp(suffix + digits, ".jpg")));
	if (!ok)
		return NULL;
	memcpy(stem, name, n);
	stem[n] = 0;
	return suffix;
}

void media_cache_put(const char *stem, const char *name, const void *p, size_t n)
{
	const char *dir = media_dir();
	if (!dir)
		return;
	kb_buf path = {0};
	kb_buf_printf(&path, "%s/%s-%s", dir, stem, name);
	/* The folder would serve a half-written file for a year. */
	if (kb_write_file(path.data, p, n, 0644))
		kb_warn("cannot keep %s in the photo folder: %s", path.data, strerror(errno));
	kb_buf_free(&path);
}

int media_fetch(store *st, const char *name, kb_buf *out, const char **type)
{
	char stem[65];
	const char *suffix = split_name(name, stem);
	if (!suffix)
		return 404;
	int rc = store_media_file(st, stem, suffix, out);
	if (rc == STORE_NOTFOUND)
		return 404;
	if (rc) {
		kb_warn("cannot read photo %s: %s", name, store_errmsg(st));
		return 503;
	}
	*type = strstr(suffix, ".webp") ? "image/webp" : "image/jpeg";
	media_cache_put(stem, suffix, out->data, out->len);
	return 200;
}
