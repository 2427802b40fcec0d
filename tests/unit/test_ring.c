/*
 * Unit tests for src/ring.c: head and tail offsets, wraparound, ring_peek at
 * the tail, the head and overwritten offsets, writes larger than the ring,
 * ring_space/ring_commit, and ring_line_start.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ring.h"
#include "../tap.h"

#define CAP	RING_MIN

/* The byte written at absolute offset o in the pattern tests. */
static uint8_t
pat(uint64_t o)
{
	return (uint8_t)(o * 31 + o / 251 + 7);
}

/* Fill p with the pattern bytes for offsets [o, o + n). */
static void
fill(uint8_t *p, uint64_t o, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		p[i] = pat(o + i);
}

/*
 * Check that every offset in [from, to) peeks the right bytes: as many as
 * are contiguous (up to the wrap or the head), starting and ending with
 * the pattern's bytes.
 * Returns the number of offsets that were wrong.
 */
static int
check_range(const struct ring *r, uint64_t from, uint64_t to, uint64_t step)
{
	const uint8_t	*p;
	uint64_t	 o;
	size_t		 n, want, i;
	int		 bad = 0;

	for (o = from; o < to; o += step) {
		n = ring_peek(r, o, &p);
		want = r->cap - (size_t)(o % r->cap);
		if (want > ring_head(r) - o)
			want = (size_t)(ring_head(r) - o);
		if (n != want) {
			if (bad++ < 5)
				diag("peek at %llu gave %zu bytes, expected "
				    "%zu", (unsigned long long)o, n, want);
			continue;
		}
		/*
		 * Every offset's own byte is checked, so each byte is; the
		 * last byte of the run checks where the pointer's run ends.
		 */
		for (i = 0; i < n; i += n - 1 > 0 ? n - 1 : 1) {
			if (p[i] != pat(o + i)) {
				if (bad++ < 5)
					diag("byte at %llu wrong",
					    (unsigned long long)(o + i));
				break;
			}
		}
	}
	return bad;
}

/* Sizes are clamped to [RING_MIN, RING_MAX]; a new ring is empty. */
static void
test_init(void)
{
	struct ring	 r;
	const uint8_t	*p = NULL;

	ring_init(&r, 1);
	is_u64(r.cap, RING_MIN, "tiny size clamped up to RING_MIN");
	is_u64(ring_head(&r), 0, "new ring: head 0");
	is_u64(ring_tail(&r), 0, "new ring: tail 0");
	is_int(ring_peek(&r, 0, &p), 0, "new ring: nothing to peek at 0");
	is_int(ring_peek(&r, 1, &p), 0, "new ring: nothing to peek at 1");
	ring_free(&r);

	ring_init(&r, RING_MIN + 1);
	if (r.mirrored)
		is_u64(r.cap, RING_MIN + (size_t)sysconf(_SC_PAGESIZE),
		    "size in range rounded up to a page (mirrored ring)");
	else
		is_u64(r.cap, RING_MIN + 1, "size in range kept as is");
	ring_free(&r);

	/* Mirrored: the bytes past cap are the first ones again. */
	ring_init(&r, RING_MIN);
	if (r.mirrored) {
		uint8_t	 block[100];
		size_t	 i;
		int	 same = 1;

		for (i = 0; i < RING_MIN / 100 + 1; i++) {
			memset(block, (int)(i & 0xff), sizeof block);
			ring_write(&r, block, sizeof block);
		}
		for (i = 0; i < r.cap; i++)
			same &= r.data[r.cap + i] == r.data[i];
		ok(same, "a mirrored ring's second mapping shows the first");
	} else
		ok(1, "# SKIP no mirrored ring on this platform");
	ring_free(&r);

	ring_init(&r, RING_MAX + 1);
	is_u64(r.cap, RING_MAX, "huge size clamped down to RING_MAX");
	ring_free(&r);
}

/* Small writes: head, tail, and peeks before and at the head. */
static void
test_small(void)
{
	struct ring	 r;
	const uint8_t	*p = NULL;

	ring_init(&r, CAP);
	ring_write(&r, "hello", 5);
	ring_write(&r, ", world", 7);
	is_u64(ring_head(&r), 12, "head counts bytes written");
	is_u64(ring_tail(&r), 0, "tail stays 0 before the ring fills");
	is_int(ring_peek(&r, 0, &p), 12, "peek at 0 gives all 12 bytes");
	is_mem(p, "hello, world", 12, "peek at 0: bytes");
	is_int(ring_peek(&r, 7, &p), 5, "peek at 7 gives 5 bytes");
	is_mem(p, "world", 5, "peek at 7: bytes");
	is_int(ring_peek(&r, 11, &p), 1, "peek at head-1 gives 1 byte");
	is_int(p[0], 'd', "peek at head-1: byte");
	is_int(ring_peek(&r, 12, &p), 0, "peek at head gives nothing");
	is_int(ring_peek(&r, 13, &p), 0, "peek past head gives nothing");
	is_int(ring_peek(&r, UINT64_MAX, &p), 0,
	    "peek at UINT64_MAX gives nothing");
	ring_write(&r, "", 0);
	is_u64(ring_head(&r), 12, "empty write changes nothing");
	ring_free(&r);
}

