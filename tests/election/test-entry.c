/* Tests of the chain entries and their signatures. */
#include <glib.h>
#include <jansson.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "card/cert.h"
#include "crypto/hash.h"
#include "election/ballot.h"
#include "election/entry.h"
#include "election/manifest.h"
#include "election/signature.h"
#include "encoding.h"
#include "error.h"
#include "fixture.h"

static const fx_contest two[] = { { 1, 1, 3 }, { 0, 2, 4 } };

static void
officials_pk(uint8_t pk[32])
{
	g_assert_cmpint(ippyo_ed25519_public(fx_officials_sk, pk), ==, 0);
}

static void
test_ed25519(void)
{
	/* RFC 8032 §7.1, TEST 1. */
	static const char sk_hex[] =
	    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
	static const char pk_hex[] =
	    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
	uint8_t sk[32], pk[32], want[32], sig[64], sk2[32], pk2[32];

	g_assert_cmpint(ippyo_hex_decode_exact(sk_hex, sk, 32), ==, 0);
	g_assert_cmpint(ippyo_hex_decode_exact(pk_hex, want, 32), ==, 0);
	g_assert_cmpint(ippyo_ed25519_public(sk, pk), ==, 0);
	g_assert_cmpmem(pk, 32, want, 32);

	g_assert_cmpint(ippyo_officials_sign(sk, "close", (const uint8_t *)"abc", 3, sig), ==, 0);
	g_assert_cmpint(ippyo_officials_verify(pk, "close", (const uint8_t *)"abc", 3, sig), ==, 0);
	/* Another purpose, message, key or signature: refused. */
	g_assert_cmpint(ippyo_officials_verify(pk, "result", (const uint8_t *)"abc", 3, sig), ==,
	    IPPYO_ERR_BAD_OFFICIAL_SIGNATURE);
	g_assert_cmpint(ippyo_officials_verify(pk, "close", (const uint8_t *)"abd", 3, sig), ==,
	    IPPYO_ERR_BAD_OFFICIAL_SIGNATURE);
	g_assert_cmpint(ippyo_ed25519_keygen(sk2, pk2), ==, 0);
	g_assert_cmpint(ippyo_officials_verify(pk2, "close", (const uint8_t *)"abc", 3, sig), ==,
	    IPPYO_ERR_BAD_OFFICIAL_SIGNATURE);
	sig[10] ^= 4;
	g_assert_cmpint(ippyo_officials_verify(pk, "close", (const uint8_t *)"abc", 3, sig), ==,
	    IPPYO_ERR_BAD_OFFICIAL_SIGNATURE);
}

/* Parses bytes, checks they round trip, returns the entry. */
static ippyo_entry *
reparse(const ippyo_entry *e)
{
	ippyo_entry *e2 = NULL;
	const uint8_t *b, *b2;
	size_t len, len2;

	b = ippyo_entry_bytes(e, &len);
	g_assert_cmpuint(len, <=, IPPYO_ENTRY_MAX_BYTES);
	g_assert_cmpint(ippyo_entry_parse(&e2, b, len), ==, 0);
	b2 = ippyo_entry_bytes(e2, &len2);
	g_assert_cmpmem(b, len, b2, len2);
	g_assert_cmpint(ippyo_entry_get_type(e2), ==, ippyo_entry_get_type(e));
	return e2;
}

static int
parse_text(const char *s, ippyo_entry **out)
{
	return ippyo_entry_parse(out, (const uint8_t *)s, strlen(s));
}

static char *
mutate(const ippyo_entry *e, const char *key, json_t *value)
{
	size_t len;
	const uint8_t *b = ippyo_entry_bytes(e, &len);
	json_t *root = json_loadb((const char *)b, len, 0, NULL);
	char *s;

	g_assert_nonnull(root);
	if (value != NULL)
		json_object_set_new(root, key, value);
	else
		json_object_del(root, key);
	s = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(root);
	return s;
}

