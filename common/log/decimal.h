/* ippyo — the decimals of the C2SP text formats (tree sizes, indices, timestamps). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* A decimal without leading zeros ("0" alone is zero) that fits in 64 bits. */
int ippyo_log_parse_u64(const char *s, size_t len, uint64_t *out) IPPYO_WUR;
/* Appends the decimal form of v. */
int ippyo_log_put_u64(ippyo_buf *out, uint64_t v) IPPYO_WUR;
