/* Tests of P-256 point and scalar encodings and arithmetic. */
#include <glib.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/rand.h>

#include "crypto/group.h"
#include "encoding.h"
#include "error.h"

/* G, compressed, and q - 1 (SEC 2). */
#define G_HEX "036b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
#define QM1_HEX "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550"
#define Q_HEX "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"

static void
hex(const char *s, uint8_t *out, size_t len)
{
	g_assert_cmpint(ippyo_hex_decode_exact(s, out, len), ==, 0);
}

static void
test_point_roundtrip(void)
{
	uint8_t b[33], out[33];
	ippyo_point *p = ippyo_point_new();

	hex(G_HEX, b, 33);
	g_assert_cmpint(ippyo_point_parse(p, b, 33), ==, 0);
	g_assert_cmpint(ippyo_point_eq(p, ippyo_point_generator()), ==, 1);
	g_assert_cmpint(ippyo_point_serialize(p, out), ==, 0);
	g_assert_cmpmem(out, 33, b, 33);
	ippyo_point_free(p);
}

static void
test_point_rejects(void)
{
	uint8_t b[34], g[33];
	ippyo_point *p = ippyo_point_new();

	hex(G_HEX, g, 33);
	memcpy(b, g, 33);
	g_assert_cmpint(ippyo_point_parse(p, b, 32), ==, IPPYO_ERR_POINT_LENGTH);   /* truncated */
	b[33] = 0;
	g_assert_cmpint(ippyo_point_parse(p, b, 34), ==, IPPYO_ERR_POINT_LENGTH);   /* overlong */
	memset(b, 0, 33);
	g_assert_cmpint(ippyo_point_parse(p, b, 33), ==, IPPYO_ERR_POINT_INFINITY);
	memcpy(b, g, 33);
	b[0] = 0x04;
	g_assert_cmpint(ippyo_point_parse(p, b, 33), ==, IPPYO_ERR_POINT_FORMAT);    /* uncompressed tag */
	/* x = 1 has no square root of x³ - 3x + b mod p for P-256: off the curve. */
	memset(b, 0, 33);
	b[0] = 0x02;
	b[32] = 1;
	g_assert_cmpint(ippyo_point_parse(p, b, 33), ==, IPPYO_ERR_POINT_NOT_ON_CURVE);
	/* x = p (unreduced coordinate). */
	hex("02ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", b, 33);
	g_assert_cmpint(ippyo_point_parse(p, b, 33), ==, IPPYO_ERR_POINT_NOT_ON_CURVE);
	g_assert_cmpint(ippyo_point_is_infinity(p), ==, 1);
	/* Infinity does not serialize. */
	g_assert_cmpint(ippyo_point_serialize(p, b), ==, IPPYO_ERR_POINT_INFINITY);
	ippyo_point_free(p);
}

/*
 * The parser decompresses points itself: on random x (half of them on the
 * curve), both tags, x just below and above p, it accepts exactly what
 * OpenSSL's EC_POINT_oct2point accepts, and the same point.
 */
