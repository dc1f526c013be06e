/*
 * push.c: "khabar push": Web Push from the command line, beside the
 * newsroom's alerts (src/newsroom/alerts.c). The CLI is the operator's:
 * push_alert_create, without the newsroom's hourly limit.
 *
 *   khabar push send --title T --url /news/slug [--body S] [--image URL]
 *                    [--category SLUG] [--urgency high] [--ttl SECONDS]
 *                    [--topic KEY] [--deliver]
 *   khabar push deliver     send what is queued, then exit
 *   khabar push stats [--alert ID]
 *
 * Without --deliver, "send" only queues: a running "khabar serve" delivers
 * within a fifth of a second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../push/push.h"
#include "../render/paths.h"
#include "cli.h"

static int usage(void)
{
	fprintf(stderr, "usage: khabar push send --title T --url /news/slug [--body SUMMARY] [--image URL]\n"
			"                        [--category SLUG] [--urgency very-low|low|normal|high]\n"
			"                        [--ttl SECONDS] [--topic KEY] [--deliver] [--db PATH]\n"
			"       khabar push deliver [--workers N] [--db PATH]\n"
			"       khabar push stats [--alert ID] [--db PATH]\n");
	return 2;
}

static void print_totals(const push_engine_totals *t)
{
	printf("push: sent %llu requests: %llu delivered, %llu failed, %llu expired (%llu subscriptions "
	       "gone), %llu to retry; %.2f s\n",
	       (unsigned long long)t->sent, (unsigned long long)t->delivered, (unsigned long long)t->failed,
	       (unsigned long long)t->expired, (unsigned long long)t->gone, (unsigned long long)t->retried,
	       t->wall_s);
	if (t->encrypt_cpu_s > 0)
		printf("push: encryption took %.2f CPU seconds: %.0f messages per CPU second\n",
		       t->encrypt_cpu_s, (double)t->sent / t->encrypt_cpu_s);
	if (t->cpu_s > 0)
		printf("push: the process took %.2f CPU seconds: %.0f messages per CPU second\n", t->cpu_s,
		       (double)t->sent / t->cpu_s);
}

static int deliver(const char *db, const char *workers)
{
	push_engine_opts o = {.db_path = db, .drain = 1, .workers = workers ? atoi(workers) : 0};
	push_engine_totals t = {0};
	int rc = push_engine_run(&o, &t);
	if (!rc)
		print_totals(&t);
	return rc;
}

static void print_alert(const push_alert *a)
{
	printf("alert %lld  %s  [%s]  %s  topic=%s urgency=%s\n", (long long)a->id, a->state,
	       *a->category ? a->category : "सभी", a->title, a->topic, a->urgency);
	printf("  queued %lld  delivered %lld  failed %lld  expired %lld  clicked %lld  pending %lld\n",
	       (long long)a->queued, (long long)a->delivered, (long long)a->failed, (long long)a->expired,
	       (long long)a->clicked, (long long)a->pending);
}

static int stats(store *st, const char *alert)
{
	kb_arena a = {0};
	int64_t subs;
	if (push_store_sub_count(st, &subs))
		goto fail;
	printf("subscriptions: %lld\n", (long long)subs);
	push_alert *v, one;
	size_t n;
	if (alert) {
		int rc = push_store_alert(st, &a, atoll(alert), &one);
		if (rc == STORE_NOTFOUND) {
			fprintf(stderr, "khabar push stats: no alert %s\n", alert);
			kb_arena_free(&a);
			return 1;
		}
		if (rc)
			goto fail;
		v = &one, n = 1;
	} else if (push_store_alerts(st, &a, 20, &v, &n)) {
		goto fail;
	}
	for (size_t i = 0; i < n; i++)
		print_alert(&v[i]);
	kb_arena_free(&a);
	return 0;
fail:
	fprintf(stderr, "khabar: %s\n", store_errmsg(st));
	kb_arena_free(&a);
	return 1;
}

int cmd_push(int argc, char **argv)
{
	if (argc < 3)
		return usage();
	const char *sub = argv[2], *db = KB_DEFAULT_DB, *title = NULL, *url = NULL, *body = NULL,
		   *image = NULL, *category = NULL, *urgency = NULL, *ttl = NULL, *topic = NULL,
		   *alert = NULL, *workers = NULL;
	int now = 0;
	for (int i = 3; i < argc; i++) {
		if (cli_opt(argc, argv, &i, "--db", &db) || cli_opt(argc, argv, &i, "--title", &title) ||
		    cli_opt(argc, argv, &i, "--url", &url) || cli_opt(argc, argv, &i, "--body", &body) ||
		    cli_opt(argc, argv, &i, "--image", &image) ||
		    cli_opt(argc, argv, &i, "--category", &category) ||
		    cli_opt(argc, argv, &i, "--urgency", &urgency) ||
		    cli_opt(argc, argv, &i, "--ttl", &ttl) || cli_opt(argc, argv, &i, "--topic", &topic) ||
		    cli_opt(argc, argv, &i, "--alert", &alert) ||
		    cli_opt(argc, argv, &i, "--workers", &workers))
			continue;
		if (!strcmp(argv[i], "--deliver")) {
			now = 1;
			continue;
		}
		fprintf(stderr, "khabar push: unknown option %s\n", argv[i]);
		return usage();
	}
	if (!strcmp(sub, "deliver"))
		return deliver(db, workers);
	store *st = cli_open_store(db);
	int rc;
	if (!strcmp(sub, "stats")) {
		rc = stats(st, alert);
		store_close(st);
		return rc;
	}
	if (strcmp(sub, "send")) {
		store_close(st);
		return usage();
	}
	if (!title || !url) {
		store_close(st);
		return usage();
	}
	kb_arena a = {0};
	push_alert_input in = {.title = title,
			       .url = url,
			       .body = body,
			       .image = image,
			       .urgency = urgency,
			       .ttl = ttl ? atoll(ttl) : 0,
			       .topic = topic};
	if (ttl && in.ttl <= 0) {
		fprintf(stderr, "khabar push send: --ttl must be a number of seconds\n");
		rc = 2;
		goto out;
	}
	if (category && strcmp(category, "all")) {
		kb_category c;
		if (store_category_by_slug(st, &a, category, &c)) {
			fprintf(stderr, "khabar push send: no category has the slug \"%s\"\n", category);
			rc = 2;
			goto out;
		}
		in.category_id = c.id;
	}
	/* An article's own summary and photo, unless given. */
	kb_article art;
	if (!strncmp(url, "/news/", 6) && store_article_by_slug(st, &a, url + 6, &art) == STORE_OK) {
		if (!body)
			in.body = art.summary;
		if (!image)
			in.image = render_article_image(&a, art.image_url, art.media.id, art.media.stem);
	}
	int64_t id;
	const char *why;
	if (push_alert_create(st, &in, &id, &why)) {
		fprintf(stderr, "khabar push send: %s\n", why);
		rc = 2;
		goto out;
	}
	printf("push: alert %lld queued\n", (long long)id);
	rc = 0;
out:
	kb_arena_free(&a);
	store_close(st);
	if (!rc && now) {
		rc = deliver(db, workers);
		if (!rc) {
			st = cli_open_store(db);
			rc = stats(st, NULL);
			store_close(st);
		}
	}
	return rc;
}
