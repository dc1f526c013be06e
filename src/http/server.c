/*
 * server.c: khabar's glue to libh2o. It owns the worker threads (one
 * event loop each, all accepting on one socket), the page cache and the
 * changes log that keeps it current, the background jobs' runners, and
 * graceful shutdown. What a request gets is dispatch.c's; how a response
 * goes out, send.c's; the socket and the access log, listen.c's.
 *
 * Off the request path, thread 0 applies the changes log to the cache
 * (every 0.2 s; on PostgreSQL, as each change is announced); every other
 * background job is the caller's, handed over in server_opts.jobs and run
 * by jobs.c. The server knows no page: the route table and the error page
 * come in server_opts too (src/app/), and so does whoever is told of each
 * change after the cache (on_change: the edge purge).
 *
 * TLS (--tls-cert, --https): the listener hands each connection to h2o
 * with the context tls.c holds at that moment, so a new certificate
 * reaches new connections while open ones finish with theirs; every
 * response carries HSTS. Beside it, the plain listener (--listen-http,
 * plain.c) has a configuration of its own that serves no page: ACME
 * HTTP-01 answers and redirects to HTTPS. SIGHUP reads the certificate
 * files again and tells server_opts.on_hup (the ACME client).
 *
 * Photos at /media/: h2o's file handler serves the folder (media_dir); a
 * name it lacks goes to on_media_miss, which asks server_opts.media_fetch
 * (the database, src/media/cache.c), and then to h2o's own 404.
 */
#define H2O_USE_LIBUV 0
#include <h2o.h>

#include <assert.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "../render/cache.h"
#include "http.h"
#include "jobs.h"
#include "listen.h"
#include "plain.h"
#include "metrics.h"
#include "proxy.h"
#include "request.h"
#include "server_int.h"
#include "session.h"
#include "tls.h"

static h2o_globalconf_t g_conf;
/* The plain listener's configuration beside TLS (plain.c): no page. */
static h2o_globalconf_t g_plain_conf;
static atomic_int g_stop;
/* Shared with dispatch.c (server_int.h). */
cache *g_cache;
const server_opts *g_opts;
_Atomic int64_t g_version;
_Thread_local store *t_db;
/* The changes log: the last seq applied to the cache, under g_changes_mu
 * (any thread may apply changes after its own write). */
static pthread_mutex_t g_changes_mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t g_seq;
/* The background jobs (jobs.h): started before the workers, stopped
 * after them, so requests always find them. */
job_runner *g_jobs;

/* Tells server_opts.on_change of tags[0..n) (n 0: everything). */
static void tell_change(const char *const *tags, size_t n)
{
	if (g_opts && g_opts->on_change)
		g_opts->on_change(tags, n);
}

void server_content_changed(store *st)
{
	/* Several threads call this with their own connections; one that read
	 * an older version must not move it back (entries built before a
	 * site-wide change would count as current again). The one that
	 * moves it tells of the change. */
	int64_t v = store_content_version(st), cur = atomic_load(&g_version);
	while (v > cur) {
		if (atomic_compare_exchange_weak(&g_version, &cur, v)) {
			tell_change(NULL, 0);
			break;
		}
	}
	if (!g_cache)
		return;
	pthread_mutex_lock(&g_changes_mu);
	for (;;) {
		kb_arena a = {0};
		const char **tags;
		int64_t *seqs, first;
		size_t n;
		if (store_changes_since(st, &a, g_seq, 1000, &tags, &seqs, &n, &first)) {
			kb_warn("cannot read the changes log: %s", store_errmsg(st));
			kb_arena_free(&a);
			break;
		}
		if (first > g_seq + 1 && n) {
			/* Changes were pruned before this server saw them
			 * (it was stopped or stalled): start afresh. */
			cache_clear(g_cache);
			tell_change(NULL, 0);
		} else if (n) {
			cache_drop_tags(g_cache, tags, n);
			tell_change(tags, n);
		}
		if (n)
			g_seq = seqs[n - 1];
		kb_arena_free(&a);
		if (n < 1000)
			break;
	}
	pthread_mutex_unlock(&g_changes_mu);
}

