/*
 * The external vectors of ../shared/vectors/, read as they are:
 * transparency-dev/merkle's inclusion and consistency proofs (every happy
 * path verifies, every mutation is rejected) and C2SP signed-note known
 * answers (reproduced byte for byte).
 */
#include <glib.h>
#include <jansson.h>
#include <string.h>

#include <openssl/crypto.h>

#include "encoding.h"
#include "error.h"
#include "log/merkle.h"
#include "log/note.h"

static char *
vectors_dir(void)
{
	const char *shared = g_getenv("IPPYO_SHARED_DIR");

	g_assert_nonnull(shared);
	return g_build_filename(shared, "vectors", NULL);
}

/*
 * The vectors hold 2^64 - 1 in some integer fields, beyond Jansson's
 * json_int_t. Read those fields from the text exactly, then replace the
 * digits with "0" and spaces so that Jansson parses the rest strictly.
 */
static void
take_u64(char *text, const char *key, guint64 *out)
{
	char *pat = g_strdup_printf("\"%s\":", key), *p, *end;
	GError *err = NULL;
	char *digits;

	p = strstr(text, pat);
	g_assert_nonnull(p);
	g_assert_null(strstr(p + 1, pat));
	p += strlen(pat);
	while (*p == ' ')
		p++;
	for (end = p; g_ascii_isdigit(*end); end++)
		;
	g_assert_true(end > p);
	digits = g_strndup(p, (gsize)(end - p));
	g_assert_true(g_ascii_string_to_unsigned(digits, 10, 0, G_MAXUINT64, out, &err));
	g_assert_no_error(err);
	p[0] = '0';
	memset(p + 1, ' ', (size_t)(end - p - 1));
	g_free(digits);
	g_free(pat);
}

/* Decodes standard base64 of any length up to 64 bytes. */
static gboolean
decode(const char *s, uint8_t out[64], size_t *len)
{
	return ippyo_b64_decode(s, strlen(s), out, 64, len) == 0;
}

/* Builds the proof; FALSE when an element is not a 32-byte hash. */
static gboolean
load_proof(json_t *arr, ippyo_merkle_proof *p)
{
	uint8_t h[64];
	size_t i, len;

	ippyo_merkle_proof_init(p);
	if (json_is_null(arr))
		return TRUE;
	g_assert_true(json_is_array(arr));
	for (i = 0; i < json_array_size(arr); i++) {
		const char *s = json_string_value(json_array_get(arr, i));

		g_assert_nonnull(s);
		if (!decode(s, h, &len) || ippyo_merkle_proof_add(p, h, len) != 0)
			return FALSE;
	}
	return TRUE;
}

static int
run_file(const char *path, gboolean inclusion)
{
	char *text = NULL;
	json_t *j;
	json_error_t jerr;
	json_t *proof_json;
	const char *a, *b, *desc;
	int want_err, r;
	guint64 x, y;
	uint8_t ha[64], hb[64];
	size_t alen, blen;
	ippyo_merkle_proof proof;
	gboolean ok;

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	if (inclusion) {
		take_u64(text, "leafIdx", &x);
		take_u64(text, "treeSize", &y);
	} else {
		take_u64(text, "size1", &x);
		take_u64(text, "size2", &y);
	}
	j = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL)
		g_error("%s: %s", path, jerr.text);
	if (inclusion)
		r = json_unpack_ex(j, &jerr, JSON_STRICT, "{s:i, s:i, s:s, s:s, s:o, s:s, s:b}",
		    "leafIdx", &(int){0}, "treeSize", &(int){0}, "root", &b, "leafHash", &a,
		    "proof", &proof_json, "desc", &desc, "wantErr", &want_err);
	else
		r = json_unpack_ex(j, &jerr, JSON_STRICT, "{s:i, s:i, s:s, s:s, s:o, s:s, s:b}",
		    "size1", &(int){0}, "size2", &(int){0}, "root1", &a, "root2", &b,
		    "proof", &proof_json, "desc", &desc, "wantErr", &want_err);
	if (r != 0)
		g_error("%s: %s", path, jerr.text);

	ok = decode(a, ha, &alen) && decode(b, hb, &blen) && load_proof(proof_json, &proof);
	if (ok) {
		if (inclusion)
			r = ippyo_merkle_verify_inclusion(NULL, x, y, ha, alen, &proof, hb, blen);
		else
			r = ippyo_merkle_verify_consistency(NULL, x, y, &proof, ha, alen, hb, blen);
		ok = r == 0;
	}
	if (ok == (gboolean)want_err)
		g_error("%s (%s): wantErr %d but verification %s", path, desc, want_err,
		    ok ? "passed" : "failed");
	json_decref(j);
	g_free(text);
	return want_err;
}

static void
walk(const char *dir, gboolean inclusion, int *files, int *rejected)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	g_assert_nonnull(d);
	while ((name = g_dir_read_name(d)) != NULL) {
		char *p = g_build_filename(dir, name, NULL);

		if (g_file_test(p, G_FILE_TEST_IS_DIR))
			walk(p, inclusion, files, rejected);
		else if (g_str_has_suffix(name, ".json")) {
			*rejected += run_file(p, inclusion);
			(*files)++;
		}
		g_free(p);
	}
	g_dir_close(d);
}

