/*
 * settings.c: "khabar settings" lists the site's settings; "khabar settings
 * set KEY VALUE" changes one, checking the value first. Values take effect
 * on the pages at once, except timezone and digits, which "khabar serve"
 * reads when it starts. The edge purge's settings (edge_*) and their checks
 * are src/http/edge.c's, and the backups' and metrics' (backup_*,
 * metrics_token) src/http/ops.c's, shared with the newsroom's settings
 * page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/push_store.h"
#include "../db/tips_store.h"
#include "../http/edge.h"
#include "../http/ops.h"
#include "../render/escape.h"
#include "cli.h"

typedef struct setting {
	const char *key, *help;
	int (*valid)(const char *v);
} setting;

static int any(const char *v)
{
	return kb_utf8_valid(v, strlen(v), NULL);
}
static int link(const char *v)
{
	return !*v || (strncmp(v, "http", 4) == 0 && url_is_safe(v, strlen(v)));
}
static int base(const char *v)
{
	return !strncmp(v, "http://", 7) || !strncmp(v, "https://", 8);
}
static int digits(const char *v)
{
	return !strcmp(v, "ascii") || !strcmp(v, "devanagari");
}
static int email(const char *v)
{
	return !*v || (strchr(v, '@') && !strpbrk(v, " <>\"\r\n\t,;"));
}
static int host(const char *v)
{
	return !strpbrk(v, " /\r\n") && strlen(v) < 200;
}
static int yesno(const char *v)
{
	return !strcmp(v, "yes") || !strcmp(v, "no");
}
static int number(const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);
	return !*v || (!*end && n >= 0 && n <= 65535);
}
static int recency(const char *v)
{
	char *end;
	double d = strtod(v, &end);
	return *v && !*end && d >= 0 && d <= 100;
}

static int count(const char *v)
{
	size_t n = strlen(v);
	return n && n <= 5 && strspn(v, "0123456789") == n;
}

/* A deadline in days: 1 to 365. */
static int days(const char *v)
{
	return count(v) && atoi(v) >= 1 && atoi(v) <= 365;
}

static const setting settings[] = {
	{"name", "site name", any},
	{"tagline", "a line under the name", any},
	{"base_url", "https://... used in absolute links, feeds, sitemaps", base},
	{"timezone", "e.g. Asia/Kolkata (read at serve start)", any},
	{"digits", "ascii or devanagari, for dates (read at serve start)", digits},
	{"email", "where readers send news and suggestions", email},
	{"facebook", "follow link", link},
	{"instagram", "follow link", link},
	{"x", "follow link", link},
	{"arattai", "follow link", link},
	{"whatsapp", "follow link: channel or group", link},
	{"google_news", "follow link", link},
	{"search_recency", "bm25 units a story loses per 30 days of age (0-100)", recency},
	{"push_hourly_limit", "push alerts the newsroom may send per hour (0: no limit)", count},
	{"tips_email", "the newsroom's address: each reader tip is mailed there", email},
	{"smtp_host", "SMTP server for the tip mail", host},
	{"smtp_port", "SMTP port (587 with STARTTLS, 465 for SMTPS, 25)", number},
	{"smtp_user", "SMTP user (empty: no login)", host},
	{"smtp_password", "SMTP password (never listed)", any},
	{"smtp_starttls", "yes or no: require STARTTLS", yesno},
	{"tips_retention_days", "days a reader tip and its photos are kept (0: forever)", number},
	{"phone", "the organisation's contact phone (JSON-LD contactPoint)", any},
	{"ownership_url", "page or site saying who owns and funds the site (JSON-LD)", link},
	{"grievance_ack_days", "days to acknowledge a grievance (IT Rules 2021: 1)", days},
	{"grievance_decide_days", "days to decide a grievance (IT Rules 2021: 15)", days},
	{"grievance_report", "yes or no: publish the monthly grievance counts at /grievances", yesno},
};

