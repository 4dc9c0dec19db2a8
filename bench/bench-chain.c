/* ippyo-bench chain: ippyo-chaind and a load generator on loopback. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "chain-cards.h"
#include "chain-daemon.h"
#include "chain-store.h"
#include "crypto/group.h"
#include "election/ballot.h"
#include "election/entry.h"
#include "election/manifest.h"
#include "error.h"
#include "log/note.h"

#define ORIGIN "bench.example/chain"

static void G_GNUC_NORETURN
fail(const char *what, int r)
{
	g_printerr("ippyo-bench chain: %s: %s\n", what, r < 0 ? ippyo_strerror(r) : "failed");
	exit(1);
}

static double
thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
process_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static EVP_PKEY *
rsa_key(void)
{
	EVP_PKEY *k = EVP_RSA_gen(2048);

	if (k == NULL)
		fail("RSA key", 0);
	return k;
}

/* A certificate for `subject` with `pub`, signed by ca_key (issuer ca, or self). */
static X509 *
make_cert(const char *cn, EVP_PKEY *pub, X509 *ca, EVP_PKEY *ca_key, long serial, gboolean is_ca)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	X509V3_CTX v3;
	X509_EXTENSION *ext;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, (const unsigned char *)"JP", -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"JPKI BENCH", -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, name);
	X509_set_issuer_name(x, ca != NULL ? X509_get_subject_name(ca) : name);
	X509_gmtime_adj(X509_getm_notBefore(x), -86400);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365);
	X509_set_pubkey(x, pub);
	X509V3_set_ctx(&v3, ca != NULL ? ca : x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints,
	    is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_key_usage,
	    is_ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (X509_sign(x, ca_key, EVP_sha256()) == 0)
		fail("X509_sign", 0);
	X509_NAME_free(name);
	return x;
}

static void
write_pem_cert(const char *path, X509 *x)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || PEM_write_X509(f, x) != 1)
		fail(path, 0);
	fclose(f);
}

static void
write_empty_crl(const char *path, X509 *ca, EVP_PKEY *ca_key)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *t = ASN1_TIME_new();
	FILE *f;

	X509_CRL_set_version(crl, 1);
	X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca));
	X509_gmtime_adj(t, -3600);
	X509_CRL_set1_lastUpdate(crl, t);
	X509_gmtime_adj(t, 86400L * 30);
	X509_CRL_set1_nextUpdate(crl, t);
	if (X509_CRL_sign(crl, ca_key, EVP_sha256()) == 0)
		fail("CRL", 0);
	f = fopen(path, "w");
	if (f == NULL || PEM_write_X509_CRL(f, crl) != 1)
		fail(path, 0);
	fclose(f);
	ASN1_TIME_free(t);
	X509_CRL_free(crl);
}

typedef struct {
	guint n;
	guint options;
	X509 *ca;
	EVP_PKEY *ca_key;
	EVP_PKEY *voter_key;              /* shared by the test cards: the server cannot tell */
	GPtrArray *ders;                  /* per voter: GBytes of the certificate */
	guint8 *fps;                      /* per voter: 32 bytes */
	const ippyo_manifest *m;
	ippyo_election_key *key;
	GPtrArray *ballots;               /* per voter: GBytes of the ballot entry */
	GMutex lock;
} Setup;

/* Voter i's certificate (a worker of bench_parallel). */
static void
voter_cert(gpointer data, guint i)
{
	Setup *s = data;
	g_autofree char *cn = g_strdup_printf("BENCH VOTER %06u", i);
	X509 *x = make_cert(cn, s->voter_key, s->ca, s->ca_key, 1000 + i, FALSE);
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der);

	if (len <= 0)
		fail("DER", 0);
	s->ders->pdata[i] = g_bytes_new(der, (gsize)len);
	EVP_Digest(der, (size_t)len, s->fps + (gsize)i * 32, NULL, EVP_sha256(), NULL);
	OPENSSL_free(der);
	X509_free(x);
}

