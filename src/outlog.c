/* The session's output log (see outlog.h) and `tether log`. */
#include <sys/types.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "fmt.h"
#include "log.h"
#include "outlog.h"
#include "safedir.h"
#include "sock.h"
#include "xmalloc.h"

/*
 * The log directory: $XDG_STATE_HOME/tether, or ~/.local/state/tether,
 * created (mode 700, like missing parents under HOME) if missing. Returns
 * a descriptor of it (see safedir.h) and its path in out, or -1 and why.
 */
int
outlog_dir(char *out, size_t len, char *why, size_t size)
{
	const char	*state = getenv("XDG_STATE_HOME"), *home;
	int		 n;

	if (state != NULL && state[0] == '/') {
		(void)mkdir(state, 0700);
		n = fmt_buf(out, len, "%s/tether", state);
	} else if ((home = getenv("HOME")) != NULL && home[0] == '/') {
		n = fmt_buf(out, len, "%s/.local", home);
		if (n > 0 && (size_t)n < len)
			(void)mkdir(out, 0700);
		n = fmt_buf(out, len, "%s/.local/state", home);
		if (n > 0 && (size_t)n < len)
			(void)mkdir(out, 0700);
		n = fmt_buf(out, len, "%s/.local/state/tether", home);
	} else {
		fmt_buf(why, size, "no log directory: neither XDG_STATE_HOME "
		    "nor HOME is set");
		return -1;
	}
	if (n < 0 || (size_t)n >= len) {
		fmt_buf(why, size, "log directory path is too long");
		return -1;
	}
	return safedir_open(out, "log directory", why, size);
}

/*
 * Open the log file name in the log directory, a regular file of ours:
 * never through a link, never a file planted there before (create makes a
 * new one in its place), never one that others may read.
 */
static int
outlog_file(int dirfd, const char *name, int create)
{
	struct stat	 sb;
	int		 fd, flags = O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC;

	if (create) {
		if (unlinkat(dirfd, name, 0) == -1 && errno != ENOENT)
			return -1;
		flags |= O_CREAT | O_EXCL;
	}
	if ((fd = openat(dirfd, name, flags | O_NONBLOCK, 0600)) == -1)
		return -1;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_uid != getuid() || (sb.st_mode & 077) != 0) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	compat_set_nonblock(fd, 0);
	return fd;
}

/* Start the log of session name, limit bytes at most (0: no log). */
int
outlog_open(struct outlog *l, const char *name, size_t limit, char *why,
    size_t size)
{
	char	 dir[1100];

	memset(l, 0, sizeof *l);
	l->fd = l->dirfd = -1;
	if (limit == 0)
		return 0;
	if ((l->dirfd = outlog_dir(dir, sizeof dir, why, size)) == -1)
		return -1;
	xasprintf(&l->path, "%s.log", name);
	xasprintf(&l->old, "%s.log.1", name);
	l->limit = limit;
	(void)unlinkat(l->dirfd, l->old, 0);
	if ((l->fd = outlog_file(l->dirfd, l->path, 1)) == -1) {
		fmt_buf(why, size, "cannot create %s/%s: %s", dir, l->path,
		    strerror(errno));
		outlog_close(l);
		return -1;
	}
	return 0;
}

/* A note inside the log itself, for `tether log` to show. */
static void
outlog_note(struct outlog *l, const char *what)
{
	char	 line[200];
	int	 n;

	n = fmt_buf(line, sizeof line, "\r\n[tether: %s]\r\n", what);
	if (n > 0 && write(l->fd, line, (size_t)n) == n)
		l->size += (uint64_t)n;
}

/*
 * A write failed (most often, the disk is full): say so at the end of the
 * log, in room made by cutting its last bytes (the blocks they used take
 * the note), then pause until OUTLOG_RETRY_MS from now.
 */
