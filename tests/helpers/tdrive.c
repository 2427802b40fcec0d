/*
 * tdrive: a protocol-level client for tether's end-to-end tests. It speaks
 * the real protocol (src/proto.c, src/buf.c, src/sock.c) to a session's
 * socket and does on purpose what the real client never does: drop a
 * connection abruptly at a chosen byte, resume from offsets saved in a
 * state file, resend input, send arbitrary bytes, or pose as a session host
 * of another protocol version.
 *
 *	read	record output across abrupt drops (--max: one drop, then
 *		exit; --drops: reconnect in-process at each offset)
 *	input	send a file's bytes as INPUT, resending after a drop
 *	encode	one frame's bytes on stdout, to build byte streams
 *	raw	stdin's bytes to a session, its answers printed
 *	hello	one HELLO, possibly of another version, answers printed
 *	fakehost  listen as a session and answer as another version would
 *
 * See usage_text for the options. Everything a test asserts on is a line on
 * stdout; a failure is one line on stderr ("tdrive: ...") and exit status
 * 1; a usage error exits 2.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "compat.h"
#include "proto.h"
#include "sock.h"

#define DRV_IN_MAX	(PROTO_MAX_FRAME + 4 + 64 * 1024)
#define DRV_OUT_MAX	(8 * 1024 * 1024)
#define DRV_RAW_MAX	(16 * 1024 * 1024)
#define DRV_WAIT_MS	30000	/* failure deadline for any one wait */
#define DRV_MAX_DROPS	64

/* One connection to a session and the offsets that make resuming exact. */
struct drv {
	const char	*name;
	int		 fd;
	struct buf	 in;
	struct buf	 out;
	uint64_t	 recv;		/* next offset in this stream */
	int		 wdead;		/* writes fail: read the rest */
	/* Saved in the state file: */
	uint64_t	 instance;
	uint64_t	 base;		/* offset of the first kept byte */
	uint64_t	 shown;		/* next output offset to keep */
	uint64_t	 in_base;	/* input offset of data byte 0 */
	uint64_t	 in_sent;	/* input written, up to this offset */
	uint64_t	 in_acked;	/* input the host acknowledged */
	/* Not saved: */
	uint64_t	 acked;		/* acknowledged in this stream */
	uint64_t	 ack_limit;	/* never acknowledge beyond this */
	int		 exited;
	uint8_t		 exit_how;
	uint32_t	 exit_value;
};

/* Options of every command, parsed by one loop. */
struct opts {
	const char	*state;
	const char	*out;
	const char	*data;
	const char	*send;
	const char	*drops;
	const char	*magic;
	const char	*reply;
	const char	*resend;
	const char	*wait;
	const char	*ready;
	const char	*signal;
	const char	*linger;
	const char	*attached;
	uint64_t	 max;		/* 0: no limit */
	uint64_t	 hold;
	uint64_t	 chunk;
	uint64_t	 cut;
	uint64_t	 split;
	uint64_t	 pause;
	uint64_t	 instance;
	uint64_t	 shown;
	uint64_t	 major;
	uint64_t	 minor;
	uint64_t	 flags;
	uint64_t	 rows;
	uint64_t	 cols;
	uint64_t	 freeze;	/* read: a pid to stop at the drop */
	uint64_t	 thaw;		/* read: a pid to continue */
	uint8_t		 mode;
	int		 takeover;
	int		 keep;		/* raw: no half-close after */
};

static const char usage_text[] =
"usage: tdrive read NAME --out FILE [--state FILE]\n"
"           [--max BYTES | --drops OFFSET,...] [--takeover] [--hold BYTES]\n"
"           [--send TEXT] [--wait FILE [--ready FILE]] [--attached FILE]\n"
"           [--signal FILE] [--linger FILE] [--freeze PID] [--thaw PID]\n"
"       tdrive input NAME --state FILE --data FILE [--max BYTES]\n"
"           [--chunk BYTES] [--cut BYTES] [--resend welcome|acked]\n"
"       tdrive encode hello [HELLO-OPTIONS]\n"
"       tdrive encode input OFFSET TEXT | data TYPE OFFSET TEXT\n"
"       tdrive encode ack OFFSET | ping VALUE | u64 TYPE VALUE\n"
"       tdrive encode detach | resize ROWS COLS\n"
"       tdrive raw NAME [--split BYTES] [--pause MS] [--keep]\n"
"       tdrive hello NAME [HELLO-OPTIONS] [--split BYTES] [--pause MS]\n"
"       tdrive fakehost NAME [--major N] [--reply welcome|error]\n"
"HELLO-OPTIONS: --mode attach|info|kill|N --major N --minor N --flags N\n"
"           --magic XXXX --instance N --shown N --rows N --cols N\n";

/* Fail with one line on stderr. */
static void __attribute__((format(printf, 1, 2), noreturn))
die(const char *fmt, ...)
{
	va_list	 ap;

	fflush(stdout);
	fputs("tdrive: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* A usage error: one line saying what is wrong, then exit 2. */
static void __attribute__((noreturn))
usage(const char *what, const char *arg)
{
	fprintf(stderr, "tdrive: %s%s%s; see tdrive --help\n", what,
	    arg != NULL ? ": " : "", arg != NULL ? arg : "");
	exit(2);
}

/* Milliseconds on the monotonic clock. */
static uint64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Parse an unsigned number (decimal, or 0x hex) strictly. */
static uint64_t
parse_u64(const char *s, const char *what)
{
	unsigned long long	 v;
	char			*end, msg[64];

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-') {
		snprintf(msg, sizeof msg, "not a number for %s", what);
		usage(msg, s);
	}
	return v;
}

/* Parse a number that must fit in max. */
static uint64_t
parse_max(const char *s, const char *what, uint64_t max)
{
	uint64_t	 v = parse_u64(s, what);

	if (v > max)
		usage("out of range", s);
	return v;
}

/* Write all of len bytes to a blocking or non-blocking fd. */
static int
write_all(int fd, const void *data, size_t len)
{
	const uint8_t	*p = data;
	struct pollfd	 pfd;
	ssize_t		 n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, DRV_WAIT_MS) <= 0)
				return -1;
			continue;
		}
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Create an empty file (a signal to another process). */
static void
touch(const char *path)
{
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) == -1)
		die("%s: %s", path, strerror(errno));
	close(fd);
}

