/* Election records built in C for the tally tests: a sealed manifest from a
 * 3-of-5 ceremony, ballots signed with the test JPKI cards' keys, close,
 * decryptions and result, written as a mirror folder (tiles, bundles,
 * cosigned checkpoint, election side files). */
#pragma once

#include <glib.h>

#include "crypto/ceremony.h"
#include "election/ballot.h"
#include "election/manifest.h"
#include "log/note.h"
#include "record.h"

#define FX_TRUSTEES 5
#define FX_THRESHOLD 3

typedef struct {
	char *dir;                           /* the mirror folder (a fresh temp dir) */
	char *pki;                           /* IPPYO_PKI_TEMPLATE */
	ippyo_manifest *sealed;
	ippyo_election_key *ekey;
	uint8_t sk[32], pk[32];              /* the officials' key */
	ippyo_note_signer *log_key;
	ippyo_note_signer *witness;
	char *policy;                        /* tlog-policy text */
	ippyo_trustee_key *keys[FX_TRUSTEES];
	char *commitments[FX_TRUSTEES];      /* JSON files */
	GPtrArray *entries;                  /* GBytes, the chain */
	GPtrArray *ballots;                  /* FxBallot*, in chain order */
	guint64 close_index;                 /* G_MAXUINT64 until closed */
	gint64 time;                         /* witness cosignature time */
} Fixture;

typedef struct {
	guint64 index;
	ippyo_ballot *ballot;
	uint8_t voter[32];
	size_t choice[2];                    /* contest 0 option; contest 1 option (or 9: none) */
} FxBallot;

/* A sealed election (entry 0) and its ceremony entry (entry 1). */
Fixture *fx_new(void);
void fx_free(Fixture *f);
/* Appends a ballot of card `name` (voter-001 ...) choosing option c0 of contest 0 and
 * option c1 of contest 1 (c1 >= 2: none). Returns the entry index. */
guint64 fx_ballot(Fixture *f, const char *name, size_t c0, size_t c1);
/* The ballot entry bytes without appending (for forgeries). */
GBytes *fx_ballot_entry(Fixture *f, const char *name, const uint8_t *ballot, size_t len);
/* Signs bytes with a card's auth key (RSA PKCS#1 v1.5 SHA-256). */
GBytes *fx_card_sign(Fixture *f, const char *name, const uint8_t *msg, size_t len);
GBytes *fx_card_cert(Fixture *f, const char *name);
guint64 fx_close(Fixture *f);
/* The aggregate of the counted ballots (double: count every ballot, breaking the re-vote rule). */
TallyAggregate *fx_aggregate(Fixture *f, gboolean all_ballots);
/* Decryption entries of the given trustees and the result entry. */
void fx_tally(Fixture *f, const guint32 *trustees, gsize n, TallyAggregate *agg);
guint64 fx_append(Fixture *f, GBytes *entry);
/* Writes the mirror folder: tiles, bundles, checkpoint (signed and cosigned), side files. */
void fx_write(Fixture *f);
/* The expected totals from the choices (last ballot per voter before close). */
void fx_expected(Fixture *f, guint64 out[2][3], guint64 *counted);
