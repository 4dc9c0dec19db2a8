/* Election records for the tally tests (fixture.h). */
#include "fixture.h"

#include <string.h>

#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "buf.h"
#include "card/cert.h"
#include "crypto/hash.h"
#include "election/entry.h"
#include "election/roll.h"
#include "election/signature.h"
#include "log/checkpoint.h"
#include "log/cosignature.h"
#include "log/merkle.h"
#include "tally.h"

#define ORIGIN "vote.example.jp/ippyo-tally-test"

/* On the roll: everyone but voter-010 (and the foreign card). */
static const char *const roll_names[] = { "voter-001", "voter-002", "voter-003", "voter-004",
    "voter-005", "voter-006", "voter-007", "voter-008", "voter-009", "revoked", "expired",
    "not-yet-valid", NULL };

static char *
card_file(Fixture *f, const char *name, const char *file)
{
	return g_build_filename(f->pki, "cards", name, file, NULL);
}

GBytes *
fx_card_cert(Fixture *f, const char *name)
{
	g_autofree char *p = card_file(f, name, "auth.crt");
	ippyo_cert *c = NULL;
	const uint8_t *der;
	size_t len;
	GBytes *out;

	g_assert_cmpint(ippyo_cert_load_file(p, &c), ==, 0);
	der = ippyo_cert_der(c, &len);
	out = g_bytes_new(der, len);
	ippyo_cert_free(c);
	return out;
}

static void
fingerprint(Fixture *f, const char *name, uint8_t fp[32])
{
	g_autoptr(GBytes) der = fx_card_cert(f, name);
	gsize len;
	const uint8_t *d = g_bytes_get_data(der, &len);

	g_assert_cmpint(ippyo_cert_der_fingerprint(d, len, fp), ==, 0);
}

GBytes *
fx_card_sign(Fixture *f, const char *name, const uint8_t *msg, size_t len)
{
	g_autofree char *p = card_file(f, name, "auth.key");
	FILE *fp = fopen(p, "r");
	EVP_PKEY *k;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t sig[512];
	size_t sl = sizeof(sig);

	g_assert_nonnull(fp);
	k = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
	fclose(fp);
	g_assert_nonnull(k);
	g_assert_true(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k) == 1);
	g_assert_true(EVP_DigestSign(ctx, sig, &sl, msg, len) == 1);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
	return g_bytes_new(sig, sl);
}

static char *
utc(gint64 t)
{
	GDateTime *dt = g_date_time_new_from_unix_utc(t);
	char *s = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ");

	g_date_time_unref(dt);
	return s;
}