/*
 * Wait until path exists. Polled every millisecond, so that a driver
 * started in advance reconnects within about a millisecond of its cue.
 */
static void
wait_file(const char *path)
{
	uint64_t	 deadline = now_ms() + 2 * DRV_WAIT_MS;

	while (access(path, F_OK) == -1) {
		if (errno != ENOENT)
			die("%s: %s", path, strerror(errno));
		if (now_ms() > deadline)
			die("%s did not appear in %d s", path,
			    2 * DRV_WAIT_MS / 1000);
		usleep(1000);
	}
}

/* The name of a WELCOME's resume kind. */
static const char *
resume_name(uint8_t kind)
{
	switch (kind) {
	case RESUME_EXACT:
		return "exact";
	case RESUME_FRESH:
		return "fresh";
	case RESUME_BEHIND:
		return "behind";
	}
	return "unknown";
}

/* Make text from the wire safe to print on one line. */
static void
print_safe(const char *prefix, const char *text)
{
	const unsigned char	*p;

	fputs(prefix, stdout);
	for (p = (const unsigned char *)text; *p != '\0'; p++)
		putchar(*p < 0x20 || *p >= 0x7f ? '?' : *p);
	putchar('\n');
}

/* ------------------------------------------------------------ connection */

/* Connect to session name in the socket directory. */
static int
drv_connect(const char *name)
{
	char	 dir[512], why[512];
	int	 fd;

	if (sock_dir(dir, sizeof dir, why, sizeof why) == -1)
		die("%s", why);
	if ((fd = sock_connect(dir, name)) == -1)
		die("cannot connect to session %s: %s", name, strerror(errno));
	compat_set_nonblock(fd, 1);
	return fd;
}

/* Start a fresh stream on d (buffers emptied, nothing received yet). */
static void
drv_open(struct drv *d)
{
	d->fd = drv_connect(d->name);
	d->wdead = 0;
	buf_reset(&d->in);
	buf_reset(&d->out);
}

/*
 * One round of I/O: wait up to ms for the socket, write what is queued,
 * read what has arrived. Returns 1 if anything happened, 0 on timeout, -1
 * once the host has closed the stream.
 */
static int
drv_io(struct drv *d, int ms)
{
	struct pollfd	 pfd;
	uint8_t		*p;
	ssize_t		 n;

	pfd.fd = d->fd;
	pfd.events = POLLIN;
	if (buf_len(&d->out) > 0 && !d->wdead)
		pfd.events |= POLLOUT;
	if ((n = poll(&pfd, 1, ms)) <= 0) {
		if (n == -1 && errno != EINTR)
			die("poll: %s", strerror(errno));
		return 0;
	}
	if (pfd.revents & POLLOUT) {
		n = write(d->fd, buf_ptr(&d->out), buf_len(&d->out));
		if (n > 0)
			buf_consume(&d->out, (size_t)n);
		else if (n == -1 && errno != EINTR && errno != EAGAIN) {
			/* The host may have closed after its last frames. */
			d->wdead = 1;
			buf_reset(&d->out);
		}
	}
	if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
		return 1;
	if (buf_reserve(&d->in, 64 * 1024, &p) != 0)
		die("a frame from the host is larger than the protocol allows");
	n = read(d->fd, p, 64 * 1024);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (n <= 0)
		return -1;
	buf_commit(&d->in, (size_t)n);
	return 1;
}

/* Write everything queued, reading meanwhile; -1 if the host closed. */
static int
drv_flush(struct drv *d)
{
	uint64_t	 deadline = now_ms() + DRV_WAIT_MS;

	while (buf_len(&d->out) > 0) {
		if (drv_io(d, 1000) == -1 || d->wdead)
			return -1;
		if (now_ms() > deadline)
			die("session %s does not read its socket", d->name);
	}
	return 0;
}

/*
 * Wait for the next complete frame: 1 with it (consume size bytes of d->in
 * afterwards), -1 when the host closed the stream first.
 */
static int
drv_next(struct drv *d, uint8_t *type, struct reader *body, size_t *size)
{
	uint64_t	 deadline = now_ms() + DRV_WAIT_MS;
	int		 e;

	for (;;) {
		if ((e = proto_frame(&d->in, type, body, size)) == 1)
			return 1;
		if (e < 0)
			die("the host sent a frame of invalid length");
		if (drv_io(d, 1000) == -1)
			return -1;
		if (now_ms() > deadline)
			die("nothing from session %s for %d s at output offset "
			    "%llu", d->name, DRV_WAIT_MS / 1000,
			    (unsigned long long)d->shown);
	}
}

/* Die with the text of an ERROR or DETACH frame. */
static void __attribute__((noreturn))
drv_refused(struct drv *d, uint8_t type, struct reader *r)
{
	char	 text[PROTO_TEXT_MAX];
	uint8_t	 code;

	if (proto_get_text(r, &code, text, sizeof text) != 0)
		die("malformed %s from session %s", proto_type_name(type),
		    d->name);
	die("%s from session %s: code %u: %s", proto_type_name(type),
	    d->name, code, text);
}

/* Say HELLO (ATTACH, resuming from what d has) and take the WELCOME. */
static void
drv_hello(struct drv *d, struct msg_welcome *w)
{
	struct msg_hello	 h;
	struct reader		 r;
	uint8_t			 type;
	size_t			 size;

	memset(&h, 0, sizeof h);
	h.major = PROTO_MAJOR;
	/*
	 * Without HELLO_SCREEN, a fresh attach gets the raw tail of the
	 * output, not a repaint, so that what the drivers record is bytes.
	 */
	h.minor = PROTO_MINOR;
	h.mode = HELLO_ATTACH;
	h.instance = d->instance;
	h.shown = d->shown;
	h.rows = 24;
	h.cols = 80;
	if (proto_put_hello(&d->out, &h) != 0)
		die("cannot encode HELLO");
	/* If the host hung up at once, its ERROR may still be there to read. */
	drv_flush(d);
	if (drv_next(d, &type, &r, &size) == -1)
		die("session %s closed the connection before WELCOME",
		    d->name);
	if (type == MSG_ERROR)
		drv_refused(d, type, &r);
	if (type != MSG_WELCOME || proto_get_welcome(&r, w) != 0)
		die("session %s answered HELLO with a bad %s", d->name,
		    proto_type_name(type));
	buf_consume(&d->in, size);
	printf("welcome resume=%s out_start=%llu skipped=%llu in_next=%llu\n",
	    resume_name(w->resume), (unsigned long long)w->out_start,
	    (unsigned long long)w->skipped, (unsigned long long)w->in_next);
}

