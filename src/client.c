/*
 * The attached client. One event loop over the terminal (stdin, stdout),
 * the stream to the session host and a self-pipe for signals.
 *
 * Offsets: `recv` is the next output offset the host will send, `shown` the
 * next one to be written to the terminal; the host is acknowledged `shown`,
 * so that after a reconnect it resends exactly what never reached the
 * screen. Keystrokes are queued with offsets from `in_base` until the host
 * acknowledges them, so that a resend after a reconnect is exact too.
 */
#include <sys/types.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "client.h"
#include "compat.h"
#include "escape.h"
#include "fmt.h"
#include "log.h"
#include "netwatch.h"
#include "proto.h"
#include "tether.h"
#include "tty.h"
#include "xmalloc.h"

#define TERM_HIGH	(1024 * 1024)	/* stop reading the host */
#define INPUT_MAX	(1024 * 1024)	/* keystrokes not yet acknowledged */
#define OUT_HIGH	(256 * 1024)	/* stop queueing input frames */
#define MAX_SKIPS	8
#define FLOOD_END_MS	1000		/* no frame so long: the flood is over */
/* Before a marker: normal screen, plain pen, no margins, ASCII in use. */
#define MARKER_PLAIN	"\033[?1049l\033[0m\033[r\033(B\033)B\017"
#define ACK_BYTES	(64 * 1024)	/* shown, not all: acknowledged this */
#define ACK_MS		10		/* ... or this often */
#define HELLO_TIMEOUT	10000
#define PING_MS		1000	/* heartbeat while connected */
#define CONNECT_MS	15000	/* give up on one reconnect attempt */
#define NET_SETTLE_MS	50	/* let a burst of address changes settle */
#define PROBE_MIN_MS	300	/* then a PING must be answered in this */
#define PROBE_MAX_MS	1500	/* plus 3 round trips, up to this */

/* The link to the session, for a client that reconnects. */
enum link_state {
	LINK_UP,		/* welcomed: output and input flow */
	LINK_CONNECTING,	/* transport started, HELLO sent */
	LINK_DOWN,		/* waiting to try again */
};

enum notice_kind {
	NOTICE_EARLIER,		/* fresh attach: output before the tail */
	NOTICE_AWAY,		/* resume too late: output left the ring */
	NOTICE_LOST,		/* this client did not keep up */
	NOTICE_REPAINT,		/* the host's repaint stands for the bytes */
	NOTICE_SLOW,		/* skipped for a slow link: a marker, a repaint */
};

struct skip {
	uint64_t	 from;
	uint64_t	 to;
	uint64_t	 kept;		/* JUMP: the log holds [kept, to) */
	int		 kind;
	int		 in_place;	/* JUMP: a later frame of a flood */
};

struct client {
	const struct client_opts *o;
	int		 fd;
	struct buf	 in;
	struct buf	 out;
	struct buf	 term;		/* session output for the terminal */
	struct buf	 notice;	/* local text, written before more */
	struct buf	 repaint;	/* SCREEN bytes, written once whole */
	int		 repainting;	/* SCREEN frames still to come */
	/*
	 * A flood on a slow link: its first frame came with a marker, the
	 * later ones were drawn over it, skipping [flood_from, flood_to).
	 */
	int		 flood_open;
	uint64_t	 flood_from;
	uint64_t	 flood_to;
	uint64_t	 flood_kept;	/* the log holds [flood_kept, flood_to) */
	uint64_t	 flood_ms;	/* when its last frame was queued */
	struct buf	 flood_screen;	/* the last frame, to draw it again */
	int		 repaint_fresh;	/* ... for a fresh attach */
	struct skip	 skips[MAX_SKIPS];
	int		 nskips;
	uint64_t	 instance;
	uint64_t	 recv;
	uint64_t	 shown;
	uint64_t	 acked;
	uint64_t	 acked_ms;	/* when the last ACK was queued */
	struct buf	 input;
	uint64_t	 in_base;
	uint64_t	 in_sent;
	struct escape	 esc;
	int		 stdin_eof;
	int		 finishing;	/* write what is left, then exit */
	int		 done;
	int		 exited;	/* the program exited: EXIT came */
	int		 status;
	char		 message[PROTO_TEXT_MAX + 128];
	enum link_state	 link;
	int		 attempt;	/* reconnect attempts since the loss */
	uint64_t	 down_since;	/* ms */
	uint64_t	 retry_at;	/* ms: next attempt (LINK_DOWN) */
	uint64_t	 deadline;	/* ms: give up this attempt */
	uint64_t	 last_rx;	/* ms: the host was last heard */
	uint64_t	 last_ping;	/* ms */
	uint64_t	 srtt;		/* ms: smoothed PING round trip; 0: none */
	uint64_t	 net_at;	/* ms: act on an address change */
	uint64_t	 probe_from;	/* ms: a PING went after a change */
	uint64_t	 probe_end;	/* ms: heard from by then, or lost */
	uint64_t	 status_at;	/* ms: the status title was last set */
	int		 title_pushed;
	int		 netfd;		/* address changes, or -1 */
};

static int	client_sigpipe[2] = { -1, -1 };
static int	client_nonblock[2] = { -1, -1 };

static int	client_welcome(struct client *, uint8_t, struct reader *);
static void	client_connected(struct client *);
static int	client_remote(const struct client *);
static void	client_lost(struct client *, const char *);
static int	client_drained(struct client *);

/* Wake the event loop from a signal handler. */
static void
client_signal(int sig)
{
	int		 saved = errno;
	unsigned char	 c = (unsigned char)sig;

	compat_ignore(write(client_sigpipe[1], &c, 1));
	errno = saved;
}

/* Put the terminal and stdio back as they were (every exit path). */
static void
client_cleanup(void)
{
	int	 fd;

	tty_restore();
	for (fd = 0; fd < 2; fd++) {
		if (client_nonblock[fd] == 0)
			compat_set_nonblock(fd, 0);
	}
}

/* Print a message from the other end without letting it drive the tty. */
void
client_print_text(const char *prefix, const char *text)
{
	const unsigned char	*p;

	fputs(prefix, stderr);
	for (p = (const unsigned char *)text; *p != '\0'; p++)
		fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, stderr);
	fputc('\n', stderr);
}

/* Write all of out to a blocking or non-blocking fd, waiting up to ms. */
int
client_send_all(int fd, struct buf *out, int ms)
{
	struct pollfd	 pfd;
	ssize_t		 n;

	while (buf_len(out) > 0) {
		n = write(fd, buf_ptr(out), buf_len(out));
		if (n > 0) {
			buf_consume(out, (size_t)n);
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, ms) <= 0)
				return -1;
			continue;
		}
		return -1;
	}
	return 0;
}

