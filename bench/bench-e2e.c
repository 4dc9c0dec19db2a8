/* ippyo-bench e2e — the wall time of the whole demo election, phase by phase (issue 7).
 *
 * The election of demo/election-demo, with many voters: the test JPKI
 * (tests/vcard/make-test-pki) and N more voter certificates issued in-process
 * by its authentication CA, the officials', chain's and witness's keys, a
 * 2-of-3 key ceremony, the sealed manifest (mayor: 1 of 4; council: up to 2
 * of 5), ippyo-chaind on SQLite on loopback with one ippyo-tally witness,
 * N ballots encrypted and signed in software with the test voters' key and
 * POSTed to the chain, a few ballots through the real virtual cards with
 * ippyo-vote (pcscd + vpcd + ippyo-vcard), close, the observer's verify from
 * the tiles, aggregate, decrypt by trustees 1 and 3, combine. Every program is
 * the real one, run as a subprocess; the bench only plays the voters' devices
 * for the bulk. The decrypted totals are compared with the choices cast.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <jansson.h>
#include <libsoup/soup.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "bench.h"
#include "card/cert.h"
#include "crypto/group.h"
#include "election/ballot.h"
#include "election/entry.h"
#include "election/manifest.h"
#include "error.h"

#define ORIGIN "vote.example.jp/2027-ippyo-bench"
#define ELECTION_ID "2027-ippyo-bench"
#define WITNESS "witness.ippyo.example"
#define CARD_LOCK "/tmp/ippyo-card-services.lock"
#define READER0 "Virtual PCD 00 00"
#define READER1 "Virtual PCD 00 01"
#define MAX_CARDS 8
#define CONNECTIONS 16

static const char *const mayor_ids[] = { "tanaka", "sato", "suzuki", "takahashi" };
static const char *const council_ids[] = { "ito", "watanabe", "yamamoto", "nakamura", "kobayashi" };

/* The card voters' ballots (voter-001 ...): mayor, council, council (-1: none). */
static const int card_choices[MAX_CARDS][3] = {
	{ 0, 0, 1 }, { 0, 2, 3 }, { 0, 0, -1 }, { 2, -1, -1 },
	{ 1, 0, 4 }, { 3, 1, -1 }, { 0, 3, 0 }, { 1, -1, -1 },
};

typedef struct {
	char *dir;                /* the election's folder */
	gboolean keep;
	char *tally, *chaind, *vote, *vcard, *cards, *make_pki;
	GSubprocess *chaind_proc, *witness_proc;
	gboolean cards_up;
	int lock_fd;
} E2e;

static E2e *current;

static void
cleanup(void)
{
	E2e *e = current;

	if (e == NULL)
		return;
	current = NULL;
	if (e->chaind_proc != NULL) {
		g_subprocess_send_signal(e->chaind_proc, SIGTERM);
		g_subprocess_wait(e->chaind_proc, NULL, NULL);
		g_clear_object(&e->chaind_proc);
	}
	if (e->witness_proc != NULL) {
		g_subprocess_send_signal(e->witness_proc, SIGTERM);
		g_subprocess_wait(e->witness_proc, NULL, NULL);
		g_clear_object(&e->witness_proc);
	}
	if (e->cards_up) {
		g_autofree char *cdir = g_build_filename(e->dir, "cards", NULL);
		const char *argv[] = { e->cards, "stop", cdir, NULL };

		g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL |
		    G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, NULL, NULL);
		e->cards_up = FALSE;
	}
	if (e->lock_fd >= 0) {
		close(e->lock_fd);
		e->lock_fd = -1;
	}
	if (!e->keep && e->dir != NULL) {
		const char *argv[] = { "rm", "-rf", e->dir, NULL };

		g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
		    NULL, NULL);
	}
}

static void G_GNUC_NORETURN G_GNUC_PRINTF(1, 2)
die(const char *fmt, ...)
{
	va_list ap;
	g_autofree char *msg = NULL;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_printerr("ippyo-bench e2e: FAILED: %s\n", msg);
	exit(1);
}

static double
now(void)
{
	return (double)g_get_monotonic_time() / 1e6;
}

static char *
path(const E2e *e, const char *rel)
{
	return g_build_filename(e->dir, rel, NULL);
}

static void
write_text(const char *p, const char *text)
{
	g_autoptr(GError) error = NULL;

	if (!g_file_set_contents(p, text, -1, &error))
		die("%s", error->message);
}

static char *
read_line(const char *p)
{
	g_autoptr(GError) error = NULL;
	char *text = NULL;

	if (!g_file_get_contents(p, &text, NULL, &error))
		die("%s", error->message);
	return g_strstrip(text);
}

static void
mkdirs(const char *p)
{
	if (g_mkdir_with_parents(p, 0755) != 0)
		die("%s: %s", p, g_strerror(errno));
}

static void
copy_file(const char *from, const char *to)
{
	g_autofree char *d = NULL;
	gsize len;
	g_autoptr(GError) error = NULL;

	if (!g_file_get_contents(from, &d, &len, &error) ||
	    !g_file_set_contents(to, d, (gssize)len, &error))
		die("%s", error->message);
}

/*
 * Runs argv (NULL-terminated) with `input` on its standard input, its
 * standard output into out_path when given; env: NAME=VALUE pairs or NULL.
 * Returns the exit status; with want >= 0, any other status is fatal and
 * shows what the program said.
 */
static int
run_env(const char *out_path, const char *input, const char *const *env, int want,
    const char *const *argv)
{
	g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDIN_PIPE |
	    G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
	g_autoptr(GSubprocess) p = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *out = NULL, *err = NULL;
	int status;

	for (size_t i = 0; env != NULL && env[i] != NULL; i++) {
		g_auto(GStrv) kv = g_strsplit(env[i], "=", 2);

		g_subprocess_launcher_setenv(l, kv[0], kv[1], TRUE);
	}
	p = g_subprocess_launcher_spawnv(l, argv, &error);
	if (p == NULL)
		die("%s: %s", argv[0], error->message);
	if (!g_subprocess_communicate_utf8(p, input != NULL ? input : "", NULL, &out, &err, &error))
		die("%s: %s", argv[0], error->message);
	status = g_subprocess_get_if_exited(p) ? g_subprocess_get_exit_status(p) : 128 +
	    g_subprocess_get_term_sig(p);
	if (want >= 0 && status != want) {
		g_autofree char *cmd = g_strjoinv(" ", (char **)argv);

		g_printerr("%s%s", out != NULL ? out : "", err != NULL ? err : "");
		die("%s: exit %d, expected %d", cmd, status, want);
	}
	if (out_path != NULL)
		write_text(out_path, out != NULL ? out : "");
	return status;
}

#define RUN(out, ...) do { \
	const char *argv_[] = { __VA_ARGS__, NULL }; \
	run_env((out), NULL, NULL, 0, argv_); \
} while (0)

