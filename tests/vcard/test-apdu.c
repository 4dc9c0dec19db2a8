/*
 * Unit tests of the virtual card's APDU engine (apdu.h): every row of
 * ../shared/JPKI.md's "What OpenSC 0.23.0 sends", malformed APDUs, PIN
 * counting and its state file. No pcscd here: the engine is a pure function.
 * The card is voter-001 of the build's test PKI ($IPPYO_PKI_TEMPLATE).
 */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "apdu.h"

#define AID_HEX "D392F000260100000001"
#define SELECT_AP "00A4040C0A" AID_HEX

typedef struct {
	char *dir;
	vcard_card *card;
	vcard_state *state;
	char pin[8];
	char password[20];
} fixture;

static char *
card_dir(const char *name)
{
	const char *pki = g_getenv("IPPYO_PKI_TEMPLATE");

	g_assert_nonnull(pki);	/* set by tests/vcard/meson.build */
	return g_build_filename(pki, "cards", name, NULL);
}

static void
read_secret(const char *dir, const char *name, char *out, size_t size)
{
	g_autofree char *path = g_build_filename(dir, name, NULL);
	g_autofree char *text = NULL;

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	g_strchomp(text);
	g_assert_cmpuint(strlen(text), <, size);
	g_strlcpy(out, text, size);
}

static void
fixture_setup(fixture *f, gconstpointer data)
{
	g_autoptr(GError) error = NULL;

	f->dir = card_dir("voter-001");
	f->card = vcard_card_load(f->dir, &error);
	g_assert_no_error(error);
	f->state = vcard_state_new(f->card);
	vcard_power(f->state, VCARD_POWER_ON);
	read_secret(f->dir, "pin", f->pin, sizeof(f->pin));
	read_secret(f->dir, "password", f->password, sizeof(f->password));
}

static void
fixture_teardown(fixture *f, gconstpointer data)
{
	vcard_state_free(f->state);
	vcard_card_free(f->card);
	g_free(f->dir);
}

static size_t
unhex(const char *hex, uint8_t *out, size_t max)
{
	size_t n = 0;

	for (; hex[0] != '\0' && hex[1] != '\0'; hex += 2) {
		g_assert_cmpuint(n, <, max);
		g_assert_true(g_ascii_isxdigit(hex[0]) && g_ascii_isxdigit(hex[1]));
		out[n++] = (uint8_t)(g_ascii_xdigit_value(hex[0]) << 4 |
		    g_ascii_xdigit_value(hex[1]));
	}
	g_assert_true(hex[0] == '\0');
	return n;
}

/* Sends raw bytes; checks the status word; returns the data length. */
static size_t
tx_raw(vcard_state *s, const uint8_t *c, size_t len, unsigned int sw,
    uint8_t *data)
{
	uint8_t r[VCARD_RAPDU_MAX + 16];
	size_t rlen = 0;

	memset(r, 0xEE, sizeof(r));
	vcard_apdu(s, c, len, r, &rlen);
	g_assert_cmpuint(rlen, >=, 2);
	g_assert_cmpuint(rlen, <=, VCARD_RAPDU_MAX);
	g_assert_cmphex((unsigned int)(r[rlen - 2] << 8 | r[rlen - 1]), ==, sw);
	if (sw != 0x9000)
		g_assert_cmpuint(rlen, ==, 2);
	if (data != NULL)
		memcpy(data, r, rlen - 2);
	return rlen - 2;
}

static size_t
tx(vcard_state *s, const char *hex, unsigned int sw, uint8_t *data)
{
	uint8_t c[600];
	size_t len = unhex(hex, c, sizeof(c));

	return tx_raw(s, c, len, sw, data);
}

/* VERIFY with an ASCII PIN on the currently selected EF. */
static void
verify(vcard_state *s, const char *pin, unsigned int sw)
{
	uint8_t c[5 + 32];
	size_t n = strlen(pin);

	memcpy(c, (const uint8_t[]){ 0x00, 0x20, 0x00, 0x80, (uint8_t)n }, 5);
	memcpy(c + 5, pin, n);
	tx_raw(s, c, 5 + n, sw, NULL);
}

