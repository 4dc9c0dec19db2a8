/*
 * Fuzzes what the voter client (IppyoChainClient, libippyo-net) makes of the
 * chain's answers: the input's first byte picks the call (0: submit the
 * ballot of fuzz/chain/ballot.json, 1: GET /v1/status, 2: an inclusion
 * proof for that ballot under fuzz/chain/checkpoint), the rest is the raw
 * HTTP answer (status line, headers, body) a loopback server thread sends
 * for every request of that call. So libsoup's response parsing, the
 * client's size limits, Retry-After, its JSON answers ({index, leaf_hash,
 * receipt}, {code, message}, status, proofs) and the receipt verification
 * all see hostile bytes. The client is the real one, with the chain key and
 * origin of fuzz/chain/ (the seeds are a real ippyo-chaind's answers).
 *
 * Invariants: a call fails with a GError or succeeds, never both; an
 * accepted receipt is for exactly the submitted bytes.
 */
#include "fuzz.h"

#include <gio/gio.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "election/entry.h"
#include "election/manifest.h"
#include "log/merkle.h"
#include "net/ippyo-chain-client.h"

#ifndef FUZZ_CHAIN_DIR
#define FUZZ_CHAIN_DIR "fuzz/chain"
#endif

static IppyoChainClient *client;
static GBytes *ballot;
static IppyoSignedCheckpoint *checkpoint;
static guint8 ballot_leaf[32];
static int listen_fd = -1;

/* The answer of the current input (set before each call, read by the server). */
static GMutex answer_lock;
static const uint8_t *answer;
static size_t answer_len;

static gboolean
read_request(int fd)
{
	char buf[65536];
	size_t have = 0;
	const char *end;
	long clen = 0;

	/* the head, then Content-Length bytes of body */
	for (;;) {
		ssize_t n;

		if (have == sizeof(buf) - 1)
			return FALSE;
		n = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (n <= 0)
			return FALSE;
		have += (size_t)n;
		buf[have] = '\0';
		if ((end = strstr(buf, "\r\n\r\n")) != NULL)
			break;
	}
	for (const char *p = buf; p < end; p = strstr(p, "\r\n") + 2) {
		if (g_ascii_strncasecmp(p, "Content-Length:", 15) == 0) {
			guint64 v;
			g_autofree char *line = g_strndup(p + 15, (gsize)(strstr(p, "\r\n") - p - 15));

			if (!g_ascii_string_to_unsigned(g_strstrip(line), 10, 0, 1 << 20, &v, NULL))
				return FALSE;
			clen = (long)v;
		}
	}
	clen -= (long)(have - (size_t)(end + 4 - buf));
	while (clen > 0) {
		ssize_t n = read(fd, buf, MIN(sizeof(buf), (size_t)clen));

		if (n <= 0)
			return FALSE;
		clen -= n;
	}
	return TRUE;
}

static gpointer
server_thread(gpointer data)
{
	for (;;) {
		int fd = accept(listen_fd, NULL, NULL);

		if (fd < 0)
			continue;
		if (read_request(fd)) {
			size_t off = 0;

			g_mutex_lock(&answer_lock);
			while (off < answer_len) {
				ssize_t n = send(fd, answer + off, answer_len - off, MSG_NOSIGNAL);

				if (n <= 0)
					break;
				off += (size_t)n;
			}
			g_mutex_unlock(&answer_lock);
		}
		shutdown(fd, SHUT_WR);
		close(fd);
	}
	return NULL;
}

