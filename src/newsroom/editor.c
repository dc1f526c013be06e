/*
 * editor.c: writing and the workflow. The editor page (one form for every
 * field), saving with a version check, autosave, the Markdown preview,
 * tag and slug suggestions, and the transitions: submit for review,
 * publish, schedule, unpublish, return to the writer.
 *
 * Each transition is its own route with its own role in the route table;
 * the form's buttons post to them (formaction), and each saves the form
 * first, so nothing typed is lost on the way. A save whose version is not
 * the article's current one is a conflict: nothing is overwritten, the
 * losing edit is kept as a revision, and the editor comes back with the
 * writer's text and a message.
 *
 * "सूचना भेजें" (the notify box, on by default for breaking news) goes
 * with publish and schedule: publishing queues the story's push alert at
 * once (nr_article_alert), scheduling remembers it for the scheduler, and
 * any other move forgets it. A refused alert never undoes the publish:
 * the editor comes back saying it was not sent, and why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/reads_store.h"
#include "../push/push.h"
#include "../render/markdown.h"
#include "../text/text.h"
#include "newsroom.h"

/* Field limits, in bytes: generous for Devanagari (3 bytes a letter). */
#define MAX_TITLE 1000
#define MAX_SUMMARY 3000
#define MAX_BODY (512 * 1024)
#define MAX_SHORT 600
#define MAX_TAGS 20

/* Trims spaces (ASCII) from both ends, in the arena. */
static const char *trim(kb_req *r, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t' || *s == '\n'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
		n--;
	return kb_arena_strndup(&r->arena, s, n);
}

/* Splits tags at commas (every phone keyboard has one), trimmed, without
 * repeats, at most MAX_TAGS. */
static size_t split_tags(kb_req *r, const char *s, const char ***out)
{
	const char **v = kb_arena_alloc(&r->arena, MAX_TAGS * sizeof *v);
	size_t n = 0;
	while (*s && n < MAX_TAGS) {
		size_t len = strcspn(s, ",");
		const char *t = trim(r, s, len);
		int dup = 0;
		for (size_t i = 0; i < n; i++)
			dup |= !strcmp(v[i], t);
		if (*t && !dup)
			v[n++] = t;
		s += len + (s[len] == ',');
	}
	*out = v;
	return n;
}

/* Reads the editor form into in. Returns 0, or -1 when a field is too
 * long. */
static int read_form(kb_req *r, kb_article_input *in, int64_t *version)
{
	int bad = 0;
	memset(in, 0, sizeof *in);
	const char *title = nr_field(r, "title", MAX_TITLE, &bad);
	in->title = trim(r, title, strlen(title));
	in->summary = nr_field(r, "summary", MAX_SUMMARY, &bad);
	in->body = nr_field(r, "body", MAX_BODY, &bad);
	in->category_slug = nr_field(r, "category", MAX_SHORT, &bad);
	const char **tags;
	in->ntags = split_tags(r, nr_field(r, "tags", 8 * MAX_SHORT, &bad), &tags);
	in->tags = tags;
	in->dateline = nr_field(r, "dateline", MAX_SHORT, &bad);
	in->author_name = nr_field(r, "author", MAX_SHORT, &bad);
	if (!*in->author_name)
		in->author_name = r->user.name;
	in->image_caption = nr_field(r, "caption", MAX_SUMMARY, &bad);
	in->image_credit = nr_field(r, "credit", MAX_SHORT, &bad);
	in->slug = nr_field(r, "slug", MAX_SHORT, &bad);
	in->seo_title = nr_field(r, "seo_title", MAX_TITLE, &bad);
	in->seo_description = nr_field(r, "seo_description", MAX_SUMMARY, &bad);
	const char *b = req_form(r, "breaking");
	in->breaking = b && *b && strcmp(b, "0");
	const char *sig = req_form(r, "significant");
	in->significant = sig && *sig && strcmp(sig, "0");
	const char *m = req_form(r, "media_id");
	in->media_id = m ? strtoll(m, NULL, 10) : 0;
	if (in->media_id < 0)
		in->media_id = 0;
	const char *v = req_form(r, "version");
	*version = v ? strtoll(v, NULL, 10) : 0;
	return bad ? -1 : 0;
}