static X509 *
load_x509(const char *dir, const char *name)
{
	g_autofree char *path = g_build_filename(dir, name, NULL);
	FILE *fp = fopen(path, "r");
	X509 *x;

	g_assert_nonnull(fp);
	x = PEM_read_X509(fp, NULL, NULL, NULL);
	fclose(fp);
	g_assert_nonnull(x);
	return x;
}

static GBytes *
cert_der(const char *dir, const char *name)
{
	X509 *x = load_x509(dir, name);
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der);
	GBytes *b;

	g_assert_cmpint(len, >, 0);
	b = g_bytes_new(der, (gsize)len);
	OPENSSL_free(der);
	X509_free(x);
	return b;
}

/* Reads the selected EF as OpenSC does: 4 bytes, then 256-byte chunks. */
static GByteArray *
read_ef(vcard_state *s)
{
	uint8_t buf[256];
	GByteArray *out = g_byte_array_new();
	size_t total, off, n;
	char cmd[16];

	n = tx(s, "00B0000004", 0x9000, buf);
	g_assert_cmpuint(n, ==, 4);
	g_assert_cmphex(buf[0], ==, 0x30);
	g_assert_cmphex(buf[1], ==, 0x82);
	total = (size_t)(buf[2] << 8 | buf[3]) + 4;
	for (off = 0; off < total; off += n) {
		size_t want = MIN(total - off, 256);

		g_snprintf(cmd, sizeof(cmd), "00B0%02X%02X%02X",
		    (unsigned int)(off >> 8), (unsigned int)(off & 0xFF),
		    (unsigned int)(want & 0xFF));
		n = tx(s, cmd, 0x9000, buf);
		g_assert_cmpuint(n, ==, want);
		g_byte_array_append(out, buf, (guint)n);
	}
	return out;
}

static void
assert_ef_is(vcard_state *s, const char *fid, const char *dir,
    const char *name)
{
	g_autofree char *cmd = g_strdup_printf("00A4020C02%s", fid);
	g_autoptr(GBytes) want = cert_der(dir, name);
	g_autoptr(GByteArray) got = NULL;

	tx(s, cmd, 0x9000, NULL);
	got = read_ef(s);
	g_assert_cmpmem(got->data, got->len, g_bytes_get_data(want, NULL),
	    g_bytes_get_size(want));
}

/* Probes of OpenSC's other drivers, seen in its default driver list. */
static void
test_probes(fixture *f, gconstpointer data)
{
	static const struct {
		const char *capdu;
		unsigned int sw;
	} rows[] = {
		{ "00A4040007627601FF000000", 0x6A82 },		/* unknown AID, FCI */
		{ "00A4040006A00000000101", 0x6A82 },
		{ "00A4040C07A000000079010000", 0x6A82 },	/* unknown AID, no FCI */
		{ "00A4040C0AD392F000260100000002", 0x6A82 },	/* near miss */
		{ "00A4040C09D392F0002601000000", 0x6A82 },	/* AID prefix */
		{ "00CADF3005", 0x6D00 },			/* GET DATA */
		{ "00CB3FFF035C017E08", 0x6D00 },
		{ "00840000 08", 0x6D00 },			/* GET CHALLENGE */
		{ "8050000008 0102030405060708", 0x6D00 },	/* CLA 80, other INS */
		{ "FFCA000000", 0x6E00 },			/* PC/SC pseudo-APDU */
		{ "0CA4040C0A" AID_HEX, 0x6E00 },		/* secure messaging */
		{ "A0A40000023F00", 0x6E00 },			/* GSM CLA */
		{ "00A40000023F00", 0x6A86 },			/* select by FID, P1 00 */
		{ "00A4080C023F00", 0x6A86 },			/* by path */
		{ "00A4040402" "3F00", 0x6A86 },		/* bad P2 */
		{ "00A4020C02000A", 0x6A82 },			/* EF before the AP */
	};
	char hex[64];
	size_t i, j, k;

	for (i = 0; i < G_N_ELEMENTS(rows); i++) {
		for (j = k = 0; rows[i].capdu[j] != '\0'; j++)
			if (rows[i].capdu[j] != ' ')
				hex[k++] = rows[i].capdu[j];
		hex[k] = '\0';
		g_test_message("probe %s", hex);
		tx(f->state, hex, rows[i].sw, NULL);
	}
	/* The probes select nothing: the AP is still not selected. */
	tx(f->state, "00A4020C02000A", 0x6A82, NULL);
	tx(f->state, SELECT_AP, 0x9000, NULL);
	tx(f->state, "00A4020C02000A", 0x9000, NULL);
}

