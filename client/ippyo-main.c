/* ippyo — the voter's window: a thin main. */
#include <locale.h>

#include "i18n.h"
#include "ippyo-application.h"

int
main(int argc, char **argv)
{
	g_autoptr(IppyoApplication) app = NULL;
	const char *localedir;

	/* IPPYO_LOCALEDIR in the environment: the translations of an uninstalled build. */
	localedir = g_getenv("IPPYO_LOCALEDIR");
	if (localedir == NULL || *localedir == '\0')
		localedir = IPPYO_LOCALEDIR;
	setlocale(LC_ALL, "");
	bindtextdomain(GETTEXT_PACKAGE, localedir);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	textdomain(GETTEXT_PACKAGE);

	app = ippyo_application_new();
	return g_application_run(G_APPLICATION(app), argc, argv);
}
