/*
 * media.h: photos. An upload is checked at once (type by its first bytes,
 * then its header decoded by libvips), kept in a private incoming folder
 * and recorded as pending; a worker thread in the server then makes the
 * derived images with libvips, off the request path:
 *
 *   DIR/STEM-W.webp, DIR/STEM-W.jpg   for W in 320, 640, 1024, 1600 (those
 *                                     not wider than the photo; a smaller
 *                                     photo gets its own width)
 *   DIR/STEM-social.jpg               1200 px wide, for social previews
 *
 * Every derivative is rotated upright (EXIF orientation), converted to
 * sRGB and stripped of all metadata (EXIF with its GPS position, XMP,
 * IPTC), with the photo's aspect ratio. The original is deleted once done.
 * STEM is 128 random bits, so names cannot be guessed and change with the
 * content: the files are cached for a year.
 *
 * Not here: the media library pages (src/newsroom/media.c).
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

/*
 * Makes every derivative of the image p[0..n) in dir as STEM-... (see
 * above). On success returns 0 with the largest derivative's size in
 * *width, *height and the widths made in widths ("320,640"). On failure
 * returns -1 with a message in err, and leaves no file behind.
 */
int media_process(const void *p, size_t n, const char *dir, const char *stem, int *width, int *height,
		  kb_buf *widths, char *err, size_t errlen);

/* Drops EXIF, XMP and ICC chunks from a WebP file in b[0..n), in place;
 * returns its new length. */
size_t media_webp_strip(unsigned char *b, size_t n);

/* Creates dir and its private incoming folder (dir + "-incoming") if
 * needed and remembers dir for the functions below. Returns 0, or -1 with
 * a message in *err (free() it). */
int media_prepare_dirs(const char *dir, char **err);
/* The photos' folder of the database at db when no --media is given:
 * media/ beside an SQLite file; data/media for a database on a server,
 * which has no folder. The text is static or in a. */
const char *media_default_dir(kb_arena *a, const char *db);
const char *media_dir(void);

/*
 * Takes an upload: checks it, keeps it in the incoming folder, records it
 * pending. Returns 0 with its id, or an HTTP status (413 too big, 415 not
 * a JPEG, PNG or WebP photo, 500) with a Hindi message in err; nothing is
 * stored on failure.
 */
int media_intake(store *st, int64_t user_id, const char *name, const void *p, size_t n, int64_t *id,
		 char *err, size_t errlen);

/* Deletes a photo's files: its derivatives (widths as in kb_media) and
 * the original if still waiting. The row is the caller's. */
void media_remove(const char *stem, const char *widths);

/* Processes the oldest pending upload. Returns 1 if it did one, 0 if none
 * was pending, -1 on a store error. */
int media_work_one(store *st, const char *dir);

#endif
