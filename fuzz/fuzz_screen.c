/*
 * libFuzzer harness: the terminal model (src/screen.c) fed untrusted
 * program output. The bytes are fed in reads of varying size, passed over
 * with screen_skip where the model would (as src/model.c does in a flood),
 * with resizes now and then; then the model is repainted and the repaint
 * fed to a second model of the same size, which is repainted too. Nothing
 * may crash, and both models must stay within their memory bound. Then the
 * second model is fed the output too, and the first one's redraw in place.
 *
 * Input: 4 bytes of setup, then the program's output:
 *	byte 0, 1	rows, cols (2 + b % 100, 2 + b % 250)
 *	byte 2		history lines (b % 64), and bit 7: resizes happen
 *	byte 3		seed of the read sizes and the resizes
 * With TETHER_FUZZ_FIXPOINT=1 in the environment, the second repaint must
 * also equal the first (the repaint is a fixed point), and the redraw may
 * scroll nothing into the second model's history, else abort. There are no
 * resizes then: history lines drawn at a greater width wrap when they are
 * repainted into a narrower terminal (so that none of them is cut), which
 * changes the history the second model keeps.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "client.h"
#include "screen.h"

#define CHECK(x)	do { if (!(x)) abort(); } while (0)
#define REPAINT_BUF	(64 * 1024 * 1024)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	fixpoint = -1;

/* A small deterministic generator: the same input runs the same way. */
static uint32_t
next(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/*
 * The bound: two grids, the history ring and its lines, the scratch
 * buffer. A history line is one row rendered, at most 128 bytes a cell
 * (CELL_BYTES and a pen) for the widest the screen has been.
 */
static void
check_memory(struct screen *s, int rows, int cols, size_t hist, int maxcols)
{
	size_t	 bound;

	bound = 64 * 1024 + 2 * (size_t)rows * (size_t)cols * 64 +
	    hist * (64 + (size_t)maxcols * 128 + 64) + 3 * 16 * 1024 + 16;
	CHECK(screen_memory(s) <= bound);
	CHECK(screen_history(s) <= hist);
}

/*
 * Does p hold a REP (CSI b)? A terminal repeats the last glyph it drew,
 * which after an attach is the repaint's, not the program's: that one
 * cannot go on the same.
 */
static int
has_rep(const uint8_t *p, size_t len)
{
	size_t	 i, j;

	for (i = 0; i + 2 < len; i++) {
		if (p[i] != 0x1b || p[i + 1] != '[')
			continue;
		for (j = i + 2; j < len && p[j] >= 0x20 && p[j] <= 0x3f; j++)
			;
		if (j < len && p[j] == 'b')
			return 1;
	}
	return 0;
}

/*
 * Does rest hold a DECRST 1049 or 1048 before any DECSET 1049? Loosely:
 * C0 controls inside a sequence are carried out as it goes on, and a mode
 * may be one of several (CSI ? 1049 ; 1 l), so a "1049" or "1048" counts
 * with the first byte after its parameters that is not a C0 control (a
 * DECSET 1049 only inside a CSI).
 */
/* Is rest[i] among the parameters of a DEC private CSI (ESC [ ?)? */
static int
in_csi(const uint8_t *rest, size_t i)
{
	size_t	 k;

	while (i > 0 && rest[i - 1] != 0x1b && (rest[i - 1] < 0x20 ||
	    (rest[i - 1] >= '0' && rest[i - 1] <= '?')))
		i--;
	if (i < 2 || rest[i - 1] != '[' || rest[i - 2] != 0x1b)
		return 0;
	for (k = i; rest[k] < 0x20; k++)
		;
	return rest[k] == '?';
}

static int
restores_first(const uint8_t *rest, size_t len)
{
	size_t	 i, j;

	for (i = 0; i + 4 <= len; i++) {
		if (memcmp(rest + i, "1049", 4) != 0 &&
		    memcmp(rest + i, "1048", 4) != 0)
			continue;
		for (j = i + 4; j < len && (rest[j] < 0x20 ||
		    (rest[j] >= '0' && rest[j] <= ';')); j++)
			if (rest[j] == 0x1b)
				break;
		if (j < len && rest[j] == 'l')
			return 1;
		if (j < len && rest[j] == 'h' && rest[i + 3] == '9' &&
		    in_csi(rest, i))
			return 0;
	}
	return 0;
}

/*
 * A client attaching now: a new model fed s's repaint. NULL where what
 * follows cannot go on the same: a DECRST 1049 or 1048 on the normal
 * screen restores the cursor that the last DECSET 1049 saved (in libvterm
 * and tmux), which a repaint does not save again; with left and right
 * margins (which tmux ignores), libvterm puts the cursor left of them in
 * origin mode, where no CUP can; and a row marked as going on in the next
 * with a blank last column, or the bottom row marked so, marks no repaint
 * sets (fuzz/open/fixpoint-attach-latent-wrap).
 */
static struct screen *
attach(struct screen *s, int rows, int cols, size_t hist,
    const uint8_t *rest, size_t len)
{
	struct screen	*c;
	struct buf	 a;

	buf_init(&a, REPAINT_BUF);
	screen_repaint(s, &a, SCREEN_REPAINT_MAX);
	if ((memmem(buf_ptr(&a), buf_len(&a), "\033[?1049h", 8) == NULL &&
	    restores_first(rest, len)) || screen_latent_wrap(s) ||
	    memmem(buf_ptr(&a), buf_len(&a), "\033[?69h", 6) != NULL) {
		buf_free(&a);
		return NULL;
	}
	c = screen_new((uint16_t)rows, (uint16_t)cols, hist);
	screen_feed(c, buf_ptr(&a), buf_len(&a));
	buf_free(&a);
	/* History cut for the repaint's bound goes on differently. */
	if (screen_history(c) != screen_history(s)) {
		screen_free(c);
		return NULL;
	}
	return c;
}

/*
 * The model that saw all the output and the one that saw a repaint
 * midway and the rest after it must be the same (screen_same): what the
 * program writes after an attach lands where it would have landed
 * without one.
 */
static void
goes_on_same(struct screen *s, struct screen *c)
{
	if (!screen_same(s, c)) {
		fprintf(stderr, "after an attach, the models differ\n");
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct screen	*s, *t, *c = NULL;
	struct buf	 a, b;
	const uint8_t	*p;
	uint32_t	 x;
	size_t		 hist, len, n, k, split, owed;
	uint64_t	 total;
	int		 rows, cols, maxcols, resizes;

	if (fixpoint == -1)
		fixpoint = getenv("TETHER_FUZZ_FIXPOINT") != NULL &&
		    strcmp(getenv("TETHER_FUZZ_FIXPOINT"), "1") == 0;
	if (size < 4 || size > 1024 * 1024)
		return 0;
	rows = 2 + data[0] % 100;
	cols = 2 + data[1] % 250;
	hist = data[2] % 64;
	resizes = (data[2] & 0x80) != 0 && !fixpoint;
	x = 0x9e3779b9u ^ data[3];
	p = data + 4;
	len = size - 4;
	maxcols = cols;

	s = screen_new((uint16_t)rows, (uint16_t)cols, hist);
	split = fixpoint && len > 0 ? next(&x) % len : SIZE_MAX;
	owed = 0;
	while (len > 0) {
		n = 1 + next(&x) % 4096;
		if (n > len)
			n = len;
		/*
		 * Not while a skip is owed the rest of its read: what it
		 * passed over shows right only once that is read, and
		 * src/model.c reads all there is before a repaint.
		 */
		if (c == NULL && (size_t)(p - (data + 4)) >= split &&
		    (size_t)(p - (data + 4)) >= owed && screen_at_rest(s) &&
		    !has_rep(p, len)) {
			c = attach(s, rows, cols, hist, p, len);
			split = SIZE_MAX;	/* once */
		}
		/* The model passes over floods; try it on every read. */
		k = screen_skip(s, p, n);
		CHECK(k <= n);
		if (k == 0)
			screen_feed(s, p, n);
		else {
			owed = (size_t)(p - (data + 4)) + n;
			n = k;
		}
		if (c != NULL)
			screen_feed(c, p, n);	/* what s went past */
		p += n;
		len -= n;
		if (resizes && next(&x) % 4 == 0) {
			rows = 2 + next(&x) % 100;
			cols = 2 + next(&x) % 250;
			if (cols > maxcols)
				maxcols = cols;
			screen_resize(s, (uint16_t)rows, (uint16_t)cols);
		}
		check_memory(s, rows, cols, hist, maxcols);
	}
	(void)screen_title(s);
	if (c != NULL) {
		goes_on_same(s, c);
		screen_free(c);
	}

	buf_init(&a, REPAINT_BUF);
	screen_repaint(s, &a, SCREEN_REPAINT_MAX);
	CHECK(buf_len(&a) > 0);
	t = screen_new((uint16_t)rows, (uint16_t)cols, hist);
	screen_feed(t, buf_ptr(&a), buf_len(&a));
	check_memory(t, rows, cols, hist, cols);
	buf_init(&b, REPAINT_BUF);
	screen_repaint(t, &b, SCREEN_REPAINT_MAX);
	/*
	 * Passed over: left and right margins in origin mode, where
	 * libvterm can leave the cursor outside them, past the right one
	 * after a glyph there, and no repaint can put it back
	 * (fuzz/open/fixpoint-margin-past-right).
	 */
	if (fixpoint && (buf_len(&a) != buf_len(&b) ||
	    memcmp(buf_ptr(&a), buf_ptr(&b), buf_len(&a)) != 0) &&
	    (memmem(buf_ptr(&a), buf_len(&a), "\033[?69h", 6) == NULL ||
	    memmem(buf_ptr(&a), buf_len(&a), "\033[?6h", 5) == NULL)) {
		fprintf(stderr, "repaints differ: %zu and %zu bytes\n",
		    buf_len(&a), buf_len(&b));
		abort();
	}
	/*
	 * The redraw in place (a later frame of a flood) over the second
	 * model once it shows something else (the program's output again).
	 * With fixpoint, nothing may scroll into its history. A character
	 * the output cut never reaches the terminal (the client drops it).
	 * The redraw's first byte, an ESC, ends a byte the terminal still
	 * waited on (a lead byte that the dropped one showed invalid): the
	 * U+FFFD it draws then is the program's output, as it was in the
	 * first model, and may scroll; only what follows is the redraw's.
	 */
	screen_feed(t, data + 4, size - 4 - client_utf8_cut(data + 4,
	    size - 4));
	buf_reset(&a);
	screen_redraw(s, &a);
	CHECK(buf_len(&a) > 0 && buf_ptr(&a)[0] == 0x1b);
	screen_feed(t, buf_ptr(&a), 1);
	total = screen_history_total(t);
	screen_feed(t, buf_ptr(&a) + 1, buf_len(&a) - 1);
	CHECK(!fixpoint || screen_history_total(t) == total);
	buf_free(&a);
	buf_free(&b);
	screen_free(t);
	screen_free(s);
	return 0;
}
