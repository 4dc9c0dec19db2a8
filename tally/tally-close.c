/* ippyo-tally close — the officials' signed close entry, written or POSTed to the chain. */
#include <openssl/crypto.h>
#include <string.h>

#include "election/entry.h"
#include "election/manifest.h"
#include "election/signature.h"
#include "error.h"
#include "tally-keys.h"
#include "tally.h"
#ifdef TALLY_HAVE_NET
#include "net/ippyo-chain-client.h"
#endif

static ippyo_entry *
load_manifest_entry(const char *path, GError **error)
{
	g_autofree char *data = NULL;
	ippyo_entry *e = NULL;
	gsize len;
	int r;

	if (!tally_read_file(path, IPPYO_ENTRY_MAX_BYTES, &data, &len, error))
		return NULL;
	if ((r = ippyo_entry_parse(&e, (const uint8_t *)data, len)) != 0) {
		tally_set_ippyo_error(error, r, "%s: not a chain entry", path);
		return NULL;
	}
	if (ippyo_entry_get_type(e) != IPPYO_ENTRY_MANIFEST) {
		ippyo_entry_free(e);
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_ENTRY_TYPE,
		    "%s: not the manifest entry (entry 0)", path);
		return NULL;
	}
	if ((r = ippyo_entry_verify_officials(e,
	    ippyo_manifest_officials_key(ippyo_entry_manifest(e)))) != 0) {
		ippyo_entry_free(e);
		tally_set_ippyo_error(error, r, "%s", path);
		return NULL;
	}
	return e;
}

static gboolean
run_close(TallyContext *ctx, const char *url, const char *manifest_path, const char *key_path,
    const char *out, gint64 log_size_opt, const char *receipt_path, GError **error)
{
	ippyo_entry *me = NULL, *close = NULL;
	const ippyo_manifest *m;
	uint8_t sk[IPPYO_ED25519_PRIVATE_BYTES], pk[IPPYO_ED25519_PUBLIC_BYTES];
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autofree char *time = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
	guint64 log_size = 0;
	gboolean ok = FALSE;
	json_t *report = json_object();
	size_t clen;
	const uint8_t *cbytes;
	int r;
#ifdef TALLY_HAVE_NET
	g_autoptr(IppyoChainClient) client = NULL;
#endif

	if ((me = load_manifest_entry(manifest_path, error)) == NULL)
		goto out;
	m = ippyo_entry_manifest(me);
	if (!tally_load_officials_key(key_path, sk, error))
		goto out;
	if ((r = ippyo_ed25519_public(sk, pk)) != 0) {
		tally_set_ippyo_error(error, r, "%s", key_path);
		goto out;
	}
	if (CRYPTO_memcmp(pk, ippyo_manifest_officials_key(m), sizeof(pk)) != 0) {
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_BAD_KEY,
		    "%s is not the officials' key of the manifest", key_path);
		goto out;
	}
	if (url != NULL) {
#ifdef TALLY_HAVE_NET
		g_autoptr(IppyoSignedCheckpoint) cp = NULL;

		client = ippyo_chain_client_new(url, ippyo_manifest_chain_origin(m),
		    ippyo_manifest_chain_vkey(m), NULL, error);
		if (client == NULL)
			goto out;
		cp = ippyo_chain_client_fetch_checkpoint_sync(client, NULL, NULL, error);
		if (cp == NULL)
			goto out;
		log_size = ippyo_signed_checkpoint_get_size(cp);
#else
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_USAGE, "this ippyo-tally is built "
		    "without the chain client: use --out FILE --log-size N");
		goto out;
