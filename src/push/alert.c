/*
 * alert.c: the entry point for whoever sends an alert (the newsroom's
 * publish flow, the CLI): checks it and queues it, and builds the payload
 * the service worker reads. Sending is the delivery engine's job.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "push.h"

#include "../render/paths.h"

#define TTL_DEFAULT 86400
#define TTL_MAX (28 * 86400) /* what push services keep at most */
#define TITLE_MAX 500

static int valid_topic(const char *t)
{
	size_t n = strlen(t);
	return n && n <= 32 && kb_ascii_name(t, n, "-_");
}

const char *push_url_problem(const char *u)
{
	if (strlen(u) > PUSH_URL_MAX)
		return "the URL is longer than 2,000 bytes";
	for (const char *p = u; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "the URL contains a control character (a line break, a tab...)";
	if (strpbrk(u, " \"<>\\"))
		return "the URL contains a space, a quote, < > or a backslash: percent-encode them";
	if (!kb_utf8_valid(u, strlen(u), NULL))
		return "the URL is not valid UTF-8";
	if (u[0] == '/' ? u[1] == '/' : strncmp(u, "https://", 8) && strncmp(u, "http://", 7))
		return "the URL must be a site path such as /news/slug, or an http(s) URL";
	return NULL;
}

/* Checks in, filling the defaults into *out. Returns 0, or -1 with the
 * reason in *why. */
static int check_input(const push_alert_input *in, push_alert_input *out, const char **why)
{
	push_alert_input v = *in;
	if (!v.title || !*v.title || strlen(v.title) > TITLE_MAX ||
	    !kb_utf8_valid(v.title, strlen(v.title), NULL)) {
		*why = "the title must be 1 to 500 bytes of UTF-8";
		return STORE_ERROR;
	}
	if (!v.body)
		v.body = "";
	if (!v.image)
		v.image = "";
	if (!kb_utf8_valid(v.body, strlen(v.body), NULL)) {
		*why = "the summary is not valid UTF-8";
		return STORE_ERROR;
	}
	*why = v.url ? push_url_problem(v.url) : "the URL is missing";
	if (*why)
		return STORE_ERROR;
	if (*v.image && push_url_problem(v.image)) {
		*why = "the image must be a site path or an http(s) URL, without control characters, "
		       "spaces, quotes, < > or backslashes";
		return STORE_ERROR;
	}
	if (!v.urgency)
		v.urgency = "normal";
	if (strcmp(v.urgency, "very-low") && strcmp(v.urgency, "low") && strcmp(v.urgency, "normal") &&
	    strcmp(v.urgency, "high")) {
		*why = "urgency must be very-low, low, normal or high";
		return STORE_ERROR;
	}
	if (!v.ttl)
		v.ttl = TTL_DEFAULT;
	if (v.ttl < 0 || v.ttl > TTL_MAX) {
		*why = "the TTL must be from 1 second to 28 days";
		return STORE_ERROR;
	}
	if (v.topic && !valid_topic(v.topic)) {
		*why = "the topic must be 1 to 32 characters among A-Z a-z 0-9 - _";
		return STORE_ERROR;
	}
	*out = v;
	return 0;
}

int push_alert_create(store *st, const push_alert_input *in, int64_t *id, const char **why)
{
	push_alert_input v;
	if (check_input(in, &v, why))
		return STORE_ERROR;
	if (push_store_alert_add(st, &v, id)) {
		*why = store_errmsg(st);
		return STORE_ERROR;
	}
	return STORE_OK;
}

/* Cuts s to at most max bytes at a character boundary, adding "…". */
static char *shorten(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return kb_strdup(s);
	size_t cut = max >= 3 ? max - 3 : 0;
	while (cut && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	kb_buf b = {0};
	kb_buf_append(&b, s, cut);
	kb_buf_puts(&b, "…");
	return kb_buf_take(&b, NULL);
}

void push_payload_json(kb_buf *out, int64_t id, const char *title, const char *body, const char *click_url,
		       const char *image, const char *tag, size_t reserve)
{
	size_t max = PUSH_MAX_PLAINTEXT - reserve;
	char *t = kb_strdup(title), *b = kb_strdup(body);
	for (;;) {
		/* jansson keeps the members in this order: "url" last. */
		json_t *j = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)id, "title", t, "body",
				      b, "image", image, "tag", tag, "url", click_url);
		char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		size_t n = s ? strlen(s) : 0;
		if (s && n <= max) {
			kb_buf_append(out, s, n);
			free(s);
			break;
		}
		free(s);
		/* Too long: the summary gives way first, then the title. */
		size_t excess = n - max;
		char *next;
		if (*b) {
			size_t bl = strlen(b);
			next = shorten(b, bl > excess + 8 ? bl - excess - 8 : 0);
			if (bl <= excess + 8) {
				free(next);
				next = kb_strdup("");
			}
			free(b);
			b = next;
		} else {
			size_t tl = strlen(t);
			next = shorten(t, tl > excess + 8 ? tl - excess - 8 : 0);
			free(t);
			t = next;
			if (tl <= 8) { /* only the URLs are left too long: cannot happen (checked) */
				kb_buf_puts(out, "{}");
				break;
			}
		}
	}
	free(t);
	free(b);
}

