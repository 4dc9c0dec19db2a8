/* Tests of the selection (0/1) and contest (range) proofs. */
#include <glib.h>
#include <string.h>

#include "crypto/elgamal.h"
#include "crypto/group.h"
#include "crypto/proof.h"
#include "error.h"

typedef struct {
	ippyo_election_key *key;
	ippyo_election_key *other_key;
	uint8_t seed[IPPYO_SEED_BYTES];
	ippyo_proof_statement st;
	ippyo_ciphertext *ct;
	ippyo_scalar *r;
} fx;

static ippyo_election_key *
random_key(void)
{
	ippyo_scalar *s = ippyo_scalar_new();
	ippyo_point *k = ippyo_point_new();
	ippyo_election_key *key = NULL;

	g_assert_cmpint(ippyo_scalar_random(s), ==, 0);
	g_assert_cmpint(ippyo_point_mul_gen(k, s), ==, 0);
	g_assert_cmpint(ippyo_election_key_new(&key, k), ==, 0);
	ippyo_scalar_free(s);
	ippyo_point_free(k);
	return key;
}

static void
fx_init(fx *f, uint32_t option, uint32_t min, uint32_t max)
{
	memset(f, 0, sizeof(*f));
	f->key = random_key();
	f->other_key = random_key();
	for (int i = 0; i < 32; i++) {
		f->seed[i] = (uint8_t)(7 * i + 1);
		f->st.election_hash[i] = (uint8_t)(0xe0 ^ i);
		f->st.voter_binding[i] = (uint8_t)(0x5a ^ (3 * i));
	}
	f->st.key = f->key;
	f->st.contest = 3;
	f->st.option = option;
	f->st.min = min;
	f->st.max = max;
	f->ct = ippyo_ciphertext_new();
	f->r = ippyo_scalar_new();
	g_assert_cmpint(ippyo_scalar_random(f->r), ==, 0);
	f->st.ct = f->ct;
}

static void
fx_free(fx *f)
{
	ippyo_election_key_free(f->key);
	ippyo_election_key_free(f->other_key);
	ippyo_ciphertext_free(f->ct);
	ippyo_scalar_free(f->r);
}

/* Encrypts m under f and proves it; returns the proof. */
static ippyo_range_proof *
make(fx *f, uint64_t m)
{
	ippyo_range_proof *p = ippyo_range_proof_new(f->st.min, f->st.max);

	g_assert_nonnull(p);
	g_assert_cmpint(ippyo_ciphertext_encrypt(f->ct, f->key, m, f->r), ==, 0);
	g_assert_cmpint(ippyo_range_proof_prove(p, &f->st, m, f->r, f->seed), ==, 0);
	return p;
}

static void
test_selection_valid(void)
{
	for (uint64_t m = 0; m <= 1; m++) {
		fx f;
		ippyo_range_proof *p;

		fx_init(&f, 4, 0, 1);
		p = make(&f, m);
		g_assert_cmpint(ippyo_range_proof_verify(p, &f.st), ==, 0);
		g_assert_cmpuint(ippyo_range_proof_size(0, 1), ==, IPPYO_SELECTION_PROOF_BYTES);
		ippyo_range_proof_free(p);
		fx_free(&f);
	}
}

static void
test_contest_valid(void)
{
	static const uint32_t ranges[][2] = { { 0, 1 }, { 1, 1 }, { 0, 0 }, { 2, 5 }, { 0, 10 } };

	for (size_t i = 0; i < G_N_ELEMENTS(ranges); i++) {
		for (uint64_t m = ranges[i][0]; m <= ranges[i][1]; m++) {
			fx f;
			ippyo_range_proof *p;

			fx_init(&f, IPPYO_OPTION_CONTEST, ranges[i][0], ranges[i][1]);
			p = make(&f, m);
			g_assert_cmpint(ippyo_range_proof_verify(p, &f.st), ==, 0);
			ippyo_range_proof_free(p);
			fx_free(&f);
		}
	}
}

/* Replace the 33 bytes at off with the encoding of (that point + G). */
static void
bump_point(uint8_t *at)
{
	ippyo_point *p = ippyo_point_new();

	g_assert_cmpint(ippyo_point_parse(p, at, IPPYO_POINT_BYTES), ==, 0);
	g_assert_cmpint(ippyo_point_add(p, p, ippyo_point_generator()), ==, 0);
	g_assert_cmpint(ippyo_point_serialize(p, at), ==, 0);
	ippyo_point_free(p);
}

