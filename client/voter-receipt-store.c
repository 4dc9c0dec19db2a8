/* ippyo — IppyoReceiptStore: the voter's receipts and checkpoint, and "check my ballot". */
#include "voter-receipt-store.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "election/ballot.h"
#include "election/entry.h"
#include "encoding.h"
#include "error.h"
#include "i18n.h"
#include "voter-error.h"

#define RECEIPT_FILE_MAX (1024 * 1024)

struct _IppyoReceiptStore {
	GObject parent_instance;
	char *dir;
};

G_DEFINE_TYPE(IppyoReceiptStore, ippyo_receipt_store, G_TYPE_OBJECT)

static void
ippyo_receipt_store_finalize(GObject *object)
{
	IppyoReceiptStore *self = IPPYO_RECEIPT_STORE(object);

	g_free(self->dir);
	G_OBJECT_CLASS(ippyo_receipt_store_parent_class)->finalize(object);
}

static void
ippyo_receipt_store_class_init(IppyoReceiptStoreClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = ippyo_receipt_store_finalize;
}

static void
ippyo_receipt_store_init(IppyoReceiptStore *self)
{
}

IppyoReceiptStore *
ippyo_receipt_store_new_for_dir(const char *dir)
{
	IppyoReceiptStore *self = g_object_new(IPPYO_TYPE_RECEIPT_STORE, NULL);

	self->dir = g_strdup(dir);
	return self;
}

IppyoReceiptStore *
ippyo_receipt_store_new(const char *election_id)
{
	g_autofree char *dir = g_build_filename(g_get_user_data_dir(), "ippyo", election_id, NULL);

	return ippyo_receipt_store_new_for_dir(dir);
}

const char *
ippyo_receipt_store_get_dir(IppyoReceiptStore *self)
{
	return self->dir;
}

static gboolean
ensure_dir(IppyoReceiptStore *self, GError **error)
{
	if (g_mkdir_with_parents(self->dir, 0700) != 0) {
		int e = errno;

		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_STORE,
		    _("The folder for your receipts (%s) cannot be created: %s."), self->dir,
		    g_strerror(e));
		return FALSE;
	}
	return TRUE;
}

/* Writes name in the folder atomically (g_file_set_contents: temp + fsync + rename). */
static char *
write_file(IppyoReceiptStore *self, const char *name, const void *data, gsize len,
    GError **error)
{
	g_autofree char *path = NULL;
	g_autoptr(GError) local = NULL;

	if (!ensure_dir(self, error))
		return NULL;
	path = g_build_filename(self->dir, name, NULL);
	if (!g_file_set_contents_full(path, data, len, G_FILE_SET_CONTENTS_CONSISTENT |
	    G_FILE_SET_CONTENTS_DURABLE, 0600, &local)) {
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_STORE,
		    _("Your receipt folder cannot be written: %s."), local->message);
		return NULL;
	}
	return g_steal_pointer(&path);
}

static GBytes *
read_named(IppyoReceiptStore *self, const char *name)
{
	g_autofree char *path = g_build_filename(self->dir, name, NULL);
	char *data;
	gsize len;

	if (!g_file_get_contents(path, &data, &len, NULL))
		return NULL;
	return g_bytes_new_take(data, len);
}

gboolean
ippyo_receipt_store_save_manifest(IppyoReceiptStore *self, GBytes *entry0, GError **error)
{
	g_autoptr(GBytes) old = read_named(self, "manifest.json");
	g_autofree char *path = NULL;

	if (old != NULL) {
		if (g_bytes_equal(old, entry0))
			return TRUE;
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_ELECTION,
		    _("This chain now shows another manifest for the election than the one saved "
		    "with your receipts (%s). Do not vote here; tell the election office."),
		    self->dir);
		return FALSE;
	}
	path = write_file(self, "manifest.json", g_bytes_get_data(entry0, NULL),
	    g_bytes_get_size(entry0), error);
	return path != NULL;
}

GBytes *
ippyo_receipt_store_load_manifest(IppyoReceiptStore *self)
{
	return read_named(self, "manifest.json");
}

