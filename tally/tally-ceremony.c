/* ippyo-tally ceremony — the trustees' key ceremony, one round at a time, by files. */
#include <errno.h>
#include <openssl/crypto.h>
#include <string.h>

#include "crypto/ceremony.h"
#include "election/manifest.h"
#include "encoding.h"
#include "error.h"
#include "tally-ceremony.h"
#include "tally.h"

#define CEREMONY_FILE_MAX (1024 * 1024)

/*
 * File names (docs/ippyo-tally.md, "ceremony"):
 *   commitments-I.json        round 1, public
 *   trustee-I.secret.json     round 1, secret state of trustee I (0600)
 *   share-I-to-J.json         round 2, from I to J (encrypted to J)
 *   trustee-J.key.json        round 3, J's key share (0600)
 *   result-J.json             round 3, the public result as J computed it
 */

static void
free_commitments_array(gpointer p)
{
	ippyo_ceremony_commitments_free(p);
}

static void
free_share_array(gpointer p)
{
	ippyo_ceremony_share_free(p);
}

/* Writes text from libippyo (OPENSSL_malloc'ed) and wipes it. */
static gboolean
write_text(const char *path, char *text, size_t len, int mode, GError **error)
{
	gboolean ok = tally_write_file(path, text, len, mode, error);

	OPENSSL_clear_free(text, len);
	return ok;
}

gboolean
tally_ceremony_params_from_draft(const char *path, ippyo_ceremony_params *p,
    ippyo_manifest **out, GError **error)
{
	g_autofree char *text = NULL;
	ippyo_manifest *m = NULL;
	gsize len;
	int r;

	if (!tally_read_file(path, IPPYO_MANIFEST_MAX_BYTES, &text, &len, error))
		return FALSE;
	if ((r = ippyo_manifest_parse(&m, (const uint8_t *)text, len, IPPYO_MANIFEST_DRAFT)) != 0) {
		tally_set_ippyo_error(error, r, "%s: not a draft manifest", path);
		return FALSE;
	}
	memset(p, 0, sizeof(*p));
	ippyo_manifest_draft_hash(m, p->context);
	p->threshold = ippyo_manifest_trustees_t(m);
	p->trustees = ippyo_manifest_trustees_n(m);
	if (out != NULL)
		*out = m;
	else
		ippyo_manifest_free(m);
	return TRUE;
}

static ippyo_trustee_secret *
load_secret(const char *path, GError **error)
{
	char *text = NULL;
	gsize len = 0;
	ippyo_trustee_secret *s = NULL;
	int r;

	if (!tally_read_file(path, CEREMONY_FILE_MAX, &text, &len, error))
		return NULL;
	r = ippyo_trustee_secret_from_json(&s, text, len);
	OPENSSL_cleanse(text, len);
	g_free(text);
	if (r != 0) {
		tally_set_ippyo_error(error, r, "%s: not a trustee's secret state", path);
		return NULL;
	}
	return s;
}

/*
 * All commitments-*.json files of a folder, parsed (not yet verified);
 * names[k] is the file name of files[k].
 */
gboolean
tally_ceremony_load_commitments(const char *dir, GPtrArray **files, GPtrArray **names,
    GError **error)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, error);
	g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GPtrArray) fs = g_ptr_array_new_with_free_func(free_commitments_array);
	const char *name;

	if (d == NULL)
		return FALSE;
	while ((name = g_dir_read_name(d)) != NULL)
		if (g_str_has_prefix(name, "commitments-") && g_str_has_suffix(name, ".json"))
			g_ptr_array_add(list, g_strdup(name));
	g_ptr_array_sort(list, (GCompareFunc)g_strcmp0);
	for (guint i = 0; i < list->len; i++) {
		g_autofree char *path = g_build_filename(dir, list->pdata[i], NULL);
		g_autofree char *text = NULL;
		ippyo_ceremony_commitments *c = NULL;
		gsize len;
		int r;

		if (!tally_read_file(path, CEREMONY_FILE_MAX, &text, &len, error))
			return FALSE;
		if ((r = ippyo_ceremony_commitments_from_json(&c, text, len)) != 0) {
			tally_set_ippyo_error(error, r, "%s: not a commitments file", path);
			return FALSE;
		}
		g_ptr_array_add(fs, c);
	}
	if (fs->len == 0) {
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_INVALID,
		    "%s: no commitments-*.json file", dir);
		return FALSE;
	}
	*files = g_steal_pointer(&fs);
	*names = g_steal_pointer(&list);
	return TRUE;
}

