/*
 * purge.c: the edge purge (see purge.h): the queue, what the server
 * notes, and the job that sends purges with libcurl, all targets due at
 * once through one multi handle. What a target is told is the keys alone;
 * the CDN's token travels in its header and nowhere else (no log line, no
 * activity entry names it).
 */
#include "purge.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../http/edge.h"
#include "../render/escape.h"
#include "indexing.h"

/* ---- the queue ---- */

static int has_key(const purge_queue *q, const char *k)
{
	for (size_t i = 0; i < q->n; i++)
		if (!strcmp(q->keys[i], k))
			return 1;
	return 0;
}

/* Makes q "any": its keys go. */
static void make_all(purge_queue *q)
{
	for (size_t i = 0; i < q->n; i++)
		free(q->keys[i]);
	q->n = 0;
	q->all = 1;
}

void purge_queue_add(purge_queue *q, const char *const *keys, size_t n)
{
	if (!n && !q->urls)
		make_all(q);
	for (size_t i = 0; i < n && !q->all; i++) {
		if (!strcmp(keys[i], EDGE_ANY)) {
			if (!q->urls)
				make_all(q);
		} else if (!has_key(q, keys[i])) {
			if (q->urls && q->n == PURGE_MAX_URLS)
				break;
			if (q->n == PURGE_MAX_KEYS && !q->urls) {
				make_all(q);
				break;
			}
			if (q->n == q->cap) {
				q->cap = q->cap ? q->cap * 2 : 16;
				q->keys = kb_realloc(q->keys, q->cap * sizeof *q->keys);
			}
			q->keys[q->n++] = kb_strdup(keys[i]);
		}
	}
}

void purge_queue_merge(purge_queue *q, const purge_queue *q2)
{
	if (q2->all)
		purge_queue_add(q, NULL, 0);
	else if (q2->n)
		purge_queue_add(q, (const char *const *)q2->keys, q2->n);
}

int purge_queue_empty(const purge_queue *q)
{
	return !q->all && !q->n;
}

int purge_queue_due(const purge_queue *q, int64_t now_ms)
{
	return !purge_queue_empty(q) && now_ms >= q->due_ms;
}

const char *purge_queue_keys(kb_arena *a, const purge_queue *q)
{
	if (q->all)
		return EDGE_ANY;
	kb_buf b = {0};
	for (size_t i = 0; i < q->n; i++) {
		if (i)
			kb_buf_putc(&b, ' ');
		kb_buf_puts(&b, q->keys[i]);
	}
	return kb_buf_to_arena(a, &b);
}

void purge_queue_json_array(kb_buf *b, const purge_queue *q)
{
	kb_buf_putc(b, '[');
	if (q->all)
		kb_buf_puts(b, "\"" EDGE_ANY "\"");
	for (size_t i = 0; i < q->n; i++) {
		kb_buf_puts(b, i ? ",\"" : "\"");
		json_escape(b, q->keys[i], strlen(q->keys[i]));
		kb_buf_putc(b, '"');
	}
	kb_buf_putc(b, ']');
}

const char *purge_queue_json(kb_arena *a, const purge_queue *q)
{
	kb_buf b = {0};
	kb_buf_puts(&b, "{\"tags\":");
	purge_queue_json_array(&b, q);
	kb_buf_putc(&b, '}');
	return kb_buf_to_arena(a, &b);
}

int64_t purge_backoff_ms(int fails)
{
	int64_t ms = 500;
	for (int i = 1; i < fails && ms < 60000; i++)
		ms *= 2;
	return ms < 60000 ? ms : 60000;
}

int purge_queue_failed(purge_queue *q, int64_t now_ms)
{
	q->fails++;
	q->due_ms = now_ms + purge_backoff_ms(q->fails);
	if (q->fails != PURGE_GIVE_UP)
		return 0;
	if (!q->urls)
		make_all(q);
	return 1;
}

int purge_queue_sent(purge_queue *q)
{
	int fails = q->fails;
	purge_queue_free(q);
	return fails;
}

