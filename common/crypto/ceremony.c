/* ippyo — the key ceremony: Feldman commitments, encrypted shares, key shares. */
#include "ceremony.h"

#include <stdint.h>
#include <string.h>

#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#include "../encoding.h"
#include "../error.h"

#define MAXN IPPYO_CEREMONY_MAX_TRUSTEES
#define FILE_VERSION 1
#define JSON_MAX (1024 * 1024)

#define TYPE_COMMITMENTS "ippyo-ceremony-commitments"
#define TYPE_SHARE "ippyo-ceremony-share"
#define TYPE_RESULT "ippyo-ceremony-result"
#define TYPE_SECRET "ippyo-trustee-secret"
#define TYPE_KEY "ippyo-trustee-key"

struct ippyo_trustee_secret {
	ippyo_ceremony_params p;
	uint32_t index;
	ippyo_scalar *coef[MAXN + 1];   /* a_i0 .. a_i,t-1, then e_i at t */
	ippyo_scalar *enc;              /* e_i = coef[t], not a separate allocation */
};

struct ippyo_ceremony_commitments {
	ippyo_ceremony_params p;
	uint32_t index;
	ippyo_point *A[MAXN + 1];              /* A_i0 .. A_i,t-1, then E_i at t */
	ippyo_schnorr_proof *proof[MAXN + 1];
	ippyo_point *E;                        /* = A[t] */
	ippyo_schnorr_proof *E_proof;          /* = proof[t] */
};

struct ippyo_ceremony_share {
	ippyo_ceremony_params p;
	uint32_t sender;
	uint32_t recipient;
	uint8_t nonce[IPPYO_CEREMONY_NONCE_BYTES];
	uint8_t sealed[IPPYO_CEREMONY_SEALED_BYTES];   /* AES-GCM ciphertext ‖ tag */
};

struct ippyo_ceremony_result {
	ippyo_ceremony_params p;
	uint8_t transcript[IPPYO_HASH_BYTES];
	ippyo_point *K;
	ippyo_point *X[MAXN];        /* X_1 .. X_n at 0 .. n-1 */
};

struct ippyo_trustee_key {
	ippyo_ceremony_params p;
	uint32_t index;
	uint8_t transcript[IPPYO_HASH_BYTES];
	ippyo_scalar *x;
	ippyo_point *X;
};

int
ippyo_ceremony_params_check(const ippyo_ceremony_params *p)
{
	if (p->trustees < 1 || p->trustees > MAXN || p->threshold < 1 ||
	    p->threshold > p->trustees)
		return IPPYO_ERR_BAD_THRESHOLD;
	return 0;
}

/* ---- allocation ---- */

void
ippyo_trustee_secret_free(ippyo_trustee_secret *s)
{
	if (s == NULL)
		return;
	for (size_t k = 0; k <= MAXN; k++)
		ippyo_scalar_free(s->coef[k]);
	OPENSSL_clear_free(s, sizeof(*s));
}

static ippyo_trustee_secret *
secret_new(const ippyo_ceremony_params *p, uint32_t index)
{
	ippyo_trustee_secret *s = OPENSSL_zalloc(sizeof(*s));

	if (s == NULL)
		return NULL;
	s->p = *p;
	s->index = index;
	for (uint32_t k = 0; k <= p->threshold; k++)
		if ((s->coef[k] = ippyo_scalar_new()) == NULL)
			goto fail;
	s->enc = s->coef[p->threshold];
	return s;
fail:
	ippyo_trustee_secret_free(s);
	return NULL;
}

void
ippyo_ceremony_commitments_free(ippyo_ceremony_commitments *c)
{
	if (c == NULL)
		return;
	for (size_t k = 0; k <= MAXN; k++) {
		ippyo_point_free(c->A[k]);
		ippyo_schnorr_proof_free(c->proof[k]);
	}
	OPENSSL_free(c);
}

static ippyo_ceremony_commitments *
commitments_new(const ippyo_ceremony_params *p, uint32_t index)
{
	ippyo_ceremony_commitments *c = OPENSSL_zalloc(sizeof(*c));

	if (c == NULL)
		return NULL;
	c->p = *p;
	c->index = index;
	for (uint32_t k = 0; k <= p->threshold; k++)
		if ((c->A[k] = ippyo_point_new()) == NULL ||
		    (c->proof[k] = ippyo_schnorr_proof_new()) == NULL)
			goto fail;
	c->E = c->A[p->threshold];
	c->E_proof = c->proof[p->threshold];
	return c;
fail:
	ippyo_ceremony_commitments_free(c);
	return NULL;
}

void
ippyo_ceremony_share_free(ippyo_ceremony_share *s)
{
	OPENSSL_clear_free(s, sizeof(*s));
}

void
ippyo_ceremony_result_free(ippyo_ceremony_result *r)
{
	if (r == NULL)
		return;
	ippyo_point_free(r->K);
	for (size_t j = 0; j < MAXN; j++)
		ippyo_point_free(r->X[j]);
	OPENSSL_free(r);
}

static ippyo_ceremony_result *
result_new(const ippyo_ceremony_params *p)
{
	ippyo_ceremony_result *r = OPENSSL_zalloc(sizeof(*r));

	if (r == NULL)
		return NULL;
	r->p = *p;
	if ((r->K = ippyo_point_new()) == NULL)
		goto fail;
	for (uint32_t j = 0; j < p->trustees; j++)
		if ((r->X[j] = ippyo_point_new()) == NULL)
			goto fail;
	return r;
fail:
	ippyo_ceremony_result_free(r);
	return NULL;
}

void
ippyo_trustee_key_free(ippyo_trustee_key *k)
{
	if (k == NULL)
		return;
	ippyo_scalar_free(k->x);
	ippyo_point_free(k->X);
	OPENSSL_clear_free(k, sizeof(*k));
}

static ippyo_trustee_key *
key_new(const ippyo_ceremony_params *p, uint32_t index)
{
	ippyo_trustee_key *k = OPENSSL_zalloc(sizeof(*k));

	if (k == NULL)
		return NULL;
	k->p = *p;
	k->index = index;
	if ((k->x = ippyo_scalar_new()) == NULL || (k->X = ippyo_point_new()) == NULL) {
		ippyo_trustee_key_free(k);
		return NULL;
	}
	return k;
}

/* ---- accessors ---- */

const ippyo_ceremony_params *
ippyo_trustee_secret_params(const ippyo_trustee_secret *s)
{
	return &s->p;
}

uint32_t
ippyo_trustee_secret_index(const ippyo_trustee_secret *s)
{
	return s->index;
}

const ippyo_ceremony_params *
ippyo_ceremony_commitments_params(const ippyo_ceremony_commitments *c)
{
	return &c->p;
}

uint32_t
ippyo_ceremony_commitments_index(const ippyo_ceremony_commitments *c)
{
	return c->index;
}

const ippyo_point *
ippyo_ceremony_commitments_point(const ippyo_ceremony_commitments *c, uint32_t k)
{
	return k < c->p.threshold ? c->A[k] : NULL;
}

