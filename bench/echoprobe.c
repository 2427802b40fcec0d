/*
 * echoprobe: keystroke echo latency of an interactive client.
 *
 *	echoprobe [-n KEYS] [-W WARMUP] [-w READY] [-e END] [-k SECS]
 *	          [-T SECS] [-o FILE] [-K KEYSET] [-c STRING] [-x] -- CMD [ARGS...]
 *	echoprobe -i CMDLINE -f FLOW [-F SECS] [-C SECS] [-w PROMPT] [-p PROMPT2]
 *	          [-e END] [-T SECS] [-c STRING] [-o FILE] -- CMD [ARGS...]
 *
 * Runs CMD on a pseudo-terminal of its own (80x24), waits until READY
 * appears in its output (the remote side prints it once its terminal is
 * raw and its echo program runs), then types KEYS single printable keys,
 * one at a time, each after a random pause of 10-30 ms, and times with
 * CLOCK_MONOTONIC how long each takes to come back in the output. The
 * output is read with escape sequences skipped (mosh and tmux repaint
 * with cursor movements around the character), and consecutive keys are
 * distinct (a cycle of 62 letters and digits), so that neither an escape
 * sequence nor an earlier key is taken for the echo. The first WARMUP keys
 * (default 5) are typed and waited for but not counted. Then END is typed
 * (default "\x03", Ctrl-C: the remote side is expected to end on it, e.g.
 * with `stty isig`; C escapes \r \n \e \\ \xHH are understood), and
 * CMD is waited for; if it does not exit within 10 s it gets SIGHUP, then
 * SIGKILL.
 *
 * Prints one line on standard output:
 *	keys N median_us M p99_us P min_us A max_us B
 * (p99 by nearest rank), and with -o every counted latency (us), one per
 * line, into FILE. Deadlines: -k per key (default 5 s), -T for the whole
 * run (default 120 s); READY must come within the overall deadline.
 *
 * For echo while the remote side floods the terminal with other output:
 * -K KEYSET types the keys from KEYSET instead (its characters must be
 * distinct printable ones, at least 2, none of which the flood contains);
 * -c STRING adds " count N" to the line, how often STRING appeared in the
 * output (escape sequences skipped), e.g. a client's notice; -x adds
 * " bytes B secs S", the output read while the keys were typed and how
 * long that took. -P adds " pkts_in I pkts_out O": the TCP segments and
 * UDP datagrams this network namespace received and sent (/proc/net/snmp)
 * from the first counted key until 250 ms after the last echo, which is
 * the network's cost of the keystrokes when nothing else uses it.
 *
 * Interrupt mode, -i: the time from Ctrl-C to the prompt while a command
 * floods the terminal. After PROMPT (-w, default READY) it types CMDLINE
 * (C escapes understood, e.g. "cat FILE\r"), waits until FLOW appears in
 * the output, keeps reading for -F seconds (default 3), types Ctrl-C and
 * times until PROMPT2 appears, up to -C seconds (default 60). PROMPT2 is
 * PROMPT unless -p says otherwise: a prompt that counts its commands
 * cannot be mistaken for an earlier one that a repaint draws again. Prints
 *	interrupt_us N flow_bytes F drained_bytes D
 * or, when the prompt did not come back within the cap,
 *	interrupt_us capped cap_s C flow_bytes F drained_bytes D
 * (F: output read between FLOW and the Ctrl-C; D: after it; -c adds
 * " count N" here too; -o FILE gets a line per read after the Ctrl-C:
 * microseconds since it, bytes read, and the -c count so far), then types
 * END (default Ctrl-C; e.g. "exit\r") and waits for CMD (10 s, or 2 s
 * after a cap) before SIGHUP and SIGKILL.
 *
 * Exit status: 0 all measured and CMD exited; 1 a failure (one line on
 * standard error); 2 usage; 3 measured, but CMD had to be killed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static const char *keyset =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/*
 * TCP segments and UDP datagrams this network namespace received and sent
 * so far, from /proc/net/snmp (a header line, then a line of values, per
 * protocol); -1 where it cannot be read.
 */
