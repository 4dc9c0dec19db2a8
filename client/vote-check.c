/* ippyo-vote check FILE: "is my ballot still there?" — inclusion and consistency now. */
#include <stdio.h>

#include <gio/gio.h>

#include "i18n.h"
#include "voter-cli.h"
#include "voter-election.h"
#include "voter-error.h"
#include "voter-receipt-store.h"

int
vote_check_main(int argc, char **argv)
{
	gboolean json = FALSE;
	gint retry_deadline = 30;
	GOptionEntry entries[] = {
		{ "retry-deadline", 0, 0, G_OPTION_ARG_INT, &retry_deadline,
		  N_("Give up after SECONDS when the chain cannot be reached (default 30)"),
		  N_("SECONDS") },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON instead of text"), NULL },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new(
	    _("RECEIPT — check that your ballot is still in the chain"));
	g_autoptr(GError) error = NULL;
	g_autoptr(IppyoSavedReceipt) saved = NULL;
	g_autoptr(IppyoReceiptStore) store = NULL;
	g_autoptr(IppyoElection) e = NULL;
	g_autoptr(GBytes) entry0 = NULL;
	g_autofree char *dir = NULL, *evidence = NULL;
	guint64 size = 0;

	g_option_context_add_main_entries(ctx, entries, GETTEXT_PACKAGE);
	g_option_context_set_summary(ctx, _("Fetches the chain's newest checkpoint and checks "
	    "that it is consistent with the checkpoint of your receipt and the one saved last "
	    "time, and that your ballot is in it. If the chain dropped your ballot or rewrote "
	    "its history, it says so and saves the two signed checkpoints that prove it next "
	    "to the receipt."));
	if (!voter_cli_parse(ctx, "check", &argc, &argv))
		return VOTE_EXIT_USAGE;
	if (argc != 2) {
		g_printerr("%s\n", _("Usage: ippyo-vote check RECEIPT"));
		return VOTE_EXIT_USAGE;
	}
	if ((saved = ippyo_saved_receipt_load(argv[1], &error)) == NULL)
		return voter_cli_fail("check", json, error, NULL);
	dir = g_path_get_dirname(argv[1]);
	store = ippyo_receipt_store_new_for_dir(dir);
	if ((entry0 = ippyo_receipt_store_load_manifest(store)) == NULL) {
		g_set_error(&error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_STORE,
		    _("The election's manifest (manifest.json) is missing next to the receipt "
		    "in %s."), dir);
		return voter_cli_fail("check", json, error, NULL);
	}
	if ((e = ippyo_election_new_offline(entry0, saved->chain_url, NULL, &error)) == NULL)
		return voter_cli_fail("check", json, error, NULL);
	g_object_set(ippyo_election_get_client(e), "retry-deadline-ms",
	    (guint)CLAMP(retry_deadline, 0, 86400) * 1000u, NULL);
	if (!ippyo_receipt_store_check_sync(store, e, argv[1], &size, &evidence, NULL, &error))
		return voter_cli_fail("check", json, error, evidence != NULL ?
		    json_pack("{s:s}", "evidence", evidence) : NULL);
	if (json) {
		voter_cli_print_json(json_pack("{s:b, s:s, s:I, s:I}", "ok", 1, "result", "included",
		    "index", (json_int_t)saved->index, "checkpoint_size", (json_int_t)size));
		return VOTE_EXIT_OK;
	}
	{
		/* Numbers as strings: a format macro inside _() breaks extraction. */
		g_autofree char *index = g_strdup_printf("%" G_GUINT64_FORMAT, saved->index);
		g_autofree char *size_text = g_strdup_printf("%" G_GUINT64_FORMAT, size);

		printf(_("Your ballot is still in the ballot chain (entry %s, checkpoint of %s "
		    "entries), and the chain's history is consistent with what it showed you "
		    "before.\n"), index, size_text);
	}
	return VOTE_EXIT_OK;
}
