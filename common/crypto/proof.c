/* ippyo — disjunctive Chaum–Pedersen range proofs (selection and contest proofs). */
#include "proof.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>

#include "../error.h"
#include "batch.h"
#include "hash.h"
#include "pointx.h"

#define TAG_SELECTION "ippyo/v1/selection-proof"
#define TAG_CONTEST "ippyo/v1/contest-proof"

struct ippyo_range_proof {
	uint32_t min;
	uint32_t max;
	uint32_t n;          /* max − min + 1 branches */
	ippyo_point **a;
	ippyo_point **b;
	ippyo_scalar **c;
	ippyo_scalar **v;
};

/* ---- the object ---- */

ippyo_range_proof *
ippyo_range_proof_new(uint32_t min, uint32_t max)
{
	ippyo_range_proof *p;

	if (max < min || max - min >= IPPYO_RANGE_MAX_BRANCHES)
		return NULL;
	if ((p = OPENSSL_zalloc(sizeof(*p))) == NULL)
		return NULL;
	p->min = min;
	p->max = max;
	p->n = max - min + 1;
	if ((p->a = OPENSSL_zalloc(p->n * sizeof(*p->a))) == NULL ||
	    (p->b = OPENSSL_zalloc(p->n * sizeof(*p->b))) == NULL ||
	    (p->c = OPENSSL_zalloc(p->n * sizeof(*p->c))) == NULL ||
	    (p->v = OPENSSL_zalloc(p->n * sizeof(*p->v))) == NULL)
		goto fail;
	for (uint32_t i = 0; i < p->n; i++) {
		if ((p->a[i] = ippyo_point_new()) == NULL || (p->b[i] = ippyo_point_new()) == NULL ||
		    (p->c[i] = ippyo_scalar_new()) == NULL || (p->v[i] = ippyo_scalar_new()) == NULL)
			goto fail;
	}
	return p;
fail:
	ippyo_range_proof_free(p);
	return NULL;
}

void
ippyo_range_proof_free(ippyo_range_proof *p)
{
	if (p == NULL)
		return;
	for (uint32_t i = 0; i < p->n; i++) {
		if (p->a != NULL)
			ippyo_point_free(p->a[i]);
		if (p->b != NULL)
			ippyo_point_free(p->b[i]);
		if (p->c != NULL)
			ippyo_scalar_free(p->c[i]);
		if (p->v != NULL)
			ippyo_scalar_free(p->v[i]);
	}
	OPENSSL_free(p->a);
	OPENSSL_free(p->b);
	OPENSSL_free(p->c);
	OPENSSL_free(p->v);
	OPENSSL_free(p);
}

uint32_t
ippyo_range_proof_min(const ippyo_range_proof *p)
{
	return p->min;
}

uint32_t
ippyo_range_proof_max(const ippyo_range_proof *p)
{
	return p->max;
}

size_t
ippyo_range_proof_size(uint32_t min, uint32_t max)
{
	if (max < min || max - min >= IPPYO_RANGE_MAX_BRANCHES)
		return 0;
	return (size_t)(max - min + 1) * IPPYO_RANGE_BRANCH_BYTES;
}

int
ippyo_range_proof_branch(const ippyo_range_proof *p, uint32_t i, const ippyo_point **a,
    const ippyo_point **b, const ippyo_scalar **c, const ippyo_scalar **v)
{
	if (i >= p->n)
		return IPPYO_ERR_INVALID_ARGUMENT;
	*a = p->a[i];
	*b = p->b[i];
	*c = p->c[i];
	*v = p->v[i];
	return 0;
}

/* Zero every field (after a failure: no half-made proof, no leftover nonce). */
static void
proof_clear(ippyo_range_proof *p)
{
	int e = 0;

	/* Setting zero or infinity cannot fail short of memory corruption. */
	for (uint32_t i = 0; i < p->n; i++)
		e |= ippyo_point_set_infinity(p->a[i]) | ippyo_point_set_infinity(p->b[i]) |
		    ippyo_scalar_set_u64(p->c[i], 0) | ippyo_scalar_set_u64(p->v[i], 0);
	(void)e;
}

/* ---- the statement and its challenge ---- */

static int
is_contest(const ippyo_proof_statement *st)
{
	return st->option == IPPYO_OPTION_CONTEST;
}

