/*
 * delivery.c: the delivery engine. Nothing here runs on a request path:
 * "khabar serve" starts the engine beside its HTTP workers, and the CLI and
 * the benchmark run it in the foreground until the queue is empty. Three
 * kinds of thread, each owning its part so none waits on another's work:
 *
 *   queue thread   the database: the lease, claims (one transaction per
 *                  batch), results (one transaction per few hundred)
 *   workers        encryption (one per core): claimed -> aes128gcm body
 *   I/O thread     libcurl: per-origin queues, HTTP/2 requests, answers
 *
 *   claim -> encrypt -> per-origin queue -> request -> result -> record
 *
 * They meet under one mutex, in batches: claimed jobs go to the workers'
 * list, encrypted ones to the I/O thread's, results to the queue thread's.
 * The I/O thread never touches SQLite, so a slow write (a checkpoint, a
 * loaded disk) cannot stall requests in flight into their timeouts. Claims
 * follow demand: a new batch is claimed only when fewer than one batch is
 * waiting to be sent, so encrypted messages are not thrown back for want
 * of room.
 *
 * HTTP: one multiplexed HTTP/2 connection per push-service origin
 * (CURLPIPE_MULTIPLEX, CURLOPT_PIPEWAIT, at most one connection per host),
 * with up to ORIGIN_STREAMS requests in flight on it, renewed every
 * CONN_REQUESTS requests (origin_pump says why). Each request carries
 * TTL, Urgency, Topic, Content-Encoding: aes128gcm and the VAPID
 * Authorization, whose JWT is signed once per origin and reused until an
 * hour before it expires (the header list is built once per alert and
 * origin).
 *
 * Responses: 2xx delivered; 404 and 410 delete the subscription; 429, 5xx
 * and transport errors (timeouts, resets, refused connections) are retried
 * with exponential backoff, never sooner than Retry-After, which also
 * pauses the whole origin; other 4xx fail. A message whose alert's TTL has
 * passed expires instead of being sent. An origin that hangs or resets
 * holds at most ORIGIN_STREAMS requests plus ORIGIN_QUEUE waiting; beyond
 * that its messages are put back in the queue for later, so other push
 * services keep moving.
 *
 * Crash safety (the guarantee the README states): a message is marked
 * "sending" in the database, with this run's attempt id, before its request
 * leaves, and deleted (counted delivered) only after its 2xx is recorded.
 * A stop (SIGTERM) first lets the requests in flight finish while the I/O
 * thread keeps reading their answers, puts back what was not sent, and
 * records all of it before the process exits, so a restart sends nobody
 * anything twice. After a crash, messages that were "sending" are sent
 * again: at least once, never lost. Such a repeat carries the same Topic
 * header, so a push service still holding the first copy replaces it, and
 * the service worker shows every alert under one tag (its id), so a repeat
 * that does reach a device replaces the notification silently rather than
 * ringing twice. At most one window of messages (WINDOW) can be in that
 * state.
 */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "push.h"

#define WINDOW 8192        /* messages claimed and not yet recorded */
#define CLAIM_BATCH 1024   /* messages per claim transaction */
#define ENCRYPT_BATCH 32   /* messages a worker takes at once */
#define ORIGIN_STREAMS 100 /* requests in flight per origin */
#define ORIGIN_QUEUE 2048  /* encrypted messages waiting per origin */
#define CONN_REQUESTS 900  /* requests per connection before a new one (see start) */
#define MAX_TRIES 6
#define BACKOFF_BASE 2 /* seconds; doubles each try */
#define BACKOFF_MAX 3600
#define JWT_LIFETIME (12 * 3600)
#define JWT_RENEW 3600               /* sign again when less than this is left */
#define STOP_GRACE_NS 10000000000ULL /* requests in flight get this long at a stop */
#define NS_MS 1000000ULL

typedef struct alert_ctx {
	struct alert_ctx *next;
	int64_t id, ttl, expires_at;
	char *payload, *urgency, *topic;
	size_t plen;
} alert_ctx;

/* The request headers of one alert at one origin, signed with one JWT. */
typedef struct hdr_set {
	struct hdr_set *next;
	const alert_ctx *alert;
	struct curl_slist *list;
	uint64_t retired_ns; /* when a newer JWT replaced it */
} hdr_set;

typedef struct origin {
	struct origin *next;
	char *name; /* "https://host[:port]" */
	char *auth; /* "Authorization: vapid t=..., k=..." */
	int64_t jwt_exp, paused_until;
	int inflight, errors;
	uint64_t progress_ns;      /* when a request to it last ended (or the first began) */
	struct job *qhead, *qtail; /* encrypted, waiting for a stream */
	size_t qlen;
	hdr_set *hdrs;          /* built with the current auth */
	unsigned conn_requests; /* started on the current connection */
	int fresh;              /* the next request opens a new connection */
} origin;

typedef struct job {
	struct job *next;
	int64_t alert_id, sub_id;
	int tries;
	char *endpoint; /* ep, or malloc'ed when longer */
	unsigned char p256dh[65], auth[16];
	alert_ctx *alert;
	origin *origin;
	long body_len; /* -1: could not encrypt */
	CURL *easy;
	int64_t retry_after;
	char ep[320];
	unsigned char body[PUSH_BODY_MAX];
} job;

