/*
 * X.509 helpers (common/card/cert.h) on the test JPKI of make-test-pki
 * ($IPPYO_PKI_TEMPLATE): parsing, description, time, chain, CRL.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <time.h>

#include "card/cert.h"
#include "encoding.h"
#include "error.h"

static const char *pki;

static char *
pki_path(const char *a, const char *b, const char *c)
{
	return g_build_filename(pki, a, b, c, NULL);
}

static ippyo_cert *
load(const char *a, const char *b, const char *c)
{
	char *path = pki_path(a, b, c);
	ippyo_cert *cert = NULL;

	g_assert_cmpint(ippyo_cert_load_file(path, &cert), ==, 0);
	g_free(path);
	return cert;
}

static ippyo_crl *
load_crl(void)
{
	char *path = pki_path("ca", "auth.crl", NULL);
	ippyo_crl *crl = NULL;

	g_assert_cmpint(ippyo_crl_load_file(path, &crl), ==, 0);
	g_free(path);
	return crl;
}

/* Runs openssl(1) and returns its trimmed output: an independent reference. */
static char *
openssl_out(const char *const *argv)
{
	char *out = NULL;
	int status = -1;

	g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH |
	    G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status, NULL));
	g_assert_true(g_spawn_check_wait_status(status, NULL));
	return g_strstrip(out);
}

static void
test_describe(void)
{
	ippyo_cert *c = load("cards", "voter-001", "auth.crt");
	char *path = pki_path("cards", "voter-001", "auth.crt");
	const char *fp_argv[] = { "openssl", "x509", "-in", path, "-noout", "-fingerprint",
	    "-sha256", NULL };
	const char *serial_argv[] = { "openssl", "x509", "-in", path, "-noout", "-serial", NULL };
	const char *subj_argv[] = { "openssl", "x509", "-in", path, "-noout", "-subject",
	    "-nameopt", "RFC2253", NULL };
	uint8_t fp[IPPYO_CERT_FINGERPRINT_BYTES];
	char *hex = NULL, *ref, *want, *subject = NULL, *serial = NULL, *issuer = NULL;
	int64_t nb, na;

	/* Fingerprint: SHA-256 of the DER, as openssl computes it. */
	g_assert_cmpint(ippyo_cert_fingerprint(c, fp), ==, 0);
	g_assert_cmpint(ippyo_hex_encode(fp, sizeof(fp), &hex), ==, 0);
	ref = openssl_out(fp_argv);
	want = g_strdup(strchr(ref, '=') + 1);
	{
		GString *s = g_string_new(NULL);
		const char *p;

		for (p = want; *p; p++)
			if (*p != ':')
				g_string_append_c(s, g_ascii_tolower(*p));
		g_assert_cmpstr(hex, ==, s->str);
		g_string_free(s, TRUE);
	}
	g_free(ref);
	g_free(want);
	/* Serial number: lower-case hex, no leading zero bytes. */
	g_assert_cmpint(ippyo_cert_serial_hex(c, &serial), ==, 0);
	ref = openssl_out(serial_argv);
	want = g_ascii_strdown(strchr(ref, '=') + 1, -1);
	while (want[0] == '0' && want[1] == '0')
		memmove(want, want + 2, strlen(want + 2) + 1);
	g_assert_cmpstr(serial, ==, want);
	g_free(ref);
	g_free(want);
	/* Subject: C=JP and an opaque CN only (JPKI auth certificates). */
	g_assert_cmpint(ippyo_cert_subject(c, &subject), ==, 0);
	ref = openssl_out(subj_argv);
	g_assert_cmpstr(subject, ==, ref + strlen("subject="));
	g_assert_true(g_str_has_prefix(subject, "CN="));
	g_assert_true(g_str_has_suffix(subject, ",C=JP"));
	g_free(ref);
	g_assert_cmpint(ippyo_cert_issuer(c, &issuer), ==, 0);
	g_assert_nonnull(strstr(issuer, "OU=JPKI for user authentication"));
	/* Validity: five years, RSA-2048. */
	g_assert_cmpint(ippyo_cert_validity(c, &nb, &na), ==, 0);
	g_assert_cmpint(na - nb, >, 4 * 365 * 86400);
	g_assert_cmpint(ippyo_cert_check_time(c, nb), ==, 0);
	g_assert_cmpint(ippyo_cert_check_time(c, na), ==, 0);
	g_assert_cmpint(ippyo_cert_check_time(c, nb - 1), ==, IPPYO_ERR_CERT_NOT_YET_VALID);
	g_assert_cmpint(ippyo_cert_check_time(c, na + 1), ==, IPPYO_ERR_CERT_EXPIRED);
	free(hex);
	free(subject);
	free(serial);
	free(issuer);
	g_free(path);
	ippyo_cert_free(c);
}

