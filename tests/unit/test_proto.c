/*
 * Unit tests for src/proto.c: exact frame bytes, a round trip of every
 * message type, proto_frame at its length limits and cut at every byte
 * boundary, magic and version checks, out-of-range values and trailing bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "proto.h"
#include "../tap.h"

#define BIG	(2 * PROTO_MAX_FRAME)

/*
 * Take the first frame off b: returns proto_frame's result and, on 1, the
 * type and body, having checked that the frame is the whole of b.
 */
static int
one_frame(struct buf *b, uint8_t *type, struct reader *body)
{
	size_t	 size = 0;
	int	 r;

	r = proto_frame(b, type, body, &size);
	if (r == 1 && size != buf_len(b)) {
		diag("frame size %zu but %zu bytes buffered", size,
		    buf_len(b));
		return -100;
	}
	return r;
}

/* HELLO, byte for byte. */
static void
test_hello_bytes(void)
{
	static const uint8_t want[] = {
		0, 0, 0, 34,			/* length */
		MSG_HELLO,
		'T', 'T', 'H', 'R',
		0, PROTO_MAJOR, 0, PROTO_MINOR,
		HELLO_INFO,
		0xa1, 0xb2, 0xc3, 0xd4,		/* flags */
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
		0, 0, 0, 0, 0, 0, 0x10, 0x00,	/* shown */
		0x01, 0x02,			/* rows */
		0x03, 0x04,			/* cols */
	};
	struct msg_hello h = {
		.mode = HELLO_INFO, .flags = 0xa1b2c3d4,
		.instance = 0x0123456789abcdefULL, .shown = 4096,
		.rows = 0x0102, .cols = 0x0304,
	};
	struct buf	 b;

	buf_init(&b, 1024);
	is_int(proto_put_hello(&b, &h), 0, "put HELLO");
	is_int(buf_len(&b), sizeof want, "HELLO is 38 bytes");
	is_mem(buf_ptr(&b), want, sizeof want, "HELLO bytes exactly");
	buf_free(&b);
}

/* Small fixed-layout messages, byte for byte. */
static void
test_small_bytes(void)
{
	static const uint8_t ack[] = {
		0, 0, 0, 9, MSG_ACK, 0, 0, 0, 1, 0, 0, 0, 2,
	};
	static const uint8_t out[] = {
		0, 0, 0, 12, MSG_OUTPUT, 0, 0, 0, 0, 0, 0, 0x01, 0x00,
		'a', 'b', 'c',
	};
	static const uint8_t err[] = {
		0, 0, 0, 8, MSG_ERROR, ERR_DENIED, 0, 0, 0, 2, 'n', 'o',
	};
	static const uint8_t resize[] = {
		0, 0, 0, 5, MSG_RESIZE, 0, 24, 0, 80,
	};
	static const uint8_t ex[] = {
		0, 0, 0, 6, MSG_EXIT, EXIT_SIGNAL, 0, 0, 0, 9,
	};
	static const uint8_t skip[] = {
		0, 0, 0, 17, MSG_SKIP, 0, 0, 0, 0, 0, 0, 0, 5,
		0, 0, 0, 0, 0, 0, 1, 0,
	};
	struct buf	 b;

	buf_init(&b, 1024);
	proto_put_u64(&b, MSG_ACK, 0x100000002ULL);
	is_mem(buf_ptr(&b), ack, sizeof ack, "ACK bytes");
	is_int(buf_len(&b), sizeof ack, "ACK length");
	buf_reset(&b);
	proto_put_data(&b, MSG_OUTPUT, 256, "abc", 3);
	is_mem(buf_ptr(&b), out, sizeof out, "OUTPUT bytes");
	is_int(buf_len(&b), sizeof out, "OUTPUT length");
	buf_reset(&b);
	proto_put_text(&b, MSG_ERROR, ERR_DENIED, "no");
	is_mem(buf_ptr(&b), err, sizeof err, "ERROR bytes");
	is_int(buf_len(&b), sizeof err, "ERROR length");
	buf_reset(&b);
	proto_put_resize(&b, 24, 80);
	is_mem(buf_ptr(&b), resize, sizeof resize, "RESIZE bytes");
	is_int(buf_len(&b), sizeof resize, "RESIZE length");
	buf_reset(&b);
	proto_put_exit(&b, EXIT_SIGNAL, 9);
	is_mem(buf_ptr(&b), ex, sizeof ex, "EXIT bytes");
	is_int(buf_len(&b), sizeof ex, "EXIT length");
	buf_reset(&b);
	proto_put_skip(&b, 5, 256);
	is_mem(buf_ptr(&b), skip, sizeof skip, "SKIP bytes");
	is_int(buf_len(&b), sizeof skip, "SKIP length");
	buf_free(&b);
}

