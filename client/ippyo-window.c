/*
 * ippyo — the voter's window. It shows one page per step and drives the
 * voter session (client/voter-*.h); it never touches the card, the network
 * or the cryptography itself.
 */
#include "ippyo-window.h"

#include "election/ballot.h"
#include "error.h"
#include "i18n.h"
#include "ippyo-a11y.h"
#include "ippyo-audit-page.h"
#include "ippyo-ballot-page.h"
#include "ippyo-card-page.h"
#include "ippyo-check-page.h"
#include "ippyo-election-page.h"
#include "ippyo-pin-dialog.h"
#include "ippyo-receipt-page.h"
#include "ippyo-review-page.h"
#include "ippyo-submit-page.h"
#include "voter-ballot-draft.h"
#include "voter-card-monitor.h"
#include "voter-election.h"
#include "voter-error.h"
#include "voter-receipt-store.h"
#include "voter-submitter.h"

struct _IppyoWindow {
	AdwApplicationWindow parent_instance;

	GtkWidget *back_button;
	AdwWindowTitle *window_title;
	AdwToastOverlay *toast_overlay;
	GtkStack *stack;
	IppyoElectionPage *election_page;
	IppyoCardPage *card_page;
	IppyoBallotPage *ballot_page;
	IppyoReviewPage *review_page;
	IppyoAuditPage *audit_page;
	IppyoSubmitPage *submit_page;
	IppyoReceiptPage *receipt_page;
	IppyoCheckPage *check_page;

	GSettings *settings;          /* NULL when the schema is not installed */

	/* The voter session (client/voter-*.h). */
	GCancellable *cancellable;    /* cancelled when the window goes */
	IppyoElection *election;
	IppyoReceiptStore *store;
	IppyoCardMonitor *monitor;
	IppyoBallotDraft *draft;
	IppyoSubmitter *submitter;
	IppyoPinDialog *pin_dialog;
	char *receipt_path;           /* the newest receipt of this election */
	char *reader;                 /* --reader, or NULL */
	gboolean busy;                /* an async step of the session is running */
	guint slow_send_id;           /* "the chain is not answering yet" timeout */
};

/* After this long in "sending", the submit page says the chain is slow to answer. */
#define SLOW_SEND_SECONDS 5

G_DEFINE_FINAL_TYPE(IppyoWindow, ippyo_window, ADW_TYPE_APPLICATION_WINDOW)

/* Where the back button leads from each page (NULL: no way back). */
static const struct {
	const char *page;
	const char *back;
} back_map[] = {
	{ "election", NULL },
	{ "card", "election" },
	{ "ballot", "card" },
	{ "review", "ballot" },
	{ "audit", NULL },            /* the audited ballot is discarded: no way back */
	{ "submit", NULL },
	{ "receipt", "election" },
	{ "check", "election" },
};

static const char *
back_of(const char *page)
{
	guint i;

	for (i = 0; page != NULL && i < G_N_ELEMENTS(back_map); i++)
		if (strcmp(back_map[i].page, page) == 0)
			return back_map[i].back;
	return NULL;
}

static void
show_page(IppyoWindow *self, const char *name)
{
	gtk_stack_set_visible_child_name(self->stack, name);
}

static void
toast(IppyoWindow *self, const char *message)
{
	adw_toast_overlay_add_toast(self->toast_overlay, adw_toast_new(message));
}

static void
page_changed_cb(IppyoWindow *self)
{
	const char *name = gtk_stack_get_visible_child_name(self->stack);
	GtkStackPage *page;

	if (name == NULL)
		return;
	page = gtk_stack_get_page(self->stack, gtk_stack_get_visible_child(self->stack));
	adw_window_title_set_title(self->window_title, gtk_stack_page_get_title(page));
	gtk_widget_action_set_enabled(GTK_WIDGET(self), "win.back", back_of(name) != NULL);
	gtk_widget_set_visible(self->back_button, back_of(name) != NULL);
}

static void
back_action_cb(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
	IppyoWindow *self = IPPYO_WINDOW(widget);
	const char *back = back_of(gtk_stack_get_visible_child_name(self->stack));

	if (back != NULL)
		show_page(self, back);
}

static void
export_response_cb(GtkNativeDialog *dialog, int response, gpointer user_data)
{
	IppyoWindow *self = IPPYO_WINDOW(user_data);
	IppyoReceiptFormat format = GPOINTER_TO_INT(g_object_get_data(G_OBJECT(dialog),
	    "ippyo-format"));
	g_autoptr(GFile) file = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *path = NULL;

	if (response == GTK_RESPONSE_ACCEPT &&
	    (file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(dialog))) != NULL) {
		path = g_file_get_path(file);
		if (path == NULL)
			toast(self, _("The receipt can only be saved in a local folder."));
		else if (!ippyo_receipt_page_export(self->receipt_page, path, format, &error))
			toast(self, error->message);
		else
			toast(self, _("Receipt saved"));
	}
	gtk_native_dialog_destroy(dialog);
	g_object_unref(dialog);
	g_object_unref(self);
}

