/*
 * cli.h: the subcommands (one file each) and the small option reader they
 * share. Every subcommand takes --db PATH (default data/khabar.db).
 */
#ifndef KB_CLI_H
#define KB_CLI_H

#include "../db/store.h"

#define KB_DEFAULT_DB "data/khabar.db"

int cmd_serve(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_article(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_settings(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_push(int argc, char **argv);
int cmd_routes(int argc, char **argv);
int cmd_copy(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);

/*
 * If argv[*i] is the option name ("--db"), stores its value in *val,
 * advances *i past it and returns 1. "--db=PATH" works too. A missing value
 * is fatal with a message naming the option.
 */
int cli_opt(int argc, char **argv, int *i, const char *name, const char **val);

/* Sets the site's name and base URL and, on a new site, the default Hindi
 * categories, in one transaction. Returns 0, or 1 after printing why. */
int cli_site_setup(store *st, const char *name, const char *url);

/* Generates the site's VAPID key pair (Web Push) unless it has one.
 * Returns 0, or 1 after printing why. */
int cli_vapid_setup(store *st);

/* Opens the database for a command, creating directories it needs, or
 * exits with the store's message. */
store *cli_open_store(const char *path);

#endif
