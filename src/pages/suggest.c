/*
 * suggest.c: /api/v1/suggest?q=..., what the search box offers as the
 * reader types (src/search/suggest.h does the matching). The index lives
 * in memory, built from the store by suggest_refresh (the "suggest"
 * background job, src/app/app.c): at start, and again whenever the site
 * changed since the last build, at most every SUGGEST_PERIOD. A request
 * takes a reference to the current index under a lock and never waits
 * for a build; an old index goes when its last reader lets go.
 *
 * The answer is small JSON ({"suggestions": [{"text", "url", "kind"}]}),
 * public for a minute: the same for every reader, so the edge may keep it.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../search/suggest.h"
#include "pages.h"

/* Headlines the box knows: the newest stories; older ones are for
 * search itself. */
#define SUGGEST_HEADLINES 20000
#define SUGGEST_MAX 8

typedef struct held {
	suggest_index *x;
	int refs;
} held;

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static held *g_cur;
/* What the index was built from (the suggest job's thread alone). */
static int64_t g_built_version = -1, g_built_seq = -1;

static held *take(void)
{
	pthread_mutex_lock(&g_mu);
	held *h = g_cur;
	if (h)
		h->refs++;
	pthread_mutex_unlock(&g_mu);
	return h;
}

static void let_go(held *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&g_mu);
	int last = --h->refs == 0;
	pthread_mutex_unlock(&g_mu);
	if (last) {
		suggest_free(h->x);
		free(h);
	}
}

static const char *const kinds[] = {"headline", "tag", "category", "author"};
static const char *const prefixes[] = {"/news/", "/tag/", "/category/", "/author/"};

int suggest_refresh(store *st)
{
	int64_t v = store_content_version(st), last;
	if (store_changes_last(st, &last))
		return -1;
	/* Anything published, edited or renamed moves the change log (or
	 * the content version): build again only then. */
	if (v == g_built_version && last == g_built_seq)
		return 0;
	kb_arena a = {0};
	kb_suggest_row *rows;
	size_t n;
	if (store_suggest_source(st, &a, SUGGEST_HEADLINES, &rows, &n)) {
		kb_warn("suggestions: %s", store_errmsg(st));
		kb_arena_free(&a);
		return -1;
	}
	suggest_entry *e = kb_arena_alloc(&a, (n ? n : 1) * sizeof *e);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		int k = rows[i].kind;
		if (k < 0 || k > 3 || !rows[i].weight)
			continue; /* a topic with no published story */
		e[m++] = (suggest_entry){.text = rows[i].text,
					 .url = kb_arena_printf(&a, "%s%s", prefixes[k], rows[i].slug),
					 .kind = k,
					 .weight = rows[i].weight};
	}
	held *h = kb_calloc(1, sizeof *h);
	h->x = suggest_build(e, m);
	h->refs = 1;
	kb_arena_free(&a);
	pthread_mutex_lock(&g_mu);
	held *old = g_cur;
	g_cur = h;
	pthread_mutex_unlock(&g_mu);
	let_go(old);
	g_built_version = v;
	g_built_seq = last;
	return 0;
}

void suggest_stop(void)
{
	pthread_mutex_lock(&g_mu);
	held *old = g_cur;
	g_cur = NULL;
	g_built_version = g_built_seq = -1;
	pthread_mutex_unlock(&g_mu);
	let_go(old);
}

int api_suggest(kb_req *r)
{
	const char *q = req_query(r, "q");
	json_t *list = json_array();
	held *h = q ? take() : NULL;
	if (h) {
		const suggest_entry *got[SUGGEST_MAX];
		size_t n = suggest_query(h->x, q, strlen(q), got, SUGGEST_MAX);
		for (size_t i = 0; i < n; i++)
			json_array_append_new(list, json_pack("{s:s,s:s,s:s}", "text", got[i]->text, "url",
							      got[i]->url, "kind", kinds[got[i]->kind]));
		let_go(h);
	}
	return req_json(r, json_pack("{s:o}", "suggestions", list), 200);
}

const char *suggest_did_you_mean(kb_req *r, const char *q)
{
	held *h = take();
	if (!h)
		return NULL;
	kb_buf b = {0};
	int got = suggest_correct(h->x, q, strlen(q), &b);
	let_go(h);
	return got ? kb_buf_to_arena(&r->arena, &b) : (kb_buf_free(&b), NULL);
}
