/*
 * pg.c: a PostgreSQL connection on libpq (pg.h).
 *
 * Statements: the first pg_prepare of a SQL string on a connection sends
 * it to the server as a named prepared statement ("k1", "k2"...); later
 * ones find it in a small table keyed by the string's address. A lost
 * connection loses its prepared statements, so reconnecting clears the
 * table. A statement that failed because the connection was lost, outside
 * a transaction, is tried once more on a new connection when it only
 * reads; a write is never repeated (the caller answers 503 and the writer
 * tries again), so nothing is applied twice.
 *
 * Batches: statements queued with pg_send go to the server together, in
 * libpq's pipeline mode, at the first pg_step of any of them: one round
 * trip for a page's several reads instead of one each (over a Unix socket
 * a round trip costs about as much as running a small read). Only reads
 * are queued. A statement of the batch that did not run (an error
 * before it aborts the rest, or the connection went) runs again alone at
 * its own step, with the usual retry, so a batch changes nothing but the
 * number of round trips.
 */
#include "pg.h"

#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/core.h"

#define MAX_PARAMS 48
/* The statement table: open addressing on the SQL's address. */
#define TABLE_SLOTS 1024
/* The most statements one batch sends (pg_send). */
#define BATCH_MAX 16

/* Type OIDs of what pg_bind_* send (pg_type.h): the statement is
 * prepared with them, so PostgreSQL never has to guess a parameter's type
 * from two contexts that disagree ("$1 > 0" and a bigint column). NULL
 * leaves it to the server. */
enum { OID_BYTEA = 17, OID_INT8 = 20, OID_TEXT = 25, OID_FLOAT8 = 701 };

typedef struct param {
	int set, is_null, binary;
	unsigned type;   /* an OID, 0 for NULL */
	size_t off, len; /* in the statement's pbuf */
} param;

struct pg_stmt {
	pg_conn *c;
	const char *sql;
	char name[16];
	int prepared; /* on the connection's current session */
	int nparams;  /* highest $N bound */
	int nserver;  /* the parameters the server's statement takes */
	param p[MAX_PARAMS];
	kb_buf pbuf;
	PGresult *res;
	int row, nrows, ran;
	/* In the connection's batch, not yet sent; sent, with its result
	 * in res before its first step. */
	int queued, fetched;
	kb_buf *blob; /* per column: decoded bytea */
	int nblob;
};

struct pg_conn {
	PGconn *db;
	char *url;
	char where[256];
	int timeout_ms;
	int lost;
	unsigned next_name;
	pg_stmt *slot[TABLE_SLOTS];
	pg_stmt *batch[BATCH_MAX]; /* queued by pg_send, in order */
	int nbatch;
	kb_buf err, msg; /* "what: message", and the message alone */
	char sqlstate[6];
};

int pg_is_url(const char *s)
{
	return s && (!strncmp(s, "postgresql://", 13) || !strncmp(s, "postgres://", 11));
}

/* The first line of libpq's message, without "FATAL:  " or "ERROR:  ". */
static void first_line(kb_buf *out, const char *msg)
{
	if (!msg)
		msg = "";
	static const char *const noise[] = {"FATAL:  ", "ERROR:  "};
	const char *nl;
	/* libpq prefixes "connection to server ... failed: " and puts the
	 * reason after it; keep both, on one line. */
	while (*msg == ' ' || *msg == '\n')
		msg++;
	for (size_t i = 0; i < KB_COUNT(noise); i++)
		if (!strncmp(msg, noise[i], strlen(noise[i])))
			msg += strlen(noise[i]);
	nl = strchr(msg, '\n');
	kb_buf_append(out, msg, nl ? (size_t)(nl - msg) : strlen(msg));
	if (out->len && out->data[out->len - 1] == '.')
		out->data[--out->len] = '\0';
}

/* Fills c->where from the connection's options: host (or socket folder),
 * port and database. */
