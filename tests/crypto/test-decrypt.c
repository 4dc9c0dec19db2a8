/* Tests of threshold decryption: random elections decrypted by every t-subset of trustees. */
#include <glib.h>
#include <string.h>

#include "ceremony-helper.h"
#include "crypto/decrypt.h"
#include "crypto/elgamal.h"

#define OPTIONS 3
#define BALLOTS 25

typedef struct {
	uint32_t t, n;
} tn;

static const tn cases[] = { { 1, 1 }, { 2, 3 }, { 3, 5 } };

static void
election_hash(uint8_t h[IPPYO_HASH_BYTES], const char *label)
{
	g_assert_cmpint(ippyo_sha256(label, strlen(label), h), ==, 0);
}

/* Encrypts BALLOTS random 0/1 selections per option and sums them. */
static void
random_tally(const ippyo_ceremony_result *res, ippyo_ciphertext **totals, uint64_t *counts)
{
	ippyo_election_key *key = NULL;
	ippyo_ciphertext *ct = ippyo_ciphertext_new();
	ippyo_scalar *r = ippyo_scalar_new();

	g_assert_cmpint(ippyo_election_key_new(&key, ippyo_ceremony_result_election_key(res)), ==, 0);
	for (int o = 0; o < OPTIONS; o++) {
		totals[o] = ippyo_ciphertext_new();
		counts[o] = 0;
		for (int b = 0; b < BALLOTS; b++) {
			uint64_t m = g_random_int_range(0, 2);

			g_assert_cmpint(ippyo_scalar_random(r), ==, 0);
			g_assert_cmpint(ippyo_ciphertext_encrypt(ct, key, m, r), ==, 0);
			g_assert_cmpint(ippyo_ciphertext_add(totals[o], totals[o], ct), ==, 0);
			counts[o] += m;
		}
	}
	ippyo_scalar_free(r);
	ippyo_ciphertext_free(ct);
	ippyo_election_key_free(key);
}

static void
test_election(gconstpointer data)
{
	const tn *c = data;
	cer_run *r = g_new0(cer_run, 1);
	ippyo_ciphertext *totals[OPTIONS];
	uint64_t counts[OPTIONS];
	/* pds[j][o]: trustee j's partial decryption of option o. */
	ippyo_partial_decryption *pds[IPPYO_CEREMONY_MAX_TRUSTEES + 1][OPTIONS];
	ippyo_dlog_table *table = NULL;
	uint8_t eh[IPPYO_HASH_BYTES];
	int subsets = 0;

	cer_run_files(r, c->t, c->n, "ippyo test decrypt ceremony");
	election_hash(eh, "ippyo test election");
	random_tally(r->result, totals, counts);
	g_assert_cmpint(ippyo_dlog_table_new(&table, BALLOTS), ==, 0);
	for (uint32_t j = 1; j <= c->n; j++) {
		for (int o = 0; o < OPTIONS; o++)
			pds[j][o] = ippyo_partial_decryption_new();
		g_assert_cmpint(ippyo_partial_decrypt_vector(pds[j], r->keys[j], eh,
		    (const ippyo_ciphertext *const *)totals, OPTIONS), ==, 0);
		for (int o = 0; o < OPTIONS; o++) {
			uint8_t b[IPPYO_PARTIAL_DECRYPTION_BYTES];
			ippyo_partial_decryption *copy = ippyo_partial_decryption_new();

			g_assert_cmpuint(ippyo_partial_decryption_trustee(pds[j][o]), ==, j);
			g_assert_cmpint(ippyo_partial_decryption_verify_result(pds[j][o], r->result, eh,
			    totals[o]), ==, 0);
			/* Through the wire form, as an observer receives it. */
			g_assert_cmpint(ippyo_partial_decryption_serialize(pds[j][o], b), ==, 0);
			g_assert_cmpint(ippyo_partial_decryption_parse(copy, j, b, sizeof(b)), ==, 0);
			g_assert_cmpint(ippyo_partial_decryption_verify(copy,
			    ippyo_ceremony_result_verification_key(r->result, j), eh, totals[o]), ==, 0);
			ippyo_partial_decryption_free(pds[j][o]);
			pds[j][o] = copy;
		}
	}
	/* Every subset of trustees: t or more decrypt; fewer fail cleanly. */
	for (uint32_t mask = 0; mask < (1u << c->n); mask++) {
		uint32_t size = (uint32_t)__builtin_popcount(mask);

		for (int o = 0; o < OPTIONS; o++) {
			const ippyo_partial_decryption *parts[IPPYO_CEREMONY_MAX_TRUSTEES];
			size_t np = 0;
			uint64_t m = 99;
			int e;

			for (uint32_t j = 1; j <= c->n; j++)
				if (mask & (1u << (j - 1)))
					parts[np++] = pds[j][o];
			e = ippyo_decrypt_total(&m, table, totals[o], parts, np, c->t, c->n);
			if (size >= c->t) {
				g_assert_cmpint(e, ==, 0);
				g_assert_cmpuint(m, ==, counts[o]);
			} else {
				g_assert_cmpint(e, ==, IPPYO_ERR_NOT_ENOUGH_SHARES);
				g_assert_cmpuint(m, ==, 0);
			}
		}
		if (size == c->t)
			subsets++;
	}
	g_test_message("(%u,%u): %d t-subsets, counts %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
	    " %" G_GUINT64_FORMAT, c->t, c->n, subsets, counts[0], counts[1], counts[2]);
	for (uint32_t j = 1; j <= c->n; j++)
		for (int o = 0; o < OPTIONS; o++)
			ippyo_partial_decryption_free(pds[j][o]);
	for (int o = 0; o < OPTIONS; o++)
		ippyo_ciphertext_free(totals[o]);
	ippyo_dlog_table_free(table);
	cer_run_clear(r);
	g_free(r);
}