/* The file name for a trustee's commitments (for messages). */
static const char *
commitments_name(GPtrArray *files, GPtrArray *names, uint32_t index)
{
	for (guint i = 0; i < files->len; i++)
		if (ippyo_ceremony_commitments_index(files->pdata[i]) == index)
			return names->pdata[i];
	return "(no file)";
}

/* ---- round 1 ---- */

static gboolean
round1(TallyContext *ctx, const ippyo_ceremony_params *p, uint32_t index, const char *out,
    GError **error)
{
	g_autofree char *cname = g_strdup_printf("commitments-%u.json", index);
	g_autofree char *sname = g_strdup_printf("trustee-%u.secret.json", index);
	g_autofree char *cpath = g_build_filename(out, cname, NULL);
	g_autofree char *spath = g_build_filename(out, sname, NULL);
	ippyo_trustee_secret *s = NULL;
	ippyo_ceremony_commitments *c = NULL;
	char *text = NULL;
	size_t len = 0;
	gboolean ok = FALSE;
	int r;

	if (index < 1 || index > p->trustees) {
		tally_set_usage_error(error, "--trustee must be between 1 and %u", p->trustees);
		return FALSE;
	}
	if (g_file_test(spath, G_FILE_TEST_EXISTS)) {
		g_set_error(error, TALLY_ERROR, TALLY_EXIT_IO, "%s exists already: round 1 never "
		    "replaces a trustee's secret state", spath);
		return FALSE;
	}
	if (!tally_make_dir(out, 0700, error))
		return FALSE;
	if ((r = ippyo_ceremony_round1(p, index, &s, &c)) != 0) {
		tally_set_ippyo_error(error, r, "round 1");
		goto out;
	}
	if ((r = ippyo_trustee_secret_to_json(s, &text, &len)) != 0) {
		tally_set_ippyo_error(error, r, "round 1");
		goto out;
	}
	if (!write_text(spath, text, len, 0600, error))
		goto out;
	if ((r = ippyo_ceremony_commitments_to_json(c, &text, &len)) != 0) {
		tally_set_ippyo_error(error, r, "round 1");
		goto out;
	}
	if (!write_text(cpath, text, len, 0644, error))
		goto out;
	tally_progress(ctx, "trustee %u: round 1 done: publish %s, keep %s secret", index, cpath,
	    spath);
	ok = TRUE;
out:
	ippyo_trustee_secret_free(s);
	ippyo_ceremony_commitments_free(c);
	return ok;
}

/* ---- round 2 ---- */

static gboolean
round2(TallyContext *ctx, const ippyo_trustee_secret *s, const char *in, const char *out,
    json_t *report, GError **error)
{
	const ippyo_ceremony_params *p = ippyo_trustee_secret_params(s);
	uint32_t me = ippyo_trustee_secret_index(s);
	g_autoptr(GPtrArray) files = NULL, names = NULL;
	json_t *written = json_array();
	int r;

	json_object_set_new(report, "shares", written);
	if (!tally_ceremony_load_commitments(in, &files, &names, error))
		return FALSE;
	for (uint32_t j = 1; j <= p->trustees; j++) {
		ippyo_ceremony_commitments *recipient = NULL;
		ippyo_ceremony_share *share = NULL;
		g_autofree char *name = NULL, *path = NULL;
		char *text = NULL;
		size_t len = 0;

		if (j == me)
			continue;
		for (guint k = 0; k < files->len; k++) {
			if (ippyo_ceremony_commitments_index(files->pdata[k]) != j)
				continue;
			if (recipient != NULL) {
				g_set_error(error, IPPYO_ERROR, IPPYO_ERR_DUPLICATE_TRUSTEE,
				    "%s: two commitments files from trustee %u", in, j);
				return FALSE;
			}
			recipient = files->pdata[k];
		}
		if (recipient == NULL) {
			g_set_error(error, IPPYO_ERROR, IPPYO_ERR_NOT_FOUND,
			    "%s: no commitments file of trustee %u (round 1 not done?)", in, j);
			return FALSE;
		}
		if ((r = ippyo_ceremony_round2(s, recipient, &share)) != 0) {
			tally_set_ippyo_error(error, r, "trustee %u's commitments file %s", j,
			    commitments_name(files, names, j));
			return FALSE;
		}
		r = ippyo_ceremony_share_to_json(share, &text, &len);
		ippyo_ceremony_share_free(share);
		if (r != 0) {
			tally_set_ippyo_error(error, r, "share for trustee %u", j);
			return FALSE;
		}
		name = g_strdup_printf("share-%u-to-%u.json", me, j);
		path = g_build_filename(out, name, NULL);
		if (!tally_make_dir(out, 0700, error) || !write_text(path, text, len, 0644, error))
			return FALSE;
		json_array_append_new(written, json_string(path));
	}
	tally_progress(ctx, "trustee %u: round 2 done: send share-%u-to-J.json to trustee J", me,
	    me);
	return TRUE;
}

