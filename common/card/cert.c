/* ippyo — X.509 for card certificates, on OpenSSL. */
#include "card/cert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/x509_vfy.h>

#include "error.h"

struct ippyo_cert {
	X509 *x509;
	uint8_t *der;
	size_t der_len;
};

struct ippyo_crl {
	X509_CRL *crl;
	uint8_t *der;
	size_t der_len;
};

#define IPPYO_CRL_MAX_DER (4 * 1024 * 1024)

void
ippyo_cert_free(ippyo_cert *c)
{
	if (c == NULL)
		return;
	X509_free(c->x509);
	OPENSSL_free(c->der);
	OPENSSL_free(c);
}

int
ippyo_cert_parse_der(const uint8_t *der, size_t len, ippyo_cert **out)
{
	ippyo_cert *c = NULL;
	const unsigned char *p = der;
	int r = IPPYO_ERR_INTERNAL;

	if (out == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	*out = NULL;
	if (der == NULL || len == 0)
		return IPPYO_ERR_CERT_FORMAT;
	if (len > IPPYO_CERT_MAX_DER)
		return IPPYO_ERR_LIMIT;
	if ((c = OPENSSL_zalloc(sizeof(*c))) == NULL) {
		r = IPPYO_ERR_ALLOC;
		goto out;
	}
	if ((c->x509 = d2i_X509(NULL, &p, (long)len)) == NULL) {
		r = IPPYO_ERR_CERT_FORMAT;
		goto out;
	}
	if ((size_t)(p - der) != len) {
		r = IPPYO_ERR_TRAILING;
		goto out;
	}
	if ((c->der = OPENSSL_memdup(der, len)) == NULL) {
		r = IPPYO_ERR_ALLOC;
		goto out;
	}
	c->der_len = len;
	*out = c;
	c = NULL;
	r = 0;
 out:
	ERR_clear_error();
	ippyo_cert_free(c);
	return r;
}

/*
 * Reads exactly one PEM block named name from pem; anything but whitespace
 * around it is refused. The DER bytes go to *der (OPENSSL_free).
 */
static int
pem_one_block(const char *pem, size_t len, const char *name, uint8_t **der,
    size_t *der_len)
{
	BIO *bio = NULL;
	char *got_name = NULL, *header = NULL;
	unsigned char *data = NULL;
	long data_len = 0;
	size_t i;
	int r = IPPYO_ERR_CERT_FORMAT;
	char rest;

	*der = NULL;
	*der_len = 0;
	if (len > 4 * IPPYO_CRL_MAX_DER || len > INT32_MAX)
		return IPPYO_ERR_LIMIT;
	/* Leading garbage would be skipped silently by PEM_read_bio. */
	for (i = 0; i < len && (pem[i] == ' ' || pem[i] == '\t' ||
	    pem[i] == '\r' || pem[i] == '\n'); i++)
		;
	if (len - i < 11 || memcmp(pem + i, "-----BEGIN ", 11) != 0)
		goto out;
	if ((bio = BIO_new_mem_buf(pem + i, (int)(len - i))) == NULL) {
		r = IPPYO_ERR_ALLOC;
		goto out;
	}
	if (PEM_read_bio(bio, &got_name, &header, &data, &data_len) != 1)
		goto out;
	if (strcmp(got_name, name) != 0 || header[0] != '\0' || data_len <= 0)
		goto out;
	/* Only whitespace may follow. */
	while (BIO_read(bio, &rest, 1) == 1) {
		if (rest != ' ' && rest != '\t' && rest != '\r' && rest != '\n') {
			r = IPPYO_ERR_TRAILING;
			goto out;
		}
	}
	*der = data;
	*der_len = (size_t)data_len;
	data = NULL;
	r = 0;
 out:
	ERR_clear_error();
	BIO_free(bio);
	OPENSSL_free(got_name);
	OPENSSL_free(header);
	OPENSSL_free(data);
	return r;
}

int
ippyo_cert_parse_pem(const char *pem, size_t len, ippyo_cert **out)
{
	uint8_t *der = NULL;
	size_t der_len = 0;
	int r;

	if (out == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	*out = NULL;
	if (pem == NULL)
		return IPPYO_ERR_CERT_FORMAT;
	if ((r = pem_one_block(pem, len, "CERTIFICATE", &der, &der_len)) != 0)
		return r;
	r = ippyo_cert_parse_der(der, der_len, out);
	OPENSSL_free(der);
	return r;
}

/* Reads a whole file of at most max bytes (OPENSSL_free). */
static int
read_file(const char *path, size_t max, uint8_t **out, size_t *out_len)
{
	FILE *f = NULL;
	uint8_t *data = NULL;
	size_t len = 0, n;
	int r = IPPYO_ERR_IO;

	*out = NULL;
	*out_len = 0;
	if ((f = fopen(path, "rb")) == NULL)
		goto out;
	if ((data = OPENSSL_malloc(max + 1)) == NULL) {
		r = IPPYO_ERR_ALLOC;
		goto out;
	}
	while ((n = fread(data + len, 1, max + 1 - len, f)) > 0) {
		len += n;
		if (len > max) {
			r = IPPYO_ERR_LIMIT;
			goto out;
		}
	}
	if (ferror(f))
		goto out;
	*out = data;
	*out_len = len;
	data = NULL;
	r = 0;
 out:
	if (f != NULL)
		fclose(f);
	OPENSSL_free(data);
	return r;
}

static int
looks_like_pem(const uint8_t *data, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' ||
		    data[i] == '\n')
			continue;
		return data[i] == '-';
	}
	return 0;
}

