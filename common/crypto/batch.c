/* ippyo — batch verification as one multi-scalar multiplication (see batch.h). */
#include "batch.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/rand.h>

#include "../error.h"
#include "hash.h"

/* OpenSSL's multi-point multiplication takes this many points per call. */
#define MSM_CHUNK 512
#define WEIGHT_BITS 128

/*
 * Points live in slots; a term says "coefficient s times the point of slot
 * k" in one equation. Slot 0 is G (its coefficient goes through OpenSSL's
 * generator table). Points that several terms share (α, β, K) have one slot,
 * so they enter the multi-scalar multiplication once.
 */
struct slot {
	const EC_POINT *p;    /* NULL for slot 0 (G) */
	EC_POINT *owned;      /* p when the batch holds a copy */
	int neg;              /* the slot stands for −p */
	BIGNUM *coef;         /* scratch of the current round */
	uint64_t round;       /* the round that last zeroed coef */
};

struct term {
	size_t slot;
	const BIGNUM *s;      /* NULL for 1 */
	BIGNUM *owned;        /* s when the batch holds a copy */
	int neg;              /* the term is −s */
};

struct equation {
	size_t term0, nterms;
};

struct item {
	uint64_t id;
	int failed;
	size_t eq0, neqs;
};

struct ippyo_batch {
	struct slot *slots;
	size_t nslots, cslots;
	struct term *terms;
	size_t nterms, cterms;
	struct equation *eqs;
	size_t neqs, ceqs;
	struct item *items;
	size_t nitems, citems;
	uint64_t *failed;
	size_t nfailed;
	/* the last election key's slot, so that K is shared across items */
	uint8_t key_bytes[IPPYO_POINT_BYTES];
	size_t key_slot;
	uint64_t round;
	BN_CTX *ctx;
};

#define GROW(arr, n, cap) grow((void **)&(arr), sizeof(*(arr)), (n), &(cap))

static int
grow(void **arr, size_t elem, size_t n, size_t *cap)
{
	size_t nc;
	void *p;

	if (n < *cap)
		return 0;
	nc = *cap == 0 ? 64 : *cap * 2;
	if (nc < *cap || nc > SIZE_MAX / elem)
		return IPPYO_ERR_LIMIT;
	if ((p = OPENSSL_realloc(*arr, nc * elem)) == NULL)
		return IPPYO_ERR_ALLOC;
	*arr = p;
	*cap = nc;
	return 0;
}

ippyo_batch *
ippyo_batch_new(void)
{
	ippyo_batch *b;

	if (ippyo_group_init() != 0 || (b = OPENSSL_zalloc(sizeof(*b))) == NULL)
		return NULL;
	if ((b->ctx = BN_CTX_new()) == NULL || GROW(b->slots, 0, b->cslots) != 0 ||
	    (b->slots[0].coef = BN_new()) == NULL) {
		ippyo_batch_free(b);
		return NULL;
	}
	b->slots[0].p = NULL;
	b->slots[0].owned = NULL;
	b->slots[0].neg = 0;
	b->slots[0].round = 0;
	b->nslots = 1;
	return b;
}

void
ippyo_batch_free(ippyo_batch *b)
{
	if (b == NULL)
		return;
	for (size_t i = 0; i < b->nslots; i++) {
		EC_POINT_free(b->slots[i].owned);
		BN_free(b->slots[i].coef);
	}
	for (size_t i = 0; i < b->nterms; i++)
		BN_free(b->terms[i].owned);
	OPENSSL_free(b->slots);
	OPENSSL_free(b->terms);
	OPENSSL_free(b->eqs);
	OPENSSL_free(b->items);
	OPENSSL_free(b->failed);
	BN_CTX_free(b->ctx);
	OPENSSL_free(b);
}

size_t
ippyo_batch_items(const ippyo_batch *b)
{
	return b->nitems;
}

size_t
ippyo_batch_failed(const ippyo_batch *b, const uint64_t **ids)
{
	*ids = b->failed;
	return b->nfailed;
}

/* ---- building ---- */

/* The item for id: the last one if it has the same id, else a new one. */
static int
item_for(ippyo_batch *b, uint64_t id, struct item **out)
{
	int e;

	if (b->nitems > 0 && b->items[b->nitems - 1].id == id) {
		*out = &b->items[b->nitems - 1];
		return 0;
	}
	if ((e = GROW(b->items, b->nitems, b->citems)) != 0)
		return e;
	*out = &b->items[b->nitems++];
	memset(*out, 0, sizeof(**out));
	(*out)->id = id;
	(*out)->eq0 = b->neqs;
	return 0;
}

