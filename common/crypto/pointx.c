/* ippyo — point helpers private to common/crypto/ (see pointx.h). */
#include "pointx.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>

#include "../error.h"

#define FE_BYTES 32
#define FE_WORDS (FE_BYTES / (int)sizeof(BN_ULONG))

/*
 * The Jacobian-coordinate accessors and EC_POINTs_make_affine are
 * deprecated in OpenSSL 3.0 but are the only public way to encode many
 * points with one inversion and to select between points without a branch.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

static int
get_jacobian(const EC_GROUP *g, const EC_POINT *p, BIGNUM *x, BIGNUM *y, BIGNUM *z, BN_CTX *ctx)
{
	return EC_POINT_get_Jprojective_coordinates_GFp(g, p, x, y, z, ctx) == 1 ?
	    0 : IPPYO_ERR_INTERNAL;
}

static int
set_jacobian(const EC_GROUP *g, EC_POINT *p, const BIGNUM *x, const BIGNUM *y, const BIGNUM *z,
    BN_CTX *ctx)
{
	return EC_POINT_set_Jprojective_coordinates_GFp(g, p, x, y, z, ctx) == 1 ?
	    0 : IPPYO_ERR_INTERNAL;
}

static int
make_affine(const EC_GROUP *g, size_t n, EC_POINT **p, BN_CTX *ctx)
{
	return EC_POINTs_make_affine(g, n, p, ctx) == 1 ? 0 : IPPYO_ERR_INTERNAL;
}

#pragma GCC diagnostic pop

/* SEC1 compressed form of an affine point from its coordinates. */
static int
encode_affine(const BIGNUM *x, const BIGNUM *y, uint8_t out[IPPYO_POINT_BYTES])
{
	out[0] = BN_is_odd(y) ? 0x03 : 0x02;
	return BN_bn2binpad(x, out + 1, FE_BYTES) == FE_BYTES ? 0 : IPPYO_ERR_INTERNAL;
}

int
ippyo_points_serialize(size_t n, const ippyo_point *const *p, uint8_t *out)
{
	const EC_GROUP *g = ippyo_group_ec();
	BN_CTX *ctx = NULL;
	BIGNUM *x, *y, *z;
	EC_POINT **tmp = NULL;
	size_t *idx = NULL, ntmp = 0;
	int r = IPPYO_ERR_INTERNAL;

	if (g == NULL)
		return IPPYO_ERR_INTERNAL;
	if (n == 0)
		return 0;
	memset(out, 0, n * IPPYO_POINT_BYTES);
	if ((ctx = BN_CTX_new()) == NULL)
		return IPPYO_ERR_ALLOC;
	BN_CTX_start(ctx);
	x = BN_CTX_get(ctx);
	y = BN_CTX_get(ctx);
	if ((z = BN_CTX_get(ctx)) == NULL)
		goto out;
	if ((tmp = OPENSSL_zalloc(n * sizeof(*tmp))) == NULL ||
	    (idx = OPENSSL_zalloc(n * sizeof(*idx))) == NULL) {
		r = IPPYO_ERR_ALLOC;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const EC_POINT *e = ippyo_point_ec_const(p[i]);
		const uint8_t *enc = ippyo_point_encoding(p[i]);

		if (enc != NULL) {
			/* parsed: its own bytes (never infinity) */
			memcpy(out + i * IPPYO_POINT_BYTES, enc, IPPYO_POINT_BYTES);
			continue;
		}
		if (EC_POINT_is_at_infinity(g, e) == 1) {
			r = IPPYO_ERR_POINT_INFINITY;
			goto out;
		}
		if ((r = get_jacobian(g, e, x, y, z, ctx)) != 0)
			goto out;
		if (BN_is_one(z)) {
			if ((r = encode_affine(x, y, out + i * IPPYO_POINT_BYTES)) != 0)
				goto out;
			continue;
		}
		r = IPPYO_ERR_ALLOC;
		if ((tmp[ntmp] = EC_POINT_dup(e, g)) == NULL)
			goto out;
		idx[ntmp++] = i;
	}
	if (ntmp == 1) {
		/* One inversion either way: let OpenSSL's own encoder do it. */
		if (EC_POINT_point2oct(g, tmp[0], POINT_CONVERSION_COMPRESSED,
		    out + idx[0] * IPPYO_POINT_BYTES, IPPYO_POINT_BYTES, ctx) != IPPYO_POINT_BYTES) {
			r = IPPYO_ERR_INTERNAL;
			goto out;
		}
	} else if (ntmp > 1) {
		if ((r = make_affine(g, ntmp, tmp, ctx)) != 0)
			goto out;
		for (size_t k = 0; k < ntmp; k++) {
			if ((r = get_jacobian(g, tmp[k], x, y, z, ctx)) != 0)
				goto out;
			if (!BN_is_one(z)) {
				r = IPPYO_ERR_INTERNAL;
				goto out;
			}
			if ((r = encode_affine(x, y, out + idx[k] * IPPYO_POINT_BYTES)) != 0)
				goto out;
		}
	}
	r = 0;
out:
	if (r != 0)
		memset(out, 0, n * IPPYO_POINT_BYTES);
	if (tmp != NULL) {
		for (size_t k = 0; k < ntmp; k++)
			EC_POINT_free(tmp[k]);
		OPENSSL_free(tmp);
	}
	OPENSSL_free(idx);
	BN_CTX_end(ctx);
	BN_CTX_free(ctx);
	return r;
}