/* Replace the 32 bytes at off with (that scalar + 1) mod q. */
static void
bump_scalar(uint8_t *at)
{
	ippyo_scalar *s = ippyo_scalar_new(), *one = ippyo_scalar_new();

	g_assert_cmpint(ippyo_scalar_parse(s, at, IPPYO_SCALAR_BYTES), ==, 0);
	g_assert_cmpint(ippyo_scalar_set_u64(one, 1), ==, 0);
	g_assert_cmpint(ippyo_scalar_add(s, s, one), ==, 0);
	g_assert_cmpint(ippyo_scalar_serialize(s, at), ==, 0);
	ippyo_scalar_free(s);
	ippyo_scalar_free(one);
}

/* Every field of every branch, every part of the statement: each change is caught. */
static void
tamper_all(uint32_t option, uint32_t min, uint32_t max, uint64_t m)
{
	fx f;
	ippyo_range_proof *p, *q;
	ippyo_ciphertext *ct2 = ippyo_ciphertext_new();
	size_t len = ippyo_range_proof_size(min, max);
	uint8_t *good = g_malloc(len), *bad = g_malloc(len), ctb[IPPYO_CIPHERTEXT_BYTES];
	ippyo_proof_statement st;

	fx_init(&f, option, min, max);
	p = make(&f, m);
	q = ippyo_range_proof_new(min, max);
	g_assert_cmpint(ippyo_range_proof_serialize(p, good, len), ==, 0);
	g_assert_cmpint(ippyo_range_proof_parse(q, good, len), ==, 0);
	g_assert_cmpint(ippyo_range_proof_verify(q, &f.st), ==, 0);
	for (uint32_t i = 0; i <= max - min; i++) {
		for (int field = 0; field < 4; field++) {
			uint8_t *at;

			memcpy(bad, good, len);
			at = bad + (size_t)i * IPPYO_RANGE_BRANCH_BYTES;
			switch (field) {
			case 0: bump_point(at); break;                            /* a_j */
			case 1: bump_point(at + IPPYO_POINT_BYTES); break;        /* b_j */
			case 2: bump_scalar(at + 2 * IPPYO_POINT_BYTES); break;   /* c_j */
			default: bump_scalar(at + 2 * IPPYO_POINT_BYTES + 32); break; /* v_j */
			}
			g_assert_cmpint(ippyo_range_proof_parse(q, bad, len), ==, 0);
			g_assert_cmpint(ippyo_range_proof_verify(q, &f.st), ==, IPPYO_ERR_BAD_PROOF);
		}
	}
	g_assert_cmpint(ippyo_range_proof_parse(q, good, len), ==, 0);
	/* the ciphertext: α, then β */
	for (int comp = 0; comp < 2; comp++) {
		g_assert_cmpint(ippyo_ciphertext_serialize(f.ct, ctb), ==, 0);
		bump_point(ctb + comp * IPPYO_POINT_BYTES);
		g_assert_cmpint(ippyo_ciphertext_parse(ct2, ctb, sizeof(ctb)), ==, 0);
		st = f.st;
		st.ct = ct2;
		g_assert_cmpint(ippyo_range_proof_verify(q, &st), ==, IPPYO_ERR_BAD_PROOF);
	}
	/* the statement: election hash, voter binding, contest, option, key */
	for (int field = 0; field < 5; field++) {
		st = f.st;
		switch (field) {
		case 0: st.election_hash[31] ^= 1; break;
		case 1: st.voter_binding[0] ^= 0x80; break;
		case 2: st.contest++; break;
		case 3: st.option = option == IPPYO_OPTION_CONTEST ? 0 : option + 1; break;
		default: st.key = f.other_key; break;
		}
		if (field == 3 && option == IPPYO_OPTION_CONTEST && !(min == 0 && max == 1))
			g_assert_cmpint(ippyo_range_proof_verify(q, &st), ==, IPPYO_ERR_INVALID_ARGUMENT);
		else
			g_assert_cmpint(ippyo_range_proof_verify(q, &st), ==, IPPYO_ERR_BAD_PROOF);
	}
	/* the proof against the statement it was made for still verifies */
	g_assert_cmpint(ippyo_range_proof_verify(q, &f.st), ==, 0);
	g_free(good);
	g_free(bad);
	ippyo_ciphertext_free(ct2);
	ippyo_range_proof_free(p);
	ippyo_range_proof_free(q);
	fx_free(&f);
}

