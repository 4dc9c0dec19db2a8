/*
 * Card access against the real stack: pcscd → vpcd → ippyo-vcard → OpenSC
 * jpki → opensc-pkcs11.so → common/card/. Runs under
 * tests/vcard/with-card-services DIR voter-001 voter-002 (docs/card.md):
 * voter-001 in reader 0, voter-002 in reader 1. The cases run in the order
 * registered (gtest runs a suite's cases in order, before nested suites, so
 * every case sits directly under /ippyo/card/): the PIN cases lock
 * voter-002's auth PIN and the last case stops pcscd.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>

#include <openssl/crypto.h>
#include <PCSC/winscard.h>

#include "card/cert.h"
#include "card/jpki.h"
#include "card/pcsc.h"
#include "error.h"

#define READER0 "Virtual PCD 00 00"
#define READER1 "Virtual PCD 00 01"

static const char *services_dir;
static const char *pki_dir;
static const char *services_bin;
static char **vcard_pids;
static char **vcard_logs;
static char **vcard_cards;

static const uint8_t ballot[] = "ippyo test ballot bytes: 2027 tsukuba mayor";

static char *
card_file(int n, const char *name)
{
	char *path = g_build_filename(vcard_cards[n], name, NULL);
	char *s = NULL;

	g_assert_true(g_file_get_contents(path, &s, NULL, NULL));
	g_free(path);
	g_strstrip(s);
	return s;
}

static ippyo_cert *
card_cert(int n, const char *name)
{
	char *path = g_build_filename(vcard_cards[n], name, NULL);
	ippyo_cert *c = NULL;

	g_assert_cmpint(ippyo_cert_load_file(path, &c), ==, 0);
	g_free(path);
	return c;
}

static void
services(const char *cmd, const char *arg)
{
	const char *argv[] = { services_bin, cmd, services_dir, arg, NULL };
	int status = -1;
	GError *error = NULL;

	g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
	    NULL, NULL, &status, &error));
	g_assert_no_error(error);
	g_assert_true(g_spawn_check_wait_status(status, NULL));
}

static gsize
log_size(int n)
{
	char *s = NULL;
	gsize len = 0;

	g_assert_true(g_file_get_contents(vcard_logs[n], &s, &len, NULL));
	g_free(s);
	return len;
}

/* The APDU log of card n from byte offset on. */
static char *
log_since(int n, gsize offset)
{
	char *s = NULL, *out;
	gsize len = 0;

	g_assert_true(g_file_get_contents(vcard_logs[n], &s, &len, NULL));
	g_assert_cmpuint(offset, <=, len);
	out = g_strdup(s + offset);
	g_free(s);
	return out;
}

static void
fingerprints_equal(const ippyo_cert *a, const ippyo_cert *b)
{
	uint8_t fa[IPPYO_CERT_FINGERPRINT_BYTES], fb[IPPYO_CERT_FINGERPRINT_BYTES];

	g_assert_cmpint(ippyo_cert_fingerprint(a, fa), ==, 0);
	g_assert_cmpint(ippyo_cert_fingerprint(b, fb), ==, 0);
	g_assert_cmpmem(fa, sizeof(fa), fb, sizeof(fb));
}

/* Waits (at most 10 s) until reader shows state. */
static void
await_state(ippyo_pcsc *p, const char *reader, enum ippyo_card_state want)
{
	enum ippyo_card_state st = IPPYO_CARD_MUTE;
	gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
	int changed;

	for (;;) {
		g_assert_cmpint(ippyo_pcsc_probe(p, reader, &st), ==, 0);
		if (st == want || g_get_monotonic_time() > end)
			break;
		g_assert_cmpint(ippyo_pcsc_wait(p, 500, &changed), ==, 0);
	}
	g_assert_cmpstr(ippyo_card_state_name(st), ==, ippyo_card_state_name(want));
}

static void
signal_card(int n, int sig)
{
	gint64 pid = g_ascii_strtoll(vcard_pids[n], NULL, 10);

	g_assert_cmpint(pid, >, 1);
	g_assert_cmpint(kill((pid_t)pid, sig), ==, 0);
}

