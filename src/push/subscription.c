/*
 * subscription.c: checks what a reader's browser sends when it subscribes,
 * before anything is stored. Every refusal carries a reason, which the
 * API returns with a 400.
 *
 * Endpoints: khabar posts to the endpoint URL on behalf of whoever sent it,
 * so an unchecked endpoint would let anyone make the server send requests
 * into its own network. Only https URLs on the push services browsers use
 * are accepted: FCM (Chrome, Android, Opera, Samsung), Mozilla (Firefox),
 * Apple (Safari) and WNS (Edge). Tests and the benchmark run a push service
 * on loopback; setting KHABAR_PUSH_TEST_CA (the CA file that service's
 * certificate is signed with) lifts the host rule, and the delivery engine
 * trusts that CA. Nothing else reads that variable.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "push.h"

#define ENDPOINT_MAX 2048
#define TOPICS_MAX 64

/* Host suffixes of the push services browsers subscribe with. A suffix
 * starting with '.' matches any subdomain. */
static const char *const push_hosts[] = {
	"fcm.googleapis.com", "android.googleapis.com", "updates.push.services.mozilla.com",
	".push.apple.com",    ".notify.windows.com",
};

int push_endpoint_allowed(const char *endpoint, const char **why)
{
	size_t len = strlen(endpoint);
	if (strncmp(endpoint, "https://", 8)) {
		*why = "endpoint must be an https:// URL";
		return 0;
	}
	if (len > ENDPOINT_MAX) {
		*why = "endpoint is longer than 2048 characters";
		return 0;
	}
	for (const char *p = endpoint; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || *p == '"' || *p == '\\' ||
		    *p == '<' || *p == '>' || *p == '#') {
			*why = "endpoint contains a character a URL cannot have";
			return 0;
		}
	const char *host = endpoint + 8;
	size_t hl = strcspn(host, "/?:");
	const char *at = strchr(host, '@');
	if (!hl || (at && (size_t)(at - host) < strcspn(host, "/"))) {
		*why = "endpoint has no host (or has user information)";
		return 0;
	}
	if (getenv("KHABAR_PUSH_TEST_CA"))
		return 1;
	if (host[hl] == ':') {
		*why = "endpoint must use the standard https port";
		return 0;
	}
	for (size_t i = 0; i < KB_COUNT(push_hosts); i++) {
		size_t sl = strlen(push_hosts[i]);
		if (push_hosts[i][0] == '.' ? hl > sl && !strncasecmp(host + hl - sl, push_hosts[i], sl)
					    : hl == sl && !strncasecmp(host, push_hosts[i], sl))
			return 1;
	}
	*why = "endpoint is not on a known push service (FCM, Mozilla, Apple or WNS)";
	return 0;
}

int push_sub_parse(kb_arena *a, const char *json, size_t len, int need_keys, push_sub_input *out,
		   const char **why)
{
	memset(out, 0, sizeof *out);
	json_error_t jerr;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	int rc = -1;
	if (!root || !json_is_object(root)) {
		*why = "the body is not a JSON object";
		goto out;
	}
	/* {"subscription": {...}} or, for unsubscribe and status, the
	 * subscription object itself is accepted too. */
	json_t *sub = json_object_get(root, "subscription");
	if (!sub)
		sub = root;
	const char *endpoint = json_string_value(json_object_get(sub, "endpoint"));
	if (!json_is_object(sub) || !endpoint) {
		*why = "subscription.endpoint is missing or not a string";
		goto out;
	}
	if (!push_endpoint_allowed(endpoint, why))
		goto out;
	out->endpoint = kb_arena_strdup(a, endpoint);
	if (!need_keys) {
		rc = 0;
		goto out;
	}
	json_t *keys = json_object_get(sub, "keys");
	const char *p256dh = json_string_value(json_object_get(keys, "p256dh"));
	const char *auth = json_string_value(json_object_get(keys, "auth"));
	if (!json_is_object(keys) || !p256dh || !auth) {
		*why = "subscription.keys.p256dh and subscription.keys.auth are required strings";
		goto out;
	}
	unsigned char buf[80];
	long n = b64url_decode(p256dh, strlen(p256dh), buf, sizeof buf);
	if (n != 65 || buf[0] != 4) {
		*why = "keys.p256dh must be base64url of a 65-byte uncompressed P-256 point";
		goto out;
	}
	if (!push_p256_point_valid(buf, 65)) {
		*why = "keys.p256dh is not a point on the P-256 curve";
		goto out;
	}
	memcpy(out->p256dh, buf, 65);
	n = b64url_decode(auth, strlen(auth), buf, sizeof buf);
	if (n != 16) {
		*why = "keys.auth must be base64url of exactly 16 bytes";
		goto out;
	}
	memcpy(out->auth, buf, 16);

	json_t *topics = json_object_get(root, "topics");
	out->all_topics = 1;
	if (topics && !json_is_array(topics)) {
		*why = "topics must be an array of category slugs, or [\"all\"]";
		goto out;
	}
	size_t nt = json_array_size(topics);
	if (nt > TOPICS_MAX) {
		*why = "topics lists more than 64 categories";
		goto out;
	}
	if (nt) {
		out->topics = kb_arena_alloc(a, nt * sizeof *out->topics);
		for (size_t i = 0; i < nt; i++) {
			const char *t = json_string_value(json_array_get(topics, i));
			if (!t || !*t || strlen(t) > 80) {
				*why = "each topic must be a category slug";
				goto out;
			}
			if (!strcmp(t, "all")) {
				out->ntopics = 0;
				goto all;
			}
			out->topics[out->ntopics++] = kb_arena_strdup(a, t);
		}
		out->all_topics = 0;
	}
all:
	rc = 0;
out:
	json_decref(root);
	return rc;
}
