/*
 * Byte buffers and a strict reader for untrusted bytes, in the manner of
 * OpenSSH's sshbuf: explicit big-endian fixed-width integers, u32
 * length-prefixed strings, a maximum size on everything and a negative error
 * code on every failure. Nothing is ever copied off the wire as a struct.
 */
#ifndef BUF_H
#define BUF_H

#include <stddef.h>
#include <stdint.h>

#define BUF_ERR_SHORT	-1	/* not enough bytes */
#define BUF_ERR_LIMIT	-2	/* a length or the buffer exceeds its maximum */
#define BUF_ERR_FORMAT	-3	/* bytes present but not valid */

/* A growable buffer: bytes [off, len) of data are live. */
struct buf {
	uint8_t	*data;
	size_t	 off;
	size_t	 len;
	size_t	 cap;
	size_t	 max;
};

/* A read cursor over a slice of bytes that are not ours. */
struct reader {
	const uint8_t	*p;
	size_t		 left;
};

void		 buf_init(struct buf *, size_t);
void		 buf_free(struct buf *);
void		 buf_reset(struct buf *);
size_t		 buf_len(const struct buf *);
const uint8_t	*buf_ptr(const struct buf *);
void		 buf_consume(struct buf *, size_t);
int		 buf_reserve(struct buf *, size_t, uint8_t **);
void		 buf_commit(struct buf *, size_t);
int		 buf_put(struct buf *, const void *, size_t);
int		 buf_put_u8(struct buf *, uint8_t);
int		 buf_put_u16(struct buf *, uint16_t);
int		 buf_put_u32(struct buf *, uint32_t);
int		 buf_put_u64(struct buf *, uint64_t);
int		 buf_put_str(struct buf *, const char *);
void		 buf_set_u32(struct buf *, size_t, uint32_t);
void		 buf_truncate(struct buf *, size_t);

void		 rd_init(struct reader *, const void *, size_t);
int		 rd_u8(struct reader *, uint8_t *);
int		 rd_u16(struct reader *, uint16_t *);
int		 rd_u32(struct reader *, uint32_t *);
int		 rd_u64(struct reader *, uint64_t *);
int		 rd_bytes(struct reader *, size_t, const uint8_t **);
int		 rd_str(struct reader *, char *, size_t);

#endif
