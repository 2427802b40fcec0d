/*
 * libFuzzer harness: the session host's handling of what its clients send
 * (src/host.c: host_conn_frames, host_hello, host_attach, host_frame,
 * host_input, host_resize, and the output, pacing and closing that follow)
 * through host_test_*, a host without a program, pty or socket. Up to four
 * connections talk to it at once while the "program" writes output.
 *
 * Input: byte 0: bit 0, the program has exited already. Then operations,
 * each a byte: bits 0-2 what, bits 3-4 which connection (0-3):
 *	0-2	that connection sends the next N bytes (N: the byte after)
 *	3	the program writes the next N bytes
 *	4	one turn of the loop (timers, output to clients, closing)
 *	5	that connection closes its end
 *	6	that connection is replaced by a new one
 *	7	the program writes N % 129 KiB of numbered lines (the 64 KiB
 *		ring wraps), 96 KiB in all at most (the model is slow)
 * The connection's bytes are decoded as they arrive, in pieces as given.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host.h"
#include "clamp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
conn_open(struct host *h)
{
	return host_test_conn(h, open("/dev/null", O_WRONLY | O_CLOEXEC));
}

static void
lines(struct host *h, size_t kib, uint64_t *line)
{
	char	 buf[1024];
	size_t	 n;

	while (kib-- > 0) {
		n = 0;
		while (n < sizeof buf - 32)
			n += (size_t)snprintf(buf + n, sizeof buf - n,
			    "\033[1mline\033[m %llu\r\n",
			    (unsigned long long)(*line)++);
		host_test_output(h, buf, n);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct host	*h;
	int		 slot[4] = { -1, -1, -1, -1 };
	uint64_t	 line = 0;
	size_t		 i = 1, n, budget = 96;
	uint8_t		 op, k;

	if (size < 1 || size > 64 * 1024)
		return 0;
	h = host_test_new(data[0] & 1);
	while (i < size) {
		op = data[i] & 7;
		k = (data[i] >> 3) & 3;
		i++;
		n = 0;
		if (op <= 3 || op == 7) {
			n = i < size ? data[i++] : 0;
			if (op != 7 && n > size - i)
				n = size - i;
		}
		switch (op) {
		case 0:
		case 1:
		case 2:
			if (slot[k] == -1 && (slot[k] = conn_open(h)) == -1)
				break;
			if (host_test_bytes(h, slot[k], data + i, n) == -1)
				slot[k] = -1;
			break;
		case 3:
			host_test_output(h, data + i, n);
			break;
		case 4:
			host_test_turn(h);
			break;
		case 5:
			if (slot[k] != -1)
				host_test_eof(h, slot[k]);
			slot[k] = -1;
			break;
		case 6:
			slot[k] = conn_open(h);
			break;
		case 7:
			n %= 129;
			n = n < budget ? n : budget;
			budget -= n;
			lines(h, n, &line);
			break;
		}
		if (op <= 3)
			i += n;
	}
	host_test_turn(h);
	host_test_free(h);
	return 0;
}