static void net_packets(long long *in, long long *out)
{
	char head[1024], vals[1024];
	FILE *f = fopen("/proc/net/snmp", "r");

	*in = *out = -1;
	if (!f)
		return;
	long long tin = -1, tout = -1, uin = -1, uout = -1;

	while (fgets(head, sizeof head, f) && fgets(vals, sizeof vals, f)) {
		int tcp = strncmp(head, "Tcp:", 4) == 0;
		int udp = strncmp(head, "Udp:", 4) == 0;

		if (!tcp && !udp)
			continue;
		char *hs, *vs, *h = strtok_r(head, " \n", &hs);
		char *v = strtok_r(vals, " \n", &vs);

		for (; h && v; h = strtok_r(NULL, " \n", &hs),
		    v = strtok_r(NULL, " \n", &vs)) {
			long long n = strtoll(v, NULL, 10);

			if (tcp && strcmp(h, "InSegs") == 0) tin = n;
			if (tcp && strcmp(h, "OutSegs") == 0) tout = n;
			if (udp && strcmp(h, "InDatagrams") == 0) uin = n;
			if (udp && strcmp(h, "OutDatagrams") == 0) uout = n;
		}
	}
	fclose(f);
	if (tin >= 0 && uin >= 0)
		*in = tin + uin;
	if (tout >= 0 && uout >= 0)
		*out = tout + uout;
}

static pid_t child = -1;
static int master = -1;

static void usage(void)
{
	fprintf(stderr, "usage: echoprobe [-n KEYS] [-W WARMUP] [-w READY] "
	    "[-e END] [-k SECS] [-T SECS] [-o FILE] [-K KEYSET] [-c STRING] "
	    "[-x] [-P] -- CMD [ARGS...]\n"
	    "       echoprobe -i CMDLINE -f FLOW [-F SECS] [-C SECS] "
	    "[-w PROMPT] [-p PROMPT2] [-e END] [-T SECS] [-c STRING] [-o FILE] "
	    "-- CMD [ARGS...]\n");
	exit(2);
}

/* One line on stderr, the client ended, exit 1. */
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("echoprobe: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (child > 0) {
		kill(-child, SIGHUP);
		kill(child, SIGHUP);
		usleep(200000);
		kill(-child, SIGKILL);
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	exit(1);
}

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long number(const char *s, long lo, long hi, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "echoprobe: bad %s: %s (%ld..%ld)\n", what, s,
		    lo, hi);
		exit(2);
	}
	return v;
}

/* C escapes of -e into bytes; returns the length. */
static size_t unescape(const char *s, char *out, size_t cap)
{
	size_t n = 0;

	while (*s && n < cap) {
		char c = *s++;

		if (c == '\\' && *s) {
			c = *s++;
			switch (c) {
			case 'r': c = '\r'; break;
			case 'n': c = '\n'; break;
			case 'e': c = 033; break;
			case 'x': {
				char hex[3] = { 0 };
				char *end;

				hex[0] = s[0];
				hex[1] = hex[0] ? s[1] : 0;
				c = (char)strtol(hex, &end, 16);
				if (end == hex) {
					fprintf(stderr, "echoprobe: bad \\x in -e\n");
					exit(2);
				}
				s += end - hex;
				break;
			}
			default: break;	/* \\ and anything else: itself */
			}
		}
		out[n++] = c;
	}
	return n;
}

/*
 * The output with escape sequences skipped: feed() takes raw bytes and
 * calls back for every plain (printable) byte.
 */
enum { PLAIN, ESC, CSI, STR, STR_ESC, CHARSET };
static int vt_state = PLAIN;

/* Every byte read from the client (-x, -i). */
static uint64_t nread;

/* -i with -o: a line per read after the Ctrl-C, times from t_log. */
static FILE *timeline;
static int64_t t_log;
static long count_n;

/* -c: occurrences of a string in the plain output. */
static const char *count_s;
static size_t count_len, count_have;

static void count_byte(unsigned char c)
{
	if ((unsigned char)count_s[count_have] == c)
		count_have++;
	else
		count_have = (unsigned char)count_s[0] == c;
	if (count_have == count_len) {
		count_n++;
		count_have = 0;
	}
}

typedef void (*plain_fn)(unsigned char c, void *arg);

