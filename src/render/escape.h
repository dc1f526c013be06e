/*
 * escape.h: output escaping for HTML, URLs and JSON. The template engine
 * calls html_escape for every value unless the template says raw; page code
 * calls these directly only when it builds markup outside templates.
 */
#ifndef KB_ESCAPE_H
#define KB_ESCAPE_H

#include "../core/core.h"

/* Appends s[0..n) with & < > " ' escaped: safe in text and in quoted
 * attribute values. */
void html_escape(kb_buf *out, const char *s, size_t n);

/* Returns 1 if s is a URL safe to put in href/src: http:, https:, mailto:,
 * or a path starting with a single "/". Rejects javascript:, data: and the
 * like, and control characters. */
int url_is_safe(const char *s, size_t n);

/* Appends s percent-encoded for use inside a URL query value (RFC 3986
 * unreserved characters kept). */
void url_encode(kb_buf *out, const char *s, size_t n);

/* Decodes %XX and (if plus_space) '+' in s into out. Returns -1 for a bad
 * escape, else 0. The result may contain any bytes: validate it. */
int url_decode(kb_buf *out, const char *s, size_t n, int plus_space);

/* Appends s as the inside of a JSON string (no quotes), escaping quotes,
 * backslashes, control characters, and < > & so it is safe in <script>. */
void json_escape(kb_buf *out, const char *s, size_t n);

/* Appends s[0..n) escaped for XML 1.0 text and attribute values (& < > "
 * ' as entities) and drops the control characters XML 1.0 forbids (all
 * below 0x20 except tab, newline and carriage return), so a stray byte in
 * a title cannot make a feed or sitemap unparsable. */
void xml_escape(kb_buf *out, const char *s, size_t n);

/* Appends plain text s[0..n) as HTML inside XML: & < > escaped for HTML,
 * then everything for XML as xml_escape does. For feed elements that
 * readers take as HTML (RSS title and description): after the XML parser's
 * one decoding the text holds no '<', so a reader that renders it as HTML
 * shows s's characters, never markup from them. */
void xml_escape_html_text(kb_buf *out, const char *s, size_t n);

#endif
