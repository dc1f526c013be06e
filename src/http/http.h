/*
 * http.h: what page code sees of HTTP. A kb_req carries the parsed request
 * (method, decoded path, query, route parameters), the thread's store
 * handle and the response being built; page functions fill the response and
 * return a status. They never see libh2o, sockets or headers on the wire:
 * dispatch.c and send.c turn the result into bytes, applying the shared
 * rules (method, role, CSRF: router_guard in router.c) before any handler
 * runs, and the page cache. The route table itself is the application's (src/app/).
 */
#ifndef KB_HTTP_H
#define KB_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "../core/core.h"
#include "../db/store.h"
#include "form.h"

typedef struct kb_req kb_req;
typedef int (*kb_handler)(kb_req *r);

/* Route flags: the dispatcher enforces them, so a handler cannot forget. */
enum {
	R_CACHE = 1 << 0, /* GET response kept in the page cache */
	R_AUTH = 1 << 1,  /* needs a logged-in user with at least .role */
	R_CSRF = 1 << 2,  /* POST must carry the session's CSRF token */
	R_CORS = 1 << 3,  /* GET/HEAD answer with access-control-allow-origin: * */
	/* A reader's POST without a session (push subscriptions): the body must
	 * be application/json, which no cross-site form can send, the browser
	 * must not call it cross-site (Sec-Fetch-Site), and its Origin must be
	 * base_url's (dispatch.c, public_json_check). Every POST route has
	 * R_CSRF or this flag; the unit tests walk the table to check. */
	R_PUBLIC_JSON = 1 << 4,
	/* A reader's form (with R_CSRF): a POST whose token is stale or
	 * missing (an old tab, cookies blocked) still reaches the handler,
	 * with stale_form set, so it can show the form again with what the
	 * reader typed. The handler must act on nothing in such a request. */
	R_STALE_FORM = 1 << 5,
	/* The path holds a secret (a set-password token): the access log
	 * shows the route's pattern instead. */
	R_SECRET_PATH = 1 << 6,
	/* A newsroom page: the dispatcher loads the session from its cookie
	 * (r->user, r->csrf) before the handler runs, also where no login is
	 * needed (the login page). R_AUTH and R_CSRF routes load it too. */
	R_NEWSROOM = 1 << 7,
	/* Answers JSON, its errors too: a refused input gets a JSON error. */
	R_JSON = 1 << 8,
	/* A reader's POST whose authority is the signed token in its URL,
	 * not a session: the email digest's one-click unsubscribe (RFC 8058
	 * has the mail program POST with no cookie and no form token). The
	 * handler checks the signature before it acts; the unit tests allow
	 * it on /digest/ alone. */
	R_SIGNED_LINK = 1 << 9,
};

/*
 * An input a route's handler reads, declared in the route table: a query
 * parameter (req_query) or a field of a POST's form (req_form, req_field).
 * The dispatcher answers 400 for a value that does not decode to UTF-8 or
 * that valid refuses (NULL: any text), before the handler runs; on a
 * cached route every declared query input is in the cache key, so two
 * requests that differ in one never share a page. A handler that reads an
 * input its route does not declare is a bug the tests catch (the
 * accessors, under KHABAR_STRICT_INPUTS). The CSRF token ("csrf") is the
 * dispatcher's own and needs no declaration.
 */
typedef struct kb_input {
	const char *name;
	int (*valid)(const char *value); /* 1 when value is acceptable */
} kb_input;

#define KB_MAX_INPUTS 6

typedef struct kb_route {
	const char *method;  /* "GET" also answers HEAD */
	const char *pattern; /* "/news/{slug}": {name} matches one segment */
	kb_handler fn;
	unsigned flags;
	int role;                      /* with R_AUTH */
	int max_age;                   /* Cache-Control max-age, seconds; -1: no-store; 0: 60 */
	size_t max_body;               /* POST body limit, bytes; 0: KB_MAX_BODY */
	kb_input query[KB_MAX_INPUTS]; /* the query inputs, as above */
	const kb_input *form;          /* a POST's form fields, ended by {NULL}; NULL: none */
	int arg;                       /* for the handler, which serves several routes */
	/* What kind of page it is, among the keys a public response names
	 * for the caches in front (edge.h): "feed", "search api"...; NULL
	 * when its dependency tags say it all. */
	const char *edge;
} kb_route;

/* Validators for kb_input. */
int input_flag(const char *v); /* "0" or "1" */
int input_id(const char *v);   /* "" or a number 0..999999999999999999 */

/* The body limit of a POST route that sets none. */
#define KB_MAX_BODY (1u << 20)

#define KB_MAX_PARAMS 4

