/*
 * The session host: one daemon per session, owning the pty master, the
 * output ring and the session's unix socket, serving one attached client
 * at a time. It never blocks on a client.
 */
#ifndef HOST_H
#define HOST_H

#include <stddef.h>
#include <stdint.h>

#define HOST_STALL_MS		2000	/* a silent client stops holding output */
#define HOST_KILL_GRACE_MS	3000	/* SIGHUP, then SIGKILL after this */
#define HOST_HELLO_MS		5000	/* a connection must say hello by then */
#define HOST_CLOSE_MS		5000	/* a closing connection may flush */
#define HOST_MAX_CONNS		16	/* connections at once */
#define HOST_TAIL_BYTES		(64 * 1024) /* output shown to a fresh client */
#define HOST_EXIT_LINGER_MS	10000	/* wait for a silent client at exit */
#define HOST_OWED_MS		(30 * 60 * 1000) /* keep an exit for a lost client */

struct host_opts {
	const char	*dir;
	const char	*name;
	char *const	*argv;		/* NULL: login shell */
	size_t		 ring_size;
	size_t		 log_size;	/* the output log's limit; 0: none */
	size_t		 history;	/* lines kept by the screen model */
	uint16_t	 rows;
	uint16_t	 cols;
	uint32_t	 ttl;		/* seconds detached, then end; 0 */
	uint32_t	 others;	/* other detached sessions, for the
					   creator's notice */
};

int	host_create(const struct host_opts *, int, char *, size_t);

/* For fuzz/fuzz_host.c: a host without a program, pty or socket. */
struct host;
struct host	*host_test_new(int);
int		 host_test_conn(struct host *, int);
int		 host_test_bytes(struct host *, int, const void *, size_t);
void		 host_test_eof(struct host *, int);
void		 host_test_output(struct host *, const void *, size_t);
void		 host_test_turn(struct host *);
void		 host_test_free(struct host *);

#endif
