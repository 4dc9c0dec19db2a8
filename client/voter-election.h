/* ippyo — IppyoElection: an election opened from its chain, verified. */
#pragma once

#include <gio/gio.h>

#include "card/cert.h"
#include "election/manifest.h"
#include "election/roll.h"
#include "net/ippyo-chain-client.h"

G_BEGIN_DECLS

typedef enum {
	IPPYO_ELECTION_STATE_NOT_OPEN,   /* before poll_opens */
	IPPYO_ELECTION_STATE_OPEN,
	IPPYO_ELECTION_STATE_CLOSED,     /* after poll_closes, or a close entry in the chain */
} IppyoElectionState;

#define IPPYO_TYPE_ELECTION_STATE (ippyo_election_state_get_type())
GType ippyo_election_state_get_type(void) G_GNUC_CONST;

#define IPPYO_TYPE_ELECTION (ippyo_election_get_type())
G_DECLARE_FINAL_TYPE(IppyoElection, ippyo_election, IPPYO, ELECTION, GObject)

/*
 * Opens an election (docs/voter.md, "Opening an election") from
 *   - a chain URL (http:// or https://): the manifest is taken from the
 *     chain (trust on first use of its keys), or
 *   - an election file (JSON) naming the chain URL and pinning the chain's
 *     verifier key and the officials' key, optionally the voter roll and a
 *     witness policy.
 * The manifest entry's officials' signature, the chain checkpoint (chain
 * key, origin, witness quorum) and the manifest being leaf 0 of that
 * checkpoint are verified before the election exists.
 * Properties (read-only, notified on the main context by refresh):
 * "election-id", "title", "chain-url", "state", "poll-opens",
 * "poll-closes", "checkpoint-size".
 */
void ippyo_election_open_async(const char *location, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data);
IppyoElection *ippyo_election_open_finish(GAsyncResult *result, GError **error);
IppyoElection *ippyo_election_open_sync(const char *location, GCancellable *cancellable,
    GError **error);

/*
 * An election from a manifest entry held locally (a saved receipt folder,
 * --manifest FILE), for offline work: the officials' signature is checked
 * (with pinned_officials_key, 32 bytes, when not NULL); no network.
 * chain_url may be NULL (then the manifest's own URL).
 */
IppyoElection *ippyo_election_new_offline(GBytes *manifest_entry, const char *chain_url,
    const guint8 *pinned_officials_key, GError **error);

/* Fetches the newest checkpoint and the chain status again and updates
 * "state" and "checkpoint-size" (applied by _finish, on the caller's context). */
void ippyo_election_refresh_async(IppyoElection *self, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data);
gboolean ippyo_election_refresh_finish(IppyoElection *self, GAsyncResult *result,
    GError **error);
gboolean ippyo_election_refresh_sync(IppyoElection *self, GCancellable *cancellable,
    GError **error);

const char *ippyo_election_get_election_id(IppyoElection *self);
/* The title in the user's language (Japanese when the locale is, else English). */
const char *ippyo_election_get_title(IppyoElection *self);
const char *ippyo_election_get_chain_url(IppyoElection *self);
IppyoElectionState ippyo_election_get_state(IppyoElection *self);
/* A translated sentence for the state ("The poll is open until ..."). */
char *ippyo_election_describe_state(IppyoElection *self);
const char *ippyo_election_get_poll_opens(IppyoElection *self);
const char *ippyo_election_get_poll_closes(IppyoElection *self);
guint64 ippyo_election_get_checkpoint_size(IppyoElection *self);
/* "ja" or "en": the language of titles for this user. */
const char *ippyo_election_lang(void);

/* Borrowed from the election. */
const ippyo_manifest *ippyo_election_get_manifest(IppyoElection *self);
const ippyo_election_key *ippyo_election_get_key(IppyoElection *self);
GBytes *ippyo_election_get_manifest_entry(IppyoElection *self);
IppyoChainClient *ippyo_election_get_client(IppyoElection *self);
/* The verified checkpoint of open/refresh (NULL offline). */
IppyoSignedCheckpoint *ippyo_election_get_checkpoint(IppyoElection *self);
/* The voter roll when one could be loaded and matches the manifest, else NULL
 * and ippyo_election_get_roll_problem() says why, in the voter's words. */
const ippyo_roll *ippyo_election_get_roll(IppyoElection *self);
const char *ippyo_election_get_roll_problem(IppyoElection *self);

/*
 * The card check before the ballot (docs/voter.md, "The card check"),
 * against the JPKI CA certificates and CRLs fetched from the chain
 * (GET /v1/jpki) when the election was opened: only CAs whose SHA-256 the
 * sealed manifest pins and CRLs signed by one of them and current are
 * kept. Nothing about the card leaves the computer. Results at time now:
 * 0 (chains to a pinned CA, not revoked), IPPYO_ERR_CERT_UNTRUSTED (not
 * issued by the election's CAs: only said when every pinned CA is known),
 * IPPYO_ERR_CERT_REVOKED, IPPYO_ERR_CERT_EXPIRED, _NOT_YET_VALID (the
 * leaf or its CA), IPPYO_ERR_CRL_INVALID (revocation could not be
 * checked: no usable CA or no current CRL of the card's CA).
 */
int ippyo_election_check_card(IppyoElection *self, const ippyo_cert *leaf, gint64 now);
/* Why revocation cannot be checked for some or all cards, in the voter's
 * words (a sentence), or NULL when the chain's CAs and CRLs were all usable. */
const char *ippyo_election_get_revocation_problem(IppyoElection *self);

G_END_DECLS
