/* ippyo — strict base64url and hex. */
#include "encoding.h"

#include <string.h>

#include <openssl/crypto.h>

#include "error.h"

static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t
ippyo_b64url_encoded_len(size_t len)
{
	return len / 3 * 4 + (len % 3 == 0 ? 0 : len % 3 + 1);
}

int
ippyo_b64url_encode(const uint8_t *in, size_t len, char **out)
{
	size_t n, i, o = 0;
	char *s;

	*out = NULL;
	if (len > (SIZE_MAX - 8) / 4 * 3)
		return IPPYO_ERR_OVERFLOW;
	n = ippyo_b64url_encoded_len(len);
	if ((s = OPENSSL_malloc(n + 1)) == NULL)
		return IPPYO_ERR_ALLOC;
	for (i = 0; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		s[o++] = b64url_alphabet[v >> 18];
		s[o++] = b64url_alphabet[(v >> 12) & 63];
		s[o++] = b64url_alphabet[(v >> 6) & 63];
		s[o++] = b64url_alphabet[v & 63];
	}
	if (len - i == 1) {
		s[o++] = b64url_alphabet[in[i] >> 2];
		s[o++] = b64url_alphabet[(in[i] & 3) << 4];
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)in[i] << 8 | in[i + 1];
		s[o++] = b64url_alphabet[v >> 10];
		s[o++] = b64url_alphabet[(v >> 4) & 63];
		s[o++] = b64url_alphabet[(v & 15) << 2];
	}
	s[o] = '\0';
	*out = s;
	return 0;
}

static int
b64url_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

int
ippyo_b64url_decode(const char *in, size_t in_len, uint8_t *out, size_t cap,
    size_t *out_len)
{
	size_t need, i, o = 0;
	uint32_t acc = 0;
	int bits = 0;

	*out_len = 0;
	if (in_len % 4 == 1)
		return IPPYO_ERR_BAD_ENCODING;
	need = in_len / 4 * 3 + (in_len % 4 == 0 ? 0 : in_len % 4 - 1);
	if (need > cap)
		return IPPYO_ERR_LIMIT;
	for (i = 0; i < in_len; i++) {
		int v = b64url_value(in[i]);

		if (v < 0)
			return IPPYO_ERR_BAD_ENCODING;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* Unused low bits of the last character must be zero (canonical form). */
	if (acc != 0) {
		OPENSSL_cleanse(out, o);
		return IPPYO_ERR_NOT_CANONICAL;
	}
	*out_len = o;
	return 0;
}

int
ippyo_b64url_decode_exact(const char *in, uint8_t *out, size_t want)
{
	size_t len = strlen(in), got;
	int e;

	if (len != ippyo_b64url_encoded_len(want))
		return IPPYO_ERR_BAD_ENCODING;
	if ((e = ippyo_b64url_decode(in, len, out, want, &got)) != 0)
		return e;
	return got == want ? 0 : IPPYO_ERR_BAD_ENCODING;
}

void
ippyo_hex_write(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

int
ippyo_hex_encode(const uint8_t *in, size_t len, char **out)
{
	char *s;

	*out = NULL;
	if (len > (SIZE_MAX - 1) / 2)
		return IPPYO_ERR_OVERFLOW;
	if ((s = OPENSSL_malloc(2 * len + 1)) == NULL)
		return IPPYO_ERR_ALLOC;
	ippyo_hex_write(in, len, s);
	*out = s;
	return 0;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
ippyo_hex_decode_exact(const char *in, uint8_t *out, size_t want)
{
	if (strlen(in) != 2 * want)
		return IPPYO_ERR_BAD_ENCODING;
	for (size_t i = 0; i < want; i++) {
		int hi = hex_value(in[2 * i]), lo = hex_value(in[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			OPENSSL_cleanse(out, i);
			return IPPYO_ERR_BAD_ENCODING;
		}
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}
