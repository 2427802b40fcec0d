/*
 * relay: a userspace delay line for TCP or UDP, for the benchmarks (the
 * machines have no netem).
 *
 *	relay [-d MS] tcp LISTEN_ADDR:PORT TARGET_ADDR:PORT
 *	relay [-d MS] udp LISTEN_ADDR:PORT TARGET_ADDR:PORT
 *
 * TCP: every connection accepted on LISTEN is joined to a new connection
 * to TARGET; every chunk read from either side is written to the other MS
 * milliseconds (default 0) after it was read, in order (a timestamped
 * queue per direction); an end of file is passed on (shutdown) after the
 * same delay. Both sockets have TCP_NODELAY, so nothing waits on top of
 * MS but the kernel's own queues. A direction holding more than 8 MiB
 * stops reading from its source until it drains.
 *
 * UDP: each client address that sends to LISTEN gets its own socket
 * connected to TARGET (up to 64, the least recently active one is reused);
 * datagrams go to TARGET, and the replies back to that client, MS
 * milliseconds after they arrived.
 *
 * Runs until killed. Errors: one line on standard error, exit 1; usage,
 * exit 2.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define QUEUE_MAX (8u << 20)	/* bytes per TCP direction before pausing */
#define UDP_MAX 64		/* client addresses remembered */

static int64_t delay_us;

static void die(const char *what)
{
	fprintf(stderr, "relay: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr, "usage: relay [-d MS] tcp|udp LISTEN_ADDR:PORT "
	    "TARGET_ADDR:PORT\n");
	exit(2);
}

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* "ADDR:PORT" (numeric or a name; [v6]:port too) into *ss. */
static socklen_t resolve(const char *spec, int socktype,
    struct sockaddr_storage *ss)
{
	char host[256];
	const char *colon = strrchr(spec, ':');
	struct addrinfo hints = { .ai_socktype = socktype }, *ai;
	size_t hl;
	int e;

	if (!colon || colon == spec || !colon[1])
		usage();
	hl = (size_t)(colon - spec);
	if (spec[0] == '[' && hl >= 2 && spec[hl - 1] == ']') {
		spec++;
		hl -= 2;
	}
	if (hl >= sizeof host)
		usage();
	memcpy(host, spec, hl);
	host[hl] = 0;
	e = getaddrinfo(host, colon + 1, &hints, &ai);
	if (e) {
		fprintf(stderr, "relay: %s: %s\n", spec, gai_strerror(e));
		exit(1);
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	socklen_t len = ai->ai_addrlen;

	freeaddrinfo(ai);
	return len;
}

/* ---------------------------------------------------------------- queues */

struct chunk {
	struct chunk *next;
	int64_t due;
	size_t len, off;
	int eof;			/* TCP: pass the end of file on */
	int fd;				/* UDP: the socket to send on */
	struct sockaddr_storage to;	/* UDP: where (tolen 0: connected) */
	socklen_t tolen;
	unsigned char data[];
};

struct queue {
	struct chunk *head, *tail;
	size_t bytes;
};

static struct chunk *push(struct queue *q, const void *p, size_t n)
{
	struct chunk *c = malloc(sizeof *c + n);

	if (!c)
		die("malloc");
	memset(c, 0, sizeof *c);
	c->due = now_us() + delay_us;
	c->len = n;
	if (n)
		memcpy(c->data, p, n);
	if (q->tail)
		q->tail->next = c;
	else
		q->head = c;
	q->tail = c;
	q->bytes += n;
	return c;
}

static void pop(struct queue *q)
{
	struct chunk *c = q->head;

	q->head = c->next;
	if (!q->head)
		q->tail = NULL;
	q->bytes -= c->len;
	free(c);
}

static void clear(struct queue *q)
{
	while (q->head)
		pop(q);
}

/* The earliest of *t and the head's due time (when there is one). */
static void earliest(const struct queue *q, int64_t *t)
{
	if (q->head && (*t < 0 || q->head->due < *t))
		*t = q->head->due;
}

/* ---------------------------------------------------------------- TCP */

/* Side 0 is the accepted client, side 1 the connection to TARGET; q[i]
 * holds what was read from side i, for side 1 - i. */
struct conn {
	struct conn *next;
	int fd[2];
	struct queue q[2];
	int rd_eof[2];		/* read EOF from side i (queued on) */
	int blocked[2];		/* writing to side i would block */
	int connected;		/* side 1's connect has completed */
	int dead;
};

static struct conn *conns;

static void tcp_opts(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void tcp_accept(int lfd, const struct sockaddr_storage *to,
    socklen_t tolen)
{
	for (;;) {
		int cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (cfd < 0) {
			if (errno == EAGAIN || errno == EINTR ||
			    errno == ECONNABORTED)
				return;
			die("accept");
		}
		int sfd = socket(to->ss_family, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);

		if (sfd < 0)
			die("socket");
		tcp_opts(cfd);
		tcp_opts(sfd);
		if (connect(sfd, (const struct sockaddr *)to, tolen) < 0 &&
		    errno != EINPROGRESS) {
			perror("relay: connect");
			close(cfd);
			close(sfd);
			continue;
		}
		struct conn *c = calloc(1, sizeof *c);

		if (!c)
			die("calloc");
		c->fd[0] = cfd;
		c->fd[1] = sfd;
		c->next = conns;
		conns = c;
	}
}

/* Read from side i into q[i]. */
static void tcp_read(struct conn *c, int i)
{
	unsigned char buf[65536];
	ssize_t n = read(c->fd[i], buf, sizeof buf);

	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			c->dead = 1;
		return;
	}
	if (n == 0) {
		c->rd_eof[i] = 1;
		push(&c->q[i], NULL, 0)->eof = 1;
		return;
	}
	push(&c->q[i], buf, (size_t)n);
}

/* Write the due chunks of q[i] to side 1 - i. */
static void tcp_flush(struct conn *c, int i, int64_t now)
{
	struct queue *q = &c->q[i];
	int to = 1 - i;

	if (to == 1 && !c->connected)
		return;
	c->blocked[to] = 0;
	while (q->head && q->head->due <= now) {
		struct chunk *h = q->head;

		if (h->eof) {
			shutdown(c->fd[to], SHUT_WR);
			pop(q);
			continue;
		}
		ssize_t n = send(c->fd[to], h->data + h->off, h->len - h->off,
		    MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR) {
				c->blocked[to] = 1;
				return;
			}
			c->dead = 1;
			return;
		}
		h->off += (size_t)n;
		if (h->off < h->len) {
			c->blocked[to] = 1;
			return;
		}
		pop(q);
	}
}