/*
 * Attach on a new stream. Resuming (d has an instance), the session must be
 * the same instance and, if exact is set, continue at the very byte this
 * driver recorded last.
 */
static void
drv_attach(struct drv *d, struct msg_welcome *w, int exact)
{
	drv_open(d);
	drv_hello(d, w);
	if (d->instance == 0) {
		d->instance = w->instance;
		d->base = d->shown = w->out_start;
		d->in_base = d->in_sent = d->in_acked = w->in_next;
	} else if (w->instance != d->instance)
		die("session %s is not the instance this driver had", d->name);
	else if (exact && (w->resume != RESUME_EXACT ||
	    w->out_start != d->shown || w->skipped != 0))
		die("resume not exact: session %s resumed %s at %llu (skipped "
		    "%llu), this driver has recorded up to %llu", d->name,
		    resume_name(w->resume), (unsigned long long)w->out_start,
		    (unsigned long long)w->skipped,
		    (unsigned long long)d->shown);
	d->recv = d->acked = w->out_start;
}

/* ------------------------------------------------------------ state file */

/* Load the offsets saved by an earlier run; 0 if there is no file. */
static int
state_load(struct drv *d, const char *path)
{
	FILE			*f;
	char			 line[128], key[32];
	unsigned long long	 v;
	uint64_t		*field;

	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		die("%s: %s", path, strerror(errno));
	}
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%31s %llu", key, &v) != 2)
			die("%s: bad line: %s", path, line);
		if (strcmp(key, "instance") == 0)
			field = &d->instance;
		else if (strcmp(key, "base") == 0)
			field = &d->base;
		else if (strcmp(key, "shown") == 0)
			field = &d->shown;
		else if (strcmp(key, "in_base") == 0)
			field = &d->in_base;
		else if (strcmp(key, "in_sent") == 0)
			field = &d->in_sent;
		else if (strcmp(key, "in_acked") == 0)
			field = &d->in_acked;
		else
			die("%s: unknown key %s", path, key);
		*field = v;
	}
	fclose(f);
	if (d->instance == 0 || d->shown < d->base ||
	    d->in_acked < d->in_base || d->in_sent < d->in_acked)
		die("%s: inconsistent offsets", path);
	return 1;
}

/* Save the offsets atomically (a new file, then rename). */
static void
state_save(struct drv *d, const char *path)
{
	char	 tmp[PATH_MAX];
	FILE	*f;

	if (path == NULL)
		return;
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL)
		die("%s: %s", tmp, strerror(errno));
	fprintf(f, "instance %llu\nbase %llu\nshown %llu\n"
	    "in_base %llu\nin_sent %llu\nin_acked %llu\n",
	    (unsigned long long)d->instance, (unsigned long long)d->base,
	    (unsigned long long)d->shown, (unsigned long long)d->in_base,
	    (unsigned long long)d->in_sent, (unsigned long long)d->in_acked);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		die("%s: %s", path, strerror(errno));
}

/* ------------------------------------------------------------ read */

/*
 * Handle one frame while reading output: record OUTPUT up to stop (the
 * rest of a frame that crosses stop is dropped with the connection).
 */
static void
read_frame(struct drv *d, int outfd, uint64_t stop, uint8_t type,
    struct reader *r)
{
	const uint8_t	*data;
	uint64_t	 off, from, to;
	size_t		 len;

	switch (type) {
	case MSG_OUTPUT:
		if (proto_get_data(r, &off, &data, &len) != 0 || off != d->recv)
			die("OUTPUT at %llu, expected %llu",
			    (unsigned long long)off,
			    (unsigned long long)d->recv);
		d->recv += len;
		if (len > stop - d->shown)
			len = (size_t)(stop - d->shown);
		if (write_all(outfd, data, len) == -1)
			die("cannot write the output file: %s",
			    strerror(errno));
		d->shown += len;
		return;
	case MSG_SKIP:
		if (proto_get_skip(r, &from, &to) != 0)
			die("malformed SKIP");
		die("session %s skipped output [%llu, %llu): %llu bytes lost",
		    d->name, (unsigned long long)from,
		    (unsigned long long)to, (unsigned long long)(to - from));
	case MSG_EXIT:
		if (proto_get_exit(r, &d->exit_how, &d->exit_value) != 0)
			die("malformed EXIT");
		d->exited = 1;
		return;
	case MSG_INPUT_ACK:
		if (proto_get_u64(r, &off) != 0 || off > d->in_sent)
			die("bad INPUT_ACK");
		d->in_acked = off;
		return;
	case MSG_PING:
		if (proto_get_u64(r, &off) != 0 ||
		    proto_put_u64(&d->out, MSG_PONG, off) != 0)
			die("bad PING");
		return;
	case MSG_PONG:
		return;
	case MSG_ERROR:
	case MSG_DETACH:
		drv_refused(d, type, r);
	}
	die("unexpected %s (type %u) from session %s", proto_type_name(type),
	    type, d->name);
}

/* Acknowledge what was recorded, never beyond the ack limit. */
static void
read_ack(struct drv *d)
{
	uint64_t	 v = d->shown < d->ack_limit ? d->shown : d->ack_limit;

	if (v > d->acked && proto_put_u64(&d->out, MSG_ACK, v) == 0)
		d->acked = v;
}

/*
 * Read and record output until offset stop or the program's exit. With a
 * hold, output is acknowledged only up to stop - hold: the host, which
 * reads at most a ring's worth beyond the last acknowledgement, then has
 * nothing at stop that it has not delivered, and the whole ring is left to
 * absorb what the program writes until the next connection.
 */
