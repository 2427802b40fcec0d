/*
 * tether: sessions that outlive their client. This file is the command
 * line: it parses arguments and runs new, attach, ls and kill.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bridge.h"
#include "client.h"
#include "config.h"
#include "deploy.h"
#include "dial.h"
#include "duration.h"
#include "escape.h"
#include "fmt.h"
#include "host.h"
#include "log.h"
#include "outlog.h"
#include "proto.h"
#include "ring.h"
#include "screen.h"
#include "sock.h"
#include "tether.h"
#include "tty.h"
#include "xmalloc.h"

#define INFO_TIMEOUT	2000
#define KILL_TIMEOUT	(HOST_KILL_GRACE_MS + 5000)

struct opts {
	int		 escape;
	size_t		 ring_size;
	size_t		 log_size;	/* the output log's limit; 0: none */
	size_t		 history;	/* lines of history the model keeps */
	int		 lossless;	/* never skip output for a slow link */
	uint32_t	 ttl;		/* seconds detached, then end; 0 */
	char *const	*argv;		/* the command after --, or NULL */
	struct config	*config;	/* the file's values and the options' */
};

/* What the attach client needs to reach (or create) a local session. */
struct local {
	char		 dir[256];
	const char	*name;
	struct opts	*opts;
	uint32_t	 others;	/* other detached sessions, counted
					   when this one was created */
};

static uint32_t	count_detached(const char *, const char *);

static const char usage_text[] =
"usage: tether [options] [user@]host [-- command [args...]]\n"
"       tether ls [options] host\n"
"       tether kill [options] host NAME...\n"
"       tether kill --detached [options] host\n"
"       tether log [options] [-f] [-p] host NAME\n"
"       tether new [--ring SIZE] [--log-size SIZE] [--history LINES]\n"
"                  [--ttl DURATION] NAME [-- command...]\n"
"       tether attach [-e CHAR] [--lossless] [--ring SIZE] [--log-size SIZE]\n"
"                     [--history LINES] [--ttl DURATION] NAME\n"
"                     [-- command [args...]]\n"
"       tether ls\n"
"       tether kill NAME... | --detached\n"
"       tether log [-f] [-p] NAME\n"
"       tether config [options] [host]\n"
"       tether --install [--install-binary FILE] [options] host\n"
"       tether --help | --version\n"
"\n"
"  host     a shell (or command) on host over ssh that survives network\n"
"           outages: reconnects by itself and resumes the output exactly\n"
"  new      start a detached local session (default: your login shell)\n"
"  attach   attach to a local session, creating it if missing; any other\n"
"           attached client is detached\n"
"  ls       list sessions (here, or on host): attached or detached, idle\n"
"           time (since the last keystroke, attach or detach), ttl\n"
"  kill     end sessions (SIGHUP, then SIGKILL after 3 seconds);\n"
"           --detached: every session nobody is attached to\n"
"  log      a session's output log (all output, the newest --log-size);\n"
"           -f follows it, -p prints plain text without escapes\n"
"  config   print the settings for host (without one: for local\n"
"           sessions) from the configuration file and the options\n"
"  --install  copy a static tether to ~/.local/bin on host (no root);\n"
"           sessions find it there (offered when host has no tether)\n"
"\n"
"  --config FILE  first of all: read FILE (or none) instead of\n"
"               ~/.config/tether/config, which sets these options\n"
"               once, per Host pattern as ssh_config does\n"
"  -s NAME      session name on host (default: this terminal window's)\n"
"  -e CHAR      escape character: a character, ^X, or none (default ~)\n"
"  --ring SIZE  output kept for reattaching, e.g. 8M (default), 64K..1G\n"
"  --log-size SIZE  output kept on disk for tether log: 32M (default),\n"
"               0 (no log) or 64K..16G\n"
"  --lossless   never skip output for a slow link (default: skip what\n"
"               the link would need over a second to send, and repaint)\n"
"  --history LINES  lines a fresh client gets in its scrollback\n"
"               (default 2000, 0..100000)\n"
"  --ttl DURATION  end a new session left detached this long: 90s, 30m,\n"
"               12h, 7d (default: never)\n"
"  --timeout S  declare the link dead after S silent seconds (default 3)\n"
"  --remote-tether PATH   tether on host (default: tether on its PATH,\n"
"                         else ~/.local/bin/tether)\n"
"  --install-binary FILE  the static tether --install copies (default:\n"
"                         this one if static, else ../lib/tether/\n"
"                         tether-static beside it)\n"
"  --ssh COMMAND          ssh program and options to use (default ssh)\n"
"  --control-master       let ssh reuse a ControlMaster connection\n"
"  -4 -6 -A -p PORT -l USER -i FILE -J JUMP -F FILE -o OPTION\n"
"  -L SPEC -R SPEC -D SPEC      passed to ssh on every (re)connection\n"
"\n"
"Escapes (after Enter): ~. detach  ~r reconnect  ~? help  ~~ send ~\n"
"  ~^Z suspend\n"
"Exit status: the program's; 0 after detaching; 247 --install failed,\n"
"248 no tether on host, 249 ssh authentication failed, 250 cannot\n"
"connect, 251 session exists, 252 version mismatch, 253 no such session\n"
"(or it ended), 254 usage or configuration file error, 255 other errors.\n"
"\n"
"The manual: man tether\n";

