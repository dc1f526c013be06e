/*
 * wxr.c: reads a WordPress export (WXR: RSS 2.0 with wp:, content:,
 * excerpt: and dc: elements) as a stream. libxml2's xmlReader walks the
 * file; each record under <channel> (<wp:author>, <wp:category>,
 * <wp:tag>, <item>) is expanded on its own, handed to the caller as plain
 * strings and then skipped, so only one record is in memory at a time and a
 * 2 GB export reads in constant memory.
 *
 * What it does not do: it knows nothing of khabar (wordpress.c maps the
 * records), fetches nothing (XML_PARSE_NONET), and does not keep what it
 * has read. Adjacent CDATA sections (WordPress writes "]]>" inside content
 * as "]]]]><![CDATA[>") are joined because a field's value is the text of
 * all its children.
 *
 * It expands no entity but XML's five predefined ones and character
 * references: a file that declares an entity, or names an outside DTD, is
 * refused before a record is read (refuse_dtd), because ten nested
 * declarations in a kilobyte expand to gigabytes ("billion laughs") and an
 * external one reads files on this machine. WordPress writes neither.
 * libxml2's limits (10 MB of text in one node, 256 levels of nesting) stay
 * on: no export from a real WordPress has been seen to need more.
 */
#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlreader.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>

#include "importer.h"

typedef struct rd {
	char *err;
	size_t errlen;
	int failed;
	int line;
} rd;

/* The number of lines in the file at path (the last one counts even
 * without a newline), or -1. */
static long count_lines(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char buf[65536];
	size_t n;
	long lines = 0;
	char last = '\n';
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		for (size_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
		last = buf[n - 1];
	}
	fclose(f);
	return lines + (last != '\n');
}

/* Whether libxml2's message is one of its size or depth limits ("Huge input
 * lookup", "huge text node", "CData section too big", "AttValue length too
 * long", "Excessive depth in document"): libxml2 gives them no code of
 * their own, and its wording points at XML_PARSE_HUGE, which a site owner
 * cannot use. */
static int past_limit(const char *msg)
{
	static const char *const words[] = {"huge", "Huge", "too big", "too long", "Excessive depth"};
	for (size_t i = 0; i < KB_COUNT(words); i++)
		if (strstr(msg, words[i]))
			return 1;
	return 0;
}

/* Keeps the first error libxml2 reports, with its line; a limit's in words
 * a site owner can act on. */
static void on_error(void *arg, xmlErrorPtr e)
{
	rd *r = arg;
	if (r->failed || !e || e->level < XML_ERR_ERROR)
		return;
	r->failed = 1;
	char msg[300];
	snprintf(msg, sizeof msg, "%s", e->message ? e->message : "XML error");
	size_t len = strlen(msg);
	while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		msg[--len] = 0;
	r->line = e->line;
	if (past_limit(msg))
		snprintf(
			r->err, r->errlen,
			"line %d: a field here is longer than 10 MB, or nested deeper than 256 levels, which "
			"khabar does not read (the limits keep a bad file from filling the memory): shorten "
			"that post in WordPress (images pasted into the text as data: URLs are the usual cause) "
			"and export again",
			e->line);
	else
		snprintf(r->err, r->errlen, "line %d: %s", e->line, msg);
}

/* ---- the prolog: no entity declarations, no outside DTD ---- */

/* What the first pass found: the line and text of the refusal, if any. */
typedef struct prolog {
	int line;
	char why[200];
} prolog;

/* Records the first refusal and stops the parser at once, before the
 * declaration can be used. */
static void refuse(void *ctx, const char *fmt, const xmlChar *name)
{
	xmlParserCtxtPtr c = ctx;
	prolog *p = c->_private;
	if (!p->line) {
		p->line = xmlSAX2GetLineNumber(c);
		snprintf(p->why, sizeof p->why, fmt, name ? (const char *)name : "?");
	}
	xmlStopParser(c);
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
			   const xmlChar *system_id, xmlChar *content)
{
	int param = type == XML_INTERNAL_PARAMETER_ENTITY || type == XML_EXTERNAL_PARAMETER_ENTITY;
	refuse(ctx, param ? "declares the parameter entity \"%%%s\"" : "declares the entity \"%s\"", name);
}