/* HELLO and WELCOME survive a round trip, fields intact. */
static void
test_rt_hello_welcome(void)
{
	struct msg_hello	 h = {
		.major = 77, .minor = 77,	/* ignored: we send ours */
		.mode = HELLO_KILL, .flags = 0xffffffff,
		.instance = UINT64_MAX, .shown = 0x8000000000000001ULL,
		.rows = 65535, .cols = 1,
	}, h2;
	struct msg_welcome	 w = {
		.resume = RESUME_BEHIND, .instance = 0xfeedfacecafebeefULL,
		.out_start = 123456789012ULL, .skipped = 42,
		.in_next = 0xffffffff00000000ULL, .rows = 50, .cols = 132,
	}, w2;
	struct buf		 b;
	struct reader		 body;
	uint8_t			 type = 0;

	buf_init(&b, 4096);
	is_int(proto_put_hello(&b, &h), 0, "put HELLO");
	is_int(one_frame(&b, &type, &body), 1, "HELLO frame");
	is_int(type, MSG_HELLO, "HELLO type");
	is_int(proto_get_hello(&body, &h2), 0, "get HELLO");
	is_int(h2.major, PROTO_MAJOR, "HELLO major is ours");
	is_int(h2.minor, PROTO_MINOR, "HELLO minor is ours");
	is_int(h2.mode, HELLO_KILL, "HELLO mode");
	is_u64(h2.flags, 0xffffffffU, "HELLO flags");
	is_u64(h2.instance, UINT64_MAX, "HELLO instance");
	is_u64(h2.shown, 0x8000000000000001ULL, "HELLO shown");
	is_int(h2.rows, 65535, "HELLO rows");
	is_int(h2.cols, 1, "HELLO cols");
	is_int(body.left, 0, "HELLO body consumed");

	buf_reset(&b);
	strcpy(w.name, "a-session.name@host:1=2,x+y_z");
	w.flags = WELCOME_SCREEN;
	is_int(proto_put_welcome(&b, &w), 0, "put WELCOME");
	is_int(one_frame(&b, &type, &body), 1, "WELCOME frame");
	is_int(type, MSG_WELCOME, "WELCOME type");
	is_int(proto_get_welcome(&body, &w2), 0, "get WELCOME");
	is_int(w2.major, PROTO_MAJOR, "WELCOME major");
	is_int(w2.minor, PROTO_MINOR, "WELCOME minor");
	is_int(w2.resume, RESUME_BEHIND, "WELCOME resume");
	is_u64(w2.instance, 0xfeedfacecafebeefULL, "WELCOME instance");
	is_u64(w2.out_start, 123456789012ULL, "WELCOME out_start");
	is_u64(w2.skipped, 42, "WELCOME skipped");
	is_u64(w2.in_next, 0xffffffff00000000ULL, "WELCOME in_next");
	is_int(w2.rows, 50, "WELCOME rows");
	is_int(w2.cols, 132, "WELCOME cols");
	is_str(w2.name, w.name, "WELCOME name");
	is_int(w2.flags, WELCOME_SCREEN, "WELCOME flags");
	is_int(body.left, 0, "WELCOME body consumed");

	/* The longest name. */
	buf_reset(&b);
	memset(w.name, 'n', PROTO_NAME_MAX);
	w.name[PROTO_NAME_MAX] = '\0';
	w.resume = RESUME_EXACT;
	proto_put_welcome(&b, &w);
	one_frame(&b, &type, &body);
	is_int(proto_get_welcome(&body, &w2), 0, "WELCOME with a 64-byte name");
	is_str(w2.name, w.name, "64-byte name intact");
	buf_free(&b);
}

/* INFO survives a round trip, with strings at their maximum lengths. */
static void
test_rt_info(void)
{
	static struct msg_info	 m, m2;
	struct buf		 b;
	struct reader		 body;
	uint8_t			 type = 0;

	m.host_pid = 4000000000U;
	m.pid = 12345;
	m.created = 1700000000;
	m.attached_at = 0xffffffffffULL;
	m.attached = 1;
	m.rows = 24;
	m.cols = 80;
	memset(m.name, 'N', PROTO_NAME_MAX);
	memset(m.command, 'c', PROTO_TEXT_MAX - 1);
	memset(m.title, 't', PROTO_TITLE_MAX - 1);
	m.exited = 1;
	m.active = 1700000123;
	m.ttl = 0xfffffffeU;
	buf_init(&b, 8192);
	is_int(proto_put_info(&b, &m), 0, "put INFO");
	is_int(one_frame(&b, &type, &body), 1, "INFO frame");
	is_int(type, MSG_INFO, "INFO type");
	is_int(proto_get_info(&body, &m2), 0, "get INFO");
	is_str(m2.name, m.name, "INFO name (64 bytes)");
	is_u64(m2.host_pid, 4000000000U, "INFO host_pid");
	is_u64(m2.pid, 12345, "INFO pid");
	is_u64(m2.created, 1700000000, "INFO created");
	is_u64(m2.attached_at, 0xffffffffffULL, "INFO attached_at");
	is_int(m2.attached, 1, "INFO attached");
	is_int(m2.rows, 24, "INFO rows");
	is_int(m2.cols, 80, "INFO cols");
	is_str(m2.command, m.command, "INFO command (1023 bytes)");
	is_str(m2.title, m.title, "INFO title (255 bytes)");
	is_int(m2.exited, 1, "INFO exited");
	is_u64(m2.active, 1700000123, "INFO active (1.3)");
	is_u64(m2.ttl, 0xfffffffeU, "INFO ttl (1.3)");
	is_int(body.left, 0, "INFO body consumed");

	/* Empty strings. */
	buf_reset(&b);
	memset(&m, 0, sizeof m);
	proto_put_info(&b, &m);
	one_frame(&b, &type, &body);
	is_int(proto_get_info(&body, &m2), 0, "INFO with empty strings");
	is_str(m2.command, "", "empty command");
	buf_free(&b);
}

