/*
 * compose.c: the digest's mails as bytes (see digest.h): Hindi text and
 * HTML parts of one multipart/alternative message, with the headers of
 * RFC 2369 and RFC 8058 that let a mail program unsubscribe in one click.
 * The headers every mail shares and base64 come from src/tips/mail.c.
 * Pure: no I/O, no store.
 */
#include <stdio.h>
#include <string.h>

#include "../core/crypto.h"
#include "../render/escape.h"
#include "../tips/tips.h"
#include "digest.h"

/* The HTML of s, escaped. */
static void h(kb_buf *out, const char *s)
{
	html_escape(out, s, strlen(s));
}

/* A story's canonical URL: the site's, no tracking parameters. */
static void story_url(kb_buf *out, const digest_mail *m, const char *slug)
{
	kb_buf_printf(out, "%s/news/", m->base_url);
	url_encode(out, slug, strlen(slug));
}

/* The headers up to the body's: the shared ones, then List-* when the
 * mail has an unsubscribe link, and the multipart type with boundary. */
static void head(kb_buf *out, const digest_mail *m, const char *subject, const char *boundary)
{
	tips_mail mail = {.from = m->from,
			  .from_name = m->site_name,
			  .to = m->to,
			  .subject = subject,
			  .message_id = m->message_id,
			  .date = m->date};
	tips_mail_headers(out, &mail);
	if (m->unsubscribe_url && *m->unsubscribe_url) {
		kb_buf_printf(out, "List-Unsubscribe: <%s>", m->unsubscribe_url);
		if (m->mailto && *m->mailto)
			kb_buf_printf(out, ",\r\n <mailto:%s?subject=unsubscribe>", m->mailto);
		kb_buf_puts(out, "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
		kb_buf_puts(out, "List-Id: ");
		tips_rfc2047(out, m->site_name, strlen(m->site_name));
		const char *host = strstr(m->base_url, "://");
		host = host ? host + 3 : m->base_url;
		kb_buf_printf(out, " <digest.%.*s>\r\nPrecedence: bulk\r\n", (int)strcspn(host, ":/"), host);
	}
	kb_buf_printf(out,
		      "Auto-Submitted: auto-generated\r\nContent-Type: multipart/alternative; "
		      "boundary=\"%s\"\r\n\r\nThis is a message in Hindi, in text and HTML.\r\n",
		      boundary);
}

/* One part of the multipart body: type, then text in base64. */
static void part(kb_buf *out, const char *boundary, const char *type, const char *text)
{
	kb_buf_printf(
		out,
		"\r\n--%s\r\nContent-Type: %s; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
		boundary, type);
	tips_mail_base64(out, text);
}

/* The whole message: head, the text part, the HTML part, the end. */
static void message(kb_buf *out, const digest_mail *m, const char *subject, const kb_buf *text,
		    const kb_buf *html)
{
	char hash[65], boundary[40];
	kb_sha256_hex(m->message_id, strlen(m->message_id), hash);
	snprintf(boundary, sizeof boundary, "=_khabar_%.24s", hash);
	head(out, m, subject, boundary);
	part(out, boundary, "text/plain", kb_buf_str(text));
	part(out, boundary, "text/html", kb_buf_str(html));
	kb_buf_printf(out, "\r\n--%s--\r\n", boundary);
}

/* The HTML document around the body: one column, legible on a phone,
 * no images or anything fetched from elsewhere. */
static void html_open(kb_buf *out, const digest_mail *m, const char *title)
{
	kb_buf_puts(out, "<!doctype html>\n<html lang=\"hi\"><head><meta charset=\"utf-8\">"
			 "<meta name=\"viewport\" content=\"width=device-width\"><title>");
	h(out, title);
	kb_buf_puts(
		out,
		"</title></head>\n<body style=\"margin:0;padding:16px;font-family:sans-serif;"
		"font-size:17px;line-height:1.6;color:#1a1a1a;background:#fff\">\n"
		"<div style=\"max-width:600px;margin:0 auto\">\n<p style=\"font-size:22px;font-weight:bold;"
		"margin:0 0 8px\"><a href=\"");
	h(out, m->base_url);
	kb_buf_puts(out, "/\" style=\"color:#b3001b;text-decoration:none\">");
	h(out, m->site_name);
	kb_buf_puts(out, "</a></p>\n");
}

/* The foot of every mail that has a subscription: why it came, the
 * preferences page and the unsubscribe link. */
static void foot(kb_buf *text, kb_buf *html, const digest_mail *m)
{
	kb_buf_printf(text,
		      "\n--\nयह ईमेल आपको इसलिए मिला क्योंकि आपने %s की ईमेल सूची के लिए साइन अप किया था।\n"
		      "पसंद बदलें: %s\nसदस्यता छोड़ें: %s\n",
		      m->site_name, m->manage_url, m->unsubscribe_url);
	kb_buf_puts(html, "<hr style=\"border:0;border-top:1px solid #ddd;margin:24px 0 12px\">\n"
			  "<p style=\"font-size:14px;color:#555\">यह ईमेल आपको इसलिए मिला क्योंकि आपने ");
	h(html, m->site_name);
	kb_buf_puts(html, " की ईमेल सूची के लिए साइन अप किया था।<br><a href=\"");
	h(html, m->manage_url);
	kb_buf_puts(html, "\" style=\"color:#b3001b\">पसंद बदलें</a> · <a href=\"");
	h(html, m->unsubscribe_url);
	kb_buf_puts(html, "\" style=\"color:#b3001b\">सदस्यता छोड़ें</a></p>\n</div></body></html>\n");
}

void digest_compose_daily(kb_buf *out, const digest_mail *m, const char *day_label,
			  const kb_digest_story *stories, size_t n)
{
	kb_buf text = {0}, html = {0}, subject = {0};
	kb_buf_printf(&subject, "%s: आज की प्रमुख खबरें, %s", m->site_name, day_label);
	kb_buf_printf(&text, "%s\nआज की प्रमुख खबरें, %s\n\n", m->site_name, day_label);
	html_open(&html, m, kb_buf_str(&subject));
	kb_buf_puts(&html, "<h1 style=\"font-size:20px;margin:0 0 16px\">आज की प्रमुख खबरें, ");
	h(&html, day_label);
	kb_buf_puts(&html, "</h1>\n");
	for (size_t i = 0; i < n; i++) {
		const kb_digest_story *s = &stories[i];
		kb_buf url = {0};
		story_url(&url, m, s->slug);
		kb_buf_printf(&text, "%zu. %s%s\n", i + 1, s->breaking ? "[ब्रेकिंग] " : "", s->title);
		if (*s->summary)
			kb_buf_printf(&text, "%s\n", s->summary);
		kb_buf_printf(&text, "%s\n\n", kb_buf_str(&url));
		kb_buf_puts(&html, "<div style=\"margin:0 0 20px\">");
		if (*s->category || s->breaking) {
			kb_buf_puts(&html, "<p style=\"margin:0;font-size:14px;color:#b3001b\">");
			if (s->breaking)
				kb_buf_puts(&html, "ब्रेकिंग");
			if (s->breaking && *s->category)
				kb_buf_puts(&html, " · ");
			h(&html, s->category);
			kb_buf_puts(&html, "</p>");
		}
		kb_buf_puts(&html, "<h2 style=\"font-size:19px;margin:0 0 4px\"><a href=\"");
		h(&html, kb_buf_str(&url));
		kb_buf_puts(&html, "\" style=\"color:#1a1a1a\">");
		h(&html, s->title);
		kb_buf_puts(&html, "</a></h2>");
		if (*s->summary) {
			kb_buf_puts(&html, "<p style=\"margin:0\">");
			h(&html, s->summary);
			kb_buf_puts(&html, "</p>");
		}
		kb_buf_puts(&html, "</div>\n");
		kb_buf_free(&url);
	}
	kb_buf_printf(&text, "सारी खबरें: %s/\n", m->base_url);
	foot(&text, &html, m);
	message(out, m, kb_buf_str(&subject), &text, &html);
	kb_buf_free(&text);
	kb_buf_free(&html);
	kb_buf_free(&subject);
}

void digest_compose_breaking(kb_buf *out, const digest_mail *m, const kb_digest *d)
{
	kb_buf text = {0}, html = {0}, subject = {0}, url = {0};
	kb_buf_printf(&subject, "ब्रेकिंग: %s", d->title);
	if (d->url[0] == '/')
		kb_buf_puts(&url, m->base_url);
	kb_buf_puts(&url, d->url);
	kb_buf_printf(&text, "%s\nब्रेकिंग न्यूज़\n\n%s\n", m->site_name, d->title);
	if (*d->body)
		kb_buf_printf(&text, "%s\n", d->body);
	kb_buf_printf(&text, "%s\n", kb_buf_str(&url));
	html_open(&html, m, kb_buf_str(&subject));
	kb_buf_puts(&html, "<p style=\"margin:0;font-size:14px;color:#b3001b;font-weight:bold\">ब्रेकिंग न्यूज़</p>"
			   "<h1 style=\"font-size:21px;margin:0 0 8px\"><a href=\"");
	h(&html, kb_buf_str(&url));
	kb_buf_puts(&html, "\" style=\"color:#1a1a1a\">");
	h(&html, d->title);
	kb_buf_puts(&html, "</a></h1>\n");
	if (*d->body) {
		kb_buf_puts(&html, "<p style=\"margin:0 0 12px\">");
		h(&html, d->body);
		kb_buf_puts(&html, "</p>\n");
	}
	kb_buf_puts(&html, "<p><a href=\"");
	h(&html, kb_buf_str(&url));
	kb_buf_puts(&html, "\" style=\"color:#b3001b\">पूरी खबर पढ़ें</a></p>\n");
	foot(&text, &html, m);
	message(out, m, kb_buf_str(&subject), &text, &html);
	kb_buf_free(&text);
	kb_buf_free(&html);
	kb_buf_free(&subject);
	kb_buf_free(&url);
}

void digest_compose_confirm(kb_buf *out, const digest_mail *m, const char *confirm_url)
{
	kb_buf text = {0}, html = {0}, subject = {0};
	kb_buf_printf(&subject, "%s: ईमेल सदस्यता की पुष्टि करें", m->site_name);
	kb_buf_printf(&text,
		      "नमस्ते,\n\n%s की ईमेल सूची के लिए इस पते से साइन अप किया गया है। सदस्यता शुरू करने के "
		      "लिए यह लिंक खोलें:\n\n%s\n\nयह लिंक 7 दिन तक चलेगा। अगर आपने साइन अप नहीं किया था, तो "
		      "कुछ न करें: पुष्टि के बिना आपको कोई और ईमेल नहीं भेजा जाएगा।\n\n--\n%s\n%s/\n",
		      m->site_name, confirm_url, m->site_name, m->base_url);
	html_open(&html, m, kb_buf_str(&subject));
	kb_buf_puts(&html, "<p>नमस्ते,</p>\n<p>");
	h(&html, m->site_name);
	kb_buf_puts(&html, " की ईमेल सूची के लिए इस पते से साइन अप किया गया है। सदस्यता शुरू करने के लिए "
			   "नीचे का बटन दबाएँ।</p>\n<p><a href=\"");
	h(&html, confirm_url);
	kb_buf_puts(&html,
		    "\" style=\"display:inline-block;padding:12px 20px;background:#b3001b;color:#fff;"
		    "text-decoration:none;border-radius:6px\">सदस्यता की पुष्टि करें</a></p>\n"
		    "<p style=\"font-size:14px;color:#555\">यह लिंक 7 दिन तक चलेगा। अगर आपने साइन अप नहीं किया "
		    "था, तो कुछ न करें: पुष्टि के बिना आपको कोई और ईमेल नहीं भेजा जाएगा।</p>\n"
		    "</div></body></html>\n");
	message(out, m, kb_buf_str(&subject), &text, &html);
	kb_buf_free(&text);
	kb_buf_free(&html);
	kb_buf_free(&subject);
}
