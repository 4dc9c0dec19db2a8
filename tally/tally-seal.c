/* ippyo-tally seal — draft + ceremony → the sealed manifest entry (entry 0), signed by the officials. */
#include <openssl/crypto.h>
#include <string.h>

#include "crypto/ceremony.h"
#include "election/entry.h"
#include "election/manifest.h"
#include "election/signature.h"
#include "encoding.h"
#include "error.h"
#include "tally-ceremony.h"
#include "tally-keys.h"
#include "tally.h"

#define RESULT_FILE_MAX (1024 * 1024)

/* Every result-*.json in dir must be the result computed from the commitments. */
static gboolean
check_result_files(const char *dir, const ippyo_ceremony_result *computed, guint *checked,
    GError **error)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, error);
	const char *name;

	*checked = 0;
	if (d == NULL)
		return FALSE;
	while ((name = g_dir_read_name(d)) != NULL) {
		g_autofree char *path = NULL, *text = NULL;
		ippyo_ceremony_result *r = NULL;
		gsize len;
		int e, eq;

		if (!g_str_has_prefix(name, "result-") || !g_str_has_suffix(name, ".json"))
			continue;
		path = g_build_filename(dir, name, NULL);
		if (!tally_read_file(path, RESULT_FILE_MAX, &text, &len, error))
			return FALSE;
		if ((e = ippyo_ceremony_result_from_json(&r, text, len)) != 0) {
			tally_set_ippyo_error(error, e, "%s: not a ceremony result file", path);
			return FALSE;
		}
		eq = ippyo_ceremony_result_eq(r, computed);
		ippyo_ceremony_result_free(r);
		if (eq != 1) {
			g_set_error(error, IPPYO_ERROR, IPPYO_ERR_CEREMONY_MISMATCH,
			    "%s differs from the result computed from the commitments files", path);
			return FALSE;
		}
		(*checked)++;
	}
	return TRUE;
}

static gboolean
write_entry(const char *path, const ippyo_entry *e, GError **error)
{
	size_t len;
	const uint8_t *bytes = ippyo_entry_bytes(e, &len);

	/* Exactly the entry's canonical bytes: the chain's leaf (no final newline). */
	return tally_write_file(path, bytes, len, 0644, error);
}

/* The ceremony entry: the n commitments files, in index order, as read. */
static gboolean
ceremony_entry(const char *dir, const ippyo_manifest *draft, const uint8_t *sk,
    ippyo_entry **out, GError **error)
{
	uint32_t n = ippyo_manifest_trustees_n(draft);
	g_autofree ippyo_entry_document *docs = g_new0(ippyo_entry_document, n);
	g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func(g_free);
	int r;

	for (uint32_t i = 1; i <= n; i++) {
		char *name = g_strdup_printf("commitments-%u.json", i);
		g_autofree char *path = g_build_filename(dir, name, NULL);
		char *text = NULL;
		gsize len;

		g_ptr_array_add(keep, name);
		if (!tally_read_file(path, IPPYO_ENTRY_MAX_DOCUMENT_BYTES, &text, &len, error))
			return FALSE;
		g_ptr_array_add(keep, text);
		docs[i - 1].name = name;
		docs[i - 1].data = (const uint8_t *)text;
		docs[i - 1].len = len;
	}
	if ((r = ippyo_entry_new_ceremony(out, ippyo_manifest_election_id(draft), docs, n,
	    sk)) != 0) {
		tally_set_ippyo_error(error, r, "the ceremony entry (%u commitments files)", n);
		return FALSE;
	}
	return TRUE;
}

