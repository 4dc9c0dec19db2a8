/* chain-testtool: builds elections, ballots and close entries for the chain tests,
 * and checks receipts and checkpoints offline with common/log. */
#include <gio/gio.h>
#include <libsoup/soup.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <string.h>

#include "crypto/group.h"
#include "election/ballot.h"
#include "election/entry.h"
#include "election/json.h"
#include "election/manifest.h"
#include "encoding.h"
#include "error.h"
#include "log/checkpoint.h"
#include "log/cosignature.h"
#include "log/merkle.h"
#include "log/note.h"
#include "log/policy.h"
#include "log/receipt.h"

#define ORIGIN "chain.test.example/2027-test-mayor"
#define ELECTION_ID "2027-test-mayor"

static void G_GNUC_NORETURN G_GNUC_PRINTF(1, 2)
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_printerr("chain-testtool: ");
	g_vfprintf(stderr, fmt, ap);
	g_printerr("\n");
	va_end(ap);
	exit(3);
}

static void
check(int r, const char *what)
{
	if (r != 0)
		die("%s: %s", what, ippyo_strerror(r));
}

static GBytes *
read_file(const char *path)
{
	g_autoptr(GError) error = NULL;
	char *data;
	gsize len;

	if (!g_file_get_contents(path, &data, &len, &error))
		die("%s", error->message);
	return g_bytes_new_take(data, len);
}

static void
write_file(const char *path, const void *data, gsize len)
{
	g_autoptr(GError) error = NULL;

	if (!g_file_set_contents(path, data, (gssize)len, &error))
		die("%s", error->message);
}

static char *
hex(const guint8 *b, gsize n)
{
	GString *s = g_string_new(NULL);

	for (gsize i = 0; i < n; i++)
		g_string_append_printf(s, "%02x", b[i]);
	return g_string_free(s, FALSE);
}

static void
unhex(const char *h, guint8 *out, gsize n)
{
	if (strlen(h) != 2 * n)
		die("bad hex length");
	for (gsize i = 0; i < n; i++)
		out[i] = (guint8)(g_ascii_xdigit_value(h[2 * i]) << 4 | g_ascii_xdigit_value(h[2 * i + 1]));
}

/* DER and SHA-256 fingerprint of a PEM certificate file. */
static GBytes *
cert_der(const char *path, guint8 fp[32])
{
	FILE *f = fopen(path, "r");
	X509 *x;
	unsigned char *der = NULL;
	int len;
	GBytes *out;

	if (f == NULL)
		die("%s: cannot open", path);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (x == NULL)
		die("%s: not a PEM certificate", path);
	len = i2d_X509(x, &der);
	X509_free(x);
	if (len <= 0)
		die("%s: DER", path);
	if (fp != NULL && EVP_Digest(der, (size_t)len, fp, NULL, EVP_sha256(), NULL) != 1)
		die("sha256");
	out = g_bytes_new(der, (gsize)len);
	OPENSSL_free(der);
	return out;
}

static int
fp_cmp(gconstpointer a, gconstpointer b)
{
	return memcmp(a, b, 32);
}

/* ---- setup ---- */