/* On PostgreSQL, the server's own job: other processes' changes arrive as
 * notices (LISTEN), each followed by one look at the log, so nothing
 * polls. After a lost connection the cache starts afresh: what was
 * announced meanwhile is gone. */
static int changes_step(store *st)
{
	int rc = store_wait_change(st, 1000);
	if (rc == STORE_ERROR) {
		kb_warn("%s (trying again)", store_errmsg(st));
		return -1;
	}
	if (rc == STORE_LISTENING_AGAIN) {
		kb_info("listening for changes again: the page cache starts afresh");
		cache_clear(g_cache);
		tell_change(NULL, 0);
	}
	if (rc)
		server_content_changed(st);
	return 1; /* it waited already */
}

static const server_job changes_job = {"changes", changes_step, 1000};
static job_runner *g_listen;

int server_stopping(void)
{
	return atomic_load(&g_stop);
}

void server_wake(const char *job)
{
	jobs_wake(g_jobs, job);
}

/* The most --listen addresses (comma-separated, or --listen repeated). */
#define MAX_LISTEN 8

/* One listening socket of a worker: one of the site's (TLS or not), or
 * the plain one beside TLS. */
typedef struct listener {
	int fd; /* this thread's dup of the listening socket; -1: none */
	int tls, plain;
	h2o_accept_ctx_t accept_ctx;
	h2o_socket_t *sock;
} listener;

typedef struct worker {
	pthread_t tid;
	int index;
	h2o_context_t ctx;
	listener l[MAX_LISTEN + 1];
	int ok;
} worker;

static void release_ctx(void *ctx)
{
	SSL_CTX_free(ctx);
}

/* Hands sock to h2o; over TLS with the context current now. h2o makes
 * the connection's SSL from it only when the first bytes arrive, so the
 * socket holds a reference until it closes: a certificate swapped
 * meanwhile cannot free it under the handshake. */
static void accept_one(listener *l, h2o_socket_t *sock)
{
	if (!l->tls) {
		h2o_accept(&l->accept_ctx, sock);
		return;
	}
	SSL_CTX *ctx = tls_ctx_get();
	sock->on_close.cb = release_ctx;
	sock->on_close.data = ctx;
	l->accept_ctx.ssl_ctx = ctx;
	h2o_accept(&l->accept_ctx, sock);
	l->accept_ctx.ssl_ctx = NULL;
}

static void on_accept(h2o_socket_t *sock, const char *err)
{
	listener *l = sock->data;
	if (err)
		return;
	/* Accept a batch: with several threads on one socket, a thread woken
	 * for a connection another took gets NULL and goes back to sleep. */
	for (int i = 0; i < 16; i++) {
		h2o_socket_t *conn = h2o_evloop_socket_accept(sock);
		if (!conn)
			break;
		accept_one(l, conn);
	}
}

static int conns_open(worker *w)
{
	return !h2o_linklist_is_empty(&w->ctx.http1._conns) || !h2o_linklist_is_empty(&w->ctx.http2._conns);
}

