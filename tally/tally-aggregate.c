/* ippyo-tally aggregate — the encrypted totals of the counted ballots (docs/verification.md). */
#include <string.h>

#include "json-wipe.h"
#include "record.h"
#include "tally-verify.h"
#include "tally.h"

gboolean
tally_cmd_aggregate(TallyContext *ctx, int argc, char **argv, GError **error)
{
	TallySourceOptions so = { 0 };
	g_autofree char *output = NULL;
	gboolean allow = FALSE, ok = FALSE;
	GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
		  "Write the aggregate document here (default: standard output)", "FILE" },
		{ "allow-failures", 0, 0, G_OPTION_ARG_NONE, &allow,
		  "Write the aggregate even when the record breaks a rule", NULL },
		TALLY_SOURCE_OPTION_ENTRIES(so),
		{ NULL }
	};
	g_autoptr(TallyVerifyReport) r = NULL;
	json_t *j = NULL;
	char *text = NULL;

	if (!tally_context_parse(ctx, entries,
	    "The record is verified first (as by verify); the aggregate sums, per option, the\n"
	    "ciphertexts of the last ballot of each voter before the close entry.\n"
	    TALLY_SOURCE_DESCRIPTION, &argc, &argv, error))
		goto out;
	if (argc != 2) {
		tally_set_usage_error(error, "give one URL or mirror folder (see --help)");
		goto out;
	}
	if ((r = tally_verify_source(ctx, &so, argv[1], NULL, 0, error)) == NULL)
		goto out;
	if (r->failures->len > 0 && !allow) {
		guint i;

		for (i = 0; i < r->failures->len; i++) {
			const TallyFailure *f = r->failures->pdata[i];

			g_printerr("entry %" G_GINT64_FORMAT ": %s: %s\n", f->index == G_MAXUINT64 ?
			    (gint64)-1 : (gint64)f->index, f->rule, f->message);
		}
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_VERIFY, "the record breaks %u rule(s); "
		    "no aggregate (--allow-failures to write it anyway)", r->failures->len);
		goto out;
	}
	if (!r->closed || r->aggregate == NULL) {
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_INVALID,
		    "the poll is not closed: the chain has no close entry yet");
		goto out;
	}
	if (r->aggregate->counted == 0) {
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_INVALID, "no ballot was counted");
		goto out;
	}
	if ((j = tally_aggregate_to_json(r->aggregate, error)) == NULL)
		goto out;
	if (output == NULL) {
		ok = tally_print_json(j, error);
		goto out;
	}
	text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (text == NULL) {
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_INTERNAL, "out of memory");
		goto out;
	}
	{
		g_autofree char *t = g_strconcat(text, "\n", NULL);

		ok = tally_write_file(output, t, strlen(t), 0644, error);
	}
	if (ok)
		tally_progress(ctx, "%s: the encrypted totals of %" G_GUINT64_FORMAT " ballots "
		    "(close entry %" G_GUINT64_FORMAT ")", output, r->aggregate->counted,
		    r->aggregate->close_index);
out:
	ippyo_json_free(text);
	json_decref(j);
	tally_source_options_clear(&so);
	return ok;
}