struct push_engine {
	push_engine_opts o;
	pthread_t tid, queue_tid;
	atomic_int stop, done;
	int rc, queue_started;
	push_engine_totals totals;
	uint64_t start_ns;
	double start_cpu_s;

	/* The queue thread's. */
	store *st;
	int64_t attempt;
	char *vapid_public, *vapid_private, *subject, *base_url; /* set before the first claim */
	unsigned char click_key[32];                             /* the same; the workers read it */
	alert_ctx *alerts; /* read by all through their jobs; freed at the end */

	/* The I/O thread's. */
	CURLM *multi;
	const char *ca; /* KHABAR_PUSH_TEST_CA */
	long timeout_ms;
	origin *origins;
	hdr_set *retired;
	CURL *free_easy[ORIGIN_STREAMS * 4];
	size_t nfree_easy;
	push_result *done_res; /* results not yet handed to the queue thread */
	size_t ndone, done_cap;
	job *freed; /* jobs to hand back for reuse */

	/* Shared, under mu. */
	pthread_mutex_t mu;
	pthread_cond_t work_cv;  /* workers wait here */
	pthread_cond_t queue_cv; /* the queue thread waits here */
	pthread_t *workers;
	int nworkers, pool_stop;
	job *in_head, *in_tail;   /* to encrypt */
	job *out_head, *out_tail; /* encrypted */
	job *spare;               /* finished jobs, for the next claims */
	double cpu_s;             /* the workers' CPU time */
	size_t alive;             /* claimed, no result yet */
	size_t held;              /* alive and in flight, or behind a backed-up origin */
	push_result *res;         /* results the queue thread has yet to record */
	size_t nres, res_cap;
	int claiming; /* the queue thread is claiming (it claims nothing after a stop) */
	int io_done;  /* the I/O thread has handed over its last result */
};

static double thread_cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double process_cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       (double)ru.ru_stime.tv_usec / 1e6;
}

/* ---- the encryption workers ---- */

/* An encryption worker: takes jobs a few at a time, encrypts them with its
 * own push_ece, hands them to the I/O thread (waking it when its list was
 * empty). Adds its CPU time to e->cpu_s when the pool stops. */
static void *encrypt_main(void *arg)
{
	push_engine *e = arg;
	push_ece *ece = push_ece_new();
	pthread_mutex_lock(&e->mu);
	for (;;) {
		while (!e->in_head && !e->pool_stop)
			pthread_cond_wait(&e->work_cv, &e->mu);
		if (!e->in_head)
			break;
		/* Take a few at a time: less locking, fewer wake-ups. */
		job *batch = e->in_head, *last = batch;
		for (int i = 1; i < ENCRYPT_BATCH && last->next; i++)
			last = last->next;
		e->in_head = last->next;
		if (!e->in_head)
			e->in_tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&e->mu);
		for (job *j = batch; j; j = j->next) {
			/* The payload with this message's own click link. */
			unsigned char plain[PUSH_MAX_PLAINTEXT];
			char tail[PUSH_CLICK_TAIL_MAX + 1];
			size_t tlen = push_click_tail(tail, e->click_key, j->alert_id, j->sub_id);
			size_t plen = push_payload_end(plain, j->alert->payload, j->alert->plen, tail, tlen);
			j->body_len = push_ece_encrypt(ece, j->p256dh, j->auth, plain, plen, j->body, NULL,
						       NULL, NULL);
		}
		pthread_mutex_lock(&e->mu);
		int was_empty = !e->out_head;
		if (e->out_tail)
			e->out_tail->next = batch;
		else
			e->out_head = batch;
		e->out_tail = last;
		if (was_empty)
			curl_multi_wakeup(e->multi);
	}
	e->cpu_s += thread_cpu_s();
	pthread_mutex_unlock(&e->mu);
	push_ece_free(ece);
	return NULL;
}

/* The encrypted jobs, and with also_unencrypted the ones still waiting for
 * a worker (a stop puts those back too). */
static job *pool_take(push_engine *e, int also_unencrypted)
{
	pthread_mutex_lock(&e->mu);
	job *j = e->out_head;
	if (also_unencrypted && e->in_head) {
		if (e->out_tail)
			e->out_tail->next = e->in_head;
		else
			j = e->in_head;
		e->in_head = e->in_tail = NULL;
	}
	e->out_head = e->out_tail = NULL;
	pthread_mutex_unlock(&e->mu);
	return j;
}

/* ---- results (I/O thread) ---- */

/* Records what happened to j (handed to the queue thread at the next
 * publish) and recycles j. */
static void finish(push_engine *e, job *j, int kind, int64_t next_at)
{
	if (e->ndone == e->done_cap) {
		e->done_cap = e->done_cap ? 2 * e->done_cap : 1024;
		e->done_res = kb_realloc(e->done_res, e->done_cap * sizeof *e->done_res);
	}
	e->done_res[e->ndone++] =
		(push_result){.alert_id = j->alert_id, .sub_id = j->sub_id, .kind = kind, .next_at = next_at};
	push_engine_totals *t = &e->totals;
	switch (kind) {
	case PUSH_R_DELIVERED: t->delivered++; break;
	case PUSH_R_GONE:
		t->gone++;
		t->expired++;
		break;
	case PUSH_R_EXPIRED: t->expired++; break;
	case PUSH_R_FAILED: t->failed++; break;
	case PUSH_R_RETRY: t->retried++; break;
	}
	if (j->easy) {
		if (e->nfree_easy < KB_COUNT(e->free_easy))
			e->free_easy[e->nfree_easy++] = j->easy;
		else
			curl_easy_cleanup(j->easy);
		j->easy = NULL;
	}
	if (j->endpoint != j->ep)
		free(j->endpoint);
	j->next = e->freed;
	e->freed = j;
}

