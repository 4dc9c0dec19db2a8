/* ippyo-tally verify, aggregate, decrypt, combine: a whole election and one test per
 * tampered record, each naming the entry and the rule (docs/verification.md). */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <jansson.h>

#include "crypto/group.h"
#include "election/entry.h"
#include "fixture.h"
#include "tally-verify.h"
#include "tally.h"

#include <fcntl.h>
#include <unistd.h>

#include "encoding.h"
#include <openssl/crypto.h>

static TallyVerifyReport *
verify(Fixture *f, const char *state)
{
	TallyVerifyOptions o;
	g_autoptr(GError) err = NULL;
	TallyVerifyReport *r;

	memset(&o, 0, sizeof(o));
	o.dir = f->dir;
	o.state_path = state;
	o.threads = 2;
	r = tally_verify_run(&o, &err);
	g_assert_no_error(err);
	g_assert_nonnull(r);
	return r;
}

static void
dump(const TallyVerifyReport *r)
{
	guint i;

	for (i = 0; i < r->failures->len; i++) {
		const TallyFailure *x = r->failures->pdata[i];

		g_test_message("entry %" G_GINT64_FORMAT " %s: %s",
		    x->index == G_MAXUINT64 ? (gint64)-1 : (gint64)x->index, x->rule, x->message);
	}
}

static void
expect(const TallyVerifyReport *r, const char *rule, guint64 index)
{
	if (tally_verify_report_find(r, rule, index) == NULL) {
		dump(r);
		g_error("no failure %s at entry %" G_GINT64_FORMAT, rule,
		    index == G_MAXUINT64 ? (gint64)-1 : (gint64)index);
	}
}

/* Seven voters, one of them votes twice. */
static Fixture *
election(void)
{
	Fixture *f = fx_new();

	fx_ballot(f, "voter-001", 0, 0);
	fx_ballot(f, "voter-002", 1, 1);
	fx_ballot(f, "voter-003", 0, 9);
	fx_ballot(f, "voter-004", 2, 0);
	fx_ballot(f, "voter-002", 0, 0);   /* re-vote: supersedes the earlier one */
	fx_ballot(f, "voter-005", 1, 0);
	fx_ballot(f, "voter-006", 0, 1);
	return f;
}

static const guint32 present[] = { 1, 3, 5 };   /* trustees 2 and 4 are absent */

static void
finish(Fixture *f)
{
	g_autoptr(TallyAggregate) agg = NULL;

	fx_close(f);
	agg = fx_aggregate(f, FALSE);
	fx_tally(f, present, G_N_ELEMENTS(present), agg);
}

static void
test_full_election(void)
{
	Fixture *f = election();
	g_autoptr(TallyVerifyReport) r = NULL;
	guint64 want[2][3], n;
	gsize c, o;

	finish(f);
	fx_write(f);
	r = verify(f, NULL);
	dump(r);
	g_assert_cmpuint(r->failures->len, ==, 0);
	g_assert_true(r->closed);
	g_assert_true(r->has_result);
	fx_expected(f, want, &n);
	g_assert_cmpuint(n, ==, 6);
	g_assert_cmpuint(r->counted->len, ==, 6);
	g_assert_cmpuint(r->aggregate->counted, ==, 6);
	for (c = 0; c < 2; c++)
		for (o = 0; o < (c == 0 ? 3u : 2u); o++)
			g_assert_cmpuint(r->totals[c][o], ==, want[c][o]);
	g_assert_cmpuint(want[0][0], ==, 4);   /* 001, 003, 002 (re-vote), 006 */
	fx_free(f);
}