/* Check a session name or exit with a usage error that says why. */
static void
check_name(const char *name)
{
	char	 why[128];

	if (sock_name_check(name, why, sizeof why) == -1) {
		fprintf(stderr, "tether: invalid session name: %s\n", why);
		exit(EXIT_USAGE);
	}
}

/* Take an option's value for keyword k, or exit with a usage error. */
static void
set_option(struct config *c, enum config_key k, const char *value)
{
	char	 why[256];

	if (config_set(c, k, value, why, sizeof why) == -1) {
		if (k == CONFIG_TTL)
			usage_error("--ttl: %s", why);
		usage_error("%s", why);
	}
}

/*
 * Settle a local session's options: the configuration's lines before any
 * Host, then the command line's.
 */
static void
settle_options(struct opts *o)
{
	struct config_settings	 s;

	config_resolve(o->config, NULL, &s);
	o->escape = s.escape;
	o->ring_size = s.ring_size;
	o->log_size = s.log_size;
	o->history = s.history;
	o->lossless = s.lossless;
	o->ttl = s.ttl;
}

/*
 * Parse the options of new and attach and the session name; the command,
 * if any, follows "--". Returns the name.
 */
static const char *
parse_session_args(int argc, char **argv, struct opts *o, int allow_escape)
{
	const char	*name = NULL;
	int		 i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			if (i + 1 == argc)
				usage_error("%s", "no command after --");
			o->argv = argv + i + 1;
			break;
		}
		if (allow_escape && strcmp(argv[i], "-e") == 0 &&
		    i + 1 < argc)
			set_option(o->config, CONFIG_ESCAPE, argv[++i]);
		else if (strcmp(argv[i], "--ring") == 0 && i + 1 < argc)
			set_option(o->config, CONFIG_RING, argv[++i]);
		else if (strcmp(argv[i], "--log-size") == 0 && i + 1 < argc)
			set_option(o->config, CONFIG_LOG_SIZE, argv[++i]);
		else if (strcmp(argv[i], "--history") == 0 && i + 1 < argc)
			set_option(o->config, CONFIG_HISTORY, argv[++i]);
		else if (strcmp(argv[i], "--ttl") == 0 && i + 1 < argc)
			set_option(o->config, CONFIG_TTL, argv[++i]);
		else if (allow_escape && strcmp(argv[i], "--lossless") == 0)
			set_option(o->config, CONFIG_LOSSLESS, "yes");
		else if (argv[i][0] == '-' && argv[i][1] != '\0' && name == NULL)
			usage_error("unknown option '%s'", argv[i]);
		else if (name == NULL)
			name = argv[i];
		else
			usage_error("unexpected argument '%s'", argv[i]);
	}
	if (name == NULL)
		usage_error("%s", "missing session name");
	check_name(name);
	settle_options(o);
	return name;
}

/* Find the socket directory or exit with the reason. */
static void
open_dir(char *dir, size_t len)
{
	char	 why[512];

	if (sock_dir(dir, len, why, sizeof why) == -1) {
		fprintf(stderr, "tether: %s\n", why);
		exit(EXIT_ERROR);
	}
}

/*
 * Connect to a session, creating it if allowed. Creation happens under the
 * directory lock, so two racing creators end with one session; a socket
 * left by a dead session is removed. *created says which happened.
 */
