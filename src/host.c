/*
 * The session host. It is started by host_create (under the socket
 * directory's lock), detaches from everything as a daemon, runs the program
 * on a pty and serves clients over the session socket with the protocol in
 * proto.h. Output goes into the ring; each client has its own cursor into
 * it, so a client that goes away or falls silent never stalls the program.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "compat.h"
#include "fmt.h"
#include "host.h"
#include "log.h"
#include "logind.h"
#include "model.h"
#include "outlog.h"
#include "proto.h"
#include "pty.h"
#include "ring.h"
#include "screen.h"
#include "sock.h"
#include "xmalloc.h"

#define CONN_OUT_HIGH	(256 * 1024)	/* stop generating output frames */
#define LOG_BATCH	(256 * 1024)	/* output logged in writes this big */
#define LOG_IDLE_MS	20		/* or after the pty is quiet so long */

/*
 * Output in flight: the host sends a client output only within a window of
 * unacknowledged bytes, sized from the rate at which the client acknowledges
 * (its link and terminal together) and the shortest round trip seen, so that
 * little more than WIN_DELAY_MS of output waits in ssh's and the kernel's
 * buffers. When what is waiting would take the link longer than
 * JUMP_AFTER_MS, a client that allows it skips ahead: a JUMP, a repaint
 * from the model, and the output from there on (the log keeps all of it).
 *
 * While a flood goes on, what waits is over that bound again at once, and
 * every byte sent after a jump would be skipped by the next: so the client
 * then gets frames, as mosh's does, a repaint of the screen once the last
 * one has arrived, at most every JUMP_INTERVAL_MS (JUMP_HURRY_INTERVAL_MS
 * while keys are typed), and nothing between them. Only the first jump of
 * a flood brings history lines; the link holds at most one screen then,
 * which is what keeps Ctrl-C quick. (Each frame also puts the screen it
 * replaces into the terminal's scrollback, under a marker: 10 a second
 * is plenty of a flood nobody can read.)
 */
#define WIN_INIT	(128 * 1024)	/* until the rate is known */
/*
 * A client that resumes within RESUME_HINT_MS of its last link's rate
 * sample starts with that link's window instead (at most WIN_INIT): on a
 * slow link, WIN_INIT of a flood's output went ahead of the first frame
 * after a reconnect (a second at 1 Mbit/s).
 */
#define RESUME_HINT_MS	60000
#define WIN_MIN		(4 * 1024)
#define WIN_DELAY_MS	30
/*
 * While keys are typed (TYPING_MS after each) on a link that never skips,
 * output waits in the program instead: the window is two round trips of
 * the link (WIN_TYPING at least), and the pty is read only into it. A
 * flood's speed is the same, and a keystroke's echo waits behind that
 * window, not behind the whole WIN_DELAY_MS (a few hundred kB on
 * loopback, which made an echo in a flood 4x slower than one without).
 */
#define WIN_TYPING	(32 * 1024)
#define TYPING_MS	2000
#define JUMP_INTERVAL_MS	100	/* frames during a flood: at most so often */
#define JUMP_HURRY_INTERVAL_MS	20	/* ... just after a keystroke */
#define JUMP_FLOOD_MS	1000	/* a jump so soon after the last: a frame */
#define RATE_SAMPLE_MS	100		/* the rate is measured this often */
#define RATE_SLOTS	5		/* the rate: the best of 5 seconds */
#define RTT_MARKS	32		/* send times of offsets in flight */
#define RTT_KEEP_MS	10000		/* a minimum round trip holds so long */
#define RTT_CLEAN	WIN_MIN		/* sampled only behind so much */
#define JUMP_AFTER_MS	1000		/* waiting output the link needs so long */
#define JUMP_MIN	(64 * 1024)	/* never skip less than this */
#define JUMP_REPAINT_MS	100		/* a repaint's history: so long to send */
#define JUMP_REPAINT_MIN	(2 * 1024)	/* ... or at least this much */
/*
 * Keystrokes during a flood (Ctrl-C, most often) hurry the next jump: for
 * JUMP_HURRY_MS after input, output waiting longer than JUMP_HURRY_AFTER_MS
 * is skipped, JUMP_HURRY_DELAY_MS after the input (so that the repaint
 * shows the program's answer), with a repaint without history.
 */
#define JUMP_HURRY_MS		2000
#define JUMP_HURRY_AFTER_MS	100
#define JUMP_HURRY_DELAY_MS	5
#define JUMP_HURRY_MIN		(8 * 1024)
#define CONN_IN_MAX	(PROTO_MAX_FRAME + 4 + 64 * 1024)
#define CONN_OUT_MAX	(4 * 1024 * 1024)
#define INPUT_MAX	(4 * 1024 * 1024)
#define INPUT_HIGH	(1024 * 1024)	/* stop reading input from clients */
#define READ_CHUNK	(64 * 1024)
#define HOST_NOTICES	1024	/* lines for the creator, '\n' between */

enum conn_state {
	CONN_HELLO,		/* waiting for HELLO */
	CONN_ATTACHED,		/* the attached client */
	CONN_WAIT_EXIT,		/* a kill request waiting for the end */
	CONN_CLOSING,		/* flush what is queued, then close */
};

struct conn {
	int		 fd;		/* the unix socket */
	int		 rfd;		/* read from: fd, or a bridge's stdin */
	int		 wfd;		/* write to: fd, or a bridge's stdout */
	int		 pass[2];	/* descriptors that came with HELLO_PASS */
	enum conn_state	 state;
	struct buf	 in;
	struct buf	 out;
	uint64_t	 sent;		/* next output offset to queue */
	uint64_t	 acked;		/* output the client has shown */
	uint64_t	 opened;	/* ms: opened, or began closing */
	uint64_t	 progress;	/* ms of the last ack or write */
	uint64_t	 blocked;	/* ms since the ring is full for it */
	int		 stalled;	/* silent: no longer holds output */
	int		 creator;	/* made before the program started */
	int		 bye;		/* it said DETACH */
	int		 eof;		/* it closed its end */
	int		 exit_sent;
	int		 may_jump;	/* HELLO_JUMP: may skip for a slow link */
	int		 windowed;	/* HELLO_WINDOW: output within a window */
	uint16_t	 minor;		/* its protocol minor */
	uint64_t	 jump_to;	/* the last JUMP's end; none until acked */
	uint64_t	 jump_ms;	/* when it was sent */
	int		 hurry_jumped;	/* a jump since the last input */
	uint64_t	 hurry_at;	/* ms: input came; jump sooner from then */
	uint64_t	 hurry_until;	/* ms */
	uint64_t	 typed_ms;	/* input came last; 0: never */
	uint64_t	 hist_mark;	/* history lines the client has */
	uint64_t	 rate;		/* bytes/s acknowledged; 0: unknown */
	uint64_t	 slot[RATE_SLOTS];	/* best sample of each second */
	uint64_t	 slot_sec;	/* the second of slot[0] */
	uint64_t	 rate_at;	/* ms: this rate sample began */
	uint64_t	 rate_from;	/* acked when it began */
	uint64_t	 rtt_min;	/* us, +1; 0: unknown */
	uint64_t	 rtt_at;	/* ms: when rtt_min was seen */
	uint64_t	 hint_win;	/* window until the rate is known; 0 */
	uint64_t	 mark_off[RTT_MARKS];	/* output offset sent ... */
	uint64_t	 mark_us[RTT_MARKS];	/* ... at this time */
	int		 marks;
	int		 screen_wait;	/* a repaint ahead of the output ... */
	uint64_t	 screen_off;	/* ... until an ACK of this offset */
};

struct host {
	const char	*dir;
	const char	*name;
	int		 lfd;		/* listening socket, -1 once closed */
	int		 spare;		/* kept to refuse clients at EMFILE */
	int		 master;	/* pty master, -1 once closed */
	pid_t		 pid;
	struct ring	 ring;
	struct outlog	 log;		/* every byte of output, on disk */
	uint64_t	 logged;	/* output written to the log so far */
	uint64_t	 published;	/* output the model may read */
	struct screen	*screen;	/* the terminal model */
	struct model	*model;		/* its thread, which feeds it */
	uint64_t	 instance;
	uint64_t	 in_next;	/* input offset expected next */
	struct buf	 input;		/* accepted input not yet in the pty */
	struct conn	*conns[HOST_MAX_CONNS];
	struct conn	*attached;
	uint64_t	 link_rate;	/* the attached client's last rate */
	uint64_t	 link_rtt;	/* ... its round trip (us, +1) */
	uint64_t	 link_ms;	/* ... when sampled; 0: never */
	uint64_t	 created;
	uint64_t	 attached_at;
	uint64_t	 active;	/* Unix time a person last used it */
	uint64_t	 detached_at;	/* ms: nobody attached since */
	uint32_t	 ttl;		/* seconds detached, then end; 0 */
	uint32_t	 others;	/* for the creator's notice, once */
	char		 notices[HOST_NOTICES];	/* for the creator, once */
	uint16_t	 rows;
	uint16_t	 cols;
	char		*command;
	int		 exited;	/* the program is gone */
	int		 status;
	uint64_t	 kill_at;	/* ms to send SIGKILL, 0 if not killing */
	uint64_t	 drain_at;	/* ms to stop reading a finished pty */
	uint64_t	 exit_at;	/* ms when the program exited */
	uint64_t	 accepted;	/* connections so far */
	int		 owed;		/* a lost client is owed output and EXIT */
};

