/* ippyo — the entries of the ballot chain: typed, versioned, canonical JSON. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../buf.h"
#include "manifest.h"
#include "signature.h"

/*
 * Every leaf of the chain is one entry: canonical JSON (docs/formats.md,
 * "Chain entries") of at most 65,535 bytes (the tiles' uint16 length
 * prefix), an object with "type" and "version" and the fields of its type:
 *
 *   manifest    {"manifest":{...sealed manifest...},"signature":S,...}      entry 0
 *   ceremony    {"documents":[{"data":B64,"name":N},...],"election_id":ID,"signature":S,...}
 *   ballot      {"ballot":{...ballot...},"certificate":B64,"signature":B64,...}
 *   close       {"election_id":ID,"log_size":N,"signature":S,"time":T,...}
 *   decryption  {"document":B64,"election_id":ID,"signature":S,"trustee":I,...}
 *   result      {"close_index":N,"counted":N,"election_id":ID,"signature":S,"totals":[[N,...],...],...}
 *
 * Every type but "ballot" is signed by the officials (signature.h) with
 * purpose = the type and message = the canonical bytes of the entry object
 * without its "signature" member. A ballot is signed by the voter's card:
 * RSA PKCS#1 v1.5 SHA-256 over exactly the ballot bytes, which are the
 * canonical serialization of the "ballot" member (its verbatim substring).
 * Likewise the manifest bytes of a manifest entry.
 */

#define IPPYO_ENTRY_VERSION 1
#define IPPYO_ENTRY_MAX_BYTES 65535
#define IPPYO_ENTRY_MAX_DOCUMENTS 64
#define IPPYO_ENTRY_MAX_DOCUMENT_BYTES 48000   /* one opaque document, before base64url */
#define IPPYO_ENTRY_MAX_NAME 128

typedef enum {
	IPPYO_ENTRY_MANIFEST = 1,
	IPPYO_ENTRY_CEREMONY = 2,
	IPPYO_ENTRY_BALLOT = 3,
	IPPYO_ENTRY_CLOSE = 4,
	IPPYO_ENTRY_DECRYPTION = 5,
	IPPYO_ENTRY_RESULT = 6,
} ippyo_entry_type;

typedef struct ippyo_entry ippyo_entry;
struct ippyo_ballot;
struct ippyo_cert;

/* "manifest", "ceremony", ... (NULL for an unknown type). */
const char *ippyo_entry_type_name(ippyo_entry_type type);

/*
 * Strict parse: size, canonical JSON, a known type (IPPYO_ERR_ENTRY_TYPE),
 * version, exact keys and types of that type. A manifest entry's manifest is
 * parsed fully (it must be sealed); a ballot entry's certificate must be
 * exactly one DER certificate, and its ballot an object whose election_id is
 * an identifier (the ballot itself is parsed later, against the manifest,
 * by ippyo_ballot_parse). Signatures are NOT verified here.
 */
int ippyo_entry_parse(ippyo_entry **out, const uint8_t *in, size_t len) IPPYO_WUR;
void ippyo_entry_free(ippyo_entry *e);                          /* accepts NULL */

ippyo_entry_type ippyo_entry_get_type(const ippyo_entry *e);
/* The exact canonical bytes: the chain's leaf (owned by e). */
const uint8_t *ippyo_entry_bytes(const ippyo_entry *e, size_t *len);
/* The election id the entry names (a manifest's own, a ballot's, or the field). */
const char *ippyo_entry_election_id(const ippyo_entry *e);

/*
 * Verifies the officials' signature of a signed entry with their public key
 * (the manifest's officials_key): 0, IPPYO_ERR_BAD_OFFICIAL_SIGNATURE, or
 * IPPYO_ERR_ENTRY_TYPE for a ballot entry.
 */
int ippyo_entry_verify_officials(const ippyo_entry *e,
    const uint8_t pk[IPPYO_ED25519_PUBLIC_BYTES]) IPPYO_WUR;
/*
 * A ballot entry's card signature over its ballot bytes (signature.h):
 * 0, IPPYO_ERR_CARD_SIGNATURE, IPPYO_ERR_CERT_FORMAT or IPPYO_ERR_ENTRY_TYPE.
 */
