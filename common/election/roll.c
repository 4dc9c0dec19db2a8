/* ippyo — the voter roll file. */
#include "roll.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "../crypto/hash.h"
#include "../encoding.h"
#include "../error.h"

struct ippyo_roll {
	size_t n;
	uint8_t (*fp)[IPPYO_FINGERPRINT_BYTES];
	uint8_t hash[IPPYO_HASH_BYTES];
};

void
ippyo_roll_free(ippyo_roll *r)
{
	if (r == NULL)
		return;
	OPENSSL_free(r->fp);
	OPENSSL_free(r);
}

static int
is_lower_hex(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

int
ippyo_roll_parse(ippyo_roll **out, const uint8_t *in, size_t len)
{
	ippyo_roll *r = NULL;
	char line[IPPYO_ROLL_LINE_BYTES];
	size_t i, k, n;
	int ret;

	*out = NULL;
	if (in == NULL || len == 0 || len % IPPYO_ROLL_LINE_BYTES != 0)
		return IPPYO_ERR_BAD_ROLL;
	n = len / IPPYO_ROLL_LINE_BYTES;
	if (n > IPPYO_ROLL_MAX_ENTRIES)
		return IPPYO_ERR_LIMIT;
	if ((r = OPENSSL_zalloc(sizeof(*r))) == NULL ||
	    (r->fp = OPENSSL_malloc(n * IPPYO_FINGERPRINT_BYTES)) == NULL) {
		ret = IPPYO_ERR_ALLOC;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const uint8_t *l = in + i * IPPYO_ROLL_LINE_BYTES;

		ret = IPPYO_ERR_BAD_ROLL;
		if (l[IPPYO_ROLL_LINE_BYTES - 1] != '\n')
			goto out;
		for (k = 0; k < IPPYO_ROLL_LINE_BYTES - 1; k++) {
			if (!is_lower_hex(l[k]))
				goto out;
		}
		memcpy(line, l, IPPYO_ROLL_LINE_BYTES - 1);
		line[IPPYO_ROLL_LINE_BYTES - 1] = '\0';
		if (ippyo_hex_decode_exact(line, r->fp[i], IPPYO_FINGERPRINT_BYTES) != 0)
			goto out;
		/* Strictly ascending: sorted and unique. */
		if (i > 0 && memcmp(r->fp[i - 1], r->fp[i], IPPYO_FINGERPRINT_BYTES) >= 0)
			goto out;
	}
	r->n = n;
	if ((ret = ippyo_sha256(in, len, r->hash)) != 0)
		goto out;
	*out = r;
	r = NULL;
	ret = 0;
out:
	ippyo_roll_free(r);
	return ret;
}

size_t ippyo_roll_count(const ippyo_roll *r) { return r->n; }
const uint8_t *ippyo_roll_hash(const ippyo_roll *r) { return r->hash; }

const uint8_t *
ippyo_roll_entry(const ippyo_roll *r, size_t i)
{
	return i < r->n ? r->fp[i] : NULL;
}

int
ippyo_roll_contains(const ippyo_roll *r, const uint8_t fp[IPPYO_FINGERPRINT_BYTES])
{
	size_t lo = 0, hi = r->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = memcmp(r->fp[mid], fp, IPPYO_FINGERPRINT_BYTES);
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int
ippyo_roll_check_manifest(const ippyo_roll *r, const ippyo_manifest *m)
{
	if (ippyo_manifest_roll_count(m) != r->n ||
	    memcmp(ippyo_manifest_roll_hash(m), r->hash, IPPYO_HASH_BYTES) != 0)
		return IPPYO_ERR_BAD_ROLL;
	return 0;
}

static int
cmp_fp(const void *a, const void *b)
{
	return memcmp(a, b, IPPYO_FINGERPRINT_BYTES);
}

int
ippyo_roll_build(const uint8_t (*fps)[IPPYO_FINGERPRINT_BYTES], size_t n, uint8_t **out,
    size_t *out_len)
{
	uint8_t (*s)[IPPYO_FINGERPRINT_BYTES] = NULL;
	uint8_t *b = NULL;
	size_t i, k = 0;

	*out = NULL;
	*out_len = 0;
	if (fps == NULL || n == 0)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if (n > IPPYO_ROLL_MAX_ENTRIES)
		return IPPYO_ERR_LIMIT;
	if ((s = OPENSSL_memdup(fps, n * IPPYO_FINGERPRINT_BYTES)) == NULL)
		return IPPYO_ERR_ALLOC;
	qsort(s, n, IPPYO_FINGERPRINT_BYTES, cmp_fp);
	if ((b = OPENSSL_malloc(n * IPPYO_ROLL_LINE_BYTES + 1)) == NULL) {
		OPENSSL_free(s);
		return IPPYO_ERR_ALLOC;
	}
	for (i = 0; i < n; i++) {
		if (i > 0 && memcmp(s[i - 1], s[i], IPPYO_FINGERPRINT_BYTES) == 0)
			continue;
		ippyo_hex_write(s[i], IPPYO_FINGERPRINT_BYTES, (char *)b + k);
		k += IPPYO_ROLL_LINE_BYTES;
		b[k - 1] = '\n';
	}
	OPENSSL_free(s);
	*out = b;
	*out_len = k;
	return 0;
}
