/*
 * paths.c: site paths built from the store's data (paths.h).
 */
#include "paths.h"

#include <string.h>

#include "escape.h"

const char *render_article_image(kb_arena *a, const char *image_url, int64_t media_id, const char *stem)
{
	if (media_id && (!image_url || !*image_url))
		return kb_arena_printf(a, "/media/%s-social.jpg", stem);
	return image_url;
}

static int starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

const char *render_embed_url(kb_arena *a, const char *src)
{
	if (!src)
		return NULL;
	const char *s = src;
	if (starts(s, "//"))
		s = kb_arena_printf(a, "https:%s", s);
	const char *host = strstr(s, "://");
	if (!host || (!starts(s, "https://") && !starts(s, "http://")))
		return NULL;
	host += 3;
	if (starts(host, "www."))
		host += 4;
	/* YouTube player: /embed/ID -> the watch page. */
	if (starts(host, "youtube.com/embed/") || starts(host, "youtube-nocookie.com/embed/")) {
		const char *id = strstr(host, "/embed/") + 7;
		size_t n = strcspn(id, "?&#/\"");
		return n ? kb_arena_printf(a, "https://www.youtube.com/watch?v=%.*s", (int)n, id) : NULL;
	}
	if (starts(host, "youtube.com/") || starts(host, "youtu.be/") || starts(host, "m.youtube.com/"))
		return s;
	/* Facebook's plugin carries the post in href=, percent-encoded. */
	if (starts(host, "facebook.com/plugins/")) {
		const char *h = strstr(host, "href=");
		if (!h)
			return NULL;
		h += 5;
		kb_buf b = {0};
		size_t n = strcspn(h, "&");
		const char *r = NULL;
		if (!url_decode(&b, h, n, 1) && b.len && url_is_safe(b.data, b.len) && b.data[0] != '/')
			r = kb_buf_to_arena(a, &b);
		return r;
	}
	if (starts(host, "facebook.com/") || starts(host, "fb.watch/") || starts(host, "instagram.com/") ||
	    starts(host, "twitter.com/") || starts(host, "x.com/") || starts(host, "mobile.twitter.com/"))
		return s;
	if (starts(host, "platform.twitter.com/embed/")) {
		const char *id = strstr(host, "id=");
		size_t n = id ? strspn(id + 3, "0123456789") : 0;
		return n ? kb_arena_printf(a, "https://x.com/i/status/%.*s", (int)n, id + 3) : NULL;
	}
	return NULL;
}