static void
export_receipt_action_cb(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
	IppyoWindow *self = IPPYO_WINDOW(widget);
	const char *kind = g_variant_get_string(parameter, NULL);
	IppyoReceiptFormat format;
	GtkFileChooserNative *dialog;
	const char *name;

	if (strcmp(kind, "pdf") == 0) {
		format = IPPYO_RECEIPT_FORMAT_PDF;
		/* Translators: file name of the saved receipt */
		name = _("ballot-receipt.pdf");
	} else if (strcmp(kind, "png") == 0) {
		format = IPPYO_RECEIPT_FORMAT_PNG;
		/* Translators: file name of the saved receipt */
		name = _("ballot-receipt.png");
	} else {
		return;
	}
	dialog = gtk_file_chooser_native_new(_("Save Receipt"), GTK_WINDOW(self),
	    GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
	gtk_native_dialog_set_modal(GTK_NATIVE_DIALOG(dialog), TRUE);
	gtk_file_chooser_set_current_name(GTK_FILE_CHOOSER(dialog), name);
	g_object_set_data(G_OBJECT(dialog), "ippyo-format", GINT_TO_POINTER(format));
	g_signal_connect(dialog, "response", G_CALLBACK(export_response_cb), g_object_ref(self));
	gtk_native_dialog_show(GTK_NATIVE_DIALOG(dialog));
}


/* ---- the session ---- */

static void
set_action_enabled(IppyoWindow *self, const char *name, gboolean enabled)
{
	gtk_widget_action_set_enabled(GTK_WIDGET(self), name, enabled);
}

static void
update_actions(IppyoWindow *self)
{
	gboolean encrypted = self->draft != NULL && ippyo_ballot_draft_get_encrypted(self->draft);

	set_action_enabled(self, "win.open-election", !self->busy);
	set_action_enabled(self, "win.start-vote", self->election != NULL &&
	    ippyo_election_get_state(self->election) == IPPYO_ELECTION_STATE_OPEN);
	set_action_enabled(self, "win.show-check", self->election != NULL &&
	    self->receipt_path != NULL && !self->busy);
	set_action_enabled(self, "win.check", self->receipt_path != NULL && !self->busy);
	set_action_enabled(self, "win.show-ballot",
	    ippyo_card_page_get_view(self->card_page) == IPPYO_CARD_VIEW_READY);
	set_action_enabled(self, "win.review", ippyo_ballot_page_get_complete(self->ballot_page));
	set_action_enabled(self, "win.cast", encrypted && !self->busy);
	set_action_enabled(self, "win.audit", encrypted && !self->busy);
	set_action_enabled(self, "win.reencrypt", !self->busy);
	set_action_enabled(self, "win.resend", self->submitter != NULL && !self->busy &&
	    ippyo_submitter_get_has_pending(self->submitter));
}

/* "2027-04-01T08:00:00Z" in the voter's words and time zone. */
static char *
format_time(const char *iso)
{
	g_autoptr(GDateTime) utc = NULL;
	g_autoptr(GDateTime) local = NULL;

	if (iso == NULL || (utc = g_date_time_new_from_iso8601(iso, NULL)) == NULL)
		return g_strdup(iso != NULL ? iso : "");
	local = g_date_time_to_local(utc);
	/* Translators: a date and time, see g_date_time_format() */
	return g_date_time_format(local, _("%B %-d, %Y, %H:%M"));
}

static void
newest_receipt(IppyoWindow *self)
{
	g_autoptr(GPtrArray) receipts = NULL;

	g_clear_pointer(&self->receipt_path, g_free);
	if (self->store != NULL &&
	    (receipts = ippyo_receipt_store_list(self->store)) != NULL && receipts->len > 0)
		self->receipt_path = g_strdup(g_ptr_array_index(receipts, receipts->len - 1));
}

static void
show_election(IppyoWindow *self)
{
	const ippyo_manifest *m = ippyo_election_get_manifest(self->election);
	const char *lang = ippyo_election_lang();
	g_autoptr(GPtrArray) contests = g_ptr_array_new();
	g_autofree char *opens = format_time(ippyo_election_get_poll_opens(self->election));
	g_autofree char *closes = format_time(ippyo_election_get_poll_closes(self->election));
	IppyoPollState state;
	size_t c;

	for (c = 0; c < ippyo_manifest_contests(m); c++)
		g_ptr_array_add(contests, (gpointer)ippyo_manifest_contest_title(m, c, lang));
	g_ptr_array_add(contests, NULL);
	switch (ippyo_election_get_state(self->election)) {
	case IPPYO_ELECTION_STATE_OPEN:
		state = IPPYO_POLL_OPEN;
		break;
	case IPPYO_ELECTION_STATE_CLOSED:
		state = IPPYO_POLL_CLOSED;
		break;
	default:
		state = IPPYO_POLL_NOT_OPEN_YET;
		break;
	}
	newest_receipt(self);
	ippyo_election_page_show_election(self->election_page,
	    ippyo_election_get_title(self->election), opens, closes, state,
	    (const char *const *)contests->pdata);
	ippyo_election_page_set_voted(self->election_page, self->receipt_path != NULL);
	adw_window_title_set_subtitle(self->window_title, ippyo_election_get_title(self->election));
	update_actions(self);
}

static void
forget_election(IppyoWindow *self)
{
	if (self->pin_dialog != NULL)
		gtk_window_destroy(GTK_WINDOW(self->pin_dialog));
	g_clear_object(&self->submitter);
	g_clear_object(&self->draft);
	if (self->monitor != NULL)
		ippyo_card_monitor_set_election(self->monitor, NULL);
	g_clear_object(&self->store);
	g_clear_object(&self->election);
	g_clear_pointer(&self->receipt_path, g_free);
	adw_window_title_set_subtitle(self->window_title, NULL);
}

static void submit_stage_cb(IppyoWindow *self);

static void
ensure_submitter(IppyoWindow *self, const char *reader)
{
	if (self->submitter != NULL)
		return;
	self->submitter = ippyo_submitter_new(self->election, self->store, reader, NULL);
	g_signal_connect_object(self->submitter, "notify::stage",
	    G_CALLBACK(submit_stage_cb), self, G_CONNECT_SWAPPED);
}

/* A signed ballot an earlier run could not get a receipt for (the window was
 * closed while the chain did not answer) is offered for sending at once: a
 * ballot is never silently lost. The newest is the voter's last intent. */
static void
offer_pending(IppyoWindow *self)
{
	g_autoptr(GPtrArray) pending = ippyo_receipt_store_list_pending(self->store);

	if (pending == NULL || pending->len == 0)
		return;
	ensure_submitter(self, self->reader);
	if (!ippyo_submitter_adopt_pending(self->submitter,
	    g_ptr_array_index(pending, pending->len - 1)))
		return;
	ippyo_submit_page_set_failed(self->submit_page, _("Your Ballot Is Not Sent Yet"),
	    _("A ballot you signed earlier was not confirmed by the ballot chain. It is kept on this computer: send it again to get your receipt. It can be counted only once."),
	    TRUE);
	show_page(self, "submit");
	update_actions(self);
}

static void
election_opened_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(IppyoWindow) self = user_data;
	g_autoptr(IppyoElection) election = NULL;
	g_autoptr(IppyoReceiptStore) store = NULL;
	g_autoptr(GError) error = NULL;

	election = ippyo_election_open_finish(result, &error);
	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	self->busy = FALSE;
	ippyo_election_page_set_busy(self->election_page, FALSE);
	if (election != NULL) {
		store = ippyo_receipt_store_new(ippyo_election_get_election_id(election));
		if (!ippyo_receipt_store_save_manifest(store,
		    ippyo_election_get_manifest_entry(election), &error))
			g_clear_object(&election);
	}
	if (election == NULL) {
		ippyo_election_page_set_error(self->election_page, error->message);
		update_actions(self);
		return;
	}
	forget_election(self);
	self->election = g_steal_pointer(&election);
	self->store = g_steal_pointer(&store);
	if (self->settings != NULL)
		g_settings_set_string(self->settings, "last-election",
		    ippyo_election_page_get_address(self->election_page));
	if (self->monitor != NULL)
		ippyo_card_monitor_set_election(self->monitor, self->election);
	ippyo_election_page_set_error(self->election_page, NULL);
	show_election(self);
	offer_pending(self);
}

