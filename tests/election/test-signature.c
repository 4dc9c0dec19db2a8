/* Tests of the card's signature over a ballot: ippyo_card_signature_verify's error codes. */
#include <glib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "card/cert.h"
#include "crypto/hash.h"
#include "election/signature.h"
#include "error.h"

/* A self-signed certificate of key, as DER (g_free). */
static guint8 *
cert_der(EVP_PKEY *key, size_t *len)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	unsigned char *der = NULL;
	guint8 *out;
	int n;

	g_assert_nonnull(x);
	g_assert_nonnull(name);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"TEST CARD", -1,
	    -1, 0);
	X509_set_subject_name(x, name);
	X509_set_issuer_name(x, name);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, key);
	g_assert_cmpint(X509_sign(x, key, EVP_sha256()), >, 0);
	n = i2d_X509(x, &der);
	g_assert_cmpint(n, >, 0);
	out = g_memdup2(der, (gsize)n);
	*len = (size_t)n;
	OPENSSL_free(der);
	X509_NAME_free(name);
	X509_free(x);
	return out;
}

/* An RSA signature of msg with SHA-256 and the given padding (g_free). */
static guint8 *
rsa_sign(EVP_PKEY *key, int padding, const guint8 *msg, size_t len, size_t *sig_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	guint8 *sig = g_malloc((gsize)EVP_PKEY_get_size(key));

	*sig_len = (size_t)EVP_PKEY_get_size(key);
	g_assert_cmpint(EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), NULL, key), ==, 1);
	g_assert_cmpint(EVP_PKEY_CTX_set_rsa_padding(pctx, padding), ==, 1);
	g_assert_cmpint(EVP_DigestSign(ctx, sig, sig_len, msg, len), ==, 1);
	EVP_MD_CTX_free(ctx);
	return sig;
}

static EVP_PKEY *rsa2048;

static void
test_valid(void)
{
	static const guint8 msg[] = "the ballot bytes";
	size_t der_len, sig_len;
	g_autofree guint8 *der = cert_der(rsa2048, &der_len);
	g_autofree guint8 *sig = rsa_sign(rsa2048, RSA_PKCS1_PADDING, msg, sizeof(msg), &sig_len);
	g_autofree guint8 *empty_sig = rsa_sign(rsa2048, RSA_PKCS1_PADDING, NULL, 0, &sig_len);

	g_assert_cmpuint(sig_len, ==, 256);
	g_assert_cmpint(ippyo_card_signature_verify(der, der_len, msg, sizeof(msg), sig, sig_len),
	    ==, 0);
	/* an empty message is a message */
	g_assert_cmpint(ippyo_card_signature_verify(der, der_len, NULL, 0, empty_sig, sig_len), ==, 0);
}

static void
test_bad_signature(void)
{
	static const guint8 msg[] = "the ballot bytes";
	size_t der_len, sig_len, pss_len;
	g_autofree guint8 *der = cert_der(rsa2048, &der_len);
	g_autofree guint8 *sig = rsa_sign(rsa2048, RSA_PKCS1_PADDING, msg, sizeof(msg), &sig_len);
	g_autofree guint8 *pss = rsa_sign(rsa2048, RSA_PKCS1_PSS_PADDING, msg, sizeof(msg), &pss_len);
	g_autofree guint8 *longer = g_malloc0(IPPYO_CARD_SIGNATURE_MAX_BYTES + 1);

	/* another message, a flipped bit, another padding */
	g_assert_cmpint(ippyo_card_signature_verify(der, der_len, msg, sizeof(msg) - 1, sig,
	    sig_len), ==, IPPYO_ERR_CARD_SIGNATURE);
	sig[100] ^= 1;
	g_assert_cmpint(ippyo_card_signature_verify(der, der_len, msg, sizeof(msg), sig, sig_len),
	    ==, IPPYO_ERR_CARD_SIGNATURE);
	sig[100] ^= 1;
	g_assert_cmpint(ippyo_card_signature_verify(der, der_len, msg, sizeof(msg), pss, pss_len),
	    ==, IPPYO_ERR_CARD_SIGNATURE);
	/* not exactly the modulus length: short, empty, over the maximum */
	g_assert_cmpint(ippyo_card_signature_verify(der, der_len, msg, sizeof(msg), sig,
	    sig_len - 1), ==, IPPYO_ERR_CARD_SIGNATURE);
	g_assert_cmpint(ippyo_card_signature_verify(der, der_len, msg, sizeof(msg), sig, 0), ==,
	    IPPYO_ERR_CARD_SIGNATURE);
	memcpy(longer + 1, sig, sig_len);
	g_assert_cmpint(ippyo_card_signature_verify(der, der_len, msg, sizeof(msg), longer,
	    sig_len + 1), ==, IPPYO_ERR_CARD_SIGNATURE);
	g_assert_cmpint(ippyo_card_signature_verify(der, der_len, msg, sizeof(msg), longer,
	    IPPYO_CARD_SIGNATURE_MAX_BYTES + 1), ==, IPPYO_ERR_CARD_SIGNATURE);
	/* the arguments */
	g_assert_cmpint(ippyo_card_signature_verify(der, der_len, msg, sizeof(msg), NULL, sig_len),
	    ==, IPPYO_ERR_INVALID_ARGUMENT);
	g_assert_cmpint(ippyo_card_signature_verify(der, der_len, NULL, 1, sig, sig_len), ==,
	    IPPYO_ERR_INVALID_ARGUMENT);
}