static void
test_merkle(void)
{
	char *v = vectors_dir();
	char *inc = g_build_filename(v, "merkle", "inclusion", NULL);
	char *con = g_build_filename(v, "merkle", "consistency", NULL);
	int ni = 0, nc = 0, ri = 0, rc = 0;

	walk(inc, TRUE, &ni, &ri);
	walk(con, FALSE, &nc, &rc);
	g_test_message("inclusion: %d files (%d rejected), consistency: %d files (%d rejected)",
	    ni, ri, nc, rc);
	g_assert_cmpint(ni + nc, ==, 196);
	g_assert_cmpint(ri, >, 0);
	g_assert_cmpint(rc, >, 0);
	g_free(inc);
	g_free(con);
	g_free(v);
}

static void
check_note_vector(json_t *v)
{
	const char *source, *vkey, *text, *line, *skey = NULL;
	ippyo_note_verifier *ver = NULL, *ver2 = NULL;
	ippyo_note_signer *sig = NULL;
	const ippyo_note_verifier *keys[1];
	ippyo_note *n = NULL, *n2 = NULL;
	json_error_t jerr;
	ippyo_buf *b;
	char *s, *msg;
	int verified[1];

	if (json_unpack_ex(v, &jerr, JSON_STRICT, "{s:s, s?s, s:s, s:s, s:s}",
	    "source", &source, "signer_key", &skey, "verifier_key", &vkey,
	    "note_text", &text, "signature_line", &line) != 0)
		g_error("signed-note.json: %s", jerr.text);
	g_test_message("signed-note: %s", source);

	/* The verifier key parses and prints back byte for byte. */
	g_assert_cmpint(ippyo_note_verifier_parse(vkey, &ver), ==, 0);
	g_assert_cmpint(ippyo_note_verifier_string(ver, &s), ==, 0);
	g_assert_cmpstr(s, ==, vkey);
	OPENSSL_free(s);

	/* The note verifies. */
	msg = g_strconcat(text, "\n", line, NULL);
	g_assert_cmpint(ippyo_note_parse((const uint8_t *)msg, strlen(msg), &n), ==, 0);
	g_assert_cmpmem(n->text, n->text_len, text, strlen(text));
	keys[0] = ver;
	g_assert_cmpint(ippyo_note_verify(n, keys, 1, verified, NULL), ==, 0);
	g_assert_cmpint(verified[0], ==, 1);
	/* It serialises back to the same bytes. */
	b = ippyo_buf_new(65536);
	g_assert_cmpint(ippyo_note_serialize(n, b), ==, 0);
	g_assert_cmpmem(ippyo_buf_data(b), ippyo_buf_len(b), msg, strlen(msg));
	ippyo_buf_free(b);
	/* A changed text does not verify. */
	n->text[0] ^= 1;
	g_assert_cmpint(ippyo_note_verify(n, keys, 1, NULL, NULL), ==, IPPYO_ERR_NOTE_SIGNATURE);

	if (skey != NULL) {
		/* Reproduce the signature line from the private key. */
		g_assert_cmpint(ippyo_note_signer_parse(skey, &sig), ==, 0);
		g_assert_cmpint(ippyo_note_signer_string(sig, &s), ==, 0);
		g_assert_cmpstr(s, ==, skey);
		OPENSSL_clear_free(s, strlen(s));
		g_assert_cmpint(ippyo_note_signer_verifier(sig, &ver2), ==, 0);
		g_assert_cmpint(ippyo_note_verifier_string(ver2, &s), ==, 0);
		g_assert_cmpstr(s, ==, vkey);
		OPENSSL_free(s);
		g_assert_cmpint(ippyo_note_new((const uint8_t *)text, strlen(text), &n2), ==, 0);
		g_assert_cmpint(ippyo_note_sign(n2, sig), ==, 0);
		g_assert_cmpint(ippyo_note_sig_line(n2->sigs[0].name, n2->sigs[0].key_id,
		    n2->sigs[0].sig, n2->sigs[0].sig_len, &s), ==, 0);
		g_assert_cmpstr(s, ==, line);
		OPENSSL_free(s);
		b = ippyo_buf_new(65536);
		g_assert_cmpint(ippyo_note_serialize(n2, b), ==, 0);
		g_assert_cmpmem(ippyo_buf_data(b), ippyo_buf_len(b), msg, strlen(msg));
		ippyo_buf_free(b);
	}
	ippyo_note_free(n);
	ippyo_note_free(n2);
	ippyo_note_signer_free(sig);
	ippyo_note_verifier_free(ver);
	ippyo_note_verifier_free(ver2);
	g_free(msg);
}

static void
test_signed_note(void)
{
	char *v = vectors_dir();
	char *path = g_build_filename(v, "signed-note.json", NULL);
	json_error_t jerr;
	json_t *j, *arr;
	const char *desc;
	size_t i;

	j = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL)
		g_error("%s: %s", path, jerr.text);
	if (json_unpack_ex(j, &jerr, JSON_STRICT, "{s:s, s:o}", "description", &desc,
	    "vectors", &arr) != 0)
		g_error("%s: %s", path, jerr.text);
	g_assert_true(json_is_array(arr));
	g_assert_cmpuint(json_array_size(arr), >=, 2);
	for (i = 0; i < json_array_size(arr); i++)
		check_note_vector(json_array_get(arr, i));
	json_decref(j);
	g_free(path);
	g_free(v);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ippyo/vectors/merkle", test_merkle);
	g_test_add_func("/ippyo/vectors/signed-note", test_signed_note);
	return g_test_run();
}
