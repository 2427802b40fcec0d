/* Encoding and strict decoding of tether protocol frames and messages. */
#include <string.h>

#include "buf.h"
#include "proto.h"

/*
 * Look for one complete frame at the front of in. Returns 1 and sets type,
 * body and the whole frame's size (to consume afterwards), 0 when more bytes
 * are needed, or PROTO_ERR_FRAME when the length is out of range.
 */
int
proto_frame(struct buf *in, uint8_t *type, struct reader *body, size_t *size)
{
	struct reader	 r;
	uint32_t	 len;
	const uint8_t	*p;

	rd_init(&r, buf_ptr(in), buf_len(in));
	if (rd_u32(&r, &len) != 0)
		return 0;
	if (len < 1 || len > PROTO_MAX_FRAME)
		return PROTO_ERR_FRAME;
	if (rd_bytes(&r, len, &p) != 0)
		return 0;
	*type = p[0];
	rd_init(body, p + 1, len - 1);
	*size = 4 + (size_t)len;
	return 1;
}

/* Append a frame header with a length placeholder; returns its position. */
static int
frame_begin(struct buf *out, uint8_t type, size_t *pos)
{
	int	 r;

	*pos = buf_len(out);
	if ((r = buf_put_u32(out, 0)) != 0)
		return r;
	return buf_put_u8(out, type);
}

/*
 * Fill in the length of the frame that starts at pos; on failure remove the
 * partial frame, so that a failed encode never corrupts the stream.
 */
static int
frame_end(struct buf *out, size_t pos, int r)
{
	size_t	 len;

	if (r == 0 && (len = buf_len(out) - pos - 4) > PROTO_MAX_FRAME)
		r = PROTO_ERR_FRAME;
	if (r != 0) {
		buf_truncate(out, pos);
		return r;
	}
	buf_set_u32(out, pos, (uint32_t)len);
	return 0;
}

static int
put_version(struct buf *out)
{
	int	 r;

	if ((r = buf_put(out, PROTO_MAGIC, 4)) != 0 ||
	    (r = buf_put_u16(out, PROTO_MAJOR)) != 0)
		return r;
	return buf_put_u16(out, PROTO_MINOR);
}

/*
 * Read the magic and version that open HELLO and WELCOME. A peer of another
 * major version is reported with its version filled in, so that both sides
 * can name both versions; nothing after the version is read in that case.
 */
static int
get_version(struct reader *r, uint16_t *major, uint16_t *minor)
{
	const uint8_t	*magic;

	if (rd_bytes(r, 4, &magic) != 0)
		return BUF_ERR_SHORT;
	if (memcmp(magic, PROTO_MAGIC, 4) != 0)
		return PROTO_ERR_MAGIC;
	if (rd_u16(r, major) != 0 || rd_u16(r, minor) != 0)
		return BUF_ERR_SHORT;
	if (*major != PROTO_MAJOR)
		return PROTO_ERR_VERSION;
	return 0;
}

/* Encode HELLO. */
int
proto_put_hello(struct buf *out, const struct msg_hello *m)
{
	size_t	 pos;
	int	 r;

	if ((r = frame_begin(out, MSG_HELLO, &pos)) == 0 &&
	    (r = put_version(out)) == 0 &&
	    (r = buf_put_u8(out, m->mode)) == 0 &&
	    (r = buf_put_u32(out, m->flags)) == 0 &&
	    (r = buf_put_u64(out, m->instance)) == 0 &&
	    (r = buf_put_u64(out, m->shown)) == 0 &&
	    (r = buf_put_u16(out, m->rows)) == 0)
		r = buf_put_u16(out, m->cols);
	return frame_end(out, pos, r);
}

/* Decode HELLO; unknown trailing bytes are allowed for minor additions. */
int
proto_get_hello(struct reader *r, struct msg_hello *m)
{
	int	 e;

	memset(m, 0, sizeof *m);
	if ((e = get_version(r, &m->major, &m->minor)) != 0)
		return e;
	if (rd_u8(r, &m->mode) != 0 || rd_u32(r, &m->flags) != 0 ||
	    rd_u64(r, &m->instance) != 0 || rd_u64(r, &m->shown) != 0 ||
	    rd_u16(r, &m->rows) != 0 || rd_u16(r, &m->cols) != 0)
		return BUF_ERR_SHORT;
	if (m->mode < HELLO_ATTACH || m->mode > HELLO_PASS)
		return PROTO_ERR_VALUE;
	return 0;
}