const ippyo_point *
ippyo_ceremony_commitments_encryption_key(const ippyo_ceremony_commitments *c)
{
	return c->E;
}

uint32_t
ippyo_ceremony_share_sender(const ippyo_ceremony_share *s)
{
	return s->sender;
}

uint32_t
ippyo_ceremony_share_recipient(const ippyo_ceremony_share *s)
{
	return s->recipient;
}

const ippyo_ceremony_params *
ippyo_ceremony_result_params(const ippyo_ceremony_result *r)
{
	return &r->p;
}

const uint8_t *
ippyo_ceremony_result_transcript(const ippyo_ceremony_result *r)
{
	return r->transcript;
}

const ippyo_point *
ippyo_ceremony_result_election_key(const ippyo_ceremony_result *r)
{
	return r->K;
}

const ippyo_point *
ippyo_ceremony_result_verification_key(const ippyo_ceremony_result *r, uint32_t j)
{
	return j >= 1 && j <= r->p.trustees ? r->X[j - 1] : NULL;
}

const ippyo_ceremony_params *
ippyo_trustee_key_params(const ippyo_trustee_key *k)
{
	return &k->p;
}

uint32_t
ippyo_trustee_key_index(const ippyo_trustee_key *k)
{
	return k->index;
}

const uint8_t *
ippyo_trustee_key_transcript(const ippyo_trustee_key *k)
{
	return k->transcript;
}

const ippyo_scalar *
ippyo_trustee_key_share(const ippyo_trustee_key *k)
{
	return k->x;
}

const ippyo_point *
ippyo_trustee_key_verification_key(const ippyo_trustee_key *k)
{
	return k->X;
}

/* ---- helpers ---- */

/* The Schnorr context of slot k: coefficient k < t, or the encryption key at k = t. */
static void
schnorr_ctx(ippyo_schnorr_context *sc, const ippyo_ceremony_params *p, uint32_t index,
    uint32_t k)
{
	memcpy(sc->context, p->context, sizeof(sc->context));
	sc->trustee = index;
	sc->coefficient = k < p->threshold ? k : IPPYO_SCHNORR_ENCRYPTION_KEY;
}

/* Where file parameters differ from the ceremony's: 0, WRONG_ELECTION or MISMATCH. */
static int
params_match(const ippyo_ceremony_params *file, const ippyo_ceremony_params *want)
{
	if (memcmp(file->context, want->context, sizeof(want->context)) != 0)
		return IPPYO_ERR_WRONG_ELECTION;
	if (file->threshold != want->threshold || file->trustees != want->trustees)
		return IPPYO_ERR_CEREMONY_MISMATCH;
	return 0;
}

/* out = Σ_k j^k·P_k for k < t (Horner, public values). */
static int
eval_points(ippyo_point *out, ippyo_point *const *P, uint32_t t, uint32_t j)
{
	ippyo_scalar *js = NULL;
	ippyo_point *acc = NULL, *tmp = NULL;
	int e = IPPYO_ERR_ALLOC;

	if ((js = ippyo_scalar_new()) == NULL || (acc = ippyo_point_new()) == NULL ||
	    (tmp = ippyo_point_new()) == NULL)
		goto out;
	if ((e = ippyo_scalar_set_u64(js, j)) != 0 || (e = ippyo_point_copy(acc, P[t - 1])) != 0)
		goto out;
	for (uint32_t k = t - 1; k-- > 0;) {
		/* acc = j·acc + P_k (no aliasing of the multiplication's input and output) */
		if ((e = ippyo_point_mul(tmp, js, acc)) != 0 ||
		    (e = ippyo_point_add(acc, tmp, P[k])) != 0)
			goto out;
	}
	e = ippyo_point_copy(out, acc);
out:
	ippyo_scalar_free(js);
	ippyo_point_free(acc);
	ippyo_point_free(tmp);
	return e;
}

/* out = f(j) = Σ_k a_k·j^k mod q (Horner, secret coefficients). */
static int
eval_poly(ippyo_scalar *out, const ippyo_trustee_secret *s, uint32_t j)
{
	ippyo_scalar *js = NULL;
	int e;

	if ((js = ippyo_scalar_new()) == NULL)
		return IPPYO_ERR_ALLOC;
	if ((e = ippyo_scalar_set_u64(js, j)) != 0 ||
	    (e = ippyo_scalar_copy(out, s->coef[s->p.threshold - 1])) != 0)
		goto out;
	for (uint32_t k = s->p.threshold - 1; k-- > 0;) {
		if ((e = ippyo_scalar_mul(out, out, js)) != 0 ||
		    (e = ippyo_scalar_add(out, out, s->coef[k])) != 0)
			goto out;
	}
out:
	ippyo_scalar_free(js);
	return e;
}

/* ---- round 1 ---- */

int
ippyo_ceremony_round1(const ippyo_ceremony_params *p, uint32_t index,
    ippyo_trustee_secret **secret, ippyo_ceremony_commitments **pub)
{
	ippyo_trustee_secret *s = NULL;
	ippyo_ceremony_commitments *c = NULL;
	ippyo_schnorr_context sc;
	int e;

	*secret = NULL;
	*pub = NULL;
	if ((e = ippyo_ceremony_params_check(p)) != 0)
		return e;
	if (index < 1 || index > p->trustees)
		return IPPYO_ERR_BAD_THRESHOLD;
	e = IPPYO_ERR_ALLOC;
	if ((s = secret_new(p, index)) == NULL || (c = commitments_new(p, index)) == NULL)
		goto out;
	for (uint32_t k = 0; k <= p->threshold; k++) {
		schnorr_ctx(&sc, p, index, k);
		if ((e = ippyo_scalar_random(s->coef[k])) != 0 ||
		    (e = ippyo_point_mul_gen(c->A[k], s->coef[k])) != 0 ||
		    (e = ippyo_schnorr_prove(c->proof[k], &sc, s->coef[k], c->A[k])) != 0)
			goto out;
	}
	*secret = s;
	*pub = c;
	s = NULL;
	c = NULL;
	e = 0;
out:
	ippyo_trustee_secret_free(s);
	ippyo_ceremony_commitments_free(c);
	return e;
}

int
ippyo_ceremony_commitments_verify(const ippyo_ceremony_commitments *c,
    const ippyo_ceremony_params *p)
{
	ippyo_schnorr_context sc;
	int e;

	if ((e = ippyo_ceremony_params_check(p)) != 0 || (e = params_match(&c->p, p)) != 0)
		return e;
	if (c->index < 1 || c->index > p->trustees)
		return IPPYO_ERR_BAD_THRESHOLD;
	for (uint32_t k = 0; k <= p->threshold; k++) {
		schnorr_ctx(&sc, p, c->index, k);
		if (ippyo_schnorr_verify(c->proof[k], &sc, c->A[k]) != 0)
			return IPPYO_ERR_BAD_COMMITMENT;
	}
	return 0;
}

/*
 * Verifies all n commitments files and sorts them by index into
 * sorted[0 .. n-1]. On a file's failure *bad is its index.
 */
