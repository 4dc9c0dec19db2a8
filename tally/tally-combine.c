/* ippyo-tally combine — any t verified partial decryptions → the totals, as the
 * decryption and result entries of the chain (docs/verification.md). */
#include <string.h>

#include <openssl/crypto.h>

#include "election/entry.h"
#include "election/signature.h"
#include "error.h"
#include "record.h"
#include "tally-append.h"
#include "tally-error.h"
#include "tally-keys.h"
#include "tally.h"

/* Writes the entry to dir/name; with url, appends it too (the receipt saved as
 * dir/<receipt>, verified). */
static gboolean
write_entry(const TallyContext *ctx, const char *dir, const char *name, const char *receipt,
    ippyo_entry *e, const char *url, const ippyo_manifest *m, json_t *report, GError **error)
{
	g_autofree char *path = g_build_filename(dir, name, NULL);
	g_autofree char *rpath = g_build_filename(dir, receipt, NULL);
	g_autoptr(GBytes) bytes = NULL;
	size_t len;
	const uint8_t *d = ippyo_entry_bytes(e, &len);

	if (!tally_write_file(path, d, len, 0644, error))
		return FALSE;
	if (url == NULL)
		return TRUE;
	bytes = g_bytes_new(d, len);
	return tally_append_and_save(ctx, url, m, bytes, path, rpath, report, error);
}

