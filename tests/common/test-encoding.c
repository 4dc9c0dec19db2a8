/* Tests of the strict base64url and hex text forms. */
#include <glib.h>
#include <openssl/crypto.h>
#include <string.h>

#include "encoding.h"
#include "error.h"

/* RFC 4648 §10 vectors, in the url alphabet and without padding. */
static const struct { const char *raw, *b64; } rfc4648[] = {
	{ "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
	{ "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" }, { "foobar", "Zm9vYmFy" },
};

static void
test_b64url_vectors(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(rfc4648); i++) {
		char *enc;
		uint8_t dec[16];
		size_t len;

		g_assert_cmpint(ippyo_b64url_encode((const uint8_t *)rfc4648[i].raw,
		    strlen(rfc4648[i].raw), &enc), ==, 0);
		g_assert_cmpstr(enc, ==, rfc4648[i].b64);
		OPENSSL_free(enc);
		g_assert_cmpint(ippyo_b64url_decode(rfc4648[i].b64, strlen(rfc4648[i].b64),
		    dec, sizeof(dec), &len), ==, 0);
		g_assert_cmpmem(dec, len, rfc4648[i].raw, strlen(rfc4648[i].raw));
	}
}

static void
test_b64url_alphabet(void)
{
	static const uint8_t raw[] = { 0xfb, 0xff, 0xbf };
	char *enc;
	uint8_t out[3];

	g_assert_cmpint(ippyo_b64url_encode(raw, 3, &enc), ==, 0);
	g_assert_cmpstr(enc, ==, "-_-_");
	OPENSSL_free(enc);
	g_assert_cmpint(ippyo_b64url_decode_exact("-_-_", out, 3), ==, 0);
	g_assert_cmpmem(out, 3, raw, 3);
}

static void
test_b64url_strict(void)
{
	static const struct { const char *in; int err; } bad[] = {
		{ "Zg==", IPPYO_ERR_BAD_ENCODING },   /* padding */
		{ "Zm9v+", IPPYO_ERR_BAD_ENCODING },  /* length 1 mod 4 */
		{ "Zm+v", IPPYO_ERR_BAD_ENCODING },   /* standard alphabet */
		{ "Zm/v", IPPYO_ERR_BAD_ENCODING },
		{ "Zm 9", IPPYO_ERR_BAD_ENCODING },   /* whitespace */
		{ "Zh", IPPYO_ERR_NOT_CANONICAL },    /* non-zero unused bits */
		{ "Zm9", IPPYO_ERR_NOT_CANONICAL },
	};
	uint8_t out[8];
	size_t len;

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
		g_assert_cmpint(ippyo_b64url_decode(bad[i].in, strlen(bad[i].in), out,
		    sizeof(out), &len), ==, bad[i].err);
	g_assert_cmpint(ippyo_b64url_decode("Zm9vYmFy", 8, out, 5, &len), ==, IPPYO_ERR_LIMIT);
	g_assert_cmpint(ippyo_b64url_decode_exact("Zm9vYmE", out, 6), ==, IPPYO_ERR_BAD_ENCODING);
}

static void
test_hex(void)
{
	static const uint8_t raw[] = { 0x00, 0xab, 0xff, 0x10 };
	char *enc;
	uint8_t out[4];

	g_assert_cmpint(ippyo_hex_encode(raw, 4, &enc), ==, 0);
	g_assert_cmpstr(enc, ==, "00abff10");
	OPENSSL_free(enc);
	g_assert_cmpint(ippyo_hex_decode_exact("00abff10", out, 4), ==, 0);
	g_assert_cmpmem(out, 4, raw, 4);
	g_assert_cmpint(ippyo_hex_decode_exact("00ABff10", out, 4), ==, IPPYO_ERR_BAD_ENCODING);
	g_assert_cmpint(ippyo_hex_decode_exact("00abff1", out, 4), ==, IPPYO_ERR_BAD_ENCODING);
	g_assert_cmpint(ippyo_hex_decode_exact("00abff1g", out, 4), ==, IPPYO_ERR_BAD_ENCODING);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ippyo/encoding/b64url-vectors", test_b64url_vectors);
	g_test_add_func("/ippyo/encoding/b64url-alphabet", test_b64url_alphabet);
	g_test_add_func("/ippyo/encoding/b64url-strict", test_b64url_strict);
	g_test_add_func("/ippyo/encoding/hex", test_hex);
	return g_test_run();
}