static int
open_session(struct local *l, int create, int *created, char *why,
    size_t size)
{
	struct host_opts	 ho;
	uint16_t		 rows, cols;
	int			 fd, lock;

	*created = 0;
	if ((fd = sock_connect(l->dir, l->name)) != -1)
		return fd;
	if (errno != ENOENT && errno != ECONNREFUSED) {
		fmt_buf(why, size, "cannot connect to session %s: %s",
		    l->name, strerror(errno));
		return -1;
	}
	if (!create) {
		fmt_buf(why, size, "no session %s", l->name);
		errno = ENOENT;
		return -1;
	}
	/* Counted outside the lock: each session may take a while to answer. */
	l->others = count_detached(l->dir, l->name);
	if ((lock = sock_lock(l->dir)) == -1) {
		fmt_buf(why, size, "cannot lock %s: %s", l->dir,
		    strerror(errno));
		return -1;
	}
	if ((fd = sock_connect(l->dir, l->name)) == -1) {
		if (errno == ECONNREFUSED)
			sock_unlink(l->dir, l->name);
		tty_size(isatty(STDIN_FILENO) ? STDIN_FILENO : STDOUT_FILENO,
		    &rows, &cols);
		ho.dir = l->dir;
		ho.name = l->name;
		ho.argv = l->opts->argv;
		ho.ring_size = l->opts->ring_size;
		ho.log_size = l->opts->log_size;
		ho.history = l->opts->history;
		ho.ttl = l->opts->ttl;
		ho.others = l->others;
		ho.rows = rows;
		ho.cols = cols;
		if ((fd = host_create(&ho, lock, why, size)) != -1)
			*created = 1;
	}
	close(lock);
	return fd;
}

/* The attach client's way to its session: the local socket. */
static int
connect_local(void *arg, int attempt, char *why, size_t size)
{
	int	 created;

	return open_session(arg, 1, &created, why, size);
}

/* The notices of a session just created (lines), each as "tether: LINE". */
static void
print_notices(char *notices)
{
	char	*line;

	for (line = strtok(notices, "\n"); line != NULL;
	    line = strtok(NULL, "\n"))
		fprintf(stderr, "tether: %s\n", line);
}

/* tether new: start a detached session. */
static int
cmd_new(int argc, char **argv, struct opts *o)
{
	struct local	 l;
	char		 why[512];
	int		 fd, created;

	l.name = parse_session_args(argc, argv, o, 0);
	l.opts = o;
	l.others = 0;
	open_dir(l.dir, sizeof l.dir);
	if ((fd = open_session(&l, 1, &created, why, sizeof why)) == -1) {
		fprintf(stderr, "tether: %s\n", why);
		return EXIT_ERROR;
	}
	close(fd);
	if (!created) {
		fprintf(stderr, "tether: session %s already exists\n", l.name);
		return EXIT_EXISTS;
	}
	print_notices(why);
	if (l.others > 0) {
		client_others_line(NULL, l.others, why, sizeof why);
		fprintf(stderr, "%s\n", why);
	}
	return 0;
}

/* tether attach: attach, creating the session if it is missing. */
static int
cmd_attach(int argc, char **argv, struct opts *o)
{
	struct client_opts	 co;
	struct local		 l;
	const char		*inside = getenv("TETHER_SESSION");

	l.name = parse_session_args(argc, argv, o, 1);
	l.opts = o;
	l.others = 0;
	if (inside != NULL && strcmp(inside, l.name) == 0) {
		fprintf(stderr, "tether: refusing to attach session %s from "
		    "inside itself\n", l.name);
		return EXIT_USAGE;
	}
	open_dir(l.dir, sizeof l.dir);
	memset(&co, 0, sizeof co);
	co.name = l.name;
	co.escape = o->escape;
	co.lossless = o->lossless;
	co.connect = connect_local;
	co.arg = &l;
	return client_run(&co);
}

/*
 * Point the session's stable agent path, DIR/.agent/NAME, at the agent this
 * connection forwards, so that SSH_AUTH_SOCK inside the session keeps
 * working across reconnects (.agent cannot be a session name). Returns
 * the stable path, or NULL.
 */
