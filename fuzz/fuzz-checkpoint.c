/*
 * Fuzzes tlog-checkpoint bodies (format gives the input back) and whole
 * signed checkpoints opened with the fixed log key.
 */
#include "fuzz.h"
#include "fuzz-keys.h"

#include "buf.h"
#include "log/checkpoint.h"

static ippyo_note_verifier *log_key;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	ippyo_note_signer *ls = fuzz_log_signer();

	log_key = fuzz_verifier(ls);
	ippyo_note_signer_free(ls);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ippyo_checkpoint *cp = NULL, *cp2 = NULL;
	ippyo_note *note = NULL;
	ippyo_buf *out;

	if (ippyo_checkpoint_parse(data, size, &cp) == 0) {
		out = ippyo_buf_new(IPPYO_CHECKPOINT_MAX_TEXT);
		FUZZ_CHECK(out != NULL);
		FUZZ_CHECK(ippyo_checkpoint_format(cp, out) == 0);
		FUZZ_CHECK(fuzz_same(ippyo_buf_data(out), ippyo_buf_len(out), data, size));
		ippyo_buf_free(out);
		ippyo_checkpoint_free(cp);
	}
	if (ippyo_checkpoint_open(data, size, FUZZ_ORIGIN, log_key, &cp2, &note) == 0) {
		FUZZ_CHECK(strcmp(cp2->origin, FUZZ_ORIGIN) == 0);
		FUZZ_CHECK(ippyo_checkpoint_parse(note->text, note->text_len, &cp) == 0);
		FUZZ_CHECK(cp->size == cp2->size);
		FUZZ_CHECK(memcmp(cp->root, cp2->root, sizeof(cp->root)) == 0);
		ippyo_checkpoint_free(cp);
		ippyo_checkpoint_free(cp2);
		ippyo_note_free(note);
	}
	return 0;
}
