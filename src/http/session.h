/*
 * session.h: what the dispatcher (dispatch.c) asks of session.c before a
 * handler runs, and the set-password links the CLI makes. Page code uses
 * session_start/session_end/session_pre_csrf from http.h instead.
 */
#ifndef KB_SESSION_H
#define KB_SESSION_H

#include "http.h"

/* Session lifetime: a session unused for this long ends. */
#define SESSION_IDLE (14 * 86400)
#define SESSION_COOKIE "kb_session"
#define PRE_COOKIE "kb_pre"

/* Loads (or makes, the first time) the server secret that signs
 * pre-session CSRF tokens. Returns 0, or -1 with the store's message. */
int session_init(store *st);

/* Looks up the session named by r's cookie and fills r->user, r->csrf and
 * r->session; leaves them empty when there is none or it ended. Returns
 * 0, or -1 on a store error. */
int session_load(kb_req *r);

/* Whether r (a POST) carries the right CSRF token, in the form's "csrf"
 * field or an X-CSRF-Token header: the session's, or without a session
 * the pre-session token matching its cookie. Also refuses a request whose
 * Origin header names another site. */
int session_csrf_ok(kb_req *r);

/* The pre-session token for a cookie value (exposed for the tests). */
void session_pre_token(const char *cookie, char out[65]);

/* How long a set-password link works. */
#define SESSION_LINK_DAYS 14
/* Makes a one-time set-password link for user_id (replacing older ones)
 * and appends its path ("/newsroom/set-password/TOKEN") to path. Returns
 * 0, or -1 on a store error. The token exists only in path; the store
 * keeps its SHA-256. "khabar user link" and "khabar import" (through
 * import_opts.password_link) make them; src/newsroom/setpassword.c is
 * the page they lead to. */
int session_password_link(store *st, int64_t user_id, int64_t now, kb_buf *path);

#endif
