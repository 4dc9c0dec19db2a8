/* Fuzzes the manifest parser: canonical bytes round trip, draft bytes re-parse. */
#include "fuzz.h"

#include <openssl/crypto.h>

#include "election/manifest.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ippyo_manifest *m = NULL, *d = NULL;
	const uint8_t *bytes;
	uint8_t *draft = NULL;
	size_t len, draft_len = 0;
	uint8_t h1[IPPYO_HASH_BYTES], h2[IPPYO_HASH_BYTES];

	if (ippyo_manifest_parse(&m, data, size, IPPYO_MANIFEST_ANY) != 0)
		return 0;
	/* Canonical JSON: the only byte form is the one parsed. */
	bytes = ippyo_manifest_bytes(m, &len);
	FUZZ_CHECK(fuzz_same(bytes, len, data, size));
	/* The draft of any manifest is itself a valid draft with the same hash. */
	FUZZ_CHECK(ippyo_manifest_draft_bytes(m, &draft, &draft_len) == 0);
	FUZZ_CHECK(ippyo_manifest_parse(&d, draft, draft_len, IPPYO_MANIFEST_DRAFT) == 0);
	ippyo_manifest_draft_hash(m, h1);
	ippyo_manifest_draft_hash(d, h2);
	FUZZ_CHECK(memcmp(h1, h2, sizeof(h1)) == 0);
	if (ippyo_manifest_is_sealed(m))
		FUZZ_CHECK(ippyo_manifest_election_hash(m, h1) == 0);
	else
		FUZZ_CHECK(fuzz_same(draft, draft_len, data, size));
	OPENSSL_free(draft);
	ippyo_manifest_free(d);
	ippyo_manifest_free(m);
	return 0;
}
