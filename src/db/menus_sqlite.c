/*
 * menus_sqlite.c: the store side of the header's and footer's link lists
 * (menus_store.h). Fixed statements, bound, the same SQL on SQLite and
 * PostgreSQL. Not here: the cache's part, which migration 20's triggers
 * play.
 */
#include <string.h>

#include "driver.h"
#include "menus_store.h"
#include "store_int.h"

/* Appends the row of s (menu, label, url) to *v (capacity *cap, count *n). */
static void push(kb_arena *a, db_stmt *s, kb_menu_item **v, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 8;
		kb_menu_item *w = kb_arena_alloc(a, c * sizeof *w);
		if (*n)
			memcpy(w, *v, *n * sizeof *w);
		*v = w;
		*cap = c;
	}
	(*v)[*n].label = db_col_text(a, s, 1);
	(*v)[*n].url = db_col_text(a, s, 2);
	(*n)++;
}

/* Reads the rows of s (menu, label, url, ...), header's and footer's
 * apart, each in the order s gives. */
static int read_menus(store *st, kb_arena *a, db_stmt *s, kb_menu_item **header, size_t *nh,
		      kb_menu_item **footer, size_t *nf)
{
	size_t ch = 0, cf = 0;
	*header = *footer = NULL;
	*nh = *nf = 0;
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (!strcmp(db_col_peek(s, 0), "header"))
			push(a, s, header, nh, &ch);
		else
			push(a, s, footer, nf, &cf);
	}
	db_reset(s);
	return rc == DB_ERROR ? db_fail(st, "cannot read the menus") : STORE_OK;
}

int menus_store_both(store *st, kb_arena *a, kb_menu_item **header, size_t *nh, kb_menu_item **footer,
		     size_t *nf)
{
	static const char sql[] = "SELECT menu, label, url FROM menu_items ORDER BY menu, position, id";
	return read_menus(st, a, db_prepare(st, sql), header, nh, footer, nf);
}

/* The footer's static pages (published, with a footer place: pages_store.h)
 * as links before the footer menu's own. */
const char menus_site_sql[] = "SELECT 'footer', title, '/page/' || slug, 0, footer, id FROM pages "
			      "WHERE status = 'published' AND footer > 0 "
			      "UNION ALL SELECT menu, label, url, 1, position, id FROM menu_items "
			      "ORDER BY 1, 4, 5, 6";

int menus_site_read(store *st, kb_arena *a, db_stmt *s, kb_site *out)
{
	return read_menus(st, a, s, &out->header, &out->nheader, &out->footer, &out->nfooter);
}

int menus_store_get(store *st, kb_arena *a, const char *menu, kb_menu_item **out, size_t *n)
{
	kb_menu_item *h, *f;
	size_t nh, nf;
	int rc = menus_store_both(st, a, &h, &nh, &f, &nf);
	if (rc)
		return rc;
	int header = !strcmp(menu, "header");
	*out = header ? h : f;
	*n = header ? nh : nf;
	return STORE_OK;
}

int menus_store_set(store *st, const char *menu, const kb_menu_item *items, size_t n)
{
	static const char del[] = "DELETE FROM menu_items WHERE menu = $1";
	static const char ins[] = "INSERT INTO menu_items(menu, position, label, url) VALUES($1, $2, $3, $4)";
	int own = !db_in_tx(st);
	if (own && db_begin(st))
		return STORE_ERROR;
	db_stmt *s = db_prepare(st, del);
	db_bind_text(s, 1, menu);
	int rc = db_run(st, s, "cannot change the menu");
	for (size_t i = 0; !rc && i < n; i++) {
		s = db_prepare(st, ins);
		db_bind_text(s, 1, menu);
		db_bind_int(s, 2, (int64_t)i + 1);
		db_bind_text(s, 3, items[i].label);
		db_bind_text(s, 4, items[i].url);
		rc = db_run(st, s, "cannot change the menu");
	}
	if (own) {
		if (rc)
			db_rollback(st);
		else if (db_commit(st))
			rc = STORE_ERROR;
	}
	return rc;
}
