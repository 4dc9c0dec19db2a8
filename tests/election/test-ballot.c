/* Tests of the encrypted ballot, its tracking code, batch verification and the Benaloh audit. */
#include <glib.h>
#include <jansson.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "crypto/elgamal.h"
#include "crypto/hash.h"
#include "crypto/proof.h"
#include "election/ballot.h"
#include "election/manifest.h"
#include "encoding.h"
#include "error.h"
#include "fixture.h"

static const fx_contest two[] = { { 1, 1, 3 }, { 0, 2, 4 } };

static void
random_bytes(uint8_t *b, size_t n)
{
	g_assert_true(RAND_bytes(b, (int)n) == 1);
}

static ippyo_ballot *
build(const ippyo_manifest *m, const ippyo_election_key *key, const ippyo_choices *ch,
    const uint8_t seed[32], const uint8_t voter[32])
{
	ippyo_ballot *b = NULL;

	g_assert_cmpint(ippyo_ballot_build(&b, m, key, ch, seed, voter), ==, 0);
	g_assert_nonnull(b);
	return b;
}

static void
test_random_valid(void)
{
	ippyo_manifest *m = fx_sealed("2027-tsukuba-mayor", two, 2);
	ippyo_election_key *key = fx_key(m);
	uint8_t seed[32], voter[32], tc[32];
	size_t i, len, len2;
	const uint8_t *bytes;

	for (i = 0; i < 20; i++) {
		ippyo_choices *ch = fx_random_choices(m);
		ippyo_ballot *b, *b2 = NULL, *b3;

		random_bytes(seed, 32);
		random_bytes(voter, 32);
		b = build(m, key, ch, seed, voter);
		g_assert_cmpint(ippyo_ballot_verify(b, m, key, voter), ==, 0);
		bytes = ippyo_ballot_bytes(b, &len);
		g_assert_cmpuint(len, ==, ippyo_manifest_ballot_size(m));
		g_assert_cmpuint(strlen((const char *)bytes), ==, len);
		/* Parse its bytes: the same ballot. */
		g_assert_cmpint(ippyo_ballot_parse(&b2, m, bytes, len), ==, 0);
		g_assert_cmpmem(ippyo_ballot_bytes(b2, &len2), len2, bytes, len);
		g_assert_cmpint(ippyo_ballot_verify(b2, m, key, voter), ==, 0);
		g_assert_cmpmem(ippyo_ballot_voter(b2), 32, voter, 32);
		/* Deterministic: the same inputs give the same bytes. */
		b3 = build(m, key, ch, seed, voter);
		g_assert_cmpmem(ippyo_ballot_bytes(b3, &len2), len2, bytes, len);
		/* The tracking code is the tagged hash of the bytes. */
		g_assert_cmpint(ippyo_tracking_code(bytes, len, tc), ==, 0);
		g_assert_cmpmem(ippyo_ballot_tracking_code(b), 32, tc, 32);
		g_assert_cmpuint(ippyo_ballot_contests(b), ==, 2);
		g_assert_cmpuint(ippyo_ballot_options(b, 1), ==, 4);
		g_assert_nonnull(ippyo_ballot_selection(b, 1, 3));
		g_assert_null(ippyo_ballot_selection(b, 1, 4));
		g_assert_nonnull(ippyo_ballot_contest_sum(b, 0));
		ippyo_ballot_free(b);
		ippyo_ballot_free(b2);
		ippyo_ballot_free(b3);
		ippyo_choices_free(ch);
	}
	/* Another seed: other bytes. */
	{
		ippyo_choices *ch = fx_random_choices(m);
		ippyo_ballot *b1, *b2;
		size_t l1, l2;
		const uint8_t *p1, *p2;

		b1 = build(m, key, ch, seed, voter);
		seed[0] ^= 1;
		b2 = build(m, key, ch, seed, voter);
		p1 = ippyo_ballot_bytes(b1, &l1);
		p2 = ippyo_ballot_bytes(b2, &l2);
		g_assert_cmpuint(l1, ==, l2);
		g_assert_cmpint(memcmp(p1, p2, l1), !=, 0);
		ippyo_ballot_free(b1);
		ippyo_ballot_free(b2);
		ippyo_choices_free(ch);
	}
	ippyo_election_key_free(key);
	ippyo_manifest_free(m);
}

