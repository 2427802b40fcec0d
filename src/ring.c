/* A byte ring addressed by absolute stream offsets. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"

#include "ring.h"
#include "xmalloc.h"

/*
 * Set up an empty ring of cap bytes. The memory is allocated but not
 * touched, so an idle session's ring costs address space, not RSS. Where
 * the platform allows, it is mapped twice back to back (mirrored), so that
 * the screen model sees any stretch of it in one piece; cap is then
 * rounded up to whole pages.
 */
void
ring_init(struct ring *r, size_t cap)
{
	size_t	 page = (size_t)sysconf(_SC_PAGESIZE);

	if (cap < RING_MIN)
		cap = RING_MIN;
	if (cap > RING_MAX)
		cap = RING_MAX;
	r->head = 0;
	r->mirrored = 0;
	if (page > 0 && (r->data = compat_mirror_alloc((cap + page - 1) /
	    page * page)) != NULL) {
		r->cap = (cap + page - 1) / page * page;
		r->mirrored = 1;
		return;
	}
	r->data = xmalloc(cap);
	r->cap = cap;
}

/* Release the ring's memory. */
void
ring_free(struct ring *r)
{
	if (r->mirrored)
		compat_mirror_free(r->data, r->cap);
	else
		free(r->data);
	r->data = NULL;
}

/* Offset one past the newest byte (total bytes ever written). */
uint64_t
ring_head(const struct ring *r)
{
	return r->head;
}

/* Offset of the oldest byte still held. */
uint64_t
ring_tail(const struct ring *r)
{
	return r->head > r->cap ? r->head - r->cap : 0;
}

/*
 * Contiguous space at the head that the next write may fill (it overwrites
 * the oldest bytes); *p points at it. Fill it, then ring_commit.
 */
size_t
ring_space(struct ring *r, uint8_t **p)
{
	size_t	 at = r->head % r->cap;

	*p = r->data + at;
	return r->cap - at;
}

/* Mark n bytes written at the head by the caller. */
void
ring_commit(struct ring *r, size_t n)
{
	r->head += n;
}

/* Copy len bytes in at the head. */
void
ring_write(struct ring *r, const void *data, size_t len)
{
	const uint8_t	*p = data;
	uint8_t		*dst;
	size_t		 n;

	if (len > r->cap) {
		r->head += len - r->cap;
		p += len - r->cap;
		len = r->cap;
	}
	while (len > 0) {
		n = ring_space(r, &dst);
		if (n > len)
			n = len;
		memcpy(dst, p, n);
		ring_commit(r, n);
		p += n;
		len -= n;
	}
}

/*
 * Contiguous bytes held from offset off onwards; *p points at them. Returns
 * 0 when off is at the head or is no longer (or not yet) in the ring.
 */
size_t
ring_peek(const struct ring *r, uint64_t off, const uint8_t **p)
{
	size_t	 at, n;

	if (off < ring_tail(r) || off >= r->head)
		return 0;
	at = off % r->cap;
	n = r->cap - at;
	if (n > r->head - off)
		n = r->head - off;
	*p = r->data + at;
	return n;
}

/*
 * The first offset at or after off that starts a line (follows a newline),
 * looking no further than 4 KiB; off itself when none is found.
 */
uint64_t
ring_line_start(const struct ring *r, uint64_t off)
{
	const uint8_t	*p, *nl;
	uint64_t	 o, end;
	size_t		 n;

	if (off == 0 || off < ring_tail(r))
		return off;
	/* Start at the byte before off: a newline there makes off a start. */
	end = off + 4096 < r->head ? off + 4096 : r->head;
	for (o = off - 1; o < end; o += n) {
		if ((n = ring_peek(r, o, &p)) == 0)
			break;
		if (n > end - o)
			n = (size_t)(end - o);
		if ((nl = memchr(p, '\n', n)) != NULL)
			return o + (uint64_t)(nl - p) + 1;
	}
	return off;
}
