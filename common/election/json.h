/* ippyo — strict canonical JSON for the election formats (internal to common/election/). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "../buf.h"

/*
 * Every election document (manifest, ballot, audit record, chain entry) is
 * canonical JSON: the bytes Jansson writes with JSON_COMPACT |
 * JSON_SORT_KEYS. For the values these formats allow (integers in
 * [0, 2^53), strings without control characters) this is exactly RFC 8785
 * (JCS): no whitespace, object keys sorted by byte value, integers in
 * shortest decimal form, strings escaping only '"' and '\'.
 * docs/formats.md, "Canonical JSON".
 */

/* The largest integer any format accepts (2^53 − 1, exact in every JSON reader). */
#define IPPYO_JSON_INT_MAX ((uint64_t)9007199254740991ULL)

/*
 * Loads bytes of at most max bytes: strict JSON (JSON_REJECT_DUPLICATES, no
 * trailing bytes), a top-level object, and byte-identical to its canonical
 * serialization (else IPPYO_ERR_NOT_CANONICAL).
 */
int ippyo_json_load_canonical(json_t **out, const uint8_t *in, size_t len, size_t max) IPPYO_WUR;
/* The canonical bytes of v (NUL-terminated, length without the NUL), at most max. */
int ippyo_json_dump_canonical(const json_t *v, uint8_t **out, size_t *out_len, size_t max) IPPYO_WUR;

/*
 * Checks that obj is an object whose keys are all in keys[] (NULL-terminated)
 * and that every key of required[] (NULL-terminated) is present: else
 * IPPYO_ERR_JSON_SCHEMA.
 */
int ippyo_json_check_keys(const json_t *obj, const char *const *keys,
    const char *const *required) IPPYO_WUR;

/* Getters: a missing key or a value of the wrong type is IPPYO_ERR_JSON_SCHEMA. */
int ippyo_json_get_object(const json_t *obj, const char *key, json_t **out) IPPYO_WUR;
int ippyo_json_get_array(const json_t *obj, const char *key, size_t min, size_t max,
    json_t **out) IPPYO_WUR;
/* An integer in [min, max] (else IPPYO_ERR_JSON_SCHEMA for a non-integer, IPPYO_ERR_LIMIT). */
int ippyo_json_get_uint(const json_t *obj, const char *key, uint64_t min, uint64_t max,
    uint64_t *out) IPPYO_WUR;
int ippyo_json_uint(const json_t *v, uint64_t min, uint64_t max, uint64_t *out) IPPYO_WUR;
/* A string (borrowed from obj) of 1..max bytes. */
int ippyo_json_get_string(const json_t *obj, const char *key, size_t max, const char **out,
    size_t *out_len) IPPYO_WUR;
/* Exactly want bytes in lower-case hex / strict base64url. */
int ippyo_json_get_hex(const json_t *obj, const char *key, uint8_t *out, size_t want) IPPYO_WUR;
int ippyo_json_get_b64_exact(const json_t *obj, const char *key, uint8_t *out,
    size_t want) IPPYO_WUR;
int ippyo_json_b64_exact(const json_t *v, uint8_t *out, size_t want) IPPYO_WUR;
/* base64url of 1..max bytes, allocated (OPENSSL_free). */
int ippyo_json_get_b64(const json_t *obj, const char *key, size_t max, uint8_t **out,
    size_t *out_len) IPPYO_WUR;

/* Setters that build canonical documents (the object takes the new value). */
int ippyo_json_set_hex(json_t *obj, const char *key, const uint8_t *in, size_t len) IPPYO_WUR;
int ippyo_json_set_b64(json_t *obj, const char *key, const uint8_t *in, size_t len) IPPYO_WUR;
json_t *ippyo_json_b64(const uint8_t *in, size_t len);
int ippyo_json_set_string(json_t *obj, const char *key, const char *s) IPPYO_WUR;
int ippyo_json_set_uint(json_t *obj, const char *key, uint64_t v) IPPYO_WUR;

/*
 * Identifiers (election, contest and option ids): 1..64 bytes of
 * [a-z0-9._-], starting with a letter or digit.
 */
#define IPPYO_ID_MAX 64
int ippyo_text_is_id(const char *s, size_t len);
/* Text for people: valid UTF-8 (Jansson checked it), no control characters (< 0x20, 0x7f). */
int ippyo_text_is_clean(const char *s, size_t len);
/* Printable ASCII without space (0x21..0x7e). */
int ippyo_text_is_token(const char *s, size_t len);
/* An RFC 3339 UTC time "YYYY-MM-DDTHH:MM:SSZ" that exists in the calendar. */
int ippyo_text_is_utc_time(const char *s, size_t len);
