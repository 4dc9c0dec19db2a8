/*
 * Fuzzes ippyo-chaind's handling of a request as it comes off the socket:
 * the input is a raw HTTP/1.1 request (head and body). The head is parsed
 * by libsoup's server-side parser (soup_headers_parse_request); the body
 * limit is applied as the server applies it (Content-Length, then the
 * bytes); POST /v1/ballots and /v1/close bodies then go through the
 * server's own checks (chain_election_check_ballot, the proof batch,
 * chain_election_check_close) on the election of fuzz/chain/ at a fixed
 * time, and every rejection is mapped to its HTTP answer.
 *
 * Invariants: an accepted ballot's entry is exactly the body (the log
 * stores what was signed), a rejection has a machine-readable code and a
 * 4xx/5xx status.
 */
#include "fuzz.h"

#include <libsoup/soup.h>

#include "chain-config.h"
#include "chain-daemon.h"
#include "chain-election.h"

#ifndef FUZZ_CHAIN_DIR
#define FUZZ_CHAIN_DIR "fuzz/chain"
#endif

static ChainConfig *config;
static ChainElection *election;
static gint64 now;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = g_getenv("IPPYO_FUZZ_CHAIN");
	g_autofree char *conf = NULL, *nowfile = NULL, *text = NULL;
	GError *error = NULL;

	if (dir == NULL)
		dir = FUZZ_CHAIN_DIR;
	conf = g_build_filename(dir, "chaind.conf", NULL);
	nowfile = g_build_filename(dir, "now", NULL);
	config = chain_config_load(conf, &error);
	if (config == NULL)
		fprintf(stderr, "fuzz-chaind-request: %s\n", error->message);
	FUZZ_CHECK(config != NULL);
	election = chain_election_load(config, &error);
	if (election == NULL)
		fprintf(stderr, "fuzz-chaind-request: %s\n", error->message);
	FUZZ_CHECK(election != NULL);
	FUZZ_CHECK(g_file_get_contents(nowfile, &text, NULL, NULL));
	FUZZ_CHECK(g_ascii_string_to_signed(g_strstrip(text), 10, 0, G_MAXINT64, &now, NULL));
	return 0;
}

/* The answer the server gives for a rejection: it must be a real one. */
static void
check_answer(int err, const char *message)
{
	guint status = 0;
	const char *code;

	FUZZ_CHECK(err < 0);
	code = chain_http_error_code(err, &status);
	FUZZ_CHECK(code != NULL && code[0] != '\0');
	FUZZ_CHECK(status >= 400 && status < 600);
	if (message != NULL)
		FUZZ_CHECK(strlen(message) < 65536);
}

static void
ballot(const guint8 *body, gsize len, gboolean closed)
{
	ChainBallotCheck *check = NULL;
	char *message = NULL;
	int err, result = 1;

	err = chain_election_check_ballot(election, body, len, now, closed, &check, &message);
	if (err != 0) {
		check_answer(err, message);
		g_free(message);
		chain_ballot_check_free(check);
		return;
	}
	FUZZ_CHECK(check != NULL);
	{
		GBytes *entry = chain_ballot_check_entry(check);
		gsize elen;
		const guint8 *e = g_bytes_get_data(entry, &elen);

		FUZZ_CHECK(fuzz_same(e, elen, body, len));
	}
	chain_election_verify_proofs(election, (ChainBallotCheck *const *)&check, 1, &result);
	FUZZ_CHECK(result <= 0);
	if (result != 0)
		check_answer(result, NULL);
	g_free(message);
	chain_ballot_check_free(check);
}

static void
close_entry(const guint8 *body, gsize len, gboolean closed)
{
	GBytes *entry = NULL;
	char *message = NULL;
	int err;

	err = chain_election_check_close(election, body, len, closed, &entry, &message);
	if (err != 0)
		check_answer(err, message);
	else {
		FUZZ_CHECK(entry != NULL);
		FUZZ_CHECK(!closed);
	}
	if (entry != NULL)
		g_bytes_unref(entry);
	g_free(message);
}

/* The end of the head: the first blank line. */
static const uint8_t *
head_end(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i + 4 <= size; i++) {
		if (memcmp(data + i, "\r\n\r\n", 4) == 0)
			return data + i;
	}
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *end = head_end(data, size);
	SoupMessageHeaders *headers;
	char *method = NULL, *path = NULL;
	SoupHTTPVersion version;
	const guint8 *body;
	gsize head, len;
	goffset clen;
	guint status;

	if (end == NULL)
		return 0;
	head = (gsize)(end - data) + 4;
	headers = soup_message_headers_new(SOUP_MESSAGE_HEADERS_REQUEST);
	status = soup_headers_parse_request((const char *)data, (unsigned)head, headers, &method,
	    &path, &version);
	if (status != SOUP_STATUS_OK)
		goto out;
	FUZZ_CHECK(method != NULL && path != NULL);
	body = data + head;
	len = size - head;
	/* The early handler: an announced body over the limit is refused unread. */
	if (soup_message_headers_get_encoding(headers) == SOUP_ENCODING_CONTENT_LENGTH) {
		clen = soup_message_headers_get_content_length(headers);
		if (clen < 0 || (guint64)clen > config->max_body_bytes)
			goto out;
		if ((guint64)clen < len)
			len = (gsize)clen;    /* the rest is the next request */
	}
	if (len > config->max_body_bytes)
		goto out;
	if (strcmp(method, "POST") != 0)
		goto out;
	if (strcmp(path, "/v1/ballots") == 0) {
		ballot(body, len, FALSE);
		ballot(body, len, TRUE);
	} else if (strcmp(path, "/v1/close") == 0) {
		close_entry(body, len, FALSE);
		close_entry(body, len, TRUE);
	}
out:
	g_free(method);
	g_free(path);
	soup_message_headers_unref(headers);
	return 0;
}
