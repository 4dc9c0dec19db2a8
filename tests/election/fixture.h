/* Test fixtures of the election suite: fixed manifests, keys and test certificates. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "crypto/elgamal.h"
#include "election/ballot.h"
#include "election/manifest.h"

/* A contest shape: min, max, number of options. */
typedef struct fx_contest {
	uint32_t min;
	uint32_t max;
	size_t n_options;
} fx_contest;

/* The officials' fixed test key (seed 0x01..0x20). */
extern const uint8_t fx_officials_sk[32];

/* The fixed test election scalar: K = k·G with k from SHA-512("ippyo test election key"). */
ippyo_scalar *fx_election_scalar(void);

/* A draft spec for the contests (strings are static; ids "c0", "o0", ...). */
void fx_spec(ippyo_manifest_spec *spec, const char *election_id, const fx_contest *contests,
    size_t n_contests);
/* The sealed manifest of fx_spec with the fixed test K (3 trustees, t = 2). */
ippyo_manifest *fx_sealed(const char *election_id, const fx_contest *contests, size_t n);
ippyo_election_key *fx_key(const ippyo_manifest *m);

/* Random choices within the limits. */
ippyo_choices *fx_random_choices(const ippyo_manifest *m);

/* A self-signed RSA-2048 test certificate and its key (EVP_PKEY *), DER allocated with g_malloc. */
void fx_card(void **pkey, uint8_t **der, size_t *der_len);
/* RSA PKCS#1 v1.5 SHA-256 signature over msg (g_malloc). */
void fx_card_sign(void *pkey, const uint8_t *msg, size_t len, uint8_t **sig, size_t *sig_len);
void fx_card_free(void *pkey);

/* Reads a file under IPPYO_SOURCE_DIR (g_free). */
char *fx_read_source(const char *rel, size_t *len);