static void feed(const unsigned char *p, size_t n, plain_fn fn, void *arg)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];

		switch (vt_state) {
		case PLAIN:
			if (c == 033) {
				vt_state = ESC;
			} else if (c >= 0x20 && c < 0x7f) {
				if (count_s)
					count_byte(c);
				fn(c, arg);
			}
			break;
		case ESC:
			if (c == '[')
				vt_state = CSI;
			else if (c == ']' || c == 'P' || c == 'X' || c == '^' ||
			    c == '_')
				vt_state = STR;
			else if (c >= 0x20 && c <= 0x2f)
				vt_state = CHARSET;	/* ESC ( B and the like */
			else
				vt_state = PLAIN;
			break;
		case CSI:
			if (c >= 0x40 && c <= 0x7e)
				vt_state = PLAIN;
			else if (c == 033)
				vt_state = ESC;
			break;
		case STR:	/* OSC, DCS...: up to BEL or ST */
			if (c == 007)
				vt_state = PLAIN;
			else if (c == 033)
				vt_state = STR_ESC;
			break;
		case STR_ESC:
			vt_state = c == '\\' ? PLAIN : STR;
			break;
		case CHARSET:
			vt_state = PLAIN;
			break;
		}
	}
}

/* Waiting for READY: the last plain bytes against it. */
struct ready {
	const char *want;
	size_t len, have;	/* how much of want matches the tail */
	int seen;
};

/* The last plain output before READY, for the error messages. */
static char before[121];
static size_t nbefore;

static void ready_byte(unsigned char c, void *arg)
{
	struct ready *r = arg;

	if (r->seen)
		return;
	if (nbefore == sizeof before - 1) {
		memmove(before, before + 1, nbefore - 1);
		nbefore--;
	}
	before[nbefore++] = (char)c;
	/* Naive restart is enough for a short marker like READY. */
	if ((unsigned char)r->want[r->have] == c) {
		r->have++;
	} else {
		r->have = (unsigned char)r->want[0] == c;
	}
	if (r->have == r->len)
		r->seen = 1;
}

struct keywait {
	unsigned char key;
	int seen;
};

static void key_byte(unsigned char c, void *arg)
{
	struct keywait *k = arg;

	if (c == k->key)
		k->seen = 1;
}

static void ignore_byte(unsigned char c, void *arg)
{
	(void)c;
	(void)arg;
}

/*
 * Read what the client wrote until the deadline (monotonic us) or until
 * *flag is set by fn. Returns 1 if the flag was set, 0 at the deadline,
 * -1 at the end of the output (EOF/EIO: the client closed the terminal).
 */
static int pump(int64_t deadline, plain_fn fn, void *arg, const int *flag)
{
	unsigned char buf[8192];

	for (;;) {
		if (flag && *flag)
			return 1;
		int64_t left = deadline - now_us();

		if (left <= 0)
			return 0;
		struct pollfd pfd = { .fd = master, .events = POLLIN };
		struct timespec ts = { left / 1000000, left % 1000000 * 1000 };
		int r = ppoll(&pfd, 1, &ts, NULL);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %s", strerror(errno));
		}
		if (r == 0)
			return 0;
		ssize_t n = read(master, buf, sizeof buf);

		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return -1;
		nread += (uint64_t)n;
		feed(buf, (size_t)n, fn, arg);
		if (timeline)
			fprintf(timeline, "%lld %zd %ld\n",
			    (long long)(now_us() - t_log), n, count_n);
	}
}

static void send_bytes(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(master, p, n);

		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die("write to the terminal: %s", strerror(errno));
		}
		p += w;
		n -= (size_t)w;
	}
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Wait for the child until the deadline; 1 if it exited. */
static int reap(int64_t deadline, int *status)
{
	for (;;) {
		pid_t p = waitpid(child, status, WNOHANG);

		if (p == child)
			return 1;
		if (now_us() >= deadline)
			return 0;
		/* Keep draining, or a client blocked on a full pty hangs. */
		int r = pump(now_us() + 20000, ignore_byte, NULL, NULL);

		if (r < 0)
			usleep(10000);
	}
}

/*
 * Type END, then wait up to WAIT us for the client to exit; SIGHUP, then
 * SIGKILL if it stays. Returns the exit status of echoprobe: 0, or 3 when
 * the client had to be killed.
 */
static int finish(const char *end, size_t endlen, int64_t wait)
{
	int status = 0;

	send_bytes(end, endlen);
	if (!reap(now_us() + wait, &status)) {
		kill(-child, SIGHUP);
		kill(child, SIGHUP);
		if (!reap(now_us() + 2000000, &status)) {
			kill(-child, SIGKILL);
			kill(child, SIGKILL);
			waitpid(child, &status, 0);
		}
		fprintf(stderr, "echoprobe: the client did not exit after the "
		    "end keys; killed\n");
		return 3;
	}
	return 0;
}

/*
 * -i: the prompt has been seen. Type the command, wait for its output to
 * flow, Ctrl-C, time the prompt's return; then end the client.
 */