static void
test_point_parse_matches_openssl(void)
{
	const EC_GROUP *g = ippyo_group_ec();
	EC_POINT *ref = EC_POINT_new(g);
	ippyo_point *p = ippyo_point_new();
	uint8_t b[33], out[33];
	unsigned accepted = 0;

	g_assert_nonnull(ref);
	for (unsigned i = 0; i < 2000; i++) {
		int ok_ref, e;

		g_assert_cmpint(RAND_bytes(b + 1, 32), ==, 1);
		if (i < 4)	/* p − 1, p − 2 and p, p + 1: the edge of the field */
			hex(i == 0 ? "02ffffffff00000001000000000000000000000000fffffffffffffffffffffffe" :
			    i == 1 ? "03ffffffff00000001000000000000000000000000fffffffffffffffffffffffd" :
			    i == 2 ? "03ffffffff00000001000000000000000000000000ffffffffffffffffffffffff" :
			    "02ffffffff00000001000000000000000000000001000000000000000000000000", b, 33);
		else
			b[0] = 0x02 | (i & 1);
		ok_ref = EC_POINT_oct2point(g, ref, b, 33, NULL) == 1;
		e = ippyo_point_parse(p, b, 33);
		g_assert_cmpint(e == 0, ==, ok_ref);
		if (!ok_ref) {
			g_assert_cmpint(e, ==, IPPYO_ERR_POINT_NOT_ON_CURVE);
			g_assert_cmpint(ippyo_point_is_infinity(p), ==, 1);
			continue;
		}
		accepted++;
		g_assert_cmpint(EC_POINT_cmp(g, ref, ippyo_point_ec_const(p), NULL), ==, 0);
		g_assert_cmpint(ippyo_point_serialize(p, out), ==, 0);
		g_assert_cmpmem(out, 33, b, 33);
	}
	/* about half of all x are on the curve */
	g_assert_cmpuint(accepted, >, 800);
	g_assert_cmpuint(accepted, <, 1200);
	EC_POINT_free(ref);
	ippyo_point_free(p);
}

/* serialize(p) agrees with OpenSSL's own encoding of p's current value. */
static void
assert_encoding_current(const ippyo_point *p)
{
	uint8_t got[33], want[33];

	g_assert_cmpint(ippyo_point_serialize(p, got), ==, 0);
	g_assert_cmpuint(EC_POINT_point2oct(ippyo_group_ec(), ippyo_point_ec_const(p),
	    POINT_CONVERSION_COMPRESSED, want, 33, NULL), ==, 33);
	g_assert_cmpmem(got, 33, want, 33);
}

/*
 * A parsed point keeps its bytes for serializing; every way of changing
 * the point forgets them.
 */
static void
test_point_encoding_cache(void)
{
	ippyo_point *p = ippyo_point_new(), *q = ippyo_point_new();
	ippyo_scalar *k = ippyo_scalar_new();
	uint8_t b[33], out[33];

	hex(G_HEX, b, 33);
	g_assert_cmpint(ippyo_point_parse(p, b, 33), ==, 0);
	g_assert_nonnull(ippyo_point_encoding(p));
	g_assert_cmpint(ippyo_point_serialize(p, out), ==, 0);
	g_assert_cmpmem(out, 33, b, 33);
	g_assert_cmpint(ippyo_point_neg(p, p), ==, 0);
	g_assert_null(ippyo_point_encoding(p));
	assert_encoding_current(p);
	g_assert_cmpint(ippyo_point_parse(p, b, 33), ==, 0);
	g_assert_cmpint(ippyo_point_add(p, p, ippyo_point_generator()), ==, 0);
	assert_encoding_current(p);
	g_assert_cmpint(ippyo_point_parse(p, b, 33), ==, 0);
	g_assert_cmpint(ippyo_point_dbl(p, p), ==, 0);
	assert_encoding_current(p);
	g_assert_cmpint(ippyo_scalar_set_u64(k, 7), ==, 0);
	g_assert_cmpint(ippyo_point_parse(p, b, 33), ==, 0);
	g_assert_cmpint(ippyo_point_mul(p, k, p), ==, 0);
	assert_encoding_current(p);
	g_assert_cmpint(ippyo_point_parse(p, b, 33), ==, 0);
	g_assert_cmpint(ippyo_point_mul_gen(p, k), ==, 0);
	assert_encoding_current(p);
	/* a copy carries the bytes; a write through the EC_POINT forgets them */
	g_assert_cmpint(ippyo_point_parse(q, b, 33), ==, 0);
	g_assert_cmpint(ippyo_point_copy(p, q), ==, 0);
	g_assert_nonnull(ippyo_point_encoding(p));
	assert_encoding_current(p);
	g_assert_cmpint(EC_POINT_invert(ippyo_group_ec(), ippyo_point_ec(p), NULL), ==, 1);
	assert_encoding_current(p);
	/* a failed parse leaves infinity, which does not serialize */
	g_assert_cmpint(ippyo_point_parse(q, (uint8_t[33]){ 0x02, [32] = 1 }, 33), ==,
	    IPPYO_ERR_POINT_NOT_ON_CURVE);
	g_assert_null(ippyo_point_encoding(q));
	g_assert_cmpint(ippyo_point_serialize(q, out), ==, IPPYO_ERR_POINT_INFINITY);
	g_assert_cmpint(ippyo_point_set_infinity(p), ==, 0);
	g_assert_cmpint(ippyo_point_serialize(p, out), ==, IPPYO_ERR_POINT_INFINITY);
	ippyo_point_free(p);
	ippyo_point_free(q);
	ippyo_scalar_free(k);
}

