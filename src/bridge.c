/* Relaying bytes between ssh's stdio and a session socket. */
#include <sys/types.h>
#include <sys/socket.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "bridge.h"
#include "buf.h"
#include "client.h"
#include "proto.h"
#include "compat.h"
#include "log.h"

#define BRIDGE_BUF	(256 * 1024)	/* per direction */
#define BRIDGE_PASS_MS	5000		/* for the host to take them */

/* One direction: bytes read from `from` wait in `b` to be written to `to`. */
struct pipe {
	int		 from;
	int		 to;
	struct buf	 b;
	int		 eof;
};

/* Read what fits; -1 once the reading side is finished. */
static int
bridge_read(struct pipe *p)
{
	uint8_t	*dst;
	ssize_t	 n;
	size_t	 room = BRIDGE_BUF - buf_len(&p->b);

	if (room == 0 || buf_reserve(&p->b, room, &dst) != 0)
		return 0;
	n = read(p->from, dst, room);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		p->eof = 1;
		return -1;
	}
	buf_commit(&p->b, (size_t)n);
	return 0;
}

/* Write what is waiting; -1 when the writing side is gone. */
static int
bridge_write(struct pipe *p)
{
	ssize_t	 n;

	if (buf_len(&p->b) == 0)
		return 0;
	n = write(p->to, buf_ptr(&p->b), buf_len(&p->b));
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0)
		return -1;
	buf_consume(&p->b, (size_t)n);
	return 0;
}

/*
 * Relay between ssh (in, out) and the session (sock) until one side ends.
 * When ssh's side ends, what it sent last goes to the session and the
 * connection is closed (the host keeps the session). When the session's
 * side ends, everything it sent (its last words are EXIT or DETACH) is
 * written to ssh first, even if the session stopped reading. Returns 0
 * when the session ended, 1 when ssh's side did.
 */
int
bridge_relay(int in, int out, int sock)
{
	struct pipe	 up = { in, sock, { 0 }, 0 };
	struct pipe	 down = { sock, out, { 0 }, 0 };
	struct pollfd	 pfd[3];
	int		 rc = 0, sock_gone = 0;

	buf_init(&up.b, BRIDGE_BUF);
	buf_init(&down.b, BRIDGE_BUF);
	compat_set_nonblock(in, 1);
	compat_set_nonblock(out, 1);
	compat_set_nonblock(sock, 1);
	for (;;) {
		if (down.eof && buf_len(&down.b) == 0)
			break;
		if (up.eof && buf_len(&up.b) == 0) {
			log_debug("bridge: ssh side closed");
			rc = 1;
			break;
		}
		pfd[0].fd = up.eof || sock_gone ? -1 : in;
		pfd[0].events = buf_len(&up.b) < BRIDGE_BUF ? POLLIN : 0;
		pfd[1].fd = sock;
		pfd[1].events = (buf_len(&up.b) > 0 && !sock_gone ? POLLOUT : 0) |
		    (!down.eof && buf_len(&down.b) < BRIDGE_BUF ? POLLIN : 0);
		pfd[2].fd = out;
		pfd[2].events = buf_len(&down.b) > 0 ? POLLOUT : 0;
		if (poll(pfd, 3, -1) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))
			bridge_read(&up);
		if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR))
			bridge_read(&down);
		if (!sock_gone && bridge_write(&up) == -1) {
			/* The session stopped reading: keep flushing to ssh. */
			sock_gone = 1;
			buf_reset(&up.b);
		}
		if ((pfd[2].revents & (POLLERR | POLLHUP)) ||
		    bridge_write(&down) == -1) {
			rc = 1;	/* ssh went away */
			break;
		}
	}
	log_debug("bridge: done (%d)", rc);
	buf_free(&up.b);
	buf_free(&down.b);
	return rc;
}

/*
 * Hand ssh's stdin and stdout (in, out) to the session host, so that the
 * client's stream goes straight to it and not through this process (two
 * fewer hops for every keystroke and its echo): HELLO_PASS with the
 * descriptors attached. 0 when the host took them (PASSED); -1 when it
 * cannot (a host older than 1.2 answers ERROR and closes the connection),
 * and the caller relays instead.
 */
int
bridge_pass(int sock, int in, int out)
{
	struct msg_hello h;
	struct buf	 b, rb;
	struct reader	 body;
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*cm;
	union {
		struct cmsghdr	 hdr;
		char		 buf[CMSG_SPACE(2 * sizeof(int))];
	}		 cbuf;
	uint8_t		 type;
	size_t		 size;
	int		 fds[2] = { in, out }, r;

	memset(&h, 0, sizeof h);
	h.major = PROTO_MAJOR;
	h.minor = PROTO_MINOR;
	h.mode = HELLO_PASS;
	buf_init(&b, 4096);
	if (proto_put_hello(&b, &h) != 0) {
		buf_free(&b);
		return -1;
	}
	memset(&msg, 0, sizeof msg);
	memset(&cbuf, 0, sizeof cbuf);
	iov.iov_base = (void *)buf_ptr(&b);
	iov.iov_len = buf_len(&b);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof cbuf.buf;
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof fds);
	memcpy(CMSG_DATA(cm), fds, sizeof fds);
	while ((r = (int)sendmsg(sock, &msg, 0)) == -1 && errno == EINTR)
		;
	if (r != (int)buf_len(&b)) {
		buf_free(&b);
		return -1;
	}
	buf_free(&b);
	buf_init(&rb, 64 * 1024);
	r = client_recv(sock, &rb, &type, &body, &size, BRIDGE_PASS_MS);
	buf_free(&rb);
	if (r != 1 || type != MSG_PASSED) {
		log_debug("bridge: the session did not take the descriptors");
		return -1;
	}
	return 0;
}

/* After bridge_pass: wait until the host closes the connection. */
void
bridge_wait(int sock)
{
	char	 b[256];
	ssize_t	 n;

	compat_set_nonblock(sock, 0);
	while ((n = read(sock, b, sizeof b)) > 0 || (n == -1 && errno == EINTR))
		;
}
