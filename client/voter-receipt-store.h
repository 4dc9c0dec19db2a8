/* ippyo — IppyoReceiptStore: the voter's receipts and checkpoint, and "check my ballot". */
#pragma once

#include <gio/gio.h>

#include "net/ippyo-chain-client.h"
#include "voter-election.h"

G_BEGIN_DECLS

/*
 * One folder per election, $XDG_DATA_HOME/ippyo/<election-id>/
 * (docs/voter.md, "The receipt folder"):
 *   manifest.json            entry 0 of the chain (the election's manifest)
 *   checkpoint               the newest checkpoint this voter verified
 *   receipt-<index>.json     one per ballot recorded (a re-vote adds one)
 *   pending-<leaf>.json      a signed ballot sent but not yet receipted
 *   evidence-<time>.txt      two signed checkpoints that prove a fork or a drop
 */
#define IPPYO_TYPE_RECEIPT_STORE (ippyo_receipt_store_get_type())
G_DECLARE_FINAL_TYPE(IppyoReceiptStore, ippyo_receipt_store, IPPYO, RECEIPT_STORE, GObject)

/* A saved receipt file, parsed (not yet verified). */
typedef struct {
	char *election_id;
	char *chain_url;
	GBytes *entry;            /* the ballot entry as submitted */
	GBytes *proof;            /* the C2SP tlog-proof text */
	guint64 index;
	char *tracking_code;      /* 64 hex digits */
	char *recorded_at;        /* YYYY-MM-DDTHH:MM:SSZ */
} IppyoSavedReceipt;

IppyoSavedReceipt *ippyo_saved_receipt_load(const char *path, GError **error);
void ippyo_saved_receipt_free(IppyoSavedReceipt *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(IppyoSavedReceipt, ippyo_saved_receipt_free)

/* The folder of election_id under the user data folder, or dir itself. */
IppyoReceiptStore *ippyo_receipt_store_new(const char *election_id);
IppyoReceiptStore *ippyo_receipt_store_new_for_dir(const char *dir);
const char *ippyo_receipt_store_get_dir(IppyoReceiptStore *self);

/* Keeps the election's manifest entry; a different one already there is an error
 * (IPPYO_VOTER_ERROR_ELECTION: the chain changed its election). */
gboolean ippyo_receipt_store_save_manifest(IppyoReceiptStore *self, GBytes *entry0,
    GError **error);
/* manifest.json, or NULL. */
GBytes *ippyo_receipt_store_load_manifest(IppyoReceiptStore *self);

/* A signed ballot entry before it is sent; the path, or NULL. */
char *ippyo_receipt_store_save_pending(IppyoReceiptStore *self, GBytes *entry,
    const char *chain_url, GError **error);
void ippyo_receipt_store_remove_pending(IppyoReceiptStore *self, GBytes *entry);
/* The pending entries (GBytes), oldest first. */
GPtrArray *ippyo_receipt_store_list_pending(IppyoReceiptStore *self);

/*
 * Verifies the receipt again, offline, for exactly entry (chain key,
 * inclusion, witness quorum) and only then writes receipt-<index>.json and
 * advances the saved checkpoint. Returns the receipt file's path.
 */
char *ippyo_receipt_store_save(IppyoReceiptStore *self, IppyoElection *election,
    GBytes *entry, IppyoChainReceipt *receipt, GError **error);
/* The receipt files, by index. */
GPtrArray *ippyo_receipt_store_list(IppyoReceiptStore *self);

/*
 * Offline verification of a saved receipt with the election's chain key:
 * the receipt proves its entry; the entry is a ballot entry whose card
 * signature verifies and whose tracking code is the one saved.
 */
IppyoChainReceipt *ippyo_receipt_verify_offline(IppyoSavedReceipt *saved,
    IppyoChainClient *client, GError **error);

/*
 * "Check my ballot": the newest checkpoint of the chain, consistent with
 * the receipt's and the saved checkpoint, and the ballot's inclusion in it.
 * On a fork or a drop the two signed checkpoints are saved as
 * evidence-<time>.txt next to the receipt (*evidence_path) and the error is
 * IPPYO_VOTER_ERROR_FORK or _DROPPED. On success *size is the size of the
 * newest checkpoint, which becomes the saved one.
 */
gboolean ippyo_receipt_store_check_sync(IppyoReceiptStore *self, IppyoElection *election,
    const char *receipt_path, guint64 *size, char **evidence_path,
    GCancellable *cancellable, GError **error);
void ippyo_receipt_store_check_async(IppyoReceiptStore *self, IppyoElection *election,
    const char *receipt_path, GCancellable *cancellable, GAsyncReadyCallback callback,
    gpointer user_data);
gboolean ippyo_receipt_store_check_finish(IppyoReceiptStore *self, GAsyncResult *result,
    guint64 *size, char **evidence_path, GError **error);

G_END_DECLS