static void
outlog_pause(struct outlog *l, int err, uint64_t now)
{
	char	 what[160];
	off_t	 end;
	int	 n;

	n = fmt_buf(what, sizeof what, "the log is paused here: %s; "
	    "output from here on is missing until it resumes", strerror(err));
	end = lseek(l->fd, 0, SEEK_END);
	if (n > 0 && end != -1 && end >= n + 13 &&
	    ftruncate(l->fd, end - (n + 13)) == 0) {
		l->lost += (uint64_t)n + 13;
		outlog_note(l, what);
	}
	log_debug("output log paused: %s", strerror(err));
	close(l->fd);
	l->fd = -1;
	l->retry_at = now + OUTLOG_RETRY_MS;
}

/* Append output; now (ms) paces the retries after a failure. */
void
outlog_write(struct outlog *l, const void *data, size_t len, uint64_t now)
{
	const char	*p = data;
	char		 what[160];
	ssize_t		 n;

	if (l->path == NULL)
		return;
	if (l->fd == -1) {
		if (now < l->retry_at) {
			l->lost += len;
			return;
		}
		if ((l->fd = outlog_file(l->dirfd, l->path, 0)) == -1) {
			l->retry_at = now + OUTLOG_RETRY_MS;
			l->lost += len;
			return;
		}
		fmt_buf(what, sizeof what, "the log was paused (a write "
		    "failed); %llu bytes of output are missing here",
		    (unsigned long long)l->lost);
		outlog_note(l, what);
		l->held = l->held_old = 0;	/* a gap: older is not whole */
		log_debug("output log resumed after %llu bytes",
		    (unsigned long long)l->lost);
		l->lost = 0;
	}
	if (l->size >= l->limit / 2) {
		if (renameat(l->dirfd, l->path, l->dirfd, l->old) == 0) {
			close(l->fd);
			l->fd = outlog_file(l->dirfd, l->path, 1);
			l->size = 0;
			l->held_old = l->held;
			l->held = 0;
		}
		if (l->fd == -1) {
			l->retry_at = now + OUTLOG_RETRY_MS;
			l->lost += len;
			return;
		}
	}
	while (len > 0) {
		n = write(l->fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			l->lost += len;
			outlog_pause(l, n == 0 ? ENOSPC : errno, now);
			return;
		}
		p += n;
		len -= (size_t)n;
		l->size += (uint64_t)n;
		l->held += (uint64_t)n;
	}
}

/*
 * How much of the newest output the log holds without a gap: 0 when it is
 * off or paused.
 */
uint64_t
outlog_held(const struct outlog *l)
{
	if (l->path == NULL || l->fd == -1)
		return 0;
	return l->held + l->held_old;
}

void
outlog_close(struct outlog *l)
{
	if (l->fd != -1)
		close(l->fd);
	if (l->dirfd != -1)
		close(l->dirfd);
	l->fd = l->dirfd = -1;
	free(l->path);
	free(l->old);
	l->path = l->old = NULL;
}

/* ------------------------------------------------------------ tether log */

struct plain {
	int	 state;		/* 0 text, 1 ESC, 2 CSI, 3 string, 4 string ESC */
	int	 cr;		/* a CR waits: dropped before LF */
};

/*
 * Output as plain text: escape sequences and control characters other
 * than newline and tab go, CR LF becomes LF, a lone CR a newline.
 */
static size_t
plain_filter(struct plain *st, const char *in, size_t len, char *out)
{
	size_t		 i, o = 0;
	unsigned char	 c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)in[i];
		switch (st->state) {
		case 1:
			if (c == '[')
				st->state = 2;
			else if (c == ']' || c == 'P' || c == '_' ||
			    c == '^' || c == 'X')
				st->state = 3;
			else if (c < 0x20 || c > 0x2f)
				st->state = 0;
			continue;
		case 2:
			if (c >= 0x40 && c <= 0x7e)
				st->state = 0;
			continue;
		case 3:
			if (c == 0x07)
				st->state = 0;
			else if (c == 0x1b)
				st->state = 4;
			continue;
		case 4:
			st->state = c == '\\' ? 0 : 3;
			continue;
		}
		if (st->cr && c != '\n' && c != '\r')
			out[o++] = '\n';
		st->cr = 0;
		if (c == 0x1b)
			st->state = 1;
		else if (c == '\r')
			st->cr = 1;
		else if (c == '\n' || c == '\t' || c >= 0x20)
			out[o++] = (char)c;
	}
	return o;
}