/* OUTPUT, INPUT and every one-u64 message survive a round trip. */
static void
test_rt_data(void)
{
	static const uint8_t types64[] = {
		MSG_ACK, MSG_INPUT_ACK, MSG_PING, MSG_PONG,
	};
	static uint8_t	 data[PROTO_CHUNK];
	struct buf	 b;
	struct reader	 body;
	const uint8_t	*p = NULL;
	uint64_t	 off = 0, v = 0;
	size_t		 len = 0, i;
	uint8_t		 type = 0;

	for (i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i ^ (i >> 8));
	buf_init(&b, BIG);
	is_int(proto_put_data(&b, MSG_OUTPUT, 1ULL << 40, data, sizeof data),
	    0, "put OUTPUT of PROTO_CHUNK bytes");
	is_int(one_frame(&b, &type, &body), 1, "OUTPUT frame");
	is_int(type, MSG_OUTPUT, "OUTPUT type");
	is_int(proto_get_data(&body, &off, &p, &len), 0, "get OUTPUT");
	is_u64(off, 1ULL << 40, "OUTPUT offset");
	is_int(len, sizeof data, "OUTPUT length");
	is_mem(p, data, sizeof data, "OUTPUT bytes");

	buf_reset(&b);
	is_int(proto_put_data(&b, MSG_INPUT, 7, "x\0y", 3), 0, "put INPUT");
	one_frame(&b, &type, &body);
	is_int(type, MSG_INPUT, "INPUT type");
	is_int(proto_get_data(&body, &off, &p, &len), 0, "get INPUT");
	is_u64(off, 7, "INPUT offset");
	is_int(len, 3, "INPUT length (with a NUL byte)");
	is_mem(p, "x\0y", 3, "INPUT bytes");

	buf_reset(&b);
	proto_put_data(&b, MSG_INPUT, 99, "", 0);
	one_frame(&b, &type, &body);
	is_int(proto_get_data(&body, &off, &p, &len), 0, "empty INPUT");
	is_int(len, 0, "empty INPUT length");
	is_u64(off, 99, "empty INPUT offset");

	for (i = 0; i < sizeof types64; i++) {
		buf_reset(&b);
		is_int(proto_put_u64(&b, types64[i], 0xa5a5a5a5a5a5a5a5ULL ^ i),
		    0, "put %s", proto_type_name(types64[i]));
		is_int(one_frame(&b, &type, &body), 1, "%s frame",
		    proto_type_name(types64[i]));
		is_int(type, types64[i], "%s type", proto_type_name(type));
		is_int(proto_get_u64(&body, &v), 0, "get %s",
		    proto_type_name(types64[i]));
		is_u64(v, 0xa5a5a5a5a5a5a5a5ULL ^ i, "%s value",
		    proto_type_name(types64[i]));
	}
	buf_free(&b);
}

