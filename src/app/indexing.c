/*
 * indexing.c: the bodies and URLs of instant indexing (see indexing.h).
 * Pure functions of their arguments, but for indexing_new_key's
 * randomness.
 */
#include "indexing.h"

#include <stdlib.h>
#include <string.h>

#include "../core/crypto.h"
#include "../render/escape.h"

const char *indexing_abs_url(kb_arena *a, const char *base, const char *path)
{
	size_t bl = strlen(base);
	while (bl && base[bl - 1] == '/')
		bl--;
	return kb_arena_printf(a, "%.*s%s%s", (int)bl, base, *path == '/' ? "" : "/", path);
}

const char *indexing_host(kb_arena *a, const char *base)
{
	const char *p = strstr(base, "://");
	if (!p || (strncmp(base, "http://", 7) && strncmp(base, "https://", 8)))
		return "";
	p += 3;
	return kb_arena_strndup(a, p, strcspn(p, "/?#"));
}

int64_t indexing_tag_id(const char *tag, const char *prefix)
{
	size_t n = strlen(prefix);
	if (strncmp(tag, prefix, n) || !tag[n] || strspn(tag + n, "0123456789") != strlen(tag + n))
		return 0;
	return strtoll(tag + n, NULL, 10);
}

const char *indexing_indexnow_json(kb_arena *a, const char *host, const char *key, const char *key_location,
				   const purge_queue *q)
{
	kb_buf b = {0};
	kb_buf_puts(&b, "{\"host\":\"");
	json_escape(&b, host, strlen(host));
	kb_buf_puts(&b, "\",\"key\":\"");
	json_escape(&b, key, strlen(key));
	kb_buf_puts(&b, "\",\"keyLocation\":\"");
	json_escape(&b, key_location, strlen(key_location));
	kb_buf_puts(&b, "\",\"urlList\":");
	purge_queue_json_array(&b, q);
	kb_buf_putc(&b, '}');
	return kb_buf_to_arena(a, &b);
}

const char *indexing_websub_form(kb_arena *a, const purge_queue *q)
{
	kb_buf b = {0};
	kb_buf_puts(&b, "hub.mode=publish");
	for (size_t i = 0; i < q->n; i++) {
		kb_buf_puts(&b, "&hub.url=");
		url_encode(&b, q->keys[i], strlen(q->keys[i]));
	}
	return kb_buf_to_arena(a, &b);
}

const char *indexing_new_key(kb_arena *a)
{
	char hex[33];
	kb_random_hex(hex, 16);
	return kb_arena_strdup(a, hex);
}