/* Many odd-sized writes wrap around; the tail trails head by cap. */
static void
test_wrap(void)
{
	struct ring	 r;
	const uint8_t	*p = NULL;
	uint8_t		 chunk[5003];
	uint64_t	 o = 0, total = 3 * (uint64_t)CAP + 123;
	size_t		 n, n2;

	ring_init(&r, CAP);
	while (o < total) {
		n = sizeof chunk - (size_t)(o % 17);
		if (n > total - o)
			n = (size_t)(total - o);
		fill(chunk, o, n);
		ring_write(&r, chunk, n);
		o += n;
	}
	is_u64(ring_head(&r), total, "wrap: head is total written");
	is_u64(ring_tail(&r), total - CAP, "wrap: tail is head - cap");

	n = ring_peek(&r, ring_tail(&r), &p);
	is_int(n, CAP - 123, "peek at tail: contiguous up to the wrap");
	ok(p == r.data + 123, "peek at tail points at tail %% cap");
	ok(n > 0 && p[0] == pat(ring_tail(&r)), "peek at tail: first byte");
	n2 = ring_peek(&r, ring_tail(&r) + n, &p);
	is_int(n2, 123, "peek at the wrap: the rest up to head");
	ok(p == r.data, "peek at the wrap points at the ring's start");
	is_int(n + n2, CAP, "tail to head is exactly cap");

	is_int(ring_peek(&r, ring_tail(&r) - 1, &p), 0,
	    "peek at tail-1 (overwritten) gives nothing");
	is_int(ring_peek(&r, 0, &p), 0, "peek at 0 (overwritten) gives nothing");
	is_int(ring_peek(&r, CAP, &p), 0,
	    "peek at cap (overwritten, same slot as 0) gives nothing");
	is_int(ring_peek(&r, ring_head(&r), &p), 0, "peek at head: nothing");
	is_int(ring_peek(&r, ring_head(&r) - 1, &p), 1, "peek at head-1: 1");
	is_int(p[0], pat(ring_head(&r) - 1), "peek at head-1: byte");

	is_int(check_range(&r, ring_tail(&r), ring_head(&r), 1), 0,
	    "every offset from tail to head peeks the right bytes");
	ring_free(&r);
}

/* A write larger than the ring keeps only its last cap bytes. */
static void
test_big_write(void)
{
	struct ring	 r;
	const uint8_t	*p = NULL;
	uint8_t		*big;
	size_t		 len = 3 * CAP + 5;

	big = malloc(len + 1000);
	ring_init(&r, CAP);
	fill(big, 0, len);
	ring_write(&r, big, len);
	is_u64(ring_head(&r), len, "big write: head is its length");
	is_u64(ring_tail(&r), len - CAP, "big write: tail is head - cap");
	is_int(check_range(&r, ring_tail(&r), ring_head(&r), 1), 0,
	    "big write into an empty ring: last cap bytes held");
	is_int(ring_peek(&r, ring_tail(&r) - 1, &p), 0,
	    "big write: the byte before the tail is gone");
	ring_free(&r);

	/* Again from an unaligned head, and exactly cap bytes. */
	ring_init(&r, CAP);
	fill(big, 0, 1000);
	ring_write(&r, big, 1000);
	fill(big, 1000, len);
	ring_write(&r, big, len);
	is_u64(ring_head(&r), 1000 + len, "big write at head 1000: head");
	is_int(check_range(&r, ring_tail(&r), ring_head(&r), 1), 0,
	    "big write at head 1000: last cap bytes held");
	fill(big, 1000 + len, CAP);
	ring_write(&r, big, CAP);
	is_u64(ring_tail(&r), 1000 + len, "write of exactly cap: tail moves "
	    "by cap");
	is_int(check_range(&r, ring_tail(&r), ring_head(&r), 1), 0,
	    "write of exactly cap: all of it held");
	ring_free(&r);
	free(big);
}

