/* Tests of C2SP signed notes, keys and cosignatures. */
#include <glib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "error.h"
#include "log/cosignature.h"
#include "log/note.h"

static ippyo_note_signer *
signer(const char *name, uint8_t type, uint8_t seedbyte)
{
	uint8_t seed[32];
	ippyo_note_signer *s = NULL;

	memset(seed, seedbyte, sizeof(seed));
	g_assert_cmpint(ippyo_note_signer_from_seed(name, type, seed, &s), ==, 0);
	return s;
}

static ippyo_note_verifier *
verifier(const ippyo_note_signer *s)
{
	ippyo_note_verifier *v = NULL;

	g_assert_cmpint(ippyo_note_signer_verifier(s, &v), ==, 0);
	return v;
}

static int
parse_str(const char *msg)
{
	ippyo_note *n = NULL;
	int r = ippyo_note_parse((const uint8_t *)msg, strlen(msg), &n);

	if (r == 0)
		g_assert_nonnull(n);
	else
		g_assert_null(n);
	ippyo_note_free(n);
	return r;
}

static void
test_parse_strict(void)
{
	static const char good_sig[] = "\xe2\x80\x94 a AAAAAAE=\n";   /* key ID 0, 1 byte */
	static const struct {
		const char *msg;
		int want;
	} cases[] = {
		{ "text\n\n\xe2\x80\x94 a AAAAAAE=\n", 0 },
		{ "text\n\nmore\n\n\xe2\x80\x94 a AAAAAAE=\n", 0 },              /* blank lines in text */
		{ "text\n\n\xe2\x80\x94 a AAAAAAE=\n\xe2\x80\x94 b AAAAAAI=\n", 0 },
		{ "text\n\xe2\x80\x94 a AAAAAAE=\n", IPPYO_ERR_NOTE_FORMAT },   /* no blank line */
		{ "text\n\n\xe2\x80\x94 a AAAAAAE=", IPPYO_ERR_NOTE_FORMAT },   /* no final newline */
		{ "text\n\n", IPPYO_ERR_NOTE_FORMAT },                          /* no signature */
		{ "te\rxt\n\n\xe2\x80\x94 a AAAAAAE=\n", IPPYO_ERR_NOTE_FORMAT },/* control char */
		{ "te\txt\n\n\xe2\x80\x94 a AAAAAAE=\n", IPPYO_ERR_NOTE_FORMAT },
		{ "t\xc0\xafxt\n\n\xe2\x80\x94 a AAAAAAE=\n", IPPYO_ERR_NOTE_FORMAT },  /* overlong */
		{ "t\xed\xa0\x80xt\n\n\xe2\x80\x94 a AAAAAAE=\n", IPPYO_ERR_NOTE_FORMAT },/* surrogate */
		{ "t\xffxt\n\n\xe2\x80\x94 a AAAAAAE=\n", IPPYO_ERR_NOTE_FORMAT },
		{ "text\n\n- a AAAAAAE=\n", IPPYO_ERR_NOTE_FORMAT },             /* not an em dash */
		{ "text\n\n\xe2\x80\x94" "a AAAAAAE=\n", IPPYO_ERR_NOTE_FORMAT },
		{ "text\n\n\xe2\x80\x94  AAAAAAE=\n", IPPYO_ERR_NOTE_FORMAT },   /* empty name */
		{ "text\n\n\xe2\x80\x94 a+b AAAAAAE=\n", IPPYO_ERR_NOTE_FORMAT },/* '+' in name */
		{ "text\n\n\xe2\x80\x94 a\xe3\x80\x80 AAAAAAE=\n", IPPYO_ERR_NOTE_FORMAT }, /* U+3000 */
		{ "text\n\n\xe2\x80\x94 a\xc2\xa0 AAAAAAE=\n", IPPYO_ERR_NOTE_FORMAT },     /* U+00A0 */
		{ "text\n\n\xe2\x80\x94 a AAAAAA==\n", IPPYO_ERR_NOTE_FORMAT },  /* 4 bytes: no signature */
		{ "text\n\n\xe2\x80\x94 a AAAAAAF=\n", IPPYO_ERR_NOTE_FORMAT },  /* non-canonical base64 */
		{ "text\n\n\xe2\x80\x94 a AAAAAAE\n", IPPYO_ERR_NOTE_FORMAT },   /* unpadded */
		{ "text\n\n\xe2\x80\x94 a AAAAAAE= \n", IPPYO_ERR_NOTE_FORMAT },
		{ "text\n\n\xe2\x80\x94 a AAAA AAE=\n", IPPYO_ERR_NOTE_FORMAT },
		{ "text\n\n\xe2\x80\x94 a AAAAAAE=\n\n", IPPYO_ERR_NOTE_FORMAT },/* empty last line */
	};
	GString *many;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_test_message("case %zu", i);
		g_assert_cmpint(parse_str(cases[i].msg), ==, cases[i].want);
	}
	/* 100 signatures are fine, 101 are not. */
	many = g_string_new("text\n\n");
	for (i = 0; i < 100; i++)
		g_string_append(many, good_sig);
	g_assert_cmpint(parse_str(many->str), ==, 0);
	g_string_append(many, good_sig);
	g_assert_cmpint(parse_str(many->str), ==, IPPYO_ERR_NOTE_FORMAT);
	g_string_free(many, TRUE);
}

