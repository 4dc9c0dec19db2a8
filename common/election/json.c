/* ippyo — strict canonical JSON on Jansson. */
#include "json.h"

#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>

#include "../encoding.h"
#include "../error.h"

#define CANONICAL_FLAGS (JSON_COMPACT | JSON_SORT_KEYS)

/* One pass of the serializer into a buffer bounded by max (no size pass first). */
struct dump_state {
	uint8_t *p;
	size_t len, cap, max;
	int over;
};

static int
dump_cb(const char *chunk, size_t n, void *data)
{
	struct dump_state *d = data;
	uint8_t *np;
	size_t ncap;

	if (n > d->max - d->len) {
		d->over = 1;
		return -1;
	}
	if (d->len + n + 1 > d->cap) {
		ncap = d->cap;
		while (d->len + n + 1 > ncap)
			ncap *= 2;
		if (d->max < SIZE_MAX && ncap > d->max + 1)
			ncap = d->max + 1;
		if ((np = OPENSSL_realloc(d->p, ncap)) == NULL)
			return -1;
		d->p = np;
		d->cap = ncap;
	}
	memcpy(d->p + d->len, chunk, n);
	d->len += n;
	return 0;
}

int
ippyo_json_dump_canonical(const json_t *v, uint8_t **out, size_t *out_len, size_t max)
{
	struct dump_state d = { NULL, 0, 0, max, 0 };

	*out = NULL;
	*out_len = 0;
	d.cap = max < 1024 ? max + 1 : 1024;
	if ((d.p = OPENSSL_malloc(d.cap)) == NULL)
		return IPPYO_ERR_ALLOC;
	if (json_dump_callback(v, dump_cb, &d, CANONICAL_FLAGS) != 0 || d.len == 0) {
		int r = d.over ? IPPYO_ERR_LIMIT : (d.len == 0 ? IPPYO_ERR_INTERNAL : IPPYO_ERR_ALLOC);

		OPENSSL_clear_free(d.p, d.cap);
		return r;
	}
	d.p[d.len] = '\0';
	*out = d.p;
	*out_len = d.len;
	return 0;
}

/* Compares the serializer's output with the input as it comes: no copy. */
struct cmp_state {
	const uint8_t *in;
	size_t len, pos;
};

static int
cmp_cb(const char *chunk, size_t n, void *data)
{
	struct cmp_state *c = data;

	if (n > c->len - c->pos || memcmp(c->in + c->pos, chunk, n) != 0)
		return -1;
	c->pos += n;
	return 0;
}

int
ippyo_json_load_canonical(json_t **out, const uint8_t *in, size_t len, size_t max)
{
	json_t *v = NULL;
	json_error_t jerr;
	struct cmp_state c = { in, len, 0 };
	int r;

	*out = NULL;
	if (len > max)
		return IPPYO_ERR_LIMIT;
	if (in == NULL || len == 0)
		return IPPYO_ERR_JSON;
	if ((v = json_loadb((const char *)in, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL)
		return IPPYO_ERR_JSON;
	r = IPPYO_ERR_JSON_SCHEMA;
	if (!json_is_object(v))
		goto out;
	/* The canonical serialization must be exactly the input, byte for byte. */
	r = IPPYO_ERR_NOT_CANONICAL;
	if (json_dump_callback(v, cmp_cb, &c, CANONICAL_FLAGS) != 0 || c.pos != len)
		goto out;
	*out = v;
	v = NULL;
	r = 0;
out:
	json_decref(v);
	return r;
}

int
ippyo_json_check_keys(const json_t *obj, const char *const *keys, const char *const *required)
{
	const char *k;
	json_t *v;
	size_t i;
	int found;

	if (!json_is_object(obj))
		return IPPYO_ERR_JSON_SCHEMA;
	json_object_foreach((json_t *)obj, k, v) {
		found = 0;
		for (i = 0; keys[i] != NULL; i++) {
			if (strcmp(k, keys[i]) == 0) {
				found = 1;
				break;
			}
		}
		if (!found)
			return IPPYO_ERR_JSON_SCHEMA;
	}
	for (i = 0; required[i] != NULL; i++) {
		if (json_object_get(obj, required[i]) == NULL)
			return IPPYO_ERR_JSON_SCHEMA;
	}
	return 0;
}

int
ippyo_json_get_object(const json_t *obj, const char *key, json_t **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!json_is_object(v))
		return IPPYO_ERR_JSON_SCHEMA;
	*out = v;
	return 0;
}

int
ippyo_json_get_array(const json_t *obj, const char *key, size_t min, size_t max, json_t **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!json_is_array(v))
		return IPPYO_ERR_JSON_SCHEMA;
	if (json_array_size(v) < min || json_array_size(v) > max)
		return IPPYO_ERR_LIMIT;
	*out = v;
	return 0;
}

int
ippyo_json_uint(const json_t *v, uint64_t min, uint64_t max, uint64_t *out)
{
	json_int_t i;

	*out = 0;
	if (!json_is_integer(v))
		return IPPYO_ERR_JSON_SCHEMA;
	i = json_integer_value(v);
	if (i < 0 || (uint64_t)i > IPPYO_JSON_INT_MAX || (uint64_t)i < min || (uint64_t)i > max)
		return IPPYO_ERR_LIMIT;
	*out = (uint64_t)i;
	return 0;
}

int
ippyo_json_get_uint(const json_t *obj, const char *key, uint64_t min, uint64_t max,
    uint64_t *out)
{
	*out = 0;
	return ippyo_json_uint(json_object_get(obj, key), min, max, out);
}

