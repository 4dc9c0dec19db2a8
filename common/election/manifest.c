/* ippyo — the election manifest. */
#include "manifest.h"

#include <string.h>

#include <openssl/crypto.h>

#include "../encoding.h"
#include "../error.h"
#include "ballot.h"
#include "json.h"

struct option {
	char *id;
	char *title_ja;
	char *title_en;
};

struct contest {
	char *id;
	char *title_ja;
	char *title_en;
	uint32_t min;
	uint32_t max;
	size_t n_options;
	struct option *options;
};

struct ippyo_manifest {
	int sealed;
	char *election_id;
	char *title_ja;
	char *title_en;
	char *origin;
	char *url;
	char *vkey;
	char *opens;
	char *closes;
	size_t n_contests;
	struct contest *contests;
	size_t total_options;
	uint32_t n;
	uint32_t t;
	uint8_t officials_key[IPPYO_ED25519_PUBLIC_BYTES];
	uint8_t roll_hash[IPPYO_HASH_BYTES];
	uint64_t roll_count;
	size_t n_ca;
	uint8_t (*ca)[IPPYO_FINGERPRINT_BYTES];
	/* sealed */
	ippyo_point *election_key;
	ippyo_point **trustee_keys;            /* n */
	uint8_t ceremony_hash[IPPYO_HASH_BYTES];
	/* bytes and hashes */
	uint8_t *bytes;
	size_t len;
	uint8_t election_hash[IPPYO_HASH_BYTES];
	uint8_t draft_hash[IPPYO_HASH_BYTES];
	size_t ballot_size;
};

static const char *const top_keys[] = {
	"version", "election_id", "title", "chain", "poll", "contests", "trustees",
	"officials_key", "roll", "jpki_ca", "election_key", "trustee_keys", "ceremony_hash",
	NULL
};
static const char *const top_required[] = {
	"version", "election_id", "title", "chain", "poll", "contests", "trustees",
	"officials_key", "roll", "jpki_ca", NULL
};
static const char *const title_keys[] = { "ja", "en", NULL };
static const char *const chain_keys[] = { "origin", "url", "vkey", NULL };
static const char *const poll_keys[] = { "opens", "closes", NULL };
static const char *const contest_keys[] = { "id", "title", "min", "max", "options", NULL };
static const char *const option_keys[] = { "id", "title", NULL };
static const char *const trustees_keys[] = { "n", "t", NULL };
static const char *const roll_keys[] = { "count", "sha256", NULL };

void
ippyo_manifest_free(ippyo_manifest *m)
{
	size_t i, j;

	if (m == NULL)
		return;
	for (i = 0; i < m->n_contests && m->contests != NULL; i++) {
		struct contest *c = &m->contests[i];

		for (j = 0; j < c->n_options && c->options != NULL; j++) {
			OPENSSL_free(c->options[j].id);
			OPENSSL_free(c->options[j].title_ja);
			OPENSSL_free(c->options[j].title_en);
		}
		OPENSSL_free(c->options);
		OPENSSL_free(c->id);
		OPENSSL_free(c->title_ja);
		OPENSSL_free(c->title_en);
	}
	OPENSSL_free(m->contests);
	OPENSSL_free(m->election_id);
	OPENSSL_free(m->title_ja);
	OPENSSL_free(m->title_en);
	OPENSSL_free(m->origin);
	OPENSSL_free(m->url);
	OPENSSL_free(m->vkey);
	OPENSSL_free(m->opens);
	OPENSSL_free(m->closes);
	OPENSSL_free(m->ca);
	ippyo_point_free(m->election_key);
	if (m->trustee_keys != NULL) {
		for (i = 0; i < m->n; i++)
			ippyo_point_free(m->trustee_keys[i]);
		OPENSSL_free(m->trustee_keys);
	}
	OPENSSL_free(m->bytes);
	OPENSSL_free(m);
}

/* ---- parsing ---- */

enum { TEXT_ID, TEXT_CLEAN, TEXT_TOKEN, TEXT_TIME };

static int
get_text(const json_t *obj, const char *key, int kind, size_t max, char **out)
{
	const char *s;
	size_t len;
	int r, ok = 0;

	*out = NULL;
	if ((r = ippyo_json_get_string(obj, key, max, &s, &len)) != 0)
		return r == IPPYO_ERR_LIMIT ? IPPYO_ERR_BAD_MANIFEST : r;
	switch (kind) {
	case TEXT_ID:
		ok = ippyo_text_is_id(s, len);
		break;
	case TEXT_CLEAN:
		ok = ippyo_text_is_clean(s, len);
		break;
	case TEXT_TOKEN:
		ok = ippyo_text_is_token(s, len);
		break;
	case TEXT_TIME:
		ok = ippyo_text_is_utc_time(s, len);
		break;
	}
	if (!ok)
		return IPPYO_ERR_BAD_MANIFEST;
	if ((*out = OPENSSL_strndup(s, len)) == NULL)
		return IPPYO_ERR_ALLOC;
	return 0;
}