/*
 * Wait up to ms for one frame. Returns 1 with the frame (consume size bytes
 * of in afterwards), 0 on timeout, -1 on end of stream or a bad frame.
 */
int
client_recv(int fd, struct buf *in, uint8_t *type, struct reader *body,
    size_t *size, int ms)
{
	struct pollfd	 pfd;
	uint8_t		*p;
	ssize_t		 n;
	int		 e;

	for (;;) {
		if ((e = proto_frame(in, type, body, size)) != 0)
			return e == 1 ? 1 : -1;
		pfd.fd = fd;
		pfd.events = POLLIN;
		if ((e = poll(&pfd, 1, ms)) == -1 && errno == EINTR)
			continue;
		if (e <= 0)
			return e;
		if (buf_reserve(in, 64 * 1024, &p) != 0)
			return -1;
		n = read(fd, p, 64 * 1024);
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return -1;
		buf_commit(in, (size_t)n);
	}
}

/* Remember an exit status and the line to print once the tty is back. */
static void
client_finish(struct client *c, int status, const char *fmt, const char *arg)
{
	c->finishing = 1;
	c->status = status;
	if (fmt != NULL)
		fmt_buf(c->message, sizeof c->message, fmt, arg);
}

/* Queue a notice to appear on the terminal when output reaches from. */
static int
client_skip(struct client *c, uint64_t from, uint64_t to, int kind)
{
	if (c->nskips == MAX_SKIPS)
		return -1;
	c->skips[c->nskips].from = from;
	c->skips[c->nskips].to = to;
	c->skips[c->nskips].kind = kind;
	c->skips[c->nskips].kept = from;
	c->skips[c->nskips].in_place = 0;
	c->nskips++;
	return 0;
}

/* A byte count for people: 512 bytes, 42 kB, 12 MB. */
static void
client_bytes(char *out, size_t size, uint64_t bytes)
{
	if (bytes >= 10 * 1000 * 1000)
		fmt_buf(out, size, "%llu MB",
		    (unsigned long long)(bytes / 1000000));
	else if (bytes >= 10 * 1000)
		fmt_buf(out, size, "%llu kB",
		    (unsigned long long)(bytes / 1000));
	else
		fmt_buf(out, size, "%llu bytes", (unsigned long long)bytes);
}

/* The terminal's size: stdin's, or stdout's when stdin is no terminal. */
static void
client_tty_size(uint16_t *rows, uint16_t *cols)
{
	tty_size(isatty(STDIN_FILENO) ? STDIN_FILENO : STDOUT_FILENO, rows,
	    cols);
}

/*
 * The line that says output [from, to) was skipped (more: beyond what the
 * marker above it said), and how much of it the session's log holds
 * ([kept, to)): all of it, the newest part, or none.
 */
static void
client_slow_text(const struct client *c, char *line, size_t len,
    uint64_t from, uint64_t to, uint64_t kept, int more)
{
	char		 size[32], newest[32], where[300];
	const char	*log;

	client_bytes(size, sizeof size, to - from);
	client_bytes(newest, sizeof newest, to - kept);
	fmt_buf(where, sizeof where, "tether log %s%s%s",
	    c->o->where != NULL ? c->o->where : "",
	    c->o->where != NULL ? " " : "", c->o->name);
	if (kept <= from)
		log = "all of it: ";
	else if (kept < to)
		log = "the log kept the newest ";
	else
		log = "the session's log does not have it";
	fmt_buf(line, len, "[tether: skipped %s %sof output to keep up with "
	    "a slow link; %s%s%s%s]", size, more ? "more " : "", log,
	    kept > from && kept < to ? newest : "",
	    kept > from && kept < to ? " of it: " : "",
	    kept < to ? where : "");
}

/*
 * The marker of a flood's first frame, pushed into the terminal's
 * scrollback (with the screen it was on) before the repaint clears the
 * screen: normal screen, no scroll region, ASCII (the flood may have left
 * line drawing in use), at the bottom, then a line feed per row.
 */
static void
client_slow_marker(struct client *c, const struct skip *s)
{
	char		 text[512], line[600];
	uint16_t	 rows, cols;
	int		 i;

	client_tty_size(&rows, &cols);
	client_slow_text(c, text, sizeof text, s->from, s->to, s->kept, 0);
	fmt_buf(line, sizeof line, MARKER_PLAIN "\033[%u;1H\n%s\r",
	    (unsigned)rows, text);
	buf_put(&c->notice, line, strlen(line));
	for (i = 0; i < rows; i++)
		buf_put(&c->notice, "\n", 1);
	c->flood_open = 1;
	c->flood_from = c->flood_to = c->flood_kept = s->to;
	c->flood_ms = compat_now_ms();
}

/*
 * The flood is over (output, another notice, or no frame for a while):
 * if frames were drawn in place after its marker, a second marker says
 * how much more they skipped. It goes into the scrollback alone: lines
 * inserted at the top take it, line feeds at the bottom push just those
 * lines out, and the last frame is drawn again over what moved.
 */
static void
client_flood_end(struct client *c)
{
	char		 text[512], line[600];
	uint16_t	 rows, cols;
	unsigned	 n;

	if (!c->flood_open)
		return;
	c->flood_open = 0;
	if (c->flood_to == c->flood_from)
		return;
	client_tty_size(&rows, &cols);
	client_slow_text(c, text, sizeof text, c->flood_from, c->flood_to,
	    c->flood_kept, 1);
	n = (unsigned)((strlen(text) + cols - 1) / cols);
	if (n >= rows)
		n = rows > 1 ? rows - 1u : 1;
	fmt_buf(line, sizeof line, MARKER_PLAIN "\033[H\033[%uL%s\033[%u;1H",
	    n, text, (unsigned)rows);
	buf_put(&c->notice, line, strlen(line));
	while (n-- > 0)
		buf_put(&c->notice, "\n", 1);
	buf_put(&c->notice, buf_ptr(&c->flood_screen),
	    buf_len(&c->flood_screen));
	buf_reset(&c->flood_screen);
}

