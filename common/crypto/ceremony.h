/* ippyo — the key ceremony: Pedersen/Feldman VSS without a dealer, by files. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "group.h"
#include "hash.h"
#include "schnorr.h"

/*
 * n trustees with indices 1..n and a threshold t (1 <= t <= n <= 64) run
 * three rounds on separate machines and exchange files:
 *
 *  round 1  trustee i draws a polynomial f_i(x) = a_i0 + a_i1·x + ... +
 *           a_i,t-1·x^(t-1) and an encryption key pair (e_i, E_i = e_i·G);
 *           it keeps the secret state (ippyo_trustee_secret) and publishes
 *           its commitments A_ik = a_ik·G, each with a Schnorr proof, and E_i
 *           with a Schnorr proof (ippyo_ceremony_commitments).
 *  round 2  for every other trustee j, trustee i writes f_i(j) encrypted to
 *           E_j (ECDH P-256 + HKDF-SHA256 + AES-256-GCM): one share file.
 *  round 3  trustee j checks all commitments files, decrypts each share
 *           sent to it and checks f_i(j)·G = Σ_k j^k·A_ik, naming a bad
 *           sender; its key share is x_j = Σ_i f_i(j) (ippyo_trustee_key).
 *           The public result (anyone can compute it from the commitments):
 *           K = Σ_i A_i0 and X_j = Σ_i Σ_k j^k·A_ik for every j, and the
 *           transcript hash of all commitments files (the manifest pins it).
 *
 * Every value is bound to the ceremony context (the election's draft hash)
 * and to t and n. docs/crypto.md ("Key ceremony") specifies every byte.
 */
#define IPPYO_CEREMONY_MAX_TRUSTEES 64
#define IPPYO_CEREMONY_NONCE_BYTES 12                          /* AES-GCM nonce */
#define IPPYO_CEREMONY_TAG_BYTES 16                            /* AES-GCM tag */
#define IPPYO_CEREMONY_SEALED_BYTES (IPPYO_SCALAR_BYTES + IPPYO_CEREMONY_TAG_BYTES)

#define IPPYO_CEREMONY_TRANSCRIPT_TAG "ippyo/v1/ceremony-transcript"
#define IPPYO_CEREMONY_SHARE_KEY_TAG "ippyo/v1/ceremony-share-key"   /* HKDF info */
#define IPPYO_CEREMONY_SHARE_AAD_TAG "ippyo/v1/ceremony-share"       /* AES-GCM AAD */

typedef struct ippyo_ceremony_params {
	uint8_t context[IPPYO_HASH_BYTES];  /* the election's draft hash */
	uint32_t threshold;                 /* t */
	uint32_t trustees;                  /* n */
} ippyo_ceremony_params;

/* 0, or IPPYO_ERR_BAD_THRESHOLD unless 1 <= t <= n <= IPPYO_CEREMONY_MAX_TRUSTEES. */
int ippyo_ceremony_params_check(const ippyo_ceremony_params *p) IPPYO_WUR;

typedef struct ippyo_trustee_secret ippyo_trustee_secret;          /* round-1 secret state */
typedef struct ippyo_ceremony_commitments ippyo_ceremony_commitments; /* round-1 public file */
typedef struct ippyo_ceremony_share ippyo_ceremony_share;          /* round-2 file, i -> j */
typedef struct ippyo_ceremony_result ippyo_ceremony_result;        /* round-3 public result */
typedef struct ippyo_trustee_key ippyo_trustee_key;                /* round-3 secret: x_j */

void ippyo_trustee_secret_free(ippyo_trustee_secret *s);           /* wipes; accepts NULL */
void ippyo_ceremony_commitments_free(ippyo_ceremony_commitments *c);
void ippyo_ceremony_share_free(ippyo_ceremony_share *s);
void ippyo_ceremony_result_free(ippyo_ceremony_result *r);
void ippyo_trustee_key_free(ippyo_trustee_key *k);                 /* wipes; accepts NULL */

/* ---- round 1 ---- */
/* Fresh polynomial and encryption key for trustee index (1..n). */
int ippyo_ceremony_round1(const ippyo_ceremony_params *p, uint32_t index,
    ippyo_trustee_secret **secret, ippyo_ceremony_commitments **pub) IPPYO_WUR;
/*
 * Checks a commitments file against the ceremony: same context, t and n
 * (IPPYO_ERR_WRONG_ELECTION, IPPYO_ERR_CEREMONY_MISMATCH), index in 1..n
 * (IPPYO_ERR_BAD_THRESHOLD), every Schnorr proof (IPPYO_ERR_BAD_COMMITMENT).
 */
int ippyo_ceremony_commitments_verify(const ippyo_ceremony_commitments *c,
    const ippyo_ceremony_params *p) IPPYO_WUR;

/* ---- round 2 ---- */
/* The share f_i(j) for the trustee whose (verified here) commitments file is given. */
int ippyo_ceremony_round2(const ippyo_trustee_secret *s,
    const ippyo_ceremony_commitments *recipient, ippyo_ceremony_share **out) IPPYO_WUR;

/* ---- round 3 ---- */
/*
 * Trustee s with all n commitments files (any order; its own among them,
 * which must match its secret) and the n - 1 share files sent to it (any
 * order). On success *key is its key share and *result the public result.
 * On a failure caused by one trustee's file, *bad_sender is that trustee's
 * index (else 0) and the error says what is wrong with it:
 *   IPPYO_ERR_BAD_COMMITMENT    a proof in its commitments file fails
 *   IPPYO_ERR_SHARE_DECRYPT     its share fails authentication
 *   IPPYO_ERR_BAD_SHARE         its share does not match its commitments
 *   IPPYO_ERR_NOT_FOUND         no share from it
 *   IPPYO_ERR_DUPLICATE_TRUSTEE two files from it
 *   IPPYO_ERR_CEREMONY_MISMATCH its file is for another t, n or recipient,
 *                               or (own index) does not match the secret
 *   IPPYO_ERR_WRONG_ELECTION    its file is for another context
 */
