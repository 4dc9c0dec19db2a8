/* ippyo — the election manifest: draft and sealed, strict canonical JSON. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../buf.h"
#include "../crypto/elgamal.h"
#include "../crypto/group.h"
#include "../crypto/hash.h"

/*
 * The manifest fixes an election: its id, its chain, its contests and
 * options, its trustees and keys, its voter roll and card CAs. The exact
 * JSON and every rule are in docs/formats.md, "Manifest".
 *
 * A *draft* manifest (written before the key ceremony) has no election key,
 * no trustee verification keys and no ceremony hash; a *sealed* manifest has
 * all three. Both are canonical JSON (docs/formats.md, "Canonical JSON"):
 * the parser rejects any other byte form, so that a manifest has exactly one
 * byte string and the hashes below are over those bytes.
 *
 *   election base hash h_E = SHA-256 of transcript
 *       "ippyo/v1/election-base-hash" ‖ sealed manifest bytes
 *   draft hash            = SHA-256 of transcript
 *       "ippyo/v1/election-draft-hash" ‖ draft manifest bytes
 *
 * The draft bytes of a sealed manifest are recomputed by removing the three
 * sealed fields and serializing canonically, so h_E's manifest names its
 * draft without storing its hash.
 */

#define IPPYO_MANIFEST_VERSION 1
#define IPPYO_MANIFEST_MAX_BYTES 65000     /* fits a chain entry with its signature */
#define IPPYO_MANIFEST_MAX_CONTESTS 50
#define IPPYO_MANIFEST_MAX_OPTIONS 100     /* per contest */
#define IPPYO_MANIFEST_MAX_TRUSTEES 64
#define IPPYO_MANIFEST_MAX_JPKI_CA 8
#define IPPYO_MANIFEST_MAX_TITLE 512       /* bytes of UTF-8 */
#define IPPYO_MANIFEST_MAX_TOKEN 255       /* origin, URL */
#define IPPYO_MANIFEST_MAX_VKEY 512
#define IPPYO_ED25519_PUBLIC_BYTES 32
#define IPPYO_ED25519_PRIVATE_BYTES 32
#define IPPYO_ED25519_SIGNATURE_BYTES 64
#define IPPYO_FINGERPRINT_BYTES 32         /* SHA-256 of a certificate's DER */

#define IPPYO_TAG_ELECTION_BASE_HASH "ippyo/v1/election-base-hash"
#define IPPYO_TAG_ELECTION_DRAFT_HASH "ippyo/v1/election-draft-hash"

typedef struct ippyo_manifest ippyo_manifest;

/* What ippyo_manifest_parse accepts. */
enum {
	IPPYO_MANIFEST_DRAFT = 1,
	IPPYO_MANIFEST_SEALED = 2,
	IPPYO_MANIFEST_ANY = 3,
};

/*
 * Strict parse of manifest bytes: canonical JSON, exact keys, exact types,
 * every rule of the format. A sealed manifest where only a draft is allowed
 * (or the reverse) is IPPYO_ERR_BAD_MANIFEST; a manifest with some but not
 * all of the sealed fields too.
 */
int ippyo_manifest_parse(ippyo_manifest **out, const uint8_t *in, size_t len,
    int accept) IPPYO_WUR;
void ippyo_manifest_free(ippyo_manifest *m);                   /* accepts NULL */

/* ---- building ---- */

typedef struct ippyo_manifest_option_spec {
	const char *id;
	const char *title_ja;
	const char *title_en;
} ippyo_manifest_option_spec;

typedef struct ippyo_manifest_contest_spec {
	const char *id;
	const char *title_ja;
	const char *title_en;
	uint32_t min;
	uint32_t max;
	size_t n_options;
	const ippyo_manifest_option_spec *options;
} ippyo_manifest_contest_spec;

typedef struct ippyo_manifest_spec {
	const char *election_id;
	const char *title_ja;
	const char *title_en;
	const char *chain_origin;        /* C2SP log origin */
	const char *chain_url;
	const char *chain_vkey;          /* C2SP verifier key <name>+<hex id>+<base64 key> */
	const char *poll_opens;          /* YYYY-MM-DDTHH:MM:SSZ */
	const char *poll_closes;
	size_t n_contests;
	const ippyo_manifest_contest_spec *contests;
	uint32_t trustees_n;
	uint32_t trustees_t;
	uint8_t officials_key[IPPYO_ED25519_PUBLIC_BYTES];
	uint8_t roll_hash[IPPYO_HASH_BYTES];       /* SHA-256 of the roll file */
	uint64_t roll_count;
	size_t n_jpki_ca;
	const uint8_t (*jpki_ca)[IPPYO_FINGERPRINT_BYTES];
} ippyo_manifest_spec;

/* A draft from a spec (every rule checked, as by the parser). */
int ippyo_manifest_new_draft(ippyo_manifest **out, const ippyo_manifest_spec *spec) IPPYO_WUR;
/*
 * The sealed manifest of a draft: the joint key K, trustee i's verification
 * key (trustee_keys[i − 1], n of them), the ceremony transcript hash.
 */