/* The form's values as an article, for showing the editor again. */
static void input_as_article(const kb_article_input *in, kb_article *a)
{
	a->title = in->title;
	a->summary = in->summary;
	a->body = in->body;
	a->dateline = in->dateline;
	a->image_caption = in->image_caption;
	a->image_credit = in->image_credit;
	a->breaking = in->breaking;
	a->seo_title = in->seo_title;
	a->seo_description = in->seo_description;
	a->author.name = in->author_name;
	a->category.slug = in->category_slug;
	a->media.id = in->media_id;
	a->media.stem = "";
}

/* The photo of media id as a template object, or NULL. */
static tv *photo_value(kb_req *r, int64_t id)
{
	kb_media m;
	if (!id || store_media_get(r->db, &r->arena, id, &m))
		return NULL;
	tv *o = tv_obj(&r->arena);
	tv_set_int(o, "id", m.id);
	tv_set_str(o, "status", m.status);
	tv_set_bool(o, "ready", !strcmp(m.status, "ready"));
	if (!strcmp(m.status, "ready")) {
		int w = 640;
		if (!strstr(m.widths, "640"))
			w = atoi(m.widths);
		tv_set(o, "thumb", tv_strf(&r->arena, "/media/%s-%d.jpg", m.stem, w));
		tv_set_int(o, "width", m.width);
		tv_set_int(o, "height", m.height);
	}
	tv_set_str(o, "name", m.name);
	return o;
}

/*
 * Renders the editor for art (id 0: a new story). tags is the tags as
 * typed (NULL: art's own). message/error show above the form.
 */
