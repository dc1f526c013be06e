/*
 * core.c: allocation helpers, kb_buf, kb_arena, logging, UTF-8 validation,
 * the clock, the process time zone and reading dates typed by people.
 * See core.h for the contracts.
 */
#include "core.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

_Noreturn void kb_fatal(const char *fmt, ...)
{
	va_list ap;
	fputs("khabar: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void kb_log(const char *level, const char *fmt, ...)
{
	char ts[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	/* key=value, as logfmt reads it: the message quoted, with its quotes,
	 * backslashes and line breaks escaped, so one event is one line. */
	char msg[2 * sizeof line];
	size_t o = 0;
	for (const char *p = line; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\') {
			msg[o++] = '\\';
			msg[o++] = (char)c;
		} else if (c == '\n') {
			msg[o++] = '\\';
			msg[o++] = 'n';
		} else {
			msg[o++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
		}
	}
	msg[o] = 0;
	/* One fprintf per line: stderr is unbuffered, and a single call keeps
	 * lines from different threads from interleaving mid-line. */
	fprintf(stderr, "ts=%s level=%s msg=\"%s\"\n", ts, level, msg);
}

void *kb_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		kb_fatal("out of memory (%zu bytes)", n);
	return p;
}

void *kb_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		kb_fatal("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *kb_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		kb_fatal("out of memory (%zu bytes)", n);
	return q;
}

char *kb_strndup(const char *s, size_t n)
{
	char *p = kb_malloc(n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *kb_strdup(const char *s)
{
	return kb_strndup(s, strlen(s));
}

void kb_buf_reserve(kb_buf *b, size_t extra)
{
	if (extra > SIZE_MAX - b->len - 1)
		kb_fatal("buffer size overflow");
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	b->data = kb_realloc(b->data, cap);
	b->cap = cap;
}

void kb_buf_append(kb_buf *b, const void *p, size_t n)
{
	kb_buf_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
}

void kb_buf_puts(kb_buf *b, const char *s)
{
	kb_buf_append(b, s, strlen(s));
}

void kb_buf_vprintf(kb_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	kb_buf_reserve(b, 64);
	int n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	if (n < 0)
		kb_fatal("bad format string: %s", fmt);
	if ((size_t)n >= b->cap - b->len) {
		kb_buf_reserve(b, (size_t)n);
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap2);
	}
	va_end(ap2);
	b->len += (size_t)n;
}

void kb_buf_printf(kb_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kb_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void kb_buf_reset(kb_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = 0;
}

void kb_buf_free(kb_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *kb_buf_to_arena(kb_arena *a, kb_buf *b)
{
	char *s = kb_arena_strndup(a, kb_buf_str(b), b->len);
	kb_buf_free(b);
	return s;
}

char *kb_buf_take(kb_buf *b, size_t *len)
{
	if (!b->data)
		kb_buf_reserve(b, 0), b->data[0] = 0;
	char *p = b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

/* Arena chunks: a header followed by the usable bytes. */
struct kb_arena_chunk {
	kb_arena_chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char mem[];
};

void *kb_arena_alloc(kb_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	kb_arena_chunk *c = a->head;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > 16384 ? n : 16384;
		c = kb_malloc(sizeof *c + cap);
		c->used = 0;
		c->cap = cap;
		c->next = a->head;
		a->head = c;
	}
	void *p = c->mem + c->used;
	c->used += n;
	return p;
}

char *kb_arena_strndup(kb_arena *a, const char *s, size_t n)
{
	char *p = kb_arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *kb_arena_strdup(kb_arena *a, const char *s)
{
	return kb_arena_strndup(a, s, strlen(s));
}

char *kb_arena_printf(kb_arena *a, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		kb_fatal("bad format string: %s", fmt);
	char *p = kb_arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}

void *kb_arena_grow(kb_arena *a, void *v, size_t len, size_t *cap, size_t size)
{
	if (len < *cap)
		return v;
	size_t ncap = *cap ? 2 * *cap : 8;
	void *w = kb_arena_alloc(a, ncap * size);
	if (len)
		memcpy(w, v, len * size);
	*cap = ncap;
	return w;
}

void kb_arena_free(kb_arena *a)
{
	kb_arena_chunk *c = a->head;
	while (c) {
		kb_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
}

int kb_read_file(const char *path, kb_buf *out)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		return -1;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		kb_buf_append(out, chunk, n);
	int bad = ferror(f);
	if (f != stdin)
		fclose(f);
	return bad ? -1 : 0;
}

int kb_write_file(const char *path, const void *p, size_t n, int mode)
{
	kb_buf tmp = {0};
	const char *slash = strrchr(path, '/');
	if (slash)
		kb_buf_printf(&tmp, "%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1);
	else
		kb_buf_printf(&tmp, ".%s.XXXXXX", path);
	int fd = mkstemp(tmp.data);
	int rc = fd < 0 ? -1 : 0;
	for (size_t off = 0; !rc && off < n;) {
		ssize_t w = write(fd, (const char *)p + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			rc = -1;
		else
			off += (size_t)w;
	}
	/* Durable before it has its name: a crash must not leave an empty
	 * file under it. */
	if (!rc && (fchmod(fd, (mode_t)mode) || fsync(fd)))
		rc = -1;
	if (fd >= 0 && close(fd))
		rc = -1;
	if (!rc && rename(tmp.data, path))
		rc = -1;
	if (rc && fd >= 0) {
		int e = errno;
		unlink(tmp.data);
		errno = e;
	}
	kb_buf_free(&tmp);
	return rc;
}

int kb_ascii_name(const char *s, size_t n, const char *extra)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      (c && strchr(extra, c))))
			return 0;
	}
	return 1;
}

int kb_utf8_valid(const char *str, size_t n, size_t *bad_at)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t len;
		uint32_t cp, min;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2, cp = c & 0x1F, min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3, cp = c & 0x0F, min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4, cp = c & 0x07, min = 0x10000;
		} else {
			goto bad;
		}
		if (n - i < len)
			goto bad;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				goto bad;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			goto bad;
		i += len;
	}
	return 1;
bad:
	if (bad_at)
		*bad_at = i;
	return 0;
}

uint64_t kb_hash64(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 14695981039346656037ULL; /* FNV-1a 64: offset basis, prime */
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static _Atomic int64_t g_fake_now;

void kb_clock_fake(int64_t t)
{
	atomic_store(&g_fake_now, t);
}

int64_t kb_now(void)
{
	int64_t fake = atomic_load(&g_fake_now);
	return fake ? fake : (int64_t)time(NULL);
}

uint64_t kb_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static _Atomic unsigned g_tz_edition = 1; /* moves with each kb_set_timezone */

void kb_set_timezone(const char *tz)
{
	if (tz && *tz)
		setenv("TZ", tz, 1);
	tzset();
	atomic_fetch_add(&g_tz_edition, 1);
}

/*
 * glibc's localtime_r reads the zone's rule string again on every call for
 * a time past the zone's last listed transition (Asia/Kolkata's was in
 * 1945): 3% of an article page's render, which shows a dozen dates. The
 * offset from UTC changes only on a quarter hour (every zone's transitions
 * are on one), so each thread keeps the offset of the last quarter hour
 * it converted and works the rest out from UTC.
 */
void kb_localtime(int64_t t, struct tm *out)
{
	static _Thread_local struct {
		unsigned edition;
		int64_t quarter;
		long gmtoff;
		int isdst;
		const char *zone;
	} m;
	int64_t q = t >= 0 ? t / 900 : (t - 899) / 900;
	unsigned ed = atomic_load_explicit(&g_tz_edition, memory_order_relaxed);
	if (m.edition != ed || m.quarter != q) {
		time_t tt = (time_t)t;
		localtime_r(&tt, out);
		m.edition = ed;
		m.quarter = q;
		m.gmtoff = out->tm_gmtoff;
		m.isdst = out->tm_isdst;
		m.zone = out->tm_zone;
		return;
	}
	time_t local = (time_t)(t + m.gmtoff);
	gmtime_r(&local, out);
	out->tm_gmtoff = m.gmtoff;
	out->tm_isdst = m.isdst;
	out->tm_zone = m.zone;
}

int kb_parse_time(const char *s, int64_t *out)
{
	struct tm tm = {0};
	int y, mo, d, h = 0, mi = 0, sec = 0, used = 0;
	char sep;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3)
		return -1;
	const char *p = s + used;
	if (*p == 'T' || *p == ' ') {
		sep = *p++;
		(void)sep;
		int k = 0;
		if (sscanf(p, "%2d:%2d%n", &h, &mi, &k) != 2)
			return -1;
		p += k;
		if (*p == ':') {
			if (sscanf(p, ":%2d%n", &sec, &k) != 1)
				return -1;
			p += k;
		}
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	tm.tm_year = y - 1900, tm.tm_mon = mo - 1, tm.tm_mday = d;
	tm.tm_hour = h, tm.tm_min = mi, tm.tm_sec = sec;
	if (!*p) { /* local time of the site */
		tm.tm_isdst = -1;
		time_t t = mktime(&tm);
		if (t == (time_t)-1)
			return -1;
		*out = (int64_t)t;
		return 0;
	}
	int off = 0;
	if (*p == 'Z' && !p[1]) {
		off = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int oh, om;
		if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2)
			return -1;
		off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
	} else {
		return -1;
	}
	*out = (int64_t)timegm(&tm) - off;
	return 0;
}
