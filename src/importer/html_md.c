/*
 * html_md.c: a WordPress post body (HTML) to khabar's Markdown. Not a
 * general HTML converter: it keeps what a news story needs and drops the
 * rest, through an allowlist.
 *
 * Why Markdown and not sanitised HTML: khabar stores every body as Markdown
 * and renders it with cmark-gfm with raw HTML disabled. Keeping imported
 * bodies as HTML would need a second body format, a second sanitiser on the
 * reading path and an editor for both; converting once at import keeps one
 * format, which the newsroom's Markdown editor can edit, and whatever the
 * converter lets through is still rendered by the safe renderer.
 *
 * How: libxml2's HTML parser (htmlReadMemory, which repairs bad markup the
 * way browsers do) builds a tree; we walk it. Elements are blocks (p, h1-h6,
 * ul/ol/li, blockquote, figure, table, pre, hr), inline (a, em, strong,
 * code, br, img, del...), dropped with their content (script, style,
 * iframe, form, svg...) or transparent (div, span and anything unknown: the
 * text stays, the tag goes). Attributes are never copied, so event handlers
 * and styles cannot survive; only href, src and alt are read. Embeds
 * (iframes, X and Instagram blockquotes, WordPress embed blocks) of known
 * providers become a plain link on its own line.
 *
 * Not covered: nested tables (flattened to text), colspan, images' sizes and
 * alignment, and HTML entities for characters outside UTF-8 (dropped).
 */
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <string.h>
#include <strings.h>

#include "../render/escape.h"
#include "../render/paths.h"
#include "importer.h"

/* Markers in inline text: a paragraph break and a hard line break, turned
 * into Markdown when the run is flushed. Control characters never reach the
 * output as text, so they cannot clash. */
#define PARA '\x01'
#define HARD '\x02'

typedef struct conv {
	int autop;  /* classic-editor content: blank lines make paragraphs */
	int depth;  /* element nesting, bounded against stack exhaustion */
	int in_pre; /* inside <pre>: keep white space */
} conv;

#define MAX_DEPTH 200

static const char *name_of(xmlNode *n)
{
	return n->name ? (const char *)n->name : "";
}

static int is(xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcasecmp(name_of(n), name);
}

static int in_list(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (!strcasecmp(name, *list))
			return 1;
	return 0;
}

static const char *const dropped[] = {
	"script", "style", "noscript", "iframe", "frame",    "frameset", "object", "embed", "applet",
	"form",   "input", "button",   "select", "textarea", "option",   "svg",    "math",  "template",
	"head",   "title", "meta",     "link",   "base",     "canvas",   "audio",  "video", "source",
	"track",  "map",   "area",     "dialog", "portal",   NULL,
};
static const char *const blocks[] = {
	"p",       "h1",         "h2",      "h3",         "h4",    "h5",   "h6",      "ul",     "ol",
	"li",      "blockquote", "figure",  "figcaption", "table", "pre",  "hr",      "div",    "section",
	"article", "aside",      "header",  "footer",     "main",  "nav",  "address", "center", "dl",
	"dt",      "dd",         "details", "summary",    "body",  "html", "caption", "thead",  "tbody",
	"tfoot",   "tr",         "td",      "th",         NULL,
};

static const char *attr(kb_arena *a, xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	if (!v)
		return NULL;
	char *s = kb_arena_strdup(a, (const char *)v);
	xmlFree(v);
	return s;
}

static int has_class(kb_arena *a, xmlNode *n, const char *cls)
{
	const char *c = attr(a, n, "class");
	size_t len = strlen(cls);
	for (const char *p = c; p && (p = strstr(p, cls)); p += len)
		if ((p == c || p[-1] == ' ') && (p[len] == 0 || p[len] == ' '))
			return 1;
	return 0;
}

/* ---- known embeds ---- */

static int starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Appends "<url>" as its own paragraph: an autolink, which the safe
 * renderer keeps. Refuses URLs that could break out of the brackets. */
static void put_link_block(kb_buf *out, const char *url)
{
	if (!url || !url_is_safe(url, strlen(url)) || url[0] == '/' || strpbrk(url, "<> \t\r\n"))
		return;
	kb_buf_printf(out, "<%s>\n\n", url);
}

/* ---- text ---- */

