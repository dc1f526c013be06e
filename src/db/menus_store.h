/*
 * menus_store.h: the site's two link lists, the header's and the footer's
 * (implemented in menus_sqlite.c), as the newsroom orders them: each link
 * a label and a URL (a site path such as /page/about or /category/desh, or
 * an http(s) URL; src/newsroom/menus.c checks them). Not here: checking,
 * rendering (src/pages/site.c). Any change moves the content version
 * (migration 20), so every cached page, which shows both, is rebuilt.
 */
#ifndef KB_MENUS_STORE_H
#define KB_MENUS_STORE_H

#include <stddef.h>

#include "../core/core.h"
#include "store.h"

/* The links of menu ("header" or "footer"), in order; strings in a. */
int menus_store_get(store *st, kb_arena *a, const char *menu, kb_menu_item **out, size_t *n);
/* Both menus in one read: *header and *footer, in order. */
int menus_store_both(store *st, kb_arena *a, kb_menu_item **header, size_t *nh, kb_menu_item **footer,
		     size_t *nf);
/* Makes menu's links items[0..n) in that order (n 0: none), in one
 * transaction (the caller's, when one is open). */
int menus_store_set(store *st, const char *menu, const kb_menu_item *items, size_t n);

#endif