static void
test_selection_tamper(void)
{
	tamper_all(2, 0, 1, 0);
	tamper_all(2, 0, 1, 1);
}

static void
test_contest_tamper(void)
{
	tamper_all(IPPYO_OPTION_CONTEST, 0, 1, 1);
	tamper_all(IPPYO_OPTION_CONTEST, 1, 1, 1);
	tamper_all(IPPYO_OPTION_CONTEST, 1, 3, 2);
}

/* A ciphertext of 2 or of −1: the honest prover, forced, makes a proof that fails. */
static void
test_selection_not_binary(void)
{
	fx f;
	ippyo_range_proof *p;
	ippyo_point *rk = ippyo_point_new(), *beta = ippyo_point_new();

	fx_init(&f, 0, 0, 1);
	p = ippyo_range_proof_new(0, 1);
	g_assert_cmpint(ippyo_ciphertext_encrypt(f.ct, f.key, 2, f.r), ==, 0);
	g_assert_cmpint(ippyo_range_proof_prove(p, &f.st, 2, f.r, f.seed), ==,
	    IPPYO_ERR_BAD_SELECTION);
	g_assert_cmpint(ippyo_range_proof_prove_unchecked(p, &f.st, 2, f.r, f.seed), ==, 0);
	g_assert_cmpint(ippyo_range_proof_verify(p, &f.st), ==, IPPYO_ERR_BAD_PROOF);
	/* −1: (rG, rK − G) */
	g_assert_cmpint(ippyo_base_mul(rk, ippyo_election_key_base(f.key), f.r), ==, 0);
	g_assert_cmpint(ippyo_point_sub(beta, rk, ippyo_point_generator()), ==, 0);
	g_assert_cmpint(ippyo_ciphertext_encrypt(f.ct, f.key, 0, f.r), ==, 0);
	g_assert_cmpint(ippyo_ciphertext_set(f.ct, ippyo_ciphertext_alpha(f.ct), beta), ==, 0);
	g_assert_cmpint(ippyo_range_proof_prove_unchecked(p, &f.st, -1, f.r, f.seed), ==, 0);
	g_assert_cmpint(ippyo_range_proof_verify(p, &f.st), ==, IPPYO_ERR_BAD_PROOF);
	/* and the same prover on an honest 1 does verify (the forcing is the only difference) */
	g_assert_cmpint(ippyo_ciphertext_encrypt(f.ct, f.key, 1, f.r), ==, 0);
	g_assert_cmpint(ippyo_range_proof_prove_unchecked(p, &f.st, 1, f.r, f.seed), ==, 0);
	g_assert_cmpint(ippyo_range_proof_verify(p, &f.st), ==, 0);
	ippyo_point_free(rk);
	ippyo_point_free(beta);
	ippyo_range_proof_free(p);
	fx_free(&f);
}

/* Over-votes and under-votes: the contest sum outside [min, max]. */
static void
test_contest_out_of_range(void)
{
	static const struct { uint32_t min, max; int64_t m; } cases[] = {
		{ 0, 1, 2 }, { 0, 1, 5 }, { 1, 1, 0 }, { 1, 1, 2 }, { 2, 3, 1 }, { 2, 3, 4 },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		fx f;
		ippyo_range_proof *p;

		fx_init(&f, IPPYO_OPTION_CONTEST, cases[i].min, cases[i].max);
		p = ippyo_range_proof_new(cases[i].min, cases[i].max);
		g_assert_cmpint(ippyo_ciphertext_encrypt(f.ct, f.key, (uint64_t)cases[i].m, f.r), ==, 0);
		g_assert_cmpint(ippyo_range_proof_prove(p, &f.st, (uint64_t)cases[i].m, f.r, f.seed),
		    ==, IPPYO_ERR_BAD_CONTEST_SUM);
		g_assert_cmpint(ippyo_range_proof_prove_unchecked(p, &f.st, cases[i].m, f.r, f.seed),
		    ==, 0);
		g_assert_cmpint(ippyo_range_proof_verify(p, &f.st), ==, IPPYO_ERR_BAD_PROOF);
		ippyo_range_proof_free(p);
		fx_free(&f);
	}
}

