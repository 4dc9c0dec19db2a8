/* IppyoChainClient against the real ippyo-chaind on loopback, with the
 * chain suite's test setup (chain-testtool: election, PKI, ballots). */
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <signal.h>
#include <unistd.h>

#include "log/merkle.h"
#include "net/ippyo-chain-client.h"

static char *build_dir, *source_dir, *pki, *dir, *tool_path;

static char *
run_tool(const char *first, ...)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GSubprocessLauncher) l = NULL;
	g_autoptr(GSubprocess) p = NULL;
	char *out = NULL, *err = NULL;
	const char *a;
	va_list ap;

	g_ptr_array_add(argv, tool_path);
	va_start(ap, first);
	for (a = first; a != NULL; a = va_arg(ap, const char *))
		g_ptr_array_add(argv, (char *)a);
	va_end(ap);
	g_ptr_array_add(argv, NULL);
	l = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE |
	    G_SUBPROCESS_FLAGS_STDERR_PIPE);
	/* a test utility: its leaks are not the client's (as in the chain harness) */
	g_subprocess_launcher_setenv(l, "ASAN_OPTIONS", "detect_leaks=0", TRUE);
	p = g_subprocess_launcher_spawnv(l, (const char *const *)argv->pdata, &error);
	g_assert_no_error(error);
	g_assert_true(g_subprocess_communicate_utf8(p, NULL, NULL, &out, &err, &error));
	g_assert_no_error(error);
	if (!g_subprocess_get_if_exited(p) || g_subprocess_get_exit_status(p) != 0)
		g_error("chain-testtool %s: %s", first, err);
	g_free(err);
	return out;
}

static GBytes *
read_bytes(const char *path)
{
	g_autoptr(GError) error = NULL;
	char *data;
	gsize len;

	g_assert_true(g_file_get_contents(path, &data, &len, &error));
	g_assert_no_error(error);
	return g_bytes_new_take(data, len);
}

static GBytes *
make_ballot(const char *voter)
{
	static int n;
	g_autofree char *out = g_strdup_printf("%s/net-ballot-%d", dir, ++n);
	g_autofree char *card = g_build_filename(pki, "cards", voter, NULL);

	g_free(run_tool("ballot", "--dir", dir, "--card", card, "--choice", "0", "--out", out,
	    NULL));
	return read_bytes(out);
}