static void
test_limits(void)
{
	static const fx_contest other[] = { { 1, 1, 3 } };
	ippyo_manifest *m = fx_sealed("2027-tsukuba-mayor", two, 2);
	ippyo_manifest *m2 = fx_sealed("other", other, 1);
	ippyo_election_key *key = fx_key(m);
	ippyo_choices *ch = ippyo_choices_new(m), *ch2 = ippyo_choices_new(m2);
	ippyo_ballot *b = NULL;
	uint8_t seed[32] = { 0 }, voter[32] = { 0 };
	size_t bad = 99;

	/* Contest 0 needs exactly one: none is an under-vote. */
	g_assert_cmpint(ippyo_choices_check(ch, m, &bad), ==, IPPYO_ERR_UNDERVOTE);
	g_assert_cmpuint(bad, ==, 0);
	g_assert_cmpint(ippyo_ballot_build(&b, m, key, ch, seed, voter), ==, IPPYO_ERR_UNDERVOTE);
	g_assert_null(b);
	g_assert_cmpint(ippyo_choices_set(ch, 0, 2, 1), ==, 0);
	g_assert_cmpint(ippyo_choices_check(ch, m, &bad), ==, 0);
	/* Two in contest 0: an over-vote. */
	g_assert_cmpint(ippyo_choices_set(ch, 0, 1, 1), ==, 0);
	g_assert_cmpint(ippyo_ballot_build(&b, m, key, ch, seed, voter), ==, IPPYO_ERR_OVERVOTE);
	g_assert_cmpint(ippyo_choices_set(ch, 0, 1, 0), ==, 0);
	/* Three in contest 1 (max 2): an over-vote named at contest 1. */
	g_assert_cmpint(ippyo_choices_set(ch, 1, 0, 1), ==, 0);
	g_assert_cmpint(ippyo_choices_set(ch, 1, 1, 1), ==, 0);
	g_assert_cmpint(ippyo_choices_set(ch, 1, 3, 1), ==, 0);
	g_assert_cmpint(ippyo_choices_check(ch, m, &bad), ==, IPPYO_ERR_OVERVOTE);
	g_assert_cmpuint(bad, ==, 1);
	g_assert_cmpint(ippyo_ballot_build(&b, m, key, ch, seed, voter), ==, IPPYO_ERR_OVERVOTE);
	g_assert_null(b);
	/* Indices outside the manifest. */
	g_assert_cmpint(ippyo_choices_set(ch, 1, 4, 1), ==, IPPYO_ERR_BAD_OPTION);
	g_assert_cmpint(ippyo_choices_set(ch, 2, 0, 1), ==, IPPYO_ERR_BAD_OPTION);
	/* Choices shaped by another manifest. */
	g_assert_cmpint(ippyo_choices_set(ch2, 0, 0, 1), ==, 0);
	g_assert_cmpint(ippyo_ballot_build(&b, m, key, ch2, seed, voter), ==, IPPYO_ERR_BALLOT_SHAPE);
	/* A draft has no key: no ballot. */
	ippyo_choices_free(ch);
	ippyo_choices_free(ch2);
	ippyo_election_key_free(key);
	ippyo_manifest_free(m);
	ippyo_manifest_free(m2);
}

/* ---- hand-made ballots ---- */

static void
set_b64(json_t *arr_or_obj, size_t idx, const char *key, const uint8_t *b, size_t len)
{
	char *s = NULL;

	g_assert_cmpint(ippyo_b64url_encode(b, len, &s), ==, 0);
	if (key != NULL)
		json_object_set_new(arr_or_obj, key, json_string(s));
	else
		json_array_set_new(arr_or_obj, idx, json_string(s));
	OPENSSL_free(s);
}

/*
 * A ballot for contest 0 of {1, 1, 3} whose selections encrypt values[]
 * (each with a proof made by the unchecked prover) and whose contest proof
 * claims the true sum while [min, max] = [1, 1].
 */
static ippyo_ballot *
hand_made(const ippyo_manifest *m, const ippyo_election_key *key, const uint64_t values[3],
    const uint8_t seed[32], const uint8_t voter[32])
{
	ippyo_choices *ch = ippyo_choices_new(m);
	ippyo_ballot *base, *out = NULL;
	ippyo_seed_context sc;
	ippyo_proof_statement st;
	ippyo_ciphertext *ct = ippyo_ciphertext_new(), *sum = ippyo_ciphertext_new();
	ippyo_scalar *r = ippyo_scalar_new(), *rsum = ippyo_scalar_new();
	ippyo_range_proof *p;
	uint8_t raw[IPPYO_SELECTION_BYTES], praw[130];
	json_t *root, *jc, *sels;
	const uint8_t *bytes;
	size_t len, o;
	uint64_t total = 0;
	char *s;

	g_assert_cmpint(ippyo_choices_set(ch, 0, 0, 1), ==, 0);
	base = build(m, key, ch, seed, voter);
	bytes = ippyo_ballot_bytes(base, &len);
	root = json_loadb((const char *)bytes, len, 0, NULL);
	g_assert_nonnull(root);
	jc = json_array_get(json_object_get(root, "contests"), 0);
	sels = json_object_get(jc, "selections");

	memset(&sc, 0, sizeof(sc));
	memcpy(sc.seed, seed, 32);
	memcpy(sc.election_hash, ippyo_ballot_election_hash(base), 32);
	memcpy(sc.voter_binding, voter, 32);
	memset(&st, 0, sizeof(st));
	st.key = key;
	memcpy(st.election_hash, sc.election_hash, 32);
	memcpy(st.voter_binding, voter, 32);
	st.contest = 0;
	for (o = 0; o < 3; o++) {
		g_assert_cmpint(ippyo_seed_derive(r, &sc, IPPYO_PURPOSE_ENCRYPT, 0, (uint32_t)o, 0), ==, 0);
		g_assert_cmpint(ippyo_ciphertext_encrypt(ct, key, values[o], r), ==, 0);
		st.option = (uint32_t)o;
		st.min = 0;
		st.max = 1;
		st.ct = ct;
		p = ippyo_range_proof_new(0, 1);
		g_assert_cmpint(ippyo_range_proof_prove_unchecked(p, &st, values[o], r, seed), ==, 0);
		g_assert_cmpint(ippyo_ciphertext_serialize(ct, raw), ==, 0);
		g_assert_cmpint(ippyo_range_proof_serialize(p, raw + 66, 260), ==, 0);
		set_b64(sels, o, NULL, raw, sizeof(raw));
		ippyo_range_proof_free(p);
		g_assert_cmpint(ippyo_ciphertext_add(sum, sum, ct), ==, 0);
		g_assert_cmpint(ippyo_scalar_add(rsum, rsum, r), ==, 0);
		total += values[o];
	}
	st.option = IPPYO_OPTION_CONTEST;
	st.min = 1;
	st.max = 1;
	st.ct = sum;
	p = ippyo_range_proof_new(1, 1);
	g_assert_cmpint(ippyo_range_proof_prove_unchecked(p, &st, total, rsum, seed), ==, 0);
	g_assert_cmpint(ippyo_range_proof_serialize(p, praw, sizeof(praw)), ==, 0);
	set_b64(jc, 0, "proof", praw, sizeof(praw));
	ippyo_range_proof_free(p);

	s = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	g_assert_cmpint(ippyo_ballot_parse(&out, m, (const uint8_t *)s, strlen(s)), ==, 0);
	free(s);
	json_decref(root);
	ippyo_seed_context_wipe(&sc);
	ippyo_ciphertext_free(ct);
	ippyo_ciphertext_free(sum);
	ippyo_scalar_free(r);
	ippyo_scalar_free(rsum);
	ippyo_ballot_free(base);
	ippyo_choices_free(ch);
	return out;
}

