/*
 * test_import.c: the WordPress importer's HTML to Markdown conversion (the
 * allowlist, what is removed, embeds, tables, figures, classic-editor
 * paragraphs, escaping) and the WXR reader (CDATA joining, a broken file
 * named by line, entity declarations and outside DTDs refused, libxml2's
 * size limit named in plain words). The converted Markdown is also rendered, to check that
 * what reaches readers carries nothing unsafe.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "importer/importer.h"
#include "render/markdown.h"

static char *md(const char *html)
{
	kb_buf b = {0};
	import_html_to_md(&b, html, strlen(html));
	return b.data ? kb_buf_take(&b, NULL) : strdup("");
}

static char *rendered(const char *html)
{
	char *m = md(html);
	kb_buf b = {0};
	markdown_render(&b, m, strlen(m));
	free(m);
	return kb_buf_take(&b, NULL);
}

#define EXPECT_MD(html, want)                                                                 \
	do {                                                                                  \
		char *got_ = md(html);                                                        \
		if (strcmp(got_, want))                                                       \
			fail_msg("for %s\nexpected: [%s]\ngot:      [%s]", html, want, got_); \
		free(got_);                                                                   \
	} while (0)

static void keeps_the_allowlist(void **state)
{
	EXPECT_MD("<p>नई दिल्ली। <strong>बड़ी</strong> <em>खबर</em> <a href=\"https://a.in/x\">यहाँ</a></p>",
		  "नई दिल्ली। **बड़ी** *खबर* [यहाँ](https://a.in/x)\n");
	EXPECT_MD("<h1>a</h1><h2>b</h2><h3>c</h3><h4>d</h4><h6>e</h6>",
		  "## a\n\n## b\n\n### c\n\n#### d\n\n#### e\n");
	EXPECT_MD("<ul><li>एक</li><li>दो</li></ul><ol start=\"3\"><li>तीन</li></ol>",
		  "- एक\n- दो\n\n3. तीन\n");
	EXPECT_MD("<blockquote><p>उद्धरण</p><p>दूसरा</p></blockquote>", "> उद्धरण\n>\n> दूसरा\n");
	EXPECT_MD("<p>a<br>b</p>", "a\\\nb\n");
	EXPECT_MD("<p><b>bold </b>next</p>", "**bold** next\n");
}

static void removes_scripts_styles_iframes_and_events(void **state)
{
	EXPECT_MD("<p onclick=\"steal()\" style=\"color:red\">पाठ</p><script>alert(1)</script>"
		  "<style>p{}</style><iframe src=\"https://evil.example/\"></iframe><form><input></form>",
		  "पाठ\n");
	EXPECT_MD(
		"<p><a href=\"javascript:alert(1)\">x</a> <img src=\"data:image/png;base64,AAA\" alt=\"y\"></p>",
		"x\n");
	char *h = rendered(
		"<p><a href=\"javascript:alert(1)\" onmouseover=\"x()\">a</a><svg onload=\"x()\"></svg>"
		"&lt;script&gt;alert(1)&lt;/script&gt;</p>");
	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "javascript"));
	assert_null(strstr(h, "onload"));
	assert_non_null(strstr(h, "&lt;script&gt;"));
	free(h);
}

static void embeds_become_links(void **state)
{
	EXPECT_MD("<iframe src=\"https://www.youtube.com/embed/abc_12?feature=oembed\"></iframe>",
		  "<https://www.youtube.com/watch?v=abc_12>\n");
	EXPECT_MD(
		"<blockquote class=\"twitter-tweet\"><p>t</p>&mdash; x <a href=\"https://twitter.com/x/status/9\">d</a>"
		"</blockquote><script src=\"https://platform.twitter.com/widgets.js\"></script>",
		"<https://twitter.com/x/status/9>\n");
	EXPECT_MD(
		"<blockquote class=\"instagram-media\" data-instgrm-permalink=\"https://www.instagram.com/p/Cx/\">"
		"<a href=\"https://www.instagram.com/p/Cx/\">v</a></blockquote>",
		"<https://www.instagram.com/p/Cx/>\n");
	EXPECT_MD(
		"<iframe src=\"https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2Fp%2F1&width=500\">"
		"</iframe>",
		"<https://www.facebook.com/p/1>\n");
	EXPECT_MD(
		"<!-- wp:embed {\"url\":\"https://x.com/a/status/1\"} --><figure class=\"wp-block-embed\"><div "
		"class=\"wp-block-embed__wrapper\">\nhttps://x.com/a/status/1\n</div></figure><!-- /wp:embed -->",
		"<https://x.com/a/status/1>\n");
	char *h = rendered("<iframe src=\"https://www.youtube.com/embed/abc\"></iframe>");
	assert_non_null(strstr(h, "<a href=\"https://www.youtube.com/watch?v=abc\">"));
	free(h);
}

static void tables_and_figures(void **state)
{
	EXPECT_MD("<figure class=\"wp-block-table\"><table><thead><tr><th>राज्य</th><th>a|b</th></tr></thead>"
		  "<tbody><tr><td>बिहार</td><td>1<br>2</td></tr><tr><td>x</td></tr></tbody></table></figure>",
		  "| राज्य | a\\|b |\n| --- | --- |\n| बिहार | 1 2 |\n| x |  |\n");
	EXPECT_MD("<figure class=\"wp-block-image\"><img src=\"/wp-content/uploads/a.jpg\" alt=\"मंच [1]\" "
		  "onerror=\"x()\"/><figcaption>मंच पर <b>नेता</b></figcaption></figure>",
		  "![मंच \\[1\\]](/wp-content/uploads/a.jpg)\n\n*मंच पर **नेता***\n");
	char *h = rendered("<table><tr><th>a</th></tr><tr><td>b</td></tr></table>");
	assert_non_null(strstr(h, "<table>"));
	free(h);
}

static void classic_editor_paragraphs_and_escaping(void **state)
{
	EXPECT_MD("पहली\nदूसरी\n\nनया", "पहली\\\nदूसरी\n\nनया\n");
	EXPECT_MD("<p>1. नहीं सूची</p><p>- नहीं</p><p># नहीं</p><p>*तारे* [a](b) &lt;b&gt; &amp;amp;</p>",
		  "1\\. नहीं सूची\n\n\\- नहीं\n\n\\# नहीं\n\n\\*तारे\\* \\[a\\](b) \\<b\\> \\&amp;\n");
	char *h = rendered("<p>*तारे* &lt;b&gt; &amp;amp; 5 &lt; 6</p>");
	assert_string_equal(h, "<p>*तारे* &lt;b&gt; &amp;amp; 5 &lt; 6</p>\n");
	free(h);
	EXPECT_MD("", "");
	EXPECT_MD("<!-- only a comment -->", "");
}

static void excerpt_text(void **state)
{
	kb_buf b = {0};
	const char *x = "<p>एक <em>सार</em></p>\n<p>दो</p>";
	import_html_to_text(&b, x, strlen(x));
	assert_string_equal(b.data, "एक सार दो");
	kb_buf_free(&b);
}

/* ---- the WXR reader ---- */