/* The chain suite's PKI, shared (and locked) the way its harness does. */
static void
ensure_pki(void)
{
	g_autofree char *lock = NULL, *stamp = NULL, *script = NULL, *parent = NULL;
	GStatBuf st;
	int fd;

	pki = g_build_filename(build_dir, "tests", "chain", "pki", NULL);
	parent = g_build_filename(build_dir, "tests", "chain", NULL);
	g_mkdir_with_parents(parent, 0755);
	lock = g_strconcat(pki, ".lock", NULL);
	stamp = g_build_filename(pki, "cards", "voter-001", "auth.crt", NULL);
	script = g_build_filename(source_dir, "tests", "vcard", "make-test-pki", NULL);
	fd = open(lock, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(flock(fd, LOCK_EX), ==, 0);
	if (g_stat(stamp, &st) != 0 || (gint64)st.st_mtime < g_get_real_time() / 1000000 - 86400) {
		const char *argv[] = { "sh", script, pki, NULL };
		g_autoptr(GError) error = NULL;
		g_autoptr(GSubprocess) p = g_subprocess_newv(argv,
		    G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error);

		g_assert_no_error(error);
		g_assert_true(g_subprocess_wait_check(p, NULL, &error));
		g_assert_no_error(error);
	}
	close(fd);
}

/* A server must not outlive a failed test. */
static void
die_with_parent(gpointer data)
{
	prctl(PR_SET_PDEATHSIG, SIGTERM);
}

typedef struct {
	GSubprocess *proc;
	char *url;
} Server;

static void
server_start(Server *s)
{
	g_autofree char *pf = g_build_filename(dir, "port.txt", NULL);
	g_autofree char *chaind = g_build_filename(build_dir, "chain", "ippyo-chaind", NULL);
	g_autofree char *logpath = g_build_filename(dir, "chaind.log", NULL);
	g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new(
	    G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
	g_autoptr(GError) error = NULL;
	gint64 deadline = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;

	g_unlink(pf);
	g_subprocess_launcher_set_cwd(l, dir);
	g_subprocess_launcher_set_child_setup(l, die_with_parent, NULL, NULL);
	g_subprocess_launcher_set_stderr_file_path(l, logpath);
	s->proc = g_subprocess_launcher_spawn(l, &error, chaind, "--config", "chaind.conf", NULL);
	g_assert_no_error(error);
	while (g_get_monotonic_time() < deadline) {
		g_autofree char *port = NULL;

		if (g_file_get_contents(pf, &port, NULL, NULL) && g_str_has_suffix(port, "\n")) {
			g_strchomp(port);
			s->url = g_strdup_printf("http://127.0.0.1:%s/", port);
			return;
		}
		g_usleep(10000);
	}
	g_error("ippyo-chaind did not start");
}

static void
server_stop(Server *s)
{
	g_autoptr(GError) error = NULL;

	g_subprocess_send_signal(s->proc, SIGTERM);
	g_assert_true(g_subprocess_wait(s->proc, NULL, &error));
	g_assert_no_error(error);
	g_assert_true(g_subprocess_get_if_exited(s->proc));
	g_assert_cmpint(g_subprocess_get_exit_status(s->proc), ==, 0);
	g_clear_object(&s->proc);
	g_clear_pointer(&s->url, g_free);
}

static IppyoChainClient *
client_new(Server *s)
{
	g_autofree char *path = g_build_filename(dir, "chain.vkey", NULL);
	g_autoptr(GBytes) vkey = read_bytes(path);
	g_autofree char *v = g_strndup(g_bytes_get_data(vkey, NULL), g_bytes_get_size(vkey));
	g_autoptr(GError) error = NULL;
	IppyoChainClient *c;

	g_strchomp(v);
	c = g_initable_new(IPPYO_TYPE_CHAIN_CLIENT, NULL, &error, "base-url", s->url,
	    "origin", "chain.test.example/2027-test-mayor", "chain-vkey", v,
	    "retry-initial-ms", 20u, "retry-max-ms", 200u, "retry-deadline-ms", 10000u, NULL);
	g_assert_no_error(error);
	return c;
}

static void
test_real_chain(void)
{
	Server s = { NULL, NULL };
	g_autoptr(IppyoChainClient) c = NULL;
	g_autoptr(IppyoSignedCheckpoint) cp = NULL, held = NULL;
	g_autoptr(IppyoChainReceipt) r1 = NULL, r1b = NULL, r2 = NULL, rc = NULL;
	g_autoptr(IppyoForkEvidence) ev = NULL;
	g_autoptr(GBytes) b1 = NULL, b2 = NULL, manifest = NULL, entry0 = NULL, closing = NULL;
	g_autoptr(GPtrArray) entries = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(IppyoChainStatus) st = NULL;
	g_autofree char *close_path = NULL;
	guint64 index = 0;

	server_start(&s);
	c = client_new(&s);
	cp = ippyo_chain_client_fetch_checkpoint_sync(c, NULL, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(ippyo_signed_checkpoint_get_size(cp), ==, 1);
	manifest = ippyo_chain_client_fetch_manifest_sync(c, cp, NULL, &error);
	g_assert_no_error(error);
	{
		g_autofree char *path = g_build_filename(dir, "entry0.json", NULL);

		entry0 = read_bytes(path);
	}
	g_assert_true(g_bytes_equal(manifest, entry0));

	/* a ballot, its resubmission, a second voter */
	b1 = make_ballot("voter-001");
	r1 = ippyo_chain_client_submit_ballot_sync(c, b1, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(ippyo_chain_receipt_get_index(r1), ==, 1);
	r1b = ippyo_chain_client_submit_ballot_sync(c, b1, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(ippyo_chain_receipt_get_duplicate(r1b));
	g_assert_true(g_bytes_equal(ippyo_chain_receipt_get_proof(r1),
	    ippyo_chain_receipt_get_proof(r1b)));
	b2 = make_ballot("voter-002");
	r2 = ippyo_chain_client_submit_ballot_sync(c, b2, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(ippyo_chain_receipt_get_index(r2), ==, 2);

	/* a rejection: a card that is not on the roll */
	{
		g_autoptr(GBytes) foreign = make_ballot("voter-010");
		g_autoptr(IppyoChainReceipt) rf = ippyo_chain_client_submit_ballot_sync(c, foreign,
		    NULL, &error);

		g_assert_null(rf);
		g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_REJECTED_NOT_ON_ROLL);
		g_clear_error(&error);
	}

	/* the newest checkpoint extends the held one; entries and inclusion */
	g_clear_pointer(&cp, ippyo_signed_checkpoint_unref);
	cp = ippyo_chain_client_fetch_checkpoint_sync(c, NULL, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(ippyo_signed_checkpoint_get_size(cp), ==, 3);
	entries = ippyo_chain_client_fetch_entries_sync(c, cp, 0, 3, NULL, &error);
	g_assert_no_error(error);
	g_assert_true(g_bytes_equal(g_ptr_array_index(entries, 0), entry0));
	g_assert_true(g_bytes_equal(g_ptr_array_index(entries, 1), b1));
	g_assert_true(g_bytes_equal(g_ptr_array_index(entries, 2), b2));
	g_assert_true(ippyo_chain_client_prove_inclusion_sync(c, cp,
	    ippyo_chain_receipt_get_leaf_hash(r1), 1, NULL, NULL, &error));
	g_assert_no_error(error);
	g_assert_true(ippyo_chain_client_prove_inclusion_sync(c, cp,
	    ippyo_chain_receipt_get_leaf_hash(r2), -1, &index, NULL, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(index, ==, 2);
	st = ippyo_chain_client_fetch_status_sync(c, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(ippyo_chain_status_get_size(st), ==, 3);

	/* close; a ballot after it is refused */
	close_path = g_build_filename(dir, "net-close", NULL);
	g_free(run_tool("close", "--dir", dir, "--log-size", "3", "--out", close_path, NULL));
	closing = read_bytes(close_path);
	rc = ippyo_chain_client_submit_close_sync(c, closing, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(ippyo_chain_receipt_get_index(rc), ==, 3);
	{
		g_autoptr(GBytes) late = make_ballot("voter-003");
		g_autoptr(IppyoChainReceipt) rl = ippyo_chain_client_submit_ballot_sync(c, late,
		    NULL, &error);

		g_assert_null(rl);
		g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_REJECTED_POLL_CLOSED);
		g_clear_error(&error);
	}
	held = ippyo_chain_client_fetch_checkpoint_sync(c, NULL, NULL, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(ippyo_signed_checkpoint_get_size(held), ==, 4);
	server_stop(&s);

	/* split view: the operator rebuilds the database, same key, other ballots */
	{
		g_autofree char *db = g_build_filename(dir, "chain.sqlite", NULL);
		g_autofree char *wal = g_strconcat(db, "-wal", NULL);
		g_autofree char *shm = g_strconcat(db, "-shm", NULL);
		g_autoptr(IppyoChainClient) c2 = NULL;
		g_autoptr(GBytes) b = NULL;
		g_autoptr(IppyoChainReceipt) r = NULL;
		g_autoptr(IppyoSignedCheckpoint) forked = NULL;

		g_unlink(db);
		g_unlink(wal);
		g_unlink(shm);
		server_start(&s);
		c2 = client_new(&s);
		g_assert_true(ippyo_chain_client_set_trusted_checkpoint(c2,
		    ippyo_signed_checkpoint_get_note(held), &error));
		g_assert_no_error(error);
		for (int i = 4; i <= 8; i++) {
			g_autofree char *v = g_strdup_printf("voter-00%d", i);

			g_clear_pointer(&b, g_bytes_unref);
			g_clear_pointer(&r, ippyo_chain_receipt_unref);
			b = make_ballot(v);
			r = ippyo_chain_client_submit_ballot_sync(c2, b, NULL, &error);
			g_assert_no_error(error);
		}
		forked = ippyo_chain_client_fetch_checkpoint_sync(c2, &ev, NULL, &error);
		g_assert_null(forked);
		g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_FORK);
		g_assert_nonnull(ev);
		g_assert_cmpuint(ippyo_signed_checkpoint_get_size(ippyo_fork_evidence_get_held(ev)),
		    ==, 4);
		g_assert_cmpuint(ippyo_signed_checkpoint_get_size(
		    ippyo_fork_evidence_get_served(ev)), ==, 6);
		/* the old receipt's ballot is not where it was */
		g_clear_error(&error);
		g_assert_false(ippyo_chain_client_prove_inclusion_sync(c2,
		    ippyo_fork_evidence_get_served(ev), ippyo_chain_receipt_get_leaf_hash(r1), 1,
		    NULL, NULL, &error));
		g_assert_error(error, IPPYO_NET_ERROR, IPPYO_NET_ERROR_NOT_INCLUDED);
		g_clear_error(&error);
	}
	server_stop(&s);
}

int
main(int argc, char **argv)
{
	g_autofree char *out = NULL;
	g_autoptr(GError) error = NULL;
	int ret;

	g_test_init(&argc, &argv, NULL);
	build_dir = g_strdup(g_getenv("IPPYO_BUILD_DIR"));
	source_dir = g_strdup(g_getenv("IPPYO_SOURCE_DIR"));
	g_assert_nonnull(build_dir);
	g_assert_nonnull(source_dir);
	tool_path = g_build_filename(build_dir, "tests", "net", "net-chain-testtool", NULL);
	ensure_pki();
	dir = g_dir_make_tmp("ippyo-net-XXXXXX", &error);
	g_assert_no_error(error);
	g_free(run_tool("setup", "--pki", pki, "--out", dir, "--options", "3", NULL));
	g_test_add_func("/ippyo/net/real-chain/vote-close-fork", test_real_chain);
	ret = g_test_run();
	if (ret == 0) {
		g_autoptr(GFile) d = g_file_new_for_path(dir);
		g_autoptr(GFileEnumerator) en = g_file_enumerate_children(d, "standard::name",
		    G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
		GFileInfo *info;

		while (en != NULL && (info = g_file_enumerator_next_file(en, NULL, NULL)) != NULL) {
			g_autoptr(GFile) f = g_file_get_child(d, g_file_info_get_name(info));

			g_file_delete(f, NULL, NULL);
			g_object_unref(info);
		}
		g_rmdir(dir);
	}
	return ret;
}