/* Encode WELCOME. */
int
proto_put_welcome(struct buf *out, const struct msg_welcome *m)
{
	size_t	 pos;
	int	 r;

	if ((r = frame_begin(out, MSG_WELCOME, &pos)) == 0 &&
	    (r = put_version(out)) == 0 &&
	    (r = buf_put_u8(out, m->resume)) == 0 &&
	    (r = buf_put_u64(out, m->instance)) == 0 &&
	    (r = buf_put_u64(out, m->out_start)) == 0 &&
	    (r = buf_put_u64(out, m->skipped)) == 0 &&
	    (r = buf_put_u64(out, m->in_next)) == 0 &&
	    (r = buf_put_u16(out, m->rows)) == 0 &&
	    (r = buf_put_u16(out, m->cols)) == 0 &&
	    (r = buf_put_str(out, m->name)) == 0)
		r = buf_put_u8(out, m->flags);
	return frame_end(out, pos, r);
}

/* Decode WELCOME. */
int
proto_get_welcome(struct reader *r, struct msg_welcome *m)
{
	int	 e;

	memset(m, 0, sizeof *m);
	if ((e = get_version(r, &m->major, &m->minor)) != 0)
		return e;
	if (rd_u8(r, &m->resume) != 0 || rd_u64(r, &m->instance) != 0 ||
	    rd_u64(r, &m->out_start) != 0 || rd_u64(r, &m->skipped) != 0 ||
	    rd_u64(r, &m->in_next) != 0 || rd_u16(r, &m->rows) != 0 ||
	    rd_u16(r, &m->cols) != 0)
		return BUF_ERR_SHORT;
	if ((e = rd_str(r, m->name, sizeof m->name)) != 0)
		return e;
	/* 1.1 appended flags; a 1.0 host's WELCOME ends before them. */
	if (r->left > 0 && rd_u8(r, &m->flags) != 0)
		return BUF_ERR_SHORT;
	if (m->resume > RESUME_BEHIND || m->instance == 0)
		return PROTO_ERR_VALUE;
	return 0;
}

/* Encode INFO. */
int
proto_put_info(struct buf *out, const struct msg_info *m)
{
	size_t	 pos;
	int	 r;

	if ((r = frame_begin(out, MSG_INFO, &pos)) == 0 &&
	    (r = buf_put_str(out, m->name)) == 0 &&
	    (r = buf_put_u32(out, m->host_pid)) == 0 &&
	    (r = buf_put_u32(out, m->pid)) == 0 &&
	    (r = buf_put_u64(out, m->created)) == 0 &&
	    (r = buf_put_u64(out, m->attached_at)) == 0 &&
	    (r = buf_put_u8(out, m->attached)) == 0 &&
	    (r = buf_put_u16(out, m->rows)) == 0 &&
	    (r = buf_put_u16(out, m->cols)) == 0 &&
	    (r = buf_put_str(out, m->command)) == 0 &&
	    (r = buf_put_str(out, m->title)) == 0 &&
	    (r = buf_put_u8(out, m->exited)) == 0 &&
	    (r = buf_put_u64(out, m->active)) == 0)
		r = buf_put_u32(out, m->ttl);
	return frame_end(out, pos, r);
}

