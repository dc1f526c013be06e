/*
 * newsroom_sqlite.c: the newsroom's part of the store API (store.h): users, sessions, login throttling, server secrets, saving
 * articles with revisions and a version check, workflow transitions, the
 * scheduler's query, the audit log, photos and the changes log that drives
 * cache invalidation.
 *
 * Not here: the reading site's queries (store_sqlite.c) and search
 * (search_sqlite.c). Like them, every statement is a fixed string with
 * $1-style parameters, prepared once per connection through db_prepare()
 * (driver.h) and bound; SQL only SQLite takes is marked "dialect:".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../text/text.h"
#include "driver.h"
#include "search_pg.h"
#include "store_int.h"

/* ---- users ---- */

static const char *const role_names[] = {"", "reporter", "editor", "admin"};

const char *store_role_name(int role)
{
	return role > ROLE_NONE && role <= ROLE_ADMIN ? role_names[role] : "";
}

int store_role_parse(const char *name)
{
	for (int i = ROLE_REPORTER; name && i <= ROLE_ADMIN; i++)
		if (!strcmp(name, role_names[i]))
			return i;
	return ROLE_NONE;
}

#define USER_COLS "u.id, u.login, u.name, u.lang, u.role, u.disabled, u.created_at"

static void read_user(kb_arena *a, db_stmt *s, int col, kb_user *u)
{
	u->id = db_col_int(s, col);
	u->login = db_col_text(a, s, col + 1);
	u->name = db_col_text(a, s, col + 2);
	u->lang = db_col_text(a, s, col + 3);
	u->role = store_role_parse(db_col_peek(s, col + 4));
	u->disabled = db_col_int(s, col + 5);
	u->created_at = db_col_int(s, col + 6);
}

int store_user_add(store *st, const char *login, const char *name, int role, const char *pwhash, int64_t *id)
{
	static const char sql[] = "INSERT INTO users(login, name, role, password, created_at) "
				  "VALUES($1, $2, $3, $4, $5) ON CONFLICT(login) DO NOTHING RETURNING id";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, login);
	db_bind_text(s, 2, name);
	db_bind_text(s, 3, store_role_name(role));
	db_bind_text(s, 4, pwhash);
	db_bind_int(s, 5, kb_now());
	int rc = store_insert_id(st, s, "cannot add user", id);
	return rc == STORE_NOTFOUND ? STORE_CONFLICT : rc;
}

int store_user_by_login(store *st, kb_arena *a, const char *login, kb_user *out, const char **pwhash)
{
	static const char sql[] = "SELECT " USER_COLS ", u.password FROM users u WHERE u.login = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, login);
	int rc = db_one(st, s, "cannot read user");
	if (rc == STORE_OK) {
		read_user(a, s, 0, out);
		if (pwhash)
			*pwhash = db_col_text(a, s, 7);
		db_reset(s);
	}
	return rc;
}

int store_user_by_id(store *st, kb_arena *a, int64_t id, kb_user *out)
{
	static const char sql[] = "SELECT " USER_COLS " FROM users u WHERE u.id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	int rc = db_one(st, s, "cannot read user");
	if (rc == STORE_OK) {
		read_user(a, s, 0, out);
		db_reset(s);
	}
	return rc;
}

int store_user_list(store *st, kb_arena *a, kb_user **out, size_t *n)
{
	static const char sql[] = "SELECT " USER_COLS " FROM users u ORDER BY u.disabled, u.name";
	db_stmt *s = db_prepare(st, sql);
	size_t cap = 16, len = 0;
	kb_user *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap)
			v = kb_arena_grow(a, v, len, &cap, sizeof *v);
		read_user(a, s, 0, &v[len++]);
	}
	db_reset(s);
	*out = v;
	*n = len;
	return rc == DB_DONE ? STORE_OK : db_fail(st, "cannot list users");
}

int store_user_update(store *st, int64_t id, const char *name, int role, int disabled)
{
	static const char sql[] = "UPDATE users SET name = $2, role = $3, disabled = $4 WHERE id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, name);
	db_bind_text(s, 3, store_role_name(role));
	db_bind_int(s, 4, disabled ? 1 : 0);
	if (db_run(st, s, "cannot change user"))
		return STORE_ERROR;
	if (!db_changes(st))
		return STORE_NOTFOUND;
	return disabled ? store_session_delete_user(st, id) : STORE_OK;
}

int store_user_set_lang(store *st, int64_t id, const char *lang)
{
	static const char sql[] = "UPDATE users SET lang = $2 WHERE id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, lang);
	return db_run(st, s, "cannot change language");
}

int store_user_set_password(store *st, int64_t id, const char *pwhash)
{
	static const char sql[] = "UPDATE users SET password = $2 WHERE id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, pwhash);
	return db_run_one(st, s, "cannot change password");
}

/* ---- sessions ---- */

int store_session_add(store *st, const char *token_hash, int64_t user_id, const char *csrf, int64_t now,
		      int64_t expires_at, const char *ip, const char *agent)
{
	static const char sql[] =
		"INSERT INTO sessions(token_hash, user_id, csrf, created_at, seen_at, expires_at, ip, "
		"agent) VALUES($1, $2, $3, $4, $4, $5, $6, substr($7, 1, 200))";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, token_hash);
	db_bind_int(s, 2, user_id);
	db_bind_text(s, 3, csrf);
	db_bind_int(s, 4, now);
	db_bind_int(s, 5, expires_at);
	db_bind_text(s, 6, ip);
	db_bind_text(s, 7, agent);
	return db_run(st, s, "cannot start session");
}

int store_session_get(store *st, kb_arena *a, const char *token_hash, int64_t now, kb_user *user,
		      const char **csrf, int64_t *seen_at)
{
	static const char sql[] = "SELECT " USER_COLS ", s.csrf, s.seen_at FROM sessions s "
				  "JOIN users u ON u.id = s.user_id "
				  "WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, token_hash);
	db_bind_int(s, 2, now);
	int rc = db_one(st, s, "cannot read session");
	if (rc == STORE_OK) {
		read_user(a, s, 0, user);
		*csrf = db_col_text(a, s, 7);
		*seen_at = db_col_int(s, 8);
		db_reset(s);
	}
	return rc;
}

int store_session_touch(store *st, const char *token_hash, int64_t now, int64_t expires_at)
{
	/* The larger of two values as a CASE: SQLite's max(a, b) is no
	 * function on PostgreSQL, and SQLite has no greatest(). */
	static const char sql[] = "UPDATE sessions SET seen_at = $2, expires_at = CASE WHEN expires_at > $3 "
				  "THEN expires_at ELSE $3 END WHERE token_hash = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, token_hash);
	db_bind_int(s, 2, now);
	db_bind_int(s, 3, expires_at);
	return db_run(st, s, "cannot update session");
}

int store_session_delete(store *st, const char *token_hash)
{
	static const char sql[] = "DELETE FROM sessions WHERE token_hash = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, token_hash);
	return db_run(st, s, "cannot end session");
}

int store_session_delete_user(store *st, int64_t user_id)
{
	static const char sql[] = "DELETE FROM sessions WHERE user_id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, user_id);
	return db_run(st, s, "cannot end sessions");
}

int store_session_delete_others(store *st, int64_t user_id, const char *token_hash)
{
	static const char sql[] = "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, user_id);
	db_bind_text(s, 2, token_hash);
	return db_run(st, s, "cannot end sessions");
}

/* ---- set-password links ---- */