/* Whether o's queue is not moving: o is paused, backed up, or has not
 * answered for a second while requests are in flight (a hanging service). */
static int origin_stuck(const origin *o, int64_t now, uint64_t now_ns)
{
	return o->paused_until > now || o->qlen >= ORIGIN_QUEUE ||
	       (o->inflight && now_ns - o->progress_ns > 1000 * NS_MS);
}

/* Hands the results so far to the queue thread, with the count of jobs the
 * I/O thread holds (in flight, or queued behind an origin that is not
 * moving: the claim gate leaves them out), and returns how many claimed jobs
 * have no result yet, plus one while a claim is under way. */
static size_t publish(push_engine *e)
{
	size_t held = 0;
	int64_t now = kb_now();
	uint64_t now_ns = kb_mono_ns();
	for (origin *o = e->origins; o; o = o->next)
		held += (size_t)o->inflight + (origin_stuck(o, now, now_ns) ? o->qlen : 0);
	pthread_mutex_lock(&e->mu);
	if (e->ndone) {
		if (e->nres + e->ndone > e->res_cap) {
			e->res_cap = (e->nres + e->ndone) * 2;
			e->res = kb_realloc(e->res, e->res_cap * sizeof *e->res);
		}
		memcpy(e->res + e->nres, e->done_res, e->ndone * sizeof *e->res);
		e->nres += e->ndone;
		e->alive -= e->ndone;
	}
	if (e->freed) {
		job *last = e->freed;
		while (last->next)
			last = last->next;
		last->next = e->spare;
		e->spare = e->freed;
		e->freed = NULL;
	}
	e->held = held;
	/* Wake the queue thread when it can claim, or has plenty to record;
	 * otherwise its next tick records what is here. */
	if (e->alive - held < CLAIM_BATCH || e->nres >= CLAIM_BATCH)
		pthread_cond_signal(&e->queue_cv);
	size_t alive = e->alive + (size_t)e->claiming;
	pthread_mutex_unlock(&e->mu);
	e->ndone = 0;
	return alive;
}

/* A retry of j no sooner than retry_after (0: none given): exponential
 * backoff, or failure after MAX_TRIES, or expiry past the alert's TTL. */
static void retry(push_engine *e, job *j, int64_t retry_after)
{
	int64_t now = kb_now();
	int64_t wait = (int64_t)BACKOFF_BASE << (j->tries - 1 < 11 ? j->tries - 1 : 11);
	if (wait > BACKOFF_MAX)
		wait = BACKOFF_MAX;
	if (retry_after > now + wait)
		wait = retry_after - now;
	if (j->tries >= MAX_TRIES)
		finish(e, j, PUSH_R_FAILED, 0);
	else if (now + wait > j->alert->expires_at)
		finish(e, j, PUSH_R_EXPIRED, 0);
	else
		finish(e, j, PUSH_R_RETRY, now + wait);
}

/* ---- origins and requests (I/O thread) ---- */

static origin *origin_of(push_engine *e, const char *endpoint)
{
	const char *host = endpoint + 8; /* checked: https:// */
	size_t n = 8 + strcspn(host, "/?#");
	for (origin *o = e->origins; o; o = o->next)
		if (strlen(o->name) == n && !memcmp(o->name, endpoint, n))
			return o;
	origin *o = kb_calloc(1, sizeof *o);
	o->name = kb_strndup(endpoint, n);
	o->next = e->origins;
	e->origins = o;
	return o;
}

static void hdr_sets_free(hdr_set *h)
{
	while (h) {
		hdr_set *next = h->next;
		curl_slist_free_all(h->list);
		free(h);
		h = next;
	}
}

/* Retires o's header lists (a new JWT replaces them). Requests in flight
 * may still use them, so they are freed once no request can be that old:
 * every request ends within the timeout, or the stop's grace. */
static void hdr_sets_retire(push_engine *e, origin *o)
{
	uint64_t now = kb_mono_ns(), keep = (uint64_t)e->timeout_ms * NS_MS + STOP_GRACE_NS;
	hdr_set **p = &e->retired;
	while (*p) {
		if (now - (*p)->retired_ns > keep) {
			hdr_set *old = *p;
			*p = old->next;
			old->next = NULL;
			hdr_sets_free(old);
		} else {
			p = &(*p)->next;
		}
	}
	for (hdr_set *h = o->hdrs, *next; h; h = next) {
		next = h->next;
		h->retired_ns = now;
		h->next = e->retired;
		e->retired = h;
	}
	o->hdrs = NULL;
}

