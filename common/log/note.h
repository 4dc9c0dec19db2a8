/* ippyo — C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * A signed note is UTF-8 text ending in a newline, a blank line, then one
 * or more lines "— <key name> <base64(u32be key ID ‖ signature)>\n". Notes
 * never contain control characters other than newline. Keys are Ed25519:
 * signature type 0x01 (note signatures) or 0x04 (tlog-cosignature/v1
 * witness cosignatures, see cosignature.h). The key ID of a key is
 * SHA-256(name ‖ 0x0A ‖ type ‖ 32-byte public key)[:4], big-endian.
 *
 * Text forms of keys (as Go's golang.org/x/mod/sumdb/note):
 *   verifier key  <name>+<8 hex key ID>+<base64(type ‖ public key)>
 *   signer key    PRIVATE+KEY+<name>+<8 hex key ID>+<base64(type ‖ 32-byte seed)>
 */
#define IPPYO_NOTE_TYPE_ED25519 0x01
#define IPPYO_NOTE_TYPE_COSIGNATURE 0x04
#define IPPYO_ED25519_PUBLIC_BYTES 32
#define IPPYO_ED25519_SEED_BYTES 32
#define IPPYO_ED25519_SIG_BYTES 64
#define IPPYO_NOTE_MAX_BYTES (256u * 1024)   /* a whole note */
#define IPPYO_NOTE_MAX_SIGNATURES 100
#define IPPYO_NOTE_MAX_NAME 255              /* bytes of a key name */

/* A public key with its name: verifies note signatures or cosignatures. */
typedef struct ippyo_note_verifier ippyo_note_verifier;
/* A private key with its name. */
typedef struct ippyo_note_signer ippyo_note_signer;

int ippyo_note_verifier_new(const char *name, uint8_t type,
    const uint8_t pub[IPPYO_ED25519_PUBLIC_BYTES], ippyo_note_verifier **out) IPPYO_WUR;
/* Parses a verifier key string (type 0x01 or 0x04); the key ID must match. */
int ippyo_note_verifier_parse(const char *vkey, ippyo_note_verifier **out) IPPYO_WUR;
void ippyo_note_verifier_free(ippyo_note_verifier *v);
ippyo_note_verifier *ippyo_note_verifier_dup(const ippyo_note_verifier *v);
/* The verifier key string (free with OPENSSL_free). */
int ippyo_note_verifier_string(const ippyo_note_verifier *v, char **out) IPPYO_WUR;
const char *ippyo_note_verifier_name(const ippyo_note_verifier *v);
uint32_t ippyo_note_verifier_key_id(const ippyo_note_verifier *v);
uint8_t ippyo_note_verifier_type(const ippyo_note_verifier *v);
const uint8_t *ippyo_note_verifier_public(const ippyo_note_verifier *v);   /* 32 bytes */
/* Same type and public key (names may differ). */
int ippyo_note_verifier_same_key(const ippyo_note_verifier *a, const ippyo_note_verifier *b);

/* A fresh key from RAND_priv_bytes. */
int ippyo_note_signer_generate(const char *name, uint8_t type, ippyo_note_signer **out) IPPYO_WUR;
int ippyo_note_signer_from_seed(const char *name, uint8_t type,
    const uint8_t seed[IPPYO_ED25519_SEED_BYTES], ippyo_note_signer **out) IPPYO_WUR;