static void
test_pcsc_list(void)
{
	ippyo_pcsc *p = NULL;
	ippyo_reader_list *l = NULL;
	const ippyo_reader_info *r0, *r1;
	enum ippyo_card_state st;

	g_assert_cmpint(ippyo_pcsc_open(&p), ==, 0);
	g_assert_cmpint(ippyo_pcsc_list(p, &l), ==, 0);
	g_assert_cmpuint(l->n, ==, 2);
	r0 = ippyo_reader_list_find(l, READER0);
	r1 = ippyo_reader_list_find(l, READER1);
	g_assert_nonnull(r0);
	g_assert_nonnull(r1);
	g_assert_cmpint(r0->state, ==, IPPYO_CARD_MYNUMBER);
	g_assert_cmpint(r1->state, ==, IPPYO_CARD_MYNUMBER);
	/* The real My Number card's ATR, as the emulator gives it. */
	g_assert_cmpuint(r0->atr_len, ==, 19);
	g_assert_cmpuint(r0->atr[0], ==, 0x3B);
	g_assert_null(ippyo_reader_list_find(l, "No Such Reader"));
	g_assert_cmpint(ippyo_pcsc_probe(p, READER1, &st), ==, 0);
	g_assert_cmpint(st, ==, IPPYO_CARD_MYNUMBER);
	g_assert_cmpint(ippyo_pcsc_probe(p, "No Such Reader", &st), ==, IPPYO_ERR_NO_READER);
	ippyo_reader_list_free(l);
	ippyo_pcsc_free(p);
}

static gpointer
cancel_later(gpointer data)
{
	g_usleep(200 * 1000);
	g_assert_cmpint(ippyo_pcsc_cancel(data), ==, 0);
	return NULL;
}

static void
test_pcsc_wait(void)
{
	ippyo_pcsc *p = NULL;
	ippyo_reader_list *l = NULL;
	GThread *t;
	int changed = -1;
	gint64 t0;

	g_assert_cmpint(ippyo_pcsc_open(&p), ==, 0);
	g_assert_cmpint(ippyo_pcsc_list(p, &l), ==, 0);
	ippyo_reader_list_free(l);
	/* Nothing happens: a timeout. */
	g_assert_cmpint(ippyo_pcsc_wait(p, 100, &changed), ==, 0);
	g_assert_cmpint(changed, ==, 0);
	/* Cancelled from another thread. */
	t0 = g_get_monotonic_time();
	t = g_thread_new("cancel", cancel_later, p);
	g_assert_cmpint(ippyo_pcsc_wait(p, -1, &changed), ==, IPPYO_ERR_CANCELLED);
	g_thread_join(t);
	g_assert_cmpint(g_get_monotonic_time() - t0, <, 5 * G_USEC_PER_SEC);
	/* A card pulled out after the last look is a change. */
	g_assert_cmpint(ippyo_pcsc_wait(p, 0, &changed), ==, 0);
	g_assert_cmpint(changed, ==, 0);
	signal_card(0, SIGUSR1);
	g_assert_cmpint(ippyo_pcsc_wait(p, 5000, &changed), ==, 0);
	g_assert_cmpint(changed, ==, 1);
	await_state(p, READER0, IPPYO_CARD_ABSENT);
	services("put", "0");
	await_state(p, READER0, IPPYO_CARD_MYNUMBER);
	ippyo_pcsc_free(p);
}

static void
test_module(void)
{
	ippyo_jpki *j = NULL;
	char *path = NULL;

	g_assert_cmpint(ippyo_jpki_find_module(&path), ==, 0);
	g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
	g_assert_true(g_str_has_suffix(path, "opensc-pkcs11.so"));
	free(path);
	g_assert_cmpint(ippyo_jpki_open("/nonexistent/module.so", &j), ==,
	    IPPYO_ERR_PKCS11_MODULE);
	g_assert_null(j);
	g_assert_cmpint(ippyo_jpki_open(NULL, &j), ==, 0);
	ippyo_jpki_free(j);
}