/* The Authorization header for o, signing a new JWT when needed. */
static const char *origin_auth(push_engine *e, origin *o)
{
	int64_t now = kb_now();
	if (o->auth && o->jwt_exp - now > JWT_RENEW)
		return o->auth;
	kb_buf b = {0};
	kb_buf_puts(&b, "Authorization: vapid t=");
	if (push_vapid_jwt(&b, e->vapid_private, o->name, now + JWT_LIFETIME, e->subject)) {
		kb_buf_free(&b);
		return NULL;
	}
	kb_buf_printf(&b, ", k=%s", e->vapid_public);
	hdr_sets_retire(e, o);
	free(o->auth);
	o->auth = kb_buf_take(&b, NULL);
	o->jwt_exp = now + JWT_LIFETIME;
	return o->auth;
}

/* The request headers for alert a at origin o (built once, then shared by
 * every request of a to o). NULL when the JWT cannot be signed. */
static struct curl_slist *origin_headers(push_engine *e, origin *o, const alert_ctx *a)
{
	const char *auth = origin_auth(e, o);
	if (!auth)
		return NULL;
	for (hdr_set *h = o->hdrs; h; h = h->next)
		if (h->alert == a)
			return h->list;
	hdr_set *h = kb_calloc(1, sizeof *h);
	h->alert = a;
	char line[96];
	snprintf(line, sizeof line, "TTL: %lld", (long long)a->ttl);
	h->list = curl_slist_append(h->list, line);
	snprintf(line, sizeof line, "Urgency: %s", a->urgency);
	h->list = curl_slist_append(h->list, line);
	snprintf(line, sizeof line, "Topic: %s", a->topic);
	h->list = curl_slist_append(h->list, line);
	h->list = curl_slist_append(h->list, "Content-Encoding: aes128gcm");
	h->list = curl_slist_append(h->list, "Content-Type: application/octet-stream");
	h->list = curl_slist_append(h->list, auth);
	h->list = curl_slist_append(h->list, "Expect:");
	if (!h->list)
		kb_fatal("out of memory");
	h->next = o->hdrs;
	o->hdrs = h;
	return h->list;
}

static size_t discard(char *p, size_t size, size_t n, void *u)
{
	return size * n;
}

/* Reads Retry-After: seconds or an HTTP date. */
static size_t on_header(char *p, size_t size, size_t n, void *u)
{
	job *j = u;
	size_t len = size * n;
	if (len > 12 && !strncasecmp(p, "retry-after:", 12)) {
		char v[64];
		size_t vl = len - 12 < sizeof v - 1 ? len - 12 : sizeof v - 1;
		memcpy(v, p + 12, vl);
		v[vl] = 0;
		char *s = v + strspn(v, " \t"), *end;
		long secs = strtol(s, &end, 10);
		if (end != s && (*end == '\r' || *end == '\n' || !*end) && secs >= 0)
			j->retry_after = kb_now() + (secs > 86400 ? 86400 : secs);
		else {
			time_t t = curl_getdate(s, NULL);
			if (t > 0)
				j->retry_after = (int64_t)t;
		}
	}
	return len;
}

/* An easy handle with the options every request shares. */
static CURL *easy_new(push_engine *e)
{
	CURL *h = curl_easy_init();
	if (!h)
		kb_fatal("out of memory");
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(h, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "khabar");
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, e->timeout_ms < 5000 ? e->timeout_ms : 5000L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, e->timeout_ms);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 10L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	if (e->ca)
		curl_easy_setopt(h, CURLOPT_CAINFO, e->ca);
	return h;
}

static void start(push_engine *e, job *j)
{
	origin *o = j->origin;
	struct curl_slist *hdrs = origin_headers(e, o, j->alert);
	if (!hdrs) {
		kb_warn("push: cannot sign a VAPID token (bad vapid_private setting?)");
		finish(e, j, PUSH_R_DEFER, kb_now() + 60);
		return;
	}
	/* A reused handle keeps the options every request shares; only the
	 * message's own are set again. */
	CURL *h = e->nfree_easy ? e->free_easy[--e->nfree_easy] : easy_new(e);
	j->easy = h;
	j->retry_after = 0;
	curl_easy_setopt(h, CURLOPT_URL, j->endpoint);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, j->body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, j->body_len);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, j);
	curl_easy_setopt(h, CURLOPT_PRIVATE, j);
	curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, (long)o->fresh);
	o->fresh = 0;
	o->conn_requests++;
	if (!o->inflight++)
		o->progress_ns = kb_mono_ns();
	e->totals.sent++;
	curl_multi_add_handle(e->multi, h);
}

/*
 * Sends what o has waiting, up to its stream limit. After CONN_REQUESTS
 * requests the connection is drained and a new one opened (the old, idle
 * one is closed to stay at one per origin): libcurl 7.88 ends each HTTP/2
 * stream with an RST_STREAM, and servers guarding against "rapid reset"
 * (nghttp2 since 1.57: 1,000 at once, then 33 a second) close a connection
 * that sends too many, with GOAWAY. libcurl then sends again every request
 * still waiting for its answer, though the service may have taken it: a
 * repeat this rotation avoids.
 */
static void origin_pump(push_engine *e, origin *o)
{
	while (o->qhead && o->inflight < ORIGIN_STREAMS && o->paused_until <= kb_now()) {
		if (o->conn_requests >= CONN_REQUESTS) {
			if (o->inflight)
				break; /* the connection drains */
			o->conn_requests = 0;
			o->fresh = 1;
		}
		job *j = o->qhead;
		o->qhead = j->next;
		if (!o->qhead)
			o->qtail = NULL;
		o->qlen--;
		j->next = NULL;
		start(e, j);
	}
}