static void
test_select(fixture *f, gconstpointer data)
{
	static const char *const fids[] = {
		"0001", "0002", "000A", "000B", "0017", "0018", "001A", "001B"
	};
	uint8_t buf[256];
	size_t i;

	/* select application: 90 00, no FCI (P2 0C; also for P2 00). */
	g_assert_cmpuint(tx(f->state, SELECT_AP, 0x9000, buf), ==, 0);
	g_assert_cmpuint(tx(f->state, "00A404000A" AID_HEX, 0x9000, buf), ==, 0);
	for (i = 0; i < G_N_ELEMENTS(fids); i++) {
		g_autofree char *cmd = g_strdup_printf("00A4020C02%s", fids[i]);

		g_assert_cmpuint(tx(f->state, cmd, 0x9000, buf), ==, 0);
	}
	tx(f->state, "00A4020C020003", 0x6A82, NULL);	/* unknown FID */
	tx(f->state, "00A4020C023F00", 0x6A82, NULL);
	tx(f->state, "00A4020C02FFFF", 0x6A82, NULL);
	tx(f->state, "00A40200020001", 0x6A86, NULL);	/* FCI wanted */
	tx(f->state, "00A4020C03000A00", 0x6700, NULL);	/* FID of 3 bytes */
	tx(f->state, "00A4020C010A", 0x6700, NULL);
	tx(f->state, "00A4020C02000A00", 0x6700, NULL);	/* with Le */
	tx(f->state, "00A4040C", 0x6700, NULL);		/* no AID */
	tx(f->state, "00A4040C11" "0102030405060708090A0B0C0D0E0F1011",
	    0x6700, NULL);					/* AID > 16 bytes */
}

static void
test_read(fixture *f, gconstpointer data)
{
	uint8_t buf[256];

	tx(f->state, SELECT_AP, 0x9000, NULL);
	tx(f->state, "00B0000004", 0x6986, NULL);	/* no EF selected */
	assert_ef_is(f->state, "000A", f->dir, "auth.crt");
	assert_ef_is(f->state, "000B", f->dir, "auth-ca.crt");
	assert_ef_is(f->state, "0002", f->dir, "sign-ca.crt");

	/* Read past the end; offsets from P1-P2; short EF ids refused. */
	tx(f->state, "00A4020C02000A", 0x9000, NULL);
	tx(f->state, "00B0100000", 0x6B00, NULL);
	tx(f->state, "00B07FFF01", 0x6B00, NULL);
	g_assert_cmpuint(tx(f->state, "00B0000100", 0x9000, buf), ==, 256);
	tx(f->state, "00B0810000", 0x6A86, NULL);
	tx(f->state, "00B0000001AA", 0x6700, NULL);	/* with data */
	tx(f->state, "00B00000", 0x6700, NULL);		/* no Le */
	tx(f->state, "00B0000001AA04", 0x6700, NULL);	/* case 4 */

	/* Keys and PINs are not readable. */
	tx(f->state, "00A4020C020017", 0x9000, NULL);
	tx(f->state, "00B0000004", 0x6981, NULL);
	tx(f->state, "00A4020C020018", 0x9000, NULL);
	tx(f->state, "00B0000004", 0x6981, NULL);

	/* The signature certificate: only after the signature password. */
	tx(f->state, "00A4020C020001", 0x9000, NULL);
	tx(f->state, "00B0000004", 0x6982, NULL);
	tx(f->state, "00A4020C02001B", 0x9000, NULL);
	verify(f->state, f->password, 0x9000);
	assert_ef_is(f->state, "0001", f->dir, "sign.crt");
	/* The auth PIN does not open it. */
	tx(f->state, SELECT_AP, 0x9000, NULL);
	tx(f->state, "00A4020C020018", 0x9000, NULL);
	verify(f->state, f->pin, 0x9000);
	tx(f->state, "00A4020C020001", 0x9000, NULL);
	tx(f->state, "00B0000004", 0x6982, NULL);
}