size_t push_payload_end(unsigned char *out, const char *payload, size_t len, const char *tail, size_t tlen)
{
	/* payload ends with the url's closing quote and the object's brace
	 * (or is "{}", which cannot happen: see push_url_problem). */
	size_t head = len - 2;
	if (len < 2 || memcmp(payload + head, "\"}", 2)) {
		memcpy(out, payload, len);
		return len;
	}
	memcpy(out, payload, head);
	memcpy(out + head, tail, tlen);
	memcpy(out + head + tlen, payload + head, len - head);
	return len + tlen;
}

/* ---- the newsroom's alerts ---- */

void push_article_topic(char out[PUSH_TOPIC_SIZE], int64_t article_id)
{
	snprintf(out, PUSH_TOPIC_SIZE, "article-%lld", (long long)article_id);
}

void push_article_input(const kb_article *art, kb_arena *a, push_alert_input *in, char topic[PUSH_TOPIC_SIZE])
{
	push_article_topic(topic, art->id);
	/* A headline may be longer than an alert's: it is cut, not refused. */
	const char *title = art->title;
	if (strlen(title) > TITLE_MAX) {
		char *cut = shorten(title, TITLE_MAX);
		title = kb_arena_strdup(a, cut);
		free(cut);
	}
	*in = (push_alert_input){
		.title = title,
		.body = art->summary,
		.url = kb_arena_printf(a, "/news/%s", art->slug),
		.image = render_article_image(a, art->image_url, art->media.id, art->media.stem),
		.category_id = art->category.id,
		.urgency = art->breaking ? "high" : "normal",
		.topic = topic,
	};
}

static push_alert_hook g_alert_hook;

void push_set_alert_hook(push_alert_hook fn)
{
	g_alert_hook = fn;
}

/* push_alert_send, and the scheduler's send (scheduled: see
 * push_store_alert_send; STORE_NOTFOUND when another process sent it). */
static int send_alert(store *st, const push_alert_input *in, int64_t user_id, int64_t article_id,
		      int scheduled, int64_t *id, const char **why)
{
	push_alert_input v;
	if (check_input(in, &v, why))
		return PUSH_INVALID;
	int64_t limit;
	if (push_store_hourly_limit(st, &limit)) {
		*why = store_errmsg(st);
		return STORE_ERROR;
	}
	int rc = push_store_alert_send(st, &v, user_id, article_id, scheduled, limit, kb_now(), id);
	if (rc == STORE_CONFLICT) {
		*why = "the hourly alert limit is reached";
		return PUSH_OVER_LIMIT;
	}
	if (rc == STORE_NOTFOUND) {
		*why = "already sent";
		return rc;
	}
	if (rc) {
		*why = store_errmsg(st);
		return STORE_ERROR;
	}
	if (g_alert_hook)
		g_alert_hook(st, *id, &v);
	return STORE_OK;
}

int push_alert_send(store *st, const push_alert_input *in, int64_t user_id, int64_t article_id, int64_t *id,
		    const char **why)
{
	return send_alert(st, in, user_id, article_id, 0, id, why);
}

int push_alert_scheduled(store *st)
{
	kb_arena a = {0};
	int64_t *articles, *users;
	size_t n;
	int sent = 0;
	if (push_store_sched_due(st, &a, &articles, &users, &n)) {
		kb_warn("cannot read scheduled alerts: %s", store_errmsg(st));
		n = 0;
	}
	for (size_t i = 0; i < n; i++) {
		kb_article art;
		int rc = store_article_by_id(st, &a, articles[i], &art);
		if (rc) {
			if (rc != STORE_NOTFOUND)
				kb_warn("cannot read article %lld: %s", (long long)articles[i],
					store_errmsg(st));
			continue;
		}
		push_alert_input in;
		char topic[PUSH_TOPIC_SIZE];
		push_article_input(&art, &a, &in, topic);
		int64_t id;
		const char *why;
		rc = send_alert(st, &in, users[i], art.id, 1, &id, &why);
		if (rc == STORE_NOTFOUND) /* another process queued it */
			continue;
		if (!rc) {
			kb_info("queued alert %lld for scheduled article %lld", (long long)id,
				(long long)art.id);
			char detail[32];
			snprintf(detail, sizeof detail, "#%lld", (long long)id);
			if (store_audit_add(st, users[i], "alert", art.id, detail))
				kb_warn("cannot log the alert: %s", store_errmsg(st));
			sent++;
			continue;
		}
		/* Refused (the hourly limit, a story the alert cannot carry): it
		 * will not become sendable by waiting, so it is dropped and said.
		 * A store error is left for the next second. */
		if (rc == PUSH_OVER_LIMIT || rc == PUSH_INVALID) {
			kb_warn("alert for scheduled article %lld not sent: %s", (long long)art.id, why);
			if (push_store_sched_clear(st, art.id) ||
			    store_audit_add(st, 0, "alert_refused", art.id, why))
				kb_warn("cannot drop the scheduled alert: %s", store_errmsg(st));
		} else {
			kb_warn("cannot queue alert for scheduled article %lld: %s", (long long)art.id, why);
		}
	}
	kb_arena_free(&a);
	return sent;
}
