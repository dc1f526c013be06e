/*
 * form.c: POST body and Cookie parsers (see form.h). Pure functions over
 * buffers: no I/O, no h2o, so the fuzzer links this file with src/core
 * and the URL decoder (src/render/escape.c) alone.
 */
#include "form.h"

#include <string.h>

#include "../render/escape.h"

/* Decodes s[0..n) ('+' is a space) into an arena string; NULL when an
 * escape is bad or the result is not UTF-8 text without NULs. */
static char *decode(kb_arena *a, const char *s, size_t n, size_t *outlen)
{
	kb_buf b = {0};
	char *out = NULL;
	if (!url_decode(&b, s, n, 1) && !memchr(kb_buf_str(&b), 0, b.len) &&
	    kb_utf8_valid(kb_buf_str(&b), b.len, NULL)) {
		out = kb_arena_strndup(a, kb_buf_str(&b), b.len);
		*outlen = b.len;
	}
	kb_buf_free(&b);
	return out;
}

/* Appends a field, growing the array in the arena. */
static kb_form_field *push(kb_arena *a, kb_form *f, size_t *cap)
{
	if (f->n == FORM_MAX_FIELDS)
		return NULL;
	if (f->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		kb_form_field *v = kb_arena_alloc(a, nc * sizeof *v);
		if (f->n)
			memcpy(v, f->fields, f->n * sizeof *v);
		f->fields = v;
		*cap = nc;
	}
	kb_form_field *x = &f->fields[f->n++];
	memset(x, 0, sizeof *x);
	return x;
}

int form_parse_urlencoded(kb_arena *a, const char *body, size_t len, kb_form *out)
{
	size_t cap = 0;
	out->fields = NULL;
	out->n = 0;
	size_t i = 0;
	while (i < len) {
		const char *amp = memchr(body + i, '&', len - i);
		size_t end = amp ? (size_t)(amp - body) : len;
		if (end > i) {
			const char *eq = memchr(body + i, '=', end - i);
			size_t klen = eq ? (size_t)(eq - body) - i : end - i;
			size_t nlen, vlen = 0;
			char *name = decode(a, body + i, klen, &nlen);
			char *value = eq ? decode(a, eq + 1, end - klen - i - 1, &vlen)
					 : kb_arena_strdup(a, "");
			if (!name || !value)
				return -1;
			kb_form_field *f = push(a, out, &cap);
			if (!f)
				return -1;
			f->name = name;
			f->value = value;
			f->len = vlen;
			f->type = "";
		}
		i = end + 1;
	}
	return 0;
}

/* Case-insensitive prefix test. */
static int has_prefix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);
	return n >= k && !strncasecmp(s, p, k);
}

/*
 * Finds parameter name (name="..." or name=token) in a header value such
 * as 'form-data; name="title"; filename="a.jpg"'. Returns an arena copy or
 * NULL. Quoted values end at the next quote; browsers escape quotes in
 * names as %22.
 */
static char *param(kb_arena *a, const char *v, size_t n, const char *name)
{
	size_t k = strlen(name);
	size_t i = 0;
	while (i < n) {
		/* Parameters start after a ';'. */
		const char *semi = memchr(v + i, ';', n - i);
		if (!semi)
			return NULL;
		i = (size_t)(semi - v) + 1;
		while (i < n && (v[i] == ' ' || v[i] == '\t'))
			i++;
		if (n - i > k && !strncasecmp(v + i, name, k) && v[i + k] == '=') {
			i += k + 1;
			if (i < n && v[i] == '"') {
				const char *q = memchr(v + i + 1, '"', n - i - 1);
				if (!q)
					return NULL;
				return kb_arena_strndup(a, v + i + 1, (size_t)(q - v) - i - 1);
			}
			size_t s = i;
			while (i < n && v[i] != ';' && v[i] != ' ')
				i++;
			return kb_arena_strndup(a, v + s, i - s);
		}
	}
	return NULL;
}

int form_parse_multipart(kb_arena *a, const char *content_type, const char *body, size_t len, kb_form *out)
{
	size_t cap = 0;
	out->fields = NULL;
	out->n = 0;
	size_t ctlen = strlen(content_type);
	if (!has_prefix(content_type, ctlen, "multipart/form-data"))
		return -1;
	char *boundary = param(a, content_type, ctlen, "boundary");
	size_t blen = boundary ? strlen(boundary) : 0;
	if (!blen || blen > 200)
		return -1;
	/* delim is "\r\n--boundary"; the body starts with "--boundary". */
	char *delim = kb_arena_printf(a, "\r\n--%s", boundary);
	size_t dlen = blen + 4;
	if (len < dlen - 2 || memcmp(body, delim + 2, dlen - 2))
		return -1;
	size_t i = dlen - 2;
	for (;;) {
		/* After a delimiter: "--" ends the body, CRLF starts a part. */
		if (len - i >= 2 && body[i] == '-' && body[i + 1] == '-')
			return 0;
		if (len - i < 2 || body[i] != '\r' || body[i + 1] != '\n')
			return -1;
		i += 2;
		/* Part headers, up to an empty line. */
		char *name = NULL, *filename = NULL, *type = "";
		for (;;) {
			const char *crlf = memmem(body + i, len - i, "\r\n", 2);
			if (!crlf)
				return -1;
			size_t hlen = (size_t)(crlf - body) - i;
			const char *h = body + i;
			i += hlen + 2;
			if (!hlen)
				break;
			if (hlen > 1024)
				return -1;
			if (has_prefix(h, hlen, "content-disposition:")) {
				name = param(a, h, hlen, "name");
				filename = param(a, h, hlen, "filename");
			} else if (has_prefix(h, hlen, "content-type:")) {
				size_t s = 13;
				while (s < hlen && h[s] == ' ')
					s++;
				type = kb_arena_strndup(a, h + s, hlen - s);
			}
		}
		const char *end = memmem(body + i, len - i, delim, dlen);
		if (!end)
			return -1;
		size_t vlen = (size_t)(end - body) - i;
		if (!name || !kb_utf8_valid(name, strlen(name), NULL) ||
		    (filename && !kb_utf8_valid(filename, strlen(filename), NULL)) ||
		    !kb_utf8_valid(type, strlen(type), NULL))
			return -1;
		kb_form_field *f = push(a, out, &cap);
		if (!f)
			return -1;
		f->name = name;
		f->filename = filename;
		f->type = type;
		f->len = vlen;
		if (filename) {
			f->value = body + i;
		} else {
			if (memchr(body + i, 0, vlen) || !kb_utf8_valid(body + i, vlen, NULL))
				return -1;
			f->value = kb_arena_strndup(a, body + i, vlen);
		}
		i = (size_t)(end - body) + dlen;
	}
}

const kb_form_field *form_get(const kb_form *f, const char *name)
{
	for (size_t i = 0; f && i < f->n; i++)
		if (!strcmp(f->fields[i].name, name))
			return &f->fields[i];
	return NULL;
}

const char *cookie_get(kb_arena *a, const char *header, size_t len, const char *name)
{
	size_t k = strlen(name);
	size_t i = 0;
	while (i < len) {
		while (i < len && (header[i] == ' ' || header[i] == ';'))
			i++;
		const char *semi = memchr(header + i, ';', len - i);
		size_t end = semi ? (size_t)(semi - header) : len;
		if (end - i > k && !memcmp(header + i, name, k) && header[i + k] == '=')
			return kb_arena_strndup(a, header + i + k + 1, end - i - k - 1);
		i = end;
	}
	return NULL;
}
