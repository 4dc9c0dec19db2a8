/* ippyo-tally — appending the officials' entries to the chain (POST /v1/entries). */
#pragma once

#include <glib.h>
#include <jansson.h>

#include "election/entry.h"
#include "election/manifest.h"
#include "tally.h"

G_BEGIN_DECLS

/* A verified receipt of an appended entry. */
typedef struct {
	guint64 index;                 /* the entry's index in the chain */
	guint64 checkpoint_size;       /* the size of the checkpoint the receipt carries */
	gboolean duplicate;            /* the entry was already in the chain */
	GBytes *proof;                 /* the tlog-proof text, as the chain sent it */
} TallyReceipt;

void tally_receipt_free(TallyReceipt *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TallyReceipt, tally_receipt_free)

/*
 * Checks an officials' entry before it is sent: a chain entry of type
 * ceremony, close, decryption or result, of the manifest's election, whose
 * officials' signature verifies under the manifest's officials_key. *out
 * gets the parsed entry.
 */
gboolean tally_check_official_entry(const ippyo_manifest *m, const guint8 *data, gsize len,
    ippyo_entry **out, GError **error);

/*
 * POSTs entry to url/v1/entries (503 and network failures: the same bytes
 * again, a few times) and verifies the answer: the leaf hash is the
 * entry's, the receipt a tlog-proof of that leaf under a checkpoint signed
 * by the manifest's chain key, at the index the answer names. A refusal by
 * the chain is a TALLY_ERROR of code TALLY_EXIT_IO naming the chain's code.
 */
TallyReceipt *tally_append_entry(const char *url, const ippyo_manifest *m, GBytes *entry,
    GError **error);

/*
 * tally_append_entry, then the receipt saved to receipt_path (if not
 * NULL), a progress line naming what, and an object {entry, index,
 * checkpoint_size, duplicate, receipt} appended to the report array (if
 * not NULL).
 */
gboolean tally_append_and_save(const TallyContext *ctx, const char *url,
    const ippyo_manifest *m, GBytes *entry, const char *what, const char *receipt_path,
    json_t *report, GError **error);

G_END_DECLS
