/* ippyo-bench tally — the observer's verify, the aggregate and the threshold tally (issue 6).
 *
 * Builds an election record in memory (1 contest × 10 options, a 3-of-5 key
 * ceremony, ballots signed with the test JPKI cards' keys, a close entry),
 * writes it as a mirror folder, times each step of a ballot's verification
 * alone (profile_*, µs per ballot, one thread), then ippyo-tally's verifier on
 * the folder with 1 and 2 threads, batched (64 ballots per batch) and one by
 * one (batches of one), each run in a child process of its own (its wall and
 * CPU time, its maximum RSS), then the aggregate and decrypt + combine with 3
 * of 5 trustees. The cards of the test PKI are few (voter-001 … voter-009):
 * the ballots cycle through them, so most are re-votes. Every ballot is
 * checked in full (roll, card signature, every proof), but the verifier's
 * certificate cache parses and path-validates each of the nine certificates
 * once: in a real election with one ballot per voter each ballot pays the
 * profile's cert_parse + cert_chain as well.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/resource.h>

#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "bench.h"
#include "card/cert.h"
#include "crypto/ceremony.h"
#include "election/ballot.h"
#include "election/entry.h"
#include "election/roll.h"
#include "election/signature.h"
#include "error.h"
#include "log/checkpoint.h"
#include "log/merkle.h"
#include "record.h"
#include "tally-verify.h"

#define CARDS 9
#define TRUSTEES 5
#define THRESHOLD 3

#define CHECK(expr) do { \
	int e_ = (expr); \
	if (e_ != 0) { \
		fprintf(stderr, "ippyo-bench tally: %s: %s\n", #expr, ippyo_strerror(e_)); \
		exit(1); \
	} \
} while (0)
#define NEED(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "ippyo-bench tally: %s failed\n", #cond); \
		exit(1); \
	} \
} while (0)

typedef struct {
	EVP_PKEY *key;
	uint8_t *cert;
	size_t cert_len;
	uint8_t fp[32];
} Card;

static double
wall(void)
{
	return (double)g_get_monotonic_time() / 1e6;
}

static char *
utc(gint64 t)
{
	GDateTime *dt = g_date_time_new_from_unix_utc(t);
	char *s = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");

	g_date_time_unref(dt);
	return s;
}

static void
load_card(const char *pki, int i, Card *c)
{
	g_autofree char *dir = g_strdup_printf("%s/cards/voter-%03d", pki, i + 1);
	g_autofree char *kp = g_build_filename(dir, "auth.key", NULL);
	g_autofree char *cp = g_build_filename(dir, "auth.crt", NULL);
	ippyo_cert *cert = NULL;
	const uint8_t *der;
	FILE *f = fopen(kp, "r");

	NEED(f != NULL);
	c->key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	NEED(c->key != NULL);
	CHECK(ippyo_cert_load_file(cp, &cert));
	der = ippyo_cert_der(cert, &c->cert_len);
	c->cert = g_memdup2(der, c->cert_len);
	CHECK(ippyo_cert_der_fingerprint(c->cert, c->cert_len, c->fp));
	ippyo_cert_free(cert);
}

static GBytes *
entry_bytes(ippyo_entry *e)
{
	size_t len;
	const uint8_t *d = ippyo_entry_bytes(e, &len);
	GBytes *b = g_bytes_new(d, len);

	ippyo_entry_free(e);
	return b;
}

static void
rm_rf(const char *path)
{
	GDir *d;
	const char *n;

	if (g_file_test(path, G_FILE_TEST_IS_DIR) && !g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
		d = g_dir_open(path, 0, NULL);
		while (d != NULL && (n = g_dir_read_name(d)) != NULL) {
			g_autofree char *c = g_build_filename(path, n, NULL);

			rm_rf(c);
		}
		if (d != NULL)
			g_dir_close(d);
		g_rmdir(path);
	} else {
		g_unlink(path);
	}
}

static void
copy_file(const char *from, const char *to)
{
	g_autofree char *d = NULL;
	gsize len;

	NEED(g_file_get_contents(from, &d, &len, NULL));
	NEED(g_file_set_contents(to, d, (gssize)len, NULL));
}

/*
 * Where a ballot's verification time goes: each step timed alone, one thread,
 * over the first ballots (µs of CPU time per ballot: the machine may be busy). The proofs are timed once in
 * batches of 64 and once one by one.
 */
