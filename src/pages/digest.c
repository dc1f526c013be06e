/*
 * digest.c: the reader's side of the email digest: the sign-up form
 * (/digest: an address, categories, daily or breaking-only; every page's
 * foot links it, and the story page's small form opens it with the
 * address filled in), "check your inbox" (/digest/sent), the
 * confirmation link (/digest/confirm), the preferences page of every
 * mail (/digest/manage) and unsubscribing (/digest/unsubscribe: a GET
 * asks, a POST, as RFC 8058's one click sends it, does it). Links carry
 * a signed token (src/digest/token.c): no login. Every word is Hindi.
 *
 * A sign-up passes what the tip form does: a stale token shows the form
 * again, then the address's rate limit (429), the honeypot (a bot is
 * told to check its inbox and nothing is kept), the signed form stamp,
 * the fields; the store then limits confirmation mails per address
 * (DIGEST_ADDR_MAX a day). The answer never says whether an address was
 * subscribed already. Not here: the mails and the queue (src/digest/).
 */
#include <stdlib.h>
#include <string.h>

#include "../digest/digest.h"
#include "../http/ratelimit.h"
#include "../tips/tips.h"
#include "pages.h"

#define DIGEST_PATH "/digest"
#define MAX_CATEGORIES 64

/* What the form shows: the address, the frequency, the categories
 * chosen (ids), and for the preferences page its token. */
typedef struct digest_form {
	const char *email, *frequency, *token;
	const int64_t *cats;
	size_t ncats;
} digest_form;

static int chosen(const digest_form *f, int64_t id)
{
	for (size_t i = 0; i < f->ncats; i++)
		if (f->cats[i] == id)
			return 1;
	return 0;
}

/* The sign-up form, or with f->token the preferences page. */
static int form_page(kb_req *r, const digest_form *f, const char *error, int status)
{
	int manage = f->token != NULL;
	tv *ctx = site_context(r, manage ? "ईमेल की पसंद" : "ईमेल पर खबरें",
			       "रोज़ की प्रमुख खबरें या ब्रेकिंग न्यूज़ सीधे अपने ईमेल पर पाएँ।");
	if (!ctx)
		return 500;
	kb_arena *a = &r->arena;
	kb_category *cats;
	size_t n;
	if (store_category_list(r->db, a, &cats, &n))
		return 500;
	tv_set_bool(ctx, "noindex", 1);
	tv_set_str(ctx, "csrf", session_pre_csrf_at(r, DIGEST_PATH));
	tv_set_str(ctx, "stamp", session_stamp(r, kb_now()));
	tv_set_str(ctx, "email", f->email ? f->email : "");
	if (manage)
		tv_set_str(ctx, "token", f->token);
	tv_set_bool(ctx, "manage", manage);
	tv_set_bool(ctx, "breaking", f->frequency && !strcmp(f->frequency, "breaking"));
	tv *list = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		tv *c = tv_obj(a);
		tv_set_int(c, "id", cats[i].id);
		tv_set_str(c, "name", cats[i].name);
		tv_set_bool(c, "checked", chosen(f, cats[i].id));
		tv_push(list, c);
	}
	tv_set(ctx, "categories", list);
	if (error)
		tv_set_str(ctx, "error", error);
	r->max_age = -1;
	int rc = site_render(r, "digest", ctx);
	if (rc != 200)
		return rc;
	r->content_type = "text/html; charset=utf-8";
	return status;
}

/* A page with a heading and a message, with status; with action, a
 * button labelled button that POSTs there (confirming, unsubscribing). */
static int note_form(kb_req *r, const char *title, const char *text, const char *action, const char *button,
		     int status)
{
	tv *ctx = site_context(r, title, NULL);
	if (!ctx)
		return 500;
	tv_set_bool(ctx, "noindex", 1);
	tv_set_str(ctx, "heading", title);
	tv_set_str(ctx, "text", text);
	if (action) {
		tv_set_str(ctx, "action", action);
		tv_set_str(ctx, "button", button);
	}
	r->max_age = -1;
	int rc = site_render(r, "digest-note", ctx);
	if (rc != 200)
		return rc;
	r->content_type = "text/html; charset=utf-8";
	return status;
}