static void
test_read_cert(void)
{
	ippyo_jpki *j = NULL;
	ippyo_jpki_session *s = NULL;
	ippyo_cert *c = NULL, *file = card_cert(0, "auth.crt");
	ippyo_pin_status st;
	char **readers = NULL;
	char *subject = NULL;
	size_t i;

	g_assert_cmpint(ippyo_jpki_open(NULL, &j), ==, 0);
	g_assert_cmpint(ippyo_jpki_list_cards(j, &readers), ==, 0);
	for (i = 0; readers[i] != NULL; i++)
		;
	g_assert_cmpuint(i, ==, 2);
	g_assert_cmpstr(readers[0], ==, READER0);
	g_assert_cmpstr(readers[1], ==, READER1);
	ippyo_jpki_strv_free(readers);

	/* Two cards and no reader named: the caller must choose. */
	g_assert_cmpint(ippyo_jpki_session_open(j, NULL, IPPYO_JPKI_AUTH, &s), ==,
	    IPPYO_ERR_CARD_AMBIGUOUS);
	g_assert_cmpint(ippyo_jpki_session_open(j, "No Such Reader", IPPYO_JPKI_AUTH, &s), ==,
	    IPPYO_ERR_NO_READER);
	g_assert_null(s);

	g_assert_cmpint(ippyo_jpki_session_open(j, READER0, IPPYO_JPKI_AUTH, &s), ==, 0);
	g_assert_cmpstr(ippyo_jpki_session_reader(s), ==, READER0);
	g_assert_cmpint(ippyo_jpki_read_cert(s, &c), ==, 0);
	fingerprints_equal(c, file);
	g_assert_cmpint(ippyo_cert_subject(c, &subject), ==, 0);
	g_assert_true(g_str_has_prefix(subject, "CN="));
	g_assert_true(g_str_has_suffix(subject, ",C=JP"));
	free(subject);
	g_assert_cmpint(ippyo_jpki_pin_status(s, &st), ==, 0);
	g_assert_cmpint(st.tries_left, ==, 3);
	g_assert_cmpint(st.max_tries, ==, 3);
	g_assert_false(st.count_low || st.final_try || st.locked);
	/* Signing needs a login first. */
	{
		uint8_t *sig = NULL;
		size_t sl = 0;

		g_assert_cmpint(ippyo_jpki_sign(s, NULL, ballot, sizeof(ballot), &sig, &sl), ==,
		    IPPYO_ERR_INVALID_ARGUMENT);
		g_assert_null(sig);
	}
	g_assert_cmpint(ippyo_jpki_session_close(s), ==, 0);
	ippyo_cert_free(c);
	ippyo_cert_free(file);
	ippyo_jpki_free(j);
}

static void
test_sign(void)
{
	ippyo_jpki *j = NULL;
	ippyo_cert *c = NULL, *ca = NULL, *file = card_cert(0, "auth.crt");
	ippyo_crl *crl = NULL;
	char *pin = card_file(0, "pin"), *crl_path, *ca_path;
	uint8_t *sig = NULL;
	size_t sl = 0;
	gsize before = log_size(0);
	char *log;

	g_assert_cmpint(ippyo_jpki_open(NULL, &j), ==, 0);
	g_assert_cmpint(ippyo_jpki_auth_sign(j, READER0, pin, ballot, sizeof(ballot), &sig,
	    &sl, &c), ==, 0);
	g_assert_cmpuint(sl, ==, 256);
	fingerprints_equal(c, file);
	/* The signature verifies with the certificate of the file... */
	g_assert_cmpint(ippyo_cert_verify_sha256_rsa(file, ballot, sizeof(ballot), sig, sl),
	    ==, 0);
	/* ...over exactly these bytes. */
	g_assert_cmpint(ippyo_cert_verify_sha256_rsa(file, ballot, sizeof(ballot) - 1, sig,
	    sl), ==, IPPYO_ERR_CARD_SIGNATURE);
	/* And the certificate chains to the test JPKI auth CA, CRL checked. */
	ca_path = g_build_filename(pki_dir, "ca", "auth-ca.crt", NULL);
	crl_path = g_build_filename(pki_dir, "ca", "auth.crl", NULL);
	g_assert_cmpint(ippyo_cert_load_file(ca_path, &ca), ==, 0);
	g_assert_cmpint(ippyo_crl_load_file(crl_path, &crl), ==, 0);
	g_assert_cmpint(ippyo_cert_verify_chain(c, (const ippyo_cert *const *)&ca, 1, crl,
	    (int64_t)time(NULL)), ==, 0);
	/* The card was reset after use: no verified PIN outlives the session. */
	log = log_since(0, before);
	g_assert_nonnull(strstr(log, "> 0020008004"));
	g_assert_nonnull(strstr(log, "> 802A0080"));
	g_assert_nonnull(strstr(strstr(log, "> 802A0080"), "# reset"));
	g_free(log);
	g_free(ca_path);
	g_free(crl_path);
	free(sig);
	OPENSSL_cleanse(pin, strlen(pin));
	g_free(pin);
	ippyo_crl_free(crl);
	ippyo_cert_free(ca);
	ippyo_cert_free(c);
	ippyo_cert_free(file);
	ippyo_jpki_free(j);
}

