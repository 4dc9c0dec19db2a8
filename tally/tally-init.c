/* ippyo-tally init — a human-written election file to a draft manifest and a roll file. */
#include <openssl/crypto.h>
#include <string.h>

#include "card/cert.h"
#include "election/json.h"
#include "election/manifest.h"
#include "election/roll.h"
#include "encoding.h"
#include "error.h"
#include "log/note.h"
#include "tally-keys.h"
#include "tally.h"
#include "toml.h"

#define ELECTION_FILE_MAX (1024 * 1024)
#define FINGERPRINTS_FILE_MAX (100u * 1024 * 1024)

typedef struct {
	const char *file;        /* the election file's name, for messages */
	const char *base;        /* relative paths are relative to this folder */
} Schema;

static gboolean G_GNUC_PRINTF(4, 5)
bad(const Schema *s, guint line, GError **error, const char *format, ...)
{
	g_autofree char *msg = NULL;
	va_list ap;

	va_start(ap, format);
	msg = g_strdup_vprintf(format, ap);
	va_end(ap);
	g_set_error(error, TALLY_ERROR, TALLY_EXIT_INVALID, "%s:%u: %s", s->file, line, msg);
	return FALSE;
}

/* Every key of the table must be one of allowed. */
static gboolean
check_keys(const Schema *s, const TallyTomlValue *t, const char *where,
    const char *const *allowed, GError **error)
{
	for (guint i = 0; i < t->keys->len; i++) {
		const char *k = t->keys->pdata[i];
		gboolean ok = FALSE;

		for (const char *const *a = allowed; *a != NULL; a++)
			ok = ok || strcmp(*a, k) == 0;
		if (!ok)
			return bad(s, tally_toml_get(t, k)->line, error, "unknown key '%s' in %s", k,
			    where);
	}
	return TRUE;
}

static const TallyTomlValue *
get_typed(const Schema *s, const TallyTomlValue *t, const char *where, const char *key,
    TallyTomlType type, gboolean required, GError **error)
{
	const TallyTomlValue *v = tally_toml_get(t, key);

	if (v == NULL) {
		if (required)
			bad(s, t->line, error, "%s has no '%s'", where, key);
		return NULL;
	}
	if (v->type != type) {
		bad(s, v->line, error, "%s: '%s' must be %s, not %s", where, key,
		    tally_toml_type_name(type), tally_toml_type_name(v->type));
		return NULL;
	}
	return v;
}

/* A required table (or a required array of tables). */
static const TallyTomlValue *
get_table(const Schema *s, const TallyTomlValue *root, const char *name, GError **error)
{
	const TallyTomlValue *v = tally_toml_get(root, name);

	if (v == NULL) {
		bad(s, 1, error, "the table [%s] is missing", name);
		return NULL;
	}
	if (v->type != TALLY_TOML_TABLE) {
		bad(s, v->line, error, "'%s' must be a table [%s]", name, name);
		return NULL;
	}
	return v;
}

static const char *
get_id(const Schema *s, const TallyTomlValue *t, const char *where, const char *key,
    GError **error)
{
	const TallyTomlValue *v = get_typed(s, t, where, key, TALLY_TOML_STRING, TRUE, error);

	if (v == NULL)
		return NULL;
	if (!ippyo_text_is_id(v->string, strlen(v->string))) {
		bad(s, v->line, error, "%s: '%s' (\"%s\") must be 1 to 64 characters of "
		    "a-z 0-9 . _ -, starting with a letter or a digit", where, key, v->string);
		return NULL;
	}
	return v->string;
}

static const char *
get_text(const Schema *s, const TallyTomlValue *t, const char *where, const char *key,
    GError **error)
{
	const TallyTomlValue *v = get_typed(s, t, where, key, TALLY_TOML_STRING, TRUE, error);
	size_t n;

	if (v == NULL)
		return NULL;
	n = strlen(v->string);
	if (n == 0 || n > IPPYO_MANIFEST_MAX_TITLE || !ippyo_text_is_clean(v->string, n)) {
		bad(s, v->line, error, "%s: '%s' must be 1 to %d bytes of text without control "
		    "characters", where, key, IPPYO_MANIFEST_MAX_TITLE);
		return NULL;
	}
	return v->string;
}