static char *
leaf_hex(GBytes *entry)
{
	guint8 leaf[32], zero = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	char hex[65];

	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, &zero, 1) != 1 ||
	    EVP_DigestUpdate(ctx, g_bytes_get_data(entry, NULL), g_bytes_get_size(entry)) != 1 ||
	    EVP_DigestFinal_ex(ctx, leaf, NULL) != 1)
		g_error("SHA-256 failed");
	EVP_MD_CTX_free(ctx);
	ippyo_hex_write(leaf, sizeof(leaf), hex);
	return g_strdup(hex);
}

static char *
b64_of(GBytes *b)
{
	char *s = NULL, *out;

	if (ippyo_b64url_encode(g_bytes_get_data(b, NULL), g_bytes_get_size(b), &s) != 0)
		g_error("out of memory");
	out = g_strdup(s);
	OPENSSL_free(s);
	return out;
}

static GBytes *
b64_decode(const char *s)
{
	size_t n = strlen(s), cap = n * 3 / 4 + 3, len = 0;
	guint8 *buf = g_malloc(cap);

	if (ippyo_b64url_decode(s, n, buf, cap, &len) != 0) {
		g_free(buf);
		return NULL;
	}
	return g_bytes_new_take(buf, len);
}

/* pending-<leaf>.json: {"chain_url":URL,"entry":B64URL,"version":1} */
char *
ippyo_receipt_store_save_pending(IppyoReceiptStore *self, GBytes *entry,
    const char *chain_url, GError **error)
{
	g_autofree char *leaf = leaf_hex(entry), *b64 = b64_of(entry), *name = NULL;
	json_t *root = json_pack("{s:s, s:s, s:i}", "chain_url", chain_url, "entry", b64,
	    "version", 1);
	char *text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS), *path;

	json_decref(root);
	name = g_strdup_printf("pending-%s.json", leaf);
	path = write_file(self, name, text, strlen(text), error);
	free(text);
	return path;
}

void
ippyo_receipt_store_remove_pending(IppyoReceiptStore *self, GBytes *entry)
{
	g_autofree char *leaf = leaf_hex(entry);
	g_autofree char *name = g_strdup_printf("pending-%s.json", leaf);
	g_autofree char *path = g_build_filename(self->dir, name, NULL);

	(void)g_unlink(path);
}

static GPtrArray *
list_prefixed(IppyoReceiptStore *self, const char *prefix)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GDir) d = g_dir_open(self->dir, 0, NULL);
	const char *name;

	if (d == NULL)
		return out;
	while ((name = g_dir_read_name(d)) != NULL)
		if (g_str_has_prefix(name, prefix) && g_str_has_suffix(name, ".json"))
			g_ptr_array_add(out, g_build_filename(self->dir, name, NULL));
	return out;
}

GPtrArray *
ippyo_receipt_store_list_pending(IppyoReceiptStore *self)
{
	g_autoptr(GPtrArray) paths = list_prefixed(self, "pending-");
	GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);

	for (guint i = 0; i < paths->len; i++) {
		g_autofree char *text = NULL;
		json_t *root;
		json_error_t jerr;
		GBytes *entry = NULL;

		if (!g_file_get_contents(paths->pdata[i], &text, NULL, NULL))
			continue;
		root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
		if (root != NULL && json_is_string(json_object_get(root, "entry")))
			entry = b64_decode(json_string_value(json_object_get(root, "entry")));
		json_decref(root);
		if (entry != NULL)
			g_ptr_array_add(out, entry);
	}
	return out;
}

static gint
cmp_index(gconstpointer a, gconstpointer b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	gsize lx = strlen(x), ly = strlen(y);

	/* receipt-<index>.json: shorter numbers first, then by text */
	return lx != ly ? (lx < ly ? -1 : 1) : strcmp(x, y);
}

GPtrArray *
ippyo_receipt_store_list(IppyoReceiptStore *self)
{
	GPtrArray *out = list_prefixed(self, "receipt-");

	g_ptr_array_sort(out, cmp_index);
	return out;
}

/* ---- receipt files ---- */

/*
 * {"chain_url":URL,"election_id":ID,"entry":B64URL,"index":N,"receipt":TEXT,
 *  "recorded_at":TIME,"tracking_code":HEX,"version":1}
 */
