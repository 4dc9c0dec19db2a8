/*
 * The virtual My Number card's APDU engine: see apdu.h and docs/card.md.
 * Every answer follows ../shared/JPKI.md, "What OpenSC 0.23.0 sends".
 */
#include "apdu.h"

#include <errno.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

const uint8_t vcard_jpki_aid[10] = {
	0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01
};

#define PIN_MAX		16
#define RSA_BYTES	256
/* PKCS#1 v1.5 type 1 needs 11 bytes of padding. */
#define SIGN_IN_MAX	(RSA_BYTES - 11)

/* Status words. */
#define SW_OK			0x9000
#define SW_WRONG_LENGTH		0x6700
#define SW_INCOMPATIBLE_FILE	0x6981
#define SW_NOT_SATISFIED	0x6982
#define SW_BLOCKED		0x6983
#define SW_NO_CURRENT_EF	0x6986
#define SW_NOT_FOUND		0x6A82
#define SW_BAD_P1P2		0x6A86
#define SW_WRONG_OFFSET		0x6B00
#define SW_BAD_INS		0x6D00
#define SW_BAD_CLA		0x6E00
#define SW_UNKNOWN		0x6F00

typedef struct {
	uint8_t *der;
	size_t len;
} vcard_file;

struct vcard_card {
	vcard_file auth_cert;
	vcard_file auth_ca;
	vcard_file sign_cert;
	vcard_file sign_ca;
	EVP_PKEY *auth_key;
	EVP_PKEY *sign_key;
	char pin[PIN_MAX + 1];
	size_t pin_len;
	char password[PIN_MAX + 1];
	size_t password_len;
};

struct vcard_state {
	const vcard_card *card;
	bool app_selected;
	uint16_t ef;		/* 0: none */
	bool auth_verified;
	bool sign_verified;
	unsigned int auth_tries;
	unsigned int sign_tries;
	bool dirty;
};

/* A parsed short C-APDU. */
typedef struct {
	uint8_t cla, ins, p1, p2;
	const uint8_t *data;
	size_t lc;
	size_t le;		/* 1..256 when has_le */
	bool has_le;
} vcard_capdu;

static GQuark
vcard_error_quark(void)
{
	return g_quark_from_static_string("vcard-error");
}

static char *
card_path(const char *dir, const char *name)
{
	return g_build_filename(dir, name, NULL);
}

static gboolean
load_cert(const char *dir, const char *name, vcard_file *out, GError **error)
{
	g_autofree char *path = card_path(dir, name);
	g_autofree char *pem = NULL;
	gsize pem_len = 0;
	BIO *bio = NULL;
	X509 *x = NULL;
	unsigned char *der = NULL;
	int der_len;
	gboolean ok = FALSE;

	if (!g_file_get_contents(path, &pem, &pem_len, error))
		goto out;
	if (pem_len > G_MAXINT ||
	    (bio = BIO_new_mem_buf(pem, (int)pem_len)) == NULL ||
	    (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) == NULL) {
		g_set_error(error, vcard_error_quark(), 1,
		    "%s: not a PEM certificate", path);
		goto out;
	}
	if ((der_len = i2d_X509(x, &der)) <= 0) {
		g_set_error(error, vcard_error_quark(), 1,
		    "%s: cannot encode", path);
		goto out;
	}
	/* OpenSC reads 4 bytes and takes bytes 2-3 as the length. */
	if (der_len < 256 || der_len > 0xFFFF + 4 || der[0] != 0x30 ||
	    der[1] != 0x82) {
		g_set_error(error, vcard_error_quark(), 1,
		    "%s: certificate must be 256..65539 bytes of DER with "
		    "a 2-byte length", path);
		goto out;
	}
	out->der = g_memdup2(der, (gsize)der_len);
	out->len = (size_t)der_len;
	ok = TRUE;
 out:
	OPENSSL_free(der);
	X509_free(x);
	BIO_free(bio);
	return ok;
}