/* Waits until the file holds a whole line; fails if the process ends. */
static void
wait_line(const char *p, GSubprocess *proc, double seconds, const char *what, const char *log)
{
	double end = now() + seconds;

	for (;;) {
		g_autofree char *text = NULL;
		gsize len;

		if (g_file_get_contents(p, &text, &len, NULL) && len > 0 && text[len - 1] == '\n')
			return;
		if (g_subprocess_get_identifier(proc) == NULL || now() > end) {
			g_autofree char *lt = NULL;

			if (g_file_get_contents(log, &lt, NULL, NULL))
				g_printerr("%s", lt);
			die("%s did not start", what);
		}
		g_usleep(20000);
	}
}

static GSubprocess *
start_daemon(const char *log, const char *const *argv)
{
	g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDERR_MERGE);
	g_autoptr(GError) error = NULL;
	GSubprocess *p;

	g_subprocess_launcher_set_stdout_file_path(l, log);
	p = g_subprocess_launcher_spawnv(l, argv, &error);
	if (p == NULL)
		die("%s: %s", argv[0], error->message);
	return p;
}

static guint
free_port(void)
{
	g_autoptr(GSocket) s = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
	    G_SOCKET_PROTOCOL_TCP, NULL);
	g_autoptr(GInetAddress) a = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
	g_autoptr(GSocketAddress) sa = g_inet_socket_address_new(a, 0);
	g_autoptr(GSocketAddress) bound = NULL;

	if (s == NULL || !g_socket_bind(s, sa, FALSE, NULL) ||
	    (bound = g_socket_get_local_address(s, NULL)) == NULL)
		die("no free port on loopback");
	return g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
}

/* ---- the bulk voters: certificates from the test PKI's CA, ballots in software ---- */

typedef struct {
	guint n;
	X509 *ca;
	EVP_PKEY *ca_key;
	EVP_PKEY *voter_key;      /* one key for the bulk: each voter its own certificate */
	char *roll_dir;
	GBytes **ders;
	guint8 *fps;              /* 32 bytes per voter */
	const ippyo_manifest *m;
	ippyo_election_key *key;
	GBytes **ballots;
} Bulk;

static void
add_ext(X509 *x, X509V3_CTX *v3, int nid, const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, v3, nid, value);

	if (ext == NULL || X509_add_ext(x, ext, -1) != 1)
		die("certificate extension %s", value);
	X509_EXTENSION_free(ext);
}

/* A user-authentication certificate of the test JPKI's profile (make-test-pki), less its policy. */
static GBytes *
voter_cert(const Bulk *b, guint i, guint8 fp[32])
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	BIGNUM *serial = BN_new();
	X509V3_CTX v3;
	unsigned char *der = NULL, id[9];
	char cn[19];
	int len;
	g_autofree char *file = g_strdup_printf("%s/bulk-%06u.crt", b->roll_dir, i);
	FILE *f;

	if (x == NULL || name == NULL || serial == NULL || RAND_bytes(id, sizeof(id)) != 1 ||
	    !BN_rand(serial, 63, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) ||
	    BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) == NULL)
		die("voter certificate");
	for (size_t k = 0; k < sizeof(id); k++)
		g_snprintf(cn + 2 * k, 3, "%02X", id[k]);
	X509_set_version(x, 2);
	X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, (const unsigned char *)"JP", -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, name);
	X509_set_issuer_name(x, X509_get_subject_name(b->ca));
	X509_gmtime_adj(X509_getm_notBefore(x), -86400);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 1825);
	X509_set_pubkey(x, b->voter_key);
	X509V3_set_ctx(&v3, b->ca, x, NULL, NULL, 0);
	add_ext(x, &v3, NID_basic_constraints, "critical,CA:FALSE");
	add_ext(x, &v3, NID_key_usage, "critical,digitalSignature");
	add_ext(x, &v3, NID_ext_key_usage, "clientAuth");
	add_ext(x, &v3, NID_subject_key_identifier, "hash");
	add_ext(x, &v3, NID_authority_key_identifier, "keyid");
	if (X509_sign(x, b->ca_key, EVP_sha256()) == 0 || (len = i2d_X509(x, &der)) <= 0)
		die("signing a voter certificate");
	if (ippyo_cert_der_fingerprint(der, (size_t)len, fp) != 0)
		die("voter certificate fingerprint");
	f = fopen(file, "w");
	if (f == NULL || PEM_write_X509(f, x) != 1 || fclose(f) != 0)
		die("%s: cannot write", file);
	{
		GBytes *out = g_bytes_new(der, (gsize)len);

		OPENSSL_free(der);
		BN_free(serial);
		X509_NAME_free(name);
		X509_free(x);
		return out;
	}
}

/* Bulk voter i's choices: mayor (-1: blank) and up to two council options. */
static void
bulk_choice(guint i, int c[3])
{
	c[0] = i % 10 == 9 ? -1 : (int)(i % 4);
	c[1] = c[2] = -1;
	if (i % 3 >= 1)
		c[1] = (int)((i / 3) % 5);
	if (i % 3 == 2)
		c[2] = (c[1] + 1 + (int)((i / 15) % 4)) % 5;
}

static GBytes *
bulk_ballot(const Bulk *b, guint i)
{
	ippyo_choices *ch = ippyo_choices_new(b->m);
	ippyo_ballot *bal = NULL;
	ippyo_entry *e = NULL;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	guint8 seed[IPPYO_SEED_BYTES], sig[512];
	size_t sig_len = sizeof(sig), blen, elen;
	const uint8_t *bytes;
	int c[3];
	GBytes *out;

	bulk_choice(i, c);
	if (ch == NULL || ctx == NULL || RAND_priv_bytes(seed, sizeof(seed)) != 1)
		die("ballot of voter %u", i);
	if ((c[0] >= 0 && ippyo_choices_set(ch, 0, (size_t)c[0], 1) != 0) ||
	    (c[1] >= 0 && ippyo_choices_set(ch, 1, (size_t)c[1], 1) != 0) ||
	    (c[2] >= 0 && ippyo_choices_set(ch, 1, (size_t)c[2], 1) != 0))
		die("choices of voter %u", i);
	if (ippyo_ballot_build(&bal, b->m, b->key, ch, seed, b->fps + (gsize)i * 32) != 0)
		die("ballot of voter %u", i);
	OPENSSL_cleanse(seed, sizeof(seed));
	bytes = ippyo_ballot_bytes(bal, &blen);
	/* the card's signature: PKCS#1 v1.5 over SHA-256 of the ballot bytes */
	if (EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, b->voter_key) != 1 ||
	    EVP_DigestSign(ctx, sig, &sig_len, bytes, blen) != 1)
		die("card signature of voter %u", i);
	if (ippyo_entry_new_ballot(&e, bytes, blen, g_bytes_get_data(b->ders[i], NULL),
	    g_bytes_get_size(b->ders[i]), sig, sig_len) != 0)
		die("ballot entry of voter %u", i);
	bytes = ippyo_entry_bytes(e, &elen);
	out = g_bytes_new(bytes, elen);
	ippyo_entry_free(e);
	ippyo_ballot_free(bal);
	ippyo_choices_free(ch);
	EVP_MD_CTX_free(ctx);
	return out;
}

