/* ippyo-chaind — the ballot chain's HTTP server. */
#include <glib-unix.h>
#include <locale.h>

#include "chain-daemon.h"

static gboolean
quit_cb(gpointer user_data)
{
	/*
	 * The source stays: were it removed, GLib would restore the default
	 * action and a second SIGTERM during the drain would kill the server
	 * before it answered the submissions it took. A second one is ignored.
	 */
	g_main_loop_quit(user_data);
	return G_SOURCE_CONTINUE;
}

int
main(int argc, char **argv)
{
	g_autofree char *config_path = NULL;
	gboolean version = FALSE;
	const GOptionEntry entries[] = {
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
		  "The configuration file", "FILE" },
		{ "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("- the ippyo ballot chain server");
	g_autoptr(GError) error = NULL;
	g_autoptr(ChainConfig) config = NULL;
	g_autoptr(GMainLoop) loop = NULL;
	ChainDaemon *d;

	setlocale(LC_ALL, "");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		g_printerr("ippyo-chaind: %s\n", error->message);
		return 2;
	}
	if (version) {
		g_print("ippyo-chaind %s\n", IPPYO_VERSION);
		return 0;
	}
	if (config_path == NULL) {
		g_printerr("ippyo-chaind: --config FILE is required\n");
		return 2;
	}
	config = chain_config_load(config_path, &error);
	if (config == NULL) {
		g_printerr("ippyo-chaind: %s\n", error->message);
		return 1;
	}
	loop = g_main_loop_new(NULL, FALSE);
	d = chain_daemon_new(config, &error);
	if (d == NULL) {
		g_printerr("ippyo-chaind: %s\n", error->message);
		return 1;
	}
	g_unix_signal_add(SIGTERM, quit_cb, loop);
	g_unix_signal_add(SIGINT, quit_cb, loop);
	g_printerr("ippyo-chaind: %s listening on %s port %u\n", chain_election_origin(d->election),
	    config->address, d->port);
	g_main_loop_run(loop);
	/* SIGTERM: stop listening, answer every submission already taken, exit. */
	g_printerr("ippyo-chaind: draining\n");
	chain_daemon_free(d);
	return 0;
}
