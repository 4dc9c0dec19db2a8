/* ippyo — Ed25519 and RSA signatures on OpenSSL's EVP interface. */
#include "signature.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "../card/cert.h"
#include "../crypto/hash.h"
#include "../error.h"

int
ippyo_ed25519_public(const uint8_t sk[IPPYO_ED25519_PRIVATE_BYTES],
    uint8_t pk[IPPYO_ED25519_PUBLIC_BYTES])
{
	EVP_PKEY *key;
	size_t len = IPPYO_ED25519_PUBLIC_BYTES;
	int r = IPPYO_ERR_INTERNAL;

	memset(pk, 0, IPPYO_ED25519_PUBLIC_BYTES);
	if ((key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, sk,
	    IPPYO_ED25519_PRIVATE_BYTES)) == NULL)
		return IPPYO_ERR_BAD_KEY;
	if (EVP_PKEY_get_raw_public_key(key, pk, &len) == 1 && len == IPPYO_ED25519_PUBLIC_BYTES)
		r = 0;
	EVP_PKEY_free(key);
	return r;
}

int
ippyo_ed25519_keygen(uint8_t sk[IPPYO_ED25519_PRIVATE_BYTES],
    uint8_t pk[IPPYO_ED25519_PUBLIC_BYTES])
{
	int r;

	if (RAND_priv_bytes(sk, IPPYO_ED25519_PRIVATE_BYTES) != 1) {
		OPENSSL_cleanse(sk, IPPYO_ED25519_PRIVATE_BYTES);
		return IPPYO_ERR_RANDOM;
	}
	if ((r = ippyo_ed25519_public(sk, pk)) != 0)
		OPENSSL_cleanse(sk, IPPYO_ED25519_PRIVATE_BYTES);
	return r;
}

/*
 * Signs with the private key raw into sig_out, or (sig_out NULL) verifies
 * sig_in with the public key raw: Ed25519 over the transcript bytes of
 * IPPYO_TAG_OFFICIALS_SIGNATURE: purpose, msg.
 */
static int
officials_sig(const uint8_t *raw, const char *purpose, const uint8_t *msg, size_t len,
    uint8_t *sig_out, const uint8_t *sig_in)
{
	EVP_PKEY *key = NULL;
	EVP_MD_CTX *ctx = NULL;
	ippyo_transcript *t = NULL;
	const uint8_t *tb;
	size_t tlen, siglen = IPPYO_ED25519_SIGNATURE_BYTES;
	int r = IPPYO_ERR_BAD_KEY;

	if ((key = sig_out != NULL ? EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, raw,
	    IPPYO_ED25519_PRIVATE_BYTES) : EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL,
	    raw, IPPYO_ED25519_PUBLIC_BYTES)) == NULL)
		goto out;
	r = IPPYO_ERR_ALLOC;
	if ((t = ippyo_transcript_new(IPPYO_TAG_OFFICIALS_SIGNATURE)) == NULL ||
	    (ctx = EVP_MD_CTX_new()) == NULL)
		goto out;
	if (ippyo_transcript_put_str(t, purpose) != 0 || ippyo_transcript_put(t, msg, len) != 0)
		goto out;
	tb = ippyo_transcript_bytes(t, &tlen);
	r = IPPYO_ERR_INTERNAL;
	if (sig_out != NULL) {
		if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) != 1 ||
		    EVP_DigestSign(ctx, sig_out, &siglen, tb, tlen) != 1 ||
		    siglen != IPPYO_ED25519_SIGNATURE_BYTES)
			goto out;
		r = 0;
	} else if (EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) == 1) {
		r = EVP_DigestVerify(ctx, sig_in, IPPYO_ED25519_SIGNATURE_BYTES, tb, tlen) == 1 ?
		    0 : IPPYO_ERR_BAD_OFFICIAL_SIGNATURE;
	}
out:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	ippyo_transcript_free(t);
	return r;
}

int
ippyo_officials_sign(const uint8_t sk[IPPYO_ED25519_PRIVATE_BYTES], const char *purpose,
    const uint8_t *msg, size_t len, uint8_t sig[IPPYO_ED25519_SIGNATURE_BYTES])
{
	memset(sig, 0, IPPYO_ED25519_SIGNATURE_BYTES);
	if (sk == NULL || purpose == NULL || (msg == NULL && len != 0))
		return IPPYO_ERR_INVALID_ARGUMENT;
	return officials_sig(sk, purpose, msg, len, sig, NULL);
}

int
ippyo_officials_verify(const uint8_t pk[IPPYO_ED25519_PUBLIC_BYTES], const char *purpose,
    const uint8_t *msg, size_t len, const uint8_t sig[IPPYO_ED25519_SIGNATURE_BYTES])
{
	if (pk == NULL || purpose == NULL || sig == NULL || (msg == NULL && len != 0))
		return IPPYO_ERR_INVALID_ARGUMENT;
	return officials_sig(pk, purpose, msg, len, NULL, sig);
}

/*
 * One DER certificate of at most IPPYO_CERT_MAX_BYTES without trailing bytes
 * (card/cert.c parses it); anything else is IPPYO_ERR_CERT_FORMAT.
 */
static int
cert_parse(const uint8_t *der, size_t len, ippyo_cert **out)
{
	int r;

	*out = NULL;
	if (der == NULL || len == 0 || len > IPPYO_CERT_MAX_BYTES)
		return IPPYO_ERR_CERT_FORMAT;
	if ((r = ippyo_cert_parse_der(der, len, out)) == IPPYO_ERR_TRAILING ||
	    r == IPPYO_ERR_LIMIT)
		r = IPPYO_ERR_CERT_FORMAT;
	return r;
}

int
ippyo_cert_der_fingerprint(const uint8_t *der, size_t len, uint8_t out[IPPYO_FINGERPRINT_BYTES])
{
	ippyo_cert *c = NULL;
	int r;

	memset(out, 0, IPPYO_FINGERPRINT_BYTES);
	if ((r = cert_parse(der, len, &c)) != 0)
		return r;
	r = ippyo_cert_fingerprint(c, out);
	ippyo_cert_free(c);
	return r;
}

int
ippyo_card_signature_verify_cert(const ippyo_cert *c, const uint8_t *msg, size_t msg_len,
    const uint8_t *sig, size_t sig_len)
{
	int r, bits;

	if (c == NULL || (msg == NULL && msg_len != 0) || sig == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	/* An RSA key of at least 2048 bits, whatever the signature looks like. */
	if ((r = ippyo_cert_rsa_bits(c, &bits)) != 0)
		return r;
	if (bits < 2048)
		return IPPYO_ERR_CERT_FORMAT;
	if (sig_len > IPPYO_CARD_SIGNATURE_MAX_BYTES)
		return IPPYO_ERR_CARD_SIGNATURE;
	/* PKCS#1 v1.5 with SHA-256, a signature of exactly the modulus length. */
	return ippyo_cert_verify_sha256_rsa(c, msg, msg_len, sig, sig_len);
}

int
ippyo_card_signature_verify(const uint8_t *der, size_t der_len, const uint8_t *msg,
    size_t msg_len, const uint8_t *sig, size_t sig_len)
{
	ippyo_cert *c = NULL;
	int r;

	if ((msg == NULL && msg_len != 0) || sig == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if ((r = cert_parse(der, der_len, &c)) != 0)
		return r;
	r = ippyo_card_signature_verify_cert(c, msg, msg_len, sig, sig_len);
	ippyo_cert_free(c);
	return r;
}