guint64
fx_append(Fixture *f, GBytes *entry)
{
	g_ptr_array_add(f->entries, entry);
	return f->entries->len - 1;
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

Fixture *
fx_new(void)
{
	Fixture *f = g_new0(Fixture, 1);
	static const ippyo_manifest_option_spec mayor[] = {
		{ "tanaka", "田中 一郎", "Ichiro Tanaka" },
		{ "suzuki", "鈴木 花子", "Hanako Suzuki" },
		{ "sato", "佐藤 次郎", "Jiro Sato" },
	};
	static const ippyo_manifest_option_spec ref[] = {
		{ "yes", "賛成", "Yes" },
		{ "no", "反対", "No" },
	};
	const ippyo_manifest_contest_spec contests[] = {
		{ "mayor", "市長", "Mayor", 1, 1, 3, mayor },
		{ "referendum", "住民投票", "Referendum", 0, 1, 2, ref },
	};
	ippyo_manifest_spec s;
	ippyo_manifest *draft = NULL;
	ippyo_note_verifier *v = NULL;
	char *vkey = NULL, *wkey = NULL;
	g_autofree char *opens = NULL, *closes = NULL;
	uint8_t roll_fps[16][32], ca_fp[32];
	uint8_t *roll = NULL;
	size_t roll_len, i, j, n_roll = 0;
	ippyo_ceremony_params p;
	ippyo_trustee_secret *sec[FX_TRUSTEES];
	ippyo_ceremony_commitments *com[FX_TRUSTEES];
	ippyo_ceremony_result *res = NULL;
	const ippyo_point *tk[FX_TRUSTEES];
	ippyo_entry *e = NULL;
	ippyo_entry_document docs[FX_TRUSTEES];
	char names[FX_TRUSTEES][32];
	ippyo_cert *ca = NULL;
	g_autofree char *ca_path = NULL;
	const char *pki = g_getenv("IPPYO_PKI_TEMPLATE");

	g_assert_nonnull(pki);
	f->pki = g_strdup(pki);
	f->dir = g_dir_make_tmp("ippyo-tally-XXXXXX", NULL);
	g_assert_nonnull(f->dir);
	f->entries = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	f->ballots = g_ptr_array_new();
	f->close_index = G_MAXUINT64;
	f->time = g_get_real_time() / G_USEC_PER_SEC;

	g_assert_cmpint(ippyo_ed25519_keygen(f->sk, f->pk), ==, 0);
	g_assert_cmpint(ippyo_note_signer_generate(ORIGIN, IPPYO_NOTE_TYPE_ED25519, &f->log_key),
	    ==, 0);
	g_assert_cmpint(ippyo_note_signer_verifier(f->log_key, &v), ==, 0);
	g_assert_cmpint(ippyo_note_verifier_string(v, &vkey), ==, 0);
	ippyo_note_verifier_free(v);
	g_assert_cmpint(ippyo_note_signer_generate("witness.example", IPPYO_NOTE_TYPE_COSIGNATURE,
	    &f->witness), ==, 0);
	g_assert_cmpint(ippyo_note_signer_verifier(f->witness, &v), ==, 0);
	g_assert_cmpint(ippyo_note_verifier_string(v, &wkey), ==, 0);
	ippyo_note_verifier_free(v);
	f->policy = g_strdup_printf("log %s\nwitness w1 %s\nquorum w1\n", vkey, wkey);
	OPENSSL_free(wkey);

	for (i = 0; roll_names[i] != NULL; i++)
		fingerprint(f, roll_names[i], roll_fps[n_roll++]);
	g_assert_cmpint(ippyo_roll_build((const uint8_t (*)[32])roll_fps, n_roll, &roll,
	    &roll_len), ==, 0);
	ca_path = g_build_filename(f->pki, "ca", "auth-ca.crt", NULL);
	g_assert_cmpint(ippyo_cert_load_file(ca_path, &ca), ==, 0);
	g_assert_cmpint(ippyo_cert_fingerprint(ca, ca_fp), ==, 0);
	ippyo_cert_free(ca);

	opens = utc(f->time - 3600);
	closes = utc(f->time + 86400);
	memset(&s, 0, sizeof(s));
	s.election_id = "tally-test-2027";
	s.title_ja = "テスト市長選挙";
	s.title_en = "Test City mayoral election";
	s.chain_origin = ORIGIN;
	s.chain_url = "https://vote.example.jp/ippyo-tally-test/";
	s.chain_vkey = vkey;
	s.poll_opens = opens;
	s.poll_closes = closes;
	s.n_contests = 2;
	s.contests = contests;
	s.trustees_n = FX_TRUSTEES;
	s.trustees_t = FX_THRESHOLD;
	memcpy(s.officials_key, f->pk, 32);
	g_assert_cmpint(ippyo_sha256(roll, roll_len, s.roll_hash), ==, 0);
	s.roll_count = n_roll;
	s.n_jpki_ca = 1;
	s.jpki_ca = (const uint8_t (*)[32])&ca_fp;
	g_assert_cmpint(ippyo_manifest_new_draft(&draft, &s), ==, 0);
	OPENSSL_free(vkey);

	/* The ceremony, all trustees in this process. */
	memset(&p, 0, sizeof(p));
	ippyo_manifest_draft_hash(draft, p.context);
	p.threshold = FX_THRESHOLD;
	p.trustees = FX_TRUSTEES;
	for (i = 0; i < FX_TRUSTEES; i++)
		g_assert_cmpint(ippyo_ceremony_round1(&p, (uint32_t)i + 1, &sec[i], &com[i]), ==, 0);
	for (j = 0; j < FX_TRUSTEES; j++) {
		ippyo_ceremony_share *sh[FX_TRUSTEES];
		ippyo_ceremony_result *rj = NULL;
		size_t ns = 0;
		uint32_t bad = 0;

		for (i = 0; i < FX_TRUSTEES; i++)
			if (i != j)
				g_assert_cmpint(ippyo_ceremony_round2(sec[i], com[j], &sh[ns++]), ==, 0);
		g_assert_cmpint(ippyo_ceremony_round3(sec[j], com, FX_TRUSTEES, sh, ns, &f->keys[j],
		    &rj, &bad), ==, 0);
		for (i = 0; i < ns; i++)
			ippyo_ceremony_share_free(sh[i]);
		if (res == NULL)
			res = rj;
		else
			ippyo_ceremony_result_free(rj);
	}
	for (i = 0; i < FX_TRUSTEES; i++)
		tk[i] = ippyo_ceremony_result_verification_key(res, (uint32_t)i + 1);
	g_assert_cmpint(ippyo_manifest_seal(&f->sealed, draft,
	    ippyo_ceremony_result_election_key(res), tk, FX_TRUSTEES,
	    ippyo_ceremony_result_transcript(res)), ==, 0);
	g_assert_cmpint(ippyo_manifest_election_key(f->sealed, &f->ekey), ==, 0);

	/* Entry 0 and the ceremony entry with the five commitments files. */
	g_assert_cmpint(ippyo_entry_new_manifest(&e, f->sealed, f->sk), ==, 0);
	fx_append(f, entry_bytes(e));
	for (i = 0; i < FX_TRUSTEES; i++) {
		size_t len;

		g_assert_cmpint(ippyo_ceremony_commitments_to_json(com[i], &f->commitments[i],
		    &len), ==, 0);
		g_snprintf(names[i], sizeof(names[i]), "commitments-%zu.json", i + 1);
		docs[i].name = names[i];
		docs[i].data = (const uint8_t *)f->commitments[i];
		docs[i].len = len;
	}
	g_assert_cmpint(ippyo_entry_new_ceremony(&e, ippyo_manifest_election_id(f->sealed), docs,
	    FX_TRUSTEES, f->sk), ==, 0);
	fx_append(f, entry_bytes(e));

	/* Side files. */
	{
		g_autofree char *edir = g_build_filename(f->dir, "election", NULL);
		g_autofree char *cadir = g_build_filename(edir, "jpki-ca", NULL);
		g_autofree char *crldir = g_build_filename(edir, "crl", NULL);
		g_autofree char *rp = g_build_filename(edir, "roll.txt", NULL);
		g_autofree char *pp = g_build_filename(edir, "policy", NULL);
		g_autofree char *cap = g_build_filename(cadir, "auth-ca.crt", NULL);
		g_autofree char *crlp = g_build_filename(crldir, "auth.crl", NULL);
		g_autofree char *src_crl = g_build_filename(f->pki, "ca", "auth.crl", NULL);
		g_autofree char *ca_text = NULL, *crl_text = NULL;
		gsize l1, l2;

		g_assert_cmpint(g_mkdir_with_parents(cadir, 0755), ==, 0);
		g_assert_cmpint(g_mkdir_with_parents(crldir, 0755), ==, 0);
		g_assert_true(g_file_set_contents(rp, (const char *)roll, (gssize)roll_len, NULL));
		g_assert_true(g_file_set_contents(pp, f->policy, -1, NULL));
		g_assert_true(g_file_get_contents(ca_path, &ca_text, &l1, NULL));
		g_assert_true(g_file_set_contents(cap, ca_text, (gssize)l1, NULL));
		g_assert_true(g_file_get_contents(src_crl, &crl_text, &l2, NULL));
		g_assert_true(g_file_set_contents(crlp, crl_text, (gssize)l2, NULL));
	}

	OPENSSL_free(roll);
	for (i = 0; i < FX_TRUSTEES; i++) {
		ippyo_trustee_secret_free(sec[i]);
		ippyo_ceremony_commitments_free(com[i]);
	}
	ippyo_ceremony_result_free(res);
	ippyo_manifest_free(draft);
	return f;
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

void
fx_free(Fixture *f)
{
	guint i;

	if (f == NULL)
		return;
	rm_rf(f->dir);
	for (i = 0; i < f->ballots->len; i++) {
		FxBallot *b = f->ballots->pdata[i];

		ippyo_ballot_free(b->ballot);
		g_free(b);
	}
	g_ptr_array_unref(f->ballots);
	g_ptr_array_unref(f->entries);
	for (i = 0; i < FX_TRUSTEES; i++) {
		ippyo_trustee_key_free(f->keys[i]);
		OPENSSL_clear_free(f->commitments[i], strlen(f->commitments[i]));
	}
	ippyo_election_key_free(f->ekey);
	ippyo_manifest_free(f->sealed);
	ippyo_note_signer_free(f->log_key);
	ippyo_note_signer_free(f->witness);
	g_free(f->policy);
	g_free(f->pki);
	g_free(f->dir);
	g_free(f);
}

GBytes *
fx_ballot_entry(Fixture *f, const char *name, const uint8_t *ballot, size_t len)
{
	g_autoptr(GBytes) cert = fx_card_cert(f, name);
	g_autoptr(GBytes) sig = fx_card_sign(f, name, ballot, len);
	ippyo_entry *e = NULL;
	gsize cl, sl;
	const uint8_t *c = g_bytes_get_data(cert, &cl), *s = g_bytes_get_data(sig, &sl);

	g_assert_cmpint(ippyo_entry_new_ballot(&e, ballot, len, c, cl, s, sl), ==, 0);
	return entry_bytes(e);
}

guint64
fx_ballot(Fixture *f, const char *name, size_t c0, size_t c1)
{
	FxBallot *b = g_new0(FxBallot, 1);
	ippyo_choices *ch = ippyo_choices_new(f->sealed);
	uint8_t seed[32];
	const uint8_t *bytes;
	size_t len;

	fingerprint(f, name, b->voter);
	g_assert_cmpint(ippyo_choices_set(ch, 0, c0, 1), ==, 0);
	if (c1 < 2)
		g_assert_cmpint(ippyo_choices_set(ch, 1, c1, 1), ==, 0);
	g_assert_true(RAND_bytes(seed, sizeof(seed)) == 1);
	g_assert_cmpint(ippyo_ballot_build(&b->ballot, f->sealed, f->ekey, ch, seed, b->voter),
	    ==, 0);
	ippyo_choices_free(ch);
	b->choice[0] = c0;
	b->choice[1] = c1;
	bytes = ippyo_ballot_bytes(b->ballot, &len);
	b->index = fx_append(f, fx_ballot_entry(f, name, bytes, len));
	g_ptr_array_add(f->ballots, b);
	return b->index;
}

guint64
fx_close(Fixture *f)
{
	ippyo_entry *e = NULL;
	g_autofree char *t = utc(f->time);

	g_assert_cmpint(ippyo_entry_new_close(&e, ippyo_manifest_election_id(f->sealed),
	    f->entries->len, t, f->sk), ==, 0);
	f->close_index = fx_append(f, entry_bytes(e));
	return f->close_index;
}

/* The counted ballots: the last per voter before close (or all of them). */
static GPtrArray *
counted(Fixture *f, gboolean all)
{
	GPtrArray *out = g_ptr_array_new();
	guint i, k;

	for (i = 0; i < f->ballots->len; i++) {
		FxBallot *b = f->ballots->pdata[i];
		gboolean later = FALSE;

		if (b->index > f->close_index)
			continue;
		for (k = i + 1; !all && k < f->ballots->len; k++) {
			FxBallot *c = f->ballots->pdata[k];

			if (c->index < f->close_index && memcmp(c->voter, b->voter, 32) == 0)
				later = TRUE;
		}
		if (!later)
			g_ptr_array_add(out, b);
	}
	return out;
}

void
fx_expected(Fixture *f, guint64 out[2][3], guint64 *n)
{
	g_autoptr(GPtrArray) cs = counted(f, FALSE);
	guint i;

	memset(out, 0, sizeof(guint64) * 6);
	for (i = 0; i < cs->len; i++) {
		FxBallot *b = cs->pdata[i];

		out[0][b->choice[0]]++;
		if (b->choice[1] < 2)
			out[1][b->choice[1]]++;
	}
	*n = cs->len;
}

TallyAggregate *
fx_aggregate(Fixture *f, gboolean all)
{
	g_autoptr(GPtrArray) cs = counted(f, all);
	TallyAggregate *a = tally_aggregate_new(f->sealed);
	guint i;
	gsize c, o;

	a->close_index = f->close_index;
	a->counted = cs->len;
	for (i = 0; i < cs->len; i++) {
		FxBallot *b = cs->pdata[i];

		for (c = 0; c < a->n_contests; c++)
			for (o = 0; o < a->n_options[c]; o++)
				g_assert_cmpint(ippyo_ciphertext_add(a->totals[c][o], a->totals[c][o],
				    ippyo_ballot_selection(b->ballot, c, o)), ==, 0);
	}
	return a;
}

void
fx_tally(Fixture *f, const guint32 *trustees, gsize n, TallyAggregate *agg)
{
	g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)tally_partial_free);
	guint64 **totals;
	const uint64_t *rows[2];
	size_t nopt[2];
	ippyo_entry *e = NULL;
	gsize i;

	for (i = 0; i < n; i++) {
		g_autoptr(GError) err = NULL;
		TallyPartial *p = tally_partial_compute(f->sealed, agg, f->keys[trustees[i] - 1],
		    &err);
		g_autofree char *doc = NULL;
		gsize len;

		g_assert_no_error(err);
		doc = tally_partial_to_bytes(p, &len, &err);
		g_assert_no_error(err);
		g_assert_cmpint(ippyo_entry_new_decryption(&e, ippyo_manifest_election_id(f->sealed),
		    trustees[i], (const uint8_t *)doc, len, f->sk), ==, 0);
		fx_append(f, entry_bytes(e));
		g_ptr_array_add(parts, p);
	}
	{
		g_autoptr(GError) err = NULL;

		totals = tally_combine_totals(f->sealed, agg, (TallyPartial *const *)parts->pdata,
		    parts->len, &err);
		g_assert_no_error(err);
	}
	rows[0] = totals[0];
	rows[1] = totals[1];
	nopt[0] = 3;
	nopt[1] = 2;
	g_assert_cmpint(ippyo_entry_new_result(&e, ippyo_manifest_election_id(f->sealed),
	    agg->close_index, agg->counted, 2, nopt, rows, f->sk), ==, 0);
	fx_append(f, entry_bytes(e));
	tally_totals_free(totals, 2);
}

