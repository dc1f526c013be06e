/*
 * image.c: libvips glue (see media.h): sniffing, probing and making the
 * derived images, in memory. Nothing here touches the store or a folder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>

#include "media.h"

static const int widths[] = {320, 640, 1024, 1600};
#define SOCIAL_WIDTH 1200

int media_init(void)
{
	if (VIPS_INIT("khabar"))
		return -1;
	/* Only the loaders khabar accepts, whatever the bytes claim. */
	vips_block_untrusted_set(TRUE);
	vips_operation_block_set("VipsForeignLoad", TRUE);
	vips_operation_block_set("VipsForeignLoadJpeg", FALSE);
	vips_operation_block_set("VipsForeignLoadPng", FALSE);
	vips_operation_block_set("VipsForeignLoadWebp", FALSE);
	/* Each photo is made once: caching operations only costs memory. */
	vips_cache_set_max(0);
	return 0;
}

const char *media_sniff(const void *p, size_t n)
{
	const unsigned char *b = p;
	if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
		return "jpeg";
	if (n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8))
		return "png";
	if (n >= 12 && !memcmp(b, "RIFF", 4) && !memcmp(b + 8, "WEBP", 4))
		return "webp";
	return NULL;
}

static void vips_err(char *err, size_t errlen, const char *what)
{
	const char *v = vips_error_buffer();
	snprintf(err, errlen, "%s (%.*s)", what, (int)strcspn(v, "\n"), v);
	vips_error_clear();
}

int media_probe(const void *p, size_t n, int *width, int *height, char *err, size_t errlen)
{
	if (!media_sniff(p, n)) {
		snprintf(err, errlen, "यह JPEG, PNG या WebP फ़ोटो नहीं है।");
		return -1;
	}
	VipsImage *im = vips_image_new_from_buffer(p, n, "", "access", VIPS_ACCESS_SEQUENTIAL, NULL);
	if (!im) {
		vips_err(err, errlen, "फ़ोटो खुल नहीं सकी, फ़ाइल खराब लगती है");
		return -1;
	}
	int w = vips_image_get_width(im), h = vips_image_get_height(im), o = 1;
	if (vips_image_get_typeof(im, VIPS_META_ORIENTATION))
		vips_image_get_int(im, VIPS_META_ORIENTATION, &o);
	g_object_unref(im);
	if (o >= 5 && o <= 8) {
		int t = w;
		w = h, h = t;
	}
	if (w < 1 || h < 1 || (uint64_t)w * (uint64_t)h > MEDIA_MAX_PIXELS) {
		snprintf(err, errlen, "फ़ोटो का आकार (%d×%d पिक्सेल) स्वीकार नहीं है: अधिकतम 10 करोड़ पिक्सेल।", w, h);
		return -1;
	}
	*width = w;
	*height = h;
	return 0;
}

void media_files_free(media_file *files, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		g_free(files[i].data);
		files[i].data = NULL;
		files[i].len = 0;
	}
}

/* Encodes im as the next of files, named suffix.fmt; fmt is "webp" or
 * "jpg". Returns 0, or -1 with a message in err. */
static int save(VipsImage *im, media_file *files, size_t *nfiles, const char *suffix, const char *fmt,
		char *err, size_t errlen)
{
	void *buf = NULL;
	size_t len = 0;
	int rc;
	if (!strcmp(fmt, "webp")) {
		rc = vips_webpsave_buffer(im, &buf, &len, "Q", 78, "strip", TRUE, NULL);
		if (!rc)
			len = media_webp_strip(buf, len);
	} else {
		rc = vips_jpegsave_buffer(im, &buf, &len, "Q", 82, "strip", TRUE, "optimize_coding", TRUE,
					  "interlace", TRUE, NULL);
	}
	if (rc) {
		vips_err(err, errlen, "फ़ोटो सहेजी नहीं जा सकी");
		return -1;
	}
	media_file *f = &files[(*nfiles)++];
	snprintf(f->name, sizeof f->name, "%s.%s", suffix, fmt);
	f->data = buf;
	f->len = len;
	return 0;
}

/* Removes every metadata field of im (which the caller owns alone) but
 * the basic ones: EXIF (its GPS position above all), XMP, IPTC, the ICC
 * profile (pixels are sRGB by now) and the orientation (applied). Savers'
 * own "strip" is not relied on: libvips 8.14's WebP saver keeps EXIF. */
static void strip_metadata(VipsImage *im)
{
	gchar **fields = vips_image_get_fields(im);
	for (int i = 0; fields[i]; i++) {
		const char *f = fields[i];
		if (!strncmp(f, "exif-", 5) || !strcmp(f, "xmp-data") || !strcmp(f, "iptc-data") ||
		    !strcmp(f, "icc-profile-data") || !strcmp(f, "orientation") ||
		    !strcmp(f, "resolution-unit") || !strncmp(f, "png-comment", 11) ||
		    !strcmp(f, "gif-comment") || !strncmp(f, "heif-", 5))
			vips_image_remove(im, f);
	}
	g_strfreev(fields);
}

/* im scaled to width w (im itself when it is that wide), with a new
 * reference the caller drops. */
static VipsImage *at_width(VipsImage *im, int w)
{
	if (w >= vips_image_get_width(im)) {
		g_object_ref(im);
		return im;
	}
	VipsImage *out = NULL;
	if (vips_resize(im, &out, (double)w / vips_image_get_width(im), NULL))
		return NULL;
	return out;
}