static int
check_shape(const ippyo_range_proof *p, const ippyo_proof_statement *st)
{
	if (st == NULL || st->key == NULL || st->ct == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if (p->min != st->min || p->max != st->max)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if (!is_contest(st) && (st->min != 0 || st->max != 1))
		return IPPYO_ERR_INVALID_ARGUMENT;
	return 0;
}

/* The points of a proof's transcript, in order: α, β, a_0, b_0, ..., a_{n-1}, b_{n-1}. */
static size_t
npoints(const ippyo_range_proof *p)
{
	return 2 + 2 * (size_t)p->n;
}

static void
list_points(const ippyo_range_proof *p, const ippyo_proof_statement *st, const ippyo_point **out)
{
	out[0] = ippyo_ciphertext_alpha(st->ct);
	out[1] = ippyo_ciphertext_beta(st->ct);
	for (uint32_t i = 0; i < p->n; i++) {
		out[2 + 2 * i] = p->a[i];
		out[3 + 2 * i] = p->b[i];
	}
}

/* c = H(tag, eh, vb, contest, option, min, max, K, α, β, a_j, b_j ...) from encoded points. */
static int
challenge_from_bytes(const ippyo_range_proof *p, const ippyo_proof_statement *st,
    const uint8_t *pts, ippyo_scalar *c)
{
	ippyo_transcript *t;
	int e;

	if ((t = ippyo_transcript_new(is_contest(st) ? TAG_CONTEST : TAG_SELECTION)) == NULL)
		return IPPYO_ERR_ALLOC;
	if ((e = ippyo_transcript_put(t, st->election_hash, sizeof(st->election_hash))) != 0 ||
	    (e = ippyo_transcript_put(t, st->voter_binding, sizeof(st->voter_binding))) != 0 ||
	    (e = ippyo_transcript_put_u32(t, st->contest)) != 0 ||
	    (e = ippyo_transcript_put_u32(t, st->option)) != 0 ||
	    (e = ippyo_transcript_put_u32(t, st->min)) != 0 ||
	    (e = ippyo_transcript_put_u32(t, st->max)) != 0 ||
	    (e = ippyo_transcript_put(t, ippyo_election_key_bytes(st->key), IPPYO_POINT_BYTES)) != 0)
		goto out;
	for (size_t k = 0; k < npoints(p); k++)
		if ((e = ippyo_transcript_put(t, pts + k * IPPYO_POINT_BYTES, IPPYO_POINT_BYTES)) != 0)
			goto out;
	e = ippyo_transcript_challenge(t, c);
out:
	ippyo_transcript_free(t);
	return e;
}

int
ippyo_range_proof_challenge(const ippyo_range_proof *p, const ippyo_proof_statement *st,
    ippyo_scalar *c)
{
	const ippyo_point **pts = NULL;
	uint8_t *bytes = NULL;
	size_t np;
	int e;

	if ((e = check_shape(p, st)) != 0)
		return e;
	np = npoints(p);
	if ((pts = OPENSSL_malloc(np * sizeof(*pts))) == NULL ||
	    (bytes = OPENSSL_malloc(np * IPPYO_POINT_BYTES)) == NULL) {
		e = IPPYO_ERR_ALLOC;
		goto out;
	}
	list_points(p, st, pts);
	/* A proof with a commitment at infinity cannot be encoded: it is bad. */
	if ((e = ippyo_points_serialize(np, pts, bytes)) != 0) {
		if (e == IPPYO_ERR_POINT_INFINITY)
			e = IPPYO_ERR_BAD_PROOF;
		goto out;
	}
	e = challenge_from_bytes(p, st, bytes, c);
out:
	OPENSSL_free(pts);
	OPENSSL_free(bytes);
	return e;
}

/* ---- the prover ---- */

/* 1 if a == b, else 0, without a branch. */
static int
ct_eq64(uint64_t a, uint64_t b)
{
	uint64_t x = a ^ b;

	return (int)((1 & ((x | (0 - x)) >> 63)) ^ 1);
}

/* s = m mod q for a possibly negative m. */
static int
scalar_from_i64(ippyo_scalar *s, int64_t m)
{
	int e;

	if (m >= 0)
		return ippyo_scalar_set_u64(s, (uint64_t)m);
	if ((e = ippyo_scalar_set_u64(s, (uint64_t)(-(m + 1)) + 1)) != 0)
		return e;
	return ippyo_scalar_neg(s, s);
}

/* Scratch of one proof between its commitments and its responses. */
struct prover {
	ippyo_range_proof *p;
	const ippyo_proof_statement *st;
	const ippyo_scalar *r;
	int *real;           /* per branch: 1 for the real branch (secret) */
};

/*
 * Commitments of one proof. The nonces t_i and c_i are parked in p->v[i]
 * and p->c[i] until the responses replace them.
 */
static int
commit(struct prover *pv, int64_t m, const ippyo_seed_context *sc, BN_CTX *ctx)
{
	ippyo_range_proof *p = pv->p;
	const ippyo_proof_statement *st = pv->st;
	const ippyo_base *kb = ippyo_election_key_base(st->key);
	const char *purpose = is_contest(st) ? IPPYO_PURPOSE_CONTEST_PROOF :
	    IPPYO_PURPOSE_SELECTION_PROOF;
	ippyo_scalar *ms = NULL, *d = NULL, *zero = NULL, *cs = NULL;
	ippyo_point *bk = NULL, *dg = NULL, *tmp = NULL;
	int64_t mc;
	int e = IPPYO_ERR_ALLOC;

	/* The branch treated as real: m itself when it is in range. */
	mc = m < (int64_t)p->min ? (int64_t)p->min : m > (int64_t)p->max ? (int64_t)p->max : m;
	if ((ms = ippyo_scalar_new()) == NULL || (d = ippyo_scalar_new()) == NULL ||
	    (zero = ippyo_scalar_new()) == NULL || (cs = ippyo_scalar_new()) == NULL ||
	    (bk = ippyo_point_new()) == NULL || (dg = ippyo_point_new()) == NULL ||
	    (tmp = ippyo_point_new()) == NULL)
		goto out;
	if ((e = scalar_from_i64(ms, m)) != 0)
		goto out;
	for (uint32_t i = 0; i < p->n; i++) {
		pv->real[i] = ct_eq64((uint64_t)p->min + i, (uint64_t)mc);
		if ((e = ippyo_seed_derive(p->v[i], sc, purpose, st->contest, st->option,
		    2 * i)) != 0 ||
		    (e = ippyo_seed_derive(p->c[i], sc, purpose, st->contest, st->option,
		    2 * i + 1)) != 0 ||
		    (e = ippyo_point_mul_gen(p->a[i], p->v[i])) != 0)
			goto out;
	}
	if (p->n == 2 && mc == m) {
		/*
		 * Two branches, an honest m: the one simulated branch s has
		 * d_s = c_s·(j_s − m) = ±c_s, so one multiplication D = c_s·G
		 * serves it: b_0 = t_0·K − [m = max]·D, b_1 = t_1·K + [m = min]·D.
		 */
		const EC_GROUP *g = ippyo_group_ec();

		if ((e = ippyo_scalar_select(cs, pv->real[0], p->c[1], p->c[0])) != 0 ||
		    (e = ippyo_point_mul_gen(dg, cs)) != 0 ||
		    (e = ippyo_base_mul(bk, kb, p->v[0])) != 0)
			goto out;
		e = IPPYO_ERR_INTERNAL;
		if (EC_POINT_copy(ippyo_point_ec(tmp), ippyo_point_ec_const(dg)) != 1 ||
		    EC_POINT_invert(g, ippyo_point_ec(tmp), ctx) != 1 ||
		    EC_POINT_add(g, ippyo_point_ec(tmp), ippyo_point_ec_const(bk),
		    ippyo_point_ec_const(tmp), ctx) != 1)
			goto out;
		if ((e = ippyo_point_select(p->b[0], pv->real[0], bk, tmp, ctx)) != 0 ||
		    (e = ippyo_base_mul(bk, kb, p->v[1])) != 0)
			goto out;
		e = IPPYO_ERR_INTERNAL;
		if (EC_POINT_add(g, ippyo_point_ec(tmp), ippyo_point_ec_const(bk),
		    ippyo_point_ec_const(dg), ctx) != 1)
			goto out;
		if ((e = ippyo_point_select(p->b[1], pv->real[1], bk, tmp, ctx)) != 0)
			goto out;
	} else {
		/* b_i = t_i·K + d_i·G, d_i = c_i·(j − m) on simulated branches, 0 on the real one. */
		for (uint32_t i = 0; i < p->n; i++) {
			if ((e = ippyo_scalar_set_u64(d, (uint64_t)p->min + i)) != 0 ||
			    (e = ippyo_scalar_sub(d, d, ms)) != 0 ||
			    (e = ippyo_scalar_mul(d, d, p->c[i])) != 0 ||
			    (e = ippyo_scalar_select(d, pv->real[i], zero, d)) != 0 ||
			    (e = ippyo_point_mul_gen(dg, d)) != 0 ||
			    (e = ippyo_base_mul(bk, kb, p->v[i])) != 0)
				goto out;
			if (EC_POINT_add(ippyo_group_ec(), ippyo_point_ec(p->b[i]),
			    ippyo_point_ec_const(bk), ippyo_point_ec_const(dg), ctx) != 1) {
				e = IPPYO_ERR_INTERNAL;
				goto out;
			}
		}
	}
	e = 0;
out:
	ippyo_scalar_free(ms);
	ippyo_scalar_free(d);
	ippyo_scalar_free(zero);
	ippyo_scalar_free(cs);
	ippyo_point_free(bk);
	ippyo_point_free(dg);
	ippyo_point_free(tmp);
	return e;
}

/* c_real = c − Σ_{simulated} c_i; v_i = t_i + c_i·r. */
static int
respond(struct prover *pv, const ippyo_scalar *c)
{
	ippyo_range_proof *p = pv->p;
	ippyo_scalar *sum = NULL, *x = NULL, *zero = NULL;
	int e = IPPYO_ERR_ALLOC;

	if ((sum = ippyo_scalar_new()) == NULL || (x = ippyo_scalar_new()) == NULL ||
	    (zero = ippyo_scalar_new()) == NULL)
		goto out;
	for (uint32_t i = 0; i < p->n; i++)
		if ((e = ippyo_scalar_select(x, pv->real[i], zero, p->c[i])) != 0 ||
		    (e = ippyo_scalar_add(sum, sum, x)) != 0)
			goto out;
	if ((e = ippyo_scalar_sub(sum, c, sum)) != 0)
		goto out;
	for (uint32_t i = 0; i < p->n; i++)
		if ((e = ippyo_scalar_select(p->c[i], pv->real[i], sum, p->c[i])) != 0 ||
		    (e = ippyo_scalar_mul(x, p->c[i], pv->r)) != 0 ||
		    (e = ippyo_scalar_add(p->v[i], p->v[i], x)) != 0)
			goto out;
	e = 0;
out:
	ippyo_scalar_free(sum);
	ippyo_scalar_free(x);
	ippyo_scalar_free(zero);
	return e;
}

static int
prove_many(size_t n, ippyo_range_proof *const *p, const ippyo_proof_statement *const *st,
    const int64_t *m, const ippyo_scalar *const *r, const uint8_t seed[IPPYO_SEED_BYTES])
{
	struct prover *pv = NULL;
	BN_CTX *ctx = NULL;
	const ippyo_point **pts = NULL;
	ippyo_point **own = NULL, **ab = NULL;
	uint8_t *bytes = NULL;
	ippyo_scalar *c = NULL;
	ippyo_seed_context sc;
	size_t np = 0, off;
	int e = IPPYO_ERR_ALLOC;

	memset(&sc, 0, sizeof(sc));
	for (size_t k = 0; k < n; k++) {
		if ((e = check_shape(p[k], st[k])) != 0)
			return e;
		if (ippyo_scalar_is_zero(r[k]))
			return IPPYO_ERR_SCALAR_ZERO;
		np += npoints(p[k]);
	}
	e = IPPYO_ERR_ALLOC;
	if ((ctx = BN_CTX_new()) == NULL ||
	    (pv = OPENSSL_zalloc(n * sizeof(*pv))) == NULL ||
	    (pts = OPENSSL_malloc(np * sizeof(*pts))) == NULL ||
	    (bytes = OPENSSL_malloc(np * IPPYO_POINT_BYTES)) == NULL ||
	    (c = ippyo_scalar_new()) == NULL)
		goto out;
	memcpy(sc.seed, seed, IPPYO_SEED_BYTES);
	off = 0;
	for (size_t k = 0; k < n; k++) {
		pv[k].p = p[k];
		pv[k].st = st[k];
		pv[k].r = r[k];
		if ((pv[k].real = OPENSSL_zalloc(p[k]->n * sizeof(int))) == NULL) {
			e = IPPYO_ERR_ALLOC;
			goto out;
		}
		memcpy(sc.election_hash, st[k]->election_hash, IPPYO_BINDING_BYTES);
		memcpy(sc.voter_binding, st[k]->voter_binding, IPPYO_BINDING_BYTES);
		if ((e = commit(&pv[k], m[k], &sc, ctx)) != 0)
			goto out;
		list_points(p[k], st[k], pts + off);
		off += npoints(p[k]);
	}
	/*
	 * One field inversion for the whole ballot: our commitments become
	 * affine in place (so that the proof's own encoding is cheap later),
	 * α and β are the caller's, so copies of them join the same batch.
	 */
	if ((own = OPENSSL_zalloc(np * sizeof(*own))) == NULL ||
	    (ab = OPENSSL_zalloc(2 * n * sizeof(*ab))) == NULL) {
		e = IPPYO_ERR_ALLOC;
		goto out;
	}
	off = 0;
	for (size_t k = 0; k < n; k++) {
		for (int j = 0; j < 2; j++) {
			if ((ab[2 * k + j] = ippyo_point_dup(pts[off + (size_t)j])) == NULL) {
				e = IPPYO_ERR_ALLOC;
				goto out;
			}
			own[off + (size_t)j] = ab[2 * k + j];
			pts[off + (size_t)j] = ab[2 * k + j];
		}
		for (uint32_t i = 0; i < p[k]->n; i++) {
			own[off + 2 + 2 * i] = p[k]->a[i];
			own[off + 3 + 2 * i] = p[k]->b[i];
		}
		off += npoints(p[k]);
	}
	if ((e = ippyo_points_make_affine(np, own)) != 0 ||
	    (e = ippyo_points_serialize(np, pts, bytes)) != 0)
		goto out;
	off = 0;
	for (size_t k = 0; k < n; k++) {
		if ((e = challenge_from_bytes(p[k], st[k], bytes + off * IPPYO_POINT_BYTES, c)) != 0 ||
		    (e = respond(&pv[k], c)) != 0)
			goto out;
		off += npoints(p[k]);
	}
	e = 0;
out:
	ippyo_seed_context_wipe(&sc);
	if (pv != NULL) {
		for (size_t k = 0; k < n; k++) {
			if (pv[k].real != NULL)
				OPENSSL_clear_free(pv[k].real, p[k]->n * sizeof(int));
			if (e != 0)
				proof_clear(p[k]);
		}
		OPENSSL_free(pv);
	}
	OPENSSL_free(pts);
	OPENSSL_free(own);
	if (ab != NULL)
		for (size_t k = 0; k < 2 * n; k++)
			ippyo_point_free(ab[k]);
	OPENSSL_free(ab);
	OPENSSL_free(bytes);
	ippyo_scalar_free(c);
	BN_CTX_free(ctx);
	return e;
}

static int
range_error(const ippyo_proof_statement *st)
{
	return is_contest(st) ? IPPYO_ERR_BAD_CONTEST_SUM : IPPYO_ERR_BAD_SELECTION;
}

int
ippyo_range_proof_prove_many(size_t n, ippyo_range_proof *const *p,
    const ippyo_proof_statement *const *st, const uint64_t *m, const ippyo_scalar *const *r,
    const uint8_t seed[IPPYO_SEED_BYTES])
{
	int64_t *mi;
	int e;

	if (n == 0)
		return 0;
	for (size_t k = 0; k < n; k++) {
		if (st[k] == NULL)
			return IPPYO_ERR_INVALID_ARGUMENT;
		if (m[k] < st[k]->min || m[k] > st[k]->max)
			return range_error(st[k]);
	}
	if ((mi = OPENSSL_malloc(n * sizeof(*mi))) == NULL)
		return IPPYO_ERR_ALLOC;
	for (size_t k = 0; k < n; k++)
		mi[k] = (int64_t)m[k];
	e = prove_many(n, p, st, mi, r, seed);
	OPENSSL_clear_free(mi, n * sizeof(*mi));
	return e;
}

int
ippyo_range_proof_prove(ippyo_range_proof *p, const ippyo_proof_statement *st, uint64_t m,
    const ippyo_scalar *r, const uint8_t seed[IPPYO_SEED_BYTES])
{
	return ippyo_range_proof_prove_many(1, &p, &st, &m, &r, seed);
}

int
ippyo_range_proof_prove_unchecked(ippyo_range_proof *p, const ippyo_proof_statement *st,
    int64_t m, const ippyo_scalar *r, const uint8_t seed[IPPYO_SEED_BYTES])
{
	return prove_many(1, &p, &st, &m, &r, seed);
}

/* ---- the verifier ---- */

int
ippyo_range_proof_verify(const ippyo_range_proof *p, const ippyo_proof_statement *st)
{
	ippyo_batch *b;
	int e;

	if ((e = check_shape(p, st)) != 0)
		return e;
	if ((b = ippyo_batch_new()) == NULL)
		return IPPYO_ERR_ALLOC;
	if ((e = ippyo_batch_add_range_proof(b, 0, p, st)) == 0) {
		e = ippyo_batch_verify(b);
		if (e == IPPYO_ERR_BATCH_FAILED)
			e = IPPYO_ERR_BAD_PROOF;
	}
	ippyo_batch_free(b);
	return e;
}

/* ---- binary form ---- */

int
ippyo_range_proof_serialize(const ippyo_range_proof *p, uint8_t *out, size_t len)
{
	const ippyo_point **pts = NULL;
	uint8_t *pb = NULL;
	size_t want = (size_t)p->n * IPPYO_RANGE_BRANCH_BYTES;
	int e = IPPYO_ERR_ALLOC;

	if (len != want)
		return IPPYO_ERR_INVALID_ARGUMENT;
	memset(out, 0, len);
	if ((pts = OPENSSL_malloc(2 * (size_t)p->n * sizeof(*pts))) == NULL ||
	    (pb = OPENSSL_malloc(2 * (size_t)p->n * IPPYO_POINT_BYTES)) == NULL)
		goto out;
	for (uint32_t i = 0; i < p->n; i++) {
		pts[2 * i] = p->a[i];
		pts[2 * i + 1] = p->b[i];
	}
	if ((e = ippyo_points_serialize(2 * (size_t)p->n, pts, pb)) != 0)
		goto out;
	for (uint32_t i = 0; i < p->n; i++) {
		uint8_t *o = out + (size_t)i * IPPYO_RANGE_BRANCH_BYTES;

		memcpy(o, pb + 2 * (size_t)i * IPPYO_POINT_BYTES, 2 * IPPYO_POINT_BYTES);
		if ((e = ippyo_scalar_serialize(p->c[i], o + 2 * IPPYO_POINT_BYTES)) != 0 ||
		    (e = ippyo_scalar_serialize(p->v[i],
		    o + 2 * IPPYO_POINT_BYTES + IPPYO_SCALAR_BYTES)) != 0)
			goto out;
	}
	e = 0;
out:
	if (e != 0)
		memset(out, 0, len);
	OPENSSL_free(pts);
	OPENSSL_free(pb);
	return e;
}

int
ippyo_range_proof_parse(ippyo_range_proof *p, const uint8_t *in, size_t len)
{
	size_t want = (size_t)p->n * IPPYO_RANGE_BRANCH_BYTES;
	int e = 0;

	if (len < want)
		return IPPYO_ERR_TRUNCATED;
	if (len > want)
		return IPPYO_ERR_TRAILING;
	for (uint32_t i = 0; i < p->n && e == 0; i++) {
		const uint8_t *o = in + (size_t)i * IPPYO_RANGE_BRANCH_BYTES;

		if ((e = ippyo_point_parse(p->a[i], o, IPPYO_POINT_BYTES)) != 0 ||
		    (e = ippyo_point_parse(p->b[i], o + IPPYO_POINT_BYTES, IPPYO_POINT_BYTES)) != 0 ||
		    (e = ippyo_scalar_parse(p->c[i], o + 2 * IPPYO_POINT_BYTES,
		    IPPYO_SCALAR_BYTES)) != 0 ||
		    (e = ippyo_scalar_parse(p->v[i], o + 2 * IPPYO_POINT_BYTES + IPPYO_SCALAR_BYTES,
		    IPPYO_SCALAR_BYTES)) != 0)
			break;
	}
	if (e != 0)
		proof_clear(p);
	return e;
}