int store_password_token_add(store *st, const char *token_hash, int64_t user_id, int64_t expires_at)
{
	static const char drop_sql[] = "DELETE FROM password_tokens WHERE user_id = $1";
	static const char sql[] =
		"INSERT INTO password_tokens(token_hash, user_id, expires_at) VALUES($1, $2, $3)";
	db_stmt *s = db_prepare(st, drop_sql);
	db_bind_int(s, 1, user_id);
	if (db_run(st, s, "cannot replace the set-password link"))
		return STORE_ERROR;
	s = db_prepare(st, sql);
	db_bind_text(s, 1, token_hash);
	db_bind_int(s, 2, user_id);
	db_bind_int(s, 3, expires_at);
	return db_run(st, s, "cannot keep the set-password link");
}

int store_password_token_user(store *st, kb_arena *a, const char *token_hash, int64_t now, kb_user *out)
{
	static const char sql[] = "SELECT " USER_COLS
				  " FROM password_tokens t JOIN users u ON u.id = t.user_id "
				  "WHERE t.token_hash = $1 AND t.expires_at > $2 AND u.disabled = 0";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, token_hash);
	db_bind_int(s, 2, now);
	int rc = db_one(st, s, "cannot read the set-password link");
	if (rc == STORE_OK) {
		read_user(a, s, 0, out);
		db_reset(s);
	}
	return rc;
}

int store_password_token_use(store *st, const char *token_hash, int64_t now, const char *pwhash,
			     int64_t *user_id)
{
	/* DELETE ... RETURNING: of two requests with one token, one wins. */
	static const char take_sql[] =
		"DELETE FROM password_tokens WHERE token_hash = $1 AND expires_at > $2 "
		"AND user_id IN (SELECT id FROM users WHERE disabled = 0) RETURNING user_id";
	static const char drop_sql[] = "DELETE FROM password_tokens WHERE user_id = $1";
	db_stmt *s = db_prepare(st, take_sql);
	db_bind_text(s, 1, token_hash);
	db_bind_int(s, 2, now);
	int rc = db_step(s);
	if (rc == DB_ROW)
		*user_id = db_col_int(s, 0);
	int done = rc == DB_ROW ? db_step(s) : rc;
	db_reset(s);
	if (rc == DB_DONE)
		return STORE_NOTFOUND;
	if (rc != DB_ROW || done != DB_DONE)
		return db_fail(st, "cannot use the set-password link");
	s = db_prepare(st, drop_sql);
	db_bind_int(s, 1, *user_id);
	if (db_run(st, s, "cannot drop the set-password links"))
		return STORE_ERROR;
	if (store_user_set_password(st, *user_id, pwhash) || store_session_delete_user(st, *user_id))
		return STORE_ERROR;
	return STORE_OK;
}

/* ---- login throttling and secrets ---- */

int store_login_counts(store *st, const char *account, const char *address, int64_t since,
		       int64_t fresh_since, int64_t known_since, kb_login_counts *c)
{
	static const char account_sql[] =
		"SELECT count(*) FILTER (WHERE address = $2), coalesce(max(at) FILTER (WHERE address = $2), 0),"
		" count(*), coalesce(max(at), 0),"
		" count(*) FILTER (WHERE fresh <> 0 AND at >= $4), coalesce(min(at) FILTER (WHERE fresh <> 0 AND at >= $4), 0) "
		"FROM login_failures WHERE account = $1 AND at >= $3";
	static const char address_sql[] =
		"SELECT count(*), coalesce(max(at), 0) FROM login_failures WHERE address = $1 AND at >= $2";
	static const char known_sql[] =
		"SELECT 1 FROM login_known WHERE account = $1 AND address = $2 AND at >= $3";
	memset(c, 0, sizeof *c);
	db_stmt *s = db_prepare(st, account_sql);
	db_bind_text(s, 1, account);
	db_bind_text(s, 2, address);
	db_bind_int(s, 3, since);
	db_bind_int(s, 4, fresh_since);
	if (db_one(st, s, "cannot count login failures") != STORE_OK)
		return STORE_ERROR;
	c->pair = db_col_int(s, 0);
	c->pair_last = db_col_int(s, 1);
	c->account = db_col_int(s, 2);
	c->account_last = db_col_int(s, 3);
	c->fresh = db_col_int(s, 4);
	c->fresh_first = db_col_int(s, 5);
	db_reset(s);
	s = db_prepare(st, address_sql);
	db_bind_text(s, 1, address);
	db_bind_int(s, 2, since);
	if (db_one(st, s, "cannot count login failures") != STORE_OK)
		return STORE_ERROR;
	c->address = db_col_int(s, 0);
	c->address_last = db_col_int(s, 1);
	db_reset(s);
	s = db_prepare(st, known_sql);
	db_bind_text(s, 1, account);
	db_bind_text(s, 2, address);
	db_bind_int(s, 3, known_since);
	int rc = db_one(st, s, "cannot read the known addresses");
	db_reset(s);
	c->known = rc == STORE_OK;
	return rc == STORE_ERROR ? STORE_ERROR : STORE_OK;
}

int store_login_charge(store *st, const char *account, const char *address, int fresh, int64_t now,
		       int64_t *id)
{
	static const char sql[] =
		"INSERT INTO login_failures(account, address, fresh, at) VALUES($1, $2, $3, $4) RETURNING id";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, account);
	db_bind_text(s, 2, address);
	db_bind_int(s, 3, fresh != 0);
	db_bind_int(s, 4, now);
	return store_insert_id(st, s, "cannot record a login attempt", id);
}

int store_login_success(store *st, const char *account, const char *address, int64_t id, int64_t now)
{
	static const char forgive_sql[] =
		"DELETE FROM login_failures WHERE account = $1 AND address = $2 AND id <= $3";
	static const char known_sql[] = "INSERT INTO login_known(account, address, at) VALUES($1, $2, $3) "
					"ON CONFLICT(account, address) DO UPDATE SET at = excluded.at";
	db_stmt *s = db_prepare(st, forgive_sql);
	db_bind_text(s, 1, account);
	db_bind_text(s, 2, address);
	db_bind_int(s, 3, id);
	if (db_run(st, s, "cannot clear login failures"))
		return STORE_ERROR;
	s = db_prepare(st, known_sql);
	db_bind_text(s, 1, account);
	db_bind_text(s, 2, address);
	db_bind_int(s, 3, now);
	return db_run(st, s, "cannot record a known address");
}

int store_secret(store *st, const char *name, const unsigned char *candidate, size_t len, unsigned char *out)
{
	static const char ins[] = "INSERT INTO secrets(name, value) VALUES($1, $2) "
				  "ON CONFLICT(name) DO NOTHING";
	static const char get[] = "SELECT value FROM secrets WHERE name = $1";
	db_stmt *s = db_prepare(st, ins);
	db_bind_text(s, 1, name);
	db_bind_blob(s, 2, candidate, len);
	if (db_run(st, s, "cannot store secret"))
		return STORE_ERROR;
	s = db_prepare(st, get);
	db_bind_text(s, 1, name);
	if (db_one(st, s, "cannot read secret") != STORE_OK)
		return STORE_ERROR;
	int rc = STORE_OK;
	size_t n;
	const void *v = db_col_blob(s, 0, &n);
	if (n == len)
		memcpy(out, v, len);
	else
		rc = db_fail(st, "the stored secret has the wrong size");
	db_reset(s);
	return rc;
}

/* ---- articles ---- */

