/*
 * theme.c: the theme (see theme.h). It is read once at start; after that
 * it is only read, so threads share it without locks.
 */
#include "theme.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../text/text.h"
#include "assets.h"

typedef struct static_file {
	char *name;  /* "style.css" */
	char *fname; /* "style.1a2b3c4d.css" */
	char *url;   /* "/static/style.1a2b3c4d.css" */
	char *data;
	size_t len;
	const char *type;
} static_file;

static tpl_set *g_tpl;
static static_file *g_static;
static size_t g_nstatic;

static const char *type_of(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".css", "text/css; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".ico", "image/x-icon"},
		{".webmanifest", "application/manifest+json"},
		{".woff2", "font/woff2"},
		{".txt", "text/plain; charset=utf-8"},
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < KB_COUNT(types); i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

/* Adds or replaces a static file, fingerprinting its name. */
static void add_static(const char *name, const char *data, size_t len)
{
	static_file *f = NULL;
	for (size_t i = 0; i < g_nstatic; i++)
		if (!strcmp(g_static[i].name, name))
			f = &g_static[i];
	if (f) {
		free(f->fname), free(f->url), free(f->data);
	} else {
		g_static = kb_realloc(g_static, (g_nstatic + 1) * sizeof *g_static);
		f = &g_static[g_nstatic++];
		f->name = kb_strdup(name);
	}
	f->data = kb_strndup(data, len);
	f->len = len;
	f->type = type_of(name);
	const char *dot = strrchr(name, '.');
	size_t stem = dot ? (size_t)(dot - name) : strlen(name);
	kb_buf b = {0};
	kb_buf_printf(&b, "%.*s.%08x%s", (int)stem, name, (unsigned)(kb_hash64(data, len) & 0xffffffffu),
		      dot ? dot : "");
	f->fname = kb_buf_take(&b, NULL);
	kb_buf_printf(&b, "/static/%s", f->fname);
	f->url = kb_buf_take(&b, NULL);
}

/* "templates/article.html" -> "article" */
static char *template_name(const char *file)
{
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	const char *dot = strrchr(base, '.');
	return kb_strndup(base, dot ? (size_t)(dot - base) : strlen(base));
}

/* Loads the theme folder (templates, static) over the built-in theme. */
static int load_theme_dir(const char *dir, char **err)
{
	static const char *const sub[] = {"templates", "static"};
	for (int k = 0; k < 2; k++) {
		kb_buf path = {0};
		kb_buf_printf(&path, "%s/%s", dir, sub[k]);
		DIR *d = opendir(path.data);
		if (!d) {
			kb_buf_free(&path);
			continue; /* a theme may override only one kind */
		}
		struct dirent *de;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			if (k == 0 && !strstr(de->d_name, ".html"))
				continue;
			kb_buf file = {0}, data = {0};
			kb_buf_printf(&file, "%s/%s", path.data, de->d_name);
			int rc = kb_read_file(file.data, &data);
			if (rc) {
				kb_buf e = {0};
				kb_buf_printf(&e, "cannot read %s", file.data);
				*err = kb_buf_take(&e, NULL);
			} else if (k == 0) {
				char *name = template_name(de->d_name);
				rc = tpl_add(g_tpl, name, kb_buf_str(&data), data.len, err);
				free(name);
			} else {
				add_static(de->d_name, kb_buf_str(&data), data.len);
			}
			kb_buf_free(&file);
			kb_buf_free(&data);
			if (rc) {
				closedir(d);
				kb_buf_free(&path);
				return -1;
			}
		}
		closedir(d);
		kb_buf_free(&path);
	}
	return 0;
}

int theme_init(const char *theme_dir, char **err)
{
	g_tpl = tpl_set_new();
	for (const struct kb_asset *a = kb_assets; a->name; a++) {
		if (!strncmp(a->name, "templates/", 10)) {
			char *name = template_name(a->name);
			int rc = tpl_add(g_tpl, name, (const char *)a->data, a->len, err);
			free(name);
			if (rc)
				return -1;
		} else if (!strncmp(a->name, "static/", 7)) {
			add_static(a->name + 7, (const char *)a->data, a->len);
		}
	}
	if (theme_dir) {
		struct stat sb;
		if (stat(theme_dir, &sb) || !S_ISDIR(sb.st_mode)) {
			kb_buf e = {0};
			kb_buf_printf(&e, "theme folder %s does not exist", theme_dir);
			*err = kb_buf_take(&e, NULL);
			return -1;
		}
		if (load_theme_dir(theme_dir, err))
			return -1;
	}
	return tpl_check(g_tpl, err);
}

