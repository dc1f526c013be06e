/*
 * revisions.c: an article's history: its revisions, a line-by-line diff
 * of any two (or of one against the current text), and restoring one
 * (which is a new save, so restoring is itself undoable).
 */
#include <stdlib.h>
#include <string.h>

#include "newsroom.h"

/* A diff of two texts line by line: a longest common subsequence, which
 * is exact and fast enough for articles (a few hundred lines). Past
 * MAX_CELLS the texts are shown as replaced whole. */
#define MAX_CELLS (4u << 20)

typedef struct line {
	const char *s;
	size_t n;
} line;

static size_t split_lines(kb_arena *a, const char *s, line **out)
{
	size_t cap = 16, n = 0;
	line *v = kb_arena_alloc(a, cap * sizeof *v);
	while (*s) {
		size_t len = strcspn(s, "\n");
		if (n == cap) {
			line *w = kb_arena_alloc(a, 2 * cap * sizeof *w);
			memcpy(w, v, n * sizeof *v);
			v = w, cap *= 2;
		}
		v[n].s = s;
		v[n].n = len;
		n++;
		s += len + (s[len] == '\n');
	}
	*out = v;
	return n;
}

static int same(const line *x, const line *y)
{
	return x->n == y->n && !memcmp(x->s, y->s, x->n);
}

static void push_op(kb_req *r, tv *list, const char *kind, const line *l)
{
	tv *o = tv_obj(&r->arena);
	tv_set_str(o, "kind", kind);
	tv_set(o, "text", tv_strn(&r->arena, l->s, l->n));
	tv_push(list, o);
}

/* Appends to list the diff of a against b: {kind: same|del|add, text}.
 * Returns the number of changed lines. */
static size_t diff(kb_req *r, const char *a, const char *b, tv *list)
{
	line *x, *y;
	size_t n = split_lines(&r->arena, a, &x), m = split_lines(&r->arena, b, &y);
	size_t changed = 0;
	if ((uint64_t)(n + 1) * (m + 1) > MAX_CELLS) {
		for (size_t i = 0; i < n; i++)
			push_op(r, list, "del", &x[i]);
		for (size_t j = 0; j < m; j++)
			push_op(r, list, "add", &y[j]);
		return n + m;
	}
	/* L[i][j]: LCS length of x[i..] and y[j..]. */
	uint32_t *L = kb_calloc((n + 1) * (m + 1), sizeof *L);
#define AT(i, j) L[(size_t)(i) * (m + 1) + (j)]
	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;)
			AT(i, j) = same(&x[i], &y[j])
					   ? AT(i + 1, j + 1) + 1
					   : (AT(i + 1, j) > AT(i, j + 1) ? AT(i + 1, j) : AT(i, j + 1));
	size_t i = 0, j = 0;
	while (i < n || j < m) {
		if (i < n && j < m && same(&x[i], &y[j])) {
			push_op(r, list, "same", &x[i]);
			i++, j++;
		} else if (j < m && (i == n || AT(i, j + 1) >= AT(i + 1, j))) {
			push_op(r, list, "add", &y[j++]);
			changed++;
		} else {
			push_op(r, list, "del", &x[i++]);
			changed++;
		}
	}
#undef AT
	free(L);
	return changed;
}

/* The article's current text as a revision, for comparing against. */
static void current_as_revision(const kb_article *art, kb_revision *rev)
{
	memset(rev, 0, sizeof *rev);
	rev->article_id = art->id;
	rev->version = art->version;
	rev->title = art->title;
	rev->summary = art->summary;
	rev->body = art->body;
	rev->at = art->updated_at;
}

static int load_article(kb_req *r, kb_article *art)
{
	int rc = store_article_by_id(r->db, &r->arena, nr_param_id(r, 0), art);
	if (rc)
		return rc == STORE_NOTFOUND ? 404 : 500;
	if (r->user.role < ROLE_EDITOR && art->owner_id != r->user.id)
		return 403;
	return 0;
}

int nr_revisions(kb_req *r)
{
	kb_arena *a = &r->arena;
	kb_article art;
	int rc = load_article(r, &art);
	if (rc)
		return rc;
	kb_revision *v;
	size_t n;
	if (store_revision_list(r->db, a, art.id, &v, &n))
		return 500;
	tv *ctx = nr_context(r, "revisions", "desk");
	if (!ctx)
		return 500;
	tv *o = tv_obj(a);
	tv_set_int(o, "id", art.id);
	tv_set_str(o, "title", art.title);
	tv_set(o, "url", tv_strf(a, "/newsroom/articles/%lld", (long long)art.id));
	tv_set(ctx, "article", o);
	tv_set_bool(ctx, "can_restore", nr_can_edit(&r->user, &art));
	tv *list = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		tv *x = nr_revision_value(r, v[i].id, v[i].version, v[i].title, v[i].user_name, v[i].at,
					  v[i].kind);
		tv_set_bool(x, "conflict", !strcmp(v[i].kind, "conflict"));
		tv_set(x, "diff_current",
		       tv_strf(a, "/newsroom/articles/%lld/diff?from=%lld", (long long)art.id,
			       (long long)v[i].id));
		if (i + 1 < n)
			tv_set(x, "diff_prev",
			       tv_strf(a, "/newsroom/articles/%lld/diff?from=%lld&to=%lld", (long long)art.id,
				       (long long)v[i + 1].id, (long long)v[i].id));
		tv_push(list, x);
	}
	tv_set(ctx, "revisions", list);
	return nr_render(r, "newsroom-revisions", ctx, 200);
}