/* Format the notice for a skip into the notice buffer. */
static void
client_notice(struct client *c, const struct skip *s)
{
	char			 line[160];
	unsigned long long	 n = (unsigned long long)(s->to - s->from);

	if (s->kind == NOTICE_SLOW && s->in_place && c->flood_open &&
	    s->from == c->flood_to) {
		/*
		 * A later frame: drawn over the last, kept for the end. Its
		 * kept is never below its from: the log lost nothing before
		 * it unless it lost some of it.
		 */
		if (c->flood_to == c->flood_from || s->kept > s->from)
			c->flood_kept = s->kept;
		c->flood_to = s->to;
		c->flood_ms = compat_now_ms();
		buf_reset(&c->flood_screen);
		buf_put(&c->flood_screen, buf_ptr(&c->repaint),
		    buf_len(&c->repaint));
		buf_put(&c->notice, buf_ptr(&c->repaint), buf_len(&c->repaint));
		buf_reset(&c->repaint);
		return;
	}
	client_flood_end(c);
	switch (s->kind) {
	case NOTICE_SLOW:
		client_slow_marker(c, s);
		/* FALLTHROUGH */
	case NOTICE_REPAINT:
		buf_put(&c->notice, buf_ptr(&c->repaint), buf_len(&c->repaint));
		buf_reset(&c->repaint);
		return;
	case NOTICE_EARLIER:
		fmt_buf(line, sizeof line, "[tether: %llu bytes of earlier "
		    "output not shown]\r\n", n);
		break;
	case NOTICE_AWAY:
		fmt_buf(line, sizeof line, "\r\n[tether: %llu bytes of "
		    "output were lost while this client was away]\r\n", n);
		break;
	default:
		fmt_buf(line, sizeof line, "\r\n[tether: %llu bytes of "
		    "output were lost while this client was not reading]\r\n",
		    n);
		break;
	}
	buf_put(&c->notice, line, strlen(line));
}

/*
 * The line that tells the creator of a session about the n others nobody
 * is attached to (on host where, or here), and how to list them.
 */
void
client_others_line(const char *where, uint32_t n, char *out, size_t len)
{
	fmt_buf(out, len, "[tether: %lu other session%s%s%s %s detached; "
	    "tether ls%s%s lists %s]", (unsigned long)n, n == 1 ? "" : "s",
	    where != NULL ? " on " : "", where != NULL ? where : "",
	    n == 1 ? "is" : "are", where != NULL ? " " : "",
	    where != NULL ? where : "", n == 1 ? "it" : "them");
}

/* Write one buffer to the terminal; -1 on a dead terminal. */
static int
client_write(struct buf *b, size_t len, size_t *wrote)
{
	ssize_t	 n;

	*wrote = 0;
	n = write(STDOUT_FILENO, buf_ptr(b), len);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0)
		return -1;
	*wrote = (size_t)n;
	buf_consume(b, (size_t)n);
	return 0;
}

/*
 * How many bytes at the end of p[0, len) begin a UTF-8 sequence that is
 * not complete there (0: none).
 */
size_t
client_utf8_cut(const uint8_t *p, size_t len)
{
	size_t	 i, need;

	for (i = len; i > 0 && len - i < 4; i--) {
		if ((p[i - 1] & 0xc0) == 0x80)
			continue;
		if (p[i - 1] < 0xc2 || p[i - 1] > 0xf4)
			return 0;
		need = p[i - 1] >= 0xf0 ? 4 : p[i - 1] >= 0xe0 ? 3 : 2;
		return len - (i - 1) < need ? len - (i - 1) : 0;
	}
	return 0;
}

/*
 * Output that ends inside a character is not written until the rest of it
 * comes: whatever the terminal got next would end the character as a
 * replacement glyph, drawn where the cursor is. A marker, a repaint or a
 * status title could come next, and a glyph where the output left the
 * cursor (waiting to wrap, often) can scroll a line into the scrollback
 * or land on the repaint. Where output is skipped after such a start, the
 * start goes too. The bytes held: all that is left of the output, and
 * nothing else waits.
 */
static size_t
client_term_held(struct client *c)
{
	size_t	 len = buf_len(&c->term);

	if (c->finishing || c->nskips > 0 || len == 0 ||
	    client_utf8_cut(buf_ptr(&c->term), len) != len)
		return 0;
	return len;
}

/* Write pending notices and output to the terminal, in stream order. */
static int
client_flush_term(struct client *c)
{
	size_t	 len, wrote, cut;
	int	 at_skip;

	for (;;) {
		if (buf_len(&c->notice) > 0) {
			if (client_write(&c->notice, buf_len(&c->notice),
			    &wrote) == -1)
				return -1;
			if (buf_len(&c->notice) > 0)
				return 0;
			continue;
		}
		if (c->nskips > 0 && c->shown == c->skips[0].from) {
			/* A repaint is written whole or not at all. */
			if ((c->skips[0].kind == NOTICE_REPAINT ||
			    c->skips[0].kind == NOTICE_SLOW) && c->repainting)
				return 0;
			client_notice(c, &c->skips[0]);
			c->shown = c->skips[0].to;
			memmove(c->skips, c->skips + 1,
			    (size_t)--c->nskips * sizeof c->skips[0]);
			continue;
		}
		len = buf_len(&c->term);
		at_skip = c->nskips > 0 && c->skips[0].from - c->shown <= len;
		if (at_skip)
			len = (size_t)(c->skips[0].from - c->shown);
		if (len == 0)
			return 0;
		if (c->flood_open) {
			client_flood_end(c);	/* output after its frames */
			continue;
		}
		if (!c->finishing &&
		    (cut = client_utf8_cut(buf_ptr(&c->term), len)) > 0) {
			if (at_skip && cut == len) {
				buf_consume(&c->term, cut);
				c->shown += cut;
				continue;
			}
			if ((len -= cut) == 0)
				return 0;
		}
		if (client_write(&c->term, len, &wrote) == -1)
			return -1;
		c->shown += wrote;
		if (wrote < len)
			return 0;
	}
}

/* Queue INPUT frames for keystrokes not yet sent on this stream. */
static void
client_send_input(struct client *c)
{
	uint64_t	 end = c->in_base + buf_len(&c->input);
	size_t		 n;

	while (c->link == LINK_UP && c->in_sent < end && buf_len(&c->out) < OUT_HIGH) {
		n = (size_t)(end - c->in_sent);
		if (n > PROTO_CHUNK)
			n = PROTO_CHUNK;
		if (proto_put_data(&c->out, MSG_INPUT, c->in_sent,
		    buf_ptr(&c->input) + (c->in_sent - c->in_base), n) != 0)
			return;
		c->in_sent += n;
	}
}

/* The host has accepted input up to off: forget it. */
static int
client_input_acked(struct client *c, uint64_t off)
{
	if (off < c->in_base || off > c->in_sent)
		return -1;
	buf_consume(&c->input, (size_t)(off - c->in_base));
	c->in_base = off;
	return 0;
}

/* Tell the host the terminal's size. */
static void
client_resize(struct client *c)
{
	uint16_t	 rows, cols;

	if (c->link != LINK_UP)
		return;
	client_tty_size(&rows, &cols);
	proto_put_resize(&c->out, rows, cols);
}

/* Stop tether like ssh's ~^Z: give the terminal back until continued. */
static void
client_suspend(struct client *c)
{
	client_cleanup();
	signal(SIGTSTP, SIG_DFL);
	raise(SIGTSTP);
	signal(SIGTSTP, client_signal);
	if (isatty(STDIN_FILENO))
		tty_raw(STDIN_FILENO);
	client_nonblock[0] = compat_set_nonblock(STDIN_FILENO, 1);
	client_nonblock[1] = compat_set_nonblock(STDOUT_FILENO, 1);
	client_resize(c);
}

