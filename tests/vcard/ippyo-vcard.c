/*
 * ippyo-vcard: a virtual My Number card that plugs into vsmartcard's vpcd
 * reader driver inside pcscd (docs/card.md).
 *
 *   ippyo-vcard --card DIR [--port 35963] [--atr HEX] [--state FILE] [--log FILE]
 *
 * The card connects to vpcd (127.0.0.1:port); every message both ways is a
 * 2-byte big-endian length and the bytes. A 1-byte message from vpcd is a
 * control code (00 off, 01 on, 02 reset, 04 get ATR); longer ones are
 * C-APDUs. The connection is the card's presence: SIGUSR1 pulls the card out
 * (disconnects and stays out), SIGUSR2 puts it back. The card reconnects by
 * itself when pcscd is not there yet or restarts. SIGTERM and SIGINT exit.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <glib.h>
#include <glib-unix.h>

#include "apdu.h"

#define VPCD_CTRL_OFF	0x00
#define VPCD_CTRL_ON	0x01
#define VPCD_CTRL_RESET	0x02
#define VPCD_CTRL_ATR	0x04
#define RETRY_MS	100
#define MAX_ATR		33

/* The real My Number card's contact ATR (../shared/JPKI.md). */
static const char default_atr[] =
    "3BDA13FF8131FB468012392F31C173C601C03B";

typedef struct {
	GMainLoop *loop;
	vcard_state *state;
	const char *state_path;
	FILE *log;
	guint16 port;
	uint8_t atr[MAX_ATR];
	size_t atr_len;
	int fd;
	guint fd_source;
	guint retry_source;
	gboolean pulled_out;
	int status;
} vcard_app;

static void schedule_connect(vcard_app *app);

static void
log_line(vcard_app *app, const char *prefix, const uint8_t *bytes, size_t len)
{
	size_t i;

	if (app->log == NULL)
		return;
	fputs(prefix, app->log);
	for (i = 0; i < len; i++)
		fprintf(app->log, "%02X", bytes[i]);
	fputc('\n', app->log);
	fflush(app->log);
}

static void
log_event(vcard_app *app, const char *event)
{
	if (app->log == NULL)
		return;
	fprintf(app->log, "# %s\n", event);
	fflush(app->log);
}

static gboolean
parse_hex(const char *hex, uint8_t *out, size_t max, size_t *out_len)
{
	size_t n = 0;
	int hi = -1, v;

	for (; *hex != '\0'; hex++) {
		if (*hex == ' ' || *hex == ':')
			continue;
		if ((v = g_ascii_xdigit_value(*hex)) < 0)
			return FALSE;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == max)
			return FALSE;
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0 || n < 2)
		return FALSE;
	*out_len = n;
	return TRUE;
}

/*
 * Reads exactly len bytes; FALSE on EOF, error or timeout. vpcd writes the
 * length and the bytes separately: with Nagle on its side, a delayed ACK on
 * ours would hold every APDU for 40 ms, so ACK at once (TCP_QUICKACK does
 * not stick: set it before each read).
 */
