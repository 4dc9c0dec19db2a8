/* ippyo-tally keygen — the officials' signing key, the chain's and a witness's note keys. */
#include <openssl/crypto.h>
#include <string.h>

#include "election/signature.h"
#include "encoding.h"
#include "error.h"
#include "log/note.h"
#include "tally-keys.h"
#include "tally.h"

/* Refuses to replace an existing key: a lost key cannot be recovered. */
static gboolean
check_absent(const char *path, GError **error)
{
	if (g_file_test(path, G_FILE_TEST_EXISTS)) {
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_IO,
		    "%s exists already: keygen never replaces a key", path);
		return FALSE;
	}
	return TRUE;
}

static gboolean
write_line(const char *path, const char *line, int mode, GError **error)
{
	gsize n = strlen(line);
	char *buf = g_malloc(n + 1);
	gboolean ok;

	memcpy(buf, line, n);
	buf[n] = '\n';
	ok = tally_write_file(path, buf, n + 1, mode, error);
	OPENSSL_cleanse(buf, n + 1);
	g_free(buf);
	return ok;
}

static gboolean
keygen_officials(TallyContext *ctx, const char *dir, GError **error)
{
	g_autofree char *key_path = g_build_filename(dir, "officials.key", NULL);
	g_autofree char *pub_path = g_build_filename(dir, "officials.pub", NULL);
	uint8_t sk[IPPYO_ED25519_PRIVATE_BYTES], pk[IPPYO_ED25519_PUBLIC_BYTES];
	char *sk_text = NULL, *pk_text = NULL;
	gboolean ok = FALSE;
	int r;

	if (!tally_make_dir(dir, 0755, error) || !check_absent(key_path, error) ||
	    !check_absent(pub_path, error))
		return FALSE;
	if ((r = ippyo_ed25519_keygen(sk, pk)) != 0 ||
	    (r = ippyo_b64url_encode(sk, sizeof(sk), &sk_text)) != 0 ||
	    (r = ippyo_b64url_encode(pk, sizeof(pk), &pk_text)) != 0) {
		tally_set_ippyo_error(error, r, "officials' key");
		goto out;
	}
	if (!write_line(key_path, sk_text, 0600, error) ||
	    !write_line(pub_path, pk_text, 0644, error))
		goto out;
	if (ctx->json) {
		json_t *j = json_pack("{s:s, s:s, s:s, s:s}", "kind", "officials",
		    "public_key", pk_text, "key_file", key_path, "public_key_file", pub_path);

		ok = tally_print_json(j, error);
		json_decref(j);
	} else {
		g_print("officials' key: %s (secret, 0600)\npublic key:     %s\n  %s\n", key_path,
		    pub_path, pk_text);
		ok = TRUE;
	}
out:
	OPENSSL_cleanse(sk, sizeof(sk));
	if (sk_text != NULL)
		OPENSSL_clear_free(sk_text, strlen(sk_text));
	OPENSSL_free(pk_text);
	return ok;
}

/* A note key: chain (type 0x01, name = origin) or witness (type 0x04). */
static gboolean
keygen_note(TallyContext *ctx, const char *kind, const char *name, uint8_t type,
    const char *dir, GError **error)
{
	g_autofree char *key_name = g_strdup_printf("%s.key", kind);
	g_autofree char *vkey_name = g_strdup_printf("%s.vkey", kind);
	g_autofree char *key_path = g_build_filename(dir, key_name, NULL);
	g_autofree char *vkey_path = g_build_filename(dir, vkey_name, NULL);
	ippyo_note_signer *s = NULL;
	ippyo_note_verifier *v = NULL;
	char *skey = NULL, *vkey = NULL;
	gboolean ok = FALSE;
	int r;

	if (!ippyo_note_name_valid(name, strlen(name))) {
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_USAGE, "'%s' is not a valid key name "
		    "(no space, no '+', at most 255 bytes)", name);
		return FALSE;
	}
	if (!tally_make_dir(dir, 0755, error) || !check_absent(key_path, error) ||
	    !check_absent(vkey_path, error))
		return FALSE;
	if ((r = ippyo_note_signer_generate(name, type, &s)) != 0 ||
	    (r = ippyo_note_signer_string(s, &skey)) != 0 ||
	    (r = ippyo_note_signer_verifier(s, &v)) != 0 ||
	    (r = ippyo_note_verifier_string(v, &vkey)) != 0) {
		tally_set_ippyo_error(error, r, "%s key", kind);
		goto out;
	}
	if (!write_line(key_path, skey, 0600, error) || !write_line(vkey_path, vkey, 0644, error))
		goto out;
	if (ctx->json) {
		json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "kind", kind, "name", name,
		    "vkey", vkey, "key_file", key_path, "vkey_file", vkey_path);

		ok = tally_print_json(j, error);
		json_decref(j);
	} else {
		g_print("%s key:   %s (secret, 0600)\nverifier key: %s\n  %s\n", kind, key_path,
		    vkey_path, vkey);
		ok = TRUE;
	}
out:
	if (skey != NULL)
		OPENSSL_clear_free(skey, strlen(skey));
	OPENSSL_free(vkey);
	ippyo_note_signer_free(s);
	ippyo_note_verifier_free(v);
	return ok;
}

gboolean
tally_cmd_keygen(TallyContext *ctx, int argc, char **argv, GError **error)
{
	g_autofree char *officials = NULL, *chain = NULL, *witness = NULL;
	const GOptionEntry entries[] = {
		{ "officials", 0, 0, G_OPTION_ARG_FILENAME, &officials,
		  "Write the officials' Ed25519 key pair into DIR", "DIR" },
		{ "chain", 0, 0, G_OPTION_ARG_STRING, &chain,
		  "Write the chain's note key for the log ORIGIN into the folder argument", "ORIGIN" },
		{ "witness", 0, 0, G_OPTION_ARG_STRING, &witness,
		  "Write a witness's cosignature key named NAME into the folder argument", "NAME" },
		{ NULL }
	};
	int chosen;

	if (!tally_context_parse(ctx, entries,
	    "Files: DIR/officials.key (0600) and DIR/officials.pub; DIR/chain.key (0600) and\n"
	    "DIR/chain.vkey; DIR/witness.key (0600) and DIR/witness.vkey. Existing keys are\n"
	    "never replaced.", &argc, &argv, error))
		return FALSE;
	chosen = (officials != NULL) + (chain != NULL) + (witness != NULL);
	if (chosen != 1) {
		tally_set_usage_error(error, "give exactly one of --officials DIR, "
		    "--chain ORIGIN DIR, --witness NAME DIR");
		return FALSE;
	}
	if (officials != NULL) {
		if (argc != 1) {
			tally_set_usage_error(error, "--officials DIR takes no other argument");
			return FALSE;
		}
		return keygen_officials(ctx, officials, error);
	}
	if (argc != 2) {
		tally_set_usage_error(error, "expected one folder argument: --%s %s DIR",
		    chain != NULL ? "chain" : "witness", chain != NULL ? "ORIGIN" : "NAME");
		return FALSE;
	}
	if (chain != NULL)
		return keygen_note(ctx, "chain", chain, IPPYO_NOTE_TYPE_ED25519, argv[1], error);
	return keygen_note(ctx, "witness", witness, IPPYO_NOTE_TYPE_COSIGNATURE, argv[1], error);
}
