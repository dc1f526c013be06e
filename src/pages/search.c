/*
 * search.c: the search page (/search) and the search API (/api/v1/search).
 * Both read the query with src/search/query.c and ask the store; the page
 * renders Hindi results with highlighted extracts, the API returns JSON.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../render/escape.h"
#include "../search/query.h"
#include "../text/text.h"
#include "pages.h"

#define PER_PAGE 10
#define API_DEFAULT 10
#define API_MAX 50

/* Turns a store snippet (\x01 match \x02) into escaped HTML with <mark>,
 * dropping Markdown emphasis and heading marks. */
static const char *snippet_html(kb_req *r, const char *s)
{
	kb_buf b = {0};
	size_t n = strlen(s), run = 0;
	for (size_t i = 0; i <= n; i++) {
		char c = s[i];
		if (i < n && c != '\x01' && c != '\x02' && c != '*' && c != '#' && c != '_' && c != '`' &&
		    c != '\n')
			continue;
		html_escape(&b, s + run, i - run);
		if (c == '\x01')
			kb_buf_puts(&b, "<mark>");
		else if (c == '\x02')
			kb_buf_puts(&b, "</mark>");
		else if (c == '\n')
			kb_buf_putc(&b, ' ');
		run = i + 1;
	}
	const char *out = kb_arena_strndup(&r->arena, kb_buf_str(&b), b.len);
	kb_buf_free(&b);
	return out;
}

/* Parses YYYY-MM-DD as the start of that day in the site's time zone;
 * returns 0 on success. */
static int parse_day(const char *s, int64_t *out)
{
	int y, m, d, used = 0;
	if (!s || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || s[used] || m < 1 || m > 12 || d < 1 ||
	    d > 31)
		return -1;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_isdst = -1};
	time_t t = mktime(&tm);
	if (t == (time_t)-1)
		return -1;
	*out = (int64_t)t;
	return 0;
}

/*
 * Reads q, category, from and to into *q and *shown. Returns 0, or 400 for
 * a parameter that is not valid UTF-8.
 */
static int read_query(kb_req *r, kb_search_query *q, const char **shown, const char **cat_slug,
		      const char **from, const char **to)
{
	const char *text;
	if (req_query_check(r, "q", &text) || req_query_check(r, "category", cat_slug) ||
	    req_query_check(r, "from", from) || req_query_check(r, "to", to))
		return 400;
	search_parse(&r->arena, text ? text : "", text ? strlen(text) : 0, q, shown);
	kb_settings set;
	if (store_settings(r->db, &r->arena, &set))
		return 500;
	q->recency = strtod(set.search_recency, NULL);
	if (*cat_slug && **cat_slug) {
		kb_category c;
		int rc = store_category_by_slug(r->db, &r->arena, *cat_slug, &c);
		if (rc == STORE_ERROR)
			return 500;
		/* An unknown category finds nothing rather than everything. */
		q->category_id = rc == STORE_OK ? c.id : -1;
	}
	int64_t t;
	if (*from && !parse_day(*from, &t))
		q->from = t;
	if (*to && !parse_day(*to, &t))
		q->to = t + 86400; /* the whole "to" day */
	return 0;
}

/* Suggests one of the query's words that finds something alone, or NULL. */
static const char *suggestion(kb_req *r, const kb_search_query *q)
{
	const char *best = NULL;
	size_t best_n = 0;
	for (size_t i = 0; i < q->nterms; i++) {
		if (q->terms[i].negate)
			continue;
		kb_search_query one = *q;
		one.terms = &q->terms[i];
		one.nterms = 1;
		one.limit = 0;
		kb_search_hit *h;
		size_t n, total;
		if (!store_search(r->db, &r->arena, &one, &h, &n, &total) && total > best_n)
			best = q->terms[i].text, best_n = total;
	}
	return best;
}

/* Whether fix, asked with q's filters, finds at least one story. */
static int fixed_finds(kb_req *r, const kb_search_query *q, const char *fix)
{
	kb_search_query f;
	const char *shown;
	search_parse(&r->arena, fix, strlen(fix), &f, &shown);
	f.recency = q->recency;
	f.category_id = q->category_id;
	f.from = q->from;
	f.to = q->to;
	f.limit = 0;
	kb_search_hit *h;
	size_t n, total = 0;
	return !store_search(r->db, &r->arena, &f, &h, &n, &total) && total > 0;
}