static char *
bridge_agent(const char *dir, const char *name)
{
	const char	*sock = getenv("SSH_AUTH_SOCK");
	char		*adir, *link, *tmp;

	if (sock == NULL || *sock != '/')
		return NULL;
	xasprintf(&adir, "%s/.agent", dir);
	if (mkdir(adir, 0700) == -1 && errno != EEXIST) {
		free(adir);
		return NULL;
	}
	xasprintf(&link, "%s/%s", adir, name);
	xasprintf(&tmp, "%s/.%s.%ld", adir, name, (long)getpid());
	unlink(tmp);
	if (symlink(sock, tmp) == -1 || rename(tmp, link) == -1) {
		log_debug("agent link %s: %s", link, strerror(errno));
		unlink(tmp);
		free(link);
		link = NULL;
	}
	free(tmp);
	free(adir);
	return link;
}

/*
 * Take --env NAME=VALUE for the session to be created, if it is sane: one
 * of the terminal and locale variables, a value of printable bytes, at
 * most ENV_VALUE_MAX of them.
 */
static void
bridge_env(const char *pair)
{
	const char	*eq = strchr(pair, '='), *p;

	if (eq == NULL || eq == pair)
		usage_error("invalid --env '%s'", pair);
	for (p = pair; p < eq; p++) {
		if (!((*p >= 'A' && *p <= 'Z') || *p == '_'))
			usage_error("invalid --env '%s'", pair);
	}
	if (strlen(eq + 1) > ENV_VALUE_MAX)
		usage_error("--env '%.64s...' is longer than the limit",
		    pair);
	for (p = eq + 1; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			usage_error("invalid --env '%s'", pair);
	}
	if (strncmp(pair, "TERM=", 5) != 0 && strncmp(pair, "LANG=", 5) != 0 &&
	    strncmp(pair, "LC_", 3) != 0 && strncmp(pair, "COLORTERM=", 10) != 0)
		usage_error("--env '%s' is not a terminal or locale variable",
		    pair);
	if (putenv((char *)pair) != 0)
		fatal("putenv");
}

/*
 * tether bridge: run by ssh on the server for `tether host`. Attaches to
 * the session, creating it unless --resume says the client had one, then
 * relays the protocol between ssh's stdin/stdout and the session. It reads
 * no configuration file: the client's settings come as options.
 */
static int
cmd_bridge(int argc, char **argv, struct opts *o)
{
	struct local	 l;
	char		 why[512], *agent;
	int		 i, fd, created, resume = 0;

	log_setname("bridge");
	for (i = 0; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--resume") == 0)
			resume = 1;
		else if (strcmp(argv[i], "--env") == 0 && i + 1 < argc)
			bridge_env(argv[++i]);
		else if (strcmp(argv[i], "--ring") == 0 && i + 1 < argc)
			set_option(o->config, CONFIG_RING, argv[++i]);
		else if (strcmp(argv[i], "--log-size") == 0 && i + 1 < argc)
			set_option(o->config, CONFIG_LOG_SIZE, argv[++i]);
		else if (strcmp(argv[i], "--history") == 0 && i + 1 < argc)
			set_option(o->config, CONFIG_HISTORY, argv[++i]);
		else if (strcmp(argv[i], "--ttl") == 0 && i + 1 < argc)
			set_option(o->config, CONFIG_TTL, argv[++i]);
		else
			usage_error("unknown bridge option '%s'", argv[i]);
	}
	settle_options(o);
	if (i + 1 >= argc)
		usage_error("%s", "bridge needs -- NAME");
	l.name = argv[i + 1];
	check_name(l.name);
	if (i + 2 < argc) {
		if (strcmp(argv[i + 2], "--") != 0 || i + 3 >= argc)
			usage_error("unexpected argument '%s'", argv[i + 2]);
		o->argv = argv + i + 3;
	}
	l.opts = o;
	l.others = 0;
	open_dir(l.dir, sizeof l.dir);
	if ((agent = bridge_agent(l.dir, l.name)) != NULL)
		setenv("SSH_AUTH_SOCK", agent, 1);
	free(agent);
	if ((fd = open_session(&l, !resume, &created, why, sizeof why)) == -1) {
		if (errno == ENOENT || errno == ECONNREFUSED) {
			fprintf(stderr, "tether: no session %s\n", l.name);
			return EXIT_NOSESSION;
		}
		fprintf(stderr, "tether: %s\n", why);
		return EXIT_ERROR;
	}
	log_debug("bridge for %s (%s)", l.name, created ? "created" :
	    "existing");
	if (bridge_pass(fd, STDIN_FILENO, STDOUT_FILENO) == 0) {
		/* The host has ssh's side now; ours must not hold it open. */
		if ((i = open("/dev/null", O_RDWR)) != -1) {
			dup2(i, STDIN_FILENO);
			dup2(i, STDOUT_FILENO);
			if (i > STDOUT_FILENO)
				close(i);
		}
		bridge_wait(fd);
		close(fd);
		return 0;
	}
	/* An older session host: relay, on a connection of its own. */
	close(fd);
	if ((fd = open_session(&l, 0, &created, why, sizeof why)) == -1) {
		fprintf(stderr, "tether: %s\n", why);
		return EXIT_ERROR;
	}
	bridge_relay(STDIN_FILENO, STDOUT_FILENO, fd);
	close(fd);
	return 0;
}

