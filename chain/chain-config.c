/* ippyo-chaind — the configuration file (GKeyFile). */
#include "chain-config.h"

#include <gio/gio.h>

#define CONFIG_ERROR G_KEY_FILE_ERROR

static void
witness_free(gpointer p)
{
	ChainWitnessConfig *w = p;

	if (w == NULL)
		return;
	g_free(w->name);
	g_free(w->vkey);
	g_free(w->url);
	g_free(w);
}

void
chain_config_free(ChainConfig *c)
{
	if (c == NULL)
		return;
	g_free(c->path);
	g_free(c->manifest);
	g_free(c->signing_key);
	g_strfreev(c->ca_certs);
	g_strfreev(c->crls);
	g_free(c->roll);
	g_free(c->address);
	g_free(c->tls_certificate);
	g_free(c->tls_key);
	g_free(c->database);
	g_free(c->port_file);
	if (c->witnesses != NULL)
		g_ptr_array_unref(c->witnesses);
	g_free(c);
}

static char *
resolve(const char *dir, const char *value)
{
	if (g_path_is_absolute(value))
		return g_strdup(value);
	return g_build_filename(dir, value, NULL);
}

/* A path key: required or optional; resolved against dir. */
static gboolean
get_path(GKeyFile *kf, const char *dir, const char *group, const char *key,
    gboolean required, char **out, GError **error)
{
	g_autofree char *v = NULL;
	GError *local = NULL;

	v = g_key_file_get_string(kf, group, key, &local);
	if (v == NULL) {
		if (!required && g_error_matches(local, CONFIG_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND)) {
			g_clear_error(&local);
			*out = NULL;
			return TRUE;
		}
		if (!required && g_error_matches(local, CONFIG_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND)) {
			g_clear_error(&local);
			*out = NULL;
			return TRUE;
		}
		g_propagate_prefixed_error(error, local, "[%s] %s: ", group, key);
		return FALSE;
	}
	if (*v == '\0') {
		if (!required) {
			*out = NULL;
			return TRUE;
		}
		g_set_error(error, CONFIG_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
		    "[%s] %s: empty", group, key);
		return FALSE;
	}
	*out = resolve(dir, v);
	return TRUE;
}

static gboolean
get_path_list(GKeyFile *kf, const char *dir, const char *group, const char *key,
    gboolean required, char ***out, GError **error)
{
	g_auto(GStrv) v = NULL;
	GError *local = NULL;
	GPtrArray *a;
	gsize n = 0;

	v = g_key_file_get_string_list(kf, group, key, &n, &local);
	if (v == NULL) {
		if (!required && (g_error_matches(local, CONFIG_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND) ||
		    g_error_matches(local, CONFIG_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND))) {
			g_clear_error(&local);
			*out = g_new0(char *, 1);
			return TRUE;
		}
		g_propagate_prefixed_error(error, local, "[%s] %s: ", group, key);
		return FALSE;
	}
	a = g_ptr_array_new();
	for (gsize i = 0; i < n; i++) {
		if (*v[i] == '\0')
			continue;
		g_ptr_array_add(a, resolve(dir, v[i]));
	}
	if (required && a->len == 0) {
		g_ptr_array_free(a, TRUE);
		g_set_error(error, CONFIG_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
		    "[%s] %s: empty list", group, key);
		return FALSE;
	}
	g_ptr_array_add(a, NULL);
	*out = (char **)g_ptr_array_free(a, FALSE);
	return TRUE;
}

/* An unsigned integer key in [min, max], or def when absent. */
static gboolean
get_uint(GKeyFile *kf, const char *group, const char *key, guint64 def,
    guint64 min, guint64 max, guint64 *out, GError **error)
{
	g_autofree char *v = NULL;
	guint64 n;

	if (!g_key_file_has_key(kf, group, key, NULL)) {
		*out = def;
		return TRUE;
	}
	v = g_key_file_get_string(kf, group, key, error);
	if (v == NULL)
		return FALSE;
	if (!g_ascii_string_to_unsigned(v, 10, min, max, &n, NULL)) {
		g_set_error(error, CONFIG_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
		    "[%s] %s: expected an integer in [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT "]",
		    group, key, min, max);
		return FALSE;
	}
	*out = n;
	return TRUE;
}

/* Every key of every group must be known: a typo must not go unnoticed. */
static gboolean
check_keys(GKeyFile *kf, const char *group, const char *const *known, GError **error)
{
	g_auto(GStrv) keys = g_key_file_get_keys(kf, group, NULL, NULL);

	if (keys == NULL)
		return TRUE;
	for (char **k = keys; *k != NULL; k++) {
		if (!g_strv_contains(known, *k)) {
			g_set_error(error, CONFIG_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND,
			    "[%s]: unknown key \"%s\"", group, *k);
			return FALSE;
		}
	}
	return TRUE;
}

