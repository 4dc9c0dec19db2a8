/* ippyo — C2SP signed notes with Ed25519 keys (types 0x01 and 0x04). */
#include "log/note.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "encoding.h"
#include "error.h"
#include "log/cosignature.h"

struct ippyo_note_verifier {
	char *name;
	uint8_t type;
	uint32_t key_id;
	uint8_t pub[IPPYO_ED25519_PUBLIC_BYTES];
	EVP_PKEY *pkey;
};

struct ippyo_note_signer {
	char *name;
	uint8_t type;
	uint32_t key_id;
	uint8_t seed[IPPYO_ED25519_SEED_BYTES];
	uint8_t pub[IPPYO_ED25519_PUBLIC_BYTES];
	EVP_PKEY *pkey;
};

static const char em_dash_space[] = "\xe2\x80\x94 ";   /* U+2014, U+0020 */
#define EM_DASH_SPACE_LEN 4
#define PRIVATE_PREFIX "PRIVATE+KEY+"

/* ---- text rules ---- */

/* Decodes one UTF-8 sequence strictly; returns its length or 0. */
static size_t
utf8_next(const uint8_t *p, size_t len, uint32_t *cp)
{
	uint32_t c;
	size_t n, i;

	if (len == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	} else if ((p[0] & 0xe0) == 0xc0) {
		n = 2;
		c = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		c = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4;
		c = p[0] & 0x07;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	/* No overlong forms, no surrogates, nothing above U+10FFFF. */
	if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return n;
}

/* Unicode White_Space (as Go's unicode.IsSpace). */
static int
is_unicode_space(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 ||
	    c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
	    c == 0x202f || c == 0x205f || c == 0x3000;
}

/* Valid UTF-8 without control characters other than newline. */
static int
text_valid(const uint8_t *p, size_t len)
{
	size_t i = 0, n;
	uint32_t c;

	while (i < len) {
		if ((n = utf8_next(p + i, len - i, &c)) == 0)
			return 0;
		if (c < 0x20 && c != '\n')
			return 0;
		i += n;
	}
	return 1;
}

int
ippyo_note_name_valid(const char *name, size_t len)
{
	size_t i = 0, n;
	uint32_t c;

	if (name == NULL || len == 0 || len > IPPYO_NOTE_MAX_NAME)
		return 0;
	while (i < len) {
		if ((n = utf8_next((const uint8_t *)name + i, len - i, &c)) == 0)
			return 0;
		if (c < 0x20 || c == 0x7f || c == '+' || is_unicode_space(c))
			return 0;
		i += n;
	}
	return 1;
}

/* ---- keys ---- */

uint32_t
ippyo_note_key_id(const char *name, uint8_t type, const uint8_t pub[IPPYO_ED25519_PUBLIC_BYTES])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	uint8_t d[32], nl = '\n';
	uint32_t id = 0;

	if (c != NULL && EVP_DigestInit_ex(c, EVP_sha256(), NULL) &&
	    EVP_DigestUpdate(c, name, strlen(name)) && EVP_DigestUpdate(c, &nl, 1) &&
	    EVP_DigestUpdate(c, &type, 1) &&
	    EVP_DigestUpdate(c, pub, IPPYO_ED25519_PUBLIC_BYTES) &&
	    EVP_DigestFinal_ex(c, d, NULL))
		id = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
	EVP_MD_CTX_free(c);
	return id;
}

static int
type_valid(uint8_t type)
{
	return type == IPPYO_NOTE_TYPE_ED25519 || type == IPPYO_NOTE_TYPE_COSIGNATURE;
}

int
ippyo_note_verifier_new(const char *name, uint8_t type,
    const uint8_t pub[IPPYO_ED25519_PUBLIC_BYTES], ippyo_note_verifier **out)
{
	ippyo_note_verifier *v = NULL;
	int r = IPPYO_ERR_ALLOC;

	*out = NULL;
	if (name == NULL || !ippyo_note_name_valid(name, strlen(name)) || !type_valid(type))
		return IPPYO_ERR_BAD_KEY;
	if ((v = OPENSSL_zalloc(sizeof(*v))) == NULL ||
	    (v->name = OPENSSL_strdup(name)) == NULL)
		goto out;
	v->type = type;
	memcpy(v->pub, pub, IPPYO_ED25519_PUBLIC_BYTES);
	if ((v->pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub,
	    IPPYO_ED25519_PUBLIC_BYTES)) == NULL) {
		r = IPPYO_ERR_BAD_KEY;
		goto out;
	}
	v->key_id = ippyo_note_key_id(name, type, pub);
	*out = v;
	v = NULL;
	r = 0;
 out:
	ippyo_note_verifier_free(v);
	return r;
}