/* Voter i's ballot entry (a worker of bench_parallel). */
static void
voter_ballot(gpointer data, guint i)
{
	Setup *s = data;
	ippyo_choices *ch = ippyo_choices_new(s->m);
	ippyo_ballot *b = NULL;
	ippyo_entry *e = NULL;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	guint8 seed[32], sig[256];
	size_t sig_len = sizeof(sig), blen, elen;
	const uint8_t *bytes;
	GBytes *der = s->ders->pdata[i];

	if (RAND_bytes(seed, sizeof(seed)) != 1)
		fail("random", 0);
	if (ippyo_choices_set(ch, 0, i % s->options, 1) != 0)
		fail("choice", 0);
	if (ippyo_ballot_build(&b, s->m, s->key, ch, seed, s->fps + (gsize)i * 32) != 0)
		fail("ballot", 0);
	bytes = ippyo_ballot_bytes(b, &blen);
	if (EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, s->voter_key) != 1 ||
	    EVP_DigestSign(ctx, sig, &sig_len, bytes, blen) != 1)
		fail("card signature", 0);
	if (ippyo_entry_new_ballot(&e, bytes, blen, g_bytes_get_data(der, NULL),
	    g_bytes_get_size(der), sig, sig_len) != 0)
		fail("ballot entry", 0);
	bytes = ippyo_entry_bytes(e, &elen);
	s->ballots->pdata[i] = g_bytes_new(bytes, elen);
	ippyo_entry_free(e);
	ippyo_ballot_free(b);
	ippyo_choices_free(ch);
	EVP_MD_CTX_free(ctx);
}

static int
fp_cmp(gconstpointer a, gconstpointer b)
{
	return memcmp(a, b, 32);
}

