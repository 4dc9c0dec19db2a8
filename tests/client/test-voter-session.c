/*
 * The voter session (client/voter-*): every state and transition, with the
 * real card stack (pcscd + vpcd + ippyo-vcard through with-card-services:
 * voter-001 in reader 0, voter-010 — not on the roll — in reader 1) and a
 * real ippyo-chaind on loopback. Offline parts (choices, audit, rejection
 * texts) run under /ippyo/voter/offline without any service.
 *
 *   -p /ippyo/voter/offline      no services
 *   -p /ippyo/voter/session      voter-001, voter-010
 *   -p /ippyo/voter/rejections   revoked, expired (or foreign, not-yet-valid): the
 *                                chain's refusals at cast, the card check before it
 */
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "card/cert.h"
#include "crypto/group.h"
#include "election/ballot.h"
#include "election/entry.h"
#include "election/signature.h"
#include "log/note.h"
#include "net/net-error.h"
#include "voter-ballot-draft.h"
#include "voter-card-monitor.h"
#include "voter-election.h"
#include "voter-error.h"
#include "voter-receipt-store.h"
#include "voter-submitter.h"
#include "voter-submitter-private.h"

#define READER0 "Virtual PCD 00 00"
#define READER1 "Virtual PCD 00 01"

/* ---- helpers: processes, files, the main loop ---- */

static char *
build_path(const char *rel)
{
	return g_build_filename(g_getenv("IPPYO_BUILD_DIR"), rel, NULL);
}

static void
run_ok(const char *const *argv)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *err = NULL;
	g_auto(GStrv) env = g_get_environ();
	int status = 0;

	/* the helper tools are test utilities: their leaks are not the client's */
	env = g_environ_setenv(env, "ASAN_OPTIONS", "detect_leaks=0", TRUE);
	g_spawn_sync(NULL, (char **)argv, env, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
	    &err, &status, &error);
	g_assert_no_error(error);
	if (!g_spawn_check_wait_status(status, NULL))
		g_error("%s failed: %s", argv[0], err);
}

static char *
read_text(const char *path)
{
	char *s = NULL;

	g_assert_true(g_file_get_contents(path, &s, NULL, NULL));
	return s;
}

static GBytes *
read_bytes(const char *path)
{
	char *s = NULL;
	gsize n;

	g_assert_true(g_file_get_contents(path, &s, &n, NULL));
	return g_bytes_new_take(s, n);
}

/* Runs the default main context until *flag or timeout_s. */
static gboolean
timeout_cb(gpointer data)
{
	*(gboolean *)data = TRUE;
	return G_SOURCE_REMOVE;
}

static void
iterate_until(const gboolean *flag, int timeout_s)
{
	gboolean expired = FALSE;
	guint id = g_timeout_add_seconds(timeout_s, timeout_cb, &expired);

	while (!*flag && !expired)
		g_main_context_iteration(NULL, TRUE);
	if (!expired)
		g_source_remove(id);
	g_assert_true(*flag);
}

static void
result_cb(GObject *src, GAsyncResult *res, gpointer data)
{
	*(GAsyncResult **)data = g_object_ref(res);
}

static GAsyncResult *
wait_result(GAsyncResult **slot, int timeout_s)
{
	gboolean done = FALSE;
	gboolean expired = FALSE;
	guint id = g_timeout_add_seconds(timeout_s, timeout_cb, &expired);

	while (*slot == NULL && !expired)
		g_main_context_iteration(NULL, TRUE);
	if (!expired)
		g_source_remove(id);
	done = *slot != NULL;
	g_assert_true(done);
	return *slot;
}

/* ---- the chain: chain-testtool setup + ippyo-chaind on a fixed port ---- */

typedef struct {
	char *dir;
	char *url;
	guint16 port;
	GSubprocess *proc;
} Chain;

static Chain chain;

static guint16
free_port(void)
{
	g_autoptr(GSocket) s = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
	    G_SOCKET_PROTOCOL_TCP, NULL);
	g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
	g_autoptr(GSocketAddress) a = g_inet_socket_address_new(lo, 0);
	g_autoptr(GSocketAddress) bound = NULL;

	g_assert_true(g_socket_bind(s, a, TRUE, NULL));
	bound = g_socket_get_local_address(s, NULL);
	return g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
}

static void
chain_setup(Chain *c, const char *poll_opens)
{
	g_autofree char *tool = build_path("tests/chain/chain-testtool");
	g_autofree char *conf = NULL, *text = NULL, *port = NULL;
	g_autoptr(GString) s = NULL;
	const char *argv[] = { tool, "setup", "--pki", g_getenv("IPPYO_TEST_PKI"), "--out", NULL,
	    poll_opens != NULL ? "--poll-opens" : NULL, poll_opens, NULL };

	c->dir = g_dir_make_tmp("ippyo-voter-chain-XXXXXX", NULL);
	argv[5] = c->dir;
	run_ok(argv);
	c->port = free_port();
	c->url = g_strdup_printf("http://127.0.0.1:%u/", c->port);
	conf = g_build_filename(c->dir, "chaind.conf", NULL);
	text = read_text(conf);
	s = g_string_new(text);
	port = g_strdup_printf("port = %u", c->port);
	g_assert_cmpint(g_string_replace(s, "port = 0", port, 1), ==, 1);
	g_assert_true(g_file_set_contents(conf, s->str, (gssize)s->len, NULL));
}

/* The server dies with the test, even when an assertion aborts it. */
static void
die_with_parent(gpointer data)
{
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
}

static void
chain_start(Chain *c)
{
	g_autofree char *chaind = build_path("chain/ippyo-chaind");
	g_autofree char *pf = g_build_filename(c->dir, "port.txt", NULL);
	g_autofree char *log = g_build_filename(c->dir, "chaind.log", NULL);
	g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
	g_autoptr(GError) error = NULL;
	gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;

	(void)g_unlink(pf);
	g_subprocess_launcher_set_cwd(l, c->dir);
	g_subprocess_launcher_set_child_setup(l, die_with_parent, NULL, NULL);
	g_subprocess_launcher_set_stdout_file_path(l, log);
	g_subprocess_launcher_take_stderr_fd(l, -1);
	g_subprocess_launcher_set_flags(l, G_SUBPROCESS_FLAGS_STDERR_MERGE);
	c->proc = g_subprocess_launcher_spawn(l, &error, chaind, "--config", "chaind.conf", NULL);
	g_assert_no_error(error);
	while (g_get_monotonic_time() < deadline) {
		g_autofree char *t = NULL;

		if (g_file_get_contents(pf, &t, NULL, NULL) && g_str_has_suffix(t, "\n"))
			return;
		g_usleep(10000);
	}
	g_error("ippyo-chaind did not start");
}

static void
chain_stop(Chain *c)
{
	if (c->proc == NULL)
		return;
	g_subprocess_send_signal(c->proc, SIGTERM);
	g_assert_true(g_subprocess_wait(c->proc, NULL, NULL));
	g_clear_object(&c->proc);
}

