/* ippyo-bench — shared helpers of the benchmark subcommands. */
#pragma once

#include <glib.h>

/* A subcommand: argv[0] is its name; returns the exit status. */
typedef int (*bench_fn)(int argc, char **argv);

/* The process's CPU time in seconds (the benchmarks are single-threaded). */
double bench_now(void);

/*
 * Calls fn(data, i) for every i below n, on every core (a pool of
 * g_get_num_processors() threads, in ranges of consecutive i); returns when
 * all are done.
 */
void bench_parallel(guint n, void (*fn)(gpointer data, guint i), gpointer data);

/*
 * Results of one run: name, value, unit; printed as a table and, with
 * --json, as one JSON object of name: value.
 */
typedef struct bench_report bench_report;

bench_report *bench_report_new(const char *title);
void bench_report_free(bench_report *r);
void bench_report_add(bench_report *r, const char *key, double value, const char *unit,
    const char *what);
/* A line of free text after the table (targets, notes). */
void bench_report_note(bench_report *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void bench_report_print(const bench_report *r, gboolean json);

int bench_crypto(int argc, char **argv);
int bench_chain(int argc, char **argv);
int bench_tally(int argc, char **argv);
int bench_e2e(int argc, char **argv);