static void describe(pg_conn *c, PQconninfoOption *opts)
{
	const char *host = "", *port = "", *db = "";
	for (PQconninfoOption *o = opts; o && o->keyword; o++) {
		if (!o->val)
			continue;
		if (!strcmp(o->keyword, "host"))
			host = o->val;
		else if (!strcmp(o->keyword, "port"))
			port = o->val;
		else if (!strcmp(o->keyword, "dbname"))
			db = o->val;
	}
	snprintf(c->where, sizeof c->where, "%s%s%s/%s", *host ? host : "localhost", *port ? ":" : "", port,
		 db);
}

/* What a person should try, by what went wrong. */
static const char *advice(const char *msg)
{
	if (strstr(msg, "password authentication failed") || strstr(msg, "no password supplied"))
		return "check the user and password in the URL, PGPASSWORD or PGPASSFILE";
	if (strstr(msg, "does not exist") && strstr(msg, "database"))
		return "create it (createdb NAME) or correct the name in the URL";
	if (strstr(msg, "role") && strstr(msg, "does not exist"))
		return "create the user (createuser NAME) or correct the user in the URL";
	if (strstr(msg, "No such file") || strstr(msg, "Connection refused") ||
	    strstr(msg, "could not translate host name") || strstr(msg, "timeout"))
		return "check that PostgreSQL runs there and the host and port in the URL";
	return "check the URL and the server";
}

static int session_setup(pg_conn *c)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SET statement_timeout = %d; SET client_min_messages = warning",
		 c->timeout_ms);
	PGresult *r = PQexec(c->db, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	return ok ? 0 : -1;
}

/* libpq's complaint about a URL quotes the part it could not read, which
 * may be the URL itself with its password: each quoted piece of msg that
 * comes from url (longer than a character) is left out. */
static void redact(kb_buf *msg, const char *url)
{
	kb_buf out = {0};
	const char *p = kb_buf_str(msg);
	for (const char *q; (q = strchr(p, '"'));) {
		const char *end = strchr(q + 1, '"');
		if (!end)
			break;
		kb_buf_append(&out, p, (size_t)(q - p));
		char *piece = kb_strndup(q + 1, (size_t)(end - q - 1));
		if (strlen(piece) > 1 && strstr(url, piece))
			kb_buf_puts(&out, "(in the URL)");
		else
			kb_buf_append(&out, q, (size_t)(end - q + 1));
		free(piece);
		p = end + 1;
	}
	kb_buf_puts(&out, p);
	kb_buf_free(msg);
	*msg = out;
}

pg_conn *pg_open(const char *url, int statement_timeout_ms, char **err)
{
	*err = NULL;
	char *perr = NULL;
	PQconninfoOption *opts = PQconninfoParse(url, &perr);
	if (!opts) {
		kb_buf b = {0}, m = {0};
		first_line(&m, perr);
		redact(&m, url);
		kb_buf_printf(&b, "bad PostgreSQL URL: %s (the form is postgresql://USER@HOST:PORT/DATABASE)",
			      kb_buf_str(&m));
		kb_buf_free(&m);
		*err = kb_buf_take(&b, NULL);
		PQfreemem(perr);
		return NULL;
	}
	pg_conn *c = kb_calloc(1, sizeof *c);
	describe(c, opts);
	PQconninfoFree(opts);
	c->url = kb_strdup(url);
	c->timeout_ms = statement_timeout_ms;
	c->db = PQconnectdb(url);
	if (PQstatus(c->db) != CONNECTION_OK) {
		kb_buf b = {0}, m = {0};
		first_line(&m, PQerrorMessage(c->db));
		kb_buf_printf(&b, "cannot connect to PostgreSQL at %s: %s; %s", c->where, kb_buf_str(&m),
			      advice(kb_buf_str(&m)));
		kb_buf_free(&m);
		*err = kb_buf_take(&b, NULL);
		pg_close(c);
		return NULL;
	}
	if (session_setup(c)) {
		kb_buf b = {0};
		kb_buf_printf(&b, "PostgreSQL at %s refused the session settings: ", c->where);
		first_line(&b, PQerrorMessage(c->db));
		*err = kb_buf_take(&b, NULL);
		pg_close(c);
		return NULL;
	}
	return c;
}