/* A new slot for p (for −p if neg): a copy if copy, else p itself (kept alive by the caller). */
static int
slot_add(ippyo_batch *b, const ippyo_point *p, int neg, int copy, size_t *out)
{
	const EC_GROUP *g = ippyo_group_ec();
	struct slot *s;
	int e;

	if ((e = GROW(b->slots, b->nslots, b->cslots)) != 0)
		return e;
	s = &b->slots[b->nslots];
	memset(s, 0, sizeof(*s));
	s->neg = neg;
	s->p = ippyo_point_ec_const(p);
	if (copy) {
		if ((s->owned = EC_POINT_dup(s->p, g)) == NULL)
			return IPPYO_ERR_ALLOC;
		s->p = s->owned;
	}
	if ((s->coef = BN_new()) == NULL) {
		EC_POINT_free(s->owned);
		return IPPYO_ERR_ALLOC;
	}
	*out = b->nslots++;
	return 0;
}

static int
eq_begin(ippyo_batch *b, struct item *it)
{
	int e;

	if ((e = GROW(b->eqs, b->neqs, b->ceqs)) != 0)
		return e;
	b->eqs[b->neqs].term0 = b->nterms;
	b->eqs[b->neqs].nterms = 0;
	b->neqs++;
	it->neqs++;
	return 0;
}

/*
 * A term of the current equation: ±s times slot k (s NULL for 1). With copy
 * the batch keeps its own copy of s, else s itself (kept alive by the caller).
 */
static int
term_add(ippyo_batch *b, size_t k, const BIGNUM *s, int neg, int copy)
{
	struct term *t;
	int e;

	if ((e = GROW(b->terms, b->nterms, b->cterms)) != 0)
		return e;
	t = &b->terms[b->nterms];
	memset(t, 0, sizeof(*t));
	t->slot = k;
	t->neg = neg;
	t->s = s;
	if (s != NULL && copy) {
		if ((t->owned = BN_dup(s)) == NULL)
			return IPPYO_ERR_ALLOC;
		t->s = t->owned;
	}
	b->nterms++;
	b->eqs[b->neqs - 1].nterms++;
	return 0;
}

int
ippyo_batch_add_failure(ippyo_batch *b, uint64_t id)
{
	struct item *it;
	int e;

	if ((e = item_for(b, id, &it)) != 0)
		return e;
	it->failed = 1;
	return 0;
}

int
ippyo_batch_add_equation(ippyo_batch *b, uint64_t id, const ippyo_scalar *g, size_t n,
    const ippyo_scalar *const *s, const ippyo_point *const *p)
{
	struct item *it;
	size_t k;
	int e;

	if (n > 0 && (s == NULL || p == NULL))
		return IPPYO_ERR_INVALID_ARGUMENT;
	if ((e = item_for(b, id, &it)) != 0 || (e = eq_begin(b, it)) != 0)
		return e;
	if (g != NULL && (e = term_add(b, 0, ippyo_scalar_bn_const(g), 0, 1)) != 0)
		return e;
	for (size_t i = 0; i < n; i++) {
		if (ippyo_point_is_infinity(p[i]))
			continue;
		if ((e = slot_add(b, p[i], 0, 1, &k)) != 0 ||
		    (e = term_add(b, k, ippyo_scalar_bn_const(s[i]), 0, 1)) != 0)
			return e;
	}
	return 0;
}

/* The slot of election key K: shared with the previous item's if equal. */
static int
key_slot(ippyo_batch *b, const ippyo_election_key *key, size_t *out)
{
	const uint8_t *kb = ippyo_election_key_bytes(key);
	int e;

	if (b->key_slot != 0 && memcmp(b->key_bytes, kb, IPPYO_POINT_BYTES) == 0) {
		*out = b->key_slot;
		return 0;
	}
	if ((e = slot_add(b, ippyo_election_key_point(key), 0, 1, out)) != 0)
		return e;
	memcpy(b->key_bytes, kb, IPPYO_POINT_BYTES);
	b->key_slot = *out;
	return 0;
}

/*
 * The equations of branch j:   v_j·G − c_j·α − a_j = O
 *                              v_j·K − c_j·β + (c_j·j)·G − b_j = O
 */