static void
chain_rebuild(Chain *c)
{
	g_autoptr(GDir) d = g_dir_open(c->dir, 0, NULL);
	const char *name;

	chain_stop(c);
	while ((name = g_dir_read_name(d)) != NULL)
		if (g_str_has_prefix(name, "chain.sqlite")) {
			g_autofree char *p = g_build_filename(c->dir, name, NULL);

			g_assert_cmpint(g_unlink(p), ==, 0);
		}
	chain_start(c);
}

static char *
chain_file(Chain *c, const char *name)
{
	return g_build_filename(c->dir, name, NULL);
}

/* An election file pinning the chain's keys, with the roll. */
static char *
chain_election_file(Chain *c, gboolean with_roll)
{
	g_autofree char *e0p = chain_file(c, "entry0.json"), *vkp = chain_file(c, "chain.vkey");
	g_autofree char *e0 = read_text(e0p), *vk = read_text(vkp);
	json_t *entry = json_loads(e0, 0, NULL), *doc;
	char *path = chain_file(c, with_roll ? "election.json" : "election-noroll.json");
	char *text;

	g_assert_nonnull(entry);
	doc = json_pack("{s:s, s:s, s:O, s:i}", "chain_url", c->url, "chain_vkey", g_strstrip(vk),
	    "officials_key", json_object_get(json_object_get(entry, "manifest"), "officials_key"),
	    "version", 1);
	if (with_roll)
		json_object_set_new(doc, "roll", json_string("roll.txt"));
	text = json_dumps(doc, JSON_COMPACT);
	g_assert_true(g_file_set_contents(path, text, -1, NULL));
	free(text);
	json_decref(doc);
	json_decref(entry);
	return path;
}

static guint64
chain_size(IppyoElection *e)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(IppyoChainStatus) st = ippyo_chain_client_fetch_status_sync(
	    ippyo_election_get_client(e), NULL, &error);

	g_assert_no_error(error);
	return ippyo_chain_status_get_size(st);
}

/* ---- the card services ---- */

static void
card_services(const char *cmd, const char *n)
{
	const char *argv[] = { g_getenv("IPPYO_CARD_SERVICES"), cmd,
	    g_getenv("IPPYO_CARD_SERVICES_DIR"), n, NULL };

	run_ok(argv);
}

static char *
card_dir(guint n)
{
	g_auto(GStrv) cards = g_strsplit(g_getenv("IPPYO_VCARD_CARDS"), " ", -1);

	g_assert_cmpuint(g_strv_length(cards), >, n);
	return g_strdup(cards[n]);
}

static char *
card_pin(guint n)
{
	g_autofree char *dir = card_dir(n);
	g_autofree char *p = g_build_filename(dir, "pin", NULL);
	char *pin = read_text(p);

	return g_strstrip(pin);
}

static char *
wrong_pin(guint n)
{
	g_autofree char *pin = card_pin(n);

	return g_strdup(g_str_equal(pin, "9999") ? "1111" : "9999");
}

static GBytes *
card_cert(guint n)
{
	g_autofree char *dir = card_dir(n);
	g_autofree char *p = g_build_filename(dir, "auth.crt", NULL);
	ippyo_cert *c = NULL;
	const uint8_t *der;
	size_t len;
	GBytes *b;

	g_assert_cmpint(ippyo_cert_load_file(p, &c), ==, 0);
	der = ippyo_cert_der(c, &len);
	b = g_bytes_new(der, len);
	ippyo_cert_free(c);
	return b;
}

/* VERIFY commands with a PIN the card saw (the log shows the 5-byte header). */
static guint
card_verifies(guint n)
{
	g_auto(GStrv) logs = g_strsplit(g_getenv("IPPYO_VCARD_LOGS"), " ", -1);
	g_autofree char *text = read_text(logs[n]);
	guint count = 0;

	for (const char *p = text; (p = strstr(p, "> 0020008004")) != NULL; p++)
		count++;
	return count;
}

/* ---- shared session objects ---- */

static IppyoElection *
open_election(const char *location)
{
	GAsyncResult *res = NULL;
	g_autoptr(GError) error = NULL;
	IppyoElection *e;

	ippyo_election_open_async(location, NULL, result_cb, &res);
	e = ippyo_election_open_finish(wait_result(&res, 60), &error);
	g_object_unref(res);
	g_assert_no_error(error);
	return e;
}

static IppyoBallotDraft *
encrypted_draft(IppyoElection *e, GBytes *cert, const char *option)
{
	g_autoptr(GError) error = NULL;
	IppyoBallotDraft *d = ippyo_ballot_draft_new(e);

	g_assert_true(ippyo_ballot_draft_set_certificate(d, cert, &error));
	g_assert_true(ippyo_ballot_draft_select_id(d, "mayor", option, &error));
	g_assert_true(ippyo_ballot_draft_encrypt_sync(d, &error));
	g_assert_no_error(error);
	return d;
}

typedef struct {
	GArray *stages;
} stage_log;

static void
stage_cb(GObject *obj, GParamSpec *pspec, gpointer data)
{
	stage_log *l = data;
	int st = ippyo_submitter_get_stage(IPPYO_SUBMITTER(obj));

	g_array_append_val(l->stages, st);
}

static IppyoChainReceipt *
cast(IppyoSubmitter *sub, IppyoBallotDraft *d, const char *pin, GError **error)
{
	GAsyncResult *res = NULL;
	IppyoChainReceipt *rc;

	ippyo_submitter_cast_async(sub, d, pin, NULL, result_cb, &res);
	rc = ippyo_submitter_cast_finish(sub, wait_result(&res, 90), error);
	g_object_unref(res);
	return rc;
}

static char *data_home;

/* ================= offline: choices, audit, texts ================= */

