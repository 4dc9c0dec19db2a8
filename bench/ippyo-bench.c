/* ippyo-bench — performance measurements of ippyo; one subcommand per concern. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bench.h"

typedef struct bench_row {
	char *key;
	double value;
	char *unit;
	char *what;
} bench_row;

struct bench_report {
	char *title;
	GPtrArray *rows;
	GPtrArray *notes;
};

double
bench_now(void)
{
	struct timespec ts;

	/* CPU time of this (single-threaded) process: steadier than wall time
	 * on a shared machine; the two agree on an idle one. */
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct {
	void (*fn)(gpointer data, guint i);
	gpointer data;
	guint lo, hi;
} bench_range;

static void
range_run(gpointer p, gpointer user_data)
{
	bench_range *r = p;

	for (guint i = r->lo; i < r->hi; i++)
		r->fn(r->data, i);
	g_free(r);
}

void
bench_parallel(guint n, void (*fn)(gpointer data, guint i), gpointer data)
{
	guint threads = g_get_num_processors();
	GThreadPool *pool = g_thread_pool_new(range_run, NULL, (gint)threads, FALSE, NULL);
	guint step = MAX(1u, n / (threads * 8));

	for (guint lo = 0; lo < n; lo += step) {
		bench_range *r = g_new0(bench_range, 1);

		r->fn = fn;
		r->data = data;
		r->lo = lo;
		r->hi = MIN(n, lo + step);
		g_thread_pool_push(pool, r, NULL);
	}
	g_thread_pool_free(pool, FALSE, TRUE);
}

static void
row_free(gpointer p)
{
	bench_row *row = p;

	g_free(row->key);
	g_free(row->unit);
	g_free(row->what);
	g_free(row);
}

bench_report *
bench_report_new(const char *title)
{
	bench_report *r = g_new0(bench_report, 1);

	r->title = g_strdup(title);
	r->rows = g_ptr_array_new_with_free_func(row_free);
	r->notes = g_ptr_array_new_with_free_func(g_free);
	return r;
}

void
bench_report_free(bench_report *r)
{
	if (r == NULL)
		return;
	g_free(r->title);
	g_ptr_array_unref(r->rows);
	g_ptr_array_unref(r->notes);
	g_free(r);
}

void
bench_report_add(bench_report *r, const char *key, double value, const char *unit,
    const char *what)
{
	bench_row *row = g_new0(bench_row, 1);

	row->key = g_strdup(key);
	row->value = value;
	row->unit = g_strdup(unit);
	row->what = g_strdup(what);
	g_ptr_array_add(r->rows, row);
}

void
bench_report_note(bench_report *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_ptr_array_add(r->notes, g_strdup_vprintf(fmt, ap));
	va_end(ap);
}

void
bench_report_print(const bench_report *r, gboolean json)
{
	if (json) {
		g_print("{");
		for (guint i = 0; i < r->rows->len; i++) {
			const bench_row *row = g_ptr_array_index(r->rows, i);
			char num[G_ASCII_DTOSTR_BUF_SIZE];

			/* JSON numbers in the C locale, 3 decimals */
			g_ascii_formatd(num, sizeof(num), "%.3f", row->value);
			g_print("%s\"%s\":%s", i ? "," : "", row->key, num);
		}
		g_print("}\n");
		return;
	}
	g_print("%s\n", r->title);
	for (guint i = 0; i < r->rows->len; i++) {
		const bench_row *row = g_ptr_array_index(r->rows, i);

		g_print("  %-28s %12.3f %-3s  %s\n", row->key, row->value, row->unit, row->what);
	}
	for (guint i = 0; i < r->notes->len; i++)
		g_print("%s\n", (const char *)g_ptr_array_index(r->notes, i));
}

static const struct {
	const char *name;
	bench_fn fn;
	const char *help;
} commands[] = {
	{ "crypto", bench_crypto, "group, ElGamal, ballot proofs, batch verification, decryption" },
	{ "chain", bench_chain, "ippyo-chaind under load on loopback: ballots/s, receipt latency" },
	{ "tally", bench_tally, "ippyo-tally verify, aggregate, decrypt and combine: ballots/s with 1 and 2 threads" },
	{ "e2e", bench_e2e, "the whole demo election with --voters N (1000): wall time by phase" },
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: ippyo-bench COMMAND [OPTION...] [--json]\n\ncommands:\n");
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
}

int
main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "ippyo-bench: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
