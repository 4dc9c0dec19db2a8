/* ippyo-tally verify — the observer's reference verifier (docs/verification.md). */
#include "tally-verify.h"

#include <string.h>

#include <openssl/crypto.h>

#include "buf.h"
#include "encoding.h"
#include "error.h"
#include "json-wipe.h"
#include "card/cert.h"
#include "crypto/ceremony.h"
#include "election/ballot.h"
#include "election/entry.h"
#include "election/roll.h"
#include "election/signature.h"
#include "log/checkpoint.h"
#include "log/merkle.h"
#include "log/note.h"
#include "log/policy.h"
#include "log/tiles.h"
#include "tally.h"
#include "tally-error.h"

#define STATE_MAX (512u * 1024 * 1024)
#define CHUNK 64            /* ballots per worker task (one batch verification each) */
#define WINDOW 512          /* entries in memory at a time (default) */

/* ---- report ---- */

static void
failure_free(gpointer p)
{
	TallyFailure *f = p;

	g_free(f->rule);
	g_free(f->message);
	g_free(f);
}

void
tally_verify_report_free(TallyVerifyReport *r)
{
	if (r == NULL)
		return;
	g_ptr_array_unref(r->failures);
	g_free(r->checkpoint);
	g_free(r->close_time);
	tally_aggregate_free(r->aggregate);
	if (r->counted != NULL)
		g_array_unref(r->counted);
	if (r->totals != NULL && r->manifest != NULL)
		tally_totals_free(r->totals, ippyo_manifest_contests(r->manifest));
	ippyo_manifest_free(r->manifest);
	g_free(r->evidence);
	g_free(r);
}

static void
fail(TallyVerifyReport *r, guint64 index, const char *rule, const char *format, ...)
    G_GNUC_PRINTF(4, 5);

static void
fail(TallyVerifyReport *r, guint64 index, const char *rule, const char *format, ...)
{
	TallyFailure *f = g_new0(TallyFailure, 1);
	va_list ap;

	f->index = index;
	f->rule = g_strdup(rule);
	va_start(ap, format);
	f->message = g_strdup_vprintf(format, ap);
	va_end(ap);
	g_ptr_array_add(r->failures, f);
}

const TallyFailure *
tally_verify_report_find(const TallyVerifyReport *r, const char *rule, guint64 index)
{
	guint i;

	for (i = 0; i < r->failures->len; i++) {
		const TallyFailure *f = r->failures->pdata[i];

		if (strcmp(f->rule, rule) == 0 && (index == G_MAXUINT64 || f->index == index))
			return f;
	}
	return NULL;
}

static gint
failure_cmp(gconstpointer a, gconstpointer b)
{
	const TallyFailure *x = *(TallyFailure *const *)a, *y = *(TallyFailure *const *)b;

	/* Failures without an entry (the log itself) first, then by entry. */
	if (x->index == y->index)
		return 0;
	if (x->index == G_MAXUINT64)
		return -1;
	if (y->index == G_MAXUINT64)
		return 1;
	return x->index < y->index ? -1 : 1;
}

json_t *
tally_verify_report_to_json(const TallyVerifyReport *r)
{
	json_t *o = json_object(), *fs = json_array();
	guint i;

	for (i = 0; i < r->failures->len; i++) {
		const TallyFailure *f = r->failures->pdata[i];
		json_t *jf = json_object();

		json_object_set_new(jf, "entry", f->index == G_MAXUINT64 ? json_null() :
		    json_integer((json_int_t)f->index));
		json_object_set_new(jf, "rule", json_string(f->rule));
		json_object_set_new(jf, "message", json_string(f->message));
		json_array_append_new(fs, jf);
	}
	json_object_set_new(o, "ok", json_boolean(r->failures->len == 0));
	if (r->manifest != NULL) {
		guint8 h[32];

		json_object_set_new(o, "election_id",
		    json_string(ippyo_manifest_election_id(r->manifest)));
		if (ippyo_manifest_election_hash(r->manifest, h) == 0) {
			g_autofree char *hx = tally_hex(h, 32);

			json_object_set_new(o, "election_hash", json_string(hx));
		}
	}
	json_object_set_new(o, "size", json_integer((json_int_t)r->size));
	json_object_set_new(o, "first_checked", json_integer((json_int_t)r->first_checked));
	json_object_set_new(o, "ballots_checked", json_integer((json_int_t)r->ballots));
	json_object_set_new(o, "closed", json_boolean(r->closed));
	if (r->closed)
		json_object_set_new(o, "close_index", json_integer((json_int_t)r->close_index));
	json_object_set_new(o, "counted", json_integer(r->counted != NULL ?
	    (json_int_t)r->counted->len : 0));
	json_object_set_new(o, "result_verified", json_boolean(r->has_result));
	if (r->checkpoint != NULL)
		json_object_set_new(o, "checkpoint", json_string(r->checkpoint));
	if (r->evidence != NULL)
		json_object_set_new(o, "fork_evidence", json_string(r->evidence));
	json_object_set_new(o, "failures", fs);
	return o;
}

/* ---- the incremental state ---- */

typedef struct {
	gboolean present;
	guint8 election_hash[32];
	char *checkpoint;            /* note text */
	ippyo_merkle_state tree;
	GHashTable *voters;          /* fingerprint hex -> GUINT64 index + 1 */
	gboolean closed;
	guint64 close_index;
	char *close_time;
	GPtrArray *times;            /* "size:time" pairs as guint64[2] */
	GPtrArray *failures;         /* TallyFailure* carried over */
	GPtrArray *partials;         /* GBytes: verified decryption documents (in order) */
	guint64 n_partial_entries;
	gboolean result_seen;
	json_t *result;              /* the verified result's totals [[n, ...], ...], or NULL */
} State;

static void
state_clear(State *s)
{
	g_free(s->checkpoint);
	if (s->voters != NULL)
		g_hash_table_unref(s->voters);
	g_free(s->close_time);
	if (s->times != NULL)
		g_ptr_array_unref(s->times);
	if (s->failures != NULL)
		g_ptr_array_unref(s->failures);
	if (s->partials != NULL)
		g_ptr_array_unref(s->partials);
	json_decref(s->result);
	memset(s, 0, sizeof(*s));
}

static void
state_init(State *s)
{
	memset(s, 0, sizeof(*s));
	ippyo_merkle_state_init(&s->tree);
	s->voters = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	s->times = g_ptr_array_new_with_free_func(g_free);
	s->failures = g_ptr_array_new_with_free_func(failure_free);
	s->partials = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
}

/* A result's totals [c][o] as JSON, and back (the shape checked by state_load). */
static json_t *
totals_to_json(guint64 *const *tot, gsize nc, const gsize *n_options)
{
	json_t *a = json_array();
	gsize c, o;

	for (c = 0; c < nc; c++) {
		json_t *row = json_array();

		for (o = 0; o < n_options[c]; o++)
			json_array_append_new(row, json_integer((json_int_t)tot[c][o]));
		json_array_append_new(a, row);
	}
	return a;
}

static guint64 **
totals_from_json(const json_t *a)
{
	guint64 **tot = g_new0(guint64 *, json_array_size(a));
	gsize c, o;

	for (c = 0; c < json_array_size(a); c++) {
		const json_t *row = json_array_get(a, c);

		tot[c] = g_new0(guint64, json_array_size(row));
		for (o = 0; o < json_array_size(row); o++)
			tot[c][o] = (guint64)json_integer_value(json_array_get(row, o));
	}
	return tot;
}

static gboolean
state_bad(GError **error, const char *path, const char *what)
{
	g_set_error(error, TALLY_ERROR, TALLY_EXIT_INVALID, "%s: not a verifier state file (%s)",
	    path, what);
	return FALSE;
}

/* Aggregate components are stored as 33-byte hex points or "" for O. */
static gboolean
point_from_hex(ippyo_point *p, const char *s)
{
	guint8 b[IPPYO_POINT_BYTES];

	if (s == NULL)
		return FALSE;
	if (s[0] == '\0')
		return ippyo_point_set_infinity(p) == 0;
	return tally_hex_decode(s, b, sizeof(b)) && ippyo_point_parse(p, b, sizeof(b)) == 0;
}

static json_t *
point_to_hex(const ippyo_point *p)
{
	guint8 b[IPPYO_POINT_BYTES];
	g_autofree char *hx = NULL;

	if (ippyo_point_is_infinity(p))
		return json_string("");
	if (ippyo_point_serialize(p, b) != 0)
		return NULL;
	hx = tally_hex(b, sizeof(b));
	return json_string(hx);
}

static gboolean
state_load(State *s, const char *path, const ippyo_manifest *m, TallyAggregate *agg,
    GError **error)
{
	g_autofree char *text = NULL;
	json_t *root, *v, *a;
	json_error_t je;
	const char *k;
	gsize len, i, c, o;
	guint8 tree[8 + 64 * 32];
	gsize tree_len;

	if (!g_file_test(path, G_FILE_TEST_EXISTS))
		return TRUE;
	if (!tally_read_file(path, STATE_MAX, &text, &len, error))
		return FALSE;
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL || !json_is_object(root)) {
		json_decref(root);
		return state_bad(error, path, "not a JSON object");
	}
	s->present = TRUE;
#define NEED(cond, what) do { if (!(cond)) { json_decref(root); return state_bad(error, path, what); } } while (0)
	v = json_object_get(root, "version");
	NEED(json_is_integer(v) && json_integer_value(v) == 1, "version");
	NEED(tally_hex_decode(json_string_value(json_object_get(root, "election_hash")),
	    s->election_hash, 32), "election_hash");
	v = json_object_get(root, "checkpoint");
	NEED(json_is_string(v), "checkpoint");
	s->checkpoint = g_strdup(json_string_value(v));
	v = json_object_get(root, "tree");
	NEED(json_is_string(v) && ippyo_b64url_decode(json_string_value(v),
	    strlen(json_string_value(v)), tree, sizeof(tree), &tree_len) == 0 &&
	    ippyo_merkle_state_parse(&s->tree, tree, tree_len) == 0, "tree");
	v = json_object_get(root, "voters");
	NEED(json_is_object(v), "voters");
	json_object_foreach(v, k, a) {
		NEED(json_is_integer(a) && json_integer_value(a) >= 0 && strlen(k) == 64, "voters");
		g_hash_table_insert(s->voters, g_strdup(k),
		    GSIZE_TO_POINTER((gsize)json_integer_value(a) + 1));
	}
	v = json_object_get(root, "close_index");
	if (v != NULL) {
		NEED(json_is_integer(v) && json_integer_value(v) >= 0, "close_index");
		s->closed = TRUE;
		s->close_index = (guint64)json_integer_value(v);
		v = json_object_get(root, "close_time");
		NEED(json_is_string(v), "close_time");
		s->close_time = g_strdup(json_string_value(v));
	}
	v = json_object_get(root, "times");
	NEED(json_is_array(v), "times");
	for (i = 0; i < json_array_size(v); i++) {
		json_t *p = json_array_get(v, i);
		guint64 *t = g_new0(guint64, 2);

		g_ptr_array_add(s->times, t);
		NEED(json_is_array(p) && json_array_size(p) == 2 &&
		    json_is_integer(json_array_get(p, 0)) && json_is_integer(json_array_get(p, 1)),
		    "times");
		t[0] = (guint64)json_integer_value(json_array_get(p, 0));
		t[1] = (guint64)json_integer_value(json_array_get(p, 1));
	}
	v = json_object_get(root, "failures");
	NEED(json_is_array(v), "failures");
	for (i = 0; i < json_array_size(v); i++) {
		json_t *f = json_array_get(v, i);
		json_t *e = json_object_get(f, "entry");
		TallyFailure *tf;

		NEED(json_is_string(json_object_get(f, "rule")) &&
		    json_is_string(json_object_get(f, "message")), "failures");
		tf = g_new0(TallyFailure, 1);
		tf->index = json_is_integer(e) ? (guint64)json_integer_value(e) : G_MAXUINT64;
		tf->rule = g_strdup(json_string_value(json_object_get(f, "rule")));
		tf->message = g_strdup(json_string_value(json_object_get(f, "message")));
		g_ptr_array_add(s->failures, tf);
	}
	v = json_object_get(root, "partials");
	NEED(json_is_array(v), "partials");
	for (i = 0; i < json_array_size(v); i++) {
		const char *b = json_string_value(json_array_get(v, i));

		NEED(b != NULL, "partials");
		g_ptr_array_add(s->partials, g_bytes_new(b, strlen(b)));
	}
	v = json_object_get(root, "result_seen");
	s->result_seen = json_is_true(v);
	if ((v = json_object_get(root, "result")) != NULL) {
		NEED(json_is_array(v) && json_array_size(v) == agg->n_contests, "result");
		for (c = 0; c < agg->n_contests; c++) {
			a = json_array_get(v, c);
			NEED(json_is_array(a) && json_array_size(a) == agg->n_options[c], "result");
			for (o = 0; o < agg->n_options[c]; o++)
				NEED(json_is_integer(json_array_get(a, o)) &&
				    json_integer_value(json_array_get(a, o)) >= 0, "result");
		}
		s->result = json_incref(v);
	}
	v = json_object_get(root, "counted");
	NEED(json_is_integer(v) && json_integer_value(v) >= 0, "counted");
	agg->counted = (guint64)json_integer_value(v);
	v = json_object_get(root, "aggregate");
	NEED(json_is_array(v) && json_array_size(v) == agg->n_contests, "aggregate");
	for (c = 0; c < agg->n_contests; c++) {
		json_t *row = json_array_get(v, c);

		NEED(json_is_array(row) && json_array_size(row) == 2 * agg->n_options[c], "aggregate");
		for (o = 0; o < agg->n_options[c]; o++) {
			ippyo_point *al = ippyo_point_new(), *be = ippyo_point_new();
			gboolean ok = al != NULL && be != NULL &&
			    point_from_hex(al, json_string_value(json_array_get(row, 2 * o))) &&
			    point_from_hex(be, json_string_value(json_array_get(row, 2 * o + 1))) &&
			    ippyo_ciphertext_set(agg->totals[c][o], al, be) == 0;

			ippyo_point_free(al);
			ippyo_point_free(be);
			NEED(ok, "aggregate");
		}
	}
	(void)m;
