/*
 * serve.c: "khabar serve": reads its options and hands over to the
 * application (src/app/app.c), which starts the server.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../acme/acme.h"
#include "../app/app.h"
#include "../http/proxy.h"
#include "cli.h"

int cmd_serve(int argc, char **argv)
{
	server_opts o = {
		.db_path = KB_DEFAULT_DB,
		.access_log = "-",
		.cache_bytes = 24u << 20,
		/* The largest body any route takes: a 20 MB photo and room
		 * to answer a somewhat bigger one with a clear message. Other
		 * routes refuse more than 1 MiB (KB_MAX_BODY). */
		.max_body = 24u << 20,
	};
	acme_opts acme = {.renew_days = 30};
	const char *threads = NULL, *cache_mb = NULL, *trusted[PROXY_MAX_NETS], *net, *renew = NULL;
	const char *listen = NULL;
	for (int i = 2; i < argc; i++) {
		if (cli_opt(argc, argv, &i, "--trust-proxy", &net)) {
			if (o.ntrust_proxy == KB_COUNT(trusted))
				kb_fatal("--trust-proxy: at most %d networks", PROXY_MAX_NETS);
			trusted[o.ntrust_proxy++] = net;
			continue;
		}
		const char *addr;
		if (cli_opt(argc, argv, &i, "--listen", &addr)) {
			/* Repeated: every address, comma-separated. */
			if (listen) {
				kb_buf b = {0};
				kb_buf_printf(&b, "%s,%s", listen, addr);
				addr = kb_buf_take(&b, NULL); /* lives as long as the server */
			}
			listen = addr;
			continue;
		}
		if (cli_opt(argc, argv, &i, "--listen-http", &o.listen_http) ||
		    cli_opt(argc, argv, &i, "--tls-cert", &o.tls_cert) ||
		    cli_opt(argc, argv, &i, "--tls-key", &o.tls_key) ||
		    cli_opt(argc, argv, &i, "--https", &acme.domains) ||
		    cli_opt(argc, argv, &i, "--acme-directory", &acme.directory) ||
		    cli_opt(argc, argv, &i, "--acme-ca", &acme.ca_file) ||
		    cli_opt(argc, argv, &i, "--acme-email", &acme.email) ||
		    cli_opt(argc, argv, &i, "--acme-dir", &acme.dir) ||
		    cli_opt(argc, argv, &i, "--acme-challenge", &acme.challenge) ||
		    cli_opt(argc, argv, &i, "--acme-renew-before", &renew) ||
		    cli_opt(argc, argv, &i, "--db", &o.db_path) ||
		    cli_opt(argc, argv, &i, "--theme", &o.theme_dir) ||
		    cli_opt(argc, argv, &i, "--access-log", &o.access_log) ||
		    cli_opt(argc, argv, &i, "--threads", &threads) ||
		    cli_opt(argc, argv, &i, "--cache-mb", &cache_mb) ||
		    cli_opt(argc, argv, &i, "--media", &o.media_dir) ||
		    cli_opt(argc, argv, &i, "--fake-clock", &o.clock_file))
			continue;
		fprintf(stderr,
			"khabar serve: unknown option %s\n"
			"usage: khabar serve [--listen ADDR:PORT[,ADDR:PORT]]... [--db PATH] [--threads N] [--theme DIR]\n"
			"                    [--access-log PATH|-|''] [--cache-mb N] [--media DIR]\n"
			"                    [--trust-proxy CIDR]... (X-Forwarded-For and -Proto from there)\n"
			"                    [--tls-cert FILE --tls-key FILE]   (HTTPS with this certificate)\n"
			"                    [--https DOMAIN[,DOMAIN...]]     (HTTPS with a certificate by ACME)\n"
			"                    [--listen-http ADDR:PORT|'']     (with TLS: ACME and redirects; :80)\n"
			"                    [--acme-directory URL] [--acme-ca FILE] [--acme-email ADDR]\n"
			"                    [--acme-dir DIR] [--acme-renew-before DAYS] [--acme-challenge http-01|tls-alpn-01]\n"
			"                    [--fake-clock FILE]   (tests only: the time comes from FILE)\n",
			argv[i]);
		return 2;
	}
	if (threads) {
		char *end;
		long n = strtol(threads, &end, 10);
		if (*end || n < 1 || n > 256)
			kb_fatal("--threads must be a number from 1 to 256, not \"%s\"", threads);
		o.threads = (int)n;
	}
	if (cache_mb) {
		char *end;
		long n = strtol(cache_mb, &end, 10);
		if (*end || n < 1 || n > 65536)
			kb_fatal("--cache-mb must be a number from 1 to 65536, not \"%s\"", cache_mb);
		o.cache_bytes = (size_t)n << 20;
	}

	if (renew) {
		char *end;
		long n = strtol(renew, &end, 10);
		if (*end || n < 1 || n > 100000)
			kb_fatal("--acme-renew-before must be a number of days from 1 to 100000, not \"%s\"",
				 renew);
		acme.renew_days = (int)n;
	}
	if (!o.tls_cert != !o.tls_key)
		kb_fatal(
			"--tls-cert and --tls-key go together: the certificate chain and its private key (PEM)");
	if (o.tls_cert && acme.domains)
		kb_fatal("--https obtains a certificate and --tls-cert serves one you have: choose one");
	int tls = o.tls_cert || acme.domains;
	if (!tls && (o.listen_http || acme.directory || acme.ca_file || acme.email || acme.dir || renew ||
		     acme.challenge))
		kb_fatal("--listen-http and the --acme-* options need --https or --tls-cert");
	/* With TLS the standard ports, unless told otherwise. */
	o.listen = listen ? listen : tls ? "0.0.0.0:443" : "127.0.0.1:8080";
	if (tls && !o.listen_http)
		o.listen_http = "0.0.0.0:80";
	o.trust_proxy = trusted;
	return app_serve(&o, acme.domains ? &acme : NULL);
}
