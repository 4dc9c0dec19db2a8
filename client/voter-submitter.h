/* ippyo — IppyoSubmitter: PIN, card signature, submission, verified receipt. */
#pragma once

#include <gio/gio.h>

#include "net/ippyo-chain-client.h"
#include "voter-ballot-draft.h"
#include "voter-election.h"
#include "voter-receipt-store.h"

G_BEGIN_DECLS

typedef enum {
	IPPYO_SUBMITTER_IDLE,
	IPPYO_SUBMITTER_SIGNING,     /* PIN sent to the card, signing */
	IPPYO_SUBMITTER_SENDING,     /* sending (and resending the same bytes) */
	IPPYO_SUBMITTER_RECORDED,    /* a verified receipt is saved */
	IPPYO_SUBMITTER_FAILED,      /* see the error; "has-pending" says if the ballot is kept */
} IppyoSubmitterStage;

#define IPPYO_TYPE_SUBMITTER_STAGE (ippyo_submitter_stage_get_type())
GType ippyo_submitter_stage_get_type(void) G_GNUC_CONST;

#define IPPYO_TYPE_SUBMITTER (ippyo_submitter_get_type())
G_DECLARE_FINAL_TYPE(IppyoSubmitter, ippyo_submitter, IPPYO, SUBMITTER, GObject)

/*
 * Casts ballots of one election through the card in "reader" (NULL: the
 * only My Number card present) with OpenSC's PKCS#11 module
 * ("pkcs11-module", NULL: $IPPYO_PKCS11_MODULE, then p11-kit's registry).
 *
 * Properties (read-only but "reader"): "stage", "pin-tries-left" (-1
 * unknown), "pin-final-try" (warn: one try left), "pin-locked",
 * "has-pending" (a signed ballot is kept, not yet receipted: resend it),
 * "rejection-code" (the chain's code of the last rejection, or NULL),
 * "receipt-path", "index". The PIN is never a property.
 */
IppyoSubmitter *ippyo_submitter_new(IppyoElection *election, IppyoReceiptStore *store,
    const char *reader, const char *pkcs11_module);

/* Reads the PIN tries left from the card (no PIN sent); updates the properties. */
void ippyo_submitter_read_pin_status_async(IppyoSubmitter *self, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data);
gboolean ippyo_submitter_read_pin_status_finish(IppyoSubmitter *self, GAsyncResult *result,
    GError **error);
gboolean ippyo_submitter_read_pin_status_sync(IppyoSubmitter *self, GError **error);

int ippyo_submitter_get_pin_tries_left(IppyoSubmitter *self);
gboolean ippyo_submitter_get_pin_final_try(IppyoSubmitter *self);
gboolean ippyo_submitter_get_pin_locked(IppyoSubmitter *self);
IppyoSubmitterStage ippyo_submitter_get_stage(IppyoSubmitter *self);
gboolean ippyo_submitter_get_has_pending(IppyoSubmitter *self);
const char *ippyo_submitter_get_rejection_code(IppyoSubmitter *self);
const char *ippyo_submitter_get_receipt_path(IppyoSubmitter *self);

/*
 * Casts the draft's encrypted ballot: the PIN is copied into wiped memory
 * (the caller wipes its own copy) and used for exactly one login, then
 * wiped; the card signs exactly the ballot bytes; the signed entry is kept
 * (in memory and as pending-*.json) and submitted, resubmitted with the
 * same bytes on network failures until a receipt or a definite rejection
 * (IppyoChainClient's retry deadline); the receipt is verified and saved
 * before this succeeds. Returns the verified receipt.
 */
void ippyo_submitter_cast_async(IppyoSubmitter *self, IppyoBallotDraft *draft,
    const char *pin, GCancellable *cancellable, GAsyncReadyCallback callback,
    gpointer user_data);
IppyoChainReceipt *ippyo_submitter_cast_finish(IppyoSubmitter *self, GAsyncResult *result,
    GError **error);
IppyoChainReceipt *ippyo_submitter_cast_sync(IppyoSubmitter *self, IppyoBallotDraft *draft,
    const char *pin, GCancellable *cancellable, GError **error);

/*
 * Takes a signed ballot kept by an earlier run (ippyo_receipt_store_list_pending())
 * as this submitter's pending one, to be sent with ippyo_submitter_resend_*().
 * FALSE (nothing changed) while casting or when a ballot is pending already.
 */
gboolean ippyo_submitter_adopt_pending(IppyoSubmitter *self, GBytes *entry);

/* Sends the kept signed ballot again (same bytes: never a second ballot). */
void ippyo_submitter_resend_async(IppyoSubmitter *self, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data);
IppyoChainReceipt *ippyo_submitter_resend_finish(IppyoSubmitter *self, GAsyncResult *result,
    GError **error);
IppyoChainReceipt *ippyo_submitter_resend_sync(IppyoSubmitter *self,
    GCancellable *cancellable, GError **error);

G_END_DECLS
