/*
 * intake.c: uploads in, derived images out (see media.h). An upload and
 * its bytes are one transaction, and the row says pending until a photo
 * job has stored every derivative and deleted the original in another, so
 * a crash at any moment leaves either nothing recorded or a pending upload
 * that some server's job finishes: a claim held by a process that died
 * runs out after MEDIA_CLAIM_SECONDS (at once for the next server started
 * on the same machine), and a job whose claim ran out while it worked
 * writes nothing (store_media_ready checks the claim's token).
 *
 * Not here: serving a name from the database (cache.c), libvips (image.c).
 */
#include <errno.h>
#include <signal.h>
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
	if (mkdir_p(dir)) {
		kb_buf e = {0};
		kb_buf_printf(&e, "cannot create the photo folder %s: %s", dir, strerror(errno));
		*err = kb_buf_take(&e, NULL);
		return -1;
	}
	kb_buf b = {0};
	/* Where uploads waited before they went into the database: a
	 * pending one left there by an older khabar is still made. */
	kb_buf_printf(&b, "%s-incoming", dir);
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
	char stem[33];
	kb_random_hex(stem, 16);
	if (store_media_add(st, stem, name, type, p, n, user_id, id)) {
		snprintf(err, errlen, "फ़ोटो दर्ज नहीं हो सकी।");
		kb_warn("cannot record upload: %s", store_errmsg(st));
		return 500;
	}
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

/* Lets go of the claims that processes on this machine which are gone
 * (or this one, whose single photo job is not holding any now) left on
 * pending photos, so they are made at once rather than once the claims
 * run out. Returns how many it let go. */
static int take_back_dead(store *st, kb_arena *a, const char *host, int64_t now)
{
	kb_media_claim *v;
	size_t n;
	if (store_media_claims_on(st, a, host, now, &v, &n))
		return 0;
	int freed = 0;
	for (size_t i = 0; i < n; i++) {
		pid_t pid = (pid_t)v[i].pid;
		if (pid != getpid() && (pid <= 0 || !kill(pid, 0) || errno != ESRCH))
			continue;
		if (!store_media_unclaim(st, v[i].id, v[i].claim))
			freed++;
	}
	return freed;
}

int media_work_one(store *st)
{
	kb_arena a = {0};
	kb_media m;
	char host[256] = "";
	gethostname(host, sizeof host - 1);
	int64_t claim, now = kb_now();
	kb_random_bytes((unsigned char *)&claim, sizeof claim);
	claim = claim < 0 ? -(claim + 1) : claim;
	claim += !claim; /* 0 is a photo never claimed */
	int rc = store_media_claim(st, &a, claim, now, now + MEDIA_CLAIM_SECONDS, getpid(), host, &m);
	if (rc == STORE_NOTFOUND && take_back_dead(st, &a, host, now))
		rc = store_media_claim(st, &a, claim, now, now + MEDIA_CLAIM_SECONDS, getpid(), host, &m);
	if (rc) {
		if (rc == STORE_ERROR)
			kb_warn("photo worker: %s", store_errmsg(st));
		kb_arena_free(&a);
		return rc == STORE_NOTFOUND ? 0 : -1;
	}
	kb_buf data = {0}, widths = {0};
	char *legacy = NULL;
	char err[300] = "";
	int w = 0, h = 0;
	uint64_t t0 = kb_mono_ns();
	rc = store_media_original(st, m.id, &data);
	if (rc == STORE_NOTFOUND && g_incoming) {
		/* Uploaded before photos lived in the database. */
		legacy = kb_arena_printf(&a, "%s/%s", g_incoming, m.stem);
		rc = kb_read_file(legacy, &data) ? STORE_NOTFOUND : STORE_OK;
	}
	if (rc == STORE_ERROR) {
		/* The claim runs out, and the photo is tried again. */
		kb_warn("photo worker: %s", store_errmsg(st));
		kb_arena_free(&a);
		return -1;
	}
	media_file files[MEDIA_MAX_FILES];
	size_t nfiles = 0;
	if (rc == STORE_NOTFOUND)
		snprintf(err, sizeof err, "अपलोड की गई फ़ाइल नहीं मिली।");
	else if (media_process(data.data, data.len, files, &nfiles, &w, &h, &widths, err, sizeof err) &&
		 !*err)
		snprintf(err, sizeof err, "फ़ोटो बनाई नहीं जा सकी।");
	kb_media_file kf[MEDIA_MAX_FILES];
	for (size_t i = 0; i < nfiles; i++)
		kf[i] = (kb_media_file){files[i].name, files[i].data, files[i].len};
	/* This server's folder gets them first, so that once the row says
	 * ready every file is there (a tip deleted at once takes them all
	 * with it); another server's gets each on its first request. */
	if (!*err)
		for (size_t i = 0; i < nfiles; i++)
			media_cache_put(m.stem, files[i].name, files[i].data, files[i].len);
	rc = *err ? store_media_failed(st, m.id, claim, err)
		  : store_media_ready(st, m.id, claim, w, h, widths.data, kf, nfiles);
	int done = !rc;
	for (size_t i = 0; rc && !*err && g_dir && i < nfiles; i++) {
		/* Not ready after all: the folder keeps none of it. */
		kb_buf f = {0};
		kb_buf_printf(&f, "%s/%s-%s", g_dir, m.stem, files[i].name);
		unlink(f.data);
		kb_buf_free(&f);
	}
	if (rc == STORE_NOTFOUND) {
		/* Its row went while it was made, or its claim ran out and
		 * another server took it: nothing of this one is kept. */
		kb_info("photo %lld was deleted or taken over while it was made", (long long)m.id);
		rc = 0;
	} else if (rc) {
		kb_warn("photo worker: %s", store_errmsg(st));
	} else if (*err) {
		kb_warn("photo %lld (%s) failed: %s", (long long)m.id, m.name, err);
	} else {
		kb_info("photo %lld: %s made in %.0f ms (%lld bytes in)", (long long)m.id, widths.data,
			(double)(kb_mono_ns() - t0) / 1e6, (long long)data.len);
	}
	if (done && legacy)
		unlink(legacy);
	media_files_free(files, nfiles);
	kb_buf_free(&data);
	kb_buf_free(&widths);
	kb_arena_free(&a);
	return rc ? -1 : 1;
}