/* ERROR, DETACH, RESIZE, EXIT and SKIP survive a round trip. */
static void
test_rt_misc(void)
{
	static char	 longmsg[PROTO_TEXT_MAX];
	struct buf	 b;
	struct reader	 body;
	char		 text[PROTO_TEXT_MAX];
	uint64_t	 from = 0, to = 0, kept = 0, k;
	uint32_t	 value = 0;
	uint16_t	 rows = 0, cols = 0;
	uint8_t		 type = 0, code = 0, how = 0, jflags = 0;

	buf_init(&b, 8192);
	proto_put_text(&b, MSG_ERROR, ERR_VERSION, "version 1 vs version 2");
	is_int(one_frame(&b, &type, &body), 1, "ERROR frame");
	is_int(type, MSG_ERROR, "ERROR type");
	is_int(proto_get_text(&body, &code, text, sizeof text), 0, "get ERROR");
	is_int(code, ERR_VERSION, "ERROR code");
	is_str(text, "version 1 vs version 2", "ERROR text");

	buf_reset(&b);
	proto_put_text(&b, MSG_DETACH, DETACH_OTHER, "");
	one_frame(&b, &type, &body);
	is_int(type, MSG_DETACH, "DETACH type");
	is_int(proto_get_text(&body, &code, text, sizeof text), 0,
	    "get DETACH");
	is_int(code, DETACH_OTHER, "DETACH code");
	is_str(text, "", "DETACH empty text");

	memset(longmsg, 'm', sizeof longmsg - 1);
	buf_reset(&b);
	is_int(proto_put_text(&b, MSG_ERROR, ERR_BUSY, longmsg), 0,
	    "ERROR with a 1023-byte text");
	one_frame(&b, &type, &body);
	is_int(proto_get_text(&body, &code, text, sizeof text), 0,
	    "get 1023-byte text");
	is_str(text, longmsg, "1023-byte text intact");
	rd_init(&body, buf_ptr(&b) + 5, buf_len(&b) - 5);
	is_int(proto_get_text(&body, &code, text, 100), BUF_ERR_LIMIT,
	    "text longer than the caller's buffer refused");

	buf_reset(&b);
	proto_put_resize(&b, 1000, 2000);
	one_frame(&b, &type, &body);
	is_int(type, MSG_RESIZE, "RESIZE type");
	is_int(proto_get_resize(&body, &rows, &cols), 0, "get RESIZE");
	is_int(rows, 1000, "RESIZE rows");
	is_int(cols, 2000, "RESIZE cols");

	buf_reset(&b);
	proto_put_exit(&b, EXIT_CODE, 255);
	one_frame(&b, &type, &body);
	is_int(type, MSG_EXIT, "EXIT type");
	is_int(proto_get_exit(&body, &how, &value), 0, "get EXIT");
	is_int(how, EXIT_CODE, "EXIT how");
	is_int(value, 255, "EXIT value 255");

	buf_reset(&b);
	proto_put_skip(&b, 1000, 1000000);
	one_frame(&b, &type, &body);
	is_int(type, MSG_SKIP, "SKIP type");
	is_int(proto_get_skip(&body, &from, &to), 0, "get SKIP");
	is_u64(from, 1000, "SKIP from");
	is_u64(to, 1000000, "SKIP to");

	/*
	 * JUMP: a 1.3 host says where the log's copy begins; 1.2 did not.
	 * A 1.4 host says whether the frame goes on the last one's flood.
	 */
	buf_reset(&b);
	kept = 7;
	jflags = JUMP_IN_PLACE;
	proto_put_jump(&b, 5, 9, &kept, &jflags);
	one_frame(&b, &type, &body);
	is_int(type, MSG_JUMP, "JUMP type");
	jflags = 0;
	is_int(proto_get_jump(&body, &from, &to, &kept, &jflags), 0,
	    "get JUMP");
	is_u64(from, 5, "JUMP from");
	is_u64(to, 9, "JUMP to");
	is_u64(kept, 7, "JUMP kept");
	is_int(jflags, JUMP_IN_PLACE, "JUMP flags");
	buf_reset(&b);
	proto_put_jump(&b, 5, 9, &kept, NULL);
	one_frame(&b, &type, &body);
	jflags = 0xff;
	is_int(proto_get_jump(&body, &from, &to, &kept, &jflags), 0,
	    "get a 1.3 JUMP");
	is_int(jflags, 0, "a 1.3 JUMP: no flags");
	buf_reset(&b);
	proto_put_jump(&b, 5, 9, NULL, NULL);
	one_frame(&b, &type, &body);
	is_int(proto_get_jump(&body, &from, &to, &kept, &jflags), 0,
	    "get a 1.2 JUMP");
	is_u64(kept, 5, "a 1.2 JUMP: the log has all of it");
	for (k = 0; k < 12; k += 11) {
		buf_reset(&b);
		proto_put_jump(&b, 5, 9, &k, NULL);
		one_frame(&b, &type, &body);
		is_int(proto_get_jump(&body, &from, &to, &kept, &jflags),
		    PROTO_ERR_VALUE, "JUMP with kept outside [from, to] "
		    "refused");
	}
	buf_free(&b);
}

/* proto_frame at lengths 0, 1, max, max+1 and beyond. */
static void
test_frame_limits(void)
{
	static const uint8_t len0[] = { 0, 0, 0, 0, 1, 2, 3 };
	static const uint8_t len1[] = { 0, 0, 0, 1, 0x42 };
	static const uint8_t over[] = { 0, 0x10, 0, 1 };
	static const uint8_t huge[] = { 0xff, 0xff, 0xff, 0xff, 1 };
	struct buf	 b;
	struct reader	 body;
	const uint8_t	*p = NULL;
	uint64_t	 off = 0;
	size_t		 size = 0, len = 0;
	uint8_t		 type = 0, *data;

	buf_init(&b, BIG);
	buf_put(&b, len0, sizeof len0);
	is_int(proto_frame(&b, &type, &body, &size), PROTO_ERR_FRAME,
	    "frame length 0 refused");

	buf_reset(&b);
	buf_put(&b, len1, sizeof len1);
	is_int(proto_frame(&b, &type, &body, &size), 1, "frame length 1");
	is_int(type, 0x42, "length 1: the type byte");
	is_int(body.left, 0, "length 1: empty body");
	is_int(size, 5, "length 1: frame size 5");

	buf_reset(&b);
	buf_put(&b, over, sizeof over);
	is_int(proto_frame(&b, &type, &body, &size), PROTO_ERR_FRAME,
	    "frame length max+1 refused from its header alone");
	buf_reset(&b);
	buf_put(&b, huge, sizeof huge);
	is_int(proto_frame(&b, &type, &body, &size), PROTO_ERR_FRAME,
	    "frame length 0xffffffff refused");

	/* The largest frame: OUTPUT of PROTO_MAX_FRAME - 9 bytes. */
	data = malloc(PROTO_MAX_FRAME);
	memset(data, 0x5a, PROTO_MAX_FRAME);
	buf_reset(&b);
	is_int(proto_put_data(&b, MSG_OUTPUT, 1, data, PROTO_MAX_FRAME - 9),
	    0, "put OUTPUT filling the largest frame");
	is_int(buf_len(&b), PROTO_MAX_FRAME + 4, "largest frame is max+4");
	is_mem(buf_ptr(&b), "\x00\x10\x00\x00", 4, "its length is max");
	is_int(proto_frame(&b, &type, &body, &size), 1,
	    "frame length max accepted");
	is_int(size, PROTO_MAX_FRAME + 4, "frame size max+4");
	is_int(proto_get_data(&body, &off, &p, &len), 0, "get it");
	is_int(len, PROTO_MAX_FRAME - 9, "all the data");
	buf_consume(&b, PROTO_MAX_FRAME + 3);
	is_int(proto_frame(&b, &type, &body, &size), 0,
	    "one byte left over is not a frame");

	buf_reset(&b);
	is_int(proto_put_data(&b, MSG_OUTPUT, 1, data, PROTO_MAX_FRAME - 8),
	    PROTO_ERR_FRAME, "put OUTPUT one byte over the largest frame");
	free(data);
	buf_free(&b);
}

