/* Spawning the system's OpenSSH client as tether's transport. */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "fmt.h"
#include "log.h"
#include "ssh.h"
#include "xmalloc.h"

/* s for a one-line message: control and non-ASCII bytes become '?'. */
static void
ssh_visible(const char *s, char *out, size_t size)
{
	size_t		 i;
	unsigned char	 c;

	for (i = 0; s[i] != '\0' && i + 1 < size; i++) {
		c = (unsigned char)s[i];
		out[i] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	out[i] = '\0';
}

/*
 * Check a [user@]host argument. It must not be taken for an ssh option
 * (-oProxyCommand=...) nor carry anything a shell or ssh could read
 * specially: letters, digits and ._-:%[] for the host, ._- for the user.
 */
int
ssh_check_host(const char *arg, char *why, size_t size)
{
	const char	*at = strrchr(arg, '@'), *p, *host;
	char		 vis[256];

	host = at != NULL ? at + 1 : arg;
	ssh_visible(arg, vis, sizeof vis);
	if (*arg == '-' || *host == '-' || *host == '\0' || at == arg) {
		fmt_buf(why, size, "invalid host '%s'", vis);
		return -1;
	}
	for (p = arg; p < host - (at != NULL); p++) {
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789._-", *p) == NULL) {
			fmt_buf(why, size, "invalid user name in '%s'", vis);
			return -1;
		}
	}
	for (p = host; *p != '\0'; p++) {
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789._-:%[]", *p) == NULL) {
			ssh_visible(host, vis, sizeof vis);
			fmt_buf(why, size, "invalid host name '%s'", vis);
			return -1;
		}
	}
	if (strlen(arg) > 255) {
		fmt_buf(why, size, "host name too long");
		return -1;
	}
	return 0;
}

/* Append one option for ssh; -1 when there are too many. */
int
ssh_add_arg(struct ssh_opts *o, const char *arg)
{
	if (o->nargs == SSH_MAX_ARGS)
		return -1;
	o->args[o->nargs++] = xstrdup(arg);
	return 0;
}

/*
 * Join words into one command line for the remote shell, each in single
 * quotes (a quote inside becomes '\''), so that nothing in them is
 * expanded: not $(), not globs, not newlines.
 */
char *
ssh_quote(char *const *argv)
{
	size_t		 len = 1, i;
	const char	*p;
	char		*s, *q;

	for (i = 0; argv[i] != NULL; i++)
		len += 3 + 4 * strlen(argv[i]);
	q = s = xmalloc(len);
	for (i = 0; argv[i] != NULL; i++) {
		if (i > 0)
			*q++ = ' ';
		*q++ = '\'';
		for (p = argv[i]; *p != '\0'; p++) {
			if (*p == '\'') {
				memcpy(q, "'\\''", 4);
				q += 4;
			} else
				*q++ = *p;
		}
		*q++ = '\'';
	}
	*q = '\0';
	return s;
}

/* Build ssh's argument vector; free with free() (strings are borrowed). */
static const char **
ssh_argv(const struct ssh_opts *o, const char *remote, int batch)
{
	const char	**v;
	size_t		  n = 0, i;

	v = xcalloc(o->nargs + 24, sizeof *v);
	v[n++] = o->program;
	v[n++] = "-T";			/* no remote pty: a byte stream */
	v[n++] = "-e";
	v[n++] = "none";
	if (!o->control_master) {
		/* A dead master must never hang a reconnect. */
		v[n++] = "-o";
		v[n++] = "ControlMaster=no";
		v[n++] = "-o";
		v[n++] = "ControlPath=none";
	}
	if (batch) {
		v[n++] = "-o";
		v[n++] = "BatchMode=yes";
		v[n++] = "-o";
		v[n++] = "ConnectTimeout=3";
		if (o->dial != NULL) {
			v[n++] = "-o";
			v[n++] = o->dial;
			v[n++] = "-o";
			v[n++] = "ProxyUseFdpass=yes";
		}
	}
	for (i = 0; i < o->nargs; i++)
		v[n++] = o->args[i];
	v[n++] = "--";
	v[n++] = o->host;
	v[n++] = remote;
	v[n] = NULL;
	return v;
}