static int
collect(const ippyo_ceremony_params *p, ippyo_ceremony_commitments *const *all, size_t n_all,
    const ippyo_ceremony_commitments **sorted, uint32_t *bad)
{
	int e;

	*bad = 0;
	if ((e = ippyo_ceremony_params_check(p)) != 0)
		return e;
	if (n_all != p->trustees)
		return IPPYO_ERR_BAD_THRESHOLD;
	for (size_t i = 0; i < MAXN; i++)
		sorted[i] = NULL;
	for (size_t i = 0; i < n_all; i++) {
		const ippyo_ceremony_commitments *c = all[i];

		if ((e = ippyo_ceremony_commitments_verify(c, p)) != 0) {
			*bad = c->index;
			return e;
		}
		if (sorted[c->index - 1] != NULL) {
			*bad = c->index;
			return IPPYO_ERR_DUPLICATE_TRUSTEE;
		}
		sorted[c->index - 1] = c;
	}
	return 0;
}

static int
transcript_hash(const ippyo_ceremony_params *p, const ippyo_ceremony_commitments **sorted,
    uint8_t out[IPPYO_HASH_BYTES])
{
	ippyo_transcript *t;
	uint8_t b[IPPYO_SCHNORR_BYTES];
	int e;

	if ((t = ippyo_transcript_new(IPPYO_CEREMONY_TRANSCRIPT_TAG)) == NULL)
		return IPPYO_ERR_ALLOC;
	if ((e = ippyo_transcript_put(t, p->context, sizeof(p->context))) != 0 ||
	    (e = ippyo_transcript_put_u32(t, p->threshold)) != 0 ||
	    (e = ippyo_transcript_put_u32(t, p->trustees)) != 0)
		goto out;
	for (uint32_t i = 0; i < p->trustees; i++) {
		const ippyo_ceremony_commitments *c = sorted[i];

		if ((e = ippyo_transcript_put_u32(t, c->index)) != 0)
			goto out;
		for (uint32_t k = 0; k <= p->threshold; k++) {
			if ((e = ippyo_transcript_put_point(t, c->A[k])) != 0 ||
			    (e = ippyo_schnorr_proof_serialize(c->proof[k], b)) != 0 ||
			    (e = ippyo_transcript_put(t, b, sizeof(b))) != 0)
				goto out;
		}
	}
	e = ippyo_transcript_digest(t, out);
out:
	ippyo_transcript_free(t);
	return e;
}

int
ippyo_ceremony_transcript_hash(const ippyo_ceremony_params *p,
    ippyo_ceremony_commitments *const *all, size_t n_all, uint8_t out[IPPYO_HASH_BYTES])
{
	const ippyo_ceremony_commitments *sorted[MAXN];
	uint32_t bad;
	int e;

	memset(out, 0, IPPYO_HASH_BYTES);
	if ((e = collect(p, all, n_all, sorted, &bad)) != 0)
		return e;
	return transcript_hash(p, sorted, out);
}

/* The public result from verified, sorted commitments. */
static int
result_from_sorted(const ippyo_ceremony_params *p, const ippyo_ceremony_commitments **sorted,
    ippyo_ceremony_result **out)
{
	ippyo_ceremony_result *r = NULL;
	ippyo_point *C[MAXN] = { NULL };
	int e = IPPYO_ERR_ALLOC;

	*out = NULL;
	if ((r = result_new(p)) == NULL)
		goto out;
	if ((e = transcript_hash(p, sorted, r->transcript)) != 0)
		goto out;
	/* C_k = Σ_i A_ik: then X_j = Σ_k j^k·C_k and K = C_0. */
	for (uint32_t k = 0; k < p->threshold; k++) {
		if ((C[k] = ippyo_point_new()) == NULL) {
			e = IPPYO_ERR_ALLOC;
			goto out;
		}
		for (uint32_t i = 0; i < p->trustees; i++)
			if ((e = ippyo_point_add(C[k], C[k], sorted[i]->A[k])) != 0)
				goto out;
	}
	if ((e = ippyo_point_copy(r->K, C[0])) != 0)
		goto out;
	if (ippyo_point_is_infinity(r->K)) {
		e = IPPYO_ERR_POINT_INFINITY;
		goto out;
	}
	for (uint32_t j = 1; j <= p->trustees; j++) {
		if ((e = eval_points(r->X[j - 1], C, p->threshold, j)) != 0)
			goto out;
		if (ippyo_point_is_infinity(r->X[j - 1])) {
			e = IPPYO_ERR_POINT_INFINITY;
			goto out;
		}
	}
	*out = r;
	r = NULL;
	e = 0;
out:
	for (size_t k = 0; k < MAXN; k++)
		ippyo_point_free(C[k]);
	ippyo_ceremony_result_free(r);
	return e;
}

int
ippyo_ceremony_result_compute(const ippyo_ceremony_params *p,
    ippyo_ceremony_commitments *const *all, size_t n_all,
    ippyo_ceremony_result **out, uint32_t *bad_sender)
{
	const ippyo_ceremony_commitments *sorted[MAXN];
	int e;

	*out = NULL;
	if ((e = collect(p, all, n_all, sorted, bad_sender)) != 0)
		return e;
	return result_from_sorted(p, sorted, out);
}

int
ippyo_ceremony_result_eq(const ippyo_ceremony_result *a, const ippyo_ceremony_result *b)
{
	int r;

	if (memcmp(&a->p, &b->p, sizeof(a->p)) != 0 ||
	    memcmp(a->transcript, b->transcript, sizeof(a->transcript)) != 0)
		return 0;
	if ((r = ippyo_point_eq(a->K, b->K)) != 1)
		return r;
	for (uint32_t j = 0; j < a->p.trustees; j++)
		if ((r = ippyo_point_eq(a->X[j], b->X[j])) != 1)
			return r;
	return 1;
}

/* ---- share encryption: ECDH P-256, HKDF-SHA256, AES-256-GCM ---- */

/* An EVP_PKEY for the P-256 key (priv, pub) or the public key pub alone. */
static int
pkey_new(EVP_PKEY **out, const ippyo_scalar *priv, const ippyo_point *pub)
{
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	uint8_t b[IPPYO_POINT_BYTES];
	int e;

	*out = NULL;
	if ((e = ippyo_point_serialize(pub, b)) != 0)
		return e;
	e = IPPYO_ERR_INTERNAL;
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, b, sizeof(b)) != 1)
		goto out;
	/* A secure BIGNUM goes into the secure part of the parameters, wiped on free. */
	if (priv != NULL &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, ippyo_scalar_bn_const(priv)) != 1)
		goto out;
	if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, out, priv != NULL ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
	    params) != 1)
		goto out;
	e = 0;
out:
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	return e;
}

/*
 * The AES key of the share sender -> recipient:
 *   Z = x-coordinate of e_self·E_peer (ECDH, 32 bytes)
 *   key = HKDF-SHA256(IKM Z, salt context, info transcript bytes of
 *         "ippyo/v1/ceremony-share-key": context ‖ u32 t ‖ u32 n ‖ u32 sender
 *         ‖ u32 recipient ‖ E_sender ‖ E_recipient), 32 bytes.
 */
