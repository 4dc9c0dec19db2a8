/* ippyo — NIST P-256 points and scalars on OpenSSL's EC_* and BN_*. */
#include "group.h"
#include "pointx.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <openssl/rand.h>

#include "../error.h"

struct ippyo_point {
	EC_POINT *p;
	/*
	 * The encoding the point was parsed from (or last serialized to), while
	 * enc_ok: a parsed point serializes without field arithmetic (OpenSSL's
	 * point2oct inverts Z even when it is 1). Every write to p clears it.
	 */
	int enc_ok;
	uint8_t enc[IPPYO_POINT_BYTES];
};

struct ippyo_scalar {
	BIGNUM *n;
};

struct ippyo_base {
	EC_GROUP *group;   /* P-256 with P as generator and its table */
	ippyo_point *point;
};

static CRYPTO_ONCE group_once = CRYPTO_ONCE_STATIC_INIT;
static EC_GROUP *group;
static BIGNUM *order;
static BN_MONT_CTX *order_mont;
static ippyo_point generator;
/*
 * For decompressing points: the field prime p, the curve's b, Montgomery
 * arithmetic mod p set up once, and (p + 1)/4 (p ≡ 3 mod 4, so a square
 * root of a square u is u^((p+1)/4)).
 */
static struct {
	BIGNUM *p, *b, *sqrt_exp;
	BN_MONT_CTX *mont;
} field;
/* Each thread's BN_CTX for the point arithmetic on public values. */
static CRYPTO_THREAD_LOCAL ctx_key;

static void
ctx_free(void *c)
{
	BN_CTX_free(c);
}

static void
group_setup(void)
{
	EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	BIGNUM *q = BN_new();
	BN_MONT_CTX *mont = BN_MONT_CTX_new();
	EC_POINT *gen = NULL;
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *fp = BN_new(), *fa = BN_new(), *fb = BN_new(), *fe = BN_new();
	BN_MONT_CTX *fmont = BN_MONT_CTX_new();

	if (g == NULL || q == NULL || mont == NULL || ctx == NULL || fp == NULL ||
	    fa == NULL || fb == NULL || fe == NULL || fmont == NULL)
		goto fail;
	if (EC_GROUP_get_order(g, q, ctx) != 1 || BN_MONT_CTX_set(mont, q, ctx) != 1)
		goto fail;
	if (EC_GROUP_get_curve(g, fp, fa, fb, ctx) != 1 || BN_MONT_CTX_set(fmont, fp, ctx) != 1 ||
	    BN_mod_word(fp, 4) != 3 || BN_copy(fe, fp) == NULL || BN_add_word(fe, 1) != 1 ||
	    BN_rshift(fe, fe, 2) != 1)
		goto fail;
	if ((gen = EC_POINT_dup(EC_GROUP_get0_generator(g), g)) == NULL)
		goto fail;
	if (CRYPTO_THREAD_init_local(&ctx_key, ctx_free) != 1)
		goto fail;
	BN_set_flags(q, BN_FLG_CONSTTIME);
	group = g;
	order = q;
	order_mont = mont;
	generator.p = gen;
	field.p = fp;
	field.b = fb;
	field.sqrt_exp = fe;
	field.mont = fmont;
	BN_free(fa);
	BN_CTX_free(ctx);
	return;
fail:
	BN_free(fp);
	BN_free(fa);
	BN_free(fb);
	BN_free(fe);
	BN_MONT_CTX_free(fmont);
	EC_GROUP_free(g);
	BN_free(q);
	BN_MONT_CTX_free(mont);
	EC_POINT_free(gen);
	BN_CTX_free(ctx);
}

int
ippyo_group_init(void)
{
	if (CRYPTO_THREAD_run_once(&group_once, group_setup) != 1 || group == NULL)
		return IPPYO_ERR_INTERNAL;
	return 0;
}

/*
 * This thread's BN_CTX, made on first use and freed when the thread ends:
 * without one, every EC_POINT_add makes and frees its own (about half the
 * cost of an addition). NULL if it cannot be made: OpenSSL then makes one.
 */