typedef struct seen {
	char content[256];
	int items, terms, authors;
} seen;

static int on_item(void *ud, const wxr_item *it)
{
	seen *s = ud;
	s->items++;
	snprintf(s->content, sizeof s->content, "%s", it->content);
	return 0;
}
static int on_term(void *ud, const wxr_term *t)
{
	((seen *)ud)->terms++;
	return 0;
}
static int on_author(void *ud, const wxr_author *a)
{
	((seen *)ud)->authors++;
	return 0;
}

static int read_text(const char *xml, seen *s, char *err, size_t errlen)
{
	char path[64];
	snprintf(path, sizeof path, "/tmp/khabar-wxr-%d.xml", (int)getpid());
	FILE *f = fopen(path, "w");
	fputs(xml, f);
	fclose(f);
	wxr_handler h = {s, on_author, on_term, on_item, NULL};
	int rc = wxr_read(path, &h, err, errlen);
	unlink(path);
	return rc;
}

#define HEAD                                                                           \
	"<?xml version=\"1.0\"?>\n<rss xmlns:wp=\"http://wordpress.org/export/1.2/\" " \
	"xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel>\n<wp:wxr_version>1.2</wp:wxr_version>\n"

static void wxr_joins_cdata_sections(void **state)
{
	seen s = {0};
	char err[256];
	int rc = read_text(HEAD
			   "<wp:category><wp:cat_name>a</wp:cat_name></wp:category>\n"
			   "<item><content:encoded><![CDATA[a ]]]]><![CDATA[> b]]></content:encoded></item>\n"
			   "</channel></rss>\n",
			   &s, err, sizeof err);
	assert_int_equal(rc, 0);
	assert_int_equal(s.items, 1);
	assert_int_equal(s.terms, 1);
	assert_string_equal(s.content, "a ]]> b");
}

static void wxr_names_the_line_of_an_error(void **state)
{
	seen s = {0};
	char err[256];
	int rc = read_text(HEAD
			   "<item><title>x</title></item>\n<item><title>y</wrong></item>\n</channel></rss>\n",
			   &s, err, sizeof err);
	assert_int_equal(rc, 1);
	if (!strstr(err, "line 5:"))
		fail_msg("the error should name line 5: %s", err);
	rc = read_text(HEAD "<item><title>x</title></item>\n<item><ti", &s, err, sizeof err);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(err, "truncated"));
	rc = read_text("<?xml version=\"1.0\"?>\n<rss><channel><item/></channel></rss>\n", &s, err,
		       sizeof err);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(err, "not a WordPress export"));
}

