/*
 * template.c: parser and renderer for khabar's templates (syntax in
 * template.h). A template compiles to a tree of nodes; rendering walks the
 * tree with a stack of scopes. Escaping happens here and only here.
 */
#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

/* ---- values ---- */

static tv *tv_new(kb_arena *a, tv_type t)
{
	tv *v = kb_arena_alloc(a, sizeof *v);
	memset(v, 0, sizeof *v);
	v->type = t;
	v->arena = a;
	return v;
}

tv *tv_obj(kb_arena *a)
{
	return tv_new(a, TV_OBJ);
}
tv *tv_list(kb_arena *a)
{
	return tv_new(a, TV_LIST);
}

tv *tv_strn(kb_arena *a, const char *s, size_t n)
{
	tv *v = tv_new(a, TV_STR);
	v->s = s ? s : "";
	v->n = s ? n : 0;
	return v;
}

tv *tv_str(kb_arena *a, const char *s)
{
	return tv_strn(a, s, s ? strlen(s) : 0);
}

tv *tv_strf(kb_arena *a, const char *fmt, ...)
{
	kb_buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	kb_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	tv *v = tv_strn(a, kb_arena_strndup(a, kb_buf_str(&b), b.len), b.len);
	kb_buf_free(&b);
	return v;
}

tv *tv_html(kb_arena *a, const char *s, size_t n)
{
	tv *v = tv_new(a, TV_HTML);
	v->s = kb_arena_strndup(a, s ? s : "", s ? n : 0);
	v->n = s ? n : 0;
	return v;
}

tv *tv_int(kb_arena *a, long long i)
{
	tv *v = tv_new(a, TV_INT);
	v->i = i;
	return v;
}

tv *tv_bool(kb_arena *a, int b)
{
	tv *v = tv_new(a, TV_BOOL);
	v->i = b != 0;
	return v;
}

static void grow(tv *v)
{
	if (v->len < v->cap)
		return;
	size_t cap = v->cap ? v->cap * 2 : 8;
	tv **items = kb_arena_alloc(v->arena, cap * sizeof *items);
	if (v->len)
		memcpy(items, v->items, v->len * sizeof *items);
	v->items = items;
	if (v->type == TV_OBJ) {
		const char **keys = kb_arena_alloc(v->arena, cap * sizeof *keys);
		if (v->len)
			memcpy(keys, v->keys, v->len * sizeof *keys);
		v->keys = keys;
	}
	v->cap = cap;
}

tv *tv_get(const tv *obj, const char *key)
{
	if (!obj || obj->type != TV_OBJ)
		return NULL;
	for (size_t k = 0; k < obj->len; k++)
		if (!strcmp(obj->keys[k], key))
			return obj->items[k];
	return NULL;
}

void tv_set(tv *obj, const char *key, tv *v)
{
	for (size_t k = 0; k < obj->len; k++)
		if (!strcmp(obj->keys[k], key)) {
			obj->items[k] = v;
			return;
		}
	grow(obj);
	obj->keys[obj->len] = key;
	obj->items[obj->len++] = v;
}

void tv_set_str(tv *obj, const char *key, const char *s)
{
	tv_set(obj, key, tv_str(obj->arena, s));
}
void tv_set_int(tv *obj, const char *key, long long i)
{
	tv_set(obj, key, tv_int(obj->arena, i));
}
void tv_set_bool(tv *obj, const char *key, int b)
{
	tv_set(obj, key, tv_bool(obj->arena, b));
}

void tv_push(tv *list, tv *v)
{
	grow(list);
	list->items[list->len++] = v;
}

/* ---- parsing ---- */

enum node_kind { N_TEXT, N_VAR, N_RAW, N_URL, N_IF, N_EACH, N_WITH, N_PARTIAL };

typedef struct node node;
typedef struct nodes {
	node *v;
	size_t len, cap;
} nodes;

struct node {
	enum node_kind kind;
	char *text; /* N_TEXT bytes; N_PARTIAL name */
	size_t n;
	char **path; /* N_VAR, N_RAW, N_URL, N_IF, N_EACH: segments; NULL = "." */
	size_t npath;
	nodes body, alt; /* N_IF, N_EACH */
};