static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *public_id, const xmlChar *system_id)
{
	if (public_id || system_id)
		refuse(ctx, "names an outside DTD (\"%s\")", system_id ? system_id : public_id);
}

/* The root element: the prolog, the only place for declarations, is over. */
static void on_root(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri, int nns,
		    const xmlChar **ns, int nattr, int ndefaulted, const xmlChar **attrs)
{
	xmlStopParser(ctx);
}

/* Errors are the second pass's to report, with the same line. */
static void on_quiet(void *arg, xmlErrorPtr e)
{
}

/*
 * Reads the file's prolog with libxml2's own parser, through the same input
 * layer as the reader (so a gzip-compressed export is seen the same way),
 * and stops at the root element or the first entity declaration or
 * external DTD, whichever comes first. Returns 1 with "line N: ..." in err
 * when the file has one, else 0 (a file that is not XML is left to the
 * reader, which fails at the same place and says why). A second pass
 * because xmlReader has no hook for declarations, and a check after it
 * parsed them would be too late: the reader parses ahead of what it has
 * returned, references included.
 */
static int refuse_dtd(const char *path, char *err, size_t errlen)
{
	xmlParserCtxtPtr c = xmlCreateFileParserCtxt(path);
	if (!c)
		return 0;
	xmlSAXHandler sax = {.initialized = XML_SAX2_MAGIC,
			     .entityDecl = on_entity_decl,
			     .internalSubset = on_doctype,
			     .startElementNs = on_root,
			     .serror = on_quiet};
	*c->sax = sax;
	prolog p = {0};
	c->_private = &p;
	xmlCtxtUseOptions(c, XML_PARSE_NONET);
	xmlParseDocument(c);
	xmlFreeDoc(c->myDoc);
	xmlFreeParserCtxt(c);
	if (!p.line)
		return 0;
	snprintf(err, errlen,
		 "line %d: the file %s, which a WordPress export never does; khabar refuses entity "
		 "declarations and outside DTDs (a few lines of them can grow to gigabytes in memory or read "
		 "files on this machine): export the site again from WordPress (Tools > Export)",
		 p.line, p.why);
	return 1;
}

/* ---- the records ---- */

/* "wp:post_id" for an element with namespace prefix wp. */
static int named(xmlNode *n, const char *qname)
{
	if (n->type != XML_ELEMENT_NODE)
		return 0;
	const char *colon = strchr(qname, ':');
	const char *local = colon ? colon + 1 : qname;
	if (strcmp((const char *)n->name, local))
		return 0;
	const char *prefix = n->ns && n->ns->prefix ? (const char *)n->ns->prefix : "";
	return colon ? strlen(prefix) == (size_t)(colon - qname) &&
			       !strncmp(prefix, qname, (size_t)(colon - qname))
		     : !*prefix;
}

/* The text of n (CDATA sections joined), in the arena. */
static const char *text(kb_arena *a, xmlNode *n)
{
	xmlChar *t = xmlNodeGetContent(n);
	char *s = kb_arena_strdup(a, t ? (const char *)t : "");
	xmlFree(t);
	return s;
}

static const char *child_text(kb_arena *a, xmlNode *n, const char *qname)
{
	for (xmlNode *k = n->children; k; k = k->next)
		if (named(k, qname))
			return text(a, k);
	return "";
}

static void read_author(kb_arena *a, xmlNode *n, wxr_author *au)
{
	au->id = child_text(a, n, "wp:author_id");
	au->login = child_text(a, n, "wp:author_login");
	au->email = child_text(a, n, "wp:author_email");
	au->display_name = child_text(a, n, "wp:author_display_name");
	au->first_name = child_text(a, n, "wp:author_first_name");
	au->last_name = child_text(a, n, "wp:author_last_name");
}

