/*
 * webp.c: removing metadata chunks from a WebP file (see media.h). A
 * buffer-in, buffer-out function without libvips, so it can be fuzzed
 * (tests/fuzz/fuzz_webp.c).
 */
#include <stdint.h>
#include <string.h>

#include "media.h"

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16), p[3] = (unsigned char)(v >> 24);
}

/*
 * Drops the EXIF, XMP and ICC chunks of a WebP file in place (and their
 * flags in the VP8X header); returns the new length. libvips 8.14's WebP
 * saver writes an EXIF chunk even when told to strip. RIFF: "RIFF" size
 * "WEBP", then chunks of fourcc, little-endian size, data padded to even.
 */
size_t media_webp_strip(unsigned char *b, size_t n)
{
	if (n < 12 || memcmp(b, "RIFF", 4) || memcmp(b + 8, "WEBP", 4))
		return n;
	size_t in = 12, out = 12;
	while (n - in >= 8) {
		uint32_t size = le32(b + in + 4);
		size_t whole = 8 + (size_t)size + (size & 1);
		if (whole > n - in)
			return n; /* malformed: leave it alone */
		int drop = !memcmp(b + in, "EXIF", 4) || !memcmp(b + in, "XMP ", 4) ||
			   !memcmp(b + in, "ICCP", 4);
		if (!memcmp(b + in, "VP8X", 4) && size >= 1)
			b[in + 8] &= (unsigned char)~(0x08 | 0x04 | 0x20);
		if (!drop) {
			memmove(b + out, b + in, whole);
			out += whole;
		}
		in += whole;
	}
	put_le32(b + 4, (uint32_t)(out - 8));
	return out;
}
