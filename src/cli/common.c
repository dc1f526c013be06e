/*
 * common.c: what the subcommands share: option reading and opening the
 * store. (Dates typed by people are read by kb_parse_time, in src/core.)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
	const char *slash = store_is_url(path) ? NULL : strrchr(path, '/');
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