static void read_term(kb_arena *a, xmlNode *n, wxr_term *t, int is_tag)
{
	t->is_tag = is_tag;
	t->id = child_text(a, n, "wp:term_id");
	if (is_tag) {
		t->slug = child_text(a, n, "wp:tag_slug");
		t->name = child_text(a, n, "wp:tag_name");
		t->parent_slug = "";
	} else {
		t->slug = child_text(a, n, "wp:category_nicename");
		t->name = child_text(a, n, "wp:cat_name");
		t->parent_slug = child_text(a, n, "wp:category_parent");
	}
}

/* The text fields of an item, by element name. */
static const struct {
	const char *name;
	size_t off;
} item_fields[] = {
	{"title", offsetof(wxr_item, title)},
	{"link", offsetof(wxr_item, link)},
	{"pubDate", offsetof(wxr_item, pub_date)},
	{"dc:creator", offsetof(wxr_item, creator)},
	{"content:encoded", offsetof(wxr_item, content)},
	{"excerpt:encoded", offsetof(wxr_item, excerpt)},
	{"wp:post_id", offsetof(wxr_item, post_id)},
	{"wp:post_date", offsetof(wxr_item, post_date)},
	{"wp:post_date_gmt", offsetof(wxr_item, post_date_gmt)},
	{"wp:post_modified_gmt", offsetof(wxr_item, modified_gmt)},
	{"wp:post_name", offsetof(wxr_item, post_name)},
	{"wp:status", offsetof(wxr_item, status)},
	{"wp:post_type", offsetof(wxr_item, post_type)},
	{"wp:post_parent", offsetof(wxr_item, parent)},
	{"wp:attachment_url", offsetof(wxr_item, attachment_url)},
};

/* The field of it that element k fills, or NULL when k is not a text field. */
static const char **item_field(wxr_item *it, xmlNode *k)
{
	for (size_t i = 0; i < KB_COUNT(item_fields); i++)
		if (named(k, item_fields[i].name))
			return (const char **)((char *)it + item_fields[i].off);
	return NULL;
}

static void read_item(kb_arena *a, xmlNode *n, wxr_item *it)
{
	memset(it, 0, sizeof *it);
	size_t cap = 0;
	for (xmlNode *k = n->children; k; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		const char **field = item_field(it, k);
		if (field) {
			*field = text(a, k);
			continue;
		}
		if (named(k, "wp:is_sticky")) {
			it->sticky = !strcmp(text(a, k), "1");
		} else if (named(k, "wp:comment")) {
			it->ncomments++;
		} else if (named(k, "category")) {
			xmlChar *dom = xmlGetProp(k, (const xmlChar *)"domain");
			xmlChar *nice = xmlGetProp(k, (const xmlChar *)"nicename");
			int cat = dom && !strcmp((const char *)dom, "category");
			int tag = dom && !strcmp((const char *)dom, "post_tag");
			if ((cat || tag) && nice) {
				if (it->nterms == cap) {
					cap = cap ? 2 * cap : 8;
					wxr_item_term *v = kb_arena_alloc(a, cap * sizeof *v);
					if (it->nterms)
						memcpy(v, it->terms, it->nterms * sizeof *v);
					it->terms = v;
				}
				wxr_item_term *t = &it->terms[it->nterms++];
				t->is_tag = tag;
				t->slug = kb_arena_strdup(a, (const char *)nice);
				t->name = text(a, k);
			}
			xmlFree(dom);
			xmlFree(nice);
		} else if (named(k, "wp:postmeta")) {
			const char *key = child_text(a, k, "wp:meta_key");
			if (!strcmp(key, "_thumbnail_id"))
				it->thumbnail_id = child_text(a, k, "wp:meta_value");
			else if (!strcmp(key, "_wp_attached_file"))
				it->attached_file = child_text(a, k, "wp:meta_value");
			else if (!strcmp(key, "_wp_attachment_image_alt"))
				it->image_alt = child_text(a, k, "wp:meta_value");
		}
	}
	/* Missing fields are "", never NULL. */
	const char **fields[] = {
		&it->title,         &it->link,      &it->pub_date,    &it->creator,       &it->content,
		&it->excerpt,       &it->post_id,   &it->post_date,   &it->post_date_gmt, &it->modified_gmt,
		&it->post_name,     &it->status,    &it->post_type,   &it->parent,        &it->attachment_url,
		&it->attached_file, &it->image_alt, &it->thumbnail_id};
	for (size_t i = 0; i < KB_COUNT(fields); i++)
		if (!*fields[i])
			*fields[i] = "";
}

