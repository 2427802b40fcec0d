/*
 * Unit tests for src/fmt.c: fmt_buf must write what libc's snprintf
 * writes and return what it returns, for every conversion it formats
 * itself, at every buffer size (truncation), and for the formats it
 * hands to libc whole.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "../tap.h"

/* The truncation is what is tested. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#pragma GCC diagnostic ignored "-Wformat-overflow"

static int	 failures;
static int	 handed;	/* calls of libc's vsnprintf from fmt.c */

/*
 * fmt.c's way to libc for the formats it does not do itself: counted
 * here, so that the test shows which formats fmt.c did itself. Built with
 * _FORTIFY_SOURCE (as Debian's packages are), the call is to the checked
 * variant.
 */
int	__vsnprintf_chk(char *, size_t, int, size_t, const char *, va_list);

int
vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	static int	(*next)(char *, size_t, const char *, va_list);

	if (next == NULL &&
	    (next = (int (*)(char *, size_t, const char *, va_list))
	    dlsym(RTLD_NEXT, "vsnprintf")) == NULL)
		abort();
	handed++;
	return next(buf, size, fmt, ap);
}

int
__vsnprintf_chk(char *buf, size_t size, int flag, size_t room,
    const char *fmt, va_list ap)
{
	static int	(*next)(char *, size_t, int, size_t, const char *,
			    va_list);

	if (next == NULL &&
	    (next = (int (*)(char *, size_t, int, size_t, const char *,
	    va_list))dlsym(RTLD_NEXT, "__vsnprintf_chk")) == NULL)
		abort();
	handed++;
	return next(buf, size, flag, room, fmt, ap);
}

/*
 * Compare one formatted result at buffer sizes 0 to its whole length + 2;
 * report the first mismatch. Both sides are called through a macro so that
 * the compiler checks the format against its arguments.
 */
#define SAME(desc, ...) do {						\
	char	 want[1024], got[1024];					\
	int	 wn, gn, size, bad = -1;				\
	wn = snprintf(want, sizeof want, __VA_ARGS__);			\
	for (size = 0; size <= wn + 2 && size <= (int)sizeof got; size++) { \
		memset(got, 'Z', sizeof got);				\
		gn = fmt_buf(size == 0 ? NULL : got, (size_t)size,	\
		    __VA_ARGS__);					\
		if (gn != wn) {						\
			bad = size;					\
			break;						\
		}							\
		if (size > 0) {						\
			snprintf(want, (size_t)size, __VA_ARGS__);	\
			if (memcmp(got, want, strlen(want) + 1) != 0 ||	\
			    (size < (int)sizeof got && got[size] != 'Z')) { \
				bad = size;				\
				break;					\
			}						\
		}							\
	}								\
	if (bad != -1) {						\
		failures++;						\
		snprintf(want, sizeof want, __VA_ARGS__);		\
		fmt_buf(got, sizeof got, __VA_ARGS__);		\
		diag("size %d: want [%s] %d, got [%s] %d", bad, want,	\
		    wn, got, gn);					\
	}								\
	ok(bad == -1, "%s", desc);					\
} while (0)

const char	*nothing;	/* NULL, out of the compiler's sight */