/* Appends text with white space collapsed and Markdown syntax escaped.
 * In autop mode a blank line becomes PARA and a single newline HARD. */
static void put_text(conv *c, kb_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (c->in_pre) {
			if (ch >= 0x20 || ch == '\n' || ch == '\t')
				kb_buf_putc(b, (char)ch);
			continue;
		}
		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f') {
			size_t nl = 0, j = i;
			for (; j < n && strchr(" \t\n\r\f", s[j]) && s[j]; j++)
				nl += s[j] == '\n';
			i = j - 1;
			if (c->autop && nl >= 2)
				kb_buf_putc(b, PARA);
			else if (c->autop && nl == 1)
				kb_buf_putc(b, HARD);
			else if (b->len && b->data[b->len - 1] != ' ')
				kb_buf_putc(b, ' ');
			else if (!b->len)
				kb_buf_putc(b, ' ');
			continue;
		}
		if (ch < 0x20 || ch == 0x7f)
			continue;
		int esc = strchr("\\`*_[]<>|~#", ch) != NULL;
		/* "&amp;" in the text must not turn into "&" when rendered. */
		if (ch == '&' && i + 1 < n &&
		    (s[i + 1] == '#' || ((s[i + 1] | 32) >= 'a' && (s[i + 1] | 32) <= 'z')))
			esc = 1;
		if (esc)
			kb_buf_putc(b, '\\');
		kb_buf_putc(b, (char)ch);
	}
}

/* ---- inline ---- */

static void inline_children(conv *c, kb_arena *a, xmlNode *n, kb_buf *b);

/* Moves leading and trailing spaces of inner outside the delimiters, as
 * CommonMark's flanking rules require ("** x**" is not bold). */
static void wrap(kb_buf *b, const kb_buf *inner, const char *delim)
{
	size_t s = 0, e = inner->len;
	while (s < e && (inner->data[s] == ' ' || inner->data[s] == HARD))
		s++;
	while (e > s && (inner->data[e - 1] == ' ' || inner->data[e - 1] == HARD))
		e--;
	if (s > 0 && (!b->len || b->data[b->len - 1] != ' '))
		kb_buf_putc(b, ' ');
	if (e > s) {
		kb_buf_puts(b, delim);
		kb_buf_append(b, inner->data + s, e - s);
		kb_buf_puts(b, delim);
	}
	if (e < inner->len)
		kb_buf_putc(b, ' ');
}

/* Appends a URL for Markdown's (...) destination: spaces and brackets
 * percent-encoded. */
static void put_url(kb_buf *b, const char *u)
{
	for (; *u; u++) {
		unsigned char ch = (unsigned char)*u;
		if (ch <= ' ' || ch == '(' || ch == ')' || ch == '<' || ch == '>' || ch == '\\' || ch == 0x7f)
			kb_buf_printf(b, "%%%02X", ch);
		else
			kb_buf_putc(b, (char)ch);
	}
}

static int safe_url(const char *u)
{
	return u && *u && url_is_safe(u, strlen(u)) && !starts(u, "data:");
}

static void put_image(conv *c, kb_arena *a, xmlNode *n, kb_buf *b)
{
	const char *src = attr(a, n, "src");
	if (!safe_url(src))
		return;
	const char *alt = attr(a, n, "alt");
	int was = c->in_pre;
	c->in_pre = 0;
	kb_buf_puts(b, "![");
	if (alt)
		put_text(c, b, alt, strlen(alt));
	c->in_pre = was;
	kb_buf_puts(b, "](");
	put_url(b, src);
	kb_buf_putc(b, ')');
}