static int
share_key(uint8_t key[32], const ippyo_ceremony_params *p, uint32_t sender, uint32_t recipient,
    const ippyo_scalar *e_self, const ippyo_point *E_self, const ippyo_point *E_peer,
    const ippyo_point *E_sender, const ippyo_point *E_recipient)
{
	EVP_PKEY *mine = NULL, *peer = NULL;
	EVP_PKEY_CTX *dctx = NULL;
	EVP_KDF *kdf = NULL;
	EVP_KDF_CTX *kctx = NULL;
	ippyo_transcript *info = NULL;
	const uint8_t *info_bytes;
	size_t info_len, zlen = 32;
	uint8_t z[32];
	OSSL_PARAM params[5];
	int e;

	memset(key, 0, 32);
	if ((e = pkey_new(&mine, e_self, E_self)) != 0 || (e = pkey_new(&peer, NULL, E_peer)) != 0)
		goto out;
	e = IPPYO_ERR_INTERNAL;
	if ((dctx = EVP_PKEY_CTX_new_from_pkey(NULL, mine, NULL)) == NULL ||
	    EVP_PKEY_derive_init(dctx) != 1 || EVP_PKEY_derive_set_peer(dctx, peer) != 1 ||
	    EVP_PKEY_derive(dctx, z, &zlen) != 1 || zlen != sizeof(z))
		goto out;
	e = IPPYO_ERR_ALLOC;
	if ((info = ippyo_transcript_new(IPPYO_CEREMONY_SHARE_KEY_TAG)) == NULL)
		goto out;
	if ((e = ippyo_transcript_put(info, p->context, sizeof(p->context))) != 0 ||
	    (e = ippyo_transcript_put_u32(info, p->threshold)) != 0 ||
	    (e = ippyo_transcript_put_u32(info, p->trustees)) != 0 ||
	    (e = ippyo_transcript_put_u32(info, sender)) != 0 ||
	    (e = ippyo_transcript_put_u32(info, recipient)) != 0 ||
	    (e = ippyo_transcript_put_point(info, E_sender)) != 0 ||
	    (e = ippyo_transcript_put_point(info, E_recipient)) != 0)
		goto out;
	info_bytes = ippyo_transcript_bytes(info, &info_len);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, z, sizeof(z));
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	    (void *)(uintptr_t)p->context, sizeof(p->context));
	params[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
	    (void *)(uintptr_t)info_bytes, info_len);
	params[4] = OSSL_PARAM_construct_end();
	e = IPPYO_ERR_INTERNAL;
	if ((kdf = EVP_KDF_fetch(NULL, "HKDF", NULL)) == NULL ||
	    (kctx = EVP_KDF_CTX_new(kdf)) == NULL || EVP_KDF_derive(kctx, key, 32, params) != 1) {
		OPENSSL_cleanse(key, 32);
		goto out;
	}
	e = 0;
out:
	OPENSSL_cleanse(z, sizeof(z));
	EVP_PKEY_free(mine);
	EVP_PKEY_free(peer);
	EVP_PKEY_CTX_free(dctx);
	EVP_KDF_CTX_free(kctx);
	EVP_KDF_free(kdf);
	ippyo_transcript_free(info);
	return e;
}

/* The AAD: transcript bytes of "ippyo/v1/ceremony-share": context ‖ u32 t ‖ u32 n ‖ u32 sender ‖ u32 recipient. */
static int
share_aad(ippyo_transcript **out, const ippyo_ceremony_share *s)
{
	ippyo_transcript *t;
	int e;

	*out = NULL;
	if ((t = ippyo_transcript_new(IPPYO_CEREMONY_SHARE_AAD_TAG)) == NULL)
		return IPPYO_ERR_ALLOC;
	if ((e = ippyo_transcript_put(t, s->p.context, sizeof(s->p.context))) != 0 ||
	    (e = ippyo_transcript_put_u32(t, s->p.threshold)) != 0 ||
	    (e = ippyo_transcript_put_u32(t, s->p.trustees)) != 0 ||
	    (e = ippyo_transcript_put_u32(t, s->sender)) != 0 ||
	    (e = ippyo_transcript_put_u32(t, s->recipient)) != 0) {
		ippyo_transcript_free(t);
		return e;
	}
	*out = t;
	return 0;
}

/* AES-256-GCM of the 32-byte plaintext into s->sealed (encrypt) or back (decrypt). */
static int
share_gcm(ippyo_ceremony_share *s, const uint8_t key[32], uint8_t plain[IPPYO_SCALAR_BYTES],
    int encrypt)
{
	EVP_CIPHER_CTX *ctx = NULL;
	ippyo_transcript *aad = NULL;
	const uint8_t *aad_bytes;
	size_t aad_len;
	uint8_t tmp[IPPYO_SCALAR_BYTES], fin[16];
	int len, e;

	if ((e = share_aad(&aad, s)) != 0)
		return e;
	aad_bytes = ippyo_transcript_bytes(aad, &aad_len);
	e = IPPYO_ERR_INTERNAL;
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, encrypt) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, IPPYO_CEREMONY_NONCE_BYTES,
	    NULL) != 1 ||
	    EVP_CipherInit_ex(ctx, NULL, NULL, key, s->nonce, encrypt) != 1 ||
	    EVP_CipherUpdate(ctx, NULL, &len, aad_bytes, (int)aad_len) != 1)
		goto out;
	if (encrypt) {
		if (EVP_CipherUpdate(ctx, s->sealed, &len, plain, IPPYO_SCALAR_BYTES) != 1 ||
		    len != IPPYO_SCALAR_BYTES ||
		    EVP_CipherFinal_ex(ctx, fin, &len) != 1 || len != 0 ||
		    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, IPPYO_CEREMONY_TAG_BYTES,
		    s->sealed + IPPYO_SCALAR_BYTES) != 1)
			goto out;
	} else {
		if (EVP_CipherUpdate(ctx, tmp, &len, s->sealed, IPPYO_SCALAR_BYTES) != 1 ||
		    len != IPPYO_SCALAR_BYTES ||
		    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, IPPYO_CEREMONY_TAG_BYTES,
		    s->sealed + IPPYO_SCALAR_BYTES) != 1)
			goto out;
		if (EVP_CipherFinal_ex(ctx, fin, &len) != 1) {
			e = IPPYO_ERR_SHARE_DECRYPT;
			goto out;
		}
		memcpy(plain, tmp, IPPYO_SCALAR_BYTES);
	}
	e = 0;
out:
	OPENSSL_cleanse(tmp, sizeof(tmp));
	EVP_CIPHER_CTX_free(ctx);
	ippyo_transcript_free(aad);
	return e;
}

/* ---- round 2 ---- */