/* Encode one of every message into b; returns how many frames. */
static int
put_all(struct buf *b, size_t *ends)
{
	struct msg_hello	 h = { .mode = HELLO_ATTACH, .rows = 24 };
	struct msg_welcome	 w = { .instance = 9, .name = "s" };
	struct msg_info		 m = { .name = "s", .command = "sh -l" };
	int			 n = 0;

#define ADD(call) do { call; ends[n++] = buf_len(b); } while (0)
	ADD(proto_put_hello(b, &h));
	ADD(proto_put_welcome(b, &w));
	ADD(proto_put_text(b, MSG_ERROR, ERR_PROTOCOL, "bad"));
	ADD(proto_put_data(b, MSG_OUTPUT, 3, "out", 3));
	ADD(proto_put_u64(b, MSG_ACK, 6));
	ADD(proto_put_data(b, MSG_INPUT, 0, "in", 2));
	ADD(proto_put_u64(b, MSG_INPUT_ACK, 2));
	ADD(proto_put_resize(b, 24, 80));
	ADD(proto_put_text(b, MSG_DETACH, DETACH_USER, "bye"));
	ADD(proto_put_exit(b, EXIT_CODE, 3));
	ADD(proto_put_u64(b, MSG_PING, 1));
	ADD(proto_put_u64(b, MSG_PONG, 1));
	ADD(proto_put_info(b, &m));
	ADD(proto_put_skip(b, 1, 2));
	ADD(proto_put_data(b, MSG_OUTPUT, 6, "", 0));
#undef ADD
	return n;
}

/*
 * A stream of every message, cut after every byte: the frames wholly before
 * the cut come out with the right types and sizes, then 0 (need more),
 * never a false frame or an error.
 */
static void
test_frame_cuts(void)
{
	static const uint8_t types[] = {
		MSG_HELLO, MSG_WELCOME, MSG_ERROR, MSG_OUTPUT, MSG_ACK,
		MSG_INPUT, MSG_INPUT_ACK, MSG_RESIZE, MSG_DETACH, MSG_EXIT,
		MSG_PING, MSG_PONG, MSG_INFO, MSG_SKIP, MSG_OUTPUT,
	};
	struct buf	 all, part;
	struct reader	 body;
	size_t		 ends[32], k, size, at;
	uint8_t		 type;
	int		 n, i, got, r, bad = 0, badtype = 0;

	buf_init(&all, 65536);
	n = put_all(&all, ends);
	is_int(n, 15, "15 messages encoded");
	buf_init(&part, 65536);
	for (k = 0; k <= buf_len(&all); k++) {
		buf_reset(&part);
		buf_put(&part, buf_ptr(&all), k);
		got = 0;
		at = 0;
		while ((r = proto_frame(&part, &type, &body, &size)) == 1) {
			at += size;
			if (got >= n || at != ends[got] || type != types[got])
				badtype++;
			got++;
			buf_consume(&part, size);
		}
		for (i = 0; i < n && ends[i] <= k; i++)
			;
		if (r != 0 || got != i) {
			if (bad++ < 5)
				diag("cut at %zu: %d frames then %d; expected "
				    "%d frames then 0", k, got, r, i);
		}
	}
	is_int(bad, 0, "a stream cut at every byte boundary yields exactly "
	    "the whole frames, then 0");
	is_int(badtype, 0, "each frame has the right type and size");

	/* The same stream fed one byte at a time. */
	buf_reset(&part);
	got = 0;
	bad = 0;
	for (k = 0; k < buf_len(&all); k++) {
		buf_put(&part, buf_ptr(&all) + k, 1);
		while ((r = proto_frame(&part, &type, &body, &size)) == 1) {
			if (got >= n || type != types[got] ||
			    k + 1 != ends[got])
				bad++;
			got++;
			buf_consume(&part, size);
		}
		if (r != 0)
			bad++;
	}
	is_int(got, n, "byte-at-a-time: all frames found");
	is_int(bad, 0, "byte-at-a-time: each found exactly when complete");
	buf_free(&part);
	buf_free(&all);
}

