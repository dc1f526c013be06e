/*
 * main.c: picks the subcommand; nothing else.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} commands[] = {
	{"serve", cmd_serve, "serve the site over HTTP"},
	{"init", cmd_init, "make a new site (name, URL, categories)"},
	{"article", cmd_article, "add an article from a Markdown file"},
	{"demo", cmd_demo, "make a demo site with generated Hindi articles"},
	{"settings", cmd_settings, "list or set the site's settings"},
	{"user", cmd_user, "add newsroom users, set passwords (user add --role admin NAME)"},
	{"check", cmd_check, "check the database's integrity"},
	{"import", cmd_import, "move a WordPress site in: import wordpress EXPORT.xml"},
	{"copy", cmd_copy, "move a whole site to another database: copy --from SRC --to DST"},
	{"backup", cmd_backup, "back the whole site up, while it serves: backup DEST"},
	{"restore", cmd_restore, "put a backup back: restore SRC [--force]"},
	{"push", cmd_push, "send push alerts to subscribed readers, and their statistics"},
	{"routes", cmd_routes, "print every URL the server answers, with its rules"},
};

int main(int argc, char **argv)
{
	if (argc >= 2)
		for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
			if (!strcmp(argv[1], commands[i].name))
				return commands[i].fn(argc, argv);
	fprintf(stderr,
		"usage: khabar COMMAND [options]   (every command takes --db PATH; copy takes --from and --to)\n\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(stderr, "  %-8s %s\n", commands[i].name, commands[i].help);
	return argc >= 2 && (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help")) ? 0 : 2;
}
