/*
 * Changes of the local machine's addresses and links (a laptop that roams
 * or wakes), so that a remote client can reconnect at once instead of
 * waiting for a timeout. Linux: a netlink route socket; elsewhere nothing
 * (netwatch_open returns -1 and the heartbeat timeout does the work).
 */
#ifndef NETWATCH_H
#define NETWATCH_H

#include <sys/types.h>

int	netwatch_open(void);
int	netwatch_read(int);
/* netwatch_path: what became of a process's TCP connection. */
#define NETPATH_UNKNOWN	(-1)	/* no telling */
#define NETPATH_ACKED	0	/* address here, every byte acknowledged */
#define NETPATH_PENDING	1	/* address here, bytes unacknowledged */
#define NETPATH_GONE	2	/* its local address is gone: dead */

int	netwatch_path(pid_t);

#endif