/*
 * Send a HELLO of the given mode and flags on fd and wait for a frame of
 * type want: 1 when it came (in body), 0 on a timeout, -2 when the host
 * answered with ERROR (in body), -1 when the connection failed or closed.
 */
static int
request(int fd, uint8_t mode, uint32_t flags, uint8_t want, struct buf *in,
    struct reader *body, int ms)
{
	struct msg_hello	 h;
	struct buf		 out;
	uint8_t			 type;
	size_t			 size;
	int			 r;

	memset(&h, 0, sizeof h);
	h.major = PROTO_MAJOR;
	h.minor = PROTO_MINOR;
	h.mode = mode;
	h.flags = flags;
	buf_init(&out, 4096);
	r = proto_put_hello(&out, &h);
	/* A host that refused at once may have closed: read its ERROR. */
	if (r == 0)
		(void)client_send_all(fd, &out, ms);
	buf_free(&out);
	if (r != 0)
		return -1;
	while ((r = client_recv(fd, in, &type, body, &size, ms)) == 1) {
		if (type == want)
			return 1;
		if (type == MSG_ERROR)
			return -2;
		buf_consume(in, size);
	}
	return r;
}

/* Format a Unix time for ls. */
static void
format_time(uint64_t t, char *out, size_t len)
{
	time_t		 tt = (time_t)t;
	struct tm	*tm;

	if (t == 0 || (tm = localtime(&tt)) == NULL)
		fmt_buf(out, len, "-");
	else
		strftime(out, len, "%Y-%m-%d %H:%M:%S", tm);
}

/* Ask one session for its description; 0 if it answered. */
static int
query_session(const char *dir, const char *name, struct msg_info *m)
{
	struct buf	 in;
	struct reader	 body;
	int		 fd, lock, r;

	if ((fd = sock_connect(dir, name)) == -1) {
		if (errno == ECONNREFUSED && (lock = sock_lock(dir)) != -1) {
			if (sock_stale(dir, name))
				sock_unlink(dir, name);
			close(lock);
		}
		return -1;
	}
	buf_init(&in, PROTO_MAX_FRAME + 4 + 64 * 1024);
	r = request(fd, HELLO_INFO, 0, MSG_INFO, &in, &body, INFO_TIMEOUT);
	if (r == 1 && proto_get_info(&body, m) != 0)
		r = -1;
	buf_free(&in);
	close(fd);
	if (r != 1) {
		memset(m, 0, sizeof *m);
		fmt_buf(m->name, sizeof m->name, "%s", name);
		fmt_buf(m->command, sizeof m->command, "(not responding)");
	}
	return 0;
}

/* Order session names for ls. */
static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the sockets in dir that could be sessions. */
static size_t
list_names(const char *dir, char ***names)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 sb;
	char		 path[512], why[128];
	size_t		 n = 0;

	*names = NULL;
	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (sock_name_check(e->d_name, why, sizeof why) == -1)
			continue;
		fmt_buf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (lstat(path, &sb) == -1 || !S_ISSOCK(sb.st_mode))
			continue;
		*names = xreallocarray(*names, n + 1, sizeof **names);
		(*names)[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(*names, n, sizeof **names, compare_names);
	return n;
}

/* Is the session described by m running with nobody attached? */
static int
is_detached(const struct msg_info *m)
{
	return m->host_pid != 0 && !m->exited && !m->attached;
}

