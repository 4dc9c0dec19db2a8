/* ippyo — Chaum–Pedersen proofs of equality of discrete logs on P-256. */
#include "chaum-pedersen.h"

#include <string.h>

#include <openssl/crypto.h>

#include "../error.h"

struct ippyo_cp_proof {
	ippyo_point *a;
	ippyo_point *b;
	ippyo_scalar *z;
};

ippyo_cp_proof *
ippyo_cp_proof_new(void)
{
	ippyo_cp_proof *p = OPENSSL_zalloc(sizeof(*p));

	if (p == NULL)
		return NULL;
	if ((p->a = ippyo_point_new()) == NULL || (p->b = ippyo_point_new()) == NULL ||
	    (p->z = ippyo_scalar_new()) == NULL) {
		ippyo_cp_proof_free(p);
		return NULL;
	}
	return p;
}

void
ippyo_cp_proof_free(ippyo_cp_proof *p)
{
	if (p == NULL)
		return;
	ippyo_point_free(p->a);
	ippyo_point_free(p->b);
	ippyo_scalar_free(p->z);
	OPENSSL_free(p);
}

int
ippyo_cp_proof_copy(ippyo_cp_proof *dst, const ippyo_cp_proof *src)
{
	int e;

	if ((e = ippyo_point_copy(dst->a, src->a)) != 0 ||
	    (e = ippyo_point_copy(dst->b, src->b)) != 0)
		return e;
	return ippyo_scalar_copy(dst->z, src->z);
}

const ippyo_point *
ippyo_cp_proof_a(const ippyo_cp_proof *p)
{
	return p->a;
}

const ippyo_point *
ippyo_cp_proof_b(const ippyo_cp_proof *p)
{
	return p->b;
}

const ippyo_scalar *
ippyo_cp_proof_response(const ippyo_cp_proof *p)
{
	return p->z;
}