static int editor_page(kb_req *r, const kb_article *art, const char *tags, const char *error, int status)
{
	kb_arena *a = &r->arena;
	const char *lang = r->user.lang;
	tv *ctx = nr_context(r, art->id ? "edit" : "new_article", art->id ? "desk" : "new_article");
	if (!ctx)
		return 500;
	tv *o = tv_obj(a);
	tv_set_int(o, "id", art->id);
	tv_set_int(o, "version", art->version);
	tv_set_str(o, "title", art->title ? art->title : "");
	tv_set_str(o, "summary", art->summary ? art->summary : "");
	tv_set_str(o, "body", art->body ? art->body : "");
	tv_set_str(o, "dateline", art->dateline ? art->dateline : "");
	tv_set_str(o, "author", art->author.name ? art->author.name : "");
	tv_set_str(o, "caption", art->image_caption ? art->image_caption : "");
	tv_set_str(o, "credit", art->image_credit ? art->image_credit : "");
	tv_set_str(o, "slug", art->id ? art->slug : "");
	tv_set_str(o, "seo_title", art->seo_title ? art->seo_title : "");
	tv_set_str(o, "seo_description", art->seo_description ? art->seo_description : "");
	tv_set_bool(o, "breaking", art->breaking);
	const char *st = art->status ? art->status : "draft";
	tv_set_str(o, "status", st);
	tv_set_str(o, "status_label", nr_status_label(lang, st));
	if (!tags) {
		kb_buf b = {0};
		for (size_t i = 0; i < art->ntags; i++)
			kb_buf_printf(&b, "%s%s", i ? ", " : "", art->tags[i].name);
		tags = kb_arena_strndup(a, kb_buf_str(&b), b.len);
		kb_buf_free(&b);
	}
	tv_set_str(o, "tags", tags);
	tv *photo = photo_value(r, art->media.id);
	if (photo)
		tv_set(o, "photo", photo);
	if (art->id) {
		tv_set(o, "action", tv_strf(a, "/newsroom/articles/%lld", (long long)art->id));
		tv_set(o, "base", tv_strf(a, "/newsroom/articles/%lld", (long long)art->id));
		if (!strcmp(st, "published")) {
			tv_set(o, "live", tv_strf(a, "/news/%s", art->slug));
			tv_set_str(o, "published_date", nr_date(r, art->published_at));
			tv *notes = nr_notes_value(r, art->id);
			if (!notes)
				return 500;
			tv_set(o, "notes", notes);
			kb_read_totals reads;
			if (reads_store_totals(r->db, &art->id, 1, kb_now() / 3600 - 23, &reads))
				return 500;
			tv_set_int(o, "reads", (long long)reads.total);
			tv_set_int(o, "reads_day", (long long)reads.recent);
		}
		if (!strcmp(st, "scheduled"))
			tv_set_str(o, "scheduled_date", nr_date(r, art->publish_at));
	} else {
		/* The buttons post to /newsroom/articles/new/submit...: the
		 * transition saves first, which creates the story. */
		tv_set_str(o, "action", "/newsroom/articles/new");
		tv_set_str(o, "base", "/newsroom/articles/new");
	}
	int64_t when = art->publish_at ? art->publish_at : (kb_now() / 3600 + 1) * 3600;
	tv_set_str(o, "publish_at", nr_local_input(r, when));
	tv_set(ctx, "article", o);

	/* What this user may do with it now. */
	int can = !art->id || nr_can_edit(&r->user, art);
	int editor = r->user.role >= ROLE_EDITOR;
	int is = !strcmp(st, "published"), sched = !strcmp(st, "scheduled");
	tv *act = tv_obj(a);
	tv_set_bool(act, "edit", can);
	tv_set_bool(act, "submit", can && !strcmp(st, "draft"));
	tv_set_bool(act, "publish", editor && !is);
	tv_set_bool(act, "update", editor && is);
	tv_set_bool(act, "schedule", editor && !is);
	tv_set_bool(act, "unpublish", editor && (is || sched));
	tv_set_bool(act, "return", editor && (!strcmp(st, "review") || sched));
	tv_set_bool(act, "history", art->id != 0);
	tv_set_bool(act, "notify", editor && !is);
	tv_set(ctx, "can", act);
	/* The notify box: what was chosen for a scheduled story, else on for
	 * breaking news. */
	int pending = 0;
	if (sched && push_store_sched_has(r->db, art->id, &pending))
		return 500;
	tv_set_bool(o, "notify", sched ? pending : art->breaking);
	tv_set_bool(o, "notify_pending", pending);
	const char *alert = req_query(r, "alert");
	if (alert && !strcmp(alert, "sent")) {
		tv_set_str(ctx, "message", nr_label(lang, "alert_sent"));
	} else if (alert) {
		int why = !strcmp(alert, "limit")     ? PUSH_OVER_LIMIT
			  : !strcmp(alert, "invalid") ? PUSH_INVALID
						      : STORE_ERROR;
		tv_set_str(ctx, "error",
			   kb_arena_printf(a, "%s: %s", nr_label(lang, "alert_published_not_sent"),
					   nr_alert_refusal(r, why)));
	}
	if (!can)
		tv_set_str(ctx, "notice", nr_label(lang, "read_only"));
	if (error)
		tv_set_str(ctx, "error", error);

	kb_category *cats;
	size_t ncats;
	if (store_category_list(r->db, a, &cats, &ncats))
		return 500;
	tv *cl = tv_list(a);
	for (size_t i = 0; i < ncats; i++) {
		tv *c = tv_obj(a);
		tv_set_str(c, "name", cats[i].name);
		tv_set_str(c, "slug", cats[i].slug);
		tv_set_bool(c, "selected", art->category.slug && !strcmp(art->category.slug, cats[i].slug));
		tv_push(cl, c);
	}
	tv_set(ctx, "categories", cl);
	tv_set_bool(ctx, "is_editor", 1);
	return nr_render(r, "newsroom-editor", ctx, status);
}

int nr_editor_new(kb_req *r)
{
	kb_article art = {0};
	art.status = "draft";
	art.author.name = r->user.name;
	return editor_page(r, &art, "", NULL, 200);
}

/* Loads article id for r's user; returns 0, or 404/403/500. */
static int load(kb_req *r, int64_t id, kb_article *art)
{
	int rc = id ? store_article_by_id(r->db, &r->arena, id, art) : STORE_NOTFOUND;
	if (rc == STORE_NOTFOUND)
		return 404;
	if (rc)
		return 500;
	/* A reporter sees only their own stories. */
	if (r->user.role < ROLE_EDITOR && art->owner_id != r->user.id)
		return 403;
	return 0;
}

int nr_editor(kb_req *r)
{
	kb_article art;
	int rc = load(r, nr_param_id(r, 0), &art);
	if (rc)
		return rc;
	return editor_page(r, &art, NULL, NULL, 200);
}

/* The JSON answer to a save from the script: id, version, where to go;
 * and, when one was asked for, what became of the alert ("sent", or the
 * reason it was not). */
