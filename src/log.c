/* Debug logging into a file named by TETHER_DEBUG, and fatal errors. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fmt.h"
#include "log.h"
#include "tether.h"

static FILE	*log_file;
static char	 log_name[32] = "tether";
static void	(*log_hook)(void);

/*
 * Open the debug log if path is set and non-empty: created for the owner
 * alone, since it names sessions, commands and what went wrong.
 */
void
log_open(const char *path)
{
	int	 fd;

	if (path == NULL || *path == '\0' || log_file != NULL)
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1)
		return;
	if ((log_file = fdopen(fd, "a")) == NULL) {
		close(fd);
		return;
	}
	setvbuf(log_file, NULL, _IOLBF, 0);
}

/* Close the debug log (a daemon closes it before closing all fds). */
void
log_close(void)
{
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
}

/* Name the process in log lines (client, host, bridge). */
void
log_setname(const char *name)
{
	fmt_buf(log_name, sizeof log_name, "%s", name);
}

/* Run this before exiting on a fatal error (the client restores the tty). */
void
log_fatal_hook(void (*hook)(void))
{
	log_hook = hook;
}

static void
log_vwrite(const char *fmt, va_list ap)
{
	struct timespec	 ts;

	if (log_file == NULL)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(log_file, "%lld.%06ld %s[%ld]: ", (long long)ts.tv_sec,
	    ts.tv_nsec / 1000, log_name, (long)getpid());
	vfprintf(log_file, fmt, ap);
	fputc('\n', log_file);
}

/* Write one line to the debug log, if it is open. */
void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite(fmt, ap);
	va_end(ap);
}

static void __attribute__((noreturn))
log_vfatal(const char *fmt, va_list ap, const char *why)
{
	va_list	 ap2;

	va_copy(ap2, ap);
	log_vwrite(fmt, ap2);
	va_end(ap2);
	if (log_hook != NULL)
		log_hook();
	fprintf(stderr, "tether: ");
	vfprintf(stderr, fmt, ap);
	if (why != NULL)
		fprintf(stderr, ": %s", why);
	fputc('\n', stderr);
	exit(255);
}

/* Print a message with strerror(errno) and exit with status 255. */
void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	char	 why[128];

	fmt_buf(why, sizeof why, "%s", strerror(errno));
	va_start(ap, fmt);
	log_vfatal(fmt, ap, why);
}

/* Print a message and exit with status 255. */
void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vfatal(fmt, ap, NULL);
}

/* A one-line usage error (fmt has one %s, for arg), then EXIT_USAGE. */
void
usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "tether: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "; see tether --help\n");
	exit(EXIT_USAGE);
}