static char *
tracking_of_entry(GBytes *entry, GError **error)
{
	ippyo_entry *e = NULL;
	const uint8_t *ballot, *cert, *sig;
	size_t ballot_len, cert_len, sig_len;
	uint8_t code[IPPYO_TRACKING_CODE_BYTES];
	char hex[2 * IPPYO_TRACKING_CODE_BYTES + 1];
	int r;

	if ((r = ippyo_entry_parse(&e, g_bytes_get_data(entry, NULL), g_bytes_get_size(entry))) != 0 ||
	    (r = ippyo_entry_ballot(e, &ballot, &ballot_len, &cert, &cert_len, &sig,
	    &sig_len)) != 0 ||
	    (r = ippyo_entry_verify_card(e)) != 0 ||
	    (r = ippyo_tracking_code(ballot, ballot_len, code)) != 0) {
		ippyo_entry_free(e);
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_BAD_RECEIPT,
		    _("The saved ballot is not a valid signed ballot (%s)."), ippyo_strerror(r));
		return NULL;
	}
	ippyo_entry_free(e);
	ippyo_tracking_code_hex(code, hex);
	return g_strdup(hex);
}

IppyoSavedReceipt *
ippyo_saved_receipt_load(const char *path, GError **error)
{
	static const char *const keys[] = { "chain_url", "election_id", "entry", "index",
	    "receipt", "recorded_at", "tracking_code", "version", NULL };
	g_autofree char *text = NULL;
	gsize len;
	json_t *root = NULL, *v;
	json_error_t jerr;
	const char *k;
	IppyoSavedReceipt *r = NULL;
	gboolean ok = FALSE;

	if (!g_file_get_contents(path, &text, &len, error))
		return NULL;
	r = g_new0(IppyoSavedReceipt, 1);
	if (len > RECEIPT_FILE_MAX ||
	    (root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL ||
	    !json_is_object(root) || json_object_size(root) != 8)
		goto bad;
	json_object_foreach(root, k, v)
		if (!g_strv_contains(keys, k))
			goto bad;
	if (!json_is_integer(json_object_get(root, "version")) ||
	    json_integer_value(json_object_get(root, "version")) != 1)
		goto bad;
	v = json_object_get(root, "index");
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		goto bad;
	r->index = (guint64)json_integer_value(v);
	for (const char *const *s = keys; *s != NULL; s++) {
		if (g_str_equal(*s, "index") || g_str_equal(*s, "version"))
			continue;
		if (!json_is_string(json_object_get(root, *s)))
			goto bad;
	}
	r->chain_url = g_strdup(json_string_value(json_object_get(root, "chain_url")));
	r->election_id = g_strdup(json_string_value(json_object_get(root, "election_id")));
	r->tracking_code = g_strdup(json_string_value(json_object_get(root, "tracking_code")));
	r->recorded_at = g_strdup(json_string_value(json_object_get(root, "recorded_at")));
	v = json_object_get(root, "receipt");
	r->proof = g_bytes_new(json_string_value(v), json_string_length(v));
	if ((r->entry = b64_decode(json_string_value(json_object_get(root, "entry")))) == NULL)
		goto bad;
	ok = TRUE;
 bad:
	json_decref(root);
	if (!ok) {
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_BAD_RECEIPT,
		    _("“%s” is not an ippyo receipt file."), path);
		ippyo_saved_receipt_free(r);
		return NULL;
	}
	return r;
}

void
ippyo_saved_receipt_free(IppyoSavedReceipt *r)
{
	if (r == NULL)
		return;
	g_free(r->election_id);
	g_free(r->chain_url);
	g_clear_pointer(&r->entry, g_bytes_unref);
	g_clear_pointer(&r->proof, g_bytes_unref);
	g_free(r->tracking_code);
	g_free(r->recorded_at);
	g_free(r);
}