/* aggregate -> JSON -> decrypt by trustees 1, 3, 5 -> documents -> combine. */
static void
test_trustee_documents(void)
{
	Fixture *f = election();
	g_autoptr(TallyVerifyReport) r = NULL;
	g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)tally_partial_free);
	g_autoptr(TallyAggregate) back = NULL;
	g_autoptr(GError) err = NULL;
	guint64 want[2][3], n, **tot;
	json_t *j;
	char *text;
	gsize i, c, o, bc, bo;

	fx_close(f);
	fx_write(f);
	r = verify(f, NULL);
	g_assert_cmpuint(r->failures->len, ==, 0);
	g_assert_nonnull(r->aggregate);
	j = tally_aggregate_to_json(r->aggregate, &err);
	g_assert_no_error(err);
	text = json_dumps(j, JSON_INDENT(2));
	json_decref(j);
	back = tally_aggregate_from_json(f->sealed, text, strlen(text), &err);
	free(text);
	g_assert_no_error(err);
	for (i = 0; i < G_N_ELEMENTS(present); i++) {
		TallyPartial *p = tally_partial_compute(f->sealed, back, f->keys[present[i] - 1],
		    &err);
		g_autofree char *doc = NULL;
		gsize len;

		g_assert_no_error(err);
		doc = tally_partial_to_bytes(p, &len, &err);
		g_assert_no_error(err);
		tally_partial_free(p);
		p = tally_partial_from_bytes(f->sealed, (const guint8 *)doc, len, &err);
		g_assert_no_error(err);
		g_assert_true(tally_partial_verify(p, f->sealed, back, &bc, &bo, &err));
		g_ptr_array_add(parts, p);
	}
	/* Two partials are not enough. */
	tot = tally_combine_totals(f->sealed, back, (TallyPartial *const *)parts->pdata, 2, &err);
	g_assert_null(tot);
	g_clear_error(&err);
	tot = tally_combine_totals(f->sealed, back, (TallyPartial *const *)parts->pdata,
	    parts->len, &err);
	g_assert_no_error(err);
	fx_expected(f, want, &n);
	for (c = 0; c < 2; c++)
		for (o = 0; o < (c == 0 ? 3u : 2u); o++)
			g_assert_cmpuint(tot[c][o], ==, want[c][o]);
	tally_totals_free(tot, 2);
	/* A partial from another trustee's key under a third index is refused. */
	{
		TallyPartial *p = tally_partial_compute(f->sealed, back, f->keys[1], &err);

		g_assert_no_error(err);
		p->trustee = 3;
		g_assert_false(tally_partial_verify(p, f->sealed, back, &bc, &bo, &err));
		g_assert_cmpuint(bc, ==, 0);
		g_assert_cmpuint(bo, ==, 0);
		g_clear_error(&err);
		tally_partial_free(p);
	}
	fx_free(f);
}

static GBytes *
replace_once(GBytes *b, const char *from, const char *to)
{
	gsize len;
	const char *d = g_bytes_get_data(b, &len);
	g_autofree char *s = g_strndup(d, len);
	char *at = strstr(s, from);
	GString *out;

	g_assert_nonnull(at);
	g_assert_cmpuint(strlen(from), ==, strlen(to));
	out = g_string_new_len(s, (gssize)len);
	memcpy(out->str + (at - s), to, strlen(to));
	return g_string_free_to_bytes(out);
}

/* The first selection's base64url string inside ballot entry bytes. */
static char *
first_selection(GBytes *b)
{
	gsize len;
	const char *d = g_bytes_get_data(b, &len);
	g_autofree char *s = g_strndup(d, len);
	const char *k = "\"selections\":[\"";
	char *at = strstr(s, k), *end;

	g_assert_nonnull(at);
	at += strlen(k);
	end = strchr(at, '"');
	return g_strndup(at, (gsize)(end - at));
}

static void
set_entry(Fixture *f, guint64 k, GBytes *b)
{
	g_bytes_unref(f->entries->pdata[k]);
	f->entries->pdata[k] = b;
}

