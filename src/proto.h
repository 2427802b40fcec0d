/*
 * The tether wire protocol: framed messages over any reliable byte stream
 * (a unix socket locally, ssh's stdin/stdout remotely). docs/PROTOCOL.md is
 * the specification; this module is its only encoder and decoder.
 *
 * Frame: u32 length (of what follows, 1..PROTO_MAX_FRAME), u8 type, body.
 */
#ifndef PROTO_H
#define PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define PROTO_MAGIC		"TTHR"
#ifndef PROTO_MAJOR	/* tests/e2e/deploy.sh builds another to test 252 */
#define PROTO_MAJOR		1	/* bump on any incompatible change */
#endif
#define PROTO_MINOR		4	/* bump on compatible additions */
#define PROTO_MAX_FRAME		(1024 * 1024)
#define PROTO_CHUNK		(64 * 1024)	/* largest data we send at once */
#define PROTO_NAME_MAX		64
#define PROTO_TEXT_MAX		1024
#define PROTO_TITLE_MAX		256
#define PROTO_WIN_MIN		2	/* window rows and columns: smaller */
#define PROTO_WIN_MAX		1024	/* or larger sizes are clamped */

#define PROTO_ERR_FRAME		-10	/* frame length out of range */
#define PROTO_ERR_MAGIC		-11	/* not a tether peer */
#define PROTO_ERR_VERSION	-12	/* a tether peer of another major */
#define PROTO_ERR_VALUE		-13	/* a field outside its range */

enum msg_type {
	MSG_HELLO = 1,		/* client: who I am, what I have shown */
	MSG_WELCOME = 2,	/* host: how this attach resumes */
	MSG_ERROR = 3,		/* either: fatal, with a message */
	MSG_OUTPUT = 4,		/* host: program output at an offset */
	MSG_ACK = 5,		/* client: output shown up to an offset */
	MSG_INPUT = 6,		/* client: keystrokes at an offset */
	MSG_INPUT_ACK = 7,	/* host: input accepted up to an offset */
	MSG_RESIZE = 8,		/* client: window size */
	MSG_DETACH = 9,		/* either: this attachment ends */
	MSG_EXIT = 10,		/* host: the program exited */
	MSG_PING = 11,		/* either: heartbeat */
	MSG_PONG = 12,		/* either: heartbeat answer */
	MSG_INFO = 13,		/* host: session description */
	MSG_SKIP = 14,		/* host: output lost before it reached you */
	MSG_SCREEN = 15,	/* host: repaint bytes, then what is left */
	MSG_JUMP = 16,		/* host: output skipped for a slow link;
				   SCREEN frames follow (1.2) */
	MSG_PASSED = 17,	/* host: took a bridge's descriptors (1.2) */
	MSG_OTHERS = 0x80,	/* host: other detached sessions here (1.3) */
	MSG_NOTICE = 0x81,	/* host: a line for the creator's user */
};

/* First frame types at or above this are optional and may be ignored. */
#define MSG_OPTIONAL_MIN	0x80

enum hello_mode {
	HELLO_ATTACH = 1,
	HELLO_INFO = 2,
	HELLO_KILL = 3,
	HELLO_PASS = 4,		/* 1.2: a bridge hands over ssh's descriptors */
};

/* HELLO flags. */
#define HELLO_SCREEN		0x1	/* repaint (SCREEN) for a missing offset */
#define HELLO_JUMP		0x2	/* may skip output for a slow link (1.2) */
#define HELLO_WINDOW		0x4	/* send output within a window (1.2) */
#define HELLO_DETACHED		0x8	/* KILL only if unattached (1.3) */
/* JUMP flags (1.4). */
#define JUMP_IN_PLACE		0x1	/* a later frame of the same flood */
/* WELCOME flags. */
#define WELCOME_SCREEN		0x1	/* SCREEN frames follow this WELCOME */

enum resume_kind {
	RESUME_EXACT = 0,	/* bytes follow right after what you showed */
	RESUME_FRESH = 1,	/* you had nothing of this session */
	RESUME_BEHIND = 2,	/* what you need is no longer in the ring */
};

