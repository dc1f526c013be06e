/*
 * test_media.c: photos through libvips: the type is read from the bytes,
 * derivatives come out at the promised widths in WebP and JPEG with the
 * aspect ratio kept, in memory, and no EXIF (above all no GPS position)
 * survives.
 * The fixture tests/fixtures/photo-gps.jpg is a 1600x1000 JPEG with a
 * GPS position in its EXIF (made by tests/lib/newsroom.mjs withGps).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vips/vips.h>

#include "media/media.h"

static kb_buf fixture;

static int setup(void **state)
{
	if (media_init())
		return -1;
	FILE *f = fopen("tests/fixtures/photo-gps.jpg", "rb");
	if (!f)
		return -1;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		kb_buf_append(&fixture, chunk, n);
	fclose(f);
	return 0;
}

static int teardown(void **state)
{
	kb_buf_free(&fixture);
	return 0;
}

/* Whether an image's metadata has any EXIF field (libvips names them
 * "exif-ifdN-Tag"; IFD 3 is GPS) or an EXIF blob. */
static int has_exif_field(VipsImage *im, const char *prefix)
{
	gchar **fields = vips_image_get_fields(im);
	int found = 0;
	for (int i = 0; fields[i]; i++)
		found |= !strncmp(fields[i], prefix, strlen(prefix));
	g_strfreev(fields);
	return found;
}

static void the_fixture_has_a_gps_position(void **state)
{
	VipsImage *im = vips_image_new_from_buffer(fixture.data, fixture.len, "", NULL);
	assert_non_null(im);
	assert_true(has_exif_field(im, "exif-ifd3-GPS"));
	g_object_unref(im);
}

static void types_come_from_the_bytes(void **state)
{
	assert_string_equal(media_sniff(fixture.data, fixture.len), "jpeg");
	assert_string_equal(media_sniff("\x89PNG\r\n\x1a\n....", 12), "png");
	assert_string_equal(media_sniff("RIFF\0\0\0\0WEBPVP8 ", 16), "webp");
	assert_null(media_sniff("GIF89a......", 12));
	assert_null(media_sniff("<svg xmlns=", 11));
	assert_null(media_sniff("%PDF-1.7", 8));
	assert_null(media_sniff("\xff\xd8", 2));
	int w, h;
	char err[300];
	assert_int_equal(media_probe(fixture.data, fixture.len, &w, &h, err, sizeof err), 0);
	assert_int_equal(w, 1600);
	assert_int_equal(h, 1000);
	/* A JPEG cut short after its header still probes; one that is only a
	 * header start does not. */
	assert_int_equal(media_probe(fixture.data, 40, &w, &h, err, sizeof err), -1);
	assert_int_equal(media_probe("not an image", 12, &w, &h, err, sizeof err), -1);
	assert_non_null(strstr(err, "JPEG, PNG या WebP"));
}

static void derivatives_keep_the_aspect_and_drop_exif(void **state)
{
	kb_buf widths = {0};
	int w = 0, h = 0;
	char err[300];
	media_file files[MEDIA_MAX_FILES];
	size_t nfiles = 0;
	uint64_t t0 = kb_mono_ns();
	int rc = media_process(fixture.data, fixture.len, files, &nfiles, &w, &h, &widths, err, sizeof err);
	if (rc)
		fail_msg("media_process: %s", err);
	print_message("1600x1000 JPEG: derivatives made in %.0f ms\n", (double)(kb_mono_ns() - t0) / 1e6);
	assert_string_equal(widths.data, "320,640,1024,1600");
	assert_int_equal(w, 1600);
	assert_int_equal(h, 1000);
	const char *names[] = {"320.webp", "320.jpg",   "640.webp", "640.jpg",   "1024.webp",
			       "1024.jpg", "1600.webp", "1600.jpg", "social.jpg"};
	const int want[] = {320, 320, 640, 640, 1024, 1024, 1600, 1600, 1200};
	assert_int_equal(nfiles, KB_COUNT(names));
	size_t total = 0;
	for (size_t i = 0; i < KB_COUNT(names); i++) {
		if (strcmp(files[i].name, names[i]))
			fail_msg("file %zu: expected %s, got %s", i, names[i], files[i].name);
		total += files[i].len;
		VipsImage *im = vips_image_new_from_buffer(files[i].data, files[i].len, "", NULL);
		if (!im)
			fail_msg("%s does not decode", names[i]);
		int iw = vips_image_get_width(im), ih = vips_image_get_height(im);
		if (iw != want[i])
			fail_msg("%s: expected width %d, got %d", names[i], want[i], iw);
		/* 16:10, within a pixel of rounding. */
		int eh = (want[i] * 10 + 8) / 16;
		if (ih < eh - 1 || ih > eh + 1)
			fail_msg("%s: expected height about %d, got %d", names[i], eh, ih);
		if (has_exif_field(im, "exif-") || vips_image_get_typeof(im, VIPS_META_EXIF_NAME))
			fail_msg("%s still has EXIF", names[i]);
		g_object_unref(im);
	}
	print_message("%zu bytes in, %zu bytes of derivatives out\n", fixture.len, total);
	media_files_free(files, nfiles);
	kb_buf_free(&widths);
}

static void a_small_photo_keeps_its_own_width(void **state)
{
	VipsImage *im = vips_image_new_from_buffer(fixture.data, fixture.len, "", NULL), *small;
	assert_int_equal(vips_resize(im, &small, 0.125, NULL), 0); /* 200 x 125 */
	void *png;
	size_t n;
	assert_int_equal(vips_pngsave_buffer(small, &png, &n, NULL), 0);
	kb_buf widths = {0};
	int w, h;
	char err[300];
	media_file files[MEDIA_MAX_FILES];
	size_t nfiles;
	assert_int_equal(media_process(png, n, files, &nfiles, &w, &h, &widths, err, sizeof err), 0);
	assert_string_equal(widths.data, "200");
	assert_int_equal(w, 200);
	assert_int_equal(h, 125);
	assert_int_equal(nfiles, 3);
	assert_string_equal(files[0].name, "200.webp");
	assert_string_equal(files[2].name, "social.jpg");
	media_files_free(files, nfiles);
	g_free(png);
	g_object_unref(small);
	g_object_unref(im);
	kb_buf_free(&widths);
}

static void a_broken_image_gives_no_file(void **state)
{
	kb_buf half = {0};
	kb_buf_append(&half, fixture.data, fixture.len / 3);
	kb_buf widths = {0};
	int w, h;
	char err[300];
	media_file files[MEDIA_MAX_FILES];
	size_t nfiles = 5;
	assert_int_equal(media_process(half.data, half.len, files, &nfiles, &w, &h, &widths, err, sizeof err),
			 -1);
	assert_true(*err);
	assert_int_equal(nfiles, 0);
	kb_buf_free(&half);
	kb_buf_free(&widths);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_fixture_has_a_gps_position),
		cmocka_unit_test(types_come_from_the_bytes),
		cmocka_unit_test(derivatives_keep_the_aspect_and_drop_exif),
		cmocka_unit_test(a_small_photo_keeps_its_own_width),
		cmocka_unit_test(a_broken_image_gives_no_file),
	};
	return cmocka_run_group_tests_name("media", tests, setup, teardown);
}