static int saved_json(kb_req *r, int64_t id, int64_t version, int status, const char *alert)
{
	kb_article art;
	if (store_article_by_id(r->db, &r->arena, id, &art))
		return 500;
	json_t *j = json_pack("{s:I,s:I,s:s,s:s,s:s}", "id", (json_int_t)id, "version", (json_int_t)version,
			      "url", kb_arena_printf(&r->arena, "/newsroom/articles/%lld", (long long)id),
			      "slug", art.slug, "status", art.status);
	if (j && alert)
		json_object_set_new(j, "alert", json_string(alert));
	return nr_json(r, j, status);
}

/*
 * Saves the posted form over article *id (0: a new story) as kind.
 * Returns 0 with *id and *version set, or the status of a response
 * already made (the editor again with an error, or JSON for the script).
 */
static int save_form(kb_req *r, int64_t *id, const char *kind, int64_t *version)
{
	const char *lang = r->user.lang;
	int json = nr_wants_json(r);
	kb_article cur = {0};
	if (*id) {
		int rc = load(r, *id, &cur);
		if (rc)
			return rc;
		if (!nr_can_edit(&r->user, &cur))
			return json ? nr_json_error(r, 403, nr_label(lang, "read_only")) : 403;
	}
	kb_article_input in;
	int64_t expected;
	if (read_form(r, &in, &expected))
		return json ? nr_json_error(r, 400, "too long") : 400;
	in.owner_id = r->user.id;
	in.path_prefix = "/news/"; /* a moved story's old link redirects */
	if (in.media_id) {
		kb_media m;
		if (store_media_get(r->db, &r->arena, in.media_id, &m))
			in.media_id = 0;
	}
	int rc = store_article_save(r->db, &in, *id ? expected : 0, r->user.id, kind, id, version);
	if (rc == STORE_CONFLICT) {
		/* Keep the losing edit, then show it back with the news. */
		if (store_revision_add_conflict(r->db, *id, r->user.id, &in))
			return 500;
		if (json)
			return nr_json(r,
				       json_pack("{s:{s:i,s:s},s:b}", "error", "status", 409, "message",
						 nr_label(lang, "conflict"), "conflict", 1),
				       409);
		kb_article shown = cur;
		input_as_article(&in, &shown);
		shown.media.id = in.media_id;
		/* The next save is made knowingly, over the current version. */
		shown.version = cur.version;
		return editor_page(r, &shown, req_form(r, "tags"), nr_label(lang, "conflict"), 409);
	}
	if (rc) {
		kb_warn("cannot save article: %s", store_errmsg(r->db));
		return 500;
	}
	return 0;
}

int nr_create(kb_req *r)
{
	int64_t id = 0, version;
	int status = save_form(r, &id, nr_wants_json(r) ? "autosave" : "save", &version);
	if (status)
		return status;
	if (nr_wants_json(r))
		return saved_json(r, id, version, 201, NULL);
	return nr_redirect(r, "/newsroom/articles/%lld", (long long)id);
}

int nr_save(kb_req *r)
{
	int64_t id = nr_param_id(r, 0), version;
	int status = save_form(r, &id, "save", &version);
	if (status)
		return status;
	if (nr_wants_json(r))
		return saved_json(r, id, version, 200, NULL);
	return nr_redirect(r, "/newsroom/articles/%lld?saved=1", (long long)id);
}

int nr_autosave(kb_req *r)
{
	int64_t id = nr_param_id(r, 0), version;
	int status = save_form(r, &id, "autosave", &version);
	if (status)
		return status;
	return saved_json(r, id, version, 200, NULL);
}

/*
 * A transition: saves the form when it came with one, checks the article
 * may go to status from where it is (allowed: "|draft|review|" style
 * list), then moves it. publish_at is for "scheduled".
 */
