/* Tests of RFC 9162 Merkle hashing, proofs and the compact tree state. */
#include <glib.h>
#include <string.h>

#include <openssl/evp.h>

#include "error.h"
#include "encoding.h"
#include "log/merkle.h"

#define MAXN 300

static uint8_t leaves[MAXN][32];    /* leaf hashes of entries "0", "1", ... */

/* An independent MTH straight from the RFC's recursive definition. */
static void
ref_hash(uint8_t prefix, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
    uint8_t out[32])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned int len;

	g_assert_nonnull(c);
	g_assert_true(EVP_DigestInit_ex(c, EVP_sha256(), NULL));
	g_assert_true(EVP_DigestUpdate(c, &prefix, 1));
	g_assert_true(EVP_DigestUpdate(c, a, alen));
	g_assert_true(EVP_DigestUpdate(c, b, blen));
	g_assert_true(EVP_DigestFinal_ex(c, out, &len));
	EVP_MD_CTX_free(c);
}

static void
ref_mth(const uint8_t (*d)[32], uint64_t n, uint8_t out[32])
{
	uint8_t l[32], r[32];
	uint64_t k = 1;

	if (n == 0) {
		g_assert_true(EVP_Digest("", 0, out, NULL, EVP_sha256(), NULL));
		return;
	}
	if (n == 1) {
		memcpy(out, d[0], 32);
		return;
	}
	while (k * 2 < n)
		k *= 2;
	ref_mth(d, k, l);
	ref_mth(d + k, n - k, r);
	ref_hash(1, l, 32, r, 32, out);
}

static void
setup_leaves(void)
{
	char e[16];
	int i, len;

	for (i = 0; i < MAXN; i++) {
		len = g_snprintf(e, sizeof(e), "%d", i);
		ref_hash(0, (const uint8_t *)e, (size_t)len, NULL, 0, leaves[i]);
	}
}

