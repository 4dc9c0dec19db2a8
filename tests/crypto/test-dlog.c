/* Tests of the bounded discrete log (baby-step giant-step). */
#include <glib.h>

#include "crypto/dlog.h"
#include "error.h"

static ippyo_point *
mul_g(uint64_t m)
{
	ippyo_point *P = ippyo_point_new();
	ippyo_scalar *s = ippyo_scalar_new();

	g_assert_cmpint(ippyo_scalar_set_u64(s, m), ==, 0);
	g_assert_cmpint(ippyo_point_mul_gen(P, s), ==, 0);   /* 0·G = O */
	ippyo_scalar_free(s);
	return P;
}

static void
expect(const ippyo_dlog_table *t, uint64_t m, int want_err)
{
	ippyo_point *P = mul_g(m);
	uint64_t got = 12345;

	g_assert_cmpint(ippyo_dlog_table_solve(t, P, &got), ==, want_err);
	g_assert_cmpuint(got, ==, want_err == 0 ? m : 0);
	ippyo_point_free(P);
}

static void
test_bounds(void)
{
	static const uint64_t bounds[] = { 0, 1, 2, 3, 4, 8, 9, 10, 99, 100, 1000, 4095, 4096, 65537 };

	for (size_t i = 0; i < G_N_ELEMENTS(bounds); i++) {
		uint64_t b = bounds[i];
		ippyo_dlog_table *t = NULL;

		g_assert_cmpint(ippyo_dlog_table_new(&t, b), ==, 0);
		g_assert_cmpuint(ippyo_dlog_table_bound(t), ==, b);
		expect(t, 0, 0);
		expect(t, b, 0);
		expect(t, b + 1, IPPYO_ERR_DLOG_OUT_OF_RANGE);
		expect(t, b + 2, IPPYO_ERR_DLOG_OUT_OF_RANGE);
		expect(t, 10 * b + 17, IPPYO_ERR_DLOG_OUT_OF_RANGE);
		if (b >= 1)
			expect(t, 1, 0);
		if (b >= 2)
			expect(t, b - 1, 0);
		/* Every value of a small bound. */
		if (b <= 100)
			for (uint64_t m = 0; m <= b; m++)
				expect(t, m, 0);
		for (int k = 0; k < 20; k++)
			expect(t, (uint64_t)g_random_double_range(0, (double)b + 1) , 0);
		ippyo_dlog_table_free(t);
	}
}

/* -m·G (q - m) and a random point are no small multiples: out of range, not a hang. */
static void
test_not_small(void)
{
	ippyo_dlog_table *t = NULL;
	ippyo_point *P = mul_g(5);
	ippyo_scalar *s = ippyo_scalar_new();
	uint64_t m;

	g_assert_cmpint(ippyo_dlog_table_new(&t, 1000), ==, 0);
	g_assert_cmpint(ippyo_point_neg(P, P), ==, 0);
	g_assert_cmpint(ippyo_dlog_table_solve(t, P, &m), ==, IPPYO_ERR_DLOG_OUT_OF_RANGE);
	g_assert_cmpint(ippyo_scalar_random(s), ==, 0);
	g_assert_cmpint(ippyo_point_mul_gen(P, s), ==, 0);
	g_assert_cmpint(ippyo_dlog_table_solve(t, P, &m), ==, IPPYO_ERR_DLOG_OUT_OF_RANGE);
	ippyo_dlog_table_free(t);
	g_assert_cmpint(ippyo_dlog_table_new(&t, IPPYO_DLOG_MAX_BOUND + 1), ==, IPPYO_ERR_LIMIT);
	g_assert_null(t);
	ippyo_scalar_free(s);
	ippyo_point_free(P);
}

/* 10^7: the one-call form, timed (a figure in the log, the benchmark measures it properly). */
static void
test_ten_million(void)
{
	static const uint64_t values[] = { 0, 1, 9999999, 10000000, 3162277, 5000000 };
	gint64 start;
	uint64_t m;

	for (size_t i = 0; i < G_N_ELEMENTS(values); i++) {
		ippyo_point *P = mul_g(values[i]);

		start = g_get_monotonic_time();
		g_assert_cmpint(ippyo_dlog(P, 10000000, &m), ==, 0);
		g_assert_cmpuint(m, ==, values[i]);
		g_test_message("dlog %" G_GUINT64_FORMAT " up to 10^7: %.1f ms", values[i],
		    (g_get_monotonic_time() - start) / 1000.0);
		ippyo_point_free(P);
	}
	{
		ippyo_point *P = mul_g(10000001);

		g_assert_cmpint(ippyo_dlog(P, 10000000, &m), ==, IPPYO_ERR_DLOG_OUT_OF_RANGE);
		ippyo_point_free(P);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ippyo/dlog/bounds", test_bounds);
	g_test_add_func("/ippyo/dlog/not-small", test_not_small);
	g_test_add_func("/ippyo/dlog/ten-million", test_ten_million);
	return g_test_run();
}