static void
test_pin_status(fixture *f, gconstpointer data)
{
	tx(f->state, SELECT_AP, 0x9000, NULL);
	tx(f->state, "00200080", 0x6986, NULL);		/* no PIN EF selected */
	tx(f->state, "00A4020C02000A", 0x9000, NULL);
	tx(f->state, "00200080", 0x6981, NULL);		/* not a PIN EF */
	tx(f->state, "00A4020C020018", 0x9000, NULL);
	tx(f->state, "00200080", 0x63C3, NULL);
	tx(f->state, "00200081", 0x6A86, NULL);
	tx(f->state, "00200180", 0x6A86, NULL);
	/* Always 63 Cx, even right after a correct PIN. */
	verify(f->state, f->pin, 0x9000);
	tx(f->state, "00200080", 0x63C3, NULL);
	tx(f->state, "00A4020C02001B", 0x9000, NULL);
	tx(f->state, "00200080", 0x63C5, NULL);
	verify(f->state, f->password, 0x9000);
	tx(f->state, "00200080", 0x63C5, NULL);
	g_assert_false(vcard_state_take_dirty(f->state));
}

static void
wrong_of(const char *right, char *out, size_t size)
{
	size_t i;

	g_strlcpy(out, right, size);
	for (i = 0; out[i] != '\0'; i++)
		out[i] = out[i] == '9' ? '0' : out[i] == 'Z' ? 'A' :
		    (char)(out[i] + 1);
}

static void
test_auth_pin_counting(fixture *f, gconstpointer data)
{
	char wrong[8];

	wrong_of(f->pin, wrong, sizeof(wrong));
	tx(f->state, SELECT_AP, 0x9000, NULL);
	tx(f->state, "00A4020C020018", 0x9000, NULL);
	verify(f->state, wrong, 0x63C2);
	g_assert_true(vcard_state_take_dirty(f->state));
	g_assert_false(vcard_state_take_dirty(f->state));
	tx(f->state, "00200080", 0x63C2, NULL);
	verify(f->state, "123", 0x63C1);	/* wrong length counts too */
	/* A correct PIN resets the counter. */
	verify(f->state, f->pin, 0x9000);
	g_assert_true(vcard_state_take_dirty(f->state));
	tx(f->state, "00200080", 0x63C3, NULL);
	g_assert_cmpuint(vcard_state_auth_tries(f->state), ==, 3);
	/* 3 -> 2 -> 1 -> locked. */
	verify(f->state, wrong, 0x63C2);
	verify(f->state, wrong, 0x63C1);
	verify(f->state, wrong, 0x63C0);
	tx(f->state, "00200080", 0x63C0, NULL);
	verify(f->state, f->pin, 0x6983);
	verify(f->state, wrong, 0x6983);
	tx(f->state, "00200080", 0x63C0, NULL);
	g_assert_cmpuint(vcard_state_auth_tries(f->state), ==, 0);
	/* Locked: nothing signs, whatever is sent. */
	tx(f->state, "00A4020C020017", 0x9000, NULL);
	tx(f->state, "802A00800401020304" "00", 0x6982, NULL);
	/* The signature password is counted apart. */
	tx(f->state, "00A4020C02001B", 0x9000, NULL);
	tx(f->state, "00200080", 0x63C5, NULL);
}

