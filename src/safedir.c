/* Private directories (see safedir.h). */
#include <sys/types.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "fmt.h"
#include "safedir.h"

/*
 * Can nobody but us (and root) rename or replace entries of path's parent?
 * It may be reached through a link: only who can change it matters.
 */
static int
safedir_parent(const char *path, const char *what, char *why, size_t size)
{
	char		 parent[1024];
	const char	*slash = strrchr(path, '/');
	struct stat	 sb;
	size_t		 len;

	if (slash == NULL)
		return 0;
	len = slash == path ? 1 : (size_t)(slash - path);
	if (len >= sizeof parent) {
		fmt_buf(why, size, "%s path %s is too long", what, path);
		return -1;
	}
	memcpy(parent, path, len);
	parent[len] = '\0';
	if (stat(parent, &sb) == -1) {
		fmt_buf(why, size, "%s: %s", parent, strerror(errno));
		return -1;
	}
	if (sb.st_uid != getuid() && sb.st_uid != 0) {
		fmt_buf(why, size, "unsafe %s %s: its parent %s is owned by "
		    "uid %ld, not by you (uid %ld)", what, path, parent,
		    (long)sb.st_uid, (long)getuid());
		return -1;
	}
	/* Like /tmp, a shared parent is safe only with the sticky bit. */
	if ((sb.st_mode & 022) != 0 && (sb.st_mode & S_ISVTX) == 0) {
		fmt_buf(why, size, "unsafe %s %s: its parent %s (mode %04o) "
		    "lets others replace it; run chmod go-w %s", what, path,
		    parent, (unsigned)(sb.st_mode & 07777), parent);
		return -1;
	}
	return 0;
}

/* Is the directory open on fd ours and closed to everyone else? */
static int
safedir_check(int fd, const char *path, const char *what, char *why,
    size_t size)
{
	struct stat	 sb;

	if (fstat(fd, &sb) == -1) {
		fmt_buf(why, size, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (sb.st_uid != getuid()) {
		fmt_buf(why, size, "unsafe %s %s: owned by uid %ld, not by "
		    "you (uid %ld); remove it", what, path, (long)sb.st_uid,
		    (long)getuid());
		return -1;
	}
	if ((sb.st_mode & 077) != 0) {
		fmt_buf(why, size, "unsafe %s %s: mode %04o lets others in; "
		    "run chmod 700 %s", what, path,
		    (unsigned)(sb.st_mode & 07777), path);
		return -1;
	}
	return 0;
}

/*
 * Open path, a private directory (what names it in messages), creating it
 * with mode 700 if missing. Returns a descriptor of it for the *at calls,
 * or -1 and why it cannot be used safely.
 */
int
safedir_open(const char *path, const char *what, char *why, size_t size)
{
	struct stat	 sb;
	int		 fd;

	if (safedir_parent(path, what, why, size) == -1)
		return -1;
	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		fmt_buf(why, size, "cannot create %s %s: %s", what, path,
		    strerror(errno));
		return -1;
	}
	fd = open(path, COMPAT_O_DIRREF | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1) {
		if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode))
			fmt_buf(why, size, "unsafe %s %s: it is a symbolic "
			    "link; remove it", what, path);
		else if (errno == ENOTDIR)
			fmt_buf(why, size, "unsafe %s %s: not a directory; "
			    "remove it", what, path);
		else
			fmt_buf(why, size, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (safedir_check(fd, path, what, why, size) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}
