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

#include "error.h"
#include "log/b64.h"
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

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ippyo/vectors/merkle", test_merkle);
	return g_test_run();
}
