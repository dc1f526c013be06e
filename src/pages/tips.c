/*
 * tips.c: "खबर भेजें", the reader's form for news, suggestions and
 * local problems, with photos (/tips), and grievances about what the site
 * published (शिकायत, under India's IT Rules 2021: acknowledged at once
 * with the reference and the deadlines, mailed too when the reader gave
 * an email address), and the confirmation with a reference number
 * (/tips/sent). Works without JavaScript; every word is Hindi.
 *
 * A POST whose token is stale (R_STALE_FORM) only gets the form again with
 * the reader's text. A submission passes, in order: the address's rate
 * limit (429 with Retry-After and a page saying when), the honeypot (a bot
 * is thanked and nothing is kept), the signed form stamp (sent too soon or
 * too late), the fields and photos (each checked before anything is
 * stored), duplicates, then the whole site's limit (charged only for a tip
 * about to be stored, so junk cannot use it up); only then are the photos
 * and the tip written, in one transaction, and the newsroom's mail queued.
 * Not here: the limits themselves and the mail
 * (src/tips/), the newsroom's queue (src/newsroom/tips.c).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../media/media.h"
#include "../tips/tips.h"
#include "pages.h"

#define TIPS_PATH "/tips"

static const struct {
	const char *key, *label;
} kinds[] = {{"news", "खबर"},
	     {"suggestion", "सुझाव"},
	     {"complaint", "समस्या"},
	     {"grievance", "हमारी किसी खबर या सामग्री पर शिकायत (शिकायत अधिकारी को)"}};

/* What the reader typed, to show back with an error. */
typedef struct tip_form {
	const char *name, *contact, *place, *kind, *body;
	int consent;
} tip_form;

static int form_page(kb_req *r, const tip_form *f, const char *error, int status)
{
	tv *ctx = site_context(r, "खबर भेजें", "अपने इलाके की खबर, सुझाव या शिकायत हमें भेजें।");
	if (!ctx)
		return 500;
	kb_arena *a = &r->arena;
	tv_set_bool(ctx, "noindex", 1);
	tv_set_str(ctx, "csrf", session_pre_csrf_at(r, TIPS_PATH));
	tv_set_str(ctx, "stamp", session_stamp(r, kb_now()));
	tv_set_str(ctx, "tips_js", theme_asset_url("tips.js"));
	tv *form = tv_obj(a);
	tv_set_str(form, "name", f->name ? f->name : "");
	tv_set_str(form, "contact", f->contact ? f->contact : "");
	tv_set_str(form, "place", f->place ? f->place : "");
	tv_set_str(form, "body", f->body ? f->body : "");
	tv_set_bool(form, "consent", f->consent);
	tv *list = tv_list(a);
	for (size_t i = 0; i < KB_COUNT(kinds); i++) {
		tv *k = tv_obj(a);
		tv_set_str(k, "key", kinds[i].key);
		tv_set_str(k, "label", kinds[i].label);
		tv_set_bool(k, "checked", f->kind ? !strcmp(f->kind, kinds[i].key) : i == 0);
		tv_push(list, k);
	}
	tv_set(form, "kinds", list);
	tv_set(ctx, "form", form);
	tv_set_int(ctx, "max_photos", TIPS_MAX_PHOTOS);
	tv_set_int(ctx, "max_mb", TIPS_MAX_PHOTO_BYTES >> 20);
	tv_set_int(ctx, "total_mb", TIPS_MAX_BODY >> 20);
	tv_set_int(ctx, "max_text", TIPS_MAX_TEXT);
	if (error)
		tv_set_str(ctx, "error", error);
	r->max_age = -1;
	int rc = site_render(r, "tip", ctx);
	if (rc != 200)
		return rc;
	r->content_type = "text/html; charset=utf-8";
	return status;
}

/* A 303 to the confirmation of ref (validated: ASCII), a grievance's
 * when grievance. */
static int sent(kb_req *r, const char *ref, int grievance)
{
	r->location =
		kb_arena_printf(&r->arena, "/tips/sent?ref=%s%s", ref, grievance ? "&kind=grievance" : "");
	r->max_age = -1;
	return 303;
}

int page_tip_form(kb_req *r)
{
	/* /tips?kind=grievance (the grievance officer's page links it)
	 * opens with that kind chosen. */
	tip_form f = {.kind = req_query(r, "kind")};
	return form_page(r, &f, NULL, 200);
}

/* The 429 page: in how many minutes, and at what time (the site's), the
 * reader may try again; Retry-After says the same to machines. */
static int wait_page(kb_req *r, int64_t wait)
{
	tv *ctx = site_context(r, "थोड़ी देर बाद भेजें", NULL);
	if (!ctx)
		return 500;
	tv_set_bool(ctx, "noindex", 1);
	int64_t minutes = (wait + 59) / 60;
	tv_set_int(ctx, "minutes", minutes);
	tv_set_bool(ctx, "soon", wait < 60);
	tv_set_int(ctx, "seconds", wait);
	time_t t = (time_t)(kb_now() + wait);
	struct tm tm;
	localtime_r(&t, &tm);
	tv_set_str(ctx, "at", kb_arena_printf(&r->arena, "%02d:%02d", tm.tm_hour, tm.tm_min));
	req_add_header(r, "retry-after", kb_arena_printf(&r->arena, "%lld", (long long)wait));
	r->max_age = -1;
	int rc = site_render(r, "tip-wait", ctx);
	if (rc != 200)
		return rc;
	r->content_type = "text/html; charset=utf-8";
	return 429;
}

