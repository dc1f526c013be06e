/*
 * grievance.c: the monthly counts of grievances (IT Rules 2021) an admin
 * may publish (/grievances) and the newsroom sees: for each month, in the
 * site's time zone, how many came, how many were decided in it, and how
 * many stood undecided at its end. Made from the grievances' own records
 * (tips_store.h), which outlive the tips, so retention does not change
 * past months. Not here: the page (src/pages/grievances.c).
 */
#include <time.h>

#include "../text/text.h"
#include "tips.h"

/* The first second of the local month that is months after t's. */
static int64_t month_start(int64_t t, int months)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mon += months;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

int tips_grievance_months(store *st, kb_arena *a, int64_t now, int months, tips_month **out, size_t *n)
{
	int64_t first = month_start(now, -(months - 1));
	kb_grievance *g;
	size_t ng;
	/* Every grievance, since one received long ago may be decided (or
	 * still pending) in a month shown. */
	if (tips_store_grievances(st, a, 0, &g, &ng))
		return STORE_ERROR;
	tips_month *v = kb_arena_alloc(a, (size_t)months * sizeof *v);
	for (int i = 0; i < months; i++) {
		int64_t from = month_start(first, i), to = month_start(first, i + 1);
		tips_month *m = &v[months - 1 - i]; /* newest first */
		m->start = from;
		m->received = m->decided = m->pending = 0;
		for (size_t k = 0; k < ng; k++) {
			m->received += g[k].received_at >= from && g[k].received_at < to;
			m->decided += g[k].decided_at >= from && g[k].decided_at < to;
			m->pending += g[k].received_at < to && (!g[k].decided_at || g[k].decided_at >= to);
		}
		kb_buf b = {0};
		time_t tt = (time_t)from;
		struct tm tm;
		localtime_r(&tt, &tm);
		text_format_date(&b, &tm, NULL, TEXT_MONTH);
		m->label = kb_buf_to_arena(a, &b);
	}
	*out = v;
	*n = (size_t)months;
	return STORE_OK;
}
