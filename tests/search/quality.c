/*
 * quality.c: the search quality test. Builds a corpus of 2,000 generated
 * demo articles plus the planted articles of articles.tsv, runs every query
 * of queries.tsv through khabar's search, and checks recall@10 (at least
 * 0.95 overall) and that exact-title queries rank their article first. It
 * prints, for comparison, the recall of plain FTS5 (unicode61 tokenizer) on
 * the same queries and texts.
 *
 * With KHABAR_PG set (make search-quality-pg: the libpq URL of a throwaway
 * cluster) the corpus goes into a new database on that cluster and the
 * same queries, with the same thresholds, run on PostgreSQL's index; the
 * plain FTS5 column, SQLite's baseline, is then left out.
 *
 * Usage: quality TESTDIR WORKDIR   (run by "make test")
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "db/pg.h"
#include "db/store.h"
#include "search/query.h"

#define MAXF 8

/* Splits a line into tab-separated fields in place; returns the count. */
static int fields(char *line, char **f)
{
	int n = 0;
	line[strcspn(line, "\n")] = 0;
	while (n < MAXF) {
		f[n++] = line;
		char *tab = strchr(line, '\t');
		if (!tab)
			break;
		*tab = 0;
		line = tab + 1;
	}
	return n;
}

typedef struct planted {
	char label[8];
	int64_t id;
} planted;

static planted art[128];
static int nart;

static int64_t id_of(const char *label)
{
	for (int i = 0; i < nart; i++)
		if (!strcmp(art[i].label, label))
			return art[i].id;
	fprintf(stderr, "quality: unknown label %s\n", label);
	exit(1);
}

static void load_articles(store *st, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		exit(1);
	}
	char line[8192];
	kb_arena a = {0};
	kb_category *cats;
	size_t ncats;
	if (store_category_list(st, &a, &cats, &ncats))
		exit(1);
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		char *f6[MAXF];
		if (fields(line, f6) != 6) {
			fprintf(stderr, "quality: %s: bad line for %s\n", path, f6[0]);
			exit(1);
		}
		const char *cat = NULL;
		for (size_t i = 0; i < ncats; i++)
			if (!strcmp(cats[i].name, f6[1]))
				cat = cats[i].slug;
		const char *tags[8];
		size_t ntags = 0;
		for (char *t = strtok(f6[5], ","); t && ntags < 8; t = strtok(NULL, ","))
			tags[ntags++] = t + strspn(t, " ");
		kb_article_input in = {
			.title = f6[2],
			.summary = f6[3],
			.body = f6[4],
			.status = "published",
			/* Amid the generated stories' dates (2025), so recency
			 * neither helps nor hurts them. */
			.published_at = 1759000000,
			.category_slug = cat,
			.author_name = "परीक्षक",
			.tags = tags,
			.ntags = ntags,
		};
		snprintf(art[nart].label, sizeof art[nart].label, "%s", f6[0]);
		if (store_article_add(st, &in, &art[nart].id)) {
			fprintf(stderr, "quality: %s\n", store_errmsg(st));
			exit(1);
		}
		nart++;
	}
	fclose(f);
	kb_arena_free(&a);
}