static void
open_election_action_cb(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
	IppyoWindow *self = IPPYO_WINDOW(widget);
	g_autofree char *address = g_strstrip(g_strdup(
	    ippyo_election_page_get_address(self->election_page)));

	if (self->busy)
		return;
	if (*address == '\0') {
		ippyo_election_page_set_error(self->election_page,
		    _("Type the election address first."));
		return;
	}
	self->busy = TRUE;
	ippyo_election_page_set_error(self->election_page, NULL);
	ippyo_election_page_set_busy(self->election_page, TRUE);
	update_actions(self);
	ippyo_election_open_async(address, self->cancellable, election_opened_cb,
	    g_object_ref(self));
}

static void
change_election_action_cb(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
	IppyoWindow *self = IPPYO_WINDOW(widget);

	ippyo_election_page_show_open(self->election_page);
	show_page(self, "election");
}

static void
election_refreshed_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(IppyoWindow) self = user_data;
	g_autoptr(GError) error = NULL;

	if (!ippyo_election_refresh_finish(IPPYO_ELECTION(source), result, &error)) {
		if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			return;
		toast(self, error->message);
	}
	if (self->election == IPPYO_ELECTION(source))
		show_election(self);
}

static void
home_action_cb(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
	IppyoWindow *self = IPPYO_WINDOW(widget);

	if (self->election == NULL) {
		ippyo_election_page_show_open(self->election_page);
	} else {
		show_election(self);
		ippyo_election_refresh_async(self->election, self->cancellable,
		    election_refreshed_cb, g_object_ref(self));
	}
	show_page(self, "election");
}

/* The card monitor's state and eligibility as the card page shows them. */
static void
card_changed_cb(IppyoWindow *self)
{
	IppyoCardView view = IPPYO_CARD_VIEW_READING;
	const char *detail = NULL;

	switch (ippyo_card_monitor_get_state(self->monitor)) {
	case IPPYO_CARD_MONITOR_STARTING:
	case IPPYO_CARD_MONITOR_READING:
		view = IPPYO_CARD_VIEW_READING;
		break;
	case IPPYO_CARD_MONITOR_NO_SERVICE:
		view = IPPYO_CARD_VIEW_NO_SERVICE;
		break;
	case IPPYO_CARD_MONITOR_NO_READER:
		view = IPPYO_CARD_VIEW_NO_READER;
		break;
	case IPPYO_CARD_MONITOR_NO_CARD:
		view = IPPYO_CARD_VIEW_INSERT;
		break;
	case IPPYO_CARD_MONITOR_NOT_MYNUMBER:
		view = IPPYO_CARD_VIEW_NOT_MY_NUMBER;
		break;
	case IPPYO_CARD_MONITOR_ERROR:
		if (ippyo_card_monitor_get_error_code(self->monitor) == IPPYO_ERR_CARD_AMBIGUOUS) {
			view = IPPYO_CARD_VIEW_SEVERAL_CARDS;
			break;
		}
		view = IPPYO_CARD_VIEW_ERROR;
		detail = ippyo_card_monitor_get_message(self->monitor);
		break;
	case IPPYO_CARD_MONITOR_READY:
		switch (ippyo_card_monitor_get_eligibility(self->monitor)) {
		case IPPYO_ELIGIBILITY_ELIGIBLE:
			view = IPPYO_CARD_VIEW_READY;
			break;
		case IPPYO_ELIGIBILITY_VALID_ROLL_UNKNOWN:
			view = IPPYO_CARD_VIEW_READY;
			detail = _("The voter roll could not be checked on this computer; the ballot chain checks it when you cast your ballot.");
			break;
		case IPPYO_ELIGIBILITY_EXPIRED:
		case IPPYO_ELIGIBILITY_NOT_YET_VALID:
			view = IPPYO_CARD_VIEW_EXPIRED;
			break;
		case IPPYO_ELIGIBILITY_VALID_REVOCATION_UNKNOWN:
			view = IPPYO_CARD_VIEW_READY;
			detail = _("Whether the card’s certificate was revoked could not be checked on this computer; the ballot chain checks it when you cast your ballot.");
			break;
		case IPPYO_ELIGIBILITY_NOT_ON_ROLL:
			view = IPPYO_CARD_VIEW_NOT_ON_ROLL;
			break;
		case IPPYO_ELIGIBILITY_REVOKED:
			view = IPPYO_CARD_VIEW_REVOKED;
			break;
		case IPPYO_ELIGIBILITY_WRONG_ISSUER:
			view = IPPYO_CARD_VIEW_WRONG_ISSUER;
			break;
		case IPPYO_ELIGIBILITY_UNKNOWN:
			view = IPPYO_CARD_VIEW_READING;
			break;
		}
		break;
	}
	ippyo_card_page_set_view(self->card_page, view, detail);
	update_actions(self);
}