static GBytes *
offline_manifest(void)
{
	static const ippyo_manifest_option_spec o1[] = {
		{ "a", "A", "A" }, { "b", "B", "B" }, { "c", "C", "C" } };
	static const ippyo_manifest_option_spec o2[] = {
		{ "w", "W", "W" }, { "x", "X", "X" }, { "y", "Y", "Y" }, { "z", "Z", "Z" } };
	ippyo_manifest_contest_spec contests[] = {
		{ "mayor", "市長", "Mayor", 1, 1, 3, o1 },
		{ "council", "議会", "Council", 0, 2, 4, o2 },
	};
	ippyo_manifest_spec spec;
	uint8_t sk[32], pk[32], ca[32] = { 1 }, roll[32] = { 2 }, ceremony[32] = { 3 };
	ippyo_scalar *x = ippyo_scalar_new();
	ippyo_point *K = ippyo_point_new();
	ippyo_manifest *draft = NULL, *sealed = NULL;
	ippyo_entry *e = NULL;
	const ippyo_point *tk[1];
	ippyo_note_signer *signer = NULL;
	ippyo_note_verifier *verifier = NULL;
	char *vkey = NULL;
	const uint8_t *b;
	size_t len;
	GBytes *out;

	g_assert_cmpint(ippyo_group_init(), ==, 0);
	g_assert_cmpint(ippyo_ed25519_keygen(sk, pk), ==, 0);
	g_assert_cmpint(ippyo_scalar_random(x), ==, 0);
	g_assert_cmpint(ippyo_point_mul_gen(K, x), ==, 0);
	memset(&spec, 0, sizeof(spec));
	spec.election_id = "offline-test";
	spec.title_ja = "テスト";
	spec.title_en = "Test";
	spec.chain_origin = "chain.test.example/offline";
	spec.chain_url = "http://127.0.0.1:9/";
	g_assert_cmpint(ippyo_note_signer_generate("chain.test.example/offline",
	    IPPYO_NOTE_TYPE_ED25519, &signer), ==, 0);
	g_assert_cmpint(ippyo_note_signer_verifier(signer, &verifier), ==, 0);
	g_assert_cmpint(ippyo_note_verifier_string(verifier, &vkey), ==, 0);
	spec.chain_vkey = vkey;
	spec.poll_opens = "2020-01-01T00:00:00Z";
	spec.poll_closes = "2199-01-01T00:00:00Z";
	spec.n_contests = 2;
	spec.contests = contests;
	spec.trustees_n = 1;
	spec.trustees_t = 1;
	memcpy(spec.officials_key, pk, 32);
	memcpy(spec.roll_hash, roll, 32);
	spec.roll_count = 1;
	spec.n_jpki_ca = 1;
	spec.jpki_ca = (const uint8_t (*)[32])ca;
	tk[0] = K;
	g_assert_cmpint(ippyo_manifest_new_draft(&draft, &spec), ==, 0);
	g_assert_cmpint(ippyo_manifest_seal(&sealed, draft, K, tk, 1, ceremony), ==, 0);
	g_assert_cmpint(ippyo_entry_new_manifest(&e, sealed, sk), ==, 0);
	b = ippyo_entry_bytes(e, &len);
	out = g_bytes_new(b, len);
	ippyo_entry_free(e);
	ippyo_manifest_free(sealed);
	ippyo_manifest_free(draft);
	ippyo_point_free(K);
	ippyo_scalar_free(x);
	OPENSSL_free(vkey);
	ippyo_note_verifier_free(verifier);
	ippyo_note_signer_free(signer);
	return out;
}

static void
notify_count_cb(GObject *obj, GParamSpec *pspec, gpointer data)
{
	(*(guint *)data)++;
}

static void
test_offline_draft(void)
{
	g_autoptr(GBytes) e0 = offline_manifest();
	g_autoptr(GError) error = NULL;
	g_autoptr(IppyoElection) e = ippyo_election_new_offline(e0, NULL, NULL, &error);
	g_autoptr(IppyoBallotDraft) d = NULL;
	g_autoptr(GBytes) cert = NULL, rec = NULL, ballot1 = NULL, ballot2 = NULL;
	g_autofree char *code1 = NULL, *summary = NULL;
	g_autofree char *crt = g_build_filename(g_getenv("IPPYO_SOURCE_DIR"), "..", "shared",
	    NULL);
	ippyo_cert *c = NULL;
	ippyo_audit *a = NULL;
	json_t *doc;
	char *rtext;
	guint complete_notes = 0;
	const uint8_t *der;
	size_t len;
	g_autofree char *pki_crt = NULL;

	g_assert_no_error(error);
	g_assert_cmpint(ippyo_election_get_state(e), ==, IPPYO_ELECTION_STATE_OPEN);
	g_assert_cmpstr(ippyo_election_get_election_id(e), ==, "offline-test");
	d = ippyo_ballot_draft_new(e);
	g_signal_connect(d, "notify::complete", G_CALLBACK(notify_count_cb), &complete_notes);

	/* encrypting needs the card (the voter binding) */
	g_assert_false(ippyo_ballot_draft_encrypt_sync(d, &error));
	g_assert_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_NO_CARD);
	g_clear_error(&error);
	pki_crt = g_build_filename(g_getenv("IPPYO_PKI_TEMPLATE"), "cards", "voter-001",
	    "auth.crt", NULL);
	g_assert_cmpint(ippyo_cert_load_file(pki_crt, &c), ==, 0);
	der = ippyo_cert_der(c, &len);
	cert = g_bytes_new(der, len);
	ippyo_cert_free(c);
	g_assert_true(ippyo_ballot_draft_set_certificate(d, cert, &error));

	/* one of three: radio rows, a new choice replaces the old */
	g_assert_false(ippyo_ballot_draft_get_complete(d));
	g_assert_true(ippyo_ballot_draft_select(d, 0, 0, TRUE, &error));
	g_assert_cmpuint(complete_notes, ==, 1);
	g_assert_true(ippyo_ballot_draft_get_complete(d));     /* council may be blank */
	g_assert_true(ippyo_ballot_draft_select(d, 0, 2, TRUE, &error));
	g_assert_false(ippyo_ballot_draft_get_selected(d, 0, 0));
	g_assert_true(ippyo_ballot_draft_get_selected(d, 0, 2));
	g_assert_cmpuint(ippyo_ballot_draft_count(d, 0), ==, 1);
	/* up to two of four: a third is refused in words */
	g_assert_true(ippyo_ballot_draft_select(d, 1, 0, TRUE, &error));
	g_assert_true(ippyo_ballot_draft_select(d, 1, 3, TRUE, &error));
	g_assert_false(ippyo_ballot_draft_select(d, 1, 1, TRUE, &error));
	g_assert_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CHOICE);
	g_assert_nonnull(strstr(error->message, "Council"));
	g_clear_error(&error);
	g_assert_false(ippyo_ballot_draft_get_selected(d, 1, 1));
	g_assert_false(ippyo_ballot_draft_select(d, 5, 0, TRUE, &error));
	g_assert_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CHOICE);
	g_clear_error(&error);
	g_assert_false(ippyo_ballot_draft_select_id(d, "mayor", "nobody", &error));
	g_assert_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CHOICE);
	g_clear_error(&error);
	/* clearing the mayor makes it incomplete, in words */
	g_assert_true(ippyo_ballot_draft_select(d, 0, 2, FALSE, &error));
	g_assert_false(ippyo_ballot_draft_check(d, &error));
	g_assert_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CHOICE);
	g_assert_nonnull(strstr(error->message, "Mayor"));
	g_clear_error(&error);
	g_assert_false(ippyo_ballot_draft_encrypt_sync(d, &error));
	g_clear_error(&error);
	g_assert_true(ippyo_ballot_draft_select(d, 0, 1, TRUE, &error));
	summary = ippyo_ballot_draft_summary(d);
	g_assert_nonnull(strstr(summary, "B"));

	/* encrypt: a tracking code; each encryption a fresh seed */
	g_assert_true(ippyo_ballot_draft_encrypt_sync(d, &error));
	g_assert_true(ippyo_ballot_draft_get_encrypted(d));
	g_assert_cmpuint(strlen(ippyo_ballot_draft_get_tracking_code(d)), ==, 24);
	code1 = g_strdup(ippyo_ballot_draft_get_tracking_code_hex(d));
	ballot1 = ippyo_ballot_draft_get_ballot(d);

	/* audit: reveals seed and choices, discards that encryption */
	rec = ippyo_ballot_draft_audit(d, &error);
	g_assert_no_error(error);
	g_assert_false(ippyo_ballot_draft_get_encrypted(d));
	g_assert_null(ippyo_ballot_draft_get_ballot(d));
	g_assert_cmpuint(ippyo_ballot_draft_get_audits(d), ==, 1);
	g_assert_null(ippyo_ballot_draft_audit(d, &error));
	g_assert_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_AUDIT);
	g_clear_error(&error);
	doc = json_loadb(g_bytes_get_data(rec, NULL), g_bytes_get_size(rec),
	    JSON_REJECT_DUPLICATES, NULL);
	g_assert_nonnull(doc);
	g_assert_cmpstr(json_string_value(json_object_get(doc, "chain_url")), ==,
	    "http://127.0.0.1:9/");
	rtext = json_dumps(json_object_get(doc, "record"), JSON_COMPACT | JSON_SORT_KEYS);
	g_assert_cmpint(ippyo_audit_parse(&a, ippyo_election_get_manifest(e),
	    (const uint8_t *)rtext, strlen(rtext)), ==, 0);
	{
		const uint8_t *bb;
		size_t bl;
		char hex[65];

		bb = g_bytes_get_data(ballot1, &bl);
		g_assert_cmpint(ippyo_audit_check(a, ippyo_election_get_manifest(e),
		    ippyo_election_get_key(e), bb, bl, NULL), ==, 0);
		ippyo_tracking_code_hex(ippyo_audit_tracking_code(a), hex);
		g_assert_cmpstr(hex, ==, code1);
	}
	g_assert_true(ippyo_choices_get(ippyo_audit_choices(a), 1, 3) == 1);
	ippyo_audit_free(a);
	free(rtext);
	json_decref(doc);

	/* re-encrypt: another seed, another code; a change of choice discards it */
	g_assert_true(ippyo_ballot_draft_encrypt_sync(d, &error));
	g_assert_cmpstr(ippyo_ballot_draft_get_tracking_code_hex(d), !=, code1);
	ballot2 = ippyo_ballot_draft_get_ballot(d);
	g_assert_false(g_bytes_equal(ballot1, ballot2));
	g_assert_true(ippyo_ballot_draft_select(d, 1, 0, FALSE, &error));
	g_assert_false(ippyo_ballot_draft_get_encrypted(d));
	g_assert_cmpstr(ippyo_ballot_draft_get_tracking_code(d), ==, "");
	(void)crt;
}

