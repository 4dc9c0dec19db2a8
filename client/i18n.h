/* ippyo-vote — translations: _() and N_() through gettext (po/ comes later). */
#pragma once

#ifndef GETTEXT_PACKAGE
#define GETTEXT_PACKAGE "ippyo"
#endif

#include <glib/gi18n.h>