int
ippyo_ceremony_round2(const ippyo_trustee_secret *s,
    const ippyo_ceremony_commitments *recipient, ippyo_ceremony_share **out)
{
	ippyo_ceremony_share *sh = NULL;
	ippyo_scalar *y = NULL;
	ippyo_point *E_self = NULL;
	uint8_t key[32], plain[IPPYO_SCALAR_BYTES];
	int e;

	*out = NULL;
	if ((e = ippyo_ceremony_commitments_verify(recipient, &s->p)) != 0)
		return e;
	if (recipient->index == s->index)
		return IPPYO_ERR_CEREMONY_MISMATCH;
	e = IPPYO_ERR_ALLOC;
	if ((sh = OPENSSL_zalloc(sizeof(*sh))) == NULL || (y = ippyo_scalar_new()) == NULL ||
	    (E_self = ippyo_point_new()) == NULL)
		goto out;
	sh->p = s->p;
	sh->sender = s->index;
	sh->recipient = recipient->index;
	if (RAND_bytes(sh->nonce, sizeof(sh->nonce)) != 1) {
		e = IPPYO_ERR_RANDOM;
		goto out;
	}
	if ((e = ippyo_point_mul_gen(E_self, s->enc)) != 0 ||
	    (e = share_key(key, &s->p, s->index, recipient->index, s->enc, E_self, recipient->E,
	    E_self, recipient->E)) != 0 ||
	    (e = eval_poly(y, s, recipient->index)) != 0 ||
	    (e = ippyo_scalar_serialize(y, plain)) != 0 ||
	    (e = share_gcm(sh, key, plain, 1)) != 0)
		goto out;
	*out = sh;
	sh = NULL;
out:
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(plain, sizeof(plain));
	ippyo_ceremony_share_free(sh);
	ippyo_scalar_free(y);
	ippyo_point_free(E_self);
	return e;
}

/* ---- round 3 ---- */

/* Does the commitments file of the secret's own index match the secret? */
static int
own_matches(const ippyo_trustee_secret *s, const ippyo_ceremony_commitments *c)
{
	ippyo_point *P;
	int e = 0, eq;

	if ((P = ippyo_point_new()) == NULL)
		return IPPYO_ERR_ALLOC;
	for (uint32_t k = 0; k <= s->p.threshold && e == 0; k++) {
		if ((e = ippyo_point_mul_gen(P, s->coef[k])) != 0)
			break;
		if ((eq = ippyo_point_eq(P, c->A[k])) != 1)
			e = eq < 0 ? eq : IPPYO_ERR_CEREMONY_MISMATCH;
	}
	ippyo_point_free(P);
	return e;
}

/* Decrypts and checks the share sh from sender c into y. */
static int
open_share(ippyo_scalar *y, const ippyo_trustee_secret *s, const ippyo_point *E_self,
    const ippyo_ceremony_commitments *c, const ippyo_ceremony_share *sh)
{
	ippyo_ceremony_share work;
	ippyo_point *want = NULL, *got = NULL;
	uint8_t key[32], plain[IPPYO_SCALAR_BYTES];
	int e, eq;

	work = *sh;
	if ((e = share_key(key, &s->p, c->index, s->index, s->enc, E_self, c->E, c->E,
	    E_self)) != 0 || (e = share_gcm(&work, key, plain, 0)) != 0)
		goto out;
	if (ippyo_scalar_parse(y, plain, sizeof(plain)) != 0) {
		e = IPPYO_ERR_BAD_SHARE;
		goto out;
	}
	e = IPPYO_ERR_ALLOC;
	if ((want = ippyo_point_new()) == NULL || (got = ippyo_point_new()) == NULL)
		goto out;
	/* f_i(j)·G = Σ_k j^k·A_ik */
	if ((e = eval_points(want, c->A, s->p.threshold, s->index)) != 0 ||
	    (e = ippyo_point_mul_gen(got, y)) != 0)
		goto out;
	if ((eq = ippyo_point_eq(got, want)) != 1) {
		e = eq < 0 ? eq : IPPYO_ERR_BAD_SHARE;
		goto out;
	}
	e = 0;
out:
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(plain, sizeof(plain));
	OPENSSL_cleanse(&work, sizeof(work));
	ippyo_point_free(want);
	ippyo_point_free(got);
	return e;
}

int
ippyo_ceremony_round3(const ippyo_trustee_secret *s,
    ippyo_ceremony_commitments *const *all, size_t n_all,
    ippyo_ceremony_share *const *shares, size_t n_shares,
    ippyo_trustee_key **key, ippyo_ceremony_result **result, uint32_t *bad_sender)
{
	const ippyo_ceremony_commitments *sorted[MAXN];
	const ippyo_ceremony_share *by_sender[MAXN] = { NULL };
	const ippyo_ceremony_params *p = &s->p;
	ippyo_trustee_key *k = NULL;
	ippyo_ceremony_result *r = NULL;
	ippyo_scalar *y = NULL;
	ippyo_point *E_self = NULL;
	uint32_t me = s->index;
	int e, eq;

	*key = NULL;
	*result = NULL;
	*bad_sender = 0;
	if ((e = collect(p, all, n_all, sorted, bad_sender)) != 0)
		return e;
	if ((e = own_matches(s, sorted[me - 1])) != 0) {
		*bad_sender = me;
		return e;
	}
	for (size_t i = 0; i < n_shares; i++) {
		const ippyo_ceremony_share *sh = shares[i];

		*bad_sender = sh->sender;
		if ((e = params_match(&sh->p, p)) != 0)
			return e;
		if (sh->sender < 1 || sh->sender > p->trustees || sh->sender == me ||
		    sh->recipient != me)
			return IPPYO_ERR_CEREMONY_MISMATCH;
		if (by_sender[sh->sender - 1] != NULL)
			return IPPYO_ERR_DUPLICATE_TRUSTEE;
		by_sender[sh->sender - 1] = sh;
	}
	for (uint32_t i = 1; i <= p->trustees; i++) {
		*bad_sender = i;
		if (i != me && by_sender[i - 1] == NULL)
			return IPPYO_ERR_NOT_FOUND;
	}
	*bad_sender = 0;
	e = IPPYO_ERR_ALLOC;
	if ((k = key_new(p, me)) == NULL || (y = ippyo_scalar_new()) == NULL ||
	    (E_self = ippyo_point_new()) == NULL)
		goto out;
	/* x_j = f_j(j) + Σ_{i≠j} f_i(j) */
	if ((e = eval_poly(k->x, s, me)) != 0 || (e = ippyo_point_mul_gen(E_self, s->enc)) != 0)
		goto out;
	for (uint32_t i = 1; i <= p->trustees; i++) {
		if (i == me)
			continue;
		if ((e = open_share(y, s, E_self, sorted[i - 1], by_sender[i - 1])) != 0) {
			*bad_sender = i;
			goto out;
		}
		if ((e = ippyo_scalar_add(k->x, k->x, y)) != 0)
			goto out;
	}
	if (ippyo_scalar_is_zero(k->x)) {
		e = IPPYO_ERR_SCALAR_ZERO;
		goto out;
	}
	if ((e = result_from_sorted(p, sorted, &r)) != 0 ||
	    (e = ippyo_point_mul_gen(k->X, k->x)) != 0)
		goto out;
	if ((eq = ippyo_point_eq(k->X, r->X[me - 1])) != 1) {
		e = eq < 0 ? eq : IPPYO_ERR_INTERNAL;
		goto out;
	}
	memcpy(k->transcript, r->transcript, sizeof(k->transcript));
	*key = k;
	*result = r;
	k = NULL;
	r = NULL;
	e = 0;
out:
	ippyo_trustee_key_free(k);
	ippyo_ceremony_result_free(r);
	ippyo_scalar_free(y);
	ippyo_point_free(E_self);
	return e;
}

