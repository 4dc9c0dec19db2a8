/* ippyo — the ballot's validity proofs: disjunctive Chaum–Pedersen range proofs. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "elgamal.h"
#include "group.h"

/*
 * One proof type serves both ballot proofs:
 *
 *  - the selection proof: an option's ciphertext encrypts 0 or 1
 *    (min = 0, max = 1, option = the option's index);
 *  - the contest proof: the homomorphic sum of a contest's selections
 *    encrypts a value in [min, max] of the manifest
 *    (option = IPPYO_OPTION_CONTEST; for min = max it has one branch).
 *
 * For a ciphertext (α, β) and each allowed value j = min..max (branch
 * i = j − min) the proof carries a_j, b_j (points), c_j, v_j (scalars) with
 *
 *     v_j·G = a_j + c_j·α
 *     v_j·K = b_j + c_j·(β − j·G)
 *     Σ_j c_j = c = H(statement, all a_j, b_j)     (hash.h challenge)
 *
 * The exact transcript (docs/crypto.md, "Range proofs") is
 *     tag "ippyo/v1/selection-proof" or "ippyo/v1/contest-proof",
 *     election_hash(32), voter_binding(32), u32 contest, u32 option,
 *     u32 min, u32 max, K(33), α(33), β(33), then a_j(33), b_j(33) for
 *     j = min..max.
 * A proof made for another voter binding, election, contest, option, key or
 * ciphertext does not verify (IPPYO_ERR_BAD_PROOF).
 */

/* Hard bound on max − min + 1 (a contest's selection range). */
#define IPPYO_RANGE_MAX_BRANCHES 256
/* Bytes of one branch in the binary form: a_j ‖ b_j ‖ c_j ‖ v_j. */
#define IPPYO_RANGE_BRANCH_BYTES (2 * IPPYO_POINT_BYTES + 2 * IPPYO_SCALAR_BYTES)
/* The selection proof's binary form: 2 branches, 260 bytes. */
#define IPPYO_SELECTION_PROOF_BYTES (2 * IPPYO_RANGE_BRANCH_BYTES)

/* What a proof is about. All fields are public. */
typedef struct ippyo_proof_statement {
	const ippyo_election_key *key;               /* K */
	uint8_t election_hash[IPPYO_BINDING_BYTES];  /* the manifest's base hash */
	uint8_t voter_binding[IPPYO_BINDING_BYTES];  /* the card certificate's fingerprint */
	uint32_t contest;                            /* contest index */
	uint32_t option;                             /* option index, or IPPYO_OPTION_CONTEST */
	uint32_t min;                                /* 0 for a selection */
	uint32_t max;                                /* 1 for a selection */
	const ippyo_ciphertext *ct;                  /* (α, β) */
} ippyo_proof_statement;

typedef struct ippyo_range_proof ippyo_range_proof;

/* A proof for values min..max (NULL if max < min or too many branches). */
ippyo_range_proof *ippyo_range_proof_new(uint32_t min, uint32_t max);
void ippyo_range_proof_free(ippyo_range_proof *p);              /* accepts NULL */
uint32_t ippyo_range_proof_min(const ippyo_range_proof *p);
uint32_t ippyo_range_proof_max(const ippyo_range_proof *p);
/* Binary size for min..max: (max − min + 1) · 130 bytes; 0 if invalid. */
size_t ippyo_range_proof_size(uint32_t min, uint32_t max);

/*
 * Proves that st->ct = (r·G, m·G + r·K) with min <= m <= max. All nonces
 * come from ippyo_seed_derive() with the seed, st's election hash and voter
 * binding, purpose "selection-proof" (option != IPPYO_OPTION_CONTEST) or
 * "contest-proof", st's contest and option, and for branch i the counters
 * 2i (t_i: the real branch's commitment nonce, or a simulated branch's
 * response offset) and 2i+1 (c_i, a simulated branch's challenge):
 *     real branch j = m:  a = t·G, b = t·K, c_m = c − Σ_{j≠m} c_j, v_m = t + c_m·r
 *     simulated j ≠ m:    a = t·G, b = t·K + c_j·(j − m)·G, v_j = t + c_j·r
 * (the simulated form equals v_j·G − c_j·α, v_j·K − c_j·(β − jG)). Every
 * multiplication is fixed-base (G or K) and constant time in the secrets.
 * The proof's min/max must equal st's (IPPYO_ERR_INVALID_ARGUMENT); a
 * selection needs min = 0, max = 1. m outside [min, max] gives
 * IPPYO_ERR_BAD_SELECTION (selection) or IPPYO_ERR_BAD_CONTEST_SUM (contest).
 */
int ippyo_range_proof_prove(ippyo_range_proof *p, const ippyo_proof_statement *st,
    uint64_t m, const ippyo_scalar *r, const uint8_t seed[IPPYO_SEED_BYTES]) IPPYO_WUR;

/*
 * Proves n statements at once (e.g. all selections of a ballot and its
 * contest proofs), byte for byte the same proofs as n single calls, but the
 * points of all transcripts are encoded with one field inversion.
 */
int ippyo_range_proof_prove_many(size_t n, ippyo_range_proof *const *p,
    const ippyo_proof_statement *const *st, const uint64_t *m, const ippyo_scalar *const *r,
    const uint8_t seed[IPPYO_SEED_BYTES]) IPPYO_WUR;

/*
 * Like ippyo_range_proof_prove but without the range check on m: the honest
 * prover forced to run on a value it cannot prove (tests show that such a
 * "proof" fails verification). m may be negative (a ciphertext of −1 made
 * by hand); the branch nearest to m is treated as the real one. Never use
 * it to build a ballot.
 */
int ippyo_range_proof_prove_unchecked(ippyo_range_proof *p, const ippyo_proof_statement *st,
    int64_t m, const ippyo_scalar *r, const uint8_t seed[IPPYO_SEED_BYTES]) IPPYO_WUR;

/*
 * 0, IPPYO_ERR_BAD_PROOF, or IPPYO_ERR_INVALID_ARGUMENT (shape mismatch).
 * Checks Σ c_j = c exactly and the 2·(max − min + 1) equations as one
 * random linear combination (128-bit CSPRNG weights: a false proof passes
 * with probability below 2^-128), i.e. a batch of one (batch.h).
 */
int ippyo_range_proof_verify(const ippyo_range_proof *p, const ippyo_proof_statement *st) IPPYO_WUR;

/*
 * Binary form: for j = min..max: a_j(33) ‖ b_j(33) ‖ c_j(32) ‖ v_j(32).
 * Parsing is strict for the proof's min/max (known from the manifest):
 * IPPYO_ERR_TRUNCATED / IPPYO_ERR_TRAILING for a wrong length, the group's
 * point and scalar errors for a bad field.
 */
int ippyo_range_proof_serialize(const ippyo_range_proof *p, uint8_t *out, size_t len) IPPYO_WUR;
int ippyo_range_proof_parse(ippyo_range_proof *p, const uint8_t *in, size_t len) IPPYO_WUR;

/* The challenge c of the statement and the proof's commitments (for tests and docs). */
int ippyo_range_proof_challenge(const ippyo_range_proof *p, const ippyo_proof_statement *st,
    ippyo_scalar *c) IPPYO_WUR;

/* ---- for batch.c ---- */
/* Branch i's fields (i < max − min + 1); pointers stay owned by p. */
int ippyo_range_proof_branch(const ippyo_range_proof *p, uint32_t i, const ippyo_point **a,
    const ippyo_point **b, const ippyo_scalar **c, const ippyo_scalar **v) IPPYO_WUR;
