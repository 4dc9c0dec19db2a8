/* ippyo — the bounded byte buffer. */
#include "buf.h"

#include <string.h>

#include <openssl/crypto.h>

#include "error.h"

struct ippyo_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	size_t max;
};

ippyo_buf *
ippyo_buf_new(size_t max)
{
	ippyo_buf *b = OPENSSL_zalloc(sizeof(*b));

	if (b != NULL)
		b->max = max;
	return b;
}

void
ippyo_buf_free(ippyo_buf *b)
{
	if (b == NULL)
		return;
	OPENSSL_clear_free(b->data, b->cap);
	OPENSSL_free(b);
}

void
ippyo_buf_reset(ippyo_buf *b)
{
	if (b->data != NULL)
		OPENSSL_cleanse(b->data, b->cap);
	b->len = 0;
}

const uint8_t *
ippyo_buf_data(const ippyo_buf *b)
{
	return b->data;
}

size_t
ippyo_buf_len(const ippyo_buf *b)
{
	return b->len;
}

int
ippyo_buf_steal(ippyo_buf *b, uint8_t **out, size_t *out_len)
{
	uint8_t *p;

	*out = NULL;
	*out_len = 0;
	/* Always a fresh exact-size allocation, so the caller frees len bytes. */
	if ((p = OPENSSL_malloc(b->len > 0 ? b->len : 1)) == NULL)
		return IPPYO_ERR_ALLOC;
	if (b->len > 0)
		memcpy(p, b->data, b->len);
	*out = p;
	*out_len = b->len;
	ippyo_buf_reset(b);
	return 0;
}

/* Makes room for len more bytes, moving the data so old copies are wiped. */
static int
reserve(ippyo_buf *b, size_t len)
{
	size_t need, cap;
	uint8_t *p;

	if (len > b->max || b->len > b->max - len)
		return IPPYO_ERR_LIMIT;
	need = b->len + len;
	if (need <= b->cap)
		return 0;
	cap = b->cap < 256 ? 256 : b->cap;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (cap > b->max)
		cap = b->max;
	if ((p = OPENSSL_malloc(cap)) == NULL)
		return IPPYO_ERR_ALLOC;
	if (b->len > 0)
		memcpy(p, b->data, b->len);
	OPENSSL_clear_free(b->data, b->cap);
	b->data = p;
	b->cap = cap;
	return 0;
}

int
ippyo_buf_put(ippyo_buf *b, const void *data, size_t len)
{
	int r;

	if (len == 0)
		return 0;
	if ((r = reserve(b, len)) != 0)
		return r;
	memcpy(b->data + b->len, data, len);
	b->len += len;
	return 0;
}

int
ippyo_buf_put_u8(ippyo_buf *b, uint8_t v)
{
	return ippyo_buf_put(b, &v, 1);
}

int
ippyo_buf_put_u16(ippyo_buf *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	return ippyo_buf_put(b, x, sizeof(x));
}

int
ippyo_buf_put_u32(ippyo_buf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	return ippyo_buf_put(b, x, sizeof(x));
}

int
ippyo_buf_put_u64(ippyo_buf *b, uint64_t v)
{
	int r;

	if ((r = reserve(b, 8)) != 0)
		return r;
	if ((r = ippyo_buf_put_u32(b, (uint32_t)(v >> 32))) != 0)
		return r;
	return ippyo_buf_put_u32(b, (uint32_t)v);
}

int
ippyo_buf_put_str(ippyo_buf *b, const char *s)
{
	return ippyo_buf_put(b, s, strlen(s));
}

int
ippyo_buf_put_lp(ippyo_buf *b, const void *data, size_t len)
{
	int r;

	if (len > UINT32_MAX)
		return IPPYO_ERR_LIMIT;
	if ((r = reserve(b, 4 + len)) != 0)
		return r;
	if ((r = ippyo_buf_put_u32(b, (uint32_t)len)) != 0)
		return r;
	return ippyo_buf_put(b, data, len);
}

void
ippyo_reader_init(ippyo_reader *r, const void *data, size_t len)
{
	r->data = data;
	r->len = data != NULL ? len : 0;
	r->off = 0;
}

size_t
ippyo_reader_remaining(const ippyo_reader *r)
{
	return r->len - r->off;
}

int
ippyo_reader_get_ptr(ippyo_reader *r, size_t len, const uint8_t **out)
{
	*out = NULL;
	if (len > r->len - r->off)
		return IPPYO_ERR_TRUNCATED;
	*out = r->data + r->off;
	r->off += len;
	return 0;
}

int
ippyo_reader_get(ippyo_reader *r, void *out, size_t len)
{
	const uint8_t *p;
	int e;

	if ((e = ippyo_reader_get_ptr(r, len, &p)) != 0)
		return e;
	if (len > 0)
		memcpy(out, p, len);
	return 0;
}

static int
get_be(ippyo_reader *r, size_t n, uint64_t *out)
{
	const uint8_t *p;
	uint64_t v = 0;
	int e;

	*out = 0;
	if ((e = ippyo_reader_get_ptr(r, n, &p)) != 0)
		return e;
	for (size_t i = 0; i < n; i++)
		v = (v << 8) | p[i];
	*out = v;
	return 0;
}

int
ippyo_reader_get_u8(ippyo_reader *r, uint8_t *out)
{
	uint64_t v;
	int e = get_be(r, 1, &v);

	*out = (uint8_t)v;
	return e;
}

int
ippyo_reader_get_u16(ippyo_reader *r, uint16_t *out)
{
	uint64_t v;
	int e = get_be(r, 2, &v);

	*out = (uint16_t)v;
	return e;
}

int
ippyo_reader_get_u32(ippyo_reader *r, uint32_t *out)
{
	uint64_t v;
	int e = get_be(r, 4, &v);

	*out = (uint32_t)v;
	return e;
}

int
ippyo_reader_get_u64(ippyo_reader *r, uint64_t *out)
{
	return get_be(r, 8, out);
}

int
ippyo_reader_end(const ippyo_reader *r)
{
	return r->off == r->len ? 0 : IPPYO_ERR_TRAILING;
}
