/*
 * Surviving logout where systemd-logind ends a user's processes when the
 * user logs out (KillUserProcesses=yes): the new session host is moved
 * into a scope of its own under the systemd user manager, or the user is
 * told, in one line, why the session may die and what to do. Part of the
 * platform seam: elsewhere than Linux nothing happens.
 */
#ifndef LOGIND_H
#define LOGIND_H

#include <stddef.h>

int	logind_conf_kills(const char *);
int	logind_protect(const char *, char *, size_t);

#endif
