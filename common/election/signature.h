/* ippyo — the officials' Ed25519 signatures and the card's RSA signature over a ballot. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "../buf.h"
#include "../card/cert.h"
#include "manifest.h"

/*
 * Officials' signatures are Ed25519 (RFC 8032, pure) over the transcript
 * encoding (hash.h: u32be-length-prefixed elements, not its digest) of
 *
 *     tag "ippyo/v1/officials-signature", purpose (ASCII), message
 *
 * where purpose is the chain entry type ("manifest", "ceremony", "close",
 * "decryption", "result") and message the bytes being signed
 * (docs/formats.md, "Officials' signatures"). Keys are the 32-byte RFC 8032
 * private seed and public key.
 */
#define IPPYO_TAG_OFFICIALS_SIGNATURE "ippyo/v1/officials-signature"

/* A fresh key pair from the CSPRNG. */
int ippyo_ed25519_keygen(uint8_t sk[IPPYO_ED25519_PRIVATE_BYTES],
    uint8_t pk[IPPYO_ED25519_PUBLIC_BYTES]) IPPYO_WUR;
int ippyo_ed25519_public(const uint8_t sk[IPPYO_ED25519_PRIVATE_BYTES],
    uint8_t pk[IPPYO_ED25519_PUBLIC_BYTES]) IPPYO_WUR;

int ippyo_officials_sign(const uint8_t sk[IPPYO_ED25519_PRIVATE_BYTES], const char *purpose,
    const uint8_t *msg, size_t len, uint8_t sig[IPPYO_ED25519_SIGNATURE_BYTES]) IPPYO_WUR;
/* 0 or IPPYO_ERR_BAD_OFFICIAL_SIGNATURE (IPPYO_ERR_BAD_KEY for an invalid public key). */
int ippyo_officials_verify(const uint8_t pk[IPPYO_ED25519_PUBLIC_BYTES], const char *purpose,
    const uint8_t *msg, size_t len, const uint8_t sig[IPPYO_ED25519_SIGNATURE_BYTES]) IPPYO_WUR;

/* Card certificates: DER of exactly one X.509 certificate, at most this long. */
#define IPPYO_CERT_MAX_BYTES 4096
#define IPPYO_CARD_SIGNATURE_MAX_BYTES 512

/*
 * The voter binding: SHA-256 of the certificate's DER bytes. IPPYO_ERR_CERT_FORMAT
 * if der is not exactly one DER certificate (no trailing bytes).
 */
int ippyo_cert_der_fingerprint(const uint8_t *der, size_t len,
    uint8_t out[IPPYO_FINGERPRINT_BYTES]) IPPYO_WUR;

/*
 * The card's signature over exactly msg: RSA PKCS#1 v1.5 with SHA-256, by
 * the RSA key (at least 2048 bits) of the certificate. IPPYO_ERR_CERT_FORMAT
 * for a bad certificate or a key that is not RSA-2048 or larger,
 * IPPYO_ERR_CARD_SIGNATURE if the signature does not verify or is not
 * exactly the modulus long. The certificate is parsed and the signature
 * verified by card/cert.h (ippyo_cert_parse_der, ippyo_cert_verify_sha256_rsa);
 * this adds the size limits and the 2048-bit floor. The certificate's chain,
 * validity and revocation are not checked here.
 */
int ippyo_card_signature_verify(const uint8_t *der, size_t der_len, const uint8_t *msg,
    size_t msg_len, const uint8_t *sig, size_t sig_len) IPPYO_WUR;
/*
 * The same rules with a certificate already parsed (card/cert.h), for a
 * caller that holds one (a parsed ballot entry): no second parse.
 */
int ippyo_card_signature_verify_cert(const ippyo_cert *c, const uint8_t *msg,
    size_t msg_len, const uint8_t *sig, size_t sig_len) IPPYO_WUR;
