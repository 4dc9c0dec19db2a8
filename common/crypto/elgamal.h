/* ippyo — exponential ElGamal on P-256 and the ballot's deterministic randomness. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "group.h"
#include "hash.h"

#define IPPYO_CIPHERTEXT_BYTES 66   /* alpha ‖ beta, both 33-byte compressed */
#define IPPYO_SEED_BYTES 32         /* the ballot seed */
#define IPPYO_BINDING_BYTES 32      /* election base hash, voter binding */

/* The option index that marks a contest-level value (contest proof, sums). */
#define IPPYO_OPTION_CONTEST 0xffffffffu

/*
 * The election key K (the joint public key of the trustees) with a
 * precomputed fixed-base table, so that k·K costs about what k·G costs.
 * Built once per election (about 100 KiB, a few milliseconds); read-only
 * afterwards and shareable between threads.
 */
typedef struct ippyo_election_key ippyo_election_key;

/* K must not be the point at infinity (IPPYO_ERR_POINT_INFINITY). */
int ippyo_election_key_new(ippyo_election_key **out, const ippyo_point *k) IPPYO_WUR;
void ippyo_election_key_free(ippyo_election_key *key);          /* accepts NULL */
const ippyo_point *ippyo_election_key_point(const ippyo_election_key *key);
const ippyo_base *ippyo_election_key_base(const ippyo_election_key *key);
/* K's 33 compressed bytes (cached). */
const uint8_t *ippyo_election_key_bytes(const ippyo_election_key *key);

/*
 * A ciphertext (alpha, beta) = (r·G, m·G + r·K). A fresh ciphertext is the
 * neutral element (O, O), the starting point of a homomorphic sum; it does
 * not serialize (IPPYO_ERR_POINT_INFINITY) until something is added.
 */
typedef struct ippyo_ciphertext ippyo_ciphertext;

ippyo_ciphertext *ippyo_ciphertext_new(void);
void ippyo_ciphertext_free(ippyo_ciphertext *ct);                /* accepts NULL */
ippyo_ciphertext *ippyo_ciphertext_dup(const ippyo_ciphertext *ct);
int ippyo_ciphertext_copy(ippyo_ciphertext *dst, const ippyo_ciphertext *src) IPPYO_WUR;
const ippyo_point *ippyo_ciphertext_alpha(const ippyo_ciphertext *ct);
const ippyo_point *ippyo_ciphertext_beta(const ippyo_ciphertext *ct);
/* Sets both components (copies them). */
int ippyo_ciphertext_set(ippyo_ciphertext *ct, const ippyo_point *alpha,
    const ippyo_point *beta) IPPYO_WUR;

/*
 * ct = (r·G, m·G + r·K), every multiplication fixed-base and constant time
 * in r. For m in {0, 1} (a selection) the time does not depend on m either
 * (β is chosen between r·K and r·K + G without a branch); a larger m (only
 * for tests and sums) costs one more fixed-base multiplication. r must be
 * non-zero (IPPYO_ERR_SCALAR_ZERO).
 */
int ippyo_ciphertext_encrypt(ippyo_ciphertext *ct, const ippyo_election_key *key,
    uint64_t m, const ippyo_scalar *r) IPPYO_WUR;
/* r = a + b component-wise (r may alias a or b). */
int ippyo_ciphertext_add(ippyo_ciphertext *r, const ippyo_ciphertext *a,
    const ippyo_ciphertext *b) IPPYO_WUR;
/* 1 if equal, 0 if not, < 0 on error. */
int ippyo_ciphertext_eq(const ippyo_ciphertext *a, const ippyo_ciphertext *b);
/* Strict: exactly 66 bytes, two valid points (the point errors of group.h). */
int ippyo_ciphertext_parse(ippyo_ciphertext *ct, const uint8_t *in, size_t len) IPPYO_WUR;
int ippyo_ciphertext_serialize(const ippyo_ciphertext *ct,
    uint8_t out[IPPYO_CIPHERTEXT_BYTES]) IPPYO_WUR;
/* Appends alpha and beta as two transcript elements (33 bytes each). */
int ippyo_transcript_put_ciphertext(ippyo_transcript *t, const ippyo_ciphertext *ct) IPPYO_WUR;

/*
 * Deterministic randomness of a ballot. Every random scalar of a ballot
 * (each encryption's r, each proof's nonces and simulated challenges) is
 *
 *   k = SHA-512(transcript "ippyo/v1/ballot-seed":
 *                 seed(32) ‖ election_hash(32) ‖ voter_binding(32) ‖
 *                 purpose (ASCII) ‖ u32 contest ‖ u32 option ‖ u32 counter) mod q
 *
 * (each element length-prefixed as in hash.h), so that an audited ballot's
 * seed lets anyone recompute the ballot byte for byte. The purposes used by
 * ippyo are IPPYO_PURPOSE_*; option is IPPYO_OPTION_CONTEST for contest-level
 * values. k = 0 has probability 2^-256 and is returned as IPPYO_ERR_SCALAR_ZERO.
 */
#define IPPYO_PURPOSE_ENCRYPT "encrypt"                 /* r of a selection, counter 0 */
#define IPPYO_PURPOSE_SELECTION_PROOF "selection-proof" /* nonces, see proof.h */
#define IPPYO_PURPOSE_CONTEST_PROOF "contest-proof"     /* nonces, see proof.h */

typedef struct ippyo_seed_context {
	uint8_t seed[IPPYO_SEED_BYTES];                  /* secret: wipe after use */
	uint8_t election_hash[IPPYO_BINDING_BYTES];
	uint8_t voter_binding[IPPYO_BINDING_BYTES];
} ippyo_seed_context;

int ippyo_seed_derive(ippyo_scalar *out, const ippyo_seed_context *sc, const char *purpose,
    uint32_t contest, uint32_t option, uint32_t counter) IPPYO_WUR;
/* OPENSSL_cleanse of the whole context. */
void ippyo_seed_context_wipe(ippyo_seed_context *sc);