static void conn_free(struct conn *c)
{
	close(c->fd[0]);
	close(c->fd[1]);
	clear(&c->q[0]);
	clear(&c->q[1]);
	free(c);
}

static void run_tcp(const char *listen_spec, const char *target_spec)
{
	struct sockaddr_storage la, ta;
	socklen_t ll = resolve(listen_spec, SOCK_STREAM, &la);
	socklen_t tl = resolve(target_spec, SOCK_STREAM, &ta);
	int one = 1, lfd = socket(la.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);

	if (lfd < 0)
		die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(lfd, (struct sockaddr *)&la, ll) < 0)
		die(listen_spec);
	if (listen(lfd, 128) < 0)
		die("listen");

	struct pollfd *pfd = NULL;
	size_t cap = 0;

	for (;;) {
		size_t n = 0, nconn = 0;
		int64_t wake = -1;

		for (struct conn *c = conns; c; c = c->next)
			nconn++;
		if (cap < 1 + 2 * nconn) {
			cap = 2 * (1 + 2 * nconn);
			pfd = realloc(pfd, cap * sizeof *pfd);
			if (!pfd)
				die("realloc");
		}
		pfd[n++] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (struct conn *c = conns; c; c = c->next) {
			for (int i = 0; i < 2; i++) {
				short ev = 0;

				if (!c->rd_eof[i] && c->q[i].bytes < QUEUE_MAX &&
				    (i == 0 || c->connected))
					ev |= POLLIN;
				if (c->blocked[i] || (i == 1 && !c->connected))
					ev |= POLLOUT;
				pfd[n++] = (struct pollfd){ .fd = c->fd[i],
				    .events = ev };
				/* A side that cannot take data wakes us by
				 * POLLOUT, not by the clock. */
				if (!c->blocked[1 - i] &&
				    (i == 1 || c->connected))
					earliest(&c->q[i], &wake);
			}
		}

		struct timespec ts, *tp = NULL;

		if (wake >= 0) {
			int64_t left = wake - now_us();

			if (left < 0)
				left = 0;
			ts = (struct timespec){ left / 1000000,
			    left % 1000000 * 1000 };
			tp = &ts;
		}
		if (ppoll(pfd, n, tp, NULL) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}

		/* pfd[1..] follows the list as it was before accepting. */
		size_t k = 1;

		for (struct conn *c = conns; c; c = c->next) {
			for (int i = 0; i < 2; i++, k++) {
				short re = pfd[k].revents;

				if (c->dead || !re)
					continue;
				if (i == 1 && !c->connected) {
					int err = 0;
					socklen_t el = sizeof err;

					if (!(re & (POLLOUT | POLLERR | POLLHUP)))
						continue;
					getsockopt(c->fd[1], SOL_SOCKET, SO_ERROR,
					    &err, &el);
					if (err) {
						c->dead = 1;
						continue;
					}
					c->connected = 1;
				}
				if (re & (POLLIN | POLLHUP | POLLERR) &&
				    pfd[k].events & POLLIN)
					tcp_read(c, i);
				else if (re & POLLERR)
					c->dead = 1;
			}
		}
		if (pfd[0].revents & POLLIN)
			tcp_accept(lfd, &ta, tl);

		int64_t now = now_us();

		for (struct conn **pp = &conns; *pp;) {
			struct conn *c = *pp;

			if (!c->dead) {
				tcp_flush(c, 0, now);
				tcp_flush(c, 1, now);
			}
			if (c->dead || (c->rd_eof[0] && c->rd_eof[1] &&
			    !c->q[0].head && !c->q[1].head)) {
				*pp = c->next;
				conn_free(c);
				continue;
			}
			pp = &c->next;
		}
	}
}