static BN_CTX *
thread_ctx(void)
{
	BN_CTX *c = CRYPTO_THREAD_get_local(&ctx_key);

	if (c == NULL && (c = BN_CTX_new()) != NULL && CRYPTO_THREAD_set_local(&ctx_key, c) != 1) {
		BN_CTX_free(c);
		c = NULL;
	}
	return c;
}

#define GROUP_OR_FAIL() do { \
	if (ippyo_group_init() != 0) \
		return IPPYO_ERR_INTERNAL; \
} while (0)

const EC_GROUP *
ippyo_group_ec(void)
{
	return ippyo_group_init() == 0 ? group : NULL;
}

const BIGNUM *
ippyo_group_order(void)
{
	return ippyo_group_init() == 0 ? order : NULL;
}

/* ---- points ---- */

ippyo_point *
ippyo_point_new(void)
{
	ippyo_point *p;

	if (ippyo_group_init() != 0 || (p = OPENSSL_zalloc(sizeof(*p))) == NULL)
		return NULL;
	if ((p->p = EC_POINT_new(group)) == NULL) {
		OPENSSL_free(p);
		return NULL;
	}
	return p;
}

void
ippyo_point_free(ippyo_point *p)
{
	if (p == NULL)
		return;
	EC_POINT_clear_free(p->p);
	OPENSSL_free(p);
}

ippyo_point *
ippyo_point_dup(const ippyo_point *src)
{
	ippyo_point *p = ippyo_point_new();

	if (p != NULL && ippyo_point_copy(p, src) != 0) {
		ippyo_point_free(p);
		return NULL;
	}
	return p;
}

int
ippyo_point_copy(ippyo_point *dst, const ippyo_point *src)
{
	if (EC_POINT_copy(dst->p, src->p) != 1) {
		dst->enc_ok = 0;
		return IPPYO_ERR_INTERNAL;
	}
	if (dst != src) {
		dst->enc_ok = src->enc_ok;
		memcpy(dst->enc, src->enc, IPPYO_POINT_BYTES);
	}
	return 0;
}

EC_POINT *
ippyo_point_ec(ippyo_point *p)
{
	p->enc_ok = 0;
	return p->p;
}

const EC_POINT *
ippyo_point_ec_const(const ippyo_point *p)
{
	return p->p;
}

const uint8_t *
ippyo_point_encoding(const ippyo_point *p)
{
	return p->enc_ok ? p->enc : NULL;
}

const ippyo_point *
ippyo_point_generator(void)
{
	return ippyo_group_init() == 0 ? &generator : NULL;
}

/*
 * y for x on y² = x³ − 3x + b with y's parity odd, or -1 if x is not the
 * x-coordinate of a point. Public data only: the square root is a plain
 * (not constant-time) exponentiation with the Montgomery context of p made
 * once; EC_POINT_oct2point would set one up on every call (a third of its
 * cost).
 */
static int
decompress_y(BIGNUM *y, const BIGNUM *x, int odd, BN_CTX *ctx)
{
	BIGNUM *xm, *u, *t;
	int r = IPPYO_ERR_INTERNAL;

	BN_CTX_start(ctx);
	xm = BN_CTX_get(ctx);
	u = BN_CTX_get(ctx);
	if ((t = BN_CTX_get(ctx)) == NULL)
		goto out;
	/* u = x³ − 3x + b, the cube in Montgomery form (x·R, then x²·R, x³·R) */
	if (BN_to_montgomery(xm, x, field.mont, ctx) != 1 ||
	    BN_mod_mul_montgomery(u, xm, xm, field.mont, ctx) != 1 ||
	    BN_mod_mul_montgomery(u, u, xm, field.mont, ctx) != 1 ||
	    BN_from_montgomery(u, u, field.mont, ctx) != 1 ||
	    BN_mod_lshift1_quick(t, x, field.p) != 1 ||
	    BN_mod_add_quick(t, t, x, field.p) != 1 ||
	    BN_mod_sub_quick(u, u, t, field.p) != 1 ||
	    BN_mod_add_quick(u, u, field.b, field.p) != 1)
		goto out;
	if (BN_mod_exp_mont(y, u, field.sqrt_exp, field.p, ctx, field.mont) != 1 ||
	    BN_mod_sqr(t, y, field.p, ctx) != 1)
		goto out;
	/* u has no square root: x is not on the curve */
	r = IPPYO_ERR_POINT_NOT_ON_CURVE;
	if (BN_cmp(t, u) != 0)
		goto out;
	if (BN_is_odd(y) != odd) {
		if (BN_is_zero(y) || BN_sub(y, field.p, y) != 1)
			goto out;
	}
	r = 0;
out:
	BN_CTX_end(ctx);
	return r;
}