/* Workers of bench_parallel: the bulk voters' certificates, then their ballots
 * (on every core: the voters' devices). */
static void
bulk_cert_job(gpointer data, guint i)
{
	Bulk *b = data;

	b->ders[i] = voter_cert(b, i, b->fps + (gsize)i * 32);
}

static void
bulk_ballot_job(gpointer data, guint i)
{
	Bulk *b = data;

	b->ballots[i] = bulk_ballot(b, i);
}

/* ---- POSTing the bulk ballots ---- */

typedef struct {
	SoupSession *session;
	char *url;
	Bulk *b;
	guint next, done, errors;
	GMainLoop *loop;
} Load;

typedef struct {
	Load *load;
	SoupMessage *msg;
} Call;

static void send_next(Load *l);

static void
sent_cb(GObject *source, GAsyncResult *res, gpointer data)
{
	Call *c = data;
	Load *l = c->load;
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) body = soup_session_send_and_read_finish(SOUP_SESSION(source), res, &error);

	if (body == NULL || soup_message_get_status(c->msg) != SOUP_STATUS_OK) {
		if (l->errors++ < 5)
			g_printerr("ippyo-bench e2e: ballot refused: %s\n", error != NULL ?
			    error->message : (const char *)g_bytes_get_data(body, NULL));
	}
	g_object_unref(c->msg);
	g_free(c);
	if (++l->done == l->b->n)
		g_main_loop_quit(l->loop);
	else
		send_next(l);
}

static void
send_next(Load *l)
{
	Call *c;

	if (l->next >= l->b->n)
		return;
	c = g_new0(Call, 1);
	c->load = l;
	c->msg = soup_message_new("POST", l->url);
	soup_message_set_request_body_from_bytes(c->msg, "application/json", l->b->ballots[l->next++]);
	soup_session_send_and_read_async(l->session, c->msg, G_PRIORITY_DEFAULT, NULL, sent_cb, c);
}

static void
submit_bulk(Bulk *b, const char *base_url)
{
	g_autoptr(GMainContext) ctx = g_main_context_new();
	Load l = { 0 };

	g_main_context_push_thread_default(ctx);
	l.loop = g_main_loop_new(ctx, FALSE);
	l.session = soup_session_new_with_options("max-conns", CONNECTIONS, "max-conns-per-host",
	    CONNECTIONS, "timeout", 120, NULL);
	l.url = g_strconcat(base_url, "v1/ballots", NULL);
	l.b = b;
	for (guint i = 0; i < CONNECTIONS; i++)
		send_next(&l);
	g_main_loop_run(l.loop);
	g_main_loop_unref(l.loop);
	g_object_unref(l.session);
	g_free(l.url);
	g_main_context_pop_thread_default(ctx);
	if (l.errors != 0)
		die("%u of %u bulk ballots were refused by the chain", l.errors, b->n);
}

/* ---- the election's files ---- */

static void
write_election_toml(const E2e *e, const char *url)
{
	g_autoptr(GString) s = g_string_new(NULL);
	g_autoptr(GDateTime) t = g_date_time_new_now_utc();
	g_autoptr(GDateTime) t0 = g_date_time_add_hours(t, -1);
	g_autoptr(GDateTime) t1 = g_date_time_add_days(t, 7);
	g_autofree char *opens = g_date_time_format(t0, "%Y-%m-%dT%H:%M:%SZ");
	g_autofree char *closes = g_date_time_format(t1, "%Y-%m-%dT%H:%M:%SZ");
	g_autofree char *p = path(e, "election.toml");

	g_string_append_printf(s,
	    "[election]\nid = \"%s\"\ntitle_ja = \"一票市 市長選挙・市議会議員選挙（ベンチ）\"\n"
	    "title_en = \"Ippyo City mayoral and council elections (bench)\"\n\n"
	    "[poll]\nopens = \"%s\"\ncloses = \"%s\"\n\n[trustees]\nn = 3\nt = 2\n\n"
	    "[chain]\norigin = \"%s\"\nurl = \"%s\"\nvkey_file = \"chain.vkey\"\n\n"
	    "[officials]\npublic_key_file = \"officials/officials.pub\"\n\n"
	    "[jpki]\nca_files = [\"pki/ca/auth-ca.crt\"]\n\n"
	    "[roll]\ncertificates_dir = \"roll-certificates\"\n",
	    ELECTION_ID, opens, closes, ORIGIN, url);
	g_string_append(s, "\n[[contest]]\nid = \"mayor\"\ntitle_ja = \"市長\"\ntitle_en = \"Mayor\"\n"
	    "min = 0\nmax = 1\n");
	for (size_t i = 0; i < G_N_ELEMENTS(mayor_ids); i++)
		g_string_append_printf(s, "\n[[contest.option]]\nid = \"%s\"\ntitle_ja = \"%s\"\n"
		    "title_en = \"%s\"\n", mayor_ids[i], mayor_ids[i], mayor_ids[i]);
	g_string_append(s, "\n[[contest]]\nid = \"council\"\ntitle_ja = \"市議会議員\"\n"
	    "title_en = \"City council\"\nmin = 0\nmax = 2\n");
	for (size_t i = 0; i < G_N_ELEMENTS(council_ids); i++)
		g_string_append_printf(s, "\n[[contest.option]]\nid = \"%s\"\ntitle_ja = \"%s\"\n"
		    "title_en = \"%s\"\n", council_ids[i], council_ids[i], council_ids[i]);
	write_text(p, s->str);
}

static json_t *
load_json(const char *p)
{
	json_error_t jerr;
	json_t *j = json_load_file(p, JSON_REJECT_DUPLICATES, &jerr);

	if (j == NULL)
		die("%s: %s", p, jerr.text);
	return j;
}

static void
add_choice(guint64 totals[2][5], const int c[3])
{
	if (c[0] >= 0)
		totals[0][c[0]]++;
	if (c[1] >= 0)
		totals[1][c[1]]++;
	if (c[2] >= 0)
		totals[1][c[2]]++;
}

/* ---- the card voters ---- */

static void
cards_stop(E2e *e)
{
	g_autofree char *cdir = path(e, "cards");
	const char *argv[] = { e->cards, "stop", cdir, NULL };

	if (!e->cards_up)
		return;
	run_env(NULL, NULL, NULL, -1, argv);
	e->cards_up = FALSE;
}