struct kb_req {
	kb_arena arena; /* everything per request; freed after the response */
	const char *method;
	const char *path; /* percent-decoded, valid UTF-8, NUL-terminated */
	size_t path_len;
	const char *query; /* raw query string without '?', "" if none */
	const char *param[KB_MAX_PARAMS];
	size_t nparam;
	const kb_route *route;
	store *db;
	int64_t version; /* content version the response is built from */

	/* The response. A handler returning an error status gets the theme's
	 * error page, unless it set content_type and a body of its own (the
	 * JSON API's error objects). */
	int status;
	const char *content_type; /* default text/html; charset=utf-8 */
	kb_buf body;
	const char *location; /* for 3xx */
	int max_age;          /* -1: no-store */

	/* The newsroom. The dispatcher fills these before the handler runs
	 * on R_NEWSROOM routes (and R_AUTH, R_CSRF): the logged-in user (id 0, ROLE_NONE
	 * when nobody), the CSRF token forms must carry (the session's, or
	 * a signed pre-session one on the login page), and a POST's body
	 * parsed (see req_form). */
	kb_user user;
	const char *csrf;
	const char *session; /* the session's token hash, or NULL */
	kb_form form;
	int stale_form; /* R_STALE_FORM: the token failed; show, never act */
	/* A message for the error page, replacing the status's own text. */
	const char *error_text;

	/* Extra response headers (Set-Cookie...), set with req_add_header. */
	struct {
		const char *name, *value;
	} headers[8];
	size_t nheaders;
	/* What a cached page shows, as dependency tags (cache.h); none: it
	 * depends on every change. Set with req_depend. */
	const char **deps;
	size_t ndeps, depcap;

	void *raw; /* the server's own request object */
};

/* Returns the decoded value of query parameter name (arena-allocated), or
 * NULL when absent or not valid UTF-8. */
const char *req_query(kb_req *r, const char *name);
/* Like req_query, but tells a bad value from an absent one: returns -1 when
 * the parameter is there but undecodable or not UTF-8 (the caller answers
 * 400), else 0 with the value or NULL in *out. */
int req_query_check(kb_req *r, const char *name, const char **out);
/* Returns a request header's value (arena-allocated), or NULL. name is
 * lower-case; "host" gives the request's authority (Host or :authority). */
const char *req_header(kb_req *r, const char *name);

/* The request's host and port as sent (Host header or :authority). */
const char *req_authority(kb_req *r);
/* A text field of the POST body (urlencoded or multipart), or NULL. */
const char *req_form(kb_req *r, const char *name);
/* A field of the POST body with its bytes (file parts too), or NULL. */
const kb_form_field *req_field(kb_req *r, const char *name);
/* The fields called name one after another (a form may repeat one, e.g.
 * several photos): start with *i = 0; NULL after the last. */
const kb_form_field *req_field_next(kb_req *r, const char *name, size_t *i);
/* Adds a response header; name and value must live as long as r's arena. */
void req_add_header(kb_req *r, const char *name, const char *value);
/* Sets a cookie for /newsroom: HttpOnly, SameSite=Lax, Secure under TLS.
 * value NULL deletes it; max_age 0 makes it last the browser session. */
void req_set_cookie(kb_req *r, const char *name, const char *value, int max_age);
/* The same for another path. */
void req_set_cookie_at(kb_req *r, const char *path, const char *name, const char *value, int max_age);
/* The client's address as text ("127.0.0.1"). */
const char *req_peer(kb_req *r);
/* The client's address as rate limits should count it: IPv4 as is, IPv6 by
 * its /64 ("2001:db8:1:2::/64"), an IPv4-mapped IPv6 address as IPv4. */
const char *req_peer_net(kb_req *r);
/* Whether the request came over TLS (or through a proxy that says so, or
 * to a site whose base URL is https). */
int req_is_tls(kb_req *r);
/* Adds a cache dependency tag (cache.h) to r's response. */
void req_depend(kb_req *r, const char *fmt, ...) KB_PRINTF(2, 3);

/*
 * Sessions (session.c). session_start logs u in: a new session in the
 * store, its cookie (256 random bits), and r->user and r->csrf set.
 * session_end logs out this session, or with everywhere every session of
 * the user. session_pre_csrf gives the login form its token before there
 * is a session: an HMAC under the server's secret of a random value kept
 * in a cookie (signed double submit). Return 0, or -1 on a store error.
 */
int session_start(kb_req *r, const kb_user *u);
int session_end(kb_req *r, int everywhere);
const char *session_pre_csrf(kb_req *r);
/* The same for a public form under path (its cookie is scoped there). */
const char *session_pre_csrf_at(kb_req *r, const char *path);
/* A form stamp: the time now, signed under the server's secret
 * ("TIME.HMAC"), so a form can tell how long ago it was handed out.
 * session_stamp_time returns the time of a genuine stamp, else 0. */
const char *session_stamp(kb_req *r, int64_t now);
int64_t session_stamp_time(const char *stamp);

