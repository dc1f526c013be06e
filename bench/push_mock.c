/*
 * push_mock.c: a mock push service for bench/push.sh: HTTP/2 over TLS
 * (ALPN h2) on loopback with libh2o, answering every request 201 as FCM
 * does, on one thread. It counts requests and, when SIGTERM or SIGINT
 * stops it, prints the count and the CPU seconds it used (user + system),
 * since it shares the machine's cores with khabar during the benchmark.
 * Not a test tool: it checks nothing.
 *
 * Usage: push_mock PORT CERT.pem KEY.pem
 */
#define H2O_USE_LIBUV 0
#include <h2o.h>
#include <h2o/http2.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

static h2o_globalconf_t config;
static h2o_context_t ctx;
static h2o_accept_ctx_t accept_ctx;
static unsigned long count;
static volatile sig_atomic_t stop;

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
	count++;
	req->res.status = 201;
	req->res.reason = "Created";
	h2o_send_inline(req, "", 0);
	return 0;
}

static void on_accept(h2o_socket_t *listener, const char *err)
{
	if (err)
		return;
	h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
	if (sock)
		h2o_accept(&accept_ctx, sock);
}

static void on_signal(int sig)
{
	stop = 1;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: push_mock PORT CERT.pem KEY.pem\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	h2o_config_init(&config);
	config.max_request_entity_size = 1 << 20;
	h2o_hostconf_t *host =
		h2o_config_register_host(&config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
	h2o_pathconf_t *pc = h2o_config_register_path(host, "/", 0);
	h2o_create_handler(pc, sizeof(h2o_handler_t))->on_req = on_req;
	h2o_context_init(&ctx, h2o_evloop_create(), &config);

	SSL_CTX *ssl = SSL_CTX_new(TLS_server_method());
	if (!ssl || SSL_CTX_use_certificate_chain_file(ssl, argv[2]) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ssl, argv[3], SSL_FILETYPE_PEM) != 1) {
		fprintf(stderr, "push_mock: cannot load %s / %s\n", argv[2], argv[3]);
		return 1;
	}
	h2o_ssl_register_alpn_protocols(ssl, h2o_http2_alpn_protocols);
	accept_ctx.ctx = &ctx;
	accept_ctx.hosts = config.hosts;
	accept_ctx.ssl_ctx = ssl;

	struct sockaddr_in addr = {.sin_family = AF_INET,
				   .sin_port = htons((uint16_t)atoi(argv[1])),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM, 0), on = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) ||
	    bind(fd, (struct sockaddr *)&addr, sizeof addr) || listen(fd, SOMAXCONN)) {
		perror("push_mock: listen");
		return 1;
	}
	h2o_socket_t *listener = h2o_evloop_socket_create(ctx.loop, fd, H2O_SOCKET_FLAG_DONT_READ);
	h2o_socket_read_start(listener, on_accept);
	while (!stop)
		h2o_evloop_run(ctx.loop, 100);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("%lu %.2f\n", count,
	       (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
		       (double)ru.ru_stime.tv_usec / 1e6);
	return 0;
}