/* The officials' signature of e with one bit changed. */
static char *
flip_signature(const ippyo_entry *e)
{
	size_t len;
	const uint8_t *b = ippyo_entry_bytes(e, &len);
	json_t *root = json_loadb((const char *)b, len, 0, NULL);
	uint8_t sig[64];
	char *s = NULL, *out;

	g_assert_cmpint(ippyo_b64url_decode_exact(json_string_value(json_object_get(root,
	    "signature")), sig, 64), ==, 0);
	sig[17] ^= 0x01;
	g_assert_cmpint(ippyo_b64url_encode(sig, 64, &s), ==, 0);
	json_object_set_new(root, "signature", json_string(s));
	OPENSSL_free(s);
	out = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(root);
	return out;
}

/* The officials' message built by hand from docs/formats.md and checked with OpenSSL alone. */
static void
check_doc_signature(const ippyo_entry *e, const char *type)
{
	size_t len;
	const char *b = (const char *)ippyo_entry_bytes(e, &len);
	GString *u = g_string_new_len(b, (gssize)len), *msg = g_string_new(NULL);
	const char *p = strstr(u->str, ",\"signature\":\""), *q;
	char *sig_b64;
	uint8_t sig[64], pk[32], l[4];
	const char *tag = "ippyo/v1/officials-signature";
	EVP_PKEY *key;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	const char *parts[3];
	size_t i, pl[3];

	g_assert_nonnull(p);
	q = strchr(p + 14, '"');
	g_assert_nonnull(q);
	sig_b64 = g_strndup(p + 14, (gsize)(q - p - 14));
	g_assert_cmpint(ippyo_b64url_decode_exact(sig_b64, sig, 64), ==, 0);
	g_string_erase(u, p - u->str, q + 1 - p);
	parts[0] = tag, pl[0] = strlen(tag);
	parts[1] = type, pl[1] = strlen(type);
	parts[2] = u->str, pl[2] = u->len;
	for (i = 0; i < 3; i++) {
		l[0] = (uint8_t)(pl[i] >> 24), l[1] = (uint8_t)(pl[i] >> 16);
		l[2] = (uint8_t)(pl[i] >> 8), l[3] = (uint8_t)pl[i];
		g_string_append_len(msg, (const char *)l, 4);
		g_string_append_len(msg, parts[i], (gssize)pl[i]);
	}
	officials_pk(pk);
	key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pk, 32);
	g_assert_nonnull(key);
	g_assert_true(EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) == 1);
	g_assert_true(EVP_DigestVerify(ctx, sig, 64, (const uint8_t *)msg->str, msg->len) == 1);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	g_free(sig_b64);
	g_string_free(u, TRUE);
	g_string_free(msg, TRUE);
}

/* Tampering checks shared by every officials-signed entry. */
static void
check_signed(const ippyo_entry *e, const char *field, json_t *other_value)
{
	uint8_t pk[32], pk2[32], sk2[32];
	ippyo_entry *t = NULL;
	char *s;

	officials_pk(pk);
	g_assert_cmpint(ippyo_entry_verify_officials(e, pk), ==, 0);
	g_assert_cmpint(ippyo_entry_verify_card(e), ==, IPPYO_ERR_ENTRY_TYPE);
	/* Another officials' key. */
	g_assert_cmpint(ippyo_ed25519_keygen(sk2, pk2), ==, 0);
	g_assert_cmpint(ippyo_entry_verify_officials(e, pk2), ==, IPPYO_ERR_BAD_OFFICIAL_SIGNATURE);
	/* A tampered signature. */
	s = flip_signature(e);
	g_assert_cmpint(parse_text(s, &t), ==, 0);
	g_assert_cmpint(ippyo_entry_verify_officials(t, pk), ==, IPPYO_ERR_BAD_OFFICIAL_SIGNATURE);
	ippyo_entry_free(t);
	t = NULL;
	free(s);
	/* A tampered field under the original signature. */
	s = mutate(e, field, other_value);
	g_assert_cmpint(parse_text(s, &t), ==, 0);
	g_assert_cmpint(ippyo_entry_verify_officials(t, pk), ==, IPPYO_ERR_BAD_OFFICIAL_SIGNATURE);
	ippyo_entry_free(t);
	t = NULL;
	free(s);
	/* No signature. */
	s = mutate(e, "signature", NULL);
	g_assert_cmpint(parse_text(s, &t), ==, IPPYO_ERR_JSON_SCHEMA);
	free(s);
	g_assert_null(t);
}

