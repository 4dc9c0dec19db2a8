/* ippyo — exponential ElGamal on P-256 and the ballot seed derivation. */
#include "elgamal.h"

#include <string.h>

#include <openssl/crypto.h>

#include "../error.h"
#include "pointx.h"

struct ippyo_election_key {
	ippyo_point *k;
	ippyo_base *base;
	uint8_t bytes[IPPYO_POINT_BYTES];
};

struct ippyo_ciphertext {
	ippyo_point *alpha;
	ippyo_point *beta;
};

/* ---- election key ---- */

int
ippyo_election_key_new(ippyo_election_key **out, const ippyo_point *k)
{
	ippyo_election_key *key = NULL;
	int r;

	*out = NULL;
	if ((r = ippyo_group_init()) != 0)
		return r;
	if (ippyo_point_is_infinity(k))
		return IPPYO_ERR_POINT_INFINITY;
	if ((key = OPENSSL_zalloc(sizeof(*key))) == NULL)
		return IPPYO_ERR_ALLOC;
	if ((r = ippyo_point_serialize(k, key->bytes)) != 0)
		goto out;
	r = IPPYO_ERR_ALLOC;
	if ((key->k = ippyo_point_dup(k)) == NULL || (key->base = ippyo_base_new(k)) == NULL)
		goto out;
	*out = key;
	key = NULL;
	r = 0;
out:
	ippyo_election_key_free(key);
	return r;
}

void
ippyo_election_key_free(ippyo_election_key *key)
{
	if (key == NULL)
		return;
	ippyo_point_free(key->k);
	ippyo_base_free(key->base);
	OPENSSL_free(key);
}

const ippyo_point *
ippyo_election_key_point(const ippyo_election_key *key)
{
	return key->k;
}

const ippyo_base *
ippyo_election_key_base(const ippyo_election_key *key)
{
	return key->base;
}

const uint8_t *
ippyo_election_key_bytes(const ippyo_election_key *key)
{
	return key->bytes;
}

/* ---- ciphertexts ---- */

ippyo_ciphertext *
ippyo_ciphertext_new(void)
{
	ippyo_ciphertext *ct = OPENSSL_zalloc(sizeof(*ct));

	if (ct == NULL)
		return NULL;
	if ((ct->alpha = ippyo_point_new()) == NULL || (ct->beta = ippyo_point_new()) == NULL) {
		ippyo_ciphertext_free(ct);
		return NULL;
	}
	return ct;
}

void
ippyo_ciphertext_free(ippyo_ciphertext *ct)
{
	if (ct == NULL)
		return;
	ippyo_point_free(ct->alpha);
	ippyo_point_free(ct->beta);
	OPENSSL_free(ct);
}

ippyo_ciphertext *
ippyo_ciphertext_dup(const ippyo_ciphertext *src)
{
	ippyo_ciphertext *ct = ippyo_ciphertext_new();

	if (ct != NULL && ippyo_ciphertext_copy(ct, src) != 0) {
		ippyo_ciphertext_free(ct);
		return NULL;
	}
	return ct;
}

int
ippyo_ciphertext_copy(ippyo_ciphertext *dst, const ippyo_ciphertext *src)
{
	int r;

	if ((r = ippyo_point_copy(dst->alpha, src->alpha)) != 0)
		return r;
	return ippyo_point_copy(dst->beta, src->beta);
}

const ippyo_point *
ippyo_ciphertext_alpha(const ippyo_ciphertext *ct)
{
	return ct->alpha;
}

const ippyo_point *
ippyo_ciphertext_beta(const ippyo_ciphertext *ct)
{
	return ct->beta;
}

int
ippyo_ciphertext_set(ippyo_ciphertext *ct, const ippyo_point *alpha, const ippyo_point *beta)
{
	int r;

	if ((r = ippyo_point_copy(ct->alpha, alpha)) != 0)
		return r;
	return ippyo_point_copy(ct->beta, beta);
}

