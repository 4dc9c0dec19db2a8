/* ippyo — exponential ElGamal on P-256 and the ballot seed derivation. */
#include "elgamal.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

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
		BN_CTX *ctx = BN_CTX_new();

		e = ctx == NULL ? IPPYO_ERR_ALLOC : EC_POINT_add(ippyo_group_ec(), ippyo_point_ec(mg),
		    ippyo_point_ec_const(rk), ippyo_point_ec_const(ippyo_point_generator()), ctx) == 1 ?
		    0 : IPPYO_ERR_INTERNAL;
		if (e == 0)
			e = ippyo_point_select(ct->beta, (int)m, mg, rk, ctx);
		BN_CTX_free(ctx);
		if (e != 0)
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
#define PURPOSE_MAX 64

/*
 * A ballot has dozens of derivations: they write the transcript of hash.h
 * into a stack buffer and hash it with a SHA-512 fetched once (the same
 * bytes as ippyo_transcript_challenge; the known-answer test pins them).
 */
static CRYPTO_ONCE sha512_once = CRYPTO_ONCE_STATIC_INIT;
static EVP_MD *sha512;

static void
sha512_fetch(void)
{
	sha512 = EVP_MD_fetch(NULL, "SHA512", NULL);
}

static uint8_t *
put_lp(uint8_t *o, const void *data, size_t len)
{
	o[0] = (uint8_t)(len >> 24);
	o[1] = (uint8_t)(len >> 16);
	o[2] = (uint8_t)(len >> 8);
	o[3] = (uint8_t)len;
	memcpy(o + 4, data, len);
	return o + 4 + len;
}

static uint8_t *
put_u32(uint8_t *o, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	return put_lp(o, b, sizeof(b));
}

int
ippyo_seed_derive(ippyo_scalar *out, const ippyo_seed_context *sc, const char *purpose,
    uint32_t contest, uint32_t option, uint32_t counter)
{
	uint8_t t[4 + sizeof(SEED_TAG) - 1 + 3 * (4 + 32) + 4 + PURPOSE_MAX + 3 * 8];
	uint8_t h[64], *o = t;
	size_t plen = strlen(purpose);
	int e;

	if (plen > PURPOSE_MAX)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if (CRYPTO_THREAD_run_once(&sha512_once, sha512_fetch) != 1 || sha512 == NULL)
		return IPPYO_ERR_INTERNAL;
	o = put_lp(o, SEED_TAG, sizeof(SEED_TAG) - 1);
	o = put_lp(o, sc->seed, sizeof(sc->seed));
	o = put_lp(o, sc->election_hash, sizeof(sc->election_hash));
	o = put_lp(o, sc->voter_binding, sizeof(sc->voter_binding));
	o = put_lp(o, purpose, plen);
	o = put_u32(o, contest);
	o = put_u32(o, option);
	o = put_u32(o, counter);
	if (EVP_Digest(t, (size_t)(o - t), h, NULL, sha512, NULL) != 1)
		e = IPPYO_ERR_INTERNAL;
	else
		e = ippyo_scalar_from_wide(out, h, sizeof(h));
	if (e == 0 && ippyo_scalar_is_zero(out))
		e = IPPYO_ERR_SCALAR_ZERO;
	OPENSSL_cleanse(t, sizeof(t));
	OPENSSL_cleanse(h, sizeof(h));
	return e;
}

void
ippyo_seed_context_wipe(ippyo_seed_context *sc)
{
	OPENSSL_cleanse(sc, sizeof(*sc));
}
