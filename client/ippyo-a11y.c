/* ippyo — accessible names for mnemonic buttons. */
#include "ippyo-a11y.h"

#include <string.h>

static void
update_name(GtkButton *button)
{
	const char *label = gtk_button_get_label(button);
	GString *name;
	const char *p;

	if (label == NULL)
		return;
	name = g_string_new(NULL);
	for (p = label; *p != '\0'; p++) {
		if (*p == '_' && p[1] != '\0') {
			if (p[1] == '_')
				g_string_append_c(name, '_');
			p++;
			if (p[0] != '_')
				g_string_append_c(name, *p);
			continue;
		}
		g_string_append_c(name, *p);
	}
	/* "開く(O)": the hint of a mnemonic that is not in the text. */
	if (name->len >= 3 && name->str[name->len - 1] == ')' &&
	    name->str[name->len - 3] == '(' && g_ascii_isalnum(name->str[name->len - 2]))
		g_string_truncate(name, name->len - 3);
	gtk_accessible_update_property(GTK_ACCESSIBLE(button), GTK_ACCESSIBLE_PROPERTY_LABEL,
	    name->str, -1);
	g_string_free(name, TRUE);
	/* GtkButton also names itself by its label child, and GTK 4.8 joins both. */
	gtk_accessible_reset_relation(GTK_ACCESSIBLE(button), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

void
ippyo_a11y_name_buttons(GtkWidget *root)
{
	GtkWidget *child;

	if (GTK_IS_BUTTON(root) && gtk_button_get_use_underline(GTK_BUTTON(root))) {
		update_name(GTK_BUTTON(root));
		g_signal_connect(root, "notify::label", G_CALLBACK(update_name), NULL);
	}
	for (child = gtk_widget_get_first_child(root); child != NULL;
	    child = gtk_widget_get_next_sibling(child))
		ippyo_a11y_name_buttons(child);
}