int
ippyo_ciphertext_encrypt(ippyo_ciphertext *ct, const ippyo_election_key *key, uint64_t m,
    const ippyo_scalar *r)
{
	ippyo_scalar *ms = NULL;
	ippyo_point *mg = NULL, *rk = NULL;
	int e;

	if (ippyo_scalar_is_zero(r))
		return IPPYO_ERR_SCALAR_ZERO;
	e = IPPYO_ERR_ALLOC;
	if ((ms = ippyo_scalar_new()) == NULL || (mg = ippyo_point_new()) == NULL ||
	    (rk = ippyo_point_new()) == NULL)
		goto out;
	if ((e = ippyo_base_mul(rk, key->base, r)) != 0 ||
	    (e = ippyo_point_mul_gen(ct->alpha, r)) != 0)
		goto out;
	if (m <= 1) {
		/* A selection: beta = rK + G or rK, chosen without a branch on m. */
		if ((e = ippyo_point_add(mg, rk, ippyo_point_generator())) != 0 ||
		    (e = ippyo_point_select(ct->beta, (int)m, mg, rk)) != 0)
			goto out;
	} else {
		if ((e = ippyo_scalar_set_u64(ms, m)) != 0 ||
		    (e = ippyo_point_mul_gen(mg, ms)) != 0 ||
		    (e = ippyo_point_add(ct->beta, mg, rk)) != 0)
			goto out;
	}
out:
	ippyo_scalar_free(ms);
	ippyo_point_free(mg);
	ippyo_point_free(rk);
	return e;
}

int
ippyo_ciphertext_add(ippyo_ciphertext *r, const ippyo_ciphertext *a, const ippyo_ciphertext *b)
{
	int e;

	if ((e = ippyo_point_add(r->alpha, a->alpha, b->alpha)) != 0)
		return e;
	return ippyo_point_add(r->beta, a->beta, b->beta);
}

int
ippyo_ciphertext_eq(const ippyo_ciphertext *a, const ippyo_ciphertext *b)
{
	int e;

	if ((e = ippyo_point_eq(a->alpha, b->alpha)) != 1)
		return e;
	return ippyo_point_eq(a->beta, b->beta);
}

int
ippyo_ciphertext_parse(ippyo_ciphertext *ct, const uint8_t *in, size_t len)
{
	int e;

	if (len < IPPYO_CIPHERTEXT_BYTES)
		return IPPYO_ERR_TRUNCATED;
	if (len > IPPYO_CIPHERTEXT_BYTES)
		return IPPYO_ERR_TRAILING;
	if ((e = ippyo_point_parse(ct->alpha, in, IPPYO_POINT_BYTES)) != 0 ||
	    (e = ippyo_point_parse(ct->beta, in + IPPYO_POINT_BYTES, IPPYO_POINT_BYTES)) != 0) {
		if (ippyo_point_set_infinity(ct->alpha) != 0 ||
		    ippyo_point_set_infinity(ct->beta) != 0)
			return IPPYO_ERR_INTERNAL;
		return e;
	}
	return 0;
}

int
ippyo_ciphertext_serialize(const ippyo_ciphertext *ct, uint8_t out[IPPYO_CIPHERTEXT_BYTES])
{
	int e;

	if ((e = ippyo_point_serialize(ct->alpha, out)) != 0 ||
	    (e = ippyo_point_serialize(ct->beta, out + IPPYO_POINT_BYTES)) != 0) {
		memset(out, 0, IPPYO_CIPHERTEXT_BYTES);
		return e;
	}
	return 0;
}

int
ippyo_transcript_put_ciphertext(ippyo_transcript *t, const ippyo_ciphertext *ct)
{
	int e;

	if ((e = ippyo_transcript_put_point(t, ct->alpha)) != 0)
		return e;
	return ippyo_transcript_put_point(t, ct->beta);
}

/* ---- ballot seed ---- */

#define SEED_TAG "ippyo/v1/ballot-seed"

int
ippyo_seed_derive(ippyo_scalar *out, const ippyo_seed_context *sc, const char *purpose,
    uint32_t contest, uint32_t option, uint32_t counter)
{
	ippyo_transcript *t;
	int e;

	if ((t = ippyo_transcript_new(SEED_TAG)) == NULL)
		return IPPYO_ERR_ALLOC;
	if ((e = ippyo_transcript_put(t, sc->seed, sizeof(sc->seed))) != 0 ||
	    (e = ippyo_transcript_put(t, sc->election_hash, sizeof(sc->election_hash))) != 0 ||
	    (e = ippyo_transcript_put(t, sc->voter_binding, sizeof(sc->voter_binding))) != 0 ||
	    (e = ippyo_transcript_put_str(t, purpose)) != 0 ||
	    (e = ippyo_transcript_put_u32(t, contest)) != 0 ||
	    (e = ippyo_transcript_put_u32(t, option)) != 0 ||
	    (e = ippyo_transcript_put_u32(t, counter)) != 0 ||
	    (e = ippyo_transcript_challenge(t, out)) != 0)
		goto out;
	if (ippyo_scalar_is_zero(out))
		e = IPPYO_ERR_SCALAR_ZERO;
out:
	ippyo_transcript_free(t);   /* wipes the seed's copy */
	return e;
}

void
ippyo_seed_context_wipe(ippyo_seed_context *sc)
{
	OPENSSL_cleanse(sc, sizeof(*sc));
}