static void
test_sign_password_counting(fixture *f, gconstpointer data)
{
	char wrong[20];
	unsigned int sw;

	wrong_of(f->password, wrong, sizeof(wrong));
	tx(f->state, SELECT_AP, 0x9000, NULL);
	tx(f->state, "00A4020C02001B", 0x9000, NULL);
	verify(f->state, f->password, 0x9000);
	verify(f->state, wrong, 0x63C4);
	/* The wrong try dropped the verified state. */
	tx(f->state, "00A4020C020001", 0x9000, NULL);
	tx(f->state, "00B0000004", 0x6982, NULL);
	tx(f->state, "00A4020C02001B", 0x9000, NULL);
	for (sw = 0x63C3; sw >= 0x63C0; sw--)
		verify(f->state, wrong, sw);
	verify(f->state, f->password, 0x6983);
	tx(f->state, "00200080", 0x63C0, NULL);
	g_assert_cmpuint(vcard_state_sign_tries(f->state), ==, 0);
	g_assert_cmpuint(vcard_state_auth_tries(f->state), ==, 3);
}

/* DigestInfo of SHA-256 (RFC 8017, 9.2 note 1) over msg. */
static size_t
digest_info(const char *msg, uint8_t *out)
{
	static const uint8_t prefix[] = {
		0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
		0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20
	};
	unsigned int mdlen = 0;

	memcpy(out, prefix, sizeof(prefix));
	g_assert_true(EVP_Digest(msg, strlen(msg), out + sizeof(prefix),
	    &mdlen, EVP_sha256(), NULL));
	g_assert_cmpuint(mdlen, ==, 32);
	return sizeof(prefix) + mdlen;
}

/* Sends SIGN over a DigestInfo of msg; returns the signature length. */
static size_t
sign(vcard_state *s, const char *msg, unsigned int sw, uint8_t *sig)
{
	uint8_t c[5 + 64 + 1];
	size_t n;

	n = digest_info(msg, c + 5);
	memcpy(c, (const uint8_t[]){ 0x80, 0x2A, 0x00, 0x80, (uint8_t)n }, 5);
	c[5 + n] = 0x00;
	return tx_raw(s, c, 6 + n, sw, sig);
}

static gboolean
signature_verifies(const char *dir, const char *certname, const char *msg,
    const uint8_t *sig, size_t siglen)
{
	X509 *x = load_x509(dir, certname);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int rc;

	/* sha256WithRSAEncryption, PKCS#1 v1.5: what openssl dgst -verify does. */
	g_assert_true(EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL,
	    X509_get0_pubkey(x)) == 1);
	rc = EVP_DigestVerify(ctx, sig, siglen, (const uint8_t *)msg,
	    strlen(msg));
	EVP_MD_CTX_free(ctx);
	X509_free(x);
	return rc == 1;
}

