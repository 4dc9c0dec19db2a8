/*
 * ippyo-demo-crypto — the election cryptography end to end, in one process:
 * a 2-of-3 key ceremony through its files, N random ballots built and
 * batch-verified, the homomorphic tally, threshold decryption by trustees
 * 1 and 3 (trustee 2 absent) with every partial decryption verified, and
 * the decrypted counts printed next to the true counts. Exits non-zero if
 * anything fails to verify or a count differs.
 */
#include <glib.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/ceremony.h"
#include "crypto/decrypt.h"
#include "crypto/dlog.h"
#include "crypto/elgamal.h"
#include "election/ballot.h"
#include "election/manifest.h"
#include "error.h"
#include "log/note.h"

#define TRUSTEES 3
#define THRESHOLD 2

static const ippyo_manifest_option_spec mayor_options[] = {
	{ "sato", "佐藤 花子", "Hanako Sato" },
	{ "suzuki", "鈴木 一郎", "Ichiro Suzuki" },
	{ "takahashi", "高橋 健", "Ken Takahashi" },
	{ "tanaka", "田中 美咲", "Misaki Tanaka" },
};
static const ippyo_manifest_option_spec council_options[] = {
	{ "park", "公園の整備", "Parks" },
	{ "library", "図書館の延長開館", "Library hours" },
	{ "bus", "コミュニティバス", "Community bus" },
	{ "school", "学校給食の無償化", "Free school lunches" },
	{ "clinic", "夜間診療所", "Night clinic" },
};
static const ippyo_manifest_contest_spec contests[] = {
	{ "mayor", "市長選挙", "Mayoral election", 1, 1, 4, mayor_options },
	{ "budget", "予算の優先事項(2つまで)", "Budget priorities (up to 2)", 0, 2, 5,
	  council_options },
};

static void
check(int err, const char *what)
{
	if (err != 0) {
		fprintf(stderr, "ippyo-demo-crypto: %s: %s\n", what, ippyo_strerror(err));
		exit(1);
	}
}

static double
now_s(void)
{
	return (double)g_get_monotonic_time() / 1e6;
}

/* The draft of the demo election. */
static ippyo_manifest *
make_draft(void)
{
	ippyo_manifest_spec spec = { 0 };
	ippyo_note_signer *chain_key = NULL;
	ippyo_note_verifier *chain_vkey = NULL;
	ippyo_manifest *draft = NULL;
	uint8_t ca[1][IPPYO_FINGERPRINT_BYTES];
	char *vkey = NULL;

	check(ippyo_note_signer_generate("vote.example.jp/demo", 0x01, &chain_key), "chain key");
	check(ippyo_note_signer_verifier(chain_key, &chain_vkey), "chain verifier key");
	check(ippyo_note_verifier_string(chain_vkey, &vkey), "chain verifier key string");
	spec.election_id = "demo-2027";
	spec.title_ja = "暗号デモ選挙";
	spec.title_en = "Cryptography demo election";
	spec.chain_origin = "vote.example.jp/demo";
	spec.chain_url = "https://vote.example.jp/demo/";
	spec.chain_vkey = vkey;
	spec.poll_opens = "2027-04-18T22:00:00Z";
	spec.poll_closes = "2027-04-19T11:00:00Z";
	spec.n_contests = G_N_ELEMENTS(contests);
	spec.contests = contests;
	spec.trustees_n = TRUSTEES;
	spec.trustees_t = THRESHOLD;
	if (RAND_bytes(spec.officials_key, sizeof(spec.officials_key)) != 1 ||
	    RAND_bytes(spec.roll_hash, sizeof(spec.roll_hash)) != 1 ||
	    RAND_bytes(ca[0], sizeof(ca[0])) != 1)
		check(IPPYO_ERR_RANDOM, "random");
	spec.roll_count = 1000000;
	spec.n_jpki_ca = 1;    /* stands for the JPKI CA: no card is used here */
	spec.jpki_ca = (const uint8_t (*)[IPPYO_FINGERPRINT_BYTES])ca;
	check(ippyo_manifest_new_draft(&draft, &spec), "draft manifest");
	OPENSSL_free(vkey);
	ippyo_note_verifier_free(chain_vkey);
	ippyo_note_signer_free(chain_key);
	return draft;
}

