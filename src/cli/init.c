/*
 * init.c: "khabar init --name NAME --url BASE_URL": makes a site: its
 * settings, the default Hindi categories and the VAPID key pair for Web
 * Push (made once: a new pair would orphan every subscription). Running it again updates the
 * name and URL and leaves existing categories alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/indexing.h"
#include "../push/push.h"
#include "../text/text.h"
#include "cli.h"

/* The default sections of a Hindi portal, in menu order. */
static const char *const default_categories[] = {
	"देश", "विदेश", "राजनीति", "राज्य", "खेल", "व्यापार", "मनोरंजन", "तकनीक", "रक्षा", "स्वास्थ्य",
};

int cli_site_setup(store *st, const char *name, const char *url)
{
	kb_arena a = {0};
	kb_category *cats;
	size_t n;
	if (store_begin(st))
		goto fail;
	if (store_setting_set(st, "name", name) || store_setting_set(st, "base_url", url) ||
	    store_setting_set(st, "language", "hi"))
		goto fail;
	/* IndexNow's key (served at /KEY.txt), made once: a site set up
	 * again keeps the key search engines know. */
	kb_edge_settings es;
	if (store_edge_settings(st, &a, &es) ||
	    (!*es.indexnow_key && store_setting_set(st, "indexnow_key", indexing_new_key(&a))))
		goto fail;
	if (store_category_list(st, &a, &cats, &n))
		goto fail;
	for (size_t i = 0; !n && i < KB_COUNT(default_categories); i++) {
		const char *c = default_categories[i];
		kb_buf slug = {0};
		text_slug(&slug, c, strlen(c), 40);
		int rc = store_category_add(st, c, slug.data, (int)i + 1);
		kb_buf_free(&slug);
		if (rc)
			goto fail;
	}
	if (store_commit(st))
		goto fail;
	kb_arena_free(&a);
	return cli_vapid_setup(st);
fail:
	store_rollback(st);
	kb_arena_free(&a);
	fprintf(stderr, "khabar: cannot set up the site: %s\n", store_errmsg(st));
	return 1;
}

int cli_vapid_setup(store *st)
{
	kb_arena a = {0};
	const char *pub, *priv;
	if (push_store_vapid(st, &a, &pub, &priv)) {
		fprintf(stderr, "khabar: %s\n", store_errmsg(st));
		kb_arena_free(&a);
		return 1;
	}
	int have = *pub && *priv;
	kb_arena_free(&a);
	if (have)
		return 0;
	char *npub, *npriv;
	if (push_vapid_generate(&npub, &npriv)) {
		fprintf(stderr, "khabar: cannot generate the VAPID key pair (OpenSSL failed)\n");
		return 1;
	}
	int rc = push_store_vapid_set(st, npub, npriv);
	if (rc)
		fprintf(stderr, "khabar: cannot store the VAPID key pair: %s\n", store_errmsg(st));
	free(npub);
	free(npriv);
	return rc ? 1 : 0;
}

/* Accepts http(s)://host[:port][/path] and drops a trailing slash. */
static int valid_base_url(const char *u)
{
	const char *rest = !strncmp(u, "https://", 8) ? u + 8 : !strncmp(u, "http://", 7) ? u + 7 : NULL;
	if (!rest || !*rest || *rest == '/')
		return 0;
	for (const char *p = u; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '"' || *p == '<' || *p == '>' || *p == '?' || *p == '#')
			return 0;
	return 1;
}

int cmd_init(int argc, char **argv)
{
	const char *db = KB_DEFAULT_DB, *name = NULL, *url = NULL;
	for (int i = 2; i < argc; i++) {
		if (cli_opt(argc, argv, &i, "--db", &db) || cli_opt(argc, argv, &i, "--name", &name) ||
		    cli_opt(argc, argv, &i, "--url", &url))
			continue;
		fprintf(stderr, "khabar init: unknown option %s\n", argv[i]);
		goto usage;
	}
	if (!name || !*name || !url)
		goto usage;
	if (!kb_utf8_valid(name, strlen(name), NULL)) {
		fprintf(stderr, "khabar init: --name is not valid UTF-8\n");
		return 2;
	}
	if (!valid_base_url(url)) {
		fprintf(stderr, "khabar init: --url must look like https://example.com (got \"%s\")\n", url);
		return 2;
	}
	char *base = kb_strdup(url);
	size_t n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		base[--n] = 0;
	store *st = cli_open_store(db);
	int rc = cli_site_setup(st, name, base);
	store_close(st);
	if (!rc)
		printf("khabar: site \"%s\" ready in %s (%s)\n", name, db, base);
	free(base);
	return rc;
usage:
	fprintf(stderr, "usage: khabar init --name NAME --url BASE_URL [--db PATH]\n");
	return 2;
}