/* The same seed gives the same bytes; another seed other bytes; prove_many = single proves. */
static void
test_deterministic(void)
{
	fx f;
	ippyo_seed_context sc;
	ippyo_range_proof *p1 = ippyo_range_proof_new(0, 1), *p2 = ippyo_range_proof_new(0, 1);
	ippyo_range_proof *pc = ippyo_range_proof_new(0, 2);
	ippyo_ciphertext *ct2 = ippyo_ciphertext_new(), *sum = ippyo_ciphertext_new();
	ippyo_scalar *r2 = ippyo_scalar_new(), *rs = ippyo_scalar_new();
	uint8_t a[IPPYO_SELECTION_PROOF_BYTES], b[IPPYO_SELECTION_PROOF_BYTES];
	uint8_t ca[IPPYO_CIPHERTEXT_BYTES], cb[IPPYO_CIPHERTEXT_BYTES];
	uint8_t m1[3 * 390], m2[3 * 390];

	fx_init(&f, 1, 0, 1);
	memcpy(sc.seed, f.seed, 32);
	memcpy(sc.election_hash, f.st.election_hash, 32);
	memcpy(sc.voter_binding, f.st.voter_binding, 32);
	for (int round = 0; round < 2; round++) {
		g_assert_cmpint(ippyo_seed_derive(f.r, &sc, IPPYO_PURPOSE_ENCRYPT, 3, 1, 0), ==, 0);
		g_assert_cmpint(ippyo_ciphertext_encrypt(f.ct, f.key, 1, f.r), ==, 0);
		g_assert_cmpint(ippyo_range_proof_prove(round ? p2 : p1, &f.st, 1, f.r, f.seed), ==, 0);
		g_assert_cmpint(ippyo_ciphertext_serialize(f.ct, round ? cb : ca), ==, 0);
	}
	g_assert_cmpint(ippyo_range_proof_serialize(p1, a, sizeof(a)), ==, 0);
	g_assert_cmpint(ippyo_range_proof_serialize(p2, b, sizeof(b)), ==, 0);
	g_assert_cmpmem(a, sizeof(a), b, sizeof(b));
	g_assert_cmpmem(ca, sizeof(ca), cb, sizeof(cb));
	/* another seed */
	f.seed[0] ^= 1;
	g_assert_cmpint(ippyo_range_proof_prove(p2, &f.st, 1, f.r, f.seed), ==, 0);
	g_assert_cmpint(ippyo_range_proof_serialize(p2, b, sizeof(b)), ==, 0);
	g_assert_true(memcmp(a, b, sizeof(a)) != 0);

	/* prove_many: two selections and a contest proof over their sum */
	{
		ippyo_proof_statement s1 = f.st, s2 = f.st, s3 = f.st;
		ippyo_range_proof *ps[3] = { p1, p2, pc };
		const ippyo_proof_statement *sts[3] = { &s1, &s2, &s3 };
		uint64_t ms[3] = { 1, 0, 1 };
		const ippyo_scalar *rr[3] = { f.r, r2, rs };
		size_t off = 0;

		g_assert_cmpint(ippyo_scalar_random(r2), ==, 0);
		g_assert_cmpint(ippyo_scalar_add(rs, f.r, r2), ==, 0);
		g_assert_cmpint(ippyo_ciphertext_encrypt(ct2, f.key, 0, r2), ==, 0);
		g_assert_cmpint(ippyo_ciphertext_add(sum, f.ct, ct2), ==, 0);
		s2.option = 2;
		s2.ct = ct2;
		s3.option = IPPYO_OPTION_CONTEST;
		s3.max = 2;
		s3.ct = sum;
		g_assert_cmpint(ippyo_range_proof_prove_many(3, ps, sts, ms, rr, f.seed), ==, 0);
		for (int k = 0; k < 3; k++) {
			size_t n = ippyo_range_proof_size(sts[k]->min, sts[k]->max);

			g_assert_cmpint(ippyo_range_proof_verify(ps[k], sts[k]), ==, 0);
			g_assert_cmpint(ippyo_range_proof_serialize(ps[k], m1 + off, n), ==, 0);
			g_assert_cmpint(ippyo_range_proof_prove(ps[k], sts[k], ms[k], rr[k], f.seed), ==, 0);
			g_assert_cmpint(ippyo_range_proof_serialize(ps[k], m2 + off, n), ==, 0);
			off += n;
		}
		g_assert_cmpmem(m1, off, m2, off);
	}
	ippyo_range_proof_free(p1);
	ippyo_range_proof_free(p2);
	ippyo_range_proof_free(pc);
	ippyo_ciphertext_free(ct2);
	ippyo_ciphertext_free(sum);
	ippyo_scalar_free(r2);
	ippyo_scalar_free(rs);
	fx_free(&f);
}