static void
test_sign(fixture *f, gconstpointer data)
{
	uint8_t sig[256], c[300];
	const char *msg = "ippyo ballot 0001";

	tx(f->state, SELECT_AP, 0x9000, NULL);
	sign(f->state, msg, 0x6986, NULL);		/* no key selected */
	tx(f->state, "00A4020C02000A", 0x9000, NULL);
	sign(f->state, msg, 0x6986, NULL);		/* a certificate, no key */
	tx(f->state, "00A4020C020017", 0x9000, NULL);
	sign(f->state, msg, 0x6982, NULL);		/* PIN not verified */

	tx(f->state, "00A4020C020018", 0x9000, NULL);
	verify(f->state, f->pin, 0x9000);
	tx(f->state, "00A4020C020017", 0x9000, NULL);
	g_assert_cmpuint(sign(f->state, msg, 0x9000, sig), ==, 256);
	g_assert_true(signature_verifies(f->dir, "auth.crt", msg, sig, 256));
	g_assert_false(signature_verifies(f->dir, "sign.crt", msg, sig, 256));
	g_assert_false(signature_verifies(f->dir, "auth.crt", "other", sig, 256));
	/* Signing again needs no new VERIFY for the auth key. */
	g_assert_cmpuint(sign(f->state, "second", 0x9000, sig), ==, 256);
	g_assert_true(signature_verifies(f->dir, "auth.crt", "second", sig, 256));

	/* Lengths: up to 245 bytes (2048-bit PKCS#1 v1.5), not 246. */
	memset(c, 0x5A, sizeof(c));
	memcpy(c, (const uint8_t[]){ 0x80, 0x2A, 0x00, 0x80, 245 }, 5);
	c[5 + 245] = 0;
	tx_raw(f->state, c, 6 + 245, 0x9000, NULL);
	c[4] = 246;
	c[5 + 246] = 0;
	tx_raw(f->state, c, 6 + 246, 0x6700, NULL);
	tx(f->state, "802A0080", 0x6700, NULL);		/* no data */
	tx(f->state, "802A008000", 0x6700, NULL);	/* case 2 */
	tx(f->state, "802A00810401020304" "00", 0x6A86, NULL);
	tx(f->state, "802A01800401020304" "00", 0x6A86, NULL);

	/* The auth PIN does not open the signature key... */
	tx(f->state, "00A4020C02001A", 0x9000, NULL);
	sign(f->state, msg, 0x6982, NULL);
	/* ...its password does. */
	tx(f->state, "00A4020C02001B", 0x9000, NULL);
	verify(f->state, f->password, 0x9000);
	tx(f->state, "00A4020C02001A", 0x9000, NULL);
	g_assert_cmpuint(sign(f->state, msg, 0x9000, sig), ==, 256);
	g_assert_true(signature_verifies(f->dir, "sign.crt", msg, sig, 256));
}

static void
test_session_cleared(fixture *f, gconstpointer data)
{
	static const vcard_power_event events[] = {
		VCARD_POWER_OFF, VCARD_RESET, VCARD_POWER_ON
	};
	char wrong[8];
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(events); i++) {
		tx(f->state, SELECT_AP, 0x9000, NULL);
		tx(f->state, "00A4020C020018", 0x9000, NULL);
		verify(f->state, f->pin, 0x9000);
		vcard_power(f->state, events[i]);
		if (events[i] == VCARD_POWER_OFF)
			vcard_power(f->state, VCARD_POWER_ON);
		/* The selection is gone... */
		tx(f->state, "00A4020C020017", 0x6A82, NULL);
		sign(f->state, "x", 0x6986, NULL);
		/* ...and so is the verified PIN. */
		tx(f->state, SELECT_AP, 0x9000, NULL);
		tx(f->state, "00A4020C020017", 0x9000, NULL);
		sign(f->state, "x", 0x6982, NULL);
	}
	/* Re-selecting the application clears the PIN state too. */
	tx(f->state, "00A4020C020018", 0x9000, NULL);
	verify(f->state, f->pin, 0x9000);
	tx(f->state, SELECT_AP, 0x9000, NULL);
	tx(f->state, "00A4020C020017", 0x9000, NULL);
	sign(f->state, "x", 0x6982, NULL);
	/* Counters survive a power cycle. */
	tx(f->state, "00A4020C020018", 0x9000, NULL);
	wrong_of(f->pin, wrong, sizeof(wrong));
	verify(f->state, wrong, 0x63C2);
	vcard_power(f->state, VCARD_RESET);
	tx(f->state, SELECT_AP, 0x9000, NULL);
	tx(f->state, "00A4020C020018", 0x9000, NULL);
	tx(f->state, "00200080", 0x63C2, NULL);
}

