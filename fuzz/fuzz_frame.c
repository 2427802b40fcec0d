/*
 * libFuzzer harness: the frame decoder (proto_frame) over a byte stream
 * that arrives in pieces of any size, and every message parser of
 * src/proto.c on every frame body, whatever the frame's type says. A
 * message that decodes is encoded again and must decode to the same
 * fields (the encoder and the decoder agree).
 *
 * Input: byte 0 picks the piece size, the rest is the stream.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "proto.h"

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

/* Frame one encoded message of out and return its body. */
static void
reframe(struct buf *out, uint8_t want, struct reader *body)
{
	uint8_t	 type;
	size_t	 size;

	CHECK(proto_frame(out, &type, body, &size) == 1);
	CHECK(type == want && size == buf_len(out));
}

static void
try_hello(struct reader r)
{
	struct msg_hello	 m, m2;
	struct buf		 b;
	struct reader		 body;
	int			 e;

	e = proto_get_hello(&r, &m);
	if (e == PROTO_ERR_VERSION)
		CHECK(m.major != PROTO_MAJOR);
	if (e != 0)
		return;
	CHECK(m.major == PROTO_MAJOR);
	CHECK(m.mode >= HELLO_ATTACH && m.mode <= HELLO_PASS);
	buf_init(&b, PROTO_MAX_FRAME + 4);
	CHECK(proto_put_hello(&b, &m) == 0);
	reframe(&b, MSG_HELLO, &body);
	CHECK(proto_get_hello(&body, &m2) == 0 && body.left == 0);
	CHECK(m2.minor == PROTO_MINOR);
	m2.minor = m.minor;
	CHECK(memcmp(&m, &m2, sizeof m) == 0);
	buf_free(&b);
}

static void
try_welcome(struct reader r)
{
	struct msg_welcome	 m, m2;
	struct buf		 b;
	struct reader		 body;
	int			 e;

	e = proto_get_welcome(&r, &m);
	if (e == PROTO_ERR_VERSION)
		CHECK(m.major != PROTO_MAJOR);
	if (e != 0)
		return;
	CHECK(m.resume <= RESUME_BEHIND && m.instance != 0);
	CHECK(strlen(m.name) <= PROTO_NAME_MAX);
	buf_init(&b, PROTO_MAX_FRAME + 4);
	CHECK(proto_put_welcome(&b, &m) == 0);
	reframe(&b, MSG_WELCOME, &body);
	CHECK(proto_get_welcome(&body, &m2) == 0 && body.left == 0);
	m2.minor = m.minor;
	CHECK(memcmp(&m, &m2, sizeof m) == 0);
	buf_free(&b);
}

static void
try_info(struct reader r)
{
	struct msg_info		 m, m2;
	struct buf		 b;
	struct reader		 body;

	if (proto_get_info(&r, &m) != 0)
		return;
	buf_init(&b, PROTO_MAX_FRAME + 4);
	CHECK(proto_put_info(&b, &m) == 0);
	reframe(&b, MSG_INFO, &body);
	CHECK(proto_get_info(&body, &m2) == 0 && body.left == 0);
	CHECK(memcmp(&m, &m2, sizeof m) == 0);
	buf_free(&b);
}

static void
try_data(struct reader r, uint8_t type)
{
	const uint8_t	*data, *data2;
	uint64_t	 off, off2;
	size_t		 len, len2;
	struct buf	 b;
	struct reader	 body;

	if (proto_get_data(&r, &off, &data, &len) != 0)
		return;
	CHECK(r.left == 0 && off <= UINT64_MAX - len);
	buf_init(&b, PROTO_MAX_FRAME + 4);
	CHECK(proto_put_data(&b, type, off, data, len) == 0);
	reframe(&b, type, &body);
	CHECK(proto_get_data(&body, &off2, &data2, &len2) == 0);
	CHECK(off2 == off && len2 == len && memcmp(data, data2, len) == 0);
	buf_free(&b);
}