static int
get_title(const json_t *obj, const char *key, char **ja, char **en)
{
	json_t *t;
	int r;

	*ja = *en = NULL;
	if ((r = ippyo_json_get_object(obj, key, &t)) != 0 ||
	    (r = ippyo_json_check_keys(t, title_keys, title_keys)) != 0)
		return r;
	if ((r = get_text(t, "ja", TEXT_CLEAN, IPPYO_MANIFEST_MAX_TITLE, ja)) != 0 ||
	    (r = get_text(t, "en", TEXT_CLEAN, IPPYO_MANIFEST_MAX_TITLE, en)) != 0)
		return r;
	return 0;
}

/*
 * C2SP verifier key: <name>+<8 lower-case hex>+<standard base64>, the name
 * without '+' or whitespace. Only the shape is checked here; common/log/
 * parses the key itself.
 */
static int
vkey_shape_ok(const char *s)
{
	const char *p1, *p2;
	size_t i;

	if ((p1 = strchr(s, '+')) == NULL || p1 == s)
		return 0;
	if ((p2 = strchr(p1 + 1, '+')) == NULL || p2 - p1 - 1 != 8)
		return 0;
	for (i = 1; i <= 8; i++) {
		if (!((p1[i] >= '0' && p1[i] <= '9') || (p1[i] >= 'a' && p1[i] <= 'f')))
			return 0;
	}
	if (p2[1] == '\0')
		return 0;
	for (i = 1; p2[i] != '\0'; i++) {
		char c = p2[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '+' || c == '/' || c == '='))
			return 0;
	}
	return 1;
}

static int
url_ok(const char *s)
{
	return strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0;
}

static int
parse_point_b64(const json_t *obj, const char *key, ippyo_point **out)
{
	uint8_t raw[IPPYO_POINT_BYTES];
	int r;

	*out = NULL;
	if ((r = ippyo_json_get_b64_exact(obj, key, raw, sizeof(raw))) != 0)
		return r;
	if ((*out = ippyo_point_new()) == NULL)
		return IPPYO_ERR_ALLOC;
	return ippyo_point_parse(*out, raw, sizeof(raw));
}

static int
parse_contest(struct contest *c, const json_t *jc)
{
	json_t *opts, *jo;
	uint64_t u;
	size_t i, j;
	int r;

	if ((r = ippyo_json_check_keys(jc, contest_keys, contest_keys)) != 0)
		return r;
	if ((r = get_text(jc, "id", TEXT_ID, IPPYO_ID_MAX, &c->id)) != 0 ||
	    (r = get_title(jc, "title", &c->title_ja, &c->title_en)) != 0)
		return r;
	if ((r = ippyo_json_get_array(jc, "options", 1, IPPYO_MANIFEST_MAX_OPTIONS, &opts)) != 0)
		return r;
	c->n_options = json_array_size(opts);
	if ((c->options = OPENSSL_zalloc(c->n_options * sizeof(*c->options))) == NULL) {
		c->n_options = 0;
		return IPPYO_ERR_ALLOC;
	}
	json_array_foreach(opts, i, jo) {
		struct option *o = &c->options[i];

		if ((r = ippyo_json_check_keys(jo, option_keys, option_keys)) != 0 ||
		    (r = get_text(jo, "id", TEXT_ID, IPPYO_ID_MAX, &o->id)) != 0 ||
		    (r = get_title(jo, "title", &o->title_ja, &o->title_en)) != 0)
			return r;
		for (j = 0; j < i; j++) {
			if (strcmp(c->options[j].id, o->id) == 0)
				return IPPYO_ERR_BAD_MANIFEST;
		}
	}
	if ((r = ippyo_json_get_uint(jc, "min", 0, UINT32_MAX, &u)) != 0)
		return r == IPPYO_ERR_LIMIT ? IPPYO_ERR_BAD_MANIFEST : r;
	c->min = (uint32_t)u;
	if ((r = ippyo_json_get_uint(jc, "max", 0, UINT32_MAX, &u)) != 0)
		return r == IPPYO_ERR_LIMIT ? IPPYO_ERR_BAD_MANIFEST : r;
	c->max = (uint32_t)u;
	/* 0 <= min <= max <= options, max >= 1. */
	if (c->max < 1 || c->min > c->max || c->max > c->n_options)
		return IPPYO_ERR_BAD_MANIFEST;
	return 0;
}