/* Each message's body cut short is an error, never a success. */
static void
test_body_cuts(void)
{
	struct msg_hello	 h = { .mode = HELLO_ATTACH }, h2;
	struct msg_welcome	 w = { .instance = 5, .name = "abc" }, w2;
	struct msg_info		 m = { .name = "x", .command = "y",
				       .title = "z" }, m2;
	struct buf		 b;
	struct reader		 body, cut;
	const uint8_t		*dp;
	size_t			 k, dlen;
	uint64_t		 a, c;
	uint32_t		 v32;
	uint16_t		 r16, c16;
	uint8_t			 type, u8;
	char			 text[64];
	int			 bad;

	buf_init(&b, 4096);
#define CUTS(name, putcall, getcall) CUTS_TO(name, putcall, getcall, 0)
/* A message whose last `opt` bytes were appended by a minor version. */
#define CUTS_TO(name, putcall, getcall, opt) do {			\
	buf_reset(&b);							\
	putcall;							\
	one_frame(&b, &type, &body);					\
	bad = 0;							\
	for (k = 0; k < body.left - (opt); k++) {			\
		rd_init(&cut, body.p, k);				\
		if ((getcall) != BUF_ERR_SHORT)				\
			bad++;						\
	}								\
	rd_init(&cut, body.p, body.left);				\
	is_int((getcall), 0, name " whole body decodes");		\
	is_int(bad, 0, name " cut at every byte is BUF_ERR_SHORT");	\
} while (0)
	CUTS("HELLO", proto_put_hello(&b, &h), proto_get_hello(&cut, &h2));
	CUTS_TO("WELCOME", proto_put_welcome(&b, &w),
	    proto_get_welcome(&cut, &w2), 1);
	rd_init(&cut, body.p, body.left - 1);
	is_int(proto_get_welcome(&cut, &w2), 0,
	    "a 1.0 WELCOME (without the flags of 1.1) decodes");
	is_int(w2.flags, 0, "and has no flags");
	CUTS_TO("INFO", proto_put_info(&b, &m), proto_get_info(&cut, &m2),
	    13);
	rd_init(&cut, body.p, body.left - 13);
	is_int(proto_get_info(&cut, &m2), 0,
	    "a 1.0 INFO (without exited, of 1.1) decodes");
	rd_init(&cut, body.p, body.left - 12);
	is_int(proto_get_info(&cut, &m2), 0,
	    "a 1.1 INFO (without active and ttl, of 1.3) decodes");
	is_u64(m2.ttl, 0, "and has no ttl");
	bad = 0;
	for (k = body.left - 11; k < body.left; k++) {
		rd_init(&cut, body.p, k);
		if (proto_get_info(&cut, &m2) != BUF_ERR_SHORT)
			bad++;
	}
	is_int(bad, 0, "INFO cut inside active or ttl is BUF_ERR_SHORT");
	CUTS("OUTPUT", proto_put_data(&b, MSG_OUTPUT, 1, "", 0),
	    proto_get_data(&cut, &a, &dp, &dlen));
	CUTS("ACK", proto_put_u64(&b, MSG_ACK, 1), proto_get_u64(&cut, &a));
	CUTS("RESIZE", proto_put_resize(&b, 1, 2),
	    proto_get_resize(&cut, &r16, &c16));
	CUTS("ERROR", proto_put_text(&b, MSG_ERROR, 1, "abc"),
	    proto_get_text(&cut, &u8, text, sizeof text));
	CUTS("EXIT", proto_put_exit(&b, EXIT_CODE, 1),
	    proto_get_exit(&cut, &u8, &v32));
	CUTS("SKIP", proto_put_skip(&b, 1, 2), proto_get_skip(&cut, &a, &c));
#undef CUTS
	buf_free(&b);
}

/* Build a HELLO body by hand: magic, version, then the usual fields. */
static void
raw_hello(struct buf *b, const char *magic, uint16_t major, uint16_t minor,
    uint8_t mode)
{
	buf_reset(b);
	buf_put(b, magic, 4);
	buf_put_u16(b, major);
	buf_put_u16(b, minor);
	buf_put_u8(b, mode);
	buf_put_u32(b, 0);
	buf_put_u64(b, 11);
	buf_put_u64(b, 22);
	buf_put_u16(b, 33);
	buf_put_u16(b, 44);
}

