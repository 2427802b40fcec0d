/*
 * Unit tests for src/screen.c, the terminal model: the repaint is a fixed
 * point (a second model fed the first one's repaint repaints the same
 * bytes), history keeps the last N lines in order, resizes keep the
 * cursor's line, titles and modes are carried, and the inputs that break
 * libvterm 0.1.4 (cut UTF-8 before NUL, huge writes, tiny sizes, random
 * bytes) are survived. Terminal-exact comparisons against a real emulator
 * are in tests/e2e/repaint.sh.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "screen.h"
#include "../tap.h"

static void
feed(struct screen *s, const char *str)
{
	screen_feed(s, str, strlen(str));
}

/* The repaint of s with up to lines lines of history, as a string; free it. */
static char *
repaint_lines(struct screen *s, size_t lines)
{
	struct buf	 b;
	char		*out;

	buf_init(&b, 64 * 1024 * 1024);
	screen_repaint_lines(s, &b, SCREEN_REPAINT_MAX, lines);
	out = malloc(buf_len(&b) + 1);
	memcpy(out, buf_ptr(&b), buf_len(&b));
	out[buf_len(&b)] = '\0';
	buf_free(&b);
	return out;
}

/* The repaint of s as a NUL-terminated string; free it. */
static char *
repaint(struct screen *s)
{
	return repaint_lines(s, SIZE_MAX);
}

/* Feed s's repaint to a new model of the same size: same repaint? */
static int
fixed_point(struct screen *s, uint16_t rows, uint16_t cols, size_t hist)
{
	struct screen	*t = screen_new(rows, cols, hist);
	char		*a = repaint(s), *b;
	int		 same;

	feed(t, a);
	b = repaint(t);
	same = strcmp(a, b) == 0;
	if (!same) {
		size_t i = 0;

		while (a[i] != '\0' && a[i] == b[i])
			i++;
		diag("repaints differ at byte %zu of %zu/%zu", i, strlen(a),
		    strlen(b));
	}
	free(a);
	free(b);
	screen_free(t);
	return same;
}

/*
 * Feed s's repaint to a new model of the same size, then more to both:
 * same repaint? (What the program writes after an attach lands where it
 * would have landed without one.) Feeds more to s.
 */
static int
goes_on_same(struct screen *s, uint16_t rows, uint16_t cols, size_t hist,
    const char *more)
{
	struct screen	*t = screen_new(rows, cols, hist);
	char		*a = repaint(s), *b;
	int		 same;

	feed(t, a);
	free(a);
	feed(s, more);
	feed(t, more);
	a = repaint(s);
	b = repaint(t);
	same = strcmp(a, b) == 0;
	free(a);
	free(b);
	screen_free(t);
	return same;
}

/* One test point: before, an attach, then after, as goes_on_same. */
static void
attach_case(int rows, int cols, const char *before, const char *after,
    const char *desc)
{
	struct screen	*s = screen_new((uint16_t)rows, (uint16_t)cols, 10);

	feed(s, before);
	ok(goes_on_same(s, (uint16_t)rows, (uint16_t)cols, 10, after), "%s",
	    desc);
	screen_free(s);
}

static void
test_drawing(void)
{
	struct screen	*s = screen_new(24, 80, 100);
	char		*r;

	feed(s, "plain\r\n\033[1;31mbold red\033[0m \033[38;5;200m256"
	    "\033[0m \033[38;2;1;2;3;48;2;4;5;6mrgb\033[0m \033[3;4;9mx"
	    "\033[0m\r\n\xe6\xbc\xa2\xe5\xad\x97 e\xcc\x81\r\n"
	    "\033(0lqqk\033(B \033)0\016xx\017\r\n"
	    "\033[5;20r\033[10;3H\033[7mcursor\033[27m\033[?25l");
	r = repaint(s);
	ok(strstr(r, "plain\r\n") != NULL, "text and line ends");
	ok(strstr(r, "\033[0;1;31mbold red\033[0m") != NULL, "bold red");
	ok(strstr(r, "\033[0;38;5;200m256") != NULL, "256 colours");
	ok(strstr(r, "\033[0;38;2;1;2;3;48;2;4;5;6mrgb") != NULL,
	    "24-bit colours, foreground and background");
	ok(strstr(r, "\033[0;3;4;9mx") != NULL, "italic, underline, strike");
	ok(strstr(r, "\xe6\xbc\xa2\xe5\xad\x97 e\xcc\x81") != NULL,
	    "wide and combining characters");
	ok(strstr(r, "\033(0lqqk\033(B") != NULL,
	    "line drawing is repainted as line drawing");
	ok(strstr(r, "\033(0xx\033(B") != NULL,
	    "line drawing through G1 and SO too");
	ok(strstr(r, "\033[5;20r") != NULL, "the scrolling region");
	ok(strstr(r, "\033[10;9H") != NULL, "the cursor position");
	ok(strstr(r, "\033[?25l") != NULL &&
	    strcmp(r + strlen(r) - 6, "\033[?25l") == 0,
	    "the hidden cursor, last");
	ok(fixed_point(s, 24, 80, 100), "drawing: the repaint is a fixed point");
	free(r);
	screen_free(s);
}

static void
test_wrap_and_sgr(void)
{
	struct screen	*s = screen_new(24, 80, 100);
	char		 want[200], *r;
	int		 i;

	for (i = 0; i < 100; i++)
		feed(s, "x");
	feed(s, "\r\nnext\r\n\033[2mdim\033[22m \033[8mhidden\033[0m "
	    "\033[38;2;2;8;22mrgb\033[0m");
	memset(want, 'x', 100);
	want[100] = '\0';
	r = repaint(s);
	ok(strstr(r, want) != NULL,
	    "a line wrapped by the terminal is repainted unbroken");
	ok(strstr(r, "\r\nnext\r\n") != NULL, "a line ended by CR LF ends");
	ok(strstr(r, "\033[0;2mdim") != NULL, "dim (which libvterm drops)");
	ok(strstr(r, "\033[0;8mhidden") != NULL,
	    "concealed (which libvterm drops)");
	ok(strstr(r, "\033[0;38;2;2;8;22mrgb") != NULL,
	    "colour components 2, 8 and 22 are not taken for attributes");
	ok(fixed_point(s, 24, 80, 100), "wrap: the repaint is a fixed point");
	free(r);
	for (i = 0; i < 30; i++)
		feed(s, "\r\n");
	r = repaint(s);
	ok(strstr(r, want) != NULL, "and so is it from the history");
	free(r);
	screen_free(s);
}

static void
test_modes(void)
{
	struct screen	*s = screen_new(24, 80, 0);
	char		*r;

	feed(s, "\033]2;the title\007\033[?1h\033=\033[?1000h\033[?1006h"
	    "\033[?2004h\033[?1004h\033[?7l\033[4h\033[6 q");
	r = repaint(s);
	is_str(screen_title(s), "the title", "the title");
	ok(strstr(r, "\033]2;the title\007") != NULL, "title repainted");
	ok(strstr(r, "\033[?1h") != NULL, "application cursor keys");
	ok(strstr(r, "\033=") != NULL, "application keypad");
	ok(strstr(r, "\033[?1000h") != NULL && strstr(r, "\033[?1006h"),
	    "mouse reporting and SGR encoding");
	ok(strstr(r, "\033[?2004h") != NULL, "bracketed paste");
	ok(strstr(r, "\033[?1004h") != NULL, "focus events");
	ok(strstr(r, "\033[?7l") != NULL, "autowrap off");
	ok(strstr(r, "\033[4h") != NULL, "insert mode");
	ok(strstr(r, "\033[6 q") != NULL, "steady bar cursor");
	free(r);
	feed(s, "\033[?1l\033>\033[?1000l\033[?2004l\033c");
	r = repaint(s);
	ok(strstr(r, "\033[?1h") == NULL && strstr(r, "\033=") == NULL &&
	    strstr(r, "\033[?1000h") == NULL && strstr(r, "\033[?2004h") ==
	    NULL && strstr(r, "\033[?1006h") == NULL,
	    "modes reset are not repainted; RIS resets the rest");
	free(r);
	screen_free(s);
}

