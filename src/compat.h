/* The seam for platform-specific calls (Linux, macOS, the BSDs). */
#ifndef COMPAT_H
#define COMPAT_H

#include <sys/types.h>

int	compat_peer_uid(int, uid_t *);
int	compat_set_cloexec(int);
int	compat_set_nonblock(int, int);

#endif
