/* tally-testtool — independent checks of ippyo-tally's outputs with libippyo
 * itself, for the Python tests of suite "tally". Exit 0 if the check passes,
 * 1 with a message otherwise. */
#include <glib.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "election/entry.h"
#include "election/manifest.h"
#include "election/roll.h"
#include "election/signature.h"
#include "encoding.h"
#include "error.h"
#include "log/checkpoint.h"
#include "log/merkle.h"
#include "log/note.h"

static int
fail(const char *what, int r)
{
	fprintf(stderr, "tally-testtool: %s: %s\n", what, r < 0 ? ippyo_strerror(r) : "failed");
	return 1;
}

static char *
slurp(const char *path, gsize *len)
{
	char *data = NULL;

	if (!g_file_get_contents(path, &data, len, NULL)) {
		fprintf(stderr, "tally-testtool: cannot read %s\n", path);
		exit(2);
	}
	return data;
}

static char *
line(const char *path)
{
	gsize len;
	char *d = slurp(path, &len);

	if (len == 0 || d[len - 1] != '\n' || memchr(d, '\n', len - 1) != NULL) {
		fprintf(stderr, "tally-testtool: %s: not one line\n", path);
		exit(1);
	}
	d[len - 1] = '\0';
	return d;
}

/* manifest-entry ENTRY0 [ROLL]: a sealed manifest entry signed by its officials' key. */
static int
manifest_entry(int argc, char **argv)
{
	gsize len;
	g_autofree char *data = slurp(argv[2], &len);
	ippyo_entry *e = NULL;
	ippyo_manifest *m = NULL;
	ippyo_roll *rl = NULL;
	const ippyo_manifest *em;
	size_t mlen;
	const uint8_t *mb;
	int r, ret = 1;

	if ((r = ippyo_entry_parse(&e, (const uint8_t *)data, len)) != 0) {
		fail("entry", r);
		goto out;
	}
	if (ippyo_entry_get_type(e) != IPPYO_ENTRY_MANIFEST) {
		fail("not a manifest entry", 0);
		goto out;
	}
	em = ippyo_entry_manifest(e);
	if ((r = ippyo_entry_verify_officials(e, ippyo_manifest_officials_key(em))) != 0) {
		fail("officials' signature", r);
		goto out;
	}
	mb = ippyo_manifest_bytes(em, &mlen);
	if ((r = ippyo_manifest_parse(&m, mb, mlen, IPPYO_MANIFEST_SEALED)) != 0) {
		fail("sealed manifest", r);
		goto out;
	}
	if (argc > 3) {
		gsize rlen;
		g_autofree char *roll = slurp(argv[3], &rlen);

		if ((r = ippyo_roll_parse(&rl, (const uint8_t *)roll, rlen)) != 0 ||
		    (r = ippyo_roll_check_manifest(rl, m)) != 0) {
			fail("roll", r);
			goto out;
		}
	}
	printf("%s %u %u\n", ippyo_manifest_election_id(m), ippyo_manifest_trustees_t(m),
	    ippyo_manifest_trustees_n(m));
	ret = 0;
out:
	ippyo_roll_free(rl);
	ippyo_manifest_free(m);
	ippyo_entry_free(e);
	return ret;
}

/* entry FILE OFFICIALS.pub: any officials-signed entry. */
static int
signed_entry(char **argv)
{
	gsize len;
	g_autofree char *data = slurp(argv[2], &len);
	g_autofree char *pub = line(argv[3]);
	uint8_t pk[IPPYO_ED25519_PUBLIC_BYTES];
	ippyo_entry *e = NULL;
	int r, ret = 1;

	if ((r = ippyo_b64url_decode_exact(pub, pk, sizeof(pk))) != 0)
		return fail("public key", r);
	if ((r = ippyo_entry_parse(&e, (const uint8_t *)data, len)) != 0)
		return fail("entry", r);
	if ((r = ippyo_entry_verify_officials(e, pk)) != 0)
		fail("officials' signature", r);
	else {
		printf("%s\n", ippyo_entry_type_name(ippyo_entry_get_type(e)));
		ret = 0;
	}
	ippyo_entry_free(e);
	return ret;
}