int
ippyo_batch_add_range_proof(ippyo_batch *b, uint64_t id, const ippyo_range_proof *p,
    const ippyo_proof_statement *st)
{
	const BIGNUM *q = ippyo_group_order();
	const ippyo_point *pa, *pb;
	const ippyo_scalar *pc, *pv;
	ippyo_scalar *c = NULL;
	BIGNUM *sum = NULL, *jc = NULL;
	struct item *it;
	size_t ka, kb, kk, k;
	uint32_t n;
	int e;

	if (st == NULL || st->key == NULL || st->ct == NULL || ippyo_range_proof_min(p) != st->min ||
	    ippyo_range_proof_max(p) != st->max)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if ((e = item_for(b, id, &it)) != 0)
		return e;
	e = IPPYO_ERR_ALLOC;
	if ((c = ippyo_scalar_new()) == NULL || (sum = BN_new()) == NULL)
		goto out;
	/* The challenge, and Σ c_j = c: no point arithmetic, decided now. */
	if ((e = ippyo_range_proof_challenge(p, st, c)) != 0) {
		if (e == IPPYO_ERR_BAD_PROOF || e == IPPYO_ERR_INVALID_ARGUMENT) {
			it->failed = 1;
			e = e == IPPYO_ERR_BAD_PROOF ? 0 : e;
		}
		goto out;
	}
	n = st->max - st->min + 1;
	BN_zero(sum);
	for (uint32_t i = 0; i < n; i++) {
		if ((e = ippyo_range_proof_branch(p, i, &pa, &pb, &pc, &pv)) != 0)
			goto out;
		if (BN_mod_add_quick(sum, sum, ippyo_scalar_bn_const(pc), q) != 1) {
			e = IPPYO_ERR_INTERNAL;
			goto out;
		}
	}
	if (BN_cmp(sum, ippyo_scalar_bn_const(c)) != 0 ||
	    ippyo_point_is_infinity(ippyo_ciphertext_alpha(st->ct)) ||
	    ippyo_point_is_infinity(ippyo_ciphertext_beta(st->ct))) {
		it->failed = 1;
		e = 0;
		goto out;
	}
	/* The proof's and the statement's values are referenced, not copied. */
	if ((e = slot_add(b, ippyo_ciphertext_alpha(st->ct), 0, 0, &ka)) != 0 ||
	    (e = slot_add(b, ippyo_ciphertext_beta(st->ct), 0, 0, &kb)) != 0 ||
	    (e = key_slot(b, st->key, &kk)) != 0)
		goto out;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t j = st->min + i;

		if ((e = ippyo_range_proof_branch(p, i, &pa, &pb, &pc, &pv)) != 0)
			goto out;
		/* a_j, b_j enter negated with coefficient 1: the weight stays 128 bits. */
		if ((e = eq_begin(b, it)) != 0 ||
		    (e = term_add(b, 0, ippyo_scalar_bn_const(pv), 0, 0)) != 0 ||
		    (e = term_add(b, ka, ippyo_scalar_bn_const(pc), 1, 0)) != 0 ||
		    (e = slot_add(b, pa, 1, 0, &k)) != 0 ||
		    (e = term_add(b, k, NULL, 0, 0)) != 0)
			goto out;
		if ((e = eq_begin(b, it)) != 0 ||
		    (e = term_add(b, kk, ippyo_scalar_bn_const(pv), 0, 0)) != 0 ||
		    (e = term_add(b, kb, ippyo_scalar_bn_const(pc), 1, 0)) != 0 ||
		    (e = slot_add(b, pb, 1, 0, &k)) != 0 ||
		    (e = term_add(b, k, NULL, 0, 0)) != 0)
			goto out;
		/* (c_j·j)·G: nothing for j = 0, c_j itself for j = 1 */
		if (j == 1 && (e = term_add(b, 0, ippyo_scalar_bn_const(pc), 0, 0)) != 0)
			goto out;
		if (j > 1) {
			e = IPPYO_ERR_INTERNAL;
			if ((jc = BN_dup(ippyo_scalar_bn_const(pc))) == NULL ||
			    BN_mul_word(jc, j) != 1 || BN_nnmod(jc, jc, q, b->ctx) != 1)
				goto out;
			if ((e = term_add(b, 0, jc, 0, 1)) != 0)
				goto out;
			BN_free(jc);
			jc = NULL;
		}
	}
	e = 0;
