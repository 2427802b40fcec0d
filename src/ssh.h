/*
 * The transport to a remote host: the system's OpenSSH client, spawned with
 * a socketpair as its stdin and stdout, running `tether bridge` (or ls,
 * kill) on the far side. ssh's stderr is captured so that its own message
 * can be shown when a connection fails.
 */
#ifndef SSH_H
#define SSH_H

#include <sys/types.h>
#include <stddef.h>

#define SSH_MAX_ARGS	64	/* ssh options given by the user */
#define SSH_ERR_MAX	512	/* last line of ssh's stderr kept */

/* Why a connection attempt failed, from ssh's status and last words. */
enum ssh_fail {
	SSH_FAIL_NONE = 0,
	SSH_FAIL_NETWORK,	/* unreachable, refused, timed out, reset */
	SSH_FAIL_HOSTNAME,	/* the name does not resolve */
	SSH_FAIL_AUTH,		/* authentication or host key */
	SSH_FAIL_NOTETHER,	/* no tether on the remote PATH */
	SSH_FAIL_REMOTE,	/* the remote tether refused (status, text) */
};

struct ssh_opts {
	const char	*host;		/* [user@]host, already checked */
	const char	*program;	/* ssh, or --ssh COMMAND's first word */
	char		*args[SSH_MAX_ARGS];	/* options for ssh */
	size_t		 nargs;
	const char	*remote_tether;	/* --remote-tether, or "tether" */
	int		 control_master; /* allow the user's ControlMaster */
	char		*dial;		/* ProxyCommand=... for reconnects */
};

struct ssh_conn {
	pid_t		 pid;
	int		 fd;		/* our end of ssh's stdin/stdout */
	int		 errfd;		/* ssh's stderr, -1 once closed */
	char		 err[SSH_ERR_MAX];	/* its last non-empty line */
	size_t		 errlen;
	int		 status;	/* from waitpid, once reaped */
	int		 reaped;
};

int	ssh_check_host(const char *, char *, size_t);
int	ssh_add_arg(struct ssh_opts *, const char *);
char   *ssh_quote(char *const *);
int	ssh_spawn(const struct ssh_opts *, const char *, int, int,
	    struct ssh_conn *, char *, size_t);
void	ssh_read_err(struct ssh_conn *);
void	ssh_close(struct ssh_conn *, int);
int	ssh_reap(struct ssh_conn *, int);
int	ssh_classify(const struct ssh_conn *);
int	ssh_run(const struct ssh_opts *, const char *);
void	ssh_setup_dial(struct ssh_opts *);

#endif