static void
test_sign_verify(void)
{
	ippyo_note_signer *s1 = signer("log.example/a", IPPYO_NOTE_TYPE_ED25519, 1);
	ippyo_note_signer *s2 = signer("log.example/b", IPPYO_NOTE_TYPE_ED25519, 2);
	ippyo_note_signer *impostor = signer("log.example/a", IPPYO_NOTE_TYPE_ED25519, 3);
	ippyo_note_verifier *v1 = verifier(s1), *v2 = verifier(s2), *vi = verifier(impostor);
	const ippyo_note_verifier *keys[2];
	ippyo_note *n = NULL, *p = NULL;
	ippyo_buf *b = ippyo_buf_new(65536);
	int verified[2];

	g_assert_cmpint(ippyo_note_new((const uint8_t *)"hello\n", 6, &n), ==, 0);
	g_assert_cmpint(ippyo_note_sign(n, s1), ==, 0);
	g_assert_cmpint(ippyo_note_sign(n, s2), ==, 0);
	g_assert_cmpint(ippyo_note_serialize(n, b), ==, 0);
	g_assert_cmpint(ippyo_note_parse(ippyo_buf_data(b), ippyo_buf_len(b), &p), ==, 0);
	g_assert_cmpuint(p->nsigs, ==, 2);

	keys[0] = v1;
	keys[1] = v2;
	g_assert_cmpint(ippyo_note_verify(p, keys, 2, verified, NULL), ==, 0);
	g_assert_cmpint(verified[0], ==, 1);
	g_assert_cmpint(verified[1], ==, 1);
	/* Unknown signatures are ignored. */
	g_assert_cmpint(ippyo_note_verify(p, keys, 1, verified, NULL), ==, 0);
	/* Same name, other key ID: unknown, ignored; so nothing known signed. */
	keys[0] = vi;
	g_assert_cmpint(ippyo_note_verify(p, keys, 1, verified, NULL), ==,
	    IPPYO_ERR_NOTE_UNKNOWN_KEY);
	g_assert_cmpint(verified[0], ==, 0);
	g_assert_cmpint(ippyo_note_verify(p, keys, 0, NULL, NULL), ==, IPPYO_ERR_NOTE_UNKNOWN_KEY);
	/* A known key whose signature fails rejects the whole note. */
	p->sigs[1].sig[5] ^= 1;
	keys[0] = v1;
	keys[1] = v2;
	g_assert_cmpint(ippyo_note_verify(p, keys, 2, verified, NULL), ==,
	    IPPYO_ERR_NOTE_SIGNATURE);
	g_assert_cmpint(ippyo_note_verify(p, keys, 1, verified, NULL), ==, 0);
	/* A signature of the wrong length from a known key fails too. */
	p->sigs[0].sig_len = 63;
	g_assert_cmpint(ippyo_note_verify(p, keys, 1, verified, NULL), ==,
	    IPPYO_ERR_NOTE_SIGNATURE);

	/* Notes are text ending in a newline. */
	ippyo_note_free(n);
	g_assert_cmpint(ippyo_note_new((const uint8_t *)"hello", 5, &n), ==, IPPYO_ERR_NOTE_FORMAT);
	g_assert_cmpint(ippyo_note_new((const uint8_t *)"", 0, &n), ==, IPPYO_ERR_NOTE_FORMAT);
	g_assert_cmpint(ippyo_note_new((const uint8_t *)"a\0b\n", 4, &n), ==, IPPYO_ERR_NOTE_FORMAT);

	ippyo_buf_free(b);
	ippyo_note_free(p);
	ippyo_note_verifier_free(v1);
	ippyo_note_verifier_free(v2);
	ippyo_note_verifier_free(vi);
	ippyo_note_signer_free(s1);
	ippyo_note_signer_free(s2);
	ippyo_note_signer_free(impostor);
}