static void
start_vote_action_cb(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
	IppyoWindow *self = IPPYO_WINDOW(widget);

	if (self->election == NULL)
		return;
	if (self->monitor == NULL) {
		self->monitor = ippyo_card_monitor_new(self->reader, NULL);
		g_signal_connect_object(self->monitor, "notify::state",
		    G_CALLBACK(card_changed_cb), self, G_CONNECT_SWAPPED);
		g_signal_connect_object(self->monitor, "notify::eligibility",
		    G_CALLBACK(card_changed_cb), self, G_CONNECT_SWAPPED);
		ippyo_card_monitor_set_election(self->monitor, self->election);
		ippyo_card_monitor_start(self->monitor);
	} else {
		ippyo_card_monitor_set_election(self->monitor, self->election);
	}
	card_changed_cb(self);
	show_page(self, "card");
}

static void
ballot_changed_cb(IppyoWindow *self, guint contest, guint option, gboolean chosen)
{
	g_autoptr(GError) error = NULL;

	if (self->draft == NULL)
		return;
	if (!ippyo_ballot_draft_select(self->draft, contest, option, chosen, &error)) {
		toast(self, error->message);
		ippyo_ballot_page_set_chosen(self->ballot_page, contest, option,
		    ippyo_ballot_draft_get_selected(self->draft, contest, option));
	}
	update_actions(self);
}

static void
fill_ballot_page(IppyoWindow *self)
{
	const ippyo_manifest *m = ippyo_election_get_manifest(self->election);
	const char *lang = ippyo_election_lang();
	size_t c, o;

	ippyo_ballot_page_clear(self->ballot_page);
	for (c = 0; c < ippyo_manifest_contests(m); c++) {
		g_autoptr(GPtrArray) options = g_ptr_array_new();

		for (o = 0; o < ippyo_manifest_options(m, c); o++)
			g_ptr_array_add(options, (gpointer)ippyo_manifest_option_title(m, c, o, lang));
		g_ptr_array_add(options, NULL);
		ippyo_ballot_page_add_contest(self->ballot_page,
		    ippyo_manifest_contest_title(m, c, lang),
		    ippyo_manifest_contest_min(m, c), ippyo_manifest_contest_max(m, c),
		    (const char *const *)options->pdata);
	}
}

static void
show_ballot_action_cb(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
	IppyoWindow *self = IPPYO_WINDOW(widget);
	g_autoptr(GError) error = NULL;

	if (self->election == NULL || self->monitor == NULL)
		return;
	if (self->draft == NULL ||
	    ippyo_ballot_draft_get_election(self->draft) != self->election) {
		g_clear_object(&self->draft);
		self->draft = ippyo_ballot_draft_new(self->election);
		fill_ballot_page(self);
	}
	/* The ballot binds the card in the reader now (a new card: a new binding). */
	if (!ippyo_ballot_draft_set_certificate(self->draft,
	    ippyo_card_monitor_get_certificate(self->monitor), &error)) {
		toast(self, error->message);
		return;
	}
	show_page(self, "ballot");
	update_actions(self);
}

static void
encrypted_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(IppyoWindow) self = user_data;
	g_autoptr(GError) error = NULL;

	if (!ippyo_ballot_draft_encrypt_finish(IPPYO_BALLOT_DRAFT(source), result, &error)) {
		if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			return;
		self->busy = FALSE;
		toast(self, error->message);
		show_page(self, "ballot");
		update_actions(self);
		return;
	}
	self->busy = FALSE;
	/* Cast first enabled, then shown ready: the page gives it the focus. */
	update_actions(self);
	if (IPPYO_BALLOT_DRAFT(source) == self->draft)
		ippyo_review_page_set_tracking_code(self->review_page,
		    ippyo_ballot_draft_get_tracking_code(self->draft));
}

static void
encrypt_and_review(IppyoWindow *self)
{
	guint c, n = ippyo_ballot_page_get_n_contests(self->ballot_page);
	g_autoptr(GPtrArray) titles = g_ptr_array_new();
	g_autoptr(GPtrArray) choices = g_ptr_array_new_with_free_func(g_free);

	for (c = 0; c < n; c++) {
		g_ptr_array_add(titles,
		    (gpointer)ippyo_ballot_page_get_contest_title(self->ballot_page, c));
		g_ptr_array_add(choices,
		    ippyo_ballot_page_dup_contest_choices(self->ballot_page, c));
	}
	g_ptr_array_add(titles, NULL);
	g_ptr_array_add(choices, NULL);
	ippyo_review_page_set_choices(self->review_page, (const char *const *)titles->pdata,
	    (const char *const *)choices->pdata);
	ippyo_review_page_set_revote(self->review_page, self->receipt_path != NULL);
	ippyo_review_page_set_tracking_code(self->review_page, NULL);
	show_page(self, "review");
	self->busy = TRUE;
	update_actions(self);
	ippyo_ballot_draft_encrypt_async(self->draft, self->cancellable, encrypted_cb,
	    g_object_ref(self));
}

