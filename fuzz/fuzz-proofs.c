/*
 * Fuzzes the binary forms of the group and the proofs: every parser sees
 * the whole input (their lengths are exact, so at most a few accept it) and
 * a parsed value serializes back to the same bytes. Parsed points and
 * proofs then go through the verifiers, which must fail cleanly.
 */
#include "fuzz.h"

#include "crypto/chaum-pedersen.h"
#include "crypto/decrypt.h"
#include "crypto/elgamal.h"
#include "crypto/group.h"
#include "crypto/proof.h"
#include "crypto/schnorr.h"

static ippyo_election_key *key;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	ippyo_scalar *k = ippyo_scalar_new();
	ippyo_point *K = ippyo_point_new();

	FUZZ_CHECK(k != NULL && K != NULL);
	FUZZ_CHECK(ippyo_scalar_set_u64(k, 0x1234567) == 0);
	FUZZ_CHECK(ippyo_point_mul_gen(K, k) == 0);
	FUZZ_CHECK(ippyo_election_key_new(&key, K) == 0);
	ippyo_scalar_free(k);
	ippyo_point_free(K);
	return 0;
}

static void
fuzz_point_scalar(const uint8_t *data, size_t size)
{
	ippyo_point *p = ippyo_point_new();
	ippyo_scalar *s = ippyo_scalar_new();
	uint8_t pb[IPPYO_POINT_BYTES], sb[IPPYO_SCALAR_BYTES];

	FUZZ_CHECK(p != NULL && s != NULL);
	if (ippyo_point_parse(p, data, size) == 0) {
		FUZZ_CHECK(!ippyo_point_is_infinity(p));
		FUZZ_CHECK(ippyo_point_serialize(p, pb) == 0);
		FUZZ_CHECK(fuzz_same(pb, sizeof(pb), data, size));
	}
	if (ippyo_scalar_parse(s, data, size) == 0) {
		FUZZ_CHECK(ippyo_scalar_serialize(s, sb) == 0);
		FUZZ_CHECK(fuzz_same(sb, sizeof(sb), data, size));
	}
	ippyo_point_free(p);
	ippyo_scalar_free(s);
}

static void
fuzz_ciphertext(const uint8_t *data, size_t size)
{
	ippyo_ciphertext *ct = ippyo_ciphertext_new();
	uint8_t b[IPPYO_CIPHERTEXT_BYTES];

	FUZZ_CHECK(ct != NULL);
	if (ippyo_ciphertext_parse(ct, data, size) == 0) {
		FUZZ_CHECK(ippyo_ciphertext_serialize(ct, b) == 0);
		FUZZ_CHECK(fuzz_same(b, sizeof(b), data, size));
	}
	ippyo_ciphertext_free(ct);
}

static void
fuzz_range(const uint8_t *data, size_t size)
{
	ippyo_range_proof *p;
	ippyo_ciphertext *ct;
	ippyo_proof_statement st;
	uint8_t *back;
	uint32_t branches;

	if (size == 0 || size % IPPYO_RANGE_BRANCH_BYTES != 0 ||
	    size / IPPYO_RANGE_BRANCH_BYTES > IPPYO_RANGE_MAX_BRANCHES)
		return;
	branches = (uint32_t)(size / IPPYO_RANGE_BRANCH_BYTES);
	p = ippyo_range_proof_new(0, branches - 1);
	FUZZ_CHECK(p != NULL);
	FUZZ_CHECK(ippyo_range_proof_size(0, branches - 1) == size);
	if (ippyo_range_proof_parse(p, data, size) == 0) {
		back = malloc(size);
		FUZZ_CHECK(back != NULL);
		FUZZ_CHECK(ippyo_range_proof_serialize(p, back, size) == 0);
		FUZZ_CHECK(fuzz_same(back, size, data, size));
		free(back);
		/* Against an encryption of 0 with r = 1: a forged proof must not verify. */
		ct = ippyo_ciphertext_new();
		FUZZ_CHECK(ct != NULL);
		{
			ippyo_scalar *r = ippyo_scalar_new();

			FUZZ_CHECK(r != NULL && ippyo_scalar_set_u64(r, 1) == 0);
			FUZZ_CHECK(ippyo_ciphertext_encrypt(ct, key, 0, r) == 0);
			ippyo_scalar_free(r);
		}
		memset(&st, 0, sizeof(st));
		st.key = key;
		st.min = 0;
		st.max = branches - 1;
		st.option = branches == 2 ? 0 : IPPYO_OPTION_CONTEST;
		st.ct = ct;
		FUZZ_CHECK(ippyo_range_proof_verify(p, &st) != 0);
		ippyo_ciphertext_free(ct);
	}
	ippyo_range_proof_free(p);
}

static void
fuzz_small_proofs(const uint8_t *data, size_t size)
{
	ippyo_schnorr_proof *sp = ippyo_schnorr_proof_new();
	ippyo_cp_proof *cp = ippyo_cp_proof_new();
	ippyo_partial_decryption *pd = ippyo_partial_decryption_new();
	uint8_t sb[IPPYO_SCHNORR_BYTES], cb[IPPYO_CP_BYTES], db[IPPYO_PARTIAL_DECRYPTION_BYTES];
	ippyo_schnorr_context sctx;

	FUZZ_CHECK(sp != NULL && cp != NULL && pd != NULL);
	if (ippyo_schnorr_proof_parse(sp, data, size) == 0) {
		FUZZ_CHECK(ippyo_schnorr_proof_serialize(sp, sb) == 0);
		FUZZ_CHECK(fuzz_same(sb, sizeof(sb), data, size));
		memset(&sctx, 0, sizeof(sctx));
		FUZZ_CHECK(ippyo_schnorr_verify(sp, &sctx, ippyo_election_key_point(key)) != 0);
	}
	if (ippyo_cp_proof_parse(cp, data, size) == 0) {
		FUZZ_CHECK(ippyo_cp_proof_serialize(cp, cb) == 0);
		FUZZ_CHECK(fuzz_same(cb, sizeof(cb), data, size));
	}
	if (ippyo_partial_decryption_parse(pd, 1, data, size) == 0) {
		FUZZ_CHECK(ippyo_partial_decryption_trustee(pd) == 1);
		FUZZ_CHECK(ippyo_partial_decryption_serialize(pd, db) == 0);
		FUZZ_CHECK(fuzz_same(db, sizeof(db), data, size));
	}
	ippyo_schnorr_proof_free(sp);
	ippyo_cp_proof_free(cp);
	ippyo_partial_decryption_free(pd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_point_scalar(data, size);
	fuzz_ciphertext(data, size);
	fuzz_range(data, size);
	fuzz_small_proofs(data, size);
	return 0;
}