/* Decode INFO. */
int
proto_get_info(struct reader *r, struct msg_info *m)
{
	int	 e;

	memset(m, 0, sizeof *m);
	if ((e = rd_str(r, m->name, sizeof m->name)) != 0)
		return e;
	if (rd_u32(r, &m->host_pid) != 0 || rd_u32(r, &m->pid) != 0 ||
	    rd_u64(r, &m->created) != 0 || rd_u64(r, &m->attached_at) != 0 ||
	    rd_u8(r, &m->attached) != 0 || rd_u16(r, &m->rows) != 0 ||
	    rd_u16(r, &m->cols) != 0)
		return BUF_ERR_SHORT;
	if ((e = rd_str(r, m->command, sizeof m->command)) != 0)
		return e;
	if ((e = rd_str(r, m->title, sizeof m->title)) != 0)
		return e;
	/* 1.1 appended exited; a 1.0 host's INFO ends before it. */
	if (r->left > 0 && rd_u8(r, &m->exited) != 0)
		return BUF_ERR_SHORT;
	/* 1.3 appended active and ttl. */
	if (r->left > 0 && (rd_u64(r, &m->active) != 0 ||
	    rd_u32(r, &m->ttl) != 0))
		return BUF_ERR_SHORT;
	return 0;
}

/* Encode OUTPUT or INPUT: an offset and the bytes that start there. */
int
proto_put_data(struct buf *out, uint8_t type, uint64_t off, const void *data,
    size_t len)
{
	size_t	 pos;
	int	 r;

	if (len > PROTO_MAX_FRAME - 9)
		return PROTO_ERR_FRAME;
	if ((r = frame_begin(out, type, &pos)) == 0 &&
	    (r = buf_put_u64(out, off)) == 0)
		r = buf_put(out, data, len);
	return frame_end(out, pos, r);
}

/* Decode OUTPUT or INPUT; data points into the frame. */
int
proto_get_data(struct reader *r, uint64_t *off, const uint8_t **data,
    size_t *len)
{
	if (rd_u64(r, off) != 0)
		return BUF_ERR_SHORT;
	if (*off > UINT64_MAX - r->left)
		return PROTO_ERR_VALUE;
	*len = r->left;
	return rd_bytes(r, r->left, data);
}

/* Encode a message whose body is one u64 (ACK, INPUT_ACK, PING, PONG). */
int
proto_put_u64(struct buf *out, uint8_t type, uint64_t v)
{
	size_t	 pos;
	int	 r;

	if ((r = frame_begin(out, type, &pos)) == 0)
		r = buf_put_u64(out, v);
	return frame_end(out, pos, r);
}

/* Decode a one-u64 body. */
int
proto_get_u64(struct reader *r, uint64_t *v)
{
	return rd_u64(r, v);
}

/* Encode a message whose body is one u32 (OTHERS). */
int
proto_put_u32(struct buf *out, uint8_t type, uint32_t v)
{
	size_t	 pos;
	int	 r;

	if ((r = frame_begin(out, type, &pos)) == 0)
		r = buf_put_u32(out, v);
	return frame_end(out, pos, r);
}

/* Decode a one-u32 body. */
int
proto_get_u32(struct reader *r, uint32_t *v)
{
	return rd_u32(r, v);
}

/* Encode RESIZE. */
int
proto_put_resize(struct buf *out, uint16_t rows, uint16_t cols)
{
	size_t	 pos;
	int	 r;

	if ((r = frame_begin(out, MSG_RESIZE, &pos)) == 0 &&
	    (r = buf_put_u16(out, rows)) == 0)
		r = buf_put_u16(out, cols);
	return frame_end(out, pos, r);
}

/* Decode RESIZE. */
int
proto_get_resize(struct reader *r, uint16_t *rows, uint16_t *cols)
{
	if (rd_u16(r, rows) != 0 || rd_u16(r, cols) != 0)
		return BUF_ERR_SHORT;
	return 0;
}

/* Encode ERROR or DETACH: a code and a human-readable message. */
int
proto_put_text(struct buf *out, uint8_t type, uint8_t code, const char *msg)
{
	size_t	 pos;
	int	 r;

	if (strlen(msg) >= PROTO_TEXT_MAX)
		return PROTO_ERR_VALUE;
	if ((r = frame_begin(out, type, &pos)) == 0 &&
	    (r = buf_put_u8(out, code)) == 0)
		r = buf_put_str(out, msg);
	return frame_end(out, pos, r);
}