/* Characters (not bytes) in s. */
static size_t chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Trims spaces at both ends and makes line ends "\n" (browsers send
 * CRLF), into the arena. */
static const char *trim(kb_arena *a, const char *s)
{
	if (!s)
		return "";
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	char *out = kb_arena_alloc(a, n + 1);
	size_t o = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '\r' || (i + 1 < n && s[i + 1] != '\n'))
			out[o++] = s[i] == '\r' ? '\n' : s[i];
	out[o] = 0;
	return out;
}

/* The photos of the form: file parts named "photo" that hold something
 * (a browser sends an empty part when none was chosen). */
static size_t photos(kb_req *r, const kb_form_field **out, size_t max)
{
	size_t n = 0, i = 0;
	const kb_form_field *f;
	while ((f = req_field_next(r, "photo", &i))) {
		if (!f->filename || (!f->len && !*f->filename))
			continue;
		if (n < max)
			out[n] = f;
		n++;
	}
	return n;
}

/* Checks the fields; returns NULL, or the Hindi message with *status. */
static const char *check(kb_req *r, const tip_form *f, const kb_form_field **ph, size_t nph, int *status)
{
	*status = 400;
	int kind_ok = 0;
	for (size_t i = 0; f->kind && i < KB_COUNT(kinds); i++)
		kind_ok |= !strcmp(f->kind, kinds[i].key);
	if (!kind_ok)
		return "कृपया चुनें कि आप खबर, सुझाव या शिकायत भेज रहे हैं।";
	if (!*f->body)
		return "कृपया अपनी खबर, सुझाव या शिकायत लिखें। यह खाना खाली है।";
	if (chars(f->body) < TIPS_MIN_TEXT)
		return "आपका संदेश बहुत छोटा है। कृपया थोड़ा और विस्तार से लिखें।";
	if (chars(f->body) > TIPS_MAX_TEXT)
		return kb_arena_printf(&r->arena, "आपका संदेश %d अक्षरों से लंबा है। कृपया छोटा करें।", TIPS_MAX_TEXT);
	if (!*f->place)
		return "कृपया बताएँ कि यह किस जगह की बात है।";
	if (chars(f->name) > TIPS_MAX_FIELD || chars(f->contact) > TIPS_MAX_FIELD ||
	    chars(f->place) > TIPS_MAX_FIELD)
		return kb_arena_printf(&r->arena, "नाम, संपर्क और जगह %d अक्षरों तक ही हो सकते हैं।",
				       TIPS_MAX_FIELD);
	if (!f->consent)
		return "भेजने से पहले सहमति वाले बॉक्स पर निशान लगाएँ।";
	if (nph > TIPS_MAX_PHOTOS) {
		*status = 413;
		return kb_arena_printf(&r->arena, "आपने %zu फ़ोटो चुनी हैं। एक बार में %d फ़ोटो तक भेजी जा सकती हैं।",
				       nph, TIPS_MAX_PHOTOS);
	}
	for (size_t i = 0; i < nph; i++) {
		if (ph[i]->len > TIPS_MAX_PHOTO_BYTES) {
			*status = 413;
			return kb_arena_printf(
				&r->arena, "फ़ोटो “%s” %.1f MB की है। हर फ़ोटो %u MB तक ही हो सकती है।",
				ph[i]->filename, (double)ph[i]->len / (1 << 20), TIPS_MAX_PHOTO_BYTES >> 20);
		}
		int w, h;
		char err[300];
		if (!media_sniff(ph[i]->value, ph[i]->len) ||
		    media_probe(ph[i]->value, ph[i]->len, &w, &h, err, sizeof err)) {
			*status = 415;
			return kb_arena_printf(
				&r->arena, "“%s” फ़ोटो नहीं है, या खुल नहीं रही। केवल JPEG, PNG या WebP फ़ोटो भेजें।",
				ph[i]->filename);
		}
	}
	return NULL;
}

/* Stores the photos and the tip in one transaction. Returns 0 with the
 * reference in ref, or a status with a message in *error. */
