/* Checked allocation wrappers: overflow and exhaustion are fatal. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "log.h"
#include "xmalloc.h"

/* Allocate size bytes or die. */
void *
xmalloc(size_t size)
{
	void	*p;

	if (size == 0)
		size = 1;
	if ((p = malloc(size)) == NULL)
		fatalx("out of memory allocating %zu bytes", size);
	return p;
}

/* Allocate a zeroed array or die. */
void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL)
		fatalx("out of memory allocating %zu x %zu bytes", n, size);
	return p;
}

/* Resize an array of n elements of size bytes, checking the product. */
void *
xreallocarray(void *old, size_t n, size_t size)
{
	void	*p;

	if (size != 0 && n > SIZE_MAX / size)
		fatalx("allocation of %zu x %zu bytes overflows", n, size);
	if (n * size == 0)
		n = size = 1;
	if ((p = realloc(old, n * size)) == NULL)
		fatalx("out of memory allocating %zu x %zu bytes", n, size);
	return p;
}

/* Duplicate a string or die. */
char *
xstrdup(const char *s)
{
	size_t	 len = strlen(s) + 1;

	return memcpy(xmalloc(len), s, len);
}

/* Format into a new string or die; returns its length. */
int
xasprintf(char **out, const char *fmt, ...)
{
	va_list	 ap, ap2;
	int	 len;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	len = fmt_vbuf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0)
		fatalx("bad format string %s", fmt);
	*out = xmalloc((size_t)len + 1);
	fmt_vbuf(*out, (size_t)len + 1, fmt, ap2);
	va_end(ap2);
	return len;
}
