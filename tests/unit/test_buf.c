/*
 * Unit tests for src/buf.c: big-endian encoding, the growable buffer and its
 * maximum, and the strict reader (short reads at every byte boundary,
 * string limits, embedded NULs).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "../tap.h"

/* Big-endian encodings, byte for byte. */
static void
test_encoding(void)
{
	static const uint8_t want[] = {
		0xab,
		0x01, 0x02,
		0x01, 0x02, 0x03, 0x04,
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
		0xff, 0xfe,
		0xfe, 0xdc, 0xba, 0x98,
		0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct buf	 b;

	buf_init(&b, 1024);
	is_int(buf_len(&b), 0, "new buffer is empty");
	is_int(buf_put_u8(&b, 0xab), 0, "put_u8");
	is_int(buf_put_u16(&b, 0x0102), 0, "put_u16");
	is_int(buf_put_u32(&b, 0x01020304), 0, "put_u32");
	is_int(buf_put_u64(&b, 0x0102030405060708ULL), 0, "put_u64");
	is_int(buf_put_u16(&b, 0xfffe), 0, "put_u16 high bit");
	is_int(buf_put_u32(&b, 0xfedcba98U), 0, "put_u32 high bit");
	is_int(buf_put_u64(&b, 0xffeeddccbbaa9988ULL), 0, "put_u64 high bit");
	is_int(buf_put_u64(&b, 0), 0, "put_u64 zero");
	is_int(buf_len(&b), sizeof want, "length is the sum of the widths");
	is_mem(buf_ptr(&b), want, sizeof want, "bytes are big-endian");
	buf_free(&b);
}

/* Strings go out as a u32 length and the bytes, with no NUL. */
static void
test_put_str(void)
{
	static const uint8_t want[] = {
		0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o',
		0, 0, 0, 0,
	};
	struct buf	 b;

	buf_init(&b, 64);
	is_int(buf_put_str(&b, "hello"), 0, "put_str");
	is_int(buf_put_str(&b, ""), 0, "put_str empty");
	is_int(buf_len(&b), sizeof want, "put_str length");
	is_mem(buf_ptr(&b), want, sizeof want, "put_str bytes");
	buf_free(&b);
}

/* buf_set_u32 overwrites at a live position, also after a consume. */
static void
test_set_u32(void)
{
	static const uint8_t want[] = { 0xde, 0xad, 0xbe, 0xef, 'x' };
	struct buf	 b;

	buf_init(&b, 64);
	buf_put(&b, "abc", 3);
	buf_consume(&b, 3);
	buf_put(&b, "zz", 2);
	buf_consume(&b, 1);	/* off is now non-zero */
	buf_put_u32(&b, 0);
	buf_put_u8(&b, 'x');
	buf_set_u32(&b, 1, 0xdeadbeef);
	is_int(buf_len(&b), 6, "set_u32: length unchanged");
	is_int(buf_ptr(&b)[0], 'z', "set_u32: byte before untouched");
	is_mem(buf_ptr(&b) + 1, want, sizeof want,
	    "set_u32 writes big-endian at a live position");
	buf_free(&b);
}

/* Consume, reset, reserve and commit. */
static void
test_consume(void)
{
	struct buf	 b;
	uint8_t		*p;

	buf_init(&b, 64);
	buf_put(&b, "0123456789", 10);
	buf_consume(&b, 3);
	is_int(buf_len(&b), 7, "consume 3 of 10 leaves 7");
	is_mem(buf_ptr(&b), "3456789", 7, "consume drops the front");
	buf_consume(&b, 100);
	is_int(buf_len(&b), 0, "consume more than held empties the buffer");
	buf_put(&b, "ab", 2);
	is_mem(buf_ptr(&b), "ab", 2, "put after emptying");
	buf_reset(&b);
	is_int(buf_len(&b), 0, "reset empties");

	is_int(buf_reserve(&b, 5, &p), 0, "reserve 5");
	memcpy(p, "hello", 5);
	is_int(buf_len(&b), 0, "reserve alone adds nothing");
	buf_commit(&b, 3);
	is_int(buf_len(&b), 3, "commit 3 adds 3");
	is_mem(buf_ptr(&b), "hel", 3, "committed bytes");
	is_int(buf_put(&b, NULL, 0), 0, "put of 0 bytes");
	is_int(buf_len(&b), 3, "put of 0 bytes adds nothing");
	buf_free(&b);
}

/* The maximum: live bytes never exceed it; consumed bytes free room. */
static void
test_max(void)
{
	struct buf	 b;
	uint8_t		 big[300], *p;
	size_t		 i;

	for (i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)i;
	buf_init(&b, 10);
	is_int(buf_put(&b, "0123456789", 10), 0, "fill to exactly max");
	is_int(buf_len(&b), 10, "10 bytes held");
	is_int(buf_put_u8(&b, 'x'), BUF_ERR_LIMIT, "one byte past max");
	is_int(buf_put(&b, "xy", 2), BUF_ERR_LIMIT, "two bytes past max");
	is_int(buf_len(&b), 10, "failed put leaves the length alone");
	is_mem(buf_ptr(&b), "0123456789", 10, "failed put leaves the bytes");
	is_int(buf_reserve(&b, 1, &p), BUF_ERR_LIMIT, "reserve past max");
	is_int(buf_reserve(&b, SIZE_MAX, &p), BUF_ERR_LIMIT,
	    "reserve SIZE_MAX refused");
	buf_consume(&b, 4);
	is_int(buf_put(&b, "abcd", 4), 0, "consumed bytes make room again");
	is_mem(buf_ptr(&b), "456789abcd", 10, "bytes after compaction");
	is_int(buf_put_u8(&b, 'x'), BUF_ERR_LIMIT, "full again");
	buf_free(&b);

	buf_init(&b, 0);
	is_int(buf_put_u8(&b, 1), BUF_ERR_LIMIT, "max 0 holds nothing");
	is_int(buf_put(&b, "", 0), 0, "max 0 accepts an empty put");
	buf_free(&b);

	buf_init(&b, 7);
	is_int(buf_put_u64(&b, 1), BUF_ERR_LIMIT, "u64 into 7 bytes refused");
	buf_free(&b);
	buf_init(&b, 3);
	is_int(buf_put_u32(&b, 1), BUF_ERR_LIMIT, "u32 into 3 bytes refused");
	is_int(buf_len(&b), 0, "refused u32 leaves nothing");
	is_int(buf_put_str(&b, ""), BUF_ERR_LIMIT,
	    "str header into 3 bytes refused");
	buf_free(&b);

	buf_init(&b, 300);
	is_int(buf_put(&b, big, 300), 0, "300 bytes into max 300 (> 256)");
	is_mem(buf_ptr(&b), big, 300, "300 bytes intact");
	is_int(buf_put_u8(&b, 0), BUF_ERR_LIMIT, "301st byte refused");
	buf_free(&b);
}

/* Growth with interleaved consumes keeps every byte in order. */
static void
test_growth(void)
{
	struct buf	 b;
	uint8_t		 chunk[777];
	size_t		 i, put = 0, got = 0, n;
	int		 bad = 0, err = 0;

	buf_init(&b, 1 << 20);
	while (put < 500000) {
		for (i = 0; i < sizeof chunk; i++)
			chunk[i] = (uint8_t)((put + i) * 7 + 3);
		if (buf_put(&b, chunk, sizeof chunk) != 0)
			err++;
		put += sizeof chunk;
		/* Take a varying amount off the front. */
		n = (put / 3) % 1000;
		if (n > buf_len(&b))
			n = buf_len(&b);
		for (i = 0; i < n; i++)
			if (buf_ptr(&b)[i] != (uint8_t)((got + i) * 7 + 3))
				bad++;
		buf_consume(&b, n);
		got += n;
	}
	n = buf_len(&b);
	for (i = 0; i < n; i++)
		if (buf_ptr(&b)[i] != (uint8_t)((got + i) * 7 + 3))
			bad++;
	got += n;
	is_int(err, 0, "no put failed while growing");
	is_int(got, put, "every byte put came out");
	is_int(bad, 0, "every byte came out in order");
	ok(b.cap <= b.max, "capacity never exceeds max");
	buf_free(&b);
}

/* The reader decodes big-endian values exactly. */
static void
test_reader_values(void)
{
	static const uint8_t in[] = {
		0x7f,
		0xbe, 0xef,
		0x89, 0xab, 0xcd, 0xef,
		0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10,
		'x', 'y',
	};
	struct reader	 r;
	const uint8_t	*p;
	uint8_t		 v8;
	uint16_t	 v16;
	uint32_t	 v32;
	uint64_t	 v64;

	rd_init(&r, in, sizeof in);
	is_int(rd_u8(&r, &v8), 0, "rd_u8");
	is_int(v8, 0x7f, "rd_u8 value");
	is_int(rd_u16(&r, &v16), 0, "rd_u16");
	is_int(v16, 0xbeef, "rd_u16 value");
	is_int(rd_u32(&r, &v32), 0, "rd_u32");
	is_u64(v32, 0x89abcdefU, "rd_u32 value");
	is_int(rd_u64(&r, &v64), 0, "rd_u64");
	is_u64(v64, 0xfedcba9876543210ULL, "rd_u64 value");
	is_int(r.left, 2, "two bytes left");
	is_int(rd_bytes(&r, 0, &p), 0, "rd_bytes 0");
	is_int(rd_bytes(&r, 2, &p), 0, "rd_bytes 2");
	ok(p == in + 15, "rd_bytes points into the input");
	is_int(r.left, 0, "nothing left");
	is_int(rd_u8(&r, &v8), BUF_ERR_SHORT, "rd_u8 at the end is short");
	is_int(rd_bytes(&r, 0, &p), 0, "rd_bytes 0 at the end");
}

/* Round trip of edge values through the buffer and the reader. */
static void
test_round_trip(void)
{
	static const uint64_t vals[] = {
		0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
		0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
		0x7fffffffffffffffULL, 0x8000000000000000ULL, UINT64_MAX,
	};
	struct buf	 b;
	struct reader	 r;
	size_t		 i, n = sizeof vals / sizeof vals[0];
	uint16_t	 v16;
	uint32_t	 v32;
	uint64_t	 v64;
	int		 bad = 0;

	buf_init(&b, 4096);
	for (i = 0; i < n; i++) {
		buf_put_u16(&b, (uint16_t)vals[i]);
		buf_put_u32(&b, (uint32_t)vals[i]);
		buf_put_u64(&b, vals[i]);
	}
	is_int(buf_len(&b), n * 14, "round trip: encoded length");
	rd_init(&r, buf_ptr(&b), buf_len(&b));
	for (i = 0; i < n; i++) {
		if (rd_u16(&r, &v16) != 0 || v16 != (uint16_t)vals[i])
			bad++;
		if (rd_u32(&r, &v32) != 0 || v32 != (uint32_t)vals[i])
			bad++;
		if (rd_u64(&r, &v64) != 0 || v64 != vals[i])
			bad++;
	}
	is_int(bad, 0, "round trip of edge values");
	is_int(r.left, 0, "round trip consumed everything");
	buf_free(&b);
}

/*
 * Decode the sequence u8, u16, u32, u64, str("hey"), bytes(2) from the first
 * k bytes of p. Returns the index of the field that failed (6 when none
 * did) with its error in *err; *wrong is set when a value read before the
 * cut is wrong or a failed fixed-width read moved the cursor.
 */
static int
decode_prefix(const uint8_t *p, size_t k, int *err, int *wrong)
{
	struct reader	 r;
	const uint8_t	*bp;
	char		 s[16];
	uint8_t		 v8;
	uint16_t	 v16;
	uint32_t	 v32;
	uint64_t	 v64;

	*wrong = 0;
	rd_init(&r, p, k);
	if ((*err = rd_u8(&r, &v8)) != 0) {
		*wrong = r.left != k;
		return 0;
	}
	*wrong |= v8 != 0x11;
	if ((*err = rd_u16(&r, &v16)) != 0) {
		*wrong |= r.left != k - 1;
		return 1;
	}
	*wrong |= v16 != 0x2233;
	if ((*err = rd_u32(&r, &v32)) != 0) {
		*wrong |= r.left != k - 3;
		return 2;
	}
	*wrong |= v32 != 0x44556677;
	if ((*err = rd_u64(&r, &v64)) != 0)
		return 3;
	*wrong |= v64 != 0x8899aabbccddeeffULL;
	if ((*err = rd_str(&r, s, sizeof s)) != 0)
		return 4;
	*wrong |= strcmp(s, "hey") != 0;
	if ((*err = rd_bytes(&r, 2, &bp)) != 0) {
		*wrong |= r.left != k - 22;
		return 5;
	}
	*wrong |= memcmp(bp, "!!", 2) != 0;
	return 6;
}

/* A reader given any prefix fails short at the right field, never early. */
static void
test_short_reads(void)
{
	struct buf	 b;
	size_t		 k, total;
	/* Field f needs ends[f] bytes in all. */
	static const size_t ends[] = { 1, 3, 7, 15, 22, 24 };
	int		 f, want, err, wrong, badfield = 0, baderr = 0;
	int		 badval = 0;

	buf_init(&b, 256);
	buf_put_u8(&b, 0x11);
	buf_put_u16(&b, 0x2233);
	buf_put_u32(&b, 0x44556677);
	buf_put_u64(&b, 0x8899aabbccddeeffULL);
	buf_put_str(&b, "hey");
	buf_put(&b, "!!", 2);
	total = buf_len(&b);
	is_int(total, 24, "short reads: encoded length");
	for (k = 0; k <= total; k++) {
		for (want = 0; want < 6 && k >= ends[want]; want++)
			;
		f = decode_prefix(buf_ptr(&b), k, &err, &wrong);
		if (f != want) {
			badfield++;
			diag("prefix %zu: failed at field %d, expected %d",
			    k, f, want);
		}
		if (f < 6 && err != BUF_ERR_SHORT) {
			baderr++;
			diag("prefix %zu: error %d, expected %d", k, err,
			    BUF_ERR_SHORT);
		}
		if (f == 6 && err != 0)
			baderr++;
		if (wrong) {
			badval++;
			diag("prefix %zu: wrong value before the cut", k);
		}
	}
	is_int(badfield, 0, "every prefix fails at exactly the cut field");
	is_int(baderr, 0, "every cut is BUF_ERR_SHORT");
	is_int(badval, 0, "values before the cut are right; a failed "
	    "u8/u16/u32/bytes read consumes nothing");
	buf_free(&b);
}

/* rd_str: size limits, NUL termination, embedded NULs, short bodies. */
static void
test_rd_str(void)
{
	static const uint8_t nul[] = { 0, 0, 0, 3, 'a', 0, 'b' };
	static const uint8_t nul_end[] = { 0, 0, 0, 2, 'a', 0 };
	static const uint8_t huge[] = { 0xff, 0xff, 0xff, 0xff, 'a' };
	static const uint8_t cut[] = { 0, 0, 0, 5, 'a', 'b' };
	static const uint8_t twice[] = {
		0, 0, 0, 2, 'h', 'i', 0, 0, 0, 0, 0, 0, 0, 1, 'z'
	};
	struct buf	 b;
	struct reader	 r;
	char		 out[8];

	buf_init(&b, 64);
	buf_put_str(&b, "1234567");
	rd_init(&r, buf_ptr(&b), buf_len(&b));
	memset(out, 'X', sizeof out);
	is_int(rd_str(&r, out, 8), 0, "7-byte string fits in 8");
	is_str(out, "1234567", "string copied and NUL-terminated");
	is_int(r.left, 0, "string consumed");

	rd_init(&r, buf_ptr(&b), buf_len(&b));
	is_int(rd_str(&r, out, 7), BUF_ERR_LIMIT,
	    "7-byte string refused in 7 (no room for the NUL)");
	rd_init(&r, buf_ptr(&b), buf_len(&b));
	is_int(rd_str(&r, out, 1), BUF_ERR_LIMIT, "refused in size 1");
	buf_free(&b);

	rd_init(&r, twice, sizeof twice);
	is_int(rd_str(&r, out, sizeof out), 0, "first of three strings");
	is_str(out, "hi", "first string");
	is_int(rd_str(&r, out, 1), 0, "empty string fits in size 1");
	is_str(out, "", "empty string");
	is_int(rd_str(&r, out, sizeof out), 0, "third string");
	is_str(out, "z", "third string value");
	is_int(r.left, 0, "all three consumed");

	rd_init(&r, nul, sizeof nul);
	is_int(rd_str(&r, out, sizeof out), BUF_ERR_FORMAT,
	    "embedded NUL refused");
	rd_init(&r, nul_end, sizeof nul_end);
	is_int(rd_str(&r, out, sizeof out), BUF_ERR_FORMAT,
	    "trailing NUL inside the length refused");
	rd_init(&r, huge, sizeof huge);
	is_int(rd_str(&r, out, sizeof out), BUF_ERR_LIMIT,
	    "length 0xffffffff refused as too long");
	rd_init(&r, cut, sizeof cut);
	is_int(rd_str(&r, out, sizeof out), BUF_ERR_SHORT,
	    "length beyond the bytes present is short");
	rd_init(&r, cut, 3);
	is_int(rd_str(&r, out, sizeof out), BUF_ERR_SHORT,
	    "cut inside the length is short");
}

int
main(void)
{
	test_encoding();
	test_put_str();
	test_set_u32();
	test_consume();
	test_max();
	test_growth();
	test_reader_values();
	test_round_trip();
	test_short_reads();
	test_rd_str();
	return done_testing();
}
