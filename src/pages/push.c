/*
 * push.c: the reader's side of Web Push on the server: the service worker
 * (/sw.js, from the site root so that its scope is the whole site; it
 * also keeps pages for reading offline: offline.c), the
 * public key browsers subscribe with, the JSON endpoints that store,
 * update, read and cancel a subscription, the page where a reader manages
 * it, and the redirect every notification click goes through (it notes
 * the click, counted once per message by src/push/click.c, then sends the
 * reader to the story).
 *
 * The POST endpoints are public: readers have no session, so there is no
 * CSRF token to check. Their routes' R_PUBLIC_JSON flag makes the
 * dispatcher (src/http/dispatch.c) accept only a JSON body (Content-Type
 * application/json, which a cross-site form cannot send and a cross-site
 * fetch cannot send without a CORS preflight, which khabar never grants),
 * only with an Origin header that is exactly the origin of the site's
 * base_url (browsers send Origin on every POST; the Host header is not
 * trusted, since a proxy or DNS rebinding makes it anything), and refuse
 * one whose Sec-Fetch-Site says it came from another site. So another site
 * cannot subscribe, re-topic or unsubscribe a reader's browser behind
 * their back. Knowing an endpoint URL (a secret only the browser and its
 * push service hold) is what authorises a change to that subscription.
 *
 * A script can still send those headers. What bounds it is the limit on
 * new subscriptions per client address (PUSH_NEW_SUBS_PER_HOUR, counted
 * in the database by src/http/ratelimit.c, so every server shares it):
 * every alert is tried on every stored
 * subscription, so each one costs the site a message per alert. An update
 * of a known endpoint (new topics, new keys) is not counted.
 */
#include <stdlib.h>
#include <string.h>

#include "../http/ratelimit.h"
#include "../push/push.h"
#include "pages.h"
#include "seo.h"

#define SUB_BODY_MAX 8192
/* New subscriptions one address may make in an hour: a household's or an
 * office's browsers behind one NAT, many times over; a script filling the
 * table, not. IPv6 counts by the /64. */
#define PUSH_NEW_SUBS_PER_HOUR 20

int page_sw(kb_req *r)
{
	const char *data, *type;
	size_t len;
	if (theme_static_named("sw.js", &data, &len, &type))
		return 404;
	/* Its caches are named after the theme's version: a new one (a
	 * changed file, a new build) changes these bytes, so browsers install
	 * the worker again and it drops the old caches (offline.c). */
	char version[9];
	theme_version(version);
	kb_buf_printf(&r->body, "var KHABAR_VERSION = '%s';\n", version);
	kb_buf_append(&r->body, data, len);
	r->content_type = "text/javascript; charset=utf-8";
	/* Browsers check for a new service worker at most daily anyway; no
	 * caching keeps a theme change prompt. */
	r->max_age = -1;
	return 200;
}

/* The body of a JSON POST (the dispatcher checked its type and origin:
 * R_PUBLIC_JSON); returns 0, or the status of the error answer it wrote. */
static int check_post(kb_req *r, const char **body, size_t *len)
{
	r->max_age = -1;
	*body = req_body(r, len);
	if (*len > SUB_BODY_MAX)
		return req_json_error(r, 413, "the body is larger than 8 KB");
	return 0;
}

int api_push_key(kb_req *r)
{
	const char *pub, *priv;
	if (push_store_vapid(r->db, &r->arena, &pub, &priv))
		return 500;
	if (!*pub) {
		r->max_age = -1;
		return req_json_error(r, 503, "push is not set up on this site (run khabar init)");
	}
	return req_json(r, json_pack("{s:s}", "publicKey", pub), 200);
}

static json_t *topics_json(int all, const char *const *topics, size_t n)
{
	json_t *t = json_array();
	if (all)
		json_array_append_new(t, json_string("all"));
	for (size_t i = 0; !all && i < n; i++)
		json_array_append_new(t, json_string(topics[i]));
	return t;
}

/* Counts a subscription of endpoint against its address's hourly limit
 * when it is new (an update is free). Returns 0 to go on, or the status of
 * the error written: 429 with Retry-After and a message in Hindi, which
 * the reader's page shows as it is. */
static int new_sub_allowed(kb_req *r, const char *endpoint)
{
	int all;
	const char **topics;
	size_t n;
	int rc = push_store_sub_topics(r->db, &r->arena, endpoint, &all, &topics, &n);
	if (rc != STORE_NOTFOUND)
		return rc == STORE_OK ? 0 : 500;
	int64_t wait = rate_take(r->db, "push_subs", req_peer(r), PUSH_NEW_SUBS_PER_HOUR, 3600, kb_now());
	if (wait < 0)
		return 500;
	if (!wait)
		return 0;
	req_add_header(r, "retry-after", kb_arena_printf(&r->arena, "%lld", (long long)wait));
	return req_json_error(r, 429,
			      kb_arena_printf(&r->arena,
					      "इस इंटरनेट कनेक्शन से एक घंटे में %d से ज़्यादा ब्राउज़रों पर सूचनाएँ चालू "
					      "नहीं की जा सकतीं। कृपया %lld मिनट बाद फिर कोशिश करें।",
					      PUSH_NEW_SUBS_PER_HOUR, (long long)((wait + 59) / 60)));
}