static void
test_manifest_entry(void)
{
	ippyo_manifest *m = fx_sealed("2027-tsukuba-mayor", two, 2), *draft = NULL;
	ippyo_entry *e = NULL, *e2;
	const uint8_t *eb, *mb;
	size_t elen, mlen;
	ippyo_manifest_spec spec;
	char *s;

	g_assert_cmpint(ippyo_entry_new_manifest(&e, m, fx_officials_sk), ==, 0);
	e2 = reparse(e);
	g_assert_cmpint(ippyo_entry_get_type(e2), ==, IPPYO_ENTRY_MANIFEST);
	g_assert_cmpstr(ippyo_entry_election_id(e2), ==, "2027-tsukuba-mayor");
	check_doc_signature(e2, "manifest");
	/* The manifest bytes are carried verbatim: the same h_E. */
	mb = ippyo_manifest_bytes(m, &mlen);
	eb = ippyo_entry_bytes(e2, &elen);
	g_assert_nonnull(g_strstr_len((const char *)eb, (gssize)elen, (const char *)mb));
	g_assert_cmpmem(ippyo_manifest_bytes(ippyo_entry_manifest(e2), &elen), elen, mb, mlen);
	{
		/* The manifest changed after signing (its title), still a valid sealed manifest. */
		json_t *mj = json_loadb((const char *)mb, mlen, 0, NULL);

		json_object_set_new(json_object_get(mj, "title"), "en", json_string("Another election"));
		check_signed(e2, "manifest", mj);
	}
	ippyo_entry_free(e2);

	/* A draft cannot be entry 0. */
	fx_spec(&spec, "2027-tsukuba-mayor", two, 2);
	g_assert_cmpint(ippyo_manifest_new_draft(&draft, &spec), ==, 0);
	g_assert_cmpint(ippyo_entry_new_manifest(&e2, draft, fx_officials_sk), ==,
	    IPPYO_ERR_BAD_MANIFEST);
	mb = ippyo_manifest_bytes(draft, &mlen);
	s = g_strdup_printf("{\"manifest\":%.*s,\"signature\":\"%s\",\"type\":\"manifest\",\"version\":1}",
	    (int)mlen, mb, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	g_assert_cmpint(parse_text(s, &e2), ==, IPPYO_ERR_BAD_MANIFEST);
	g_free(s);
	ippyo_manifest_free(draft);
	ippyo_entry_free(e);
	ippyo_manifest_free(m);
}

static void
test_close_entry(void)
{
	ippyo_entry *e = NULL, *e2, *t = NULL;
	uint64_t size;
	const char *time;
	char *s;

	g_assert_cmpint(ippyo_entry_new_close(&e, "2027-tsukuba-mayor", 12345,
	    "2027-04-25T11:00:00Z", fx_officials_sk), ==, 0);
	e2 = reparse(e);
	g_assert_cmpint(ippyo_entry_close(e2, &size, &time), ==, 0);
	g_assert_cmpuint(size, ==, 12345);
	g_assert_cmpstr(time, ==, "2027-04-25T11:00:00Z");
	check_doc_signature(e2, "close");
	g_assert_cmpstr(ippyo_entry_election_id(e2), ==, "2027-tsukuba-mayor");
	check_signed(e2, "log_size", json_integer(12346));
	check_signed(e2, "election_id", json_string("another-election"));
	/* Malformed. */
	s = mutate(e2, "time", json_string("2027-04-25 11:00:00"));
	g_assert_cmpint(parse_text(s, &t), ==, IPPYO_ERR_ENTRY_FORMAT);
	free(s);
	s = mutate(e2, "log_size", json_integer(0));
	g_assert_cmpint(parse_text(s, &t), ==, IPPYO_ERR_ENTRY_FORMAT);
	free(s);
	s = mutate(e2, "log_size", json_real(5.0));
	g_assert_cmpint(parse_text(s, &t), ==, IPPYO_ERR_JSON_SCHEMA);
	free(s);
	s = mutate(e2, "type", json_string("closed"));
	g_assert_cmpint(parse_text(s, &t), ==, IPPYO_ERR_ENTRY_TYPE);
	free(s);
	s = mutate(e2, "type", json_string("result"));
	g_assert_cmpint(parse_text(s, &t), ==, IPPYO_ERR_JSON_SCHEMA);
	free(s);
	s = mutate(e2, "version", json_integer(2));
	g_assert_cmpint(parse_text(s, &t), ==, IPPYO_ERR_BAD_VERSION);
	free(s);
	s = mutate(e2, "extra", json_null());
	g_assert_cmpint(parse_text(s, &t), ==, IPPYO_ERR_JSON_SCHEMA);
	free(s);
	s = mutate(e2, "election_id", json_string("Bad Id"));
	g_assert_cmpint(parse_text(s, &t), ==, IPPYO_ERR_ENTRY_FORMAT);
	free(s);
	g_assert_null(t);
	/* Accessors of other types refuse. */
	g_assert_null(ippyo_entry_manifest(e2));
	g_assert_null(ippyo_entry_voter(e2));
	g_assert_cmpint(ippyo_entry_ballot(e2, NULL, NULL, NULL, NULL, NULL, NULL), ==,
	    IPPYO_ERR_ENTRY_TYPE);
	ippyo_entry_free(e);
	ippyo_entry_free(e2);
}

static void
test_ceremony_decryption_result(void)
{
	static const uint8_t d1[] = "{\"round\":1,\"trustee\":1}", d2[] = "{\"round\":1,\"trustee\":2}";
	ippyo_entry_document docs[2] = {
		{ "round1-trustee-1.json", d1, sizeof(d1) - 1 },
		{ "round1-trustee-2.json", d2, sizeof(d2) - 1 },
	};
	ippyo_entry *e = NULL, *e2, *t = NULL;
	const char *name;
	const uint8_t *data;
	size_t len, nc;
	uint64_t t0[3] = { 5, 3, 0 }, t1[2] = { 1, 7 }, close_index, counted, v;
	const uint64_t *totals[2] = { t0, t1 };
	size_t n_options[2] = { 3, 2 };
	char *s;

	/* ceremony */
	g_assert_cmpint(ippyo_entry_new_ceremony(&e, "e1", docs, 2, fx_officials_sk), ==, 0);
	e2 = reparse(e);
	g_assert_cmpuint(ippyo_entry_documents(e2), ==, 2);
	g_assert_cmpint(ippyo_entry_get_document(e2, 1, &name, &data, &len), ==, 0);
	g_assert_cmpstr(name, ==, "round1-trustee-2.json");
	g_assert_cmpmem(data, len, d2, sizeof(d2) - 1);
	g_assert_cmpint(ippyo_entry_get_document(e2, 2, &name, &data, &len), ==, IPPYO_ERR_NOT_FOUND);
	check_signed(e2, "election_id", json_string("e2"));
	docs[0].name = "../etc/passwd";
	g_assert_cmpint(ippyo_entry_new_ceremony(&t, "e1", docs, 2, fx_officials_sk), ==,
	    IPPYO_ERR_ENTRY_FORMAT);
	ippyo_entry_free(e);
	ippyo_entry_free(e2);
	e = NULL;

	/* decryption */
	g_assert_cmpint(ippyo_entry_new_decryption(&e, "e1", 4, d1, sizeof(d1) - 1,
	    fx_officials_sk), ==, 0);
	e2 = reparse(e);
	g_assert_cmpuint(ippyo_entry_trustee(e2), ==, 4);
	g_assert_cmpint(ippyo_entry_get_document(e2, 0, NULL, &data, &len), ==, 0);
	g_assert_cmpmem(data, len, d1, sizeof(d1) - 1);
	check_signed(e2, "trustee", json_integer(3));
	check_doc_signature(e2, "decryption");
	s = mutate(e2, "trustee", json_integer(0));
	g_assert_cmpint(parse_text(s, &t), ==, IPPYO_ERR_BAD_THRESHOLD);
	free(s);
	s = mutate(e2, "document", json_string("not base64!"));
	g_assert_cmpint(parse_text(s, &t), ==, IPPYO_ERR_BAD_ENCODING);
	free(s);
	ippyo_entry_free(e);
	ippyo_entry_free(e2);
	e = NULL;

	/* result */
	g_assert_cmpint(ippyo_entry_new_result(&e, "e1", 9001, 8, 2, n_options, totals,
	    fx_officials_sk), ==, 0);
	e2 = reparse(e);
	g_assert_cmpint(ippyo_entry_result(e2, &close_index, &counted, &nc), ==, 0);
	g_assert_cmpuint(close_index, ==, 9001);
	g_assert_cmpuint(counted, ==, 8);
	g_assert_cmpuint(nc, ==, 2);
	g_assert_cmpuint(ippyo_entry_result_options(e2, 0), ==, 3);
	g_assert_cmpint(ippyo_entry_result_total(e2, 1, 1, &v), ==, 0);
	g_assert_cmpuint(v, ==, 7);
	g_assert_cmpint(ippyo_entry_result_total(e2, 1, 2, &v), ==, IPPYO_ERR_NOT_FOUND);
	check_signed(e2, "totals", json_pack("[[i,i,i],[i,i]]", 5, 3, 0, 2, 7));
	/* A total above the number of counted ballots. */
	s = mutate(e2, "totals", json_pack("[[i,i,i],[i,i]]", 5, 3, 0, 1, 9));
	g_assert_cmpint(parse_text(s, &t), ==, IPPYO_ERR_ENTRY_FORMAT);
	free(s);
	s = mutate(e2, "totals", json_pack("[[i,i,i],[i,i,s]]", 5, 3, 0, 1, 2, "x"));
	g_assert_cmpint(parse_text(s, &t), ==, IPPYO_ERR_JSON_SCHEMA);
	free(s);
	g_assert_null(t);
	ippyo_entry_free(e);
	ippyo_entry_free(e2);
}

static void
test_ballot_entry(void)
{
	ippyo_manifest *m = fx_sealed("2027-tsukuba-mayor", two, 2);
	ippyo_election_key *key = fx_key(m);
	ippyo_choices *ch = fx_random_choices(m);
	ippyo_ballot *b, *b2 = NULL, *other;
	ippyo_entry *e = NULL, *e2, *t = NULL;
	void *card, *card2;
	uint8_t *der, *der2, *sig, *sig2, seed[32], voter[32], fp[32], *bad_der;
	size_t der_len, der2_len, sig_len, sig2_len, blen, eblen, clen, slen;
	const uint8_t *bb, *eb, *entry_ballot, *cert, *csig;
	char *s;
	uint8_t pk[32];

	fx_card(&card, &der, &der_len);
	g_assert_cmpint(ippyo_cert_der_fingerprint(der, der_len, voter), ==, 0);
	g_assert_cmpint(ippyo_sha256(der, der_len, fp), ==, 0);
	g_assert_cmpmem(voter, 32, fp, 32);
	g_assert_true(RAND_bytes(seed, 32) == 1);
	b = ippyo_ballot_build(&b2, m, key, ch, seed, voter) == 0 ? b2 : NULL;
	g_assert_nonnull(b);
	b2 = NULL;
	bb = ippyo_ballot_bytes(b, &blen);
	fx_card_sign(card, bb, blen, &sig, &sig_len);
	g_assert_cmpint(ippyo_card_signature_verify(der, der_len, bb, blen, sig, sig_len), ==, 0);

	g_assert_cmpint(ippyo_entry_new_ballot(&e, bb, blen, der, der_len, sig, sig_len), ==, 0);
	e2 = reparse(e);
	g_assert_cmpint(ippyo_entry_get_type(e2), ==, IPPYO_ENTRY_BALLOT);
	g_assert_cmpstr(ippyo_entry_election_id(e2), ==, "2027-tsukuba-mayor");
	g_assert_cmpint(ippyo_entry_ballot(e2, &entry_ballot, &eblen, &cert, &clen, &csig, &slen), ==, 0);
	/* Exactly the signed bytes, verbatim inside the entry. */
	g_assert_cmpmem(entry_ballot, eblen, bb, blen);
	g_assert_cmpmem(cert, clen, der, der_len);
	g_assert_cmpmem(csig, slen, sig, sig_len);
	eb = ippyo_entry_bytes(e2, &clen);
	g_assert_nonnull(g_strstr_len((const char *)eb, (gssize)clen, (const char *)bb));
	g_assert_cmpmem(ippyo_entry_voter(e2), 32, voter, 32);
	g_assert_cmpint(ippyo_entry_verify_card(e2), ==, 0);
	officials_pk(pk);
	g_assert_cmpint(ippyo_entry_verify_officials(e2, pk), ==, IPPYO_ERR_ENTRY_TYPE);
	/* The full path of a chain server: entry → ballot → proofs with the certificate's binding. */
	g_assert_cmpint(ippyo_ballot_parse(&b2, m, entry_ballot, eblen), ==, 0);
	g_assert_cmpint(ippyo_ballot_verify(b2, m, key, ippyo_entry_voter(e2)), ==, 0);
	/* The server's path: the ballot from the JSON the entry parsed, the same ballot. */
	{
		ippyo_ballot *b3 = NULL;
		const uint8_t *x, *y;
		size_t xl, yl;

		g_assert_nonnull(ippyo_entry_certificate(e2));
		x = ippyo_cert_der(ippyo_entry_certificate(e2), &xl);
		g_assert_cmpmem(x, xl, der, der_len);
		g_assert_cmpint(ippyo_entry_parse_ballot(e2, m, &b3), ==, 0);
		x = ippyo_ballot_bytes(b2, &xl);
		y = ippyo_ballot_bytes(b3, &yl);
		g_assert_cmpmem(x, xl, y, yl);
		g_assert_cmpmem(ippyo_ballot_tracking_code(b2), IPPYO_TRACKING_CODE_BYTES,
		    ippyo_ballot_tracking_code(b3), IPPYO_TRACKING_CODE_BYTES);
		g_assert_cmpint(ippyo_ballot_verify(b3, m, key, ippyo_entry_voter(e2)), ==, 0);
		ippyo_ballot_free(b3);
		/* The builder's entry is parsed the same way. */
		g_assert_nonnull(ippyo_entry_certificate(e));
	}
	ippyo_ballot_free(b2);

	/* A tampered card signature. */
	sig[sig_len / 2] ^= 0x10;
	g_assert_cmpint(ippyo_entry_new_ballot(&t, bb, blen, der, der_len, sig, sig_len), ==, 0);
	g_assert_cmpint(ippyo_entry_verify_card(t), ==, IPPYO_ERR_CARD_SIGNATURE);
	ippyo_entry_free(t);
	t = NULL;
	sig[sig_len / 2] ^= 0x10;
	/* The signature of another ballot by the same card. */
	g_assert_true(RAND_bytes(seed, 32) == 1);
	g_assert_cmpint(ippyo_ballot_build(&other, m, key, ch, seed, voter), ==, 0);
	{
		size_t olen;
		const uint8_t *ob = ippyo_ballot_bytes(other, &olen);

		g_assert_cmpint(ippyo_entry_new_ballot(&t, ob, olen, der, der_len, sig, sig_len), ==, 0);
		g_assert_cmpint(ippyo_entry_verify_card(t), ==, IPPYO_ERR_CARD_SIGNATURE);
		ippyo_entry_free(t);
		t = NULL;
	}
	/* Another card's signature over the same bytes, with the first card's certificate. */
	fx_card(&card2, &der2, &der2_len);
	fx_card_sign(card2, bb, blen, &sig2, &sig2_len);
	g_assert_cmpint(ippyo_entry_new_ballot(&t, bb, blen, der, der_len, sig2, sig2_len), ==, 0);
	g_assert_cmpint(ippyo_entry_verify_card(t), ==, IPPYO_ERR_CARD_SIGNATURE);
	ippyo_entry_free(t);
	t = NULL;
	/* Its own certificate: the signature verifies but the proofs name the first voter. */
	g_assert_cmpint(ippyo_entry_new_ballot(&t, bb, blen, der2, der2_len, sig2, sig2_len), ==, 0);
	g_assert_cmpint(ippyo_entry_verify_card(t), ==, 0);
	g_assert_cmpint(ippyo_ballot_parse(&b2, m, bb, blen), ==, 0);
	g_assert_cmpint(ippyo_ballot_verify(b2, m, key, ippyo_entry_voter(t)), ==, IPPYO_ERR_WRONG_VOTER);
	ippyo_ballot_free(b2);
	ippyo_entry_free(t);
	t = NULL;
	/* A truncated signature. */
	g_assert_cmpint(ippyo_card_signature_verify(der, der_len, bb, blen, sig, sig_len - 1), ==,
	    IPPYO_ERR_CARD_SIGNATURE);
	/* A certificate with a trailing byte. */
	bad_der = g_malloc(der_len + 1);
	memcpy(bad_der, der, der_len);
	bad_der[der_len] = 0;
	g_assert_cmpint(ippyo_cert_der_fingerprint(bad_der, der_len + 1, fp), ==, IPPYO_ERR_CERT_FORMAT);
	g_assert_cmpint(ippyo_entry_new_ballot(&t, bb, blen, bad_der, der_len + 1, sig, sig_len), ==,
	    IPPYO_ERR_CERT_FORMAT);
	g_assert_cmpint(ippyo_card_signature_verify(bad_der, der_len + 1, bb, blen, sig, sig_len), ==,
	    IPPYO_ERR_CERT_FORMAT);
	g_free(bad_der);
	/* A ballot that is not canonical JSON cannot be wrapped. */
	s = g_strdup_printf(" %s", (const char *)bb);
	g_assert_cmpint(ippyo_entry_new_ballot(&t, (const uint8_t *)s, strlen(s), der, der_len, sig,
	    sig_len), ==, IPPYO_ERR_NOT_CANONICAL);
	g_free(s);
	/* An entry over the size limit. */
	{
		GString *big = g_string_new("{\"ballot\":{\"election_id\":\"e\",\"x\":\"");
		size_t i;

		for (i = 0; i < IPPYO_ENTRY_MAX_BYTES; i++)
			g_string_append_c(big, 'a');
		g_string_append(big, "\"},\"certificate\":\"AA\",\"signature\":\"AA\",\"type\":\"ballot\",\"version\":1}");
		g_assert_cmpint(parse_text(big->str, &t), ==, IPPYO_ERR_LIMIT);
		g_string_free(big, TRUE);
	}
	g_assert_null(t);

	ippyo_entry_free(e);
	ippyo_entry_free(e2);
	ippyo_ballot_free(b);
	ippyo_ballot_free(other);
	ippyo_choices_free(ch);
	ippyo_election_key_free(key);
	ippyo_manifest_free(m);
	fx_card_free(card);
	fx_card_free(card2);
	g_free(der);
	g_free(der2);
	g_free(sig);
	g_free(sig2);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ippyo/entry/ed25519", test_ed25519);
	g_test_add_func("/ippyo/entry/manifest", test_manifest_entry);
	g_test_add_func("/ippyo/entry/close", test_close_entry);
	g_test_add_func("/ippyo/entry/ceremony-decryption-result", test_ceremony_decryption_result);
	g_test_add_func("/ippyo/entry/ballot", test_ballot_entry);
	return g_test_run();
}
