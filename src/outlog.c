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

#include "log.h"
#include "outlog.h"
#include "sock.h"
#include "xmalloc.h"

/* mkdir -m 700 path unless it exists; then it must be ours and private. */
static int
outlog_mkdir(const char *path, int check, char *why, size_t size)
{
	struct stat	 sb;

	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		snprintf(why, size, "cannot create %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (!check)
		return 0;
	if (lstat(path, &sb) == -1 || !S_ISDIR(sb.st_mode) ||
	    sb.st_uid != getuid() || (sb.st_mode & 077) != 0) {
		snprintf(why, size, "unsafe log directory %s: it must be a "
		    "directory of yours with mode 700, not a link", path);
		return -1;
	}
	return 0;
}

/*
 * The log directory: $XDG_STATE_HOME/tether, or ~/.local/state/tether,
 * created (mode 700) if missing. -1 and why when it cannot be used.
 */
int
outlog_dir(char *out, size_t len, char *why, size_t size)
{
	const char	*state = getenv("XDG_STATE_HOME"), *home;
	char		 base[1024];
	int		 n;

	if (state != NULL && state[0] == '/')
		n = snprintf(base, sizeof base, "%s", state);
	else if ((home = getenv("HOME")) != NULL && home[0] == '/') {
		n = snprintf(base, sizeof base, "%s/.local", home);
		if (n > 0 && (size_t)n < sizeof base &&
		    outlog_mkdir(base, 0, why, size) == -1)
			return -1;
		n = snprintf(base, sizeof base, "%s/.local/state", home);
	} else {
		snprintf(why, size, "no log directory: neither XDG_STATE_HOME "
		    "nor HOME is set");
		return -1;
	}
	if (n < 0 || (size_t)n >= sizeof base) {
		snprintf(why, size, "log directory path is too long");
		return -1;
	}
	if (outlog_mkdir(base, 0, why, size) == -1)
		return -1;
	n = snprintf(out, len, "%s/tether", base);
	if (n < 0 || (size_t)n >= len) {
		snprintf(why, size, "log directory path is too long");
		return -1;
	}
	return outlog_mkdir(out, 1, why, size);
}

static int
outlog_create(const char *path)
{
	int	 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd != -1)
		fchmod(fd, 0600);
	return fd;
}

/* Start the log of session name, limit bytes at most (0: no log). */
int
outlog_open(struct outlog *l, const char *name, size_t limit, char *why,
    size_t size)
{
	char	 dir[1100];

	memset(l, 0, sizeof *l);
	l->fd = -1;
	if (limit == 0)
		return 0;
	if (outlog_dir(dir, sizeof dir, why, size) == -1)
		return -1;
	xasprintf(&l->path, "%s/%s.log", dir, name);
	xasprintf(&l->old, "%s/%s.log.1", dir, name);
	l->limit = limit;
	(void)unlink(l->old);
	if ((l->fd = outlog_create(l->path)) == -1) {
		snprintf(why, size, "cannot create %s: %s", l->path,
		    strerror(errno));
		free(l->path);
		free(l->old);
		l->path = l->old = NULL;
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

	n = snprintf(line, sizeof line, "\r\n[tether: %s]\r\n", what);
	if (n > 0 && write(l->fd, line, (size_t)n) == n)
		l->size += (uint64_t)n;
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
		if ((l->fd = open(l->path, O_WRONLY | O_APPEND | O_NOFOLLOW |
		    O_CLOEXEC)) == -1) {
			l->retry_at = now + OUTLOG_RETRY_MS;
			l->lost += len;
			return;
		}
		snprintf(what, sizeof what, "the log was paused (a write "
		    "failed); %llu bytes of output are missing here",
		    (unsigned long long)l->lost);
		outlog_note(l, what);
		l->held = l->held_old = 0;	/* a gap: older is not whole */
		log_debug("output log resumed after %llu bytes",
		    (unsigned long long)l->lost);
		l->lost = 0;
	}
	if (l->size >= l->limit / 2) {
		if (rename(l->path, l->old) == 0) {
			close(l->fd);
			l->fd = outlog_create(l->path);
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
			log_debug("output log paused: %s", strerror(errno));
			close(l->fd);
			l->fd = -1;
			l->retry_at = now + OUTLOG_RETRY_MS;
			l->lost += len;
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
	l->fd = -1;
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
 * tether log [-f] [-p] NAME: print the session's log (and with follow,
 * what it writes next, until it ends). Returns an exit status.
 */
int
outlog_show(const char *name, int follow, int plain)
{
	char		 dir[1100], why[512], *path, *old;
	struct plain	 st;
	struct stat	 a, b;
	int		 fd, ofd, quiet = 0, status = 0;

	memset(&st, 0, sizeof st);
	if (outlog_dir(dir, sizeof dir, why, sizeof why) == -1) {
		fprintf(stderr, "tether: %s\n", why);
		return 1;
	}
	xasprintf(&path, "%s/%s.log", dir, name);
	xasprintf(&old, "%s/%s.log.1", dir, name);
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		fprintf(stderr, "tether: no log for session %s (%s)\n", name,
		    strerror(errno));
		free(path);
		free(old);
		return 3;
	}
	if ((ofd = open(old, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) != -1) {
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
		if (stat(path, &a) == 0 && fstat(fd, &b) == 0 &&
		    (a.st_ino != b.st_ino || a.st_dev != b.st_dev)) {
			show_fd(fd, plain ? &st : NULL);
			close(fd);
			if ((fd = open(path, O_RDONLY | O_NOFOLLOW |
			    O_CLOEXEC)) == -1)
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
	close(fd);
	free(path);
	free(old);
	return status;
}
