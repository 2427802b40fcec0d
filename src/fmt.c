/* snprintf without libc's printf machinery, for the session host: fmt.h. */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "fmt.h"

/* One conversion specification, as parsed from the format. */
struct spec {
	int	 minus;		/* '-': pad on the right */
	int	 zero;		/* '0': pad integers with zeros */
	char	 sign;		/* '+' or ' ' for signed conversions, or 0 */
	int	 width;		/* -1: none; -2: from the arguments */
	int	 prec;		/* -1: none; -2: from the arguments */
	int	 len;		/* 'H' hh, 'h', 'l', 'L' ll, 'z', 'j', 't', 0 */
	char	 conv;		/* d i u x X o c s % */
};

/* The output so far: what fits in buf, and the whole length. */
struct out {
	char	*buf;
	size_t	 size;
	size_t	 n;
};

static void
put(struct out *o, const char *s, size_t len)
{
	size_t	 room;

	if (o->n < o->size) {
		room = o->size - o->n;
		memcpy(o->buf + o->n, s, len < room ? len : room);
	}
	o->n += len;
}

static void
pad(struct out *o, char c, long long count)
{
	char		 run[32];
	long long	 step;

	memset(run, c, sizeof run);
	while (count > 0) {
		step = count < (long long)sizeof run ? count :
		    (long long)sizeof run;
		put(o, run, (size_t)step);
		count -= step;
	}
}

/*
 * Parse the specification after a '%' at *fp into sp, advancing *fp past
 * it. Returns 0 for one this file formats, -1 for anything else (then
 * the caller leaves the whole format to libc).
 */
static int
parse(const char **fp, struct spec *sp)
{
	const char	*f = *fp;

	memset(sp, 0, sizeof *sp);
	sp->width = sp->prec = -1;
	for (;; f++) {
		if (*f == '-')
			sp->minus = 1;
		else if (*f == '0')
			sp->zero = 1;
		else if (*f == '+')
			sp->sign = '+';
		else if (*f == ' ') {
			if (sp->sign == 0)
				sp->sign = ' ';
		} else
			break;
	}
	if (*f == '*') {
		sp->width = -2;
		f++;
	} else if (*f >= '1' && *f <= '9') {
		sp->width = 0;
		for (; *f >= '0' && *f <= '9'; f++) {
			if (sp->width > (INT_MAX - 9) / 10)
				return -1;
			sp->width = sp->width * 10 + (*f - '0');
		}
	}
	if (*f == '.') {
		f++;
		if (*f == '*') {
			sp->prec = -2;
			f++;
		} else {
			sp->prec = 0;
			for (; *f >= '0' && *f <= '9'; f++) {
				if (sp->prec > (INT_MAX - 9) / 10)
					return -1;
				sp->prec = sp->prec * 10 + (*f - '0');
			}
		}
	}
	switch (*f) {
	case 'h':
		sp->len = f[1] == 'h' ? 'H' : 'h';
		f += f[1] == 'h' ? 2 : 1;
		break;
	case 'l':
		sp->len = f[1] == 'l' ? 'L' : 'l';
		f += f[1] == 'l' ? 2 : 1;
		break;
	case 'z':
	case 'j':
	case 't':
		sp->len = *f++;
		break;
	}
	sp->conv = *f;
	if (sp->conv == '\0' || strchr("diuxXocs%", sp->conv) == NULL)
		return -1;
	if ((sp->conv == 'c' || sp->conv == 's' || sp->conv == '%') &&
	    (sp->len != 0 || sp->zero))
		return -1;	/* wide characters, or zeros libc may pad with */
	*fp = f + 1;
	return 0;
}

/* The next integer argument of a d or i conversion, by its length. */
static intmax_t
signed_arg(const struct spec *sp, va_list *ap)
{
	switch (sp->len) {
	case 'H':
		return (signed char)va_arg(*ap, int);
	case 'h':
		return (short)va_arg(*ap, int);
	case 'l':
		return va_arg(*ap, long);
	case 'L':
		return va_arg(*ap, long long);
	case 'z':
		return va_arg(*ap, ssize_t);
	case 'j':
		return va_arg(*ap, intmax_t);
	case 't':
		return va_arg(*ap, ptrdiff_t);
	}
	return va_arg(*ap, int);
}