int cmd_settings(int argc, char **argv)
{
	const char *db = KB_DEFAULT_DB;
	const char *args[4];
	int n = 0;
	for (int i = 2; i < argc; i++) {
		if (cli_opt(argc, argv, &i, "--db", &db))
			continue;
		if (n == 4)
			goto usage;
		args[n++] = argv[i];
	}
	store *st = cli_open_store(db);
	int rc = 0;
	if (n == 0) {
		kb_arena a = {0};
		kb_settings s;
		kb_mail_settings m;
		if (store_settings(st, &a, &s) || tips_store_mail_settings(st, &a, &m)) {
			fprintf(stderr, "khabar: %s\n", store_errmsg(st));
			rc = 1;
		}
		for (size_t i = 0; !rc && i < KB_COUNT(settings); i++) {
			const char *v = NULL;
#define V(k)                              \
	if (!strcmp(settings[i].key, #k)) \
	v = s.k
			V(name);
			V(tagline);
			V(base_url);
			V(timezone);
			V(digits);
			V(email);
			V(facebook);
			V(instagram);
			V(x);
			V(arattai);
			V(whatsapp);
			V(google_news);
			V(search_recency);
#undef V
			int64_t limit;
			if (!strcmp(settings[i].key, "push_hourly_limit") &&
			    !push_store_hourly_limit(st, &limit))
				v = kb_arena_printf(&a, "%lld", (long long)limit);
#define M(k, f)                          \
	if (!strcmp(settings[i].key, k)) \
	v = m.f
			M("tips_email", to);
			M("smtp_host", host);
			M("smtp_port", port);
			M("smtp_user", user);
			M("smtp_starttls", starttls);
			M("tips_retention_days", retention_days);
#undef M
			if (!strcmp(settings[i].key, "smtp_password"))
				v = *m.password ? "(set)" : "";
			printf("%-19s %s\n", settings[i].key, v ? v : "");
		}
		kb_edge_settings es;
		if (!rc && store_edge_settings(st, &a, &es)) {
			fprintf(stderr, "khabar: %s\n", store_errmsg(st));
			rc = 1;
		}
		for (size_t i = 0; !rc && i < edge_nsettings; i++) {
			const char *v = edge_setting_value(&es, &edge_settings[i]);
			if (edge_settings[i].secret)
				v = *v ? "(set)" : "";
			printf("%-19s %s\n", edge_settings[i].key, v);
		}
		kb_ops_settings os;
		if (!rc && store_ops_settings(st, &a, &os)) {
			fprintf(stderr, "khabar: %s\n", store_errmsg(st));
			rc = 1;
		}
		for (size_t i = 0; !rc && i < ops_nsettings; i++) {
			const char *v = ops_setting_value(&os, &ops_settings[i]);
			if (ops_settings[i].secret)
				v = *v ? "(set)" : "";
			printf("%-19s %s\n", ops_settings[i].key, v);
		}
		kb_arena_free(&a);
	} else if (n == 3 && !strcmp(args[0], "set") &&
		   (edge_setting_find(args[1]) || ops_setting_find(args[1]))) {
		const edge_setting *e = edge_setting_find(args[1]) ? edge_setting_find(args[1])
								   : ops_setting_find(args[1]);
		if (!e->valid(args[2])) {
			/* A secret is not echoed back, even when it is wrong. */
			fprintf(stderr, "khabar settings: %s%s%sis not a valid %s: %s\n",
				e->secret ? "" : "\"", e->secret ? "the value " : args[2],
				e->secret ? "" : "\" ", args[1], e->help);
			rc = 2;
		} else if (store_setting_set(st, args[1], args[2])) {
			fprintf(stderr, "khabar: %s\n", store_errmsg(st));
			rc = 1;
		}
	} else if (n == 3 && !strcmp(args[0], "set")) {
		size_t i = 0;
		while (i < KB_COUNT(settings) && strcmp(settings[i].key, args[1]))
			i++;
		if (i == KB_COUNT(settings)) {
			fprintf(stderr,
				"khabar settings: no setting \"%s\"; run \"khabar settings\" to list them\n",
				args[1]);
			rc = 2;
		} else if (!settings[i].valid(args[2])) {
			fprintf(stderr, "khabar settings: \"%s\" is not a valid %s: %s\n", args[2], args[1],
				settings[i].help);
			rc = 2;
		} else if (store_setting_set(st, args[1], args[2])) {
			fprintf(stderr, "khabar: %s\n", store_errmsg(st));
			rc = 1;
		}
	} else {
		store_close(st);
		goto usage;
	}
	store_close(st);
	return rc;
usage:
	fprintf(stderr, "usage: khabar settings [--db PATH]              list the settings\n"
			"       khabar settings set KEY VALUE [--db PATH]\n");
	return 2;
}