/*
 * After ippyo is done, the key EF is still selected as OpenSC left it; a raw
 * signing command sent through PC/SC (what other software holding the
 * reader could send) must be refused: the card has forgotten the PIN.
 */
static void
test_reset_after_use(void)
{
	static const BYTE sign_apdu_head[] = { 0x80, 0x2A, 0x00, 0x80, 0x33 };
	ippyo_jpki *j = NULL;
	char *pin = card_file(0, "pin");
	uint8_t *sig = NULL;
	size_t sl = 0;
	SCARDCONTEXT ctx;
	SCARDHANDLE h;
	DWORD proto = 0, rlen;
	BYTE apdu[5 + 0x33 + 1], resp[258];
	LONG rv;

	g_assert_cmpint(ippyo_jpki_open(NULL, &j), ==, 0);
	g_assert_cmpint(ippyo_jpki_auth_sign(j, READER0, pin, ballot, sizeof(ballot), &sig,
	    &sl, NULL), ==, 0);
	free(sig);
	memset(apdu, 0x11, sizeof(apdu));
	memcpy(apdu, sign_apdu_head, sizeof(sign_apdu_head));
	apdu[sizeof(apdu) - 1] = 0x00;
	g_assert_cmpint(SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx), ==,
	    SCARD_S_SUCCESS);
	rv = SCardConnect(ctx, READER0, SCARD_SHARE_SHARED,
	    SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &h, &proto);
	g_assert_cmpint(rv, ==, SCARD_S_SUCCESS);
	rlen = sizeof(resp);
	rv = SCardTransmit(h, proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1,
	    apdu, sizeof(apdu), NULL, resp, &rlen);
	g_assert_cmpint(rv, ==, SCARD_S_SUCCESS);
	g_assert_cmpuint(rlen, ==, 2);
	g_assert_false(resp[0] == 0x90 && resp[1] == 0x00);
	SCardDisconnect(h, SCARD_LEAVE_CARD);
	SCardReleaseContext(ctx);
	/* Control: without ippyo's reset the same command would sign. */
	{
		ippyo_jpki_session *s = NULL;

		g_assert_cmpint(ippyo_jpki_session_open(j, READER0, IPPYO_JPKI_AUTH, &s), ==, 0);
		g_assert_cmpint(ippyo_jpki_login(s, pin), ==, 0);
		g_assert_cmpint(ippyo_jpki_sign(s, NULL, ballot, sizeof(ballot), &sig, &sl), ==, 0);
		free(sig);
		g_assert_cmpint(SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx), ==,
		    SCARD_S_SUCCESS);
		g_assert_cmpint(SCardConnect(ctx, READER0, SCARD_SHARE_SHARED,
		    SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &h, &proto), ==, SCARD_S_SUCCESS);
		rlen = sizeof(resp);
		g_assert_cmpint(SCardTransmit(h, proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 :
		    SCARD_PCI_T1, apdu, sizeof(apdu), NULL, resp, &rlen), ==, SCARD_S_SUCCESS);
		g_assert_cmpuint(rlen, ==, 258);
		g_assert_cmpuint(resp[256], ==, 0x90);
		SCardDisconnect(h, SCARD_LEAVE_CARD);
		SCardReleaseContext(ctx);
		g_assert_cmpint(ippyo_jpki_session_close(s), ==, 0);
	}
	OPENSSL_cleanse(pin, strlen(pin));
	g_free(pin);
	ippyo_jpki_free(j);
}