static void
review_action_cb(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
	IppyoWindow *self = IPPYO_WINDOW(widget);
	g_autoptr(GError) error = NULL;

	if (self->draft == NULL || self->busy)
		return;
	if (!ippyo_ballot_draft_check(self->draft, &error)) {
		toast(self, error->message);
		return;
	}
	encrypt_and_review(self);
}

static void
audit_action_cb(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
	IppyoWindow *self = IPPYO_WINDOW(widget);
	g_autofree char *code = NULL;
	g_autofree char *summary = NULL;
	g_autofree char *text = NULL;
	g_autoptr(GBytes) record = NULL;
	g_autoptr(GError) error = NULL;
	gsize len;
	const char *data;

	if (self->draft == NULL || !ippyo_ballot_draft_get_encrypted(self->draft))
		return;
	code = g_strdup(ippyo_ballot_draft_get_tracking_code(self->draft));
	if ((record = ippyo_ballot_draft_audit(self->draft, &error)) == NULL) {
		toast(self, error->message);
		return;
	}
	data = g_bytes_get_data(record, &len);
	text = g_strndup(data, len);
	summary = ippyo_ballot_page_dup_summary(self->ballot_page);
	ippyo_audit_page_set_record(self->audit_page, g_strchomp(text), code, summary);
	show_page(self, "audit");
	update_actions(self);
}

static void
reencrypt_action_cb(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
	IppyoWindow *self = IPPYO_WINDOW(widget);

	if (self->draft == NULL || self->busy)
		return;
	encrypt_and_review(self);
}

static void show_pin_dialog(IppyoWindow *self, const char *error);

/* The short form ("XXXX-XXXX-…") of a tracking code saved as 64 hex digits. */
static char *
short_tracking_code(const char *hex)
{
	uint8_t code[IPPYO_TRACKING_CODE_BYTES];
	char out[IPPYO_TRACKING_SHORT_LEN + 1];
	size_t i;

	if (hex == NULL || strlen(hex) != 2 * sizeof(code))
		return g_strdup(hex != NULL ? hex : "");
	for (i = 0; i < sizeof(code); i++) {
		int hi = g_ascii_xdigit_value(hex[2 * i]);
		int lo = g_ascii_xdigit_value(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return g_strdup(hex);
		code[i] = (uint8_t)(hi << 4 | lo);
	}
	ippyo_tracking_code_short(code, out);
	return g_strdup(out);
}

static void
show_receipt(IppyoWindow *self)
{
	g_autoptr(IppyoSavedReceipt) saved = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *time = NULL;
	g_autofree char *qr = NULL;
	g_autofree char *code = NULL;

	newest_receipt(self);
	g_free(self->receipt_path);
	self->receipt_path = g_strdup(ippyo_submitter_get_receipt_path(self->submitter));
	if (self->receipt_path == NULL ||
	    (saved = ippyo_saved_receipt_load(self->receipt_path, &error)) == NULL) {
		ippyo_submit_page_set_failed(self->submit_page, _("The Receipt Could Not Be Read"),
		    error != NULL ? error->message : "", FALSE);
		return;
	}
	time = format_time(saved->recorded_at);
	/* From the saved receipt: a ballot resent by a later run has no draft. */
	code = short_tracking_code(saved->tracking_code);
	/* The QR code: what a second device needs to look the ballot up. */
	qr = g_strdup_printf("ippyo-receipt:%s:%" G_GUINT64_FORMAT ":%s", saved->chain_url,
	    saved->index, saved->tracking_code);
	ippyo_receipt_page_set_receipt(self->receipt_page,
	    ippyo_election_get_title(self->election),
	    code, saved->index, time, qr);
	ippyo_election_page_set_voted(self->election_page, TRUE);
	show_page(self, "receipt");
}

/* The title over a definite rejection: what happened, in the voter's words
 * (the sentence under it says what to do). */
static const char *
rejection_title(const char *code)
{
	if (code == NULL)
		return _("Your Ballot Was Not Cast");
	if (strcmp(code, "poll_closed") == 0)
		return _("The Poll Has Closed");
	if (strcmp(code, "poll_not_open") == 0)
		return _("The Poll Is Not Open Yet");
	if (strcmp(code, "not_on_roll") == 0)
		return _("Not on the Voter Roll");
	if (strcmp(code, "cert_revoked") == 0)
		return _("The Card’s Certificate Was Revoked");
	if (strcmp(code, "cert_expired") == 0 || strcmp(code, "cert_not_yet_valid") == 0)
		return _("The Card’s Certificate Is Not Valid Now");
	return _("Your Ballot Was Not Cast");
}

static void
stop_slow_send_timer(IppyoWindow *self)
{
	if (self->slow_send_id != 0) {
		g_source_remove(self->slow_send_id);
		self->slow_send_id = 0;
	}
}

static void
cast_done(IppyoWindow *self, IppyoChainReceipt *receipt, GError *error)
{
	gboolean pending;
	const char *title = _("Your Ballot Was Not Cast");

	self->busy = FALSE;
	stop_slow_send_timer(self);
	if (receipt != NULL) {
		show_receipt(self);
		/* A later re-vote starts from a new draft: this one is spent. */
		g_clear_object(&self->draft);
		update_actions(self);
		return;
	}
	pending = ippyo_submitter_get_has_pending(self->submitter);
	if (error->domain == IPPYO_VOTER_ERROR) {
		switch ((IppyoVoterError)error->code) {
		case IPPYO_VOTER_ERROR_PIN_WRONG:
		case IPPYO_VOTER_ERROR_PIN_LAST_TRY:
		case IPPYO_VOTER_ERROR_PIN_FORMAT:
			/* Never retried by itself: the voter types the PIN again, or not. */
			show_page(self, "review");
			update_actions(self);
			show_pin_dialog(self, error->message);
			return;
		case IPPYO_VOTER_ERROR_PIN_LOCKED:
			ippyo_submit_page_set_failed(self->submit_page, _("Your Card Is Locked"),
			    error->message, FALSE);
			update_actions(self);
			return;
		case IPPYO_VOTER_ERROR_NETWORK:
			ippyo_submit_page_set_failed(self->submit_page,
			    _("Your Ballot Is Not Sent Yet"), error->message, pending);
			update_actions(self);
			return;
		case IPPYO_VOTER_ERROR_CLOSED:
			title = rejection_title("poll_closed");
			break;
		case IPPYO_VOTER_ERROR_NOT_OPEN:
			title = rejection_title("poll_not_open");
			break;
		case IPPYO_VOTER_ERROR_REJECTED:
			/* A transient refusal keeps the signed ballot: it is only not sent yet. */
			title = pending ? _("Your Ballot Is Not Sent Yet") :
			    rejection_title(ippyo_submitter_get_rejection_code(self->submitter));
			break;
		default:
			break;
		}
	}
	ippyo_submit_page_set_failed(self->submit_page, title, error->message, pending);
	update_actions(self);
	/* The poll may have closed meanwhile: the election page shows it at once. */
	if (self->election != NULL)
		ippyo_election_refresh_async(self->election, self->cancellable,
		    election_refreshed_cb, g_object_ref(self));
}

static void
cast_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(IppyoWindow) self = user_data;
	g_autoptr(IppyoChainReceipt) receipt = NULL;
	g_autoptr(GError) error = NULL;

	receipt = ippyo_submitter_cast_finish(IPPYO_SUBMITTER(source), result, &error);
	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	cast_done(self, receipt, error);
}