/* An encrypted message: send it, queue it behind its origin, or put it
 * back for later when the origin is paused or backed up. */
static void dispatch(push_engine *e, job *j)
{
	int64_t now = kb_now();
	if (j->body_len < 0) {
		finish(e, j, PUSH_R_FAILED, 0); /* a key that passed checks but not OpenSSL */
		return;
	}
	if (now > j->alert->expires_at) {
		finish(e, j, PUSH_R_EXPIRED, 0);
		return;
	}
	origin *o = j->origin = origin_of(e, j->endpoint);
	if (o->paused_until > now) {
		finish(e, j, PUSH_R_DEFER, o->paused_until);
		return;
	}
	if (o->qlen >= ORIGIN_QUEUE) {
		finish(e, j, PUSH_R_DEFER, now + 5);
		return;
	}
	j->next = NULL;
	if (o->qtail)
		o->qtail->next = j;
	else
		o->qhead = j;
	o->qtail = j;
	o->qlen++;
	origin_pump(e, o);
}

/* A request finished: classify its answer. */
static void completed(push_engine *e, CURLMsg *m)
{
	job *j;
	curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&j);
	curl_multi_remove_handle(e->multi, m->easy_handle);
	origin *o = j->origin;
	o->inflight--;
	o->progress_ns = kb_mono_ns();
	long status = 0;
	curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &status);
	int64_t now = kb_now();
	if (m->data.result != CURLE_OK) {
		/* Hung, reset or refused: back off, and after a few errors in a
		 * row pause the origin so its queue waits instead of spinning. */
		if (++o->errors >= 3) {
			int64_t pause = 2LL << (o->errors < 8 ? o->errors - 3 : 5);
			if (o->paused_until < now + pause)
				o->paused_until = now + pause;
		}
		if (!e->o.quiet && o->errors == 3)
			kb_warn("push: %s: %s; pausing it", o->name, curl_easy_strerror(m->data.result));
		retry(e, j, 0);
	} else if (status >= 200 && status < 300) {
		o->errors = 0;
		finish(e, j, PUSH_R_DELIVERED, 0);
	} else if (status == 404 || status == 410) {
		o->errors = 0;
		finish(e, j, PUSH_R_GONE, 0);
	} else if (status == 429 || status >= 500) {
		if (j->retry_after > now && o->paused_until < j->retry_after)
			o->paused_until = j->retry_after; /* the whole origin waits */
		retry(e, j, j->retry_after);
	} else {
		if (!e->o.quiet)
			kb_warn("push: %s answered %ld; message for subscription %lld failed", o->name,
				status, (long long)j->sub_id);
		finish(e, j, PUSH_R_FAILED, 0);
	}
}

/* Drives curl once: answers that arrived are classified. */
static void perform(push_engine *e)
{
	int running;
	curl_multi_perform(e->multi, &running);
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(e->multi, &left)))
		if (m->msg == CURLMSG_DONE)
			completed(e, m);
}

/* ---- claiming (queue thread) ---- */

static alert_ctx *alert_ctx_of(push_engine *e, const push_alert *a)
{
	for (alert_ctx *c = e->alerts; c; c = c->next)
		if (c->id == a->id)
			return c;
	alert_ctx *c = kb_calloc(1, sizeof *c);
	c->id = a->id;
	c->ttl = a->ttl;
	c->expires_at = a->expires_at;
	c->urgency = kb_strdup(a->urgency);
	c->topic = kb_strdup(a->topic);
	kb_buf click = {0}, image = {0}, p = {0};
	/* Each message's link ends with its subscription and MAC (the
	 * workers add them: push_click_tail). */
	kb_buf_printf(&click, "%s/push/click/%lld/", e->base_url, (long long)a->id);
	if (a->image[0] == '/')
		kb_buf_puts(&image, e->base_url);
	kb_buf_puts(&image, a->image);
	push_payload_json(&p, a->id, a->title, a->body, click.data, kb_buf_str(&image), a->topic,
			  PUSH_CLICK_TAIL_MAX);
	c->plen = p.len;
	c->payload = kb_buf_take(&p, NULL);
	kb_buf_free(&click);
	kb_buf_free(&image);
	c->next = e->alerts;
	e->alerts = c;
	return c;
}

/* Reads the keys and the site's address; 0 when push can run. */
static int load_settings(push_engine *e)
{
	kb_arena a = {0};
	const char *pub, *priv;
	kb_settings s;
	int rc = -1;
	if (push_store_vapid(e->st, &a, &pub, &priv) || store_settings(e->st, &a, &s) ||
	    push_click_secret(e->st, e->click_key))
		goto out;
	if (!*pub || !*priv)
		goto out;
	free(e->vapid_public), free(e->vapid_private), free(e->subject), free(e->base_url);
	e->vapid_public = kb_strdup(pub);
	e->vapid_private = kb_strdup(priv);
	e->base_url = kb_strdup(s.base_url);
	kb_buf b = {0};
	if (*s.email)
		kb_buf_printf(&b, "mailto:%s", s.email);
	else
		kb_buf_puts(&b, *s.base_url ? s.base_url : "mailto:push@localhost");
	e->subject = kb_buf_take(&b, NULL);
	rc = 0;
out:
	kb_arena_free(&a);
	return rc;
}