/* Read keystrokes, acting on escapes and queueing the rest. */
static void
client_read_tty(struct client *c)
{
	uint8_t		 data[16 * 1024];
	ssize_t		 n;
	size_t		 off = 0, used;
	int		 action;

	n = read(STDIN_FILENO, data, sizeof data);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		/* As ssh does: no more input, but output keeps coming. */
		c->stdin_eof = 1;
		return;
	}
	while (off < (size_t)n) {
		action = escape_feed(&c->esc, data + off, (size_t)n - off,
		    &c->input, &used);
		off += used;
		switch (action) {
		case ESCAPE_DETACH:
			if (c->link == LINK_UP)
				proto_put_text(&c->out, MSG_DETACH,
				    DETACH_USER, "");
			client_finish(c, 0, "[tether: detached from %s]",
			    c->o->name);
			return;
		case ESCAPE_RECONNECT:
			if (c->link != LINK_DOWN)
				client_lost(c, "reconnect asked for");
			c->attempt = 0;
			c->retry_at = compat_now_ms();
			break;
		case ESCAPE_HELP:
			escape_help(&c->esc, &c->notice);
			break;
		case ESCAPE_SUSPEND:
			client_suspend(c);
			break;
		}
	}
	client_send_input(c);
}

/* Act on an ERROR from the host. */
static void
client_error(struct client *c, struct reader *r)
{
	char	 text[PROTO_TEXT_MAX];
	uint8_t	 code;

	if (proto_get_text(r, &code, text, sizeof text) != 0)
		fmt_buf(text, sizeof text, "malformed error message");
	client_finish(c, code == ERR_VERSION ? EXIT_VERSION :
	    code == ERR_GONE ? EXIT_NOSESSION : EXIT_ERROR, "tether: %s", text);
	c->done = 1;
}

/* Handle one frame from the host; -1 on a protocol violation. */
static int
client_frame(struct client *c, uint8_t type, struct reader *r)
{
	const uint8_t	*data;
	uint64_t	 off, from, to, kept, rtt;
	size_t		 len;
	uint8_t		 how, code, jflags;
	uint32_t	 value;
	char		 text[PROTO_TEXT_MAX];

	switch (type) {
	case MSG_OUTPUT:
		if (proto_get_data(r, &off, &data, &len) != 0 || off != c->recv)
			return -1;
		if (buf_put(&c->term, data, len) != 0)
			return -1;
		c->recv += len;
		return 0;
	case MSG_SCREEN:
		if (!c->repainting || proto_get_data(r, &off, &data, &len) != 0 ||
		    buf_put(&c->repaint, data, len) != 0)
			return -1;
		c->repainting = off > 0;
		return 0;
	case MSG_JUMP:
		/* SCREEN frames follow, then output from to. */
		if (c->repainting || proto_get_jump(r, &from, &to, &kept,
		    &jflags) != 0 || from != c->recv ||
		    client_skip(c, from, to, NOTICE_SLOW) != 0)
			return -1;
		c->skips[c->nskips - 1].kept = kept;
		c->skips[c->nskips - 1].in_place =
		    (jflags & JUMP_IN_PLACE) != 0;
		c->repainting = 1;
		c->repaint_fresh = 0;
		buf_reset(&c->repaint);
		c->recv = to;
		return 0;
	case MSG_SKIP:
		if (proto_get_skip(r, &from, &to) != 0 || from != c->recv ||
		    client_skip(c, from, to, NOTICE_LOST) != 0)
			return -1;
		c->recv = to;
		return 0;
	case MSG_INPUT_ACK:
		if (proto_get_u64(r, &off) != 0)
			return -1;
		return client_input_acked(c, off);
	case MSG_EXIT:
		if (proto_get_exit(r, &how, &value) != 0)
			return -1;
		client_finish(c, how == EXIT_SIGNAL ? 128 + (int)value :
		    (int)value, NULL, NULL);
		c->exited = 1;
		return 0;
	case MSG_DETACH:
		if (proto_get_text(r, &code, text, sizeof text) != 0)
			return -1;
		client_finish(c, 0, "[tether: %s attached elsewhere; detached]",
		    c->o->name);
		return 0;
	case MSG_ERROR:
		client_error(c, r);
		return 0;
	case MSG_OTHERS:
		/* Before the first output, which is all the creator gets. */
		if (proto_get_u32(r, &value) != 0)
			return -1;
		client_others_line(c->o->where, value, text, sizeof text - 2);
		memcpy(text + strlen(text), "\r\n", 3);
		return buf_put(&c->notice, text, strlen(text));
	case MSG_NOTICE:
		/* What went wrong as the session started: before its output. */
		if (proto_get_text(r, &code, text, sizeof text) != 0)
			return -1;
		if (buf_put(&c->notice, "[tether: ", 9) != 0 ||
		    buf_put(&c->notice, text, strlen(text)) != 0)
			return -1;
		return buf_put(&c->notice, "]\r\n", 3);
	case MSG_PING:
		if (proto_get_u64(r, &off) != 0)
			return -1;
		return proto_put_u64(&c->out, MSG_PONG, off);
	case MSG_PONG:
		/* Our PING's time, back: the round trip, smoothed. */
		if (proto_get_u64(r, &off) != 0)
			return -1;
		rtt = compat_now_ms() - off;
		if (rtt < 60000)
			c->srtt = c->srtt == 0 ? rtt + 1 :
			    (7 * c->srtt + rtt + 1 + 7) / 8;	/* >= 1 */
		return 0;
	}
	return type >= MSG_OPTIONAL_MIN ? 0 : -1;
}

static void	client_process(struct client *);

/* Read from the host and handle every complete frame. */
static void
client_read_host(struct client *c)
{
	uint8_t		*p;
	ssize_t		 n;

	if (buf_reserve(&c->in, 64 * 1024, &p) != 0) {
		client_finish(c, EXIT_ERROR, "tether: frame too large", NULL);
		c->done = 1;
		return;
	}
	n = read(c->fd, p, 64 * 1024);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		client_lost(c, n == 0 ? "connection closed" : strerror(errno));
		return;
	}
	c->last_rx = compat_now_ms();
	buf_commit(&c->in, (size_t)n);
	client_process(c);
}

