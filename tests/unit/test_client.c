/*
 * Unit tests for src/client.c through client_test_*: what a remote client
 * writes to its terminal for the frames of a flood on a slow link. The
 * first frame comes with a marker; later ones (JUMP_IN_PLACE) are drawn
 * over it with none; when the flood is over (output after it, or a second
 * without a frame) one more marker says how much more they skipped, and
 * the last frame is drawn again. The terminal is a file on descriptor 1
 * while the client runs; the TAP output goes to the real one between.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "client.h"
#include "escape.h"
#include "proto.h"
#include "../tap.h"

static int	 tap_fd = -1;	/* the real standard output */
static char	 term_path[] = "/tmp/tether-test-client.XXXXXX";
static int	 term_fd = -1;

static int
null_connect(void *arg, int attempt, char *why, size_t size)
{
	return open("/dev/null", O_WRONLY | O_CLOEXEC);
}

static int
again(void *arg, int final, char *why, size_t size)
{
	return 0;
}

/* The client's terminal from now on: an empty file. */
static void
term_begin(void)
{
	fflush(stdout);
	if (ftruncate(term_fd, 0) == -1 || lseek(term_fd, 0, SEEK_SET) == -1 ||
	    dup2(term_fd, STDOUT_FILENO) == -1)
		abort();
}

/* Back to TAP; what the terminal got, NUL-terminated (free it). */
static char *
term_end(void)
{
	char	*s;
	off_t	 n;

	if (dup2(tap_fd, STDOUT_FILENO) == -1 ||
	    (n = lseek(term_fd, 0, SEEK_END)) == -1 ||
	    (s = malloc((size_t)n + 1)) == NULL ||
	    pread(term_fd, s, (size_t)n, 0) != n)
		abort();
	s[n] = '\0';
	return s;
}

/* A remote client, welcomed to a fresh session of 24x80. */
static struct client *
welcomed(struct client_opts *o)
{
	struct msg_welcome	 w;
	struct client		*c;
	struct buf		 b;

	memset(o, 0, sizeof *o);
	o->name = "s1";
	o->where = "host";
	o->escape = ESCAPE_NONE;
	o->timeout_ms = 10000;
	o->connect = null_connect;
	o->lost = again;
	c = client_test_new(o);
	memset(&w, 0, sizeof w);
	w.major = PROTO_MAJOR;
	w.minor = PROTO_MINOR;
	w.resume = RESUME_FRESH;
	w.instance = 1;
	w.rows = 24;
	w.cols = 80;
	strcpy(w.name, "s1");
	buf_init(&b, 1024 * 1024);
	proto_put_welcome(&b, &w);
	proto_put_data(&b, MSG_OUTPUT, 0, "before\r\n", 8);
	client_test_bytes(c, buf_ptr(&b), buf_len(&b));
	client_test_turn(c);
	buf_free(&b);
	return c;
}

/* The host skips [from, to) and sends screen as the frame. */
static void
frame(struct client *c, uint64_t from, uint64_t to, uint64_t kept,
    uint8_t flags, const char *screen)
{
	struct buf	 b;

	buf_init(&b, 1024 * 1024);
	proto_put_jump(&b, from, to, &kept, &flags);
	proto_put_data(&b, MSG_SCREEN, 0, screen, strlen(screen));
	client_test_bytes(c, buf_ptr(&b), buf_len(&b));
	client_test_turn(c);
	buf_free(&b);
}

/* The host sends the output data at offset off. */
static void
output(struct client *c, uint64_t off, const char *data)
{
	struct buf	 b;

	buf_init(&b, 1024);
	proto_put_data(&b, MSG_OUTPUT, off, data, strlen(data));
	client_test_bytes(c, buf_ptr(&b), buf_len(&b));
	client_test_turn(c);
	buf_free(&b);
}

/* How often needle is in s. */
static int
count(const char *s, const char *needle)
{
	int	 n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s += strlen(needle);
	}
	return n;
}

/* Where needle last is in s, or -1. */
static long
last(const char *s, const char *needle)
{
	const char	*p, *at = NULL;

	for (p = s; (p = strstr(p, needle)) != NULL; p++)
		at = p;
	return at == NULL ? -1 : at - s;
}

/* A flood of three frames, two of them in place: the client's terminal. */
static struct client *
flood(struct client_opts *o, char **out)
{
	struct client	*c;

	term_begin();
	c = welcomed(o);
	frame(c, 8, 1008, 8, 0, "<frame 1>");
	frame(c, 1008, 2008, 1008, JUMP_IN_PLACE, "<frame 2>");
	frame(c, 2008, 3008, 2008, JUMP_IN_PLACE, "<frame 3>");
	*out = term_end();
	return c;
}