void purge_queue_free(purge_queue *q)
{
	int urls = q->urls;
	for (size_t i = 0; i < q->n; i++)
		free(q->keys[i]);
	free(q->keys);
	memset(q, 0, sizeof *q);
	q->urls = urls;
}

/* ---- what the server notes ---- */

static int64_t now_ms(void)
{
	return (int64_t)(kb_mono_ns() / 1000000);
}

/* Keys noted and not yet shared out, under g_mu, with the time the first
 * of them came, and whether the settings may have changed since the job
 * last read them. */
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static purge_queue g_pending;
/* The story and category tags (a:ID, c:ID) among them, for IndexNow and
 * the hub: kept apart, as a queue that never becomes "any", so a change
 * to everything in the same batch does not hide them. */
static purge_queue g_named = {.urls = 1};
static int64_t g_first_ms;
static int g_reload = 1;

void purge_note(const char *const *tags, size_t n)
{
	/* A response that names no tags depends on every change: each
	 * change purges it (edge.h). */
	static const char *const text[] = {EDGE_TEXT};
	pthread_mutex_lock(&g_mu);
	if (purge_queue_empty(&g_pending))
		g_first_ms = now_ms();
	if (n) {
		purge_queue_add(&g_pending, tags, n);
		purge_queue_add(&g_pending, text, 1);
		for (size_t i = 0; i < n; i++)
			if (!strncmp(tags[i], "a:", 2) || !strncmp(tags[i], "c:", 2))
				purge_queue_add(&g_named, &tags[i], 1);
	} else {
		purge_queue_add(&g_pending, NULL, 0);
		g_reload = 1; /* settings move the content version too */
	}
	pthread_mutex_unlock(&g_mu);
}

/* ---- the job's own state: the targets and their queues ---- */

/* What a target is, and so what it is sent. */
enum target_kind {
	T_VARNISH,  /* PURGE with xkey-purge: the keys */
	T_CDN,      /* POST of {"tags": [...]} */
	T_INDEXNOW, /* POST of IndexNow's JSON: the stories' URLs */
	T_WEBSUB,   /* POST of hub.mode=publish&hub.url=...: the feeds' URLs */
};

typedef struct target {
	char *url;
	enum target_kind kind;
	purge_queue q;
} target;

static target *g_targets;
static size_t g_ntargets;
static int g_loaded;
/* When to read the settings again though no change said so. */
static int64_t g_reload_ms;
/* "Name: value" for the CDN's request, or NULL: the secret. */
static char *g_auth;
/* For IndexNow and WebSub: base_url, the IndexNow key, and whether any
 * target of each kind is listed. */
static char *g_base, *g_key;
static int g_indexnow, g_websub;

/* What a target of kind is called in logs and the activity log, and the
 * activity log's action for it (edge_*_failed, edge_*_ok). */
static const struct {
	const char *prefix, *action;
} kinds[] = {
	[T_VARNISH] = {"", "purge"},
	[T_CDN] = {"CDN ", "purge"},
	[T_INDEXNOW] = {"IndexNow ", "indexnow"},
	[T_WEBSUB] = {"WebSub hub ", "websub"},
};

/* How a target is named in logs and the activity log: its scheme, host
 * and port, never a path or query (where a CDN might want an id). */
static const char *target_name(kb_arena *a, const target *t)
{
	const char *p = strstr(t->url, "://");
	size_t n = p ? (size_t)(p + 3 - t->url) + strcspn(p + 3, "/?") : strlen(t->url);
	return kb_arena_printf(a, "%s%.*s", kinds[t->kind].prefix, (int)n, t->url);
}

/* The CDN's header line: name (default Authorization) and the token, as
 * "Bearer TOKEN" in Authorization unless the token names its scheme. */
static char *auth_line(const char *name, const char *token)
{
	if (!*token)
		return NULL;
	if (!*name)
		name = EDGE_DEFAULT_HEADER;
	kb_buf b = {0};
	int bearer = !strcasecmp(name, "authorization") && !strchr(token, ' ');
	kb_buf_printf(&b, "%s: %s%s", name, bearer ? "Bearer " : "", token);
	return kb_buf_take(&b, NULL);
}