static void
test_signature_token(void)
{
	ippyo_jpki *j = NULL;
	ippyo_jpki_session *s = NULL;
	ippyo_cert *c = NULL, *file = card_cert(0, "sign.crt");
	ippyo_pin_status st;
	char *pw = card_file(0, "password"), *lower;
	uint8_t *sig = NULL;
	size_t sl = 0;

	lower = g_ascii_strdown(pw, -1);
	g_assert_cmpint(ippyo_jpki_open(NULL, &j), ==, 0);
	g_assert_cmpint(ippyo_jpki_session_open(j, READER0, IPPYO_JPKI_SIGN, &s), ==, 0);
	g_assert_cmpint(ippyo_jpki_pin_status(s, &st), ==, 0);
	g_assert_cmpint(st.max_tries, ==, 5);
	g_assert_cmpint(st.tries_left, ==, 5);
	/* The signature certificate is readable only after the password. */
	g_assert_cmpint(ippyo_jpki_read_cert(s, &c), ==, IPPYO_ERR_NOT_FOUND);
	g_assert_cmpint(ippyo_jpki_login(s, "AB"), ==, IPPYO_ERR_PIN_FORMAT);
	/* Typed in lower case: ippyo upper-cases it (OpenSC does not). */
	g_assert_cmpint(ippyo_jpki_login(s, lower), ==, 0);
	g_assert_cmpint(ippyo_jpki_read_cert(s, &c), ==, 0);
	fingerprints_equal(c, file);
	/* The signature key wants its password again (CKA_ALWAYS_AUTHENTICATE). */
	g_assert_cmpint(ippyo_jpki_sign(s, NULL, ballot, sizeof(ballot), &sig, &sl), ==,
	    IPPYO_ERR_INVALID_ARGUMENT);
	g_assert_cmpint(ippyo_jpki_sign(s, lower, ballot, sizeof(ballot), &sig, &sl), ==, 0);
	g_assert_cmpint(ippyo_cert_verify_sha256_rsa(file, ballot, sizeof(ballot), sig, sl),
	    ==, 0);
	g_assert_cmpint(ippyo_jpki_session_close(s), ==, 0);
	free(sig);
	OPENSSL_cleanse(pw, strlen(pw));
	OPENSSL_cleanse(lower, strlen(lower));
	g_free(pw);
	g_free(lower);
	ippyo_cert_free(c);
	ippyo_cert_free(file);
	ippyo_jpki_free(j);
}

static void
test_two_readers(void)
{
	ippyo_jpki *j = NULL;
	ippyo_cert *a = card_cert(0, "auth.crt"), *b = card_cert(1, "auth.crt");
	char *pin0 = card_file(0, "pin"), *pin1 = card_file(1, "pin");
	uint8_t *sig = NULL;
	size_t sl = 0;

	g_assert_cmpint(ippyo_jpki_open(NULL, &j), ==, 0);
	/* Reader 1 chosen: voter-002's key signs. */
	g_assert_cmpint(ippyo_jpki_auth_sign(j, READER1, pin1, ballot, sizeof(ballot), &sig,
	    &sl, NULL), ==, 0);
	g_assert_cmpint(ippyo_cert_verify_sha256_rsa(b, ballot, sizeof(ballot), sig, sl), ==, 0);
	g_assert_cmpint(ippyo_cert_verify_sha256_rsa(a, ballot, sizeof(ballot), sig, sl), ==,
	    IPPYO_ERR_CARD_SIGNATURE);
	free(sig);
	sig = NULL;
	/* Reader 0 chosen: voter-001's key signs. */
	g_assert_cmpint(ippyo_jpki_auth_sign(j, READER0, pin0, ballot, sizeof(ballot), &sig,
	    &sl, NULL), ==, 0);
	g_assert_cmpint(ippyo_cert_verify_sha256_rsa(a, ballot, sizeof(ballot), sig, sl), ==, 0);
	g_assert_cmpint(ippyo_cert_verify_sha256_rsa(b, ballot, sizeof(ballot), sig, sl), ==,
	    IPPYO_ERR_CARD_SIGNATURE);
	free(sig);
	g_free(pin0);
	g_free(pin1);
	ippyo_cert_free(a);
	ippyo_cert_free(b);
	ippyo_jpki_free(j);
}

