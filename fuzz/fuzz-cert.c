/*
 * Fuzzes the card certificate and CRL parsers (DER and PEM): a parsed
 * certificate's DER is the input, its fingerprint the SHA-256 of it, every
 * accessor answers, and a chain check against itself fails cleanly or passes.
 */
#include "fuzz.h"

#include <openssl/sha.h>

#include "card/cert.h"

static void
fuzz_cert(ippyo_cert *c, const uint8_t *der_in, size_t der_in_len)
{
	const ippyo_cert *cas[1] = { c };
	uint8_t fp[IPPYO_CERT_FINGERPRINT_BYTES], hash[SHA256_DIGEST_LENGTH];
	const uint8_t *der;
	char *s = NULL;
	int64_t nb, na;
	size_t len;
	int r;

	der = ippyo_cert_der(c, &len);
	if (der_in != NULL)
		FUZZ_CHECK(fuzz_same(der, len, der_in, der_in_len));
	FUZZ_CHECK(ippyo_cert_fingerprint(c, fp) == 0);
	SHA256(der, len, hash);
	FUZZ_CHECK(memcmp(fp, hash, sizeof(fp)) == 0);
	if (ippyo_cert_subject(c, &s) == 0)
		free(s);
	s = NULL;
	if (ippyo_cert_issuer(c, &s) == 0)
		free(s);
	s = NULL;
	if (ippyo_cert_serial_hex(c, &s) == 0)
		free(s);
	if (ippyo_cert_validity(c, &nb, &na) == 0) {
		r = ippyo_cert_check_time(c, nb);
		FUZZ_CHECK(r <= 0);
		r = ippyo_cert_verify_chain(c, cas, 1, NULL, nb / 2 + na / 2);
		FUZZ_CHECK(r <= 0);
	}
	r = ippyo_cert_verify_sha256_rsa(c, der, len, hash, sizeof(hash));
	FUZZ_CHECK(r < 0);
}

static void
fuzz_crl(ippyo_crl *crl)
{
	int64_t tu, nu;
	int r = ippyo_crl_validity(crl, &tu, &nu);

	FUZZ_CHECK(r <= 0);
	ippyo_crl_free(crl);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ippyo_cert *c = NULL;
	ippyo_crl *crl = NULL;

	if (ippyo_cert_parse_der(data, size, &c) == 0) {
		fuzz_cert(c, data, size);
		ippyo_cert_free(c);
		c = NULL;
	}
	if (ippyo_cert_parse_pem((const char *)data, size, &c) == 0) {
		fuzz_cert(c, NULL, 0);
		ippyo_cert_free(c);
	}
	if (ippyo_crl_parse_der(data, size, &crl) == 0)
		fuzz_crl(crl);
	crl = NULL;
	if (ippyo_crl_parse_pem((const char *)data, size, &crl) == 0)
		fuzz_crl(crl);
	return 0;
}