static int
parse_json(ippyo_manifest *m, const json_t *root, int accept)
{
	json_t *o, *arr, *v;
	uint64_t u;
	size_t i, j, n_sealed;
	int r;

	if ((r = ippyo_json_check_keys(root, top_keys, top_required)) != 0)
		return r;
	if ((r = ippyo_json_get_uint(root, "version", 0, IPPYO_JSON_INT_MAX, &u)) != 0)
		return r == IPPYO_ERR_LIMIT ? IPPYO_ERR_BAD_VERSION : r;
	if (u != IPPYO_MANIFEST_VERSION)
		return IPPYO_ERR_BAD_VERSION;

	n_sealed = (json_object_get(root, "election_key") != NULL) +
	    (json_object_get(root, "trustee_keys") != NULL) +
	    (json_object_get(root, "ceremony_hash") != NULL);
	if (n_sealed != 0 && n_sealed != 3)
		return IPPYO_ERR_BAD_MANIFEST;
	m->sealed = n_sealed == 3;
	if (m->sealed && !(accept & IPPYO_MANIFEST_SEALED))
		return IPPYO_ERR_BAD_MANIFEST;
	if (!m->sealed && !(accept & IPPYO_MANIFEST_DRAFT))
		return IPPYO_ERR_BAD_MANIFEST;

	if ((r = get_text(root, "election_id", TEXT_ID, IPPYO_ID_MAX, &m->election_id)) != 0 ||
	    (r = get_title(root, "title", &m->title_ja, &m->title_en)) != 0)
		return r;

	if ((r = ippyo_json_get_object(root, "chain", &o)) != 0 ||
	    (r = ippyo_json_check_keys(o, chain_keys, chain_keys)) != 0)
		return r;
	if ((r = get_text(o, "origin", TEXT_TOKEN, IPPYO_MANIFEST_MAX_TOKEN, &m->origin)) != 0 ||
	    (r = get_text(o, "url", TEXT_TOKEN, IPPYO_MANIFEST_MAX_TOKEN, &m->url)) != 0 ||
	    (r = get_text(o, "vkey", TEXT_TOKEN, IPPYO_MANIFEST_MAX_VKEY, &m->vkey)) != 0)
		return r;
	if (!url_ok(m->url) || !vkey_shape_ok(m->vkey))
		return IPPYO_ERR_BAD_MANIFEST;

	if ((r = ippyo_json_get_object(root, "poll", &o)) != 0 ||
	    (r = ippyo_json_check_keys(o, poll_keys, poll_keys)) != 0)
		return r;
	if ((r = get_text(o, "opens", TEXT_TIME, 20, &m->opens)) != 0 ||
	    (r = get_text(o, "closes", TEXT_TIME, 20, &m->closes)) != 0)
		return r;
	if (strcmp(m->opens, m->closes) >= 0)
		return IPPYO_ERR_BAD_MANIFEST;

	if ((r = ippyo_json_get_array(root, "contests", 1, IPPYO_MANIFEST_MAX_CONTESTS, &arr)) != 0)
		return r;
	if ((m->contests = OPENSSL_zalloc(json_array_size(arr) * sizeof(*m->contests))) == NULL)
		return IPPYO_ERR_ALLOC;
	m->n_contests = json_array_size(arr);
	json_array_foreach(arr, i, v) {
		if ((r = parse_contest(&m->contests[i], v)) != 0)
			return r;
		for (j = 0; j < i; j++) {
			if (strcmp(m->contests[j].id, m->contests[i].id) == 0)
				return IPPYO_ERR_BAD_MANIFEST;
		}
		m->total_options += m->contests[i].n_options;
	}

	if ((r = ippyo_json_get_object(root, "trustees", &o)) != 0 ||
	    (r = ippyo_json_check_keys(o, trustees_keys, trustees_keys)) != 0)
		return r;
	if ((r = ippyo_json_get_uint(o, "n", 1, IPPYO_MANIFEST_MAX_TRUSTEES, &u)) != 0)
		return r == IPPYO_ERR_LIMIT ? IPPYO_ERR_BAD_THRESHOLD : r;
	m->n = (uint32_t)u;
	if ((r = ippyo_json_get_uint(o, "t", 1, m->n, &u)) != 0)
		return r == IPPYO_ERR_LIMIT ? IPPYO_ERR_BAD_THRESHOLD : r;
	m->t = (uint32_t)u;

	if ((r = ippyo_json_get_b64_exact(root, "officials_key", m->officials_key,
	    sizeof(m->officials_key))) != 0)
		return r;

	if ((r = ippyo_json_get_object(root, "roll", &o)) != 0 ||
	    (r = ippyo_json_check_keys(o, roll_keys, roll_keys)) != 0)
		return r;
	if ((r = ippyo_json_get_uint(o, "count", 1, IPPYO_JSON_INT_MAX, &m->roll_count)) != 0)
		return r == IPPYO_ERR_LIMIT ? IPPYO_ERR_BAD_MANIFEST : r;
	if ((r = ippyo_json_get_hex(o, "sha256", m->roll_hash, sizeof(m->roll_hash))) != 0)
		return r;

	if ((r = ippyo_json_get_array(root, "jpki_ca", 1, IPPYO_MANIFEST_MAX_JPKI_CA, &arr)) != 0)
		return r == IPPYO_ERR_LIMIT ? IPPYO_ERR_BAD_MANIFEST : r;
	if ((m->ca = OPENSSL_zalloc(json_array_size(arr) * sizeof(*m->ca))) == NULL)
		return IPPYO_ERR_ALLOC;
	m->n_ca = json_array_size(arr);
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v))
			return IPPYO_ERR_JSON_SCHEMA;
		if (json_string_length(v) != 2 * IPPYO_FINGERPRINT_BYTES)
			return IPPYO_ERR_BAD_ENCODING;
		if ((r = ippyo_hex_decode_exact(json_string_value(v), m->ca[i],
		    IPPYO_FINGERPRINT_BYTES)) != 0)
			return r;
		for (j = 0; j < i; j++) {
			if (memcmp(m->ca[j], m->ca[i], IPPYO_FINGERPRINT_BYTES) == 0)
				return IPPYO_ERR_BAD_MANIFEST;
		}
	}

	if (m->sealed) {
		if ((r = parse_point_b64(root, "election_key", &m->election_key)) != 0)
			return r;
		if ((r = ippyo_json_get_array(root, "trustee_keys", 0, IPPYO_MANIFEST_MAX_TRUSTEES,
		    &arr)) != 0)
			return r;
		if (json_array_size(arr) != m->n)
			return IPPYO_ERR_BAD_MANIFEST;
		if ((m->trustee_keys = OPENSSL_zalloc(m->n * sizeof(*m->trustee_keys))) == NULL)
			return IPPYO_ERR_ALLOC;
		json_array_foreach(arr, i, v) {
			uint8_t raw[IPPYO_POINT_BYTES];

			if ((r = ippyo_json_b64_exact(v, raw, sizeof(raw))) != 0)
				return r;
			if ((m->trustee_keys[i] = ippyo_point_new()) == NULL)
				return IPPYO_ERR_ALLOC;
			if ((r = ippyo_point_parse(m->trustee_keys[i], raw, sizeof(raw))) != 0)
				return r;
		}
		if ((r = ippyo_json_get_hex(root, "ceremony_hash", m->ceremony_hash,
		    sizeof(m->ceremony_hash))) != 0)
			return r;
	}
	return 0;
}