/* Tests only: kb_now() follows the time (UTC seconds) in the clock file. */
static void read_clock_file(void)
{
	if (!g_opts->clock_file)
		return;
	FILE *f = fopen(g_opts->clock_file, "r");
	long long t = 0;
	if (f) {
		if (fscanf(f, "%lld", &t) == 1 && t > 0)
			kb_clock_fake(t);
		fclose(f);
	}
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	char *err = NULL;
	t_db = store_open(g_opts->db_path, 0, &err);
	if (!t_db) {
		kb_warn("worker %d: %s", w->index, err);
		free(err);
		atomic_store(&g_stop, 1);
		return NULL;
	}
	metrics_thread(w->index);
	h2o_context_init(&w->ctx, h2o_evloop_create(), &g_conf);
	for (size_t i = 0; i < KB_COUNT(w->l); i++) {
		listener *l = &w->l[i];
		if (l->fd < 0)
			continue;
		l->accept_ctx.ctx = &w->ctx;
		l->accept_ctx.hosts = l->plain ? g_plain_conf.hosts : g_conf.hosts;
		l->sock = h2o_evloop_socket_create(w->ctx.loop, l->fd, H2O_SOCKET_FLAG_DONT_READ);
		l->sock->data = l;
		h2o_socket_read_start(l->sock, on_accept);
	}
	w->ok = 1;

	uint64_t last_poll = 0, last_trim = 0;
	while (!atomic_load(&g_stop)) {
		h2o_evloop_run(w->ctx.loop, 100);
		if (w->index)
			continue;
		/* Thread 0 notices writes by other processes (the CLI, a second
		 * server) on a SQLite file within a fifth of a second; on
		 * PostgreSQL they are announced (changes_step). */
		uint64_t now = kb_mono_ns();
		if (now - last_poll > 200000000ULL) {
			read_clock_file();
			if (!g_listen)
				server_content_changed(t_db);
			last_poll = now;
		}
		/* Rendering frees as much as it allocates, but glibc keeps freed
		 * memory in each thread's arena; hand it back every few seconds
		 * so the resident size follows the page cache, not the peak. */
		if (now - last_trim > 5000000000ULL) {
			malloc_trim(0);
			last_trim = now;
		}
	}

	/* Graceful shutdown: stop accepting, ask open connections to finish
	 * (keep-alive ends, HTTP/2 gets GOAWAY), and give in-flight requests
	 * up to ten seconds. */
	/* Connections already in the listen queue are in flight too: take
	 * them before closing the socket, so they are answered, not reset. */
	for (size_t i = 0; i < KB_COUNT(w->l); i++) {
		listener *l = &w->l[i];
		if (!l->sock)
			continue;
		h2o_socket_t *late;
		while ((late = h2o_evloop_socket_accept(l->sock)))
			accept_one(l, late);
		h2o_socket_read_stop(l->sock);
		h2o_socket_close(l->sock);
	}
	h2o_context_request_shutdown(&w->ctx);
	uint64_t deadline = kb_mono_ns() + 10000000000ULL;
	while (conns_open(w) && kb_mono_ns() < deadline)
		h2o_evloop_run(w->ctx.loop, 50);
	store_close(t_db);
	return NULL;
}

/* The signals the server's main loop takes (every other thread has them
 * blocked): SIGINT and SIGTERM stop it gracefully, SIGHUP reloads. */
static void server_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

void listen_reload_tls(void)
{
	if (!tls_on())
		return;
	tls_reload();
	if (g_opts && g_opts->on_hup)
		g_opts->on_hup();
}

/* Strict-Transport-Security on every response over TLS: a browser that
 * once came here goes on using HTTPS for a year. */
static void hsts_header(h2o_filter_t *self, h2o_req_t *req, h2o_ostream_t **slot)
{
	h2o_set_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("strict-transport-security"), 0,
			      H2O_STRLIT("max-age=31536000"), 1);
	h2o_setup_next_ostream(req, slot);
}

/* Opens every address of list ("A,B"), into fds from *n on. Returns 0,
 * or -1 after saying why. */
static int open_all(const char *list, int *fds, size_t *n)
{
	char *copy = kb_strdup(list), *save = NULL;
	int rc = 0;
	for (char *a = strtok_r(copy, ",", &save); a && !rc; a = strtok_r(NULL, ",", &save)) {
		if (*n == MAX_LISTEN) {
			fprintf(stderr, "khabar: --listen: at most %d addresses\n", MAX_LISTEN);
			rc = -1;
		} else if ((fds[*n] = listen_open(a)) < 0) {
			rc = -1;
		} else {
			(*n)++;
		}
	}
	free(copy);
	return rc;
}