enum error_code {
	ERR_VERSION = 1,
	ERR_DENIED = 2,
	ERR_PROTOCOL = 3,
	ERR_BUSY = 4,
	ERR_GONE = 5,
	ERR_ATTACHED = 6,	/* KILL with HELLO_DETACHED, but attached (1.3) */
};

enum detach_reason {
	DETACH_USER = 1,	/* the client asked */
	DETACH_OTHER = 2,	/* another client attached */
};

enum exit_how {
	EXIT_CODE = 0,		/* exited with a status */
	EXIT_SIGNAL = 1,	/* killed by a signal */
};

struct msg_hello {
	uint16_t	major;
	uint16_t	minor;
	uint8_t		mode;
	uint32_t	flags;
	uint64_t	instance;	/* 0 when the client has nothing */
	uint64_t	shown;		/* output offset already shown */
	uint16_t	rows;
	uint16_t	cols;
};

struct msg_welcome {
	uint16_t	major;
	uint16_t	minor;
	uint8_t		resume;
	uint64_t	instance;
	uint64_t	out_start;	/* offset of the first byte to follow */
	uint64_t	skipped;	/* bytes before out_start not sent */
	uint64_t	in_next;	/* next input offset the host expects */
	uint16_t	rows;
	uint16_t	cols;
	char		name[PROTO_NAME_MAX + 1];
	uint8_t		flags;		/* 1.1: WELCOME_SCREEN */
};

struct msg_info {
	char		name[PROTO_NAME_MAX + 1];
	uint32_t	host_pid;
	uint32_t	pid;
	uint64_t	created;
	uint64_t	attached_at;
	uint8_t		attached;
	uint16_t	rows;
	uint16_t	cols;
	char		command[PROTO_TEXT_MAX];
	char		title[PROTO_TITLE_MAX];
	uint8_t		exited;		/* 1.1: kept for a lost client */
	uint64_t	active;		/* 1.3: last keystroke, attach or
					   detach (Unix time); 0: unknown */
	uint32_t	ttl;		/* 1.3: seconds detached until it
					   ends; 0: never */
};

int	proto_frame(struct buf *, uint8_t *, struct reader *, size_t *);

int	proto_put_hello(struct buf *, const struct msg_hello *);
int	proto_put_welcome(struct buf *, const struct msg_welcome *);
int	proto_put_info(struct buf *, const struct msg_info *);
int	proto_put_data(struct buf *, uint8_t, uint64_t, const void *, size_t);
int	proto_put_u64(struct buf *, uint8_t, uint64_t);
int	proto_put_resize(struct buf *, uint16_t, uint16_t);
int	proto_put_text(struct buf *, uint8_t, uint8_t, const char *);
int	proto_put_exit(struct buf *, uint8_t, uint32_t);
int	proto_put_skip(struct buf *, uint64_t, uint64_t);
int	proto_put_jump(struct buf *, uint64_t, uint64_t, const uint64_t *,
	    const uint8_t *);
int	proto_put_u32(struct buf *, uint8_t, uint32_t);

int	proto_get_hello(struct reader *, struct msg_hello *);
int	proto_get_welcome(struct reader *, struct msg_welcome *);
int	proto_get_info(struct reader *, struct msg_info *);
int	proto_get_data(struct reader *, uint64_t *, const uint8_t **, size_t *);
int	proto_get_u64(struct reader *, uint64_t *);
int	proto_get_resize(struct reader *, uint16_t *, uint16_t *);
int	proto_get_text(struct reader *, uint8_t *, char *, size_t);
int	proto_get_exit(struct reader *, uint8_t *, uint32_t *);
int	proto_get_skip(struct reader *, uint64_t *, uint64_t *);
int	proto_get_jump(struct reader *, uint64_t *, uint64_t *, uint64_t *,
	    uint8_t *);
int	proto_get_u32(struct reader *, uint32_t *);

const char *proto_type_name(uint8_t);

#endif
