/*
 * Writes the seed corpora of the protocol harnesses (fuzz/corpus/frame,
 * hello, host, client, escape) with the project's own encoder, so that the
 * seeds are the frames tether really sends: `make fuzz-seeds`. The screen
 * corpus is real terminal output, captured by fuzz/capture.sh.
 */
#include <sys/stat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "proto.h"

#define INSTANCE	0x0123456789abcdefULL	/* host_test_new's */

static const char *top;

static void
save(const char *dir, const char *name, const void *p, size_t len)
{
	char	 path[512];
	FILE	*f;

	snprintf(path, sizeof path, "%s/%s", top, dir);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/%s/%s", top, dir, name);
	if ((f = fopen(path, "wb")) == NULL || fwrite(p, 1, len, f) != len ||
	    fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static void
savebuf(const char *dir, const char *name, struct buf *b)
{
	save(dir, name, buf_ptr(b), buf_len(b));
}

static void
hello(struct buf *b, uint8_t mode, uint32_t flags, uint64_t inst,
    uint64_t shown, uint16_t rows, uint16_t cols)
{
	struct msg_hello	 m;

	memset(&m, 0, sizeof m);
	m.major = PROTO_MAJOR;
	m.minor = PROTO_MINOR;
	m.mode = mode;
	m.flags = flags;
	m.instance = inst;
	m.shown = shown;
	m.rows = rows;
	m.cols = cols;
	proto_put_hello(b, &m);
}

static void
welcome(struct buf *b, uint8_t resume, uint64_t start, uint64_t skipped,
    uint64_t in_next, uint8_t flags)
{
	struct msg_welcome	 w;

	memset(&w, 0, sizeof w);
	w.major = PROTO_MAJOR;
	w.minor = PROTO_MINOR;
	w.resume = resume;
	w.instance = INSTANCE;
	w.out_start = start;
	w.skipped = skipped;
	w.in_next = in_next;
	w.rows = 24;
	w.cols = 80;
	snprintf(w.name, sizeof w.name, "main");
	w.flags = flags;
	proto_put_welcome(b, &w);
}

static void
info(struct buf *b)
{
	struct msg_info		 m;

	memset(&m, 0, sizeof m);
	snprintf(m.name, sizeof m.name, "main");
	m.host_pid = 4242;
	m.pid = 4243;
	m.created = 1700000000;
	m.attached_at = 1700000100;
	m.attached = 1;
	m.rows = 24;
	m.cols = 80;
	snprintf(m.command, sizeof m.command, "bash -l");
	snprintf(m.title, sizeof m.title, "user@host: ~");
	m.exited = 0;
	proto_put_info(b, &m);
}

/* Every message type once, as one stream. */
static void
every(struct buf *b)
{
	hello(b, HELLO_ATTACH, HELLO_SCREEN, 0, 0, 24, 80);
	welcome(b, RESUME_FRESH, 100, 100, 0, WELCOME_SCREEN);
	proto_put_text(b, MSG_ERROR, ERR_VERSION, "protocol version mismatch");
	proto_put_data(b, MSG_OUTPUT, 100, "hello\r\n", 7);
	proto_put_u64(b, MSG_ACK, 107);
	proto_put_data(b, MSG_INPUT, 0, "ls\r", 3);
	proto_put_u64(b, MSG_INPUT_ACK, 3);
	proto_put_resize(b, 50, 132);
	proto_put_text(b, MSG_DETACH, DETACH_OTHER, "attached elsewhere");
	proto_put_exit(b, EXIT_SIGNAL, 9);
	proto_put_u64(b, MSG_PING, 12345);
	proto_put_u64(b, MSG_PONG, 12345);
	info(b);
	proto_put_skip(b, 107, 4096);
	proto_put_data(b, MSG_SCREEN, 0, "\033[H\033[2Jx", 8);
}

/* The frame harness: a piece size, then a stream. */
static void
frames(void)
{
	struct buf	 b, one;
	uint8_t		 piece;
	char		 name[32];
	int		 t;

	buf_init(&b, 1 << 20);
	buf_init(&one, 1 << 20);
	for (t = MSG_HELLO; t <= MSG_SCREEN; t++) {
		buf_reset(&one);
		buf_put_u8(&one, 0);
		every(&b);
		/* Pick frame t out of the stream. */
		{
			struct reader	 r;
			uint8_t		 type;
			size_t		 size;

			while (proto_frame(&b, &type, &r, &size) == 1) {
				if (type == t)
					buf_put(&one, buf_ptr(&b), size);
				buf_consume(&b, size);
			}
		}
		snprintf(name, sizeof name, "type-%02d-%s", t,
		    proto_type_name((uint8_t)t));
		savebuf("corpus/frame", name, &one);
		buf_reset(&b);
	}
	for (piece = 0; piece < 8; piece += 7) {
		buf_reset(&b);
		buf_put_u8(&b, piece);
		every(&b);
		snprintf(name, sizeof name, "stream-piece-%u", piece);
		savebuf("corpus/frame", name, &b);
	}
	save("corpus/frame", "bad-length", "\0\0\0\0\0\x01", 6);
	save("corpus/frame", "too-long", "\0\0\x10\0\x01\x04", 6);
	save("corpus/frame", "optional-type", "\0\0\0\0\x03\x80zz", 8);
	buf_free(&b);
	buf_free(&one);
}

/* The hello harness: one HELLO or WELCOME body, no frame header. */
static void
hellos(void)
{
	struct buf	 b;
	uint8_t		 mode;
	char		 name[32];

	buf_init(&b, 1 << 20);
	for (mode = HELLO_ATTACH; mode <= HELLO_KILL; mode++) {
		buf_reset(&b);
		hello(&b, mode, HELLO_SCREEN, 0, 0, 24, 80);
		buf_consume(&b, 5);
		snprintf(name, sizeof name, "hello-mode-%u", mode);
		savebuf("corpus/hello", name, &b);
	}
	buf_reset(&b);
	hello(&b, HELLO_ATTACH, 0, INSTANCE, 0, 40, 120);
	buf_consume(&b, 5);
	savebuf("corpus/hello", "hello-resume", &b);
	/* Another major: the version mismatch path. */
	buf_reset(&b);
	hello(&b, HELLO_ATTACH, 0, 0, 0, 24, 80);
	buf_consume(&b, 5);
	((uint8_t *)buf_ptr(&b))[5] = 2;
	savebuf("corpus/hello", "hello-major-2", &b);
	save("corpus/hello", "not-tether", "SSH-2.0-OpenSSH_9.2\r\n", 21);
	buf_reset(&b);
	welcome(&b, RESUME_FRESH, 0, 0, 0, 0);
	buf_consume(&b, 5);
	savebuf("corpus/hello", "welcome-fresh", &b);
	/* A 1.0 WELCOME: no flags byte. */
	buf_truncate(&b, buf_len(&b) - 1);
	savebuf("corpus/hello", "welcome-1.0", &b);
	buf_reset(&b);
	welcome(&b, RESUME_BEHIND, 5000, 1000, 7, WELCOME_SCREEN);
	buf_consume(&b, 5);
	savebuf("corpus/hello", "welcome-behind-screen", &b);
	buf_free(&b);
}

/* A host harness operation: send the frames in b as connection k. */
static void
op_send(struct buf *out, int k, struct buf *b)
{
	size_t	 n;

	while (buf_len(b) > 0) {
		n = buf_len(b) < 255 ? buf_len(b) : 255;
		buf_put_u8(out, (uint8_t)(k << 3));
		buf_put_u8(out, (uint8_t)n);
		buf_put(out, buf_ptr(b), n);
		buf_consume(b, n);
	}
}

static void
op(struct buf *out, uint8_t what, int k)
{
	buf_put_u8(out, (uint8_t)(what | k << 3));
}

static void
op_output(struct buf *out, const char *s)
{
	op(out, 3, 0);
	buf_put_u8(out, (uint8_t)strlen(s));
	buf_put(out, s, strlen(s));
}

static void
hosts(void)
{
	struct buf	 o, f;

	buf_init(&o, 1 << 20);
	buf_init(&f, 1 << 20);

	/* Attach, type, see output, acknowledge, resize, ping, detach. */
	buf_put_u8(&o, 0);
	op_output(&o, "\033[1m$\033[m ");
	hello(&f, HELLO_ATTACH, HELLO_SCREEN, 0, 0, 24, 80);
	proto_put_data(&f, MSG_INPUT, 0, "ls\r", 3);
	op_send(&o, 0, &f);
	op(&o, 4, 0);
	op_output(&o, "ls\r\nfile1  file2\r\n$ ");
	op(&o, 4, 0);
	proto_put_u64(&f, MSG_ACK, 10);
	proto_put_data(&f, MSG_INPUT, 0, "ls\rexit\r", 8);
	proto_put_resize(&f, 50, 132);
	proto_put_u64(&f, MSG_PING, 77);
	proto_put_u64(&f, MSG_PONG, 77);
	op_send(&o, 0, &f);
	op(&o, 4, 0);
	proto_put_text(&f, MSG_DETACH, DETACH_USER, "");
	op_send(&o, 0, &f);
	savebuf("corpus/host", "attach-session", &o);

	/* A second client takes over; the first is detached. */
	buf_reset(&o);
	buf_put_u8(&o, 0);
	op(&o, 7, 0);
	buf_put_u8(&o, 3);
	hello(&f, HELLO_ATTACH, 0, 0, 0, 24, 80);
	op_send(&o, 0, &f);
	op(&o, 4, 0);
	hello(&f, HELLO_ATTACH, HELLO_SCREEN, INSTANCE, 100, 30, 100);
	op_send(&o, 1, &f);
	op(&o, 4, 0);
	op(&o, 5, 0);
	op(&o, 4, 0);
	savebuf("corpus/host", "takeover", &o);

	/* Resume exactly, then from behind the ring. */
	buf_reset(&o);
	buf_put_u8(&o, 0);
	op_output(&o, "one\r\ntwo\r\n");
	hello(&f, HELLO_ATTACH, 0, INSTANCE, 5, 24, 80);
	op_send(&o, 0, &f);
	op(&o, 4, 0);
	op(&o, 5, 0);
	op(&o, 7, 0);
	buf_put_u8(&o, 100);
	hello(&f, HELLO_ATTACH, HELLO_SCREEN, INSTANCE, 5, 24, 80);
	op_send(&o, 1, &f);
	op(&o, 4, 0);
	savebuf("corpus/host", "resume", &o);

	/* ls and kill, the program exited. */
	buf_reset(&o);
	buf_put_u8(&o, 1);
	hello(&f, HELLO_INFO, 0, 0, 0, 0, 0);
	op_send(&o, 0, &f);
	op(&o, 4, 0);
	hello(&f, HELLO_KILL, 0, 0, 0, 0, 0);
	op_send(&o, 1, &f);
	op(&o, 4, 0);
	savebuf("corpus/host", "info-kill", &o);

	/* Things a host refuses. */
	buf_reset(&o);
	buf_put_u8(&o, 0);
	proto_put_u64(&f, MSG_PING, 1);
	op_send(&o, 0, &f);
	hello(&f, HELLO_ATTACH, 0, INSTANCE, 999999, 24, 80);
	op_send(&o, 1, &f);
	hello(&f, HELLO_ATTACH, 0, 0, 0, 24, 80);
	proto_put_data(&f, MSG_INPUT, 5, "gap", 3);
	op_send(&o, 2, &f);
	hello(&f, HELLO_ATTACH, 0, 0, 0, 24, 80);
	proto_put_u64(&f, MSG_ACK, 1000);
	op_send(&o, 3, &f);
	op(&o, 4, 0);
	savebuf("corpus/host", "refused", &o);
	buf_free(&o);
	buf_free(&f);
}

/* A client harness operation: the host sends b. */
static void
cop_host(struct buf *out, struct buf *b)
{
	size_t	 n;

	while (buf_len(b) > 0) {
		n = buf_len(b) < 255 ? buf_len(b) : 255;
		buf_put_u8(out, 0);
		buf_put_u8(out, (uint8_t)n);
		buf_put(out, buf_ptr(b), n);
		buf_consume(b, n);
	}
}

static void
cop_keys(struct buf *out, const char *s)
{
	buf_put_u8(out, 1);
	buf_put_u8(out, (uint8_t)strlen(s));
	buf_put(out, s, strlen(s));
}

static void
clients(void)
{
	struct buf	 o, f;

	buf_init(&o, 1 << 20);
	buf_init(&f, 1 << 20);

	/* A fresh attach with a repaint, output, input, the end. */
	buf_put_u8(&o, 1);
	welcome(&f, RESUME_FRESH, 300, 300, 0, WELCOME_SCREEN);
	proto_put_data(&f, MSG_SCREEN, 9, "\033[H\033[2J", 7);
	proto_put_data(&f, MSG_SCREEN, 0, "$ ", 2);
	proto_put_data(&f, MSG_OUTPUT, 300, "ls\r\n", 4);
	cop_host(&o, &f);
	buf_put_u8(&o, 2);
	cop_keys(&o, "ls\r~?");
	buf_put_u8(&o, 2);
	proto_put_u64(&f, MSG_INPUT_ACK, 3);
	proto_put_u64(&f, MSG_PING, 5);
	proto_put_u64(&f, MSG_PONG, 0);
	proto_put_skip(&f, 304, 1000);
	proto_put_data(&f, MSG_OUTPUT, 1000, "x\r\n", 3);
	cop_host(&o, &f);
	buf_put_u8(&o, 2);
	buf_put_u8(&o, 3);
	welcome(&f, RESUME_EXACT, 1003, 0, 3, 0);
	proto_put_data(&f, MSG_OUTPUT, 1003, "y", 1);
	proto_put_exit(&f, EXIT_CODE, 0);
	cop_host(&o, &f);
	buf_put_u8(&o, 2);
	savebuf("corpus/client", "session", &o);

	/* Lost in the middle of a repaint, then behind. */
	buf_reset(&o);
	buf_put_u8(&o, 1);
	welcome(&f, RESUME_FRESH, 300, 300, 0, WELCOME_SCREEN);
	proto_put_data(&f, MSG_SCREEN, 9, "\033[H\033[2J", 7);
	cop_host(&o, &f);
	buf_put_u8(&o, 3);
	welcome(&f, RESUME_BEHIND, 5000, 4700, 0, 0);
	proto_put_data(&f, MSG_OUTPUT, 5000, "late\r\n", 6);
	cop_host(&o, &f);
	buf_put_u8(&o, 2);
	savebuf("corpus/client", "repaint-lost", &o);

	/* Refusals: an ERROR, another version, a DETACH. */
	buf_reset(&o);
	buf_put_u8(&o, 0);
	proto_put_text(&f, MSG_ERROR, ERR_GONE, "no session main");
	cop_host(&o, &f);
	savebuf("corpus/client", "error", &o);
	buf_reset(&o);
	buf_put_u8(&o, 2);
	welcome(&f, RESUME_FRESH, 0, 0, 0, 0);
	proto_put_text(&f, MSG_DETACH, DETACH_OTHER, "attached elsewhere");
	cop_host(&o, &f);
	buf_put_u8(&o, 2);
	savebuf("corpus/client", "detached", &o);
	buf_free(&o);
	buf_free(&f);
}

static void
escapes(void)
{
	static const struct {
		const char	*name;
		const char	*bytes;
		size_t		 len;
	} e[] = {
		{ "detach", "~\x00ls\r~.", 7 },
		{ "help", "~\x00~?", 4 },
		{ "tilde-tilde", "~\x00~~x\r~x", 8 },
		{ "reconnect", "~\x01\r~r", 5 },
		{ "suspend", "~\x00\n~\x1a", 5 },
		{ "ctrl-bracket", "\x1d\x04\r\x1d.", 5 },
		{ "none", "\xff\x00~.~?", 6 },
		{ "spec-caret", "^A\x01\r\x01.", 6 },
	};
	size_t	 i;

	for (i = 0; i < sizeof e / sizeof e[0]; i++)
		save("corpus/escape", e[i].name, e[i].bytes, e[i].len);
}

int
main(int argc, char **argv)
{
	top = argc > 1 ? argv[1] : "fuzz";
	frames();
	hellos();
	hosts();
	clients();
	escapes();
	return 0;
}
