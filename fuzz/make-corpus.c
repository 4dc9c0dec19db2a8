/*
 * make-corpus OUTDIR PKIDIR: writes the seed corpus of the harnesses,
 * OUTDIR/<what>/<name>: one or a few small valid samples of every format,
 * made with libippyo itself (and the fixed keys of fuzz-keys.h, so that the
 * log harnesses verify their signatures). PKIDIR is a test PKI of
 * tests/vcard/make-test-pki (card certificates, CRL, card key for a ballot
 * entry). The output is committed as fuzz/corpus/ (docs/fuzzing.md);
 * signatures and proofs use fresh randomness, so each run differs.
 */
#include "fuzz.h"
#include "fuzz-keys.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "buf.h"
#include "crypto/ceremony.h"
#include "crypto/decrypt.h"
#include "crypto/proof.h"
#include "crypto/schnorr.h"
#include "election/ballot.h"
#include "election/entry.h"
#include "election/roll.h"
#include "encoding.h"
#include "log/checkpoint.h"
#include "log/cosignature.h"
#include "log/receipt.h"
#include "log/tiles.h"
#include "fuzz-vector-manifest.h"

static const char *outdir;

static void
put(const char *what, const char *name, const void *data, size_t len)
{
	g_autofree char *dir = g_build_filename(outdir, what, NULL);
	g_autofree char *path = g_build_filename(dir, name, NULL);
	GError *error = NULL;

	FUZZ_CHECK(g_mkdir_with_parents(dir, 0755) == 0);
	if (!g_file_set_contents(path, data, (gssize)len, &error)) {
		fprintf(stderr, "make-corpus: %s\n", error->message);
		exit(1);
	}
}

static void
put_str(const char *what, const char *name, const char *s)
{
	put(what, name, s, strlen(s));
}

static void
put_buf(const char *what, const char *name, const ippyo_buf *b)
{
	put(what, name, ippyo_buf_data(b), ippyo_buf_len(b));
}

static char *
slurp(const char *dir, const char *name, size_t *len)
{
	g_autofree char *path = g_build_filename(dir, name, NULL);
	char *data = NULL;
	GError *error = NULL;

	if (!g_file_get_contents(path, &data, len, &error)) {
		fprintf(stderr, "make-corpus: %s\n", error->message);
		exit(1);
	}
	return data;
}

static ippyo_manifest *
vector_manifest(void)
{
	ippyo_manifest *m = NULL;

	FUZZ_CHECK(ippyo_manifest_parse(&m, fuzz_vector_manifest, sizeof(fuzz_vector_manifest),
	    IPPYO_MANIFEST_SEALED) == 0);
	return m;
}

/* The vector's ballot JSON (the member "ballot" of the vector file). */
static char *
vector_ballot(const char *srcdir, size_t *len)
{
	g_autofree char *path = g_build_filename(srcdir, "tests", "vectors",
	    "election-ballot.json", NULL);
	json_error_t jerr;
	json_t *v = json_load_file(path, 0, &jerr);
	char *s;

	FUZZ_CHECK(v != NULL);
	s = g_strdup(json_string_value(json_object_get(v, "ballot")));
	FUZZ_CHECK(s != NULL);
	*len = strlen(s);
	json_decref(v);
	return s;
}