static void
read_until(struct drv *d, int outfd, uint64_t stop, uint64_t hold)
{
	struct reader	 r;
	uint8_t		 type;
	size_t		 size;

	d->ack_limit = stop > hold ? stop - hold : 0;
	while (d->shown < stop && !d->exited) {
		if (drv_next(d, &type, &r, &size) == -1)
			die("session %s closed the connection at output offset "
			    "%llu", d->name, (unsigned long long)d->shown);
		read_frame(d, outfd, stop, type, &r);
		buf_consume(&d->in, size);
		/* Acknowledge once per batch of frames, as the client does. */
		if (proto_frame(&d->in, &type, &r, &size) != 1)
			read_ack(d);
	}
}

/* Parse --drops: increasing absolute output offsets. */
static size_t
read_drops(const char *list, uint64_t *drops)
{
	char	*copy, *p, *tok, *save;
	size_t	 n = 0;

	if (list == NULL)
		return 0;
	if ((copy = strdup(list)) == NULL)
		die("out of memory");
	for (p = copy; (tok = strtok_r(p, ",", &save)) != NULL; p = NULL) {
		if (n == DRV_MAX_DROPS)
			usage("too many drops", list);
		drops[n] = parse_u64(tok, "--drops");
		if (n > 0 && drops[n] <= drops[n - 1])
			usage("drop offsets must increase", list);
		n++;
	}
	free(copy);
	return n;
}

/*
 * Drop the connection abruptly (no DETACH, unread output left behind) and
 * resume on a new one. With takeover, the new connection attaches before
 * the old one is closed, so there is no moment without an attached client.
 */
static void
read_reconnect(struct drv *d, int takeover)
{
	struct msg_welcome	 w;
	int			 old = d->fd;

	if (!takeover)
		close(old);
	drv_attach(d, &w, 1);
	if (takeover)
		close(old);
}

/*
 * The end of a run: the connection is closed abruptly (no DETACH, whatever
 * is in flight is lost) and the next driver is signalled, in one of two
 * orders. Plainly, the connection is closed first: the next driver finds no
 * client attached, and the program is not paced until it attaches. With
 * linger, the connection first falls silent (no reading, no ACK), as a link
 * that died without the host noticing; the host holds output for a silent
 * client for its stall timeout, and the next driver takes over before the
 * silent connection is closed. With freeze, the program is stopped first
 * (the next driver continues it), so that it cannot write while no client
 * is attached.
 */
static void
read_drop(struct drv *d, struct opts *o)
{
	if (o->freeze != 0 && kill((pid_t)o->freeze, SIGSTOP) == -1)
		die("cannot stop process %llu: %s",
		    (unsigned long long)o->freeze, strerror(errno));
	if (o->linger == NULL)
		close(d->fd);
	if (o->signal != NULL)
		touch(o->signal);
	if (o->linger != NULL) {
		wait_file(o->linger);
		close(d->fd);
	}
}

/* Open the output record: empty for a fresh start, else as long as shown. */
static int
read_open_out(struct drv *d, const char *path, int resuming)
{
	struct stat	 sb;
	int		 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0644)) == -1 || fstat(fd, &sb) == -1)
		die("%s: %s", path, strerror(errno));
	if (resuming && (uint64_t)sb.st_size != d->shown - d->base)
		die("%s has %lld bytes but the state says %llu", path,
		    (long long)sb.st_size,
		    (unsigned long long)(d->shown - d->base));
	if (!resuming && sb.st_size != 0)
		die("%s is not empty, but there is no state to resume", path);
	return fd;
}

/* tdrive read: record a session's output across abrupt drops. */
static int
cmd_read(const char *name, struct opts *o)
{
	struct msg_welcome	 w;
	struct drv		 d;
	uint64_t		 drops[DRV_MAX_DROPS], stop;
	size_t			 ndrops, i;
	int			 outfd, resuming = 0;

	if (o->out == NULL)
		usage("read needs --out", NULL);
	if (o->max != 0 && o->drops != NULL)
		usage("--max and --drops exclude each other", NULL);
	ndrops = read_drops(o->drops, drops);
	if (o->wait != NULL) {
		if (o->ready != NULL)
			touch(o->ready);
		wait_file(o->wait);
	}
	memset(&d, 0, sizeof d);
	d.name = name;
	buf_init(&d.in, DRV_IN_MAX);
	buf_init(&d.out, DRV_OUT_MAX);
	if (o->state != NULL)
		resuming = state_load(&d, o->state);
	outfd = read_open_out(&d, o->out, resuming);
	drv_attach(&d, &w, 1);
	if (o->attached != NULL)
		touch(o->attached);
	if (o->thaw != 0 && kill((pid_t)o->thaw, SIGCONT) == -1)
		die("cannot continue process %llu: %s",
		    (unsigned long long)o->thaw, strerror(errno));
	if (o->send != NULL) {
		if (proto_put_data(&d.out, MSG_INPUT, w.in_next, o->send,
		    strlen(o->send)) != 0 || drv_flush(&d) == -1)
			die("cannot send input to session %s", name);
		d.in_sent = w.in_next + strlen(o->send);
	}
	for (i = 0; i < ndrops; i++) {
		if (drops[i] <= d.shown)
			usage("a drop offset is not ahead of the output", NULL);
		read_until(&d, outfd, drops[i], o->hold);
		if (d.exited)
			die("the program exited at %llu, before drop %zu at "
			    "%llu", (unsigned long long)d.shown, i + 1,
			    (unsigned long long)drops[i]);
		read_reconnect(&d, o->takeover);
	}
	stop = o->max != 0 ? d.shown + o->max : UINT64_MAX;
	read_until(&d, outfd, stop, o->max != 0 ? o->hold : 0);
	if (close(outfd) != 0)
		die("%s: %s", o->out, strerror(errno));
	state_save(&d, o->state);
	read_drop(&d, o);
	if (d.exited) {
		printf("exit %s %u at %llu\n", d.exit_how == EXIT_SIGNAL ?
		    "signal" : "code", d.exit_value,
		    (unsigned long long)d.shown);
		if (o->max != 0)
			die("the program exited at %llu, before %llu",
			    (unsigned long long)d.shown,
			    (unsigned long long)stop);
	} else
		printf("stopped at %llu\n", (unsigned long long)d.shown);
	buf_free(&d.in);
	buf_free(&d.out);
	return 0;
}

