/* ippyo-tally append — the officials' signed entries POSTed to the chain
 * (POST /v1/entries, docs/chain.md), each receipt verified before it is kept. */
#include <string.h>

#include <libsoup/soup.h>
#include <openssl/evp.h>

#include "election/entry.h"
#include "election/manifest.h"
#include "encoding.h"
#include "error.h"
#include "record.h"
#include "tally-append.h"
#include "tally.h"
#ifdef TALLY_HAVE_NET
#include "net/ippyo-chain-client.h"
#endif

#define APPEND_ATTEMPTS 8          /* 503 and network failures: the same bytes again */
#define APPEND_MAX_ANSWER (1024 * 1024)

gboolean
tally_check_official_entry(const ippyo_manifest *m, const guint8 *data, gsize len,
    ippyo_entry **out, GError **error)
{
	ippyo_entry *e = NULL;
	int r;

	*out = NULL;
	if ((r = ippyo_entry_parse(&e, data, len)) != 0) {
		tally_set_ippyo_error(error, r, "not a chain entry");
		return FALSE;
	}
	switch (ippyo_entry_get_type(e)) {
	case IPPYO_ENTRY_CEREMONY:
	case IPPYO_ENTRY_CLOSE:
	case IPPYO_ENTRY_DECRYPTION:
	case IPPYO_ENTRY_RESULT:
		break;
	default:
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_INVALID, "a %s entry is not an officials' "
		    "entry to append (ceremony, close, decryption, result)",
		    ippyo_entry_type_name(ippyo_entry_get_type(e)));
		ippyo_entry_free(e);
		return FALSE;
	}
	if (g_strcmp0(ippyo_entry_election_id(e), ippyo_manifest_election_id(m)) != 0) {
		g_set_error(error, IPPYO_ERROR, IPPYO_ERR_WRONG_ELECTION,
		    "an entry of election %s, the manifest is %s", ippyo_entry_election_id(e),
		    ippyo_manifest_election_id(m));
		ippyo_entry_free(e);
		return FALSE;
	}
	if ((r = ippyo_entry_verify_officials(e, ippyo_manifest_officials_key(m))) != 0) {
		tally_set_ippyo_error(error, r, "the officials' key of the manifest");
		ippyo_entry_free(e);
		return FALSE;
	}
	*out = e;
	return TRUE;
}

#ifdef TALLY_HAVE_NET
/* The chain's refusal {code, message} as an error (exit 4, as close's: docs/ippyo-tally.md). */
static void
set_refusal(GError **error, guint status, GBytes *body)
{
	json_error_t jerr;
	gsize len = 0;
	const char *p = body != NULL ? g_bytes_get_data(body, &len) : NULL;
	json_t *j = p != NULL ? json_loadb(p, len, JSON_REJECT_DUPLICATES, &jerr) : NULL;
	const char *code = json_string_value(json_object_get(j, "code"));
	const char *msg = json_string_value(json_object_get(j, "message"));

	if (code != NULL && status >= 400 && status < 500)
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_IO, "the chain refused the entry: "
		    "%s (HTTP %u): %s", code, status, msg != NULL ? msg : "");
	else
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_IO, "the chain answered HTTP %u%s%s%s%s",
		    status, code != NULL ? ": " : "", code != NULL ? code : "",
		    msg != NULL ? ": " : "", msg != NULL ? msg : "");
	json_decref(j);
}

/* POST the bytes; 503 and network failures are retried with the same bytes. */
static GBytes *
post_entry(const char *url, GBytes *entry, gboolean *duplicate, GError **error)
{
	g_autofree char *base = g_str_has_suffix(url, "/") ? g_strdup(url) :
	    g_strconcat(url, "/", NULL);
	g_autofree char *target = g_uri_resolve_relative(base, "v1/entries", G_URI_FLAGS_NONE,
	    error);
	g_autoptr(SoupSession) session = NULL;

	if (target == NULL)
		return NULL;
	session = soup_session_new_with_options("timeout", 60, "user-agent", "ippyo-tally", NULL);
	for (guint attempt = 1;; attempt++) {
		g_autoptr(SoupMessage) msg = soup_message_new("POST", target);
		g_autoptr(GError) local = NULL;
		g_autoptr(GBytes) body = NULL;
		guint status;
		gulong wait_s = 1;

		if (msg == NULL) {
			g_set_error(error, TALLY_ERROR, TALLY_EXIT_USAGE, "%s: not an http(s) URL", url);
			return NULL;
		}
		soup_message_set_request_body_from_bytes(msg, "application/json", entry);
		body = soup_session_send_and_read(session, msg, NULL, &local);
		status = soup_message_get_status(msg);
		if (body != NULL && status == SOUP_STATUS_OK) {
			if (g_bytes_get_size(body) > APPEND_MAX_ANSWER) {
				g_set_error(error, TALLY_ERROR, TALLY_EXIT_IO, "an oversized answer");
				return NULL;
			}
			*duplicate = g_strcmp0(soup_message_headers_get_one(
			    soup_message_get_response_headers(msg), "Ippyo-Duplicate"), "1") == 0;
			return g_steal_pointer(&body);
		}
		if (body != NULL && status != SOUP_STATUS_SERVICE_UNAVAILABLE) {
			set_refusal(error, status, body);
			return NULL;
		}
		if (attempt >= APPEND_ATTEMPTS) {
			if (body != NULL)
				set_refusal(error, status, body);
			else
				g_propagate_prefixed_error(error, g_steal_pointer(&local), "%s: ", target);
			return NULL;
		}
		if (body != NULL) {
			const char *ra = soup_message_headers_get_one(
			    soup_message_get_response_headers(msg), "Retry-After");
			guint64 v;

			if (ra != NULL && g_ascii_string_to_unsigned(ra, 10, 1, 10, &v, NULL))
				wait_s = (gulong)v;
		}
		g_usleep(wait_s * G_USEC_PER_SEC);
	}
}

