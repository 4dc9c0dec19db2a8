/* ippyo — the encrypted ballot, its tracking code, batch verification, Benaloh audit. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../buf.h"
#include "../crypto/elgamal.h"
#include "../crypto/proof.h"
#include "manifest.h"

/*
 * A ballot is canonical JSON (docs/formats.md, "Ballot"):
 *
 *   {"contests":[{"proof":B64,"selections":[B64,...]},...],
 *    "election_hash":HEX,"election_id":ID,"version":1,"voter":HEX}
 *
 * one contest per manifest contest in order, one selection per option in
 * order; a selection is base64url(α ‖ β ‖ 0/1 proof) = 326 bytes, a contest
 * proof base64url of the [min, max] range proof over the sum of the
 * contest's selections (proof.h). Every field has a fixed size, so every
 * ballot of an election has the same length (ippyo_manifest_ballot_size).
 *
 * All randomness comes from the 32-byte ballot seed (elgamal.h): the same
 * manifest, choices, seed and voter binding give the same bytes. The voter
 * binding is SHA-256 of the DER of the card's authentication certificate.
 *
 * Tracking code = SHA-256 of transcript "ippyo/v1/tracking-code" ‖ ballot
 * bytes, shown as 20 characters of Crockford base32 in groups of four
 * ("7K3M-QX9P-...", the first 100 bits) and as 64 hex digits.
 */

#define IPPYO_BALLOT_VERSION 1
/* A ballot entry (ballot + certificate + signature) must fit 65,535 bytes. */
#define IPPYO_BALLOT_MAX_BYTES 59000
/* One selection in binary: α ‖ β ‖ the 0/1 proof. */
#define IPPYO_SELECTION_BYTES (IPPYO_CIPHERTEXT_BYTES + IPPYO_SELECTION_PROOF_BYTES)
#define IPPYO_TRACKING_CODE_BYTES 32
#define IPPYO_TRACKING_SHORT_CHARS 20                   /* base32 characters */
#define IPPYO_TRACKING_SHORT_LEN 24                     /* with the hyphens, no NUL */
#define IPPYO_TAG_TRACKING_CODE "ippyo/v1/tracking-code"

/* ---- the voter's choices ---- */

/* Per contest a set of option indices; shaped by one manifest. Wiped on free. */
typedef struct ippyo_choices ippyo_choices;

ippyo_choices *ippyo_choices_new(const ippyo_manifest *m);     /* nothing selected */
void ippyo_choices_free(ippyo_choices *ch);                    /* wipes; accepts NULL */
ippyo_choices *ippyo_choices_dup(const ippyo_choices *ch);
/* IPPYO_ERR_BAD_OPTION for a contest or option outside the manifest. */
int ippyo_choices_set(ippyo_choices *ch, size_t contest, size_t option, int selected) IPPYO_WUR;
int ippyo_choices_get(const ippyo_choices *ch, size_t contest, size_t option); /* 1, 0 */
size_t ippyo_choices_count(const ippyo_choices *ch, size_t contest);
size_t ippyo_choices_contests(const ippyo_choices *ch);
size_t ippyo_choices_options(const ippyo_choices *ch, size_t contest);
/*
 * The limits, before any cryptography: IPPYO_ERR_BALLOT_SHAPE (choices made
 * for another manifest), IPPYO_ERR_OVERVOTE (more than max selections in a
 * contest), IPPYO_ERR_UNDERVOTE (fewer than min). *bad_contest (may be
 * NULL) names the first contest that breaks a rule.
 */
int ippyo_choices_check(const ippyo_choices *ch, const ippyo_manifest *m,
    size_t *bad_contest) IPPYO_WUR;

/* ---- ballots ---- */

typedef struct ippyo_ballot ippyo_ballot;

/*
 * Encrypts and proves. m must be sealed and key its election key; choices
 * are checked first (ippyo_choices_check), then every value is encrypted
 * with randomness derived from seed. The result is the parsed form of the
 * canonical bytes (ippyo_ballot_bytes).
 */
int ippyo_ballot_build(ippyo_ballot **out, const ippyo_manifest *m,
    const ippyo_election_key *key, const ippyo_choices *choices,
    const uint8_t seed[IPPYO_SEED_BYTES], const uint8_t voter[IPPYO_BINDING_BYTES]) IPPYO_WUR;

/*
 * Strict parse against a sealed manifest: size, canonical JSON, exact keys
 * and types, version, election id and hash (IPPYO_ERR_WRONG_ELECTION), the
 * number of contests and selections (IPPYO_ERR_BALLOT_SHAPE), exact lengths,
 * every point. No proof is checked here.
 */
int ippyo_ballot_parse(ippyo_ballot **out, const ippyo_manifest *m, const uint8_t *in,
    size_t len) IPPYO_WUR;
/*
 * The same from a JSON object root already parsed from exactly the
 * canonical bytes in (ippyo_json_load_canonical, or a canonical entry's
 * "ballot" object whose canonical serialization is in): every check of
 * ippyo_ballot_parse but the JSON parse itself.
 */
struct json_t;
int ippyo_ballot_parse_tree(ippyo_ballot **out, const ippyo_manifest *m,
    const struct json_t *root, const uint8_t *in, size_t len) IPPYO_WUR;
void ippyo_ballot_free(ippyo_ballot *b);                       /* accepts NULL */

