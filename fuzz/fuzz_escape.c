/*
 * libFuzzer harness: the client's escape handling of typed keys
 * (src/escape.c). Keystrokes arrive in reads of any size; fed at once and
 * fed one byte at a time, they must give the same bytes for the program
 * and the same escape actions at the same places. The escape character's
 * spec parser (-e) and the ~? help are run too.
 *
 * Input: byte 0: the escape character (0xff: none; else its low 7 bits);
 * byte 1: bit 0, remote (~r); bits 1-7, the read size (0: all at once).
 * The rest: the keystrokes. The first 3 bytes also go to escape_parse.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "escape.h"

#define CHECK(x)	do { if (!(x)) abort(); } while (0)
#define MAX_ACTIONS	4096

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct run {
	struct buf	 out;
	int		 action[MAX_ACTIONS];
	size_t		 at[MAX_ACTIONS];	/* output length at each */
	size_t		 nactions;
};

/* Feed keys in reads of piece bytes, as client_read_tty does. */
static void
feed(struct run *run, int ch, int remote, const uint8_t *keys, size_t len,
    size_t piece)
{
	struct escape	 e;
	size_t		 off, end, used;
	int		 a;

	escape_init(&e, ch);
	if (remote)
		escape_set_remote(&e);
	buf_init(&run->out, 2 * len + 16);
	run->nactions = 0;
	for (off = 0; off < len; off = end) {
		end = len - off < piece ? len : off + piece;
		while (off < end) {
			a = escape_feed(&e, keys + off, end - off, &run->out,
			    &used);
			CHECK(used >= 1 && used <= end - off);
			CHECK(a != ESCAPE_PASS || used == end - off);
			CHECK(a != ESCAPE_RECONNECT || remote);
			off += used;
			if (a != ESCAPE_PASS && run->nactions < MAX_ACTIONS) {
				run->action[run->nactions] = a;
				run->at[run->nactions++] = buf_len(&run->out);
			}
		}
	}
	/* At most one byte more per escape character typed. */
	CHECK(buf_len(&run->out) <= 2 * len);
	if (ch == ESCAPE_NONE)
		CHECK(buf_len(&run->out) == len &&
		    memcmp(buf_ptr(&run->out), keys, len) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run	 a, b;
	struct escape	 e;
	struct buf	 help;
	char		 spec[4];
	int		 ch, remote, parsed;
	size_t		 piece;

	if (size < 2 || size > 64 * 1024)
		return 0;
	memset(spec, 0, sizeof spec);
	memcpy(spec, data, size < 3 ? size : 3);
	if (escape_parse(spec, &parsed) == 0) {
		CHECK(parsed == ESCAPE_NONE || (parsed >= 0 && parsed < 0x80));
		escape_init(&e, parsed);
		buf_init(&help, 64 * 1024);
		escape_help(&e, &help);
		buf_free(&help);
	}
	ch = data[0] == 0xff ? ESCAPE_NONE : data[0] & 0x7f;
	remote = data[1] & 1;
	piece = data[1] >> 1;
	if (piece == 0)
		piece = size;
	feed(&a, ch, remote, data + 2, size - 2, piece);
	feed(&b, ch, remote, data + 2, size - 2, 1);
	CHECK(buf_len(&a.out) == buf_len(&b.out));
	CHECK(memcmp(buf_ptr(&a.out), buf_ptr(&b.out), buf_len(&a.out)) == 0);
	CHECK(a.nactions == b.nactions);
	CHECK(memcmp(a.action, b.action, a.nactions * sizeof a.action[0]) == 0);
	CHECK(memcmp(a.at, b.at, a.nactions * sizeof a.at[0]) == 0);
	buf_free(&a.out);
	buf_free(&b.out);
	return 0;
}
