/* Test fixtures of the election suite. */
#include "fixture.h"

#include <glib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "crypto/hash.h"
#include "election/signature.h"
#include "error.h"

const uint8_t fx_officials_sk[32] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
};

ippyo_scalar *
fx_election_scalar(void)
{
	static const char label[] = "ippyo test election key";
	uint8_t wide[64];
	ippyo_scalar *k = ippyo_scalar_new();
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int wl = 0;

	g_assert_nonnull(k);
	g_assert_true(EVP_DigestInit_ex(ctx, EVP_sha512(), NULL) == 1);
	g_assert_true(EVP_DigestUpdate(ctx, label, strlen(label)) == 1);
	g_assert_true(EVP_DigestFinal_ex(ctx, wide, &wl) == 1);
	EVP_MD_CTX_free(ctx);
	g_assert_cmpint(ippyo_scalar_from_wide(k, wide, sizeof(wide)), ==, 0);
	return k;
}

#define MAXC 10
#define MAXO 16
static char ids_c[MAXC][8], ids_o[MAXC][MAXO][8];
static ippyo_manifest_contest_spec cs[MAXC];
static ippyo_manifest_option_spec os[MAXC][MAXO];
static uint8_t ca[2][32];

void
fx_spec(ippyo_manifest_spec *s, const char *election_id, const fx_contest *contests, size_t n)
{
	size_t c, o;

	g_assert_cmpuint(n, <=, MAXC);
	memset(s, 0, sizeof(*s));
	s->election_id = election_id;
	s->title_ja = "2027年つくば市長選挙";
	s->title_en = "Tsukuba mayoral election 2027";
	s->chain_origin = "vote.example.jp/2027-tsukuba-mayor";
	s->chain_url = "https://vote.example.jp/2027-tsukuba-mayor/";
	s->chain_vkey = "vote.example.jp/2027-tsukuba-mayor+0a1b2c3d+"
	    "AR8ksmsXsDRmT3Ja6DwaLpQPc9f40Pea2uxvDvxbkVVY";
	s->poll_opens = "2027-04-18T22:00:00Z";
	s->poll_closes = "2027-04-25T11:00:00Z";
	for (c = 0; c < n; c++) {
		g_assert_cmpuint(contests[c].n_options, <=, MAXO);
		g_snprintf(ids_c[c], sizeof(ids_c[c]), "c%zu", c);
		cs[c].id = ids_c[c];
		cs[c].title_ja = "市長";
		cs[c].title_en = "Mayor";
		cs[c].min = contests[c].min;
		cs[c].max = contests[c].max;
		cs[c].n_options = contests[c].n_options;
		cs[c].options = os[c];
		for (o = 0; o < contests[c].n_options; o++) {
			g_snprintf(ids_o[c][o], sizeof(ids_o[c][o]), "o%zu", o);
			os[c][o].id = ids_o[c][o];
			os[c][o].title_ja = "候補者";
			os[c][o].title_en = "Candidate \"quoted\" \\ ok";
		}
	}
	s->n_contests = n;
	s->contests = cs;
	s->trustees_n = 3;
	s->trustees_t = 2;
	g_assert_cmpint(ippyo_ed25519_public(fx_officials_sk, s->officials_key), ==, 0);
	memset(s->roll_hash, 0xab, sizeof(s->roll_hash));
	s->roll_count = 1000;
	memset(ca[0], 0x11, 32);
	memset(ca[1], 0x22, 32);
	s->n_jpki_ca = 2;
	s->jpki_ca = (const uint8_t (*)[32])ca;
}

ippyo_manifest *
fx_sealed(const char *election_id, const fx_contest *contests, size_t n)
{
	ippyo_manifest_spec s;
	ippyo_manifest *draft = NULL, *sealed = NULL;
	ippyo_scalar *k = fx_election_scalar(), *ti = ippyo_scalar_new();
	ippyo_point *kp = ippyo_point_new(), *tk[3];
	uint8_t ceremony_hash[32];
	size_t i;

	fx_spec(&s, election_id, contests, n);
	g_assert_cmpint(ippyo_manifest_new_draft(&draft, &s), ==, 0);
	g_assert_cmpint(ippyo_point_mul_gen(kp, k), ==, 0);
	for (i = 0; i < 3; i++) {
		tk[i] = ippyo_point_new();
		g_assert_cmpint(ippyo_scalar_set_u64(ti, 1000 + i), ==, 0);
		g_assert_cmpint(ippyo_point_mul_gen(tk[i], ti), ==, 0);
	}
	memset(ceremony_hash, 0xce, sizeof(ceremony_hash));
	g_assert_cmpint(ippyo_manifest_seal(&sealed, draft, kp, (const ippyo_point *const *)tk, 3,
	    ceremony_hash), ==, 0);
	for (i = 0; i < 3; i++)
		ippyo_point_free(tk[i]);
	ippyo_point_free(kp);
	ippyo_scalar_free(k);
	ippyo_scalar_free(ti);
	ippyo_manifest_free(draft);
	return sealed;
}

