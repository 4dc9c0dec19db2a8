/* Tests of exponential ElGamal, the election key and the ballot seed derivation. */
#include <glib.h>
#include <string.h>

#include "crypto/elgamal.h"
#include "crypto/group.h"
#include "error.h"

typedef struct {
	ippyo_scalar *s;
	ippyo_election_key *key;
} fixture;

static void
fixture_init(fixture *f)
{
	ippyo_point *k = ippyo_point_new();

	f->s = ippyo_scalar_new();
	g_assert_cmpint(ippyo_scalar_random(f->s), ==, 0);
	g_assert_cmpint(ippyo_point_mul_gen(k, f->s), ==, 0);
	g_assert_cmpint(ippyo_election_key_new(&f->key, k), ==, 0);
	ippyo_point_free(k);
}

static void
fixture_free(fixture *f)
{
	ippyo_scalar_free(f->s);
	ippyo_election_key_free(f->key);
}

/* β − s·α == m·G */
static void
assert_decrypts(const fixture *f, const ippyo_ciphertext *ct, uint64_t m)
{
	ippyo_point *sa = ippyo_point_new(), *mg = ippyo_point_new(), *x = ippyo_point_new();
	ippyo_scalar *ms = ippyo_scalar_new();

	g_assert_cmpint(ippyo_point_mul(sa, f->s, ippyo_ciphertext_alpha(ct)), ==, 0);
	g_assert_cmpint(ippyo_point_sub(x, ippyo_ciphertext_beta(ct), sa), ==, 0);
	g_assert_cmpint(ippyo_scalar_set_u64(ms, m), ==, 0);
	if (m == 0) {
		g_assert_true(ippyo_point_is_infinity(x));
	} else {
		g_assert_cmpint(ippyo_point_mul_gen(mg, ms), ==, 0);
		g_assert_cmpint(ippyo_point_eq(x, mg), ==, 1);
	}
	ippyo_point_free(sa);
	ippyo_point_free(mg);
	ippyo_point_free(x);
	ippyo_scalar_free(ms);
}

static void
test_encrypt(void)
{
	fixture f;
	ippyo_scalar *r = ippyo_scalar_new();
	ippyo_ciphertext *ct = ippyo_ciphertext_new();
	uint64_t ms[] = { 0, 1, 2, 7, 1000 };

	fixture_init(&f);
	for (size_t i = 0; i < G_N_ELEMENTS(ms); i++) {
		g_assert_cmpint(ippyo_scalar_random(r), ==, 0);
		g_assert_cmpint(ippyo_ciphertext_encrypt(ct, f.key, ms[i], r), ==, 0);
		assert_decrypts(&f, ct, ms[i]);
	}
	/* r = 0 would publish the vote in the clear. */
	g_assert_cmpint(ippyo_scalar_set_u64(r, 0), ==, 0);
	g_assert_cmpint(ippyo_ciphertext_encrypt(ct, f.key, 1, r), ==, IPPYO_ERR_SCALAR_ZERO);
	ippyo_scalar_free(r);
	ippyo_ciphertext_free(ct);
	fixture_free(&f);
}