void
ippyo_note_verifier_free(ippyo_note_verifier *v)
{
	if (v == NULL)
		return;
	EVP_PKEY_free(v->pkey);
	OPENSSL_free(v->name);
	OPENSSL_free(v);
}

ippyo_note_verifier *
ippyo_note_verifier_dup(const ippyo_note_verifier *v)
{
	ippyo_note_verifier *d = NULL;

	if (ippyo_note_verifier_new(v->name, v->type, v->pub, &d) != 0)
		return NULL;
	return d;
}

const char *
ippyo_note_verifier_name(const ippyo_note_verifier *v)
{
	return v->name;
}

uint32_t
ippyo_note_verifier_key_id(const ippyo_note_verifier *v)
{
	return v->key_id;
}

uint8_t
ippyo_note_verifier_type(const ippyo_note_verifier *v)
{
	return v->type;
}

const uint8_t *
ippyo_note_verifier_public(const ippyo_note_verifier *v)
{
	return v->pub;
}

int
ippyo_note_verifier_same_key(const ippyo_note_verifier *a, const ippyo_note_verifier *b)
{
	return a->type == b->type &&
	    memcmp(a->pub, b->pub, IPPYO_ED25519_PUBLIC_BYTES) == 0;
}

/* "<name>+<8 hex>+<base64(type ‖ key)>" into a NUL-terminated string. */
static int
key_string(const char *prefix, const char *name, uint32_t key_id, uint8_t type,
    const uint8_t key[32], char **out)
{
	ippyo_buf *b = NULL;
	uint8_t raw[33], id[4];
	char hex[9];
	int r;

	*out = NULL;
	if ((b = ippyo_buf_new(1024)) == NULL)
		return IPPYO_ERR_ALLOC;
	raw[0] = type;
	memcpy(raw + 1, key, 32);
	id[0] = (uint8_t)(key_id >> 24);
	id[1] = (uint8_t)(key_id >> 16);
	id[2] = (uint8_t)(key_id >> 8);
	id[3] = (uint8_t)key_id;
	ippyo_hex_write(id, 4, hex);
	if ((r = ippyo_buf_put_str(b, prefix)) != 0 ||
	    (r = ippyo_buf_put_str(b, name)) != 0 ||
	    (r = ippyo_buf_put_u8(b, '+')) != 0 ||
	    (r = ippyo_buf_put_str(b, hex)) != 0 ||
	    (r = ippyo_buf_put_u8(b, '+')) != 0 ||
	    (r = ippyo_b64_put(b, raw, sizeof(raw))) != 0 ||
	    (r = ippyo_buf_put_u8(b, 0)) != 0)
		goto out;
	{
		uint8_t *p;
		size_t len;

		if ((r = ippyo_buf_steal(b, &p, &len)) != 0)
			goto out;
		*out = (char *)p;
	}
 out:
	OPENSSL_cleanse(raw, sizeof(raw));
	ippyo_buf_free(b);
	return r;
}

int
ippyo_note_verifier_string(const ippyo_note_verifier *v, char **out)
{
	return key_string("", v->name, v->key_id, v->type, v->pub, out);
}

/*
 * Splits "<name>+<8 hex>+<base64>" (s without any prefix): the name has no
 * '+', the base64 part may contain '+'. Decodes into raw[33].
 */
static int
split_key(const char *s, char **name, uint32_t *key_id, uint8_t raw[33])
{
	const char *p1, *p2;
	uint8_t id[4];
	char hex[9];
	size_t len;
	int r;

	*name = NULL;
	if ((p1 = strchr(s, '+')) == NULL || p1 - s > IPPYO_NOTE_MAX_NAME)
		return IPPYO_ERR_BAD_KEY;
	p2 = p1 + 1;
	if (strlen(p2) < 10 || p2[8] != '+')
		return IPPYO_ERR_BAD_KEY;
	memcpy(hex, p2, 8);
	hex[8] = '\0';
	if (ippyo_hex_decode_exact(hex, id, 4) != 0)
		return IPPYO_ERR_BAD_KEY;
	*key_id = (uint32_t)id[0] << 24 | (uint32_t)id[1] << 16 | (uint32_t)id[2] << 8 | id[3];
	if ((r = ippyo_b64_decode(p2 + 9, strlen(p2 + 9), raw, 33, &len)) != 0 || len != 33)
		return IPPYO_ERR_BAD_KEY;
	if (!ippyo_note_name_valid(s, (size_t)(p1 - s)))
		return IPPYO_ERR_BAD_KEY;
	if ((*name = OPENSSL_strndup(s, (size_t)(p1 - s))) == NULL)
		return IPPYO_ERR_ALLOC;
	return 0;
}