static int
cmd_setup(int argc, char **argv)
{
	const char *pki = NULL, *out = NULL, *opens = "2020-01-01T00:00:00Z";
	gint options = 3, quorum = -1;
	g_autofree char *witnesses = NULL;
	const GOptionEntry entries[] = {
		{ "pki", 0, 0, G_OPTION_ARG_STRING, &pki, "test PKI dir", NULL },
		{ "out", 0, 0, G_OPTION_ARG_STRING, &out, "output dir", NULL },
		{ "options", 0, 0, G_OPTION_ARG_INT, &options, "options of the one contest", NULL },
		{ "poll-opens", 0, 0, G_OPTION_ARG_STRING, &opens, "poll opening time", NULL },
		{ "witnesses", 0, 0, G_OPTION_ARG_STRING, &witnesses, "NAME=URL,... (keys made here)", NULL },
		{ "quorum", 0, 0, G_OPTION_ARG_INT, &quorum, "witness quorum", NULL },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("setup");
	g_autoptr(GError) error = NULL;
	uint8_t sk[32], pk[32], ceremony[32], ca_fp[32], roll_hash[32];
	ippyo_note_signer *signer = NULL;
	ippyo_note_verifier *verifier = NULL;
	char *skey = NULL, *vkey = NULL;
	ippyo_scalar *x = ippyo_scalar_new();
	ippyo_point *K = ippyo_point_new();
	ippyo_manifest *draft = NULL, *sealed = NULL;
	ippyo_entry *e0 = NULL;
	g_autoptr(GArray) roll = g_array_new(FALSE, FALSE, 32);
	g_autoptr(GString) rolltext = g_string_new(NULL);
	g_autoptr(GString) conf = g_string_new(NULL);
	g_autofree ippyo_manifest_option_spec *opts = NULL;
	ippyo_manifest_contest_spec contest;
	ippyo_manifest_spec spec;
	const char *voters[] = { "voter-001", "voter-002", "voter-003", "voter-004", "voter-005",
	    "voter-006", "voter-007", "voter-008", "voter-009", "revoked", "expired", NULL };
	g_autofree char *ca_path = NULL;
	const uint8_t *bytes;
	size_t len;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || pki == NULL || out == NULL)
		die("setup --pki DIR --out DIR");
	g_mkdir_with_parents(out, 0700);
	check(ippyo_group_init(), "group");

	/* keys */
	check(ippyo_ed25519_keygen(sk, pk), "officials key");
	{
		g_autofree char *h = hex(sk, 32);

		write_file(g_build_filename(out, "officials.key", NULL), h, strlen(h));
	}
	check(ippyo_note_signer_generate(ORIGIN, IPPYO_NOTE_TYPE_ED25519, &signer), "chain key");
	check(ippyo_note_signer_string(signer, &skey), "chain key");
	check(ippyo_note_signer_verifier(signer, &verifier), "chain vkey");
	check(ippyo_note_verifier_string(verifier, &vkey), "chain vkey");
	write_file(g_build_filename(out, "chain.key", NULL), skey, strlen(skey));
	write_file(g_build_filename(out, "chain.vkey", NULL), vkey, strlen(vkey));
	check(ippyo_scalar_random(x), "x");
	check(ippyo_point_mul_gen(K, x), "K");
	if (EVP_Digest("ceremony", 8, ceremony, NULL, EVP_sha256(), NULL) != 1)
		die("sha256");

	/* CA and roll: voter-010 and foreign are not on it */
	ca_path = g_build_filename(pki, "ca", "auth-ca.crt", NULL);
	g_bytes_unref(cert_der(ca_path, ca_fp));
	for (const char **v = voters; *v != NULL; v++) {
		g_autofree char *p = g_build_filename(pki, "cards", *v, "auth.crt", NULL);
		guint8 fp[32];

		g_bytes_unref(cert_der(p, fp));
		g_array_append_vals(roll, fp, 1);
	}
	g_array_sort(roll, fp_cmp);
	for (guint i = 0; i < roll->len; i++) {
		g_autofree char *h = hex(&g_array_index(roll, guint8, i * 32), 32);

		g_string_append_printf(rolltext, "%s\n", h);
	}
	write_file(g_build_filename(out, "roll.txt", NULL), rolltext->str, rolltext->len);
	if (EVP_Digest(rolltext->str, rolltext->len, roll_hash, NULL, EVP_sha256(), NULL) != 1)
		die("sha256");

	/* manifest: one contest, choose exactly one of `options` */
	opts = g_new0(ippyo_manifest_option_spec, options);
	for (gint i = 0; i < options; i++) {
		opts[i].id = g_strdup_printf("opt-%d", i);
		opts[i].title_ja = g_strdup_printf("候補者 %d", i);
		opts[i].title_en = g_strdup_printf("Candidate %d", i);
	}
	contest = (ippyo_manifest_contest_spec){ "mayor", "市長", "Mayor", 1, 1,
	    (size_t)options, opts };
	memset(&spec, 0, sizeof(spec));
	spec.election_id = ELECTION_ID;
	spec.title_ja = "テスト市長選挙";
	spec.title_en = "Test mayoral election";
	spec.chain_origin = ORIGIN;
	spec.chain_url = "http://127.0.0.1/";
	spec.chain_vkey = vkey;
	spec.poll_opens = opens;
	spec.poll_closes = "2199-01-01T00:00:00Z";
	spec.n_contests = 1;
	spec.contests = &contest;
	spec.trustees_n = 1;
	spec.trustees_t = 1;
	memcpy(spec.officials_key, pk, 32);
	memcpy(spec.roll_hash, roll_hash, 32);
	spec.roll_count = roll->len;
	spec.n_jpki_ca = 1;
	spec.jpki_ca = (const uint8_t (*)[32])ca_fp;
	check(ippyo_manifest_new_draft(&draft, &spec), "draft");
	{
		const ippyo_point *tk[1] = { K };

		check(ippyo_manifest_seal(&sealed, draft, K, tk, 1, ceremony), "seal");
	}
	check(ippyo_entry_new_manifest(&e0, sealed, sk), "manifest entry");
	bytes = ippyo_entry_bytes(e0, &len);
	write_file(g_build_filename(out, "entry0.json", NULL), bytes, len);

	g_string_append_printf(conf, "[election]\nmanifest = entry0.json\nsigning-key = chain.key\n\n"
	    "[jpki]\nca = %s\ncrl = %s/ca/auth.crl\nroll = roll.txt\n\n"
	    "[server]\naddress = 127.0.0.1\nport = 0\ndatabase = chain.sqlite\nport-file = port.txt\n\n"
	    "[batch]\nmax-entries = 256\nmax-ms = 5\n", ca_path, pki);
	if (witnesses != NULL) {
		g_auto(GStrv) ws = g_strsplit(witnesses, ",", -1);

		g_string_append_printf(conf, "\n[witnesses]\nquorum = %d\ntimeout-ms = 3000\n",
		    quorum >= 0 ? quorum : (int)g_strv_length(ws));
		for (char **w = ws; *w != NULL; w++) {
			g_auto(GStrv) kv = g_strsplit(*w, "=", 2);
			ippyo_note_signer *ws_signer = NULL;
			ippyo_note_verifier *wv = NULL;
			char *wsk = NULL, *wvk = NULL;
			g_autofree char *kp = NULL;

			if (kv[0] == NULL || kv[1] == NULL)
				die("--witnesses NAME=URL,...");
			check(ippyo_note_signer_generate(kv[0], IPPYO_NOTE_TYPE_COSIGNATURE, &ws_signer),
			    "witness key");
			check(ippyo_note_signer_string(ws_signer, &wsk), "witness key");
			check(ippyo_note_signer_verifier(ws_signer, &wv), "witness vkey");
			check(ippyo_note_verifier_string(wv, &wvk), "witness vkey");
			kp = g_strdup_printf("%s/witness-%s.key", out, kv[0]);
			write_file(kp, wsk, strlen(wsk));
			g_free(kp);
			kp = g_strdup_printf("%s/witness-%s.vkey", out, kv[0]);
			write_file(kp, wvk, strlen(wvk));
			g_string_append_printf(conf, "\n[witness %s]\nvkey = %s\nurl = %s\n", kv[0], wvk,
			    kv[1]);
			OPENSSL_clear_free(wsk, strlen(wsk));
			OPENSSL_free(wvk);
			ippyo_note_verifier_free(wv);
			ippyo_note_signer_free(ws_signer);
		}
	}
	write_file(g_build_filename(out, "chaind.conf", NULL), conf->str, conf->len);

	for (gint i = 0; i < options; i++) {
		g_free((char *)opts[i].id);
		g_free((char *)opts[i].title_ja);
		g_free((char *)opts[i].title_en);
	}
	ippyo_entry_free(e0);
	ippyo_manifest_free(sealed);
	ippyo_manifest_free(draft);
	ippyo_point_free(K);
	ippyo_scalar_free(x);
	OPENSSL_clear_free(skey, strlen(skey));
	OPENSSL_free(vkey);
	ippyo_note_verifier_free(verifier);
	ippyo_note_signer_free(signer);
	OPENSSL_cleanse(sk, sizeof(sk));
	return 0;
}

