/* ippyo — the voter's application: actions, accelerators, the window. */
#include "ippyo-application.h"

#include "i18n.h"
#include "ippyo-window.h"

struct _IppyoApplication {
	AdwApplication parent_instance;

	char *reader;                 /* --reader NAME */
	char *address;                /* the election to open at start */
};

G_DEFINE_FINAL_TYPE(IppyoApplication, ippyo_application, ADW_TYPE_APPLICATION)

static void
ippyo_application_activate(GApplication *app)
{
	GtkWindow *window;

	window = gtk_application_get_active_window(GTK_APPLICATION(app));
	if (window == NULL)
		window = GTK_WINDOW(ippyo_window_new(IPPYO_APPLICATION(app),
		    IPPYO_APPLICATION(app)->reader, IPPYO_APPLICATION(app)->address));
	gtk_window_present(window);
}

static void
quit_action_cb(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
	IppyoApplication *self = user_data;
	GList *windows;

	/* Close the windows first: they save their size and stop their work. */
	while ((windows = gtk_application_get_windows(GTK_APPLICATION(self))) != NULL)
		gtk_window_destroy(windows->data);
	g_application_quit(G_APPLICATION(self));
}

static void
about_action_cb(GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
	IppyoApplication *self = user_data;
	static const char *developers[] = { "The Ippyo developers", NULL };

	adw_show_about_window(gtk_application_get_active_window(GTK_APPLICATION(self)),
	    "application-name", _("Ippyo"),
	    "application-icon", IPPYO_APP_ID,
	    "version", PACKAGE_VERSION,
	    "comments", _("Vote in an election with your My Number card"),
	    "developers", developers,
	    /* Translators: your names, one a line */
	    "translator-credits", _("translator-credits"),
	    "license-type", GTK_LICENSE_GPL_3_0,
	    NULL);
}

static const GActionEntry app_actions[] = {
	{ .name = "quit", .activate = quit_action_cb },
	{ .name = "about", .activate = about_action_cb },
};

static void
ippyo_application_startup(GApplication *app)
{
	static const char *quit_accels[] = { "<Control>q", NULL };
	static const char *close_accels[] = { "<Control>w", NULL };
	static const char *back_accels[] = { "<Alt>Left", NULL };

	G_APPLICATION_CLASS(ippyo_application_parent_class)->startup(app);

	g_action_map_add_action_entries(G_ACTION_MAP(app), app_actions,
	    G_N_ELEMENTS(app_actions), app);
	gtk_application_set_accels_for_action(GTK_APPLICATION(app), "app.quit", quit_accels);
	gtk_application_set_accels_for_action(GTK_APPLICATION(app), "window.close", close_accels);
	gtk_application_set_accels_for_action(GTK_APPLICATION(app), "win.back", back_accels);
}

static int
ippyo_application_handle_local_options(GApplication *app, GVariantDict *options)
{
	IppyoApplication *self = IPPYO_APPLICATION(app);
	g_autofree const char **rest = NULL;

	g_variant_dict_lookup(options, "reader", "s", &self->reader);
	if (g_variant_dict_lookup(options, G_OPTION_REMAINING, "^a&s", &rest) && rest != NULL) {
		if (rest[0] != NULL && rest[1] != NULL) {
			g_printerr("%s\n", _("Give at most one election address."));
			return 1;
		}
		self->address = g_strdup(rest[0]);
	}
	return -1;
}

static void
ippyo_application_finalize(GObject *object)
{
	IppyoApplication *self = IPPYO_APPLICATION(object);

	g_free(self->reader);
	g_free(self->address);
	G_OBJECT_CLASS(ippyo_application_parent_class)->finalize(object);
}

static void
ippyo_application_class_init(IppyoApplicationClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GApplicationClass *app_class = G_APPLICATION_CLASS(klass);

	object_class->finalize = ippyo_application_finalize;
	app_class->activate = ippyo_application_activate;
	app_class->startup = ippyo_application_startup;
	app_class->handle_local_options = ippyo_application_handle_local_options;
}

static void
ippyo_application_init(IppyoApplication *self)
{
	static const GOptionEntry entries[] = {
		{ "reader", 0, 0, G_OPTION_ARG_STRING, NULL,
		  N_("Use the card reader named NAME"), N_("NAME") },
		{ G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL, NULL,
		  N_("[ELECTION-ADDRESS]") },
		{ NULL },
	};

	g_application_add_main_option_entries(G_APPLICATION(self), entries);
	g_application_set_option_context_parameter_string(G_APPLICATION(self),
	    _("[ELECTION-ADDRESS]"));
	g_application_set_option_context_summary(G_APPLICATION(self),
	    _("Vote in an election with your My Number card"));
}

IppyoApplication *
ippyo_application_new(void)
{
	return g_object_new(IPPYO_TYPE_APPLICATION,
	    "application-id", IPPYO_APP_ID,
	    "flags", G_APPLICATION_DEFAULT_FLAGS,
	    "resource-base-path", "/jp/ippyo/Voter",
	    NULL);
}
