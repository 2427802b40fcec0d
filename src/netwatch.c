/* Watching for local address and link changes (osdep: Linux netlink). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "fmt.h"
#include "log.h"
#include "netwatch.h"

#ifdef __linux__
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <dirent.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#define PATH_FDS	64	/* sockets of ssh looked at, at most */
#define TCP_ESTABLISHED_HEX	0x01	/* "st" in /proc/net/tcp */

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

/* Add the inodes of the sockets process pid has open to ino[*count..max). */
static void
netwatch_fds(pid_t pid, unsigned long *ino, size_t *count, size_t max)
{
	char		 dir[64], path[64 + 256], link[64];
	DIR		*d;
	struct dirent	*e;
	ssize_t		 n;

	fmt_buf(dir, sizeof dir, "/proc/%ld/fd", (long)pid);
	if ((d = opendir(dir)) == NULL)
		return;
	while (*count < max && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		fmt_buf(path, sizeof path, "%s/%s", dir, e->d_name);
		if ((n = readlink(path, link, sizeof link - 1)) <= 0)
			continue;
		link[n] = '\0';
		if (sscanf(link, "socket:[%lu]", &ino[*count]) == 1)
			(*count)++;
	}
	closedir(d);
}

/*
 * The inodes of the sockets of process pid and of its children (a
 * ProxyCommand of ssh's such as nc or ssh -W holds the TCP connection
 * itself; tether dial hands its socket to ssh); how many, at most max.
 */
static size_t
netwatch_sockets(pid_t pid, unsigned long *ino, size_t max)
{
	char		 path[64];
	FILE		*f;
	long		 child;
	size_t		 count = 0;

	netwatch_fds(pid, ino, &count, max);
	fmt_buf(path, sizeof path, "/proc/%ld/task/%ld/children", (long)pid,
	    (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return count;
	while (count < max && fscanf(f, "%ld", &child) == 1)
		if (child > 0)
			netwatch_fds((pid_t)child, ino, &count, max);
	fclose(f);
	return count;
}

/*
 * A local address as /proc/net/tcp{,6} prints it: 8 or 32 hex digits, each
 * group of 8 a 32-bit word of the address as it lies in memory. Returns 4
 * or 16 (the length put in a), or 0.
 */
static size_t
netwatch_hexaddr(const char *hex, uint8_t *a)
{
	char		 word[9];
	uint32_t	 v;
	size_t		 len = strlen(hex), i;

	if (len != 8 && len != 32)
		return 0;
	for (i = 0; i < len / 8; i++) {
		memcpy(word, hex + 8 * i, 8);
		word[8] = '\0';
		v = (uint32_t)strtoul(word, NULL, 16);
		memcpy(a + 4 * i, &v, 4);
	}
	return len / 2;
}

/* Does an interface of this machine have the address a (4 or 16 bytes)? */
static int
netwatch_have(const uint8_t *a, size_t len)
{
	static const uint8_t	 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	struct ifaddrs		*list, *i;
	int			 found = 0;

	if (len == 16 && memcmp(a, mapped, 12) == 0) {
		a += 12;	/* an IPv4 address on an IPv6 socket */
		len = 4;
	}
	if (getifaddrs(&list) == -1)
		return 1;	/* cannot tell: say yes */
	for (i = list; i != NULL && !found; i = i->ifa_next) {
		if (i->ifa_addr == NULL)
			continue;
		if (len == 4 && i->ifa_addr->sa_family == AF_INET)
			found = memcmp(&((struct sockaddr_in *)(void *)
			    i->ifa_addr)->sin_addr, a, 4) == 0;
		else if (len == 16 && i->ifa_addr->sa_family == AF_INET6)
			found = memcmp(&((struct sockaddr_in6 *)(void *)
			    i->ifa_addr)->sin6_addr, a, 16) == 0;
	}
	freeifaddrs(list);
	return found;
}

/*
 * What became of the TCP connection of process pid (ssh, or its proxy
 * command) after the network changed: NETPATH_GONE when its local address
 * is gone from this machine, so that no answer can ever reach it (a laptop
 * that moved to another network); NETPATH_PENDING when the address is here
 * and bytes written to it wait for the peer's acknowledgement;
 * NETPATH_ACKED when the address is here and the peer's kernel has
 * acknowledged every byte (the path works, whatever keeps the answer);
 * NETPATH_UNKNOWN when there is no telling (a ControlMaster's client has
 * no connection of its own; /proc cannot be read).
 */
int
netwatch_path(pid_t pid)
{
	static const char	*tables[] = { "/proc/net/tcp", "/proc/net/tcp6" };
	unsigned long		 ino[PATH_FDS], inode, txq;
	char			 line[512], local[40], remote[40];
	uint8_t			 a[16];
	unsigned int		 lport, rport, st;
	size_t			 n, i, t, len;
	FILE			*f;
	int			 rc = NETPATH_UNKNOWN;

	if (pid <= 0 || (n = netwatch_sockets(pid, ino, PATH_FDS)) == 0)
		return NETPATH_UNKNOWN;
	for (t = 0; t < 2 && rc != NETPATH_GONE; t++) {
		if ((f = fopen(tables[t], "r")) == NULL)
			continue;
		while (rc != NETPATH_GONE && fgets(line, sizeof line, f) !=
		    NULL) {
			if (sscanf(line, " %*u: %39[0-9A-Fa-f]:%x "
			    "%39[0-9A-Fa-f]:%x %x %lx:%*x %*x:%*x %*x %*u %*u "
			    "%lu", local, &lport, remote, &rport, &st, &txq,
			    &inode) != 7 || st != TCP_ESTABLISHED_HEX)
				continue;
			for (i = 0; i < n && ino[i] != inode; i++)
				;
			if (i == n || (len = netwatch_hexaddr(local, a)) == 0)
				continue;
			if (!netwatch_have(a, len)) {
				log_debug("ssh's connection from a local "
				    "address that is gone");
				rc = NETPATH_GONE;
			} else if (txq > 0)
				rc = NETPATH_PENDING;
			else if (rc == NETPATH_UNKNOWN)
				rc = NETPATH_ACKED;
		}
		fclose(f);
	}
	return rc;
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

int
netwatch_path(pid_t pid)
{
	(void)pid;
	return NETPATH_UNKNOWN;
}
#endif