/* ---- the election of a setup dir ---- */

typedef struct {
	ippyo_entry *e0;
	const ippyo_manifest *m;
	ippyo_election_key *key;
	ippyo_note_verifier *log_key;
	uint8_t officials_sk[32];
} Election;

static void
election_load(Election *el, const char *dir)
{
	g_autoptr(GBytes) e0 = read_file(g_build_filename(dir, "entry0.json", NULL));
	g_autoptr(GBytes) vkey = read_file(g_build_filename(dir, "chain.vkey", NULL));
	g_autoptr(GBytes) osk = read_file(g_build_filename(dir, "officials.key", NULL));
	g_autofree char *vk = g_strndup(g_bytes_get_data(vkey, NULL), g_bytes_get_size(vkey));
	g_autofree char *sk = g_strndup(g_bytes_get_data(osk, NULL), g_bytes_get_size(osk));

	check(ippyo_group_init(), "group");
	check(ippyo_entry_parse(&el->e0, g_bytes_get_data(e0, NULL), g_bytes_get_size(e0)), "entry0");
	el->m = ippyo_entry_manifest(el->e0);
	check(ippyo_manifest_election_key(el->m, &el->key), "election key");
	check(ippyo_note_verifier_parse(g_strstrip(vk), &el->log_key), "chain vkey");
	unhex(g_strstrip(sk), el->officials_sk, 32);
}