/*
 * The shared rules of a route for a request by a user of role, whose CSRF
 * token checked out (csrf_ok) or not: 0 to go on, 401 when the route needs
 * a login and there is none, 403 when the role is too low or a POST's
 * token is missing or wrong; *token_only (may be NULL) says whether the
 * token was all that failed. router.c; the dispatcher calls it once before
 * any handler, and the unit tests walk the whole route table through it.
 */
int router_guard(const kb_route *rt, const char *method, int role, int csrf_ok, int *token_only);

/* The request body (h2o's entity, at most the server's max_body bytes):
 * its bytes and length; "" and 0 when there is none. Not NUL-terminated
 * beyond *len. */
const char *req_body(kb_req *r, size_t *len);

/*
 * Finds the route for method and path. Fills r->param. Returns the route,
 * or NULL with *allowed set to 1 when the path exists under another method
 * (the caller answers 405).
 */
const kb_route *router_match(const kb_route *routes, size_t n, const char *method, const char *path,
			     size_t len, kb_req *r, int *allowed);

/* The first route whose pattern matches path, under any method, or NULL. */
const kb_route *router_lookup(const kb_route *routes, size_t n, const char *path, size_t len);

/* Whether rt is the newsroom's (R_NEWSROOM, R_AUTH or R_CSRF): its
 * requests get a session and form parsing, and its responses are private. */
int router_is_newsroom(const kb_route *rt);

/* Server options for "khabar serve". */
struct server_job;
typedef struct server_opts {
	/* What the server answers: the route table, and the page for an
	 * error status (404, 500...), which fills r's body. */
	const kb_route *routes;
	size_t nroutes;
	void (*error_page)(kb_req *r, int status);
	/* Background jobs (jobs.h), each on its own thread. */
	const struct server_job *jobs;
	size_t njobs;
	const char *listen; /* "127.0.0.1:8080", or several: "A:443,[::]:443" */
	/* TLS on the listener: a certificate chain and key (PEM files), or
	 * with tls_cert NULL and names given, a self-signed placeholder
	 * for those names until tls_use_files (tls.h) names real files
	 * (--https, while ACME obtains one). Neither: plain HTTP. */
	const char *tls_cert, *tls_key;
	const char *const *tls_names;
	size_t ntls_names;
	/* With TLS, the plain listener (ACME HTTP-01, redirects); NULL or
	 * "": none. */
	const char *listen_http;
	const char *db_path;
	const char *theme_dir;  /* NULL: built-in theme */
	const char *access_log; /* path, "-" for stdout, "" for none */
	int threads;            /* 0: number of cores */
	size_t cache_bytes;
	size_t max_body;       /* the largest body of any route (uploads) */
	const char *media_dir; /* files served as they are at /media/ (derived photos) */
	/* A name under /media/ that media_dir lacks: its bytes into out and
	 * their type, read with st (the request thread's connection);
	 * returns 200, 404 or 503. NULL: such a name is a 404. */
	int (*media_fetch)(store *st, const char *name, kb_buf *out, const char **type);
	const char *clock_file; /* tests: kb_now() reads its time from here */
	/* --trust-proxy: networks ("10.0.0.0/8", "::1") whose connections
	 * may name the reader's address (X-Forwarded-For) and scheme
	 * (X-Forwarded-Proto); nobody else's are read. */
	const char *const *trust_proxy;
	size_t ntrust_proxy;
	/* Told of each change once the page cache has applied it (the edge
	 * purge, src/app/purge.c), on whichever thread noticed it: the
	 * change log's tags[0..n), or n == 0 when everything may have
	 * changed (the content version moved, or the cache started afresh).
	 * NULL: nobody. */
	void (*on_change)(const char *const *tags, size_t n);
	/* Told of SIGHUP, after the TLS files were read again (the ACME
	 * client looks at its certificate at once). NULL: nobody. */
	void (*on_hup)(void);
} server_opts;

/* Blocks SIGINT, SIGTERM and SIGHUP in the calling thread and every
 * thread it starts later: call it first, before any thread, so that a
 * stop signal reaches server_run's loop and is a graceful stop (and
 * SIGHUP a reload there). */
void server_block_signals(void);
/* Runs the server until SIGTERM/SIGINT; returns the exit status. */
int server_run(const server_opts *o);

/* Applies the changes written to st since the last look (drops cached
 * pages; see cache.c). Called after in-process writes, so the writer
 * sees its change at once, and every 0.2 s for other processes'. */
void server_content_changed(store *st);
/* Whether a stop signal came: long background work (an ACME order)
 * gives up rather than hold the stop back. */
int server_stopping(void);
/* Makes the background job named job run now (after an upload: "photos");
 * does nothing outside a running server. */
void server_wake(const char *job);

#endif
