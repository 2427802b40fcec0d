/* Platform-specific calls behind one small interface. */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "compat.h"

/* The uid of the process at the other end of a unix socket. */
int
compat_peer_uid(int fd, uid_t *uid)
{
#if defined(SO_PEERCRED)
	struct ucred	 cred;
	socklen_t	 len = sizeof cred;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1)
		return -1;
	*uid = cred.uid;
	return 0;
#else
	gid_t	 gid;

	return getpeereid(fd, uid, &gid);
#endif
}

/*
 * Close every descriptor from first to last (inclusive). The soft limit
 * on descriptors says nothing about those already open above it (it may
 * have been lowered after they were opened), so without close_range the
 * loop goes to the hard limit, up to a bound.
 */
void
compat_close_range(int first, int last)
{
	struct rlimit	 rl;
	long		 max = 65536;
	int		 fd;

	if (first > last)
		return;
#if defined(__linux__) && defined(__GLIBC__) && \
    (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
	if (close_range((unsigned)first, (unsigned)last, 0) == 0)
		return;
#endif
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY &&
	    rl.rlim_max < (rlim_t)max)
		max = (long)rl.rlim_max;
	for (fd = first; fd <= last && fd < max; fd++)
		close(fd);
}

/* Mark fd close-on-exec. */
int
compat_set_cloexec(int fd)
{
	int	 flags;

	if ((flags = fcntl(fd, F_GETFD)) == -1)
		return -1;
	return fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

/* Turn O_NONBLOCK on or off; returns the previous state, or -1. */
int
compat_set_nonblock(int fd, int on)
{
	int	 flags, was;

	if ((flags = fcntl(fd, F_GETFL)) == -1)
		return -1;
	was = (flags & O_NONBLOCK) != 0;
	flags = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
	if (fcntl(fd, F_SETFL, flags) == -1)
		return -1;
	return was;
}

/*
 * size bytes (a multiple of the page size) mapped twice, back to back:
 * p[size + i] is p[i], so any size bytes from any offset are contiguous.
 * NULL where that cannot be done (the caller falls back to one copy).
 * Nothing is touched: an idle mapping costs address space only.
 */
void *
compat_mirror_alloc(size_t size)
{
#if defined(__linux__) && defined(MFD_CLOEXEC)
	uint8_t	*base;
	int	 fd;

	if (size == 0 || size % (size_t)sysconf(_SC_PAGESIZE) != 0)
		return NULL;
	if ((fd = memfd_create("tether-ring", MFD_CLOEXEC)) == -1)
		return NULL;
	if (ftruncate(fd, (off_t)size) == -1) {
		close(fd);
		return NULL;
	}
	base = mmap(NULL, 2 * size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (base == MAP_FAILED) {
		close(fd);
		return NULL;
	}
	if (mmap(base, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
	    fd, 0) == MAP_FAILED || mmap(base + size, size, PROT_READ |
	    PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED) {
		munmap(base, 2 * size);
		close(fd);
		return NULL;
	}
	close(fd);
	return base;
#else
	(void)size;
	return NULL;
#endif
}

void
compat_mirror_free(void *p, size_t size)
{
	if (p != NULL)
		munmap(p, 2 * size);
}

/* The path of the running executable; -1 where it cannot be known. */
int
compat_self_path(char *buf, size_t size)
{
#if defined(__linux__)
	ssize_t	 n = readlink("/proc/self/exe", buf, size - 1);

	if (n <= 0 || (size_t)n >= size - 1)
		return -1;
	buf[n] = '\0';
	return 0;
#else
	(void)buf;
	(void)size;
	return -1;
#endif
}
