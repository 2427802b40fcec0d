/* Watching for local address and link changes (osdep: Linux netlink). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "log.h"
#include "netwatch.h"

#ifdef __linux__
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/* A non-blocking netlink socket told of link and address changes; or -1. */
int
netwatch_open(void)
{
	struct sockaddr_nl	 sa;
	int			 fd;

	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE))
	    == -1) {
		log_debug("netlink: %s", strerror(errno));
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR |
	    RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE;
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == -1) {
		log_debug("netlink bind: %s", strerror(errno));
		close(fd);
		return -1;
	}
	compat_set_nonblock(fd, 1);
	return fd;
}

/*
 * Drain the socket. Returns 1 when a link or address changed, 0 when
 * nothing did, -1 on an error. Any message in these groups counts: which
 * address moved does not matter, only that the old path may be gone.
 */
int
netwatch_read(int fd)
{
	char			 data[8192];
	const struct nlmsghdr	*nh;
	ssize_t			 n;
	int			 changed = 0;

	if (fd == -1)
		return -1;
	for (;;) {
		n = recv(fd, data, sizeof data, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == ENOBUFS) {
			changed = 1;	/* we missed some: assume a change */
			continue;
		}
		if (n <= 0)
			break;
		for (nh = (const struct nlmsghdr *)data; NLMSG_OK(nh,
		    (size_t)n); nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_type == NLMSG_DONE ||
			    nh->nlmsg_type == NLMSG_ERROR)
				continue;
			changed = 1;
		}
	}
	return changed;
}
#else
/* No way to watch on this platform: rely on heartbeats. */
int
netwatch_open(void)
{
	return -1;
}

int
netwatch_read(int fd)
{
	(void)fd;
	return -1;
}
#endif