IppyoChainReceipt *
ippyo_receipt_verify_offline(IppyoSavedReceipt *saved, IppyoChainClient *client,
    GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autofree char *code = NULL;
	IppyoChainReceipt *rc;

	rc = ippyo_chain_client_verify_receipt(client, saved->entry, saved->proof, &local);
	if (rc == NULL) {
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_BAD_RECEIPT,
		    _("The receipt does not verify with the chain's key: %s"), local->message);
		return NULL;
	}
	if (ippyo_chain_receipt_get_index(rc) != saved->index) {
		ippyo_chain_receipt_unref(rc);
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_BAD_RECEIPT,
		    _("The receipt proves another position in the chain than the one saved."));
		return NULL;
	}
	if ((code = tracking_of_entry(saved->entry, error)) == NULL) {
		ippyo_chain_receipt_unref(rc);
		return NULL;
	}
	if (!g_str_equal(code, saved->tracking_code)) {
		ippyo_chain_receipt_unref(rc);
		g_set_error_literal(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_BAD_RECEIPT,
		    _("The saved tracking code is not the ballot's."));
		return NULL;
	}
	return rc;
}

static gboolean
save_checkpoint(IppyoReceiptStore *self, IppyoSignedCheckpoint *cp, GError **error)
{
	GBytes *note = ippyo_signed_checkpoint_get_note(cp);
	g_autofree char *path = write_file(self, "checkpoint", g_bytes_get_data(note, NULL),
	    g_bytes_get_size(note), error);

	return path != NULL;
}

static char *
now_utc(void)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();

	return g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");
}

static char *
save_evidence(IppyoReceiptStore *self, GBytes *text, const char *why, GError **error)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_utc();
	g_autofree char *stamp = g_date_time_format(now, "%Y%m%dT%H%M%SZ");
	g_autofree char *name = g_strdup_printf("evidence-%s-%08x.txt", stamp, g_random_int());
	g_autoptr(GString) s = g_string_new(NULL);

	g_string_append_printf(s, "# ippyo evidence: %s\n", why);
	g_string_append_len(s, g_bytes_get_data(text, NULL), g_bytes_get_size(text));
	return write_file(self, name, s->str, s->len, error);
}

static GBytes *
evidence_text(IppyoSignedCheckpoint *held, IppyoSignedCheckpoint *served)
{
	GBytes *a = ippyo_signed_checkpoint_get_note(held);
	GBytes *b = ippyo_signed_checkpoint_get_note(served);
	GString *s = g_string_new(NULL);

	g_string_append_printf(s, "-- held %" G_GUINT64_FORMAT "\n",
	    ippyo_signed_checkpoint_get_size(held));
	g_string_append_len(s, g_bytes_get_data(a, NULL), g_bytes_get_size(a));
	g_string_append_printf(s, "-- served %" G_GUINT64_FORMAT "\n",
	    ippyo_signed_checkpoint_get_size(served));
	g_string_append_len(s, g_bytes_get_data(b, NULL), g_bytes_get_size(b));
	return g_string_free_to_bytes(s);
}

/*
 * The saved checkpoint advances to cp only when the chain proves that cp
 * extends it; otherwise the saved one stays, and a fork is kept as evidence
 * (`check` reports it).
 */
static void
advance_checkpoint(IppyoReceiptStore *self, IppyoElection *election, IppyoSignedCheckpoint *cp)
{
	const ippyo_manifest *m = ippyo_election_get_manifest(election);
	g_autoptr(GBytes) saved = read_named(self, "checkpoint");
	g_autoptr(IppyoChainClient) fresh = NULL;
	g_autoptr(IppyoSignedCheckpoint) up = NULL, held = NULL;
	g_autoptr(IppyoForkEvidence) ev = NULL;
	g_autoptr(GError) local = NULL;
	g_autoptr(GBytes) text = NULL;
	g_autofree char *p = NULL;

	if (saved != NULL) {
		fresh = ippyo_chain_client_new(ippyo_election_get_chain_url(election),
		    ippyo_manifest_chain_origin(m), ippyo_manifest_chain_vkey(m), NULL, NULL);
		if (fresh != NULL && ippyo_chain_client_set_trusted_checkpoint(fresh, saved, NULL)) {
			held = ippyo_chain_client_dup_trusted_checkpoint(fresh);
			up = ippyo_chain_client_update_checkpoint_sync(fresh,
			    ippyo_signed_checkpoint_get_note(cp), &ev, NULL, &local);
			if (up == NULL) {
				if (ev != NULL)
					text = ippyo_fork_evidence_to_text(ev);
				else if (g_error_matches(local, IPPYO_NET_ERROR,
				    IPPYO_NET_ERROR_BAD_PROOF))
					text = evidence_text(held, cp);
				if (text != NULL)
					p = save_evidence(self, text, local->message, NULL);
				return;
			}
			if (ippyo_signed_checkpoint_get_size(up) <
			    ippyo_signed_checkpoint_get_size(held))
				return;
		}
	}
	(void)save_checkpoint(self, cp, NULL);
}