/* draft FILE: a draft manifest. */
static int
draft(char **argv)
{
	gsize len;
	g_autofree char *data = slurp(argv[2], &len);
	ippyo_manifest *m = NULL;
	int r;

	if ((r = ippyo_manifest_parse(&m, (const uint8_t *)data, len, IPPYO_MANIFEST_DRAFT)) != 0)
		return fail("draft", r);
	printf("%s %zu %s %s\n", ippyo_manifest_election_id(m), ippyo_manifest_contests(m),
	    ippyo_manifest_poll_opens(m), ippyo_manifest_chain_vkey(m));
	ippyo_manifest_free(m);
	return 0;
}

/* officials KEY PUB: the key pair matches. */
static int
officials(char **argv)
{
	g_autofree char *k = line(argv[2]);
	g_autofree char *p = line(argv[3]);
	uint8_t sk[IPPYO_ED25519_PRIVATE_BYTES], pk[IPPYO_ED25519_PUBLIC_BYTES];
	uint8_t pk2[IPPYO_ED25519_PUBLIC_BYTES], sig[IPPYO_ED25519_SIGNATURE_BYTES];
	int r;

	if ((r = ippyo_b64url_decode_exact(k, sk, sizeof(sk))) != 0 ||
	    (r = ippyo_b64url_decode_exact(p, pk, sizeof(pk))) != 0 ||
	    (r = ippyo_ed25519_public(sk, pk2)) != 0)
		return fail("officials' key", r);
	if (memcmp(pk, pk2, sizeof(pk)) != 0)
		return fail("the public key is not the secret key's", 0);
	if ((r = ippyo_officials_sign(sk, "close", (const uint8_t *)"x", 1, sig)) != 0 ||
	    (r = ippyo_officials_verify(pk, "close", (const uint8_t *)"x", 1, sig)) != 0)
		return fail("sign and verify", r);
	OPENSSL_cleanse(sk, sizeof(sk));
	return 0;
}

/* note KEY VKEY TYPE: signer and verifier strings match, of that type. */
static int
note(char **argv)
{
	g_autofree char *k = line(argv[2]);
	g_autofree char *v = line(argv[3]);
	ippyo_note_signer *s = NULL;
	ippyo_note_verifier *vs = NULL, *vk = NULL;
	int r;

	int ret = 1;

	if ((r = ippyo_note_signer_parse(k, &s)) != 0)
		fail("signer", r);
	else if ((r = ippyo_note_verifier_parse(v, &vk)) != 0)
		fail("verifier", r);
	else if ((r = ippyo_note_signer_verifier(s, &vs)) != 0)
		fail("derive", r);
	else if (!ippyo_note_verifier_same_key(vs, vk) ||
	    strcmp(ippyo_note_verifier_name(vs), ippyo_note_verifier_name(vk)) != 0)
		fail("the verifier key is not the signer key's", 0);
	else if (ippyo_note_verifier_type(vk) != (uint8_t)g_ascii_strtoull(argv[4], NULL, 0))
		fail("type", 0);
	else {
		printf("%s\n", ippyo_note_verifier_name(vk));
		ret = 0;
	}
	ippyo_note_signer_free(s);
	ippyo_note_verifier_free(vs);
	ippyo_note_verifier_free(vk);
	return ret;
}

/*
 * witness-request SKEY OLD SIZE FORK: an add-checkpoint body for a log whose
 * leaf i is "leaf <i>" (with FORK > 0: leaves >= FORK - 1 are "fork <i>"),
 * signed with the log key SKEY, with the consistency proof from OLD.
 */
