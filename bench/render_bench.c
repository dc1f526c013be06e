/*
 * render_bench.c: times one uncached render of an article page (store
 * lookups, Markdown, related news, template), the work the page cache
 * saves. Usage: render_bench DB SLUG [ITERATIONS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/store.h"
#include "pages/pages.h"
#include "render/markdown.h"

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: render_bench DB SLUG [ITERATIONS]\n");
		return 2;
	}
	int n = argc > 3 ? atoi(argv[3]) : 2000;
	char *err = NULL;
	store *st = store_open(argv[1], 1, &err);
	if (!st) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	kb_set_timezone("Asia/Kolkata");
	markdown_init();
	if (theme_init(NULL, &err)) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	/* As in a server, where every request carries the content version
	 * (what the site around the page is kept by: site_read). */
	int64_t version = store_content_version(st);
	char path[512];
	snprintf(path, sizeof path, "/news/%s", argv[2]);
	size_t bytes = 0;
	uint64_t best = UINT64_MAX, total = 0;
	for (int i = 0; i < n; i++) {
		kb_req r = {0};
		r.db = st;
		r.version = version;
		r.path = path;
		r.path_len = strlen(path);
		r.param[0] = argv[2];
		r.nparam = 1;
		uint64_t t0 = kb_mono_ns();
		int status = page_article(&r);
		uint64_t dt = kb_mono_ns() - t0;
		if (status != 200) {
			fprintf(stderr, "render failed: %d\n", status);
			return 1;
		}
		bytes = r.body.len;
		total += dt;
		if (dt < best)
			best = dt;
		kb_buf_free(&r.body);
		kb_arena_free(&r.arena);
	}
	printf("uncached article render: mean %.3f ms, best %.3f ms over %d renders (%zu bytes)\n",
	       total / 1e6 / n, best / 1e6, n, bytes);
	theme_free();
	store_close(st);
	return 0;
}