/* Claims one batch (of the oldest alert that has messages to send) and
 * hands it to the workers. Returns how many, -1 on a database error, or
 * CLAIM_NO_LEASE when another process holds the lease now. */
enum { CLAIM_NO_LEASE = -2 };
static long claim(push_engine *e)
{
	kb_arena a = {0};
	push_alert *alerts;
	size_t na;
	long total = 0;
	if (push_store_alerts_active(e->st, &a, &alerts, &na)) {
		kb_warn("push: %s", store_errmsg(e->st));
		kb_arena_free(&a);
		return -1;
	}
	if (na && !e->vapid_private && load_settings(e)) {
		static int told;
		if (!told++)
			kb_warn("push: alerts wait: the site has no VAPID keys (run khabar init)");
		kb_arena_free(&a);
		return 0;
	}
	for (size_t i = 0; i < na && !total; i++) {
		push_job_row *rows;
		size_t n;
		int rc =
			push_store_claim(e->st, &a, &alerts[i], e->attempt, kb_now(), CLAIM_BATCH, &rows, &n);
		if (rc == STORE_NOTFOUND) {
			total = CLAIM_NO_LEASE;
			break;
		}
		if (rc) {
			kb_warn("push: %s", store_errmsg(e->st));
			total = -1;
			break;
		}
		if (!n)
			continue;
		alert_ctx *ac = alert_ctx_of(e, &alerts[i]);
		pthread_mutex_lock(&e->mu);
		job *spare = e->spare;
		e->spare = NULL;
		pthread_mutex_unlock(&e->mu);
		job *head = NULL, *tail = NULL;
		for (size_t k = 0; k < n; k++) {
			job *j = spare;
			if (j)
				spare = j->next;
			else
				j = kb_malloc(sizeof *j);
			memset(j, 0, offsetof(job, ep));
			j->alert_id = rows[k].alert_id;
			j->sub_id = rows[k].sub_id;
			j->tries = rows[k].tries;
			size_t len = strlen(rows[k].endpoint);
			j->endpoint = len < sizeof j->ep ? memcpy(j->ep, rows[k].endpoint, len + 1)
							 : kb_strdup(rows[k].endpoint);
			memcpy(j->p256dh, rows[k].p256dh, 65);
			memcpy(j->auth, rows[k].auth, 16);
			j->alert = ac;
			if (tail)
				tail->next = j;
			else
				head = j;
			tail = j;
		}
		pthread_mutex_lock(&e->mu);
		if (spare) { /* unused: back to the pile */
			job *last = spare;
			while (last->next)
				last = last->next;
			last->next = e->spare;
			e->spare = spare;
		}
		e->alive += n;
		if (e->in_tail)
			e->in_tail->next = head;
		else
			e->in_head = head;
		e->in_tail = tail;
		pthread_cond_broadcast(&e->work_cv);
		pthread_mutex_unlock(&e->mu);
		total = (long)n;
	}
	kb_arena_free(&a);
	return total;
}

/* Takes or renews the lease. A holder that was a process on this machine
 * and is gone (killed, crashed) does not make us wait for its lease to run
 * out. Returns what push_store_lease does. */
static int take_lease(push_engine *e)
{
	char host[256] = "";
	gethostname(host, sizeof host - 1);
	kb_arena a = {0};
	int64_t now = kb_now(), pid = 0;
	const char *holder = "";
	int rc = push_store_lease(e->st, &a, e->attempt, getpid(), host, now, now + 30, 0, &pid, &holder);
	if (rc == STORE_NOTFOUND && !strcmp(holder, host) && pid > 0 && kill((pid_t)pid, 0) && errno == ESRCH)
		rc = push_store_lease(e->st, &a, e->attempt, getpid(), host, now, now + 30, 1, &pid, &holder);
	kb_arena_free(&a);
	return rc;
}

/* Records results in one transaction, trying again while the database is
 * busy. Results that cannot be recorded leave their rows "sending": a
 * later run sends them again (at least once). */
static void record(push_engine *e, const push_result *r, size_t n)
{
	for (int i = 0; i < 20 && push_store_results(e->st, r, n, kb_now()); i++) {
		kb_warn("push: cannot record results (%s); trying again", store_errmsg(e->st));
		usleep(250000);
	}
}

/* Ends the run from the queue thread (drained, or no lease). */
static void end_run(push_engine *e)
{
	atomic_store(&e->stop, 1);
	curl_multi_wakeup(e->multi);
}

/* The queue thread: records results as they come (one transaction per
 * wake-up, at most every 50 ms or per batch), keeps the lease, claims a
 * batch whenever the gate opens, and in drain mode ends the run once
 * nothing is left or due soon. After a stop it records until the I/O
 * thread has handed over its last result, then releases the lease. */
