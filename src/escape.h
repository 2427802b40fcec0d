/*
 * The client's escape sequences, in the manner of ssh: the escape character
 * (default ~) is special only at the start of a line.
 */
#ifndef ESCAPE_H
#define ESCAPE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define ESCAPE_DEFAULT	'~'
#define ESCAPE_NONE	-1

enum escape_action {
	ESCAPE_PASS = 0,	/* nothing to do */
	ESCAPE_DETACH,		/* ~. */
	ESCAPE_HELP,		/* ~? */
	ESCAPE_SUSPEND,		/* ~^Z */
	ESCAPE_RECONNECT,	/* ~r, remote sessions only */
};

struct escape {
	int	ch;
	int	state;
	int	remote;		/* ~r reconnects */
};

void	escape_init(struct escape *, int);
void	escape_set_remote(struct escape *);
int	escape_parse(const char *, int *);
int	escape_feed(struct escape *, const uint8_t *, size_t, struct buf *,
	    size_t *);
void	escape_help(const struct escape *, struct buf *);

#endif
