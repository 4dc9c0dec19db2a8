/* ippyo-tally — subcommand table, dispatcher, common options and file helpers. */
#include "tally.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "json-wipe.h"

/*
 * The subcommands, in the order --help lists them. One line each; a new
 * subcommand adds its line in its group and its prototype in tally.h.
 */
static const TallyCommand commands[] = {
	/* ---- election setup: officials and trustees ---- */
	{ "keygen", "", "Make the officials' key, the chain's key or a witness's key", tally_cmd_keygen },
	{ "init", "ELECTION.toml", "Write the draft manifest and the voter roll from an election file", tally_cmd_init },
	{ "ceremony", "round1|round2|round3", "Run a trustee's round of the key ceremony", tally_cmd_ceremony },
	{ "seal", "", "Seal the manifest with the ceremony's keys: entry 0 of the chain", tally_cmd_seal },
	{ "close", "[URL]", "Close the poll: the officials' signed close entry", tally_cmd_close },
	{ "append", "URL ENTRY.json...", "Append the officials' signed entries to the chain", tally_cmd_append },
	{ "witness", "", "Serve a C2SP tlog-witness that cosigns consistent checkpoints", tally_cmd_witness },
	/* ---- observers and the tally: add one line each below ---- */
	{ "verify", "URL|DIR", "Verify the whole election record (the observer's tool)", tally_cmd_verify },
	{ "aggregate", "URL|DIR", "The encrypted totals of the counted ballots, as JSON", tally_cmd_aggregate },
	{ "decrypt", "", "A trustee's partial decryption of the totals, with proofs", tally_cmd_decrypt },
	{ "combine", "PARTIAL...", "Combine t partial decryptions into the result entries", tally_cmd_combine },
	{ "result", "URL|DIR", "The verified result: table, JSON or an HTML report", tally_cmd_result },
	/* ---- end of the table ---- */
	{ NULL, NULL, NULL, NULL }
};

const TallyCommand *
tally_commands(void)
{
	return commands;
}

const TallyCommand *
tally_command_find(const char *name)
{
	const TallyCommand *c;

	for (c = commands; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static void
print_usage(FILE *f)
{
	const TallyCommand *c;

	fprintf(f, "Usage:\n  ippyo-tally COMMAND [OPTION…] [ARGUMENT…]\n\n"
	    "The tool of election officials, trustees and observers.\n\nCommands:\n");
	for (c = commands; c->name != NULL; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\nRun \"ippyo-tally COMMAND --help\" for the options of a command.\n"
	    "Exit codes: 0 ok, 1 usage, 2 invalid input, 3 verification failed,\n"
	    "4 I/O or network, 5 internal error.\n");
}

void
tally_set_usage_error(GError **error, const char *format, ...)
{
	g_autofree char *msg = NULL;
	va_list ap;

	va_start(ap, format);
	msg = g_strdup_vprintf(format, ap);
	va_end(ap);
	g_set_error_literal(error, TALLY_ERROR, TALLY_EXIT_USAGE, msg);
}

void
tally_progress(const TallyContext *ctx, const char *format, ...)
{
	g_autofree char *msg = NULL;
	va_list ap;

	if (ctx->quiet)
		return;
	va_start(ap, format);
	msg = g_strdup_vprintf(format, ap);
	va_end(ap);
	g_printerr("%s\n", msg);
}

gboolean
tally_context_parse(TallyContext *ctx, const GOptionEntry *entries,
    const char *description, int *argc, char ***argv, GError **error)
{
	const GOptionEntry common[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &ctx->json,
		  "Report as JSON on standard output", NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &ctx->quiet,
		  "No progress messages on standard error", NULL },
		{ NULL }
	};
	g_autofree char *param = NULL;
	g_autoptr(GOptionContext) oc = NULL;
	g_autoptr(GError) local = NULL;

	/* The usage line is "<prgname> [OPTION…] <parameters>", prgname "ippyo-tally NAME". */
	param = g_strdup(ctx->command->parameter_string);
	oc = g_option_context_new(param);
	g_option_context_set_summary(oc, ctx->command->summary);
	if (description != NULL)
		g_option_context_set_description(oc, description);
	if (entries != NULL)
		g_option_context_add_main_entries(oc, entries, NULL);
	g_option_context_add_main_entries(oc, common, NULL);
	g_option_context_set_strict_posix(oc, FALSE);
	if (!g_option_context_parse(oc, argc, argv, &local)) {
		g_set_error_literal(error, TALLY_ERROR, TALLY_EXIT_USAGE, local->message);
		return FALSE;
	}
	return TRUE;
}

gboolean
tally_read_file(const char *path, gsize max, char **contents, gsize *len, GError **error)
{
	g_autofree char *data = NULL;
	gsize n = 0;
	GStatBuf st;

	*contents = NULL;
	if (len != NULL)
		*len = 0;
	if (g_stat(path, &st) != 0) {
		int e = errno;
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e),
		    "%s: %s", path, g_strerror(e));
		return FALSE;
	}
	if (!S_ISREG(st.st_mode)) {
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_INVALID, "%s: not a regular file", path);
		return FALSE;
	}
	if ((guint64)st.st_size > max) {
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_INVALID,
		    "%s: larger than %" G_GSIZE_FORMAT " bytes", path, max);
		return FALSE;
	}
	if (!g_file_get_contents(path, &data, &n, error))
		return FALSE;
	if (n > max) {
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_INVALID,
		    "%s: larger than %" G_GSIZE_FORMAT " bytes", path, max);
		return FALSE;
	}
	*contents = g_steal_pointer(&data);
	if (len != NULL)
		*len = n;
	return TRUE;
}