int
ippyo_points_make_affine(size_t n, ippyo_point *const *p)
{
	const EC_GROUP *g = ippyo_group_ec();
	EC_POINT **e;
	BN_CTX *ctx;
	size_t k = 0;
	int r;

	if (g == NULL)
		return IPPYO_ERR_INTERNAL;
	if (n == 0)
		return 0;
	if ((e = OPENSSL_malloc(n * sizeof(*e))) == NULL)
		return IPPYO_ERR_ALLOC;
	if ((ctx = BN_CTX_new()) == NULL) {
		OPENSSL_free(e);
		return IPPYO_ERR_ALLOC;
	}
	for (size_t i = 0; i < n; i++)
		if (EC_POINT_is_at_infinity(g, ippyo_point_ec(p[i])) != 1)
			e[k++] = ippyo_point_ec(p[i]);
	r = k == 0 ? 0 : make_affine(g, k, e, ctx);
	OPENSSL_free(e);
	BN_CTX_free(ctx);
	return r;
}

/* dst[i] = cond ? a[i] : b[i] with a mask, no branch on cond. */
static void
select_bytes(uint8_t *dst, int cond, const uint8_t *a, const uint8_t *b, size_t len)
{
	uint8_t mask = (uint8_t)(0u - (unsigned)(cond & 1));

	for (size_t i = 0; i < len; i++)
		dst[i] = (uint8_t)((a[i] & mask) | (b[i] & (uint8_t)~mask));
}

int
ippyo_point_select(ippyo_point *r, int cond, const ippyo_point *p1, const ippyo_point *p0,
    BN_CTX *given)
{
	const EC_GROUP *g = ippyo_group_ec();
	BN_CTX *ctx = given;
	BIGNUM *c[6];
	int e = IPPYO_ERR_INTERNAL;

	if (g == NULL)
		return IPPYO_ERR_INTERNAL;
	/* The coordinates are public (both points are); which one is kept is not. */
	if (ctx == NULL && (ctx = BN_CTX_new()) == NULL)
		return IPPYO_ERR_ALLOC;
	BN_CTX_start(ctx);
	for (int i = 0; i < 6; i++)
		if ((c[i] = BN_CTX_get(ctx)) == NULL)
			goto out;
	/*
	 * BN_consttime_swap touches FE_WORDS words of each number: setting bit
	 * 255 first makes every one at least that long (a BIGNUM never shrinks).
	 */
	for (int i = 0; i < 6; i++) {
		if (BN_set_bit(c[i], 8 * FE_BYTES - 1) != 1)
			goto out;
		BN_set_flags(c[i], BN_FLG_CONSTTIME);
	}
	if ((e = get_jacobian(g, ippyo_point_ec_const(p0), c[0], c[1], c[2], ctx)) != 0 ||
	    (e = get_jacobian(g, ippyo_point_ec_const(p1), c[3], c[4], c[5], ctx)) != 0)
		goto out;
	/* c[0..2] = cond ? p1 : p0, by masks (words, top and sign), no branch on cond */
	for (int i = 0; i < 3; i++)
		BN_consttime_swap((BN_ULONG)(cond & 1), c[i], c[3 + i], FE_WORDS);
	e = set_jacobian(g, ippyo_point_ec(r), c[0], c[1], c[2], ctx);
out:
	BN_CTX_end(ctx);
	if (given == NULL)
		BN_CTX_free(ctx);
	return e;
}

int
ippyo_scalar_select(ippyo_scalar *r, int cond, const ippyo_scalar *s1, const ippyo_scalar *s0)
{
	uint8_t a[IPPYO_SCALAR_BYTES], b[IPPYO_SCALAR_BYTES], s[IPPYO_SCALAR_BYTES];
	int e;

	if ((e = ippyo_scalar_serialize(s1, a)) == 0 && (e = ippyo_scalar_serialize(s0, b)) == 0) {
		select_bytes(s, cond, a, b, sizeof(s));
		e = ippyo_scalar_parse(r, s, sizeof(s));
	}
	OPENSSL_cleanse(a, sizeof(a));
	OPENSSL_cleanse(b, sizeof(b));
	OPENSSL_cleanse(s, sizeof(s));
	return e;
}