/* Adds a target for url to list (of *n), taking over old's queue for the
 * same target when there was one. */
static void add_target(target *list, size_t *n, const char *url, enum target_kind kind)
{
	for (size_t i = 0; i < *n; i++)
		if (list[i].kind == kind && !strcmp(list[i].url, url))
			return; /* listed twice */
	target *t = &list[(*n)++];
	memset(t, 0, sizeof *t);
	t->url = kb_strdup(url);
	t->kind = kind;
	t->q.urls = kind >= T_INDEXNOW;
	for (size_t i = 0; i < g_ntargets; i++)
		if (g_targets[i].kind == kind && g_targets[i].url && !strcmp(g_targets[i].url, url)) {
			t->q = g_targets[i].q;
			memset(&g_targets[i].q, 0, sizeof g_targets[i].q);
		}
}

/* Adds to list (of *n) the targets of kind the setting called name lists
 * (a comma-separated list of URLs; a one-URL setting is a list of one).
 * Values are checked when set; one written past the checks (SQL by hand)
 * is left out here, loudly. */
static void add_listed(kb_arena *a, target *list, size_t *n, const char *name, const char *value,
		       enum target_kind kind)
{
	const char *urls[EDGE_MAX_TARGETS] = {value};
	int one = kind == T_CDN || kind == T_WEBSUB;
	int k = one ? *value != 0 : edge_url_list(a, value, urls, EDGE_MAX_TARGETS);
	if (k < 0) {
		kb_warn("edge purge: %s lists more than %d addresses; using the first %d", name,
			EDGE_MAX_TARGETS, EDGE_MAX_TARGETS);
		k = EDGE_MAX_TARGETS;
	}
	for (int i = 0; i < k; i++) {
		if (edge_url_ok(urls[i]))
			add_target(list, n, urls[i], kind);
		else
			kb_warn("edge purge: leaving out \"%s\" from %s: not an http(s) URL", urls[i], name);
	}
}

/* Reads the edge settings into the target list. Returns 0, or -1 when
 * they cannot be read (the old list stays). */
static int load_targets(store *st)
{
	kb_arena a = {0};
	kb_edge_settings es;
	kb_settings s;
	if (store_edge_settings(st, &a, &es) || store_settings(st, &a, &s)) {
		kb_warn("edge purge: %s (trying again in 5 s)", store_errmsg(st));
		g_reload_ms = now_ms() + 5000;
		kb_arena_free(&a);
		return -1;
	}
	target *list = kb_calloc(2 * EDGE_MAX_TARGETS + 2, sizeof *list);
	size_t count = 0;
	add_listed(&a, list, &count, "edge_purge", es.purge, T_VARNISH);
	add_listed(&a, list, &count, "edge_purge_url", es.purge_url, T_CDN);
	add_listed(&a, list, &count, "indexnow_endpoints", es.indexnow_endpoints, T_INDEXNOW);
	add_listed(&a, list, &count, "websub_hub", es.websub_hub, T_WEBSUB);
	g_indexnow = g_websub = 0;
	for (size_t i = 0; i < count; i++) {
		g_indexnow |= list[i].kind == T_INDEXNOW;
		g_websub |= list[i].kind == T_WEBSUB;
	}
	/* IndexNow's key is made on first use when "khabar init" did not
	 * make one (a site from before it did). */
	const char *key = es.indexnow_key;
	if (g_indexnow && !edge_key_ok(key)) {
		key = indexing_new_key(&a);
		if (store_setting_set(st, "indexnow_key", key))
			kb_warn("edge purge: cannot save a new indexnow_key: %s", store_errmsg(st));
		else
			kb_info("IndexNow: made the key %s (served at /%s.txt)", key, key);
	}
	free(g_key);
	g_key = kb_strdup(key);
	free(g_base);
	g_base = kb_strdup(s.base_url);
	for (size_t i = 0; i < g_ntargets; i++) {
		free(g_targets[i].url);
		purge_queue_free(&g_targets[i].q);
	}
	free(g_targets);
	g_targets = list;
	g_ntargets = count;
	free(g_auth);
	g_auth = auth_line(es.purge_header, es.purge_token);
	g_loaded = 1;
	g_reload_ms = now_ms() + 60000;
	kb_arena_free(&a);
	return 0;
}

