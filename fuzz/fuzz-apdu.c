/*
 * Fuzzes the virtual card's APDU engine with a card of the test PKI
 * (IPPYO_FUZZ_CARD, else the build's tests/vcard/pki/cards/voter-001).
 * The input is a session: records of one length byte L and L bytes of
 * C-APDU (cut short at the end); L = 0xff resets the card instead. Every
 * answer is 2..258 bytes and the PIN counters stay within their maximums.
 */
#include "fuzz.h"

#include "apdu.h"

#ifndef FUZZ_CARD_DIR
#error "FUZZ_CARD_DIR names the test card (fuzz/meson.build)"
#endif

static vcard_card *card;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = g_getenv("IPPYO_FUZZ_CARD");
	GError *error = NULL;

	card = vcard_card_load(dir != NULL ? dir : FUZZ_CARD_DIR, &error);
	if (card == NULL) {
		fprintf(stderr, "fuzz-apdu: %s (build the test PKI: ninja tests/vcard/pki.stamp)\n",
		    error->message);
		exit(1);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vcard_state *st = vcard_state_new(card);
	uint8_t rapdu[VCARD_RAPDU_MAX];
	size_t pos = 0, rlen;

	vcard_power(st, VCARD_POWER_ON);
	while (pos < size) {
		size_t len = data[pos++];

		if (len == 0xff) {
			vcard_power(st, VCARD_RESET);
			continue;
		}
		if (len > size - pos)
			len = size - pos;
		rlen = 0;
		vcard_apdu(st, data + pos, len, rapdu, &rlen);
		FUZZ_CHECK(rlen >= 2 && rlen <= VCARD_RAPDU_MAX);
		pos += len;
		FUZZ_CHECK(vcard_state_auth_tries(st) <= VCARD_AUTH_TRIES);
		FUZZ_CHECK(vcard_state_sign_tries(st) <= VCARD_SIGN_TRIES);
	}
	(void)vcard_state_take_dirty(st);
	vcard_state_free(st);
	return 0;
}