ChainConfig *
chain_config_load(const char *path, GError **error)
{
	static const char *const election_keys[] = { "manifest", "signing-key", NULL };
	static const char *const jpki_keys[] = { "ca", "crl", "roll", NULL };
	static const char *const server_keys[] = { "address", "port", "tls-certificate",
	    "tls-key", "database", "max-body-bytes", "request-timeout", "workers",
	    "queue-limit", "port-file", NULL };
	static const char *const batch_keys[] = { "max-entries", "max-ms", NULL };
	static const char *const witnesses_keys[] = { "quorum", "timeout-ms", NULL };
	static const char *const witness_keys[] = { "vkey", "url", NULL };
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(ChainConfig) c = g_new0(ChainConfig, 1);
	g_autofree char *dir = NULL;
	g_auto(GStrv) groups = NULL;
	guint64 n;

	if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, error)) {
		g_prefix_error(error, "%s: ", path);
		return NULL;
	}
	c->path = g_strdup(path);
	dir = g_path_get_dirname(path);
	c->witnesses = g_ptr_array_new_with_free_func(witness_free);

	groups = g_key_file_get_groups(kf, NULL);
	for (char **g = groups; *g != NULL; g++) {
		const char *const *known;

		if (g_str_equal(*g, "election"))
			known = election_keys;
		else if (g_str_equal(*g, "jpki"))
			known = jpki_keys;
		else if (g_str_equal(*g, "server"))
			known = server_keys;
		else if (g_str_equal(*g, "batch"))
			known = batch_keys;
		else if (g_str_equal(*g, "witnesses"))
			known = witnesses_keys;
		else if (g_str_has_prefix(*g, "witness ") && (*g)[8] != '\0')
			known = witness_keys;
		else {
			g_set_error(error, CONFIG_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND,
			    "%s: unknown group [%s]", path, *g);
			return NULL;
		}
		if (!check_keys(kf, *g, known, error))
			return NULL;
	}

	if (!get_path(kf, dir, "election", "manifest", TRUE, &c->manifest, error) ||
	    !get_path(kf, dir, "election", "signing-key", TRUE, &c->signing_key, error) ||
	    !get_path_list(kf, dir, "jpki", "ca", TRUE, &c->ca_certs, error) ||
	    !get_path_list(kf, dir, "jpki", "crl", FALSE, &c->crls, error) ||
	    !get_path(kf, dir, "jpki", "roll", TRUE, &c->roll, error) ||
	    !get_path(kf, dir, "server", "tls-certificate", FALSE, &c->tls_certificate, error) ||
	    !get_path(kf, dir, "server", "tls-key", FALSE, &c->tls_key, error) ||
	    !get_path(kf, dir, "server", "database", TRUE, &c->database, error) ||
	    !get_path(kf, dir, "server", "port-file", FALSE, &c->port_file, error))
		return NULL;
	if ((c->tls_certificate == NULL) != (c->tls_key == NULL)) {
		g_set_error(error, CONFIG_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
		    "[server]: tls-certificate and tls-key go together");
		return NULL;
	}
	c->address = g_key_file_get_string(kf, "server", "address", NULL);
	if (c->address == NULL)
		c->address = g_strdup("127.0.0.1");
	if (!g_hostname_is_ip_address(c->address)) {
		g_set_error(error, CONFIG_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
		    "[server] address: \"%s\" is not an IP address", c->address);
		return NULL;
	}

	if (!get_uint(kf, "server", "port", 8470, 0, 65535, &n, error))
		return NULL;
	c->port = (guint)n;
	if (!get_uint(kf, "server", "max-body-bytes", 262144, 1024, 16 * 1024 * 1024, &n, error))
		return NULL;
	c->max_body_bytes = (gsize)n;
	if (!get_uint(kf, "server", "request-timeout", 30, 1, 3600, &n, error))
		return NULL;
	c->request_timeout_s = (guint)n;
	if (!get_uint(kf, "server", "workers", 0, 0, 1024, &n, error))
		return NULL;
	c->workers = (guint)n;
	if (!get_uint(kf, "server", "queue-limit", 8192, 1, 1000000, &n, error))
		return NULL;
	c->queue_limit = (guint)n;
	if (!get_uint(kf, "batch", "max-entries", 512, 1, 65536, &n, error))
		return NULL;
	c->batch_max_entries = (guint)n;
	if (!get_uint(kf, "batch", "max-ms", 20, 0, 10000, &n, error))
		return NULL;
	c->batch_max_ms = (guint)n;

	for (char **g = groups; *g != NULL; g++) {
		ChainWitnessConfig *w;

		if (!g_str_has_prefix(*g, "witness "))
			continue;
		w = g_new0(ChainWitnessConfig, 1);
		g_ptr_array_add(c->witnesses, w);
		w->name = g_strdup(*g + 8);
		w->vkey = g_key_file_get_string(kf, *g, "vkey", error);
		if (w->vkey == NULL)
			return NULL;
		w->url = g_key_file_get_string(kf, *g, "url", error);
		if (w->url == NULL)
			return NULL;
		if (!g_str_has_prefix(w->url, "http://") && !g_str_has_prefix(w->url, "https://")) {
			g_set_error(error, CONFIG_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
			    "[%s] url: not an http(s) URL", *g);
			return NULL;
		}
	}
	if (!get_uint(kf, "witnesses", "quorum", c->witnesses->len, 0, c->witnesses->len, &n, error))
		return NULL;
	c->witness_quorum = (guint)n;
	if (!get_uint(kf, "witnesses", "timeout-ms", 5000, 10, 600000, &n, error))
		return NULL;
	c->witness_timeout_ms = (guint)n;

	return g_steal_pointer(&c);
}