/* A wrong partial decryption, a partial decryption of something else, a wrong key: all rejected. */
static void
test_wrong_partial(void)
{
	cer_run *r = g_new0(cer_run, 1);
	ippyo_ciphertext *totals[OPTIONS];
	uint64_t counts[OPTIONS];
	ippyo_partial_decryption *pd = ippyo_partial_decryption_new(), *bad = ippyo_partial_decryption_new();
	ippyo_partial_decryption *other = ippyo_partial_decryption_new();
	uint8_t eh[IPPYO_HASH_BYTES], eh2[IPPYO_HASH_BYTES], b[IPPYO_PARTIAL_DECRYPTION_BYTES];
	uint8_t wire[IPPYO_PARTIAL_DECRYPTION_BYTES + 1];
	const ippyo_point *X2;

	cer_run_files(r, 2, 3, "ippyo test decrypt wrong");
	X2 = ippyo_ceremony_result_verification_key(r->result, 2);
	election_hash(eh, "ippyo test election");
	election_hash(eh2, "ippyo another election");
	random_tally(r->result, totals, counts);
	g_assert_cmpint(ippyo_partial_decrypt(pd, r->keys[2], eh, totals[0]), ==, 0);
	g_assert_cmpint(ippyo_partial_decryption_verify(pd, X2, eh, totals[0]), ==, 0);
	/* Against another ciphertext, another election, another trustee's key. */
	g_assert_cmpint(ippyo_partial_decryption_verify(pd, X2, eh, totals[1]), ==, IPPYO_ERR_BAD_DECRYPTION);
	g_assert_cmpint(ippyo_partial_decryption_verify(pd, X2, eh2, totals[0]), ==, IPPYO_ERR_BAD_DECRYPTION);
	g_assert_cmpint(ippyo_partial_decryption_verify(pd,
	    ippyo_ceremony_result_verification_key(r->result, 3), eh, totals[0]), ==, IPPYO_ERR_BAD_DECRYPTION);
	/* Claimed by another trustee index. */
	g_assert_cmpint(ippyo_partial_decryption_serialize(pd, b), ==, 0);
	g_assert_cmpint(ippyo_partial_decryption_parse(bad, 3, b, sizeof(b)), ==, 0);
	g_assert_cmpint(ippyo_partial_decryption_verify_result(bad, r->result, eh, totals[0]), ==,
	    IPPYO_ERR_BAD_DECRYPTION);
	g_assert_cmpint(ippyo_partial_decryption_parse(bad, 4, b, sizeof(b)), ==, 0);
	g_assert_cmpint(ippyo_partial_decryption_verify_result(bad, r->result, eh, totals[0]), ==,
	    IPPYO_ERR_BAD_THRESHOLD);
	/* Every single changed byte of the wire form: a parse error or a failed proof. */
	for (size_t i = 0; i < sizeof(b); i++) {
		for (int bit = 0; bit < 8; bit += 3) {
			uint8_t t[IPPYO_PARTIAL_DECRYPTION_BYTES];
			int e;

			memcpy(t, b, sizeof(t));
			t[i] ^= (uint8_t)(1u << bit);
			e = ippyo_partial_decryption_parse(bad, 2, t, sizeof(t));
			if (e == 0)
				e = ippyo_partial_decryption_verify(bad, X2, eh, totals[0]);
			g_assert_cmpint(e, !=, 0);
		}
	}
	/* D replaced by D + G with the honest proof: rejected. */
	{
		ippyo_point *D = ippyo_point_dup(ippyo_partial_decryption_share(pd));

		g_assert_cmpint(ippyo_point_add(D, D, ippyo_point_generator()), ==, 0);
		g_assert_cmpint(ippyo_point_serialize(D, b), ==, 0);
		g_assert_cmpint(ippyo_partial_decryption_parse(bad, 2, b, sizeof(b)), ==, 0);
		g_assert_cmpint(ippyo_partial_decryption_verify(bad, X2, eh, totals[0]), ==,
		    IPPYO_ERR_BAD_DECRYPTION);
		ippyo_point_free(D);
	}
	/* Truncated and overlong wire forms. */
	g_assert_cmpint(ippyo_partial_decryption_serialize(pd, wire), ==, 0);
	wire[IPPYO_PARTIAL_DECRYPTION_BYTES] = 0;
	g_assert_cmpint(ippyo_partial_decryption_parse(bad, 2, wire, sizeof(wire) - 2), ==, IPPYO_ERR_TRUNCATED);
	g_assert_cmpint(ippyo_partial_decryption_parse(bad, 2, wire, sizeof(wire)), ==, IPPYO_ERR_TRAILING);
	/* Combination errors: duplicates, range, too few. */
	{
		const ippyo_partial_decryption *parts[3];
		uint64_t m;

		g_assert_cmpint(ippyo_partial_decrypt(other, r->keys[1], eh, totals[0]), ==, 0);
		parts[0] = pd;
		parts[1] = pd;
		g_assert_cmpint(ippyo_decrypt_total(&m, NULL, totals[0], parts, 2, 2, 3), ==,
		    IPPYO_ERR_DUPLICATE_TRUSTEE);
		g_assert_cmpint(ippyo_partial_decryption_parse(bad, 4, wire, IPPYO_PARTIAL_DECRYPTION_BYTES), ==, 0);
		parts[1] = bad;
		g_assert_cmpint(ippyo_decrypt_total(&m, NULL, totals[0], parts, 2, 2, 3), ==,
		    IPPYO_ERR_BAD_THRESHOLD);
		g_assert_cmpint(ippyo_decrypt_total(&m, NULL, totals[0], parts, 1, 2, 3), ==,
		    IPPYO_ERR_NOT_ENOUGH_SHARES);
		g_assert_cmpint(ippyo_decrypt_total(&m, NULL, totals[0], parts, 0, 2, 3), ==,
		    IPPYO_ERR_NOT_ENOUGH_SHARES);
		g_assert_cmpint(ippyo_decrypt_total(&m, NULL, totals[0], parts, 1, 3, 2), ==,
		    IPPYO_ERR_BAD_THRESHOLD);
		/* A wrong (unverified) share gives a wrong point, not the count. */
		{
			ippyo_dlog_table *tbl = NULL;
			ippyo_point *D = ippyo_point_dup(ippyo_partial_decryption_share(pd));

			g_assert_cmpint(ippyo_point_add(D, D, ippyo_point_generator()), ==, 0);
			g_assert_cmpint(ippyo_point_serialize(D, wire), ==, 0);
			g_assert_cmpint(ippyo_partial_decryption_parse(bad, 2, wire,
			    IPPYO_PARTIAL_DECRYPTION_BYTES), ==, 0);
			parts[0] = other;
			parts[1] = bad;
			g_assert_cmpint(ippyo_dlog_table_new(&tbl, BALLOTS), ==, 0);
			m = 0;
			if (ippyo_decrypt_total(&m, tbl, totals[0], parts, 2, 2, 3) == 0)
				g_assert_cmpuint(m, !=, counts[0]);
			parts[1] = pd;
			g_assert_cmpint(ippyo_decrypt_total(&m, tbl, totals[0], parts, 2, 2, 3), ==, 0);
			g_assert_cmpuint(m, ==, counts[0]);
			ippyo_dlog_table_free(tbl);
			ippyo_point_free(D);
		}
	}
	/* An empty sum (alpha = O) is refused. */
	{
		ippyo_ciphertext *empty = ippyo_ciphertext_new();

		g_assert_cmpint(ippyo_partial_decrypt(bad, r->keys[1], eh, empty), ==, IPPYO_ERR_POINT_INFINITY);
		ippyo_ciphertext_free(empty);
	}
	for (int o = 0; o < OPTIONS; o++)
		ippyo_ciphertext_free(totals[o]);
	ippyo_partial_decryption_free(pd);
	ippyo_partial_decryption_free(bad);
	ippyo_partial_decryption_free(other);
	cer_run_clear(r);
	g_free(r);
}