/* Parses a signer key string; the key ID must match the derived public key. */
int ippyo_note_signer_parse(const char *skey, ippyo_note_signer **out) IPPYO_WUR;
void ippyo_note_signer_free(ippyo_note_signer *s);                    /* wipes */
/* The signer key string: a secret (free with OPENSSL_clear_free(p, strlen(p))). */
int ippyo_note_signer_string(const ippyo_note_signer *s, char **out) IPPYO_WUR;
int ippyo_note_signer_verifier(const ippyo_note_signer *s, ippyo_note_verifier **out) IPPYO_WUR;
const char *ippyo_note_signer_name(const ippyo_note_signer *s);
uint32_t ippyo_note_signer_key_id(const ippyo_note_signer *s);
uint8_t ippyo_note_signer_type(const ippyo_note_signer *s);
/* Raw Ed25519 over msg (the caller builds the message). */
int ippyo_note_signer_sign_raw(const ippyo_note_signer *s, const uint8_t *msg, size_t len,
    uint8_t sig[IPPYO_ED25519_SIG_BYTES]) IPPYO_WUR;
int ippyo_note_verifier_verify_raw(const ippyo_note_verifier *v, const uint8_t *msg,
    size_t len, const uint8_t *sig, size_t sig_len) IPPYO_WUR;

/* A key ID for (name, type, public key). */
uint32_t ippyo_note_key_id(const char *name, uint8_t type,
    const uint8_t pub[IPPYO_ED25519_PUBLIC_BYTES]);
/* A key name: non-empty, valid UTF-8, no Unicode space, no '+', no control
 * character, at most IPPYO_NOTE_MAX_NAME bytes. */
int ippyo_note_name_valid(const char *name, size_t len);

/* One signature line of a parsed note. */
typedef struct ippyo_note_sig {
	char *name;              /* NUL-terminated key name */
	uint32_t key_id;
	uint8_t *sig;            /* the bytes after the key ID */
	size_t sig_len;          /* >= 1 */
} ippyo_note_sig;

/* A parsed signed note: read the fields, build it only with the functions. */
typedef struct ippyo_note {
	uint8_t *text;           /* the note text, ending in "\n", NUL-terminated too */
	size_t text_len;
	ippyo_note_sig *sigs;
	size_t nsigs;
} ippyo_note;

/* Strict parse of a whole signed note (IPPYO_ERR_NOTE_FORMAT, IPPYO_ERR_LIMIT). */
int ippyo_note_parse(const uint8_t *msg, size_t len, ippyo_note **out) IPPYO_WUR;
void ippyo_note_free(ippyo_note *n);
/* A note with a text and no signature yet (the text must end in "\n", be
 * valid UTF-8 without control characters other than "\n"). */
int ippyo_note_new(const uint8_t *text, size_t len, ippyo_note **out) IPPYO_WUR;
/* Adds a signature line (bytes after the key ID). */
int ippyo_note_add_sig(ippyo_note *n, const char *name, uint32_t key_id,
    const uint8_t *sig, size_t sig_len) IPPYO_WUR;
/* Signs the text with a type 0x01 signer and adds the line. */
int ippyo_note_sign(ippyo_note *n, const ippyo_note_signer *s) IPPYO_WUR;
/* Text, blank line, signature lines in order (at least one). */
int ippyo_note_serialize(const ippyo_note *n, ippyo_buf *out) IPPYO_WUR;
/* One signature line "— name base64\n" (NUL-terminated, OPENSSL_free). */
int ippyo_note_sig_line(const char *name, uint32_t key_id, const uint8_t *sig,
    size_t sig_len, char **out) IPPYO_WUR;

/*
 * Verifies a note against known keys, as the specification says: lines
 * whose (name, key ID) match no known key are ignored; every line that
 * matches a known key must verify, else the whole note is rejected
 * (IPPYO_ERR_NOTE_SIGNATURE). Type 0x04 keys verify cosignatures over the
 * text (cosignature.h). verified[i] (may be NULL) is set to 1 when keys[i]
 * signed, and timestamps[i] (may be NULL) to the cosignature time of a
 * type 0x04 key. Fails with IPPYO_ERR_NOTE_UNKNOWN_KEY when no known key
 * signed at all.
 */
int ippyo_note_verify(const ippyo_note *n, const ippyo_note_verifier *const *keys,
    size_t nkeys, int *verified, uint64_t *timestamps) IPPYO_WUR;