TallyReceipt *
tally_append_entry(const char *url, const ippyo_manifest *m, GBytes *entry, GError **error)
{
	static const char *const keys[] = { "index", "leaf_hash", "receipt" };
	g_autoptr(IppyoChainClient) client = NULL;
	g_autoptr(IppyoChainReceipt) verified = NULL;
	g_autoptr(GBytes) answer = NULL;
	g_autoptr(GBytes) proof = NULL;
	TallyReceipt *out = NULL;
	json_error_t jerr;
	json_t *j = NULL, *v;
	gboolean duplicate = FALSE;
	guint8 leaf[32], want[32];
	gsize alen, elen;
	const char *adata;
	const guint8 *edata = g_bytes_get_data(entry, &elen);
	unsigned int dlen = 0;
	EVP_MD_CTX *md;
	json_int_t index;

	client = ippyo_chain_client_new(url, ippyo_manifest_chain_origin(m),
	    ippyo_manifest_chain_vkey(m), NULL, error);
	if (client == NULL)
		return NULL;
	if ((answer = post_entry(url, entry, &duplicate, error)) == NULL)
		return NULL;
	adata = g_bytes_get_data(answer, &alen);
	j = json_loadb(adata, alen, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(j) || json_object_size(j) != G_N_ELEMENTS(keys))
		goto bad;
	for (gsize k = 0; k < G_N_ELEMENTS(keys); k++)
		if (json_object_get(j, keys[k]) == NULL)
			goto bad;
	v = json_object_get(j, "index");
	if (!json_is_integer(v) || (index = json_integer_value(v)) < 0)
		goto bad;
	v = json_object_get(j, "leaf_hash");
	if (!json_is_string(v) || json_string_length(v) != 64 ||
	    ippyo_hex_decode_exact(json_string_value(v), leaf, sizeof(leaf)) != 0)
		goto bad;
	v = json_object_get(j, "receipt");
	if (!json_is_string(v))
		goto bad;
	/* The leaf the chain names is this entry's: SHA-256(0x00 || entry). */
	md = EVP_MD_CTX_new();
	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(md, "\0", 1) != 1 || EVP_DigestUpdate(md, edata, elen) != 1 ||
	    EVP_DigestFinal_ex(md, want, &dlen) != 1) {
		EVP_MD_CTX_free(md);
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_INTERNAL, "SHA-256");
		goto out;
	}
	EVP_MD_CTX_free(md);
	if (memcmp(leaf, want, sizeof(leaf)) != 0) {
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_VERIFY,
		    "the chain's receipt names another leaf than this entry's");
		goto out;
	}
	/* The tlog-proof: signed by the chain key of the manifest, the leaf included. */
	proof = g_bytes_new(json_string_value(v), json_string_length(v));
	verified = ippyo_chain_client_verify_receipt(client, entry, proof, error);
	if (verified == NULL)
		goto out;
	if (ippyo_chain_receipt_get_index(verified) != (guint64)index) {
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_VERIFY, "the receipt proves index %"
		    G_GUINT64_FORMAT ", the answer says %" G_GUINT64_FORMAT,
		    ippyo_chain_receipt_get_index(verified), (guint64)index);
		goto out;
	}
	out = g_new0(TallyReceipt, 1);
	out->index = (guint64)index;
	out->duplicate = duplicate;
	out->checkpoint_size = ippyo_signed_checkpoint_get_size(
	    ippyo_chain_receipt_get_checkpoint(verified));
	out->proof = g_bytes_ref(proof);
	goto out;
bad:
	g_set_error(error, TALLY_ERROR, TALLY_EXIT_IO, "the chain answered a malformed receipt");
out:
	json_decref(j);
	return out;
}
#else
TallyReceipt *
tally_append_entry(const char *url, const ippyo_manifest *m, GBytes *entry, GError **error)
{
	g_set_error(error, TALLY_ERROR, TALLY_EXIT_USAGE,
	    "this ippyo-tally is built without the chain client");
	return NULL;
}
#endif

