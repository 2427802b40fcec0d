/* Growable byte buffers and a bounds-checked big-endian reader. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xmalloc.h"

/* Start an empty buffer that may never hold more than max bytes. */
void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof *b);
	b->max = max;
}

/* Release a buffer's memory. */
void
buf_free(struct buf *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

/* Drop all live bytes, keeping the allocation. */
void
buf_reset(struct buf *b)
{
	b->off = b->len = 0;
}

/* Number of live bytes. */
size_t
buf_len(const struct buf *b)
{
	return b->len - b->off;
}

/* Pointer to the first live byte (never NULL, even before any is put). */
const uint8_t *
buf_ptr(const struct buf *b)
{
	if (b->data == NULL)
		return (const uint8_t *)"";
	return b->data + b->off;
}

/* Drop n bytes from the front. */
void
buf_consume(struct buf *b, size_t n)
{
	if (n > buf_len(b))
		n = buf_len(b);
	b->off += n;
	if (b->off == b->len)
		b->off = b->len = 0;
}

/* Make room for n more bytes at the end; *p points at them. */
int
buf_reserve(struct buf *b, size_t n, uint8_t **p)
{
	size_t	 live = buf_len(b), want;

	if (n > b->max || live > b->max - n)
		return BUF_ERR_LIMIT;
	/* Nothing allocated yet and nothing asked for (NULL + 0 is UB). */
	if (b->data == NULL && n == 0) {
		*p = NULL;
		return 0;
	}
	if (b->cap - b->len < n) {
		if (b->off != 0) {
			memmove(b->data, b->data + b->off, live);
			b->off = 0;
			b->len = live;
		}
		if (b->cap - b->len < n) {
			want = b->cap < 256 ? 256 : b->cap;
			while (want - live < n)
				want *= 2;
			if (want > b->max)
				want = b->max;
			b->data = xreallocarray(b->data, 1, want);
			b->cap = want;
		}
	}
	*p = b->data + b->len;
	return 0;
}

/* Mark n reserved bytes as written. */
void
buf_commit(struct buf *b, size_t n)
{
	b->len += n;
}

/* Append n bytes. */
int
buf_put(struct buf *b, const void *data, size_t n)
{
	uint8_t	*p;
	int	 r;

	if ((r = buf_reserve(b, n, &p)) != 0)
		return r;
	if (n != 0)
		memcpy(p, data, n);
	buf_commit(b, n);
	return 0;
}

/* Append one byte. */
int
buf_put_u8(struct buf *b, uint8_t v)
{
	return buf_put(b, &v, 1);
}

/* Append a big-endian 16-bit integer. */
int
buf_put_u16(struct buf *b, uint16_t v)
{
	uint8_t	 x[2] = { v >> 8, v };

	return buf_put(b, x, sizeof x);
}

/* Append a big-endian 32-bit integer. */
int
buf_put_u32(struct buf *b, uint32_t v)
{
	uint8_t	 x[4] = { v >> 24, v >> 16, v >> 8, v };

	return buf_put(b, x, sizeof x);
}

/* Append a big-endian 64-bit integer. */
int
buf_put_u64(struct buf *b, uint64_t v)
{
	int	 r;

	if ((r = buf_put_u32(b, v >> 32)) != 0)
		return r;
	return buf_put_u32(b, (uint32_t)v);
}

/* Append a string as a u32 length and its bytes (no terminating NUL). */
int
buf_put_str(struct buf *b, const char *s)
{
	size_t	 n = strlen(s);
	int	 r;

	if (n > UINT32_MAX)
		return BUF_ERR_LIMIT;
	if ((r = buf_put_u32(b, (uint32_t)n)) != 0)
		return r;
	return buf_put(b, s, n);
}

/* Cut the live bytes back to len (undo a partly written message). */
void
buf_truncate(struct buf *b, size_t len)
{
	if (len < buf_len(b))
		b->len = b->off + len;
}

/* Overwrite a big-endian u32 at live position pos (a length placeholder). */
void
buf_set_u32(struct buf *b, size_t pos, uint32_t v)
{
	uint8_t	*p = b->data + b->off + pos;

	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Start reading n bytes at p. */
void
rd_init(struct reader *r, const void *p, size_t n)
{
	r->p = p;
	r->left = n;
}

/* Take n raw bytes; *out points into the reader's slice. */
int
rd_bytes(struct reader *r, size_t n, const uint8_t **out)
{
	if (r->left < n)
		return BUF_ERR_SHORT;
	*out = r->p;
	r->p += n;
	r->left -= n;
	return 0;
}

/* Read one byte. */
int
rd_u8(struct reader *r, uint8_t *v)
{
	const uint8_t	*p;

	if (rd_bytes(r, 1, &p) != 0)
		return BUF_ERR_SHORT;
	*v = p[0];
	return 0;
}

/* Read a big-endian 16-bit integer. */
int
rd_u16(struct reader *r, uint16_t *v)
{
	const uint8_t	*p;

	if (rd_bytes(r, 2, &p) != 0)
		return BUF_ERR_SHORT;
	*v = (uint16_t)(p[0] << 8 | p[1]);
	return 0;
}

/* Read a big-endian 32-bit integer. */
int
rd_u32(struct reader *r, uint32_t *v)
{
	const uint8_t	*p;

	if (rd_bytes(r, 4, &p) != 0)
		return BUF_ERR_SHORT;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
	return 0;
}

/* Read a big-endian 64-bit integer. */
int
rd_u64(struct reader *r, uint64_t *v)
{
	uint32_t	 hi, lo;

	if (rd_u32(r, &hi) != 0 || rd_u32(r, &lo) != 0)
		return BUF_ERR_SHORT;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

/*
 * Read a length-prefixed string into out (size bytes, NUL-terminated).
 * A string that does not fit, or that contains a NUL, is refused.
 */
int
rd_str(struct reader *r, char *out, size_t size)
{
	const uint8_t	*p;
	uint32_t	 n;

	if (rd_u32(r, &n) != 0)
		return BUF_ERR_SHORT;
	if (n >= size)
		return BUF_ERR_LIMIT;
	if (rd_bytes(r, n, &p) != 0)
		return BUF_ERR_SHORT;
	if (memchr(p, '\0', n) != NULL)
		return BUF_ERR_FORMAT;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}