char *
ippyo_receipt_store_save(IppyoReceiptStore *self, IppyoElection *election, GBytes *entry,
    IppyoChainReceipt *receipt, GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autoptr(IppyoChainReceipt) again = NULL;
	g_autofree char *code = NULL, *b64 = NULL, *when = NULL, *name = NULL;
	g_autofree char *proof = NULL, *leaf = NULL;
	g_autoptr(GBytes) existing = NULL;
	GBytes *proof_bytes = ippyo_chain_receipt_get_proof(receipt);
	g_autoptr(IppyoSignedCheckpoint) held = NULL;
	json_t *root;
	char *text, *path;

	/* verify before saying "recorded": the proof, offline, for exactly these bytes */
	again = ippyo_chain_client_verify_receipt(ippyo_election_get_client(election), entry,
	    proof_bytes, &local);
	if (again == NULL || ippyo_chain_receipt_get_index(again) !=
	    ippyo_chain_receipt_get_index(receipt)) {
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_BAD_RECEIPT,
		    _("The chain's receipt does not verify (%s): your ballot is NOT known to be "
		    "recorded. Tell the election office."),
		    local != NULL ? local->message : _("another position"));
		return NULL;
	}
	if ((code = tracking_of_entry(entry, error)) == NULL ||
	    !ippyo_receipt_store_save_manifest(self, ippyo_election_get_manifest_entry(election),
	    error))
		return NULL;
	b64 = b64_of(entry);
	when = now_utc();
	proof = g_strndup(g_bytes_get_data(proof_bytes, NULL), g_bytes_get_size(proof_bytes));
	root = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:i}",
	    "chain_url", ippyo_election_get_chain_url(election),
	    "election_id", ippyo_election_get_election_id(election),
	    "entry", b64, "index", (json_int_t)ippyo_chain_receipt_get_index(receipt),
	    "receipt", proof, "recorded_at", when, "tracking_code", code, "version", 1);
	text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(root);
	/* never overwrite a receipt: a receipt of another history is evidence */
	leaf = leaf_hex(entry);
	leaf[16] = '\0';
	name = g_strdup_printf("receipt-%" G_GUINT64_FORMAT "-%s.json",
	    ippyo_chain_receipt_get_index(receipt), leaf);
	existing = read_named(self, name);
	if (existing != NULL) {
		g_autoptr(IppyoSavedReceipt) old = NULL;
		g_autofree char *old_path = g_build_filename(self->dir, name, NULL);

		/* the same ballot at the same place (a duplicate answer): keep the first */
		old = ippyo_saved_receipt_load(old_path, NULL);
		free(text);
		if (old != NULL && g_bytes_equal(old->entry, entry) &&
		    old->index == ippyo_chain_receipt_get_index(receipt))
			return g_steal_pointer(&old_path);
		g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_STORE,
		    _("A different receipt is already saved as %s; it was kept."), old_path);
		return NULL;
	}
	path = write_file(self, name, text, strlen(text), error);
	free(text);
	if (path == NULL)
		return NULL;
	held = ippyo_chain_client_dup_trusted_checkpoint(ippyo_election_get_client(election));
	advance_checkpoint(self, election, held != NULL ? held :
	    ippyo_chain_receipt_get_checkpoint(receipt));
	return path;
}

/* ---- check my ballot ---- */

