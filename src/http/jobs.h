/*
 * jobs.h: background jobs of "khabar serve". Each job is one thread with
 * its own store connection that runs the job's step when woken or every
 * period, off the request path. server_run starts the jobs it is handed
 * (server_opts.jobs) after its workers, and stops them after the workers
 * have answered their last request, so a job's last step sees everything
 * the requests left for it (clicks to count, photos to make).
 */
#ifndef KB_JOBS_H
#define KB_JOBS_H

#include "../db/store.h"

typedef struct server_job {
	const char *name; /* for logs and server_wake(): "photos" */
	/* One round on the job's connection: > 0 when it did work and may
	 * have more (run again at once), 0 when idle, < 0 on an error it has
	 * logged (wait a period, then try again). */
	int (*step)(store *st);
	int period_ms; /* the longest wait between rounds */
	/* Run one more step after the HTTP workers have stopped (work that
	 * requests queue in memory: it would be lost otherwise). */
	int final_step;
} server_job;

typedef struct job_runner job_runner;

/* Starts one thread per job, each opening db_path. Returns NULL when a
 * thread cannot start (the ones started are stopped again). */
job_runner *jobs_start(const server_job *jobs, size_t n, const char *db_path);
/* Makes the job named name run its step at once; unknown names and a
 * runner not started are ignored (commands that run no server). */
void jobs_wake(job_runner *jr, const char *name);
/* Appends each job's rounds, errors, the time since its last round and
 * how late its last timed round began (its lag) to out, in Prometheus'
 * text format (src/http/metrics.c). NULL: nothing. */
void jobs_write_metrics(job_runner *jr, kb_buf *out);
/* Stops every job (the current steps finish, then the final steps run)
 * and frees the runner. */
void jobs_stop(job_runner *jr);

#endif
