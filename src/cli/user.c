/*
 * user.c: "khabar user": newsroom accounts from the command line. The
 * first admin is made here; after that admins manage users in the web
 * interface.
 *
 *   khabar user add --role admin|editor|reporter [--name "पूरा नाम"] LOGIN
 *   khabar user password LOGIN
 *   khabar user list
 *   khabar user link LOGIN
 *
 * "link" prints a one-time set-password link (valid SESSION_LINK_DAYS days;
 * it replaces the user's older links): for imported authors, who have no
 * password, or anyone who lost theirs.
 * The password is asked twice on a terminal (not echoed), or read as one
 * line from standard input when that is not a terminal (scripts, tests).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "../core/crypto.h"
#include "../http/session.h"
#include "cli.h"

/* Reads one line into buf without its newline; returns 0 or -1. */
static int read_line(char *buf, size_t n)
{
	if (!fgets(buf, (int)n, stdin))
		return -1;
	buf[strcspn(buf, "\r\n")] = 0;
	return 0;
}

static int ask(const char *prompt, char *buf, size_t n)
{
	struct termios old, quiet;
	fputs(prompt, stderr);
	fflush(stderr);
	int tty = tcgetattr(STDIN_FILENO, &old) == 0;
	if (tty) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	}
	int rc = read_line(buf, n);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
		fputc('\n', stderr);
	}
	return rc;
}

/* Gets a new password into buf: twice on a terminal, once from a pipe. */
static int new_password(char *buf, size_t n)
{
	if (!isatty(STDIN_FILENO)) {
		if (read_line(buf, n)) {
			fprintf(stderr, "khabar user: no password on standard input\n");
			return -1;
		}
	} else {
		char again[1024];
		if (ask("Password (at least 10 characters): ", buf, n) || ask("Again: ", again, sizeof again))
			return -1;
		if (strcmp(buf, again)) {
			fprintf(stderr, "khabar user: the two passwords differ\n");
			return -1;
		}
	}
	if (strlen(buf) < 10) {
		fprintf(stderr, "khabar user: the password needs at least 10 characters\n");
		return -1;
	}
	return 0;
}

static int valid_login(const char *s)
{
	size_t n = strlen(s);
	return n && n <= 60 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: khabar user add --role admin|editor|reporter [--name NAME] [--db PATH] LOGIN\n"
		"       khabar user password [--db PATH] LOGIN\n"
		"       khabar user list [--db PATH]\n"
		"       khabar user link [--db PATH] LOGIN   (a one-time set-password link)\n"
		"The password is read from the terminal, or as one line from standard input.\n");
	return 2;
}

/* "khabar user link LOGIN": prints base_url + a fresh set-password path. */
static int user_link(const char *db, const char *login)
{
	store *st = cli_open_store(db);
	kb_arena a = {0};
	kb_user u;
	kb_settings set = {0};
	kb_buf path = {0};
	int rc = store_user_by_login(st, &a, login, &u, NULL);
	if (!rc && u.disabled) {
		fprintf(stderr, "khabar user: \"%s\" is disabled; enable them at /newsroom/users first\n",
			login);
		rc = 1;
	} else if (rc == STORE_NOTFOUND) {
		fprintf(stderr, "khabar user: no user \"%s\"\n", login);
	} else if (rc || store_settings(st, &a, &set) || session_password_link(st, u.id, kb_now(), &path)) {
		fprintf(stderr, "khabar user: %s\n", store_errmsg(st));
		rc = 1;
	} else {
		printf("%s%s\n(works once, for %d days; older links of \"%s\" no longer work)\n",
		       set.base_url ? set.base_url : "", path.data, SESSION_LINK_DAYS, u.login);
	}
	kb_buf_free(&path);
	kb_arena_free(&a);
	store_close(st);
	return rc ? 1 : 0;
}