int ippyo_entry_verify_card(const ippyo_entry *e) IPPYO_WUR;

/* ---- builders (each returns the parsed form of its canonical bytes) ---- */

int ippyo_entry_new_manifest(ippyo_entry **out, const ippyo_manifest *sealed,
    const uint8_t sk[IPPYO_ED25519_PRIVATE_BYTES]) IPPYO_WUR;

typedef struct ippyo_entry_document {
	const char *name;            /* 1..128 bytes of [A-Za-z0-9._-] */
	const uint8_t *data;
	size_t len;
} ippyo_entry_document;

int ippyo_entry_new_ceremony(ippyo_entry **out, const char *election_id,
    const ippyo_entry_document *docs, size_t n_docs,
    const uint8_t sk[IPPYO_ED25519_PRIVATE_BYTES]) IPPYO_WUR;
int ippyo_entry_new_ballot(ippyo_entry **out, const uint8_t *ballot, size_t ballot_len,
    const uint8_t *cert, size_t cert_len, const uint8_t *sig, size_t sig_len) IPPYO_WUR;
/* time: "YYYY-MM-DDTHH:MM:SSZ"; log_size: the chain size the officials saw when closing. */
int ippyo_entry_new_close(ippyo_entry **out, const char *election_id, uint64_t log_size,
    const char *time, const uint8_t sk[IPPYO_ED25519_PRIVATE_BYTES]) IPPYO_WUR;
/* trustee: 1..64; doc: the trustee's partial decryption document (opaque bytes). */
int ippyo_entry_new_decryption(ippyo_entry **out, const char *election_id, uint32_t trustee,
    const uint8_t *doc, size_t doc_len, const uint8_t sk[IPPYO_ED25519_PRIVATE_BYTES]) IPPYO_WUR;
/* totals[c][o] for c < n_contests, o < n_options[c]. */
int ippyo_entry_new_result(ippyo_entry **out, const char *election_id, uint64_t close_index,
    uint64_t counted, size_t n_contests, const size_t *n_options,
    const uint64_t *const *totals, const uint8_t sk[IPPYO_ED25519_PRIVATE_BYTES]) IPPYO_WUR;

/* ---- accessors (borrowed from e; IPPYO_ERR_ENTRY_TYPE for the wrong type) ---- */

/* manifest: the parsed sealed manifest. */
const ippyo_manifest *ippyo_entry_manifest(const ippyo_entry *e);
/* ballot: the ballot bytes, certificate DER and card signature. */
int ippyo_entry_ballot(const ippyo_entry *e, const uint8_t **ballot, size_t *ballot_len,
    const uint8_t **cert, size_t *cert_len, const uint8_t **sig, size_t *sig_len) IPPYO_WUR;
/* ballot: SHA-256 of the certificate DER (the voter binding). */
const uint8_t *ippyo_entry_voter(const ippyo_entry *e);
/* ballot: the certificate, parsed (it parsed, or the entry would not have). */
const struct ippyo_cert *ippyo_entry_certificate(const ippyo_entry *e);
/*
 * ballot: ippyo_ballot_parse of the ballot bytes against m, from the JSON
 * the entry already parsed (the same checks and answers, one parse less).
 */
int ippyo_entry_parse_ballot(const ippyo_entry *e, const ippyo_manifest *m,
    struct ippyo_ballot **out) IPPYO_WUR;
/* ceremony: n documents; decryption: one. */
size_t ippyo_entry_documents(const ippyo_entry *e);
int ippyo_entry_get_document(const ippyo_entry *e, size_t i, const char **name,
    const uint8_t **data, size_t *len) IPPYO_WUR;
/* close */
int ippyo_entry_close(const ippyo_entry *e, uint64_t *log_size, const char **time) IPPYO_WUR;
/* decryption: the trustee index. */
uint32_t ippyo_entry_trustee(const ippyo_entry *e);
/* result */
int ippyo_entry_result(const ippyo_entry *e, uint64_t *close_index, uint64_t *counted,
    size_t *n_contests) IPPYO_WUR;
size_t ippyo_entry_result_options(const ippyo_entry *e, size_t contest);
int ippyo_entry_result_total(const ippyo_entry *e, size_t contest, size_t option,
    uint64_t *total) IPPYO_WUR;