void theme_free(void)
{
	tpl_set_free(g_tpl);
	g_tpl = NULL;
	for (size_t i = 0; i < g_nstatic; i++) {
		free(g_static[i].name), free(g_static[i].fname);
		free(g_static[i].url), free(g_static[i].data);
	}
	free(g_static);
	g_static = NULL;
	g_nstatic = 0;
}

int theme_static(const char *name, const char **data, size_t *len, const char **type)
{
	for (size_t i = 0; i < g_nstatic; i++)
		if (!strcmp(g_static[i].fname, name)) {
			*data = g_static[i].data;
			*len = g_static[i].len;
			*type = g_static[i].type;
			return 0;
		}
	return -1;
}

int theme_static_named(const char *name, const char **data, size_t *len, const char **type)
{
	for (size_t i = 0; i < g_nstatic; i++)
		if (!strcmp(g_static[i].name, name)) {
			*data = g_static[i].data;
			*len = g_static[i].len;
			*type = g_static[i].type;
			return 0;
		}
	return -1;
}

void theme_add_static(const char *name, const void *data, size_t len)
{
	add_static(name, data, len);
}

void theme_version(char out[9])
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < g_nstatic; i++) {
		uint64_t f = kb_hash64(g_static[i].fname, strlen(g_static[i].fname));
		h = (h ^ f) * 1099511628211ull;
	}
	snprintf(out, 9, "%08x", (unsigned)((h ^ (h >> 32)) & 0xffffffffu));
}

void theme_css_colour(const char *name, const char *fallback, char *out, size_t outlen)
{
	const char *css, *type;
	size_t len;
	snprintf(out, outlen, "%s", fallback);
	if (theme_static_named("style.css", &css, &len, &type))
		return;
	char key[64];
	int kl = snprintf(key, sizeof key, "--%s:", name);
	if (kl < 0 || (size_t)kl >= sizeof key)
		return;
	const char *p = css, *end = css + len;
	while ((p = memmem(p, (size_t)(end - p), key, (size_t)kl))) {
		/* "--brand:" itself, not the end of "--my--brand:". */
		if (p > css && (p[-1] == '-' || (p[-1] >= 'a' && p[-1] <= 'z'))) {
			p += kl;
			continue;
		}
		p += kl;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		/* "#" and 3 or 6 hex digits, then anything but a hex digit. */
		size_t n = 0;
		if (p < end && *p == '#')
			while (p + 1 + n < end && isxdigit((unsigned char)p[1 + n]) && n < 7)
				n++;
		if ((n == 3 || n == 6) && n + 1 < outlen)
			snprintf(out, outlen, "%.*s", (int)n + 1, p);
		return;
	}
}

const char *theme_asset_url(const char *name)
{
	for (size_t i = 0; i < g_nstatic; i++)
		if (!strcmp(g_static[i].name, name))
			return g_static[i].url;
	return "";
}

int theme_render(const char *name, const tv *ctx, kb_buf *out)
{
	if (!ctx || tpl_render(g_tpl, name, ctx, out)) {
		kb_buf_reset(out);
		return -1;
	}
	return 0;
}

/* Digits of reader-facing dates: TEXT_DEVA_DIGITS or 0. Set at start. */
static unsigned g_digits;

void theme_set_digits(const char *digits)
{
	g_digits = digits && !strcmp(digits, "devanagari") ? TEXT_DEVA_DIGITS : 0;
}

void theme_date(kb_buf *out, int64_t t, unsigned flags)
{
	struct tm tm;
	kb_localtime(t, &tm);
	text_format_date(out, &tm, tm.tm_zone, flags | g_digits);
}
