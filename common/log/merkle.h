/* ippyo — RFC 6962/9162 Merkle tree hashing, proofs and the compact tree state. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * Hashing (RFC 9162 §2.1.1): a leaf hash is SHA-256(0x00 ‖ entry), an
 * interior node SHA-256(0x01 ‖ left ‖ right), the root of the empty tree
 * SHA-256(""). All hashes are IPPYO_HASH_BYTES long.
 *
 * A "perfect subtree" (level, index) is the complete subtree over the
 * leaves [index·2^level, (index+1)·2^level). Everything that needs stored
 * hashes (roots, proofs, tiles) reads them through an ippyo_merkle_hash_fn,
 * so that a server can answer from stored tiles or subtree hashes, and a
 * client from fetched tiles, without holding the tree in memory.
 */
#define IPPYO_HASH_BYTES 32
/* Longest possible proof for tree sizes below 2^64 (with room to spare). */
#define IPPYO_MERKLE_MAX_PROOF 72

/* A reusable SHA-256 context; one per thread. Functions accept NULL and
 * then use a temporary one (one allocation per call, not per hash). */
typedef struct ippyo_merkle_hasher ippyo_merkle_hasher;

ippyo_merkle_hasher *ippyo_merkle_hasher_new(void);
void ippyo_merkle_hasher_free(ippyo_merkle_hasher *h);

int ippyo_merkle_hash_leaf(ippyo_merkle_hasher *h, const void *entry, size_t len,
    uint8_t out[IPPYO_HASH_BYTES]) IPPYO_WUR;
int ippyo_merkle_hash_children(ippyo_merkle_hasher *h, const uint8_t left[IPPYO_HASH_BYTES],
    const uint8_t right[IPPYO_HASH_BYTES], uint8_t out[IPPYO_HASH_BYTES]) IPPYO_WUR;
/* SHA-256 of the empty string, the root of the tree of size 0. */
void ippyo_merkle_empty_root(uint8_t out[IPPYO_HASH_BYTES]);

/*
 * Writes the hash of the perfect subtree (level, index) to out and returns
 * 0, or a negative IPPYO_ERR_*. Only called for subtrees that lie wholly
 * inside the tree size given to the function that takes the callback.
 */
typedef int (*ippyo_merkle_hash_fn)(void *arg, unsigned level, uint64_t index,
    uint8_t out[IPPYO_HASH_BYTES]);

/* An ippyo_merkle_hash_fn over an array of leaf hashes in memory (arg is a
 * struct ippyo_merkle_leaves *); a subtree costs 2^level - 1 hashes. */
struct ippyo_merkle_leaves {
	const uint8_t *hashes;      /* n · IPPYO_HASH_BYTES bytes */
	uint64_t n;
	ippyo_merkle_hasher *h;     /* may be NULL */
};
int ippyo_merkle_leaves_hash_fn(void *arg, unsigned level, uint64_t index,
    uint8_t out[IPPYO_HASH_BYTES]);

/* MTH(D[0:n]) of n leaf hashes (n = 0 gives the empty root). */
int ippyo_merkle_root(ippyo_merkle_hasher *h, const uint8_t *leaf_hashes, uint64_t n,
    uint8_t root[IPPYO_HASH_BYTES]) IPPYO_WUR;
/* MTH(D[0:size]) from the perfect subtrees of size (at most 64 calls). */
int ippyo_merkle_root_from(ippyo_merkle_hasher *h, uint64_t size, ippyo_merkle_hash_fn fn,
    void *arg, uint8_t root[IPPYO_HASH_BYTES]) IPPYO_WUR;

/* A proof: n hashes of 32 bytes, in RFC 9162 order (from the leaf up). */
typedef struct ippyo_merkle_proof {
	size_t n;
	uint8_t hash[IPPYO_MERKLE_MAX_PROOF][IPPYO_HASH_BYTES];
} ippyo_merkle_proof;

void ippyo_merkle_proof_init(ippyo_merkle_proof *p);
/* Appends one element; fails unless len is exactly IPPYO_HASH_BYTES
 * (IPPYO_ERR_PROOF_LENGTH) or when the proof is full (IPPYO_ERR_LIMIT). */
int ippyo_merkle_proof_add(ippyo_merkle_proof *p, const uint8_t *hash, size_t len) IPPYO_WUR;

/* The exact proof lengths RFC 9162 requires (index < size, 0 < size1 < size2). */
size_t ippyo_merkle_inclusion_proof_len(uint64_t index, uint64_t size);
size_t ippyo_merkle_consistency_proof_len(uint64_t size1, uint64_t size2);

/* PATH(index, D[0:size]) (RFC 9162 §2.1.3.1). */
int ippyo_merkle_inclusion_proof(ippyo_merkle_hasher *h, uint64_t index, uint64_t size,
    ippyo_merkle_hash_fn fn, void *arg, ippyo_merkle_proof *out) IPPYO_WUR;