/* Writes the election (keys, manifest entry, roll, CA, CRL, config) into dir. */
static ippyo_entry *
make_election(Setup *s, const char *dir, guint connections)
{
	uint8_t sk[32], pk[32], ceremony[32] = { 1 }, ca_fp[32], roll_hash[32];
	ippyo_note_signer *signer = NULL;
	ippyo_note_verifier *verifier = NULL;
	char *skey = NULL, *vkey = NULL;
	ippyo_scalar *x = ippyo_scalar_new();
	ippyo_point *K = ippyo_point_new();
	ippyo_manifest *draft = NULL, *sealed = NULL;
	ippyo_entry *e0 = NULL;
	g_autofree ippyo_manifest_option_spec *opts = g_new0(ippyo_manifest_option_spec, s->options);
	g_autofree guint8 *sorted = g_memdup2(s->fps, (gsize)s->n * 32);
	g_autoptr(GString) roll = g_string_new(NULL);
	g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *conf = NULL;
	ippyo_manifest_contest_spec contest;
	ippyo_manifest_spec spec;
	unsigned char *ca_der = NULL;
	int ca_len;
	const uint8_t *bytes;
	size_t len;

	if (ippyo_ed25519_keygen(sk, pk) != 0 ||
	    ippyo_note_signer_generate(ORIGIN, IPPYO_NOTE_TYPE_ED25519, &signer) != 0 ||
	    ippyo_note_signer_string(signer, &skey) != 0 ||
	    ippyo_note_signer_verifier(signer, &verifier) != 0 ||
	    ippyo_note_verifier_string(verifier, &vkey) != 0 ||
	    ippyo_scalar_random(x) != 0 || ippyo_point_mul_gen(K, x) != 0)
		fail("keys", 0);
	g_file_set_contents(g_build_filename(dir, "chain.key", NULL), skey, -1, NULL);
	ca_len = i2d_X509(s->ca, &ca_der);
	EVP_Digest(ca_der, (size_t)ca_len, ca_fp, NULL, EVP_sha256(), NULL);
	OPENSSL_free(ca_der);
	write_pem_cert(g_build_filename(dir, "ca.pem", NULL), s->ca);
	write_empty_crl(g_build_filename(dir, "auth.crl", NULL), s->ca, s->ca_key);

	qsort(sorted, s->n, 32, (int (*)(const void *, const void *))fp_cmp);
	for (guint i = 0; i < s->n; i++) {
		for (guint j = 0; j < 32; j++)
			g_string_append_printf(roll, "%02x", sorted[i * 32 + j]);
		g_string_append_c(roll, '\n');
	}
	g_file_set_contents(g_build_filename(dir, "roll.txt", NULL), roll->str, (gssize)roll->len, NULL);
	EVP_Digest(roll->str, roll->len, roll_hash, NULL, EVP_sha256(), NULL);

	for (guint i = 0; i < s->options; i++) {
		char *id = g_strdup_printf("opt-%u", i), *t = g_strdup_printf("Candidate %u", i);

		g_ptr_array_add(strings, id);
		g_ptr_array_add(strings, t);
		opts[i] = (ippyo_manifest_option_spec){ id, t, t };
	}
	contest = (ippyo_manifest_contest_spec){ "mayor", "市長", "Mayor", 1, 1, s->options, opts };
	memset(&spec, 0, sizeof(spec));
	spec.election_id = "bench-election";
	spec.title_ja = "ベンチ";
	spec.title_en = "Bench";
	spec.chain_origin = ORIGIN;
	spec.chain_url = "http://127.0.0.1/";
	spec.chain_vkey = vkey;
	spec.poll_opens = "2020-01-01T00:00:00Z";
	spec.poll_closes = "2199-01-01T00:00:00Z";
	spec.n_contests = 1;
	spec.contests = &contest;
	spec.trustees_n = 1;
	spec.trustees_t = 1;
	memcpy(spec.officials_key, pk, 32);
	memcpy(spec.roll_hash, roll_hash, 32);
	spec.roll_count = s->n;
	spec.n_jpki_ca = 1;
	spec.jpki_ca = (const uint8_t (*)[32])ca_fp;
	if (ippyo_manifest_new_draft(&draft, &spec) != 0)
		fail("manifest", 0);
	{
		const ippyo_point *tk[1] = { K };

		if (ippyo_manifest_seal(&sealed, draft, K, tk, 1, ceremony) != 0 ||
		    ippyo_entry_new_manifest(&e0, sealed, sk) != 0)
			fail("manifest", 0);
	}
	bytes = ippyo_entry_bytes(e0, &len);
	g_file_set_contents(g_build_filename(dir, "entry0.json", NULL), (const char *)bytes, (gssize)len,
	    NULL);
	conf = g_strdup_printf("[election]\nmanifest = entry0.json\nsigning-key = chain.key\n"
	    "[jpki]\nca = ca.pem\ncrl = auth.crl\nroll = roll.txt\n"
	    "[server]\naddress = 127.0.0.1\nport = 0\ndatabase = chain.sqlite\nqueue-limit = %u\n"
	    "[batch]\nmax-entries = 512\nmax-ms = 20\n", MAX(connections * 2, 64u));
	g_file_set_contents(g_build_filename(dir, "chaind.conf", NULL), conf, -1, NULL);

	OPENSSL_cleanse(sk, sizeof(sk));
	OPENSSL_clear_free(skey, strlen(skey));
	OPENSSL_free(vkey);
	ippyo_note_verifier_free(verifier);
	ippyo_note_signer_free(signer);
	ippyo_manifest_free(draft);
	ippyo_manifest_free(sealed);
	ippyo_point_free(K);
	ippyo_scalar_free(x);
	return e0;
}

/* ---- the server thread ---- */

typedef struct {
	ChainConfig *config;
	ChainDaemon *d;
	GMainContext *ctx;
	GMainLoop *loop;
	GMutex lock;
	GCond cond;
	gboolean ready;
	char *error;
} ServerThread;

