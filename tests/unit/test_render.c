/*
 * test_render.c: escaping, the template engine and Markdown rendering.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "render/escape.h"
#include "render/markdown.h"
#include "render/template.h"

static char *esc(const char *s)
{
	kb_buf b = {0};
	html_escape(&b, s, strlen(s));
	return kb_buf_take(&b, NULL);
}

static void html_escape_covers_the_five_characters(void **state)
{
	char *s = esc("<a href=\"x\" title='y'>Tom & Jerry</a>");
	assert_string_equal(s, "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;");
	free(s);
}

static void html_escape_keeps_devanagari_bytes(void **state)
{
	char *s = esc("भारत-इज़राइल <रक्षा>");
	assert_string_equal(s, "भारत-इज़राइल &lt;रक्षा&gt;");
	free(s);
}

static void url_is_safe_accepts_web_links_only(void **state)
{
	const char *ok[] = {"https://x.com/a", "http://a.b", "/news/x", "/", "mailto:a@b.c", "HTTPS://X.COM"};
	const char *bad[] = {"javascript:alert(1)",
			     "JaVaScRiPt:x",
			     "data:text/html,x",
			     "//evil.com",
			     "/\\evil.com",
			     "vbscript:x",
			     "",
			     "https://a\nb",
			     "http://"};
	for (size_t i = 0; i < KB_COUNT(ok); i++)
		assert_true(url_is_safe(ok[i], strlen(ok[i])));
	for (size_t i = 0; i < KB_COUNT(bad); i++)
		if (url_is_safe(bad[i], strlen(bad[i])))
			fail_msg("url_is_safe accepted \"%s\"", bad[i]);
}

static void url_encode_and_decode_round_trip(void **state)
{
	const char *s = "रक्षा सचिव & 100%?";
	kb_buf e = {0}, d = {0};
	url_encode(&e, s, strlen(s));
	assert_null(strchr(e.data, ' '));
	assert_null(strchr(e.data, '&'));
	assert_int_equal(url_decode(&d, e.data, e.len, 0), 0);
	assert_string_equal(d.data, s);
	kb_buf_reset(&d);
	assert_int_equal(url_decode(&d, "a+b%2", 5, 1), -1);
	kb_buf_reset(&d);
	assert_int_equal(url_decode(&d, "a+b%2f%2F", 9, 1), 0);
	assert_string_equal(d.data, "a b//");
	kb_buf_free(&e);
	kb_buf_free(&d);
}

static void json_escape_is_safe_inside_script(void **state)
{
	kb_buf b = {0};
	const char *s = "\"</script>\\\n\x01";
	json_escape(&b, s, strlen(s));
	assert_string_equal(b.data, "\\\"\\u003c/script\\u003e\\\\\\n\\u0001");
	kb_buf_free(&b);
}

static void xml_escape_drops_what_xml_forbids(void **state)
{
	kb_buf b = {0};
	const char *s = "क<\x01\x1f>&\"'\t\n\r\x7fख";
	xml_escape(&b, s, strlen(s));
	assert_string_equal(b.data, "क&lt;&gt;&amp;&quot;&#39;\t\n\r\x7fख");
	kb_buf_free(&b);
}

static void xml_escape_html_text_is_inert_after_one_decoding(void **state)
{
	kb_buf b = {0};
	const char *s = "क<img src=x onerror=alert(1)> & \"'\x01]]>";
	xml_escape_html_text(&b, s, strlen(s));
	/* What an XML parser hands the reader: "क&lt;img src=x
	 * onerror=alert(1)&gt; &amp; \"']]&gt;", which HTML shows as s. */
	assert_string_equal(b.data,
			    "क&amp;lt;img src=x onerror=alert(1)&amp;gt; &amp;amp; &quot;&#39;]]&amp;gt;");
	assert_null(strchr(b.data, '<'));
	kb_buf_free(&b);
}

