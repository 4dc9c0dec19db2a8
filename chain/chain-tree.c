/* ippyo-chaind — the Merkle tree of the log, held in memory. */
#include "chain-tree.h"

#include <openssl/evp.h>
#include <string.h>

#define MAX_LEVELS 64

struct ChainTree {
	guint64 size;
	GByteArray *levels[MAX_LEVELS];   /* level h: floor(size / 2^h) hashes */
};

void
chain_leaf_hash(const guint8 *data, gsize len, guint8 out[CHAIN_HASH_BYTES])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	const guint8 prefix = 0x00;

	if (ctx == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, &prefix, 1) != 1 ||
	    EVP_DigestUpdate(ctx, data, len) != 1 ||
	    EVP_DigestFinal_ex(ctx, out, NULL) != 1)
		g_error("SHA-256 failed");
	EVP_MD_CTX_free(ctx);
}

void
chain_node_hash(const guint8 l[CHAIN_HASH_BYTES], const guint8 r[CHAIN_HASH_BYTES],
    guint8 out[CHAIN_HASH_BYTES])
{
	guint8 in[1 + 2 * CHAIN_HASH_BYTES];

	in[0] = 0x01;
	memcpy(in + 1, l, CHAIN_HASH_BYTES);
	memcpy(in + 1 + CHAIN_HASH_BYTES, r, CHAIN_HASH_BYTES);
	if (EVP_Digest(in, sizeof(in), out, NULL, EVP_sha256(), NULL) != 1)
		g_error("SHA-256 failed");
}

ChainTree *
chain_tree_new(void)
{
	ChainTree *t = g_new0(ChainTree, 1);

	for (guint h = 0; h < MAX_LEVELS; h++)
		t->levels[h] = g_byte_array_new();
	return t;
}

void
chain_tree_free(ChainTree *t)
{
	if (t == NULL)
		return;
	for (guint h = 0; h < MAX_LEVELS; h++)
		g_byte_array_unref(t->levels[h]);
	g_free(t);
}

guint64
chain_tree_size(const ChainTree *t)
{
	return t->size;
}

void
chain_tree_append(ChainTree *t, const guint8 leaf[CHAIN_HASH_BYTES])
{
	guint8 h[CHAIN_HASH_BYTES];
	guint level = 0;
	guint64 n;

	g_byte_array_append(t->levels[0], leaf, CHAIN_HASH_BYTES);
	t->size++;
	n = t->size;
	/* Each time the count at a level becomes even, a parent completes. */
	while ((n & 1) == 0 && level + 1 < MAX_LEVELS) {
		const guint8 *base = t->levels[level]->data + t->levels[level]->len - 2 * CHAIN_HASH_BYTES;

		chain_node_hash(base, base + CHAIN_HASH_BYTES, h);
		g_byte_array_append(t->levels[level + 1], h, CHAIN_HASH_BYTES);
		level++;
		n >>= 1;
	}
}

void
chain_tree_truncate(ChainTree *t, guint64 size)
{
	if (size >= t->size)
		return;
	for (guint h = 0; h < MAX_LEVELS; h++)
		g_byte_array_set_size(t->levels[h], (guint)((size >> h) * CHAIN_HASH_BYTES));
	t->size = size;
}

const guint8 *
chain_tree_node(const ChainTree *t, guint level, guint64 index)
{
	if (level >= MAX_LEVELS)
		return NULL;
	if (index >= t->levels[level]->len / CHAIN_HASH_BYTES)
		return NULL;
	return t->levels[level]->data + index * CHAIN_HASH_BYTES;
}

static guint64
largest_pow2_below(guint64 n)
{
	guint64 k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

/* MTH(D[lo:hi]), lo < hi <= size. */
static void
range_hash(const ChainTree *t, guint64 lo, guint64 hi, guint8 out[CHAIN_HASH_BYTES])
{
	guint64 n = hi - lo;
	guint8 l[CHAIN_HASH_BYTES], r[CHAIN_HASH_BYTES];
	guint64 k;

	/* An aligned power-of-two range is a stored complete node. */
	if ((n & (n - 1)) == 0) {
		guint level = (guint)__builtin_ctzll(n);

		if ((lo & (n - 1)) == 0) {
			memcpy(out, chain_tree_node(t, level, lo >> level), CHAIN_HASH_BYTES);
			return;
		}
	}
	k = largest_pow2_below(n);
	range_hash(t, lo, lo + k, l);
	range_hash(t, lo + k, hi, r);
	chain_node_hash(l, r, out);
}

gboolean
chain_tree_root(const ChainTree *t, guint64 size, guint8 out[CHAIN_HASH_BYTES])
{
	if (size > t->size)
		return FALSE;
	if (size == 0) {
		if (EVP_Digest("", 0, out, NULL, EVP_sha256(), NULL) != 1)
			g_error("SHA-256 failed");
		return TRUE;
	}
	range_hash(t, 0, size, out);
	return TRUE;
}