int store_audit_add(store *st, int64_t user_id, const char *action, int64_t article_id, const char *detail)
{
	static const char sql[] = "INSERT INTO audit(at, user_id, action, article_id, detail) "
				  "VALUES($1, nullif($2, 0), $3, nullif($4, 0), substr($5, 1, 300))";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, kb_now());
	db_bind_int(s, 2, user_id);
	db_bind_text(s, 3, action);
	db_bind_int(s, 4, article_id);
	db_bind_text(s, 5, detail);
	return db_run(st, s, "cannot write the audit log");
}

/* The fields of a revision beyond title, summary and body, as JSON built
 * by the database itself from bound values: $1 to $14 are bind_revision's.
 * (dialect: the function is SQLite's json_object, PostgreSQL's
 * json_build_object.) */
#define REVISION_FIELDS(json_object)                                                  \
	json_object "('slug', $4, 'category', $5, 'tags', $6, 'author', $7, "         \
		    "'dateline', $8, 'caption', $9, 'credit', $10, 'media_id', $11, " \
		    "'breaking', $12, 'seo_title', $13, 'seo_description', $14)"

/* Binds the revision columns and fields of in to s: $1 to $14. */
static void bind_revision(db_stmt *s, const kb_article_input *in)
{
	kb_buf tags = {0};
	for (size_t i = 0; i < in->ntags; i++)
		kb_buf_printf(&tags, "%s%s", i ? ", " : "", in->tags[i]);
	db_bind_text(s, 1, in->title);
	db_bind_text(s, 2, in->summary);
	db_bind_text(s, 3, in->body);
	db_bind_text(s, 4, in->slug);
	db_bind_text(s, 5, in->category_slug);
	db_bind_text(s, 6, tags.data);
	db_bind_text(s, 7, in->author_name);
	db_bind_text(s, 8, in->dateline);
	db_bind_text(s, 9, in->image_caption);
	db_bind_text(s, 10, in->image_credit);
	db_bind_int(s, 11, in->media_id);
	db_bind_int(s, 12, in->breaking ? 1 : 0);
	db_bind_text(s, 13, in->seo_title);
	db_bind_text(s, 14, in->seo_description);
	kb_buf_free(&tags);
}

static int revision_write(store *st, int64_t id, int64_t version, int64_t user_id, const char *kind,
			  const kb_article_input *in)
{
	/* A run of autosaves by one person keeps one revision: the last.
	 * $15 the version, $16 the time, $17 the article, $18 the user and
	 * $19 the kind. */
#define UPD(json_object)                                                                   \
	"UPDATE revisions SET version = $15, at = $16, title = $1, summary = $2, "         \
	"body = $3, fields = " REVISION_FIELDS(                                            \
		json_object) " WHERE id = (SELECT id FROM "                                \
			     "revisions WHERE article_id = $17 ORDER BY id DESC LIMIT 1) " \
			     "AND kind = 'autosave' AND user_id = $18"
#define INS(json_object)                                                                       \
	"INSERT INTO revisions(article_id, version, user_id, at, kind, title, summary, body, " \
	"fields) VALUES($17, $15, nullif($18, 0), $16, $19, $1, $2, $3, " REVISION_FIELDS(json_object) ")"
	static const char upd[] = UPD("json_object"), upd_pg[] = UPD("json_build_object");
	static const char ins[] = INS("json_object"), ins_pg[] = INS("json_build_object");
#undef UPD
#undef INS
	int pg = db_is_pg(st);
	if (!strcmp(kind, "autosave")) {
		db_stmt *s = db_prepare(st, pg ? upd_pg : upd);
		db_bind_int(s, 15, version);
		db_bind_int(s, 16, kb_now());
		db_bind_int(s, 17, id);
		db_bind_int(s, 18, user_id);
		bind_revision(s, in);
		if (db_run(st, s, "cannot keep revision"))
			return STORE_ERROR;
		if (db_changes(st))
			return STORE_OK;
	}
	db_stmt *s = db_prepare(st, pg ? ins_pg : ins);
	db_bind_int(s, 15, version);
	db_bind_int(s, 16, kb_now());
	db_bind_int(s, 17, id);
	db_bind_int(s, 18, user_id);
	db_bind_text(s, 19, kind);
	bind_revision(s, in);
	return db_run(st, s, "cannot keep revision");
}

int store_revision_add_conflict(store *st, int64_t article_id, int64_t user_id, const kb_article_input *in)
{
	static const char sql[] = "SELECT version FROM articles WHERE id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, article_id);
	int rc = db_one(st, s, "cannot read article");
	if (rc)
		return rc;
	int64_t v = db_col_int(s, 0);
	db_reset(s);
	if (revision_write(st, article_id, v, user_id, "conflict", in))
		return STORE_ERROR;
	return store_audit_add(st, user_id, "conflict", article_id, in->title);
}

/* Sets an article's tags to in's: deletes those no longer listed and adds
 * the new ones, leaving the rest alone so that their pages stay cached. */
static int replace_tags(store *st, int64_t id, const kb_article_input *in)
{
	/* $2 lists the ids to keep as ",1,2,3," (text both databases
	 * search alike). */
	static const char del[] = "DELETE FROM article_tags WHERE article_id = $1 "
				  "AND $2 NOT LIKE '%,' || tag_id || ',%'";
	static const char add[] = "INSERT INTO article_tags(article_id, tag_id) VALUES($1, $2) "
				  "ON CONFLICT DO NOTHING";
	kb_buf ids = {0};
	int rc = STORE_OK;
	kb_buf_putc(&ids, ',');
	for (size_t i = 0; !rc && i < in->ntags; i++) {
		int64_t tag;
		if (!in->tags[i][0])
			continue;
		rc = store_ensure_named(st, 't', in->tags[i], &tag);
		if (!rc)
			kb_buf_printf(&ids, "%lld,", (long long)tag);
	}
	if (!rc) {
		db_stmt *s = db_prepare(st, del);
		db_bind_int(s, 1, id);
		db_bind_text(s, 2, ids.data);
		rc = db_run(st, s, "cannot replace tags");
	}
	/* The ids again, from the list just built. */
	for (const char *p = ids.data + 1; !rc && *p;) {
		char *end;
		long long tag = strtoll(p, &end, 10);
		db_stmt *s = db_prepare(st, add);
		db_bind_int(s, 1, id);
		db_bind_int(s, 2, tag);
		rc = db_run(st, s, "cannot tag article");
		p = *end == ',' ? end + 1 : end;
	}
	kb_buf_free(&ids);
	return rc;
}

