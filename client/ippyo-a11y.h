/* ippyo — accessible names for buttons with mnemonics (GTK 4.8 reads "_Vote Vote"). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * Gives every GtkButton under root whose label has a mnemonic the label's
 * text as its accessible name, without the underline and without a
 * trailing "(_X)" mnemonic hint, and keeps it in step with the label.
 */
void ippyo_a11y_name_buttons(GtkWidget *root);

G_END_DECLS
