/* ippyo — step 5: the card's 4-digit PIN, masked, with the tries left. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define IPPYO_TYPE_PIN_DIALOG (ippyo_pin_dialog_get_type())
G_DECLARE_FINAL_TYPE(IppyoPinDialog, ippyo_pin_dialog, IPPYO, PIN_DIALOG, AdwWindow)

/*
 * tries_left: as the card says (-1: unknown). With 1 the dialog warns that
 * a wrong PIN locks the card. error: why the last attempt failed, or NULL.
 *
 * Signal "pin-entered" (const char *pin): emitted once per click of the
 * sign button, with the PIN, which is wiped from the entry right after the
 * handlers return (copy it into wiped memory if it is needed later). The
 * dialog never resubmits a PIN by itself. Closing it emits "cancelled".
 */
IppyoPinDialog *ippyo_pin_dialog_new(GtkWindow *parent, int tries_left, const char *error);
void ippyo_pin_dialog_set_busy(IppyoPinDialog *self, gboolean busy);

G_END_DECLS