static void
test_hand_made(void)
{
	static const fx_contest one[] = { { 1, 1, 3 } };
	static const uint64_t honest[3] = { 0, 1, 0 }, overvote[3] = { 1, 1, 0 },
	    undervote[3] = { 0, 0, 0 }, two_in_one[3] = { 2, 0, 0 };
	ippyo_manifest *m = fx_sealed("hand-made", one, 1);
	ippyo_election_key *key = fx_key(m);
	uint8_t seed[32], voter[32];
	ippyo_ballot *b;

	random_bytes(seed, 32);
	random_bytes(voter, 32);
	/* The same construction with honest values verifies: the harness is right. */
	b = hand_made(m, key, honest, seed, voter);
	g_assert_cmpint(ippyo_ballot_verify(b, m, key, voter), ==, 0);
	ippyo_ballot_free(b);
	/* Sum 2 claimed in [1, 1]: the contest proof fails. */
	b = hand_made(m, key, overvote, seed, voter);
	g_assert_cmpint(ippyo_ballot_verify(b, m, key, voter), ==, IPPYO_ERR_BAD_PROOF);
	ippyo_ballot_free(b);
	/* Sum 0 claimed in [1, 1]. */
	b = hand_made(m, key, undervote, seed, voter);
	g_assert_cmpint(ippyo_ballot_verify(b, m, key, voter), ==, IPPYO_ERR_BAD_PROOF);
	ippyo_ballot_free(b);
	/* A selection of 2 (the sum 2 also breaks the contest proof). */
	b = hand_made(m, key, two_in_one, seed, voter);
	g_assert_cmpint(ippyo_ballot_verify(b, m, key, voter), ==, IPPYO_ERR_BAD_PROOF);
	ippyo_ballot_free(b);
	ippyo_election_key_free(key);
	ippyo_manifest_free(m);
}

/* ---- replay under another voter or election ---- */

static char *
rewrite(const ippyo_ballot *b, const char *key, const char *value)
{
	size_t len;
	const uint8_t *bytes = ippyo_ballot_bytes(b, &len);
	json_t *root = json_loadb((const char *)bytes, len, 0, NULL);
	char *s;

	g_assert_nonnull(root);
	json_object_set_new(root, key, json_string(value));
	s = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(root);
	return s;
}

static void
test_replay(void)
{
	ippyo_manifest *m = fx_sealed("2027-tsukuba-mayor", two, 2);
	ippyo_manifest *m2 = fx_sealed("2027-tsukuba-council", two, 2);
	ippyo_election_key *key = fx_key(m);
	ippyo_choices *ch = fx_random_choices(m);
	uint8_t seed[32], voter[32], other[32], h2[32];
	char hex[65], *s, *s2;
	ippyo_ballot *b, *b2 = NULL;
	size_t len;
	const uint8_t *bytes;
	json_t *root;

	random_bytes(seed, 32);
	random_bytes(voter, 32);
	random_bytes(other, 32);
	b = build(m, key, ch, seed, voter);
	/* Presented with another voter's certificate. */
	g_assert_cmpint(ippyo_ballot_verify(b, m, key, other), ==, IPPYO_ERR_WRONG_VOTER);
	/* Relabelled for another voter: the proofs still name the first. */
	ippyo_hex_write(other, 32, hex);
	s = rewrite(b, "voter", hex);
	g_assert_cmpint(ippyo_ballot_parse(&b2, m, (const uint8_t *)s, strlen(s)), ==, 0);
	g_assert_cmpint(ippyo_ballot_verify(b2, m, key, other), ==, IPPYO_ERR_BAD_PROOF);
	ippyo_ballot_free(b2);
	b2 = NULL;
	free(s);
	/* Another election (same shape, same key): refused as is... */
	bytes = ippyo_ballot_bytes(b, &len);
	g_assert_cmpint(ippyo_ballot_parse(&b2, m2, bytes, len), ==, IPPYO_ERR_WRONG_ELECTION);
	/* ...and relabelled, its proofs fail. */
	g_assert_cmpint(ippyo_manifest_election_hash(m2, h2), ==, 0);
	ippyo_hex_write(h2, 32, hex);
	root = json_loadb((const char *)bytes, len, 0, NULL);
	json_object_set_new(root, "election_hash", json_string(hex));
	json_object_set_new(root, "election_id", json_string("2027-tsukuba-council"));
	s2 = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(root);
	g_assert_cmpint(ippyo_ballot_parse(&b2, m2, (const uint8_t *)s2, strlen(s2)), ==, 0);
	g_assert_cmpint(ippyo_ballot_verify(b2, m2, key, voter), ==, IPPYO_ERR_BAD_PROOF);
	/* The wrong election key for the manifest is the caller's error. */
	ippyo_ballot_free(b2);
	free(s2);
	ippyo_ballot_free(b);
	ippyo_choices_free(ch);
	ippyo_election_key_free(key);
	ippyo_manifest_free(m);
	ippyo_manifest_free(m2);
}