int
ippyo_note_verifier_parse(const char *vkey, ippyo_note_verifier **out)
{
	ippyo_note_verifier *v = NULL;
	char *name = NULL;
	uint8_t raw[33];
	uint32_t id;
	int r;

	*out = NULL;
	if (vkey == NULL || strlen(vkey) > 1024)
		return IPPYO_ERR_BAD_KEY;
	if ((r = split_key(vkey, &name, &id, raw)) != 0)
		goto out;
	if ((r = ippyo_note_verifier_new(name, raw[0], raw + 1, &v)) != 0)
		goto out;
	if (v->key_id != id) {
		r = IPPYO_ERR_BAD_KEY;
		goto out;
	}
	*out = v;
	v = NULL;
 out:
	ippyo_note_verifier_free(v);
	OPENSSL_free(name);
	return r;
}

int
ippyo_note_signer_from_seed(const char *name, uint8_t type,
    const uint8_t seed[IPPYO_ED25519_SEED_BYTES], ippyo_note_signer **out)
{
	ippyo_note_signer *s = NULL;
	size_t publen = IPPYO_ED25519_PUBLIC_BYTES;
	int r = IPPYO_ERR_ALLOC;

	*out = NULL;
	if (name == NULL || !ippyo_note_name_valid(name, strlen(name)) || !type_valid(type))
		return IPPYO_ERR_BAD_KEY;
	if ((s = OPENSSL_zalloc(sizeof(*s))) == NULL ||
	    (s->name = OPENSSL_strdup(name)) == NULL)
		goto out;
	s->type = type;
	memcpy(s->seed, seed, IPPYO_ED25519_SEED_BYTES);
	if ((s->pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed,
	    IPPYO_ED25519_SEED_BYTES)) == NULL ||
	    !EVP_PKEY_get_raw_public_key(s->pkey, s->pub, &publen) ||
	    publen != IPPYO_ED25519_PUBLIC_BYTES) {
		r = IPPYO_ERR_BAD_KEY;
		goto out;
	}
	s->key_id = ippyo_note_key_id(name, type, s->pub);
	*out = s;
	s = NULL;
	r = 0;
 out:
	ippyo_note_signer_free(s);
	return r;
}

int
ippyo_note_signer_generate(const char *name, uint8_t type, ippyo_note_signer **out)
{
	uint8_t seed[IPPYO_ED25519_SEED_BYTES];
	int r;

	*out = NULL;
	if (RAND_priv_bytes(seed, sizeof(seed)) != 1)
		return IPPYO_ERR_RANDOM;
	r = ippyo_note_signer_from_seed(name, type, seed, out);
	OPENSSL_cleanse(seed, sizeof(seed));
	return r;
}

int
ippyo_note_signer_parse(const char *skey, ippyo_note_signer **out)
{
	ippyo_note_signer *s = NULL;
	char *name = NULL;
	uint8_t raw[33];
	uint32_t id;
	int r;

	*out = NULL;
	if (skey == NULL || strlen(skey) > 1024 ||
	    strncmp(skey, PRIVATE_PREFIX, strlen(PRIVATE_PREFIX)) != 0)
		return IPPYO_ERR_BAD_KEY;
	if ((r = split_key(skey + strlen(PRIVATE_PREFIX), &name, &id, raw)) != 0)
		goto out;
	if ((r = ippyo_note_signer_from_seed(name, raw[0], raw + 1, &s)) != 0)
		goto out;
	if (s->key_id != id) {
		r = IPPYO_ERR_BAD_KEY;
		goto out;
	}
	*out = s;
	s = NULL;
 out:
	OPENSSL_cleanse(raw, sizeof(raw));
	ippyo_note_signer_free(s);
	OPENSSL_free(name);
	return r;
}