static void *queue_main(void *arg)
{
	push_engine *e = arg;
	uint64_t last_lease = 0, next_claim = 0;
	int have_lease = 0, told_lease = 0;
	push_result *batch = NULL;
	size_t batch_cap = 0;
	for (;;) {
		pthread_mutex_lock(&e->mu);
		for (;;) {
			if (e->nres || e->io_done)
				break;
			uint64_t now = kb_mono_ns();
			int stopping = atomic_load(&e->stop);
			if (!stopping && (!have_lease || now - last_lease > 5000 * NS_MS))
				break;
			int gate = e->alive - e->held < CLAIM_BATCH && e->alive + CLAIM_BATCH <= WINDOW;
			if (!stopping && gate && now >= next_claim)
				break;
			uint64_t until = now + 50 * NS_MS;
			if (!stopping && gate && next_claim < until)
				until = next_claim;
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			uint64_t wait = until - now;
			ts.tv_sec += (time_t)(wait / 1000000000ULL);
			ts.tv_nsec += (long)(wait % 1000000000ULL);
			if (ts.tv_nsec >= 1000000000L)
				ts.tv_sec++, ts.tv_nsec -= 1000000000L;
			pthread_cond_timedwait(&e->queue_cv, &e->mu, &ts);
		}
		/* Take the results so far (the I/O thread fills the other buffer). */
		push_result *r = e->res;
		size_t n = e->nres, cap = e->res_cap;
		e->res = batch, e->res_cap = batch_cap, e->nres = 0;
		batch = r, batch_cap = cap;
		int io_done = e->io_done;
		pthread_mutex_unlock(&e->mu);
		if (n)
			record(e, batch, n);
		if (io_done) /* its last results were in this batch */
			break;
		if (atomic_load(&e->stop))
			continue;

		uint64_t now = kb_mono_ns();
		if (!have_lease || now - last_lease > 5000 * NS_MS) {
			int rc = take_lease(e);
			have_lease = rc == STORE_OK;
			last_lease = now;
			if (rc == STORE_NOTFOUND && !told_lease++ && !e->o.quiet)
				kb_info("push: another khabar process is delivering; waiting for it");
			if (!have_lease && e->o.drain && rc == STORE_NOTFOUND) {
				fprintf(stderr,
					"khabar: another khabar process (khabar serve?) is delivering push alerts\n");
				e->rc = 1;
				end_run(e);
				continue;
			}
			if (!have_lease) {
				usleep(200000);
				continue;
			}
		}
		if (now < next_claim)
			continue;
		pthread_mutex_lock(&e->mu);
		int gate = e->alive - e->held < CLAIM_BATCH && e->alive + e->nres + CLAIM_BATCH <= WINDOW;
		/* After a stop nothing is claimed: the I/O thread waits for
		 * a claim under way before it ends. */
		int go = gate && !atomic_load(&e->stop);
		e->claiming = go;
		pthread_mutex_unlock(&e->mu);
		if (!go)
			continue;
		long got = claim(e);
		pthread_mutex_lock(&e->mu);
		e->claiming = 0;
		pthread_mutex_unlock(&e->mu);
		if (got > 0)
			continue;
		if (got == CLAIM_NO_LEASE) {
			if (!e->o.quiet)
				kb_info("push: another khabar process took the delivery over");
			have_lease = 0;
			continue;
		}
		/* Nothing to claim (or the database failed): look again in a
		 * fifth of a second, a second after an error. */
		next_claim = now + (got < 0 ? 1000 : 200) * NS_MS;
		if (!e->o.drain || got < 0)
			continue;
		pthread_mutex_lock(&e->mu);
		int idle = !e->alive && !e->nres;
		pthread_mutex_unlock(&e->mu);
		int64_t at;
		/* Drained, unless a retry is due soon. */
		if (idle && (push_store_next_retry(e->st, &at) || !at || at > kb_now() + 30))
			end_run(e);
	}
	push_store_lease_release(e->st, e->attempt);
	free(batch);
	return NULL;
}

/* ---- the I/O thread ---- */

/* Sends until a stop; then lets the requests in flight finish (their
 * answers are read as they come, STOP_GRACE_NS at most) and puts back
 * what was not sent, none of which left the machine (so it is not a try).
 * Ones that outlive the grace stay "sending": a later run sends them again
 * (the at-least-once case). */
static void io_loop(push_engine *e)
{
	uint64_t grace_end = 0;
	for (;;) {
		int stopping = atomic_load(&e->stop);
		if (stopping && !grace_end)
			grace_end = kb_mono_ns() + STOP_GRACE_NS;
		for (job *j = pool_take(e, stopping), *next; j; j = next) {
			next = j->next;
			if (stopping)
				finish(e, j, PUSH_R_DEFER, 0);
			else
				dispatch(e, j);
		}
		perform(e);
		for (origin *o = e->origins; o; o = o->next) {
			if (!stopping) {
				origin_pump(e, o);
				continue;
			}
			for (job *j = o->qhead, *next; j; j = next) {
				next = j->next;
				finish(e, j, PUSH_R_DEFER, 0);
			}
			o->qhead = o->qtail = NULL;
			o->qlen = 0;
		}
		size_t alive = publish(e);
		/* At a stop, jobs still alive are in flight or in a worker's
		 * hands (back in a moment). */
		if (stopping && (!alive || kb_mono_ns() > grace_end))
			break;
		curl_multi_poll(e->multi, NULL, 0, stopping ? 10 : alive ? 20 : 100, NULL);
	}
	pthread_mutex_lock(&e->mu);
	e->io_done = 1;
	pthread_cond_signal(&e->queue_cv);
	pthread_mutex_unlock(&e->mu);
}

