/*
 * live.c: a story's live coverage as readers see it: on the story's page
 * the key events, then the pinned entries, then the others newest first,
 * each with its own anchor and share links; and its updates,
 * /live/{id}/since/{seq}.json, what changed after seq, rendered with the
 * same templates. Both come from the page cache: every reader who has
 * seen seq N asks for the same small resource, which is built once per
 * change (its tag a:ID drops it), so the readers following a story cost
 * no database query each. Max-age 2 s, as long at the edge, which is
 * purged by the same key.
 *
 * Not here: the store (db/live_store.h), the JSON-LD (seo.c), the
 * newsroom's side (newsroom/live.c), the reader's script (static/app.js).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../render/escape.h"
#include "../render/markdown.h"
#include "../text/text.h"
#include "pages.h"
#include "seo.h"

/* A headline for an entry (its JSON-LD, a share's title, a key event):
 * its first line with Markdown's marks left out, at most 100 characters
 * and an ellipsis (Google shows 110). Arena string. */
const char *live_headline(kb_arena *a, const char *body)
{
	kb_buf b = {0};
	const char *p = body;
	size_t chars = 0;
	while (*p == ' ' || *p == '\n' || *p == '#' || *p == '>' || *p == '-' || *p == '*')
		p++;
	/* whole characters: a lead byte starts one, continuation bytes follow */
	for (; *p && *p != '\n'; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80 && ++chars > 100)
			break;
		if (!strchr("*_`#[]", *p))
			kb_buf_putc(&b, *p);
	}
	if (*p && *p != '\n')
		kb_buf_puts(&b, "…");
	const char *s = kb_arena_strndup(a, kb_buf_str(&b), b.len);
	kb_buf_free(&b);
	return s;
}

/* The site's local time of day of t, "14:30". */
static const char *clock_of(kb_arena *a, int64_t t)
{
	struct tm tm;
	char buf[8];
	kb_localtime(t, &tm);
	strftime(buf, sizeof buf, "%H:%M", &tm);
	return kb_arena_strdup(a, buf);
}

/* The host of a link, for its label ("youtube.com"). */
static const char *host_of(kb_arena *a, const char *url)
{
	const char *h = strstr(url, "://");
	h = h ? h + 3 : url;
	if (!strncmp(h, "www.", 4))
		h += 4;
	return kb_arena_strndup(a, h, strcspn(h, "/?#"));
}

/* An entry's template value at page (the story's absolute URL). */
static tv *entry_value(kb_req *r, const kb_live_entry *e, const char *page)
{
	kb_arena *a = &r->arena;
	tv *o = tv_obj(a);
	tv_set_int(o, "id", e->id);
	tv_set(o, "anchor", tv_strf(a, "e-%lld", (long long)e->id));
	tv_set_int(o, "at", e->created_at);
	tv_set_str(o, "time", clock_of(a, e->created_at));
	tv_set_str(o, "iso", site_iso(r, e->created_at));
	kb_buf d = {0};
	theme_date(&d, e->created_at, TEXT_TIME);
	tv_set(o, "date", tv_strn(a, kb_arena_strndup(a, kb_buf_str(&d), d.len), d.len));
	kb_buf_free(&d);
	tv_set_bool(o, "pinned", e->pinned);
	tv_set_bool(o, "key", e->key_event);
	kb_buf html = {0};
	markdown_render(&html, e->body, strlen(e->body));
	tv_set(o, "body", tv_html(a, kb_buf_str(&html), html.len));
	kb_buf_free(&html);
	tv *photo = site_photo(r, &e->media, "(min-width: 46rem) 44rem, calc(100vw - 2rem)");
	/* Set even when empty: the page renders entries inside the
	 * story's own values, whose photo must not show through. */
	if (photo)
		tv_set_str(photo, "caption", e->media.caption);
	tv_set(o, "photo", photo ? photo : tv_bool(a, 0));
	tv_set_str(o, "link", e->link);
	tv_set_str(o, "link_host", *e->link ? host_of(a, e->link) : "");
	const char *headline = live_headline(a, e->body);
	tv_set_str(o, "headline", headline);
	tv_set(o, "share", site_share(r, headline, kb_arena_printf(a, "%s#e-%lld", page, (long long)e->id)));
	return o;
}

/* The key events' list: newest first, each a link to its entry. */
static tv *key_events(kb_req *r, const kb_live_entry *v, size_t n)
{
	kb_arena *a = &r->arena;
	tv *keys = tv_list(a);
	kb_live_entry **order = kb_arena_alloc(a, (n ? n : 1) * sizeof *order);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i].key_event && !v[i].deleted)
			order[k++] = (kb_live_entry *)&v[i];
	/* the store's order puts pinned ones first: newest first here */
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0 && order[j]->created_at > order[j - 1]->created_at; j--) {
			kb_live_entry *t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (size_t i = 0; i < k; i++) {
		tv *o = tv_obj(a);
		tv_set(o, "anchor", tv_strf(a, "e-%lld", (long long)order[i]->id));
		tv_set_str(o, "time", clock_of(a, order[i]->created_at));
		tv_set_str(o, "headline", live_headline(a, order[i]->body));
		tv_push(keys, o);
	}
	return keys;
}