/* ---- serialization ---- */

static int
set_title(json_t *obj, const char *key, const char *ja, const char *en)
{
	json_t *t = json_object();
	int r;

	if (t == NULL)
		return IPPYO_ERR_ALLOC;
	if ((r = ippyo_json_set_string(t, "ja", ja)) != 0 ||
	    (r = ippyo_json_set_string(t, "en", en)) != 0) {
		json_decref(t);
		return r;
	}
	if (json_object_set_new(obj, key, t) != 0)
		return IPPYO_ERR_ALLOC;
	return 0;
}

static int
set_new(json_t *obj, const char *key, json_t *v)
{
	if (v == NULL)
		return IPPYO_ERR_ALLOC;
	if (json_object_set_new(obj, key, v) != 0)
		return IPPYO_ERR_ALLOC;
	return 0;
}

static int
append_new(json_t *arr, json_t *v)
{
	if (v == NULL)
		return IPPYO_ERR_ALLOC;
	if (json_array_append_new(arr, v) != 0)
		return IPPYO_ERR_ALLOC;
	return 0;
}

/*
 * The draft part of a manifest as JSON, from a spec. Strings are not
 * checked here: the parser checks everything when the bytes are read back.
 */
static int
spec_json(const ippyo_manifest_spec *s, json_t **out)
{
	json_t *root = NULL, *o, *arr, *jc, *opts, *jo;
	size_t i, j;
	int r;

	*out = NULL;
	if (s->election_id == NULL || s->title_ja == NULL || s->title_en == NULL ||
	    s->chain_origin == NULL || s->chain_url == NULL || s->chain_vkey == NULL ||
	    s->poll_opens == NULL || s->poll_closes == NULL ||
	    (s->n_contests != 0 && s->contests == NULL) ||
	    (s->n_jpki_ca != 0 && s->jpki_ca == NULL))
		return IPPYO_ERR_INVALID_ARGUMENT;
	r = IPPYO_ERR_ALLOC;
	if ((root = json_object()) == NULL)
		goto out;
	if ((r = ippyo_json_set_uint(root, "version", IPPYO_MANIFEST_VERSION)) != 0 ||
	    (r = ippyo_json_set_string(root, "election_id", s->election_id)) != 0 ||
	    (r = set_title(root, "title", s->title_ja, s->title_en)) != 0)
		goto out;
	if ((r = set_new(root, "chain", o = json_object())) != 0 ||
	    (r = ippyo_json_set_string(o, "origin", s->chain_origin)) != 0 ||
	    (r = ippyo_json_set_string(o, "url", s->chain_url)) != 0 ||
	    (r = ippyo_json_set_string(o, "vkey", s->chain_vkey)) != 0)
		goto out;
	if ((r = set_new(root, "poll", o = json_object())) != 0 ||
	    (r = ippyo_json_set_string(o, "opens", s->poll_opens)) != 0 ||
	    (r = ippyo_json_set_string(o, "closes", s->poll_closes)) != 0)
		goto out;
	if ((r = set_new(root, "contests", arr = json_array())) != 0)
		goto out;
	for (i = 0; i < s->n_contests; i++) {
		const ippyo_manifest_contest_spec *c = &s->contests[i];

		r = IPPYO_ERR_INVALID_ARGUMENT;
		if (c->id == NULL || c->title_ja == NULL || c->title_en == NULL ||
		    (c->n_options != 0 && c->options == NULL))
			goto out;
		if ((r = append_new(arr, jc = json_object())) != 0 ||
		    (r = ippyo_json_set_string(jc, "id", c->id)) != 0 ||
		    (r = set_title(jc, "title", c->title_ja, c->title_en)) != 0 ||
		    (r = ippyo_json_set_uint(jc, "min", c->min)) != 0 ||
		    (r = ippyo_json_set_uint(jc, "max", c->max)) != 0 ||
		    (r = set_new(jc, "options", opts = json_array())) != 0)
			goto out;
		for (j = 0; j < c->n_options; j++) {
			const ippyo_manifest_option_spec *op = &c->options[j];

			r = IPPYO_ERR_INVALID_ARGUMENT;
			if (op->id == NULL || op->title_ja == NULL || op->title_en == NULL)
				goto out;
			if ((r = append_new(opts, jo = json_object())) != 0 ||
			    (r = ippyo_json_set_string(jo, "id", op->id)) != 0 ||
			    (r = set_title(jo, "title", op->title_ja, op->title_en)) != 0)
				goto out;
		}
	}
	if ((r = set_new(root, "trustees", o = json_object())) != 0 ||
	    (r = ippyo_json_set_uint(o, "n", s->trustees_n)) != 0 ||
	    (r = ippyo_json_set_uint(o, "t", s->trustees_t)) != 0)
		goto out;
	if ((r = ippyo_json_set_b64(root, "officials_key", s->officials_key,
	    sizeof(s->officials_key))) != 0)
		goto out;
	if ((r = set_new(root, "roll", o = json_object())) != 0 ||
	    (r = ippyo_json_set_uint(o, "count", s->roll_count)) != 0 ||
	    (r = ippyo_json_set_hex(o, "sha256", s->roll_hash, sizeof(s->roll_hash))) != 0)
		goto out;
	if ((r = set_new(root, "jpki_ca", arr = json_array())) != 0)
		goto out;
	for (i = 0; i < s->n_jpki_ca; i++) {
		char hex[2 * IPPYO_FINGERPRINT_BYTES + 1];

		ippyo_hex_write(s->jpki_ca[i], IPPYO_FINGERPRINT_BYTES, hex);
		if ((r = append_new(arr, json_string(hex))) != 0)
			goto out;
	}
	*out = root;
	root = NULL;
	r = 0;
out:
	json_decref(root);
	return r;
}

