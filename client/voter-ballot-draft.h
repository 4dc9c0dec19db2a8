/* ippyo — IppyoBallotDraft: the voter's choices, encrypted, audited or cast. */
#pragma once

#include <gio/gio.h>

#include "voter-election.h"

G_BEGIN_DECLS

#define IPPYO_TYPE_BALLOT_DRAFT (ippyo_ballot_draft_get_type())
G_DECLARE_FINAL_TYPE(IppyoBallotDraft, ippyo_ballot_draft, IPPYO, BALLOT_DRAFT, GObject)

/*
 * The ballot of one voter (the card certificate binds it) for one election.
 * Choices are checked against the contest limits as they are made; any
 * change of a choice discards the encryption. Encryption draws a fresh
 * 32-byte seed; the seed is kept (never in a property) until the ballot is
 * audited (revealed, then discarded) or cast, and wiped then.
 *
 * Properties (read-only): "complete" (every contest within [min, max]),
 * "encrypted", "tracking-code" (short form, "" when not encrypted),
 * "audits" (how many encryptions were audited and discarded).
 */
IppyoBallotDraft *ippyo_ballot_draft_new(IppyoElection *election);
IppyoElection *ippyo_ballot_draft_get_election(IppyoBallotDraft *self);

/* The voter: the DER of the card's authentication certificate. */
gboolean ippyo_ballot_draft_set_certificate(IppyoBallotDraft *self, GBytes *der,
    GError **error);
GBytes *ippyo_ballot_draft_get_certificate(IppyoBallotDraft *self);

/*
 * Selects or clears option o of contest c. In a contest with max = 1 a
 * selection replaces the previous one (radio rows); in a k-of-n contest a
 * selection beyond max is refused (IPPYO_VOTER_ERROR_CHOICE, in words).
 */
gboolean ippyo_ballot_draft_select(IppyoBallotDraft *self, guint c, guint o,
    gboolean selected, GError **error);
/* The same by the manifest's ids ("mayor", "opt-1"). */
gboolean ippyo_ballot_draft_select_id(IppyoBallotDraft *self, const char *contest_id,
    const char *option_id, GError **error);
gboolean ippyo_ballot_draft_get_selected(IppyoBallotDraft *self, guint c, guint o);
guint ippyo_ballot_draft_count(IppyoBallotDraft *self, guint c);
/* TRUE if every contest is within its limits; else the first problem in words. */
gboolean ippyo_ballot_draft_check(IppyoBallotDraft *self, GError **error);
gboolean ippyo_ballot_draft_get_complete(IppyoBallotDraft *self);
/* One line per contest: "Mayor: Candidate 1" (blank contests say so). */
char *ippyo_ballot_draft_summary(IppyoBallotDraft *self);

/* Encrypts the choices with a fresh seed (a worker thread for _async). */
void ippyo_ballot_draft_encrypt_async(IppyoBallotDraft *self, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data);
gboolean ippyo_ballot_draft_encrypt_finish(IppyoBallotDraft *self, GAsyncResult *result,
    GError **error);
gboolean ippyo_ballot_draft_encrypt_sync(IppyoBallotDraft *self, GError **error);

gboolean ippyo_ballot_draft_get_encrypted(IppyoBallotDraft *self);
/* "XXXX-XXXX-XXXX-XXXX-XXXX" and 64 hex digits ("" when not encrypted). */
const char *ippyo_ballot_draft_get_tracking_code(IppyoBallotDraft *self);
const char *ippyo_ballot_draft_get_tracking_code_hex(IppyoBallotDraft *self);
/* The encrypted ballot's exact bytes (NULL when not encrypted). */
GBytes *ippyo_ballot_draft_get_ballot(IppyoBallotDraft *self);
guint ippyo_ballot_draft_get_audits(IppyoBallotDraft *self);

/*
 * Benaloh audit ("check this encryption"): returns the audit file (JSON
 * text, also the content of the QR code; docs/voter.md, "Audit file") that
 * reveals seed and choices of the current encryption, then discards that
 * encryption (it can never be cast). Encrypt again to continue.
 */
GBytes *ippyo_ballot_draft_audit(IppyoBallotDraft *self, GError **error);

/* Called by the submitter once the ballot is cast: wipes the seed. */
void ippyo_ballot_draft_forget_seed(IppyoBallotDraft *self);

G_END_DECLS