int
ippyo_point_parse(ippyo_point *p, const uint8_t *in, size_t len)
{
	BN_CTX *ctx;
	BIGNUM *x, *y;
	int e;

	p->enc_ok = 0;
	GROUP_OR_FAIL();
	if (len != IPPYO_POINT_BYTES)
		return IPPYO_ERR_POINT_LENGTH;
	if (in[0] != 0x02 && in[0] != 0x03)
		return in[0] == 0x00 ? IPPYO_ERR_POINT_INFINITY : IPPYO_ERR_POINT_FORMAT;
	if ((ctx = thread_ctx()) == NULL)
		return IPPYO_ERR_ALLOC;
	BN_CTX_start(ctx);
	x = BN_CTX_get(ctx);
	e = IPPYO_ERR_ALLOC;
	if ((y = BN_CTX_get(ctx)) == NULL || BN_bin2bn(in + 1, IPPYO_POINT_BYTES - 1, x) == NULL)
		goto out;
	/* x must be a field element (< p), with a square root of x³ − 3x + b. */
	e = IPPYO_ERR_POINT_NOT_ON_CURVE;
	if (BN_cmp(x, field.p) >= 0 || (e = decompress_y(y, x, in[0] & 1, ctx)) != 0)
		goto out;
	/* OpenSSL 3 checks the point against the curve equation here as well. */
	e = IPPYO_ERR_POINT_NOT_ON_CURVE;
	if (EC_POINT_set_affine_coordinates(group, p->p, x, y, ctx) != 1)
		goto out;
	memcpy(p->enc, in, IPPYO_POINT_BYTES);
	p->enc_ok = 1;
	e = 0;
out:
	BN_CTX_end(ctx);
	if (e != 0)
		EC_POINT_set_to_infinity(group, p->p);
	return e;
}

int
ippyo_point_serialize(const ippyo_point *p, uint8_t out[IPPYO_POINT_BYTES])
{
	GROUP_OR_FAIL();
	if (p->enc_ok) {
		memcpy(out, p->enc, IPPYO_POINT_BYTES);
		return 0;
	}
	/* an affine point without OpenSSL's needless inversion (pointx.c) */
	return ippyo_points_serialize(1, &p, out);
}

int
ippyo_point_is_infinity(const ippyo_point *p)
{
	return ippyo_group_init() == 0 && EC_POINT_is_at_infinity(group, p->p) == 1;
}

int
ippyo_point_eq(const ippyo_point *a, const ippyo_point *b)
{
	int r;

	GROUP_OR_FAIL();
	r = EC_POINT_cmp(group, a->p, b->p, thread_ctx());
	if (r < 0)
		return IPPYO_ERR_INTERNAL;
	return r == 0;
}

int
ippyo_point_set_infinity(ippyo_point *p)
{
	p->enc_ok = 0;
	GROUP_OR_FAIL();
	return EC_POINT_set_to_infinity(group, p->p) == 1 ? 0 : IPPYO_ERR_INTERNAL;
}

int
ippyo_point_add(ippyo_point *r, const ippyo_point *a, const ippyo_point *b)
{
	r->enc_ok = 0;
	GROUP_OR_FAIL();
	return EC_POINT_add(group, r->p, a->p, b->p, thread_ctx()) == 1 ? 0 : IPPYO_ERR_INTERNAL;
}

int
ippyo_point_neg(ippyo_point *r, const ippyo_point *a)
{
	r->enc_ok = 0;
	GROUP_OR_FAIL();
	if (r != a && EC_POINT_copy(r->p, a->p) != 1)
		return IPPYO_ERR_INTERNAL;
	return EC_POINT_invert(group, r->p, thread_ctx()) == 1 ? 0 : IPPYO_ERR_INTERNAL;
}

