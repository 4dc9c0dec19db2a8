/* ippyo — the bounded byte buffer: one writer and one reader for all bytes. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define IPPYO_WUR __attribute__((warn_unused_result))

/*
 * ippyo_buf: a growable byte string with a hard maximum size fixed at
 * creation. Every put either appends everything or fails and appends
 * nothing. Freed buffers are wiped, so a buffer may hold secrets.
 */
typedef struct ippyo_buf ippyo_buf;

ippyo_buf *ippyo_buf_new(size_t max);
void ippyo_buf_free(ippyo_buf *b);           /* wipes; accepts NULL */
void ippyo_buf_reset(ippyo_buf *b);          /* wipes, keeps the maximum */
const uint8_t *ippyo_buf_data(const ippyo_buf *b);
size_t ippyo_buf_len(const ippyo_buf *b);
/* Hands the bytes to the caller (free with OPENSSL_clear_free(p, len)). */
int ippyo_buf_steal(ippyo_buf *b, uint8_t **out, size_t *out_len) IPPYO_WUR;

int ippyo_buf_put(ippyo_buf *b, const void *data, size_t len) IPPYO_WUR;
int ippyo_buf_put_u8(ippyo_buf *b, uint8_t v) IPPYO_WUR;
int ippyo_buf_put_u16(ippyo_buf *b, uint16_t v) IPPYO_WUR;   /* big-endian */
int ippyo_buf_put_u32(ippyo_buf *b, uint32_t v) IPPYO_WUR;   /* big-endian */
int ippyo_buf_put_u64(ippyo_buf *b, uint64_t v) IPPYO_WUR;   /* big-endian */
int ippyo_buf_put_str(ippyo_buf *b, const char *s) IPPYO_WUR; /* no terminator */
/* A 4-byte big-endian length, then the bytes. */
int ippyo_buf_put_lp(ippyo_buf *b, const void *data, size_t len) IPPYO_WUR;

/*
 * ippyo_reader: reads untrusted bytes without copying them. Every get
 * consumes exactly what it returns or fails with IPPYO_ERR_TRUNCATED and
 * consumes nothing; ippyo_reader_end fails with IPPYO_ERR_TRAILING when
 * bytes remain.
 */
typedef struct ippyo_reader {
	const uint8_t *data;
	size_t len;
	size_t off;
} ippyo_reader;

void ippyo_reader_init(ippyo_reader *r, const void *data, size_t len);
size_t ippyo_reader_remaining(const ippyo_reader *r);
int ippyo_reader_get(ippyo_reader *r, void *out, size_t len) IPPYO_WUR;
int ippyo_reader_get_ptr(ippyo_reader *r, size_t len, const uint8_t **out) IPPYO_WUR;
int ippyo_reader_get_u8(ippyo_reader *r, uint8_t *out) IPPYO_WUR;
int ippyo_reader_get_u16(ippyo_reader *r, uint16_t *out) IPPYO_WUR;
int ippyo_reader_get_u32(ippyo_reader *r, uint32_t *out) IPPYO_WUR;
int ippyo_reader_get_u64(ippyo_reader *r, uint64_t *out) IPPYO_WUR;
int ippyo_reader_end(const ippyo_reader *r) IPPYO_WUR;