/*
 * Ask every session in dir for its description. Returns how many there
 * are; a name that is not a session has an empty name in its INFO.
 */
static size_t
query_all(const char *dir, char ***names, struct msg_info **info)
{
	size_t	 n, i;

	n = list_names(dir, names);
	*info = xcalloc(n, sizeof **info);
	for (i = 0; i < n; i++) {
		if (query_session(dir, (*names)[i], &(*info)[i]) == -1)
			(*info)[i].name[0] = '\0';
	}
	return n;
}

/* Free what query_all returned. */
static void
query_free(char **names, struct msg_info *info, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(info);
}

/* How many sessions in dir, other than except, nobody is attached to. */
static uint32_t
count_detached(const char *dir, const char *except)
{
	struct msg_info	*info;
	char		**names;
	size_t		 n, i;
	uint32_t	 count = 0;

	n = query_all(dir, &names, &info);
	for (i = 0; i < n; i++) {
		if (info[i].name[0] != '\0' && strcmp(names[i], except) != 0 &&
		    is_detached(&info[i]))
			count++;
	}
	query_free(names, info, n);
	return count;
}

/*
 * The IDLE column: how long since a person last typed, attached or
 * detached ("-" from a host older than 1.3, which does not say).
 */
static void
format_idle(const struct msg_info *m, time_t now, char *out, size_t len)
{
	if (m->active == 0)
		fmt_buf(out, len, "-");
	else
		duration_format(now > (time_t)m->active ?
		    (uint64_t)now - m->active : 0, out, len);
}

/* Print one session's ls line, its columns w wide for the name. */
static void
print_session(const struct msg_info *m, int w, time_t now)
{
	char	 created[32], attached[32], size[16], idle[32], ttl[32];

	format_time(m->created, created, sizeof created);
	format_time(m->attached_at, attached, sizeof attached);
	fmt_buf(size, sizeof size, "%ux%u", m->cols, m->rows);
	format_idle(m, now, idle, sizeof idle);
	if (m->ttl == 0)
		fmt_buf(ttl, sizeof ttl, "-");
	else
		duration_format(m->ttl, ttl, sizeof ttl);
	printf("%-*s  %-8s  %7lu  %-9s  %-19s  %-19s  %6s  %6s  %s\n", w,
	    m->name, m->exited ? "exited" : m->attached ? "attached" :
	    "detached", (unsigned long)m->host_pid, size, created, attached,
	    idle, ttl, m->title[0] != '\0' ? m->title :
	    m->command[0] != '\0' ? m->command : "-");
}

/*
 * Make a title or command that a program chose safe to print: control
 * characters (C0, DEL, and C1 as UTF-8) become '?', so that ls cannot be
 * made to move the cursor or send the terminal commands.
 */
static void
ls_clean(char *s)
{
	unsigned char	*p;

	for (p = (unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			p[0] = '?';
			p[1] = '?';
			p++;
		}
	}
}

/* tether ls: one line per session. */
static int
cmd_ls(int argc, char **argv)
{
	struct msg_info	*info;
	char		 dir[256], **names;
	size_t		 n, i, shown = 0, w = 4;
	time_t		 now = time(NULL);

	if (argc > 0)
		usage_error("unexpected argument '%s'", argv[0]);
	open_dir(dir, sizeof dir);
	n = query_all(dir, &names, &info);
	for (i = 0; i < n; i++) {
		if (info[i].name[0] == '\0')
			continue;
		if (strlen(info[i].name) > w)
			w = strlen(info[i].name);
		shown++;
	}
	if (shown == 0)
		fprintf(stderr, "no sessions\n");
	else
		printf("%-*s  %-8s  %7s  %-9s  %-19s  %-19s  %6s  %6s  %s\n",
		    (int)w, "NAME", "STATE", "PID", "SIZE", "CREATED",
		    "ATTACHED", "IDLE", "TTL", "TITLE");
	for (i = 0; i < n; i++) {
		if (info[i].name[0] == '\0')
			continue;
		ls_clean(info[i].title);
		ls_clean(info[i].command);
		print_session(&info[i], (int)w, now);
	}
	query_free(names, info, n);
	return 0;
}

/*
 * End one session and wait until it is gone; 0, or an exit status. With
 * HELLO_DETACHED, a session someone is attached to is left alone, and
 * EXIT_EXISTS says so.
 */