static gboolean
set_errno_error(GError **error, const char *what, const char *path, int e)
{
	g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s %s: %s",
	    what, path, g_strerror(e));
	return FALSE;
}

gboolean
tally_write_file(const char *path, const void *data, gsize len, int mode, GError **error)
{
	g_autofree char *dir = g_path_get_dirname(path);
	g_autofree char *base = g_path_get_basename(path);
	g_autofree char *tmp = NULL;
	const guint8 *p = data;
	gsize off = 0;
	int fd, dfd, e;

	tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
	fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, mode);
	if (fd < 0)
		return set_errno_error(error, "cannot create a file next to", path, errno);
	/* g_mkstemp_full honours the umask; a secret file must be exactly mode. */
	if (fchmod(fd, mode) != 0)
		goto fail;
	while (off < len) {
		ssize_t w = write(fd, p + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (gsize)w;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return set_errno_error(error, "cannot open the folder of", path, errno);
	if (fsync(dfd) != 0) {
		e = errno;
		close(dfd);
		return set_errno_error(error, "cannot sync the folder of", path, e);
	}
	close(dfd);
	return TRUE;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	(void)unlink(tmp);
	return set_errno_error(error, "cannot write", path, e);
}

gboolean
tally_make_dir(const char *path, int mode, GError **error)
{
	if (g_mkdir_with_parents(path, mode) != 0)
		return set_errno_error(error, "cannot create the folder", path, errno);
	return TRUE;
}

gboolean
tally_print_json(const json_t *value, GError **error)
{
	char *s = json_dumps(value, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	if (s == NULL) {
		g_set_error_literal(error, TALLY_ERROR, TALLY_EXIT_INTERNAL,
		    "cannot serialise the JSON report");
		return FALSE;
	}
	fputs(s, stdout);
	fputc('\n', stdout);
	ippyo_json_free(s);
	if (fflush(stdout) != 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
		    "standard output: %s", g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

int
tally_main(int argc, char **argv)
{
	const TallyCommand *c;
	TallyContext ctx = { 0 };
	g_autoptr(GError) error = NULL;
	g_autofree char *argv0 = NULL;

	if (argc < 2) {
		print_usage(stderr);
		return TALLY_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    (strcmp(argv[1], "help") == 0 && argc == 2)) {
		print_usage(stdout);
		return TALLY_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		g_print("ippyo-tally %s\n", IPPYO_VERSION);
		return TALLY_EXIT_OK;
	}
	if (strcmp(argv[1], "help") == 0) {
		/* "help NAME" is "NAME --help". */
		char *hargv[3];

		c = tally_command_find(argv[2]);
		if (c == NULL) {
			g_printerr("ippyo-tally: unknown command \"%s\"\n", argv[2]);
			return TALLY_EXIT_USAGE;
		}
		argv0 = g_strdup_printf("ippyo-tally %s", c->name);
		g_set_prgname(argv0);
		hargv[0] = argv0;
		hargv[1] = (char *)"--help";
		hargv[2] = NULL;
		ctx.command = c;
		return c->run(&ctx, 2, hargv, &error) ? TALLY_EXIT_OK : TALLY_EXIT_USAGE;
	}
	c = tally_command_find(argv[1]);
	if (c == NULL) {
		g_printerr("ippyo-tally: unknown command \"%s\" (see ippyo-tally --help)\n",
		    argv[1]);
		return TALLY_EXIT_USAGE;
	}
	ctx.command = c;
	argv0 = g_strdup_printf("ippyo-tally %s", c->name);
	g_set_prgname(argv0);
	argv[1] = argv0;
	if (!c->run(&ctx, argc - 1, argv + 1, &error)) {
		int code = tally_error_exit_code(error);

		if (error != NULL)
			g_printerr("ippyo-tally %s: %s\n", c->name, error->message);
		else
			code = TALLY_EXIT_INTERNAL;
		return code == TALLY_EXIT_OK ? TALLY_EXIT_INTERNAL : code;
	}
	return TALLY_EXIT_OK;
}