static void
test_malformed(fixture *f, gconstpointer data)
{
	static const struct {
		const char *capdu;
		unsigned int sw;
	} rows[] = {
		{ "", 0x6700 },					/* empty */
		{ "00", 0x6700 },
		{ "00A4", 0x6700 },
		{ "00A404", 0x6700 },				/* 3 bytes */
		{ "00A4040C0A" "D392F000260100", 0x6700 },	/* Lc 10, 7 bytes */
		{ "00A4040C05" AID_HEX, 0x6700 },		/* Lc 5, 10 bytes */
		{ "00A4040C0A" AID_HEX "0000", 0x6700 },	/* 2 bytes too many */
		{ "00A4040C00000A" AID_HEX, 0x6700 },		/* extended Lc */
		{ "00B00000000100", 0x6700 },			/* extended Le */
		{ "802A00800000220102", 0x6700 },		/* extended sign */
		{ "00A4040CFF", 0x6700 },			/* Lc 255, no data */
	};
	uint8_t big[300];
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_test_message("malformed %s", rows[i].capdu);
		tx(f->state, rows[i].capdu, rows[i].sw, NULL);
	}
	/* An extended APDU of 261 bytes. */
	memset(big, 0x11, sizeof(big));
	memcpy(big, (const uint8_t[]){ 0x80, 0x2A, 0x00, 0x80, 0x00, 0x01, 0x00 }, 7);
	tx_raw(f->state, big, 7 + 256, 0x6700, NULL);
	/* Nothing malformed selected anything. */
	tx(f->state, "00A4020C02000A", 0x6A82, NULL);
}

