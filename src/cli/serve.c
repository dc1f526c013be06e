/*
 * serve.c: "khabar serve": reads options, loads the theme, sets the site's
 * time zone and hands over to the HTTP server.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../http/http.h"
#include "../media/media.h"
#include "../pages/site.h"
#include "../push/push.h"
#include "../render/markdown.h"
#include "cli.h"

int cmd_serve(int argc, char **argv)
{
	server_opts o = {
		.listen = "127.0.0.1:8080",
		.db_path = KB_DEFAULT_DB,
		.access_log = "-",
		.cache_bytes = 24u << 20,
		/* The largest body any route takes: a 20 MB photo and room
		 * to answer a somewhat bigger one with a clear message. Other
		 * routes refuse more than 1 MiB (KB_MAX_BODY). */
		.max_body = 24u << 20,
	};
	const char *threads = NULL, *cache_mb = NULL;
	for (int i = 2; i < argc; i++) {
		if (cli_opt(argc, argv, &i, "--listen", &o.listen) ||
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
			"usage: khabar serve [--listen ADDR:PORT] [--db PATH] [--threads N] [--theme DIR]\n"
			"                    [--access-log PATH|-|''] [--cache-mb N] [--media DIR]\n"
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

	/* The time zone comes from the site's settings; read it before any
	 * thread starts, since setting it is not thread-safe. */
	char *err = NULL;
	store *st = store_open(o.db_path, 0, &err);
	if (!st)
		kb_fatal("%s", err);
	kb_arena a = {0};
	kb_settings s;
	if (store_settings(st, &a, &s))
		kb_fatal("cannot read settings from %s: %s", o.db_path, store_errmsg(st));
	site_set_timezone(s.timezone);
	site_set_digits(s.digits);
	store_close(st);

	/* Photos live beside the database unless told otherwise; a database
	 * on a server has no folder, so they go to data/media. */
	if (!o.media_dir && store_is_url(o.db_path)) {
		o.media_dir = "data/media";
	} else if (!o.media_dir) {
		const char *slash = strrchr(o.db_path, '/');
		o.media_dir = slash ? kb_arena_printf(&a, "%.*s/media", (int)(slash - o.db_path), o.db_path)
				    : "media";
	}
	if (media_init())
		kb_fatal("cannot start libvips for photos");
	markdown_init();
	if (site_init(o.theme_dir, &err))
		kb_fatal("cannot load the theme: %s", err);
	/* SIGINT/SIGTERM wait, blocked, until the server asks for them: one
	 * that comes while the server starts is then a graceful stop, not a
	 * kill. Push delivery runs beside the HTTP workers, off the request
	 * path. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	push_engine_opts po = {.db_path = o.db_path};
	push_engine *pe = push_engine_start(&po);
	if (!pe)
		kb_fatal("cannot start push delivery");
	/* Clicks on notifications are written off the request path; the
	 * last ones once the HTTP workers have answered every request. */
	if (push_click_start(o.db_path))
		kb_fatal("cannot start the push click writer");
	int rc = server_run(&o);
	push_click_stop();
	push_engine_stop(pe, NULL);
	site_free();
	kb_arena_free(&a);
	return rc;
}
