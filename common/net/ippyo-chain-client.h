/* ippyo — IppyoChainClient: the ballot chain's HTTP client (libsoup 3).
 *
 * Nothing leaves this client unverified (docs/net.md): checkpoints are
 * signed by the chain key of the manifest, name its origin, meet the
 * witness policy when one is set, and are consistent with the checkpoint
 * the caller holds; tiles, entry bundles, entries, the manifest and
 * inclusion proofs are hashed up to the root of a verified checkpoint;
 * receipts are C2SP tlog-proofs verified for the exact submitted bytes.
 *
 * Every operation has an _async/_finish pair (run on a worker thread) and
 * a _sync variant for command-line tools; all take a GCancellable and
 * report cancellation as G_IO_ERROR_CANCELLED. Errors are IPPYO_NET_ERROR
 * (net-error.h). The client may be used from several threads at once.
 */
#pragma once

#include <gio/gio.h>

#include "net/ippyo-chain-types.h"
#include "net/net-error.h"

G_BEGIN_DECLS

/* Response limits (bytes). */
#define IPPYO_NET_MAX_CHECKPOINT (64u * 1024)
#define IPPYO_NET_MAX_ERROR_BODY 4096u
#define IPPYO_NET_MAX_JSON (64u * 1024)
#define IPPYO_NET_MAX_RECEIPT (2u * (256u * 1024 + 8192) + 4096)
/* At most this many entries per fetch_entries call. */
#define IPPYO_NET_MAX_ENTRIES 4096u

#define IPPYO_TYPE_CHAIN_CLIENT (ippyo_chain_client_get_type())
G_DECLARE_FINAL_TYPE(IppyoChainClient, ippyo_chain_client, IPPYO, CHAIN_CLIENT, GObject)

/*
 * A client for the chain at base_url (http or https; paths such as
 * "checkpoint" and "v1/ballots" are resolved against it), trusting the
 * chain's origin and verifier key string from the manifest and, if
 * policy is not NULL, a C2SP tlog-policy text whose witness quorum every
 * checkpoint must meet (its "log" lines are not used: the chain key is
 * the one given here).
 *
 * Properties (set with g_initable_new() when needed): "tls-ca-file" (PEM
 * CA certificates trusted for https instead of the system's), "timeout"
 * (seconds of I/O inactivity, default 30), "retry-initial-ms" (first
 * backoff, default 500), "retry-max-ms" (longest wait between attempts,
 * default 30000), "retry-deadline-ms" (stop retrying after this long,
 * default 300000), and the read-only "trusted-checkpoint".
 */
IppyoChainClient *ippyo_chain_client_new(const char *base_url, const char *origin,
    const char *chain_vkey, GBytes *policy, GError **error);

const char *ippyo_chain_client_get_base_url(IppyoChainClient *self);
const char *ippyo_chain_client_get_origin(IppyoChainClient *self);

/* --- the trusted state: the last checkpoint the caller holds --- */

/* Verifies a signed checkpoint note (signature, origin, quorum) without
 * any network access or consistency check. */
IppyoSignedCheckpoint *ippyo_chain_client_verify_checkpoint(IppyoChainClient *self,
    GBytes *note, GError **error);
/* Sets the held checkpoint (as saved by the caller), verified first. */
gboolean ippyo_chain_client_set_trusted_checkpoint(IppyoChainClient *self, GBytes *note,
    GError **error);
/* The held checkpoint (a new reference) or NULL. */
IppyoSignedCheckpoint *ippyo_chain_client_dup_trusted_checkpoint(IppyoChainClient *self);

/*
 * Verifies a checkpoint obtained elsewhere (e.g. from a receipt) and its
 * consistency with the held one (fetching a proof when needed); when it
 * extends the held one, it becomes the held one. IPPYO_NET_ERROR_FORK or
 * _ROLLBACK come with *evidence (may be NULL) set to both checkpoints.
 */
IppyoSignedCheckpoint *ippyo_chain_client_update_checkpoint_sync(IppyoChainClient *self,
    GBytes *note, IppyoForkEvidence **evidence, GCancellable *cancellable, GError **error);

/*
 * GET /checkpoint, verified as ippyo_chain_client_update_checkpoint_sync()
 * does. On success the held checkpoint advances to it.
 */
