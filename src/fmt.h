/*
 * snprintf for tether's own messages, paths and escape sequences.
 *
 * The session host is a long-lived process per session, and glibc's
 * printf machinery (vfprintf, its jump tables, the FILE it formats
 * through) lies in three 64 kB stretches of libc's text that nothing
 * else the host does touches: the kernel maps each stretch whole on the
 * first fault (fault-around), so one snprintf made them about 190 kB of
 * every idle host's RSS. These format the integers, characters and
 * strings tether uses without that code; a format with anything else
 * (floating point, wide characters, %n) goes to libc's vsnprintf whole.
 * The result is the same as snprintf's, truncation and return value
 * included.
 */
#ifndef FMT_H
#define FMT_H

#include <stdarg.h>
#include <stddef.h>

int	fmt_buf(char *, size_t, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
int	fmt_vbuf(char *, size_t, const char *, va_list)
	    __attribute__((format(printf, 3, 0)));

#endif
