/* Surviving logout under systemd-logind (osdep: Linux with systemd). */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fmt.h"
#include "log.h"
#include "logind.h"
#include "xmalloc.h"

/* Where logind.conf and its drop-ins live, highest precedence first. */
static const char *const logind_dirs[] = {
	"etc/systemd", "run/systemd", "usr/local/lib/systemd", "usr/lib/systemd"
};
#define LOGIND_NDIRS (sizeof logind_dirs / sizeof logind_dirs[0])

/* A yes/no value as systemd reads booleans: 1, 0, or -1 if neither. */
static int
logind_bool(const char *v)
{
	static const char *const yes[] = { "1", "yes", "y", "true", "t", "on" };
	static const char *const no[] = { "0", "no", "n", "false", "f", "off" };
	size_t	 i;

	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* Strip leading and trailing white space in place. */
static char *
logind_trim(char *s)
{
	size_t	 n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* KillUserProcesses= in [Login] of one file; *kills is left if unset. */
static void
logind_conf_file(const char *path, int *kills)
{
	FILE	*f;
	char	 line[1024], *s, *eq;
	int	 login = 0, v;

	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		s = logind_trim(line);
		if (*s == '#' || *s == ';' || *s == '\0')
			continue;
		if (*s == '[') {
			login = strcmp(s, "[Login]") == 0;
			continue;
		}
		if (!login || (eq = strchr(s, '=')) == NULL)
			continue;
		*eq = '\0';
		if (strcmp(logind_trim(s), "KillUserProcesses") != 0)
			continue;
		if ((v = logind_bool(logind_trim(eq + 1))) != -1)
			*kills = v;
	}
	fclose(f);
}

static int
logind_cmp(const void *a, const void *b)
{
	const char *const	*x = a, *const *y = b;

	return strcmp(strrchr(*x, '/') + 1, strrchr(*y, '/') + 1);
}

/* Has names (n paths) one whose file name is base? */
static int
logind_seen(char **names, size_t n, const char *base)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (strcmp(strrchr(names[i], '/') + 1, base) == 0)
			return 1;
	}
	return 0;
}

/*
 * KillUserProcesses= as logind reads it under root ("" for /): the first
 * logind.conf found, then the *.conf drop-ins in logind.conf.d in the
 * order of their file names, a name in /etc hiding the same one in /run
 * or /usr/lib. 1 or 0 as the last setting says; -1 if none sets it (then
 * systemd's compiled-in default applies: no on Debian, yes upstream).
 */
int
logind_conf_kills(const char *root)
{
	char		 path[4096], **names = NULL;
	size_t		 i, n = 0;
	DIR		*d;
	struct dirent	*e;
	size_t		 len;
	int		 kills = -1;

	for (i = 0; i < LOGIND_NDIRS; i++) {
		fmt_buf(path, sizeof path, "%s/%s/logind.conf", root,
		    logind_dirs[i]);
		if (access(path, R_OK) == 0) {
			logind_conf_file(path, &kills);
			break;
		}
	}
	for (i = 0; i < LOGIND_NDIRS; i++) {
		fmt_buf(path, sizeof path, "%s/%s/logind.conf.d", root,
		    logind_dirs[i]);
		if ((d = opendir(path)) == NULL)
			continue;
		while ((e = readdir(d)) != NULL) {
			len = strlen(e->d_name);
			if (len < 6 || e->d_name[0] == '.' ||
			    strcmp(e->d_name + len - 5, ".conf") != 0 ||
			    logind_seen(names, n, e->d_name))
				continue;
			names = xreallocarray(names, n + 1, sizeof *names);
			xasprintf(&names[n++], "%s/%s", path, e->d_name);
		}
		closedir(d);
	}
	if (n > 0)
		qsort(names, n, sizeof *names, logind_cmp);
	for (i = 0; i < n; i++) {
		logind_conf_file(names[i], &kills);
		free(names[i]);
	}
	free(names);
	return kills;
}

#ifdef __linux__
/*
 * Run argv with stdin and stderr on /dev/null and up to size - 1 bytes of
 * its output into out. Returns its exit status, or -1.
 */
