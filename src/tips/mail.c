/*
 * mail.c: the newsroom's mail about a tip, as bytes (see tips.h): the
 * subject and text, RFC 2047 encoded words for headers, and the RFC 5322
 * message with a base64 UTF-8 body. Pure functions over buffers: no I/O,
 * no libcurl (worker.c sends), so the fuzzer links this file alone.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tips.h"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Standard base64 (RFC 4648 §4, padded) of p[0..n), appended to out. */
static void base64(kb_buf *out, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i += 3) {
		size_t k = n - i < 3 ? n - i : 3;
		unsigned v = (unsigned)p[i] << 16 | (k > 1 ? (unsigned)p[i + 1] << 8 : 0) |
			     (k > 2 ? p[i + 2] : 0);
		char q[4] = {b64[v >> 18], b64[(v >> 12) & 63], k > 1 ? b64[(v >> 6) & 63] : '=',
			     k > 2 ? b64[v & 63] : '='};
		kb_buf_append(out, q, 4);
	}
}

/* The length of the UTF-8 sequence starting with byte c (1 for a stray
 * continuation byte, so the loop always moves on). */
static size_t seq_len(unsigned char c)
{
	return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

void tips_rfc2047(kb_buf *out, const char *s, size_t n)
{
	int ascii = 1;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			ascii = 0;
	/* "=?" inside plain text would read as an encoded word. */
	if (ascii && n <= 75 && !memmem(s, n, "=?", 2)) {
		kb_buf_append(out, s, n);
		return;
	}
	/* An encoded word is at most 75 characters: "=?UTF-8?B?" and "?=" take
	 * 12, leaving 63 for base64, so 45 bytes (60 characters) of text. The
	 * first shares its line with the header's name ("Subject: "), and a
	 * line holding an encoded word is at most 76 characters: 36 bytes. */
	size_t i = 0;
	int first = 1;
	while (i < n || first) {
		size_t k = 0, most = first ? 36 : 45;
		while (i + k < n) {
			size_t l = seq_len((unsigned char)s[i + k]);
			if (i + k + l > n)
				l = n - i - k;
			if (k + l > most)
				break;
			k += l;
		}
		if (!first)
			kb_buf_puts(out, "\r\n ");
		kb_buf_puts(out, "=?UTF-8?B?");
		base64(out, (const unsigned char *)s + i, k);
		kb_buf_puts(out, "?=");
		i += k;
		first = 0;
	}
}

/* A display name: plain ASCII as it is, ASCII with a character that
 * means something in an address ("Dainik, Khabar" would read as two) in
 * quotes, anything else encoded. */
static void display_name(kb_buf *out, const char *s)
{
	size_t n = strlen(s);
	int ascii = 1, special = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c > 0x7e)
			ascii = 0;
		else if (strchr("()<>[]:;@\\,.\"", c))
			special = 1;
	}
	if (!ascii || !special || memmem(s, n, "=?", 2)) {
		tips_rfc2047(out, s, n);
		return;
	}
	kb_buf_putc(out, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			kb_buf_putc(out, '\\');
		kb_buf_putc(out, s[i]);
	}
	kb_buf_putc(out, '"');
}

void tips_mail_headers(kb_buf *out, const tips_mail *m)
{
	char date[64];
	time_t t = (time_t)m->date;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	kb_buf_printf(out, "Date: %s\r\nFrom: ", date);
	if (m->from_name && *m->from_name) {
		display_name(out, m->from_name);
		kb_buf_putc(out, ' ');
	}
	kb_buf_printf(out, "<%s>\r\nTo: <%s>\r\nSubject: ", m->from, m->to);
	tips_rfc2047(out, m->subject, strlen(m->subject));
	kb_buf_printf(out, "\r\nMessage-ID: %s\r\nMIME-Version: 1.0\r\n", m->message_id);
}

void tips_mail_base64(kb_buf *out, const char *text)
{
	/* Lines of 76 characters (RFC 2045). */
	kb_buf crlf = {0}, enc = {0};
	for (const char *p = text; *p; p++) {
		if (*p == '\n' && (p == text || p[-1] != '\r'))
			kb_buf_putc(&crlf, '\r');
		kb_buf_putc(&crlf, *p);
	}
	base64(&enc, (const unsigned char *)(kb_buf_str(&crlf)), crlf.len);
	kb_buf_free(&crlf);
	for (size_t i = 0; i < enc.len; i += 76) {
		kb_buf_append(out, enc.data + i, enc.len - i < 76 ? enc.len - i : 76);
		kb_buf_puts(out, "\r\n");
	}
	kb_buf_free(&enc);
}

