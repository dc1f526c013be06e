/*
 * app.c: "khabar serve" once its options are read: the site's settings,
 * the theme, libvips, push delivery, and the background jobs of jobs.h,
 * each with its own store connection:
 *
 *   schedule  publishes scheduled articles whose time has come, closes
 *             live coverage past its end, clears a ticker whose time is up, and queues
 *             their alerts (every second)
 *   photos    makes the derived images of uploads (woken by an upload)
 *   tips      readers' tips: mail and retention (woken by a new tip)
 *   clicks    counts clicks on notifications (every second, and once more
 *             after the last request)
 *   prune     deletes old sessions, changes log and limiter rows (every
 *             ten minutes)
 *   purge     tells the caches in front (Varnish, a CDN), IndexNow and the
 *             WebSub hub what changed (purge.h; every 0.1 s, and once
 *             more at the stop)
 *   suggest   builds the search box's suggestions again when the site
 *             changed (src/pages/suggest.c; looks every 10 s)
 *   acme      with --https: obtains and renews the certificate
 *             (src/acme/acme.c; looks every minute, and on SIGHUP)
 *   backup    the daily backup at backup_time, by one server of several
 *             (backup.h; looks every second)
 *   reads     writes the reads counted in memory (every 5 s, and once
 *             more at the stop) and computes the most-read lists (every
 *             2 minutes; src/pages/reads.h)
 *   digest    the email digest: the day's at digest_time, breaking
 *             alerts' mails, the send queue at digest_rate (src/digest/;
 *             woken by a sign-up, looks every quarter second)
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../http/jobs.h"
#include "../media/media.h"
#include "../newsroom/newsroom.h"
#include "../pages/pages.h"
#include "../pages/reads.h"
#include "../push/push.h"
#include "../render/markdown.h"
#include "../render/theme.h"
#include "../digest/digest.h"
#include "../tips/tips.h"
#include "app.h"
#include "backup.h"
#include "purge.h"

/* Publishes the scheduled articles whose time has come, then queues the
 * alerts asked for them (also those a stop in between left behind). */
static int schedule_step(store *st)
{
	int n = 0;
	if (store_publish_due(st, kb_now(), &n)) {
		kb_warn("cannot publish scheduled articles: %s", store_errmsg(st));
		return -1;
	}
	if (n) {
		kb_info("published %d scheduled article%s", n, n == 1 ? "" : "s");
		server_content_changed(st);
	}
	push_alert_scheduled(st);
	if (nr_live_step(st))
		kb_warn("cannot close live coverage or the ticker: %s", store_errmsg(st));
	return 0;
}

static int photos_step(store *st)
{
	int did = media_work_one(st);
	if (did > 0)
		server_content_changed(st);
	return did;
}

static int clicks_step(store *st)
{
	return push_click_flush(st) > 0;
}

static int prune_step(store *st)
{
	if (store_prune(st, kb_now() - 3600)) {
		kb_warn("cannot prune old rows: %s", store_errmsg(st));
		return -1;
	}
	return 0;
}

static int suggest_step(store *st)
{
	suggest_refresh(st);
	return 0;
}

/* A newsroom's alert goes to the digest's breaking-only readers too. */
static void alert_mailed(store *st, int64_t id, const push_alert_input *in)
{
	digest_breaking(st, id, in->title, in->body, in->url, in->category_id);
}

static const server_job jobs[] = {
	{"schedule", schedule_step, 1000},
	{"photos", photos_step, 1000},
	{"tips", tips_step, 1000},
	{"clicks", clicks_step, 1000, .final_step = 1},
	{"prune", prune_step, 600000},
	{"purge", purge_step, PURGE_BATCH_MS, .final_step = 1},
	{"suggest", suggest_step, 10000},
	{"backup", backup_step, 1000},
	{"reads", reads_step, 250, .final_step = 1},
	{"digest", digest_step, 250},
};

int app_serve(server_opts *o, const acme_opts *acme)
{
	/* First, before any thread (libvips, libcurl and push start their
	 * own): a stop signal must reach the server's loop alone. */
	server_block_signals();

	/* The time zone comes from the site's settings; read it before any
	 * thread starts, since setting it is not thread-safe. */
	char *err = NULL;
	store *st = store_open(o->db_path, 0, &err);
	if (!st)
		kb_fatal("%s", err);
	kb_arena a = {0};
	kb_settings s;
	if (store_settings(st, &a, &s))
		kb_fatal("cannot read settings from %s: %s", o->db_path, store_errmsg(st));
	kb_set_timezone(s.timezone);
	theme_set_digits(s.digits);
	store_close(st);
	push_set_alert_hook(alert_mailed);

	/* Photos live in the database; their files are cached beside it
	 * unless told otherwise. */
	if (!o->media_dir)
		o->media_dir = media_default_dir(&a, o->db_path);
	if (media_prepare_dirs(o->media_dir, &err))
		kb_fatal("%s", err);
	backup_setup(o->db_path, o->media_dir);
	if (media_init())
		kb_fatal("cannot start libvips for photos");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	markdown_init();
	if (theme_init(o->theme_dir, &err))
		kb_fatal("cannot load the theme: %s", err);
	offline_make_icons();

	push_engine_opts po = {.db_path = o->db_path};
	push_engine *pe = push_engine_start(&po);
	if (!pe)
		kb_fatal("cannot start push delivery");

	o->routes = app_routes;
	o->nroutes = app_nroutes;
	o->error_page = page_error;
	o->media_fetch = media_fetch;
	server_job all[KB_COUNT(jobs) + 1];
	memcpy(all, jobs, sizeof jobs);
	o->jobs = all;
	o->njobs = KB_COUNT(jobs);
	if (acme) {
		char why[512];
		if (acme_prepare(acme, o, why))
			kb_fatal("%s", why);
		all[o->njobs++] = acme_job;
		o->on_hup = acme_hup;
	}
	o->on_change = purge_note;
	int rc = server_run(o);

	push_engine_stop(pe, NULL);
	suggest_stop();
	theme_free();
	kb_arena_free(&a);
	return rc;
}