#undef NEED
	json_decref(root);
	return TRUE;
}

static gboolean
state_save(const State *s, const char *path, const TallyAggregate *agg, GError **error)
{
	json_t *root = json_object(), *voters = json_object(), *times = json_array();
	json_t *fs = json_array(), *parts = json_array(), *ag = json_array();
	g_autofree char *eh = tally_hex(s->election_hash, 32);
	ippyo_buf *tb = ippyo_buf_new(8 + 64 * 32);
	char *tree = NULL, *text;
	GHashTableIter it;
	gpointer k, v;
	gboolean ok = FALSE;
	gsize c, o;
	guint i;

	if (tb == NULL || ippyo_merkle_state_serialize(&s->tree, tb) != 0 ||
	    ippyo_b64url_encode(ippyo_buf_data(tb), ippyo_buf_len(tb), &tree) != 0) {
		tally_set_ippyo_error(error, IPPYO_ERR_ALLOC, "state");
		goto out;
	}
	g_hash_table_iter_init(&it, s->voters);
	while (g_hash_table_iter_next(&it, &k, &v))
		json_object_set_new(voters, k, json_integer((json_int_t)(GPOINTER_TO_SIZE(v) - 1)));
	for (i = 0; i < s->times->len; i++) {
		const guint64 *t = s->times->pdata[i];

		json_array_append_new(times, json_pack("[II]", (json_int_t)t[0], (json_int_t)t[1]));
	}
	for (i = 0; i < s->failures->len; i++) {
		const TallyFailure *f = s->failures->pdata[i];

		json_array_append_new(fs, json_pack("{s:o,s:s,s:s}", "entry",
		    f->index == G_MAXUINT64 ? json_null() : json_integer((json_int_t)f->index),
		    "rule", f->rule, "message", f->message));
	}
	for (i = 0; i < s->partials->len; i++) {
		gsize len;
		const char *d = g_bytes_get_data(s->partials->pdata[i], &len);

		json_array_append_new(parts, json_stringn(d, len));
	}
	for (c = 0; c < agg->n_contests; c++) {
		json_t *row = json_array();

		for (o = 0; o < agg->n_options[c]; o++) {
			json_array_append_new(row,
			    point_to_hex(ippyo_ciphertext_alpha(agg->totals[c][o])));
			json_array_append_new(row,
			    point_to_hex(ippyo_ciphertext_beta(agg->totals[c][o])));
		}
		json_array_append_new(ag, row);
	}
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "election_hash", json_string(eh));
	json_object_set_new(root, "checkpoint", json_string(s->checkpoint));
	json_object_set_new(root, "tree", json_string(tree));
	json_object_set_new(root, "voters", voters);
	voters = NULL;
	if (s->closed) {
		json_object_set_new(root, "close_index", json_integer((json_int_t)s->close_index));
		json_object_set_new(root, "close_time", json_string(s->close_time));
	}
	json_object_set_new(root, "times", times);
	times = NULL;
	json_object_set_new(root, "failures", fs);
	fs = NULL;
	json_object_set_new(root, "partials", parts);
	parts = NULL;
	json_object_set_new(root, "result_seen", json_boolean(s->result_seen));
	if (s->result != NULL)
		json_object_set(root, "result", s->result);
	json_object_set_new(root, "counted", json_integer((json_int_t)agg->counted));
	json_object_set_new(root, "aggregate", ag);
	ag = NULL;
	text = json_dumps(root, JSON_INDENT(1) | JSON_SORT_KEYS);
	if (text == NULL) {
		tally_set_ippyo_error(error, IPPYO_ERR_ALLOC, "state");
		goto out;
	}
	ok = tally_write_file(path, text, strlen(text), 0644, error);
	ippyo_json_free(text);
out:
	json_decref(root);
	json_decref(voters);
	json_decref(times);
	json_decref(fs);
	json_decref(parts);
	json_decref(ag);
	ippyo_buf_free(tb);
	OPENSSL_free(tree);
	return ok;
}

/* ---- side files ---- */

typedef struct {
	ippyo_roll *roll;
	GPtrArray *cas;              /* ippyo_cert* trusted (fingerprint in the manifest) */
	ippyo_crl *crl;
	ippyo_policy *policy;
} Side;

static void
side_clear(Side *s)
{
	ippyo_roll_free(s->roll);
	if (s->cas != NULL)
		g_ptr_array_unref(s->cas);
	ippyo_crl_free(s->crl);
	ippyo_policy_free(s->policy);
	memset(s, 0, sizeof(*s));
}

static gint
path_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files of a folder, sorted (NULL-terminated, g_strfreev). */
static char **
list_dir(const char *dir)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *n;

	if (d != NULL) {
		while ((n = g_dir_read_name(d)) != NULL)
			if (n[0] != '.')
				g_ptr_array_add(names, g_build_filename(dir, n, NULL));
		g_dir_close(d);
	}
	g_ptr_array_sort(names, path_cmp);
	g_ptr_array_add(names, NULL);
	return (char **)g_ptr_array_free(g_steal_pointer(&names), FALSE);
}

static gboolean
side_load(Side *s, const TallyVerifyOptions *opts, const ippyo_manifest *m,
    TallyVerifyReport *rep, GError **error)
{
	g_autofree char *edir = g_build_filename(opts->dir, TALLY_MIRROR_ELECTION, NULL);
	g_autofree char *roll_path = opts->roll_path != NULL ? g_strdup(opts->roll_path) :
	    g_build_filename(edir, "roll.txt", NULL);
	g_autofree char *policy_path = opts->policy_path != NULL ? g_strdup(opts->policy_path) :
	    g_build_filename(edir, "policy", NULL);
	g_auto(GStrv) ca_dir = NULL, crl_dir = NULL;
	const char *const *cas = opts->ca_paths, *const *crls = opts->crl_paths;
	g_autofree char *text = NULL;
	gsize len, i;
	int r;

	s->cas = g_ptr_array_new_with_free_func((GDestroyNotify)ippyo_cert_free);
	if (!tally_read_file(roll_path, (gsize)IPPYO_ROLL_MAX_ENTRIES * IPPYO_ROLL_LINE_BYTES,
	    &text, &len, error)) {
		g_prefix_error(error, "the voter roll (--roll): ");
		return FALSE;
	}
	if ((r = ippyo_roll_parse(&s->roll, (const guint8 *)text, len)) != 0) {
		tally_set_ippyo_error(error, r, "%s", roll_path);
		return FALSE;
	}
	if (ippyo_roll_check_manifest(s->roll, m) != 0)
		fail(rep, 0, "manifest.roll", "the roll file %s is not the one the manifest pins "
		    "(SHA-256 and count)", roll_path);
	if (cas == NULL || cas[0] == NULL) {
		g_autofree char *d = g_build_filename(edir, "jpki-ca", NULL);

		ca_dir = list_dir(d);
		cas = (const char *const *)ca_dir;
	}
	for (i = 0; cas[i] != NULL; i++) {
		ippyo_cert *c = NULL;
		guint8 fp[32];
		gsize j;
		gboolean pinned = FALSE;

		if ((r = ippyo_cert_load_file(cas[i], &c)) != 0 ||
		    (r = ippyo_cert_fingerprint(c, fp)) != 0) {
			ippyo_cert_free(c);
			tally_set_ippyo_error(error, r, "%s", cas[i]);
			return FALSE;
		}
		for (j = 0; j < ippyo_manifest_jpki_ca_count(m); j++)
			if (memcmp(ippyo_manifest_jpki_ca(m, j), fp, 32) == 0)
				pinned = TRUE;
		if (!pinned) {
			fail(rep, 0, "manifest.ca", "the CA certificate %s is not one the manifest "
			    "names (jpki_ca); it is not trusted", cas[i]);
			ippyo_cert_free(c);
			continue;
		}
		g_ptr_array_add(s->cas, c);
	}
	if (s->cas->len == 0) {
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_USAGE,
		    "no JPKI CA certificate of the manifest given (--ca or %s/jpki-ca/)", edir);
		return FALSE;
	}
	if (crls == NULL || crls[0] == NULL) {
		g_autofree char *d = g_build_filename(edir, "crl", NULL);

		crl_dir = list_dir(d);
		crls = (const char *const *)crl_dir;
	}
	if (crls[0] != NULL) {
		if (crls[1] != NULL) {
			g_set_error(error, TALLY_ERROR, TALLY_EXIT_USAGE,
			    "one CRL at most (the JPKI auth CA's)");
			return FALSE;
		}
		if ((r = ippyo_crl_load_file(crls[0], &s->crl)) != 0) {
			tally_set_ippyo_error(error, r, "%s", crls[0]);
			return FALSE;
		}
	}
	if (g_file_test(policy_path, G_FILE_TEST_EXISTS)) {
		g_autofree char *ptext = NULL;

		if (!tally_read_file(policy_path, IPPYO_POLICY_MAX_BYTES, &ptext, &len, error))
			return FALSE;
		if ((r = ippyo_policy_parse((const guint8 *)ptext, len, &s->policy)) != 0) {
			tally_set_ippyo_error(error, r, "%s", policy_path);
			return FALSE;
		}
	} else if (opts->policy_path != NULL) {
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_IO, "%s: no such file", policy_path);
		return FALSE;
	}
	return TRUE;
}

/* ---- entries of a window, parsed and checked on worker threads ---- */

/*
 * One entry of the window being processed. The main thread fills raw; a
 * worker parses it and, for a ballot, checks it (every rule of section 7) and
 * keeps only what the in-order walk needs: the voter binding, the parsed
 * ballot (its ciphertexts, for the aggregate), and the failures.
 */