/* Selections that cancel out: the contest sum is the point at infinity. */
static void
test_infinity_sum(void)
{
	static const fx_contest one[] = { { 0, 1, 2 } };
	ippyo_manifest *m = fx_sealed("e", one, 1);
	ippyo_election_key *key = fx_key(m);
	ippyo_choices *ch = ippyo_choices_new(m);
	uint8_t seed[32], voter[32], raw[IPPYO_SELECTION_BYTES], bad = 0;
	ippyo_ballot *b, *b2 = NULL;
	ippyo_point *p = ippyo_point_new();
	json_t *root, *sels;
	const uint8_t *bytes;
	size_t len, n_bad = 0, i;
	char *s;

	random_bytes(seed, 32);
	random_bytes(voter, 32);
	b = build(m, key, ch, seed, voter);
	bytes = ippyo_ballot_bytes(b, &len);
	root = json_loadb((const char *)bytes, len, 0, NULL);
	sels = json_object_get(json_array_get(json_object_get(root, "contests"), 0), "selections");
	g_assert_cmpint(ippyo_b64url_decode_exact(json_string_value(json_array_get(sels, 0)), raw,
	    sizeof(raw)), ==, 0);
	/* Selection 1 := −(selection 0), component-wise, with selection 0's proof. */
	for (i = 0; i < 2; i++) {
		g_assert_cmpint(ippyo_point_parse(p, raw + 33 * i, 33), ==, 0);
		g_assert_cmpint(ippyo_point_neg(p, p), ==, 0);
		g_assert_cmpint(ippyo_point_serialize(p, raw + 33 * i), ==, 0);
	}
	set_b64(sels, 1, NULL, raw, sizeof(raw));
	s = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	g_assert_cmpint(ippyo_ballot_parse(&b2, m, (const uint8_t *)s, strlen(s)), ==, 0);
	g_assert_true(ippyo_point_is_infinity(ippyo_ciphertext_alpha(ippyo_ballot_contest_sum(b2, 0))));
	g_assert_cmpint(ippyo_ballot_verify(b2, m, key, voter), !=, 0);
	g_assert_cmpint(ippyo_ballot_batch_verify(m, key, (const ippyo_ballot *const *)&b2,
	    (const uint8_t (*)[32])voter, 1, &bad, &n_bad), ==, IPPYO_ERR_BATCH_FAILED);
	g_assert_cmpuint(bad, ==, 1);
	g_assert_cmpuint(n_bad, ==, 1);
	free(s);
	json_decref(root);
	ippyo_point_free(p);
	ippyo_ballot_free(b);
	ippyo_ballot_free(b2);
	ippyo_choices_free(ch);
	ippyo_election_key_free(key);
	ippyo_manifest_free(m);
}

/* The largest shape docs/formats.md names as fitting: 10 contests of 10 options. */
static void
test_large(void)
{
	fx_contest ten[10];
	ippyo_manifest *m;
	ippyo_election_key *key;
	ippyo_choices *ch;
	ippyo_ballot *b;
	uint8_t seed[32], voter[32];
	size_t i, len;

	for (i = 0; i < 10; i++) {
		ten[i].min = 0;
		ten[i].max = 1;
		ten[i].n_options = 10;
	}
	m = fx_sealed("2027-tokyo-general", ten, 10);
	key = fx_key(m);
	ch = fx_random_choices(m);
	random_bytes(seed, 32);
	random_bytes(voter, 32);
	b = build(m, key, ch, seed, voter);
	(void)ippyo_ballot_bytes(b, &len);
	g_test_message("10 x 10 ballot: %zu bytes", len);
	g_assert_cmpuint(len, ==, ippyo_manifest_ballot_size(m));
	g_assert_cmpuint(len, <=, IPPYO_BALLOT_MAX_BYTES);
	g_assert_cmpint(ippyo_ballot_verify(b, m, key, voter), ==, 0);
	ippyo_ballot_free(b);
	ippyo_choices_free(ch);
	ippyo_election_key_free(key);
	ippyo_manifest_free(m);
}