static void stmt_free(pg_stmt *s)
{
	PQclear(s->res);
	kb_buf_free(&s->pbuf);
	for (int i = 0; i < s->nblob; i++)
		kb_buf_free(&s->blob[i]);
	free(s->blob);
	free(s);
}

void pg_close(pg_conn *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < TABLE_SLOTS; i++)
		if (c->slot[i])
			stmt_free(c->slot[i]);
	PQfinish(c->db);
	kb_buf_free(&c->err);
	kb_buf_free(&c->msg);
	free(c->url);
	free(c);
}

const char *pg_where(pg_conn *c)
{
	return c->where;
}

const char *pg_errmsg(pg_conn *c)
{
	return kb_buf_str(&c->err);
}

const char *pg_message(pg_conn *c)
{
	return kb_buf_str(&c->msg);
}

const char *pg_sqlstate(pg_conn *c)
{
	return c->sqlstate;
}

int pg_lost(pg_conn *c)
{
	return c->lost;
}

/* Records "what: message" (and the SQLSTATE of r, if any). */
static void fail(pg_conn *c, const char *what, PGresult *r)
{
	kb_buf_reset(&c->msg);
	first_line(&c->msg, r ? PQresultErrorMessage(r) : PQerrorMessage(c->db));
	kb_buf_reset(&c->err);
	kb_buf_printf(&c->err, "%s: %s", what, kb_buf_str(&c->msg));
	const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	snprintf(c->sqlstate, sizeof c->sqlstate, "%s", st ? st : "");
	c->lost = PQstatus(c->db) != CONNECTION_OK;
}

/* After a lost connection: a new session, with no prepared statements. */
static int reconnect(pg_conn *c)
{
	PQreset(c->db);
	if (PQstatus(c->db) != CONNECTION_OK || session_setup(c))
		return -1;
	for (size_t i = 0; i < TABLE_SLOTS; i++)
		if (c->slot[i])
			c->slot[i]->prepared = 0;
	c->lost = 0;
	return 0;
}

int pg_exec(pg_conn *c, const char *sql)
{
	if (c->lost && reconnect(c))
		return -1;
	PGresult *r = PQexec(c->db, sql);
	ExecStatusType st = PQresultStatus(r);
	int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
	if (!ok)
		fail(c, "cannot run SQL", r);
	PQclear(r);
	return ok ? 0 : -1;
}

int pg_in_tx(pg_conn *c)
{
	PGTransactionStatusType t = PQtransactionStatus(c->db);
	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

static size_t slot_of(const char *sql)
{
	uintptr_t p = (uintptr_t)sql;
	return (size_t)((p >> 3) ^ (p >> 13)) & (TABLE_SLOTS - 1);
}

static void clear_params(pg_stmt *s)
{
	for (int i = 0; i < s->nparams; i++)
		s->p[i] = (param){0};
	s->nparams = 0;
	kb_buf_reset(&s->pbuf);
}

pg_stmt *pg_prepare(pg_conn *c, const char *sql)
{
	size_t i = slot_of(sql);
	while (c->slot[i] && c->slot[i]->sql != sql)
		i = (i + 1) & (TABLE_SLOTS - 1);
	pg_stmt *s = c->slot[i];
	if (!s) {
		if (c->next_name >= TABLE_SLOTS * 3 / 4)
			kb_fatal("pg: more than %d distinct statements", TABLE_SLOTS * 3 / 4);
		s = kb_calloc(1, sizeof *s);
		s->c = c;
		s->sql = sql;
		snprintf(s->name, sizeof s->name, "k%u", ++c->next_name);
		c->slot[i] = s;
	}
	pg_reset(s);
	return s;
}

static param *slot_param(pg_stmt *s, int i)
{
	if (i < 1 || i > MAX_PARAMS)
		kb_fatal("pg: parameter $%d out of range", i);
	if (i > s->nparams)
		s->nparams = i;
	param *p = &s->p[i - 1];
	*p = (param){.set = 1};
	return p;
}

static void bind_bytes(pg_stmt *s, int i, const void *v, size_t n, int binary, unsigned type)
{
	param *p = slot_param(s, i);
	p->binary = binary;
	p->type = type;
	p->off = s->pbuf.len;
	p->len = n;
	kb_buf_append(&s->pbuf, v, n);
	kb_buf_putc(&s->pbuf, '\0');
}

void pg_bind_int(pg_stmt *s, int i, int64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof num, "%lld", (long long)v);
	bind_bytes(s, i, num, (size_t)n, 0, OID_INT8);
}