static int save_in_tx(store *st, const kb_article_input *in, int64_t expected_version, int64_t user_id,
		      const char *kind, int64_t *id, int64_t *version)
{
	static const char cat_sql[] = "SELECT id FROM categories WHERE slug = $1";
	static const char old_sql[] =
		"SELECT slug, status, version, published_at FROM articles WHERE id = $1";
	/* $1 to $14 are the same in both; then the owner ($15) of a new
	 * article, or the id ($15) and version ($16) of an old one. */
	static const char ins_sql[] =
		"INSERT INTO articles(title, slug, summary, body, status, created_at, updated_at, "
		"category_id, author_id, image_caption, image_credit, dateline, breaking, seo_title, "
		"seo_description, owner_id, media_id, version) VALUES($1, $2, $3, $4, "
		"'draft', $5, $5, nullif($6, 0), nullif($7, 0), $8, $9, "
		"$10, $11, $12, $13, nullif($15, 0), nullif($14, 0), 1) RETURNING id";
	static const char upd_sql[] =
		"UPDATE articles SET title = $1, slug = $2, summary = $3, body = $4, "
		"updated_at = $5, category_id = nullif($6, 0), author_id = nullif($7, 0), "
		"image_caption = $8, image_credit = $9, dateline = $10, "
		"breaking = $11, seo_title = $12, seo_description = $13, "
		"media_id = nullif($14, 0), version = version + 1, "
		"modified_at = CASE WHEN $17 <> 0 AND status = 'published' THEN $5 ELSE modified_at END "
		"WHERE id = $15 AND version = $16";

	int64_t category = 0, author = 0;
	if (in->category_slug && *in->category_slug) {
		db_stmt *s = db_prepare(st, cat_sql);
		db_bind_text(s, 1, in->category_slug);
		int rc = db_one(st, s, "cannot read category");
		if (rc == STORE_NOTFOUND)
			return db_fail(st, "no such category");
		if (rc)
			return rc;
		category = db_col_int(s, 0);
		db_reset(s);
	}
	if (in->author_name && *in->author_name && store_ensure_named(st, 'u', in->author_name, &author))
		return STORE_ERROR;

	/* The article as it was: a published article whose slug changes
	 * leaves a redirect behind, so shared links keep working. */
	char *old_slug = NULL;
	int was_published = 0, ever_published = 0;
	if (*id) {
		db_stmt *s = db_prepare(st, old_sql);
		db_bind_int(s, 1, *id);
		int rc = db_one(st, s, "cannot read article");
		if (rc)
			return rc;
		old_slug = kb_strdup(db_col_peek(s, 0));
		was_published = !strcmp(db_col_peek(s, 1), "published");
		int64_t v = db_col_int(s, 2);
		ever_published = db_col_int(s, 3) != 0;
		db_reset(s);
		if (v != expected_version) {
			free(old_slug);
			return STORE_CONFLICT;
		}
	}

	/* The slug follows the title until the story first goes out; after
	 * that its URL stays unless someone types a new one. */
	kb_buf base = {0}, slug = {0};
	const char *from = in->slug && *in->slug ? in->slug : ever_published ? old_slug : in->title;
	text_slug(&base, from ? from : "", from ? strlen(from) : 0, 80);
	if (!base.len)
		kb_buf_puts(&base, "khabar");
	int rc = store_unique_slug(st, base.data, 'a', *id, &slug);
	kb_buf_free(&base);
	if (rc) {
		free(old_slug);
		kb_buf_free(&slug);
		return rc;
	}

	db_stmt *s = db_prepare(st, *id ? upd_sql : ins_sql);
	db_bind_text(s, 1, in->title);
	db_bind_text(s, 2, slug.data);
	db_bind_text(s, 3, in->summary);
	db_bind_text(s, 4, in->body);
	db_bind_int(s, 5, kb_now());
	db_bind_int(s, 6, category);
	db_bind_int(s, 7, author);
	db_bind_text(s, 8, in->image_caption);
	db_bind_text(s, 9, in->image_credit);
	db_bind_text(s, 10, in->dateline);
	db_bind_int(s, 11, in->breaking ? 1 : 0);
	db_bind_text(s, 12, in->seo_title);
	db_bind_text(s, 13, in->seo_description);
	db_bind_int(s, 14, in->media_id);
	if (*id) {
		db_bind_int(s, 15, *id);
		db_bind_int(s, 16, expected_version);
		db_bind_int(s, 17, in->significant && strcmp(kind, "autosave"));
	} else {
		db_bind_int(s, 15, in->owner_id);
	}
	if (*id) {
		rc = db_run(st, s, "cannot save article");
		if (!rc && !db_changes(st))
			rc = STORE_CONFLICT;
	} else {
		rc = store_insert_id(st, s, "cannot save article", id);
	}
	*version = *id && expected_version ? expected_version + 1 : 1;
	if (!rc && was_published && in->path_prefix && strcmp(old_slug, slug.data)) {
		kb_buf from_path = {0}, to_path = {0};
		kb_buf_printf(&from_path, "%s%s", in->path_prefix, old_slug);
		kb_buf_printf(&to_path, "%s%s", in->path_prefix, slug.data);
		rc = store_redirect_add(st, from_path.data, to_path.data, 301);
		kb_buf_free(&from_path);
		kb_buf_free(&to_path);
	}
	free(old_slug);
	kb_buf_free(&slug);
	if (!rc)
		rc = replace_tags(st, *id, in);
	if (!rc)
		rc = revision_write(st, *id, *version, user_id, kind, in);
	if (!rc && (!expected_version || strcmp(kind, "autosave")))
		rc = store_audit_add(st, user_id, expected_version ? kind : "create", *id, in->title);
	return rc;
}

int store_article_save(store *st, const kb_article_input *in, int64_t expected_version, int64_t user_id,
		       const char *kind, int64_t *id, int64_t *version)
{
	int own_tx = !db_in_tx(st);
	if (own_tx && store_begin(st))
		return STORE_ERROR;
	int64_t new_id = *id;
	int rc = save_in_tx(st, in, expected_version, user_id, kind, &new_id, version);
	if (own_tx) {
		if (rc)
			store_rollback(st);
		else if (store_commit(st))
			rc = STORE_ERROR;
	}
	if (!rc)
		*id = new_id;
	return rc;
}

int store_article_transition(store *st, int64_t id, const char *status, int64_t publish_at, int64_t user_id)
{
	static const char sql[] = "UPDATE articles SET status = $2, updated_at = $3, version = version + 1, "
				  "publish_at = CASE WHEN $2 = 'scheduled' THEN $4 ELSE 0 END, "
				  "published_at = CASE WHEN $2 = 'published' AND published_at = 0 THEN $3 "
				  "ELSE published_at END WHERE id = $1";
	int own_tx = !db_in_tx(st);
	if (own_tx && store_begin(st))
		return STORE_ERROR;
	db_stmt *s = db_prepare(st, sql);
	int64_t now = kb_now();
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, status);
	db_bind_int(s, 3, now);
	db_bind_int(s, 4, publish_at);
	int rc = db_run(st, s, "cannot change the article's status");
	if (!rc && !db_changes(st))
		rc = STORE_NOTFOUND;
	if (!rc) {
		static const struct {
			const char *status, *action;
		} actions[] = {{"review", "submit"},
			       {"published", "publish"},
			       {"scheduled", "schedule"},
			       {"unpublished", "unpublish"},
			       {"draft", "return"}};
		const char *action = status;
		for (size_t i = 0; i < KB_COUNT(actions); i++)
			if (!strcmp(status, actions[i].status))
				action = actions[i].action;
		char detail[32] = "";
		if (!strcmp(status, "scheduled"))
			snprintf(detail, sizeof detail, "%lld", (long long)publish_at);
		rc = store_audit_add(st, user_id, action, id, detail);
	}
	if (own_tx) {
		if (rc)
			store_rollback(st);
		else if (store_commit(st))
			rc = STORE_ERROR;
	}
	return rc;
}

