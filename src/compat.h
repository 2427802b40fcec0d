/* The seam for platform-specific calls (Linux, macOS, the BSDs). */
#ifndef COMPAT_H
#define COMPAT_H

#include <sys/types.h>
#include <stddef.h>

int	compat_peer_uid(int, uid_t *);
int	compat_set_cloexec(int);
int	compat_set_nonblock(int, int);
int	 compat_self_path(char *, size_t);
void	*compat_mirror_alloc(size_t);
void	 compat_mirror_free(void *, size_t);

#endif