static void
test_altered_ballot_byte(void)
{
	Fixture *f = election();
	g_autoptr(TallyVerifyReport) r = NULL;
	guint64 k = 3;
	g_autofree char *sel = first_selection(f->entries->pdata[k]);
	g_autofree char *mod = g_strdup(sel);

	/* One character in the middle of the first selection, still base64url. */
	mod[40] = mod[40] == 'A' ? 'B' : 'A';
	set_entry(f, k, replace_once(f->entries->pdata[k], sel, mod));
	finish(f);
	fx_write(f);
	r = verify(f, NULL);
	expect(r, "ballot.card-signature", k);
	fx_free(f);
}

static void
test_swapped_ciphertext(void)
{
	Fixture *f = election();
	g_autoptr(TallyVerifyReport) r = NULL;
	guint64 a = 2, b = 3;
	g_autofree char *sa = first_selection(f->entries->pdata[a]);
	g_autofree char *sb = first_selection(f->entries->pdata[b]);
	GBytes *na = replace_once(f->entries->pdata[a], sa, sb);
	GBytes *nb = replace_once(f->entries->pdata[b], sb, sa);

	g_bytes_unref(f->entries->pdata[a]);
	g_bytes_unref(f->entries->pdata[b]);
	f->entries->pdata[a] = na;
	f->entries->pdata[b] = nb;
	fx_close(f);
	fx_write(f);
	r = verify(f, NULL);
	expect(r, "ballot.card-signature", a);
	expect(r, "ballot.card-signature", b);
	fx_free(f);
}

static void
test_replayed_proof(void)
{
	Fixture *f = election();
	g_autoptr(TallyVerifyReport) r = NULL;
	FxBallot *victim = f->ballots->pdata[0];
	uint8_t fp[32];
	g_autoptr(GBytes) cert = fx_card_cert(f, "voter-007");
	gsize len, bl;
	const guint8 *d = g_bytes_get_data(cert, &len);
	const uint8_t *bytes = ippyo_ballot_bytes(victim->ballot, &bl);
	g_autoptr(GBytes) orig = g_bytes_new(bytes, bl);
	g_autofree char *vhex = tally_hex(victim->voter, 32), *mine = NULL;
	g_autoptr(GBytes) copied = NULL;
	guint64 k;

	/* voter-007 copies voter-001's ballot, proofs and all, under its own binding. */
	g_assert_cmpint(ippyo_cert_der_fingerprint(d, len, fp), ==, 0);
	mine = tally_hex(fp, 32);
	copied = replace_once(orig, vhex, mine);
	d = g_bytes_get_data(copied, &len);
	k = fx_append(f, fx_ballot_entry(f, "voter-007", d, len));
	fx_close(f);
	fx_write(f);
	r = verify(f, NULL);
	expect(r, "ballot.proof", k);
	g_assert_null(tally_verify_report_find(r, "ballot.card-signature", k));
	fx_free(f);
}

static void
one_card(const char *name, const char *rule)
{
	Fixture *f = election();
	g_autoptr(TallyVerifyReport) r = NULL;
	guint64 k = fx_ballot(f, name, 1, 1);

	fx_close(f);
	fx_write(f);
	r = verify(f, NULL);
	expect(r, rule, k);
	/* Not counted. */
	g_assert_cmpuint(r->aggregate->counted, ==, 6);
	fx_free(f);
}

static void
test_not_on_roll(void)
{
	one_card("voter-010", "ballot.roll");
}

static void
test_revoked(void)
{
	one_card("revoked", "ballot.cert-revoked");
}

static void
test_expired(void)
{
	one_card("expired", "ballot.cert-expired");
}

static void
test_after_close(void)
{
	Fixture *f = election();
	g_autoptr(TallyVerifyReport) r = NULL;
	guint64 k;

	fx_close(f);
	k = fx_ballot(f, "voter-008", 2, 1);
	fx_write(f);
	r = verify(f, NULL);
	expect(r, "ballot.after-close", k);
	g_assert_cmpuint(r->aggregate->counted, ==, 6);
	fx_free(f);
}