static gboolean
get_uint(const Schema *s, const TallyTomlValue *t, const char *where, const char *key,
    guint32 min, guint32 max, guint32 *out, GError **error)
{
	const TallyTomlValue *v = get_typed(s, t, where, key, TALLY_TOML_INTEGER, TRUE, error);

	if (v == NULL)
		return FALSE;
	if (v->integer < min || v->integer > max)
		return bad(s, v->line, error, "%s: '%s' (%" G_GINT64_FORMAT ") must be between "
		    "%u and %u", where, key, v->integer, min, max);
	*out = (guint32)v->integer;
	return TRUE;
}

static char *
resolve(const Schema *s, const char *path)
{
	if (g_path_is_absolute(path))
		return g_strdup(path);
	return g_build_filename(s->base, path, NULL);
}

/* An RFC 3339 time with any offset, as the manifest's UTC form. */
static char *
get_time(const Schema *s, const TallyTomlValue *t, const char *key, GDateTime **dt_out,
    GError **error)
{
	const TallyTomlValue *v = get_typed(s, t, "[poll]", key, TALLY_TOML_STRING, TRUE, error);
	g_autoptr(GDateTime) dt = NULL, utc = NULL;
	gsize n;
	char *out;

	if (v == NULL)
		return NULL;
	n = strlen(v->string);
	/* RFC 3339: date 'T' time, seconds, an offset (Z or ±hh:mm); no fraction. */
	if (n < 20 || v->string[10] != 'T' || v->string[19] == '.' ||
	    (dt = g_date_time_new_from_iso8601(v->string, NULL)) == NULL) {
		bad(s, v->line, error, "[poll]: '%s' (\"%s\") is not an RFC 3339 time such as "
		    "\"2027-04-18T07:00:00+09:00\" or \"2027-04-17T22:00:00Z\"", key, v->string);
		return NULL;
	}
	utc = g_date_time_to_utc(dt);
	out = g_date_time_format(utc, "%Y-%m-%dT%H:%M:%SZ");
	if (out == NULL || !ippyo_text_is_utc_time(out, strlen(out))) {
		g_free(out);
		bad(s, v->line, error, "[poll]: '%s' is out of range", key);
		return NULL;
	}
	*dt_out = g_steal_pointer(&utc);
	return out;
}

/* A fingerprints file: lines of 64 hex digits; blank lines and "#" comments allowed. */
static gboolean
read_fingerprints(const char *path, GArray *fps, GError **error)
{
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	gsize len;

	if (!tally_read_file(path, FINGERPRINTS_FILE_MAX, &text, &len, error))
		return FALSE;
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		char *l = g_strstrip(lines[i]);
		guint8 fp[IPPYO_FINGERPRINT_BYTES];
		g_autofree char *lower = NULL;

		if (l[0] == '\0' || l[0] == '#')
			continue;
		lower = g_ascii_strdown(l, -1);
		if (strlen(lower) != 64 || ippyo_hex_decode_exact(lower, fp, sizeof(fp)) != 0) {
			g_set_error(error, TALLY_ERROR, TALLY_EXIT_INVALID, "%s:%u: not a "
			    "fingerprint (64 hex digits: SHA-256 of a card certificate)", path, i + 1);
			return FALSE;
		}
		if (!g_hash_table_add(seen, g_steal_pointer(&lower))) {
			g_set_error(error, TALLY_ERROR, TALLY_EXIT_INVALID,
			    "%s:%u: this fingerprint is listed twice", path, i + 1);
			return FALSE;
		}
		g_array_append_vals(fps, fp, 1);
	}
	return TRUE;
}

static gboolean
is_cert_name(const char *name)
{
	return g_str_has_suffix(name, ".pem") || g_str_has_suffix(name, ".crt") ||
	    g_str_has_suffix(name, ".cer") || g_str_has_suffix(name, ".der");
}

static gboolean
cert_fingerprint(const char *path, guint8 fp[IPPYO_FINGERPRINT_BYTES], GError **error)
{
	ippyo_cert *c = NULL;
	int r;

	if ((r = ippyo_cert_load_file(path, &c)) != 0) {
		tally_set_ippyo_error(error, r, "%s", path);
		return FALSE;
	}
	r = ippyo_cert_fingerprint(c, fp);
	ippyo_cert_free(c);
	if (r != 0) {
		tally_set_ippyo_error(error, r, "%s", path);
		return FALSE;
	}
	return TRUE;
}

