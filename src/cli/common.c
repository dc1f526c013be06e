/*
 * common.c: what the subcommands share: option reading, opening the store,
 * and parsing dates typed by people.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"

int cli_opt(int argc, char **argv, int *i, const char *name, const char **val)
{
	size_t n = strlen(name);
	const char *a = argv[*i];
	if (strncmp(a, name, n))
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n])
		return 0;
	if (*i + 1 >= argc)
		kb_fatal("%s needs a value", name);
	*val = argv[++*i];
	return 1;
}

store *cli_open_store(const char *path)
{
	/* Create the folder of the database (data/ by default). */
	const char *slash = strrchr(path, '/');
	if (slash && slash != path) {
		char *dir = kb_strndup(path, (size_t)(slash - path));
		if (mkdir(dir, 0755) && errno != EEXIST)
			kb_fatal("cannot create folder %s: %s", dir, strerror(errno));
		free(dir);
	}
	char *err = NULL;
	store *st = store_open(path, 0, &err);
	if (!st)
		kb_fatal("%s", err);
	return st;
}

int cli_parse_time(const char *s, int64_t *out)
{
	struct tm tm = {0};
	int y, mo, d, h = 0, mi = 0, sec = 0, used = 0;
	char sep;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3)
		return -1;
	const char *p = s + used;
	if (*p == 'T' || *p == ' ') {
		sep = *p++;
		(void)sep;
		int k = 0;
		if (sscanf(p, "%2d:%2d%n", &h, &mi, &k) != 2)
			return -1;
		p += k;
		if (*p == ':') {
			if (sscanf(p, ":%2d%n", &sec, &k) != 1)
				return -1;
			p += k;
		}
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	tm.tm_year = y - 1900, tm.tm_mon = mo - 1, tm.tm_mday = d;
	tm.tm_hour = h, tm.tm_min = mi, tm.tm_sec = sec;
	if (!*p) { /* local time of the site */
		tm.tm_isdst = -1;
		time_t t = mktime(&tm);
		if (t == (time_t)-1)
			return -1;
		*out = (int64_t)t;
		return 0;
	}
	int off = 0;
	if (*p == 'Z' && !p[1]) {
		off = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int oh, om;
		if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2)
			return -1;
		off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
	} else {
		return -1;
	}
	*out = (int64_t)timegm(&tm) - off;
	return 0;
}