/* One record as read, with the arena its strings live in. */
typedef struct rec {
	int kind; /* 1 item, 2 author, 3 term */
	wxr_item it;
	wxr_author au;
	wxr_term t;
	kb_arena a;
	uint64_t bytes; /* read so far, for the progress callback */
} rec;

/* Where read_file sends each record: to the handler at once, or to the
 * queue for the caller's thread. Takes the record's arena; returns nonzero
 * to stop reading. */
typedef int (*emit_fn)(void *ctx, rec *r);

/* Hands a record to the handler and frees it: nonzero when a callback
 * stopped. */
static int dispatch(const wxr_handler *h, rec *r)
{
	int stop = r->kind == 1   ? h->item && h->item(h->ud, &r->it)
		   : r->kind == 2 ? h->author && h->author(h->ud, &r->au)
				  : h->term && h->term(h->ud, &r->t);
	kb_arena_free(&r->a);
	if (!stop && h->progress)
		h->progress(h->ud, r->bytes);
	return stop;
}

static int emit_direct(void *ctx, rec *r)
{
	return dispatch(ctx, r);
}

static int read_file(const char *path, emit_fn emit, void *ctx, char *err, size_t errlen)
{
	rd r = {err, errlen, 0};
	err[0] = 0;
	if (refuse_dtd(path, err, errlen))
		return 1;
	xmlTextReaderPtr rdr = xmlReaderForFile(path, NULL, XML_PARSE_NONET);
	if (!rdr) {
		snprintf(err, errlen, "cannot open %s", path);
		return 1;
	}
	xmlTextReaderSetStructuredErrorHandler(rdr, on_error, &r);
	int rc = 0, ret, seen_rss = 0, seen_wxr = 0;
	/* Read steps into every node; after a record, Next steps over its
	 * subtree and lands on the node to look at next. */
	ret = xmlTextReaderRead(rdr);
	while (ret == 1) {
		if (xmlTextReaderNodeType(rdr) != XML_READER_TYPE_ELEMENT) {
			ret = xmlTextReaderRead(rdr);
			continue;
		}
		int depth = xmlTextReaderDepth(rdr);
		const char *name = (const char *)xmlTextReaderConstName(rdr);
		if (depth == 0) {
			if (!name || strcmp(name, "rss")) {
				snprintf(err, errlen,
					 "line %d: not a WordPress export (the root is <%s>, not <rss>)",
					 (int)xmlGetLineNo(xmlTextReaderCurrentNode(rdr)), name ? name : "?");
				rc = 1;
				break;
			}
			seen_rss = 1;
		}
		int kind = depth != 2 || !name               ? 0
			   : !strcmp(name, "item")           ? 1
			   : !strcmp(name, "wp:author")      ? 2
			   : !strcmp(name, "wp:category")    ? 3
			   : !strcmp(name, "wp:tag")         ? 4
			   : !strcmp(name, "wp:wxr_version") ? 5
							     : 0;
		if (!kind) {
			ret = xmlTextReaderRead(rdr);
			continue;
		}
		xmlNode *n = xmlTextReaderExpand(rdr);
		if (!n) {
			ret = -1; /* the error handler has the line */
			break;
		}
		if (kind == 5) {
			seen_wxr = 1;
		} else {
			rec one = {.kind = kind == 1 ? 1 : kind == 2 ? 2 : 3};
			if (kind == 1)
				read_item(&one.a, n, &one.it);
			else if (kind == 2)
				read_author(&one.a, n, &one.au);
			else
				read_term(&one.a, n, &one.t, kind == 4);
			one.bytes = (uint64_t)xmlTextReaderByteConsumed(rdr);
			if (emit(ctx, &one)) {
				rc = -1;
				break;
			}
		}
		ret = xmlTextReaderNext(rdr);
	}
	if (!rc && (ret < 0 || r.failed)) {
		if (!r.failed)
			snprintf(err, errlen, "line %d: the file is not well-formed XML",
				 xmlTextReaderGetParserLineNumber(rdr));
		/* An error on the last line of the file is most often a file
		 * cut short (a failed download or copy); libxml2 words that as
		 * "Extra content" or "Premature end", so say it plainly. */
		else if (r.line > 0 && r.line >= count_lines(path)) {
			size_t len = strlen(err);
			snprintf(err + len, errlen - len, " (the file ends early: is it truncated?)");
		}
		rc = 1;
	}
	if (!rc && (!seen_rss || !seen_wxr)) {
		snprintf(err, errlen, "not a WordPress export: no <wp:wxr_version> in <channel>");
		rc = 1;
	}
	xmlFreeTextReader(rdr);
	return rc;
}