typedef struct tpl {
	char *name;
	nodes root;
} tpl;

struct tpl_set {
	tpl *v;
	size_t len, cap;
};

static node *push_node(nodes *ns, enum node_kind k)
{
	if (ns->len == ns->cap) {
		ns->cap = ns->cap ? ns->cap * 2 : 8;
		ns->v = kb_realloc(ns->v, ns->cap * sizeof *ns->v);
	}
	node *n = &ns->v[ns->len++];
	memset(n, 0, sizeof *n);
	n->kind = k;
	return n;
}

static void free_nodes(nodes *ns)
{
	for (size_t i = 0; i < ns->len; i++) {
		node *n = &ns->v[i];
		free(n->text);
		for (size_t k = 0; k < n->npath; k++)
			free(n->path[k]);
		free(n->path);
		free_nodes(&n->body);
		free_nodes(&n->alt);
	}
	free(ns->v);
}

typedef struct parser {
	const char *name, *src;
	size_t n, pos;
	char *err;
} parser;

static int line_of(const parser *p, size_t pos)
{
	int line = 1;
	for (size_t i = 0; i < pos && i < p->n; i++)
		line += p->src[i] == '\n';
	return line;
}

static int perr(parser *p, size_t at, const char *msg, const char *tag, size_t taglen)
{
	if (!p->err) {
		kb_buf b = {0};
		kb_buf_printf(&b, "%s:%d: %s", p->name, line_of(p, at), msg);
		if (tag)
			kb_buf_printf(&b, " in {{%.*s}}", (int)taglen, tag);
		p->err = kb_buf_take(&b, NULL);
	}
	return -1;
}

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '.' || c == '-' || c == '@';
}

/* Parses a dotted path into n->path; "." alone means the current item. */
static int parse_path(parser *p, size_t at, const char *s, size_t len, node *n)
{
	if (len == 0)
		return perr(p, at, "missing name", s, len);
	for (size_t i = 0; i < len; i++)
		if (!is_name_char(s[i]))
			return perr(p, at, "bad character in name", s, len);
	if (len == 1 && s[0] == '.')
		return 0;
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			if (i == start)
				return perr(p, at, "empty name segment", s, len);
			n->path = kb_realloc(n->path, (n->npath + 1) * sizeof *n->path);
			n->path[n->npath++] = kb_strndup(s + start, i - start);
			start = i + 1;
		}
	}
	return 0;
}

static void trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t' || **s == '\n'))
		(*s)++, (*len)--;
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' || (*s)[*len - 1] == '\n'))
		(*len)--;
}

static int starts(const char *s, size_t len, const char *word)
{
	size_t k = strlen(word);
	return len >= k && !memcmp(s, word, k) && (len == k || s[k] == ' ');
}

/*
 * Parses nodes into out until end of input (block NULL) or the closing tag
 * of block ("if"/"each"). On {{else}} inside a block, switches to *alt.
 */