/* PROOF(size1, D[0:size2]) (RFC 9162 §2.1.4.1); 0 < size1 <= size2 (empty
 * when equal). */
int ippyo_merkle_consistency_proof(ippyo_merkle_hasher *h, uint64_t size1, uint64_t size2,
    ippyo_merkle_hash_fn fn, void *arg, ippyo_merkle_proof *out) IPPYO_WUR;

/*
 * RFC 9162 §2.1.3.2 with the caller-side checks: IPPYO_ERR_INDEX_RANGE when
 * index >= size, IPPYO_ERR_PROOF_LENGTH for a proof of the wrong length,
 * IPPYO_ERR_BAD_INCLUSION when the leaf hash or root is not exactly 32
 * bytes or the root does not match.
 */
int ippyo_merkle_verify_inclusion(ippyo_merkle_hasher *h, uint64_t index, uint64_t size,
    const uint8_t *leaf_hash, size_t leaf_hash_len, const ippyo_merkle_proof *proof,
    const uint8_t *root, size_t root_len) IPPYO_WUR;
/* Computes the root that the inclusion proof implies (same checks). */
int ippyo_merkle_inclusion_root(ippyo_merkle_hasher *h, uint64_t index, uint64_t size,
    const uint8_t leaf_hash[IPPYO_HASH_BYTES], const ippyo_merkle_proof *proof,
    uint8_t root[IPPYO_HASH_BYTES]) IPPYO_WUR;

/*
 * RFC 9162 §2.1.4.2 with the caller-side checks: 0 < size1 <= size2, else
 * IPPYO_ERR_INDEX_RANGE (a proof from the empty tree is meaningless, as in
 * transparency-dev/merkle); equal sizes need an empty proof and identical
 * root bytes; otherwise both roots are 32 bytes. A proof of the wrong
 * length is IPPYO_ERR_PROOF_LENGTH; wrong roots IPPYO_ERR_BAD_CONSISTENCY.
 */
int ippyo_merkle_verify_consistency(ippyo_merkle_hasher *h, uint64_t size1, uint64_t size2,
    const ippyo_merkle_proof *proof, const uint8_t *root1, size_t root1_len,
    const uint8_t *root2, size_t root2_len) IPPYO_WUR;

/*
 * The compact tree state: the hashes of the perfect subtrees that make up a
 * tree of `size` leaves (one per set bit of size, largest first). Appending
 * is O(1) amortised, the root O(log n). Read its fields only through the
 * functions; it is a plain value (copy it with =).
 */
typedef struct ippyo_merkle_state {
	uint64_t size;
	unsigned depth;                          /* = popcount(size) */
	uint8_t hash[64][IPPYO_HASH_BYTES];
} ippyo_merkle_state;

void ippyo_merkle_state_init(ippyo_merkle_state *s);
uint64_t ippyo_merkle_state_size(const ippyo_merkle_state *s);
int ippyo_merkle_state_append(ippyo_merkle_state *s, ippyo_merkle_hasher *h,
    const uint8_t leaf_hash[IPPYO_HASH_BYTES]) IPPYO_WUR;
/* Appends n leaf hashes (n · 32 bytes). */
int ippyo_merkle_state_append_many(ippyo_merkle_state *s, ippyo_merkle_hasher *h,
    const uint8_t *leaf_hashes, size_t n) IPPYO_WUR;
/* Hashes the entry as a leaf and appends it; leaf_hash (may be NULL) gets it. */
int ippyo_merkle_state_append_entry(ippyo_merkle_state *s, ippyo_merkle_hasher *h,
    const void *entry, size_t len, uint8_t leaf_hash[IPPYO_HASH_BYTES]) IPPYO_WUR;
int ippyo_merkle_state_root(const ippyo_merkle_state *s, ippyo_merkle_hasher *h,
    uint8_t root[IPPYO_HASH_BYTES]) IPPYO_WUR;
/* Rebuilds the state of a tree of `size` leaves from its perfect subtrees. */
int ippyo_merkle_state_from(ippyo_merkle_state *s, uint64_t size, ippyo_merkle_hash_fn fn,
    void *arg) IPPYO_WUR;
/* The perfect subtree hashes of the state as (level, index): for storing
 * the right edge; i < depth, largest first. */
int ippyo_merkle_state_subtree(const ippyo_merkle_state *s, unsigned i, unsigned *level,
    uint64_t *index, uint8_t hash[IPPYO_HASH_BYTES]) IPPYO_WUR;
/* Storage form: u64be size ‖ popcount(size) hashes, largest first. */
int ippyo_merkle_state_serialize(const ippyo_merkle_state *s, ippyo_buf *out) IPPYO_WUR;
int ippyo_merkle_state_parse(ippyo_merkle_state *s, const uint8_t *data, size_t len) IPPYO_WUR;