static int
kill_session(const char *dir, const char *name, uint32_t flags)
{
	struct local	 l;
	struct buf	 in;
	struct reader	 body;
	struct opts	 o;
	char		 why[512], text[PROTO_TEXT_MAX];
	uint8_t		 code;
	int		 fd, created, r;

	memset(&o, 0, sizeof o);
	fmt_buf(l.dir, sizeof l.dir, "%s", dir);
	l.name = name;
	l.opts = &o;
	l.others = 0;
	if ((fd = open_session(&l, 0, &created, why, sizeof why)) == -1) {
		if (errno == ECONNREFUSED)
			query_session(dir, name, &(struct msg_info){ 0 });
		fprintf(stderr, "tether: no session %s\n", name);
		return EXIT_NOSESSION;
	}
	buf_init(&in, PROTO_MAX_FRAME + 4 + 64 * 1024);
	r = request(fd, HELLO_KILL, flags, MSG_EXIT, &in, &body,
	    KILL_TIMEOUT);
	/* A refusal (busy, denied, out of descriptors) is no success. */
	if (r == -2 && proto_get_text(&body, &code, text, sizeof text) != 0)
		fmt_buf(text, sizeof text, "malformed error message");
	buf_free(&in);
	close(fd);
	if (r == -2 && code == ERR_ATTACHED)
		return EXIT_EXISTS;	/* attached since it was listed */
	if (r == -2) {
		fprintf(stderr, "tether: cannot kill session %s: %s\n", name,
		    text);
		return EXIT_ERROR;
	}
	if (r == 0) {
		fprintf(stderr, "tether: session %s did not end\n", name);
		return EXIT_ERROR;
	}
	return 0;
}

/*
 * Is `tether kill A B...` about host A? Yes when there are two or more
 * arguments and A is not a session here (or carries an option for ssh).
 * `tether kill --detached` is local, `tether kill --detached host` remote.
 */
static int
kill_is_remote(int argc, char **argv)
{
	char	 dir[256], why[512];
	int	 fd;

	if (argc > 0 && strcmp(argv[0], "--detached") == 0)
		return argc > 1;
	if (argc < 2)
		return 0;
	if (argv[0][0] == '-')
		return strcmp(argv[0], "--") != 0;
	if (sock_name_check(argv[0], why, sizeof why) == -1 ||
	    sock_dir(dir, sizeof dir, why, sizeof why) == -1)
		return 1;
	if ((fd = sock_connect(dir, argv[0])) == -1)
		return 1;
	close(fd);
	return 0;
}

/*
 * tether kill --detached: end every session nobody is attached to, and
 * say how many. The host checks again (HELLO_DETACHED), so that a session
 * attached to since the look is left alone.
 */
static int
kill_detached(void)
{
	struct msg_info	*info;
	char		 dir[256], **names;
	size_t		 n, i, ended = 0;
	int		 r, status = 0;

	open_dir(dir, sizeof dir);
	n = query_all(dir, &names, &info);
	for (i = 0; i < n; i++) {
		if (info[i].name[0] == '\0' || !is_detached(&info[i]))
			continue;
		if ((r = kill_session(dir, names[i], HELLO_DETACHED)) == 0)
			ended++;
		else if (r != EXIT_NOSESSION && r != EXIT_EXISTS)
			status = r;
	}
	query_free(names, info, n);
	printf("ended %zu detached session%s\n", ended, ended == 1 ? "" : "s");
	return status;
}

/* tether kill: end each named session. */
static int
cmd_kill(int argc, char **argv)
{
	char	 dir[256];
	int	 i, r, status = 0;

	if (argc == 0)
		usage_error("%s", "kill needs a session name");
	if (strcmp(argv[0], "--detached") == 0) {
		if (argc > 1)
			usage_error("unexpected argument '%s'", argv[1]);
		return kill_detached();
	}
	for (i = 0; i < argc; i++)
		check_name(argv[i]);
	open_dir(dir, sizeof dir);
	for (i = 0; i < argc; i++) {
		if ((r = kill_session(dir, argv[i], 0)) != 0)
			status = r;
	}
	return status;
}