/* ---- JSON ---- */

/* Wipes a JSON string's bytes in place (secret values). */
static void
wipe_string(json_t *s)
{
	if (s != NULL && json_is_string(s))
		OPENSSL_cleanse((void *)(uintptr_t)json_string_value(s), json_string_length(s));
}

static int
dump_cb(const char *buffer, size_t size, void *data)
{
	return ippyo_buf_put(data, buffer, size) == 0 ? 0 : -1;
}

/* Dumps o into an OPENSSL_malloc'd, NUL-terminated text ending in a newline. */
static int
dump(const json_t *o, char **out, size_t *out_len)
{
	ippyo_buf *b;
	uint8_t *data = NULL;
	size_t len = 0;
	int e = IPPYO_ERR_ALLOC;

	*out = NULL;
	*out_len = 0;
	if ((b = ippyo_buf_new(JSON_MAX)) == NULL)
		return IPPYO_ERR_ALLOC;
	if (json_dump_callback(o, dump_cb, b, JSON_INDENT(2) | JSON_ENSURE_ASCII) != 0)
		goto out;
	if ((e = ippyo_buf_put_str(b, "\n")) != 0 || (e = ippyo_buf_put_u8(b, 0)) != 0 ||
	    (e = ippyo_buf_steal(b, &data, &len)) != 0)
		goto out;
	*out = (char *)data;
	*out_len = len - 1;
out:
	ippyo_buf_free(b);
	return e;
}

static int
load(json_t **out, const char *text, size_t len)
{
	json_error_t err;
	json_t *o;

	*out = NULL;
	if (len > JSON_MAX)
		return IPPYO_ERR_LIMIT;
	if ((o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err)) == NULL)
		return IPPYO_ERR_JSON;
	if (!json_is_object(o)) {
		json_decref(o);
		return IPPYO_ERR_JSON_SCHEMA;
	}
	*out = o;
	return 0;
}

/* Exactly the keys of the NULL-terminated list, no other. */
static int
check_keys(json_t *o, const char *const *keys)
{
	size_t n = 0;

	if (!json_is_object(o))
		return IPPYO_ERR_JSON_SCHEMA;
	for (; keys[n] != NULL; n++)
		if (json_object_get(o, keys[n]) == NULL)
			return IPPYO_ERR_JSON_SCHEMA;
	return json_object_size(o) == n ? 0 : IPPYO_ERR_JSON_SCHEMA;
}

static int
get_u32(json_t *o, const char *k, uint32_t *v)
{
	json_t *j = json_object_get(o, k);
	json_int_t x;

	*v = 0;
	if (!json_is_integer(j))
		return IPPYO_ERR_JSON_SCHEMA;
	x = json_integer_value(j);
	if (x < 0 || x > (json_int_t)UINT32_MAX)
		return IPPYO_ERR_JSON_SCHEMA;
	*v = (uint32_t)x;
	return 0;
}

static int
str_bytes(json_t *j, uint8_t *out, size_t want)
{
	const char *s;

	if (!json_is_string(j))
		return IPPYO_ERR_JSON_SCHEMA;
	s = json_string_value(j);
	if (strlen(s) != json_string_length(j))
		return IPPYO_ERR_BAD_ENCODING;
	return ippyo_b64url_decode_exact(s, out, want);
}

static int
get_bytes(json_t *o, const char *k, uint8_t *out, size_t want)
{
	return str_bytes(json_object_get(o, k), out, want);
}

static int
str_point(json_t *j, ippyo_point *P)
{
	uint8_t b[IPPYO_POINT_BYTES];
	int e;

	if ((e = str_bytes(j, b, sizeof(b))) != 0)
		return e;
	return ippyo_point_parse(P, b, sizeof(b));
}

static int
str_scalar(json_t *j, ippyo_scalar *s)
{
	uint8_t b[IPPYO_SCALAR_BYTES];
	int e;

	if ((e = str_bytes(j, b, sizeof(b))) == 0)
		e = ippyo_scalar_parse(s, b, sizeof(b));
	OPENSSL_cleanse(b, sizeof(b));
	return e;
}

static int
str_proof(json_t *j, ippyo_schnorr_proof *p)
{
	uint8_t b[IPPYO_SCHNORR_BYTES];
	int e;

	if ((e = str_bytes(j, b, sizeof(b))) != 0)
		return e;
	return ippyo_schnorr_proof_parse(p, b, sizeof(b));
}

static json_t *
b64(const uint8_t *in, size_t len)
{
	char *s = NULL;
	json_t *j;

	if (ippyo_b64url_encode(in, len, &s) != 0)
		return NULL;
	j = json_string(s);
	OPENSSL_clear_free(s, strlen(s));
	return j;
}

/* Sets o[k] = v, taking v (which may be NULL after a failed constructor). */
static int
set(json_t *o, const char *k, json_t *v)
{
	if (v == NULL)
		return IPPYO_ERR_ALLOC;
	return json_object_set_new(o, k, v) == 0 ? 0 : IPPYO_ERR_ALLOC;
}

static int
append(json_t *a, json_t *v)
{
	if (v == NULL)
		return IPPYO_ERR_ALLOC;
	return json_array_append_new(a, v) == 0 ? 0 : IPPYO_ERR_ALLOC;
}

static json_t *
point_json(const ippyo_point *P)
{
	uint8_t b[IPPYO_POINT_BYTES];

	return ippyo_point_serialize(P, b) == 0 ? b64(b, sizeof(b)) : NULL;
}

static json_t *
scalar_json(const ippyo_scalar *s)
{
	uint8_t b[IPPYO_SCALAR_BYTES];
	json_t *j = NULL;

	if (ippyo_scalar_serialize(s, b) == 0)
		j = b64(b, sizeof(b));
	OPENSSL_cleanse(b, sizeof(b));
	return j;
}

static json_t *
proof_json(const ippyo_schnorr_proof *p)
{
	uint8_t b[IPPYO_SCHNORR_BYTES];

	return ippyo_schnorr_proof_serialize(p, b) == 0 ? b64(b, sizeof(b)) : NULL;
}

/* {"version", "type", "context", "threshold", "trustees"} */
static int
header_new(json_t **out, const char *type, const ippyo_ceremony_params *p)
{
	json_t *o;
	int e;

	*out = NULL;
	if ((o = json_object()) == NULL)
		return IPPYO_ERR_ALLOC;
	if ((e = set(o, "version", json_integer(FILE_VERSION))) != 0 ||
	    (e = set(o, "type", json_string(type))) != 0 ||
	    (e = set(o, "context", b64(p->context, sizeof(p->context)))) != 0 ||
	    (e = set(o, "threshold", json_integer(p->threshold))) != 0 ||
	    (e = set(o, "trustees", json_integer(p->trustees))) != 0) {
		json_decref(o);
		return e;
	}
	*out = o;
	return 0;
}

