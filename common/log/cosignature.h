/* ippyo — C2SP tlog-cosignature: Ed25519 cosignature/v1 (signature type 0x04). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "log/note.h"

/*
 * A witness's cosignature is a note signature line on the checkpoint,
 * "— <witness name> base64(key ID ‖ u64be timestamp ‖ Ed25519 signature)",
 * with key ID SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4]. The signed
 * message is
 *   "cosignature/v1\ntime <decimal timestamp>\n" ‖ checkpoint note text.
 * Timestamps are POSIX seconds, at most 2^63 - 1.
 */
#define IPPYO_COSIGNATURE_BYTES (8 + IPPYO_ED25519_SIG_BYTES)  /* after the key ID */
#define IPPYO_COSIGNATURE_MAX_TIME INT64_MAX

/* Appends the signed message. */
int ippyo_cosignature_message(const uint8_t *cp_text, size_t len, uint64_t timestamp,
    ippyo_buf *out) IPPYO_WUR;
/* Cosigns a checkpoint text with a type 0x04 key: sig gets
 * IPPYO_COSIGNATURE_BYTES (timestamp ‖ signature). */
int ippyo_cosignature_sign(const ippyo_note_signer *witness, const uint8_t *cp_text,
    size_t len, uint64_t timestamp, uint8_t sig[IPPYO_COSIGNATURE_BYTES]) IPPYO_WUR;
/* Cosigns and adds the line to the note (the checkpoint). */
int ippyo_cosignature_add(ippyo_note *n, const ippyo_note_signer *witness,
    uint64_t timestamp) IPPYO_WUR;
/* Verifies sig (the bytes after the key ID) over cp_text with a type 0x04
 * key; *timestamp (may be NULL) gets its time. IPPYO_ERR_COSIGNATURE. */
int ippyo_cosignature_verify(const ippyo_note_verifier *witness, const uint8_t *cp_text,
    size_t len, const uint8_t *sig, size_t sig_len, uint64_t *timestamp) IPPYO_WUR;
