/* ippyo — C2SP tlog-checkpoint bodies and signed checkpoints. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "log/merkle.h"
#include "log/note.h"

/*
 * The body (note text) of a checkpoint is
 *   <origin>\n<decimal size, no leading zero>\n<base64(32-byte root)>\n
 * followed by optional non-empty extension lines. ippyo's logs sign with an
 * Ed25519 note key whose name is the origin.
 */
#define IPPYO_CHECKPOINT_MAX_ORIGIN 255
#define IPPYO_CHECKPOINT_MAX_TEXT 4096

typedef struct ippyo_checkpoint {
	char *origin;                        /* NUL-terminated */
	uint64_t size;
	uint8_t root[IPPYO_HASH_BYTES];
	char *extensions;                    /* the extension lines, each ending in "\n"; NULL if none */
} ippyo_checkpoint;

int ippyo_checkpoint_new(const char *origin, uint64_t size,
    const uint8_t root[IPPYO_HASH_BYTES], ippyo_checkpoint **out) IPPYO_WUR;
void ippyo_checkpoint_free(ippyo_checkpoint *c);
/* Parses a note text strictly (IPPYO_ERR_CHECKPOINT_FORMAT). */
int ippyo_checkpoint_parse(const uint8_t *text, size_t len, ippyo_checkpoint **out) IPPYO_WUR;
/* Appends the note text. */
int ippyo_checkpoint_format(const ippyo_checkpoint *c, ippyo_buf *out) IPPYO_WUR;
/* Signs the body with the log key (type 0x01, name = origin) into a whole
 * signed note (NUL-terminated; OPENSSL_free). */
int ippyo_checkpoint_sign(const ippyo_checkpoint *c, const ippyo_note_signer *log_key,
    char **note_out, size_t *note_len) IPPYO_WUR;
/*
 * Opens a signed checkpoint: parses the note, verifies it has a valid
 * signature of log_key (whose name must be the origin, IPPYO_ERR_WRONG_ORIGIN)
 * and no invalid signature of it, parses the body and checks that the
 * origin is `origin` (IPPYO_ERR_WRONG_ORIGIN). note_out (may be NULL) gets
 * the parsed note for cosignature checks.
 */
int ippyo_checkpoint_open(const uint8_t *note, size_t len, const char *origin,
    const ippyo_note_verifier *log_key, ippyo_checkpoint **cp_out,
    ippyo_note **note_out) IPPYO_WUR;