static gboolean
read_full(int fd, uint8_t *buf, size_t len)
{
	ssize_t r;
	int one = 1;

	while (len > 0) {
		setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
		r = recv(fd, buf, len, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return FALSE;
		buf += r;
		len -= (size_t)r;
	}
	return TRUE;
}

static gboolean
send_frame(int fd, const uint8_t *data, size_t len)
{
	uint8_t frame[2 + VCARD_RAPDU_MAX];
	size_t off = 0;
	ssize_t w;

	if (len > VCARD_RAPDU_MAX)
		return FALSE;
	frame[0] = (uint8_t)(len >> 8);
	frame[1] = (uint8_t)len;
	memcpy(frame + 2, data, len);
	while (off < len + 2) {
		w = send(fd, frame + off, len + 2 - off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return FALSE;
		off += (size_t)w;
	}
	return TRUE;
}

static void
disconnect(vcard_app *app, const char *why)
{
	if (app->fd_source != 0) {
		g_source_remove(app->fd_source);
		app->fd_source = 0;
	}
	if (app->fd >= 0) {
		close(app->fd);
		app->fd = -1;
		log_event(app, why);
	}
	/* A card out of the reader is a card without power. */
	vcard_power(app->state, VCARD_POWER_OFF);
}

static void
save_state(vcard_app *app)
{
	g_autoptr(GError) error = NULL;

	if (!vcard_state_take_dirty(app->state) || app->state_path == NULL)
		return;
	if (!vcard_state_save(app->state, app->state_path, &error))
		g_printerr("ippyo-vcard: %s\n", error->message);
}

/* Handles one message from vpcd; FALSE when the connection is gone. */
static gboolean
handle_message(vcard_app *app)
{
	uint8_t hdr[2], rapdu[VCARD_RAPDU_MAX];
	g_autofree uint8_t *msg = NULL;
	size_t len, rlen = 0;

	if (!read_full(app->fd, hdr, sizeof(hdr)))
		return FALSE;
	len = (size_t)hdr[0] << 8 | hdr[1];
	if (len == 0)
		return FALSE;
	msg = g_malloc(len);
	if (!read_full(app->fd, msg, len))
		return FALSE;
	if (len == 1) {
		switch (msg[0]) {
		case VPCD_CTRL_OFF:
			log_event(app, "power off");
			vcard_power(app->state, VCARD_POWER_OFF);
			return TRUE;
		case VPCD_CTRL_ON:
			log_event(app, "power on");
			vcard_power(app->state, VCARD_POWER_ON);
			return TRUE;
		case VPCD_CTRL_RESET:
			log_event(app, "reset");
			vcard_power(app->state, VCARD_RESET);
			return TRUE;
		case VPCD_CTRL_ATR:
			return send_frame(app->fd, app->atr, app->atr_len);
		default:
			/* Not a control code vpcd knows: ignore it, answer nothing. */
			log_line(app, "# unknown control ", msg, 1);
			return TRUE;
		}
	}
	vcard_apdu(app->state, msg, len, rapdu, &rlen);
	if (len >= 5 && msg[0] == 0x00 && msg[1] == 0x20) {
		/* VERIFY: log the header and Lc, never the PIN itself. */
		log_line(app, "> ", msg, 5);
	} else
		log_line(app, "> ", msg, len);
	log_line(app, "< ", rapdu, rlen);
	save_state(app);
	return send_frame(app->fd, rapdu, rlen);
}

static gboolean
fd_cb(gint fd, GIOCondition cond, gpointer user_data)
{
	vcard_app *app = user_data;

	if ((cond & G_IO_IN) && handle_message(app))
		return G_SOURCE_CONTINUE;
	app->fd_source = 0;
	disconnect(app, "disconnected by vpcd");
	schedule_connect(app);
	return G_SOURCE_REMOVE;
}

static gboolean
try_connect(vcard_app *app)
{
	struct sockaddr_in sa;
	struct timeval tv = { .tv_sec = 5 };
	int fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return FALSE;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(app->port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return FALSE;
	}
	/* A half-sent frame must not hang the card forever. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	app->fd = fd;
	vcard_power(app->state, VCARD_POWER_OFF);
	app->fd_source = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
	    fd_cb, app);
	log_event(app, "connected");
	return TRUE;
}

static gboolean
retry_cb(gpointer user_data)
{
	vcard_app *app = user_data;

	if (app->pulled_out || app->fd >= 0 || try_connect(app)) {
		app->retry_source = 0;
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static void
schedule_connect(vcard_app *app)
{
	if (app->pulled_out || app->fd >= 0 || app->retry_source != 0)
		return;
	if (try_connect(app))
		return;
	app->retry_source = g_timeout_add(RETRY_MS, retry_cb, app);
}

static gboolean
sigusr1_cb(gpointer user_data)
{
	vcard_app *app = user_data;

	app->pulled_out = TRUE;
	if (app->retry_source != 0) {
		g_source_remove(app->retry_source);
		app->retry_source = 0;
	}
	log_event(app, "SIGUSR1: card pulled out");
	disconnect(app, "disconnected");
	return G_SOURCE_CONTINUE;
}

static gboolean
sigusr2_cb(gpointer user_data)
{
	vcard_app *app = user_data;

	log_event(app, "SIGUSR2: card put back");
	app->pulled_out = FALSE;
	schedule_connect(app);
	return G_SOURCE_CONTINUE;
}

static gboolean
quit_cb(gpointer user_data)
{
	vcard_app *app = user_data;

	g_main_loop_quit(app->loop);
	return G_SOURCE_REMOVE;
}

int
main(int argc, char **argv)
{
	g_autofree char *card_dir = NULL;
	g_autofree char *atr_hex = NULL;
	g_autofree char *state_path = NULL;
	g_autofree char *log_path = NULL;
	gint port = 35963;
	g_autoptr(GError) error = NULL;
	g_autoptr(GOptionContext) ctx = NULL;
	g_autoptr(vcard_card) card = NULL;
	vcard_app app = { .fd = -1 };
	GOptionEntry entries[] = {
		{ "card", 'c', 0, G_OPTION_ARG_FILENAME, &card_dir,
		  "Card folder of make-test-pki (required)", "DIR" },
		{ "port", 'p', 0, G_OPTION_ARG_INT, &port,
		  "vpcd port (35963: first reader, 35964: second)", "PORT" },
		{ "atr", 'a', 0, G_OPTION_ARG_STRING, &atr_hex,
		  "ATR in hex (default: the My Number card's)", "HEX" },
		{ "state", 's', 0, G_OPTION_ARG_FILENAME, &state_path,
		  "PIN counters file, kept across restarts", "FILE" },
		{ "log", 'l', 0, G_OPTION_ARG_FILENAME, &log_path,
		  "Log every APDU in and out (hex) to FILE", "FILE" },
		{ NULL }
	};

	ctx = g_option_context_new("- a virtual My Number card for vpcd");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		g_printerr("ippyo-vcard: %s\n", error->message);
		return 2;
	}
	if (card_dir == NULL || argc != 1 || port <= 0 || port > 65535) {
		g_printerr("usage: ippyo-vcard --card DIR [--port PORT] "
		    "[--atr HEX] [--state FILE] [--log FILE]\n");
		return 2;
	}
	if (!parse_hex(atr_hex != NULL ? atr_hex : default_atr, app.atr,
	    sizeof(app.atr), &app.atr_len)) {
		g_printerr("ippyo-vcard: --atr: 2 to %d bytes of hex\n", MAX_ATR);
		return 2;
	}
	if ((card = vcard_card_load(card_dir, &error)) == NULL) {
		g_printerr("ippyo-vcard: %s\n", error->message);
		return 1;
	}
	app.state = vcard_state_new(card);
	app.state_path = state_path;
	app.port = (guint16)port;
	if (state_path != NULL &&
	    !vcard_state_load(app.state, state_path, &error)) {
		g_printerr("ippyo-vcard: %s\n", error->message);
		vcard_state_free(app.state);
		return 1;
	}
	if (log_path != NULL && (app.log = fopen(log_path, "ae")) == NULL) {
		g_printerr("ippyo-vcard: %s: %s\n", log_path, g_strerror(errno));
		vcard_state_free(app.state);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	app.loop = g_main_loop_new(NULL, FALSE);
	g_unix_signal_add(SIGTERM, quit_cb, &app);
	g_unix_signal_add(SIGINT, quit_cb, &app);
	g_unix_signal_add(SIGUSR1, sigusr1_cb, &app);
	g_unix_signal_add(SIGUSR2, sigusr2_cb, &app);
	log_event(&app, "started");
	schedule_connect(&app);
	g_main_loop_run(app.loop);

	if (app.retry_source != 0)
		g_source_remove(app.retry_source);
	disconnect(&app, "disconnected: exiting");
	log_event(&app, "exit");
	if (app.log != NULL)
		fclose(app.log);
	g_main_loop_unref(app.loop);
	vcard_state_free(app.state);
	return app.status;
}