/* Reading ahead (h->prepare set): the reader and prepare run on a thread
 * of their own, the callbacks on the caller's, in file order, through a
 * bounded ring, so memory stays flat and the two cores share the work
 * (reading and converting a post costs about as much as storing it). */
#define AHEAD 64

typedef struct ahead {
	pthread_mutex_t mu;
	pthread_cond_t more, room;
	rec ring[AHEAD];
	size_t head, count;
	int done, stop; /* done: the reader has finished; stop: the caller has */
	const wxr_handler *h;
	const char *path;
	char *err;
	size_t errlen;
	int rc;
} ahead;

static int emit_ahead(void *ctx, rec *r)
{
	ahead *q = ctx;
	if (r->kind == 1)
		q->h->prepare(q->h->ud, &r->it, &r->a);
	pthread_mutex_lock(&q->mu);
	while (q->count == AHEAD && !q->stop)
		pthread_cond_wait(&q->room, &q->mu);
	int stop = q->stop;
	if (!stop) {
		q->ring[(q->head + q->count) % AHEAD] = *r;
		q->count++;
		pthread_cond_signal(&q->more);
	}
	pthread_mutex_unlock(&q->mu);
	if (stop)
		kb_arena_free(&r->a);
	return stop;
}

static void *reader(void *arg)
{
	ahead *q = arg;
	int rc = read_file(q->path, emit_ahead, q, q->err, q->errlen);
	pthread_mutex_lock(&q->mu);
	q->rc = rc;
	q->done = 1;
	pthread_cond_signal(&q->more);
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

int wxr_read(const char *path, const wxr_handler *h, char *err, size_t errlen)
{
	if (!h->prepare)
		return read_file(path, emit_direct, (void *)h, err, errlen);
	ahead q = {.mu = PTHREAD_MUTEX_INITIALIZER,
		   .more = PTHREAD_COND_INITIALIZER,
		   .room = PTHREAD_COND_INITIALIZER,
		   .h = h,
		   .path = path,
		   .err = err,
		   .errlen = errlen};
	pthread_t t;
	if (pthread_create(&t, NULL, reader, &q))
		return read_file(path, emit_direct, (void *)h, err, errlen);
	int stopped = 0;
	for (;;) {
		pthread_mutex_lock(&q.mu);
		while (!q.count && !q.done)
			pthread_cond_wait(&q.more, &q.mu);
		if (!q.count) {
			pthread_mutex_unlock(&q.mu);
			break;
		}
		rec r = q.ring[q.head];
		q.head = (q.head + 1) % AHEAD;
		q.count--;
		pthread_cond_signal(&q.room);
		pthread_mutex_unlock(&q.mu);
		if (dispatch(h, &r)) {
			stopped = 1;
			pthread_mutex_lock(&q.mu);
			q.stop = 1;
			pthread_cond_signal(&q.room);
			pthread_mutex_unlock(&q.mu);
			break;
		}
	}
	pthread_join(t, NULL);
	for (; q.count; q.count--, q.head = (q.head + 1) % AHEAD)
		kb_arena_free(&q.ring[q.head].a);
	return stopped ? -1 : q.rc;
}