static void inline_node(conv *c, kb_arena *a, xmlNode *n, kb_buf *b)
{
	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		if (n->content)
			put_text(c, b, (const char *)n->content, strlen((const char *)n->content));
		return;
	}
	if (n->type != XML_ELEMENT_NODE)
		return; /* comments (WordPress block markers), PIs */
	const char *nm = name_of(n);
	if (c->depth > MAX_DEPTH)
		return;
	if (in_list(nm, dropped)) {
		const char *u = is(n, "iframe") ? render_embed_url(a, attr(a, n, "src")) : NULL;
		if (u && !strpbrk(u, "<> \t\r\n") && url_is_safe(u, strlen(u)))
			kb_buf_printf(b, " <%s> ", u);
		return;
	}
	c->depth++;
	if (!strcasecmp(nm, "br")) {
		kb_buf_putc(b, HARD);
	} else if (!strcasecmp(nm, "img")) {
		put_image(c, a, n, b);
	} else if (!strcasecmp(nm, "strong") || !strcasecmp(nm, "b") || !strcasecmp(nm, "em") ||
		   !strcasecmp(nm, "i") || !strcasecmp(nm, "del") || !strcasecmp(nm, "s") ||
		   !strcasecmp(nm, "strike")) {
		kb_buf inner = {0};
		inline_children(c, a, n, &inner);
		const char *d = "**";
		if (!strcasecmp(nm, "em") || !strcasecmp(nm, "i"))
			d = "*";
		else if (!strcasecmp(nm, "del") || !strcasecmp(nm, "s") || !strcasecmp(nm, "strike"))
			d = "~~";
		wrap(b, &inner, d);
		kb_buf_free(&inner);
	} else if (!strcasecmp(nm, "code") || !strcasecmp(nm, "kbd") || !strcasecmp(nm, "samp")) {
		xmlChar *t = xmlNodeGetContent(n);
		const char *s = t ? (const char *)t : "";
		size_t run = 0, longest = 0;
		for (const char *p = s; *p; p++)
			run = *p == '`' ? run + 1 : 0, longest = run > longest ? run : longest;
		kb_buf code = {0};
		for (const char *p = s; *p; p++)
			kb_buf_putc(&code, (*p == '\n' || *p == '\r' || *p == '\t') ? ' '
					   : (unsigned char)*p < 0x20               ? ' '
										    : *p);
		if (code.len && strspn(code.data, " ") < code.len) {
			for (size_t i = 0; i <= longest; i++)
				kb_buf_putc(b, '`');
			kb_buf_putc(b, ' ');
			kb_buf_append(b, code.data, code.len);
			kb_buf_putc(b, ' ');
			for (size_t i = 0; i <= longest; i++)
				kb_buf_putc(b, '`');
		}
		kb_buf_free(&code);
		xmlFree(t);
	} else if (!strcasecmp(nm, "a")) {
		const char *href = attr(a, n, "href");
		kb_buf inner = {0};
		inline_children(c, a, n, &inner);
		size_t s = 0, e = inner.len;
		while (s < e && inner.data[s] == ' ')
			s++;
		while (e > s && inner.data[e - 1] == ' ')
			e--;
		if (!safe_url(href) || e == s) {
			kb_buf_append(b, kb_buf_str(&inner), inner.len);
		} else {
			if (s)
				kb_buf_putc(b, ' ');
			kb_buf_putc(b, '[');
			kb_buf_append(b, inner.data + s, e - s);
			kb_buf_puts(b, "](");
			put_url(b, href);
			kb_buf_putc(b, ')');
			if (e < inner.len)
				kb_buf_putc(b, ' ');
		}
		kb_buf_free(&inner);
	} else if (in_list(nm, blocks)) {
		/* A block inside inline content (bad nesting): its text, spaced. */
		kb_buf_putc(b, ' ');
		inline_children(c, a, n, b);
		kb_buf_putc(b, ' ');
	} else {
		inline_children(c, a, n, b); /* span, u, sup, mark, unknown */
	}
	c->depth--;
}

static void inline_children(conv *c, kb_arena *a, xmlNode *n, kb_buf *b)
{
	for (xmlNode *k = n->children; k; k = k->next)
		inline_node(c, a, k, b);
}

/* ---- blocks ---- */

/* Appends an inline run as paragraphs (split at PARA), with HARD as a
 * Markdown hard break and a line-start character that Markdown would read
 * as a block marker escaped. prefix ("## ") goes before the first. */