static void
test_pin_format(void)
{
	static const char *const bad[] = { "", "123", "12345", "12a4", " 1234", "１２３４" };
	ippyo_jpki *j = NULL;
	ippyo_jpki_session *s = NULL;
	char out[17], *log;
	gsize before = log_size(0);
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(bad); i++)
		g_assert_cmpint(ippyo_jpki_pin_normalize(IPPYO_JPKI_AUTH, bad[i], out,
		    sizeof(out)), ==, IPPYO_ERR_PIN_FORMAT);
	g_assert_cmpint(ippyo_jpki_pin_normalize(IPPYO_JPKI_AUTH, "0042", out, sizeof(out)), ==, 0);
	g_assert_cmpstr(out, ==, "0042");
	g_assert_cmpint(ippyo_jpki_pin_normalize(IPPYO_JPKI_SIGN, "abC123", out, sizeof(out)),
	    ==, 0);
	g_assert_cmpstr(out, ==, "ABC123");
	g_assert_cmpint(ippyo_jpki_pin_normalize(IPPYO_JPKI_SIGN, "abc12", out, sizeof(out)),
	    ==, IPPYO_ERR_PIN_FORMAT);
	g_assert_cmpint(ippyo_jpki_pin_normalize(IPPYO_JPKI_SIGN, "ABCDEFGHIJ1234567", out,
	    sizeof(out)), ==, IPPYO_ERR_PIN_FORMAT);
	g_assert_cmpint(ippyo_jpki_pin_normalize(IPPYO_JPKI_SIGN, "ABC-123", out, sizeof(out)),
	    ==, IPPYO_ERR_PIN_FORMAT);

	g_assert_cmpint(ippyo_jpki_open(NULL, &j), ==, 0);
	g_assert_cmpint(ippyo_jpki_session_open(j, READER0, IPPYO_JPKI_AUTH, &s), ==, 0);
	for (i = 0; i < G_N_ELEMENTS(bad); i++)
		g_assert_cmpint(ippyo_jpki_login(s, bad[i]), ==, IPPYO_ERR_PIN_FORMAT);
	g_assert_cmpint(ippyo_jpki_session_close(s), ==, 0);
	ippyo_jpki_free(j);
	/* A malformed PIN never reaches the card. */
	log = log_since(0, before);
	g_assert_null(strstr(log, "> 0020008004"));
	g_free(log);
}

static void
test_card_removed(void)
{
	ippyo_jpki *j = NULL;
	ippyo_jpki_session *s = NULL;
	ippyo_pcsc *p = NULL;
	char *pin = card_file(0, "pin");
	uint8_t *sig = NULL;
	size_t sl = 0;

	g_assert_cmpint(ippyo_pcsc_open(&p), ==, 0);
	g_assert_cmpint(ippyo_jpki_open(NULL, &j), ==, 0);
	g_assert_cmpint(ippyo_jpki_session_open(j, READER0, IPPYO_JPKI_AUTH, &s), ==, 0);
	g_assert_cmpint(ippyo_jpki_login(s, pin), ==, 0);
	/* The voter pulls the card between PIN and signature. */
	signal_card(0, SIGUSR1);
	await_state(p, READER0, IPPYO_CARD_ABSENT);
	g_assert_cmpint(ippyo_jpki_sign(s, NULL, ballot, sizeof(ballot), &sig, &sl), ==,
	    IPPYO_ERR_CARD_REMOVED);
	g_assert_null(sig);
	g_assert_cmpint(ippyo_jpki_session_close(s), ==, 0);
	s = NULL;
	/* No card: a clear error, not a crash. */
	g_assert_cmpint(ippyo_jpki_session_open(j, READER0, IPPYO_JPKI_AUTH, &s), ==,
	    IPPYO_ERR_NO_CARD);
	/* Back in: the same module works again. */
	services("put", "0");
	await_state(p, READER0, IPPYO_CARD_MYNUMBER);
	g_assert_cmpint(ippyo_jpki_auth_sign(j, READER0, pin, ballot, sizeof(ballot), &sig, &sl,
	    NULL), ==, 0);
	free(sig);
	OPENSSL_cleanse(pin, strlen(pin));
	g_free(pin);
	ippyo_jpki_free(j);
	ippyo_pcsc_free(p);
}

/* A wrong PIN for card n: its PIN plus one on the last digit. */
static char *
wrong_pin(int n)
{
	char *pin = card_file(n, "pin");

	pin[3] = (char)('0' + (pin[3] - '0' + 1) % 10);
	return pin;
}