/* Handle every complete frame received so far. */
static void
client_process(struct client *c)
{
	struct reader	 r;
	uint8_t		 type;
	size_t		 size;
	int		 e;

	while ((e = proto_frame(&c->in, &type, &r, &size)) == 1) {
		if (c->link == LINK_CONNECTING) {
			if (client_welcome(c, type, &r) == -1) {
				c->done = 1;
				return;
			}
			client_connected(c);
		} else if (client_frame(c, type, &r) == -1) {
			e = -1;
			break;
		}
		buf_consume(&c->in, size);
		if (c->done)
			return;
	}
	if (e < 0) {
		client_finish(c, EXIT_ERROR, "tether: protocol error from "
		    "session %s", c->o->name);
		c->done = 1;
	}
}

/* Queue HELLO: who we are and what reached the terminal already. */
static int
client_hello(struct client *c)
{
	struct msg_hello	 h;

	memset(&h, 0, sizeof h);
	h.major = PROTO_MAJOR;
	h.minor = PROTO_MINOR;
	h.mode = HELLO_ATTACH;
	/*
	 * The output window and skipping are for networks: a local
	 * terminal takes what it can, and paces the program.
	 */
	h.flags = HELLO_SCREEN;
	if (client_remote(c))
		h.flags |= HELLO_WINDOW | (c->o->lossless ? 0 : HELLO_JUMP);
	h.instance = c->instance;
	/* What the terminal has not shown yet is kept here: ask after it. */
	h.shown = c->recv;
	client_tty_size(&h.rows, &h.cols);
	return proto_put_hello(&c->out, &h);
}

/*
 * Take the host's answer to HELLO: where output resumes and where input
 * must be resent from. Returns -1 (with the reason to finish) on anything
 * but a WELCOME this client can use.
 */
static int
client_welcome(struct client *c, uint8_t type, struct reader *r)
{
	struct msg_welcome	 w;
	char			 why[128];
	int			 e = 0;

	if (type == MSG_ERROR) {
		client_error(c, r);
		return -1;
	}
	if (type != MSG_WELCOME || (e = proto_get_welcome(r, &w)) != 0) {
		if (e == PROTO_ERR_VERSION) {
			/* Name both versions, as the host does. */
			fmt_buf(why, sizeof why, "session %s speaks version "
			    "%u, this tether speaks version %d", c->o->name,
			    w.major, PROTO_MAJOR);
			client_finish(c, EXIT_VERSION, "tether: protocol "
			    "version mismatch: %s; use matching tether "
			    "versions", why);
			return -1;
		}
		client_finish(c, EXIT_ERROR, "tether: session %s answered "
		    "with something tether does not understand", c->o->name);
		return -1;
	}
	if ((c->instance != 0 && c->instance != w.instance) ||
	    (c->instance == w.instance && w.out_start - w.skipped != c->recv)) {
		/* Not the session we had: start over from its tail. */
		c->nskips = 0;
		buf_reset(&c->term);
		buf_reset(&c->input);
		c->in_base = w.in_next;
		c->instance = 0;
	}
	if (c->instance == 0)
		c->shown = w.out_start - w.skipped;
	c->instance = w.instance;
	c->recv = c->acked = w.out_start;
	c->repainting = (w.flags & WELCOME_SCREEN) != 0;
	c->repaint_fresh = w.resume == RESUME_FRESH;
	buf_reset(&c->repaint);
	if (c->repainting)
		client_skip(c, w.out_start - w.skipped, w.out_start,
		    NOTICE_REPAINT);
	else if (w.skipped > 0)
		client_skip(c, w.out_start - w.skipped, w.out_start,
		    w.resume == RESUME_FRESH ? NOTICE_EARLIER : NOTICE_AWAY);
	if (w.resume == RESUME_FRESH || w.in_next > c->in_base +
	    buf_len(&c->input) || w.in_next < c->in_base) {
		c->in_base = w.in_next;
		buf_reset(&c->input);
	} else {
		buf_consume(&c->input, (size_t)(w.in_next - c->in_base));
		c->in_base = w.in_next;
	}
	c->in_sent = c->in_base;
	c->link = LINK_UP;
	log_debug("welcome: resume %u at %llu, skipped %llu", w.resume,
	    (unsigned long long)w.out_start, (unsigned long long)w.skipped);
	return 0;
}

/* Say hello and wait for the welcome (the first connection). */
static int
client_handshake(struct client *c, int ms)
{
	struct reader	 r;
	uint8_t		 type;
	size_t		 size;
	int		 e;

	if (client_hello(c) != 0)
		return -1;
	/*
	 * A host that refuses at once (out of descriptors) may have closed
	 * before HELLO went out: its ERROR is still there to read.
	 */
	(void)client_send_all(c->fd, &c->out, ms);
	if ((e = client_recv(c->fd, &c->in, &type, &r, &size, ms)) != 1) {
		client_finish(c, EXIT_ERROR, e == 0 ? "tether: session %s is "
		    "not responding" : "tether: session %s closed the "
		    "connection", c->o->name);
		return -1;
	}
	if (client_welcome(c, type, &r) == -1)
		return -1;
	buf_consume(&c->in, size);
	return 0;
}

/* Does this client reconnect (a remote session)? */
static int
client_remote(const struct client *c)
{
	return c->o->lost != NULL;
}

/*
 * Show the link's state in the terminal's title, which never disturbs the
 * screen of a full-screen program. The title is pushed first (xterm's
 * CSI 22 t) and popped on reconnect. Only between output writes, so that
 * the title never lands inside an escape sequence of the program's.
 */
static void
client_status(struct client *c, uint64_t now)
{
	char	 line[256];

	if (!isatty(STDOUT_FILENO) || buf_len(&c->term) > 0 ||
	    now - c->status_at < 1000)
		return;
	c->status_at = now;
	if (!c->title_pushed) {
		buf_put(&c->notice, "\033[22;0t", 7);
		c->title_pushed = 1;
	}
	fmt_buf(line, sizeof line, "\033]0;tether: %s: link down %llus, "
	    "attempt %d (%c. quits)\007", c->o->where != NULL ? c->o->where :
	    c->o->name, (unsigned long long)((now - c->down_since) / 1000),
	    c->attempt, c->esc.ch == ESCAPE_NONE ? '~' : c->esc.ch);
	buf_put(&c->notice, line, strlen(line));
}

/* How long to wait before attempt n: at once, then up to 2 s. */
static uint64_t
client_backoff(int n)
{
	static const uint64_t	 ms[] = { 0, 250, 500, 1000, 2000, 2000 };

	return ms[n < 6 ? n : 5];
}

/*
 * The stream ended, failed or went silent. A local client finishes; a
 * remote one lets go of the transport and tries again, unless the
 * transport says that retrying cannot help (authentication, session gone).
 */
