/* ippyo — X.509 for card certificates: parse, describe, check time and chain. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * ippyo_cert wraps one X.509 certificate together with its exact DER
 * bytes (the bytes that are fingerprinted and put on the voter roll).
 * ippyo_crl wraps one CRL. Both are opaque and immutable once parsed.
 *
 * Times are Unix seconds (UTC). Every check that depends on the time takes
 * an explicit "now", so that the chain server, the tally and the tests can
 * judge a certificate at the time a ballot was cast.
 */
typedef struct ippyo_cert ippyo_cert;
typedef struct ippyo_crl ippyo_crl;

#define IPPYO_CERT_FINGERPRINT_BYTES 32   /* SHA-256 of the DER */
#define IPPYO_CERT_MAX_DER 16384          /* larger inputs are refused */

/* Exactly one DER certificate, no trailing bytes. */
int ippyo_cert_parse_der(const uint8_t *der, size_t len, ippyo_cert **out) IPPYO_WUR;
/* Exactly one PEM "CERTIFICATE" block (surrounding whitespace allowed). */
int ippyo_cert_parse_pem(const char *pem, size_t len, ippyo_cert **out) IPPYO_WUR;
/* A file holding one certificate in PEM or DER. */
int ippyo_cert_load_file(const char *path, ippyo_cert **out) IPPYO_WUR;
void ippyo_cert_free(ippyo_cert *c);

/* The DER bytes (owned by the certificate). */
const uint8_t *ippyo_cert_der(const ippyo_cert *c, size_t *len);
/* SHA-256 of the DER bytes. */
int ippyo_cert_fingerprint(const ippyo_cert *c,
    uint8_t out[IPPYO_CERT_FINGERPRINT_BYTES]) IPPYO_WUR;
/* The subject as an RFC 2253 string, e.g. "CN=0123ABCD,C=JP" (free()). */
int ippyo_cert_subject(const ippyo_cert *c, char **out) IPPYO_WUR;
/* The issuer, same form (free()). */
int ippyo_cert_issuer(const ippyo_cert *c, char **out) IPPYO_WUR;
/* The serial number as lower-case hex without leading zero bytes (free()). */
int ippyo_cert_serial_hex(const ippyo_cert *c, char **out) IPPYO_WUR;
/* notBefore and notAfter as Unix seconds. */
int ippyo_cert_validity(const ippyo_cert *c, int64_t *not_before,
    int64_t *not_after) IPPYO_WUR;
/*
 * 0 if now lies within [notBefore, notAfter], else IPPYO_ERR_CERT_NOT_YET_VALID
 * or IPPYO_ERR_CERT_EXPIRED.
 */
int ippyo_cert_check_time(const ippyo_cert *c, int64_t now) IPPYO_WUR;

/*
 * Verifies an RSA PKCS#1 v1.5 SHA-256 signature (the JPKI card's
 * signature) over data with the certificate's public key:
 * 0 or IPPYO_ERR_CARD_SIGNATURE.
 */
int ippyo_cert_verify_sha256_rsa(const ippyo_cert *c, const uint8_t *data,
    size_t len, const uint8_t *sig, size_t sig_len) IPPYO_WUR;
/*
 * The size in bits of the certificate's RSA public key (a card key is
 * RSA-2048); IPPYO_ERR_CERT_FORMAT if the key is not RSA.
 */
int ippyo_cert_rsa_bits(const ippyo_cert *c, int *bits) IPPYO_WUR;

/* Exactly one CRL in DER, or one PEM "X509 CRL" block; a file in either. */
int ippyo_crl_parse_der(const uint8_t *der, size_t len, ippyo_crl **out) IPPYO_WUR;
int ippyo_crl_parse_pem(const char *pem, size_t len, ippyo_crl **out) IPPYO_WUR;
int ippyo_crl_load_file(const char *path, ippyo_crl **out) IPPYO_WUR;
void ippyo_crl_free(ippyo_crl *crl);
/* The DER bytes (owned by the CRL). */
const uint8_t *ippyo_crl_der(const ippyo_crl *crl, size_t *len);
/*
 * 0 if the CRL was issued by ca: its issuer is ca's subject and its
 * signature verifies with ca's public key; else IPPYO_ERR_CRL_INVALID.
 * (Its dates are not looked at: ippyo_crl_validity.)
 */
int ippyo_crl_verify_issuer(const ippyo_crl *crl, const ippyo_cert *ca) IPPYO_WUR;
/* thisUpdate and nextUpdate as Unix seconds (a CRL without nextUpdate: refused). */
int ippyo_crl_validity(const ippyo_crl *crl, int64_t *this_update,
    int64_t *next_update) IPPYO_WUR;

/*
 * Verifies that leaf chains to one of the n trusted CA certificates cas
 * (the JPKI user-authentication CA certificates) at time now. With a CRL,
 * revocation is checked for the leaf (X509_V_FLAG_CRL_CHECK): the CRL must
 * be issued by the leaf's CA and be current at now. Results:
 * 0, IPPYO_ERR_CERT_EXPIRED, IPPYO_ERR_CERT_NOT_YET_VALID (the leaf or a CA),
 * IPPYO_ERR_CERT_REVOKED, IPPYO_ERR_CRL_INVALID (stale, not yet valid, badly
 * signed or missing CRL), IPPYO_ERR_CERT_UNTRUSTED (anything else, among it
 * a leaf whose keyUsage lacks digitalSignature or that is marked a CA).
 */
int ippyo_cert_verify_chain(const ippyo_cert *leaf, const ippyo_cert *const *cas,
    size_t n, const ippyo_crl *crl, int64_t now) IPPYO_WUR;
