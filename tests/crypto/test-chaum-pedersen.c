/* Tests of the Chaum–Pedersen proof of equality of discrete logs. */
#include <glib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "crypto/chaum-pedersen.h"
#include "error.h"
#include "kat-helper.h"

typedef struct {
	ippyo_scalar *x;
	ippyo_point *X, *A, *D;
	ippyo_cp_context ctx;
	ippyo_cp_proof *proof;
	uint8_t bytes[IPPYO_CP_BYTES];
} fixture;

static void
context(ippyo_cp_context *c, const char *label, uint32_t trustee)
{
	memset(c, 0, sizeof(*c));
	g_assert_cmpint(ippyo_sha256(label, strlen(label), c->election), ==, 0);
	c->trustee = trustee;
}

static void
setup(fixture *f)
{
	ippyo_scalar *r = ippyo_scalar_new();

	f->x = ippyo_scalar_new();
	f->X = ippyo_point_new();
	f->A = ippyo_point_new();
	f->D = ippyo_point_new();
	f->proof = ippyo_cp_proof_new();
	g_assert_cmpint(ippyo_scalar_random(f->x), ==, 0);
	g_assert_cmpint(ippyo_scalar_random(r), ==, 0);
	g_assert_cmpint(ippyo_point_mul_gen(f->X, f->x), ==, 0);
	g_assert_cmpint(ippyo_point_mul_gen(f->A, r), ==, 0);
	g_assert_cmpint(ippyo_point_mul(f->D, f->x, f->A), ==, 0);
	context(&f->ctx, "ippyo test chaum-pedersen", 3);
	g_assert_cmpint(ippyo_cp_prove(f->proof, &f->ctx, f->x, f->X, f->A, f->D), ==, 0);
	g_assert_cmpint(ippyo_cp_proof_serialize(f->proof, f->bytes), ==, 0);
	ippyo_scalar_free(r);
}

static void
teardown(fixture *f)
{
	ippyo_scalar_free(f->x);
	ippyo_point_free(f->X);
	ippyo_point_free(f->A);
	ippyo_point_free(f->D);
	ippyo_cp_proof_free(f->proof);
}

static void
test_roundtrip(void)
{
	fixture f;
	ippyo_cp_proof *p = ippyo_cp_proof_new();
	uint8_t out[IPPYO_CP_BYTES];

	setup(&f);
	g_assert_cmpint(ippyo_cp_verify(f.proof, &f.ctx, f.X, f.A, f.D), ==, 0);
	g_assert_cmpint(ippyo_cp_proof_parse(p, f.bytes, sizeof(f.bytes)), ==, 0);
	g_assert_cmpint(ippyo_cp_verify(p, &f.ctx, f.X, f.A, f.D), ==, 0);
	g_assert_cmpint(ippyo_cp_proof_serialize(p, out), ==, 0);
	g_assert_cmpmem(out, sizeof(out), f.bytes, sizeof(f.bytes));
	ippyo_cp_proof_free(p);
	teardown(&f);
}

/* Any single changed field of the statement or the proof: rejected. */
static void
test_tamper(void)
{
	fixture f;
	ippyo_cp_context c;
	ippyo_cp_proof *p = ippyo_cp_proof_new();
	ippyo_point *B = ippyo_point_new();
	const ippyo_point *G = ippyo_point_generator();

	setup(&f);
	for (size_t i = 0; i < sizeof(c.election); i++) {
		c = f.ctx;
		c.election[i] ^= 0x01;
		g_assert_cmpint(ippyo_cp_verify(f.proof, &c, f.X, f.A, f.D), ==, IPPYO_ERR_BAD_PROOF);
	}
	c = f.ctx;
	c.trustee = 4;
	g_assert_cmpint(ippyo_cp_verify(f.proof, &c, f.X, f.A, f.D), ==, IPPYO_ERR_BAD_PROOF);
	g_assert_cmpint(ippyo_point_add(B, f.X, G), ==, 0);
	g_assert_cmpint(ippyo_cp_verify(f.proof, &f.ctx, B, f.A, f.D), ==, IPPYO_ERR_BAD_PROOF);
	g_assert_cmpint(ippyo_point_add(B, f.A, G), ==, 0);
	g_assert_cmpint(ippyo_cp_verify(f.proof, &f.ctx, f.X, B, f.D), ==, IPPYO_ERR_BAD_PROOF);
	g_assert_cmpint(ippyo_point_add(B, f.D, G), ==, 0);
	g_assert_cmpint(ippyo_cp_verify(f.proof, &f.ctx, f.X, f.A, B), ==, IPPYO_ERR_BAD_PROOF);
	/* A wrong D with a proof made for it by someone who does not know x. */
	g_assert_cmpint(ippyo_cp_prove(p, &f.ctx, f.x, f.X, f.A, B), ==, 0);
	g_assert_cmpint(ippyo_cp_verify(p, &f.ctx, f.X, f.A, B), ==, IPPYO_ERR_BAD_PROOF);
	/* Swapped statement sides. */
	g_assert_cmpint(ippyo_cp_verify(f.proof, &f.ctx, f.D, f.A, f.X), ==, IPPYO_ERR_BAD_PROOF);
	for (size_t i = 0; i < sizeof(f.bytes); i++) {
		for (int bit = 0; bit < 8; bit++) {
			uint8_t t[IPPYO_CP_BYTES];
			int e;

			memcpy(t, f.bytes, sizeof(t));
			t[i] ^= (uint8_t)(1u << bit);
			e = ippyo_cp_proof_parse(p, t, sizeof(t));
			if (e == 0)
				e = ippyo_cp_verify(p, &f.ctx, f.X, f.A, f.D);
			g_assert_cmpint(e, !=, 0);
		}
	}
	g_assert_cmpint(ippyo_point_set_infinity(B), ==, 0);
	g_assert_cmpint(ippyo_cp_verify(f.proof, &f.ctx, f.X, B, f.D), ==, IPPYO_ERR_BAD_PROOF);
	ippyo_point_free(B);
	ippyo_cp_proof_free(p);
	teardown(&f);
}