static void
test_offline_texts(void)
{
	const char *generic = ippyo_voter_rejection_text("no-such-code");
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);

	/* every code the chain can answer has its own sentence for the voter */
	for (int c = IPPYO_NET_ERROR_REJECTED_TOO_LARGE; c < IPPYO_NET_ERROR_REJECTED_UNKNOWN; c++) {
		const char *name = ippyo_net_error_rejection_name((IppyoNetError)c);
		const char *text;

		if (name == NULL || g_str_equal(name, "bad_range") ||
		    g_str_equal(name, "method_not_allowed"))
			continue;
		text = ippyo_voter_rejection_text(name);
		g_assert_cmpstr(text, !=, generic);
		g_hash_table_add(seen, (gpointer)name);
	}
	g_assert_cmpuint(g_hash_table_size(seen), >=, 20);
	g_hash_table_unref(seen);
}

/* ================= session: the real stack ================= */

static char *election_file;
static char *election_file_noroll;

static void
test_election(void)
{
	g_autoptr(IppyoElection) e = open_election(chain.url);
	g_autoptr(IppyoElection) f = open_election(election_file);
	g_autoptr(GError) error = NULL;
	g_autofree char *bad = chain_file(&chain, "bad-election.json");
	g_autofree char *state = NULL;
	GAsyncResult *res = NULL;

	g_assert_cmpint(ippyo_election_get_state(e), ==, IPPYO_ELECTION_STATE_OPEN);
	g_assert_cmpstr(ippyo_election_get_election_id(e), ==, "2027-test-mayor");
	g_assert_cmpstr(ippyo_election_get_chain_url(e), ==, chain.url);
	g_assert_cmpuint(ippyo_election_get_checkpoint_size(e), >=, 1);
	g_assert_null(ippyo_election_get_roll(e));
	g_assert_nonnull(ippyo_election_get_roll_problem(e));
	g_assert_nonnull(ippyo_election_get_roll(f));
	/* the chain's JPKI CA and its current CRL (GET /v1/jpki) verified and kept */
	g_assert_null(ippyo_election_get_revocation_problem(e));
	g_assert_null(ippyo_election_get_revocation_problem(f));
	state = ippyo_election_describe_state(e);
	g_assert_nonnull(strstr(state, "last ballot"));

	/* an election file with an unknown key */
	g_assert_true(g_file_set_contents(bad, "{\"chain_url\":\"http://x/\",\"extra\":1,"
	    "\"version\":1}", -1, NULL));
	g_assert_null(ippyo_election_open_sync(bad, NULL, &error));
	g_assert_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_ELECTION);
	g_clear_error(&error);
	/* a chain that is not there */
	ippyo_election_open_async("http://127.0.0.1:9/", NULL, result_cb, &res);
	g_assert_null(ippyo_election_open_finish(wait_result(&res, 60), &error));
	g_object_unref(res);
	g_assert_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_NETWORK);
}

typedef struct {
	IppyoCardMonitor *mon;
	IppyoCardMonitorState want;
	gboolean reached;
	GArray *seen;
} monitor_wait;

static void
monitor_state_cb(GObject *obj, GParamSpec *pspec, gpointer data)
{
	monitor_wait *w = data;
	IppyoCardMonitorState st = ippyo_card_monitor_get_state(w->mon);

	g_array_append_val(w->seen, st);
	if (st == w->want)
		w->reached = TRUE;
}

static void
monitor_expect(IppyoCardMonitor *mon, IppyoCardMonitorState want, GArray *seen)
{
	monitor_wait w = { mon, want, ippyo_card_monitor_get_state(mon) == want, seen };
	gulong id = g_signal_connect(mon, "notify::state", G_CALLBACK(monitor_state_cb), &w);

	iterate_until(&w.reached, 30);
	g_signal_handler_disconnect(mon, id);
}