static void
test_scalar_rejects(void)
{
	uint8_t b[33];
	ippyo_scalar *s = ippyo_scalar_new();

	hex(QM1_HEX, b, 32);
	g_assert_cmpint(ippyo_scalar_parse(s, b, 32), ==, 0);
	hex(Q_HEX, b, 32);
	g_assert_cmpint(ippyo_scalar_parse(s, b, 32), ==, IPPYO_ERR_SCALAR_UNREDUCED);
	memset(b, 0xff, 32);
	g_assert_cmpint(ippyo_scalar_parse(s, b, 32), ==, IPPYO_ERR_SCALAR_UNREDUCED);
	g_assert_cmpint(ippyo_scalar_parse(s, b, 31), ==, IPPYO_ERR_SCALAR_LENGTH);
	g_assert_cmpint(ippyo_scalar_parse(s, b, 33), ==, IPPYO_ERR_SCALAR_LENGTH);
	memset(b, 0, 32);
	g_assert_cmpint(ippyo_scalar_parse(s, b, 32), ==, 0);
	g_assert_cmpint(ippyo_scalar_is_zero(s), ==, 1);
	ippyo_scalar_free(s);
}

static void
test_arithmetic(void)
{
	ippyo_scalar *a = ippyo_scalar_new(), *b = ippyo_scalar_new(), *c = ippyo_scalar_new();
	ippyo_scalar *qm1 = ippyo_scalar_new(), *one = ippyo_scalar_new();
	ippyo_point *p = ippyo_point_new(), *q = ippyo_point_new(), *r = ippyo_point_new();
	ippyo_base *base;
	uint8_t bytes[32];
	uint64_t v;

	for (int round = 0; round < 20; round++) {
		g_assert_cmpint(ippyo_scalar_random(a), ==, 0);
		g_assert_cmpint(ippyo_scalar_random(b), ==, 0);
		/* (a + b)·G = a·G + b·G */
		g_assert_cmpint(ippyo_scalar_add(c, a, b), ==, 0);
		g_assert_cmpint(ippyo_point_mul_gen(p, c), ==, 0);
		g_assert_cmpint(ippyo_point_mul_gen(q, a), ==, 0);
		g_assert_cmpint(ippyo_point_mul_gen(r, b), ==, 0);
		g_assert_cmpint(ippyo_point_add(q, q, r), ==, 0);
		g_assert_cmpint(ippyo_point_eq(p, q), ==, 1);
		/* (a·b)·G = a·(b·G), through a fixed base and the variable-base path */
		g_assert_cmpint(ippyo_scalar_mul(c, a, b), ==, 0);
		g_assert_cmpint(ippyo_point_mul_gen(p, c), ==, 0);
		g_assert_cmpint(ippyo_point_mul(q, a, r), ==, 0);
		g_assert_cmpint(ippyo_point_eq(p, q), ==, 1);
		base = ippyo_base_new(r);
		g_assert_nonnull(base);
		g_assert_cmpint(ippyo_base_mul(q, base, a), ==, 0);
		g_assert_cmpint(ippyo_point_eq(p, q), ==, 1);
		/* a·G + c·(bG) through mul2 and base_mul2 */
		g_assert_cmpint(ippyo_point_mul2(p, a, c, r), ==, 0);
		g_assert_cmpint(ippyo_base_mul2(q, base, c, a, ippyo_point_generator()), ==, 0);
		g_assert_cmpint(ippyo_point_eq(p, q), ==, 1);
		ippyo_base_free(base);
		/* (a - b) + b = a; a·a⁻¹ = 1 */
		g_assert_cmpint(ippyo_scalar_sub(c, a, b), ==, 0);
		g_assert_cmpint(ippyo_scalar_add(c, c, b), ==, 0);
		g_assert_cmpint(ippyo_scalar_eq(c, a), ==, 1);
		g_assert_cmpint(ippyo_scalar_inv(c, a), ==, 0);
		g_assert_cmpint(ippyo_scalar_mul(c, c, a), ==, 0);
		g_assert_cmpint(ippyo_scalar_get_u64(c, &v), ==, 0);
		g_assert_cmpuint(v, ==, 1);
		/* P - P = infinity */
		g_assert_cmpint(ippyo_point_sub(p, q, q), ==, 0);
		g_assert_cmpint(ippyo_point_is_infinity(p), ==, 1);
	}
	/* (q - 1) + 1 = 0 wraps */
	hex(QM1_HEX, bytes, 32);
	g_assert_cmpint(ippyo_scalar_parse(qm1, bytes, 32), ==, 0);
	g_assert_cmpint(ippyo_scalar_set_u64(one, 1), ==, 0);
	g_assert_cmpint(ippyo_scalar_add(c, qm1, one), ==, 0);
	g_assert_cmpint(ippyo_scalar_is_zero(c), ==, 1);
	g_assert_cmpint(ippyo_scalar_neg(c, one), ==, 0);
	g_assert_cmpint(ippyo_scalar_eq(c, qm1), ==, 1);
	g_assert_cmpint(ippyo_scalar_get_u64(qm1, &v), ==, IPPYO_ERR_OVERFLOW);
	g_assert_cmpint(ippyo_scalar_set_u64(a, 0), ==, 0);
	g_assert_cmpint(ippyo_scalar_inv(c, a), ==, IPPYO_ERR_SCALAR_ZERO);

	ippyo_scalar_free(a);
	ippyo_scalar_free(b);
	ippyo_scalar_free(c);
	ippyo_scalar_free(qm1);
	ippyo_scalar_free(one);
	ippyo_point_free(p);
	ippyo_point_free(q);
	ippyo_point_free(r);
}

