/*
 * The fixed keys of the log harnesses and of the seed generator: a chain
 * (log) key and a witness key from constant seeds, so that the committed
 * seed corpus carries signatures these harnesses can verify.
 */
#pragma once

#include <stdio.h>

#include <openssl/crypto.h>

#include "log/note.h"

#define FUZZ_ORIGIN "vote.example.jp/fuzz"
#define FUZZ_WITNESS "witness.example.jp/fuzz"

static inline ippyo_note_signer *
fuzz_signer(const char *name, uint8_t type, uint8_t fill)
{
	uint8_t seed[IPPYO_ED25519_SEED_BYTES];
	ippyo_note_signer *s = NULL;

	memset(seed, fill, sizeof(seed));
	FUZZ_CHECK(ippyo_note_signer_from_seed(name, type, seed, &s) == 0);
	return s;
}

static inline ippyo_note_signer *
fuzz_log_signer(void)
{
	return fuzz_signer(FUZZ_ORIGIN, IPPYO_NOTE_TYPE_ED25519, 0x11);
}

static inline ippyo_note_signer *
fuzz_witness_signer(void)
{
	return fuzz_signer(FUZZ_WITNESS, IPPYO_NOTE_TYPE_COSIGNATURE, 0x22);
}

static inline ippyo_note_verifier *
fuzz_verifier(ippyo_note_signer *s)
{
	ippyo_note_verifier *v = NULL;

	FUZZ_CHECK(ippyo_note_signer_verifier(s, &v) == 0);
	return v;
}

/* "log <vkey>\nwitness w <vkey>\nquorum w\n" (malloc). */
static inline char *
fuzz_policy_text(void)
{
	ippyo_note_signer *ls = fuzz_log_signer(), *ws = fuzz_witness_signer();
	ippyo_note_verifier *lv = fuzz_verifier(ls), *wv = fuzz_verifier(ws);
	char *lk = NULL, *wk = NULL, *text;
	size_t cap;

	FUZZ_CHECK(ippyo_note_verifier_string(lv, &lk) == 0);
	FUZZ_CHECK(ippyo_note_verifier_string(wv, &wk) == 0);
	cap = strlen(lk) + strlen(wk) + 64;
	text = malloc(cap);
	FUZZ_CHECK(text != NULL);
	FUZZ_CHECK(snprintf(text, cap, "log %s\nwitness w %s\nquorum w\n", lk, wk) > 0);
	OPENSSL_free(lk);
	OPENSSL_free(wk);
	ippyo_note_verifier_free(lv);
	ippyo_note_verifier_free(wv);
	ippyo_note_signer_free(ls);
	ippyo_note_signer_free(ws);
	return text;
}