/*
 * The ceremony, every file passed through its JSON form as if the trustees
 * sat on separate machines. Returns the sealed manifest and the key shares.
 */
static ippyo_manifest *
ceremony(const ippyo_manifest *draft, ippyo_trustee_key *keys[TRUSTEES])
{
	ippyo_ceremony_params p = { .threshold = THRESHOLD, .trustees = TRUSTEES };
	ippyo_trustee_secret *secret[TRUSTEES] = { 0 };
	ippyo_ceremony_commitments *pub[TRUSTEES] = { 0 };
	ippyo_ceremony_share *shares[TRUSTEES][TRUSTEES] = { { 0 } };
	ippyo_ceremony_result *result[TRUSTEES] = { 0 };
	const ippyo_point *vk[TRUSTEES];
	uint8_t transcript[IPPYO_HASH_BYTES];
	ippyo_manifest *sealed = NULL;
	uint32_t bad = 0;

	ippyo_manifest_draft_hash(draft, p.context);
	for (uint32_t i = 0; i < TRUSTEES; i++) {
		ippyo_ceremony_commitments *c;
		char *json;
		size_t len;

		check(ippyo_ceremony_round1(&p, i + 1, &secret[i], &c), "round 1");
		check(ippyo_ceremony_commitments_to_json(c, &json, &len), "round 1 file");
		check(ippyo_ceremony_commitments_from_json(&pub[i], json, len), "round 1 file");
		OPENSSL_clear_free(json, len);
		ippyo_ceremony_commitments_free(c);
	}
	for (uint32_t i = 0; i < TRUSTEES; i++) {
		for (uint32_t j = 0; j < TRUSTEES; j++) {
			ippyo_ceremony_share *s;
			char *json;
			size_t len;

			if (i == j)
				continue;
			check(ippyo_ceremony_round2(secret[i], pub[j], &s), "round 2");
			check(ippyo_ceremony_share_to_json(s, &json, &len), "round 2 file");
			check(ippyo_ceremony_share_from_json(&shares[j][i], json, len), "round 2 file");
			OPENSSL_clear_free(json, len);
			ippyo_ceremony_share_free(s);
		}
	}
	for (uint32_t j = 0; j < TRUSTEES; j++) {
		ippyo_ceremony_share *mine[TRUSTEES - 1];
		size_t n = 0;

		for (uint32_t i = 0; i < TRUSTEES; i++)
			if (i != j)
				mine[n++] = shares[j][i];
		check(ippyo_ceremony_round3(secret[j], pub, TRUSTEES, mine, n, &keys[j],
		    &result[j], &bad), "round 3");
	}
	for (uint32_t j = 1; j < TRUSTEES; j++)
		if (ippyo_ceremony_result_eq(result[0], result[j]) != 1)
			check(IPPYO_ERR_BAD_SHARE, "trustees disagree on the ceremony result");
	check(ippyo_ceremony_transcript_hash(&p, pub, TRUSTEES, transcript), "transcript hash");
	for (uint32_t j = 0; j < TRUSTEES; j++)
		vk[j] = ippyo_ceremony_result_verification_key(result[0], j + 1);
	check(ippyo_manifest_seal(&sealed, draft, ippyo_ceremony_result_election_key(result[0]),
	    vk, TRUSTEES, transcript), "seal");
	for (uint32_t i = 0; i < TRUSTEES; i++) {
		ippyo_trustee_secret_free(secret[i]);
		ippyo_ceremony_commitments_free(pub[i]);
		ippyo_ceremony_result_free(result[i]);
		for (uint32_t j = 0; j < TRUSTEES; j++)
			ippyo_ceremony_share_free(shares[i][j]);
	}
	return sealed;
}

