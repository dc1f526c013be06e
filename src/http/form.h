/*
 * form.h: parsers for what browsers send in a POST body
 * (application/x-www-form-urlencoded and multipart/form-data) and in the
 * Cookie header. They take buffers, never sockets, so they can be fuzzed
 * (tests/fuzz/fuzz_form.c), and they need only src/core.
 *
 * Every text value is checked: valid UTF-8 without NUL bytes, or the whole
 * form is refused. File parts are kept as bytes, pointing into the body
 * (which must outlive the form); everything else is allocated in the arena.
 */
#ifndef KB_FORM_H
#define KB_FORM_H

#include <stddef.h>

#include "../core/core.h"

typedef struct kb_form_field {
	const char *name;
	const char *value; /* text: NUL-terminated; file: raw bytes */
	size_t len;
	const char *filename; /* NULL unless the part is a file */
	const char *type;     /* a file part's Content-Type, or "" */
} kb_form_field;

typedef struct kb_form {
	kb_form_field *fields;
	size_t n;
} kb_form;

/* The most fields one form may have. */
#define FORM_MAX_FIELDS 256

/* Parses "a=1&b=%E0%A4%95+x" into out. Returns 0, or -1 when the body is
 * malformed (bad escape, invalid UTF-8, NUL, too many fields). */
int form_parse_urlencoded(kb_arena *a, const char *body, size_t len, kb_form *out);

/*
 * Parses a multipart/form-data body whose Content-Type header value is
 * content_type (the boundary comes from it). Returns 0, or -1 when the
 * body is malformed or a text part is not UTF-8.
 */
int form_parse_multipart(kb_arena *a, const char *content_type, const char *body, size_t len, kb_form *out);

/* The first field called name, or NULL. */
const kb_form_field *form_get(const kb_form *f, const char *name);

/* The value of cookie name in a Cookie header ("a=1; b=2"), arena copy,
 * or NULL. */
const char *cookie_get(kb_arena *a, const char *header, size_t len, const char *name);

#endif