static void flush_run(kb_buf *out, kb_buf *run, const char *prefix)
{
	size_t i = 0;
	while (i < run->len) {
		size_t e = i;
		while (e < run->len && run->data[e] != PARA)
			e++;
		/* Trim spaces and breaks at both ends. */
		size_t s = i, t = e;
		while (s < t && (run->data[s] == ' ' || run->data[s] == HARD))
			s++;
		while (t > s && (run->data[t - 1] == ' ' || run->data[t - 1] == HARD))
			t--;
		if (t > s) {
			if (prefix)
				kb_buf_puts(out, prefix);
			int line_start = 1;
			for (size_t k = s; k < t; k++) {
				char ch = run->data[k];
				if (ch == HARD) {
					if (prefix) { /* headings are one line */
						kb_buf_putc(out, ' ');
						continue;
					}
					while (out->len && out->data[out->len - 1] == ' ')
						out->len--;
					kb_buf_puts(out, "\\\n");
					line_start = 1;
					while (k + 1 < t &&
					       (run->data[k + 1] == ' ' || run->data[k + 1] == HARD))
						k++;
					continue;
				}
				if (line_start && !prefix) {
					/* "-", "+", "=" and "1." or "1)" at a line start are
					 * lists, rules or setext headings. */
					if (ch == '-' || ch == '+' || ch == '=')
						kb_buf_putc(out, '\\');
					else if (ch >= '0' && ch <= '9') {
						size_t d = k;
						while (d < t && run->data[d] >= '0' && run->data[d] <= '9')
							d++;
						if (d < t && (run->data[d] == '.' || run->data[d] == ')')) {
							kb_buf_append(out, run->data + k, d - k);
							kb_buf_putc(out, '\\');
							k = d - 1;
							line_start = 0;
							continue;
						}
					}
				}
				line_start = 0;
				kb_buf_putc(out, ch);
			}
			kb_buf_puts(out, "\n\n");
		}
		i = e + 1;
	}
	kb_buf_reset(run);
}

static void block_children(conv *c, kb_arena *a, xmlNode *n, kb_buf *out);

/* Appends body (blocks ending in "\n\n") with first before its first line
 * and rest before every other non-empty line; empty lines get rest_empty. */
static void put_prefixed(kb_buf *out, const kb_buf *body, const char *first, const char *rest,
			 const char *rest_empty)
{
	size_t len = body->len;
	while (len && body->data[len - 1] == '\n')
		len--;
	size_t i = 0;
	int line = 0;
	while (i < len) {
		const char *nl = memchr(body->data + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - body->data) : len;
		if (line == 0)
			kb_buf_puts(out, first);
		else
			kb_buf_puts(out, e > i ? rest : rest_empty);
		kb_buf_append(out, body->data + i, e - i);
		kb_buf_putc(out, '\n');
		i = e + 1;
		line++;
	}
}

static void put_list(conv *c, kb_arena *a, xmlNode *n, kb_buf *out, int ordered)
{
	long num = 1;
	const char *start = ordered ? attr(a, n, "start") : NULL;
	if (start) {
		num = strtol(start, NULL, 10);
		if (num < 0 || num > 999999999)
			num = 1;
	}
	int any = 0;
	for (xmlNode *k = n->children; k; k = k->next) {
		kb_buf item = {0};
		if (is(k, "li"))
			block_children(c, a, k, &item);
		else if (k->type == XML_ELEMENT_NODE && (is(k, "ul") || is(k, "ol")))
			put_list(c, a, k, &item, is(k, "ol")); /* a list directly in a list */
		else if (k->type == XML_ELEMENT_NODE || k->type == XML_TEXT_NODE) {
			kb_buf run = {0};
			inline_node(c, a, k, &run);
			flush_run(&item, &run, NULL);
			kb_buf_free(&run);
		}
		if (item.len) {
			char marker[24];
			snprintf(marker, sizeof marker, ordered ? "%ld. " : "- ", num++);
			char pad[24];
			size_t w = strlen(marker);
			memset(pad, ' ', w);
			pad[w] = 0;
			/* Blank lines inside an item would make the list loose;
			 * keep the item's own blocks apart, the items tight. */
			put_prefixed(out, &item, marker, pad, "");
			any = 1;
		}
		kb_buf_free(&item);
	}
	if (any)
		kb_buf_putc(out, '\n');
}

/* A table cell: one line, pipes escaped (put_text already escapes them). */
static void put_cell(conv *c, kb_arena *a, xmlNode *cell, kb_buf *row)
{
	kb_buf run = {0};
	inline_children(c, a, cell, &run);
	kb_buf_puts(row, " ");
	size_t s = 0, e = run.len;
	while (s < e && (run.data[s] == ' ' || run.data[s] == HARD || run.data[s] == PARA))
		s++;
	while (e > s && (run.data[e - 1] == ' ' || run.data[e - 1] == HARD || run.data[e - 1] == PARA))
		e--;
	for (size_t i = s; i < e; i++)
		kb_buf_putc(row, run.data[i] == HARD || run.data[i] == PARA ? ' ' : run.data[i]);
	kb_buf_puts(row, " |");
	kb_buf_free(&run);
}

