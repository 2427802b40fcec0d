/*
 * The attached client: owns the local terminal (raw mode, size, escapes),
 * relays keystrokes and output over a protocol stream, and keeps the
 * offsets that make a resume exact.
 */
#ifndef CLIENT_H
#define CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct client_opts {
	const char	*name;		/* the session, for messages */
	const char	*where;		/* the remote host, or NULL */
	int		 escape;	/* escape character or ESCAPE_NONE */
	int		 timeout_ms;	/* declare the link dead after this */
	int		 lossless;	/* never let the host skip output */
	/*
	 * Open a stream to the session host (attempt 0 is the first, which
	 * may prompt on the terminal); -1 and why on failure.
	 */
	int		(*connect)(void *, int, char *, size_t);
	/*
	 * The stream ended or was declared dead: let go of it. Returns 0 to
	 * reconnect, or tether's exit status with why to give up. NULL: a
	 * local session, never reconnected.
	 */
	int		(*lost)(void *, int, char *, size_t);
	/*
	 * After the network changed: what became of the stream's
	 * connection, one of netwatch.h's NETPATH_* (its local address
	 * gone; bytes unacknowledged; all acknowledged; no telling).
	 * NULL: never asked.
	 */
	int		(*path)(void *);
	void		*arg;
};

int	client_run(const struct client_opts *);
int	client_send_all(int, struct buf *, int);
int	client_recv(int, struct buf *, uint8_t *, struct reader *, size_t *,
	    int);
void	client_print_text(const char *, const char *);
void	client_others_line(const char *, uint32_t, char *, size_t);
size_t	client_utf8_cut(const uint8_t *, size_t);

/* For fuzz/fuzz_client.c: a client without a terminal of its own. */
struct client;
struct client	*client_test_new(const struct client_opts *);
int		 client_test_bytes(struct client *, const void *, size_t);
void		 client_test_keys(struct client *, const uint8_t *, size_t);
void		 client_test_turn(struct client *);
void		 client_test_lost(struct client *);
void		 client_test_free(struct client *);

#endif