static int interrupt(const char *cmd, const char *flow, long flowsecs,
    long capsecs, const char *prompt, int64_t t_end, const char *end,
    size_t endlen, const char *outfile)
{
	char cmdbuf[1024];
	size_t cmdlen = unescape(cmd, cmdbuf, sizeof cmdbuf);
	struct ready fl = { .want = flow, .len = strlen(flow) };
	struct ready rd = { .want = prompt, .len = strlen(prompt) };
	uint64_t n0, n1;
	int64_t t0;
	int r;

	send_bytes(cmdbuf, cmdlen);
	nbefore = 0;
	r = pump(t_end, ready_byte, &fl, &fl.seen);
	if (r == 0)
		die("no \"%s\" from the command within the overall deadline "
		    "(its output ended: \"%s\")", flow, before);
	if (r < 0)
		die("the client ended before \"%s\" (its output ended: \"%s\")",
		    flow, before);
	n0 = nread;
	if (pump(now_us() + flowsecs * 1000000, ignore_byte, NULL, NULL) < 0)
		die("the client ended while the command's output flowed");
	n1 = nread;

	if (outfile && !(timeline = fopen(outfile, "w")))
		die("%s: %s", outfile, strerror(errno));
	/* From here on only a new prompt counts. */
	t0 = t_log = now_us();
	send_bytes("\003", 1);
	nbefore = 0;
	r = pump(t0 + capsecs * 1000000, ready_byte, &rd, &rd.seen);
	if (r < 0)
		die("the client ended after the Ctrl-C, before the prompt "
		    "(its output ended: \"%s\")", before);
	if (timeline && fclose(timeline) != 0)
		die("%s: %s", outfile, strerror(errno));
	timeline = NULL;
	if (r == 0)
		printf("interrupt_us capped cap_s %ld", capsecs);
	else
		printf("interrupt_us %lld", (long long)(now_us() - t0));
	printf(" flow_bytes %llu drained_bytes %llu",
	    (unsigned long long)(n1 - n0), (unsigned long long)(nread - n1));
	if (count_s)
		printf(" count %ld", count_n);
	printf("\n");
	fflush(stdout);
	/* After a cap the client still has a backlog to show: short shrift. */
	return finish(end, endlen, r == 0 ? 2000000 : 10000000);
}