static gboolean
load_key(const char *dir, const char *name, EVP_PKEY **out, GError **error)
{
	g_autofree char *path = card_path(dir, name);
	char *pem = NULL;
	gsize pem_len = 0;
	BIO *bio = NULL;
	EVP_PKEY *pkey = NULL;
	gboolean ok = FALSE;

	if (!g_file_get_contents(path, &pem, &pem_len, error))
		goto out;
	if (pem_len > G_MAXINT ||
	    (bio = BIO_new_mem_buf(pem, (int)pem_len)) == NULL ||
	    (pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) == NULL) {
		g_set_error(error, vcard_error_quark(), 1,
		    "%s: not a PEM private key", path);
		goto out;
	}
	if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA ||
	    EVP_PKEY_get_bits(pkey) != RSA_BYTES * 8) {
		g_set_error(error, vcard_error_quark(), 1,
		    "%s: not an RSA-2048 key", path);
		goto out;
	}
	*out = pkey;
	pkey = NULL;
	ok = TRUE;
 out:
	EVP_PKEY_free(pkey);
	BIO_free(bio);
	if (pem != NULL)
		OPENSSL_clear_free(pem, pem_len);
	return ok;
}

/* Reads a one-line secret file; checks it with the given alphabet and lengths. */
static gboolean
load_secret(const char *dir, const char *name, const char *alphabet,
    size_t min, size_t max, char *out, size_t *out_len, GError **error)
{
	g_autofree char *path = card_path(dir, name);
	char *text = NULL;
	gsize len = 0;
	gboolean ok = FALSE;

	if (!g_file_get_contents(path, &text, &len, error))
		goto out;
	if (len > 0 && text[len - 1] == '\n')
		len--;
	if (len < min || len > max || len > PIN_MAX ||
	    strspn(text, alphabet) != len) {
		g_set_error(error, vcard_error_quark(), 1,
		    "%s: must be %zu to %zu of [%s]", path, min, max, alphabet);
		goto out;
	}
	memcpy(out, text, len);
	out[len] = '\0';
	*out_len = len;
	ok = TRUE;
 out:
	if (text != NULL)
		OPENSSL_clear_free(text, len + 1);
	return ok;
}

static gboolean
key_matches_cert(EVP_PKEY *key, const vcard_file *cert)
{
	const unsigned char *p = cert->der;
	X509 *x = d2i_X509(NULL, &p, (long)cert->len);
	EVP_PKEY *pub;
	gboolean ok = FALSE;

	if (x != NULL && (pub = X509_get0_pubkey(x)) != NULL)
		ok = EVP_PKEY_eq(pub, key) == 1;
	X509_free(x);
	return ok;
}

vcard_card *
vcard_card_load(const char *dir, GError **error)
{
	vcard_card *card = g_new0(vcard_card, 1);

	if (!load_cert(dir, "auth.crt", &card->auth_cert, error) ||
	    !load_cert(dir, "auth-ca.crt", &card->auth_ca, error) ||
	    !load_cert(dir, "sign.crt", &card->sign_cert, error) ||
	    !load_cert(dir, "sign-ca.crt", &card->sign_ca, error) ||
	    !load_key(dir, "auth.key", &card->auth_key, error) ||
	    !load_key(dir, "sign.key", &card->sign_key, error) ||
	    !load_secret(dir, "pin", "0123456789", 4, 4,
	    card->pin, &card->pin_len, error) ||
	    !load_secret(dir, "password", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
	    6, 16, card->password, &card->password_len, error))
		goto fail;
	if (!key_matches_cert(card->auth_key, &card->auth_cert) ||
	    !key_matches_cert(card->sign_key, &card->sign_cert)) {
		g_set_error(error, vcard_error_quark(), 1,
		    "%s: a key does not match its certificate", dir);
		goto fail;
	}
	return card;
 fail:
	vcard_card_free(card);
	return NULL;
}

void
vcard_card_free(vcard_card *card)
{
	if (card == NULL)
		return;
	g_free(card->auth_cert.der);
	g_free(card->auth_ca.der);
	g_free(card->sign_cert.der);
	g_free(card->sign_ca.der);
	EVP_PKEY_free(card->auth_key);
	EVP_PKEY_free(card->sign_key);
	OPENSSL_cleanse(card, sizeof(*card));
	g_free(card);
}