static void
resend_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(IppyoWindow) self = user_data;
	g_autoptr(IppyoChainReceipt) receipt = NULL;
	g_autoptr(GError) error = NULL;

	receipt = ippyo_submitter_resend_finish(IPPYO_SUBMITTER(source), result, &error);
	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	cast_done(self, receipt, error);
}

static void
pin_entered_cb(IppyoPinDialog *dialog, const char *pin, IppyoWindow *self)
{
	if (self->busy || self->draft == NULL)
		return;
	self->busy = TRUE;
	ippyo_submit_page_set_progress(self->submit_page, _("Your card is signing the ballot…"));
	show_page(self, "submit");
	update_actions(self);
	/* The submitter copies the PIN into wiped memory; the dialog wipes its entry. */
	ippyo_submitter_cast_async(self->submitter, self->draft, pin, self->cancellable,
	    cast_cb, g_object_ref(self));
	gtk_window_destroy(GTK_WINDOW(dialog));
}

static void
pin_dialog_destroyed_cb(IppyoWindow *self)
{
	self->pin_dialog = NULL;
}

static void
show_pin_dialog(IppyoWindow *self, const char *error)
{
	if (self->pin_dialog != NULL)
		gtk_window_destroy(GTK_WINDOW(self->pin_dialog));
	self->pin_dialog = ippyo_pin_dialog_new(GTK_WINDOW(self),
	    ippyo_submitter_get_pin_tries_left(self->submitter), error);
	g_signal_connect_object(self->pin_dialog, "pin-entered", G_CALLBACK(pin_entered_cb),
	    self, 0);
	g_signal_connect_object(self->pin_dialog, "destroy", G_CALLBACK(pin_dialog_destroyed_cb),
	    self, G_CONNECT_SWAPPED);
	gtk_window_present(GTK_WINDOW(self->pin_dialog));
}

static void
pin_status_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(IppyoWindow) self = user_data;
	g_autoptr(GError) error = NULL;

	self->busy = FALSE;
	update_actions(self);
	if (!ippyo_submitter_read_pin_status_finish(IPPYO_SUBMITTER(source), result, &error)) {
		if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			return;
		toast(self, error->message);
		return;
	}
	if (ippyo_submitter_get_pin_locked(self->submitter)) {
		ippyo_submit_page_set_failed(self->submit_page, _("Your Card Is Locked"),
		    _("The PIN of your card is locked after too many wrong tries. Your city hall can reset it."),
		    FALSE);
		show_page(self, "submit");
		return;
	}
	/* Cast was insensitive while the card was read, and lost the focus:
	 * give it back, for when the dialog is dismissed. */
	ippyo_review_page_focus_cast(self->review_page);
	show_pin_dialog(self, NULL);
}

/* Sending takes longer than a healthy chain needs: say so, and that the
 * signed ballot is kept and sent again (the same bytes: counted once). */
static gboolean
slow_send_cb(gpointer user_data)
{
	IppyoWindow *self = user_data;

	self->slow_send_id = 0;
	if (self->submitter != NULL &&
	    ippyo_submitter_get_stage(self->submitter) == IPPYO_SUBMITTER_SENDING)
		ippyo_submit_page_set_progress(self->submit_page,
		    _("The ballot chain is not answering yet. Your signed ballot is kept on this computer and is sent again until the chain answers; it can be counted only once. You can leave this window open."));
	return G_SOURCE_REMOVE;
}