static int	host_sigpipe[2] = { -1, -1 };

static int	host_take_fds(struct host *, struct conn *);
static void	host_pty_write(struct host *);
static int	host_notices(struct host *, struct conn *);

/* A line for the creator from before the daemon (logind's), if any. */
static char	host_early_notice[512];	/* fits HOST_NOTICES */

/* Wake the event loop from a signal handler. */
static void
host_signal(int sig)
{
	int		 saved = errno;
	unsigned char	 c = (unsigned char)sig;

	compat_ignore(write(host_sigpipe[1], &c, 1));
	errno = saved;
}

/* A random, non-zero instance id: offsets are only valid within it. */
static uint64_t
host_instance(void)
{
	uint64_t	 id = 0;

	while (id == 0) {
		if (compat_entropy(&id, sizeof id) == -1)
			id = (uint64_t)time(NULL) << 20 ^ (uint64_t)getpid();
	}
	return id;
}

/*
 * Let a connection flush what is queued for it, then close it; one that
 * cannot (its peer never reads) is dropped after HOST_CLOSE_MS, so that
 * dead links left behind by reconnects never use up the connection slots.
 */
static void
host_conn_closing(struct conn *c)
{
	c->state = CONN_CLOSING;
	c->opened = compat_now_ms();
}

/*
 * The attached client has gone: a person used the session just now, and
 * its time to live, if it has one, starts.
 */
static void
host_detached(struct host *h)
{
	h->attached = NULL;
	h->active = (uint64_t)time(NULL);
	h->detached_at = compat_now_ms();
}

/* Close a connection and forget it. */
static void
host_conn_free(struct host *h, struct conn *c)
{
	size_t	 i;

	for (i = 0; i < HOST_MAX_CONNS; i++) {
		if (h->conns[i] == c)
			h->conns[i] = NULL;
	}
	if (h->attached == c) {
		host_detached(h);
		/*
		 * A client that went away without saying so (a dropped link)
		 * will be back for what it has not seen: if the program ends
		 * meanwhile, its last output and exit status are kept for it.
		 */
		h->owed = !c->bye && !(c->exit_sent && c->eof);
		log_debug("client detached%s", h->owed ? " (lost)" : "");
	}
	if (c->rfd != c->fd)
		close(c->rfd);
	if (c->wfd != c->fd && c->wfd != c->rfd)
		close(c->wfd);
	if (c->pass[0] != -1)
		close(c->pass[0]);
	if (c->pass[1] != -1)
		close(c->pass[1]);
	/* A bridge that handed over ssh's descriptors ends with this. */
	close(c->fd);
	buf_free(&c->in);
	buf_free(&c->out);
	free(c);
}

/* Write what is queued for a connection without blocking; -1 if it died. */
static int
host_conn_flush(struct conn *c)
{
	ssize_t	 n;

	while (buf_len(&c->out) > 0) {
		n = write(c->wfd, buf_ptr(&c->out), buf_len(&c->out));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return 0;
		if (n <= 0)
			return -1;
		buf_consume(&c->out, (size_t)n);
	}
	return 0;
}

/* Send an ERROR, try once to get it out, and drop the connection. */
static void
host_conn_error(struct host *h, struct conn *c, uint8_t code, const char *msg)
{
	log_debug("dropping connection: %s", msg);
	proto_put_text(&c->out, MSG_ERROR, code, msg);
	host_conn_flush(c);
	host_conn_free(h, c);
}

/*
 * Every slot is taken: drop the connection that has waited longest for its
 * HELLO, if any, so that connections that never speak (a slowloris, each
 * reopened as soon as it is dropped) cannot lock the owner out. A real
 * client says HELLO at once, so it is never the oldest for long. Returns
 * -1 when every connection has said HELLO.
 */
static int
host_conn_evict(struct host *h)
{
	struct conn	*c, *old = NULL;
	int		 i;

	for (i = 0; i < HOST_MAX_CONNS; i++) {
		if ((c = h->conns[i]) != NULL && c->state == CONN_HELLO &&
		    (old == NULL || c->opened < old->opened))
			old = c;
	}
	if (old == NULL)
		return -1;
	host_conn_error(h, old, ERR_BUSY,
	    "too many connections to this session");
	return 0;
}

/*
 * A new connection on fd (ours from now on) in a free slot: its slot, or
 * -1 when every slot is taken by a connection that has said HELLO (the
 * peer is told so and fd is closed).
 */
static int
host_conn_new(struct host *h, int fd)
{
	struct conn	*c = xcalloc(1, sizeof *c);
	int		 i;

	c->fd = c->rfd = c->wfd = fd;
	c->pass[0] = c->pass[1] = -1;
	c->state = CONN_HELLO;
	/* host_create's connection is first in the queue: the creator's. */
	c->creator = h->accepted++ == 0;
	c->opened = c->progress = compat_now_ms();
	buf_init(&c->in, CONN_IN_MAX);
	buf_init(&c->out, CONN_OUT_MAX);
	for (i = 0; i < HOST_MAX_CONNS && h->conns[i] != NULL; i++)
		;
	if (i == HOST_MAX_CONNS && host_conn_evict(h) == 0)
		for (i = 0; i < HOST_MAX_CONNS && h->conns[i] != NULL; i++)
			;
	if (i == HOST_MAX_CONNS) {
		proto_put_text(&c->out, MSG_ERROR, ERR_BUSY,
		    "too many connections to this session");
		host_conn_flush(c);
		close(fd);
		buf_free(&c->in);
		buf_free(&c->out);
		free(c);
		return -1;
	}
	h->conns[i] = c;
	return i;
}

/*
 * Out of descriptors, a waiting client would keep the socket readable and
 * the loop spinning: give up the spare descriptor for a moment to accept
 * it, tell it why, and close it. The session itself goes on.
 */
