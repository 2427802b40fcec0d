/* The client's local terminal: raw mode and its restoration, window size. */
#ifndef TTY_H
#define TTY_H

#include <stdint.h>

int	tty_raw(int);
void	tty_restore(void);
int	tty_size(int, uint16_t *, uint16_t *);

#endif
