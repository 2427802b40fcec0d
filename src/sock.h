/*
 * Where sessions live: the per-user socket directory, session names, and
 * connecting to or listening on a session's socket.
 */
#ifndef SOCK_H
#define SOCK_H

#include <stddef.h>

#include "proto.h"

#define SOCK_NAME_MAX	PROTO_NAME_MAX

int	sock_name_check(const char *, char *, size_t);
int	sock_dir(char *, size_t, char *, size_t);
int	sock_connect(const char *, const char *);
int	sock_listen(const char *, const char *, char *, size_t);
int	sock_lock(const char *);
int	sock_stale(const char *, const char *);
int	sock_unlink(const char *, const char *);

#endif
