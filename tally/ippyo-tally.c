/* ippyo-tally — election setup, key ceremony, verification and the tally. */
#include <locale.h>

#include "tally.h"

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	return tally_main(argc, argv);
}
