/* ippyo-bench crypto — the election cryptography against its targets (issue 2). */
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "crypto/batch.h"
#include "crypto/ceremony.h"
#include "crypto/decrypt.h"
#include "crypto/dlog.h"
#include "crypto/elgamal.h"
#include "crypto/group.h"
#include "crypto/hash.h"
#include "crypto/proof.h"
#include "encoding.h"
#include "error.h"

/* The ballot of the measurements: 1 contest × 10 options, vote for at most one. */
#define OPTS 10
#define CMIN 0
#define CMAX 1

typedef struct {
	ippyo_proof_statement st[OPTS + 1];   /* OPTS selections, then the contest */
	ippyo_ciphertext *ct[OPTS + 1];       /* [OPTS] is the sum */
	ippyo_range_proof *p[OPTS + 1];
} bballot;

typedef struct {
	uint8_t ct[OPTS][IPPYO_CIPHERTEXT_BYTES];
	uint8_t sel[OPTS][IPPYO_SELECTION_PROOF_BYTES];
	uint8_t contest[2 * IPPYO_RANGE_BRANCH_BYTES];   /* CMAX − CMIN + 1 branches */
	uint8_t voter[IPPYO_BINDING_BYTES];
} bbytes;

#define CHECK(expr) do { \
	int e_ = (expr); \
	if (e_ != 0) { \
		fprintf(stderr, "ippyo-bench: %s: %s\n", #expr, ippyo_strerror(e_)); \
		exit(1); \
	} \
} while (0)

static void
bballot_init(bballot *b, const ippyo_election_key *key, const uint8_t eh[32],
    const uint8_t voter[32])
{
	for (int o = 0; o <= OPTS; o++) {
		ippyo_proof_statement *st = &b->st[o];

		memcpy(st->election_hash, eh, 32);
		memcpy(st->voter_binding, voter, 32);
		st->key = key;
		st->contest = 0;
		st->option = o < OPTS ? (uint32_t)o : IPPYO_OPTION_CONTEST;
		st->min = o < OPTS ? 0 : CMIN;
		st->max = o < OPTS ? 1 : CMAX;
		if ((b->ct[o] = ippyo_ciphertext_new()) == NULL ||
		    (b->p[o] = ippyo_range_proof_new(st->min, st->max)) == NULL) {
			fprintf(stderr, "ippyo-bench: out of memory\n");
			exit(1);
		}
		st->ct = b->ct[o];
	}
}

static void
bballot_free(bballot *b)
{
	for (int o = 0; o <= OPTS; o++) {
		ippyo_ciphertext_free(b->ct[o]);
		ippyo_range_proof_free(b->p[o]);
	}
}

/* Everything a voter's client does for one ballot but the JSON: encrypt and prove. */
static void
encrypt_ballot(bballot *b, const ippyo_seed_context *sc, int choice)
{
	ippyo_scalar *r[OPTS + 1];
	uint64_t m[OPTS + 1];

	for (int o = 0; o <= OPTS; o++)
		r[o] = ippyo_scalar_new();
	/* b->ct[OPTS] is fresh: the neutral (O, O) */
	for (int o = 0; o < OPTS; o++) {
		m[o] = o == choice;
		CHECK(ippyo_seed_derive(r[o], sc, IPPYO_PURPOSE_ENCRYPT, 0, (uint32_t)o, 0));
		CHECK(ippyo_ciphertext_encrypt(b->ct[o], b->st[o].key, m[o], r[o]));
		CHECK(ippyo_ciphertext_add(b->ct[OPTS], b->ct[OPTS], b->ct[o]));
		CHECK(ippyo_scalar_add(r[OPTS], r[OPTS], r[o]));
	}
	m[OPTS] = choice >= 0;
	{
		const ippyo_proof_statement *sts[OPTS + 1];
		const ippyo_scalar *rr[OPTS + 1];

		for (int o = 0; o <= OPTS; o++) {
			sts[o] = &b->st[o];
			rr[o] = r[o];
		}
		CHECK(ippyo_range_proof_prove_many(OPTS + 1, b->p, sts, m, rr, sc->seed));
	}
	for (int o = 0; o <= OPTS; o++)
		ippyo_scalar_free(r[o]);
}

static void
serialize_ballot(const bballot *b, bbytes *out)
{
	for (int o = 0; o < OPTS; o++) {
		CHECK(ippyo_ciphertext_serialize(b->ct[o], out->ct[o]));
		CHECK(ippyo_range_proof_serialize(b->p[o], out->sel[o], sizeof(out->sel[o])));
	}
	CHECK(ippyo_range_proof_serialize(b->p[OPTS], out->contest, sizeof(out->contest)));
	memcpy(out->voter, b->st[0].voter_binding, 32);
}

/* What a verifier does first with stored bytes: parse (point decompression). */
static void
parse_ballot(bballot *b, const bbytes *in)
{
	for (int o = 0; o < OPTS; o++) {
		CHECK(ippyo_ciphertext_parse(b->ct[o], in->ct[o], sizeof(in->ct[o])));
		CHECK(ippyo_range_proof_parse(b->p[o], in->sel[o], sizeof(in->sel[o])));
	}
	CHECK(ippyo_range_proof_parse(b->p[OPTS], in->contest, sizeof(in->contest)));
}

