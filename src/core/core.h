/*
 * core.h: the small pieces everything else stands on: a growable string
 * buffer (kb_buf), a per-request arena (kb_arena), fatal errors, logging,
 * the clock and the process time zone. Cryptography is in crypto.h.
 * Nothing here does network or database I/O.
 *
 * Out of memory is a bug-class failure for khabar: the allocation helpers
 * abort through kb_fatal() instead of returning NULL, so callers never check.
 */
#ifndef KB_CORE_H
#define KB_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define KB_COUNT(a) (sizeof(a) / sizeof((a)[0]))
/* A number macro's value as a string literal, for SQL text. */
#define KB_STRINGIFY_(x) #x
#define KB_STRINGIFY(x) KB_STRINGIFY_(x)
#define KB_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Prints "khabar: MESSAGE" to stderr and exits with status 1. */
_Noreturn void kb_fatal(const char *fmt, ...) KB_PRINTF(1, 2);

/* Logs one line to stderr in key=value shape (logfmt):
 *   ts=2026-12-03T14:45:23Z level=warn msg="cannot ... : \"why\""
 * the UTC time, the level (info, warn, error) and the message, quoted. */
void kb_log(const char *level, const char *fmt, ...) KB_PRINTF(2, 3);
#define kb_info(...) kb_log("info", __VA_ARGS__)
#define kb_warn(...) kb_log("warn", __VA_ARGS__)
#define kb_error(...) kb_log("error", __VA_ARGS__)

/* malloc/realloc/strdup that abort on failure. Free with free(). */
void *kb_malloc(size_t n);
void *kb_calloc(size_t n, size_t size);
void *kb_realloc(void *p, size_t n);
char *kb_strdup(const char *s);
char *kb_strndup(const char *s, size_t n);

/*
 * kb_buf: a byte string that grows. data is always NUL-terminated (when
 * non-NULL) so it can be handed to C APIs, but len is the truth: the bytes
 * may contain NULs. A zeroed kb_buf is a valid empty buffer.
 */
typedef struct kb_buf {
	char *data;
	size_t len;
	size_t cap;
} kb_buf;

void kb_buf_reserve(kb_buf *b, size_t extra);
void kb_buf_append(kb_buf *b, const void *p, size_t n);
void kb_buf_puts(kb_buf *b, const char *s);
/* Inline: the text engine appends one byte at a time in its inner loops. */
static inline void kb_buf_putc(kb_buf *b, char c)
{
	if (b->len + 2 > b->cap)
		kb_buf_reserve(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = 0;
}
void kb_buf_printf(kb_buf *b, const char *fmt, ...) KB_PRINTF(2, 3);
void kb_buf_vprintf(kb_buf *b, const char *fmt, va_list ap);
/* Empties the buffer, keeping its memory. */
void kb_buf_reset(kb_buf *b);
/* Frees the memory; the buffer is then empty and reusable. */
void kb_buf_free(kb_buf *b);
/* Hands the bytes to the caller (free() them); the buffer becomes empty. */
char *kb_buf_take(kb_buf *b, size_t *len);
/* The buffer's text, "" while it is empty: a zeroed kb_buf has no memory
 * yet, so data is NULL until the first byte. Valid until b next changes. */
static inline const char *kb_buf_str(const kb_buf *b)
{
	return b->data ? b->data : "";
}

/*
 * kb_arena: bump allocation in chunks, all freed at once by kb_arena_free().
 * Each request owns one, so nothing allocated for a request can leak.
 */
typedef struct kb_arena_chunk kb_arena_chunk;
typedef struct kb_arena {
	kb_arena_chunk *head;
} kb_arena;

void *kb_arena_alloc(kb_arena *a, size_t n);
char *kb_arena_strndup(kb_arena *a, const char *s, size_t n);
/* Copies b's text into a (NUL-terminated, "" when empty) and frees b: the
 * end of building a text whose result lives as long as the arena. */
char *kb_buf_to_arena(kb_arena *a, kb_buf *b);
char *kb_arena_strdup(kb_arena *a, const char *s);
char *kb_arena_printf(kb_arena *a, const char *fmt, ...) KB_PRINTF(2, 3);
void kb_arena_free(kb_arena *a);
/* An arena array v of len elements of size bytes with room for *cap: when
 * it is full, a copy with room for twice as many (8 when *cap is 0), else
 * v itself. */
void *kb_arena_grow(kb_arena *a, void *v, size_t len, size_t *cap, size_t size);

/* Appends the whole file at path ("-" for standard input) to out.
 * Returns 0, or -1 if it cannot be opened or read (errno says why). */
int kb_read_file(const char *path, kb_buf *out);
/* Replaces the file at path with p[0..n), permissions mode, all at once:
 * written to a temporary file beside it, synced, then renamed, so a
 * reader (or a crash) sees the old file or the new one, never half.
 * Returns 0, or -1 (errno says why; the old file stays). */
int kb_write_file(const char *path, const void *p, size_t n, int mode);

/* Validates UTF-8 (no overlongs, surrogates or values past U+10FFFF).
 * Returns 1 if s[0..n) is valid, else 0 and, if bad_at is not NULL, the byte
 * offset of the first invalid sequence. */
int kb_utf8_valid(const char *s, size_t n, size_t *bad_at);
/* Whether s[0..n) holds only ASCII letters, digits and bytes of extra
 * (a NUL-terminated set, "-_" say): names in headers, hosts, topics. */
int kb_ascii_name(const char *s, size_t n, const char *extra);

/* 64-bit FNV-1a hash of n bytes. Used for ETags and hash tables. */
uint64_t kb_hash64(const void *p, size_t n);

/* Current time: seconds since the epoch, and a monotonic clock in ns. */
int64_t kb_now(void);
/* Makes kb_now() return t from now on (0: the real clock again). For
 * tests only: "khabar serve --fake-clock FILE" is the one caller. */
void kb_clock_fake(int64_t t);
uint64_t kb_mono_ns(void);

/* Sets the process time zone, the site's (tz as in TZ, "Asia/Kolkata";
 * NULL or "" keeps the current one). Call before threads start. */
void kb_set_timezone(const char *tz);
/* localtime_r of t in the zone kb_set_timezone set, faster (core.c). */
struct tm;
void kb_localtime(int64_t t, struct tm *out);

/* Parses a date as the site's local time ("2025-11-04 14:30", optional
 * ":SS") or ISO 8601 with an offset ("2025-11-04T14:30:00+05:30", "...Z").
 * Returns 0 and the UTC seconds in *out, or -1. */
int kb_parse_time(const char *s, int64_t *out);

#endif