/* In the child: put the descriptors in place and run ssh. */
static void __attribute__((noreturn))
ssh_exec(const char **argv, int in, int out, int err)
{
	sigset_t	 set;
	int		 sig;

	if ((in != 0 && dup2(in, 0) == -1) || (out != 1 && dup2(out, 1) == -1) ||
	    (err != 2 && dup2(err, 2) == -1))
		_exit(127);
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	execvp(argv[0], (char *const *)argv);
	dprintf(2, "tether: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/*
 * Start ssh running the remote command, its stdin and stdout one end of a
 * socketpair (c->fd is the other), its stderr a pipe. batch: no prompts.
 * interactive: the first connection, where ssh may ask on the terminal.
 */
int
ssh_spawn(const struct ssh_opts *o, const char *remote, int batch,
    int interactive, struct ssh_conn *c, char *why, size_t size)
{
	const char	**argv;
	int		  sv[2], ep[2];

	memset(c, 0, sizeof *c);
	c->fd = c->errfd = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) {
		fmt_buf(why, size, "socketpair: %s", strerror(errno));
		return -1;
	}
	if (pipe(ep) == -1) {
		fmt_buf(why, size, "pipe: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	argv = ssh_argv(o, remote, batch);
	log_debug("spawning %s to %s (batch %d, interactive %d)", o->program,
	    o->host, batch, interactive);
	c->pid = fork();
	if (c->pid == 0) {
		close(sv[0]);
		close(ep[0]);
		if (!interactive)
			setsid();	/* no terminal to prompt on */
		ssh_exec(argv, sv[1], sv[1], ep[1]);
	}
	free(argv);
	close(sv[1]);
	close(ep[1]);
	if (c->pid == -1) {
		fmt_buf(why, size, "fork: %s", strerror(errno));
		close(sv[0]);
		close(ep[0]);
		return -1;
	}
	c->fd = sv[0];
	c->errfd = ep[0];
	compat_set_cloexec(c->fd);
	compat_set_cloexec(c->errfd);
	compat_set_nonblock(c->errfd, 1);
	return 0;
}

/* Keep the last non-empty line of what ssh wrote; log all of it. */
void
ssh_read_err(struct ssh_conn *c)
{
	char		 data[1024], *line, *end;
	ssize_t		 n;

	while (c->errfd != -1) {
		n = read(c->errfd, data, sizeof data - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;
		if (n <= 0) {
			close(c->errfd);
			c->errfd = -1;
			return;
		}
		data[n] = '\0';
		for (line = data; line != NULL; line = end) {
			if ((end = strchr(line, '\n')) != NULL)
				*end++ = '\0';
			line[strcspn(line, "\r")] = '\0';
			if (*line == '\0')
				continue;
			log_debug("ssh: %s", line);
			c->errlen = strlen(line);
			if (c->errlen >= sizeof c->err)
				c->errlen = sizeof c->err - 1;
			memcpy(c->err, line, c->errlen);
			c->err[c->errlen] = '\0';
		}
	}
}

/* Wait up to ms for ssh to exit; 0 once it is reaped. */
int
ssh_reap(struct ssh_conn *c, int ms)
{
	struct timespec	 ts = { 0, 10 * 1000 * 1000 };
	pid_t		 r;

	if (c->reaped || c->pid <= 0)
		return 0;
	for (;;) {
		r = waitpid(c->pid, &c->status, WNOHANG);
		if (r == c->pid || (r == -1 && errno == ECHILD)) {
			c->reaped = 1;
			return 0;
		}
		if (ms <= 0)
			return -1;
		nanosleep(&ts, NULL);
		ms -= 10;
	}
}

/*
 * Let go of a connection: close our end and reap ssh, killing it at once
 * when the link is dead (kill) or after a short wait for a clean exit.
 */
void
ssh_close(struct ssh_conn *c, int kill_now)
{
	if (c->fd != -1) {
		close(c->fd);
		c->fd = -1;
	}
	if (c->pid > 0 && !c->reaped) {
		if (kill_now || ssh_reap(c, 1000) != 0)
			kill(c->pid, SIGKILL);
		ssh_reap(c, 5000);
	}
	ssh_read_err(c);
	if (c->errfd != -1) {
		close(c->errfd);
		c->errfd = -1;
	}
}

/* Does ssh's last line contain one of the words? */
static int
ssh_said(const struct ssh_conn *c, const char *const *words)
{
	for (; *words != NULL; words++) {
		if (strstr(c->err, *words) != NULL)
			return 1;
	}
	return 0;
}

/* Why a finished connection failed (ssh must be reaped). */
int
ssh_classify(const struct ssh_conn *c)
{
	static const char *const auth[] = { "Permission denied",
	    "Host key verification failed", "IDENTIFICATION HAS CHANGED",
	    "Too many authentication failures", "authentication methods",
	    "Host key for", NULL };
	static const char *const name[] = { "Could not resolve hostname",
	    "Name or service not known", "nodename nor servname", NULL };
	static const char *const missing[] = { "not found",
	    "No such file or directory", NULL };
	int	 status = WIFEXITED(c->status) ? WEXITSTATUS(c->status) : -1;

	if (strncmp(c->err, "tether: ", 8) == 0 && status != 127)
		return SSH_FAIL_REMOTE;	/* the remote tether's own words */
	if (ssh_said(c, auth))
		return SSH_FAIL_AUTH;
	if (ssh_said(c, name))
		return SSH_FAIL_HOSTNAME;
	if (status == 127 || (status == 126 && ssh_said(c, missing)))
		return SSH_FAIL_NOTETHER;
	if (status == 255 || status == -1)
		return SSH_FAIL_NETWORK;
	return SSH_FAIL_REMOTE;
}

/*
 * Run a remote command with ssh's stdout and stderr as ours (tether ls
 * host, tether kill host ...). Returns ssh's exit status, with ssh's own
 * failures as 255 and a missing remote tether as 127.
 */
int
ssh_run(const struct ssh_opts *o, const char *remote)
{
	const char	**argv;
	pid_t		  pid;
	int		  status, devnull;

	argv = ssh_argv(o, remote, 0);
	if ((devnull = open("/dev/null", O_RDONLY)) == -1)
		fatal("/dev/null");
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid == 0)
		ssh_exec(argv, devnull, 1, 2);
	free(argv);
	close(devnull);
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR)
			fatal("waitpid");
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/*
 * Reconnects connect through `tether dial` (see dial.c), unless the
 * user's ssh configuration for the host makes its own connection (a
 * ProxyCommand or ProxyJump) or binds it (BindAddress, BindInterface), or
 * ssh cannot tell (not OpenSSH's -G). Sets o->dial, or leaves it NULL.
 */
void
ssh_setup_dial(struct ssh_opts *o)
{
	static const char *const own[] = { "proxycommand ", "proxyjump ",
	    "bindaddress ", "bindinterface ", NULL };
	const char	**argv, *family = "";
	char		  self[4096], line[1024], *q, *w;
	FILE		 *f;
	pid_t		  pid;
	int		  p[2], devnull, status, ok = 1;
	size_t		  i, n = 0;

	if (compat_self_path(self, sizeof self) == -1 || pipe(p) == -1)
		return;
	argv = xcalloc(o->nargs + 8, sizeof *argv);
	argv[n++] = o->program;
	argv[n++] = "-G";
	for (i = 0; i < o->nargs; i++)
		argv[n++] = o->args[i];
	argv[n++] = "--";
	argv[n++] = o->host;
	if ((devnull = open("/dev/null", O_RDWR)) == -1 ||
	    (pid = fork()) == -1) {
		free(argv);
		close(p[0]);
		close(p[1]);
		if (devnull != -1)
			close(devnull);
		return;
	}
	if (pid == 0) {
		close(p[0]);
		ssh_exec(argv, devnull, p[1], devnull);
	}
	free(argv);
	close(p[1]);
	close(devnull);
	if ((f = fdopen(p[0], "r")) == NULL) {
		close(p[0]);
		ok = 0;
	} else {
		while (fgets(line, sizeof line, f) != NULL) {
			for (i = 0; own[i] != NULL; i++) {
				if (strncmp(line, own[i], strlen(own[i])) == 0)
					ok = 0;
			}
			if (strcmp(line, "addressfamily inet\n") == 0)
				family = "-4 ";
			else if (strcmp(line, "addressfamily inet6\n") == 0)
				family = "-6 ";
		}
		fclose(f);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (!ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		log_debug("reconnects use ssh's own connect");
		return;
	}
	/* ssh runs it with the user's shell: quote; and % is ssh's. */
	q = w = xmalloc(4 * strlen(self) + 64);
	w += sprintf(w, "ProxyCommand='");
	for (i = 0; self[i] != '\0'; i++) {
		if (self[i] == '\'') {
			memcpy(w, "'\\''", 4);
			w += 4;
		} else if (self[i] == '%') {
			*w++ = '%';
			*w++ = '%';
		} else
			*w++ = self[i];
	}
	sprintf(w, "' dial %s%%h %%p", family);
	o->dial = q;
	log_debug("reconnects dial: %s", o->dial);
}