/* Decode ERROR or DETACH. */
int
proto_get_text(struct reader *r, uint8_t *code, char *msg, size_t size)
{
	if (rd_u8(r, code) != 0)
		return BUF_ERR_SHORT;
	return rd_str(r, msg, size);
}

/* Encode EXIT. */
int
proto_put_exit(struct buf *out, uint8_t how, uint32_t value)
{
	size_t	 pos;
	int	 r;

	if ((r = frame_begin(out, MSG_EXIT, &pos)) == 0 &&
	    (r = buf_put_u8(out, how)) == 0)
		r = buf_put_u32(out, value);
	return frame_end(out, pos, r);
}

/* Decode EXIT. */
int
proto_get_exit(struct reader *r, uint8_t *how, uint32_t *value)
{
	if (rd_u8(r, how) != 0 || rd_u32(r, value) != 0)
		return BUF_ERR_SHORT;
	if (*how > EXIT_SIGNAL || *value > 255)
		return PROTO_ERR_VALUE;
	return 0;
}

/* Encode SKIP: output [from, to) was lost before it could be sent. */
int
proto_put_skip(struct buf *out, uint64_t from, uint64_t to)
{
	size_t	 pos;
	int	 r;

	if ((r = frame_begin(out, MSG_SKIP, &pos)) == 0 &&
	    (r = buf_put_u64(out, from)) == 0)
		r = buf_put_u64(out, to);
	return frame_end(out, pos, r);
}

/*
 * Encode JUMP: output [from, to) was skipped because the link is slow;
 * SCREEN frames with the repaint follow, then OUTPUT from to. kept, for a
 * client of minor 3 or more (NULL for older ones), is where the session's
 * log begins to hold the skipped output: from if it has all of it, to if
 * none.
 */
int
proto_put_jump(struct buf *out, uint64_t from, uint64_t to,
    const uint64_t *kept, const uint8_t *flags)
{
	size_t	 pos;
	int	 r;

	if ((r = frame_begin(out, MSG_JUMP, &pos)) == 0 &&
	    (r = buf_put_u64(out, from)) == 0 &&
	    (r = buf_put_u64(out, to)) == 0 && kept != NULL &&
	    (r = buf_put_u64(out, *kept)) == 0 && flags != NULL)
		r = buf_put_u8(out, *flags);
	return frame_end(out, pos, r);
}

/* Decode SKIP. */
int
proto_get_skip(struct reader *r, uint64_t *from, uint64_t *to)
{
	if (rd_u64(r, from) != 0 || rd_u64(r, to) != 0)
		return BUF_ERR_SHORT;
	if (*to < *from)
		return PROTO_ERR_VALUE;
	return 0;
}

/*
 * Decode JUMP; a host older than 1.3 sends no kept, and its log had all
 * of the skipped output as far as it knew: kept is from then. One older
 * than 1.4 sends no flags: 0.
 */
int
proto_get_jump(struct reader *r, uint64_t *from, uint64_t *to,
    uint64_t *kept, uint8_t *flags)
{
	int	 e;

	*flags = 0;
	if ((e = proto_get_skip(r, from, to)) != 0)
		return e;
	if (r->left == 0) {
		*kept = *from;
		return 0;
	}
	if (rd_u64(r, kept) != 0)
		return BUF_ERR_SHORT;
	if (*kept < *from || *kept > *to)
		return PROTO_ERR_VALUE;
	if (r->left > 0 && rd_u8(r, flags) != 0)
		return BUF_ERR_SHORT;
	return 0;
}

/* A message type's name, for logs. */
const char *
proto_type_name(uint8_t type)
{
	static const char *names[] = {
		"?", "HELLO", "WELCOME", "ERROR", "OUTPUT", "ACK", "INPUT",
		"INPUT_ACK", "RESIZE", "DETACH", "EXIT", "PING", "PONG",
		"INFO", "SKIP", "SCREEN", "JUMP", "PASSED",
	};

	if (type < sizeof names / sizeof names[0])
		return names[type];
	if (type == MSG_OTHERS)
		return "OTHERS";
	if (type == MSG_NOTICE)
		return "NOTICE";
	return "UNKNOWN";
}
