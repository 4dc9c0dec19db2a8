/* ippyo-tally decrypt — one trustee's partial decryption of the aggregate, with proofs. */
#include <string.h>

#include <openssl/crypto.h>

#include "crypto/ceremony.h"
#include "election/entry.h"
#include "error.h"
#include "record.h"
#include "tally-error.h"
#include "tally.h"

ippyo_manifest *
tally_load_sealed_manifest(const char *path, GError **error)
{
	g_autofree char *text = NULL;
	gsize len;
	ippyo_entry *e = NULL;
	ippyo_manifest *m = NULL;
	int r;

	if (!tally_read_file(path, IPPYO_ENTRY_MAX_BYTES + 1, &text, &len, error))
		return NULL;
	/* A trailing newline is allowed around the canonical bytes. */
	if (len > 0 && text[len - 1] == '\n')
		len--;
	if (ippyo_entry_parse(&e, (const guint8 *)text, len) == 0) {
		const ippyo_manifest *em = ippyo_entry_manifest(e);
		size_t ml;
		const uint8_t *mb;

		if (em == NULL) {
			ippyo_entry_free(e);
			g_set_error(error, TALLY_ERROR, TALLY_EXIT_INVALID,
			    "%s: a chain entry, but not the manifest entry", path);
			return NULL;
		}
		mb = ippyo_manifest_bytes(em, &ml);
		r = ippyo_manifest_parse(&m, mb, ml, IPPYO_MANIFEST_SEALED);
		ippyo_entry_free(e);
	} else {
		r = ippyo_manifest_parse(&m, (const guint8 *)text, len, IPPYO_MANIFEST_SEALED);
	}
	if (r != 0) {
		tally_set_ippyo_error(error, r, "%s: not a sealed manifest or manifest entry", path);
		return NULL;
	}
	return m;
}

gboolean
tally_cmd_decrypt(TallyContext *ctx, int argc, char **argv, GError **error)
{
	g_autofree char *key_path = NULL, *agg_path = NULL, *man_path = NULL, *output = NULL;
	GOptionEntry entries[] = {
		{ "key", 0, 0, G_OPTION_ARG_FILENAME, &key_path,
		  "The trustee's key share file (ippyo-trustee-key, from ceremony round3)", "FILE" },
		{ "aggregate", 0, 0, G_OPTION_ARG_FILENAME, &agg_path,
		  "The aggregate document (ippyo-tally aggregate)", "FILE" },
		{ "manifest", 0, 0, G_OPTION_ARG_FILENAME, &man_path,
		  "The sealed manifest or manifest entry (entry 0)", "FILE" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
		  "Write the partial decryption here (default: standard output)", "FILE" },
		{ NULL }
	};
	ippyo_manifest *m = NULL;
	ippyo_trustee_key *key = NULL;
	g_autoptr(TallyAggregate) agg = NULL;
	g_autoptr(TallyPartial) p = NULL;
	g_autofree char *atext = NULL, *doc = NULL;
	char *ktext = NULL;
	gsize klen = 0, alen, dlen;
	gboolean ok = FALSE;
	int r;

	if (!tally_context_parse(ctx, entries,
	    "Writes {\"type\":\"ippyo-partial-decryption\",...} (docs/verification.md): D_j = x_j·α\n"
	    "for every total, each with a Chaum-Pedersen proof. The document is the one a\n"
	    "decryption entry carries.", &argc, &argv, error))
		goto out;
	if (argc != 1 || key_path == NULL || agg_path == NULL || man_path == NULL) {
		tally_set_usage_error(error, "--key, --aggregate and --manifest are required");
		goto out;
	}
	if ((m = tally_load_sealed_manifest(man_path, error)) == NULL)
		goto out;
	if (!tally_read_file(key_path, 64 * 1024, &ktext, &klen, error))
		goto out;
	if ((r = ippyo_trustee_key_from_json(&key, ktext, klen)) != 0) {
		tally_set_ippyo_error(error, r, "%s", key_path);
		goto out;
	}
	if (!tally_read_file(agg_path, 64u * 1024 * 1024, &atext, &alen, error) ||
	    (agg = tally_aggregate_from_json(m, atext, alen, error)) == NULL) {
		g_prefix_error(error, "%s: ", agg_path);
		goto out;
	}
	if ((p = tally_partial_compute(m, agg, key, error)) == NULL)
		goto out;
	if ((doc = tally_partial_to_bytes(p, &dlen, error)) == NULL)
		goto out;
	if (output == NULL) {
		g_print("%s\n", doc);
		ok = TRUE;
	} else {
		ok = tally_write_file(output, doc, dlen, 0644, error);
	}
	if (ok)
		tally_progress(ctx, "trustee %u: partial decryption of %" G_GUINT64_FORMAT
		    " ballots' totals%s%s", p->trustee, agg->counted, output != NULL ? " in " : "",
		    output != NULL ? output : "");
out:
	if (ktext != NULL) {
		OPENSSL_cleanse(ktext, klen);
		g_free(ktext);
	}
	ippyo_trustee_key_free(key);
	ippyo_manifest_free(m);
	return ok;
}
