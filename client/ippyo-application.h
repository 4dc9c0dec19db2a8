/* ippyo — the voter's application (one window, app id jp.ippyo.Voter). */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define IPPYO_APP_ID "jp.ippyo.Voter"
#define IPPYO_TYPE_APPLICATION (ippyo_application_get_type())
G_DECLARE_FINAL_TYPE(IppyoApplication, ippyo_application, IPPYO, APPLICATION, AdwApplication)

IppyoApplication *ippyo_application_new(void);

G_END_DECLS