static gboolean
add_cert(const char *path, GArray *fps, GHashTable *seen, GError **error)
{
	guint8 fp[IPPYO_FINGERPRINT_BYTES];
	char hex[2 * IPPYO_FINGERPRINT_BYTES + 1];
	const char *first;

	if (!cert_fingerprint(path, fp, error))
		return FALSE;
	ippyo_hex_write(fp, sizeof(fp), hex);
	if ((first = g_hash_table_lookup(seen, hex)) != NULL) {
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_INVALID,
		    "%s: the same certificate as %s", path, first);
		return FALSE;
	}
	g_hash_table_insert(seen, g_strdup(hex), g_strdup(path));
	g_array_append_vals(fps, fp, 1);
	return TRUE;
}

static gint
compare_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* [roll]: exactly one of fingerprints_file, certificates_dir, certificate_files. */
static gboolean
read_roll(const Schema *s, const TallyTomlValue *t, GArray *fps, GError **error)
{
	static const char *const keys[] = { "fingerprints_file", "certificates_dir",
		"certificate_files", NULL };
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	const TallyTomlValue *v;
	guint n = 0;

	if (!check_keys(s, t, "[roll]", keys, error))
		return FALSE;
	n = (tally_toml_get(t, "fingerprints_file") != NULL) +
	    (tally_toml_get(t, "certificates_dir") != NULL) +
	    (tally_toml_get(t, "certificate_files") != NULL);
	if (n != 1)
		return bad(s, t->line, error, "[roll] needs exactly one of fingerprints_file, "
		    "certificates_dir, certificate_files");
	if ((v = tally_toml_get(t, "fingerprints_file")) != NULL) {
		g_autofree char *p = NULL;

		if (v->type != TALLY_TOML_STRING)
			return bad(s, v->line, error, "[roll]: 'fingerprints_file' must be a string");
		p = resolve(s, v->string);
		if (!read_fingerprints(p, fps, error))
			return FALSE;
	} else if ((v = tally_toml_get(t, "certificates_dir")) != NULL) {
		g_autofree char *dir = NULL;
		g_autoptr(GDir) d = NULL;
		g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
		const char *name;

		if (v->type != TALLY_TOML_STRING)
			return bad(s, v->line, error, "[roll]: 'certificates_dir' must be a string");
		dir = resolve(s, v->string);
		if ((d = g_dir_open(dir, 0, error)) == NULL)
			return FALSE;
		while ((name = g_dir_read_name(d)) != NULL)
			if (is_cert_name(name))
				g_ptr_array_add(names, g_strdup(name));
		g_ptr_array_sort(names, compare_str);
		for (guint i = 0; i < names->len; i++) {
			g_autofree char *p = g_build_filename(dir, names->pdata[i], NULL);

			if (!add_cert(p, fps, seen, error))
				return FALSE;
		}
	} else {
		v = tally_toml_get(t, "certificate_files");
		if (v->type != TALLY_TOML_ARRAY || v->items->len == 0 ||
		    ((TallyTomlValue *)v->items->pdata[0])->type != TALLY_TOML_STRING)
			return bad(s, v->line, error,
			    "[roll]: 'certificate_files' must be an array of file names");
		for (guint i = 0; i < v->items->len; i++) {
			g_autofree char *p = resolve(s, ((TallyTomlValue *)v->items->pdata[i])->string);

			if (!add_cert(p, fps, seen, error))
				return FALSE;
		}
	}
	if (fps->len == 0)
		return bad(s, t->line, error, "[roll]: the voter roll is empty");
	return TRUE;
}

typedef struct {
	GArray *contests;        /* ippyo_manifest_contest_spec */
	GPtrArray *option_arrays;/* owned arrays of ippyo_manifest_option_spec */
} Contests;