static void
test_card_monitor(void)
{
	g_autoptr(IppyoElection) e = open_election(election_file);
	g_autoptr(IppyoCardMonitor) mon = ippyo_card_monitor_new(READER0, NULL);
	g_autoptr(IppyoCardMonitor) mon1 = ippyo_card_monitor_new(READER1, NULL);
	g_autoptr(IppyoCardMonitor) none = ippyo_card_monitor_new("No Such Reader 99", NULL);
	g_autoptr(GArray) seen = g_array_new(FALSE, FALSE, sizeof(int));
	g_autoptr(GBytes) cert = card_cert(0);
	guint8 fp[32];
	char hex[65];
	gboolean reading = FALSE;

	g_assert_cmpint(ippyo_card_monitor_get_state(mon), ==, IPPYO_CARD_MONITOR_STARTING);
	ippyo_card_monitor_set_election(mon, e);
	ippyo_card_monitor_start(mon);
	monitor_expect(mon, IPPYO_CARD_MONITOR_READY, seen);
	for (guint i = 0; i < seen->len; i++)
		if (g_array_index(seen, int, i) == IPPYO_CARD_MONITOR_READING)
			reading = TRUE;
	g_assert_true(reading);                        /* reading, then ready */
	g_assert_cmpstr(ippyo_card_monitor_get_reader(mon), ==, READER0);
	g_assert_true(g_bytes_equal(ippyo_card_monitor_get_certificate(mon), cert));
	g_assert_cmpint(ippyo_cert_der_fingerprint(g_bytes_get_data(cert, NULL),
	    g_bytes_get_size(cert), fp), ==, 0);
	for (int i = 0; i < 32; i++)
		g_snprintf(hex + 2 * i, 3, "%02x", fp[i]);
	g_assert_cmpstr(ippyo_card_monitor_get_fingerprint(mon), ==, hex);
	g_assert_cmpint(ippyo_card_monitor_get_eligibility(mon), ==, IPPYO_ELIGIBILITY_ELIGIBLE);
	g_assert_cmpint(ippyo_card_monitor_get_pin_tries_left(mon), ==, 3);
	g_assert_nonnull(ippyo_card_monitor_get_message(mon));

	/* taken out, put back */
	card_services("pull", "0");
	monitor_expect(mon, IPPYO_CARD_MONITOR_NO_CARD, seen);
	g_assert_null(ippyo_card_monitor_get_certificate(mon));
	g_assert_cmpint(ippyo_card_monitor_get_eligibility(mon), ==, IPPYO_ELIGIBILITY_UNKNOWN);
	card_services("put", "0");
	monitor_expect(mon, IPPYO_CARD_MONITOR_READY, seen);
	g_assert_cmpint(ippyo_card_monitor_get_eligibility(mon), ==, IPPYO_ELIGIBILITY_ELIGIBLE);
	ippyo_card_monitor_stop(mon);

	/* a card that is not on the roll: said before the ballot */
	ippyo_card_monitor_set_election(mon1, e);
	ippyo_card_monitor_start(mon1);
	monitor_expect(mon1, IPPYO_CARD_MONITOR_READY, seen);
	g_assert_cmpint(ippyo_card_monitor_get_eligibility(mon1), ==,
	    IPPYO_ELIGIBILITY_NOT_ON_ROLL);
	g_assert_nonnull(strstr(ippyo_card_monitor_get_message(mon1), "roll"));
	ippyo_card_monitor_stop(mon1);

	/* no such reader */
	ippyo_card_monitor_start(none);
	monitor_expect(none, IPPYO_CARD_MONITOR_NO_READER, seen);
	ippyo_card_monitor_stop(none);
}

static void
test_pin(void)
{
	/* voter-010 in reader 1: not on the roll, its PIN counter is ours to spend */
	g_autoptr(IppyoElection) e = open_election(chain.url);
	g_autoptr(IppyoReceiptStore) store = ippyo_receipt_store_new(
	    ippyo_election_get_election_id(e));
	g_autoptr(IppyoSubmitter) sub = ippyo_submitter_new(e, store, READER1, NULL);
	g_autoptr(GBytes) cert = card_cert(1);
	g_autoptr(IppyoBallotDraft) d = encrypted_draft(e, cert, "opt-0");
	g_autoptr(GError) error = NULL;
	g_autofree char *pin = card_pin(1), *wrong = wrong_pin(1);
	guint64 size = chain_size(e);
	guint verifies;

	g_assert_true(ippyo_submitter_read_pin_status_sync(sub, &error));
	g_assert_cmpint(ippyo_submitter_get_pin_tries_left(sub), ==, 3);
	g_assert_false(ippyo_submitter_get_pin_final_try(sub));

	/* wrong: 2 left; wrong: 1 left, the warning; never retried by itself */
	verifies = card_verifies(1);
	g_assert_null(cast(sub, d, wrong, &error));
	g_assert_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_PIN_WRONG);
	g_assert_nonnull(strstr(error->message, "2"));
	g_clear_error(&error);
	g_assert_cmpuint(card_verifies(1), ==, verifies + 1);
	g_assert_cmpint(ippyo_submitter_get_pin_tries_left(sub), ==, 2);
	g_assert_cmpint(ippyo_submitter_get_stage(sub), ==, IPPYO_SUBMITTER_FAILED);
	g_assert_false(ippyo_submitter_get_has_pending(sub));
	g_assert_null(cast(sub, d, wrong, &error));
	g_assert_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_PIN_LAST_TRY);
	g_clear_error(&error);
	g_assert_cmpint(ippyo_submitter_get_pin_tries_left(sub), ==, 1);
	g_assert_true(ippyo_submitter_get_pin_final_try(sub));
	g_assert_cmpuint(card_verifies(1), ==, verifies + 2);

	/* right: the counter is reset; the chain refuses a card off the roll */
	g_assert_null(cast(sub, d, pin, &error));
	g_assert_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_REJECTED);
	g_assert_nonnull(strstr(error->message, "roll"));
	g_clear_error(&error);
	g_assert_cmpstr(ippyo_submitter_get_rejection_code(sub), ==, "not_on_roll");
	g_assert_false(ippyo_submitter_get_has_pending(sub));
	g_assert_cmpint(ippyo_submitter_get_pin_tries_left(sub), ==, 3);
	g_assert_false(ippyo_submitter_get_pin_final_try(sub));
	g_assert_cmpuint(chain_size(e), ==, size);

	/* three wrong: locked; then no VERIFY is ever sent again */
	g_assert_null(cast(sub, d, wrong, &error));
	g_clear_error(&error);
	g_assert_null(cast(sub, d, wrong, &error));
	g_clear_error(&error);
	g_assert_null(cast(sub, d, wrong, &error));
	g_assert_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_PIN_LOCKED);
	g_clear_error(&error);
	g_assert_true(ippyo_submitter_get_pin_locked(sub));
	g_assert_cmpint(ippyo_submitter_get_pin_tries_left(sub), ==, 0);
	verifies = card_verifies(1);
	g_assert_null(cast(sub, d, pin, &error));
	g_assert_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_PIN_LOCKED);
	g_clear_error(&error);
	g_assert_cmpuint(card_verifies(1), ==, verifies);
	g_assert_true(ippyo_submitter_read_pin_status_sync(sub, &error));
	g_assert_true(ippyo_submitter_get_pin_locked(sub));
	/* a PIN that is not 4 digits never reaches the card */
	g_assert_null(cast(sub, d, "12a4", &error));
	g_assert_true(error != NULL);
	g_clear_error(&error);
	g_assert_cmpuint(card_verifies(1), ==, verifies);
}