static void
test_key_strings(void)
{
	ippyo_note_signer *s = NULL, *s2 = NULL;
	ippyo_note_verifier *v = NULL, *v2 = NULL;
	char *str = NULL, *bad;
	static const char *const bad_vkeys[] = {
		"",
		"name",
		"name+c74f20a3",
		"PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",   /* key ID */
		"PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",   /* upper hex */
		"PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"PeterNeumann+c74f20a3+ApC2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",    /* type 2 */
		"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
		"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWAA==",
		"Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
	};
	size_t i;

	g_assert_cmpint(ippyo_note_signer_generate("w.example/1", IPPYO_NOTE_TYPE_COSIGNATURE,
	    &s), ==, 0);
	g_assert_cmpint(ippyo_note_signer_string(s, &str), ==, 0);
	g_assert_true(g_str_has_prefix(str, "PRIVATE+KEY+w.example/1+"));
	g_assert_cmpint(ippyo_note_signer_parse(str, &s2), ==, 0);
	g_assert_cmpuint(ippyo_note_signer_key_id(s2), ==, ippyo_note_signer_key_id(s));
	g_assert_cmpuint(ippyo_note_signer_type(s2), ==, IPPYO_NOTE_TYPE_COSIGNATURE);
	ippyo_note_signer_free(s2);
	/* The key ID is checked against the key. */
	bad = g_strdup(str);
	bad[strlen("PRIVATE+KEY+w.example/1+")] ^= 1;
	g_assert_cmpint(ippyo_note_signer_parse(bad, &s2), ==, IPPYO_ERR_BAD_KEY);
	g_assert_null(s2);
	g_free(bad);
	g_assert_cmpint(ippyo_note_signer_parse(str + 8, &s2), ==, IPPYO_ERR_BAD_KEY);
	OPENSSL_clear_free(str, strlen(str));

	g_assert_cmpint(ippyo_note_signer_verifier(s, &v), ==, 0);
	g_assert_cmpint(ippyo_note_verifier_string(v, &str), ==, 0);
	g_assert_cmpint(ippyo_note_verifier_parse(str, &v2), ==, 0);
	g_assert_true(ippyo_note_verifier_same_key(v, v2));
	g_assert_cmpuint(ippyo_note_verifier_key_id(v2), ==,
	    ippyo_note_key_id("w.example/1", IPPYO_NOTE_TYPE_COSIGNATURE,
	    ippyo_note_verifier_public(v)));
	OPENSSL_free(str);
	ippyo_note_verifier_free(v2);
	for (i = 0; i < G_N_ELEMENTS(bad_vkeys); i++) {
		g_test_message("bad vkey %zu", i);
		g_assert_cmpint(ippyo_note_verifier_parse(bad_vkeys[i], &v2), ==, IPPYO_ERR_BAD_KEY);
		g_assert_null(v2);
	}
	/* A cosignature key cannot sign a plain note. */
	{
		ippyo_note *n = NULL;

		g_assert_cmpint(ippyo_note_new((const uint8_t *)"x\n", 2, &n), ==, 0);
		g_assert_cmpint(ippyo_note_sign(n, s), ==, IPPYO_ERR_BAD_KEY);
		ippyo_note_free(n);
	}
	g_assert_cmpint(ippyo_note_signer_generate("bad name", 1, &s2), ==, IPPYO_ERR_BAD_KEY);
	g_assert_cmpint(ippyo_note_signer_generate("ok", 2, &s2), ==, IPPYO_ERR_BAD_KEY);
	ippyo_note_verifier_free(v);
	ippyo_note_signer_free(s);
}

