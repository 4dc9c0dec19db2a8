/* ippyo-tally — the key files of officials, chain and witnesses. */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "election/manifest.h"
#include "log/note.h"

G_BEGIN_DECLS

/*
 * Officials' key files (docs/ippyo-tally.md, "Key files"):
 *   officials.key   base64url (no padding) of the 32-byte Ed25519 seed, "\n"; mode 0600
 *   officials.pub   base64url of the 32-byte Ed25519 public key, "\n"
 * Chain and witness keys are C2SP note key strings, one line each:
 *   chain.key / witness.key     PRIVATE+KEY+<name>+<id>+<b64>, "\n"; mode 0600
 *   chain.vkey / witness.vkey   <name>+<id>+<b64>, "\n"
 */

/* Reads an officials' secret key file; refuses a file readable by others. */
gboolean tally_load_officials_key(const char *path, uint8_t sk[IPPYO_ED25519_PRIVATE_BYTES],
    GError **error);
gboolean tally_load_officials_pub(const char *path, uint8_t pk[IPPYO_ED25519_PUBLIC_BYTES],
    GError **error);
/* A note signer (chain 0x01, witness 0x04) from its key file; of type want. */
ippyo_note_signer *tally_load_note_signer(const char *path, uint8_t want, GError **error);
/* A note verifier from a verifier key file (or a literal key string). */
ippyo_note_verifier *tally_load_note_verifier(const char *path, GError **error);
/* The one line of a small text file, without its final newline. */
char *tally_read_line_file(const char *path, GError **error);

G_END_DECLS