static void
host_accept_refuse(struct host *h)
{
	struct buf	 b;
	char		 hello[512];
	int		 fd;

	close(h->spare);
	if ((fd = accept(h->lfd, NULL, NULL)) != -1) {
		/* Unread, its HELLO would make our close reset the ERROR. */
		compat_set_nonblock(fd, 1);
		compat_ignore(read(fd, hello, sizeof hello));
		buf_init(&b, 4096);
		proto_put_text(&b, MSG_ERROR, ERR_BUSY, "the session host "
		    "has run out of file descriptors; try again later");
		compat_ignore(write(fd, buf_ptr(&b), buf_len(&b)));
		buf_free(&b);
		close(fd);
		log_debug("refused a connection: out of file descriptors");
	}
	h->spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

/* Accept a connection from the owner, or refuse it; -1 if none waited. */
static int
host_accept(struct host *h)
{
	struct conn	*c;
	uid_t		 uid;
	char		 msg[128];
	int		 fd, i;

	if ((fd = accept(h->lfd, NULL, NULL)) == -1) {
		if ((errno == EMFILE || errno == ENFILE) && h->spare != -1)
			host_accept_refuse(h);
		return -1;
	}
	compat_set_cloexec(fd);
	compat_set_nonblock(fd, 1);
	if ((i = host_conn_new(h, fd)) == -1)
		return 0;
	c = h->conns[i];
	if (compat_peer_uid(fd, &uid) == -1 || uid != getuid()) {
		fmt_buf(msg, sizeof msg, "permission denied: session %s "
		    "belongs to uid %ld", h->name, (long)getuid());
		host_conn_error(h, c, ERR_DENIED, msg);
	}
	return 0;
}

/* Fill in INFO for `tether ls`. */
static void
host_info(struct host *h, struct msg_info *m)
{
	memset(m, 0, sizeof *m);
	fmt_buf(m->name, sizeof m->name, "%s", h->name);
	m->host_pid = (uint32_t)getpid();
	m->pid = (uint32_t)h->pid;
	m->created = h->created;
	m->attached_at = h->attached_at;
	m->attached = h->attached != NULL;
	m->rows = h->rows;
	m->cols = h->cols;
	m->exited = h->exited != 0;
	m->active = h->active;
	m->ttl = h->ttl;
	fmt_buf(m->command, sizeof m->command, "%s", h->command);
	/* ls must not wait for a model that is catching up with a flood. */
	model_title(h->model, m->title, sizeof m->title);
}

/* A window dimension within what the model and a pty are given. */
static uint16_t
host_clamp(uint16_t n)
{
	return n < PROTO_WIN_MIN ? PROTO_WIN_MIN : n > PROTO_WIN_MAX ?
	    PROTO_WIN_MAX : n;
}

/* Resize the pty, clamping to what a terminal can be. */
static void
host_resize(struct host *h, uint16_t rows, uint16_t cols)
{
	if (rows == 0 || cols == 0)
		return;
	rows = host_clamp(rows);
	cols = host_clamp(cols);
	if (rows == h->rows && cols == h->cols)
		return;
	h->rows = rows;
	h->cols = cols;
	/* What came before was written for the old size. */
	screen_resize(model_lock(h->model, ring_head(&h->ring)), rows, cols);
	model_unlock(h->model);
	if (h->master != -1)
		pty_resize(h->master, rows, cols);
	log_debug("resized to %ux%u", cols, rows);
}

/* Where a client without an exact offset starts: a bounded tail. */
static uint64_t
host_tail_start(struct host *h)
{
	uint64_t	 head = ring_head(&h->ring), start;

	start = ring_tail(&h->ring);
	if (head - start > HOST_TAIL_BYTES)
		start = head - HOST_TAIL_BYTES;
	return ring_line_start(&h->ring, start);
}

/*
 * Queue for c the model's repaint as of head, in SCREEN frames: history up
 * to max bytes, and with unseen only the lines that scrolled off since c's
 * last repaint; in_place, the screen drawn over the last frame's instead
 * (screen_redraw). Returns non-zero when it cannot be queued.
 */
static int
host_repaint(struct host *h, struct conn *c, uint64_t head, size_t max,
    int unseen, int in_place)
{
	struct screen	*s;
	struct buf	 rb;
	uint64_t	 total, left;
	size_t		 n, lines = SIZE_MAX;
	int		 e;

	buf_init(&rb, SCREEN_REPAINT_MAX + 16 * 1024 * 1024);
	s = model_lock(h->model, head);
	total = screen_history_total(s);
	if (unseen)
		lines = total > c->hist_mark ? (size_t)(total - c->hist_mark) : 0;
	if (in_place)
		screen_redraw(s, &rb);
	else
		screen_repaint_lines(s, &rb, max, lines);
	model_unlock(h->model);
	c->hist_mark = total;
	c->screen_wait = 1;
	c->screen_off = head;
	left = buf_len(&rb);
	do {
		n = left < PROTO_CHUNK ? (size_t)left : PROTO_CHUNK;
		left -= n;
		e = proto_put_data(&c->out, MSG_SCREEN, left, buf_ptr(&rb), n);
		buf_consume(&rb, n);
	} while (e == 0 && left > 0);
	buf_free(&rb);
	return e;
}

/*
 * The window of a link of rate bytes/s and round trip rtt (us): two round
 * trips and WIN_DELAY_MS of its output.
 */
static uint64_t
link_window(uint64_t rate, uint64_t rtt)
{
	return rate * 2 * rtt / 1000000 + rate * WIN_DELAY_MS / 1000;
}

/*
 * How much history goes with a repaint to a link of rate bytes/s: what it
 * sends in JUMP_REPAINT_MS, at least JUMP_REPAINT_MIN.
 */
static uint64_t
repaint_budget(uint64_t rate)
{
	uint64_t	 budget = rate * JUMP_REPAINT_MS / 1000;

	if (budget < JUMP_REPAINT_MIN)
		budget = JUMP_REPAINT_MIN;
	return budget > SCREEN_REPAINT_MAX ? SCREEN_REPAINT_MAX : budget;
}

/*
 * Make c the attached client, detaching any other, and welcome it. Returns
 * non-zero when the welcome cannot be given.
 */
static int
host_attach(struct host *h, struct conn *c, const struct msg_hello *m)
{
	struct msg_welcome	 w;
	uint64_t		 head = ring_head(&h->ring), budget;
	int			 repaint, e;

	memset(&w, 0, sizeof w);
	if (m->instance == h->instance) {
		if (m->shown > head)
			return PROTO_ERR_VALUE;
		if (m->shown >= ring_tail(&h->ring)) {
			w.resume = RESUME_EXACT;
			w.out_start = m->shown;
		} else {
			w.resume = RESUME_BEHIND;
			w.out_start = host_tail_start(h);
			w.skipped = w.out_start - m->shown;
		}
	} else {
		/*
		 * The session's creator gets all of it: the host keeps the
		 * start of the output in the ring for it (host_read_room).
		 */
		w.resume = RESUME_FRESH;
		w.out_start = c->creator ? ring_tail(&h->ring) :
		    host_tail_start(h);
		w.skipped = w.out_start;
	}
	/*
	 * Without an exact offset, a client that knows SCREEN gets the model
	 * repainted instead of a tail of raw output: what follows starts at
	 * the head, which the model has seen.
	 */
	repaint = w.resume != RESUME_EXACT && (m->flags & HELLO_SCREEN);
	/*
	 * The client that created the session gets its output as bytes from
	 * the start, as ssh would show it, not a cleared and repainted screen.
	 */
	if (c->creator && w.resume == RESUME_FRESH && w.out_start == 0)
		repaint = 0;
	if (repaint) {
		w.skipped += head - w.out_start;
		w.out_start = head;
	}
	if (h->attached != NULL && h->attached != c) {
		proto_put_text(&h->attached->out, MSG_DETACH, DETACH_OTHER,
		    "attached elsewhere");
		host_conn_closing(h->attached);
		log_debug("detaching the previous client");
	}
	h->attached = c;
	h->attached_at = h->active = (uint64_t)time(NULL);
	c->state = CONN_ATTACHED;
	c->sent = c->acked = w.out_start;
	c->jump_to = c->jump_ms = 0;
	c->windowed = (m->flags & HELLO_WINDOW) != 0;
	c->minor = m->minor;
	c->may_jump = c->windowed && (m->flags & HELLO_JUMP) != 0;
	c->progress = compat_now_ms();
	/* A client back from an outage: its last link's window, to start. */
	if (m->instance == h->instance && h->link_ms != 0 &&
	    c->progress - h->link_ms < RESUME_HINT_MS) {
		c->hint_win = link_window(h->link_rate, h->link_rtt);
		if (c->hint_win > WIN_INIT)
			c->hint_win = WIN_INIT;
		if (c->hint_win < WIN_MIN)
			c->hint_win = WIN_MIN;
		log_debug("back from an outage: a window of %llu to start",
		    (unsigned long long)c->hint_win);
	}
	host_resize(h, m->rows, m->cols);
	w.major = PROTO_MAJOR;
	w.minor = PROTO_MINOR;
	w.instance = h->instance;
	w.in_next = h->in_next;
	w.rows = h->rows;
	w.cols = h->cols;
	w.flags = repaint ? WELCOME_SCREEN : 0;
	fmt_buf(w.name, sizeof w.name, "%s", h->name);
	log_debug("attached: resume %u from %llu, skipped %llu%s", w.resume,
	    (unsigned long long)w.out_start, (unsigned long long)w.skipped,
	    repaint ? ", repainted" : "");
	if ((e = proto_put_welcome(&c->out, &w)) != 0)
		return e;
	/* The creator learns of the forgotten sessions, once (1.3). */
	if (c->creator && h->others > 0) {
		if ((e = proto_put_u32(&c->out, MSG_OTHERS, h->others)) != 0)
			return e;
		h->others = 0;
	}
	/* And of what went wrong as the session started: NOTICE, a line each. */
	if (c->creator && (e = host_notices(h, c)) != 0)
		return e;
	if (!repaint)
		return 0;
	/*
	 * Back from an outage the ring did not span, over a link known to
	 * be slow: as much history as it sends in JUMP_REPAINT_MS, as after
	 * a jump, so that the screen comes at once (the whole history held
	 * it back most of a second at 1 Mbit/s; the log has what it leaves
	 * out).
	 */
	budget = c->hint_win != 0 ? repaint_budget(h->link_rate) :
	    SCREEN_REPAINT_MAX;
	return host_repaint(h, c, head, (size_t)budget, 0, 0);
}

/* Send the creator the session's notices (lines), once; 0, or -1. */
static int
host_notices(struct host *h, struct conn *c)
{
	char	*line, *next;

	for (line = h->notices; *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (proto_put_text(&c->out, MSG_NOTICE, 0, line) != 0)
			return -1;
	}
	h->notices[0] = '\0';
	return 0;
}

/* Add a line to the notices for the session's creator (if it fits). */
static void
host_notice(char *notices, const char *line)
{
	size_t	 len = strlen(notices);

	fmt_buf(notices + len, HOST_NOTICES - len, "%s%s",
	    len > 0 ? "\n" : "", line);
}

/* Begin ending the session: SIGHUP now, SIGKILL after the grace period. */
static void
host_kill(struct host *h)
{
	if (h->kill_at != 0 || h->exited)
		return;
	log_debug("killing the session");
	kill(-h->pid, SIGHUP);
	kill(-h->pid, SIGCONT);
	kill(h->pid, SIGHUP);
	h->kill_at = compat_now_ms() + HOST_KILL_GRACE_MS;
}

/*
 * Does c's link never skip? A client that does not allow it, or one whose
 * link carries the whole ring within JUMP_AFTER_MS: what waits for it can
 * never reach the bound.
 */
static int
host_never_skips(const struct host *h, const struct conn *c)
{
	return !c->may_jump || (c->rate != 0 &&
	    c->rate * JUMP_AFTER_MS / 1000 >= h->ring.cap);
}

/* Were keys typed on c lately, on a link that never skips? */
static int
host_typing(const struct host *h, const struct conn *c, uint64_t now)
{
	return c->windowed && c->typed_ms != 0 &&
	    now - c->typed_ms < TYPING_MS && host_never_skips(h, c);
}

/* How much unacknowledged output c may have in flight. */
static uint64_t
host_window(const struct host *h, const struct conn *c, uint64_t now)
{
	uint64_t	 w, rtt2;

	if (!c->windowed)
		return UINT64_MAX;	/* a 1.1 client, or a local one */
	rtt2 = c->rate * 2 * c->rtt_min / 1000000;
	if (c->rate == 0)
		w = c->hint_win != 0 ? c->hint_win : WIN_INIT;
	else
		w = link_window(c->rate, c->rtt_min);
	if (host_typing(h, c, now) && w > WIN_TYPING)
		w = rtt2 > WIN_TYPING ? rtt2 : WIN_TYPING;
	return w < WIN_MIN ? WIN_MIN : w;
}

/*
 * The client acknowledged output up to v: a round trip sample from the send
 * times of the offsets it covers, and every RATE_SAMPLE_MS a rate sample.
 * A sample taken while the window was full, or output waited, lowers the
 * rate (the link is the limit); otherwise it can only raise it.
 */
static void
host_acked(struct host *h, struct conn *c, uint64_t v)
{
	uint64_t	 now = compat_now_ms(), now_us = compat_now_us(), rtt = 0;
	uint64_t	 sample, sec;
	int		 i = 0, limited;

	if (c->screen_wait && v >= c->screen_off)
		c->screen_wait = 0;	/* the repaint arrived */
	while (i < c->marks && c->mark_off[i] <= v)
		rtt = now_us - c->mark_us[i++] + 1;
	if (i > 0) {
		memmove(c->mark_off, c->mark_off + i, (size_t)(c->marks - i) *
		    sizeof c->mark_off[0]);
		memmove(c->mark_us, c->mark_us + i, (size_t)(c->marks - i) *
		    sizeof c->mark_us[0]);
		c->marks -= i;
		if (c->rtt_min == 0 || rtt <= c->rtt_min ||
		    now - c->rtt_at > RTT_KEEP_MS) {
			c->rtt_min = rtt;
			c->rtt_at = now;
		}
	}
	if (c->rate_from < c->jump_to && v >= c->jump_to) {
		/* The jump is not output that crossed the link. */
		c->rate_at = now;
		c->rate_from = v;
		return;
	}
	if (c->rate_at == 0 || v < c->rate_from) {
		c->rate_at = now;
		c->rate_from = c->acked;
	}
	if (now - c->rate_at < RATE_SAMPLE_MS)
		return;
	sample = (v - c->rate_from) * 1000 / (now - c->rate_at);
	limited = c->sent - v >= host_window(h, c, now) / 2 ||
	    c->sent < ring_head(&h->ring);
	c->rate_at = now;
	c->rate_from = v;
	log_debug("rate sample %llu%s; rate %llu, window %llu, in flight %llu, "
	    "waiting %llu", (unsigned long long)sample, limited ? " (limited)" :
	    "", (unsigned long long)c->rate,
	    (unsigned long long)host_window(h, c, now),
	    (unsigned long long)(c->sent - v),
	    (unsigned long long)(ring_head(&h->ring) - c->sent));
	/*
	 * The rate is the best sample of the last RATE_SLOTS seconds, so a
	 * moment's stall of the client does not make a fast link look slow;
	 * a sample the sender limited (nothing waited) only counts if it
	 * is better.
	 */
	sec = now / 1000;
	if (sec - c->slot_sec >= RATE_SLOTS) {
		memset(c->slot, 0, sizeof c->slot);
		c->slot_sec = sec;
	}
	for (; c->slot_sec < sec; c->slot_sec++) {
		memmove(c->slot + 1, c->slot, (RATE_SLOTS - 1) *
		    sizeof c->slot[0]);
		c->slot[0] = 0;
	}
	/*
	 * Nor does one establish the rate: an idle prompt's trickle made
	 * a link look a few hundred bytes a second fast, and the first
	 * flood then skipped at once, from a 4 kB window.
	 */
	if (!limited && (c->rate == 0 || sample < c->rate))
		return;
	if (sample > c->slot[0])
		c->slot[0] = sample;
	c->rate = 0;
	for (i = 0; i < RATE_SLOTS; i++)
		if (c->slot[i] > c->rate)
			c->rate = c->slot[i];
	if (c == h->attached && c->rate != 0 && c->rtt_min != 0) {
		h->link_rate = c->rate;
		h->link_rtt = c->rtt_min;
		h->link_ms = now;
	}
}

/* Drop c if queueing a message for it failed; -1 when c is gone. */
static int
host_queued(struct host *h, struct conn *c, int r)
{
	if (r == 0)
		return 0;
	host_conn_error(h, c, ERR_PROTOCOL, "too much queued for this client");
	return -1;
}

/* Handle the first frame of a connection, which must be HELLO. */
static int
host_hello(struct host *h, struct conn *c, uint8_t type, struct reader *r)
{
	struct msg_hello	 m;
	struct msg_info		 info;
	char			 msg[200];
	int			 e;

	if (type != MSG_HELLO) {
		host_conn_error(h, c, ERR_PROTOCOL, "expected HELLO first");
		return -1;
	}
	if ((e = proto_get_hello(r, &m)) == PROTO_ERR_VERSION) {
		fmt_buf(msg, sizeof msg, "protocol version mismatch: this "
		    "session speaks version %d, the client speaks version %u; "
		    "use matching tether versions", PROTO_MAJOR, m.major);
		host_conn_error(h, c, ERR_VERSION, msg);
		return -1;
	}
	if (e != 0) {
		host_conn_error(h, c, ERR_PROTOCOL, e == PROTO_ERR_MAGIC ?
		    "not a tether client" : "malformed HELLO");
		return -1;
	}
	switch (m.mode) {
	case HELLO_INFO:
		host_info(h, &info);
		host_conn_closing(c);
		return host_queued(h, c, proto_put_info(&c->out, &info));
	case HELLO_PASS:
		return host_take_fds(h, c);
	case HELLO_KILL:
		if ((m.flags & HELLO_DETACHED) && h->attached != NULL) {
			host_conn_error(h, c, ERR_ATTACHED, "session is attached");
			return -1;
		}
		c->state = CONN_WAIT_EXIT;
		h->owed = 0;		/* nobody is to collect it now */
		host_kill(h);
		return 0;
	}
	/*
	 * A client that got in before the program ended (such as the creator
	 * of a session whose program exits at once) still gets the last
	 * output and the exit status.
	 */
	return host_queued(h, c, host_attach(h, c, &m));
}

/*
 * Accept keystrokes at offset off; bytes already accepted are dropped, so a
 * client may resend from its last acknowledged offset after a reconnect.
 */
static int
host_input(struct host *h, struct conn *c, struct reader *r)
{
	const uint8_t	*data;
	uint64_t	 off, dup = 0;
	size_t		 len;

	if (proto_get_data(r, &off, &data, &len) != 0 || off > h->in_next) {
		host_conn_error(h, c, ERR_PROTOCOL, "input out of sequence");
		return -1;
	}
	dup = h->in_next - off;
	if (dup >= len)
		return 0;
	c->typed_ms = compat_now_ms();
	if (c->may_jump) {
		uint64_t now = c->typed_ms;

		if (c->hurry_until <= now)
			c->hurry_at = now + JUMP_HURRY_DELAY_MS;
		c->hurry_until = now + JUMP_HURRY_MS;
		c->hurry_jumped = 0;
	}
	if (buf_put(&h->input, data + dup, len - (size_t)dup) != 0) {
		host_conn_error(h, c, ERR_PROTOCOL, "too much input queued");
		return -1;
	}
	h->in_next += len - dup;
	h->active = (uint64_t)time(NULL);
	return 0;
}

/* Handle one frame from the attached client. */
static int
host_frame(struct host *h, struct conn *c, uint8_t type, struct reader *r,
    int *acked_input)
{
	uint64_t	 v;
	uint16_t	 rows, cols;

	switch (type) {
	case MSG_ACK:
		if (proto_get_u64(r, &v) != 0 || v > c->sent) {
			host_conn_error(h, c, ERR_PROTOCOL, "bad ACK");
			return -1;
		}
		if (v > c->acked) {
			host_acked(h, c, v);
			c->acked = v;
			c->progress = compat_now_ms();
			c->blocked = 0;
			c->stalled = 0;
		}
		return 0;
	case MSG_INPUT:
		if (host_input(h, c, r) == -1)
			return -1;
		*acked_input = 1;
		return 0;
	case MSG_RESIZE:
		if (proto_get_resize(r, &rows, &cols) != 0) {
			host_conn_error(h, c, ERR_PROTOCOL, "bad RESIZE");
			return -1;
		}
		host_resize(h, rows, cols);
		return 0;
	case MSG_PING:
		if (proto_get_u64(r, &v) != 0) {
			host_conn_error(h, c, ERR_PROTOCOL, "bad PING");
			return -1;
		}
		return host_queued(h, c, proto_put_u64(&c->out, MSG_PONG, v));
	case MSG_PONG:
		return 0;
	case MSG_DETACH:
		log_debug("client said goodbye");
		c->bye = 1;
		host_conn_free(h, c);
		return -1;
	}
	if (type >= MSG_OPTIONAL_MIN)
		return 0;
	host_conn_error(h, c, ERR_PROTOCOL, "unexpected message");
	return -1;
}

/* Handle every complete frame a connection has sent so far. */
static void
host_conn_frames(struct host *h, struct conn *c)
{
	struct reader	 r;
	uint8_t		 type;
	size_t		 size;
	int		 e, acked_input = 0;

	while ((e = proto_frame(&c->in, &type, &r, &size)) == 1) {
		/* A closing or waiting connection's words are ignored. */
		if (c->state == CONN_HELLO)
			e = host_hello(h, c, type, &r);
		else if (c->state == CONN_ATTACHED)
			e = host_frame(h, c, type, &r, &acked_input);
		if (e == -1)
			return;	/* c is gone */
		buf_consume(&c->in, size);
	}
	if (e < 0) {
		host_conn_error(h, c, ERR_PROTOCOL, "bad frame length");
		return;
	}
	if (!acked_input)
		return;
	/* The keys at once, not after another poll; then the INPUT_ACK. */
	if (h->master != -1 && buf_len(&h->input) > 0)
		host_pty_write(h);
	host_queued(h, c, proto_put_u64(&c->out, MSG_INPUT_ACK, h->in_next));
}

/* Read from a connection and handle every complete frame. */
/*
 * Read from a connection that has not said HELLO yet, keeping the
 * descriptors a bridge may send with HELLO_PASS (up to two; any others
 * are closed).
 */
static ssize_t
host_recv_fds(struct conn *c, void *p, size_t len)
{
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*cm;
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(4 * sizeof(int))];
	}		 cbuf;
	ssize_t		 n;
	size_t		 i, nfd;
	int		 fds[4];

	memset(&msg, 0, sizeof msg);
	iov.iov_base = p;
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof cbuf.buf;
	if ((n = compat_recvmsg_cloexec(c->fd, &msg)) <= 0)
		return n;
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		nfd = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		if (nfd > 4)
			nfd = 4;
		memcpy(fds, CMSG_DATA(cm), nfd * sizeof(int));
		for (i = 0; i < nfd; i++) {
			if (i < 2 && c->pass[i] == -1)
				c->pass[i] = fds[i];
			else
				close(fds[i]);
		}
	}
	return n;
}