static void
test_alternate(void)
{
	struct screen	*s = screen_new(10, 40, 50);
	char		*r, *alt, *normal;

	feed(s, "shell line 1\r\nshell line 2\r\n\033[?1049h\033[H\033[2J"
	    "\033[44mfull screen\033[0m\033[5;5Hhere");
	r = repaint(s);
	normal = strstr(r, "shell line 2");
	alt = strstr(r, "\033[?1049h");
	ok(normal != NULL && alt != NULL && normal < alt,
	    "normal screen first, then the alternate screen");
	ok(alt != NULL && strstr(alt, "full screen") != NULL,
	    "the alternate screen's content after the switch");
	ok(fixed_point(s, 10, 40, 50), "alternate: the repaint is a fixed point");
	free(r);
	feed(s, "\033[?1049l");
	r = repaint(s);
	ok(strstr(r, "shell line 2") != NULL && strstr(r, "full screen") ==
	    NULL && strstr(r, "\033[?1049h") == NULL,
	    "leaving it restores the normal screen");
	free(r);
	screen_free(s);
}

static void
test_history(void)
{
	struct screen	*s = screen_new(24, 80, 100);
	char		 line[32], *r, *p, *q;
	int		 i, inorder = 1;

	for (i = 1; i <= 5000; i++) {
		snprintf(line, sizeof line, "%d\r\n", i);
		feed(s, line);
	}
	is_int((long long)screen_history(s), 100, "history keeps 100 lines");
	r = repaint(s);
	/* 100 lines of history and 23 on screen: 4878..5000. */
	p = strstr(r, "\033[2J");
	ok(p != NULL && strncmp(p + 4, "4878\r\n", 6) == 0,
	    "history starts 100 lines above the screen");
	p = p != NULL ? p + 4 : r;
	for (i = 4878; i <= 5000 && inorder; i++) {
		snprintf(line, sizeof line, "%d\r\n", i);
		q = strstr(p, line);
		inorder = q == p;
		p = q != NULL ? q + strlen(line) : p;
	}
	ok(inorder, "then every line in order to the screen's last");
	ok(fixed_point(s, 24, 80, 100), "history: the repaint is a fixed point");
	free(r);
	screen_free(s);

	s = screen_new(24, 80, 0);
	for (i = 1; i <= 100; i++)
		feed(s, "x\r\n");
	is_int((long long)screen_history(s), 0, "history 0 keeps none");
	screen_free(s);
}

static void
test_resize(void)
{
	struct screen	*s = screen_new(24, 80, 100);
	char		 line[32], *r;
	int		 i;

	for (i = 1; i <= 20; i++) {
		snprintf(line, sizeof line, "row %d\r\n", i);
		feed(s, line);
	}
	feed(s, "prompt$ ");
	screen_resize(s, 10, 40);
	r = repaint(s);
	ok(strstr(r, "row 1\r\n") != NULL && screen_history(s) == 11,
	    "shrinking pushes the lines above the cursor's to the history");
	ok(strstr(r, "prompt$ \033") != NULL && strstr(r, "\033[10;9H") != NULL,
	    "and keeps the cursor on its line");
	free(r);
	screen_resize(s, 40, 120);
	feed(s, "\r\nafter");
	r = repaint(s);
	ok(strstr(r, "prompt$ \r\nafter") != NULL, "growing keeps the lines");
	free(r);
	screen_resize(s, 0, 0);
	screen_resize(s, 1, 1);
	feed(s, "abcdef\r\nghi\033[99;99Hjkl");
	r = repaint(s);
	ok(strlen(r) > 0, "sizes below 2x2 are taken as 2x2");
	free(r);
	screen_free(s);
}

/*
 * C1 controls encoded in UTF-8 (U+0080 to U+009F): libvterm 0.1.4 draws
 * them as glyphs of width -1, moving the cursor back over the character
 * before; terminals ignore them (tmux, VTE) or act on them (xterm), never
 * that. Found by tests/e2e/hostile.sh: "x<U+0085>y" was repainted as "y".
 */
static void
test_hostile_c1(void)
{
	struct screen	*s;
	char		 in[16], *r;
	int		 c, bad = 0;

	for (c = 0x80; c < 0xa0; c++) {
		s = screen_new(24, 80, 100);
		snprintf(in, sizeof in, "ab\xc2%cyz\r\nEND", c);
		feed(s, in);
		r = repaint(s);
		if (strstr(r, "abyz") == NULL || strstr(r, "END") == NULL) {
			diag("U+%04X: repaint has no abyz", c);
			bad++;
		}
		free(r);
		screen_free(s);
	}
	ok(bad == 0, "encoded C1 controls neither draw nor move the cursor");
}

/*
 * Strings libvterm 0.1.4 does not know (APC, PM, SOS) and alternate screen
 * switches of every kind draw nothing on the normal screen: terminals hide
 * them. Found by tests/e2e/hostile.sh.
 */
static void
test_hostile_strings(void)
{
	static const char *in[] = {
		"A\033_apc\033\\B", "A\033^pm\033\\B", "A\033Xsos\033\\B",
		"A\033[?47hALT\033[?47lB", "A\033[?1047hALT\033[?1047lB",
		"A\033[?1049hALT\033[?1049lB",
	};
	struct screen	*s;
	char		*r;
	size_t		 i;

	for (i = 0; i < sizeof in / sizeof in[0]; i++) {
		s = screen_new(24, 80, 100);
		feed(s, in[i]);
		r = repaint(s);
		ok(strstr(r, "A") != NULL && strstr(r, "B") != NULL &&
		    strstr(r, "apc") == NULL && strstr(r, "pm") == NULL &&
		    strstr(r, "sos") == NULL && strstr(r, "ALT") == NULL,
		    "hostile string %zu: hidden", i);
		free(r);
		screen_free(s);
	}
}

static void
test_hostile(void)
{
	struct screen	*s = screen_new(24, 80, 2000);
	static const char *bad[] = {
		"\xe2\x82\x00\xf0\x9f\x00", "\xf0\x9f\x98", "\x00\x00\x00",
		"\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xff\xfe",
		"\033[99999999999999999999;1H", "\033]0;\xe2\x82\x00\007",
		"\033[?1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18;19;20h",
		"\033P\033[?1000h\033\\", "\033[" "1;2;3;4;5;6;7;8;9:1:2:3m",
		"\033[1;2::::::::::::::::::::::::::::::m",
	};
	char		*big, *r;
	size_t		 i, n = 4 * 1024 * 1024;
	uint32_t	 x = 12345;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		screen_feed(s, bad[i], strlen(bad[i]) + 1);
	feed(s, "\033[H\033[2J\033[?1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;"
	    "17;18;19;2004hAFTER");
	r = repaint(s);
	ok(strstr(r, "AFTER") != NULL && strstr(r, "\033[?2004h") == NULL,
	    "a CSI with more than 16 parameters is ignored, not fatal");
	free(r);
	big = malloc(n);
	for (i = 0; i < n; i++)
		big[i] = (char)('a' + i % 26);
	screen_feed(s, big, n);
	ok(1, "a 4 MiB write in one call");
	for (i = 0; i < n; i++) {
		x = x * 1103515245 + 12345;
		big[i] = (char)(x >> 16);
	}
	screen_feed(s, big, n);
	screen_feed(s, big, n / 3);
	screen_resize(s, 30, 100);
	screen_feed(s, big + n / 3, n - n / 3);
	ok(1, "10 MiB of random bytes with a resize");
	feed(s, "\033c\033[?1049l\033[0mSTILL HERE");
	r = repaint(s);
	ok(strstr(r, "STILL HERE") != NULL, "the model still works after it");
	ok(screen_memory(s) < 8 * 1024 * 1024,
	    "its memory is bounded (%zu bytes)", screen_memory(s));
	free(r);
	free(big);
	screen_free(s);
	test_hostile_c1();
	test_hostile_strings();
}

