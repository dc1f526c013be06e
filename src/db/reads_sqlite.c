/*
 * reads_sqlite.c: the store side of the most-read lists (reads_store.h).
 * Fixed statements prepared once through db_prepare() (driver.h) and
 * bound; the same SQL serves SQLite and PostgreSQL but for the line that
 * logs a change (PostgreSQL's goes through kb_log, which keeps the log's
 * order across servers). Not here: counting reads (src/pages/reads.c).
 */
#include <stdio.h>
#include <string.h>

#include "reads_store.h"
#include "store_int.h"

/* Opens a transaction unless the caller has one; *mine says which. */
static int begin(store *st, int *mine)
{
	*mine = !db_in_tx(st);
	return *mine ? db_begin(st) : STORE_OK;
}

/* Ends what begin opened: commit on STORE_OK, else roll back; rc again. */
static int end(store *st, int mine, int rc, const char *what)
{
	if (!mine)
		return rc;
	if (rc == STORE_OK)
		return db_commit(st) ? db_fail(st, what) : STORE_OK;
	db_rollback(st);
	return rc;
}

int reads_store_add(store *st, const kb_read_count *v, size_t n, size_t *kept)
{
	/* A story that is not published (deleted since, or an id no story
	 * ever had) adds nothing: the beacon checks no id. */
	static const char sql[] =
		"INSERT INTO article_reads(article_id, hour, reads) SELECT $1, $2, $3 "
		"WHERE EXISTS (SELECT 1 FROM articles WHERE id = $1 AND status = 'published') "
		"ON CONFLICT (article_id, hour) DO UPDATE SET "
		"reads = article_reads.reads + excluded.reads";
	*kept = 0;
	int mine, rc = begin(st, &mine);
	for (size_t i = 0; !rc && i < n; i++) {
		db_stmt *s = db_prepare(st, sql);
		db_bind_int(s, 1, v[i].article_id);
		db_bind_int(s, 2, v[i].hour);
		db_bind_int(s, 3, v[i].n);
		rc = db_run(st, s, "cannot add the reads");
		if (!rc)
			*kept += (size_t)db_changes(st);
	}
	return end(st, mine, rc, "cannot save the reads");
}

/* How many hourly buckets before now_hour each period reaches back. */
static const int64_t period_hours[READS_PERIODS] = {1, 23, 167};

/* One scope's lists, as computed or as kept. */
typedef struct scope_lists {
	int64_t scope;
	int64_t ids[READS_PERIODS][READS_LIST_LEN];
	size_t n[READS_PERIODS];
	int seen; /* kept: also computed */
} scope_lists;

/* The entry of scope in v[0..*n), added (empty) when new; v grows in a. */
static scope_lists *scope_of(kb_arena *a, scope_lists **v, size_t *n, size_t *cap, int64_t scope)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].scope == scope)
			return &(*v)[i];
	if (*n == *cap)
		*v = kb_arena_grow(a, *v, *n, cap, sizeof **v);
	scope_lists *l = &(*v)[(*n)++];
	memset(l, 0, sizeof *l);
	l->scope = scope;
	return l;
}

static void push_id(scope_lists *l, int p, int64_t id)
{
	if (l->n[p] < READS_LIST_LEN)
		l->ids[p][l->n[p]++] = id;
}

static int same_lists(const scope_lists *x, const scope_lists *y)
{
	for (int p = 0; p < READS_PERIODS; p++)
		if (x->n[p] != y->n[p] || memcmp(x->ids[p], y->ids[p], x->n[p] * sizeof x->ids[p][0]))
			return 0;
	return 1;
}

/* Replaces scope's kept lists with l's (none when l is NULL) and logs
 * mr:SCOPE. */