int
ippyo_json_get_string(const json_t *obj, const char *key, size_t max, const char **out,
    size_t *out_len)
{
	json_t *v = json_object_get(obj, key);
	size_t len;

	*out = NULL;
	*out_len = 0;
	if (!json_is_string(v))
		return IPPYO_ERR_JSON_SCHEMA;
	len = json_string_length(v);
	if (len == 0 || len > max)
		return IPPYO_ERR_LIMIT;
	/* Jansson rejects \u0000 on load; a NUL here would be a caller's object. */
	if (strlen(json_string_value(v)) != len)
		return IPPYO_ERR_JSON_SCHEMA;
	*out = json_string_value(v);
	*out_len = len;
	return 0;
}

int
ippyo_json_get_hex(const json_t *obj, const char *key, uint8_t *out, size_t want)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v))
		return IPPYO_ERR_JSON_SCHEMA;
	if (json_string_length(v) != 2 * want)
		return IPPYO_ERR_BAD_ENCODING;
	return ippyo_hex_decode_exact(json_string_value(v), out, want);
}

int
ippyo_json_b64_exact(const json_t *v, uint8_t *out, size_t want)
{
	if (!json_is_string(v))
		return IPPYO_ERR_JSON_SCHEMA;
	if (json_string_length(v) != ippyo_b64url_encoded_len(want))
		return IPPYO_ERR_BAD_ENCODING;
	return ippyo_b64url_decode_exact(json_string_value(v), out, want);
}

int
ippyo_json_get_b64_exact(const json_t *obj, const char *key, uint8_t *out, size_t want)
{
	return ippyo_json_b64_exact(json_object_get(obj, key), out, want);
}

int
ippyo_json_get_b64(const json_t *obj, const char *key, size_t max, uint8_t **out,
    size_t *out_len)
{
	json_t *v = json_object_get(obj, key);
	uint8_t *p = NULL;
	size_t slen, len = 0;
	int r;

	*out = NULL;
	*out_len = 0;
	if (!json_is_string(v))
		return IPPYO_ERR_JSON_SCHEMA;
	slen = json_string_length(v);
	if (slen == 0)
		return IPPYO_ERR_LIMIT;
	if (slen > ippyo_b64url_encoded_len(max))
		return IPPYO_ERR_LIMIT;
	if ((p = OPENSSL_malloc(max)) == NULL)
		return IPPYO_ERR_ALLOC;
	if ((r = ippyo_b64url_decode(json_string_value(v), slen, p, max, &len)) != 0) {
		OPENSSL_free(p);
		return r;
	}
	*out = p;
	*out_len = len;
	return 0;
}

int
ippyo_json_set_string(json_t *obj, const char *key, const char *s)
{
	json_t *v;

	if ((v = json_string(s)) == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if (json_object_set_new(obj, key, v) != 0)
		return IPPYO_ERR_ALLOC;
	return 0;
}

int
ippyo_json_set_uint(json_t *obj, const char *key, uint64_t u)
{
	if (u > IPPYO_JSON_INT_MAX)
		return IPPYO_ERR_OVERFLOW;
	if (json_object_set_new(obj, key, json_integer((json_int_t)u)) != 0)
		return IPPYO_ERR_ALLOC;
	return 0;
}

int
ippyo_json_set_hex(json_t *obj, const char *key, const uint8_t *in, size_t len)
{
	char *s = NULL;
	int r;

	if ((r = ippyo_hex_encode(in, len, &s)) != 0)
		return r;
	r = ippyo_json_set_string(obj, key, s);
	OPENSSL_free(s);
	return r;
}

json_t *
ippyo_json_b64(const uint8_t *in, size_t len)
{
	char *s = NULL;
	json_t *v;

	if (ippyo_b64url_encode(in, len, &s) != 0)
		return NULL;
	v = json_string(s);
	OPENSSL_free(s);
	return v;
}

int
ippyo_json_set_b64(json_t *obj, const char *key, const uint8_t *in, size_t len)
{
	json_t *v;

	if ((v = ippyo_json_b64(in, len)) == NULL)
		return IPPYO_ERR_ALLOC;
	if (json_object_set_new(obj, key, v) != 0)
		return IPPYO_ERR_ALLOC;
	return 0;
}

/* ---- text classes ---- */

static int
is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

int
ippyo_text_is_id(const char *s, size_t len)
{
	size_t i;

	if (s == NULL || len == 0 || len > IPPYO_ID_MAX || !is_lower_alnum(s[0]))
		return 0;
	for (i = 0; i < len; i++) {
		if (!is_lower_alnum(s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
			return 0;
	}
	return 1;
}

int
ippyo_text_is_clean(const char *s, size_t len)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
			return 0;
	}
	return 1;
}

int
ippyo_text_is_token(const char *s, size_t len)
{
	size_t i;

	if (s == NULL || len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return 0;
	}
	return 1;
}

static int
digits(const char *s, size_t n, unsigned *out)
{
	size_t i;
	unsigned v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 1;
}

int
ippyo_text_is_utc_time(const char *s, size_t len)
{
	static const unsigned mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned y, mo, d, h, mi, se, dim;

	/* 0123456789012345678 9 */
	/* YYYY-MM-DDTHH:MM:SSZ */
	if (s == NULL || len != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return 0;
	if (!digits(s, 4, &y) || !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) ||
	    !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &se))
		return 0;
	if (y < 1970 || mo < 1 || mo > 12 || h > 23 || mi > 59 || se > 59)
		return 0;
	dim = mdays[mo - 1];
	if (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		dim = 29;
	return d >= 1 && d <= dim;
}