static void
test_memory(void)
{
	struct screen	*s = screen_new(24, 80, SCREEN_HISTORY_DEFAULT);
	size_t		 idle = screen_memory(s);
	int		 i;

	diag("idle 80x24 model with %d lines of history: %zu bytes",
	    SCREEN_HISTORY_DEFAULT, idle);
	ok(idle < 512 * 1024, "an idle 80x24 model is well under the ring");
	for (i = 0; i < 3 * SCREEN_HISTORY_DEFAULT; i++)
		feed(s, "0123456789012345678901234567890123456789"
		    "0123456789012345678901234567890123456789");
	diag("with the history full of 80-column lines: %zu bytes",
	    screen_memory(s));
	ok(screen_memory(s) < 1024 * 1024,
	    "a full history of 80-column lines is under 1 MiB");
	screen_free(s);
}

/* A small deterministic generator (xorshift32). */
static uint32_t	 rnd_state = 32463534u;

static uint32_t
rnd(uint32_t n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state % n;
}

/* A flood of lines: text, SGRs (some resetting), erases, tabs, UTF-8. */
static size_t
flood(char *out, size_t size, int lines, int cols)
{
	static const char *const bits[] = {
		"\033[1;31m", "\033[m", "\033[0;42m", "\033[38;5;200m",
		"\033[4m", "\033[K", "\t", "\xc3\xa9", "\xe4\xb8\xad",
		"\033[38:2:1:2:3m", "\033[0K", "\033[;7m", "\033[2m", "x\b",
	};
	size_t	 o = 0;
	int	 i, j, len;

	for (i = 0; i < lines && o + 4 * (size_t)cols + 64 < size; i++) {
		len = (int)rnd((uint32_t)(i % 7 == 0 ? 3 * cols : cols));
		o += (size_t)snprintf(out + o, size - o, "%d:", i);
		for (j = 0; j < len; j++) {
			if (rnd(8) == 0) {
				const char *b = bits[rnd(sizeof bits /
				    sizeof bits[0])];
				memcpy(out + o, b, strlen(b));
				o += strlen(b);
			} else
				out[o++] = (char)('a' + rnd(26));
		}
		out[o++] = '\r';
		out[o++] = '\n';
	}
	return o;
}

/*
 * Feed data the way the model's thread does when it is behind: screen_skip
 * where it can (trying at random points), screen_feed in random pieces
 * otherwise. Returns the bytes passed over.
 */
static size_t
feed_skipping(struct screen *s, const char *data, size_t len)
{
	size_t	 at = 0, k, n, skipped = 0;

	while (at < len) {
		k = rnd(3) == 0 ? screen_skip(s, (const uint8_t *)data + at,
		    len - at) : 0;
		if (k > 0) {
			skipped += k;
			at += k;
			continue;
		}
		n = 1 + rnd(1 + (uint32_t)(len / 16));
		if (n > len - at)
			n = len - at;
		screen_feed(s, data + at, n);
		at += n;
	}
	return skipped;
}

/* Model a, fed everything, and b, skipping: the same repaint? */
static void
skip_case(const char *desc, uint16_t rows, uint16_t cols, size_t hist,
    const char *before, int lines, const char *after)
{
	struct screen	*a = screen_new(rows, cols, hist);
	struct screen	*b = screen_new(rows, cols, hist);
	size_t		 size = (size_t)lines * (4 * cols + 80) + 1024, len;
	char		*data = malloc(size), *ra, *rb;
	size_t		 skipped;

	len = flood(data, size, lines, cols);
	len += (size_t)snprintf(data + len, size - len, "%s", after);
	feed(a, before);
	feed(b, before);
	screen_feed(a, data, len);
	skipped = feed_skipping(b, data, len);
	ra = repaint(a);
	rb = repaint(b);
	ok(skipped > 0, "%s: the flood was passed over (%zu of %zu bytes)",
	    desc, skipped, len);
	is_str(rb, ra, "%s: the same screen and history as reading it all",
	    desc);
	free(ra);
	free(rb);
	free(data);
	screen_free(a);
	screen_free(b);
}

static void
test_skip(void)
{
	struct screen	*s;
	const char	*lines;
	int		 i;

	skip_case("10x20, 30 lines of history", 10, 20, 30,
	    "\033[31mold\r\nstuff\033[5;7Hhere", 3000, "\033[Hend\033[2;3H");
	skip_case("24x80, 200 lines of history, insert mode", 24, 80, 200,
	    "\033[4hold\r\n\033[10;70Hmid-line", 4000, "tail");
	skip_case("5x10, no history, wrap pending", 5, 10, 0,
	    "0123456789", 500, "\033]0;title\007last");
	skip_case("alternate screen", 8, 30, 50,
	    "\033[?1049habc\r\n", 1000, "x");
	skip_case("80x24, default history", 24, 80, SCREEN_HISTORY_DEFAULT,
	    "", 30000, "");
	for (i = 0; i < 20; i++)
		skip_case("random cut points", 6, 12, 20, "\033[3;4Hq", 400,
		    "\033[1Az");

	/* Where skipping would change the outcome, it does not happen. */
	lines = NULL;
	{
		static char	 buf[64 * 1024];
		size_t		 n = flood(buf, sizeof buf, 1000, 20);

		buf[n] = '\0';
		lines = buf;
		s = screen_new(10, 20, 30);
		feed(s, "\033[2;8r");
		ok(screen_skip(s, (const uint8_t *)lines, n) == 0,
		    "no skipping inside a scroll region");
		screen_free(s);
		s = screen_new(10, 20, 30);
		feed(s, "\033[?69h");
		ok(screen_skip(s, (const uint8_t *)lines, n) == 0,
		    "no skipping with left and right margins");
		screen_free(s);
		s = screen_new(10, 20, 30);
		feed(s, "\033[3");
		ok(screen_skip(s, (const uint8_t *)lines, n) == 0,
		    "no skipping in the middle of a sequence");
		screen_free(s);
		s = screen_new(10, 20, 5000);
		ok(screen_skip(s, (const uint8_t *)lines, n) == 0,
		    "no skipping when the lines fit in the history");
		screen_free(s);
	}
	{
		static char	 buf[64 * 1024];
		size_t		 n = 0;

		for (i = 0; i < 2000; i++)
			n += (size_t)snprintf(buf + n, sizeof buf - n,
			    "line %d\n", i);
		s = screen_new(10, 20, 30);
		ok(screen_skip(s, (const uint8_t *)buf, n) == 0,
		    "no skipping of lines without carriage returns");
		screen_free(s);
		n = 0;
		for (i = 0; i < 2000; i++)
			n += (size_t)snprintf(buf + n, sizeof buf - n,
			    "line %d\033[2A\r\n", i);
		s = screen_new(10, 20, 30);
		ok(screen_skip(s, (const uint8_t *)buf, n) == 0,
		    "no skipping over cursor movements");
		screen_free(s);
		n = 0;
		for (i = 0; i < 2000; i++)
			n += (size_t)snprintf(buf + n, sizeof buf - n,
			    "line \xc2\x9b%d\r\n", i);
		s = screen_new(10, 20, 30);
		ok(screen_skip(s, (const uint8_t *)buf, n) == 0,
		    "no skipping over an encoded C1 control");
		screen_free(s);
	}
}