int page_search(kb_req *r)
{
	kb_arena *a = &r->arena;
	kb_search_query q = {0};
	const char *shown, *cat_slug, *from, *to;
	int rc = read_query(r, &q, &shown, &cat_slug, &from, &to);
	if (rc)
		return rc;
	int page = site_page_number(r);
	if (!page)
		return 404;
	const char *title = *shown ? kb_arena_printf(a, "%s - खोज", shown) : "खबरें खोजें";
	tv *ctx = site_context(r, title, "हिंदी खबरें खोजें: हिंदी या अंग्रेज़ी अक्षरों में लिखें");
	if (!ctx)
		return 500;
	tv *s = tv_obj(a);
	tv_set_str(s, "q", shown);
	tv_set_str(s, "category", cat_slug ? cat_slug : "");
	tv_set_str(s, "from", from ? from : "");
	tv_set_str(s, "to", to ? to : "");
	tv_set(ctx, "search", s);
	tv_set_bool(ctx, "noindex", 1);
	tv_set_bool(s, "filtered", (cat_slug && *cat_slug) || (from && *from) || (to && *to));
	/* Mark the chosen category in the filter's list. */
	tv *nav = tv_get(ctx, "nav");
	for (size_t i = 0; nav && cat_slug && i < nav->len; i++)
		if (!strcmp(tv_get(nav->items[i], "slug")->s, cat_slug))
			tv_set_bool(nav->items[i], "selected", 1);
	if (!*shown)
		return site_render(r, "search", ctx);

	q.limit = PER_PAGE;
	q.offset = (size_t)(page - 1) * PER_PAGE;
	kb_search_hit *hits;
	size_t n, total;
	if (store_search(r->db, a, &q, &hits, &n, &total))
		return 500;
	tv_set_bool(s, "asked", 1);
	/* Counted up to one past what a reader can page through (store.h):
	 * then "300 से ज़्यादा". */
	int more = total > STORE_SEARCH_POOL;
	if (more)
		total = STORE_SEARCH_POOL;
	kb_buf num = {0};
	text_format_int(&num, (long long)total, 0);
	tv_set_str(s, "total", kb_buf_to_arena(a, &num));
	tv_set_bool(s, "more", more);
	tv_set_bool(s, "one", total == 1);
	tv *list = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		tv *o = site_article(r, &hits[i].article, 0);
		const char *html = snippet_html(r, hits[i].snippet);
		tv_set(o, "snippet", tv_html(a, html, strlen(html)));
		tv_push(list, o);
	}
	tv_set(ctx, "results", list);
	if (!total) {
		const char *sug = q.nterms > 1 ? suggestion(r, &q) : NULL;
		if (sug) {
			kb_buf u = {0};
			kb_buf_puts(&u, "/search?q=");
			url_encode(&u, sug, strlen(sug));
			tv *sg = tv_obj(a);
			tv_set_str(sg, "text", sug);
			tv_set_str(sg, "url", kb_buf_to_arena(a, &u));
			tv_set(s, "suggest", sg);
		}
		/* A misspelt Latin query: the Hindi words it was likely meant
		 * to be, if those find something. */
		const char *fix = suggest_did_you_mean(r, shown);
		if (fix && fixed_finds(r, &q, fix)) {
			kb_buf u = {0};
			kb_buf_puts(&u, "/search?q=");
			url_encode(&u, fix, strlen(fix));
			tv *sg = tv_obj(a);
			tv_set_str(sg, "text", fix);
			tv_set_str(sg, "url", kb_buf_to_arena(a, &u));
			tv_set(s, "correct", sg);
		}
		kb_article *v;
		size_t k;
		kb_article_query lq = {.limit = 6};
		if (!store_article_list(r->db, a, &lq, &v, &k, NULL))
			tv_set(ctx, "latest", site_article_list(r, v, k));
	}
	/* Pages keep the query: /search?q=...&page=2 */
	kb_buf base = {0};
	kb_buf_puts(&base, "/search?q=");
	url_encode(&base, shown, strlen(shown));
	if (cat_slug && *cat_slug) {
		kb_buf_puts(&base, "&category=");
		url_encode(&base, cat_slug, strlen(cat_slug));
	}
	size_t pages = total ? (total + PER_PAGE - 1) / PER_PAGE : 1;
	tv *p = tv_obj(a);
	tv_set_int(p, "page", page);
	tv_set_int(p, "pages", (long long)pages);
	tv_set_bool(p, "show", pages > 1);
	if (page > 1)
		tv_set(p, "prev", tv_strf(a, "%s&page=%d", base.data, page - 1));
	if ((size_t)page < pages)
		tv_set(p, "next", tv_strf(a, "%s&page=%d", base.data, page + 1));
	tv_set(ctx, "pager", p);
	kb_buf_free(&base);
	return site_render(r, "search", ctx);
}

/* Reads a non-negative integer parameter; returns -1 if malformed or out
 * of [min, max]. */
static long int_param(kb_req *r, const char *name, long dflt, long min, long max)
{
	const char *v = req_query(r, name);
	if (!v)
		return dflt;
	char *end;
	long x = strtol(v, &end, 10);
	if (!*v || *end || x < min || x > max)
		return -1;
	return x;
}

int api_search(kb_req *r)
{
	kb_search_query q = {0};
	const char *shown, *cat_slug, *from, *to;
	int rc = read_query(r, &q, &shown, &cat_slug, &from, &to);
	if (rc == 400)
		return req_json_error(r, 400, "a parameter is not valid UTF-8");
	if (rc)
		return rc;
	long limit = int_param(r, "limit", API_DEFAULT, 1, API_MAX);
	if (limit < 0)
		return req_json_error(r, 400, "limit must be a whole number from 1 to 50");
	long offset = int_param(r, "offset", 0, 0, 100000);
	if (offset < 0)
		return req_json_error(r, 400, "offset must be a whole number from 0 to 100000");
	q.limit = (size_t)limit;
	q.offset = (size_t)offset;
	kb_search_hit *hits = NULL;
	size_t n = 0, total = 0;
	if (*shown && store_search(r->db, &r->arena, &q, &hits, &n, &total))
		return 500;
	json_t *results = json_array();
	for (size_t i = 0; i < n; i++) {
		const kb_article *art = &hits[i].article;
		kb_buf iso = {0};
		site_iso_date(&iso, art->published_at);
		json_array_append_new(results,
				      json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)art->id, "title",
						art->title, "url",
						kb_arena_printf(&r->arena, "/news/%s", art->slug), "snippet",
						snippet_html(r, hits[i].snippet), "published_at", iso.data));
		kb_buf_free(&iso);
	}
	return req_json(r, json_pack("{s:I,s:o}", "total", (json_int_t)total, "results", results), 200);
}
