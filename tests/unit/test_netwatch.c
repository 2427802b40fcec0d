/*
 * Unit tests for src/netwatch.c's netwatch_path: a process whose TCP
 * connection comes from an address this machine has, with every byte
 * acknowledged, is NETPATH_ACKED, and NETPATH_PENDING while bytes wait (a
 * peer that stopped reading); the connection of a child (ssh's proxy
 * command) counts as the process's own; one without a TCP connection
 * cannot be told; one whose address was taken away is NETPATH_GONE (as
 * root: in a network namespace of its own; tests/e2e/remote_faults.sh's
 * roam is the whole client's case).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "netwatch.h"
#include "../tap.h"

/*
 * A connected pair of TCP sockets: over the IPv4 address v4 (network
 * order) for AF_INET, over ::1 for AF_INET6; 0, or -1 when this machine
 * cannot make one.
 */
static int
tcp_pair(int af, in_addr_t v4, int *a, int *b)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof ss;
	int			 l, one = 1;

	memset(&ss, 0, sizeof ss);
	if (af == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = v4;
		len = sizeof *s4;
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		len = sizeof *s6;
	}
	if ((l = socket(af, SOCK_STREAM, 0)) == -1)
		return -1;
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(l, (struct sockaddr *)&ss, len) == -1 || listen(l, 1) == -1 ||
	    getsockname(l, (struct sockaddr *)&ss, &len) == -1 ||
	    (*a = socket(af, SOCK_STREAM, 0)) == -1) {
		close(l);
		return -1;
	}
	if (connect(*a, (struct sockaddr *)&ss, len) == -1 ||
	    (*b = accept(l, NULL, NULL)) == -1) {
		close(*a);
		close(l);
		return -1;
	}
	close(l);
	return 0;
}

static void
test_loopback(int af, const char *what)
{
	char	 chunk[4096];
	int	 a, b;

	if (tcp_pair(af, htonl(INADDR_LOOPBACK), &a, &b) == -1) {
		skip("no TCP over %s here", what);
		return;
	}
	is_int(netwatch_path(getpid()), NETPATH_ACKED,
	    "a connection from %s, every byte acknowledged", what);
	/* b never reads: once its buffer is full, a's bytes wait. */
	memset(chunk, 'x', sizeof chunk);
	fcntl(a, F_SETFL, fcntl(a, F_GETFL) | O_NONBLOCK);
	while (write(a, chunk, sizeof chunk) > 0)
		;
	is_int(netwatch_path(getpid()), NETPATH_PENDING,
	    "a connection from %s whose peer stopped reading: bytes wait",
	    what);
	close(a);
	close(b);
}

/* The connection of a child (ssh's ProxyCommand) is the process's own. */
static void
test_child(void)
{
	pid_t	 pid;
	int	 p[2], a, b, status;
	char	 c = 0;

	if (pipe(p) == -1) {
		ok(0, "pipe");
		return;
	}
	if ((pid = fork()) == 0) {
		close(p[0]);
		c = tcp_pair(AF_INET, htonl(INADDR_LOOPBACK), &a, &b) == 0;
		compat_ignore(write(p[1], &c, 1));
		pause();
		_exit(0);
	}
	close(p[1]);
	if (pid == -1 || read(p[0], &c, 1) != 1 || !c)
		skip("no TCP over 127.0.0.1 in a child");
	else
		is_int(netwatch_path(getpid()), NETPATH_ACKED,
		    "a child's connection counts as the process's own");
	close(p[0]);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
}

/* A process with no socket at all, and no process. */
static void
test_unknown(void)
{
	pid_t	 pid;
	int	 status;

	if ((pid = fork()) == 0) {
		pause();
		_exit(0);
	}
	ok(pid > 0, "fork");
	is_int(netwatch_path(pid), NETPATH_UNKNOWN,
	    "a process without sockets cannot be told");
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	is_int(netwatch_path(pid), NETPATH_UNKNOWN, "a process that is gone "
	    "cannot be told");
	is_int(netwatch_path(0), NETPATH_UNKNOWN, "nor can pid 0");
}

/*
 * In a network namespace of a child's own: a connection over 10.9.9.1 on
 * lo, then the address taken away (as a laptop's when it roams). The
 * child's exit status: 0 gone as it should be, 1 wrong answer before,
 * 2 wrong answer after, 3 no namespace (not root), 4 set-up failed.
 */
static void
test_gone(void)
{
	pid_t	 pid;
	int	 status, a, b;

	if ((pid = fork()) == 0) {
		if (unshare(CLONE_NEWNET) == -1)
			_exit(3);
		if (system("ip link set lo up && "
		    "ip addr add 10.9.9.1/32 dev lo") != 0 ||
		    tcp_pair(AF_INET, inet_addr("10.9.9.1"), &a, &b) == -1)
			_exit(4);
		if (netwatch_path(getpid()) != NETPATH_ACKED)
			_exit(1);
		if (system("ip addr del 10.9.9.1/32 dev lo") != 0)
			_exit(4);
		_exit(netwatch_path(getpid()) == NETPATH_GONE ? 0 : 2);
	}
	if (pid == -1 || waitpid(pid, &status, 0) == -1 || !WIFEXITED(status)) {
		ok(0, "the namespace child ran");
		return;
	}
	switch (WEXITSTATUS(status)) {
	case 3:
		skip("no network namespace here (needs root): %s",
		    strerror(EPERM));
		break;
	case 4:
		skip("cannot set up an address in the namespace (ip)");
		break;
	default:
		is_int(WEXITSTATUS(status), 0, "a connection over 10.9.9.1 is "
		    "fine while the address is there, and gone once it is");
	}
}

int
main(void)
{
	test_loopback(AF_INET, "127.0.0.1");
	test_loopback(AF_INET6, "::1");
	test_child();
	test_unknown();
	test_gone();
	return done_testing();
}
