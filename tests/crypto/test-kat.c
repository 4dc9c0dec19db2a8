/*
 * Known-answer vectors of the election cryptography (tests/vectors/crypto-kat.json):
 * encodings, the transcript hash, the ballot seed derivation and a fixed-seed
 * encrypted selection with its proofs, regenerated here and compared byte for
 * byte. docs/crypto.md ("Known-answer vectors") says how each value is made;
 * tests/crypto/check-kat.py recomputes them independently in Python.
 *
 * IPPYO_KAT_WRITE=path writes the regenerated vector instead (used once, to
 * make the file; a change of any value is a format change).
 */
#include <glib.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#include "crypto/elgamal.h"
#include "crypto/group.h"
#include "crypto/hash.h"
#include "crypto/proof.h"
#include "encoding.h"
#include "error.h"

static void
hexin(const char *s, uint8_t *out, size_t len)
{
	g_assert_cmpint(ippyo_hex_decode_exact(s, out, len), ==, 0);
}

static void
put_hex(json_t *o, const char *key, const uint8_t *b, size_t len)
{
	char *h = NULL;

	g_assert_cmpint(ippyo_hex_encode(b, len, &h), ==, 0);
	g_assert_cmpint(json_object_set_new(o, key, json_string(h)), ==, 0);
	OPENSSL_free(h);
}

static void
put_point(json_t *o, const char *key, const ippyo_point *p)
{
	uint8_t b[IPPYO_POINT_BYTES];

	g_assert_cmpint(ippyo_point_serialize(p, b), ==, 0);
	put_hex(o, key, b, sizeof(b));
}

static void
put_scalar(json_t *o, const char *key, const ippyo_scalar *s)
{
	uint8_t b[IPPYO_SCALAR_BYTES];

	g_assert_cmpint(ippyo_scalar_serialize(s, b), ==, 0);
	put_hex(o, key, b, sizeof(b));
}

/* The fixed inputs: 32-byte strings counting up from a start byte. */
static void
counting(uint8_t *b, size_t len, uint8_t start)
{
	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)(start + i);
}

