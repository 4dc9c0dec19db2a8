/* ippyo-chaind — the election the chain serves: manifest, card CAs, CRL, roll; the entry checks. */
#pragma once

#include <glib.h>

#include "chain-config.h"
#include "chain-sequencer.h"
#include "log/note.h"

G_BEGIN_DECLS

typedef struct ChainElection ChainElection;

/*
 * Loads and checks what the config names: the sealed manifest entry (entry
 * 0: a well-formed manifest entry signed by the officials' key inside it),
 * the chain's signing key (its verifier key must be the manifest's chain
 * vkey), the JPKI CA certificates (their fingerprints must be the
 * manifest's), the CRL, and the voter roll (its SHA-256 and count must be
 * the manifest's).
 */
ChainElection *chain_election_load(const ChainConfig *config, GError **error);
void chain_election_free(ChainElection *el);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ChainElection, chain_election_free)

GBytes *chain_election_entry0(ChainElection *el);
/* The body of GET /v1/jpki: the CA certificates and CRLs the cards are checked against. */
GBytes *chain_election_jpki(ChainElection *el);
const char *chain_election_origin(ChainElection *el);
const char *chain_election_id(ChainElection *el);
const ippyo_note_signer *chain_election_signer(ChainElection *el);

/* Whether a stored entry is the close entry (startup: the poll state). */
gboolean chain_election_entry_is_close(ChainElection *el, const guint8 *data, gsize len);

/*
 * A ballot submission on its way through the checks. The checks up to the
 * card signature run one ballot at a time (chain_election_check_ballot);
 * the proofs of many run as one batch (chain_election_verify_proofs).
 */
typedef struct ChainBallotCheck ChainBallotCheck;

/*
 * Checks, in this order, stopping at the first failure and returning its
 * IPPYO_ERR_* code: strict JSON of the submission (IPPYO_ERR_JSON,
 * IPPYO_ERR_JSON_SCHEMA, IPPYO_ERR_NOT_CANONICAL, IPPYO_ERR_ENTRY_FORMAT,
 * IPPYO_ERR_ENTRY_TYPE), election id (IPPYO_ERR_WRONG_ELECTION), poll state
 * (IPPYO_ERR_POLL_NOT_OPEN, IPPYO_ERR_POLL_CLOSED given closed), card
 * certificate (IPPYO_ERR_CERT_FORMAT, _UNTRUSTED, _EXPIRED, _NOT_YET_VALID,
 * _REVOKED, IPPYO_ERR_CRL_INVALID) at time now, roll membership
 * (IPPYO_ERR_NOT_ON_ROLL), the card signature over exactly the ballot bytes
 * (IPPYO_ERR_CARD_SIGNATURE), the ballot's own form against the manifest
 * (IPPYO_ERR_BALLOT_SHAPE, IPPYO_ERR_WRONG_VOTER, ...). *out gets the state
 * for the proof check; *message a sentence for the client.
 */
int chain_election_check_ballot(ChainElection *el, const guint8 *body, gsize len,
    gint64 now, gboolean closed, ChainBallotCheck **out, char **message);
void chain_ballot_check_free(ChainBallotCheck *c);
/* The entry bytes to append (valid after chain_election_check_ballot). */
GBytes *chain_ballot_check_entry(ChainBallotCheck *c);

/*
 * Verifies the proofs of n checked ballots as one batch; results[i] is 0 or
 * the failure of ballot i (IPPYO_ERR_BAD_PROOF, IPPYO_ERR_WRONG_VOTER).
 */
void chain_election_verify_proofs(ChainElection *el, ChainBallotCheck *const *checks, gsize n,
    int *results);

/*
 * The close entry: well-formed, this election, signed by the officials'
 * key (IPPYO_ERR_BAD_OFFICIAL_SIGNATURE), poll not closed yet.
 * *entry gets the bytes to append.
 */
int chain_election_check_close(ChainElection *el, const guint8 *body, gsize len,
    gboolean closed, GBytes **entry, char **message);

/*
 * An officials' entry of POST /v1/entries (ceremony, close, decryption,
 * result). Checks, in this order, returning the first failure: strict JSON
 * and entry form (IPPYO_ERR_JSON ... IPPYO_ERR_ENTRY_FORMAT), a type taken
 * here (IPPYO_ERR_ENTRY_TYPE), this election (IPPYO_ERR_WRONG_ELECTION), its
 * form against the manifest (CHAIN_ERR_BAD_TRUSTEE: a trustee above n;
 * CHAIN_ERR_BAD_TOTALS: result totals not shaped as the contests and
 * options), the officials' signature (IPPYO_ERR_BAD_OFFICIAL_SIGNATURE).
 * The rules of position are the sequencer's. On success *entry gets the
 * bytes to append, *kind, *trustee (decryption), *close_index and
 * *threshold (result: the manifest's t) what the sequencer checks.
 */
int chain_election_check_official(ChainElection *el, const guint8 *body, gsize len,
    GBytes **entry, ChainEntryKind *kind, guint *trustee, guint64 *close_index,
    guint *threshold, char **message);

G_END_DECLS