ippyo_election_key *
fx_key(const ippyo_manifest *m)
{
	ippyo_election_key *key = NULL;

	g_assert_cmpint(ippyo_manifest_election_key(m, &key), ==, 0);
	return key;
}

ippyo_choices *
fx_random_choices(const ippyo_manifest *m)
{
	ippyo_choices *ch = ippyo_choices_new(m);
	size_t c, o, n, want, i;

	g_assert_nonnull(ch);
	for (c = 0; c < ippyo_manifest_contests(m); c++) {
		n = ippyo_manifest_options(m, c);
		want = (size_t)g_random_int_range((gint32)ippyo_manifest_contest_min(m, c),
		    (gint32)ippyo_manifest_contest_max(m, c) + 1);
		for (i = 0; i < want;) {
			o = (size_t)g_random_int_range(0, (gint32)n);
			if (ippyo_choices_get(ch, c, o))
				continue;
			g_assert_cmpint(ippyo_choices_set(ch, c, o, 1), ==, 0);
			i++;
		}
	}
	return ch;
}

void
fx_card(void **pkey_out, uint8_t **der, size_t *der_len)
{
	EVP_PKEY *pkey = EVP_RSA_gen(2048);
	X509 *x = X509_new();
	X509_NAME *name;
	unsigned char *p = NULL;
	int len;

	g_assert_nonnull(pkey);
	g_assert_nonnull(x);
	g_assert_true(X509_set_version(x, 2) == 1);
	g_assert_true(ASN1_INTEGER_set(X509_get_serialNumber(x), g_random_int_range(1, 1 << 30)) == 1);
	g_assert_nonnull(X509_gmtime_adj(X509_getm_notBefore(x), 0));
	g_assert_nonnull(X509_gmtime_adj(X509_getm_notAfter(x), 3600));
	g_assert_true(X509_set_pubkey(x, pkey) == 1);
	name = X509_get_subject_name(x);
	g_assert_true(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"ippyo test voter", -1, -1, 0) == 1);
	g_assert_true(X509_set_issuer_name(x, name) == 1);
	g_assert_true(X509_sign(x, pkey, EVP_sha256()) > 0);
	len = i2d_X509(x, &p);
	g_assert_cmpint(len, >, 0);
	*der = g_memdup2(p, (gsize)len);
	*der_len = (size_t)len;
	OPENSSL_free(p);
	X509_free(x);
	*pkey_out = pkey;
}

void
fx_card_sign(void *pkey, const uint8_t *msg, size_t len, uint8_t **sig, size_t *sig_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	size_t sl = 0;

	g_assert_true(EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), NULL, pkey) == 1);
	g_assert_true(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1);
	g_assert_true(EVP_DigestSign(ctx, NULL, &sl, msg, len) == 1);
	*sig = g_malloc(sl);
	g_assert_true(EVP_DigestSign(ctx, *sig, &sl, msg, len) == 1);
	*sig_len = sl;
	EVP_MD_CTX_free(ctx);
}

void
fx_card_free(void *pkey)
{
	EVP_PKEY_free(pkey);
}

char *
fx_read_source(const char *rel, size_t *len)
{
	const char *top = g_getenv("IPPYO_SOURCE_DIR");
	char *path, *data = NULL;
	gsize l = 0;
	GError *err = NULL;

	g_assert_nonnull(top);
	path = g_build_filename(top, rel, NULL);
	if (!g_file_get_contents(path, &data, &l, &err)) {
		g_test_message("cannot read %s: %s", path, err->message);
		g_error_free(err);
		g_free(path);
		*len = 0;
		return NULL;
	}
	g_free(path);
	*len = l;
	return data;
}
