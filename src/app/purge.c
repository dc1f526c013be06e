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
	if (!n)
		make_all(q);
	for (size_t i = 0; i < n && !q->all; i++) {
		if (!strcmp(keys[i], EDGE_ANY)) {
			make_all(q);
		} else if (!has_key(q, keys[i])) {
			if (q->n == PURGE_MAX_KEYS) {
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

const char *purge_queue_json(kb_arena *a, const purge_queue *q)
{
	kb_buf b = {0};
	kb_buf_puts(&b, "{\"tags\":[");
	if (q->all)
		kb_buf_puts(&b, "\"" EDGE_ANY "\"");
	for (size_t i = 0; i < q->n; i++) {
		kb_buf_puts(&b, i ? ",\"" : "\"");
		json_escape(&b, q->keys[i], strlen(q->keys[i]));
		kb_buf_putc(&b, '"');
	}
	kb_buf_puts(&b, "]}");
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
	for (size_t i = 0; i < q->n; i++)
		free(q->keys[i]);
	free(q->keys);
	memset(q, 0, sizeof *q);
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
	} else {
		purge_queue_add(&g_pending, NULL, 0);
		g_reload = 1; /* settings move the content version too */
	}
	pthread_mutex_unlock(&g_mu);
}

/* ---- the job's own state: the targets and their queues ---- */

typedef struct target {
	char *url;
	int cdn; /* 0: a Varnish (PURGE, xkey-purge); 1: the CDN (POST, JSON) */
	purge_queue q;
} target;

static target *g_targets;
static size_t g_ntargets;
static int g_loaded;
/* When to read the settings again though no change said so. */
static int64_t g_reload_ms;
/* "Name: value" for the CDN's request, or NULL: the secret. */
static char *g_auth;

/* How a target is named in logs and the activity log: its scheme, host
 * and port, never a path or query (where a CDN might want an id). */
static const char *target_name(kb_arena *a, const target *t)
{
	const char *p = strstr(t->url, "://");
	size_t n = p ? (size_t)(p + 3 - t->url) + strcspn(p + 3, "/?") : strlen(t->url);
	return kb_arena_printf(a, "%s%.*s", t->cdn ? "CDN " : "", (int)n, t->url);
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
static void add_target(target *list, size_t *n, const char *url, int cdn)
{
	for (size_t i = 0; i < *n; i++)
		if (list[i].cdn == cdn && !strcmp(list[i].url, url))
			return; /* listed twice */
	target *t = &list[(*n)++];
	memset(t, 0, sizeof *t);
	t->url = kb_strdup(url);
	t->cdn = cdn;
	for (size_t i = 0; i < g_ntargets; i++)
		if (g_targets[i].cdn == cdn && g_targets[i].url && !strcmp(g_targets[i].url, url)) {
			t->q = g_targets[i].q;
			memset(&g_targets[i].q, 0, sizeof g_targets[i].q);
		}
}

/* Reads the edge settings into the target list. Returns 0, or -1 when
 * they cannot be read (the old list stays). */
static int load_targets(store *st)
{
	kb_arena a = {0};
	kb_edge_settings es;
	if (store_edge_settings(st, &a, &es)) {
		kb_warn("edge purge: %s (trying again in 5 s)", store_errmsg(st));
		g_reload_ms = now_ms() + 5000;
		kb_arena_free(&a);
		return -1;
	}
	const char *urls[EDGE_MAX_TARGETS];
	int n = edge_url_list(&a, es.purge, urls, EDGE_MAX_TARGETS);
	if (n < 0) {
		kb_warn("edge purge: edge_purge lists more than %d addresses; using the first %d",
			EDGE_MAX_TARGETS, EDGE_MAX_TARGETS);
		n = EDGE_MAX_TARGETS;
	}
	target *list = kb_calloc((size_t)n + 1, sizeof *list);
	size_t count = 0;
	/* Values are checked when set; one written past the checks (SQL by
	 * hand) is left out here, loudly. */
	for (int i = 0; i < n; i++) {
		if (edge_url_ok(urls[i]))
			add_target(list, &count, urls[i], 0);
		else
			kb_warn("edge purge: leaving out \"%s\" from edge_purge: not an http(s) URL",
				urls[i]);
	}
	if (*es.purge_url) {
		if (edge_url_ok(es.purge_url))
			add_target(list, &count, es.purge_url, 1);
		else
			kb_warn("edge purge: edge_purge_url is not an http(s) URL; no CDN purges");
	}
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
	if (t->cdn) {
		const char *body = purge_queue_json(a, &t->q);
		s->headers = curl_slist_append(s->headers, "Content-Type: application/json");
		if (g_auth)
			s->headers = curl_slist_append(s->headers, g_auth);
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

/* What became of s: 0 when the target took the purge (a 2xx), else -1
 * with why in a. */
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
		*why = kb_arena_printf(a, "it answered HTTP %ld", code);
		return -1;
	}
	return 0;
}

/* Notes what became of one try at t: a failure backs off, and the
 * PURGE_GIVE_UP'th in a row goes to the activity log; a success after
 * that says so there too. */
static void settle(store *st, kb_arena *a, target *t, int ok, const char *why)
{
	const char *name = target_name(a, t);
	if (ok) {
		int fails = purge_queue_sent(&t->q);
		if (fails >= PURGE_GIVE_UP) {
			kb_info("edge purge: %s takes purges again", name);
			if (store_audit_add(st, 0, "edge_purge_ok", 0,
					    kb_arena_printf(a, "%s: purges arrive again (after %d failures)",
							    name, fails)))
				kb_warn("edge purge: %s", store_errmsg(st));
		}
		return;
	}
	int64_t now = now_ms();
	int gave_up = purge_queue_failed(&t->q, now);
	kb_warn("edge purge at %s failed: %s (%d in a row; next try in %.1f s)", name, why, t->q.fails,
		(double)(t->q.due_ms - now) / 1000);
	if (gave_up &&
	    store_audit_add(st, 0, "edge_purge_failed", 0,
			    kb_arena_printf(a,
					    "%s: %s, %d tries in a row. Its pages may be stale; khabar keeps "
					    "trying and purges everything (\"any\") there once it answers.",
					    name, why, t->q.fails)))
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
		int ok = s[i].h && !outcome(&a, &s[i], &why);
		settle(st, &a, s[i].t, ok, why);
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
	purge_queue batch = g_pending;
	memset(&g_pending, 0, sizeof g_pending);
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
			g_first_ms = now_ms();
		}
		pthread_mutex_unlock(&g_mu);
		if (!g_loaded) {
			purge_queue_free(&batch);
			return 0;
		}
	}
	if (!purge_queue_empty(&batch))
		for (size_t i = 0; i < g_ntargets; i++)
			purge_queue_merge(&g_targets[i].q, &batch);
	purge_queue_free(&batch);
	send_due(st);
	return 0;
}