/* The verifier's own homomorphic sum of the contest (it never trusts a sent one). */
static void
sum_ballot(bballot *b)
{
	CHECK(ippyo_ciphertext_copy(b->ct[OPTS], b->ct[0]));
	for (int o = 1; o < OPTS; o++)
		CHECK(ippyo_ciphertext_add(b->ct[OPTS], b->ct[OPTS], b->ct[o]));
}

static void
target(bench_report *r, const char *key, double v, double unit, double limit)
{
	double x = v / unit;

	bench_report_note(r, "  %-28s %6.2fx scalar_mult_var (target <= %.1fx: %s)", key, x, limit,
	    x <= limit ? "met" : "MISSED");
}

int
bench_crypto(int argc, char **argv)
{
	gboolean json = FALSE;
	int nballots = 1000, nverify = 100, nmul = 2000;
	GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL },
		{ "ballots", 0, 0, G_OPTION_ARG_INT, &nballots, "Ballots in the batch (1000)", "N" },
		{ "verify", 0, 0, G_OPTION_ARG_INT, &nverify,
		  "Ballots verified one by one (100)", "N" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autoptr(GOptionContext) oc = g_option_context_new("- the crypto benchmark");
	g_autoptr(GError) error = NULL;
	bench_report *rep;
	ippyo_ceremony_params cp;
	ippyo_trustee_secret *tsec = NULL;
	ippyo_ceremony_commitments *tcom = NULL;
	ippyo_trustee_key *tkey = NULL;
	ippyo_ceremony_result *tres = NULL;
	ippyo_election_key *key = NULL;
	ippyo_scalar *k = ippyo_scalar_new();
	ippyo_point *P = ippyo_point_new(), *R = ippyo_point_new();
	uint8_t eh[32];
	bbytes *bytes;
	bballot b;
	double t0, var_us, fixed_us, enc_us, ser_us, parse_us, ver_us, batch_us, pd_us, dlog_ms;
	uint32_t bad = 0;

	g_option_context_add_main_entries(oc, entries, NULL);
	if (!g_option_context_parse(oc, &argc, &argv, &error)) {
		fprintf(stderr, "ippyo-bench crypto: %s\n", error->message);
		return 2;
	}
	if (nballots < 1 || nverify < 1 || nverify > nballots) {
		fprintf(stderr, "ippyo-bench crypto: need 1 <= --verify <= --ballots\n");
		return 2;
	}
	CHECK(ippyo_group_init());
	CHECK(ippyo_sha256("ippyo-bench election", 20, eh));

	/* A 1-of-1 key ceremony: the election key K and the trustee's share. */
	memset(&cp, 0, sizeof(cp));
	memcpy(cp.context, eh, 32);
	cp.threshold = 1;
	cp.trustees = 1;
	CHECK(ippyo_ceremony_round1(&cp, 1, &tsec, &tcom));
	CHECK(ippyo_ceremony_round3(tsec, &tcom, 1, NULL, 0, &tkey, &tres, &bad));
	CHECK(ippyo_election_key_new(&key, ippyo_ceremony_result_election_key(tres)));

	/* One variable-base and one fixed-base multiplication (secret scalars: constant time). */
	CHECK(ippyo_scalar_random(k));
	CHECK(ippyo_point_mul_gen(P, k));
	t0 = bench_now();
	for (int i = 0; i < nmul; i++)
		CHECK(ippyo_point_mul(R, k, i % 2 ? P : R));
	var_us = (bench_now() - t0) / nmul * 1e6;
	t0 = bench_now();
	for (int i = 0; i < nmul; i++)
		CHECK(ippyo_base_mul(R, ippyo_election_key_base(key), k));
	fixed_us = (bench_now() - t0) / nmul * 1e6;

	/* Encrypt and prove nballots ballots; keep their bytes. */
	bytes = g_new0(bbytes, (size_t)nballots);
	enc_us = ser_us = 0;
	for (int i = 0; i < nballots; i++) {
		ippyo_seed_context sc;
		uint8_t vb[32];
		char label[32];

		g_snprintf(label, sizeof(label), "voter %d", i);
		CHECK(ippyo_sha256(label, strlen(label), vb));
		memcpy(sc.election_hash, eh, 32);
		memcpy(sc.voter_binding, vb, 32);
		CHECK(ippyo_sha256(vb, 32, sc.seed));
		bballot_init(&b, key, eh, vb);
		t0 = bench_now();
		encrypt_ballot(&b, &sc, i % (OPTS + 1) - 1);
		enc_us += bench_now() - t0;
		t0 = bench_now();
		serialize_ballot(&b, &bytes[i]);
		ser_us += bench_now() - t0;
		bballot_free(&b);
		ippyo_seed_context_wipe(&sc);
	}
	enc_us = enc_us / ((double)nballots * OPTS) * 1e6;
	ser_us = ser_us / ((double)nballots * OPTS) * 1e6;

	/* Verify nverify ballots one proof at a time. */
	parse_us = ver_us = 0;
	for (int i = 0; i < nverify; i++) {
		bballot_init(&b, key, eh, bytes[i].voter);
		t0 = bench_now();
		parse_ballot(&b, &bytes[i]);
		parse_us += bench_now() - t0;
		t0 = bench_now();
		sum_ballot(&b);
		for (int o = 0; o <= OPTS; o++)
			CHECK(ippyo_range_proof_verify(b.p[o], &b.st[o]));
		ver_us += bench_now() - t0;
		bballot_free(&b);
	}
	parse_us = parse_us / ((double)nverify * OPTS) * 1e6;
	ver_us = ver_us / ((double)nverify * OPTS) * 1e6;

	/* Verify all nballots as one batch (parsing not counted: see parse_selection_us). */
	{
		bballot *all = g_new0(bballot, (size_t)nballots);
		ippyo_batch *batch;

		for (int i = 0; i < nballots; i++) {
			bballot_init(&all[i], key, eh, bytes[i].voter);
			parse_ballot(&all[i], &bytes[i]);
		}
		t0 = bench_now();
		if ((batch = ippyo_batch_new()) == NULL)
			CHECK(IPPYO_ERR_ALLOC);
		for (int i = 0; i < nballots; i++) {
			sum_ballot(&all[i]);
			for (int o = 0; o <= OPTS; o++)
				CHECK(ippyo_batch_add_range_proof(batch, (uint64_t)i, all[i].p[o],
				    &all[i].st[o]));
		}
		CHECK(ippyo_batch_verify(batch));
		batch_us = (bench_now() - t0) / ((double)nballots * OPTS) * 1e6;
		ippyo_batch_free(batch);

		/* Partial decryption (with its proof) of contest sums, by the one trustee. */
		{
			ippyo_partial_decryption *pd = ippyo_partial_decryption_new();
			int n = nballots < 200 ? nballots : 200;

			t0 = bench_now();
			for (int i = 0; i < n; i++)
				CHECK(ippyo_partial_decrypt(pd, tkey, eh, all[i].ct[OPTS]));
			pd_us = (bench_now() - t0) / n * 1e6;
			ippyo_partial_decryption_free(pd);
		}
		for (int i = 0; i < nballots; i++)
			bballot_free(&all[i]);
		g_free(all);
	}

	/* The discrete log of a total of 10^7 (table built inside, as a tally would once). */
	{
		uint64_t m = 0;

		CHECK(ippyo_scalar_set_u64(k, 10000000));
		CHECK(ippyo_point_mul_gen(P, k));
		t0 = bench_now();
		CHECK(ippyo_dlog(P, 10000000, &m));
		dlog_ms = (bench_now() - t0) * 1e3;
		if (m != 10000000) {
			fprintf(stderr, "ippyo-bench: dlog gave %llu\n", (unsigned long long)m);
			return 1;
		}
	}

	rep = bench_report_new("ippyo-bench crypto (P-256; ballot of 1 contest x 10 options, "
	    "0..1 selected; per selection, contest proof included)");
	bench_report_add(rep, "scalar_mult_var_us", var_us, "us", "k*P, variable base, constant time");
	bench_report_add(rep, "scalar_mult_fixed_us", fixed_us, "us", "k*K from the table of K");
	bench_report_add(rep, "encrypt_selection_us", enc_us, "us", "encrypt + prove");
	bench_report_add(rep, "verify_selection_us", ver_us, "us", "verify, one proof at a time");
	bench_report_add(rep, "verify_selection_batch_us", batch_us, "us", "verify in one batch");
	bench_report_add(rep, "partial_decrypt_us", pd_us, "us", "D = x*alpha with its proof");
	bench_report_add(rep, "dlog_1e7_ms", dlog_ms, "ms", "BSGS for a total of 10^7");
	/* base64url of α ‖ β ‖ proof, its quotes and the comma of the JSON array */
	bench_report_add(rep, "selection_bytes",
	    (double)(ippyo_b64url_encoded_len(IPPYO_CIPHERTEXT_BYTES +
	    IPPYO_SELECTION_PROOF_BYTES) + 3), "B", "stored in the JSON ballot");
	bench_report_add(rep, "serialize_selection_us", ser_us, "us", "binary forms of a selection");
	bench_report_add(rep, "parse_selection_us", parse_us, "us", "strict parse (6 decompressions)");
	bench_report_add(rep, "batch_ballots", nballots, "", "ballots in the batch");
	bench_report_note(rep, "targets:");
	target(rep, "encrypt_selection_us", enc_us, var_us, 1.5);
	target(rep, "verify_selection_us", ver_us, var_us, 5.0);
	target(rep, "verify_selection_batch_us", batch_us, var_us, 2.0);
	bench_report_print(rep, json);
	bench_report_free(rep);

	g_free(bytes);
	ippyo_scalar_free(k);
	ippyo_point_free(P);
	ippyo_point_free(R);
	ippyo_election_key_free(key);
	ippyo_trustee_secret_free(tsec);
	ippyo_ceremony_commitments_free(tcom);
	ippyo_trustee_key_free(tkey);
	ippyo_ceremony_result_free(tres);
	return 0;
}