int store_publish_due(store *st, int64_t now, int *n)
{
	static const char audit_sql[] =
		"INSERT INTO audit(at, user_id, action, article_id, detail) SELECT $1, NULL, 'publish', "
		"id, 'scheduled' FROM articles WHERE status = 'scheduled' AND publish_at <= $1";
	static const char pub_sql[] =
		"UPDATE articles SET status = 'published', updated_at = $1, version = version + 1, "
		"published_at = CASE WHEN published_at = 0 THEN $1 ELSE published_at END, publish_at = 0 "
		"WHERE status = 'scheduled' AND publish_at <= $1";
	static const char any_sql[] =
		"SELECT 1 FROM articles WHERE status = 'scheduled' AND publish_at <= $1 LIMIT 1";
	*n = 0;
	/* The common case, nothing due, takes no write lock. */
	db_stmt *s = db_prepare(st, any_sql);
	db_bind_int(s, 1, now);
	int rc = db_one(st, s, "cannot look for scheduled articles");
	if (rc == STORE_NOTFOUND)
		return STORE_OK;
	if (rc)
		return rc;
	db_reset(s);
	if (store_begin(st))
		return STORE_ERROR;
	s = db_prepare(st, audit_sql);
	db_bind_int(s, 1, now);
	rc = db_run(st, s, "cannot write the audit log");
	if (!rc) {
		s = db_prepare(st, pub_sql);
		db_bind_int(s, 1, now);
		rc = db_run(st, s, "cannot publish scheduled articles");
		*n = db_changes(st);
	}
	if (rc) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st) ? STORE_ERROR : STORE_OK;
}

int store_desk_list(store *st, kb_arena *a, const kb_desk_query *q, kb_article **out, size_t *n,
		    size_t *total)
{
	static const char sql[] = "SELECT " ARTICLE_COLS ARTICLE_FROM
				  "WHERE ($2 = '' OR a.status = $2) AND ($3 = 0 OR a.owner_id = $3) "
				  "ORDER BY a.updated_at DESC, a.id DESC LIMIT $4 OFFSET $5";
	static const char count_sql[] = "SELECT count(*) FROM articles a WHERE ($1 = '' OR "
					"a.status = $1) AND ($2 = 0 OR a.owner_id = $2)";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, 0);
	db_bind_text(s, 2, q->status);
	db_bind_int(s, 3, q->owner_id);
	db_bind_int(s, 4, (int64_t)q->limit);
	db_bind_int(s, 5, (int64_t)q->offset);
	int rc = store_article_rows(st, a, s, 0, out, n);
	if (rc || !total)
		return rc;
	s = db_prepare(st, count_sql);
	db_bind_text(s, 1, q->status);
	db_bind_int(s, 2, q->owner_id);
	if (db_one(st, s, "cannot count articles") != STORE_OK)
		return STORE_ERROR;
	*total = (size_t)db_col_int(s, 0);
	db_reset(s);
	return STORE_OK;
}

/* ---- revisions and the audit log ---- */

#define REV_COLS "r.id, r.article_id, r.version, coalesce(r.user_id, 0), r.at, r.kind, coalesce(u.name, ''), "
#define REV_FROM "FROM revisions r LEFT JOIN users u ON u.id = r.user_id "

static void read_revision(kb_arena *a, db_stmt *s, kb_revision *r)
{
	memset(r, 0, sizeof *r);
	r->id = db_col_int(s, 0);
	r->article_id = db_col_int(s, 1);
	r->version = db_col_int(s, 2);
	r->user_id = db_col_int(s, 3);
	r->at = db_col_int(s, 4);
	r->kind = db_col_text(a, s, 5);
	r->user_name = db_col_text(a, s, 6);
	r->title = db_col_text(a, s, 7);
	r->summary = db_col_text(a, s, 8);
	r->body = db_col_text(a, s, 9);
	r->fields = db_col_text(a, s, 10);
}

int store_revision_list(store *st, kb_arena *a, int64_t article_id, kb_revision **out, size_t *n)
{
	static const char sql[] = "SELECT " REV_COLS "r.title, '', '', '{}' " REV_FROM
				  "WHERE r.article_id = $1 ORDER BY r.id DESC LIMIT 500";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, article_id);
	size_t cap = 16, len = 0;
	kb_revision *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap)
			v = kb_arena_grow(a, v, len, &cap, sizeof *v);
		read_revision(a, s, &v[len++]);
	}
	db_reset(s);
	*out = v;
	*n = len;
	return rc == DB_DONE ? STORE_OK : db_fail(st, "cannot list revisions");
}

int store_revision_get(store *st, kb_arena *a, int64_t id, kb_revision *out)
{
	static const char sql[] = "SELECT " REV_COLS "r.title, r.summary, r.body, r.fields " REV_FROM
				  "WHERE r.id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	int rc = db_one(st, s, "cannot read revision");
	if (rc == STORE_OK) {
		read_revision(a, s, out);
		db_reset(s);
	}
	return rc;
}

int store_audit_list(store *st, kb_arena *a, int64_t article_id, size_t limit, kb_audit **out, size_t *n)
{
	static const char sql[] =
		"SELECT l.id, l.at, coalesce(l.user_id, 0), coalesce(l.article_id, 0), l.action, "
		"l.detail, coalesce(u.name, ''), coalesce(x.title, '') FROM audit l "
		"LEFT JOIN users u ON u.id = l.user_id LEFT JOIN articles x ON x.id = l.article_id "
		"WHERE $1 = 0 OR l.article_id = $1 ORDER BY l.id DESC LIMIT $2";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, article_id);
	db_bind_int(s, 2, (int64_t)limit);
	size_t cap = 32, len = 0;
	kb_audit *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap)
			v = kb_arena_grow(a, v, len, &cap, sizeof *v);
		kb_audit *e = &v[len++];
		e->id = db_col_int(s, 0);
		e->at = db_col_int(s, 1);
		e->user_id = db_col_int(s, 2);
		e->article_id = db_col_int(s, 3);
		e->action = db_col_text(a, s, 4);
		e->detail = db_col_text(a, s, 5);
		e->user_name = db_col_text(a, s, 6);
		e->article_title = db_col_text(a, s, 7);
	}
	db_reset(s);
	*out = v;
	*n = len;
	return rc == DB_DONE ? STORE_OK : db_fail(st, "cannot read the audit log");
}

/* ---- tags and categories ---- */

int store_tag_suggest(store *st, kb_arena *a, const char *prefix, size_t limit, kb_tag **out, size_t *n)
{
	/* A prefix compared as a substring instead of LIKE: no wildcard in
	 * what was typed can widen the match. Not a range (name >= $1 AND
	 * name < $1 || U+10FFFF): SQLite's x'...' is a blob there but a bit
	 * string on PostgreSQL, and a range depends on the collation; an
	 * equality of characters means the same on both. */
	static const char sql[] =
		"SELECT t.id, t.name, t.slug FROM tags t WHERE substr(t.name, 1, length($1)) = $1 "
		"OR substr(t.slug, 1, length($1)) = lower($1) ORDER BY (SELECT count(*) FROM "
		"article_tags x WHERE x.tag_id = t.id) DESC, t.name LIMIT $2";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, prefix);
	db_bind_int(s, 2, (int64_t)limit);
	size_t cap = limit ? limit : 1, len = 0;
	kb_tag *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while (len < cap && (rc = db_step(s)) == DB_ROW) {
		v[len].id = db_col_int(s, 0);
		v[len].name = db_col_text(a, s, 1);
		v[len].slug = db_col_text(a, s, 2);
		len++;
	}
	if (len == cap)
		rc = DB_DONE;
	db_reset(s);
	*out = v;
	*n = len;
	return rc == DB_DONE ? STORE_OK : db_fail(st, "cannot suggest tags");
}