/*
 * Every proof of a parsed ballot, for the voter binding of the certificate
 * that signed it: IPPYO_ERR_WRONG_VOTER if the ballot names another voter,
 * IPPYO_ERR_BAD_PROOF if a proof fails.
 */
int ippyo_ballot_verify(const ippyo_ballot *b, const ippyo_manifest *m,
    const ippyo_election_key *key, const uint8_t voter[IPPYO_BINDING_BYTES]) IPPYO_WUR;

/*
 * Verifies n ballots at once (batch.h). voters[i] is ballot i's binding.
 * 0 if all verify; IPPYO_ERR_BATCH_FAILED if some do not, and then
 * bad[i] = 1 for exactly those (bad has n entries, may be NULL) and
 * *n_bad (may be NULL) is their number; another error if nothing could be
 * decided.
 */
int ippyo_ballot_batch_verify(const ippyo_manifest *m, const ippyo_election_key *key,
    const ippyo_ballot *const *ballots, const uint8_t (*voters)[IPPYO_BINDING_BYTES],
    size_t n, uint8_t *bad, size_t *n_bad) IPPYO_WUR;

/* The exact bytes (NUL-terminated; owned by b). */
const uint8_t *ippyo_ballot_bytes(const ippyo_ballot *b, size_t *len);
const uint8_t *ippyo_ballot_voter(const ippyo_ballot *b);                 /* 32 bytes */
const uint8_t *ippyo_ballot_election_hash(const ippyo_ballot *b);         /* 32 bytes */
const uint8_t *ippyo_ballot_tracking_code(const ippyo_ballot *b);         /* 32 bytes */
size_t ippyo_ballot_contests(const ippyo_ballot *b);
size_t ippyo_ballot_options(const ippyo_ballot *b, size_t contest);
/* The encrypted selection (contest, option) and a contest's encrypted sum; NULL if out of range. */
const ippyo_ciphertext *ippyo_ballot_selection(const ippyo_ballot *b, size_t contest,
    size_t option);
const ippyo_ciphertext *ippyo_ballot_contest_sum(const ippyo_ballot *b, size_t contest);

/* The exact ballot size for a manifest (0 if it cannot have ballots). */
size_t ippyo_ballot_size_for(const ippyo_manifest *m);

/* ---- tracking codes ---- */

int ippyo_tracking_code(const uint8_t *ballot, size_t len,
    uint8_t out[IPPYO_TRACKING_CODE_BYTES]) IPPYO_WUR;
/* "XXXX-XXXX-XXXX-XXXX-XXXX" + NUL. */
void ippyo_tracking_code_short(const uint8_t code[IPPYO_TRACKING_CODE_BYTES],
    char out[IPPYO_TRACKING_SHORT_LEN + 1]);
/* 64 lower-case hex digits + NUL. */
void ippyo_tracking_code_hex(const uint8_t code[IPPYO_TRACKING_CODE_BYTES],
    char out[2 * IPPYO_TRACKING_CODE_BYTES + 1]);
/*
 * Whether text a person typed is the short form of code: case-insensitive,
 * hyphens and spaces ignored, O read as 0, I and L as 1. 1 or 0.
 */
int ippyo_tracking_code_matches(const char *text, const uint8_t code[IPPYO_TRACKING_CODE_BYTES]);

/* ---- Benaloh audit ---- */

/*
 * An audit record reveals a ballot's seed and choices (the ballot is then
 * spoiled: never cast). JSON (docs/formats.md, "Audit record"):
 *   {"choices":[[i,...],...],"election_hash":HEX,"election_id":ID,
 *    "seed":HEX,"tracking_code":HEX,"version":1,"voter":HEX}
 * choices: per contest the selected option indices, strictly ascending.
 */
typedef struct ippyo_audit ippyo_audit;

int ippyo_audit_new(ippyo_audit **out, const ippyo_manifest *m, const ippyo_choices *choices,
    const uint8_t seed[IPPYO_SEED_BYTES], const uint8_t voter[IPPYO_BINDING_BYTES],
    const uint8_t tracking_code[IPPYO_TRACKING_CODE_BYTES]) IPPYO_WUR;
/* Strict parse against a sealed manifest; the choices are checked against its limits. */
int ippyo_audit_parse(ippyo_audit **out, const ippyo_manifest *m, const uint8_t *in,
    size_t len) IPPYO_WUR;
/* Canonical bytes, allocated (free with OPENSSL_clear_free: they hold the seed). */
int ippyo_audit_serialize(const ippyo_audit *a, uint8_t **out, size_t *out_len) IPPYO_WUR;
void ippyo_audit_free(ippyo_audit *a);                         /* wipes; accepts NULL */
const ippyo_choices *ippyo_audit_choices(const ippyo_audit *a);
const uint8_t *ippyo_audit_voter(const ippyo_audit *a);
const uint8_t *ippyo_audit_tracking_code(const ippyo_audit *a);

/*
 * Recomputes the ballot from the manifest, the voter binding, the seed and
 * the choices and compares its tracking code with the record's:
 * IPPYO_ERR_BAD_TRACKING_CODE if they differ. With ballot/len (may be NULL)
 * the ballot bytes the voter was shown are compared byte for byte too. On
 * success *rebuilt (may be NULL) is the recomputed ballot.
 */
int ippyo_audit_check(const ippyo_audit *a, const ippyo_manifest *m,
    const ippyo_election_key *key, const uint8_t *ballot, size_t len,
    ippyo_ballot **rebuilt) IPPYO_WUR;