static void
test_state_file(fixture *f, gconstpointer data)
{
	static const char *const bad[] = {
		"", "auth=3\n", "auth=3\nsign=5", "auth=3\nsign=5\n\n",
		"sign=5\nauth=3\n", "auth=4\nsign=5\n", "auth=3\nsign=6\n",
		"auth=-1\nsign=5\n", "auth=03\nsign=5\n", "auth= 3\nsign=5\n",
		"auth=3\r\nsign=5\r\n", "auth=3\nsign=5\nauth=3\n",
	};
	g_autofree char *tmp = g_dir_make_tmp("vcard-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(tmp, "state", NULL);
	g_autoptr(GError) error = NULL;
	g_autofree char *text = NULL;
	char wrong[8];
	vcard_state *s2;
	GDir *d;
	size_t i;

	g_assert_nonnull(tmp);
	/* A missing file: full counters. */
	g_assert_true(vcard_state_load(f->state, path, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(vcard_state_auth_tries(f->state), ==, 3);
	g_assert_cmpuint(vcard_state_sign_tries(f->state), ==, 5);

	/* Two wrong PINs, saved; a "restarted" card loads them. */
	wrong_of(f->pin, wrong, sizeof(wrong));
	tx(f->state, SELECT_AP, 0x9000, NULL);
	tx(f->state, "00A4020C020018", 0x9000, NULL);
	verify(f->state, wrong, 0x63C2);
	verify(f->state, wrong, 0x63C1);
	g_assert_true(vcard_state_take_dirty(f->state));
	g_assert_true(vcard_state_save(f->state, path, &error));
	g_assert_no_error(error);
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	g_assert_cmpstr(text, ==, "auth=1\nsign=5\n");
	/* Written by rename: no temporary file left behind. */
	d = g_dir_open(tmp, 0, NULL);
	g_assert_cmpstr(g_dir_read_name(d), ==, "state");
	g_assert_null(g_dir_read_name(d));
	g_dir_close(d);

	s2 = vcard_state_new(f->card);
	g_assert_true(vcard_state_load(s2, path, &error));
	g_assert_no_error(error);
	vcard_power(s2, VCARD_POWER_ON);
	tx(s2, SELECT_AP, 0x9000, NULL);
	tx(s2, "00A4020C020018", 0x9000, NULL);
	tx(s2, "00200080", 0x63C1, NULL);
	verify(s2, wrong, 0x63C0);
	g_assert_true(vcard_state_take_dirty(s2));
	g_assert_true(vcard_state_save(s2, path, &error));
	vcard_state_free(s2);
	/* Locked survives a restart too. */
	s2 = vcard_state_new(f->card);
	g_assert_true(vcard_state_load(s2, path, &error));
	tx(s2, SELECT_AP, 0x9000, NULL);
	tx(s2, "00A4020C020018", 0x9000, NULL);
	verify(s2, f->pin, 0x6983);
	vcard_state_free(s2);

	/* Anything but the exact format is refused, and changes nothing. */
	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autofree char *esc = g_strescape(bad[i], NULL);

		g_test_message("bad state file \"%s\"", esc);
		g_assert_true(g_file_set_contents(path, bad[i], -1, NULL));
		vcard_state_set_tries(f->state, 2, 4);
		g_assert_false(vcard_state_load(f->state, path, &error));
		g_assert_nonnull(error);
		g_clear_error(&error);
		g_assert_cmpuint(vcard_state_auth_tries(f->state), ==, 2);
		g_assert_cmpuint(vcard_state_sign_tries(f->state), ==, 4);
	}
	g_unlink(path);
	g_rmdir(tmp);
}

static void
test_card_load(void)
{
	g_autofree char *good = card_dir("voter-002");
	g_autofree char *other = card_dir("voter-003");
	g_autofree char *tmp = g_dir_make_tmp("vcard-XXXXXX", NULL);
	static const char *const files[] = {
		"auth.crt", "auth.key", "sign.crt", "sign.key", "auth-ca.crt",
		"sign-ca.crt", "pin", "password"
	};
	g_autoptr(GError) error = NULL;
	vcard_card *card;
	size_t i;

	/* The same folder with another card's auth key: refused. */
	for (i = 0; i < G_N_ELEMENTS(files); i++) {
		g_autofree char *from = g_build_filename(
		    strcmp(files[i], "auth.key") == 0 ? other : good, files[i], NULL);
		g_autofree char *to = g_build_filename(tmp, files[i], NULL);
		g_autofree char *text = NULL;
		gsize len;

		g_assert_true(g_file_get_contents(from, &text, &len, NULL));
		g_assert_true(g_file_set_contents(to, text, (gssize)len, NULL));
	}
	card = vcard_card_load(tmp, &error);
	g_assert_null(card);
	g_assert_nonnull(error);
	g_clear_error(&error);
	/* A PIN of 5 digits: refused. */
	{
		g_autofree char *key = g_build_filename(good, "auth.key", NULL);
		g_autofree char *to = g_build_filename(tmp, "auth.key", NULL);
		g_autofree char *pin = g_build_filename(tmp, "pin", NULL);
		g_autofree char *text = NULL;
		gsize len;

		g_assert_true(g_file_get_contents(key, &text, &len, NULL));
		g_assert_true(g_file_set_contents(to, text, (gssize)len, NULL));
		card = vcard_card_load(tmp, &error);
		g_assert_no_error(error);
		vcard_card_free(card);
		g_assert_true(g_file_set_contents(pin, "12345\n", -1, NULL));
		g_assert_null(vcard_card_load(tmp, &error));
		g_assert_nonnull(error);
		g_clear_error(&error);
	}
	g_assert_null(vcard_card_load("/nonexistent", &error));
	g_assert_nonnull(error);
	for (i = 0; i < G_N_ELEMENTS(files); i++) {
		g_autofree char *to = g_build_filename(tmp, files[i], NULL);

		g_unlink(to);
	}
	g_rmdir(tmp);
}

#define ADD(path, fn) g_test_add("/ippyo/vcard/" path, fixture, NULL, \
	fixture_setup, fn, fixture_teardown)

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	ADD("probes", test_probes);
	ADD("select", test_select);
	ADD("read-binary", test_read);
	ADD("pin-status", test_pin_status);
	ADD("auth-pin-counting", test_auth_pin_counting);
	ADD("sign-password-counting", test_sign_password_counting);
	ADD("sign", test_sign);
	ADD("session-cleared", test_session_cleared);
	ADD("malformed", test_malformed);
	ADD("state-file", test_state_file);
	g_test_add_func("/ippyo/vcard/card-load", test_card_load);
	return g_test_run();
}
