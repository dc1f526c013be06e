/*
 * settings.c: "khabar settings" lists the site's settings; "khabar settings
 * set KEY VALUE" changes one, checking the value first. Values take effect
 * on the pages at once, except timezone and digits, which "khabar serve"
 * reads when it starts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/push_store.h"
#include "../render/escape.h"
#include "cli.h"

typedef struct setting {
	const char *key, *help;
	int (*valid)(const char *v);
} setting;

static int any(const char *v) { return kb_utf8_valid(v, strlen(v), NULL); }
static int link(const char *v) { return !*v || (strncmp(v, "http", 4) == 0 && url_is_safe(v, strlen(v))); }
static int base(const char *v) { return !strncmp(v, "http://", 7) || !strncmp(v, "https://", 8); }
static int digits(const char *v) { return !strcmp(v, "ascii") || !strcmp(v, "devanagari"); }
static int email(const char *v) { return !*v || (strchr(v, '@') && !strpbrk(v, " <>\"")); }
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
		if (store_settings(st, &a, &s)) {
			fprintf(stderr, "khabar: %s\n", store_errmsg(st));
			rc = 1;
		}
		for (size_t i = 0; !rc && i < KB_COUNT(settings); i++) {
			const char *v = NULL;
#define V(k) if (!strcmp(settings[i].key, #k)) v = s.k
			V(name); V(tagline); V(base_url); V(timezone); V(digits); V(email); V(facebook);
			V(instagram); V(x); V(arattai); V(whatsapp); V(google_news); V(search_recency);
#undef V
			int64_t limit;
			if (!strcmp(settings[i].key, "push_hourly_limit") &&
			    !push_store_hourly_limit(st, &limit))
				v = kb_arena_printf(&a, "%lld", (long long)limit);
			printf("%-15s %s\n", settings[i].key, v ? v : "");
		}
		kb_arena_free(&a);
	} else if (n == 3 && !strcmp(args[0], "set")) {
		size_t i = 0;
		while (i < KB_COUNT(settings) && strcmp(settings[i].key, args[1]))
			i++;
		if (i == KB_COUNT(settings)) {
			fprintf(stderr, "khabar settings: no setting \"%s\"; run \"khabar settings\" to list them\n", args[1]);
			rc = 2;
		} else if (!settings[i].valid(args[2])) {
			fprintf(stderr, "khabar settings: \"%s\" is not a valid %s: %s\n", args[2], args[1], settings[i].help);
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