/*
 * HELLO_PASS: a bridge (`tether bridge`) hands over ssh's stdin and stdout,
 * so that the client's stream no longer goes through it: the connection
 * reads and writes them from now on, starting over at HELLO, and the
 * socket only tells the bridge, by closing, when to exit.
 */
static int
host_take_fds(struct host *h, struct conn *c)
{
	if (c->pass[0] == -1 || c->pass[1] == -1) {
		host_conn_error(h, c, ERR_PROTOCOL, "HELLO_PASS without "
		    "descriptors");
		return -1;
	}
	proto_put_u64(&c->out, MSG_PASSED, 0);
	if (host_conn_flush(c) == -1 || buf_len(&c->out) > 0) {
		host_conn_free(h, c);
		return -1;
	}
	c->rfd = c->pass[0];
	c->wfd = c->pass[1];
	c->pass[0] = c->pass[1] = -1;
	compat_set_nonblock(c->rfd, 1);
	compat_set_nonblock(c->wfd, 1);
	c->opened = c->progress = compat_now_ms();
	log_debug("a bridge handed over its descriptors");
	return 0;
}

static void
host_conn_read(struct host *h, struct conn *c)
{
	uint8_t		*p;
	ssize_t		 n;

	if (buf_reserve(&c->in, READ_CHUNK, &p) != 0) {
		host_conn_error(h, c, ERR_PROTOCOL, "frame too large");
		return;
	}
	if (c->state == CONN_HELLO && c->rfd == c->fd)
		n = host_recv_fds(c, p, READ_CHUNK);
	else
		n = read(c->rfd, p, READ_CHUNK);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		/* After EXIT, the client's close says that EXIT arrived. */
		c->eof = n == 0;
		host_conn_free(h, c);
		return;
	}
	buf_commit(&c->in, (size_t)n);
	host_conn_frames(h, c);
}