/* ------------------------------------------------------------ input */

/* Read a whole file into memory. */
static uint8_t *
slurp(const char *path, size_t *len)
{
	struct stat	 sb;
	uint8_t		*p;
	ssize_t		 n;
	size_t		 got = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) == -1)
		die("%s: %s", path, strerror(errno));
	if ((p = malloc((size_t)sb.st_size + 1)) == NULL)
		die("out of memory");
	while (got < (size_t)sb.st_size) {
		n = read(fd, p + got, (size_t)sb.st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			die("%s: short read", path);
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return p;
}

/* Handle frames while sending input: INPUT_ACKs, and output to ignore. */
static void
input_frames(struct drv *d)
{
	struct reader	 r;
	const uint8_t	*data;
	uint64_t	 off;
	size_t		 size, len;
	uint8_t		 type;

	while (proto_frame(&d->in, &type, &r, &size) == 1) {
		if (type == MSG_INPUT_ACK) {
			if (proto_get_u64(&r, &off) != 0 || off > d->in_sent ||
			    off < d->in_acked)
				die("INPUT_ACK %llu outside [%llu, %llu]",
				    (unsigned long long)off,
				    (unsigned long long)d->in_acked,
				    (unsigned long long)d->in_sent);
			d->in_acked = off;
		} else if (type == MSG_OUTPUT) {
			if (proto_get_data(&r, &off, &data, &len) != 0)
				die("malformed OUTPUT");
			d->shown = off + len;
			proto_put_u64(&d->out, MSG_ACK, d->shown);
		} else if (type == MSG_ERROR || type == MSG_DETACH)
			drv_refused(d, type, &r);
		else if (type != MSG_PONG && type != MSG_SKIP)
			die("unexpected %s from session %s",
			    proto_type_name(type), d->name);
		buf_consume(&d->in, size);
	}
}

/* Queue INPUT frames for data [from, end) (input offsets), chunk bytes each. */
static void
input_send(struct drv *d, const uint8_t *data, uint64_t from, uint64_t end,
    size_t chunk)
{
	size_t	 n;

	while (from < end) {
		n = end - from < chunk ? (size_t)(end - from) : chunk;
		if (proto_put_data(&d->out, MSG_INPUT, from,
		    data + (from - d->in_base), n) != 0)
			die("cannot encode INPUT");
		from += n;
		if (from > d->in_sent)
			d->in_sent = from;
		while (buf_len(&d->out) > 256 * 1024) {
			if (drv_io(d, DRV_WAIT_MS) == -1)
				die("session %s closed the connection while "
				    "taking input", d->name);
			input_frames(d);
		}
	}
	if (drv_flush(d) == -1)
		die("session %s closed the connection while taking input",
		    d->name);
}

/*
 * Where to resend from after a reconnect: WELCOME.in_next, or this driver's
 * last acknowledged offset (so that the host must drop a duplicate prefix).
 * Either way in_next must lie between what was acknowledged and what was
 * sent.
 */
static uint64_t
input_resend_from(struct drv *d, const struct msg_welcome *w,
    const char *how)
{
	if (w->in_next < d->in_acked || w->in_next > d->in_sent)
		die("WELCOME.in_next %llu is outside [%llu, %llu]",
		    (unsigned long long)w->in_next,
		    (unsigned long long)d->in_acked,
		    (unsigned long long)d->in_sent);
	if (how == NULL || strcmp(how, "welcome") == 0)
		return w->in_next;
	if (strcmp(how, "acked") == 0)
		return d->in_acked;
	usage("--resend must be welcome or acked", how);
}

/* Write the first cut bytes of one more INPUT frame, and nothing else. */
static void
input_cut(struct drv *d, const uint8_t *data, uint64_t at, uint64_t end,
    size_t cut)
{
	struct buf	 f;
	size_t		 n = end - at < PROTO_CHUNK ? (size_t)(end - at) :
			    PROTO_CHUNK;

	buf_init(&f, PROTO_MAX_FRAME + 4);
	if (proto_put_data(&f, MSG_INPUT, at, data + (at - d->in_base),
	    n) != 0)
		die("cannot encode INPUT");
	if (cut >= buf_len(&f))
		usage("--cut must be shorter than a frame", NULL);
	if (write_all(d->fd, buf_ptr(&f), cut) == -1)
		die("cannot write to session %s", d->name);
	buf_free(&f);
}

/*
 * tdrive input: send a file's bytes as input. With --max, stop after that
 * many bytes of the file (optionally with a cut frame after them) and drop
 * the connection without waiting for INPUT_ACK; else send to the end and
 * wait until the host has acknowledged every byte.
 */
static int
cmd_input(const char *name, struct opts *o)
{
	struct msg_welcome	 w;
	struct drv		 d;
	uint8_t			*data;
	uint64_t		 from, end;
	size_t			 len;

	if (o->state == NULL || o->data == NULL)
		usage("input needs --state and --data", NULL);
	memset(&d, 0, sizeof d);
	d.name = name;
	buf_init(&d.in, DRV_IN_MAX);
	buf_init(&d.out, DRV_OUT_MAX);
	data = slurp(o->data, &len);
	state_load(&d, o->state);
	drv_attach(&d, &w, 0);
	from = input_resend_from(&d, &w, o->resend);
	end = d.in_base + (o->max != 0 && o->max < len ? o->max : len);
	if (from > end)
		usage("--max is behind what was already sent", NULL);
	input_send(&d, data, from, end, o->chunk != 0 ? o->chunk : 4093);
	printf("sent %llu..%llu\n", (unsigned long long)from,
	    (unsigned long long)end);
	if (o->cut != 0) {
		if (end == d.in_base + len)
			usage("--cut needs input left after --max", NULL);
		input_cut(&d, data, end, d.in_base + len, o->cut);
	}
	input_frames(&d);
	while (o->max == 0 && d.in_acked < end) {
		if (drv_io(&d, DRV_WAIT_MS) <= 0)
			die("session %s acknowledged input only up to %llu of "
			    "%llu", name, (unsigned long long)d.in_acked,
			    (unsigned long long)end);
		input_frames(&d);
	}
	state_save(&d, o->state);
	printf("acked %llu\n", (unsigned long long)d.in_acked);
	if (o->max == 0) {
		proto_put_text(&d.out, MSG_DETACH, DETACH_USER, "");
		drv_flush(&d);
	}
	close(d.fd);
	free(data);
	buf_free(&d.in);
	buf_free(&d.out);
	return 0;
}

/* ------------------------------------------------------------ raw bytes */

/*
 * Encode a HELLO from the options; another major or magic is patched into
 * the encoded bytes (u32 length, u8 type, then magic and major).
 */
static void
encode_hello(struct buf *b, struct opts *o)
{
	struct msg_hello	 h;
	uint8_t			*p;
	size_t			 at = buf_len(b);

	memset(&h, 0, sizeof h);
	h.mode = o->mode;
	h.flags = (uint32_t)o->flags;
	h.instance = o->instance;
	h.shown = o->shown;
	h.rows = (uint16_t)o->rows;
	h.cols = (uint16_t)o->cols;
	if (proto_put_hello(b, &h) != 0)
		die("cannot encode HELLO");
	p = b->data + b->off + at;	/* the frame just encoded */
	if (o->magic != NULL) {
		if (strlen(o->magic) != 4)
			usage("--magic needs 4 characters", o->magic);
		memcpy(p + 5, o->magic, 4);
	}
	p[9] = (uint8_t)(o->major >> 8);
	p[10] = (uint8_t)o->major;
	p[11] = (uint8_t)(o->minor >> 8);
	p[12] = (uint8_t)o->minor;
}

/* Print a frame from a peer as one line. */
static void
print_frame(uint8_t type, struct reader *r)
{
	struct msg_welcome	 w;
	struct msg_info		 info;
	const uint8_t		*data;
	char			 text[PROTO_TEXT_MAX], line[64];
	uint64_t		 a, b;
	uint32_t		 v;
	uint8_t			 code;
	size_t			 len;
	int			 e = 0;

	switch (type) {
	case MSG_ERROR:
	case MSG_DETACH:
		if ((e = proto_get_text(r, &code, text, sizeof text)) == 0) {
			snprintf(line, sizeof line, "%s code=%u ",
			    proto_type_name(type), code);
			print_safe(line, text);
		}
		break;
	case MSG_WELCOME:
		if ((e = proto_get_welcome(r, &w)) == 0)
			printf("WELCOME resume=%u out_start=%llu skipped=%llu "
			    "in_next=%llu\n", w.resume,
			    (unsigned long long)w.out_start,
			    (unsigned long long)w.skipped,
			    (unsigned long long)w.in_next);
		break;
	case MSG_INFO:
		if ((e = proto_get_info(r, &info)) == 0)
			print_safe("INFO name=", info.name);
		break;
	case MSG_OUTPUT:
		if ((e = proto_get_data(r, &a, &data, &len)) == 0)
			printf("OUTPUT off=%llu len=%zu\n",
			    (unsigned long long)a, len);
		break;
	case MSG_INPUT_ACK:
	case MSG_PING:
	case MSG_PONG:
		if ((e = proto_get_u64(r, &a)) == 0)
			printf("%s %llu\n", proto_type_name(type),
			    (unsigned long long)a);
		break;
	case MSG_EXIT:
		if ((e = proto_get_exit(r, &code, &v)) == 0)
			printf("EXIT how=%u value=%u\n", code, v);
		break;
	case MSG_SKIP:
		if ((e = proto_get_skip(r, &a, &b)) == 0)
			printf("SKIP %llu %llu\n", (unsigned long long)a,
			    (unsigned long long)b);
		break;
	case MSG_SCREEN:
		if ((e = proto_get_data(r, &a, &data, &len)) == 0)
			printf("SCREEN len=%zu left=%llu\n", len,
			    (unsigned long long)a);
		break;
	default:
		printf("FRAME type=%u len=%zu\n", type, r->left);
	}
	if (e != 0)
		printf("MALFORMED %s\n", proto_type_name(type));
}

/* Print every frame until the peer closes; -1 on a bad frame or timeout. */
static int
print_replies(int fd)
{
	struct drv	 d;
	struct reader	 r;
	uint8_t		 type;
	size_t		 size;
	int		 e, ret = 0;

	memset(&d, 0, sizeof d);
	d.name = "peer";
	d.fd = fd;
	buf_init(&d.in, DRV_IN_MAX);
	buf_init(&d.out, 0);
	for (;;) {
		if ((e = proto_frame(&d.in, &type, &r, &size)) == 1) {
			print_frame(type, &r);
			buf_consume(&d.in, size);
			continue;
		}
		if (e < 0) {
			printf("BADFRAME\n");
			ret = -1;
			break;
		}
		if ((e = drv_io(&d, DRV_WAIT_MS)) == -1) {
			printf(buf_len(&d.in) > 0 ? "EOF after %zu bytes of a "
			    "partial frame\n" : "EOF\n", buf_len(&d.in));
			break;
		}
		if (e == 0) {
			printf("TIMEOUT\n");
			ret = -1;
			break;
		}
	}
	buf_free(&d.in);
	buf_free(&d.out);
	return ret;
}

/*
 * Send bytes to a session, in pieces of split bytes with a pause between
 * them if asked, then half-close (unless keep) and print what comes back
 * until EOF. The host may close early: what could not be written is said.
 */
static int
send_and_print(const char *name, const uint8_t *p, size_t len,
    struct opts *o)
{
	size_t	 piece = o->split != 0 ? o->split : len, n, sent = 0;
	int	 fd = drv_connect(name);

	while (sent < len) {
		n = len - sent < piece ? len - sent : piece;
		if (write_all(fd, p + sent, n) == -1) {
			printf("WRITE FAILED after %zu bytes: %s\n", sent,
			    strerror(errno));
			break;
		}
		sent += n;
		if (o->pause != 0 && sent < len)
			usleep((useconds_t)o->pause * 1000);
	}
	if (sent == len && !o->keep)
		shutdown(fd, SHUT_WR);
	return print_replies(fd) == -1 ? 1 : 0;
}

/* tdrive raw: stdin's bytes to the session, replies to stdout. */
static int
cmd_raw(const char *name, struct opts *o)
{
	struct buf	 b;
	uint8_t		*p;
	ssize_t		 n;
	int		 r;

	buf_init(&b, DRV_RAW_MAX);
	for (;;) {
		if (buf_reserve(&b, 64 * 1024, &p) != 0)
			die("more than %d bytes on stdin", DRV_RAW_MAX);
		if ((n = read(STDIN_FILENO, p, 64 * 1024)) == -1 &&
		    errno == EINTR)
			continue;
		if (n == -1)
			die("stdin: %s", strerror(errno));
		if (n == 0)
			break;
		buf_commit(&b, (size_t)n);
	}
	r = send_and_print(name, buf_ptr(&b), buf_len(&b), o);
	buf_free(&b);
	return r;
}

/* tdrive hello: one HELLO (possibly of another version), replies printed. */
static int
cmd_hello(const char *name, struct opts *o)
{
	struct buf	 b;
	int		 r;

	buf_init(&b, 4096);
	encode_hello(&b, o);
	r = send_and_print(name, buf_ptr(&b), buf_len(&b), o);
	buf_free(&b);
	return r;
}

/* A message type from the command line. */
static uint8_t
parse_type(const char *s)
{
	return (uint8_t)parse_max(s, "type", UINT8_MAX);
}

/* tdrive encode: the bytes of one frame on stdout. */
static int
cmd_encode(int argc, char **argv, struct opts *o)
{
	struct buf	 b;
	const char	*kind = argv[0];
	int		 e = 0;

	buf_init(&b, PROTO_MAX_FRAME + 4);
	if (strcmp(kind, "hello") == 0 && argc == 1)
		encode_hello(&b, o);
	else if (strcmp(kind, "input") == 0 && argc == 3)
		e = proto_put_data(&b, MSG_INPUT, parse_u64(argv[1], "offset"),
		    argv[2], strlen(argv[2]));
	else if (strcmp(kind, "data") == 0 && argc == 4)
		e = proto_put_data(&b, parse_type(argv[1]),
		    parse_u64(argv[2], "offset"), argv[3], strlen(argv[3]));
	else if (strcmp(kind, "ack") == 0 && argc == 2)
		e = proto_put_u64(&b, MSG_ACK, parse_u64(argv[1], "offset"));
	else if (strcmp(kind, "ping") == 0 && argc == 2)
		e = proto_put_u64(&b, MSG_PING, parse_u64(argv[1], "value"));
	else if (strcmp(kind, "u64") == 0 && argc == 3)
		e = proto_put_u64(&b, parse_type(argv[1]),
		    parse_u64(argv[2], "value"));
	else if (strcmp(kind, "detach") == 0 && argc == 1)
		e = proto_put_text(&b, MSG_DETACH, DETACH_USER, "");
	else if (strcmp(kind, "resize") == 0 && argc == 3)
		e = proto_put_resize(&b,
		    (uint16_t)parse_max(argv[1], "rows", UINT16_MAX),
		    (uint16_t)parse_max(argv[2], "cols", UINT16_MAX));
	else
		usage("unknown frame to encode, or wrong arguments", kind);
	if (e != 0)
		die("cannot encode %s", kind);
	if (write_all(STDOUT_FILENO, buf_ptr(&b), buf_len(&b)) == -1)
		die("stdout: %s", strerror(errno));
	buf_free(&b);
	return 0;
}

/* ------------------------------------------------------------ fake host */

/* Answer a client's HELLO as a host of another protocol version would. */
static void
fakehost_reply(struct buf *out, struct opts *o, const char *name)
{
	struct msg_welcome	 w;
	char			 text[256];
	uint16_t		 major = (uint16_t)o->major;
	size_t			 at = buf_len(out);

	if (o->reply != NULL && strcmp(o->reply, "error") == 0) {
		snprintf(text, sizeof text, "protocol version mismatch: this "
		    "session speaks version %u, the client speaks version %d; "
		    "use matching tether versions", major, PROTO_MAJOR);
		proto_put_text(out, MSG_ERROR, ERR_VERSION, text);
		return;
	}
	if (o->reply != NULL && strcmp(o->reply, "welcome") != 0)
		usage("--reply must be welcome or error", o->reply);
	memset(&w, 0, sizeof w);
	w.resume = RESUME_FRESH;
	w.instance = 1;
	w.rows = 24;
	w.cols = 80;
	snprintf(w.name, sizeof w.name, "%s", name);
	if (proto_put_welcome(out, &w) != 0)
		die("cannot encode WELCOME");
	/* Patch the major: u32 length, u8 type, 4 bytes of magic, u16 major. */
	out->data[out->off + at + 9] = (uint8_t)(major >> 8);
	out->data[out->off + at + 10] = (uint8_t)major;
}

/*
 * tdrive fakehost: listen as session name, take one client's HELLO, print
 * it, answer as a host of protocol version --major, and wait until the
 * client hangs up.
 */
static int
cmd_fakehost(const char *name, struct opts *o)
{
	struct msg_hello	 h;
	struct pollfd		 pfd;
	struct reader		 r;
	struct drv		 d;
	char			 dir[512], why[512];
	uint8_t			 type;
	size_t			 size;
	int			 lfd, e;

	if (sock_dir(dir, sizeof dir, why, sizeof why) == -1)
		die("%s", why);
	if ((lfd = sock_listen(dir, name, why, sizeof why)) == -1)
		die("%s", why);
	pfd.fd = lfd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, DRV_WAIT_MS) <= 0) {
		sock_unlink(dir, name);
		die("no client came to %s/%s", dir, name);
	}
	memset(&d, 0, sizeof d);
	d.name = "client";
	if ((d.fd = accept(lfd, NULL, NULL)) == -1)
		die("accept: %s", strerror(errno));
	sock_unlink(dir, name);
	close(lfd);
	compat_set_nonblock(d.fd, 1);
	buf_init(&d.in, DRV_IN_MAX);
	buf_init(&d.out, 64 * 1024);
	if (drv_next(&d, &type, &r, &size) == -1 || type != MSG_HELLO)
		die("the client did not send HELLO");
	e = proto_get_hello(&r, &h);
	printf("HELLO major=%u minor=%u mode=%u flags=%u%s\n", h.major,
	    h.minor, h.mode, h.flags, e == 0 ? "" : " (malformed)");
	buf_consume(&d.in, size);
	fakehost_reply(&d.out, o, name);
	if (drv_flush(&d) == -1)
		die("the client hung up before the answer");
	while ((e = drv_io(&d, DRV_WAIT_MS)) == 1)
		buf_reset(&d.in);
	if (e == 0)
		die("the client did not hang up");
	printf("EOF\n");
	close(d.fd);
	buf_free(&d.in);
	buf_free(&d.out);
	return 0;
}