static void
test_known_answers(void)
{
	uint8_t h[32], want[32], l[32], r[32];

	/* SHA-256("") and SHA-256(0x00): computed with sha256sum. */
	ippyo_merkle_empty_root(h);
	g_assert_cmpint(ippyo_hex_decode_exact(
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", want, 32), ==, 0);
	g_assert_cmpmem(h, 32, want, 32);
	g_assert_cmpint(ippyo_merkle_root(NULL, NULL, 0, h), ==, 0);
	g_assert_cmpmem(h, 32, want, 32);
	g_assert_cmpint(ippyo_merkle_hash_leaf(NULL, "", 0, h), ==, 0);
	g_assert_cmpint(ippyo_hex_decode_exact(
	    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", want, 32), ==, 0);
	g_assert_cmpmem(h, 32, want, 32);
	/* printf '\1' ; 32 zero bytes twice | sha256sum */
	memset(l, 0, 32);
	memset(r, 0, 32);
	g_assert_cmpint(ippyo_merkle_hash_children(NULL, l, r, h), ==, 0);
	ref_hash(1, l, 32, r, 32, want);
	g_assert_cmpmem(h, 32, want, 32);
}

static void
test_state_matches_mth(void)
{
	ippyo_merkle_hasher *h = ippyo_merkle_hasher_new();
	ippyo_merkle_state s, s2;
	struct ippyo_merkle_leaves lv = { (const uint8_t *)leaves, MAXN, NULL };
	uint8_t got[32], want[32], got2[32];
	ippyo_buf *b;
	int n;

	g_assert_nonnull(h);
	ippyo_merkle_state_init(&s);
	for (n = 0; n <= MAXN; n++) {
		ref_mth((const uint8_t (*)[32])leaves, (uint64_t)n, want);
		g_assert_cmpint(ippyo_merkle_state_root(&s, h, got), ==, 0);
		g_assert_cmpmem(got, 32, want, 32);
		g_assert_cmpint(ippyo_merkle_root(h, (const uint8_t *)leaves, (uint64_t)n, got), ==, 0);
		g_assert_cmpmem(got, 32, want, 32);
		g_assert_cmpint(ippyo_merkle_root_from(h, (uint64_t)n, ippyo_merkle_leaves_hash_fn,
		    &lv, got), ==, 0);
		g_assert_cmpmem(got, 32, want, 32);
		/* Rebuilt from subtrees, and through the storage form. */
		g_assert_cmpint(ippyo_merkle_state_from(&s2, (uint64_t)n,
		    ippyo_merkle_leaves_hash_fn, &lv), ==, 0);
		g_assert_cmpint(memcmp(&s2, &s, sizeof(s)), ==, 0);
		b = ippyo_buf_new(4096);
		g_assert_cmpint(ippyo_merkle_state_serialize(&s, b), ==, 0);
		g_assert_cmpuint(ippyo_buf_len(b), ==, 8 + 32 * (size_t)__builtin_popcount((unsigned)n));
		g_assert_cmpint(ippyo_merkle_state_parse(&s2, ippyo_buf_data(b), ippyo_buf_len(b)), ==, 0);
		g_assert_cmpint(ippyo_merkle_state_root(&s2, NULL, got2), ==, 0);
		g_assert_cmpmem(got2, 32, want, 32);
		g_assert_cmpint(ippyo_merkle_state_parse(&s2, ippyo_buf_data(b),
		    ippyo_buf_len(b) - 1), !=, 0);
		ippyo_buf_free(b);
		if (n < MAXN)
			g_assert_cmpint(ippyo_merkle_state_append(&s, h, leaves[n]), ==, 0);
	}
	ippyo_merkle_hasher_free(h);
}

static void
test_state_subtrees(void)
{
	ippyo_merkle_state s;
	struct ippyo_merkle_leaves lv = { (const uint8_t *)leaves, MAXN, NULL };
	uint8_t hash[32], want[32];
	unsigned level;
	uint64_t index;

	ippyo_merkle_state_init(&s);
	g_assert_cmpint(ippyo_merkle_state_append_many(&s, NULL, (const uint8_t *)leaves, 13), ==, 0);
	/* 13 = 8 + 4 + 1 */
	g_assert_cmpint(ippyo_merkle_state_subtree(&s, 0, &level, &index, hash), ==, 0);
	g_assert_cmpuint(level, ==, 3);
	g_assert_cmpuint(index, ==, 0);
	g_assert_cmpint(ippyo_merkle_state_subtree(&s, 1, &level, &index, hash), ==, 0);
	g_assert_cmpuint(level, ==, 2);
	g_assert_cmpuint(index, ==, 2);
	g_assert_cmpint(ippyo_merkle_leaves_hash_fn(&lv, 2, 2, want), ==, 0);
	g_assert_cmpmem(hash, 32, want, 32);
	g_assert_cmpint(ippyo_merkle_state_subtree(&s, 2, &level, &index, hash), ==, 0);
	g_assert_cmpuint(level, ==, 0);
	g_assert_cmpuint(index, ==, 12);
	g_assert_cmpmem(hash, 32, leaves[12], 32);
	g_assert_cmpint(ippyo_merkle_state_subtree(&s, 3, &level, &index, hash), ==,
	    IPPYO_ERR_INDEX_RANGE);
	/* A subtree outside the leaves. */
	lv.n = 13;
	g_assert_cmpint(ippyo_merkle_leaves_hash_fn(&lv, 2, 3, want), ==, IPPYO_ERR_INDEX_RANGE);
	g_assert_cmpint(ippyo_merkle_leaves_hash_fn(&lv, 63, UINT64_MAX, want), ==,
	    IPPYO_ERR_INDEX_RANGE);
}

static void
check_inclusion(ippyo_merkle_hasher *h, struct ippyo_merkle_leaves *lv, uint64_t i,
    uint64_t n, const uint8_t root[32])
{
	ippyo_merkle_proof p, q;
	size_t k;
	int bit;

	g_assert_cmpint(ippyo_merkle_inclusion_proof(h, i, n, ippyo_merkle_leaves_hash_fn, lv, &p), ==, 0);
	g_assert_cmpuint(p.n, ==, ippyo_merkle_inclusion_proof_len(i, n));
	g_assert_cmpint(ippyo_merkle_verify_inclusion(h, i, n, lv->hashes + i * 32, 32, &p,
	    root, 32), ==, 0);
	/* Any single changed element fails. */
	for (k = 0; k < p.n; k++) {
		for (bit = 0; bit < 256; bit += 85) {
			q = p;
			q.hash[k][bit / 8] ^= (uint8_t)(1u << (bit % 8));
			g_assert_cmpint(ippyo_merkle_verify_inclusion(h, i, n, lv->hashes + i * 32,
			    32, &q, root, 32), ==, IPPYO_ERR_BAD_INCLUSION);
		}
	}
	/* Too short, too long. */
	if (p.n > 0) {
		q = p;
		q.n--;
		g_assert_cmpint(ippyo_merkle_verify_inclusion(h, i, n, lv->hashes + i * 32, 32,
		    &q, root, 32), ==, IPPYO_ERR_PROOF_LENGTH);
	}
	q = p;
	memcpy(q.hash[q.n++], root, 32);
	g_assert_cmpint(ippyo_merkle_verify_inclusion(h, i, n, lv->hashes + i * 32, 32, &q,
	    root, 32), ==, IPPYO_ERR_PROOF_LENGTH);
	/* Another leaf, another index (when the proof length allows it). */
	if (n > 1) {
		uint64_t j = (i + 1) % n;
		int r = ippyo_merkle_verify_inclusion(h, i, n, lv->hashes + j * 32, 32, &p, root, 32);
		g_assert_cmpint(r, ==, IPPYO_ERR_BAD_INCLUSION);
		r = ippyo_merkle_verify_inclusion(h, j, n, lv->hashes + i * 32, 32, &p, root, 32);
		g_assert_true(r == IPPYO_ERR_BAD_INCLUSION || r == IPPYO_ERR_PROOF_LENGTH);
	}
	g_assert_cmpint(ippyo_merkle_verify_inclusion(h, n, n, lv->hashes, 32, &p, root, 32), ==,
	    IPPYO_ERR_INDEX_RANGE);
	g_assert_cmpint(ippyo_merkle_verify_inclusion(h, i, n, lv->hashes + i * 32, 31, &p,
	    root, 32), ==, IPPYO_ERR_BAD_INCLUSION);
	g_assert_cmpint(ippyo_merkle_verify_inclusion(h, i, n, lv->hashes + i * 32, 32, &p,
	    root, 33), ==, IPPYO_ERR_BAD_INCLUSION);
}

static void
check_consistency(ippyo_merkle_hasher *h, struct ippyo_merkle_leaves *lv, uint64_t m,
    uint64_t n, const uint8_t r1[32], const uint8_t r2[32])
{
	ippyo_merkle_proof p, q;
	size_t k;

	g_assert_cmpint(ippyo_merkle_consistency_proof(h, m, n, ippyo_merkle_leaves_hash_fn, lv, &p), ==, 0);
	if (m < n)
		g_assert_cmpuint(p.n, ==, ippyo_merkle_consistency_proof_len(m, n));
	else
		g_assert_cmpuint(p.n, ==, 0);
	g_assert_cmpint(ippyo_merkle_verify_consistency(h, m, n, &p, r1, 32, r2, 32), ==, 0);
	for (k = 0; k < p.n; k++) {
		q = p;
		q.hash[k][k % 32] ^= 0x40;
		g_assert_cmpint(ippyo_merkle_verify_consistency(h, m, n, &q, r1, 32, r2, 32), ==,
		    IPPYO_ERR_BAD_CONSISTENCY);
	}
	if (p.n > 0) {
		q = p;
		q.n--;
		g_assert_cmpint(ippyo_merkle_verify_consistency(h, m, n, &q, r1, 32, r2, 32), ==,
		    IPPYO_ERR_PROOF_LENGTH);
		g_assert_cmpint(ippyo_merkle_verify_consistency(h, m, n, &p, r2, 32, r1, 32), ==,
		    IPPYO_ERR_BAD_CONSISTENCY);
	}
	q = p;
	memcpy(q.hash[q.n++], r1, 32);
	g_assert_cmpint(ippyo_merkle_verify_consistency(h, m, n, &q, r1, 32, r2, 32), ==,
	    IPPYO_ERR_PROOF_LENGTH);
	g_assert_cmpint(ippyo_merkle_verify_consistency(h, n, m, &p, r2, 32, r1, 32), ==,
	    m == n ? 0 : IPPYO_ERR_INDEX_RANGE);
}

static void
test_all_proofs_to_64(void)
{
	ippyo_merkle_hasher *h = ippyo_merkle_hasher_new();
	struct ippyo_merkle_leaves lv = { (const uint8_t *)leaves, MAXN, h };
	uint8_t roots[65][32];
	uint64_t n, i;

	for (n = 0; n <= 64; n++)
		ref_mth((const uint8_t (*)[32])leaves, n, roots[n]);
	for (n = 1; n <= 64; n++) {
		lv.n = n;
		for (i = 0; i < n; i++)
			check_inclusion(h, &lv, i, n, roots[n]);
		for (i = 1; i <= n; i++)
			check_consistency(h, &lv, i, n, roots[i], roots[n]);
	}
	/* A consistency proof from the empty tree is meaningless. */
	{
		ippyo_merkle_proof p;

		ippyo_merkle_proof_init(&p);
		g_assert_cmpint(ippyo_merkle_verify_consistency(h, 0, 5, &p, roots[0], 32,
		    roots[5], 32), ==, IPPYO_ERR_INDEX_RANGE);
		g_assert_cmpint(ippyo_merkle_verify_consistency(h, 0, 0, &p, roots[0], 32,
		    roots[0], 32), ==, IPPYO_ERR_INDEX_RANGE);
		g_assert_cmpint(ippyo_merkle_consistency_proof(h, 0, 5,
		    ippyo_merkle_leaves_hash_fn, &lv, &p), ==, IPPYO_ERR_INDEX_RANGE);
		g_assert_cmpint(ippyo_merkle_inclusion_proof(h, 5, 5,
		    ippyo_merkle_leaves_hash_fn, &lv, &p), ==, IPPYO_ERR_INDEX_RANGE);
	}
	ippyo_merkle_hasher_free(h);
}

static void
test_random_large(void)
{
	ippyo_merkle_hasher *h = ippyo_merkle_hasher_new();
	GRand *rnd = g_rand_new_with_seed(20270101);
	const uint64_t max = 20000;
	uint8_t *big = g_malloc(max * 32), r1[32], r2[32];
	struct ippyo_merkle_leaves lv = { big, max, h };
	ippyo_merkle_state s;
	uint64_t i;
	int round;

	ippyo_merkle_state_init(&s);
	for (i = 0; i < max; i++) {
		uint8_t e[8];
		memcpy(e, &i, 8);
		g_assert_cmpint(ippyo_merkle_hash_leaf(h, e, 8, big + i * 32), ==, 0);
	}
	for (round = 0; round < 6; round++) {
		uint64_t n = (uint64_t)g_rand_int_range(rnd, 2, (gint32)max);
		uint64_t m = (uint64_t)g_rand_int_range(rnd, 1, (gint32)n);
		uint64_t idx = (uint64_t)g_rand_int_range(rnd, 0, (gint32)n);

		lv.n = n;
		g_assert_cmpint(ippyo_merkle_root(h, big, n, r2), ==, 0);
		g_assert_cmpint(ippyo_merkle_root(h, big, m, r1), ==, 0);
		check_inclusion(h, &lv, idx, n, r2);
		check_inclusion(h, &lv, n - 1, n, r2);
		check_consistency(h, &lv, m, n, r1, r2);
	}
	g_rand_free(rnd);
	g_free(big);
	ippyo_merkle_hasher_free(h);
}

static void
test_proof_add(void)
{
	ippyo_merkle_proof p;
	uint8_t x[33] = { 0 };
	int i;

	ippyo_merkle_proof_init(&p);
	g_assert_cmpint(ippyo_merkle_proof_add(&p, x, 31), ==, IPPYO_ERR_PROOF_LENGTH);
	g_assert_cmpint(ippyo_merkle_proof_add(&p, x, 33), ==, IPPYO_ERR_PROOF_LENGTH);
	g_assert_cmpint(ippyo_merkle_proof_add(&p, x, 0), ==, IPPYO_ERR_PROOF_LENGTH);
	for (i = 0; i < IPPYO_MERKLE_MAX_PROOF; i++)
		g_assert_cmpint(ippyo_merkle_proof_add(&p, x, 32), ==, 0);
	g_assert_cmpint(ippyo_merkle_proof_add(&p, x, 32), ==, IPPYO_ERR_LIMIT);
	/* Largest possible proofs fit. */
	g_assert_cmpuint(ippyo_merkle_inclusion_proof_len(UINT64_MAX - 1, UINT64_MAX), <=,
	    IPPYO_MERKLE_MAX_PROOF);
	g_assert_cmpuint(ippyo_merkle_consistency_proof_len(UINT64_MAX / 2 + 3, UINT64_MAX), <=,
	    IPPYO_MERKLE_MAX_PROOF);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	setup_leaves();
	g_test_add_func("/ippyo/merkle/known-answers", test_known_answers);
	g_test_add_func("/ippyo/merkle/state-matches-mth", test_state_matches_mth);
	g_test_add_func("/ippyo/merkle/state-subtrees", test_state_subtrees);
	g_test_add_func("/ippyo/merkle/all-proofs-to-64", test_all_proofs_to_64);
	g_test_add_func("/ippyo/merkle/random-large", test_random_large);
	g_test_add_func("/ippyo/merkle/proof-add", test_proof_add);
	return g_test_run();
}
