/* ippyo — constructors of the verified values: only the client builds them. */
#pragma once

#include "net/ippyo-chain-types.h"

G_BEGIN_DECLS

IppyoSignedCheckpoint *_ippyo_signed_checkpoint_new(GBytes *note, const char *origin,
    guint64 size, const guint8 root[IPPYO_CHAIN_HASH_BYTES]);
IppyoForkEvidence *_ippyo_fork_evidence_new(IppyoSignedCheckpoint *held,
    IppyoSignedCheckpoint *served, const char *reason);
IppyoChainReceipt *_ippyo_chain_receipt_new(guint64 index,
    const guint8 leaf_hash[IPPYO_CHAIN_HASH_BYTES], GBytes *proof,
    IppyoSignedCheckpoint *checkpoint, gboolean duplicate, guint attempts);
IppyoChainStatus *_ippyo_chain_status_new(const char *origin, const char *election_id,
    guint64 size, gboolean closed, guint64 pending, guint64 inflight);

G_END_DECLS
