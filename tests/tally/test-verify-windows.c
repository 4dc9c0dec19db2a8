/* ippyo-tally verify's implementation choices must not change its answers
 * (docs/verification.md, "Implementation notes"): worker threads, batch
 * sizes and windows of any size give the identical report, aggregate and
 * result; a re-vote whose earlier ballot lies in an earlier window is
 * subtracted all the same. */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <jansson.h>

#include "crypto/group.h"
#include "election/entry.h"
#include "fixture.h"
#include "tally-verify.h"
#include "tally.h"

static TallyVerifyReport *
verify_with(Fixture *f, guint threads, guint batch, guint window)
{
	TallyVerifyOptions o;
	g_autoptr(GError) err = NULL;
	TallyVerifyReport *r;

	memset(&o, 0, sizeof(o));
	o.dir = f->dir;
	o.threads = threads;
	o.batch = batch;
	o.window = window;
	r = tally_verify_run(&o, &err);
	g_assert_no_error(err);
	g_assert_nonnull(r);
	return r;
}

/* Everything the report says, as one string: failures in order, counted, aggregate, totals. */
static char *
report_text(const TallyVerifyReport *r)
{
	json_t *j = tally_verify_report_to_json(r);
	GString *s = g_string_new(NULL);
	char *t;
	guint i;

	json_object_del(j, "checkpoint");
	t = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
	g_string_append(s, t);
	free(t);
	json_decref(j);
	g_string_append(s, "\ncounted:");
	for (i = 0; i < r->counted->len; i++)
		g_string_append_printf(s, " %" G_GUINT64_FORMAT,
		    g_array_index(r->counted, guint64, i));
	if (r->aggregate != NULL) {
		json_t *a = tally_aggregate_to_json(r->aggregate, NULL);

		g_assert_nonnull(a);
		t = json_dumps(a, JSON_SORT_KEYS | JSON_COMPACT);
		g_string_append_printf(s, "\naggregate: %s", t);
		free(t);
		json_decref(a);
	}
	if (r->totals != NULL) {
		gsize c, o;

		g_string_append(s, "\ntotals:");
		for (c = 0; c < r->aggregate->n_contests; c++)
			for (o = 0; o < r->aggregate->n_options[c]; o++)
				g_string_append_printf(s, " %" G_GUINT64_FORMAT, r->totals[c][o]);
	}
	return g_string_free(s, FALSE);
}

static const guint32 present[] = { 1, 3, 5 };

/*
 * Eleven ballots with re-votes far apart and back to back, two of them
 * broken (another voter's ballot under a card's signature; a ballot after
 * the close entry), then the tally.
 */
static Fixture *
record(void)
{
	Fixture *f = fx_new();
	g_autoptr(TallyAggregate) agg = NULL;
	FxBallot *b;
	size_t len;
	const uint8_t *bytes;

	fx_ballot(f, "voter-001", 0, 0);       /* 2 */
	fx_ballot(f, "voter-002", 1, 1);       /* 3 */
	fx_ballot(f, "voter-003", 0, 9);       /* 4 */
	fx_ballot(f, "voter-002", 2, 0);       /* 5: re-vote of 3 */
	fx_ballot(f, "voter-004", 2, 0);       /* 6 */
	fx_ballot(f, "voter-004", 1, 1);       /* 7: re-vote of 6, back to back */
	b = f->ballots->pdata[0];
	bytes = ippyo_ballot_bytes(b->ballot, &len);
	/* 8: voter-001's ballot under voter-005's card: not counted. */
	fx_append(f, fx_ballot_entry(f, "voter-005", bytes, len));
	fx_ballot(f, "voter-001", 1, 0);       /* 9: re-vote of 2 */
	fx_ballot(f, "voter-006", 0, 1);       /* 10 */
	fx_ballot(f, "voter-006", 2, 9);       /* 11: re-vote of 10 */
	fx_ballot(f, "voter-002", 0, 1);       /* 12: second re-vote of voter-002 */
	fx_close(f);
	fx_ballot(f, "voter-007", 0, 0);       /* after the close entry */
	agg = fx_aggregate(f, FALSE);
	fx_tally(f, present, G_N_ELEMENTS(present), agg);
	fx_write(f);
	return f;
}