int store_tag_list(store *st, kb_arena *a, kb_tag **out, int64_t **counts, size_t *n)
{
	static const char sql[] = "SELECT t.id, t.name, t.slug, (SELECT count(*) FROM article_tags x "
				  "WHERE x.tag_id = t.id) FROM tags t ORDER BY t.name";
	db_stmt *s = db_prepare(st, sql);
	size_t cap = 64, len = 0;
	kb_tag *v = kb_arena_alloc(a, cap * sizeof *v);
	int64_t *c = kb_arena_alloc(a, cap * sizeof *c);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap) {
			size_t cap2 = cap;
			v = kb_arena_grow(a, v, len, &cap, sizeof *v);
			c = kb_arena_grow(a, c, len, &cap2, sizeof *c);
		}
		v[len].id = db_col_int(s, 0);
		v[len].name = db_col_text(a, s, 1);
		v[len].slug = db_col_text(a, s, 2);
		c[len] = db_col_int(s, 3);
		len++;
	}
	db_reset(s);
	*out = v;
	*counts = c;
	*n = len;
	return rc == DB_DONE ? STORE_OK : db_fail(st, "cannot list tags");
}

/* Renames a tag, or a category (with its position as $4). */
static int update_named(store *st, const char *sql, int64_t id, const char *name, const char *slug,
			int category, int position)
{
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	db_bind_text(s, 2, name);
	db_bind_text(s, 3, slug);
	if (category)
		db_bind_int(s, 4, position);
	int rc = db_step(s);
	db_reset(s);
	if (rc == DB_ERROR && db_unique_violation(st))
		return STORE_CONFLICT;
	if (rc != DB_DONE)
		return db_fail(st, "cannot rename");
	return db_changes(st) ? STORE_OK : STORE_NOTFOUND;
}

int store_tag_rename(store *st, int64_t id, const char *name, const char *slug)
{
	static const char sql[] = "UPDATE tags SET name = $2, slug = $3 WHERE id = $1";
	return update_named(st, sql, id, name, slug, 0, 0);
}

int store_category_update(store *st, int64_t id, const char *name, const char *slug, int position)
{
	static const char sql[] = "UPDATE categories SET name = $2, slug = $3, position = $4 WHERE id = $1";
	return update_named(st, sql, id, name, slug, 1, position);
}

/* ---- photos ---- */

#define MEDIA_COLS                                                                                  \
	"m.id, m.stem, m.name, m.status, m.error, m.type, m.caption, m.credit, m.widths, m.width, " \
	"m.height, m.bytes, m.created_at, coalesce(m.user_id, 0), coalesce(u.name, '') "
#define MEDIA_FROM "FROM media m LEFT JOIN users u ON u.id = m.user_id "

static void read_media(kb_arena *a, db_stmt *s, kb_media *m)
{
	m->id = db_col_int(s, 0);
	m->stem = db_col_text(a, s, 1);
	m->name = db_col_text(a, s, 2);
	m->status = db_col_text(a, s, 3);
	m->error = db_col_text(a, s, 4);
	m->type = db_col_text(a, s, 5);
	m->caption = db_col_text(a, s, 6);
	m->credit = db_col_text(a, s, 7);
	m->widths = db_col_text(a, s, 8);
	m->width = db_col_int(s, 9);
	m->height = db_col_int(s, 10);
	m->bytes = db_col_int(s, 11);
	m->created_at = db_col_int(s, 12);
	m->user_id = db_col_int(s, 13);
	m->user_name = db_col_text(a, s, 14);
}

int store_media_add(store *st, const char *stem, const char *name, const char *type, const void *p, size_t n,
		    int64_t user_id, int64_t *id)
{
	static const char sql[] = "INSERT INTO media(stem, name, type, bytes, user_id, created_at) "
				  "VALUES($1, substr($2, 1, 200), $3, $4, nullif($5, 0), $6) RETURNING id";
	static const char file_sql[] =
		"INSERT INTO media_files(media_id, name, bytes) VALUES($1, 'original', $2)";
	int own_tx = !db_in_tx(st);
	if (own_tx && store_begin(st))
		return STORE_ERROR;
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, stem);
	db_bind_text(s, 2, name);
	db_bind_text(s, 3, type);
	db_bind_int(s, 4, (int64_t)n);
	db_bind_int(s, 5, user_id);
	db_bind_int(s, 6, kb_now());
	int64_t new_id = 0;
	int rc = store_insert_id(st, s, "cannot record the upload", &new_id);
	if (!rc) {
		s = db_prepare(st, file_sql);
		db_bind_int(s, 1, new_id);
		db_bind_blob(s, 2, p, n);
		rc = db_run(st, s, "cannot store the upload");
	}
	if (own_tx) {
		if (rc)
			store_rollback(st);
		else if (store_commit(st))
			rc = STORE_ERROR;
	}
	if (!rc)
		*id = new_id;
	return rc;
}

int store_media_get(store *st, kb_arena *a, int64_t id, kb_media *out)
{
	static const char sql[] = "SELECT " MEDIA_COLS MEDIA_FROM "WHERE m.id = $1";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	int rc = db_one(st, s, "cannot read photo");
	if (rc == STORE_OK) {
		read_media(a, s, out);
		db_reset(s);
	}
	return rc;
}

int store_media_list(store *st, kb_arena *a, size_t limit, size_t offset, kb_media **out, size_t *n,
		     size_t *total)
{
	/* A reader's tip photo stays private to the tip until a draft takes
	 * it over (tips_store.h). */
#define NOT_TIP "WHERE m.id NOT IN (SELECT media_id FROM tip_media WHERE kept = 0) "
	static const char sql[] = "SELECT " MEDIA_COLS MEDIA_FROM NOT_TIP
				  "ORDER BY m.id DESC LIMIT $1 OFFSET $2";
	static const char count_sql[] = "SELECT count(*) FROM media m " NOT_TIP;
#undef NOT_TIP
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, (int64_t)limit);
	db_bind_int(s, 2, (int64_t)offset);
	size_t cap = 32, len = 0;
	kb_media *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap)
			v = kb_arena_grow(a, v, len, &cap, sizeof *v);
		read_media(a, s, &v[len++]);
	}
	db_reset(s);
	if (rc != DB_DONE)
		return db_fail(st, "cannot list photos");
	*out = v;
	*n = len;
	s = db_prepare(st, count_sql);
	if (db_one(st, s, "cannot count photos") != STORE_OK)
		return STORE_ERROR;
	*total = (size_t)db_col_int(s, 0);
	db_reset(s);
	return STORE_OK;
}

int store_media_claim(store *st, kb_arena *a, int64_t claim, int64_t now, int64_t until, int64_t pid,
		      const char *host, kb_media *out)
{
	/* One statement: on SQLite it holds the write lock throughout; on
	 * PostgreSQL a second server's UPDATE of the same row waits for the
	 * first's and then finds the claim taken (its WHERE is checked again
	 * on the row as the first left it), so it claims nothing this time. */
	static const char sql[] =
		"UPDATE media SET claim = $1, claim_until = $3, claim_pid = $4, claim_host = $5 "
		"WHERE id = (SELECT id FROM media WHERE status = 'pending' AND claim_until <= $2 "
		"ORDER BY id LIMIT 1) AND status = 'pending' AND claim_until <= $2 "
		"RETURNING id, stem, name, type";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, claim);
	db_bind_int(s, 2, now);
	db_bind_int(s, 3, until);
	db_bind_int(s, 4, pid);
	db_bind_text(s, 5, host);
	int rc = db_one(st, s, "cannot claim a pending photo");
	if (rc == STORE_OK) {
		memset(out, 0, sizeof *out);
		out->id = db_col_int(s, 0);
		out->stem = db_col_text(a, s, 1);
		out->name = db_col_text(a, s, 2);
		out->type = db_col_text(a, s, 3);
		out->status = "pending";
		out->error = out->caption = out->credit = out->widths = out->user_name = "";
		db_reset(s);
	}
	return rc;
}