static gboolean
run_seal(TallyContext *ctx, const char *draft_path, const char *dir, const char *key_path,
    const char *out, const char *ceremony_out, GError **error)
{
	ippyo_ceremony_params p;
	ippyo_manifest *draft = NULL, *sealed = NULL;
	ippyo_ceremony_result *result = NULL;
	ippyo_entry *entry = NULL, *centry = NULL, *check = NULL;
	g_autoptr(GPtrArray) files = NULL, names = NULL;
	g_autofree const ippyo_point **xs = NULL;
	uint8_t sk[IPPYO_ED25519_PRIVATE_BYTES], pk[IPPYO_ED25519_PUBLIC_BYTES];
	uint8_t eh[IPPYO_HASH_BYTES];
	char eh_hex[2 * IPPYO_HASH_BYTES + 1], ch_hex[2 * IPPYO_HASH_BYTES + 1];
	uint32_t bad = 0, n;
	guint checked = 0;
	gboolean ok = FALSE;
	size_t elen;
	int r;

	if (!tally_ceremony_params_from_draft(draft_path, &p, &draft, error))
		return FALSE;
	if (!tally_load_officials_key(key_path, sk, error))
		goto out;
	if ((r = ippyo_ed25519_public(sk, pk)) != 0) {
		tally_set_ippyo_error(error, r, "%s", key_path);
		goto out;
	}
	if (CRYPTO_memcmp(pk, ippyo_manifest_officials_key(draft), sizeof(pk)) != 0) {
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_BAD_KEY, "%s is not the officials' key "
		    "named by the draft manifest", key_path);
		goto out;
	}
	if (!tally_ceremony_load_commitments(dir, &files, &names, error))
		goto out;
	r = ippyo_ceremony_result_compute(&p, (ippyo_ceremony_commitments *const *)files->pdata,
	    files->len, &result, &bad);
	if (r != 0) {
		if (bad != 0)
			tally_set_ippyo_error(error, r, "%s: trustee %u's commitments file", dir, bad);
		else
			tally_set_ippyo_error(error, r, "%s: the ceremony's commitments files", dir);
		goto out;
	}
	if (!check_result_files(dir, result, &checked, error))
		goto out;
	n = p.trustees;
	xs = g_new0(const ippyo_point *, n);
	for (uint32_t j = 1; j <= n; j++)
		xs[j - 1] = ippyo_ceremony_result_verification_key(result, j);
	if ((r = ippyo_manifest_seal(&sealed, draft, ippyo_ceremony_result_election_key(result),
	    xs, n, ippyo_ceremony_result_transcript(result))) != 0 ||
	    (r = ippyo_entry_new_manifest(&entry, sealed, sk)) != 0) {
		tally_set_ippyo_error(error, r, "sealing the manifest");
		goto out;
	}
	/* Check what is written as any reader will. */
	{
		const uint8_t *bytes = ippyo_entry_bytes(entry, &elen);

		if ((r = ippyo_entry_parse(&check, bytes, elen)) != 0 ||
		    (r = ippyo_entry_verify_officials(check, pk)) != 0) {
			tally_set_ippyo_error(error, r, "the sealed manifest entry does not check");
			goto out;
		}
	}
	if (!write_entry(out, entry, error))
		goto out;
	if (ceremony_out != NULL) {
		if (!ceremony_entry(dir, draft, sk, &centry, error) ||
		    !write_entry(ceremony_out, centry, error))
			goto out;
	}
	if ((r = ippyo_manifest_election_hash(sealed, eh)) != 0) {
		tally_set_ippyo_error(error, r, "election hash");
		goto out;
	}
	ippyo_hex_write(eh, sizeof(eh), eh_hex);
	ippyo_hex_write(ippyo_ceremony_result_transcript(result), IPPYO_HASH_BYTES, ch_hex);
	if (ctx->json) {
		json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:I, s:i}", "election_id",
		    ippyo_manifest_election_id(sealed), "manifest_entry", out, "election_hash",
		    eh_hex, "ceremony_hash", ch_hex, "entry_bytes", (json_int_t)elen,
		    "result_files_checked", (int)checked);

		if (ceremony_out != NULL)
			json_object_set_new(j, "ceremony_entry", json_string(ceremony_out));
		ok = tally_print_json(j, error);
		json_decref(j);
	} else {
		g_print("sealed manifest entry (entry 0): %s\nelection hash:  %s\nceremony hash:  "
		    "%s\n", out, eh_hex, ch_hex);
		if (ceremony_out != NULL)
			g_print("ceremony entry: %s\n", ceremony_out);
		ok = TRUE;
	}
out:
	OPENSSL_cleanse(sk, sizeof(sk));
	ippyo_manifest_free(draft);
	ippyo_manifest_free(sealed);
	ippyo_ceremony_result_free(result);
	ippyo_entry_free(entry);
	ippyo_entry_free(centry);
	ippyo_entry_free(check);
	return ok;
}

gboolean
tally_cmd_seal(TallyContext *ctx, int argc, char **argv, GError **error)
{
	g_autofree char *draft = NULL, *dir = NULL, *key = NULL, *out = NULL, *cout = NULL;
	const GOptionEntry entries[] = {
		{ "draft", 0, 0, G_OPTION_ARG_FILENAME, &draft, "The draft manifest", "FILE" },
		{ "ceremony", 0, 0, G_OPTION_ARG_FILENAME, &dir,
		  "The folder with the n commitments-I.json files (and result-J.json files, "
		  "which must agree)", "DIR" },
		{ "officials-key", 0, 0, G_OPTION_ARG_FILENAME, &key,
		  "The officials' secret key file", "FILE" },
		{ "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
		  "Write the manifest entry (entry 0 of the chain) here", "FILE" },
		{ "ceremony-out", 0, 0, G_OPTION_ARG_FILENAME, &cout,
		  "Also write the signed ceremony entry (the commitments files) here", "FILE" },
		{ NULL }
	};

	if (!tally_context_parse(ctx, entries,
	    "The manifest entry is what ippyo-chaind's [election] manifest names. Append the\n"
	    "ceremony entry to the chain before the first ballot:\n"
	    "  ippyo-tally append URL CEREMONY-ENTRY --manifest ENTRY0", &argc, &argv, error))
		return FALSE;
	if (argc != 1 || draft == NULL || dir == NULL || key == NULL || out == NULL) {
		tally_set_usage_error(error, "usage: seal --draft DRAFT --ceremony DIR "
		    "--officials-key KEY --out FILE");
		return FALSE;
	}
	return run_seal(ctx, draft, dir, key, out, cout, error);
}
