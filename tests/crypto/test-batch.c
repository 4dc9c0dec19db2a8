/* Tests of batch verification: many proofs as one multi-scalar multiplication. */
#include <glib.h>
#include <string.h>

#include "crypto/batch.h"
#include "crypto/elgamal.h"
#include "crypto/group.h"
#include "crypto/proof.h"
#include "error.h"

#define OPTIONS 3

/* A ballot of one contest with OPTIONS options, at most one selected. */
typedef struct {
	ippyo_proof_statement st[OPTIONS + 1];
	ippyo_ciphertext *ct[OPTIONS + 1];
	ippyo_range_proof *p[OPTIONS + 1];
} ballot;

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
ballot_make(ballot *b, const ippyo_election_key *key, uint32_t voter, int choice)
{
	ippyo_seed_context sc;
	ippyo_scalar *r[OPTIONS + 1];
	ippyo_range_proof *ps[OPTIONS + 1];
	const ippyo_proof_statement *sts[OPTIONS + 1];
	const ippyo_scalar *rr[OPTIONS + 1];
	uint64_t m[OPTIONS + 1];

	memset(&sc, 0, sizeof(sc));
	r[0] = ippyo_scalar_new();
	for (int i = 0; i < 32; i++) {
		sc.seed[i] = (uint8_t)(voter * 31 + i);
		sc.election_hash[i] = (uint8_t)i;
		sc.voter_binding[i] = (uint8_t)(voter + i);
	}
	r[OPTIONS] = ippyo_scalar_new();
	b->ct[OPTIONS] = ippyo_ciphertext_new();
	for (uint32_t o = 0; o <= OPTIONS; o++) {
		ippyo_proof_statement *st = &b->st[o];

		memcpy(st->election_hash, sc.election_hash, 32);
		memcpy(st->voter_binding, sc.voter_binding, 32);
		st->key = key;
		st->contest = 0;
		st->option = o < OPTIONS ? o : IPPYO_OPTION_CONTEST;
		st->min = 0;
		st->max = 1;
		if (o < OPTIONS) {
			if (o > 0)
				r[o] = ippyo_scalar_new();
			b->ct[o] = ippyo_ciphertext_new();
			m[o] = (int)o == choice;
			g_assert_cmpint(ippyo_seed_derive(r[o], &sc, IPPYO_PURPOSE_ENCRYPT, 0, o, 0), ==, 0);
			g_assert_cmpint(ippyo_ciphertext_encrypt(b->ct[o], key, m[o], r[o]), ==, 0);
			g_assert_cmpint(ippyo_ciphertext_add(b->ct[OPTIONS], b->ct[OPTIONS], b->ct[o]), ==, 0);
			g_assert_cmpint(ippyo_scalar_add(r[OPTIONS], r[OPTIONS], r[o]), ==, 0);
		}
		st->ct = b->ct[o];
		b->p[o] = ps[o] = ippyo_range_proof_new(0, 1);
		sts[o] = st;
		rr[o] = r[o];
	}
	m[OPTIONS] = choice >= 0;
	g_assert_cmpint(ippyo_range_proof_prove_many(OPTIONS + 1, ps, sts, m, rr, sc.seed), ==, 0);
	for (int o = 0; o <= OPTIONS; o++)
		ippyo_scalar_free(r[o]);
	ippyo_seed_context_wipe(&sc);
}

static void
ballot_free(ballot *b)
{
	for (int o = 0; o <= OPTIONS; o++) {
		ippyo_ciphertext_free(b->ct[o]);
		ippyo_range_proof_free(b->p[o]);
	}
}

static void
ballot_add(ippyo_batch *batch, uint64_t id, const ballot *b)
{
	for (int o = 0; o <= OPTIONS; o++)
		g_assert_cmpint(ippyo_batch_add_range_proof(batch, id, b->p[o], &b->st[o]), ==, 0);
}

