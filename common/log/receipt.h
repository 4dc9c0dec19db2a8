/* ippyo — the voter's offline receipt: a C2SP tlog-proof. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "log/checkpoint.h"
#include "log/merkle.h"
#include "log/note.h"
#include "log/policy.h"

/*
 * c2sp.org/tlog-proof@v1:
 *   c2sp.org/tlog-proof@v1\n
 *   [extra <base64>\n]
 *   index <decimal>\n
 *   <base64 hash>\n ...          (the inclusion proof, leaf side first)
 *   \n
 *   <the signed checkpoint note, verbatim>
 */
#define IPPYO_RECEIPT_MAGIC "c2sp.org/tlog-proof@v1"
#define IPPYO_RECEIPT_MAX_BYTES (IPPYO_NOTE_MAX_BYTES + 8192)
#define IPPYO_RECEIPT_MAX_EXTRA 1024

typedef struct ippyo_receipt {
	uint8_t *extra;            /* NULL when absent */
	size_t extra_len;
	uint64_t index;
	ippyo_merkle_proof proof;
	uint8_t *checkpoint;       /* the signed note, verbatim */
	size_t checkpoint_len;
} ippyo_receipt;

int ippyo_receipt_new(uint64_t index, const ippyo_merkle_proof *proof,
    const uint8_t *checkpoint_note, size_t checkpoint_len, const uint8_t *extra,
    size_t extra_len, ippyo_receipt **out) IPPYO_WUR;
void ippyo_receipt_free(ippyo_receipt *r);
/* Strict parse (IPPYO_ERR_RECEIPT_FORMAT; the checkpoint must parse as a
 * signed note). */
int ippyo_receipt_parse(const uint8_t *text, size_t len, ippyo_receipt **out) IPPYO_WUR;
int ippyo_receipt_serialize(const ippyo_receipt *r, ippyo_buf *out) IPPYO_WUR;

/*
 * Verifies a receipt offline for a leaf hash: the checkpoint is signed by
 * log_key with origin `origin`, satisfies `policy` (may be NULL: no
 * witness needed), and the proof shows the leaf at r->index in a tree of
 * the checkpoint's size. cp_out (may be NULL) gets the checkpoint.
 */
int ippyo_receipt_verify_leaf(const ippyo_receipt *r, const uint8_t leaf_hash[IPPYO_HASH_BYTES],
    const char *origin, const ippyo_note_verifier *log_key, const ippyo_policy *policy,
    ippyo_checkpoint **cp_out) IPPYO_WUR;
/* The same for the entry bytes (hashed as an RFC 6962 leaf). */
int ippyo_receipt_verify(const ippyo_receipt *r, const uint8_t *entry, size_t entry_len,
    const char *origin, const ippyo_note_verifier *log_key, const ippyo_policy *policy,
    ippyo_checkpoint **cp_out) IPPYO_WUR;
