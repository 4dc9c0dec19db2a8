/* ippyo — strict decimals of the C2SP text formats. */
#include "log/decimal.h"

#include "error.h"

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
