/*
 * The remote end of `tether host`: started by ssh on the server, it hands
 * ssh's stdin/stdout to the session host (1.2 hosts), or relays the
 * protocol between them and the host's socket (older hosts). It does not
 * parse frames: the host speaks to the client end to end.
 */
#ifndef BRIDGE_H
#define BRIDGE_H

int	bridge_relay(int, int, int);
int	bridge_pass(int, int, int);
void	bridge_wait(int);

#endif
