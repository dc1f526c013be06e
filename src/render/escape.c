/*
 * escape.c: HTML, URL and JSON escaping (see escape.h). Byte-oriented: UTF-8
 * passes through untouched, since none of the bytes escaped here can appear
 * inside a multi-byte sequence.
 */
#include "escape.h"

#include <string.h>
#include <strings.h>

void html_escape(kb_buf *out, const char *s, size_t n)
{
	kb_buf_reserve(out, n);
	size_t run = 0; /* start of the pending run of plain bytes */
	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		kb_buf_append(out, s + run, i - run);
		kb_buf_puts(out, rep);
		run = i + 1;
	}
	kb_buf_append(out, s + run, n - run);
}

int url_is_safe(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	if (n >= 1 && s[0] == '/')
		return n == 1 || (s[1] != '/' && s[1] != '\\');
	static const char *const schemes[] = {"https://", "http://", "mailto:"};
	for (size_t i = 0; i < KB_COUNT(schemes); i++) {
		size_t k = strlen(schemes[i]);
		if (n > k && !strncasecmp(s, schemes[i], k))
			return 1;
	}
	return 0;
}

void url_encode(kb_buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '_' || c == '.' || c == '~') {
			kb_buf_putc(out, (char)c);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			kb_buf_append(out, e, 3);
		}
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int url_decode(kb_buf *out, const char *s, size_t n, int plus_space)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			int h, l;
			if (n - i < 3 || (h = hexval(s[i + 1])) < 0 || (l = hexval(s[i + 2])) < 0)
				return -1;
			kb_buf_putc(out, (char)(h * 16 + l));
			i += 2;
		} else if (s[i] == '+' && plus_space) {
			kb_buf_putc(out, ' ');
		} else {
			kb_buf_putc(out, s[i]);
		}
	}
	return 0;
}

void json_escape(kb_buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&')
			continue;
		kb_buf_append(out, s + run, i - run);
		switch (c) {
		case '"': kb_buf_puts(out, "\\\""); break;
		case '\\': kb_buf_puts(out, "\\\\"); break;
		case '\n': kb_buf_puts(out, "\\n"); break;
		case '\r': kb_buf_puts(out, "\\r"); break;
		case '\t': kb_buf_puts(out, "\\t"); break;
		default: {
			char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			kb_buf_append(out, e, 6);
		}
		}
		run = i + 1;
	}
	kb_buf_append(out, s + run, n - run);
}

void xml_escape(kb_buf *out, const char *s, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
			html_escape(out, s + run, i - run);
			run = i + 1;
		}
	}
	html_escape(out, s + run, n - run);
}

void xml_escape_html_text(kb_buf *out, const char *s, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *rep;
		switch (c) {
		case '&': rep = "&amp;amp;"; break;
		case '<': rep = "&amp;lt;"; break;
		case '>': rep = "&amp;gt;"; break;
		default:
			if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
				continue;
			rep = ""; /* XML 1.0 forbids it */
		}
		xml_escape(out, s + run, i - run);
		kb_buf_puts(out, rep);
		run = i + 1;
	}
	xml_escape(out, s + run, n - run);
}
