/*
 * ippyo-vote audit FILE|-: the second device of a Benaloh audit. Recomputes
 * the ballot from the manifest, the seed, the choices and the voter binding
 * of an audit record and compares its tracking code; no card needed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <openssl/crypto.h>

#include "election/ballot.h"
#include "error.h"
#include "i18n.h"
#include "voter-cli.h"
#include "voter-election.h"
#include "voter-error.h"

#define AUDIT_MAX (64 * 1024)

static GBytes *
read_input(const char *path, GError **error)
{
	if (g_str_equal(path, "-")) {
		GByteArray *a = g_byte_array_new();
		guint8 buf[4096];
		size_t n;

		while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0 && a->len <= AUDIT_MAX)
			g_byte_array_append(a, buf, (guint)n);
		return g_byte_array_free_to_bytes(a);
	} else {
		g_autoptr(GFile) f = g_file_new_for_path(path);

		return g_file_load_bytes(f, NULL, NULL, error);
	}
}

static int
audit_fail(gboolean json, const char *msg)
{
	g_autoptr(GError) error = g_error_new_literal(IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_AUDIT,
	    msg);

	return voter_cli_fail("audit", json, error, NULL);
}

int
vote_audit_main(int argc, char **argv)
{
	gboolean json = FALSE;
	g_autofree char *manifest_path = NULL, *shown = NULL;
	GOptionEntry entries[] = {
		{ "manifest", 'm', 0, G_OPTION_ARG_FILENAME, &manifest_path,
		  N_("The election's manifest entry (entry 0 of the chain, e.g. manifest.json of "
		  "a receipt folder) instead of fetching it from the chain URL in the record"),
		  N_("FILE") },
		{ "tracking-code", 't', 0, G_OPTION_ARG_STRING, &shown,
		  N_("The tracking code the voting device showed, to compare"), N_("CODE") },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON instead of text"), NULL },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new(
	    _("FILE|- — check an audited encryption on another device"));
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) input = NULL;
	g_autoptr(IppyoElection) e = NULL;
	const ippyo_manifest *m;
	json_t *doc = NULL, *record, *v;
	json_error_t jerr;
	const char *chain_url = NULL, *lang = ippyo_election_lang();
	char *rec_text = NULL;
	ippyo_audit *a = NULL;
	ippyo_ballot *rebuilt = NULL;
	char code_short[IPPYO_TRACKING_SHORT_LEN + 1], code_hex[2 * IPPYO_TRACKING_CODE_BYTES + 1];
	int r, ret;

	g_option_context_add_main_entries(ctx, entries, GETTEXT_PACKAGE);
	g_option_context_set_summary(ctx, _("Reads an audit file (written by `ippyo-vote vote "
	    "--audit-first` or shown as a QR code by ippyo), recomputes the encrypted ballot "
	    "from the manifest, the seed, the choices and the voter binding, and checks that "
	    "its tracking code is the one the voting device showed. An audited encryption is "
	    "never cast."));
	if (!voter_cli_parse(ctx, "audit", &argc, &argv))
		return VOTE_EXIT_USAGE;
	if (argc != 2) {
		g_printerr("%s\n", _("Usage: ippyo-vote audit FILE|- [--manifest FILE]"));
		return VOTE_EXIT_USAGE;
	}
	if ((input = read_input(argv[1], &error)) == NULL) {
		g_printerr("ippyo-vote audit: %s\n", error->message);
		return VOTE_EXIT_USAGE;
	}
	if (g_bytes_get_size(input) > AUDIT_MAX ||
	    (doc = json_loadb(g_bytes_get_data(input, NULL), g_bytes_get_size(input),
	    JSON_REJECT_DUPLICATES, &jerr)) == NULL || !json_is_object(doc)) {
		json_decref(doc);
		return audit_fail(json, _("This is not an audit file (strict JSON)."));
	}
	/* an audit file {"chain_url","record","version"} or a bare audit record */
	if ((record = json_object_get(doc, "record")) != NULL) {
		const char *k;

		json_object_foreach(doc, k, v) {
			if (!g_str_equal(k, "chain_url") && !g_str_equal(k, "record") &&
			    !g_str_equal(k, "version")) {
				json_decref(doc);
				return audit_fail(json, _("The audit file has an unknown key."));
			}
		}
		v = json_object_get(doc, "version");
		if (!json_is_integer(v) || json_integer_value(v) != 1 ||
		    !json_is_string(json_object_get(doc, "chain_url")) || !json_is_object(record)) {
			json_decref(doc);
			return audit_fail(json, _("The audit file is malformed."));
		}
		chain_url = json_string_value(json_object_get(doc, "chain_url"));
	} else {
		record = doc;
	}

	/* the manifest: given, or from the chain (verified like `ippyo-vote election`) */
	if (manifest_path != NULL) {
		g_autoptr(GFile) f = g_file_new_for_path(manifest_path);
		g_autoptr(GBytes) entry0 = g_file_load_bytes(f, NULL, NULL, &error);

		if (entry0 != NULL)
			e = ippyo_election_new_offline(entry0, NULL, NULL, &error);
	} else if (chain_url != NULL) {
		e = ippyo_election_open_sync(chain_url, NULL, &error);
	} else {
		g_set_error_literal(&error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_ELECTION,
		    _("This audit record names no chain: give the election's manifest with "
		    "--manifest FILE."));
	}
	if (e == NULL) {
		json_decref(doc);
		if (error->domain != IPPYO_VOTER_ERROR)
			g_prefix_error(&error, "%s: ", manifest_path);
		return voter_cli_fail("audit", json, error, NULL);
	}
	m = ippyo_election_get_manifest(e);

	rec_text = json_dumps(record, JSON_COMPACT | JSON_SORT_KEYS);
	if (rec_text == NULL ||
	    (r = ippyo_audit_parse(&a, m, (const uint8_t *)rec_text, strlen(rec_text))) != 0) {
		g_autofree char *msg = g_strdup_printf(_("The audit record is not valid for this "
		    "election (%s)."), ippyo_strerror(rec_text == NULL ? IPPYO_ERR_ALLOC : r));

		ret = audit_fail(json, msg);
		goto out;
	}
	ippyo_tracking_code_short(ippyo_audit_tracking_code(a), code_short);
	ippyo_tracking_code_hex(ippyo_audit_tracking_code(a), code_hex);
	if ((r = ippyo_audit_check(a, m, ippyo_election_get_key(e), NULL, 0, &rebuilt)) != 0) {
		g_autofree char *msg = g_strdup_printf(_("THE ENCRYPTION IS WRONG: the ballot "
		    "recomputed from the seed and the choices does not have the tracking code %s "
		    "(%s). Do not vote on that device; tell the election office."), code_short,
		    ippyo_strerror(r));

		ret = audit_fail(json, msg);
		goto out;
	}
	if (shown != NULL && !ippyo_tracking_code_matches(shown, ippyo_audit_tracking_code(a))) {
		g_autofree char *msg = g_strdup_printf(_("The audit record is for tracking code %s, "
		    "not for the code %s the voting device showed. Do not vote on that device; "
		    "tell the election office."), code_short, shown);

		ret = audit_fail(json, msg);
		goto out;
	}
	if (json) {
		json_t *out = json_object(), *contests = json_array();

		for (size_t c = 0; c < ippyo_manifest_contests(m); c++) {
			json_t *sel = json_array();

			for (size_t o = 0; o < ippyo_manifest_options(m, c); o++)
				if (ippyo_choices_get(ippyo_audit_choices(a), c, o) == 1)
					json_array_append_new(sel,
					    json_string(ippyo_manifest_option_id(m, c, o)));
			json_array_append_new(contests, json_pack("{s:s, s:o}", "contest",
			    ippyo_manifest_contest_id(m, c), "selected", sel));
		}
		json_object_set_new(out, "ok", json_true());
		json_object_set_new(out, "result", json_string("correct"));
		json_object_set_new(out, "election_id",
		    json_string(ippyo_election_get_election_id(e)));
		json_object_set_new(out, "tracking_code", json_string(code_short));
		json_object_set_new(out, "tracking_code_hex", json_string(code_hex));
		json_object_set_new(out, "choices", contests);
		voter_cli_print_json(out);
	} else {
		printf("%s\n", _("The encryption is correct."));
		printf("  %s %s\n", _("Tracking code:"), code_short);
		printf("  %s\n", _("It encrypts exactly these choices:"));
		for (size_t c = 0; c < ippyo_manifest_contests(m); c++) {
			gboolean any = FALSE;

			printf("    %s: ", ippyo_manifest_contest_title(m, c, lang));
			for (size_t o = 0; o < ippyo_manifest_options(m, c); o++)
				if (ippyo_choices_get(ippyo_audit_choices(a), c, o) == 1) {
					printf("%s%s", any ? ", " : "",
					    ippyo_manifest_option_title(m, c, o, lang));
					any = TRUE;
				}
			printf("%s\n", any ? "" : _("(blank)"));
		}
		printf("  %s\n", _("This encryption was revealed, so it is never cast: the voting "
		    "device encrypts your ballot again with a new tracking code."));
	}
	ret = VOTE_EXIT_OK;
 out:
	if (rec_text != NULL) {
		OPENSSL_cleanse(rec_text, strlen(rec_text));
		free(rec_text);
	}
	ippyo_ballot_free(rebuilt);
	ippyo_audit_free(a);
	json_decref(doc);
	return ret;
}