/*
 * A rows x cols model (10 lines of history) fed in: its repaint must hold
 * want, and not absent if not NULL, and be a fixed point. Two test points:
 * desc, and desc's fixed point.
 */
static void
sized_case(int rows, int cols, const char *desc, const char *in,
    const char *want, const char *absent)
{
	struct screen	*s = screen_new((uint16_t)rows, (uint16_t)cols, 10);
	char		*r;

	feed(s, in);
	r = repaint(s);
	ok(strstr(r, want) != NULL && (absent == NULL ||
	    strstr(r, absent) == NULL), "%s", desc);
	ok(fixed_point(s, (uint16_t)rows, (uint16_t)cols, 10),
	    "%s: the repaint is a fixed point", desc);
	free(r);
	screen_free(s);
}

/*
 * REP (CSI b) repeats the last glyph; libvterm 0.1.4 loops forever on one
 * with no glyph of a width before it (found by fuzz/fuzz_screen.c).
 */
static void
test_rep(void)
{
	static const char *nothing[] = { "\033[b", "\033[2b",
	    "\033[2;5r\033[2b", "\xe2\x80\x8b\033[b",
	    "\xcc\x81\033[3b", "\033c\033[b",
	    /* DECALN's glyphs are none to repeat (libvterm looped) */
	    "\033#8\033[b", "\033#8\033[1;2b" };
	struct screen	*s;
	char		*r;
	size_t		 i;

	for (i = 0; i < sizeof nothing / sizeof nothing[0]; i++) {
		s = screen_new(8, 21, 5);
		feed(s, nothing[i]);
		feed(s, "after");
		r = repaint(s);
		ok(strstr(r, "after") != NULL, "REP with nothing to repeat (%zu)",
		    i);
		free(r);
		screen_free(s);
	}
	s = screen_new(8, 21, 5);
	feed(s, "ab\033[3b\r\nx\033[b\xe6\xbc\xa2\033[2bQ");
	r = repaint(s);
	ok(strstr(r, "abbbb\r\nxx\xe6\xbc\xa2Q\r\n") != NULL,
	    "REP repeats the last glyph, but not a wide one (as tmux)");
	free(r);
	screen_free(s);
	/*
	 * libvterm repeated a wide glyph up to the last column, where it
	 * cut the last one in two, which the repaint could not draw there.
	 */
	sized_case(4, 7, "REP after a wide glyph at the edge: nothing repeated",
	    "ab\xe3\x81\xaa\033[8b", "ab\xe3\x81\xaa\r\n", NULL);
}

/*
 * a's in-place redraw, fed to b (which shows something else): b's screen
 * becomes a's, and nothing scrolls into b's history.
 */
static void
redraw_case(const char *desc, struct screen *a, struct screen *b)
{
	struct buf	 rb;
	uint64_t	 hist = screen_history_total(b);
	char		*ra, *rbs;

	buf_init(&rb, 64 * 1024 * 1024);
	screen_redraw(a, &rb);
	ok(memmem(buf_ptr(&rb), buf_len(&rb), "\033[2J", 4) == NULL &&
	    memmem(buf_ptr(&rb), buf_len(&rb), "\033[J", 3) == NULL,
	    "%s: the redraw clears no screen", desc);
	screen_feed(b, buf_ptr(&rb), buf_len(&rb));
	buf_free(&rb);
	ra = repaint_lines(a, 0);
	rbs = repaint_lines(b, 0);
	ok(strcmp(ra, rbs) == 0, "%s: the screen drawn over is the model's",
	    desc);
	ok(screen_history_total(b) == hist,
	    "%s: nothing scrolled into the history", desc);
	free(ra);
	free(rbs);
}

static void
test_redraw(void)
{
	struct screen	*a = screen_new(6, 20, 50), *b = screen_new(6, 20, 50);
	int		 i;

	/* b: every cell taken, in reverse video, its cursor at the end. */
	for (i = 0; i < 6; i++)
		feed(b, "\033[7mXXXXXXXXXXXXXXXXXXXX\033[0m");
	/* a: short lines, a colour, a line wrapped, a full row, a wide one. */
	feed(a, "one\r\n\033[31mred\033[0m and plain\r\n"
	    "0123456789012345678901234\r\n"
	    "abcdefghijklmnopqrst\r\n\xe4\xb8\xad\xe6\x96\x87\033[3;4H");
	redraw_case("normal screen", a, b);
	feed(b, "\033[44m\033[2J\033[H\033[0mstale\r\nrows");
	/* Line drawing in G1, shifted in (a binary file's output can). */
	feed(b, "\033)0\016");
	feed(a, "\033[?1049h\033[H\033[2J\033[32mfull screen\033[0m"
	    "\033[4;2Hhere");
	redraw_case("alternate screen", a, b);
	screen_free(a);
	screen_free(b);
}

/*
 * An ESC in an OSC that begins no ST stays in libvterm's string, with what
 * follows: the title kept it, and the repaint's OSC ended there and
 * printed the rest. A title ends at its first control character.
 */
static void
test_title_controls(void)
{
	struct screen	*s = screen_new(5, 30, 10);

	feed(s, "\033]0;both\033\034\\\r\nnext\007");
	is_str(screen_title(s), "both", "a title ends at an ESC in it");
	ok(fixed_point(s, 5, 30, 10),
	    "title with controls: the repaint is a fixed point");
	feed(s, "\033]2;\xe6\xbc\x9c \xc2\xa0 x\007");
	is_str(screen_title(s), "\xe6\xbc\x9c \xc2\xa0 x",
	    "UTF-8 that is no control stays");
	screen_free(s);
}

/*
 * An insert that pushes a wide character against the right edge cuts it
 * in two: the model kept its left half in the last column, and the
 * repaint drew the whole of it there, which wraps onto the next row.
 */
static void
test_wide_cut(void)
{
	struct screen	*s = screen_new(3, 10, 10);
	char		*r;

	feed(s, "abcdefgh\xe5\xad\x97\r\033[4hX\033[4l\r\n"
	    "abcdefg\xe5\xad\x97\r\033[2@");
	r = repaint(s);
	ok(strstr(r, "Xabcdefgh\r\n  abcdefg\r\n") != NULL &&
	    strstr(r, "\xe5\xad\x97") == NULL,
	    "IRM and ICH: what fits stays, the half at the edge goes");
	ok(fixed_point(s, 3, 10, 10),
	    "a wide character cut at the edge: the repaint is a fixed point");
	free(r);
	screen_free(s);
}

/*
 * A row with a background that wraps into the next, drawn by the repaint
 * at the terminal's bottom row (the history lines pushed it there): the
 * wrap scrolls, and libvterm, like xterm, fills the new row with the pen's
 * background, where the model had the rest of the row blank. A space in
 * the plain pen makes the wrap, and a BS goes back onto it.
 */