static gboolean
read_contests(const Schema *s, const TallyTomlValue *root, Contests *cs, GError **error)
{
	static const char *const ckeys[] = { "id", "title_ja", "title_en", "min", "max", "option",
		NULL };
	static const char *const okeys[] = { "id", "title_ja", "title_en", NULL };
	const TallyTomlValue *arr = tally_toml_get(root, "contest");
	g_autoptr(GHashTable) ids = g_hash_table_new(g_str_hash, g_str_equal);

	if (arr == NULL)
		return bad(s, 1, error, "no [[contest]]: an election has at least one contest");
	if (arr->type != TALLY_TOML_TABLE_ARRAY)
		return bad(s, arr->line, error, "'contest' must be an array of tables [[contest]]");
	if (arr->items->len > IPPYO_MANIFEST_MAX_CONTESTS)
		return bad(s, arr->line, error, "more than %d contests", IPPYO_MANIFEST_MAX_CONTESTS);
	for (guint c = 0; c < arr->items->len; c++) {
		const TallyTomlValue *t = arr->items->pdata[c];
		const TallyTomlValue *opts, *maxv;
		ippyo_manifest_contest_spec spec = { 0 };
		ippyo_manifest_option_spec *os;
		g_autoptr(GHashTable) oids = g_hash_table_new(g_str_hash, g_str_equal);
		g_autofree char *where = g_strdup_printf("[[contest]] number %u", c + 1);
		g_autofree char *cwhere = NULL;

		if (!check_keys(s, t, where, ckeys, error) ||
		    (spec.id = get_id(s, t, where, "id", error)) == NULL)
			return FALSE;
		cwhere = g_strdup_printf("contest '%s'", spec.id);
		if (!g_hash_table_add(ids, (gpointer)spec.id))
			return bad(s, tally_toml_get(t, "id")->line, error,
			    "%s: the contest id is used twice", cwhere);
		if ((spec.title_ja = get_text(s, t, cwhere, "title_ja", error)) == NULL ||
		    (spec.title_en = get_text(s, t, cwhere, "title_en", error)) == NULL ||
		    !get_uint(s, t, cwhere, "min", 0, IPPYO_MANIFEST_MAX_OPTIONS, &spec.min, error) ||
		    !get_uint(s, t, cwhere, "max", 1, IPPYO_MANIFEST_MAX_OPTIONS, &spec.max, error))
			return FALSE;
		opts = tally_toml_get(t, "option");
		if (opts == NULL)
			return bad(s, t->line, error, "%s has no [[contest.option]]", cwhere);
		if (opts->type != TALLY_TOML_TABLE_ARRAY)
			return bad(s, opts->line, error, "%s: 'option' must be [[contest.option]] "
			    "tables", cwhere);
		if (opts->items->len > IPPYO_MANIFEST_MAX_OPTIONS)
			return bad(s, opts->line, error, "%s: more than %d options", cwhere,
			    IPPYO_MANIFEST_MAX_OPTIONS);
		maxv = tally_toml_get(t, "max");
		if (spec.max > opts->items->len)
			return bad(s, maxv->line, error, "%s: max (%u) is larger than the number of "
			    "options (%u)", cwhere, spec.max, opts->items->len);
		if (spec.min > spec.max)
			return bad(s, tally_toml_get(t, "min")->line, error, "%s: min (%u) is larger "
			    "than max (%u)", cwhere, spec.min, spec.max);
		os = g_new0(ippyo_manifest_option_spec, opts->items->len);
		g_ptr_array_add(cs->option_arrays, os);
		for (guint o = 0; o < opts->items->len; o++) {
			const TallyTomlValue *ot = opts->items->pdata[o];
			g_autofree char *owhere = g_strdup_printf("%s, option number %u", cwhere, o + 1);

			if (!check_keys(s, ot, owhere, okeys, error) ||
			    (os[o].id = get_id(s, ot, owhere, "id", error)) == NULL)
				return FALSE;
			g_free(owhere);
			owhere = g_strdup_printf("%s, option '%s'", cwhere, os[o].id);
			if (!g_hash_table_add(oids, (gpointer)os[o].id))
				return bad(s, tally_toml_get(ot, "id")->line, error,
				    "%s: the option id is used twice in the contest", owhere);
			if ((os[o].title_ja = get_text(s, ot, owhere, "title_ja", error)) == NULL ||
			    (os[o].title_en = get_text(s, ot, owhere, "title_en", error)) == NULL)
				return FALSE;
		}
		spec.n_options = opts->items->len;
		spec.options = os;
		g_array_append_val(cs->contests, spec);
	}
	return TRUE;
}

