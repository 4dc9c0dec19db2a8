/* ippyo-chaind — the single sequencer: group commit, sign, cosign, receipts. */
#pragma once

#include <glib.h>

#include "chain-log.h"
#include "chain-witness.h"

G_BEGIN_DECLS

typedef enum {
	CHAIN_ENTRY_BALLOT,
	CHAIN_ENTRY_CLOSE,
	CHAIN_ENTRY_LOOKUP,    /* never appended: the receipt if these bytes are in the log */
	CHAIN_ENTRY_CEREMONY,  /* the officials' entries of POST /v1/entries */
	CHAIN_ENTRY_DECRYPTION,
	CHAIN_ENTRY_RESULT,
} ChainEntryKind;

typedef struct ChainSubmission ChainSubmission;
/* Called on the sequencer thread once the submission has its answer. */
typedef void (*ChainSubmissionDone)(ChainSubmission *sub, gpointer user_data);

/*
 * One validated entry waiting to be appended. The sequencer fills the
 * result fields and calls done; the submitter owns the struct.
 */
struct ChainSubmission {
	GBytes *entry;                 /* exactly the bytes to append */
	guint8 leaf[CHAIN_HASH_BYTES]; /* filled by the sequencer */
	ChainEntryKind kind;
	/*
	 * The position rules of the officials' entries (checked in log order
	 * by the sequencer): a decryption's trustee (1..64); a result's
	 * close_index and the threshold t of decryption entries it needs.
	 */
	guint trustee;
	guint64 close_index;
	guint threshold;
	ChainSubmissionDone done;
	gpointer user_data;

	/* results */
	GError *error;                 /* IPPYO_ERROR: POLL_CLOSED, STORE_FULL, STORE, ... */
	gboolean duplicate;            /* the same bytes were already in the log */
	guint64 index;
	char *receipt;                 /* the tlog-proof text */
	gint64 enqueued_us;
};

typedef struct ChainSequencer ChainSequencer;

/*
 * Starts the sequencer thread. Before it takes submissions it reads the
 * stored log for the state its position rules need (ballots, the close
 * entry, decryption and result entries) and signs (and has cosigned) every
 * stored entry not yet covered by a signed checkpoint (first start: entry
 * 0). closed: the log already holds a close entry (the scan finds it too).
 * witnesses may be NULL. Fails when that first signing fails.
 */
ChainSequencer *chain_sequencer_start(ChainLog *log, ChainWitnesses *witnesses,
    guint max_entries, guint max_ms, gboolean closed, GError **error);
/* Queues a submission (any thread). FALSE once draining. */
gboolean chain_sequencer_submit(ChainSequencer *seq, ChainSubmission *sub);
/* Submissions queued and not yet answered. */
guint chain_sequencer_pending(ChainSequencer *seq);
gboolean chain_sequencer_closed(ChainSequencer *seq);
/* Stops taking submissions, answers everything queued, joins the thread. */
void chain_sequencer_stop(ChainSequencer *seq);
void chain_sequencer_free(ChainSequencer *seq);

/* Builds the receipt of entry `index` against the first signed checkpoint that
 * covers it (so that it is the same every time it is asked for). */
char *chain_log_receipt(ChainLog *log, ChainStore *store, guint64 index, GError **error);

void chain_submission_free(ChainSubmission *sub);

G_END_DECLS