/* ---- round 3 ---- */

static gboolean
load_shares(const char *dir, uint32_t me, GPtrArray *shares, GPtrArray *names, GError **error)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, error);
	g_autofree char *suffix = g_strdup_printf("-to-%u.json", me);
	g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func(g_free);
	const char *name;

	if (d == NULL)
		return FALSE;
	while ((name = g_dir_read_name(d)) != NULL)
		if (g_str_has_prefix(name, "share-") && g_str_has_suffix(name, suffix))
			g_ptr_array_add(list, g_strdup(name));
	g_ptr_array_sort(list, (GCompareFunc)g_strcmp0);
	for (guint i = 0; i < list->len; i++) {
		g_autofree char *path = g_build_filename(dir, list->pdata[i], NULL);
		g_autofree char *text = NULL;
		ippyo_ceremony_share *s = NULL;
		gsize len;
		int r;

		if (!tally_read_file(path, CEREMONY_FILE_MAX, &text, &len, error))
			return FALSE;
		if ((r = ippyo_ceremony_share_from_json(&s, text, len)) != 0) {
			tally_set_ippyo_error(error, r, "%s: not a share file", path);
			return FALSE;
		}
		g_ptr_array_add(shares, s);
		g_ptr_array_add(names, g_strdup(list->pdata[i]));
	}
	return TRUE;
}

static const char *
share_name(GPtrArray *shares, GPtrArray *names, uint32_t sender)
{
	for (guint i = 0; i < shares->len; i++)
		if (ippyo_ceremony_share_sender(shares->pdata[i]) == sender)
			return names->pdata[i];
	return NULL;
}

static const char *
bad_sender_what(int r)
{
	switch (r) {
	case IPPYO_ERR_BAD_COMMITMENT:
		return "a proof in its commitments file does not verify";
	case IPPYO_ERR_SHARE_DECRYPT:
		return "its share file fails authentication (altered, or not for this trustee)";
	case IPPYO_ERR_BAD_SHARE:
		return "its share does not match its commitments";
	case IPPYO_ERR_NOT_FOUND:
		return "no share file from it";
	case IPPYO_ERR_DUPLICATE_TRUSTEE:
		return "two files from it";
	case IPPYO_ERR_CEREMONY_MISMATCH:
		return "its file is for another t, n, sender or recipient";
	case IPPYO_ERR_WRONG_ELECTION:
		return "its file is for another election (draft)";
	default:
		return "its file is invalid";
	}
}