static void
submit_stage_cb(IppyoWindow *self)
{
	switch (ippyo_submitter_get_stage(self->submitter)) {
	case IPPYO_SUBMITTER_SIGNING:
		ippyo_submit_page_set_progress(self->submit_page,
		    _("Your card is signing the ballot…"));
		break;
	case IPPYO_SUBMITTER_SENDING:
		ippyo_submit_page_set_progress(self->submit_page,
		    _("Sending your ballot to the ballot chain and checking its receipt… If the network fails, the same signed ballot is sent again."));
		stop_slow_send_timer(self);
		self->slow_send_id = g_timeout_add_seconds(SLOW_SEND_SECONDS, slow_send_cb, self);
		break;
	default:
		break;
	}
}

static void
cast_action_cb(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
	IppyoWindow *self = IPPYO_WINDOW(widget);
	const char *reader;

	if (self->draft == NULL || !ippyo_ballot_draft_get_encrypted(self->draft) || self->busy)
		return;
	reader = self->reader != NULL ? self->reader :
	    ippyo_card_monitor_get_reader(self->monitor);
	if (self->submitter == NULL) {
		ensure_submitter(self, reader);
	} else {
		/* The card the ballot was made for may sit in another reader now
		 * (a re-vote, a card moved): sign where it is. */
		g_object_set(self->submitter, "reader", reader, NULL);
	}
	self->busy = TRUE;
	update_actions(self);
	ippyo_submitter_read_pin_status_async(self->submitter, self->cancellable, pin_status_cb,
	    g_object_ref(self));
}

static void
resend_action_cb(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
	IppyoWindow *self = IPPYO_WINDOW(widget);

	if (self->submitter == NULL || self->busy)
		return;
	self->busy = TRUE;
	ippyo_submit_page_set_progress(self->submit_page,
	    _("Sending the same signed ballot again…"));
	update_actions(self);
	ippyo_submitter_resend_async(self->submitter, self->cancellable, resend_cb,
	    g_object_ref(self));
}

static void
show_check_action_cb(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
	IppyoWindow *self = IPPYO_WINDOW(widget);

	if (self->receipt_path == NULL)
		return;
	ippyo_check_page_set_view(self->check_page, IPPYO_CHECK_VIEW_READY, NULL);
	show_page(self, "check");
}

static void
checked_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	g_autoptr(IppyoWindow) self = user_data;
	g_autoptr(GError) error = NULL;
	g_autofree char *evidence = NULL;
	g_autofree char *detail = NULL;
	guint64 size = 0;

	if (!ippyo_receipt_store_check_finish(IPPYO_RECEIPT_STORE(source), result, &size,
	    &evidence, &error) &&
	    g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	self->busy = FALSE;
	if (error == NULL) {
		g_autofree char *entries = g_strdup_printf("%" G_GUINT64_FORMAT, size);

		/* Translators: %s is a number of entries */
		detail = g_strdup_printf(_("Checked against the chain’s newest state, %s entries long."),
		    entries);
		ippyo_check_page_set_view(self->check_page, IPPYO_CHECK_VIEW_FINE, detail);
	} else if (g_error_matches(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_DROPPED)) {
		detail = g_strdup_printf(_("Evidence saved in %s"), evidence != NULL ? evidence : "");
		ippyo_check_page_set_view(self->check_page, IPPYO_CHECK_VIEW_DROPPED, detail);
	} else if (g_error_matches(error, IPPYO_VOTER_ERROR, IPPYO_VOTER_ERROR_FORK)) {
		detail = g_strdup_printf(_("Evidence saved in %s"), evidence != NULL ? evidence : "");
		ippyo_check_page_set_view(self->check_page, IPPYO_CHECK_VIEW_FORKED, detail);
	} else {
		ippyo_check_page_set_view(self->check_page, IPPYO_CHECK_VIEW_ERROR, error->message);
	}
	update_actions(self);
}

static void
check_action_cb(GtkWidget *widget, const char *action_name, GVariant *parameter)
{
	IppyoWindow *self = IPPYO_WINDOW(widget);

	if (self->receipt_path == NULL || self->busy)
		return;
	self->busy = TRUE;
	ippyo_check_page_set_view(self->check_page, IPPYO_CHECK_VIEW_CHECKING, NULL);
	update_actions(self);
	ippyo_receipt_store_check_async(self->store, self->election, self->receipt_path,
	    self->cancellable, checked_cb, g_object_ref(self));
}

static void
load_window_size(IppyoWindow *self)
{
	GSettingsSchemaSource *source = g_settings_schema_source_get_default();
	g_autoptr(GSettingsSchema) schema = NULL;

	if (source != NULL)
		schema = g_settings_schema_source_lookup(source, IPPYO_APP_ID, TRUE);
	if (schema == NULL)
		return;               /* uninstalled and no GSETTINGS_SCHEMA_DIR: defaults */
	self->settings = g_settings_new(IPPYO_APP_ID);
	gtk_window_set_default_size(GTK_WINDOW(self),
	    g_settings_get_int(self->settings, "window-width"),
	    g_settings_get_int(self->settings, "window-height"));
	if (g_settings_get_boolean(self->settings, "window-maximized"))
		gtk_window_maximize(GTK_WINDOW(self));
}

static gboolean
ippyo_window_close_request(GtkWindow *window)
{
	IppyoWindow *self = IPPYO_WINDOW(window);
	int width, height;

	if (self->settings != NULL) {
		gtk_window_get_default_size(window, &width, &height);
		g_settings_set_boolean(self->settings, "window-maximized",
		    gtk_window_is_maximized(window));
		if (!gtk_window_is_maximized(window)) {
			g_settings_set_int(self->settings, "window-width", MAX(width, 360));
			g_settings_set_int(self->settings, "window-height", MAX(height, 294));
		}
	}
	return GTK_WINDOW_CLASS(ippyo_window_parent_class)->close_request(window);
}

