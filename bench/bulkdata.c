/*
 * bulkdata: the data of bench/throughput.sh, and the check that a
 * terminal's output stream carried all of it.
 *
 *	bulkdata gen LINES	write LINES lines of 76 base64 characters
 *	bulkdata check LINES	read a terminal's output stream on stdin and
 *				tell which of those lines arrived
 *
 * Line number i is the base64 of 57 bytes: i, scrambled (times an odd
 * number, xor a constant: 8 bytes, big endian, so that lines look random),
 * and 49 bytes that follow from i (splitmix64). So each line says which line it
 * is and proves it is intact, and the check needs no copy of the data:
 * it knows, line by line, what arrived in order, what was lost, what came
 * twice and what was garbled.
 *
 * The check skips what a terminal stream adds around the program's bytes:
 * escape sequences (CSI, OSC and other strings, charset selections), CRs
 * and other control characters, and lines that are not base64 at all
 * (such as "Connection to testhost closed."). It prints one line:
 *
 *	delivered=PCT ok=N lost=N repeated=N garbled=N
 *
 * PCT is the share of the LINES lines that arrived intact, in order; it
 * exits 0 when that is 100 and nothing was repeated or garbled, else 1.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { RAW = 57, LINE = 76, MAXLINE = 512 };

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void usage(void)
{
	fputs("usage: bulkdata gen LINES | bulkdata check LINES\n", stderr);
	exit(2);
}

/* The line number's scrambling, and its inverse (MUL's inverse modulo
 * 2^64, set by main). */
#define MUL 0xd1b54a32d192ed03u
#define KEY 0x5deece66d2545f49u
static uint64_t mul_inverse;

/* The RAW bytes of line i. */
static void line_bytes(uint64_t i, unsigned char *out)
{
	uint64_t s = i * 0x9e3779b97f4a7c15u ^ 0x74657468657262u;
	uint64_t x = i * MUL ^ KEY;
	int k, n = 8;

	for (k = 0; k < 8; k++)
		out[k] = (unsigned char)(x >> (56 - 8 * k));
	while (n < RAW) {
		uint64_t z = (s += 0x9e3779b97f4a7c15u);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
		z ^= z >> 31;
		for (k = 0; k < 8 && n < RAW; k++, z >>= 8)
			out[n++] = (unsigned char)z;
	}
}

static void encode(const unsigned char *in, char *out)
{
	int k;

	for (k = 0; k < RAW; k += 3) {
		uint32_t v = (uint32_t)in[k] << 16 | (uint32_t)in[k + 1] << 8 | in[k + 2];
		*out++ = b64[v >> 18];
		*out++ = b64[v >> 12 & 63];
		*out++ = b64[v >> 6 & 63];
		*out++ = b64[v & 63];
	}
}

/* Each byte's base64 value, -1 for '=', -2 for the rest (set by main). */
static signed char val[256];

static void val_init(void)
{
	int k;

	memset(val, -2, sizeof val);
	for (k = 0; k < 64; k++)
		val[(unsigned char)b64[k]] = (signed char)k;
	val['='] = -1;
}

static uint64_t parse_lines(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v == 0)
		usage();
	return v;
}

static int gen(uint64_t lines)
{
	static char buf[(LINE + 1) * 1024];
	unsigned char raw[RAW];
	size_t used = 0;
	uint64_t i;

	for (i = 0; i < lines; i++) {
		line_bytes(i, raw);
		encode(raw, buf + used);
		buf[used + LINE] = '\n';
		used += LINE + 1;
		if (used == sizeof buf || i + 1 == lines) {
			if (fwrite(buf, 1, used, stdout) != used) {
				perror("bulkdata: write");
				return 1;
			}
			used = 0;
		}
	}
	if (fflush(stdout) != 0) {
		perror("bulkdata: write");
		return 1;
	}
	return 0;
}

struct tally {
	uint64_t lines, next, ok, lost, repeated, garbled;
};