static char *first_receipt;

static void
test_cast(void)
{
	g_autoptr(IppyoElection) e = open_election(election_file);
	g_autoptr(IppyoReceiptStore) store = ippyo_receipt_store_new(
	    ippyo_election_get_election_id(e));
	g_autoptr(IppyoSubmitter) sub = ippyo_submitter_new(e, store, READER0, NULL);
	g_autoptr(GBytes) cert = card_cert(0);
	g_autoptr(IppyoBallotDraft) d = encrypted_draft(e, cert, "opt-2");
	g_autoptr(IppyoChainReceipt) rc = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GArray) stages = g_array_new(FALSE, FALSE, sizeof(int));
	g_autoptr(GPtrArray) receipts = NULL;
	g_autofree char *pin = card_pin(0);
	g_autofree char *expect_dir = g_build_filename(data_home, "ippyo", "2027-test-mayor", NULL);
	stage_log log = { stages };
	GAsyncResult *res = NULL;
	guint64 size = chain_size(e), checked = 0;

	g_signal_connect(sub, "notify::stage", G_CALLBACK(stage_cb), &log);
	rc = cast(sub, d, pin, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(stages->len, ==, 3);
	g_assert_cmpint(g_array_index(stages, int, 0), ==, IPPYO_SUBMITTER_SIGNING);
	g_assert_cmpint(g_array_index(stages, int, 1), ==, IPPYO_SUBMITTER_SENDING);
	g_assert_cmpint(g_array_index(stages, int, 2), ==, IPPYO_SUBMITTER_RECORDED);
	g_assert_cmpuint(chain_size(e), ==, size + 1);
	g_assert_cmpuint(ippyo_chain_receipt_get_index(rc), ==, size);
	g_assert_cmpuint(ippyo_chain_receipt_get_attempts(rc), ==, 1);
	g_assert_false(ippyo_submitter_get_has_pending(sub));
	g_assert_cmpstr(ippyo_receipt_store_get_dir(store), ==, expect_dir);
	receipts = ippyo_receipt_store_list(store);
	g_assert_cmpuint(receipts->len, ==, 1);
	g_assert_cmpstr(receipts->pdata[0], ==, ippyo_submitter_get_receipt_path(sub));
	first_receipt = g_strdup(receipts->pdata[0]);
	g_assert_cmpuint(ippyo_receipt_store_list_pending(store)->len, ==, 0);
	/* the seed is gone once cast: it can no longer be audited */
	g_assert_null(ippyo_ballot_draft_audit(d, &error));
	g_clear_error(&error);

	/* check my ballot */
	ippyo_receipt_store_check_async(store, e, first_receipt, NULL, result_cb, &res);
	g_assert_true(ippyo_receipt_store_check_finish(store, wait_result(&res, 60), &checked,
	    NULL, &error));
	g_object_unref(res);
	g_assert_no_error(error);
	g_assert_cmpuint(checked, ==, size + 1);
}

static void
pull_card_hook(gpointer data)
{
	card_services("pull", "0");
}

static void
test_card_pulled(void)
{
	g_autoptr(IppyoElection) e = open_election(chain.url);
	g_autoptr(IppyoReceiptStore) store = ippyo_receipt_store_new(
	    ippyo_election_get_election_id(e));
	g_autoptr(IppyoSubmitter) sub = ippyo_submitter_new(e, store, READER0, NULL);
	g_autoptr(GBytes) cert = card_cert(0);
	g_autoptr(IppyoBallotDraft) d = encrypted_draft(e, cert, "opt-1");
	g_autoptr(IppyoChainReceipt) rc = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *pin = card_pin(0);
	guint64 size = chain_size(e);

	ippyo_submitter_set_before_sign_hook(sub, pull_card_hook, NULL);
	g_assert_null(cast(sub, d, pin, &error));
	g_assert_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CARD_REMOVED);
	g_clear_error(&error);
	g_assert_false(ippyo_submitter_get_has_pending(sub));
	g_assert_cmpuint(chain_size(e), ==, size);
	g_assert_true(ippyo_ballot_draft_get_encrypted(d));      /* the ballot is still there */
	card_services("put", "0");
	ippyo_submitter_set_before_sign_hook(sub, NULL, NULL);
	rc = cast(sub, d, pin, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(chain_size(e), ==, size + 1);
}

static gboolean
start_chain_cb(gpointer data)
{
	chain_start(&chain);
	*(gboolean *)data = TRUE;
	return G_SOURCE_REMOVE;
}

static void
test_server_down(void)
{
	g_autoptr(IppyoElection) e = open_election(chain.url);
	g_autoptr(IppyoReceiptStore) store = ippyo_receipt_store_new(
	    ippyo_election_get_election_id(e));
	g_autoptr(IppyoSubmitter) sub = ippyo_submitter_new(e, store, READER0, NULL);
	g_autoptr(GBytes) cert = card_cert(0);
	g_autoptr(IppyoBallotDraft) d = encrypted_draft(e, cert, "opt-0");
	g_autoptr(IppyoBallotDraft) d2 = encrypted_draft(e, cert, "opt-1");
	g_autoptr(IppyoChainReceipt) rc = NULL, rc2 = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) pending = NULL;
	g_autofree char *pin = card_pin(0);
	guint64 size = chain_size(e);
	gboolean started = FALSE;
	GAsyncResult *res = NULL;

	/* down: the signed ballot is kept, in memory and on disk */
	g_object_set(ippyo_election_get_client(e), "retry-initial-ms", 100u,
	    "retry-max-ms", 300u, "retry-deadline-ms", 1000u, NULL);
	chain_stop(&chain);
	g_assert_null(cast(sub, d, pin, &error));
	g_assert_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_NETWORK);
	g_assert_nonnull(strstr(error->message, "kept"));
	g_clear_error(&error);
	g_assert_true(ippyo_submitter_get_has_pending(sub));
	pending = ippyo_receipt_store_list_pending(store);
	g_assert_cmpuint(pending->len, ==, 1);
	/* back: sent again, the same bytes, once */
	chain_start(&chain);
	ippyo_submitter_resend_async(sub, NULL, result_cb, &res);
	rc = ippyo_submitter_resend_finish(sub, wait_result(&res, 60), &error);
	g_clear_object(&res);
	g_assert_no_error(error);
	g_assert_cmpuint(chain_size(e), ==, size + 1);
	g_assert_false(ippyo_submitter_get_has_pending(sub));
	g_assert_cmpuint(ippyo_receipt_store_list_pending(store)->len, ==, 0);
	g_assert_null(ippyo_submitter_resend_sync(sub, NULL, &error));
	g_clear_error(&error);

	/* down while sending, back a moment later: it goes through, exactly once */
	g_object_set(ippyo_election_get_client(e), "retry-deadline-ms", 30000u, NULL);
	chain_stop(&chain);
	g_timeout_add(1500, start_chain_cb, &started);
	rc2 = cast(sub, d2, pin, &error);
	g_assert_no_error(error);
	g_assert_true(started);
	g_assert_cmpuint(ippyo_chain_receipt_get_attempts(rc2), >, 1);
	g_assert_cmpuint(chain_size(e), ==, size + 2);
}