/* ---- the engine ---- */

static int64_t random_attempt(void)
{
	int64_t v = (int64_t)(kb_mono_ns() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)kb_now());
	return v & INT64_MAX ? v & INT64_MAX : 1;
}

static int engine_open(push_engine *e)
{
	char *err = NULL;
	e->st = store_open(e->o.db_path, 0, &err);
	if (!e->st) {
		fprintf(stderr, "khabar: %s\n", err);
		free(err);
		return -1;
	}
	e->start_ns = kb_mono_ns();
	e->start_cpu_s = process_cpu_s();
	e->attempt = random_attempt();
	e->ca = getenv("KHABAR_PUSH_TEST_CA");
	const char *t = getenv("KHABAR_PUSH_TIMEOUT_MS");
	e->timeout_ms = t && atol(t) > 0 ? atol(t) : 15000;
	e->multi = curl_multi_init();
	curl_multi_setopt(e->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	curl_multi_setopt(e->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 1L);
	curl_multi_setopt(e->multi, CURLMOPT_MAX_CONCURRENT_STREAMS, (long)ORIGIN_STREAMS);
	int n = e->o.workers > 0 ? e->o.workers : (int)sysconf(_SC_NPROCESSORS_ONLN);
	e->nworkers = n < 1 ? 1 : n;
	pthread_mutex_init(&e->mu, NULL);
	pthread_cond_init(&e->work_cv, NULL);
	pthread_cond_init(&e->queue_cv, NULL);
	e->workers = kb_calloc((size_t)e->nworkers, sizeof *e->workers);
	for (int i = 0; i < e->nworkers; i++)
		if (pthread_create(&e->workers[i], NULL, encrypt_main, e))
			kb_fatal("cannot start an encryption thread");
	if (pthread_create(&e->queue_tid, NULL, queue_main, e))
		kb_fatal("cannot start the push queue thread");
	return 0;
}

static void engine_close(push_engine *e)
{
	pthread_join(e->queue_tid, NULL);
	pthread_mutex_lock(&e->mu);
	e->pool_stop = 1;
	pthread_cond_broadcast(&e->work_cv);
	pthread_mutex_unlock(&e->mu);
	for (int i = 0; i < e->nworkers; i++)
		pthread_join(e->workers[i], NULL);
	e->totals.encrypt_cpu_s = e->cpu_s;
	free(e->workers);
	for (size_t i = 0; i < e->nfree_easy; i++)
		curl_easy_cleanup(e->free_easy[i]);
	/* Jobs left: the spare pile, and any still in flight after the grace. */
	for (job *j = e->spare, *next; j; j = next) {
		next = j->next;
		free(j);
	}
	while (e->alerts) {
		alert_ctx *c = e->alerts;
		e->alerts = c->next;
		free(c->payload), free(c->urgency), free(c->topic), free(c);
	}
	while (e->origins) {
		origin *o = e->origins;
		e->origins = o->next;
		hdr_sets_free(o->hdrs);
		free(o->name), free(o->auth), free(o);
	}
	hdr_sets_free(e->retired);
	free(e->vapid_public), free(e->vapid_private), free(e->subject), free(e->base_url);
	free(e->res);
	free(e->done_res);
	store_close(e->st);
	pthread_mutex_destroy(&e->mu);
	pthread_cond_destroy(&e->work_cv);
	pthread_cond_destroy(&e->queue_cv);
}

static void *engine_main(void *arg)
{
	push_engine *e = arg;
	io_loop(e);
	engine_close(e);
	e->totals.wall_s = (double)(kb_mono_ns() - e->start_ns) / 1e9;
	e->totals.cpu_s = process_cpu_s() - e->start_cpu_s;
	atomic_store(&e->done, 1);
	return NULL;
}

push_engine *push_engine_start(const push_engine_opts *o)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	push_engine *e = kb_calloc(1, sizeof *e);
	e->o = *o;
	/* The engine's threads never take the server's signals. */
	sigset_t set, old;
	sigfillset(&set);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	int ok = !engine_open(e) && !pthread_create(&e->tid, NULL, engine_main, e);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!ok) {
		free(e);
		return NULL;
	}
	return e;
}

int push_engine_stop(push_engine *e, push_engine_totals *totals)
{
	if (!e)
		return 0;
	atomic_store(&e->stop, 1);
	curl_multi_wakeup(e->multi);
	pthread_join(e->tid, NULL);
	curl_multi_cleanup(e->multi);
	if (totals)
		*totals = e->totals;
	int rc = e->rc;
	free(e);
	return rc;
}

int push_engine_run(const push_engine_opts *o, push_engine_totals *totals)
{
	/* The engine runs on its own threads with every signal blocked, and
	 * this thread waits for SIGINT/SIGTERM: a signal never interrupts a
	 * socket call halfway through a request (which would turn a request the
	 * push service received into an error, and so into a repeat). */
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	signal(SIGPIPE, SIG_IGN);
	push_engine *e = push_engine_start(o);
	if (!e) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return 1;
	}
	struct timespec tick = {0, 100000000};
	while (!atomic_load(&e->done)) {
		int sig = sigtimedwait(&set, NULL, &tick);
		if (sig == SIGINT || sig == SIGTERM)
			break;
	}
	int rc = push_engine_stop(e, totals);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