static void
cards_insert(E2e *e, const char *card0, const char *card1)
{
	g_autofree char *cdir = path(e, "cards");
	g_autofree char *link = g_build_filename(cdir, "pki", NULL);
	const char *env[] = { NULL, NULL };
	g_autofree char *venv = g_strconcat("IPPYO_VCARD_BIN=", e->vcard, NULL);
	const char *argv[] = { e->cards, "start", cdir, card0, card1, NULL };

	cards_stop(e);
	mkdirs(cdir);
	if (!g_file_test(link, G_FILE_TEST_EXISTS) && symlink("../pki", link) != 0)
		die("%s: %s", link, g_strerror(errno));
	env[0] = venv;
	e->cards_up = TRUE;
	/* the last user's pcscd may take a moment to go away: retry for up to 30 s */
	for (int tries = 15; run_env(NULL, NULL, env, -1, argv) != 0; tries--) {
		const char *stop[] = { e->cards, "stop", cdir, NULL };

		run_env(NULL, NULL, NULL, -1, stop);
		if (tries == 1)
			die("the virtual card reader did not start");
		g_usleep(2 * G_USEC_PER_SEC);
	}
}

static void
card_vote(E2e *e, guint k, const char *reader, const int c[3])
{
	g_autofree char *name = g_strdup_printf("voter-%03u", k + 1);
	g_autofree char *pinf = g_strdup_printf("%s/pki/cards/%s/pin", e->dir, name);
	g_autofree char *pin = read_line(pinf);
	g_autofree char *home = g_strdup_printf("%s/voters/%s", e->dir, name);
	g_autofree char *xdg = g_strconcat("XDG_DATA_HOME=", home, NULL);
	g_autofree char *election = path(e, "election.json");
	g_autofree char *input = g_strconcat(pin, "\n", NULL);
	const char *env[] = { xdg, NULL };
	const char *argv[16];
	g_autofree char *a0 = NULL, *a1 = NULL, *a2 = NULL;
	size_t n = 0;

	mkdirs(home);
	argv[n++] = e->vote;
	argv[n++] = "vote";
	argv[n++] = election;
	argv[n++] = "--pin-stdin";
	argv[n++] = "--reader";
	argv[n++] = reader;
	if (c[0] >= 0) {
		a0 = g_strconcat("mayor=", mayor_ids[c[0]], NULL);
		argv[n++] = "--choice";
		argv[n++] = a0;
	}
	if (c[1] >= 0) {
		a1 = g_strconcat("council=", council_ids[c[1]], NULL);
		argv[n++] = "--choice";
		argv[n++] = a1;
	}
	if (c[2] >= 0) {
		a2 = g_strconcat("council=", council_ids[c[2]], NULL);
		argv[n++] = "--choice";
		argv[n++] = a2;
	}
	argv[n] = NULL;
	run_env(NULL, input, env, 0, argv);
	OPENSSL_cleanse(pin, strlen(pin));
	OPENSSL_cleanse(input, strlen(input));
}

/* ---- the run ---- */

typedef struct {
	const char *key;
	const char *what;
	double s;
	gboolean skipped;
} Phase;

enum {
	P_PKI, P_CERTS, P_KEYS, P_INIT, P_CEREMONY, P_SEAL, P_CHAIN, P_ENCRYPT, P_SUBMIT, P_CARDS, P_CLOSE,
	P_VERIFY, P_AGGREGATE, P_DECRYPT, P_COMBINE, P_APPEND, P_FINAL, P_RESULT, P_COUNT
};

