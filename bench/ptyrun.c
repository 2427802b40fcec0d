/*
 * ptyrun: run a command on a new 80x24 pseudo-terminal and time it, for
 * the attach-time benchmark (bench/resources.sh).
 *
 *	ptyrun [-w TEXT] [-k KEYS] [-t SECONDS] -- COMMAND [ARGS...]
 *
 * Prints "SEEN_MS TOTAL_MS STATUS": milliseconds from the start of COMMAND
 * until TEXT first appeared in its output (-1 without -w), until it exited
 * (or closed the terminal), and its exit status (128+N for signal N). With
 * -k, KEYS (C escapes \r \n \\ allowed) are typed once TEXT was seen, e.g.
 * "\r~." to detach a tether client. Output is read and thrown away as fast
 * as it comes, so the command never blocks on its terminal. Gives up after
 * -t SECONDS (default 30): kills COMMAND, exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void usage(void)
{
	fprintf(stderr, "usage: ptyrun [-w TEXT] [-k KEYS] [-t SECONDS] -- "
			"COMMAND [ARGS...]\n");
	exit(2);
}

/* Decode \r, \n, \\ and \e in place. */
static size_t unescape(char *s)
{
	char *r = s, *w = s;
	while (*r) {
		if (*r == '\\' && r[1]) {
			r++;
			switch (*r) {
			case 'r': *w++ = '\r'; break;
			case 'n': *w++ = '\n'; break;
			case 'e': *w++ = '\033'; break;
			default: *w++ = *r; break;
			}
			r++;
		} else {
			*w++ = *r++;
		}
	}
	*w = 0;
	return (size_t)(w - s);
}

int main(int argc, char **argv)
{
	const char *want = NULL;
	char *keys = NULL;
	size_t nkeys = 0;
	double limit = 30;
	int c;

	while ((c = getopt(argc, argv, "+w:k:t:")) != -1) {
		switch (c) {
		case 'w': want = optarg; break;
		case 'k': keys = optarg; nkeys = unescape(keys); break;
		case 't': limit = atof(optarg); break;
		default: usage();
		}
	}
	if (optind >= argc || (want && !*want))
		usage();

	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	int fd;
	double start = now_ms();
	pid_t pid = forkpty(&fd, NULL, NULL, &ws);
	if (pid < 0) {
		perror("ptyrun: forkpty");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "ptyrun: %s: %s\n", argv[optind], strerror(errno));
		_exit(127);
	}

	/* The match may straddle reads: keep the last strlen(want)-1 bytes. */
	size_t wl = want ? strlen(want) : 0;
	char *win = malloc(wl + 4096 + 1);
	size_t have = 0;
	double seen = -1, end = -1;
	if (!win) {
		perror("ptyrun");
		return 1;
	}
	for (;;) {
		double left = start + limit * 1e3 - now_ms();
		if (left <= 0) {
			fprintf(stderr, "ptyrun: timed out after %g s%s\n", limit,
				want && seen < 0 ? " (text not seen)" : "");
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return 1;
		}
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int n = poll(&p, 1, (int)left + 1);
		if (n < 0 && errno != EINTR) {
			perror("ptyrun: poll");
			return 1;
		}
		if (n <= 0)
			continue;
		ssize_t r = read(fd, win + have, 4096);
		if (r <= 0) {	/* EIO: every holder of the slave closed it */
			end = now_ms();
			break;
		}
		if (want && seen < 0) {
			have += (size_t)r;
			win[have] = 0;
			if (memmem(win, have, want, wl)) {
				seen = now_ms();
				if (keys && write(fd, keys, nkeys) != (ssize_t)nkeys) {
					perror("ptyrun: write");
					return 1;
				}
			} else if (have >= wl) {
				memmove(win, win + have - (wl - 1), wl - 1);
				have = wl - 1;
			}
		}
	}
	int st;
	if (waitpid(pid, &st, 0) < 0) {
		perror("ptyrun: waitpid");
		return 1;
	}
	int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	printf("%.1f %.1f %d\n", seen < 0 ? -1 : seen - start, end - start, code);
	return 0;
}