typedef struct {
	guint64 index;
	GBytes *raw;                 /* the entry bytes until parsed */
	ippyo_entry *entry;          /* parsed; NULL for a ballot once checked */
	int parse_r;                 /* ippyo_entry_parse's result */
	char *election;              /* the election it names when not the manifest's */
	gboolean is_ballot;
	ippyo_ballot *ballot;        /* parsed (NULL if it did not parse), until checked */
	GPtrArray *sel;              /* a good ballot's ciphertexts (contests, then options) */
	int sel_r;                   /* why sel could not be made (internal) */
	guint8 voter[32];
	gint64 cast_hi;              /* the upper bound of its cast time */
	gboolean ok;                 /* every check passed */
	GPtrArray *fails;            /* TallyFailure* (index set) */
} BallotJob;

struct Run;

/*
 * What is known of a certificate seen before (the cache is keyed by its DER
 * bytes): its validity, and its chain and CRL check at the last time T* it was
 * checked at (with witnesses or a close time, T* is the same for every ballot
 * of a certificate). Every ballot is still checked in full: only the same
 * check on the same bytes is not redone, so the results are those without the
 * cache.
 */
typedef struct {
	gint64 nb, na;
	int validity_r;
	gint64 chain_t;              /* the time the chain was checked at (-1: never) */
	int chain_r;
} CertInfo;

#define CERT_CACHE_MAX 4096   /* certificates; the cache is emptied between windows past it */

typedef struct {
	const ippyo_manifest *m;
	const ippyo_election_key *key;
	const Side *side;
	const struct Run *run;
	gint64 cast_lo;
	gint64 close_time;           /* the first close entry's time, or -1 */
	guint64 first_close;         /* its index in this run, or G_MAXUINT64 */
	gboolean closed0;            /* the poll was closed before this run's entries */
	gint64 now;                  /* the verifier's clock, read once */
	BallotJob *jobs;
	gsize n_jobs;
	gsize chunk;                 /* entries per task and ballots per batch, 1..CHUNK */
	GMutex lock;                 /* certs and their CertInfo, pending */
	GCond done;
	gsize pending;               /* tasks of the window not finished */
	GHashTable *certs;           /* GBytes DER -> CertInfo* */
} BallotShared;

static gint64 cast_hi(const struct Run *run, guint64 i, gint64 close_time,
    gboolean before_close, gint64 now);

static void
job_fail(BallotJob *j, const char *rule, const char *format, ...) G_GNUC_PRINTF(3, 4);

static void
job_fail(BallotJob *j, const char *rule, const char *format, ...)
{
	TallyFailure *f = g_new0(TallyFailure, 1);
	va_list ap;

	f->index = j->index;
	f->rule = g_strdup(rule);
	va_start(ap, format);
	f->message = g_strdup_vprintf(format, ap);
	va_end(ap);
	g_ptr_array_add(j->fails, f);
	j->ok = FALSE;
}

static void
cert_info_free(gpointer p)
{
	g_free(p);
}

/* The cached facts of the entry's certificate (DER der), made on a miss. */
static CertInfo *
cert_lookup(BallotShared *sh, const guint8 *der, gsize len, const ippyo_cert *cert)
{
	GBytes *k = g_bytes_new_static(der, len);
	CertInfo *ci, *other;

	g_mutex_lock(&sh->lock);
	ci = g_hash_table_lookup(sh->certs, k);
	g_mutex_unlock(&sh->lock);
	if (ci != NULL)
		goto out;
	ci = g_new0(CertInfo, 1);
	ci->chain_t = -1;
	ci->validity_r = ippyo_cert_validity(cert, &ci->nb, &ci->na);
	g_mutex_lock(&sh->lock);
	if ((other = g_hash_table_lookup(sh->certs, k)) != NULL) {
		cert_info_free(ci);
		ci = other;
	} else {
		g_hash_table_insert(sh->certs, g_bytes_new(der, len), ci);
	}
	g_mutex_unlock(&sh->lock);
out:
	g_bytes_unref(k);
	return ci;
}

static void
check_certificate(BallotJob *j, BallotShared *sh, const ippyo_cert *cert, CertInfo *ci)
{
	gint64 nb = ci->nb, na = ci->na, lo = sh->cast_lo, hi = j->cast_hi, t;
	int r;
	gboolean cached;

	if (ci->validity_r != 0) {
		job_fail(j, "ballot.cert-format", "the card certificate's validity is unreadable");
		return;
	}
	if (na < lo) {
		job_fail(j, "ballot.cert-expired", "the card certificate expired before the poll "
		    "opened (notAfter %" G_GINT64_FORMAT " < %" G_GINT64_FORMAT ")", na, lo);
		return;
	}
	if (nb > hi) {
		job_fail(j, "ballot.cert-not-yet-valid", "the card certificate was not yet valid "
		    "when the ballot was cast (notBefore %" G_GINT64_FORMAT " > %" G_GINT64_FORMAT
		    ")", nb, hi);
		return;
	}
	/* A time in [lo, hi] at which the certificate is valid: its latest. */
	t = MIN(hi, na);
	g_mutex_lock(&sh->lock);
	cached = ci->chain_t == t;
	r = ci->chain_r;
	g_mutex_unlock(&sh->lock);
	if (!cached) {
		r = ippyo_cert_verify_chain(cert, (const ippyo_cert *const *)sh->side->cas->pdata, sh->side->cas->len,
		    sh->side->crl, t);
		g_mutex_lock(&sh->lock);
		ci->chain_t = t;
		ci->chain_r = r;
		g_mutex_unlock(&sh->lock);
	}
	switch (r) {
	case 0:
		break;
	case IPPYO_ERR_CERT_EXPIRED:
		job_fail(j, "ballot.cert-expired", "the card certificate or its CA was expired at "
		    "%" G_GINT64_FORMAT, t);
		break;
	case IPPYO_ERR_CERT_NOT_YET_VALID:
		job_fail(j, "ballot.cert-not-yet-valid", "the card certificate or its CA was not "
		    "yet valid at %" G_GINT64_FORMAT, t);
		break;
	case IPPYO_ERR_CERT_REVOKED:
		job_fail(j, "ballot.cert-revoked", "the card certificate is on the CRL");
		break;
	case IPPYO_ERR_CRL_INVALID:
		job_fail(j, "ballot.crl", "the CRL is not usable at %" G_GINT64_FORMAT
		    " (stale, not yet valid or not the CA's)", t);
		break;
	default:
		job_fail(j, "ballot.cert-chain", "the card certificate does not chain to a JPKI "
		    "CA of the manifest (%s)", ippyo_strerror(r));
		break;
	}
}

static void
check_ballot(BallotJob *j, BallotShared *sh)
{
	const guint8 *b, *cert_der, *sig;
	size_t blen, clen, slen;
	const ippyo_cert *cert;
	int r;

	j->ok = TRUE;
	if ((r = ippyo_entry_ballot(j->entry, &b, &blen, &cert_der, &clen, &sig, &slen)) != 0) {
		job_fail(j, "entry.parse", "not a ballot entry (%s)", ippyo_strerror(r));
		return;
	}
	memcpy(j->voter, ippyo_entry_voter(j->entry), 32);
	/* The entry parsed its certificate (or it would not have parsed). */
	if ((cert = ippyo_entry_certificate(j->entry)) == NULL)
		job_fail(j, "ballot.cert-format", "the card certificate does not parse");
	else
		check_certificate(j, sh, cert, cert_lookup(sh, cert_der, clen, cert));
	if (!ippyo_roll_contains(sh->side->roll, j->voter))
		job_fail(j, "ballot.roll", "the card certificate's fingerprint is not on the roll");
	if ((r = ippyo_entry_verify_card(j->entry)) != 0)
		job_fail(j, "ballot.card-signature", "the card's signature does not verify over "
		    "the ballot bytes (%s)", ippyo_strerror(r));
	if ((r = ippyo_entry_parse_ballot(j->entry, sh->m, &j->ballot)) != 0) {
		job_fail(j, r == IPPYO_ERR_WRONG_ELECTION ? "ballot.election" : "ballot.parse",
		    "the ballot does not parse against the manifest (%s)", ippyo_strerror(r));
		return;
	}
	if (memcmp(ippyo_ballot_voter(j->ballot), j->voter, 32) != 0)
		job_fail(j, "ballot.voter", "the ballot's voter binding is not the certificate's "
		    "fingerprint");
}

/* Copies of a ballot's ciphertexts, contests then options: what the aggregate needs. */
static int
ballot_selections(const ippyo_manifest *m, const ippyo_ballot *b, GPtrArray **out)
{
	GPtrArray *sel = g_ptr_array_new_with_free_func((GDestroyNotify)ippyo_ciphertext_free);
	gsize c, o;

	*out = NULL;
	for (c = 0; c < ippyo_manifest_contests(m); c++)
		for (o = 0; o < ippyo_manifest_options(m, c); o++) {
			const ippyo_ciphertext *x = ippyo_ballot_selection(b, c, o);
			ippyo_ciphertext *d;

			if (x == NULL) {
				g_ptr_array_unref(sel);
				return IPPYO_ERR_BALLOT_SHAPE;
			}
			if ((d = ippyo_ciphertext_dup(x)) == NULL) {
				g_ptr_array_unref(sel);
				return IPPYO_ERR_ALLOC;
			}
			g_ptr_array_add(sel, d);
		}
	*out = sel;
	return 0;
}

/* One task: entries [start, start + chunk) of the window; their ballots' proofs in one batch. */
static void
window_task(BallotShared *sh, gsize start)
{
	gsize end = MIN(start + sh->chunk, sh->n_jobs), i, n = 0;
	const ippyo_ballot *bl[CHUNK];
	guint8 voters[CHUNK][32];
	gsize map[CHUNK];
	guint8 bad[CHUNK];
	size_t n_bad = 0;
	int r;

	for (i = start; i < end; i++) {
		BallotJob *j = &sh->jobs[i];
		gsize len;
		const guint8 *d = g_bytes_get_data(j->raw, &len);
		gboolean before_close;

		j->parse_r = ippyo_entry_parse(&j->entry, d, len);
		g_clear_pointer(&j->raw, g_bytes_unref);
		if (j->parse_r != 0)
			continue;
		if (strcmp(ippyo_entry_election_id(j->entry), ippyo_manifest_election_id(sh->m)) != 0)
			j->election = g_strdup(ippyo_entry_election_id(j->entry));
		if (ippyo_entry_get_type(j->entry) != IPPYO_ENTRY_BALLOT)
			continue;
		j->is_ballot = TRUE;
		before_close = !sh->closed0 && j->index < sh->first_close;
		j->cast_hi = cast_hi(sh->run, j->index, sh->close_time, before_close, sh->now);
		check_ballot(j, sh);
		if (j->ballot != NULL) {
			bl[n] = j->ballot;
			memcpy(voters[n], j->voter, 32);
			map[n] = i;
			n++;
		}
	}
	if (n > 0) {
		memset(bad, 0, sizeof(bad));
		r = ippyo_ballot_batch_verify(sh->m, sh->key, bl, (const guint8 (*)[32])voters, n,
		    bad, &n_bad);
		for (i = 0; r != 0 && i < n; i++) {
			BallotJob *j = &sh->jobs[map[i]];

			if (r != IPPYO_ERR_BATCH_FAILED)
				job_fail(j, "ballot.proof", "the proofs could not be checked (%s)",
				    ippyo_strerror(r));
			else if (bad[i])
				job_fail(j, "ballot.proof", "a selection or contest proof does not "
				    "verify for this voter");
		}
	}
	/* A checked ballot keeps only its ciphertexts, if it may count (a parsed
	 * ballot with its proofs is about ten times their size). */
	for (i = start; i < end; i++) {
		BallotJob *j = &sh->jobs[i];

		if (!j->is_ballot)
			continue;
		g_clear_pointer(&j->entry, ippyo_entry_free);
		if (j->ok && j->ballot != NULL)
			j->sel_r = ballot_selections(sh->m, j->ballot, &j->sel);
		g_clear_pointer(&j->ballot, ippyo_ballot_free);
	}
}

