/* ippyo-vote — what the voting subcommands share: exit codes, output, errors. */
#include "voter-cli.h"

#include <stdio.h>
#include <stdlib.h>

#include <gio/gio.h>

#include "i18n.h"
#include "voter-error.h"

int
voter_cli_exit_for(const GError *error)
{
	if (error == NULL)
		return VOTE_EXIT_OK;
	if (error->domain != IPPYO_VOTER_ERROR)
		return VOTE_EXIT_USAGE;
	switch ((IppyoVoterError)error->code) {
	case IPPYO_VOTER_ERROR_NO_PCSC:
	case IPPYO_VOTER_ERROR_NO_READER:
	case IPPYO_VOTER_ERROR_NO_CARD:
	case IPPYO_VOTER_ERROR_NOT_MYNUMBER:
	case IPPYO_VOTER_ERROR_CARD_AMBIGUOUS:
	case IPPYO_VOTER_ERROR_CARD_REMOVED:
	case IPPYO_VOTER_ERROR_CARD:
	case IPPYO_VOTER_ERROR_WRONG_CARD:
		return VOTE_EXIT_CARD;
	case IPPYO_VOTER_ERROR_PIN_FORMAT:
	case IPPYO_VOTER_ERROR_PIN_WRONG:
	case IPPYO_VOTER_ERROR_PIN_LAST_TRY:
		return VOTE_EXIT_PIN;
	case IPPYO_VOTER_ERROR_PIN_LOCKED:
		return VOTE_EXIT_PIN_LOCKED;
	case IPPYO_VOTER_ERROR_CERT_EXPIRED:
	case IPPYO_VOTER_ERROR_CERT_NOT_YET_VALID:
	case IPPYO_VOTER_ERROR_NOT_ON_ROLL:
	case IPPYO_VOTER_ERROR_CERT_REVOKED:
	case IPPYO_VOTER_ERROR_CERT_UNTRUSTED:
		return VOTE_EXIT_NOT_ELIGIBLE;
	case IPPYO_VOTER_ERROR_ELECTION:
		return VOTE_EXIT_ELECTION;
	case IPPYO_VOTER_ERROR_NOT_OPEN:
	case IPPYO_VOTER_ERROR_CLOSED:
		return VOTE_EXIT_POLL;
	case IPPYO_VOTER_ERROR_CHOICE:
		return VOTE_EXIT_USAGE;
	case IPPYO_VOTER_ERROR_NETWORK:
		return VOTE_EXIT_NETWORK;
	case IPPYO_VOTER_ERROR_REJECTED:
		return VOTE_EXIT_REJECTED;
	case IPPYO_VOTER_ERROR_BAD_RECEIPT:
	case IPPYO_VOTER_ERROR_AUDIT:
		return VOTE_EXIT_INVALID;
	case IPPYO_VOTER_ERROR_FORK:
	case IPPYO_VOTER_ERROR_DROPPED:
		return VOTE_EXIT_FORK;
	case IPPYO_VOTER_ERROR_STORE:
		return VOTE_EXIT_STORE;
	case IPPYO_VOTER_ERROR_FAILED:
	default:
		return VOTE_EXIT_ELECTION;
	}
}

const char *
voter_cli_exit_help(void)
{
	return _("Exit status:\n"
	    "   0  done\n"
	    "   1  usage error (options, choices)\n"
	    "   2  the election cannot be opened or does not verify\n"
	    "   3  the ballot chain cannot be reached (a signed ballot is kept)\n"
	    "   4  card problem: no service, reader or card, not a My Number card, taken out\n"
	    "   5  wrong PIN (the message says how many tries are left)\n"
	    "   6  the PIN is locked\n"
	    "   7  the card may not vote: certificate expired, not yet valid or revoked, not\n"
	    "      issued by the election's card authority, or not on the roll\n"
	    "   8  the poll is not open yet, or closed\n"
	    "   9  the chain refused the ballot (the message says why)\n"
	    "  10  a receipt, checkpoint or audit record does not verify\n"
	    "  11  the chain forked or dropped the ballot (evidence saved)\n"
	    "  12  the receipt folder cannot be read or written\n");
}

void
voter_cli_print_json(json_t *doc)
{
	char *s = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);

	if (s != NULL) {
		fputs(s, stdout);
		fputc('\n', stdout);
		fflush(stdout);
		free(s);
	}
	json_decref(doc);
}

int
voter_cli_fail(const char *cmd, gboolean json, const GError *error, json_t *extra)
{
	int code = voter_cli_exit_for(error);

	if (json) {
		json_t *doc = extra != NULL ? extra : json_object();

		json_object_set_new(doc, "ok", json_false());
		json_object_set_new(doc, "error", json_string(ippyo_voter_error_name(error)));
		json_object_set_new(doc, "message", json_string(error->message));
		json_object_set_new(doc, "exit", json_integer(code));
		voter_cli_print_json(doc);
	} else {
		json_decref(extra);
		g_printerr("ippyo-vote %s: %s\n", cmd, error->message);
	}
	return code;
}

gboolean
voter_cli_parse(GOptionContext *ctx, const char *cmd, int *argc, char ***argv)
{
	g_autoptr(GError) error = NULL;

	g_option_context_set_translation_domain(ctx, GETTEXT_PACKAGE);
	g_option_context_set_description(ctx, voter_cli_exit_help());
	if (!g_option_context_parse(ctx, argc, argv, &error)) {
		g_printerr("ippyo-vote %s: %s\n", cmd, error->message);
		return FALSE;
	}
	return TRUE;
}