int ippyo_ceremony_round3(const ippyo_trustee_secret *s,
    ippyo_ceremony_commitments *const *all, size_t n_all,
    ippyo_ceremony_share *const *shares, size_t n_shares,
    ippyo_trustee_key **key, ippyo_ceremony_result **result, uint32_t *bad_sender) IPPYO_WUR;

/*
 * The public result from the n commitments files alone (what an observer
 * computes), with the checks and errors of round 3 for those files.
 */
int ippyo_ceremony_result_compute(const ippyo_ceremony_params *p,
    ippyo_ceremony_commitments *const *all, size_t n_all,
    ippyo_ceremony_result **out, uint32_t *bad_sender) IPPYO_WUR;
/* 1 if two results are the same, 0 if not, < 0 on error. */
int ippyo_ceremony_result_eq(const ippyo_ceremony_result *a, const ippyo_ceremony_result *b);

/* ---- accessors ---- */
const ippyo_ceremony_params *ippyo_trustee_secret_params(const ippyo_trustee_secret *s);
uint32_t ippyo_trustee_secret_index(const ippyo_trustee_secret *s);
const ippyo_ceremony_params *ippyo_ceremony_commitments_params(const ippyo_ceremony_commitments *c);
uint32_t ippyo_ceremony_commitments_index(const ippyo_ceremony_commitments *c);
const ippyo_point *ippyo_ceremony_commitments_point(const ippyo_ceremony_commitments *c,
    uint32_t k);                                         /* A_ik, k < t; NULL if out of range */
const ippyo_point *ippyo_ceremony_commitments_encryption_key(const ippyo_ceremony_commitments *c);
uint32_t ippyo_ceremony_share_sender(const ippyo_ceremony_share *s);
uint32_t ippyo_ceremony_share_recipient(const ippyo_ceremony_share *s);
const ippyo_ceremony_params *ippyo_ceremony_result_params(const ippyo_ceremony_result *r);
const uint8_t *ippyo_ceremony_result_transcript(const ippyo_ceremony_result *r);  /* 32 bytes */
const ippyo_point *ippyo_ceremony_result_election_key(const ippyo_ceremony_result *r); /* K */
/* X_j for 1 <= j <= n; NULL if out of range. */
const ippyo_point *ippyo_ceremony_result_verification_key(const ippyo_ceremony_result *r,
    uint32_t j);
const ippyo_ceremony_params *ippyo_trustee_key_params(const ippyo_trustee_key *k);
uint32_t ippyo_trustee_key_index(const ippyo_trustee_key *k);
const uint8_t *ippyo_trustee_key_transcript(const ippyo_trustee_key *k);          /* 32 bytes */
const ippyo_scalar *ippyo_trustee_key_share(const ippyo_trustee_key *k);          /* x_j, secret */
const ippyo_point *ippyo_trustee_key_verification_key(const ippyo_trustee_key *k);/* X_j */

/*
 * SHA-256 of the transcript "ippyo/v1/ceremony-transcript": context ‖ u32 t
 * ‖ u32 n, then for i = 1..n: u32 i ‖ A_i0 ‖ proof_i0 ‖ ... ‖ A_i,t-1 ‖
 * proof_i,t-1 ‖ E_i ‖ proof_E_i. The files must be verified and complete.
 */
int ippyo_ceremony_transcript_hash(const ippyo_ceremony_params *p,
    ippyo_ceremony_commitments *const *all, size_t n_all,
    uint8_t out[IPPYO_HASH_BYTES]) IPPYO_WUR;

/* ---- JSON files (docs/crypto.md); text from OPENSSL_malloc, free with OPENSSL_clear_free ---- */
int ippyo_ceremony_commitments_to_json(const ippyo_ceremony_commitments *c, char **out,
    size_t *out_len) IPPYO_WUR;
int ippyo_ceremony_commitments_from_json(ippyo_ceremony_commitments **out, const char *text,
    size_t len) IPPYO_WUR;
int ippyo_ceremony_share_to_json(const ippyo_ceremony_share *s, char **out,
    size_t *out_len) IPPYO_WUR;
int ippyo_ceremony_share_from_json(ippyo_ceremony_share **out, const char *text,
    size_t len) IPPYO_WUR;
int ippyo_ceremony_result_to_json(const ippyo_ceremony_result *r, char **out,
    size_t *out_len) IPPYO_WUR;
int ippyo_ceremony_result_from_json(ippyo_ceremony_result **out, const char *text,
    size_t len) IPPYO_WUR;
/* Secret files: the caller writes them with mode 0600 and wipes the text. */
int ippyo_trustee_secret_to_json(const ippyo_trustee_secret *s, char **out,
    size_t *out_len) IPPYO_WUR;
int ippyo_trustee_secret_from_json(ippyo_trustee_secret **out, const char *text,
    size_t len) IPPYO_WUR;
int ippyo_trustee_key_to_json(const ippyo_trustee_key *k, char **out, size_t *out_len) IPPYO_WUR;
/* Also checks x_j·G = X_j (IPPYO_ERR_BAD_SHARE if not). */
int ippyo_trustee_key_from_json(ippyo_trustee_key **out, const char *text, size_t len) IPPYO_WUR;
