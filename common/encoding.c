/* ippyo — strict base64 (standard and url) and hex. */
#include "encoding.h"

#include <string.h>

#include <openssl/crypto.h>

#include "error.h"

/*
 * RFC 4648 base64 in its two forms, one coder for both: §4 (the standard
 * alphabet, padded with '=' to a multiple of 4: the C2SP text formats) and
 * §5 (the URL-safe alphabet, without padding: JSON values). Both decoders
 * are strict: only the form's 64 characters (and, standard, its padding),
 * no whitespace, and zero unused bits in the last character, so that every
 * byte string has exactly one text form in each.
 */
typedef struct {
	const char *alphabet;
	int padded;
	int not_canonical;        /* the error for non-zero unused bits */
} b64_form;

static const b64_form b64_std = {
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 1,
	IPPYO_ERR_BAD_ENCODING
};
static const b64_form b64_url = {
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 0,
	IPPYO_ERR_NOT_CANONICAL
};

static size_t
b64_encoded_len(const b64_form *f, size_t len)
{
	if (f->padded)
		return (len + 2) / 3 * 4;
	return len / 3 * 4 + (len % 3 == 0 ? 0 : len % 3 + 1);
}

/* Writes the b64_encoded_len(f, len) characters of the encoding of in to s. */
static void
b64_write(const b64_form *f, const uint8_t *in, size_t len, char *s)
{
	const char *a = f->alphabet;
	size_t i, o = 0;

	for (i = 0; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		s[o++] = a[v >> 18];
		s[o++] = a[(v >> 12) & 63];
		s[o++] = a[(v >> 6) & 63];
		s[o++] = a[v & 63];
	}
	if (len - i == 1) {
		s[o++] = a[in[i] >> 2];
		s[o++] = a[(in[i] & 3) << 4];
		if (f->padded) {
			s[o++] = '=';
			s[o++] = '=';
		}
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)in[i] << 8 | in[i + 1];
		s[o++] = a[v >> 10];
		s[o++] = a[(v >> 4) & 63];
		s[o++] = a[(v & 15) << 2];
		if (f->padded)
			s[o++] = '=';
	}
}

static int
b64_value(const b64_form *f, char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == f->alphabet[62])
		return 62;
	if (c == f->alphabet[63])
		return 63;
	return -1;
}

/* Decodes the n characters of in, padding already taken off. */
static int
b64_read(const b64_form *f, const char *in, size_t n, uint8_t *out, size_t cap,
    size_t *out_len)
{
	size_t need, i, o = 0;
	uint32_t acc = 0;
	int bits = 0;

	*out_len = 0;
	if (n % 4 == 1)
		return IPPYO_ERR_BAD_ENCODING;
	need = n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1);
	if (need > cap)
		return IPPYO_ERR_LIMIT;
	for (i = 0; i < n; i++) {
		int v = b64_value(f, in[i]);

		if (v < 0) {
			OPENSSL_cleanse(out, o);
			return IPPYO_ERR_BAD_ENCODING;
		}
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
		return f->not_canonical;
	}
	*out_len = o;
	return 0;
}

size_t
ippyo_b64url_encoded_len(size_t len)
{
	return b64_encoded_len(&b64_url, len);
}

int
ippyo_b64url_encode(const uint8_t *in, size_t len, char **out)
{
	size_t n;
	char *s;

	*out = NULL;
	if (len > (SIZE_MAX - 8) / 4 * 3)
		return IPPYO_ERR_OVERFLOW;
	n = ippyo_b64url_encoded_len(len);
	if ((s = OPENSSL_malloc(n + 1)) == NULL)
		return IPPYO_ERR_ALLOC;
	b64_write(&b64_url, in, len, s);
	s[n] = '\0';
	*out = s;
	return 0;
}

int
ippyo_b64url_decode(const char *in, size_t in_len, uint8_t *out, size_t cap,
    size_t *out_len)
{
	return b64_read(&b64_url, in, in_len, out, cap, out_len);
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

size_t
ippyo_b64_encoded_len(size_t len)
{
	return b64_encoded_len(&b64_std, len);
}

size_t
ippyo_b64_decoded_max(size_t in_len)
{
	return in_len / 4 * 3;
}

int
ippyo_b64_put(ippyo_buf *out, const uint8_t *in, size_t len)
{
	char q[4];
	size_t i;
	int r;

	if (len > SIZE_MAX / 2)
		return IPPYO_ERR_OVERFLOW;
	/* a group of 3 bytes at a time: 4 characters, padded at the end */
	for (i = 0; i < len; i += 3) {
		size_t n = len - i < 3 ? len - i : 3;

		b64_write(&b64_std, in + i, n, q);
		if ((r = ippyo_buf_put(out, q, sizeof(q))) != 0)
			return r;
	}
	return 0;
}

int
ippyo_b64_decode(const char *in, size_t in_len, uint8_t *out, size_t cap, size_t *out_len)
{
	size_t pad = 0;

	*out_len = 0;
	if (in_len % 4 != 0)
		return IPPYO_ERR_BAD_ENCODING;
	if (in_len >= 1 && in[in_len - 1] == '=')
		pad++;
	if (in_len >= 2 && in[in_len - 2] == '=')
		pad++;
	/* "x===" and "====" leave an '=' among the characters: refused there */
	return b64_read(&b64_std, in, in_len - pad, out, cap, out_len);
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