int ippyo_manifest_seal(ippyo_manifest **out, const ippyo_manifest *draft,
    const ippyo_point *election_key, const ippyo_point *const *trustee_keys,
    size_t n_trustee_keys, const uint8_t ceremony_hash[IPPYO_HASH_BYTES]) IPPYO_WUR;

/* ---- bytes and hashes ---- */

/* The canonical bytes (exactly what was parsed or built; owned by m). */
const uint8_t *ippyo_manifest_bytes(const ippyo_manifest *m, size_t *len);
/* The draft's bytes (for a sealed manifest: without the sealed fields), allocated. */
int ippyo_manifest_draft_bytes(const ippyo_manifest *m, uint8_t **out, size_t *out_len) IPPYO_WUR;
int ippyo_manifest_is_sealed(const ippyo_manifest *m);
/* h_E of a sealed manifest (IPPYO_ERR_BAD_MANIFEST for a draft). */
int ippyo_manifest_election_hash(const ippyo_manifest *m,
    uint8_t out[IPPYO_HASH_BYTES]) IPPYO_WUR;
/* The draft hash (of a draft, or of a sealed manifest's draft). */
void ippyo_manifest_draft_hash(const ippyo_manifest *m, uint8_t out[IPPYO_HASH_BYTES]);

/* ---- accessors (strings and arrays owned by m) ---- */
const char *ippyo_manifest_election_id(const ippyo_manifest *m);
const char *ippyo_manifest_title(const ippyo_manifest *m, const char *lang);   /* "ja" or "en" */
const char *ippyo_manifest_chain_origin(const ippyo_manifest *m);
const char *ippyo_manifest_chain_url(const ippyo_manifest *m);
const char *ippyo_manifest_chain_vkey(const ippyo_manifest *m);
const char *ippyo_manifest_poll_opens(const ippyo_manifest *m);
const char *ippyo_manifest_poll_closes(const ippyo_manifest *m);
size_t ippyo_manifest_contests(const ippyo_manifest *m);
/* NULL when the index is out of range. */
const char *ippyo_manifest_contest_id(const ippyo_manifest *m, size_t c);
const char *ippyo_manifest_contest_title(const ippyo_manifest *m, size_t c, const char *lang);
uint32_t ippyo_manifest_contest_min(const ippyo_manifest *m, size_t c);
uint32_t ippyo_manifest_contest_max(const ippyo_manifest *m, size_t c);
size_t ippyo_manifest_options(const ippyo_manifest *m, size_t c);
const char *ippyo_manifest_option_id(const ippyo_manifest *m, size_t c, size_t o);
const char *ippyo_manifest_option_title(const ippyo_manifest *m, size_t c, size_t o,
    const char *lang);
/* Index of the contest / option with this id: 0 or IPPYO_ERR_NOT_FOUND. */
int ippyo_manifest_contest_index(const ippyo_manifest *m, const char *id, size_t *c) IPPYO_WUR;
int ippyo_manifest_option_index(const ippyo_manifest *m, size_t c, const char *id,
    size_t *o) IPPYO_WUR;
/* Total options over all contests (the number of selections of a ballot). */
size_t ippyo_manifest_total_options(const ippyo_manifest *m);
uint32_t ippyo_manifest_trustees_n(const ippyo_manifest *m);
uint32_t ippyo_manifest_trustees_t(const ippyo_manifest *m);
const uint8_t *ippyo_manifest_officials_key(const ippyo_manifest *m);          /* 32 bytes */
const uint8_t *ippyo_manifest_roll_hash(const ippyo_manifest *m);              /* 32 bytes */
uint64_t ippyo_manifest_roll_count(const ippyo_manifest *m);
size_t ippyo_manifest_jpki_ca_count(const ippyo_manifest *m);
const uint8_t *ippyo_manifest_jpki_ca(const ippyo_manifest *m, size_t i);      /* 32 bytes */
/* Sealed only (NULL for a draft). */
const ippyo_point *ippyo_manifest_election_key_point(const ippyo_manifest *m);
/* Trustee i's verification key, i = 1..n. */
const ippyo_point *ippyo_manifest_trustee_key(const ippyo_manifest *m, uint32_t i);
const uint8_t *ippyo_manifest_ceremony_hash(const ippyo_manifest *m);          /* 32 bytes */
/* A new election key object (with its fixed-base table) for K. */
int ippyo_manifest_election_key(const ippyo_manifest *m, ippyo_election_key **out) IPPYO_WUR;

/*
 * The exact size in bytes of every ballot of this election (the ballot
 * format has fixed-size fields only): ballots must fit a chain entry, and a
 * manifest whose ballots would not (IPPYO_BALLOT_MAX_BYTES) is rejected.
 */
size_t ippyo_manifest_ballot_size(const ippyo_manifest *m);