static int
header_parse(json_t *o, const char *type, ippyo_ceremony_params *p)
{
	json_t *t = json_object_get(o, "type");
	uint32_t v;
	int e;

	memset(p, 0, sizeof(*p));
	if ((e = get_u32(o, "version", &v)) != 0)
		return e;
	if (v != FILE_VERSION)
		return IPPYO_ERR_BAD_VERSION;
	if (!json_is_string(t) || strcmp(json_string_value(t), type) != 0 ||
	    strlen(type) != json_string_length(t))
		return IPPYO_ERR_JSON_SCHEMA;
	if ((e = get_bytes(o, "context", p->context, sizeof(p->context))) != 0 ||
	    (e = get_u32(o, "threshold", &p->threshold)) != 0 ||
	    (e = get_u32(o, "trustees", &p->trustees)) != 0)
		return e;
	return ippyo_ceremony_params_check(p);
}

static int
index_parse(json_t *o, const char *k, const ippyo_ceremony_params *p, uint32_t *index)
{
	int e;

	if ((e = get_u32(o, k, index)) != 0)
		return e;
	return *index >= 1 && *index <= p->trustees ? 0 : IPPYO_ERR_BAD_THRESHOLD;
}

static int
array_of(json_t *o, const char *k, size_t n, json_t **out)
{
	json_t *a = json_object_get(o, k);

	*out = NULL;
	if (!json_is_array(a) || json_array_size(a) != n)
		return IPPYO_ERR_JSON_SCHEMA;
	*out = a;
	return 0;
}

