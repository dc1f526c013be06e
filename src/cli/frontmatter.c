/*
 * frontmatter.c: the article file parser (see frontmatter.h). Values may be
 * quoted with "..." to keep leading or trailing spaces; nothing else is
 * interpreted here: the caller checks what each key means.
 */
#include "frontmatter.h"

#include <stdio.h>
#include <string.h>

static int line_at(const char *buf, size_t pos)
{
	int line = 1;
	for (size_t i = 0; i < pos; i++)
		line += buf[i] == '\n';
	return line;
}

/* The length of the line at p (without the newline and a CR before it). */
static size_t line_len(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	const char *stop = nl ? nl : end;
	*next = nl ? nl + 1 : end;
	if (stop > p && stop[-1] == '\r')
		stop--;
	return (size_t)(stop - p);
}

static int is_fence(const char *p, size_t len)
{
	while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	return len == 3 && !memcmp(p, "---", 3);
}

int fm_parse(kb_arena *a, const char *buf, size_t n, fm_doc *out, int *line, char *err, size_t errlen)
{
	size_t bad;
	memset(out, 0, sizeof *out);
	if (!kb_utf8_valid(buf, n, &bad)) {
		*line = line_at(buf, bad);
		snprintf(err, errlen, "invalid UTF-8 (byte %zu); save the file as UTF-8", bad + 1);
		return -1;
	}
	const char *p = buf, *end = buf + n, *next;
	/* A UTF-8 byte order mark is harmless; skip it. */
	if (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	size_t len = line_len(p, end, &next);
	if (!is_fence(p, len)) {
		*line = 1;
		snprintf(err, errlen, "expected \"---\" to open the front matter");
		return -1;
	}
	size_t cap = 16;
	out->fields = kb_arena_alloc(a, cap * sizeof *out->fields);
	int ln = 1;
	for (p = next; p < end; p = next) {
		ln++;
		len = line_len(p, end, &next);
		if (is_fence(p, len)) {
			out->body = next;
			out->body_len = (size_t)(end - next);
			return 0;
		}
		if (!len || p[0] == '#')
			continue; /* blank lines and comments */
		const char *colon = memchr(p, ':', len);
		if (!colon || colon == p) {
			*line = ln;
			snprintf(err, errlen, "expected \"key: value\"");
			return -1;
		}
		const char *k = p, *kend = colon;
		while (kend > k && (kend[-1] == ' ' || kend[-1] == '\t'))
			kend--;
		if (kend == k) {
			*line = ln;
			snprintf(err, errlen, "expected \"key: value\"");
			return -1;
		}
		for (const char *c = k; c < kend; c++)
			if (!((*c >= 'a' && *c <= 'z') || *c == '_')) {
				*line = ln;
				snprintf(err, errlen, "a key is lower-case letters and _, not \"%.*s\"",
					 (int)(kend - k), k);
				return -1;
			}
		const char *v = colon + 1, *vend = p + len;
		while (v < vend && (*v == ' ' || *v == '\t'))
			v++;
		while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
			vend--;
		if (vend - v >= 2 && v[0] == '"' && vend[-1] == '"')
			v++, vend--;
		if (out->nfields == cap) {
			fm_field *f = kb_arena_alloc(a, 2 * cap * sizeof *f);
			memcpy(f, out->fields, cap * sizeof *f);
			out->fields = f, cap *= 2;
		}
		fm_field *f = &out->fields[out->nfields++];
		f->key = kb_arena_strndup(a, k, (size_t)(kend - k));
		f->value = kb_arena_strndup(a, v, (size_t)(vend - v));
		f->line = ln;
		for (size_t i = 0; i + 1 < out->nfields; i++)
			if (!strcmp(out->fields[i].key, f->key)) {
				*line = ln;
				snprintf(err, errlen, "\"%s\" given twice (first on line %d)", f->key,
					 out->fields[i].line);
				return -1;
			}
	}
	*line = ln;
	snprintf(err, errlen, "the front matter is never closed with \"---\"");
	return -1;
}

const fm_field *fm_get(const fm_doc *d, const char *key)
{
	for (size_t i = 0; i < d->nfields; i++)
		if (!strcmp(d->fields[i].key, key))
			return &d->fields[i];
	return NULL;
}