#endif
	} else {
		if (log_size_opt < 1) {
			tally_set_usage_error(error, "without URL, give --log-size N (the chain size "
			    "the officials saw) and --out FILE");
			goto out;
		}
		log_size = (guint64)log_size_opt;
	}
	if ((r = ippyo_entry_new_close(&close, ippyo_manifest_election_id(m), log_size, time,
	    sk)) != 0) {
		tally_set_ippyo_error(error, r, "the close entry");
		goto out;
	}
	cbytes = ippyo_entry_bytes(close, &clen);
	json_object_set_new(report, "election_id", json_string(ippyo_manifest_election_id(m)));
	json_object_set_new(report, "log_size", json_integer((json_int_t)log_size));
	json_object_set_new(report, "time", json_string(time));
	if (out != NULL) {
		if (!tally_write_file(out, cbytes, clen, 0644, error))
			goto out;
		json_object_set_new(report, "close_entry", json_string(out));
		tally_progress(ctx, "close entry (log size %" G_GUINT64_FORMAT ") written to %s",
		    log_size, out);
	}
#ifdef TALLY_HAVE_NET
	else {
		g_autoptr(GBytes) body = g_bytes_new(cbytes, clen);
		g_autoptr(IppyoChainReceipt) receipt = NULL;
		IppyoSignedCheckpoint *rcp;

		receipt = ippyo_chain_client_submit_close_sync(client, body, NULL, error);
		if (receipt == NULL)
			goto out;
		rcp = ippyo_chain_receipt_get_checkpoint(receipt);
		json_object_set_new(report, "index",
		    json_integer((json_int_t)ippyo_chain_receipt_get_index(receipt)));
		json_object_set_new(report, "checkpoint_size",
		    json_integer((json_int_t)ippyo_signed_checkpoint_get_size(rcp)));
		json_object_set_new(report, "duplicate",
		    json_boolean(ippyo_chain_receipt_get_duplicate(receipt)));
		if (receipt_path != NULL) {
			GBytes *proof = ippyo_chain_receipt_get_proof(receipt);
			gsize plen;
			const void *pd = g_bytes_get_data(proof, &plen);

			if (!tally_write_file(receipt_path, pd, plen, 0644, error))
				goto out;
			json_object_set_new(report, "receipt", json_string(receipt_path));
		}
		tally_progress(ctx, "the poll is closed: close entry at index %" G_GUINT64_FORMAT
		    " (after %" G_GUINT64_FORMAT " entries seen)",
		    ippyo_chain_receipt_get_index(receipt), log_size);
	}
#endif
	ok = ctx->json ? tally_print_json(report, error) : TRUE;
out:
	OPENSSL_cleanse(sk, sizeof(sk));
	json_decref(report);
	ippyo_entry_free(me);
	ippyo_entry_free(close);
	return ok;
}

gboolean
tally_cmd_close(TallyContext *ctx, int argc, char **argv, GError **error)
{
	g_autofree char *manifest = NULL, *key = NULL, *out = NULL, *receipt = NULL;
	gint64 log_size = 0;
	const GOptionEntry entries[] = {
		{ "manifest", 'm', 0, G_OPTION_ARG_FILENAME, &manifest,
		  "The sealed manifest entry (entry 0) of the election", "FILE" },
		{ "officials-key", 0, 0, G_OPTION_ARG_FILENAME, &key,
		  "The officials' secret key file", "FILE" },
		{ "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
		  "Only write the signed close entry to FILE (do not POST it)", "FILE" },
		{ "log-size", 0, 0, G_OPTION_ARG_INT64, &log_size,
		  "The chain size the officials saw (without URL)", "N" },
		{ "receipt", 0, 0, G_OPTION_ARG_FILENAME, &receipt,
		  "Save the close entry's receipt (tlog-proof) here", "FILE" },
		{ NULL }
	};

	if (!tally_context_parse(ctx, entries,
	    "With URL: fetches and verifies the chain's checkpoint, signs a close entry for its\n"
	    "size and POSTs it to URL/v1/close (or, with --out, writes it only).", &argc, &argv,
	    error))
		return FALSE;
	if (argc > 2 || manifest == NULL || key == NULL || (argc == 1 && out == NULL)) {
		tally_set_usage_error(error, "usage: close URL --manifest ENTRY0 --officials-key KEY "
		    "[--out FILE] | close --manifest ENTRY0 --officials-key KEY --log-size N --out FILE");
		return FALSE;
	}
	return run_close(ctx, argc == 2 ? argv[1] : NULL, manifest, key, out, log_size, receipt,
	    error);
}