static void
test_bad_certificate(void)
{
	static const guint8 msg[] = "the ballot bytes";
	size_t der_len, sig_len, small_len, ec_len;
	g_autofree guint8 *der = cert_der(rsa2048, &der_len);
	g_autofree guint8 *sig = rsa_sign(rsa2048, RSA_PKCS1_PADDING, msg, sizeof(msg), &sig_len);
	g_autofree guint8 *trailing = g_malloc0(der_len + 1);
	g_autofree guint8 *huge = g_malloc0(IPPYO_CERT_MAX_BYTES + 1);
	EVP_PKEY *rsa1024 = EVP_RSA_gen(1024);
	EVP_PKEY *ec = EVP_EC_gen("P-256");
	g_autofree guint8 *small = NULL, *small_sig = NULL, *ec_der = NULL;
	size_t small_sig_len;

	g_assert_nonnull(rsa1024);
	g_assert_nonnull(ec);
	small = cert_der(rsa1024, &small_len);
	small_sig = rsa_sign(rsa1024, RSA_PKCS1_PADDING, msg, sizeof(msg), &small_sig_len);
	ec_der = cert_der(ec, &ec_len);

	/* trailing bytes, truncated, empty, missing, too long: not one certificate */
	memcpy(trailing, der, der_len);
	g_assert_cmpint(ippyo_card_signature_verify(trailing, der_len + 1, msg, sizeof(msg), sig,
	    sig_len), ==, IPPYO_ERR_CERT_FORMAT);
	g_assert_cmpint(ippyo_card_signature_verify(der, der_len - 1, msg, sizeof(msg), sig,
	    sig_len), ==, IPPYO_ERR_CERT_FORMAT);
	g_assert_cmpint(ippyo_card_signature_verify(der, 0, msg, sizeof(msg), sig, sig_len), ==,
	    IPPYO_ERR_CERT_FORMAT);
	g_assert_cmpint(ippyo_card_signature_verify(NULL, der_len, msg, sizeof(msg), sig, sig_len),
	    ==, IPPYO_ERR_CERT_FORMAT);
	memcpy(huge, der, der_len);
	g_assert_cmpint(ippyo_card_signature_verify(huge, IPPYO_CERT_MAX_BYTES + 1, msg,
	    sizeof(msg), sig, sig_len), ==, IPPYO_ERR_CERT_FORMAT);
	/* a key below RSA-2048, or not RSA: refused before any signature is looked at */
	g_assert_cmpint(ippyo_card_signature_verify(small, small_len, msg, sizeof(msg), small_sig,
	    small_sig_len), ==, IPPYO_ERR_CERT_FORMAT);
	g_assert_cmpint(ippyo_card_signature_verify(ec_der, ec_len, msg, sizeof(msg), sig, sig_len),
	    ==, IPPYO_ERR_CERT_FORMAT);
	g_assert_cmpint(ippyo_card_signature_verify(ec_der, ec_len, msg, sizeof(msg), sig, 0), ==,
	    IPPYO_ERR_CERT_FORMAT);
	EVP_PKEY_free(rsa1024);
	EVP_PKEY_free(ec);
}