#define PROFILE_MAX 256

static void
profile_steps(bench_report *rep, GPtrArray *entries, const ippyo_manifest *m,
    const ippyo_election_key *key, const char *ca_path, const char *crl_path, gint64 at)
{
	gsize n = MIN(entries->len - 2, PROFILE_MAX), i, k;
	ippyo_entry *es[PROFILE_MAX];
	ippyo_ballot *bs[PROFILE_MAX];
	ippyo_cert *certs[PROFILE_MAX];
	uint8_t voters[PROFILE_MAX][32], bad[64];
	ippyo_merkle_hasher *h = ippyo_merkle_hasher_new();
	g_autoptr(TallyAggregate) agg = tally_aggregate_new(m);
	ippyo_cert *ca = NULL;
	ippyo_crl *crl = NULL;
	double t0, t[9];
	size_t n_bad;
	static const char *const what[9] = {
		"leaf hash (SHA-256 of the entry)",
		"entry parse (JSON, canonical check, certificate DER)",
		"certificate DER parse (again: part of entry_parse)",
		"certificate chain + CRL at cast time",
		"card RSA signature",
		"ballot parse from the entry's JSON (base64url, points)",
		"proofs, batches of 64",
		"proofs, one ballot at a time",
		"aggregate: add the ciphertexts",
	};
	static const char *const keys[9] = { "leaf", "entry_parse", "cert_parse", "cert_chain",
	    "card_signature", "ballot_parse", "proofs_batch", "proofs_single", "aggregate_add" };

	CHECK(ippyo_cert_load_file(ca_path, &ca));
	CHECK(ippyo_crl_load_file(crl_path, &crl));
	t0 = bench_now();
	for (i = 0; i < n; i++) {
		gsize len;
		const uint8_t *d = g_bytes_get_data(entries->pdata[i + 1], &len);
		uint8_t leaf[32];

		CHECK(ippyo_merkle_hash_leaf(h, d, len, leaf));
	}
	t[0] = bench_now() - t0;
	t0 = bench_now();
	for (i = 0; i < n; i++) {
		gsize len;
		const uint8_t *d = g_bytes_get_data(entries->pdata[i + 1], &len);

		CHECK(ippyo_entry_parse(&es[i], d, len));
	}
	t[1] = bench_now() - t0;
	t0 = bench_now();
	for (i = 0; i < n; i++) {
		const uint8_t *b, *c, *sg;
		size_t bl, cl, sl;

		CHECK(ippyo_entry_ballot(es[i], &b, &bl, &c, &cl, &sg, &sl));
		CHECK(ippyo_cert_parse_der(c, cl, &certs[i]));
	}
	t[2] = bench_now() - t0;
	t0 = bench_now();
	for (i = 0; i < n; i++)
		CHECK(ippyo_cert_verify_chain(certs[i], (const ippyo_cert *const *)&ca, 1, crl, at));
	t[3] = bench_now() - t0;
	t0 = bench_now();
	for (i = 0; i < n; i++)
		CHECK(ippyo_entry_verify_card(es[i]));
	t[4] = bench_now() - t0;
	t0 = bench_now();
	for (i = 0; i < n; i++) {
		const uint8_t *b, *c, *sg;
		size_t bl, cl, sl;

		CHECK(ippyo_entry_ballot(es[i], &b, &bl, &c, &cl, &sg, &sl));
		CHECK(ippyo_entry_parse_ballot(es[i], m, &bs[i]));
		memcpy(voters[i], ippyo_entry_voter(es[i]), 32);
	}
	t[5] = bench_now() - t0;
	t0 = bench_now();
	for (i = 0; i < n; i += 64) {
		k = MIN(64, n - i);
		CHECK(ippyo_ballot_batch_verify(m, key, (const ippyo_ballot *const *)&bs[i],
		    (const uint8_t (*)[32])&voters[i], k, bad, &n_bad));
	}
	t[6] = bench_now() - t0;
	t0 = bench_now();
	for (i = 0; i < n; i++)
		CHECK(ippyo_ballot_verify(bs[i], m, key, voters[i]));
	t[7] = bench_now() - t0;
	t0 = bench_now();
	for (i = 0; i < n; i++)
		for (k = 0; k < 10; k++)
			CHECK(ippyo_ciphertext_add(agg->totals[0][k], agg->totals[0][k],
			    ippyo_ballot_selection(bs[i], 0, k)));
	t[8] = bench_now() - t0;
	for (k = 0; k < 9; k++) {
		char key_s[64];

		g_snprintf(key_s, sizeof(key_s), "profile_%s", keys[k]);
		bench_report_add(rep, key_s, t[k] * 1e6 / (double)n, "us", what[k]);
	}
	for (i = 0; i < n; i++) {
		ippyo_ballot_free(bs[i]);
		ippyo_cert_free(certs[i]);
		ippyo_entry_free(es[i]);
	}
	ippyo_crl_free(crl);
	ippyo_cert_free(ca);
	ippyo_merkle_hasher_free(h);
}

