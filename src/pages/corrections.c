/*
 * corrections.c: the public list of corrections and updates
 * (/corrections), newest first, each with its story, as the corrections
 * policy promises readers. It names no dependency tags, so any change to
 * a published story rebuilds it (and purges it at the edge), a new note
 * among them. Not here: the notes on a story's own page (article.c), the
 * newsroom's form (src/newsroom/notes.c).
 */
#include "../db/notes_store.h"
#include "../db/pages_store.h"
#include "pages.h"

#define PER_PAGE 30

int page_corrections(kb_req *r)
{
	kb_arena *a = &r->arena;
	int page = site_page_number(r);
	if (!page)
		return 404;
	kb_note *v;
	size_t n, total;
	if (notes_store_recent(r->db, a, PER_PAGE, (size_t)(page - 1) * PER_PAGE, &v, &n, &total))
		return 500;
	if (page > 1 && !n)
		return 404;
	tv *ctx = site_context(r,
			       page > 1 ? kb_arena_printf(a, "सुधार और अपडेट - पेज %d", page) : "सुधार और अपडेट",
			       "हमारी खबरों में किए गए सुधार और महत्वपूर्ण अपडेट, तारीख़ के साथ।");
	if (!ctx)
		return 500;
	tv *list = tv_list(a);
	for (size_t i = 0; i < n; i++)
		tv_push(list, site_note(r, &v[i]));
	tv_set(ctx, "notes", list);
	/* The policy, when the newsroom has published it. */
	kb_page policy;
	int rc = pages_store_by_slug(r->db, a, "corrections-policy", 1, &policy);
	if (rc == STORE_ERROR)
		return 500;
	if (rc == STORE_OK) {
		tv *p = tv_obj(a);
		tv_set_str(p, "title", policy.title);
		tv_set(p, "url", tv_strf(a, "/page/%s", policy.slug));
		tv_set(ctx, "policy", p);
	}
	site_pager(r, ctx, page, PER_PAGE, total);
	return site_render(r, "corrections", ctx);
}