/* Renders src with ctx; returns a malloc'd string, or NULL on error. */
static char *render(const char *src, const tv *ctx)
{
	tpl_set *set = tpl_set_new();
	char *err = NULL;
	if (tpl_add(set, "t", src, strlen(src), &err)) {
		free(err);
		tpl_set_free(set);
		return NULL;
	}
	kb_buf out = {0};
	int rc = tpl_render(set, "t", ctx, &out);
	tpl_set_free(set);
	if (rc) {
		kb_buf_free(&out);
		return NULL;
	}
	return kb_buf_take(&out, NULL);
}

static void template_escapes_by_default(void **state)
{
	kb_arena a = {0};
	tv *c = tv_obj(&a);
	tv_set_str(c, "x", "<script>alert('x')</script>");
	char *s = render("<p>{{x}}</p><p>{{ x }}</p>", c);
	assert_string_equal(s, "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>"
			       "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>");
	free(s);
	kb_arena_free(&a);
}

static void template_raw_emits_only_trusted_html(void **state)
{
	kb_arena a = {0};
	tv *c = tv_obj(&a);
	tv_set(c, "safe", tv_html(&a, "<b>bold</b>", 11));
	tv_set_str(c, "plain", "<b>bold</b>");
	char *s = render("{{raw safe}}|{{raw plain}}|{{safe}}", c);
	assert_string_equal(s, "<b>bold</b>|&lt;b&gt;bold&lt;/b&gt;|&lt;b&gt;bold&lt;/b&gt;");
	free(s);
	kb_arena_free(&a);
}

static void template_url_refuses_javascript(void **state)
{
	kb_arena a = {0};
	tv *c = tv_obj(&a);
	tv_set_str(c, "good", "https://wa.me/?text=a&b");
	tv_set_str(c, "bad", "javascript:alert(1)");
	char *s = render("<a href=\"{{url good}}\"></a><a href=\"{{url bad}}\"></a>", c);
	assert_string_equal(s, "<a href=\"https://wa.me/?text=a&amp;b\"></a><a href=\"#\"></a>");
	free(s);
	kb_arena_free(&a);
}

static void template_blocks_and_scopes(void **state)
{
	kb_arena a = {0};
	tv *c = tv_obj(&a);
	tv_set_str(c, "site", "खबर");
	tv *list = tv_list(&a);
	for (int i = 1; i <= 3; i++) {
		tv *o = tv_obj(&a);
		tv_set_int(o, "n", i);
		tv_set_bool(o, "odd", i % 2);
		tv_push(list, o);
	}
	tv_set(c, "items", list);
	tv_set(c, "empty", tv_list(&a));
	tv *art = tv_obj(&a);
	tv_set_str(art, "title", "शीर्षक");
	tv_set(c, "article", art);
	char *s = render("{{#each items}}[{{n}}{{#if odd}}o{{else}}e{{/if}}{{site}}]{{/each}}"
			 "{{#each empty}}x{{else}}none{{/each}}"
			 "{{#with article}}<{{title}}>{{/with}}{{#with missing}}y{{else}}no{{/with}}"
			 "{{! a comment }}{{article.title}}{{nothing.at.all}}",
			 c);
	assert_string_equal(s, "[1oखबर][2eखबर][3oखबर]none<शीर्षक>noशीर्षक");
	free(s);
	kb_arena_free(&a);
}