/* The same rules on a certificate parsed once (card/cert.h). */
static void
test_parsed(void)
{
	static const guint8 msg[] = "the ballot bytes";
	size_t der_len, sig_len, small_len, small_sig_len;
	g_autofree guint8 *der = cert_der(rsa2048, &der_len);
	g_autofree guint8 *sig = rsa_sign(rsa2048, RSA_PKCS1_PADDING, msg, sizeof(msg), &sig_len);
	EVP_PKEY *rsa1024 = EVP_RSA_gen(1024);
	g_autofree guint8 *small = NULL, *small_sig = NULL;
	ippyo_cert *c = NULL, *cs = NULL;

	g_assert_nonnull(rsa1024);
	small = cert_der(rsa1024, &small_len);
	small_sig = rsa_sign(rsa1024, RSA_PKCS1_PADDING, msg, sizeof(msg), &small_sig_len);
	g_assert_cmpint(ippyo_cert_parse_der(der, der_len, &c), ==, 0);
	g_assert_cmpint(ippyo_cert_parse_der(small, small_len, &cs), ==, 0);
	g_assert_cmpint(ippyo_card_signature_verify_cert(c, msg, sizeof(msg), sig, sig_len), ==, 0);
	g_assert_cmpint(ippyo_card_signature_verify_cert(c, msg, 3, sig, sig_len), ==,
	    IPPYO_ERR_CARD_SIGNATURE);
	g_assert_cmpint(ippyo_card_signature_verify_cert(c, msg, sizeof(msg), sig, sig_len - 1), ==,
	    IPPYO_ERR_CARD_SIGNATURE);
	g_assert_cmpint(ippyo_card_signature_verify_cert(cs, msg, sizeof(msg), small_sig,
	    small_sig_len), ==, IPPYO_ERR_CERT_FORMAT);
	g_assert_cmpint(ippyo_card_signature_verify_cert(NULL, msg, sizeof(msg), sig, sig_len), ==,
	    IPPYO_ERR_INVALID_ARGUMENT);
	g_assert_cmpint(ippyo_card_signature_verify_cert(c, msg, sizeof(msg), NULL, sig_len), ==,
	    IPPYO_ERR_INVALID_ARGUMENT);
	ippyo_cert_free(c);
	ippyo_cert_free(cs);
	EVP_PKEY_free(rsa1024);
}

static void
test_fingerprint(void)
{
	size_t der_len;
	g_autofree guint8 *der = cert_der(rsa2048, &der_len);
	g_autofree guint8 *trailing = g_malloc0(der_len + 1);
	uint8_t fp[IPPYO_FINGERPRINT_BYTES], want[IPPYO_FINGERPRINT_BYTES], zero[32] = { 0 };

	g_assert_cmpint(ippyo_cert_der_fingerprint(der, der_len, fp), ==, 0);
	g_assert_cmpint(ippyo_sha256(der, der_len, want), ==, 0);
	g_assert_cmpmem(fp, sizeof(fp), want, sizeof(want));
	memcpy(trailing, der, der_len);
	g_assert_cmpint(ippyo_cert_der_fingerprint(trailing, der_len + 1, fp), ==,
	    IPPYO_ERR_CERT_FORMAT);
	g_assert_cmpmem(fp, sizeof(fp), zero, sizeof(zero));
	g_assert_cmpint(ippyo_cert_der_fingerprint(der, der_len - 1, fp), ==, IPPYO_ERR_CERT_FORMAT);
	g_assert_cmpint(ippyo_cert_der_fingerprint(der, 0, fp), ==, IPPYO_ERR_CERT_FORMAT);
}

int
main(int argc, char **argv)
{
	int r;

	g_test_init(&argc, &argv, NULL);
	rsa2048 = EVP_RSA_gen(2048);
	g_assert_nonnull(rsa2048);
	g_test_add_func("/ippyo/signature/card/valid", test_valid);
	g_test_add_func("/ippyo/signature/card/bad-signature", test_bad_signature);
	g_test_add_func("/ippyo/signature/card/bad-certificate", test_bad_certificate);
	g_test_add_func("/ippyo/signature/card/parsed", test_parsed);
	g_test_add_func("/ippyo/signature/card/fingerprint", test_fingerprint);
	r = g_test_run();
	EVP_PKEY_free(rsa2048);
	return r;
}