void
ippyo_note_signer_free(ippyo_note_signer *s)
{
	if (s == NULL)
		return;
	EVP_PKEY_free(s->pkey);
	OPENSSL_free(s->name);
	OPENSSL_clear_free(s, sizeof(*s));
}

int
ippyo_note_signer_string(const ippyo_note_signer *s, char **out)
{
	return key_string(PRIVATE_PREFIX, s->name, s->key_id, s->type, s->seed, out);
}

int
ippyo_note_signer_verifier(const ippyo_note_signer *s, ippyo_note_verifier **out)
{
	return ippyo_note_verifier_new(s->name, s->type, s->pub, out);
}

const char *
ippyo_note_signer_name(const ippyo_note_signer *s)
{
	return s->name;
}

uint32_t
ippyo_note_signer_key_id(const ippyo_note_signer *s)
{
	return s->key_id;
}

uint8_t
ippyo_note_signer_type(const ippyo_note_signer *s)
{
	return s->type;
}

int
ippyo_note_signer_sign_raw(const ippyo_note_signer *s, const uint8_t *msg, size_t len,
    uint8_t sig[IPPYO_ED25519_SIG_BYTES])
{
	EVP_MD_CTX *c = NULL;
	size_t siglen = IPPYO_ED25519_SIG_BYTES;
	int r = IPPYO_ERR_INTERNAL;

	if ((c = EVP_MD_CTX_new()) == NULL)
		return IPPYO_ERR_ALLOC;
	if (EVP_DigestSignInit(c, NULL, NULL, NULL, s->pkey) != 1 ||
	    EVP_DigestSign(c, sig, &siglen, msg, len) != 1 ||
	    siglen != IPPYO_ED25519_SIG_BYTES)
		goto out;
	r = 0;
 out:
	EVP_MD_CTX_free(c);
	return r;
}

int
ippyo_note_verifier_verify_raw(const ippyo_note_verifier *v, const uint8_t *msg, size_t len,
    const uint8_t *sig, size_t sig_len)
{
	EVP_MD_CTX *c = NULL;
	int r = IPPYO_ERR_NOTE_SIGNATURE;

	if (sig_len != IPPYO_ED25519_SIG_BYTES)
		return IPPYO_ERR_NOTE_SIGNATURE;
	if ((c = EVP_MD_CTX_new()) == NULL)
		return IPPYO_ERR_ALLOC;
	if (EVP_DigestVerifyInit(c, NULL, NULL, NULL, v->pkey) != 1) {
		r = IPPYO_ERR_INTERNAL;
		goto out;
	}
	if (EVP_DigestVerify(c, sig, sig_len, msg, len) == 1)
		r = 0;
 out:
	EVP_MD_CTX_free(c);
	return r;
}

/* ---- notes ---- */

void
ippyo_note_free(ippyo_note *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nsigs; i++) {
		OPENSSL_free(n->sigs[i].name);
		OPENSSL_free(n->sigs[i].sig);
	}
	OPENSSL_free(n->sigs);
	OPENSSL_free(n->text);
	OPENSSL_free(n);
}

int
ippyo_note_new(const uint8_t *text, size_t len, ippyo_note **out)
{
	ippyo_note *n = NULL;

	*out = NULL;
	if (len == 0 || len > IPPYO_NOTE_MAX_BYTES)
		return len == 0 ? IPPYO_ERR_NOTE_FORMAT : IPPYO_ERR_LIMIT;
	if (text[len - 1] != '\n' || !text_valid(text, len))
		return IPPYO_ERR_NOTE_FORMAT;
	if ((n = OPENSSL_zalloc(sizeof(*n))) == NULL ||
	    (n->text = OPENSSL_malloc(len + 1)) == NULL) {
		ippyo_note_free(n);
		return IPPYO_ERR_ALLOC;
	}
	memcpy(n->text, text, len);
	n->text[len] = '\0';
	n->text_len = len;
	*out = n;
	return 0;
}

