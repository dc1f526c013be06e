/*
 * server_int.h: what server.c shares with dispatch.c, and nothing else
 * includes. The server sets these up in server_run before any worker
 * starts and frees them after the last one ends.
 */
#ifndef KB_SERVER_INT_H
#define KB_SERVER_INT_H

#define H2O_USE_LIBUV 0
#include <h2o.h>

#include <stdint.h>

#include "../render/cache.h"
#include "http.h"

/* The page cache, and the options server_run was given. */
extern cache *g_cache;
extern const server_opts *g_opts;
/* The content version (store_content_version) the cache is current
 * with; requests read it once, as they start. */
extern _Atomic int64_t g_version;
/* The background jobs' runner (jobs.h), while the server runs. */
extern struct job_runner *g_jobs;
/* Each worker thread's connection to the database. */
extern _Thread_local store *t_db;

/* libh2o's handler for every request but /media's (dispatch.c). */
int dispatch(h2o_handler_t *self, h2o_req_t *req);

#endif
