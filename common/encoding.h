/* ippyo — text forms of bytes: base64url (JSON values), standard base64 (the C2SP
 * text formats) and hex (fingerprints). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * base64url is RFC 4648 §5 without padding. Decoding is strict: only the
 * 64 characters of the alphabet, no padding, no whitespace, a length that
 * is not 1 mod 4, and zero unused bits in the last character, so that every
 * byte string has exactly one text form. hex is lower case, even length.
 * Outputs are NUL-terminated and allocated with OPENSSL_malloc.
 */
size_t ippyo_b64url_encoded_len(size_t len);   /* without the NUL */
int ippyo_b64url_encode(const uint8_t *in, size_t len, char **out) IPPYO_WUR;
/* Decodes into out (capacity cap); *out_len is the decoded length. */
int ippyo_b64url_decode(const char *in, size_t in_len, uint8_t *out, size_t cap,
    size_t *out_len) IPPYO_WUR;
/* Decodes exactly want bytes (else IPPYO_ERR_BAD_ENCODING or a length error). */
int ippyo_b64url_decode_exact(const char *in, uint8_t *out, size_t want) IPPYO_WUR;

/*
 * Standard base64 (RFC 4648 §4, padded), the form of the C2SP signed notes,
 * keys and proofs. Decoding is as strict: only the 64 characters of the
 * standard alphabet and '=' padding to a multiple of 4, no whitespace, zero
 * unused bits (IPPYO_ERR_BAD_ENCODING); *out_len gets the decoded length, a
 * cap too small is IPPYO_ERR_LIMIT. Same coder as base64url (encoding.c).
 */
size_t ippyo_b64_encoded_len(size_t len);      /* with the padding, without a NUL */
/* Appends the padded encoding (no NUL) to out. */
int ippyo_b64_put(ippyo_buf *out, const uint8_t *in, size_t len) IPPYO_WUR;
int ippyo_b64_decode(const char *in, size_t in_len, uint8_t *out, size_t cap,
    size_t *out_len) IPPYO_WUR;
/* At most this many bytes decode from in_len characters. */
size_t ippyo_b64_decoded_max(size_t in_len);

int ippyo_hex_encode(const uint8_t *in, size_t len, char **out) IPPYO_WUR;
/* Writes into a caller buffer of 2·len + 1 bytes. */
void ippyo_hex_write(const uint8_t *in, size_t len, char *out);
int ippyo_hex_decode_exact(const char *in, uint8_t *out, size_t want) IPPYO_WUR;