/* Magic and version checks on HELLO and WELCOME; trailing bytes. */
static void
test_version(void)
{
	struct msg_hello	 h;
	struct msg_welcome	 w;
	struct buf		 b;
	struct reader		 r;

	buf_init(&b, 4096);
	raw_hello(&b, "TTHX", PROTO_MAJOR, 0, HELLO_ATTACH);
	rd_init(&r, buf_ptr(&b), buf_len(&b));
	is_int(proto_get_hello(&r, &h), PROTO_ERR_MAGIC, "wrong magic");
	raw_hello(&b, "tthr", PROTO_MAJOR, 0, HELLO_ATTACH);
	rd_init(&r, buf_ptr(&b), buf_len(&b));
	is_int(proto_get_hello(&r, &h), PROTO_ERR_MAGIC,
	    "magic is case-sensitive");
	rd_init(&r, "GET / HTTP/1.0\r\n\r\n", 18);
	is_int(proto_get_hello(&r, &h), PROTO_ERR_MAGIC, "HTTP is not tether");
	rd_init(&r, "TTH", 3);
	is_int(proto_get_hello(&r, &h), BUF_ERR_SHORT, "3-byte magic is short");

	raw_hello(&b, PROTO_MAGIC, PROTO_MAJOR + 1, 3, HELLO_ATTACH);
	rd_init(&r, buf_ptr(&b), buf_len(&b));
	is_int(proto_get_hello(&r, &h), PROTO_ERR_VERSION, "next major");
	is_int(h.major, PROTO_MAJOR + 1, "other major filled in");
	is_int(h.minor, 3, "other minor filled in");
	raw_hello(&b, PROTO_MAGIC, 0, 0, HELLO_ATTACH);
	rd_init(&r, buf_ptr(&b), buf_len(&b));
	is_int(proto_get_hello(&r, &h), PROTO_ERR_VERSION, "major 0");
	is_int(h.major, 0, "major 0 filled in");
	/* Another major may change everything after the version. */
	rd_init(&r, "TTHR\xff\xff\x00\x01", 8);
	is_int(proto_get_hello(&r, &h), PROTO_ERR_VERSION,
	    "major 65535 with nothing after the version");
	is_int(h.major, 65535, "major 65535 filled in");
	is_int(h.minor, 1, "its minor filled in");

	raw_hello(&b, PROTO_MAGIC, PROTO_MAJOR, PROTO_MINOR + 9, HELLO_INFO);
	rd_init(&r, buf_ptr(&b), buf_len(&b));
	is_int(proto_get_hello(&r, &h), 0, "a newer minor is accepted");
	is_int(h.minor, PROTO_MINOR + 9, "its minor is reported");
	is_u64(h.instance, 11, "fields after a newer minor");
	is_int(h.cols, 44, "cols after a newer minor");

	/* Trailing bytes (a minor's additions) are allowed in HELLO. */
	raw_hello(&b, PROTO_MAGIC, PROTO_MAJOR, PROTO_MINOR, HELLO_ATTACH);
	buf_put(&b, "future fields", 13);
	rd_init(&r, buf_ptr(&b), buf_len(&b));
	is_int(proto_get_hello(&r, &h), 0, "HELLO with trailing bytes");
	is_u64(h.shown, 22, "fields before the trailing bytes");
	is_int(h.rows, 33, "rows before the trailing bytes");
	is_int(h.cols, 44, "cols before the trailing bytes");

	/* WELCOME: the same checks. */
	buf_reset(&b);
	buf_put(&b, "XTHR", 4);
	buf_put_u16(&b, PROTO_MAJOR);
	buf_put_u16(&b, 0);
	rd_init(&r, buf_ptr(&b), buf_len(&b));
	is_int(proto_get_welcome(&r, &w), PROTO_ERR_MAGIC,
	    "WELCOME wrong magic");
	buf_reset(&b);
	buf_put(&b, PROTO_MAGIC, 4);
	buf_put_u16(&b, 2);
	buf_put_u16(&b, 5);
	rd_init(&r, buf_ptr(&b), buf_len(&b));
	is_int(proto_get_welcome(&r, &w), PROTO_ERR_VERSION,
	    "WELCOME of major 2");
	is_int(w.major, 2, "WELCOME other major filled in");
	is_int(w.minor, 5, "WELCOME other minor filled in");
	buf_free(&b);
}