static void
test_closed(void)
{
	g_autoptr(IppyoElection) e = open_election(chain.url);
	g_autoptr(IppyoReceiptStore) store = ippyo_receipt_store_new(
	    ippyo_election_get_election_id(e));
	g_autoptr(IppyoSubmitter) sub = ippyo_submitter_new(e, store, READER0, NULL);
	g_autoptr(GBytes) cert = card_cert(0);
	g_autoptr(IppyoBallotDraft) d = encrypted_draft(e, cert, "opt-0");
	g_autoptr(GError) error = NULL;
	g_autoptr(GBytes) close_entry = NULL;
	g_autoptr(IppyoChainReceipt) crc = NULL;
	g_autofree char *pin = card_pin(0);
	g_autofree char *tool = build_path("tests/chain/chain-testtool");
	g_autofree char *out = chain_file(&chain, "close.json");
	g_autofree char *size_s = g_strdup_printf("%" G_GUINT64_FORMAT, chain_size(e));
	const char *argv[] = { tool, "close", "--dir", chain.dir, "--log-size", size_s, "--out",
	    out, NULL };
	guint state_notes = 0;
	GAsyncResult *res = NULL;
	guint verifies;

	g_assert_cmpint(ippyo_election_get_state(e), ==, IPPYO_ELECTION_STATE_OPEN);
	/* the officials close the poll while the voter is at the review */
	run_ok(argv);
	close_entry = read_bytes(out);
	crc = ippyo_chain_client_submit_close_sync(ippyo_election_get_client(e), close_entry,
	    NULL, &error);
	g_assert_no_error(error);
	g_assert_null(cast(sub, d, pin, &error));
	g_assert_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CLOSED);
	g_clear_error(&error);
	g_assert_cmpstr(ippyo_submitter_get_rejection_code(sub), ==, "poll_closed");
	g_assert_false(ippyo_submitter_get_has_pending(sub));
	/* the election learns it */
	g_signal_connect(e, "notify::state", G_CALLBACK(notify_count_cb), &state_notes);
	ippyo_election_refresh_async(e, NULL, result_cb, &res);
	g_assert_true(ippyo_election_refresh_finish(e, wait_result(&res, 60), &error));
	g_object_unref(res);
	g_assert_cmpint(ippyo_election_get_state(e), ==, IPPYO_ELECTION_STATE_CLOSED);
	g_assert_cmpuint(state_notes, ==, 1);
	/* and refuses before the card is asked anything */
	verifies = card_verifies(0);
	g_assert_null(cast(sub, d, pin, &error));
	g_assert_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_CLOSED);
	g_clear_error(&error);
	g_assert_cmpuint(card_verifies(0), ==, verifies);
}

static void
test_fork(void)
{
	g_autoptr(IppyoElection) e = NULL;
	g_autoptr(IppyoReceiptStore) store = NULL;
	g_autoptr(IppyoSubmitter) sub = NULL;
	g_autoptr(GBytes) cert = card_cert(0);
	g_autoptr(GError) error = NULL;
	g_autofree char *pin = card_pin(0), *evidence = NULL, *text = NULL;
	guint64 size = 0;

	g_assert_nonnull(first_receipt);
	/* the same chain key, another history */
	chain_rebuild(&chain);
	e = open_election(chain.url);
	store = ippyo_receipt_store_new(ippyo_election_get_election_id(e));
	sub = ippyo_submitter_new(e, store, READER0, NULL);
	for (int i = 0; i < 6; i++) {
		g_autoptr(IppyoBallotDraft) d = encrypted_draft(e, cert, "opt-0");
		g_autoptr(IppyoChainReceipt) rc = cast(sub, d, pin, &error);

		g_assert_no_error(error);
	}
	g_assert_false(ippyo_receipt_store_check_sync(store, e, first_receipt, &size, &evidence,
	    NULL, &error));
	g_assert_true(g_error_matches(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_FORK) ||
	    g_error_matches(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_DROPPED));
	g_assert_nonnull(evidence);
	g_assert_nonnull(strstr(error->message, evidence));
	text = read_text(evidence);
	g_assert_nonnull(strstr(text, "-- held"));
	g_assert_nonnull(strstr(text, "-- served"));
	g_assert_nonnull(strstr(text, "chain.test.example/2027-test-mayor"));
}

/* ================= rejections by the chain ================= */

static void
expect_rejection(guint n, const char *code, IppyoVoterError verr)
{
	g_autoptr(IppyoElection) e = open_election(chain.url);
	g_autoptr(IppyoReceiptStore) store = ippyo_receipt_store_new(
	    ippyo_election_get_election_id(e));
	g_autoptr(IppyoSubmitter) sub = ippyo_submitter_new(e, store, n == 0 ? READER0 : READER1,
	    NULL);
	g_autoptr(GBytes) cert = card_cert(n);
	g_autoptr(IppyoBallotDraft) d = encrypted_draft(e, cert, "opt-0");
	g_autoptr(GError) error = NULL;
	g_autofree char *pin = card_pin(n);

	g_assert_null(cast(sub, d, pin, &error));
	g_assert_error(error, IPPYO_VOTER_ERROR, (int)verr);
	g_assert_cmpstr(ippyo_submitter_get_rejection_code(sub), ==, code);
	g_assert_cmpstr(error->message, ==, ippyo_voter_rejection_text(code));
	g_assert_false(ippyo_submitter_get_has_pending(sub));
}

static const char *
card_name(guint n)
{
	g_autofree char *dir = card_dir(n);
	static char names[2][64];

	g_strlcpy(names[n], strrchr(dir, '/') + 1, sizeof(names[n]));
	return names[n];
}

/*
 * The chain's refusals at cast. The submitter casts without the card
 * monitor's check, as a client without the JPKI list (an election opened
 * offline, or a chain that publishes no CRL) would: this is the server
 * path; the check before the ballot is /ippyo/voter/rejections/card-check.
 */
static void
test_rejections(void)
{
	static const struct {
		const char *card;
		const char *code;
	} table[] = {
		{ "revoked", "cert_revoked" },
		{ "expired", "cert_expired" },
		{ "foreign", "cert_untrusted" },
		{ "not-yet-valid", "cert_not_yet_valid" },
	};

	for (guint n = 0; n < 2; n++)
		for (gsize i = 0; i < G_N_ELEMENTS(table); i++)
			if (g_str_equal(card_name(n), table[i].card))
				expect_rejection(n, table[i].code, IPPYO_VOTER_ERROR_REJECTED);
}