static void
test_parse_strict(void)
{
	char *path = pki_path("cards", "voter-001", "auth.crt"), *pem = NULL, *two, *junk;
	const uint8_t *der;
	uint8_t *longer;
	size_t der_len, pem_len;
	ippyo_cert *c = NULL, *d = NULL;

	g_assert_true(g_file_get_contents(path, &pem, &pem_len, NULL));
	g_assert_cmpint(ippyo_cert_parse_pem(pem, pem_len, &c), ==, 0);
	der = ippyo_cert_der(c, &der_len);
	g_assert_cmpuint(der_len, >, 256);
	/* DER round trip. */
	g_assert_cmpint(ippyo_cert_parse_der(der, der_len, &d), ==, 0);
	ippyo_cert_free(d);
	d = NULL;
	/* Trailing bytes after the DER. */
	longer = g_malloc(der_len + 1);
	memcpy(longer, der, der_len);
	longer[der_len] = 0;
	g_assert_cmpint(ippyo_cert_parse_der(longer, der_len + 1, &d), ==, IPPYO_ERR_TRAILING);
	/* Truncated DER. */
	g_assert_cmpint(ippyo_cert_parse_der(der, der_len - 1, &d), ==, IPPYO_ERR_CERT_FORMAT);
	g_assert_cmpint(ippyo_cert_parse_der(der, 0, &d), ==, IPPYO_ERR_CERT_FORMAT);
	g_assert_null(d);
	/* Two PEM certificates where one is expected. */
	two = g_strconcat(pem, pem, NULL);
	g_assert_cmpint(ippyo_cert_parse_pem(two, strlen(two), &d), ==, IPPYO_ERR_TRAILING);
	/* Text before the PEM block. */
	junk = g_strconcat("hello\n", pem, NULL);
	g_assert_cmpint(ippyo_cert_parse_pem(junk, strlen(junk), &d), ==, IPPYO_ERR_CERT_FORMAT);
	/* A private key is not a certificate. */
	{
		char *kpath = pki_path("cards", "voter-001", "auth.key");

		g_assert_cmpint(ippyo_cert_load_file(kpath, &d), ==, IPPYO_ERR_CERT_FORMAT);
		g_free(kpath);
	}
	g_assert_null(d);
	g_assert_cmpint(ippyo_cert_load_file("/nonexistent", &d), ==, IPPYO_ERR_IO);
	g_free(two);
	g_free(junk);
	g_free(longer);
	g_free(pem);
	g_free(path);
	ippyo_cert_free(c);
}