int main(int argc, char **argv)
{
	long keys = 200, warm = 5, keysecs = 5, allsecs = 120;
	long flowsecs = 3, capsecs = 60;
	const char *ready_s = "READY", *end_s = "\\x03", *outfile = NULL;
	const char *icmd = NULL, *flow = NULL, *prompt2 = NULL;
	char endbuf[64];
	size_t endlen;
	int opt, xstats = 0, pstats = 0;

	while ((opt = getopt(argc, argv, "+n:W:w:e:k:T:o:K:c:xPi:f:F:C:p:")) != -1) {
		switch (opt) {
		case 'n': keys = number(optarg, 1, 1000000, "-n"); break;
		case 'W': warm = number(optarg, 0, 1000, "-W"); break;
		case 'w': ready_s = optarg; break;
		case 'e': end_s = optarg; break;
		case 'k': keysecs = number(optarg, 1, 3600, "-k"); break;
		case 'T': allsecs = number(optarg, 1, 86400, "-T"); break;
		case 'o': outfile = optarg; break;
		case 'K': keyset = optarg; break;
		case 'c': count_s = optarg; break;
		case 'x': xstats = 1; break;
		case 'P': pstats = 1; break;
		case 'i': icmd = optarg; break;
		case 'f': flow = optarg; break;
		case 'F': flowsecs = number(optarg, 0, 3600, "-F"); break;
		case 'C': capsecs = number(optarg, 1, 86400, "-C"); break;
		case 'p': prompt2 = optarg; break;
		default: usage();
		}
	}
	if (optind >= argc || !*ready_s || (icmd && (!flow || !*flow)) ||
	    (count_s && !*count_s) || (prompt2 && !*prompt2))
		usage();
	/* Consecutive keys must differ, and each must be plain output. */
	size_t nkeys = strlen(keyset);

	for (size_t i = 0; i < nkeys; i++) {
		if (keyset[i] < 0x20 || keyset[i] >= 0x7f ||
		    strchr(keyset + i + 1, keyset[i])) {
			fprintf(stderr, "echoprobe: -K: printable, distinct "
			    "characters only\n");
			exit(2);
		}
	}
	if (nkeys < 2) {
		fprintf(stderr, "echoprobe: -K: at least 2 characters\n");
		exit(2);
	}
	if (count_s)
		count_len = strlen(count_s);
	endlen = unescape(end_s, endbuf, sizeof endbuf);

	int64_t *lat = calloc((size_t)keys, sizeof *lat);

	if (!lat)
		die("out of memory");
	srandom((unsigned)(now_us() ^ getpid()));

	struct winsize ws = { .ws_row = 24, .ws_col = 80 };

	child = forkpty(&master, NULL, NULL, &ws);
	if (child < 0)
		die("forkpty: %s", strerror(errno));
	if (child == 0) {
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "echoprobe: cannot run %s: %s\r\n", argv[optind],
		    strerror(errno));
		_exit(127);
	}

	int64_t t_end = now_us() + allsecs * 1000000;
	struct ready rd = { .want = ready_s, .len = strlen(ready_s) };
	int r = pump(t_end, ready_byte, &rd, &rd.seen);

	if (r == 0)
		die("no %s from the client within %ld s (its output ended: \"%s\")",
		    ready_s, allsecs, before);
	if (r < 0)
		die("the client ended before %s (its output ended: \"%s\")",
		    ready_s, before);

	if (icmd)
		return interrupt(icmd, flow, flowsecs, capsecs,
		    prompt2 ? prompt2 : ready_s, t_end,
		    endbuf, endlen, outfile);

	long total = warm + keys, counted = 0;
	uint64_t k0 = nread;
	int64_t tk0 = now_us();
	long long pin0 = -1, pout0 = -1, pin1 = -1, pout1 = -1;

	for (long i = 0; i < total; i++) {
		/* A pause of 10-30 ms, reading (and ignoring) late output. */
		int64_t pause = 10000 + random() % 20000;

		if (pump(now_us() + pause, ignore_byte, NULL, NULL) < 0)
			die("the client ended after %ld keys", i);

		struct keywait kw = { .key = (unsigned char)keyset[i % (long)nkeys] };

		if (pstats && i == warm)
			net_packets(&pin0, &pout0);
		int64_t t0 = now_us(), dl = t0 + keysecs * 1000000;

		if (dl > t_end)
			dl = t_end;
		send_bytes((const char *)&kw.key, 1);
		r = pump(dl, key_byte, &kw, &kw.seen);
		if (r < 0)
			die("the client ended after %ld keys", i);
		if (r == 0)
			die("key %ld ('%c') not echoed within %s", i, kw.key,
			    dl == t_end ? "the overall deadline" : "the per-key deadline");
		if (i >= warm)
			lat[counted++] = now_us() - t0;
	}
	uint64_t kbytes = nread - k0;
	int64_t ktime = now_us() - tk0;

	if (pstats) {
		/* What the last keys still cause: acknowledgements. */
		if (pump(now_us() + 250000, ignore_byte, NULL, NULL) < 0)
			die("the client ended after the last key");
		net_packets(&pin1, &pout1);
	}

	if (outfile) {
		FILE *f = fopen(outfile, "w");

		if (!f)
			die("%s: %s", outfile, strerror(errno));
		for (long i = 0; i < counted; i++)
			fprintf(f, "%lld\n", (long long)lat[i]);
		if (fclose(f) != 0)
			die("%s: %s", outfile, strerror(errno));
	}
	qsort(lat, (size_t)counted, sizeof *lat, cmp64);

	long long med = counted % 2 ? lat[counted / 2] :
	    (lat[counted / 2 - 1] + lat[counted / 2]) / 2;
	long p99i = (counted * 99 + 99) / 100 - 1;	/* nearest rank */

	printf("keys %ld median_us %lld p99_us %lld min_us %lld max_us %lld",
	    counted, med, (long long)lat[p99i], (long long)lat[0],
	    (long long)lat[counted - 1]);
	if (count_s)
		printf(" count %ld", count_n);
	if (xstats)
		printf(" bytes %llu secs %.3f", (unsigned long long)kbytes,
		    (double)ktime / 1e6);
	if (pstats && pin0 >= 0 && pin1 >= 0)
		printf(" pkts_in %lld pkts_out %lld", pin1 - pin0, pout1 - pout0);
	printf("\n");
	fflush(stdout);

	/* End the client: END, then wait for it; SIGHUP, SIGKILL if it stays. */
	return finish(endbuf, endlen, 10000000);
}
