/*
 * libFuzzer harness: the client's handling of what a session host sends
 * (src/client.c: client_process, client_welcome, client_frame, client_error,
 * and the terminal writing, acknowledging, skip notices and repaints that
 * follow) through client_test_*, a client whose terminal is /dev/null.
 * Keystrokes go through the escape handling, and the link can be lost and
 * made again (a remote client), so that resumes meet every state.
 *
 * Input: byte 0: bit 0, a remote client (reconnects); bit 1, no escape
 * character. Then operations, each a byte, bits 0-1 what:
 *	0	the host sends the next N bytes (N: the byte after)
 *	1	the user types the next N bytes
 *	2	one turn of the loop (terminal, ACK, sending)
 *	3	the link is lost (a remote client connects again)
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "escape.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

static int
null_connect(void *arg, int attempt, char *why, size_t size)
{
	return open("/dev/null", O_WRONLY | O_CLOEXEC);
}

static int
again(void *arg, int final, char *why, size_t size)
{
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int	 fd;

	/* The client writes to its terminal: stdout. */
	if ((fd = open("/dev/null", O_WRONLY)) != -1) {
		dup2(fd, STDOUT_FILENO);
		close(fd);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct client_opts	 o;
	struct client		*c;
	size_t			 i = 1, n;
	uint8_t			 op;

	if (size < 1 || size > 256 * 1024)
		return 0;
	memset(&o, 0, sizeof o);
	o.name = "test";
	o.where = data[0] & 1 ? "remote" : NULL;
	o.escape = data[0] & 2 ? ESCAPE_NONE : '~';
	o.timeout_ms = 10000;
	o.connect = null_connect;
	o.lost = data[0] & 1 ? again : NULL;
	c = client_test_new(&o);
	while (i < size) {
		op = data[i++] & 3;
		n = 0;
		if (op <= 1) {
			n = i < size ? data[i++] : 0;
			if (n > size - i)
				n = size - i;
		}
		switch (op) {
		case 0:
			client_test_bytes(c, data + i, n);
			break;
		case 1:
			client_test_keys(c, data + i, n);
			break;
		case 2:
			client_test_turn(c);
			break;
		case 3:
			client_test_lost(c);
			break;
		}
		i += n;
	}
	client_test_turn(c);
	client_test_free(c);
	return 0;
}