static void
test_chain(void)
{
	ippyo_cert *ca = load("ca", "auth-ca.crt", NULL);
	ippyo_cert *sign_ca = load("ca", "sign-ca.crt", NULL);
	ippyo_cert *good = load("cards", "voter-001", "auth.crt");
	ippyo_cert *revoked = load("cards", "revoked", "auth.crt");
	ippyo_cert *expired = load("cards", "expired", "auth.crt");
	ippyo_cert *foreign = load("cards", "foreign", "auth.crt");
	ippyo_crl *crl = load_crl();
	const ippyo_cert *cas[] = { ca };
	const ippyo_cert *wrong[] = { sign_ca };
	int64_t now = (int64_t)time(NULL), nb, na;

	g_assert_cmpint(ippyo_cert_verify_chain(good, cas, 1, crl, now), ==, 0);
	g_assert_cmpint(ippyo_cert_verify_chain(good, cas, 1, NULL, now), ==, 0);
	/* The signature CA does not vouch for auth certificates. */
	g_assert_cmpint(ippyo_cert_verify_chain(good, wrong, 1, NULL, now), ==,
	    IPPYO_ERR_CERT_UNTRUSTED);
	g_assert_cmpint(ippyo_cert_verify_chain(good, cas, 0, NULL, now), ==,
	    IPPYO_ERR_CERT_UNTRUSTED);
	/* Revoked: only the CRL tells. */
	g_assert_cmpint(ippyo_cert_verify_chain(revoked, cas, 1, crl, now), ==,
	    IPPYO_ERR_CERT_REVOKED);
	g_assert_cmpint(ippyo_cert_verify_chain(revoked, cas, 1, NULL, now), ==, 0);
	g_assert_cmpint(ippyo_cert_verify_chain(expired, cas, 1, NULL, now), ==,
	    IPPYO_ERR_CERT_EXPIRED);
	g_assert_cmpint(ippyo_cert_check_time(expired, now), ==, IPPYO_ERR_CERT_EXPIRED);
	g_assert_cmpint(ippyo_cert_verify_chain(foreign, cas, 1, crl, now), ==,
	    IPPYO_ERR_CERT_UNTRUSTED);
	/* At a time before the certificate: not yet valid. */
	g_assert_cmpint(ippyo_cert_validity(good, &nb, &na), ==, 0);
	g_assert_cmpint(ippyo_cert_verify_chain(good, cas, 1, NULL, nb - 3600), ==,
	    IPPYO_ERR_CERT_NOT_YET_VALID);
	/* A CRL of another CA (the signature CA's) cannot vouch for the leaf. */
	{
		char *path = pki_path("ca", "sign.crl", NULL);
		ippyo_crl *other = NULL;

		g_assert_cmpint(ippyo_crl_load_file(path, &other), ==, 0);
		g_assert_cmpint(ippyo_cert_verify_chain(good, cas, 1, other, now), ==,
		    IPPYO_ERR_CRL_INVALID);
		ippyo_crl_free(other);
		g_free(path);
	}
	/* After its nextUpdate the CRL is stale; before its thisUpdate, not yet valid. */
	{
		int64_t tu, nu;

		g_assert_cmpint(ippyo_crl_validity(crl, &tu, &nu), ==, 0);
		g_assert_cmpint(nu, >, tu);
		g_assert_cmpint(ippyo_cert_verify_chain(good, cas, 1, crl, tu - 1), ==,
		    tu - 1 < nb ? IPPYO_ERR_CERT_NOT_YET_VALID : IPPYO_ERR_CRL_INVALID);
		if (nu + 1 < na)
			g_assert_cmpint(ippyo_cert_verify_chain(good, cas, 1, crl, nu + 1), ==,
			    IPPYO_ERR_CRL_INVALID);
		else
			g_assert_cmpint(ippyo_cert_verify_chain(good, cas, 1, crl, nu + 1), ==,
			    IPPYO_ERR_CERT_EXPIRED);
	}
	ippyo_crl_free(crl);
	ippyo_cert_free(ca);
	ippyo_cert_free(sign_ca);
	ippyo_cert_free(good);
	ippyo_cert_free(revoked);
	ippyo_cert_free(expired);
	ippyo_cert_free(foreign);
}

static void
test_signature(void)
{
	ippyo_cert *c = load("cards", "voter-001", "auth.crt");
	ippyo_cert *other = load("cards", "voter-002", "auth.crt");
	char *key = pki_path("cards", "voter-001", "auth.key");
	char *dir = g_dir_make_tmp("ippyo-cert-XXXXXX", NULL);
	char *data_path = g_build_filename(dir, "data", NULL);
	char *sig_path = g_build_filename(dir, "sig", NULL);
	const char *argv[] = { "openssl", "dgst", "-sha256", "-sign", key, "-out", sig_path,
	    data_path, NULL };
	static const char data[] = "ballot bytes";
	char *sig = NULL, *out;
	gsize sig_len = 0;

	g_assert_true(g_file_set_contents(data_path, data, sizeof(data) - 1, NULL));
	out = openssl_out(argv);
	g_free(out);
	g_assert_true(g_file_get_contents(sig_path, &sig, &sig_len, NULL));
	g_assert_cmpuint(sig_len, ==, 256);
	g_assert_cmpint(ippyo_cert_verify_sha256_rsa(c, (const uint8_t *)data, sizeof(data) - 1,
	    (uint8_t *)sig, sig_len), ==, 0);
	g_assert_cmpint(ippyo_cert_verify_sha256_rsa(other, (const uint8_t *)data,
	    sizeof(data) - 1, (uint8_t *)sig, sig_len), ==, IPPYO_ERR_CARD_SIGNATURE);
	g_assert_cmpint(ippyo_cert_verify_sha256_rsa(c, (const uint8_t *)data, sizeof(data) - 1,
	    (uint8_t *)sig, sig_len - 1), ==, IPPYO_ERR_CARD_SIGNATURE);
	sig[10] ^= 1;
	g_assert_cmpint(ippyo_cert_verify_sha256_rsa(c, (const uint8_t *)data, sizeof(data) - 1,
	    (uint8_t *)sig, sig_len), ==, IPPYO_ERR_CARD_SIGNATURE);
	g_unlink(data_path);
	g_unlink(sig_path);
	g_rmdir(dir);
	g_free(sig);
	g_free(key);
	g_free(dir);
	g_free(data_path);
	g_free(sig_path);
	ippyo_cert_free(c);
	ippyo_cert_free(other);
}