/* ---- sending ---- */

static size_t discard(char *p, size_t size, size_t n, void *arg)
{
	return size * n;
}

typedef struct sending {
	target *t;
	CURL *h;
	struct curl_slist *headers;
	char err[CURL_ERROR_SIZE];
	int done;
	CURLcode rc;
} sending;

/* A request for t's waiting keys, built in a. */
static CURL *purge_request(kb_arena *a, sending *s)
{
	target *t = s->t;
	CURL *h = curl_easy_init();
	if (!h)
		return NULL;
	curl_easy_setopt(h, CURLOPT_URL, t->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "khabar");
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, s->err);
	const char *body = NULL;
	if (t->kind == T_CDN) {
		body = purge_queue_json(a, &t->q);
		s->headers = curl_slist_append(s->headers, "Content-Type: application/json");
		if (g_auth)
			s->headers = curl_slist_append(s->headers, g_auth);
	} else if (t->kind == T_INDEXNOW) {
		body = indexing_indexnow_json(
			a, indexing_host(a, g_base), g_key,
			indexing_abs_url(a, g_base, kb_arena_printf(a, "/%s.txt", g_key)), &t->q);
		s->headers = curl_slist_append(s->headers, "Content-Type: application/json; charset=utf-8");
	} else if (t->kind == T_WEBSUB) {
		body = indexing_websub_form(a, &t->q);
		s->headers = curl_slist_append(s->headers, "Content-Type: application/x-www-form-urlencoded");
	}
	if (body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	} else {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PURGE");
		s->headers = curl_slist_append(
			s->headers, kb_arena_printf(a, "xkey-purge: %s", purge_queue_keys(a, &t->q)));
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, s->headers);
	return h;
}

/* Why IndexNow refused a request for good (trying again will not help),
 * by the protocol's status codes; NULL for a code worth trying again. */
static const char *refused(long code)
{
	switch (code) {
	case 400: return "it answered HTTP 400 (bad request)";
	case 403: return "it answered HTTP 403: the key is not valid (is /KEY.txt reachable from there?)";
	case 422:
		return "it answered HTTP 422: the URLs do not belong to the host, or the key does not "
		       "match the protocol";
	case 429: return NULL; /* too many requests: later */
	}
	return code >= 400 && code <= 499 ? "it answered with a refusal" : NULL;
}

/* What became of s: 0 when the target took the purge (a 2xx), -1 with
 * why in a when it may take it later, -2 when it never will (IndexNow's
 * or the hub's 4xx but 429). */
static int outcome(kb_arena *a, sending *s, const char **why)
{
	long code = 0;
	if (!s->done) {
		*why = "no answer";
		return -1;
	}
	if (s->rc != CURLE_OK) {
		*why = kb_arena_strdup(a, *s->err ? s->err : curl_easy_strerror(s->rc));
		return -1;
	}
	curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &code);
	if (code < 200 || code > 299) {
		const char *no = s->t->kind >= T_INDEXNOW ? refused(code) : NULL;
		*why = no && strcmp(no, "it answered with a refusal")
			       ? no
			       : kb_arena_printf(a, "it answered HTTP %ld", code);
		return no ? -2 : -1;
	}
	return 0;
}

/* Notes what became of one try at t (rc: outcome's): a failure backs
 * off, and the PURGE_GIVE_UP'th in a row goes to the activity log; a
 * success after that says so there too. A refusal for good (-2) drops
 * what was sent and goes to the activity log at once. */