static void
test_wrap_scroll_background(void)
{
	const char	*in = "1\r\n2\r\n3\r\n4\r\n5\r\n\033[H\033[47m"
	    "ABCDEFGHIJKLMNO\033[0m";
	const char	*want = "ABCDEFGHIJ\033[0m \b\033[0;47mKLMNO\033[0m\r\n";
	char		 more[128];

	sized_case(3, 10, "a wrap with a background: the plain pen wraps", in,
	    want, NULL);
	/* The same two rows scrolled into the history. */
	snprintf(more, sizeof more, "%s\033[3H\n\n\n", in);
	sized_case(3, 10, "a wrap with a background in the history: the plain "
	    "pen wraps", more, want, NULL);
}

/*
 * An erase that takes half of a wide character takes the other half too:
 * EL from its right half, ECH on its left half, and an insert in the last
 * column on its right half (libvterm erases that column alone), after
 * which the glyph went where the wide character's right half was and the
 * repaint drew the left half two columns wide, wrapping the glyph.
 */
static void
test_wide_erased_half(void)
{
	sized_case(3, 4, "EL from the right half of a wide character",
	    "ab\xe3\x81\xaa\033[1;4H\033[K", "ab\r\n", "\xe3\x81\xaa");
	sized_case(3, 4, "ECH on the left half of a wide character",
	    "ab\xe3\x81\xaa\033[1;3H\033[X", "ab\r\n", "\xe3\x81\xaa");
	sized_case(3, 4, "an insert in the last column, on the right half",
	    "ab\xe3\x81\xaa\033[1;4H\033[4h1\033[4l", "ab 1",
	    "\xe3\x81\xaa");
}

/*
 * A wide character that fills a row of two columns, then a line feed at
 * the bottom: the next glyph wraps (a row left blank, as tmux shows it).
 * libvterm keeps that wrap pending through a CR that does not move its
 * cursor, so the repaint's CR LF after the row did not end it, and the
 * model fed the repaint ran a row ahead.
 */
static void
test_wide_fills_row(void)
{
	sized_case(3, 2, "2 columns: a wide character, a line feed, a glyph "
	    "two rows down", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	    "\xea\xb8\x80\ne", "\xea\xb8\x80\033[C\r\n\033[C\r\ne\033[3;2H",
	    NULL);
}

/*
 * A 4x10 model fed the reads that follow cursor (a NULL ends them): its
 * repaint must hold want, and cursor if not NULL, and be a fixed point.
 * Two test points: desc, and desc's fixed point.
 */
static void
small_case(const char *desc, const char *want, const char *cursor, ...)
{
	struct screen	*s = screen_new(4, 10, 10);
	const char	*read;
	char		*r;
	va_list		 ap;

	va_start(ap, cursor);
	while ((read = va_arg(ap, const char *)) != NULL)
		feed(s, read);
	va_end(ap);
	r = repaint(s);
	ok(strstr(r, want) != NULL &&
	    (cursor == NULL || strstr(r, cursor) != NULL), "%s", desc);
	ok(fixed_point(s, 4, 10, 10), "%s: the repaint is a fixed point", desc);
	free(r);
	screen_free(s);
}

/*
 * Combining characters where libvterm 0.1.4 does not join them to the
 * glyph before: fed apart from a glyph in the last column (xterm and tmux
 * join them and still wait to wrap; libvterm wrapped first, so the model
 * ran a line ahead), alone after cursor moves, after ASCII once G0 was
 * designated, and the marks it counts as wide. Each as tmux 3.3a shows it.
 */
static void
test_combining(void)
{
	small_case("a combining character fed apart joins the glyph in the "
	    "last column", "abcdefghie\xcc\x81\r\nnext", "\033[2;5H",
	    "abcdefghie", "\xcc\x81", "\r\nnext", NULL);
	small_case("after a control, on a wide glyph, still waiting to wrap",
	    "abcdefgh\xe5\xad\x97\xcc\x81\xcc\x82Z\r\n", "\033[2;2H",
	    "abcdefgh\xe5\xad\x97\033[1m\xcc\x81\xcc\x82\033[0m", "Z", NULL);
	small_case("G0 designated: a combining character in the run joins at "
	    "the edge", "abcdefghie\xcc\x81\r\nnext", "\033[2;5H",
	    "\033(Babcdefghie\xcc\x81\r\nnext", NULL);
	small_case("away from the edge, fed apart", "abcde\xcc\x81\r\n", NULL,
	    "abcde", "\xcc\x81", NULL);
	small_case("alone, they join the cell left of the cursor (blank: a "
	    "space), or go in the first column",
	    "m\r\n \xcc\x8a\033[0;1mX\033[0m\r\nz ab \xcc\x82Y\r\n", NULL,
	    "m\033[1m\n\xcc\x8aX\033[0m\r\n\xcc\x81z ab\033[C\xcc\x82Y", NULL);
	small_case("a combining mark libvterm counts as wide keeps its glyph's "
	    "width", "\xe3\x81\x8b\xe3\x82\x99X\xef\xbf\xbd\xe3\x80\xaaY\r\n",
	    "\033[1;6H",
	    "\xe3\x81\x8b\xe3\x82\x99X\xef\xbf\xbd\xe3\x80\xaaY", NULL);
}

/*
 * A restore with nothing saved (DECRC, DECRST 1049 on the normal screen,
 * or after a full reset): the cursor home, the default pen and the cursor
 * shown, as in xterm and tmux (libvterm 0.1.4 restored zeroed memory:
 * black on black, the cursor hidden).
 */
static void
test_restore_unsaved(void)
{
	small_case("DECRC with nothing saved", "\033[2Jhi\r\n", "\033[1;3H",
	    "\033[3;3H\033[4 q\0338hi", NULL);
	small_case("DECRC with nothing saved: the cursor stays shown",
	    "\033[?25h", NULL, "\0338hi", NULL);
	small_case("DECRST 1049 on the normal screen, then an erase",
	    "\033[2J\r\nab\r\n", "\033[2;3H", "\033[?1049l\033[2;1H\033[Kab",
	    NULL);
	small_case("double-width and double-height lines are ignored, as in "
	    "tmux", "abcdefghijkxy\r\n", "\033[2;4H",
	    "ab\033#6cdefghijk\033#3x", "y", NULL);
	small_case("an insert on the right half of a wide character leaves "
	    "no left half behind", "ab X cd\r\n", "\033[1;5H",
	    "ab\xf0\x9f\x98\x80" "cd\033[1;4H\033[4hX", NULL);
	small_case("DECRC after a full reset: what was saved before is gone",
	    "\033[2Jhi\r\n", "\033[1;3H",
	    "\033[41m\033[3;5H\0337\033c\0338hi", NULL);
}

/*
 * What a DECSC (ESC 7, or CSI s) saved outlives an attach: the repaint
 * saves it again in the terminal, so that a DECRC (ESC 8, CSI u) after
 * the attach restores the same cursor, pen, character sets and origin
 * mode. And a DECRC does what it does in tmux 3.3a: libvterm 0.1.4
 * ignored CSI u, took CSI s for DECSLRM (which homes the cursor), kept
 * the sets and origin mode, restored the cursor's visibility, and
 * restored a position that DECSET 1049 had saved since. Each: the repaint
 * after "after" (cursor or cells as tmux shows them), the same with an
 * attach between "before" and "after", and its fixed point.
 */
