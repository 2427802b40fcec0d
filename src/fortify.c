/*
 * Only in the musl build (make static): Debian's libvterm.a was compiled
 * against glibc with _FORTIFY_SOURCE, so it calls glibc's checked variants
 * of a few functions, which musl does not have. These do the same check
 * (the destination's size, as the compiler knew it) and then the plain
 * call; a failed check aborts, as glibc's does.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	__snprintf_chk(char *, size_t, int, size_t, const char *, ...);
int	__vsnprintf_chk(char *, size_t, int, size_t, const char *, va_list);
int	__fprintf_chk(FILE *, int, const char *, ...);
char   *__strncpy_chk(char *, const char *, size_t, size_t);

int
__vsnprintf_chk(char *s, size_t max, int flag, size_t size, const char *fmt,
    va_list ap)
{
	(void)flag;
	if (max > size)
		abort();
	return vsnprintf(s, max, fmt, ap);
}

int
__snprintf_chk(char *s, size_t max, int flag, size_t size, const char *fmt,
    ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = __vsnprintf_chk(s, max, flag, size, fmt, ap);
	va_end(ap);
	return n;
}

int
__fprintf_chk(FILE *f, int flag, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	(void)flag;
	va_start(ap, fmt);
	n = vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

char *
__strncpy_chk(char *dst, const char *src, size_t len, size_t size)
{
	if (len > size)
		abort();
	return strncpy(dst, src, len);
}
