/*
 * media.h: photos. An upload is checked at once (type by its first bytes,
 * then its header decoded by libvips) and recorded as pending with its
 * bytes, in the database; the photo job of any server on the database
 * then claims it, makes the derived images with libvips, off the request
 * path, and stores them there in one transaction with the original gone:
 *
 *   STEM-W.webp, STEM-W.jpg   for W in 320, 640, 1024, 1600 (those not
 *                             wider than the photo; a smaller photo gets
 *                             its own width)
 *   STEM-social.jpg           1200 px wide, for social previews
 *
 * Every derivative is rotated upright (EXIF orientation), converted to
 * sRGB and stripped of all metadata (EXIF with its GPS position, XMP,
 * IPTC), with the photo's aspect ratio. STEM is 128 random bits, so names
 * cannot be guessed and change with the content: they are cached for a
 * year.
 *
 * Each server's media folder (--media) is a cache of the database's
 * files: /media/NAME is served from it, and a name it lacks is read from
 * the database once and written there (media_fetch). So any server serves
 * any photo, and no folder is shared. Photos made before they lived in
 * the database are files only, in the folder of the server that has them.
 *
 * Not here: the media library pages (src/newsroom/library.c), sending the
 * bytes (src/http/server.c).
 */
#ifndef KB_MEDIA_H
#define KB_MEDIA_H

#include <stddef.h>

#include "../core/core.h"
#include "../db/store.h"

#define MEDIA_MAX_BYTES (20u << 20)
/* Decompression bombs: a photo may have at most this many pixels. */
#define MEDIA_MAX_PIXELS (100u * 1000 * 1000)

/* Starts libvips (once, before threads) and allows only the JPEG, PNG
 * and WebP loaders. Returns 0, or -1 if libvips cannot start. */
int media_init(void);

/* The type of an image from its first bytes: "jpeg", "png", "webp", or
 * NULL for anything else. */
const char *media_sniff(const void *p, size_t n);

/* Decodes the header of p[0..n): its upright size in *width, *height.
 * Returns 0, or -1 with a Hindi message in err. */
int media_probe(const void *p, size_t n, int *width, int *height, char *err, size_t errlen);

/* A derived image in memory: its name after "STEM-" and its bytes. */
#define MEDIA_MAX_FILES 9
typedef struct media_file {
	char name[16]; /* "320.webp", "social.jpg" */
	void *data;
	size_t len;
} media_file;

/*
 * Makes every derivative of the image p[0..n) (see above) into files, in
 * memory, their count in *nfiles. On success returns 0 with the largest
 * derivative's size in *width, *height and the widths made in widths
 * ("320,640"); free the files with media_files_free. On failure returns
 * -1 with a message in err, and holds nothing.
 */
int media_process(const void *p, size_t n, media_file files[MEDIA_MAX_FILES], size_t *nfiles, int *width,
		  int *height, kb_buf *widths, char *err, size_t errlen);
void media_files_free(media_file *files, size_t n);

/*
 * An app icon (the web app manifest's) from the image p[0..n): a
 * size x size PNG, the image scaled to fit size * scale and centred on
 * the colour bg ("#rrggbb"), so a maskable icon (scale 0.8) keeps it
 * inside the safe zone launchers crop to. Returns 0 with the PNG
 * appended to out, or -1 with a message in err.
 */
int media_icon(const void *p, size_t n, int size, double scale, const char *bg, kb_buf *out, char *err,
	       size_t errlen);

/* Drops EXIF, XMP and ICC chunks from a WebP file in b[0..n), in place;
 * returns its new length. */
size_t media_webp_strip(unsigned char *b, size_t n);

/* Creates dir (the server's folder of photo files, a cache of the
 * database's) if needed and remembers it for the functions below. Returns
 * 0, or -1 with a message in *err (free() it). */
int media_prepare_dirs(const char *dir, char **err);
/* The photos' folder of the database at db when no --media is given:
 * media/ beside an SQLite file; data/media for a database on a server,
 * which has no folder. The text is static or in a. */
const char *media_default_dir(kb_arena *a, const char *db);
const char *media_dir(void);

/*
 * Takes an upload: checks it, records it pending with its bytes (in the
 * caller's transaction if one is open). Returns 0 with its id, or an HTTP
 * status (413 too big, 415 not a JPEG, PNG or WebP photo, 500) with a
 * Hindi message in err; nothing is stored on failure.
 */
int media_intake(store *st, int64_t user_id, const char *name, const void *p, size_t n, int64_t *id,
		 char *err, size_t errlen);

/* Deletes a photo's files from this server's folder: its derivatives
 * (widths as in kb_media) and an original from before photos lived in the
 * database. Other servers' copies stay (their names are not guessable).
 * The row is the caller's. */
void media_remove(const char *stem, const char *widths);

/* How long a photo job's claim on a pending photo holds: a server that
 * dies while making one leaves it to another after this (or to its own
 * next start, on the same machine, at once). */
#define MEDIA_CLAIM_SECONDS 60

/* Claims and processes one pending upload, and keeps its derivatives in
 * this server's folder too. Returns 1 if it did one, 0 if none was free,
 * -1 on a store error. */
int media_work_one(store *st);

/*
 * The file name ("STEM-320.webp") of a ready photo, for a server whose
 * folder lacks it: read from the database into out, written into the
 * folder (through a temporary name, so a reader never finds half a file)
 * and its type set ("image/webp", "image/jpeg"). Returns 200, 404 for a
 * name that is not a photo's (or not a well-formed one), or 503 when the
 * database cannot be read.
 */
int media_fetch(store *st, const char *name, kb_buf *out, const char **type);
/* Writes p[0..n) into this server's folder as STEM-NAME, through a
 * temporary name; a failure is logged and is only a later miss. */
void media_cache_put(const char *stem, const char *name, const void *p, size_t n);

#endif