static int note(kb_req *r, const char *title, const char *text, int status)
{
	return note_form(r, title, text, NULL, NULL, status);
}

static int bad_link(kb_req *r)
{
	return note(r, "लिंक सही नहीं है",
		    "यह लिंक सही नहीं है या पुराना हो गया है। ईमेल में आया पूरा लिंक खोलें, या नीचे दिए पते से "
		    "दोबारा साइन अप करें।",
		    404);
}

/* The subscriber a token (the query's "t", or with form the POST's) of
 * kind opens: 0 with *sub, 404 for a token that is not genuine, 500. */
static int subscriber_of(kb_req *r, char kind, int form, kb_subscriber *sub)
{
	const char *t = form ? req_form(r, "t") : req_query(r, "t");
	char k;
	int64_t id, issued;
	unsigned char key[32];
	if (digest_token_parse(t, &k, &id, &issued) || k != kind)
		return 404;
	if (digest_key(r->db, key))
		return 500;
	int rc = digest_store_get(r->db, &r->arena, id, sub);
	if (rc)
		return rc == STORE_NOTFOUND ? 404 : 500;
	return digest_token_valid(key, t, kind, id, sub->email, kb_now()) ? 0 : 404;
}

/* The categories ticked in the POST (ids of categories), into the arena;
 * -1 for a value that is no id. */
static int form_categories(kb_req *r, int64_t **out, size_t *n)
{
	int64_t *v = kb_arena_alloc(&r->arena, MAX_CATEGORIES * sizeof *v);
	size_t i = 0, k = 0;
	const kb_form_field *f;
	while ((f = req_field_next(r, "category", &i))) {
		if (f->filename || !*f->value || !input_id(f->value))
			return -1;
		if (k < MAX_CATEGORIES)
			v[k++] = strtoll(f->value, NULL, 10);
	}
	*out = v;
	*n = k;
	return 0;
}

