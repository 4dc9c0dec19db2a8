/* ippyo — threshold decryption of ElGamal totals. */
#include "decrypt.h"

#include <string.h>

#include <openssl/crypto.h>

#include "../error.h"

struct ippyo_partial_decryption {
	uint32_t trustee;
	ippyo_point *D;
	ippyo_cp_proof *proof;
};

ippyo_partial_decryption *
ippyo_partial_decryption_new(void)
{
	ippyo_partial_decryption *pd = OPENSSL_zalloc(sizeof(*pd));

	if (pd == NULL)
		return NULL;
	if ((pd->D = ippyo_point_new()) == NULL || (pd->proof = ippyo_cp_proof_new()) == NULL) {
		ippyo_partial_decryption_free(pd);
		return NULL;
	}
	return pd;
}

void
ippyo_partial_decryption_free(ippyo_partial_decryption *pd)
{
	if (pd == NULL)
		return;
	ippyo_point_free(pd->D);
	ippyo_cp_proof_free(pd->proof);
	OPENSSL_free(pd);
}

uint32_t
ippyo_partial_decryption_trustee(const ippyo_partial_decryption *pd)
{
	return pd->trustee;
}

const ippyo_point *
ippyo_partial_decryption_share(const ippyo_partial_decryption *pd)
{
	return pd->D;
}

const ippyo_cp_proof *
ippyo_partial_decryption_proof(const ippyo_partial_decryption *pd)
{
	return pd->proof;
}

static void
cp_ctx(ippyo_cp_context *c, const uint8_t election_hash[IPPYO_HASH_BYTES], uint32_t trustee)
{
	memcpy(c->election, election_hash, sizeof(c->election));
	c->trustee = trustee;
}

int
ippyo_partial_decrypt(ippyo_partial_decryption *pd, const ippyo_trustee_key *key,
    const uint8_t election_hash[IPPYO_HASH_BYTES], const ippyo_ciphertext *ct)
{
	const ippyo_point *alpha = ippyo_ciphertext_alpha(ct);
	const ippyo_scalar *x = ippyo_trustee_key_share(key);
	uint32_t j = ippyo_trustee_key_index(key);
	ippyo_cp_context c;
	ippyo_point *D = NULL;
	int e;

	if (ippyo_point_is_infinity(alpha))
		return IPPYO_ERR_POINT_INFINITY;
	if ((D = ippyo_point_new()) == NULL)
		return IPPYO_ERR_ALLOC;
	cp_ctx(&c, election_hash, j);
	/* x_j is secret: constant-time variable-base multiplication. */
	if ((e = ippyo_point_mul(D, x, alpha)) != 0 ||
	    (e = ippyo_cp_prove(pd->proof, &c, x, ippyo_trustee_key_verification_key(key), alpha,
	    D)) != 0 ||
	    (e = ippyo_point_copy(pd->D, D)) != 0)
		goto out;
	pd->trustee = j;
out:
	ippyo_point_free(D);
	return e;
}

int
ippyo_partial_decrypt_vector(ippyo_partial_decryption *const *pds,
    const ippyo_trustee_key *key, const uint8_t election_hash[IPPYO_HASH_BYTES],
    const ippyo_ciphertext *const *cts, size_t count)
{
	int e;

	for (size_t i = 0; i < count; i++)
		if ((e = ippyo_partial_decrypt(pds[i], key, election_hash, cts[i])) != 0)
			return e;
	return 0;
}

int
ippyo_partial_decryption_verify(const ippyo_partial_decryption *pd, const ippyo_point *X,
    const uint8_t election_hash[IPPYO_HASH_BYTES], const ippyo_ciphertext *ct)
{
	ippyo_cp_context c;

	cp_ctx(&c, election_hash, pd->trustee);
	if (ippyo_cp_verify(pd->proof, &c, X, ippyo_ciphertext_alpha(ct), pd->D) != 0)
		return IPPYO_ERR_BAD_DECRYPTION;
	return 0;
}

int
ippyo_partial_decryption_verify_result(const ippyo_partial_decryption *pd,
    const ippyo_ceremony_result *result, const uint8_t election_hash[IPPYO_HASH_BYTES],
    const ippyo_ciphertext *ct)
{
	const ippyo_point *X = ippyo_ceremony_result_verification_key(result, pd->trustee);

	if (X == NULL)
		return IPPYO_ERR_BAD_THRESHOLD;
	return ippyo_partial_decryption_verify(pd, X, election_hash, ct);
}

int
ippyo_partial_decryption_parse(ippyo_partial_decryption *pd, uint32_t trustee,
    const uint8_t *in, size_t len)
{
	int e;

	if (len != IPPYO_PARTIAL_DECRYPTION_BYTES)
		return len < IPPYO_PARTIAL_DECRYPTION_BYTES ? IPPYO_ERR_TRUNCATED : IPPYO_ERR_TRAILING;
	if ((e = ippyo_point_parse(pd->D, in, IPPYO_POINT_BYTES)) != 0 ||
	    (e = ippyo_cp_proof_parse(pd->proof, in + IPPYO_POINT_BYTES, IPPYO_CP_BYTES)) != 0) {
		pd->trustee = 0;
		return e;
	}
	pd->trustee = trustee;
	return 0;
}