/* A prolog and the smallest channel after it: <!DOCTYPE ...> at line 2. */
#define DOCTYPE(subset)                                        \
	"<?xml version=\"1.0\"?>\n<!DOCTYPE rss " subset ">\n" \
	"<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel>\n<wp:wxr_version>1.2</wp:wxr_version>\n"

/* Every way a file could make the parser expand or fetch: refused at the
 * declaration's line, before any record is read. */
static void wxr_refuses_entity_declarations(void **state)
{
	static const struct {
		const char *xml, *line, *what;
	} cases[] = {
		/* Billion laughs: ten levels of ten, 3 GB from a kilobyte. */
		{DOCTYPE("[\n<!ENTITY a \"aaaaaaaaaa\">\n<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
			 "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
			 "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n"
			 "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n<!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n"
			 "<!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">\n]") "<item><title>&i;</title></item>\n</channel></rss>\n",
		 "line 3:", "declares the entity \"a\""},
		/* An external entity: a local file's text in a post. */
		{DOCTYPE("[\n<!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]") "<item><title>&xxe;</title></item>\n</channel></rss>\n",
		 "line 3:", "declares the entity \"xxe\""},
		/* A parameter entity, declared and used inside the DTD. */
		{DOCTYPE("[\n<!ENTITY % p \"<!ENTITY q 'x'>\">\n%p;\n]") "<item><title>&q;</title></item>\n</channel></rss>\n",
		 "line 3:", "declares the parameter entity \"%p\""},
		/* An outside DTD, which may declare anything. */
		{DOCTYPE("SYSTEM \"file:///etc/passwd\"") "</channel></rss>\n",
		 "line 2:", "names an outside DTD"},
	};
	for (size_t i = 0; i < KB_COUNT(cases); i++) {
		seen s = {0};
		char err[512];
		assert_int_equal(read_text(cases[i].xml, &s, err, sizeof err), 1);
		if (strncmp(err, cases[i].line, strlen(cases[i].line)) || !strstr(err, cases[i].what))
			fail_msg("case %zu: expected \"%s ... %s\", got \"%s\"", i, cases[i].line,
				 cases[i].what, err);
		assert_non_null(strstr(err, "export the site again"));
		assert_int_equal(s.items + s.terms + s.authors, 0);
	}
	/* A DOCTYPE that declares nothing is harmless, and read. */
	seen s = {0};
	char err[512];
	assert_int_equal(read_text(DOCTYPE("[\n<!-- <!ENTITY x 'y'> -->\n]") "<item/>\n</channel></rss>\n",
				   &s, err, sizeof err),
			 0);
	assert_int_equal(s.items, 1);
}

/* libxml2's 10 MB limit on one field stays on, and its message (which
 * speaks of XML_PARSE_HUGE) becomes one a site owner can act on. */
static void wxr_names_the_size_limit(void **state)
{
	size_t n = 11u << 20;
	char *xml = malloc(sizeof HEAD + n + 200);
	char *p = xml + sprintf(xml, "%s<item><content:encoded><![CDATA[", HEAD);
	memset(p, 'a', n);
	strcpy(p + n, "]]></content:encoded></item>\n</channel></rss>\n");
	seen s = {0};
	char err[512];
	assert_int_equal(read_text(xml, &s, err, sizeof err), 1);
	free(xml);
	if (strncmp(err, "line 4:", 7) || !strstr(err, "longer than 10 MB"))
		fail_msg("expected \"line 4: ... longer than 10 MB ...\", got \"%s\"", err);
	assert_int_equal(s.items, 0);
}

/* Reading ahead (a prepare hook): the same records in the same order as
 * reading directly, items prepared on the other thread before the caller
 * sees them; a callback that stops ends the read at once, even with the
 * ring full behind it; a broken file still gives its line after the
 * records before it. 200 items: more than the ring holds. */
typedef struct order {
	kb_buf log;
	int stop_at, calls;
	pthread_t caller;
} order;