/* Replace proof p's v_j (field 3) or c_j (field 2) or a_j (0) of branch i by a changed value. */
static void
spoil(ippyo_range_proof *p, uint32_t i, int field)
{
	uint8_t b[IPPYO_SELECTION_PROOF_BYTES];
	uint8_t *at = b + i * IPPYO_RANGE_BRANCH_BYTES;

	g_assert_cmpint(ippyo_range_proof_serialize(p, b, sizeof(b)), ==, 0);
	if (field == 0) {
		ippyo_point *x = ippyo_point_new();

		g_assert_cmpint(ippyo_point_parse(x, at, 33), ==, 0);
		g_assert_cmpint(ippyo_point_dbl(x, x), ==, 0);
		g_assert_cmpint(ippyo_point_serialize(x, at), ==, 0);
		ippyo_point_free(x);
	} else {
		ippyo_scalar *s = ippyo_scalar_new(), *one = ippyo_scalar_new();
		uint8_t *f = at + 66 + (field == 3 ? 32 : 0);

		g_assert_cmpint(ippyo_scalar_parse(s, f, 32), ==, 0);
		g_assert_cmpint(ippyo_scalar_set_u64(one, 1), ==, 0);
		g_assert_cmpint(ippyo_scalar_add(s, s, one), ==, 0);
		g_assert_cmpint(ippyo_scalar_serialize(s, f), ==, 0);
		ippyo_scalar_free(s);
		ippyo_scalar_free(one);
	}
	g_assert_cmpint(ippyo_range_proof_parse(p, b, sizeof(b)), ==, 0);
}

#define NB 24

typedef struct {
	ippyo_election_key *key;
	ballot b[NB];
} many;

static void
many_init(many *m)
{
	m->key = random_key();
	for (uint32_t i = 0; i < NB; i++)
		ballot_make(&m->b[i], m->key, i, (int)(i % (OPTIONS + 1)) - 1);
}

static void
many_free(many *m)
{
	for (int i = 0; i < NB; i++)
		ballot_free(&m->b[i]);
	ippyo_election_key_free(m->key);
}

static int
run(many *m, const uint64_t **failed, size_t *nfailed, ippyo_batch **out)
{
	ippyo_batch *batch = ippyo_batch_new();
	int e;

	for (uint64_t i = 0; i < NB; i++)
		ballot_add(batch, 1000 + i, &m->b[i]);
	g_assert_cmpuint(ippyo_batch_items(batch), ==, NB);
	e = ippyo_batch_verify(batch);
	*nfailed = ippyo_batch_failed(batch, failed);
	*out = batch;
	return e;
}

static void
test_all_valid(void)
{
	many m;
	ippyo_batch *batch;
	const uint64_t *failed;
	size_t nf;

	many_init(&m);
	g_assert_cmpint(run(&m, &failed, &nf, &batch), ==, 0);
	g_assert_cmpuint(nf, ==, 0);
	ippyo_batch_free(batch);
	/* an empty batch verifies */
	batch = ippyo_batch_new();
	g_assert_cmpint(ippyo_batch_verify(batch), ==, 0);
	ippyo_batch_free(batch);
	many_free(&m);
}

/* One bad equation (found by the multiplication) or one bad challenge sum (found at add). */
static void
test_one_bad(void)
{
	static const struct { int ballot, option, branch, field; } cases[] = {
		{ 7, 1, 0, 3 },          /* v_0 of a selection */
		{ 0, OPTIONS, 1, 0 },    /* a_1 of the contest proof */
		{ NB - 1, 2, 1, 2 },     /* c_1: Σ c_j ≠ c */
	};

	for (size_t k = 0; k < G_N_ELEMENTS(cases); k++) {
		many m;
		ippyo_batch *batch;
		const uint64_t *failed;
		size_t nf;

		many_init(&m);
		spoil(m.b[cases[k].ballot].p[cases[k].option], (uint32_t)cases[k].branch,
		    cases[k].field);
		g_assert_cmpint(run(&m, &failed, &nf, &batch), ==, IPPYO_ERR_BATCH_FAILED);
		g_assert_cmpuint(nf, ==, 1);
		g_assert_cmpuint(failed[0], ==, 1000 + (uint64_t)cases[k].ballot);
		ippyo_batch_free(batch);
		many_free(&m);
	}
}

static void
test_two_bad(void)
{
	many m;
	ippyo_batch *batch;
	const uint64_t *failed;
	size_t nf;

	many_init(&m);
	spoil(m.b[3].p[0], 0, 3);
	spoil(m.b[17].p[OPTIONS], 0, 0);
	g_assert_cmpint(run(&m, &failed, &nf, &batch), ==, IPPYO_ERR_BATCH_FAILED);
	g_assert_cmpuint(nf, ==, 2);
	g_assert_cmpuint(failed[0], ==, 1003);
	g_assert_cmpuint(failed[1], ==, 1017);
	ippyo_batch_free(batch);
	many_free(&m);
}

/* A ballot whose proofs are replayed under another voter fails, and only that one. */
static void
test_replayed(void)
{
	many m;
	ippyo_batch *batch;
	const uint64_t *failed;
	size_t nf;

	many_init(&m);
	for (int o = 0; o <= OPTIONS; o++)
		m.b[9].st[o].voter_binding[0] ^= 1;
	g_assert_cmpint(run(&m, &failed, &nf, &batch), ==, IPPYO_ERR_BATCH_FAILED);
	g_assert_cmpuint(nf, ==, 1);
	g_assert_cmpuint(failed[0], ==, 1009);
	ippyo_batch_free(batch);
	many_free(&m);
}

