/*
 * jobs.c: the one loop every background job of the server runs (see
 * jobs.h): step, and when idle wait for a wake-up or the period.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jobs.h"

typedef struct job_thread {
	const server_job *job;
	const char *db_path;
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int woken, stop;
	/* For /metrics: rounds, rounds that failed, the monotonic time the
	 * last ended and how late the last timed wait woke, in ns. */
	_Atomic uint64_t runs, errors, last_ns, lag_ns;
} job_thread;

struct job_runner {
	job_thread *t;
	size_t n;
};

static void wait_period(job_thread *t)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	long ms = t->job->period_ms > 0 ? t->job->period_ms : 1000;
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	uint64_t due = kb_mono_ns() + (uint64_t)ms * 1000000u;
	int timed_out = 0;
	pthread_mutex_lock(&t->mu);
	while (!t->woken && !t->stop)
		if (pthread_cond_timedwait(&t->cv, &t->mu, &until)) {
			timed_out = 1;
			break;
		}
	t->woken = 0;
	pthread_mutex_unlock(&t->mu);
	uint64_t now = kb_mono_ns();
	if (timed_out)
		atomic_store_explicit(&t->lag_ns, now > due ? now - due : 0, memory_order_relaxed);
}

static int stopping(job_thread *t)
{
	pthread_mutex_lock(&t->mu);
	int s = t->stop;
	pthread_mutex_unlock(&t->mu);
	return s;
}

static void *job_main(void *arg)
{
	job_thread *t = arg;
	char *err = NULL;
	store *st = store_open(t->db_path, 0, &err);
	if (!st) {
		kb_warn("%s: cannot open the database, so this job will not run: %s", t->job->name, err);
		free(err);
		return NULL;
	}
	while (!stopping(t)) {
		int rc = t->job->step(st);
		atomic_fetch_add_explicit(&t->runs, 1, memory_order_relaxed);
		if (rc < 0)
			atomic_fetch_add_explicit(&t->errors, 1, memory_order_relaxed);
		atomic_store_explicit(&t->last_ns, kb_mono_ns(), memory_order_relaxed);
		if (rc > 0)
			continue;
		wait_period(t);
	}
	if (t->job->final_step)
		while (t->job->step(st) > 0)
			;
	store_close(st);
	return NULL;
}

job_runner *jobs_start(const server_job *jobs, size_t n, const char *db_path)
{
	job_runner *jr = kb_calloc(1, sizeof *jr);
	jr->t = kb_calloc(n ? n : 1, sizeof *jr->t);
	for (size_t i = 0; i < n; i++) {
		job_thread *t = &jr->t[i];
		t->job = &jobs[i];
		t->db_path = db_path;
		pthread_mutex_init(&t->mu, NULL);
		pthread_cond_init(&t->cv, NULL);
		if (pthread_create(&t->tid, NULL, job_main, t)) {
			kb_warn("cannot start the %s thread", jobs[i].name);
			jobs_stop(jr);
			return NULL;
		}
		jr->n = i + 1;
	}
	return jr;
}

static void signal_thread(job_thread *t, int stop)
{
	pthread_mutex_lock(&t->mu);
	if (stop)
		t->stop = 1;
	else
		t->woken = 1;
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
}

void jobs_wake(job_runner *jr, const char *name)
{
	if (!jr)
		return;
	for (size_t i = 0; i < jr->n; i++)
		if (!strcmp(jr->t[i].job->name, name))
			signal_thread(&jr->t[i], 0);
}

void jobs_stop(job_runner *jr)
{
	if (!jr)
		return;
	for (size_t i = 0; i < jr->n; i++)
		signal_thread(&jr->t[i], 1);
	for (size_t i = 0; i < jr->n; i++) {
		pthread_join(jr->t[i].tid, NULL);
		pthread_mutex_destroy(&jr->t[i].mu);
		pthread_cond_destroy(&jr->t[i].cv);
	}
	free(jr->t);
	free(jr);
}

void jobs_write_metrics(job_runner *jr, kb_buf *out)
{
	static const char *const names[] = {"runs_total", "errors_total", "last_run_age_seconds",
					    "lag_seconds"};
	static const char *const help[] = {
		"Rounds each background job ran.", "Rounds that failed (and were logged).",
		"Seconds since each job's last round ended.",
		"How late each job's last timed round began, in seconds (the scheduler's lag)."};
	static const char *const type[] = {"counter", "counter", "gauge", "gauge"};
	if (!jr)
		return;
	uint64_t now = kb_mono_ns();
	for (int m = 0; m < 4; m++) {
		kb_buf_printf(out, "# HELP khabar_job_%s %s\n# TYPE khabar_job_%s %s\n", names[m], help[m],
			      names[m], type[m]);
		for (size_t i = 0; i < jr->n; i++) {
			job_thread *t = &jr->t[i];
			uint64_t last = atomic_load_explicit(&t->last_ns, memory_order_relaxed);
			kb_buf_printf(out, "khabar_job_%s{job=\"%s\"} ", names[m], t->job->name);
			if (m == 0 || m == 1)
				kb_buf_printf(out, "%llu\n",
					      (unsigned long long)atomic_load_explicit(
						      m ? &t->errors : &t->runs, memory_order_relaxed));
			else if (m == 2)
				kb_buf_printf(out, "%.3f\n",
					      last && now > last ? (double)(now - last) / 1e9 : 0.0);
			else
				kb_buf_printf(out, "%.3f\n",
					      (double)atomic_load_explicit(&t->lag_ns, memory_order_relaxed) /
						      1e9);
		}
	}
}