static void
test_counted_twice(void)
{
	Fixture *f = election();
	g_autoptr(TallyVerifyReport) r = NULL;
	g_autoptr(TallyAggregate) agg = NULL;

	fx_close(f);
	agg = fx_aggregate(f, TRUE);    /* voter-002 counted twice */
	g_assert_cmpuint(agg->counted, ==, 7);
	fx_tally(f, present, G_N_ELEMENTS(present), agg);
	fx_write(f);
	r = verify(f, NULL);
	expect(r, "result.counted", f->entries->len - 1);
	expect(r, "decryption.proof", f->close_index + 1);
	g_assert_false(r->has_result);
	fx_free(f);
}

/* Rewrites entry bundle 0 of the mirror from a list of entries. */
static void
rewrite_bundle(Fixture *f, GPtrArray *entries)
{
	GString *b = g_string_new(NULL);
	guint i;
	g_autofree char *path = NULL;
	unsigned w = f->entries->len;

	for (i = 0; i < entries->len; i++) {
		gsize len;
		const char *d = g_bytes_get_data(entries->pdata[i], &len);
		guint8 pre[2] = { (guint8)(len >> 8), (guint8)len };

		g_string_append_len(b, (const char *)pre, 2);
		g_string_append_len(b, d, (gssize)len);
	}
	path = tally_mirror_tile_path(f->dir, -1, 0, w);
	g_assert_true(g_file_set_contents(path, b->str, (gssize)b->len, NULL));
	g_string_free(b, TRUE);
}

static void
test_dropped_entry(void)
{
	Fixture *f = election();
	g_autoptr(TallyVerifyReport) r = NULL;
	g_autoptr(GPtrArray) e = g_ptr_array_new();
	guint i;

	finish(f);
	fx_write(f);
	for (i = 0; i < f->entries->len; i++)
		if (i != 4)
			g_ptr_array_add(e, f->entries->pdata[i]);
	rewrite_bundle(f, e);
	r = verify(f, NULL);
	expect(r, "tree.leaf", 4);
	expect(r, "mirror.bundle", G_MAXUINT64);
	fx_free(f);
}

static void
test_reordered_entry(void)
{
	Fixture *f = election();
	g_autoptr(TallyVerifyReport) r = NULL;
	g_autoptr(GPtrArray) e = g_ptr_array_new();
	guint i;

	finish(f);
	fx_write(f);
	for (i = 0; i < f->entries->len; i++)
		g_ptr_array_add(e, f->entries->pdata[i]);
	e->pdata[5] = f->entries->pdata[6];
	e->pdata[6] = f->entries->pdata[5];
	rewrite_bundle(f, e);
	r = verify(f, NULL);
	expect(r, "tree.leaf", 5);
	expect(r, "tree.leaf", 6);
	fx_free(f);
}

static void
test_forked_checkpoint(void)
{
	Fixture *f = election();
	g_autoptr(TallyVerifyReport) r1 = NULL, r2 = NULL;
	g_autofree char *state = g_build_filename(f->dir, "..", "state-fork.json", NULL);
	g_autofree char *sp = NULL;
	char *real = NULL;

	real = g_canonicalize_filename(state, NULL);
	sp = g_strdup_printf("%s.%d", real, g_random_int_range(0, 1 << 30));
	g_free(real);
	fx_write(f);
	r1 = verify(f, sp);
	g_assert_cmpuint(r1->failures->len, ==, 0);
	/* The chain rewrites history: voter-003's ballot is gone, new ones follow. */
	g_bytes_unref(g_ptr_array_steal_index(f->entries, 3));
	fx_ballot(f, "voter-008", 0, 0);
	fx_ballot(f, "voter-009", 0, 0);
	fx_write(f);
	r2 = verify(f, sp);
	expect(r2, "log.fork", G_MAXUINT64);
	g_assert_nonnull(r2->evidence);
	g_assert_nonnull(strstr(r2->evidence, "-- held 9"));
	g_unlink(sp);
	fx_free(f);
}

