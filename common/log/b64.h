/* ippyo — strict standard base64 (RFC 4648 §4, padded) for the C2SP text formats. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Length of the encoding of len bytes (without NUL). */
size_t ippyo_b64_encoded_len(size_t len);
/* Appends the padded encoding (no NUL) to out. */
int ippyo_b64_put(ippyo_buf *out, const uint8_t *in, size_t len) IPPYO_WUR;
/*
 * Decodes in[0..in_len) strictly: only the 64 characters and '=' padding to
 * a multiple of 4, no whitespace, zero unused bits, so that every byte
 * string has exactly one text form (IPPYO_ERR_BAD_ENCODING). *out_len gets
 * the decoded length; cap too small is IPPYO_ERR_LIMIT.
 */
int ippyo_b64_decode(const char *in, size_t in_len, uint8_t *out, size_t cap,
    size_t *out_len) IPPYO_WUR;
/* Decoded length of a valid encoding of in_len characters ending in pad '='. */
size_t ippyo_b64_decoded_max(size_t in_len);

/* A decimal without leading zeros ("0" alone is zero) that fits in 64 bits. */
int ippyo_log_parse_u64(const char *s, size_t len, uint64_t *out) IPPYO_WUR;
/* Appends the decimal form of v. */
int ippyo_log_put_u64(ippyo_buf *out, uint64_t v) IPPYO_WUR;