static int save(kb_req *r, const tip_form *f, const kb_form_field **ph, size_t nph, const char *digest,
		char ref[16], const char **error)
{
	int64_t ids[TIPS_MAX_PHOTOS];
	size_t stored = 0;
	char err[300];
	int status = 500;
	*error = "आपकी खबर अभी सहेजी नहीं जा सकी। कृपया थोड़ी देर बाद फिर भेजें।";
	if (store_begin(r->db))
		return 500;
	for (; stored < nph; stored++) {
		int rc = media_intake(r->db, 0, ph[stored]->filename, ph[stored]->value, ph[stored]->len,
				      &ids[stored], err, sizeof err);
		if (rc) {
			status = rc;
			*error = kb_arena_strdup(&r->arena, err);
			goto fail;
		}
	}
	kb_tip_input in = {.name = f->name,
			   .contact = f->contact,
			   .place = f->place,
			   .kind = f->kind,
			   .body = f->body,
			   .digest = digest,
			   .ip = req_peer(r),
			   .media = ids,
			   .nmedia = nph};
	int64_t id;
	int rc = STORE_CONFLICT;
	for (int tries = 0; rc == STORE_CONFLICT && tries < 5; tries++) {
		tips_new_ref(ref);
		in.ref = ref;
		rc = tips_store_add(r->db, &in, kb_now(), &id);
	}
	if (rc || store_commit(r->db))
		goto fail;
	return 0;
fail:
	kb_warn("tip not saved: %s", store_errmsg(r->db));
	/* The photos' bytes went with their rows: nothing stays. */
	store_rollback(r->db);
	return status;
}

int page_tip_send(kb_req *r)
{
	kb_arena *a = &r->arena;
	int64_t now = kb_now();
	tip_form f = {
		.name = trim(a, req_form(r, "name")),
		.contact = trim(a, req_form(r, "contact")),
		.place = trim(a, req_form(r, "place")),
		.kind = req_form(r, "kind"),
		.body = trim(a, req_form(r, "body")),
		.consent = req_form(r, "consent") != NULL,
	};
	/* A stale token (an old tab, cookies blocked): the text comes back
	 * with a fresh token, and nothing is kept or counted. */
	if (r->stale_form)
		return form_page(r, &f,
				 "यह फ़ॉर्म पुराना हो गया था, इसलिए संदेश अभी नहीं भेजा गया। आपका लिखा नीचे "
				 "सुरक्षित है: फ़ोटो फिर से चुनें और दोबारा भेजें। यही संदेश बार-बार दिखे तो "
				 "इस साइट के लिए कुकी चालू करें।",
				 403);
	int64_t wait = tips_rate_take(r->db, req_peer(r), now);
	if (wait < 0)
		return 500;
	if (wait)
		return wait_page(r, wait);
	/* A bot fills every field, the hidden one too: thank it, keep nothing. */
	const char *trap = req_form(r, "website");
	if (trap && *trap) {
		char ref[16];
		tips_new_ref(ref);
		return sent(r, ref, 0);
	}
	int64_t issued = session_stamp_time(req_form(r, "stamp"));
	if (!issued || issued > now || now - issued > TIPS_MAX_FILL)
		return form_page(r, &f, "यह फ़ॉर्म पुराना हो गया है। अपनी जानकारी दोबारा जाँचकर फिर भेजें।", 400);
	if (now - issued < TIPS_MIN_FILL)
		return form_page(r, &f, "फ़ॉर्म बहुत जल्दी भेजा गया। कृपया जानकारी जाँचकर कुछ पल बाद फिर भेजें।", 400);
	const kb_form_field *ph[TIPS_MAX_PHOTOS];
	size_t nph = photos(r, ph, TIPS_MAX_PHOTOS);
	int status;
	const char *error = check(r, &f, ph, nph, &status);
	if (error)
		return form_page(r, &f, error, status);
	char digest[65];
	int dup;
	tips_digest(f.body, strlen(f.body), digest);
	if (tips_store_duplicate(r->db, digest, now - TIPS_DUP_WINDOW, &dup))
		return 500;
	if (dup)
		return form_page(r, &f, "यही संदेश हमें पहले ही मिल चुका है। दोबारा भेजने की ज़रूरत नहीं।", 409);
	/* The whole site's allowance: charged only now, for a tip that will
	 * be stored, so junk cannot use it up. */
	wait = tips_rate_take_site(r->db, now);
	if (wait < 0)
		return 500;
	if (wait)
		return wait_page(r, wait);
	char ref[16];
	status = save(r, &f, ph, nph, digest, ref, &error);
	if (status)
		return form_page(r, &f, error, status);
	if (nph)
		server_wake("photos");
	server_wake("tips");
	return sent(r, ref, !strcmp(f.kind, "grievance"));
}

int page_tip_sent(kb_req *r)
{
	const char *ref = req_query(r, "ref");
	if (!ref || !tips_ref_valid(ref))
		return 404;
	tv *ctx = site_context(r, "खबर मिल गई", NULL);
	if (!ctx)
		return 500;
	tv_set_bool(ctx, "noindex", 1);
	tv_set_str(ctx, "ref", ref);
	const char *kind = req_query(r, "kind");
	if (kind && !strcmp(kind, "grievance")) {
		const kb_site *site = site_read(r); /* read already, for ctx */
		if (!site)
			return 500;
		tv *g = tv_obj(&r->arena);
		tv_set_str(g, "ack_days", site->settings.grievance_ack_days);
		tv_set_str(g, "decide_days", site->settings.grievance_decide_days);
		tv_set(ctx, "grievance", g);
	}
	r->max_age = -1;
	return site_render(r, "tip-sent", ctx);
}