static void
test_bad_checkpoint_signature(void)
{
	Fixture *f = election();
	g_autoptr(TallyVerifyReport) r = NULL;
	g_autofree char *path = NULL, *text = NULL;
	gsize len;
	char *line;

	fx_write(f);
	path = g_build_filename(f->dir, "checkpoint", NULL);
	g_assert_true(g_file_get_contents(path, &text, &len, NULL));
	/* A character of the log's signature (first signature line, past the key ID). */
	line = strstr(text, "\n\n\xe2\x80\x94 ");
	g_assert_nonnull(line);
	line = strchr(line + 6, ' ');
	g_assert_nonnull(line);
	line[20] = line[20] == 'A' ? 'B' : 'A';
	g_assert_true(g_file_set_contents(path, text, (gssize)len, NULL));
	r = verify(f, NULL);
	expect(r, "checkpoint.signature", G_MAXUINT64);
	fx_free(f);
}

static void
test_wrong_partial(void)
{
	Fixture *f = election();
	g_autoptr(TallyVerifyReport) r = NULL;
	g_autoptr(TallyAggregate) agg = NULL;
	g_autoptr(GError) err = NULL;
	TallyPartial *p;
	g_autofree char *doc = NULL;
	ippyo_entry *e = NULL;
	gsize len;
	guint64 k;
	const guint8 *d;
	size_t dl;

	fx_close(f);
	agg = fx_aggregate(f, FALSE);
	/* Trustee 3's entry carries shares made with trustee 2's key. */
	p = tally_partial_compute(f->sealed, agg, f->keys[1], &err);
	g_assert_no_error(err);
	p->trustee = 3;
	doc = tally_partial_to_bytes(p, &len, &err);
	g_assert_no_error(err);
	tally_partial_free(p);
	g_assert_cmpint(ippyo_entry_new_decryption(&e, ippyo_manifest_election_id(f->sealed), 3,
	    (const guint8 *)doc, len, f->sk), ==, 0);
	d = ippyo_entry_bytes(e, &dl);
	k = fx_append(f, g_bytes_new(d, dl));
	ippyo_entry_free(e);
	fx_write(f);
	r = verify(f, NULL);
	expect(r, "decryption.proof", k);
	fx_free(f);
}

static void
test_wrong_total(void)
{
	Fixture *f = election();
	g_autoptr(TallyVerifyReport) r = NULL;
	g_autoptr(TallyAggregate) agg = NULL;
	ippyo_entry *e = NULL;
	guint64 want[2][3], n;
	uint64_t row0[3], row1[2];
	const uint64_t *rows[2] = { row0, row1 };
	size_t nopt[2] = { 3, 2 };
	const guint8 *d;
	size_t dl;
	guint64 k;
	GBytes *last;

	finish(f);
	/* The officials announce one vote moved from option 0 to option 1. */
	last = g_ptr_array_steal_index(f->entries, f->entries->len - 1);
	g_bytes_unref(last);
	fx_expected(f, want, &n);
	row0[0] = want[0][0] - 1;
	row0[1] = want[0][1] + 1;
	row0[2] = want[0][2];
	row1[0] = want[1][0];
	row1[1] = want[1][1];
	agg = fx_aggregate(f, FALSE);
	g_assert_cmpint(ippyo_entry_new_result(&e, ippyo_manifest_election_id(f->sealed),
	    f->close_index, n, 2, nopt, rows, f->sk), ==, 0);
	d = ippyo_entry_bytes(e, &dl);
	k = fx_append(f, g_bytes_new(d, dl));
	ippyo_entry_free(e);
	fx_write(f);
	r = verify(f, NULL);
	expect(r, "result.total", k);
	g_assert_false(r->has_result);
	fx_free(f);
}

static void
test_second_result(void)
{
	Fixture *f = election();
	g_autoptr(TallyVerifyReport) r = NULL;
	guint64 k;

	finish(f);
	/* The result entry appended again: the same verified totals, a second time. */
	k = fx_append(f, g_bytes_ref(f->entries->pdata[f->entries->len - 1]));
	fx_write(f);
	r = verify(f, NULL);
	expect(r, "result.duplicate", k);
	g_assert_true(r->has_result);
	fx_free(f);
}

