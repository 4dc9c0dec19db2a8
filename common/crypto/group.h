/* ippyo — the group: NIST P-256 points and scalars modulo its order q. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../buf.h"

#define IPPYO_POINT_BYTES 33   /* SEC1 compressed */
#define IPPYO_SCALAR_BYTES 32  /* big-endian, below q */

/*
 * Opaque values. A point is never the point at infinity once parsed; the
 * arithmetic may produce infinity (e.g. P - P), which serializing refuses.
 * A scalar is always reduced below q. All objects may be shared between
 * threads for reading; each writer owns its own.
 */
typedef struct ippyo_point ippyo_point;
typedef struct ippyo_scalar ippyo_scalar;
/* A fixed base with a precomputed table: G or the election key K. */
typedef struct ippyo_base ippyo_base;

/* Sets up the group once; every function below calls it too. */
int ippyo_group_init(void) IPPYO_WUR;

/* ---- points ---- */
ippyo_point *ippyo_point_new(void);                    /* the point at infinity */
void ippyo_point_free(ippyo_point *p);                 /* accepts NULL */
ippyo_point *ippyo_point_dup(const ippyo_point *p);
int ippyo_point_copy(ippyo_point *dst, const ippyo_point *src) IPPYO_WUR;
/* Strict: exactly 33 bytes, 0x02/0x03 prefix, x < p, on the curve. */
int ippyo_point_parse(ippyo_point *p, const uint8_t *in, size_t len) IPPYO_WUR;
int ippyo_point_serialize(const ippyo_point *p, uint8_t out[IPPYO_POINT_BYTES]) IPPYO_WUR;
int ippyo_point_is_infinity(const ippyo_point *p);     /* 1 or 0 */
int ippyo_point_eq(const ippyo_point *a, const ippyo_point *b); /* 1 equal, 0 not, <0 error */
int ippyo_point_set_infinity(ippyo_point *p) IPPYO_WUR;
int ippyo_point_add(ippyo_point *r, const ippyo_point *a, const ippyo_point *b) IPPYO_WUR;
int ippyo_point_sub(ippyo_point *r, const ippyo_point *a, const ippyo_point *b) IPPYO_WUR;
int ippyo_point_neg(ippyo_point *r, const ippyo_point *a) IPPYO_WUR;
int ippyo_point_dbl(ippyo_point *r, const ippyo_point *a) IPPYO_WUR;
/* r = k·G with the built-in table (constant time in k). */
int ippyo_point_mul_gen(ippyo_point *r, const ippyo_scalar *k) IPPYO_WUR;
/* r = k·P, variable base (constant time in k). */
int ippyo_point_mul(ippyo_point *r, const ippyo_scalar *k, const ippyo_point *p) IPPYO_WUR;
/* r = a·G + b·P for public a, b (variable time; for verifiers). */
int ippyo_point_mul2(ippyo_point *r, const ippyo_scalar *a, const ippyo_scalar *b,
    const ippyo_point *p) IPPYO_WUR;
/* The generator G. */
const ippyo_point *ippyo_point_generator(void);

/* ---- fixed bases ---- */
/* A precomputed table for P (about 100 KiB): k·P at the cost of k·G. */
ippyo_base *ippyo_base_new(const ippyo_point *p);
void ippyo_base_free(ippyo_base *b);
const ippyo_point *ippyo_base_point(const ippyo_base *b);
/* r = k·P from the table (constant time in k). */
int ippyo_base_mul(ippyo_point *r, const ippyo_base *b, const ippyo_scalar *k) IPPYO_WUR;
/* r = a·P + c·Q for public a, c and any Q (variable time; for verifiers). */
int ippyo_base_mul2(ippyo_point *r, const ippyo_base *b, const ippyo_scalar *a,
    const ippyo_scalar *c, const ippyo_point *q) IPPYO_WUR;

/* ---- scalars ---- */
ippyo_scalar *ippyo_scalar_new(void);                  /* zero */
void ippyo_scalar_free(ippyo_scalar *s);               /* wipes; accepts NULL */
ippyo_scalar *ippyo_scalar_dup(const ippyo_scalar *s);
int ippyo_scalar_copy(ippyo_scalar *dst, const ippyo_scalar *src) IPPYO_WUR;
/* Strict: exactly 32 bytes, below q (zero is allowed). */
int ippyo_scalar_parse(ippyo_scalar *s, const uint8_t *in, size_t len) IPPYO_WUR;
int ippyo_scalar_serialize(const ippyo_scalar *s, uint8_t out[IPPYO_SCALAR_BYTES]) IPPYO_WUR;
int ippyo_scalar_set_u64(ippyo_scalar *s, uint64_t v) IPPYO_WUR;
/* The value if it is below 2^64 (e.g. a decrypted count); else IPPYO_ERR_OVERFLOW. */
int ippyo_scalar_get_u64(const ippyo_scalar *s, uint64_t *out) IPPYO_WUR;
/* Uniform in [1, q) from RAND_priv_bytes. */
int ippyo_scalar_random(ippyo_scalar *s) IPPYO_WUR;
/* Uniform in [0, 2^bits) for public batch weights (bits <= 256). */
int ippyo_scalar_random_bits(ippyo_scalar *s, int bits) IPPYO_WUR;
/* Reduces a wide (e.g. 64-byte) big-endian string mod q: bias below 2^-128. */
int ippyo_scalar_from_wide(ippyo_scalar *s, const uint8_t *in, size_t len) IPPYO_WUR;
int ippyo_scalar_is_zero(const ippyo_scalar *s);       /* 1 or 0 */
int ippyo_scalar_eq(const ippyo_scalar *a, const ippyo_scalar *b); /* 1 or 0, constant time */
int ippyo_scalar_add(ippyo_scalar *r, const ippyo_scalar *a, const ippyo_scalar *b) IPPYO_WUR;
int ippyo_scalar_sub(ippyo_scalar *r, const ippyo_scalar *a, const ippyo_scalar *b) IPPYO_WUR;
int ippyo_scalar_neg(ippyo_scalar *r, const ippyo_scalar *a) IPPYO_WUR;
int ippyo_scalar_mul(ippyo_scalar *r, const ippyo_scalar *a, const ippyo_scalar *b) IPPYO_WUR;
/* Inverse of a public non-zero scalar (Lagrange coefficients). */
int ippyo_scalar_inv(ippyo_scalar *r, const ippyo_scalar *a) IPPYO_WUR;

/* ---- for the other files of common/crypto/ only ---- */
struct ec_group_st;
struct ec_point_st;
struct bignum_st;
const struct ec_group_st *ippyo_group_ec(void);
const struct bignum_st *ippyo_group_order(void);
struct ec_point_st *ippyo_point_ec(ippyo_point *p);
const struct ec_point_st *ippyo_point_ec_const(const ippyo_point *p);
/* The bytes p was parsed from, NULL if it was computed since (or never parsed). */
const uint8_t *ippyo_point_encoding(const ippyo_point *p);
struct bignum_st *ippyo_scalar_bn(ippyo_scalar *s);
const struct bignum_st *ippyo_scalar_bn_const(const ippyo_scalar *s);