/* The next integer argument of a u, x, X or o conversion. */
static uintmax_t
unsigned_arg(const struct spec *sp, va_list *ap)
{
	switch (sp->len) {
	case 'H':
		return (unsigned char)va_arg(*ap, unsigned int);
	case 'h':
		return (unsigned short)va_arg(*ap, unsigned int);
	case 'l':
		return va_arg(*ap, unsigned long);
	case 'L':
		return va_arg(*ap, unsigned long long);
	case 'z':
		return va_arg(*ap, size_t);
	case 'j':
		return va_arg(*ap, uintmax_t);
	case 't':
		return (uintmax_t)va_arg(*ap, ptrdiff_t);
	}
	return va_arg(*ap, unsigned int);
}

/* One integer conversion: digits, precision, sign, then the width. */
static void
integer(struct out *o, const struct spec *sp, va_list *ap)
{
	const char	*digits = "0123456789abcdef";
	char		 tmp[3 * sizeof(uintmax_t) + 1];
	uintmax_t	 v;
	intmax_t	 sv;
	unsigned int	 base = 10;
	char		 sign = 0;
	int		 n = 0;
	long long	 zeros, fill;

	if (sp->conv == 'd' || sp->conv == 'i') {
		sv = signed_arg(sp, ap);
		if (sv < 0) {
			sign = '-';
			v = (uintmax_t)0 - (uintmax_t)sv;
		} else {
			sign = sp->sign;
			v = (uintmax_t)sv;
		}
	} else {
		v = unsigned_arg(sp, ap);
		if (sp->conv == 'o')
			base = 8;
		else if (sp->conv == 'x' || sp->conv == 'X')
			base = 16;
		if (sp->conv == 'X')
			digits = "0123456789ABCDEF";
	}
	while (v != 0) {
		tmp[sizeof tmp - 1 - n++] = digits[v % base];
		v /= base;
	}
	if (n == 0 && sp->prec != 0)
		tmp[sizeof tmp - 1 - n++] = '0';
	zeros = sp->prec > n ? sp->prec - n : 0;
	fill = (long long)sp->width - (n + zeros + (sign != 0));
	if (fill < 0)
		fill = 0;
	if (sp->zero && !sp->minus && sp->prec < 0) {
		zeros += fill;
		fill = 0;
	}
	if (!sp->minus)
		pad(o, ' ', fill);
	if (sign != 0)
		put(o, &sign, 1);
	pad(o, '0', zeros);
	put(o, tmp + sizeof tmp - n, (size_t)n);
	if (sp->minus)
		pad(o, ' ', fill);
}

/* A c or s conversion, or a %: the bytes, then the width. */
static void
text(struct out *o, const struct spec *sp, va_list *ap)
{
	const char	*s;
	char		 c;
	size_t		 len;
	int		 fill;

	if (sp->conv == '%') {
		put(o, "%", 1);
		return;
	}
	if (sp->conv == 'c') {
		c = (char)va_arg(*ap, int);
		s = &c;
		len = 1;
	} else {
		s = va_arg(*ap, const char *);
		if (s == NULL)	/* as glibc prints it */
			s = sp->prec < 0 || sp->prec >= 6 ? "(null)" : "";
		len = sp->prec < 0 ? strlen(s) : strnlen(s, (size_t)sp->prec);
	}
	fill = sp->width > 0 && (size_t)sp->width > len ?
	    sp->width - (int)len : 0;
	if (!sp->minus)
		pad(o, ' ', fill);
	put(o, s, len);
	if (sp->minus)
		pad(o, ' ', fill);
}

int
fmt_vbuf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out	 o = { buf, size, 0 };
	struct spec	 sp;
	const char	*f, *lit;
	va_list		 args;
	int		 v;

	for (f = fmt; (f = strchr(f, '%')) != NULL;) {
		f++;
		if (parse(&f, &sp) == -1)
			return vsnprintf(buf, size, fmt, ap);
	}
	va_copy(args, ap);
	for (f = fmt; *f != '\0';) {
		lit = f;
		while (*f != '\0' && *f != '%')
			f++;
		put(&o, lit, (size_t)(f - lit));
		if (*f == '\0')
			break;
		f++;
		(void)parse(&f, &sp);
		if (sp.width == -2) {
			if ((v = va_arg(args, int)) < 0) {
				sp.minus = 1;
				sp.width = v == INT_MIN ? INT_MAX : -v;
			} else
				sp.width = v;
		}
		if (sp.prec == -2 && (sp.prec = va_arg(args, int)) < 0)
			sp.prec = -1;
		if (sp.conv == 'c' || sp.conv == 's' || sp.conv == '%')
			text(&o, &sp, &args);
		else
			integer(&o, &sp, &args);
	}
	va_end(args);
	if (size > 0)
		buf[o.n < size ? o.n : size - 1] = '\0';
	return o.n > INT_MAX ? -1 : (int)o.n;
}

int
fmt_buf(char *buf, size_t size, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = fmt_vbuf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
