/*
 * header.c: header values, redirect targets and cookies as they go on the
 * wire (header.h). Pure functions over buffers: no h2o, no store.
 */
#include <string.h>
#include <strings.h>

#include "header.h"

int http_value_ok(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 0;
	}
	return 1;
}

/* RFC 9110 tchar. */
static int is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

int http_name_ok(const char *name, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_tchar((unsigned char)name[i]))
			return 0;
	return 1;
}

const char *http_reason(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 101: return "Switching Protocols";
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 203: return "Non-Authoritative Information";
	case 204: return "No Content";
	case 205: return "Reset Content";
	case 206: return "Partial Content";
	case 300: return "Multiple Choices";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 307: return "Temporary Redirect";
	case 308: return "Permanent Redirect";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 402: return "Payment Required";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 407: return "Proxy Authentication Required";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 411: return "Length Required";
	case 412: return "Precondition Failed";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 416: return "Range Not Satisfiable";
	case 417: return "Expectation Failed";
	case 421: return "Misdirected Request";
	case 422: return "Unprocessable Content";
	case 425: return "Too Early";
	case 426: return "Upgrade Required";
	case 428: return "Precondition Required";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 451: return "Unavailable For Legal Reasons";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	case 505: return "HTTP Version Not Supported";
	}
	/* RFC 9110 §15: an unknown code is understood as its class's x00. */
	if (status >= 100 && status < 600 && status % 100)
		return http_reason(status - status % 100);
	return "Internal Server Error";
}

/* Where target's path starts once an absolute URL under origin is cut
 * off; NULL when target is absolute (has a scheme) but not under origin. */
static const char *strip_origin(const char *target, const char *origin)
{
	size_t n = origin ? strlen(origin) : 0;
	while (n && origin[n - 1] == '/')
		n--;
	if (n && !strncasecmp(target, origin, n) &&
	    (!target[n] || target[n] == '/' || target[n] == '?' || target[n] == '#'))
		return target[n] ? target + n : "/";
	/* A scheme ("https:", "javascript:") before any '/', '?' or '#'. */
	size_t s = strcspn(target, ":/?#");
	if (target[s] == ':')
		return NULL;
	return target;
}

const char *http_location(kb_arena *a, const char *target, const char *origin, int is_path)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!target)
		return NULL;
	const char *p = strip_origin(target, origin);
	/* "https://site?x=1" is the home page's "/?x=1". */
	int slash = p && p != target && (p[0] == '?' || p[0] == '#');
	if (!p || (!slash && (p[0] != '/' || p[1] == '/' || p[1] == '\\')))
		return NULL;
	/* Browsers drop tabs and newlines from a URL before reading it, so
	 * "/\t/evil" would be "//evil": encoded here, they stay in the path. */
	kb_buf loc = {0};
	if (slash)
		kb_buf_putc(&loc, '/');
	for (size_t i = 0; p[i]; i++) {
		unsigned char c = (unsigned char)p[i];
		int keep = c > 0x20 && c < 0x7f && c != '\\' && c != '"' && c != '<' && c != '>' &&
			   !(is_path && (c == '?' || c == '#' || c == '%'));
		if (keep) {
			kb_buf_putc(&loc, (char)c);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			kb_buf_append(&loc, e, 3);
		}
	}
	const char *v = kb_buf_to_arena(a, &loc);
	return v;
}

/* RFC 6265 cookie-octet. */
static int cookie_octets_ok(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c <= 0x20 || c >= 0x7f || c == '"' || c == ',' || c == ';' || c == '\\')
			return 0;
	}
	return 1;
}

int http_cookie(kb_buf *out, const char *name, const char *value, const char *path, int max_age, int secure)
{
	if (!name || !http_name_ok(name, strlen(name)) || (value && !cookie_octets_ok(value)) || !path ||
	    path[0] != '/' || !cookie_octets_ok(path))
		return -1;
	kb_buf_printf(out, "%s=%s; Path=%s; HttpOnly; SameSite=Lax", name, value ? value : "", path);
	if (!value)
		kb_buf_puts(out, "; Max-Age=0");
	else if (max_age > 0)
		kb_buf_printf(out, "; Max-Age=%d", max_age);
	if (secure)
		kb_buf_puts(out, "; Secure");
	return 0;
}
