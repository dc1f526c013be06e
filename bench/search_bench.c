/*
 * search_bench.c: index build rate and query latency of khabar's search.
 * Usage: search_bench DB QUERIES.txt [N]
 * Rebuilds the whole index (articles/s), then runs N queries (default
 * 1,000) cycling through QUERIES.txt and prints p50, p95 and p99.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/store.h"
#include "search/query.h"

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: search_bench DB QUERIES.txt [N]\n");
		return 2;
	}
	int n = argc > 3 ? atoi(argv[3]) : 1000;
	char *err;
	store *st = store_open(argv[1], 0, &err);
	if (!st) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	int64_t count;
	store_article_count(st, &count);
	uint64_t t0 = kb_mono_ns();
	if (!getenv("NO_REBUILD") && store_search_rebuild(st)) {
		fprintf(stderr, "%s\n", store_errmsg(st));
		return 1;
	}
	double secs = (kb_mono_ns() - t0) / 1e9;
	printf("index build: %lld articles in %.1f s = %.0f articles/s\n", (long long)count, secs,
	       count / secs);

	char *qs[256];
	int nq = 0;
	char line[512];
	FILE *f = fopen(argv[2], "r");
	while (f && nq < 256 && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		if (*line)
			qs[nq++] = strdup(line);
	}
	if (f)
		fclose(f);
	if (!nq)
		return 1;
	uint64_t *lat = calloc((size_t)n, sizeof *lat);
	uint64_t per[256] = {0};
	size_t found = 0;
	for (int i = 0; i < n; i++) {
		kb_arena a = {0};
		kb_search_query q = {.limit = 10, .recency = 0.5};
		const char *shown;
		uint64_t s0 = kb_mono_ns();
		search_parse(&a, qs[i % nq], strlen(qs[i % nq]), &q, &shown);
		kb_search_hit *h;
		size_t k, total;
		if (store_search(st, &a, &q, &h, &k, &total))
			return 1;
		lat[i] = kb_mono_ns() - s0;
		per[i % nq] += lat[i];
		found += total;
		kb_arena_free(&a);
	}
	qsort(lat, (size_t)n, sizeof *lat, cmp);
	if (getenv("VERBOSE"))
		for (int k = 0; k < nq; k++)
			printf("%8.2f ms  %s\n", per[k] / 1e6 / (n / nq), qs[k]);
	printf("query latency over %d queries (%d distinct, %.0f matches each on average): "
	       "p50 %.2f ms, p95 %.2f ms, p99 %.2f ms\n",
	       n, nq, (double)found / n, lat[n / 2] / 1e6, lat[n * 95 / 100] / 1e6, lat[n * 99 / 100] / 1e6);
	store_close(st);
	return 0;
}
