/* ippyo — Chaum–Pedersen proof of equality of discrete logs (partial decryption). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "group.h"
#include "hash.h"

/* a ‖ b ‖ z: commitments a = w·G, b = w·A (33 bytes each), response z (32 bytes). */
#define IPPYO_CP_BYTES (2 * IPPYO_POINT_BYTES + IPPYO_SCALAR_BYTES)
#define IPPYO_CP_TAG "ippyo/v1/chaum-pedersen"

/* The proof is bound to the election (base hash) and the trustee's index. */
typedef struct ippyo_cp_context {
	uint8_t election[IPPYO_HASH_BYTES];
	uint32_t trustee;
} ippyo_cp_context;

/*
 * Proves log_G X = log_A D = x (X = x·G the trustee's verification key,
 * A a ciphertext's alpha, D = x·A its partial decryption):
 *   c = challenge(transcript "ippyo/v1/chaum-pedersen": election ‖ u32 trustee
 *                 ‖ G ‖ X ‖ A ‖ D ‖ a ‖ b),   z = w + c·x;
 * valid iff z·G = a + c·X and z·A = b + c·D.
 */
typedef struct ippyo_cp_proof ippyo_cp_proof;

ippyo_cp_proof *ippyo_cp_proof_new(void);
void ippyo_cp_proof_free(ippyo_cp_proof *p);                    /* accepts NULL */
int ippyo_cp_proof_copy(ippyo_cp_proof *dst, const ippyo_cp_proof *src) IPPYO_WUR;
const ippyo_point *ippyo_cp_proof_a(const ippyo_cp_proof *p);
const ippyo_point *ippyo_cp_proof_b(const ippyo_cp_proof *p);
const ippyo_scalar *ippyo_cp_proof_response(const ippyo_cp_proof *p);

/* x secret and non-zero; X = x·G, D = x·A given by the caller. */
int ippyo_cp_prove(ippyo_cp_proof *p, const ippyo_cp_context *ctx, const ippyo_scalar *x,
    const ippyo_point *X, const ippyo_point *A, const ippyo_point *D) IPPYO_WUR;
/* The same with a given nonce w (known-answer tests only). */
int ippyo_cp_prove_nonce(ippyo_cp_proof *p, const ippyo_cp_context *ctx, const ippyo_scalar *x,
    const ippyo_point *X, const ippyo_point *A, const ippyo_point *D,
    const ippyo_scalar *w) IPPYO_WUR;
/* 0 if valid, IPPYO_ERR_BAD_PROOF if not. */
int ippyo_cp_verify(const ippyo_cp_proof *p, const ippyo_cp_context *ctx,
    const ippyo_point *X, const ippyo_point *A, const ippyo_point *D) IPPYO_WUR;
/* The challenge of a statement; the transcript is returned if t != NULL (tests). */
int ippyo_cp_challenge(ippyo_scalar *c, const ippyo_cp_context *ctx, const ippyo_point *X,
    const ippyo_point *A, const ippyo_point *D, const ippyo_point *a, const ippyo_point *b,
    ippyo_transcript **t) IPPYO_WUR;

/* Strict: exactly 98 bytes, two valid points, z below q. */
int ippyo_cp_proof_parse(ippyo_cp_proof *p, const uint8_t *in, size_t len) IPPYO_WUR;
int ippyo_cp_proof_serialize(const ippyo_cp_proof *p, uint8_t out[IPPYO_CP_BYTES]) IPPYO_WUR;