/* Regenerates the whole vector from its inputs. */
static json_t *
generate(void)
{
	json_t *v = json_object(), *in = json_object(), *enc = json_object(), *tr = json_object();
	json_t *sd = json_object(), *sel = json_object();
	ippyo_scalar *s = ippyo_scalar_new(), *x = ippyo_scalar_new(), *r = ippyo_scalar_new();
	ippyo_point *k = ippyo_point_new(), *p = ippyo_point_new();
	ippyo_election_key *key = NULL;
	ippyo_transcript *t;
	ippyo_seed_context sc;
	ippyo_ciphertext *ct = ippyo_ciphertext_new();
	ippyo_range_proof *sp = ippyo_range_proof_new(0, 1), *cp = ippyo_range_proof_new(1, 2);
	ippyo_proof_statement st;
	uint8_t sk[32], b[2 * IPPYO_RANGE_BRANCH_BYTES], ctb[IPPYO_CIPHERTEXT_BYTES];
	uint8_t digest[IPPYO_HASH_BYTES];
	const uint8_t *tb;
	size_t tlen;

	/* inputs */
	counting(sc.seed, 32, 0x00);
	counting(sc.election_hash, 32, 0x20);
	counting(sc.voter_binding, 32, 0x40);
	counting(sk, 32, 0x60);   /* the election secret s (for the vector only); K = s·G */
	put_hex(in, "seed", sc.seed, 32);
	put_hex(in, "election_hash", sc.election_hash, 32);
	put_hex(in, "voter_binding", sc.voter_binding, 32);
	put_hex(in, "election_secret", sk, 32);
	json_object_set_new(in, "contest", json_integer(2));
	json_object_set_new(in, "option", json_integer(5));
	json_object_set_new(in, "vote", json_integer(1));
	json_object_set_new(in, "contest_min", json_integer(1));
	json_object_set_new(in, "contest_max", json_integer(2));
	json_object_set_new(v, "inputs", in);

	/* encodings: G, 2G, K, q − 1 */
	g_assert_cmpint(ippyo_scalar_parse(s, sk, 32), ==, 0);
	g_assert_cmpint(ippyo_point_mul_gen(k, s), ==, 0);
	g_assert_cmpint(ippyo_election_key_new(&key, k), ==, 0);
	put_point(enc, "G", ippyo_point_generator());
	g_assert_cmpint(ippyo_point_dbl(p, ippyo_point_generator()), ==, 0);
	put_point(enc, "2G", p);
	put_point(enc, "K", k);
	g_assert_cmpint(ippyo_scalar_set_u64(x, 1), ==, 0);
	g_assert_cmpint(ippyo_scalar_neg(x, x), ==, 0);
	put_scalar(enc, "q_minus_1", x);
	json_object_set_new(v, "encodings", enc);

	/* transcript: tag "ippyo/v1/kat", "abc", u32 7, u64 2^40, G, q − 1 */
	t = ippyo_transcript_new("ippyo/v1/kat");
	g_assert_cmpint(ippyo_transcript_put_str(t, "abc"), ==, 0);
	g_assert_cmpint(ippyo_transcript_put_u32(t, 7), ==, 0);
	g_assert_cmpint(ippyo_transcript_put_u64(t, UINT64_C(1) << 40), ==, 0);
	g_assert_cmpint(ippyo_transcript_put_point(t, ippyo_point_generator()), ==, 0);
	g_assert_cmpint(ippyo_transcript_put_scalar(t, x), ==, 0);
	tb = ippyo_transcript_bytes(t, &tlen);
	put_hex(tr, "bytes", tb, tlen);
	g_assert_cmpint(ippyo_transcript_digest(t, digest), ==, 0);
	put_hex(tr, "sha256", digest, sizeof(digest));
	g_assert_cmpint(ippyo_transcript_challenge(t, x), ==, 0);
	put_scalar(tr, "challenge", x);
	ippyo_transcript_free(t);
	json_object_set_new(v, "transcript", tr);

	/* seed derivation */
	g_assert_cmpint(ippyo_seed_derive(r, &sc, IPPYO_PURPOSE_ENCRYPT, 2, 5, 0), ==, 0);
	put_scalar(sd, "encrypt_2_5_0", r);
	g_assert_cmpint(ippyo_seed_derive(x, &sc, IPPYO_PURPOSE_SELECTION_PROOF, 2, 5, 1), ==, 0);
	put_scalar(sd, "selection-proof_2_5_1", x);
	g_assert_cmpint(ippyo_seed_derive(x, &sc, IPPYO_PURPOSE_CONTEST_PROOF, 2,
	    IPPYO_OPTION_CONTEST, 3), ==, 0);
	put_scalar(sd, "contest-proof_2_contest_3", x);
	json_object_set_new(v, "seed_derivation", sd);

	/* the selection: vote 1 with r = encrypt_2_5_0, its 0/1 proof, and a
	 * contest proof [1, 2] over the same ciphertext (a one-option contest sum) */
	g_assert_cmpint(ippyo_ciphertext_encrypt(ct, key, 1, r), ==, 0);
	g_assert_cmpint(ippyo_ciphertext_serialize(ct, ctb), ==, 0);
	put_hex(sel, "ciphertext", ctb, sizeof(ctb));
	memset(&st, 0, sizeof(st));
	memcpy(st.election_hash, sc.election_hash, 32);
	memcpy(st.voter_binding, sc.voter_binding, 32);
	st.key = key;
	st.contest = 2;
	st.option = 5;
	st.min = 0;
	st.max = 1;
	st.ct = ct;
	g_assert_cmpint(ippyo_range_proof_prove(sp, &st, 1, r, sc.seed), ==, 0);
	g_assert_cmpint(ippyo_range_proof_verify(sp, &st), ==, 0);
	g_assert_cmpint(ippyo_range_proof_challenge(sp, &st, x), ==, 0);
	put_scalar(sel, "selection_challenge", x);
	g_assert_cmpint(ippyo_range_proof_serialize(sp, b, IPPYO_SELECTION_PROOF_BYTES), ==, 0);
	put_hex(sel, "selection_proof", b, IPPYO_SELECTION_PROOF_BYTES);
	st.option = IPPYO_OPTION_CONTEST;
	st.min = 1;
	st.max = 2;
	g_assert_cmpint(ippyo_range_proof_prove(cp, &st, 1, r, sc.seed), ==, 0);
	g_assert_cmpint(ippyo_range_proof_verify(cp, &st), ==, 0);
	g_assert_cmpint(ippyo_range_proof_challenge(cp, &st, x), ==, 0);
	put_scalar(sel, "contest_challenge", x);
	g_assert_cmpint(ippyo_range_proof_serialize(cp, b, sizeof(b)), ==, 0);
	put_hex(sel, "contest_proof", b, sizeof(b));
	json_object_set_new(v, "selection", sel);

	ippyo_seed_context_wipe(&sc);
	ippyo_scalar_free(s);
	ippyo_scalar_free(x);
	ippyo_scalar_free(r);
	ippyo_point_free(k);
	ippyo_point_free(p);
	ippyo_election_key_free(key);
	ippyo_ciphertext_free(ct);
	ippyo_range_proof_free(sp);
	ippyo_range_proof_free(cp);
	return v;
}