/* The chain's newest checkpoint, verified alone (signature, origin), not against a held one. */
static IppyoSignedCheckpoint *
fetch_newest(IppyoElection *election, GCancellable *cancellable, GError **error)
{
	const ippyo_manifest *m = ippyo_election_get_manifest(election);
	g_autoptr(IppyoChainClient) fresh = NULL;
	g_autoptr(IppyoForkEvidence) ev = NULL;

	guint initial = 0, max = 0, deadline = 0;

	fresh = ippyo_chain_client_new(ippyo_election_get_chain_url(election),
	    ippyo_manifest_chain_origin(m), ippyo_manifest_chain_vkey(m), NULL, error);
	if (fresh == NULL)
		return NULL;
	/* the same patience as the election's client */
	g_object_get(ippyo_election_get_client(election), "retry-initial-ms", &initial,
	    "retry-max-ms", &max, "retry-deadline-ms", &deadline, NULL);
	g_object_set(fresh, "retry-initial-ms", initial, "retry-max-ms", max,
	    "retry-deadline-ms", deadline, NULL);
	return ippyo_chain_client_fetch_checkpoint_sync(fresh, &ev, cancellable, error);
}

gboolean
ippyo_receipt_store_check_sync(IppyoReceiptStore *self, IppyoElection *election,
    const char *receipt_path, guint64 *size, char **evidence_path,
    GCancellable *cancellable, GError **error)
{
	IppyoChainClient *client = ippyo_election_get_client(election);
	g_autoptr(IppyoSavedReceipt) saved = NULL;
	g_autoptr(IppyoChainReceipt) rc = NULL;
	g_autoptr(IppyoSignedCheckpoint) saved_cp = NULL, newest = NULL;
	g_autoptr(IppyoForkEvidence) ev = NULL;
	g_autoptr(GBytes) saved_note = NULL;
	g_autoptr(GError) local = NULL;
	g_autoptr(IppyoSignedCheckpoint) held = NULL;
	g_autoptr(GBytes) ev_text = NULL;
	IppyoSignedCheckpoint *rcp, *served = NULL;
	const char *why;

	if (size != NULL)
		*size = 0;
	if (evidence_path != NULL)
		*evidence_path = NULL;
	if ((saved = ippyo_saved_receipt_load(receipt_path, error)) == NULL ||
	    (rc = ippyo_receipt_verify_offline(saved, client, error)) == NULL)
		return FALSE;
	rcp = ippyo_chain_receipt_get_checkpoint(rc);
	if ((saved_note = read_named(self, "checkpoint")) != NULL) {
		saved_cp = ippyo_chain_client_verify_checkpoint(client, saved_note, &local);
		if (saved_cp == NULL) {
			g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_BAD_RECEIPT,
			    _("The saved checkpoint does not verify: %s"), local->message);
			return FALSE;
		}
	}
	/*
	 * The newest checkpoint, verified on its own first (signature, origin),
	 * then against each checkpoint the voter holds (the receipt's, the one
	 * saved): a chain that signed both but cannot prove the newer extends
	 * the older has two histories. Both consistent with the newest means
	 * consistent with each other.
	 */
	newest = fetch_newest(election, cancellable, &local);
	if (newest == NULL) {
		ippyo_voter_set_net_error(error, local);
		return FALSE;
	}
	for (int i = 0; i < 2; i++) {
		IppyoSignedCheckpoint *h = i == 0 ? rcp : saved_cp;
		g_autoptr(IppyoSignedCheckpoint) up = NULL;

		if (h == NULL)
			continue;
		if (!ippyo_chain_client_set_trusted_checkpoint(client,
		    ippyo_signed_checkpoint_get_note(h), &local)) {
			ippyo_voter_set_net_error(error, local);
			return FALSE;
		}
		up = ippyo_chain_client_update_checkpoint_sync(client,
		    ippyo_signed_checkpoint_get_note(newest), &ev, cancellable, &local);
		if (up == NULL) {
			served = newest;
			goto failed;
		}
	}
	if (!ippyo_chain_client_prove_inclusion_sync(client, newest,
	    ippyo_chain_receipt_get_leaf_hash(rc), (gint64)saved->index, NULL, cancellable,
	    &local)) {
		if (g_error_matches(local, IPPYO_NET_ERROR, IPPYO_NET_ERROR_NOT_INCLUDED)) {
			g_autoptr(GBytes) text = evidence_text(rcp, newest);
			g_autofree char *p = save_evidence(self, text,
			    "the ballot of the receipt is not in the newer checkpoint", error);

			if (p == NULL)
				return FALSE;
			g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_DROPPED,
			    _("YOUR BALLOT IS NO LONGER IN THE BALLOT CHAIN. The chain dropped it. "
			    "The proof (two checkpoints signed by the chain) is saved in %s. Tell "
			    "the election office and the observers."), p);
			if (evidence_path != NULL)
				*evidence_path = g_steal_pointer(&p);
			return FALSE;
		}
		ippyo_voter_set_net_error(error, local);
		return FALSE;
	}
	if (!save_checkpoint(self, newest, error))
		return FALSE;
	if (size != NULL)
		*size = ippyo_signed_checkpoint_get_size(newest);
	return TRUE;

 failed:
	held = ippyo_chain_client_dup_trusted_checkpoint(client);
	if (ev == NULL && held != NULL && served != NULL &&
	    g_error_matches(local, IPPYO_NET_ERROR, IPPYO_NET_ERROR_BAD_PROOF))
		ev_text = evidence_text(held, served);
	else if (ev != NULL)
		ev_text = ippyo_fork_evidence_to_text(ev);
	if (ev_text != NULL) {
		IppyoSignedCheckpoint *s = ev != NULL ? ippyo_fork_evidence_get_served(ev) : served;
		gboolean dropped = ippyo_signed_checkpoint_get_size(s) <= saved->index;
		g_autofree char *p = NULL;

		why = ev != NULL ? ippyo_fork_evidence_get_reason(ev) :
		    "the chain cannot prove that its newer checkpoint extends the one held";
		if ((p = save_evidence(self, ev_text, why, error)) == NULL)
			return FALSE;
		if (dropped)
			g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_DROPPED,
			    _("YOUR BALLOT IS NO LONGER IN THE BALLOT CHAIN: the chain now shows a "
			    "shorter history than the one that recorded your ballot. The proof (two "
			    "checkpoints signed by the chain) is saved in %s. Tell the election "
			    "office and the observers."), p);
		else
			g_set_error(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_FORK,
			    _("THE BALLOT CHAIN REWROTE ITS HISTORY: what it shows now contradicts "
			    "what it signed when it recorded your ballot (%s). The proof (two "
			    "checkpoints signed by the chain) is saved in %s. Tell the election "
			    "office and the observers."), why, p);
		if (evidence_path != NULL)
			*evidence_path = g_steal_pointer(&p);
		return FALSE;
	}
	ippyo_voter_set_net_error(error, local);
	return FALSE;
}

