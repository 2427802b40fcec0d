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
	int		 escape;	/* escape character or ESCAPE_NONE */
	/* Open a stream to the session host; -1 and why on failure. */
	int		(*connect)(void *, char *, size_t);
	void		*arg;
};

int	client_run(const struct client_opts *);
int	client_send_all(int, struct buf *, int);
int	client_recv(int, struct buf *, uint8_t *, struct reader *, size_t *,
	    int);
void	client_print_text(const char *, const char *);

#endif