static void
client_lost(struct client *c, const char *why)
{
	char	 msg[PROTO_TEXT_MAX];
	int	 status, final = c->finishing || !client_remote(c);
	uint64_t now = compat_now_ms();

	log_debug("link lost (%s)", why);
	if (c->fd != -1) {
		close(c->fd);
		c->fd = -1;
	}
	buf_reset(&c->in);
	buf_reset(&c->out);
	if (c->repainting) {
		/* Half a repaint is worth nothing: ask again. */
		c->repainting = 0;
		buf_reset(&c->repaint);
		c->recv = c->skips[--c->nskips].from;
		if (c->repaint_fresh)
			c->instance = 0;
	}
	msg[0] = '\0';
	status = client_remote(c) ? c->o->lost(c->o->arg, final, msg,
	    sizeof msg) : 0;
	if (final) {
		if (!c->finishing)
			client_finish(c, EXIT_ERROR, "tether: lost the "
			    "connection to session %s", c->o->name);
		return;
	}
	if (status != 0) {
		client_finish(c, status, "%s", msg);
		return;
	}
	if (c->link == LINK_UP) {
		c->down_since = now;
		c->attempt = 0;
		c->status_at = 0;
	}
	c->link = LINK_DOWN;
	c->retry_at = now + client_backoff(c->attempt);
	client_status(c, now);
}

/* Start a reconnect attempt: a new transport, then HELLO. */
static void
client_try(struct client *c, uint64_t now)
{
	char	 why[512];

	c->attempt++;
	log_debug("reconnect attempt %d", c->attempt);
	c->link = LINK_CONNECTING;
	if ((c->fd = c->o->connect(c->o->arg, c->attempt, why,
	    sizeof why)) == -1) {
		log_debug("attempt failed: %s", why);
		client_lost(c, why);
		return;
	}
	compat_set_nonblock(c->fd, 1);
	c->deadline = now + CONNECT_MS;
	c->last_rx = now;
	if (client_hello(c) != 0)
		client_lost(c, "cannot encode HELLO");
}

/* Welcomed again: resend unacknowledged input, put the title back. */
static void
client_connected(struct client *c)
{
	log_debug("reconnected after %d attempts", c->attempt);
	c->attempt = 0;
	c->last_rx = compat_now_ms();
	c->last_ping = 0;	/* a PING at once: the round trip, known early */
	if (c->title_pushed) {
		buf_put(&c->notice, "\033[23;0t", 7);
		c->title_pushed = 0;
	}
	client_send_input(c);
}

/*
 * The local address or a link changed (a laptop roamed or woke): try at
 * once when down, start over when connecting, and check a link that is up:
 * at once lost if its local address is gone, else with a PING that must be
 * answered soon.
 */
static void
client_net(struct client *c, uint64_t now)
{
	if (netwatch_read(c->netfd) <= 0 || !client_remote(c))
		return;
	log_debug("network changed");
	c->net_at = now + NET_SETTLE_MS;
}

/* What became of the stream's connection: NETPATH_*. */
static int
client_path(const struct client *c)
{
	return c->o->path != NULL ? c->o->path(c->o->arg) : NETPATH_UNKNOWN;
}

/* How long an answer to a PING may take after the network changed. */
static uint64_t
client_probe_ms(const struct client *c)
{
	uint64_t	 ms = PROBE_MIN_MS + 3 * c->srtt;

	if (c->srtt == 0 || ms > PROBE_MAX_MS)
		ms = PROBE_MAX_MS;
	if (ms > (uint64_t)c->o->timeout_ms)
		ms = (uint64_t)c->o->timeout_ms;
	return ms;
}

/* Timers of a remote client: retries, attempt deadlines, heartbeats. */
static void
client_timers(struct client *c, uint64_t now)
{
	const char	*why;

	if (!client_remote(c) || c->finishing)
		return;
	if (c->net_at != 0 && now >= c->net_at) {
		c->net_at = 0;
		/*
		 * Connecting: start over from the new network. Up, from an
		 * address that is gone: no PING can come back.
		 */
		why = NULL;
		if (c->link == LINK_CONNECTING)
			why = "network changed while connecting";
		else if (c->link == LINK_UP && client_path(c) == NETPATH_GONE)
			why = "the connection's local address is gone";
		if (why != NULL)
			client_lost(c, why);
		if (why != NULL || c->link == LINK_DOWN) {
			c->attempt = 0;
			c->retry_at = now;
		} else {
			/*
			 * Dead unless heard from within a short while: a
			 * few round trips (a roamed connection never
			 * answers, and every moment counts).
			 */
			c->probe_from = now;
			c->probe_end = now + client_probe_ms(c);
			c->last_ping = 0;
		}
	}
	if (c->probe_end != 0 && (c->link != LINK_UP ||
	    c->last_rx > c->probe_from))
		c->probe_end = 0;
	if (c->probe_end != 0 && now >= c->probe_end) {
		c->probe_end = 0;
		/*
		 * Not heard from, but the host's kernel acknowledged every
		 * byte sent to it, the PING's too: the path works, and what
		 * keeps the answer is a busy host (a loaded machine took
		 * 350 ms). Wait for the answer as for any other.
		 */
		if (client_path(c) != NETPATH_ACKED) {
			client_lost(c, "no answer in time after the network "
			    "changed");
			return;
		}
		log_debug("no answer yet, but every byte sent was "
		    "acknowledged: the path works");
		c->last_rx = now;
	}
	if (c->link == LINK_DOWN) {
		if (now >= c->retry_at)
			client_try(c, now);
		else
			client_status(c, now);
		return;
	}
	if (c->link == LINK_CONNECTING && now >= c->deadline) {
		client_lost(c, "no answer in time");
		return;
	}
	if (c->link == LINK_UP && now - c->last_ping >= PING_MS) {
		proto_put_u64(&c->out, MSG_PING, now);
		c->last_ping = now;
	}
	if (now - c->last_rx > (uint64_t)c->o->timeout_ms)
		client_lost(c, "the link is silent");
}

/* How long poll may sleep before a timer of the link is due. */
static int
client_poll_ms(struct client *c, uint64_t now)
{
	uint64_t	 next;

	if (!client_remote(c) || c->finishing)
		return -1;
	if (c->link == LINK_DOWN)
		next = c->retry_at < now + 1000 ? c->retry_at : now + 1000;
	else if (c->link == LINK_CONNECTING)
		next = c->deadline < c->last_rx + (uint64_t)c->o->timeout_ms ?
		    c->deadline : c->last_rx + (uint64_t)c->o->timeout_ms;
	else {
		next = c->last_ping + PING_MS;
		if (c->last_rx + (uint64_t)c->o->timeout_ms + 1 < next)
			next = c->last_rx + (uint64_t)c->o->timeout_ms + 1;
	}
	if (c->net_at != 0 && c->net_at < next)
		next = c->net_at;
	if (c->probe_end != 0 && c->probe_end < next)
		next = c->probe_end;
	return next <= now ? 0 : (int)(next - now);
}

/*
 * Has the flood whose later frames were drawn in place stopped, with no
 * frame for FLOOD_END_MS and nothing else to write?
 */
