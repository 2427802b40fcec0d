/*
 * libFuzzer harness: the hello and version negotiation. The bytes are one
 * HELLO body and one WELCOME body at once (the host's and the client's
 * decoders), then the host's answer to them as a first frame: a fresh host
 * gets the HELLO and must answer WELCOME, INFO, ERROR or nothing (KILL),
 * and a fresh client gets that answer back as its first frame.
 */
#include <sys/socket.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "client.h"
#include "host.h"
#include "clamp.h"
#include "proto.h"

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

static int
null_connect(void *arg, int attempt, char *why, size_t size)
{
	return open("/dev/null", O_WRONLY | O_CLOEXEC);
}

static void
frame(struct buf *b, uint8_t type, const uint8_t *body, size_t len)
{
	CHECK(buf_put_u32(b, (uint32_t)len + 1) == 0);
	CHECK(buf_put_u8(b, type) == 0);
	CHECK(buf_put(b, body, len) == 0);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int	 fd;

	/* The client writes to its terminal: stdout. */
	if ((fd = open("/dev/null", O_WRONLY)) != -1) {
		dup2(fd, STDOUT_FILENO);
		close(fd);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct client_opts	 o;
	struct msg_hello	 h;
	struct msg_welcome	 w;
	struct reader		 r;
	struct buf		 b;
	struct host		*host;
	struct client		*c;
	uint8_t			 tmp[4096];
	ssize_t			 n;
	int			 e, slot, sv[2];

	if (size > 4096)
		return 0;
	memset(&o, 0, sizeof o);
	o.name = "test";
	o.escape = '~';
	o.timeout_ms = 10000;
	o.connect = null_connect;
	rd_init(&r, data, size);
	e = proto_get_hello(&r, &h);
	CHECK(e == 0 || e == PROTO_ERR_MAGIC || e == PROTO_ERR_VERSION ||
	    e == PROTO_ERR_VALUE || e == BUF_ERR_SHORT);
	CHECK(e != PROTO_ERR_VERSION || h.major != PROTO_MAJOR);
	rd_init(&r, data, size);
	e = proto_get_welcome(&r, &w);
	CHECK(e == 0 || e == PROTO_ERR_MAGIC || e == PROTO_ERR_VERSION ||
	    e == PROTO_ERR_VALUE || e == BUF_ERR_SHORT || e == BUF_ERR_LIMIT ||
	    e == BUF_ERR_FORMAT);
	CHECK(e != PROTO_ERR_VERSION || w.major != PROTO_MAJOR);

	/* The bytes as a HELLO frame to a host, whose answer goes to a client. */
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
	    sv) == 0);
	buf_init(&b, PROTO_MAX_FRAME + 4);
	frame(&b, MSG_HELLO, data, size);
	host = host_test_new(size > 0 && data[size - 1] & 1);
	slot = host_test_conn(host, sv[0]);
	CHECK(slot >= 0);
	host_test_bytes(host, slot, buf_ptr(&b), buf_len(&b));
	host_test_turn(host);
	c = client_test_new(&o);
	while ((n = read(sv[1], tmp, sizeof tmp)) > 0)
		client_test_bytes(c, tmp, (size_t)n);
	client_test_turn(c);
	client_test_free(c);
	host_test_free(host);
	close(sv[1]);

	/* And as a WELCOME frame to a client. */
	buf_reset(&b);
	frame(&b, MSG_WELCOME, data, size);
	c = client_test_new(&o);
	client_test_bytes(c, buf_ptr(&b), buf_len(&b));
	client_test_turn(c);
	client_test_free(c);
	buf_free(&b);
	return 0;
}