void pg_bind_double(pg_stmt *s, int i, double v)
{
	char num[40];
	int n = snprintf(num, sizeof num, "%.17g", v);
	bind_bytes(s, i, num, (size_t)n, 0, OID_FLOAT8);
}

void pg_bind_text(pg_stmt *s, int i, const char *v, size_t n)
{
	bind_bytes(s, i, v ? v : "", v ? n : 0, 0, OID_TEXT);
}

void pg_bind_blob(pg_stmt *s, int i, const void *v, size_t n)
{
	bind_bytes(s, i, v ? v : "", v ? n : 0, 1, OID_BYTEA);
}

void pg_bind_null(pg_stmt *s, int i)
{
	slot_param(s, i)->is_null = 1;
}

/* Sends the statement's text to the server under its name. */
static int prepare_on_server(pg_stmt *s)
{
	Oid types[MAX_PARAMS];
	for (int i = 0; i < s->nparams; i++)
		types[i] = s->p[i].type;
	PGresult *r = PQprepare(s->c->db, s->name, s->sql, s->nparams, types);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		fail(s->c, "cannot prepare SQL", r);
	PQclear(r);
	/* How many parameters the statement takes: a $N left unbound then
	 * (or later, bindings being cleared by db_prepare) is sent as NULL,
	 * as SQLite takes an unbound one, not left out of the count, which
	 * PostgreSQL refuses. */
	if (ok) {
		r = PQdescribePrepared(s->c->db, s->name);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		if (!ok)
			fail(s->c, "cannot describe SQL", r);
		else
			s->nserver = PQnparams(r);
		PQclear(r);
	}
	s->prepared = ok;
	return ok ? 0 : -1;
}

int pg_reads_only(const char *sql)
{
	while (*sql == ' ' || *sql == '\n' || *sql == '\t' || *sql == '(')
		sql++;
	return !strncasecmp(sql, "SELECT", 6);
}

/* s's parameters as libpq takes them; returns how many. */
typedef struct wire {
	const char *values[MAX_PARAMS];
	int lengths[MAX_PARAMS], formats[MAX_PARAMS];
} wire;

static int to_wire(const pg_stmt *s, wire *w)
{
	int n = s->nserver > s->nparams ? s->nserver : s->nparams;
	if (n > MAX_PARAMS)
		n = MAX_PARAMS;
	for (int i = 0; i < n; i++) {
		const param *p = &s->p[i];
		w->values[i] = i >= s->nparams || !p->set || p->is_null ? NULL : s->pbuf.data + p->off;
		w->lengths[i] = i >= s->nparams ? 0 : (int)p->len;
		w->formats[i] = i >= s->nparams ? 0 : p->binary;
	}
	return n;
}

static PGresult *run(pg_stmt *s)
{
	wire w;
	int n = to_wire(s, &w);
	return PQexecPrepared(s->c->db, s->name, n, w.values, w.lengths, w.formats, 0);
}

/* Sends s into the pipeline: 1, or 0 when libpq could not. */
static int send_one(pg_stmt *s)
{
	wire w;
	int n = to_wire(s, &w);
	return PQsendQueryPrepared(s->c->db, s->name, n, w.values, w.lengths, w.formats, 0);
}

