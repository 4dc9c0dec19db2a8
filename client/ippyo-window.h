/* ippyo — the voter's window: one page per step of the voter's flow. */
#pragma once

#include <adwaita.h>

#include "ippyo-application.h"

G_BEGIN_DECLS

#define IPPYO_TYPE_WINDOW (ippyo_window_get_type())
G_DECLARE_FINAL_TYPE(IppyoWindow, ippyo_window, IPPYO, WINDOW, AdwApplicationWindow)

IppyoWindow *ippyo_window_new(IppyoApplication *application);

G_END_DECLS