static gboolean
write_outputs(TallyContext *ctx, const char *out, const ippyo_manifest *m, const uint8_t *roll,
    size_t roll_len, GError **error)
{
	g_autofree char *mpath = g_build_filename(out, "manifest-draft.json", NULL);
	g_autofree char *rpath = g_build_filename(out, "roll.txt", NULL);
	size_t mlen;
	const uint8_t *mbytes = ippyo_manifest_bytes(m, &mlen);
	uint8_t dh[IPPYO_HASH_BYTES];
	char dh_hex[2 * IPPYO_HASH_BYTES + 1];

	/* The file is exactly the canonical bytes (no final newline). */
	if (!tally_make_dir(out, 0755, error) ||
	    !tally_write_file(mpath, mbytes, mlen, 0644, error) ||
	    !tally_write_file(rpath, roll, roll_len, 0644, error))
		return FALSE;
	ippyo_manifest_draft_hash(m, dh);
	ippyo_hex_write(dh, sizeof(dh), dh_hex);
	if (ctx->json) {
		json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:I, s:i, s:i}",
		    "election_id", ippyo_manifest_election_id(m), "draft", mpath, "roll", rpath,
		    "draft_hash", dh_hex, "roll_count", (json_int_t)ippyo_manifest_roll_count(m),
		    "trustees_n", (int)ippyo_manifest_trustees_n(m),
		    "trustees_t", (int)ippyo_manifest_trustees_t(m));
		gboolean ok = tally_print_json(j, error);

		json_decref(j);
		return ok;
	}
	g_print("election %s: %zu contests, %" G_GUINT64_FORMAT " voters on the roll, "
	    "%u-of-%u trustees\ndraft manifest: %s\nroll:           %s\ndraft hash:     %s\n",
	    ippyo_manifest_election_id(m), ippyo_manifest_contests(m),
	    (guint64)ippyo_manifest_roll_count(m), ippyo_manifest_trustees_t(m),
	    ippyo_manifest_trustees_n(m), mpath, rpath, dh_hex);
	return TRUE;
}

