/* ippyo — RFC 6962/9162 Merkle trees: hashing, proofs, the compact tree state. */
#include "log/merkle.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "error.h"

struct ippyo_merkle_hasher {
	EVP_MD_CTX *ctx;
};

/* SHA-256 is fetched once for the process and kept (never freed). */
static EVP_MD *sha256_md;
static CRYPTO_ONCE sha256_once = CRYPTO_ONCE_STATIC_INIT;

static void
fetch_sha256(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

static const EVP_MD *
sha256(void)
{
	if (!CRYPTO_THREAD_run_once(&sha256_once, fetch_sha256))
		return NULL;
	return sha256_md;
}

static const uint8_t empty_root[IPPYO_HASH_BYTES] = {
	0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8,
	0x99, 0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c,
	0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
};

void
ippyo_merkle_empty_root(uint8_t out[IPPYO_HASH_BYTES])
{
	memcpy(out, empty_root, IPPYO_HASH_BYTES);
}

ippyo_merkle_hasher *
ippyo_merkle_hasher_new(void)
{
	ippyo_merkle_hasher *h;

	if (sha256() == NULL)
		return NULL;
	if ((h = OPENSSL_zalloc(sizeof(*h))) == NULL)
		return NULL;
	if ((h->ctx = EVP_MD_CTX_new()) == NULL) {
		OPENSSL_free(h);
		return NULL;
	}
	return h;
}

void
ippyo_merkle_hasher_free(ippyo_merkle_hasher *h)
{
	if (h == NULL)
		return;
	EVP_MD_CTX_free(h->ctx);
	OPENSSL_free(h);
}

/* SHA-256(prefix ‖ a ‖ b) with the hasher's context. */
static int
hash3(ippyo_merkle_hasher *h, uint8_t prefix, const void *a, size_t alen, const void *b,
    size_t blen, uint8_t out[IPPYO_HASH_BYTES])
{
	unsigned int olen = 0;

	if (!EVP_DigestInit_ex2(h->ctx, sha256_md, NULL) ||
	    !EVP_DigestUpdate(h->ctx, &prefix, 1) ||
	    (alen > 0 && !EVP_DigestUpdate(h->ctx, a, alen)) ||
	    (blen > 0 && !EVP_DigestUpdate(h->ctx, b, blen)) ||
	    !EVP_DigestFinal_ex(h->ctx, out, &olen) || olen != IPPYO_HASH_BYTES)
		return IPPYO_ERR_INTERNAL;
	return 0;
}

static int
node(ippyo_merkle_hasher *h, const uint8_t *l, const uint8_t *r, uint8_t out[IPPYO_HASH_BYTES])
{
	uint8_t tmp[IPPYO_HASH_BYTES];
	int ret;

	/* out may alias l or r. */
	if ((ret = hash3(h, 0x01, l, IPPYO_HASH_BYTES, r, IPPYO_HASH_BYTES, tmp)) != 0)
		return ret;
	memcpy(out, tmp, IPPYO_HASH_BYTES);
	return 0;
}

/* Uses h, or a temporary hasher stored in *own. */
static int
hasher_or_own(ippyo_merkle_hasher **h, ippyo_merkle_hasher **own)
{
	*own = NULL;
	if (*h != NULL)
		return 0;
	if ((*own = ippyo_merkle_hasher_new()) == NULL)
		return IPPYO_ERR_ALLOC;
	*h = *own;
	return 0;
}

int
ippyo_merkle_hash_leaf(ippyo_merkle_hasher *h, const void *entry, size_t len,
    uint8_t out[IPPYO_HASH_BYTES])
{
	ippyo_merkle_hasher *own;
	int r;

	if (entry == NULL && len != 0)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if ((r = hasher_or_own(&h, &own)) != 0)
		return r;
	r = hash3(h, 0x00, entry, len, NULL, 0, out);
	ippyo_merkle_hasher_free(own);
	return r;
}

int
ippyo_merkle_hash_children(ippyo_merkle_hasher *h, const uint8_t left[IPPYO_HASH_BYTES],
    const uint8_t right[IPPYO_HASH_BYTES], uint8_t out[IPPYO_HASH_BYTES])
{
	ippyo_merkle_hasher *own;
	int r;

	if ((r = hasher_or_own(&h, &own)) != 0)
		return r;
	r = node(h, left, right, out);
	ippyo_merkle_hasher_free(own);
	return r;
}

static unsigned
bitlen(uint64_t x)
{
	return x == 0 ? 0 : 64 - (unsigned)__builtin_clzll(x);
}

static unsigned
ctz(uint64_t x)
{
	return x == 0 ? 64 : (unsigned)__builtin_ctzll(x);
}

/* The largest power of two strictly below n (n >= 2). */
static uint64_t
split_point(uint64_t n)
{
	return (uint64_t)1 << (bitlen(n - 1) - 1);
}

/* ---- the compact tree state ---- */

void
ippyo_merkle_state_init(ippyo_merkle_state *s)
{
	memset(s, 0, sizeof(*s));
}

uint64_t
ippyo_merkle_state_size(const ippyo_merkle_state *s)
{
	return s->size;
}

static int
state_push(ippyo_merkle_state *s, ippyo_merkle_hasher *h, const uint8_t leaf[IPPYO_HASH_BYTES])
{
	uint64_t t;
	int r;

	if (s->size == UINT64_MAX)
		return IPPYO_ERR_OVERFLOW;
	if (s->depth >= 64)
		return IPPYO_ERR_INTERNAL;
	memcpy(s->hash[s->depth++], leaf, IPPYO_HASH_BYTES);
	/* Each trailing one bit of the old size is a subtree to merge. */
	for (t = s->size; t & 1; t >>= 1) {
		if ((r = node(h, s->hash[s->depth - 2], s->hash[s->depth - 1],
		    s->hash[s->depth - 2])) != 0)
			return r;
		/* Unused slots stay zero, so equal states compare equal. */
		memset(s->hash[s->depth - 1], 0, IPPYO_HASH_BYTES);
		s->depth--;
	}
	s->size++;
	return 0;
}

int
ippyo_merkle_state_append(ippyo_merkle_state *s, ippyo_merkle_hasher *h,
    const uint8_t leaf_hash[IPPYO_HASH_BYTES])
{
	return ippyo_merkle_state_append_many(s, h, leaf_hash, 1);
}

int
ippyo_merkle_state_append_many(ippyo_merkle_state *s, ippyo_merkle_hasher *h,
    const uint8_t *leaf_hashes, size_t n)
{
	ippyo_merkle_state tmp;
	ippyo_merkle_hasher *own;
	size_t i;
	int r;

	if (n == 0)
		return 0;
	if (n > UINT64_MAX - s->size)
		return IPPYO_ERR_OVERFLOW;
	if ((r = hasher_or_own(&h, &own)) != 0)
		return r;
	/* All or nothing. */
	tmp = *s;
	for (i = 0; i < n; i++)
		if ((r = state_push(&tmp, h, leaf_hashes + i * IPPYO_HASH_BYTES)) != 0)
			goto out;
	*s = tmp;
 out:
	ippyo_merkle_hasher_free(own);
	return r;
}

int
ippyo_merkle_state_append_entry(ippyo_merkle_state *s, ippyo_merkle_hasher *h,
    const void *entry, size_t len, uint8_t leaf_hash[IPPYO_HASH_BYTES])
{
	uint8_t lh[IPPYO_HASH_BYTES];
	int r;

	if ((r = ippyo_merkle_hash_leaf(h, entry, len, lh)) != 0)
		return r;
	if ((r = ippyo_merkle_state_append_many(s, h, lh, 1)) != 0)
		return r;
	if (leaf_hash != NULL)
		memcpy(leaf_hash, lh, IPPYO_HASH_BYTES);
	return 0;
}

int
ippyo_merkle_state_root(const ippyo_merkle_state *s, ippyo_merkle_hasher *h,
    uint8_t root[IPPYO_HASH_BYTES])
{
	ippyo_merkle_hasher *own;
	uint8_t acc[IPPYO_HASH_BYTES];
	unsigned i;
	int r;

	if (s->depth == 0) {
		ippyo_merkle_empty_root(root);
		return 0;
	}
	if ((r = hasher_or_own(&h, &own)) != 0)
		return r;
	memcpy(acc, s->hash[s->depth - 1], IPPYO_HASH_BYTES);
	for (i = s->depth - 1; i > 0; i--)
		if ((r = node(h, s->hash[i - 1], acc, acc)) != 0)
			goto out;
	memcpy(root, acc, IPPYO_HASH_BYTES);
 out:
	ippyo_merkle_hasher_free(own);
	return r;
}

int
ippyo_merkle_state_subtree(const ippyo_merkle_state *s, unsigned i, unsigned *level,
    uint64_t *index, uint8_t hash[IPPYO_HASH_BYTES])
{
	uint64_t pos = 0;
	unsigned bit, k = 0;

	*level = 0;
	*index = 0;
	if (i >= s->depth)
		return IPPYO_ERR_INDEX_RANGE;
	for (bit = 64; bit-- > 0;) {
		if (!(s->size >> bit & 1))
			continue;
		if (k == i) {
			*level = bit;
			*index = pos >> bit;
			memcpy(hash, s->hash[i], IPPYO_HASH_BYTES);
			return 0;
		}
		pos += (uint64_t)1 << bit;
		k++;
	}
	return IPPYO_ERR_INTERNAL;
}

int
ippyo_merkle_state_from(ippyo_merkle_state *s, uint64_t size, ippyo_merkle_hash_fn fn,
    void *arg)
{
	ippyo_merkle_state tmp;
	uint64_t pos = 0;
	unsigned bit;
	int r;

	ippyo_merkle_state_init(&tmp);
	for (bit = 64; bit-- > 0;) {
		if (!(size >> bit & 1))
			continue;
		if ((r = fn(arg, bit, pos >> bit, tmp.hash[tmp.depth])) != 0)
			return r;
		tmp.depth++;
		pos += (uint64_t)1 << bit;
	}
	tmp.size = size;
	*s = tmp;
	return 0;
}

int
ippyo_merkle_state_serialize(const ippyo_merkle_state *s, ippyo_buf *out)
{
	int r;

	if ((r = ippyo_buf_put_u64(out, s->size)) != 0)
		return r;
	return ippyo_buf_put(out, s->hash, (size_t)s->depth * IPPYO_HASH_BYTES);
}

int
ippyo_merkle_state_parse(ippyo_merkle_state *s, const uint8_t *data, size_t len)
{
	ippyo_merkle_state tmp;
	ippyo_reader rd;
	unsigned i;
	int r;

	ippyo_merkle_state_init(&tmp);
	ippyo_reader_init(&rd, data, len);
	if ((r = ippyo_reader_get_u64(&rd, &tmp.size)) != 0)
		return r;
	tmp.depth = (unsigned)__builtin_popcountll(tmp.size);
	for (i = 0; i < tmp.depth; i++)
		if ((r = ippyo_reader_get(&rd, tmp.hash[i], IPPYO_HASH_BYTES)) != 0)
			return r;
	if ((r = ippyo_reader_end(&rd)) != 0)
		return r;
	*s = tmp;
	return 0;
}

/* ---- roots from subtree hashes ---- */

int
ippyo_merkle_leaves_hash_fn(void *arg, unsigned level, uint64_t index,
    uint8_t out[IPPYO_HASH_BYTES])
{
	const struct ippyo_merkle_leaves *lv = arg;
	ippyo_merkle_state st;
	uint64_t start, count;
	int r;

	if (level >= 64 || index > (UINT64_MAX >> level))
		return IPPYO_ERR_INDEX_RANGE;
	count = (uint64_t)1 << level;
	start = index << level;
	if (start > lv->n || lv->n - start < count)
		return IPPYO_ERR_INDEX_RANGE;
	if (count > SIZE_MAX / IPPYO_HASH_BYTES)
		return IPPYO_ERR_OVERFLOW;
	ippyo_merkle_state_init(&st);
	if ((r = ippyo_merkle_state_append_many(&st, lv->h,
	    lv->hashes + (size_t)start * IPPYO_HASH_BYTES, (size_t)count)) != 0)
		return r;
	/* A perfect subtree leaves exactly one hash. */
	memcpy(out, st.hash[0], IPPYO_HASH_BYTES);
	return 0;
}

int
ippyo_merkle_root(ippyo_merkle_hasher *h, const uint8_t *leaf_hashes, uint64_t n,
    uint8_t root[IPPYO_HASH_BYTES])
{
	ippyo_merkle_state st;
	int r;

	if (n > SIZE_MAX / IPPYO_HASH_BYTES)
		return IPPYO_ERR_OVERFLOW;
	ippyo_merkle_state_init(&st);
	if ((r = ippyo_merkle_state_append_many(&st, h, leaf_hashes, (size_t)n)) != 0)
		return r;
	return ippyo_merkle_state_root(&st, h, root);
}

/*
 * MTH(D[start:end]) of a node of the RFC 9162 tree: the range splits into
 * perfect subtrees, largest first, folded from the right.
 */
static int
range_hash(ippyo_merkle_hasher *h, ippyo_merkle_hash_fn fn, void *arg, uint64_t start,
    uint64_t end, uint8_t out[IPPYO_HASH_BYTES])
{
	uint8_t piece[64][IPPYO_HASH_BYTES];
	uint64_t pos = start;
	unsigned n = 0, level, i;
	int r;

	if (end <= start)
		return IPPYO_ERR_INTERNAL;
	while (pos < end) {
		level = bitlen(end - pos) - 1;
		if (ctz(pos) < level)
			level = ctz(pos);
		if (n >= 64)
			return IPPYO_ERR_INTERNAL;
		if ((r = fn(arg, level, pos >> level, piece[n])) != 0)
			return r;
		n++;
		pos += (uint64_t)1 << level;
	}
	for (i = n - 1; i > 0; i--)
		if ((r = node(h, piece[i - 1], piece[i], piece[i - 1])) != 0)
			return r;
	memcpy(out, piece[0], IPPYO_HASH_BYTES);
	return 0;
}

int
ippyo_merkle_root_from(ippyo_merkle_hasher *h, uint64_t size, ippyo_merkle_hash_fn fn,
    void *arg, uint8_t root[IPPYO_HASH_BYTES])
{
	ippyo_merkle_hasher *own;
	int r;

	if (size == 0) {
		ippyo_merkle_empty_root(root);
		return 0;
	}
	if ((r = hasher_or_own(&h, &own)) != 0)
		return r;
	r = range_hash(h, fn, arg, 0, size, root);
	ippyo_merkle_hasher_free(own);
	return r;
}

/* ---- proofs ---- */

void
ippyo_merkle_proof_init(ippyo_merkle_proof *p)
{
	memset(p, 0, sizeof(*p));
}

int
ippyo_merkle_proof_add(ippyo_merkle_proof *p, const uint8_t *hash, size_t len)
{
	if (len != IPPYO_HASH_BYTES)
		return IPPYO_ERR_PROOF_LENGTH;
	if (p->n >= IPPYO_MERKLE_MAX_PROOF)
		return IPPYO_ERR_LIMIT;
	memcpy(p->hash[p->n++], hash, IPPYO_HASH_BYTES);
	return 0;
}

static void
proof_reverse(ippyo_merkle_proof *p)
{
	uint8_t t[IPPYO_HASH_BYTES];
	size_t i, j;

	for (i = 0, j = p->n; i + 1 < j; i++, j--) {
		memcpy(t, p->hash[i], IPPYO_HASH_BYTES);
		memcpy(p->hash[i], p->hash[j - 1], IPPYO_HASH_BYTES);
		memcpy(p->hash[j - 1], t, IPPYO_HASH_BYTES);
	}
}

size_t
ippyo_merkle_inclusion_proof_len(uint64_t index, uint64_t size)
{
	unsigned inner;

	if (index >= size)
		return 0;
	inner = bitlen(index ^ (size - 1));
	return inner + (size_t)__builtin_popcountll(inner >= 64 ? 0 : index >> inner);
}

size_t
ippyo_merkle_consistency_proof_len(uint64_t size1, uint64_t size2)
{
	unsigned inner, shift, border;

	if (size1 == 0 || size1 >= size2)
		return 0;
	inner = bitlen((size1 - 1) ^ (size2 - 1));
	border = (unsigned)__builtin_popcountll(inner >= 64 ? 0 : (size1 - 1) >> inner);
	shift = ctz(size1);
	/* shift < inner when size1 < size2. */
	inner -= shift;
	return inner + border + ((size1 >> shift) == 1 ? 0 : 1);
}

/* Appends MTH(D[start:end]) to p. */
static int
proof_push(ippyo_merkle_proof *p, ippyo_merkle_hasher *h, ippyo_merkle_hash_fn fn, void *arg,
    uint64_t start, uint64_t end)
{
	int r;

	if (p->n >= IPPYO_MERKLE_MAX_PROOF)
		return IPPYO_ERR_INTERNAL;
	if ((r = range_hash(h, fn, arg, start, end, p->hash[p->n])) != 0)
		return r;
	p->n++;
	return 0;
}

/*
 * The proof down D[0:size) towards leaf `leaf`: at each split, the hash of
 * the half without the leaf, until the subtree left is the leaf alone or
 * ends at `stop` (0: never); a subtree ending at stop is added too unless
 * it starts at 0. Built top down, then reversed into RFC order (leaf side
 * first).
 */
static int
proof_build(ippyo_merkle_hasher *h, ippyo_merkle_hash_fn fn, void *arg, uint64_t leaf,
    uint64_t size, uint64_t stop, ippyo_merkle_proof *out)
{
	ippyo_merkle_hasher *own = NULL;
	ippyo_merkle_proof p;
	uint64_t lo = 0, hi = size, k;
	int r;

	ippyo_merkle_proof_init(&p);
	if ((r = hasher_or_own(&h, &own)) != 0)
		return r;
	while (hi - lo > 1 && hi != stop) {
		k = split_point(hi - lo);
		if (leaf < lo + k) {
			r = proof_push(&p, h, fn, arg, lo + k, hi);
			hi = lo + k;
		} else {
			r = proof_push(&p, h, fn, arg, lo, lo + k);
			lo += k;
		}
		if (r != 0)
			goto out;
	}
	if (hi == stop && lo != 0 && (r = proof_push(&p, h, fn, arg, lo, hi)) != 0)
		goto out;
	proof_reverse(&p);
	*out = p;
 out:
	ippyo_merkle_hasher_free(own);
	return r;
}

int
ippyo_merkle_inclusion_proof(ippyo_merkle_hasher *h, uint64_t index, uint64_t size,
    ippyo_merkle_hash_fn fn, void *arg, ippyo_merkle_proof *out)
{
	ippyo_merkle_proof_init(out);
	if (index >= size)
		return IPPYO_ERR_INDEX_RANGE;
	return proof_build(h, fn, arg, index, size, 0, out);
}

int
ippyo_merkle_consistency_proof(ippyo_merkle_hasher *h, uint64_t size1, uint64_t size2,
    ippyo_merkle_hash_fn fn, void *arg, ippyo_merkle_proof *out)
{
	ippyo_merkle_proof_init(out);
	if (size1 == 0 || size1 > size2)
		return IPPYO_ERR_INDEX_RANGE;
	if (size1 == size2)
		return 0;
	/* SUBPROOF(size1, D[0:size2], true) of RFC 9162 §2.1.4.1: the path to
	 * leaf size1 - 1 down to the subtree that ends at size1. */
	return proof_build(h, fn, arg, size1 - 1, size2, size1, out);
}

int
ippyo_merkle_inclusion_root(ippyo_merkle_hasher *h, uint64_t index, uint64_t size,
    const uint8_t leaf_hash[IPPYO_HASH_BYTES], const ippyo_merkle_proof *proof,
    uint8_t root[IPPYO_HASH_BYTES])
{
	ippyo_merkle_hasher *own = NULL;
	uint8_t acc[IPPYO_HASH_BYTES];
	uint64_t fn, sn;
	size_t i;
	int r;

	memset(root, 0, IPPYO_HASH_BYTES);
	if (index >= size)
		return IPPYO_ERR_INDEX_RANGE;
	if (proof->n != ippyo_merkle_inclusion_proof_len(index, size))
		return IPPYO_ERR_PROOF_LENGTH;
	if ((r = hasher_or_own(&h, &own)) != 0)
		return r;
	/* RFC 9162 §2.1.3.2, step by step. */
	fn = index;
	sn = size - 1;
	memcpy(acc, leaf_hash, IPPYO_HASH_BYTES);
	for (i = 0; i < proof->n; i++) {
		if (sn == 0) {
			r = IPPYO_ERR_BAD_INCLUSION;
			goto out;
		}
		if ((fn & 1) || fn == sn) {
			if ((r = node(h, proof->hash[i], acc, acc)) != 0)
				goto out;
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else if ((r = node(h, acc, proof->hash[i], acc)) != 0)
			goto out;
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0) {
		r = IPPYO_ERR_BAD_INCLUSION;
		goto out;
	}
	memcpy(root, acc, IPPYO_HASH_BYTES);
 out:
	ippyo_merkle_hasher_free(own);
	return r;
}

int
ippyo_merkle_verify_inclusion(ippyo_merkle_hasher *h, uint64_t index, uint64_t size,
    const uint8_t *leaf_hash, size_t leaf_hash_len, const ippyo_merkle_proof *proof,
    const uint8_t *root, size_t root_len)
{
	uint8_t got[IPPYO_HASH_BYTES];
	int r;

	if (index >= size)
		return IPPYO_ERR_INDEX_RANGE;
	if (leaf_hash == NULL || leaf_hash_len != IPPYO_HASH_BYTES ||
	    root == NULL || root_len != IPPYO_HASH_BYTES)
		return IPPYO_ERR_BAD_INCLUSION;
	if ((r = ippyo_merkle_inclusion_root(h, index, size, leaf_hash, proof, got)) != 0)
		return r;
	if (CRYPTO_memcmp(got, root, IPPYO_HASH_BYTES) != 0)
		return IPPYO_ERR_BAD_INCLUSION;
	return 0;
}

int
ippyo_merkle_verify_consistency(ippyo_merkle_hasher *h, uint64_t size1, uint64_t size2,
    const ippyo_merkle_proof *proof, const uint8_t *root1, size_t root1_len,
    const uint8_t *root2, size_t root2_len)
{
	ippyo_merkle_hasher *own = NULL;
	uint8_t fr[IPPYO_HASH_BYTES], sr[IPPYO_HASH_BYTES];
	const uint8_t *c;
	uint64_t fn, sn;
	size_t i, start;
	int r;

	/* A proof from the empty tree is meaningless (anything extends it),
	 * even to the empty tree: transparency-dev/merkle's rule. */
	if (size1 > size2 || size1 == 0)
		return IPPYO_ERR_INDEX_RANGE;
	if (root1 == NULL || root2 == NULL)
		return IPPYO_ERR_BAD_CONSISTENCY;
	if (size1 == size2) {
		/* Nothing is hashed: the same tree has the same root bytes. */
		if (proof->n != 0)
			return IPPYO_ERR_PROOF_LENGTH;
		return root1_len == root2_len &&
		    CRYPTO_memcmp(root1, root2, root1_len) == 0 ? 0 : IPPYO_ERR_BAD_CONSISTENCY;
	}
	if (root1_len != IPPYO_HASH_BYTES || root2_len != IPPYO_HASH_BYTES)
		return IPPYO_ERR_BAD_CONSISTENCY;
	if (proof->n == 0 || proof->n != ippyo_merkle_consistency_proof_len(size1, size2))
		return IPPYO_ERR_PROOF_LENGTH;
	if ((r = hasher_or_own(&h, &own)) != 0)
		return r;
	/* RFC 9162 §2.1.4.2: when size1 is a power of two, root1 is the
	 * (implicit) first element of the path. */
	if ((size1 & (size1 - 1)) == 0) {
		memcpy(fr, root1, IPPYO_HASH_BYTES);
		start = 0;
	} else {
		memcpy(fr, proof->hash[0], IPPYO_HASH_BYTES);
		start = 1;
	}
	memcpy(sr, fr, IPPYO_HASH_BYTES);
	fn = size1 - 1;
	sn = size2 - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (i = start; i < proof->n; i++) {
		c = proof->hash[i];
		if (sn == 0) {
			r = IPPYO_ERR_BAD_CONSISTENCY;
			goto out;
		}
		if ((fn & 1) || fn == sn) {
			if ((r = node(h, c, fr, fr)) != 0 || (r = node(h, c, sr, sr)) != 0)
				goto out;
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else if ((r = node(h, sr, c, sr)) != 0)
			goto out;
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || CRYPTO_memcmp(fr, root1, IPPYO_HASH_BYTES) != 0 ||
	    CRYPTO_memcmp(sr, root2, IPPYO_HASH_BYTES) != 0)
		r = IPPYO_ERR_BAD_CONSISTENCY;
 out:
	ippyo_merkle_hasher_free(own);
	return r;
}
