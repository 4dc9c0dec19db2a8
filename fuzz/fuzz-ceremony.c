/*
 * Fuzzes the key ceremony's JSON files (commitments, share, result, and the
 * two secret files): every parser sees the whole input; a parsed file
 * written out parses again and writes out the same text (a fixed point).
 */
#include "fuzz.h"

#include <openssl/crypto.h>

#include "crypto/ceremony.h"

#define ROUND_TRIP(type, data, size) do { \
	type *a = NULL, *b = NULL; \
	char *t1 = NULL, *t2 = NULL; \
	size_t l1 = 0, l2 = 0; \
	if (type##_from_json(&a, (const char *)(data), (size)) == 0) { \
		FUZZ_CHECK(type##_to_json(a, &t1, &l1) == 0); \
		FUZZ_CHECK(type##_from_json(&b, t1, l1) == 0); \
		FUZZ_CHECK(type##_to_json(b, &t2, &l2) == 0); \
		FUZZ_CHECK(fuzz_same(t1, l1, t2, l2)); \
		OPENSSL_clear_free(t1, l1); \
		OPENSSL_clear_free(t2, l2); \
		type##_free(a); \
		type##_free(b); \
	} \
} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ippyo_ceremony_commitments *c = NULL;
	ippyo_ceremony_params p;

	ROUND_TRIP(ippyo_ceremony_commitments, data, size);
	ROUND_TRIP(ippyo_ceremony_share, data, size);
	ROUND_TRIP(ippyo_ceremony_result, data, size);
	ROUND_TRIP(ippyo_trustee_secret, data, size);
	ROUND_TRIP(ippyo_trustee_key, data, size);
	/* A parsed commitments file checked against its own parameters. */
	if (ippyo_ceremony_commitments_from_json(&c, (const char *)data, size) == 0) {
		int r;

		p = *ippyo_ceremony_commitments_params(c);
		r = ippyo_ceremony_commitments_verify(c, &p);
		FUZZ_CHECK(r <= 0);
		for (uint32_t k = 0; k < p.threshold; k++)
			FUZZ_CHECK(ippyo_ceremony_commitments_point(c, k) != NULL);
		FUZZ_CHECK(ippyo_ceremony_commitments_point(c, p.threshold) == NULL);
		ippyo_ceremony_commitments_free(c);
	}
	return 0;
}
