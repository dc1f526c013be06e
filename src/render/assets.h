/*
 * assets.h: the files compiled into the binary by scripts/embed.c
 * (the templates and static folders), listed until an entry with name NULL.
 * Names are repository paths such as "templates/article.html".
 */
#ifndef KB_ASSETS_H
#define KB_ASSETS_H
#include <stddef.h>
struct kb_asset {
	const char *name;
	const unsigned char *data;
	size_t len;
};
extern const struct kb_asset kb_assets[];
#endif
