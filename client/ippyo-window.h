/* ippyo — the voter's window: one page per step of the voter's flow. */
#pragma once

#include <adwaita.h>

#include "ippyo-application.h"

G_BEGIN_DECLS

#define IPPYO_TYPE_WINDOW (ippyo_window_get_type())
G_DECLARE_FINAL_TYPE(IppyoWindow, ippyo_window, IPPYO, WINDOW, AdwApplicationWindow)

/* reader: the PC/SC name of the voter's reader (NULL: the only card); address: an
 * election to open at once (NULL: the form, with the last address). */
IppyoWindow *ippyo_window_new(IppyoApplication *application, const char *reader,
    const char *address);

G_END_DECLS
