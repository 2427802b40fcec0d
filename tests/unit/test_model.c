/*
 * Unit tests for src/model.c: the model fed behind the ring, first by the
 * caller's own thread (small outputs: a prompt, an echo), then by its own
 * thread once a burst comes. Whichever fed it, the model must end the same
 * as a screen fed the same bytes directly, and the title `ls` shows must
 * follow. Threads are counted in /proc/self/task (a sanitizer's runtime
 * may start one of its own with the first pthread_create).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "model.h"
#include "proto.h"
#include "ring.h"
#include "screen.h"
#include "../tap.h"

#define ROWS	24
#define COLS	80
#define HIST	200

static uint32_t	 seed = 12345;

static uint32_t
rnd(void)
{
	seed = seed * 1103515245 + 12345;
	return (seed >> 8) & 0xffffff;
}

/* This process's threads. */
static int
threads(void)
{
	DIR		*d = opendir("/proc/self/task");
	struct dirent	*e;
	int		 n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* Some terminal output of about len bytes: text, colours, motion, a title. */
static size_t
output(char *p, size_t len)
{
	size_t	 n = 0;
	int	 k;

	while (n + 64 < len) {
		switch (rnd() % 8) {
		case 0:
			k = snprintf(p + n, len - n, "\033[%um", 30 + rnd() % 8);
			break;
		case 1:
			k = snprintf(p + n, len - n, "\033[%u;%uH",
			    1 + rnd() % ROWS, 1 + rnd() % COLS);
			break;
		case 2:
			k = snprintf(p + n, len - n, "\033]0;title %u\007",
			    rnd() % 1000);
			break;
		case 3:
			k = snprintf(p + n, len - n, "\r\n");
			break;
		case 4:
			k = snprintf(p + n, len - n, "\033[K\033[0m");
			break;
		default:
			k = snprintf(p + n, len - n, "word%u ", rnd() % 100000);
			break;
		}
		n += (size_t)k;
	}
	return n;
}

struct bed {
	struct ring	 ring;
	struct screen	*screen;	/* the model's */
	struct screen	*ref;		/* fed directly */
	struct model	*model;
};

static void
bed_init(struct bed *b)
{
	ring_init(&b->ring, RING_MIN);
	b->screen = screen_new(ROWS, COLS, HIST);
	b->ref = screen_new(ROWS, COLS, HIST);
	b->model = model_start(&b->ring, b->screen);
}

static void
bed_free(struct bed *b)
{
	model_stop(b->model);
	screen_free(b->screen);
	screen_free(b->ref);
	ring_free(&b->ring);
}

/* Output as the session host writes it: never over what is unread. */
static void
bed_write(struct bed *b, const char *p, size_t len)
{
	size_t	 n;

	while (len > 0) {
		n = len > b->ring.cap / 2 ? b->ring.cap / 2 : len;
		if (ring_head(&b->ring) + n - model_fed(b->model) >
		    b->ring.cap)
			model_wait(b->model, ring_head(&b->ring));
		ring_write(&b->ring, p, n);
		screen_feed(b->ref, p, n);
		model_publish(b->model, ring_head(&b->ring));
		p += n;
		len -= n;
	}
}

/* The model as of the ring's head against the reference. */
static int
bed_same(struct bed *b)
{
	struct screen	*s = model_lock(b->model, ring_head(&b->ring));
	int		 same = screen_same(s, b->ref);

	model_unlock(b->model);
	return same;
}

int
main(void)
{
	struct bed	 b;
	char		*big = malloc(1024 * 1024);
	char		 title[PROTO_TITLE_MAX];
	size_t		 n, total;
	int		 base, running, i, started;

	base = threads();
	ok(base >= 1, "threads counted: %d", base);

	/* Small outputs: fed at once, by the caller. */
	bed_init(&b);
	for (i = 0; i < 40; i++) {
		n = output(big, 100 + rnd() % 2000);
		bed_write(&b, big, n);
		if (model_fed(b.model) != ring_head(&b.ring))
			break;
	}
	ok(i == 40, "each small output is read when it is published");
	is_int(threads(), base, "no thread for small outputs");
	ok(bed_same(&b), "the model is the screen fed directly");
	bed_write(&b, "\033]0;a prompt\007$ ", 16);
	model_title(b.model, title, sizeof title);
	is_str(title, "a prompt", "the title is there for ls at once");

	/* A burst: the thread takes over, and ends where the reference is. */
	n = output(big, 1024 * 1024);
	bed_write(&b, big, n);
	running = threads();
	ok(running > base, "a burst starts the model's thread");
	ok(bed_same(&b), "after the burst the model is the screen fed directly");
	bed_write(&b, "\033]0;after\007", 11);
	model_lock(b.model, ring_head(&b.ring));
	model_unlock(b.model);
	model_title(b.model, title, sizeof title);
	is_str(title, "after", "the thread keeps the title for ls");
	for (i = 0; i < 20; i++) {
		n = output(big, 50 + rnd() % 500);
		bed_write(&b, big, n);
	}
	ok(bed_same(&b), "small outputs after the burst, through the thread");
	bed_free(&b);
	is_int(threads(), running - 1, "model_stop ends the thread");
	base = threads();	/* ThreadSanitizer may have one of its own now */

	/*
	 * Many small outputs in a row (a program printing steadily): once
	 * they add up to a burst, the thread takes them.
	 */
	bed_init(&b);
	started = 0;
	for (total = 0; total < 4 * 1024 * 1024 && !started; total += n) {
		n = output(big, 1000);
		bed_write(&b, big, n);
		started = threads() > base;
	}
	ok(started, "a steady stream starts the thread (%zu bytes)", total);
	ok(bed_same(&b), "and the model is the screen fed directly");
	bed_free(&b);

	/* A model that never had a thread stops cleanly too. */
	bed_init(&b);
	bed_write(&b, "hello\r\n", 7);
	ok(bed_same(&b), "a session with one line of output");
	bed_free(&b);
	is_int(threads(), base, "no thread left behind");

	free(big);
	return done_testing();
}
