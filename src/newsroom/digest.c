/*
 * digest.c: the newsroom's view of the email digest: subscribers counted
 * by state, by frequency and by category, sign-ups and unsubscribes of
 * the last 30 days, and each digest's mails by state (editors); and the
 * list of confirmed addresses with their choices as CSV (admins). The
 * reader's pages are src/pages/digest.c; the mails src/digest/.
 */
#include <string.h>

#include "../db/digest_store.h"
#include "newsroom.h"

/* A list of (label, count) for the template, each key's label looked up
 * as prefix + key when prefix is set. */
static tv *stat_list(kb_req *r, const kb_digest_stat *v, size_t n, const char *prefix)
{
	tv *list = tv_list(&r->arena);
	for (size_t i = 0; i < n; i++) {
		tv *o = tv_obj(&r->arena);
		tv_set_str(
			o, "label",
			prefix ? nr_label(r->user.lang, kb_arena_printf(&r->arena, "%s%s", prefix, v[i].key))
			       : v[i].key);
		tv_set_int(o, "n", v[i].n);
		tv_push(list, o);
	}
	return list;
}

int nr_digest(kb_req *r)
{
	kb_arena *a = &r->arena;
	kb_digest_counts c;
	kb_digest_sends *sends;
	size_t n;
	if (digest_store_counts(r->db, a, kb_now(), &c) || digest_store_sends(r->db, a, 30, &sends, &n))
		return 500;
	tv *ctx = nr_context(r, "digest", "digest");
	if (!ctx)
		return 500;
	tv_set(ctx, "states", stat_list(r, c.states, c.nstates, "digest_state_"));
	tv_set(ctx, "frequencies", stat_list(r, c.frequencies, c.nfrequencies, "digest_freq_"));
	tv_set(ctx, "categories", stat_list(r, c.categories, c.ncategories, NULL));
	tv_set_int(ctx, "unsubscribed_30d", c.unsubscribed_30d);
	tv_set_int(ctx, "signed_up_30d", c.signed_up_30d);
	tv_set_bool(ctx, "admin", r->user.role >= ROLE_ADMIN);
	tv *list = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		tv *o = tv_obj(a);
		tv_set_str(o, "when", nr_date(r, sends[i].digest.created_at));
		tv_set_str(
			o, "kind",
			nr_label(r->user.lang, kb_arena_printf(a, "digest_kind_%s", sends[i].digest.kind)));
		tv_set_str(o, "title", sends[i].digest.title);
		tv_set_int(o, "queued", sends[i].queued);
		tv_set_int(o, "sent", sends[i].sent);
		tv_set_int(o, "skipped", sends[i].skipped);
		tv_set_int(o, "bounced", sends[i].bounced);
		tv_set_int(o, "failed", sends[i].failed + sends[i].unknown);
		tv_push(list, o);
	}
	tv_set(ctx, "sends", list);
	return nr_render(r, "newsroom-digest", ctx, 200);
}

/* A CSV field (RFC 4180): quoted when it holds a comma, a quote or a
 * line end; a leading = + - @ is prefixed with ' so a spreadsheet does
 * not run it as a formula. */
static void csv_field(kb_buf *out, const char *s)
{
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		kb_buf_putc(out, '"');
	if (strchr("=+-@", *s) && *s)
		kb_buf_putc(out, '\'');
	for (; *s; s++) {
		if (*s == '"')
			kb_buf_putc(out, '"');
		kb_buf_putc(out, *s);
	}
	if (quote)
		kb_buf_putc(out, '"');
}

int nr_digest_export(kb_req *r)
{
	kb_digest_export *v;
	size_t n;
	if (digest_store_export(r->db, &r->arena, &v, &n))
		return 500;
	kb_buf_puts(&r->body, "email,frequency,categories,confirmed_at\r\n");
	for (size_t i = 0; i < n; i++) {
		csv_field(&r->body, v[i].email);
		kb_buf_printf(&r->body, ",%s,", v[i].frequency);
		csv_field(&r->body, v[i].slugs);
		kb_buf_printf(&r->body, ",%lld\r\n", (long long)v[i].confirmed_at);
	}
	r->content_type = "text/csv; charset=utf-8";
	req_add_header(r, "content-disposition", "attachment; filename=\"digest-subscribers.csv\"");
	r->max_age = -1;
	return 200;
}
