/*
 * errors.c: the Hindi error pages. 404 offers the search box and the latest
 * news, so a reader who followed a dead link still finds something to read.
 * These pages must render even when the store fails, so each step degrades
 * to a plain page instead of failing again.
 */
#include <string.h>

#include "../render/escape.h"
#include "pages.h"

static const struct {
	int status;
	const char *title, *text;
} errors[] = {
	{400, "अनुरोध समझ में नहीं आया", "पते या भेजी गई जानकारी में कुछ गलत है। कृपया पता जाँचकर फिर कोशिश करें।"},
	{403, "यहाँ आने की अनुमति नहीं है", "यह पेज केवल अनुमति वाले सदस्यों के लिए है।"},
	{404, "यह पेज नहीं मिला", "हो सकता है पता बदल गया हो या खबर हटा दी गई हो। नीचे खोजें या ताज़ा खबरें पढ़ें।"},
	{405, "यह तरीका यहाँ नहीं चलता", "इस पते पर यह अनुरोध स्वीकार नहीं किया जाता।"},
	{409, "किसी और ने इस बीच बदलाव किया", "पेज दोबारा खोलकर ताज़ा संस्करण देखें।"},
	{413, "भेजी गई सामग्री बहुत बड़ी है", "कृपया छोटी फ़ाइल या कम सामग्री भेजें।"},
	{431, "अनुरोध के हेडर बहुत बड़े हैं", "ब्राउज़र ने बहुत लंबी जानकारी भेजी है। कुकी हटाकर फिर कोशिश करें।"},
	{503, "सेवा कुछ देर के लिए रुकी है", "कुछ सेकंड बाद फिर कोशिश करें।"},
	{500, "कुछ गड़बड़ हो गई", "हमारी ओर से कोई समस्या आई है। कृपया थोड़ी देर बाद फिर कोशिश करें।"},
};

void page_error(kb_req *r, int status)
{
	size_t i = 0;
	while (i < KB_COUNT(errors) - 1 && errors[i].status != status)
		i++;
	if (errors[i].status != status && status < 500)
		i = 0; /* an unlisted 4xx reads as a bad request */
	tv *ctx = r->db ? site_context(r, errors[i].title, NULL) : NULL;
	if (ctx) {
		tv *e = tv_obj(&r->arena);
		tv_set_int(e, "status", status);
		tv_set_str(e, "title", errors[i].title);
		tv_set_str(e, "text", r->error_text ? r->error_text : errors[i].text);
		tv_set(ctx, "error", e);
		if (status == 404) {
			kb_article *v;
			size_t n;
			kb_article_query q = {.limit = 6};
			if (!store_article_list(r->db, &r->arena, &q, &v, &n, NULL))
				tv_set(ctx, "latest", site_article_list(r, v, n));
		}
		if (site_render(r, "error", ctx) == 200)
			return;
	}
	/* The plain page is built here, not by a template, so it escapes the
	 * text itself: error_text may quote what a client sent. */
	const char *text = r->error_text ? r->error_text : errors[i].text;
	kb_buf_reset(&r->body);
	kb_buf_printf(&r->body,
		      "<!doctype html><html lang=\"hi\"><meta charset=\"utf-8\">"
		      "<title>%s</title><h1>%s</h1><p>",
		      errors[i].title, errors[i].title);
	html_escape(&r->body, text, strlen(text));
	kb_buf_puts(&r->body, "</p><p><a href=\"/\">मुख्य पेज</a></p></html>");
}