/* ---- every single byte matters ---- */

static void
test_every_byte(void)
{
	static const fx_contest one[] = { { 0, 1, 2 } };
	ippyo_manifest *m = fx_sealed("e", one, 1);
	ippyo_election_key *key = fx_key(m);
	ippyo_choices *ch = ippyo_choices_new(m);
	uint8_t seed[32], voter[32], *copy;
	ippyo_ballot *b, *b2;
	const uint8_t *bytes;
	size_t len, i, k, parsed = 0, tried = 0;
	static const uint8_t deltas[] = { 0x01, 0x20 };

	random_bytes(seed, 32);
	random_bytes(voter, 32);
	g_assert_cmpint(ippyo_choices_set(ch, 0, 1, 1), ==, 0);
	b = build(m, key, ch, seed, voter);
	bytes = ippyo_ballot_bytes(b, &len);
	copy = g_memdup2(bytes, len);
	/* Each byte changed once: the low bit, or for every other byte bit 5 (case, digit/letter). */
	for (i = 0; i < len; i++) {
		for (k = i % 2; k < G_N_ELEMENTS(deltas); k += 2) {
			copy[i] = bytes[i] ^ deltas[k];
			b2 = NULL;
			tried++;
			if (ippyo_ballot_parse(&b2, m, copy, len) == 0) {
				parsed++;
				g_assert_cmpint(ippyo_ballot_verify(b2, m, key, voter), !=, 0);
				ippyo_ballot_free(b2);
			} else
				g_assert_null(b2);
		}
		copy[i] = bytes[i];
	}
	g_test_message("%zu changed ballots: %zu parsed (all failed verification)", tried, parsed);
	/* Truncated or extended: refused. */
	b2 = NULL;
	g_assert_cmpint(ippyo_ballot_parse(&b2, m, bytes, len - 1), !=, 0);
	g_assert_null(b2);
	g_free(copy);
	ippyo_ballot_free(b);
	ippyo_choices_free(ch);
	ippyo_election_key_free(key);
	ippyo_manifest_free(m);
}

/* ---- batch ---- */

static char *
swap_selections(const ippyo_ballot *b)
{
	size_t len;
	const uint8_t *bytes = ippyo_ballot_bytes(b, &len);
	json_t *root = json_loadb((const char *)bytes, len, 0, NULL);
	json_t *sels = json_object_get(json_array_get(json_object_get(root, "contests"), 0),
	    "selections");
	json_t *a = json_incref(json_array_get(sels, 0)), *c = json_incref(json_array_get(sels, 1));
	char *s;

	json_array_set_new(sels, 0, c);
	json_array_set_new(sels, 1, a);
	s = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(root);
	return s;
}

static void
test_batch(void)
{
	static const fx_contest one[] = { { 1, 1, 3 } };
	enum { N = 200, BAD = 137 };
	ippyo_manifest *m = fx_sealed("batch", one, 1);
	ippyo_election_key *key = fx_key(m);
	ippyo_ballot *ballots[N];
	uint8_t (*voters)[32] = g_malloc(N * 32), seed[32], bad[N];
	size_t i, n_bad = 0;
	char *s;

	for (i = 0; i < N; i++) {
		ippyo_choices *ch = fx_random_choices(m);

		random_bytes(seed, 32);
		random_bytes(voters[i], 32);
		ballots[i] = build(m, key, ch, seed, voters[i]);
		ippyo_choices_free(ch);
	}
	g_assert_cmpint(ippyo_ballot_batch_verify(m, key, (const ippyo_ballot *const *)ballots,
	    (const uint8_t (*)[32])voters, N, bad, &n_bad), ==, 0);
	g_assert_cmpuint(n_bad, ==, 0);
	for (i = 0; i < N; i++)
		g_assert_cmpuint(bad[i], ==, 0);

	/* Ballot BAD with two selections swapped: every point valid, two proofs wrong. */
	s = swap_selections(ballots[BAD]);
	ippyo_ballot_free(ballots[BAD]);
	ballots[BAD] = NULL;
	g_assert_cmpint(ippyo_ballot_parse(&ballots[BAD], m, (const uint8_t *)s, strlen(s)), ==, 0);
	free(s);
	g_assert_cmpint(ippyo_ballot_verify(ballots[BAD], m, key, voters[BAD]), ==,
	    IPPYO_ERR_BAD_PROOF);
	g_assert_cmpint(ippyo_ballot_batch_verify(m, key, (const ippyo_ballot *const *)ballots,
	    (const uint8_t (*)[32])voters, N, bad, &n_bad), ==, IPPYO_ERR_BATCH_FAILED);
	g_assert_cmpuint(n_bad, ==, 1);
	for (i = 0; i < N; i++)
		g_assert_cmpuint(bad[i], ==, i == BAD);

	/* A ballot presented with another voter's binding is named too. */
	voters[3][0] ^= 1;
	g_assert_cmpint(ippyo_ballot_batch_verify(m, key, (const ippyo_ballot *const *)ballots,
	    (const uint8_t (*)[32])voters, N, bad, &n_bad), ==, IPPYO_ERR_BATCH_FAILED);
	g_assert_cmpuint(n_bad, ==, 2);
	g_assert_cmpuint(bad[3], ==, 1);
	g_assert_cmpuint(bad[BAD], ==, 1);
	/* An empty batch verifies. */
	g_assert_cmpint(ippyo_ballot_batch_verify(m, key, NULL, NULL, 0, NULL, NULL), ==, 0);

	for (i = 0; i < N; i++)
		ippyo_ballot_free(ballots[i]);
	g_free(voters);
	ippyo_election_key_free(key);
	ippyo_manifest_free(m);
}

