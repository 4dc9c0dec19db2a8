/* ippyo — transcript hashing: a domain tag, then length-prefixed elements. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "group.h"

#define IPPYO_HASH_BYTES 32

/*
 * A transcript is the byte string
 *     u32be(len(tag)) ‖ tag ‖ u32be(len(e1)) ‖ e1 ‖ ... ‖ u32be(len(en)) ‖ en
 * Its digest is SHA-256 of those bytes; its challenge scalar is SHA-512 of
 * those bytes, read big-endian and reduced mod q (bias below 2^-250).
 * Points enter as their 33 compressed bytes, scalars as their 32 bytes,
 * integers as u32be or u64be elements (4 or 8 bytes, still length-prefixed).
 * docs/crypto.md lists every tag and the order of elements of every hash.
 */
typedef struct ippyo_transcript ippyo_transcript;

ippyo_transcript *ippyo_transcript_new(const char *domain_tag);
void ippyo_transcript_free(ippyo_transcript *t);      /* wipes; accepts NULL */
ippyo_transcript *ippyo_transcript_dup(const ippyo_transcript *t);
int ippyo_transcript_put(ippyo_transcript *t, const void *data, size_t len) IPPYO_WUR;
int ippyo_transcript_put_str(ippyo_transcript *t, const char *s) IPPYO_WUR;
int ippyo_transcript_put_u32(ippyo_transcript *t, uint32_t v) IPPYO_WUR;
int ippyo_transcript_put_u64(ippyo_transcript *t, uint64_t v) IPPYO_WUR;
int ippyo_transcript_put_point(ippyo_transcript *t, const ippyo_point *p) IPPYO_WUR;
int ippyo_transcript_put_scalar(ippyo_transcript *t, const ippyo_scalar *s) IPPYO_WUR;
/* The encoded bytes so far (for known-answer tests). */
const uint8_t *ippyo_transcript_bytes(const ippyo_transcript *t, size_t *len);
int ippyo_transcript_digest(const ippyo_transcript *t, uint8_t out[IPPYO_HASH_BYTES]) IPPYO_WUR;
int ippyo_transcript_challenge(const ippyo_transcript *t, ippyo_scalar *out) IPPYO_WUR;

/* Plain SHA-256 of a byte string. */
int ippyo_sha256(const void *data, size_t len, uint8_t out[IPPYO_HASH_BYTES]) IPPYO_WUR;
