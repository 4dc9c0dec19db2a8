/* Fuzzes the voter roll parser: a parsed roll is rebuilt byte for byte from its entries. */
#include "fuzz.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "election/roll.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ippyo_roll *r = NULL;
	uint8_t (*fps)[IPPYO_FINGERPRINT_BYTES];
	uint8_t *out = NULL, hash[SHA256_DIGEST_LENGTH];
	size_t n, out_len = 0;

	if (ippyo_roll_parse(&r, data, size) != 0)
		return 0;
	n = ippyo_roll_count(r);
	FUZZ_CHECK(n >= 1 && n * IPPYO_ROLL_LINE_BYTES == size);
	FUZZ_CHECK(ippyo_roll_entry(r, n) == NULL);
	fps = calloc(n, sizeof(*fps));
	FUZZ_CHECK(fps != NULL);
	for (size_t i = 0; i < n; i++) {
		memcpy(fps[i], ippyo_roll_entry(r, i), IPPYO_FINGERPRINT_BYTES);
		FUZZ_CHECK(ippyo_roll_contains(r, fps[i]) == 1);
	}
	FUZZ_CHECK(ippyo_roll_build((const uint8_t (*)[IPPYO_FINGERPRINT_BYTES])fps, n,
	    &out, &out_len) == 0);
	FUZZ_CHECK(fuzz_same(out, out_len, data, size));
	SHA256(data, size, hash);
	FUZZ_CHECK(memcmp(hash, ippyo_roll_hash(r), sizeof(hash)) == 0);
	OPENSSL_free(out);
	free(fps);
	ippyo_roll_free(r);
	return 0;
}
