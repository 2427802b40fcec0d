/* Platform-specific calls behind one small interface. */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#if defined(__linux__)
#include <sys/ioctl.h>
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if defined(__APPLE__)
#include <sys/random.h>
#endif

#include "compat.h"
#include "fmt.h"

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

/*
 * recvmsg() with every descriptor received made close-on-exec. Where
 * MSG_CMSG_CLOEXEC is missing (macOS), the flag is set just after: a
 * fork and exec by another thread in between could leak one, which
 * tether's processes never do (only the main thread forks).
 */
ssize_t
compat_recvmsg_cloexec(int fd, struct msghdr *msg)
{
#if defined(MSG_CMSG_CLOEXEC)
	return recvmsg(fd, msg, MSG_CMSG_CLOEXEC);
#else
	struct cmsghdr	*cm;
	ssize_t		 n;
	size_t		 i, nfd;
	int		 rfd;

	if ((n = recvmsg(fd, msg, 0)) <= 0)
		return n;
	for (cm = CMSG_FIRSTHDR(msg); cm != NULL; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		nfd = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < nfd; i++) {
			memcpy(&rfd, CMSG_DATA(cm) + i * sizeof(int), sizeof rfd);
			compat_set_cloexec(rfd);
		}
	}
	return n;
#endif
}

/* The last byte c in the n bytes at p, or NULL; memrchr where there is one. */
void *
compat_memrchr(const void *p, int c, size_t n)
{
#if defined(__GLIBC__) || defined(__FreeBSD__) || defined(__OpenBSD__) || \
    defined(__NetBSD__)
	return memrchr(p, c, n);
#else
	const unsigned char	*s = p;

	while (n > 0) {
		if (s[--n] == (unsigned char)c)
			return (void *)(s + n);
	}
	return NULL;
#endif
}

/*
 * A new pty master (read-write, not the controlling terminal, unlocked)
 * and the name of its slave into buf. On Linux these are an open and two
 * ioctls, made here: glibc's posix_openpt, grantpt, unlockpt and ptsname_r
 * do the same, spread over three stretches of its text that a session host
 * touches for nothing else, and each stays in the host's RSS. Elsewhere,
 * the POSIX calls (ptsname where ptsname_r is missing: only the main
 * thread ever uses its static buffer).
 */
int
compat_openpt(char *buf, size_t size)
{
	int		 fd, e;
#if defined(__linux__)
	int		 unlock = 0;
	unsigned int	 n;

	if ((fd = open("/dev/ptmx", O_RDWR | O_NOCTTY)) == -1)
		return -1;
	if (ioctl(fd, TIOCSPTLCK, &unlock) == -1 ||
	    ioctl(fd, TIOCGPTN, &n) == -1)
		goto fail;
	if ((size_t)fmt_buf(buf, size, "/dev/pts/%u", n) >= size) {
		errno = ERANGE;
		goto fail;
	}
	return fd;
#else
	if ((fd = posix_openpt(O_RDWR | O_NOCTTY)) == -1)
		return -1;
	if (grantpt(fd) == -1 || unlockpt(fd) == -1)
		goto fail;
#if defined(__APPLE__) || defined(__FreeBSD__)
	if (ptsname_r(fd, buf, size) != 0)
		goto fail;
#else
	const char	*name;

	if ((name = ptsname(fd)) == NULL)
		goto fail;
	if (strlen(name) >= size) {
		errno = ERANGE;
		goto fail;
	}
	memcpy(buf, name, strlen(name) + 1);
#endif
	return fd;
#endif
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

/* size (at most 256) random bytes from the kernel, or -1. */
int
compat_entropy(void *buf, size_t size)
{
	/* getentropy is in <unistd.h> here, in <sys/random.h> on macOS. */
	return getentropy(buf, size);
}

/*
 * A condition variable whose timed waits run on the monotonic clock, so
 * that setting the date moves no deadline. macOS has no
 * pthread_condattr_setclock: there it stays on the real-time clock, and
 * compat_cond_deadline computes deadlines on that instead.
 */
void
compat_cond_init(pthread_cond_t *cond)
{
#if defined(__APPLE__)
	pthread_cond_init(cond, NULL);
#else
	pthread_condattr_t	 ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(cond, &ca);
	pthread_condattr_destroy(&ca);
#endif
}

/* Now plus ms on the clock of compat_cond_init's condition variables. */
struct timespec
compat_cond_deadline(int ms)
{
	struct timespec	 ts;

#if defined(__APPLE__)
	clock_gettime(CLOCK_REALTIME, &ts);
#else
	clock_gettime(CLOCK_MONOTONIC, &ts);
#endif
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* Milliseconds on the monotonic clock. */
uint64_t
compat_now_ms(void)
{
	return compat_now_us() / 1000;
}

/* Microseconds on the monotonic clock (round trips on a fast link). */
uint64_t
compat_now_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}