static void
window_worker(gpointer data, gpointer user_data)
{
	BallotShared *sh = user_data;

	window_task(sh, GPOINTER_TO_SIZE(data) - 1);
	/*
	 * Frees this thread's OpenSSL state (its DRBG above all) now: the pool's
	 * threads are not joined, and one still exiting when the process exits
	 * would lose it to OpenSSL's atexit cleanup (a leak under LeakSanitizer).
	 */
	OPENSSL_thread_stop();
	g_mutex_lock(&sh->lock);
	if (--sh->pending == 0)
		g_cond_signal(&sh->done);
	g_mutex_unlock(&sh->lock);
}

/* Parses and checks the window's entries: on the pool's threads, or here without a pool. */
static gboolean
check_window(BallotShared *sh, GThreadPool *pool, GError **error)
{
	gsize i;

	if (pool == NULL) {
		for (i = 0; i < sh->n_jobs; i += sh->chunk)
			window_task(sh, i);
		return TRUE;
	}
	g_mutex_lock(&sh->lock);
	sh->pending = (sh->n_jobs + sh->chunk - 1) / sh->chunk;
	g_mutex_unlock(&sh->lock);
	for (i = 0; i < sh->n_jobs; i += sh->chunk)
		if (!g_thread_pool_push(pool, GSIZE_TO_POINTER(i + 1), error)) {
			/* Wait for what was pushed before failing. */
			g_mutex_lock(&sh->lock);
			sh->pending -= (sh->n_jobs - i + sh->chunk - 1) / sh->chunk;
			while (sh->pending > 0)
				g_cond_wait(&sh->done, &sh->lock);
			g_mutex_unlock(&sh->lock);
			return FALSE;
		}
	g_mutex_lock(&sh->lock);
	while (sh->pending > 0)
		g_cond_wait(&sh->done, &sh->lock);
	g_mutex_unlock(&sh->lock);
	return TRUE;
}

static void
jobs_clear(GArray *jobs)
{
	guint i;

	for (i = 0; jobs != NULL && i < jobs->len; i++) {
		BallotJob *j = &g_array_index(jobs, BallotJob, i);

		g_clear_pointer(&j->raw, g_bytes_unref);
		g_free(j->election);
		ippyo_entry_free(j->entry);
		ippyo_ballot_free(j->ballot);
		if (j->sel != NULL)
			g_ptr_array_unref(j->sel);
		if (j->fails != NULL)
			g_ptr_array_unref(j->fails);
	}
	if (jobs != NULL)
		g_array_set_size(jobs, 0);
}

/* ---- the aggregate ---- */

static int
aggregate_add(TallyAggregate *agg, GPtrArray *sel, gboolean subtract)
{
	ippyo_point *al = ippyo_point_new(), *be = ippyo_point_new();
	gsize c, o;
	int r = IPPYO_ERR_ALLOC;

	gsize k = 0;

	if (al == NULL || be == NULL)
		goto out;
	for (c = 0; c < agg->n_contests; c++) {
		for (o = 0; o < agg->n_options[c]; o++) {
			const ippyo_ciphertext *x = k < sel->len ? sel->pdata[k++] : NULL;
			ippyo_ciphertext *t = agg->totals[c][o];

			if (x == NULL) {
				r = IPPYO_ERR_BALLOT_SHAPE;
				goto out;
			}
			if (!subtract) {
				if ((r = ippyo_ciphertext_add(t, t, x)) != 0)
					goto out;
				continue;
			}
			if ((r = ippyo_point_sub(al, ippyo_ciphertext_alpha(t),
			    ippyo_ciphertext_alpha(x))) != 0 ||
			    (r = ippyo_point_sub(be, ippyo_ciphertext_beta(t),
			    ippyo_ciphertext_beta(x))) != 0 ||
			    (r = ippyo_ciphertext_set(t, al, be)) != 0)
				goto out;
		}
	}
	r = 0;
out:
	ippyo_point_free(al);
	ippyo_point_free(be);
	return r;
}

/* ---- the run ---- */

static gint
u64_cmp(gconstpointer a, gconstpointer b)
{
	guint64 x = *(const guint64 *)a, y = *(const guint64 *)b;

	return x < y ? -1 : x > y;
}

typedef struct Run {
	const TallyVerifyOptions *opts;
	TallyVerifyReport *rep;
	State st;
	Side side;
	ippyo_manifest *m;           /* borrowed from entry 0 (rep->manifest is a copy) */
	ippyo_election_key *key;
	ippyo_merkle_hasher *h;
	guint64 size;
	gboolean tiles_ok;
	guint64 tile_n;              /* cached level-0 tile */
	guint8 *tile;
	unsigned tile_w;
	TallyAggregate *agg;
} Run;

static gint64
parse_time(const char *s)
{
	GDateTime *dt = g_date_time_new_from_iso8601(s, NULL);
	gint64 t;

	if (dt == NULL)
		return -1;
	t = g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	return t;
}

/* The signed leaf hash of entry i from the level-0 tiles (tiles authenticated). */
static gboolean
tile_leaf(Run *run, guint64 i, guint8 out[32])
{
	guint64 n = i / 256;

	if (!run->tiles_ok)
		return FALSE;
	if (run->tile == NULL || run->tile_n != n) {
		unsigned w = ippyo_tile_width(run->size, 0, n);

		g_free(run->tile);
		run->tile = g_malloc(IPPYO_TILE_BYTES);
		run->tile_n = n;
		run->tile_w = w;
		if (w == 0 || tally_mirror_fetch_tile((void *)run->opts->dir, 0, n, w,
		    run->tile) != 0) {
			g_clear_pointer(&run->tile, g_free);
			return FALSE;
		}
	}
	if (i % 256 >= run->tile_w)
		return FALSE;
	memcpy(out, run->tile + (i % 256) * 32, 32);
	return TRUE;
}

/* Reads one entry from the mirror, authenticated by the signed tiles. */
static ippyo_entry *
read_old_entry(Run *run, guint64 i)
{
	g_autoptr(GPtrArray) one = NULL;
	ippyo_entry *e = NULL;
	guint8 want[32], got[32];
	const guint8 *d;
	gsize len;

	if (!tile_leaf(run, i, want))
		return NULL;
	one = tally_mirror_read_entries(run->opts->dir, run->size, i, i + 1, NULL);
	if (one == NULL || one->len != 1)
		return NULL;
	d = g_bytes_get_data(one->pdata[0], &len);
	if (ippyo_merkle_hash_leaf(run->h, d, len, got) != 0 || memcmp(got, want, 32) != 0 ||
	    ippyo_entry_parse(&e, d, len) != 0)
		return NULL;
	return e;
}

/*
 * Appends the entries of entry bundle n at or after `start` to out, leniently
 * (the mirror may be damaged): every entry that is there, in order. A bundle
 * that is missing or holds more or fewer entries than its width is reported
 * (mirror.bundle, when report) and FALSE returned: reading stops there, the
 * entries it has are still used.
 */
static gboolean
read_bundle(Run *run, guint64 n, guint64 start, GPtrArray *out, gboolean report)
{
	unsigned w = ippyo_tile_width(run->size, IPPYO_TILE_ENTRIES, n), i = 0;
	g_autofree char *path = tally_mirror_tile_path(run->opts->dir, IPPYO_TILE_ENTRIES, n, w);
	g_autofree char *data = NULL;
	gsize len = 0, off = 0;

	if (path == NULL || !tally_read_file(path, (gsize)w * (IPPYO_ENTRY_MAX + 2), &data,
	    &len, NULL)) {
		if (report)
			fail(run->rep, n * 256, "mirror.bundle", "entry bundle %" G_GUINT64_FORMAT
			    " (%u entries) is missing", n, w);
		return FALSE;
	}
	while (off + 2 <= len) {
		gsize l = ((gsize)(guint8)data[off] << 8) | (guint8)data[off + 1];

		if (l == 0 || off + 2 + l > len)
			break;
		if (n * 256 + i >= start)
			g_ptr_array_add(out, g_bytes_new(data + off + 2, l));
		off += 2 + l;
		i++;
	}
	if (off != len || i != w) {
		if (report)
			fail(run->rep, n * 256 + MIN(i, w), "mirror.bundle", "entry bundle %"
			    G_GUINT64_FORMAT " holds %u well-formed entries, the tree has %u there",
			    n, i, w);
		return FALSE;
	}
	return TRUE;
}

/*
 * The first close entry at or after start, found before the ballots are
 * checked (a ballot before it is cast no later than its time, section 7):
 * the bundles are read once more and only the entries that can be a close
 * entry (canonical JSON holding "type":"close") are parsed.
 */
static void
find_close(Run *run, guint64 start, guint64 *index, gint64 *time)
{
	static const char needle[] = "\"type\":\"close\"";
	gboolean more = TRUE;
	guint64 n, idx = start;
	guint i;

	*index = G_MAXUINT64;
	*time = -1;
	for (n = start / 256; more && n * 256 < run->size; n++) {
		g_autoptr(GPtrArray) es = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)g_bytes_unref);

		more = read_bundle(run, n, start, es, FALSE);
		for (i = 0; i < es->len; i++, idx++) {
			gsize len;
			const char *d = g_bytes_get_data(es->pdata[i], &len);
			ippyo_entry *e = NULL;
			uint64_t ls;
			const char *t;

			if (g_strstr_len(d, (gssize)len, needle) == NULL ||
			    ippyo_entry_parse(&e, (const guint8 *)d, len) != 0)
				continue;
			if (ippyo_entry_get_type(e) == IPPYO_ENTRY_CLOSE) {
				if (*index == G_MAXUINT64)
					*index = idx;
				if (ippyo_entry_close(e, &ls, &t) == 0)
					*time = parse_time(t);
			}
			ippyo_entry_free(e);
			if (*index != G_MAXUINT64 && *time >= 0)
				return;
		}
	}
}

static char *
evidence_text(const char *held, guint64 held_size, const char *served, guint64 served_size)
{
	return g_strdup_printf("-- held %" G_GUINT64_FORMAT "\n%s-- served %" G_GUINT64_FORMAT
	    "\n%s", held_size, held, served_size, served);
}

/* Steps 1-3: the checkpoint, its witnesses, and its consistency with the saved one. */
static gboolean
check_checkpoint(Run *run, const guint8 *note_text, gsize note_len, ippyo_checkpoint **cp_out)
{
	TallyVerifyReport *rep = run->rep;
	ippyo_note_verifier *vk = NULL;
	ippyo_note *note = NULL;
	ippyo_checkpoint *cp = NULL;
	gboolean ok = FALSE;
	int r;

	if ((r = ippyo_note_verifier_parse(ippyo_manifest_chain_vkey(run->m), &vk)) != 0) {
		fail(rep, 0, "manifest.chain-key", "the manifest's chain key does not parse (%s)",
		    ippyo_strerror(r));
		goto out;
	}
	if ((r = ippyo_checkpoint_open(note_text, note_len, ippyo_manifest_chain_origin(run->m),
	    vk, &cp, &note)) != 0) {
		fail(rep, G_MAXUINT64, r == IPPYO_ERR_WRONG_ORIGIN ? "checkpoint.origin" :
		    "checkpoint.signature", "the checkpoint is not signed by the chain key of the "
		    "manifest for its origin (%s)", ippyo_strerror(r));
		goto out;
	}
	rep->checkpoint_time = -1;
	if (run->side.policy != NULL) {
		gsize nw = ippyo_policy_witness_count(run->side.policy), i;
		g_autofree const ippyo_note_verifier **ws = g_new0(const ippyo_note_verifier *,
		    nw + 1);
		g_autofree int *ver = g_new0(int, nw + 1);
		g_autofree uint64_t *ts = g_new0(uint64_t, nw + 1);

		if ((r = ippyo_policy_check_note(run->side.policy, note)) != 0)
			fail(rep, G_MAXUINT64, "checkpoint.quorum", "the checkpoint's witness "
			    "cosignatures do not meet the policy (%s)", ippyo_strerror(r));
		for (i = 0; i < nw; i++)
			ws[i] = ippyo_policy_witness(run->side.policy, i);
		if (nw > 0 && ippyo_note_verify(note, ws, nw, ver, ts) == 0)
			for (i = 0; i < nw; i++)
				if (ver[i] && (rep->checkpoint_time < 0 ||
				    (gint64)ts[i] < rep->checkpoint_time))
					rep->checkpoint_time = (gint64)ts[i];
	}
	if (run->st.present) {
		guint64 old = ippyo_merkle_state_size(&run->st.tree);

		if (cp->size < old) {
			fail(rep, G_MAXUINT64, "log.rollback", "the checkpoint (size %"
			    G_GUINT64_FORMAT ") is smaller than the one verified before (size %"
			    G_GUINT64_FORMAT ")", cp->size, old);
			rep->evidence = evidence_text(run->st.checkpoint, old,
			    (const char *)note_text, cp->size);
			goto out;
		}
	}
	*cp_out = cp;
	cp = NULL;
	ok = TRUE;
out:
	ippyo_checkpoint_free(cp);
	ippyo_note_free(note);
	ippyo_note_verifier_free(vk);
	return ok;
}