/* Runs s once: 0, or -1 with the error recorded. */
static int run_once(pg_stmt *s)
{
	pg_conn *c = s->c;
	if (c->lost && reconnect(c)) {
		fail(c, "lost the connection to PostgreSQL", NULL);
		c->lost = 1;
		return -1;
	}
	if (!s->prepared && prepare_on_server(s))
		return -1;
	s->res = run(s);
	ExecStatusType st = PQresultStatus(s->res);
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
		s->nrows = st == PGRES_TUPLES_OK ? PQntuples(s->res) : 0;
		s->row = -1;
		return 0;
	}
	fail(c, "SQL failed", s->res);
	PQclear(s->res);
	s->res = NULL;
	return -1;
}

static void unqueue(pg_stmt *s)
{
	pg_conn *c = s->c;
	int k = 0;
	for (int i = 0; i < c->nbatch; i++)
		if (c->batch[i] != s)
			c->batch[k++] = c->batch[i];
	c->nbatch = k;
	s->queued = 0;
}

void pg_send(pg_stmt *s)
{
	pg_conn *c = s->c;
	if (s->queued || s->ran || s->fetched || c->nbatch == BATCH_MAX || !pg_reads_only(s->sql))
		return;
	s->queued = 1;
	c->batch[c->nbatch++] = s;
}

/* Takes the next result of the pipeline for s: kept when it has rows (or
 * none, but ran), dropped otherwise, so that s runs alone at its step. */
static void take_result(pg_stmt *s)
{
	PGresult *r = PQgetResult(s->c->db);
	ExecStatusType st = PQresultStatus(r);
	if (r && (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)) {
		s->res = r;
		s->nrows = st == PGRES_TUPLES_OK ? PQntuples(r) : 0;
		s->row = -1;
		s->fetched = 1;
	} else {
		PQclear(r);
	}
	/* The end of this statement's results. */
	while (r && (r = PQgetResult(s->c->db)))
		PQclear(r);
}

/* Sends the connection's batch in one pipeline and keeps each result
 * with its statement. Whatever goes wrong, the statements without a
 * result run alone later. */
static void run_batch(pg_conn *c)
{
	pg_stmt *b[BATCH_MAX];
	int n = c->nbatch, sent = 0;
	memcpy(b, c->batch, (size_t)n * sizeof *b);
	for (int i = 0; i < n; i++)
		b[i]->queued = 0;
	c->nbatch = 0;
	if (n < 2 || (c->lost && reconnect(c)))
		return;
	/* Preparing is once per connection: it is not worth a pipeline. */
	for (int i = 0; i < n; i++)
		if (!b[i]->prepared && prepare_on_server(b[i]))
			return;
	if (!PQenterPipelineMode(c->db))
		return;
	while (sent < n && send_one(b[sent]))
		sent++;
	if (PQpipelineSync(c->db)) {
		for (int i = 0; i < sent; i++)
			take_result(b[i]);
		/* The sync's own result. */
		for (PGresult *r; (r = PQgetResult(c->db));) {
			int sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
			PQclear(r);
			if (sync)
				break;
		}
	}
	/* Out of pipeline mode, or (results left unread after a failure)
	 * a new session at the next statement: the results already taken
	 * stay good either way. */
	if (!PQexitPipelineMode(c->db) || PQstatus(c->db) != CONNECTION_OK)
		c->lost = 1;
}

int pg_step(pg_stmt *s)
{
	if (s->queued)
		run_batch(s->c);
	if (!s->ran && s->fetched) {
		s->ran = 1;
		s->fetched = 0;
	}
	if (!s->ran) {
		s->ran = 1;
		int idle = !pg_in_tx(s->c);
		if (run_once(s) && !(s->c->lost && idle && pg_reads_only(s->sql) && !run_once(s)))
			return PG_ERROR;
	}
	if (++s->row < s->nrows)
		return PG_ROW;
	return PG_DONE;
}