/* What a limit leaves, at most room, while held bytes stay within it. */
static size_t
host_room(uint64_t limit, uint64_t held, size_t room)
{
	if (held >= limit)
		return 0;
	return limit - held < room ? (size_t)(limit - held) : room;
}

/* What the ring takes, at most room, while held bytes behind its head stay. */
static size_t
host_ring_room(const struct host *h, uint64_t held, size_t room)
{
	return host_room(h->ring.cap, held, room);
}

/* Is the connection that created the session still to say HELLO? */
static int
host_creator_waits(struct host *h)
{
	size_t	 i;

	for (i = 0; i < HOST_MAX_CONNS; i++)
		if (h->conns[i] != NULL && h->conns[i]->creator &&
		    h->conns[i]->state == CONN_HELLO)
			return 1;
	return 0;
}

/*
 * May the pty be read now? Only while the attached client, if any, has
 * room in the ring for more unacknowledged output, or has fallen silent;
 * and before the session's creator has attached, only while the ring
 * still holds the output from its start (a program that wrote more than
 * 64 kB before its creator's HELLO came cost the creator the start of it,
 * shown as a repaint instead: found by slow_link.sh under ASan).
 */
static size_t
host_read_room(struct host *h, uint64_t now)
{
	struct conn	*c = h->attached;
	uint64_t	 lag;
	size_t		 room;

	/* Never overwrite what the model has not read: model_fd wakes us. */
	lag = ring_head(&h->ring) -
	    model_fed_wake(h->model, ring_head(&h->ring));
	if (ring_head(&h->ring) - h->logged > lag)
		lag = ring_head(&h->ring) - h->logged;
	if ((room = host_ring_room(h, lag, READ_CHUNK)) == 0)
		return 0;
	if (c == NULL && !h->exited && host_creator_waits(h))
		return host_ring_room(h, ring_head(&h->ring), room);
	if (c == NULL || c->stalled || h->exited)
		return room;
	lag = ring_head(&h->ring) - c->acked;
	if (host_typing(h, c, now)) {
		/* Output waits in the program, not here (WIN_TYPING). */
		c->blocked = 0;
		return host_room(host_window(h, c, now), lag, room);
	}
	if (lag < h->ring.cap) {
		c->blocked = 0;
		return host_ring_room(h, lag, room);
	}
	if (c->blocked == 0)
		c->blocked = now;
	if (now - c->progress >= HOST_STALL_MS &&
	    now - c->blocked >= HOST_STALL_MS) {
		log_debug("client silent for %d ms: no longer holding output",
		    HOST_STALL_MS);
		c->stalled = 1;
		return room;
	}
	return 0;
}

/*
 * Write the output not yet logged, from the ring: in batches of LOG_BATCH
 * during a flood (one write per pty read cost a tenth of the host's CPU),
 * and whatever is left once the pty has been quiet for LOG_IDLE_MS.
 */
static void
host_log(struct host *h)
{
	const uint8_t	*p;
	uint64_t	 head = ring_head(&h->ring);
	size_t		 n;

	if (h->logged < ring_tail(&h->ring))
		h->logged = ring_tail(&h->ring);	/* cannot happen */
	while (h->logged < head) {
		n = ring_peek(&h->ring, h->logged, &p);
		outlog_write(&h->log, p, n, compat_now_ms());
		h->logged += n;
	}
}

/*
 * Read program output from the pty into the ring, up to room bytes: a pty
 * gives at most a few kB a read, so read until it has no more, and then
 * tell the log once (one wake-up of it per pty read cost a flood most of
 * its speed). The model is told by host_publish, once the output has gone
 * to the client.
 */
static void
host_pty_read(struct host *h, size_t room)
{
	uint8_t	*p;
	size_t	 n, total = 0;
	ssize_t	 got;
	int	 closed = 0;

	while (total < room) {
		n = ring_space(&h->ring, &p);
		if (n > room - total)
			n = room - total;
		if (n == 0)
			break;
		got = read(h->master, p, n);
		if (got > 0) {
			ring_commit(&h->ring, (size_t)got);
			total += (size_t)got;
			continue;
		}
		if (got == -1 && errno == EINTR)
			continue;
		if (got == 0 || errno != EAGAIN)
			closed = 1;
		break;
	}
	if (total > 0 && ring_head(&h->ring) - h->logged >= LOG_BATCH)
		host_log(h);
	if (closed && total == 0) {
		log_debug("pty closed");
		close(h->master);
		h->master = -1;
	}
}

/*
 * Let the model read what the pty gave. After the output has been sent:
 * waking the model's thread first put it in the echo's way on a busy
 * machine.
 */
static void
host_publish(struct host *h)
{
	if (ring_head(&h->ring) > h->published) {
		h->published = ring_head(&h->ring);
		model_publish(h->model, h->published);
	}
}

/* Write queued input into the pty. */
static void
host_pty_write(struct host *h)
{
	ssize_t	 n;

	n = write(h->master, buf_ptr(&h->input), buf_len(&h->input));
	if (n > 0)
		buf_consume(&h->input, (size_t)n);
}

