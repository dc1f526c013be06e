/*
 * push.c: the reader's side of Web Push on the server: the service worker
 * (/sw.js, from the site root so that its scope is the whole site), the
 * public key browsers subscribe with, the JSON endpoints that store,
 * update, read and cancel a subscription, the page where a reader manages
 * it, and the redirect every notification click goes through (it counts
 * the click, then sends the reader to the story).
 *
 * The POST endpoints are public: readers have no session, so there is no
 * CSRF token to check. They accept only a JSON body (Content-Type
 * application/json, which a cross-site form cannot send and a cross-site
 * fetch cannot send without a CORS preflight, which khabar never grants),
 * and refuse a request whose Origin is not the site's own (base_url, or
 * the Host the request came to) or whose Sec-Fetch-Site says it came from
 * another site. So another site cannot subscribe, re-topic or unsubscribe a
 * reader's browser behind their back. Knowing an endpoint URL (a secret
 * only the browser and its push service hold) is what authorises a change
 * to that subscription.
 */
#include <stdlib.h>
#include <string.h>

#include "../push/push.h"
#include "pages.h"
#include "seo.h"

#define SUB_BODY_MAX 8192

int page_sw(kb_req *r)
{
	const char *data, *type;
	size_t len;
	if (site_static_named("sw.js", &data, &len, &type))
		return 404;
	kb_buf_append(&r->body, data, len);
	r->content_type = "text/javascript; charset=utf-8";
	/* Browsers check for a new service worker at most daily anyway; no
	 * caching keeps a theme change prompt. */
	r->max_age = -1;
	return 200;
}

/* The length of url's origin ("https://host:port" of
 * "https://host:port/path"), or 0 when it has none. */
static size_t origin_len(const char *url)
{
	const char *sep = strstr(url, "://");
	return sep ? (size_t)(sep + 3 - url) + strcspn(sep + 3, "/?#") : 0;
}

/* Whether the request comes from the site's own pages. */
static int same_origin(kb_req *r, const char *base_url)
{
	const char *site = req_header(r, "sec-fetch-site");
	if (site && strcmp(site, "same-origin") && strcmp(site, "none"))
		return 0;
	const char *origin = req_header(r, "origin");
	if (!origin)
		return 1; /* not a browser's cross-site request: browsers send Origin on POST */
	size_t n = origin_len(base_url);
	if (n && strlen(origin) == n && !strncmp(origin, base_url, n))
		return 1;
	const char *host = req_header(r, "host");
	const char *sep = strstr(origin, "://");
	return host && sep && !strcmp(sep + 3, host);
}

/* The shared checks of the JSON POSTs; returns 0, or the status of the
 * error answer it wrote. */
static int check_post(kb_req *r, const char **body, size_t *len)
{
	kb_settings s;
	if (store_settings(r->db, &r->arena, &s))
		return 500;
	r->max_age = -1;
	const char *ct = req_header(r, "content-type");
	if (!ct || strncmp(ct, "application/json", 16) || (ct[16] && ct[16] != ';' && ct[16] != ' '))
		return api_error(r, 415, "Content-Type must be application/json");
	if (!same_origin(r, s.base_url))
		return api_error(r, 403, "requests must come from the site's own pages");
	*body = req_body(r, len);
	if (*len > SUB_BODY_MAX)
		return api_error(r, 413, "the body is larger than 8 KB");
	return 0;
}

int api_push_key(kb_req *r)
{
	const char *pub, *priv;
	if (push_store_vapid(r->db, &r->arena, &pub, &priv))
		return 500;
	if (!*pub) {
		r->max_age = -1;
		return api_error(r, 503, "push is not set up on this site (run khabar init)");
	}
	return json_reply(r, json_pack("{s:s}", "publicKey", pub), 200);
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

int api_push_subscribe(kb_req *r)
{
	const char *body, *why, *bad;
	size_t len;
	int rc = check_post(r, &body, &len);
	if (rc)
		return rc;
	push_sub_input in;
	if (push_sub_parse(&r->arena, body, len, 1, &in, &why))
		return api_error(r, 400, why);
	rc = push_store_subscribe(r->db, in.endpoint, in.p256dh, in.auth, in.all_topics,
				  (const char *const *)in.topics, in.ntopics, &bad);
	if (rc == STORE_NOTFOUND)
		return api_error(r, 400, kb_arena_printf(&r->arena, "no category has the slug \"%s\"", bad));
	if (rc)
		return 500;
	return json_reply(r, json_pack("{s:b,s:o}", "subscribed", 1, "topics",
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
		return api_error(r, 400, why);
	rc = push_store_unsubscribe(r->db, in.endpoint);
	if (rc == STORE_ERROR)
		return 500;
	return json_reply(r, json_pack("{s:b,s:b}", "unsubscribed", 1, "existed", rc == STORE_OK), 200);
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
		return api_error(r, 400, why);
	int all = 0;
	const char **topics;
	size_t n;
	rc = push_store_sub_topics(r->db, &r->arena, in.endpoint, &all, &topics, &n);
	if (rc == STORE_ERROR)
		return 500;
	if (rc == STORE_NOTFOUND)
		return json_reply(r, json_pack("{s:b}", "subscribed", 0), 200);
	return json_reply(r, json_pack("{s:b,s:o}", "subscribed", 1, "topics",
				       topics_json(all, topics, n)), 200);
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

int page_push_click(kb_req *r)
{
	char *end;
	long long id = strtoll(r->param[0], &end, 10);
	if (*end || id <= 0)
		return 404;
	const char *url;
	int rc = push_store_alert_click(r->db, &r->arena, id, &url);
	if (rc == STORE_NOTFOUND)
		return 404;
	if (rc)
		return 500;
	r->location = url;
	r->max_age = -1;
	return 302;
}
