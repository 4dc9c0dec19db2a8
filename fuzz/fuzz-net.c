/*
 * Fuzzes what libippyo-net's client accepts from the chain without the
 * network: a checkpoint note (verified, then held as the trusted one) and a
 * receipt for a fixed entry, with and without a witness policy. (The JSON
 * answers of the submission and status endpoints are parsed by static
 * functions behind HTTP; docs/fuzzing.md says so.)
 */
#include "fuzz.h"
#include "fuzz-keys.h"

#include "net/ippyo-chain-client.h"

static IppyoChainClient *clients[2];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	ippyo_note_signer *ls = fuzz_log_signer();
	ippyo_note_verifier *lv = fuzz_verifier(ls);
	char *vkey = NULL, *policy = fuzz_policy_text();
	GBytes *pb = g_bytes_new(policy, strlen(policy));
	GError *error = NULL;

	FUZZ_CHECK(ippyo_note_verifier_string(lv, &vkey) == 0);
	clients[0] = ippyo_chain_client_new("http://127.0.0.1:9/", FUZZ_ORIGIN, vkey, NULL, &error);
	FUZZ_CHECK(clients[0] != NULL);
	clients[1] = ippyo_chain_client_new("http://127.0.0.1:9/", FUZZ_ORIGIN, vkey, pb, &error);
	FUZZ_CHECK(clients[1] != NULL);
	g_bytes_unref(pb);
	free(policy);
	OPENSSL_free(vkey);
	ippyo_note_verifier_free(lv);
	ippyo_note_signer_free(ls);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GBytes *in = g_bytes_new(data, size);
	GBytes *entry = g_bytes_new_static("fuzz", 4);

	for (size_t i = 0; i < 2; i++) {
		IppyoSignedCheckpoint *cp;
		IppyoChainReceipt *r;
		GError *error = NULL;

		cp = ippyo_chain_client_verify_checkpoint(clients[i], in, &error);
		FUZZ_CHECK((cp == NULL) == (error != NULL));
		g_clear_error(&error);
		if (cp != NULL) {
			FUZZ_CHECK(strcmp(ippyo_signed_checkpoint_get_origin(cp), FUZZ_ORIGIN) == 0);
			ippyo_signed_checkpoint_unref(cp);
		}
		r = ippyo_chain_client_verify_receipt(clients[i], entry, in, &error);
		FUZZ_CHECK((r == NULL) == (error != NULL));
		g_clear_error(&error);
		if (r != NULL)
			ippyo_chain_receipt_unref(r);
	}
	g_bytes_unref(entry);
	g_bytes_unref(in);
	return 0;
}
