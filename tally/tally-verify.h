/* ippyo-tally — the observer's verifier of an election record (docs/verification.md). */
#pragma once

#include <glib.h>
#include <jansson.h>

#include "record.h"

G_BEGIN_DECLS

/* What the verifier reads besides the mirror folder; NULL: DIR/election/... */
typedef struct {
	const char *dir;              /* the mirror folder */
	const char *state_path;       /* incremental state (read, then rewritten); may be NULL */
	const char *roll_path;
	const char *policy_path;
	const char *const *ca_paths;  /* NULL-terminated */
	const char *const *crl_paths; /* NULL-terminated */
	const char *election_hash;    /* hex h_E to pin, may be NULL */
	guint threads;                /* 0: one per core */
	guint batch;                  /* ballots per batch verification, 1..64 (0: 64) */
	gint64 now;                   /* the verifier's clock (0: the real one) */
	guint window;                 /* entries in memory at a time (0: 512) */
} TallyVerifyOptions;

/* One broken rule; index is G_MAXUINT64 when no entry is at fault. */
typedef struct {
	guint64 index;
	char *rule;                   /* a stable identifier, docs/verification.md */
	char *message;
} TallyFailure;

typedef struct {
	GPtrArray *failures;          /* TallyFailure*, in entry order */
	ippyo_manifest *manifest;     /* NULL if entry 0 did not parse */
	char *checkpoint;             /* the verified checkpoint note */
	guint64 size;                 /* its tree size */
	guint64 first_checked;        /* first entry checked in this run */
	gint64 checkpoint_time;       /* earliest witness cosignature time, or -1 */
	gboolean closed;
	guint64 close_index;
	char *close_time;             /* the close entry's time */
	TallyAggregate *aggregate;    /* after the close entry: the totals to decrypt */
	GArray *counted;              /* guint64 indices of the counted ballots (this run's view) */
	guint64 ballots;              /* ballot entries checked in this run */
	gboolean has_result;          /* a result entry verified */
	guint64 **totals;             /* its totals [c][o] */
	char *evidence;               /* fork evidence: both checkpoint notes, or NULL */
} TallyVerifyReport;

void tally_verify_report_free(TallyVerifyReport *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TallyVerifyReport, tally_verify_report_free)

/*
 * Verifies the record in opts->dir. Returns NULL with *error only when the
 * verification could not run at all (unreadable files, bad options); broken
 * rules are in the report (report->failures->len > 0).
 */
TallyVerifyReport *tally_verify_run(const TallyVerifyOptions *opts, GError **error);

/* The first failure with this rule (and entry index, or any when G_MAXUINT64), or NULL. */
const TallyFailure *tally_verify_report_find(const TallyVerifyReport *r, const char *rule,
    guint64 index);
json_t *tally_verify_report_to_json(const TallyVerifyReport *r);

/* ---- for the subcommands (verify, aggregate, result) ---- */

#include "tally.h"

/* Where the record and its side files come from. */
typedef struct {
	char *mirror;         /* --mirror: the folder a URL is mirrored into */
	char *roll;
	char *policy;
	char **ca;
	char **crl;
	char *election_hash;
} TallySourceOptions;

#define TALLY_SOURCE_OPTION_ENTRIES(so) \
	{ "mirror", 0, 0, G_OPTION_ARG_FILENAME, &(so).mirror, \
	  "Mirror a URL into this folder (default: ippyo-mirror)", "DIR" }, \
	{ "roll", 0, 0, G_OPTION_ARG_FILENAME, &(so).roll, \
	  "The voter roll file (default: DIR/election/roll.txt)", "FILE" }, \
	{ "ca", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &(so).ca, \
	  "A JPKI auth CA certificate (repeatable; default: DIR/election/jpki-ca/)", "FILE" }, \
	{ "crl", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &(so).crl, \
	  "The JPKI auth CA's CRL (default: DIR/election/crl/)", "FILE" }, \
	{ "policy", 0, 0, G_OPTION_ARG_FILENAME, &(so).policy, \
	  "A C2SP tlog-policy for witnesses (default: DIR/election/policy)", "FILE" }, \
	{ "election-hash", 0, 0, G_OPTION_ARG_STRING, &(so).election_hash, \
	  "Pin the election hash h_E (64 hex digits)", "HEX" }

#define TALLY_SOURCE_DESCRIPTION \
	"URL: the chain's base URL, mirrored (tiles, entry bundles, checkpoint) into --mirror\n" \
	"first. DIR: a mirror folder (docs/verification.md, \"The mirror folder\").\n" \
	"Exit codes: 0 verified, 1 usage, 2 invalid input, 3 a rule is broken, 4 I/O."

void tally_source_options_clear(TallySourceOptions *so);
/* URL (mirrored with common/net) or folder -> the folder to read (g_free). */
gboolean tally_source_prepare(const char *source, const char *mirror, const char *policy_path,
    const TallyContext *ctx, char **dir_out, GError **error);
gboolean tally_mirror_fetch(const char *url, const char *dir, const char *policy_path,
    const TallyContext *ctx, GError **error);
/* Mirrors if needed, then tally_verify_run. */
TallyVerifyReport *tally_verify_source(TallyContext *ctx, TallySourceOptions *so,
    const char *source, const char *state, guint threads, GError **error);

G_END_DECLS