static void
test_cosignature(void)
{
	static const char cp[] = "example.com/behind-the-sofa\n20852163\n"
	    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
	static const char want_msg[] = "cosignature/v1\ntime 1679315147\n"
	    "example.com/behind-the-sofa\n20852163\n"
	    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
	ippyo_note_signer *w = signer("witness.example.com/w1", IPPYO_NOTE_TYPE_COSIGNATURE, 7);
	ippyo_note_signer *l = signer("example.com/behind-the-sofa", IPPYO_NOTE_TYPE_ED25519, 8);
	ippyo_note_verifier *wv = verifier(w), *lv = verifier(l);
	const ippyo_note_verifier *keys[2] = { lv, wv };
	uint8_t sig[IPPYO_COSIGNATURE_BYTES];
	uint64_t ts[2], t;
	ippyo_buf *b = ippyo_buf_new(4096);
	ippyo_note *n = NULL;
	int verified[2];

	/* The signed message, byte for byte (the spec's example). */
	g_assert_cmpint(ippyo_cosignature_message((const uint8_t *)cp, strlen(cp), 1679315147,
	    b), ==, 0);
	g_assert_cmpmem(ippyo_buf_data(b), ippyo_buf_len(b), want_msg, strlen(want_msg));

	g_assert_cmpint(ippyo_note_new((const uint8_t *)cp, strlen(cp), &n), ==, 0);
	g_assert_cmpint(ippyo_note_sign(n, l), ==, 0);
	g_assert_cmpint(ippyo_cosignature_add(n, w, 1679315147), ==, 0);
	g_assert_cmpuint(n->sigs[1].sig_len, ==, 72);
	g_assert_cmpmem(n->sigs[1].sig, 8, "\0\0\0\0\x64\x18\x50\xcb", 8);
	g_assert_cmpuint(n->sigs[1].key_id, ==, ippyo_note_key_id("witness.example.com/w1", 4,
	    ippyo_note_verifier_public(wv)));
	g_assert_cmpint(ippyo_note_verify(n, keys, 2, verified, ts), ==, 0);
	g_assert_cmpint(verified[0] && verified[1], ==, 1);
	g_assert_cmpuint(ts[1], ==, 1679315147);
	g_assert_cmpint(ippyo_cosignature_verify(wv, n->text, n->text_len, n->sigs[1].sig,
	    n->sigs[1].sig_len, &t), ==, 0);
	g_assert_cmpuint(t, ==, 1679315147);
	/* Another time, another text, the log's key: all fail. */
	memcpy(sig, n->sigs[1].sig, sizeof(sig));
	sig[7] ^= 1;
	g_assert_cmpint(ippyo_cosignature_verify(wv, n->text, n->text_len, sig, sizeof(sig),
	    &t), ==, IPPYO_ERR_COSIGNATURE);
	g_assert_cmpint(ippyo_cosignature_verify(wv, n->text, n->text_len - 1, n->sigs[1].sig,
	    72, &t), ==, IPPYO_ERR_COSIGNATURE);
	g_assert_cmpint(ippyo_cosignature_verify(wv, n->text, n->text_len, n->sigs[1].sig,
	    71, &t), ==, IPPYO_ERR_COSIGNATURE);
	g_assert_cmpint(ippyo_cosignature_verify(lv, n->text, n->text_len, n->sigs[1].sig,
	    72, &t), ==, IPPYO_ERR_BAD_KEY);
	memset(sig, 0xff, 8);
	g_assert_cmpint(ippyo_cosignature_verify(wv, n->text, n->text_len, sig, 72, &t), ==,
	    IPPYO_ERR_COSIGNATURE);
	g_assert_cmpint(ippyo_cosignature_sign(w, n->text, n->text_len, UINT64_MAX, sig), ==,
	    IPPYO_ERR_COSIGNATURE);
	g_assert_cmpint(ippyo_cosignature_sign(l, n->text, n->text_len, 1, sig), ==,
	    IPPYO_ERR_BAD_KEY);
	/* A broken cosignature of a known witness rejects the note. */
	n->sigs[1].sig[40] ^= 1;
	g_assert_cmpint(ippyo_note_verify(n, keys, 2, verified, ts), ==, IPPYO_ERR_NOTE_SIGNATURE);

	ippyo_buf_free(b);
	ippyo_note_free(n);
	ippyo_note_verifier_free(wv);
	ippyo_note_verifier_free(lv);
	ippyo_note_signer_free(w);
	ippyo_note_signer_free(l);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ippyo/note/parse-strict", test_parse_strict);
	g_test_add_func("/ippyo/note/sign-verify", test_sign_verify);
	g_test_add_func("/ippyo/note/key-strings", test_key_strings);
	g_test_add_func("/ippyo/note/cosignature", test_cosignature);
	return g_test_run();
}