static void
election_clear(Election *el)
{
	ippyo_entry_free(el->e0);
	ippyo_election_key_free(el->key);
	ippyo_note_verifier_free(el->log_key);
	OPENSSL_cleanse(el->officials_sk, 32);
}

static GBytes *
rsa_sign(const char *key_path, const guint8 *msg, gsize len)
{
	FILE *f = fopen(key_path, "r");
	EVP_PKEY *pkey;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	guint8 sig[512];
	size_t sig_len = sizeof(sig);

	if (f == NULL)
		die("%s", key_path);
	pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (pkey == NULL || ctx == NULL ||
	    EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, pkey) != 1 ||
	    EVP_DigestSign(ctx, sig, &sig_len, msg, len) != 1)
		die("RSA signature");
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return g_bytes_new(sig, sig_len);
}

/* Changes one byte inside the first contest proof (a response scalar): the
 * ballot still parses, its proof fails. */
static GBytes *
mutate_ballot(const guint8 *ballot, gsize len, const char *mode)
{
	json_t *root = NULL;
	uint8_t *out = NULL;
	size_t out_len = 0;
	GBytes *res;

	check(ippyo_json_load_canonical(&root, ballot, len, IPPYO_BALLOT_MAX_BYTES), "ballot json");
	if (g_str_equal(mode, "proof")) {
		json_t *c0 = json_array_get(json_object_get(root, "contests"), 0);
		const char *b64 = json_string_value(json_object_get(c0, "proof"));
		uint8_t buf[8192];
		size_t n;
		char *enc = NULL;

		check(ippyo_b64url_decode(b64, strlen(b64), buf, sizeof(buf), &n), "proof b64");
		buf[33 + 33 + 32 + 7] ^= 0x01;
		check(ippyo_b64url_encode(buf, n, &enc), "proof b64");
		json_object_set_new(c0, "proof", json_string(enc));
		OPENSSL_free(enc);
	} else if (g_str_has_prefix(mode, "election-id=")) {
		json_object_set_new(root, "election_id", json_string(mode + strlen("election-id=")));
	} else
		die("unknown mutation %s", mode);
	check(ippyo_json_dump_canonical(root, &out, &out_len, IPPYO_BALLOT_MAX_BYTES), "dump");
	json_decref(root);
	res = g_bytes_new(out, out_len);
	OPENSSL_free(out);
	return res;
}

