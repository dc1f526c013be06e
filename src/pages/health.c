/*
 * health.c: /healthz, for load balancers and Varnish's probes: 200 when
 * this node can read its database, 503 when it cannot, each with a line
 * of plain text. Never cached, here or at the edge (the route is not in
 * the page cache, and it answers private, no-store): a probe must see the
 * node as it is now.
 */
#include <stdatomic.h>

#include "pages.h"

/* When the last failure was logged: probes come every second or so, and
 * one line a minute says enough. */
static _Atomic int64_t g_logged;

int page_healthz(kb_req *r)
{
	r->content_type = "text/plain; charset=utf-8";
	r->max_age = -1;
	if (store_ping(r->db)) {
		/* The reason goes to the log; the probe needs only the status. */
		int64_t now = kb_now(), last = atomic_load(&g_logged);
		if (now - last >= 60 && atomic_compare_exchange_strong(&g_logged, &last, now))
			kb_warn("/healthz answers 503: %s", store_errmsg(r->db));
		kb_buf_puts(&r->body, "database unreachable\n");
		return 503;
	}
	kb_buf_puts(&r->body, "ok\n");
	return 200;
}