vcard_state *
vcard_state_new(const vcard_card *card)
{
	vcard_state *state = g_new0(vcard_state, 1);

	state->card = card;
	state->auth_tries = VCARD_AUTH_TRIES;
	state->sign_tries = VCARD_SIGN_TRIES;
	return state;
}

void
vcard_state_free(vcard_state *state)
{
	g_free(state);
}

/* Parses one "key=N\n" line of the counters file. */
static gboolean
parse_counter(const char **p, const char *end, const char *key,
    unsigned int max, unsigned int *out)
{
	size_t klen = strlen(key);

	if ((size_t)(end - *p) < klen + 3 || memcmp(*p, key, klen) != 0 ||
	    (*p)[klen] != '=')
		return FALSE;
	*p += klen + 1;
	if (**p < '0' || **p > '9' || (unsigned int)(**p - '0') > max)
		return FALSE;
	*out = (unsigned int)(**p - '0');
	(*p)++;
	if (*p >= end || **p != '\n')
		return FALSE;
	(*p)++;
	return TRUE;
}

gboolean
vcard_state_load(vcard_state *state, const char *path, GError **error)
{
	g_autofree char *text = NULL;
	gsize len = 0;
	GError *local = NULL;
	const char *p, *end;
	unsigned int auth, sign;

	if (!g_file_get_contents(path, &text, &len, &local)) {
		if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
			g_clear_error(&local);
			return TRUE;
		}
		g_propagate_error(error, local);
		return FALSE;
	}
	p = text;
	end = text + len;
	if (!parse_counter(&p, end, "auth", VCARD_AUTH_TRIES, &auth) ||
	    !parse_counter(&p, end, "sign", VCARD_SIGN_TRIES, &sign) ||
	    p != end) {
		g_set_error(error, vcard_error_quark(), 1,
		    "%s: not a PIN counters file (\"auth=N\\nsign=M\\n\")", path);
		return FALSE;
	}
	state->auth_tries = auth;
	state->sign_tries = sign;
	return TRUE;
}

gboolean
vcard_state_save(const vcard_state *state, const char *path, GError **error)
{
	g_autofree char *text = g_strdup_printf("auth=%u\nsign=%u\n",
	    state->auth_tries, state->sign_tries);

	/* g_file_set_contents() writes a temporary file and renames it. */
	return g_file_set_contents(path, text, -1, error);
}

bool
vcard_state_take_dirty(vcard_state *state)
{
	bool dirty = state->dirty;

	state->dirty = false;
	return dirty;
}

unsigned int
vcard_state_auth_tries(const vcard_state *state)
{
	return state->auth_tries;
}

unsigned int
vcard_state_sign_tries(const vcard_state *state)
{
	return state->sign_tries;
}

void
vcard_state_set_tries(vcard_state *state, unsigned int auth, unsigned int sign)
{
	state->auth_tries = MIN(auth, VCARD_AUTH_TRIES);
	state->sign_tries = MIN(sign, VCARD_SIGN_TRIES);
	state->dirty = true;
}

static void
forget_session(vcard_state *state)
{
	state->app_selected = false;
	state->ef = 0;
	state->auth_verified = false;
	state->sign_verified = false;
}

void
vcard_power(vcard_state *state, vcard_power_event event)
{
	(void)event;
	forget_session(state);
}

/*
 * ISO 7816-4 short APDU cases: 1 (header), 2 (Le), 3 (Lc data), 4 (Lc data
 * Le). An Lc byte of 00 starts an extended APDU, which this card refuses.
 */