int
ippyo_point_sub(ippyo_point *r, const ippyo_point *a, const ippyo_point *b)
{
	r->enc_ok = 0;
	EC_POINT *nb;
	int ok;

	GROUP_OR_FAIL();
	if ((nb = EC_POINT_dup(b->p, group)) == NULL)
		return IPPYO_ERR_ALLOC;
	ok = EC_POINT_invert(group, nb, thread_ctx()) == 1 &&
	    EC_POINT_add(group, r->p, a->p, nb, thread_ctx()) == 1;
	EC_POINT_free(nb);
	return ok ? 0 : IPPYO_ERR_INTERNAL;
}

int
ippyo_point_dbl(ippyo_point *r, const ippyo_point *a)
{
	r->enc_ok = 0;
	GROUP_OR_FAIL();
	return EC_POINT_dbl(group, r->p, a->p, thread_ctx()) == 1 ? 0 : IPPYO_ERR_INTERNAL;
}

int
ippyo_point_mul_gen(ippyo_point *r, const ippyo_scalar *k)
{
	r->enc_ok = 0;
	GROUP_OR_FAIL();
	return EC_POINT_mul(group, r->p, k->n, NULL, NULL, NULL) == 1 ? 0 : IPPYO_ERR_INTERNAL;
}

int
ippyo_point_mul(ippyo_point *r, const ippyo_scalar *k, const ippyo_point *p)
{
	r->enc_ok = 0;
	GROUP_OR_FAIL();
	return EC_POINT_mul(group, r->p, NULL, p->p, k->n, NULL) == 1 ? 0 : IPPYO_ERR_INTERNAL;
}

int
ippyo_point_mul2(ippyo_point *r, const ippyo_scalar *a, const ippyo_scalar *b,
    const ippyo_point *p)
{
	r->enc_ok = 0;
	GROUP_OR_FAIL();
	return EC_POINT_mul(group, r->p, a->n, p->p, b->n, thread_ctx()) == 1 ? 0 : IPPYO_ERR_INTERNAL;
}

/* ---- fixed bases ---- */

/* EC_GROUP_precompute_mult is deprecated in OpenSSL 3.0 but is the only public
 * way to get a precomputed table for a base other than the curve's G. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static int
precompute(EC_GROUP *g)
{
	return EC_GROUP_precompute_mult(g, NULL);
}
#pragma GCC diagnostic pop

ippyo_base *
ippyo_base_new(const ippyo_point *p)
{
	ippyo_base *b = NULL;

	if (ippyo_group_init() != 0 || EC_POINT_is_at_infinity(group, p->p) == 1)
		return NULL;
	if ((b = OPENSSL_zalloc(sizeof(*b))) == NULL)
		return NULL;
	if ((b->group = EC_GROUP_dup(group)) == NULL || (b->point = ippyo_point_dup(p)) == NULL)
		goto fail;
	if (EC_GROUP_set_generator(b->group, p->p, order, BN_value_one()) != 1)
		goto fail;
	if (precompute(b->group) != 1)
		goto fail;
	return b;
fail:
	ippyo_base_free(b);
	return NULL;
}

void
ippyo_base_free(ippyo_base *b)
{
	if (b == NULL)
		return;
	EC_GROUP_free(b->group);
	ippyo_point_free(b->point);
	OPENSSL_free(b);
}

const ippyo_point *
ippyo_base_point(const ippyo_base *b)
{
	return b->point;
}

int
ippyo_base_mul(ippyo_point *r, const ippyo_base *b, const ippyo_scalar *k)
{
	r->enc_ok = 0;
	return EC_POINT_mul(b->group, r->p, k->n, NULL, NULL, NULL) == 1 ? 0 : IPPYO_ERR_INTERNAL;
}

int
ippyo_base_mul2(ippyo_point *r, const ippyo_base *b, const ippyo_scalar *a,
    const ippyo_scalar *c, const ippyo_point *q)
{
	r->enc_ok = 0;
	return EC_POINT_mul(b->group, r->p, a->n, q->p, c->n, thread_ctx()) == 1 ? 0 : IPPYO_ERR_INTERNAL;
}

/* ---- scalars ---- */