static int transition(kb_req *r, const char *status, const char *allowed, int needs_text, int64_t publish_at)
{
	const char *lang = r->user.lang;
	int64_t id = nr_param_id(r, 0), version;
	if (req_form(r, "title")) {
		int rc = save_form(r, &id, "save", &version);
		if (rc)
			return rc;
	}
	kb_article art;
	int rc = load(r, id, &art);
	if (rc)
		return rc;
	char want[32];
	snprintf(want, sizeof want, "|%s|", art.status);
	if (!strstr(allowed, want))
		return editor_page(r, &art, NULL, nr_label(lang, "read_only"), 409);
	if (r->user.role < ROLE_EDITOR && art.owner_id != r->user.id)
		return 403;
	if (needs_text && (!*art.title || !*art.body))
		return editor_page(r, &art, NULL, nr_label(lang, "need_title"), 400);
	/* A scheduled alert is forgotten before the story leaves the
	 * schedule, so the scheduler cannot send it as well. */
	int scheduling = !strcmp(status, "scheduled");
	if (!scheduling && push_store_sched_clear(r->db, id))
		return 500;
	if (store_article_transition(r->db, id, status, publish_at, r->user.id)) {
		kb_warn("cannot change article %lld: %s", (long long)id, store_errmsg(r->db));
		return 500;
	}
	const char *notify = req_form(r, "notify");
	int wanted = notify && *notify && strcmp(notify, "0");
	if (scheduling &&
	    (wanted ? push_store_sched_set(r->db, id, r->user.id) : push_store_sched_clear(r->db, id)))
		return 500;
	const char *alert = NULL, *param = "", *why = NULL;
	if (wanted && !strcmp(status, "published")) {
		rc = nr_article_alert(r, id, &why);
		alert = rc ? why : "sent";
		param = rc == PUSH_OVER_LIMIT ? "?alert=limit"
			: rc == PUSH_INVALID  ? "?alert=invalid"
			: rc                  ? "?alert=failed"
					      : "?alert=sent";
	}
	if (nr_wants_json(r)) {
		if (store_article_by_id(r->db, &r->arena, id, &art))
			return 500;
		return saved_json(r, id, art.version, 200, alert);
	}
	return nr_redirect(r, "/newsroom/articles/%lld%s", (long long)id, param);
}

int nr_submit(kb_req *r)
{
	return transition(r, "review", "|draft|unpublished|", 1, 0);
}

int nr_publish(kb_req *r)
{
	return transition(r, "published", "|draft|review|scheduled|unpublished|published|", 1, 0);
}

int nr_schedule(kb_req *r)
{
	const char *lang = r->user.lang;
	const char *at = req_form(r, "publish_at");
	int64_t t;
	if (!at || nr_parse_local(at, &t)) {
		kb_article art;
		int rc = load(r, nr_param_id(r, 0), &art);
		return rc ? rc : editor_page(r, &art, NULL, nr_label(lang, "bad_time"), 400);
	}
	if (t <= kb_now()) {
		kb_article art;
		int rc = load(r, nr_param_id(r, 0), &art);
		return rc ? rc : editor_page(r, &art, NULL, nr_label(lang, "past_time"), 400);
	}
	return transition(r, "scheduled", "|draft|review|scheduled|unpublished|", 1, t);
}

int nr_unpublish(kb_req *r)
{
	return transition(r, "unpublished", "|published|scheduled|", 0, 0);
}

int nr_return(kb_req *r)
{
	return transition(r, "draft", "|review|scheduled|", 0, 0);
}

int nr_preview(kb_req *r)
{
	int bad = 0;
	const char *body = nr_field(r, "body", MAX_BODY, &bad);
	const char *dateline = nr_field(r, "dateline", MAX_SHORT, &bad);
	if (bad)
		return 413;
	/* The reader's renderer: what the preview shows is what goes out. */
	markdown_article(&r->body, body, dateline);
	r->content_type = "text/html; charset=utf-8";
	r->max_age = -1;
	return 200;
}

int nr_tags_json(kb_req *r)
{
	const char *q = req_query(r, "q");
	json_t *list = json_array();
	if (q && *q && strlen(q) <= 100) {
		kb_tag *v;
		size_t n;
		if (store_tag_suggest(r->db, &r->arena, q, 8, &v, &n)) {
			json_decref(list);
			return 500;
		}
		for (size_t i = 0; i < n; i++)
			json_array_append_new(list,
					      json_pack("{s:s,s:s}", "name", v[i].name, "slug", v[i].slug));
	}
	return nr_json(r, list, 200);
}

int nr_slug_json(kb_req *r)
{
	const char *title = req_query(r, "title");
	kb_buf b = {0};
	if (title)
		text_slug(&b, title, strlen(title), 80);
	json_t *j = json_pack("{s:s}", "slug", kb_buf_str(&b));
	kb_buf_free(&b);
	return nr_json(r, j, 200);
}