static void
test_saved_cursor(void)
{
	static const struct {
		const char	*desc, *before, *after, *want, *absent;
	} c[] = {
		{ "ESC 8 after an attach restores the cursor ESC 7 saved",
		    "\033[3;5H\0337\033[HAB", "\0338X", "\033[3;6H", NULL },
		{ "CSI s saves the cursor without moving it, CSI u restores",
		    "\033[3;5H\033[sAB", "\033[uX", "XB", NULL },
		{ "the pen", "\033[31m\033[2;2H\0337\033[0m\033[H", "\0338X",
		    "\033[0;31mX", NULL },
		{ "the character sets", "\033(0\0337\033(B\033[H", "\0338qqq",
		    "\033(0qqq", NULL },
		{ "G1 in use", "\033)0\016\0337\017\033[H", "\0338qq\017q",
		    "\033(0qq\033(Bq", NULL },
		{ "origin mode", "\033[2;3r\033[?6h\0337\033[?6l\033[H",
		    "\0338\033[1;1HX", "\033[?6h", NULL },
		{ "not the cursor's visibility", "\0337\033[?25l", "\0338",
		    "\033[1;1H", "\033[?25h" },
		{ "DECSET 1049 on and off leaves what ESC 7 saved",
		    "\033[2;2H\0337\033[4;4H\033[?1049h\033[?1049l", "\0338X",
		    "\033[2;3H", NULL },
		{ "ESC 8 on the alternate screen", "\033[2;2H\0337\033[?1049h"
		    "\033[3;3H", "\0338X", "\033[2;3H", NULL },
	};
	struct screen	*s;
	char		*r, *all, desc[128];
	size_t		 i, n;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		s = screen_new(4, 10, 10);
		n = strlen(c[i].before) + strlen(c[i].after);
		all = malloc(n + 1);
		snprintf(all, n + 1, "%s%s", c[i].before, c[i].after);
		feed(s, all);
		r = repaint(s);
		ok(strstr(r, c[i].want) != NULL && (c[i].absent == NULL ||
		    strstr(r, c[i].absent) == NULL), "DECSC: %s", c[i].desc);
		ok(fixed_point(s, 4, 10, 10),
		    "DECSC: %s: the repaint is a fixed point", c[i].desc);
		free(r);
		free(all);
		screen_free(s);
		snprintf(desc, sizeof desc, "DECSC: %s: the same after an attach",
		    c[i].desc);
		attach_case(4, 10, c[i].before, c[i].after, desc);
	}
}

/*
 * Tab stops a program set (HTS, TBC: tabs(1)) outlive an attach: the
 * repaint sets them in the terminal, so that tabs after the attach land
 * where libvterm's own stops put them in the model that saw it all. A
 * screen with the stops every 8 columns gets none of that.
 */
static void
test_tab_stops(void)
{
	static const char tabs[] = "\r\tA\tB\tC\tD\tE\tF\tG\tH\tI\tJ\r\n";
	static const struct {
		const char	*desc, *before;
		int		 set;
	} c[] = {
		{ "every 4 columns", "\033[3g\033[1;5H\033H\033[1;9H\033H"
		    "\033[1;13H\033H\033[1;17H\033H\033[1;21H\033H", 1 },
		{ "one cleared (TBC at the cursor)", "\033[1;9H\033[g", 1 },
		{ "none (TBC 3) but one in the last column",
		    "\033[3g\033[1;40H\033H", 1 },
		{ "cleared (TBC 5), then a full reset", "\033[5g\033c", 0 },
		{ "the default ones, set again", "\033[1;9H\033H\033[1;17H\033H",
		    0 },
	};
	struct screen	*s;
	char		*r;
	size_t		 i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++) {
		s = screen_new(4, 40, 10);
		feed(s, c[i].before);
		r = repaint(s);
		ok((strstr(r, "\033[3g") != NULL) == c[i].set,
		    "tab stops: %s: %s in the repaint", c[i].desc,
		    c[i].set ? "set" : "not set");
		free(r);
		ok(fixed_point(s, 4, 40, 10),
		    "tab stops: %s: the repaint is a fixed point", c[i].desc);
		ok(goes_on_same(s, 4, 40, 10, tabs),
		    "tab stops: %s: tabs after an attach land the same",
		    c[i].desc);
		screen_free(s);
	}
	/* A resize: the columns it adds get stops every 8, as libvterm's. */
	s = screen_new(4, 20, 10);
	feed(s, "\033[3g\033[1;5H\033H");
	screen_resize(s, 4, 40);
	ok(goes_on_same(s, 4, 40, 10, tabs),
	    "tab stops: the columns a resize adds get the default ones");
	screen_free(s);
}

/*
 * Found by fuzz_screen's check that what follows an attach goes on the
 * same: a glyph past the last column on a row below the scrolling region
 * wraps onto that same row (there is nothing to scroll), and the row
 * above it was marked as going on in it, so the two were joined when
 * they scrolled into the history; and the cursor a program hid before
 * its alternate screen and showed before leaving it stayed hidden in the
 * model (libvterm restored it with the cursor), as in every repaint.
 */