int store_media_claims_on(store *st, kb_arena *a, const char *host, int64_t now, kb_media_claim **out,
			  size_t *n)
{
	static const char sql[] = "SELECT id, claim, claim_pid FROM media WHERE status = 'pending' "
				  "AND claim_until > $2 AND claim_host = $1 ORDER BY id LIMIT 100";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, host);
	db_bind_int(s, 2, now);
	size_t cap = 8, len = 0;
	kb_media_claim *v = kb_arena_alloc(a, cap * sizeof *v);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap)
			v = kb_arena_grow(a, v, len, &cap, sizeof *v);
		v[len].id = db_col_int(s, 0);
		v[len].claim = db_col_int(s, 1);
		v[len++].pid = db_col_int(s, 2);
	}
	db_reset(s);
	if (rc != DB_DONE)
		return db_fail(st, "cannot read the photos' claims");
	*out = v;
	*n = len;
	return STORE_OK;
}

int store_media_unclaim(store *st, int64_t id, int64_t claim)
{
	static const char sql[] = "UPDATE media SET claim_until = 0 WHERE id = $1 AND claim = $2 "
				  "AND status = 'pending'";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	db_bind_int(s, 2, claim);
	return db_run(st, s, "cannot release a photo's claim");
}

/* Runs s, whose one row's first column is a blob, into out (replaced). */
static int one_blob(store *st, db_stmt *s, const char *what, kb_buf *out)
{
	int rc = db_one(st, s, what);
	if (rc == STORE_OK) {
		size_t n;
		const void *p = db_col_blob(s, 0, &n);
		kb_buf_reset(out);
		kb_buf_append(out, p ? p : "", n);
		db_reset(s);
	}
	return rc;
}

int store_media_original(store *st, int64_t id, kb_buf *out)
{
	static const char sql[] = "SELECT bytes FROM media_files WHERE media_id = $1 AND name = 'original'";
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, id);
	return one_blob(st, s, "cannot read the uploaded photo", out);
}

int store_media_file(store *st, const char *stem, const char *name, kb_buf *out)
{
	static const char sql[] = "SELECT f.bytes FROM media m JOIN media_files f ON f.media_id = m.id "
				  "WHERE m.stem = $1 AND f.name = $2 AND m.status = 'ready'";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, stem);
	db_bind_text(s, 2, name);
	return one_blob(st, s, "cannot read a photo", out);
}

/* Ends photo id's wait in the transaction open on st: status set by mark
 * (bound $1 id, $2 claim, then its own), the original deleted. */
static int media_finish(store *st, db_stmt *mark, int64_t id, int64_t claim)
{
	static const char drop[] = "DELETE FROM media_files WHERE media_id = $1 AND name = 'original'";
	db_bind_int(mark, 1, id);
	db_bind_int(mark, 2, claim);
	int rc = db_run_one(st, mark, "cannot mark the photo done");
	if (rc)
		return rc; /* STORE_NOTFOUND: deleted, or another server's now */
	db_stmt *s = db_prepare(st, drop);
	db_bind_int(s, 1, id);
	return db_run(st, s, "cannot delete the uploaded photo");
}

int store_media_ready(store *st, int64_t id, int64_t claim, int width, int height, const char *widths,
		      const kb_media_file *files, size_t n)
{
	static const char sql[] = "UPDATE media SET status = 'ready', width = $3, height = $4, "
				  "widths = $5, claim_until = 0 WHERE id = $1 AND claim = $2 "
				  "AND status = 'pending'";
	static const char file_sql[] = "INSERT INTO media_files(media_id, name, bytes) VALUES($1, $2, $3)";
	static const char touch[] = "UPDATE articles SET media_id = media_id WHERE media_id = $1";
	/* An author whose photo it is: touching the row moves the content
	 * version (authors' triggers), so their pages show it. */
	static const char touch_authors[] = "UPDATE authors SET bio = bio WHERE id IN "
					    "(SELECT author_id FROM author_photos WHERE media_id = $1)";
	if (store_begin(st))
		return STORE_ERROR;
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 3, width);
	db_bind_int(s, 4, height);
	db_bind_text(s, 5, widths);
	int rc = media_finish(st, s, id, claim);
	for (size_t i = 0; !rc && i < n; i++) {
		s = db_prepare(st, file_sql);
		db_bind_int(s, 1, id);
		db_bind_text(s, 2, files[i].name);
		db_bind_blob(s, 3, files[i].data, files[i].len);
		rc = db_run(st, s, "cannot store the photo's sizes");
	}
	if (!rc) {
		/* A published story that already uses the photo shows it
		 * now: touching the row tells the cache. */
		s = db_prepare(st, touch);
		db_bind_int(s, 1, id);
		rc = db_run(st, s, "cannot update articles");
	}
	if (!rc) {
		s = db_prepare(st, touch_authors);
		db_bind_int(s, 1, id);
		rc = db_run(st, s, "cannot update authors");
	}
	if (rc) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st) ? STORE_ERROR : STORE_OK;
}

int store_media_failed(store *st, int64_t id, int64_t claim, const char *error)
{
	static const char sql[] = "UPDATE media SET status = 'failed', error = substr($3, 1, 300), "
				  "claim_until = 0 WHERE id = $1 AND claim = $2 AND status = 'pending'";
	if (store_begin(st))
		return STORE_ERROR;
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 3, error);
	int rc = media_finish(st, s, id, claim);
	if (rc) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st) ? STORE_ERROR : STORE_OK;
}

/* ---- the changes log, pruning, checks ---- */

int store_changes_last(store *st, int64_t *seq)
{
	static const char sql[] = "SELECT coalesce(max(seq), 0) FROM changes";
	db_stmt *s = db_prepare(st, sql);
	if (db_one(st, s, "cannot read changes") != STORE_OK)
		return STORE_ERROR;
	*seq = db_col_int(s, 0);
	db_reset(s);
	return STORE_OK;
}

int store_changes_since(store *st, kb_arena *a, int64_t seq, size_t limit, const char ***tags, int64_t **seqs,
			size_t *n, int64_t *first)
{
	static const char sql[] = "SELECT seq, tag FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2";
	static const char min_sql[] = "SELECT coalesce(min(seq), 0) FROM changes";
	db_stmt *s = db_prepare(st, min_sql);
	if (db_one(st, s, "cannot read changes") != STORE_OK)
		return STORE_ERROR;
	*first = db_col_int(s, 0);
	db_reset(s);
	s = db_prepare(st, sql);
	db_bind_int(s, 1, seq);
	db_bind_int(s, 2, (int64_t)limit);
	size_t cap = limit ? limit : 1, len = 0;
	const char **t = kb_arena_alloc(a, cap * sizeof *t);
	int64_t *q = kb_arena_alloc(a, cap * sizeof *q);
	int rc;
	while (len < cap && (rc = db_step(s)) == DB_ROW) {
		q[len] = db_col_int(s, 0);
		t[len] = db_col_text(a, s, 1);
		len++;
	}
	if (len == cap)
		rc = DB_DONE;
	db_reset(s);
	*tags = t;
	*seqs = q;
	*n = len;
	return rc == DB_DONE ? STORE_OK : db_fail(st, "cannot read changes");
}