static gboolean
round3(TallyContext *ctx, const ippyo_trustee_secret *s, const char *in, const char *out,
    json_t *report, GError **error)
{
	uint32_t me = ippyo_trustee_secret_index(s);
	g_autoptr(GPtrArray) files = NULL, cnames = NULL;
	g_autoptr(GPtrArray) shares = g_ptr_array_new_with_free_func(free_share_array);
	g_autoptr(GPtrArray) snames = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *kpath = NULL, *rpath = NULL, *kname = NULL, *rname = NULL;
	ippyo_trustee_key *key = NULL;
	ippyo_ceremony_result *result = NULL;
	uint32_t bad = 0;
	char *text = NULL;
	size_t len = 0;
	gboolean ok = FALSE;
	int r;

	if (!tally_ceremony_load_commitments(in, &files, &cnames, error) ||
	    !load_shares(in, me, shares, snames, error))
		return FALSE;
	r = ippyo_ceremony_round3(s, (ippyo_ceremony_commitments *const *)files->pdata, files->len,
	    (ippyo_ceremony_share *const *)shares->pdata, shares->len, &key, &result, &bad);
	if (r != 0) {
		if (bad != 0) {
			const char *f = share_name(shares, snames, bad);

			if (r == IPPYO_ERR_BAD_COMMITMENT || f == NULL)
				f = commitments_name(files, cnames, bad);
			g_set_error(error, IPPYO_ERROR, r, "trustee %u is a bad sender: %s (%s): %s",
			    bad, bad_sender_what(r), f, ippyo_strerror(r));
			json_object_set_new(report, "bad_sender", json_integer(bad));
		} else {
			tally_set_ippyo_error(error, r, "round 3 of trustee %u", me);
		}
		goto out;
	}
	kname = g_strdup_printf("trustee-%u.key.json", me);
	rname = g_strdup_printf("result-%u.json", me);
	kpath = g_build_filename(out, kname, NULL);
	rpath = g_build_filename(out, rname, NULL);
	if (!tally_make_dir(out, 0700, error))
		goto out;
	if ((r = ippyo_trustee_key_to_json(key, &text, &len)) != 0) {
		tally_set_ippyo_error(error, r, "round 3");
		goto out;
	}
	if (!write_text(kpath, text, len, 0600, error))
		goto out;
	if ((r = ippyo_ceremony_result_to_json(result, &text, &len)) != 0) {
		tally_set_ippyo_error(error, r, "round 3");
		goto out;
	}
	if (!write_text(rpath, text, len, 0644, error))
		goto out;
	{
		uint8_t kbytes[IPPYO_POINT_BYTES];
		char hex[2 * IPPYO_HASH_BYTES + 1];
		char *b64 = NULL;

		ippyo_hex_write(ippyo_ceremony_result_transcript(result), IPPYO_HASH_BYTES, hex);
		if ((r = ippyo_point_serialize(ippyo_ceremony_result_election_key(result),
		    kbytes)) != 0 || (r = ippyo_b64url_encode(kbytes, sizeof(kbytes), &b64)) != 0) {
			tally_set_ippyo_error(error, r, "round 3");
			goto out;
		}
		json_object_set_new(report, "key_file", json_string(kpath));
		json_object_set_new(report, "result_file", json_string(rpath));
		json_object_set_new(report, "election_key", json_string(b64));
		json_object_set_new(report, "transcript_hash", json_string(hex));
		tally_progress(ctx, "trustee %u: round 3 done: every share verified; key share %s "
		    "(secret), result %s\n  election key %s\n  transcript %s", me, kpath, rpath, b64,
		    hex);
		OPENSSL_free(b64);
	}
	ok = TRUE;
out:
	ippyo_trustee_key_free(key);
	ippyo_ceremony_result_free(result);
	return ok;
}

/* ---- all trustees in one process (demos and tests) ---- */

static gboolean
all_local(TallyContext *ctx, const ippyo_ceremony_params *p, const char *out, json_t *report,
    GError **error)
{
	json_t *trustees = json_array();

	json_object_set_new(report, "trustees", trustees);
	for (uint32_t i = 1; i <= p->trustees; i++)
		if (!round1(ctx, p, i, out, error))
			return FALSE;
	for (int round = 2; round <= 3; round++) {
		for (uint32_t i = 1; i <= p->trustees; i++) {
			g_autofree char *sname = g_strdup_printf("trustee-%u.secret.json", i);
			g_autofree char *spath = g_build_filename(out, sname, NULL);
			ippyo_trustee_secret *s = load_secret(spath, error);
			json_t *one = json_object();
			gboolean ok;

			if (s == NULL) {
				json_decref(one);
				return FALSE;
			}
			json_object_set_new(one, "trustee", json_integer(i));
			ok = round == 2 ? round2(ctx, s, out, out, one, error) :
			    round3(ctx, s, out, out, one, error);
			ippyo_trustee_secret_free(s);
			if (round == 3)
				json_array_append(trustees, one);
			json_decref(one);
			if (!ok)
				return FALSE;
		}
	}
	return TRUE;
}