static void
run(bench_report *rep, const char *pki, guint64 n_ballots, const char *keep)
{
	static const char *const ids[10] = { "o0", "o1", "o2", "o3", "o4", "o5", "o6", "o7",
	    "o8", "o9" };
	ippyo_manifest_option_spec opts[10];
	ippyo_manifest_contest_spec contest;
	ippyo_manifest_spec s;
	ippyo_manifest *draft = NULL, *sealed = NULL;
	ippyo_election_key *ekey = NULL;
	ippyo_note_signer *log_key = NULL;
	ippyo_note_verifier *lv = NULL;
	char *vkey = NULL, *note = NULL;
	uint8_t sk[32], pk[32], roll_fps[CARDS][32], ca_fp[32], root[32];
	uint8_t *roll = NULL;
	size_t roll_len, note_len;
	Card cards[CARDS];
	ippyo_ceremony_params p;
	ippyo_trustee_secret *sec[TRUSTEES];
	ippyo_ceremony_commitments *com[TRUSTEES];
	ippyo_trustee_key *keys[TRUSTEES];
	ippyo_ceremony_result *res = NULL;
	const ippyo_point *tk[TRUSTEES];
	g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)g_bytes_unref);
	g_autofree char *dir = keep != NULL ? g_strdup_printf("%s/tally-%" G_GUINT64_FORMAT,
	    keep, n_ballots) : g_dir_make_tmp("ippyo-bench-tally-XXXXXX", NULL);
	g_autofree char *ca_path = g_build_filename(pki, "ca", "auth-ca.crt", NULL);
	g_autofree char *opens = NULL, *closes = NULL, *close_time = NULL;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	ippyo_cert *ca = NULL;
	ippyo_entry *e = NULL;
	ippyo_merkle_state st;
	ippyo_checkpoint *cp = NULL;
	TallyAggregate *agg = NULL;
	double t0, t;
	guint64 i;
	size_t j;
	int threads, batch;
	char key[64];

	NEED(dir != NULL && g_mkdir_with_parents(dir, 0755) == 0);
	for (j = 0; j < CARDS; j++) {
		load_card(pki, (int)j, &cards[j]);
		memcpy(roll_fps[j], cards[j].fp, 32);
	}
	CHECK(ippyo_roll_build((const uint8_t (*)[32])roll_fps, CARDS, &roll, &roll_len));
	CHECK(ippyo_cert_load_file(ca_path, &ca));
	CHECK(ippyo_cert_fingerprint(ca, ca_fp));
	ippyo_cert_free(ca);
	CHECK(ippyo_ed25519_keygen(sk, pk));
	CHECK(ippyo_note_signer_generate("bench.example/tally", IPPYO_NOTE_TYPE_ED25519, &log_key));
	CHECK(ippyo_note_signer_verifier(log_key, &lv));
	CHECK(ippyo_note_verifier_string(lv, &vkey));
	for (j = 0; j < 10; j++) {
		opts[j].id = ids[j];
		opts[j].title_ja = "候補者";
		opts[j].title_en = "Candidate";
	}
	contest = (ippyo_manifest_contest_spec){ "mayor", "市長", "Mayor", 0, 1, 10, opts };
	opens = utc(now - 3600);
	closes = utc(now + 3600);
	memset(&s, 0, sizeof(s));
	s.election_id = "bench-tally";
	s.title_ja = "ベンチマーク";
	s.title_en = "Benchmark";
	s.chain_origin = "bench.example/tally";
	s.chain_url = "https://bench.example/tally/";
	s.chain_vkey = vkey;
	s.poll_opens = opens;
	s.poll_closes = closes;
	s.n_contests = 1;
	s.contests = &contest;
	s.trustees_n = TRUSTEES;
	s.trustees_t = THRESHOLD;
	memcpy(s.officials_key, pk, 32);
	CHECK(ippyo_sha256(roll, roll_len, s.roll_hash));
	s.roll_count = CARDS;
	s.n_jpki_ca = 1;
	s.jpki_ca = (const uint8_t (*)[32])&ca_fp;
	CHECK(ippyo_manifest_new_draft(&draft, &s));
	memset(&p, 0, sizeof(p));
	ippyo_manifest_draft_hash(draft, p.context);
	p.threshold = THRESHOLD;
	p.trustees = TRUSTEES;
	for (j = 0; j < TRUSTEES; j++)
		CHECK(ippyo_ceremony_round1(&p, (uint32_t)j + 1, &sec[j], &com[j]));
	for (j = 0; j < TRUSTEES; j++) {
		ippyo_ceremony_share *sh[TRUSTEES];
		ippyo_ceremony_result *rj = NULL;
		size_t ns = 0, k;
		uint32_t bad;

		for (k = 0; k < TRUSTEES; k++)
			if (k != j)
				CHECK(ippyo_ceremony_round2(sec[k], com[j], &sh[ns++]));
		CHECK(ippyo_ceremony_round3(sec[j], com, TRUSTEES, sh, ns, &keys[j], &rj, &bad));
		for (k = 0; k < ns; k++)
			ippyo_ceremony_share_free(sh[k]);
		if (res == NULL)
			res = rj;
		else
			ippyo_ceremony_result_free(rj);
	}
	for (j = 0; j < TRUSTEES; j++)
		tk[j] = ippyo_ceremony_result_verification_key(res, (uint32_t)j + 1);
	CHECK(ippyo_manifest_seal(&sealed, draft, ippyo_ceremony_result_election_key(res), tk,
	    TRUSTEES, ippyo_ceremony_result_transcript(res)));
	CHECK(ippyo_manifest_election_key(sealed, &ekey));
	CHECK(ippyo_entry_new_manifest(&e, sealed, sk));
	g_ptr_array_add(entries, entry_bytes(e));

	/* The ballots. */
	t0 = wall();
	for (i = 0; i < n_ballots; i++) {
		Card *c = &cards[i % CARDS];
		ippyo_choices *ch = ippyo_choices_new(sealed);
		ippyo_ballot *b = NULL;
		uint8_t seed[32], sig[512];
		size_t sl = sizeof(sig), bl;
		const uint8_t *bytes;
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();

		if (i % 11 != 10)
			CHECK(ippyo_choices_set(ch, 0, i % 10, 1));
		NEED(RAND_bytes(seed, sizeof(seed)) == 1);
		CHECK(ippyo_ballot_build(&b, sealed, ekey, ch, seed, c->fp));
		bytes = ippyo_ballot_bytes(b, &bl);
		NEED(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, c->key) == 1 &&
		    EVP_DigestSign(ctx, sig, &sl, bytes, bl) == 1);
		EVP_MD_CTX_free(ctx);
		CHECK(ippyo_entry_new_ballot(&e, bytes, bl, c->cert, c->cert_len, sig, sl));
		g_ptr_array_add(entries, entry_bytes(e));
		ippyo_ballot_free(b);
		ippyo_choices_free(ch);
	}
	t = wall() - t0;
	close_time = utc(now);
	CHECK(ippyo_entry_new_close(&e, "bench-tally", entries->len, close_time, sk));
	g_ptr_array_add(entries, entry_bytes(e));
	g_snprintf(key, sizeof(key), "build_%" G_GUINT64_FORMAT, n_ballots);
	bench_report_add(rep, key, t, "s", "make the ballots (encrypt, prove, card-sign): not timed below");

	/* The mirror folder. */
	ippyo_merkle_state_init(&st);
	for (i = 0; i < entries->len; i++) {
		gsize len;
		const uint8_t *d = g_bytes_get_data(entries->pdata[i], &len);

		CHECK(ippyo_merkle_state_append_entry(&st, NULL, d, len, NULL));
	}
	CHECK(ippyo_merkle_state_root(&st, NULL, root));
	CHECK(ippyo_checkpoint_new("bench.example/tally", entries->len, root, &cp));
	CHECK(ippyo_checkpoint_sign(cp, log_key, &note, &note_len));
	NEED(tally_mirror_write(dir, entries, note, note_len, NULL));
	{
		g_autofree char *ed = g_build_filename(dir, "election", "jpki-ca", NULL);
		g_autofree char *cd = g_build_filename(dir, "election", "crl", NULL);
		g_autofree char *rp = g_build_filename(dir, "election", "roll.txt", NULL);
		g_autofree char *cap = g_build_filename(ed, "auth-ca.crt", NULL);
		g_autofree char *crlp = g_build_filename(cd, "auth.crl", NULL);
		g_autofree char *src = g_build_filename(pki, "ca", "auth.crl", NULL);

		NEED(g_mkdir_with_parents(ed, 0755) == 0 && g_mkdir_with_parents(cd, 0755) == 0);
		NEED(g_file_set_contents(rp, (const char *)roll, (gssize)roll_len, NULL));
		copy_file(ca_path, cap);
		copy_file(src, crlp);
	}

	{
		g_autofree char *crlp = g_build_filename(pki, "ca", "auth.crl", NULL);

		profile_steps(rep, entries, sealed, ekey, ca_path, crlp, now);
	}

	/* verify: 1 and 2 threads, batched and one by one, each in a child process
	 * of its own (ippyo-bench tally --verify-only) for its maximum RSS. */
	for (threads = 1; threads <= 2; threads++) {
		for (batch = 64; batch >= 1; batch = batch == 64 ? 1 : 0) {
			g_autofree char *ts = g_strdup_printf("%d", threads);
			g_autofree char *bs = g_strdup_printf("%d", batch);
			const char *argv[] = { "/proc/self/exe", "tally", "--verify-only", dir, ts, bs,
			    NULL };
			g_autofree char *out = NULL;
			g_autoptr(GError) err = NULL;
			g_auto(GStrv) f = NULL;
			gint status = 0;
			double secs, cpu;
			guint64 rss_kb, checked, fails;

			if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
			    NULL, &status, &err) || !g_spawn_check_wait_status(status, &err)) {
				fprintf(stderr, "ippyo-bench tally: verify child: %s\n", err->message);
				exit(1);
			}
			f = g_strsplit(g_strstrip(out), " ", 0);
			NEED(g_strv_length(f) == 5);
			secs = g_ascii_strtod(f[0], NULL);
			rss_kb = g_ascii_strtoull(f[1], NULL, 10);
			checked = g_ascii_strtoull(f[2], NULL, 10);
			fails = g_ascii_strtoull(f[3], NULL, 10);
			cpu = g_ascii_strtod(f[4], NULL);
			NEED(checked == n_ballots && fails == 0 && secs > 0);
			g_snprintf(key, sizeof(key), "verify_%" G_GUINT64_FORMAT "_t%d_%s", n_ballots,
			    threads, batch == 64 ? "batch" : "single");
			bench_report_add(rep, key, (double)n_ballots / secs, "b/s", batch == 64 ?
			    "verify: ballots per second, proofs in batches of 64" :
			    "verify: ballots per second, proofs one ballot at a time");
			g_snprintf(key, sizeof(key), "verify_%" G_GUINT64_FORMAT "_t%d_%s_cpu",
			    n_ballots, threads, batch == 64 ? "batch" : "single");
			bench_report_add(rep, key, cpu * 1e6 / (double)n_ballots, "us",
			    "CPU time per ballot, all threads (wall time / CPU time: the cores used)");
			if (threads == 2 && batch == 64) {
				g_snprintf(key, sizeof(key), "verify_%" G_GUINT64_FORMAT "_seconds",
				    n_ballots);
				bench_report_add(rep, key, secs, "s", "the full verify, 2 threads, batched");
				g_snprintf(key, sizeof(key), "verify_%" G_GUINT64_FORMAT "_maxrss",
				    n_ballots);
				bench_report_add(rep, key, (double)rss_kb / 1024.0, "MiB",
				    "maximum RSS of the verifying process (2 threads, batched)");
			}
		}
	}

	/* aggregate: parse every ballot and sum the ciphertexts (no proof). */
	{
		g_autoptr(TallyAggregate) a = tally_aggregate_new(sealed);

		t0 = wall();
		for (i = 1; i + 1 < entries->len; i++) {
			ippyo_entry *be = NULL;
			ippyo_ballot *b = NULL;
			const uint8_t *bb, *cc, *ss;
			size_t bl, cl, sl2, o;
			gsize len;
			const uint8_t *d = g_bytes_get_data(entries->pdata[i], &len);

			CHECK(ippyo_entry_parse(&be, d, len));
			CHECK(ippyo_entry_ballot(be, &bb, &bl, &cc, &cl, &ss, &sl2));
			CHECK(ippyo_ballot_parse(&b, sealed, bb, bl));
			for (o = 0; o < 10; o++)
				CHECK(ippyo_ciphertext_add(a->totals[0][o], a->totals[0][o],
				    ippyo_ballot_selection(b, 0, o)));
			ippyo_ballot_free(b);
			ippyo_entry_free(be);
		}
		t = wall() - t0;
		/* For the timing of decrypt + combine: every ballot counted (no re-vote rule). */
		a->counted = n_ballots;
		a->close_index = entries->len - 1;
		agg = g_steal_pointer(&a);
		g_snprintf(key, sizeof(key), "aggregate_%" G_GUINT64_FORMAT, n_ballots);
		bench_report_add(rep, key, t, "s", "parse every ballot entry and sum its ciphertexts");
	}

	/* decrypt (3 trustees) + combine. */
	{
		static const int who[THRESHOLD] = { 0, 2, 4 };
		TallyPartial *parts[THRESHOLD];
		guint64 **totals;

		t0 = wall();
		for (j = 0; j < THRESHOLD; j++)
			NEED((parts[j] = tally_partial_compute(sealed, agg, keys[who[j]], NULL)) != NULL);
		for (j = 0; j < THRESHOLD; j++)
			NEED(tally_partial_verify(parts[j], sealed, agg, NULL, NULL, NULL));
		totals = tally_combine_totals(sealed, agg, parts, THRESHOLD, NULL);
		NEED(totals != NULL);
		t = wall() - t0;
		g_snprintf(key, sizeof(key), "decrypt_combine_%" G_GUINT64_FORMAT, n_ballots);
		bench_report_add(rep, key, t * 1000.0, "ms",
		    "3 of 5 partial decryptions, their proofs checked, Lagrange, dlog");
		tally_totals_free(totals, 1);
		for (j = 0; j < THRESHOLD; j++)
			tally_partial_free(parts[j]);
	}

	tally_aggregate_free(agg);
	if (keep == NULL)
		rm_rf(dir);
	OPENSSL_free(note);
	OPENSSL_free(vkey);
	OPENSSL_free(roll);
	ippyo_checkpoint_free(cp);
	ippyo_note_verifier_free(lv);
	ippyo_note_signer_free(log_key);
	for (j = 0; j < TRUSTEES; j++) {
		ippyo_trustee_secret_free(sec[j]);
		ippyo_ceremony_commitments_free(com[j]);
		ippyo_trustee_key_free(keys[j]);
	}
	for (j = 0; j < CARDS; j++) {
		EVP_PKEY_free(cards[j].key);
		g_free(cards[j].cert);
	}
	ippyo_ceremony_result_free(res);
	ippyo_election_key_free(ekey);
	ippyo_manifest_free(sealed);
	ippyo_manifest_free(draft);
}