static int
logind_run(char *const argv[], char *out, size_t size)
{
	int	 pfd[2], status, null, fd, max;
	pid_t	 pid;
	size_t	 got = 0;
	ssize_t	 n;

	if (pipe(pfd) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		if ((null = open("/dev/null", O_RDWR)) != -1) {
			dup2(null, 0);
			dup2(null, 2);
		}
		dup2(pfd[1], 1);
		/* Not the session's socket or the creator's pipe. */
		max = (int)sysconf(_SC_OPEN_MAX);
		if (max < 0 || max > 4096)
			max = 4096;
		for (fd = 3; fd < max; fd++)
			close(fd);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		n = read(pfd[0], out + got, size - 1 - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == size - 1)
			break;
	}
	out[got] = '\0';
	close(pfd[0]);
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR)
			return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * Does logind end a user's processes at logout? Asked of logind itself,
 * which knows its compiled-in default and any reload; its files when it
 * does not answer. root is never killed (logind's KillExcludeUsers).
 */
static int
logind_kills(void)
{
	char *const	 argv[] = { "busctl", "--timeout=2", "get-property",
	    "org.freedesktop.login1", "/org/freedesktop/login1",
	    "org.freedesktop.login1.Manager", "KillUserProcesses", NULL };
	char		 out[64];

	if (getuid() == 0)
		return 0;
	if (logind_run(argv, out, sizeof out) == 0) {
		if (strncmp(out, "b true", 6) == 0)
			return 1;
		if (strncmp(out, "b false", 7) == 0)
			return 0;
	}
	return logind_conf_kills("") == 1;
}

/* Is this process in the cgroup of the scope named unit yet? */
static int
logind_in_scope(const char *unit)
{
	FILE	*f;
	char	 line[4096];
	int	 found = 0;

	if ((f = fopen("/proc/self/cgroup", "r")) == NULL)
		return 0;
	while (!found && fgets(line, sizeof line, f) != NULL)
		found = strstr(line, unit) != NULL;
	fclose(f);
	return found;
}

/*
 * Move this process into a new transient scope of the user manager, as
 * tmux does with its server: StartTransientUnit over the user bus, then
 * wait (up to a second) until the kernel shows the move, since the call
 * returns before the job has run. 0 once moved, -1 if not.
 */
static int
logind_move(const char *name)
{
	char		 unit[128], pid[32], out[256];
	char		*argv[] = { "busctl", "--user", "--timeout=2", "call",
	    "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
	    "org.freedesktop.systemd1.Manager", "StartTransientUnit",
	    "ssa(sv)a(sa(sv))", unit, "fail", "2", "PIDs", "au", "1", pid,
	    "CollectMode", "s", "inactive-or-failed", "0", NULL };
	struct timespec	 ts = { 0, 10 * 1000 * 1000 };
	size_t		 i;
	int		 tries;

	/* Unit names allow letters, digits and :_.- only. */
	fmt_buf(unit, sizeof unit, "tether-%s-%ld.scope", name,
	    (long)getpid());
	for (i = 0; unit[i] != '\0'; i++) {
		if (!isalnum((unsigned char)unit[i]) &&
		    strchr(":_.-", unit[i]) == NULL)
			unit[i] = '_';
	}
	fmt_buf(pid, sizeof pid, "%ld", (long)getpid());
	if (logind_run(argv, out, sizeof out) != 0) {
		log_debug("logind: StartTransientUnit %s failed", unit);
		return -1;
	}
	for (tries = 0; tries < 100; tries++) {
		if (logind_in_scope(unit)) {
			log_debug("logind: moved into %s", unit);
			return 0;
		}
		nanosleep(&ts, NULL);
	}
	log_debug("logind: never moved into %s", unit);
	return -1;
}

/* Does logind keep this user's manager after the last logout? */
static int
logind_lingers(void)
{
	struct passwd	*pw;
	char		 path[512];

	if ((pw = getpwuid(getuid())) == NULL)
		return 0;
	fmt_buf(path, sizeof path, "/var/lib/systemd/linger/%s", pw->pw_name);
	return access(path, F_OK) == 0;
}

/*
 * Called by the process about to become session name's host, before it
 * starts anything: where logind would end the session at logout, move
 * this process out of the login's scope. Returns 0, or 1 and, in why, the
 * one line to tell the user when the session may still die at logout.
 * Without systemd, one stat and nothing else.
 */
int
logind_protect(const char *name, char *why, size_t size)
{
	struct stat	 sb;

	if (stat("/run/systemd/system", &sb) == -1 || !S_ISDIR(sb.st_mode))
		return 0;
	if (!logind_kills())
		return 0;
	if (logind_move(name) == -1) {
		fmt_buf(why, size, "systemd-logind kills your processes at "
		    "logout and no systemd user manager took session %s: it "
		    "ends when you log out (fix: loginctl enable-linger)",
		    name);
		return 1;
	}
	if (!logind_lingers()) {
		fmt_buf(why, size, "systemd-logind kills your processes at "
		    "logout: session %s ends once your last login does (fix: "
		    "loginctl enable-linger)", name);
		return 1;
	}
	return 0;
}
#else
/* Nothing kills sessions at logout here. */
int
logind_protect(const char *name, char *why, size_t size)
{
	(void)name;
	(void)why;
	(void)size;
	return 0;
}
#endif