static void
test_from_wide(void)
{
	uint8_t wide[64] = { 0 }, out[32], q[32];
	ippyo_scalar *s = ippyo_scalar_new();

	/* q itself, as 64 bytes, reduces to 0; q + 5 to 5. */
	hex(Q_HEX, q, 32);
	memcpy(wide + 32, q, 32);
	g_assert_cmpint(ippyo_scalar_from_wide(s, wide, 64), ==, 0);
	g_assert_cmpint(ippyo_scalar_is_zero(s), ==, 1);
	wide[63] += 5;
	g_assert_cmpint(ippyo_scalar_from_wide(s, wide, 64), ==, 0);
	g_assert_cmpint(ippyo_scalar_serialize(s, out), ==, 0);
	g_assert_cmpuint(out[31], ==, 5);
	g_assert_cmpint(ippyo_scalar_from_wide(s, wide, 32), ==, IPPYO_ERR_INVALID_ARGUMENT);
	ippyo_scalar_free(s);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ippyo/group/point-roundtrip", test_point_roundtrip);
	g_test_add_func("/ippyo/group/point-rejects", test_point_rejects);
	g_test_add_func("/ippyo/group/point-parse-matches-openssl", test_point_parse_matches_openssl);
	g_test_add_func("/ippyo/group/point-encoding-cache", test_point_encoding_cache);
	g_test_add_func("/ippyo/group/scalar-rejects", test_scalar_rejects);
	g_test_add_func("/ippyo/group/arithmetic", test_arithmetic);
	g_test_add_func("/ippyo/group/from-wide", test_from_wide);
	return g_test_run();
}
