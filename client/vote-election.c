/* ippyo-vote election URL|FILE: open an election, verified, and show it. */
#include <stdio.h>

#include <gio/gio.h>

#include "i18n.h"
#include "voter-cli.h"
#include "voter-election.h"

static const char *
state_name(IppyoElectionState s)
{
	switch (s) {
	case IPPYO_ELECTION_STATE_NOT_OPEN:
		return "not-open";
	case IPPYO_ELECTION_STATE_OPEN:
		return "open";
	case IPPYO_ELECTION_STATE_CLOSED:
	default:
		return "closed";
	}
}

static const char *
limits_text(uint32_t min, uint32_t max, size_t n, char *buf, size_t cap)
{
	if (min == 1 && max == 1)
		g_snprintf(buf, cap, "%s", _("choose one"));
	else if (min == 0 && max == 1)
		g_snprintf(buf, cap, "%s", _("choose one, or leave blank"));
	else if (min == max)
		g_snprintf(buf, cap, _("choose %u"), min);
	else
		g_snprintf(buf, cap, _("choose %u to %u of %zu"), min, max, n);
	return buf;
}

int
vote_election_main(int argc, char **argv)
{
	gboolean json = FALSE;
	GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON instead of text"), NULL },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new(_("URL|FILE — open an election"));
	g_autoptr(GError) error = NULL;
	g_autoptr(IppyoElection) e = NULL;
	g_autofree char *state = NULL;
	const ippyo_manifest *m;
	const char *lang = ippyo_election_lang();

	g_option_context_add_main_entries(ctx, entries, GETTEXT_PACKAGE);
	g_option_context_set_summary(ctx, _("Opens an election from its chain URL or from an "
	    "election file, verifies the officials' signature of the manifest and the chain's "
	    "signed checkpoint, and shows the title, contests, poll window and state."));
	if (!voter_cli_parse(ctx, "election", &argc, &argv))
		return VOTE_EXIT_USAGE;
	if (argc != 2) {
		g_printerr("%s\n", _("Usage: ippyo-vote election URL|FILE"));
		return VOTE_EXIT_USAGE;
	}
	if ((e = ippyo_election_open_sync(argv[1], NULL, &error)) == NULL)
		return voter_cli_fail("election", json, error, NULL);
	m = ippyo_election_get_manifest(e);
	state = ippyo_election_describe_state(e);
	if (json) {
		json_t *doc = json_object(), *contests = json_array();

		for (size_t c = 0; c < ippyo_manifest_contests(m); c++) {
			json_t *opts = json_array();

			for (size_t o = 0; o < ippyo_manifest_options(m, c); o++)
				json_array_append_new(opts, json_pack("{s:s, s:s}",
				    "id", ippyo_manifest_option_id(m, c, o),
				    "title", ippyo_manifest_option_title(m, c, o, lang)));
			json_array_append_new(contests, json_pack("{s:s, s:s, s:i, s:i, s:o}",
			    "id", ippyo_manifest_contest_id(m, c),
			    "title", ippyo_manifest_contest_title(m, c, lang),
			    "min", (json_int_t)ippyo_manifest_contest_min(m, c),
			    "max", (json_int_t)ippyo_manifest_contest_max(m, c),
			    "options", opts));
		}
		json_object_set_new(doc, "ok", json_true());
		json_object_set_new(doc, "election_id",
		    json_string(ippyo_election_get_election_id(e)));
		json_object_set_new(doc, "title", json_string(ippyo_election_get_title(e)));
		json_object_set_new(doc, "chain_url", json_string(ippyo_election_get_chain_url(e)));
		json_object_set_new(doc, "chain_origin",
		    json_string(ippyo_manifest_chain_origin(m)));
		json_object_set_new(doc, "poll_opens", json_string(ippyo_election_get_poll_opens(e)));
		json_object_set_new(doc, "poll_closes",
		    json_string(ippyo_election_get_poll_closes(e)));
		json_object_set_new(doc, "state",
		    json_string(state_name(ippyo_election_get_state(e))));
		json_object_set_new(doc, "state_text", json_string(state));
		json_object_set_new(doc, "checkpoint_size",
		    json_integer((json_int_t)ippyo_election_get_checkpoint_size(e)));
		json_object_set_new(doc, "roll_available",
		    json_boolean(ippyo_election_get_roll(e) != NULL));
		if (ippyo_election_get_roll_problem(e) != NULL)
			json_object_set_new(doc, "roll_problem",
			    json_string(ippyo_election_get_roll_problem(e)));
		json_object_set_new(doc, "revocation_available",
		    json_boolean(ippyo_election_get_revocation_problem(e) == NULL));
		if (ippyo_election_get_revocation_problem(e) != NULL)
			json_object_set_new(doc, "revocation_problem",
			    json_string(ippyo_election_get_revocation_problem(e)));
		json_object_set_new(doc, "contests", contests);
		voter_cli_print_json(doc);
		return VOTE_EXIT_OK;
	}
	printf("%s\n", ippyo_election_get_title(e));
	printf("  %s %s\n", _("Election:"), ippyo_election_get_election_id(e));
	printf("  %s %s\n", _("Chain:"), ippyo_election_get_chain_url(e));
	printf("  %s %s – %s (UTC)\n", _("Poll:"), ippyo_election_get_poll_opens(e),
	    ippyo_election_get_poll_closes(e));
	printf("  %s\n", state);
	printf("  %s %" G_GUINT64_FORMAT "\n", _("Entries in the chain (verified checkpoint):"),
	    ippyo_election_get_checkpoint_size(e));
	if (ippyo_election_get_roll_problem(e) != NULL)
		printf("  %s\n", ippyo_election_get_roll_problem(e));
	if (ippyo_election_get_revocation_problem(e) != NULL)
		printf("  %s\n", ippyo_election_get_revocation_problem(e));
	for (size_t c = 0; c < ippyo_manifest_contests(m); c++) {
		char lim[128];

		printf("\n%s [%s] (%s)\n", ippyo_manifest_contest_title(m, c, lang),
		    ippyo_manifest_contest_id(m, c),
		    limits_text(ippyo_manifest_contest_min(m, c), ippyo_manifest_contest_max(m, c),
		    ippyo_manifest_options(m, c), lim, sizeof(lim)));
		for (size_t o = 0; o < ippyo_manifest_options(m, c); o++)
			printf("  - %s [%s]\n", ippyo_manifest_option_title(m, c, o, lang),
			    ippyo_manifest_option_id(m, c, o));
	}
	return VOTE_EXIT_OK;
}