/* {"point": b64url(33), "proof": b64url(65)} */
static json_t *
pointproof_json(const ippyo_point *P, const ippyo_schnorr_proof *pr)
{
	json_t *o = json_object();

	if (o == NULL || set(o, "point", point_json(P)) != 0 ||
	    set(o, "proof", proof_json(pr)) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int
pointproof_parse(json_t *o, ippyo_point *P, ippyo_schnorr_proof *pr)
{
	static const char *const keys[] = { "point", "proof", NULL };
	int e;

	if ((e = check_keys(o, keys)) != 0 ||
	    (e = str_point(json_object_get(o, "point"), P)) != 0)
		return e;
	return str_proof(json_object_get(o, "proof"), pr);
}

int
ippyo_ceremony_commitments_to_json(const ippyo_ceremony_commitments *c, char **out,
    size_t *out_len)
{
	json_t *o = NULL, *a = NULL;
	int e;

	*out = NULL;
	*out_len = 0;
	if ((e = header_new(&o, TYPE_COMMITMENTS, &c->p)) != 0)
		return e;
	if ((e = set(o, "index", json_integer(c->index))) != 0 ||
	    (e = set(o, "commitments", a = json_array())) != 0)
		goto out;
	for (uint32_t k = 0; k < c->p.threshold; k++)
		if ((e = append(a, pointproof_json(c->A[k], c->proof[k]))) != 0)
			goto out;
	if ((e = set(o, "encryption_key", pointproof_json(c->E, c->E_proof))) != 0)
		goto out;
	e = dump(o, out, out_len);
out:
	json_decref(o);
	return e;
}

int
ippyo_ceremony_commitments_from_json(ippyo_ceremony_commitments **out, const char *text,
    size_t len)
{
	static const char *const keys[] = { "version", "type", "context", "threshold",
	    "trustees", "index", "commitments", "encryption_key", NULL };
	ippyo_ceremony_commitments *c = NULL;
	ippyo_ceremony_params p;
	json_t *o = NULL, *a;
	uint32_t index;
	int e;

	*out = NULL;
	if ((e = load(&o, text, len)) != 0)
		return e;
	if ((e = check_keys(o, keys)) != 0 || (e = header_parse(o, TYPE_COMMITMENTS, &p)) != 0 ||
	    (e = index_parse(o, "index", &p, &index)) != 0 ||
	    (e = array_of(o, "commitments", p.threshold, &a)) != 0)
		goto out;
	if ((c = commitments_new(&p, index)) == NULL) {
		e = IPPYO_ERR_ALLOC;
		goto out;
	}
	for (uint32_t k = 0; k < p.threshold; k++)
		if ((e = pointproof_parse(json_array_get(a, k), c->A[k], c->proof[k])) != 0)
			goto out;
	if ((e = pointproof_parse(json_object_get(o, "encryption_key"), c->E, c->E_proof)) != 0)
		goto out;
	*out = c;
	c = NULL;
out:
	ippyo_ceremony_commitments_free(c);
	json_decref(o);
	return e;
}

int
ippyo_ceremony_share_to_json(const ippyo_ceremony_share *s, char **out, size_t *out_len)
{
	json_t *o = NULL;
	int e;

	*out = NULL;
	*out_len = 0;
	if ((e = header_new(&o, TYPE_SHARE, &s->p)) != 0)
		return e;
	if ((e = set(o, "sender", json_integer(s->sender))) != 0 ||
	    (e = set(o, "recipient", json_integer(s->recipient))) != 0 ||
	    (e = set(o, "nonce", b64(s->nonce, sizeof(s->nonce)))) != 0 ||
	    (e = set(o, "ciphertext", b64(s->sealed, sizeof(s->sealed)))) != 0)
		goto out;
	e = dump(o, out, out_len);
out:
	json_decref(o);
	return e;
}

int
ippyo_ceremony_share_from_json(ippyo_ceremony_share **out, const char *text, size_t len)
{
	static const char *const keys[] = { "version", "type", "context", "threshold",
	    "trustees", "sender", "recipient", "nonce", "ciphertext", NULL };
	ippyo_ceremony_share *s = NULL;
	json_t *o = NULL;
	int e;

	*out = NULL;
	if ((e = load(&o, text, len)) != 0)
		return e;
	if ((s = OPENSSL_zalloc(sizeof(*s))) == NULL) {
		e = IPPYO_ERR_ALLOC;
		goto out;
	}
	if ((e = check_keys(o, keys)) != 0 || (e = header_parse(o, TYPE_SHARE, &s->p)) != 0 ||
	    (e = index_parse(o, "sender", &s->p, &s->sender)) != 0 ||
	    (e = index_parse(o, "recipient", &s->p, &s->recipient)) != 0 ||
	    (e = get_bytes(o, "nonce", s->nonce, sizeof(s->nonce))) != 0 ||
	    (e = get_bytes(o, "ciphertext", s->sealed, sizeof(s->sealed))) != 0)
		goto out;
	if (s->sender == s->recipient) {
		e = IPPYO_ERR_CEREMONY_MISMATCH;
		goto out;
	}
	*out = s;
	s = NULL;
out:
	ippyo_ceremony_share_free(s);
	json_decref(o);
	return e;
}

int
ippyo_ceremony_result_to_json(const ippyo_ceremony_result *r, char **out, size_t *out_len)
{
	json_t *o = NULL, *a = NULL;
	int e;

	*out = NULL;
	*out_len = 0;
	if ((e = header_new(&o, TYPE_RESULT, &r->p)) != 0)
		return e;
	if ((e = set(o, "transcript", b64(r->transcript, sizeof(r->transcript)))) != 0 ||
	    (e = set(o, "election_key", point_json(r->K))) != 0 ||
	    (e = set(o, "verification_keys", a = json_array())) != 0)
		goto out;
	for (uint32_t j = 0; j < r->p.trustees; j++)
		if ((e = append(a, point_json(r->X[j]))) != 0)
			goto out;
	e = dump(o, out, out_len);
out:
	json_decref(o);
	return e;
}

int
ippyo_ceremony_result_from_json(ippyo_ceremony_result **out, const char *text, size_t len)
{
	static const char *const keys[] = { "version", "type", "context", "threshold",
	    "trustees", "transcript", "election_key", "verification_keys", NULL };
	ippyo_ceremony_result *r = NULL;
	ippyo_ceremony_params p;
	json_t *o = NULL, *a;
	int e;

	*out = NULL;
	if ((e = load(&o, text, len)) != 0)
		return e;
	if ((e = check_keys(o, keys)) != 0 || (e = header_parse(o, TYPE_RESULT, &p)) != 0 ||
	    (e = array_of(o, "verification_keys", p.trustees, &a)) != 0)
		goto out;
	if ((r = result_new(&p)) == NULL) {
		e = IPPYO_ERR_ALLOC;
		goto out;
	}
	if ((e = get_bytes(o, "transcript", r->transcript, sizeof(r->transcript))) != 0 ||
	    (e = str_point(json_object_get(o, "election_key"), r->K)) != 0)
		goto out;
	for (uint32_t j = 0; j < p.trustees; j++)
		if ((e = str_point(json_array_get(a, j), r->X[j])) != 0)
			goto out;
	*out = r;
	r = NULL;
out:
	ippyo_ceremony_result_free(r);
	json_decref(o);
	return e;
}

/* Wipes every string of a JSON tree that holds secrets, then frees it. */
static void
secret_decref(json_t *o)
{
	const char *k;
	json_t *v;
	size_t i;
	json_t *x;

	if (o == NULL)
		return;
	json_object_foreach(o, k, v) {
		if (json_is_array(v)) {
			json_array_foreach(v, i, x)
				wipe_string(x);
		} else {
			wipe_string(v);
		}
	}
	json_decref(o);
}

int
ippyo_trustee_secret_to_json(const ippyo_trustee_secret *s, char **out, size_t *out_len)
{
	json_t *o = NULL, *a = NULL;
	int e;

	*out = NULL;
	*out_len = 0;
	if ((e = header_new(&o, TYPE_SECRET, &s->p)) != 0)
		return e;
	if ((e = set(o, "index", json_integer(s->index))) != 0 ||
	    (e = set(o, "coefficients", a = json_array())) != 0)
		goto out;
	for (uint32_t k = 0; k < s->p.threshold; k++)
		if ((e = append(a, scalar_json(s->coef[k]))) != 0)
			goto out;
	if ((e = set(o, "encryption_key", scalar_json(s->enc))) != 0)
		goto out;
	e = dump(o, out, out_len);
out:
	secret_decref(o);
	return e;
}

int
ippyo_trustee_secret_from_json(ippyo_trustee_secret **out, const char *text, size_t len)
{
	static const char *const keys[] = { "version", "type", "context", "threshold",
	    "trustees", "index", "coefficients", "encryption_key", NULL };
	ippyo_trustee_secret *s = NULL;
	ippyo_ceremony_params p;
	json_t *o = NULL, *a;
	uint32_t index;
	int e;

	*out = NULL;
	if ((e = load(&o, text, len)) != 0)
		return e;
	if ((e = check_keys(o, keys)) != 0 || (e = header_parse(o, TYPE_SECRET, &p)) != 0 ||
	    (e = index_parse(o, "index", &p, &index)) != 0 ||
	    (e = array_of(o, "coefficients", p.threshold, &a)) != 0)
		goto out;
	if ((s = secret_new(&p, index)) == NULL) {
		e = IPPYO_ERR_ALLOC;
		goto out;
	}
	for (uint32_t k = 0; k < p.threshold; k++)
		if ((e = str_scalar(json_array_get(a, k), s->coef[k])) != 0)
			goto out;
	if ((e = str_scalar(json_object_get(o, "encryption_key"), s->enc)) != 0)
		goto out;
	if (ippyo_scalar_is_zero(s->coef[0]) || ippyo_scalar_is_zero(s->enc)) {
		e = IPPYO_ERR_SCALAR_ZERO;
		goto out;
	}
	*out = s;
	s = NULL;
out:
	ippyo_trustee_secret_free(s);
	secret_decref(o);
	return e;
}

int
ippyo_trustee_key_to_json(const ippyo_trustee_key *k, char **out, size_t *out_len)
{
	json_t *o = NULL;
	int e;

	*out = NULL;
	*out_len = 0;
	if ((e = header_new(&o, TYPE_KEY, &k->p)) != 0)
		return e;
	if ((e = set(o, "index", json_integer(k->index))) != 0 ||
	    (e = set(o, "transcript", b64(k->transcript, sizeof(k->transcript)))) != 0 ||
	    (e = set(o, "share", scalar_json(k->x))) != 0 ||
	    (e = set(o, "verification_key", point_json(k->X))) != 0)
		goto out;
	e = dump(o, out, out_len);
out:
	secret_decref(o);
	return e;
}

int
ippyo_trustee_key_from_json(ippyo_trustee_key **out, const char *text, size_t len)
{
	static const char *const keys[] = { "version", "type", "context", "threshold",
	    "trustees", "index", "transcript", "share", "verification_key", NULL };
	ippyo_trustee_key *k = NULL;
	ippyo_ceremony_params p;
	ippyo_point *P = NULL;
	json_t *o = NULL;
	uint32_t index;
	int e, eq;

	*out = NULL;
	if ((e = load(&o, text, len)) != 0)
		return e;
	if ((e = check_keys(o, keys)) != 0 || (e = header_parse(o, TYPE_KEY, &p)) != 0 ||
	    (e = index_parse(o, "index", &p, &index)) != 0)
		goto out;
	e = IPPYO_ERR_ALLOC;
	if ((k = key_new(&p, index)) == NULL || (P = ippyo_point_new()) == NULL)
		goto out;
	if ((e = get_bytes(o, "transcript", k->transcript, sizeof(k->transcript))) != 0 ||
	    (e = str_scalar(json_object_get(o, "share"), k->x)) != 0 ||
	    (e = str_point(json_object_get(o, "verification_key"), k->X)) != 0)
		goto out;
	if (ippyo_scalar_is_zero(k->x)) {
		e = IPPYO_ERR_SCALAR_ZERO;
		goto out;
	}
	if ((e = ippyo_point_mul_gen(P, k->x)) != 0)
		goto out;
	if ((eq = ippyo_point_eq(P, k->X)) != 1) {
		e = eq < 0 ? eq : IPPYO_ERR_BAD_SHARE;
		goto out;
	}
	*out = k;
	k = NULL;
out:
	ippyo_trustee_key_free(k);
	ippyo_point_free(P);
	secret_decref(o);
	return e;
}