static void settle(store *st, kb_arena *a, target *t, int rc, const char *why)
{
	const char *name = target_name(a, t);
	const char *act = kinds[t->kind].action;
	int urls = t->q.urls;
	if (rc == -2) {
		size_t n = t->q.n;
		purge_queue_sent(&t->q);
		kb_warn("edge purge: %s refused %zu URLs: %s", name, n, why);
		if (store_audit_add(st, 0, kb_arena_printf(a, "edge_%s_failed", act), 0,
				    kb_arena_printf(a,
						    "%s: %s. The %zu URLs sent are dropped; check the "
						    "settings.",
						    name, why, n)))
			kb_warn("edge purge: %s", store_errmsg(st));
		return;
	}
	if (!rc) {
		int fails = purge_queue_sent(&t->q);
		if (fails >= PURGE_GIVE_UP) {
			kb_info("edge purge: %s answers again", name);
			if (store_audit_add(st, 0, kb_arena_printf(a, "edge_%s_ok", act), 0,
					    kb_arena_printf(a, "%s: %s arrive again (after %d failures)",
							    name, urls ? "notices" : "purges", fails)))
				kb_warn("edge purge: %s", store_errmsg(st));
		}
		return;
	}
	int64_t now = now_ms();
	int gave_up = purge_queue_failed(&t->q, now);
	kb_warn("edge purge at %s failed: %s (%d in a row; next try in %.1f s)", name, why, t->q.fails,
		(double)(t->q.due_ms - now) / 1000);
	const char *then = urls ? "Search engines and feed readers may learn of changes late; khabar "
				  "keeps trying with what waits."
				: "Its pages may be stale; khabar keeps trying and purges everything "
				  "(\"any\") there once it answers.";
	if (gave_up &&
	    store_audit_add(st, 0, kb_arena_printf(a, "edge_%s_failed", act), 0,
			    kb_arena_printf(a, "%s: %s, %d tries in a row. %s", name, why, t->q.fails, then)))
		kb_warn("edge purge: %s", store_errmsg(st));
}

/* Sends every due target's keys at once and waits for the answers (at
 * most 5 s each). */
static void send_due(store *st)
{
	int64_t now = now_ms();
	size_t n = 0;
	for (size_t i = 0; i < g_ntargets; i++)
		n += purge_queue_due(&g_targets[i].q, now);
	if (!n)
		return;
	kb_arena a = {0};
	sending *s = kb_calloc(n, sizeof *s);
	CURLM *m = curl_multi_init();
	size_t k = 0;
	for (size_t i = 0; i < g_ntargets && m; i++) {
		if (!purge_queue_due(&g_targets[i].q, now))
			continue;
		s[k].t = &g_targets[i];
		s[k].h = purge_request(&a, &s[k]);
		if (s[k].h) {
			curl_easy_setopt(s[k].h, CURLOPT_PRIVATE, &s[k]);
			curl_multi_add_handle(m, s[k].h);
		}
		k++;
	}
	int running = 1;
	while (m && running) {
		if (curl_multi_perform(m, &running) != CURLM_OK)
			break;
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(m, &left)))
			if (msg->msg == CURLMSG_DONE) {
				sending *done;
				curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&done);
				done->done = 1;
				done->rc = msg->data.result;
			}
		if (running && curl_multi_poll(m, NULL, 0, 1000, NULL) != CURLM_OK)
			break;
	}
	for (size_t i = 0; i < k; i++) {
		const char *why = "cannot start a request";
		int rc = s[i].h ? outcome(&a, &s[i], &why) : -1;
		settle(st, &a, s[i].t, rc, why);
		if (s[i].h) {
			curl_multi_remove_handle(m, s[i].h);
			curl_easy_cleanup(s[i].h);
		}
		curl_slist_free_all(s[i].headers);
	}
	if (m)
		curl_multi_cleanup(m);
	free(s);
	kb_arena_free(&a);
}

/* Adds url to the queue of every target of kind. */
static void add_url(enum target_kind kind, const char *url)
{
	for (size_t i = 0; i < g_ntargets; i++)
		if (g_targets[i].kind == kind)
			purge_queue_add(&g_targets[i].q, &url, 1);
}