typedef struct {
	IppyoElection *election;
	char *path;
	guint64 size;
	char *evidence;
} check_job;

static void
check_job_free(gpointer p)
{
	check_job *j = p;

	g_clear_object(&j->election);
	g_free(j->path);
	g_free(j->evidence);
	g_free(j);
}

static void
check_thread(GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
	check_job *j = data;
	GError *error = NULL;

	if (!ippyo_receipt_store_check_sync(source, j->election, j->path, &j->size, &j->evidence,
	    cancellable, &error))
		g_task_return_error(task, error);
	else
		g_task_return_boolean(task, TRUE);
}

void
ippyo_receipt_store_check_async(IppyoReceiptStore *self, IppyoElection *election,
    const char *receipt_path, GCancellable *cancellable, GAsyncReadyCallback callback,
    gpointer user_data)
{
	g_autoptr(GTask) task = g_task_new(self, cancellable, callback, user_data);
	check_job *j = g_new0(check_job, 1);

	j->election = g_object_ref(election);
	j->path = g_strdup(receipt_path);
	g_task_set_source_tag(task, ippyo_receipt_store_check_async);
	g_task_set_task_data(task, j, check_job_free);
	g_task_run_in_thread(task, check_thread);
}

gboolean
ippyo_receipt_store_check_finish(IppyoReceiptStore *self, GAsyncResult *result,
    guint64 *size, char **evidence_path, GError **error)
{
	check_job *j;

	g_return_val_if_fail(g_task_is_valid(result, self), FALSE);
	j = g_task_get_task_data(G_TASK(result));
	if (size != NULL)
		*size = j->size;
	if (evidence_path != NULL)
		*evidence_path = g_steal_pointer(&j->evidence);
	return g_task_propagate_boolean(G_TASK(result), error);
}