static void
test_lagrange(void)
{
	/* For S = {1, 2}: λ_1 = 2/(2-1) = 2, λ_2 = 1/(1-2) = -1. */
	static const uint32_t S[] = { 1, 2 };
	static const uint32_t D[] = { 1, 1 };
	ippyo_scalar *l = ippyo_scalar_new(), *want = ippyo_scalar_new();

	g_assert_cmpint(ippyo_lagrange_coefficient(l, 1, S, 2), ==, 0);
	g_assert_cmpint(ippyo_scalar_set_u64(want, 2), ==, 0);
	g_assert_cmpint(ippyo_scalar_eq(l, want), ==, 1);
	g_assert_cmpint(ippyo_lagrange_coefficient(l, 2, S, 2), ==, 0);
	g_assert_cmpint(ippyo_scalar_set_u64(want, 1), ==, 0);
	g_assert_cmpint(ippyo_scalar_neg(want, want), ==, 0);
	g_assert_cmpint(ippyo_scalar_eq(l, want), ==, 1);
	g_assert_cmpint(ippyo_lagrange_coefficient(l, 3, S, 2), ==, IPPYO_ERR_INVALID_ARGUMENT);
	g_assert_cmpint(ippyo_lagrange_coefficient(l, 1, D, 2), ==, IPPYO_ERR_DUPLICATE_TRUSTEE);
	ippyo_scalar_free(l);
	ippyo_scalar_free(want);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *path = g_strdup_printf("/ippyo/decrypt/election/%u-of-%u", cases[i].t, cases[i].n);

		g_test_add_data_func(path, &cases[i], test_election);
		g_free(path);
	}
	g_test_add_func("/ippyo/decrypt/wrong-partial", test_wrong_partial);
	g_test_add_func("/ippyo/decrypt/lagrange", test_lagrange);
	return g_test_run();
}