/* Queue output frames for the attached client, up to a high-water mark. */
/* Is c hurried by recent input? */
static int
host_hurried(const struct conn *c, uint64_t now)
{
	return now < c->hurry_until && now >= c->hurry_at;
}

/* When may the next frame of a flood go? */
static uint64_t
host_next_frame(const struct conn *c, uint64_t now)
{
	return c->jump_ms + (host_hurried(c, now) ? JUMP_HURRY_INTERVAL_MS :
	    JUMP_INTERVAL_MS);
}

/*
 * Is what waits for c more than its link should carry? Only for a client
 * that allows skipping, whose link rate is known, and only when the output
 * waiting would take longer than JUMP_AFTER_MS to send at that rate
 * (JUMP_HURRY_AFTER_MS just after a keystroke).
 */
static int
host_jump_wanted(struct host *h, struct conn *c, uint64_t head, uint64_t now)
{
	uint64_t	 wait = head - c->sent, bound;

	/*
	 * A keystroke must not make a fast link skip either (at the start
	 * of a flood, before the window has grown, a few MB wait for a
	 * moment even on loopback).
	 */
	if (c->rate == 0 || host_never_skips(h, c) || c->stalled ||
	    c->sent < ring_tail(&h->ring) || h->exited)
		return 0;
	bound = c->rate * JUMP_AFTER_MS / 1000;
	if (host_hurried(c, now))
		return wait > c->rate * JUMP_HURRY_AFTER_MS / 1000 &&
		    wait > JUMP_HURRY_MIN;
	return wait > bound && wait > JUMP_MIN;
}

/*
 * May c, for which a jump is wanted, skip ahead now? Once the last jump was
 * shown, and not sooner than JUMP_INTERVAL_MS after it, unless a keystroke
 * came since (the first jump after one goes at once).
 */
static int
host_jump_due(const struct conn *c, uint64_t now)
{
	if (c->acked < c->jump_to)
		return 0;
	if (host_hurried(c, now) && !c->hurry_jumped)
		return 1;
	return now >= host_next_frame(c, now);
}

/*
 * Skip c ahead to head: JUMP, then the model's repaint, with as much of
 * the history the client has not seen as the link sends in
 * JUMP_REPAINT_MS.
 */
static void
host_jump(struct host *h, struct conn *c, uint64_t head, uint64_t now)
{
	uint64_t	 budget, held, kept;
	uint8_t		 flags = 0;

	log_debug("jump: %llu bytes waiting at %llu bytes/s; window %llu, "
	    "in flight %llu, rtt %llu us%s",
	    (unsigned long long)(head - c->sent), (unsigned long long)c->rate,
	    (unsigned long long)host_window(h, c, now),
	    (unsigned long long)(c->sent - c->acked),
	    (unsigned long long)(c->rtt_min ? c->rtt_min - 1 : 0),
	    host_hurried(c, now) ? ", hurried" : "");
	/*
	 * The log first, so that the client can be told how much of what
	 * it skips the log holds.
	 */
	host_log(h);
	held = outlog_held(&h->log);		/* [logged - held, logged) */
	kept = h->logged - c->sent > held ? h->logged - held : c->sent;
	if (kept > head)
		kept = head;
	/*
	 * A later frame of the same flood (nothing was sent since the last
	 * one) is drawn over it: no marker, nothing into the scrollback.
	 */
	if (c->minor >= 4 && c->jump_ms != 0 && c->sent == c->jump_to &&
	    now - c->jump_ms < JUMP_FLOOD_MS)
		flags |= JUMP_IN_PLACE;
	if (proto_put_jump(&c->out, c->sent, head, c->minor >= 3 ? &kept :
	    NULL, c->minor >= 4 ? &flags : NULL) != 0)
		return;
	/*
	 * History lines only with the first jump of a flood, not with the
	 * frames that follow it nor with one a keystroke hurried: both must
	 * be quick.
	 */
	if (host_hurried(c, now)) {
		budget = 0;
		c->hurry_jumped = 1;
	} else if (c->jump_ms != 0 && now - c->jump_ms < JUMP_FLOOD_MS)
		budget = 0;
	else
		budget = repaint_budget(c->rate);
	host_repaint(h, c, head, (size_t)budget, 1, flags & JUMP_IN_PLACE);
	c->sent = c->jump_to = head;
	c->jump_ms = now;
	c->marks = 0;
}

static void
host_pump(struct host *h, struct conn *c)
{
	const uint8_t	*p;
	uint64_t	 tail = ring_tail(&h->ring), now = compat_now_ms();
	uint64_t	 win = host_window(h, c, now), head = ring_head(&h->ring);
	size_t		 n;
	int		 clean;

	/*
	 * Nothing between frames: not while the next one is wanted (it
	 * would skip what is sent), nor until JUMP_INTERVAL_MS after the
	 * last (the flood may go on: let what waits show it).
	 */
	if (host_jump_wanted(h, c, head, now)) {
		if (host_jump_due(c, now))
			host_jump(h, c, head, now);
		head = c->sent;
	} else if (c->jump_ms != 0 && now < host_next_frame(c, now))
		head = c->sent;
	while (buf_len(&c->out) < CONN_OUT_HIGH && c->sent < head &&
	    c->sent - c->acked < win) {
		if (c->sent < tail) {
			log_debug("client lost %llu bytes",
			    (unsigned long long)(tail - c->sent));
			proto_put_skip(&c->out, c->sent, tail);
			c->sent = tail;
			if (c->acked < tail)
				c->acked = tail;
			continue;
		}
		n = ring_peek(&h->ring, c->sent, &p);
		if (n > PROTO_CHUNK)
			n = PROTO_CHUNK;
		if (n > win - (c->sent - c->acked))
			n = (size_t)(win - (c->sent - c->acked));
		proto_put_data(&c->out, MSG_OUTPUT, c->sent, p, n);
		/*
		 * Round trips only of output that queued behind little of
		 * ours, output or a repaint: one through a full window
		 * measures the queue, and a window grown from it keeps the
		 * queue full (after a reconnect in a flood at 1 Mbit/s, a
		 * 1.9 s "round trip" behind the repaint and the first
		 * window made a 1 MB window, and frames waited 8 s).
		 */
		clean = !c->screen_wait && c->sent - c->acked <= RTT_CLEAN;
		c->sent += n;
		if (clean && c->marks < RTT_MARKS) {
			c->mark_off[c->marks] = c->sent;
			c->mark_us[c->marks++] = compat_now_us();
		}
	}
	if (h->exited && h->master == -1 && !c->exit_sent &&
	    c->sent == ring_head(&h->ring)) {
		proto_put_exit(&c->out, WIFSIGNALED(h->status) ? EXIT_SIGNAL :
		    EXIT_CODE, WIFSIGNALED(h->status) ? WTERMSIG(h->status) :
		    WEXITSTATUS(h->status));
		c->exit_sent = 1;
	}
}

/*
 * Remove the socket so that `ls` and new clients no longer see us. Clients
 * already queued on it are accepted first: closing would reset them.
 */
static void
host_unlisten(struct host *h)
{
	if (h->lfd == -1)
		return;
	sock_unlink(h->dir, h->name);
	while (host_accept(h) == 0)
		;
	close(h->lfd);
	h->lfd = -1;
}

/* Reap the program; once it is gone, drain the pty and stop listening. */
static void
host_reap(struct host *h)
{
	int	 status;

	if (h->exited || waitpid(h->pid, &status, WNOHANG) != h->pid)
		return;
	h->exited = 1;
	h->status = status;
	log_debug("program exited, status %d", status);
	/* Stay reachable for a client that is attached or owed the end. */
	if (h->attached == NULL && !h->owed)
		host_unlisten(h);
	h->drain_at = compat_now_ms() + 200;
	h->exit_at = compat_now_ms();
}

/*
 * After the program exits, its last output may still be in the pty: read
 * until the pty reports that every holder closed it, or briefly when a
 * background process still holds it open.
 */
static void
host_drain(struct host *h, uint64_t now)
{
	if (!h->exited || h->master == -1 || now < h->drain_at)
		return;
	log_debug("pty still held open after exit: closing it");
	close(h->master);
	h->master = -1;
}

/* Handle signals delivered through the self-pipe. */
static void
host_signals(struct host *h)
{
	unsigned char	 sig;

	while (read(host_sigpipe[0], &sig, 1) == 1) {
		if (sig == SIGCHLD)
			host_reap(h);
		else if (sig == SIGTERM || sig == SIGINT)
			host_kill(h);
	}
}

/* Is there still a reason to run after the program exited? */
static int
host_done(struct host *h, uint64_t now)
{
	size_t	 i;

	struct conn	*c;

	if (!h->exited || h->master != -1)
		return 0;
	/*
	 * The attached client has the end once it closes after EXIT; one
	 * that was lost, or is silent, may come back for it for a while.
	 */
	if (h->owed || h->attached != NULL) {
		if (now - h->exit_at < HOST_OWED_MS)
			return 0;
		log_debug("the client did not come back for the end");
	}
	for (i = 0; i < HOST_MAX_CONNS; i++) {
		if ((c = h->conns[i]) == NULL)
			continue;
		/* A connection has until its HELLO deadline to say what it wants. */
		if (c->state == CONN_HELLO)
			return 0;
		/* Keep serving a client while it makes progress. */
		if (c->state == CONN_ATTACHED &&
		    now - c->progress < HOST_EXIT_LINGER_MS)
			return 0;
		if (c->state == CONN_WAIT_EXIT || buf_len(&c->out) > 0)
			return now - h->exit_at > HOST_EXIT_LINGER_MS;
	}
	return 1;
}