static void
expect_tries(ippyo_jpki_session *s, int tries, int low, int final, int locked)
{
	ippyo_pin_status st;

	g_assert_cmpint(ippyo_jpki_pin_status(s, &st), ==, 0);
	g_assert_cmpint(st.tries_left, ==, tries);
	g_assert_cmpint(st.count_low, ==, low);
	g_assert_cmpint(st.final_try, ==, final);
	g_assert_cmpint(st.locked, ==, locked);
}

static void
test_pin_count(void)
{
	ippyo_jpki *j = NULL;
	ippyo_jpki_session *s = NULL;
	char *pin = card_file(1, "pin"), *wrong = wrong_pin(1);

	g_assert_cmpint(ippyo_jpki_open(NULL, &j), ==, 0);
	g_assert_cmpint(ippyo_jpki_session_open(j, READER1, IPPYO_JPKI_AUTH, &s), ==, 0);
	expect_tries(s, 3, 0, 0, 0);
	g_assert_cmpint(ippyo_jpki_login(s, wrong), ==, IPPYO_ERR_PIN_WRONG);
	expect_tries(s, 2, 1, 0, 0);
	/* The second wrong PIN says: one try left. */
	g_assert_cmpint(ippyo_jpki_login(s, wrong), ==, IPPYO_ERR_PIN_LAST_TRY);
	expect_tries(s, 1, 1, 1, 0);
	g_assert_cmpint(ippyo_jpki_session_close(s), ==, 0);
	/* The count survives a new session (it is the card's). */
	g_assert_cmpint(ippyo_jpki_session_open(j, READER1, IPPYO_JPKI_AUTH, &s), ==, 0);
	expect_tries(s, 1, 1, 1, 0);
	/* The correct PIN resets the count. */
	g_assert_cmpint(ippyo_jpki_login(s, pin), ==, 0);
	expect_tries(s, 3, 0, 0, 0);
	g_assert_cmpint(ippyo_jpki_session_close(s), ==, 0);
	g_free(pin);
	g_free(wrong);
	ippyo_jpki_free(j);
}

static void
test_pin_lock(void)
{
	ippyo_jpki *j = NULL;
	ippyo_jpki_session *s = NULL;
	char *pin = card_file(1, "pin"), *wrong = wrong_pin(1), *log;
	uint8_t *sig = NULL;
	size_t sl = 0;
	gsize start = log_size(1), locked_at;

	g_assert_cmpint(ippyo_jpki_open(NULL, &j), ==, 0);
	g_assert_cmpint(ippyo_jpki_session_open(j, READER1, IPPYO_JPKI_AUTH, &s), ==, 0);
	expect_tries(s, 3, 0, 0, 0);
	g_assert_cmpint(ippyo_jpki_login(s, wrong), ==, IPPYO_ERR_PIN_WRONG);
	g_assert_cmpint(ippyo_jpki_login(s, wrong), ==, IPPYO_ERR_PIN_LAST_TRY);
	g_assert_cmpint(ippyo_jpki_login(s, wrong), ==, IPPYO_ERR_PIN_LOCKED);
	expect_tries(s, 0, 1, 0, 1);
	/* The three wrong PINs did reach the card. */
	log = log_since(1, start);
	g_assert_nonnull(strstr(log, "> 0020008004"));
	g_assert_nonnull(strstr(strstr(strstr(log, "> 0020008004") + 1, "> 0020008004") + 1,
	    "> 0020008004"));
	g_free(log);
	locked_at = log_size(1);
	/* Now even the right PIN is not sent: the card is locked. */
	g_assert_cmpint(ippyo_jpki_login(s, pin), ==, IPPYO_ERR_PIN_LOCKED);
	g_assert_cmpint(ippyo_jpki_session_close(s), ==, 0);
	g_assert_cmpint(ippyo_jpki_auth_sign(j, READER1, pin, ballot, sizeof(ballot), &sig, &sl,
	    NULL), ==, IPPYO_ERR_PIN_LOCKED);
	g_assert_null(sig);
	log = log_since(1, locked_at);
	/* The status was asked (VERIFY without data), no PIN was sent. */
	g_assert_nonnull(strstr(log, "> 00200080\n"));
	g_assert_null(strstr(log, "> 0020008004"));
	g_free(log);
	g_free(pin);
	g_free(wrong);
	ippyo_jpki_free(j);
}

