/*
 * copy.c: "khabar copy --from SRC --to DST": moves a whole site between two
 * databases, each an SQLite file or a postgresql:// URL (store_copy in
 * src/db/copy.c does the work and says what it copied, table by table).
 * Photos are copied with the rest (their bytes are rows); those made
 * before photos lived in the database are files only, which the report
 * says must be moved by hand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cmd_copy(int argc, char **argv)
{
	const char *from = NULL, *to = NULL;
	for (int i = 2; i < argc; i++) {
		if (cli_opt(argc, argv, &i, "--from", &from) || cli_opt(argc, argv, &i, "--to", &to))
			continue;
		fprintf(stderr, "khabar copy: unknown option %s\n", argv[i]);
		goto usage;
	}
	if (!from || !to || !*from || !*to)
		goto usage;
	char *err = NULL;
	if (store_copy(from, to, stdout, &err)) {
		fprintf(stderr, "khabar copy: %s\n", err);
		free(err);
		return 1;
	}
	printf("photos: copied; those made before photos lived in the database are files only: "
	       "copy the media folder too (khabar serve --media DIR says where a server finds it)\n");
	return 0;
usage:
	fprintf(stderr,
		"usage: khabar copy --from SRC --to DST   (each an SQLite file or a postgresql:// URL;\n"
		"       DST must hold no site: a new file or an empty database)\n");
	return 2;
}