/* Fields outside their range are PROTO_ERR_VALUE. */
static void
test_values(void)
{
	static const uint8_t modes_bad[] = { 0, 5, 0x80, 0xff };
	struct msg_hello	 h;
	struct msg_welcome	 w = { .instance = 1, .name = "n" }, w2;
	struct buf		 b;
	struct reader		 r;
	const uint8_t		*p;
	uint64_t		 a, c;
	uint32_t		 v32;
	size_t			 i, len;
	uint8_t			 u8, type;
	int			 mode;

	buf_init(&b, 4096);
	for (i = 0; i < sizeof modes_bad; i++) {
		raw_hello(&b, PROTO_MAGIC, PROTO_MAJOR, 0, modes_bad[i]);
		rd_init(&r, buf_ptr(&b), buf_len(&b));
		is_int(proto_get_hello(&r, &h), PROTO_ERR_VALUE,
		    "HELLO mode %u refused", modes_bad[i]);
	}
	for (mode = HELLO_ATTACH; mode <= HELLO_PASS; mode++) {
		raw_hello(&b, PROTO_MAGIC, PROTO_MAJOR, 0, (uint8_t)mode);
		rd_init(&r, buf_ptr(&b), buf_len(&b));
		is_int(proto_get_hello(&r, &h), 0, "HELLO mode %d accepted",
		    mode);
		is_int(h.mode, mode, "HELLO mode %d reported", mode);
	}

	for (i = RESUME_EXACT; i <= RESUME_BEHIND + 1; i++) {
		buf_reset(&b);
		w.resume = (uint8_t)i;
		proto_put_welcome(&b, &w);
		one_frame(&b, &type, &r);
		is_int(proto_get_welcome(&r, &w2),
		    i <= RESUME_BEHIND ? 0 : PROTO_ERR_VALUE,
		    "WELCOME resume %zu %s", i,
		    i <= RESUME_BEHIND ? "accepted" : "refused");
	}
	buf_reset(&b);
	w.resume = RESUME_FRESH;
	w.instance = 0;
	proto_put_welcome(&b, &w);
	one_frame(&b, &type, &r);
	is_int(proto_get_welcome(&r, &w2), PROTO_ERR_VALUE,
	    "WELCOME instance 0 refused");

	/* A WELCOME name longer than PROTO_NAME_MAX, built by hand. */
	buf_reset(&b);
	buf_put(&b, PROTO_MAGIC, 4);
	buf_put_u16(&b, PROTO_MAJOR);
	buf_put_u16(&b, 0);
	buf_put_u8(&b, RESUME_FRESH);
	for (i = 0; i < 4; i++)
		buf_put_u64(&b, 1);
	buf_put_u16(&b, 24);
	buf_put_u16(&b, 80);
	buf_put_u32(&b, PROTO_NAME_MAX + 1);
	for (i = 0; i < PROTO_NAME_MAX + 1; i++)
		buf_put_u8(&b, 'a');
	rd_init(&r, buf_ptr(&b), buf_len(&b));
	is_int(proto_get_welcome(&r, &w2), BUF_ERR_LIMIT,
	    "WELCOME name of 65 bytes refused");

	buf_reset(&b);
	proto_put_exit(&b, 2, 0);
	one_frame(&b, &type, &r);
	is_int(proto_get_exit(&r, &u8, &v32), PROTO_ERR_VALUE,
	    "EXIT how 2 refused");
	buf_reset(&b);
	proto_put_exit(&b, EXIT_SIGNAL, 256);
	one_frame(&b, &type, &r);
	is_int(proto_get_exit(&r, &u8, &v32), PROTO_ERR_VALUE,
	    "EXIT value 256 refused");

	buf_reset(&b);
	proto_put_skip(&b, 10, 9);
	one_frame(&b, &type, &r);
	is_int(proto_get_skip(&r, &a, &c), PROTO_ERR_VALUE,
	    "SKIP with to < from refused");
	buf_reset(&b);
	proto_put_skip(&b, 10, 10);
	one_frame(&b, &type, &r);
	is_int(proto_get_skip(&r, &a, &c), 0, "SKIP with to == from accepted");

	buf_reset(&b);
	proto_put_data(&b, MSG_OUTPUT, UINT64_MAX - 2, "abc", 3);
	one_frame(&b, &type, &r);
	is_int(proto_get_data(&r, &a, &p, &len), PROTO_ERR_VALUE,
	    "data whose end overflows 64 bits refused");
	buf_reset(&b);
	proto_put_data(&b, MSG_OUTPUT, UINT64_MAX - 3, "abc", 3);
	one_frame(&b, &type, &r);
	is_int(proto_get_data(&r, &a, &p, &len), 0,
	    "data ending exactly at 2^64-1 accepted");

	buf_reset(&b);
	{
		char	 toolong[PROTO_TEXT_MAX + 1];

		memset(toolong, 'e', PROTO_TEXT_MAX);
		toolong[PROTO_TEXT_MAX] = '\0';
		is_int(proto_put_text(&b, MSG_ERROR, 1, toolong),
		    PROTO_ERR_VALUE, "put of a 1024-byte text refused");
		is_int(buf_len(&b), 0, "refused text left nothing behind");
	}
	buf_free(&b);
}

/* Encoding into a buffer that is too small fails. */
static void
test_put_limit(void)
{
	static const uint8_t	 zeros[100];
	struct msg_hello	 h = { .mode = HELLO_ATTACH };
	struct buf		 b;

	buf_init(&b, 37);
	ok(proto_put_hello(&b, &h) != 0, "HELLO (38 bytes) into 37 fails");
	buf_free(&b);
	buf_init(&b, 38);
	is_int(proto_put_hello(&b, &h), 0, "HELLO into exactly 38 fits");
	buf_free(&b);
	buf_init(&b, 100);
	is_int(proto_put_data(&b, MSG_OUTPUT, 0, zeros, 100 - 13), 0,
	    "OUTPUT of 87 bytes (a 100-byte frame) fills a 100-byte buffer");
	buf_reset(&b);
	ok(proto_put_data(&b, MSG_OUTPUT, 0, zeros, 100 - 13 + 1) != 0,
	    "OUTPUT one byte larger than the buffer fails");
	buf_free(&b);
}

/* Message type names. */
static void
test_names(void)
{
	is_str(proto_type_name(MSG_HELLO), "HELLO", "name of HELLO");
	is_str(proto_type_name(MSG_INPUT_ACK), "INPUT_ACK", "name of INPUT_ACK");
	is_str(proto_type_name(MSG_SKIP), "SKIP", "name of SKIP");
	is_str(proto_type_name(MSG_SCREEN), "SCREEN", "name of SCREEN");
	is_str(proto_type_name(MSG_JUMP), "JUMP", "name of JUMP");
	is_str(proto_type_name(MSG_PASSED), "PASSED", "name of PASSED");
	is_str(proto_type_name(MSG_OTHERS), "OTHERS", "name of OTHERS");
	is_str(proto_type_name(MSG_NOTICE), "NOTICE", "name of NOTICE");
	is_str(proto_type_name(18), "UNKNOWN", "type 18 is unknown");
	is_str(proto_type_name(0xff), "UNKNOWN", "type 255 is unknown");
	ok(proto_type_name(0) != NULL, "type 0 has some name");
}

int
main(void)
{
	test_hello_bytes();
	test_small_bytes();
	test_rt_hello_welcome();
	test_rt_info();
	test_rt_data();
	test_rt_misc();
	test_frame_limits();
	test_frame_cuts();
	test_body_cuts();
	test_version();
	test_values();
	test_put_limit();
	test_names();
	return done_testing();
}
