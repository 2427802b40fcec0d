/* The per-user socket directory, session names and session sockets. */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "fmt.h"
#include "safedir.h"
#include "sock.h"

/*
 * Check a session name: 1 to SOCK_NAME_MAX bytes of letters, digits and
 * ._-+@:=, not starting with . or -, so that a name is always one plain,
 * printable file name and never an option. Returns -1 and says why.
 */
int
sock_name_check(const char *name, char *why, size_t size)
{
	const char	*p;
	size_t		 len = strlen(name);

	if (len == 0) {
		fmt_buf(why, size, "session name is empty");
		return -1;
	}
	if (len > SOCK_NAME_MAX) {
		fmt_buf(why, size, "session name is longer than %d bytes",
		    SOCK_NAME_MAX);
		return -1;
	}
	if (name[0] == '.' || name[0] == '-') {
		fmt_buf(why, size, "session name may not start with '%c'",
		    name[0]);
		return -1;
	}
	for (p = name; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("._-+@:=,", *p) != NULL)
			continue;
		fmt_buf(why, size, "session name may contain only letters, "
		    "digits and ._-+@:=,");
		return -1;
	}
	return 0;
}

/*
 * Find and create the socket directory: $XDG_RUNTIME_DIR/tether, or
 * /tmp/tether-UID. Returns -1 and says why when it cannot be used safely.
 */
int
sock_dir(char *out, size_t len, char *why, size_t size)
{
	const char	*xdg = getenv("XDG_RUNTIME_DIR");
	int		 n, fd;

	if (xdg != NULL && xdg[0] == '/')
		n = fmt_buf(out, len, "%s/tether", xdg);
	else
		n = fmt_buf(out, len, "/tmp/tether-%ld", (long)getuid());
	if (n < 0 || (size_t)n >= len) {
		fmt_buf(why, size, "socket directory path is too long");
		return -1;
	}
	/*
	 * Sockets are reached by path, not through this descriptor: what
	 * keeps the checked directory the one used is that nobody else can
	 * replace it (safedir_open checks its parent too).
	 */
	if ((fd = safedir_open(out, "socket directory", why, size)) == -1)
		return -1;
	close(fd);
	return 0;
}

/* Fill a unix socket address for dir/name. */
static int
sock_addr(const char *dir, const char *name, struct sockaddr_un *sa)
{
	int	 n;

	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	n = fmt_buf(sa->sun_path, sizeof sa->sun_path, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof sa->sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/*
 * Connect to session name. Returns the fd (close-on-exec, blocking), or -1
 * with errno ENOENT when there is no such socket and ECONNREFUSED when the
 * socket is left over from a session that is gone.
 */
int
sock_connect(const char *dir, const char *name)
{
	struct sockaddr_un	 sa;
	int			 fd, saved;

	if (sock_addr(dir, name, &sa) == -1)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return -1;
	compat_set_cloexec(fd);
	while (connect(fd, (struct sockaddr *)&sa, sizeof sa) == -1) {
		if (errno == EINTR)
			continue;
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* Listen on dir/name (the caller holds the directory lock). */
int
sock_listen(const char *dir, const char *name, char *why, size_t size)
{
	struct sockaddr_un	 sa;
	mode_t			 mask;
	int			 fd;

	if (sock_addr(dir, name, &sa) == -1) {
		fmt_buf(why, size, "socket path %s/%s is too long", dir, name);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1) {
		fmt_buf(why, size, "socket: %s", strerror(errno));
		return -1;
	}
	compat_set_cloexec(fd);
	mask = umask(0177);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == -1 ||
	    listen(fd, 16) == -1) {
		fmt_buf(why, size, "cannot listen on %s: %s", sa.sun_path,
		    strerror(errno));
		umask(mask);
		close(fd);
		return -1;
	}
	umask(mask);
	return fd;
}

/*
 * Take the directory's lock, held while a session is created or a stale
 * socket removed, so that racing creators end with one session. Returns the
 * fd holding the lock; closing it releases the lock.
 */
int
sock_lock(const char *dir)
{
	int	 fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return -1;
	while (flock(fd, LOCK_EX) == -1) {
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

/*
 * Is dir/name the socket of a session that is gone? Only a refused
 * connection says so: a busy or stopped host still accepts into its backlog.
 */
int
sock_stale(const char *dir, const char *name)
{
	int	 fd;

	if ((fd = sock_connect(dir, name)) != -1) {
		close(fd);
		return 0;
	}
	return errno == ECONNREFUSED;
}

/* Remove dir/name. */
int
sock_unlink(const char *dir, const char *name)
{
	struct sockaddr_un	 sa;

	if (sock_addr(dir, name, &sa) == -1)
		return -1;
	return unlink(sa.sun_path);
}