/* When a session left detached ends by its time to live; 0: never. */
static uint64_t
host_expiry(const struct host *h)
{
	if (h->ttl == 0 || h->attached != NULL || h->exited ||
	    h->kill_at != 0)
		return 0;
	return h->detached_at + (uint64_t)h->ttl * 1000;
}

/*
 * Timers: hello deadlines, the time to live, SIGKILL after grace, exit
 * for waiters.
 */
static void
host_timers(struct host *h, uint64_t now)
{
	struct conn	*c;
	size_t		 i;
	uint64_t	 expiry = host_expiry(h);

	if (expiry != 0 && now >= expiry) {
		log_debug("detached for %us: ending the session", h->ttl);
		h->owed = 0;		/* nobody is coming back for it */
		host_kill(h);
	}

	if (h->kill_at != 0 && now >= h->kill_at && !h->exited) {
		log_debug("grace period over: SIGKILL");
		kill(-h->pid, SIGKILL);
		kill(h->pid, SIGKILL);
		h->kill_at = 0;
	}
	for (i = 0; i < HOST_MAX_CONNS; i++) {
		if ((c = h->conns[i]) == NULL)
			continue;
		if (c->state == CONN_HELLO && now - c->opened > HOST_HELLO_MS)
			host_conn_error(h, c, ERR_PROTOCOL, "no HELLO in time");
		else if (c->state == CONN_WAIT_EXIT && h->exited &&
		    !c->exit_sent) {
			proto_put_exit(&c->out, EXIT_CODE, 0);
			c->exit_sent = 1;
			host_conn_closing(c);
		} else if (c->state == CONN_CLOSING &&
		    now - c->opened > HOST_CLOSE_MS) {
			/* A dead link that never reads: stop waiting for it. */
			log_debug("closing connection did not drain: dropped");
			host_conn_free(h, c);
		}
	}
}

/* Build the poll set; returns the number of entries. */
static nfds_t
host_pollset(struct host *h, struct pollfd *pfd, struct conn **who,
    size_t room)
{
	struct conn	*c;
	nfds_t		 n = 0;
	size_t		 i;

	pfd[n].fd = host_sigpipe[0];
	pfd[n].events = POLLIN;
	who[n++] = NULL;
	pfd[n].fd = h->lfd;
	pfd[n].events = POLLIN;
	who[n++] = NULL;
	pfd[n].fd = h->master;
	pfd[n].events = (room > 0 ? POLLIN : 0) |
	    (buf_len(&h->input) > 0 ? POLLOUT : 0);
	who[n++] = NULL;
	pfd[n].fd = model_fd(h->model);
	pfd[n].events = POLLIN;
	who[n++] = NULL;
	for (i = 0; i < HOST_MAX_CONNS; i++) {
		if ((c = h->conns[i]) == NULL)
			continue;
		pfd[n].fd = c->rfd;
		pfd[n].events = buf_len(&h->input) < INPUT_HIGH ? POLLIN : 0;
		if (c->wfd == c->rfd && buf_len(&c->out) > 0)
			pfd[n].events |= POLLOUT;
		who[n++] = c;
		if (c->wfd != c->rfd) {
			pfd[n].fd = c->wfd;
			pfd[n].events = buf_len(&c->out) > 0 ? POLLOUT : 0;
			who[n++] = c;
		}
	}
	return n;
}

/* How long poll may sleep: until the nearest deadline. */
static int
host_timeout(struct host *h, uint64_t now)
{
	uint64_t	 next = UINT64_MAX, frame;
	size_t		 i;
	struct conn	*c;

	/* (A program that ended before its SIGKILL needs none.) */
	if (h->kill_at != 0 && !h->exited)
		next = h->kill_at;
	if (host_expiry(h) != 0 && host_expiry(h) < next)
		next = host_expiry(h);
	if (h->exited && h->master != -1 && h->drain_at < next)
		next = h->drain_at;
	if (h->exited && h->exit_at + HOST_EXIT_LINGER_MS < next)
		next = h->exit_at + HOST_EXIT_LINGER_MS + 1;
	if (h->exited && h->owed && h->exit_at + HOST_OWED_MS < next)
		next = h->exit_at + HOST_OWED_MS + 1;
	/* A hurried jump may be due, or the next frame of a flood. */
	if ((c = h->attached) != NULL && c->hurry_at > now &&
	    c->hurry_at < c->hurry_until && c->hurry_at < next)
		next = c->hurry_at;
	if ((c = h->attached) != NULL && c->jump_ms != 0 &&
	    (frame = host_next_frame(c, now)) > now && frame < next)
		next = frame;
	/* Typing ends: the pty may be read ahead again. */
	if ((c = h->attached) != NULL && host_typing(h, c, now) &&
	    c->typed_ms + TYPING_MS < next)
		next = c->typed_ms + TYPING_MS;
	if ((c = h->attached) != NULL && c->blocked != 0 && !c->stalled) {
		if (c->blocked + HOST_STALL_MS < next)
			next = c->blocked + HOST_STALL_MS;
		if (c->progress + HOST_STALL_MS < next)
			next = c->progress + HOST_STALL_MS;
	}
	for (i = 0; i < HOST_MAX_CONNS; i++) {
		if ((c = h->conns[i]) != NULL && c->state == CONN_HELLO &&
		    c->opened + HOST_HELLO_MS < next)
			next = c->opened + HOST_HELLO_MS + 1;
		if (c != NULL && c->state == CONN_CLOSING &&
		    c->opened + HOST_CLOSE_MS < next)
			next = c->opened + HOST_CLOSE_MS + 1;
	}
	if (next == UINT64_MAX)
		return -1;
	return next <= now ? 0 : (int)(next - now > 60000 ? 60000 :
	    next - now);
}

/* Flush every connection, closing those that are finished or dead. */
static void
host_flush_all(struct host *h)
{
	struct conn	*c;
	size_t		 i;

	for (i = 0; i < HOST_MAX_CONNS; i++) {
		if ((c = h->conns[i]) == NULL)
			continue;
		if (c == h->attached)
			host_pump(h, c);
		if (host_conn_flush(c) == -1) {
			host_conn_free(h, c);
			continue;
		}
		if (buf_len(&c->out) > 0)
			continue;
		if (c->state == CONN_CLOSING) {
			if (c == h->attached)
				host_detached(h);
			host_conn_free(h, c);
		}
		/* An attached client that has EXIT closes when it has it. */
	}
}