/* One ballot entry for card_dir. */
static GBytes *
make_ballot(Election *el, const char *card_dir, const char *voter_dir, gint choice,
    const char *mutate, gboolean bad_sig)
{
	g_autofree char *crt = g_build_filename(card_dir, "auth.crt", NULL);
	g_autofree char *key = g_build_filename(card_dir, "auth.key", NULL);
	g_autofree char *vcrt = g_build_filename(voter_dir, "auth.crt", NULL);
	g_autoptr(GBytes) der = NULL, vder = NULL, sig = NULL, mutated = NULL;
	guint8 fp[32], vfp[32], seed[32];
	ippyo_choices *ch = ippyo_choices_new(el->m);
	ippyo_ballot *b = NULL;
	ippyo_entry *e = NULL;
	const uint8_t *bytes;
	size_t len;
	GBytes *out;

	der = cert_der(crt, fp);
	vder = cert_der(vcrt, vfp);
	if (RAND_bytes(seed, sizeof(seed)) != 1)
		die("random");
	check(ippyo_choices_set(ch, 0, (size_t)choice, 1), "choice");
	check(ippyo_ballot_build(&b, el->m, el->key, ch, seed, vfp), "ballot");
	bytes = ippyo_ballot_bytes(b, &len);
	if (mutate != NULL) {
		mutated = mutate_ballot(bytes, len, mutate);
		bytes = g_bytes_get_data(mutated, &len);
	}
	sig = rsa_sign(key, bytes, len);
	if (bad_sig) {
		guint8 *s = g_memdup2(g_bytes_get_data(sig, NULL), g_bytes_get_size(sig));

		s[10] ^= 0x40;
		g_bytes_unref(sig);
		sig = g_bytes_new_take(s, 256);
	}
	check(ippyo_entry_new_ballot(&e, bytes, len, g_bytes_get_data(der, NULL),
	    g_bytes_get_size(der), g_bytes_get_data(sig, NULL), g_bytes_get_size(sig)), "entry");
	bytes = ippyo_entry_bytes(e, &len);
	out = g_bytes_new(bytes, len);
	ippyo_entry_free(e);
	ippyo_ballot_free(b);
	ippyo_choices_free(ch);
	OPENSSL_cleanse(seed, sizeof(seed));
	return out;
}

static int
cmd_ballot(int argc, char **argv)
{
	const char *dir = NULL, *card = NULL, *voter = NULL, *out = NULL, *mutate = NULL;
	gint choice = 0, count = 1;
	gboolean bad_sig = FALSE;
	g_auto(GStrv) cards = NULL;
	const GOptionEntry entries[] = {
		{ "dir", 0, 0, G_OPTION_ARG_STRING, &dir, "setup dir", NULL },
		{ "card", 0, 0, G_OPTION_ARG_STRING, &card, "card dir (comma-separated list with --count)", NULL },
		{ "voter", 0, 0, G_OPTION_ARG_STRING, &voter, "card dir whose binding the proofs use", NULL },
		{ "choice", 0, 0, G_OPTION_ARG_INT, &choice, "option index", NULL },
		{ "mutate", 0, 0, G_OPTION_ARG_STRING, &mutate, "proof | election-id=X", NULL },
		{ "bad-signature", 0, 0, G_OPTION_ARG_NONE, &bad_sig, "corrupt the card signature", NULL },
		{ "count", 0, 0, G_OPTION_ARG_INT, &count, "ballots (OUT.N), cards in turn", NULL },
		{ "out", 0, 0, G_OPTION_ARG_STRING, &out, "output file", NULL },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("ballot");
	g_autoptr(GError) error = NULL;
	Election el = { 0 };

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || dir == NULL || card == NULL ||
	    out == NULL)
		die("ballot --dir D --card CARD --out FILE");
	election_load(&el, dir);
	cards = g_strsplit(card, ",", -1);
	for (gint i = 0; i < count; i++) {
		const char *c = cards[i % g_strv_length(cards)];
		g_autoptr(GBytes) e = make_ballot(&el, c, voter != NULL ? voter : c,
		    count > 1 ? i % (gint)ippyo_manifest_options(el.m, 0) : choice, mutate, bad_sig);
		g_autofree char *path = count > 1 ? g_strdup_printf("%s.%d", out, i) : g_strdup(out);

		write_file(path, g_bytes_get_data(e, NULL), g_bytes_get_size(e));
	}
	election_clear(&el);
	return 0;
}

static int
cmd_close(int argc, char **argv)
{
	const char *dir = NULL, *out = NULL, *election_id = ELECTION_ID;
	gint64 log_size = 1;
	gboolean bad_sig = FALSE;
	const GOptionEntry entries[] = {
		{ "dir", 0, 0, G_OPTION_ARG_STRING, &dir, "setup dir", NULL },
		{ "log-size", 0, 0, G_OPTION_ARG_INT64, &log_size, "size seen", NULL },
		{ "election-id", 0, 0, G_OPTION_ARG_STRING, &election_id, "election id", NULL },
		{ "bad-signature", 0, 0, G_OPTION_ARG_NONE, &bad_sig, "sign with another key", NULL },
		{ "out", 0, 0, G_OPTION_ARG_STRING, &out, "output file", NULL },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("close");
	g_autoptr(GError) error = NULL;
	Election el = { 0 };
	ippyo_entry *e = NULL;
	const uint8_t *bytes;
	size_t len;

	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || dir == NULL || out == NULL)
		die("close --dir D --out FILE");
	election_load(&el, dir);
	if (bad_sig) {
		uint8_t pk[32];

		check(ippyo_ed25519_keygen(el.officials_sk, pk), "key");
	}
	check(ippyo_entry_new_close(&e, election_id, (uint64_t)log_size, "2027-01-01T20:00:00Z",
	    el.officials_sk), "close entry");
	bytes = ippyo_entry_bytes(e, &len);
	write_file(out, bytes, len);
	ippyo_entry_free(e);
	election_clear(&el);
	return 0;
}