/* Random choices within the contest limits. */
static void
random_choices(ippyo_choices *ch, const ippyo_manifest *m, uint64_t *truth)
{
	size_t base = 0;

	for (size_t c = 0; c < ippyo_manifest_contests(m); c++) {
		size_t n = ippyo_manifest_options(m, c);
		uint32_t min = ippyo_manifest_contest_min(m, c), max = ippyo_manifest_contest_max(m, c);
		uint32_t k = min + (uint32_t)g_random_int_range(0, (gint32)(max - min + 1));
		size_t picked = 0;

		while (picked < k) {
			size_t o = (size_t)g_random_int_range(0, (gint32)n);

			if (ippyo_choices_get(ch, c, o))
				continue;
			check(ippyo_choices_set(ch, c, o, 1), "choice");
			truth[base + o]++;
			picked++;
		}
		base += n;
	}
}

int
main(int argc, char **argv)
{
	int n_ballots = 1000;
	GOptionEntry entries[] = {
		{ "ballots", 'n', 0, G_OPTION_ARG_INT, &n_ballots, "Number of ballots (default 1000)", "N" },
		{ NULL },
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("— the election cryptography, end to end");
	g_autoptr(GError) error = NULL;
	ippyo_trustee_key *keys[TRUSTEES] = { 0 };
	ippyo_manifest *draft, *m;
	ippyo_election_key *key = NULL;
	ippyo_ballot **ballots;
	uint8_t (*voters)[IPPYO_BINDING_BYTES];
	uint8_t h_e[IPPYO_HASH_BYTES];
	uint64_t *truth;
	size_t total_options, n_bad = 0;
	ippyo_ciphertext **sums;
	ippyo_dlog_table *table = NULL;
	const uint32_t present[] = { 1, 3 };   /* trustee 2 is absent */
	ippyo_partial_decryption **parts[G_N_ELEMENTS(present)];
	int mismatches = 0;
	double t0;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		fprintf(stderr, "ippyo-demo-crypto: %s\n", error->message);
		return 2;
	}
	if (n_ballots < 1 || n_ballots > 1000000) {
		fprintf(stderr, "ippyo-demo-crypto: --ballots must be between 1 and 1000000\n");
		return 2;
	}

	printf("ippyo: the election cryptography, end to end (P-256, exponential ElGamal)\n\n");

	t0 = now_s();
	draft = make_draft();
	m = ceremony(draft, keys);
	check(ippyo_manifest_election_hash(m, h_e), "election hash");
	check(ippyo_manifest_election_key(m, &key), "election key");
	printf("1. Key ceremony: %d trustees, threshold %d, no dealer; every commitment proof\n"
	    "   and every share checked by its recipient; manifest sealed.        %7.2f s\n",
	    TRUSTEES, THRESHOLD, now_s() - t0);

	total_options = ippyo_manifest_total_options(m);
	truth = g_new0(uint64_t, total_options);
	ballots = g_new0(ippyo_ballot *, (size_t)n_ballots);
	voters = g_malloc0_n((size_t)n_ballots, sizeof(*voters));
	t0 = now_s();
	for (int i = 0; i < n_ballots; i++) {
		ippyo_choices *ch = ippyo_choices_new(m);
		uint8_t seed[IPPYO_SEED_BYTES];

		if (ch == NULL || RAND_priv_bytes(seed, sizeof(seed)) != 1 ||
		    RAND_bytes(voters[i], IPPYO_BINDING_BYTES) != 1)
			check(IPPYO_ERR_RANDOM, "ballot");
		random_choices(ch, m, truth);
		check(ippyo_ballot_build(&ballots[i], m, key, ch, seed, voters[i]), "encrypt ballot");
		OPENSSL_cleanse(seed, sizeof(seed));
		ippyo_choices_free(ch);
	}
	printf("2. %d voters encrypted random ballots (%zu selections each, with\n"
	    "   0/1 proofs and contest-limit proofs).                             %7.2f s\n",
	    n_ballots, total_options, now_s() - t0);

	t0 = now_s();
	check(ippyo_ballot_batch_verify(m, key, (const ippyo_ballot *const *)ballots,
	    (const uint8_t (*)[IPPYO_BINDING_BYTES])voters, (size_t)n_ballots, NULL, &n_bad),
	    "batch verification");
	printf("3. Every proof of every ballot verified (batch verification).      %7.2f s\n",
	    now_s() - t0);

	t0 = now_s();
	sums = g_new0(ippyo_ciphertext *, total_options);
	for (size_t c = 0, k = 0; c < ippyo_manifest_contests(m); c++) {
		for (size_t o = 0; o < ippyo_manifest_options(m, c); o++, k++) {
			sums[k] = ippyo_ciphertext_dup(ippyo_ballot_selection(ballots[0], c, o));
			if (sums[k] == NULL)
				check(IPPYO_ERR_ALLOC, "tally");
			for (int i = 1; i < n_ballots; i++)
				check(ippyo_ciphertext_add(sums[k], sums[k],
				    ippyo_ballot_selection(ballots[i], c, o)), "homomorphic sum");
		}
	}
	printf("4. Homomorphic tally: the encrypted ballots summed per option.     %7.2f s\n",
	    now_s() - t0);

	t0 = now_s();
	for (size_t p = 0; p < G_N_ELEMENTS(present); p++) {
		ippyo_trustee_key *tk = keys[present[p] - 1];

		parts[p] = g_new0(ippyo_partial_decryption *, total_options);
		for (size_t k = 0; k < total_options; k++)
			if ((parts[p][k] = ippyo_partial_decryption_new()) == NULL)
				check(IPPYO_ERR_ALLOC, "partial decryption");
		check(ippyo_partial_decrypt_vector(parts[p], tk, h_e,
		    (const ippyo_ciphertext *const *)sums, total_options), "partial decryption");
		for (size_t k = 0; k < total_options; k++)
			check(ippyo_partial_decryption_verify(parts[p][k],
			    ippyo_manifest_trustee_key(m, present[p]), h_e, sums[k]),
			    "partial decryption proof");
	}
	check(ippyo_dlog_table_new(&table, (uint64_t)n_ballots), "discrete-log table");
	printf("5. Trustees 1 and 3 decrypted the totals (trustee 2 absent); every\n"
	    "   partial decryption proof verified.\n\n");

	printf("   %-34s %10s %10s\n", "contest / option", "decrypted", "true");
	for (size_t c = 0, k = 0; c < ippyo_manifest_contests(m); c++) {
		printf("   %s\n", ippyo_manifest_contest_title(m, c, "en"));
		for (size_t o = 0; o < ippyo_manifest_options(m, c); o++, k++) {
			const ippyo_partial_decryption *pk[G_N_ELEMENTS(present)];
			uint64_t count = 0;

			for (size_t p = 0; p < G_N_ELEMENTS(present); p++)
				pk[p] = parts[p][k];
			check(ippyo_decrypt_total(&count, table, sums[k], pk, G_N_ELEMENTS(present),
			    THRESHOLD, TRUSTEES), "combine");
			printf("     %-32s %10" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT "%s\n",
			    ippyo_manifest_option_title(m, c, o, "en"), count, truth[k],
			    count == truth[k] ? "" : "   <-- MISMATCH");
			mismatches += count != truth[k];
		}
	}
	printf("\n   threshold decryption and discrete logs:                         %7.2f s\n",
	    now_s() - t0);

	for (size_t k = 0; k < total_options; k++) {
		for (size_t p = 0; p < G_N_ELEMENTS(present); p++)
			ippyo_partial_decryption_free(parts[p][k]);
		ippyo_ciphertext_free(sums[k]);
	}
	for (size_t p = 0; p < G_N_ELEMENTS(present); p++)
		g_free(parts[p]);
	for (int i = 0; i < n_ballots; i++)
		ippyo_ballot_free(ballots[i]);
	for (int j = 0; j < TRUSTEES; j++)
		ippyo_trustee_key_free(keys[j]);
	ippyo_dlog_table_free(table);
	ippyo_election_key_free(key);
	ippyo_manifest_free(m);
	ippyo_manifest_free(draft);
	g_free(sums);
	g_free(ballots);
	g_free(voters);
	g_free(truth);

	if (mismatches != 0) {
		printf("\nFAILED: %d decrypted counts differ from the true counts.\n", mismatches);
		return 1;
	}
	printf("\nAll %zu decrypted counts equal the true counts.\n", total_options);
	return 0;
}