/*
 * The card check before the ballot, locally against the chain's JPKI CA and
 * CRL: a revoked card that is on the roll is told it is revoked; a card of
 * another CA that it is not this election's; expired and not yet valid as
 * before. Opened offline (no CRL), the same revoked card is only "valid,
 * roll unknown" and the message says revocation could not be checked.
 */
static void
test_card_check(void)
{
	static const struct {
		const char *card;
		IppyoEligibility want;
		const char *words;
	} table[] = {
		{ "revoked", IPPYO_ELIGIBILITY_REVOKED, "revoked" },
		{ "expired", IPPYO_ELIGIBILITY_EXPIRED, "expired" },
		{ "foreign", IPPYO_ELIGIBILITY_WRONG_ISSUER, "not issued" },
		{ "not-yet-valid", IPPYO_ELIGIBILITY_NOT_YET_VALID, "not valid yet" },
	};
	g_autoptr(IppyoElection) e = open_election(election_file);
	g_autoptr(GArray) seen = g_array_new(FALSE, FALSE, sizeof(int));

	g_assert_null(ippyo_election_get_revocation_problem(e));
	for (guint n = 0; n < 2; n++) {
		g_autoptr(IppyoCardMonitor) mon = ippyo_card_monitor_new(n == 0 ? READER0 : READER1,
		    NULL);
		gsize i;

		for (i = 0; i < G_N_ELEMENTS(table); i++)
			if (g_str_equal(card_name(n), table[i].card))
				break;
		g_assert_cmpuint(i, <, G_N_ELEMENTS(table));
		ippyo_card_monitor_set_election(mon, e);
		ippyo_card_monitor_start(mon);
		monitor_expect(mon, IPPYO_CARD_MONITOR_READY, seen);
		g_assert_cmpstr(ippyo_eligibility_name(ippyo_card_monitor_get_eligibility(mon)), ==,
		    ippyo_eligibility_name(table[i].want));
		g_assert_nonnull(strstr(ippyo_card_monitor_get_message(mon), table[i].words));
		if (table[i].want == IPPYO_ELIGIBILITY_REVOKED) {
			g_autoptr(GBytes) cert = card_cert(n);
			guint8 fp[32];
			g_autoptr(IppyoElection) off = NULL;
			g_autoptr(GError) error = NULL;

			/* on the roll: it is the CRL that refuses it, before any ballot */
			g_assert_cmpint(ippyo_cert_der_fingerprint(g_bytes_get_data(cert, NULL),
			    g_bytes_get_size(cert), fp), ==, 0);
			g_assert_true(ippyo_roll_contains(ippyo_election_get_roll(e), fp));
			g_assert_nonnull(strstr(ippyo_card_monitor_get_message(mon), "city hall"));
			/* offline, without the list: not known here, and said so */
			off = ippyo_election_new_offline(ippyo_election_get_manifest_entry(e), chain.url,
			    NULL, &error);
			g_assert_no_error(error);
			g_assert_nonnull(ippyo_election_get_revocation_problem(off));
			ippyo_card_monitor_set_election(mon, off);
			g_assert_cmpint(ippyo_card_monitor_get_eligibility(mon), ==,
			    IPPYO_ELIGIBILITY_VALID_ROLL_UNKNOWN);
			g_assert_nonnull(strstr(ippyo_card_monitor_get_message(mon), "revoked"));
		}
		ippyo_card_monitor_stop(mon);
	}
}

static void
test_not_open(void)
{
	/* a poll that opens in the future: refused before the card, said plainly */
	Chain later = { 0 };
	g_autoptr(IppyoElection) e = NULL;
	g_autoptr(IppyoReceiptStore) store = NULL;
	g_autoptr(IppyoSubmitter) sub = NULL;
	g_autoptr(GBytes) cert = card_cert(0);
	g_autoptr(IppyoBallotDraft) d = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *pin = card_pin(0), *st = NULL;

	chain_setup(&later, "2190-01-01T00:00:00Z");
	chain_start(&later);
	e = open_election(later.url);
	g_assert_cmpint(ippyo_election_get_state(e), ==, IPPYO_ELECTION_STATE_NOT_OPEN);
	st = ippyo_election_describe_state(e);
	g_assert_nonnull(strstr(st, "2190-01-01T00:00:00Z"));
	store = ippyo_receipt_store_new(ippyo_election_get_election_id(e));
	sub = ippyo_submitter_new(e, store, READER0, NULL);
	d = encrypted_draft(e, cert, "opt-0");
	g_assert_null(cast(sub, d, pin, &error));
	g_assert_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_NOT_OPEN);
	chain_stop(&later);
	{
		const char *rm[] = { "rm", "-rf", later.dir, NULL };

		g_spawn_sync(NULL, (char **)rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
		    NULL, NULL);
	}
	g_free(later.dir);
	g_free(later.url);
}

int
main(int argc, char **argv)
{
	gboolean services;
	int ret;

	data_home = g_dir_make_tmp("ippyo-voter-home-XXXXXX", NULL);
	g_setenv("XDG_DATA_HOME", data_home, TRUE);
	g_setenv("LANGUAGE", "en", TRUE);
	g_test_init(&argc, &argv, NULL);
	g_assert_cmpint(ippyo_group_init(), ==, 0);
	services = g_getenv("IPPYO_TEST_PKI") != NULL;

	g_test_add_func("/ippyo/voter/offline/draft", test_offline_draft);
	g_test_add_func("/ippyo/voter/offline/rejection-texts", test_offline_texts);
	if (services) {
		chain_setup(&chain, NULL);
		chain_start(&chain);
		election_file = chain_election_file(&chain, TRUE);
		election_file_noroll = chain_election_file(&chain, FALSE);
		g_test_add_func("/ippyo/voter/session/election", test_election);
		g_test_add_func("/ippyo/voter/session/card-monitor", test_card_monitor);
		g_test_add_func("/ippyo/voter/session/pin", test_pin);
		g_test_add_func("/ippyo/voter/session/cast", test_cast);
		g_test_add_func("/ippyo/voter/session/card-pulled", test_card_pulled);
		g_test_add_func("/ippyo/voter/session/server-down", test_server_down);
		g_test_add_func("/ippyo/voter/session/closed", test_closed);
		g_test_add_func("/ippyo/voter/session/fork", test_fork);
		g_test_add_func("/ippyo/voter/rejections/cards", test_rejections);
		g_test_add_func("/ippyo/voter/rejections/card-check", test_card_check);
		g_test_add_func("/ippyo/voter/rejections/not-open", test_not_open);
	}
	ret = g_test_run();
	if (services) {
		const char *rm[] = { "rm", "-rf", chain.dir, NULL };

		chain_stop(&chain);
		g_spawn_sync(NULL, (char **)rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
		    NULL, NULL);
		g_free(chain.dir);
		g_free(chain.url);
	}
	{
		const char *rm[] = { "rm", "-rf", data_home, NULL };

		g_spawn_sync(NULL, (char **)rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
		    NULL, NULL);
	}
	g_free(first_receipt);
	g_free(election_file);
	g_free(election_file_noroll);
	return ret;
}