int
bench_e2e(int argc, char **argv)
{
	gint voters = 1000, cards = 4;
	gboolean json = FALSE;
	g_autofree char *keep = NULL, *build = NULL, *source = NULL;
	const GOptionEntry entries[] = {
		{ "voters", 0, 0, G_OPTION_ARG_INT, &voters,
		  "distinct test voters whose ballots are signed in software (1000)", "N" },
		{ "cards", 0, 0, G_OPTION_ARG_INT, &cards,
		  "voters who vote with ippyo-vote and a virtual card, 0 to 8 (4; needs root)", "K" },
		{ "keep", 0, 0, G_OPTION_ARG_FILENAME, &keep,
		  "leave the election's files in DIR (new or empty)", "DIR" },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "print one JSON object", NULL },
		{ NULL }
	};
	g_autoptr(GOptionContext) octx = g_option_context_new("- the whole demo election, phase by phase");
	g_autoptr(GError) error = NULL;
	Phase ph[P_COUNT] = {
		[P_PKI] = { "test_pki_s", "tests/vcard/make-test-pki (or a copy): CAs, CRL, the virtual cards", 0 },
		[P_CERTS] = { "voter_certs_s", "N voter certificates issued by the test JPKI's CA (all cores)", 0 },
		[P_KEYS] = { "keys_s", "ippyo-tally keygen: officials', chain and witness keys", 0 },
		[P_INIT] = { "init_s", "ippyo-tally init: draft manifest and roll from the certificates", 0 },
		[P_CEREMONY] = { "ceremony_s", "2-of-3 key ceremony, rounds 1-3 for 3 trustees", 0 },
		[P_SEAL] = { "seal_s", "ippyo-tally seal: manifest entry and ceremony entry", 0 },
		[P_CHAIN] = { "chain_start_s", "ippyo-tally witness and ippyo-chaind up (SQLite, loopback)", 0 },
		[P_ENCRYPT] = { "ballots_encrypt_s", "N ballots encrypted, proved and card-signed in software (all cores)", 0 },
		[P_SUBMIT] = { "ballots_submit_s", "N ballots POSTed to ippyo-chaind until every receipt", 0 },
		[P_CARDS] = { "card_votes_s", "ippyo-vote with virtual cards (pcscd + vpcd + ippyo-vcard), card services included", 0 },
		[P_CLOSE] = { "close_s", "ippyo-tally close", 0 },
		[P_VERIFY] = { "verify_s", "the observer's ippyo-tally verify from the tiles, with a mirror", 0 },
		[P_AGGREGATE] = { "aggregate_s", "ippyo-tally aggregate from the mirror", 0 },
		[P_DECRYPT] = { "decrypt_s", "ippyo-tally decrypt by trustees 1 and 3, one after the other", 0 },
		[P_COMBINE] = { "combine_s", "ippyo-tally combine: proofs checked, Lagrange, discrete log", 0 },
		[P_APPEND] = { "append_s", "ippyo-tally append: the decryption and result entries into the chain", 0 },
		[P_FINAL] = { "final_verify_s", "the observer's verify again, incrementally: the whole record", 0 },
		[P_RESULT] = { "result_s", "ippyo-tally result from the mirror: table and HTML report", 0 },
	};
	E2e e = { .lock_fd = -1 };
	Bulk b = { 0 };
	guint64 expected[2][5] = { { 0 } };
	double t_start, t, lock_wait = 0;
	guint port;
	g_autofree char *url = NULL, *chain_vkey = NULL, *witness_vkey = NULL, *election_hash = NULL;
	json_t *j;
	guint64 counted = 0, entries_n = 0;
	bench_report *r;

	g_option_context_add_main_entries(octx, entries, NULL);
	g_option_context_set_summary(octx,
	    "The wall time of the whole demo election (demo/election-demo) with N voters, split\n"
	    "by phase. The programs are the real ones, run as subprocesses: ippyo-tally (keys,\n"
	    "init, ceremony, seal, witness, close, verify, aggregate, decrypt, combine),\n"
	    "ippyo-chaind on SQLite on loopback and ippyo-vote with the virtual cards. The bench\n"
	    "plays the devices of the N bulk voters: their certificates are issued in-process by\n"
	    "the test JPKI's authentication CA (one RSA key shared by all, each voter its own\n"
	    "certificate and roll entry) and their ballots are encrypted and signed in software.\n"
	    "The decrypted totals must equal the choices cast, or the run fails.\n\n"
	    "With an ippyo-tally that has `append`, the decryption and result entries are\n"
	    "appended to the chain, the record verified again and the result read back.\n\n"
	    "Environment: IPPYO_BUILD_DIR (the build to run; default: the one this was built\n"
	    "in), IPPYO_SOURCE_DIR (for tests/vcard; default: the source tree it came from),\n"
	    "IPPYO_PKI_TEMPLATE (a test PKI to copy instead of running make-test-pki).");
	if (!g_option_context_parse(octx, &argc, &argv, &error) || voters < 1 || voters > 1000000 ||
	    cards < 0 || cards > MAX_CARDS || argc != 1) {
		g_printerr("ippyo-bench e2e: %s\n", error != NULL ? error->message :
		    "bad options (--voters 1.., --cards 0..8, no arguments)");
		return 2;
	}
	if (cards > 0 && geteuid() != 0) {
		g_printerr("ippyo-bench e2e: the virtual card reader needs root (pcscd's socket is in "
		    "/run): run as root, or with --cards 0\n");
		return 2;
	}
	build = g_strdup(g_getenv("IPPYO_BUILD_DIR") != NULL ? g_getenv("IPPYO_BUILD_DIR") :
	    IPPYO_BENCH_BUILD_DIR);
	source = g_strdup(g_getenv("IPPYO_SOURCE_DIR") != NULL ? g_getenv("IPPYO_SOURCE_DIR") :
	    IPPYO_BENCH_SOURCE_DIR);
	e.tally = g_build_filename(build, "tally", "ippyo-tally", NULL);
	e.chaind = g_build_filename(build, "chain", "ippyo-chaind", NULL);
	e.vote = g_build_filename(build, "client", "ippyo-vote", NULL);
	e.vcard = g_build_filename(build, "tests", "vcard", "ippyo-vcard", NULL);
	e.cards = g_build_filename(source, "tests", "vcard", "card-services", NULL);
	e.make_pki = g_build_filename(source, "tests", "vcard", "make-test-pki", NULL);
	{
		const char *need[] = { e.tally, e.chaind, e.make_pki, cards > 0 ? e.vote : NULL,
		    cards > 0 ? e.vcard : NULL, cards > 0 ? e.cards : NULL };

		for (size_t i = 0; i < G_N_ELEMENTS(need); i++)
			if (need[i] != NULL && !g_file_test(need[i], G_FILE_TEST_IS_EXECUTABLE))
				die("%s is missing (set IPPYO_BUILD_DIR / IPPYO_SOURCE_DIR)", need[i]);
	}
	if (ippyo_group_init() != 0)
		die("group");
	if (keep != NULL) {
		g_autoptr(GDir) d = NULL;

		mkdirs(keep);
		d = g_dir_open(keep, 0, &error);
		if (d == NULL || g_dir_read_name(d) != NULL)
			die("%s: not an empty folder", keep);
		e.dir = g_canonicalize_filename(keep, NULL);
		e.keep = TRUE;
	} else if ((e.dir = g_dir_make_tmp("ippyo-bench-e2e-XXXXXX", &error)) == NULL)
		die("%s", error->message);
	current = &e;
	atexit(cleanup);

	t_start = now();

	/* 1. the test JPKI, the bulk voters' certificates, the keys */
	t = now();
	{
		g_autofree char *pki = path(&e, "pki");
		g_autofree char *ca_crt = path(&e, "pki/ca/auth-ca.crt");
		g_autofree char *ca_key = path(&e, "pki/ca/auth-ca.key");
		g_autofree char *officials = path(&e, "officials");
		g_autofree char *witness = path(&e, "witness");
		FILE *f;

		if (g_getenv("IPPYO_PKI_TEMPLATE") != NULL && *g_getenv("IPPYO_PKI_TEMPLATE") != '\0') {
			g_autofree char *cards_dir = g_build_filename(g_getenv("IPPYO_PKI_TEMPLATE"),
			    "cards", NULL);

			if (!g_file_test(cards_dir, G_FILE_TEST_IS_DIR))
				die("IPPYO_PKI_TEMPLATE: %s is not a test PKI", g_getenv("IPPYO_PKI_TEMPLATE"));
			RUN(NULL, "cp", "-R", g_getenv("IPPYO_PKI_TEMPLATE"), pki);
		} else
			RUN(NULL, "sh", e.make_pki, pki);
		ph[P_PKI].s = now() - t;
		t = now();
		if ((f = fopen(ca_crt, "r")) == NULL || (b.ca = PEM_read_X509(f, NULL, NULL, NULL)) == NULL)
			die("%s", ca_crt);
		fclose(f);
		if ((f = fopen(ca_key, "r")) == NULL ||
		    (b.ca_key = PEM_read_PrivateKey(f, NULL, NULL, NULL)) == NULL)
			die("%s", ca_key);
		fclose(f);
		if ((b.voter_key = EVP_RSA_gen(2048)) == NULL)
			die("RSA key");
		b.n = (guint)voters;
		b.roll_dir = path(&e, "roll-certificates");
		mkdirs(b.roll_dir);
		b.ders = g_new0(GBytes *, b.n);
		b.fps = g_malloc0((gsize)b.n * 32);
		b.ballots = g_new0(GBytes *, b.n);
		bench_parallel(b.n, bulk_cert_job, &b);
		for (gint k = 0; k < cards; k++) {
			g_autofree char *from = g_strdup_printf("%s/cards/voter-%03d/auth.crt", pki, k + 1);
			g_autofree char *to = g_strdup_printf("%s/voter-%03d.crt", b.roll_dir, k + 1);

			copy_file(from, to);
		}
		ph[P_CERTS].s = now() - t;
		t = now();
		RUN(NULL, e.tally, "keygen", "--officials", officials, "-q");
		RUN(NULL, e.tally, "keygen", "--chain", ORIGIN, e.dir, "-q");
		RUN(NULL, e.tally, "keygen", "--witness", WITNESS, witness, "-q");
	}
	ph[P_KEYS].s = now() - t;

	/* 2. the draft manifest and the roll */
	t = now();
	port = free_port();
	url = g_strdup_printf("http://127.0.0.1:%u/", port);
	write_election_toml(&e, url);
	{
		g_autofree char *toml = path(&e, "election.toml");
		g_autofree char *out = path(&e, "election");
		g_autofree char *init = path(&e, "init.json");

		RUN(init, e.tally, "init", toml, "--out", out, "--json", "-q");
		j = load_json(init);
		if (json_integer_value(json_object_get(j, "roll_count")) != voters + cards)
			die("init: a roll of %" JSON_INTEGER_FORMAT " certificates, expected %d",
			    json_integer_value(json_object_get(j, "roll_count")), voters + cards);
		json_decref(j);
	}
	ph[P_INIT].s = now() - t;

	/* 3. the key ceremony: each trustee in its own folder, exchanging files */
	t = now();
	{
		g_autofree char *draft = path(&e, "election/manifest-draft.json");
		g_autofree char *cer = path(&e, "ceremony");

		mkdirs(cer);
		for (int i = 1; i <= 3; i++) {
			g_autofree char *td = g_strdup_printf("%s/trustees/%d", e.dir, i);
			g_autofree char *ts = g_strdup_printf("%d", i);
			g_autofree char *from = g_strdup_printf("%s/commitments-%d.json", td, i);
			g_autofree char *to = g_strdup_printf("%s/commitments-%d.json", cer, i);

			RUN(NULL, e.tally, "ceremony", "round1", "--draft", draft, "--trustee", ts,
			    "--out", td, "-q");
			copy_file(from, to);
		}
		for (int i = 1; i <= 3; i++) {
			g_autofree char *td = g_strdup_printf("%s/trustees/%d", e.dir, i);
			g_autofree char *inbox = g_strdup_printf("%s/inbox", td);
			g_autofree char *outbox = g_strdup_printf("%s/outbox", td);
			g_autofree char *secret = g_strdup_printf("%s/trustee-%d.secret.json", td, i);

			mkdirs(inbox);
			for (int k = 1; k <= 3; k++) {
				g_autofree char *from = g_strdup_printf("%s/commitments-%d.json", cer, k);
				g_autofree char *to = g_strdup_printf("%s/commitments-%d.json", inbox, k);

				copy_file(from, to);
			}
			RUN(NULL, e.tally, "ceremony", "round2", "--secret", secret, "--in", inbox,
			    "--out", outbox, "-q");
		}
		for (int i = 1; i <= 3; i++) {
			g_autofree char *td = g_strdup_printf("%s/trustees/%d", e.dir, i);
			g_autofree char *inbox = g_strdup_printf("%s/inbox", td);
			g_autofree char *secret = g_strdup_printf("%s/trustee-%d.secret.json", td, i);
			g_autofree char *res = g_strdup_printf("%s/result-%d.json", td, i);
			g_autofree char *res_to = g_strdup_printf("%s/result-%d.json", cer, i);

			for (int k = 1; k <= 3; k++) {
				g_autofree char *from = NULL, *to = NULL;

				if (k == i)
					continue;
				from = g_strdup_printf("%s/trustees/%d/outbox/share-%d-to-%d.json", e.dir,
				    k, k, i);
				to = g_strdup_printf("%s/share-%d-to-%d.json", inbox, k, i);
				copy_file(from, to);
			}
			RUN(NULL, e.tally, "ceremony", "round3", "--secret", secret, "--in", inbox,
			    "--out", td, "-q");
			copy_file(res, res_to);
		}
	}
	ph[P_CEREMONY].s = now() - t;

	/* 4. the sealed manifest, entry 0 */
	t = now();
	{
		g_autofree char *draft = path(&e, "election/manifest-draft.json");
		g_autofree char *cer = path(&e, "ceremony");
		g_autofree char *okey = path(&e, "officials/officials.key");
		g_autofree char *e0 = path(&e, "entry0.json");
		g_autofree char *cout = path(&e, "ceremony-entry.json");
		g_autofree char *seal = path(&e, "seal.json");

		RUN(seal, e.tally, "seal", "--draft", draft, "--ceremony", cer, "--officials-key", okey,
		    "--out", e0, "--ceremony-out", cout, "--json", "-q");
		j = load_json(seal);
		election_hash = g_strdup(json_string_value(json_object_get(j, "election_hash")));
		json_decref(j);
		if (election_hash == NULL)
			die("seal: no election_hash");
	}
	ph[P_SEAL].s = now() - t;

	/* 5. the witness and the chain */
	t = now();
	{
		g_autofree char *wkey = path(&e, "witness/witness.key");
		g_autofree char *cvk = path(&e, "chain.vkey");
		g_autofree char *wstate = path(&e, "witness/state");
		g_autofree char *wport_f = path(&e, "witness/port");
		g_autofree char *wlog = path(&e, "witness/witness.log");
		g_autofree char *wvk = path(&e, "witness/witness.vkey");
		g_autofree char *conf = path(&e, "chaind.conf");
		g_autofree char *clog = path(&e, "chaind.log");
		g_autofree char *cport_f = path(&e, "chaind.port");
		g_autofree char *wport = NULL, *text = NULL, *ej = path(&e, "election.json");
		g_autofree char *okpub = path(&e, "officials/officials.pub");
		g_autofree char *ok = NULL;
		const char *wargv[] = { e.tally, "witness", "--key", wkey, "--log-vkey", cvk, "--state",
		    wstate, "--listen", "127.0.0.1:0", "--port-file", wport_f, "-q", NULL };
		const char *cargv[] = { e.chaind, "--config", conf, NULL };
		const char *copies[][2] = { { "pki/ca/auth-ca.crt", "auth-ca.crt" },
		    { "pki/ca/auth.crl", "auth.crl" }, { "election/roll.txt", "roll.txt" } };
		json_t *doc;

		e.witness_proc = start_daemon(wlog, wargv);
		wait_line(wport_f, e.witness_proc, 20, "the witness", wlog);
		wport = read_line(wport_f);
		chain_vkey = read_line(cvk);
		witness_vkey = read_line(wvk);
		for (size_t i = 0; i < G_N_ELEMENTS(copies); i++) {
			g_autofree char *from = path(&e, copies[i][0]), *to = path(&e, copies[i][1]);

			copy_file(from, to);
		}
		text = g_strdup_printf("[election]\nmanifest = entry0.json\nsigning-key = chain.key\n\n"
		    "[jpki]\nca = auth-ca.crt\ncrl = auth.crl\nroll = roll.txt\n\n"
		    "[server]\naddress = 127.0.0.1\nport = %u\ndatabase = chain.sqlite\n"
		    "port-file = chaind.port\n\n[witnesses]\nquorum = 1\n\n"
		    "[witness %s]\nvkey = %s\nurl = http://127.0.0.1:%s/\n",
		    port, WITNESS, witness_vkey, wport);
		write_text(conf, text);
		e.chaind_proc = start_daemon(clog, cargv);
		wait_line(cport_f, e.chaind_proc, 30, "ippyo-chaind", clog);
		/* the voters' election file: the chain's URL, pinning its key and the officials' */
		ok = read_line(okpub);
		doc = json_pack("{s:s, s:s, s:s, s:s, s:i}", "chain_url", url, "chain_vkey", chain_vkey,
		    "officials_key", ok, "roll", "roll.txt", "version", 1);
		if (doc == NULL || json_dump_file(doc, ej, JSON_COMPACT) != 0)
			die("%s", ej);
		json_decref(doc);
	}
	ph[P_CHAIN].s = now() - t;

	/* 6. the bulk ballots, built on the voters' (simulated) devices */
	t = now();
	{
		g_autofree char *e0 = path(&e, "entry0.json");
		g_autofree char *text = NULL;
		gsize len;
		ippyo_entry *entry = NULL;

		if (!g_file_get_contents(e0, &text, &len, &error))
			die("%s", error->message);
		while (len > 0 && text[len - 1] == '\n')
			len--;
		if (ippyo_entry_parse(&entry, (const uint8_t *)text, len) != 0 ||
		    (b.m = ippyo_entry_manifest(entry)) == NULL ||
		    ippyo_manifest_election_key(b.m, &b.key) != 0)
			die("%s: not a manifest entry", e0);
		bench_parallel(b.n, bulk_ballot_job, &b);
		ph[P_ENCRYPT].s = now() - t;

		/* 7. ... and POSTed to the chain, every receipt awaited */
		t = now();
		submit_bulk(&b, url);
		ph[P_SUBMIT].s = now() - t;
		for (guint i = 0; i < b.n; i++) {
			int c[3];

			bulk_choice(i, c);
			add_choice(expected, c);
		}
		ippyo_election_key_free(b.key);
		b.key = NULL;
		b.m = NULL;
		ippyo_entry_free(entry);
	}

	/* 8. a few voters with their virtual cards through ippyo-vote */
	t = now();
	if (cards > 0) {
		double w = now();

		e.lock_fd = open(CARD_LOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
		if (e.lock_fd < 0 || flock(e.lock_fd, LOCK_EX) != 0)
			die("%s: %s", CARD_LOCK, g_strerror(errno));
		lock_wait = now() - w;
		for (gint k = 0; k < cards; k += 2) {
			gboolean two = k + 1 < cards;
			g_autofree char *c0 = g_strdup_printf("voter-%03d", k + 1);
			g_autofree char *c1 = g_strdup_printf("voter-%03d", k + 2);

			cards_insert(&e, c0, two ? c1 : NULL);
			card_vote(&e, (guint)k, READER0, card_choices[k]);
			if (two) {
				/* voter-002 votes twice: only the later ballot counts */
				if (k == 0) {
					const int first[3] = { 1, 2, -1 };

					card_vote(&e, 1, READER1, first);
				}
				card_vote(&e, (guint)k + 1, READER1, card_choices[k + 1]);
			}
		}
		cards_stop(&e);
		close(e.lock_fd);
		e.lock_fd = -1;
		for (gint k = 0; k < cards; k++)
			add_choice(expected, card_choices[k]);
	}
	ph[P_CARDS].s = now() - t - lock_wait;

	/* 9. close */
	t = now();
	{
		g_autofree char *e0 = path(&e, "entry0.json");
		g_autofree char *okey = path(&e, "officials/officials.key");
		g_autofree char *rc = path(&e, "close-receipt");
		g_autofree char *out = path(&e, "close.json");

		RUN(out, e.tally, "close", url, "--manifest", e0, "--officials-key", okey, "--receipt", rc,
		    "--json", "-q");
	}
	ph[P_CLOSE].s = now() - t;

	/* 10. the observer: side files, a witness policy, verify from the tiles */
	{
		g_autofree char *obs = path(&e, "observer");
		g_autofree char *mirror = g_build_filename(obs, "mirror", NULL);
		g_autofree char *roll = g_build_filename(mirror, "election", "roll.txt", NULL);
		g_autofree char *ca = g_build_filename(mirror, "election", "jpki-ca", "auth-ca.crt", NULL);
		g_autofree char *crl = g_build_filename(mirror, "election", "crl", "auth.crl", NULL);
		g_autofree char *pol = g_build_filename(mirror, "election", "policy", NULL);
		g_autofree char *state = g_build_filename(obs, "state.json", NULL);
		g_autofree char *vout = path(&e, "verify.json");
		g_autofree char *tdir = path(&e, "tally");
		g_autofree char *agg = path(&e, "tally/aggregate.json");
		g_autofree char *e0 = path(&e, "entry0.json");
		g_autofree char *okey = path(&e, "officials/officials.key");
		g_autofree char *cout = path(&e, "tally/combine.json");
		g_autofree char *text = NULL, *d1 = NULL, *d2 = NULL;
		g_autofree char *from_roll = path(&e, "roll.txt"), *from_ca = path(&e, "auth-ca.crt");
		g_autofree char *from_crl = path(&e, "auth.crl");
		json_t *totals;

		d1 = g_path_get_dirname(ca);
		d2 = g_path_get_dirname(crl);
		mkdirs(d1);
		mkdirs(d2);
		mkdirs(tdir);
		copy_file(from_roll, roll);
		copy_file(from_ca, ca);
		copy_file(from_crl, crl);
		text = g_strdup_printf("log %s %s\nwitness w1 %s\nquorum w1\n", chain_vkey, url,
		    witness_vkey);
		write_text(pol, text);

		t = now();
		RUN(vout, e.tally, "verify", url, "--mirror", mirror, "--state", state, "--roll", roll,
		    "--ca", ca, "--crl", crl, "--policy", pol, "--election-hash", election_hash,
		    "--json", "-q");
		ph[P_VERIFY].s = now() - t;
		j = load_json(vout);
		if (!json_is_true(json_object_get(j, "ok")) || !json_is_true(json_object_get(j, "closed")))
			die("the observer's verification did not succeed (%s)", vout);
		entries_n = (guint64)json_integer_value(json_object_get(j, "size"));
		json_decref(j);

		/* 11. aggregate */
		t = now();
		RUN(NULL, e.tally, "aggregate", mirror, "-o", agg, "--roll", roll, "--ca", ca, "--crl", crl,
		    "--policy", pol, "--election-hash", election_hash, "-q");
		ph[P_AGGREGATE].s = now() - t;
		j = load_json(agg);
		counted = (guint64)json_integer_value(json_object_get(j, "counted"));
		json_decref(j);
		if (counted != (guint64)voters + (guint64)cards)
			die("aggregate counted %" G_GUINT64_FORMAT " ballots, %d voters voted", counted,
			    voters + cards);

		/* 12. trustees 1 and 3 decrypt; trustee 2 is absent */
		t = now();
		for (int i = 1; i <= 3; i += 2) {
			g_autofree char *key = g_strdup_printf("%s/trustees/%d/trustee-%d.key.json", e.dir, i,
			    i);
			g_autofree char *out = g_strdup_printf("%s/partial-%d.json", tdir, i);

			RUN(NULL, e.tally, "decrypt", "--key", key, "--aggregate", agg, "--manifest", e0,
			    "-o", out, "-q");
		}
		ph[P_DECRYPT].s = now() - t;

		/* 13. combine, and the totals against the choices cast */
		t = now();
		{
			g_autofree char *p1 = g_strdup_printf("%s/partial-1.json", tdir);
			g_autofree char *p3 = g_strdup_printf("%s/partial-3.json", tdir);

			RUN(cout, e.tally, "combine", "--manifest", e0, "--aggregate", agg,
			    "--officials-key", okey, "--out-dir", tdir, "--json", "-q", p1, p3);
		}
		ph[P_COMBINE].s = now() - t;
		j = load_json(cout);
		totals = json_object_get(j, "totals");
		if (!json_is_array(totals) || json_array_size(totals) != 2)
			die("combine: no totals (%s)", cout);
		for (size_t c = 0; c < 2; c++) {
			json_t *row = json_array_get(totals, c);
			size_t nopt = c == 0 ? G_N_ELEMENTS(mayor_ids) : G_N_ELEMENTS(council_ids);

			if (!json_is_array(row) || json_array_size(row) != nopt)
				die("combine: contest %zu has not %zu totals", c, nopt);
			for (size_t o = 0; o < nopt; o++) {
				json_t *v = json_array_get(row, o);

				if (!json_is_integer(v) || (guint64)json_integer_value(v) != expected[c][o])
					die("THE DECRYPTED RESULT DIFFERS FROM THE BALLOTS CAST: contest "
					    "%zu option %zu: decrypted %" JSON_INTEGER_FORMAT ", cast %"
					    G_GUINT64_FORMAT, c, o, json_integer_value(v), expected[c][o]);
			}
		}
		json_decref(j);

		/*
		 * 14. the decryption and result entries into the chain, the whole
		 * record verified once more and the result read back from it: only
		 * with an ippyo-tally that has `append` (POST /v1/entries).
		 */
		{
			const char *probe[] = { e.tally, "append", "--help", NULL };

			if (run_env(NULL, NULL, NULL, -1, probe) != 0) {
				ph[P_APPEND].skipped = ph[P_FINAL].skipped = ph[P_RESULT].skipped = TRUE;
			} else {
				g_autofree char *d1p = g_strdup_printf("%s/decryption-1.json", tdir);
				g_autofree char *d3p = g_strdup_printf("%s/decryption-3.json", tdir);
				g_autofree char *rp = g_strdup_printf("%s/result.json", tdir);
				g_autofree char *html = path(&e, "report.html");
				g_autofree char *table = path(&e, "result.txt");
				g_autofree char *fout = path(&e, "final-verify.json");

				t = now();
				RUN(NULL, e.tally, "append", url, d1p, d3p, rp, "--manifest", e0, "-q");
				ph[P_APPEND].s = now() - t;
				t = now();
				RUN(fout, e.tally, "verify", url, "--mirror", mirror, "--state", state, "--roll",
				    roll, "--ca", ca, "--crl", crl, "--policy", pol, "--election-hash",
				    election_hash, "--json", "-q");
				ph[P_FINAL].s = now() - t;
				j = load_json(fout);
				if (!json_is_true(json_object_get(j, "ok")))
					die("the final verification did not succeed (%s)", fout);
				entries_n = (guint64)json_integer_value(json_object_get(j, "size"));
				json_decref(j);
				t = now();
				RUN(table, e.tally, "result", mirror, "--lang", "en", "--html", html, "--roll",
				    roll, "--ca", ca, "--crl", crl, "--policy", pol, "--election-hash",
				    election_hash);
				ph[P_RESULT].s = now() - t;
			}
		}
	}

	r = bench_report_new("ippyo-bench e2e: the whole demo election, wall time by phase");
	bench_report_add(r, "voters", voters, "", "bulk voters, software-signed ballots");
	bench_report_add(r, "card_voters", cards, "", "voters with ippyo-vote and a virtual card");
	for (size_t i = 0; i < P_COUNT; i++)
		if (!ph[i].skipped)
			bench_report_add(r, ph[i].key, ph[i].s, "s", ph[i].what);
	bench_report_add(r, "total_s", now() - t_start - lock_wait, "s",
	    "the whole election (waiting for the card reader's lock excluded)");
	bench_report_add(r, "counted", (double)counted, "", "ballots counted (the last of each voter)");
	bench_report_add(r, "entries", (double)entries_n, "", "chain entries verified by the observer");
	if (lock_wait > 0.5)
		bench_report_note(r, "waited %.1f s for another user of the virtual card reader "
		    "(not counted)", lock_wait);
	bench_report_note(r, "decrypted totals equal the choices cast: mayor %" G_GUINT64_FORMAT
	    "/%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT ", council %"
	    G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "/%"
	    G_GUINT64_FORMAT, expected[0][0], expected[0][1], expected[0][2], expected[0][3],
	    expected[1][0], expected[1][1], expected[1][2], expected[1][3], expected[1][4]);
	if (ph[P_APPEND].skipped)
		bench_report_note(r, "not measured: appending the decryption and result entries and "
		    "reading the result back (this ippyo-tally has no `append`)");
	if (keep != NULL)
		bench_report_note(r, "the election's files are in %s", e.dir);
	bench_report_print(r, json);
	bench_report_free(r);

	for (guint i = 0; i < b.n; i++) {
		if (b.ders[i] != NULL)
			g_bytes_unref(b.ders[i]);
		if (b.ballots[i] != NULL)
			g_bytes_unref(b.ballots[i]);
	}
	g_free(b.ders);
	g_free(b.ballots);
	g_free(b.fps);
	g_free(b.roll_dir);
	X509_free(b.ca);
	EVP_PKEY_free(b.ca_key);
	EVP_PKEY_free(b.voter_key);
	cleanup();
	g_free(e.dir);
	g_free(e.tally);
	g_free(e.chaind);
	g_free(e.vote);
	g_free(e.vcard);
	g_free(e.cards);
	g_free(e.make_pki);
	return 0;
}