/*
 * Issues, with openssl(1), a certificate for voter-001's key from the auth CA
 * with the given extensions (an openssl config section), and loads it.
 */
static ippyo_cert *
issue(const char *dir, const char *name, const char *extensions)
{
	char *cnf = g_build_filename(dir, "ext.cnf", NULL);
	char *csr = g_build_filename(dir, "req.csr", NULL);
	char *crt = g_strdup_printf("%s/%s.crt", dir, name);
	char *key = pki_path("cards", "voter-001", "auth.key");
	char *ca = pki_path("ca", "auth-ca.crt", NULL), *ca_key = pki_path("ca", "auth-ca.key", NULL);
	char *ext = g_strdup_printf("[card]\n%s\n", extensions);
	const char *req_argv[] = { "openssl", "req", "-new", "-key", key, "-subj",
	    "/C=JP/CN=usage-test", "-out", csr, NULL };
	const char *x509_argv[] = { "openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey",
	    ca_key, "-set_serial", "4242", "-days", "30", "-extfile", cnf, "-extensions", "card",
	    "-out", crt, NULL };
	ippyo_cert *c = NULL;

	g_assert_true(g_file_set_contents(cnf, ext, -1, NULL));
	g_free(openssl_out(req_argv));
	g_free(openssl_out(x509_argv));
	g_assert_cmpint(ippyo_cert_load_file(crt, &c), ==, 0);
	g_unlink(cnf);
	g_unlink(csr);
	g_unlink(crt);
	g_free(cnf);
	g_free(csr);
	g_free(crt);
	g_free(key);
	g_free(ca);
	g_free(ca_key);
	g_free(ext);
	return c;
}

/* A card certificate that cannot sign, or that is a CA, does not chain. */
static void
test_leaf_usage(void)
{
	char *dir = g_dir_make_tmp("ippyo-cert-XXXXXX", NULL);
	ippyo_cert *ca = load("ca", "auth-ca.crt", NULL);
	const ippyo_cert *cas[] = { ca };
	static const struct {
		const char *name, *ext;
		int want;
	} cases[] = {
		/* the test PKI's profile (docs/card.md): accepted */
		{ "auth", "keyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth", 0 },
		{ "no-key-usage", "subjectKeyIdentifier=hash", 0 },
		{ "cert-sign", "keyUsage=critical,keyCertSign", IPPYO_ERR_CERT_UNTRUSTED },
		{ "non-repudiation", "keyUsage=critical,nonRepudiation", IPPYO_ERR_CERT_UNTRUSTED },
		{ "ca", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature",
		  IPPYO_ERR_CERT_UNTRUSTED },
	};

	g_assert_nonnull(dir);
	for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
		ippyo_cert *c = issue(dir, cases[i].name, cases[i].ext);
		int64_t nb, na;

		/* a minute into its validity (openssl(1) starts it at the second it runs) */
		g_test_message("%s", cases[i].name);
		g_assert_cmpint(ippyo_cert_validity(c, &nb, &na), ==, 0);
		g_assert_cmpint(ippyo_cert_verify_chain(c, cas, 1, NULL, nb + 60), ==, cases[i].want);
		ippyo_cert_free(c);
	}
	ippyo_cert_free(ca);
	g_rmdir(dir);
	g_free(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	pki = g_getenv("IPPYO_PKI_TEMPLATE");
	if (pki == NULL) {
		g_printerr("IPPYO_PKI_TEMPLATE is not set (tests/vcard/meson.build sets it)\n");
		return 1;
	}
	g_test_add_func("/ippyo/cert/describe", test_describe);
	g_test_add_func("/ippyo/cert/parse-strict", test_parse_strict);
	g_test_add_func("/ippyo/cert/chain", test_chain);
	g_test_add_func("/ippyo/cert/leaf-usage", test_leaf_usage);
	g_test_add_func("/ippyo/cert/signature", test_signature);
	return g_test_run();
}