int
ippyo_cert_load_file(const char *path, ippyo_cert **out)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int r;

	if (out == NULL || path == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	*out = NULL;
	if ((r = read_file(path, 4 * IPPYO_CERT_MAX_DER, &data, &len)) != 0)
		return r;
	if (looks_like_pem(data, len))
		r = ippyo_cert_parse_pem((const char *)data, len, out);
	else
		r = ippyo_cert_parse_der(data, len, out);
	OPENSSL_free(data);
	return r;
}

const uint8_t *
ippyo_cert_der(const ippyo_cert *c, size_t *len)
{
	*len = c->der_len;
	return c->der;
}

int
ippyo_cert_fingerprint(const ippyo_cert *c, uint8_t out[IPPYO_CERT_FINGERPRINT_BYTES])
{
	unsigned int n = 0;

	memset(out, 0, IPPYO_CERT_FINGERPRINT_BYTES);
	if (EVP_Digest(c->der, c->der_len, out, &n, EVP_sha256(), NULL) != 1 ||
	    n != IPPYO_CERT_FINGERPRINT_BYTES) {
		memset(out, 0, IPPYO_CERT_FINGERPRINT_BYTES);
		return IPPYO_ERR_INTERNAL;
	}
	return 0;
}

static int
name_string(const X509_NAME *name, char **out)
{
	BIO *bio = NULL;
	char *s = NULL, *p = NULL;
	long n;
	int r = IPPYO_ERR_INTERNAL;

	*out = NULL;
	if ((bio = BIO_new(BIO_s_mem())) == NULL) {
		r = IPPYO_ERR_ALLOC;
		goto out;
	}
	/* RFC 2253 with UTF-8 kept as is (Japanese names in signature certs). */
	if (X509_NAME_print_ex(bio, name, 0,
	    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
		goto out;
	if ((n = BIO_get_mem_data(bio, &p)) < 0)
		goto out;
	if ((s = malloc((size_t)n + 1)) == NULL) {
		r = IPPYO_ERR_ALLOC;
		goto out;
	}
	if (n > 0)
		memcpy(s, p, (size_t)n);
	s[n] = '\0';
	*out = s;
	r = 0;
 out:
	BIO_free(bio);
	ERR_clear_error();
	return r;
}

int
ippyo_cert_subject(const ippyo_cert *c, char **out)
{
	if (out == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	return name_string(X509_get_subject_name(c->x509), out);
}

int
ippyo_cert_issuer(const ippyo_cert *c, char **out)
{
	if (out == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	return name_string(X509_get_issuer_name(c->x509), out);
}

int
ippyo_cert_serial_hex(const ippyo_cert *c, char **out)
{
	BIGNUM *bn = NULL;
	char *hex = NULL, *s = NULL;
	size_t i, n;
	int r = IPPYO_ERR_INTERNAL;

	if (out == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	*out = NULL;
	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(c->x509), NULL)) == NULL)
		goto out;
	if ((hex = BN_bn2hex(bn)) == NULL)
		goto out;
	/* BN_bn2hex gives upper case, a '-' for negatives (refused) and "0". */
	if (hex[0] == '-') {
		r = IPPYO_ERR_CERT_FORMAT;
		goto out;
	}
	n = strlen(hex);
	if ((s = malloc(n + 1)) == NULL) {
		r = IPPYO_ERR_ALLOC;
		goto out;
	}
	for (i = 0; i < n; i++)
		s[i] = (hex[i] >= 'A' && hex[i] <= 'F') ? (char)(hex[i] - 'A' + 'a') : hex[i];
	s[n] = '\0';
	*out = s;
	r = 0;
 out:
	BN_free(bn);
	OPENSSL_free(hex);
	ERR_clear_error();
	return r;
}

static int
asn1_time_unix(const ASN1_TIME *t, int64_t *out)
{
	struct tm tm;
	time_t tt;

	*out = 0;
	memset(&tm, 0, sizeof(tm));
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return IPPYO_ERR_CERT_FORMAT;
	if ((tt = timegm(&tm)) == (time_t)-1)
		return IPPYO_ERR_CERT_FORMAT;
	*out = (int64_t)tt;
	return 0;
}

int
ippyo_cert_validity(const ippyo_cert *c, int64_t *not_before, int64_t *not_after)
{
	int r;

	*not_before = *not_after = 0;
	if ((r = asn1_time_unix(X509_get0_notBefore(c->x509), not_before)) != 0)
		return r;
	if ((r = asn1_time_unix(X509_get0_notAfter(c->x509), not_after)) != 0) {
		*not_before = 0;
		return r;
	}
	return 0;
}

int
ippyo_cert_check_time(const ippyo_cert *c, int64_t now)
{
	int64_t nb, na;
	int r;

	if ((r = ippyo_cert_validity(c, &nb, &na)) != 0)
		return r;
	if (now < nb)
		return IPPYO_ERR_CERT_NOT_YET_VALID;
	if (now > na)
		return IPPYO_ERR_CERT_EXPIRED;
	return 0;
}

int
ippyo_cert_verify_sha256_rsa(const ippyo_cert *c, const uint8_t *data, size_t len,
    const uint8_t *sig, size_t sig_len)
{
	EVP_PKEY *pkey;
	EVP_MD_CTX *md = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	int r = IPPYO_ERR_CARD_SIGNATURE;

	if (data == NULL && len != 0)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if (sig == NULL || sig_len == 0)
		return IPPYO_ERR_CARD_SIGNATURE;
	if ((pkey = X509_get0_pubkey(c->x509)) == NULL ||
	    EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
		r = IPPYO_ERR_CERT_FORMAT;
		goto out;
	}
	/* A card signature has exactly the modulus length. */
	if (sig_len != (size_t)EVP_PKEY_get_size(pkey))
		goto out;
	if ((md = EVP_MD_CTX_new()) == NULL) {
		r = IPPYO_ERR_ALLOC;
		goto out;
	}
	if (EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL, pkey) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
		r = IPPYO_ERR_INTERNAL;
		goto out;
	}
	if (EVP_DigestVerify(md, sig, sig_len, data == NULL ? (const uint8_t *)"" : data,
	    len) == 1)
		r = 0;
 out:
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return r;
}

int
ippyo_cert_rsa_bits(const ippyo_cert *c, int *bits)
{
	EVP_PKEY *pkey;

	if (bits == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	*bits = 0;
	if (c == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if ((pkey = X509_get0_pubkey(c->x509)) == NULL ||
	    EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
		ERR_clear_error();
		return IPPYO_ERR_CERT_FORMAT;
	}
	*bits = EVP_PKEY_get_bits(pkey);
	return 0;
}

void
ippyo_crl_free(ippyo_crl *crl)
{
	if (crl == NULL)
		return;
	X509_CRL_free(crl->crl);
	OPENSSL_free(crl->der);
	OPENSSL_free(crl);
}

int
ippyo_crl_parse_der(const uint8_t *der, size_t len, ippyo_crl **out)
{
	ippyo_crl *crl = NULL;
	const unsigned char *p = der;
	int r = IPPYO_ERR_INTERNAL;

	if (out == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	*out = NULL;
	if (der == NULL || len == 0)
		return IPPYO_ERR_CRL_INVALID;
	if (len > IPPYO_CRL_MAX_DER)
		return IPPYO_ERR_LIMIT;
	if ((crl = OPENSSL_zalloc(sizeof(*crl))) == NULL) {
		r = IPPYO_ERR_ALLOC;
		goto out;
	}
	if ((crl->crl = d2i_X509_CRL(NULL, &p, (long)len)) == NULL) {
		r = IPPYO_ERR_CRL_INVALID;
		goto out;
	}
	if ((size_t)(p - der) != len) {
		r = IPPYO_ERR_TRAILING;
		goto out;
	}
	if ((crl->der = OPENSSL_memdup(der, len)) == NULL) {
		r = IPPYO_ERR_ALLOC;
		goto out;
	}
	crl->der_len = len;
	*out = crl;
	crl = NULL;
	r = 0;
 out:
	ERR_clear_error();
	ippyo_crl_free(crl);
	return r;
}

int
ippyo_crl_parse_pem(const char *pem, size_t len, ippyo_crl **out)
{
	uint8_t *der = NULL;
	size_t der_len = 0;
	int r;

	if (out == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	*out = NULL;
	if (pem == NULL)
		return IPPYO_ERR_CRL_INVALID;
	if ((r = pem_one_block(pem, len, "X509 CRL", &der, &der_len)) != 0)
		return r == IPPYO_ERR_CERT_FORMAT ? IPPYO_ERR_CRL_INVALID : r;
	r = ippyo_crl_parse_der(der, der_len, out);
	OPENSSL_free(der);
	return r;
}

int
ippyo_crl_load_file(const char *path, ippyo_crl **out)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int r;

	if (out == NULL || path == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	*out = NULL;
	if ((r = read_file(path, 4 * IPPYO_CRL_MAX_DER, &data, &len)) != 0)
		return r;
	if (looks_like_pem(data, len))
		r = ippyo_crl_parse_pem((const char *)data, len, out);
	else
		r = ippyo_crl_parse_der(data, len, out);
	OPENSSL_free(data);
	return r;
}

int
ippyo_crl_validity(const ippyo_crl *crl, int64_t *this_update, int64_t *next_update)
{
	int r;

	*this_update = *next_update = 0;
	if ((r = asn1_time_unix(X509_CRL_get0_lastUpdate(crl->crl), this_update)) != 0 ||
	    (r = asn1_time_unix(X509_CRL_get0_nextUpdate(crl->crl), next_update)) != 0) {
		*this_update = *next_update = 0;
		return IPPYO_ERR_CRL_INVALID;
	}
	return 0;
}

const uint8_t *
ippyo_crl_der(const ippyo_crl *crl, size_t *len)
{
	*len = crl->der_len;
	return crl->der;
}

int
ippyo_crl_verify_issuer(const ippyo_crl *crl, const ippyo_cert *ca)
{
	EVP_PKEY *pkey;
	int r = IPPYO_ERR_CRL_INVALID;

	if (crl == NULL || ca == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if (X509_NAME_cmp(X509_CRL_get_issuer(crl->crl), X509_get_subject_name(ca->x509)) != 0)
		goto out;
	if ((pkey = X509_get0_pubkey(ca->x509)) == NULL)
		goto out;
	if (X509_CRL_verify(crl->crl, pkey) == 1)
		r = 0;
 out:
	ERR_clear_error();
	return r;
}

static int
map_verify_error(int err)
{
	switch (err) {
	case X509_V_OK:
		return 0;
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return IPPYO_ERR_CERT_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return IPPYO_ERR_CERT_NOT_YET_VALID;
	case X509_V_ERR_CERT_REVOKED:
		return IPPYO_ERR_CERT_REVOKED;
	case X509_V_ERR_UNABLE_TO_GET_CRL:
	case X509_V_ERR_CRL_HAS_EXPIRED:
	case X509_V_ERR_CRL_NOT_YET_VALID:
	case X509_V_ERR_CRL_SIGNATURE_FAILURE:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
	case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
	case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
	case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
	case X509_V_ERR_DIFFERENT_CRL_SCOPE:
	case X509_V_ERR_CRL_PATH_VALIDATION_ERROR:
	case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
		return IPPYO_ERR_CRL_INVALID;
	default:
		return IPPYO_ERR_CERT_UNTRUSTED;
	}
}

int
ippyo_cert_verify_chain(const ippyo_cert *leaf, const ippyo_cert *const *cas, size_t n,
    const ippyo_crl *crl, int64_t now)
{
	X509_STORE *store = NULL;
	X509_STORE_CTX *ctx = NULL;
	X509_VERIFY_PARAM *param;
	uint32_t flags, ku;
	size_t i;
	int r = IPPYO_ERR_INTERNAL;

	if (leaf == NULL || (cas == NULL && n != 0))
		return IPPYO_ERR_INVALID_ARGUMENT;
	if (n == 0)
		return IPPYO_ERR_CERT_UNTRUSTED;
	/*
	 * The leaf's own dates first: OpenSSL reports a CRL problem before a
	 * date problem, and "your card's certificate expired" is what to say.
	 */
	if ((r = ippyo_cert_check_time(leaf, now)) != 0)
		return r;
	/*
	 * A card's authentication certificate signs and is no CA: its keyUsage,
	 * when present, has digitalSignature and not keyCertSign, and its
	 * basicConstraints, when present, is not CA:TRUE.
	 */
	flags = X509_get_extension_flags(leaf->x509);
	ku = X509_get_key_usage(leaf->x509);
	if ((flags & EXFLAG_INVALID) != 0 || (flags & EXFLAG_CA) != 0 ||
	    ((flags & EXFLAG_KUSAGE) != 0 &&
	    ((ku & KU_DIGITAL_SIGNATURE) == 0 || (ku & KU_KEY_CERT_SIGN) != 0)))
		return IPPYO_ERR_CERT_UNTRUSTED;
	if ((store = X509_STORE_new()) == NULL ||
	    (ctx = X509_STORE_CTX_new()) == NULL) {
		r = IPPYO_ERR_ALLOC;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (cas[i] == NULL) {
			r = IPPYO_ERR_INVALID_ARGUMENT;
			goto out;
		}
		if (X509_STORE_add_cert(store, cas[i]->x509) != 1)
			goto out;
	}
	if (crl != NULL && X509_STORE_add_crl(store, crl->crl) != 1)
		goto out;
	if (X509_STORE_CTX_init(ctx, store, leaf->x509, NULL) != 1)
		goto out;
	param = X509_STORE_CTX_get0_param(ctx);
	/* Only the given CAs are trusted, nothing from the system. */
	X509_VERIFY_PARAM_set_time(param, (time_t)now);
	if (crl != NULL)
		X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CRL_CHECK);
	if (X509_verify_cert(ctx) == 1)
		r = 0;
	else
		r = map_verify_error(X509_STORE_CTX_get_error(ctx));
	/* A successful verification must have succeeded for the right reason. */
	if (r == 0 && X509_STORE_CTX_get_error(ctx) != X509_V_OK)
		r = IPPYO_ERR_CERT_UNTRUSTED;
 out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	ERR_clear_error();
	return r;
}