/* Shares out to IndexNow and the hub what batch's keys mean for them: each
 * story named (a:ID) is published, edited or unpublished, so its URL goes
 * to IndexNow (a story deleted outright has no URL left to send), and the
 * feeds that show it, the site's and its category's (c:ID), to the hub. A
 * change to everything (settings, a cache afresh) names no story and is
 * sent to neither. */
static void share_urls(store *st, const purge_queue *batch)
{
	kb_arena a = {0};
	int stories = 0;
	kb_category *cats = NULL;
	size_t ncats = 0;
	for (size_t i = 0; i < batch->n; i++) {
		int64_t id = indexing_tag_id(batch->keys[i], "a:");
		if (!id)
			continue;
		stories++;
		kb_article art;
		int rc = g_indexnow ? store_article_by_id(st, &a, id, &art) : STORE_NOTFOUND;
		if (rc == STORE_ERROR)
			kb_warn("IndexNow: cannot read story %lld: %s", (long long)id, store_errmsg(st));
		else if (!rc && art.slug && *art.slug)
			add_url(T_INDEXNOW,
				indexing_abs_url(&a, g_base, kb_arena_printf(&a, "/news/%s", art.slug)));
	}
	if (!stories || !g_websub) {
		kb_arena_free(&a);
		return;
	}
	add_url(T_WEBSUB, indexing_abs_url(&a, g_base, "/feed"));
	add_url(T_WEBSUB, indexing_abs_url(&a, g_base, "/feed/atom"));
	if (store_category_list(st, &a, &cats, &ncats))
		kb_warn("WebSub: cannot read the categories: %s", store_errmsg(st));
	for (size_t i = 0; i < batch->n; i++) {
		int64_t id = indexing_tag_id(batch->keys[i], "c:");
		for (size_t k = 0; id && k < ncats; k++)
			if (cats[k].id == id) {
				const char *page = kb_arena_printf(&a, "/category/%s/feed", cats[k].slug);
				add_url(T_WEBSUB, indexing_abs_url(&a, g_base, page));
				add_url(T_WEBSUB,
					indexing_abs_url(&a, g_base, kb_arena_printf(&a, "%s/atom", page)));
			}
	}
	kb_arena_free(&a);
}

static void sleep_ms(int64_t ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

int purge_step(store *st)
{
	pthread_mutex_lock(&g_mu);
	int64_t age = now_ms() - g_first_ms;
	if (!purge_queue_empty(&g_pending) && age < PURGE_BATCH_MS) {
		/* The rest of the batch is on its way: a publish writes its
		 * tags in one transaction, noticed in one look. */
		pthread_mutex_unlock(&g_mu);
		sleep_ms(PURGE_BATCH_MS - age);
		pthread_mutex_lock(&g_mu);
	}
	purge_queue batch = g_pending, named = g_named;
	memset(&g_pending, 0, sizeof g_pending);
	memset(&g_named, 0, sizeof g_named);
	g_named.urls = 1;
	int reload = g_reload;
	g_reload = 0;
	pthread_mutex_unlock(&g_mu);

	/* Settings are read again when they may have changed, and each
	 * minute in case a notice was missed; after a failure, in 5 s. */
	if ((reload || now_ms() >= g_reload_ms) && load_targets(st)) {
		pthread_mutex_lock(&g_mu);
		if (!g_loaded) {
			/* Nowhere to send them yet: they wait. */
			purge_queue_merge(&g_pending, &batch);
			purge_queue_merge(&g_named, &named);
			g_first_ms = now_ms();
		}
		pthread_mutex_unlock(&g_mu);
		if (!g_loaded) {
			purge_queue_free(&batch);
			purge_queue_free(&named);
			return 0;
		}
	}
	if (!purge_queue_empty(&batch))
		for (size_t i = 0; i < g_ntargets; i++)
			if (g_targets[i].kind < T_INDEXNOW)
				purge_queue_merge(&g_targets[i].q, &batch);
	if (named.n && (g_indexnow || g_websub))
		share_urls(st, &named);
	purge_queue_free(&named);
	purge_queue_free(&batch);
	send_due(st);
	return 0;
}
