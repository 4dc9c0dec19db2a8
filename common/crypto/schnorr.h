/* ippyo — Schnorr proof of knowledge of a with A = a·G (key-ceremony commitments). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "group.h"
#include "hash.h"

/* R ‖ z: the commitment R = w·G (33 bytes) and the response z (32 bytes). */
#define IPPYO_SCHNORR_BYTES (IPPYO_POINT_BYTES + IPPYO_SCALAR_BYTES)
#define IPPYO_SCHNORR_TAG "ippyo/v1/schnorr"

/*
 * What a proof is bound to: the ceremony context (the election's draft
 * hash), the trustee who proves, and which of its values is proved
 * (coefficient k of its polynomial, or IPPYO_SCHNORR_ENCRYPTION_KEY).
 */
#define IPPYO_SCHNORR_ENCRYPTION_KEY 0xffffffffu

typedef struct ippyo_schnorr_context {
	uint8_t context[IPPYO_HASH_BYTES];
	uint32_t trustee;
	uint32_t coefficient;
} ippyo_schnorr_context;

/*
 * The proof carries its commitment so that proofs can be verified in a
 * batch:  c = challenge(transcript "ippyo/v1/schnorr": context ‖ u32 trustee
 * ‖ u32 coefficient ‖ G ‖ A ‖ R),  z = w + c·a;  valid iff z·G = R + c·A.
 */
typedef struct ippyo_schnorr_proof ippyo_schnorr_proof;

ippyo_schnorr_proof *ippyo_schnorr_proof_new(void);
void ippyo_schnorr_proof_free(ippyo_schnorr_proof *p);          /* accepts NULL */
int ippyo_schnorr_proof_copy(ippyo_schnorr_proof *dst, const ippyo_schnorr_proof *src) IPPYO_WUR;
const ippyo_point *ippyo_schnorr_proof_commitment(const ippyo_schnorr_proof *p);  /* R */
const ippyo_scalar *ippyo_schnorr_proof_response(const ippyo_schnorr_proof *p);   /* z */

/* Proves knowledge of a (secret, non-zero) for A = a·G with a fresh nonce. */
int ippyo_schnorr_prove(ippyo_schnorr_proof *p, const ippyo_schnorr_context *ctx,
    const ippyo_scalar *a, const ippyo_point *A) IPPYO_WUR;
/* The same with a given nonce w (known-answer tests only: a reused w leaks a). */
int ippyo_schnorr_prove_nonce(ippyo_schnorr_proof *p, const ippyo_schnorr_context *ctx,
    const ippyo_scalar *a, const ippyo_point *A, const ippyo_scalar *w) IPPYO_WUR;
/* 0 if valid, IPPYO_ERR_BAD_PROOF if not. */
int ippyo_schnorr_verify(const ippyo_schnorr_proof *p, const ippyo_schnorr_context *ctx,
    const ippyo_point *A) IPPYO_WUR;
/* The challenge c for (ctx, A, R); the transcript is returned if t != NULL (tests). */
int ippyo_schnorr_challenge(ippyo_scalar *c, const ippyo_schnorr_context *ctx,
    const ippyo_point *A, const ippyo_point *R, ippyo_transcript **t) IPPYO_WUR;

/* Strict: exactly 65 bytes, a valid point R, z below q. */
int ippyo_schnorr_proof_parse(ippyo_schnorr_proof *p, const uint8_t *in, size_t len) IPPYO_WUR;
int ippyo_schnorr_proof_serialize(const ippyo_schnorr_proof *p,
    uint8_t out[IPPYO_SCHNORR_BYTES]) IPPYO_WUR;