static void close_all(const int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
}

/* The plain listener beside TLS: its own configuration, one handler.
 * Returns 0, or -1 after saying why. */
static int plain_setup(const server_opts *o)
{
	h2o_config_init(&g_plain_conf);
	g_plain_conf.http1.req_timeout = 10000;
	g_plain_conf.server_name = h2o_iovec_init(H2O_STRLIT("khabar"));
	h2o_hostconf_t *host =
		h2o_config_register_host(&g_plain_conf, h2o_iovec_init(H2O_STRLIT("default")), 65535);
	h2o_pathconf_t *pc = h2o_config_register_path(host, "/", 0);
	h2o_create_handler(pc, sizeof(h2o_handler_t))->on_req = plain_handler;
	/* Redirects name the first --listen address's port. */
	char *first = kb_strndup(o->listen, strcspn(o->listen, ","));
	plain_https_port(listen_port(first));
	free(first);
	return o->access_log && *o->access_log ? listen_access_log(pc, o->access_log) : 0;
}

void server_block_signals(void)
{
	sigset_t set;
	server_signals(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

/*
 * SIGHUP (systemctl reload, logrotate's postrotate): everything a reload
 * does, in this one place, on the main thread while the workers serve.
 * Today the access log is opened again at its path; anything else to
 * pick up again without a restart (a TLS certificate, say) is one more
 * call here.
 */
/* SIGHUP: the access log opened again (logrotate), and with TLS the
 * certificate files read again and the ACME client told. */
static void server_reload(void)
{
	int rc = listen_reopen_logs();
	kb_info("received SIGHUP: %s%s",
		rc ? "the access log could not be opened again" : "access log reopened",
		tls_on() ? ", certificates read again" : "");
	listen_reload_tls();
}

/* ---- photos under /media/ ---- */

/* /media/NAME that the folder lacks (h2o's file handler passed it on):
 * media_fetch reads it from the database and keeps it in the folder.
 * Returns -1 (h2o's own 404, as for any missing file) for a name that is
 * no photo's. */
static int on_media_miss(h2o_handler_t *self, h2o_req_t *req)
{
	static const char prefix[] = "/media/";
	h2o_iovec_t p = req->path_normalized;
	int head = h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD"));
	if ((!head && !h2o_memis(req->method.base, req->method.len, H2O_STRLIT("GET"))) ||
	    p.len <= sizeof prefix - 1 || p.len > 200 || memcmp(p.base, prefix, sizeof prefix - 1))
		return -1;
	char name[201];
	memcpy(name, p.base + sizeof prefix - 1, p.len - (sizeof prefix - 1));
	name[p.len - (sizeof prefix - 1)] = 0;
	kb_buf body = {0};
	const char *type = NULL;
	int status = g_opts->media_fetch(t_db, name, &body, &type);
	if (status == 503) {
		kb_buf_free(&body);
		h2o_send_error_503(req, "Service Unavailable", "the photo cannot be read now", 0);
		return 0;
	}
	if (status != 200) {
		kb_buf_free(&body);
		return -1;
	}
	req->res.status = 200;
	req->res.reason = "OK";
	req->res.content_length = body.len;
	h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, type, strlen(type));
	h2o_send_inline(req, kb_buf_str(&body), body.len);
	kb_buf_free(&body);
	return 0;
}

/* Every answer under /media/ is kept a year, as its name changes with its
 * content, but for a failure to read the database, which is kept nowhere
 * (an edge would hold it a year). */
static void media_headers(h2o_filter_t *self, h2o_req_t *req, h2o_ostream_t **slot)
{
	static const char year[] = "public, max-age=31536000, immutable", none[] = "no-store";
	int failed = req->res.status >= 500;
	struct timeval now;
	gettimeofday(&now, NULL);
	int64_t us = h2o_timeval_subtract(&req->timestamps.request_begin_at, &now);
	metrics_media(req->res.status, us > 0 ? (uint64_t)us * 1000u : 0);
	h2o_set_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, failed ? none : year,
		       failed ? sizeof none - 1 : sizeof year - 1, 1);
	h2o_set_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-content-type-options"), 0,
			      H2O_STRLIT("nosniff"), 1);
	h2o_setup_next_ostream(req, slot);
}