static GBytes *
fixture(const char *dir, const char *name)
{
	g_autofree char *path = g_build_filename(dir, name, NULL);
	char *data = NULL;
	gsize len;

	if (!g_file_get_contents(path, &data, &len, NULL))
		fprintf(stderr, "fuzz-chain-response: cannot read %s\n", path);
	FUZZ_CHECK(data != NULL);
	return g_bytes_new_take(data, len);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = g_getenv("IPPYO_FUZZ_CHAIN");
	g_autoptr(GBytes) e0 = NULL, vkey = NULL, cp = NULL;
	g_autofree char *url = NULL, *vkey_text = NULL;
	struct sockaddr_in sa = { 0 };
	socklen_t salen = sizeof(sa);
	ippyo_entry *entry0 = NULL;
	GError *error = NULL;

	if (dir == NULL)
		dir = FUZZ_CHAIN_DIR;
	e0 = fixture(dir, "entry0.json");
	vkey = fixture(dir, "chain.vkey");
	cp = fixture(dir, "checkpoint");
	ballot = fixture(dir, "ballot.json");
	FUZZ_CHECK(ippyo_entry_parse(&entry0, g_bytes_get_data(e0, NULL), g_bytes_get_size(e0)) == 0);
	FUZZ_CHECK(ippyo_merkle_hash_leaf(NULL, g_bytes_get_data(ballot, NULL),
	    g_bytes_get_size(ballot), ballot_leaf) == 0);

	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	FUZZ_CHECK(listen_fd >= 0);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	FUZZ_CHECK(bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	FUZZ_CHECK(listen(listen_fd, 64) == 0);
	FUZZ_CHECK(getsockname(listen_fd, (struct sockaddr *)&sa, &salen) == 0);
	g_thread_unref(g_thread_new("answers", server_thread, NULL));

	url = g_strdup_printf("http://127.0.0.1:%u/", ntohs(sa.sin_port));
	vkey_text = g_strndup(g_bytes_get_data(vkey, NULL), g_bytes_get_size(vkey));
	g_strstrip(vkey_text);
	client = ippyo_chain_client_new(url, ippyo_manifest_chain_origin(ippyo_entry_manifest(entry0)),
	    vkey_text, NULL, &error);
	if (client == NULL)
		fprintf(stderr, "fuzz-chain-response: %s\n", error->message);
	FUZZ_CHECK(client != NULL);
	/* Retries (503, network errors) stay short: the same answer comes back. */
	g_object_set(client, "retry-initial-ms", 1u, "retry-max-ms", 1u, "retry-deadline-ms", 3u,
	    NULL);
	checkpoint = ippyo_chain_client_verify_checkpoint(client, cp, &error);
	if (checkpoint == NULL)
		fprintf(stderr, "fuzz-chain-response: checkpoint: %s\n", error->message);
	FUZZ_CHECK(checkpoint != NULL);
	ippyo_entry_free(entry0);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GError *error = NULL;

	if (size < 1)
		return 0;
	g_mutex_lock(&answer_lock);
	answer = data + 1;
	answer_len = size - 1;
	g_mutex_unlock(&answer_lock);
	switch (data[0] % 3) {
	case 0: {
		IppyoChainReceipt *r = ippyo_chain_client_submit_ballot_sync(client, ballot, NULL,
		    &error);

		FUZZ_CHECK((r == NULL) == (error != NULL));
		if (r != NULL) {
			FUZZ_CHECK(memcmp(ippyo_chain_receipt_get_leaf_hash(r), ballot_leaf, 32) == 0);
			ippyo_chain_receipt_unref(r);
		}
		break;
	}
	case 1: {
		IppyoChainStatus *s = ippyo_chain_client_fetch_status_sync(client, NULL, &error);

		FUZZ_CHECK((s == NULL) == (error != NULL));
		if (s != NULL)
			ippyo_chain_status_unref(s);
		break;
	}
	default: {
		guint64 index = G_MAXUINT64;
		gboolean ok = ippyo_chain_client_prove_inclusion_sync(client, checkpoint, ballot_leaf,
		    -1, &index, NULL, &error);

		FUZZ_CHECK(ok == (error == NULL));
		break;
	}
	}
	g_clear_error(&error);
	/* The answer is the caller's memory: no request may read it from now on. */
	g_mutex_lock(&answer_lock);
	answer = NULL;
	answer_len = 0;
	g_mutex_unlock(&answer_lock);
	return 0;
}