static int
client_flood_over(struct client *c, uint64_t now)
{
	return c->flood_open && c->flood_to != c->flood_from &&
	    client_drained(c) && now - c->flood_ms >= FLOOD_END_MS;
}

/* How long poll may sleep (ms, -1: for ever) before the flood is over. */
static int
client_flood_poll_ms(struct client *c, uint64_t now, int ms)
{
	uint64_t	 left;

	if (!c->flood_open || c->flood_to == c->flood_from)
		return ms;
	left = now - c->flood_ms >= FLOOD_END_MS ? 0 :
	    c->flood_ms + FLOOD_END_MS - now;
	return ms < 0 || (uint64_t)ms > left ? (int)left : ms;
}

/* Handle signals delivered through the self-pipe. */
static void
client_signals(struct client *c)
{
	unsigned char	 sig;

	while (read(client_sigpipe[0], &sig, 1) == 1) {
		switch (sig) {
		case SIGWINCH:
			/*
			 * The flood's last frame no longer fits: it cannot
			 * be drawn again for its second marker.
			 */
			c->flood_open = 0;
			buf_reset(&c->flood_screen);
			client_resize(c);
			break;
		case SIGTSTP:
			client_suspend(c);
			break;
		case SIGCONT:
			if (isatty(STDIN_FILENO))
				tty_raw(STDIN_FILENO);
			client_resize(c);
			break;
		default:
			/* Give the terminal back, then die of the signal. */
			client_cleanup();
			signal(sig, SIG_DFL);
			raise(sig);
			_exit(128 + sig);
		}
	}
}

/* Install signal handlers that wake the loop through a pipe. */
static void
client_signals_init(void)
{
	struct sigaction	 sa;
	static const int	 sigs[] = { SIGWINCH, SIGTSTP, SIGCONT,
	    SIGTERM, SIGHUP, SIGINT, SIGQUIT };
	size_t			 i;

	if (pipe(client_sigpipe) == -1)
		fatal("pipe");
	compat_set_nonblock(client_sigpipe[0], 1);
	compat_set_nonblock(client_sigpipe[1], 1);
	compat_set_cloexec(client_sigpipe[0]);
	compat_set_cloexec(client_sigpipe[1]);
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = client_signal;
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

/*
 * Acknowledge what reached the terminal since the last ACK: at once when
 * all that came is shown; while a slow terminal takes a backlog a few kB
 * a write, every ACK_BYTES or ACK_MS (an ACK per write cost ssh, sshd and
 * the host a packet each, and the local terminal the CPU they took).
 */
static void
client_ack(struct client *c)
{
	uint64_t	 now;

	if (c->link != LINK_UP || c->shown <= c->acked || c->shown > c->recv)
		return;
	now = compat_now_ms();
	if (c->shown < c->recv && c->shown - c->acked < ACK_BYTES &&
	    now - c->acked_ms < ACK_MS)
		return;
	if (proto_put_u64(&c->out, MSG_ACK, c->shown) == 0) {
		c->acked = c->shown;
		c->acked_ms = now;
	}
}

/*
 * Sending failed: a host that ended may have closed right after its last
 * words (the EXIT), so read what it sent before calling the link lost.
 */
static void
client_send_failed(struct client *c, int err)
{
	struct pollfd	 pfd;

	pfd.fd = c->fd;
	pfd.events = POLLIN;
	while (c->fd != -1 && !c->done && poll(&pfd, 1, 0) == 1)
		client_read_host(c);
	if (c->fd != -1 && !c->done)
		client_lost(c, strerror(err));
}

/* Is everything that must reach the terminal written? */
static int
client_drained(struct client *c)
{
	return buf_len(&c->term) == client_term_held(c) &&
	    buf_len(&c->notice) == 0 && c->nskips == 0;
}

/* The event loop, until the session exits, detaches or fails. */
static void
client_loop(struct client *c)
{
	struct pollfd	 pfd[5];
	uint64_t	 now, last = compat_now_ms();
	int		 reading;

	while (!c->done) {
		if (client_flush_term(c) == -1) {
			client_finish(c, EXIT_ERROR, "tether: cannot write to "
			    "the terminal", NULL);
			break;
		}
		client_ack(c);
		if (c->fd != -1 && client_send_all(c->fd, &c->out, 0) == -1 &&
		    errno != EAGAIN)
			client_send_failed(c, errno);
		if (c->finishing && client_drained(c))
			break;
		now = compat_now_ms();
		if (now - last > (uint64_t)c->o->timeout_ms) {
			/* We were stopped or asleep: not the link's fault. */
			c->last_rx = now;
			c->last_ping = 0;
		}
		last = now;
		client_timers(c, now);
		if (client_flood_over(c, now))
			client_flood_end(c);
		reading = !c->finishing && buf_len(&c->term) < TERM_HIGH &&
		    c->nskips < MAX_SKIPS;
		if (!reading)
			c->last_rx = now;	/* our backlog, not silence */
		pfd[0].fd = client_sigpipe[0];
		pfd[0].events = POLLIN;
		pfd[1].fd = c->finishing || c->stdin_eof ? -1 : STDIN_FILENO;
		pfd[1].events = buf_len(&c->input) < INPUT_MAX / 2 ? POLLIN : 0;
		pfd[2].fd = STDOUT_FILENO;
		pfd[2].events = client_drained(c) ? 0 : POLLOUT;
		pfd[3].fd = c->fd;
		pfd[3].events = (buf_len(&c->out) > 0 ? POLLOUT : 0) |
		    (reading ? POLLIN : 0);
		pfd[4].fd = c->netfd;
		pfd[4].events = POLLIN;
		if (poll(pfd, 5, client_flood_poll_ms(c, now,
		    client_poll_ms(c, now))) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		if (pfd[0].revents & POLLIN)
			client_signals(c);
		if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR))
			client_read_tty(c);
		if (c->fd != -1 && (pfd[3].revents & (POLLIN | POLLHUP |
		    POLLERR)))
			client_read_host(c);
		if (c->netfd != -1 && (pfd[4].revents & POLLIN))
			client_net(c, compat_now_ms());
	}
	client_flood_end(c);
	client_flush_term(c);
}

/*
 * Leaving a session that still runs, give the terminal back without the
 * modes its program set: mouse and focus reports, bracketed paste, cursor
 * and keypad application modes, a hidden cursor, the pen. The alternate
 * screen and the margins are left alone: leaving them would move the
 * cursor to wherever the terminal last saved it.
 */
static void
client_reset_modes(void)
{
	static const char reset[] = "\033[?1000l\033[?1002l\033[?1003l"
	    "\033[?1004l\033[?1005l\033[?1006l\033[?1015l\033[?2004l"
	    "\033[?1l\033>\033[4l\033[?25h\033[0m";

	compat_ignore(write(STDOUT_FILENO, reset, sizeof reset - 1));
}