/* The spec view of a parsed manifest (pointers into m). */
static int
manifest_spec(const ippyo_manifest *m, ippyo_manifest_spec *s,
    ippyo_manifest_contest_spec **cs_out, ippyo_manifest_option_spec **os_out)
{
	ippyo_manifest_contest_spec *cs;
	ippyo_manifest_option_spec *os;
	size_t i, j, k = 0;

	*cs_out = NULL;
	*os_out = NULL;
	if ((cs = OPENSSL_zalloc(m->n_contests * sizeof(*cs))) == NULL)
		return IPPYO_ERR_ALLOC;
	if ((os = OPENSSL_zalloc(m->total_options * sizeof(*os))) == NULL) {
		OPENSSL_free(cs);
		return IPPYO_ERR_ALLOC;
	}
	memset(s, 0, sizeof(*s));
	s->election_id = m->election_id;
	s->title_ja = m->title_ja;
	s->title_en = m->title_en;
	s->chain_origin = m->origin;
	s->chain_url = m->url;
	s->chain_vkey = m->vkey;
	s->poll_opens = m->opens;
	s->poll_closes = m->closes;
	s->n_contests = m->n_contests;
	s->contests = cs;
	for (i = 0; i < m->n_contests; i++) {
		const struct contest *c = &m->contests[i];

		cs[i].id = c->id;
		cs[i].title_ja = c->title_ja;
		cs[i].title_en = c->title_en;
		cs[i].min = c->min;
		cs[i].max = c->max;
		cs[i].n_options = c->n_options;
		cs[i].options = &os[k];
		for (j = 0; j < c->n_options; j++, k++) {
			os[k].id = c->options[j].id;
			os[k].title_ja = c->options[j].title_ja;
			os[k].title_en = c->options[j].title_en;
		}
	}
	s->trustees_n = m->n;
	s->trustees_t = m->t;
	memcpy(s->officials_key, m->officials_key, sizeof(s->officials_key));
	memcpy(s->roll_hash, m->roll_hash, sizeof(s->roll_hash));
	s->roll_count = m->roll_count;
	s->n_jpki_ca = m->n_ca;
	s->jpki_ca = (const uint8_t (*)[IPPYO_FINGERPRINT_BYTES])m->ca;
	*cs_out = cs;
	*os_out = os;
	return 0;
}

