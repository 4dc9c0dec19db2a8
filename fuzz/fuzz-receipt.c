/*
 * Fuzzes tlog-proof receipts: the parser (serialize gives the input back)
 * and offline verification with the fixed log key, with and without a
 * witness policy.
 */
#include "fuzz.h"
#include "fuzz-keys.h"

#include "buf.h"
#include "log/receipt.h"

static ippyo_note_verifier *log_key;
static ippyo_policy *policy;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	ippyo_note_signer *ls = fuzz_log_signer();
	char *text = fuzz_policy_text();

	log_key = fuzz_verifier(ls);
	ippyo_note_signer_free(ls);
	FUZZ_CHECK(ippyo_policy_parse((const uint8_t *)text, strlen(text), &policy) == 0);
	free(text);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ippyo_receipt *r = NULL;
	ippyo_checkpoint *cp = NULL;
	ippyo_buf *out;
	uint8_t leaf[IPPYO_HASH_BYTES];

	if (ippyo_receipt_parse(data, size, &r) != 0)
		return 0;
	out = ippyo_buf_new(IPPYO_RECEIPT_MAX_BYTES);
	FUZZ_CHECK(out != NULL);
	FUZZ_CHECK(ippyo_receipt_serialize(r, out) == 0);
	FUZZ_CHECK(fuzz_same(ippyo_buf_data(out), ippyo_buf_len(out), data, size));
	/* The receipt's own extra (or nothing) as the entry: almost never included. */
	if (ippyo_receipt_verify(r, r->extra != NULL ? r->extra : (const uint8_t *)"x",
	    r->extra != NULL ? r->extra_len : 1, FUZZ_ORIGIN, log_key, NULL, &cp) == 0) {
		FUZZ_CHECK(cp != NULL && r->index < cp->size);
		ippyo_checkpoint_free(cp);
		cp = NULL;
	}
	memset(leaf, 0, sizeof(leaf));
	if (r->proof.n > 0)
		memcpy(leaf, r->proof.hash[0], sizeof(leaf));
	if (ippyo_receipt_verify_leaf(r, leaf, FUZZ_ORIGIN, log_key, policy, &cp) == 0) {
		FUZZ_CHECK(cp != NULL && r->index < cp->size);
		ippyo_checkpoint_free(cp);
	}
	ippyo_buf_free(out);
	ippyo_receipt_free(r);
	return 0;
}