static void
ippyo_window_dispose(GObject *object)
{
	IppyoWindow *self = IPPYO_WINDOW(object);

	stop_slow_send_timer(self);
	if (self->cancellable != NULL)
		g_cancellable_cancel(self->cancellable);
	if (self->monitor != NULL)
		ippyo_card_monitor_stop(self->monitor);
	forget_election(self);
	g_clear_object(&self->monitor);
	g_clear_object(&self->cancellable);
	g_clear_pointer(&self->reader, g_free);
	g_clear_object(&self->settings);
	gtk_widget_dispose_template(GTK_WIDGET(self), IPPYO_TYPE_WINDOW);
	G_OBJECT_CLASS(ippyo_window_parent_class)->dispose(object);
}

static void
ippyo_window_class_init(IppyoWindowClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);
	GtkWindowClass *window_class = GTK_WINDOW_CLASS(klass);

	object_class->dispose = ippyo_window_dispose;
	window_class->close_request = ippyo_window_close_request;

	g_type_ensure(IPPYO_TYPE_ELECTION_PAGE);
	g_type_ensure(IPPYO_TYPE_CARD_PAGE);
	g_type_ensure(IPPYO_TYPE_BALLOT_PAGE);
	g_type_ensure(IPPYO_TYPE_REVIEW_PAGE);
	g_type_ensure(IPPYO_TYPE_AUDIT_PAGE);
	g_type_ensure(IPPYO_TYPE_SUBMIT_PAGE);
	g_type_ensure(IPPYO_TYPE_RECEIPT_PAGE);
	g_type_ensure(IPPYO_TYPE_CHECK_PAGE);

	gtk_widget_class_set_template_from_resource(widget_class,
	    "/jp/ippyo/Voter/ippyo-window.ui");
	gtk_widget_class_bind_template_child(widget_class, IppyoWindow, back_button);
	gtk_widget_class_bind_template_child(widget_class, IppyoWindow, window_title);
	gtk_widget_class_bind_template_child(widget_class, IppyoWindow, toast_overlay);
	gtk_widget_class_bind_template_child(widget_class, IppyoWindow, stack);
	gtk_widget_class_bind_template_child(widget_class, IppyoWindow, election_page);
	gtk_widget_class_bind_template_child(widget_class, IppyoWindow, card_page);
	gtk_widget_class_bind_template_child(widget_class, IppyoWindow, ballot_page);
	gtk_widget_class_bind_template_child(widget_class, IppyoWindow, review_page);
	gtk_widget_class_bind_template_child(widget_class, IppyoWindow, audit_page);
	gtk_widget_class_bind_template_child(widget_class, IppyoWindow, submit_page);
	gtk_widget_class_bind_template_child(widget_class, IppyoWindow, receipt_page);
	gtk_widget_class_bind_template_child(widget_class, IppyoWindow, check_page);
	gtk_widget_class_bind_template_callback(widget_class, page_changed_cb);

	gtk_widget_class_install_action(widget_class, "win.back", NULL, back_action_cb);
	gtk_widget_class_install_action(widget_class, "win.export-receipt", "s",
	    export_receipt_action_cb);
	gtk_widget_class_install_action(widget_class, "win.open-election", NULL,
	    open_election_action_cb);
	gtk_widget_class_install_action(widget_class, "win.change-election", NULL,
	    change_election_action_cb);
	gtk_widget_class_install_action(widget_class, "win.home", NULL, home_action_cb);
	gtk_widget_class_install_action(widget_class, "win.start-vote", NULL,
	    start_vote_action_cb);
	gtk_widget_class_install_action(widget_class, "win.show-ballot", NULL,
	    show_ballot_action_cb);
	gtk_widget_class_install_action(widget_class, "win.review", NULL, review_action_cb);
	gtk_widget_class_install_action(widget_class, "win.audit", NULL, audit_action_cb);
	gtk_widget_class_install_action(widget_class, "win.reencrypt", NULL,
	    reencrypt_action_cb);
	gtk_widget_class_install_action(widget_class, "win.cast", NULL, cast_action_cb);
	gtk_widget_class_install_action(widget_class, "win.resend", NULL, resend_action_cb);
	gtk_widget_class_install_action(widget_class, "win.show-check", NULL,
	    show_check_action_cb);
	gtk_widget_class_install_action(widget_class, "win.check", NULL, check_action_cb);
}

static void
ippyo_window_init(IppyoWindow *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
	ippyo_a11y_name_buttons(GTK_WIDGET(self));
	self->cancellable = g_cancellable_new();
	load_window_size(self);
	g_signal_connect_object(self->ballot_page, "changed", G_CALLBACK(ballot_changed_cb),
	    self, G_CONNECT_SWAPPED);
	g_signal_connect_object(self->ballot_page, "notify::complete",
	    G_CALLBACK(update_actions), self, G_CONNECT_SWAPPED);
	if (self->settings != NULL) {
		g_autofree char *last = g_settings_get_string(self->settings, "last-election");

		ippyo_election_page_set_address(self->election_page, last);
	}
	ippyo_election_page_show_open(self->election_page);  /* focus on the address */
	page_changed_cb(self);
	update_actions(self);
}

IppyoWindow *
ippyo_window_new(IppyoApplication *application, const char *reader, const char *address)
{
	IppyoWindow *self;

	self = g_object_new(IPPYO_TYPE_WINDOW, "application", application, NULL);
	self->reader = g_strdup(reader);
	if (address != NULL) {
		ippyo_election_page_set_address(self->election_page, address);
		gtk_widget_activate_action(GTK_WIDGET(self), "win.open-election", NULL);
	}
	return self;
}