/* ---- audit ---- */

static void
test_audit(void)
{
	ippyo_manifest *m = fx_sealed("2027-tsukuba-mayor", two, 2);
	ippyo_election_key *key = fx_key(m);
	ippyo_choices *ch = ippyo_choices_new(m), *other;
	ippyo_audit *a = NULL, *a2 = NULL, *a3 = NULL;
	ippyo_ballot *b, *rebuilt = NULL;
	uint8_t seed[32], voter[32], *rec = NULL, *rec2 = NULL;
	size_t len = 0, len2 = 0, blen;
	const uint8_t *bytes;
	json_t *root;
	char *s;

	random_bytes(seed, 32);
	random_bytes(voter, 32);
	g_assert_cmpint(ippyo_choices_set(ch, 0, 2, 1), ==, 0);
	g_assert_cmpint(ippyo_choices_set(ch, 1, 0, 1), ==, 0);
	g_assert_cmpint(ippyo_choices_set(ch, 1, 3, 1), ==, 0);
	b = build(m, key, ch, seed, voter);
	bytes = ippyo_ballot_bytes(b, &blen);

	g_assert_cmpint(ippyo_audit_new(&a, m, ch, seed, voter, ippyo_ballot_tracking_code(b)), ==, 0);
	g_assert_cmpint(ippyo_audit_serialize(a, &rec, &len), ==, 0);
	g_test_message("audit record: %.*s", (int)len, rec);
	g_assert_nonnull(strstr((const char *)rec, "\"choices\":[[2],[0,3]]"));
	/* On the second device: parse and recompute. */
	g_assert_cmpint(ippyo_audit_parse(&a2, m, rec, len), ==, 0);
	g_assert_cmpint(ippyo_audit_serialize(a2, &rec2, &len2), ==, 0);
	g_assert_cmpmem(rec, len, rec2, len2);
	g_assert_cmpint(ippyo_audit_check(a2, m, key, bytes, blen, &rebuilt), ==, 0);
	g_assert_cmpmem(ippyo_ballot_tracking_code(rebuilt), 32, ippyo_ballot_tracking_code(b), 32);
	g_assert_true(ippyo_choices_get(ippyo_audit_choices(a2), 1, 3));
	g_assert_cmpint(ippyo_audit_check(a2, m, key, NULL, 0, NULL), ==, 0);

	/* Other choices (a device that encrypted something else): refused. */
	other = ippyo_choices_dup(ch);
	g_assert_cmpint(ippyo_choices_set(other, 1, 3, 0), ==, 0);
	g_assert_cmpint(ippyo_audit_new(&a3, m, other, seed, voter, ippyo_ballot_tracking_code(b)), ==, 0);
	g_assert_cmpint(ippyo_audit_check(a3, m, key, NULL, 0, NULL), ==, IPPYO_ERR_BAD_TRACKING_CODE);
	ippyo_audit_free(a3);
	a3 = NULL;
	/* Another seed: refused. */
	seed[5] ^= 0x40;
	g_assert_cmpint(ippyo_audit_new(&a3, m, ch, seed, voter, ippyo_ballot_tracking_code(b)), ==, 0);
	g_assert_cmpint(ippyo_audit_check(a3, m, key, NULL, 0, NULL), ==, IPPYO_ERR_BAD_TRACKING_CODE);
	ippyo_audit_free(a3);
	a3 = NULL;
	/* The shown bytes differ from the recomputed ones. */
	{
		uint8_t *copy = g_memdup2(bytes, blen);

		copy[blen / 2] ^= 1;
		g_assert_cmpint(ippyo_audit_check(a2, m, key, copy, blen, NULL), ==,
		    IPPYO_ERR_BAD_TRACKING_CODE);
		g_free(copy);
	}

	/* Malformed records. */
	root = json_loadb((const char *)rec, len, 0, NULL);
	json_array_set_new(json_object_get(root, "choices"), 1, json_pack("[i,i]", 3, 0));
	s = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	g_assert_cmpint(ippyo_audit_parse(&a3, m, (const uint8_t *)s, strlen(s)), ==, IPPYO_ERR_NOT_CANONICAL);
	free(s);
	json_array_set_new(json_object_get(root, "choices"), 1, json_pack("[i,i,i]", 0, 1, 3));
	s = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	g_assert_cmpint(ippyo_audit_parse(&a3, m, (const uint8_t *)s, strlen(s)), ==, IPPYO_ERR_OVERVOTE);
	free(s);
	json_array_set_new(json_object_get(root, "choices"), 1, json_pack("[i]", 4));
	s = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	g_assert_cmpint(ippyo_audit_parse(&a3, m, (const uint8_t *)s, strlen(s)), ==, IPPYO_ERR_BAD_OPTION);
	free(s);
	json_array_set_new(json_object_get(root, "choices"), 0, json_array());
	json_array_set_new(json_object_get(root, "choices"), 1, json_array());
	s = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	g_assert_cmpint(ippyo_audit_parse(&a3, m, (const uint8_t *)s, strlen(s)), ==, IPPYO_ERR_UNDERVOTE);
	free(s);
	json_object_set_new(root, "extra", json_true());
	s = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	g_assert_cmpint(ippyo_audit_parse(&a3, m, (const uint8_t *)s, strlen(s)), ==, IPPYO_ERR_JSON_SCHEMA);
	free(s);
	g_assert_null(a3);
	json_decref(root);

	OPENSSL_clear_free(rec, len + 1);
	OPENSSL_clear_free(rec2, len2 + 1);
	ippyo_audit_free(a);
	ippyo_audit_free(a2);
	ippyo_ballot_free(b);
	ippyo_ballot_free(rebuilt);
	ippyo_choices_free(ch);
	ippyo_choices_free(other);
	ippyo_election_key_free(key);
	ippyo_manifest_free(m);
}

