/* Tests of the strict base64url, standard base64 and hex text forms. */
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

/* RFC 4648 §10 vectors, standard alphabet and padding. */
static const struct { const char *raw, *b64; } rfc4648_std[] = {
	{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
};

static void
test_b64_vectors(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(rfc4648_std); i++) {
		ippyo_buf *b = ippyo_buf_new(64);
		uint8_t *enc = NULL, dec[16];
		size_t enc_len, len, raw_len = strlen(rfc4648_std[i].raw);

		g_assert_nonnull(b);
		g_assert_cmpint(ippyo_b64_put(b, (const uint8_t *)rfc4648_std[i].raw, raw_len), ==, 0);
		g_assert_cmpint(ippyo_buf_steal(b, &enc, &enc_len), ==, 0);
		g_assert_cmpmem(enc, enc_len, rfc4648_std[i].b64, strlen(rfc4648_std[i].b64));
		g_assert_cmpuint(ippyo_b64_encoded_len(raw_len), ==, enc_len);
		g_assert_cmpuint(ippyo_b64_decoded_max(enc_len), >=, raw_len);
		OPENSSL_free(enc);
		ippyo_buf_free(b);
		g_assert_cmpint(ippyo_b64_decode(rfc4648_std[i].b64, strlen(rfc4648_std[i].b64),
		    dec, sizeof(dec), &len), ==, 0);
		g_assert_cmpmem(dec, len, rfc4648_std[i].raw, raw_len);
	}
}

static void
test_b64_alphabet(void)
{
	static const uint8_t raw[] = { 0xfb, 0xff, 0xbf };
	ippyo_buf *b = ippyo_buf_new(8);
	uint8_t *enc = NULL, out[3];
	size_t enc_len, len;

	g_assert_cmpint(ippyo_b64_put(b, raw, 3), ==, 0);
	g_assert_cmpint(ippyo_buf_steal(b, &enc, &enc_len), ==, 0);
	g_assert_cmpmem(enc, enc_len, "+/+/", 4);
	OPENSSL_free(enc);
	ippyo_buf_free(b);
	g_assert_cmpint(ippyo_b64_decode("+/+/", 4, out, 3, &len), ==, 0);
	g_assert_cmpmem(out, len, raw, 3);
	/* each form refuses the other's two characters */
	g_assert_cmpint(ippyo_b64_decode("-_-_", 4, out, 3, &len), ==, IPPYO_ERR_BAD_ENCODING);
	g_assert_cmpint(ippyo_b64url_decode("+/+/", 4, out, 3, &len), ==, IPPYO_ERR_BAD_ENCODING);
	/* a full buffer: the encoder's error, nothing half written counts */
	b = ippyo_buf_new(3);
	g_assert_cmpint(ippyo_b64_put(b, raw, 3), !=, 0);
	ippyo_buf_free(b);
}

static void
test_b64_strict(void)
{
	static const char *const bad[] = {
		"Zg",         /* no padding */
		"Zg=",        /* not a multiple of 4 */
		"Zm8",
		"Zg===",
		"Z===",       /* too much padding */
		"====",
		"Zg=a",       /* padding inside */
		"Z=g=",
		"=Zg=",
		"Zm9v Zg==",  /* whitespace */
		"Zm9v\nZg==",
		"Zh==",       /* non-zero unused bits */
		"Zm9=",
		"Zm-v",       /* the url alphabet */
		"Zm_v",
	};
	uint8_t out[8];
	size_t len;

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		len = 99;
		g_assert_cmpint(ippyo_b64_decode(bad[i], strlen(bad[i]), out, sizeof(out), &len),
		    ==, IPPYO_ERR_BAD_ENCODING);
		g_assert_cmpuint(len, ==, 0);
	}
	g_assert_cmpint(ippyo_b64_decode("Zm9vYmFy", 8, out, 5, &len), ==, IPPYO_ERR_LIMIT);
	g_assert_cmpint(ippyo_b64_decode("Zm9vYmE=", 8, out, 5, &len), ==, 0);
	g_assert_cmpuint(len, ==, 5);
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
	g_test_add_func("/ippyo/encoding/b64-vectors", test_b64_vectors);
	g_test_add_func("/ippyo/encoding/b64-alphabet", test_b64_alphabet);
	g_test_add_func("/ippyo/encoding/b64-strict", test_b64_strict);
	g_test_add_func("/ippyo/encoding/hex", test_hex);
	return g_test_run();
}
