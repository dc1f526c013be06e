/*
 * authors.c: author profiles in the newsroom: the list of every author
 * (editors and admins), and the profile form: bio, role, public email,
 * social links, photo (an upload through the photo pipeline) and the
 * categories covered. Editors and admins edit every profile; a reporter
 * only the one their account writes as ("मेरी प्रोफ़ाइल"): the route
 * table lets any newsroom user in, and owner_ok checks which. Input is
 * checked before anything is written: links must be http(s) URLs, the
 * email an address. Not here: the profile as readers see it
 * (src/pages/listing.c, article.c), its store (src/db/authors_store.h).
 */
#include <stdlib.h>
#include <string.h>

#include "../db/authors_store.h"
#include "../media/media.h"
#include "../render/escape.h"
#include "../tips/tips.h"
#include "newsroom.h"

#define MAX_BIO 2000
#define MAX_SHORT 200
#define MAX_LINKS 10

/* Whether the user may edit author id: an editor, or the author their
 * account writes as. 0, or the status to answer (403, 500). */
static int owner_ok(kb_req *r, int64_t id)
{
	if (r->user.role >= ROLE_EDITOR)
		return 0;
	int64_t mine;
	if (authors_store_of_user(r->db, r->user.id, NULL, &mine))
		return 500;
	return mine == id ? 0 : 403;
}

int nr_authors(kb_req *r)
{
	kb_arena *a = &r->arena;
	kb_author_profile *v;
	size_t n;
	if (authors_store_list(r->db, a, &v, &n))
		return 500;
	tv *ctx = nr_context(r, "authors", "authors");
	if (!ctx)
		return 500;
	tv *list = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		tv *o = tv_obj(a);
		tv_set_int(o, "id", v[i].id);
		tv_set_str(o, "name", v[i].name);
		tv_set_str(o, "role", v[i].role);
		tv_set(o, "path", tv_strf(a, "/author/%s", v[i].slug));
		tv_set_int(o, "stories", v[i].stories);
		tv_set_bool(o, "photo", v[i].photo_id != 0);
		tv_push(list, o);
	}
	tv_set(ctx, "authors", list);
	return nr_render(r, "newsroom-authors", ctx, 200);
}

int nr_profile(kb_req *r)
{
	int64_t id;
	if (authors_store_of_user(r->db, r->user.id, r->user.name, &id))
		return 500;
	return nr_redirect(r, "/newsroom/authors/%lld", (long long)id);
}

/* The form for profile p, with error (a label key or NULL) and status;
 * saved says it was just saved. */
static int form_page(kb_req *r, const kb_author_profile *p, const char *error, int status, int saved)
{
	kb_arena *a = &r->arena;
	const char *lang = r->user.lang;
	tv *ctx = nr_context(r, "profile", r->user.role >= ROLE_EDITOR ? "authors" : "profile");
	if (!ctx)
		return 500;
	tv *o = tv_obj(a);
	tv_set_int(o, "id", p->id);
	tv_set_str(o, "name", p->name);
	tv_set_str(o, "bio", p->bio);
	tv_set_str(o, "role", p->role);
	tv_set_str(o, "email", p->email);
	tv_set_str(o, "links", p->links);
	tv_set(o, "live", tv_strf(a, "/author/%s", p->slug));
	if (p->photo_id) {
		kb_media m;
		if (!store_media_get(r->db, a, p->photo_id, &m)) {
			tv *ph = tv_obj(a);
			nr_photo_small(r, ph, &m);
			tv_set(o, "photo", ph);
		}
	}
	kb_category *cats;
	size_t nc;
	if (store_category_list(r->db, a, &cats, &nc))
		return 500;
	tv *cl = tv_list(a);
	for (size_t i = 0; i < nc; i++) {
		tv *c = tv_obj(a);
		tv_set_int(c, "id", cats[i].id);
		tv_set_str(c, "name", cats[i].name);
		int on = 0;
		for (size_t k = 0; k < p->nareas; k++)
			on |= p->areas[k].id == cats[i].id;
		tv_set_bool(c, "checked", on);
		tv_push(cl, c);
	}
	tv_set(o, "categories", cl);
	tv_set(ctx, "author", o);
	if (saved && !error)
		tv_set_str(ctx, "message", nr_label(lang, "profile_saved"));
	if (error)
		tv_set_str(ctx, "error", nr_label(lang, error));
	return nr_render(r, "newsroom-author", ctx, status);
}

