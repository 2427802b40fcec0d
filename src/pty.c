/* Open a pty pair and start a program on its slave as a session leader. */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "compat.h"
#include "fmt.h"
#include "pty.h"
#include "xmalloc.h"

/* The user's shell: $SHELL, else the password entry's, else /bin/sh. */
const char *
pty_shell(void)
{
	const char	*sh = getenv("SHELL");
	struct passwd	*pw;

	if (sh != NULL && sh[0] == '/' && access(sh, X_OK) == 0)
		return sh;
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_shell != NULL &&
	    pw->pw_shell[0] == '/' && access(pw->pw_shell, X_OK) == 0)
		return pw->pw_shell;
	return "/bin/sh";
}

/* The command line a session runs, for `ls` (the caller frees it). */
char *
pty_command_line(char *const *argv)
{
	char	*line, *next;
	size_t	 i;

	if (argv == NULL || argv[0] == NULL)
		return xstrdup(pty_shell());
	line = xstrdup(argv[0]);
	for (i = 1; argv[i] != NULL; i++) {
		xasprintf(&next, "%s %s", line, argv[i]);
		free(line);
		line = next;
	}
	return line;
}

/* Set the window size of a pty; the kernel sends SIGWINCH to the program. */
int
pty_resize(int master, uint16_t rows, uint16_t cols)
{
	struct winsize	 ws;

	memset(&ws, 0, sizeof ws);
	ws.ws_row = rows;
	ws.ws_col = cols;
	return ioctl(master, TIOCSWINSZ, &ws);
}

/* In the child: make the slave the controlling tty and run the program. */
static void __attribute__((noreturn))
pty_child(const struct pty_spec *spec, const char *slave, int errfd)
{
	const char	*shell, *base;
	char		*login, *argv0[2];
	int		 fd, e, sig;
	sigset_t	 set;

	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	if (setsid() == -1 || (fd = open(slave, O_RDWR)) == -1)
		goto fail;
#ifdef TIOCSCTTY
	ioctl(fd, TIOCSCTTY, 0);
#endif
	if (dup2(fd, 0) == -1 || dup2(fd, 1) == -1 || dup2(fd, 2) == -1)
		goto fail;
	if (fd > 2)
		close(fd);
	setenv("TETHER_SESSION", spec->session, 1);
	if (spec->argv != NULL && spec->argv[0] != NULL) {
		execvp(spec->argv[0], spec->argv);
		goto fail;
	}
	shell = pty_shell();
	base = strrchr(shell, '/') != NULL ? strrchr(shell, '/') + 1 : shell;
	xasprintf(&login, "-%s", base);
	argv0[0] = login;
	argv0[1] = NULL;
	setenv("SHELL", shell, 1);
	execv(shell, argv0);
fail:
	e = errno;
	compat_ignore(write(errfd, &e, sizeof e));
	_exit(127);
}

/*
 * Open a pty of the given size and start the program on it. Returns the
 * master (non-blocking, close-on-exec) and the program's pid, or -1 and why
 * (including a program that could not be executed).
 */
int
pty_spawn(const struct pty_spec *spec, pid_t *pid, char *why, size_t size)
{
	int	 master, pfd[2], e;
	char	 slave[256];
	ssize_t	 n;

	if ((master = compat_openpt(slave, sizeof slave)) == -1) {
		fmt_buf(why, size, "cannot open a pty: %s", strerror(errno));
		return -1;
	}
	compat_set_cloexec(master);
	pty_resize(master, spec->rows, spec->cols);
	if (pipe(pfd) == -1) {
		fmt_buf(why, size, "pipe: %s", strerror(errno));
		close(master);
		return -1;
	}
	compat_set_cloexec(pfd[0]);
	compat_set_cloexec(pfd[1]);
	if ((*pid = fork()) == -1) {
		fmt_buf(why, size, "fork: %s", strerror(errno));
		close(master);
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (*pid == 0) {
		close(master);
		close(pfd[0]);
		pty_child(spec, slave, pfd[1]);
	}
	close(pfd[1]);
	do
		n = read(pfd[0], &e, sizeof e);
	while (n == -1 && errno == EINTR);
	close(pfd[0]);
	if (n == (ssize_t)sizeof e) {
		fmt_buf(why, size, "cannot run %s: %s",
		    spec->argv != NULL && spec->argv[0] != NULL ?
		    spec->argv[0] : pty_shell(), strerror(e));
		waitpid(*pid, NULL, 0);
		close(master);
		return -1;
	}
	compat_set_nonblock(master, 1);
	return master;
}