/* One line of the stream, escape sequences and control characters gone. */
static void judge(struct tally *t, const unsigned char *s, size_t len)
{
	unsigned char raw[RAW], want[RAW];
	uint64_t i = 0;
	size_t k;
	int v[4], j;

	if (len == 0)
		return;
	for (k = 0; k < len; k++)
		if (val[s[k]] == -2)
			return; /* not data: a message, a prompt */
	if (len != LINE) {
		t->garbled++;
		return;
	}
	for (k = 0; k < LINE; k += 4) {
		for (j = 0; j < 4; j++)
			if ((v[j] = val[s[k + j]]) < 0) {
				t->garbled++;
				return;
			}
		raw[k / 4 * 3] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		raw[k / 4 * 3 + 1] = (unsigned char)(v[1] << 4 | v[2] >> 2);
		raw[k / 4 * 3 + 2] = (unsigned char)(v[2] << 6 | v[3]);
	}
	for (k = 0; k < 8; k++)
		i = i << 8 | raw[k];
	i = (i ^ KEY) * mul_inverse;
	if (i >= t->lines) {
		t->garbled++;
		return;
	}
	line_bytes(i, want);
	if (memcmp(raw, want, RAW) != 0) {
		t->garbled++;
		return;
	}
	if (i < t->next) {
		t->repeated++;
		return;
	}
	t->lost += i - t->next;
	t->ok++;
	t->next = i + 1;
}

static int check(uint64_t lines)
{
	enum { NORMAL, ESC, CSI, STR, STR_ESC, CHARSET } st = NORMAL;
	static unsigned char in[1 << 16];
	unsigned char line[MAXLINE];
	struct tally t = { .lines = lines };
	size_t len = 0, n, k;

	while ((n = fread(in, 1, sizeof in, stdin)) > 0) {
		for (k = 0; k < n; k++) {
			unsigned char c = in[k];

			switch (st) {
			case NORMAL:
				if (c == 0x1b)
					st = ESC;
				else if (c == '\n') {
					judge(&t, line, len);
					len = 0;
				} else if (c >= 0x20 && c != 0x7f) {
					if (len < MAXLINE)
						line[len++] = c;
				}
				break;
			case ESC:
				if (c == '[')
					st = CSI;
				else if (c == ']' || c == 'P' || c == 'X' ||
				    c == '^' || c == '_')
					st = STR;
				else if (strchr("()*+#%", c) != NULL)
					st = CHARSET;
				else
					st = NORMAL;
				break;
			case CSI:
				if (c >= 0x40 && c <= 0x7e)
					st = NORMAL;
				break;
			case STR:
				if (c == 0x07)
					st = NORMAL;
				else if (c == 0x1b)
					st = STR_ESC;
				break;
			case STR_ESC:
			case CHARSET:
				st = NORMAL;
				break;
			}
		}
	}
	if (ferror(stdin)) {
		perror("bulkdata: read");
		return 2;
	}
	judge(&t, line, len);
	t.lost += lines - t.next;
	if (t.ok == lines)
		printf("delivered=100");
	else
		printf("delivered=%.4f", 100.0 * (double)t.ok / (double)lines);
	printf(" ok=%llu lost=%llu repeated=%llu garbled=%llu\n",
	    (unsigned long long)t.ok, (unsigned long long)t.lost,
	    (unsigned long long)t.repeated, (unsigned long long)t.garbled);
	return t.ok == lines && t.repeated == 0 && t.garbled == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		usage();
	val_init();
	/* Newton's iteration doubles the correct low bits each step. */
	mul_inverse = MUL;
	for (int k = 0; k < 6; k++)
		mul_inverse *= 2 - MUL * mul_inverse;
	if (strcmp(argv[1], "gen") == 0)
		return gen(parse_lines(argv[2]));
	if (strcmp(argv[1], "check") == 0)
		return check(parse_lines(argv[2]));
	usage();
	return 2;
}