out:
	ippyo_scalar_free(c);
	BN_free(sum);
	BN_free(jc);
	return e;
}

/* ---- multi-scalar multiplication ---- */

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
/* OpenSSL's own multi-point multiplication (EC_POINTs_mul, deprecated but kept in 3.x). */
static int
msm_openssl(const EC_GROUP *g, EC_POINT *r, const BIGNUM *gs, size_t n, const EC_POINT **p,
    const BIGNUM **s, BN_CTX *ctx)
{
	return EC_POINTs_mul(g, r, gs, n, p, s, ctx) == 1 ? 0 : IPPYO_ERR_INTERNAL;
}
#pragma GCC diagnostic pop

/*
 * r = gs·G + Σ s_i·P_i through OpenSSL's multi-point multiplication, in
 * chunks of MSM_CHUNK points. On x86_64 P-256 goes to the assembly
 * (nistz256) windowed method: all points of a chunk share the 255
 * doublings, each point costs a 16-entry table and one addition per 5-bit
 * window, the G term goes through the built-in table. A chunk's tables
 * (16 × 96 bytes per point) stay in the cache.
 */
static int
msm_chunked(const EC_GROUP *g, EC_POINT *r, const BIGNUM *gs, size_t n, const EC_POINT **p,
    const BIGNUM **s, BN_CTX *ctx)
{
	EC_POINT *part = NULL;
	int e;

	if (n <= MSM_CHUNK)
		return msm_openssl(g, r, gs, n, p, s, ctx);
	if ((part = EC_POINT_new(g)) == NULL)
		return IPPYO_ERR_ALLOC;
	if ((e = msm_openssl(g, r, gs, MSM_CHUNK, p, s, ctx)) != 0)
		goto out;
	for (size_t o = MSM_CHUNK; o < n; o += MSM_CHUNK) {
		size_t m = n - o < MSM_CHUNK ? n - o : MSM_CHUNK;

		if ((e = msm_openssl(g, part, NULL, m, p + o, s + o, ctx)) != 0)
			goto out;
		if (EC_POINT_add(g, r, r, part, ctx) != 1) {
			e = IPPYO_ERR_INTERNAL;
			goto out;
		}
	}
	e = 0;
out:
	EC_POINT_free(part);
	return e;
}

/* ---- verification ---- */

/*
 * 1 if the items [lo, hi) (but those already failed) verify together under
 * fresh weights, 0 if not, < 0 on error.
 */
