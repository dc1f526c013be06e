/*
 * pages.c: static pages in the newsroom (about, contact, the policies, the
 * grievance officer): the list, the editor with a live preview (the
 * stories' /newsroom/preview, so it renders as readers see it), saving
 * with the version check, publishing, unpublishing and deleting, each with
 * an audit entry; each save keeps a revision, which the editor lists and
 * can restore (a new save, so a restore is undone the same way). Editors
 * and admins only (the route table says so, and checks the CSRF token).
 * Not here: the page as readers see it (src/pages/page.c).
 */
#include <stdlib.h>
#include <string.h>

#include "../db/pages_store.h"
#include "../text/text.h"
#include "newsroom.h"

#define MAX_PAGE_BODY (256 * 1024)
#define MAX_PAGE_TITLE 300

/* Reads the editor's form into in (the slug made a slug, from the title
 * when it gives none) and *version; the error's label key, or NULL. */
static const char *read_form(kb_req *r, kb_page_input *in, int64_t *version)
{
	int bad = 0;
	memset(in, 0, sizeof *in);
	in->title = nr_field(r, "title", MAX_PAGE_TITLE, &bad);
	in->body = nr_field(r, "body", MAX_PAGE_BODY, &bad);
	const char *slug = nr_field(r, "slug", 600, &bad);
	const char *footer = req_form(r, "footer");
	const char *v = req_form(r, "version");
	*version = v ? strtoll(v, NULL, 10) : 0;
	if (bad)
		return "page_too_long";
	long f = footer ? strtol(footer, NULL, 10) : 0;
	in->footer = f < 0 ? 0 : f > 999 ? 999 : f;
	if (!*in->title)
		return "page_need_title";
	/* The typed slug made a slug, else the title's, else a made-up one
	 * (a title of signs alone has no letters to make one from). */
	kb_buf b = {0};
	text_slug(&b, slug, strlen(slug), 60);
	if (!b.len)
		text_slug(&b, in->title, strlen(in->title), 60);
	if (!b.len)
		kb_buf_printf(&b, "page-%lld", (long long)kb_now());
	in->slug = kb_arena_strndup(&r->arena, kb_buf_str(&b), b.len);
	kb_buf_free(&b);
	return NULL;
}

/* The editor's page for p (id 0: a new page) with error (a label key, or
 * NULL) and status. */
static int editor_page(kb_req *r, const kb_page *p, const char *error, int status)
{
	kb_arena *a = &r->arena;
	const char *lang = r->user.lang;
	tv *ctx = nr_context(r, p->id ? "pages" : "new_page", "pages");
	if (!ctx)
		return 500;
	tv *o = tv_obj(a);
	tv_set_int(o, "id", p->id);
	tv_set_str(o, "title", p->title);
	tv_set_str(o, "slug", p->slug);
	tv_set_str(o, "body", p->body);
	tv_set_int(o, "footer", p->footer);
	tv_set_int(o, "version", p->version);
	tv_set_str(o, "status", p->status);
	tv_set_str(o, "status_label", nr_status_label(lang, p->status));
	tv_set_bool(o, "published", !strcmp(p->status, "published"));
	tv_set(o, "action",
	       p->id ? tv_strf(a, "/newsroom/pages/%lld", (long long)p->id)
		     : tv_str(a, "/newsroom/pages/new"));
	tv_set(o, "live", tv_strf(a, "/page/%s", p->slug));
	if (p->id) {
		kb_page_revision *v;
		size_t n;
		if (pages_store_revisions(r->db, a, p->id, &v, &n))
			return 500;
		tv *list = tv_list(a);
		for (size_t i = 0; i < n; i++) {
			tv *x = nr_revision_value(r, v[i].id, v[i].version, v[i].title, v[i].user_name,
						  v[i].at, v[i].kind);
			tv_set_bool(x, "current", v[i].version == p->version);
			tv_push(list, x);
		}
		tv_set(o, "revisions", list);
	}
	tv_set(ctx, "doc", o);
	if (error)
		tv_set_str(ctx, "error", nr_label(lang, error));
	return nr_render(r, "newsroom-page", ctx, status);
}

/* The form as it came back, for the editor shown again with an error. */
static kb_page page_of_form(int64_t id, const kb_page_input *in, int64_t version, const char *status)
{
	kb_page p = {.id = id,
		     .slug = in->slug ? in->slug : "",
		     .title = in->title ? in->title : "",
		     .body = in->body ? in->body : "",
		     .status = status,
		     .footer = in->footer,
		     .version = version};
	return p;
}

int nr_pages(kb_req *r)
{
	kb_arena *a = &r->arena;
	kb_page *v;
	size_t n;
	if (pages_store_list(r->db, a, 0, &v, &n))
		return 500;
	tv *ctx = nr_context(r, "pages", "pages");
	if (!ctx)
		return 500;
	tv *list = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		tv *o = tv_obj(a);
		tv_set_int(o, "id", v[i].id);
		tv_set_str(o, "title", v[i].title);
		tv_set(o, "path", tv_strf(a, "/page/%s", v[i].slug));
		tv_set_str(o, "status", v[i].status);
		tv_set_str(o, "status_label", nr_status_label(r->user.lang, v[i].status));
		tv_set_int(o, "footer", v[i].footer);
		tv_set_str(o, "updated", nr_date(r, v[i].updated_at));
		tv_push(list, o);
	}
	tv_set(ctx, "pages", list);
	return nr_render(r, "newsroom-pages", ctx, 200);
}

int nr_page_new(kb_req *r)
{
	kb_page p = {.slug = "", .title = "", .body = "", .status = "draft"};
	return editor_page(r, &p, NULL, 200);
}

