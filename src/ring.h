/*
 * The output ring: the last cap bytes of a session's output, addressed by
 * absolute offsets since the session began. Offset o lives at o % cap; the
 * ring holds [ring_tail, ring_head). Writing past cap overwrites the oldest.
 */
#ifndef RING_H
#define RING_H

#include <stddef.h>
#include <stdint.h>

#define RING_MIN	(64 * 1024)
#define RING_MAX	((size_t)1 << 30)
#define RING_DEFAULT	(8 * 1024 * 1024)

struct ring {
	uint8_t		*data;
	size_t		 cap;
	uint64_t	 head;
	int		 mirrored;	/* data[cap + i] is data[i] */
};

void		 ring_init(struct ring *, size_t);
void		 ring_free(struct ring *);
uint64_t	 ring_head(const struct ring *);
uint64_t	 ring_tail(const struct ring *);
size_t		 ring_space(struct ring *, uint8_t **);
void		 ring_commit(struct ring *, size_t);
void		 ring_write(struct ring *, const void *, size_t);
size_t		 ring_peek(const struct ring *, uint64_t, const uint8_t **);
uint64_t	 ring_line_start(const struct ring *, uint64_t);

#endif
