/*
 * frontmatter.h: parses an article file: a front matter block of
 * "key: value" lines between two "---" lines, then the Markdown body.
 * Works on a buffer (no I/O), so it can be fuzzed.
 */
#ifndef KB_FRONTMATTER_H
#define KB_FRONTMATTER_H

#include "../core/core.h"

typedef struct fm_field {
	const char *key, *value; /* NUL-terminated, in the arena */
	int line;
} fm_field;

typedef struct fm_doc {
	fm_field *fields;
	size_t nfields;
	const char *body; /* everything after the closing "---" line */
	size_t body_len;
} fm_doc;

/*
 * Parses buf[0..n). Returns 0, or -1 with *line set to the 1-based line of
 * the problem and a message in err. Input that is not valid UTF-8 is
 * rejected with the line of the first bad byte. Strings live in a.
 */
int fm_parse(kb_arena *a, const char *buf, size_t n, fm_doc *out, int *line, char *err, size_t errlen);

/* The value of key, or NULL. */
const fm_field *fm_get(const fm_doc *d, const char *key);

#endif