static void
election(const char *srcdir, const char *pki)
{
	/* The officials' key of the vector's manifest (tests/election/fixture.c). */
	static const uint8_t sk[IPPYO_ED25519_PRIVATE_BYTES] = {
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
		17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
	};
	ippyo_manifest *m = vector_manifest();
	ippyo_election_key *key = NULL;
	ippyo_choices *ch = ippyo_choices_new(m);
	ippyo_audit *a = NULL;
	ippyo_ballot *b = NULL;
	ippyo_entry *e = NULL;
	uint8_t seed[32], voter[32], *out = NULL, fps[3][IPPYO_FINGERPRINT_BYTES];
	const uint8_t *bytes;
	size_t len, blen;
	g_autofree char *ballot = vector_ballot(srcdir, &blen);
	g_autofree char *card = g_build_filename(pki, "cards", "voter-001", NULL);
	ippyo_entry_document docs[2] = {
		{ "trustee-1.commitments.json", (const uint8_t *)"{}", 2 },
		{ "trustee-2.commitments.json", (const uint8_t *)"[]", 2 },
	};
	size_t n_options[2] = { 2, 1 };
	uint64_t t0[2] = { 3, 4 }, t1[1] = { 7 };
	const uint64_t *totals[2] = { t0, t1 };

	FUZZ_CHECK(ippyo_manifest_election_key(m, &key) == 0);
	bytes = ippyo_manifest_bytes(m, &len);
	put("manifest", "sealed.json", bytes, len);
	FUZZ_CHECK(ippyo_manifest_draft_bytes(m, &out, &len) == 0);
	put("manifest", "draft.json", out, len);
	OPENSSL_free(out);
	put("ballot", "vector.json", ballot, blen);

	/* The vector's audit record: seed 0x40.., voter 0xa0.., choices [[1],[0,2]]. */
	for (int i = 0; i < 32; i++) {
		seed[i] = (uint8_t)(0x40 + i);
		voter[i] = (uint8_t)(0xa0 + i);
	}
	FUZZ_CHECK(ippyo_choices_set(ch, 0, 1, 1) == 0);
	FUZZ_CHECK(ippyo_choices_set(ch, 1, 0, 1) == 0);
	FUZZ_CHECK(ippyo_choices_set(ch, 1, 2, 1) == 0);
	FUZZ_CHECK(ippyo_ballot_build(&b, m, key, ch, seed, voter) == 0);
	FUZZ_CHECK(ippyo_audit_new(&a, m, ch, seed, voter, ippyo_ballot_tracking_code(b)) == 0);
	FUZZ_CHECK(ippyo_audit_serialize(a, &out, &len) == 0);
	put("audit", "vector.json", out, len);
	OPENSSL_clear_free(out, len);

	/* Entries of every type. */
	FUZZ_CHECK(ippyo_entry_new_manifest(&e, m, sk) == 0);
	bytes = ippyo_entry_bytes(e, &len);
	put("entry", "manifest.json", bytes, len);
	ippyo_entry_free(e);
	FUZZ_CHECK(ippyo_entry_new_ceremony(&e, ippyo_manifest_election_id(m), docs, 2, sk) == 0);
	bytes = ippyo_entry_bytes(e, &len);
	put("entry", "ceremony.json", bytes, len);
	ippyo_entry_free(e);
	FUZZ_CHECK(ippyo_entry_new_close(&e, ippyo_manifest_election_id(m), 42,
	    "2027-04-26T20:00:00Z", sk) == 0);
	bytes = ippyo_entry_bytes(e, &len);
	put("entry", "close.json", bytes, len);
	ippyo_entry_free(e);
	FUZZ_CHECK(ippyo_entry_new_decryption(&e, ippyo_manifest_election_id(m), 2,
	    (const uint8_t *)"partial", 7, sk) == 0);
	bytes = ippyo_entry_bytes(e, &len);
	put("entry", "decryption.json", bytes, len);
	ippyo_entry_free(e);
	FUZZ_CHECK(ippyo_entry_new_result(&e, ippyo_manifest_election_id(m), 42, 40, 2, n_options,
	    totals, sk) == 0);
	bytes = ippyo_entry_bytes(e, &len);
	put("entry", "result.json", bytes, len);
	ippyo_entry_free(e);
	{
		/* A ballot entry signed by the test card's authentication key. */
		size_t pem_len, sig_len = 0;
		g_autofree char *pem = slurp(card, "auth.crt", &pem_len);
		g_autofree char *keypem = slurp(card, "auth.key", &pem_len);
		BIO *bio = BIO_new_mem_buf(pem, -1);
		X509 *x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
		BIO *kbio = BIO_new_mem_buf(keypem, -1);
		EVP_PKEY *pk = PEM_read_bio_PrivateKey(kbio, NULL, NULL, NULL);
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		unsigned char *der = NULL, sig[512];
		int dlen;

		FUZZ_CHECK(x != NULL && pk != NULL && md != NULL);
		dlen = i2d_X509(x, &der);
		FUZZ_CHECK(dlen > 0);
		sig_len = sizeof(sig);
		FUZZ_CHECK(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, pk) == 1);
		FUZZ_CHECK(EVP_DigestSign(md, sig, &sig_len, (const uint8_t *)ballot, blen) == 1);
		FUZZ_CHECK(ippyo_entry_new_ballot(&e, (const uint8_t *)ballot, blen, der,
		    (size_t)dlen, sig, sig_len) == 0);
		bytes = ippyo_entry_bytes(e, &len);
		put("entry", "ballot.json", bytes, len);
		ippyo_entry_free(e);
		put("cert", "auth.der", der, (size_t)dlen);
		put("cert", "auth.pem", pem, strlen(pem));
		OPENSSL_free(der);
		EVP_MD_CTX_free(md);
		EVP_PKEY_free(pk);
		BIO_free(kbio);
		X509_free(x);
		BIO_free(bio);
	}
	{
		g_autofree char *cadir = g_build_filename(pki, "ca", NULL);
		size_t crl_len;
		g_autofree char *crl = slurp(cadir, "auth.crl", &crl_len);
		BIO *bio = BIO_new_mem_buf(crl, (int)crl_len);
		X509_CRL *c = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL);
		unsigned char *der = NULL;
		int dlen;

		FUZZ_CHECK(c != NULL);
		put("cert", "auth-crl.pem", crl, crl_len);
		dlen = i2d_X509_CRL(c, &der);
		FUZZ_CHECK(dlen > 0);
		put("cert", "auth-crl.der", der, (size_t)dlen);
		OPENSSL_free(der);
		X509_CRL_free(c);
		BIO_free(bio);
	}

	/* A roll of three voters. */
	for (int i = 0; i < 3; i++)
		memset(fps[i], 0x30 * (i + 1), sizeof(fps[i]));
	FUZZ_CHECK(ippyo_roll_build((const uint8_t (*)[IPPYO_FINGERPRINT_BYTES])fps, 3,
	    &out, &len) == 0);
	put("roll", "three.txt", out, len);
	OPENSSL_free(out);

	ippyo_audit_free(a);
	ippyo_ballot_free(b);
	ippyo_choices_free(ch);
	ippyo_election_key_free(key);
	ippyo_manifest_free(m);
}

