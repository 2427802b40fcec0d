/*
 * tether dial: the TCP connection of a reconnect, for ssh's ProxyCommand
 * with ProxyUseFdpass. ssh's own connect sends one SYN and then waits for
 * the kernel's retransmissions, 1, 2, 4 seconds apart: after a silent
 * outage it can sit out most of a second or more after the network is
 * back. dial starts a fresh connection attempt every DIAL_EVERY_MS while
 * the older ones stay in flight, takes the first that connects, and hands
 * it to ssh. It never reads or writes the stream itself.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "dial.h"

#define DIAL_EVERY_MS	200	/* a new attempt this often */
#define DIAL_MAX	32	/* attempts in flight; the oldest goes */
#define DIAL_GIVEUP_MS	12000	/* then ssh fails and the client retries */

/* Give fd to ssh: one byte carrying it, on standard output. */
static int
dial_pass(int fd)
{
	struct msghdr	 msg;
	struct iovec	 iov;
	char		 byte = 0;
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(sizeof(int))];
	}		 cm;
	struct cmsghdr	*c;

	memset(&msg, 0, sizeof msg);
	memset(&cm, 0, sizeof cm);
	iov.iov_base = &byte;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cm.buf;
	msg.msg_controllen = sizeof cm.buf;
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	while (sendmsg(1, &msg, 0) == -1) {
		if (errno != EINTR)
			return -1;
	}
	return 0;
}

/* Start a non-blocking connect to ai; -1 when it failed at once. */
static int
dial_start(const struct addrinfo *ai, int *err)
{
	int	 fd;

	fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
	if (fd == -1) {
		*err = errno;
		return -1;
	}
	compat_set_cloexec(fd);
	compat_set_nonblock(fd, 1);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
	    errno == EINPROGRESS)
		return fd;
	*err = errno;
	close(fd);
	return -1;
}

/* tether dial [-4|-6] HOST PORT */
int
dial_main(int argc, char **argv)
{
	struct addrinfo	 hints, *res, *ai;
	struct pollfd	 pfd[DIAL_MAX];
	int		 n = 0, i, e, fd, err = ETIMEDOUT, family = AF_UNSPEC;
	uint64_t	 now, start, next;
	socklen_t	 len;

	if (argc > 0 && (strcmp(argv[0], "-4") == 0 ||
	    strcmp(argv[0], "-6") == 0)) {
		family = argv[0][1] == '4' ? AF_INET : AF_INET6;
		argc--;
		argv++;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: tether dial [-4|-6] host port\n");
		return 2;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	if ((e = getaddrinfo(argv[0], argv[1], &hints, &res)) != 0) {
		if (e == EAI_NONAME)
			fprintf(stderr, "Could not resolve hostname %s: %s\n",
			    argv[0], gai_strerror(e));
		else
			fprintf(stderr, "dial: %s: %s\n", argv[0],
			    gai_strerror(e));
		return 255;
	}
	start = next = compat_now_ms();
	ai = res;
	for (;;) {
		now = compat_now_ms();
		if (now >= next && now - start < DIAL_GIVEUP_MS) {
			if (n == DIAL_MAX) {
				close(pfd[0].fd);
				memmove(pfd, pfd + 1, --n * sizeof *pfd);
			}
			if ((fd = dial_start(ai, &err)) != -1) {
				pfd[n].fd = fd;
				pfd[n].events = POLLOUT;
				n++;
			}
			/* Every address in turn, both families alike. */
			if ((ai = ai->ai_next) == NULL)
				ai = res;
			next = now + DIAL_EVERY_MS;
		}
		if (now - start >= DIAL_GIVEUP_MS && n == 0)
			break;
		if (now - start >= DIAL_GIVEUP_MS + 3000)
			break;
		if (poll(pfd, (nfds_t)n, now - start >= DIAL_GIVEUP_MS ? 100 :
		    (int)(next > now ? next - now : 0)) == -1 && errno != EINTR)
			break;
		for (i = 0; i < n; i++) {
			if (pfd[i].revents == 0)
				continue;
			e = 0;
			len = sizeof e;
			if (getsockopt(pfd[i].fd, SOL_SOCKET, SO_ERROR, &e,
			    &len) == -1)
				e = errno;
			if (e == 0) {
				compat_set_nonblock(pfd[i].fd, 0);
				freeaddrinfo(res);
				if (dial_pass(pfd[i].fd) == -1) {
					fprintf(stderr, "dial: cannot pass "
					    "the connection to ssh: %s\n",
					    strerror(errno));
					return 255;
				}
				return 0;
			}
			err = e;
			close(pfd[i].fd);
			pfd[i--] = pfd[--n];
		}
	}
	freeaddrinfo(res);
	fprintf(stderr, "dial: cannot connect to %s port %s: %s\n", argv[0],
	    argv[1], strerror(err));
	return 255;
}