static void
test_output_ends_it(void)
{
	struct client_opts	 o;
	struct client		*c;
	char			*t;
	long			 more, again3, after;

	c = flood(&o, &t);
	ok(strstr(t, "before") != NULL, "the output before the flood");
	is_int(count(t, "[tether: skipped 1000 bytes of output to keep up "
	    "with a slow link; all of it: tether log host s1]"), 1,
	    "the first frame comes with a marker");
	ok(strstr(t, "<frame 2>") != NULL && strstr(t, "<frame 3>") != NULL,
	    "the later frames are drawn");
	is_int(count(t, "[tether:"), 1, "with no marker of their own");
	free(t);

	term_begin();
	output(c, 3008, "after");
	t = term_end();
	more = last(t, "[tether: skipped 2000 bytes more of output to keep "
	    "up with a slow link; all of it: tether log host s1]");
	again3 = last(t, "<frame 3>");
	after = last(t, "after");
	ok(more >= 0, "output after the flood: a marker for the frames "
	    "drawn in place");
	ok(more >= 0 && again3 > more && after > again3,
	    "then the last frame again, then the output");
	ok(strstr(t, "\033[H\033[2L[tether:") != NULL,
	    "the marker goes in on lines inserted at the top, two for its "
	    "%zu characters on 80 columns", strlen("[tether: skipped 2000 "
	    "bytes more of output to keep up with a slow link; all of it: "
	    "tether log host s1]"));
	free(t);
	client_test_free(c);
}

static void
test_silence_ends_it(void)
{
	struct client_opts	 o;
	struct client		*c;
	struct timespec		 ts = { 1, 100 * 1000 * 1000 };
	char			*t;

	c = flood(&o, &t);
	free(t);
	term_begin();
	client_test_turn(c);
	t = term_end();
	ok(strstr(t, "more of output") == NULL,
	    "no second marker while the frames may go on");
	free(t);
	nanosleep(&ts, NULL);
	term_begin();
	client_test_turn(c);
	t = term_end();
	ok(strstr(t, "[tether: skipped 2000 bytes more of output") != NULL,
	    "a second without a frame: the second marker");
	ok(last(t, "<frame 3>") > last(t, "more of output"),
	    "and the last frame drawn again after it");
	free(t);
	term_begin();
	client_test_turn(c);
	t = term_end();
	is_str(t, "", "only once");
	free(t);
	client_test_free(c);
}

static void
test_log_kept(void)
{
	struct client_opts	 o;
	struct client		*c;
	char			*t;

	/* The log's bound took the start of frame 3's part: and all before. */
	term_begin();
	c = welcomed(&o);
	frame(c, 8, 1008, 8, 0, "<frame 1>");
	frame(c, 1008, 2008, 1008, JUMP_IN_PLACE, "<frame 2>");
	frame(c, 2008, 23008, 3008, JUMP_IN_PLACE, "<frame 3>");
	output(c, 23008, "x");
	t = term_end();
	ok(strstr(t, "[tether: skipped 22 kB more of output to keep up with "
	    "a slow link; the log kept the newest 20 kB of it: tether log "
	    "host s1]") != NULL, "the second marker says what the log kept");
	free(t);
	client_test_free(c);
}

static void
test_not_in_place(void)
{
	struct client_opts	 o;
	struct client		*c;
	char			*t;

	/* Output between two frames: each has its marker, none says more. */
	term_begin();
	c = welcomed(&o);
	frame(c, 8, 1008, 8, 0, "<frame 1>");
	frame(c, 1008, 2008, 1008, 0, "<frame 2>");
	t = term_end();
	is_int(count(t, "[tether: skipped 1000 bytes of output"), 2,
	    "frames not in place: a marker each");
	ok(strstr(t, "more of output") == NULL, "and no second marker");
	free(t);
	client_test_free(c);
}

/*
 * Output that ends inside a character: held until the rest comes, and
 * dropped where the rest was skipped, so that no replacement glyph lands
 * before a marker or a frame.
 */
static void
test_cut_character(void)
{
	struct client_opts	 o;
	struct client		*c;
	char			*t;
	static const struct {
		const char	*s;
		size_t		 cut;
	} cuts[] = {
		{ "abc", 0 }, { "ab\xc3", 1 }, { "ab\xc3\xa9", 0 },
		{ "\xe2\x82", 2 }, { "\xe2\x82\xac", 0 }, { "\xf0\x9f\x98", 3 },
		{ "\xf0\x9f\x98\x80", 0 }, { "\x80\x80", 0 }, { "a\xff", 0 },
		{ "a\xc0", 0 }, { "", 0 },
	};
	size_t			 i;

	for (i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
		is_int((long)client_utf8_cut((const uint8_t *)cuts[i].s,
		    strlen(cuts[i].s)), (long)cuts[i].cut,
		    "cut character: case %zu", i);

	term_begin();
	c = welcomed(&o);
	output(c, 8, "caf\xc3");
	t = term_end();
	ok(strstr(t, "before\r\ncaf") != NULL && strchr(t, '\xc3') == NULL,
	    "output that ends inside a character: what comes before it");
	free(t);
	term_begin();
	output(c, 12, "\xa9!");
	t = term_end();
	ok(strncmp(t, "\xc3\xa9!", 3) == 0, "then the character, once whole");
	free(t);
	term_begin();
	output(c, 14, "x\xe2\x82");
	frame(c, 17, 1017, 17, 0, "<frame 1>");
	t = term_end();
	ok(strstr(t, "x") != NULL && strstr(t, "\xe2\x82") == NULL &&
	    strstr(t, "<frame 1>") != NULL,
	    "a character cut by a skip: its start is dropped, the frame drawn");
	free(t);
	client_test_free(c);
}

int
main(void)
{
	if ((tap_fd = dup(STDOUT_FILENO)) == -1 ||
	    (term_fd = mkstemp(term_path)) == -1)
		abort();
	unlink(term_path);
	test_output_ends_it();
	test_silence_ends_it();
	test_log_kept();
	test_not_in_place();
	test_cut_character();
	return done_testing();
}