static void
test_homomorphic(void)
{
	fixture f;
	ippyo_scalar *r1 = ippyo_scalar_new(), *r2 = ippyo_scalar_new(), *r3 = ippyo_scalar_new();
	ippyo_ciphertext *a = ippyo_ciphertext_new(), *b = ippyo_ciphertext_new();
	ippyo_ciphertext *sum = ippyo_ciphertext_new(), *want = ippyo_ciphertext_new();

	fixture_init(&f);
	g_assert_cmpint(ippyo_scalar_random(r1), ==, 0);
	g_assert_cmpint(ippyo_scalar_random(r2), ==, 0);
	g_assert_cmpint(ippyo_scalar_add(r3, r1, r2), ==, 0);
	g_assert_cmpint(ippyo_ciphertext_encrypt(a, f.key, 1, r1), ==, 0);
	g_assert_cmpint(ippyo_ciphertext_encrypt(b, f.key, 3, r2), ==, 0);
	g_assert_cmpint(ippyo_ciphertext_encrypt(want, f.key, 4, r3), ==, 0);
	/* sum starts as the neutral (O, O) */
	g_assert_cmpint(ippyo_ciphertext_add(sum, sum, a), ==, 0);
	g_assert_cmpint(ippyo_ciphertext_eq(sum, a), ==, 1);
	g_assert_cmpint(ippyo_ciphertext_add(sum, sum, b), ==, 0);
	g_assert_cmpint(ippyo_ciphertext_eq(sum, want), ==, 1);
	g_assert_cmpint(ippyo_ciphertext_eq(sum, a), ==, 0);
	assert_decrypts(&f, sum, 4);
	ippyo_scalar_free(r1);
	ippyo_scalar_free(r2);
	ippyo_scalar_free(r3);
	ippyo_ciphertext_free(a);
	ippyo_ciphertext_free(b);
	ippyo_ciphertext_free(sum);
	ippyo_ciphertext_free(want);
	fixture_free(&f);
}

static void
test_encoding(void)
{
	fixture f;
	ippyo_scalar *r = ippyo_scalar_new();
	ippyo_ciphertext *ct = ippyo_ciphertext_new(), *back = ippyo_ciphertext_new();
	uint8_t b[IPPYO_CIPHERTEXT_BYTES + 1], b2[IPPYO_CIPHERTEXT_BYTES];

	fixture_init(&f);
	/* the neutral element does not serialize */
	g_assert_cmpint(ippyo_ciphertext_serialize(ct, b), ==, IPPYO_ERR_POINT_INFINITY);
	g_assert_cmpint(ippyo_scalar_random(r), ==, 0);
	g_assert_cmpint(ippyo_ciphertext_encrypt(ct, f.key, 1, r), ==, 0);
	g_assert_cmpint(ippyo_ciphertext_serialize(ct, b), ==, 0);
	g_assert_cmpint(ippyo_ciphertext_parse(back, b, IPPYO_CIPHERTEXT_BYTES), ==, 0);
	g_assert_cmpint(ippyo_ciphertext_eq(ct, back), ==, 1);
	g_assert_cmpint(ippyo_ciphertext_serialize(back, b2), ==, 0);
	g_assert_cmpmem(b, IPPYO_CIPHERTEXT_BYTES, b2, IPPYO_CIPHERTEXT_BYTES);
	/* strict length */
	g_assert_cmpint(ippyo_ciphertext_parse(back, b, IPPYO_CIPHERTEXT_BYTES - 1), ==,
	    IPPYO_ERR_TRUNCATED);
	b[IPPYO_CIPHERTEXT_BYTES] = 0;
	g_assert_cmpint(ippyo_ciphertext_parse(back, b, IPPYO_CIPHERTEXT_BYTES + 1), ==,
	    IPPYO_ERR_TRAILING);
	/* a bad β: wrong prefix, infinity, off the curve */
	memcpy(b2, b, sizeof(b2));
	b2[33] = 0x04;
	g_assert_cmpint(ippyo_ciphertext_parse(back, b2, sizeof(b2)), ==, IPPYO_ERR_POINT_FORMAT);
	g_assert_true(ippyo_point_is_infinity(ippyo_ciphertext_alpha(back)));
	memset(b2 + 33, 0, 33);
	g_assert_cmpint(ippyo_ciphertext_parse(back, b2, sizeof(b2)), ==, IPPYO_ERR_POINT_INFINITY);
	b2[33] = 0x02;
	b2[65] = 1;   /* x = 1 is not on P-256 */
	g_assert_cmpint(ippyo_ciphertext_parse(back, b2, sizeof(b2)), ==,
	    IPPYO_ERR_POINT_NOT_ON_CURVE);
	/* a bad α */
	memcpy(b2, b, sizeof(b2));
	b2[0] = 0x05;
	g_assert_cmpint(ippyo_ciphertext_parse(back, b2, sizeof(b2)), ==, IPPYO_ERR_POINT_FORMAT);
	ippyo_scalar_free(r);
	ippyo_ciphertext_free(ct);
	ippyo_ciphertext_free(back);
	fixture_free(&f);
}