static void
test_parse(void)
{
	fixture f;
	ippyo_cp_proof *p = ippyo_cp_proof_new();
	uint8_t t[IPPYO_CP_BYTES + 1];

	setup(&f);
	memcpy(t, f.bytes, IPPYO_CP_BYTES);
	t[IPPYO_CP_BYTES] = 0;
	g_assert_cmpint(ippyo_cp_proof_parse(p, t, IPPYO_CP_BYTES - 1), ==, IPPYO_ERR_TRUNCATED);
	g_assert_cmpint(ippyo_cp_proof_parse(p, t, IPPYO_CP_BYTES + 1), ==, IPPYO_ERR_TRAILING);
	memset(t + 2 * IPPYO_POINT_BYTES, 0xff, IPPYO_SCALAR_BYTES);
	g_assert_cmpint(ippyo_cp_proof_parse(p, t, IPPYO_CP_BYTES), ==, IPPYO_ERR_SCALAR_UNREDUCED);
	memcpy(t, f.bytes, IPPYO_CP_BYTES);
	memset(t + IPPYO_POINT_BYTES, 0, IPPYO_POINT_BYTES);
	g_assert_cmpint(ippyo_cp_proof_parse(p, t, IPPYO_CP_BYTES), ==, IPPYO_ERR_POINT_INFINITY);
	ippyo_cp_proof_free(p);
	teardown(&f);
}

/* Fixed key, ciphertext and nonce -> exact transcript, challenge and proof bytes. */
static void
test_known_answer(void)
{
	ippyo_scalar *x = kat_scalar("ippyo/kat/chaum-pedersen/x");
	ippyo_scalar *r = kat_scalar("ippyo/kat/chaum-pedersen/r");
	ippyo_scalar *w = kat_scalar("ippyo/kat/chaum-pedersen/w");
	ippyo_scalar *c = ippyo_scalar_new();
	ippyo_point *X = ippyo_point_new(), *A = ippyo_point_new(), *D = ippyo_point_new();
	ippyo_cp_proof *p = ippyo_cp_proof_new();
	ippyo_transcript *t = NULL;
	ippyo_cp_context ctx;
	uint8_t b[IPPYO_CP_BYTES];
	GString *out = g_string_new("# ippyo known answers: Chaum-Pedersen proof of a partial decryption\n"
	    "# (docs/crypto.md, Threshold decryption). Regenerated and compared by\n"
	    "# tests/crypto/test-chaum-pedersen.c; inputs: election = SHA-256(label), x, r, w =\n"
	    "# SHA-512(\"ippyo/kat/chaum-pedersen/<name>\") mod q; X = x·G, A = r·G, D = x·A. Hex.\n");

	context(&ctx, "ippyo/kat/election", 3);
	g_assert_cmpint(ippyo_point_mul_gen(X, x), ==, 0);
	g_assert_cmpint(ippyo_point_mul_gen(A, r), ==, 0);
	g_assert_cmpint(ippyo_point_mul(D, x, A), ==, 0);
	g_assert_cmpint(ippyo_cp_prove_nonce(p, &ctx, x, X, A, D, w), ==, 0);
	g_assert_cmpint(ippyo_cp_verify(p, &ctx, X, A, D), ==, 0);
	g_assert_cmpint(ippyo_cp_challenge(c, &ctx, X, A, D, ippyo_cp_proof_a(p), ippyo_cp_proof_b(p), &t), ==, 0);
	g_assert_cmpint(ippyo_cp_proof_serialize(p, b), ==, 0);
	kat_hex(out, "election", ctx.election, sizeof(ctx.election));
	g_string_append_printf(out, "trustee = %u\n", ctx.trustee);
	kat_scalar_line(out, "x", x);
	kat_scalar_line(out, "r", r);
	kat_scalar_line(out, "w", w);
	kat_point(out, "X", X);
	kat_point(out, "A", A);
	kat_point(out, "D", D);
	kat_point(out, "a", ippyo_cp_proof_a(p));
	kat_point(out, "b", ippyo_cp_proof_b(p));
	kat_transcript(out, "transcript", t);
	kat_scalar_line(out, "c", c);
	kat_scalar_line(out, "z", ippyo_cp_proof_response(p));
	kat_hex(out, "proof", b, sizeof(b));
	kat_compare("chaum-pedersen.txt", out);
	g_string_free(out, TRUE);
	ippyo_transcript_free(t);
	ippyo_cp_proof_free(p);
	ippyo_point_free(X);
	ippyo_point_free(A);
	ippyo_point_free(D);
	ippyo_scalar_free(x);
	ippyo_scalar_free(r);
	ippyo_scalar_free(w);
	ippyo_scalar_free(c);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ippyo/chaum-pedersen/roundtrip", test_roundtrip);
	g_test_add_func("/ippyo/chaum-pedersen/tamper", test_tamper);
	g_test_add_func("/ippyo/chaum-pedersen/parse", test_parse);
	g_test_add_func("/ippyo/chaum-pedersen/known-answer", test_known_answer);
	return g_test_run();
}