static int write_scope(store *st, int64_t scope, const scope_lists *l)
{
	static const char del[] = "DELETE FROM mostread_lists WHERE scope = $1";
	/* Two servers refreshing at once on PostgreSQL: the second's DELETE
	 * may not see the first's new rows; its own overwrite them. */
	static const char ins[] = "INSERT INTO mostread_lists(scope, period, position, article_id) "
				  "VALUES($1, $2, $3, $4) ON CONFLICT (scope, period, position) "
				  "DO UPDATE SET article_id = excluded.article_id";
	/* dialect: PostgreSQL's log is written through kb_log (its lock
	 * keeps seq in commit order); SQLite has one writer at a time. */
	static const char log_sqlite[] =
		"INSERT INTO changes(at, tag) VALUES(CAST(strftime('%s', 'now') AS INTEGER), $1)";
	static const char log_pg[] = "SELECT kb_log(ARRAY[$1])";
	db_stmt *s = db_prepare(st, del);
	db_bind_int(s, 1, scope);
	int rc = db_run(st, s, "cannot replace the most-read lists");
	for (int p = 0; l && !rc && p < READS_PERIODS; p++)
		for (size_t i = 0; !rc && i < l->n[p]; i++) {
			s = db_prepare(st, ins);
			db_bind_int(s, 1, scope);
			db_bind_int(s, 2, p);
			db_bind_int(s, 3, (int64_t)i);
			db_bind_int(s, 4, l->ids[p][i]);
			rc = db_run(st, s, "cannot write the most-read lists");
		}
	if (rc)
		return rc;
	char tag[32];
	snprintf(tag, sizeof tag, "mr:%lld", (long long)scope);
	s = db_prepare(st, db_is_pg(st) ? log_pg : log_sqlite);
	db_bind_text(s, 1, tag);
	if (db_is_pg(st)) {
		rc = db_one(st, s, "cannot log the most-read change");
		db_reset(s);
		return rc;
	}
	return db_run(st, s, "cannot log the most-read change");
}

/* The lists computed from the buckets, every scope's, into *out. */
static int compute(store *st, kb_arena *a, int64_t now_hour, scope_lists **out, size_t *n, size_t *cap)
{
	static const char sql[] =
		"SELECT r.article_id, coalesce(a.category_id, 0), sum(r.reads) AS total "
		"FROM article_reads r JOIN articles a ON a.id = r.article_id "
		"WHERE r.hour >= $1 AND r.hour <= $2 AND a.status = 'published' "
		"GROUP BY r.article_id, a.category_id ORDER BY total DESC, r.article_id DESC";
	for (int p = 0; p < READS_PERIODS; p++) {
		db_stmt *s = db_prepare(st, sql);
		db_bind_int(s, 1, now_hour - period_hours[p]);
		db_bind_int(s, 2, now_hour);
		int rc;
		while ((rc = db_step(s)) == DB_ROW) {
			int64_t id = db_col_int(s, 0), cat = db_col_int(s, 1);
			push_id(scope_of(a, out, n, cap, 0), p, id);
			if (cat)
				push_id(scope_of(a, out, n, cap, cat), p, id);
		}
		db_reset(s);
		if (rc != DB_DONE)
			return db_fail(st, "cannot count the most read stories");
	}
	return STORE_OK;
}

/* The kept lists, every scope's, into *out. */
static int kept(store *st, kb_arena *a, scope_lists **out, size_t *n, size_t *cap)
{
	static const char sql[] =
		"SELECT scope, period, article_id FROM mostread_lists ORDER BY scope, period, position";
	db_stmt *s = db_prepare(st, sql);
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t p = db_col_int(s, 1);
		if (p >= 0 && p < READS_PERIODS)
			push_id(scope_of(a, out, n, cap, db_col_int(s, 0)), (int)p, db_col_int(s, 2));
	}
	db_reset(s);
	return rc == DB_DONE ? STORE_OK : db_fail(st, "cannot read the most-read lists");
}