static void template_partials_share_the_context(void **state)
{
	kb_arena a = {0};
	tv *c = tv_obj(&a);
	tv_set_str(c, "name", "देश");
	tpl_set *set = tpl_set_new();
	char *err = NULL;
	assert_int_equal(tpl_add(set, "page", "<{{> part}}>", 12, &err), 0);
	assert_int_equal(tpl_check(set, &err), -1);
	assert_non_null(strstr(err, "part"));
	free(err);
	assert_int_equal(tpl_add(set, "part", "{{name}}", 8, &err), 0);
	assert_int_equal(tpl_check(set, &err), 0);
	kb_buf out = {0};
	assert_int_equal(tpl_render(set, "page", c, &out), 0);
	assert_string_equal(out.data, "<देश>");
	/* A theme replaces a template of the same name. */
	assert_int_equal(tpl_add(set, "part", "[{{name}}]", 10, &err), 0);
	kb_buf_reset(&out);
	assert_int_equal(tpl_render(set, "page", c, &out), 0);
	assert_string_equal(out.data, "<[देश]>");
	/* Self-inclusion stops at the depth limit instead of recursing forever. */
	assert_int_equal(tpl_add(set, "loop", "{{> loop}}", 10, &err), 0);
	assert_int_equal(tpl_render(set, "loop", c, &out), -1);
	kb_buf_free(&out);
	tpl_set_free(set);
	kb_arena_free(&a);
}

static void template_errors_name_file_and_line(void **state)
{
	const struct {
		const char *src, *want;
	} cases[] = {
		{"a\n{{#if x}}b", "t:2: block never closed"},
		{"{{/if}}", "t:1: closing tag without block"},
		{"{{#if x}}{{/each}}", "t:1: mismatched closing tag"},
		{"\n\n{{x", "t:3: unclosed {{"},
		{"{{#loop x}}{{/loop}}", "t:1: unknown block"},
		{"{{a b}}", "t:1: bad character in name"},
		{"{{else}}", "t:1: else outside a block"},
		{"{{a..b}}", "t:1: empty name segment"},
	};
	for (size_t i = 0; i < KB_COUNT(cases); i++) {
		tpl_set *set = tpl_set_new();
		char *err = NULL;
		if (tpl_add(set, "t", cases[i].src, strlen(cases[i].src), &err) != -1)
			fail_msg("template %zu parsed but should not", i);
		if (strncmp(err, cases[i].want, strlen(cases[i].want)))
			fail_msg("expected error \"%s...\", got \"%s\"", cases[i].want, err);
		free(err);
		tpl_set_free(set);
	}
}

static void markdown_renders_gfm_and_drops_raw_html(void **state)
{
	markdown_init();
	const char *md = "## शीर्षक\n\n**मज़बूत** रक्षा सहयोग\n\n<script>alert(1)</script>\n\n"
			 "[x](javascript:alert(1))\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~पुराना~~ "
			 "https://khabar.example/x\n\n<img src=x onerror=alert(1)>";
	kb_buf out = {0};
	markdown_render(&out, md, strlen(md));
	assert_non_null(strstr(out.data, "<h2>शीर्षक</h2>"));
	assert_non_null(strstr(out.data, "<strong>मज़बूत</strong>"));
	assert_null(strstr(out.data, "<script"));
	assert_null(strstr(out.data, "onerror"));
	assert_null(strstr(out.data, "javascript:"));
	assert_non_null(strstr(out.data, "<table>"));
	assert_non_null(strstr(out.data, "<del>पुराना</del>"));
	assert_non_null(strstr(out.data, "<a href=\"https://khabar.example/x\">"));
	kb_buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(html_escape_covers_the_five_characters),
		cmocka_unit_test(html_escape_keeps_devanagari_bytes),
		cmocka_unit_test(url_is_safe_accepts_web_links_only),
		cmocka_unit_test(url_encode_and_decode_round_trip),
		cmocka_unit_test(json_escape_is_safe_inside_script),
		cmocka_unit_test(xml_escape_drops_what_xml_forbids),
		cmocka_unit_test(xml_escape_html_text_is_inert_after_one_decoding),
		cmocka_unit_test(template_escapes_by_default),
		cmocka_unit_test(template_raw_emits_only_trusted_html),
		cmocka_unit_test(template_url_refuses_javascript),
		cmocka_unit_test(template_blocks_and_scopes),
		cmocka_unit_test(template_partials_share_the_context),
		cmocka_unit_test(template_errors_name_file_and_line),
		cmocka_unit_test(markdown_renders_gfm_and_drops_raw_html),
	};
	return cmocka_run_group_tests_name("render", tests, NULL, NULL);
}