static int parse_nodes(parser *p, nodes *out, nodes *alt, const char *block, size_t open_at)
{
	nodes *cur = out;
	while (p->pos < p->n) {
		const char *open = memmem(p->src + p->pos, p->n - p->pos, "{{", 2);
		size_t text_end = open ? (size_t)(open - p->src) : p->n;
		if (text_end > p->pos) {
			node *t = push_node(cur, N_TEXT);
			t->text = kb_strndup(p->src + p->pos, text_end - p->pos);
			t->n = text_end - p->pos;
		}
		if (!open) {
			p->pos = p->n;
			break;
		}
		size_t at = text_end;
		const char *close = memmem(open + 2, p->n - at - 2, "}}", 2);
		if (!close)
			return perr(p, at, "unclosed {{", NULL, 0);
		const char *tag = open + 2;
		size_t len = (size_t)(close - tag);
		p->pos = (size_t)(close - p->src) + 2;
		trim(&tag, &len);
		if (len && tag[0] == '!')
			continue;
		if (len && tag[0] == '#') {
			const char *kw = tag + 1;
			size_t kwlen = len - 1;
			static const struct {
				const char *word;
				enum node_kind kind;
			} blocks[] = {{"if", N_IF}, {"each", N_EACH}, {"with", N_WITH}};
			size_t bi = 0;
			while (bi < KB_COUNT(blocks) && !starts(kw, kwlen, blocks[bi].word))
				bi++;
			if (bi == KB_COUNT(blocks))
				return perr(p, at, "unknown block", tag, len);
			const char *word = blocks[bi].word;
			node *b = push_node(cur, blocks[bi].kind);
			const char *arg = kw + strlen(word);
			size_t arglen = kwlen - strlen(word);
			trim(&arg, &arglen);
			if (parse_path(p, at, arg, arglen, b))
				return -1;
			/* b may move when cur grows: parse into locals, then store. */
			nodes body = {0}, alt2 = {0};
			size_t idx = (size_t)(b - cur->v);
			int rc = parse_nodes(p, &body, &alt2, word, at);
			cur->v[idx].body = body;
			cur->v[idx].alt = alt2;
			if (rc)
				return -1;
			continue;
		}
		if (len && tag[0] == '/') {
			const char *kw = tag + 1;
			size_t kwlen = len - 1;
			trim(&kw, &kwlen);
			if (!block || kwlen != strlen(block) || memcmp(kw, block, kwlen))
				return perr(p, at,
					    block ? "mismatched closing tag" : "closing tag without block",
					    tag, len);
			return 0;
		}
		if (len == 4 && !memcmp(tag, "else", 4)) {
			if (!block || cur == alt)
				return perr(p, at, "else outside a block", tag, len);
			cur = alt;
			continue;
		}
		if (len && tag[0] == '>') {
			const char *nm = tag + 1;
			size_t nmlen = len - 1;
			trim(&nm, &nmlen);
			if (!nmlen)
				return perr(p, at, "missing partial name", tag, len);
			node *pn = push_node(cur, N_PARTIAL);
			pn->text = kb_strndup(nm, nmlen);
			pn->n = nmlen;
			continue;
		}
		enum node_kind k = N_VAR;
		if (starts(tag, len, "raw"))
			k = N_RAW, tag += 3, len -= 3;
		else if (starts(tag, len, "url"))
			k = N_URL, tag += 3, len -= 3;
		trim(&tag, &len);
		node *v = push_node(cur, k);
		if (parse_path(p, at, tag, len, v))
			return -1;
	}
	if (block)
		return perr(p, open_at, "block never closed", block, strlen(block));
	return 0;
}

tpl_set *tpl_set_new(void)
{
	return kb_calloc(1, sizeof(tpl_set));
}

void tpl_set_free(tpl_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->len; i++) {
		free(set->v[i].name);
		free_nodes(&set->v[i].root);
	}
	free(set->v);
	free(set);
}

static tpl *find(const tpl_set *set, const char *name)
{
	for (size_t i = 0; i < set->len; i++)
		if (!strcmp(set->v[i].name, name))
			return &set->v[i];
	return NULL;
}

int tpl_has(const tpl_set *set, const char *name)
{
	return find(set, name) != NULL;
}

int tpl_add(tpl_set *set, const char *name, const char *src, size_t n, char **err)
{
	parser p = {.name = name, .src = src, .n = n};
	nodes root = {0};
	if (parse_nodes(&p, &root, NULL, NULL, 0)) {
		free_nodes(&root);
		*err = p.err;
		return -1;
	}
	tpl *t = find(set, name);
	if (t) {
		free_nodes(&t->root);
	} else {
		if (set->len == set->cap) {
			set->cap = set->cap ? set->cap * 2 : 16;
			set->v = kb_realloc(set->v, set->cap * sizeof *set->v);
		}
		t = &set->v[set->len++];
		t->name = kb_strdup(name);
	}
	t->root = root;
	return 0;
}