int
ippyo_note_add_sig(ippyo_note *n, const char *name, uint32_t key_id, const uint8_t *sig,
    size_t sig_len)
{
	ippyo_note_sig *ns;
	char *nm = NULL;
	uint8_t *sg = NULL;

	if (name == NULL || !ippyo_note_name_valid(name, strlen(name)) || sig_len == 0 ||
	    sig_len > 8192)
		return IPPYO_ERR_NOTE_FORMAT;
	if (n->nsigs >= IPPYO_NOTE_MAX_SIGNATURES)
		return IPPYO_ERR_LIMIT;
	if ((nm = OPENSSL_strdup(name)) == NULL || (sg = OPENSSL_memdup(sig, sig_len)) == NULL ||
	    (ns = OPENSSL_realloc(n->sigs, (n->nsigs + 1) * sizeof(*ns))) == NULL) {
		OPENSSL_free(nm);
		OPENSSL_free(sg);
		return IPPYO_ERR_ALLOC;
	}
	n->sigs = ns;
	ns[n->nsigs].name = nm;
	ns[n->nsigs].key_id = key_id;
	ns[n->nsigs].sig = sg;
	ns[n->nsigs].sig_len = sig_len;
	n->nsigs++;
	return 0;
}

int
ippyo_note_sign(ippyo_note *n, const ippyo_note_signer *s)
{
	uint8_t sig[IPPYO_ED25519_SIG_BYTES];
	int r;

	if (s->type != IPPYO_NOTE_TYPE_ED25519)
		return IPPYO_ERR_BAD_KEY;
	if ((r = ippyo_note_signer_sign_raw(s, n->text, n->text_len, sig)) != 0)
		return r;
	return ippyo_note_add_sig(n, s->name, s->key_id, sig, sizeof(sig));
}

static int
put_sig_line(ippyo_buf *b, const char *name, uint32_t key_id, const uint8_t *sig,
    size_t sig_len)
{
	uint8_t *raw;
	int r;

	if (sig_len > 8192)
		return IPPYO_ERR_LIMIT;
	if ((raw = OPENSSL_malloc(4 + sig_len)) == NULL)
		return IPPYO_ERR_ALLOC;
	raw[0] = (uint8_t)(key_id >> 24);
	raw[1] = (uint8_t)(key_id >> 16);
	raw[2] = (uint8_t)(key_id >> 8);
	raw[3] = (uint8_t)key_id;
	memcpy(raw + 4, sig, sig_len);
	if ((r = ippyo_buf_put(b, em_dash_space, EM_DASH_SPACE_LEN)) != 0 ||
	    (r = ippyo_buf_put_str(b, name)) != 0 ||
	    (r = ippyo_buf_put_u8(b, ' ')) != 0 ||
	    (r = ippyo_b64_put(b, raw, 4 + sig_len)) != 0 ||
	    (r = ippyo_buf_put_u8(b, '\n')) != 0)
		goto out;
 out:
	OPENSSL_free(raw);
	return r;
}

int
ippyo_note_sig_line(const char *name, uint32_t key_id, const uint8_t *sig, size_t sig_len,
    char **out)
{
	ippyo_buf *b;
	uint8_t *p;
	size_t len;
	int r;

	*out = NULL;
	if (name == NULL || !ippyo_note_name_valid(name, strlen(name)) || sig_len == 0)
		return IPPYO_ERR_NOTE_FORMAT;
	if ((b = ippyo_buf_new(16384)) == NULL)
		return IPPYO_ERR_ALLOC;
	if ((r = put_sig_line(b, name, key_id, sig, sig_len)) == 0 &&
	    (r = ippyo_buf_put_u8(b, 0)) == 0 &&
	    (r = ippyo_buf_steal(b, &p, &len)) == 0)
		*out = (char *)p;
	ippyo_buf_free(b);
	return r;
}

int
ippyo_note_serialize(const ippyo_note *n, ippyo_buf *out)
{
	size_t i;
	int r;

	if (n->nsigs == 0)
		return IPPYO_ERR_NOTE_FORMAT;
	if ((r = ippyo_buf_put(out, n->text, n->text_len)) != 0 ||
	    (r = ippyo_buf_put_u8(out, '\n')) != 0)
		return r;
	for (i = 0; i < n->nsigs; i++)
		if ((r = put_sig_line(out, n->sigs[i].name, n->sigs[i].key_id, n->sigs[i].sig,
		    n->sigs[i].sig_len)) != 0)
			return r;
	return 0;
}

