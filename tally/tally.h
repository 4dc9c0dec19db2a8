/* ippyo-tally — the program skeleton: subcommand table, common options,
 * exit codes and the small file helpers every subcommand shares. */
#pragma once

#include <glib.h>
#include <jansson.h>

#include "tally-error.h"

G_BEGIN_DECLS

/*
 * Exit codes of every subcommand (documented in docs/ippyo-tally.md).
 * A GError's TALLY_ERROR code is one of these; tally_error_exit_code()
 * maps the other domains.
 */
typedef enum {
	TALLY_EXIT_OK = 0,        /* done; for checks: everything verified */
	TALLY_EXIT_USAGE = 1,     /* bad command line */
	TALLY_EXIT_INVALID = 2,   /* an input file is malformed or breaks a rule */
	TALLY_EXIT_VERIFY = 3,    /* well-formed input that fails a check (signature, proof, consistency) */
	TALLY_EXIT_IO = 4,        /* reading, writing or the network failed */
	TALLY_EXIT_INTERNAL = 5,  /* a bug, out of memory, the CSPRNG failed */
} TallyExit;

typedef struct _TallyCommand TallyCommand;

/* What the dispatcher hands to a subcommand. */
typedef struct {
	const TallyCommand *command;
	gboolean json;            /* --json: machine-readable report on stdout */
	gboolean quiet;           /* --quiet: no progress lines on stderr */
} TallyContext;

/*
 * A subcommand: argv[0] is "ippyo-tally NAME". It parses its options with
 * tally_context_parse(), does its work, and returns TRUE, or FALSE with
 * *error set (the dispatcher prints "ippyo-tally NAME: message" on stderr
 * and exits with tally_error_exit_code(error)).
 */
typedef gboolean (*TallyCommandFunc)(TallyContext *ctx, int argc, char **argv, GError **error);

struct _TallyCommand {
	const char *name;
	const char *parameter_string;   /* after the options in --help, e.g. "URL|DIR" */
	const char *summary;            /* one line */
	TallyCommandFunc run;
};

/* ---- subcommands: one prototype each; tally.c's table lists them ---- */
/* Election setup (officials, trustees). */
gboolean tally_cmd_keygen(TallyContext *ctx, int argc, char **argv, GError **error);
gboolean tally_cmd_init(TallyContext *ctx, int argc, char **argv, GError **error);
gboolean tally_cmd_ceremony(TallyContext *ctx, int argc, char **argv, GError **error);
gboolean tally_cmd_seal(TallyContext *ctx, int argc, char **argv, GError **error);
gboolean tally_cmd_close(TallyContext *ctx, int argc, char **argv, GError **error);
gboolean tally_cmd_witness(TallyContext *ctx, int argc, char **argv, GError **error);
/* Observers and the tally (tally-verify.c ... tally-result.c): add below. */
gboolean tally_cmd_verify(TallyContext *ctx, int argc, char **argv, GError **error);
gboolean tally_cmd_aggregate(TallyContext *ctx, int argc, char **argv, GError **error);
gboolean tally_cmd_decrypt(TallyContext *ctx, int argc, char **argv, GError **error);
gboolean tally_cmd_combine(TallyContext *ctx, int argc, char **argv, GError **error);
gboolean tally_cmd_result(TallyContext *ctx, int argc, char **argv, GError **error);
gboolean tally_cmd_append(TallyContext *ctx, int argc, char **argv, GError **error);
/* ---- end of subcommand prototypes ---- */

/* The table, terminated by a NULL name. */
const TallyCommand *tally_commands(void);
const TallyCommand *tally_command_find(const char *name);

/*
 * The program: argv[1] names the subcommand. Returns the exit code.
 * Also "help [NAME]", "--help", "--version".
 */
int tally_main(int argc, char **argv);

/*
 * Parses a subcommand's options: its entries plus the common ones (--json,
 * --quiet), with --help built from the command's name, parameter string and
 * summary; description (may be NULL) goes after the options. On return
 * argv holds argv[0] and the positional arguments. A bad option sets a
 * TALLY_ERROR_USAGE error (code TALLY_EXIT_USAGE).
 */
gboolean tally_context_parse(TallyContext *ctx, const GOptionEntry *entries,
    const char *description, int *argc, char ***argv, GError **error);

/* Sets a usage error (exit code 1) with a printf-style message. */
void tally_set_usage_error(GError **error, const char *format, ...) G_GNUC_PRINTF(2, 3);

/* Progress on stderr unless --quiet. */
void tally_progress(const TallyContext *ctx, const char *format, ...) G_GNUC_PRINTF(2, 3);

/* Reads a whole regular file of at most max bytes (exit 4 if unreadable,
 * 2 if larger). The result is NUL-terminated; *len excludes the NUL. */
gboolean tally_read_file(const char *path, gsize max, char **contents, gsize *len,
    GError **error);

/* Writes a file atomically: a temporary file in the same folder created with
 * mode, written, fsync()ed, renamed over path, then the folder fsync()ed. */
gboolean tally_write_file(const char *path, const void *data, gsize len, int mode,
    GError **error);

/* Creates a folder (and its parents) with mode if it does not exist. */
gboolean tally_make_dir(const char *path, int mode, GError **error);

/* Prints a JSON value on stdout, indented, with a final newline. */
gboolean tally_print_json(const json_t *value, GError **error);

G_END_DECLS
