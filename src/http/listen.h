/*
 * listen.h: the server's socket and access log (listen.c).
 */
#ifndef KB_LISTEN_H
#define KB_LISTEN_H

#define H2O_USE_LIBUV 0
#include <h2o.h>

/* Opens a listening socket on addr ("ADDR:PORT", "[V6]:PORT" or ":PORT").
 * Returns its descriptor, or -1 after saying on stderr what is wrong and
 * what to do. */
int listen_open(const char *addr);
/* Adds the access log (one line per request; path "-" is stdout) to the
 * requests of pc. Returns 0, or -1 after saying why on stderr. */
int listen_access_log(h2o_pathconf_t *pc, const char *path);
/* Opens every access log file again at its path (after logrotate moved
 * it), each under its old descriptor. Returns 0, or -1 after logging the
 * ones that could not be (they go on writing the old file). */
int listen_reopen_logs(void);

#endif