int reads_store_refresh(store *st, int64_t now_hour, int *changed)
{
	static const char prune[] = "DELETE FROM article_reads WHERE hour < $1";
	*changed = 0;
	kb_arena a = {0};
	size_t nn = 0, nk = 0, cn = 8, ck = 8;
	scope_lists *fresh = kb_arena_alloc(&a, cn * sizeof *fresh);
	scope_lists *old = kb_arena_alloc(&a, ck * sizeof *old);
	int mine, rc = begin(st, &mine);
	if (!rc) {
		db_stmt *s = db_prepare(st, prune);
		db_bind_int(s, 1, now_hour - READS_KEEP_HOURS);
		rc = db_run(st, s, "cannot prune old reads");
	}
	if (!rc)
		rc = compute(st, &a, now_hour, &fresh, &nn, &cn);
	if (!rc)
		rc = kept(st, &a, &old, &nk, &ck);
	for (size_t i = 0; !rc && i < nn; i++) {
		scope_lists *was = NULL;
		for (size_t j = 0; j < nk && !was; j++)
			if (old[j].scope == fresh[i].scope)
				was = &old[j];
		if (was)
			was->seen = 1;
		if (was && same_lists(was, &fresh[i]))
			continue;
		rc = write_scope(st, fresh[i].scope, &fresh[i]);
		++*changed;
	}
	for (size_t j = 0; !rc && j < nk; j++)
		if (!old[j].seen) {
			rc = write_scope(st, old[j].scope, NULL);
			++*changed;
		}
	rc = end(st, mine, rc, "cannot save the most-read lists");
	kb_arena_free(&a);
	if (rc)
		*changed = 0;
	return rc;
}

#define LISTS_SQL(scope)                                                                         \
	"SELECT " ARTICLE_COLS                                                                   \
	", l.period FROM mostread_lists l JOIN articles a ON a.id = l.article_id " ARTICLE_JOINS \
	"WHERE l.scope = " scope " AND " PUBLISHED "ORDER BY l.period, l.position"
/* A story's page: its category's lists (the site's for a story in none),
 * by its slug ($2), so they go in the page's batch. */
const char reads_page_sql[] = LISTS_SQL(
	"coalesce((SELECT x.category_id FROM articles x WHERE x.slug = $2 AND x.status = 'published'), 0)");

int reads_page_read(store *st, kb_arena *a, db_stmt *s, kb_mostread **out)
{
	kb_mostread *m = kb_arena_alloc(a, sizeof *m);
	for (int p = 0; p < READS_PERIODS; p++) {
		m->v[p] = kb_arena_alloc(a, READS_LIST_LEN * sizeof *m->v[p]);
		m->n[p] = 0;
	}
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		int64_t p = db_col_int(s, ARTICLE_NCOLS);
		if (p < 0 || p >= READS_PERIODS || m->n[p] == READS_LIST_LEN)
			continue;
		store_row_article(a, s, &m->v[p][m->n[p]++]);
	}
	db_reset(s);
	*out = m;
	return rc == DB_DONE ? STORE_OK : db_fail(st, "cannot read the most-read lists");
}

int reads_store_lists(store *st, kb_arena *a, int64_t scope, kb_mostread *out)
{
	static const char sql[] = LISTS_SQL("$2");
	db_stmt *s = db_prepare(st, sql);
	db_bind_int(s, 1, 0);
	db_bind_int(s, 2, scope);
	kb_mostread *m;
	int rc = reads_page_read(st, a, s, &m);
	*out = *m;
	return rc;
}
#undef LISTS_SQL

int reads_store_totals(store *st, const int64_t *ids, size_t n, int64_t since_hour, kb_read_totals *out)
{
	static const char sql[] = "SELECT coalesce(sum(reads), 0), "
				  "coalesce(sum(CASE WHEN hour >= $2 THEN reads ELSE 0 END), 0) "
				  "FROM article_reads WHERE article_id = $1";
	for (size_t i = 0; i < n; i++) {
		db_stmt *s = db_prepare(st, sql);
		db_bind_int(s, 1, ids[i]);
		db_bind_int(s, 2, since_hour);
		int rc = db_one(st, s, "cannot count the story's reads");
		if (rc == STORE_ERROR)
			return rc;
		out[i] = rc ? (kb_read_totals){0, 0} : (kb_read_totals){db_col_int(s, 0), db_col_int(s, 1)};
		if (!rc)
			db_reset(s);
	}
	return STORE_OK;
}
