/* Tests of the Schnorr proof of knowledge (key-ceremony commitments). */
#include <glib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "crypto/schnorr.h"
#include "error.h"
#include "kat-helper.h"

static void
context(ippyo_schnorr_context *c, const char *label, uint32_t trustee, uint32_t coefficient)
{
	memset(c, 0, sizeof(*c));
	g_assert_cmpint(ippyo_sha256(label, strlen(label), c->context), ==, 0);
	c->trustee = trustee;
	c->coefficient = coefficient;
}

typedef struct {
	ippyo_scalar *a;
	ippyo_point *A;
	ippyo_schnorr_context ctx;
	ippyo_schnorr_proof *proof;
	uint8_t bytes[IPPYO_SCHNORR_BYTES];
} fixture;

static void
setup(fixture *f)
{
	f->a = ippyo_scalar_new();
	f->A = ippyo_point_new();
	f->proof = ippyo_schnorr_proof_new();
	g_assert_cmpint(ippyo_scalar_random(f->a), ==, 0);
	g_assert_cmpint(ippyo_point_mul_gen(f->A, f->a), ==, 0);
	context(&f->ctx, "ippyo test schnorr", 2, 1);
	g_assert_cmpint(ippyo_schnorr_prove(f->proof, &f->ctx, f->a, f->A), ==, 0);
	g_assert_cmpint(ippyo_schnorr_proof_serialize(f->proof, f->bytes), ==, 0);
}

static void
teardown(fixture *f)
{
	ippyo_scalar_free(f->a);
	ippyo_point_free(f->A);
	ippyo_schnorr_proof_free(f->proof);
}

static void
test_roundtrip(void)
{
	fixture f;
	ippyo_schnorr_proof *p = ippyo_schnorr_proof_new();
	uint8_t out[IPPYO_SCHNORR_BYTES];

	setup(&f);
	g_assert_cmpint(ippyo_schnorr_verify(f.proof, &f.ctx, f.A), ==, 0);
	g_assert_cmpint(ippyo_schnorr_proof_parse(p, f.bytes, sizeof(f.bytes)), ==, 0);
	g_assert_cmpint(ippyo_schnorr_verify(p, &f.ctx, f.A), ==, 0);
	g_assert_cmpint(ippyo_schnorr_proof_serialize(p, out), ==, 0);
	g_assert_cmpmem(out, sizeof(out), f.bytes, sizeof(f.bytes));
	/* Two proofs of the same statement differ (fresh nonces) and both verify. */
	g_assert_cmpint(ippyo_schnorr_prove(p, &f.ctx, f.a, f.A), ==, 0);
	g_assert_cmpint(ippyo_schnorr_proof_serialize(p, out), ==, 0);
	g_assert_cmpint(memcmp(out, f.bytes, sizeof(out)), !=, 0);
	g_assert_cmpint(ippyo_schnorr_verify(p, &f.ctx, f.A), ==, 0);
	ippyo_schnorr_proof_free(p);
	teardown(&f);
}

/* Any single changed field of the statement or the proof: rejected. */
static void
test_tamper(void)
{
	fixture f;
	ippyo_schnorr_context c;
	ippyo_schnorr_proof *p = ippyo_schnorr_proof_new();
	ippyo_point *B = ippyo_point_new();

	setup(&f);
	for (size_t i = 0; i < sizeof(c.context); i++) {
		c = f.ctx;
		c.context[i] ^= 0x80;
		g_assert_cmpint(ippyo_schnorr_verify(f.proof, &c, f.A), ==, IPPYO_ERR_BAD_PROOF);
	}
	c = f.ctx;
	c.trustee = 3;
	g_assert_cmpint(ippyo_schnorr_verify(f.proof, &c, f.A), ==, IPPYO_ERR_BAD_PROOF);
	c = f.ctx;
	c.coefficient = 0;
	g_assert_cmpint(ippyo_schnorr_verify(f.proof, &c, f.A), ==, IPPYO_ERR_BAD_PROOF);
	c = f.ctx;
	c.coefficient = IPPYO_SCHNORR_ENCRYPTION_KEY;
	g_assert_cmpint(ippyo_schnorr_verify(f.proof, &c, f.A), ==, IPPYO_ERR_BAD_PROOF);
	/* Another statement A + G. */
	g_assert_cmpint(ippyo_point_add(B, f.A, ippyo_point_generator()), ==, 0);
	g_assert_cmpint(ippyo_schnorr_verify(f.proof, &f.ctx, B), ==, IPPYO_ERR_BAD_PROOF);
	/* Every bit of the wire form: a parse error or a failed proof. */
	for (size_t i = 0; i < sizeof(f.bytes); i++) {
		for (int bit = 0; bit < 8; bit++) {
			uint8_t t[IPPYO_SCHNORR_BYTES];
			int e;

			memcpy(t, f.bytes, sizeof(t));
			t[i] ^= (uint8_t)(1u << bit);
			e = ippyo_schnorr_proof_parse(p, t, sizeof(t));
			if (e == 0)
				e = ippyo_schnorr_verify(p, &f.ctx, f.A);
			g_assert_cmpint(e, !=, 0);
		}
	}
	/* R = O or A = O never verifies. */
	g_assert_cmpint(ippyo_point_set_infinity(B), ==, 0);
	g_assert_cmpint(ippyo_schnorr_verify(f.proof, &f.ctx, B), ==, IPPYO_ERR_BAD_PROOF);
	ippyo_point_free(B);
	ippyo_schnorr_proof_free(p);
	teardown(&f);
}

