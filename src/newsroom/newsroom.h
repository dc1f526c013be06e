/*
 * newsroom.h: the newsroom's pages under /newsroom: login and account
 * (login.c), the desk of article lists (desk.c), the editor with its
 * workflow actions, preview, autosave and autocomplete (editor.c),
 * revisions and diffs (revisions.c), the media library and uploads
 * (library.c), readers' tips (tips.c), static pages (pages.c: about,
 * contact, the policies), the header's and footer's menus (menus.c), live
 * coverage and the breaking ticker (live.c), and
 * the editors' and admins' pages:
 * categories, tags, users, settings, the audit log (admin.c), push alerts:
 * the manual alert and the history (alerts.c). Shared helpers are in
 * common.c, the Hindi/English labels in labels.c.
 *
 * The route table (src/app/routes.c) gives every route its role, and
 * the dispatcher checks role and CSRF token before a handler runs; what a
 * handler still checks is ownership (a reporter edits only their own
 * drafts: nr_can_edit).
 */
#ifndef KB_NEWSROOM_H
#define KB_NEWSROOM_H

#include <jansson.h>

#include "../http/http.h"
#include "../http/json.h"
#include "../render/template.h"

/* login.c */
int nr_login_page(kb_req *r);
int nr_login(kb_req *r);
int nr_logout(kb_req *r);
int nr_logout_all(kb_req *r);
int nr_account_page(kb_req *r);
int nr_account(kb_req *r);
int nr_lang(kb_req *r);
/* desk.c */
int nr_desk(kb_req *r);
/* editor.c */
int nr_editor_new(kb_req *r);
int nr_editor(kb_req *r);
int nr_create(kb_req *r);
int nr_save(kb_req *r);
int nr_autosave(kb_req *r);
int nr_submit(kb_req *r);
int nr_publish(kb_req *r);
int nr_schedule(kb_req *r);
int nr_unpublish(kb_req *r);
int nr_return(kb_req *r);
int nr_preview(kb_req *r);
int nr_tags_json(kb_req *r);
int nr_slug_json(kb_req *r);
/* revisions.c */
/* Corrections and updates (notes.c): a published story's notes as
 * template values (NULL on a store error), and the editor's form. */
tv *nr_notes_value(kb_req *r, int64_t article_id);
int nr_note_add(kb_req *r);

int nr_revisions(kb_req *r);
int nr_diff(kb_req *r);
int nr_restore(kb_req *r);
/* library.c */
int nr_library(kb_req *r);
int nr_upload(kb_req *r);
int nr_media_json(kb_req *r);
/* digest.c: the email digest's subscribers and sends; the CSV export */
int nr_digest(kb_req *r);
int nr_digest_export(kb_req *r);
/* tips.c: readers' tips */
int nr_tips(kb_req *r);
int nr_tip(kb_req *r);
int nr_tip_status(kb_req *r);
int nr_tip_assign(kb_req *r);
/* Marks a grievance acknowledged or decided (editors). */
int nr_tip_grievance(kb_req *r);
int nr_tip_note(kb_req *r);
int nr_tip_draft(kb_req *r);
int nr_tip_delete(kb_req *r);
/* pages.c: static pages (editors and admins) */
/* Author profiles (authors.c): the list (editors), one's own, and the
 * form, which checks that a reporter edits only their own. */
int nr_authors(kb_req *r);
int nr_profile(kb_req *r);
int nr_author(kb_req *r);
int nr_author_save(kb_req *r);

int nr_pages(kb_req *r);
int nr_page_new(kb_req *r);
int nr_page_create(kb_req *r);
int nr_page_edit(kb_req *r);
int nr_page_save(kb_req *r);
int nr_page_publish(kb_req *r);
int nr_page_unpublish(kb_req *r);
int nr_page_restore(kb_req *r);
int nr_page_delete(kb_req *r);
/* menus.c: the header's and footer's links (editors and admins) */
int nr_menus(kb_req *r);
int nr_menus_save(kb_req *r);
/* admin.c */
int nr_categories(kb_req *r);
int nr_category_add(kb_req *r);
int nr_category_save(kb_req *r);
int nr_tags(kb_req *r);
int nr_tag_save(kb_req *r);
int nr_users(kb_req *r);
int nr_user_add(kb_req *r);
int nr_user_save(kb_req *r);
int nr_settings_page(kb_req *r);
int nr_settings(kb_req *r);
int nr_audit(kb_req *r);
/* alerts.c */
int nr_alerts(kb_req *r);
int nr_alert_new(kb_req *r);
int nr_alert_send(kb_req *r);