/* Fetches and parses entry 0 (the manifest) without trusting it yet: the first
 * entry of bundle 0, read on its own (the rest of the bundle may be damaged). */
static ippyo_entry *
load_manifest_entry(Run *run, GError **error)
{
	unsigned w = ippyo_tile_width(run->size, IPPYO_TILE_ENTRIES, 0);
	g_autofree char *path = tally_mirror_tile_path(run->opts->dir, IPPYO_TILE_ENTRIES, 0, w);
	g_autofree char *data = NULL;
	ippyo_entry *e = NULL;
	gsize len, l;
	int r = IPPYO_ERR_BUNDLE_FORMAT;

	if (path == NULL || !tally_read_file(path, (gsize)w * (IPPYO_ENTRY_MAX + 2), &data, &len,
	    error))
		return NULL;
	l = len >= 2 ? ((gsize)(guint8)data[0] << 8) | (guint8)data[1] : 0;
	if (l == 0 || l + 2 > len ||
	    (r = ippyo_entry_parse(&e, (const guint8 *)data + 2, l)) != 0 ||
	    ippyo_entry_get_type(e) != IPPYO_ENTRY_MANIFEST) {
		ippyo_entry_free(e);
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_VERIFY,
		    "entry 0 is not a sealed manifest entry (%s): nothing can be verified",
		    r != 0 ? ippyo_strerror(r) : "another type");
		return NULL;
	}
	return e;
}

/* The cast-time upper bound of entry i (docs/verification.md, "Cast time"). */
static gint64
cast_hi(const Run *run, guint64 i, gint64 close_time, gboolean before_close, gint64 now)
{
	guint k;

	for (k = 0; k < run->st.times->len; k++) {
		const guint64 *t = run->st.times->pdata[k];

		if (t[0] > i)
			return (gint64)t[1];
	}
	if (run->rep->checkpoint_time >= 0)
		return run->rep->checkpoint_time;
	if (before_close && close_time >= 0)
		return close_time;
	return now;
}

typedef struct {
	ippyo_ceremony_commitments *c;
	guint64 index;
} CeremonyFile;

static void
check_ceremony(Run *run, GArray *files)
{
	ippyo_ceremony_params p;
	g_autofree ippyo_ceremony_commitments **all = NULL;
	ippyo_ceremony_result *res = NULL;
	uint32_t bad = 0, j, n = ippyo_manifest_trustees_n(run->m);
	guint i;
	int r, ok = 1;

	if (files->len == 0)
		return;
	memset(&p, 0, sizeof(p));
	ippyo_manifest_draft_hash(run->m, p.context);
	p.threshold = ippyo_manifest_trustees_t(run->m);
	p.trustees = n;
	all = g_new0(ippyo_ceremony_commitments *, files->len);
	for (i = 0; i < files->len; i++)
		all[i] = g_array_index(files, CeremonyFile, i).c;
	r = ippyo_ceremony_result_compute(&p, all, files->len, &res, &bad);
	if (r != 0) {
		guint64 at = g_array_index(files, CeremonyFile, 0).index;

		for (i = 0; i < files->len; i++)
			if (ippyo_ceremony_commitments_index(all[i]) == bad)
				at = g_array_index(files, CeremonyFile, i).index;
		fail(run->rep, at, "ceremony.commitments", "the ceremony's commitments do not "
		    "verify%s (trustee %u: %s)", files->len < n ? " or are incomplete" : "", bad,
		    ippyo_strerror(r));
		return;
	}
	if (ippyo_point_eq(ippyo_ceremony_result_election_key(res),
	    ippyo_manifest_election_key_point(run->m)) != 1)
		ok = 0;
	for (j = 1; j <= n; j++)
		if (ippyo_point_eq(ippyo_ceremony_result_verification_key(res, j),
		    ippyo_manifest_trustee_key(run->m, j)) != 1)
			ok = 0;
	if (memcmp(ippyo_ceremony_result_transcript(res), ippyo_manifest_ceremony_hash(run->m),
	    32) != 0)
		ok = 0;
	if (!ok)
		fail(run->rep, 0, "ceremony.result", "the election key, trustee keys or ceremony "
		    "hash of the manifest are not those the ceremony's commitments give");
	ippyo_ceremony_result_free(res);
}

static void
check_manifest_entry(Run *run, ippyo_entry *e)
{
	guint8 h[32];
	int r;

	if ((r = ippyo_entry_verify_officials(e, ippyo_manifest_officials_key(run->m))) != 0)
		fail(run->rep, 0, "manifest.signature", "the officials' signature of the manifest "
		    "does not verify (%s)", ippyo_strerror(r));
	if (ippyo_manifest_election_hash(run->m, h) == 0) {
		if (run->opts->election_hash != NULL) {
			g_autofree char *hx = tally_hex(h, 32);

			if (g_ascii_strcasecmp(hx, run->opts->election_hash) != 0)
				fail(run->rep, 0, "manifest.pinned", "the election hash is %s, not "
				    "the pinned %s", hx, run->opts->election_hash);
		}
		if (run->st.present && memcmp(h, run->st.election_hash, 32) != 0)
			fail(run->rep, 0, "manifest.pinned", "entry 0 is not the manifest of the "
			    "earlier runs (state file)");
	}
}

/* The ballot of entry pi in this window, or NULL. */
static BallotJob *
window_job(GArray *jobs, guint64 pi)
{
	BallotJob *first;

	if (jobs->len == 0)
		return NULL;
	first = &g_array_index(jobs, BallotJob, 0);
	if (pi < first->index || pi - first->index >= jobs->len)
		return NULL;
	return &g_array_index(jobs, BallotJob, pi - first->index);
}

/* Subtracts the ballot that entry idx supersedes: in this window, or read again. */
static int
supersede(Run *run, GArray *jobs, guint64 pi)
{
	BallotJob *pj = window_job(jobs, pi);
	ippyo_entry *old = NULL;
	ippyo_ballot *ob = NULL;
	GPtrArray *sel = NULL;
	int r;

	if (pj != NULL && pj->sel != NULL)
		return aggregate_add(run->agg, pj->sel, TRUE);
	if ((old = read_old_entry(run, pi)) == NULL)
		return IPPYO_ERR_NOT_FOUND;
	{
		const guint8 *b, *c, *s;
		size_t bl, cl, sl;

		r = ippyo_entry_ballot(old, &b, &bl, &c, &cl, &s, &sl);
		if (r == 0)
			r = ippyo_entry_parse_ballot(old, run->m, &ob);
		if (r == 0)
			r = ballot_selections(run->m, ob, &sel);
		if (r == 0)
			r = aggregate_add(run->agg, sel, TRUE);
	}
	if (sel != NULL)
		g_ptr_array_unref(sel);
	ippyo_ballot_free(ob);
	ippyo_entry_free(old);
	return r;
}

/* Step 8 over one window's entries, in order (section 8 to 10 of docs/verification.md). */
static gboolean
walk_window(Run *run, GArray *jobs, gboolean *closed, guint64 close_idx, GPtrArray *partials,
    GHashTable *seen_trustee, GError **error)
{
	TallyVerifyReport *rep = run->rep;
	guint i;
	int r;

	for (i = 0; i < jobs->len; i++) {
		BallotJob *j = &g_array_index(jobs, BallotJob, i);
		guint64 idx = j->index;
		ippyo_entry *e = j->entry;
		ippyo_entry_type t;

		if (j->parse_r != 0)
			continue;
		t = j->is_ballot ? IPPYO_ENTRY_BALLOT : ippyo_entry_get_type(e);
		if (t == IPPYO_ENTRY_CLOSE && idx == close_idx)
			*closed = TRUE;
		if (t == IPPYO_ENTRY_BALLOT) {
			g_autofree char *vhex = NULL;
			gpointer prev;

			if (*closed) {
				fail(rep, idx, "ballot.after-close", "a ballot after the close "
				    "entry (index %" G_GUINT64_FORMAT "): never counted", close_idx);
				continue;
			}
			if (!j->ok)
				continue;   /* its failures are reported; never counted */
			if (j->sel == NULL) {
				tally_set_ippyo_error(error, j->sel_r, "ballot %" G_GUINT64_FORMAT,
				    idx);
				return FALSE;
			}
			vhex = tally_hex(j->voter, 32);
			prev = g_hash_table_lookup(run->st.voters, vhex);
			if ((r = aggregate_add(run->agg, j->sel, FALSE)) != 0) {
				tally_set_ippyo_error(error, r, "aggregate");
				return FALSE;
			}
			if (prev != NULL) {
				guint64 pi = GPOINTER_TO_SIZE(prev) - 1;

				if ((r = supersede(run, jobs, pi)) != 0) {
					tally_set_ippyo_error(error, r, "the superseded ballot %"
					    G_GUINT64_FORMAT, pi);
					return FALSE;
				}
			} else {
				run->agg->counted++;
			}
			g_hash_table_replace(run->st.voters, g_steal_pointer(&vhex),
			    GSIZE_TO_POINTER(idx + 1));
			continue;
		}
		if (t == IPPYO_ENTRY_DECRYPTION) {
			const char *name;
			const uint8_t *d;
			size_t len;
			TallyPartial *p;
			g_autoptr(GError) le = NULL;
			gsize bc, bo;

			if (!*closed) {
				fail(rep, idx, "decryption.before-close", "a decryption entry "
				    "before the close entry");
				continue;
			}
			if (ippyo_entry_verify_officials(e, ippyo_manifest_officials_key(run->m)))
				fail(rep, idx, "decryption.signature", "the officials' signature "
				    "does not verify");
			if (ippyo_entry_get_document(e, 0, &name, &d, &len) != 0 ||
			    (p = tally_partial_from_bytes(run->m, d, len, &le)) == NULL) {
				fail(rep, idx, "decryption.document", "the partial decryption "
				    "document does not parse (%s)", le != NULL ? le->message : "");
				continue;
			}
			if (p->trustee != ippyo_entry_trustee(e)) {
				fail(rep, idx, "decryption.document", "the entry says trustee %u, "
				    "its document trustee %u", ippyo_entry_trustee(e), p->trustee);
				tally_partial_free(p);
				continue;
			}
			if (!tally_partial_verify(p, run->m, run->agg, &bc, &bo, &le)) {
				fail(rep, idx, "decryption.proof", "%s", le->message);
				tally_partial_free(p);
				continue;
			}
			if (g_hash_table_contains(seen_trustee, GUINT_TO_POINTER(p->trustee))) {
				fail(rep, idx, "decryption.duplicate", "a second decryption by "
				    "trustee %u", p->trustee);
				tally_partial_free(p);
				continue;
			}
			g_hash_table_add(seen_trustee, GUINT_TO_POINTER(p->trustee));
			g_ptr_array_add(run->st.partials, g_bytes_new(d, len));
			g_ptr_array_add(partials, p);
			continue;
		}
		if (t == IPPYO_ENTRY_RESULT) {
			uint64_t ci, counted;
			size_t nc, c, o;
			guint64 **tot = NULL;
			gsize bc, bo;
			g_autoptr(GError) le = NULL;

			if (!*closed) {
				fail(rep, idx, "result.before-close", "a result entry before the "
				    "close entry");
				continue;
			}
			if (run->st.result_seen) {
				fail(rep, idx, "result.duplicate", "a second result entry; the "
				    "log holds one");
				continue;
			}
			run->st.result_seen = TRUE;
			if (ippyo_entry_verify_officials(e, ippyo_manifest_officials_key(run->m)))
				fail(rep, idx, "result.signature", "the officials' signature "
				    "does not verify");
			if (ippyo_entry_result(e, &ci, &counted, &nc) != 0)
				continue;
			if (ci != close_idx)
				fail(rep, idx, "result.close-index", "the result covers the "
				    "close entry %" G_GUINT64_FORMAT ", the close entry is %"
				    G_GUINT64_FORMAT, (guint64)ci, close_idx);
			if (counted != run->agg->counted)
				fail(rep, idx, "result.counted", "the result counts %"
				    G_GUINT64_FORMAT " ballots; the chain has %" G_GUINT64_FORMAT
				    " counted ballots (the last ballot of each voter before close)",
				    (guint64)counted, run->agg->counted);
			if (nc != run->agg->n_contests) {
				fail(rep, idx, "result.total", "the result has %zu contests", nc);
				continue;
			}
			if (partials->len < ippyo_manifest_trustees_t(run->m)) {
				fail(rep, idx, "result.decryptions", "only %u valid decryption "
				    "entries precede the result; %u are needed", partials->len,
				    ippyo_manifest_trustees_t(run->m));
				continue;
			}
			tot = g_new0(guint64 *, nc);
			for (c = 0; c < nc; c++) {
				tot[c] = g_new0(guint64, run->agg->n_options[c]);
				if (ippyo_entry_result_options(e, c) != run->agg->n_options[c])
					continue;
				for (o = 0; o < run->agg->n_options[c]; o++) {
					uint64_t v;

					if (ippyo_entry_result_total(e, c, o, &v) == 0)
						tot[c][o] = v;
				}
			}
			if (!tally_check_totals(run->m, run->agg,
			    (TallyPartial *const *)partials->pdata, partials->len, tot, &bc, &bo,
			    &le)) {
				fail(rep, idx, "result.total", "%s", le->message);
				tally_totals_free(tot, nc);
				continue;
			}
			if (rep->totals == NULL && counted == run->agg->counted &&
			    ci == close_idx) {
				rep->totals = tot;
				rep->has_result = TRUE;
				json_decref(run->st.result);
				run->st.result = totals_to_json(tot, nc, run->agg->n_options);
			} else {
				tally_totals_free(tot, nc);
			}
		}
	}
	return TRUE;
}