int cmd_user(int argc, char **argv)
{
	if (argc < 3)
		return usage();
	const char *sub = argv[2], *db = KB_DEFAULT_DB, *role_s = NULL, *name = NULL, *login = NULL;
	for (int i = 3; i < argc; i++) {
		if (cli_opt(argc, argv, &i, "--db", &db) || cli_opt(argc, argv, &i, "--role", &role_s) ||
		    cli_opt(argc, argv, &i, "--name", &name))
			continue;
		if (argv[i][0] == '-' || login) {
			fprintf(stderr, "khabar user: unexpected %s\n", argv[i]);
			return usage();
		}
		login = argv[i];
	}
	if (!strcmp(sub, "list")) {
		store *st = cli_open_store(db);
		kb_arena a = {0};
		kb_user *v;
		size_t n;
		int rc = store_user_list(st, &a, &v, &n);
		for (size_t i = 0; !rc && i < n; i++)
			printf("%-20s %-9s %s%s\n", v[i].login, store_role_name(v[i].role), v[i].name,
			       v[i].disabled ? " (disabled)" : "");
		if (rc)
			fprintf(stderr, "khabar user: %s\n", store_errmsg(st));
		kb_arena_free(&a);
		store_close(st);
		return rc ? 1 : 0;
	}
	if (!login)
		return usage();
	if (!valid_login(login)) {
		fprintf(stderr,
			"khabar user: a login is 1-60 of a-z, A-Z, 0-9, '.', '_' and '-' (got \"%s\")\n",
			login);
		return 2;
	}
	if (name && !kb_utf8_valid(name, strlen(name), NULL)) {
		fprintf(stderr, "khabar user: --name is not valid UTF-8\n");
		return 2;
	}
	if (!strcmp(sub, "link"))
		return user_link(db, login);
	int role = store_role_parse(role_s);
	if (!strcmp(sub, "add") && !role) {
		fprintf(stderr, "khabar user: --role must be admin, editor or reporter\n");
		return 2;
	}
	if (strcmp(sub, "add") && strcmp(sub, "password"))
		return usage();
	char pw[1024];
	if (new_password(pw, sizeof pw))
		return 1;
	kb_buf hash = {0};
	if (kb_password_hash(pw, &hash)) {
		fprintf(stderr, "khabar user: cannot hash the password (out of memory?)\n");
		return 1;
	}
	store *st = cli_open_store(db);
	int rc;
	if (!strcmp(sub, "add")) {
		int64_t id;
		rc = store_user_add(st, login, name ? name : login, role, hash.data, &id);
		if (rc == STORE_CONFLICT)
			fprintf(stderr, "khabar user: there is already a user \"%s\"\n", login);
		else if (rc)
			fprintf(stderr, "khabar user: %s\n", store_errmsg(st));
		else
			printf("khabar: %s \"%s\" added; log in at /newsroom/login\n", store_role_name(role),
			       login);
	} else {
		kb_arena a = {0};
		kb_user u;
		rc = store_user_by_login(st, &a, login, &u, NULL);
		if (!rc)
			rc = store_user_set_password(st, u.id, hash.data) ||
			     store_session_delete_user(st, u.id);
		if (rc == STORE_NOTFOUND)
			fprintf(stderr, "khabar user: no user \"%s\"\n", login);
		else if (rc)
			fprintf(stderr, "khabar user: %s\n", store_errmsg(st));
		else
			printf("khabar: password of \"%s\" changed; their sessions ended\n", login);
		kb_arena_free(&a);
	}
	kb_buf_free(&hash);
	store_close(st);
	return rc ? 1 : 0;
}

int cmd_check(int argc, char **argv)
{
	const char *db = KB_DEFAULT_DB;
	int reindex = 0;
	for (int i = 2; i < argc; i++) {
		if (cli_opt(argc, argv, &i, "--db", &db))
			continue;
		if (!strcmp(argv[i], "--reindex")) {
			reindex = 1;
			continue;
		}
		fprintf(stderr, "usage: khabar check [--db PATH] [--reindex]\n"
				"  --reindex   build the search index again first\n");
		return 2;
	}
	char *err = NULL;
	store *st = store_open(db, 0, &err);
	if (!st) {
		fprintf(stderr, "khabar: %s\n", err);
		free(err);
		return 1;
	}
	kb_arena a = {0};
	const char *result;
	int rc = reindex ? store_search_rebuild(st) : 0;
	if (!rc)
		rc = store_integrity_check(st, &a, &result);
	if (rc)
		fprintf(stderr, "khabar check: %s\n", store_errmsg(st));
	else
		printf("%s\n", result);
	int ok = !rc && !strcmp(result, "ok");
	kb_arena_free(&a);
	store_close(st);
	return ok ? 0 : 1;
}