static void
test_ceremony_mismatch(void)
{
	Fixture *f = election();
	g_autoptr(TallyVerifyReport) r = NULL;
	json_t *c3, *c4;
	ippyo_entry_document docs[FX_TRUSTEES];
	char names[FX_TRUSTEES][32];
	char *bad;
	ippyo_entry *e = NULL;
	const guint8 *d;
	size_t dl;
	int i;

	/* Trustee 3's file with a commitment taken from trustee 4's. */
	c3 = json_loads(f->commitments[2], 0, NULL);
	c4 = json_loads(f->commitments[3], 0, NULL);
	g_assert_nonnull(c3);
	json_object_set(json_array_get(json_object_get(c3, "commitments"), 1), "point",
	    json_object_get(json_array_get(json_object_get(c4, "commitments"), 1), "point"));
	bad = json_dumps(c3, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	for (i = 0; i < FX_TRUSTEES; i++) {
		g_snprintf(names[i], sizeof(names[i]), "commitments-%d.json", i + 1);
		docs[i].name = names[i];
		docs[i].data = (const guint8 *)(i == 2 ? bad : f->commitments[i]);
		docs[i].len = strlen((const char *)docs[i].data);
	}
	g_assert_cmpint(ippyo_entry_new_ceremony(&e, ippyo_manifest_election_id(f->sealed), docs,
	    FX_TRUSTEES, f->sk), ==, 0);
	d = ippyo_entry_bytes(e, &dl);
	g_bytes_unref(f->entries->pdata[1]);
	f->entries->pdata[1] = g_bytes_new(d, dl);
	ippyo_entry_free(e);
	free(bad);
	json_decref(c3);
	json_decref(c4);
	fx_write(f);
	r = verify(f, NULL);
	expect(r, "ceremony.commitments", 1);
	g_assert_nonnull(strstr(tally_verify_report_find(r, "ceremony.commitments", 1)->message,
	    "trustee 3"));
	fx_free(f);
}

static void
test_manifest_changed(void)
{
	Fixture *f = election();
	g_autoptr(TallyVerifyReport) r = NULL;

	set_entry(f, 0, replace_once(f->entries->pdata[0], "Test City", "Tost City"));
	fx_write(f);
	r = verify(f, NULL);
	expect(r, "manifest.signature", 0);
	fx_free(f);
}

static void
test_incremental(void)
{
	Fixture *f = election();
	g_autoptr(TallyVerifyReport) r1 = NULL, r2 = NULL, r3 = NULL, full = NULL;
	g_autofree char *sp = g_strdup_printf("%s.state", f->dir);
	gsize c, o;
	guint64 size1;

	fx_write(f);
	r1 = verify(f, sp);
	g_assert_cmpuint(r1->failures->len, ==, 0);
	g_assert_cmpuint(r1->ballots, ==, 7);
	size1 = r1->size;
	/* More ballots, among them re-votes of voters checked in the first run. */
	fx_ballot(f, "voter-001", 2, 1);
	fx_ballot(f, "voter-007", 1, 9);
	fx_ballot(f, "voter-002", 2, 0);
	finish(f);
	fx_write(f);
	r2 = verify(f, sp);
	dump(r2);
	g_assert_cmpuint(r2->failures->len, ==, 0);
	g_assert_cmpuint(r2->first_checked, ==, size1);
	g_assert_cmpuint(r2->ballots, ==, 3);
	g_assert_true(r2->has_result);
	full = verify(f, NULL);
	g_assert_cmpuint(full->ballots, ==, 10);
	g_assert_cmpuint(full->aggregate->counted, ==, r2->aggregate->counted);
	for (c = 0; c < 2; c++)
		for (o = 0; o < (c == 0 ? 3u : 2u); o++) {
			g_assert_cmpint(ippyo_ciphertext_eq(full->aggregate->totals[c][o],
			    r2->aggregate->totals[c][o]), ==, 1);
			g_assert_cmpuint(full->totals[c][o], ==, r2->totals[c][o]);
		}
	/* A run with nothing new still reports the result verified by the last one. */
	r3 = verify(f, sp);
	g_assert_cmpuint(r3->failures->len, ==, 0);
	g_assert_cmpuint(r3->ballots, ==, 0);
	g_assert_true(r3->has_result);
	for (c = 0; c < 2; c++)
		for (o = 0; o < (c == 0 ? 3u : 2u); o++)
			g_assert_cmpuint(r3->totals[c][o], ==, full->totals[c][o]);
	g_unlink(sp);
	fx_free(f);
}

/* Runs ippyo-tally with stdout sent to /dev/null; returns its exit code. */
static int
run_tally(const char *first, ...)
{
	g_autoptr(GPtrArray) args = g_ptr_array_new();
	const char *a;
	va_list ap;
	int saved, null, code;

	g_ptr_array_add(args, (char *)"ippyo-tally");
	va_start(ap, first);
	for (a = first; a != NULL; a = va_arg(ap, const char *))
		g_ptr_array_add(args, (char *)a);
	va_end(ap);
	g_ptr_array_add(args, (char *)"--quiet");
	g_ptr_array_add(args, NULL);
	fflush(stdout);
	saved = dup(1);
	null = open("/dev/null", O_WRONLY);
	dup2(null, 1);
	code = tally_main((int)args->len - 1, (char **)args->pdata);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(null);
	return code;
}

static GBytes *
file_bytes(const char *path)
{
	char *d = NULL;
	gsize len;

	g_assert_true(g_file_get_contents(path, &d, &len, NULL));
	return g_bytes_new_take(d, len);
}

/* The trustees' and officials' way through the program: aggregate, decrypt (1, 3, 5),
 * combine into signed entries, append them, then verify and result. */
static void
test_cli(void)
{
	Fixture *f = election();
	g_autofree char *work = g_strdup_printf("%s.work", f->dir);
	g_autofree char *agg = g_build_filename(work, "aggregate.json", NULL);
	g_autofree char *man = g_build_filename(work, "entry0.json", NULL);
	g_autofree char *off = g_build_filename(work, "officials.key", NULL);
	g_autofree char *html = g_build_filename(work, "result.html", NULL);
	g_autofree char *seed = NULL, *off_text = NULL;
	char *p[3] = { NULL, NULL, NULL };
	g_autoptr(GBytes) page = NULL;
	gsize i, len;
	const char *e0;

	g_assert_cmpint(g_mkdir_with_parents(work, 0700), ==, 0);
	fx_close(f);
	fx_write(f);
	g_assert_cmpint(run_tally("verify", f->dir, NULL), ==, 0);
	g_assert_cmpint(run_tally("result", f->dir, NULL), ==, 2);   /* no result yet */
	g_assert_cmpint(run_tally("aggregate", f->dir, "-o", agg, NULL), ==, 0);
	e0 = g_bytes_get_data(f->entries->pdata[0], &len);
	g_assert_true(g_file_set_contents(man, e0, (gssize)len, NULL));
	g_assert_cmpint(ippyo_b64url_encode(f->sk, 32, &seed), ==, 0);
	off_text = g_strconcat(seed, "\n", NULL);
	OPENSSL_free(g_steal_pointer(&seed));
	g_assert_true(g_file_set_contents(off, off_text, -1, NULL));
	g_assert_cmpint(g_chmod(off, 0600), ==, 0);
	for (i = 0; i < G_N_ELEMENTS(present); i++) {
		g_autofree char *kp = g_strdup_printf("%s/trustee-%u.key", work, present[i]);
		char *kt = NULL;
		size_t kl;

		p[i] = g_strdup_printf("%s/partial-%u.json", work, present[i]);
		g_assert_cmpint(ippyo_trustee_key_to_json(f->keys[present[i] - 1], &kt, &kl), ==, 0);
		g_assert_true(g_file_set_contents(kp, kt, (gssize)kl, NULL));
		OPENSSL_clear_free(kt, kl);
		g_assert_cmpint(run_tally("decrypt", "--key", kp, "--aggregate", agg, "--manifest",
		    man, "-o", p[i], NULL), ==, 0);
	}
	/* Two are below the threshold. */
	g_assert_cmpint(run_tally("combine", "--manifest", man, "--aggregate", agg, p[0], p[1],
	    NULL), ==, 3);
	g_assert_cmpint(run_tally("combine", "--manifest", man, "--aggregate", agg,
	    "--officials-key", off, "--out-dir", work, p[0], p[1], p[2], NULL), ==, 0);
	for (i = 0; i < G_N_ELEMENTS(present); i++) {
		g_autofree char *ep = g_strdup_printf("%s/decryption-%u.json", work, present[i]);

		fx_append(f, file_bytes(ep));
	}
	{
		g_autofree char *rp = g_build_filename(work, "result.json", NULL);

		fx_append(f, file_bytes(rp));
	}
	fx_write(f);
	g_assert_cmpint(run_tally("verify", f->dir, "--json", NULL), ==, 0);
	g_assert_cmpint(run_tally("result", f->dir, "--html", html, "--lang", "en", NULL), ==, 0);
	g_assert_cmpint(run_tally("result", f->dir, "--json", NULL), ==, 0);
	page = file_bytes(html);
	g_assert_nonnull(g_strstr_len(g_bytes_get_data(page, NULL), -1, "<svg"));
	g_assert_nonnull(g_strstr_len(g_bytes_get_data(page, NULL), -1, "Ichiro Tanaka"));
	/* A broken record: verify exits 3. */
	set_entry(f, 0, replace_once(f->entries->pdata[0], "Test City", "Tost City"));
	fx_write(f);
	g_assert_cmpint(run_tally("verify", f->dir, NULL), ==, 3);
	for (i = 0; i < 3; i++)
		g_free(p[i]);
	{
		g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", work);

		g_assert_cmpint(system(cmd), ==, 0);
	}
	fx_free(f);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_assert_cmpint(ippyo_group_init(), ==, 0);
	g_test_add_func("/ippyo/tally/full-election", test_full_election);
	g_test_add_func("/ippyo/tally/trustee-documents", test_trustee_documents);
	g_test_add_func("/ippyo/tally/altered-ballot-byte", test_altered_ballot_byte);
	g_test_add_func("/ippyo/tally/swapped-ciphertext", test_swapped_ciphertext);
	g_test_add_func("/ippyo/tally/replayed-proof", test_replayed_proof);
	g_test_add_func("/ippyo/tally/not-on-roll", test_not_on_roll);
	g_test_add_func("/ippyo/tally/revoked", test_revoked);
	g_test_add_func("/ippyo/tally/expired", test_expired);
	g_test_add_func("/ippyo/tally/after-close", test_after_close);
	g_test_add_func("/ippyo/tally/counted-twice", test_counted_twice);
	g_test_add_func("/ippyo/tally/dropped-entry", test_dropped_entry);
	g_test_add_func("/ippyo/tally/reordered-entry", test_reordered_entry);
	g_test_add_func("/ippyo/tally/forked-checkpoint", test_forked_checkpoint);
	g_test_add_func("/ippyo/tally/bad-checkpoint-signature", test_bad_checkpoint_signature);
	g_test_add_func("/ippyo/tally/wrong-partial", test_wrong_partial);
	g_test_add_func("/ippyo/tally/wrong-total", test_wrong_total);
	g_test_add_func("/ippyo/tally/second-result", test_second_result);
	g_test_add_func("/ippyo/tally/ceremony-mismatch", test_ceremony_mismatch);
	g_test_add_func("/ippyo/tally/manifest-changed", test_manifest_changed);
	g_test_add_func("/ippyo/tally/incremental", test_incremental);
	g_test_add_func("/ippyo/tally/cli", test_cli);
	return g_test_run();
}
