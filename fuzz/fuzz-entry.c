/*
 * Fuzzes the chain entry parser: canonical bytes round trip, every accessor
 * of the parsed type, and the signature checks: the officials' key of the
 * vector's manifest (which signed the seeds), a manifest entry's own key.
 */
#include "fuzz.h"

#include "election/entry.h"
#include "error.h"
#include "fuzz-vector-manifest.h"

static ippyo_manifest *manifest;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FUZZ_CHECK(ippyo_manifest_parse(&manifest, fuzz_vector_manifest,
	    sizeof(fuzz_vector_manifest), IPPYO_MANIFEST_SEALED) == 0);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ippyo_entry *e = NULL;
	const uint8_t *bytes, *ballot, *cert, *sig, *doc;
	const char *name, *time;
	size_t len, blen, clen, slen, dlen, n;
	uint64_t u1, u2;
	int r;

	if (ippyo_entry_parse(&e, data, size) != 0)
		return 0;
	bytes = ippyo_entry_bytes(e, &len);
	FUZZ_CHECK(fuzz_same(bytes, len, data, size));
	FUZZ_CHECK(ippyo_entry_type_name(ippyo_entry_get_type(e)) != NULL);
	FUZZ_CHECK(ippyo_entry_election_id(e) != NULL);
	switch (ippyo_entry_get_type(e)) {
	case IPPYO_ENTRY_MANIFEST:
		FUZZ_CHECK(ippyo_entry_manifest(e) != NULL);
		FUZZ_CHECK(ippyo_manifest_is_sealed(ippyo_entry_manifest(e)));
		break;
	case IPPYO_ENTRY_BALLOT:
		FUZZ_CHECK(ippyo_entry_ballot(e, &ballot, &blen, &cert, &clen, &sig, &slen) == 0);
		FUZZ_CHECK(ippyo_entry_voter(e) != NULL);
		/* Card signature over the ballot bytes: fails cleanly or verifies. */
		r = ippyo_entry_verify_card(e);
		FUZZ_CHECK(r <= 0);
		break;
	case IPPYO_ENTRY_CEREMONY:
	case IPPYO_ENTRY_DECRYPTION:
		n = ippyo_entry_documents(e);
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK(ippyo_entry_get_document(e, i, &name, &doc, &dlen) == 0);
		FUZZ_CHECK(ippyo_entry_get_document(e, n, &name, &doc, &dlen) != 0);
		break;
	case IPPYO_ENTRY_CLOSE:
		FUZZ_CHECK(ippyo_entry_close(e, &u1, &time) == 0);
		break;
	case IPPYO_ENTRY_RESULT:
		FUZZ_CHECK(ippyo_entry_result(e, &u1, &u2, &n) == 0);
		for (size_t c = 0; c < n; c++)
			for (size_t o = 0; o < ippyo_entry_result_options(e, c); o++)
				FUZZ_CHECK(ippyo_entry_result_total(e, c, o, &u1) == 0);
		break;
	default:
		FUZZ_CHECK(!"unknown entry type parsed");
	}
	if (ippyo_entry_get_type(e) != IPPYO_ENTRY_BALLOT) {
		r = ippyo_entry_verify_officials(e, ippyo_manifest_officials_key(manifest));
		FUZZ_CHECK(r <= 0);
		if (ippyo_entry_get_type(e) == IPPYO_ENTRY_MANIFEST) {
			r = ippyo_entry_verify_officials(e,
			    ippyo_manifest_officials_key(ippyo_entry_manifest(e)));
			FUZZ_CHECK(r <= 0);
		}
	} else
		FUZZ_CHECK(ippyo_entry_verify_officials(e,
		    ippyo_manifest_officials_key(manifest)) == IPPYO_ERR_ENTRY_TYPE);
	ippyo_entry_free(e);
	return 0;
}