int api_push_subscribe(kb_req *r)
{
	const char *body, *why, *bad;
	size_t len;
	int rc = check_post(r, &body, &len);
	if (rc)
		return rc;
	push_sub_input in;
	if (push_sub_parse(&r->arena, body, len, 1, &in, &why))
		return req_json_error(r, 400, why);
	rc = new_sub_allowed(r, in.endpoint);
	if (rc)
		return rc;
	rc = push_store_subscribe(r->db, in.endpoint, in.p256dh, in.auth, in.all_topics,
				  (const char *const *)in.topics, in.ntopics, &bad);
	if (rc == STORE_NOTFOUND)
		return req_json_error(r, 400,
				      kb_arena_printf(&r->arena, "no category has the slug \"%s\"", bad));
	if (rc)
		return 500;
	return req_json(r,
			json_pack("{s:b,s:o}", "subscribed", 1, "topics",
				  topics_json(in.all_topics, (const char *const *)in.topics, in.ntopics)),
			200);
}

int api_push_unsubscribe(kb_req *r)
{
	const char *body, *why;
	size_t len;
	int rc = check_post(r, &body, &len);
	if (rc)
		return rc;
	push_sub_input in;
	if (push_sub_parse(&r->arena, body, len, 0, &in, &why))
		return req_json_error(r, 400, why);
	rc = push_store_unsubscribe(r->db, in.endpoint);
	if (rc == STORE_ERROR)
		return 500;
	return req_json(r, json_pack("{s:b,s:b}", "unsubscribed", 1, "existed", rc == STORE_OK), 200);
}

int api_push_status(kb_req *r)
{
	const char *body, *why;
	size_t len;
	int rc = check_post(r, &body, &len);
	if (rc)
		return rc;
	push_sub_input in;
	if (push_sub_parse(&r->arena, body, len, 0, &in, &why))
		return req_json_error(r, 400, why);
	int all = 0;
	const char **topics;
	size_t n;
	rc = push_store_sub_topics(r->db, &r->arena, in.endpoint, &all, &topics, &n);
	if (rc == STORE_ERROR)
		return 500;
	if (rc == STORE_NOTFOUND)
		return req_json(r, json_pack("{s:b}", "subscribed", 0), 200);
	return req_json(r, json_pack("{s:b,s:o}", "subscribed", 1, "topics", topics_json(all, topics, n)),
			200);
}

int page_push_manage(kb_req *r)
{
	tv *ctx = site_context(r, "सूचनाएँ", "नई खबरों की सूचना पाने के लिए विषय चुनें या सूचनाएँ बंद करें।");
	if (!ctx)
		return 500;
	kb_category *cats;
	size_t n;
	if (store_category_list(r->db, &r->arena, &cats, &n))
		return 500;
	tv *list = tv_list(&r->arena);
	for (size_t i = 0; i < n; i++) {
		tv *c = tv_obj(&r->arena);
		tv_set_str(c, "name", cats[i].name);
		tv_set_str(c, "slug", cats[i].slug);
		tv_push(list, c);
	}
	tv_set(ctx, "topics", list);
	tv_set_bool(ctx, "noindex", 1);
	return site_render(r, "push", ctx);
}

/* A positive id from a route parameter, or 0. */
static int64_t param_id(const char *s)
{
	char *end;
	long long id = strtoll(s, &end, 10);
	return *s >= '0' && *s <= '9' && !*end && id > 0 ? id : 0;
}

int page_push_click(kb_req *r)
{
	int64_t id = param_id(r->param[0]);
	if (!id)
		return 404;
	const char *url;
	int rc = push_store_alert_url(r->db, &r->arena, id, &url);
	if (rc == STORE_NOTFOUND)
		return 404;
	if (rc)
		return 500;
	/* /push/click/ALERT/SUB/MAC: one message's link. A link without them
	 * (from before links were signed) or with a MAC that does not match
	 * still leads to the story, and counts nothing. */
	unsigned char key[32];
	int64_t sub = r->nparam == 3 ? param_id(r->param[1]) : 0;
	if (sub && !push_click_secret(r->db, key) && push_click_valid(key, id, sub, r->param[2]))
		push_click_note(id, sub);
	r->location = url;
	r->max_age = -1;
	return 302;
}