/* ring_space and ring_commit: the caller fills the ring directly. */
static void
test_space(void)
{
	struct ring	 r;
	uint8_t		*p;
	uint64_t	 o = 0;
	size_t		 n, want;
	int		 bad = 0;

	ring_init(&r, CAP);
	n = ring_space(&r, &p);
	is_int(n, CAP, "empty ring: space is all of it");
	ok(p == r.data, "empty ring: space starts at the start");
	while (o < 2 * (uint64_t)CAP + 777) {
		n = ring_space(&r, &p);
		want = CAP - (size_t)(o % CAP);
		if (n != want || p != r.data + o % CAP)
			bad++;
		if (n > 4000)
			n = 4000 - (size_t)(o % 13);
		fill(p, o, n);
		ring_commit(&r, n);
		o += n;
	}
	is_int(bad, 0, "space is always from head %% cap to the end");
	is_u64(ring_head(&r), o, "commit advances the head");
	is_int(check_range(&r, ring_tail(&r), ring_head(&r), 7), 0,
	    "committed bytes peek back right");
	ring_free(&r);
}

/* ring_line_start: the first offset at or after off that follows '\n'. */
static void
test_line_start(void)
{
	struct ring	 r;
	uint8_t		*buf;
	uint64_t	 got, base;
	const uint8_t	*p;
	size_t		 i;

	ring_init(&r, CAP);
	ring_write(&r, "abc\ndef\nghi", 11);
	is_u64(ring_line_start(&r, 0), 0, "offset 0 starts a line");
	is_u64(ring_line_start(&r, 4), 4, "offset after a newline starts a line");
	is_u64(ring_line_start(&r, 8), 8, "second line start");
	is_u64(ring_line_start(&r, 1), 4, "mid-line 1 -> next line at 4");
	is_u64(ring_line_start(&r, 3), 4, "at the newline 3 -> 4");
	is_u64(ring_line_start(&r, 5), 8, "mid-line 5 -> 8");
	is_u64(ring_line_start(&r, 9), 9, "no newline after 9 -> 9 itself");
	is_u64(ring_line_start(&r, 11), 11, "head, no newline -> head");
	ring_write(&r, "\n", 1);
	is_u64(ring_line_start(&r, 9), 12, "newline as last byte -> head");
	is_u64(ring_line_start(&r, 12), 12, "head right after a newline");
	ring_free(&r);

	/* Lines longer than the 4 KiB search window. */
	buf = malloc(3 * CAP);
	ring_init(&r, CAP);
	memset(buf, 'x', 10000);
	buf[3000] = '\n';	/* offset 3000 */
	buf[9999] = '\n';
	ring_write(&r, buf, 10000);
	is_u64(ring_line_start(&r, 100), 3001,
	    "newline 2900 bytes on is found");
	is_u64(ring_line_start(&r, 3500), 3500,
	    "newline 6500 bytes on is beyond 4 KiB: off itself");
	ring_free(&r);

	/* A newline just after the wrap point, searched from before it. */
	ring_init(&r, CAP);
	memset(buf, 'y', 3 * CAP);
	base = 2 * (uint64_t)CAP + 1000;	/* written in total */
	buf[2 * CAP + 10] = '\n';		/* offset 2*CAP+10: slot 10 */
	ring_write(&r, buf, (size_t)base);
	got = ring_line_start(&r, 2 * (uint64_t)CAP - 100);
	is_u64(got, 2 * (uint64_t)CAP + 11,
	    "search continues across the wrap");
	is_u64(ring_line_start(&r, 5), 5,
	    "overwritten offset is returned as is");
	got = ring_line_start(&r, ring_tail(&r));
	ok(got >= ring_tail(&r) && got <= ring_head(&r) &&
	    (got == ring_tail(&r) ||
	    (ring_peek(&r, got - 1, &p) > 0 && p[0] == '\n')),
	    "line start at the tail is the tail or follows a newline");
	ring_free(&r);

	/* Every line start in a text of numbered lines. */
	ring_init(&r, CAP);
	for (i = 0; i < 1000; i++) {
		char	 line[32];
		int	 n = snprintf(line, sizeof line, "%zu\n", i);

		ring_write(&r, line, (size_t)n);
	}
	{
		uint64_t	 o;
		int		 bad = 0;

		for (o = ring_tail(&r) + 1; o < ring_head(&r); o++) {
			uint64_t	 want = o;

			while (want < ring_head(&r) &&
			    (ring_peek(&r, want - 1, &p) == 0 ||
			    p[0] != '\n'))
				want++;
			if (ring_line_start(&r, o) != want && bad++ < 3)
				diag("line_start(%llu) = %llu, want %llu",
				    (unsigned long long)o,
				    (unsigned long long)ring_line_start(&r, o),
				    (unsigned long long)want);
		}
		is_int(bad, 0, "line_start of every offset of numbered lines");
	}
	ring_free(&r);
	free(buf);
}

int
main(void)
{
	test_init();
	test_small();
	test_wrap();
	test_big_write();
	test_space();
	test_line_start();
	return done_testing();
}