/* The address as typed, trimmed and in lower case (ASCII letters). */
static const char *address(kb_req *r)
{
	const char *s = req_form(r, "email");
	if (!s)
		return "";
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	char *o = kb_arena_strndup(&r->arena, s, n);
	for (char *p = o; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
	return o;
}

int page_digest_form(kb_req *r)
{
	digest_form f = {.email = req_query(r, "email"), .frequency = "daily"};
	return form_page(r, &f, NULL, 200);
}

int page_digest_signup(kb_req *r)
{
	int64_t now = kb_now();
	digest_form f = {.email = address(r), .frequency = req_form(r, "frequency")};
	int64_t *cats;
	int bad_cats = form_categories(r, &cats, &f.ncats);
	f.cats = bad_cats ? NULL : cats;
	if (bad_cats)
		f.ncats = 0;
	if (r->stale_form)
		return form_page(r, &f,
				 "यह फ़ॉर्म पुराना हो गया था, इसलिए अभी साइन अप नहीं हुआ। अपनी जानकारी जाँचकर "
				 "दोबारा भेजें। यही संदेश बार-बार दिखे तो इस साइट के लिए कुकी चालू करें।",
				 403);
	int64_t wait = rate_take(r->db, "digest", req_peer(r), DIGEST_IP_MAX, DIGEST_IP_WINDOW, now);
	if (wait < 0)
		return 500;
	if (wait) {
		req_add_header(r, "retry-after", kb_arena_printf(&r->arena, "%lld", (long long)wait));
		return note(r, "थोड़ी देर बाद कोशिश करें",
			    kb_arena_printf(
				    &r->arena,
				    "इस पते से बहुत बार साइन अप किया गया है। कृपया %lld मिनट बाद फिर कोशिश करें।",
				    (long long)((wait + 59) / 60)),
			    429);
	}
	/* A bot fills the hidden field too: it is told to check its inbox,
	 * and nothing is kept or sent. */
	const char *trap = req_form(r, "website");
	if (trap && *trap) {
		r->location = "/digest/sent";
		return 303;
	}
	int64_t issued = session_stamp_time(req_form(r, "stamp"));
	if (!issued || issued > now || now - issued > TIPS_MAX_FILL)
		return form_page(r, &f, "यह फ़ॉर्म पुराना हो गया है। अपनी जानकारी जाँचकर फिर भेजें।", 400);
	if (now - issued < TIPS_MIN_FILL)
		return form_page(r, &f, "फ़ॉर्म बहुत जल्दी भेजा गया। कृपया जानकारी जाँचकर कुछ पल बाद फिर भेजें।", 400);
	if (!*f.email)
		return form_page(r, &f, "कृपया अपना ईमेल पता लिखें।", 400);
	if (!tips_contact_is_email(f.email))
		return form_page(r, &f, "यह ईमेल पता सही नहीं लगता। जैसे: naam@example.com", 400);
	if (!f.frequency || (strcmp(f.frequency, "daily") && strcmp(f.frequency, "breaking")))
		return form_page(r, &f, "कृपया चुनें: रोज़ की प्रमुख खबरें या केवल ब्रेकिंग न्यूज़।", 400);
	if (bad_cats)
		return form_page(r, &f, "चुनी गई श्रेणियाँ सही नहीं हैं। कृपया दोबारा चुनें।", 400);
	int64_t id;
	int confirmed, queued;
	if (digest_store_signup(r->db, f.email, f.frequency, f.cats, f.ncats, req_peer(r), now,
				DIGEST_ADDR_MAX, &id, &confirmed, &queued)) {
		kb_warn("digest sign-up not saved: %s", store_errmsg(r->db));
		return form_page(r, &f, "अभी साइन अप नहीं हो सका। कृपया थोड़ी देर बाद फिर कोशिश करें।", 500);
	}
	if (queued)
		server_wake("digest");
	r->location = "/digest/sent";
	r->max_age = -1;
	return 303;
}

int page_digest_sent(kb_req *r)
{
	return note(r, "अपना ईमेल देखें",
		    "हमने आपके पते पर एक ईमेल भेजा है। सदस्यता शुरू करने के लिए उसमें दिया लिंक खोलें। ईमेल न "
		    "दिखे तो स्पैम फ़ोल्डर देखें। पुष्टि के बिना हम आपको कोई और ईमेल नहीं भेजेंगे।",
		    200);
}

/* The confirmation link asks with a button: a mail program's link
 * scanner that opens every link must not confirm an address on its
 * owner's behalf. */
int page_digest_confirm_page(kb_req *r)
{
	kb_subscriber sub;
	int rc = subscriber_of(r, 'c', 0, &sub);
	if (rc)
		return rc == 404 ? bad_link(r) : rc;
	return note_form(r, "सदस्यता की पुष्टि करें",
			 kb_arena_printf(&r->arena, "%s पर हमारी खबरें पाने के लिए नीचे का बटन दबाएँ।", sub.email),
			 kb_arena_printf(&r->arena, "/digest/confirm?t=%s", req_query(r, "t")),
			 "हाँ, सदस्यता शुरू करें", 200);
}

/* The button's POST: its signed token is its authority (R_SIGNED_LINK). */
int page_digest_confirm(kb_req *r)
{
	kb_subscriber sub;
	int rc = subscriber_of(r, 'c', 0, &sub);
	if (rc)
		return rc == 404 ? bad_link(r) : rc;
	rc = digest_store_confirm(r->db, sub.id, kb_now());
	if (rc == STORE_NOTFOUND)
		return bad_link(r);
	if (rc)
		return 500;
	unsigned char key[32];
	char t[DIGEST_TOKEN_MAX];
	if (digest_key(r->db, key))
		return 500;
	digest_token(key, 'm', sub.id, sub.email, 0, t);
	tv *ctx = site_context(r, "सदस्यता शुरू हो गई", NULL);
	if (!ctx)
		return 500;
	tv_set_bool(ctx, "noindex", 1);
	tv_set_str(ctx, "heading", "धन्यवाद, आपकी सदस्यता शुरू हो गई");
	tv_set_str(ctx, "text",
		   strcmp(sub.frequency, "breaking") ? "अब आपको हर दिन की प्रमुख खबरें ईमेल पर मिलेंगी।"
						     : "अब बड़ी ब्रेकिंग खबरें आपको ईमेल पर मिलेंगी।");
	tv_set_str(ctx, "manage", kb_arena_printf(&r->arena, "/digest/manage?t=%s", t));
	r->max_age = -1;
	return site_render(r, "digest-note", ctx);
}

int page_digest_manage(kb_req *r)
{
	kb_subscriber sub;
	int rc = subscriber_of(r, 'm', 0, &sub);
	if (rc)
		return rc == 404 ? bad_link(r) : rc;
	if (strcmp(sub.state, "confirmed"))
		return note(r, "सदस्यता बंद है",
			    "इस पते की सदस्यता अभी बंद है। फिर से खबरें पाने के लिए नीचे दिए लिंक से दोबारा साइन अप "
			    "करें।",
			    200);
	digest_form f = {.email = sub.email,
			 .frequency = sub.frequency,
			 .token = req_query(r, "t"),
			 .cats = sub.categories,
			 .ncats = sub.ncategories};
	return form_page(r, &f, NULL, 200);
}

int page_digest_save(kb_req *r)
{
	kb_subscriber sub;
	int rc = subscriber_of(r, 'm', 1, &sub);
	if (rc)
		return rc == 404 ? bad_link(r) : rc;
	digest_form f = {
		.email = sub.email, .frequency = req_form(r, "frequency"), .token = req_form(r, "t")};
	int64_t *cats;
	if (form_categories(r, &cats, &f.ncats))
		return form_page(r, &f, "चुनी गई श्रेणियाँ सही नहीं हैं। कृपया दोबारा चुनें।", 400);
	f.cats = cats;
	if (r->stale_form)
		return form_page(r, &f, "यह पेज पुराना हो गया था, इसलिए बदलाव सहेजे नहीं गए। कृपया दोबारा सहेजें।",
				 403);
	if (!f.frequency || (strcmp(f.frequency, "daily") && strcmp(f.frequency, "breaking")))
		return form_page(r, &f, "कृपया चुनें: रोज़ की प्रमुख खबरें या केवल ब्रेकिंग न्यूज़।", 400);
	rc = digest_store_set_prefs(r->db, sub.id, f.frequency, f.cats, f.ncats, kb_now());
	if (rc == STORE_NOTFOUND)
		return note(r, "सदस्यता बंद है", "इस पते की सदस्यता अभी बंद है, इसलिए पसंद नहीं बदली गई।", 409);
	if (rc)
		return 500;
	return note(r, "पसंद सहेज ली गई", "आपकी पसंद सहेज ली गई है। अगला ईमेल इसी के अनुसार आएगा।", 200);
}

int page_digest_unsubscribe_page(kb_req *r)
{
	kb_subscriber sub;
	int rc = subscriber_of(r, 'm', 0, &sub);
	if (rc)
		return rc == 404 ? bad_link(r) : rc;
	if (strcmp(sub.state, "confirmed"))
		return note(r, "सदस्यता बंद है", "इस पते पर अब हमारे ईमेल नहीं आते।", 200);
	return note_form(r, "सदस्यता छोड़ें",
			 kb_arena_printf(&r->arena, "क्या आप %s पर हमारे ईमेल बंद करना चाहते हैं?", sub.email),
			 kb_arena_printf(&r->arena, "/digest/unsubscribe?t=%s", req_query(r, "t")),
			 "हाँ, सदस्यता छोड़ें", 200);
}

/* RFC 8058: the POST of a mail program's one click (a body of
 * "List-Unsubscribe=One-Click") or of the page's button unsubscribes at
 * once. The signed token is its authority, as the route says
 * (R_SIGNED_LINK): no session and no CSRF token are asked. */
int page_digest_unsubscribe(kb_req *r)
{
	kb_subscriber sub;
	int rc = subscriber_of(r, 'm', 0, &sub);
	if (rc)
		return rc == 404 ? bad_link(r) : rc;
	if (digest_store_unsubscribe(r->db, sub.id, kb_now()))
		return 500;
	kb_info("digest: subscriber %lld unsubscribed", (long long)sub.id);
	return note(r, "सदस्यता बंद हो गई",
		    "अब आपको हमारे ईमेल नहीं आएँगे। मन बदले तो कभी भी दोबारा साइन अप कर सकते हैं।", 200);
}