/* ---- alerts.c ---- */

/* Queues the push alert of article_id for r's user ("सूचना भेजें" when
 * publishing). Returns STORE_OK, or push_alert_send's refusal or error
 * with the reason in r's language in *why; nothing is queued then. */
int nr_article_alert(kb_req *r, int64_t article_id, const char **why);
/* Why push_alert_send refused (rc), in r's language. */
const char *nr_alert_refusal(kb_req *r, int rc);

/* ---- live.c: live coverage and the breaking ticker ---- */
int nr_live_index(kb_req *r);
int nr_live_desk(kb_req *r);
int nr_live_start(kb_req *r);
int nr_live_close(kb_req *r);
int nr_live_post(kb_req *r);
int nr_live_entry_save(kb_req *r);
/* Pins (route arg 0) or marks as a key event (arg 1) by the field "on". */
int nr_live_entry_flag(kb_req *r);
int nr_live_entry_delete(kb_req *r);
int nr_live_entry_push(kb_req *r);
int nr_ticker(kb_req *r);
/* The scheduler's part (every second): closes coverage past its planned
 * end and clears the ticker once its time is up. 0, or -1 (logged by the
 * caller). */
int nr_live_step(store *st);

/* ---- setpassword.c ---- */

/* The page of a set-password link (made by session_password_link,
 * src/http/session.h). */
int nr_set_password_page(kb_req *r);
int nr_set_password(kb_req *r);

/* ---- common.c ---- */

/* The context of every newsroom page: site name, the user, the CSRF
 * token, the labels in the user's language (t.KEY), navigation with
 * section marked current, assets. title is a label key. */
tv *nr_context(kb_req *r, const char *title, const char *section);
/* The form's text field name with CRLF made LF, "" when absent; *bad set
 * when it is longer than max bytes. */
const char *nr_field(kb_req *r, const char *name, size_t max, int *bad);
/* Renders template name as the response, with status, never cached. */
int nr_render(kb_req *r, const char *name, tv *ctx, int status);
/* Answers JSON (drops j's reference), never cached. */
int nr_json(kb_req *r, json_t *j, int status);
/* Answers the one JSON error shape (http/json.h) with status, never cached. */
int nr_json_error(kb_req *r, int status, const char *message);
/* A 303 redirect to the path made from fmt, never cached. */
int nr_redirect(kb_req *r, const char *fmt, ...) KB_PRINTF(2, 3);
/* Whether the client asked for JSON (fetch from newsroom.js). */
int nr_wants_json(kb_req *r);
/* Whether u may change a: editors and admins any article, a reporter
 * only their own drafts. */
int nr_can_edit(const kb_user *u, const kb_article *a);
/* The page number asked for in ?page= (1 when absent or not a number;
 * at most 100,000). */
int nr_page(kb_req *r);
/* The integer in r->param[i], or 0. */
int64_t nr_param_id(kb_req *r, size_t i);
/* The site's local time of t as "2026-01-01T05:31" (datetime-local), and
 * back; nr_parse_local returns 0 or -1. */
const char *nr_local_input(kb_req *r, int64_t t);
int nr_parse_local(const char *s, int64_t *out);
/* A date for people ("4 नवंबर, 2025, 18:30 IST"), arena string. */
const char *nr_date(kb_req *r, int64_t t);
/* Sets o's "ready" for photo m and, once it is, "thumb" (its smallest
 * JPEG), "width" and "height" (that size's): a photo shown small in a
 * newsroom page (a tip's, an author's). */
void nr_photo_small(kb_req *r, tv *o, const kb_media *m);
/* A revision in a list (story or page history): id, version, title,
 * who, when and kind, as the history templates show them. */
tv *nr_revision_value(kb_req *r, int64_t id, int64_t version, const char *title, const char *user_name,
		      int64_t at, const char *kind);

/* ---- labels.c ---- */

/* The label called key in lang ("hi" or "en"); the key itself when
 * unknown (a missing label shows, it does not crash). */
const char *nr_label(const char *lang, const char *key);
/* Every label in lang, as a template object. */
tv *nr_labels(kb_arena *a, const char *lang);
/* The label of an article status ("draft" -> "ड्राफ़्ट"). */
const char *nr_status_label(const char *lang, const char *status);

#endif