/* ------------------------------------------------------------ main */

/* The options that take a string or a number, and where each goes. */
static const struct {
	const char	*name;
	size_t		 off;
	int		 number;
} opt_table[] = {
	{ "--state", offsetof(struct opts, state), 0 },
	{ "--out", offsetof(struct opts, out), 0 },
	{ "--data", offsetof(struct opts, data), 0 },
	{ "--send", offsetof(struct opts, send), 0 },
	{ "--drops", offsetof(struct opts, drops), 0 },
	{ "--magic", offsetof(struct opts, magic), 0 },
	{ "--reply", offsetof(struct opts, reply), 0 },
	{ "--resend", offsetof(struct opts, resend), 0 },
	{ "--wait", offsetof(struct opts, wait), 0 },
	{ "--ready", offsetof(struct opts, ready), 0 },
	{ "--signal", offsetof(struct opts, signal), 0 },
	{ "--linger", offsetof(struct opts, linger), 0 },
	{ "--attached", offsetof(struct opts, attached), 0 },
	{ "--max", offsetof(struct opts, max), 1 },
	{ "--hold", offsetof(struct opts, hold), 1 },
	{ "--chunk", offsetof(struct opts, chunk), 1 },
	{ "--cut", offsetof(struct opts, cut), 1 },
	{ "--split", offsetof(struct opts, split), 1 },
	{ "--pause", offsetof(struct opts, pause), 1 },
	{ "--instance", offsetof(struct opts, instance), 1 },
	{ "--shown", offsetof(struct opts, shown), 1 },
	{ "--major", offsetof(struct opts, major), 1 },
	{ "--minor", offsetof(struct opts, minor), 1 },
	{ "--flags", offsetof(struct opts, flags), 1 },
	{ "--rows", offsetof(struct opts, rows), 1 },
	{ "--cols", offsetof(struct opts, cols), 1 },
	{ "--freeze", offsetof(struct opts, freeze), 1 },
	{ "--thaw", offsetof(struct opts, thaw), 1 },
};