void ippyo_chain_client_fetch_checkpoint_async(IppyoChainClient *self,
    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
IppyoSignedCheckpoint *ippyo_chain_client_fetch_checkpoint_finish(IppyoChainClient *self,
    GAsyncResult *result, IppyoForkEvidence **evidence, GError **error);
IppyoSignedCheckpoint *ippyo_chain_client_fetch_checkpoint_sync(IppyoChainClient *self,
    IppyoForkEvidence **evidence, GCancellable *cancellable, GError **error);

/* Hash tile (level, n) of the tree of checkpoint (full or partial, its
 * width from the checkpoint size), verified against the checkpoint root. */
void ippyo_chain_client_fetch_tile_async(IppyoChainClient *self,
    IppyoSignedCheckpoint *checkpoint, int level, guint64 n, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data);
GBytes *ippyo_chain_client_fetch_tile_finish(IppyoChainClient *self, GAsyncResult *result,
    GError **error);
GBytes *ippyo_chain_client_fetch_tile_sync(IppyoChainClient *self,
    IppyoSignedCheckpoint *checkpoint, int level, guint64 n, GCancellable *cancellable,
    GError **error);

/* Entry bundle n, its leaf hashes checked against the verified level-0 tile. */
void ippyo_chain_client_fetch_entry_bundle_async(IppyoChainClient *self,
    IppyoSignedCheckpoint *checkpoint, guint64 n, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data);
GBytes *ippyo_chain_client_fetch_entry_bundle_finish(IppyoChainClient *self,
    GAsyncResult *result, GError **error);
GBytes *ippyo_chain_client_fetch_entry_bundle_sync(IppyoChainClient *self,
    IppyoSignedCheckpoint *checkpoint, guint64 n, GCancellable *cancellable, GError **error);

/* Entries [start, end) of the checkpoint's tree (at most
 * IPPYO_NET_MAX_ENTRIES), from verified bundles: a GPtrArray of GBytes. */
void ippyo_chain_client_fetch_entries_async(IppyoChainClient *self,
    IppyoSignedCheckpoint *checkpoint, guint64 start, guint64 end,
    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *ippyo_chain_client_fetch_entries_finish(IppyoChainClient *self,
    GAsyncResult *result, GError **error);
GPtrArray *ippyo_chain_client_fetch_entries_sync(IppyoChainClient *self,
    IppyoSignedCheckpoint *checkpoint, guint64 start, guint64 end,
    GCancellable *cancellable, GError **error);

/* GET /v1/manifest: the bytes of entry 0, checked to be leaf 0 of the
 * checkpoint's tree (checkpoint NULL: the held one, fetched if none). */
void ippyo_chain_client_fetch_manifest_async(IppyoChainClient *self,
    IppyoSignedCheckpoint *checkpoint, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data);
GBytes *ippyo_chain_client_fetch_manifest_finish(IppyoChainClient *self,
    GAsyncResult *result, GError **error);
GBytes *ippyo_chain_client_fetch_manifest_sync(IppyoChainClient *self,
    IppyoSignedCheckpoint *checkpoint, GCancellable *cancellable, GError **error);

/*
 * Proves that leaf_hash (32 bytes) is in the checkpoint's tree, at index
 * (or found by the server when index < 0): the server's inclusion proof
 * is verified against the checkpoint root; when it does not verify, the
 * verified tiles decide: IPPYO_NET_ERROR_NOT_INCLUDED if another leaf is
 * at that index. *index_out (may be NULL) gets the index.
 */
void ippyo_chain_client_prove_inclusion_async(IppyoChainClient *self,
    IppyoSignedCheckpoint *checkpoint, const guint8 *leaf_hash, gint64 index,
    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
gboolean ippyo_chain_client_prove_inclusion_finish(IppyoChainClient *self,
    GAsyncResult *result, guint64 *index_out, GError **error);
gboolean ippyo_chain_client_prove_inclusion_sync(IppyoChainClient *self,
    IppyoSignedCheckpoint *checkpoint, const guint8 *leaf_hash, gint64 index,
    guint64 *index_out, GCancellable *cancellable, GError **error);

/*
 * POST /v1/ballots (submit_ballot) or /v1/close (submit_close) with the
 * entry bytes. Network failures and 503 answers (Retry-After honoured,
 * bounded exponential backoff, within "retry-deadline-ms") resubmit the
 * same bytes; a definite rejection is IPPYO_NET_ERROR_REJECTED_*; a
 * receipt is verified for exactly these bytes before it is returned.
 */
void ippyo_chain_client_submit_ballot_async(IppyoChainClient *self, GBytes *entry,
    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
IppyoChainReceipt *ippyo_chain_client_submit_ballot_finish(IppyoChainClient *self,
    GAsyncResult *result, GError **error);
IppyoChainReceipt *ippyo_chain_client_submit_ballot_sync(IppyoChainClient *self,
    GBytes *entry, GCancellable *cancellable, GError **error);
void ippyo_chain_client_submit_close_async(IppyoChainClient *self, GBytes *entry,
    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
IppyoChainReceipt *ippyo_chain_client_submit_close_finish(IppyoChainClient *self,
    GAsyncResult *result, GError **error);
IppyoChainReceipt *ippyo_chain_client_submit_close_sync(IppyoChainClient *self,
    GBytes *entry, GCancellable *cancellable, GError **error);

/* Verifies a saved receipt (tlog-proof text) for the entry bytes, offline. */
IppyoChainReceipt *ippyo_chain_client_verify_receipt(IppyoChainClient *self, GBytes *entry,
    GBytes *proof, GError **error);

/* GET /v1/status (not signed: for display). */
void ippyo_chain_client_fetch_status_async(IppyoChainClient *self,
    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
IppyoChainStatus *ippyo_chain_client_fetch_status_finish(IppyoChainClient *self,
    GAsyncResult *result, GError **error);
IppyoChainStatus *ippyo_chain_client_fetch_status_sync(IppyoChainClient *self,
    GCancellable *cancellable, GError **error);

G_END_DECLS