void
tally_receipt_free(TallyReceipt *r)
{
	if (r == NULL)
		return;
	g_clear_pointer(&r->proof, g_bytes_unref);
	g_free(r);
}

gboolean
tally_append_and_save(const TallyContext *ctx, const char *url, const ippyo_manifest *m,
    GBytes *entry, const char *what, const char *receipt_path, json_t *report, GError **error)
{
	g_autoptr(TallyReceipt) r = tally_append_entry(url, m, entry, error);
	gsize plen;
	const void *p;

	if (r == NULL) {
		g_prefix_error(error, "%s: ", what);
		return FALSE;
	}
	if (receipt_path != NULL) {
		p = g_bytes_get_data(r->proof, &plen);
		if (!tally_write_file(receipt_path, p, plen, 0644, error))
			return FALSE;
	}
	if (report != NULL) {
		json_t *o = json_object();

		json_object_set_new(o, "entry", json_string(what));
		json_object_set_new(o, "index", json_integer((json_int_t)r->index));
		json_object_set_new(o, "checkpoint_size", json_integer((json_int_t)r->checkpoint_size));
		json_object_set_new(o, "duplicate", json_boolean(r->duplicate));
		if (receipt_path != NULL)
			json_object_set_new(o, "receipt", json_string(receipt_path));
		json_array_append_new(report, o);
	}
	tally_progress(ctx, "%s: appended as entry %" G_GUINT64_FORMAT "%s; receipt verified "
	    "(checkpoint of size %" G_GUINT64_FORMAT ")%s%s", what, r->index,
	    r->duplicate ? " (already in the chain)" : "", r->checkpoint_size,
	    receipt_path != NULL ? ", saved to " : "", receipt_path != NULL ? receipt_path : "");
	return TRUE;
}

gboolean
tally_cmd_append(TallyContext *ctx, int argc, char **argv, GError **error)
{
	g_autofree char *man_path = NULL, *receipts = NULL;
	const GOptionEntry entries[] = {
		{ "manifest", 'm', 0, G_OPTION_ARG_FILENAME, &man_path,
		  "The sealed manifest entry (entry 0) of the election", "FILE" },
		{ "receipts", 0, 0, G_OPTION_ARG_FILENAME, &receipts,
		  "Save each receipt (tlog-proof) as DIR/<entry file name>.receipt", "DIR" },
		{ NULL }
	};
	ippyo_manifest *m = NULL;
	json_t *report = json_array();
	gboolean ok = FALSE;
	int i;

	if (!tally_context_parse(ctx, entries,
	    "Appends the officials' signed entries (ceremony, close, decryption, result), in the\n"
	    "order given, with POST URL/v1/entries. Each file is checked first (a chain entry of\n"
	    "that type, of this election, signed by the officials' key of the manifest); each\n"
	    "receipt is verified (signed by the chain key of the manifest, the entry included)\n"
	    "before the next entry is sent. An entry already in the chain gets its receipt again.\n"
	    "The chain refusing an entry is exit 4, with the chain's code (e.g. poll_open).",
	    &argc, &argv, error))
		goto out;
	if (argc < 3 || man_path == NULL) {
		tally_set_usage_error(error, "usage: append URL ENTRY.json... --manifest ENTRY0 "
		    "[--receipts DIR]");
		goto out;
	}
	if ((m = tally_load_sealed_manifest(man_path, error)) == NULL)
		goto out;
	/* Every file is checked before the first is sent. */
	for (i = 2; i < argc; i++) {
		g_autofree char *data = NULL;
		ippyo_entry *e = NULL;
		gsize len;

		if (!tally_read_file(argv[i], IPPYO_ENTRY_MAX_BYTES, &data, &len, error))
			goto out;
		if (!tally_check_official_entry(m, (const guint8 *)data, len, &e, error)) {
			g_prefix_error(error, "%s: ", argv[i]);
			goto out;
		}
		ippyo_entry_free(e);
	}
	if (receipts != NULL && !tally_make_dir(receipts, 0755, error))
		goto out;
	for (i = 2; i < argc; i++) {
		g_autofree char *data = NULL;
		g_autofree char *base = g_path_get_basename(argv[i]);
		g_autofree char *rname = g_strconcat(base, ".receipt", NULL);
		g_autofree char *rpath = receipts != NULL ? g_build_filename(receipts, rname, NULL) :
		    NULL;
		g_autoptr(GBytes) bytes = NULL;
		gsize len;

		if (!tally_read_file(argv[i], IPPYO_ENTRY_MAX_BYTES, &data, &len, error))
			goto out;
		bytes = g_bytes_new(data, len);
		if (!tally_append_and_save(ctx, argv[1], m, bytes, argv[i], rpath, report, error))
			goto out;
	}
	ok = ctx->json ? tally_print_json(report, error) : TRUE;
out:
	json_decref(report);
	ippyo_manifest_free(m);
	return ok;
}