/* Reads revision id of article art into rev (id 0: the current text). */
static int revision_of(kb_req *r, const kb_article *art, const char *id, kb_revision *rev)
{
	long long v = id ? atoll(id) : 0;
	if (v <= 0) {
		current_as_revision(art, rev);
		return 0;
	}
	int rc = store_revision_get(r->db, &r->arena, v, rev);
	if (rc || rev->article_id != art->id)
		return rc == STORE_ERROR ? 500 : 404;
	return 0;
}

int nr_diff(kb_req *r)
{
	kb_arena *a = &r->arena;
	const char *lang = r->user.lang;
	kb_article art;
	kb_revision from, to;
	int rc = load_article(r, &art);
	if (!rc)
		rc = revision_of(r, &art, req_query(r, "from"), &from);
	if (!rc)
		rc = revision_of(r, &art, req_query(r, "to"), &to);
	if (rc)
		return rc;
	tv *ctx = nr_context(r, "compare", "desk");
	if (!ctx)
		return 500;
	tv *o = tv_obj(a);
	tv_set_int(o, "id", art.id);
	tv_set_str(o, "title", art.title);
	tv_set(o, "url", tv_strf(a, "/newsroom/articles/%lld", (long long)art.id));
	tv_set(o, "revisions", tv_strf(a, "/newsroom/articles/%lld/revisions", (long long)art.id));
	tv_set(ctx, "article", o);
	tv *side[2] = {tv_obj(a), tv_obj(a)};
	const kb_revision *revs[2] = {&from, &to};
	for (int k = 0; k < 2; k++) {
		tv_set_str(side[k], "label",
			   revs[k]->id ? kb_arena_printf(a, "%s %lld", nr_label(lang, "revision"),
							 (long long)revs[k]->version)
				       : nr_label(lang, "current"));
		tv_set_str(side[k], "when", nr_date(r, revs[k]->at));
		tv_set_str(side[k], "who", revs[k]->user_name ? revs[k]->user_name : "");
	}
	tv_set(ctx, "from", side[0]);
	tv_set(ctx, "to", side[1]);
	if (from.id)
		tv_set_int(ctx, "restore_id", from.id);
	tv_set_bool(ctx, "can_restore", from.id && nr_can_edit(&r->user, &art));
	static const struct {
		const char *key;
		size_t off;
	} parts[] = {{"title", offsetof(kb_revision, title)},
		     {"summary", offsetof(kb_revision, summary)},
		     {"body", offsetof(kb_revision, body)}};
	tv *sections = tv_list(a);
	size_t changed = 0;
	for (size_t i = 0; i < KB_COUNT(parts); i++) {
		const char *x = *(const char *const *)((const char *)&from + parts[i].off);
		const char *y = *(const char *const *)((const char *)&to + parts[i].off);
		tv *s = tv_obj(a);
		tv_set_str(s, "label", nr_label(lang, parts[i].key));
		tv *ops = tv_list(a);
		size_t c = diff(r, x ? x : "", y ? y : "", ops);
		changed += c;
		tv_set(s, "ops", ops);
		tv_set_bool(s, "changed", c > 0);
		tv_push(sections, s);
	}
	tv_set(ctx, "sections", sections);
	tv_set_bool(ctx, "identical", changed == 0);
	return nr_render(r, "newsroom-diff", ctx, 200);
}

/* A string member of a JSON object, or "". */
static const char *jstr(kb_req *r, json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return kb_arena_strdup(&r->arena, s ? s : "");
}

int nr_restore(kb_req *r)
{
	kb_article art;
	kb_revision rev;
	int rc = load_article(r, &art);
	if (!rc)
		rc = revision_of(r, &art, req_form(r, "revision"), &rev);
	if (rc)
		return rc;
	if (!rev.id)
		return 400;
	if (!nr_can_edit(&r->user, &art))
		return 403;
	json_t *f = json_loads(rev.fields, 0, NULL);
	if (!f)
		return 500;
	kb_article_input in = {
		.title = rev.title,
		.summary = rev.summary,
		.body = rev.body,
		.slug = art.slug, /* the URL stays: links to it keep working */
		.path_prefix = "/news/",
		.category_slug = jstr(r, f, "category"),
		.author_name = jstr(r, f, "author"),
		.dateline = jstr(r, f, "dateline"),
		.image_caption = jstr(r, f, "caption"),
		.image_credit = jstr(r, f, "credit"),
		.seo_title = jstr(r, f, "seo_title"),
		.seo_description = jstr(r, f, "seo_description"),
		.media_id = json_integer_value(json_object_get(f, "media_id")),
		.breaking = (int)json_integer_value(json_object_get(f, "breaking")),
	};
	/* Tags were kept as "a, b". */
	const char *tags = jstr(r, f, "tags");
	json_decref(f);
	const char **tv_tags = kb_arena_alloc(&r->arena, 32 * sizeof *tv_tags);
	size_t nt = 0;
	while (*tags && nt < 32) {
		size_t len = strcspn(tags, ",");
		const char *t = kb_arena_strndup(&r->arena, tags, len);
		while (*t == ' ')
			t++;
		if (*t)
			tv_tags[nt++] = t;
		tags += len + (tags[len] == ',');
	}
	in.tags = tv_tags;
	in.ntags = nt;
	int64_t id = art.id, version;
	rc = store_article_save(r->db, &in, art.version, r->user.id, "restore", &id, &version);
	if (rc == STORE_CONFLICT)
		return 409;
	if (rc)
		return 500;
	return nr_redirect(r, "/newsroom/articles/%lld", (long long)id);
}
