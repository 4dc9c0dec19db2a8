/* ippyo — baby-step giant-step on OpenSSL's P-256 point arithmetic. */
#include "dlog.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/ec.h>

#include "../error.h"

struct ippyo_dlog_table {
	uint64_t bound;
	uint64_t step;        /* s: baby steps j·G for 0 <= j < s */
	uint64_t giants;      /* ceil((bound + 1) / s) */
	uint8_t *keys;        /* keys[j]: the 33 compressed bytes of j·G, 1 <= j < s */
	uint32_t *slots;      /* open addressing: 0 empty, else j */
	size_t mask;          /* slots has mask + 1 entries, a power of two */
	ippyo_point *neg_step;/* -(s·G) */
};

static size_t
slot_of(const uint8_t key[IPPYO_POINT_BYTES], size_t mask)
{
	uint64_t h = 0;

	/* x is uniform: its first bytes are a good hash. */
	for (int i = 1; i <= 8; i++)
		h = (h << 8) | key[i];
	return (size_t)(h & mask);
}

static uint64_t
isqrt_ceil(uint64_t v)
{
	uint64_t s = 1;

	while (s * s < v)
		s++;
	return s;
}

void
ippyo_dlog_table_free(ippyo_dlog_table *t)
{
	if (t == NULL)
		return;
	OPENSSL_free(t->keys);
	OPENSSL_free(t->slots);
	ippyo_point_free(t->neg_step);
	OPENSSL_free(t);
}

uint64_t
ippyo_dlog_table_bound(const ippyo_dlog_table *t)
{
	return t->bound;
}

int
ippyo_dlog_table_new(ippyo_dlog_table **out, uint64_t bound)
{
	ippyo_dlog_table *t = NULL;
	ippyo_point *P = NULL;
	ippyo_scalar *k = NULL;
	const ippyo_point *G;
	size_t cap;
	int e = IPPYO_ERR_ALLOC;

	*out = NULL;
	if (bound > IPPYO_DLOG_MAX_BOUND)
		return IPPYO_ERR_LIMIT;
	if ((G = ippyo_point_generator()) == NULL)
		return IPPYO_ERR_INTERNAL;
	if ((t = OPENSSL_zalloc(sizeof(*t))) == NULL)
		goto out;
	t->bound = bound;
	t->step = isqrt_ceil(bound + 1);
	t->giants = (bound + 1 + t->step - 1) / t->step;
	for (cap = 16; cap < 2 * t->step; cap *= 2)
		;
	t->mask = cap - 1;
	if ((t->keys = OPENSSL_malloc(t->step * IPPYO_POINT_BYTES)) == NULL ||
	    (t->slots = OPENSSL_zalloc(cap * sizeof(*t->slots))) == NULL ||
	    (P = ippyo_point_new()) == NULL || (k = ippyo_scalar_new()) == NULL ||
	    (t->neg_step = ippyo_point_new()) == NULL)
		goto out;
	/* Baby steps: P = j·G for j = 1 .. s-1 (0·G = O is handled by the search). */
	if ((e = ippyo_point_copy(P, G)) != 0)
		goto out;
	for (uint64_t j = 1; j < t->step; j++) {
		uint8_t *key = t->keys + j * IPPYO_POINT_BYTES;
		size_t slot;

		if ((e = ippyo_point_serialize(P, key)) != 0)
			goto out;
		for (slot = slot_of(key, t->mask); t->slots[slot] != 0; slot = (slot + 1) & t->mask)
			;
		t->slots[slot] = (uint32_t)j;
		if ((e = ippyo_point_add(P, P, G)) != 0)
			goto out;
	}
	if ((e = ippyo_scalar_set_u64(k, t->step)) != 0 ||
	    (e = ippyo_point_mul_gen(t->neg_step, k)) != 0 ||
	    (e = ippyo_point_neg(t->neg_step, t->neg_step)) != 0)
		goto out;
	*out = t;
	t = NULL;
	e = 0;
out:
	ippyo_dlog_table_free(t);
	ippyo_point_free(P);
	ippyo_scalar_free(k);
	return e;
}

/* j with j·G encoded as key (1 <= j < s), or 0 if none. */
static uint64_t
lookup(const ippyo_dlog_table *t, const uint8_t key[IPPYO_POINT_BYTES])
{
	size_t slot;

	for (slot = slot_of(key, t->mask); t->slots[slot] != 0; slot = (slot + 1) & t->mask) {
		uint32_t j = t->slots[slot];

		if (memcmp(t->keys + (size_t)j * IPPYO_POINT_BYTES, key, IPPYO_POINT_BYTES) == 0)
			return j;
	}
	return 0;
}

int
ippyo_dlog_table_solve(const ippyo_dlog_table *t, const ippyo_point *M, uint64_t *m)
{
	ippyo_point *P = NULL;
	uint8_t key[IPPYO_POINT_BYTES];
	int e = IPPYO_ERR_ALLOC;

	*m = 0;
	if ((P = ippyo_point_dup(M)) == NULL)
		goto out;
	e = IPPYO_ERR_DLOG_OUT_OF_RANGE;
	for (uint64_t i = 0; i < t->giants; i++) {
		uint64_t j, v;
		int r;

		/* P = M - i·s·G */
		if (ippyo_point_is_infinity(P)) {
			j = 0;
		} else {
			if ((r = ippyo_point_serialize(P, key)) != 0) {
				e = r;
				goto out;
			}
			if ((j = lookup(t, key)) == 0)
				goto next;
		}
		v = i * t->step + j;
		if (v <= t->bound) {
			*m = v;
			e = 0;
		}
		/* The representation i·s + j (j < s) is unique: stop either way. */
		goto out;
next:
		if ((r = ippyo_point_add(P, P, t->neg_step)) != 0) {
			e = r;
			goto out;
		}
	}
out:
	ippyo_point_free(P);
	return e;
}

int
ippyo_dlog(const ippyo_point *M, uint64_t bound, uint64_t *m)
{
	ippyo_dlog_table *t = NULL;
	int e;

	*m = 0;
	if ((e = ippyo_dlog_table_new(&t, bound)) != 0)
		return e;
	e = ippyo_dlog_table_solve(t, M, m);
	ippyo_dlog_table_free(t);
	return e;
}