/* Are the arguments of `tether log` for a remote host (two names)? */
static int
log_is_remote(int argc, char **argv)
{
	int	 i, names = 0;

	for (i = 0; i < argc; i++) {
		if (argv[i][0] != '-')
			names++;
		else if (strcmp(argv[i], "-f") != 0 &&
		    strcmp(argv[i], "--follow") != 0 &&
		    strcmp(argv[i], "-p") != 0 &&
		    strcmp(argv[i], "--plain") != 0)
			return 1;	/* an ssh or remote option */
	}
	return names > 1;
}

/* tether log [-f] [-p] NAME */
static int
cmd_log(int argc, char **argv)
{
	const char	*name = NULL;
	int		 i, follow = 0, plain = 0;

	log_setname("log");
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-f") == 0 ||
		    strcmp(argv[i], "--follow") == 0)
			follow = 1;
		else if (strcmp(argv[i], "-p") == 0 ||
		    strcmp(argv[i], "--plain") == 0)
			plain = 1;
		else if (argv[i][0] == '-')
			usage_error("unknown option '%s'", argv[i]);
		else if (name == NULL)
			name = argv[i];
		else
			usage_error("unexpected argument '%s'", argv[i]);
	}
	if (name == NULL)
		usage_error("%s", "log needs a session name");
	check_name(name);
	switch (outlog_show(name, follow, plain)) {
	case 0:
		return 0;
	case 3:
		return EXIT_NOSESSION;
	default:
		return EXIT_ERROR;
	}
}

/* Run the command in argv[0]; its exit status. */
static int
dispatch(int argc, char **argv, struct opts *o)
{
	const char	*cmd = argv[0];

	if (strcmp(cmd, "new") == 0)
		return cmd_new(argc - 1, argv + 1, o);
	if (strcmp(cmd, "attach") == 0 || strcmp(cmd, "a") == 0)
		return cmd_attach(argc - 1, argv + 1, o);
	if (strcmp(cmd, "ls") == 0 || strcmp(cmd, "list") == 0)
		return argc > 1 ? remote_ls(argc - 1, argv + 1, o->config) :
		    cmd_ls(argc - 1, argv + 1);
	if (strcmp(cmd, "kill") == 0)
		return kill_is_remote(argc - 1, argv + 1) ?
		    remote_kill(argc - 1, argv + 1, o->config) :
		    cmd_kill(argc - 1, argv + 1);
	if (strcmp(cmd, "log") == 0)
		return log_is_remote(argc - 1, argv + 1) ?
		    remote_log(argc - 1, argv + 1, o->config) :
		    cmd_log(argc - 1, argv + 1);
	if (strcmp(cmd, "config") == 0)
		return remote_config(argc - 1, argv + 1, o->config);
	if (strcmp(cmd, "--install") == 0)
		return remote_install(argc - 1, argv + 1, o->config);
	return remote_main(argc, argv, o->config);
}

int
main(int argc, char **argv)
{
	struct config	 config;
	struct opts	 o;
	const char	*path = NULL, *cmd;
	char		 why[1024];
	int		 status;
	char		 version[128];

	log_open(getenv("TETHER_DEBUG"));
	log_setname("client");
	/* A session that goes away mid-write must not kill us with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	memset(&o, 0, sizeof o);
	o.escape = ESCAPE_DEFAULT;
	o.ring_size = RING_DEFAULT;
	o.log_size = OUTLOG_DEFAULT;
	o.history = SCREEN_HISTORY_DEFAULT;
	config_init(&config);
	o.config = &config;
	if (argc >= 2 && strcmp(argv[1], "--config") == 0) {
		if (argc < 3)
			usage_error("%s", "--config needs a file (or none)");
		path = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 2)
		usage_error("%s", "missing command");
	cmd = argv[1];
	/* Help works whatever the file says. */
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 ||
	    strcmp(cmd, "help") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
		deploy_version(version, sizeof version);
		printf("%s\n", version);
		return 0;
	}
	/* ssh runs these on the server: the client's settings come along. */
	if (strcmp(argv[1], "bridge") == 0)
		return cmd_bridge(argc - 2, argv + 2, &o);
	if (strcmp(argv[1], "dial") == 0)
		return dial_main(argc - 2, argv + 2);
	if (config_load(&config, path, why, sizeof why) == -1) {
		fprintf(stderr, "tether: %s\n", why);
		config_free(&config);
		return EXIT_USAGE;
	}
	status = dispatch(argc - 1, argv + 1, &o);
	config_free(&config);
	return status;
}