static int
set_point(json_t *obj, const char *key, const ippyo_point *p)
{
	uint8_t raw[IPPYO_POINT_BYTES];
	int r;

	if ((r = ippyo_point_serialize(p, raw)) != 0)
		return r;
	return ippyo_json_set_b64(obj, key, raw, sizeof(raw));
}

static int
add_sealed(json_t *root, const ippyo_point *k, const ippyo_point *const *tk, size_t n,
    const uint8_t ceremony_hash[IPPYO_HASH_BYTES])
{
	json_t *arr;
	size_t i;
	int r;

	if ((r = set_point(root, "election_key", k)) != 0)
		return r;
	if ((r = set_new(root, "trustee_keys", arr = json_array())) != 0)
		return r;
	for (i = 0; i < n; i++) {
		uint8_t raw[IPPYO_POINT_BYTES];

		if (tk[i] == NULL)
			return IPPYO_ERR_INVALID_ARGUMENT;
		if ((r = ippyo_point_serialize(tk[i], raw)) != 0)
			return r;
		if ((r = append_new(arr, ippyo_json_b64(raw, sizeof(raw)))) != 0)
			return r;
	}
	return ippyo_json_set_hex(root, "ceremony_hash", ceremony_hash, IPPYO_HASH_BYTES);
}

static int
tagged_hash(const char *tag, const uint8_t *in, size_t len, uint8_t out[IPPYO_HASH_BYTES])
{
	ippyo_transcript *t;
	int r;

	if ((t = ippyo_transcript_new(tag)) == NULL)
		return IPPYO_ERR_ALLOC;
	if ((r = ippyo_transcript_put(t, in, len)) == 0)
		r = ippyo_transcript_digest(t, out);
	ippyo_transcript_free(t);
	return r;
}

/* The draft JSON of a parsed manifest. */
static int
draft_json(const ippyo_manifest *m, json_t **out)
{
	ippyo_manifest_spec s;
	ippyo_manifest_contest_spec *cs = NULL;
	ippyo_manifest_option_spec *os = NULL;
	int r;

	if ((r = manifest_spec(m, &s, &cs, &os)) != 0)
		return r;
	r = spec_json(&s, out);
	OPENSSL_free(cs);
	OPENSSL_free(os);
	return r;
}

int
ippyo_manifest_draft_bytes(const ippyo_manifest *m, uint8_t **out, size_t *out_len)
{
	json_t *root = NULL;
	int r;

	*out = NULL;
	*out_len = 0;
	if (!m->sealed) {
		if ((*out = OPENSSL_memdup(m->bytes, m->len + 1)) == NULL)
			return IPPYO_ERR_ALLOC;
		*out_len = m->len;
		return 0;
	}
	if ((r = draft_json(m, &root)) != 0)
		return r;
	r = ippyo_json_dump_canonical(root, out, out_len, IPPYO_MANIFEST_MAX_BYTES);
	json_decref(root);
	return r;
}