static void
integers(void)
{
	SAME("%d", "%d", 0);
	SAME("%d negative", "[%d]", -42);
	SAME("%d INT_MIN and INT_MAX", "%d %d", INT_MIN, INT_MAX);
	SAME("%i", "%i", 7);
	SAME("%u UINT_MAX", "%u", UINT_MAX);
	SAME("%ld LONG_MIN", "%ld", LONG_MIN);
	SAME("%lu ULONG_MAX", "%lu", ULONG_MAX);
	SAME("%lld LLONG_MIN", "%lld", LLONG_MIN);
	SAME("%llu ULLONG_MAX", "%llu", ULLONG_MAX);
	SAME("%zu", "%zu bytes", (size_t)123456789);
	SAME("%zd negative", "%zd", (ssize_t)-5);
	SAME("%jd and %ju", "%jd %ju", INTMAX_MIN, UINTMAX_MAX);
	SAME("%td", "%td", (ptrdiff_t)-99);
	SAME("%hd and %hu wrap", "%hd %hu", 70000, 70000);
	SAME("%hhd and %hhu wrap", "%hhd %hhu", 300, 300);
	SAME("%x %X %o", "%x %X %o", 0xbeefU, 0xbeefU, 0755U);
	SAME("%016llx", "%016llx", 0x1234abcdULL);
	SAME("%04o", "%04o", 0700U);
	SAME("width", "[%5d][%5d][%2d]", 42, -42, 12345);
	SAME("left", "[%-5d][%-5d][%-5u]", 42, -42, 7U);
	SAME("zeros", "[%05d][%05d][%03u]", 42, -42, 7U);
	SAME("precision", "[%.3d][%.3d][%8.3d][%-8.3d]", 5, -5, 5, -5);
	SAME("precision 0 of 0", "[%.0d][%.d][%3.0u][%.0x]", 0, 0, 0U, 0U);
	SAME("signs", "[%+d][%+d][% d][% d]", 3, -3, 3, -3);
	SAME("sign with zeros", "[%+05d][% 05d]", 3, 3);
	SAME("star width", "[%*d][%*d]", 6, 1, -6, 1);
	SAME("star precision", "[%.*d][%.*d]", 4, 1, -1, 1);
}

/* Flags that C says another flag overrides, which GCC warns of. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
static void
overridden(void)
{
	SAME("left beats zeros", "[%-05d]", 42);
	SAME("plus beats space", "[%+ d][% +d]", 3, 3);
	SAME("precision beats zeros", "[%08.3d]", -5);
	SAME("%05s goes to libc", "[%05s]", "ab");
}
#pragma GCC diagnostic pop

static void
texts(void)
{
	char	 s[300];

	memset(s, 'a', sizeof s - 1);
	s[sizeof s - 1] = '\0';
	SAME("empty", "%s", "");
	SAME("plain", "no conversion at all");
	SAME("%s", "session %s: %s", "work", "gone");
	SAME("%%", "100%% of %d%%", 5);
	SAME("%c", "%c%c%c", 'a', '\033', 0xe9);
	SAME("%c width", "[%3c][%-3c]", 'x', 'y');
	SAME("%s width", "[%8s][%-8s][%2s]", "abc", "abc", "abcdef");
	SAME("%.*s", "[%.*s][%.2s][%.0s]", 3, "abcdef", "xyz", "q");
	SAME("%.*s negative", "[%.*s]", -1, "whole");
	SAME("%.*s stops at the precision", "[%.*s]", 4, "ab\0cd");
	SAME("%s NULL", "[%s][%.3s][%.6s]", nothing, nothing, nothing);
	SAME("long strings", "%s|%s", s, s + 100);
	SAME("long padding", "[%300d][%-290s]", 1, "x");
	SAME("escape sequence", "\033[%d;%dH\033[%s%d%c", 12, 80, "?", 25,
	    'h');
	SAME("color", ";%d;2;%d;%d;%d", 38, 255, 0, 128);
}

static void
handed_over(void)
{
	SAME("%f goes to libc", "%d %5.2f %s", 1, 3.14159, "pi");
	SAME("%g goes to libc", "%g", 1e100);
	SAME("%p goes to libc", "%p %p", (void *)0x1234, (void *)0);
	SAME("%#x goes to libc", "%#x %#o", 255U, 8U);
	SAME("%ls goes to libc", "%ls", L"wide");
}

int
main(void)
{
	integers();
	is_int(handed, 0, "fmt.c formatted every integer itself");
	overridden();
	ok(handed > 0, "the %%05s went to libc (%d calls)", handed);
	handed = 0;
	texts();
	is_int(handed, 0, "fmt.c formatted every text itself");
	handed_over();
	ok(handed >= 5, "the rest went to libc (%d calls)", handed);
	if (failures != 0)
		diag("%d formats differ from libc's", failures);
	return done_testing();
}
