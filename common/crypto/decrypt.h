/* ippyo — threshold decryption: partial decryptions, Lagrange combination, small dlog. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ceremony.h"
#include "chaum-pedersen.h"
#include "dlog.h"
#include "elgamal.h"
#include "group.h"

/* D ‖ a ‖ b ‖ z: the partial decryption (33 bytes) and its Chaum–Pedersen proof (98). */
#define IPPYO_PARTIAL_DECRYPTION_BYTES (IPPYO_POINT_BYTES + IPPYO_CP_BYTES)

/*
 * Trustee j's partial decryption of a ciphertext (alpha, beta) is
 * D_j = x_j·alpha with a Chaum–Pedersen proof that log_G X_j = log_alpha D_j
 * (ippyo_cp_context: the election's base hash and j). Any t of them give
 *     M = beta - Σ_{j∈S} λ_j·D_j,   λ_j = Π_{m∈S, m≠j} m / (m - j)  mod q,
 * and the total m with M = m·G (dlog.h).
 */
typedef struct ippyo_partial_decryption ippyo_partial_decryption;

ippyo_partial_decryption *ippyo_partial_decryption_new(void);
void ippyo_partial_decryption_free(ippyo_partial_decryption *pd);   /* accepts NULL */
uint32_t ippyo_partial_decryption_trustee(const ippyo_partial_decryption *pd);
const ippyo_point *ippyo_partial_decryption_share(const ippyo_partial_decryption *pd);  /* D */
const ippyo_cp_proof *ippyo_partial_decryption_proof(const ippyo_partial_decryption *pd);

/*
 * One ciphertext, with its proof (the benchmark's "partial decryption"):
 * two constant-time multiplications by secrets (x_j·alpha, w·alpha) and one
 * fixed-base (w·G). alpha = O (an empty sum) is IPPYO_ERR_POINT_INFINITY.
 */
int ippyo_partial_decrypt(ippyo_partial_decryption *pd, const ippyo_trustee_key *key,
    const uint8_t election_hash[IPPYO_HASH_BYTES], const ippyo_ciphertext *ct) IPPYO_WUR;
/* The same for a vector of ciphertexts (the per-option totals): pds[i] for cts[i]. */
int ippyo_partial_decrypt_vector(ippyo_partial_decryption *const *pds,
    const ippyo_trustee_key *key, const uint8_t election_hash[IPPYO_HASH_BYTES],
    const ippyo_ciphertext *const *cts, size_t count) IPPYO_WUR;

/* 0 if pd is a valid partial decryption of ct by the trustee with key X, else IPPYO_ERR_BAD_DECRYPTION. */
int ippyo_partial_decryption_verify(const ippyo_partial_decryption *pd, const ippyo_point *X,
    const uint8_t election_hash[IPPYO_HASH_BYTES], const ippyo_ciphertext *ct) IPPYO_WUR;
/* The same with X taken from the ceremony result (trustee index out of range: IPPYO_ERR_BAD_THRESHOLD). */
int ippyo_partial_decryption_verify_result(const ippyo_partial_decryption *pd,
    const ippyo_ceremony_result *result, const uint8_t election_hash[IPPYO_HASH_BYTES],
    const ippyo_ciphertext *ct) IPPYO_WUR;

/* Strict: exactly 131 bytes (D ‖ proof); the trustee index travels beside them. */
int ippyo_partial_decryption_parse(ippyo_partial_decryption *pd, uint32_t trustee,
    const uint8_t *in, size_t len) IPPYO_WUR;
int ippyo_partial_decryption_serialize(const ippyo_partial_decryption *pd,
    uint8_t out[IPPYO_PARTIAL_DECRYPTION_BYTES]) IPPYO_WUR;

/*
 * λ_j for the set of distinct indices (each in 1..n). j must be in the set.
 */
int ippyo_lagrange_coefficient(ippyo_scalar *lambda, uint32_t j, const uint32_t *indices,
    size_t count) IPPYO_WUR;

/*
 * M = beta - Σ λ_j·D_j over the given partial decryptions (already
 * verified). Errors: an index outside 1..n (IPPYO_ERR_BAD_THRESHOLD), the
 * same trustee twice (IPPYO_ERR_DUPLICATE_TRUSTEE), fewer than t
 * (IPPYO_ERR_NOT_ENOUGH_SHARES). More than t distinct shares are all used.
 * M is the point at infinity for a total of 0.
 */
int ippyo_decrypt_combine(ippyo_point *M, const ippyo_ciphertext *ct,
    const ippyo_partial_decryption *const *parts, size_t count, uint32_t threshold,
    uint32_t trustees) IPPYO_WUR;
/* ippyo_decrypt_combine, then the discrete log with the table (0 <= m <= its bound). */
int ippyo_decrypt_total(uint64_t *m, const ippyo_dlog_table *table, const ippyo_ciphertext *ct,
    const ippyo_partial_decryption *const *parts, size_t count, uint32_t threshold,
    uint32_t trustees) IPPYO_WUR;
