/* ippyo-vote — what the voting subcommands share: exit codes, output, errors. */
#pragma once

#include <glib.h>
#include <jansson.h>

G_BEGIN_DECLS

/* Exit codes of election, vote, audit, receipt and check (docs/voter.md). */
enum {
	VOTE_EXIT_OK = 0,
	VOTE_EXIT_USAGE = 1,          /* bad options or choices */
	VOTE_EXIT_ELECTION = 2,       /* the election cannot be opened or does not verify */
	VOTE_EXIT_NETWORK = 3,        /* the chain cannot be reached (a signed ballot is kept) */
	VOTE_EXIT_CARD = 4,           /* no service, reader or card; not a My Number card; taken out */
	VOTE_EXIT_PIN = 5,            /* wrong PIN (tries left in the message), last try refused */
	VOTE_EXIT_PIN_LOCKED = 6,
	VOTE_EXIT_NOT_ELIGIBLE = 7,   /* certificate expired, not yet valid, revoked or not
	                               * issued by the election's CA; not on the roll */
	VOTE_EXIT_POLL = 8,           /* the poll is not open yet, or closed */
	VOTE_EXIT_REJECTED = 9,       /* another definite rejection by the chain */
	VOTE_EXIT_INVALID = 10,       /* a receipt, checkpoint or audit that does not verify */
	VOTE_EXIT_FORK = 11,          /* the chain forked or dropped the ballot: evidence saved */
	VOTE_EXIT_STORE = 12,         /* the receipt folder cannot be written or read */
};

/* The exit code for a voter error. */
int voter_cli_exit_for(const GError *error);

/* The common part of --help: the exit codes, translated. */
const char *voter_cli_exit_help(void);

/* Prints a JSON document (indented, UTF-8) on stdout and takes it. */
void voter_cli_print_json(json_t *doc);

/*
 * Reports error: as {"ok":false,"error":NAME,"message":TEXT,...extra} on
 * stdout with --json, else "ippyo-vote CMD: TEXT" on stderr. Takes extra
 * (may be NULL). Returns the exit code.
 */
int voter_cli_fail(const char *cmd, gboolean json, const GError *error, json_t *extra);

/* Parses the options; on failure prints the error and returns FALSE. */
gboolean voter_cli_parse(GOptionContext *ctx, const char *cmd, int *argc, char ***argv);

/* The subcommands (argv[0] is the command's name); each returns its exit code. */
int vote_election_main(int argc, char **argv);
int vote_vote_main(int argc, char **argv);
int vote_audit_main(int argc, char **argv);
int vote_receipt_main(int argc, char **argv);
int vote_check_main(int argc, char **argv);

G_END_DECLS
