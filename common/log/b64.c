/* ippyo — strict standard base64. */
#include "log/b64.h"

#include "error.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t
ippyo_b64_encoded_len(size_t len)
{
	return (len + 2) / 3 * 4;
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
	for (i = 0; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		q[0] = alphabet[v >> 18];
		q[1] = alphabet[(v >> 12) & 63];
		q[2] = alphabet[(v >> 6) & 63];
		q[3] = alphabet[v & 63];
		if ((r = ippyo_buf_put(out, q, 4)) != 0)
			return r;
	}
	if (len - i == 1) {
		q[0] = alphabet[in[i] >> 2];
		q[1] = alphabet[(in[i] & 3) << 4];
		q[2] = '=';
		q[3] = '=';
		return ippyo_buf_put(out, q, 4);
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)in[i] << 8 | in[i + 1];
		q[0] = alphabet[v >> 10];
		q[1] = alphabet[(v >> 4) & 63];
		q[2] = alphabet[(v & 15) << 2];
		q[3] = '=';
		return ippyo_buf_put(out, q, 4);
	}
	return 0;
}

static int
value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
ippyo_b64_decode(const char *in, size_t in_len, uint8_t *out, size_t cap, size_t *out_len)
{
	size_t pad = 0, need, i, o = 0;
	uint32_t acc = 0;
	int bits = 0, v;

	*out_len = 0;
	if (in_len % 4 != 0)
		return IPPYO_ERR_BAD_ENCODING;
	if (in_len >= 1 && in[in_len - 1] == '=')
		pad++;
	if (in_len >= 2 && in[in_len - 2] == '=')
		pad++;
	need = in_len / 4 * 3 - pad;
	if (need > cap)
		return IPPYO_ERR_LIMIT;
	for (i = 0; i < in_len - pad; i++) {
		if ((v = value(in[i])) < 0)
			return IPPYO_ERR_BAD_ENCODING;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* The bits left over must be zero (canonical form). */
	if (acc != 0)
		return IPPYO_ERR_BAD_ENCODING;
	*out_len = o;
	return 0;
}

int
ippyo_log_parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	*out = 0;
	if (len == 0 || len > 20 || (len > 1 && s[0] == '0'))
		return IPPYO_ERR_BAD_ENCODING;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return IPPYO_ERR_BAD_ENCODING;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return IPPYO_ERR_OVERFLOW;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

int
ippyo_log_put_u64(ippyo_buf *out, uint64_t v)
{
	char d[20];
	size_t n = 0;

	do {
		d[sizeof(d) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return ippyo_buf_put(out, d + sizeof(d) - n, n);
}