/* Copy fd to standard output from its current position; -1 on error. */
static int
show_fd(int fd, struct plain *plain)
{
	char	 buf[65536], out[65536 * 2];
	ssize_t	 n;
	size_t	 len;

	for (;;) {
		n = read(fd, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? 0 : -1;
		if (plain != NULL) {
			len = plain_filter(plain, buf, (size_t)n, out);
			if (fwrite(out, 1, len, stdout) != len)
				return -1;
		} else if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return -1;
	}
}

/* Is session name still running here? */
static int
session_alive(const char *name)
{
	char	 dir[256], why[256];
	int	 fd;

	if (sock_dir(dir, sizeof dir, why, sizeof why) == -1)
		return 0;
	if ((fd = sock_connect(dir, name)) == -1)
		return 0;
	close(fd);
	return 1;
}

/*
 * Open a log file of ours for reading; never through a link, never a
 * FIFO or device put in its place (whose open or read could hang).
 */
static int
outlog_read_open(int dirfd, const char *name)
{
	struct stat	 sb;
	int		 fd;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd == -1)
		return -1;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_uid != getuid()) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	return fd;
}

/*
 * tether log [-f] [-p] NAME: print the session's log (and with follow,
 * what it writes next, until it ends). Returns 0, 3 when there is no log,
 * or 1 after saying why.
 */
int
outlog_show(const char *name, int follow, int plain)
{
	char		 dir[1100], why[512], *path, *old;
	struct plain	 st;
	struct stat	 a, b;
	int		 dfd, fd, ofd, quiet = 0, status = 0;

	memset(&st, 0, sizeof st);
	if ((dfd = outlog_dir(dir, sizeof dir, why, sizeof why)) == -1) {
		fprintf(stderr, "tether: %s\n", why);
		return 1;
	}
	xasprintf(&path, "%s.log", name);
	xasprintf(&old, "%s.log.1", name);
	if ((fd = outlog_read_open(dfd, path)) == -1) {
		if (errno == ENOENT) {
			fprintf(stderr, "tether: no log for session %s (%s)\n",
			    name, strerror(errno));
			status = 3;
		} else {
			fprintf(stderr, "tether: unsafe log %s/%s: not a "
			    "file of yours (%s); remove it\n", dir, path,
			    strerror(errno));
			status = 1;
		}
		goto out;
	}
	if ((ofd = outlog_read_open(dfd, old)) != -1) {
		if (show_fd(ofd, plain ? &st : NULL) == -1)
			status = 1;
		close(ofd);
	}
	if (status == 0 && show_fd(fd, plain ? &st : NULL) == -1)
		status = 1;
	fflush(stdout);
	while (follow && status == 0) {
		poll(NULL, 0, 200);
		if (show_fd(fd, plain ? &st : NULL) == -1) {
			status = 1;
			break;
		}
		fflush(stdout);
		/* Rotated: the file we read is now NAME.log.1. */
		if (fstatat(dfd, path, &a, AT_SYMLINK_NOFOLLOW) == 0 &&
		    fstat(fd, &b) == 0 &&
		    (a.st_ino != b.st_ino || a.st_dev != b.st_dev)) {
			show_fd(fd, plain ? &st : NULL);
			close(fd);
			if ((fd = outlog_read_open(dfd, path)) == -1)
				break;
			continue;
		}
		/* The session ended and wrote nothing more for a while. */
		if (!session_alive(name)) {
			if (++quiet >= 3)
				break;
		} else
			quiet = 0;
	}
	if (plain && st.cr)
		fputc('\n', stdout);
	fflush(stdout);
	if (fd != -1)
		close(fd);
out:
	close(dfd);
	free(path);
	free(old);
	return status;
}
