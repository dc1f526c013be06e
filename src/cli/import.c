/*
 * import.c: "khabar import wordpress EXPORT.xml [--media-dir UPLOADS]":
 * moves a WordPress site in (src/importer does the work). Featured
 * images join the photo queue in the database, which every server's photo
 * job takes from (--media DIR is still taken, and not needed). A progress line
 * goes to stderr when it is a terminal; the report (what was imported,
 * what was skipped and why) goes to stdout. A broken file or failed write
 * stores nothing and says why, with the file's line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../importer/importer.h"
#include "../media/media.h"
#include "../http/session.h"
#include "cli.h"

static void report(const import_report *r, const char *file)
{
	size_t done = r->posts + r->pages + r->skipped[SKIP_ALREADY];
	printf("khabar import: %s\n", file);
	printf("imported: %zu posts, %zu pages (static pages at /page/SLUG), "
	       "%zu posts not published (draft, pending, future, private)\n",
	       r->posts, r->pages, r->drafts);
	printf("added: %zu authors, %zu categories, %zu tags, %zu redirects\n", r->authors, r->categories,
	       r->tags, r->redirects);
	printf("featured images: %zu queued for the photo pipeline (made when khabar serve runs), %zu missing\n",
	       r->images, r->images_missing);
	printf("skipped: %zu already imported, %zu of other post types%s%s%s, %zu with another status "
	       "(trash, auto-draft...), %zu empty, %zu comments (not imported), %zu default category\n",
	       r->skipped[SKIP_ALREADY], r->skipped[SKIP_TYPE], r->skipped_types.len ? " (" : "",
	       r->skipped_types.len ? r->skipped_types.data : "", r->skipped_types.len ? ")" : "",
	       r->skipped[SKIP_STATUS], r->skipped[SKIP_EMPTY], r->skipped[SKIP_COMMENTS],
	       r->skipped[SKIP_DEFAULT_CAT]);
	if (r->missing.len)
		printf("%s", r->missing.data);
	printf("users: %zu made for the authors (reporters, no password yet); each sets one at their link, "
	       "valid %d days and once (a new one: khabar user link LOGIN)\n",
	       r->users, SESSION_LINK_DAYS);
	if (r->links.len)
		printf("%s", r->links.data);
	printf("time: %.2f s, %.0f posts/s (the search index, built once at the end: %.2f s)\n", r->seconds,
	       r->seconds > 0 ? (double)done / r->seconds : 0, r->index_seconds);
}

int cmd_import(int argc, char **argv)
{
	const char *db = KB_DEFAULT_DB, *media = NULL, *file = NULL, *photos = NULL;
	int quiet = 0;
	if (argc < 3 || strcmp(argv[2], "wordpress"))
		goto usage;
	for (int i = 3; i < argc; i++) {
		if (cli_opt(argc, argv, &i, "--db", &db) || cli_opt(argc, argv, &i, "--media-dir", &media) ||
		    cli_opt(argc, argv, &i, "--media", &photos))
			continue;
		if (!strcmp(argv[i], "--quiet")) {
			quiet = 1;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "khabar import: unknown option %s\n", argv[i]);
			goto usage;
		}
		if (file)
			goto usage;
		file = argv[i];
	}
	if (!file)
		goto usage;
	if (access(file, R_OK)) {
		fprintf(stderr, "khabar: cannot read %s\n", file);
		return 1;
	}
	store *st = cli_open_store(db);
	/* Featured images join the photo queue in the database (libvips
	 * checks each first); a server's photo job makes them. --media, the
	 * folder they once waited in, is accepted and needs nothing. */
	(void)photos;
	kb_arena a = {0};
	if (media && media_init()) {
		fprintf(stderr, "khabar: cannot start libvips\n");
		store_close(st);
		return 1;
	}
	kb_settings set = {0};
	if (store_settings(st, &a, &set))
		set.base_url = NULL;
	import_opts o = {
		.base_url = set.base_url,
		.file = file,
		.media_dir = media,
		.progress = !quiet && isatty(2) ? stderr : NULL,
		.password_link = session_password_link,
	};
	import_report r;
	char err[600];
	int rc = import_wordpress(st, &o, &r, err, sizeof err);
	if (rc) {
		fprintf(stderr, "khabar: import failed, nothing was imported: %s\n", err);
	} else {
		report(&r, file);
	}
	import_report_free(&r);
	kb_arena_free(&a);
	store_close(st);
	return rc ? 1 : 0;
usage:
	fprintf(stderr, "usage: khabar import wordpress EXPORT.xml [--media-dir PATH/wp-content/uploads] "
			"[--db PATH] [--media DIR] [--quiet]\n");
	return 2;
}
