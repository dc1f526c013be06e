/*
 * listen.c: the server's sockets and its access log. listen_open parses
 * an --listen address and opens the socket every worker thread accepts
 * on; listen_access_log adds the access log to a path's configuration,
 * and listen_reopen_logs opens it again (SIGHUP, after logrotate moved
 * it).
 */
#define H2O_USE_LIBUV 0
#include <h2o.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../core/core.h"
#include "listen.h"

/* The access log: one line per request, written with one write() so lines
 * from different threads never mix. h2o's own file logger cannot write to
 * a stdout that is a socket or pipe, so khabar formats with h2o's logconf
 * and writes itself. */
typedef struct access_logger {
	h2o_logger_t super;
	h2o_logconf_t *conf;
	int fd;
} access_logger;

static void log_access(h2o_logger_t *self, h2o_req_t *req)
{
	access_logger *l = (access_logger *)self;
	char buf[4096];
	size_t len = sizeof buf;
	char *line = h2o_log_request(l->conf, req, &len, buf);
	ssize_t w = write(l->fd, line, len);
	(void)w; /* a full disk must not stop the site */
	if (line != buf)
		free(line);
}

/* The log files open, each once whatever the paths that log to it. */
#define MAX_LOGS 4
static struct {
	char *path;
	int fd;
} g_logs[MAX_LOGS];
static size_t g_nlogs;

static int open_log(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
}

/* The descriptor of the log at path, opened the first time; -1 when it
 * cannot be. */
static int log_fd(const char *path)
{
	for (size_t i = 0; i < g_nlogs; i++)
		if (!strcmp(g_logs[i].path, path))
			return g_logs[i].fd;
	int fd = open_log(path);
	if (fd >= 0 && g_nlogs < MAX_LOGS) {
		g_logs[g_nlogs].path = kb_strdup(path);
		g_logs[g_nlogs++].fd = fd;
	}
	return fd;
}

int listen_reopen_logs(void)
{
	int rc = 0;
	for (size_t i = 0; i < g_nlogs; i++) {
		int fd = open_log(g_logs[i].path);
		/* dup2 puts the new file under the old descriptor in one
		 * step: a worker writing a line meanwhile writes it whole
		 * to one file or the other, never to a closed descriptor. */
		if (fd < 0 || dup2(fd, g_logs[i].fd) < 0) {
			kb_warn("cannot open the access log %s again: %s (still writing the old file)",
				g_logs[i].path, strerror(errno));
			rc = -1;
		}
		if (fd >= 0)
			close(fd);
	}
	return rc;
}

int listen_access_log(h2o_pathconf_t *pc, const char *path)
{
	char errbuf[256];
	h2o_logconf_t *conf = h2o_logconf_compile("%h %t \"%r\" %s %b %{duration}x \"%{user-agent}i\"",
						  H2O_LOGCONF_ESCAPE_APACHE, errbuf);
	if (!conf)
		kb_fatal("bad access log format: %s", errbuf);
	int fd = strcmp(path, "-") ? log_fd(path) : STDOUT_FILENO;
	if (fd < 0) {
		fprintf(stderr, "khabar: cannot open access log %s: %s\n", path, strerror(errno));
		return -1;
	}
	access_logger *l = (access_logger *)h2o_create_logger(pc, sizeof *l);
	l->super.log_access = log_access;
	l->conf = conf;
	l->fd = fd;
	return 0;
}

/* Parses "ADDR:PORT" or "[V6]:PORT" or ":PORT". Returns 0 or -1. */
static int parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	const char *colon = strrchr(s, ':');
	if (!colon || !colon[1])
		return -1;
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port <= 0 || port > 65535)
		return -1;
	char host[128];
	size_t hl = (size_t)(colon - s);
	if (hl >= sizeof host)
		return -1;
	memcpy(host, s, hl);
	host[hl] = 0;
	memset(ss, 0, sizeof *ss);
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		host[hl - 1] = 0;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
			return -1;
		*len = sizeof *a;
		return 0;
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	if (!host[0])
		a->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
		return -1;
	*len = sizeof *a;
	return 0;
}

int listen_port(const char *addr)
{
	struct sockaddr_storage ss;
	socklen_t len;
	if (parse_listen(addr, &ss, &len))
		return 0;
	return ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					      : ((struct sockaddr_in *)&ss)->sin_port);
}

/* A listening socket bound to ss; reuseport: in a group of sockets on
 * the one address (SO_REUSEPORT). Returns it, or -1 with errno set. */
static int bound(const struct sockaddr_storage *ss, socklen_t len, int reuseport)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int on = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) ||
	    (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on)) ||
	    bind(fd, (const struct sockaddr *)ss, len) || listen(fd, SOMAXCONN)) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/*
 * Each worker thread accepts on a socket of its own, the sockets of one
 * address in a SO_REUSEPORT group, so the kernel spreads connections over
 * the threads. On one shared socket the thread that woke first took a
 * whole burst (a crawler's or a load test's connections): 8 connections
 * on one core of two, half the long tail's throughput. A group would also
 * let a second server of the same user join the port unnoticed, so the
 * address is first bound without the option: that fails, as it should,
 * when anything listens there already, khabar's own group included.
 */
int listen_open(const char *addr)
{
	struct sockaddr_storage ss;
	socklen_t len;
	if (parse_listen(addr, &ss, &len)) {
		fprintf(stderr,
			"khabar: cannot listen on %s: expected ADDRESS:PORT, such as 127.0.0.1:8080\n", addr);
		return -1;
	}
	int fd = bound(&ss, len, 0);
	if (fd >= 0) {
		/* Free: now the group's first socket in its place. A port 0
		 * (any) keeps the one socket the threads share. */
		int any = listen_port(addr) == 0;
		if (!any) {
			close(fd);
			fd = bound(&ss, len, 1);
		}
	}
	if (fd < 0) {
		int e = errno;
		fprintf(stderr, "khabar: cannot listen on %s: %s%s\n", addr, strerror(e),
			e == EADDRINUSE
				? " (is another server running there? stop it, or pick another address with "
				  "--listen or --listen-http)"
			: e == EACCES ? " (ports below 1024 need root or CAP_NET_BIND_SERVICE; "
					"in systemd, AmbientCapabilities=CAP_NET_BIND_SERVICE)"
				      : "");
		return -1;
	}
	return fd;
}

int listen_another(int fd)
{
	int on = 0;
	socklen_t n = sizeof on;
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	if (getsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, &n) || !on ||
	    getsockname(fd, (struct sockaddr *)&ss, &len))
		return dup(fd);
	int more = bound(&ss, len, 1);
	return more >= 0 ? more : dup(fd);
}