int pg_col_null(pg_stmt *s, int i)
{
	return !s->res || s->row < 0 || s->row >= s->nrows || PQgetisnull(s->res, s->row, i);
}

int64_t pg_col_int(pg_stmt *s, int i)
{
	if (pg_col_null(s, i))
		return 0;
	const char *v = PQgetvalue(s->res, s->row, i);
	/* Comparisons come back as booleans; SQLite gives 1 and 0. */
	if (v[0] == 't' && !v[1])
		return 1;
	if (v[0] == 'f' && !v[1])
		return 0;
	char *end;
	long long n = strtoll(v, &end, 10);
	/* A numeric (an average, a division by a decimal) is cut toward
	 * zero, as SQLite's CAST does. */
	if (*end == '.' || *end == 'e' || *end == 'E')
		return (int64_t)strtod(v, NULL);
	return n;
}

double pg_col_double(pg_stmt *s, int i)
{
	if (pg_col_null(s, i))
		return 0;
	return strtod(PQgetvalue(s->res, s->row, i), NULL);
}

const char *pg_col_text(pg_stmt *s, int i, size_t *len)
{
	if (pg_col_null(s, i)) {
		if (len)
			*len = 0;
		return "";
	}
	if (len)
		*len = (size_t)PQgetlength(s->res, s->row, i);
	return PQgetvalue(s->res, s->row, i);
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch |= 0x20;
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

const void *pg_col_blob(pg_stmt *s, int i, size_t *len)
{
	size_t n;
	const char *v = pg_col_text(s, i, &n);
	*len = 0;
	if (n < 2 || v[0] != '\\' || v[1] != 'x')
		return NULL;
	if (i >= s->nblob) {
		int ncols = PQnfields(s->res);
		kb_buf *nb = kb_realloc(s->blob, (size_t)ncols * sizeof *nb);
		memset(nb + s->nblob, 0, (size_t)(ncols - s->nblob) * sizeof *nb);
		s->blob = nb;
		s->nblob = ncols;
	}
	kb_buf *b = &s->blob[i];
	kb_buf_reset(b);
	for (size_t k = 2; k + 1 < n; k += 2) {
		int hi = hexval(v[k]), lo = hexval(v[k + 1]);
		if (hi < 0 || lo < 0)
			return NULL;
		kb_buf_putc(b, (char)(hi << 4 | lo));
	}
	*len = b->len;
	return kb_buf_str(b);
}

int pg_started(pg_stmt *s)
{
	return s->ran;
}

int pg_ncols(pg_stmt *s)
{
	return s->res ? PQnfields(s->res) : 0;
}

int64_t pg_changes(pg_stmt *s)
{
	const char *n = s->res ? PQcmdTuples(s->res) : "";
	return *n ? strtoll(n, NULL, 10) : 0;
}

void pg_rewind(pg_stmt *s)
{
	if (s->queued)
		unqueue(s);
	s->fetched = 0;
	PQclear(s->res);
	s->res = NULL;
	s->ran = 0;
	s->row = -1;
	s->nrows = 0;
}

void pg_reset(pg_stmt *s)
{
	pg_rewind(s);
	clear_params(s);
}

int pg_wait_notify(pg_conn *c, int timeout_ms, char **payload)
{
	*payload = NULL;
	for (;;) {
		if (!PQconsumeInput(c->db)) {
			fail(c, "lost the connection to PostgreSQL", NULL);
			c->lost = 1;
			return -1;
		}
		PGnotify *n = PQnotifies(c->db);
		if (n) {
			*payload = kb_strdup(n->extra ? n->extra : "");
			PQfreemem(n);
			return 1;
		}
		struct pollfd p = {.fd = PQsocket(c->db), .events = POLLIN};
		int rc = poll(&p, 1, timeout_ms);
		if (rc == 0)
			return 0;
		if (rc < 0 && errno != EINTR)
			return -1;
		timeout_ms = 0; /* read what came, then return */
	}
}
