/*
 * The remote end of `tether host`: started by ssh on the server, it relays
 * the protocol between ssh's stdin/stdout and the session host's socket.
 * It does not parse frames: the host speaks to the client end to end.
 */
#ifndef BRIDGE_H
#define BRIDGE_H

int	bridge_relay(int, int, int);

#endif