static int
witness_request(char **argv)
{
	g_autofree char *skey = line(argv[2]);
	guint64 old = g_ascii_strtoull(argv[3], NULL, 10);
	guint64 size = g_ascii_strtoull(argv[4], NULL, 10);
	guint64 fork = g_ascii_strtoull(argv[5], NULL, 10);
	g_autofree uint8_t *leaves = g_malloc0((size + 1) * IPPYO_HASH_BYTES);
	struct ippyo_merkle_leaves lv;
	ippyo_merkle_proof proof;
	ippyo_note_signer *s = NULL;
	ippyo_checkpoint *cp = NULL;
	uint8_t root[IPPYO_HASH_BYTES];
	char *note = NULL;
	size_t note_len;
	int r;

	if ((r = ippyo_note_signer_parse(skey, &s)) != 0)
		return fail("signer", r);
	for (guint64 i = 0; i < size; i++) {
		g_autofree char *leaf = g_strdup_printf("%s %" G_GUINT64_FORMAT,
		    fork > 0 && i + 1 >= fork ? "fork" : "leaf", i);

		if ((r = ippyo_merkle_hash_leaf(NULL, leaf, strlen(leaf),
		    leaves + i * IPPYO_HASH_BYTES)) != 0)
			return fail("leaf", r);
	}
	lv.hashes = leaves;
	lv.n = size;
	lv.h = NULL;
	ippyo_merkle_proof_init(&proof);
	if ((r = ippyo_merkle_root(NULL, leaves, size, root)) != 0 ||
	    (old > 0 && old <= size && (r = ippyo_merkle_consistency_proof(NULL, old, size,
	    ippyo_merkle_leaves_hash_fn, &lv, &proof)) != 0) ||
	    (r = ippyo_checkpoint_new(ippyo_note_signer_name(s), size, root, &cp)) != 0 ||
	    (r = ippyo_checkpoint_sign(cp, s, &note, &note_len)) != 0)
		return fail("checkpoint", r);
	printf("old %" G_GUINT64_FORMAT "\n", old);
	for (size_t i = 0; i < proof.n; i++) {
		g_autofree char *b = g_base64_encode(proof.hash[i], IPPYO_HASH_BYTES);

		printf("%s\n", b);
	}
	printf("\n%s", note);
	OPENSSL_free(note);
	ippyo_checkpoint_free(cp);
	ippyo_note_signer_free(s);
	return 0;
}

/* cosignature WVKEY NOTEFILE LINEFILE: the witness's line is a valid
 * cosignature of the signed note's text. */
static int
cosignature(char **argv)
{
	g_autofree char *wv = line(argv[2]);
	gsize nlen, llen;
	g_autofree char *note = slurp(argv[3], &nlen);
	g_autofree char *sig = slurp(argv[4], &llen);
	g_autofree char *all = g_strconcat(note, sig, NULL);
	ippyo_note_verifier *v = NULL;
	const ippyo_note_verifier *keys[1];
	ippyo_note *n = NULL;
	int verified = 0, r, ret = 1;
	uint64_t ts = 0;

	if ((r = ippyo_note_verifier_parse(wv, &v)) != 0)
		return fail("witness vkey", r);
	keys[0] = v;
	if ((r = ippyo_note_parse((const uint8_t *)all, strlen(all), &n)) != 0)
		fail("note with the cosignature", r);
	else if ((r = ippyo_note_verify(n, keys, 1, &verified, &ts)) != 0 || !verified || ts == 0)
		fail("cosignature", r);
	else {
		printf("%" G_GUINT64_FORMAT "\n", (guint64)ts);
		ret = 0;
	}
	ippyo_note_free(n);
	ippyo_note_verifier_free(v);
	return ret;
}

int
main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "cosignature") == 0)
		return cosignature(argv);
	if (argc == 6 && strcmp(argv[1], "witness-request") == 0)
		return witness_request(argv);
	if (argc >= 3 && strcmp(argv[1], "manifest-entry") == 0)
		return manifest_entry(argc, argv);
	if (argc == 4 && strcmp(argv[1], "entry") == 0)
		return signed_entry(argv);
	if (argc == 3 && strcmp(argv[1], "draft") == 0)
		return draft(argv);
	if (argc == 4 && strcmp(argv[1], "officials") == 0)
		return officials(argv);
	if (argc == 5 && strcmp(argv[1], "note") == 0)
		return note(argv);
	fprintf(stderr, "usage: tally-testtool manifest-entry|entry|draft|officials|note ...\n");
	return 2;
}