static int check_nodes(const tpl_set *set, const tpl *t, const nodes *ns, char **err)
{
	for (size_t i = 0; i < ns->len; i++) {
		const node *n = &ns->v[i];
		if (n->kind == N_PARTIAL && !find(set, n->text)) {
			kb_buf b = {0};
			kb_buf_printf(&b, "%s: {{> %s}} names no template", t->name, n->text);
			*err = kb_buf_take(&b, NULL);
			return -1;
		}
		if (check_nodes(set, t, &n->body, err) || check_nodes(set, t, &n->alt, err))
			return -1;
	}
	return 0;
}

int tpl_check(const tpl_set *set, char **err)
{
	for (size_t i = 0; i < set->len; i++)
		if (check_nodes(set, &set->v[i], &set->v[i].root, err))
			return -1;
	return 0;
}

/* ---- rendering ---- */

typedef struct scope {
	const tv *v;
	const struct scope *up;
} scope;

static const tv *lookup(const scope *sc, const node *n)
{
	if (!n->npath)
		return sc->v;
	const tv *v = NULL;
	for (const scope *s = sc; s && !v; s = s->up)
		v = tv_get(s->v, n->path[0]);
	for (size_t k = 1; v && k < n->npath; k++)
		v = tv_get(v, n->path[k]);
	return v;
}

static int truthy(const tv *v)
{
	if (!v)
		return 0;
	switch (v->type) {
	case TV_NULL: return 0;
	case TV_STR:
	case TV_HTML: return v->n > 0;
	case TV_INT:
	case TV_BOOL: return v->i != 0;
	case TV_LIST: return v->len > 0;
	case TV_OBJ: return 1;
	}
	return 0;
}

static void emit(kb_buf *out, const tv *v, enum node_kind k)
{
	if (!v)
		return;
	char num[32];
	switch (v->type) {
	case TV_STR:
		if (k == N_URL && !url_is_safe(v->s, v->n))
			kb_buf_putc(out, '#');
		else
			html_escape(out, v->s, v->n);
		break;
	case TV_HTML:
		if (k == N_RAW)
			kb_buf_append(out, v->s, v->n);
		else
			html_escape(out, v->s, v->n);
		break;
	case TV_INT:
		snprintf(num, sizeof num, "%lld", v->i);
		kb_buf_puts(out, num);
		break;
	default: break;
	}
}

static int render_nodes(const tpl_set *set, const nodes *ns, const scope *sc, kb_buf *out, int depth)
{
	for (size_t i = 0; i < ns->len; i++) {
		const node *n = &ns->v[i];
		switch (n->kind) {
		case N_TEXT: kb_buf_append(out, n->text, n->n); break;
		case N_VAR:
		case N_RAW:
		case N_URL: emit(out, lookup(sc, n), n->kind); break;
		case N_IF:
			if (render_nodes(set, truthy(lookup(sc, n)) ? &n->body : &n->alt, sc, out, depth))
				return -1;
			break;
		case N_WITH: {
			const tv *v = lookup(sc, n);
			scope inner = {v, sc};
			if (render_nodes(set, truthy(v) ? &n->body : &n->alt, truthy(v) ? &inner : sc, out,
					 depth))
				return -1;
			break;
		}
		case N_EACH: {
			const tv *list = lookup(sc, n);
			if (!list || list->type != TV_LIST || !list->len) {
				if (render_nodes(set, &n->alt, sc, out, depth))
					return -1;
				break;
			}
			for (size_t k = 0; k < list->len; k++) {
				scope inner = {list->items[k], sc};
				if (render_nodes(set, &n->body, &inner, out, depth))
					return -1;
			}
			break;
		}
		case N_PARTIAL: {
			const tpl *t = find(set, n->text);
			if (!t || depth >= 16)
				return -1;
			if (render_nodes(set, &t->root, sc, out, depth + 1))
				return -1;
			break;
		}
		}
	}
	return 0;
}

int tpl_render(const tpl_set *set, const char *name, const tv *ctx, kb_buf *out)
{
	const tpl *t = find(set, name);
	if (!t)
		return -1;
	scope sc = {ctx, NULL};
	return render_nodes(set, &t->root, &sc, out, 0);
}
