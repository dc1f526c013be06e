/*
 * jobs.c: the one loop every background job of the server runs (see
 * jobs.h): step, and when idle wait for a wake-up or the period.
 */
#include <pthread.h>
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
	pthread_mutex_lock(&t->mu);
	while (!t->woken && !t->stop)
		if (pthread_cond_timedwait(&t->cv, &t->mu, &until))
			break;
	t->woken = 0;
	pthread_mutex_unlock(&t->mu);
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
		if (t->job->step(st) > 0)
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