TallyVerifyReport *
tally_verify_run(const TallyVerifyOptions *opts, GError **error)
{
	g_autoptr(TallyVerifyReport) rep = g_new0(TallyVerifyReport, 1);
	g_autofree char *cp_path = g_build_filename(opts->dir, TALLY_MIRROR_CHECKPOINT, NULL);
	g_autofree char *note_text = NULL;
	g_autoptr(GPtrArray) raw = NULL;
	g_autoptr(GArray) jobs = NULL;
	g_autoptr(GArray) cfiles = NULL;
	g_autoptr(GPtrArray) partials = NULL;
	GHashTable *seen_trustee = NULL;
	GThreadPool *pool = NULL;
	guint threads, window;
	guint64 next_bundle, close_idx;
	gboolean reading, closed6, closed8, ballot_seen;
	ippyo_entry *e0 = NULL;
	ippyo_note *note = NULL;
	ippyo_checkpoint *cp = NULL, *cp0 = NULL;
	ippyo_merkle_state tree, old_tree;
	gboolean have_old = FALSE;
	BallotShared sh;
	Run run;
	gsize note_len;
	guint64 start, i, n_read;
	gboolean log_ok = TRUE, reported = FALSE;
	guint8 root[32];
	int r;

	memset(&run, 0, sizeof(run));
	memset(&sh, 0, sizeof(sh));
	run.opts = opts;
	run.rep = rep;
	rep->failures = g_ptr_array_new_with_free_func(failure_free);
	rep->counted = g_array_new(FALSE, FALSE, sizeof(guint64));
	rep->checkpoint_time = -1;
	state_init(&run.st);
	run.h = ippyo_merkle_hasher_new();
	cfiles = g_array_new(FALSE, FALSE, sizeof(CeremonyFile));
	partials = g_ptr_array_new_with_free_func((GDestroyNotify)tally_partial_free);

	/* 1. The checkpoint's body (for the size), then entry 0 (for the keys). */
	if (!tally_read_file(cp_path, IPPYO_NOTE_MAX_BYTES, &note_text, &note_len, error))
		goto fatal;
	if ((r = ippyo_note_parse((const guint8 *)note_text, note_len, &note)) != 0 ||
	    (r = ippyo_checkpoint_parse(note->text, note->text_len, &cp0)) != 0) {
		fail(rep, G_MAXUINT64, "checkpoint.format", "%s is not a signed checkpoint (%s)",
		    cp_path, ippyo_strerror(r));
		goto done;
	}
	run.size = cp0->size;
	if (run.size == 0) {
		fail(rep, G_MAXUINT64, "checkpoint.format", "the checkpoint is of the empty tree");
		goto done;
	}
	if ((e0 = load_manifest_entry(&run, error)) == NULL)
		goto fatal;
	run.m = (ippyo_manifest *)ippyo_entry_manifest(e0);
	{
		size_t ml;
		const uint8_t *mb = ippyo_manifest_bytes(run.m, &ml);

		if ((r = ippyo_manifest_parse(&rep->manifest, mb, ml, IPPYO_MANIFEST_SEALED)) != 0) {
			tally_set_ippyo_error(error, r, "manifest");
			goto fatal;
		}
	}
	run.agg = tally_aggregate_new(run.m);
	if (opts->state_path != NULL && !state_load(&run.st, opts->state_path, run.m, run.agg,
	    error))
		goto fatal;
	if (!side_load(&run.side, opts, run.m, rep, error))
		goto fatal;
	if ((r = ippyo_manifest_election_key(run.m, &run.key)) != 0) {
		tally_set_ippyo_error(error, r, "the election key of the manifest");
		goto fatal;
	}
	check_manifest_entry(&run, e0);

	/* 2-3. The checkpoint: signature, witnesses, not smaller than the saved one. */
	if (!check_checkpoint(&run, (const guint8 *)note_text, note_len, &cp)) {
		log_ok = FALSE;
		goto done;
	}
	rep->checkpoint = g_strndup(note_text, note_len);
	rep->size = run.size;

	/* 4. The hash tiles give the signed root; the saved tree is a prefix. */
	{
		struct ippyo_tile_source ts = { run.size, tally_mirror_fetch_tile,
		    (void *)opts->dir, run.h };

		r = ippyo_merkle_root_from(run.h, run.size, ippyo_tile_hash_fn, &ts, root);
		run.tiles_ok = r == 0 && memcmp(root, cp->root, 32) == 0;
		if (!run.tiles_ok)
			fail(rep, G_MAXUINT64, "tree.tiles", "the hash tiles of the mirror do not "
			    "give the checkpoint's root (%s)", r != 0 ? ippyo_strerror(r) :
			    "another root");
		if (run.st.present && run.tiles_ok) {
			guint64 old = ippyo_merkle_state_size(&run.st.tree);
			guint8 oldroot[32], ours[32];

			if (old > 0 && (ippyo_merkle_root_from(run.h, old, ippyo_tile_hash_fn, &ts,
			    oldroot) != 0 || ippyo_merkle_state_root(&run.st.tree, run.h, ours) != 0 ||
			    memcmp(oldroot, ours, 32) != 0)) {
				fail(rep, G_MAXUINT64, "log.fork", "the checkpoint (size %"
				    G_GUINT64_FORMAT ") does not extend the one verified before (size %"
				    G_GUINT64_FORMAT "): the chain forked or rewrote history",
				    run.size, old);
				rep->evidence = evidence_text(run.st.checkpoint, old, note_text,
				    run.size);
				log_ok = FALSE;
				goto done;
			}
		}
	}

	/* 5-8. The entries, in windows: read (a bundle at a time), each leaf
	 * recomputed and compared with the signed tiles (here, in order), parsed
	 * and checked (on the workers), then walked in order (positions, signed
	 * entries, the poll, the re-vote rule, the aggregate, decryptions, the
	 * result). Only the window's entries are in memory. */
	start = run.st.present && run.tiles_ok ? ippyo_merkle_state_size(&run.st.tree) : 0;
	if (start == 0 && run.st.present) {
		/* A full run: what the state counted starts over; its tree is kept
		 * to check that the entries extend it. */
		have_old = TRUE;
		old_tree = run.st.tree;
		g_hash_table_remove_all(run.st.voters);
		run.st.closed = FALSE;
		g_clear_pointer(&run.st.close_time, g_free);
		g_ptr_array_set_size(run.st.failures, 0);
		g_ptr_array_set_size(run.st.partials, 0);
		run.st.result_seen = FALSE;
		g_clear_pointer(&run.st.result, json_decref);
		tally_aggregate_free(run.agg);
		run.agg = tally_aggregate_new(run.m);
	}
	rep->first_checked = start;
	if (start > 0)
		tree = run.st.tree;
	else
		ippyo_merkle_state_init(&tree);

	sh.m = run.m;
	sh.key = run.key;
	sh.side = &run.side;
	sh.run = &run;
	sh.cast_lo = parse_time(ippyo_manifest_poll_opens(run.m));
	sh.closed0 = run.st.closed;
	sh.now = opts->now != 0 ? opts->now : g_get_real_time() / G_USEC_PER_SEC;
	sh.chunk = opts->batch >= 1 && opts->batch <= CHUNK ? opts->batch : CHUNK;
	sh.close_time = -1;
	sh.first_close = G_MAXUINT64;
	if (!sh.closed0 && rep->checkpoint_time < 0)
		find_close(&run, start, &sh.first_close, &sh.close_time);
	sh.certs = g_hash_table_new_full(g_bytes_hash, g_bytes_equal,
	    (GDestroyNotify)g_bytes_unref, cert_info_free);
	g_mutex_init(&sh.lock);
	g_cond_init(&sh.done);
	threads = opts->threads != 0 ? opts->threads : g_get_num_processors();
	if (threads > 1 && (pool = g_thread_pool_new(window_worker, &sh, (gint)threads, TRUE,
	    error)) == NULL)
		goto fatal;
	window = opts->window != 0 ? opts->window : WINDOW;

	if (run.st.close_time != NULL)
		rep->close_time = g_strdup(run.st.close_time);
	closed6 = run.st.closed;
	ballot_seen = g_hash_table_size(run.st.voters) > 0;
	closed8 = run.st.closed && run.st.close_index < start;
	seen_trustee = g_hash_table_new(g_direct_hash, g_direct_equal);
	/* Partials verified in earlier runs. */
	for (i = 0; i < run.st.partials->len; i++) {
		gsize len;
		const guint8 *d = g_bytes_get_data(run.st.partials->pdata[i], &len);
		TallyPartial *p = tally_partial_from_bytes(run.m, d, len, NULL);

		if (p != NULL) {
			g_ptr_array_add(partials, p);
			g_hash_table_add(seen_trustee, GUINT_TO_POINTER(p->trustee));
		}
	}
	jobs = g_array_new(FALSE, TRUE, sizeof(BallotJob));
	raw = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
	n_read = 0;
	next_bundle = start / 256;
	reading = TRUE;
	for (;;) {
		guint64 first = start + n_read;
		guint take;

		while (reading && raw->len < window && next_bundle * 256 < run.size)
			reading = read_bundle(&run, next_bundle++, start, raw, TRUE);
		if (raw->len == 0)
			break;
		take = MIN(raw->len, window);
		/* 5. Leaves, in order. */
		for (i = 0; i < take; i++) {
			guint64 idx = first + i;
			gsize len;
			const guint8 *d = g_bytes_get_data(raw->pdata[i], &len);
			guint8 leaf[32], want[32];
			BallotJob j;

			if ((r = ippyo_merkle_state_append_entry(&tree, run.h, d, len, leaf)) != 0) {
				tally_set_ippyo_error(error, r, "tree");
				goto fatal;
			}
			if (have_old && ippyo_merkle_state_size(&old_tree) == idx + 1) {
				guint8 a[32], b[32];

				if (ippyo_merkle_state_root(&tree, run.h, a) != 0 ||
				    ippyo_merkle_state_root(&old_tree, run.h, b) != 0 ||
				    memcmp(a, b, 32) != 0) {
					fail(rep, G_MAXUINT64, "log.fork", "the entries do not extend "
					    "the tree verified before (size %" G_GUINT64_FORMAT ")",
					    idx + 1);
					rep->evidence = evidence_text(run.st.checkpoint, idx + 1,
					    note_text, run.size);
					log_ok = FALSE;
				}
			}
			if (tile_leaf(&run, idx, want) && memcmp(want, leaf, 32) != 0) {
				fail(rep, idx, "tree.leaf", "entry %" G_GUINT64_FORMAT " is not the "
				    "entry the signed tree holds at this position (altered, dropped or "
				    "moved)", idx);
				log_ok = FALSE;
			}
			memset(&j, 0, sizeof(j));
			j.index = idx;
			j.raw = g_bytes_ref(raw->pdata[i]);
			j.fails = g_ptr_array_new_with_free_func(failure_free);
			g_array_append_val(jobs, j);
		}
		g_ptr_array_remove_range(raw, 0, take);
		n_read += take;

		/* 5-7. Parse every entry, check every ballot (all cores, batched). */
		sh.jobs = (BallotJob *)(void *)jobs->data;
		sh.n_jobs = jobs->len;
		if (!check_window(&sh, pool, error))
			goto fatal;
		for (i = 0; i < jobs->len; i++) {
			BallotJob *j = &g_array_index(jobs, BallotJob, i);

			if (j->parse_r != 0)
				fail(rep, j->index, "entry.parse", "the entry does not parse (%s)",
				    ippyo_strerror(j->parse_r));
			else if (j->election != NULL)
				fail(rep, j->index, "entry.election", "the entry names election "
				    "\"%s\"", j->election);
		}

		/* 6. Positions and signed entries. */
		for (i = 0; i < jobs->len; i++) {
			BallotJob *j = &g_array_index(jobs, BallotJob, i);
			guint64 idx = j->index;
			ippyo_entry *e = j->entry;
			ippyo_entry_type t;

			if (j->parse_r != 0)
				continue;
			t = j->is_ballot ? IPPYO_ENTRY_BALLOT : ippyo_entry_get_type(e);
			if (t == IPPYO_ENTRY_MANIFEST && idx != 0)
				fail(rep, idx, "entry.position", "a manifest entry after entry 0");
			if (t != IPPYO_ENTRY_MANIFEST && idx == 0)
				fail(rep, idx, "entry.position", "entry 0 is not the manifest");
			if (t == IPPYO_ENTRY_BALLOT) {
				rep->ballots++;
				ballot_seen = TRUE;
			} else if (t == IPPYO_ENTRY_CEREMONY) {
				gsize d;

				if (ballot_seen || closed6)
					fail(rep, idx, "entry.position", "a ceremony entry after the "
					    "first ballot");
				if (ippyo_entry_verify_officials(e, ippyo_manifest_officials_key(run.m)))
					fail(rep, idx, "ceremony.signature", "the officials' signature "
					    "does not verify");
				for (d = 0; d < ippyo_entry_documents(e); d++) {
					const char *name;
					const uint8_t *data;
					size_t len;
					CeremonyFile cf = { NULL, idx };
					ippyo_ceremony_result *res = NULL;

					if (ippyo_entry_get_document(e, d, &name, &data, &len) != 0)
						continue;
					if (ippyo_ceremony_commitments_from_json(&cf.c,
					    (const char *)data, len) == 0) {
						g_array_append_val(cfiles, cf);
						continue;
					}
					/* Result files are recomputed from the commitments. */
					if (ippyo_ceremony_result_from_json(&res, (const char *)data,
					    len) == 0) {
						ippyo_ceremony_result_free(res);
						continue;
					}
					fail(rep, idx, "ceremony.document", "document \"%s\" is neither "
					    "a commitments file nor a result file", name);
				}
			} else if (t == IPPYO_ENTRY_CLOSE) {
				uint64_t ls;
				const char *ct;

				if (ippyo_entry_verify_officials(e, ippyo_manifest_officials_key(run.m)))
					fail(rep, idx, "close.signature", "the officials' signature "
					    "does not verify");
				if (closed6) {
					fail(rep, idx, "close.duplicate", "a second close entry");
					continue;
				}
				if (ippyo_entry_close(e, &ls, &ct) == 0 && ls > idx)
					fail(rep, idx, "close.log-size", "the close entry says the "
					    "officials saw %" G_GUINT64_FORMAT " entries, more than "
					    "precede it", (guint64)ls);
				closed6 = TRUE;
				rep->closed = TRUE;
				rep->close_index = idx;
				run.st.closed = TRUE;
				run.st.close_index = idx;
				g_free(run.st.close_time);
				run.st.close_time = g_strdup(ct);
				if (rep->close_time == NULL)
					rep->close_time = g_strdup(ct);
			}
		}

		/* 8. In order: poll state, re-vote rule, aggregate, decryptions, result. */
		close_idx = run.st.closed ? run.st.close_index : G_MAXUINT64;
		run.agg->close_index = close_idx;
		if (!walk_window(&run, jobs, &closed8, close_idx, partials, seen_trustee, error))
			goto fatal;
		for (i = 0; i < jobs->len; i++) {
			BallotJob *j = &g_array_index(jobs, BallotJob, i);
			guint k;

			for (k = 0; k < j->fails->len; k++) {
				TallyFailure *f = j->fails->pdata[k];

				fail(rep, f->index, f->rule, "%s", f->message);
			}
		}
		jobs_clear(jobs);
		if (g_hash_table_size(sh.certs) > CERT_CACHE_MAX)
			g_hash_table_remove_all(sh.certs);
	}
	if (start + n_read != run.size) {
		log_ok = FALSE;
	} else if (ippyo_merkle_state_root(&tree, run.h, root) != 0 ||
	    memcmp(root, cp->root, 32) != 0) {
		fail(rep, G_MAXUINT64, "tree.root", "the tree recomputed from the entries does not "
		    "have the checkpoint's root");
		log_ok = FALSE;
	}
	/* The ceremony documents of the whole record (a full run sees them all). */
	if (start == 0)
		check_ceremony(&run, cfiles);

	if (rep->closed || run.st.closed) {
		rep->closed = TRUE;
		rep->close_index = run.st.close_index;
		rep->aggregate = tally_aggregate_new(run.m);
		rep->aggregate->close_index = run.st.close_index;
		rep->aggregate->counted = run.agg->counted;
		{
			gsize c, o;

			for (c = 0; c < run.agg->n_contests; c++)
				for (o = 0; o < run.agg->n_options[c]; o++)
					if (ippyo_ciphertext_copy(rep->aggregate->totals[c][o],
					    run.agg->totals[c][o]) != 0)
						g_clear_pointer(&rep->aggregate, tally_aggregate_free);
		}
	}
	{
		GHashTableIter it;
		gpointer k, v;

		g_hash_table_iter_init(&it, run.st.voters);
		while (g_hash_table_iter_next(&it, &k, &v)) {
			guint64 x = GPOINTER_TO_SIZE(v) - 1;

			(void)k;
			g_array_append_val(rep->counted, x);
		}
		g_array_sort(rep->counted, u64_cmp);
	}
	/* 9. The state for the next run: only for a log that verified. */
	if (opts->state_path != NULL && log_ok) {
		guint i2;
		guint64 *t;

		for (i2 = 0; i2 < rep->failures->len; i2++) {
			const TallyFailure *f = rep->failures->pdata[i2];
			TallyFailure *c = g_new0(TallyFailure, 1);

			c->index = f->index;
			c->rule = g_strdup(f->rule);
			c->message = g_strdup(f->message);
			g_ptr_array_add(run.st.failures, c);
		}
		if (ippyo_manifest_election_hash(run.m, run.st.election_hash) != 0)
			memset(run.st.election_hash, 0, 32);
		g_free(run.st.checkpoint);
		run.st.checkpoint = g_strndup(note_text, note_len);
		run.st.tree = tree;
		if (rep->checkpoint_time >= 0) {
			t = g_new0(guint64, 2);
			t[0] = run.size;
			t[1] = (guint64)rep->checkpoint_time;
			g_ptr_array_add(run.st.times, t);
		}
		if (!state_save(&run.st, opts->state_path, run.agg, error))
			goto fatal;
	}
	/* Failures of earlier runs are reported again: they do not go away; nor does
	 * a result verified by an earlier run. */
	if (start > 0) {
		guint k;

		if (rep->totals == NULL && run.st.result != NULL) {
			rep->totals = totals_from_json(run.st.result);
			rep->has_result = TRUE;
		}

		for (k = 0; k < run.st.failures->len; k++) {
			const TallyFailure *f = run.st.failures->pdata[k];

			if (f->index < start || f->index == G_MAXUINT64)
				if (tally_verify_report_find(rep, f->rule, f->index) == NULL)
					fail(rep, f->index, f->rule, "%s (found by an earlier run)",
					    f->message);
		}
	}
done:
	g_ptr_array_sort(rep->failures, failure_cmp);
	reported = TRUE;
fatal:
	jobs_clear(jobs);
	if (pool != NULL)
		g_thread_pool_free(pool, FALSE, TRUE);
	if (sh.certs != NULL) {
		g_hash_table_unref(sh.certs);
		g_mutex_clear(&sh.lock);
		g_cond_clear(&sh.done);
	}
	if (seen_trustee != NULL)
		g_hash_table_unref(seen_trustee);
	for (i = 0; cfiles != NULL && i < cfiles->len; i++)
		ippyo_ceremony_commitments_free(g_array_index(cfiles, CeremonyFile, i).c);
	ippyo_entry_free(e0);
	ippyo_note_free(note);
	ippyo_checkpoint_free(cp);
	ippyo_checkpoint_free(cp0);
	ippyo_election_key_free(run.key);
	ippyo_merkle_hasher_free(run.h);
	tally_aggregate_free(run.agg);
	g_free(run.tile);
	side_clear(&run.side);
	state_clear(&run.st);
	/* On a fatal error there is no report: rep is freed. */
	return reported ? g_steal_pointer(&rep) : NULL;
}