static void
test_key(void)
{
	ippyo_point *inf = ippyo_point_new();
	ippyo_election_key *key = NULL;
	uint8_t g[IPPYO_POINT_BYTES];

	g_assert_cmpint(ippyo_election_key_new(&key, inf), ==, IPPYO_ERR_POINT_INFINITY);
	g_assert_null(key);
	g_assert_cmpint(ippyo_election_key_new(&key, ippyo_point_generator()), ==, 0);
	g_assert_cmpint(ippyo_point_serialize(ippyo_point_generator(), g), ==, 0);
	g_assert_cmpmem(ippyo_election_key_bytes(key), IPPYO_POINT_BYTES, g, sizeof(g));
	g_assert_cmpint(ippyo_point_eq(ippyo_election_key_point(key), ippyo_point_generator()), ==, 1);
	ippyo_election_key_free(key);
	ippyo_election_key_free(NULL);
	ippyo_ciphertext_free(NULL);
	ippyo_point_free(inf);
}

static void
scalar_bytes(const ippyo_scalar *s, uint8_t out[32])
{
	g_assert_cmpint(ippyo_scalar_serialize(s, out), ==, 0);
}

static void
test_seed(void)
{
	ippyo_seed_context sc, sc2;
	ippyo_scalar *k = ippyo_scalar_new();
	uint8_t base[32], x[32];

	memset(&sc, 0, sizeof(sc));
	for (int i = 0; i < 32; i++) {
		sc.seed[i] = (uint8_t)i;
		sc.election_hash[i] = (uint8_t)(0x40 + i);
		sc.voter_binding[i] = (uint8_t)(0x80 + i);
	}
	g_assert_cmpint(ippyo_seed_derive(k, &sc, IPPYO_PURPOSE_ENCRYPT, 1, 2, 0), ==, 0);
	scalar_bytes(k, base);
	/* deterministic */
	g_assert_cmpint(ippyo_seed_derive(k, &sc, IPPYO_PURPOSE_ENCRYPT, 1, 2, 0), ==, 0);
	scalar_bytes(k, x);
	g_assert_cmpmem(x, 32, base, 32);
	/* every input matters */
	for (int field = 0; field < 7; field++) {
		const char *purpose = IPPYO_PURPOSE_ENCRYPT;
		uint32_t c = 1, o = 2, n = 0;

		sc2 = sc;
		switch (field) {
		case 0: sc2.seed[31] ^= 1; break;
		case 1: sc2.election_hash[0] ^= 1; break;
		case 2: sc2.voter_binding[5] ^= 0x80; break;
		case 3: purpose = IPPYO_PURPOSE_SELECTION_PROOF; break;
		case 4: c = 2; break;
		case 5: o = IPPYO_OPTION_CONTEST; break;
		default: n = 1; break;
		}
		g_assert_cmpint(ippyo_seed_derive(k, &sc2, purpose, c, o, n), ==, 0);
		scalar_bytes(k, x);
		g_assert_true(memcmp(x, base, 32) != 0);
	}
	ippyo_seed_context_wipe(&sc2);
	for (size_t i = 0; i < sizeof(sc2); i++)
		g_assert_cmpint(((uint8_t *)&sc2)[i], ==, 0);
	ippyo_scalar_free(k);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ippyo/elgamal/encrypt", test_encrypt);
	g_test_add_func("/ippyo/elgamal/homomorphic", test_homomorphic);
	g_test_add_func("/ippyo/elgamal/encoding", test_encoding);
	g_test_add_func("/ippyo/elgamal/key", test_key);
	g_test_add_func("/ippyo/elgamal/seed", test_seed);
	return g_test_run();
}