static int
check_range(ippyo_batch *b, size_t lo, size_t hi)
{
	const EC_GROUP *g = ippyo_group_ec();
	const BIGNUM *q = ippyo_group_order();
	const EC_POINT **pts = NULL;
	const BIGNUM **sc = NULL;
	uint8_t wbuf[64 * WEIGHT_BITS / 8];
	size_t wpos = sizeof(wbuf);
	BIGNUM *z, *t;
	EC_POINT *r = NULL;
	size_t *list = NULL, nlist = 0, cap = 0, npts = 0;
	int e = IPPYO_ERR_ALLOC;

	BN_CTX_start(b->ctx);
	z = BN_CTX_get(b->ctx);
	if ((t = BN_CTX_get(b->ctx)) == NULL)
		goto out;
	if ((r = EC_POINT_new(g)) == NULL)
		goto out;
	for (size_t it = lo; it < hi; it++)
		if (!b->items[it].failed)
			for (size_t qi = 0; qi < b->items[it].neqs; qi++)
				cap += b->eqs[b->items[it].eq0 + qi].nterms;
	if ((list = OPENSSL_malloc((cap + 1) * sizeof(*list))) == NULL ||
	    (pts = OPENSSL_malloc((cap + 1) * sizeof(*pts))) == NULL ||
	    (sc = OPENSSL_malloc((cap + 1) * sizeof(*sc))) == NULL)
		goto out;
	/* The slots of this round, each listed once, coefficients zeroed. */
	b->round++;
	for (size_t it = lo; it < hi; it++) {
		const struct item *im = &b->items[it];

		if (im->failed)
			continue;
		for (size_t ti = b->eqs[im->eq0].term0; im->neqs > 0 &&
		    ti < b->eqs[im->eq0 + im->neqs - 1].term0 +
		    b->eqs[im->eq0 + im->neqs - 1].nterms; ti++) {
			struct slot *sl = &b->slots[b->terms[ti].slot];

			if (sl->round == b->round)
				continue;
			sl->round = b->round;
			BN_zero(sl->coef);
			list[nlist++] = b->terms[ti].slot;
		}
	}
	/*
	 * coef_k = Σ_e z_e · s_{e,k} with a fresh 128-bit z_e per equation from
	 * the CSPRNG, summed as plain integers and reduced mod q once per slot.
	 */
	for (size_t it = lo; it < hi; it++) {
		const struct item *im = &b->items[it];

		if (im->failed)
			continue;
		for (size_t qi = 0; qi < im->neqs; qi++) {
			const struct equation *eq = &b->eqs[im->eq0 + qi];

			if (wpos == sizeof(wbuf)) {
				if (RAND_priv_bytes(wbuf, sizeof(wbuf)) != 1) {
					e = IPPYO_ERR_RANDOM;
					goto out;
				}
				wpos = 0;
			}
			e = IPPYO_ERR_INTERNAL;
			if (BN_bin2bn(wbuf + wpos, WEIGHT_BITS / 8, z) == NULL)
				goto out;
			wpos += WEIGHT_BITS / 8;
			for (size_t ti = 0; ti < eq->nterms; ti++) {
				const struct term *tm = &b->terms[eq->term0 + ti];
				struct slot *sl = &b->slots[tm->slot];

				if (tm->s == NULL) {
					if (BN_copy(t, z) == NULL)
						goto out;
				} else if (BN_mul(t, z, tm->s, b->ctx) != 1)
					goto out;
				if ((tm->neg ? BN_sub(sl->coef, sl->coef, t) :
				    BN_add(sl->coef, sl->coef, t)) != 1)
					goto out;
			}
		}
	}
	for (size_t k = 0; k < nlist; k++)
		if (BN_nnmod(b->slots[list[k]].coef, b->slots[list[k]].coef, q, b->ctx) != 1)
			goto out;
	for (size_t k = 0; k < nlist; k++) {
		struct slot *sl = &b->slots[list[k]];

		if (list[k] == 0 || BN_is_zero(sl->coef))
			continue;
		/* s·(−P) = (q − s)·P: the coefficient is this round's scratch */
		if (sl->neg && BN_sub(sl->coef, q, sl->coef) != 1)
			goto out;
		pts[npts] = sl->p;
		sc[npts++] = sl->coef;
	}
	if ((e = msm_chunked(g, r, b->slots[0].round == b->round ? b->slots[0].coef : NULL,
	    npts, pts, sc, b->ctx)) != 0)
		goto out;
	e = EC_POINT_is_at_infinity(g, r) == 1;
out:
	EC_POINT_free(r);
	OPENSSL_free(list);
	OPENSSL_free(pts);
	OPENSSL_free(sc);
	BN_CTX_end(b->ctx);
	return e;
}

/* Bisects [lo, hi) down to the items that fail. */
static int
verify_rec(ippyo_batch *b, size_t lo, size_t hi, int known_bad)
{
	size_t mid;
	int e;

	if (hi <= lo)
		return 0;
	if (!known_bad) {
		if ((e = check_range(b, lo, hi)) < 0)
			return e;
		if (e == 1)
			return 0;
	}
	if (hi - lo == 1) {
		b->items[lo].failed = 1;
		return 0;
	}
	mid = lo + (hi - lo) / 2;
	if ((e = verify_rec(b, lo, mid, 0)) != 0)
		return e;
	return verify_rec(b, mid, hi, 0);
}

int
ippyo_batch_verify(ippyo_batch *b)
{
	int e;

	OPENSSL_free(b->failed);
	b->failed = NULL;
	b->nfailed = 0;
	if ((e = verify_rec(b, 0, b->nitems, 0)) != 0)
		return e;
	for (size_t i = 0; i < b->nitems; i++) {
		int seen = 0;

		if (!b->items[i].failed)
			continue;
		for (size_t k = 0; k < b->nfailed; k++)
			seen |= b->failed[k] == b->items[i].id;
		if (seen)
			continue;
		if (b->failed == NULL &&
		    (b->failed = OPENSSL_malloc(b->nitems * sizeof(*b->failed))) == NULL)
			return IPPYO_ERR_ALLOC;
		b->failed[b->nfailed++] = b->items[i].id;
	}
	return b->nfailed == 0 ? 0 : IPPYO_ERR_BATCH_FAILED;
}