/* Parse --mode: a name or a number. */
static uint8_t
parse_mode(const char *arg)
{
	uint64_t	 v;

	if (strcmp(arg, "attach") == 0)
		return HELLO_ATTACH;
	if (strcmp(arg, "info") == 0)
		return HELLO_INFO;
	if (strcmp(arg, "kill") == 0)
		return HELLO_KILL;
	v = parse_max(arg, "--mode", UINT8_MAX);
	return (uint8_t)v;
}

/* Set the option called name from its argument, by the table. */
static void
opt_set(struct opts *o, const char *name, const char *arg)
{
	char	*base = (char *)o;
	size_t	 j;

	for (j = 0; j < sizeof opt_table / sizeof opt_table[0]; j++) {
		if (strcmp(name, opt_table[j].name) != 0)
			continue;
		if (opt_table[j].number)
			*(uint64_t *)(base + opt_table[j].off) =
			    parse_u64(arg, name);
		else
			*(const char **)(base + opt_table[j].off) = arg;
		return;
	}
	usage("unknown option", name);
}

/* Parse the options after the command's positional arguments. */
static void
parse_opts(int argc, char **argv, struct opts *o)
{
	int	 i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--takeover") == 0)
			o->takeover = 1;
		else if (strcmp(argv[i], "--keep") == 0)
			o->keep = 1;
		else if (i + 1 == argc)
			usage("unknown option or missing argument", argv[i]);
		else if (strcmp(argv[i], "--mode") == 0) {
			o->mode = parse_mode(argv[i + 1]);
			i++;
		} else {
			opt_set(o, argv[i], argv[i + 1]);
			i++;
		}
	}
	if (o->chunk > PROTO_CHUNK)
		usage("--chunk is larger than the protocol's chunk", NULL);
	if (o->major > UINT16_MAX || o->minor > UINT16_MAX ||
	    o->rows > UINT16_MAX || o->cols > UINT16_MAX)
		usage("a 16-bit field is out of range", NULL);
}

