/*
 * Raw mode for the local terminal, saved once and restored on every exit
 * path (normal exit, fatal error, signal); restoring is async-signal-safe.
 */
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "proto.h"
#include "tty.h"

static struct termios	 tty_saved;
static int		 tty_fd = -1;

/* Put fd into raw mode, remembering the modes to restore. */
int
tty_raw(int fd)
{
	struct termios	 tio;

	if (tty_fd == -1) {
		if (tcgetattr(fd, &tty_saved) == -1)
			return -1;
		tty_fd = fd;
	}
	tio = tty_saved;
	tio.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
	    ICRNL | IXON | IXOFF);
	tio.c_oflag &= ~OPOST;
	tio.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	tio.c_cflag &= ~(CSIZE | PARENB);
	tio.c_cflag |= CS8;
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	return tcsetattr(fd, TCSADRAIN, &tio);
}

/* Put the terminal back as it was; safe to call from a signal handler. */
void
tty_restore(void)
{
	if (tty_fd != -1)
		tcsetattr(tty_fd, TCSADRAIN, &tty_saved);
}

/*
 * The terminal's size; 80x24 when it has none (0x0: a pty nobody sized),
 * and at most PROTO_WIN_MAX each way, which is all a session takes.
 */
int
tty_size(int fd, uint16_t *rows, uint16_t *cols)
{
	struct winsize	 ws;

	if (ioctl(fd, TIOCGWINSZ, &ws) == -1 || ws.ws_row == 0 ||
	    ws.ws_col == 0) {
		*rows = 24;
		*cols = 80;
		return -1;
	}
	*rows = ws.ws_row > PROTO_WIN_MAX ? PROTO_WIN_MAX : ws.ws_row;
	*cols = ws.ws_col > PROTO_WIN_MAX ? PROTO_WIN_MAX : ws.ws_col;
	return 0;
}