static void
test_after_attach(void)
{
	sized_case(4, 10, "a wrap below the scrolling region joins no rows",
	    "\033[1;2r\033[3;1Hxxxxxxxxxx\033[4;1H0123456789ab\033[r\033[4;1H"
	    "\n\n\n\n", "xxxxxxxxxx\r\nab23456789\r\n", NULL);
	sized_case(4, 20, "a cursor shown before the alternate screen ends "
	    "stays shown", "\033[?25l\033[?1049hvim\033[?25h\033[?1049l$ ",
	    "\033[?25h", NULL);
	sized_case(4, 20, "left and right margins (DECLRMM, DECSLRM) are set "
	    "again, and the cursor inside them in origin mode",
	    "\033[?69h\033[3;9s\033[?6h\033[2;2HX",
	    "\033[?69h\033[3;9s\033[?6h\033[2;3H", NULL);
	attach_case(4, 20, "\033[?69h\033[3;9s\033[?6h\033[2;2HX",
	    "Y\033[1;1HZ\033[3;6r\033[HW",
	    "left and right margins: output after an attach lands the same");
	sized_case(4, 10, "DECSTR keeps the scrolling region (as libvterm and "
	    "tmux)", "\033[3;4r\033[!p\033[4;1Haaa\n\nbbb", "\033[3;4r",
	    NULL);
	sized_case(4, 10, "DECSTR leaves the modes (as libvterm 0.1.4 and tmux "
	    "3.3a)", "\033[20h\033[?1h\033[!pab\ncd", "\033[20h\033[?1h", NULL);
	sized_case(4, 10, "shifts of G2 and G3 are ignored, as in tmux",
	    "\033*0\033nqq\033Nq\033+0\033oq", "qqqq", NULL);
	sized_case(4, 10, "a scrolling region of one row is ignored, as in "
	    "xterm and tmux", "\033[2;2Hx\033[3;3r\033[4;1Ha\nb\nc",
	    " x\r\n\r\na\r\n b\r\n  c\033[4;4H", "\033[3;3r");
	sized_case(4, 10, "a scrolling region with a bottom of 0 is ignored, "
	    "as in tmux (libvterm took the whole screen)",
	    "\033[2;3r\033[2;2Hx\033[2;0r\033[3;1Ha\nb",
	    "\033[2J\r\na\r\n b", "\033[2;r");
	sized_case(4, 10, "DEL and characters inside a CSI are ignored, as in "
	    "tmux (libvterm ended the sequence and drew them)",
	    "ab\033[2\xcc\x8a;3Hx\033[3\x7f;4Hy\033[\xc3\xa9x"
	    "\033[?10\017 1\xcc\x8a", "ab\r\n  x\r\n   y\r\n\033[3;5H",
	    NULL);
	attach_case(4, 10, "\033[2;3r\033[2;2Hx\033[2;0r", "\033[3;1Ha\nb\nc",
	    "a scrolling region with a bottom of 0: output after an attach "
	    "lands the same");
	attach_case(4, 10, "\033[3mab\033[?1049h\033[0mvim", "\033[?1049lX",
	    "the pen saved when the alternate screen began comes back at "
	    "its end after an attach");
	sized_case(4, 10, "a second DECSET 1049 saves nothing again (tmux)",
	    "ab\033[?1049h;\033[?1049hc\033[?1049lX", "abX\r\n", NULL);
	sized_case(4, 10, "the end of the alternate screen restores what DECSET "
	    "1049 saved, not what a DECSC there saved (tmux)",
	    "ab\033[3m\033[?1049h\033[0m\033[3;3H\0337\033[?1049lX",
	    "ab\033[0;3mX", NULL);
	sized_case(4, 10, "a character set libvterm does not know is ignored "
	    "(tmux)", "\033(0\033(mmq", "\033[2J\033(0mq\033(B", NULL);
	sized_case(4, 10, "nor a second DECSET 47",
	    "ab\033[?47h;\033[?47hc\033[?1049lX", "abX\r\n", NULL);
	small_case("DECRST 1049 off the alternate screen restores what "
	    "DECSET 1049 saved, and its pen, not what a DECSC saved since "
	    "(tmux)", "ab\r\n  \033[0;31mY\033[0m\r\n\r\nc", "\033[2;4H",
	    "ab\033[2;3H\033[31m\033[?1049h\033[0mfull\033[?1049lX"
	    "\033[0m\033[3;1H\0337\033[4;1Hc\033[?1049lY", NULL);
	small_case("with nothing saved it leaves the cursor where it is "
	    "(tmux)", "dW", "\033[4;3H",
	    "\033[3;5H\0337\033[4;1Hd\033[?1049lW", NULL);
	small_case("what DECSET 1049 saved outlives a full reset (tmux)",
	    "\r\n  Z\r\n", "\033[2;4H",
	    "ab\033[2;3H\033[?1049h\033[?1049l\033c\033[3;3H\033[?1049lZ",
	    NULL);
	small_case("a glyph in the last column with autowrap off waits for "
	    "no wrap, not even once it is back on (tmux)", "012345678q\r\n"
	    "\r\n", NULL, "\033[?7l0123456789\033[?7hq", NULL);
	small_case("the same, autowrap back on in the next read",
	    "012345678q\r\n\r\n", NULL, "\033[?7l0123456789", "\033[?7hq",
	    NULL);
	small_case("one drawn with autowrap on waits again once it is back "
	    "on (tmux)", "0123456789q\r\n", "\033[2;2H",
	    "0123456789\033[?7l\033[?7hq", NULL);
	small_case("several modes in one SM are all set (libvterm 0.1.4 set "
	    "the first; tmux)", "Xab\r\n", NULL, "\033[1;4hab\rX", NULL);
	small_case("and in one DECRST", "012345678y\r\n", "\033[?25l",
	    "\033[?25;7l0123456789xy", NULL);
	small_case("a mode with a colon is ignored (tmux)", "Xb\r\n", NULL,
	    "\033[:4hab\rX", NULL);
	small_case("and so is one before a colon (tmux)",
	    "0123456789xy\r\n", NULL, "\033[?7:1l0123456789xy", NULL);
	attach_case(4, 10, "\033[?1049h\033[:4h", "0\r:",
	    "a mode with a colon: output after an attach lands the same");
	attach_case(4, 10, "\033[?7l0123456789\033[?7h", "qr",
	    "a glyph drawn with autowrap off in the last column: glyphs "
	    "after an attach land the same");
	small_case("a 38 or 48 with nothing after it is ignored (tmux), not "
	    "a colour from an earlier, longer sequence (libvterm 0.1.4)",
	    "    X\033[0;1mY\033[0m\r\n", NULL,
	    "\033[1;5;3H\033[38mX\033[1;48mY", NULL);
	small_case("but a colour whose last value is 38 or 48 is kept",
	    "\033[0;38;5;38;48;2;0;0;38mX\033[0;38;2;1;2;48mY", NULL,
	    "\033[38;5;38;48;2;0;0;38mX\033[0;38;2;1;2;48mY", NULL);
	attach_case(4, 10, "\033[1;5;3H", "\033[38mX\033[1;5;3;48mY",
	    "a 38 or 48 with nothing after it: the pen after an attach is "
	    "the same");
	attach_case(4, 10, "\033[?7l0123456789", "\xe6\xbc\xa2x",
	    "a wide glyph after a glyph drawn in the last column with "
	    "autowrap off (libvterm wraps it): the row does not go on, "
	    "before an attach or after");
	small_case("autowrap turned off while the cursor waits to wrap: the "
	    "wait stays, set again before autowrap goes off (libvterm)",
	    "\033[1;10H\033[0m\017\033(B9\033[0m\033[?7l", NULL,
	    "0123456789\033[?7l", NULL);
	attach_case(4, 10, "0123456789\033[?7l", "qr",
	    "autowrap off while the cursor waits to wrap: glyphs after an "
	    "attach land the same");
	attach_case(4, 10, "0123456789\033[?7l", "\033[?7hqr",
	    "and once it is back on");
	small_case("DECSET and DECRST 1048 are ignored (tmux)", "abc", "\033[3;4H",
	    "\033[2;3H\033[?1048h\033[3;1Habc\033[?1048l", NULL);
	small_case("DECSET 1048 saves nothing for a DECRC (tmux)", "abc",
	    "\033[2;3H", "\033[2;3H\0337\033[4;1H\033[?1048h\033[3;1Habc"
	    "\0338", NULL);
	attach_case(4, 10, "\033[s0123\033[?47h", "\033[?1048lX",
	    "DECRST 1048 on the alternate screen of a DECSET 47: glyphs after "
	    "an attach land the same");
	attach_case(4, 10, "\0337;\033[?1049h", "\033[?1049l\033[?1049lX",
	    "a second DECRST 1049 after an attach restores what the first "
	    "did");
	sized_case(4, 20, "and one hidden stays hidden",
	    "\033[?1049hvim\033[?25l\033[?1049l$ ", "\033[1;3H\033(B\033)B\033[?25l",
	    "\033[?25h");
}

/*
 * The wait to wrap after a glyph in the last column, across what ends it
 * without moving the cursor (a CUP to the cell it is on, CUF or CUU at a
 * margin) and what keeps it while the last column goes blank (erases,
 * scrolls, inserts): the next glyph after a fresh attach goes where it
 * would have gone without one.
 */