int store_suggest_source(store *st, kb_arena *a, size_t headlines, kb_suggest_row **out, size_t *n)
{
	static const char sql[] =
		"SELECT 0, title, slug, published_at FROM (SELECT title, slug, published_at, id FROM articles "
		"  WHERE status = 'published' ORDER BY published_at DESC, id DESC LIMIT $1) h "
		"UNION ALL SELECT 1, t.name, t.slug, count(*) FROM tags t JOIN article_tags x ON x.tag_id = t.id "
		"  JOIN articles a ON a.id = x.article_id WHERE a.status = 'published' GROUP BY t.id, t.name, t.slug "
		"UNION ALL SELECT 2, c.name, c.slug, (SELECT count(*) FROM articles a WHERE a.category_id = c.id "
		"  AND a.status = 'published') FROM categories c "
		"UNION ALL SELECT 3, u.name, u.slug, count(*) FROM authors u JOIN articles a ON a.author_id = u.id "
		"  WHERE a.status = 'published' GROUP BY u.id, u.name, u.slug";
	size_t len = 0, cap = 0;
	kb_suggest_row *v = NULL;
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, (int64_t)headlines);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 1024;
			kb_suggest_row *nv = kb_arena_alloc(a, ncap * sizeof *nv);
			if (len)
				memcpy(nv, v, len * sizeof *v);
			v = nv, cap = ncap;
		}
		v[len++] = (kb_suggest_row){.kind = (int)db_col_int(s, 0),
					    .text = db_col_text(a, s, 1),
					    .slug = db_col_text(a, s, 2),
					    .weight = db_col_int(s, 3)};
	}
	db_reset(s);
	*out = v;
	*n = len;
	return rc == DB_DONE ? STORE_OK : db_fail(st, "cannot read what the search box suggests");
}

/* The takes in the window and the oldest of them. */
static int rate_count(store *st, const char *bucket, const unsigned char key[16], int64_t since, int64_t *n,
		      int64_t *oldest)
{
	static const char sql[] = "SELECT count(*), coalesce(min(at), 0) FROM rate_hits "
				  "WHERE bucket = $1 AND key = $2 AND at > $3";
	db_stmt *s = db_prepare(st, sql);
	db_bind_text(s, 1, bucket);
	db_bind_blob(s, 2, key, 16);
	db_bind_int(s, 3, since);
	if (db_one(st, s, "cannot read a rate limit") != STORE_OK)
		return STORE_ERROR;
	*n = db_col_int(s, 0);
	*oldest = db_col_int(s, 1);
	db_reset(s);
	return STORE_OK;
}

int store_rate_take(store *st, const char *bucket, const unsigned char key[16], int64_t max, int64_t window,
		    int64_t now, int64_t *wait)
{
	static const char add_sql[] = "INSERT INTO rate_hits(bucket, key, at) VALUES($1, $2, $3)";
	static const char old_sql[] = "DELETE FROM rate_hits WHERE bucket = $1 AND key = $2 AND at <= $3";
	int64_t n, oldest;
	*wait = 0;
	/* A look first, outside any transaction: a refusal writes nothing. */
	if (rate_count(st, bucket, key, now - window, &n, &oldest))
		return STORE_ERROR;
	if (n < max) {
		/* Then the count again and the take, in one transaction, so
		 * requests racing on any node cannot pass together. */
		if (store_begin(st))
			return STORE_ERROR;
		if (rate_count(st, bucket, key, now - window, &n, &oldest))
			goto fail;
		if (n < max) {
			db_stmt *s = db_prepare(st, add_sql);
			db_bind_text(s, 1, bucket);
			db_bind_blob(s, 2, key, 16);
			db_bind_int(s, 3, now);
			if (db_run(st, s, "cannot count a rate limit"))
				goto fail;
			s = db_prepare(st, old_sql);
			db_bind_text(s, 1, bucket);
			db_bind_blob(s, 2, key, 16);
			db_bind_int(s, 3, now - window);
			if (db_run(st, s, "cannot prune a rate limit"))
				goto fail;
		}
		if (store_commit(st))
			goto fail;
		if (n < max)
			return STORE_OK;
	}
	*wait = oldest + window - now;
	if (*wait < 1)
		*wait = 1;
	return STORE_OK;
fail:
	store_rollback(st);
	return STORE_ERROR;
}

int store_prune(store *st, int64_t before)
{
	static const char changes_sql[] = "DELETE FROM changes WHERE at < $1 AND seq < "
					  "(SELECT max(seq) FROM changes)";
	static const char failures_sql[] = "DELETE FROM login_failures WHERE at < $1";
	static const char known_sql[] = "DELETE FROM login_known WHERE at < $1";
	static const char rates_sql[] = "DELETE FROM rate_hits WHERE at < $1";
	static const char sessions_sql[] = "DELETE FROM sessions WHERE expires_at < $1";
	db_stmt *s = db_prepare(st, changes_sql);
	db_bind_int(s, 1, before);
	if (db_run(st, s, "cannot prune changes"))
		return STORE_ERROR;
	s = db_prepare(st, failures_sql);
	db_bind_int(s, 1, before - 86400);
	if (db_run(st, s, "cannot prune login failures"))
		return STORE_ERROR;
	s = db_prepare(st, rates_sql);
	db_bind_int(s, 1, before - 86400);
	if (db_run(st, s, "cannot prune rate limits"))
		return STORE_ERROR;
	s = db_prepare(st, known_sql);
	db_bind_int(s, 1, before - 30 * 86400);
	if (db_run(st, s, "cannot prune known addresses"))
		return STORE_ERROR;
	s = db_prepare(st, sessions_sql);
	db_bind_int(s, 1, kb_now());
	return db_run(st, s, "cannot prune sessions");
}

int store_integrity_check(store *st, kb_arena *a, const char **result)
{
	if (db_is_pg(st)) {
		/* dialect: PostgreSQL keeps its own pages sound; what can drift
		 * is the search index, whose terms khabar writes. */
		kb_buf p = {0};
		int rc = pg_search_check(db_pg(st), db_terms(st), &p);
		*result = kb_arena_strndup(a, p.len ? p.data : "ok", p.len ? p.len : 2);
		kb_buf_free(&p);
		return rc ? db_fail(st, "cannot check the database") : STORE_OK;
	}
	static const char sql[] = "PRAGMA integrity_check"; /* dialect: SQLite only */
	db_stmt *s = db_prepare(st, sql);
	kb_buf b = {0};
	int rc;
	while ((rc = db_step(s)) == DB_ROW)
		kb_buf_printf(&b, "%s%s", b.len ? "\n" : "", db_col_peek(s, 0));
	db_reset(s);
	/* The pragma does not look inside the search index: FTS5 checks that
	 * its index matches the text it reads from search_source (rank 1:
	 * without it an external-content index is only checked against
	 * itself). */
	if (rc == DB_DONE) {
		/* dialect: FTS5's own command */
		static const char fts_sql[] = "INSERT INTO search(search, rank) VALUES('integrity-check', 1)";
		int fts = db_step(s = db_prepare(st, fts_sql));
		db_reset(s);
		if (fts != DB_DONE) {
			kb_buf_reset(&b);
			kb_buf_printf(&b, "search index: %s (khabar check --reindex mends it)", db_error(st));
		}
	}
	*result = kb_arena_strndup(a, kb_buf_str(&b), b.len);
	kb_buf_free(&b);
	return rc == DB_DONE ? STORE_OK : db_fail(st, "cannot check the database");
}
