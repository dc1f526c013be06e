/*
 * backup.c: "khabar backup DEST" and "khabar restore SRC" (the work is
 * src/app/backup.c's; see backup.h for what a backup folder holds).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/backup.h"
#include "../media/media.h"
#include "cli.h"

int cmd_backup(int argc, char **argv)
{
	const char *db = KB_DEFAULT_DB, *media = NULL, *dest = NULL;
	for (int i = 2; i < argc; i++) {
		if (cli_opt(argc, argv, &i, "--db", &db) || cli_opt(argc, argv, &i, "--media", &media))
			continue;
		if (argv[i][0] == '-' || dest) {
			fprintf(stderr,
				"usage: khabar backup DEST [--db PATH] [--media DIR]\n"
				"  DEST       a new folder: DEST/khabar.db and DEST/media/\n"
				"  --media    the server's photo folder (default: media/ beside the database)\n");
			return 2;
		}
		dest = argv[i];
	}
	if (!dest || !*dest)
		return cmd_backup(2, argv); /* the usage */
	kb_arena a = {0};
	char *err = NULL;
	store *st = store_open(db, 0, &err);
	if (!st) {
		fprintf(stderr, "khabar backup: %s\n", err);
		free(err);
		return 1;
	}
	kb_buf report = {0};
	int rc = backup_make(st, db, media ? media : media_default_dir(&a, db), dest, &report, &err);
	if (rc)
		fprintf(stderr, "khabar backup: %s\n", err);
	else
		printf("%s\n", kb_buf_str(&report));
	free(err);
	kb_buf_free(&report);
	store_close(st);
	kb_arena_free(&a);
	return rc ? 1 : 0;
}

int cmd_restore(int argc, char **argv)
{
	const char *db = KB_DEFAULT_DB, *media = NULL, *src = NULL;
	int force = 0;
	for (int i = 2; i < argc; i++) {
		if (cli_opt(argc, argv, &i, "--db", &db) || cli_opt(argc, argv, &i, "--media", &media))
			continue;
		if (!strcmp(argv[i], "--force")) {
			force = 1;
			continue;
		}
		if (argv[i][0] == '-' || src)
			goto usage;
		src = argv[i];
	}
	if (!src || !*src)
		goto usage;
	kb_arena a = {0};
	kb_buf report = {0};
	char *err = NULL;
	int rc = backup_restore(src, db, media ? media : media_default_dir(&a, db), force, &report, &err);
	if (rc)
		fprintf(stderr, "khabar restore: %s\n", err);
	else
		printf("%s\n", kb_buf_str(&report));
	free(err);
	kb_buf_free(&report);
	kb_arena_free(&a);
	return rc == 2 ? 2 : rc ? 1 : 0;
usage:
	fprintf(stderr,
		"usage: khabar restore SRC [--db PATH] [--media DIR] [--force]\n"
		"  SRC        a folder made by khabar backup\n"
		"  --force    replace a site that is there (and, on SQLite, one a server has open)\n");
	return 2;
}