void tips_mail_build(kb_buf *out, const tips_mail *m)
{
	tips_mail_headers(out, m);
	kb_buf_puts(out, "Content-Type: text/plain; charset=UTF-8\r\n"
			 "Content-Transfer-Encoding: base64\r\nAuto-Submitted: auto-generated\r\n\r\n");
	tips_mail_base64(out, m->body);
}

static const char *kind_label(const char *kind)
{
	if (!strcmp(kind, "suggestion"))
		return "सुझाव";
	if (!strcmp(kind, "complaint"))
		return "समस्या";
	if (!strcmp(kind, "grievance"))
		return "शिकायत";
	return "खबर";
}

const char *tips_headline(kb_arena *a, const char *s, size_t max)
{
	size_t n = strcspn(s, "\r\n");
	for (size_t i = 0; i < n; i++) {
		if (!strncmp(s + i, "।", 3)) {
			n = i + 3;
			break;
		}
		if (s[i] == '?' || s[i] == '!' || (s[i] == '.' && (s[i + 1] == ' ' || i + 1 == n))) {
			n = i + 1;
			break;
		}
	}
	if (n <= max)
		return kb_arena_strndup(a, s, n);
	/* Too long: at the last space that fits, else a whole character. */
	size_t cut = max;
	while (cut && s[cut] != ' ')
		cut--;
	if (!cut)
		for (cut = max; cut && ((unsigned char)s[cut] & 0xc0) == 0x80;)
			cut--;
	return kb_arena_printf(a, "%.*s…", (int)cut, s);
}

void tips_mail_text(kb_arena *a, const kb_tip *t, const char *site, const char **subject, const char **body)
{
	*subject = kb_arena_printf(a, "नई %s (%s)%s%s: %s", kind_label(t->kind), t->ref,
				   *t->place ? ", " : "", t->place, tips_headline(a, t->body, 80));
	kb_buf b = {0};
	kb_buf_printf(
		&b, "पाठक से नई %s मिली है।\n\nसंदर्भ: %s\nप्रकार: %s\nजगह: %s\nनाम: %s\nसंपर्क: %s\nफ़ोटो: %zu\n\n",
		kind_label(t->kind), t->ref, kind_label(t->kind), t->place, *t->name ? t->name : "—",
		*t->contact ? t->contact : "—", t->nmedia);
	kb_buf_puts(&b, t->body);
	kb_buf_printf(&b, "\n\n--\nन्यूज़रूम में देखें: %s/newsroom/tips/%lld\n", site, (long long)t->id);
	*body = kb_buf_to_arena(a, &b);
}

int64_t tips_mail_backoff(int tries, int64_t first)
{
	if (tries >= TIPS_MAIL_TRIES)
		return 0;
	int64_t d = first;
	for (int i = 1; i < tries && d < 6 * 3600; i++)
		d *= 2;
	return d < 6 * 3600 ? d : 6 * 3600;
}

void tips_ack_text(kb_arena *a, const kb_tip *t, const kb_settings *site, const char **subject,
		   const char **body)
{
	*subject = kb_arena_printf(a, "आपकी शिकायत मिल गई (संदर्भ: %s)", t->ref);
	kb_buf b = {0};
	kb_buf_printf(&b,
		      "नमस्ते%s%s,\n\n%s को आपकी शिकायत मिल गई है। इसका संदर्भ नंबर %s है; आगे बात करते समय "
		      "यही नंबर बताएँ।\n\nसूचना प्रौद्योगिकी नियम, 2021 के अनुसार हम %s दिन के भीतर पावती "
		      "और %s दिन के भीतर निर्णय देते हैं।\n\nआपने लिखा:\n\n",
		      *t->name ? " " : "", t->name, site->name, t->ref, site->grievance_ack_days,
		      site->grievance_decide_days);
	kb_buf_puts(&b, t->body);
	kb_buf_printf(&b, "\n\n--\n%s\n%s/page/grievance-officer\n", site->name, site->base_url);
	*body = kb_buf_to_arena(a, &b);
}
