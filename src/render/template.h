/*
 * template.h: khabar's template engine. Templates are HTML with tags:
 *
 *   {{a.b}}              the value, HTML-escaped (the default, always)
 *   {{url a.b}}          the value as an href: escaped, and "#" unless it is
 *                        http(s):, mailto: or a local path (url_is_safe)
 *   {{raw a.b}}          trusted HTML, unescaped; only values built with
 *                        tv_html() are emitted raw, plain strings are still
 *                        escaped. grep '{{raw' finds every raw spot.
 *   {{#if a}}..{{else}}..{{/if}}    truthy: non-empty string/list, non-zero
 *   {{#each list}}..{{else}}..{{/each}}  inside, names look in the item first;
 *                        {{.}} is the item itself; {{else}} shows when empty
 *   {{#with obj}}..{{else}}..{{/with}}  names look in obj first
 *   {{> name}}           another template, with the same context
 *   {{! comment }}
 *
 * Values (tv) are built per request in a kb_arena: objects, lists, strings,
 * integers, booleans and trusted HTML. Strings given to tv_* are not copied:
 * they must live as long as the arena (arena strings and literals do).
 *
 * Templates are parsed once at start into a tpl_set (not thread-safe to
 * change; safe to render from any number of threads once built).
 */
#ifndef KB_TEMPLATE_H
#define KB_TEMPLATE_H

#include "../core/core.h"

typedef enum tv_type { TV_NULL, TV_STR, TV_HTML, TV_INT, TV_BOOL, TV_LIST, TV_OBJ } tv_type;

typedef struct tv tv;
struct tv {
	tv_type type;
	const char *s; /* TV_STR, TV_HTML */
	size_t n;
	long long i; /* TV_INT, TV_BOOL */
	/* TV_LIST: items[0..len); TV_OBJ: keys[k] -> items[k] */
	tv **items;
	const char **keys;
	size_t len, cap;
	kb_arena *arena;
};

tv *tv_obj(kb_arena *a);
tv *tv_list(kb_arena *a);
tv *tv_str(kb_arena *a, const char *s);
tv *tv_strn(kb_arena *a, const char *s, size_t n);
tv *tv_strf(kb_arena *a, const char *fmt, ...) KB_PRINTF(2, 3);
/* Trusted HTML (rendered Markdown, inline SVG icons): copied into a. */
tv *tv_html(kb_arena *a, const char *s, size_t n);
tv *tv_int(kb_arena *a, long long i);
tv *tv_bool(kb_arena *a, int b);

/* Sets obj[key] = v (replacing an earlier value). key must outlive obj. */
void tv_set(tv *obj, const char *key, tv *v);
void tv_set_str(tv *obj, const char *key, const char *s);
void tv_set_int(tv *obj, const char *key, long long i);
void tv_set_bool(tv *obj, const char *key, int b);
/* Returns obj[key] or NULL. */
tv *tv_get(const tv *obj, const char *key);
/* Appends v to list. */
void tv_push(tv *list, tv *v);

typedef struct tpl_set tpl_set;

tpl_set *tpl_set_new(void);
void tpl_set_free(tpl_set *set);
/*
 * Parses src as the template called name, replacing one of that name (a
 * theme overriding the default). Returns 0, or -1 with "NAME:LINE: problem"
 * in *err (free() it).
 */
int tpl_add(tpl_set *set, const char *name, const char *src, size_t n, char **err);
/* Returns 1 if the set has a template called name. */
int tpl_has(const tpl_set *set, const char *name);
/* Checks that every {{> name}} refers to a template of the set. Returns 0,
 * or -1 with a message in *err (free() it). */
int tpl_check(const tpl_set *set, char **err);
/* Renders template name with ctx, appending to out. Returns 0, or -1 if the
 * template does not exist or partials nest deeper than 16. */
int tpl_render(const tpl_set *set, const char *name, const tv *ctx, kb_buf *out);

#endif