static void
test_parse(void)
{
	fixture f;
	ippyo_schnorr_proof *p = ippyo_schnorr_proof_new();
	uint8_t t[IPPYO_SCHNORR_BYTES + 1];

	setup(&f);
	memcpy(t, f.bytes, IPPYO_SCHNORR_BYTES);
	t[IPPYO_SCHNORR_BYTES] = 0;
	g_assert_cmpint(ippyo_schnorr_proof_parse(p, t, IPPYO_SCHNORR_BYTES - 1), ==, IPPYO_ERR_TRUNCATED);
	g_assert_cmpint(ippyo_schnorr_proof_parse(p, t, IPPYO_SCHNORR_BYTES + 1), ==, IPPYO_ERR_TRAILING);
	memset(t + IPPYO_POINT_BYTES, 0xff, IPPYO_SCALAR_BYTES);
	g_assert_cmpint(ippyo_schnorr_proof_parse(p, t, IPPYO_SCHNORR_BYTES), ==, IPPYO_ERR_SCALAR_UNREDUCED);
	memcpy(t, f.bytes, IPPYO_SCHNORR_BYTES);
	memset(t, 0, IPPYO_POINT_BYTES);
	g_assert_cmpint(ippyo_schnorr_proof_parse(p, t, IPPYO_SCHNORR_BYTES), ==, IPPYO_ERR_POINT_INFINITY);
	t[0] = 0x04;
	g_assert_cmpint(ippyo_schnorr_proof_parse(p, t, IPPYO_SCHNORR_BYTES), ==, IPPYO_ERR_POINT_FORMAT);
	/* A zero secret or nonce is refused by the prover. */
	{
		ippyo_scalar *zero = ippyo_scalar_new();

		g_assert_cmpint(ippyo_schnorr_prove(p, &f.ctx, zero, f.A), ==, IPPYO_ERR_SCALAR_ZERO);
		g_assert_cmpint(ippyo_schnorr_prove_nonce(p, &f.ctx, f.a, f.A, zero), ==, IPPYO_ERR_SCALAR_ZERO);
		ippyo_scalar_free(zero);
	}
	ippyo_schnorr_proof_free(p);
	teardown(&f);
}

/* Fixed secret and nonce -> exact transcript, challenge and proof bytes. */
static void
test_known_answer(void)
{
	ippyo_scalar *a = kat_scalar("ippyo/kat/schnorr/a");
	ippyo_scalar *w = kat_scalar("ippyo/kat/schnorr/w");
	ippyo_scalar *c = ippyo_scalar_new();
	ippyo_point *A = ippyo_point_new();
	ippyo_schnorr_proof *p = ippyo_schnorr_proof_new();
	ippyo_transcript *t = NULL;
	ippyo_schnorr_context ctx;
	uint8_t b[IPPYO_SCHNORR_BYTES];
	GString *out = g_string_new("# ippyo known answers: Schnorr proof of knowledge (docs/crypto.md, Key ceremony).\n"
	    "# Regenerated and compared by tests/crypto/test-schnorr.c; inputs: context = SHA-256(label),\n"
	    "# a = SHA-512(\"ippyo/kat/schnorr/a\") mod q, w = SHA-512(\"ippyo/kat/schnorr/w\") mod q. Hex.\n");

	context(&ctx, "ippyo/kat/context", 2, 1);
	g_assert_cmpint(ippyo_point_mul_gen(A, a), ==, 0);
	g_assert_cmpint(ippyo_schnorr_prove_nonce(p, &ctx, a, A, w), ==, 0);
	g_assert_cmpint(ippyo_schnorr_verify(p, &ctx, A), ==, 0);
	g_assert_cmpint(ippyo_schnorr_challenge(c, &ctx, A, ippyo_schnorr_proof_commitment(p), &t), ==, 0);
	g_assert_cmpint(ippyo_schnorr_proof_serialize(p, b), ==, 0);
	kat_hex(out, "context", ctx.context, sizeof(ctx.context));
	g_string_append_printf(out, "trustee = %u\ncoefficient = %u\n", ctx.trustee, ctx.coefficient);
	kat_scalar_line(out, "a", a);
	kat_scalar_line(out, "w", w);
	kat_point(out, "A", A);
	kat_point(out, "R", ippyo_schnorr_proof_commitment(p));
	kat_transcript(out, "transcript", t);
	kat_scalar_line(out, "c", c);
	kat_scalar_line(out, "z", ippyo_schnorr_proof_response(p));
	kat_hex(out, "proof", b, sizeof(b));
	kat_compare("schnorr.txt", out);
	g_string_free(out, TRUE);
	ippyo_transcript_free(t);
	ippyo_schnorr_proof_free(p);
	ippyo_point_free(A);
	ippyo_scalar_free(a);
	ippyo_scalar_free(w);
	ippyo_scalar_free(c);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ippyo/schnorr/roundtrip", test_roundtrip);
	g_test_add_func("/ippyo/schnorr/tamper", test_tamper);
	g_test_add_func("/ippyo/schnorr/parse", test_parse);
	g_test_add_func("/ippyo/schnorr/known-answer", test_known_answer);
	return g_test_run();
}