/* The child of one verify run: prints seconds, maximum RSS (KiB), ballots checked,
 * failures, CPU seconds (user + system, all threads). */
static int
verify_only(const char *dir, const char *threads, const char *batch)
{
	TallyVerifyOptions o;
	TallyVerifyReport *r;
	g_autoptr(GError) err = NULL;
	struct rusage ru;
	double t0, t;

	memset(&o, 0, sizeof(o));
	o.dir = dir;
	o.threads = (guint)g_ascii_strtoull(threads, NULL, 10);
	o.batch = (guint)g_ascii_strtoull(batch, NULL, 10);
	t0 = wall();
	r = tally_verify_run(&o, &err);
	t = wall() - t0;
	if (r == NULL) {
		fprintf(stderr, "ippyo-bench tally: verify: %s\n", err->message);
		return 1;
	}
	NEED(getrusage(RUSAGE_SELF, &ru) == 0);
	printf("%.6f %ld %" G_GUINT64_FORMAT " %u %.6f\n", t, ru.ru_maxrss, r->ballots,
	    r->failures->len, (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	tally_verify_report_free(r);
	return 0;
}

int
bench_tally(int argc, char **argv)
{
	gboolean json = FALSE;
	const char *pki = g_getenv("IPPYO_PKI_TEMPLATE");
	const char *counts = "10000,100000";
	const char *keep = NULL;
	g_auto(GStrv) list = NULL;
	bench_report *rep;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = TRUE;
		else if (strcmp(argv[i], "--pki") == 0 && i + 1 < argc)
			pki = argv[++i];
		else if (strcmp(argv[i], "--ballots") == 0 && i + 1 < argc)
			counts = argv[++i];
		else if (strcmp(argv[i], "--keep") == 0 && i + 1 < argc)
			keep = argv[++i];
		else if (strcmp(argv[i], "--verify-only") == 0 && i + 3 < argc) {
			CHECK(ippyo_group_init());
			return verify_only(argv[i + 1], argv[i + 2], argv[i + 3]);
		}
		else {
			fprintf(stderr, "usage: ippyo-bench tally [--json] [--ballots N[,N...]] "
			    "[--pki DIR] [--keep DIR]\n(the test PKI of tests/vcard/make-test-pki; "
			    "default $IPPYO_PKI_TEMPLATE; --keep: leave each mirror in "
			    "DIR/tally-N)\n       ippyo-bench tally --verify-only MIRROR THREADS "
			    "BATCH\n(one verify: seconds, max RSS KiB, ballots, failures, CPU "
			    "seconds)\n");
			return 2;
		}
	}
	if (pki == NULL) {
		fprintf(stderr, "ippyo-bench tally: give --pki DIR (tests/vcard/make-test-pki DIR "
		    "makes one; a build dir has tests/vcard/pki)\n");
		return 2;
	}
	CHECK(ippyo_group_init());
	rep = bench_report_new("ippyo-bench tally: 1 contest x 10 options, 3-of-5 trustees "
	    "(wall-clock time)");
	list = g_strsplit(counts, ",", 0);
	for (i = 0; list[i] != NULL; i++) {
		guint64 n = g_ascii_strtoull(list[i], NULL, 10);

		if (n == 0 || n > 1000000) {
			fprintf(stderr, "ippyo-bench tally: bad ballot count %s\n", list[i]);
			bench_report_free(rep);
			return 2;
		}
		run(rep, pki, n, keep);
	}
	bench_report_note(rep, "target (issue 6): verify of 100000 ten-option ballots <= 60 s "
	    "on 2 cores; %u cores here", g_get_num_processors());
	bench_report_print(rep, json);
	bench_report_free(rep);
	return 0;
}
