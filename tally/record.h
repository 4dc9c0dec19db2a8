/* ippyo-tally — the election record: a local mirror folder of the chain, and the
 * documents of the tally (aggregate, partial decryption). docs/verification.md. */
#pragma once

#include <glib.h>
#include <jansson.h>

#include "crypto/decrypt.h"
#include "crypto/elgamal.h"
#include "election/manifest.h"
#include "log/note.h"

G_BEGIN_DECLS

/*
 * A mirror folder (docs/verification.md, "The mirror folder"):
 *
 *   DIR/checkpoint                  the newest signed checkpoint note, verbatim
 *   DIR/tile/<L>/<N>[.p/<W>]        C2SP hash tiles (paths as tlog-tiles)
 *   DIR/tile/entries/<N>[.p/<W>]    C2SP entry bundles
 *   DIR/election/roll.txt           the voter roll file the manifest pins
 *   DIR/election/jpki-ca/...        the JPKI auth CA certificates (PEM or DER)
 *   DIR/election/crl/...            CRLs of those CAs (PEM or DER), optional
 *   DIR/election/policy             a C2SP tlog-policy for witnesses, optional
 */
#define TALLY_MIRROR_CHECKPOINT "checkpoint"
#define TALLY_MIRROR_ELECTION "election"

/* The tile or bundle file of (level, n, width) under dir (g_free). */
char *tally_mirror_tile_path(const char *dir, int level, guint64 n, unsigned width);

/*
 * Writes the tiles and entry bundles of the tree of the given entries
 * (GBytes each) and the checkpoint note into dir. Used by the HTTP mirror
 * and by tests that build records.
 */
gboolean tally_mirror_write(const char *dir, GPtrArray *entries, const void *checkpoint,
    gsize checkpoint_len, GError **error);

/*
 * Reads the entries [start, end) of a mirror from its entry bundles for a
 * tree of `size` entries: a GPtrArray of GBytes. Fails when a bundle is
 * missing or malformed (rule mirror.bundle in the verifier).
 */
GPtrArray *tally_mirror_read_entries(const char *dir, guint64 size, guint64 start,
    guint64 end, GError **error);

/* An ippyo_tile_fetch_fn reading tiles from the mirror folder (arg: the dir). */
int tally_mirror_fetch_tile(void *arg, int level, uint64_t n, unsigned width, uint8_t *out);

/* ---- the aggregate: encrypted totals of the counted ballots ---- */

/*
 * JSON (docs/verification.md, "Aggregate document"):
 *   {"close_index":N,"counted":N,"election_hash":HEX,"election_id":ID,
 *    "totals":[[B64,...],...],"type":"ippyo-aggregate","version":1}
 * totals[c][o]: base64url of the 66-byte ciphertext sum (α ‖ β).
 */
typedef struct {
	char *election_id;
	guint8 election_hash[32];
	guint64 close_index;
	guint64 counted;
	gsize n_contests;
	gsize *n_options;
	ippyo_ciphertext ***totals;    /* [c][o] */
} TallyAggregate;

TallyAggregate *tally_aggregate_new(const ippyo_manifest *m);
void tally_aggregate_free(TallyAggregate *a);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TallyAggregate, tally_aggregate_free)
json_t *tally_aggregate_to_json(const TallyAggregate *a, GError **error);
/* Strict parse against the manifest (shape, election). */
TallyAggregate *tally_aggregate_from_json(const ippyo_manifest *m, const char *text, gsize len,
    GError **error);
/* The aggregate's binding hash: T-digest("ippyo/v1/aggregate": h_E ‖ u64 close_index ‖
 * u64 counted ‖ every total's α ‖ β in order). */
gboolean tally_aggregate_hash(const TallyAggregate *a, guint8 out[32], GError **error);

/* ---- one trustee's partial decryption of an aggregate ---- */

/*
 * JSON (docs/verification.md, "Partial decryption document"):
 *   {"aggregate":HEX,"election_hash":HEX,"election_id":ID,
 *    "shares":[[B64,...],...],"trustee":J,"type":"ippyo-partial-decryption","version":1}
 * shares[c][o]: base64url of the 131-byte D_j ‖ Chaum–Pedersen proof.
 * Canonical JSON (sorted keys, compact) so that it is the exact document
 * of a decryption entry.
 */
typedef struct {
	guint32 trustee;
	guint8 election_hash[32];
	char *election_id;
	guint8 aggregate[32];
	gsize n_contests;
	gsize *n_options;
	ippyo_partial_decryption ***shares;   /* [c][o] */
} TallyPartial;

void tally_partial_free(TallyPartial *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TallyPartial, tally_partial_free)
/* Decrypts every total with the trustee's key share. */
TallyPartial *tally_partial_compute(const ippyo_manifest *m, const TallyAggregate *a,
    const ippyo_trustee_key *key, GError **error);
/* Canonical bytes (g_free). */
char *tally_partial_to_bytes(const TallyPartial *p, gsize *len, GError **error);
TallyPartial *tally_partial_from_bytes(const ippyo_manifest *m, const guint8 *data, gsize len,
    GError **error);
/*
 * Verifies every share of p against the aggregate with X_j of the manifest:
 * the aggregate hash and election must match, each proof must verify. On a
 * failure bad_contest and bad_option (may be NULL) name the first bad share.
 */
gboolean tally_partial_verify(const TallyPartial *p, const ippyo_manifest *m,
    const TallyAggregate *a, gsize *bad_contest, gsize *bad_option, GError **error);

/*
 * Combines verified partials (at least t distinct trustees) into the totals:
 * totals[c][o] (g_new, free with tally_totals_free), searching the discrete
 * log up to a->counted.
 */
guint64 **tally_combine_totals(const ippyo_manifest *m, const TallyAggregate *a,
    TallyPartial *const *parts, gsize n_parts, GError **error);
void tally_totals_free(guint64 **totals, gsize n_contests);
/* Checks announced totals without a discrete log: M = total·G for each. */
gboolean tally_check_totals(const ippyo_manifest *m, const TallyAggregate *a,
    TallyPartial *const *parts, gsize n_parts, guint64 *const *totals, gsize *bad_contest,
    gsize *bad_option, GError **error);

/* The sealed manifest from a file holding entry 0 (the manifest entry) or the
 * sealed manifest itself (tally-decrypt.c). */
ippyo_manifest *tally_load_sealed_manifest(const char *path, GError **error);

/* Small helpers shared by the subcommands. */
char *tally_hex(const guint8 *data, gsize len);
gboolean tally_hex_decode(const char *s, guint8 *out, gsize want);

G_END_DECLS
