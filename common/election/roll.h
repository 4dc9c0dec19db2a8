/* ippyo — the voter roll file: the fingerprints of the card certificates that may vote. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../buf.h"
#include "manifest.h"

/*
 * A roll file is ASCII: one line per voter, each line 64 lower-case hex
 * digits (SHA-256 of the DER of the card's authentication certificate)
 * followed by "\n" (also after the last line), lines strictly ascending
 * (so sorted and unique), nothing else: no header, no blank line, no "\r".
 * Its hash, named by the manifest ("roll": {"count", "sha256"}), is plain
 * SHA-256 of the file's bytes (what `sha256sum` prints).
 */
#define IPPYO_ROLL_LINE_BYTES 65
#define IPPYO_ROLL_MAX_ENTRIES 200000000u

typedef struct ippyo_roll ippyo_roll;

/* Strict: IPPYO_ERR_BAD_ROLL for any byte out of place or an unsorted/repeated line. */
int ippyo_roll_parse(ippyo_roll **out, const uint8_t *in, size_t len) IPPYO_WUR;
void ippyo_roll_free(ippyo_roll *r);                            /* accepts NULL */
size_t ippyo_roll_count(const ippyo_roll *r);
const uint8_t *ippyo_roll_hash(const ippyo_roll *r);           /* 32 bytes */
/* 1 if the fingerprint is on the roll, 0 if not (binary search). */
int ippyo_roll_contains(const ippyo_roll *r, const uint8_t fp[IPPYO_FINGERPRINT_BYTES]);
/* The i-th fingerprint in order (NULL if out of range). */
const uint8_t *ippyo_roll_entry(const ippyo_roll *r, size_t i);
/* 0 if count and hash are the manifest's, else IPPYO_ERR_BAD_ROLL. */
int ippyo_roll_check_manifest(const ippyo_roll *r, const ippyo_manifest *m) IPPYO_WUR;

/*
 * The roll file for fingerprints in any order (repeats removed), allocated
 * (OPENSSL_free); at least one fingerprint.
 */
int ippyo_roll_build(const uint8_t (*fps)[IPPYO_FINGERPRINT_BYTES], size_t n, uint8_t **out,
    size_t *out_len) IPPYO_WUR;
