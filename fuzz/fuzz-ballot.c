/* Fuzzes the ballot parser against the fixed sealed manifest of tests/vectors/election-ballot.json. */
#include "fuzz.h"

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
	ippyo_ballot *b = NULL;
	const uint8_t *bytes;
	uint8_t code[IPPYO_TRACKING_CODE_BYTES];
	size_t len;
	int r;

	if (ippyo_ballot_parse(&b, manifest, data, size) != 0)
		return 0;
	bytes = ippyo_ballot_bytes(b, &len);
	FUZZ_CHECK(fuzz_same(bytes, len, data, size));
	FUZZ_CHECK(len == ippyo_ballot_size_for(manifest));
	FUZZ_CHECK(ippyo_tracking_code(data, size, code) == 0);
	FUZZ_CHECK(memcmp(code, ippyo_ballot_tracking_code(b), sizeof(code)) == 0);
	for (size_t c = 0; c < ippyo_ballot_contests(b); c++) {
		FUZZ_CHECK(ippyo_ballot_contest_sum(b, c) != NULL);
		for (size_t o = 0; o < ippyo_ballot_options(b, c); o++)
			FUZZ_CHECK(ippyo_ballot_selection(b, c, o) != NULL);
	}
	/* Any parsed ballot goes through the verifier without a crash. */
	r = ippyo_ballot_verify(b, manifest, key, ippyo_ballot_voter(b));
	FUZZ_CHECK(r == 0 || r < 0);
	ippyo_ballot_free(b);
	return 0;
}