/* Verifies a signed checkpoint file; prints "size roothex". */
static ippyo_checkpoint *
open_checkpoint(Election *el, const char *path)
{
	g_autoptr(GBytes) note = read_file(path);
	ippyo_checkpoint *cp = NULL;

	check(ippyo_checkpoint_open(g_bytes_get_data(note, NULL), g_bytes_get_size(note),
	    ippyo_manifest_chain_origin(el->m), el->log_key, &cp, NULL), path);
	return cp;
}

static int
cmd_checkpoint(int argc, char **argv)
{
	Election el = { 0 };
	ippyo_checkpoint *cp;
	g_autofree char *root = NULL;

	if (argc != 4)
		die("checkpoint DIR NOTE");
	election_load(&el, argv[2]);
	cp = open_checkpoint(&el, argv[3]);
	root = hex(cp->root, 32);
	g_print("%" G_GUINT64_FORMAT " %s\n", cp->size, root);
	ippyo_checkpoint_free(cp);
	election_clear(&el);
	return 0;
}

/* verify-receipt DIR ENTRY RESPONSE: the receipt verifies offline for the entry. */
static int
cmd_verify_receipt(int argc, char **argv)
{
	Election el = { 0 };
	g_autoptr(GBytes) entry = NULL, resp = NULL;
	json_t *j;
	json_error_t jerr;
	ippyo_receipt *r = NULL;
	ippyo_checkpoint *cp = NULL;
	const char *text, *leaf_hex;
	guint8 leaf[32];
	g_autofree char *want = NULL;
	ippyo_policy *policy = NULL;
	int rc;

	if (argc != 5 && argc != 6)
		die("verify-receipt DIR ENTRY RESPONSE [POLICY]");
	election_load(&el, argv[2]);
	entry = read_file(argv[3]);
	resp = read_file(argv[4]);
	j = json_loadb(g_bytes_get_data(resp, NULL), g_bytes_get_size(resp), JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL || !json_is_integer(json_object_get(j, "index")) ||
	    (text = json_string_value(json_object_get(j, "receipt"))) == NULL ||
	    (leaf_hex = json_string_value(json_object_get(j, "leaf_hash"))) == NULL)
		die("bad response");
	check(ippyo_merkle_hash_leaf(NULL, g_bytes_get_data(entry, NULL), g_bytes_get_size(entry), leaf),
	    "leaf");
	want = hex(leaf, 32);
	if (!g_str_equal(want, leaf_hex))
		die("leaf hash %s, want %s", leaf_hex, want);
	check(ippyo_receipt_parse((const uint8_t *)text, strlen(text), &r), "receipt parse");
	if (r->index != (uint64_t)json_integer_value(json_object_get(j, "index")))
		die("receipt index differs");
	if (argc == 6) {
		g_autoptr(GBytes) pol = read_file(argv[5]);

		check(ippyo_policy_parse(g_bytes_get_data(pol, NULL), g_bytes_get_size(pol), &policy),
		    "policy");
	}
	rc = ippyo_receipt_verify(r, g_bytes_get_data(entry, NULL), g_bytes_get_size(entry),
	    ippyo_manifest_chain_origin(el.m), el.log_key, policy, &cp);
	ippyo_policy_free(policy);
	check(rc, "receipt verify");
	g_print("%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "\n", r->index, cp->size);
	ippyo_checkpoint_free(cp);
	ippyo_receipt_free(r);
	json_decref(j);
	election_clear(&el);
	return 0;
}

/*
 * consistency DIR OLD_NOTE NEW_NOTE PROOF_JSON: both checkpoints verify
 * under the chain key; exit 0 if the proof shows NEW extends OLD, exit 1
 * (printing both notes as evidence) if not.
 */
static int
cmd_consistency(int argc, char **argv)
{
	Election el = { 0 };
	ippyo_checkpoint *a, *b;
	g_autoptr(GBytes) pj = NULL;
	ippyo_merkle_proof p;
	json_t *j, *arr;
	json_error_t jerr;
	int rc;

	if (argc != 6)
		die("consistency DIR OLD NEW PROOF");
	election_load(&el, argv[2]);
	a = open_checkpoint(&el, argv[3]);
	b = open_checkpoint(&el, argv[4]);
	pj = read_file(argv[5]);
	j = json_loadb(g_bytes_get_data(pj, NULL), g_bytes_get_size(pj), JSON_REJECT_DUPLICATES, &jerr);
	arr = j != NULL ? json_object_get(j, "proof") : NULL;
	if (!json_is_array(arr))
		die("bad proof json");
	ippyo_merkle_proof_init(&p);
	for (size_t i = 0; i < json_array_size(arr); i++) {
		gsize n = 0;
		g_autofree guint8 *h = g_base64_decode(json_string_value(json_array_get(arr, i)), &n);

		check(ippyo_merkle_proof_add(&p, h, n), "proof element");
	}
	rc = ippyo_merkle_verify_consistency(NULL, a->size, b->size, &p, a->root, 32, b->root, 32);
	if (rc != 0) {
		g_autoptr(GBytes) na = read_file(argv[3]);
		g_autoptr(GBytes) nb = read_file(argv[4]);

		/* raw bytes: the notes are UTF-8 evidence, never recoded */
		printf("FORK: %s\n--- checkpoint held ---\n", ippyo_strerror(rc));
		fwrite(g_bytes_get_data(na, NULL), 1, g_bytes_get_size(na), stdout);
		printf("--- checkpoint served ---\n");
		fwrite(g_bytes_get_data(nb, NULL), 1, g_bytes_get_size(nb), stdout);
	} else
		g_print("consistent %" G_GUINT64_FORMAT " -> %" G_GUINT64_FORMAT "\n", a->size, b->size);
	ippyo_checkpoint_free(a);
	ippyo_checkpoint_free(b);
	json_decref(j);
	election_clear(&el);
	return rc == 0 ? 0 : 1;
}

/* ---- a minimal tlog-witness (add-checkpoint) for the tests ---- */

typedef struct {
	ippyo_note_signer *signer;
	Election el;
	guint64 size;
	guint8 root[32];
	gboolean refuse;
} Witness;

static void
witness_answer(SoupServerMessage *msg, guint status, const char *ctype, const char *body)
{
	soup_server_message_set_status(msg, status, NULL);
	soup_server_message_set_response(msg, ctype, SOUP_MEMORY_COPY, body, strlen(body));
}

static void
witness_cb(SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
    gpointer user_data)
{
	Witness *w = user_data;
	SoupMessageBody *body = soup_server_message_get_request_body(msg);
	g_autoptr(GBytes) bytes = soup_message_body_flatten(body);
	g_autofree char *text = g_strndup(g_bytes_get_data(bytes, NULL), g_bytes_get_size(bytes));
	char *sep = strstr(text, "\n\n");
	g_auto(GStrv) lines = NULL;
	ippyo_checkpoint *cp = NULL;
	ippyo_note *note = NULL;
	ippyo_merkle_proof p;
	guint64 old;
	uint8_t sig[IPPYO_COSIGNATURE_BYTES];
	char *line = NULL;

	if (w->refuse) {
		witness_answer(msg, 500, "text/plain", "refusing\n");
		return;
	}
	if (sep == NULL || !g_str_has_prefix(text, "old ")) {
		witness_answer(msg, 400, "text/plain", "bad request\n");
		return;
	}
	*sep = '\0';
	lines = g_strsplit(text, "\n", -1);
	if (!g_ascii_string_to_unsigned(lines[0] + 4, 10, 0, G_MAXINT64, &old, NULL)) {
		witness_answer(msg, 400, "text/plain", "bad old\n");
		return;
	}
	ippyo_merkle_proof_init(&p);
	for (char **l = lines + 1; *l != NULL; l++) {
		gsize n = 0;
		g_autofree guint8 *h = g_base64_decode(*l, &n);

		if (ippyo_merkle_proof_add(&p, h, n) != 0) {
			witness_answer(msg, 400, "text/plain", "bad proof line\n");
			return;
		}
	}
	if (ippyo_checkpoint_open((const uint8_t *)sep + 2, strlen(sep + 2),
	    ippyo_manifest_chain_origin(w->el.m), w->el.log_key, &cp, &note) != 0) {
		witness_answer(msg, 403, "text/plain", "bad checkpoint\n");
		return;
	}
	if (old != w->size) {
		g_autofree char *s = g_strdup_printf("%" G_GUINT64_FORMAT "\n", w->size);

		witness_answer(msg, 409, "text/x.tlog.size", s);
		goto out;
	}
	if (cp->size < old) {
		witness_answer(msg, 400, "text/plain", "smaller than old\n");
		goto out;
	}
	if (old > 0 && ippyo_merkle_verify_consistency(NULL, old, cp->size, &p, w->root, 32,
	    cp->root, 32) != 0) {
		witness_answer(msg, 422, "text/plain", "inconsistent\n");
		goto out;
	}
	check(ippyo_cosignature_sign(w->signer, note->text, note->text_len,
	    (uint64_t)(g_get_real_time() / G_USEC_PER_SEC), sig), "cosign");
	check(ippyo_note_sig_line(ippyo_note_signer_name(w->signer),
	    ippyo_note_signer_key_id(w->signer), sig, sizeof(sig), &line), "line");
	w->size = cp->size;
	memcpy(w->root, cp->root, 32);
	witness_answer(msg, 200, "text/plain; charset=utf-8", line);
	OPENSSL_free(line);
out:
	ippyo_note_free(note);
	ippyo_checkpoint_free(cp);
}

static gboolean
quit_cb(gpointer loop)
{
	g_main_loop_quit(loop);
	return G_SOURCE_REMOVE;
}

/* witness DIR KEYFILE PORTFILE [refuse] */
static int
cmd_witness(int argc, char **argv)
{
	Witness w = { 0 };
	g_autoptr(GBytes) key = NULL;
	g_autofree char *k = NULL;
	g_autoptr(SoupServer) server = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GMainLoop) loop = g_main_loop_new(NULL, FALSE);
	GSList *uris;
	g_autofree char *port = NULL;

	if (argc < 5)
		die("witness DIR KEY PORTFILE [refuse]");
	election_load(&w.el, argv[2]);
	key = read_file(argv[3]);
	k = g_strndup(g_bytes_get_data(key, NULL), g_bytes_get_size(key));
	check(ippyo_note_signer_parse(g_strstrip(k), &w.signer), "witness key");
	w.refuse = argc > 5 && g_str_equal(argv[5], "refuse");
	server = soup_server_new(NULL, NULL);
	soup_server_add_handler(server, "/add-checkpoint", witness_cb, &w, NULL);
	if (!soup_server_listen_local(server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
		die("%s", error->message);
	uris = soup_server_get_uris(server);
	port = g_strdup_printf("%d\n", g_uri_get_port(uris->data));
	g_slist_free_full(uris, (GDestroyNotify)g_uri_unref);
	write_file(argv[4], port, strlen(port));
	g_unix_signal_add(SIGTERM, quit_cb, loop);
	g_main_loop_run(loop);
	ippyo_note_signer_free(w.signer);
	election_clear(&w.el);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		die("setup | ballot | close | checkpoint | verify-receipt | consistency | witness");
	if (g_str_equal(argv[1], "setup"))
		return cmd_setup(argc - 1, argv + 1);
	if (g_str_equal(argv[1], "ballot"))
		return cmd_ballot(argc - 1, argv + 1);
	if (g_str_equal(argv[1], "close"))
		return cmd_close(argc - 1, argv + 1);
	if (g_str_equal(argv[1], "checkpoint"))
		return cmd_checkpoint(argc, argv);
	if (g_str_equal(argv[1], "verify-receipt"))
		return cmd_verify_receipt(argc, argv);
	if (g_str_equal(argv[1], "consistency"))
		return cmd_consistency(argc, argv);
	if (g_str_equal(argv[1], "witness"))
		return cmd_witness(argc, argv);
	die("unknown command %s", argv[1]);
}