/* ---------------------------------------------------------------- UDP */

struct peer {
	int fd;				/* connected to TARGET; -1: free */
	struct sockaddr_storage addr;	/* the client */
	socklen_t len;
	int64_t last;
};

static void run_udp(const char *listen_spec, const char *target_spec)
{
	struct sockaddr_storage la, ta;
	socklen_t ll = resolve(listen_spec, SOCK_DGRAM, &la);
	socklen_t tl = resolve(target_spec, SOCK_DGRAM, &ta);
	int lfd = socket(la.ss_family, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	struct peer peers[UDP_MAX];
	struct queue q = { 0 };	/* both directions: one delay, one order */
	static unsigned char buf[65536];

	if (lfd < 0)
		die("socket");
	if (bind(lfd, (struct sockaddr *)&la, ll) < 0)
		die(listen_spec);
	for (int i = 0; i < UDP_MAX; i++)
		peers[i].fd = -1;

	for (;;) {
		struct pollfd pfd[1 + UDP_MAX];
		int idx[1 + UDP_MAX];
		size_t n = 0;
		int64_t wake = -1;

		pfd[n++] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (int i = 0; i < UDP_MAX; i++) {
			if (peers[i].fd < 0)
				continue;
			idx[n] = i;
			pfd[n++] = (struct pollfd){ .fd = peers[i].fd,
			    .events = POLLIN };
		}
		earliest(&q, &wake);

		struct timespec ts, *tp = NULL;

		if (wake >= 0) {
			int64_t left = wake - now_us();

			if (left < 0)
				left = 0;
			ts = (struct timespec){ left / 1000000,
			    left % 1000000 * 1000 };
			tp = &ts;
		}
		if (ppoll(pfd, n, tp, NULL) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}

		/* Replies from TARGET, to their client. */
		for (size_t k = 1; k < n; k++) {
			struct peer *p = &peers[idx[k]];

			if (!(pfd[k].revents & (POLLIN | POLLERR)))
				continue;
			for (;;) {
				ssize_t r = recv(p->fd, buf, sizeof buf, 0);

				if (r < 0)
					break;	/* EAGAIN, or an ICMP error */
				struct chunk *c = push(&q, buf, (size_t)r);

				c->fd = lfd;
				c->to = p->addr;
				c->tolen = p->len;
				p->last = now_us();
			}
		}

		/* From clients, to TARGET through the client's own socket. */
		while (pfd[0].revents & POLLIN) {
			struct sockaddr_storage from;
			socklen_t fl = sizeof from;
			ssize_t r = recvfrom(lfd, buf, sizeof buf, 0,
			    (struct sockaddr *)&from, &fl);

			if (r < 0)
				break;
			struct peer *p = NULL, *spare = NULL;

			for (int i = 0; i < UDP_MAX && !p; i++) {
				struct peer *e = &peers[i];

				if (e->fd >= 0 && e->len == fl &&
				    !memcmp(&e->addr, &from, fl))
					p = e;
			}
			/* A new client: a free entry, else the least
			 * recently active one. */
			for (int i = 0; i < UDP_MAX && !p; i++) {
				struct peer *e = &peers[i];

				if (e->fd < 0) {
					spare = e;
					break;
				}
				if (!spare || e->last < spare->last)
					spare = e;
			}
			if (!p) {
				p = spare;
				if (p->fd >= 0)
					close(p->fd);
				p->fd = socket(ta.ss_family, SOCK_DGRAM |
				    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
				if (p->fd < 0)
					die("socket");
				if (connect(p->fd, (struct sockaddr *)&ta, tl) < 0)
					die(target_spec);
				p->addr = from;
				p->len = fl;
			}
			p->last = now_us();
			push(&q, buf, (size_t)r)->fd = p->fd;
		}

		/* Send what is due; a datagram that cannot go is dropped, as
		 * a network would. A peer's socket may have been reused: a
		 * stale chunk then goes to TARGET from the new client's
		 * socket, which is harmless for a delay line. */
		int64_t now = now_us();

		while (q.head && q.head->due <= now) {
			struct chunk *c = q.head;

			if (c->tolen)
				sendto(c->fd, c->data, c->len, 0,
				    (struct sockaddr *)&c->to, c->tolen);
			else
				send(c->fd, c->data, c->len, 0);
			pop(&q);
		}
	}
}

int main(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "d:")) != -1) {
		char *end;
		long ms;

		switch (opt) {
		case 'd':
			errno = 0;
			ms = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || ms < 0 ||
			    ms > 600000)
				usage();
			delay_us = ms * 1000;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 3)
		usage();
	signal(SIGPIPE, SIG_IGN);
	/* Wake up on time: the default 50 us timer slack is noise here. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	if (!strcmp(argv[optind], "tcp"))
		run_tcp(argv[optind + 1], argv[optind + 2]);
	else if (!strcmp(argv[optind], "udp"))
		run_udp(argv[optind + 1], argv[optind + 2]);
	else
		usage();
	return 1;
}