int
ippyo_partial_decryption_serialize(const ippyo_partial_decryption *pd,
    uint8_t out[IPPYO_PARTIAL_DECRYPTION_BYTES])
{
	int e;

	if ((e = ippyo_point_serialize(pd->D, out)) != 0 ||
	    (e = ippyo_cp_proof_serialize(pd->proof, out + IPPYO_POINT_BYTES)) != 0) {
		memset(out, 0, IPPYO_PARTIAL_DECRYPTION_BYTES);
		return e;
	}
	return 0;
}

int
ippyo_lagrange_coefficient(ippyo_scalar *lambda, uint32_t j, const uint32_t *indices,
    size_t count)
{
	ippyo_scalar *num = NULL, *den = NULL, *m = NULL, *js = NULL;
	int e = IPPYO_ERR_ALLOC, found = 0;

	if ((num = ippyo_scalar_new()) == NULL || (den = ippyo_scalar_new()) == NULL ||
	    (m = ippyo_scalar_new()) == NULL || (js = ippyo_scalar_new()) == NULL)
		goto out;
	if ((e = ippyo_scalar_set_u64(num, 1)) != 0 || (e = ippyo_scalar_set_u64(den, 1)) != 0 ||
	    (e = ippyo_scalar_set_u64(js, j)) != 0)
		goto out;
	for (size_t i = 0; i < count; i++) {
		if (indices[i] == j) {
			found++;
			continue;
		}
		/* num *= m; den *= m - j */
		if ((e = ippyo_scalar_set_u64(m, indices[i])) != 0 ||
		    (e = ippyo_scalar_mul(num, num, m)) != 0 ||
		    (e = ippyo_scalar_sub(m, m, js)) != 0 ||
		    (e = ippyo_scalar_mul(den, den, m)) != 0)
			goto out;
	}
	if (found != 1) {
		e = found == 0 ? IPPYO_ERR_INVALID_ARGUMENT : IPPYO_ERR_DUPLICATE_TRUSTEE;
		goto out;
	}
	/* den = 0 only if an index repeats (mod q). */
	if (ippyo_scalar_is_zero(den)) {
		e = IPPYO_ERR_DUPLICATE_TRUSTEE;
		goto out;
	}
	if ((e = ippyo_scalar_inv(den, den)) != 0 || (e = ippyo_scalar_mul(lambda, num, den)) != 0)
		goto out;
out:
	ippyo_scalar_free(num);
	ippyo_scalar_free(den);
	ippyo_scalar_free(m);
	ippyo_scalar_free(js);
	return e;
}

int
ippyo_decrypt_combine(ippyo_point *M, const ippyo_ciphertext *ct,
    const ippyo_partial_decryption *const *parts, size_t count, uint32_t threshold,
    uint32_t trustees)
{
	uint32_t indices[IPPYO_CEREMONY_MAX_TRUSTEES];
	uint8_t seen[IPPYO_CEREMONY_MAX_TRUSTEES + 1] = { 0 };
	ippyo_scalar *lambda = NULL;
	ippyo_point *acc = NULL, *T = NULL;
	int e;

	if (trustees < 1 || trustees > IPPYO_CEREMONY_MAX_TRUSTEES || threshold < 1 ||
	    threshold > trustees)
		return IPPYO_ERR_BAD_THRESHOLD;
	/* More than n (<= 64) entries: the loop finds a repeat or an index out of range. */
	if (count > IPPYO_CEREMONY_MAX_TRUSTEES)
		return IPPYO_ERR_LIMIT;
	for (size_t i = 0; i < count; i++) {
		uint32_t j = parts[i]->trustee;

		if (j < 1 || j > trustees)
			return IPPYO_ERR_BAD_THRESHOLD;
		if (seen[j])
			return IPPYO_ERR_DUPLICATE_TRUSTEE;
		seen[j] = 1;
		indices[i] = j;
	}
	if (count < threshold)
		return IPPYO_ERR_NOT_ENOUGH_SHARES;
	e = IPPYO_ERR_ALLOC;
	if ((lambda = ippyo_scalar_new()) == NULL || (acc = ippyo_point_new()) == NULL ||
	    (T = ippyo_point_new()) == NULL)
		goto out;
	for (size_t i = 0; i < count; i++) {
		if ((e = ippyo_lagrange_coefficient(lambda, indices[i], indices, count)) != 0 ||
		    (e = ippyo_point_mul(T, lambda, parts[i]->D)) != 0 ||
		    (e = ippyo_point_add(acc, acc, T)) != 0)
			goto out;
	}
	if ((e = ippyo_point_sub(M, ippyo_ciphertext_beta(ct), acc)) != 0)
		goto out;
out:
	ippyo_scalar_free(lambda);
	ippyo_point_free(acc);
	ippyo_point_free(T);
	return e;
}

int
ippyo_decrypt_total(uint64_t *m, const ippyo_dlog_table *table, const ippyo_ciphertext *ct,
    const ippyo_partial_decryption *const *parts, size_t count, uint32_t threshold,
    uint32_t trustees)
{
	ippyo_point *M;
	int e;

	*m = 0;
	if ((M = ippyo_point_new()) == NULL)
		return IPPYO_ERR_ALLOC;
	if ((e = ippyo_decrypt_combine(M, ct, parts, count, threshold, trustees)) == 0)
		e = ippyo_dlog_table_solve(table, M, m);
	ippyo_point_free(M);
	return e;
}
