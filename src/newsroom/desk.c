/*
 * desk.c: the newsroom's front page: stories by status, most recently
 * changed first. Reporters see their own; editors see everyone's, with
 * the review queue first.
 */
#include <stdlib.h>
#include <string.h>

#include "../db/reads_store.h"
#include "newsroom.h"

#define PER_PAGE 30

int nr_desk(kb_req *r)
{
	kb_arena *a = &r->arena;
	const char *lang = r->user.lang;
	int editor = r->user.role >= ROLE_EDITOR;
	const char *status = req_query(r, "status");
	static const char *const statuses[] = {"draft", "review", "scheduled", "published", "unpublished"};
	int known = 0;
	for (size_t i = 0; status && i < KB_COUNT(statuses); i++)
		known |= !strcmp(status, statuses[i]);
	if (!known)
		status = NULL;
	const char *mine_q = req_query(r, "mine");
	int mine = !editor || (mine_q && !strcmp(mine_q, "1"));
	/* Editors land on the review queue when it has stories. */
	if (editor && !status && !mine_q && !req_query(r, "all")) {
		kb_article *v;
		size_t n, total;
		kb_desk_query q = {.status = "review", .limit = 1};
		if (store_desk_list(r->db, a, &q, &v, &n, &total))
			return 500;
		if (total)
			status = "review";
	}
	int page = nr_page(r);
	kb_desk_query q = {.status = status,
			   .owner_id = mine ? r->user.id : 0,
			   .limit = PER_PAGE,
			   .offset = (size_t)(page - 1) * PER_PAGE};
	kb_article *v;
	size_t n, total;
	if (store_desk_list(r->db, a, &q, &v, &n, &total))
		return 500;

	tv *ctx = nr_context(r, "desk", "desk");
	if (!ctx)
		return 500;
	tv *tabs = tv_list(a);
	if (editor) {
		tv *t = tv_obj(a);
		tv_set_str(t, "label", nr_label(lang, "all"));
		tv_set_str(t, "url", "/newsroom?all=1");
		tv_set_bool(t, "current", !status && !mine);
		tv_push(tabs, t);
		t = tv_obj(a);
		tv_set_str(t, "label", nr_label(lang, "mine"));
		tv_set_str(t, "url", "/newsroom?mine=1");
		tv_set_bool(t, "current", !status && mine);
		tv_push(tabs, t);
	}
	for (size_t i = 0; i < KB_COUNT(statuses); i++) {
		tv *t = tv_obj(a);
		tv_set_str(t, "label", nr_status_label(lang, statuses[i]));
		tv_set(t, "url",
		       tv_strf(a, "/newsroom?status=%s%s", statuses[i], editor && mine ? "&mine=1" : ""));
		tv_set_bool(t, "current", status && !strcmp(status, statuses[i]));
		tv_push(tabs, t);
	}
	tv_set(ctx, "tabs", tabs);
	/* Each story's reads: all kept (eight days) and the last 24 hours. */
	int64_t *ids = kb_arena_alloc(a, (n ? n : 1) * sizeof *ids);
	kb_read_totals *reads = kb_arena_alloc(a, (n ? n : 1) * sizeof *reads);
	for (size_t i = 0; i < n; i++)
		ids[i] = v[i].id;
	if (reads_store_totals(r->db, ids, n, kb_now() / 3600 - 23, reads))
		return 500;
	tv *list = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		tv *o = tv_obj(a);
		tv_set_int(o, "id", v[i].id);
		tv_set_str(o, "title", *v[i].title ? v[i].title : "—");
		tv_set(o, "url", tv_strf(a, "/newsroom/articles/%lld", (long long)v[i].id));
		tv_set_str(o, "status", v[i].status);
		tv_set_str(o, "status_label", nr_status_label(lang, v[i].status));
		tv_set_str(o, "updated", nr_date(r, v[i].updated_at));
		tv_set_str(o, "author", v[i].author.name);
		tv_set_str(o, "category", v[i].category.name);
		tv_set_bool(o, "breaking", v[i].breaking);
		if (!strcmp(v[i].status, "scheduled"))
			tv_set_str(o, "when", nr_date(r, v[i].publish_at));
		if (reads[i].total) {
			tv_set_int(o, "reads", (long long)reads[i].total);
			tv_set_int(o, "reads_day", (long long)reads[i].recent);
		}
		if (v[i].media.id)
			tv_set(o, "thumb",
			       tv_strf(a, "/media/%s-%d.jpg", v[i].media.stem, atoi(v[i].media.widths)));
		tv_push(list, o);
	}
	tv_set(ctx, "articles", list);
	tv_set_int(ctx, "total", (long long)total);
	if (page > 1)
		tv_set(ctx, "prev",
		       tv_strf(a, "/newsroom?%s%s%spage=%d", status ? "status=" : "", status ? status : "",
			       status ? "&" : "", page - 1));
	if ((size_t)page * PER_PAGE < total)
		tv_set(ctx, "next",
		       tv_strf(a, "/newsroom?%s%s%spage=%d", status ? "status=" : "", status ? status : "",
			       status ? "&" : "", page + 1));
	return nr_render(r, "newsroom-desk", ctx, 200);
}