/* Check that name is a session name tether would accept. */
static const char *
check_name(const char *name)
{
	char	 why[128];

	if (sock_name_check(name, why, sizeof why) == -1)
		usage(why, name);
	return name;
}

int
main(int argc, char **argv)
{
	struct opts	 o;
	const char	*cmd;
	int		 npos;

	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&o, 0, sizeof o);
	o.major = PROTO_MAJOR;
	o.minor = PROTO_MINOR;
	o.mode = HELLO_ATTACH;
	o.rows = 24;
	o.cols = 80;
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (argc < 3)
		usage("missing command or argument", NULL);
	cmd = argv[1];
	if (strcmp(cmd, "encode") == 0) {
		argc -= 2;
		argv += 2;
		/* Options follow the kind's positional arguments. */
		npos = 1;
		while (npos < argc && strncmp(argv[npos], "--", 2) != 0)
			npos++;
		parse_opts(argc - npos, argv + npos, &o);
		return cmd_encode(npos, argv, &o);
	}
	parse_opts(argc - 3, argv + 3, &o);
	if (strcmp(cmd, "read") == 0)
		return cmd_read(check_name(argv[2]), &o);
	if (strcmp(cmd, "input") == 0)
		return cmd_input(check_name(argv[2]), &o);
	if (strcmp(cmd, "raw") == 0)
		return cmd_raw(check_name(argv[2]), &o);
	if (strcmp(cmd, "hello") == 0)
		return cmd_hello(check_name(argv[2]), &o);
	if (strcmp(cmd, "fakehost") == 0)
		return cmd_fakehost(check_name(argv[2]), &o);
	usage("unknown command", cmd);
}