/* Plain FTS5 over the same texts, as a reader's words quoted and ANDed. */
static int plain_top10(sqlite3 *db, const char *query, int64_t *ids)
{
	kb_buf m = {0};
	char *copy = kb_strdup(query);
	for (char *w = strtok(copy, " "); w; w = strtok(NULL, " ")) {
		if (m.len)
			kb_buf_puts(&m, " AND ");
		kb_buf_putc(&m, '"');
		for (char *p = w; *p; p++) {
			if (*p == '"')
				kb_buf_putc(&m, '"');
			kb_buf_putc(&m, *p);
		}
		kb_buf_putc(&m, '"');
	}
	free(copy);
	sqlite3_stmt *s;
	int n = 0;
	if (sqlite3_prepare_v2(db, "SELECT rowid FROM plain WHERE plain MATCH ?1 ORDER BY rank LIMIT 10", -1,
			       &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, m.data, -1, SQLITE_TRANSIENT);
		while (n < 10 && sqlite3_step(s) == SQLITE_ROW)
			ids[n++] = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	kb_buf_free(&m);
	return n;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: quality TESTDIR WORKDIR\n");
		return 2;
	}
	char db[1024], path[512];
	const char *pg = getenv("KHABAR_PG");
	if (pg && *pg) {
		/* A new database on the cluster: the cluster's URL with its
		 * database replaced (postgresql://user@host/db?query). */
		char name[64], sql[128], *err = NULL;
		snprintf(name, sizeof name, "search_quality_%d", (int)getpid());
		pg_conn *c = pg_open(pg, 10000, &err);
		snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
		if (!c || pg_exec(c, sql)) {
			fprintf(stderr, "quality: cannot create database %s: %s\n", name,
				c ? pg_errmsg(c) : err);
			return 1;
		}
		pg_close(c);
		const char *slash = strchr(pg + strlen("postgresql://"), '/'), *q = strchr(pg, '?');
		if (!slash || (q && q < slash))
			slash = q ? q : pg + strlen(pg);
		snprintf(db, sizeof db, "%.*s/%s%s", (int)(slash - pg), pg, name, q ? q : "");
	} else {
		pg = NULL;
		snprintf(db, sizeof db, "%s/search-quality.db", argv[2]);
		unlink(db);
	}
	char *demo_argv[] = {"khabar", "demo", "--db", db, "--articles", "2000", NULL};
	if (cmd_demo(6, demo_argv))
		return 1;
	char *err = NULL;
	store *st = store_open(db, 0, &err);
	if (!st) {
		fprintf(stderr, "quality: %s\n", err);
		return 1;
	}
	snprintf(path, sizeof path, "%s/articles.tsv", argv[1]);
	load_articles(st, path);
	{
		kb_arena a = {0};
		kb_article_query q = {.limit = 1};
		kb_article *v;
		size_t n;
		store_article_list(st, &a, &q, &v, &n, NULL);
		snprintf(art[nart].label, sizeof art[nart].label, "SEED");
		art[nart++].id = v[0].id; /* the demo's newest story is the seed */
		kb_arena_free(&a);
	}

	/* The plain FTS5 baseline, beside an SQLite store only. */
	sqlite3 *raw = NULL;
	if (!pg)
		sqlite3_open(db, &raw);
	if (raw)
		sqlite3_exec(
			raw,
			"CREATE VIRTUAL TABLE plain USING fts5(title, summary, body, tags, category, author,"
			" tokenize = 'unicode61');"
			"INSERT INTO plain(rowid, title, summary, body, tags, category, author)"
			" SELECT * FROM search_source;",
			NULL, NULL, NULL);

	snprintf(path, sizeof path, "%s/queries.tsv", argv[1]);
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		return 1;
	}
	struct {
		char name[16];
		double got, plain;
		int n;
	} cls[32] = {0};
	int ncls = 0, passed = 0, failed = 0, nq = 0;
	double got_all = 0, plain_all = 0;
	char line[2048];
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		char *fl[MAXF];
		int nf = fields(line, fl);
		const char *query = fl[0], *klass = fl[1];
		int first = nf > 3 && !strcmp(fl[3], "first");
		int64_t want[8];
		int nwant = 0;
		char labels[256];
		snprintf(labels, sizeof labels, "%s", fl[2]);
		for (char *l = strtok(labels, ","); l && nwant < 8; l = strtok(NULL, ","))
			want[nwant++] = id_of(l);

		kb_arena a = {0};
		kb_search_query q = {.limit = 10, .recency = 0.5};
		const char *shown;
		search_parse(&a, query, strlen(query), &q, &shown);
		kb_search_hit *hits;
		size_t n, total;
		if (store_search(st, &a, &q, &hits, &n, &total)) {
			fprintf(stderr, "quality: %s\n", store_errmsg(st));
			return 1;
		}
		int64_t plain[10];
		int np = raw ? plain_top10(raw, query, plain) : 0;
		int found = 0, pfound = 0;
		for (int w = 0; w < nwant; w++) {
			for (size_t k = 0; k < n; k++)
				found += hits[k].article.id == want[w];
			for (int k = 0; k < np; k++)
				pfound += plain[k] == want[w];
		}
		double recall = (double)found / nwant, precall = (double)pfound / nwant;
		int ok = recall == 1.0 && (!first || (n && hits[0].article.id == want[0]));
		if (ok) {
			passed++;
		} else {
			failed++;
			printf("MISS [%s] %s: found %d of %d%s; top: %s\n", klass, query, found, nwant,
			       first ? " (must rank first)" : "", n ? hits[0].article.title : "(nothing)");
		}
		int c = 0;
		while (c < ncls && strcmp(cls[c].name, klass))
			c++;
		if (c == ncls) {
			if (ncls == (int)(sizeof cls / sizeof cls[0])) {
				fprintf(stderr, "search-quality: more than %d variant classes\n", ncls);
				return 1;
			}
			snprintf(cls[ncls++].name, sizeof cls[0].name, "%s", klass);
		}
		cls[c].got += recall;
		cls[c].plain += precall;
		cls[c].n++;
		got_all += recall;
		plain_all += precall;
		nq++;
		kb_arena_free(&a);
	}
	fclose(f);
	printf("\nrecall@10 by variant class (%d queries, %d articles):\n", nq, 2001 + nart - 1);
	if (raw) {
		printf("  %-14s %8s %12s\n", "class", "khabar", "plain FTS5");
		for (int c = 0; c < ncls; c++)
			printf("  %-14s %8.2f %12.2f\n", cls[c].name, cls[c].got / cls[c].n,
			       cls[c].plain / cls[c].n);
		printf("  %-14s %8.2f %12.2f\n", "all", got_all / nq, plain_all / nq);
		sqlite3_close(raw);
	} else {
		printf("  %-14s %8s   (on PostgreSQL)\n", "class", "khabar");
		for (int c = 0; c < ncls; c++)
			printf("  %-14s %8.2f\n", cls[c].name, cls[c].got / cls[c].n);
		printf("  %-14s %8.2f\n", "all", got_all / nq);
	}
	store_close(st);
	int pass = got_all / nq >= 0.95;
	for (int c = 0; c < ncls; c++)
		if (!strcmp(cls[c].name, "title") && cls[c].got < cls[c].n)
			pass = 0;
	printf("search quality: recall@10 %.3f (needs 0.95), %s\n", got_all / nq, pass ? "ok" : "TOO LOW");
	printf("%d passed, %d failed\n", passed, failed);
	return pass ? 0 : 1;
}