int server_run(const server_opts *o)
{
	g_opts = o;
	const char *strict = getenv("KHABAR_STRICT_INPUTS");
	req_strict_inputs(strict && !strcmp(strict, "1"));
	/* The caller blocked SIGINT/SIGTERM before starting any thread
	 * (server_block_signals), so the main loop below alone takes them. */
	sigset_t set, cur;
	server_signals(&set);
	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	assert(sigismember(&cur, SIGTERM) && sigismember(&cur, SIGINT));
	assert(o->routes && o->nroutes && o->error_page);
	signal(SIGPIPE, SIG_IGN);
	const char *bad;
	if (proxy_trust(o->trust_proxy, o->ntrust_proxy, &bad)) {
		fprintf(stderr,
			"khabar: --trust-proxy %s: expected a network such as 10.0.0.0/8, 192.168.1.5 or "
			"fd00::/8 (at most %d of them)\n",
			bad, PROXY_MAX_NETS);
		return 2;
	}
	char tls_err[256];
	if ((o->tls_cert || o->ntls_names) &&
	    tls_start(o->tls_cert, o->tls_key, o->tls_names, o->ntls_names, tls_err)) {
		fprintf(stderr, "khabar: %s\n", tls_err);
		return 1;
	}
	/* The site's own URLs name the scheme it is served by. */
	store_base_url_https(tls_on());
	/* The site's sockets, then the plain one (nsite..nfd) beside TLS. */
	int fds[MAX_LISTEN + 1];
	size_t nfd = 0, nsite;
	if (open_all(o->listen, fds, &nfd)) {
		close_all(fds, nfd);
		return 1;
	}
	nsite = nfd;
	if (tls_on() && o->listen_http && *o->listen_http &&
	    ((fds[nfd] = listen_open(o->listen_http)) < 0 || (nfd++, plain_setup(o)))) {
		close_all(fds, nfd);
		return 1;
	}

	char *err = NULL;
	store *st = store_open(o->db_path, 0, &err);
	if (!st) {
		fprintf(stderr, "khabar: %s\n", err);
		free(err);
		close_all(fds, nfd);
		return 1;
	}
	atomic_store(&g_version, store_content_version(st));
	read_clock_file();
	if (o->clock_file)
		kb_warn("the clock is faked from %s: for tests only", o->clock_file);
	if (session_init(st) || store_changes_last(st, &g_seq)) {
		fprintf(stderr, "khabar: cannot start: %s\n", store_errmsg(st));
		store_close(st);
		close_all(fds, nfd);
		return 1;
	}
	store_close(st);

	g_cache = cache_new(o->cache_bytes);
	h2o_config_init(&g_conf);
	g_conf.max_request_entity_size = o->max_body;
	g_conf.http1.req_timeout = 10000;
	g_conf.http2.idle_timeout = 10000;
	g_conf.server_name = h2o_iovec_init(H2O_STRLIT("khabar"));
	h2o_hostconf_t *host =
		h2o_config_register_host(&g_conf, h2o_iovec_init(H2O_STRLIT("default")), 65535);
	if (o->media_dir) {
		/* Derived photos are files: h2o serves them (sendfile, ETag,
		 * ranges). Their names change with their content. A name the
		 * folder lacks goes on to the next handler, which asks
		 * media_fetch (the database), and then to h2o's 404. */
		h2o_pathconf_t *mc = h2o_config_register_path(host, "/media", 0);
		h2o_mimemap_t *mime = h2o_mimemap_create();
		h2o_mimemap_define_mimetype(mime, "webp", "image/webp", NULL);
		h2o_mimemap_define_mimetype(mime, "jpg", "image/jpeg", NULL);
		static const char *no_index[] = {NULL};
		h2o_file_register(mc, o->media_dir, no_index, mime, 0);
		h2o_mem_release_shared(mime);
		if (o->media_fetch)
			h2o_create_handler(mc, sizeof(h2o_handler_t))->on_req = on_media_miss;
		h2o_create_filter(mc, sizeof(h2o_filter_t))->on_setup_ostream = media_headers;
		if (o->access_log && *o->access_log && listen_access_log(mc, o->access_log)) {
			close_all(fds, nfd);
			return 1;
		}
		if (tls_on())
			h2o_create_filter(mc, sizeof(h2o_filter_t))->on_setup_ostream = hsts_header;
	}
	h2o_pathconf_t *pc = h2o_config_register_path(host, "/", 0);
	h2o_handler_t *h = h2o_create_handler(pc, sizeof *h);
	h->on_req = dispatch;
	if (tls_on())
		h2o_create_filter(pc, sizeof(h2o_filter_t))->on_setup_ostream = hsts_header;
	if (o->access_log && *o->access_log && listen_access_log(pc, o->access_log)) {
		close_all(fds, nfd);
		return 1;
	}

	int n = o->threads > 0 ? o->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	/* The jobs first: a request may wake one. */
	g_jobs = jobs_start(o->jobs, o->njobs, o->db_path);
	if (!g_jobs)
		kb_fatal("cannot start the background jobs");
	if (store_is_url(o->db_path) && !(g_listen = jobs_start(&changes_job, 1, o->db_path)))
		kb_fatal("cannot start listening for changes");
	worker *ws = kb_calloc((size_t)n, sizeof *ws);
	for (int i = 0; i < n; i++) {
		ws[i].index = i;
		for (size_t j = 0; j < KB_COUNT(ws[i].l); j++)
			ws[i].l[j].fd = -1;
		for (size_t j = 0; j < nfd; j++) {
			listener *l = &ws[i].l[j];
			l->fd = i ? listen_another(fds[j]) : fds[j];
			l->plain = j >= nsite;
			l->tls = tls_on() && !l->plain;
			if (l->fd < 0)
				kb_fatal("cannot share the listening socket with worker thread %d", i);
		}
		if (pthread_create(&ws[i].tid, NULL, worker_main, &ws[i]))
			kb_fatal("cannot start worker thread %d", i);
	}
	kb_info("khabar serving %s on %s://%s with %d threads", o->db_path, tls_on() ? "https" : "http",
		o->listen, n);
	if (nfd > nsite)
		kb_info("plain HTTP on %s: ACME challenges, and redirects to HTTPS", o->listen_http);

	/* Wait for a signal, or for a worker that could not start. */
	struct timespec tick = {0, 200000000};
	while (!atomic_load(&g_stop)) {
		int sig = sigtimedwait(&set, NULL, &tick);
		if (sig == SIGHUP)
			server_reload();
		if (sig == SIGINT || sig == SIGTERM) {
			kb_info("received %s: finishing requests in flight",
				sig == SIGINT ? "SIGINT" : "SIGTERM");
			atomic_store(&g_stop, 1);
		}
	}
	int failed = 0;
	for (int i = 0; i < n; i++) {
		pthread_join(ws[i].tid, NULL);
		failed |= !ws[i].ok;
	}
	free(ws);
	/* Every request is answered: what they left for the jobs is done
	 * now (final steps), then the jobs end. */
	jobs_stop(g_jobs);
	g_jobs = NULL;
	jobs_stop(g_listen);
	g_listen = NULL;
	cache_free(g_cache);
	tls_stop();
	kb_info("khabar stopped");
	return failed ? 1 : 0;
}