static gpointer
server_main(gpointer data)
{
	ServerThread *st = data;
	GError *error = NULL;

	st->ctx = g_main_context_new();
	g_main_context_push_thread_default(st->ctx);
	st->loop = g_main_loop_new(st->ctx, FALSE);
	st->d = chain_daemon_new(st->config, &error);
	g_mutex_lock(&st->lock);
	if (st->d == NULL) {
		st->error = g_strdup(error->message);
		g_error_free(error);
	}
	st->ready = TRUE;
	g_cond_signal(&st->cond);
	g_mutex_unlock(&st->lock);
	if (st->d != NULL) {
		g_main_loop_run(st->loop);
		chain_daemon_free(st->d);
	}
	g_main_loop_unref(st->loop);
	g_main_context_pop_thread_default(st->ctx);
	g_main_context_unref(st->ctx);
	return NULL;
}

static gboolean
quit_server_cb(gpointer data)
{
	g_main_loop_quit(((ServerThread *)data)->loop);
	return G_SOURCE_REMOVE;
}

/* ---- the load generator ---- */

/*
 * One thread per connection, blocking sockets, HTTP/1.1 keep-alive, the
 * request written from the pre-signed bytes with one writev: the load
 * generator costs a few microseconds of CPU per ballot, so that what is
 * measured is the server (libsoup's client cost ~0.3 ms of the same 2 cores
 * per ballot).
 */
typedef struct {
	guint16 port;
	GPtrArray *ballots;
	gint next;                /* atomic */
	gint errors;              /* atomic */
	GMutex lock;
	GArray *latencies;        /* double, ms */
	double cpu_s;             /* the connection threads' CPU time */
} Load;

static int
load_connect(guint16 port)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Reads one response; returns its status (or -1), *keep: the connection can be reused. */
static int
load_read_response(int fd, GByteArray *buf, gboolean *keep)
{
	gsize head = 0, clen = 0;
	int status = -1;

	*keep = FALSE;
	g_byte_array_set_size(buf, 0);
	for (;;) {
		guint8 tmp[16384];
		ssize_t n;

		if (head == 0 && buf->len >= 4) {
			const char *p = (const char *)buf->data;
			const char *end = g_strstr_len(p, (gssize)buf->len, "\r\n\r\n");

			if (end != NULL) {
				g_autofree char *h = g_ascii_strdown(p, end - p);
				const char *cl = strstr(h, "\r\ncontent-length:");

				head = (gsize)(end - p) + 4;
				if (buf->len < 12 || strncmp(p, "HTTP/1.1 ", 9) != 0 || cl == NULL)
					return -1;
				status = (int)g_ascii_strtoll(p + 9, NULL, 10);
				clen = (gsize)g_ascii_strtoull(cl + 17, NULL, 10);
				*keep = strstr(h, "\r\nconnection: close") == NULL;
			}
		}
		if (head != 0 && buf->len >= head + clen)
			return buf->len == head + clen ? status : -1;
		n = read(fd, tmp, sizeof(tmp));
		if (n <= 0)
			return -1;
		g_byte_array_append(buf, tmp, (guint)n);
	}
}

