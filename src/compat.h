/* The seam for platform-specific calls (Linux, macOS, the BSDs). */
#ifndef COMPAT_H
#define COMPAT_H

#include <sys/types.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct msghdr;

/*
 * A descriptor that names a directory without reading it (Linux); where
 * there is none, a read-only one does, for a directory of the user's own.
 */
#ifdef O_PATH
#define COMPAT_O_DIRREF	O_PATH
#else
#define COMPAT_O_DIRREF	O_RDONLY
#endif

int	compat_peer_uid(int, uid_t *);
int	compat_set_cloexec(int);
void	compat_close_range(int, int);
int	compat_set_nonblock(int, int);
int	 compat_self_path(char *, size_t);
void	*compat_mirror_alloc(size_t);
void	 compat_mirror_free(void *, size_t);
ssize_t	 compat_recvmsg_cloexec(int, struct msghdr *);
void	*compat_memrchr(const void *, int, size_t);
int	 compat_openpt(char *, size_t);
int	 compat_entropy(void *, size_t);
void	 compat_cond_init(pthread_cond_t *);
struct timespec compat_cond_deadline(int);
uint64_t compat_now_ms(void);
uint64_t compat_now_us(void);

/*
 * A read or write whose failure there is nothing to do about (a self-pipe
 * that is full already, a last word to a dying terminal). glibc's
 * fortified headers mark them warn_unused_result, and gcc does not accept
 * a (void) cast for that, so Debian's build flags would fail -Werror.
 */
static inline void
compat_ignore(ssize_t r)
{
	(void)r;
}

#endif