/*
 * Generic equations g·G + Σ s_i·P_i = O with many terms (the bucket method),
 * few terms (OpenSSL's multiplication), and one wrong among them.
 */
static void
test_equations(void)
{
	enum { N = 150 };
	ippyo_scalar *s[N], *k[N], *g = ippyo_scalar_new(), *t = ippyo_scalar_new();
	ippyo_point *p[N];
	ippyo_batch *batch;
	const uint64_t *failed;

	for (int i = 0; i < N; i++) {
		s[i] = ippyo_scalar_new();
		k[i] = ippyo_scalar_new();
		p[i] = ippyo_point_new();
		/* full-size and short scalars, to exercise every window */
		g_assert_cmpint(i % 2 ? ippyo_scalar_random(s[i]) :
		    ippyo_scalar_random_bits(s[i], 2 + i), ==, 0);
		g_assert_cmpint(ippyo_scalar_random(k[i]), ==, 0);
		g_assert_cmpint(ippyo_point_mul_gen(p[i], k[i]), ==, 0);
		g_assert_cmpint(ippyo_scalar_mul(t, s[i], k[i]), ==, 0);
		g_assert_cmpint(ippyo_scalar_sub(g, g, t), ==, 0);   /* g = −Σ s_i k_i */
	}
	for (int round = 0; round < 3; round++) {
		batch = ippyo_batch_new();
		/* item 1: all N terms; item 2: the first 3 with their own g; item 3: a wrong one */
		g_assert_cmpint(ippyo_batch_add_equation(batch, 1, g, N,
		    (const ippyo_scalar *const *)s, (const ippyo_point *const *)p), ==, 0);
		if (round >= 1) {
			ippyo_scalar *g3 = ippyo_scalar_new();

			for (int i = 0; i < 3; i++) {
				g_assert_cmpint(ippyo_scalar_mul(t, s[i], k[i]), ==, 0);
				g_assert_cmpint(ippyo_scalar_sub(g3, g3, t), ==, 0);
			}
			if (round == 2)   /* off by s_1·G, s_1 uniform */
				g_assert_cmpint(ippyo_scalar_add(g3, g3, s[1]), ==, 0);
			g_assert_cmpint(ippyo_batch_add_equation(batch, 2, g3, 3,
			    (const ippyo_scalar *const *)s, (const ippyo_point *const *)p), ==, 0);
			ippyo_scalar_free(g3);
		}
		if (round < 2) {
			g_assert_cmpint(ippyo_batch_verify(batch), ==, 0);
		} else {
			g_assert_cmpint(ippyo_batch_verify(batch), ==, IPPYO_ERR_BATCH_FAILED);
			g_assert_cmpuint(ippyo_batch_failed(batch, &failed), ==, 1);
			g_assert_cmpuint(failed[0], ==, 2);
		}
		ippyo_batch_free(batch);
	}
	/* the big equation alone, changed by one term: caught by the bucket method */
	g_assert_cmpint(ippyo_point_add(p[N / 2], p[N / 2], ippyo_point_generator()), ==, 0);
	batch = ippyo_batch_new();
	g_assert_cmpint(ippyo_batch_add_equation(batch, 5, g, N,
	    (const ippyo_scalar *const *)s, (const ippyo_point *const *)p), ==, 0);
	g_assert_cmpint(ippyo_batch_add_failure(batch, 6), ==, 0);
	g_assert_cmpint(ippyo_batch_verify(batch), ==, IPPYO_ERR_BATCH_FAILED);
	g_assert_cmpuint(ippyo_batch_failed(batch, &failed), ==, 2);
	g_assert_cmpuint(failed[0], ==, 5);
	g_assert_cmpuint(failed[1], ==, 6);
	ippyo_batch_free(batch);
	for (int i = 0; i < N; i++) {
		ippyo_scalar_free(s[i]);
		ippyo_scalar_free(k[i]);
		ippyo_point_free(p[i]);
	}
	ippyo_scalar_free(g);
	ippyo_scalar_free(t);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ippyo/batch/all-valid", test_all_valid);
	g_test_add_func("/ippyo/batch/one-bad", test_one_bad);
	g_test_add_func("/ippyo/batch/two-bad", test_two_bad);
	g_test_add_func("/ippyo/batch/replayed", test_replayed);
	g_test_add_func("/ippyo/batch/equations", test_equations);
	return g_test_run();
}
