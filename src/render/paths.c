/*
 * paths.c: site paths built from the store's data (paths.h).
 */
#include "paths.h"

const char *render_article_image(kb_arena *a, const char *image_url, int64_t media_id, const char *stem)
{
	if (media_id && (!image_url || !*image_url))
		return kb_arena_printf(a, "/media/%s-social.jpg", stem);
	return image_url;
}
