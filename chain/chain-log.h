/* ippyo-chaind — the log: store, in-memory tree, signing key, published checkpoint. */
#pragma once

#include <glib.h>

#include "chain-store.h"
#include "chain-tree.h"
#include "log/note.h"

G_BEGIN_DECLS

/*
 * The log of one election. The sequencer (one thread) appends and signs;
 * the HTTP side reads the published state. Everything served to readers is
 * cut at the published size: leaves integrated but not yet signed are
 * never visible.
 */
typedef struct ChainLog ChainLog;

/*
 * Opens the store (creating it with entry0 as entry 0), recomputes every
 * leaf hash from the stored entry bytes, rebuilds the tree, and checks
 * that every stored signed checkpoint verifies under the log key and
 * matches the tree rebuilt from stored data (else IPPYO_ERR_ROOT_MISMATCH:
 * the server refuses to start). Entries stored after the last checkpoint
 * (a crash between storing a batch and signing it) are kept: the
 * sequencer signs them before it takes new submissions.
 * signer is borrowed and must outlive the log.
 */
ChainLog *chain_log_open(const char *db_path, GBytes *entry0, const char *origin,
    const ippyo_note_signer *signer, GError **error);
void chain_log_free(ChainLog *log);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ChainLog, chain_log_free)

const char *chain_log_origin(ChainLog *log);
const ippyo_note_verifier *chain_log_verifier(ChainLog *log);

/* The published checkpoint: size and signed note (NULL before the first). */
guint64 chain_log_published(ChainLog *log, char **note);

/*
 * Readers (any thread; each call takes the read lock). Everything is
 * bounded by the published size `size` passed in (the caller read it once
 * per request, so one answer is consistent).
 */
GBytes *chain_log_tile(ChainLog *log, guint64 size, int level, guint64 n, unsigned width,
    GError **error);
GBytes *chain_log_inclusion_proof(ChainLog *log, guint64 index, guint64 size, GError **error);
GBytes *chain_log_consistency_proof(ChainLog *log, guint64 m, guint64 n, GError **error);
gboolean chain_log_root(ChainLog *log, guint64 size, guint8 root[CHAIN_HASH_BYTES]);
gboolean chain_log_leaf(ChainLog *log, guint64 index, guint8 leaf[CHAIN_HASH_BYTES]);

/* ---- for the sequencer only (one thread) ---- */

ChainStore *chain_log_writer(ChainLog *log);
/* Leaves in the tree (published or not). */
guint64 chain_log_tree_size(ChainLog *log);
/*
 * Stores entries durably at the end of the log (one transaction) and
 * integrates their leaves. On failure nothing is integrated.
 */
gboolean chain_log_append(ChainLog *log, GPtrArray *entries, const guint8 *leaves,
    GError **error);
/*
 * Before signing the tree of size `size`: recomputes the root from the
 * stored entry bytes (from the last signed checkpoint's compact state plus
 * the new entries read back from the database), checks that it equals the
 * in-memory root and that the in-memory tree's consistency proof from the
 * last signed checkpoint verifies between the two signed roots. Then signs
 * the checkpoint text and returns the note (without cosignatures) and its
 * text length in *text_len.
 */
char *chain_log_sign(ChainLog *log, guint64 size, GError **error);
/* Stores the note (with cosignatures) durably, then publishes it. */
gboolean chain_log_publish(ChainLog *log, guint64 size, const char *note, GError **error);

G_END_DECLS
