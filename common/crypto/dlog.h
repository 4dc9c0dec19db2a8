/* ippyo — the small discrete log of a decrypted total: baby-step giant-step. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "group.h"

/* The largest search bound (2^40; the table then holds 2^20 entries, ~40 MiB). */
#define IPPYO_DLOG_MAX_BOUND (UINT64_C(1) << 40)

/*
 * Finds m with M = m·G and 0 <= m <= bound (M = O is m = 0). With
 * s = ceil(sqrt(bound + 1)) the table holds j·G for 0 <= j < s, keyed on the
 * compressed encoding; the search walks M - i·s·G for i = 0, 1, ... and
 * stops after ceil((bound + 1) / s) steps. A total above the bound (or a
 * point that is no small multiple of G at all) is IPPYO_ERR_DLOG_OUT_OF_RANGE
 * after at most that many steps: never a hang. M is public.
 *
 * A table is built once per bound and reused for every total of a tally;
 * it is read-only after creation and shareable between threads.
 */
typedef struct ippyo_dlog_table ippyo_dlog_table;

/* bound <= IPPYO_DLOG_MAX_BOUND, else IPPYO_ERR_LIMIT. */
int ippyo_dlog_table_new(ippyo_dlog_table **out, uint64_t bound) IPPYO_WUR;
void ippyo_dlog_table_free(ippyo_dlog_table *t);               /* accepts NULL */
uint64_t ippyo_dlog_table_bound(const ippyo_dlog_table *t);
int ippyo_dlog_table_solve(const ippyo_dlog_table *t, const ippyo_point *M,
    uint64_t *m) IPPYO_WUR;

/* One call: builds a table for bound, solves, frees it (the benchmark's "dlog up to bound"). */
int ippyo_dlog(const ippyo_point *M, uint64_t bound, uint64_t *m) IPPYO_WUR;
