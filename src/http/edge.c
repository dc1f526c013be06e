/*
 * edge.c: the keys, Cache-Control values and settings of edge caching
 * (see edge.h). Pure functions of their arguments.
 */
#include "edge.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "header.h"

/* Whether word (n bytes) is one of the space-separated words of b. */
static int has_word(const kb_buf *b, const char *word, size_t n)
{
	const char *p = kb_buf_str(b);
	while (*p) {
		size_t k = strcspn(p, " ");
		if (k == n && !memcmp(p, word, n))
			return 1;
		p += k;
		p += strspn(p, " ");
	}
	return 0;
}

/* Appends each space-separated word of words to b unless b has it. */
static void add_words(kb_buf *b, const char *words)
{
	const char *p = words + strspn(words, " ");
	while (*p) {
		size_t k = strcspn(p, " ");
		if (!has_word(b, p, k)) {
			if (b->len)
				kb_buf_putc(b, ' ');
			kb_buf_append(b, p, k);
		}
		p += k;
		p += strspn(p, " ");
	}
}

const char *edge_keys(kb_arena *a, const char *kind, const char *const *deps, size_t n)
{
	kb_buf b = {0};
	add_words(&b, EDGE_ANY);
	for (size_t i = 0; i < n; i++)
		add_words(&b, deps[i]);
	if (!n)
		add_words(&b, EDGE_TEXT);
	if (kind)
		add_words(&b, kind);
	return kb_buf_to_arena(a, &b);
}

const char *edge_cache_tag(kb_arena *a, const char *keys)
{
	char *t = kb_arena_strdup(a, keys);
	for (char *p = t; *p; p++)
		if (*p == ' ')
			*p = ',';
	return t;
}

int edge_s_maxage(int max_age)
{
	/* A few seconds (a live story's updates): as long at the edge, so
	 * a purge that went astray costs seconds, not minutes. */
	if (max_age < 10)
		return max_age;
	long s = (long)max_age * 10;
	return s < 600 ? 600 : s > 86400 ? 86400 : (int)s;
}

void edge_cache_control(char *buf, size_t n, int max_age, int status)
{
	if (max_age < 0)
		snprintf(buf, n, "private, no-store");
	else if (max_age >= 86400 * 30)
		snprintf(buf, n, "public, max-age=%d, immutable", max_age);
	else if (status == 200)
		snprintf(buf, n,
			 "public, max-age=%d, s-maxage=%d, stale-while-revalidate=60, stale-if-error=86400",
			 max_age, edge_s_maxage(max_age));
	else
		snprintf(buf, n, "public, max-age=%d", max_age);
}

int edge_url_list(kb_arena *a, const char *list, const char **out, int max)
{
	int n = 0;
	const char *p = list;
	while (*p) {
		size_t k = strcspn(p, ",");
		const char *s = p, *e = p + k;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > s) {
			if (n == max)
				return -1;
			out[n++] = kb_arena_strndup(a, s, (size_t)(e - s));
		}
		p += k;
		if (*p == ',')
			p++;
	}
	return n;
}

/* Whether s[0..n) is a host name or IPv4 address: letters, digits, '-'
 * and '.', not starting or ending with '.' or '-'. */
static int host_ok(const char *s, size_t n)
{
	if (!n || n > 253 || s[0] == '.' || s[0] == '-' || s[n - 1] == '.' || s[n - 1] == '-')
		return 0;
	return kb_ascii_name(s, n, "-.");
}