int live_load(kb_req *r, int64_t article_id, live_page *out)
{
	memset(out, 0, sizeof *out);
	int rc = live_store_get(r->db, article_id, &out->live);
	if (!rc)
		rc = live_store_entries(r->db, &r->arena, article_id, 0, &out->entries, &out->n);
	return rc;
}

void live_context(kb_req *r, tv *ctx, const live_page *lp, const char *page)
{
	kb_arena *a = &r->arena;
	tv *o = tv_obj(a);
	tv_set_int(o, "id", lp->live.article_id);
	tv_set_int(o, "seq", lp->live.seq);
	tv_set_bool(o, "open", live_is_open(&lp->live, kb_now()));
	kb_buf d = {0};
	theme_date(&d, lp->live.started_at, TEXT_TIME);
	tv_set(o, "started", tv_strn(a, kb_arena_strndup(a, kb_buf_str(&d), d.len), d.len));
	int64_t end = lp->live.closed_at ? lp->live.closed_at : lp->live.ends_at;
	if (end && end <= kb_now()) {
		d.len = 0;
		theme_date(&d, end, TEXT_TIME);
		tv_set(o, "ended", tv_strn(a, kb_arena_strndup(a, kb_buf_str(&d), d.len), d.len));
	}
	kb_buf_free(&d);
	tv *pinned = tv_list(a), *rest = tv_list(a);
	for (size_t i = 0; i < lp->n; i++)
		tv_push(lp->entries[i].pinned ? pinned : rest, entry_value(r, &lp->entries[i], page));
	tv_set(o, "pinned", pinned);
	tv_set(o, "entries", rest);
	tv_set(o, "keys", key_events(r, lp->entries, lp->n));
	tv_set(ctx, "live", o);
}

/* The n of "N.json": 0 and 1, or -1 for anything else. */
static int parse_since(const char *s, int64_t *n)
{
	size_t d = strspn(s, "0123456789");
	if (!d || d > 15 || strcmp(s + d, ".json"))
		return -1;
	*n = strtoll(s, NULL, 10);
	return 0;
}

/* Appends template name rendered with ctx to j as a JSON string. */
static int json_html(kb_buf *j, const char *name, const tv *ctx)
{
	kb_buf h = {0};
	int rc = theme_render(name, ctx, &h);
	kb_buf_putc(j, '"');
	json_escape(j, kb_buf_str(&h), h.len);
	kb_buf_putc(j, '"');
	kb_buf_free(&h);
	return rc;
}

int page_live_since(kb_req *r)
{
	kb_arena *a = &r->arena;
	int64_t id, since;
	char *end;
	id = strtoll(r->param[0], &end, 10);
	if (*end || id <= 0 || parse_since(r->param[1], &since))
		return 404;
	req_depend(r, "a:%lld", (long long)id);
	kb_article art;
	int rc = store_article_by_id(r->db, a, id, &art);
	if (rc == STORE_NOTFOUND || (!rc && strcmp(art.status, "published")))
		return 404;
	if (rc)
		return 500;
	kb_live live;
	rc = live_store_get(r->db, id, &live);
	if (rc == STORE_NOTFOUND || (!rc && since > live.seq))
		return 404;
	if (rc)
		return 500;
	kb_settings s;
	if (store_settings(r->db, a, &s))
		return 500;
	const char *page = seo_abs_url(r, s.base_url, kb_arena_printf(a, "/news/%s", art.slug));
	kb_live_entry *v, *all = NULL;
	size_t n, nall = 0;
	if (live_store_entries(r->db, a, id, since, &v, &n) ||
	    (n && live_store_entries(r->db, a, id, 0, &all, &nall)))
		return 500;
	kb_buf *j = &r->body;
	kb_buf_printf(j, "{\"seq\":%lld,\"open\":%s,\"entries\":[", (long long)live.seq,
		      live_is_open(&live, kb_now()) ? "true" : "false");
	for (size_t i = 0; i < n; i++) {
		kb_buf_printf(j, "%s{\"id\":%lld,\"pinned\":%s,\"deleted\":%s,\"at\":%lld,\"html\":",
			      i ? "," : "", (long long)v[i].id, v[i].pinned ? "true" : "false",
			      v[i].deleted ? "true" : "false", (long long)v[i].created_at);
		if (v[i].deleted)
			kb_buf_puts(j, "\"\"");
		else if (json_html(j, "live-entry", entry_value(r, &v[i], page)))
			return 500;
		kb_buf_putc(j, '}');
	}
	/* The key events again when an entry changed (null: as they were);
	 * the answer most readers get, nothing new, stays a few bytes. */
	kb_buf_puts(j, "],\"keys\":");
	tv *k = tv_obj(a);
	tv_set(k, "keys", key_events(r, all, nall));
	if (!n)
		kb_buf_puts(j, "null");
	else if (json_html(j, "live-keys", k))
		return 500;
	kb_buf_putc(j, '}');
	r->content_type = "application/json";
	return 200;
}
