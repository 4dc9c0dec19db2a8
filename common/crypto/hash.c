/* ippyo — transcript hashing on OpenSSL's SHA-256 and SHA-512. */
#include "hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "../error.h"

/* Statements are small; this bound only stops runaway callers. */
#define TRANSCRIPT_MAX (16u * 1024 * 1024)

struct ippyo_transcript {
	ippyo_buf *b;
};

ippyo_transcript *
ippyo_transcript_new(const char *domain_tag)
{
	ippyo_transcript *t = OPENSSL_zalloc(sizeof(*t));

	if (t == NULL)
		return NULL;
	if ((t->b = ippyo_buf_new(TRANSCRIPT_MAX)) == NULL ||
	    ippyo_transcript_put_str(t, domain_tag) != 0) {
		ippyo_transcript_free(t);
		return NULL;
	}
	return t;
}

void
ippyo_transcript_free(ippyo_transcript *t)
{
	if (t == NULL)
		return;
	ippyo_buf_free(t->b);
	OPENSSL_free(t);
}

ippyo_transcript *
ippyo_transcript_dup(const ippyo_transcript *src)
{
	ippyo_transcript *t = OPENSSL_zalloc(sizeof(*t));

	if (t == NULL)
		return NULL;
	if ((t->b = ippyo_buf_new(TRANSCRIPT_MAX)) == NULL ||
	    ippyo_buf_put(t->b, ippyo_buf_data(src->b), ippyo_buf_len(src->b)) != 0) {
		ippyo_transcript_free(t);
		return NULL;
	}
	return t;
}

int
ippyo_transcript_put(ippyo_transcript *t, const void *data, size_t len)
{
	return ippyo_buf_put_lp(t->b, data, len);
}

int
ippyo_transcript_put_str(ippyo_transcript *t, const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return ippyo_transcript_put(t, s, n);
}

int
ippyo_transcript_put_u32(ippyo_transcript *t, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	return ippyo_transcript_put(t, b, sizeof(b));
}

int
ippyo_transcript_put_u64(ippyo_transcript *t, uint64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (56 - 8 * i));
	return ippyo_transcript_put(t, b, sizeof(b));
}

int
ippyo_transcript_put_point(ippyo_transcript *t, const ippyo_point *p)
{
	uint8_t b[IPPYO_POINT_BYTES];
	int e;

	if ((e = ippyo_point_serialize(p, b)) != 0)
		return e;
	return ippyo_transcript_put(t, b, sizeof(b));
}

int
ippyo_transcript_put_scalar(ippyo_transcript *t, const ippyo_scalar *s)
{
	uint8_t b[IPPYO_SCALAR_BYTES];
	int e;

	if ((e = ippyo_scalar_serialize(s, b)) == 0)
		e = ippyo_transcript_put(t, b, sizeof(b));
	OPENSSL_cleanse(b, sizeof(b));
	return e;
}

const uint8_t *
ippyo_transcript_bytes(const ippyo_transcript *t, size_t *len)
{
	*len = ippyo_buf_len(t->b);
	return ippyo_buf_data(t->b);
}

static int
digest(const EVP_MD *md, const void *data, size_t len, uint8_t *out)
{
	return EVP_Digest(data, len, out, NULL, md, NULL) == 1 ? 0 : IPPYO_ERR_INTERNAL;
}

int
ippyo_sha256(const void *data, size_t len, uint8_t out[IPPYO_HASH_BYTES])
{
	return digest(EVP_sha256(), data, len, out);
}

int
ippyo_transcript_digest(const ippyo_transcript *t, uint8_t out[IPPYO_HASH_BYTES])
{
	return ippyo_sha256(ippyo_buf_data(t->b), ippyo_buf_len(t->b), out);
}

int
ippyo_transcript_challenge(const ippyo_transcript *t, ippyo_scalar *out)
{
	uint8_t h[64];
	int e;

	if ((e = digest(EVP_sha512(), ippyo_buf_data(t->b), ippyo_buf_len(t->b), h)) == 0)
		e = ippyo_scalar_from_wide(out, h, sizeof(h));
	OPENSSL_cleanse(h, sizeof(h));
	return e;
}