static void
test_wait_to_wrap(void)
{
	static const char *const seq[] = {
		"\033[1;10H", "\033[10G", "\033[C", "\033[A", "\033[1d",
		"\033[10`", "\033[a", "\033[1;10f", "\033[2;10H\033[1;10H",
		"\033[K", "\033[J", "\033[X", "\033[@", "\033[P", "\033M",
		"\033[T", "\033[S", "\033[L", "\033[M", "\033[41m\033[K",
		"\0337\0338", "\033[m",
	};
	struct screen	*s;
	char		*r;
	size_t		 i;

	for (i = 0; i < sizeof seq / sizeof seq[0]; i++) {
		s = screen_new(4, 10, 10);
		feed(s, "abcdefghij");
		feed(s, seq[i]);
		ok(goes_on_same(s, 4, 10, 10, "XY"), "waiting to wrap, then "
		    "ESC%s: the next glyphs go on the same", seq[i] + 1);
		screen_free(s);
	}
	s = screen_new(4, 10, 10);
	feed(s, "abcdefghij\033[1;10H");
	r = repaint(s);
	ok(strstr(r, "\033[1;10H") != NULL && strstr(r, "\033[1;10H\033[0m") ==
	    NULL, "a CUP to the cell the cursor waits on ends the wait");
	free(r);
	screen_free(s);
}

/*
 * A row that wrapped into the next, then lost what it wrapped into (a
 * scroll of the region moved it away, or an erase): the repaint must go
 * on to the next row, or the terminal stays on it and every row after
 * lands one too high. It wraps into it with a space it erases, so that
 * the row still goes on in the next (as in the terminal that saw it).
 */
static void
test_wrap_before_empty(void)
{
	small_case("a wrapped row above a region that scrolled its next row "
	    "away", "aaaaaaaaaa \r\033[K\r\n\r\nZ", "\033[4;2H",
	    "\033[2;3r", "aaaaaaaaaac\n\n", "\033[4;1HZ", NULL);
	attach_case(4, 10, "\033[2;3raaaaaaaaaac\n\n",
	    "\033[r\033[2;1Hbb\033[4;1H\n\n\n\n",
	    "a wrapped row above a region that scrolled its next row away "
	    "goes on in what comes there after an attach");
	small_case("a wrapped line in the history, its next row erased",
	    "aaaaaaaaaa \r\033[K\r\n\r\nZ\r\n", "\033[4;2H",
	    "aaaaaaaaaac\033[2K\033[4;1HZ\n", NULL);
	attach_case(4, 10, "aaaaaaaaaac\033[2K\033[4;1HZ\n", "\033[Hbb",
	    "a wrapped line in the history, its next row erased, goes on in "
	    "what comes there after an attach");
	attach_case(4, 10, "aaaaaaaaaac\033[2K\033[4;1HZ\n\n", "\033[Hbb",
	    "a wrapped line in the history before an empty one");
}

/*
 * A title with C0 controls in it: tmux ignores them (libvterm carried them
 * out, and a NUL made it keep only the first 64 bytes of the string).
 */
static void
test_title_controls_inside(void)
{
	static const char in[] = "\033]2;a "
	    "llllllllllllllllllllllllllllllllllllllllllllllllllllllllll"
	    "\xef\xbf\xbd\0z\n\rq\a";
	struct screen	*s = screen_new(4, 10, 10);
	char		*r;

	feed(s, "\033[4;1H");
	screen_feed(s, in, sizeof in - 1);
	ok(strcmp(screen_title(s), "a "
	    "llllllllllllllllllllllllllllllllllllllllllllllllllllllllll"
	    "\xef\xbf\xbdzq") == 0, "C0 controls inside a title are dropped");
	r = repaint(s);
	ok(screen_history_total(s) == 0 && strstr(r, "\033[4;1H") != NULL,
	    "and not carried out");
	ok(fixed_point(s, 4, 10, 10), "and the repaint is a fixed point");
	free(r);
	screen_free(s);
}

/*
 * A title longer than libvterm's buffer, ended by an ESC that begins no
 * ST, reaches the model cut where the buffer ends (64 bytes), which can be
 * inside a character: the model keeps whole characters only, at each of
 * the three places a cut can fall in one.
 */
static void
test_title_cut_character(void)
{
	char		 seq[256];
	struct screen	*s;
	size_t		 pad, i, n, bad = 0, moved = 0;
	const char	*t;

	for (pad = 0; pad < 3; pad++) {
		n = (size_t)snprintf(seq, sizeof seq, "\033]2;%.*s", (int)pad,
		    "ab");
		for (i = 0; i < 60; i++)
			n += (size_t)snprintf(seq + n, sizeof seq - n,
			    "\xe2\x82\xac");
		snprintf(seq + n, sizeof seq - n, "\033\003\\");
		s = screen_new(4, 10, 10);
		feed(s, seq);
		t = screen_title(s);
		n = strlen(t);
		if (n < pad || (n - pad) % 3 != 0)
			bad++;
		if (!fixed_point(s, 4, 10, 10))
			moved++;
		screen_free(s);
	}
	ok(bad == 0, "a title cut inside a character keeps whole ones only");
	ok(moved == 0, "a title cut inside a character: the repaint is a fixed "
	    "point");
}

/*
 * A title whose OSC is cut by a read, anywhere (libvterm 0.1.4 loses it
 * then), or comes in three reads; one far too long for a title is passed
 * on as it comes and leaves the model working.
 */
static void
test_title_split(void)
{
	const char	*seq = "\033]2;a title \xe2\x9c\x93\033\\";
	struct screen	*s;
	char		*big, *r;
	size_t		 k, n = strlen(seq), bad = 0;

	for (k = 1; k < n; k++) {
		s = screen_new(4, 10, 10);
		feed(s, "x");
		screen_feed(s, seq, k);
		screen_feed(s, seq + k, n - k);
		feed(s, "y");
		r = repaint(s);
		if (strcmp(screen_title(s), "a title \xe2\x9c\x93") != 0 ||
		    strstr(r, "xy") == NULL)
			bad++;
		free(r);
		screen_free(s);
	}
	ok(bad == 0, "a title cut by a read at any of %zu places is kept", n - 1);
	s = screen_new(4, 10, 10);
	feed(s, "\033]0;one");
	feed(s, " two");
	feed(s, " three\aok");
	ok(strcmp(screen_title(s), "one two three") == 0,
	    "a title in three reads is kept");
	big = malloc(20000);
	memset(big, 'z', 19999);
	big[19999] = '\0';
	feed(s, "\033]2;");
	feed(s, big);
	feed(s, big);
	feed(s, "\a\033]2;after\a!");
	ok(strcmp(screen_title(s), "after") == 0,
	    "a string too long to hold is passed on, and the next title kept");
	ok(fixed_point(s, 4, 10, 10), "and the repaint is a fixed point");
	free(big);
	screen_free(s);
}

/*
 * DECALN: rows of their own, the region ended and the cursor home (tmux);
 * and a glyph of line drawing with a mark, whose repaint is line drawing.
 */
static void
test_decaln(void)
{
	small_case("line drawing with a combining mark stays line drawing",
	    "\033(0l\xcc\x8a", NULL, "\033(0l\033h\xcc\x8a", NULL);
	small_case("DECALN: rows apart, the cursor home",
	    "XEEEEEEEEE\r\nEEEEEEEEEE\r\n", "\033[1;2H",
	    "\033[2;3r\033[3;5Habc\033#8X", NULL);
}

int
main(void)
{
	test_drawing();
	test_wrap_and_sgr();
	test_modes();
	test_alternate();
	test_history();
	test_resize();
	test_hostile();
	test_memory();
	test_skip();
	test_rep();
	test_redraw();
	test_title_controls();
	test_wide_cut();
	test_wide_fills_row();
	test_wide_erased_half();
	test_wrap_scroll_background();
	test_combining();
	test_wrap_before_empty();
	test_wait_to_wrap();
	test_restore_unsaved();
	test_saved_cursor();
	test_tab_stops();
	test_after_attach();
	test_title_controls_inside();
	test_title_split();
	test_title_cut_character();
	test_decaln();
	return done_testing();
}
