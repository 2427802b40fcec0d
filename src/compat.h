/* The seam for platform-specific calls (Linux, macOS, the BSDs). */
#ifndef COMPAT_H
#define COMPAT_H

#include <sys/types.h>
#include <fcntl.h>
#include <stddef.h>

/*
 * A descriptor that names a directory without reading it (Linux); where
 * there is none, a read-only one does, for a directory of the user's own.
 */
#ifndef O_PATH
#define O_PATH	O_RDONLY
#endif

int	compat_peer_uid(int, uid_t *);
int	compat_set_cloexec(int);
void	compat_close_range(int, int);
int	compat_set_nonblock(int, int);
int	 compat_self_path(char *, size_t);
void	*compat_mirror_alloc(size_t);
void	 compat_mirror_free(void *, size_t);

#endif