/* ---- mirroring over HTTP ---- */

#ifdef TALLY_HAVE_NET
#include <libsoup/soup.h>

#include "net/ippyo-chain-client.h"

static char *
url_join(const char *base, const char *path)
{
	return g_str_has_suffix(base, "/") ? g_strconcat(base, path, NULL) :
	    g_strconcat(base, "/", path, NULL);
}

/* Entry 0, from the mirror if it has it, else GET v1/manifest (checked later as leaf 0). */
static GBytes *
bootstrap_manifest(const char *url, const char *dir, GError **error)
{
	g_autofree char *cp = g_build_filename(dir, TALLY_MIRROR_CHECKPOINT, NULL);
	g_autoptr(SoupSession) session = NULL;
	g_autoptr(SoupMessage) msg = NULL;
	g_autofree char *u = NULL;
	GBytes *body;

	if (g_file_test(cp, G_FILE_TEST_EXISTS)) {
		g_autofree char *text = NULL;
		gsize len;
		ippyo_note *note = NULL;
		ippyo_checkpoint *c = NULL;

		if (tally_read_file(cp, IPPYO_NOTE_MAX_BYTES, &text, &len, NULL) &&
		    ippyo_note_parse((const guint8 *)text, len, &note) == 0 &&
		    ippyo_checkpoint_parse(note->text, note->text_len, &c) == 0) {
			g_autoptr(GPtrArray) one = tally_mirror_read_entries(dir, c->size, 0, 1, NULL);

			ippyo_checkpoint_free(c);
			ippyo_note_free(note);
			if (one != NULL && one->len == 1)
				return g_bytes_ref(one->pdata[0]);
		} else {
			ippyo_note_free(note);
		}
	}
	session = soup_session_new();
	u = url_join(url, "v1/manifest");
	msg = soup_message_new("GET", u);
	if (msg == NULL) {
		tally_set_usage_error(error, "%s: not a URL", url);
		return NULL;
	}
	body = soup_session_send_and_read(session, msg, NULL, error);
	if (body == NULL)
		return NULL;
	if (soup_message_get_status(msg) != SOUP_STATUS_OK ||
	    g_bytes_get_size(body) > IPPYO_ENTRY_MAX_BYTES) {
		g_bytes_unref(body);
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_IO, "%s: HTTP %u", u,
		    soup_message_get_status(msg));
		return NULL;
	}
	return body;
}