static void collect_rows(xmlNode *n, xmlNode **rows, size_t *nrows, size_t cap)
{
	for (xmlNode *k = n->children; k && *nrows < cap; k = k->next) {
		if (is(k, "tr"))
			rows[(*nrows)++] = k;
		else if (is(k, "thead") || is(k, "tbody") || is(k, "tfoot"))
			collect_rows(k, rows, nrows, cap);
	}
}

#define MAX_ROWS 2000
#define MAX_COLS 64

static void put_table(conv *c, kb_arena *a, xmlNode *n, kb_buf *out)
{
	xmlNode **rows = kb_arena_alloc(a, MAX_ROWS * sizeof *rows);
	size_t nrows = 0, cols = 0;
	collect_rows(n, rows, &nrows, MAX_ROWS);
	for (size_t r = 0; r < nrows; r++) {
		size_t k = 0;
		for (xmlNode *cell = rows[r]->children; cell; cell = cell->next)
			k += is(cell, "td") || is(cell, "th");
		cols = k > cols ? k : cols;
	}
	if (cols > MAX_COLS)
		cols = MAX_COLS;
	if (!nrows || !cols) {
		block_children(c, a, n, out);
		return;
	}
	for (size_t r = 0; r < nrows; r++) {
		kb_buf row = {0};
		kb_buf_putc(&row, '|');
		size_t k = 0;
		for (xmlNode *cell = rows[r]->children; cell && k < cols; cell = cell->next)
			if (is(cell, "td") || is(cell, "th"))
				put_cell(c, a, cell, &row), k++;
		for (; k < cols; k++)
			kb_buf_puts(&row, "  |");
		kb_buf_append(out, row.data, row.len);
		kb_buf_putc(out, '\n');
		kb_buf_free(&row);
		if (r == 0) {
			kb_buf_putc(out, '|');
			for (k = 0; k < cols; k++)
				kb_buf_puts(out, " --- |");
			kb_buf_putc(out, '\n');
		}
	}
	kb_buf_putc(out, '\n');
	xmlNode *cap = NULL;
	for (xmlNode *k = n->children; k; k = k->next)
		if (is(k, "caption"))
			cap = k;
	if (cap) {
		kb_buf run = {0};
		inline_children(c, a, cap, &run);
		kb_buf em = {0};
		wrap(&em, &run, "*");
		flush_run(out, &em, NULL);
		kb_buf_free(&em);
		kb_buf_free(&run);
	}
}

static void put_pre(conv *c, kb_arena *a, xmlNode *n, kb_buf *out)
{
	xmlChar *t = xmlNodeGetContent(n);
	const char *s = t ? (const char *)t : "";
	size_t run = 0, longest = 0;
	for (const char *p = s; *p; p++)
		run = *p == '`' ? run + 1 : 0, longest = run > longest ? run : longest;
	size_t fence = longest >= 3 ? longest + 1 : 3;
	for (size_t i = 0; i < fence; i++)
		kb_buf_putc(out, '`');
	kb_buf_putc(out, '\n');
	while (*s == '\n')
		s++;
	size_t len = strlen(s);
	while (len && (s[len - 1] == '\n' || s[len - 1] == ' '))
		len--;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x20 || s[i] == '\n' || s[i] == '\t')
			kb_buf_putc(out, s[i]);
	kb_buf_putc(out, '\n');
	for (size_t i = 0; i < fence; i++)
		kb_buf_putc(out, '`');
	kb_buf_puts(out, "\n\n");
	xmlFree(t);
	(void)c, (void)a;
}

static void last_status_link(kb_arena *a, xmlNode *n, const char **found, int depth)
{
	for (; n && depth < MAX_DEPTH; n = n->next) {
		if (is(n, "a")) {
			const char *h = attr(a, n, "href");
			const char *u = h && (strstr(h, "/status/") || strstr(h, "instagram.com/"))
						? render_embed_url(a, h)
						: NULL;
			if (u)
				*found = u;
		}
		last_status_link(a, n->children, found, depth + 1);
	}
}