static int
parse_capdu(const uint8_t *b, size_t len, vcard_capdu *c)
{
	memset(c, 0, sizeof(*c));
	if (len < 4)
		return SW_WRONG_LENGTH;
	c->cla = b[0];
	c->ins = b[1];
	c->p1 = b[2];
	c->p2 = b[3];
	if (len == 4)
		return 0;
	if (len == 5) {
		c->has_le = true;
		c->le = b[4] == 0 ? 256 : b[4];
		return 0;
	}
	if (b[4] == 0)
		return SW_WRONG_LENGTH;	/* extended length */
	c->lc = b[4];
	c->data = b + 5;
	if (len == 5 + c->lc)
		return 0;
	if (len == 6 + c->lc) {
		c->has_le = true;
		c->le = b[len - 1] == 0 ? 256 : b[len - 1];
		return 0;
	}
	return SW_WRONG_LENGTH;
}

static const vcard_file *
cert_file(const vcard_card *card, uint16_t ef)
{
	switch (ef) {
	case VCARD_EF_AUTH_CERT:
		return &card->auth_cert;
	case VCARD_EF_AUTH_CA:
		return &card->auth_ca;
	case VCARD_EF_SIGN_CERT:
		return &card->sign_cert;
	case VCARD_EF_SIGN_CA:
		return &card->sign_ca;
	default:
		return NULL;
	}
}

static bool
ef_exists(uint16_t ef)
{
	switch (ef) {
	case VCARD_EF_SIGN_CERT:
	case VCARD_EF_SIGN_CA:
	case VCARD_EF_AUTH_CERT:
	case VCARD_EF_AUTH_CA:
	case VCARD_EF_AUTH_KEY:
	case VCARD_EF_AUTH_PIN:
	case VCARD_EF_SIGN_KEY:
	case VCARD_EF_SIGN_PIN:
		return true;
	default:
		return false;
	}
}

static int
do_select(vcard_state *state, const vcard_capdu *c)
{
	uint16_t ef;

	if (c->p1 == 0x04) {
		/* By DF name. P2 0C: no FCI; 00 (FCI wanted) is answered without. */
		if (c->p2 != 0x0C && c->p2 != 0x00)
			return SW_BAD_P1P2;
		if (c->lc == 0 || c->lc > 16)
			return SW_WRONG_LENGTH;
		if (c->lc != sizeof(vcard_jpki_aid) ||
		    memcmp(c->data, vcard_jpki_aid, sizeof(vcard_jpki_aid)) != 0)
			return SW_NOT_FOUND;
		/* Re-selecting the application clears the PIN state. */
		forget_session(state);
		state->app_selected = true;
		return SW_OK;
	}
	if (c->p1 == 0x02) {
		/* An EF under the current DF. */
		if (c->p2 != 0x0C)
			return SW_BAD_P1P2;
		if (c->lc != 2 || c->has_le)
			return SW_WRONG_LENGTH;
		ef = (uint16_t)(c->data[0] << 8 | c->data[1]);
		if (!state->app_selected || !ef_exists(ef))
			return SW_NOT_FOUND;
		state->ef = ef;
		return SW_OK;
	}
	return SW_BAD_P1P2;
}

static int
do_read_binary(vcard_state *state, const vcard_capdu *c, uint8_t *out,
    size_t *out_len)
{
	const vcard_file *f;
	size_t off, n;

	if (c->p1 & 0x80)
		return SW_BAD_P1P2;	/* short EF identifiers: not on this card */
	if (!c->has_le || c->lc != 0)
		return SW_WRONG_LENGTH;
	if (state->ef == 0)
		return SW_NO_CURRENT_EF;
	if ((f = cert_file(state->card, state->ef)) == NULL)
		return SW_INCOMPATIBLE_FILE;
	if (state->ef == VCARD_EF_SIGN_CERT && !state->sign_verified)
		return SW_NOT_SATISFIED;
	off = (size_t)c->p1 << 8 | c->p2;
	if (off >= f->len)
		return SW_WRONG_OFFSET;
	n = MIN(c->le, f->len - off);
	memcpy(out, f->der + off, n);
	*out_len = n;
	return SW_OK;
}