static void
test_kat(void)
{
	const char *src = g_getenv("IPPYO_SOURCE_DIR"), *out = g_getenv("IPPYO_KAT_WRITE");
	g_autofree char *path = NULL;
	json_t *want, *got = generate();
	json_error_t err;
	const char *k1, *k2;
	json_t *v1, *v2;
	size_t n = 0;

	if (out != NULL) {
		g_assert_cmpint(json_dump_file(got, out, JSON_INDENT(2) | JSON_SORT_KEYS), ==, 0);
		json_decref(got);
		g_test_skip("vector written");
		return;
	}
	g_assert_nonnull(src);
	path = g_build_filename(src, "tests", "vectors", "crypto-kat.json", NULL);
	want = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (want == NULL)
		g_error("%s: %s", path, err.text);
	/* every section, every value, and nothing more or less */
	g_assert_cmpuint(json_object_size(want), ==, json_object_size(got));
	json_object_foreach(want, k1, v1) {
		json_t *g1 = json_object_get(got, k1);

		g_assert_nonnull(g1);
		g_assert_cmpuint(json_object_size(v1), ==, json_object_size(g1));
		json_object_foreach(v1, k2, v2) {
			json_t *g2 = json_object_get(g1, k2);

			g_assert_nonnull(g2);
			if (json_is_string(v2))
				g_assert_cmpstr(json_string_value(g2), ==, json_string_value(v2));
			else
				g_assert_cmpint(json_integer_value(g2), ==, json_integer_value(v2));
			n++;
		}
	}
	g_assert_cmpuint(n, >=, 20);
	json_decref(want);
	json_decref(got);
}

/* The vector's proofs parse and verify from the file's bytes alone. */
static void
test_kat_verifies(void)
{
	const char *src = g_getenv("IPPYO_SOURCE_DIR");
	g_autofree char *path = NULL;
	json_t *v, *sel, *in;
	json_error_t err;
	ippyo_point *k = ippyo_point_new();
	ippyo_election_key *key = NULL;
	ippyo_ciphertext *ct = ippyo_ciphertext_new();
	ippyo_range_proof *sp = ippyo_range_proof_new(0, 1), *cp = ippyo_range_proof_new(1, 2);
	ippyo_proof_statement st;
	uint8_t kb[33], ctb[66], b[260];

	if (g_getenv("IPPYO_KAT_WRITE") != NULL) {
		g_test_skip("writing");
		goto out;
	}
	path = g_build_filename(src, "tests", "vectors", "crypto-kat.json", NULL);
	g_assert_nonnull(v = json_load_file(path, JSON_REJECT_DUPLICATES, &err));
	sel = json_object_get(v, "selection");
	in = json_object_get(v, "inputs");
	hexin(json_string_value(json_object_get(json_object_get(v, "encodings"), "K")), kb, 33);
	g_assert_cmpint(ippyo_point_parse(k, kb, 33), ==, 0);
	g_assert_cmpint(ippyo_election_key_new(&key, k), ==, 0);
	hexin(json_string_value(json_object_get(sel, "ciphertext")), ctb, 66);
	g_assert_cmpint(ippyo_ciphertext_parse(ct, ctb, 66), ==, 0);
	memset(&st, 0, sizeof(st));
	hexin(json_string_value(json_object_get(in, "election_hash")), st.election_hash, 32);
	hexin(json_string_value(json_object_get(in, "voter_binding")), st.voter_binding, 32);
	st.key = key;
	st.contest = 2;
	st.option = 5;
	st.max = 1;
	st.ct = ct;
	hexin(json_string_value(json_object_get(sel, "selection_proof")), b, 260);
	g_assert_cmpint(ippyo_range_proof_parse(sp, b, 260), ==, 0);
	g_assert_cmpint(ippyo_range_proof_verify(sp, &st), ==, 0);
	st.option = IPPYO_OPTION_CONTEST;
	st.min = 1;
	st.max = 2;
	hexin(json_string_value(json_object_get(sel, "contest_proof")), b, 260);
	g_assert_cmpint(ippyo_range_proof_parse(cp, b, 260), ==, 0);
	g_assert_cmpint(ippyo_range_proof_verify(cp, &st), ==, 0);
	st.voter_binding[0] ^= 1;
	g_assert_cmpint(ippyo_range_proof_verify(cp, &st), ==, IPPYO_ERR_BAD_PROOF);
	json_decref(v);
out:
	ippyo_point_free(k);
	ippyo_election_key_free(key);
	ippyo_ciphertext_free(ct);
	ippyo_range_proof_free(sp);
	ippyo_range_proof_free(cp);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ippyo/kat/regenerate", test_kat);
	g_test_add_func("/ippyo/kat/verifies", test_kat_verifies);
	return g_test_run();
}