/* The link of an X (Twitter) or Instagram blockquote embed, or NULL. */
static const char *quote_embed(kb_arena *a, xmlNode *n)
{
	const char *perma = attr(a, n, "data-instgrm-permalink");
	if (has_class(a, n, "instagram-media") && perma)
		return render_embed_url(a, perma);
	if (!has_class(a, n, "twitter-tweet") && !has_class(a, n, "instagram-media") &&
	    !has_class(a, n, "twitter-video"))
		return NULL;
	/* The last link to a status is the tweet itself. */
	const char *found = NULL;
	last_status_link(a, n->children, &found, 0);
	return found;
}

/* The URL in a WordPress embed block's wrapper, or NULL. */
static const char *block_embed(kb_arena *a, xmlNode *n)
{
	if (!has_class(a, n, "wp-block-embed"))
		return NULL;
	xmlChar *t = xmlNodeGetContent(n);
	const char *r = NULL;
	if (t) {
		const char *s = (const char *)t;
		s += strspn(s, " \t\r\n");
		size_t len = strcspn(s, " \t\r\n<>\"");
		if (len)
			r = render_embed_url(a, kb_arena_strndup(a, s, len));
		if (!r && len && (starts(s, "https://") || starts(s, "http://")))
			r = kb_arena_strndup(a, s, len); /* another provider: still a link */
		xmlFree(t);
	}
	return r;
}

static void block_node(conv *c, kb_arena *a, xmlNode *n, kb_buf *out, kb_buf *run)
{
	if (n->type != XML_ELEMENT_NODE || !in_list(name_of(n), blocks) || c->depth > MAX_DEPTH) {
		if (n->type == XML_ELEMENT_NODE && is(n, "iframe")) {
			const char *u = render_embed_url(a, attr(a, n, "src"));
			if (u) {
				flush_run(out, run, NULL);
				put_link_block(out, u);
			}
			return;
		}
		inline_node(c, a, n, run);
		return;
	}
	flush_run(out, run, NULL);
	const char *nm = name_of(n);
	c->depth++;
	if (!strcasecmp(nm, "p") || !strcasecmp(nm, "dt") || !strcasecmp(nm, "dd") ||
	    !strcasecmp(nm, "summary") || !strcasecmp(nm, "address")) {
		block_children(c, a, n, out);
	} else if ((nm[0] | 32) == 'h' && nm[1] >= '1' && nm[1] <= '6' && !nm[2]) {
		int level = nm[1] - '0';
		level = level < 2 ? 2 : level > 4 ? 4 : level;
		int was = c->autop;
		c->autop = 0;
		kb_buf r = {0};
		inline_children(c, a, n, &r);
		c->autop = was;
		flush_run(out, &r, level == 2 ? "## " : level == 3 ? "### " : "#### ");
		kb_buf_free(&r);
	} else if (!strcasecmp(nm, "ul") || !strcasecmp(nm, "ol")) {
		put_list(c, a, n, out, !strcasecmp(nm, "ol"));
	} else if (!strcasecmp(nm, "blockquote")) {
		const char *u = quote_embed(a, n);
		if (u) {
			put_link_block(out, u);
		} else {
			kb_buf body = {0};
			block_children(c, a, n, &body);
			put_prefixed(out, &body, "> ", "> ", ">");
			if (body.len)
				kb_buf_putc(out, '\n');
			kb_buf_free(&body);
		}
	} else if (!strcasecmp(nm, "figure")) {
		const char *u = block_embed(a, n);
		if (u)
			put_link_block(out, u);
		else
			block_children(c, a, n, out);
	} else if (!strcasecmp(nm, "figcaption")) {
		kb_buf r = {0}, em = {0};
		inline_children(c, a, n, &r);
		for (size_t i = 0; i < r.len; i++)
			if (r.data[i] == PARA || r.data[i] == HARD)
				r.data[i] = ' ';
		wrap(&em, &r, "*");
		flush_run(out, &em, NULL);
		kb_buf_free(&r);
		kb_buf_free(&em);
	} else if (!strcasecmp(nm, "table")) {
		put_table(c, a, n, out);
	} else if (!strcasecmp(nm, "pre")) {
		put_pre(c, a, n, out);
	} else if (!strcasecmp(nm, "hr")) {
		kb_buf_puts(out, "* * *\n\n");
	} else if (!strcasecmp(nm, "div") && block_embed(a, n)) {
		put_link_block(out, block_embed(a, n));
	} else if (!strcasecmp(nm, "div") && (has_class(a, n, "fb-post") || has_class(a, n, "fb-video"))) {
		put_link_block(out, render_embed_url(a, attr(a, n, "data-href")));
	} else {
		block_children(c, a, n, out); /* div, section, li, tr... */
	}
	c->depth--;
}