int
ippyo_manifest_parse(ippyo_manifest **out, const uint8_t *in, size_t len, int accept)
{
	ippyo_manifest *m = NULL;
	json_t *root = NULL;
	uint8_t *draft = NULL;
	size_t draft_len = 0;
	int r;

	*out = NULL;
	if ((accept & IPPYO_MANIFEST_ANY) == 0)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if ((r = ippyo_group_init()) != 0)
		return r;
	if ((r = ippyo_json_load_canonical(&root, in, len, IPPYO_MANIFEST_MAX_BYTES)) != 0)
		return r;
	r = IPPYO_ERR_ALLOC;
	if ((m = OPENSSL_zalloc(sizeof(*m))) == NULL)
		goto out;
	if ((r = parse_json(m, root, accept)) != 0)
		goto out;
	if ((m->ballot_size = ippyo_ballot_size_for(m)) == 0 ||
	    m->ballot_size > IPPYO_BALLOT_MAX_BYTES) {
		r = IPPYO_ERR_LIMIT;
		goto out;
	}
	r = IPPYO_ERR_ALLOC;
	if ((m->bytes = OPENSSL_malloc(len + 1)) == NULL)
		goto out;
	memcpy(m->bytes, in, len);
	m->bytes[len] = '\0';
	m->len = len;
	if (m->sealed) {
		if ((r = tagged_hash(IPPYO_TAG_ELECTION_BASE_HASH, in, len, m->election_hash)) != 0 ||
		    (r = ippyo_manifest_draft_bytes(m, &draft, &draft_len)) != 0 ||
		    (r = tagged_hash(IPPYO_TAG_ELECTION_DRAFT_HASH, draft, draft_len,
		    m->draft_hash)) != 0)
			goto out;
	} else if ((r = tagged_hash(IPPYO_TAG_ELECTION_DRAFT_HASH, in, len, m->draft_hash)) != 0)
		goto out;
	*out = m;
	m = NULL;
	r = 0;
out:
	if (draft != NULL)
		OPENSSL_free(draft);
	json_decref(root);
	ippyo_manifest_free(m);
	return r;
}

static int
from_json(ippyo_manifest **out, const json_t *root, int accept)
{
	uint8_t *bytes = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	if ((r = ippyo_json_dump_canonical(root, &bytes, &len, IPPYO_MANIFEST_MAX_BYTES)) != 0)
		return r;
	r = ippyo_manifest_parse(out, bytes, len, accept);
	OPENSSL_free(bytes);
	return r;
}

