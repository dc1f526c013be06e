/*
 * article.c: "khabar article add FILE.md": adds one article from a file
 * with front matter (title, category, tags, author, published_at, summary,
 * dateline, and optionally slug, status, image, caption, credit, breaking).
 * Any problem is reported as FILE:LINE: message, and nothing is stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "frontmatter.h"

static const char *const known_keys[] = {
	"title", "category", "tags",  "author",  "published_at", "summary",  "dateline",
	"slug",  "status",   "image", "caption", "credit",       "breaking",
};

/* Splits "a, b ,c" into trimmed names in the arena. */
static size_t split_tags(kb_arena *a, const char *s, const char ***out)
{
	size_t cap = 8, n = 0;
	const char **v = kb_arena_alloc(a, cap * sizeof *v);
	while (*s) {
		const char *comma = strchr(s, ',');
		const char *e = comma ? comma : s + strlen(s);
		const char *b = s;
		while (b < e && *b == ' ')
			b++;
		const char *t = e;
		while (t > b && t[-1] == ' ')
			t--;
		if (t > b) {
			if (n == cap) {
				const char **w = kb_arena_alloc(a, 2 * cap * sizeof *w);
				memcpy(w, v, n * sizeof *v);
				v = w, cap *= 2;
			}
			v[n++] = kb_arena_strndup(a, b, (size_t)(t - b));
		}
		s = comma ? comma + 1 : e;
	}
	*out = v;
	return n;
}

/* Finds a category by slug or by its Hindi name; returns its slug. */
static const char *category_slug(store *st, kb_arena *a, const char *v)
{
	kb_category *cats;
	size_t n;
	if (store_category_list(st, a, &cats, &n))
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(cats[i].slug, v) || !strcmp(cats[i].name, v))
			return cats[i].slug;
	return NULL;
}

static int add_file(const char *db, const char *path)
{
	kb_buf buf = {0};
	kb_arena a = {0};
	int rc = 1;
	store *st = NULL;
	if (kb_read_file(path, &buf)) {
		fprintf(stderr, "khabar: cannot read %s\n", path);
		goto out;
	}
	fm_doc d;
	int line;
	char err[256];
	if (fm_parse(&a, kb_buf_str(&buf), buf.len, &d, &line, err, sizeof err)) {
		fprintf(stderr, "%s:%d: %s\n", path, line, err);
		goto out;
	}
	for (size_t i = 0; i < d.nfields; i++) {
		size_t k = 0;
		while (k < KB_COUNT(known_keys) && strcmp(known_keys[k], d.fields[i].key))
			k++;
		if (k == KB_COUNT(known_keys)) {
			fprintf(stderr, "%s:%d: unknown key \"%s\"\n", path, d.fields[i].line,
				d.fields[i].key);
			goto out;
		}
	}
	const fm_field *f;
#define FIELD(k) ((f = fm_get(&d, k)) ? f->value : NULL)
	kb_article_input in = {0};
	in.title = FIELD("title");
	if (!in.title || !*in.title) {
		fprintf(stderr, "%s:1: the front matter needs a title\n", path);
		goto out;
	}
	st = cli_open_store(db);
	kb_settings s;
	if (store_settings(st, &a, &s)) {
		fprintf(stderr, "khabar: %s\n", store_errmsg(st));
		goto out;
	}
	kb_set_timezone(s.timezone);
	const char *cat = FIELD("category");
	if (cat && *cat) {
		in.category_slug = category_slug(st, &a, cat);
		if (!in.category_slug) {
			fprintf(stderr,
				"%s:%d: no category \"%s\"; run khabar init first, or use one of the site's categories\n",
				path, f->line, cat);
			goto out;
		}
	}
	const char *when = FIELD("published_at");
	if (when && *when && kb_parse_time(when, &in.published_at)) {
		fprintf(stderr,
			"%s:%d: cannot read the date \"%s\"; write 2025-11-04 14:30 or 2025-11-04T14:30:00+05:30\n",
			path, f->line, when);
		goto out;
	}
	in.status = FIELD("status") ? f->value : "published";
	static const char *const statuses[] = {"draft", "review", "scheduled", "published", "unpublished"};
	size_t k = 0;
	while (k < KB_COUNT(statuses) && strcmp(statuses[k], in.status))
		k++;
	if (k == KB_COUNT(statuses)) {
		fprintf(stderr, "%s:%d: status must be draft, review, scheduled, published or unpublished\n",
			path, f->line);
		goto out;
	}
	const char *tags = FIELD("tags");
	if (tags)
		in.ntags = split_tags(&a, tags, (const char ***)&in.tags);
	in.author_name = FIELD("author");
	in.summary = FIELD("summary");
	in.dateline = FIELD("dateline");
	in.slug = FIELD("slug");
	in.image_url = FIELD("image");
	in.image_caption = FIELD("caption");
	in.image_credit = FIELD("credit");
	const char *br = FIELD("breaking");
	in.breaking = br &&
		      (!strcmp(br, "yes") || !strcmp(br, "true") || !strcmp(br, "1") || !strcmp(br, "हाँ"));
#undef FIELD
	/* Skip the blank lines between the front matter and the body. */
	while (d.body_len && (d.body[0] == '\n' || d.body[0] == '\r'))
		d.body++, d.body_len--;
	in.body = kb_arena_strndup(&a, d.body, d.body_len);
	int64_t id;
	if (store_article_add(st, &in, &id)) {
		fprintf(stderr, "%s: not added: %s\n", path, store_errmsg(st));
		goto out;
	}
	kb_article art;
	if (store_article_by_id(st, &a, id, &art) == STORE_OK)
		printf("added article %lld: /news/%s\n", (long long)id, art.slug);
	rc = 0;
out:
	store_close(st);
	kb_arena_free(&a);
	kb_buf_free(&buf);
	return rc;
}

int cmd_article(int argc, char **argv)
{
	const char *db = KB_DEFAULT_DB, *file = NULL;
	if (argc < 3 || strcmp(argv[2], "add"))
		goto usage;
	for (int i = 3; i < argc; i++) {
		if (cli_opt(argc, argv, &i, "--db", &db))
			continue;
		if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "khabar article add: unknown option %s\n", argv[i]);
			goto usage;
		}
		if (file)
			goto usage;
		file = argv[i];
	}
	if (!file)
		goto usage;
	return add_file(db, file);
usage:
	fprintf(stderr, "usage: khabar article add FILE.md [--db PATH]\n");
	return 2;
}