/* The event loop: runs until the program has exited and been reported. */
static void
host_loop(struct host *h)
{
	struct pollfd	 pfd[4 + 2 * HOST_MAX_CONNS];
	struct conn	*who[4 + 2 * HOST_MAX_CONNS];
	uint64_t	 now;
	size_t		 room;
	nfds_t		 n, i;
	int		 timeout, ready;

	for (;;) {
		now = compat_now_ms();
		host_drain(h, now);
		host_timers(h, now);
		host_flush_all(h);
		host_publish(h);
		if (host_done(h, now))
			break;
		room = h->master == -1 ? 0 : host_read_room(h, now);
		n = host_pollset(h, pfd, who, room);
		timeout = host_timeout(h, now);
		/* Unlogged output: log it once the pty is quiet for a moment. */
		if (ring_head(&h->ring) > h->logged && (timeout == -1 ||
		    timeout > LOG_IDLE_MS))
			timeout = LOG_IDLE_MS;
		if ((ready = poll(pfd, n, timeout)) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		if (ring_head(&h->ring) > h->logged && (ready == 0 ||
		    !(pfd[2].revents & POLLIN)))
			host_log(h);
		if (pfd[0].revents & POLLIN)
			host_signals(h);
		if (h->master != -1 && (pfd[2].revents & POLLOUT))
			host_pty_write(h);
		if (h->master != -1 && (pfd[2].revents & (POLLIN | POLLHUP |
		    POLLERR)) && room > 0)
			host_pty_read(h, room);
		if (pfd[3].revents & POLLIN)
			model_woken(h->model);
		for (i = 4; i < n; i++) {
			struct conn	*c = who[i];
			nfds_t		 k;

			if (c == NULL ||
			    !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			/* One event per connection: it may be freed here. */
			for (k = i + 1; k < n; k++)
				if (who[k] == c)
					who[k] = NULL;
			/* A pipe's writer gone is POLLHUP: read its EOF. */
			if (pfd[i].fd == c->rfd &&
			    (pfd[i].revents & (POLLIN | POLLHUP)))
				host_conn_read(h, c);
			else
				host_conn_free(h, c);
		}
		/* Last: making room may free a connection of who[]. */
		if (h->lfd != -1 && (pfd[1].revents & POLLIN))
			host_accept(h);
	}
}

/* Detach from the creator: no terminal, no inherited descriptors. */
static void
host_daemonize(int keep1, int keep2)
{
	int	 fd, lo = keep1 < keep2 ? keep1 : keep2;
	int	 hi = keep1 < keep2 ? keep2 : keep1;

	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	compat_close_range(3, lo - 1);
	compat_close_range(lo + 1, hi - 1);
	compat_close_range(hi + 1, INT_MAX);
}

/* Set up signals: the host ignores hangups and is woken by the rest. */
static void
host_signals_init(void)
{
	struct sigaction	 sa;

	if (pipe(host_sigpipe) == -1)
		fatal("pipe");
	compat_set_nonblock(host_sigpipe[0], 1);
	compat_set_nonblock(host_sigpipe[1], 1);
	compat_set_cloexec(host_sigpipe[0]);
	compat_set_cloexec(host_sigpipe[1]);
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = host_signal;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

/* The daemon's life: start the program, report to the creator, serve. */
static void __attribute__((noreturn))
host_main(const struct host_opts *o, int lfd, int ready)
{
	struct host	 h;
	struct pty_spec	 spec;
	char		 why[512], msg[HOST_NOTICES + 1];

	log_setname("host");
	memset(&h, 0, sizeof h);
	h.dir = o->dir;
	h.name = o->name;
	h.lfd = lfd;
	h.spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
	/* The creator's terminal may claim any size (or none). */
	h.rows = host_clamp(o->rows);
	h.cols = host_clamp(o->cols);
	h.created = h.active = (uint64_t)time(NULL);
	h.detached_at = compat_now_ms();
	h.ttl = o->ttl;
	h.others = o->others;
	h.instance = host_instance();
	h.command = pty_command_line(o->argv);
	buf_init(&h.input, INPUT_MAX);
	ring_init(&h.ring, o->ring_size);
	fmt_buf(h.notices, sizeof h.notices, "%s", host_early_notice);
	if (outlog_open(&h.log, o->name, o->log_size, why, sizeof why) == -1) {
		log_debug("no output log: %s", why);
		fmt_buf(msg, sizeof msg, "no output log for session %s: %s",
		    o->name, why);
		host_notice(h.notices, msg);
	}
	h.screen = screen_new(h.rows, h.cols, o->history);
	host_signals_init();
	spec.argv = o->argv;
	spec.session = o->name;
	spec.rows = h.rows;
	spec.cols = h.cols;
	compat_set_nonblock(lfd, 1);
	if ((h.master = pty_spawn(&spec, &h.pid, why, sizeof why)) == -1) {
		host_unlisten(&h);
		compat_ignore(write(ready, why, strlen(why)));
		_exit(1);
	}
	if (chdir("/") == -1)
		log_debug("chdir /: %s", strerror(errno));
	h.model = model_start(&h.ring, h.screen);
	/* Ready: a NUL, then the notices, for a creator that does not attach. */
	msg[0] = '\0';
	fmt_buf(msg + 1, sizeof msg - 1, "%s", h.notices);
	compat_ignore(write(ready, msg, strlen(msg + 1) + 1));
	close(ready);
	log_debug("session %s: pid %ld, ring %zu bytes", h.name, (long)h.pid,
	    h.ring.cap);
	host_loop(&h);
	log_debug("session %s ends", h.name);
	host_unlisten(&h);
	model_stop(h.model);
	host_log(&h);
	outlog_close(&h.log);
	ring_free(&h.ring);
	screen_free(h.screen);
	buf_free(&h.input);
	free(h.command);
	if (h.spare != -1)
		close(h.spare);
	_exit(0);
}

/*
 * Create a session: listen on its socket, then start the host as a daemon
 * (double fork, new session id). Returns once the host runs the program: a
 * connection to the session, made before the program started so that it is
 * served even if the program ends at once, with why set to the session's
 * notices (lines; empty when none), which a creator that does not attach
 * prints; or -1 and why. The caller holds the directory lock (lockfd),
 * which the daemon must not inherit.
 */
int
host_create(const struct host_opts *o, int lockfd, char *why, size_t size)
{
	int	 lfd, cfd, pfd[2], status;
	pid_t	 pid;
	char	 msg[HOST_NOTICES + 1];
	ssize_t	 n;

	if ((lfd = sock_listen(o->dir, o->name, why, size)) == -1)
		return -1;
	if ((cfd = sock_connect(o->dir, o->name)) == -1) {
		fmt_buf(why, size, "cannot connect to new session %s: %s",
		    o->name, strerror(errno));
		close(lfd);
		sock_unlink(o->dir, o->name);
		return -1;
	}
	if (pipe(pfd) == -1) {
		fmt_buf(why, size, "pipe: %s", strerror(errno));
		goto fail;
	}
	fflush(NULL);
	if ((pid = fork()) == -1) {
		fmt_buf(why, size, "fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		goto fail;
	}
	if (pid == 0) {
		close(pfd[0]);
		if (lockfd != -1)
			close(lockfd);
		setsid();
		/* Before the fork: the host inherits the scope it moves to. */
		if (logind_protect(o->name, host_early_notice,
		    sizeof host_early_notice) != 1)
			host_early_notice[0] = '\0';
		if (fork() != 0)
			_exit(0);
		log_close();
		host_daemonize(lfd, pfd[1]);
		log_open(getenv("TETHER_DEBUG"));
		host_main(o, lfd, pfd[1]);
	}
	close(pfd[1]);
	close(lfd);
	waitpid(pid, &status, 0);
	do
		n = read(pfd[0], msg, sizeof msg - 1);
	while (n == -1 && errno == EINTR);
	close(pfd[0]);
	if (n >= 1 && msg[0] == '\0') {
		/* Notices, if any: for a caller that does not attach. */
		msg[n] = '\0';
		fmt_buf(why, size, "%s", msg + 1);
		return cfd;
	}
	close(cfd);
	if (n <= 0)
		fmt_buf(why, size, "the session host failed to start");
	else {
		msg[n] = '\0';
		fmt_buf(why, size, "%s", msg);
	}
	return -1;
fail:
	close(cfd);
	close(lfd);
	sock_unlink(o->dir, o->name);
	return -1;
}

/*
 * A session host with no program, pty or socket, for fuzz/fuzz_host.c:
 * what connections send is decoded and handled exactly as host_loop does
 * after read(). Not used by tether itself. The program has exited already,
 * or is being killed already, so that nothing is ever signalled.
 */
struct host *
host_test_new(int exited)
{
	struct host	*h = xcalloc(1, sizeof *h);

	h->dir = "/nonexistent";
	h->name = "test";
	h->lfd = -1;
	h->spare = -1;
	h->master = -1;
	h->rows = 24;
	h->cols = 80;
	h->created = 1;
	h->instance = 0x0123456789abcdefULL;	/* fixed: resumes reachable */
	h->command = xstrdup("test");
	buf_init(&h->input, INPUT_MAX);
	ring_init(&h->ring, RING_MIN);
	h->screen = screen_new(h->rows, h->cols, 100);
	h->model = model_start(&h->ring, h->screen);
	if (exited) {
		h->exited = 1;
		h->exit_at = compat_now_ms();
	} else
		h->kill_at = UINT64_MAX;
	return h;
}

/* A new connection on fd (ours from now on); its slot, or -1 if refused. */
int
host_test_conn(struct host *h, int fd)
{
	return host_conn_new(h, fd);
}

/* Bytes from the connection in slot; -1 if it is gone (now or before). */
int
host_test_bytes(struct host *h, int slot, const void *data, size_t len)
{
	struct conn	*c = h->conns[slot];

	if (c == NULL)
		return -1;
	if (buf_put(&c->in, data, len) != 0) {
		host_conn_error(h, c, ERR_PROTOCOL, "frame too large");
		return -1;
	}
	host_conn_frames(h, c);
	return h->conns[slot] == c ? 0 : -1;
}

/* The connection in slot closed its end. */
void
host_test_eof(struct host *h, int slot)
{
	if (h->conns[slot] == NULL)
		return;
	h->conns[slot]->eof = 1;
	host_conn_free(h, h->conns[slot]);
}

/* Program output, as host_pty_read takes it (the model is not overrun). */
void
host_test_output(struct host *h, const void *data, size_t len)
{
	if (len > h->ring.cap)
		len = h->ring.cap;
	if (ring_head(&h->ring) + len - model_fed(h->model) > h->ring.cap)
		model_wait(h->model, ring_head(&h->ring));
	ring_write(&h->ring, data, len);
	host_publish(h);
}

/* One turn of the loop without poll: timers, pacing, output, closing. */
void
host_test_turn(struct host *h)
{
	uint64_t	 now = compat_now_ms();

	host_timers(h, now);
	host_flush_all(h);
	(void)host_read_room(h, now);
}

void
host_test_free(struct host *h)
{
	size_t	 i;

	for (i = 0; i < HOST_MAX_CONNS; i++) {
		if (h->conns[i] != NULL)
			host_conn_free(h, h->conns[i]);
	}
	model_stop(h->model);
	ring_free(&h->ring);
	screen_free(h->screen);
	buf_free(&h->input);
	free(h->command);
	free(h);
}