ippyo_scalar *
ippyo_scalar_new(void)
{
	ippyo_scalar *s;

	if (ippyo_group_init() != 0 || (s = OPENSSL_zalloc(sizeof(*s))) == NULL)
		return NULL;
	if ((s->n = BN_secure_new()) == NULL) {
		OPENSSL_free(s);
		return NULL;
	}
	BN_set_flags(s->n, BN_FLG_CONSTTIME);
	return s;
}

void
ippyo_scalar_free(ippyo_scalar *s)
{
	if (s == NULL)
		return;
	BN_clear_free(s->n);
	OPENSSL_free(s);
}

ippyo_scalar *
ippyo_scalar_dup(const ippyo_scalar *src)
{
	ippyo_scalar *s = ippyo_scalar_new();

	if (s != NULL && ippyo_scalar_copy(s, src) != 0) {
		ippyo_scalar_free(s);
		return NULL;
	}
	return s;
}

int
ippyo_scalar_copy(ippyo_scalar *dst, const ippyo_scalar *src)
{
	if (BN_copy(dst->n, src->n) == NULL)
		return IPPYO_ERR_INTERNAL;
	BN_set_flags(dst->n, BN_FLG_CONSTTIME);
	return 0;
}

BIGNUM *
ippyo_scalar_bn(ippyo_scalar *s)
{
	return s->n;
}

const BIGNUM *
ippyo_scalar_bn_const(const ippyo_scalar *s)
{
	return s->n;
}

int
ippyo_scalar_parse(ippyo_scalar *s, const uint8_t *in, size_t len)
{
	GROUP_OR_FAIL();
	if (len != IPPYO_SCALAR_BYTES)
		return IPPYO_ERR_SCALAR_LENGTH;
	if (BN_bin2bn(in, (int)len, s->n) == NULL)
		return IPPYO_ERR_INTERNAL;
	if (BN_cmp(s->n, order) >= 0) {
		BN_zero(s->n);
		return IPPYO_ERR_SCALAR_UNREDUCED;
	}
	return 0;
}

int
ippyo_scalar_serialize(const ippyo_scalar *s, uint8_t out[IPPYO_SCALAR_BYTES])
{
	return BN_bn2binpad(s->n, out, IPPYO_SCALAR_BYTES) == IPPYO_SCALAR_BYTES ?
	    0 : IPPYO_ERR_INTERNAL;
}

int
ippyo_scalar_set_u64(ippyo_scalar *s, uint64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (56 - 8 * i));
	return BN_bin2bn(b, sizeof(b), s->n) != NULL ? 0 : IPPYO_ERR_INTERNAL;
}

int
ippyo_scalar_get_u64(const ippyo_scalar *s, uint64_t *out)
{
	uint8_t b[8];
	uint64_t v = 0;

	*out = 0;
	if (BN_num_bytes(s->n) > 8)
		return IPPYO_ERR_OVERFLOW;
	if (BN_bn2binpad(s->n, b, sizeof(b)) != sizeof(b))
		return IPPYO_ERR_INTERNAL;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | b[i];
	*out = v;
	return 0;
}

int
ippyo_scalar_random(ippyo_scalar *s)
{
	GROUP_OR_FAIL();
	do {
		if (BN_priv_rand_range(s->n, order) != 1)
			return IPPYO_ERR_RANDOM;
	} while (BN_is_zero(s->n));
	return 0;
}