static void
test_no_service(void)
{
	ippyo_pcsc *p = NULL;
	ippyo_reader_list *l = NULL;
	char *empty, *conf;
	const char *argv[] = { "pcscd", "--foreground", "--config", NULL, NULL };
	GPid pid;
	GError *error = NULL;
	gint64 end;
	int r = 1, status;

	services("pcscd-stop", NULL);
	g_assert_cmpint(ippyo_pcsc_open(&p), ==, IPPYO_ERR_PCSC_UNAVAILABLE);
	g_assert_null(p);

	/* A pcscd without any reader configured. */
	empty = g_build_filename(services_dir, "no-readers", NULL);
	g_assert_cmpint(g_mkdir_with_parents(empty, 0700), ==, 0);
	conf = g_build_filename(empty, "reader.conf.d", NULL);
	g_assert_cmpint(g_mkdir_with_parents(conf, 0700), ==, 0);
	argv[3] = conf;
	g_assert_true(g_spawn_async(NULL, (char **)argv, NULL,
	    G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
	    G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid, &error));
	g_assert_no_error(error);
	end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
	while (g_get_monotonic_time() < end) {
		if (ippyo_pcsc_open(&p) == 0) {
			r = ippyo_pcsc_list(p, &l);
			if (r == IPPYO_ERR_NO_READER)
				break;
			ippyo_reader_list_free(l);
			l = NULL;
			ippyo_pcsc_free(p);
			p = NULL;
		}
		g_usleep(50 * 1000);
	}
	g_assert_cmpint(r, ==, IPPYO_ERR_NO_READER);
	g_assert_null(l);
	ippyo_pcsc_free(p);
	kill(pid, SIGTERM);
	g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
	g_spawn_close_pid(pid);
	g_free(conf);
	g_free(empty);
	/* The last case: with-card-services stops what is left. */
}

int
main(int argc, char **argv)
{
	const char *pids, *logs, *cards;

	g_test_init(&argc, &argv, NULL);
	services_dir = g_getenv("IPPYO_CARD_SERVICES_DIR");
	pki_dir = g_getenv("IPPYO_TEST_PKI");
	services_bin = g_getenv("IPPYO_CARD_SERVICES");
	pids = g_getenv("IPPYO_VCARD_PIDS");
	logs = g_getenv("IPPYO_VCARD_LOGS");
	cards = g_getenv("IPPYO_VCARD_CARDS");
	if (services_dir == NULL || pki_dir == NULL || services_bin == NULL ||
	    pids == NULL || logs == NULL || cards == NULL) {
		g_printerr("run me under tests/vcard/with-card-services DIR voter-001 voter-002\n");
		return 1;
	}
	vcard_pids = g_strsplit(pids, " ", -1);
	vcard_logs = g_strsplit(logs, " ", -1);
	vcard_cards = g_strsplit(cards, " ", -1);
	if (g_strv_length(vcard_pids) != 2 || g_strv_length(vcard_logs) != 2 ||
	    g_strv_length(vcard_cards) != 2) {
		g_printerr("two cards are needed\n");
		return 1;
	}
	g_test_add_func("/ippyo/card/pcsc-list", test_pcsc_list);
	g_test_add_func("/ippyo/card/pcsc-wait", test_pcsc_wait);
	g_test_add_func("/ippyo/card/module", test_module);
	g_test_add_func("/ippyo/card/read-cert", test_read_cert);
	g_test_add_func("/ippyo/card/sign", test_sign);
	g_test_add_func("/ippyo/card/reset-after-use", test_reset_after_use);
	g_test_add_func("/ippyo/card/signature-token", test_signature_token);
	g_test_add_func("/ippyo/card/two-readers", test_two_readers);
	g_test_add_func("/ippyo/card/pin-format", test_pin_format);
	g_test_add_func("/ippyo/card/card-removed", test_card_removed);
	g_test_add_func("/ippyo/card/pin-count", test_pin_count);
	g_test_add_func("/ippyo/card/pin-lock", test_pin_lock);
	g_test_add_func("/ippyo/card/no-service", test_no_service);
	return g_test_run();
}