static int log_item(void *ud, const wxr_item *it)
{
	order *o = ud;
	kb_buf_printf(&o->log, "i%s:%s;", it->post_id, it->body_md ? it->body_md : "");
	return ++o->calls == o->stop_at ? -1 : 0;
}
static int log_term(void *ud, const wxr_term *t)
{
	order *o = ud;
	kb_buf_printf(&o->log, "t%s;", t->name);
	return ++o->calls == o->stop_at ? -1 : 0;
}
static int log_author(void *ud, const wxr_author *a)
{
	order *o = ud;
	kb_buf_printf(&o->log, "a%s;", a->login);
	return ++o->calls == o->stop_at ? -1 : 0;
}
static void log_prepare(void *ud, wxr_item *it, kb_arena *a)
{
	order *o = ud;
	/* On the reading thread, never the caller's. */
	if (!pthread_equal(pthread_self(), o->caller))
		it->body_md = it->content;
}

static int read_logged(const char *path, int ahead, int stop_at, kb_buf *log, char *err, size_t errlen)
{
	order o = {.stop_at = stop_at, .caller = pthread_self()};
	wxr_handler h = {&o, log_author, log_term, log_item, NULL, ahead ? log_prepare : NULL};
	int rc = wxr_read(path, &h, err, errlen);
	*log = o.log;
	return rc;
}

static void wxr_reads_ahead_in_order(void **state)
{
	char path[64];
	snprintf(path, sizeof path, "/tmp/khabar-wxr-ahead-%d.xml", (int)getpid());
	FILE *f = fopen(path, "w");
	fputs(HEAD "<wp:author><wp:author_login>lekhak</wp:author_login></wp:author>\n"
		   "<wp:category><wp:cat_name>देश</wp:cat_name></wp:category>\n",
	      f);
	for (int i = 1; i <= 200; i++)
		fprintf(f,
			"<item><wp:post_id>%d</wp:post_id><content:encoded>खबर %d</content:encoded></item>\n",
			i, i);
	fputs("</channel></rss>\n", f);
	fclose(f);
	char err[256];
	kb_buf direct, ahead;
	assert_int_equal(read_logged(path, 0, 0, &direct, err, sizeof err), 0);
	assert_int_equal(read_logged(path, 1, 0, &ahead, err, sizeof err), 0);
	assert_non_null(strstr(direct.data, "alekhak;tदेश;i1:;i2:;"));
	assert_non_null(strstr(ahead.data, "alekhak;tदेश;i1:खबर 1;i2:खबर 2;"));
	assert_non_null(strstr(ahead.data, ";i200:खबर 200;"));
	size_t n = 0;
	for (const char *p = ahead.data; (p = strstr(p, ":खबर ")); p++)
		n++;
	assert_int_equal(n, 200);
	kb_buf_free(&direct);
	kb_buf_free(&ahead);

	/* Stopped at the 5th record: nothing after it is seen, and the
	 * reader, blocked on a full ring, is let go. */
	assert_int_equal(read_logged(path, 1, 5, &ahead, err, sizeof err), -1);
	assert_string_equal(ahead.data, "alekhak;tदेश;i1:खबर 1;i2:खबर 2;i3:खबर 3;");
	kb_buf_free(&ahead);

	/* Cut short after 150 items: what libxml2 delivered before it noticed
	 * (it reads the file in blocks) arrives as when reading directly, then
	 * the error with its line. */
	f = fopen(path, "w");
	fputs(HEAD, f);
	for (int i = 1; i <= 150; i++)
		fprintf(f, "<item><wp:post_id>%d</wp:post_id></item>\n", i);
	fputs("<item><wp:post_id>151</wp", f);
	fclose(f);
	assert_int_equal(read_logged(path, 0, 0, &direct, err, sizeof err), 1);
	assert_int_equal(read_logged(path, 1, 0, &ahead, err, sizeof err), 1);
	assert_string_equal(ahead.data, direct.data);
	assert_non_null(strstr(ahead.data, ";i100:;"));
	assert_null(strstr(ahead.data, "i151"));
	if (!strstr(err, "line 154"))
		fail_msg("the error should name line 154: %s", err);
	kb_buf_free(&direct);
	kb_buf_free(&ahead);
	unlink(path);
}

int main(void)
{
	markdown_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keeps_the_allowlist),
		cmocka_unit_test(removes_scripts_styles_iframes_and_events),
		cmocka_unit_test(embeds_become_links),
		cmocka_unit_test(tables_and_figures),
		cmocka_unit_test(classic_editor_paragraphs_and_escaping),
		cmocka_unit_test(excerpt_text),
		cmocka_unit_test(wxr_joins_cdata_sections),
		cmocka_unit_test(wxr_names_the_line_of_an_error),
		cmocka_unit_test(wxr_refuses_entity_declarations),
		cmocka_unit_test(wxr_names_the_size_limit),
		cmocka_unit_test(wxr_reads_ahead_in_order),
	};
	return cmocka_run_group_tests_name("import", tests, NULL, NULL);
}
