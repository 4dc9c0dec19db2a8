/* ippyo-tally — key files. */
#include "tally-keys.h"

#include <openssl/crypto.h>
#include <string.h>
#include <sys/stat.h>

#include "encoding.h"
#include "error.h"
#include "tally.h"

#define KEY_FILE_MAX 1024

char *
tally_read_line_file(const char *path, GError **error)
{
	char *text = NULL;
	gsize len = 0;

	if (!tally_read_file(path, KEY_FILE_MAX, &text, &len, error))
		return NULL;
	if (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
	if (len == 0 || memchr(text, '\n', len) != NULL || memchr(text, '\0', len) != NULL) {
		OPENSSL_cleanse(text, len);
		g_free(text);
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_INVALID,
		    "%s: expected exactly one line", path);
		return NULL;
	}
	return text;
}

static void
wipe_free(char *s)
{
	if (s != NULL) {
		OPENSSL_cleanse(s, strlen(s));
		g_free(s);
	}
}

static gboolean
check_private_mode(const char *path, GError **error)
{
	struct stat st;

	if (stat(path, &st) == 0 && (st.st_mode & 077) != 0) {
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_INVALID,
		    "%s: a secret key file must not be readable by others (chmod 600)", path);
		return FALSE;
	}
	return TRUE;
}

gboolean
tally_load_officials_key(const char *path, uint8_t sk[IPPYO_ED25519_PRIVATE_BYTES],
    GError **error)
{
	char *line;
	int r;

	if (!check_private_mode(path, error))
		return FALSE;
	if ((line = tally_read_line_file(path, error)) == NULL)
		return FALSE;
	r = ippyo_b64url_decode_exact(line, sk, IPPYO_ED25519_PRIVATE_BYTES);
	wipe_free(line);
	if (r != 0) {
		OPENSSL_cleanse(sk, IPPYO_ED25519_PRIVATE_BYTES);
		tally_set_ippyo_error(error, r, "%s: not an officials' secret key "
		    "(base64url of 32 bytes)", path);
		return FALSE;
	}
	return TRUE;
}

gboolean
tally_load_officials_pub(const char *path, uint8_t pk[IPPYO_ED25519_PUBLIC_BYTES],
    GError **error)
{
	g_autofree char *line = tally_read_line_file(path, error);
	int r;

	if (line == NULL)
		return FALSE;
	if ((r = ippyo_b64url_decode_exact(line, pk, IPPYO_ED25519_PUBLIC_BYTES)) != 0) {
		tally_set_ippyo_error(error, r, "%s: not an officials' public key "
		    "(base64url of 32 bytes)", path);
		return FALSE;
	}
	return TRUE;
}

ippyo_note_signer *
tally_load_note_signer(const char *path, uint8_t want, GError **error)
{
	ippyo_note_signer *s = NULL;
	char *line;
	int r;

	if (!check_private_mode(path, error))
		return NULL;
	if ((line = tally_read_line_file(path, error)) == NULL)
		return NULL;
	r = ippyo_note_signer_parse(line, &s);
	wipe_free(line);
	if (r != 0) {
		tally_set_ippyo_error(error, r, "%s: not a signer key string", path);
		return NULL;
	}
	if (ippyo_note_signer_type(s) != want) {
		uint8_t got = ippyo_note_signer_type(s);

		ippyo_note_signer_free(s);
		tally_set_ippyo_error(error, IPPYO_ERR_BAD_KEY, "%s: a key of type 0x%02x, "
		    "expected 0x%02x (%s)", path, got, want,
		    want == IPPYO_NOTE_TYPE_COSIGNATURE ? "a witness key" : "a log key");
		return NULL;
	}
	return s;
}

ippyo_note_verifier *
tally_load_note_verifier(const char *path, GError **error)
{
	g_autofree char *line = tally_read_line_file(path, error);
	ippyo_note_verifier *v = NULL;
	int r;

	if (line == NULL)
		return NULL;
	if ((r = ippyo_note_verifier_parse(line, &v)) != 0) {
		tally_set_ippyo_error(error, r, "%s: not a verifier key string", path);
		return NULL;
	}
	return v;
}
