/*
 * A tiny header-only TAP producer for tether's C unit tests.
 *
 *	plan(n);			optional: print "1..n" up front
 *	ok(cond, "fmt", ...);		one test point
 *	is_int(got, want, "fmt", ...);	compare as long long
 *	is_u64(got, want, "fmt", ...);	compare as uint64_t
 *	is_str(got, want, "fmt", ...);	compare NUL-terminated strings
 *	is_mem(got, want, len, "fmt", ...);	compare len bytes
 *	diag("fmt", ...);		a "# ..." line on stdout
 *	return done_testing();		0 when every test passed and the
 *					plan (if any) was met, else 1
 *
 * Each test prints "ok N - desc" or "not ok N - desc" followed by "# ..."
 * diagnostic lines saying where it failed and what was seen. Everything is
 * static inline, so a test file includes it once and links nothing else.
 */
#ifndef TAP_H
#define TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_run;		/* test points so far */
static int tap_failed;		/* of which failed */
static int tap_planned = -1;	/* from plan(), or -1 */

/* Print "1..n" before the first test. */
static inline void
plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
	fflush(stdout);
}

/* Print one diagnostic line, "# " followed by the formatted text. */
static inline void __attribute__((format(printf, 1, 2)))
diag(const char *fmt, ...)
{
	va_list	 ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

/* A test point that cannot run here: "ok N # skip WHY". */
static inline void __attribute__((format(printf, 1, 2)))
skip(const char *fmt, ...)
{
	va_list	 ap;

	tap_run++;
	printf("ok %d # skip ", tap_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

/* Record one test point; returns pass (non-zero when it passed). */
static inline int
tap_vresult(int pass, const char *file, int line, const char *fmt,
    va_list ap)
{
	tap_run++;
	if (!pass)
		tap_failed++;
	printf("%sok %d - ", pass ? "" : "not ", tap_run);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	if (!pass)
		printf("#   Failed at %s line %d.\n", file, line);
	fflush(stdout);
	return pass;
}

/* ok(): pass when cond is true. */
static inline int __attribute__((format(printf, 4, 5)))
tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list	 ap;
	int	 r;

	va_start(ap, fmt);
	r = tap_vresult(cond, file, line, fmt, ap);
	va_end(ap);
	return r;
}

/* is_int(): pass when got == want, as signed integers. */
static inline int __attribute__((format(printf, 5, 6)))
tap_is_int(long long got, long long want, const char *file, int line,
    const char *fmt, ...)
{
	va_list	 ap;
	int	 r;

	va_start(ap, fmt);
	r = tap_vresult(got == want, file, line, fmt, ap);
	va_end(ap);
	if (!r)
		diag("       got: %lld\n#  expected: %lld", got, want);
	return r;
}

/* is_u64(): pass when got == want, as unsigned 64-bit integers. */
static inline int __attribute__((format(printf, 5, 6)))
tap_is_u64(uint64_t got, uint64_t want, const char *file, int line,
    const char *fmt, ...)
{
	va_list	 ap;
	int	 r;

	va_start(ap, fmt);
	r = tap_vresult(got == want, file, line, fmt, ap);
	va_end(ap);
	if (!r)
		diag("       got: %" PRIu64 " (0x%" PRIx64 ")\n"
		    "#  expected: %" PRIu64 " (0x%" PRIx64 ")",
		    got, got, want, want);
	return r;
}

/* is_str(): pass when both strings are equal (NULL equals only NULL). */
static inline int __attribute__((format(printf, 5, 6)))
tap_is_str(const char *got, const char *want, const char *file, int line,
    const char *fmt, ...)
{
	va_list	 ap;
	int	 r, same;

	if (got == NULL || want == NULL)
		same = got == want;
	else
		same = strcmp(got, want) == 0;
	va_start(ap, fmt);
	r = tap_vresult(same, file, line, fmt, ap);
	va_end(ap);
	if (!r)
		diag("       got: \"%s\"\n#  expected: \"%s\"",
		    got == NULL ? "(null)" : got,
		    want == NULL ? "(null)" : want);
	return r;
}

/* is_mem(): pass when len bytes are equal; names the first difference. */
static inline int __attribute__((format(printf, 6, 7)))
tap_is_mem(const void *got, const void *want, size_t len, const char *file,
    int line, const char *fmt, ...)
{
	const unsigned char	*g = got, *w = want;
	va_list			 ap;
	size_t			 i = 0;
	int			 r;

	if (g == NULL || w == NULL)
		i = (g == w || len == 0) ? len : 0;
	else
		while (i < len && g[i] == w[i])
			i++;
	va_start(ap, fmt);
	r = tap_vresult(i == len, file, line, fmt, ap);
	va_end(ap);
	if (!r && (g == NULL || w == NULL))
		diag("    got %s, expected %s", g == NULL ? "NULL" : "bytes",
		    w == NULL ? "NULL" : "bytes");
	else if (!r)
		diag("    first difference at byte %zu of %zu: got 0x%02x, "
		    "expected 0x%02x", i, len, g[i], w[i]);
	return r;
}

/* Print the plan if none was given; 0 when all passed as planned, else 1. */
static inline int
done_testing(void)
{
	if (tap_planned < 0)
		printf("1..%d\n", tap_run);
	else if (tap_planned != tap_run)
		diag("planned %d tests but ran %d", tap_planned, tap_run);
	if (tap_failed > 0)
		diag("failed %d of %d tests", tap_failed, tap_run);
	fflush(stdout);
	if (tap_failed > 0 || (tap_planned >= 0 && tap_planned != tap_run))
		return 1;
	return 0;
}

#define ok(cond, ...) \
	tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...) \
	tap_is_int((long long)(got), (long long)(want), __FILE__, __LINE__, \
	    __VA_ARGS__)
#define is_u64(got, want, ...) \
	tap_is_u64((uint64_t)(got), (uint64_t)(want), __FILE__, __LINE__, \
	    __VA_ARGS__)
#define is_str(got, want, ...) \
	tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)
#define is_mem(got, want, len, ...) \
	tap_is_mem((got), (want), (len), __FILE__, __LINE__, __VA_ARGS__)

#endif