/* ---- tracking codes ---- */

static void
test_tracking_code(void)
{
	uint8_t code[32];
	char s[IPPYO_TRACKING_SHORT_LEN + 1], hex[65];

	memset(code, 0, 32);
	ippyo_tracking_code_short(code, s);
	g_assert_cmpstr(s, ==, "0000-0000-0000-0000-0000");
	memset(code, 0xff, 32);
	ippyo_tracking_code_short(code, s);
	g_assert_cmpstr(s, ==, "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ");
	/* The quintets 1, 2, ..., 12 written out: 00001 00010 00011 ... 01100. */
	memset(code, 0, 32);
	code[0] = 0x08, code[1] = 0x86, code[2] = 0x42, code[3] = 0x98, code[4] = 0xe8;
	code[5] = 0x4a, code[6] = 0x96, code[7] = 0xc0;
	ippyo_tracking_code_short(code, s);
	g_assert_cmpstr(s, ==, "1234-5678-9ABC-0000-0000");
	ippyo_tracking_code_hex(code, hex);
	g_assert_cmpuint(strlen(hex), ==, 64);
	g_assert_true(g_str_has_prefix(hex, "0886429"));
	g_assert_true(ippyo_tracking_code_matches("1234-5678-9ABC-0000-0000", code));
	g_assert_true(ippyo_tracking_code_matches("1234 5678 9abc oooo 0000", code));
	g_assert_true(ippyo_tracking_code_matches("l234567890abcOOOOOOOO", code) == 0);
	g_assert_true(ippyo_tracking_code_matches("l2345678 9abc OOOO oooo", code));
	g_assert_false(ippyo_tracking_code_matches("1234-5678-9ABC-0000-000", code));
	g_assert_false(ippyo_tracking_code_matches("1234-5678-9ABC-0000-0001", code));
	g_assert_false(ippyo_tracking_code_matches("1234-5678-9ABC-0000-00000", code));
	g_assert_false(ippyo_tracking_code_matches("", code));
}

/* ---- the known-answer vector ---- */

static const fx_contest kat[] = { { 1, 1, 3 }, { 0, 2, 3 } };

static void
kat_inputs(ippyo_manifest *m, ippyo_choices **ch, uint8_t seed[32], uint8_t voter[32])
{
	size_t i;

	for (i = 0; i < 32; i++) {
		seed[i] = (uint8_t)(0x40 + i);
		voter[i] = (uint8_t)(0xa0 + i);
	}
	*ch = ippyo_choices_new(m);
	g_assert_cmpint(ippyo_choices_set(*ch, 0, 1, 1), ==, 0);
	g_assert_cmpint(ippyo_choices_set(*ch, 1, 0, 1), ==, 0);
	g_assert_cmpint(ippyo_choices_set(*ch, 1, 2, 1), ==, 0);
}