static gpointer
load_thread(gpointer data)
{
	Load *l = data;
	g_autoptr(GByteArray) buf = g_byte_array_new();
	g_autoptr(GArray) lat = g_array_new(FALSE, FALSE, sizeof(double));
	int fd = -1;
	gint i;

	while ((i = g_atomic_int_add(&l->next, 1)) < (gint)l->ballots->len) {
		GBytes *b = l->ballots->pdata[i];
		char head[256];
		struct iovec iov[2];
		gsize blen, want, done = 0;
		gint64 start = g_get_monotonic_time();
		gboolean keep = FALSE;
		int status;

		iov[1].iov_base = (void *)g_bytes_get_data(b, &blen);
		iov[1].iov_len = blen;
		iov[0].iov_base = head;
		iov[0].iov_len = (size_t)g_snprintf(head, sizeof(head),
		    "POST /v1/ballots HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
		    "Content-Type: application/json\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
		    l->port, blen);
		want = iov[0].iov_len + blen;
		if (fd < 0 && (fd = load_connect(l->port)) < 0) {
			g_atomic_int_inc(&l->errors);
			continue;
		}
		while (done < want) {
			ssize_t n = writev(fd, iov, 2);

			if (n <= 0)
				break;
			done += (gsize)n;
			for (int k = 0; k < 2 && n > 0; k++) {
				gsize take = MIN((gsize)n, iov[k].iov_len);

				iov[k].iov_base = (char *)iov[k].iov_base + take;
				iov[k].iov_len -= take;
				n -= (ssize_t)take;
			}
		}
		status = done == want ? load_read_response(fd, buf, &keep) : -1;
		if (status == 200) {
			double ms = (double)(g_get_monotonic_time() - start) / 1000.0;

			g_array_append_val(lat, ms);
		} else if (g_atomic_int_add(&l->errors, 1) < 5)
			g_printerr("ippyo-bench chain: ballot %d: status %d %.*s\n", i, status,
			    (int)MIN(buf->len, 200u), (const char *)buf->data);
		if (!keep) {
			close(fd);
			fd = -1;
		}
	}
	if (fd >= 0)
		close(fd);
	g_mutex_lock(&l->lock);
	g_array_append_vals(l->latencies, lat->data, lat->len);
	l->cpu_s += thread_cpu();
	g_mutex_unlock(&l->lock);
	return NULL;
}

/* ---- CPU per ballot by stage, one thread, outside the server ---- */

typedef struct {
	double entry_parse, cert_chain, roll, card_sig, ballot_parse, proofs;
	guint n;
} Stages;

static double
cpu_now(void)
{
	return thread_cpu();
}

/*
 * The checks of POST /v1/ballots one after the other on n pre-signed
 * ballots, each stage timed on this thread's CPU clock (proofs in batches
 * of 64, as the workers do).
 */
static void
measure_stages(Setup *s, const char *dir, guint n, Stages *out)
{
	g_autofree char *ca = g_build_filename(dir, "ca.pem", NULL);
	g_autofree char *crl = g_build_filename(dir, "auth.crl", NULL);
	char *cas[] = { ca, NULL }, *crls[] = { crl, NULL };
	g_autoptr(GError) error = NULL;
	g_autoptr(ChainCards) cards = chain_cards_load(cas, crls, &error);
	g_autofree ippyo_entry **es = g_new0(ippyo_entry *, n);
	g_autofree ippyo_ballot **bs = g_new0(ippyo_ballot *, n);
	g_autofree uint8_t (*voters)[IPPYO_BINDING_BYTES] = g_malloc((gsize)n * IPPYO_BINDING_BYTES);
	g_autofree guint8 *sorted = g_memdup2(s->fps, (gsize)s->n * 32);
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	double t;

	memset(out, 0, sizeof(*out));
	if (cards == NULL)
		fail(error->message, 0);
	n = MIN(n, s->n);
	qsort(sorted, s->n, 32, (int (*)(const void *, const void *))fp_cmp);
	t = cpu_now();
	for (guint i = 0; i < n; i++) {
		gsize len;
		const guint8 *b = g_bytes_get_data(s->ballots->pdata[i], &len);

		if (ippyo_entry_parse(&es[i], b, len) != 0)
			fail("stage: entry", 0);
	}
	out->entry_parse = cpu_now() - t;
	t = cpu_now();
	for (guint i = 0; i < n; i++) {
		if (chain_cards_check_cert(cards, ippyo_entry_certificate(es[i]), ippyo_entry_voter(es[i]),
		    now) != 0)
			fail("stage: certificate", 0);
	}
	out->cert_chain = cpu_now() - t;
	t = cpu_now();
	for (guint i = 0; i < n; i++) {
		if (bsearch(ippyo_entry_voter(es[i]), sorted, s->n, 32,
		    (int (*)(const void *, const void *))fp_cmp) == NULL)
			fail("stage: roll", 0);
	}
	out->roll = cpu_now() - t;
	t = cpu_now();
	for (guint i = 0; i < n; i++) {
		if (ippyo_entry_verify_card(es[i]) != 0)
			fail("stage: card signature", 0);
	}
	out->card_sig = cpu_now() - t;
	t = cpu_now();
	for (guint i = 0; i < n; i++) {
		if (ippyo_entry_parse_ballot(es[i], s->m, &bs[i]) != 0)
			fail("stage: ballot", 0);
		memcpy(voters[i], ippyo_entry_voter(es[i]), IPPYO_BINDING_BYTES);
	}
	out->ballot_parse = cpu_now() - t;
	t = cpu_now();
	for (guint i = 0; i < n; i += 64) {
		g_autofree uint8_t *bad = g_malloc0(64);
		size_t n_bad = 0;

		if (ippyo_ballot_batch_verify(s->m, s->key, (const ippyo_ballot *const *)bs + i,
		    (const uint8_t (*)[IPPYO_BINDING_BYTES])voters + i, MIN(64u, n - i), bad, &n_bad) != 0)
			fail("stage: proofs", 0);
	}
	out->proofs = cpu_now() - t;
	out->n = n;
	for (guint i = 0; i < n; i++) {
		ippyo_ballot_free(bs[i]);
		ippyo_entry_free(es[i]);
	}
}

