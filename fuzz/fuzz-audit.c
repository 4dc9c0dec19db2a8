/* Fuzzes the Benaloh audit record parser (and the audit check) against the vector's manifest. */
#include "fuzz.h"

#include <openssl/crypto.h>

#include "election/ballot.h"
#include "fuzz-vector-manifest.h"

static ippyo_manifest *manifest;
static ippyo_election_key *key;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FUZZ_CHECK(ippyo_manifest_parse(&manifest, fuzz_vector_manifest,
	    sizeof(fuzz_vector_manifest), IPPYO_MANIFEST_SEALED) == 0);
	FUZZ_CHECK(ippyo_manifest_election_key(manifest, &key) == 0);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ippyo_audit *a = NULL;
	ippyo_ballot *rebuilt = NULL;
	uint8_t *out = NULL;
	size_t out_len = 0;
	size_t bad;
	int r;

	if (ippyo_audit_parse(&a, manifest, data, size) != 0)
		return 0;
	FUZZ_CHECK(ippyo_audit_serialize(a, &out, &out_len) == 0);
	FUZZ_CHECK(fuzz_same(out, out_len, data, size));
	FUZZ_CHECK(ippyo_choices_check(ippyo_audit_choices(a), manifest, &bad) == 0);
	r = ippyo_audit_check(a, manifest, key, NULL, 0, &rebuilt);
	if (r == 0)
		FUZZ_CHECK(memcmp(ippyo_ballot_tracking_code(rebuilt),
		    ippyo_audit_tracking_code(a), IPPYO_TRACKING_CODE_BYTES) == 0);
	else
		FUZZ_CHECK(rebuilt == NULL);
	ippyo_ballot_free(rebuilt);
	OPENSSL_clear_free(out, out_len);
	ippyo_audit_free(a);
	return 0;
}