int edge_url_ok(const char *v)
{
	size_t len = strlen(v);
	if (len > 500)
		return 0;
	const char *p;
	if (!strncmp(v, "http://", 7))
		p = v + 7;
	else if (!strncmp(v, "https://", 8))
		p = v + 8;
	else
		return 0;
	/* The authority ends at the path. */
	size_t auth = strcspn(p, "/");
	const char *path = p + auth;
	const char *port = NULL;
	if (*p == '[') {
		const char *close = memchr(p, ']', auth);
		if (!close || close == p + 1)
			return 0;
		for (const char *c = p + 1; c < close; c++)
			if (!strchr("0123456789abcdefABCDEF:.", *c))
				return 0;
		if (close + 1 < path) {
			if (close[1] != ':')
				return 0;
			port = close + 2;
		}
	} else {
		const char *colon = memchr(p, ':', auth);
		if (!host_ok(p, colon ? (size_t)(colon - p) : auth))
			return 0;
		if (colon)
			port = colon + 1;
	}
	if (port) {
		size_t k = (size_t)(path - port);
		if (!k || k > 5 || strspn(port, "0123456789") < k)
			return 0;
		long n = strtol(port, NULL, 10);
		if (n < 1 || n > 65535)
			return 0;
	}
	/* A path: visible ASCII, never a fragment. */
	for (const char *c = path; *c; c++)
		if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f || *c == '#')
			return 0;
	return 1;
}

static int url_or_empty(const char *v)
{
	return !*v || edge_url_ok(v);
}

static int url_list_ok(const char *v)
{
	kb_arena a = {0};
	const char *items[EDGE_MAX_TARGETS];
	int n = edge_url_list(&a, v, items, EDGE_MAX_TARGETS), ok = n >= 0 && strlen(v) <= 2000;
	for (int i = 0; ok && i < n; i++)
		ok = edge_url_ok(items[i]);
	kb_arena_free(&a);
	return ok;
}

static int header_ok(const char *v)
{
	return !*v || (strlen(v) <= 100 && http_name_ok(v, strlen(v)));
}

static int token_ok(const char *v)
{
	size_t n = strlen(v);
	return n <= 1000 && http_value_ok(v, n) && (!n || (v[0] != ' ' && v[n - 1] != ' '));
}

int edge_key_ok(const char *v)
{
	size_t n = strlen(v);
	return n >= 8 && n <= 128 && kb_ascii_name(v, n, "-");
}

static int key_or_empty(const char *v)
{
	return !*v || edge_key_ok(v);
}

#define AT(f) offsetof(kb_edge_settings, f)
const edge_setting edge_settings[] = {
	{"edge_purge", "Varnish to purge on changes: comma-separated base URLs (http://127.0.0.1:6081)",
	 url_list_ok, 0, AT(purge)},
	{"edge_purge_url",
	 "a CDN's purge URL (no user:password@): a POST of the keys as JSON {\"tags\": [...]}", url_or_empty,
	 0, AT(purge_url)},
	{"edge_purge_header", "the header that carries edge_purge_token (empty: Authorization, as Bearer)",
	 header_ok, 0, AT(purge_header)},
	{"edge_purge_token", "the CDN's purge token (never listed)", token_ok, 1, AT(purge_token)},
	{"indexnow_endpoints",
	 "IndexNow endpoints told of published, edited and unpublished stories: comma-separated URLs "
	 "(https://api.indexnow.org/indexnow); empty: none",
	 url_list_ok, 0, AT(indexnow_endpoints)},
	{"indexnow_key",
	 "the IndexNow key, served at /KEY.txt: 8 to 128 letters, digits and '-' (empty: made at random "
	 "on first use)",
	 key_or_empty, 0, AT(indexnow_key)},
	{"websub_hub", "the WebSub hub the feeds name and khabar pings on changes (empty: none)",
	 url_or_empty, 0, AT(websub_hub)},
};
#undef AT

const size_t edge_nsettings = KB_COUNT(edge_settings);

const edge_setting *edge_setting_find(const char *key)
{
	for (size_t i = 0; i < edge_nsettings; i++)
		if (!strcmp(edge_settings[i].key, key))
			return &edge_settings[i];
	return NULL;
}

const char *edge_setting_value(const kb_edge_settings *es, const edge_setting *e)
{
	return *(const char *const *)((const char *)es + e->off);
}
