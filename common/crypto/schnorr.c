/* ippyo — Schnorr proofs of knowledge on P-256. */
#include "schnorr.h"

#include <string.h>

#include <openssl/crypto.h>

#include "../error.h"

struct ippyo_schnorr_proof {
	ippyo_point *R;
	ippyo_scalar *z;
};

ippyo_schnorr_proof *
ippyo_schnorr_proof_new(void)
{
	ippyo_schnorr_proof *p = OPENSSL_zalloc(sizeof(*p));

	if (p == NULL)
		return NULL;
	if ((p->R = ippyo_point_new()) == NULL || (p->z = ippyo_scalar_new()) == NULL) {
		ippyo_schnorr_proof_free(p);
		return NULL;
	}
	return p;
}

void
ippyo_schnorr_proof_free(ippyo_schnorr_proof *p)
{
	if (p == NULL)
		return;
	ippyo_point_free(p->R);
	ippyo_scalar_free(p->z);
	OPENSSL_free(p);
}

int
ippyo_schnorr_proof_copy(ippyo_schnorr_proof *dst, const ippyo_schnorr_proof *src)
{
	int e;

	if ((e = ippyo_point_copy(dst->R, src->R)) != 0)
		return e;
	return ippyo_scalar_copy(dst->z, src->z);
}

const ippyo_point *
ippyo_schnorr_proof_commitment(const ippyo_schnorr_proof *p)
{
	return p->R;
}

const ippyo_scalar *
ippyo_schnorr_proof_response(const ippyo_schnorr_proof *p)
{
	return p->z;
}

int
ippyo_schnorr_challenge(ippyo_scalar *c, const ippyo_schnorr_context *ctx,
    const ippyo_point *A, const ippyo_point *R, ippyo_transcript **tout)
{
	ippyo_transcript *t = NULL;
	int e = IPPYO_ERR_ALLOC;

	if (tout != NULL)
		*tout = NULL;
	if ((t = ippyo_transcript_new(IPPYO_SCHNORR_TAG)) == NULL)
		goto out;
	if ((e = ippyo_transcript_put(t, ctx->context, sizeof(ctx->context))) != 0 ||
	    (e = ippyo_transcript_put_u32(t, ctx->trustee)) != 0 ||
	    (e = ippyo_transcript_put_u32(t, ctx->coefficient)) != 0 ||
	    (e = ippyo_transcript_put_point(t, ippyo_point_generator())) != 0 ||
	    (e = ippyo_transcript_put_point(t, A)) != 0 ||
	    (e = ippyo_transcript_put_point(t, R)) != 0)
		goto out;
	if ((e = ippyo_transcript_challenge(t, c)) != 0)
		goto out;
	if (tout != NULL) {
		*tout = t;
		t = NULL;
	}
out:
	ippyo_transcript_free(t);
	return e;
}

int
ippyo_schnorr_prove_nonce(ippyo_schnorr_proof *p, const ippyo_schnorr_context *ctx,
    const ippyo_scalar *a, const ippyo_point *A, const ippyo_scalar *w)
{
	ippyo_scalar *c = NULL, *z = NULL;
	ippyo_point *R = NULL;
	int e = IPPYO_ERR_ALLOC;

	if (ippyo_scalar_is_zero(w) || ippyo_scalar_is_zero(a))
		return IPPYO_ERR_SCALAR_ZERO;
	if ((c = ippyo_scalar_new()) == NULL || (z = ippyo_scalar_new()) == NULL ||
	    (R = ippyo_point_new()) == NULL)
		goto out;
	if ((e = ippyo_point_mul_gen(R, w)) != 0 ||
	    (e = ippyo_schnorr_challenge(c, ctx, A, R, NULL)) != 0 ||
	    (e = ippyo_scalar_mul(z, c, a)) != 0 ||
	    (e = ippyo_scalar_add(z, z, w)) != 0)
		goto out;
	if ((e = ippyo_point_copy(p->R, R)) != 0 || (e = ippyo_scalar_copy(p->z, z)) != 0)
		goto out;
out:
	ippyo_scalar_free(c);
	ippyo_scalar_free(z);
	ippyo_point_free(R);
	return e;
}

int
ippyo_schnorr_prove(ippyo_schnorr_proof *p, const ippyo_schnorr_context *ctx,
    const ippyo_scalar *a, const ippyo_point *A)
{
	ippyo_scalar *w;
	int e;

	if ((w = ippyo_scalar_new()) == NULL)
		return IPPYO_ERR_ALLOC;
	if ((e = ippyo_scalar_random(w)) == 0)
		e = ippyo_schnorr_prove_nonce(p, ctx, a, A, w);
	ippyo_scalar_free(w);
	return e;
}

int
ippyo_schnorr_verify(const ippyo_schnorr_proof *p, const ippyo_schnorr_context *ctx,
    const ippyo_point *A)
{
	ippyo_scalar *c = NULL;
	ippyo_point *V = NULL;
	int e = IPPYO_ERR_ALLOC, eq;

	if (ippyo_point_is_infinity(A) || ippyo_point_is_infinity(p->R))
		return IPPYO_ERR_BAD_PROOF;
	if ((c = ippyo_scalar_new()) == NULL || (V = ippyo_point_new()) == NULL)
		goto out;
	if ((e = ippyo_schnorr_challenge(c, ctx, A, p->R, NULL)) != 0)
		goto out;
	/* V = z·G - c·A must equal R. */
	if ((e = ippyo_scalar_neg(c, c)) != 0 || (e = ippyo_point_mul2(V, p->z, c, A)) != 0)
		goto out;
	if ((eq = ippyo_point_eq(V, p->R)) < 0) {
		e = eq;
		goto out;
	}
	e = eq == 1 ? 0 : IPPYO_ERR_BAD_PROOF;
out:
	ippyo_scalar_free(c);
	ippyo_point_free(V);
	return e;
}

int
ippyo_schnorr_proof_parse(ippyo_schnorr_proof *p, const uint8_t *in, size_t len)
{
	int e;

	if (len != IPPYO_SCHNORR_BYTES)
		return len < IPPYO_SCHNORR_BYTES ? IPPYO_ERR_TRUNCATED : IPPYO_ERR_TRAILING;
	if ((e = ippyo_point_parse(p->R, in, IPPYO_POINT_BYTES)) != 0 ||
	    (e = ippyo_scalar_parse(p->z, in + IPPYO_POINT_BYTES, IPPYO_SCALAR_BYTES)) != 0) {
		if (ippyo_point_set_infinity(p->R) != 0) {
			/* keep the parse error */
		}
		return e;
	}
	return 0;
}

int
ippyo_schnorr_proof_serialize(const ippyo_schnorr_proof *p, uint8_t out[IPPYO_SCHNORR_BYTES])
{
	int e;

	if ((e = ippyo_point_serialize(p->R, out)) != 0 ||
	    (e = ippyo_scalar_serialize(p->z, out + IPPYO_POINT_BYTES)) != 0) {
		memset(out, 0, IPPYO_SCHNORR_BYTES);
		return e;
	}
	return 0;
}