static void
check_expected(Fixture *f, const TallyVerifyReport *r)
{
	guint64 want[2][3], n;
	gsize c, o;

	g_assert_nonnull(tally_verify_report_find(r, "ballot.voter", 8));
	g_assert_nonnull(tally_verify_report_find(r, "ballot.proof", 8));
	g_assert_nonnull(tally_verify_report_find(r, "ballot.after-close", f->close_index + 1));
	g_assert_true(r->closed);
	g_assert_true(r->has_result);
	fx_expected(f, want, &n);
	g_assert_cmpuint(r->aggregate->counted, ==, n);
	g_assert_cmpuint(n, ==, 5);   /* 001, 002, 003, 004, 006; not 005 (broken), 007 (late) */
	g_assert_cmpuint(r->counted->len, ==, n);
	for (c = 0; c < 2; c++)
		for (o = 0; o < (c == 0 ? 3u : 2u); o++)
			g_assert_cmpuint(r->totals[c][o], ==, want[c][o]);
}

/* One thread, one ballot per batch, everything in one window: the reference. */
static void
test_parallel_identical(void)
{
	Fixture *f = record();
	g_autoptr(TallyVerifyReport) ref = verify_with(f, 1, 1, 100000);
	g_autofree char *want = report_text(ref);
	static const guint runs[][3] = {
		{ 1, 64, 0 }, { 2, 64, 0 }, { 2, 1, 0 }, { 2, 2, 0 }, { 2, 3, 5 }, { 4, 1, 1 },
	};
	gsize k;

	check_expected(f, ref);
	for (k = 0; k < G_N_ELEMENTS(runs); k++) {
		g_autoptr(TallyVerifyReport) r = verify_with(f, runs[k][0], runs[k][1],
		    runs[k][2]);
		g_autofree char *got = report_text(r);

		g_test_message("threads %u batch %u window %u", runs[k][0], runs[k][1],
		    runs[k][2]);
		g_assert_cmpstr(got, ==, want);
	}
	fx_free(f);
}

/*
 * Every window size from 1 to past the record: each puts some boundary
 * inside a re-vote pair (3-5, 6-7, 2-9, 10-11, 5-12), so the superseded
 * ballot is read again from the mirror and subtracted. Without witnesses the
 * close entry's time bounds the cast time: it is found before the windows.
 */
static void
test_window_boundaries(void)
{
	Fixture *f = record();
	g_autofree char *policy = g_build_filename(f->dir, "election", "policy", NULL);
	g_autoptr(TallyVerifyReport) ref = verify_with(f, 1, 64, 100000);
	g_autofree char *want = report_text(ref);
	guint w;

	check_expected(f, ref);
	for (w = 1; w <= f->entries->len + 1; w++) {
		g_autoptr(TallyVerifyReport) r = verify_with(f, 2, 2, w);
		g_autofree char *got = report_text(r);

		g_test_message("window %u", w);
		g_assert_cmpstr(got, ==, want);
	}
	/* No witnesses: the close time is the cast-time bound of the ballots before it. */
	g_assert_cmpint(g_unlink(policy), ==, 0);
	{
		g_autoptr(TallyVerifyReport) a = verify_with(f, 1, 64, 100000);
		g_autoptr(TallyVerifyReport) b = verify_with(f, 2, 3, 4);
		g_autofree char *ta = report_text(a), *tb = report_text(b);

		g_assert_cmpint(a->checkpoint_time, ==, -1);
		check_expected(f, a);
		g_assert_cmpstr(ta, ==, tb);
	}
	fx_free(f);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_assert_cmpint(ippyo_group_init(), ==, 0);
	g_test_add_func("/ippyo/tally/windows/parallel-identical", test_parallel_identical);
	g_test_add_func("/ippyo/tally/windows/window-boundaries", test_window_boundaries);
	return g_test_run();
}
