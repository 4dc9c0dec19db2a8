/* ippyo-vote receipt verify FILE: a saved receipt, verified offline. */
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>

#include "election/ballot.h"
#include "encoding.h"
#include "i18n.h"
#include "voter-cli.h"
#include "voter-election.h"
#include "voter-error.h"
#include "voter-receipt-store.h"

/* The manifest of a receipt: --manifest, else manifest.json next to the receipt. */
static GBytes *
load_manifest(const char *receipt_path, const char *manifest_path, GError **error)
{
	g_autofree char *dir = g_path_get_dirname(receipt_path);
	g_autofree char *path = manifest_path != NULL ? g_strdup(manifest_path) :
	    g_build_filename(dir, "manifest.json", NULL);
	g_autoptr(GFile) f = g_file_new_for_path(path);
	g_autoptr(GError) local = NULL;
	GBytes *b = g_file_load_bytes(f, NULL, NULL, &local);

	if (b == NULL)
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_ELECTION,
		    _("The election's manifest is needed to know the chain's key: %s. Give it "
		    "with --manifest FILE, or the chain's key with --vkey."), local->message);
	return b;
}

int
vote_receipt_main(int argc, char **argv)
{
	gboolean json = FALSE;
	g_autofree char *manifest_path = NULL, *vkey = NULL;
	GOptionEntry entries[] = {
		{ "manifest", 'm', 0, G_OPTION_ARG_FILENAME, &manifest_path,
		  N_("The election's manifest entry (default: manifest.json next to the receipt)"),
		  N_("FILE") },
		{ "vkey", 0, 0, G_OPTION_ARG_STRING, &vkey,
		  N_("The chain's verifier key (C2SP note key: ORIGIN+ID+KEY) instead of the "
		  "manifest's"), N_("VKEY") },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON instead of text"), NULL },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new(
	    _("verify FILE — verify a saved receipt offline"));
	g_autoptr(GError) error = NULL;
	g_autoptr(IppyoSavedReceipt) saved = NULL;
	g_autoptr(IppyoElection) e = NULL;
	g_autoptr(IppyoChainClient) client = NULL;
	g_autoptr(IppyoChainReceipt) rc = NULL;
	g_autoptr(GBytes) entry0 = NULL;
	IppyoSignedCheckpoint *cp;
	guint8 code[IPPYO_TRACKING_CODE_BYTES];
	char code_short[IPPYO_TRACKING_SHORT_LEN + 1];

	g_option_context_add_main_entries(ctx, entries, GETTEXT_PACKAGE);
	g_option_context_set_summary(ctx, _("Verifies, without the network, that a receipt "
	    "saved by ippyo-vote or ippyo proves its ballot: the checkpoint is signed by the "
	    "chain's key (from the election's manifest, or --vkey), the inclusion proof leads "
	    "from the ballot to that checkpoint, the ballot is signed by the card, and the "
	    "tracking code is the ballot's."));
	if (!voter_cli_parse(ctx, "receipt", &argc, &argv))
		return VOTE_EXIT_USAGE;
	if (argc != 3 || !g_str_equal(argv[1], "verify")) {
		g_printerr("%s\n", _("Usage: ippyo-vote receipt verify FILE [--manifest FILE | "
		    "--vkey VKEY]"));
		return VOTE_EXIT_USAGE;
	}
	if ((saved = ippyo_saved_receipt_load(argv[2], &error)) == NULL)
		return voter_cli_fail("receipt", json, error, NULL);
	if (vkey != NULL) {
		g_autofree char *origin = g_strndup(vkey, strcspn(vkey, "+"));
		g_autoptr(GError) local = NULL;

		client = ippyo_chain_client_new(saved->chain_url, origin, vkey, NULL, &local);
		if (client == NULL) {
			g_set_error(&error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_ELECTION,
			    _("The chain's key cannot be used: %s"), local->message);
			return voter_cli_fail("receipt", json, error, NULL);
		}
	} else {
		if ((entry0 = load_manifest(argv[2], manifest_path, &error)) == NULL ||
		    (e = ippyo_election_new_offline(entry0, saved->chain_url, NULL, &error)) == NULL)
			return voter_cli_fail("receipt", json, error, NULL);
		if (!g_str_equal(ippyo_election_get_election_id(e), saved->election_id)) {
			g_set_error_literal(&error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_BAD_RECEIPT,
			    _("The receipt is for another election than the manifest."));
			return voter_cli_fail("receipt", json, error, NULL);
		}
		client = g_object_ref(ippyo_election_get_client(e));
	}
	if ((rc = ippyo_receipt_verify_offline(saved, client, &error)) == NULL)
		return voter_cli_fail("receipt", json, error, NULL);
	cp = ippyo_chain_receipt_get_checkpoint(rc);
	if (ippyo_hex_decode_exact(saved->tracking_code, code, sizeof(code)) != 0)
		code_short[0] = '\0';
	else
		ippyo_tracking_code_short(code, code_short);
	if (json) {
		voter_cli_print_json(json_pack("{s:b, s:s, s:s, s:I, s:s, s:s, s:I, s:s}",
		    "ok", 1, "result", "valid", "election_id", saved->election_id,
		    "index", (json_int_t)saved->index, "tracking_code", code_short,
		    "tracking_code_hex", saved->tracking_code,
		    "checkpoint_size", (json_int_t)ippyo_signed_checkpoint_get_size(cp),
		    "recorded_at", saved->recorded_at));
		return VOTE_EXIT_OK;
	}
	printf("%s\n", _("The receipt is valid: the chain signed that it holds this ballot."));
	printf("  %s %s\n", _("Tracking code:"), code_short);
	printf("  %s %" G_GUINT64_FORMAT "\n", _("Entry:"), saved->index);
	printf("  %s %" G_GUINT64_FORMAT "\n", _("Checkpoint size:"),
	    ippyo_signed_checkpoint_get_size(cp));
	printf("  %s %s\n", _("Recorded at:"), saved->recorded_at);
	return VOTE_EXIT_OK;
}
