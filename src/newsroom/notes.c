/*
 * notes.c: corrections and updates from the newsroom: on a published
 * story an editor adds a dated note, a correction (सुधार) or a
 * significant update (अपडेट), which moves the story's dateModified and
 * lands in the activity log. Editors only (the route table says so).
 * Not here: the notes as readers see them (src/pages/article.c,
 * src/pages/corrections.c), their store (src/db/notes_store.h).
 */
#include <string.h>

#include "../db/notes_store.h"
#include "newsroom.h"

#define MAX_NOTE 2000

tv *nr_notes_value(kb_req *r, int64_t article_id)
{
	kb_arena *a = &r->arena;
	kb_note *v;
	size_t n;
	if (notes_store_list(r->db, a, article_id, &v, &n))
		return NULL;
	tv *list = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		tv *o = tv_obj(a);
		tv_set_str(o, "kind", v[i].kind);
		tv_set_str(o, "label", nr_label(r->user.lang, kb_arena_printf(a, "kind_%s", v[i].kind)));
		tv_set_str(o, "body", v[i].body);
		tv_set_str(o, "date", nr_date(r, v[i].at));
		tv_set_str(o, "iso", nr_local_input(r, v[i].at));
		tv_push(list, o);
	}
	return list;
}

int nr_note_add(kb_req *r)
{
	const char *lang = r->user.lang;
	int64_t id = nr_param_id(r, 0);
	kb_article art;
	int rc = store_article_by_id(r->db, &r->arena, id, &art);
	if (rc)
		return rc == STORE_NOTFOUND ? 404 : 500;
	const char *kind = req_form(r, "kind");
	int bad = 0;
	const char *body = nr_field(r, "note", MAX_NOTE, &bad);
	while (*body == ' ' || *body == '\n')
		body++;
	const char *why = strcmp(art.status, "published") ? "note_not_published"
			  : !notes_kind_ok(kind)          ? "note_bad_kind"
			  : bad                           ? "note_too_long"
			  : !*body                        ? "note_empty"
							  : NULL;
	if (why) {
		r->error_text = nr_label(lang, why);
		return strcmp(art.status, "published") ? 409 : 400;
	}
	int64_t note;
	rc = notes_store_add(r->db, id, kind, body, r->user.id, kb_now(), &note);
	if (rc == STORE_NOTFOUND) {
		r->error_text = nr_label(lang, "note_not_published");
		return 409;
	}
	if (rc || store_audit_add(r->db, r->user.id, kb_arena_printf(&r->arena, "note_%s", kind), id, body))
		return 500;
	return nr_redirect(r, "/newsroom/articles/%lld?noted=1#notes", (long long)id);
}