int
ippyo_scalar_random_bits(ippyo_scalar *s, int bits)
{
	if (bits < 1 || bits > 256)
		return IPPYO_ERR_INVALID_ARGUMENT;
	GROUP_OR_FAIL();
	do {
		if (BN_priv_rand(s->n, bits, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1)
			return IPPYO_ERR_RANDOM;
	} while (BN_cmp(s->n, order) >= 0);
	return 0;
}

int
ippyo_scalar_from_wide(ippyo_scalar *s, const uint8_t *in, size_t len)
{
	BIGNUM *w = NULL;
	BN_CTX *ctx = NULL;
	int r = IPPYO_ERR_INTERNAL;

	GROUP_OR_FAIL();
	if (len < 48 || len > 128)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if ((w = BN_secure_new()) == NULL || (ctx = BN_CTX_secure_new()) == NULL)
		goto out;
	BN_set_flags(w, BN_FLG_CONSTTIME);
	if (BN_bin2bn(in, (int)len, w) == NULL)
		goto out;
	/* With BN_FLG_CONSTTIME set, BN_div takes its constant-time path. */
	if (BN_nnmod(s->n, w, order, ctx) != 1)
		goto out;
	BN_set_flags(s->n, BN_FLG_CONSTTIME);
	r = 0;
out:
	BN_clear_free(w);
	BN_CTX_free(ctx);
	return r;
}

int
ippyo_scalar_is_zero(const ippyo_scalar *s)
{
	return BN_is_zero(s->n);
}

int
ippyo_scalar_eq(const ippyo_scalar *a, const ippyo_scalar *b)
{
	uint8_t x[IPPYO_SCALAR_BYTES], y[IPPYO_SCALAR_BYTES];
	int eq;

	if (ippyo_scalar_serialize(a, x) != 0 || ippyo_scalar_serialize(b, y) != 0)
		return 0;
	eq = CRYPTO_memcmp(x, y, sizeof(x)) == 0;
	OPENSSL_cleanse(x, sizeof(x));
	OPENSSL_cleanse(y, sizeof(y));
	return eq;
}

int
ippyo_scalar_add(ippyo_scalar *r, const ippyo_scalar *a, const ippyo_scalar *b)
{
	GROUP_OR_FAIL();
	/* Inputs are below q: the quick form suffices (constant time in 3.x). */
	return BN_mod_add_quick(r->n, a->n, b->n, order) == 1 ? 0 : IPPYO_ERR_INTERNAL;
}

int
ippyo_scalar_neg(ippyo_scalar *r, const ippyo_scalar *a)
{
	GROUP_OR_FAIL();
	if (BN_is_zero(a->n)) {
		BN_zero(r->n);
		return 0;
	}
	return BN_sub(r->n, order, a->n) == 1 ? 0 : IPPYO_ERR_INTERNAL;
}

int
ippyo_scalar_sub(ippyo_scalar *r, const ippyo_scalar *a, const ippyo_scalar *b)
{
	ippyo_scalar *nb = ippyo_scalar_new();
	int e;

	if (nb == NULL)
		return IPPYO_ERR_ALLOC;
	if ((e = ippyo_scalar_neg(nb, b)) == 0)
		e = ippyo_scalar_add(r, a, nb);
	ippyo_scalar_free(nb);
	return e;
}

int
ippyo_scalar_mul(ippyo_scalar *r, const ippyo_scalar *a, const ippyo_scalar *b)
{
	BN_CTX *ctx;
	BIGNUM *t;
	int ok = 0;

	GROUP_OR_FAIL();
	if ((ctx = BN_CTX_secure_new()) == NULL)
		return IPPYO_ERR_ALLOC;
	BN_CTX_start(ctx);
	if ((t = BN_CTX_get(ctx)) == NULL)
		goto out;
	BN_set_flags(t, BN_FLG_CONSTTIME);
	/* (a·R)·b·R⁻¹ = a·b: two Montgomery products, no division. */
	ok = BN_to_montgomery(t, a->n, order_mont, ctx) == 1 &&
	    BN_mod_mul_montgomery(r->n, t, b->n, order_mont, ctx) == 1;
	BN_set_flags(r->n, BN_FLG_CONSTTIME);
out:
	BN_CTX_end(ctx);
	BN_CTX_free(ctx);
	return ok ? 0 : IPPYO_ERR_INTERNAL;
}

int
ippyo_scalar_inv(ippyo_scalar *r, const ippyo_scalar *a)
{
	BN_CTX *ctx;
	int ok;

	GROUP_OR_FAIL();
	if (BN_is_zero(a->n))
		return IPPYO_ERR_SCALAR_ZERO;
	if ((ctx = BN_CTX_new()) == NULL)
		return IPPYO_ERR_ALLOC;
	ok = BN_mod_inverse(r->n, a->n, order, ctx) != NULL;
	BN_CTX_free(ctx);
	return ok ? 0 : IPPYO_ERR_INTERNAL;
}