static int
do_verify(vcard_state *state, const vcard_capdu *c)
{
	const char *secret;
	size_t secret_len;
	unsigned int *tries, max;
	bool *verified;

	if (c->p1 != 0x00 || c->p2 != 0x80)
		return SW_BAD_P1P2;
	if (c->has_le)
		return SW_WRONG_LENGTH;
	switch (state->ef) {
	case VCARD_EF_AUTH_PIN:
		secret = state->card->pin;
		secret_len = state->card->pin_len;
		tries = &state->auth_tries;
		max = VCARD_AUTH_TRIES;
		verified = &state->auth_verified;
		break;
	case VCARD_EF_SIGN_PIN:
		secret = state->card->password;
		secret_len = state->card->password_len;
		tries = &state->sign_tries;
		max = VCARD_SIGN_TRIES;
		verified = &state->sign_verified;
		break;
	default:
		return state->ef == 0 ? SW_NO_CURRENT_EF : SW_INCOMPATIBLE_FILE;
	}
	/* No data: the PIN status, always 63 Cx (63 C0 when blocked). */
	if (c->lc == 0)
		return 0x63C0 | *tries;
	if (*tries == 0)
		return SW_BLOCKED;
	if (c->lc == secret_len &&
	    CRYPTO_memcmp(c->data, secret, secret_len) == 0) {
		/* A correct PIN resets the counter. */
		if (*tries != max)
			state->dirty = true;
		*tries = max;
		*verified = true;
		return SW_OK;
	}
	(*tries)--;
	state->dirty = true;
	*verified = false;
	return 0x63C0 | *tries;
}

static int
do_sign(vcard_state *state, const vcard_capdu *c, uint8_t *out,
    size_t *out_len)
{
	EVP_PKEY *key;
	EVP_PKEY_CTX *ctx = NULL;
	size_t siglen = RSA_BYTES;
	int sw = SW_UNKNOWN;

	if (c->p1 != 0x00 || c->p2 != 0x80)
		return SW_BAD_P1P2;
	if (c->lc == 0)
		return SW_WRONG_LENGTH;
	switch (state->ef) {
	case VCARD_EF_AUTH_KEY:
		if (!state->auth_verified)
			return SW_NOT_SATISFIED;
		key = state->card->auth_key;
		break;
	case VCARD_EF_SIGN_KEY:
		if (!state->sign_verified)
			return SW_NOT_SATISFIED;
		key = state->card->sign_key;
		break;
	default:
		return SW_NO_CURRENT_EF;	/* no key selected */
	}
	if (c->lc > SIGN_IN_MAX)
		return SW_WRONG_LENGTH;
	/* The card pads: PKCS#1 v1.5 over the DigestInfo it was given. */
	if ((ctx = EVP_PKEY_CTX_new(key, NULL)) == NULL ||
	    EVP_PKEY_sign_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0 ||
	    EVP_PKEY_sign(ctx, out, &siglen, c->data, c->lc) <= 0 ||
	    siglen != RSA_BYTES)
		goto out;
	*out_len = siglen;
	sw = SW_OK;
 out:
	EVP_PKEY_CTX_free(ctx);
	return sw;
}

void
vcard_apdu(vcard_state *state, const uint8_t *capdu, size_t len,
    uint8_t *rapdu, size_t *rlen)
{
	vcard_capdu c;
	size_t n = 0;
	int sw;

	if ((sw = parse_capdu(capdu, len, &c)) != 0)
		goto out;
	if (c.cla == 0x00) {
		switch (c.ins) {
		case 0xA4:
			sw = do_select(state, &c);
			break;
		case 0xB0:
			sw = do_read_binary(state, &c, rapdu, &n);
			break;
		case 0x20:
			sw = do_verify(state, &c);
			break;
		default:
			sw = SW_BAD_INS;
			break;
		}
	} else if (c.cla == 0x80) {
		sw = c.ins == 0x2A ? do_sign(state, &c, rapdu, &n) : SW_BAD_INS;
	} else
		sw = SW_BAD_CLA;
 out:
	if (sw != SW_OK)
		n = 0;
	rapdu[n] = (uint8_t)(sw >> 8);
	rapdu[n + 1] = (uint8_t)sw;
	*rlen = n + 2;
}