void
fx_write(Fixture *f)
{
	ippyo_merkle_state st;
	ippyo_merkle_hasher *h = ippyo_merkle_hasher_new();
	ippyo_checkpoint *cp = NULL;
	ippyo_note *note = NULL;
	ippyo_buf *out = ippyo_buf_new(IPPYO_NOTE_MAX_BYTES);
	char *text = NULL;
	size_t tl;
	uint8_t root[32];
	guint i;
	g_autoptr(GError) err = NULL;

	ippyo_merkle_state_init(&st);
	for (i = 0; i < f->entries->len; i++) {
		gsize len;
		const uint8_t *d = g_bytes_get_data(f->entries->pdata[i], &len);

		g_assert_cmpint(ippyo_merkle_state_append_entry(&st, h, d, len, NULL), ==, 0);
	}
	g_assert_cmpint(ippyo_merkle_state_root(&st, h, root), ==, 0);
	g_assert_cmpint(ippyo_checkpoint_new(ORIGIN, f->entries->len, root, &cp), ==, 0);
	g_assert_cmpint(ippyo_checkpoint_sign(cp, f->log_key, &text, &tl), ==, 0);
	g_assert_cmpint(ippyo_note_parse((const uint8_t *)text, tl, &note), ==, 0);
	g_assert_cmpint(ippyo_cosignature_add(note, f->witness, (uint64_t)f->time), ==, 0);
	g_assert_cmpint(ippyo_note_serialize(note, out), ==, 0);
	g_assert_true(tally_mirror_write(f->dir, f->entries, ippyo_buf_data(out),
	    ippyo_buf_len(out), &err));
	g_assert_no_error(err);
	OPENSSL_free(text);
	ippyo_note_free(note);
	ippyo_checkpoint_free(cp);
	ippyo_buf_free(out);
	ippyo_merkle_hasher_free(h);
}