static void
test_parse_strict(void)
{
	fx f;
	ippyo_range_proof *p, *q = ippyo_range_proof_new(0, 1);
	uint8_t b[IPPYO_SELECTION_PROOF_BYTES + 1], x[IPPYO_SELECTION_PROOF_BYTES];

	fx_init(&f, 0, 0, 1);
	p = make(&f, 1);
	g_assert_cmpint(ippyo_range_proof_serialize(p, b, IPPYO_SELECTION_PROOF_BYTES), ==, 0);
	g_assert_cmpint(ippyo_range_proof_serialize(p, b, IPPYO_SELECTION_PROOF_BYTES - 1), ==,
	    IPPYO_ERR_INVALID_ARGUMENT);
	g_assert_cmpint(ippyo_range_proof_parse(q, b, IPPYO_SELECTION_PROOF_BYTES - 1), ==,
	    IPPYO_ERR_TRUNCATED);
	b[IPPYO_SELECTION_PROOF_BYTES] = 0;
	g_assert_cmpint(ippyo_range_proof_parse(q, b, IPPYO_SELECTION_PROOF_BYTES + 1), ==,
	    IPPYO_ERR_TRAILING);
	memcpy(x, b, sizeof(x));
	x[IPPYO_RANGE_BRANCH_BYTES] = 0x04;   /* a_1's prefix */
	g_assert_cmpint(ippyo_range_proof_parse(q, x, sizeof(x)), ==, IPPYO_ERR_POINT_FORMAT);
	memcpy(x, b, sizeof(x));
	memset(x + 2 * IPPYO_POINT_BYTES, 0xff, 32);   /* c_0 ≥ q */
	g_assert_cmpint(ippyo_range_proof_parse(q, x, sizeof(x)), ==, IPPYO_ERR_SCALAR_UNREDUCED);
	memcpy(x, b, sizeof(x));
	memset(x + IPPYO_POINT_BYTES, 0, IPPYO_POINT_BYTES);   /* b_0 = infinity */
	g_assert_cmpint(ippyo_range_proof_parse(q, x, sizeof(x)), ==, IPPYO_ERR_POINT_INFINITY);
	/* shape */
	g_assert_null(ippyo_range_proof_new(2, 1));
	g_assert_null(ippyo_range_proof_new(0, IPPYO_RANGE_MAX_BRANCHES));
	g_assert_nonnull(p = (ippyo_range_proof_free(p), ippyo_range_proof_new(0, 2)));
	g_assert_cmpint(ippyo_range_proof_verify(p, &f.st), ==, IPPYO_ERR_INVALID_ARGUMENT);
	ippyo_range_proof_free(p);
	ippyo_range_proof_free(q);
	fx_free(&f);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ippyo/proof/selection-valid", test_selection_valid);
	g_test_add_func("/ippyo/proof/contest-valid", test_contest_valid);
	g_test_add_func("/ippyo/proof/selection-tamper", test_selection_tamper);
	g_test_add_func("/ippyo/proof/contest-tamper", test_contest_tamper);
	g_test_add_func("/ippyo/proof/selection-not-binary", test_selection_not_binary);
	g_test_add_func("/ippyo/proof/contest-out-of-range", test_contest_out_of_range);
	g_test_add_func("/ippyo/proof/deterministic", test_deterministic);
	g_test_add_func("/ippyo/proof/parse-strict", test_parse_strict);
	return g_test_run();
}
