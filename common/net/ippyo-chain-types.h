/* ippyo — values handed out by IppyoChainClient, each verified before it exists. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define IPPYO_CHAIN_HASH_BYTES 32

/*
 * IppyoSignedCheckpoint: a checkpoint note whose signature by the chain
 * key, origin and (when a policy is set) witness quorum were verified by
 * an IppyoChainClient. Immutable, reference counted. Persist it with
 * ippyo_signed_checkpoint_get_note() and load it again with
 * ippyo_chain_client_set_trusted_checkpoint(), which verifies it again.
 */
typedef struct _IppyoSignedCheckpoint IppyoSignedCheckpoint;
#define IPPYO_TYPE_SIGNED_CHECKPOINT (ippyo_signed_checkpoint_get_type())
GType ippyo_signed_checkpoint_get_type(void) G_GNUC_CONST;

IppyoSignedCheckpoint *ippyo_signed_checkpoint_ref(IppyoSignedCheckpoint *cp);
void ippyo_signed_checkpoint_unref(IppyoSignedCheckpoint *cp);
/* The whole signed note, verbatim (cosignatures included). */
GBytes *ippyo_signed_checkpoint_get_note(IppyoSignedCheckpoint *cp);
const char *ippyo_signed_checkpoint_get_origin(IppyoSignedCheckpoint *cp);
guint64 ippyo_signed_checkpoint_get_size(IppyoSignedCheckpoint *cp);
/* IPPYO_CHAIN_HASH_BYTES bytes. */
const guint8 *ippyo_signed_checkpoint_get_root(IppyoSignedCheckpoint *cp);
/* Same size, same root. */
gboolean ippyo_signed_checkpoint_same_tree(IppyoSignedCheckpoint *a, IppyoSignedCheckpoint *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(IppyoSignedCheckpoint, ippyo_signed_checkpoint_unref)

/*
 * IppyoForkEvidence: two checkpoints, both validly signed by the chain
 * key, that cannot describe one append-only log: the one the caller held
 * and the one the server served. Save both notes: together they prove the
 * chain misbehaved to anyone holding the chain key.
 */
typedef struct _IppyoForkEvidence IppyoForkEvidence;
#define IPPYO_TYPE_FORK_EVIDENCE (ippyo_fork_evidence_get_type())
GType ippyo_fork_evidence_get_type(void) G_GNUC_CONST;

IppyoForkEvidence *ippyo_fork_evidence_ref(IppyoForkEvidence *ev);
void ippyo_fork_evidence_unref(IppyoForkEvidence *ev);
IppyoSignedCheckpoint *ippyo_fork_evidence_get_held(IppyoForkEvidence *ev);
IppyoSignedCheckpoint *ippyo_fork_evidence_get_served(IppyoForkEvidence *ev);
/* Why they are inconsistent, in one English sentence. */
const char *ippyo_fork_evidence_get_reason(IppyoForkEvidence *ev);
/* A text file holding both signed notes, each introduced by a line
 * "-- held <size>" / "-- served <size>" (for saving and showing). */
GBytes *ippyo_fork_evidence_to_text(IppyoForkEvidence *ev);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(IppyoForkEvidence, ippyo_fork_evidence_unref)

/*
 * IppyoChainReceipt: the chain's answer to a submission, verified: the
 * C2SP tlog-proof receipt proves that SHA-256(0x00 ‖ entry) is the leaf at
 * `index` in the tree of its checkpoint, which is signed by the chain key
 * (and cosigned to the quorum when a policy is set).
 */
typedef struct _IppyoChainReceipt IppyoChainReceipt;
#define IPPYO_TYPE_CHAIN_RECEIPT (ippyo_chain_receipt_get_type())
GType ippyo_chain_receipt_get_type(void) G_GNUC_CONST;

IppyoChainReceipt *ippyo_chain_receipt_ref(IppyoChainReceipt *r);
void ippyo_chain_receipt_unref(IppyoChainReceipt *r);
guint64 ippyo_chain_receipt_get_index(IppyoChainReceipt *r);
const guint8 *ippyo_chain_receipt_get_leaf_hash(IppyoChainReceipt *r);  /* 32 bytes */
/* The tlog-proof text, verbatim: what the voter keeps. */
GBytes *ippyo_chain_receipt_get_proof(IppyoChainReceipt *r);
IppyoSignedCheckpoint *ippyo_chain_receipt_get_checkpoint(IppyoChainReceipt *r);
/* TRUE when the server said this was an identical resubmission. */
gboolean ippyo_chain_receipt_get_duplicate(IppyoChainReceipt *r);
/* How many POSTs it took (1 without a retry). */
guint ippyo_chain_receipt_get_attempts(IppyoChainReceipt *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(IppyoChainReceipt, ippyo_chain_receipt_unref)

/*
 * IppyoChainStatus: GET /v1/status, strictly parsed. Not signed: for
 * display only; the origin is checked to be the client's.
 */
typedef struct _IppyoChainStatus IppyoChainStatus;
#define IPPYO_TYPE_CHAIN_STATUS (ippyo_chain_status_get_type())
GType ippyo_chain_status_get_type(void) G_GNUC_CONST;

IppyoChainStatus *ippyo_chain_status_ref(IppyoChainStatus *s);
void ippyo_chain_status_unref(IppyoChainStatus *s);
const char *ippyo_chain_status_get_origin(IppyoChainStatus *s);
const char *ippyo_chain_status_get_election_id(IppyoChainStatus *s);
guint64 ippyo_chain_status_get_size(IppyoChainStatus *s);
gboolean ippyo_chain_status_get_closed(IppyoChainStatus *s);
guint64 ippyo_chain_status_get_pending(IppyoChainStatus *s);
guint64 ippyo_chain_status_get_inflight(IppyoChainStatus *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(IppyoChainStatus, ippyo_chain_status_unref)

G_END_DECLS