static void
try_small(struct reader r0)
{
	struct reader	 r;
	struct buf	 b;
	struct reader	 body;
	uint64_t	 v, v2, w, w2, k, k2;
	uint32_t	 value, value2;
	uint16_t	 rows, cols, rows2, cols2;
	uint8_t		 code, code2, f, f2;
	char		 text[PROTO_TEXT_MAX], text2[PROTO_TEXT_MAX];

	buf_init(&b, PROTO_MAX_FRAME + 4);
	r = r0;
	if (proto_get_u64(&r, &v) == 0) {
		CHECK(proto_put_u64(&b, MSG_PING, v) == 0);
		reframe(&b, MSG_PING, &body);
		CHECK(proto_get_u64(&body, &v2) == 0 && v2 == v);
		buf_reset(&b);
	}
	r = r0;
	if (proto_get_resize(&r, &rows, &cols) == 0) {
		CHECK(proto_put_resize(&b, rows, cols) == 0);
		reframe(&b, MSG_RESIZE, &body);
		CHECK(proto_get_resize(&body, &rows2, &cols2) == 0);
		CHECK(rows2 == rows && cols2 == cols);
		buf_reset(&b);
	}
	r = r0;
	if (proto_get_text(&r, &code, text, sizeof text) == 0) {
		CHECK(strlen(text) < sizeof text);
		CHECK(proto_put_text(&b, MSG_ERROR, code, text) == 0);
		reframe(&b, MSG_ERROR, &body);
		CHECK(proto_get_text(&body, &code2, text2, sizeof text2) == 0);
		CHECK(code2 == code && strcmp(text, text2) == 0);
		buf_reset(&b);
	}
	/* A small buffer, as a caller with less room would give. */
	r = r0;
	if (proto_get_text(&r, &code, text, 8) == 0)
		CHECK(strlen(text) < 8);
	r = r0;
	if (proto_get_exit(&r, &code, &value) == 0) {
		CHECK(code <= EXIT_SIGNAL && value <= 255);
		CHECK(proto_put_exit(&b, code, value) == 0);
		reframe(&b, MSG_EXIT, &body);
		CHECK(proto_get_exit(&body, &code2, &value2) == 0);
		CHECK(code2 == code && value2 == value);
		buf_reset(&b);
	}
	r = r0;
	if (proto_get_skip(&r, &v, &w) == 0) {
		CHECK(w >= v);
		CHECK(proto_put_skip(&b, v, w) == 0);
		reframe(&b, MSG_SKIP, &body);
		CHECK(proto_get_skip(&body, &v2, &w2) == 0);
		CHECK(v2 == v && w2 == w);
		buf_reset(&b);
	}
	r = r0;
	if (proto_get_jump(&r, &v, &w, &k, &f) == 0) {
		CHECK(v <= k && k <= w);
		CHECK(proto_put_jump(&b, v, w, &k, &f) == 0);
		reframe(&b, MSG_JUMP, &body);
		CHECK(proto_get_jump(&body, &v2, &w2, &k2, &f2) == 0);
		CHECK(v2 == v && w2 == w && k2 == k && f2 == f);
		buf_reset(&b);
	}
	buf_free(&b);
}

/* Every parser on one body. */
static void
try_body(uint8_t type, struct reader body)
{
	(void)proto_type_name(type);
	try_hello(body);
	try_welcome(body);
	try_info(body);
	try_data(body, type == MSG_SCREEN || type == MSG_INPUT ? type :
	    MSG_OUTPUT);
	try_small(body);
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 in;
	struct reader	 body;
	uint8_t		 type;
	size_t		 piece, n, fsize;
	int		 e = 0;

	if (size < 1)
		return 0;
	piece = data[0] == 0 ? size : data[0];
	data++;
	size--;
	buf_init(&in, PROTO_MAX_FRAME + 4 + 64 * 1024);
	while (size > 0 && e >= 0) {
		n = size < piece ? size : piece;
		CHECK(buf_put(&in, data, n) == 0);
		data += n;
		size -= n;
		while ((e = proto_frame(&in, &type, &body, &fsize)) == 1) {
			CHECK(fsize >= 5 && fsize <= buf_len(&in));
			CHECK(body.left == fsize - 5);
			try_body(type, body);
			buf_consume(&in, fsize);
		}
		CHECK(e == 0 || e == PROTO_ERR_FRAME);
	}
	buf_free(&in);
	return 0;
}