int nr_page_create(kb_req *r)
{
	kb_page_input in;
	int64_t version, id;
	const char *err = read_form(r, &in, &version);
	if (err) {
		kb_page p = page_of_form(0, &in, 0, "draft");
		return editor_page(r, &p, err, 400);
	}
	in.status = "draft";
	if (store_begin(r->db))
		return 500;
	int rc = pages_store_add(r->db, &in, r->user.id, kb_now(), &id);
	if (rc == STORE_CONFLICT) {
		store_rollback(r->db);
		kb_page p = page_of_form(0, &in, 0, "draft");
		return editor_page(r, &p, "page_slug_taken", 409);
	}
	if (rc || pages_store_revision_add(r->db, id, r->user.id, "save", kb_now()) ||
	    store_audit_add(r->db, r->user.id, "page_create", 0, in.title) || store_commit(r->db)) {
		store_rollback(r->db);
		return 500;
	}
	return nr_redirect(r, "/newsroom/pages/%lld", (long long)id);
}

int nr_page_edit(kb_req *r)
{
	kb_page p;
	int rc = pages_store_get(r->db, &r->arena, nr_param_id(r, 0), &p);
	if (rc == STORE_NOTFOUND)
		return 404;
	if (rc)
		return 500;
	return editor_page(r, &p, NULL, 200);
}

/* Saves the form to page {id}, with status (NULL: kept), keeps the
 * revision and writes the audit entry action; redirects to the editor,
 * or shows it again with the reason. */
static int save_as(kb_req *r, const char *status, const char *action)
{
	const char *kind = "save";
	int64_t id = nr_param_id(r, 0), version;
	kb_page cur;
	int rc = pages_store_get(r->db, &r->arena, id, &cur);
	if (rc == STORE_NOTFOUND)
		return 404;
	if (rc)
		return 500;
	kb_page_input in;
	const char *err = read_form(r, &in, &version);
	if (err) {
		kb_page p = page_of_form(id, &in, version, cur.status);
		return editor_page(r, &p, err, 400);
	}
	in.status = status;
	if (store_begin(r->db))
		return 500;
	rc = pages_store_save(r->db, id, version, &in, r->user.id, kb_now());
	if (rc)
		store_rollback(r->db);
	if (rc == STORE_NOTFOUND)
		return 404;
	if (rc == STORE_CONFLICT) {
		/* A taken slug or a lost race: the form is shown again as it
		 * came, so nothing typed is lost. */
		kb_page other;
		int taken = pages_store_by_slug(r->db, &r->arena, in.slug, 0, &other) == STORE_OK &&
			    other.id != id;
		kb_page p = page_of_form(id, &in, version, cur.status);
		return editor_page(r, &p, taken ? "page_slug_taken" : "page_conflict", 409);
	}
	if (rc || pages_store_revision_add(r->db, id, r->user.id, kind, kb_now()) ||
	    store_audit_add(r->db, r->user.id, action, 0,
			    kb_arena_printf(&r->arena, "%s (/page/%s)", in.title, in.slug)) ||
	    store_commit(r->db)) {
		store_rollback(r->db);
		return 500;
	}
	return nr_redirect(r, "/newsroom/pages/%lld", (long long)id);
}

int nr_page_save(kb_req *r)
{
	return save_as(r, NULL, "page_save");
}

int nr_page_publish(kb_req *r)
{
	return save_as(r, "published", "page_publish");
}

int nr_page_unpublish(kb_req *r)
{
	return save_as(r, "draft", "page_unpublish");
}

int nr_page_restore(kb_req *r)
{
	int64_t id = nr_param_id(r, 0);
	const char *v = req_form(r, "revision");
	kb_page cur;
	kb_page_revision rev;
	int rc = pages_store_get(r->db, &r->arena, id, &cur);
	if (!rc)
		rc = pages_store_revision_get(r->db, &r->arena, v ? strtoll(v, NULL, 10) : 0, &rev);
	if (rc == STORE_NOTFOUND || (!rc && rev.page_id != id))
		return 404;
	if (rc)
		return 500;
	/* The text comes back; the URL, status and footer place stay. */
	kb_page_input in = {.slug = cur.slug, .title = rev.title, .body = rev.body, .footer = cur.footer};
	if (store_begin(r->db))
		return 500;
	rc = pages_store_save(r->db, id, 0, &in, r->user.id, kb_now());
	if (rc || pages_store_revision_add(r->db, id, r->user.id, "restore", kb_now()) ||
	    store_audit_add(r->db, r->user.id, "page_restore", 0,
			    kb_arena_printf(&r->arena, "%s (/page/%s, %lld)", rev.title, cur.slug,
					    (long long)rev.version)) ||
	    store_commit(r->db)) {
		store_rollback(r->db);
		return rc == STORE_NOTFOUND ? 404 : 500;
	}
	return nr_redirect(r, "/newsroom/pages/%lld", (long long)id);
}

int nr_page_delete(kb_req *r)
{
	int64_t id = nr_param_id(r, 0);
	kb_page cur;
	int rc = pages_store_get(r->db, &r->arena, id, &cur);
	if (rc)
		return rc == STORE_NOTFOUND ? 404 : 500;
	if (store_begin(r->db))
		return 500;
	rc = pages_store_delete(r->db, id);
	if (rc ||
	    store_audit_add(r->db, r->user.id, "page_delete", 0,
			    kb_arena_printf(&r->arena, "%s (/page/%s)", cur.title, cur.slug)) ||
	    store_commit(r->db)) {
		store_rollback(r->db);
		return rc == STORE_NOTFOUND ? 404 : 500;
	}
	return nr_redirect(r, "/newsroom/pages");
}