int
ippyo_cp_challenge(ippyo_scalar *c, const ippyo_cp_context *ctx, const ippyo_point *X,
    const ippyo_point *A, const ippyo_point *D, const ippyo_point *a, const ippyo_point *b,
    ippyo_transcript **tout)
{
	ippyo_transcript *t = NULL;
	int e = IPPYO_ERR_ALLOC;

	if (tout != NULL)
		*tout = NULL;
	if ((t = ippyo_transcript_new(IPPYO_CP_TAG)) == NULL)
		goto out;
	if ((e = ippyo_transcript_put(t, ctx->election, sizeof(ctx->election))) != 0 ||
	    (e = ippyo_transcript_put_u32(t, ctx->trustee)) != 0 ||
	    (e = ippyo_transcript_put_point(t, ippyo_point_generator())) != 0 ||
	    (e = ippyo_transcript_put_point(t, X)) != 0 ||
	    (e = ippyo_transcript_put_point(t, A)) != 0 ||
	    (e = ippyo_transcript_put_point(t, D)) != 0 ||
	    (e = ippyo_transcript_put_point(t, a)) != 0 ||
	    (e = ippyo_transcript_put_point(t, b)) != 0)
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
ippyo_cp_prove_nonce(ippyo_cp_proof *p, const ippyo_cp_context *ctx, const ippyo_scalar *x,
    const ippyo_point *X, const ippyo_point *A, const ippyo_point *D, const ippyo_scalar *w)
{
	ippyo_scalar *c = NULL, *z = NULL;
	ippyo_point *a = NULL, *b = NULL;
	int e = IPPYO_ERR_ALLOC;

	if (ippyo_scalar_is_zero(w) || ippyo_scalar_is_zero(x))
		return IPPYO_ERR_SCALAR_ZERO;
	if ((c = ippyo_scalar_new()) == NULL || (z = ippyo_scalar_new()) == NULL ||
	    (a = ippyo_point_new()) == NULL || (b = ippyo_point_new()) == NULL)
		goto out;
	/* Both multiplications by the secret nonce are constant time. */
	if ((e = ippyo_point_mul_gen(a, w)) != 0 || (e = ippyo_point_mul(b, w, A)) != 0 ||
	    (e = ippyo_cp_challenge(c, ctx, X, A, D, a, b, NULL)) != 0 ||
	    (e = ippyo_scalar_mul(z, c, x)) != 0 || (e = ippyo_scalar_add(z, z, w)) != 0)
		goto out;
	if ((e = ippyo_point_copy(p->a, a)) != 0 || (e = ippyo_point_copy(p->b, b)) != 0 ||
	    (e = ippyo_scalar_copy(p->z, z)) != 0)
		goto out;
out:
	ippyo_scalar_free(c);
	ippyo_scalar_free(z);
	ippyo_point_free(a);
	ippyo_point_free(b);
	return e;
}

int
ippyo_cp_prove(ippyo_cp_proof *p, const ippyo_cp_context *ctx, const ippyo_scalar *x,
    const ippyo_point *X, const ippyo_point *A, const ippyo_point *D)
{
	ippyo_scalar *w;
	int e;

	if ((w = ippyo_scalar_new()) == NULL)
		return IPPYO_ERR_ALLOC;
	if ((e = ippyo_scalar_random(w)) == 0)
		e = ippyo_cp_prove_nonce(p, ctx, x, X, A, D, w);
	ippyo_scalar_free(w);
	return e;
}

int
ippyo_cp_verify(const ippyo_cp_proof *p, const ippyo_cp_context *ctx,
    const ippyo_point *X, const ippyo_point *A, const ippyo_point *D)
{
	ippyo_scalar *c = NULL, *nc = NULL;
	ippyo_point *V = NULL, *W = NULL;
	int e = IPPYO_ERR_ALLOC, eq;

	if (ippyo_point_is_infinity(X) || ippyo_point_is_infinity(A) ||
	    ippyo_point_is_infinity(D) || ippyo_point_is_infinity(p->a) ||
	    ippyo_point_is_infinity(p->b))
		return IPPYO_ERR_BAD_PROOF;
	if ((c = ippyo_scalar_new()) == NULL || (nc = ippyo_scalar_new()) == NULL ||
	    (V = ippyo_point_new()) == NULL || (W = ippyo_point_new()) == NULL)
		goto out;
	if ((e = ippyo_cp_challenge(c, ctx, X, A, D, p->a, p->b, NULL)) != 0 ||
	    (e = ippyo_scalar_neg(nc, c)) != 0)
		goto out;
	/* z·G - c·X = a */
	if ((e = ippyo_point_mul2(V, p->z, nc, X)) != 0)
		goto out;
	if ((eq = ippyo_point_eq(V, p->a)) != 1) {
		e = eq < 0 ? eq : IPPYO_ERR_BAD_PROOF;
		goto out;
	}
	/* z·A - c·D = b (all values public) */
	if ((e = ippyo_point_mul(V, p->z, A)) != 0 || (e = ippyo_point_mul(W, c, D)) != 0 ||
	    (e = ippyo_point_sub(V, V, W)) != 0)
		goto out;
	if ((eq = ippyo_point_eq(V, p->b)) != 1) {
		e = eq < 0 ? eq : IPPYO_ERR_BAD_PROOF;
		goto out;
	}
	e = 0;
out:
	ippyo_scalar_free(c);
	ippyo_scalar_free(nc);
	ippyo_point_free(V);
	ippyo_point_free(W);
	return e;
}

int
ippyo_cp_proof_parse(ippyo_cp_proof *p, const uint8_t *in, size_t len)
{
	int e;

	if (len != IPPYO_CP_BYTES)
		return len < IPPYO_CP_BYTES ? IPPYO_ERR_TRUNCATED : IPPYO_ERR_TRAILING;
	if ((e = ippyo_point_parse(p->a, in, IPPYO_POINT_BYTES)) != 0 ||
	    (e = ippyo_point_parse(p->b, in + IPPYO_POINT_BYTES, IPPYO_POINT_BYTES)) != 0 ||
	    (e = ippyo_scalar_parse(p->z, in + 2 * IPPYO_POINT_BYTES, IPPYO_SCALAR_BYTES)) != 0) {
		if (ippyo_point_set_infinity(p->a) != 0) {
			/* keep the parse error */
		}
		if (ippyo_point_set_infinity(p->b) != 0) {
			/* keep the parse error */
		}
		return e;
	}
	return 0;
}

int
ippyo_cp_proof_serialize(const ippyo_cp_proof *p, uint8_t out[IPPYO_CP_BYTES])
{
	int e;

	if ((e = ippyo_point_serialize(p->a, out)) != 0 ||
	    (e = ippyo_point_serialize(p->b, out + IPPYO_POINT_BYTES)) != 0 ||
	    (e = ippyo_scalar_serialize(p->z, out + 2 * IPPYO_POINT_BYTES)) != 0) {
		memset(out, 0, IPPYO_CP_BYTES);
		return e;
	}
	return 0;
}
