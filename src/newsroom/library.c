/*
 * library.c: the media library (every upload, newest first), the upload
 * itself and a photo's status for the editor's script, which polls it
 * until the derived images are ready. The image work is in src/media/.
 */
#include <stdlib.h>
#include <string.h>

#include "../media/media.h"
#include "newsroom.h"

#define PER_PAGE 40

/* A photo as JSON for the editor's script. */
static json_t *media_json(kb_req *r, const kb_media *m)
{
	json_t *j = json_pack("{s:I,s:s,s:s}", "id", (json_int_t)m->id, "status", m->status, "name", m->name);
	if (!strcmp(m->status, "ready")) {
		int w = strstr(m->widths, "640") ? 640 : atoi(m->widths);
		json_object_set_new(j, "thumb",
				    json_string(kb_arena_printf(&r->arena, "/media/%s-%d.jpg", m->stem, w)));
		json_object_set_new(j, "width", json_integer(m->width));
		json_object_set_new(j, "height", json_integer(m->height));
	}
	if (!strcmp(m->status, "failed"))
		json_object_set_new(j, "error", json_string(m->error));
	return j;
}

int nr_library(kb_req *r)
{
	kb_arena *a = &r->arena;
	const char *lang = r->user.lang;
	int page = nr_page(r);
	kb_media *v;
	size_t n, total;
	if (store_media_list(r->db, a, PER_PAGE, (size_t)(page - 1) * PER_PAGE, &v, &n, &total))
		return 500;
	tv *ctx = nr_context(r, "media", "media");
	if (!ctx)
		return 500;
	tv *list = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		tv *o = tv_obj(a);
		tv_set_int(o, "id", v[i].id);
		tv_set_str(o, "name", v[i].name);
		tv_set_str(o, "who", v[i].user_name);
		tv_set_str(o, "when", nr_date(r, v[i].created_at));
		tv_set(o, "size", tv_strf(a, "%.1f MB", (double)v[i].bytes / (1 << 20)));
		tv_set_bool(o, "ready", !strcmp(v[i].status, "ready"));
		tv_set_bool(o, "failed", !strcmp(v[i].status, "failed"));
		tv_set_str(o, "error", v[i].error);
		if (!strcmp(v[i].status, "ready")) {
			int w0 = atoi(v[i].widths);
			tv_set(o, "thumb", tv_strf(a, "/media/%s-%d.jpg", v[i].stem, w0));
			tv_set(o, "thumb_webp", tv_strf(a, "/media/%s-%d.webp", v[i].stem, w0));
			tv_set(o, "full", tv_strf(a, "/media/%s-social.jpg", v[i].stem));
			tv_set(o, "dims", tv_strf(a, "%d × %d", v[i].width, v[i].height));
			tv_set_int(o, "width", w0);
			tv_set_int(o, "height", v[i].width ? (long long)v[i].height * w0 / v[i].width : 0);
		}
		tv_push(list, o);
	}
	tv_set(ctx, "media", list);
	tv_set_int(ctx, "total", (long long)total);
	if (page > 1)
		tv_set(ctx, "prev", tv_strf(a, "/newsroom/media?page=%d", page - 1));
	if ((size_t)page * PER_PAGE < total)
		tv_set(ctx, "next", tv_strf(a, "/newsroom/media?page=%d", page + 1));
	const char *err = req_query(r, "error");
	if (err && !strcmp(err, "big"))
		tv_set_str(ctx, "error", nr_label(lang, "photo_too_big"));
	return nr_render(r, "newsroom-library", ctx, 200);
}

int nr_upload(kb_req *r)
{
	const kb_form_field *f = req_field(r, "file");
	int json = nr_wants_json(r);
	char err[300];
	int64_t id;
	if (!f || !f->filename) {
		if (json)
			return nr_json_error(r, 400, "कोई फ़ाइल नहीं मिली।");
		r->error_text = "कोई फ़ाइल नहीं मिली।";
		return 400;
	}
	int status = media_intake(r->db, r->user.id, f->filename, f->value, f->len, &id, err, sizeof err);
	if (status) {
		if (json)
			return nr_json_error(r, status, err);
		r->error_text = kb_arena_strdup(&r->arena, err);
		return status;
	}
	if (store_audit_add(r->db, r->user.id, "upload", 0, f->filename))
		return 500;
	server_wake("photos");
	if (!json)
		return nr_redirect(r, "/newsroom/media");
	kb_media m;
	if (store_media_get(r->db, &r->arena, id, &m))
		return 500;
	return nr_json(r, media_json(r, &m), 202);
}

int nr_media_json(kb_req *r)
{
	kb_media m;
	int rc = store_media_get(r->db, &r->arena, nr_param_id(r, 0), &m);
	if (rc)
		return rc == STORE_NOTFOUND ? nr_json_error(r, 404, "not found") : 500;
	return nr_json(r, media_json(r, &m), 200);
}
