/*
 * ops.c: the operator's settings and their checks (ops.h).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"

int ops_backup_minute(const char *v)
{
	if (strlen(v) != 5 || v[2] != ':' || strspn(v, "0123456789:") != 5)
		return -1;
	int h = atoi(v), m = atoi(v + 3);
	return h < 24 && m < 60 ? h * 60 + m : -1;
}

static int time_ok(const char *v)
{
	return !*v || ops_backup_minute(v) >= 0;
}

int ops_backup_keep(const char *v)
{
	return *v ? atoi(v) : 7;
}

static int keep_ok(const char *v)
{
	size_t n = strlen(v);
	return !n || (n <= 3 && strspn(v, "0123456789") == n && atoi(v) >= 1);
}

/* A count of 1..limit, or empty. */
static int count_ok(const char *v, int limit)
{
	size_t n = strlen(v);
	return !n || (n <= 6 && strspn(v, "0123456789") == n && atoi(v) >= 1 && atoi(v) <= limit);
}

static int rate_ok(const char *v)
{
	return count_ok(v, 100000);
}

static int bounces_ok(const char *v)
{
	return count_ok(v, 100);
}

int ops_digest_rate(const char *v)
{
	return *v ? atoi(v) : 60;
}

int ops_digest_bounces(const char *v)
{
	return *v ? atoi(v) : 3;
}

/* A folder: an absolute path or one relative to where khabar runs, no
 * control bytes. */
static int dir_ok(const char *v)
{
	size_t n = strlen(v);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return 0;
	return n <= 500 && kb_utf8_valid(v, n, NULL);
}

/* At least 16 bytes, so it cannot be guessed; what a header carries. */
static int token_ok(const char *v)
{
	size_t n = strlen(v);
	return !n || (n >= 16 && n <= 200 && kb_ascii_name(v, n, "-_.~+/="));
}

#define AT(f) offsetof(kb_ops_settings, f)
const edge_setting ops_settings[] = {
	{"backup_time", "the time of the daily backup, HH:MM in the site's time zone (empty: none)", time_ok,
	 0, AT(backup_time)},
	{"backup_keep", "how many daily backups to keep, 1-999 (empty: 7)", keep_ok, 0, AT(backup_keep)},
	{"backup_dir", "the folder of the daily backups (empty: backups/ beside the database)", dir_ok, 0,
	 AT(backup_dir)},
	{"metrics_token",
	 "the token that opens /metrics to other hosts (Authorization: Bearer TOKEN), 16-200 letters and "
	 "digits (never listed; empty: loopback only)",
	 token_ok, 1, AT(metrics_token)},
	{"digest_time", "the time of the daily email digest, HH:MM in the site's time zone (empty: none)",
	 time_ok, 0, AT(digest_time)},
	{"digest_rate", "email digest mails sent per minute by each server, 1-100000 (empty: 60)", rate_ok, 0,
	 AT(digest_rate)},
	{"digest_bounces", "hard bounces in a row that stop mail to an address, 1-100 (empty: 3)", bounces_ok,
	 0, AT(digest_bounces)},
};
#undef AT

const size_t ops_nsettings = KB_COUNT(ops_settings);

const edge_setting *ops_setting_find(const char *key)
{
	for (size_t i = 0; i < ops_nsettings; i++)
		if (!strcmp(ops_settings[i].key, key))
			return &ops_settings[i];
	return NULL;
}

const char *ops_setting_value(const kb_ops_settings *os, const edge_setting *e)
{
	return *(const char *const *)((const char *)os + e->off);
}
