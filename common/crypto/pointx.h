/* ippyo — point helpers private to common/crypto/: fast encoding, constant-time select. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "group.h"

/*
 * Serializes n points (33 compressed bytes each, into out[33·n]) with one
 * field inversion for all of them (Montgomery's trick, EC_POINTs_make_affine
 * on copies) instead of one per point; points already affine (parsed ones)
 * cost no inversion. The inputs are not modified. Infinity is an error.
 */
int ippyo_points_serialize(size_t n, const ippyo_point *const *p, uint8_t *out) IPPYO_WUR;

/*
 * Brings n points (owned by the caller, not shared) to affine form in place
 * with one field inversion, so that encoding them later costs none. Their
 * values do not change; points at infinity are left alone.
 */
int ippyo_points_make_affine(size_t n, ippyo_point *const *p) IPPYO_WUR;

struct bignum_ctx;

/* r = cond ? p1 : p0, in time independent of cond (0 or 1); ctx may be NULL. */
int ippyo_point_select(ippyo_point *r, int cond, const ippyo_point *p1,
    const ippyo_point *p0, struct bignum_ctx *ctx) IPPYO_WUR;

/* r = cond ? s1 : s0, in time independent of cond (0 or 1). */
int ippyo_scalar_select(ippyo_scalar *r, int cond, const ippyo_scalar *s1,
    const ippyo_scalar *s0) IPPYO_WUR;
