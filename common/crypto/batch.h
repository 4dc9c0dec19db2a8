/* ippyo — batch verification: many proofs as one multi-scalar multiplication. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "group.h"
#include "proof.h"

/*
 * A batch collects verification equations of the form
 *
 *     g·G + Σ s_i·P_i = O      (O the point at infinity)
 *
 * grouped into items, each named by a caller id (e.g. a ballot's index).
 * ippyo_batch_verify() draws a fresh 128-bit weight z_e for every equation
 * from the CSPRNG (after every input is fixed), and checks
 *
 *     (Σ_e z_e·g_e)·G + Σ_e Σ_i (z_e·s_{e,i})·P_{e,i} = O
 *
 * as one multi-scalar multiplication (Pippenger's bucket method on
 * EC_POINT_add/EC_POINT_dbl, the G term through OpenSSL's table). A false
 * equation survives with probability at most 2^-128 per call. If the sum is
 * not O, the items are bisected (fresh weights at each level) down to the
 * offending ones, which ippyo_batch_failed() lists.
 *
 * Checks that need no point arithmetic (Σ c_j = c of a range proof, the
 * shape of a proof) are done when an item is added: an item that fails them
 * is marked failed at once (its id is reported by ippyo_batch_failed) and
 * ippyo_batch_add_* still returns 0 — it returns an error only for caller
 * errors (IPPYO_ERR_INVALID_ARGUMENT) and out of memory. Verification runs in
 * variable time: a batch holds public values only.
 */
typedef struct ippyo_batch ippyo_batch;

ippyo_batch *ippyo_batch_new(void);
void ippyo_batch_free(ippyo_batch *b);                  /* accepts NULL */

/*
 * The equations of one range proof (2 per branch) plus its challenge-sum
 * check. p, st->ct and st->key are referenced, not copied: they must stay
 * alive and unchanged until ippyo_batch_verify returns (st itself may be
 * reused at once).
 */
int ippyo_batch_add_range_proof(ippyo_batch *b, uint64_t id, const ippyo_range_proof *p,
    const ippyo_proof_statement *st) IPPYO_WUR;

/*
 * A generic equation g·G + Σ s_i·P_i = O (g may be NULL for 0), for other
 * proofs (Schnorr, Chaum–Pedersen). Values are copied. Equations added with
 * the same id one after the other belong to the same item.
 */
int ippyo_batch_add_equation(ippyo_batch *b, uint64_t id, const ippyo_scalar *g, size_t n,
    const ippyo_scalar *const *s, const ippyo_point *const *p) IPPYO_WUR;

/* Marks item id as failed (e.g. a check the caller made itself). */
int ippyo_batch_add_failure(ippyo_batch *b, uint64_t id) IPPYO_WUR;

size_t ippyo_batch_items(const ippyo_batch *b);

/*
 * 0 if every item verifies, IPPYO_ERR_BATCH_FAILED if some do not (then
 * ippyo_batch_failed() lists their ids, each once, in insertion order), or
 * another error (IPPYO_ERR_RANDOM, IPPYO_ERR_ALLOC, ...) if nothing could be
 * decided. An empty batch verifies.
 */
int ippyo_batch_verify(ippyo_batch *b) IPPYO_WUR;
/* The failed ids of the last ippyo_batch_verify (array owned by b). */
size_t ippyo_batch_failed(const ippyo_batch *b, const uint64_t **ids);