static int
cmp_double(gconstpointer a, gconstpointer b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
bench_chain(int argc, char **argv)
{
	gint voters = 10000, connections = 64, options = 10, stage_ballots = 256;
	gboolean json = FALSE;
	const GOptionEntry entries[] = {
		{ "voters", 0, 0, G_OPTION_ARG_INT, &voters, "distinct test voters, one ballot each (10000)", "N" },
		{ "connections", 0, 0, G_OPTION_ARG_INT, &connections, "concurrent connections (64)", "N" },
		{ "options", 0, 0, G_OPTION_ARG_INT, &options, "options of the one contest (10)", "N" },
		{ "stage-ballots", 0, 0, G_OPTION_ARG_INT, &stage_ballots,
		    "ballots checked stage by stage on one thread before the load (256; 0: none)", "N" },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "print one JSON object", NULL },
		{ NULL }
	};
	g_autoptr(GOptionContext) octx = g_option_context_new("- ippyo-chaind under load on loopback");
	g_autoptr(GError) error = NULL;
	g_autofree char *dir = NULL;
	Setup s = { 0 };
	ServerThread st = { 0 };
	Load l = { 0 };
	Stages stages = { 0 };
	ippyo_entry *e0;
	GThread *thread;
	GPtrArray *threads;
	double t_setup, wall, cpu0, cpu1, proof_s, server_cpu;
	guint64 bytes0 = 0, bytes1 = 0;
	gint64 t0, t1, proof0;
	bench_report *r;

	g_option_context_add_main_entries(octx, entries, NULL);
	if (!g_option_context_parse(octx, &argc, &argv, &error) || voters < 1 || connections < 1 ||
	    options < 2) {
		g_printerr("ippyo-bench chain: %s\n", error != NULL ? error->message : "bad options");
		return 2;
	}
	if (ippyo_group_init() != 0)
		fail("group", 0);
	dir = g_dir_make_tmp("ippyo-bench-chain-XXXXXX", &error);
	if (dir == NULL)
		fail(error->message, 0);

	/* setup: CA, cards, roll, election, pre-signed ballots */
	t0 = g_get_monotonic_time();
	s.n = (guint)voters;
	s.options = (guint)options;
	s.ca_key = rsa_key();
	s.voter_key = rsa_key();
	s.ca = make_cert("JPKI BENCH AUTH CA", s.ca_key, NULL, s.ca_key, 1, TRUE);
	s.ders = g_ptr_array_new_full(s.n, (GDestroyNotify)g_bytes_unref);
	g_ptr_array_set_size(s.ders, (gint)s.n);
	s.fps = g_malloc0((gsize)s.n * 32);
	bench_parallel(s.n, voter_cert, &s);
	e0 = make_election(&s, dir, (guint)connections);
	s.m = ippyo_entry_manifest(e0);
	if (ippyo_manifest_election_key(s.m, &s.key) != 0)
		fail("election key", 0);
	s.ballots = g_ptr_array_new_full(s.n, (GDestroyNotify)g_bytes_unref);
	g_ptr_array_set_size(s.ballots, (gint)s.n);
	bench_parallel(s.n, voter_ballot, &s);
	t_setup = (double)(g_get_monotonic_time() - t0) / 1e6;
	if (stage_ballots > 0)
		measure_stages(&s, dir, (guint)stage_ballots, &stages);

	/* the server, in its own thread and main context */
	st.config = chain_config_load(g_build_filename(dir, "chaind.conf", NULL), &error);
	if (st.config == NULL)
		fail(error->message, 0);
	g_mutex_init(&st.lock);
	g_cond_init(&st.cond);
	thread = g_thread_new("chaind", server_main, &st);
	g_mutex_lock(&st.lock);
	while (!st.ready)
		g_cond_wait(&st.cond, &st.lock);
	g_mutex_unlock(&st.lock);
	if (st.error != NULL)
		fail(st.error, 0);
	{
		ChainStore *store = chain_store_open(st.config->database, chain_election_entry0(st.d->election),
		    &error);

		if (store == NULL || !chain_store_disk_bytes(store, &bytes0, &error))
			fail(error->message, 0);
		chain_store_close(store);
	}

	/* the load: `connections` requests in flight until every ballot has its receipt */
	l.port = st.d->port;
	l.ballots = s.ballots;
	l.latencies = g_array_new(FALSE, FALSE, sizeof(double));
	g_mutex_init(&l.lock);
	threads = g_ptr_array_new();
	proof0 = chain_validator_proof_cpu_ns(st.d->validator);
	cpu0 = process_cpu();
	t0 = g_get_monotonic_time();
	for (gint i = 0; i < connections; i++)
		g_ptr_array_add(threads, g_thread_new("load", load_thread, &l));
	for (guint i = 0; i < threads->len; i++)
		g_thread_join(threads->pdata[i]);
	t1 = g_get_monotonic_time();
	cpu1 = process_cpu();
	g_ptr_array_unref(threads);
	proof_s = (double)(chain_validator_proof_cpu_ns(st.d->validator) - proof0) / 1e9;
	{
		ChainStore *store = chain_store_open(st.config->database, chain_election_entry0(st.d->election),
		    &error);

		if (store == NULL || !chain_store_disk_bytes(store, &bytes1, &error))
			fail(error->message, 0);
		chain_store_close(store);
	}
	g_main_context_invoke(st.ctx, quit_server_cb, &st);
	g_thread_join(thread);

	wall = (double)(t1 - t0) / 1e6;
	server_cpu = (cpu1 - cpu0) - l.cpu_s;
	g_array_sort(l.latencies, cmp_double);
	r = bench_report_new("ippyo-bench chain: ippyo-chaind on loopback, full validation, durable receipts");
	bench_report_add(r, "voters", voters, "", "distinct test cards, one pre-signed ballot each");
	bench_report_add(r, "options", options, "", "1 contest, choose 1");
	bench_report_add(r, "connections", connections, "", "concurrent HTTP connections");
	bench_report_add(r, "setup_s", t_setup, "s", "making cards and ballots (not measured below)");
	bench_report_add(r, "ballots_per_s", (double)l.latencies->len / wall, "/s",
	    "receipts per second (sustained over the run)");
	if (l.latencies->len > 0) {
		bench_report_add(r, "receipt_p50_ms",
		    g_array_index(l.latencies, double, l.latencies->len / 2), "ms", "POST to receipt, median");
		bench_report_add(r, "receipt_p99_ms",
		    g_array_index(l.latencies, double, MIN(l.latencies->len - 1, l.latencies->len * 99 / 100)),
		    "ms", "POST to receipt, 99th percentile");
	}
	bench_report_add(r, "bytes_per_ballot", (double)(bytes1 - bytes0) / MAX(1u, l.latencies->len),
	    "B", "SQLite growth per ballot (entries, leaf index, checkpoints)");
	bench_report_add(r, "proof_cpu_share", server_cpu > 0 ? proof_s / server_cpu : 0, "",
	    "share of the server's CPU in proof verification");
	bench_report_add(r, "server_cores_busy", server_cpu / wall, "",
	    "server CPU seconds per second of the run");
	bench_report_add(r, "server_cpu_us_per_ballot", l.latencies->len > 0 ?
	    server_cpu * 1e6 / l.latencies->len : 0, "us", "server CPU per accepted ballot (all threads)");
	bench_report_add(r, "client_cpu_us_per_ballot", l.latencies->len > 0 ?
	    l.cpu_s * 1e6 / l.latencies->len : 0, "us", "load generator CPU per ballot (same machine)");
	if (stages.n > 0) {
		double k = 1e6 / stages.n, checks;

		checks = stages.entry_parse + stages.cert_chain + stages.roll + stages.card_sig +
		    stages.ballot_parse + stages.proofs;
		bench_report_add(r, "stage_entry_parse_us", stages.entry_parse * k, "us",
		    "per ballot: entry JSON + canonical check + base64 + certificate parse + SHA-256");
		bench_report_add(r, "stage_cert_chain_crl_us", stages.cert_chain * k, "us",
		    "per ballot: chain to the CA, CA signature, validity, CRL (a new certificate each)");
		bench_report_add(r, "stage_roll_us", stages.roll * k, "us", "per ballot: roll lookup");
		bench_report_add(r, "stage_card_signature_us", stages.card_sig * k, "us",
		    "per ballot: the card's RSA signature over the ballot bytes");
		bench_report_add(r, "stage_ballot_parse_us", stages.ballot_parse * k, "us",
		    "per ballot: ballot fields, point decompression (no JSON parse: the entry's)");
		bench_report_add(r, "stage_proofs_us", stages.proofs * k, "us",
		    "per ballot: proof batch verification, batches of 64");
		bench_report_add(r, "stage_rest_us", l.latencies->len > 0 ?
		    server_cpu * 1e6 / l.latencies->len - checks * k : 0, "us",
		    "per ballot: the rest of the server (HTTP, queues, SQLite, Merkle, signing, receipts)");
	}
	bench_report_add(r, "errors", (double)l.errors, "", "failed submissions");
	bench_report_note(r, "target on a 2-core machine: ballots_per_s >= 1000, receipt_p99_ms <= 250");
	bench_report_print(r, json);
	bench_report_free(r);

	g_array_unref(l.latencies);
	g_mutex_clear(&l.lock);
	chain_config_free(st.config);
	g_ptr_array_unref(s.ballots);
	g_ptr_array_unref(s.ders);
	g_free(s.fps);
	ippyo_election_key_free(s.key);
	ippyo_entry_free(e0);
	X509_free(s.ca);
	EVP_PKEY_free(s.ca_key);
	EVP_PKEY_free(s.voter_key);
	{
		g_autofree char *cmd = NULL;
		const char *names[] = { "chain.sqlite", "chain.sqlite-wal", "chain.sqlite-shm",
		    "chain.sqlite.checkpoint", "chain.key",
		    "ca.pem", "auth.crl", "roll.txt", "entry0.json", "chaind.conf", NULL };

		for (const char **n = names; *n != NULL; n++) {
			g_autofree char *p = g_build_filename(dir, *n, NULL);

			g_unlink(p);
		}
		g_rmdir(dir);
	}
	return l.errors == 0 ? 0 : 1;
}
