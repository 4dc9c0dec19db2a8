/* ippyo — C2SP tlog-cosignature/v1 with Ed25519 (signature type 0x04). */
#include "log/cosignature.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "error.h"

int
ippyo_cosignature_message(const uint8_t *cp_text, size_t len, uint64_t timestamp,
    ippyo_buf *out)
{
	char line[64];
	int n, r;

	if (timestamp > (uint64_t)IPPYO_COSIGNATURE_MAX_TIME)
		return IPPYO_ERR_COSIGNATURE;
	n = snprintf(line, sizeof(line), "time %llu\n", (unsigned long long)timestamp);
	if (n < 0 || (size_t)n >= sizeof(line))
		return IPPYO_ERR_INTERNAL;
	if ((r = ippyo_buf_put_str(out, "cosignature/v1\n")) != 0 ||
	    (r = ippyo_buf_put(out, line, (size_t)n)) != 0 ||
	    (r = ippyo_buf_put(out, cp_text, len)) != 0)
		return r;
	return 0;
}

static ippyo_buf *
message(const uint8_t *cp_text, size_t len, uint64_t timestamp, int *r)
{
	ippyo_buf *b;

	if (len > IPPYO_NOTE_MAX_BYTES) {
		*r = IPPYO_ERR_LIMIT;
		return NULL;
	}
	if ((b = ippyo_buf_new(len + 128)) == NULL) {
		*r = IPPYO_ERR_ALLOC;
		return NULL;
	}
	if ((*r = ippyo_cosignature_message(cp_text, len, timestamp, b)) != 0) {
		ippyo_buf_free(b);
		return NULL;
	}
	return b;
}

int
ippyo_cosignature_sign(const ippyo_note_signer *witness, const uint8_t *cp_text, size_t len,
    uint64_t timestamp, uint8_t sig[IPPYO_COSIGNATURE_BYTES])
{
	ippyo_buf *b;
	int i, r;

	if (ippyo_note_signer_type(witness) != IPPYO_NOTE_TYPE_COSIGNATURE)
		return IPPYO_ERR_BAD_KEY;
	if ((b = message(cp_text, len, timestamp, &r)) == NULL)
		return r;
	for (i = 0; i < 8; i++)
		sig[i] = (uint8_t)(timestamp >> (56 - 8 * i));
	r = ippyo_note_signer_sign_raw(witness, ippyo_buf_data(b), ippyo_buf_len(b), sig + 8);
	ippyo_buf_free(b);
	return r;
}

int
ippyo_cosignature_add(ippyo_note *n, const ippyo_note_signer *witness, uint64_t timestamp)
{
	uint8_t sig[IPPYO_COSIGNATURE_BYTES];
	int r;

	if ((r = ippyo_cosignature_sign(witness, n->text, n->text_len, timestamp, sig)) != 0)
		return r;
	return ippyo_note_add_sig(n, ippyo_note_signer_name(witness),
	    ippyo_note_signer_key_id(witness), sig, sizeof(sig));
}

int
ippyo_cosignature_verify(const ippyo_note_verifier *witness, const uint8_t *cp_text,
    size_t len, const uint8_t *sig, size_t sig_len, uint64_t *timestamp)
{
	ippyo_buf *b;
	uint64_t t = 0;
	int i, r;

	if (timestamp != NULL)
		*timestamp = 0;
	if (ippyo_note_verifier_type(witness) != IPPYO_NOTE_TYPE_COSIGNATURE)
		return IPPYO_ERR_BAD_KEY;
	if (sig_len != IPPYO_COSIGNATURE_BYTES)
		return IPPYO_ERR_COSIGNATURE;
	for (i = 0; i < 8; i++)
		t = t << 8 | sig[i];
	if (t > (uint64_t)IPPYO_COSIGNATURE_MAX_TIME)
		return IPPYO_ERR_COSIGNATURE;
	if ((b = message(cp_text, len, t, &r)) == NULL)
		return r;
	r = ippyo_note_verifier_verify_raw(witness, ippyo_buf_data(b), ippyo_buf_len(b), sig + 8,
	    IPPYO_ED25519_SIG_BYTES);
	ippyo_buf_free(b);
	if (r == IPPYO_ERR_NOTE_SIGNATURE)
		return IPPYO_ERR_COSIGNATURE;
	if (r != 0)
		return r;
	if (timestamp != NULL)
		*timestamp = t;
	return 0;
}
