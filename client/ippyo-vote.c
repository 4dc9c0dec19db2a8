/*
 * ippyo-vote: the voter's terminal program. A thin main: it sets up the
 * locale and hands over to the subcommand (the subcommands live in the
 * ippyo-vote static library, so that tests link the same code).
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "i18n.h"
#include "vote-card.h"
#ifdef IPPYO_HAVE_VOTER
#include "voter-cli.h"
#endif

typedef struct {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *summary;
} subcommand;

static const subcommand subcommands[] = {
	{ "card", vote_card_main, N_("Show the card readers and your My Number card") },
#ifdef IPPYO_HAVE_VOTER
	{ "election", vote_election_main, N_("Open an election and show it (verified)") },
	{ "vote", vote_vote_main, N_("Vote with your My Number card") },
	{ "audit", vote_audit_main, N_("Check an audited encryption (second device)") },
	{ "receipt", vote_receipt_main, N_("Verify a saved receipt offline") },
	{ "check", vote_check_main, N_("Check that your ballot is still in the chain") },
#endif
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "%s\n\n%s\n", _("Usage: ippyo-vote COMMAND [OPTIONS]"), _("Commands:"));
	for (i = 0; i < G_N_ELEMENTS(subcommands); i++)
		fprintf(f, "  %-8s %s\n", subcommands[i].name, _(subcommands[i].summary));
	fprintf(f, "\n%s\n", _("Run “ippyo-vote COMMAND --help” for the options of a command."));
}

int
main(int argc, char **argv)
{
	size_t i;

	setlocale(LC_ALL, "");
	bindtextdomain(GETTEXT_PACKAGE, IPPYO_LOCALEDIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	textdomain(GETTEXT_PACKAGE);

	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < G_N_ELEMENTS(subcommands); i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].main(argc - 1, argv + 1);
	fprintf(stderr, _("ippyo-vote: unknown command “%s”\n"), argv[1]);
	usage(stderr);
	return 1;
}