int
ippyo_manifest_new_draft(ippyo_manifest **out, const ippyo_manifest_spec *spec)
{
	json_t *root = NULL;
	int r;

	*out = NULL;
	if (spec == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if ((r = spec_json(spec, &root)) != 0)
		return r;
	r = from_json(out, root, IPPYO_MANIFEST_DRAFT);
	json_decref(root);
	return r;
}

int
ippyo_manifest_seal(ippyo_manifest **out, const ippyo_manifest *draft,
    const ippyo_point *election_key, const ippyo_point *const *trustee_keys,
    size_t n_trustee_keys, const uint8_t ceremony_hash[IPPYO_HASH_BYTES])
{
	json_t *root = NULL;
	int r;

	*out = NULL;
	if (draft == NULL || draft->sealed || election_key == NULL || trustee_keys == NULL ||
	    ceremony_hash == NULL)
		return IPPYO_ERR_INVALID_ARGUMENT;
	if (n_trustee_keys != draft->n)
		return IPPYO_ERR_BAD_THRESHOLD;
	if ((r = draft_json(draft, &root)) != 0)
		goto out;
	if ((r = add_sealed(root, election_key, trustee_keys, n_trustee_keys, ceremony_hash)) != 0)
		goto out;
	r = from_json(out, root, IPPYO_MANIFEST_SEALED);
out:
	json_decref(root);
	return r;
}

/* ---- accessors ---- */

const uint8_t *
ippyo_manifest_bytes(const ippyo_manifest *m, size_t *len)
{
	*len = m->len;
	return m->bytes;
}

int
ippyo_manifest_is_sealed(const ippyo_manifest *m)
{
	return m->sealed;
}

int
ippyo_manifest_election_hash(const ippyo_manifest *m, uint8_t out[IPPYO_HASH_BYTES])
{
	if (!m->sealed) {
		memset(out, 0, IPPYO_HASH_BYTES);
		return IPPYO_ERR_BAD_MANIFEST;
	}
	memcpy(out, m->election_hash, IPPYO_HASH_BYTES);
	return 0;
}

void
ippyo_manifest_draft_hash(const ippyo_manifest *m, uint8_t out[IPPYO_HASH_BYTES])
{
	memcpy(out, m->draft_hash, IPPYO_HASH_BYTES);
}

static const char *
pick(const char *lang, const char *ja, const char *en)
{
	if (lang != NULL && strcmp(lang, "en") == 0)
		return en;
	if (lang != NULL && strcmp(lang, "ja") == 0)
		return ja;
	return NULL;
}

const char *ippyo_manifest_election_id(const ippyo_manifest *m) { return m->election_id; }
const char *ippyo_manifest_chain_origin(const ippyo_manifest *m) { return m->origin; }
const char *ippyo_manifest_chain_url(const ippyo_manifest *m) { return m->url; }
const char *ippyo_manifest_chain_vkey(const ippyo_manifest *m) { return m->vkey; }
const char *ippyo_manifest_poll_opens(const ippyo_manifest *m) { return m->opens; }
const char *ippyo_manifest_poll_closes(const ippyo_manifest *m) { return m->closes; }
size_t ippyo_manifest_contests(const ippyo_manifest *m) { return m->n_contests; }
size_t ippyo_manifest_total_options(const ippyo_manifest *m) { return m->total_options; }
uint32_t ippyo_manifest_trustees_n(const ippyo_manifest *m) { return m->n; }
uint32_t ippyo_manifest_trustees_t(const ippyo_manifest *m) { return m->t; }
const uint8_t *ippyo_manifest_officials_key(const ippyo_manifest *m) { return m->officials_key; }
const uint8_t *ippyo_manifest_roll_hash(const ippyo_manifest *m) { return m->roll_hash; }
uint64_t ippyo_manifest_roll_count(const ippyo_manifest *m) { return m->roll_count; }
size_t ippyo_manifest_jpki_ca_count(const ippyo_manifest *m) { return m->n_ca; }
size_t ippyo_manifest_ballot_size(const ippyo_manifest *m) { return m->ballot_size; }

const char *
ippyo_manifest_title(const ippyo_manifest *m, const char *lang)
{
	return pick(lang, m->title_ja, m->title_en);
}

const char *
ippyo_manifest_contest_id(const ippyo_manifest *m, size_t c)
{
	return c < m->n_contests ? m->contests[c].id : NULL;
}

const char *
ippyo_manifest_contest_title(const ippyo_manifest *m, size_t c, const char *lang)
{
	if (c >= m->n_contests)
		return NULL;
	return pick(lang, m->contests[c].title_ja, m->contests[c].title_en);
}

uint32_t
ippyo_manifest_contest_min(const ippyo_manifest *m, size_t c)
{
	return c < m->n_contests ? m->contests[c].min : 0;
}

uint32_t
ippyo_manifest_contest_max(const ippyo_manifest *m, size_t c)
{
	return c < m->n_contests ? m->contests[c].max : 0;
}

size_t
ippyo_manifest_options(const ippyo_manifest *m, size_t c)
{
	return c < m->n_contests ? m->contests[c].n_options : 0;
}

const char *
ippyo_manifest_option_id(const ippyo_manifest *m, size_t c, size_t o)
{
	if (c >= m->n_contests || o >= m->contests[c].n_options)
		return NULL;
	return m->contests[c].options[o].id;
}

const char *
ippyo_manifest_option_title(const ippyo_manifest *m, size_t c, size_t o, const char *lang)
{
	if (c >= m->n_contests || o >= m->contests[c].n_options)
		return NULL;
	return pick(lang, m->contests[c].options[o].title_ja, m->contests[c].options[o].title_en);
}

const uint8_t *
ippyo_manifest_jpki_ca(const ippyo_manifest *m, size_t i)
{
	return i < m->n_ca ? m->ca[i] : NULL;
}

const ippyo_point *
ippyo_manifest_election_key_point(const ippyo_manifest *m)
{
	return m->sealed ? m->election_key : NULL;
}

const ippyo_point *
ippyo_manifest_trustee_key(const ippyo_manifest *m, uint32_t i)
{
	if (!m->sealed || i < 1 || i > m->n)
		return NULL;
	return m->trustee_keys[i - 1];
}

const uint8_t *
ippyo_manifest_ceremony_hash(const ippyo_manifest *m)
{
	return m->sealed ? m->ceremony_hash : NULL;
}

int
ippyo_manifest_election_key(const ippyo_manifest *m, ippyo_election_key **out)
{
	*out = NULL;
	if (!m->sealed)
		return IPPYO_ERR_BAD_MANIFEST;
	return ippyo_election_key_new(out, m->election_key);
}

int
ippyo_manifest_contest_index(const ippyo_manifest *m, const char *id, size_t *c)
{
	size_t i;

	*c = 0;
	for (i = 0; id != NULL && i < m->n_contests; i++) {
		if (strcmp(m->contests[i].id, id) == 0) {
			*c = i;
			return 0;
		}
	}
	return IPPYO_ERR_NOT_FOUND;
}

int
ippyo_manifest_option_index(const ippyo_manifest *m, size_t c, const char *id, size_t *o)
{
	size_t i;

	*o = 0;
	if (c >= m->n_contests)
		return IPPYO_ERR_NOT_FOUND;
	for (i = 0; id != NULL && i < m->contests[c].n_options; i++) {
		if (strcmp(m->contests[c].options[i].id, id) == 0) {
			*o = i;
			return 0;
		}
	}
	return IPPYO_ERR_NOT_FOUND;
}