/* Parses one signature line p[0..len) (without its newline). */
static int
parse_sig_line(ippyo_note *n, const uint8_t *p, size_t len)
{
	const uint8_t *sp;
	uint8_t *raw = NULL;
	char *name = NULL;
	size_t nlen, rawlen;
	uint32_t id;
	int r = IPPYO_ERR_NOTE_FORMAT;

	if (len < EM_DASH_SPACE_LEN || memcmp(p, em_dash_space, EM_DASH_SPACE_LEN) != 0)
		return IPPYO_ERR_NOTE_FORMAT;
	p += EM_DASH_SPACE_LEN;
	len -= EM_DASH_SPACE_LEN;
	if ((sp = memchr(p, ' ', len)) == NULL)
		return IPPYO_ERR_NOTE_FORMAT;
	nlen = (size_t)(sp - p);
	if (!ippyo_note_name_valid((const char *)p, nlen))
		return IPPYO_ERR_NOTE_FORMAT;
	p = sp + 1;
	len -= nlen + 1;
	if ((name = OPENSSL_strndup((const char *)sp - nlen, nlen)) == NULL ||
	    (raw = OPENSSL_malloc(ippyo_b64_decoded_max(len) + 1)) == NULL) {
		r = IPPYO_ERR_ALLOC;
		goto out;
	}
	if (ippyo_b64_decode((const char *)p, len, raw, ippyo_b64_decoded_max(len) + 1,
	    &rawlen) != 0 || rawlen < 5)
		goto out;
	id = (uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 | (uint32_t)raw[2] << 8 | raw[3];
	r = ippyo_note_add_sig(n, name, id, raw + 4, rawlen - 4);
 out:
	OPENSSL_free(name);
	OPENSSL_free(raw);
	return r;
}

int
ippyo_note_parse(const uint8_t *msg, size_t len, ippyo_note **out)
{
	ippyo_note *n = NULL;
	const uint8_t *p, *nl;
	size_t split, rest;
	int r = IPPYO_ERR_NOTE_FORMAT;

	*out = NULL;
	if (len > IPPYO_NOTE_MAX_BYTES)
		return IPPYO_ERR_LIMIT;
	if (len < 2 || !text_valid(msg, len))
		return IPPYO_ERR_NOTE_FORMAT;
	/* The text ends at the last blank line. */
	for (split = len - 1; split > 0; split--)
		if (msg[split - 1] == '\n' && msg[split] == '\n')
			break;
	if (split == 0)
		return IPPYO_ERR_NOTE_FORMAT;
	if ((r = ippyo_note_new(msg, split, &n)) != 0)
		goto out;
	p = msg + split + 1;
	rest = len - split - 1;
	if (rest == 0 || p[rest - 1] != '\n') {
		r = IPPYO_ERR_NOTE_FORMAT;
		goto out;
	}
	while (rest > 0) {
		nl = memchr(p, '\n', rest);   /* found: the block ends in "\n" */
		if ((r = parse_sig_line(n, p, (size_t)(nl - p))) != 0) {
			if (r == IPPYO_ERR_LIMIT)
				r = IPPYO_ERR_NOTE_FORMAT;
			goto out;
		}
		rest -= (size_t)(nl - p) + 1;
		p = nl + 1;
	}
	*out = n;
	n = NULL;
	r = 0;
 out:
	ippyo_note_free(n);
	return r;
}

int
ippyo_note_verify(const ippyo_note *n, const ippyo_note_verifier *const *keys, size_t nkeys,
    int *verified, uint64_t *timestamps)
{
	const ippyo_note_verifier *k;
	uint64_t t;
	size_t i, j;
	int any = 0, r;

	if (verified != NULL)
		memset(verified, 0, nkeys * sizeof(*verified));
	if (timestamps != NULL)
		memset(timestamps, 0, nkeys * sizeof(*timestamps));
	for (i = 0; i < n->nsigs; i++) {
		for (j = 0; j < nkeys; j++) {
			k = keys[j];
			if (k->key_id != n->sigs[i].key_id || strcmp(k->name, n->sigs[i].name) != 0)
				continue;
			/* A known key: it must verify, or the note is rejected. */
			if (k->type == IPPYO_NOTE_TYPE_COSIGNATURE) {
				if ((r = ippyo_cosignature_verify(k, n->text, n->text_len,
				    n->sigs[i].sig, n->sigs[i].sig_len, &t)) != 0)
					return IPPYO_ERR_NOTE_SIGNATURE;
				if (timestamps != NULL && t > timestamps[j])
					timestamps[j] = t;
			} else if ((r = ippyo_note_verifier_verify_raw(k, n->text, n->text_len,
			    n->sigs[i].sig, n->sigs[i].sig_len)) != 0)
				return r;
			if (verified != NULL)
				verified[j] = 1;
			any = 1;
		}
	}
	return any ? 0 : IPPYO_ERR_NOTE_UNKNOWN_KEY;
}
