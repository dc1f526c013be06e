/*
 * listen.h: the server's sockets and access log (listen.c), and reloading
 * the TLS certificate on SIGHUP (server.c).
 */
#ifndef KB_LISTEN_H
#define KB_LISTEN_H

#define H2O_USE_LIBUV 0
#include <h2o.h>

/* Opens a listening socket on addr ("ADDR:PORT", "[V6]:PORT" or ":PORT").
 * Returns its descriptor, or -1 after saying on stderr what is wrong and
 * what to do. */
int listen_open(const char *addr);
/* Another worker thread's socket on the address of fd (listen_open's):
 * one more of its SO_REUSEPORT group, or else a duplicate of fd. */
int listen_another(int fd);
/* Adds the access log (one line per request; path "-" is stdout) to the
 * requests of pc. Returns 0, or -1 after saying why on stderr. */
int listen_access_log(h2o_pathconf_t *pc, const char *path);
/* The port of a valid --listen address, or 0. */
int listen_port(const char *addr);
/* SIGHUP's TLS part (server.c): reads the certificate files again for
 * new connections, then tells server_opts.on_hup (the ACME client looks
 * at its certificate). Does nothing without TLS. */
void listen_reload_tls(void);
/* Opens every access log file again at its path (after logrotate moved
 * it), each under its old descriptor. Returns 0, or -1 after logging the
 * ones that could not be (they go on writing the old file). */
int listen_reopen_logs(void);

#endif