static void block_children(conv *c, kb_arena *a, xmlNode *n, kb_buf *out)
{
	kb_buf run = {0};
	for (xmlNode *k = n->children; k; k = k->next)
		block_node(c, a, k, out, &run);
	flush_run(out, &run, NULL);
	kb_buf_free(&run);
}

static xmlDoc *parse(const char *html, size_t n)
{
	if (n > (size_t)INT32_MAX)
		n = INT32_MAX;
	/* Not HTML_PARSE_NOIMPLIED: with it, a fragment's first element
	 * becomes the root and swallows its siblings. The parser puts the
	 * fragment in <html><body>; the walk starts at the body. */
	int opts = HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET;
	return htmlReadMemory(html, (int)n, NULL, "UTF-8", opts);
}

/* The <body> of a parsed fragment (or the root when there is none). */
static xmlNode *body_of(xmlDoc *doc)
{
	xmlNode *root = xmlDocGetRootElement(doc);
	for (xmlNode *k = root ? root->children : NULL; k; k = k->next)
		if (is(k, "body"))
			return k;
	return root;
}

void import_html_to_md(kb_buf *out, const char *html, size_t n)
{
	conv c = {0};
	/* Block-editor posts carry their own <p>; classic ones need wpautop. */
	c.autop = !memmem(html, n, "<!-- wp:", 8) && !memmem(html, n, "<p", 2) && !memmem(html, n, "<P", 2);
	if (!n)
		return;
	xmlDoc *doc = parse(html, n);
	if (!doc)
		return;
	kb_arena a = {0};
	kb_buf body = {0};
	xmlNode *root = body_of(doc);
	if (root)
		block_children(&c, &a, root, &body);
	/* Collapse runs of blank lines and drop the last ones. */
	size_t len = body.len;
	while (len && body.data[len - 1] == '\n')
		len--;
	for (size_t i = 0; i < len; i++) {
		if (body.data[i] == '\n' && out->len >= 2 && out->data[out->len - 1] == '\n' &&
		    out->data[out->len - 2] == '\n')
			continue;
		kb_buf_putc(out, body.data[i]);
	}
	if (len)
		kb_buf_putc(out, '\n');
	kb_buf_free(&body);
	kb_arena_free(&a);
	xmlFreeDoc(doc);
}

static void text_of(xmlNode *n, kb_buf *b, int depth)
{
	for (xmlNode *k = n; k && depth < MAX_DEPTH; k = k->next) {
		if ((k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) && k->content) {
			for (const char *p = (const char *)k->content; *p; p++) {
				unsigned char ch = (unsigned char)*p;
				if (ch <= ' ' || ch == 0x7f) {
					if (b->len && b->data[b->len - 1] != ' ')
						kb_buf_putc(b, ' ');
				} else {
					kb_buf_putc(b, (char)ch);
				}
			}
		} else if (k->type == XML_ELEMENT_NODE && !in_list(name_of(k), dropped)) {
			if (in_list(name_of(k), blocks) && b->len && b->data[b->len - 1] != ' ')
				kb_buf_putc(b, ' ');
			text_of(k->children, b, depth + 1);
		}
	}
}

void import_html_to_text(kb_buf *out, const char *html, size_t n)
{
	if (!n)
		return;
	xmlDoc *doc = parse(html, n);
	if (!doc)
		return;
	kb_buf b = {0};
	xmlNode *root = body_of(doc);
	if (root)
		text_of(root->children, &b, 0);
	size_t s = 0, e = b.len;
	while (s < e && b.data[s] == ' ')
		s++;
	while (e > s && b.data[e - 1] == ' ')
		e--;
	kb_buf_append(out, b.data ? b.data + s : "", e - s);
	kb_buf_free(&b);
	xmlFreeDoc(doc);
}