static gboolean
save_fetched(const char *dir, int level, guint64 n, unsigned w, GBytes *data, GError **error)
{
	g_autofree char *path = tally_mirror_tile_path(dir, level, n, w);
	g_autofree char *parent = g_path_get_dirname(path);
	gsize len;
	const void *d = g_bytes_get_data(data, &len);

	return tally_make_dir(parent, 0755, error) &&
	    tally_write_file(path, d, len, 0644, error);
}

gboolean
tally_mirror_fetch(const char *url, const char *dir, const char *policy_path,
    const TallyContext *ctx, GError **error)
{
	g_autoptr(GBytes) e0 = NULL;
	g_autoptr(GBytes) policy = NULL;
	g_autoptr(IppyoChainClient) client = NULL;
	g_autoptr(IppyoSignedCheckpoint) cp = NULL;
	g_autoptr(IppyoForkEvidence) ev = NULL;
	g_autofree char *cp_path = g_build_filename(dir, TALLY_MIRROR_CHECKPOINT, NULL);
	g_autofree char *edir = g_build_filename(dir, TALLY_MIRROR_ELECTION, NULL);
	g_autofree char *pp = policy_path != NULL ? g_strdup(policy_path) :
	    g_build_filename(edir, "policy", NULL);
	ippyo_entry *e = NULL;
	const ippyo_manifest *m;
	guint64 size, n;
	int level, r;
	gsize len;
	gboolean ok = FALSE;

	if (!tally_make_dir(dir, 0755, error))
		return FALSE;
	if ((e0 = bootstrap_manifest(url, dir, error)) == NULL)
		return FALSE;
	if ((r = ippyo_entry_parse(&e, g_bytes_get_data(e0, NULL), g_bytes_get_size(e0))) != 0 ||
	    ippyo_entry_get_type(e) != IPPYO_ENTRY_MANIFEST) {
		ippyo_entry_free(e);
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_VERIFY,
		    "%s: the chain's entry 0 is not a manifest entry", url);
		return FALSE;
	}
	m = ippyo_entry_manifest(e);
	if (g_file_test(pp, G_FILE_TEST_EXISTS)) {
		g_autofree char *text = NULL;

		if (!tally_read_file(pp, IPPYO_POLICY_MAX_BYTES, &text, &len, error))
			goto out;
		policy = g_bytes_new(text, len);
	}
	client = ippyo_chain_client_new(url, ippyo_manifest_chain_origin(m),
	    ippyo_manifest_chain_vkey(m), policy, error);
	if (client == NULL)
		goto out;
	if (g_file_test(cp_path, G_FILE_TEST_EXISTS)) {
		g_autofree char *text = NULL;
		g_autoptr(GBytes) held = NULL;

		if (!tally_read_file(cp_path, IPPYO_NOTE_MAX_BYTES, &text, &len, error))
			goto out;
		held = g_bytes_new(text, len);
		if (!ippyo_chain_client_set_trusted_checkpoint(client, held, error))
			goto out;
	}
	cp = ippyo_chain_client_fetch_checkpoint_sync(client, &ev, NULL, error);
	if (cp == NULL) {
		if (ev != NULL) {
			g_autofree char *evp = g_build_filename(dir, "fork-evidence.txt", NULL);
			g_autoptr(GBytes) t = ippyo_fork_evidence_to_text(ev);

			if (tally_write_file(evp, g_bytes_get_data(t, NULL), g_bytes_get_size(t),
			    0644, NULL))
				g_prefix_error(error, "(both checkpoints saved in %s) ", evp);
		}
		goto out;
	}
	size = ippyo_signed_checkpoint_get_size(cp);
	tally_progress(ctx, "mirroring %" G_GUINT64_FORMAT " entries from %s", size, url);
	for (n = 0; n < ippyo_tile_count(size, IPPYO_TILE_ENTRIES); n++) {
		unsigned w = ippyo_tile_width(size, IPPYO_TILE_ENTRIES, n);
		g_autofree char *path = tally_mirror_tile_path(dir, IPPYO_TILE_ENTRIES, n, w);
		g_autoptr(GBytes) b = NULL;

		if (w == IPPYO_TILE_WIDTH && g_file_test(path, G_FILE_TEST_EXISTS))
			continue;   /* full bundles are immutable */
		b = ippyo_chain_client_fetch_entry_bundle_sync(client, cp, n, NULL, error);
		if (b == NULL || !save_fetched(dir, IPPYO_TILE_ENTRIES, n, w, b, error))
			goto out;
	}
	for (level = 0; level <= ippyo_tile_top_level(size); level++) {
		for (n = 0; n < ippyo_tile_count(size, level); n++) {
			unsigned w = ippyo_tile_width(size, level, n);
			g_autofree char *path = tally_mirror_tile_path(dir, level, n, w);
			g_autoptr(GBytes) b = NULL;

			if (w == IPPYO_TILE_WIDTH && g_file_test(path, G_FILE_TEST_EXISTS))
				continue;
			b = ippyo_chain_client_fetch_tile_sync(client, cp, level, n, NULL, error);
			if (b == NULL || !save_fetched(dir, level, n, w, b, error))
				goto out;
		}
	}
	{
		GBytes *note = ippyo_signed_checkpoint_get_note(cp);

		if (!tally_write_file(cp_path, g_bytes_get_data(note, NULL), g_bytes_get_size(note),
		    0644, error))
			goto out;
	}
	ok = TRUE;
out:
	ippyo_entry_free(e);
	return ok;
}
#else
gboolean
tally_mirror_fetch(const char *url, const char *dir, const char *policy_path,
    const TallyContext *ctx, GError **error)
{
	g_set_error(error, TALLY_ERROR, TALLY_EXIT_USAGE,
	    "%s: this ippyo-tally was built without the chain's HTTP client; give a mirror folder",
	    url);
	return FALSE;
}
#endif

gboolean
tally_source_prepare(const char *source, const char *mirror, const char *policy_path,
    const TallyContext *ctx, char **dir_out, GError **error)
{
	*dir_out = NULL;
	if (g_str_has_prefix(source, "http://") || g_str_has_prefix(source, "https://")) {
		const char *d = mirror != NULL ? mirror : "ippyo-mirror";

		if (!tally_mirror_fetch(source, d, policy_path, ctx, error))
			return FALSE;
		*dir_out = g_strdup(d);
		return TRUE;
	}
	if (!g_file_test(source, G_FILE_TEST_IS_DIR)) {
		tally_set_usage_error(error, "%s: neither an http(s) URL nor a mirror folder", source);
		return FALSE;
	}
	*dir_out = g_strdup(source);
	return TRUE;
}

/* ---- the subcommand ---- */

TallyVerifyReport *
tally_verify_source(TallyContext *ctx, TallySourceOptions *so, const char *source,
    const char *state, guint threads, GError **error)
{
	g_autofree char *dir = NULL;
	TallyVerifyOptions o;

	if (!tally_source_prepare(source, so->mirror, so->policy, ctx, &dir, error))
		return NULL;
	memset(&o, 0, sizeof(o));
	o.dir = dir;
	o.state_path = state;
	o.roll_path = so->roll;
	o.policy_path = so->policy;
	o.ca_paths = (const char *const *)so->ca;
	o.crl_paths = (const char *const *)so->crl;
	o.election_hash = so->election_hash;
	o.threads = threads;
	tally_progress(ctx, "verifying %s", dir);
	return tally_verify_run(&o, error);
}

static void
print_failures(const TallyVerifyReport *r)
{
	guint i;

	for (i = 0; i < r->failures->len; i++) {
		const TallyFailure *f = r->failures->pdata[i];

		if (f->index == G_MAXUINT64)
			g_print("log: %s: %s\n", f->rule, f->message);
		else
			g_print("entry %" G_GUINT64_FORMAT ": %s: %s\n", f->index, f->rule, f->message);
	}
}

gboolean
tally_cmd_verify(TallyContext *ctx, int argc, char **argv, GError **error)
{
	TallySourceOptions so = { 0 };
	g_autofree char *state = NULL;
	gint threads = 0;
	GOptionEntry entries[] = {
		{ "state", 0, 0, G_OPTION_ARG_FILENAME, &state,
		  "Incremental state: read it, check only newer entries, rewrite it", "FILE" },
		{ "threads", 0, 0, G_OPTION_ARG_INT, &threads,
		  "Worker threads for the ballots (default: one per core)", "N" },
		TALLY_SOURCE_OPTION_ENTRIES(so),
		{ NULL }
	};
	g_autoptr(TallyVerifyReport) r = NULL;
	gboolean ok;

	if (!tally_context_parse(ctx, entries, TALLY_SOURCE_DESCRIPTION, &argc, &argv, error))
		goto fail;
	if (argc != 2 || threads < 0) {
		tally_set_usage_error(error, "give one URL or mirror folder (see --help)");
		goto fail;
	}
	r = tally_verify_source(ctx, &so, argv[1], state, (guint)threads, error);
	if (r == NULL)
		goto fail;
	if (ctx->json) {
		json_t *j = tally_verify_report_to_json(r);

		ok = tally_print_json(j, error);
		json_decref(j);
		if (!ok)
			goto fail;
	} else {
		print_failures(r);
		g_print("%s: %" G_GUINT64_FORMAT " entries (checked from %" G_GUINT64_FORMAT
		    "), %" G_GUINT64_FORMAT " ballots checked, %u counted%s%s\n",
		    r->failures->len == 0 ? "verified" : "FAILED", r->size, r->first_checked,
		    r->ballots, r->counted->len, r->closed ? ", poll closed" : ", poll open",
		    r->has_result ? ", result verified" : "");
		if (r->evidence != NULL)
			g_print("fork evidence (both signed checkpoints):\n%s", r->evidence);
	}
	if (r->failures->len > 0) {
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_VERIFY, "%u rule(s) broken",
		    r->failures->len);
		goto fail;
	}
	tally_source_options_clear(&so);
	return TRUE;
fail:
	tally_source_options_clear(&so);
	return FALSE;
}

void
tally_source_options_clear(TallySourceOptions *so)
{
	g_clear_pointer(&so->mirror, g_free);
	g_clear_pointer(&so->roll, g_free);
	g_clear_pointer(&so->policy, g_free);
	g_clear_pointer(&so->ca, g_strfreev);
	g_clear_pointer(&so->crl, g_strfreev);
	g_clear_pointer(&so->election_hash, g_free);
}