static void
test_vector(void)
{
	const char *write = g_getenv("IPPYO_WRITE_VECTORS");
	ippyo_manifest *m = NULL;
	ippyo_election_key *key;
	ippyo_choices *ch;
	ippyo_ballot *b;
	uint8_t seed[32], voter[32], h[32], want[32];
	char hex[65], shortc[IPPYO_TRACKING_SHORT_LEN + 1];
	const uint8_t *bytes, *mb;
	size_t len, mlen, vlen;
	char *vec;
	json_t *root;

	if (write != NULL) {
		/* Regenerate (only when the format changes on purpose). */
		ippyo_manifest *sm = fx_sealed("2027-tsukuba-mayor", kat, 2);
		char *out;

		key = fx_key(sm);
		kat_inputs(sm, &ch, seed, voter);
		b = build(sm, key, ch, seed, voter);
		bytes = ippyo_ballot_bytes(b, &len);
		mb = ippyo_manifest_bytes(sm, &mlen);
		g_assert_cmpint(ippyo_manifest_election_hash(sm, h), ==, 0);
		ippyo_tracking_code_short(ippyo_ballot_tracking_code(b), shortc);
		root = json_object();
		json_object_set_new(root, "description", json_string(
		    "A fixed sealed manifest (K = k·G, k = SHA-512(\"ippyo test election key\") mod q), "
		    "seed 0x40..0x5f, voter binding 0xa0..0xbf, choices: contest 0 option 1, "
		    "contest 1 options 0 and 2. The ballot bytes and tracking code are what "
		    "docs/formats.md and docs/crypto.md define."));
		json_object_set_new(root, "manifest", json_stringn((const char *)mb, mlen));
		ippyo_hex_write(h, 32, hex);
		json_object_set_new(root, "election_hash", json_string(hex));
		ippyo_hex_write(seed, 32, hex);
		json_object_set_new(root, "seed", json_string(hex));
		ippyo_hex_write(voter, 32, hex);
		json_object_set_new(root, "voter", json_string(hex));
		json_object_set_new(root, "choices", json_pack("[[i],[i,i]]", 1, 0, 2));
		json_object_set_new(root, "ballot", json_stringn((const char *)bytes, len));
		ippyo_tracking_code_hex(ippyo_ballot_tracking_code(b), hex);
		json_object_set_new(root, "tracking_code", json_string(hex));
		json_object_set_new(root, "tracking_code_short", json_string(shortc));
		out = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
		g_assert_true(g_file_set_contents(write, out, -1, NULL));
		free(out);
		json_decref(root);
		ippyo_ballot_free(b);
		ippyo_choices_free(ch);
		ippyo_election_key_free(key);
		ippyo_manifest_free(sm);
	}

	vec = fx_read_source("tests/vectors/election-ballot.json", &vlen);
	g_assert_nonnull(vec);
	root = json_loadb(vec, vlen, JSON_REJECT_DUPLICATES, NULL);
	g_assert_nonnull(root);
	mb = (const uint8_t *)json_string_value(json_object_get(root, "manifest"));
	g_assert_nonnull(mb);
	g_assert_cmpint(ippyo_manifest_parse(&m, mb, strlen((const char *)mb), IPPYO_MANIFEST_SEALED), ==, 0);
	/* The fixture still builds the same manifest. */
	{
		ippyo_manifest *sm = fx_sealed("2027-tsukuba-mayor", kat, 2);

		bytes = ippyo_manifest_bytes(sm, &len);
		g_assert_cmpmem(bytes, len, mb, strlen((const char *)mb));
		ippyo_manifest_free(sm);
	}
	g_assert_cmpint(ippyo_manifest_election_hash(m, h), ==, 0);
	g_assert_cmpint(ippyo_hex_decode_exact(json_string_value(json_object_get(root,
	    "election_hash")), want, 32), ==, 0);
	g_assert_cmpmem(h, 32, want, 32);
	key = fx_key(m);
	kat_inputs(m, &ch, seed, voter);
	g_assert_cmpint(ippyo_hex_decode_exact(json_string_value(json_object_get(root, "seed")),
	    want, 32), ==, 0);
	g_assert_cmpmem(seed, 32, want, 32);
	b = build(m, key, ch, seed, voter);
	bytes = ippyo_ballot_bytes(b, &len);
	g_assert_cmpstr((const char *)bytes, ==, json_string_value(json_object_get(root, "ballot")));
	ippyo_tracking_code_hex(ippyo_ballot_tracking_code(b), hex);
	g_assert_cmpstr(hex, ==, json_string_value(json_object_get(root, "tracking_code")));
	/* The tracking code by hand: SHA-256(u32be(22) "ippyo/v1/tracking-code" u32be(len) ballot). */
	{
		GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
		uint8_t l[4] = { 0, 0, 0, 22 };

		g_checksum_update(ck, l, 4);
		g_checksum_update(ck, (const guchar *)"ippyo/v1/tracking-code", 22);
		l[0] = (uint8_t)(len >> 24), l[1] = (uint8_t)(len >> 16);
		l[2] = (uint8_t)(len >> 8), l[3] = (uint8_t)len;
		g_checksum_update(ck, l, 4);
		g_checksum_update(ck, bytes, (gssize)len);
		g_assert_cmpstr(g_checksum_get_string(ck), ==, hex);
		g_checksum_free(ck);
	}
	ippyo_tracking_code_short(ippyo_ballot_tracking_code(b), shortc);
	g_assert_cmpstr(shortc, ==, json_string_value(json_object_get(root, "tracking_code_short")));
	g_assert_cmpint(ippyo_ballot_verify(b, m, key, voter), ==, 0);

	ippyo_ballot_free(b);
	ippyo_choices_free(ch);
	ippyo_election_key_free(key);
	ippyo_manifest_free(m);
	json_decref(root);
	g_free(vec);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ippyo/ballot/random-valid", test_random_valid);
	g_test_add_func("/ippyo/ballot/limits", test_limits);
	g_test_add_func("/ippyo/ballot/hand-made", test_hand_made);
	g_test_add_func("/ippyo/ballot/replay", test_replay);
	g_test_add_func("/ippyo/ballot/infinity-sum", test_infinity_sum);
	g_test_add_func("/ippyo/ballot/large", test_large);
	g_test_add_func("/ippyo/ballot/every-byte", test_every_byte);
	g_test_add_func("/ippyo/ballot/batch", test_batch);
	g_test_add_func("/ippyo/ballot/audit", test_audit);
	g_test_add_func("/ippyo/ballot/tracking-code", test_tracking_code);
	g_test_add_func("/ippyo/ballot/vector", test_vector);
	return g_test_run();
}