gboolean
tally_cmd_combine(TallyContext *ctx, int argc, char **argv, GError **error)
{
	g_autofree char *man_path = NULL, *agg_path = NULL, *key_path = NULL, *out_dir = NULL;
	g_autofree char *url = NULL, *atext = NULL;
	GOptionEntry entries[] = {
		{ "manifest", 0, 0, G_OPTION_ARG_FILENAME, &man_path,
		  "The sealed manifest or manifest entry (entry 0)", "FILE" },
		{ "aggregate", 0, 0, G_OPTION_ARG_FILENAME, &agg_path,
		  "The aggregate document the trustees decrypted", "FILE" },
		{ "officials-key", 0, 0, G_OPTION_ARG_FILENAME, &key_path,
		  "Sign the decryption and result entries with the officials' key", "FILE" },
		{ "out-dir", 0, 0, G_OPTION_ARG_FILENAME, &out_dir,
		  "Folder for decryption-<j>.json and result.json (default: .)", "DIR" },
		{ "url", 0, 0, G_OPTION_ARG_STRING, &url,
		  "Also append the entries to the chain at URL (POST /v1/entries), receipts verified "
		  "and saved next to them", "URL" },
		{ NULL }
	};
	ippyo_manifest *m = NULL;
	g_autoptr(TallyAggregate) agg = NULL;
	g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)tally_partial_free);
	g_autoptr(GPtrArray) docs = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	guint64 **totals = NULL;
	json_t *appended = json_array();
	uint8_t sk[IPPYO_ED25519_PRIVATE_BYTES];
	gboolean have_sk = FALSE, ok = FALSE;
	gsize alen, c, o;
	int i, r;

	if (!tally_context_parse(ctx, entries,
	    "PARTIAL: partial decryption documents (ippyo-tally decrypt), at least t of them.\n"
	    "Each is verified against the aggregate and the trustee's key of the manifest; a bad\n"
	    "one is named and left out. The totals are found by Lagrange combination and a\n"
	    "discrete log bounded by the number of counted ballots.\n"
	    "With --officials-key, the signed decryption-<j>.json and result.json are written\n"
	    "to --out-dir; with --url too, they are appended to the chain in that order and\n"
	    "each receipt is verified and saved (decryption-<j>.receipt, result.receipt).",
	    &argc, &argv, error))
		goto out;
	if (man_path == NULL || agg_path == NULL || argc < 2) {
		tally_set_usage_error(error, "--manifest, --aggregate and the partial decryptions "
		    "are required");
		goto out;
	}
	if (url != NULL && key_path == NULL) {
		tally_set_usage_error(error, "--url needs --officials-key: the entries it appends "
		    "are signed by the officials");
		goto out;
	}
	if ((m = tally_load_sealed_manifest(man_path, error)) == NULL)
		goto out;
	if (!tally_read_file(agg_path, 64u * 1024 * 1024, &atext, &alen, error) ||
	    (agg = tally_aggregate_from_json(m, atext, alen, error)) == NULL)
		goto out;
	for (i = 1; i < argc; i++) {
		g_autofree char *text = NULL;
		g_autoptr(GError) le = NULL;
		TallyPartial *p;
		gsize len;
		guint k;
		gboolean dup = FALSE;

		if (!tally_read_file(argv[i], IPPYO_ENTRY_MAX_DOCUMENT_BYTES + 1, &text, &len, error))
			goto out;
		if (len > 0 && text[len - 1] == '\n')
			len--;
		p = tally_partial_from_bytes(m, (const guint8 *)text, len, &le);
		if (p == NULL || !tally_partial_verify(p, m, agg, NULL, NULL, &le)) {
			g_printerr("%s: left out: %s\n", argv[i], le->message);
			tally_partial_free(p);
			continue;
		}
		for (k = 0; k < parts->len; k++)
			if (((TallyPartial *)parts->pdata[k])->trustee == p->trustee)
				dup = TRUE;
		if (dup) {
			g_printerr("%s: left out: trustee %u's decryption is given twice\n", argv[i],
			    p->trustee);
			tally_partial_free(p);
			continue;
		}
		g_ptr_array_add(parts, p);
		g_ptr_array_add(docs, g_bytes_new(text, len));
	}
	if (parts->len < ippyo_manifest_trustees_t(m)) {
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_VERIFY, "%u valid partial decryption(s); "
		    "the threshold is %u", parts->len, ippyo_manifest_trustees_t(m));
		goto out;
	}
	totals = tally_combine_totals(m, agg, (TallyPartial *const *)parts->pdata, parts->len,
	    error);
	if (totals == NULL)
		goto out;
	if (key_path != NULL) {
		const char *dir = out_dir != NULL ? out_dir : ".";
		const char *id = ippyo_manifest_election_id(m);
		g_autofree size_t *nopt = g_new0(size_t, agg->n_contests);
		g_autofree const uint64_t **rows = g_new0(const uint64_t *, agg->n_contests);
		ippyo_entry *e = NULL;
		guint k;

		if (!tally_load_officials_key(key_path, sk, error))
			goto out;
		have_sk = TRUE;
		{
			uint8_t pk[IPPYO_ED25519_PUBLIC_BYTES];

			if ((r = ippyo_ed25519_public(sk, pk)) != 0 ||
			    memcmp(pk, ippyo_manifest_officials_key(m), sizeof(pk)) != 0) {
				g_set_error(error, TALLY_ERROR, TALLY_EXIT_INVALID,
				    "%s: not the officials' key of the manifest", key_path);
				goto out;
			}
		}
		if (!tally_make_dir(dir, 0755, error))
			goto out;
		for (k = 0; k < parts->len; k++) {
			TallyPartial *p = parts->pdata[k];
			g_autofree char *name = g_strdup_printf("decryption-%u.json", p->trustee);
			g_autofree char *rname = g_strdup_printf("decryption-%u.receipt", p->trustee);
			gsize len;
			const guint8 *d = g_bytes_get_data(docs->pdata[k], &len);

			if ((r = ippyo_entry_new_decryption(&e, id, p->trustee, d, len, sk)) != 0) {
				tally_set_ippyo_error(error, r, "decryption entry of trustee %u",
				    p->trustee);
				goto out;
			}
			ok = write_entry(ctx, dir, name, rname, e, url, m, appended, error);
			ippyo_entry_free(e);
			if (!ok)
				goto out;
			ok = FALSE;
		}
		for (c = 0; c < agg->n_contests; c++) {
			nopt[c] = agg->n_options[c];
			rows[c] = totals[c];
		}
		if ((r = ippyo_entry_new_result(&e, id, agg->close_index, agg->counted,
		    agg->n_contests, nopt, rows, sk)) != 0) {
			tally_set_ippyo_error(error, r, "result entry");
			goto out;
		}
		if ((r = ippyo_entry_verify_officials(e, ippyo_manifest_officials_key(m))) != 0) {
			ippyo_entry_free(e);
			tally_set_ippyo_error(error, r, "the officials' key is not the manifest's");
			goto out;
		}
		ok = write_entry(ctx, dir, "result.json", "result.receipt", e, url, m, appended, error);
		ippyo_entry_free(e);
		if (!ok)
			goto out;
		ok = FALSE;
		tally_progress(ctx, "wrote %u decryption entries and result.json in %s%s",
		    parts->len, dir, url != NULL ? ", and appended them to the chain" : "");
	} else {
		tally_progress(ctx, "no --officials-key: totals only, no entries written");
	}
	if (ctx->json) {
		json_t *j = json_object(), *t = json_array(), *tr = json_array();
		guint k;

		for (c = 0; c < agg->n_contests; c++) {
			json_t *row = json_array();

			for (o = 0; o < agg->n_options[c]; o++)
				json_array_append_new(row, json_integer((json_int_t)totals[c][o]));
			json_array_append_new(t, row);
		}
		for (k = 0; k < parts->len; k++)
			json_array_append_new(tr,
			    json_integer(((TallyPartial *)parts->pdata[k])->trustee));
		json_object_set_new(j, "election_id", json_string(ippyo_manifest_election_id(m)));
		json_object_set_new(j, "close_index", json_integer((json_int_t)agg->close_index));
		json_object_set_new(j, "counted", json_integer((json_int_t)agg->counted));
		json_object_set_new(j, "trustees", tr);
		json_object_set_new(j, "totals", t);
		if (url != NULL)
			json_object_set_new(j, "appended", json_incref(appended));
		ok = tally_print_json(j, error);
		json_decref(j);
	} else {
		for (c = 0; c < agg->n_contests; c++) {
			g_print("%s\n", ippyo_manifest_contest_id(m, c));
			for (o = 0; o < agg->n_options[c]; o++)
				g_print("  %-24s %" G_GUINT64_FORMAT "\n",
				    ippyo_manifest_option_id(m, c, o), totals[c][o]);
		}
		ok = TRUE;
	}
out:
	json_decref(appended);
	if (have_sk)
		OPENSSL_cleanse(sk, sizeof(sk));
	if (totals != NULL)
		tally_totals_free(totals, agg->n_contests);
	ippyo_manifest_free(m);
	return ok;
}