int media_process(const void *p, size_t n, media_file files[MEDIA_MAX_FILES], size_t *nfiles, int *width,
		  int *height, kb_buf *made, char *err, size_t errlen)
{
	int largest = widths[KB_COUNT(widths) - 1];
	err[0] = 0;
	*nfiles = 0;
	VipsImage *thumb = NULL, *rgb = NULL, *mem = NULL, *flat = NULL;
	int rc = -1;
	/* One decode, shrunk on load where the format allows, rotated
	 * upright and converted to sRGB; every size is made from it. */
	/* A truncated upload is refused rather than shown half grey. */
	if (vips_thumbnail_buffer((void *)p, n, &thumb, largest, "height", VIPS_MAX_COORD, "size",
				  VIPS_SIZE_DOWN, "option_string", "fail_on=truncated", NULL)) {
		vips_err(err, errlen, "फ़ोटो खुल नहीं सकी, फ़ाइल खराब लगती है");
		return -1;
	}
	/* 16-bit and grey images become 8-bit sRGB, as JPEG needs. */
	if (vips_colourspace(thumb, &rgb, VIPS_INTERPRETATION_sRGB, NULL)) {
		vips_err(err, errlen, "फ़ोटो के रंग बदले नहीं जा सके");
		goto out;
	}
	mem = vips_image_copy_memory(rgb);
	if (!mem) {
		vips_err(err, errlen, "फ़ोटो के लिए मेमोरी नहीं है");
		goto out;
	}
	strip_metadata(mem);
	/* JPEG has no transparency: a white background, like the page. */
	if (vips_image_hasalpha(mem)) {
		VipsArrayDouble *white = vips_array_double_newv(3, 255.0, 255.0, 255.0);
		int bad = vips_flatten(mem, &flat, "background", white, NULL);
		vips_area_unref(VIPS_AREA(white));
		if (bad) {
			vips_err(err, errlen, "फ़ोटो की पारदर्शिता हटाई नहीं जा सकी");
			goto out;
		}
	} else {
		flat = mem;
		g_object_ref(flat);
	}
	int w0 = vips_image_get_width(mem);
	kb_buf_reset(made);
	for (size_t i = 0; i < KB_COUNT(widths); i++) {
		/* A photo narrower than the smallest width keeps its own. */
		int w = widths[i] <= w0 ? widths[i] : (i == 0 ? w0 : 0);
		if (!w)
			break;
		char suffix[16];
		snprintf(suffix, sizeof suffix, "%d", w);
		VipsImage *a = at_width(mem, w), *b = at_width(flat, w);
		int bad = !a || !b || save(a, files, nfiles, suffix, "webp", err, errlen) ||
			  save(b, files, nfiles, suffix, "jpg", err, errlen);
		if (a)
			g_object_unref(a);
		if (b)
			g_object_unref(b);
		if (bad) {
			if (!*err)
				vips_err(err, errlen, "फ़ोटो छोटी नहीं की जा सकी");
			goto out;
		}
		kb_buf_printf(made, "%s%d", made->len ? "," : "", w);
		*width = vips_image_get_width(mem) < w ? vips_image_get_width(mem) : w;
		*height =
			(int)((double)vips_image_get_height(mem) * *width / vips_image_get_width(mem) + 0.5);
	}
	VipsImage *social = at_width(flat, SOCIAL_WIDTH);
	if (!social || save(social, files, nfiles, "social", "jpg", err, errlen)) {
		if (social)
			g_object_unref(social);
		goto out;
	}
	g_object_unref(social);
	rc = 0;
out:
	if (flat)
		g_object_unref(flat);
	if (mem)
		g_object_unref(mem);
	if (rgb)
		g_object_unref(rgb);
	g_object_unref(thumb);
	if (rc) {
		media_files_free(files, *nfiles);
		*nfiles = 0;
	}
	vips_thread_shutdown();
	return rc;
}

int media_icon(const void *p, size_t n, int size, double scale, const char *bg, kb_buf *out, char *err,
	       size_t errlen)
{
	void *png = NULL;
	size_t len = 0;
	unsigned rgb = 0xffffff;
	if (bg && bg[0] == '#' && strlen(bg) == 7)
		rgb = (unsigned)strtoul(bg + 1, NULL, 16);
	int inner = (int)(size * scale);
	VipsImage *thumb = NULL, *srgb = NULL, *flat = NULL, *framed = NULL;
	VipsArrayDouble *colour = vips_array_double_newv(3, (double)(rgb >> 16), (double)((rgb >> 8) & 0xff),
							 (double)(rgb & 0xff));
	int rc = -1;
	if (vips_thumbnail_buffer((void *)p, n, &thumb, inner, "height", inner, NULL) ||
	    vips_colourspace(thumb, &srgb, VIPS_INTERPRETATION_sRGB, NULL)) {
		vips_err(err, errlen, "the logo cannot be read");
		goto out;
	}
	/* Transparency shows the background colour, as a launcher would. */
	if (vips_image_hasalpha(srgb) ? vips_flatten(srgb, &flat, "background", colour, NULL)
				      : vips_copy(srgb, &flat, NULL)) {
		vips_err(err, errlen, "the logo cannot be flattened");
		goto out;
	}
	int w = vips_image_get_width(flat), h = vips_image_get_height(flat);
	if (vips_embed(flat, &framed, (size - w) / 2, (size - h) / 2, size, size, "extend",
		       VIPS_EXTEND_BACKGROUND, "background", colour, NULL) ||
	    vips_pngsave_buffer(framed, &png, &len, "strip", TRUE, NULL)) {
		vips_err(err, errlen, "the icon cannot be made");
		goto out;
	}
	kb_buf_append(out, png, len);
	g_free(png);
	rc = 0;
out:
	vips_area_unref(VIPS_AREA(colour));
	if (thumb)
		g_object_unref(thumb);
	if (srgb)
		g_object_unref(srgb);
	if (flat)
		g_object_unref(flat);
	if (framed)
		g_object_unref(framed);
	return rc;
}
