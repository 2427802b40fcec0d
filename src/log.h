/*
 * Debug log and fatal errors. The debug log is off unless TETHER_DEBUG names
 * a file; nothing here ever writes to the user's terminal except fatal()
 * and usage_error().
 */
#ifndef LOG_H
#define LOG_H

void	 log_open(const char *);
void	 log_close(void);
void	 log_setname(const char *);
void	 log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	 fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	 log_fatal_hook(void (*)(void));
void	 usage_error(const char *, const char *) __attribute__((noreturn));

#endif