/* Free the client's buffers. */
static void
client_free(struct client *c)
{
	buf_free(&c->in);
	buf_free(&c->out);
	buf_free(&c->term);
	buf_free(&c->notice);
	buf_free(&c->repaint);
	buf_free(&c->flood_screen);
	buf_free(&c->input);
}

/*
 * Attach to a session and run until it exits or this client detaches.
 * Returns the exit status for tether: the program's, or one of tether's.
 */
int
client_run(const struct client_opts *o)
{
	struct client	 c;
	char		 why[512];
	int		 status;

	memset(&c, 0, sizeof c);
	c.o = o;
	c.status = EXIT_ERROR;
	c.netfd = -1;
	buf_init(&c.in, PROTO_MAX_FRAME + 4 + 64 * 1024);
	buf_init(&c.out, 8 * 1024 * 1024);
	buf_init(&c.term, TERM_HIGH + PROTO_MAX_FRAME + 4);
	buf_init(&c.notice, 64 * 1024 * 1024);
	buf_init(&c.repaint, 64 * 1024 * 1024);
	buf_init(&c.flood_screen, 64 * 1024 * 1024);
	buf_init(&c.input, INPUT_MAX + 64 * 1024);
	escape_init(&c.esc, o->escape);
	if (client_remote(&c))
		escape_set_remote(&c.esc);
	if ((c.fd = o->connect(o->arg, 0, why, sizeof why)) == -1) {
		fprintf(stderr, "tether: %s\n", why);
		client_free(&c);
		return EXIT_ERROR;
	}
	compat_set_nonblock(c.fd, 1);
	c.link = LINK_CONNECTING;
	/* The first connection may wait on a password prompt: no deadline. */
	if (client_handshake(&c, client_remote(&c) ? -1 : HELLO_TIMEOUT) ==
	    -1) {
		close(c.fd);
		c.fd = -1;
		/* ssh's own account of a failure says more than ours. */
		if (client_remote(&c) && (status = o->lost(o->arg, 1, why,
		    sizeof why)) != 0) {
			c.status = status;
			fmt_buf(c.message, sizeof c.message, "%s", why);
		}
		if (c.message[0] != '\0')
			client_print_text("", c.message);
		client_free(&c);
		return c.status;
	}
	if (client_remote(&c))
		c.netfd = netwatch_open();
	c.last_rx = compat_now_ms();
	c.last_ping = 0;	/* a PING at once: the round trip, known early */
	client_signals_init();
	atexit(client_cleanup);
	log_fatal_hook(client_cleanup);
	if (isatty(STDIN_FILENO) && tty_raw(STDIN_FILENO) == -1)
		fatal("cannot set the terminal to raw mode");
	client_nonblock[0] = compat_set_nonblock(STDIN_FILENO, 1);
	client_nonblock[1] = compat_set_nonblock(STDOUT_FILENO, 1);
	client_process(&c);
	client_loop(&c);
	if (c.title_pushed)
		compat_ignore(write(STDOUT_FILENO, "\033[23;0t", 7));
	if (!c.exited && isatty(STDOUT_FILENO))
		client_reset_modes();
	if (c.fd != -1) {
		client_send_all(c.fd, &c.out, 100);
		close(c.fd);
		c.fd = -1;
		if (client_remote(&c))
			o->lost(o->arg, 1, why, sizeof why);
	}
	if (c.netfd != -1)
		close(c.netfd);
	client_cleanup();
	if (c.message[0] != '\0') {
		fputc('\n', stderr);
		client_print_text("", c.message);
	}
	client_free(&c);
	return c.status;
}

/*
 * A client past its first HELLO, waiting for the WELCOME, for
 * fuzz/fuzz_client.c: what the host sends is decoded and handled exactly
 * as client_loop does after read(). Not used by tether itself. o->connect
 * gives the stream (any fd that takes writes); the terminal is stdout.
 */
struct client *
client_test_new(const struct client_opts *o)
{
	struct client	*c = xcalloc(1, sizeof *c);
	char		 why[64];

	c->o = o;
	c->status = EXIT_ERROR;
	c->netfd = -1;
	buf_init(&c->in, PROTO_MAX_FRAME + 4 + 64 * 1024);
	buf_init(&c->out, 8 * 1024 * 1024);
	buf_init(&c->term, TERM_HIGH + PROTO_MAX_FRAME + 4);
	buf_init(&c->notice, 64 * 1024 * 1024);
	buf_init(&c->repaint, 64 * 1024 * 1024);
	buf_init(&c->flood_screen, 64 * 1024 * 1024);
	buf_init(&c->input, INPUT_MAX + 64 * 1024);
	escape_init(&c->esc, o->escape);
	if (client_remote(c))
		escape_set_remote(&c->esc);
	c->fd = o->connect(o->arg, 0, why, sizeof why);
	c->link = LINK_CONNECTING;
	c->last_rx = compat_now_ms();
	client_hello(c);
	return c;
}

/* Bytes from the host; returns non-zero once the client is done. */
int
client_test_bytes(struct client *c, const void *data, size_t len)
{
	if (c->done || c->fd == -1)
		return c->done;
	if (buf_put(&c->in, data, len) != 0) {
		client_finish(c, EXIT_ERROR, "tether: frame too large", NULL);
		c->done = 1;
		return 1;
	}
	client_process(c);
	return c->done;
}

/* Keystrokes from the terminal, as client_read_tty takes them. */
void
client_test_keys(struct client *c, const uint8_t *data, size_t len)
{
	size_t	 off = 0, used;

	while (off < len && !c->finishing) {
		switch (escape_feed(&c->esc, data + off, len - off, &c->input,
		    &used)) {
		case ESCAPE_DETACH:
			client_finish(c, 0, "detached", NULL);
			break;
		case ESCAPE_HELP:
			escape_help(&c->esc, &c->notice);
			break;
		}
		off += used;
	}
	client_send_input(c);
}

/* One turn of the loop without poll: terminal, flood, ACK, sending. */
void
client_test_turn(struct client *c)
{
	client_flush_term(c);
	if (client_flood_over(c, compat_now_ms())) {
		client_flood_end(c);
		client_flush_term(c);
	}
	client_ack(c);
	if (c->fd != -1)
		client_send_all(c->fd, &c->out, 0);
	buf_reset(&c->out);
}

/* The link is lost (a remote client tries again at once). */
void
client_test_lost(struct client *c)
{
	if (c->done || c->finishing)
		return;
	client_lost(c, "test");
	if (c->link == LINK_DOWN)
		client_try(c, compat_now_ms());
}

void
client_test_free(struct client *c)
{
	if (c->fd != -1)
		close(c->fd);
	client_free(c);
	free(c);
}
