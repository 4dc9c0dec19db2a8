/*
 * Fuzzes C2SP signed notes: the note parser (serialize gives the input
 * back), verification against the fixed log and witness keys, and the
 * verifier and signer key strings (a parsed key prints back the same).
 */
#include "fuzz.h"
#include "fuzz-keys.h"

#include "buf.h"
#include "log/note.h"

static ippyo_note_verifier *keys[2];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	ippyo_note_signer *ls = fuzz_log_signer(), *ws = fuzz_witness_signer();

	keys[0] = fuzz_verifier(ls);
	keys[1] = fuzz_verifier(ws);
	ippyo_note_signer_free(ls);
	ippyo_note_signer_free(ws);
	return 0;
}

static void
fuzz_keys(const uint8_t *data, size_t size)
{
	ippyo_note_verifier *v = NULL;
	ippyo_note_signer *s = NULL;
	char *str = fuzz_strndup(data, size), *back = NULL;

	if (strlen(str) == size && ippyo_note_verifier_parse(str, &v) == 0) {
		FUZZ_CHECK(ippyo_note_verifier_string(v, &back) == 0);
		FUZZ_CHECK(strcmp(back, str) == 0);
		OPENSSL_free(back);
		back = NULL;
		ippyo_note_verifier_free(v);
	}
	if (strlen(str) == size && ippyo_note_signer_parse(str, &s) == 0) {
		FUZZ_CHECK(ippyo_note_signer_string(s, &back) == 0);
		FUZZ_CHECK(strcmp(back, str) == 0);
		OPENSSL_clear_free(back, strlen(back));
		ippyo_note_signer_free(s);
	}
	free(str);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ippyo_note *n = NULL;
	ippyo_buf *out;
	int verified[2];
	uint64_t ts[2];
	int r;

	fuzz_keys(data, size);
	if (ippyo_note_parse(data, size, &n) != 0)
		return 0;
	FUZZ_CHECK(n->nsigs >= 1 && n->text_len >= 1 && n->text[n->text_len - 1] == '\n');
	out = ippyo_buf_new(IPPYO_NOTE_MAX_BYTES);
	FUZZ_CHECK(out != NULL);
	FUZZ_CHECK(ippyo_note_serialize(n, out) == 0);
	FUZZ_CHECK(fuzz_same(ippyo_buf_data(out), ippyo_buf_len(out), data, size));
	r = ippyo_note_verify(n, (const ippyo_note_verifier *const *)keys, 2, verified, ts);
	FUZZ_CHECK(r <= 0);
	ippyo_buf_free(out);
	ippyo_note_free(n);
	return 0;
}
