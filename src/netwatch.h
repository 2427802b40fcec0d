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
int	netwatch_stranded(pid_t);

#endif
