/* Starting a program on a new pseudo-terminal. */
#ifndef PTY_H
#define PTY_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

struct pty_spec {
	char *const	*argv;		/* NULL: the user's login shell */
	const char	*session;	/* value of TETHER_SESSION */
	uint16_t	 rows;
	uint16_t	 cols;
};

int	pty_spawn(const struct pty_spec *, pid_t *, char *, size_t);
int	pty_resize(int, uint16_t, uint16_t);
char	*pty_command_line(char *const *);
const char *pty_shell(void);

#endif