static gboolean
run_init(TallyContext *ctx, const char *path, const char *files, const char *out,
    GError **error)
{
	static const char *const top[] = { "election", "poll", "trustees", "chain", "officials",
		"jpki", "roll", "contest", NULL };
	static const char *const ekeys[] = { "id", "title_ja", "title_en", NULL };
	static const char *const pkeys[] = { "opens", "closes", NULL };
	static const char *const tkeys[] = { "n", "t", NULL };
	static const char *const chkeys[] = { "origin", "url", "vkey_file", NULL };
	static const char *const okeys[] = { "public_key_file", NULL };
	static const char *const jkeys[] = { "ca_files", NULL };
	g_autofree char *text = NULL;
	g_autofree char *base = NULL, *display = NULL;
	g_autofree char *opens = NULL, *closes = NULL;
	g_autofree char *vkey_path = NULL, *pub_path = NULL;
	char *vkey_str = NULL;
	g_autoptr(GDateTime) topens = NULL, tcloses = NULL;
	g_autoptr(TallyTomlValue) root = NULL;
	g_autoptr(GArray) fps = g_array_new(FALSE, FALSE, IPPYO_FINGERPRINT_BYTES);
	g_autoptr(GArray) cas = g_array_new(FALSE, FALSE, IPPYO_FINGERPRINT_BYTES);
	g_autoptr(GArray) contests = g_array_new(FALSE, FALSE, sizeof(ippyo_manifest_contest_spec));
	g_autoptr(GPtrArray) option_arrays = g_ptr_array_new_with_free_func(g_free);
	Contests cs = { contests, option_arrays };
	const TallyTomlValue *election, *poll, *trustees, *chain, *officials, *jpki, *roll, *v;
	ippyo_manifest_spec spec = { 0 };
	ippyo_manifest *m = NULL;
	ippyo_note_verifier *vk = NULL;
	ippyo_roll *parsed_roll = NULL;
	uint8_t *roll_bytes = NULL;
	size_t roll_len = 0;
	gboolean ok = FALSE;
	gsize len;
	Schema s;
	int r;

	display = g_path_get_basename(path);
	base = files != NULL ? g_strdup(files) : g_path_get_dirname(path);
	s.file = display;
	s.base = base;
	if (!tally_read_file(path, ELECTION_FILE_MAX, &text, &len, error))
		return FALSE;
	if ((root = tally_toml_parse(display, text, len, error)) == NULL)
		return FALSE;
	if (!check_keys(&s, root, "the election file", top, error) ||
	    (election = get_table(&s, root, "election", error)) == NULL ||
	    (poll = get_table(&s, root, "poll", error)) == NULL ||
	    (trustees = get_table(&s, root, "trustees", error)) == NULL ||
	    (chain = get_table(&s, root, "chain", error)) == NULL ||
	    (officials = get_table(&s, root, "officials", error)) == NULL ||
	    (jpki = get_table(&s, root, "jpki", error)) == NULL ||
	    (roll = get_table(&s, root, "roll", error)) == NULL)
		return FALSE;

	/* [election] */
	if (!check_keys(&s, election, "[election]", ekeys, error) ||
	    (spec.election_id = get_id(&s, election, "[election]", "id", error)) == NULL ||
	    (spec.title_ja = get_text(&s, election, "[election]", "title_ja", error)) == NULL ||
	    (spec.title_en = get_text(&s, election, "[election]", "title_en", error)) == NULL)
		return FALSE;
	/* [poll] */
	if (!check_keys(&s, poll, "[poll]", pkeys, error) ||
	    (opens = get_time(&s, poll, "opens", &topens, error)) == NULL ||
	    (closes = get_time(&s, poll, "closes", &tcloses, error)) == NULL)
		return FALSE;
	if (g_date_time_compare(topens, tcloses) >= 0)
		return bad(&s, tally_toml_get(poll, "closes")->line, error,
		    "[poll]: 'closes' (%s) must be after 'opens' (%s)", closes, opens);
	spec.poll_opens = opens;
	spec.poll_closes = closes;
	/* [trustees] */
	if (!check_keys(&s, trustees, "[trustees]", tkeys, error) ||
	    !get_uint(&s, trustees, "[trustees]", "n", 1, IPPYO_MANIFEST_MAX_TRUSTEES,
	    &spec.trustees_n, error) ||
	    !get_uint(&s, trustees, "[trustees]", "t", 1, IPPYO_MANIFEST_MAX_TRUSTEES,
	    &spec.trustees_t, error))
		return FALSE;
	if (spec.trustees_t > spec.trustees_n)
		return bad(&s, tally_toml_get(trustees, "t")->line, error, "[trustees]: the "
		    "threshold t (%u) is larger than the number of trustees n (%u)",
		    spec.trustees_t, spec.trustees_n);
	/* [chain] */
	if (!check_keys(&s, chain, "[chain]", chkeys, error))
		return FALSE;
	if ((v = get_typed(&s, chain, "[chain]", "origin", TALLY_TOML_STRING, TRUE, error)) == NULL)
		return FALSE;
	if (strlen(v->string) == 0 || strlen(v->string) > IPPYO_MANIFEST_MAX_TOKEN ||
	    !ippyo_text_is_token(v->string, strlen(v->string)))
		return bad(&s, v->line, error, "[chain]: 'origin' must be 1 to 255 printable "
		    "ASCII characters without space");
	spec.chain_origin = v->string;
	if ((v = get_typed(&s, chain, "[chain]", "url", TALLY_TOML_STRING, TRUE, error)) == NULL)
		return FALSE;
	if ((!g_str_has_prefix(v->string, "http://") && !g_str_has_prefix(v->string, "https://")) ||
	    strlen(v->string) > IPPYO_MANIFEST_MAX_TOKEN ||
	    !ippyo_text_is_token(v->string, strlen(v->string)))
		return bad(&s, v->line, error, "[chain]: 'url' must be an http:// or https:// URL "
		    "(at most 255 characters, no space)");
	spec.chain_url = v->string;
	if ((v = get_typed(&s, chain, "[chain]", "vkey_file", TALLY_TOML_STRING, TRUE,
	    error)) == NULL)
		return FALSE;
	vkey_path = resolve(&s, v->string);
	if ((vk = tally_load_note_verifier(vkey_path, error)) == NULL)
		return FALSE;
	if (ippyo_note_verifier_type(vk) != IPPYO_NOTE_TYPE_ED25519 ||
	    strcmp(ippyo_note_verifier_name(vk), spec.chain_origin) != 0) {
		ippyo_note_verifier_free(vk);
		return bad(&s, v->line, error, "[chain]: %s is not the log key of the origin %s "
		    "(make it with: ippyo-tally keygen --chain %s DIR)", vkey_path,
		    spec.chain_origin, spec.chain_origin);
	}
	r = ippyo_note_verifier_string(vk, &vkey_str);
	ippyo_note_verifier_free(vk);
	if (r != 0) {
		tally_set_ippyo_error(error, r, "%s", vkey_path);
		return FALSE;
	}
	spec.chain_vkey = vkey_str;
	/* [officials] */
	if (!check_keys(&s, officials, "[officials]", okeys, error) ||
	    (v = get_typed(&s, officials, "[officials]", "public_key_file", TALLY_TOML_STRING,
	    TRUE, error)) == NULL)
		goto out;
	pub_path = resolve(&s, v->string);
	if (!tally_load_officials_pub(pub_path, spec.officials_key, error))
		goto out;
	/* [jpki] */
	if (!check_keys(&s, jpki, "[jpki]", jkeys, error) ||
	    (v = get_typed(&s, jpki, "[jpki]", "ca_files", TALLY_TOML_ARRAY, TRUE, error)) == NULL)
		goto out;
	if (v->items->len == 0 || v->items->len > IPPYO_MANIFEST_MAX_JPKI_CA ||
	    ((TallyTomlValue *)v->items->pdata[0])->type != TALLY_TOML_STRING) {
		bad(&s, v->line, error, "[jpki]: 'ca_files' must be 1 to %d file names",
		    IPPYO_MANIFEST_MAX_JPKI_CA);
		goto out;
	}
	for (guint i = 0; i < v->items->len; i++) {
		g_autofree char *p = resolve(&s, ((TallyTomlValue *)v->items->pdata[i])->string);
		guint8 fp[IPPYO_FINGERPRINT_BYTES];

		if (!cert_fingerprint(p, fp, error))
			goto out;
		for (guint k = 0; k < cas->len; k++)
			if (memcmp(&g_array_index(cas, guint8, k * IPPYO_FINGERPRINT_BYTES), fp,
			    sizeof(fp)) == 0) {
				bad(&s, v->line, error, "[jpki]: %s is listed twice", p);
				goto out;
			}
		g_array_append_vals(cas, fp, 1);
	}
	spec.n_jpki_ca = cas->len;
	spec.jpki_ca = (const uint8_t (*)[IPPYO_FINGERPRINT_BYTES])cas->data;
	/* [roll] */
	if (!read_roll(&s, roll, fps, error))
		goto out;
	if ((r = ippyo_roll_build((const uint8_t (*)[IPPYO_FINGERPRINT_BYTES])fps->data, fps->len,
	    &roll_bytes, &roll_len)) != 0 ||
	    (r = ippyo_roll_parse(&parsed_roll, roll_bytes, roll_len)) != 0) {
		tally_set_ippyo_error(error, r, "the voter roll");
		goto out;
	}
	memcpy(spec.roll_hash, ippyo_roll_hash(parsed_roll), IPPYO_HASH_BYTES);
	spec.roll_count = ippyo_roll_count(parsed_roll);
	/* [[contest]] */
	if (!read_contests(&s, root, &cs, error))
		goto out;
	spec.n_contests = contests->len;
	spec.contests = (const ippyo_manifest_contest_spec *)contests->data;

	if ((r = ippyo_manifest_new_draft(&m, &spec)) != 0) {
		tally_set_ippyo_error(error, r, "%s: the election breaks a rule of the manifest "
		    "(docs/formats.md)", display);
		goto out;
	}
	ok = write_outputs(ctx, out, m, roll_bytes, roll_len, error);
out:
	ippyo_manifest_free(m);
	ippyo_roll_free(parsed_roll);
	OPENSSL_free(roll_bytes);
	OPENSSL_free(vkey_str);
	return ok;
}

gboolean
tally_cmd_init(TallyContext *ctx, int argc, char **argv, GError **error)
{
	g_autofree char *out = NULL, *files = NULL;
	const GOptionEntry entries[] = {
		{ "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
		  "Write manifest-draft.json and roll.txt into DIR (required)", "DIR" },
		{ "files", 0, 0, G_OPTION_ARG_FILENAME, &files,
		  "Resolve the file names of the election file in DIR (default: its own folder)",
		  "DIR" },
		{ NULL }
	};

	if (!tally_context_parse(ctx, entries,
	    "The election file's format is in docs/ippyo-tally.md (\"The election file\");\n"
	    "data/sample-election/election.toml is an example.", &argc, &argv, error))
		return FALSE;
	if (argc != 2 || out == NULL) {
		tally_set_usage_error(error, "usage: ippyo-tally init ELECTION.toml --out DIR");
		return FALSE;
	}
	return run_init(ctx, argv[1], files, out, error);
}