gboolean
tally_cmd_ceremony(TallyContext *ctx, int argc, char **argv, GError **error)
{
	g_autofree char *draft = NULL, *out = NULL, *in = NULL, *secret = NULL;
	gboolean local = FALSE;
	gint trustee = 0;
	const GOptionEntry entries[] = {
		{ "draft", 0, 0, G_OPTION_ARG_FILENAME, &draft,
		  "The draft manifest (round1, --all-local)", "FILE" },
		{ "trustee", 0, 0, G_OPTION_ARG_INT, &trustee,
		  "This trustee's index, 1..n (round1)", "I" },
		{ "secret", 0, 0, G_OPTION_ARG_FILENAME, &secret,
		  "This trustee's secret state from round 1 (round2, round3)", "FILE" },
		{ "in", 0, 0, G_OPTION_ARG_FILENAME, &in,
		  "The folder with the received files (round2, round3; default: --out)", "DIR" },
		{ "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
		  "The folder the files are written into", "DIR" },
		{ "all-local", 0, 0, G_OPTION_ARG_NONE, &local,
		  "Run every trustee's rounds in this process (demos and tests only)", NULL },
		{ NULL }
	};
	ippyo_ceremony_params p;
	json_t *report = NULL;
	gboolean ok = FALSE;
	const char *round = NULL;

	if (!tally_context_parse(ctx, entries,
	    "Rounds:\n"
	    "  round1 --draft DRAFT --trustee I --out DIR\n"
	    "      writes DIR/commitments-I.json (publish) and DIR/trustee-I.secret.json (0600)\n"
	    "  round2 --secret FILE [--in DIR] --out DIR\n"
	    "      reads every commitments-*.json in --in, writes DIR/share-I-to-J.json for each J\n"
	    "  round3 --secret FILE [--in DIR] --out DIR\n"
	    "      reads every commitments-*.json and share-*-to-J.json in --in, verifies them, names\n"
	    "      a bad sender (exit 3), writes DIR/trustee-J.key.json (0600) and DIR/result-J.json\n"
	    "  --all-local --draft DRAFT --out DIR\n"
	    "      every trustee in one process: for demos and tests, never for an election", &argc,
	    &argv, error))
		return FALSE;
	if (local) {
		if (argc != 1 || draft == NULL || out == NULL) {
			tally_set_usage_error(error, "usage: ceremony --all-local --draft DRAFT --out DIR");
			return FALSE;
		}
	} else if (argc != 2 || out == NULL) {
		tally_set_usage_error(error, "usage: ceremony round1|round2|round3 ... --out DIR "
		    "(see --help)");
		return FALSE;
	} else {
		round = argv[1];
	}
	if (in == NULL)
		in = g_strdup(out);
	report = json_object();
	if (local) {
		if (!tally_ceremony_params_from_draft(draft, &p, NULL, error))
			goto out;
		ok = all_local(ctx, &p, out, report, error);
	} else if (strcmp(round, "round1") == 0) {
		if (draft == NULL || trustee == 0) {
			tally_set_usage_error(error, "round1 needs --draft DRAFT --trustee I");
			goto out;
		}
		if (!tally_ceremony_params_from_draft(draft, &p, NULL, error))
			goto out;
		ok = round1(ctx, &p, (uint32_t)MAX(trustee, 0), out, error);
		json_object_set_new(report, "trustee", json_integer(trustee));
	} else if (strcmp(round, "round2") == 0 || strcmp(round, "round3") == 0) {
		ippyo_trustee_secret *s;

		if (secret == NULL) {
			tally_set_usage_error(error, "%s needs --secret FILE", round);
			goto out;
		}
		if ((s = load_secret(secret, error)) == NULL)
			goto out;
		json_object_set_new(report, "trustee", json_integer(ippyo_trustee_secret_index(s)));
		ok = round[5] == '2' ? round2(ctx, s, in, out, report, error) :
		    round3(ctx, s, in, out, report, error);
		ippyo_trustee_secret_free(s);
	} else {
		tally_set_usage_error(error, "unknown round \"%s\" (round1, round2, round3)", round);
		goto out;
	}
	if (ctx->json) {
		json_object_set_new(report, "ok", json_boolean(ok));
		if (!ok && error != NULL && *error != NULL)
			json_object_set_new(report, "error", json_string((*error)->message));
		if (!tally_print_json(report, ok ? error : NULL))
			ok = FALSE;
	}
out:
	json_decref(report);
	return ok;
}
