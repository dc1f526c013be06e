/*
 * grievances.c: the monthly grievance counts (/grievances) under India's
 * IT Rules 2021, for the last twelve months: received, decided, pending.
 * Public only when an admin says so (the grievance_report setting);
 * otherwise not found. Built each time (never in the page cache): a
 * grievance changes no story. Not here: the counting (src/tips/grievance.c).
 */
#include <string.h>

#include "../db/pages_store.h"
#include "../tips/tips.h"
#include "pages.h"

#define MONTHS 12

int page_grievances(kb_req *r)
{
	kb_arena *a = &r->arena;
	const kb_site *site = site_read(r);
	if (!site)
		return 500;
	const kb_settings *s = &site->settings;
	if (strcmp(s->grievance_report, "yes"))
		return 404;
	tips_month *m;
	size_t n;
	if (tips_grievance_months(r->db, a, kb_now(), MONTHS, &m, &n))
		return 500;
	tv *ctx = site_context(r, "शिकायतों की मासिक रिपोर्ट",
			       "सूचना प्रौद्योगिकी नियम, 2021 के तहत मिली शिकायतें और उन पर निर्णय, हर महीने।");
	if (!ctx)
		return 500;
	tv *rows = tv_list(a);
	for (size_t i = 0; i < n; i++) {
		tv *o = tv_obj(a);
		tv_set_str(o, "month", m[i].label);
		tv_set_int(o, "received", m[i].received);
		tv_set_int(o, "decided", m[i].decided);
		tv_set_int(o, "pending", m[i].pending);
		tv_push(rows, o);
	}
	tv_set(ctx, "months", rows);
	tv_set_str(ctx, "ack_days", s->grievance_ack_days);
	tv_set_str(ctx, "decide_days", s->grievance_decide_days);
	kb_page officer;
	int rc = pages_store_by_slug(r->db, a, "grievance-officer", 1, &officer);
	if (rc == STORE_ERROR)
		return 500;
	if (rc == STORE_OK) {
		tv *p = tv_obj(a);
		tv_set_str(p, "title", officer.title);
		tv_set(p, "url", tv_strf(a, "/page/%s", officer.slug));
		tv_set(ctx, "officer", p);
	}
	return site_render(r, "grievances", ctx);
}
