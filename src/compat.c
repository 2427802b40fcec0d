/* Platform-specific calls behind one small interface. */
#include <sys/types.h>
#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
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
