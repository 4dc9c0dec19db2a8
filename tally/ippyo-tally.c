/* ippyo-tally — election setup, key ceremony, verification and the tally. */
#include <locale.h>

#include "json-wipe.h"
#include "tally.h"

int
main(int argc, char **argv)
{
	/* first: trustees' key shares pass through Jansson (json-wipe.h) */
	ippyo_json_wipe_on_free();
	setlocale(LC_ALL, "");
	return tally_main(argc, argv);
}