int nr_author(kb_req *r)
{
	int64_t id = nr_param_id(r, 0);
	kb_author_profile p;
	int rc = authors_store_get(r->db, &r->arena, id, &p);
	if (rc)
		return rc == STORE_NOTFOUND ? 404 : 500;
	if ((rc = owner_ok(r, id)))
		return rc;
	return form_page(r, &p, NULL, 200, req_query(r, "saved") != NULL);
}

/* Checks the links (one a line) and makes them one http(s) URL a line,
 * into *out; the error's label key, or NULL. */
static const char *check_links(kb_req *r, const char *s, const char **out)
{
	kb_buf b = {0};
	int n = 0;
	for (const char *l = s; *l;) {
		size_t len = strcspn(l, "\n");
		const char *x = l;
		size_t xl = len;
		while (xl && (*x == ' ' || *x == '\t'))
			x++, xl--;
		while (xl && (x[xl - 1] == ' ' || x[xl - 1] == '\t'))
			xl--;
		l += len + (l[len] == '\n');
		if (!xl)
			continue;
		int web = (xl > 8 && !strncmp(x, "https://", 8)) || (xl > 7 && !strncmp(x, "http://", 7));
		if (!web || !url_is_safe(x, xl) || memchr(x, ' ', xl) || ++n > MAX_LINKS) {
			kb_buf_free(&b);
			return n > MAX_LINKS ? "profile_too_many_links" : "profile_bad_link";
		}
		kb_buf_printf(&b, "%s%.*s", b.len ? "\n" : "", (int)xl, x);
	}
	*out = kb_arena_strndup(&r->arena, kb_buf_str(&b), b.len);
	kb_buf_free(&b);
	return NULL;
}

/* A photo part that holds something (a browser sends an empty part when
 * none was chosen), or NULL. */
static const kb_form_field *photo_of(kb_req *r)
{
	const kb_form_field *f = req_field(r, "photo");
	return f && f->filename && f->len ? f : NULL;
}

int nr_author_save(kb_req *r)
{
	kb_arena *a = &r->arena;
	int64_t id = nr_param_id(r, 0);
	kb_author_profile cur;
	int rc = authors_store_get(r->db, a, id, &cur);
	if (rc)
		return rc == STORE_NOTFOUND ? 404 : 500;
	if ((rc = owner_ok(r, id)))
		return rc;
	int bad = 0;
	kb_author_input in = {
		.bio = nr_field(r, "bio", MAX_BIO, &bad),
		.role = nr_field(r, "role", MAX_SHORT, &bad),
		.email = nr_field(r, "email", MAX_SHORT, &bad),
		.photo_id = req_form(r, "remove_photo") ? 0 : cur.photo_id,
	};
	const char *links = nr_field(r, "links", MAX_LINKS * 300, &bad);
	/* What was typed, shown back with an error. */
	kb_author_profile shown = cur;
	shown.bio = in.bio, shown.role = in.role, shown.email = in.email, shown.links = links;
	const char *err = bad ? "profile_too_long" : NULL;
	if (!err && *in.email && !tips_contact_is_email(in.email))
		err = "profile_bad_email";
	if (!err)
		err = check_links(r, links, &in.links);
	if (err)
		return form_page(r, &shown, err, 400, 0);
	int64_t *areas = kb_arena_alloc(a, 64 * sizeof *areas);
	size_t i = 0;
	const kb_form_field *f;
	while ((f = req_field_next(r, "area", &i)) && in.nareas < 64) {
		long long c = strtoll(f->value, NULL, 10);
		if (c > 0)
			areas[in.nareas++] = c;
	}
	in.area_ids = areas;
	const kb_form_field *ph = photo_of(r);
	if (ph) {
		char msg[300];
		int64_t media;
		int status = media_intake(r->db, r->user.id, ph->filename, ph->value, ph->len, &media, msg,
					  sizeof msg);
		if (status) {
			r->error_text = kb_arena_strdup(a, msg);
			return status;
		}
		in.photo_id = media;
		server_wake("photos");
	}
	rc = authors_store_save(r->db, id, &in);
	if (rc == STORE_NOTFOUND)
		return 404;
	if (rc || store_audit_add(r->db, r->user.id, "profile_save", 0, cur.name))
		return 500;
	return nr_redirect(r, "/newsroom/authors/%lld?saved=1", (long long)id);
}