static void
logs(void)
{
	ippyo_note_signer *ls = fuzz_log_signer(), *ws = fuzz_witness_signer();
	ippyo_merkle_hasher *h = ippyo_merkle_hasher_new();
	uint8_t leaves[5][IPPYO_HASH_BYTES], root[IPPYO_HASH_BYTES];
	struct ippyo_merkle_leaves lv = { &leaves[0][0], 5, NULL };
	ippyo_merkle_proof proof;
	ippyo_checkpoint *cp = NULL;
	ippyo_note *note = NULL;
	ippyo_receipt *rc = NULL;
	ippyo_buf *b = ippyo_buf_new(IPPYO_RECEIPT_MAX_BYTES);
	char *signed_cp = NULL, *policy = fuzz_policy_text();
	size_t signed_len;
	char entry[2] = { 'e', '0' };

	for (int i = 0; i < 5; i++) {
		entry[1] = (char)('0' + i);
		FUZZ_CHECK(ippyo_merkle_hash_leaf(h, entry, 2, leaves[i]) == 0);
	}
	FUZZ_CHECK(ippyo_merkle_root(h, &leaves[0][0], 5, root) == 0);
	FUZZ_CHECK(ippyo_checkpoint_new(FUZZ_ORIGIN, 5, root, &cp) == 0);
	FUZZ_CHECK(ippyo_checkpoint_format(cp, b) == 0);
	put_buf("checkpoint", "body.txt", b);
	ippyo_buf_reset(b);
	FUZZ_CHECK(ippyo_checkpoint_sign(cp, ls, &signed_cp, &signed_len) == 0);
	put("checkpoint", "signed.txt", signed_cp, signed_len);
	put("note", "checkpoint.txt", signed_cp, signed_len);
	put("net", "checkpoint.txt", signed_cp, signed_len);
	/* Cosigned by the witness. */
	FUZZ_CHECK(ippyo_note_parse((const uint8_t *)signed_cp, signed_len, &note) == 0);
	FUZZ_CHECK(ippyo_cosignature_add(note, ws, 1767225600) == 0);
	FUZZ_CHECK(ippyo_note_serialize(note, b) == 0);
	put_buf("checkpoint", "cosigned.txt", b);
	put_buf("note", "cosigned.txt", b);
	put_buf("net", "cosigned.txt", b);
	/* The receipt of entry "e2" against the cosigned checkpoint. */
	ippyo_merkle_proof_init(&proof);
	FUZZ_CHECK(ippyo_merkle_inclusion_proof(h, 2, 5, ippyo_merkle_leaves_hash_fn, &lv,
	    &proof) == 0);
	FUZZ_CHECK(ippyo_receipt_new(2, &proof, ippyo_buf_data(b), ippyo_buf_len(b),
	    (const uint8_t *)"e2", 2, &rc) == 0);
	ippyo_buf_reset(b);
	FUZZ_CHECK(ippyo_receipt_serialize(rc, b) == 0);
	put_buf("receipt", "cosigned.txt", b);
	put_buf("net", "receipt.txt", b);
	ippyo_receipt_free(rc);
	rc = NULL;
	FUZZ_CHECK(ippyo_receipt_new(2, &proof, (const uint8_t *)signed_cp, signed_len, NULL, 0,
	    &rc) == 0);
	ippyo_buf_reset(b);
	FUZZ_CHECK(ippyo_receipt_serialize(rc, b) == 0);
	put_buf("receipt", "plain.txt", b);

	/* The shared signed-note examples (C2SP). */
	put_str("note", "c2sp-example.txt", "This is an example message.\n\n"
	    "\xe2\x80\x94 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n");
	put_str("note", "vkey.txt", "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
	put_str("note", "skey.txt", "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz");

	/* Policies. */
	put_str("policy", "witness.txt", policy);
	{
		ippyo_note_verifier *wv = fuzz_verifier(ws);
		char *wk = NULL;
		g_autofree char *text = NULL;

		FUZZ_CHECK(ippyo_note_verifier_string(wv, &wk) == 0);
		text = g_strdup_printf("witness a %s https://a.example/\n"
		    "group g1 any a\n"
		    "group g2 1 g1 a\n"
		    "quorum g2\n", wk);
		put_str("policy", "groups.txt", text);
		put_str("policy", "none.txt", "quorum none\n");
		OPENSSL_free(wk);
		ippyo_note_verifier_free(wv);
	}

	/* Tiles: paths, a tile, a bundle (first byte: width − 1). */
	put_str("tiles", "path-full.txt", "tile/0/000");
	put_str("tiles", "path-partial.txt", "tile/1/x001/234.p/5");
	put_str("tiles", "path-entries.txt", "tile/entries/x123/456.p/255");
	put("tiles", "tile-5.bin", leaves, sizeof(leaves));
	ippyo_buf_reset(b);
	FUZZ_CHECK(ippyo_buf_put_u8(b, 2) == 0);
	for (int i = 0; i < 3; i++) {
		entry[1] = (char)('0' + i);
		FUZZ_CHECK(ippyo_bundle_append(b, (const uint8_t *)entry, 2) == 0);
	}
	put_buf("tiles", "bundle-3.bin", b);

	free(policy);
	ippyo_receipt_free(rc);
	ippyo_note_free(note);
	OPENSSL_free(signed_cp);
	ippyo_checkpoint_free(cp);
	ippyo_buf_free(b);
	ippyo_merkle_hasher_free(h);
	ippyo_note_signer_free(ls);
	ippyo_note_signer_free(ws);
}

static void
crypto(void)
{
	ippyo_ceremony_params p = { { 0 }, 2, 3 };
	ippyo_trustee_secret *sec[3];
	ippyo_ceremony_commitments *com[3];
	ippyo_ceremony_share *shares[2];
	ippyo_trustee_key *tk = NULL;
	ippyo_ceremony_result *res = NULL;
	ippyo_election_key *key = NULL;
	ippyo_partial_decryption *pd = ippyo_partial_decryption_new();
	ippyo_ciphertext *ct = ippyo_ciphertext_new();
	ippyo_scalar *r = ippyo_scalar_new();
	ippyo_range_proof *sel = ippyo_range_proof_new(0, 1), *con = ippyo_range_proof_new(0, 2);
	ippyo_schnorr_proof *sp = ippyo_schnorr_proof_new();
	ippyo_schnorr_context sctx = { { 0 }, 1, 0 };
	ippyo_proof_statement st;
	uint8_t buf[IPPYO_RANGE_BRANCH_BYTES * 3], eh[IPPYO_HASH_BYTES] = { 1 };
	uint8_t seed[IPPYO_SEED_BYTES] = { 9 };
	uint32_t bad = 0;
	char *text;
	size_t len;

	memset(p.context, 0x5a, sizeof(p.context));
	for (uint32_t i = 0; i < 3; i++)
		FUZZ_CHECK(ippyo_ceremony_round1(&p, i + 1, &sec[i], &com[i]) == 0);
	FUZZ_CHECK(ippyo_ceremony_round2(sec[1], com[0], &shares[0]) == 0);
	FUZZ_CHECK(ippyo_ceremony_round2(sec[2], com[0], &shares[1]) == 0);
	FUZZ_CHECK(ippyo_ceremony_round3(sec[0], com, 3, shares, 2, &tk, &res, &bad) == 0);
	FUZZ_CHECK(ippyo_ceremony_commitments_to_json(com[0], &text, &len) == 0);
	put("ceremony", "commitments.json", text, len);
	OPENSSL_clear_free(text, len);
	FUZZ_CHECK(ippyo_ceremony_share_to_json(shares[0], &text, &len) == 0);
	put("ceremony", "share.json", text, len);
	OPENSSL_clear_free(text, len);
	FUZZ_CHECK(ippyo_ceremony_result_to_json(res, &text, &len) == 0);
	put("ceremony", "result.json", text, len);
	OPENSSL_clear_free(text, len);
	/* The secret files of a throw-away ceremony: fine to commit. */
	FUZZ_CHECK(ippyo_trustee_secret_to_json(sec[0], &text, &len) == 0);
	put("ceremony", "secret.json", text, len);
	OPENSSL_clear_free(text, len);
	FUZZ_CHECK(ippyo_trustee_key_to_json(tk, &text, &len) == 0);
	put("ceremony", "key.json", text, len);
	OPENSSL_clear_free(text, len);

	/* Points, scalars, a ciphertext, proofs of each kind. */
	FUZZ_CHECK(ippyo_election_key_new(&key, ippyo_ceremony_result_election_key(res)) == 0);
	FUZZ_CHECK(ippyo_point_serialize(ippyo_election_key_point(key), buf) == 0);
	put("proofs", "point.bin", buf, IPPYO_POINT_BYTES);
	FUZZ_CHECK(ippyo_scalar_random(r) == 0);
	FUZZ_CHECK(ippyo_scalar_serialize(r, buf) == 0);
	put("proofs", "scalar.bin", buf, IPPYO_SCALAR_BYTES);
	FUZZ_CHECK(ippyo_ciphertext_encrypt(ct, key, 1, r) == 0);
	FUZZ_CHECK(ippyo_ciphertext_serialize(ct, buf) == 0);
	put("proofs", "ciphertext.bin", buf, IPPYO_CIPHERTEXT_BYTES);
	memset(&st, 0, sizeof(st));
	st.key = key;
	st.min = 0;
	st.max = 1;
	st.ct = ct;
	FUZZ_CHECK(ippyo_range_proof_prove(sel, &st, 1, r, seed) == 0);
	FUZZ_CHECK(ippyo_range_proof_serialize(sel, buf, IPPYO_SELECTION_PROOF_BYTES) == 0);
	put("proofs", "selection-proof.bin", buf, IPPYO_SELECTION_PROOF_BYTES);
	st.max = 2;
	st.option = IPPYO_OPTION_CONTEST;
	FUZZ_CHECK(ippyo_range_proof_prove(con, &st, 1, r, seed) == 0);
	FUZZ_CHECK(ippyo_range_proof_serialize(con, buf, ippyo_range_proof_size(0, 2)) == 0);
	put("proofs", "contest-proof.bin", buf, ippyo_range_proof_size(0, 2));
	FUZZ_CHECK(ippyo_schnorr_prove(sp, &sctx, r, ippyo_ciphertext_alpha(ct)) == 0);
	FUZZ_CHECK(ippyo_schnorr_proof_serialize(sp, buf) == 0);
	put("proofs", "schnorr.bin", buf, IPPYO_SCHNORR_BYTES);
	FUZZ_CHECK(ippyo_partial_decrypt(pd, tk, eh, ct) == 0);
	FUZZ_CHECK(ippyo_partial_decryption_serialize(pd, buf) == 0);
	put("proofs", "partial-decryption.bin", buf, IPPYO_PARTIAL_DECRYPTION_BYTES);
	put("proofs", "chaum-pedersen.bin", buf + IPPYO_POINT_BYTES, IPPYO_CP_BYTES);

	for (int i = 0; i < 3; i++) {
		ippyo_trustee_secret_free(sec[i]);
		ippyo_ceremony_commitments_free(com[i]);
	}
	ippyo_ceremony_share_free(shares[0]);
	ippyo_ceremony_share_free(shares[1]);
	ippyo_trustee_key_free(tk);
	ippyo_ceremony_result_free(res);
	ippyo_election_key_free(key);
	ippyo_partial_decryption_free(pd);
	ippyo_ciphertext_free(ct);
	ippyo_scalar_free(r);
	ippyo_range_proof_free(sel);
	ippyo_range_proof_free(con);
	ippyo_schnorr_proof_free(sp);
}

/* APDU sessions as OpenSC's jpki driver sends them (../shared/JPKI.md). */
static void
apdu(const char *pki)
{
	g_autofree char *card = g_build_filename(pki, "cards", "voter-001", NULL);
	size_t pin_len;
	g_autofree char *pin = slurp(card, "pin", &pin_len);
	GByteArray *s = g_byte_array_new();
	static const uint8_t select_ap[] = { 15, 0x00, 0xA4, 0x04, 0x0C, 0x0A,
		0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01 };
	static const uint8_t select_cert[] = { 7, 0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x0A };
	static const uint8_t read4[] = { 5, 0x00, 0xB0, 0x00, 0x00, 0x04 };
	static const uint8_t read256[] = { 5, 0x00, 0xB0, 0x00, 0x04, 0x00 };
	static const uint8_t select_pin[] = { 7, 0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x18 };
	static const uint8_t tries[] = { 4, 0x00, 0x20, 0x00, 0x80 };
	static const uint8_t select_key[] = { 7, 0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x17 };
	uint8_t hdr[6] = { 0, 0x00, 0x20, 0x00, 0x80, 0 };
	uint8_t sign[6 + 51 + 1] = { 5 + 51 + 1, 0x80, 0x2A, 0x00, 0x80, 51 };

	while (pin_len > 0 && (pin[pin_len - 1] == '\n' || pin[pin_len - 1] == '\r'))
		pin_len--;
	/* Read the authentication certificate. */
	g_byte_array_append(s, select_ap, sizeof(select_ap));
	g_byte_array_append(s, select_cert, sizeof(select_cert));
	g_byte_array_append(s, read4, sizeof(read4));
	g_byte_array_append(s, read256, sizeof(read256));
	put("apdu", "read-cert.bin", s->data, s->len);
	/* Tries left, the PIN, then a signature (DigestInfo of SHA-256 + 19 bytes). */
	g_byte_array_set_size(s, 0);
	g_byte_array_append(s, select_ap, sizeof(select_ap));
	g_byte_array_append(s, select_pin, sizeof(select_pin));
	g_byte_array_append(s, tries, sizeof(tries));
	hdr[0] = (uint8_t)(5 + pin_len);
	hdr[5] = (uint8_t)pin_len;
	g_byte_array_append(s, hdr, sizeof(hdr));
	g_byte_array_append(s, (const uint8_t *)pin, (guint)pin_len);
	g_byte_array_append(s, select_key, sizeof(select_key));
	memset(sign + 6, 0x33, 51);
	sign[sizeof(sign) - 1] = 0x00;
	g_byte_array_append(s, sign, sizeof(sign));
	put("apdu", "sign.bin", s->data, s->len);
	/* A wrong PIN, a reset, the tries again. */
	g_byte_array_set_size(s, 0);
	g_byte_array_append(s, select_ap, sizeof(select_ap));
	g_byte_array_append(s, select_pin, sizeof(select_pin));
	g_byte_array_append(s, (const uint8_t[]){ 9, 0x00, 0x20, 0x00, 0x80, 4, '0', '0', '0', '0' }, 10);
	g_byte_array_append(s, (const uint8_t[]){ 0xff }, 1);
	g_byte_array_append(s, select_ap, sizeof(select_ap));
	g_byte_array_append(s, select_pin, sizeof(select_pin));
	g_byte_array_append(s, tries, sizeof(tries));
	put("apdu", "wrong-pin.bin", s->data, s->len);
	g_byte_array_unref(s);
}

int
main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: make-corpus OUTDIR PKIDIR SOURCEDIR\n");
		return 2;
	}
	outdir = argv[1];
	election(argv[3], argv[2]);
	logs();
	crypto();
	apdu(argv[2]);
	return 0;
}
