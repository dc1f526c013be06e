/*
 * header.h: what khabar may put on the wire as a response header. Every
 * header value the server sends passes http_value_ok (send.c refuses
 * the rest), every redirect's Location is made by http_location (so it
 * never leaves the site), and cookies are formatted by http_cookie. All
 * take buffers and need only src/core, so tests/fuzz/fuzz_header.c fuzzes
 * them with an oracle.
 *
 * Not here: which headers a response gets (dispatch.c, send.c), or what a
 * redirect means (the handlers).
 */
#ifndef KB_HEADER_H
#define KB_HEADER_H

#include <stddef.h>

#include "../core/core.h"

/* Whether v[0..n) may be sent as a header value (RFC 9110 field-value):
 * visible ASCII, bytes from 0x80, spaces and tabs inside; never CR, LF,
 * NUL, DEL or another control byte, which would end the header line and
 * let the value add headers of its own. */
int http_value_ok(const char *v, size_t n);

/* Whether name[0..n) is a header or cookie name: a non-empty RFC 9110
 * token. */
int http_name_ok(const char *name, size_t n);

/* The reason phrase for status (RFC 9110's, "Unauthorized" for 401); a
 * code it does not know gets its class's (4xx: "Bad Request"). */
const char *http_reason(int status);

/*
 * The Location value for a redirect to target, which must stay on this
 * site. target is a path ("/news/x", "/tips/sent?ref=AB12") or an absolute
 * URL under origin (the site's "https://host[:port]", no path; NULL or ""
 * when unknown), which is cut to its path. With is_path, target is a
 * decoded request path and '?', '#' and '%' are part of it; otherwise it is
 * a URL reference a handler built, whose query and escapes stand. Either
 * way every byte outside visible ASCII, and '\', is percent-encoded, so
 * the value is plain ASCII a browser cannot read as another host.
 *
 * Returns the value (in a), or NULL when target would leave the site: it
 * is not a path, starts "//" or "/\" (scheme-relative), or names another
 * origin.
 */
const char *http_location(kb_arena *a, const char *target, const char *origin, int is_path);

/*
 * Appends a Set-Cookie value to out: name=value with Path, HttpOnly and
 * SameSite=Lax, Max-Age=0 when value is NULL (deleting it), Max-Age when
 * max_age > 0, and Secure when secure. Returns 0, or -1 with nothing
 * appended when name is not a token or value or path holds a byte a
 * cookie cannot carry (RFC 6265: no controls, spaces, '"', ',', ';', '\').
 */
int http_cookie(kb_buf *out, const char *name, const char *value, const char *path, int max_age, int secure);

#endif
