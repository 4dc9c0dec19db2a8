/* ippyo-chaind — the Merkle tree of the log, held in memory for proofs and tiles. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CHAIN_HASH_BYTES 32

/*
 * Every complete node of the RFC 9162 tree over the leaf hashes appended so
 * far: level h holds floor(size / 2^h) hashes. Roots of any earlier size,
 * inclusion and consistency proofs and tile contents are read from it in
 * O(log n) hashes. Not thread-safe: the caller locks.
 */
typedef struct ChainTree ChainTree;

ChainTree *chain_tree_new(void);
void chain_tree_free(ChainTree *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ChainTree, chain_tree_free)

guint64 chain_tree_size(const ChainTree *t);
void chain_tree_append(ChainTree *t, const guint8 leaf[CHAIN_HASH_BYTES]);
/* Drops leaves back to size (used when a batch could not be stored). */
void chain_tree_truncate(ChainTree *t, guint64 size);

/* The root of the first size leaves (size 0: SHA-256 of the empty string). */
gboolean chain_tree_root(const ChainTree *t, guint64 size, guint8 out[CHAIN_HASH_BYTES]);
/* A complete node: level h, index i (covers leaves [i·2^h, (i+1)·2^h)). */
const guint8 *chain_tree_node(const ChainTree *t, guint level, guint64 index);

/* The RFC 6962 hashes: SHA-256(0x00 ‖ data) and SHA-256(0x01 ‖ l ‖ r). */
void chain_leaf_hash(const guint8 *data, gsize len, guint8 out[CHAIN_HASH_BYTES]);
void chain_node_hash(const guint8 l[CHAIN_HASH_BYTES], const guint8 r[CHAIN_HASH_BYTES],
    guint8 out[CHAIN_HASH_BYTES]);

G_END_DECLS
